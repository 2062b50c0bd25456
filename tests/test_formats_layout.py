"""Geometry reflow and the edit mapping on synthetic documents with exact boxes."""
from __future__ import annotations

from dataclasses import replace

import pytest
from formats_support import Edit
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrfix.correction.line_marks import wrapped_line_ends
from ocrfix.formats import Block, Box, Document, Line, Page, Word, apply_edits, char_confidences, correct_document, reflow_document
from ocrfix.text_reflow import reflow

H = 40  # character size in pixels
WIDTH = 13  # characters per column line; the gutter is 1.5 characters


def make_line(text: str, x: int, y: int, size: int = H, conf: float = 0.9) -> Line:
    words = tuple(Word(ch, Box(x + i * size, y, x + (i + 1) * size, y + size), conf=conf) for i, ch in enumerate(text))
    return Line(words=words, box=Box(x, y, x + len(text) * size, y + size))


def column(rows: list[str], x: int, y: int = 200) -> list[Line]:
    """Rows of a column; a leading '>' marks a two-character indent."""
    lines = []
    for i, row in enumerate(rows):
        indent = 2 * H if row.startswith(">") else 0
        lines.append(make_line(row.lstrip(">"), x + indent, y + i * int(H * 1.6)))
    return lines


def document(blocks: list[list[Line]]) -> Document:
    return Document("hocr", (Page(tuple(Block(tuple(ls), Box.union([l.box for l in ls])) for ls in blocks), Box(0, 0, 2000, 2000)),))


HEAD = [make_line("集市开张", 60, 60, size=int(H * 2))]
COL1 = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引了居民。", ">市场管理处介绍今年", "新增摊位四十个还有很多新的"], 60)
COL2 = column(["商户入驻来自各地的特产也", "摆上了货架。", ">下一步集市将延长营业时"], 60 + int((WIDTH + 1.5) * H))


def test_geometry_finds_headline_paragraphs_and_continuation_across_columns() -> None:
    flow = reflow_document(document([HEAD, COL1, COL2]))
    assert [(b.kind, b.text) for b in flow.blocks] == [
        ("headline", "集市开张"),
        ("paragraph", "本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了居民。"),
        ("paragraph", "市场管理处介绍今年新增摊位四十个还有很多新的商户入驻来自各地的特产也摆上了货架。"),
        ("paragraph", "下一步集市将延长营业时"),
    ]
    assert flow.text.splitlines()[0] == "集市开张" and flow.text.splitlines()[1] == ""


class _Recorder:
    """A corrector that changes nothing and keeps what ``correct_document`` gave it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, int | None]] = []

    def correct(self, text: str, reflow: bool = True, readings=None, wrapped=None, page_chars=None, reaching=None) -> object:
        self.calls.append((text, wrapped, page_chars))
        return type("Result", (), {"text": text, "edits": [], "source": text})()


def test_the_corrector_is_told_where_the_columns_wrapped_the_paragraphs() -> None:
    """The line-end stages (marks lost where a line wrapped) need the printed lines, which the
    geometry reflow has joined: each line joined onto the one before, across columns too."""
    recorder = _Recorder()
    correct_document(document([HEAD, COL1, COL2]), recorder)
    [(text, wrapped, page_chars)] = recorder.calls
    assert "".join(wrapped.split()) == "".join(text.split()) and wrapped != text and page_chars == len(text)
    assert [text[j - 1:j + 1] for j in wrapped_line_ends(wrapped, text)] == ["东农", "鲜蔬", "年新", "的商", "也摆"]

def test_columns_are_read_left_to_right_whatever_the_file_order() -> None:
    shuffled = reflow_document(document([COL2, HEAD, COL1]))
    ordered = reflow_document(document([HEAD, COL1, COL2]))
    assert [(b.kind, b.text) for b in shuffled.blocks] == [(b.kind, b.text) for b in ordered.blocks]
    assert "".join(w.text for w in shuffled.words) == "".join(b.text for b in shuffled.blocks)


def test_line_merged_across_the_gutter_is_split() -> None:
    merged = Line(words=COL1[1].words + COL2[1].words, box=Box.union([COL1[1].box, COL2[1].box]))
    col1 = [COL1[0], merged, *COL1[2:]]
    flow = reflow_document(document([HEAD, col1, [COL2[0], *COL2[2:]]]))
    assert flow.blocks[2].text.endswith("特产也摆上了货架。")
    assert "摆上了货架" not in flow.blocks[1].text


NARROW_LEFT = ["一二三四五六七八九十甲乙", "丙丁戊己庚辛壬癸子丑寅卯", "辰巳午未申酉戌亥天地玄黄", "宇宙洪荒日月盈昃辰宿列张", "寒来暑往秋收冬藏闰余成岁"]
NARROW_RIGHT = ["春夏秋冬东南西北上下左右", "金木水火土山川河海风雨雷", "电花草树木鸟兽虫鱼江湖城", "乡村田野桥路车马舟船楼台", "亭阁门窗桌椅笔墨纸砚书画。"]


def test_line_merged_across_a_gutter_its_word_boxes_fill_is_split_at_the_columns_edges() -> None:
    """A one-character gutter that the engine bridged: the last word's box of the left row
    runs up to the right column (a speck or skew), so no gap between boxes marks the gutter;
    the edges that the other lines of both columns share do."""
    left, right = column(NARROW_LEFT, 60), column(NARROW_RIGHT, 60 + 13 * H)
    row_left, row_right = left[2], right[2]
    last = row_left.words[-1]
    stretched = replace(last, box=Box(last.box.x0, last.box.y0, row_right.box.x0 - H // 5, last.box.y1))
    merged = Line(words=(*row_left.words[:-1], stretched, *row_right.words), box=Box.union([row_left.box, row_right.box]))
    flow = reflow_document(document([[*left[:2], merged, *left[3:]], [*right[:2], *right[3:]]]))
    assert [b.text for b in flow.blocks] == ["".join(NARROW_LEFT + NARROW_RIGHT)]


def test_lines_broken_into_pieces_stay_in_their_column() -> None:
    """The engine broke three of seven lines at a wide gap in the middle: their pieces outnumber
    the whole lines, and must not form two narrow columns read one after the other."""
    rows = column(NARROW_LEFT + NARROW_RIGHT[:2], 60)
    broken = []
    for k, line in enumerate(rows):
        if k % 2:
            words = (*line.words[:5], *(replace(w, box=Box(w.box.x0 + 2 * H, w.box.y0, w.box.x1 + 2 * H, w.box.y1)) for w in line.words[5:]))
            line = Line(words=words, box=Box.union([w.box for w in words]))
        broken.append(line)
    flow = reflow_document(document([broken]))
    assert [b.text for b in flow.blocks] == ["".join(NARROW_LEFT + NARROW_RIGHT[:2])]


def _merged(*parts: Line) -> Line:
    words = tuple(w for part in parts for w in part.words)
    return Line(words=words, box=Box.union([part.box for part in parts]))


def test_a_columns_last_row_merged_across_the_gutter_is_split_where_the_row_above_was_read_apart() -> None:
    """A paragraph's last two rows in two columns; the engine read the first row as two lines
    and merged the second across the gutter (a character's width between the letters). Too few
    lines set out the columns' edges and none spans the gutter, yet the row above shows it."""
    left, right = column(NARROW_LEFT[:2], 60), column(NARROW_RIGHT[:2], 60 + 13 * H)
    flow = reflow_document(document([[left[0], right[0], _merged(left[1], right[1])]]))
    assert [b.text for b in flow.blocks] == ["".join(NARROW_LEFT[:2] + NARROW_RIGHT[:2])]



def test_a_columns_first_row_merged_across_the_gutter_is_split_where_the_row_below_opens_a_paragraph() -> None:
    """Two columns; the engine merged their first row across the gutter (a character's width
    between the letters) and read the row below apart, the right column's line there a
    paragraph's first, indented two characters: the blank between that row's lines ends two
    characters right of the gap. Too few lines set out the columns' edges; the row below shows
    the gutter all the same."""
    left = column(NARROW_LEFT[:2], 60)
    right = column(["春夏秋冬东南西北上下左。", ">金木水火土山川河海风", "电花草树木鸟兽虫鱼江湖城。"], 60 + 13 * H)
    flow = reflow_document(document([[_merged(left[0], right[0]), left[1], right[1], right[2]]]))
    assert [b.text for b in flow.blocks] == ["".join(NARROW_LEFT[:2]) + "春夏秋冬东南西北上下左。", "金木水火土山川河海风电花草树木鸟兽虫鱼江湖城。"]


def test_a_columns_row_merged_across_the_gutter_is_split_where_the_row_below_ends_a_paragraph_short() -> None:
    """Two columns; the engine merged their first row across the gutter (a character's width
    between the letters) and read the row below apart, the left column's line there a
    paragraph's last, eight characters short: the blank between that row's lines starts far left
    of the gap. Too few lines set out the columns' edges; the row below shows the gutter all the same."""
    left = column([NARROW_LEFT[0], "丙丁戊己。"], 60)
    right = column(NARROW_RIGHT[:2], 60 + 13 * H)
    flow = reflow_document(document([[_merged(left[0], right[0]), left[1], right[1]]]))
    assert [b.text for b in flow.blocks] == [NARROW_LEFT[0] + "丙丁戊己。", "".join(NARROW_RIGHT[:2])]

EIGHT_LEFT = NARROW_LEFT + ["天地人和山高水长日出东方", "百花齐放万象更新国泰民安", "风调雨顺五谷丰登四海升平"]
EIGHT_RIGHT = NARROW_RIGHT[:4] + ["亭阁门窗桌椅笔墨纸砚书画", "山明水秀鸟语花香人杰地灵", "琴棋诗酒花茶松竹梅兰菊荷", "晨钟暮鼓春华秋实岁月如歌。"]


def _stretched(line: Line, left: int = 0, right: int = 0) -> Line:
    """``line`` with its first word's box reaching ``left`` pixels further left and its last
    word's ``right`` further right (as a speck or a skewed scan swells the engine's boxes)."""
    first, *middle, last = line.words
    words = (replace(first, box=Box(first.box.x0 - left, first.box.y0, first.box.x1, first.box.y1)), *middle,
             replace(last, box=Box(last.box.x0, last.box.y0, last.box.x1 + right, last.box.y1)))
    return Line(words=words, box=Box.union([w.box for w in words]))


def test_rows_merged_across_a_one_character_gutter_whose_boxes_wobble_are_split_down_its_channel() -> None:
    """The rows of two columns merged across a gutter one character wide, but the first and last; the
    engine swelled the right column's first box or, on the next row, the left column's last a
    quarter character into the gutter. No lines set out the columns' edges, no blank ``0.3h``
    either side of any x runs down the gutter, and the gaps between the rows' letters are
    narrower than a gutter between words: only the narrow channel the rows leave tells the columns."""
    left, right = column(EIGHT_LEFT, 60), column(EIGHT_RIGHT, 60 + 13 * H)
    wobble = H // 4
    rows = [_merged(_stretched(a, right=wobble if r % 2 else 0), _stretched(b, left=wobble if r % 2 == 0 else 0))
            for r, (a, b) in enumerate(zip(left, right))]
    rows = [left[0], right[0], *rows[1:-1], left[-1], right[-1]]  # the first and last rows read apart: two set out no edges
    assert [b.text for b in reflow_document(document([rows])).blocks] == ["".join(EIGHT_LEFT + EIGHT_RIGHT)]


def test_a_piece_of_a_row_with_swollen_boxes_is_split_where_the_row_above_was_read_apart() -> None:
    """Three columns; the engine read the first row as three lines and merged the second across
    both gutters, swelling three in four of its boxes in the last two columns. The first gutter
    (wider than a gutter between words) cuts that row, and its piece over the last two columns
    measures large by its boxes; but its letters are set as the line's, body type: it is split
    where the row above was read apart, like any body row."""
    xs = [60, 60 + 14 * H + H // 2, 60 + 26 * H + H // 2]  # gutters 1.5 and 1 character between letters
    texts = [["天地人和山高水长日出东方甲", "百花齐放万象更新国泰民安乙"], ["春夏秋冬东南西北上下左", "金木水火土山川河海风雨"],
             ["琴棋诗酒花茶松竹梅兰菊", "晨钟暮鼓春华秋实岁月如"]]
    first = [_spaced(texts[k][0], xs[k], 200, H) for k in range(3)]
    y = 200 + int(1.6 * H)
    merged = _merged(_spaced(texts[0][1], xs[0], y, H), *(_spaced(texts[k][1], xs[k], y, H, tall=4) for k in (1, 2)))
    assert [b.text for b in reflow_document(document([[*first, merged]])).blocks] == ["".join(row for rows in texts for row in rows)]


def test_rows_merged_across_a_ruled_gutter_under_a_headline_are_split_at_the_rule() -> None:
    """A short story under its headline: the three rows of its two columns merged across a
    gutter that holds a column rule, read as ``|`` in every row, the letters either side 1.6
    characters apart (a space, the rule, a narrower space). Too few rows for the column edges
    or the whitespace river (the headline above is inked over the gutter), and the blank of a
    row the river parts starts at the rule, not where the letters end: the rule cuts them."""
    head = make_line("集市开张迎客来了", 60, 100, size=2 * H)
    left, right = column(NARROW_LEFT[:3], 60, 200), column(NARROW_RIGHT[:3], 60 + 12 * H + int(1.6 * H), 200)

    def rule(row: Line) -> Line:
        box = Box(row.box.x1 + int(1.1 * H), row.box.y0 - 4, row.box.x1 + int(1.2 * H), row.box.y1 + 4)
        return Line(words=(Word("|", box, conf=0.5),), box=box)

    rows = [_merged(a, rule(a), b) for a, b in zip(left, right)]
    blocks = [(b.kind, b.text.replace("|", "")) for b in reflow_document(document([[head], rows])).blocks]
    assert blocks == [("headline", "集市开张迎客来了"), ("paragraph", "".join(NARROW_LEFT[:3] + NARROW_RIGHT[:3]))]


def test_tall_body_line_merged_across_a_gutter_is_split_at_the_river() -> None:
    """Every row of two columns merged across a one-character gutter; one of them was read
    with tall boxes (as around a column rule, or on a skewed scan): as tall as a headline but
    set at the body's pitch, it is split at the gutter like the body lines around it."""
    left, right = column(NARROW_LEFT, 60), column(NARROW_RIGHT[:4] + ["亭阁门窗桌椅笔墨纸砚书画"], 60 + 13 * H)
    tall = [Line(words=tuple(replace(w, box=Box(w.box.x0, w.box.y0, w.box.x1, w.box.y0 + int(1.4 * H))) for w in line.words),
                 box=Box(line.box.x0, line.box.y0, line.box.x1, line.box.y0 + 2 * H)) for line in (left[2], right[2])]
    rows = [_merged(a, b) for a, b in zip(left, right)]
    flow = reflow_document(document([[*rows[:2], _merged(*tall), *rows[3:]]]))
    assert [b.text for b in flow.blocks] == ["".join(NARROW_LEFT + NARROW_RIGHT[:4]) + "亭阁门窗桌椅笔墨纸砚书画"]


def test_pieces_of_a_line_merged_across_rows_keep_their_own_rows() -> None:
    """On a skewed scan the engine merged a column's short last line of a paragraph with the
    next row of the column beside it: the merged line spans both rows, but its left piece must
    not join the indented line under it (the paragraph ends there)."""
    left = column([NARROW_LEFT[0], NARROW_LEFT[1], "辰巳午未申酉。", ">寒来暑往秋收冬藏闰余", NARROW_LEFT[4]], 60)
    right = column(NARROW_RIGHT, 60 + int(14.5 * H))
    flow = reflow_document(document([[*left[:2], _merged(left[2], right[3]), *left[3:]], [*right[:3], right[4]]]))
    assert [b.text for b in flow.blocks] == [
        NARROW_LEFT[0] + NARROW_LEFT[1] + "辰巳午未申酉。",
        "寒来暑往秋收冬藏闰余" + NARROW_LEFT[4] + "".join(NARROW_RIGHT),
    ]


def _spaced(text: str, x: int, y: int, pitch: int, tall: int = 0, foot: int = 0) -> Line:
    """A body line of ``H``-wide characters every ``pitch`` pixels; the boxes of every word but
    each ``tall``-th (``tall`` > 0) reach ``1.5 H`` down and the line's box ``foot`` pixels (as
    Tesseract swells boxes over a merged row)."""
    words = tuple(Word(ch, Box(x + i * pitch, y, x + i * pitch + H, y + (int(1.5 * H) if tall and i % tall else H)), conf=0.9)
                  for i, ch in enumerate(text))
    box = Box.union([w.box for w in words])
    return Line(words=words, box=Box(box.x0, box.y0, box.x1, max(box.y1, y + foot)))


SIX = [["一二三四五六", "七八九十甲乙", "丙丁戊己庚辛", "壬癸子丑寅卯", "辰巳午未申酉"],
       ["戌亥天地玄黄", "宇宙洪荒日月", "盈昃辰宿列张", "寒来暑往秋收", "冬藏闰余成岁"],
       ["春夏秋冬东南", "西北上下左右", "金木水火土山", "川河海风雨雷", "电花草树木鸟"]]


def _grid(merged_row: int, tall: int, foot: int = 0, indent_below: bool = False) -> tuple[Document, list[str]]:
    """Three columns of six characters set 1.1 characters apart, gutters 1.25 characters between
    letters; row ``merged_row`` read as one line across all three, with swollen boxes."""
    pitch, gutter = int(1.1 * H), int(1.25 * H)
    xs = [60 + k * (5 * pitch + H + gutter) for k in range(3)]
    texts = [list(rows) for rows in SIX]
    if indent_below:  # the first column's row under the merged one opens a paragraph
        texts[0][merged_row] = "辰巳午。"
        texts[0][merged_row + 1] = "天地玄黄"
    blocks = []
    for k, rows in enumerate(texts):
        lines = []
        for r, row in enumerate(rows):
            shift = 2 * pitch if indent_below and k == 0 and r == merged_row + 1 else 0
            lines.append(_spaced(row, xs[k] + shift, 200 + r * int(1.6 * H), pitch))
        blocks.append(lines)
    y = 200 + merged_row * int(1.6 * H)
    parts = [_spaced(texts[k][merged_row], xs[k], y, pitch, tall, foot) for k in range(3)]
    blocks[0][merged_row] = Line(words=tuple(w for p in parts for w in p.words), box=Box.union([p.box for p in parts]))
    for k in (1, 2):
        del blocks[k][merged_row]
    return document(blocks), ["".join(rows) for rows in texts]


def test_a_body_row_merged_across_columns_with_swollen_boxes_is_no_headline() -> None:
    """Tesseract read a row across three columns and swelled most of its word boxes: the row is
    as tall as a headline and, over the gutters, spaced like one. The boxes of a quarter of its
    words keep the body's height: it is split at the gutters like the body rows around it."""
    doc, columns = _grid(2, tall=3)
    assert [(b.kind, b.text) for b in reflow_document(doc).blocks] == [("paragraph", "".join(columns))]


def test_an_opening_bracket_read_across_a_gutter_into_a_merged_row_opens_the_next_column_s_piece() -> None:
    """The engine read a row across the columns, and the next column's opening bracket as one
    word with a speck in the gutter (``。（``), its box reaching into the next column's first
    character. The row is cut at that character; the bracket goes with it, not with the piece
    before the gutter, which it would stretch across the gutter."""
    doc, columns = _grid(2, tall=3)
    merged = doc.pages[0].blocks[0].lines[2]
    words = list(merged.words)
    first = next(k for k, w in enumerate(words) if w.text == SIX[1][2][0])
    words.insert(first, Word("。（", Box(words[first - 1].box.x1 + 10, words[first].box.y0, words[first].box.x0 + H // 2, words[first].box.y0 + H), conf=0.5))
    lines = list(doc.pages[0].blocks[0].lines)
    lines[2] = Line(words=tuple(words), box=merged.box)
    blocks = [Block(tuple(lines), doc.pages[0].blocks[0].box), *doc.pages[0].blocks[1:]]
    doc = Document("hocr", (Page(tuple(blocks), doc.pages[0].box),))
    second = columns[1].replace(SIX[1][2], "。（" + SIX[1][2])
    assert [b.text for b in reflow_document(doc).blocks] == [columns[0] + second + columns[2]]


def test_pieces_of_a_swollen_body_row_keep_their_own_rows() -> None:
    """The merged row's box reaches into the row below; its piece in the first column ends a
    paragraph and must not join the indented line under it, which opens the next."""
    doc, columns = _grid(2, tall=3, foot=int(2.2 * H), indent_below=True)
    head, tail = columns[0].split("。")
    assert [b.text for b in reflow_document(doc).blocks] == [head + "。", tail + columns[1] + columns[2]]


def test_pieces_of_a_merged_row_whose_line_box_misses_their_rows_take_their_words_rows() -> None:
    """On a grid page read turned level, the engine's line read across the columns (whose rows
    stand at other heights) is boxed as a band that misses its pieces' rows (``营也同时…`` on a page
    turned 0.9°: words 21 px high, 3 px of them inside the band of 15). Clamped to the band, the
    pieces leave a blank over them wider than a line gap, and the columns are cut across there
    and read row band by row band."""
    doc, columns = _grid(2, tall=0)
    merged = doc.pages[0].blocks[0].lines[2]
    band = Box(merged.box.x0, merged.box.y0 + int(0.9 * H), merged.box.x1, merged.box.y0 + int(1.5 * H))
    lines = list(doc.pages[0].blocks[0].lines)
    lines[2] = Line(words=merged.words, box=band)
    blocks = [Block(tuple(lines), Box.union([l.box for l in lines])), *doc.pages[0].blocks[1:]]
    doc = Document("hocr", (Page(tuple(blocks), doc.pages[0].box),))
    assert [b.text for b in reflow_document(doc).blocks] == ["".join(columns)]


def test_a_headline_read_into_a_swollen_body_row_is_not_cut_at_a_river() -> None:
    """Tesseract read a page's top row across it: a swollen body row over the first column, a
    headline over the other two, with rows below also merged across the columns. The row is no
    headline (most of its body words keep the body's height), but its headline piece is spaced
    like one: the gap between two of its characters over the gutter below is no river."""
    pitch, gutter, size = int(1.1 * H), int(1.25 * H), int(1.75 * H)
    xs = [60 + k * (5 * pitch + H + gutter) for k in range(3)]
    rows = [_merged(*(_spaced(SIX[k][r], xs[k], 200 + r * int(1.6 * H), pitch) for k in range(3))) for r in range(1, 5)]
    start = xs[2] - gutter // 2 - 2 * size - 3 * H // 2  # the gap after the second character lies over the gutter
    head = Line(words=tuple(Word(ch, Box(start + i * (size + H), 200, start + i * (size + H) + size, 200 + size), conf=0.9)
                            for i, ch in enumerate("集市开张")), box=Box(start, 200, start + 4 * size + 3 * H, 200 + size))
    flow = reflow_document(document([[_merged(_spaced(SIX[0][0], xs[0], 200, pitch, tall=2), head), *rows]]))
    texts = [b.text for b in flow.blocks]
    assert "集市开张" in texts and not any("集市" in t and t != "集市开张" for t in texts)


def test_a_swollen_body_line_keeps_the_bodys_measured_pitch_and_is_no_headline() -> None:
    """Body type set 1.1 characters apart (Tesseract's pitch on some fonts): the engine swelled
    the boxes of one line's words to headline height and its last word's box past its ink, so
    that the line is 1.2 × the type size apart per character, as a headline's must be. It keeps
    the body's measured pitch, though: it is no headline and stays in its paragraph."""
    pitch = int(1.1 * H)
    rows = ["一二三四五六", "七八九十甲乙", "丙丁戊己庚辛", "壬癸子丑寅卯", "辰巳午未申酉"]
    lines = [_spaced(row, 60, 300 + r * int(1.6 * H), pitch) for r, row in enumerate(rows)]
    swollen = tuple(Word(w.text, Box(w.box.x0, w.box.y0, w.box.x1 + (H if k == 5 else 0), w.box.y0 + int(1.6 * H)), conf=0.9)
                    for k, w in enumerate(lines[2].words))
    lines[2] = Line(words=swollen, box=Box.union([w.box for w in swollen]))
    head = make_line("集市开张", 60, 120, size=int(H * 2))
    assert [(b.kind, b.text) for b in reflow_document(document([[head], lines])).blocks] == [
        ("headline", "集市开张"), ("paragraph", "".join(rows))]


def test_a_swollen_first_line_of_a_paragraph_in_a_column_set_wider_than_the_page_s_is_no_headline() -> None:
    """A narrow column justified 1.15 characters apart beside a wider one set tight. The engine
    swelled the boxes of the narrow column's indented first line of a paragraph to 1.35 × the
    type size and read its characters 1.25 × the page's body pitch apart: measured against the
    page, as large and as spaced as a headline. Against the lines right above and below it in
    its column, each at the usual gap, its characters stand less than a headline's pitch apart:
    it opens its paragraph instead of heading a story of its own."""
    wide = ["一二三四五六七八", "九十天地玄黄宇宙", "洪荒日月盈昃。", "辰宿列张寒来", "暑往秋收冬藏闰余", "成岁律吕。"]
    tight = ["甲乙丙丁戊己庚辛壬癸子丑寅"] * 12
    step = int(1.6 * H)
    lines = [_spaced(row, 60, 200 + r * step, 46) for r, row in enumerate(wide)]
    swollen = tuple(Word(w.text, Box(w.box.x0, w.box.y0, w.box.x0 + H, w.box.y0 + int(1.35 * H)), conf=0.9)
                    for w in _spaced(wide[3], 60 + 2 * 46, 200 + 3 * step, 50).words)
    lines[3] = Line(words=swollen, box=Box.union([w.box for w in swollen]))
    blocks = reflow_document(document([lines, column(tight, 60 + 10 * H)])).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "".join(wide[:3])), ("paragraph", "".join(wide[3:])), ("paragraph", "".join(tight))]


def test_a_first_body_line_under_a_headline_with_swollen_boxes_is_no_sub_headline() -> None:
    """Body type set 1.1 characters apart; the engine swelled most word boxes of the column's
    first line, right under the headline, so that it is as large as a sub-headline and its
    characters 1.05 × the type size apart. A sub-headline's characters stand that much further
    apart than the body's measured pitch, though: the line stays in its paragraph."""
    pitch = int(1.1 * H)
    rows = ["一二三四五六", "七八九十甲乙", "丙丁戊己庚辛", "壬癸子丑寅卯"]
    head = make_line("集市开张", 60, 120, size=int(H * 2))
    lines = [_spaced(row, 60, 220 + r * int(1.6 * H), pitch, tall=3 if r == 0 else 0) for r, row in enumerate(rows)]
    assert [(b.kind, b.text) for b in reflow_document(document([[head], lines])).blocks] == [
        ("headline", "集市开张"), ("paragraph", "".join(rows))]


def test_a_first_body_line_under_a_headline_with_half_its_boxes_swollen_and_a_comma_lost_is_no_sub_headline() -> None:
    """A column's indented first line right under a headline: the engine swelled every other
    word box over two rows and lost a comma, so the line is as large as a sub-headline and its
    characters stand 1.07 × the body's pitch apart. Its other words are set no larger than the
    body: a sub-headline's are all larger, so the line opens the story's paragraph."""
    first = "四月一日库尔德武装主"
    words = tuple(Word(ch, Box(140 + i * 43, 150, 140 + i * 43 + H, 150 + (int(1.5 * H) if i % 2 else H - 2)), conf=0.9)
                  for i, ch in enumerate(first))
    rows = ["导的民主军继续在拉卡以西的", "塔布卡地区与极端组织作战极", "端组织控制区内的大量民众纷", "纷逃离当天在拉卡以西的塔布", "卡市区双方爆发了激烈冲突。"]
    lines = [Line(words=words, box=Box.union([w.box for w in words])), *column(rows, 60, 214)]
    assert [(b.kind, b.text) for b in reflow_document(document([[make_line("集市开张", 60, 60, size=2 * H)], lines])).blocks] == [
        ("headline", "集市开张"), ("paragraph", first + "".join(rows))]


def test_a_first_body_line_under_a_headline_with_half_its_boxes_swollen_the_others_at_the_body_size_is_no_sub_headline() -> None:
    """As above, but the words the engine did not swell are boxed at the body's size exactly, not
    smaller (``“脱单神器“连考必过”“一个亿小``, 13 px at ``h`` 13): a sub-headline's words are all
    larger than the body, so a line a quarter of whose words are no larger opens the paragraph."""
    first = "四月一日库尔德武装主"
    words = tuple(Word(ch, Box(140 + i * 43, 150, 140 + i * 43 + H, 150 + (int(1.4 * H) if i % 2 else H)), conf=0.9)
                  for i, ch in enumerate(first))
    rows = ["导的民主军继续在拉卡以西的", "塔布卡地区与极端组织作战极", "端组织控制区内的大量民众纷", "纷逃离当天在拉卡以西的塔布", "卡市区双方爆发了激烈冲突。"]
    lines = [Line(words=words, box=Box.union([w.box for w in words])), *column(rows, 60, 228)]
    assert [(b.kind, b.text) for b in reflow_document(document([[make_line("集市开张", 60, 60, size=2 * H)], lines])).blocks] == [
        ("headline", "集市开张"), ("paragraph", first + "".join(rows))]


def test_a_first_body_line_under_a_headline_set_as_large_as_a_sub_headline_but_close_on_the_line_below_stays_body() -> None:
    """A column's first line under a headline whose boxes the engine read 1.15 × the body's size
    and 1.1 characters apart (``新华社华盛顿…电发表在``): as large and as spaced as a sub-headline.
    It stands 5 px above the column's next line, under half the usual gap between lines: a
    sub-headline is set apart from the body under it, so the line opens the paragraph. With the
    usual gap below it, it stays a sub-headline."""
    first = "新华社华盛顿电发表在新"
    size = int(1.15 * H)
    words = tuple(Word(ch, Box(60 + i * 44, 150, 60 + i * 44 + H, 150 + size), conf=0.9) for i, ch in enumerate(first))
    rows = ["一期美国国家科学院学报上的", "一项研究指出世界上超过半数", "的碳汇归功于不足百年的年轻", "森林而非热带雨林这表明中国", "等国的植树造林活动很重要。"]
    head = [make_line("集市开张", 60, 60, size=2 * H)]

    def blocks(gap: int) -> list[tuple[str, str]]:
        lines = [Line(words=words, box=Box.union([w.box for w in words])), *column(rows, 60, 150 + size + gap)]
        return [(b.kind, b.text) for b in reflow_document(document([head, lines])).blocks]

    assert blocks(5) == [("headline", "集市开张"), ("paragraph", first + "".join(rows))]
    assert blocks(int(0.6 * H)) == [("headline", "集市开张"), ("headline", first), ("paragraph", "".join(rows))]


def test_a_headline_line_whose_boxes_the_engine_shrank_between_two_lines_of_it_stays_in_the_headline() -> None:
    """A three-line headline whose middle line the engine read with body-sized boxes: its
    characters still stand a headline's pitch apart, and the headline's lines stand right above
    and below it, so it stays the headline's second line instead of opening the body."""
    rows = ["一二三四五六七八九十", "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"]
    middle = Line(words=tuple(Word(ch, Box(60 + i * 2 * H, 150, 60 + i * 2 * H + H, 150 + H), conf=0.9) for i, ch in enumerate("大会召开")),
                  box=Box(60, 150, 60 + 7 * H, 150 + H))
    heads = [make_line("集市开张", 60, 60, size=2 * H), middle, make_line("今日热闹", 60, 200, size=2 * H)]
    blocks = reflow_document(document([heads, column(rows, 60, 320)])).blocks
    assert [(b.kind, b.text) for b in blocks] == [("headline", "集市开张"), ("headline", "大会召开"), ("headline", "今日热闹"),
                                                  ("paragraph", "".join(rows))]


def test_with_the_lm_an_indent_after_a_full_line_whose_sentence_reads_on_continues_the_paragraph(tmp_path) -> None:
    """A line set in two characters after a full line that runs on: the engine dropped the
    line's first characters, or the paragraph before lost its stop hanging past the edge. Where
    the LM reads the sentence on into the line, the paragraph goes on; where it ends a sentence
    there, and without an LM, the line opens a paragraph."""
    from test_correct_fixtures import load_lm, write_arpa

    rows = [">会议研究部署明年的工作", "重点并听取意见建议会议强调", ">抓好落实与会代表一致同意", "方案并表示将认真贯彻执行。", ">下一步将延长营业时间。"]
    doc = document([column(rows, 60)])
    joined = ["".join(r.lstrip(">") for r in rows[:4]), rows[4][1:]]
    apart = ["".join(r.lstrip(">") for r in rows[:2]), "".join(r.lstrip(">") for r in rows[2:4]), rows[4][1:]]
    assert [b.text for b in reflow_document(doc).blocks] == apart
    assert [b.text for b in reflow_document(doc, load_lm(write_arpa(tmp_path / "on.arpa", joined))).blocks] == joined
    assert [b.text for b in reflow_document(doc, load_lm(write_arpa(tmp_path / "apart.arpa", apart))).blocks] == apart


def test_an_indent_after_a_full_line_needs_the_join_score_of_a_blank_line_to_read_on(monkeypatch) -> None:
    """The indent is evidence of a paragraph break as a blank line is in plain text: the sentence must read
    on into the indented line by LM_JOIN_BLANK (4.0), not by the plain join's LM_JOIN (3.0), for the paragraph
    to go on (a full last line whose stop hung past the edge and was lost scores 3.0-3.7 too)."""
    import ocrfix.formats.layout as layout

    rows = [">会议研究部署明年的工作", "重点并听取意见建议会议强调", ">抓好落实与会代表一致同意", "方案并表示将认真贯彻执行。"]
    doc = document([column(rows, 60)])
    joined = ["".join(r.lstrip(">") for r in rows)]
    apart = ["".join(r.lstrip(">") for r in rows[:2]), "".join(r.lstrip(">") for r in rows[2:])]
    for score, expected in ((3.5, apart), (4.5, joined)):
        monkeypatch.setattr(layout, "continuation", lambda lm, tail, text, score=score: score)
        assert [b.text for b in reflow_document(doc, object()).blocks] == expected


def test_correct_and_reflow_with_lm_give_the_model_to_the_geometry_reflow(tmp_path) -> None:
    """`ocrfix correct` reflows a structured file with its corrector's LM, and `ocrfix reflow
    --lm MODEL` with MODEL, as they do plain text: the indent after a full line that runs on
    (test above) continues its paragraph."""
    from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, write_arpa

    from ocrfix import Corrector
    from ocrfix.cli import main
    from ocrfix.formats import write_document

    rows = [">会议研究部署明年的工作", "重点并听取意见建议会议强调", ">抓好落实与会代表一致同意", "方案并表示将认真贯彻执行。"]
    joined = "".join(r.lstrip(">") for r in rows)
    arpa = write_arpa(tmp_path / "on.arpa", [joined])
    doc = document([column(rows, 60)])
    assert correct_document(doc, Corrector(model=arpa, confusions=confusion_set(tmp_path), weights=WEIGHTS,
                                                  inventory=INVENTORY, threshold=1.0)).reflowed.text.split() == [joined]
    page = tmp_path / "page.alto.xml"
    page.write_bytes(write_document(doc, "alto"))
    assert main(["reflow", str(page), "-o", str(tmp_path / "apart.txt")]) == 0
    assert main(["reflow", str(page), "--lm", str(arpa), "-o", str(tmp_path / "joined.txt")]) == 0
    assert (tmp_path / "apart.txt").read_text(encoding="utf-8").split() != [joined]
    assert (tmp_path / "joined.txt").read_text(encoding="utf-8").split() == [joined]


def test_two_specks_in_a_gap_split_a_body_line() -> None:
    """The engine read a speck in a 1.5-character gutter as ``。。`` and merged the rows of the
    columns beside it; the right column is too short to set out its edge. Two stops in a row
    are no text: such a gap splits the line."""
    left, right = column(NARROW_LEFT, 60), column(NARROW_RIGHT[:2], 60 + int(13.5 * H))  # rows of 12 characters
    row_left, row_right = left[1], right[1]
    y = row_left.box.y0
    specks = Word("。。", Box(row_left.box.x1 + H // 4, y, row_left.box.x1 + 5 * H // 4, y + H), conf=0.9)
    merged = Line(words=(*row_left.words, specks, *row_right.words), box=Box.union([row_left.box, row_right.box]))
    flow = reflow_document(document([[left[0], merged, *left[2:]], [right[0]]]))
    assert [b.text for b in flow.blocks] == [NARROW_LEFT[0] + NARROW_LEFT[1] + "。。" + "".join(NARROW_LEFT[2:] + NARROW_RIGHT[:2])]

def test_a_line_short_of_an_opening_quote_carried_over_continues_its_paragraph() -> None:
    """A line may not end on an opening quote: the typesetter carries it to the next line and
    leaves the line one character short, its ``；`` inked in the cell's left half."""
    def rows(next_row: str, short_by: int = 1) -> list[Line]:
        lines = column(["农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引居民前来；"[short_by - 1:], next_row, "货架上摆满了各地的特产商品", "和手工艺品。"], 60)
        cut = lines[1]
        lines[1] = replace(cut, box=cut.box._replace(x1=cut.box.x1 - H // 2))
        return lines

    assert len(reflow_document(document([rows("“新增摊位四十个还有很多新")])).blocks) == 1
    indented = rows("“新增摊位四十个还有很")
    indented[2] = make_line("“新增摊位四十个还有很", 60 + 2 * H + H // 2, indented[2].box.y0)  # the quote's ink in its cell's right half
    assert len(reflow_document(document([indented])).blocks) == 2  # indented: a new paragraph
    assert len(reflow_document(document([rows("新增摊位四十个还有很多新的")])).blocks) == 2
    assert len(reflow_document(document([rows("“新增摊位四十个还有很多新", short_by=3)])).blocks) == 2


def test_a_line_whose_first_character_was_dropped_continues_its_paragraph() -> None:
    """The engine dropped a line's first character and the scan is skewed: the line starts 1.4
    characters in. A two-character indent (2h, also under a line ending a sentence at full
    width) still opens a paragraph."""
    def rows(second: str, shift: float) -> list[Line]:
        lines = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", second, "货架上摆满了各地的特产商品", "和手工艺品。"], 60)
        lines[2] = make_line(second, 60 + int(shift * H), lines[2].box.y0)
        return lines

    assert len(reflow_document(document([rows("和水果吸引居民前来市场里", 1.4)])).blocks) == 1
    assert len(reflow_document(document([rows("市场管理处介绍今年新增", 2.0)])).blocks) == 2


def _detected(text: str, x: int, y: int, pitch: int, height: int, pad: int) -> Line:
    """A line as PP-OCR gives it: one word, the detection box ``pad`` wider than the ink on
    either side and ``height`` tall, whatever the pitch of its characters."""
    box = Box(x - pad, y, x + len(text) * pitch + pad, y + height)
    return Line(words=(Word(text, box, conf=0.9),), box=box)


@pytest.mark.parametrize(("height", "pad"), [(32, 0), (42, 4)], ids=["ink-tight", "padded"])
def test_an_indent_is_two_characters_of_the_pitch_whatever_the_box_height(height: int, pad: int) -> None:
    """A two-character indent measured in the type size ``h`` depends on how the engine boxes
    the ink: PP-OCR's padded detection boxes are about 1.3 × the pitch tall, so the indent
    looks 1.5h. Measured in the body's own character pitch it is two characters either way."""
    pitch = 32
    rows = [">本报讯清晨六点城东的农贸", "集市摊位陆续摆开新鲜的蔬菜", "和水果吸引了很多的居民们。", ">市场管理处介绍今年新增的",
            "摊位有四十个还有很多新的商", "户入驻来自各地的特产也已经", "摆上了货架供居民挑选。"]
    lines = [_detected(row.lstrip(">"), 60 + (2 * pitch if row.startswith(">") else 0), 200 + k * 50, pitch, height, pad)
             for k, row in enumerate(rows)]
    flow = reflow_document(document([lines]))
    assert [b.text for b in flow.blocks] == ["本报讯清晨六点城东的农贸集市摊位陆续摆开新鲜的蔬菜和水果吸引了很多的居民们。",
                                             "市场管理处介绍今年新增的摊位有四十个还有很多新的商户入驻来自各地的特产也已经摆上了货架供居民挑选。"]


def test_digits_save_half_the_type_size_not_half_the_pitch_on_tracked_type() -> None:
    """Type set with tracking (pitch 1.2 × the type size): a digit is half a character narrower
    than a Han character, not half a pitch, so a line of four digits that ends a sentence 1.3
    pitches short of the column beyond their saving closes its paragraph."""
    pitch, full = 48, 12 * 48 + H  # 13 characters, the last without its tracking
    def tracked(text: str, x: int, y: int, width: int | None = None) -> Line:
        box = Box(x, y, x + (width if width is not None else (len(text) - 1) * pitch + H), y + H)
        return Line(words=(Word(text, box, conf=0.9),), box=box)

    lines = [tracked("本报讯清晨六点城东的农", 60 + 2 * pitch, 200), tracked("集市摊位陆续摆开新鲜的蔬菜", 60, 264),
             tracked("今年新增摊位1979个。", 60, 328, width=full - 2 * H - 64),
             tracked("市场管理处介绍今年新增的摊", 60, 392), tracked("位有四十个还有很多。", 60, 456)]
    assert [b.text for b in reflow_document(document([lines])).blocks] == [
        "本报讯清晨六点城东的农集市摊位陆续摆开新鲜的蔬菜今年新增摊位1979个。", "市场管理处介绍今年新增的摊位有四十个还有很多。"]


def test_a_line_whose_first_characters_were_dropped_after_a_full_line_continues_its_paragraph() -> None:
    """Far past any indent (four characters in) after a full line that runs on: the engine
    dropped the line's first characters. After a full line that ends a sentence, or a line
    left short, the same start still opens a paragraph."""
    def rows(first: str, shift: float) -> list[Line]:
        lines = column([">本报讯清晨六点城东", first, "有很多新的商户入驻", "货架上摆满了各地的特产商品", "和手工艺品。"], 60)
        lines[2] = make_line("有很多新的商户入驻", 60 + int(shift * H), lines[2].box.y0)
        return lines

    assert len(reflow_document(document([rows("农贸集市的摊位陆续摆开新鲜", 4.0)])).blocks) == 1
    assert len(reflow_document(document([rows("农贸集市的摊位陆续摆开新鲜", 2.0)])).blocks) == 2
    assert len(reflow_document(document([rows("农贸集市的摊位陆续摆开新。", 4.0)])).blocks) == 2
    assert len(reflow_document(document([rows("农贸集市的摊位", 4.0)])).blocks) == 2


def test_after_a_full_line_that_runs_on_only_an_indents_depth_opens_a_paragraph() -> None:
    """After a full line that does not end a sentence, a line starting 2.5 characters in is no
    indent (two characters reach 2.2): the engine lost the line's first characters; nor is an
    opening quote's ink 1.7 in (its cell one character in). Two characters in, an opening quote
    in the cell two characters in (its ink 2.5 in), and 2.5 in after a sentence's end open one."""
    def paragraphs(line: str, shift: float, before: str = "农贸集市的摊位陆续摆开新鲜") -> int:
        lines = column([">本报讯清晨六点城东", before, line, "货架上摆满了各地的特产商品", "和手工艺品。"], 60)
        lines[2] = make_line(line, 60 + int(shift * H), lines[2].box.y0)
        return len(reflow_document(document([lines])).blocks)

    assert paragraphs("有很多新的商户入驻", 2.5) == 1
    assert paragraphs("“有很多新的商户入驻", 1.7) == 1
    assert paragraphs("有很多新的商户入驻", 2.0) == 2
    assert paragraphs("“有很多新的商户入驻", 2.5) == 2
    assert paragraphs("有很多新的商户入驻", 2.5, "农贸集市的摊位陆续摆开新。") == 2


@pytest.mark.parametrize("mark", ["”", "，", "、", "。"])
def test_a_line_starting_with_a_closing_quote_or_a_stop_continues_its_paragraph(mark: str) -> None:
    """No line starts with a closing quote or bracket, or with a full-width stop or pause (the
    typesetter keeps it on the line before): one that does, two characters in, lost the
    characters before it to the engine (``…积善人家庆有`` / ``，在春联中…``: ``余”`` lost)."""
    def rows(second: str) -> list[Line]:
        lines = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", second, "货架上摆满了各地的特产商品", "和手工艺品。"], 60)
        lines[2] = make_line(second, 60 + 2 * H + (H // 2 if second[0] == "“" else 0), lines[2].box.y0)  # an opening quote inked in its cell's right half
        return lines

    assert len(reflow_document(document([rows(mark + "水果吸引居民前来市场")])).blocks) == 1
    assert len(reflow_document(document([rows("“水果吸引居民前来市场")])).blocks) == 2


def test_a_credit_in_brackets_after_a_full_line_ends_its_paragraph() -> None:
    """A credit set in brackets right after a paragraph's full last line (``…新年。`` /
    ``（本报记者王明）``) belongs to that paragraph; on a line of its own after a short one it
    stays a byline."""
    def blocks(last: str) -> list[tuple[str, str]]:
        lines = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", last, "（本报记者王明）",
                        ">下一步集市将延长营业时", "间方便居民前来选购各地的特", "产。"], 60)
        return [(b.kind, b.text) for b in reflow_document(document([lines])).blocks]

    assert blocks("蔬菜和水果吸引了很多居民。")[0] == ("paragraph", "本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了很多居民。（本报记者王明）")
    assert blocks("蔬菜和水果。")[:2] == [("paragraph", "本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果。"), ("byline", "（本报记者王明）")]


def test_a_column_rule_read_as_a_bar_neither_hides_an_indent_nor_fills_a_short_line() -> None:
    """A rule in the gutters either side of a column, read as ``|`` at the start of some lines,
    makes them start at the rule (an indent no longer shows); at the end of a short line, it
    makes the line look full."""
    def ruled(line: Line, right: bool = False) -> Line:
        x = 60 + WIDTH * H + H // 2 if right else 60 - H // 2
        bar = Word("|", Box(x, line.box.y0, x + H // 8, line.box.y1), conf=0.5)
        words = (*line.words, bar) if right else (bar, *line.words)
        return Line(words=words, box=Box.union([w.box for w in words]))

    def rows(second: str, third: str) -> list[Line]:
        lines = column(["农贸集市的摊位陆续摆开新鲜", second, third, "摊位四十个还有很多新的商"], 60)
        return [lines[0], ruled(ruled(lines[1]), right=True), ruled(lines[2]), lines[3]]

    indent = reflow_document(document([rows("蔬菜和水果吸引居民前来了。", ">市场管理处介绍今年新增")]))
    short = reflow_document(document([rows("蔬菜和水果吸引。", "市场管理处介绍今年新增的")]))
    for flow in (indent, short):
        assert [b.text.strip("|")[:4] for b in flow.blocks] == ["农贸集市", "市场管理"]


def test_a_column_rule_read_as_a_bar_a_gutter_away_stays_on_its_lines() -> None:
    """A rule read as ``|`` a gutter's width left of a column's lines is no column of its own
    (its bars would be read first, as a paragraph of rules): each bar stays on its line."""
    def ruled(line: Line) -> Line:
        bar = Word("|", Box(60 - 2 * H, line.box.y0, 60 - 2 * H + H // 8, line.box.y1), conf=0.5)
        return Line(words=(bar, *line.words), box=Box.union([bar.box, line.box]))

    lines = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引居民。", ">市场管理处介绍今年", "新增摊位四十个。"], 60)
    flow = reflow_document(document([[ruled(line) for line in lines]]))
    assert [b.text.replace("|", "") for b in flow.blocks] == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引居民。",
                                                             "市场管理处介绍今年新增摊位四十个。"]


def test_a_column_rule_read_as_a_tall_bar_beside_a_paragraph_s_last_line_joins_no_row_under_it() -> None:
    """On a page read turned level the engine boxed the rule beside a paragraph's short last line
    (``同发展。 |``) down over the next row: the line's box overlaps the next paragraph's
    indented first line, which is not a piece of the same printed line."""
    lines = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引居民。", ">市场管理处介绍今年", "新增摊位四十个。"], 60)
    x, short = 60 + WIDTH * H + H // 2, lines[2]
    bar = Word("|", Box(x, short.box.y0, x + H // 8, short.box.y1 + int(1.2 * H)), conf=0.5)
    lines[2] = Line(words=(*short.words, bar), box=Box.union([short.box, bar.box]))
    flow = reflow_document(document([lines]))
    assert [b.text.replace("|", "").strip() for b in flow.blocks] == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引居民。",
                                                                     "市场管理处介绍今年新增摊位四十个。"]


def test_a_column_rule_read_as_stops_past_most_lines_makes_no_full_line_look_short() -> None:
    """On a turned page the engine reads stretches of the rule beside a column as ``。`` past the
    text of most lines (dev-903): the column's right edge is where the lines that end on a letter
    end, and a full line that ends a sentence carries its paragraph on."""
    def ruled(line: Line) -> Line:
        x = 60 + WIDTH * H + int(0.3 * H)
        stop = Word("。", Box(x, line.box.y0, x + H, line.box.y1), conf=0.3)
        return Line(words=(*line.words, stop), box=Box.union([line.box, stop.box]))

    rows = ["农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引了很多居民。", "市场管理处介绍今年新增摊位", "四十个还有很多新的商户入驻",
            "来自各地的特产也摆上了货架", "下一步集市将延长营业时间到", "晚上十点方便附近的居民购物", "市场管理处还将增设停车位置", "和自行车棚供前来赶集的人们"]
    lines = column(rows, 60)
    flow = reflow_document(document([[ruled(line) if i in (0, 2, 4, 7, 8) else line for i, line in enumerate(lines)]]))
    assert [b.text.replace(" ", "")[:4] for b in flow.blocks] == ["农贸集市"]


def _led_by(digits: str, x: int, y: int) -> Line:
    """A column line that opens with the run ``digits``, half a character each."""
    run = (Word(digits, Box(x, y, x + len(digits) * H // 2, y + H), conf=0.9),)
    rest = make_line("年市场扩建新增摊位四十", x + len(digits) * H // 2, y).words
    return Line(words=run + rest, box=Box.union([w.box for w in run + rest]))


def test_a_line_left_short_by_the_digits_carried_over_continues_its_paragraph() -> None:
    """Digits (and Latin letters) are never broken across lines: a sentence-final line left
    short by no more than the run of digits that opens the next line continues its paragraph;
    short by more, it ends it."""
    def rows(digits: str) -> list[Line]:
        lines = column(["农贸集市的摊位陆续摆开新鲜", "的蔬菜和水果吸引了附近居民", "前来选购的顾客非常多。", "",
                        "个还有很多新的商户入驻也摆", "上了来自各地的特产和手工艺", "品。"], 60)
        lines[3] = _led_by(digits, 60, lines[3].box.y0)
        return lines

    assert len(reflow_document(document([rows("2017")])).blocks) == 1
    assert len(reflow_document(document([rows("20")])).blocks) == 2


def test_a_column_s_last_line_left_short_by_the_digits_that_open_the_next_column_continues_its_paragraph() -> None:
    """The same at a column break: a column's last line, a sentence end left short by no more
    than the run of digits that opens the next column's first line, continues its paragraph
    there; short by more, it ends it."""
    def columns(digits: str) -> list[list[Line]]:
        x = 60 + int((WIDTH + 1.5) * H)
        right = column(["", "个还有很多新的商户入驻也摆", "上了来自各地的特产和手工艺", "品。"], x)
        right[0] = _led_by(digits, x, right[0].box.y0)
        return [column(["农贸集市的摊位陆续摆开新鲜", "的蔬菜和水果吸引了附近居民", "前来选购的顾客非常多。"], 60), right]

    assert len(reflow_document(document(columns("2017"))).blocks) == 1
    assert len(reflow_document(document(columns("20"))).blocks) == 2


def test_plain_reflow_cannot_see_the_dropped_indent_geometry_can() -> None:
    doc = document([COL1])
    # Tesseract often drops the indent spaces: the plain text has no sign of the new paragraph
    # after a line that happens to end a sentence at full width.
    rows = [">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引居民前来。", ">市场管理处介绍今年"]
    doc = document([column(rows, 60)])
    assert len(reflow_document(doc).blocks) == 2
    assert len(reflow(doc.text()).splitlines()) == 1


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_substitutions_land_on_the_right_glyph_in_geometry_order(data: st.DataObject) -> None:
    doc = document([COL2, HEAD, COL1])
    flow = reflow_document(doc)
    positions = [i for i, ch in enumerate(flow.text) if not ch.isspace()]
    chosen = data.draw(st.sets(st.sampled_from(positions), max_size=6))
    edits = [Edit(i, flow.text[i], "〇") for i in chosen]
    fixed = apply_edits(doc, flow.text, edits, flow.words)
    expected = "".join("〇" if i in chosen else ch for i, ch in enumerate(flow.text))
    assert reflow_document(fixed).text == expected
    changed = [w for w in fixed.words() if w.correction]
    assert len(changed) == len(chosen) and all(w.text == "〇" for w in changed)
    assert sorted(w.box for w in changed) == sorted(flow.words[k].box for k in range(len(flow.words)) if k in {sum(1 for p in positions if p < i) for i in chosen})
    assert len(char_confidences(doc, flow.words)) == len(positions)


def test_a_headline_s_first_character_boxed_apart_stays_on_it() -> None:
    """A cut that would part a headline line's first or last character or two off the rest, set in the
    line's own type and less than 1.5 of its characters apart (``李`` | ``士祥严重违纪…``, its first box
    pushed off by a speck read between), is no gutter between two headlines: no headline is that short.
    A piece of three characters, or one that far off, stays cut."""
    from ocrfix.formats.line_splits import _lone_ends_kept

    size = 2 * H
    def words(*parts: tuple[str, int]) -> tuple[Word, ...]:
        return tuple(Word(ch, Box(x + k * size, 60, x + (k + 1) * size, 60 + size)) for text, x in parts for k, ch in enumerate(text))

    near = words(("李", 0), ("士祥严重违纪违法被开除党籍", size + 100))
    assert _lone_ends_kept(near, [1], size) == []
    assert _lone_ends_kept(words(("李士祥", 0), ("严重违纪违法被开除党籍", 3 * size + 100)), [3], size) == [3]
    assert _lone_ends_kept(words(("李", 0), ("士祥严重违纪违法被开除党籍", size + 200)), [1], size) == [1]
    tail = words(("士祥严重违纪违法被开除党", 0), ("籍", 12 * size + 100))
    assert _lone_ends_kept(tail, [12], size) == []


def test_a_short_line_ending_in_a_misread_stop_ends_its_paragraph() -> None:
    """Tesseract reads a paragraph's last ``。`` as ``*`` (``…加快打造*``); the line is short, and
    the next one is set flush (its indent lost, or a style without one): a sentence and a
    paragraph end there, as after ``。``. A ``*`` after a digit ends nothing."""
    def blocks(last: str) -> list[str]:
        lines = column([">本报讯清晨六点城东的", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引了很多居民前", last,
                        "市场管理处介绍今年新增摊位", "四十个还有很多新的商户入驻", "各地的特产也摆上了货架。"], 60)
        return [b.text for b in reflow_document(document([lines])).blocks]

    assert blocks("来选购居民*") == ["本报讯清晨六点城东的农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了很多居民前来选购居民*",
                                   "市场管理处介绍今年新增摊位四十个还有很多新的商户入驻各地的特产也摆上了货架。"]
    assert len(blocks("来选购居民。")) == 2
    assert len(blocks("来选购共计5*")) == 1
