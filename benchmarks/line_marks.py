"""Marks lost at wrapped line ends: put back on generated pages, and the margin's trade-off.

    python -m benchmarks.line_marks pages [--splits eval rapid]      # real OCR pages, stage on / off
    python -m benchmarks.line_marks margins [--month 2019-10]        # training news, per margin
    python -m benchmarks.line_marks columns [--month 2019-10] [--lm LM] [--profile ppocr]   # closing marks of pairs, on / off

``pages``: the generated pages (Tesseract ``eval``, RapidOCR ``rapid``; ``benchmarks.generate``),
corrected with the shipped models with the line-end stage on and off (its margin set to
infinity); per split: errors fixed and introduced (``ocrfix.evaluate`` against the GT) and the
marks inserted. ``margins``: training-month paragraphs broken into 12-14-cell column lines the way
the page typesetter does (closing marks hang past a full line), then every hung mark dropped, as
an engine that reads inside the line box does (whole sentences only, no titles); for each margin (and, with
``--lead``, a lead of the best mark over the next best): line ends that lost a mark, the right mark put back,
another mark put in, and insertions where nothing was lost. ``--lm``: score with another LM, e.g. one
trained without the month (``ocrfix lm train`` on ``corpora/news-train.tsv`` without its row), so the
text is new to it as held-out text is. ``columns``: the same column lines made into pages (10
paragraphs each, every hung mark dropped, paragraphs apart), corrected whole by the corrector
(``--profile``, ``--lm``) with the closing-mark stage (:mod:`ocrfix.correction.pair_marks`) off
and on: errors fixed and introduced, insertions right and wrong (``benchmarks.length_classes``'
classes), and per mark how many the pages lost and how many came back.
"""
from __future__ import annotations

import argparse
import lzma
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ocrfix import evaluate
from ocrfix.correction import line_marks, pair_marks
from ocrfix.correction.corrector import Corrector, load_lm
from ocrfix.settings import load_settings

from ocrfix.normalize import fold_char
from ocrfix.training.confusions.length import anchored

from .length_classes import class_changes
from .typeset import CLOSING, OPENING

MARGINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
CELLS = (12, 13, 14)
HALF_WIDTH = 0.55  # cells per half-width character
SENTENCE_END = "。！？”…"


def page_counts(corrector: Corrector, pages: Sequence[Path]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in pages:
        ocr = path.read_text(encoding="utf-8")
        gt = path.with_name(path.name.replace(".ocr.txt", ".gt.txt")).read_text(encoding="utf-8")
        result = corrector.correct(ocr)
        report = evaluate(gt, result.text, ocr=ocr).to_dict()
        counts["fixed"] += report["errors_fixed"]
        counts["introduced"] += report["errors_introduced"]
        counts["inserted"] += sum(edit.sources == (line_marks.SOURCE,) for edit in result.edits)
    return counts


def run_pages(splits: Sequence[str]) -> None:
    root = load_settings().build_dir / "bench" / "pages"
    corrector = Corrector()
    print("| split | pages | line-end stage | marks inserted | errors fixed | introduced |")
    print("|---|---|---|---|---|---|")
    for split in splits:
        pages = sorted((root / split).glob("*/*.ocr.txt"))
        shipped = line_marks.MIN_GAIN
        for name, gain in (("off", float("inf")), ("on", shipped)):
            line_marks.MIN_GAIN = gain
            counts = page_counts(corrector, pages)
            print(f"| {split} | {len(pages)} | {name} | {counts['inserted']} | {counts['fixed']} | {counts['introduced']} |")
        line_marks.MIN_GAIN = shipped


def column_lines(paragraph: str, cells: int) -> list[tuple[str, str]]:
    """(kept text, marks hung past the edge) of each column line of ``paragraph``."""
    lines: list[tuple[str, str]] = []
    kept, hung, used = "", "", 0.0
    for ch in "\u3000\u3000" + paragraph:
        width = HALF_WIDTH if ord(ch) < 0x2000 else 1.0
        if used + width <= cells + 0.01 or not kept:
            kept, used = kept + ch, used + width
        elif ch in CLOSING:
            hung += ch
        else:
            carry = ""
            while kept and kept[-1] in OPENING:
                kept, carry = kept[:-1], kept[-1] + carry
            lines.append((kept, hung))
            kept, hung, used = carry + ch, "", len(carry) + width
    lines.append((kept, hung))
    return lines


def month_sentences(month: str, count: int, rng: random.Random) -> list[str]:
    """``count`` consecutive whole sentences of a training month of rmrb from a random start."""
    data = load_settings().data_dir / "rmrb_peoples_daily_2019_2020" / f"rmrb_{month}.txt.xz"
    if month in ("2020-05",):
        raise SystemExit("held-out month: margins are measured on training months only")
    with lzma.open(data, "rt", encoding="utf-8") as handle:
        # whole sentences only: titles, datelines and list items end without a mark, and joined into
        # a paragraph they would ask for one that was never lost
        sentences = [line.strip() for line in handle if len(line.strip()) > 8 and line.strip()[-1] in SENTENCE_END]
    start = rng.randrange(0, len(sentences) - count)
    return sentences[start:start + count]


def column_paragraphs(month: str, paragraphs: int, seed: int, count: int = 4000
                      ) -> list[tuple[str, list[tuple[str, str]]]]:
    """``paragraphs`` paragraphs of 2-6 sentences of ``month`` (from ``count`` in a row), each with
    its column lines (:func:`column_lines`)."""
    rng = random.Random(seed)
    sentences = month_sentences(month, count, rng)
    out, i = [], 0
    for _ in range(paragraphs):
        k = rng.randint(2, 6)
        paragraph = "".join(sentences[i:i + k])
        out.append((paragraph, column_lines(paragraph, rng.choice(CELLS))))
        i += k
    return out


def run_margins(month: str, paragraphs: int, seed: int, model: Path | None, min_lead: float) -> None:
    lm = load_lm(model or load_settings().default_lm)
    rows = []  # (gain, mark, lead over the next best mark, lost marks)
    for _, lines in column_paragraphs(month, paragraphs, seed):
        for (kept, hung), (following, _) in zip(lines, lines[1:]):
            if not kept or kept[-1] in CLOSING or kept[-1] in OPENING:
                continue
            text = kept[-line_marks.SPAN:] + following[:line_marks.SPAN]
            rows.append((*line_marks.best_mark(lm, text, len(kept[-line_marks.SPAN:])), hung))
    lost = sum(1 for *_, hung in rows if hung)
    print(f"rmrb_{month}, {paragraphs} paragraphs: {len(rows)} line ends between two non-marks, {lost} lost a mark")
    print("| margin | right mark back | other mark | inserted where nothing was lost |")
    print("|---|---|---|---|")
    for margin in MARGINS:
        fired = [(mark, hung) for gain, mark, lead, hung in rows if gain > margin and lead >= min_lead]
        right = sum(1 for mark, hung in fired if hung and hung[0] == mark)
        other = sum(1 for mark, hung in fired if hung and hung[0] != mark)
        false = sum(1 for mark, hung in fired if not hung)
        print(f"| {margin} | {right} ({right / max(lost, 1):.0%}) | {other} | {false} of {len(rows) - lost} |")


def column_pages(month: str, pages: int, seed: int, per_page: int = 10) -> list[tuple[str, str]]:
    """(OCR, GT) pages of ``per_page`` column-wrapped paragraphs of ``month`` whose hung marks were dropped."""
    paragraphs = column_paragraphs(month, pages * per_page, seed, count=8000)
    out = []
    for k in range(0, len(paragraphs), per_page):
        chunk = paragraphs[k:k + per_page]
        ocr = "\n\n".join("\n".join(kept.lstrip("\u3000") for kept, _ in lines) for _, lines in chunk)
        out.append((ocr, "\n\n".join(paragraph for paragraph, _ in chunk)))
    return out


def lost_and_back(ocr: str, output: str, gt: str) -> Counter[str]:
    """Per ground-truth character the OCR lost: ``"lost <c>"``, and ``"back <c>"`` where the output has it."""
    before, after = anchored(ocr, gt), anchored(output, gt)
    gt = before.gt  # whitespace dropped
    counts: Counter[str] = Counter()
    for j, (was, now) in enumerate(zip(before.at, after.at)):
        if was is None:
            counts[f"lost {gt[j]}"] += 1
            counts[f"back {gt[j]}"] += now is not None and fold_char(after.hyp[now]) == fold_char(gt[j])
    return counts


def run_columns(month: str, pages: int, seed: int, model: Path | None, profile: str | None) -> None:
    corrector = Corrector(profile=profile, model=model,
                          context=model.with_suffix(".context.npz") if model is not None else None)
    shipped = pair_marks.MIN_GAIN
    print(f"rmrb_{month}, {pages} pages of 10 paragraphs; profile {profile or 'default'}")
    print("| closing-mark stage | errors fixed | introduced | insertions right | wrong | ” lost / back | 》 | ） |")
    print("|---|---|---|---|---|---|---|---|")
    for name, gain in (("off", float("inf")), ("on", shipped)):
        pair_marks.MIN_GAIN = gain
        counts: Counter[str] = Counter()
        for ocr, gt in column_pages(month, pages, seed):
            output = corrector.correct(ocr).text
            report = evaluate(gt, output, ocr=ocr).to_dict()
            counts.update(fixed=report["errors_fixed"], introduced=report["errors_introduced"])
            counts += class_changes(ocr, output, gt) + lost_and_back(ocr, output, gt)
        marks = " | ".join(f"{counts[f'lost {m}']} / {counts[f'back {m}']}" for m in "”》）")
        print(f"| {name} | {counts['fixed']:,} | {counts['introduced']:,} | {counts['insertions right']:,} "
              f"| {counts['insertions wrong']:,} | {marks} |")
    pair_marks.MIN_GAIN = shipped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmds = parser.add_subparsers(dest="command", required=True)
    pages = cmds.add_parser("pages")
    pages.add_argument("--splits", nargs="+", default=["eval", "rapid"])
    margins = cmds.add_parser("margins")
    margins.add_argument("--month", default="2019-10", help="a training month of rmrb (never 2020-05)")
    margins.add_argument("--paragraphs", type=int, default=400)
    margins.add_argument("--seed", type=int, default=3)
    margins.add_argument("--lm", type=Path, help="another LM (e.g. one trained without the month: text it never saw)")
    margins.add_argument("--lead", type=float, default=0.0,
                         help="also require the best mark to lead the next best by this much (log10; the stage does not)")
    columns = cmds.add_parser("columns")
    columns.add_argument("--month", default="2019-10", help="a training month of rmrb (never 2020-05)")
    columns.add_argument("--pages", type=int, default=150)
    columns.add_argument("--seed", type=int, default=3)
    columns.add_argument("--lm", type=Path, help="another LM (with its context index beside it, NAME.context.npz)")
    columns.add_argument("--profile", help="engine profile (default: the shipped models)")
    args = parser.parse_args(argv)
    if args.command == "pages":
        run_pages(args.splits)
    elif args.command == "columns":
        run_columns(args.month, args.pages, args.seed, args.lm, args.profile)
    else:
        run_margins(args.month, args.paragraphs, args.seed, args.lm, args.lead)
    return 0


if __name__ == "__main__":
    sys.exit(main())
