"""Features of one candidate substitution, computed locally with the LM state API.

A substitution at token ``i`` only changes the LM scores of tokens ``i .. i+order-1`` (and of
``</s>`` when the sentence ends inside that window), so :func:`substitution_gains` rescoring
that window from the cached state before ``i`` gives the exact sentence log-probability
difference at a cost of ``order`` look-ups instead of a whole-sentence rescoring.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import numpy as np

from ..confusions.misread import MisreadRates
from ..confusions.similarity import GlyphSpace
from .cache import PER_CHAR, Capped
from .candidates import CONTEXT, PER_SITE, Candidate, Entry, Lattice
from .document import DocumentBigrams, nearby_bigrams
from .pairs import PairCandidate

EOS = "</s>"

#: Names of the numeric features, in column order (source indicators ``src:<name>`` follow).
BASE_FEATURES = (
    # depend on the context
    "lm_gain",  # log10 P(sentence with candidate) - log10 P(original sentence)
    "lm_gain_pos",  # max(gain, 0): lets the model bend the response
    "gain_margin",  # gain - max(0, best gain of the site's other candidates): how clearly it wins
    "gain_rank",  # log(1 + number of the site's candidates with a higher gain)
    "cand_ctx",  # log10 P(candidate | left context)
    "orig_ctx",  # log10 P(original | left context)
    "edge",  # 1 if the site is within 2 tokens of a sentence edge (less context)
    "sent_logp",  # mean log10 P per token of the current sentence: how noisy the text around is
    # depend on the rest of the document (.document)
    "doc_orig",  # sides (0-2) on which the original and its neighbour recur elsewhere in the document
    "doc_cand",  # sides (0-2) on which the candidate occurs next to the site's neighbour in the document
    # depend on the characters only
    "orig_oov",  # 1 if the original is not in the LM vocabulary
    "uni_orig",  # log10 unigram probability of the original
    "orig_misread",  # log10 share of the original's occurrences in OCR output that were misreadings
    "n_cands",  # log(1 + number of confusion-set candidates of the seen char)
    "channel",  # log10 of the confusion-set score
    "rank",  # log(1 + rank of the candidate among the seen char's candidates)
    "uni_cand",  # log10 unigram probability of the candidate
    "glyph_cos",  # glyph cosine of the seen char and the candidate
    "context_glyph",  # glyph_cos of a context candidate (0 otherwise): the only visual evidence it has
)

#: The leading features that depend on the context (and the rest of the document): computed per
#: site; the others depend on the characters only and are cached per seen character.
DYNAMIC_FEATURES = BASE_FEATURES[:BASE_FEATURES.index("doc_cand") + 1]

#: Features of a pair candidate (:mod:`.pairs`), scored by their own model.
PAIR_FEATURES = (
    "lm_gain",  # log10 P(sentence with both replacements) - log10 P(original sentence)
    "lm_gain_pos",
    "over_single",  # gain - max(0, gain of either replacement alone): what only the pair explains
    "chain",  # bigram chain log-probability of the proposal (natural log)
    "rank",  # log(1 + rank among the site's proposals)
    "glyph_cos_a",  # glyph cosine of each seen character and its replacement
    "glyph_cos_b",
    "channel_a",  # log10 confusion score of each replacement (context-only: CONTEXT_SCORE)
    "channel_b",
    "misread_a",  # log10 misread rate of each original
    "misread_b",
    "orig_ctx_a",  # log10 P(original | left context) of each
    "orig_ctx_b",
    "sent_logp",
    "doc_orig",  # bigrams of the originals (with each other and the neighbours) recurring in the document
    "doc_cand",  # bigrams of the replacements occurring in the document
)

#: Cheap rejection before the full window is scored: a candidate whose gain over the first
#: one / two tokens is below these (log10) is dropped. Measured on synthetic errors with the
#: cross-fit LM: keeps ~4% of candidates and 100% of the true ones whose full gain is > 1.
REJECT_FIRST = -1.5
REJECT_SECOND = -1.0
#: A candidate the LM does not prefer to the original (full gain below this) is dropped: the
#: noisy channel only overrules the seen character when the text reads better. It leaves the
#: other candidates' rows as they were (``gain_margin`` counts rivals from a gain of 0 up,
#: ``gain_rank`` only higher gains) and halves the rows built and scored; of the 702 k rows
#: of the 240 training pages, 3 below it reached p ≥ 0.5 (benchmarks/RESULTS.md, correction speed).
REJECT_FINAL = 0.0


class LanguageModel(Protocol):
    """What the corrector needs from :class:`ocrfix.lm.CharLM`."""

    order: int

    def begin_state(self) -> Any: ...

    def null_state(self) -> Any: ...

    def score_token(self, state: Any, token: str) -> tuple[float, Any]: ...

    def score_next(self, state: Any, tokens: Sequence[str], floor: float = ...) -> list[tuple[int, float, Any]]: ...

    def has_token(self, token: str) -> bool: ...

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float: ...

    def token_scores(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> list[tuple[float, bool]]: ...


@dataclass(frozen=True)
class ForwardPass:
    """LM states and log10 scores along a token sequence (``logps[n]`` is ``</s>``)."""

    tokens: tuple[str, ...]
    states: tuple[Any, ...]  # states[i] = state before token i
    logps: tuple[float, ...]


def forward(lm: LanguageModel, tokens: Sequence[str], since: tuple[ForwardPass, int] | None = None) -> ForwardPass:
    """The LM pass over ``tokens``; ``since = (earlier, k)``: ``tokens`` differ from
    ``earlier.tokens`` only from index ``k`` on, whose states and scores before ``k`` are reused."""
    start = 0 if since is None else since[1]
    states = [] if since is None else list(since[0].states[:start])
    logps = [] if since is None else list(since[0].logps[:start])
    state = lm.begin_state() if since is None else since[0].states[start]
    for tok in tokens[start:]:
        states.append(state)
        lp, state = lm.score_token(state, tok)
        logps.append(lp)
    states.append(state)
    logps.append(lm.score_token(state, EOS)[0])
    return ForwardPass(tuple(tokens), tuple(states), tuple(logps))


def substitution_gains(lm: LanguageModel, fwd: ForwardPass, i: int, firsts: Sequence[tuple[int, float, Any]],
                       reject: tuple[float, float, float] | None = None) -> list[tuple[int, float, float]]:
    """(k, log10 gain of the sentence when token ``i`` becomes candidate k, log10 P(candidate k |
    left context)) of the candidates of site ``i`` given by their first look-ups ``firsts``:
    (k, the candidate's log10 P after ``fwd.states[i]``, the state after it), as from
    ``lm.score_next``.

    With ``reject = (first, second, final)``, a candidate is left out as soon as its gain
    after the first token is below ``first`` or after the second below ``second`` (most stop
    there), or when its full gain is below ``final``.
    Rescoring stops once the LM state equals the original's at the same place (the model
    backed off past the substitution): every later score is then the original one.
    """
    tokens, logps, states, score_token = fwd.tokens, fwd.logps, fwd.states, lm.score_token
    n = len(tokens)
    stop, ends_inside = min(n, i + lm.order), n < i + lm.order
    first_floor, second_floor, final_floor = reject if reject is not None else (-math.inf,) * 3
    out: list[tuple[int, float, float]] = []
    for k, cand_ctx, state in firsts:
        gain = cand_ctx - logps[i]
        if gain < first_floor:
            continue
        for j in range(i + 1, stop):
            lp, state = score_token(state, tokens[j])
            gain += lp - logps[j]
            if j == i + 1 and gain < second_floor:
                break
            if state == states[j + 1]:
                if gain >= final_floor:
                    out.append((k, gain, cand_ctx))
                break
        else:
            if ends_inside:
                gain += score_token(state, EOS)[0] - logps[n]
            if gain >= final_floor:
                out.append((k, gain, cand_ctx))
    return out


def site_gains(lm: LanguageModel, fwd: ForwardPass, i: int, candidates: Sequence[str],
               reject: tuple[float, float, float] | None = None) -> list[tuple[int, float, float]]:
    """:func:`substitution_gains` of the ``candidates`` of site ``i`` (their first look-ups
    screened with ``reject``'s first floor, in one tight loop, as most stop there). When the LM
    offers ``native_site_gains`` (:class:`ocrfix.lm.CharLM` with the compiled loop), that
    computes the same numbers in C++ with no Python call per look-up."""
    floors = reject if reject is not None else (-math.inf,) * 3
    native = getattr(lm, "native_site_gains", None)
    if native is not None:
        return native(fwd.tokens, fwd.states, fwd.logps, i, candidates, *floors)
    firsts = lm.score_next(fwd.states[i], candidates, fwd.logps[i] + floors[0])
    return substitution_gains(lm, fwd, i, firsts, reject)


def replacement_gain(lm: LanguageModel, fwd: ForwardPass, i: int, new: Sequence[str], width: int | None = None) -> float:
    """log10 gain of the sentence when ``width`` (default ``len(new)``) tokens from ``i`` on are
    replaced by ``new`` (``width`` 0: ``new`` inserted before token ``i``; the tokens up to
    ``order - 1`` after them are rescored, as in :func:`substitution_gains`)."""
    tokens, n, order, span = fwd.tokens, len(fwd.tokens), lm.order, len(new) if width is None else width
    state, gain = fwd.states[i], 0.0
    for token in new:
        lp, state = lm.score_token(state, token)
        gain += lp
    gain -= sum(fwd.logps[i:i + span])
    for j in range(i + span, min(n, i + span + order - 1)):
        lp, state = lm.score_token(state, tokens[j])
        gain += lp - fwd.logps[j]
        if state == fwd.states[j + 1]:  # backed off past the replacement (see substitution_gains)
            return gain
    if n < i + span + order - 1:
        gain += lm.score_token(state, EOS)[0] - fwd.logps[n]
    return gain


class Featurizer:
    """Turns candidates into feature rows; caches the context-free part of each row."""

    def __init__(self, lm: LanguageModel, sources: Sequence[str], glyphs: GlyphSpace, misread: MisreadRates,
                 prune: float | None = None, reject: tuple[float, float, float] | None = (REJECT_FIRST, REJECT_SECOND, REJECT_FINAL)) -> None:
        self.lm = lm
        self.glyphs = glyphs
        self.misread = misread
        self.prune = prune
        self.reject = reject
        self.sources = tuple(sources)
        self.names = BASE_FEATURES + tuple(f"src:{s}" for s in self.sources)
        self._n_static = len(self.names) - len(DYNAMIC_FEATURES)
        self._no_rows = np.zeros((0, len(self.names)))
        self._unigram: Capped[str, float] = Capped(4 * PER_CHAR)
        self._static: Capped[str, np.ndarray] = Capped(PER_CHAR)
        self._source_flags: Capped[tuple[str, ...], list[float]] = Capped(PER_CHAR)

    def unigram(self, token: str) -> float:
        value = self._unigram.get(token)
        if value is None:
            value = self._unigram[token] = self.lm.score_token(self.lm.null_state(), token)[0]
        return value

    def static_rows(self, orig: str, site: Sequence[Entry], kept: Sequence[int]) -> np.ndarray:
        """The context-free features of the candidates ``kept`` (ascending indices into ``site``, at
        least one) of seen char ``orig``, one row each: those of its confusion candidates are
        computed once per char, those of the per-site candidates that follow them in ``site`` (context
        and engine candidates: they change with the neighbours, and rarely recur) each time they pass the screens."""
        rows = self._static.get(orig)
        if rows is None:
            n_table = len(site)
            while n_table and PER_SITE.intersection(site[n_table - 1][3]):  # per-site candidates follow the table's
                n_table -= 1
            rows = self._static[orig] = self._static_of(orig, site[:n_table], n_table)
        n_table = len(rows)  # a seen char's confusion candidates are always the same
        if kept[-1] < n_table:
            return rows[kept]
        extra = [k for k in kept if k >= n_table]
        return np.vstack([rows[kept[:len(kept) - len(extra)]], self._static_of(orig, [site[k] for k in extra], n_table)])

    def _static_of(self, orig: str, entries: Sequence[Entry], n_table: int) -> np.ndarray:
        """Rows of ``entries`` of seen char ``orig`` (which has ``n_table`` confusion candidates):
        orig_oov, uni_orig, orig_misread, n_cands, then channel, rank, uni_cand, glyph_cos,
        context_glyph and the source indicators."""
        out = np.empty((len(entries), self._n_static))
        out[:, 0] = 0.0 if self.lm.has_token(orig) else 1.0
        out[:, 1] = self.unigram(orig)
        out[:, 2] = self.misread.log_rate(orig)
        out[:, 3] = math.log1p(n_table)
        if not entries:
            return out
        chars, scores, ranks, sources = zip(*entries)
        out[:, 4] = np.log10(scores)
        out[:, 5] = np.log1p(ranks)
        out[:, 6] = [self.unigram(char) for char in chars]
        out[:, 7] = self.glyphs.similarities(orig, chars)
        out[:, 8] = out[:, 7] * [CONTEXT in s for s in sources]
        out[:, 9:] = [self._flags(s) for s in sources]
        return out

    def _flags(self, sources: tuple[str, ...]) -> list[float]:
        """The source indicator columns of a candidate proposed by ``sources``."""
        flags = self._source_flags.get(sources)
        if flags is None:
            flags = self._source_flags[sources] = [1.0 if s in sources else 0.0 for s in self.sources]
        return flags

    def site_rows(self, fwd: ForwardPass, i: int, site: Sequence[Entry] | None, sent_logp: float,
                  document: DocumentBigrams) -> tuple[list[Candidate], np.ndarray]:
        """Candidates of site ``i`` and their feature rows (``sent_logp``: the sentence's mean
        log10 P per token before any edit; ``document``: the bigrams of the whole text).

        With ``prune`` set, a site is skipped when both its character and the next token are
        likely under the LM (log10 P > prune): a misread character almost always makes itself or
        its right neighbour improbable (-2.0 skips ~45% of sites and no synthetic error; -2.5 lost no fix
        on the cross-fit fold a pages against -2.0 and scored them 60% faster, -3.0 lost 0.7%).
        Candidates failing the cheap ``reject`` test are left out.
        """
        logps = fwd.logps
        if not site or (self.prune is not None and logps[i] > self.prune and logps[i + 1] > self.prune):
            return [], self._no_rows
        tokens = fwd.tokens
        n = len(tokens)
        edge = 1.0 if i < 2 or i >= n - 2 else 0.0
        left, right = tokens[i - 1] if i else None, tokens[i + 1] if i + 1 < n else None
        doc_orig = float(document.recurrence(left, tokens[i], right))
        scored = site_gains(self.lm, fwd, i, [entry[0] for entry in site], self.reject)
        if not scored:
            return [], self._no_rows
        scored_k, gains, contexts = zip(*scored)
        cands = [Candidate(i, *site[k]) for k in scored_k]
        rows = np.empty((len(cands), len(self.names)))
        rows[:, 0] = gains
        np.maximum(rows[:, 0], 0.0, out=rows[:, 1])
        rows[:, 2], rows[:, 3] = _compete(rows[:, 0])
        rows[:, 4] = contexts
        rows[:, 5:9] = logps[i], edge, sent_logp, doc_orig
        nearby = nearby_bigrams(tokens, i)
        rows[:, 9] = [document.support(left, cand.char, right, nearby) for cand in cands]
        rows[:, len(DYNAMIC_FEATURES):] = self.static_rows(tokens[i], site, list(scored_k))
        return cands, rows

    def pair_rows(self, fwd: ForwardPass, proposals: Sequence[PairCandidate], sent_logp: float,
                  document: DocumentBigrams) -> np.ndarray:
        """Feature rows (:data:`PAIR_FEATURES`) of pair proposals for ``fwd.tokens[i:i + 2]``."""
        rows = []
        single: dict[tuple[int, str], float] = {}  # the proposals of a site share replacements
        for cand in proposals:
            i, (a, b) = cand.index, cand.chars
            seen_a, seen_b = fwd.tokens[i], fwd.tokens[i + 1]
            left = fwd.tokens[i - 1] if i else None
            right = fwd.tokens[i + 2] if i + 2 < len(fwd.tokens) else None
            gain = replacement_gain(self.lm, fwd, i, (a, b))
            for at, char in ((i, a), (i + 1, b)):
                if (at, char) not in single:
                    single[at, char] = replacement_gain(self.lm, fwd, at, (char,))
            alone = max(0.0, single[i, a], single[i + 1, b])
            rows.append([gain, max(gain, 0.0), gain - alone, cand.chain, math.log1p(cand.rank),
                         self.glyphs.similarity(seen_a, a), self.glyphs.similarity(seen_b, b),
                         math.log10(cand.channels[0]), math.log10(cand.channels[1]),
                         self.misread.log_rate(seen_a), self.misread.log_rate(seen_b),
                         fwd.logps[i], fwd.logps[i + 1], sent_logp,
                         float(document.recurrence(left, seen_a + seen_b, right)),
                         float(document.support(left, a + b, right))])
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(PAIR_FEATURES))

    def rows(self, fwd: ForwardPass, lattice: Lattice, document: DocumentBigrams) -> tuple[list[Candidate], np.ndarray]:
        """Candidates of every site of the lattice and their feature matrix (see :meth:`site_rows`)."""
        cands: list[Candidate] = []
        blocks = [self._no_rows]
        sent_logp = mean_logp(fwd)
        for i, site in enumerate(lattice):
            site_cands, site_rows = self.site_rows(fwd, i, site, sent_logp, document)
            cands.extend(site_cands)
            blocks.append(site_rows)
        return cands, np.vstack(blocks)


def _compete(gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``gain_margin`` and ``gain_rank`` (columns 2 and 3) of one site's candidates, from their gains.

    Each row alone says how much the LM prefers its candidate to the original; at a misread
    site several candidates gain a lot, and the truth is the one that wins clearly. (Cross-fit
    calibration pages, logistic regression: with both columns, 8% more fixes at the same
    number of false edits.)
    """
    ascending = np.sort(gains)
    best, second = ascending[-1], ascending[-2] if len(ascending) > 1 else -math.inf
    margins = gains - np.maximum(np.where(gains == best, second, best), 0.0)
    ranks = np.log1p(len(ascending) - np.searchsorted(ascending, gains, side="right"))
    return margins, ranks


def mean_logp(fwd: ForwardPass) -> float:
    return sum(fwd.logps) / len(fwd.logps)
