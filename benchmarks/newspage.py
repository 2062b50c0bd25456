"""Whole newspaper pages with several stories, OCR'd as one page (Tesseract ``--psm 3``).

A page is a lead story across the top and, below it, two or three side-by-side groups of
stories (a group holds one story or two stacked ones). Each story has its own column count and
width, so gutters and column widths vary within a page; gaps between stories are wider than the
gutters inside a story and may carry a thin rule. A headline spans its story's columns (centred
or flush left) or, on some stories, takes the first column only, with the body beside it.
Fonts, sizes, leading, rules and the scan degradation are drawn per page from its seed.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --split tune --pages 6
    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --split eval --pages 10

Writes ``<out>/<split>/<name>.{png,gt.json,gt.txt,hocr,xml,txt}`` (default ``build/bench/stories``):
``gt.json`` lists each story's headline and paragraphs in reading order, ``gt.txt`` the same as
text (headline, one paragraph per line, two blank lines between stories); ``.hocr``, ``.xml``
(ALTO) and ``.txt`` are Tesseract's own output of the whole degraded page. The ``tune`` split
draws its stories from the training corpora, ``eval`` from the held-out files only.

The ``dev`` (training corpora) and ``fresh`` (held-out files) splits draw each page from the
varied plans of :mod:`benchmarks.newspage_varied` instead (L-shaped stories, a story under two
others, a strip of briefs; kickers, sub-headlines, bylines, photos, frames, column rules; more
sizes and faces), skew half the scans (up to 0.8 degrees) and spread the ink of a third; their
``gt.json`` stories also carry the ``kicker``, ``subtitle`` and ``byline`` they print.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --split dev --pages 30 --out DIR

``--family grid`` draws the pages of a split (its sources, a seed of its own) from a plainer
family, closer to an ordinary broadsheet page: a 6–8 column grid, 3–5 stories, each 1–4 grid
columns wide with as many body columns; a top band holds the lead (3–4 columns) beside one
story or two stacked ones, and on most pages a band below it holds groups of 1–4 columns of
one or two stacked stories; headlines span their story or (on 30 % of the stories of 2+
columns) only its first column with the body beside it; 0–2 px rules between stories;
paragraphs of one to three sentences (7 a story on average); body in Noto Serif/Sans CJK or
AR PL UMing, headlines in bold sans or serif; every other page the single-story l1 scan
degradation, the rest a clean scan, at a finer resolution than the other splits (body type
21–22 px: at 14–15 px Tesseract reads the rows of most such pages across the columns).

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --family grid --split dev --pages 10 --out DIR

``--rotate DEG`` scans every page turned by DEG degrees (an archive page fed by hand or read from
microfilm), clockwise or anticlockwise as drawn from the page's seed, in place of the split's own
skew; the page is first set on a white border wide enough that the turn crops none of its print
(``gt.json`` records it as ``pad``, its boxes moved by it). Without it the pages are as before.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --split dev --first 900 --pages 8 --rotate 1.5 --out DIR

``--furniture`` adds what every real page scan carries besides its stories
(:mod:`benchmarks.newspage_furniture`): a folio band across the top (date, weekday, paper name,
section, page number; over a rule on most pages) and an editor line at the foot (``本版责编：…``),
drawn from a generator of their own, so the page's stories, type and scan are those of the same
page without them. ``gt.json`` lists them under ``furniture`` (text of no story); ``gt.txt`` has
the folio first and the editor line last, each set apart as a story is. Some stories then also
open with ``（上接第一版）`` or close with ``（下转第四版）`` (a jump line, drawn from a generator of
its own; recorded in its story, inside the paragraph it opens or closes or as a paragraph of its own,
as printed). Without it the pages are as before.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.newspage --split dev --first 2400 --pages 20 --furniture --out DIR
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw
from tqdm import tqdm

from benchmarks.corpus import SOURCES, Article, load_lines, pick_article
from benchmarks.degrade import Degradation, degrade
from benchmarks.generate import _draw, load_config
from benchmarks.newspage_furniture import Furniture, Jumps, furnish
from benchmarks.newspage_varied import _SENTENCE, PagePlanner, SetStory, Style, StorySetter
from benchmarks.ocr import tesseract_model_options
from benchmarks.tessdata import MODELS
from benchmarks.typeset import _draw_line, break_lines, font
from ocrfix.errors import ToolMissingError
from ocrfix.settings import load_settings
from ocrfix.textio import write_text_atomic

SPLITS = {
    # seeds of the two splits never overlap; eval uses other fonts' mix and wider grids as well
    "tune": {"seed": 810000, "sources": "train", "faces": ["song", "hei"], "columns": [5, 7], "levels": ["l1", "l2"]},
    "eval": {"seed": 910000, "sources": "eval", "faces": ["song", "hei", "uming"], "columns": [6, 8], "levels": ["l1", "l2"]},
    # varied page plans, head groups, furniture and type (benchmarks.newspage_varied), skewed and
    # inked scans: `dev` (training corpora) to develop on, `fresh` (held-out files) to score only
    "dev": {"seed": 1010000, "sources": "train", "faces": ["song", "hei", "uming"], "columns": [5, 8], "levels": ["l1", "l2"],
            "variety": True},
    "fresh": {"seed": 1110000, "sources": "eval", "faces": ["song", "hei", "uming"], "columns": [5, 8], "levels": ["l1", "l2"],
              "variety": True},
}


GRID_SEED = 50000  # a ``grid`` page's seed: its split's seed + GRID_SEED + index (no other split's)


@dataclass(frozen=True)
class Region:
    x0: float
    y0: float
    x1: float
    y1: float  # the most the story may use; it ends where its text ends


@dataclass(frozen=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]
    box: tuple[int, int, int, int]


def _wrap_headline(text: str, per_line: int) -> list[str]:
    return [text[i:i + per_line] for i in range(0, len(text), per_line)]


def set_story(draw: ImageDraw.ImageDraw, article: Article, region: Region, rng: random.Random, size: int,
              face: str, leading: float, gutter: float, columns: int = 0, head_face: str = "hei_bold",
              one_column_from: int = 3, jumps: Jumps | None = None) -> Story:
    """Typeset ``article`` into ``region``: headline, then balanced columns of whole paragraphs
    (``columns`` of them, or as many as the width holds when 0). Stories of ``one_column_from``
    columns or more take a one-column headline on 30 % of the draws. ``jumps``: the story's jump
    lines are drawn from it (``--furniture`` pages)."""
    body = font(face, size)
    width = region.x1 - region.x0
    n = columns or max(1, min(4, int((width + gutter) // (size * rng.uniform(10.5, 13.5) + gutter))))
    cell = size * (1 + rng.uniform(0.0, 0.06))
    col_w = (width - (n - 1) * gutter) / n
    cells = int(col_w // cell)
    pitch = size * leading
    one_column = n >= one_column_from and rng.random() < 0.3
    head_size = int(size * rng.uniform(1.5, 1.8 if one_column else 2.2))
    span = col_w if one_column else width
    while head_size > 1.3 * size and head_size * len(article.headline) > span and not one_column:
        head_size -= 2
    per_line = max(1, int(span // head_size))
    head_lines = _wrap_headline(article.headline, per_line)[:3]
    headline = "".join(head_lines)
    head_font = font(head_face, head_size)
    y = region.y0
    for line in head_lines:
        text_w = head_size * len(line)
        x = region.x0 if one_column or rng.random() < 0.4 else region.x0 + (span - text_w) / 2
        draw.text((x, y), line, font=head_font, fill=0)
        y += head_size * 1.35
    head_bottom = y + size * 0.6
    rows_max = int((region.y1 - region.y0 - (0 if one_column else head_bottom - region.y0)) // pitch)
    first_rows = rows_max - (int((head_bottom - region.y0) // pitch) + 1 if one_column else 0)
    placed: list[str] = []
    lines: list[str] = []
    jump = jumps.next() if jumps else None
    for paragraph in jumps.opened(article.paragraphs, jump) if jump else article.paragraphs:
        new = break_lines(paragraph, cell, cells, body)
        capacity = (first_rows + (n - 1) * rows_max) if one_column else n * rows_max
        if len(lines) + len(new) > capacity - bool(jump and jump.closes):
            break
        placed.append(paragraph)
        lines.extend(new)
    if jump:
        placed, lines = jumps.closed(placed, lines, jump, cells, lambda p: break_lines(p, cell, cells, body))
    if one_column:  # fill the first column under the headline, then the others from the top
        chunks, rest = [lines[:first_rows]], lines[first_rows:]
        rows = -(-len(rest) // (n - 1)) if rest else 0
        chunks += [rest[k * rows:(k + 1) * rows] for k in range(n - 1)]
        tops = [head_bottom] + [region.y0] * (n - 1)
    else:
        rows = -(-len(lines) // n)
        chunks = [lines[k * rows:(k + 1) * rows] for k in range(n)]
        tops = [head_bottom] * n
    bottom = head_bottom
    for k, (chunk, top) in enumerate(zip(chunks, tops)):
        x = region.x0 + k * (col_w + gutter)
        for r, line in enumerate(chunk):
            _draw_line(draw, x, top + r * pitch, line, cell, body)
        bottom = max(bottom, top + len(chunk) * pitch)
    return Story(headline, tuple(placed), (round(region.x0), round(region.y0), round(region.x1), round(bottom)))


def _layout(rng: random.Random, columns: int) -> list[list[int]]:
    """Column spans of the groups below the lead story: two or three groups of 2+ columns."""
    parts = rng.choice([2, 2, 3]) if columns >= 6 else 2
    options = [c for c in _compositions(columns, parts) if min(c) >= 2]
    widths = rng.choice(options)
    bounds = [sum(widths[:i]) for i in range(parts + 1)]
    return [[bounds[i], bounds[i + 1]] for i in range(parts)]


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(1, total) for rest in _compositions(total - first, parts - 1)]


def render_varied(split: str, index: int, data_dir: Path, jumps: bool = False) -> tuple[Image.Image, list[SetStory], dict]:
    """A page of a ``variety`` split (see :mod:`benchmarks.newspage_varied`); ``jumps``: with jump lines."""
    sp = SPLITS[split]
    seed = sp["seed"] + index
    rng = random.Random(seed)
    face = rng.choice(sp["faces"])
    size = rng.choice([34, 36, 40, 44, 46])
    gutter = size * rng.uniform(1.0, 2.0)
    style = Style(face=face, size=size, leading=rng.uniform(1.3, 1.8), gutter=gutter,
                  story_gap=gutter + size * rng.uniform(0.5, 1.6), head_face=rng.choice(["hei_bold", "hei_bold", "song_bold", face]),
                  rule_width=rng.choice([0, 1, 2, 2, 3]), column_rules=rng.random() < 0.25)
    columns = rng.randint(*sp["columns"])
    grid = size * rng.uniform(10.0, 13.5)
    margin = 70
    width = int(2 * margin + columns * grid)
    pitch = size * style.leading
    height = int(2 * margin + rng.randint(44, 60) * pitch + 6 * size)
    image = Image.new("L", (width, height), 255)
    lines = load_lines(data_dir / rng.choice(SOURCES[sp["sources"]]))
    slot = [index * 64]

    def article() -> Article:
        slot[0] += 1
        return pick_article(lines, "news", rng.choice([250, 400, 700]), slot[0], sp["seed"])

    setter = StorySetter(image, style, rng, lambda: article().headline, Jumps(seed) if jumps else None)
    planner = PagePlanner(setter, article, grid, margin)
    planner.page(columns, margin, height - margin, pitch)
    meta = {"seed": seed, "face": face, "size": size, "leading": round(style.leading, 3), "columns": columns,
            "head_face": style.head_face, "rule_width": style.rule_width, "column_rules": style.column_rules,
            "gutter": round(gutter / size, 2), "story_gap": round(style.story_gap / size, 2)}
    return image, [s for s in planner.stories if s.paragraphs], meta


def _spans(rng: random.Random, c0: int, c1: int, most: int) -> list[tuple[int, int]]:
    """Grid columns ``c0..c1`` cut into side-by-side groups of 1–4 columns, ``most`` groups at most."""
    options = [c for parts in range(1, most + 1) for c in _compositions(c1 - c0, parts) if max(c) <= 4]
    widths = rng.choice(options)
    bounds = [c0 + sum(widths[:i]) for i in range(len(widths) + 1)]
    return list(zip(bounds, bounds[1:]))


def grid_plan(rng: random.Random, columns: int) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The groups of a ``grid`` page as (first grid column, end column, stories stacked): the top
    band (the lead over 3–4 columns, on the left or the right, beside a group of the rest) and the
    band below it (groups of 1–4 columns; none when the top band runs down the page). 3–5
    stories in all, each story 1–4 grid columns wide."""
    has_below, lead_left = rng.random() >= 0.15, rng.random() >= 0.25
    while True:
        lead, stack = rng.randint(max(3, columns - 4), 4), rng.choice([1, 1, 2])
        top = [(0, lead, 1), (lead, columns, stack)] if lead_left else [(0, columns - lead, stack), (columns - lead, columns, 1)]
        below = [(a, b, rng.choice([1, 1, 2])) for a, b in _spans(rng, 0, columns, 4)] if has_below else []
        if len(below) != 1 and 3 <= sum(k for *_, k in top + below) <= 5:
            return top, below


def render_grid(split: str, index: int, data_dir: Path, jumps: bool = False) -> tuple[Image.Image, list[Story], dict]:
    """A page of the ``grid`` family (see the module docstring); ``jumps``: with jump lines."""
    sp = SPLITS[split]
    seed = sp["seed"] + GRID_SEED + index
    rng = random.Random(seed)
    face = rng.choice(sp["faces"])
    head_face = rng.choice(["hei_bold", "hei_bold", "song_bold"])
    size = rng.choice([36, 40, 44])
    leading = rng.uniform(1.45, 1.75)
    columns = rng.randint(6, 8)
    grid = size * rng.uniform(11.0, 13.0)
    gutter = size * rng.uniform(1.5, 2.0)
    story_gap = gutter + size * rng.uniform(0.8, 1.6)
    rule_width = rng.choice([0, 1, 1, 2])
    margin = 70
    pitch = size * leading
    width = int(2 * margin + columns * grid)
    height = int(2 * margin + rng.randint(50, 62) * pitch + 6 * size)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    lines = load_lines(data_dir / rng.choice(SOURCES[sp["sources"]]))
    slot = [index * 16]
    drawn = Jumps(seed) if jumps else None

    def rule(x0: float, y0: float, x1: float, y1: float) -> None:
        if rule_width:
            draw.line([(round(x0), round(y0)), (round(x1), round(y1))], fill=0, width=rule_width)

    def x(column: int, left: bool) -> float:
        inner = 0 < column < columns
        return margin + column * grid + (story_gap / 2 if inner else 0) * (1 if left else -1)

    def group(c0: int, c1: int, count: int, y0: float, y1: float) -> float:
        """``count`` stories stacked over grid columns ``c0..c1``; returns the lowest foot."""
        y, bottom = y0, y0
        for k in range(count):
            end = y1 if k == count - 1 else y + (y1 - y) * rng.uniform(0.4, 0.6)
            slot[0] += 1
            article = pick_article(lines, "news", 700, slot[0], sp["seed"] + GRID_SEED)
            sentences = _SENTENCE.findall("".join(article.paragraphs))
            cuts = [0]
            while cuts[-1] < len(sentences):  # paragraphs of 1–3 sentences, as the pages print them
                cuts.append(cuts[-1] + rng.randint(1, 3))
            article = replace(article, paragraphs=tuple("".join(sentences[a:b]) for a, b in zip(cuts, cuts[1:])))
            story = set_story(draw, article, Region(x(c0, True), y, x(c1, False), end), rng, size, face, leading, gutter,
                              columns=c1 - c0, head_face=head_face, one_column_from=2, jumps=drawn)
            stories.append(story)
            bottom = story.box[3]
            if k < count - 1:
                rule(x(c0, True), bottom + story_gap / 2, x(c1, False), bottom + story_gap / 2)
            y = bottom + story_gap
        return bottom

    def band(groups: list[tuple[int, int, int]], y0: float, y1: float) -> float:
        feet = []
        for c0, c1, count in groups:
            if c0:
                rule(margin + c0 * grid, y0, margin + c0 * grid, y1)
            feet.append(group(c0, c1, count, y0, y1))
        return max(feet)

    stories: list[Story] = []
    top, below = grid_plan(rng, columns)
    foot = height - margin
    top_foot = foot if not below else margin + pitch * rng.randint(18, 30) + 3 * size
    y = band(top, margin, top_foot) + story_gap
    if below:
        rule(margin, y - story_gap / 2, width - margin, y - story_gap / 2)
        band(below, y, foot)
    meta = {"seed": seed, "family": "grid", "face": face, "head_face": head_face, "size": size, "leading": round(leading, 3),
            "columns": columns, "groups": [list(g) for g in top + below], "rule_width": rule_width,
            "gutter": round(gutter / size, 2), "story_gap": round(story_gap / size, 2)}
    return image, [s for s in stories if s.paragraphs], meta


def render_page(split: str, index: int, data_dir: Path, family: str = "", jumps: bool = False) -> tuple[Image.Image, list[Story], dict]:
    """The clean page image, its stories in reading order, and the page's settings; ``jumps``: some
    stories of a varied or grid page open or close with a jump line
    (:class:`benchmarks.newspage_furniture.Jumps`)."""
    sp = SPLITS[split]
    if family == "grid":
        return render_grid(split, index, data_dir, jumps)
    if sp.get("variety"):
        return render_varied(split, index, data_dir, jumps)
    seed = sp["seed"] + index
    rng = random.Random(seed)
    face = rng.choice(sp["faces"])
    size = rng.choice([36, 40, 44])
    leading = rng.uniform(1.4, 1.7)
    columns = rng.randint(*sp["columns"])
    grid = size * rng.uniform(11.0, 13.0)  # width of one page-grid column
    gutter = size * rng.uniform(1.4, 2.0)
    story_gap = size * rng.uniform(2.4, 3.2)
    rules = rng.random() < 0.6
    margin = 70
    width = int(2 * margin + columns * grid)
    rows = rng.randint(44, 56)
    height = int(2 * margin + rows * size * leading + 6 * size)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    lines = load_lines(data_dir / rng.choice(SOURCES[sp["sources"]]))
    slot = [index * 16]

    def article() -> Article:
        slot[0] += 1
        return pick_article(lines, "news", 250, slot[0], sp["seed"])

    def place(region: Region) -> Story:
        return set_story(draw, article(), region, rng, size, face, leading, gutter)

    def rule(x0: float, y0: float, x1: float, y1: float) -> None:
        if rules:
            draw.line([(round(x0), round(y0)), (round(x1), round(y1))], fill=0, width=2)

    stories = []
    lead_h = size * leading * rng.randint(11, 16) + 3 * size
    lead = place(Region(margin, margin, width - margin, margin + lead_h))
    stories.append(lead)
    top = lead.box[3] + story_gap
    rule(margin, top - story_gap / 2, width - margin, top - story_gap / 2)
    groups = _layout(rng, columns)
    for g, (c0, c1) in enumerate(groups):
        x0 = margin + c0 * grid + (story_gap / 2 if g else 0)
        x1 = margin + c1 * grid - (story_gap / 2 if g + 1 < len(groups) else 0)
        if g:
            rule(x0 - story_gap / 2, top, x0 - story_gap / 2, height - margin)
        bottom = height - margin
        if rng.random() < 0.5:  # two stacked stories
            upper = place(Region(x0, top, x1, top + (bottom - top) * rng.uniform(0.4, 0.6)))
            below = upper.box[3] + story_gap
            rule(x0, below - story_gap / 2, x1, below - story_gap / 2)
            stories += [upper, place(Region(x0, below, x1, bottom))]
        else:
            stories.append(place(Region(x0, top, x1, bottom)))
    meta = {"seed": seed, "face": face, "size": size, "leading": round(leading, 3), "columns": columns,
            "groups": groups, "rules": rules, "gutter": round(gutter / size, 2), "story_gap": round(story_gap / size, 2)}
    return image, [s for s in stories if s.paragraphs], meta


def degradation(split: str, index: int, size: int, family: str = "") -> tuple[Degradation, str]:
    """A scan degradation of one of the split's levels, drawn as the single-story generator does
    (``grid`` pages: level l1 or a clean scan at l1's type size, alternately)."""
    config = load_config()
    grid = family == "grid"
    rng = random.Random(SPLITS[split]["seed"] * 3 + (GRID_SEED if grid else 0) + index)
    levels = ["l1", "clean"] if grid else SPLITS[split]["levels"]
    level = levels[index % len(levels)]
    lv = config["levels"]["l1" if level == "clean" else level]
    recipe = {k: _draw(rng, v) for k, v in rng.choice(lv["recipes"]).items()} if level != "clean" else {}
    # whole-page layout analysis needs larger type; grid pages are scanned finer still (Tesseract
    # finds their columns at 21–22 px, at 14–15 px it reads most pages' rows across the columns)
    px = _draw(rng, lv["px"]) + recipe.pop("px_add", 0.0) + (8.0 if grid else 1.5)
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in recipe.items()}
    if SPLITS[split].get("variety") and not grid:  # a skewed scan, ink spread or worn
        rounded["rotate"] = round(rng.uniform(-0.8, 0.8), 2) if rng.random() < 0.5 else 0.0
        rounded["ink"] = rng.choice([0, 0, 1])
    return Degradation(scale=round(px / size, 4), **rounded), level


#: hOCR, ALTO and text in one run: the settings of Tesseract's ``hocr``, ``alto`` and ``txt`` configs,
#: given as parameters (a model read from another ``--tessdata-dir`` has no ``configs/`` beside it)
RENDERERS = ("-c", "tessedit_create_hocr=1", "-c", "hocr_font_info=0", "-c", "tessedit_create_alto=1",
             "-c", "tessedit_create_txt=1")


def tesseract_page(image_path: Path, base: Path, dpi: int, model: str | None = None) -> None:
    """Tesseract on the whole page, as users run it: ``--psm 3``, hOCR + ALTO + text in one run;
    ``model``: one of :data:`benchmarks.tessdata.MODELS` instead of the system's ``chi_sim``."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ToolMissingError("tesseract not found")
    subprocess.run([exe, str(image_path), str(base), *tesseract_model_options(model), "-l", "chi_sim", "--psm", "3",
                    "--dpi", str(dpi), *RENDERERS], check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def head_lines(story: dict) -> list[str]:
    """The story's head group as printed: kicker, headline, sub-headline, byline (those it has)."""
    return [t for t in (story.get("kicker"), story["headline"], story.get("subtitle"), story.get("byline")) if t]


def gt_text(stories: list[dict], furniture: list[dict] = ()) -> str:
    """Head group and one paragraph per line; two blank lines between stories (story structure
    for ``ocrfix eval``'s story scores); ``furniture`` (``gt.json``'s): the folio first and the
    editor line last, each set apart as the stories are."""
    blocks = ["\n".join([*head_lines(s), *s["paragraphs"]]) for s in stories]
    first = [f["text"] for f in furniture if f["kind"] == "folio"]
    last = [f["text"] for f in furniture if f["kind"] != "folio"]
    return "\n\n\n".join([*first, *blocks, *last]) + "\n"


def turned(clean: Image.Image, deg: Degradation, seed: int, angle: float) -> tuple[Image.Image, Degradation, int]:
    """The clean page set on a white border that a turn by ``angle`` degrees crops nothing of, the
    degradation turning it by ``angle`` one way or the other (drawn from ``seed``), and the border's width
    at render resolution."""
    sign = random.Random(f"turn {seed}").choice((-1.0, 1.0))
    half = max(clean.size) / 2
    pad = math.ceil(half * (math.sqrt(2) * math.sin(math.radians(abs(angle)))) + 2)
    page = Image.new("L", (clean.width + 2 * pad, clean.height + 2 * pad), 255)
    page.paste(clean.convert("L"), (pad, pad))
    return page, replace(deg, rotate=sign * angle), pad


def make_page(split: str, index: int, out: Path, data_dir: Path, family: str = "", model: str | None = None,
              rotate: float | None = None, furniture: bool = False) -> Path:
    """One page's image, ground truth and Tesseract output under ``out/split``; ``rotate``: the page
    turned by that many degrees (:func:`turned`) in place of the split's own skew; ``furniture``: with
    a folio band and an editor line (:mod:`benchmarks.newspage_furniture`)."""
    name = f"{split}-{index:03d}"
    folder = out / split
    if (folder / f"{name}.hocr").is_file():
        return folder / name
    clean, stories, meta = render_page(split, index, data_dir, family, furniture)
    deg, level = degradation(split, index, meta["size"], family)
    pad = top = 0
    lines: list[Furniture] = []
    if furniture:
        clean, top, lines = furnish(clean, meta["seed"], meta["size"], meta["face"])
    if rotate is not None:
        clean, deg, pad = turned(clean, deg, meta["seed"], rotate)
        meta["pad"] = pad
    image = degrade(clean, deg, meta["seed"])
    folder.mkdir(parents=True, exist_ok=True)
    dpi = max(70, round(300 * deg.scale))
    image.save(folder / f"{name}.png", dpi=(dpi, dpi))
    s = deg.scale
    moved = (0, top, 0, top)
    gt = [{"headline": st.headline, "paragraphs": list(st.paragraphs), "bbox": [round((v + d + pad) * s) for v, d in zip(st.box, moved)],
           **{k: getattr(st, k) for k in ("kicker", "subtitle", "byline") if getattr(st, k, "")}} for st in stories]
    extra = {"furniture": [{"kind": f.kind, "text": f.text, "bbox": [round((v + pad) * s) for v in f.box]} for f in lines]} if furniture else {}
    write_text_atomic(str(folder / f"{name}.gt.json"),
                      json.dumps({"level": level, "degradation": deg.__dict__, **meta, "stories": gt, **extra}, ensure_ascii=False, indent=1) + "\n")
    write_text_atomic(str(folder / f"{name}.gt.txt"), gt_text(gt, extra.get("furniture", [])))
    tesseract_page(folder / f"{name}.png", folder / name, dpi, model)
    return folder / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.newspage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="tune")
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="output root (default: build/bench/stories)")
    parser.add_argument("--family", choices=["grid"], default="", help="the grid page family (module docstring), "
                        "with the split's sources and a seed of its own")
    parser.add_argument("--tesseract-model", choices=sorted(MODELS), default=None,
                        help="read the pages with this chi_sim model (python -m benchmarks.tessdata) instead of the system's")
    parser.add_argument("--rotate", type=float, default=None, metavar="DEG",
                        help="every page scanned turned by DEG degrees, its sign drawn per page (module docstring)")
    parser.add_argument("--furniture", action="store_true", help="a folio band over each page and an editor line under it (module docstring)")
    args = parser.parse_args(argv)
    os.nice(5)
    settings = load_settings()
    out = args.out or settings.build_dir / "bench" / "stories"
    for index in tqdm(range(args.first, args.first + args.pages), desc=f"pages {args.split}", file=sys.stderr):
        make_page(args.split, index, out, settings.data_dir, args.family, args.tesseract_model, args.rotate, args.furniture)
    print(f"{args.pages} pages in {out / args.split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
