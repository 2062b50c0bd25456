"""How well a page quality model estimates pages' OCR CER: on page sets with ground truth, held out or not;
and the fold pages the shipped model is fitted on.

    python -m benchmarks.quality folds SPLIT... --out FOLDS
    python -m benchmarks.quality check [--model Q.json] DIR... [--over 0.05] [--input SUFFIX...]
    python -m benchmarks.quality speed DIR [--runs 3]

``folds``: for each fold of :data:`FOLDS` (training sources an LM leaves out), ``FOLDS/NAME.tsv`` (the default
LM's corpus manifest without them, for ``ocrfix lm train``) and ``FOLDS/NAME/SPLIT/`` (links to the pages of each
generated ``SPLIT`` under ``build/bench/pages`` typeset from those sources, by their ``meta.json``): pages of
training text that the fold's LM never saw, as an archive's pages are to the shipped LM.

``speed``: the corrector (``tesseract`` profile) on every ``*.ocr.txt`` page under ``DIR``, and the signs read from
each result, timed apart: median seconds of ``--runs`` passes, and the signs' share of the correction's.

``check``:
each ``DIR`` (a set: its ``NAME.gt.txt`` pages, searched recursively, each with its OCR ``NAME.ocr.txt`` or
``NAME.txt``, or another ``--input`` suffix) is read as ``ocrfix correct`` reads it (the shipped LM, the profile
picked from the text's habits, or ``--profile``), each page's CER estimated (:class:`ocrfix.quality.QualityModel`, default the
shipped ``models/quality.json``) and compared with its true CER (:func:`ocrfix.evaluate`'s, the input's before
correction). Per set: pages estimated, Spearman's rank correlation of estimated and true CER, the median factor
between them (10 to the median absolute log10 error of CER + the model's offset), how many pages' true CER lies in
their 80 % range, and the triage an archive would make: of the pages truly over ``--over``, how many the estimate
puts over it, and how many it puts over it that are not; then the same figures for the CER after correction (where
the model estimates it).
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from scipy.stats import spearmanr

from ocrfix.options import CorrectOptions
from ocrfix.quality import QUALITY_FILE, CerEstimate, QualityModel
from ocrfix.settings import load_settings
from ocrfix.textio import read_text, write_text_atomic
from ocrfix.training.fit import page_source
from ocrfix.training.quality import page_truths


def set_pairs(directory: Path, suffixes: Sequence[str] = (".ocr.txt", ".txt")) -> list[tuple[Path, Path]]:
    """(OCR, GT) pairs of a set: each ``NAME.gt.txt`` with the first ``NAME`` + suffix of ``suffixes`` there."""
    pairs = []
    for gt in sorted(directory.rglob("*.gt.txt")):
        base = gt.name[:-len(".gt.txt")]
        found = next((gt.parent / (base + suffix) for suffix in suffixes if (gt.parent / (base + suffix)).is_file()), None)
        if found is not None:
            pairs.append((found, gt))
    return pairs


def _agreement(found: Sequence[tuple[CerEstimate, float]], offset: float) -> str:
    """Spearman, median factor, true CER in the range (count and share) of ``found`` (estimate, true CER)."""
    rho = spearmanr([e.cer for e, _ in found], [c for _, c in found]).statistic
    factor = 10 ** statistics.median(abs(math.log10(e.cer + offset) - math.log10(c + offset)) for e, c in found)
    held = sum(e.low <= c <= e.high for e, c in found)
    return f"{rho:.3f} | ×{factor:.2f} | {held} ({held / len(found):.0%})"


def row(name: str, model: QualityModel, pairs: Sequence[tuple[Path, Path]], over: float, profile: str | None = None) -> str:
    truths = page_truths(pairs, CorrectOptions(profile=profile))
    found = [(q, t) for q, t in ((model.assess(t.signs), t) for t in truths) if q is not None]
    if len(found) < 3:  # too few to rank: each page's estimate and true CER
        pages = "; ".join(f"{q.ocr.cer:.2%} ({q.ocr.low:.2%}-{q.ocr.high:.2%}) for {t.cer:.2%}" + (
            "" if q.corrected is None else
            f", corrected {q.corrected.cer:.2%} ({q.corrected.low:.2%}-{q.corrected.high:.2%}) for {t.corrected_cer:.2%}")
            for q, t in found)
        return f"| {name} | {len(found)} | estimated (range) for true: {pages} | | | | | | | | |"
    ocr = [(q.ocr, t.cer) for q, t in found]
    bad = [(e, c) for e, c in ocr if c > over]
    flagged = sum(e.cer > over for e, _ in bad)
    wrongly = sum(e.cer > over and c <= over for e, c in ocr)
    corrected = [(q.corrected, t.corrected_cer) for q, t in found if q.corrected is not None]
    after = (f"{statistics.median(c for _, c in corrected):.2%} | {_agreement(corrected, model.corrected.offset)}"
             if len(corrected) >= 3 and model.corrected is not None else " | | ")
    return (f"| {name} | {len(found)} | {statistics.median(c for _, c in ocr):.2%} | {_agreement(ocr, model.offset)} | "
            f"{flagged} of {len(bad)} / {wrongly} | {after} |")


#: The folds of the training sources: the corpus files each fold's LM leaves out (those of RESULTS.md's fold LMs A and B).
FOLDS = {"A": ("rmrb_2019-10", "xwlb_2013", "xwlb_2015", "xwlb_2020"),
         "B": ("rmrb_2019-02", "xwlb_2017", "xwlb_2022", "xwlb_2023", "xwlb_2025")}
MANIFEST = Path("corpora/news-train.tsv")
PAGES = Path("build/bench/pages")


def make_folds(splits: Sequence[str], out: Path) -> None:
    manifest = MANIFEST.read_text(encoding="utf-8").splitlines(keepends=True)
    for name, sources in FOLDS.items():
        write_text_atomic(out / f"{name}.tsv", "".join(line for line in manifest if not any(s in line for s in sources)))
        for split in splits:
            target = out / name / split
            target.mkdir(parents=True, exist_ok=True)
            count = 0
            for ocr in sorted((PAGES / split).rglob("*.ocr.txt")):
                base = ocr.name[:-len(".ocr.txt")]
                if page_source(ocr) in sources:
                    for suffix in (".ocr.txt", ".gt.txt", ".meta.json"):
                        link = target / (base + suffix)
                        if not link.exists():
                            link.symlink_to((ocr.parent / (base + suffix)).resolve())
                    count += 1
            print(f"{target}: {count} pages")


def speed(directory: Path, runs: int) -> None:
    from ocrfix import Corrector
    from ocrfix.quality import page_signs

    corrector = Corrector(profile="tesseract")
    pages = [read_text(p) for p in sorted(directory.rglob("*.ocr.txt"))]
    correcting, reading = [], []
    for _ in range(runs):
        spent = [0.0, 0.0]
        for text in pages:
            start = time.perf_counter()
            result = corrector.correct(text)
            middle = time.perf_counter()
            page_signs(corrector.lm, result.source, len(result.edits))
            spent[0], spent[1] = spent[0] + middle - start, spent[1] + time.perf_counter() - middle
        correcting.append(spent[0])
        reading.append(spent[1])
    a, b = statistics.median(correcting), statistics.median(reading)
    print(f"{len(pages)} pages, {sum(map(len, pages)):,} characters: correct {a:.2f} s, signs {b:.3f} s ({b / a:.1%}); medians of {runs}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    folds = sub.add_parser("folds", help="each fold's corpus manifest and links to its pages")
    folds.add_argument("splits", nargs="+", metavar="SPLIT")
    folds.add_argument("--out", type=Path, required=True, metavar="FOLDS")
    timing = sub.add_parser("speed", help="the signs' time against the correction's")
    timing.add_argument("directory", type=Path, metavar="DIR")
    timing.add_argument("--runs", type=int, default=3)
    check = sub.add_parser("check", help="estimated against true CER on page sets")
    check.add_argument("sets", nargs="+", type=Path, metavar="DIR")
    check.add_argument("--model", type=Path, default=None, metavar="Q.json", help="default: the shipped model")
    check.add_argument("--over", type=float, default=0.05, help="the CER over which a page is triaged (default 0.05)")
    check.add_argument("--input", nargs="+", default=[".ocr.txt", ".txt"], metavar="SUFFIX",
                       help="the OCR file beside NAME.gt.txt: the first of these suffixes found (default .ocr.txt .txt; "
                            "whole pages' ALTO: .xml, PP-OCR's JSON: .json)")
    check.add_argument("--profile", metavar="NAME|DIR", help="correct with this profile (default: picked as ocrfix correct picks it)")
    args = parser.parse_args(argv)
    if args.command == "folds":
        make_folds(args.splits, args.out)
        return 0
    if args.command == "speed":
        speed(args.directory, args.runs)
        return 0
    model = QualityModel.load(args.model or load_settings().models_dir / QUALITY_FILE)
    print(f"| set | pages | median true CER | Spearman | median factor | in the 80 % range | true CER over {args.over:.0%}: "
          "estimated over / wrongly over | corrected: median true CER | Spearman | median factor | in the 80 % range |\n"
          + "|---" * 11 + "|")
    for directory in args.sets:
        print(row(str(directory), model, set_pairs(directory, args.input), args.over, args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
