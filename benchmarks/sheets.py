"""Character sheets: every inventory character typeset and OCR'd like a benchmark page.

The Tesseract channel learned from the training pages only knows the confusions of the ~4,000
characters that occur on them. A *sheet* is a page of the benchmark generator (same typesetting,
degradation and Tesseract call as ``benchmarks.generate``) whose text is the character inventory
in random order, cut into short pseudo-sentences (``，`` every few characters, ``。`` at the end of a
paragraph, so Tesseract sees text-like lines and the aligner has anchors). One *pass* sets the whole
inventory once in one face at one level; ``--reps`` passes per (face, level) give every character
several readings::

    python -m benchmarks.sheets --levels l2,l3 --reps 2          # -> build/bench/sheets/
    ocrfix confusions learn --pages build/bench/sheets -o build/confusions/r2/sheets.tsv

Writes ``<out>/<level>/<face>/<name>.{ocr.txt,gt.txt,png}`` and ``<out>/manifest.json``. Sheets
already on disk are kept. Everything follows from the seed: page style and degradation are drawn by
``benchmarks.generate.page_spec`` for a pseudo split, then the face is set (with its ``face_px``
offset) and the text is the pass's shuffle of the inventory.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from benchmarks.corpus import Article
from benchmarks.degrade import degrade
from benchmarks.generate import CONFIG, PageSpec, load_config, ocr_page, page_spec
from benchmarks.metrics import plain_cer
from benchmarks.typeset import Page, render
from ocrfix.errors import InputError, OcrfixError
from ocrfix.settings import load_settings
from ocrfix.textio import write_text_atomic

FACES = ("song", "hei", "uming")
SEED = 500000
PHRASE = (4, 12)  # characters between commas
PARAGRAPH = (30, 110)  # characters per paragraph
HEADLINE = (6, 10)
MAX_SHEETS = 100  # per pass (the seed stride)


@dataclass(frozen=True)
class Sheet:
    """One rendered sheet: its page spec (style, degradation, seed) and the typeset page."""

    spec: PageSpec
    page: Page


def sheet_spec(config: dict[str, Any], level: str, face: str, rep: int, index: int) -> PageSpec:
    """The page spec of sheet ``index`` of pass (``level``, ``face``, ``rep``): style and
    degradation drawn like a training page of ``level``, then re-faced (glyph size kept per face)."""
    levels = list(config["levels"])
    seed = SEED + 100_000 * rep + 10_000 * levels.index(level) + 1_000 * FACES.index(face)
    split = {**config["splits"]["train"], "seed": seed, "levels": levels}
    base = page_spec({**config, "splits": {"sheets": split}}, "sheets", level, index)
    px = base.degradation.scale * base.style.size - config["face_px"].get(base.style.face, 0.0)
    px += config["face_px"].get(face, 0.0)
    return replace(
        base,
        name=f"sheet-{level}-{face}-r{rep}-{index:03d}",
        split="sheets",
        source="inventory",
        style=replace(base.style, face=face),
        degradation=replace(base.degradation, scale=round(px / base.style.size, 4)),
    )


def pseudo_text(chars: str, rng: random.Random) -> Article:
    """``chars`` (in order) as a headline and paragraphs of comma-separated phrases."""
    head = rng.randint(*HEADLINE)
    paragraphs, pos = [], head
    while pos < len(chars):
        end = min(len(chars), pos + rng.randint(*PARAGRAPH))
        phrases, at = [], pos
        while at < end:
            step = rng.randint(*PHRASE)
            phrases.append(chars[at : min(end, at + step)])
            at += step
        paragraphs.append("，".join(phrases) + "。")
        pos = end
    return Article(chars[:head], tuple(paragraphs), "inventory", 0)


def placed_chars(page: Page) -> int:
    """How many text characters (not punctuation) of the article the page holds."""
    return len(page.headline) + sum(len(p) - p.count("，") - p.count("。") for p in page.paragraphs)


def pass_sheets(config: dict[str, Any], inventory: Sequence[str], level: str, face: str, rep: int) -> Iterator[Sheet]:
    """The sheets of one pass: the inventory shuffled (seeded), set page after page until every
    character is placed (a page takes as many whole paragraphs as fit)."""
    order = sorted(inventory)
    random.Random(f"{level}/{face}/{rep}").shuffle(order)
    queue = "".join(order)
    for index in range(MAX_SHEETS):
        if not queue:
            return
        spec = sheet_spec(config, level, face, rep, index)
        # 3,000 chars is more than any page style holds; the rest waits for the next sheet
        page = render(pseudo_text(queue[:3000], random.Random(spec.seed)), spec.style, tracking=spec.tracking)
        used = placed_chars(page)
        if used <= len(page.headline):
            raise InputError(f"{spec.name}: the page style holds no paragraph")
        yield Sheet(spec, page)
        queue = queue[used:]
    raise InputError(f"pass {level}/{face}/{rep} needs more than {MAX_SHEETS} sheets")


def make_sheet(sheet: Sheet, out_dir: Path) -> dict[str, Any]:
    """Degrade, OCR and write one sheet; returns its manifest entry."""
    spec = sheet.spec
    image = degrade(sheet.page.image, spec.degradation, spec.seed)
    started = time.perf_counter()
    ocr = ocr_page(image, sheet.page, spec.degradation.scale)
    seconds = time.perf_counter() - started
    gt = sheet.page.gt_text
    out_dir.mkdir(parents=True, exist_ok=True)
    image.save(out_dir / f"{spec.name}.png", dpi=(round(300 * spec.degradation.scale),) * 2)
    write_text_atomic(str(out_dir / f"{spec.name}.gt.txt"), gt)
    write_text_atomic(str(out_dir / f"{spec.name}.ocr.txt"), ocr)
    entry = {**asdict(spec), "gt_chars": len("".join(gt.split())), "cer": round(plain_cer(gt, ocr), 5),
             "ocr_seconds": round(seconds, 2)}
    write_text_atomic(str(out_dir / f"{spec.name}.meta.json"), json.dumps(entry, ensure_ascii=False, indent=1) + "\n")
    return entry


def generate_sheets(out: Path, config: dict[str, Any], inventory: Sequence[str], levels: Sequence[str],
                    faces: Sequence[str], reps: int) -> list[dict[str, Any]]:
    """Every sheet of every pass (kept when already on disk); writes and returns the manifest."""
    for face in faces:
        if face not in FACES:
            raise InputError(f"unknown face {face!r} (have: {', '.join(FACES)})")
    for level in levels:
        if level not in config["levels"]:
            raise InputError(f"unknown level {level!r} (have: {', '.join(config['levels'])})")
    passes = [(lv, f, r) for r in range(reps) for lv in levels for f in faces]
    entries = []
    with tqdm(desc="sheets", unit="char", total=len(passes) * len(inventory), file=sys.stderr) as bar:
        for level, face, rep in passes:
            for sheet in pass_sheets(config, inventory, level, face, rep):
                meta = out / level / face / f"{sheet.spec.name}.meta.json"
                if meta.is_file():
                    entries.append(json.loads(meta.read_text(encoding="utf-8")))
                else:
                    entries.append(make_sheet(sheet, meta.parent))
                bar.update(placed_chars(sheet.page))
    summary = {"sheets": len(entries), "gt_chars": sum(e["gt_chars"] for e in entries),
               "mean_cer": round(sum(e["cer"] for e in entries) / max(1, len(entries)), 4),
               "ocr_seconds": round(sum(e["ocr_seconds"] for e in entries), 1)}
    manifest = {"config": CONFIG.name, "levels": list(levels), "faces": list(faces), "reps": reps,
                "summary": summary, "sheets": entries}
    write_text_atomic(str(out / "manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sheets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="output root (default: build/bench/sheets)")
    parser.add_argument("--levels", default="l2,l3", help="comma-separated levels of pages.toml")
    parser.add_argument("--faces", default=",".join(FACES), help="comma-separated faces")
    parser.add_argument("--reps", type=int, default=2, help="passes over the inventory per (level, face)")
    parser.add_argument("--chars", type=Path, default=None, help="text file of characters (default: the inventory)")
    args = parser.parse_args(argv)
    os.nice(5)  # long CPU-bound work on a shared machine (Tesseract inherits it)
    settings = load_settings()
    out = args.out or settings.build_dir / "bench" / "sheets"
    try:
        if args.chars:
            from ocrfix.textio import read_text

            chars = sorted(set("".join(read_text(args.chars).split())))
        else:
            from ocrfix.confusions import inventory

            chars = sorted(inventory(settings.confusions_dir))
        entries = generate_sheets(out, load_config(), chars, args.levels.split(","), args.faces.split(","), args.reps)
    except OcrfixError as exc:
        print(f"benchmarks.sheets: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["summary"], indent=1))
    print(f"{len(entries)} sheets in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
