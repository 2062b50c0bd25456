"""Vertically set pages (characters top to bottom, lines right to left) on synthetic geometry."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocrfix.formats import Box, Line, Page, Word, reflow_document
from ocrfix.formats.vertical import is_vertical, turn, turn_back, upright
from test_formats_stories import A, B, C, H, STORY_GAP, body, document, headline, stories_of, width

PAGE = 4000


def standing(box: Box) -> Box:
    """Where a horizontal page's box stands on the same page set vertically: its rows become
    columns read right to left (the top row at the right), each read top to bottom."""
    return Box(PAGE - box.y1, box.x0, PAGE - box.y0, box.x1)


def vertical(lines: list[Line]) -> list[Line]:
    return [Line(tuple(Word(w.text, standing(w.box), w.conf) for w in l.words), standing(l.box)) for l in lines]


def two_bands() -> list[list[Line]]:
    """Three stories set horizontally: one in the left column, two stacked in the right one.
    :func:`vertical` stands them up as a band of one story over a band of two side by side."""
    first = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 1)]
    x = 40 + width(1) + STORY_GAP
    second = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 1)]
    y = max(l.box.y1 for l in second) + STORY_GAP
    third = [headline("丙县合作社", x, y), *body(C, x, y + 3 * H, 1)]
    return [first, second, third]


EXPECTED = [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
            [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)],
            [("headline", "丙县合作社"), *(("paragraph", p) for p in C)]]


def test_a_vertical_page_is_read_band_by_band_each_story_right_to_left_headline_first() -> None:
    first, second, third = map(vertical, two_bands())
    assert all(l.box.height > 2 * l.box.width for l in first + second + third if len(l.words) > 2)  # characters stacked
    assert max(l.box.y1 for l in first) < min(l.box.y0 for l in second + third)  # two bands
    assert min(l.box.x0 for l in second) > max(l.box.x1 for l in third)  # the second story right of the third
    assert stories_of(document((first + second + third)[::-1])) == EXPECTED


def test_a_vertical_page_keeps_its_own_words_and_story_boxes() -> None:
    """The layout reads a turned copy; what it hands on (the words the edits go to, the story
    boxes of ``--articles``) is the file's own."""
    stories = [vertical(s) for s in two_bands()]
    doc = document([l for s in stories for l in s])
    flow = reflow_document(doc)
    own = {id(w) for w in doc.words()}
    assert all(id(w) in own for w in flow.words) and len(flow.words) == len(own)
    assert list(flow.story_boxes) == [Box.union([l.box for l in s]) for s in stories]
    assert [a["headline"] for a in flow.articles()] == ["甲地运动会", "乙市图书馆", "丙县合作社"]


def test_a_line_read_across_two_bands_is_split_and_written_back_cut_to_its_words() -> None:
    """Tesseract ``--psm 5`` reads a vertical line on down into the band below; the layout
    splits it at the gap, and PAGE output holds each part as a line of its own, its box cut
    along its height to its words."""
    from ocrfix.formats import parse_document, write_document
    from ocrfix.formats.grouping import regroup

    first, second, _ = two_bands()
    rows = [first[2], next(l for l in second if l.box.y0 == first[2].box.y0)]
    merged = Line(rows[0].words + rows[1].words, Box.union([r.box for r in rows]))
    lines = vertical([l for l in first + second if l not in rows] + [merged])
    source = parse_document(write_document(document(lines), "page"), "page.xml")
    flow = reflow_document(source)
    assert stories_of(source) == EXPECTED[:2]
    regrouped = regroup(source, flow)
    grouped = {l.words[0].box: l.box for p in regrouped.pages for b in p.blocks for l in b.lines}
    assert [grouped[standing(r.words[0].box)] for r in rows] == [standing(r.box) for r in rows]
    back = reflow_document(parse_document(write_document(regrouped, "page"), "out.xml"))  # its stories declared now
    assert back.text == flow.text and back.articles() == flow.articles()


def test_a_horizontal_page_is_not_turned() -> None:
    lines = [l for s in two_bands() for l in s]
    doc = document(lines)
    assert upright(doc)[0] is doc and not is_vertical(doc.pages[0])
    assert is_vertical(document(vertical(lines)).pages[0])
    assert not is_vertical(Page((), None))


@given(st.tuples(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 900), st.integers(0, 900)), st.integers(3900, 5000))
def test_turning_back_undoes_turning(corner: tuple[int, int, int, int], page: int) -> None:
    x, y, w, h = corner
    box = Box(x, y, x + w, y + h)
    assert turn_back(turn(box, page), page) == box
    assert turn(box, page).width == box.height and turn(box, page).height == box.width


def test_every_word_of_a_vertical_page_appears_once() -> None:
    doc = document(vertical([l for s in two_bands() for l in s])[::2])  # half the lines missing: gaps everywhere
    flow = reflow_document(doc)
    assert Counter(w.text for w in flow.words) == Counter(w.text for w in doc.words())


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_a_vertical_file_reads_the_same_as_its_model(fmt: str) -> None:
    from ocrfix.formats import parse_document, write_document
    from ocrfix.formats.hocr import build

    doc = document(vertical([l for s in two_bands() for l in s]))
    data = build(doc) if fmt == "hocr" else write_document(doc, fmt)
    assert stories_of(parse_document(data, f"page.{fmt}")) == EXPECTED
