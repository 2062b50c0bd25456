"""PP-OCR's result as JSON against the same lines as plain text, on whole pages.

RapidOCR (PP-OCR models of the wheel) reads each page image of a split whole, as a user runs it,
and the result is saved as PaddleOCR 3.x saves it (``rec_texts``, ``rec_scores``, ``rec_polys``;
cached in ``build/bench/paddle/<split>/NAME.json``). Two ways into ocrfix, the same corrector
(``--profile``, default ``ppocr``):

* *plain*: ``rec_texts``, one line each in the engine's order — what a user has who kept only
  the text, corrected as ``ocrfix correct`` does: on a page of several columns PP-OCR's order
  runs across them, line by line, and the corrector puts the lines back in column order first
  (:mod:`ocrfix.column_order`), then reflows them, its LM settling the breaks the rules leave
  open (:mod:`ocrfix.text_reflow`);
* *plain, rules*: the same lines reflowed by the rules alone (``ocrfix reflow`` without
  ``--lm``), not corrected: its paragraphs and the errors of its text;
* *json*: the JSON file itself (``ocrfix correct NAME.json``): lines placed by their boxes.

Per way: paragraph precision/recall (:func:`benchmarks.structured.paragraph_scores`: blocks in
the ground truth's order), and errors of the reflowed input and of the corrected output over
all the text: ``ocrfix.evaluate`` matches blocks in any order, and the text it cannot match
(a paragraph scrambled with another) counts whole, on both sides; fixed / introduced of the
matched text.

``--stories IN OUT`` reads each multi-story page image of ``IN/<split>/`` (pages of
:mod:`benchmarks.newspage`) whole with RapidOCR and writes ``OUT/<split>/NAME.json`` (the result),
``NAME.xml`` and ``NAME.hocr`` (ALTO and hOCR built from it: :mod:`benchmarks.stories` reads
those; a ``NAME.json`` already in ``OUT`` is read again instead of the image), ``NAME.txt`` (its lines in the engine's order) and the page's ground truth, so that
``python -m benchmarks.stories --root OUT --split S [--correct --profile ppocr]`` scores PP-OCR's
reading of the pages as it scores Tesseract's.

``--in-order DIR...`` instead counts the texts in reading order that the column order takes for
interleaved (it should take none): every ``*.txt`` under each directory, as it is, with its
blank lines removed and with a blank line after each line, and the sentence sets' lines (source and gold) in chunks of 60.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.paddle_json --split rapid-eval [--limit N] [--profile ppocr]
    python -m benchmarks.paddle_json --in-order build/bench/pages
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.paddle_json --stories STORY_PAGES OUT
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from PIL import Image
from tqdm import tqdm

from benchmarks import sets
from benchmarks.ocr import rapidocr_result
from benchmarks.structured import PAGES, page_names, paragraph_scores
from ocrfix import Corrector
from ocrfix.evaluation import evaluate
from ocrfix.formats import correct_document, parse_document
from ocrfix.column_order import column_order
from ocrfix.settings import load_settings
from ocrfix.text_reflow import reflow_blocks

CACHE = PAGES.parent / "paddle"


def page_json(split: str, level: str, name: str) -> bytes:
    """RapidOCR's whole-page result of a generated page as PaddleOCR 3.x JSON (cached)."""
    cached = CACHE / split / f"{name}.json"
    if not cached.exists():
        result = rapidocr_result(Image.open(PAGES / split / level / f"{name}.png"))
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"input_path": f"{name}.png", **result}, ensure_ascii=False), encoding="utf-8")
    return cached.read_bytes()


def errors_all(gt: str, hyp: str, ocr: str | None = None) -> tuple[int, int, int]:
    """(errors over all the text, fixed, introduced): matched errors plus every unmatched character."""
    report = evaluate(gt, hyp, ocr=ocr)
    fixed = introduced = 0
    if ocr is not None:
        done = report.to_dict()
        fixed, introduced = done["errors_fixed"], done["errors_introduced"]
    return report.counts.errors + report.unmatched_gt_chars + report.unmatched_hyp_chars, fixed, introduced


def in_order_texts(roots: list[Path]) -> Iterator[tuple[str, list[str]]]:
    """(what, lines) of texts in reading order: each ``*.txt`` under ``roots`` as it is, without
    its blank lines and with a blank line between every two (a block per line, as Tesseract's
    sparse-text mode writes), then the sentence sets' lines in chunks of 60."""
    for path in sorted(p for root in roots for p in root.rglob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        yield str(path), lines
        kept = [line for line in lines if line.strip()]
        yield f"{path} (no blank lines)", kept
        yield f"{path} (a block per line)", [part for line in kept for part in (line, "")]
    data = load_settings().data_dir
    for name, pairs in (("faspell", sets.faspell(data)), ("sighan15", sets.sighan15(data)), ("lemon-news", sets.lemon_news(data))):
        for side in ("erroneous", "gold"):
            lines = [getattr(pair, side) for pair in pairs]
            for at in range(0, len(lines), 60):
                yield f"{name} {side} {at}", lines[at:at + 60]


def false_alarms(roots: list[Path], lm) -> int:
    """Print and count the texts in reading order the column order would reorder."""
    texts = alarms = 0
    for what, lines in in_order_texts(roots):
        text = "\n".join(lines) + "\n"
        texts += 1
        if column_order(text, lm) != text:
            alarms += 1
            print(f"taken for interleaved: {what}")
    print(f"{alarms} of {texts} texts in reading order taken for interleaved")
    return alarms


def story_pages(source: Path, out: Path) -> int:
    """PP-OCR's reading of the multi-story pages under ``source`` (see the module docstring);
    the number of pages written."""
    from ocrfix.formats import write_document

    images = sorted(source.glob("*/*.png"))
    for image in tqdm(images, desc="pages", file=sys.stderr):
        folder = out / image.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        name = image.name.removesuffix(".png")
        cached = folder / f"{name}.json"
        if cached.exists():  # read before: the files made from it are made again
            data = cached.read_bytes()
            result = json.loads(data)
        else:
            result = {"input_path": image.name, **rapidocr_result(Image.open(image))}
            data = json.dumps(result, ensure_ascii=False).encode("utf-8")
            cached.write_bytes(data)
        doc = parse_document(data, f"{name}.json")
        for fmt, suffix in (("alto", ".xml"), ("hocr", ".hocr")):
            (folder / f"{name}{suffix}").write_bytes(write_document(doc, fmt))
        (folder / f"{name}.txt").write_text("\n".join(result["rec_texts"]) + "\n", encoding="utf-8")
        for suffix in (".gt.json", ".gt.txt"):
            (folder / f"{name}{suffix}").write_bytes((image.parent / f"{name}{suffix}").read_bytes())
    return len(images)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="rapid-eval")
    parser.add_argument("--limit", type=int, default=None, help="pages per level")
    parser.add_argument("--profile", default="ppocr")
    parser.add_argument("--in-order", nargs="+", type=Path, metavar="DIR",
                        help="count the texts in reading order taken for interleaved instead")
    parser.add_argument("--stories", nargs=2, type=Path, metavar=("IN", "OUT"),
                        help="read the multi-story page images under IN with RapidOCR into OUT instead")
    args = parser.parse_args(argv)
    if args.stories:
        print(f"{story_pages(*args.stories)} pages written to {args.stories[1]}")
        return 0
    corrector = Corrector(profile=args.profile)
    if args.in_order:
        return 1 if false_alarms(args.in_order, corrector.lm) else 0
    totals = {way: [0] * 5 for way in ("plain", "plain, rules", "json")}  # GT chars, errors raw, errors corrected, fixed, introduced
    pr = {way: [0, 0, 0] for way in totals}  # paragraphs right, output, GT
    for name, level, _ in tqdm(page_names(args.split, args.limit), desc="pages", file=sys.stderr):
        gt = (PAGES / args.split / level / f"{name}.gt.txt").read_text(encoding="utf-8")
        data = page_json(args.split, level, name)
        doc = parse_document(data, f"{name}.json")
        plain = "\n".join(json.loads(data)["rec_texts"]) + "\n"
        rules_blocks = [b.text for b in reflow_blocks(column_order(plain, corrector.lm))]
        result = corrector.correct(plain)
        done = correct_document(doc, corrector)
        ways = {"plain": (result.source, result.text, [b.text for b in result.blocks]),
                "plain, rules": ("\n".join(rules_blocks), None, rules_blocks),
                "json": (done.source, done.text, [b.text for b in done.reflowed.blocks])}
        gt_blocks = [line for line in gt.splitlines() if line.strip()]
        for way, (reflowed, corrected, blocks) in ways.items():
            raw, _, _ = errors_all(gt, reflowed)
            after, fixed, introduced = errors_all(gt, corrected, ocr=reflowed) if corrected is not None else (raw, 0, 0)
            row = totals[way]
            row[0] += sum(not ch.isspace() for ch in gt)
            row[1] += raw
            row[2] += after
            row[3] += fixed
            row[4] += introduced
            pr[way] = [a + b for a, b in zip(pr[way], paragraph_scores(gt_blocks, blocks))]
    print(f"| input ({args.split}, profile {args.profile}) | paragraph P / R | CER, reflowed input | CER, corrected | reduction | fixed / introduced |")
    print("|---|---|---|---|---|---|")
    for way, (chars, raw, after, fixed, introduced) in totals.items():
        right, hyp, gold = pr[way]
        corrected = f"{after / chars:.2%} | {(raw - after) / max(raw, 1):.1%} | {fixed} / {introduced}" if way != "plain, rules" else "– | – | –"
        print(f"| {way} | {right / max(hyp, 1):.3f} / {right / max(gold, 1):.3f} | {raw / chars:.2%} | {corrected} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
