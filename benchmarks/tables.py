"""Tables of figures: pages that print one, read by real engines, and how many of its rows come out whole.

``make`` sets 48 pages from development text (the ``train`` pages' ground truth): 30 tables of 3–5
columns (regions and figures, or team results), 5–10 rows, columns 1–3 em apart (``t00``–``t29``), and
18 of two (a name and a figure: market prices, league points, regions' growth), 5–12 rows, columns
1–4 em apart (``t30``–``t47``); figures set flush right, with and without rules; alone, under a
paragraph of text and beside a column of it. Each page is rendered in the Song face at 300 dpi and
read by Tesseract ``chi_sim`` at ``--psm 3`` and ``--psm 6`` (hOCR, ALTO, TSV, text) and by RapidOCR
(JSON, and its lines as text). The ground truth is the
page's text, a table one row a line, its cells a space apart.

``score`` reflows each file given (``ocrfix.formats.reflow_document``) and counts, per kind of file,
the ground truth's table rows whose cells stand one after another on one output line, the
neighbouring cells that follow each other, and the numbers that come out whole.

    python -m benchmarks.tables make --out DIR
    python -m benchmarks.tables score DIR/*.psm3.hocr DIR/*.json
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from PIL import Image, ImageDraw

from benchmarks.ocr import rapidocr_result
from benchmarks.typeset import font
from ocrfix.errors import InputError
from ocrfix.formats import read_document, reflow_document
from ocrfix.settings import PROJECT_ROOT

SIZE = 36  # px: the type size at 300 dpi
SEED = 2312
REGIONS = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
           "山东", "河南", "湖北", "湖南"]
TEAMS = ["北京队", "上海队", "广东队", "辽宁队", "山东队", "浙江队", "江苏队", "四川队", "新疆队", "福建队", "天津队", "深圳队"]
GOODS = ["大白菜", "土豆", "西红柿", "黄瓜", "茄子", "芹菜", "菠菜", "胡萝卜", "青椒", "冬瓜", "苹果", "香蕉", "鸡蛋", "猪肉",
         "牛肉", "带鱼"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class Spec(NamedTuple):
    """One page: where the table stands (``alone``, ``under`` a paragraph, ``beside`` a column of text),
    its content (``regions`` or ``teams``), columns, rows, gap between columns (px) and rules."""

    layout: str
    kind: str
    columns: int
    rows: int
    gap: int
    ruled: bool

    @property
    def name(self) -> str:
        return f"{self.layout}-{self.kind}{self.columns}{'-ruled' if self.ruled else ''}"


def specs(rng: random.Random) -> Iterator[Spec]:
    """The 48 pages: every layout x content and column count x with and without rules, first the 30
    of 3–5 columns (gaps of 1–3 em), then 18 of two (a name and a figure, gaps of 1–4 em); each
    page's row count drawn as it comes, before its table's content."""
    kinds = [("regions", 3), ("regions", 4), ("regions", 5), ("teams", 4), ("teams", 5)]
    combos = [(layout, kind, columns, ruled) for layout in ("alone", "under", "beside") for kind, columns in kinds
              for ruled in (False, True)]
    for k, (layout, kind, columns, ruled) in enumerate(combos):
        yield Spec(layout, kind, columns, rng.randint(5, 10), (1 + k % 3) * SIZE, ruled)
    pairs = [(layout, kind, ruled) for layout in ("alone", "under", "beside") for kind in ("prices", "points", "growth")
             for ruled in (False, True)]
    for k, (layout, kind, ruled) in enumerate(pairs):
        yield Spec(layout, kind, 2, rng.randint(5, 12), (1 + k % 4) * SIZE, ruled)


def table(spec: Spec, rng: random.Random) -> list[list[str]]:
    """The table's head row and rows of cells."""
    if spec.kind == "regions":
        head = ["地区", "生产总值", "增长", "人口", "收入"][:spec.columns]
        rows = [[name] + [f"{rng.uniform(1000, 99999):.1f}", f"{rng.uniform(-2, 9):.1f}", f"{rng.randint(300, 9999)}",
                          f"{rng.randint(20000, 90000)}"][:spec.columns - 1] for name in rng.sample(REGIONS, spec.rows)]
    elif spec.kind == "teams":
        head = ["名次", "球队", "场次", "胜", "积分"][:spec.columns]
        rows = [[str(i + 1), team] + [str(rng.randint(20, 40)), str(rng.randint(5, 30)), str(rng.randint(10, 90))][:spec.columns - 2]
                for i, team in enumerate(rng.sample(TEAMS, spec.rows))]
    else:  # two columns: a market's prices, a league's points, regions' growth
        names, figure, head = {"prices": (GOODS, lambda: f"{rng.uniform(0.5, 40):.2f}", ["品种", "价格"]),
                               "points": (TEAMS, lambda: str(rng.randint(10, 90)), ["球队", "积分"]),
                               "growth": (REGIONS, lambda: f"{rng.uniform(-2, 9):.1f}", ["地区", "增长"])}[spec.kind]
        rows = [[name, figure()] for name in rng.sample(names, spec.rows)]
    return [head] + rows


def draw_table(draw: ImageDraw.ImageDraw, rows: list[list[str]], x: int, y: int, spec: Spec) -> tuple[float, int]:
    """Set ``rows`` at (x, y), figures flush right in their column; the table's right edge and bottom."""
    face = font("song", SIZE)
    widths = [max(face.getlength(row[c]) for row in rows) for c in range(len(rows[0]))]
    lefts = [float(x)]
    for width in widths[:-1]:
        lefts.append(lefts[-1] + width + spec.gap)
    pitch, right = int(SIZE * 1.8), lefts[-1] + widths[-1]
    for i, row in enumerate(rows):
        for c, cell in enumerate(row):
            flush = widths[c] - face.getlength(cell) if c and any(ch.isdigit() for ch in cell) else 0
            draw.text((lefts[c] + flush, y + i * pitch), cell, font=face, fill=0)
        if spec.ruled and i in (0, len(rows) - 1):
            draw.line((x - 10, y + i * pitch + SIZE + 12, right + 10, y + i * pitch + SIZE + 12), fill=0, width=3)
    if spec.ruled:
        draw.line((x - 10, y - 12, right + 10, y - 12), fill=0, width=3)
    return right, y + len(rows) * pitch


def render(spec: Spec, rows: list[list[str]], paragraphs: list[str], rng: random.Random) -> tuple[Image.Image, list[str]]:
    """The page of table ``rows`` and its ground-truth lines (a paragraph a line, a table row a line)."""
    face, line_pitch = font("song", SIZE), int(SIZE * 1.6)
    image = Image.new("L", (2000, 2000), 255)
    draw = ImageDraw.Draw(image)
    gt: list[str] = []
    x, y, text_bottom = 60, 60, 0
    if spec.layout == "under":  # a paragraph of 24-character lines, its first indented 2 em, the table under it
        text = (rng.choice(paragraphs) * 3)[:24 * 5]
        lines = [text[k:k + 24] for k in range(0, len(text), 24)]
        for i, line in enumerate(lines):
            draw.text((60 + (2 * SIZE if i == 0 else 0), y + i * line_pitch), line if i else line[:22], font=face, fill=0)
        gt.append(text[:22] + "".join(lines[1:]))
        y += len(lines) * line_pitch + 2 * SIZE
    elif spec.layout == "beside":  # a column of text 14 characters wide at the left, the table 3 em to its right
        text = (rng.choice(paragraphs) * 3)[:14 * 16]
        for i in range(16):
            draw.text((60, y + i * line_pitch), text[14 * i:14 * (i + 1)], font=face, fill=0)
        gt.append(text)
        x, text_bottom = 60 + 17 * SIZE, y + 16 * line_pitch
    right, bottom = draw_table(draw, rows, x, y, spec)
    gt += [" ".join(row) for row in rows]
    return image.crop((0, 0, max(right, 60 + 24 * SIZE) + 60, max(bottom, text_bottom) + 60)), gt


def read_page(image_path: Path, base: Path) -> None:
    """Tesseract at --psm 3 and 6 (hOCR, ALTO, TSV, text: BASE.psmN.*) and RapidOCR (BASE.json, BASE.rapid.txt)."""
    for psm in ("3", "6"):
        subprocess.run(["tesseract", str(image_path), f"{base}.psm{psm}", "-l", "chi_sim", "--psm", psm, "--dpi", "300",
                        "-c", "tessedit_create_hocr=1", "-c", "hocr_font_info=0", "-c", "tessedit_create_tsv=1",
                        "-c", "tessedit_create_txt=1", "-c", "tessedit_create_alto=1"], check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    result = rapidocr_result(Image.open(image_path))
    Path(f"{base}.json").write_text(json.dumps({"input_path": image_path.name, **result}, ensure_ascii=False), encoding="utf-8")
    Path(f"{base}.rapid.txt").write_text("\n".join(result["rec_texts"]) + "\n", encoding="utf-8")


def make(out: Path, train: Path) -> None:
    """Set, save and read every page of :func:`specs` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    paragraphs = [line for gt in sorted(train.glob("l*/train-*.gt.txt"))[:60]
                  for line in gt.read_text(encoding="utf-8").splitlines()[1:] if len(line.strip()) > 60]
    for k, spec in enumerate(specs(rng)):
        image, gt = render(spec, table(spec, rng), paragraphs, rng)
        base = out / f"t{k:02d}-{spec.name}"
        image.save(base.with_suffix(".png"), dpi=(300, 300))
        Path(f"{base}.gt.txt").write_text("\n".join(gt) + "\n", encoding="utf-8")
        read_page(base.with_suffix(".png"), base)
        print(base.name, flush=True)


def row_counts(gt_rows: Iterable[list[str]], output: str) -> Counter[str]:
    """Of the ground truth's table rows (cells), how many stand whole on one line of ``output``
    (spaces aside), how many neighbouring cells follow each other, and how many numbers come out."""
    lines = ["".join(line.split()) for line in output.splitlines()]
    flat = "".join(output.split())
    counts: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for row in gt_rows:
        counts["rows"] += 1
        counts["rows whole"] += any("".join(row) in line for line in lines)
        for a, b in zip(row, row[1:]):
            counts["cell pairs"] += 1
            counts["cell pairs in order"] += (a + b) in flat
        wanted.update(n for cell in row for n in NUMBER.findall(cell))
    found = Counter(NUMBER.findall(output))
    counts["numbers"] += sum(wanted.values())
    counts["numbers whole"] += sum(min(n, found[x]) for x, n in wanted.items())
    return counts


def score(files: Iterable[Path]) -> dict[str, Counter[str]]:
    """:func:`row_counts` summed per kind of file (what follows the page name: ``psm3.hocr``, ``json``, ...);
    a file the engine read no text into counts as no output (every row lost)."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for path in files:
        name = path.name.split(".")[0]
        gt = (path.parent / f"{name}.gt.txt").read_text(encoding="utf-8")
        rows = [line.split() for line in gt.splitlines() if len(line.split()) > 1]
        try:
            output = reflow_document(read_document(path)).text
        except InputError:
            output = ""
        totals[path.name[len(name) + 1:]].update(row_counts(rows, output))
        totals[path.name[len(name) + 1:]]["files"] += 1
    return dict(totals)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("make", help="set and read the 48 table pages")
    made.add_argument("--out", type=Path, required=True)
    made.add_argument("--train", type=Path, default=PROJECT_ROOT / "build/bench/pages/train",
                      help="the development pages whose ground truth gives the text (default: %(default)s)")
    scored = commands.add_parser("score", help="rows, cell pairs and numbers read whole, per kind of file")
    scored.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "make":
        make(args.out, args.train)
        return
    print("| file | files | rows whole | neighbouring cells in order | numbers whole |\n|---|---:|---|---|---|")
    for kind, c in sorted(score(args.files).items()):
        print(f"| {kind} | {c['files']} | {c['rows whole']} of {c['rows']} | {c['cell pairs in order']} of {c['cell pairs']} "
              f"| {c['numbers whole']} of {c['numbers']} |")


if __name__ == "__main__":
    main()
