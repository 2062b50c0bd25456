"""Vertically set newspaper pages (characters top to bottom, lines right to left), OCR'd whole.

Mainland papers before 1956 and Taiwan and Hong Kong papers for decades after set their pages
this way. A page holds two or three horizontal bands; a band holds one to three stories side by
side, the first on the right. A story is a headline column at its right (larger bold type, one
or two columns), then its body lines leftwards, each paragraph indented two cells at its top;
rules part the bands and the stories. Punctuation takes its vertical forms (OpenType ``vert``).
The scan is degraded as :mod:`benchmarks.newspage`'s ``grid`` pages are (level l1 or clean,
body type 21–22 px). Tesseract reads the whole page with ``chi_sim_vert`` (``--script
traditional``: the text converted by OpenCC ``s2tw``, set in a traditional face, read with
``chi_tra_vert``) under each page segmentation mode asked for.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.vertical --pages 8 --psm 3 5 --out DIR

Writes ``<out>/<split>/<name>.{png,gt.json,gt.txt}`` and, per mode, ``<out>/<split>/psmN/``
with the ground truth and Tesseract's ``.hocr``, ``.xml`` (ALTO) and ``.txt``: the shape of
:mod:`benchmarks.newspage`'s pages, so :mod:`benchmarks.stories` scores each mode's folder
(``python -m benchmarks.stories --root DIR/dev --split psm3``).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from benchmarks.corpus import SOURCES, Article, load_lines, pick_article
from benchmarks.degrade import degrade
from benchmarks.newspage import degradation, gt_text
from benchmarks.typeset import break_lines, font
from ocrfix.errors import ToolMissingError
from ocrfix.settings import load_settings
from ocrfix.textio import write_text_atomic

SPLITS = {"dev": {"seed": 1310000, "sources": "train"}, "fresh": {"seed": 1410000, "sources": "eval"}}
TRADITIONAL_FACES = {"song": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 3),
                     "hei_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 3)}


@dataclass(frozen=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]
    box: tuple[int, int, int, int]


class _Cells:
    """What :func:`benchmarks.typeset.break_lines` measures half-width runs with: upright in a
    vertical line, each character takes a whole cell."""

    def __init__(self, cell: float) -> None:
        self.cell = cell

    def getlength(self, unit: str) -> float:
        return self.cell * len(unit)


def _column(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, cell: float, fnt: ImageFont.FreeTypeFont) -> None:
    """``text`` down one vertical line centred on ``x`` from ``y``, one character a cell."""
    for k, ch in enumerate(text):
        if not ch.isspace():
            draw.text((x, y + k * cell), ch, font=fnt, fill=0, direction="ttb", features=["vert"], anchor="mt")


def set_story(draw: ImageDraw.ImageDraw, article: Article, x0: float, x1: float, y0: float, y1: float, rng: random.Random,
              size: int, faces: tuple[str, str], leading: float, face_of) -> Story:
    """Typeset ``article`` right to left from ``x1`` into the band ``y0..y1`` (as far left as
    ``x0``): headline column(s), then whole paragraphs while they fit; nothing when none does."""
    body = face_of(faces[0], size)
    cell = size * (1 + rng.uniform(0.0, 0.06))
    cells = int((y1 - y0) // cell)
    head_size = int(size * rng.uniform(1.5, 2.0))
    most = max(1, int((y1 - y0) // head_size))
    per_column = min(most, -(-len(article.headline) // -(-len(article.headline) // most)))  # balanced columns
    head = [article.headline[i:i + per_column] for i in range(0, len(article.headline), per_column)][:2]
    tops = [y0 if k or rng.random() < 0.5 else y0 + (cells * cell - head_size * len(part)) / 2 for k, part in enumerate(head)]
    x = x1 - head_size / 2 - len(head) * head_size * 1.3 - size * 0.6  # the body's first line
    pitch = size * leading
    room = int((x - x0 - size / 2) // pitch) + 1
    placed, lines = [], []
    for paragraph in article.paragraphs:
        new = break_lines(paragraph, cell, cells, _Cells(cell))
        if len(lines) + len(new) > room:
            break
        placed.append(paragraph)
        lines.extend(new)
    if placed:
        for k, (part, top) in enumerate(zip(head, tops)):
            _column(draw, x1 - head_size / 2 - k * head_size * 1.3, max(y0, top), part, head_size, face_of(faces[1], head_size))
        for k, line in enumerate(lines):
            _column(draw, x - k * pitch, y0, line, cell, body)
    left = x - max(len(lines) - 1, 0) * pitch - size / 2
    return Story("".join(head), tuple(placed), (round(left), round(y0), round(x1), round(y1)))


def render_page(split: str, index: int, data_dir: Path, traditional: bool = False) -> tuple[Image.Image, list[Story], dict]:
    """The clean page image, its stories in reading order (bands top to bottom, each right to
    left) and the page's settings."""
    sp = SPLITS[split]
    seed = sp["seed"] + index
    rng = random.Random(seed)
    face = rng.choice(["song", "song", "uming"] if traditional else ["song", "hei", "uming"])
    faces = (face, "hei_bold" if traditional else rng.choice(["hei_bold", "song_bold"]))
    size = rng.choice([36, 40, 44])
    leading = rng.uniform(1.4, 1.8)
    story_gap = size * rng.uniform(1.6, 2.6)
    rule_width = rng.choice([0, 1, 2, 2])
    margin = 70
    bands = [rng.randint(16, 30) for _ in range(rng.choice([2, 3, 3]))]
    width = int(2 * margin + size * leading * rng.randint(40, 60))
    height = int(2 * margin + sum(bands) * size * 1.06 + (len(bands) - 1) * story_gap)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    lines = load_lines(data_dir / rng.choice(SOURCES[sp["sources"]]))
    convert = _s2tw() if traditional else None

    def face_of(name: str, px: int) -> ImageFont.FreeTypeFont:
        if traditional and name in TRADITIONAL_FACES:
            path, k = TRADITIONAL_FACES[name]
            return ImageFont.truetype(path, px, index=k)
        return font(name, px)

    def rule(x0: float, y0: float, x1: float, y1: float) -> None:
        if rule_width:
            draw.line([(round(x0), round(y0)), (round(x1), round(y1))], fill=0, width=rule_width)

    stories: list[Story] = []
    y = margin
    for b, cells in enumerate(bands):
        y1 = y + cells * size * 1.06
        count = 1 if b == 0 and rng.random() < 0.5 else rng.choice([1, 2, 2, 3])
        share = [rng.uniform(0.7, 1.3) for _ in range(count)]
        right = width - margin
        for k in range(count):
            left = margin if k == count - 1 else right - (width - 2 * margin) * share[k] / sum(share)
            article = pick_article(lines, "news", 250, index * 16 + len(stories) + 1, sp["seed"])
            if convert is not None:
                article = Article(convert(article.headline), tuple(map(convert, article.paragraphs)), article.source, article.line)
            story = set_story(draw, article, left + (story_gap / 2 if k < count - 1 else 0), right, y, y1, rng, size, faces,
                              leading, face_of)
            stories.append(story)
            if k < count - 1:
                rule(left, y, left, y1)
            right = left - story_gap / 2
        y = y1 + story_gap
        if b < len(bands) - 1:
            rule(margin, y - story_gap / 2, width - margin, y - story_gap / 2)
    meta = {"seed": seed, "face": face, "head_face": faces[1], "size": size, "leading": round(leading, 3), "bands": bands,
            "rule_width": rule_width, "story_gap": round(story_gap / size, 2), "script": "traditional" if traditional else "simplified"}
    return image, [s for s in stories if s.paragraphs], meta


def _s2tw():
    import opencc  # ocrfix[train]

    return opencc.OpenCC("s2tw").convert


def tesseract_page(image_path: Path, base: Path, dpi: int, psm: int, language: str) -> None:
    """Tesseract on the whole page with a vertical model: hOCR + ALTO + text in one run."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ToolMissingError("tesseract not found")
    subprocess.run([exe, str(image_path), str(base), "-l", language, "--psm", str(psm), "--dpi", str(dpi), "hocr", "alto", "txt"],
                   check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def make_page(split: str, index: int, out: Path, data_dir: Path, psms: list[int], traditional: bool = False) -> None:
    name = f"vert-{index:03d}"
    folder = out / split
    if not (folder / f"{name}.gt.json").is_file():
        clean, stories, meta = render_page(split, index, data_dir, traditional)
        deg, level = degradation("dev" if split == "dev" else "fresh", index, meta["size"], "grid")
        image = degrade(clean, deg, meta["seed"])
        folder.mkdir(parents=True, exist_ok=True)
        dpi = max(70, round(300 * deg.scale))
        image.save(folder / f"{name}.png", dpi=(dpi, dpi))
        s = deg.scale
        gt = [{"headline": st.headline, "paragraphs": list(st.paragraphs), "bbox": [round(v * s) for v in st.box]} for st in stories]
        write_text_atomic(str(folder / f"{name}.gt.txt"), gt_text(gt))
        write_text_atomic(str(folder / f"{name}.gt.json"), json.dumps(
            {"level": level, "degradation": deg.__dict__, "dpi": dpi, **meta, "stories": gt}, ensure_ascii=False, indent=1) + "\n")
    dpi = json.loads((folder / f"{name}.gt.json").read_text(encoding="utf-8"))["dpi"]
    for psm in psms:
        sub = folder / f"psm{psm}"
        if (sub / f"{name}.hocr").is_file():
            continue
        sub.mkdir(exist_ok=True)
        for suffix in (".gt.json", ".gt.txt"):
            shutil.copyfile(folder / f"{name}{suffix}", sub / f"{name}{suffix}")
        tesseract_page(folder / f"{name}.png", sub / name, dpi, psm, "chi_tra_vert" if traditional else "chi_sim_vert")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vertical", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--psm", type=int, nargs="+", default=[3, 5], help="Tesseract page segmentation modes (default: 3 5)")
    parser.add_argument("--script", choices=["simplified", "traditional"], default="simplified")
    parser.add_argument("--out", type=Path, default=None, help="output root (default: build/bench/vertical)")
    args = parser.parse_args(argv)
    os.nice(5)
    settings = load_settings()
    out = args.out or settings.build_dir / "bench" / "vertical"
    for index in tqdm(range(args.first, args.first + args.pages), desc=f"pages {args.split}", file=sys.stderr):
        make_page(args.split, index, out, settings.data_dir, args.psm, args.script == "traditional")
    print(f"{args.pages} pages in {out / args.split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
