"""Which characters fit between two neighbours: a bigram index of the LM's training text.

Confusion sets only propose characters that look (or sound) like the misread one. On badly
degraded scans OCR often outputs an unrelated frequent character (感染 → 感人, 意愿 → 意古), and
no confusion set can hold those pairs. The text around the site can: the characters ``c`` with
``P(c | left) · P(right | c)`` high under a bigram model of the news corpus are what the
context asks for. The corrector proposes the top few of them at improbable sites (source
``context``) and lets the full n-gram LM and its fitted weights decide.

Counts are kept as one sparse matrix ``counts[a, c]`` over the corpus tokens
(:func:`ocrfix.normalize.lm_token` outputs plus ``<s>``/``</s>``), saved as ``.npz``; pairs seen
fewer than ``min_count`` times are dropped (the file stays ~10 MB for 44 M tokens).
"""
from __future__ import annotations

import io
import zipfile
from array import array
from collections.abc import Collection, Iterable
from typing import NamedTuple
from pathlib import Path

import numpy as np
from scipy import sparse

from ..checksums import verify_model
from ..errors import ModelError
from ..textio import write_bytes_atomic

BOS, EOS = "<s>", "</s>"
SUFFIX = ".context.npz"


def context_path(lm_path: str | Path) -> Path:
    """Where the context index of an LM file lives: ``news.klm`` -> ``news.context.npz``."""
    path = Path(lm_path)
    return path.with_name(path.name.rsplit(".", 1)[0] + SUFFIX)


def read_lines(path: Path) -> Iterable[str]:
    with open(path, encoding="utf-8") as handle:
        yield from handle


class ContextIndex:
    """Bigram counts with fast "what fits between ``left`` and ``right``" queries.

    :meth:`between` works on a scratch array of the index: share an index between processes
    (forked workers each get their own copy), not between threads."""

    def __init__(self, vocab: Iterable[str], counts: sparse.spmatrix) -> None:
        self.vocab = tuple(vocab)
        self.ids = {tok: i for i, tok in enumerate(self.vocab)}
        self.rows = sparse.csr_matrix(counts, dtype=np.float64)
        self.rows.sort_indices()
        self.left_total = np.asarray(self.rows.sum(axis=1)).ravel()  # c(a ·)
        # Every stored count's key row * V + column is sorted (CSR is row-major with sorted
        # columns). A bit per key in 64-bit words, and the number of bits set before each word,
        # answer a block of lookups (log_transitions) with two or three memory reads per pair: the
        # bit says whether the pair was seen, and the bits set before it are its position among the
        # sorted keys (a rank query). A binary search over all keys took 2.7x as long on noisy
        # pages, and most pairs looked up were never seen. 4.6 + 2.3 MB for 6,040 tokens.
        rows_of = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.rows.indptr))
        keys = rows_of * len(self.vocab) + self.rows.indices
        n_words = (len(self.vocab) ** 2 + 63) // 64
        self._words = np.zeros(n_words, dtype=np.uint64)
        word = keys >> 6
        first = np.flatnonzero(np.diff(word, prepend=-1))  # the first key of each word (keys are sorted)
        self._words[word[first]] = np.bitwise_or.reduceat(np.left_shift(np.uint64(1), (keys & 63).astype(np.uint64)), first) \
            if len(keys) else ()
        self._rank_base = np.zeros(n_words, dtype=np.int32 if len(keys) < 2**31 else np.int64)
        np.cumsum(np.bitwise_count(self._words)[:-1], out=self._rank_base[1:])
        with np.errstate(divide="ignore"):  # log P(column | row) of every key, in key order
            self._log_p = np.log(self.rows.data / np.maximum(self.left_total[rows_of], 1.0))
        # the probabilities the queries rank, computed once: P(c | a) along each row, P(b | c) down each column
        cols = self.rows.tocsc()
        cols.sort_indices()
        self._after_all = _Lists(self.rows.indptr, self.rows.indices, self.rows.data / self.left_total[rows_of])
        self._before_all = _Lists(cols.indptr, cols.indices, cols.data / np.maximum(self.left_total[cols.indices], 1.0))
        self._after, self._before = self._after_all, self._before_all
        self._dense = np.zeros(len(self.vocab))  # scratch vector of between()'s products (zero between calls)

    @classmethod
    def fit(cls, lines: Iterable[str], min_count: int = 2) -> "ContextIndex":
        """Count the bigrams of LM training lines (space-separated tokens, one sentence each)."""
        ids: dict[str, int] = {BOS: 0, EOS: 1}
        codes = array("q")
        for line in lines:
            seq = [0, *(ids.setdefault(tok, len(ids)) for tok in line.split()), 1]
            codes.extend(a * 1_000_003 + b for a, b in zip(seq, seq[1:]))
        if not codes:
            raise ModelError("no text to count bigrams from")
        pairs, counts = np.unique(np.frombuffer(codes, dtype=np.int64), return_counts=True)
        keep = counts >= min_count
        left, right = np.divmod(pairs[keep], 1_000_003)
        n = len(ids)
        matrix = sparse.coo_matrix((counts[keep].astype(np.int32), (left, right)), shape=(n, n))
        return cls(sorted(ids, key=ids.__getitem__), matrix)

    def save(self, path: str | Path) -> None:
        counts = self.rows.astype(np.int32)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, vocab=np.array(self.vocab), indptr=counts.indptr, indices=counts.indices, data=counts.data)
        write_bytes_atomic(path, buffer.getvalue(), "context index")

    @classmethod
    def load(cls, path: str | Path) -> "ContextIndex":
        """Read an index written by :meth:`save`; ModelError if missing, damaged (checksum) or of the
        wrong shapes (indices outside the vocabulary would make look-ups read past the arrays)."""
        try:
            verify_model(path)
            with np.load(path, allow_pickle=False) as npz:
                vocab, indptr, indices, data = (npz[k] for k in ("vocab", "indptr", "indices", "data"))
        except FileNotFoundError:
            raise ModelError(f"{path}: context index not found (the corrector's weights use context candidates; "
                             f"build it from the LM's corpus: ocrfix lm context CORPUS... -o {path})") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{path}: not a context index (.npz with vocab/indptr/indices/data): {exc}") from None
        _check_csr(path, vocab, indptr, indices, data)
        return cls(vocab.tolist(), sparse.csr_matrix((data, indices, indptr), shape=(len(vocab),) * 2))

    def restrict(self, allowed: Collection[str]) -> None:
        """Propose only characters in ``allowed`` (e.g. the inventory's Han characters)."""
        mask = np.array([tok in allowed for tok in self.vocab], dtype=bool)
        self._after, self._before = self._after_all.keep(mask), self._before_all.keep(mask)

    def neighbour_id(self, token: str | None, left: bool) -> int | None:
        """The id of a ``left`` (else right) neighbour ``token``; ``None`` is the sentence edge
        on that side (``<s>`` / ``</s>``); ``None`` back for a token the corpus never saw."""
        return self.ids.get((BOS if left else EOS) if token is None else token)

    def token_ids(self, tokens: Iterable[str]) -> np.ndarray:
        """The ids of those of ``tokens`` the index knows."""
        ids = self.ids
        return np.array([ids[tok] for tok in tokens if tok in ids], dtype=np.int64)

    def between(self, left: str | None, right: str | None, n: int = 10,
                exclude: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``n`` tokens ``c`` with the highest bigram posterior ``P(c | left) · P(right | c)``
        leaving out the ids ``exclude`` (:meth:`token_ids`), best first, with their posteriors
        normalized over the tokens not left out. ``None`` is a sentence edge; a neighbour the
        corpus never saw constrains nothing."""
        a, b = self.neighbour_id(left, True), self.neighbour_id(right, False)
        if a is None and b is None:
            return []
        excluding = exclude is not None and len(exclude) > 0
        if a is not None and b is not None:  # spread the shorter list over a dense vector, read it at the longer one's ids
            (short, p_short), (long_, p_long) = sorted((self._after.of(a), self._before.of(b)), key=lambda ids_p: len(ids_p[0]))
            dense = self._dense
            dense[short] = p_short
            if excluding:
                dense[exclude] = 0.0
            product = dense[long_] * p_long
            dense[short] = 0.0
            found = np.flatnonzero(product)
            chars, score = long_[found], product[found]
        else:
            chars, score = self._after.of(a) if b is None else self._before.of(b)
            if excluding:  # rare (a neighbour the corpus never saw)
                allowed = ~np.isin(chars, exclude)
                chars, score = chars[allowed], score[allowed]
        if not len(chars):
            return []
        top = top_indices(score, n)
        vocab = self.vocab
        return [(vocab[c], p) for c, p in zip(chars[top].tolist(), (score[top] / score.sum()).tolist())]

    def following(self, token: str | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and log P(c | ``token``) of the ``n`` likeliest allowed tokens after ``token``
        (``None``: the sentence start), best first; empty for a token the corpus never saw."""
        a = self.neighbour_id(token, True)
        if a is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return _top(*self._after.of(a), n)

    def preceding(self, token: str | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and log P(``token`` | c) of the ``n`` allowed tokens c that ``token`` (``None``:
        the sentence end) most likely follows, best first."""
        b = self.neighbour_id(token, False)
        if b is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return _top(*self._before.of(b), n)

    def log_transitions(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The matrix log P(right[j] | left[i]) (``-inf`` for pairs never seen together)."""
        if not len(self._log_p):
            return np.full((len(left), len(right)), -np.inf)
        query = (left[:, None] * len(self.vocab) + right[None, :]).ravel()
        word, bit = query >> 6, (query & 63).astype(np.uint64)
        bits = self._words[word]
        seen = np.flatnonzero((bits >> bit) & np.uint64(1))  # most pairs looked up were never seen
        word, bit, bits = word[seen], bit[seen], bits[seen]
        out = np.full(len(query), -np.inf)
        out[seen] = self._log_p[self._rank_base[word] + np.bitwise_count(bits & ((np.uint64(1) << bit) - np.uint64(1)))]
        return out.reshape(len(left), len(right))


class _Lists(NamedTuple):
    """Per token, a sorted list of token ids and a value for each (a CSR matrix's three arrays)."""

    indptr: np.ndarray
    ids: np.ndarray
    values: np.ndarray

    def of(self, token: int) -> tuple[np.ndarray, np.ndarray]:
        span = slice(self.indptr[token], self.indptr[token + 1])
        return self.ids[span], self.values[span]

    def keep(self, allowed: np.ndarray) -> "_Lists":
        """Only the ids marked in the boolean array ``allowed`` (order kept)."""
        kept = allowed[self.ids]
        owner = np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))[kept]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(self.indptr) - 1))])
        return _Lists(indptr, self.ids[kept], self.values[kept])


def top_indices(score: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores, best first, ties in index order (a stable sort's
    first ``n``, from a partial sort: the score arrays hold up to a few thousand entries)."""
    if len(score) > 4 * n:
        cut = np.partition(score, len(score) - n)[len(score) - n]
        candidates = np.flatnonzero(score >= cut)
        return candidates[np.argsort(-score[candidates], kind="stable")[:n]]
    return np.argsort(-score, kind="stable")[:n]


def _top(ids: np.ndarray, prob: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` most probable ids, best first, and their natural-log probabilities."""
    if len(ids) > n:  # the n best by a partial sort, then those in order
        part = np.argpartition(-prob, n - 1)[:n]
        ids, prob = ids[part], prob[part]
    top = np.argsort(-prob, kind="stable")
    return ids[top], np.log(prob[top])


def _check_csr(path: str | Path, vocab: np.ndarray, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
    """ModelError unless the arrays form a square CSR matrix over ``vocab``."""
    n = len(vocab) if vocab.ndim == 1 else -1
    ok = (vocab.ndim == 1 and vocab.dtype.kind == "U" and indptr.ndim == indices.ndim == data.ndim == 1
          and indptr.dtype.kind in "iu" and indices.dtype.kind in "iu" and data.dtype.kind in "iuf"
          and len(indptr) == n + 1 and len(indices) == len(data))
    ok = ok and (n == 0 or (indptr[0] == 0 and indptr[-1] == len(indices) and bool(np.all(np.diff(indptr) >= 0))))
    ok = ok and (len(indices) == 0 or (int(indices.min()) >= 0 and int(indices.max()) < n))
    if not ok:
        raise ModelError(f"{path}: damaged context index (its arrays do not form a {max(n, 0):,} x {max(n, 0):,} "
                         "count matrix); rebuild it: ocrfix lm context CORPUS... -o " + str(path))
