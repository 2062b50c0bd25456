"""Varied multi-story page layouts for :mod:`benchmarks.newspage` (splits with ``variety``).

The plain generator sets one plan: a lead story across the top and two or three groups of one
or two stacked stories below it. Pages of the varied splits are drawn from a small grammar of
page plans, so that the layout is measured on shapes it was not written for:

* **page plans** — lead + band of groups; a band of side-by-side stories with a wide story
  spanning under them; lead + band + wide story; a main area beside a one-column strip of
  briefs (several short stacked stories);
* **groups** — one story, two or three stacked stories, or an **L-shaped** pair: one story's
  first or last column runs down the whole group while another story sits under its other
  columns;
* **head groups** — the headline spans all the story's columns (centred or flush left), only
  the first one or first few (the body runs beside it), with a kicker line above it, a
  sub-headline (``——…``) below it, and a byline (``本报记者　…``) opening the first column;
* **furniture** — a frame around a story, a grey photo block over some columns, thin rules
  inside a story's gutters, rules of 1–3 px between stories or none;
* **type** — body in Noto Serif/Sans CJK or AR PL UMing at 34–46 px, 1.3–1.8 leading,
  headlines in bold sans, bold serif or the body face.

Each story's text is whole paragraphs, flowed through its column frames in reading order (each
column top to bottom, columns left to right), so the ground truth is exactly the printed text.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from benchmarks.corpus import Article
from benchmarks.typeset import _draw_line, break_lines, font

if TYPE_CHECKING:
    from benchmarks.newspage_furniture import Jumps

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
_SENTENCE = re.compile(r"[^。！？]*[。！？][”’」』）]?|[^。！？]+$")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏宇晨阳欣雪琳浩然博思"


@dataclass(frozen=True)
class Style:
    """A page's type: body face and size, leading, gutters, headline faces, rules."""

    face: str
    size: int
    leading: float
    gutter: float
    story_gap: float
    head_face: str
    rule_width: int  # 0: no rules between stories
    column_rules: bool  # thin rules in the gutters inside a story


@dataclass(frozen=True)
class Region:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class SetStory:
    """A typeset story: its texts (ground truth) and where its columns ended."""

    headline: str
    paragraphs: tuple[str, ...]
    box: tuple[int, int, int, int]
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    columns: list[tuple[float, float, float]] = field(default_factory=list)  # (x, top, bottom of text)


def byline(rng: random.Random) -> str:
    names = ["".join([rng.choice(SURNAMES), *rng.sample(GIVEN, rng.choice([1, 2]))]) for _ in range(rng.choice([1, 1, 2]))]
    lead = rng.choice(["本报记者", "本报记者", "本报通讯员", "新华社记者", "特约记者"])
    return lead + "\u3000" + "\u3000".join(names)


def _photo(draw: ImageDraw.ImageDraw, image: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """A halftone-like grey photo: smoothed noise, framed."""
    x0, y0, x1, y1 = box
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(150, 60, ((y1 - y0) // 8 + 1, (x1 - x0) // 8 + 1))
    tile = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8), "L").resize((x1 - x0, y1 - y0)).filter(ImageFilter.GaussianBlur(6))
    image.paste(tile, (x0, y0))
    draw.rectangle(box, outline=0, width=2)


class StorySetter:
    """Typesets one story into a region (see module docstring)."""

    def __init__(self, image: Image.Image, style: Style, rng: random.Random, other_headline: Callable[[], str],
                 jumps: Jumps | None = None) -> None:
        """``jumps``: the stories' jump lines (``--furniture`` pages), else none."""
        self.image, self.draw, self.style, self.rng, self.other_headline = image, ImageDraw.Draw(image), style, rng, other_headline
        self.jumps = jumps

    def _head_line(self, ops: list[Callable[[], None]], text: str, face: str, size: int, x0: float, span: float, y: float,
                   centred: bool) -> tuple[float, str]:
        """Set ``text`` in lines of ``span`` (at most three; drawn when ``ops`` run); returns the
        foot and the text set."""
        per = max(1, int(span // size))
        lines = [text[i:i + per] for i in range(0, len(text), per)][:3]
        for line in lines:
            x = x0 + (span - size * len(line)) / 2 if centred else x0
            ops.append(lambda x=x, y=y, line=line: self.draw.text((x, y), line, font=font(face, size), fill=0))
            y += size * 1.3
        return y, "".join(lines)

    def _fit(self, paragraphs: tuple[str, ...], room: int, cell: float, cells: int) -> tuple[list[str], list[str]]:
        """Whole paragraphs while they fit in ``room`` lines, then as many whole sentences of the
        next one as fit (a paragraph cut at a sentence end is still a paragraph)."""
        body = font(self.style.face, self.style.size)
        placed: list[str] = []
        lines: list[str] = []
        for paragraph in paragraphs:
            new = break_lines(paragraph, cell, cells, body)
            if len(lines) + len(new) <= room:
                placed.append(paragraph)
                lines.extend(new)
                continue
            sentences = [m for m in _SENTENCE.findall(paragraph)]
            while sentences:
                sentences.pop()
                part = "".join(sentences)
                new = break_lines(part, cell, cells, body) if part else []
                if part and len(lines) + len(new) <= room:
                    placed.append(part)
                    lines.extend(new)
                    break
            break
        return placed, lines

    def set(self, article: Article, region: Region, long_column: str = "") -> SetStory:
        """``long_column``: "first"/"last" for an L-shaped story (that column runs to the region's
        foot, the others stop at mid-height); the caller sets another story under the short ones.
        Nothing is drawn when no paragraph fits."""
        rng, st = self.rng, self.style
        size, pitch, gutter = st.size, st.size * st.leading, st.gutter
        ops: list[Callable[[], None]] = []
        outer = region
        framed = rng.random() < 0.15 and not long_column
        if framed:
            pad = 0.7 * size
            region = Region(region.x0 + pad, region.y0 + pad, region.x1 - pad, region.y1 - pad)
        width = region.x1 - region.x0
        n = max(1, min(4, int((width + gutter) // (size * rng.uniform(9.5, 14.0) + gutter))))
        if long_column:
            n = max(n, 2)
        cell = size * (1 + rng.uniform(0.0, 0.06))
        cells = max(4, int(((width - (n - 1) * gutter) / n) // cell))
        col_w = cells * cell
        # the head group: kicker, headline, sub-headline over the first head_cols columns
        head_cols = n
        if n >= 3 and rng.random() < 0.3:
            head_cols = 1 if rng.random() < 0.6 else rng.randint(2, n - 1)
        span = head_cols * col_w + (head_cols - 1) * gutter
        centred = rng.random() < 0.6
        y = region.y0
        kicker = subtitle = ""
        if rng.random() < 0.25:
            small = int(size * rng.uniform(1.05, 1.35))
            y, kicker = self._head_line(ops, self.other_headline()[:max(4, int(span // small))], rng.choice([st.face, st.head_face]),
                                        small, region.x0, span, y, centred)
            y += 0.2 * size
        head_size = int(size * rng.uniform(1.5, 1.8 if head_cols < n or n == 1 else 2.3))
        while head_size > 1.4 * size and head_size * len(article.headline) > span and head_cols == n:
            head_size -= 2
        y, headline = self._head_line(ops, article.headline, st.head_face, head_size, region.x0, span, y, centred)
        if rng.random() < 0.3:
            text, small = ("——" if rng.random() < 0.5 else "") + self.other_headline(), int(size * rng.uniform(1.15, 1.45))
            y, subtitle = self._head_line(ops, text[:max(4, 2 * int(span // small))], rng.choice([st.face, "hei"]),
                                          small, region.x0, span, y + 0.2 * size, centred)
        head_bottom = y + size * 0.6
        # column frames: x, top, bottom
        tops = [head_bottom if k < head_cols else region.y0 for k in range(n)]
        xs = [region.x0 + k * (col_w + gutter) for k in range(n)]
        if n >= 2 and rng.random() < 0.2:  # a photo over the last columns, under the head group
            cols = rng.randint(1, n - 1)
            top = max(tops[n - cols:])
            bottom = top + pitch * rng.randint(5, 9)
            photo = (round(xs[n - cols]), round(top), round(xs[-1] + col_w), round(bottom))
            ops.append(lambda: _photo(self.draw, self.image, photo, rng))
            for k in range(n - cols, n):
                tops[k] = bottom + 0.8 * size
        mid = region.y0 + (region.y1 - region.y0) * rng.uniform(0.45, 0.6)
        bottoms = [region.y1] * n
        if long_column:
            bottoms = [region.y1 if (k == 0) == (long_column == "first") else mid for k in range(n)]
        caps = [max(0, int((b - t) // pitch)) for t, b in zip(tops, bottoms)]
        credit = byline(rng) if rng.random() < 0.3 else ""
        credit_face = rng.choice([st.face, "hei"])
        jump = self.jumps.next() if self.jumps else None
        paragraphs = self.jumps.opened(article.paragraphs, jump) if jump else article.paragraphs
        placed, lines = self._fit(paragraphs, sum(caps) - bool(credit) - bool(jump and jump.closes), cell, cells)
        if jump:
            body = font(st.face, size)
            placed, lines = self.jumps.closed(placed, lines, jump, cells, lambda p: break_lines(p, cell, cells, body))
        if not placed:
            return SetStory(headline, (), (round(outer.x0), round(outer.y0), round(outer.x1), round(outer.y0)))
        lines = [credit, *lines] if credit else lines
        total = max(1, sum(caps))
        rows = [min(c, -(-c * len(lines) // total)) for c in caps]  # each column filled in proportion
        columns, start = [], 0
        body = font(st.face, size)
        for k in range(n):
            chunk = lines[start:start + rows[k]]
            for r, line in enumerate(chunk):
                if start + r == 0 and credit:
                    ops.append(lambda x=xs[k], y=tops[k]: self.draw.text((x, y), credit, font=font(credit_face, size), fill=0))
                else:
                    ops.append(lambda x=xs[k], y=tops[k] + r * pitch, line=line: _draw_line(self.draw, x, y, line, cell, body))
            start += len(chunk)
            columns.append((xs[k], tops[k], tops[k] + len(chunk) * pitch))
        if st.column_rules:
            for k in range(1, n):
                if columns[k][2] > columns[k][1]:
                    x, y0, y1 = round(xs[k] - gutter / 2), round(max(tops[k - 1], tops[k])), round(max(columns[k - 1][2], columns[k][2]))
                    ops.append(lambda x=x, y0=y0, y1=y1: self.draw.line([(x, y0), (x, y1)], fill=0, width=1))
        bottom = max([head_bottom, *(c[2] for c in columns)])
        if framed:
            frame = [round(outer.x0), round(outer.y0), round(outer.x1), round(bottom + 0.7 * size)]
            ops.append(lambda: self.draw.rectangle(frame, outline=0, width=2))
            bottom = frame[3]
        for op in ops:
            op()
        box = (round(outer.x0), round(outer.y0), round(outer.x1), round(bottom))
        return SetStory(headline, tuple(placed), box, kicker, subtitle, credit, columns)


def _parts(total: int, parts: int, rng: random.Random, least: int) -> list[int]:
    cuts = sorted(rng.sample(range(least, total - least + 1), parts - 1)) if parts > 1 else []
    widths = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    return widths if min(widths) >= least else [total]


class PagePlanner:
    """Draws a page plan and sets its stories (see module docstring)."""

    def __init__(self, setter: StorySetter, article: Callable[[], Article], grid: float, margin: float) -> None:
        self.setter, self.article, self.grid, self.margin = setter, article, grid, margin
        self.stories: list[SetStory] = []

    @property
    def rng(self) -> random.Random:
        return self.setter.rng

    def _rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        width = self.setter.style.rule_width
        if width:
            self.setter.draw.line([(round(x0), round(y0)), (round(x1), round(y1))], fill=0, width=width)

    def _x(self, column: int, left: bool, first: bool, last: bool) -> float:
        gap = self.setter.style.story_gap / 2
        x = self.margin + column * self.grid
        return x + (gap if left and not first else 0) - (gap if not left and not last else 0)

    def story(self, region: Region, long_column: str = "") -> SetStory:
        story = self.setter.set(self.article(), region, long_column)
        self.stories.append(story)
        return story

    def stack(self, region: Region, count: int) -> float:
        """``count`` stories stacked in ``region``; returns where the last one ends."""
        gap, y, bottom = self.setter.style.story_gap, region.y0, region.y0
        for k in range(count):
            end = region.y1 if k == count - 1 else y + (region.y1 - y) * self.rng.uniform(0.8, 1.2) / (count - k)
            story = self.story(Region(region.x0, y, region.x1, end))
            bottom = max(bottom, story.box[3])
            if k < count - 1 and story.paragraphs:
                self._rule(region.x0, bottom + gap / 2, region.x1, bottom + gap / 2)
            y = bottom + gap
        return bottom

    def l_pair(self, region: Region) -> float:
        """An L-shaped story and the story set under its short columns."""
        side = self.rng.choice(["first", "last"])
        upper = self.story(region, long_column=side)
        cols = upper.columns
        if len(cols) < 2:
            return upper.box[3]
        short = cols[1:] if side == "first" else cols[:-1]
        gap = self.setter.style.story_gap
        below_top = max(c[2] for c in short) + gap
        x0 = short[0][0]
        x1 = short[-1][0] + (cols[1][0] - cols[0][0]) - self.setter.style.gutter
        if below_top >= region.y1 - 6 * self.setter.style.size * self.setter.style.leading:
            return upper.box[3]
        self._rule(x0, below_top - gap / 2, x1, below_top - gap / 2)
        rule_x = (cols[1][0] if side == "first" else cols[-1][0]) - self.setter.style.gutter / 2
        self._rule(rule_x, below_top - gap / 2, rule_x, region.y1)
        lower = self.story(Region(x0, below_top, x1, region.y1))
        return max(upper.box[3], lower.box[3])

    def band(self, c0: int, c1: int, y0: float, y1: float) -> float:
        """Side-by-side groups over grid columns ``c0..c1``; returns the lowest foot."""
        rng = self.rng
        parts = rng.choice([2, 2, 3]) if c1 - c0 >= 6 else 2
        widths = _parts(c1 - c0, parts, rng, 2)
        bounds = [c0 + sum(widths[:i]) for i in range(len(widths) + 1)]
        bottom = y0
        for g, (a, b) in enumerate(zip(bounds, bounds[1:])):
            region = Region(self._x(a, True, a == c0, False), y0, self._x(b, False, False, b == c1), y1)
            if g:
                self._rule(region.x0 - self.setter.style.story_gap / 2, y0, region.x0 - self.setter.style.story_gap / 2, y1)
            kind = rng.random()
            if b - a >= 3 and kind < 0.3:
                bottom = max(bottom, self.l_pair(region))
            elif kind < 0.65:
                bottom = max(bottom, self.stack(region, 2))
            else:
                bottom = max(bottom, self.story(region).box[3])
        return bottom

    def page(self, columns: int, top: float, foot: float, pitch: float) -> None:
        rng, gap = self.rng, self.setter.style.story_gap
        plan = rng.choice(["lead_band", "band_wide", "lead_band_wide", "main_briefs"])
        y = top
        if plan in ("lead_band", "lead_band_wide"):
            lead = self.story(Region(self._x(0, True, True, False), y, self._x(columns, False, False, True),
                                     y + pitch * rng.randint(9, 14) + 3 * self.setter.style.size))
            y = lead.box[3] + gap
            self._rule(self.margin, y - gap / 2, self._x(columns, False, False, True), y - gap / 2)
        if plan == "main_briefs":
            main = columns - 1
            lead = self.story(Region(self._x(0, True, True, False), y, self._x(main, False, False, False),
                                     y + pitch * rng.randint(9, 14) + 3 * self.setter.style.size))
            band_top = lead.box[3] + gap
            self._rule(self.margin, band_top - gap / 2, self._x(main, False, False, False), band_top - gap / 2)
            self.band(0, main, band_top, foot)
            x = self._x(main, True, False, False)
            self._rule(x - gap / 2, top, x - gap / 2, foot)
            self.stack(Region(x, top, self._x(columns, False, False, True), foot), rng.choice([3, 4]))
            return
        wide = plan in ("band_wide", "lead_band_wide")
        band_foot = y + (foot - y) * rng.uniform(0.5, 0.65) if wide else foot
        bottom = self.band(0, columns, y, band_foot)
        if wide:
            y = bottom + gap
            self._rule(self.margin, y - gap / 2, self._x(columns, False, False, True), y - gap / 2)
            if foot - y > 8 * pitch:
                self.story(Region(self._x(0, True, True, False), y, self._x(columns, False, False, True), foot))
