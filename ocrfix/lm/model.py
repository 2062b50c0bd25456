"""The character language model the corrector queries: a KenLM model over ``lm_token`` s.

Scores are log10 probabilities (KenLM's unit). A *state* is an opaque, hashable
``kenlm.State``: KenLM keeps only the context that can still matter (its right-state
minimization), so two hypotheses whose states compare equal can be recombined by a decoder.

Speed (default model, busy shared machine, see benchmarks/RESULTS.md): an uncached
``BaseScore`` call from Python costs ~4-5 µs; :meth:`CharLM.score_token` memoizes
``(state, token)`` in an LRU cache, so a decoder that re-scores the same candidates at the
same positions pays ~1.5 µs per repeat.
"""
from __future__ import annotations

import math
import os
import struct
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path

import kenlm

from ..checksums import verify_model
from ..errors import ModelError
from ..normalize import lm_tokens

try:  # the corrector's site-gain loop compiled against KenLM's headers (setup.py); optional
    from . import _site_gains
except ImportError:  # not built, or a kenlm whose objects it does not recognize
    _site_gains = None

def native_loop_built() -> bool:
    """Whether the compiled site-gain loop imported (see :attr:`CharLM.native_site_gains`)."""
    return _site_gains is not None


#: Entries of the (state, token) -> (score, state) cache of one model.
DEFAULT_CACHE_SIZE = 1 << 20

#: First bytes of a KenLM binary file and of an ARPA file.
_BINARY_MAGIC = b"mmap lm http://kheafield.com/code"
_ARPA_MAGIC = b"\\data\\"


#: KenLM's binary header (format version 5, as written on x86-64): byte-order sanity values
#: at 56, the n-gram order at 88, the model type at 96, the n-gram counts from 108.
_SANITY = struct.Struct("<fffII4xQ")
_SANITY_VALUES = (0.0, 1.0, -0.5, 1, 0xFFFFFFFF, 1)
_MODEL_TYPES = {0, 2, 3, 4, 5}  # probing, trie, quant trie, array trie, quant array trie
_MAX_ORDER = 6  # KENLM_MAX_ORDER of the kenlm module


def _check_binary_header(path: Path, head: bytes, size: int) -> None:
    """ModelError unless the header of a KenLM binary is intact (its sanity values, order,
    model type and n-gram counts): the C++ loader trusts it and may crash on garbage."""
    if not head.startswith(_BINARY_MAGIC + b" format version 5\n\0") or len(head) < 108:
        raise ModelError(f"{path}: damaged KenLM binary (unknown header version or truncated header)")
    order, model_type = head[88], struct.unpack_from("<I", head, 96)[0]
    if (_SANITY.unpack_from(head, 56) != _SANITY_VALUES or not 1 <= order <= _MAX_ORDER
            or model_type not in _MODEL_TYPES or len(head) < 108 + 8 * order):
        raise ModelError(f"{path}: damaged KenLM binary (header fields out of range)")
    counts = struct.unpack_from(f"<{order}Q", head, 108)
    if not 0 < counts[0] < size or any(not 0 < c < size for c in counts[1:]):
        raise ModelError(f"{path}: damaged KenLM binary (n-gram counts {', '.join(map(str, counts))} "
                         f"do not fit a {size:,}-byte file)")


def _check_model_file(path: Path) -> None:
    """ModelError unless ``path`` looks like an intact KenLM binary or ARPA file (before kenlm
    reads it): listed in a ``checksums.json``, its checksum must match; a binary's header must be sane."""
    if not path.exists():
        raise ModelError(f"{path}: language model not found")
    if not path.is_file():
        raise ModelError(f"{path}: is not a file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if head.startswith(_BINARY_MAGIC):
        _check_binary_header(path, head, path.stat().st_size)
    elif not head.lstrip().startswith(_ARPA_MAGIC):
        raise ModelError(f"{path}: not a KenLM model (neither KenLM binary nor ARPA)")
    verify_model(path)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (KenLM's C++ loader prints ARPA progress stars and a
    "build a binary file" hint there); load errors still arrive as Python exceptions."""
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr: nothing to silence
        yield
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


class CharLM:
    """A character n-gram model loaded from a KenLM binary or ARPA file.

    ``cache_size`` entries of (state, token) are memoized by :meth:`score_token`; 0 turns the
    cache off (worth it when few queries repeat: the cache costs ~30% on a miss, saves ~70%
    on a hit, so it pays from a hit rate of about 30%; see :meth:`cache_info`).
    ``native``: use the compiled site-gain loop when it is built (:attr:`native_site_gains`).
    Raises :class:`ModelError` for a missing, corrupt or non-KenLM file.
    """

    def __init__(self, path: str | Path, cache_size: int = DEFAULT_CACHE_SIZE, native: bool = True) -> None:
        self.path = Path(path)
        _check_model_file(self.path)
        config = kenlm.Config()
        # Read into memory rather than memory-mapped: KenLM then asks for transparent huge pages,
        # and the trie's look-ups, which hop across the whole file, stop missing the TLB
        # (the 77 MB default model: 15 noisy pages corrected ~9% faster; same load time).
        config.load_method = kenlm.LoadMethod.READ
        try:
            with _quiet_stderr():
                self._model = kenlm.Model(str(self.path), config)
        except (OSError, RuntimeError, ValueError) as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            detail = detail.split(" threw ", 1)[-1].rstrip(")")  # drop KenLM's C++ source location
            raise ModelError(f"{self.path}: corrupt KenLM model ({detail})") from exc
        self.order: int = self._model.order
        self.score_token = lru_cache(maxsize=cache_size)(self._score_token) if cache_size else self._score_token
        self._begin = kenlm.State()
        self._model.BeginSentenceWrite(self._begin)
        self._null = kenlm.State()
        self._model.NullContextWrite(self._null)
        #: ``(tokens, states, logps, i, candidates, first, second, final) -> [(k, gain, cand_ctx)]``:
        #: :func:`ocrfix.correction.features.site_gains` in C++ on this model (the same numbers; a
        #: quarter less correction time over the evaluation pages), or None when not built or
        #: ``native`` is off.
        self.native_site_gains = (partial(_site_gains.site_gains, self._model)
                                  if native and _site_gains is not None and _site_gains.state_size_ok(self._model)
                                  else None)

    def __repr__(self) -> str:
        return f"CharLM({str(self.path)!r}, order={self.order})"

    def begin_state(self) -> kenlm.State:
        """The state after the sentence-start marker ``<s>``."""
        return self._begin

    def null_state(self) -> kenlm.State:
        """The empty context (text that does not start a sentence)."""
        return self._null

    def _score_token(self, state: kenlm.State, token: str) -> tuple[float, kenlm.State]:
        """log10 P(token | state) and the state after ``token`` (memoized as :meth:`score_token`).

        ``token`` is an :func:`ocrfix.normalize.lm_token` output, or ``"</s>"`` for the end.
        """
        out = kenlm.State()
        return self._model.BaseScore(state, token, out), out

    def score_next(self, state: kenlm.State, tokens: Iterable[str],
                   floor: float = -math.inf) -> list[tuple[int, float, kenlm.State]]:
        """(index, log10 P(token | state), the state after it) of those of ``tokens`` that score at
        least ``floor`` as the next token (alternatives, not a sequence): the corrector's screen
        of a site's candidates in one tight loop (uncached), whose states the survivors'
        rescoring continues from."""
        base_score, new_state = self._model.BaseScore, kenlm.State
        kept = []
        after = new_state()
        for k, token in enumerate(tokens):
            score = base_score(state, token, after)
            if score >= floor:
                kept.append((k, score, after))
                after = new_state()
        return kept

    def score_window(self, state: kenlm.State, tokens: Iterable[str]) -> tuple[float, kenlm.State]:
        """Summed log10 probability of ``tokens`` after ``state``, and the final state.

        The state API's walk for a caller that scores one window at a time (e.g. the n-1 tokens
        after a candidate substitution); the corrector's own loop does this in compiled code.
        """
        total = 0.0
        score_token = self.score_token
        for token in tokens:
            logp, state = score_token(state, token)
            total += logp
        return total, state

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 probability of a token sequence (uncached, fast path through ``Model.score``)."""
        return self._model.score(" ".join(tokens), bos, eos)  # positional: a keyword costs ~7 % of a short call

    def score_text(self, text: str, bos: bool = True, eos: bool = True) -> float:
        """log10 probability of ``text`` after the shared LM normalization."""
        return self.score_tokens(lm_tokens(text), bos=bos, eos=eos)

    def token_scores(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> list[tuple[float, bool]]:
        """(log10 probability, is-OOV) of every token, plus ``</s>`` when ``eos``."""
        return [(logp, oov) for logp, _, oov in self._model.full_scores(" ".join(tokens), bos=bos, eos=eos)]

    def has_token(self, token: str) -> bool:
        """True when ``token`` is in the model's vocabulary (not ``<unk>``)."""
        return token in self._model

    def cache_info(self):
        """Hit/miss statistics of the score cache (``functools`` ``CacheInfo``), None if off."""
        return self.score_token.cache_info() if hasattr(self.score_token, "cache_info") else None
