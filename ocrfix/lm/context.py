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

from array import array
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
from scipy import sparse

from ..errors import InputError, ModelError

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
    """Bigram counts with fast "what fits between ``left`` and ``right``" queries."""

    def __init__(self, vocab: Iterable[str], counts: sparse.spmatrix) -> None:
        self.vocab = tuple(vocab)
        self.ids = {tok: i for i, tok in enumerate(self.vocab)}
        self.rows = sparse.csr_matrix(counts, dtype=np.float64)
        self.rows.sort_indices()
        self.cols = self.rows.tocsc()
        self.cols.sort_indices()
        self.left_total = np.asarray(self.rows.sum(axis=1)).ravel()  # c(a ·)
        self._allowed: np.ndarray | None = None
        # row * V + column of every stored count: sorted (CSR is row-major with sorted columns), so
        # a block of counts is one binary search (log_transitions)
        rows_of = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.rows.indptr))
        self._keys = rows_of * len(self.vocab) + self.rows.indices

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
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp.npz")
        try:
            np.savez_compressed(tmp, vocab=np.array(self.vocab), indptr=counts.indptr, indices=counts.indices,
                                data=counts.data)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{path}: cannot write the context index ({exc.strerror or exc})") from None

    @classmethod
    def load(cls, path: str | Path) -> "ContextIndex":
        try:
            with np.load(path, allow_pickle=False) as npz:
                vocab = npz["vocab"].tolist()
                counts = sparse.csr_matrix((npz["data"], npz["indices"], npz["indptr"]), shape=(len(vocab),) * 2)
        except FileNotFoundError:
            raise ModelError(f"{path}: context index not found (the corrector's weights use context candidates; "
                             f"build it from the LM's corpus: ocrfix lm context CORPUS... -o {path})") from None
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path}: not a context index (.npz with vocab/indptr/indices/data): {exc}") from None
        return cls(vocab, counts)

    def restrict(self, allowed: Collection[str]) -> None:
        """Propose only characters in ``allowed`` (e.g. the inventory's Han characters)."""
        self._allowed = np.array([tok in allowed for tok in self.vocab], dtype=bool)

    def between(self, left: str | None, right: str | None, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` tokens ``c`` with the highest bigram posterior ``P(c | left) · P(right | c)``
        (normalized over the candidates), best first. ``None`` is a sentence edge; a neighbour
        the corpus never saw constrains nothing."""
        a = self.ids.get(BOS if left is None else left)
        b = self.ids.get(EOS if right is None else right)
        if a is None and b is None:
            return []
        if a is not None:
            row, p_left = self._after(a)
        if b is not None:
            col, p_right = self._before(b)
        if a is None:
            chars, score = col, p_right
        elif b is None:
            chars, score = row, p_left
        else:  # both index lists are sorted: look the shorter one up in the longer
            short, long_, p_short, p_long = (row, col, p_left, p_right) if len(row) <= len(col) else (col, row, p_right, p_left)
            at = np.minimum(np.searchsorted(long_, short), max(len(long_) - 1, 0))
            found = np.flatnonzero(long_[at] == short) if len(long_) else np.zeros(0, dtype=np.int64)
            chars, score = short[found], p_short[found] * p_long[at[found]]
        if self._allowed is not None:
            mask = self._allowed[chars]
            chars, score = chars[mask], score[mask]
        if not len(chars):
            return []
        top = np.argsort(-score, kind="stable")[:n]
        total = score.sum()
        return [(self.vocab[chars[i]], float(score[i] / total)) for i in top]

    def following(self, token: str | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and log P(c | ``token``) of the ``n`` likeliest allowed tokens after ``token``
        (``None``: the sentence start), best first; empty for a token the corpus never saw."""
        a = self.ids.get(BOS if token is None else token)
        if a is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return self._top(*self._after(a), n)

    def preceding(self, token: str | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and log P(``token`` | c) of the ``n`` allowed tokens c that ``token`` (``None``:
        the sentence end) most likely follows, best first."""
        b = self.ids.get(EOS if token is None else token)
        if b is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return self._top(*self._before(b), n)

    def log_transitions(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The matrix log P(right[j] | left[i]) (``-inf`` for pairs never seen together)."""
        query = (left[:, None] * len(self.vocab) + right[None, :]).ravel()
        at = np.minimum(np.searchsorted(self._keys, query), len(self._keys) - 1)
        counts = np.where(self._keys[at] == query, self.rows.data[at], 0.0).reshape(len(left), len(right))
        with np.errstate(divide="ignore"):
            return np.log(counts / np.maximum(self.left_total[left], 1.0)[:, None])

    def _after(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the tokens seen after token ``a`` and P(c | a) of each (sorted by id)."""
        span = slice(self.rows.indptr[a], self.rows.indptr[a + 1])
        return self.rows.indices[span], self.rows.data[span] / self.left_total[a]

    def _before(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the tokens seen before token ``b`` and P(b | c) of each (sorted by id)."""
        span = slice(self.cols.indptr[b], self.cols.indptr[b + 1])
        ids = self.cols.indices[span]
        return ids, self.cols.data[span] / np.maximum(self.left_total[ids], 1.0)

    def _top(self, ids: np.ndarray, prob: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self._allowed is not None:
            mask = self._allowed[ids]
            ids, prob = ids[mask], prob[mask]
        if len(ids) > n:  # the n best by a partial sort, then those in order
            part = np.argpartition(-prob, n - 1)[:n]
            ids, prob = ids[part], prob[part]
        top = np.argsort(-prob, kind="stable")
        return ids[top], np.log(prob[top])
