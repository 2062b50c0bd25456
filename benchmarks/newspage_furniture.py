"""Page furniture for :mod:`benchmarks.newspage` (``--furniture``): what every real page scan carries
besides its stories.

* a **folio band** across the top: date, weekday, paper name, section and page number, either as one
  compact line flush with the outer edge (``2020年5月6日　星期三　　人民日报　　要闻　　4``) or spread
  over the width (the paper name left, the date in the middle, section and page number right), in
  small or medium type, usually over a rule of 1–3 px or a double rule;
* an **editor line** at the foot (``本版责编：王　磊　张　艳　　版式设计：李　强``), in small type,
  sometimes under a thin rule.

Both are drawn from their own generator (seeded from the page's seed), so a page's stories,
type and degradation are those of the same page without furniture; the page grows by the band
and the foot, its stories move down by the band. Neither belongs to a story: ``gt.json`` lists
them under ``furniture``.

Some stories also carry a **jump line**, drawn from a generator of its own (:class:`Jumps`): a story
continued on another page ends with ``（下转第四版）``, one continued from another page opens with
``（上接第一版）``. Print sets it either as the tail of the story's last paragraph (the head of its
first) or as a line of its own, the closing one flush right. It belongs to its story: ``gt.json``
records it as print sets it, inside the paragraph it ends or opens, or as a paragraph of its own
(a reader of the story wants to know where it goes on; it is no folio of this page).
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Callable

from PIL import Image, ImageDraw, ImageFont

from benchmarks.newspage_varied import GIVEN, SURNAMES
from benchmarks.typeset import font

PAPERS = ("人民日报", "光明日报", "经济日报", "解放日报", "南方日报", "新华日报", "北京日报", "文汇报", "大众日报",
          "湖北日报", "四川日报", "浙江日报", "工人日报", "农民日报", "中国青年报", "科技日报", "新民晚报", "羊城晚报")
SECTIONS = ("要闻", "国内", "国际", "经济", "综合", "社会", "文化", "体育", "理论", "评论", "地方新闻", "科教", "民生", "观察")
WEEKDAYS = "一二三四五六日"
NUMERALS = "〇一二三四五六七八九十"
ROLES = (("本版责编", "责任编辑", "编辑"), ("版式设计", "美编", "版式"), ("校对", "制图", "图片编辑"))
SPACE = "\u3000"


@dataclass(frozen=True)
class Furniture:
    """One printed line of no story: ``kind`` "folio" or "editor", its text, its box on the page."""

    kind: str
    text: str
    box: tuple[int, int, int, int]


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n]
    return ("" if n < 20 else NUMERALS[n // 10]) + "十" + (NUMERALS[n % 10] if n % 10 else "")


def folio_parts(rng: random.Random) -> tuple[str, str, str]:
    """(date and weekday, paper name, section and page number) of one page."""
    day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(25 * 365))
    date = f"{day.year}年{day.month}月{day.day}日{SPACE}星期{WEEKDAYS[day.weekday()]}"
    page = rng.randint(1, 24)
    number = rng.choice([str(page), f"{page:02d}", f"第{page}版", f"第{_numeral(page)}版"])
    return date, rng.choice(PAPERS), f"{rng.choice(SECTIONS)}{SPACE * 2}{number}"


def _name(rng: random.Random) -> str:
    given = "".join(rng.sample(GIVEN, rng.choice([1, 2])))
    return rng.choice(SURNAMES) + (SPACE + given if len(given) == 1 else given)


def editor_text(rng: random.Random) -> str:
    """``本版责编：王　磊　张　艳　　版式设计：李　强`` and the like."""
    roles = ROLES[:rng.randint(1, 3)]
    return (SPACE * 2).join(rng.choice(r) + "：" + SPACE.join(_name(rng) for _ in range(rng.choice([1, 1, 2]))) for r in roles)


@dataclass(frozen=True)
class Jump:
    """A story's jump lines: ``opens`` (``（上接第一版）``) and ``closes`` (``（下转第四版）``), each
    ``""`` when it has none; ``own_line``: each set as a line (paragraph) of its own, else run into
    its paragraph."""

    opens: str = ""
    closes: str = ""
    own_line: bool = False


class Jumps:
    """The jump lines of a page's stories, one :class:`Jump` per story in the order they are set,
    drawn from their own generator (seeded from the page's ``seed``): the page's other draws are
    those of the same page without them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"jumps {seed}")

    def next(self) -> Jump:
        rng = self.rng
        opens = f"（上接第{_numeral(rng.randint(1, 8))}版）" if rng.random() < 0.15 else ""
        closes = f"（下转第{_numeral(rng.randint(2, 16))}版）" if rng.random() < 0.25 else ""
        return Jump(opens, closes, rng.random() < 0.5)

    @staticmethod
    def opened(paragraphs: tuple[str, ...], jump: Jump) -> tuple[str, ...]:
        """``paragraphs`` with the opening jump line before the first (a paragraph of its own, or its head)."""
        if not jump.opens or not paragraphs:
            return paragraphs
        return (jump.opens, *paragraphs) if jump.own_line else (jump.opens + paragraphs[0], *paragraphs[1:])

    @staticmethod
    def closed(placed: list[str], lines: list[str], jump: Jump, cells: int,
               breaks: Callable[[str], list[str]]) -> tuple[list[str], list[str]]:
        """The placed paragraphs and their column lines with the closing jump line after the last: a
        line of its own flush right (a paragraph of its own), or the last paragraph's tail (``breaks``:
        a paragraph's column lines). One line more at most: the caller leaves room for it."""
        if not jump.closes or not placed:
            return placed, lines
        if jump.own_line:
            return [*placed, jump.closes], [*lines, SPACE * max(0, cells - len(jump.closes)) + jump.closes]
        last = breaks(placed[-1])
        return [*placed[:-1], placed[-1] + jump.closes], [*lines[:len(lines) - len(last)], *breaks(placed[-1] + jump.closes)]


def _rule(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, kind: str) -> None:
    """A rule of ``kind`` (its width in px, or "double") along ``y``."""
    if kind == "double":
        draw.line([(x0, y), (x1, y)], fill=0, width=3)
        draw.line([(x0, y + 6), (x1, y + 6)], fill=0, width=1)
    elif kind != "none":
        draw.line([(x0, y), (x1, y)], fill=0, width=int(kind))


def furnish(page: Image.Image, seed: int, size: int, face: str, margin: int = 70) -> tuple[Image.Image, int, list[Furniture]]:
    """``page`` (its print inside ``margin``) with a folio band over it and an editor line under it
    (``size``: its body type); returns the new page, how far the print moved down, and the lines."""
    rng = random.Random(f"furniture {seed}")
    width = page.width
    date, paper, section = folio_parts(rng)
    body_face = rng.choice(["hei", "song", face])
    small = font(body_face, round(size * rng.uniform(0.75, 1.2)))
    spread = rng.random() < 0.5  # else one compact line at the outer edge
    if spread:  # left, centre, right; the paper's name may be set larger
        parts = rng.choice([(paper, date, section), (section, paper, date), (date, paper, section)])
        name = font(rng.choice(["hei_bold", "song_bold", body_face]), round(small.size * rng.uniform(1.0, 1.4)))
    else:
        parts = ((SPACE * 2).join(rng.choice([(date, paper, section), (section, paper, date), (paper, date, section)])),)
        name = small
    tallest = max(small.size, name.size)
    rule = rng.choice(["1", "2", "2", "3", "double", "double", "none"])
    band = round(tallest * 1.45 + size * rng.uniform(0.6, 1.2)) + 8
    fine = font(rng.choice(["hei", "song", face]), round(size * rng.uniform(0.6, 0.85)))
    foot = round(size * rng.uniform(0.5, 1.0) + fine.size * 1.3)
    image = Image.new("L", (width, page.height + band + foot), 255)
    image.paste(page.convert("L"), (0, band))
    draw = ImageDraw.Draw(image)

    def text(x: float, y: float, value: str, fnt: ImageFont.FreeTypeFont) -> tuple[int, int, int, int]:
        draw.text((x, y), value, font=fnt, fill=0)
        return tuple(round(v) for v in draw.textbbox((x, y), value, font=fnt))

    fonts = [name if part == paper else small for part in parts]
    if spread:
        boxes = [text(margin, margin, parts[0], fonts[0]),
                 text((width - fonts[1].getlength(parts[1])) / 2, margin, parts[1], fonts[1]),
                 text(width - margin - fonts[2].getlength(parts[2]), margin, parts[2], fonts[2])]
    else:
        boxes = [text(margin if rng.random() < 0.5 else width - margin - small.getlength(parts[0]), margin, parts[0], small)]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    lines = [Furniture("folio", (SPACE * 2).join(parts), box)]
    _rule(draw, margin, width - margin, round(margin + tallest * 1.45 + 4), rule)
    credits = editor_text(rng)
    y = band + page.height - margin + round(size * 0.5)
    if rng.random() < 0.4:
        _rule(draw, margin, width - margin, y - round(size * 0.25), "1")
    where = rng.choice(["left", "right", "centre"])
    span = fine.getlength(credits)
    x = margin if where == "left" else width - margin - span if where == "right" else (width - span) / 2
    lines.append(Furniture("editor", credits, text(x, y, credits, fine)))
    return image, band, lines
