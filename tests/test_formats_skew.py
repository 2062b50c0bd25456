"""Pages scanned turned by a degree or two, read turned level, on synthetic geometry."""
from __future__ import annotations

import math
from collections.abc import Iterable

import pytest

from ocrfix.formats import Box, Line, Word, reflow_document
from ocrfix.formats.headlines import find_headlines
from ocrfix.formats.line_splits import _set_size
from ocrfix.formats.placed import PlacedLine, letter_extents
from ocrfix.formats.stories import _clusters
from ocrfix.formats.skew import Turn, level, page_slope
from test_formats_stories import A, B, H, STORY_GAP, body, document, headline, make_line, stories_of, width

MIDDLE = (1000, 1500)  # what the synthetic scans turn about


def turned_box(box: Box, degrees: float) -> Box:
    """The upright box an engine writes around ``box``'s print on a scan turned by ``degrees``
    (y down: a positive turn lowers the right end of a line)."""
    t = math.radians(degrees)
    corners = [(x - MIDDLE[0], y - MIDDLE[1]) for x in (box.x0, box.x1) for y in (box.y0, box.y1)]
    xs = [MIDDLE[0] + x * math.cos(t) - y * math.sin(t) for x, y in corners]
    ys = [MIDDLE[1] + x * math.sin(t) + y * math.cos(t) for x, y in corners]
    return Box(round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


def turned(lines: list[Line], degrees: float) -> list[Line]:
    return [Line(tuple(Word(w.text, turned_box(w.box, degrees), w.conf) for w in l.words), turned_box(l.box, degrees)) for l in lines]


def two_stacked_stories(repeat: int) -> list[list[Line]]:
    """Two stories one above the other, each a headline over two columns as tall as ``repeat`` copies of
    its paragraphs make them."""
    top = [headline("甲地运动会", 40, 40), *body(A * repeat, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    return [top, [headline("乙市图书馆开放", 40, y), *body(B * repeat, 40, y + 3 * H, 2)]]


def expected(repeat: int) -> list[list[tuple[str, str]]]:
    return [[("headline", "甲地运动会"), *(("paragraph", p) for p in A * repeat)],
            [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B * repeat)]]


@pytest.mark.parametrize("degrees", [2.0, -2.0])
def test_two_stacked_two_column_stories_turned_two_degrees_are_read_as_printed(degrees: float) -> None:
    """Columns some 60 lines tall: over their height a column's lines drift sideways by more than
    two characters, so that read as the engine wrote them, the lines low in a column (or high, turned
    the other way) all start where an indent would and end short of the column's right edge."""
    stories = [turned(s, degrees) for s in two_stacked_stories(16)]
    lines = [l for s in stories for l in s]
    column = [l for l in lines[1:] if l.box.x0 < 400 and l.box.y0 < stories[1][0].box.y0]
    assert abs(column[-1].box.x0 - column[0].box.x0) > 2.5 * H  # the drift down one column
    assert stories_of(document(lines[::-1])) == expected(16)


def test_the_turn_is_read_from_the_word_boxes_and_a_slight_or_no_turn_is_left_as_it_is() -> None:
    page = document([l for s in two_stacked_stories(2) for l in s]).pages[0]
    for degrees in (2.0, -1.5, 1.0):
        slope = page_slope(document([l for s in two_stacked_stories(2) for l in turned(s, degrees)]).pages[0])
        assert math.degrees(math.atan(slope)) == pytest.approx(degrees, abs=0.1)
    assert page_slope(page) == 0.0
    assert page_slope(document([l for s in two_stacked_stories(2) for l in turned(s, 0.5)]).pages[0]) == 0.0
    doc = document([l for s in two_stacked_stories(2) for l in s])
    assert level(doc) == (doc, (None,))  # nothing turned: the document itself


def test_a_box_turned_level_is_the_printed_rectangle_and_turned_back_the_engines_box() -> None:
    turn = Turn(math.tan(math.radians(2.0)), *MIDDLE)
    for box in (Box(40, 40, 640, 70), Box(900, 2400, 930, 2430), Box(300, 100, 1200, 1800)):
        engine = turned_box(box, 2.0)
        assert all(abs(a - b) <= 1 for a, b in zip(turn.level(engine), box))
        assert all(abs(a - b) <= 2 for a, b in zip(turn.back(turn.level(engine)), engine))


def test_a_turned_page_keeps_its_own_words_and_story_boxes() -> None:
    """The layout reads a copy turned level; the words the edits go to are the file's own, and the
    story boxes (``--articles``) the file's coordinates: the upright box around the turned story."""
    stories = [turned(s, 2.0) for s in two_stacked_stories(2)]
    doc = document([l for s in stories for l in s])
    flow = reflow_document(doc)
    own = {id(w) for w in doc.words()}
    assert all(id(w) in own for w in flow.words) and len(flow.words) == len(own)
    for box, story in zip(flow.story_boxes, stories):
        engine = Box.union([l.box for l in story])
        assert box is not None and all(abs(a - b) <= 0.02 * engine.width for a, b in zip(box, engine))


def one_box_a_line(lines: list[Line]) -> list[Line]:
    """The lines as PP-OCR writes them: one box a line, around its text."""
    return [Line((Word(l.text(), l.box, 0.9),), l.box) for l in lines]


@pytest.mark.parametrize("degrees", [2.0, -2.5])
def test_a_turned_page_of_one_box_a_line_is_read_from_how_its_columns_left_edges_drift(degrees: float) -> None:
    stories = [one_box_a_line(turned(s, degrees)) for s in two_stacked_stories(16)]
    lines = [l for s in stories for l in s]
    assert math.degrees(math.atan(page_slope(document(lines).pages[0]))) == pytest.approx(degrees, abs=0.15)
    assert page_slope(document([l for s in two_stacked_stories(16) for l in one_box_a_line(s)]).pages[0]) == 0.0
    assert stories_of(document(lines[::-1])) == expected(16)


def read_short(degrees: float, runs: float = 0.6) -> list[Line]:
    """Two stacked stories whose lines' boxes (and so the columns' left edges) are turned by ``degrees``
    and their word boxes by ``runs``: the turn Tesseract's word runs read on a turned page."""
    return [Line(tuple(Word(w.text, turned_box(w.box, runs), w.conf) for w in l.words), turned_box(l.box, degrees))
            for s in two_stacked_stories(16) for l in s]


def test_a_turn_the_word_runs_read_short_is_read_from_the_columns_left_edges() -> None:
    """Tesseract's word runs read a page turned 1.0° as 0.7–0.9° (under ``SHORT``); the lines' left
    edges drift down the columns by the whole turn. Here each line's word boxes run at 0.6° and its
    box and the column's edges at 1.0°: the page is read as turned 1.0°, and turned 0.6° all through
    it is left as it is."""
    assert math.degrees(math.atan(page_slope(document(read_short(1.0)).pages[0]))) == pytest.approx(1.0, abs=0.15)
    assert page_slope(document(read_short(0.6)).pages[0]) == 0.0


def test_a_page_whose_columns_edges_read_a_turn_of_0_85_to_0_9_degrees_is_read_turned_level() -> None:
    """Pages turned 1.0° whose word runs read the turn short and whose columns' edges read 0.85–0.9° are
    levelled (``LEAST``); the edges read pages turned 0.8° under it. Word runs that read 0.87° still
    read the turn short (under ``SHORT``): the edges read it."""
    assert math.degrees(math.atan(page_slope(document(read_short(0.88)).pages[0]))) == pytest.approx(0.88, abs=0.05)
    assert page_slope(document(read_short(0.8)).pages[0]) == 0.0
    assert math.degrees(math.atan(page_slope(document(read_short(1.0, runs=0.87)).pages[0]))) == pytest.approx(1.0, abs=0.07)


def headline_beside_a_body_row(degrees: float, ruled: bool = False, set_at: float = 1.4, swollen: float = 1.0) -> tuple[list[Line], list[list[tuple[str, str]]]]:
    """Two stories side by side, the right one's headline (set ``set_at`` × the body) level with a row of the
    left one's second column, read by the engine as one line with that row: its box the band of a body
    row across both stories, turned (the headline's letters stand taller than that band). ``ruled``: a
    rule over the right story, crossing the row above the headline, is read into that row of the left
    story as a word ``ro``. ``swollen``: the headline's word boxes that many times taller than its
    letters (about their middle)."""
    left = [headline("甲地运动会", 40, 40), *body(A * 6, 40, 40 + 3 * H, 2)]
    right_x = 40 + width(2) + STORY_GAP
    second = [l for l in left[1:] if l.box.x0 > 40 + width(1) - 3 * H]
    above, row = second[3], second[4]
    title = make_line("乙市图书馆开放", right_x, row.box.y0, size=round(set_at * H))
    grow = round((swollen - 1) * set_at * H / 2)
    title = Line(tuple(Word(w.text, Box(w.box.x0, w.box.y0 - grow, w.box.x1, w.box.y1 + grow), w.conf) for w in title.words), title.box)
    right = body(B * 3, right_x, title.box.y1 + H, 2)
    merged = Line(row.words + title.words, Box(row.box.x0, row.box.y0, title.box.x1, row.box.y1))
    rule = Word("ro", Box(above.box.x1 + H, above.box.y0 - H // 2, right_x + width(2), above.box.y1 + H // 2), 0.0)
    crossed = Line(above.words + (rule,), Box.union([above.box, rule.box])) if ruled else above
    lines = [l for l in left if l is not row and l is not above] + [crossed, merged] + right
    printed = [[("headline", "甲地运动会"), *(("paragraph", p) for p in A * 6)],
               [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B * 3), *([("paragraph", "ro")] if ruled else [])]]
    return [Line(tuple(Word(w.text, turned_box(w.box, degrees), w.conf) for w in l.words), turned_box(l.box, degrees))
            for l in lines], printed


@pytest.mark.parametrize("degrees", [1.2, -1.2])
def test_a_headline_read_into_a_body_row_of_a_page_turned_level_keeps_its_own_type_size(degrees: float) -> None:
    """Turned level, the merged line's box is the rectangle of one row of print, as low as the body
    row: lower than the headline's letters. Cut from it at the gap between the stories, the headline
    is measured by its letters, not capped by that box (read at the body's size, it would be read on
    into the paragraph above it)."""
    lines, printed = headline_beside_a_body_row(degrees)
    assert page_slope(document(lines).pages[0]) != 0.0
    assert stories_of(document(lines[::-1])) == printed


@pytest.mark.parametrize("degrees", [1.2, -1.2])
def test_a_headline_whose_word_boxes_are_taller_than_its_letters_keeps_a_headline_size_by_its_pitch(degrees: float) -> None:
    """Tesseract boxed the headline's words (set 1.7 × the body) 1.6 × as tall as its letters: they
    stand closer than ``SQUARE ×`` their boxes' height, so that those boxes are no measure of its type.
    Han characters are square: their pitch (``SQUARE_PITCH ×`` the body's size at least) is its size
    (read at the body's size, it would be read on into the paragraph above it)."""
    lines, printed = headline_beside_a_body_row(degrees, set_at=1.7, swollen=1.6)
    assert stories_of(document(lines[::-1])) == printed


def test_a_body_row_read_short_whose_word_boxes_stand_over_two_rows_keeps_its_lines_size() -> None:
    """A garbled body row (``请和有关于四枚。``): the engine dropped characters, so that its pitch,
    1.9 × the body's size, is as wide as a headline's, but it boxed its words 3.5 × that size high,
    taller than ``SWOLLEN_PITCH ×`` that pitch: a row swollen over the rows around it, not large
    type. The same pitch with boxes 1.6 × it is a headline's."""
    def piece(tall: float) -> tuple[Word, ...]:
        pitch = round(1.9 * H)
        top = 500 - round(tall * pitch / 2)
        return tuple(Word(t, Box(40 + i * 3 * pitch, top, 40 + (3 * i + len(t)) * pitch, top + round(tall * pitch)), 0.9)
                     for i, t in enumerate(["请和有", "关于四", "枚。"]))
    for tall, size in ((1.85, H), (1.6, 1.9 * H)):
        words = piece(tall)
        box = Box(words[0].box.x0, words[0].box.y0, words[-1].box.x1, words[0].box.y1)
        assert _set_size(words, letter_extents(words), box, H, H, True) == pytest.approx(size, rel=0.1)


def test_a_headline_row_boxed_lower_than_its_letters_stays_with_the_row_above_it() -> None:
    """A headline's second row read turned level is boxed as one row of print less the turn, 19 px
    high, its letters 35 (its pitch, :func:`_set_size`): its box stands 32 px under the first row's,
    over ``1.5 h``, but its letters 16 px: one headline, not the heads of two stories (whose
    column the second would cut out of the first's story)."""
    def row(text: str, box: Box, size: float) -> PlacedLine:
        return PlacedLine(text, box, size, 0, (Word(text, box, 0.9),), core=box)
    first = row("湖北：干部行", Box(69, 81, 294, 115), 34.0)
    second = row("不行扶贫“考场”", Box(71, 147, 301, 166), 34.8)
    assert _clusters([first, second], 20.0) == [[first, second]]



def test_a_kicker_over_a_headline_boxed_lower_than_its_letters_is_of_its_head_group() -> None:
    """A kicker set 1.25 × the body (its characters 1.15 × its pitch apart: no headline alone)
    stands 4 px over a headline's letters (40 px), but the headline read turned level is boxed as one
    row of print less the turn, 19 px high: measured from that box, the kicker stood 25 px above
    it, over ``h``, and was read on into the paragraph of the story above."""
    def row(text: str, x: int, y0: int, y1: int, size: float, pitch: int) -> PlacedLine:
        words = tuple(Word(ch, Box(x + k * pitch, y0, x + (k + 1) * pitch, y1), 0.9) for k, ch in enumerate(text))
        box = Box(x, y0, x + len(text) * pitch, y1)
        return PlacedLine(text, box, size, 0, words, core=box)
    kicker = row("美乌两国总统在白宫发生争吵", 100, 150, 175, 25.0, 23)
    head = row("十五运会赛事服务保障等工作准备就绪", 60, 200, 219, 40.0, 40)
    lines = [row("今天下午第十五届全国运动会主新闻中心", 60, 240 + 32 * k, 260 + 32 * k, 20.0, 20) for k in range(4)]
    assert find_headlines([kicker, head, *lines], 20.0, levelled=True) == {id(kicker), id(head)}

@pytest.mark.parametrize("degrees", [1.2, -1.2])
def test_a_rule_read_into_a_line_of_a_page_turned_level_is_parted_from_it(degrees: float) -> None:
    """The rule read as ``ro`` into a row of the left story reaches over the right one: left in that
    line, it bridges the gap between the stories, and the left story's column is read on under the
    right one's headline. Parted from it, it ends the story it stands in (no text is lost)."""
    lines, printed = headline_beside_a_body_row(degrees, ruled=True)
    assert stories_of(document(lines[::-1])) == printed


def rows_read_across(lines: list[Line], degrees: float, rows: Iterable[int] | None = None) -> list[Line]:
    """``lines`` (a story's body in two columns, upright) turned by ``degrees``, the ``rows`` of
    its columns each read as one line across the gutter, boxed as the engine boxes such a line: an
    upright band as high as the type around the turned row's middle, no rectangle around the
    tilted row. ``rows`` None: every row but those holding a paragraph's short last line in either
    column (two of them on one row, ``阅。 … 阅。``, read as a rule: see ``layout._stray``)."""
    middle = (min(l.box.x0 for l in lines) + max(l.box.x1 for l in lines)) // 2
    left = [k for k, l in enumerate(lines) if l.box.x1 < middle]
    right = [k for k, l in enumerate(lines) if l.box.x0 > middle]
    if rows is None:
        rows = [k for k, (a, b) in enumerate(zip(left, right)) if min(len(lines[a].words), len(lines[b].words)) > 4]
    pairs = [(left[k], right[k]) for k in rows]
    merged = {k for pair in pairs for k in pair}
    out = [l for k, l in enumerate(turned(lines, degrees)) if k not in merged]
    for a, b in pairs:
        words = turned([Line(lines[a].words + lines[b].words, Box.union([lines[a].box, lines[b].box]))], degrees)[0].words
        middle = (min(w.box.y0 for w in words) + max(w.box.y1 for w in words)) // 2
        out.append(Line(words, Box(words[0].box.x0, middle - H // 2, words[-1].box.x1, middle + H // 2)))
    return out


@pytest.mark.parametrize("degrees", [1.5, -2.0])
def test_rows_read_across_the_gutter_of_a_page_turned_level_keep_their_words_rows(degrees: float) -> None:
    """A few rows of a turned page read across its two columns, each boxed as high as its type:
    turned level, such a box shrinks to a pixel or two, and the rows would leave blanks over and
    under them wider than a story's gaps; boxed over their words' rows, the columns read whole."""
    top, below = two_stacked_stories(4)
    lines = [*turned(top[:1], degrees), *rows_read_across(top[1:], degrees, range(2, 5)), *turned(below, degrees)]
    assert stories_of(document(lines)) == expected(4)


@pytest.mark.parametrize("degrees", [2.0, -1.5])
def test_a_page_read_row_by_row_across_its_columns_is_read_turned_level(degrees: float) -> None:
    """Every body row of two stacked two-column stories read as one line across the gutter (the
    engine's reading of a page row by row), each boxed as high as its type: read as the engine
    wrote it, the columns' lines drift sideways down the page and look indented or short; turned
    level and fitted to their words' rows, the columns read as printed."""
    lines = [line for story in two_stacked_stories(16) for line in (*turned(story[:1], degrees), *rows_read_across(story[1:], degrees))]
    assert page_slope(document(lines).pages[0]) != 0.0
    assert stories_of(document(lines)) == expected(16)
