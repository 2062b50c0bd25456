"""Generate benchmark pages: typeset news articles, degrade them like scans, run real OCR.

    python -m benchmarks.generate --split train            # >= 100 training pages
    python -m benchmarks.generate --split eval             # held-out evaluation pages
    python -m benchmarks.generate --split quick --out DIR  # two tiny pages (CI)

Writes ``<out>/<split>/<level>/<name>.{png,ocr.txt,gt.txt,meta.json}`` and
``<out>/<split>/manifest.json`` (per page: seed, source, style, degradation, characters, CER).
Pages already on disk are kept (``--force`` regenerates). Everything about a page follows from
its seed in ``benchmarks/pages.toml``, so a page is reproduced exactly by regenerating it.
Tesseract runs one crop at a time with ``OMP_THREAD_LIMIT=1``, at nice level +5.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import random
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from statistics import mean
from typing import Any

from PIL import Image
from tqdm import tqdm

from benchmarks.corpus import SOURCES, load_lines, pick_article
from benchmarks.degrade import Degradation, degrade
from benchmarks.metrics import plain_cer
from benchmarks.ocr import ENGINES, TESSERACT_ENGINES, tesseract
from benchmarks.typeset import Box, Page, PageStyle, render
from ocrfix.errors import InputError, OcrfixError
from ocrfix.settings import load_settings
from ocrfix.textio import write_text_atomic

CONFIG = Path(__file__).with_name("pages.toml")


@dataclass(frozen=True)
class PageSpec:
    """Everything that determines one page, drawn from its seed."""

    name: str
    split: str
    level: str
    seed: int
    source: str
    style: PageStyle
    min_chars: int  # shortest story body used
    slot: int  # story index in the split's shuffle of its source's stories
    shuffle_seed: int
    tracking: float
    degradation: Degradation
    engine: str = "tesseract"


def load_config(path: Path = CONFIG) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read page manifest {path}: {exc}") from exc


def _draw(rng: random.Random, spec: Any) -> Any:
    """A value from a config entry: [lo, hi] floats -> uniform, [lo, hi] ints -> randint, else as is."""
    if isinstance(spec, list) and len(spec) == 2 and all(isinstance(v, (int, float)) for v in spec):
        lo, hi = spec
        return rng.randint(lo, hi) if isinstance(lo, int) and isinstance(hi, int) else rng.uniform(lo, hi)
    return spec


def page_spec(config: dict[str, Any], split: str, level: str, index: int) -> PageSpec:
    """The deterministic description of page ``index`` of ``level`` in ``split``. A split with
    ``same_as = "other"`` reuses the other split's pages (same images) and only sets its engine."""
    sp = config["splits"][split]
    if "same_as" in sp:
        base = page_spec(config, sp["same_as"], level, index)
        return replace(base, name=f"{split}-{level}-{index:03d}", split=split, engine=sp["engine"])
    slot = sp["pages"] * sp["levels"].index(level) + index
    seed = sp["seed"] + 1000 * sp["levels"].index(level) + index
    rng = random.Random(seed)
    r = {**config["render"], **sp.get("render", {})}  # a split may set its own faces, sizes, ...
    face = rng.choice(r["faces"])
    size = rng.choice(r["sizes"])
    style = PageStyle(
        face=face,
        size=size,
        columns=_draw(rng, sp["columns"]),
        cells=rng.choice(r["cells"]),
        lines=_draw(rng, sp["lines"]),
        leading=round(_draw(rng, r["leading"]), 3),
        headline_scale=round(_draw(rng, r["headline_scale"]), 3),
    )
    if "hang" in r:  # drawn only where a split sets it: every other page keeps its seed's draws
        style = replace(style, hang=rng.choice(r["hang"]))
    lv = config["levels"][level]
    recipe = {k: _draw(rng, v) for k, v in rng.choice(lv["recipes"]).items()}
    px = _draw(rng, lv["px"]) + config["face_px"].get(face, 0.0) + recipe.pop("px_add", 0.0)
    deg = Degradation(scale=round(px / size, 4), **{k: round(v, 4) if isinstance(v, float) else v for k, v in recipe.items()})
    source = rng.choice(SOURCES[sp["sources"]])
    return PageSpec(
        name=f"{split}-{level}-{index:03d}",
        split=split,
        level=level,
        seed=seed,
        source=source,
        min_chars=sp["min_chars"],
        slot=slot,
        shuffle_seed=sp["seed"],
        style=style,
        tracking=round(_draw(rng, r["tracking"]), 3),
        degradation=deg,
        engine=sp.get("engine", "tesseract"),
    )


def _crop(image: Image.Image, box: Box, scale: float) -> Image.Image:
    return image.crop((round(box.left * scale), round(box.top * scale), round(box.right * scale), round(box.bottom * scale)))


def ocr_page(image: Image.Image, page: Page, scale: float, engine: str = "tesseract") -> str:
    """The engine's raw text: the headline, a blank line, then each column in reading order,
    columns separated by a blank line; line breaks and spaces exactly as the engine gave them.
    Tesseract (any of its models) reads the headline with ``--psm 7`` and each column with ``--psm 6``."""
    if engine in TESSERACT_ENGINES:
        read = partial(tesseract, dpi=max(70, round(300 * scale)), model=TESSERACT_ENGINES[engine])
        read_head, read_column = partial(read, psm=7), partial(read, psm=6)
    else:
        read_head = read_column = ENGINES[engine]
    head = read_head(_crop(image, page.headline_box, scale))
    columns = [read_column(_crop(image, box, scale)) for box in page.column_boxes]
    return "\n\n".join(text.strip("\n") for text in [head, *columns]) + "\n"


def make_page(spec: PageSpec, data_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Render, degrade, OCR and write one page; returns its manifest entry."""
    lines = load_lines(data_dir / spec.source)
    article = pick_article(lines, spec.source, spec.min_chars, spec.slot, spec.shuffle_seed)
    page = render(article, spec.style, tracking=spec.tracking)
    image = degrade(page.image, spec.degradation, spec.seed)
    started = time.perf_counter()
    ocr = ocr_page(image, page, spec.degradation.scale, spec.engine)
    seconds = time.perf_counter() - started
    gt = page.gt_text
    out_dir.mkdir(parents=True, exist_ok=True)
    image.save(out_dir / f"{spec.name}.png", dpi=(round(300 * spec.degradation.scale),) * 2)
    write_text_atomic(str(out_dir / f"{spec.name}.gt.txt"), gt)
    write_text_atomic(str(out_dir / f"{spec.name}.ocr.txt"), ocr)
    entry = {
        **asdict(spec),
        "source_line": article.line,
        "gt_chars": len("".join(gt.split())),
        "cer": round(plain_cer(gt, ocr), 5),
        "ocr_seconds": round(seconds, 2),
    }
    write_text_atomic(str(out_dir / f"{spec.name}.meta.json"), json.dumps(entry, ensure_ascii=False, indent=1) + "\n")
    return entry


def check_engine_version(split: str, config: dict[str, Any]) -> None:
    """A split pinned to one version of its engine's Python package (``engine_version``: the
    ``rapidocr_onnxruntime`` wheels ship PP-OCRv4's models from 1.3 on, PP-OCRv3's before) is
    only read by that version."""
    sp = config["splits"][split]
    want = sp.get("engine_version")
    if want is None:
        return
    try:
        have = importlib.metadata.version(sp["engine"])
    except importlib.metadata.PackageNotFoundError:
        have = "none"
    if have != want:
        raise InputError(f"split {split} is read by {sp['engine']} {want}; this Python has {have}")


def generate(split: str, out: Path, config: dict[str, Any], data_dir: Path, *, pages: int | None = None,
             levels: list[str] | None = None, force: bool = False, existing: bool = False) -> list[dict[str, Any]]:
    """Generate (or keep) every page of ``split``; writes and returns the split's manifest.
    ``existing``: generate nothing, the manifest lists the pages already on disk (an interrupted run's)."""
    sp = config["splits"][split]
    if not existing:
        check_engine_version(split, config)
    todo = [(lv, i) for lv in (levels or sp["levels"]) for i in range(pages or sp["pages"])]
    entries = []
    for level, index in tqdm(todo, desc=f"pages {split}", unit="page", file=sys.stderr):
        spec = page_spec(config, split, level, index)
        level_dir = out / split / level
        meta = level_dir / f"{spec.name}.meta.json"
        if meta.is_file() and not force:
            entries.append(json.loads(meta.read_text(encoding="utf-8")))
        elif not existing:
            entries.append(make_page(spec, data_dir, level_dir))
    if not entries:
        raise InputError(f"no pages of {split} in {out / split}")
    summary = {
        lv: {
            "pages": len(group),
            "gt_chars": sum(e["gt_chars"] for e in group),
            "mean_cer": round(mean(e["cer"] for e in group), 4),
        }
        for lv in dict.fromkeys(e["level"] for e in entries)
        if (group := [e for e in entries if e["level"] == lv])
    }
    manifest = {"split": split, "config": str(CONFIG.name), "summary": summary, "pages": entries}
    write_text_atomic(str(out / split / "manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="train", help="a split of pages.toml (train, eval, quick, rapid, rapid-train, ...)")
    parser.add_argument("--out", type=Path, default=None, help="output root (default: build/bench/pages)")
    parser.add_argument("--pages", type=int, default=None, help="pages per level (default: from pages.toml)")
    parser.add_argument("--levels", default=None, help="comma-separated levels (default: all of the split)")
    parser.add_argument("--config", type=Path, default=CONFIG, help="page manifest (TOML)")
    parser.add_argument("--force", action="store_true", help="regenerate pages that already exist")
    parser.add_argument("--existing", action="store_true",
                        help="generate nothing: write the manifest of the pages already on disk")
    args = parser.parse_args(argv)
    os.nice(5)  # long CPU-bound work on a shared machine (Tesseract inherits it)
    settings = load_settings()
    out = args.out or settings.build_dir / "bench" / "pages"
    try:
        config = load_config(args.config)
        if args.split not in config["splits"]:
            raise InputError(f"unknown split {args.split!r} (have: {', '.join(config['splits'])})")
        entries = generate(args.split, out, config, settings.data_dir, pages=args.pages,
                           levels=args.levels.split(",") if args.levels else None, force=args.force,
                           existing=args.existing)
    except OcrfixError as exc:
        print(f"benchmarks.generate: error: {exc}", file=sys.stderr)
        return 2
    manifest = json.loads((out / args.split / "manifest.json").read_text(encoding="utf-8"))
    print(json.dumps(manifest["summary"], indent=1))
    print(f"{len(entries)} pages in {out / args.split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
