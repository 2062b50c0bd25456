"""Typeset an article as a newspaper page on a full-width character grid.

Layout: a headline across the page (Hei, larger), then 3–4 columns of 12–14 grid cells each.
Han characters and full-width punctuation take one cell; half-width digits and Latin letters
take their own advance width and are never split across lines. Paragraphs start with a two-cell
indent (two ideographic spaces). Closing punctuation may hang past the column edge rather than
start a line; opening punctuation never ends one. Only whole paragraphs are set, so the ground
truth is exactly the printed text.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from benchmarks.corpus import Article

FONT_FILES = {
    "song": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "hei": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "hei_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "song_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
}
#: Faces no profile was fitted on (the ``fonts-*`` splits; Debian packages fonts-babelstone-han,
#: fonts-arphic-ukai, fonts-wqy-zenhei): a Ming face of another design, a Kaiti, a Hei of another
#: foundry. Each maps to the fitted face that sets the few corpus characters it lacks (UKai has no
#: 査増渉郞迀塅, Zen Hei no 𨟠), as a typesetter falls back to another face.
UNSEEN_FONT_FILES = {
    "babel": ("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf", 0),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}
FALLBACK = {"babel": "song", "ukai": "song", "zenhei": "hei"}
CLOSING = "，。、；：？！”’）》」』〕】…—"
OPENING = "“‘（《「『〔【"
INDENT = "\u3000\u3000"


@dataclass(frozen=True)
class PageStyle:
    """Everything that decides the look of one page (sizes in pixels at render resolution)."""

    face: str
    size: int
    columns: int
    cells: int  # grid cells per column line
    lines: int  # lines per column
    leading: float  # line pitch / font size
    headline_face: str = "hei_bold"
    headline_scale: float = 2.0
    margin: int = 60
    gutter_cells: float = 1.5
    hang: bool = True  # closing marks hang past a full line (False: pushed out, see break_lines)


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class Page:
    """A rendered page: image, where the headline and columns are, and the printed text."""

    image: Image.Image
    headline_box: Box
    column_boxes: tuple[Box, ...]
    headline: str
    paragraphs: tuple[str, ...]

    @property
    def gt_text(self) -> str:
        """Headline, blank line, one paragraph per line."""
        return self.headline + "\n\n" + "\n".join(self.paragraphs) + "\n"


@lru_cache(maxsize=32)
def font(face: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[face] if face in FONT_FILES else UNSEEN_FONT_FILES[face]
    return ImageFont.truetype(path, size, index=index)


@lru_cache(maxsize=8)
def _codepoints(path: str, index: int) -> frozenset[int]:
    return frozenset(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


def covering(fnt: ImageFont.FreeTypeFont, text: str) -> ImageFont.FreeTypeFont:
    """``fnt``, or, when it is an unseen face lacking a glyph of ``text``, its fallback at the same size
    (``fnt`` as it is when it measures cells, not a face: :mod:`benchmarks.vertical`)."""
    if not isinstance(fnt, ImageFont.FreeTypeFont):
        return fnt
    face = next((f for f, (path, index) in UNSEEN_FONT_FILES.items() if (path, index) == (fnt.path, fnt.index)), None)
    if face is None or all(ord(ch) in _codepoints(fnt.path, fnt.index) for ch in text):
        return fnt
    return font(FALLBACK[face], fnt.size)


def _is_half(ch: str) -> bool:
    return ord(ch) < 0x2000


def _units(text: str) -> list[str]:
    """Unbreakable units: runs of half-width characters, single full-width characters."""
    units: list[str] = []
    for ch in text:
        if units and _is_half(ch) and _is_half(units[-1][-1]):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def _pushed_out(line: str) -> tuple[str, str]:
    """``line`` without its last character and the closing marks after it (and an opening mark
    before it, which never ends a line), and what was taken off: the start of the next line when a
    closing mark that does not fit may not hang (``("", "")`` where nothing would be left)."""
    units = _units(line)
    k = len(units) - 1
    while k > 0 and units[k] in CLOSING:
        k -= 1
    while k > 0 and units[k - 1] in OPENING:
        k -= 1
    return ("".join(units[:k]), "".join(units[k:])) if k > 0 else ("", "")


def break_lines(paragraph: str, cell: float, cells: int, fnt: ImageFont.FreeTypeFont, hang: bool = True) -> list[str]:
    """Greedy line breaking of one paragraph (with its indent) into column lines. A closing mark
    that does not fit hangs past the column's edge, or with ``hang`` False takes the character
    before it to the next line (the line ends a cell short: pushed out, as papers that do not
    hang their marks set them)."""
    width = cell * cells

    def unit_width(unit: str) -> float:
        return covering(fnt, unit).getlength(unit) if _is_half(unit[0]) else cell * len(unit)

    lines: list[str] = []
    line, used = "", 0.0
    for unit in _units(INDENT + paragraph):
        w = unit_width(unit)
        if used + w <= width + 0.5 or not line:
            line, used = line + unit, used + w
        elif unit in CLOSING:
            kept, moved = ("", "") if hang else _pushed_out(line)
            if kept:  # pushed out
                lines.append(kept)
                line = moved + unit
                used = sum(unit_width(u) for u in _units(line))
            else:  # hanging punctuation
                line, used = line + unit, used + w
        else:
            carry = ""
            while line and line[-1] in OPENING:
                line, carry = line[:-1], line[-1] + carry
            if not line:  # opening marks alone, before a unit wider than what is left: it stays with them
                line, used = carry + unit, used + w
                continue
            lines.append(line)
            line = carry + unit
            used = sum(unit_width(u) for u in _units(line))
    if line:
        lines.append(line)
    return lines


def _draw_line(draw: ImageDraw.ImageDraw, x: float, y: float, line: str, cell: float, fnt) -> None:
    for unit in _units(line):
        face = covering(fnt, unit)
        if _is_half(unit[0]):
            draw.text((x, y), unit, font=face, fill=0)
            x += face.getlength(unit)
        else:
            draw.text((x + (cell - fnt.size) / 2, y), unit, font=face, fill=0)
            x += cell


def render(article: Article, style: PageStyle, tracking: float = 0.04) -> Page:
    """Render ``article`` with ``style``: whole paragraphs while they fit in ``style.lines`` rows,
    spread evenly over the columns; paragraphs that do not fit are left out."""
    body = font(style.face, style.size)
    cell = style.size * (1 + tracking)
    pitch = style.size * style.leading
    col_w = cell * style.cells
    gutter = cell * style.gutter_cells
    width = int(2 * style.margin + style.columns * col_w + (style.columns - 1) * gutter)

    head_size = int(style.size * style.headline_scale)
    while head_size > style.size and head_size * len(article.headline) > width - 2 * style.margin:
        head_size -= 2
    head_font = font(style.headline_face, head_size)
    head_top = style.margin
    head_bottom = head_top + int(head_size * 1.5)
    body_top = head_bottom + int(style.size * 1.2)
    capacity = style.columns * style.lines
    placed: list[str] = []
    lines: list[str] = []
    for paragraph in article.paragraphs:
        new = break_lines(paragraph, cell, style.cells, body, style.hang)
        if len(lines) + len(new) > capacity:
            break
        placed.append(paragraph)
        lines.extend(new)

    rows = min(style.lines, -(-len(lines) // style.columns))  # balance the columns
    height = int(body_top + rows * pitch + style.margin)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    head_w = head_size * len(article.headline)
    draw.text(((width - head_w) / 2, head_top), article.headline, font=head_font, fill=0)
    boxes = []
    for c in range(style.columns):
        x = style.margin + c * (col_w + gutter)
        for r, line in enumerate(lines[c * rows : (c + 1) * rows]):
            _draw_line(draw, x, body_top + r * pitch, line, cell, body)
        pad = int(cell * 0.4)
        # the right edge takes in hanging punctuation but stops short of the column rule
        boxes.append(Box(int(x) - pad, body_top - pad, int(x + col_w + 1.5 * pad), height - style.margin // 2))
    if style.columns > 1:
        for c in range(1, style.columns):
            rule_x = int(style.margin + c * (col_w + gutter) - gutter / 2)
            draw.line([(rule_x, body_top), (rule_x, height - style.margin)], fill=0, width=1)
    head_box = Box(style.margin // 2, head_top - style.size // 3, width - style.margin // 2, head_bottom)
    return Page(image, head_box, tuple(boxes), article.headline, tuple(placed))
