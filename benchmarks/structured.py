"""Structured formats on the generated pages: geometry reflow vs plain-text reflow, and how
well Tesseract's confidences point at its errors.

For each page, Tesseract is run again on the same crops of the same degraded image as the
generator (headline ``--psm 7``, columns ``--psm 6``), asking for hOCR with character boxes,
confidences and the engine's alternative readings of each character (``-c hocr_char_boxes=1
-c lstm_choice_mode=2``; the recognized text and confidences are the same as without) instead of text; the crops
are merged into one page document (boxes shifted by the crop origin). Its plain text is the
page's ``NAME.ocr.txt`` up to whitespace (checked), so both reflows see the same recognition.
Pages of a RapidOCR split are read by RapidOCR again, asking for its per-character recognition
probabilities (``return_word_box``) besides each line's score (:func:`rapidocr_document`).

Paragraph precision/recall: a block is right when, mapped onto the ground truth through a
character alignment of the non-space texts, it starts and ends exactly where a ground-truth
line (headline or paragraph) does.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.structured --split eval [--limit N] [--lm [MODEL]]

``--lm``: also the plain reflow with the language model settling the breaks its rules cannot
(``ocrfix reflow --lm``, what ``ocrfix correct`` reflows plain text with; MODEL default: the shipped one).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from statistics import median

from PIL import Image
from rapidfuzz.distance import Levenshtein
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from benchmarks.corpus import load_lines, pick_article
from benchmarks.generate import load_config, page_spec
from benchmarks.ocr import rapidocr_lines
from benchmarks.stories import documents_speed, speed_line
from benchmarks.typeset import render
from ocrfix.errors import ToolMissingError
from ocrfix.formats import Block, Box, Document, Line, Page, Word, char_confidences, parse_document, reflow_document
from ocrfix.text_reflow import reflow_blocks
from ocrfix.settings import load_settings

PAGES = Path(__file__).resolve().parent.parent / "build" / "bench" / "pages"
CACHE = PAGES.parent / "hocr"  # Tesseract's hOCR per crop: NAME.K.hocr (K = 0 headline, then columns)


def tesseract_hocr(image: Image.Image, psm: int, dpi: int) -> bytes:
    exe = shutil.which("tesseract")
    if exe is None:
        raise ToolMissingError("tesseract not found")
    with tempfile.TemporaryDirectory(prefix="ocrfix-hocr-") as tmp:
        path = Path(tmp) / "crop.png"
        image.save(path, dpi=(dpi, dpi))
        proc = subprocess.run([exe, str(path), "stdout", "-l", "chi_sim", "--psm", str(psm), "--dpi", str(dpi),
                               "-c", "hocr_char_boxes=1", "-c", "lstm_choice_mode=2", "hocr"],
                              capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=True)
    return proc.stdout


def rapidocr_document(lines: list[dict]) -> Document:
    """RapidOCR's ``lines`` (:func:`rapidocr_lines`) as one block: a word per space-separated run
    of a line, its confidence the line's score (all a PP-OCR export usually carries) and, where
    RapidOCR boxed every character, each character's own probability (``char_confs``)."""
    out = []
    for line in lines:
        runs, chars = line["text"].split(), line["chars"]
        aligned = [c[0] for c in chars] == [ch for run in runs for ch in run]
        words, at = [], 0
        for run in runs:
            mine = chars[at:at + len(run)] if aligned else []
            box = Box(*(min(c[2][k] for c in mine) if k < 2 else max(c[2][k] for c in mine) for k in range(4))) if mine else Box(*line["box"])
            words.append(Word(run, box, line["score"], tuple(c[1] for c in mine) if mine else None))
            at += len(run)
        out.append(Line(tuple(words), Box(*line["box"])))
    boxes = [line.box for line in out]
    whole = Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes)) if boxes else None
    return Document("alto", (Page((Block(tuple(out), whole),), whole),))


def _shift(box: Box | None, dx: int, dy: int) -> Box | None:
    return None if box is None else Box(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy)


def shifted(doc: Document, dx: int, dy: int) -> Document:
    """``doc`` with every box moved by (dx, dy): a crop's coordinates in the page's."""
    moved = doc.map_words(lambda w: replace(w, box=_shift(w.box, dx, dy), glyphs=tuple(replace(g, box=_shift(g.box, dx, dy)) for g in w.glyphs)))
    pages = tuple(replace(p, blocks=tuple(replace(b, box=_shift(b.box, dx, dy), lines=tuple(replace(l, box=_shift(l.box, dx, dy)) for l in b.lines)) for b in p.blocks)) for p in moved.pages)
    return replace(moved, pages=pages)


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return load_lines(path)


def page_document(name: str, split: str, level: str, index: int) -> Document:
    spec = page_spec(load_config(), split, level, index)
    article = pick_article(_lines(load_settings().data_dir / spec.source), spec.source, spec.min_chars, spec.slot, spec.shuffle_seed)
    layout = render(article, spec.style, tracking=spec.tracking)
    image = Image.open(PAGES / split / level / f"{name}.png")
    scale = spec.degradation.scale
    dpi = max(70, round(300 * scale))
    blocks = []
    CACHE.mkdir(parents=True, exist_ok=True)
    rapid = spec.engine == "rapidocr"
    for k, (box, psm) in enumerate([(layout.headline_box, 7), *((b, 6) for b in layout.column_boxes)]):
        x0, y0 = round(box.left * scale), round(box.top * scale)
        cached = CACHE / f"{name}.{k}.{'rapid.json' if rapid else 'hocr'}"
        if not cached.exists():
            crop = image.crop((x0, y0, round(box.right * scale), round(box.bottom * scale)))
            if rapid:
                cached.write_text(json.dumps(rapidocr_lines(crop)), encoding="utf-8")
            else:
                cached.write_bytes(tesseract_hocr(crop, psm, dpi))
        read = rapidocr_document(json.loads(cached.read_text(encoding="utf-8"))) if rapid else parse_document(cached.read_bytes(), str(cached))
        doc = shifted(read, x0, y0)
        blocks.extend(b for p in doc.pages for b in p.blocks)
    return Document("hocr", (Page(tuple(blocks), Box(0, 0, *image.size)),), name=name)


def page_names(split: str, limit: int | None) -> list[tuple[str, str, int]]:
    """(name, level, index) of the generated pages of ``split``, the first ``limit`` of each level."""
    by_level: dict[str, list[tuple[str, str, int]]] = {}
    for path in sorted((PAGES / split).glob("*/*.png")):
        name = path.name.removesuffix(".png")
        level, index = name.rsplit("-", 2)[1:]
        by_level.setdefault(level, []).append((name, level, int(index)))
    return [page for level in sorted(by_level) for page in by_level[level][:limit]]


def nonspace(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def paragraph_scores(gt_blocks: list[str], hyp_blocks: list[str]) -> tuple[int, int, int]:
    """(correct, hyp count, gt count): hyp blocks whose aligned span equals a gt block's span."""
    gt, hyp = "".join(map(nonspace, gt_blocks)), "".join(map(nonspace, hyp_blocks))
    where = [0] * (len(hyp) + 1)  # hyp position -> gt position
    for op in Levenshtein.opcodes(hyp, gt):  # equal/replace spans have equal lengths
        for k in range(op.src_start, op.src_end):
            where[k] = op.dest_start + (k - op.src_start if op.tag != "delete" else 0)
    where[len(hyp)] = len(gt)
    spans, start = set(), 0
    for block in gt_blocks:
        end = start + len(nonspace(block))
        spans.add((start, end))
        start = end
    correct, start = 0, 0
    for block in hyp_blocks:
        end = start + len(nonspace(block))
        correct += (where[start], where[end]) in spans and end > start
        start = end
    return correct, sum(1 for b in hyp_blocks if nonspace(b)), len(spans)


def confidence_errors(doc: Document, gt: str) -> list[tuple[float, bool]]:
    """(confidence, is an error) per OCR character: errors = substituted or inserted vs the gt."""
    ocr, truth = nonspace(doc.text()), nonspace(gt)
    confs = char_confidences(doc)
    wrong = [False] * len(ocr)
    for op in Levenshtein.opcodes(ocr, truth):
        if op.tag in ("replace", "delete"):
            for k in range(op.src_start, op.src_end):
                wrong[k] = True
    return [(c, w) for c, w in zip(confs, wrong) if c is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.structured", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="eval")
    parser.add_argument("--limit", type=int, default=None, help="pages per level")
    parser.add_argument("--out", type=Path, default=Path("build/bench/structured.json"))
    parser.add_argument("--speed", action="store_true",
                        help="only time the layout analysis against correct on these pages (see benchmarks.stories --speed)")
    parser.add_argument("--lm", nargs="?", const="", metavar="MODEL", help="also the plain reflow with this language model")
    args = parser.parse_args(argv)
    lm = None
    if args.lm is not None:
        from ocrfix.correction.corrector import load_lm
        from ocrfix.settings import load_settings

        lm = load_lm(args.lm or load_settings().default_lm)
    names = page_names(args.split, args.limit)
    if not names:
        print(f"structured: no generated pages in {PAGES / args.split} (run: python -m benchmarks.generate --split {args.split})",
              file=sys.stderr)
        return 1
    if args.speed:
        t = documents_speed(page_document(name, args.split, level, index) for name, level, index in names)
        print(speed_line(t))
        return 0
    rows = []
    for name, level, index in tqdm(names, desc="pages", file=sys.stderr):
        folder = PAGES / args.split / level
        doc = page_document(name, args.split, level, index)
        ocr = (folder / f"{name}.ocr.txt").read_text(encoding="utf-8")
        gt = (folder / f"{name}.gt.txt").read_text(encoding="utf-8")
        gt_blocks = [l for l in gt.splitlines() if l.strip()]
        plain = paragraph_scores(gt_blocks, [b.text for b in reflow_blocks(ocr)])
        geometry = paragraph_scores(gt_blocks, [b.text for b in reflow_document(doc).blocks])
        rows.append({"name": name, "level": level, "same_text": nonspace(doc.text()) == nonspace(ocr),
                     "plain": plain, "geometry": geometry, "conf": confidence_errors(doc, gt)})
        if lm is not None:
            rows[-1]["plain_lm"] = paragraph_scores(gt_blocks, [b.text for b in reflow_blocks(ocr, lm)])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False) + "\n", encoding="utf-8")
    report(rows)
    return 0


def _pr(rows: list[dict], key: str) -> str:
    correct = sum(r[key][0] for r in rows)
    hyp, gold = sum(r[key][1] for r in rows), sum(r[key][2] for r in rows)
    return f"P {correct / max(hyp, 1):.3f} R {correct / max(gold, 1):.3f} ({correct}/{hyp} hyp, {gold} gt)"


def report(rows: list[dict]) -> None:
    for level in sorted({r["level"] for r in rows}) + ["all"]:
        sel = [r for r in rows if level in ("all", r["level"])]
        print(f"{level}: pages {len(sel)}, same text {sum(r['same_text'] for r in sel)}/{len(sel)}; "
              f"plain {_pr(sel, 'plain')}; geometry {_pr(sel, 'geometry')}"
              + (f"; plain with the LM {_pr(sel, 'plain_lm')}" if all("plain_lm" in r for r in sel) else ""))
        pairs = [p for r in sel for p in r["conf"]]
        errors = [w for _, w in pairs]
        if 0 < sum(errors) < len(errors):
            auc = roc_auc_score(errors, [-c for c, _ in pairs])
            low = [w for c, w in pairs if c < 0.8]
            high = [w for c, w in pairs if c >= 0.8]
            print(f"   chars {len(pairs)}, error rate {sum(errors) / len(errors):.4f}; AUC(1-conf -> error) {auc:.3f}; "
                  f"error rate conf<0.8 {sum(low) / max(len(low), 1):.4f} ({len(low)} chars), conf>=0.8 {sum(high) / max(len(high), 1):.4f}; "
                  f"median conf {median(c for c, _ in pairs):.2f}")


if __name__ == "__main__":
    sys.exit(main())
