"""Run one correction system over benchmark items and add up the evaluation counts.

Pages are judged with :func:`ocrfix.evaluation.evaluate` three-way (GT, corrected, reflowed OCR),
and the system also corrects the GT itself (changes there are false edits on clean text).
Sentence pairs are already aligned, so they are scored on source positions
(:func:`benchmarks.metrics.sentence_counts`), plus sentence-level correction counts (SIGHAN style:
a sentence is a true positive when it had errors and comes out equal to the gold sentence,
a false positive when it was changed but does not equal the gold sentence).
"""
from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass, fields
from typing import Sequence

from tqdm import tqdm

from benchmarks.metrics import sentence_counts
from benchmarks.systems import System
from ocrfix.evaluation import Erratum, evaluate


@dataclass(frozen=True)
class Item:
    """One unit of a set: ``src`` is the system's input (reflowed OCR or an erroneous sentence);
    ``raw``: a page's OCR as the engine wrote it (``src`` is its reflow), for systems that reflow."""

    id: str
    group: str
    kind: str  # "page" | "sentence"
    src: str
    gold: str
    errata: tuple[Erratum, ...] = ()
    raw: str | None = None


@dataclass(frozen=True)
class Tally:
    """Summed counts of one system on one group of items."""

    items: int = 0
    gt_chars: int = 0
    src_chars: int = 0
    raw_errors: int = 0
    raw_matched: int = 0
    errors: int = 0
    matched: int = 0
    fixed: int = 0
    introduced: int = 0
    edits: int = 0
    ocr_errors: int = 0
    clean_changed: int = 0
    clean_chars: int = 0
    sent_tp: int = 0
    sent_fp: int = 0
    sent_fn: int = 0
    sent_tn: int = 0
    seconds: float = 0.0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class SystemRun:
    system: str
    tallies: dict[str, Tally]
    load_seconds: float
    peak_rss_mb: float
    error: str = ""


def _nonspace(text: str) -> int:
    return len("".join(text.split()))


def errata_corrected(text: str, errata: Sequence[Erratum]) -> str:
    """``text`` with each misspelling the gold keeps (``errata``) replaced by its correction."""
    for erratum in errata:
        text = text.replace(erratum.wrong, erratum.right)
    return text


def _sentence_tally(item: Item, hyp: str) -> Tally:
    gold = errata_corrected(item.gold, item.errata)
    c = sentence_counts(item.src, gold, hyp)
    had_errors, changed, right = item.src != gold, hyp != item.src, hyp == gold
    return Tally(
        items=1, gt_chars=c["gt_chars"], src_chars=_nonspace(item.src),
        raw_errors=c["raw_errors"], raw_matched=c["gt_chars"], errors=c["errors"], matched=c["gt_chars"],
        fixed=c["fixed"], introduced=c["introduced"], edits=c["edits"], ocr_errors=c["ocr_errors"],
        sent_tp=int(had_errors and right), sent_fp=int(changed and not right),
        sent_fn=int(had_errors and not right), sent_tn=int(not had_errors and not changed),
    )


def _page_tally(item: Item, hyp: str, clean: str | None) -> Tally:
    rep = evaluate(item.gold, hyp, ocr=item.src, errata=item.errata or None)
    d = rep.to_dict()
    crep = evaluate(item.gold, clean) if clean is not None else None
    return Tally(
        items=1, gt_chars=rep.gt_chars, src_chars=_nonspace(item.src),
        raw_errors=rep.ocr_counts.errors, raw_matched=rep.ocr_counts.matched_gt_chars,
        errors=rep.counts.errors, matched=rep.counts.matched_gt_chars,
        fixed=d["errors_fixed"], introduced=d["errors_introduced"], edits=d["edits"], ocr_errors=d["ocr_errors"],
        clean_changed=crep.counts.errors + crep.unmatched_gt_chars + crep.unmatched_hyp_chars if crep else 0,
        clean_chars=crep.gt_chars if crep else 0,
    )


def run_group(system: System, items: Sequence[Item], desc: str, clean: bool = True) -> Tally:
    """Correct every item (and, for pages with ``clean``, its clean GT too) and sum the counts."""
    total = Tally()
    for item in tqdm(items, desc=desc, unit="item", file=sys.stderr, leave=False):
        started = time.perf_counter()
        hyp = system.correct(item.src, raw=item.raw)
        seconds = time.perf_counter() - started
        if item.kind == "page":
            tally = _page_tally(item, hyp, system.correct(item.gold) if clean else None)
        else:
            tally = _sentence_tally(item, hyp)
        total = total + tally + Tally(seconds=seconds)
    return total


def run_system(spec: str, groups: dict[str, list[Item]], clean: bool = True, lm: str | None = None) -> SystemRun:
    """Build system ``spec`` and run it on every group (meant for a fresh worker process, so
    the peak RSS is this system's alone); ``clean``: also correct the pages' GT."""
    from pathlib import Path

    from benchmarks.systems import build
    from ocrfix.errors import OcrfixError

    started = time.perf_counter()
    try:
        system = build(spec, Path(lm) if lm else None)
    except (OcrfixError, ImportError, OSError) as exc:
        return SystemRun(spec, {}, 0.0, 0.0, error=f"{type(exc).__name__}: {exc}")
    load = time.perf_counter() - started
    tallies = {name: run_group(system, items, f"{spec} {name}", clean) for name, items in groups.items()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return SystemRun(spec, tallies, round(load, 2), round(peak, 1))
