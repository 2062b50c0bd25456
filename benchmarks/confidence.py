"""Does what the engine says of its own reading help the corrector? Measured on held-out pages.

Each page is the benchmark generator's, read as hOCR through ``benchmarks.structured`` (Tesseract
run again on the same crops, with character confidences and its alternative readings,
``lstm_choice_mode=2``; on a RapidOCR split, RapidOCR run again, each character's recognition
probability as its confidence and the line's score as its words') and corrected from its geometry reflow (``ocrfix.formats.correct_document``)
four ways:

* without evidence — the corrector as on plain text (no confidence, no alternatives);
* confidence — the log-odds of every candidate moved by the character's confidence
  (``ocrfix.correction.engine.ConfidencePrior``: ``weight``, ``reference``);
* alternatives — Tesseract's other readings of a character as candidates there;
* both.

The prior's parameters are chosen on the training pages (``--tune``, a small grid: the fewest
errors left), then every way is scored on the evaluation pages (``--test``) with
``ocrfix.evaluate`` (errors left, fixed / introduced against the raw OCR).

``--words``: the same pages as a whole-page Tesseract run (or an ALTO file without ``CC``) gives
them: word confidences only (``x_wconf``), no character confidence, no alternatives. The grid then
tunes the word prior (``ConfidencePrior`` of the characters that have only their word's
confidence), and the evaluation pages are corrected without evidence and with the word prior,
and, for reference, with the character prior (``--char-prior``, default the profile's) on the full hOCR.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence --tune train --limit 8 --test ""   # tune only
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence --prior 0.5,0.95 --test eval     # score a prior
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence --words --tune train --limit 8 --test ""
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence --words --prior 0.25,0.9 --test eval
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence --profile ppocr --tune rapid-train --limit 8 --test ""
"""
from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from tqdm import tqdm

from benchmarks.structured import PAGES, page_document, page_names
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.engine import ConfidencePrior, Reading
from ocrfix.evaluation import evaluate
from ocrfix.formats import Document, Word, correct_document, reflow_document

#: The tuning grid: weight x reference.
WEIGHTS = (0.25, 0.5, 0.75, 1.0)
REFERENCES = (0.9, 0.95, 0.98, 0.99, 0.995)
#: The word prior's grid. Word confidences have a scale of their own: Tesseract's ``x_wconf`` of a
#: one-character word is about 1 - 7 (1 - its glyph's ``x_conf``), so lower references.
WORD_WEIGHTS = (0.1, 0.25, 0.5, 0.75)
WORD_REFERENCES = (0.9, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995)


class Evidence:
    """A corrector given only part of the engine's readings: ``conf`` and/or ``alternatives``."""

    def __init__(self, corrector: Corrector, conf: bool, alternatives: bool) -> None:
        self.corrector, self.conf, self.alternatives = corrector, conf, alternatives

    def correct(self, text: str, reflow: bool = True, readings: Sequence[Reading | None] | None = None,
                wrapped: str | None = None, page_chars: int | None = None) -> Any:
        if readings is not None and (self.conf or self.alternatives):
            kept = [None if r is None else Reading(r.conf if self.conf else None, r.alternatives if self.alternatives else (),
                                                   r.word_conf if self.conf else None)
                    for r in readings]
            return self.corrector.correct(text, reflow=reflow, readings=kept, wrapped=wrapped, page_chars=page_chars)
        return self.corrector.correct(text, reflow=reflow, wrapped=wrapped, page_chars=page_chars)


@dataclass(frozen=True)
class Page:
    name: str
    doc: Document
    ocr: str  # the geometry-reflowed OCR text
    gt: str


@dataclass(frozen=True)
class Score:
    errors: int
    ocr_errors: int
    fixed: int
    introduced: int

    @property
    def reduction(self) -> float:
        return (self.ocr_errors - self.errors) / max(self.ocr_errors, 1)

    def __str__(self) -> str:
        return (f"errors {self.ocr_errors} -> {self.errors} ({self.reduction:+.1%} reduction), "
                f"fixed {self.fixed}, introduced {self.introduced}")


def _word_only(word: Word) -> Word:
    return replace(word, char_confs=None, alternatives=(),
                   glyphs=tuple(replace(g, conf=None, alternatives=()) for g in word.glyphs))


def word_only(page: Page) -> Page:
    """``page`` as a whole-page run reads it: word confidences only, no character's own, no alternatives."""
    return replace(page, doc=page.doc.map_words(_word_only))


def load_pages(split: str, limit: int | None) -> list[Page]:
    pages = []
    for name, level, index in tqdm(page_names(split, limit), desc=f"{split} pages", file=sys.stderr):
        doc = page_document(name, split, level, index)
        gt = (PAGES / split / level / f"{name}.gt.txt").read_text(encoding="utf-8")
        pages.append(Page(name, doc, reflow_document(doc).text, gt))
    return pages


def score(pages: list[Page], corrector: Evidence) -> Score:
    errors = ocr_errors = fixed = introduced = 0
    for page in pages:
        report = evaluate(page.gt, correct_document(page.doc, corrector).text, page.ocr)
        errors += report.counts.errors
        ocr_errors += report.ocr_counts.errors
        fixed += report.correction.errors_fixed
        introduced += report.correction.errors_introduced
    return Score(errors, ocr_errors, fixed, introduced)


def with_prior(corrector: Corrector, prior: ConfidencePrior | None, words: bool = False) -> Corrector:
    """``corrector`` with ``prior`` as its character prior (``words``: as its word prior, and no character prior)."""
    twin = copy.copy(corrector)
    twin.confidence, twin.word_confidence = (None, prior) if words else (prior, None)
    return twin


def tune(corrector: Corrector, pages: list[Page], words: bool = False) -> tuple[ConfidencePrior, list[dict[str, Any]]]:
    """The prior (``words``: the word prior) with the fewest errors left on ``pages`` (confidence
    only), and every grid point's score."""
    tried: list[dict[str, Any]] = []

    def run(prior: ConfidencePrior) -> Score:
        result = score(pages, Evidence(with_prior(corrector, prior, words), conf=True, alternatives=False))
        tried.append({"prior": prior.__dict__, "errors": result.errors, "fixed": result.fixed, "introduced": result.introduced})
        print(f"  tune {prior}: {result}", file=sys.stderr)
        return result

    grid = [ConfidencePrior(w, r) for w, r in itertools.product(*((WORD_WEIGHTS, WORD_REFERENCES) if words else (WEIGHTS, REFERENCES)))]
    return min(((p, run(p)) for p in grid), key=lambda item: (item[1].errors, item[1].introduced))[0], tried


def parse_prior(text: str) -> ConfidencePrior:
    return ConfidencePrior(*(float(v) for v in text.split(",")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tune", default="train", help="split the prior is tuned on")
    parser.add_argument("--test", default="eval", help="split it is scored on")
    parser.add_argument("--limit", type=int, default=None, help="tuning pages per level")
    parser.add_argument("--prior", help="WEIGHT,REFERENCE: score this prior instead of tuning one")
    parser.add_argument("--words", action="store_true", help="word confidences only: tune and score the word prior")
    parser.add_argument("--char-prior", help="WEIGHT,REFERENCE: the character prior of --words' reference row (default: the profile's)")
    parser.add_argument("--profile", default="tesseract")
    parser.add_argument("--out", type=Path, default=Path("build/bench/confidence.json"))
    args = parser.parse_args(argv)
    corrector = Corrector(profile=args.profile)
    words = args.words
    record: dict[str, Any] = {"words": words}
    if args.prior:
        prior = parse_prior(args.prior)
    else:
        tune_pages = load_pages(args.tune, args.limit)
        tune_pages = [word_only(p) for p in tune_pages] if words else tune_pages
        base = score(tune_pages, Evidence(with_prior(corrector, None), conf=False, alternatives=False))
        print(f"{args.tune} ({len(tune_pages)} pages) without evidence: {base}")
        prior, record["tuning"] = tune(corrector, tune_pages, words)
        record["base_tune"] = base.__dict__
        print(f"{args.tune}: best {'word ' if words else ''}prior {prior}")
        for label, conf in (() if words else (("alternatives", False), ("confidence + alternatives", True))):
            result = score(tune_pages, Evidence(with_prior(corrector, prior if conf else None), conf, True))
            record[f"tune {label}"] = result.__dict__
            print(f"{args.tune} ({len(tune_pages)} pages) {label}: {result}")
    record["prior"] = prior.__dict__
    test_pages = load_pages(args.test, None) if args.test else []
    if words:
        char_prior = parse_prior(args.char_prior) if args.char_prior else corrector.confidence
        only = [word_only(p) for p in test_pages]
        cases = [("without evidence", only, Evidence(with_prior(corrector, None), False, False)),
                 ("word confidence", only, Evidence(with_prior(corrector, prior, words=True), True, False)),
                 ("character confidence (full hOCR)", test_pages, Evidence(with_prior(corrector, char_prior), True, False))]
    else:
        cases = [(label, test_pages, Evidence(with_prior(corrector, prior if conf else None), conf, alternatives))
                 for label, conf, alternatives in [("without evidence", False, False), ("confidence", True, False),
                                                   ("alternatives", False, True), ("confidence + alternatives", True, True)]]
    rows = record["test"] = {}
    for label, pages, evidence in cases if test_pages else ():
        result = score(pages, evidence)
        rows[label] = result.__dict__
        print(f"{args.test} ({len(pages)} pages) {label:<32} {result}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
