"""The corrector on clean print with rare misreadings: what the stricter threshold on
clean-looking text (``SparsePages``) costs in fixes and saves in false edits.

Two probes, both held out from every fit:

* ``light``: the ground truth of the evaluation pages with a share (``--rate``, per Han
  character) of their own OCR's Han-for-Han substitutions put back — real Tesseract errors in
  their real context, everything else clean;
* ``seed``: the reflowed seed page (real print OCR with no misread character left) with one
  classic look-alike error at a time (已→己, 未→末, 问→同 …, up to 3 places each), one copy per error.

Each weights file given is run on the same texts; reported: errors fixed, wrong characters put
at an error (``wrong fix``), and edits elsewhere (``introduced``, every one of them on text
that was right).

    python -m benchmarks.clean_print [--rate 0.001] [--weights A.json --weights B.json]
"""
from __future__ import annotations

import argparse
import random
import sys
from typing import NamedTuple, Sequence

from ocrfix.errors import OcrfixError
from ocrfix.training.truth import position_truth
from ocrfix.normalize import fold_char, is_han
from ocrfix.text_reflow import reflow
from ocrfix.settings import load_settings

from . import sets

#: (true, misread) look-alikes put into the seed page: the mission's examples and other
#: well-known Tesseract and print confusions.
LOOKALIKES = (("已", "己"), ("未", "末"), ("问", "同"), ("人", "入"), ("大", "太"), ("日", "曰"), ("土", "士"),
              ("天", "夭"), ("千", "干"), ("自", "目"), ("办", "力"), ("会", "全"), ("设", "没"), ("部", "郜"),
              ("策", "荣"), ("务", "各"))


class Probe(NamedTuple):
    """A text and the (folded) true character of each of its positions: it differs at the misreadings only."""

    text: str
    truth: str

    @property
    def errors(self) -> int:
        return sum(fold_char(seen) != true for seen, true in zip(self.text, self.truth))


def substitutions(gt: str, ocr: str) -> list[tuple[int, str]]:
    """(GT offset, OCR character) of the single Han-for-Han substitutions aligning ``ocr`` to ``gt``."""
    aligned = position_truth(gt, ocr)  # per GT character, the OCR character aligned with it
    return [(i, seen) for i, (true, seen) in enumerate(zip(gt, aligned))
            if seen is not None and is_han(true) and is_han(seen) and fold_char(true) != seen]


def put_back(gt: str, ocr: str, rate: float, rng: random.Random) -> Probe:
    """``gt`` with about ``rate`` per Han character of ``ocr``'s substitutions put back (the
    fraction rounded at random, so that pages average the rate)."""
    subs = substitutions(gt, ocr)
    expected = sum(map(is_han, gt)) * rate
    count = min(len(subs), int(expected) + (rng.random() < expected - int(expected)))
    chosen = dict(rng.sample(subs, count))
    return Probe("".join(chosen.get(i, ch) for i, ch in enumerate(gt)), "".join(map(fold_char, gt)))


def light_probes(rate: float, seed: int = 11) -> list[Probe]:
    rng = random.Random(seed)
    pages = sets.generated_pages(load_settings().build_dir / "bench" / "pages", "eval")
    return [put_back(page.gt, reflow(page.ocr), rate, rng) for page in pages]


def seed_probes(per_pair: int = 3, seed: int = 0) -> list[Probe]:
    page = reflow(sets.seed_page(load_settings().data_dir.parent / "seeds").ocr)
    truth = "".join(map(fold_char, page))
    rng = random.Random(seed)
    probes = []
    for true, seen in LOOKALIKES:
        places = [i for i, ch in enumerate(page) if ch == true]
        for i in rng.sample(places, min(per_pair, len(places))):
            probes.append(Probe(page[:i] + seen + page[i + 1:], truth))
    return probes


def score(corrector, probes: Sequence[Probe]) -> tuple[int, int, int]:
    """(fixed, wrong fix, introduced) over ``probes``: an edit at a misreading fixes it or puts
    another wrong character there; any other edit, rules' included, changes right text."""
    fixed = wrong = introduced = 0
    for probe in probes:
        for edit in corrector.correct(probe.text, reflow=False).edits:
            i = edit.input_offset
            if fold_char(probe.text[i]) == probe.truth[i]:
                introduced += 1
            elif fold_char(edit.replacement) == probe.truth[i]:
                fixed += 1
            else:
                wrong += 1
    return fixed, wrong, introduced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.clean_print", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=0.001, help="OCR substitutions put back per Han character")
    parser.add_argument("--weights", action="append", help="corrector weights (repeatable; default: the shipped)")
    args = parser.parse_args(argv)
    from ocrfix.correction.corrector import Corrector

    try:
        probes = {"light": light_probes(args.rate), "seed": seed_probes()}
    except OcrfixError as exc:  # the pages not generated, the seed page not beside the checkout
        print(f"clean_print: {exc}", file=sys.stderr)
        return 1
    print("| probe | texts | chars | errors | weights | fixed | wrong fix | introduced |")
    print("|---|---|---|---|---|---|---|---|")
    for weights in args.weights or [None]:
        corrector = Corrector(weights=weights)
        for name, texts in probes.items():
            fixed, wrong, introduced = score(corrector, texts)
            print(f"| {name} | {len(texts)} | {sum(len(p.text) for p in texts):,} | {sum(p.errors for p in texts)} | "
                  f"{weights or 'shipped'} | {fixed} | {wrong} | {introduced} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
