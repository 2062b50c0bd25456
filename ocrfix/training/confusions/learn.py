"""Confusion sets learned from OCR output aligned with ground truth: channel P(seen | true).

Counts come from substitution pairs (true, seen) plus how often each true character occurs
at all. Two estimators for an observed pair:

* ``witten-bell``: ``C(t, s) / (N(t) + T(t))`` with ``N(t)`` the occurrences of ``t`` in the
  ground truth and ``T(t)`` the number of distinct wrong readings of ``t`` — the mass
  ``T / (N + T)`` is kept back for confusions not seen yet;
* ``additive``: ``(C(t, s) + alpha) / (N(t) + alpha * (T(t) + 1))``.

Pairs seen fewer than ``min_count`` times are dropped (one-off noise).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ...errors import InputError
from ...normalize import fold_char
from .coverage import faspell_sentences
from ...confusions.misread import MisreadRates
from ...confusions.model import ConfusionSet

SOURCE = "learned"
SMOOTHING = ("witten-bell", "additive")
ALIGNERS = ("blocks", "plain")


@dataclass
class ChannelCounts:
    """Substitution counts ``(true, seen)`` and occurrence counts of true and of seen characters."""

    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    truth: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)

    def add_text(self, gt: str, subs: Iterable[tuple[str, str]], ocr: str) -> None:
        """Add one document: its ground-truth text, its (gt_char, ocr_char) substitutions and its OCR text."""
        self.truth.update(ch for ch in gt if not ch.isspace())
        self.seen.update(ch for ch in ocr if not ch.isspace())
        self.pairs.update((t, s) for t, s in subs if t != s and fold_char(t) != fold_char(s))


def faspell_counts(text: str, name: str = "faspell") -> ChannelCounts:
    """Counts from FASPell lines ``n<TAB>ocr<TAB>correct`` (equal length: positionwise diff)."""
    counts = ChannelCounts()
    for ocr, correct in faspell_sentences(text, name):
        counts.add_text(correct, zip(correct, ocr), ocr)
    return counts


def plain_pairs(gt: str, ocr: str) -> list[tuple[str, str]]:
    """(gt_char, ocr_char) replacements of one minimal edit script over the whitespace-free texts.

    For pages whose reading order matches the ground truth but whose error rate is too high for
    the evaluation aligner's block matching (character sheets of rare characters).
    """
    a, b = "".join(gt.split()), "".join(ocr.split())
    return [(a[op.src_pos], b[op.dest_pos]) for op in Levenshtein.editops(a, b) if op.tag == "replace"]


def aligned_counts(docs: Sequence[tuple[str, str]], aligner: str = "blocks") -> ChannelCounts:
    """Counts from (gt, ocr) documents aligned with the evaluation aligner (``blocks``: block
    matching + character alignment) or one global edit script (``plain``, :func:`plain_pairs`)."""
    if aligner not in ALIGNERS:
        raise InputError(f"unknown aligner {aligner!r}; use one of {', '.join(ALIGNERS)}")
    from ...evaluation import aligned_pairs  # the evaluation's aligner (block matching + char alignment)

    pair_fn = aligned_pairs if aligner == "blocks" else plain_pairs
    counts = ChannelCounts()
    for gt, ocr in docs:
        counts.add_text(gt, pair_fn(gt, ocr), ocr)
    return counts


def page_docs(dirs: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """(ocr, gt) file pairs ``NAME.ocr.txt``/``NAME.gt.txt`` found (recursively) under ``dirs``."""
    docs = []
    for d in dirs:
        root = Path(d)
        if not root.is_dir():
            raise InputError(f"{root}: not a directory")
        for ocr in sorted(root.rglob("*.ocr.txt")):
            gt = ocr.with_name(ocr.name[: -len(".ocr.txt")] + ".gt.txt")
            if gt.exists():
                docs.append((ocr, gt))
    if not docs:
        raise InputError(f"no NAME.ocr.txt + NAME.gt.txt pairs under {', '.join(map(str, dirs))}")
    return docs


def merge_counts(parts: Iterable[ChannelCounts]) -> ChannelCounts:
    out = ChannelCounts()
    for part in parts:
        out.pairs.update(part.pairs)
        out.truth.update(part.truth)
        out.seen.update(part.seen)
    return out


def channel_set(
    counts: ChannelCounts,
    allowed: frozenset[str] | None = None,
    smoothing: str = "witten-bell",
    alpha: float = 0.5,
    min_count: int = 1,
) -> ConfusionSet:
    """The learned set: ``char`` = seen, candidate = true (restricted to ``allowed``), score = P(seen | true)."""
    if smoothing not in SMOOTHING:
        raise InputError(f"unknown smoothing {smoothing!r}; use one of {', '.join(SMOOTHING)}")
    types = Counter(t for t, _ in counts.pairs)
    errors: Counter[str] = Counter()
    for (true, _), c in counts.pairs.items():
        errors[true] += c
    scores: dict[str, dict[str, float]] = {}
    for (true, seen), c in counts.pairs.items():
        if c < min_count or (allowed is not None and true not in allowed):
            continue
        n = max(counts.truth[true], errors[true])  # a true char occurs at least as often as it is misread
        if smoothing == "witten-bell":
            p = c / (n + types[true])
        else:
            p = (c + alpha) / (n + alpha * (types[true] + 1))
        scores.setdefault(seen, {})[true] = p
    if not scores:
        raise InputError("learn: no substitution pairs left (inputs identical, or all below --min-count)")
    return ConfusionSet.from_scores(scores, SOURCE)


def misread_rates(counts: ChannelCounts) -> MisreadRates:
    """Per seen character, its occurrences and how many of them were misreadings (the corrector's error prior)."""
    misread: dict[str, int] = {}
    for (_, seen), n in counts.pairs.items():
        misread[seen] = misread.get(seen, 0) + n
    return MisreadRates(counts.seen, misread)
