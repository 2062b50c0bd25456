"""Story layout of whole pages (XY-cut with headline ownership) on synthetic line geometry."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats_support import page_schema
from ocrfix.formats import Block, Box, Document, Line, Page, Word, read_document, reflow_document, write_document
from ocrfix.formats.headlines import find_headlines
from ocrfix.formats.placed import PlacedLine

H = 30  # body type size in pixels
PITCH = int(H * 1.6)
CELLS = 10  # characters per column line
GUTTER = int(1.5 * H)
STORY_GAP = 3 * H


def make_line(text: str, x: int, y: int, size: int = H) -> Line:
    words = tuple(Word(ch, Box(x + i * size, y, x + (i + 1) * size, y + size), conf=0.9) for i, ch in enumerate(text))
    return Line(words=words, box=Box(x, y, x + len(text) * size, y + size))


def body(paragraphs: list[str], x: int, y: int, columns: int, rows: int | None = None) -> list[Line]:
    """Paragraphs set in ``columns`` balanced columns of CELLS characters, two-character indents."""
    rows_text: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        text, first = paragraph, True
        while text:
            room = CELLS - 2 if first else CELLS
            rows_text.append((2 if first else 0, text[:room]))
            text, first = text[room:], False
    per = rows or -(-len(rows_text) // columns)
    lines = []
    for k, (indent, text) in enumerate(rows_text):
        col, row = divmod(k, per)
        lines.append(make_line(text, x + col * (CELLS * H + GUTTER) + indent * H, y + row * PITCH))
    return lines


def headline(text: str, x: int, y: int) -> Line:
    return make_line(text, x, y, size=2 * H)


def width(columns: int) -> int:
    return columns * CELLS * H + (columns - 1) * GUTTER


def document(lines: list[Line]) -> Document:
    """One block per line, in the given (scrambled) order: the layout must not rely on it."""
    return Document("hocr", (Page(tuple(Block((l,), l.box) for l in lines), Box(0, 0, 4000, 4000)),))


A = ["甲地今天举行春季运动会各校学生积极参加比赛。", "运动会设田径和球类等项目共有三十个学校参赛。", "组委会表示明年还将继续举办。"]
B = ["乙市新建的图书馆昨天正式向市民开放借阅。", "馆内藏书五十万册并设有少儿阅览区和自习室。"]
C = ["丙县的农民合作社今年扩大了蔬菜种植面积。", "合作社负责人说订单已经排到了年底。"]


def stories_of(doc: Document) -> list[list[tuple[str, str]]]:
    flow = reflow_document(doc)
    return [[(b.kind, b.text) for b in flow.blocks if b.story == k] for k in dict.fromkeys(b.story for b in flow.blocks)]


def test_two_stacked_two_column_stories_are_read_one_after_the_other() -> None:
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [headline("乙市图书馆开放", 40, y), *body(B, 40, y + 3 * H, 2)]
    got = stories_of(document(below[::-1] + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B)]]


def test_side_by_side_stories_with_headlines_on_one_row_are_not_interleaved() -> None:
    left = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    right = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 2)]
    got = stories_of(document(right + left))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_read_as_one_line_are_split_before_an_opening_quote() -> None:
    """The engine read the headlines of two side-by-side stories as one line, the second one
    opening with a quote mark: the mark opens the headline after the gap, it is no speck."""
    x = 40 + width(2) + STORY_GAP
    left, right = headline("甲地运动会", 40, 40), headline("“乙市”图书馆", x, 40)
    merged = Line(words=left.words + right.words, box=Box.union([left.box, right.box]))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 2), *body(B, x, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "“乙市”图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_read_as_one_line_across_a_column_rule_are_split_at_the_rule() -> None:
    """The engine read the headlines of two side-by-side stories as one line across the rule
    between them, the rule read as a bar with a quote mark (``”|``): it fills the gap, so no
    gap between boxes parts the headlines, and it is punctuation, which a headline's river may
    not hold. The rule with the letters either side more than two body characters apart does."""
    x = 40 + width(2) + STORY_GAP
    left, right = headline("甲地运动会", 40, 40), headline("乙市图书馆", x, 40)
    rule = Word("”|", Box(left.box.x1 + STORY_GAP // 3, 40, right.box.x0 - STORY_GAP // 3, 40 + 2 * H), conf=0.5)
    merged = Line(words=(*left.words, rule, *right.words), box=Box.union([left.box, right.box]))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 2), *body(B, x, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会”|"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_read_as_one_line_across_a_rule_less_than_a_character_apart_are_split_at_it() -> None:
    """Two one-column stories side by side, a rule between them, their headlines read as one line
    across it (``审议|习近平``): the letters either side stand less than one of the headline's
    characters apart (a character misread as ``|`` inside a headline would leave as much), but
    the bodies under them leave the gap between the stories blank down the page."""
    gap = 19 * H // 10  # between the two stories' columns: wider than a gutter, narrower than a headline character
    x = 40 + width(1) + gap
    left, right = headline("甲地运动会", 40, 40), headline("乙市图书馆", x, 40)
    rule = Word("|", Box(left.box.x1 + gap // 2 - 5, 40, left.box.x1 + gap // 2 + 5, 40 + 2 * H), conf=0.5)
    merged = Line(words=(*left.words, rule, *right.words), box=Box.union([left.box, right.box]))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 1), *body(B, x, 40 + 3 * H, 1)]))
    assert got == [[("headline", "甲地运动会|"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_a_headline_character_misread_as_a_bar_over_its_own_body_does_not_split_the_headline() -> None:
    """A character of a headline read as ``|``: its letters either side stand a character apart,
    as across a rule between two stories, but the story's column under it is inked there."""
    head = headline("甲地运动会", 40, 40)
    words = list(head.words)
    words[2] = Word("|", Box(words[2].box.x0 + H - 5, 40, words[2].box.x0 + H + 5, 40 + 2 * H), conf=0.5)
    misread = Line(words=tuple(words), box=head.box)
    got = stories_of(document([misread, *body(A, 40, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地|动会"), *(("paragraph", p) for p in A)]]


def test_a_rule_beside_a_few_large_glyphs_does_not_cut_them_off_the_headline() -> None:
    """A rule between a headline and a photo that the engine read as a few large glyphs
    (``和人``): too few letters for a headline or a column, the glyphs stay on the headline's
    line instead of being cut off into a story's body."""
    left = headline("甲地运动会", 40, 40)
    x = left.box.x1 + STORY_GAP
    rule = Word("|", Box(left.box.x1 + STORY_GAP // 2, 40, left.box.x1 + STORY_GAP // 2 + 4, 40 + 2 * H), conf=0.5)
    photo = make_line("和人", x, 40, size=2 * H)
    merged = Line(words=(*left.words, rule, *photo.words), box=Box.union([left.box, photo.box]))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会|和人"), *(("paragraph", p) for p in A)]]


def test_a_photo_read_as_large_latin_glyphs_beside_a_headline_ends_its_story() -> None:
    """A photo beside a two-line headline read as large Latin glyphs (``ic -CEA``): grouped with
    the headline's first line, it stood between the headline's lines. With no wide letter it
    is no headline's text; like a rule read as text, it ends the story."""
    head1, head2 = headline("甲地运动会", 40, 40), headline("隆重开幕", 40, 40 + 2 * H + 5)
    junk = Line(words=(Word("ic", Box(head1.box.x1 + 20, 40, head1.box.x1 + 80, 40 + 2 * H), conf=0.3),
                       Word("-CEA", Box(head1.box.x1 + 90, 40, head1.box.x1 + 200, 40 + 2 * H), conf=0.3)),
                box=Box(head1.box.x1 + 20, 40, head1.box.x1 + 200, 40 + 2 * H))
    got = stories_of(document([head1, head2, junk, *body(A, 40, 40 + 5 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), ("headline", "隆重开幕"), *(("paragraph", p) for p in A), ("paragraph", "ic -CEA")]]


def test_pieces_of_a_headline_s_glyphs_read_as_small_type_under_it_end_its_story() -> None:
    """The feet of a headline's characters read as a row of small glyphs under its last line
    (``~ 已``, set at half the body's size): no body line is set that small, so it is no first
    line of the story's body; like a speck, it ends the story instead of parting headline and body."""
    head1, head2 = headline("甲地运动会", 40, 40), headline("隆重开幕", 40, 40 + 2 * H + 5)
    feet = make_line("~已", 40, head2.box.y1 + H // 2, size=H // 2)
    got = stories_of(document([head1, head2, feet, *body(A, 40, 40 + 6 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), ("headline", "隆重开幕"), *(("paragraph", p) for p in A), ("paragraph", "~已")]]


def test_latin_specks_on_a_headline_s_row_at_the_body_size_end_its_story() -> None:
    """Specks over a headline's last line read as Latin letters at the body's size (``EE``, its box
    reaching into the headline's): no wide letter, a few characters, on the headline's box; like
    large Latin glyphs beside a headline, they end the story instead of parting headline and body."""
    head1, head2 = headline("甲地运动会", 40, 40), headline("隆重开幕", 40, 40 + 2 * H + 5)
    y = head2.box.y1 - H // 2
    specks = Line(words=(Word("EE", Box(40, y, 40 + H, y + H), conf=0.3),), box=Box(40, y, 40 + H, y + H))
    got = stories_of(document([head1, head2, specks, *body(A, 40, 40 + 6 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), ("headline", "隆重开幕"), *(("paragraph", p) for p in A), ("paragraph", "EE")]]


def test_large_latin_glyphs_between_two_headlines_and_a_rule_do_not_join_the_headline_across_the_rule() -> None:
    """Two stories' headlines read as one line with a photo between them, read as large Latin
    glyphs, and a rule after it (``甲地运动会 sisx | 乙市图书馆``). The gap cuts the glyphs
    off the first headline; the rule cut, which a side of fewer than three wide letters keeps
    off, parts them from the second: they end that story instead of heading it."""
    x = 40 + width(1) + 12 * H
    left, right = headline("甲地运动会", 40, 40), headline("乙市图书馆", x, 40)
    junk = Word("sisx", Box(left.box.x1 + 6 * H, 40, left.box.x1 + 9 * H, 40 + 2 * H), conf=0.3)
    rule = Word("|", Box(x - 2 * H, 40, x - 2 * H + 6, 40 + 2 * H), conf=0.5)
    merged = Line(words=(*left.words, junk, rule, *right.words), box=Box.union([left.box, right.box]))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 1), *body(B, x, 40 + 3 * H, 1)]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B), ("paragraph", "sisx|")]]


def test_a_headline_under_a_body_sized_kicker_owns_the_columns_wider_than_it() -> None:
    """A centred headline over the middle one of its story's three columns, a kicker set at the
    body's size on top of it: the kicker is the region's top line, so the headline did not count
    as on the top row and the cut down left of it read the first column before it, as a story
    of its own. With only a line or two stacked on top of it, over its width, the headline heads
    the region, the kicker after it."""
    x2 = 40 + CELLS * H + GUTTER
    head = headline("甲地运动会", x2 + 2 * H, 40 + H + 10)
    kicker = make_line("本报特稿春季", x2 + 2 * H, 40)
    got = stories_of(document([kicker, head, *body(A + C, 40, head.box.y1 + H, 3)]))
    assert got == [[("headline", "甲地运动会"), ("paragraph", "本报特稿春季"), *(("paragraph", p) for p in A + C)]]


def test_a_column_rule_read_as_a_bar_in_the_gap_between_two_stories_does_not_join_them() -> None:
    """The rule between two side-by-side stories, read as a line of its own (``| 。``, a speck
    at the next column's edge) that touches both stories' columns: it bridges the gap between
    them, and the stories' columns, no longer parted, are read across the stories. It holds no
    letter: it ends a story instead, like any rule read as text."""
    x = 40 + width(2) + STORY_GAP
    y = 40 + 3 * H + 2 * PITCH
    rule = Line(words=(Word("|", Box(x - STORY_GAP - 2, y, x - STORY_GAP + 20, y + H), conf=0.5),
                       Word("。", Box(x - 12, y, x + 2, y + H), conf=0.5)), box=Box(x - STORY_GAP - 2, y, x + 2, y + H))
    lines = [headline("甲地运动会", 40, 40), headline("乙市图书馆", x, 40), *body(A, 40, 40 + 3 * H, 2), *body(B, x, 40 + 3 * H, 2)]
    got = stories_of(document([*lines, rule]))
    assert [text for kind, text in got[0] if kind != "headline"][:3] == A
    assert got[0][0] == ("headline", "甲地运动会") and got[1][:3] == [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]
    assert sum(text.replace(" ", "") == "|。" for story in got for _, text in story) == 1  # nothing lost


def test_one_column_headline_heads_the_body_beside_it() -> None:
    head = [headline("丙县", 40, 40), headline("菜农增收", 40, 40 + 2 * H + 10)]
    first = body(C[:1], 40, 40 + 6 * H, 1)  # under the headline
    beside = body(C[1:] + A, 40 + CELLS * H + GUTTER, 40, 1)  # the next column starts at the top
    next_story = [headline("乙市图书馆", 40 + width(2) + STORY_GAP, 40), *body(B, 40 + width(2) + STORY_GAP, 40 + 3 * H, 1)]
    got = stories_of(document(beside + next_story + first + head))
    assert got[0] == [("headline", "丙县"), ("headline", "菜农增收"), *(("paragraph", p) for p in C + A)]
    assert got[1][0] == ("headline", "乙市图书馆")


def test_lead_story_above_two_side_by_side_stories() -> None:
    lead = [headline("甲地运动会隆重开幕", 40, 40), *body(A, 40, 40 + 3 * H, 4)]
    y = max(l.box.y1 for l in lead) + STORY_GAP
    x = 40 + width(2) + STORY_GAP
    got = stories_of(document([*body(C, x, y + 3 * H, 2), headline("丙县菜农", x, y), *lead,
                               headline("乙市图书馆", 40, y), *body(B, 40, y + 3 * H, 2)]))
    assert [s[0][1] for s in got] == ["甲地运动会隆重开幕", "乙市图书馆", "丙县菜农"]
    assert [len(s) for s in got] == [1 + len(A), 1 + len(B), 1 + len(C)]


def test_short_centred_headline_keeps_its_outer_columns() -> None:
    """The headline covers only the middle of four columns: the open outer gutters do not tear
    the story apart (and the next story below stays separate)."""
    lead = [headline("运动会", 40 + width(4) // 2 - 3 * H, 40), *body(A + C, 40, 40 + 3 * H, 4)]
    y = max(l.box.y1 for l in lead) + STORY_GAP
    below = [headline("图书馆", 40 + width(4) // 2 - 3 * H, y), *body(B + A, 40, y + 3 * H, 4)]
    got = stories_of(document(below + lead))
    assert got == [[("headline", "运动会"), *(("paragraph", p) for p in A + C)],
                   [("headline", "图书馆"), *(("paragraph", p) for p in B + A)]]


def test_a_story_s_first_column_that_its_headline_does_not_cover_comes_after_the_headline() -> None:
    """An L-shaped story: its headline spans only its second and third columns, its first
    column runs down beside the story set under the other two. That column starts under the
    headline's foot, where the columns under the headline start: it is the story's own first
    column, read after the headline, not a story of its own before it."""
    x = 40 + CELLS * H + GUTTER
    top = [headline("甲地运动会", x, 40), *body(A, 40, 40 + 3 * H, 1), *body(C, x, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top if l.box.x0 >= x) + STORY_GAP
    below = [headline("乙市图书馆", x, y), *body(B, x, y + 3 * H, 2)]
    assert max(l.box.y1 for l in top if l.box.x0 < x) > y  # the first column runs down beside the story below
    got = stories_of(document(below + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A + C)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_a_headline_read_as_two_lines_at_its_colon_heads_one_story() -> None:
    """The engine read a headline as two lines at its colon (the colon's ink fills only part
    of its cell): the pieces are one headline, measured with the colon, and head one story
    across all three columns, not two side by side."""
    kicker = headline("关注局势：", 40, 40)
    head = headline("新一届内阁提名公布", kicker.box.x1 + 20, 40)
    lines = [head, kicker, *body(A + C, 40, 40 + 3 * H, 3)]
    got = stories_of(document(lines))
    assert got == [[("headline", "关注局势："), ("headline", "新一届内阁提名公布"), *(("paragraph", p) for p in A + C)]]


def test_story_break_renders_as_two_blank_lines() -> None:
    left = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    text = reflow_document(document(left + [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 2)])).text
    assert text.startswith("甲地运动会\n\n" + A[0] + "\n")
    assert "\n" + A[-1] + "\n\n\n乙市图书馆\n\n" + B[0] + "\n" in text


def test_line_merged_across_the_gutter_is_split_inside_a_story() -> None:
    lines = [headline("乙市图书馆", 40, 40), *body(B, 40, 40 + 3 * H, 2)]
    rows = [l for l in lines[1:] if l.box.y0 == 40 + 3 * H + PITCH]
    merged = Line(words=rows[0].words + rows[1].words, box=Box.union([r.box for r in rows]))
    got = stories_of(document([l for l in lines if l not in rows] + [merged]))
    assert got == [[("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def _words(doc: Document) -> Counter[str]:
    return Counter(w.text for w in doc.words() if w.text.strip())


def test_bad_geometry_reads_one_story_and_loses_nothing() -> None:
    overlapping = [make_line(p[:CELLS], 40, 40 + (k % 2) * 5) for k, p in enumerate(A + B)]
    rotated = [make_line(p[:CELLS], 40 + k * 7, 40 + k * 3) for k, p in enumerate(A)]  # skewed, all overlapping
    single = [make_line(A[0][:CELLS], 40, 40)]
    for lines in (overlapping, rotated, single):
        doc = document(lines)
        flow = reflow_document(doc)
        assert {b.story for b in flow.blocks} == {0}
        assert Counter(w.text for w in flow.words) == _words(doc)
    empty = Document("hocr", (Page((), Box(0, 0, 10, 10)),))
    assert reflow_document(empty).blocks == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 1500), st.integers(1, 12), st.sampled_from([H, 2 * H])),
                min_size=1, max_size=25))
def test_every_word_appears_once_whatever_the_geometry(specs: list[tuple[int, int, int, int]]) -> None:
    text = "".join(A + B + C)
    lines = [make_line(text[k:k + n], x, y, size) for k, (x, y, n, size) in enumerate(specs)]
    doc = document(lines)
    flow = reflow_document(doc)
    assert Counter(w.text for w in flow.words) == _words(doc)
    assert "".join(flow.text.split()) == "".join(b.text for b in flow.blocks).replace(" ", "")
    assert sorted(b.story for b in flow.blocks) == [b.story for b in flow.blocks]



def test_reflow_cli_writes_each_story_with_its_headline_paragraphs_and_box(tmp_path) -> None:
    from ocrfix.cli import main
    from ocrfix.formats.hocr import build

    left = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    right = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 2)]
    page = tmp_path / "page.hocr"
    page.write_bytes(build(document(right + left)))
    articles, text = tmp_path / "a.json", tmp_path / "page.txt"
    assert main(["reflow", str(page), "-o", str(text), "--articles", str(articles)]) == 0
    stories = json.loads(articles.read_text(encoding="utf-8"))["stories"]
    assert [(s["headline"], s["paragraphs"]) for s in stories] == [("甲地运动会", A), ("乙市图书馆", B)]
    assert stories[0]["bbox"] == list(Box.union([l.box for l in left])) and stories[1]["bbox"][0] == x
    assert text.read_text(encoding="utf-8") == reflow_document(document(left + right)).text
    assert main(["reflow", str(page), "--articles", str(page)]) == 2  # never over the input


def test_specks_read_into_words_do_not_bridge_a_narrow_gutter() -> None:
    """Gutter of 0.8 characters (the plain gap rule needs 1.2): the engine merged every row
    across it, reading a speck in the gutter as '。。' at the start of the next column's first
    word on every other row. The letters of such a word start past the gutter, so the rows are
    split there."""
    from ocrfix.formats.layout import _line_numbers
    from ocrfix.formats.line_splits import split_lines

    x2 = 40 + CELLS * H + int(0.8 * H)
    rows = []
    for r in range(6):
        y = 40 + r * PITCH
        left, right = make_line("左" * CELLS, 40, y), make_line("右" * CELLS, x2, y)
        first = Word("。。右", Box(x2 - int(0.6 * H), y, x2 + H, y + H)) if r % 2 else right.words[0]
        rows.append(Line(words=left.words + (first,) + right.words[1:], box=Box.union([left.box, right.box])))
    doc = document(rows)
    pieces = split_lines(rows, {id(l): float(H) for l in rows}, float(H), _line_numbers(doc))
    assert [p.text for p in pieces] == [t for r in range(6) for t in ("左" * CELLS, ("。。" if r % 2 else "") + "右" * CELLS)]


def test_correct_writes_each_story_after_correction(tmp_path, models) -> None:
    """``ocrfix correct PAGE --articles A.json``: the stories as ``reflow --articles`` lists
    them, with the corrector's edits in their text."""
    from ocrfix.cli import main
    from ocrfix.formats.hocr import build

    first, second = ["我们在北京工乍。他们在上海工作。", "大家都在认真工作。"], ["他在上海学习工乍。我们在北京学习。"]
    top = [headline("今天天气很好", 40, 40), *body(first, 40, 40 + 3 * H, 1)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [headline("我们在北京开会", 40, y), *body(second, 40, y + 3 * H, 1)]
    page, out, articles = tmp_path / "page.hocr", tmp_path / "fixed.hocr", tmp_path / "a.json"
    page.write_bytes(build(document(below + top)))
    assert main(["correct", str(page), "-o", str(out), "--articles", str(articles), *models]) == 0
    stories = json.loads(articles.read_text(encoding="utf-8"))["stories"]
    assert [(s["headline"], s["paragraphs"]) for s in stories] == [
        ("今天天气很好", [p.replace("工乍", "工作") for p in first]), ("我们在北京开会", [p.replace("工乍", "工作") for p in second])]
    assert stories[1]["bbox"] == list(Box.union([l.box for l in below]))
    assert reflow_document(read_document(out)).articles() == stories  # the corrected page file says the same
    for fmt in ("page", "alto"):  # patched in place (the edits recorded), grouped by story
        source, fixed = tmp_path / f"page.{fmt}.xml", tmp_path / f"fixed.{fmt}.xml"
        source.write_bytes(write_document(read_document(page), fmt))
        assert main(["correct", str(source), "-o", str(fixed), *models]) == 0
        assert reflow_document(read_document(fixed)).articles() == stories
        assert fixed.read_bytes().count(b"OrderedGroupIndexed" if fmt == "page" else b"<ComposedBlock") == (4 if fmt == "page" else 2)
    two = tmp_path / "two.hocr"
    two.write_bytes(page.read_bytes())
    assert main(["correct", str(page), str(two), "--out-dir", str(tmp_path / "o"), "--articles", str(articles), *models]) == 2


def _page_with_a_merged_line() -> tuple[Document, int]:
    """Two stacked two-column stories; one row of the lower story merged across its gutter.
    Returns the document and the number of its lines."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [headline("乙市图书馆开放", 40, y), *body(B, 40, y + 3 * H, 2)]
    rows = [l for l in below[1:] if l.box.y0 == y + 3 * H + PITCH]
    merged = Line(words=rows[0].words + rows[1].words, box=Box.union([r.box for r in rows]))
    lines = [l for l in below if l not in rows] + [merged] + top
    return document(lines[::-1]), len(lines)


def _placed(doc: Document) -> Counter[tuple]:
    """Every word and glyph with its text and box: what must survive regrouping."""
    return Counter((w.text, w.box, tuple((g.text, g.box) for g in w.glyphs)) for w in doc.words())


@pytest.mark.parametrize("fmt", ["page", "alto"])
def test_page_and_alto_output_group_the_stories_and_keep_every_coordinate(fmt: str) -> None:
    """PAGE/ALTO written from a grouped page (what ``ocrfix correct`` writes): one region or
    text block per headline and paragraph, one ReadingOrder group / ComposedBlock per story, the
    merged line split into one line per column; every word and glyph box kept; read back, the
    same stories in the same order."""
    from lxml import etree

    from ocrfix.formats import parse_document, write_document
    from ocrfix.formats.grouping import regroup

    hocr, n_lines = _page_with_a_merged_line()
    source = parse_document(write_document(hocr, fmt), f"page.{fmt}")  # the file as an engine would write it
    flow = reflow_document(source)
    out = write_document(regroup(source, flow), fmt)
    back = parse_document(out, f"out.{fmt}")
    assert reflow_document(back).text == flow.text and reflow_document(back).articles() == flow.articles()
    assert _placed(back) == _placed(source)
    assert sum(len(b.lines) for p in back.pages for b in p.blocks) == n_lines + 1  # the merged line, split
    root = etree.fromstring(out)
    if fmt == "page":
        schema = page_schema()
        assert schema.validate(root), schema.error_log
        groups = [g for g in root.iter() if etree.QName(g).localname == "OrderedGroupIndexed"]
        regions = {r.get("id"): r for r in root.iter() if etree.QName(r).localname == "TextRegion"}
        own = {k: [c for c in r if etree.QName(c).localname == "TextEquiv"][0][0].text for k, r in regions.items()}
        texts = [[own[ref.get("regionRef")].replace("\n", "") for ref in g] for g in groups]
    else:
        groups = [g for g in root.iter() if etree.QName(g).localname == "ComposedBlock"]
        texts = [["".join(s.get("CONTENT") for s in b.iter() if etree.QName(s).localname == "String") for b in g] for g in groups]
    assert texts == [["甲地运动会", *A], ["乙市图书馆开放", *B]]


def test_a_single_story_page_keeps_its_structure() -> None:
    from ocrfix.formats import parse_document, write_document
    from ocrfix.formats.grouping import regroup

    lines = [headline("乙市图书馆", 40, 40), *body(B, 40, 40 + 3 * H, 2)]
    source = parse_document(write_document(document(lines), "page"), "page.xml")
    assert regroup(source, reflow_document(source)) == source


def _declaring(lines: list[Line], groups: list[list[int]], fmt: str) -> Document:
    """A PAGE or ALTO file with one block per line, its stories declared as ``groups`` of
    line indices (a ReadingOrder group / ComposedBlock each), read back."""
    from dataclasses import replace

    from ocrfix.formats import parse_document, write_document

    grouped = replace(document(lines), pages=(replace(document(lines).pages[0], stories=tuple(map(tuple, groups))),))
    return parse_document(write_document(grouped, fmt), f"page.{fmt}")


@pytest.mark.parametrize("fmt", ["page", "alto"])
def test_the_files_own_stories_are_used_where_the_geometry_agrees(fmt: str) -> None:
    """Two stories set one under the other with no headline and no wider gap: the geometry sees
    one story; the file's grouping (ReadingOrder groups / ComposedBlocks) splits it in two."""
    upper = body(A, 40, 40, 1)
    lower = body(B, 40, max(l.box.y1 for l in upper) + PITCH - H, 1)
    plain = document(upper + lower)
    assert len(stories_of(plain)) == 1
    declared = _declaring(upper + lower, [list(range(len(upper))), list(range(len(upper), len(upper + lower)))], fmt)
    assert declared.pages[0].stories
    assert stories_of(declared) == [[("paragraph", p) for p in A], [("paragraph", p) for p in B]]


@pytest.mark.parametrize("fmt", ["page", "alto"])
def test_the_geometry_wins_where_the_files_grouping_crosses_stories(fmt: str) -> None:
    """Groups that put one story's headline with the other story's body (an engine's blocks
    running across stories) are not used: the stories are the geometry's."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [headline("乙市图书馆开放", 40, y), *body(B, 40, y + 3 * H, 2)]
    lines = top + below
    mixed = [0, *range(len(top) + 1, len(lines))]  # the upper headline with the lower story's body
    declared = _declaring(lines, [mixed, [k for k in range(len(lines)) if k not in mixed]], fmt)
    assert declared.pages[0].stories
    assert stories_of(declared) == stories_of(document(lines)) == [
        [("headline", "甲地运动会"), *(("paragraph", p) for p in A)], [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B)]]


def test_a_line_short_by_its_half_width_digits_does_not_end_its_paragraph() -> None:
    """``病例共计67550例。`` ends a sentence 1.5 characters short of the column's edge, but its
    five half-width digits take 2.5 characters less than Han would: the line is full, and the
    paragraph goes on in the next line."""
    def narrow_line(text: str, x: int, y: int) -> Line:
        words, left = [], x
        for ch in text:
            step = H // 2 if ch.isdigit() else H
            words.append(Word(ch, Box(left, y, left + step, y + H), conf=0.9))
            left += step
        return Line(words=tuple(words), box=Box(x, y, left, y + H))

    first = body([A[0], A[1]], 40, 40, 1)
    y = max(l.box.y1 for l in first) + PITCH - H
    rows = ["上海今日新增确诊", "病例共计67550例。", "目前已全部出院。"]
    lines = first + [narrow_line(text, 40 + (2 * H if k == 0 else 0), y + k * PITCH) for k, text in enumerate(rows)]
    paragraphs = [b.text for b in reflow_document(document(lines)).blocks]
    assert paragraphs[-1] == "".join(rows)


def test_story_under_the_short_column_of_an_l_shaped_story_keeps_its_own_headline() -> None:
    """Story A's first column runs down beside story B, which sits under A's short second
    column: no cut separates them (A's long column blocks every gap across), so B's headline
    takes what is below it and does not join A's head group."""
    top = 40 + 3 * H
    a = [headline("甲地运动会开幕", 40, 40), *body(A + C, 40, top, 2, rows=9)]
    col2_foot = max(l.box.y1 for l in a if l.box.x0 > 40 + CELLS * H)
    x2, y = 40 + CELLS * H + GUTTER, col2_foot + STORY_GAP
    b = [headline("乙市图书馆", x2, y), *body(B, x2, y + 3 * H, 1)]
    got = stories_of(document(b[::-1] + a))
    assert got == [[("headline", "甲地运动会开幕"), *(("paragraph", p) for p in A + C)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_kicker_and_sub_headline_between_body_and_headline_size_stay_in_the_head_group() -> None:
    """A kicker (1.15x the body) above the headline and a sub-headline under it head their
    story, also when the next story's headline stands on the same row; a byline right under
    them, a pixel or two larger than the body, stays a byline."""
    kicker, sub = int(1.15 * H), int(1.2 * H)
    left = [make_line("新春走基层", 40, 40, kicker), headline("甲地运动会", 40, 40 + kicker + 8),
            make_line("三十所学校参赛", 40, 40 + kicker + 8 + 2 * H + 10, sub)]
    left.append(make_line("本报记者王伟", 40, left[-1].box.y1 + 10, H + 2))
    top = max(l.box.y1 for l in left) + 10
    left += body(A, 40, top, 2)
    x = 40 + width(2) + STORY_GAP
    right = [headline("乙市图书馆", x, 40 + kicker + 8), *body(B, x, top, 2)]
    got = stories_of(document(right + left[::-1]))
    assert got == [[("headline", "新春走基层"), ("headline", "甲地运动会"), ("headline", "三十所学校参赛"), ("byline", "本报记者王伟"),
                    *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_the_engine_read_as_one_line_are_split_at_the_wide_gap() -> None:
    """Side-by-side stories' headlines merged into one line: nothing spans the gap between the
    stories under it (their columns are separate lines), yet a gap of several headline
    characters splits it."""
    x = 40 + width(2) + STORY_GAP
    merged = Line(words=headline("甲地运动会", 40, 40).words + headline("乙市图书馆", x, 40).words,
                  box=Box(40, 40, x + 5 * 2 * H, 40 + 2 * H))
    got = stories_of(document([merged, *body(A, 40, 40 + 3 * H, 2), *body(B, x, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]
    speck = Word("_", Box(x + 16 * H, 40 + H, x + 16 * H + 8, 40 + 2 * H))  # a scan speck far off the headline's end
    specked = Line(words=(*headline("乙市图书馆", x, 40).words, speck), box=Box(x, 40, speck.box.x1, 40 + 2 * H))
    got = stories_of(document([specked, *body(B, x, 40 + 3 * H, 2)]))
    assert [kind for kind, _ in got[0]] == ["headline"] + ["paragraph"] * len(B) and got[0][0][1].endswith("_")


def test_stories_stacked_beside_a_strip_are_cut_apart_before_their_aligned_gutters() -> None:
    """Two stacked stories whose gutters line up, beside a one-column strip that blocks every
    cut across the page: the headlines of the stacked stories (one centred, one flush left) are
    not side by side, so no cut runs down between them; the widest gap (to the strip) is cut
    first, so each story keeps all its columns."""
    lead = [headline("运动会", 40 + width(3) // 2 - 3 * H, 40), *body(A + C, 40, 40 + 3 * H, 3)]
    y = max(l.box.y1 for l in lead) + STORY_GAP
    below = [headline("图书馆", 40, y), *body(B + A, 40, y + 3 * H, 3)]
    xs = 40 + width(3) + STORY_GAP
    strip = [headline("丙县菜农", xs, 40), *body(C + B + A + C, xs, 40 + 3 * H, 1)]
    got = stories_of(document(strip + below + lead))
    assert got == [[("headline", "运动会"), *(("paragraph", p) for p in A + C)],
                   [("headline", "图书馆"), *(("paragraph", p) for p in B + A)],
                   [("headline", "丙县菜农"), *(("paragraph", p) for p in C + B + A + C)]]


def test_a_body_line_one_pixel_taller_under_a_headline_stays_in_its_paragraph() -> None:
    """Small type (14 px, set on a 15 px grid): a column's first line, its box one pixel
    taller (1.07 h), right under the headline is body text, not a sub-headline."""
    small, gap = 14, 8
    lines = [make_line("甲地运动会", 40, 40, 2 * small)]
    y = 40 + 2 * small + 8
    text = "　　" + A[0] + A[1]
    rows = [text[k:k + CELLS] for k in range(0, len(text), CELLS)]
    for r, row in enumerate(rows):
        size = small + 1 if r == 0 else small
        words = tuple(Word(ch, Box(40 + i * 15, y, 40 + i * 15 + small, y + size)) for i, ch in enumerate(row) if ch != "　")
        lines.append(Line(words=words, box=Box(words[0].box.x0, y, words[-1].box.x1, y + size)))
        y += small + gap
    got = stories_of(document(lines))
    assert got == [[("headline", "甲地运动会"), ("paragraph", A[0] + A[1])]]


def test_a_small_kicker_a_line_apart_above_the_headline_stays_with_its_story() -> None:
    """A story down the right of the page under a body-sized kicker set a little over a line
    above its headline; stories A and B are stacked on the left. The kicker does not keep the
    headline from starting its story (it would join story B's head group, the kicker B's body);
    read as a body line, it comes after the headline."""
    a = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in a) + STORY_GAP
    b = [headline("乙市图书馆开放", 40, y), *body(B, 40, y + 3 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    head_top = 40 + H + int(1.05 * H) + 1
    c = [make_line("新春走基层", x, 40), headline("丙县合作社", x, head_top), *body(C, x, head_top + 3 * H, 1)]
    got = stories_of(document(c + b[::-1] + a))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B)],
                   [("headline", "丙县合作社"), ("paragraph", "新春走基层"), *(("paragraph", p) for p in C)]]


def test_a_small_kicker_that_the_cut_parts_from_its_headline_stays_with_its_story() -> None:
    """A body-sized kicker a little over a line above its headline, the gap between them wide
    enough to cut across: the kicker is a leaf of its own, which used to be read as a story of
    its own (or as the end of the story before); it comes after its headline, as a kicker the
    cut leaves with its headline does."""
    head_top = 40 + H + 4 * H // 3
    lines = [make_line("新春走基层", 40, 40), headline("丙县合作社", 40, head_top), *body(C, 40, head_top + 3 * H, 2)]
    got = stories_of(document(lines[::-1]))
    assert got == [[("headline", "丙县合作社"), ("paragraph", "新春走基层"), *(("paragraph", p) for p in C)]]


def _blob(text: str, box: Box) -> Line:
    return Line(words=(Word(text, box, conf=0.4),), box=box)


def test_a_rule_or_speck_read_as_text_ends_its_story_instead_of_parting_headline_and_body() -> None:
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    rule = _blob("二", Box(40, 40 + 2 * H + 10, 40 + width(2), 40 + 2 * H + 16))  # a thin rule under the headline
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [headline("乙市图书馆开放", 40, y), *body(B, 40, y + 3 * H, 2)]
    speck = _blob("约", Box(40 + 3 * H, y + 2 * H + 8, 40 + 3 * H + 3, y + 2 * H + 10))
    got = stories_of(document(below + [speck, rule] + top))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A), ("paragraph", "二")],
                   [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B), ("paragraph", "约")]]


def test_a_speck_cut_off_a_row_of_the_story_beside_does_not_part_headline_and_body() -> None:
    """A speck read as a letter (``外``, 4 px by 2, confidence 0.3) that the engine read into a body row of the
    story to the left, far past its end and just under the right story's headline, is cut off
    that row at the gap: it ends the right story instead of standing between its headline and
    its body as a paragraph of its own."""
    left = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 1)]
    x = 40 + width(1) + STORY_GAP
    right = [headline("乙市图书馆开放", x, 40 + 3 * H), *body(B, x, 40 + 6 * H, 1)]
    row = next(l for l in left if l.box.y0 == 40 + 3 * H + PITCH)  # level with the right headline's foot
    speck = Word("外", Box(x + 3 * H, row.box.y0 + H // 2, x + 3 * H + 4, row.box.y0 + H // 2 + 2), conf=0.3)
    merged = Line(words=row.words + (speck,), box=Box.union([row.box, speck.box]))
    got = stories_of(document([merged if l is row else l for l in left] + right))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B), ("paragraph", "外")]]


def test_a_misread_number_boxed_as_small_as_a_speck_stays_in_its_place() -> None:
    """A paragraph's last figures the engine misread (``913。”`` for ``91%。”``, each word under 0.5, boxed
    under a quarter of the type) are text, not a speck: a speck is read as a glyph or two."""
    from ocrfix.formats.layout import _speck_piece
    from ocrfix.formats.placed import PlacedLine

    def piece(text: str) -> PlacedLine:
        box = Box(400, 100, 400 + 6 * len(text), 100 + H // 5)
        return PlacedLine(text, box, H // 5, 0, (Word(text, box, conf=0.3),))

    assert _speck_piece(piece("外"), H) and _speck_piece(piece("[L"), H)
    assert not _speck_piece(piece("913。”"), H) and not _speck_piece(piece("。”"), H)


def test_specks_read_as_punctuation_in_a_gap_between_stories_do_not_bridge_it() -> None:
    """One row merged across a three-character gap that holds specks read as '。' and '|，'
    (their boxes close the gap) is split; a body line whose '、' takes its cell (the letters
    around it 1.5 characters apart) stays whole."""
    from ocrfix.formats.layout import _line_numbers
    from ocrfix.formats.line_splits import split_lines

    left = make_line("左" * CELLS, 40, 40)
    end = left.box.x1
    specks = (Word("。", Box(end + 4, 40, end + 12, 40 + H)), Word("|，", Box(end + 14, 40, end + int(2.6 * H), 40 + H)))
    right = make_line("右" * CELLS, end + 3 * H, 40)
    merged = Line(words=left.words + specks + right.words, box=Box.union([left.box, right.box]))
    y = 40 + 2 * PITCH
    mark = Word("、", Box(40 + 2 * H + 8, y + 10, 40 + 2 * H + 14, y + 16))  # its ink only, 1.5 cells between the letters
    listing = make_line("书记", 40, y).words + (mark,) + make_line("国家主席", 40 + 2 * H + 3 * H // 2, y).words
    listing = Line(words=listing, box=Box.union([w.box for w in listing]))
    rows = [merged, listing]
    pieces = split_lines(rows, {id(l): float(H) for l in rows}, float(H), _line_numbers(document(rows)))
    assert [p.text for p in pieces] == ["左" * CELLS + "。 |，", "右" * CELLS, "书记、国家主席"]


def test_large_text_under_a_column_of_the_body_does_not_part_headline_and_body() -> None:
    """Large type read under the last line of a story's second column (a photo or a rule read
    as large garbage: no story starts there) comes after the story's body; it used to be read
    as a headline of the story, between its headline and its body."""
    lines = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    second = [l for l in lines if l.box.x0 > 40 + width(1)]
    photo = make_line("图片甲乙", second[0].box.x0, max(l.box.y1 for l in second) + H // 2, size=2 * H)
    got = stories_of(document([photo, *lines[::-1]]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A), ("paragraph", "图片甲乙")]]


def test_large_text_under_the_first_column_of_the_body_does_not_part_headline_and_body() -> None:
    """Large type read under the last line of a story's first column (a body row whose boxes the
    engine swelled to two rows, a photo read as large glyphs) comes after the story's body, as
    under a later column; it used to be read as a headline, between the headline and the body:
    the headline's leaf was out, but no column of the body had been read yet."""
    lines = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    first = [l for l in lines[1:] if l.box.x0 < 40 + width(1)]
    large = make_line("图片甲乙", first[0].box.x0, max(l.box.y1 for l in first) + H // 2, size=2 * H)
    got = stories_of(document([large, *lines[::-1]]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A), ("paragraph", "图片甲乙")]]


def test_a_headline_does_not_own_the_story_beside_it_whose_headline_was_lost() -> None:
    """The engine lost the left story's headline (read as a rule or nothing): its columns start
    beside the right story's headline, which heads only what is under it."""
    left = body(A, 40, 40 + H, 2)
    x = 40 + width(2) + STORY_GAP
    right = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 2)]
    got = stories_of(document(right + left))
    assert got == [[("paragraph", p) for p in A], [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


@dataclass(frozen=True)
class Item:
    """A named line of the story layout: only its ``core`` box counts."""

    name: str
    core: Box


def _stories_of_leaves(monkeypatch, leaves: list[list[Item]]) -> list[list[str]]:
    """The stories (their items' names) that :func:`~ocrfix.formats.stories.stories` makes of the
    XY-cut's ``leaves`` (``h`` 30; an item whose name ends in ``head`` is a headline)."""
    from ocrfix.formats import stories as layout_stories

    monkeypatch.setattr(layout_stories.XYCut, "leaves", lambda self, items: leaves)
    got = layout_stories.stories([t for leaf in leaves for t in leaf], 30, lambda t: t.name.endswith("head"))
    return [[t.name for leaf in story for t in leaf] for story in got]


def test_a_leaf_starting_far_above_the_last_story_s_headline_belongs_to_the_story_before(monkeypatch) -> None:
    """Story A's long last column runs down beside story B, which sits under A's short first
    column; the cut reads B's headline, then A's long column (it starts far above B's
    headline: B's body cannot), then B's body."""
    a_head, a_first = Item("A head", Box(0, 0, 600, 60)), Item("A col 1", Box(0, 100, 280, 400))
    b_head, b_body = Item("B head", Box(0, 460, 280, 520)), Item("B body", Box(0, 540, 280, 900))
    a_long = Item("A col 2", Box(320, 100, 600, 900))
    assert _stories_of_leaves(monkeypatch, [[a_head], [a_first], [b_head], [a_long], [b_body]]) == [
        ["A head", "A col 1", "A col 2"], ["B head", "B body"]]


def test_a_column_beside_a_kicker_on_top_of_a_one_column_headline_stays_in_its_story(monkeypatch) -> None:
    """Story B under story A: a body-sized kicker over B's one-column headline, and B's second
    column beside them, starting level with the kicker, more than ``ABOVE × h`` above the
    headline itself. It starts beside B's head group, not above it: it is B's, not A's."""
    a_head, a_body = Item("A head", Box(0, 0, 600, 60)), Item("A body", Box(0, 100, 600, 400))
    kicker, b_head = Item("B kicker", Box(0, 460, 250, 490)), Item("B head", Box(0, 530, 280, 590))
    b_first, b_second = Item("B col 1", Box(0, 620, 280, 900)), Item("B col 2", Box(320, 462, 600, 900))
    assert _stories_of_leaves(monkeypatch, [[a_head], [a_body], [kicker, b_head], [b_first], [b_second]]) == [
        ["A head", "A body"], ["B kicker", "B head", "B col 1", "B col 2"]]


def test_a_column_starting_above_a_headline_but_under_the_story_before_stays_in_its_story(monkeypatch) -> None:
    """Story B under story A, B's kicker lost by the engine: B's second column starts level with
    where the kicker stood, more than ``ABOVE × h`` above B's one-column headline, but under all
    of story A. It has not carried on from A: it is B's."""
    a_head, a_body = Item("A head", Box(0, 0, 600, 60)), Item("A body", Box(0, 100, 600, 400))
    b_head, b_first, b_second = Item("B head", Box(0, 530, 280, 590)), Item("B col 1", Box(0, 620, 280, 900)), \
        Item("B col 2", Box(320, 462, 600, 900))
    assert _stories_of_leaves(monkeypatch, [[a_head], [a_body], [b_head], [b_first], [b_second]]) == [
        ["A head", "A body"], ["B head", "B col 1", "B col 2"]]


def test_a_photo_read_as_one_large_glyph_over_a_column_heads_nothing() -> None:
    """Large type of fewer than three wide letters (a photo over a column read as ``学``)
    is no headline: it neither starts a story nor parts the story's columns."""
    x2 = 40 + CELLS * H + GUTTER
    lines = [headline("甲地运动会开幕", 40, 40), *body(A + C, 40, 40 + 3 * H, 2)]
    lines = [shifted(l, 5 * H) if l.box.x0 >= x2 else l for l in lines]  # a photo over the second column
    photo = headline("学", x2 + 3 * H, 40 + 5 * H)
    got = stories_of(document(lines + [photo]))
    assert len(got) == 1 and [kind for kind, _ in got[0]].count("headline") == 1
    assert [text for _, text in got[0]][-len(C):] == C


def shifted(line: Line, dy: int) -> Line:
    words = tuple(Word(w.text, Box(w.box.x0, w.box.y0 + dy, w.box.x1, w.box.y1 + dy), conf=w.conf) for w in line.words)
    return Line(words=words, box=Box(line.box.x0, line.box.y0 + dy, line.box.x1, line.box.y1 + dy))


def test_specks_read_over_a_headline_end_its_story_instead_of_following_the_headline() -> None:
    """A rule above the headline read as a line of its own (``、、``, ``本``) whose box lies over
    the headline's: no text is printed there, so it does not stand between headline and body."""
    head = headline("甲地运动会隆重开幕", 40, 40)
    rule = Line(words=(Word("、、", Box(60, 44, 500, 52), conf=0.3),), box=Box(60, 44, 500, 52))
    glyph = make_line("本", 300, 50, size=H // 2)
    got = stories_of(document([rule, glyph, head, *body(A, 40, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会隆重开幕"), *(("paragraph", p) for p in A), ("paragraph", "、、"), ("paragraph", "本")]]


def test_a_headline_the_engine_read_into_a_body_row_beside_it_heads_its_own_story() -> None:
    """The engine read a headline and the body row beside it (another story's column, on the
    same row) as one line: most of its words are body-sized, so the line is. The piece cut off
    at the gap is set large all through and its characters stand as far apart as they are high:
    it is a headline, not the end of the story above it."""
    x = 40 + width(2) + STORY_GAP
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    beside = [headline("乙市图书馆", x, 40), *body(B + A + C, x, 40 + 3 * H, 2)]
    row = min((l for l in beside[1:] if l.box.x0 < x + width(1) and l.box.y0 >= y), key=lambda l: l.box.y0)
    head = headline("丙县菜农", 40, row.box.y0)
    merged = Line(words=head.words + row.words, box=Box.union([head.box, row.box]))
    got = stories_of(document([*top, *(l for l in beside if l is not row), merged, *body(C, 40, row.box.y0 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "丙县菜农"), *(("paragraph", p) for p in C)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B + A + C)]]


def test_a_body_row_whose_boxes_the_engine_swelled_stays_body_when_cut_from_its_neighbour() -> None:
    """A body row merged across the gutter with the row beside it, its word boxes swollen to two
    rows' height and a little spread: tall, but its characters stand no further apart than body
    type does. The piece keeps its line's size: no headline in the middle of the story."""
    paragraphs = ["丁区新修的公园今天开放。", "公园里种了很多树和花草还有一个很大的湖可以划船。", "附近的居民都说来这里散步很方便。"]
    lines = [headline("丁区公园", 40, 40), *body(paragraphs, 40, 40 + 3 * H, 2)]
    short = next(l for l in lines if l.text() == "天开放。")
    x, y = short.box.x0, short.box.y0
    swollen = tuple(Word(w.text, Box(x + i * 3 * H // 2, y, x + i * 3 * H // 2 + H, y + 2 * H), conf=0.9) for i, w in enumerate(short.words))
    beside = next(l for l in lines if l.box.y0 == y and l.box.x0 > x)
    merged = Line(words=swollen + beside.words, box=Box.union([beside.box, Box(x, y, swollen[-1].box.x1, y + 2 * H)]))
    got = stories_of(document([l for l in lines if l is not short and l is not beside] + [merged]))
    assert got == [[("headline", "丁区公园"), *(("paragraph", p) for p in paragraphs)]]


def test_a_body_row_read_across_two_stories_with_swollen_boxes_is_cut_at_the_gap_between_them() -> None:
    """The engine read a row of one story's last column and the row beside it in the next
    story's first column as one line, its word boxes swollen to over two rows (the line's box
    keeps the row), a comma at the end of the first part. Tall and spread over the wide gap
    between the stories, the line is still no headline: its characters stand no further apart
    than body type does, far less than they are high. Cut at the gap, each story keeps its
    row; joined, it would bridge the gap and read both headlines before either body."""
    gap = 6 * H
    paragraphs = ["甲地今天举行春季运动会各校学生积极，参加比赛的学生很多。", "组委会表示明年还将继续举办。"]
    left = [headline("甲地运动会", 40, 40), *body(paragraphs, 40, 40 + 3 * H, 1)]
    x = 40 + width(1) + gap
    right = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 2)]
    row = next(l for l in left if l.text().endswith("，"))
    beside = next(l for l in right if l.box.y0 == row.box.y0 and l.box.x0 < x + width(1))
    y = row.box.y0
    swollen = tuple(Word(w.text, Box(w.box.x0, y - 3 * H // 4, w.box.x1, y + 7 * H // 4), conf=0.9) for w in row.words + beside.words)
    merged = Line(words=swollen, box=Box(row.box.x0, y, beside.box.x1, y + H))
    got = stories_of(document([*(l for l in left if l is not row), *(l for l in right if l is not beside), merged]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in paragraphs)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_read_as_one_line_across_a_speck_are_split_where_the_stories_part() -> None:
    """Side-by-side stories' headlines read as one line with a speck between them read as
    ``。``: a headline's gap that holds punctuation is no river (its mark takes a cell), but here
    the letters stand a river's width further apart than the speck takes, both sides are set
    large, and the rows under it, read across the gap too, leave a band as wide as the gap
    between two stories blank there: the line is cut and each headline heads its own story
    (the speck stays on the first)."""
    left = headline("甲地春季运动会昨开幕", 40, 40)
    x = 40 + width(2) + STORY_GAP
    right = headline("乙市图书馆", x, 40)
    speck = Word("。", Box(left.box.x1 + H // 2, 40, left.box.x1 + H, 40 + 2 * H), conf=0.5)
    merged = Line(words=(*left.words, speck, *right.words), box=Box(40, 40, right.box.x1, 40 + 2 * H))
    lines = [merged, *body(A, 40, 40 + 3 * H, 2), *body(B, x, 40 + 3 * H, 2)]
    # the rows under it read across the gap too (whole-page OCR), and split there again
    for row in [l for l in lines if 40 + width(1) < l.box.x0 < x]:
        beside = next((l for l in lines if l.box.y0 == row.box.y0 and x <= l.box.x0 < x + width(1)), None)
        if beside is not None:
            lines = [l for l in lines if l is not row and l is not beside]
            lines.append(Line(words=row.words + beside.words, box=Box.union([row.box, beside.box])))
    got = stories_of(document(lines))
    assert got == [[("headline", "甲地春季运动会昨开幕。"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_a_column_of_the_story_under_an_l_shaped_story_that_its_headline_does_not_cover_stays_in_it() -> None:
    """Story B sits under the short columns of L-shaped story A (its headline, over its long column and part of the next,
    leaves no cut across or down), B's headline over its first column only, a little more than a line's
    height above its body: B's second column starts where B's body does, beside the headline's
    foot, not under it. It is B's (it carries on from nothing of A's), not read into A."""
    top = 40 + 3 * H
    x2 = 40 + CELLS * H + GUTTER
    a_long, a_short = [*A, *C], ["丁区新修的公园今天开放。", "附近的居民都说来这里散步很方便。"]
    a = [headline("甲地运动会开幕", 40, 40), *body(a_long, 40, top, 1), *body(a_short, x2, top, 2)]
    y = max(l.box.y1 for l in a if l.box.x0 >= x2) + STORY_GAP
    xb = x2 + 3 * H  # B's columns do not line up with A's: no gap runs down either
    b = [headline("乙市图书馆", xb, y), *body(B, xb, y + 2 * H + 3 * H // 2, 2)]
    got = stories_of(document(b[::-1] + a))
    assert got == [[("headline", "甲地运动会开幕"), *(("paragraph", p) for p in a_long + a_short)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_a_story_under_an_l_shaped_story_whose_headline_stands_apart_heads_what_is_below_it() -> None:
    """Story A's long column runs down beside story B, set under A's short column; A's headline
    stands far enough above its body to be cut off across, and the engine swelled the last box of
    a line of A's long column over the gutter, so no cut runs down either. B's headline, the one
    head group left, stands a story gap under A's short column (no line carries on into it): it
    heads what is below it, after the rest of A. It used to be read into A's head group."""
    top = 40 + 4 * H
    a = [headline("甲地运动会开幕", 40, 40), *body(A + C, 40, top, 2, rows=9)]
    x2 = 40 + CELLS * H + GUTTER
    long = min((l for l in a if l.box.y0 >= top and l.box.x1 == 40 + CELLS * H), key=lambda l: l.box.y0)
    *rest, last = long.words
    swollen = Line(words=(*rest, Word(last.text, Box(last.box.x0, last.box.y0, x2 - 2, last.box.y1), conf=0.9)),
                   box=Box(long.box.x0, long.box.y0, x2 - 2, long.box.y1))
    a = [swollen if l is long else l for l in a]
    y = max(l.box.y1 for l in a if l.box.x0 >= x2) + STORY_GAP
    b = [headline("乙市图书馆", x2, y), *body(B, x2, y + 3 * H, 1)]
    got = stories_of(document(b[::-1] + a))
    assert got == [[("headline", "甲地运动会开幕"), *(("paragraph", p) for p in A + C)],
                   [("headline", "乙市图书馆"), *(("paragraph", p) for p in B)]]


def test_two_headlines_read_into_a_body_row_across_specks_and_a_rule_are_split_between_them() -> None:
    """The engine read a body row of story A and, beside it, the second lines of the two-line
    headlines of stories B and C (side by side, a column rule between them) as one line, the
    rule and two specks read as ``。|。`` in the gap between the headlines. The line is body
    (most of its words are), cut at the gap after A's row and at the gap between the headlines;
    the two headline pieces keep that cut, as a headline line read alone would be cut at the
    rule. Joined, they made one head group of both stories."""
    left = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 1)]
    row = sorted(left[1:], key=lambda l: l.box.y0)[1]
    y = row.box.y0
    xb = 40 + width(1) + STORY_GAP
    xc = xb + width(1) + STORY_GAP
    b1, b2 = headline("乙市新图书", xb, y - 5 * H // 2), headline("馆今天开放", xb, y)
    c1, c2 = headline("丙县蔬菜", xc, y - 5 * H // 2), headline("喜获丰收", xc, y)
    x = b2.box.x1
    specks = (Word("。", Box(x + 5, y, x + 20, y + 2 * H), conf=0.6), Word("|", Box(x + 35, y, x + 43, y + 2 * H), conf=0.6),
              Word("。", Box(x + 60, y, x + 70, y + 2 * H), conf=0.6))
    merged = Line(words=(*row.words, *b2.words, *specks, *c2.words), box=Box(row.box.x0, y, c2.box.x1, y + 2 * H))
    got = stories_of(document([*(l for l in left if l is not row), b1, c1, merged, *body(B, xb, y + 3 * H, 1), *body(C, xc, y + 3 * H, 1)]))
    assert [[kind for kind, _ in story if kind == "headline"] for story in got] == [["headline"], ["headline"] * 2, ["headline"] * 2]
    assert [[t for kind, t in story if kind == "paragraph"] for story in got] == [A, B, C]
    assert got[1][:2] == [("headline", "乙市新图书"), ("headline", "馆今天开放。|。")]
    assert got[2][:2] == [("headline", "丙县蔬菜"), ("headline", "喜获丰收")]


def test_a_paragraph_s_last_line_cut_off_at_a_column_s_top_by_a_lost_line_ends_its_paragraph() -> None:
    """A paragraph runs from the first column into the second, whose top line is its short last
    line; the engine lost the next line (the next paragraph's first), and the story layout cuts
    the column across at the gap. The short line, a column of its own, continues the column
    below it, so its edges are the column's: it ends its paragraph. Measured alone it looked
    full, and the next paragraph ran on from it."""
    rows = body(A, 40, 40 + 3 * H, 1)
    x2 = 40 + CELLS * H + GUTTER
    moved = [*rows[:2], *(make_line(l.text(), l.box.x0 - 40 + x2, l.box.y0 - 2 * PITCH) for l in rows[2:])]
    lost = moved[3]
    assert moved[2].text() == "加比赛。" and lost.text() == A[1][:8]
    got = stories_of(document([headline("甲地运动会", 40, 40), *(l for l in moved if l is not lost)]))
    assert got == [[("headline", "甲地运动会"), ("paragraph", A[0]), ("paragraph", A[1][8:]), ("paragraph", A[2])]]


def test_a_sentence_end_short_by_the_width_the_next_line_sets_its_digits_in_does_not_end_its_paragraph() -> None:
    """``…的高新技术企业。`` ends a sentence 2.6 characters short of the column's edge (two cells
    and the blank right of its stop's ink), and the next line starts with ``2018``, four digits
    the font sets 0.65 of a character wide each: they did not fit, and the typesetter carried
    them over. Counted half a character each they would have fitted: the paragraph was cut."""
    def line(words: list[tuple[str, float]], x: int, y: int) -> Line:
        boxes, left = [], x
        for text, cells in words:
            boxes.append(Word(text, Box(left, y, left + round(cells * H), y + H), conf=0.9))
            left += round(cells * H)
        return Line(words=tuple(boxes), box=Box(x, y, left, y + H))

    rows = [[(ch, 1) for ch in "甲地今天举行春季"], [(ch, 1) for ch in "运动会各校学生积极参"], [(ch, 1) for ch in "赛的学校中有一半是新"],
            [*((ch, 1) for ch in "成立的乡村学校"), ("。", 0.4)], [("2018", 2.6), *((ch, 1) for ch in "年学生人数比")],
            [(ch, 1) for ch in "去年又增加了三成多，"], [(ch, 1) for ch in "组委会表示明年还将继"], [(ch, 1) for ch in "续举办。"]]
    lines = [line(words, 40 + (2 * H if k == 0 else 0), 40 + 3 * H + k * PITCH) for k, words in enumerate(rows)]
    got = stories_of(document([headline("甲地运动会", 40, 40), *lines]))
    assert got == [[("headline", "甲地运动会"), ("paragraph", "".join(t for words in rows for t, _ in words))]]


def test_a_headline_set_a_little_larger_than_the_body_and_spaced_as_large_heads_its_story() -> None:
    """The lower story's headline is set 1.3 × the body size, which Tesseract's boxes measure
    1.23 × ``h`` (its bold face's ink against the body's), its characters standing as far apart:
    a headline. At under 1.25 × ``h`` it was read as a line of the story above."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    size = 37  # 1.23 H
    below = [make_line("乙市图书馆今天开放", 40, y, size=size), *body(B, 40, y + size + H, 2)]
    got = stories_of(document(below[::-1] + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆今天开放"), *(("paragraph", p) for p in B)]]


PAD = 0.2  # × a line's type size: how far PP-OCR's detection boxes reach past its ink above and below


def paddle(lines: list[Line]) -> Document:
    """``lines`` as PP-OCR reads them (a PaddleOCR 3.x result): one box a line, no word boxes,
    each box padded ``PAD`` of its type size above and below the ink and a third of that at
    either end."""
    from ocrfix.formats import parse_document

    def padded(box: Box) -> list[int]:
        pad = round(PAD * box.height)
        return [box.x0 - pad // 3, box.y0 - pad, box.x1 + pad // 3, box.y1 + pad]

    result = {"rec_texts": [l.text() for l in lines], "rec_scores": [0.99] * len(lines), "rec_boxes": [padded(l.box) for l in lines]}
    return parse_document(json.dumps(result, ensure_ascii=False).encode("utf-8"), "page.json")


def test_a_headline_set_tight_in_padded_line_boxes_heads_its_story() -> None:
    """PP-OCR's line boxes are padded: the body's type size ``h`` (box height 1.4 × the body's
    character pitch) overstates the type. The lower story's headline is set 1.3 × the body's
    type with its characters as tight: 1.3 × the pitch apart, but under 1.2 × ``h``. Measured
    against ``h`` it was read as a line of the story above."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [make_line("乙市图书馆今天开放", 40, y, size=39), *body(B, 40, y + 39 + H, 2)]
    got = stories_of(paddle(below[::-1] + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆今天开放"), *(("paragraph", p) for p in B)]]


def test_a_kicker_set_a_little_larger_than_the_body_in_padded_line_boxes_stays_in_its_head_group() -> None:
    """PP-OCR's padded boxes (see :func:`paddle`): the lower story's kicker is set 1.15 × the
    body's type, its characters as far apart, over its headline. Measured against ``h`` (1.4 ×
    the body's pitch) its characters stood too close for a kicker, and it was read as a body line."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    below = [make_line("本市新闻", 40, y, size=35), headline("乙市图书馆开放", 40, y + 35 + 20), *body(B, 40, y + 35 + 20 + 3 * H, 2)]
    got = stories_of(paddle(below[::-1] + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "本市新闻"), ("headline", "乙市图书馆开放"), *(("paragraph", p) for p in B)]]


def test_a_headline_whose_padded_box_is_little_taller_than_the_body_s_heads_its_story_by_its_pitch() -> None:
    """PP-OCR pads a headline's box little more than a body line's: the lower story's headline,
    set 1.4 × the body's type, measures 1.14 × ``h`` in box height, under the 1.2 × ``h`` a
    headline's size must reach; its characters stand 1.4 × the body's pitch apart, further
    than any body line's: a headline. It was read as a line of the story above."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    wide = make_line("乙市图书馆今天开放", 40, y, size=42)
    squeezed = Line(words=wide.words, box=Box(wide.box.x0, y + 4, wide.box.x1, y + 38))  # 34 px of ink
    below = [squeezed, *body(B, 40, y + 42 + H, 2)]
    got = stories_of(paddle(below[::-1] + top[::-1]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)],
                   [("headline", "乙市图书馆今天开放"), *(("paragraph", p) for p in B)]]


def test_a_column_s_first_line_a_little_larger_under_a_headline_in_padded_boxes_stays_in_its_paragraph() -> None:
    """PP-OCR's padded boxes (see :func:`paddle`): the column's first line under the headline
    measures 1.14 × ``h`` (its ink a little taller, a few pixels more padding) and its characters
    1.07 × the body's pitch (digits set full-width in a vertical page's columns count half). It
    stays in its paragraph: a sub-headline's characters stand 1.05 × the larger of ``h`` and the
    pitch apart. Measured against the pitch alone, it was let into the head group."""
    lines = body(A, 40, 40 + 3 * H, 1)
    first = lines[0]
    text = first.text()
    words = tuple(Word(ch, Box(first.box.x0 + i * 32, first.box.y0 - 2, first.box.x0 + (i + 1) * 32, first.box.y0 + 32), conf=0.9)
                  for i, ch in enumerate(text))
    lines[0] = Line(words=words, box=Box(words[0].box.x0, words[0].box.y0, words[-1].box.x1, words[0].box.y1))
    got = stories_of(paddle([headline("甲地运动会", 40, 40), *lines]))
    assert got == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)]]


def test_a_short_line_under_a_headline_s_glyphs_swollen_into_the_row_below_stays_in_its_column() -> None:
    """The engine swelled two of a two-column headline's glyph boxes down over the first row of
    the body under it (``去年1至11月…中管干部``: ``中管了`` reach the row's foot), and so the
    headline's line box. A paragraph's last line of two characters tops the second column there:
    its middle lies inside the line box, yet under every glyph's row but the swollen ones'. It is
    no speck on the headline: it ends its paragraph, which the first column's foot runs on into."""
    words = [Word(ch, Box(40 + i * 2 * H, 40, 40 + (i + 1) * 2 * H, 40 + 2 * H), conf=0.9) for i, ch in enumerate("甲地运动会今天隆重开幕")]
    y = 40 + 3 * H
    for i in (8, 9):  # over the second column's right half, down to the first body row's foot
        words[i] = Word(words[i].text, Box(words[i].box.x0, 40, words[i].box.x1, y + H), conf=0.9)
    head = Line(words=tuple(words), box=Box.union([w.box for w in words]))
    paragraphs = ["甲地今天举行春季运动会各校学生积极参加比赛运动会设田径和球类会。", "组委会表示明年还将继续举办这项运动会。"]
    got = stories_of(document([head, *body(paragraphs, 40, y, 2, rows=3)]))
    assert got == [[("headline", "甲地运动会今天隆重开幕"), *(("paragraph", p) for p in paragraphs)]]


def test_a_column_s_first_line_under_a_headline_close_on_a_swollen_body_row_stays_body() -> None:
    """A row read across the page, its boxes swollen (``当地时间10号上`` under ``吴邦国与伊朗议长举行会谈``):
    the column's indented first line is as large as a sub-headline and spaced like one, and the
    line right under it is as large too, but half its words are boxed at the body's size. That
    line is body text: a wrapped sub-headline's next line is large all through. The first line
    stands close on it, as a column's lines do, so it opens the paragraph."""
    head = headline("甲地运动会", 40, 40)
    y = head.box.y1 + H // 3
    first = tuple(Word(ch, Box(40 + 2 * H + i * 33, y, 40 + 2 * H + i * 33 + H, y + 3 * H // 2), conf=0.9)
                  for i, ch in enumerate(A[0][:8]))
    y += 3 * H // 2 + 3
    second = tuple(Word(ch, Box(40 + i * H, y, 40 + (i + 1) * H, y + (2 * H if i % 2 else H)), conf=0.9)
                   for i, ch in enumerate(A[0][8:18]))
    lines = [Line(words=first, box=Box.union([w.box for w in first])), Line(words=second, box=Box.union([w.box for w in second])),
             make_line(A[0][18:], 40, y + 2 * H + H // 2), *body(A[1:], 40, y + 2 * H + H // 2 + PITCH, 1)]
    assert stories_of(document([head, *lines])) == [[("headline", "甲地运动会"), *(("paragraph", p) for p in A)]]


def test_a_garbled_line_over_a_headline_s_glyphs_ends_its_story() -> None:
    """The tops of a headline's glyphs read as a line of garbage on its row (``Avayanez 一``, boxed
    at 0.8 × the body's size): longer than a speck, with a wide letter, but it lies inside the headline's row of
    glyphs, where no text is printed. Read as a paragraph, it stood between the headline and
    its body; like a speck on the headline, it ends the story."""
    head = headline("甲地运动会隆重开幕", 40, 40)
    garble = Line(words=(Word("Avayanez", Box(200, 42, 400, 42 + 4 * H // 5), conf=0.3), Word("一", Box(410, 44, 425, 44 + 3 * H // 4), conf=0.3)),
                  box=Box(200, 42, 425, 42 + 4 * H // 5))
    got = stories_of(document([garble, head, *body(A, 40, 40 + 3 * H, 2)]))
    assert got == [[("headline", "甲地运动会隆重开幕"), *(("paragraph", p) for p in A), ("paragraph", "Avayanez一")]]


def test_a_sub_headline_cut_at_a_river_after_its_dash_is_one_headline_line() -> None:
    """A sub-headline opening with a dash read as ``一-`` (its letters end half-way through the
    box), under a headline whose lines leave a blank at the same place: the layout cuts the line
    there, as at a river down the page. Its pieces are one printed line, one headline line, left
    to right, not two headline lines (which the reader of the headline scores as no part of it),
    and one printed line to the corrector's line-end stages."""
    def spaced(parts: list[str], x: int, y: int) -> Line:
        words = []
        for part in parts:
            for ch in part:
                words.append(Word(ch, Box(x, y, x + 2 * H, y + 2 * H), conf=0.9))
                x += 2 * H
            x += H
        return Line(words=tuple(words), box=Box.union([w.box for w in words]))

    lines = [spaced(["四川", "藏区全部"], 40, 40), spaced(["脱贫", "攻坚战"], 40, 45 + 2 * H)]
    y = 50 + 4 * H
    dash = Word("一-", Box(40, y, 40 + 4 * H, y + 2 * H), conf=0.8)
    rest = spaced(["京津冀互认"], 40 + 5 * H, y)
    sub = Line(words=(dash, *rest.words), box=Box.union([dash.box, rest.box]))
    doc = document([*lines, sub, *body(A, 40, y + 3 * H, 2)])
    assert stories_of(doc) == [[("headline", "四川藏区全部"), ("headline", "脱贫攻坚战"), ("headline", "一-京津冀互认"),
                                *(("paragraph", p) for p in A)]]
    assert "一-京津冀互认" in reflow_document(doc).wrapped().splitlines()  # no line wrapped inside it for the corrector


def _placed_row(text: str, x: int, y: int, pitch: float, height: int, order: int = 0) -> PlacedLine:
    """A placed line of one word per character, ``pitch`` apart, boxed ``height`` high."""
    words = tuple(Word(ch, Box(round(x + k * pitch), y, round(x + (k + 1) * pitch), y + height), conf=0.9) for k, ch in enumerate(text))
    box = Box.union([w.box for w in words])
    return PlacedLine(text, box, float(height), order, words, core=box)


def test_a_swollen_body_row_with_specks_read_past_its_end_in_the_gutter_is_no_headline() -> None:
    """A body row whose boxes the engine swelled to 1.4 × the body and spread a little
    (``饲料等农资企业加快``, 1.1 × the body's pitch), with specks in the gutter past its end read
    as a word ``，，`` 2.6 × ``h`` off its last letter: measured with them, its characters stood a
    headline's pitch apart (1.2 × the body's). The specks widen its box by the gutter but add two
    characters only; measured without them it keeps its own pitch, and stays body."""
    swollen = _placed_row("饲料等农资企业加快", 40, 40 + 2 * PITCH, 1.1 * H, int(1.4 * H), order=2)
    x = swollen.box.x1 + int(2.6 * H)
    specks = Word("，，", Box(x, swollen.box.y0 + H // 3, x + int(0.8 * H), swollen.box.y0 + H // 2), conf=0.3)
    row = PlacedLine(swollen.text + " ，，", Box.union([swollen.box, specks.box]), swollen.size, 2, (*swollen.words, specks),
                     core=swollen.box)
    lines = [_placed_row(text, 40, 40 + k * PITCH, H, H, order=k) for k, text in enumerate(["推动种子化肥农资企业", "加快复产建立保供通道"])]
    lines += [_placed_row(text, 40, 40 + (k + 3) * PITCH, H, H, order=k + 3) for k, text in enumerate(["今年稻谷最低收购价格", "保持稳定视情可以提高"])]
    assert find_headlines([*lines, row], float(H)) == set()


def test_a_piece_of_a_swollen_row_touching_a_piece_at_the_body_s_pitch_is_no_headline() -> None:
    """A row read across the page, its boxes swollen to 1.35 × the body, cut in two pieces that
    touch (``型农机具，`` | ``加快农业``): the left one keeps the body's pitch, the engine spread the
    right one's boxes to 1.5 × it. Set in the same type and touching, they are one printed row of
    body text: a headline stands a gutter off what is beside it."""
    size = int(1.35 * H)
    left = _placed_row("型农机具，", 40, 40 + 2 * PITCH, H, size, order=2)
    right = _placed_row("加快农业", left.box.x1, 40 + 2 * PITCH, 1.5 * H, size, order=2)
    lines = [_placed_row(text, 40, 40 + k * PITCH, H, H, order=k) for k, text in enumerate(["东北条件好要破除制约", "提高规模经营水平推广"])]
    lines += [_placed_row(text, 40, 40 + (k + 3) * PITCH, H, H, order=k + 3) for k, text in enumerate(["现代化李克强十分关心", "菜价变动情况在哈尔滨"])]
    assert find_headlines([*lines, left, right], float(H)) == set()


def test_a_column_whose_foot_stands_beside_a_wide_headline_is_not_read_between_it_and_its_body() -> None:
    """Two stories stacked on the left, a one-column story on the right whose column ends level
    with the lower story's wide headline. A cut across under that headline (as wide as half the
    region) would read the right column between the headline and its body: no cut there; the
    region is cut down between the stories instead."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    y = max(l.box.y1 for l in top) + STORY_GAP
    lower = [headline("乙市新建图书馆开放", 40, y), *body(B, 40, y + 4 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    rows = (y - 40 - 3 * H) // PITCH + 1
    text = "".join(C) * 3
    column = [make_line(text[k * CELLS:(k + 1) * CELLS], x, 40 + 3 * H + k * PITCH) for k in range(rows)]
    column.append(make_line(text[rows * CELLS:rows * CELLS + 4] + "。", x, y + 5))  # its foot on the headline's rows
    got = stories_of(document([*lower, *column, headline("丙县菜农", x, 40), *top]))
    assert [s[0] for s in got] == [("headline", "甲地运动会"), ("headline", "乙市新建图书馆开放"), ("headline", "丙县菜农")]
    assert got[1][1:] == [("paragraph", p) for p in B]
    assert "".join(t for _, t in got[2][1:]).startswith(text[:2 * CELLS])


def test_a_column_whose_headline_the_engine_lost_under_and_left_of_the_story_before_is_a_story_of_its_own() -> None:
    """Two stories side by side across the top; below them, on the left, a story whose headline the
    engine did not read, and on the right a story with its headline. Read after the top band's
    right-hand story, the headless column stands under all of it and wholly left of it: it is no
    column of that story (they stand under or right of its headline), but a story of its own."""
    top = [headline("甲地运动会", 40, 40), *body(A, 40, 40 + 3 * H, 2)]
    x = 40 + width(2) + STORY_GAP
    right = [headline("乙市图书馆", x, 40), *body(B, x, 40 + 3 * H, 1)]
    y = max(l.box.y1 for l in top + right) + STORY_GAP
    headless = body(C, 40, y - H, 1)  # beside the lower headline, from above its top: read before it
    lower = [headline("丁镇集市", 40 + width(1) + STORY_GAP, y), *body(A[:1], 40 + width(1) + STORY_GAP, y + 3 * H, 1)]
    got = stories_of(document([*lower, *headless, *right, *top]))
    assert [s[0] for s in got] == [("headline", "甲地运动会"), ("headline", "乙市图书馆"), ("paragraph", C[0]), ("headline", "丁镇集市")]
    assert got[1][1:] == [("paragraph", p) for p in B] and got[2] == [("paragraph", p) for p in C]
