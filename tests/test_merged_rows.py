"""Rows Tesseract read across the columns of several stories (each text line a row of pieces set
apart by spaces or a rule read as ``。``), among blocks it read a column at a time, put back
story by story. The LM knows the stories' text (:class:`TextLM`: a line continues exactly the
line that follows it there)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_column_order import TextLM

from ocrfix.column_order import column_stories
from ocrfix.merged_rows import piece_spans, regions
from ocrfix.text_reflow import reflow_stories


def story(columns: int, lines: int, width: int, chars) -> list[list[str]]:
    """A story's columns: ``columns`` of ``lines`` lines of ``width`` characters no other line has."""
    return [["".join(next(chars) for _ in range(width)) for _ in range(lines)] for _ in range(columns)]


def page(first: tuple[int, int, int], second: tuple[int, int, int], below: int = 6, glued: str = ""):
    """A headline, then two stories side by side (``(columns, lines, characters a line)`` each)
    read across in rows: the first story's columns set apart by one space or two (every third row
    by ``glued`` alone, where given), a rule read as `` 。 `` before the second's; then a blank line
    and a third story read as a block of its own. The page's text, each story's columns, and an LM
    of the stories' text."""
    chars = iter(chr(0x4E00 + 5 * i) for i in range(5000))
    headline = "".join(next(chars) for _ in range(12))
    left, right = story(*first, chars), story(*second, chars)
    third = story(1, below, first[2], chars)[0]
    rows = []
    for row in range(max(first[1], second[1])):
        gap = glued if glued and row % 3 == 2 else " " * (1 + row % 2)
        parts = [gap if c else "" for c in range(first[0])]
        line = "".join(gap + col[row] for gap, col in zip(parts, left) if row < len(col))
        line += "".join(" 。 " + col[row] for col in right if row < len(col))
        rows.append(line)
    text = "\n".join([headline, "", *rows, "", *third]) + "\n"
    lm = TextLM("。".join([headline, *("".join(line for col in s for line in col) for s in (left, right, [third]))]))
    return text, headline, left, right, third, lm


def pieces(line: str, lm: TextLM | None = None) -> list[str]:
    return [line[start:end] for start, end in piece_spans(line, lm)]


def test_a_line_is_cut_at_its_gutters() -> None:
    assert pieces("甲乙丙丁  戊己庚辛 。 壬癸子丑") == ["甲乙丙丁", "戊己庚辛", "。 壬癸子丑"]
    assert pieces("甲乙丙丁戊己") == ["甲乙丙丁戊己"]


def test_a_single_space_is_a_gutter_where_the_text_does_not_read_on() -> None:
    lm = TextLM("甲乙丙丁戊己。庚辛壬癸子丑")
    assert pieces("甲乙丙丁戊己 庚辛壬癸子丑", lm) == ["甲乙丙丁戊己", "庚辛壬癸子丑"]
    assert pieces("甲乙丙丁 戊己庚辛壬", TextLM("甲乙丙丁戊己庚辛壬")) == ["甲乙丙丁 戊己庚辛壬"]


def test_stories_read_across_in_rows_come_back_story_by_story() -> None:
    text, headline, left, right, third, lm = page((2, 8, 8), (1, 7, 6))
    assert column_stories(text, lm) == [
        headline + "\n\n",
        "\n".join(line for col in left for line in col) + "\n",
        "\n".join("。 " + line for line in right[0]) + "\n",
        "\n" + "\n".join(third) + "\n",
    ]
    paragraphs = [block.text for block in reflow_stories(column_stories(text, lm), lm)]
    assert "".join(line for col in left for line in col) in paragraphs


def test_two_columns_read_with_no_gap_between_are_cut_apart() -> None:
    """A rule read as a closing quote glued to the next column's text (print sets none at a
    line's start): the piece twice as wide as the region's others is cut before it."""
    text, headline, left, right, third, lm = page((2, 8, 8), (1, 7, 6), glued="”")
    assert "”" + left[1][2] in text
    second = ["”" + line if row % 3 == 2 else line for row, line in enumerate(left[1])]
    assert "\n".join([*left[0], *second]) + "\n" in column_stories(text, lm)


def test_a_row_merged_region_across_a_blank_line_is_one_region() -> None:
    """Tesseract may leave a blank line in the middle of the rows it read across columns."""
    text, headline, left, right, third, lm = page((2, 8, 8), (1, 8, 6))
    lines = text.splitlines()
    lines.insert(2 + 4, "")
    assert regions(lines) == [(2, 11)]
    assert "\n".join(line for col in left for line in col) + "\n" in column_stories("\n".join(lines) + "\n", lm)


def test_blocks_in_reading_order_are_left_as_they_are() -> None:
    """Columns read a block at a time, some lines with two spaces inside (a byline, a number)."""
    chars = iter(chr(0x4E00 + 5 * i) for i in range(5000))
    cols = story(3, 6, 9, chars)
    for col in cols:
        for row in (1, 3, 4):
            col[row] = col[row][:4] + "  " + col[row][4:]
    text = "\n\n".join("\n".join(col) for col in cols) + "\n"
    lm = TextLM("".join(line.replace(" ", "") for col in cols for line in col))
    assert column_stories(text, lm) == [text]


@given(st.tuples(st.integers(1, 3), st.integers(3, 9), st.integers(5, 10)),
       st.tuples(st.integers(1, 2), st.integers(3, 9), st.integers(4, 8)), st.integers(0, 6), st.sampled_from(["", "”", "|"]))
def test_only_whole_pieces_move(first: tuple[int, int, int], second: tuple[int, int, int], below: int, glued: str) -> None:
    """Whatever the order found, every character of the input comes out once, and each output
    line is a piece of an input line."""
    text, *_, lm = page(first, second, below, glued)
    out = column_stories(text, lm)
    assert sorted("".join(text.split())) == sorted("".join("".join(out).split()))
    assert all(line in text for line in "".join(out).splitlines())


def test_a_link_to_a_line_further_across_the_page_loses() -> None:
    """Where the text tells where each line starts across the page (Tesseract's rows), a line
    goes on in a line that starts about where it does."""
    from ocrfix.story_columns import ACROSS, ACROSS_SLACK, Seams, link_scores

    lines = ["甲乙丙丁", "戊己庚辛", "壬癸子丑"]
    seams = Seams(lines, TextLM("".join(lines)))
    plain = link_scores(lines, seams)
    placed = link_scores(lines, seams, across=[0.0, ACROSS_SLACK + 1.0, ACROSS_SLACK - 1.0])
    assert placed[0, 1] == plain[0, 1] - ACROSS and placed[0, 2] == plain[0, 2]


def glued_page(rows: int = 8, below: int = 12) -> tuple[str, list[str], list[str], list[str], TextLM]:
    """Two one-column stories (columns 8 and 6 characters wide) read across in rows, the gutter between read as a single space or
    (every other row) as a rule's closing quote glued to the right column's text, no run of spaces
    anywhere; then a blank line and a third story, narrower than the rows, read as a block."""
    chars = iter(chr(0x4E00 + 5 * i) for i in range(5000))
    left, right, third = (story(1, n, width, chars)[0] for n, width in ((rows, 8), (rows, 6), (below, 7)))
    lines = [a + (" " if row % 2 else "”") + b for row, (a, b) in enumerate(zip(left, right))]
    text = "\n".join([*lines, "", *third]) + "\n"
    lm = TextLM("。".join("".join(s) for s in (left, right, third)))
    return text, left, right, third, lm


def test_rows_whose_gutters_were_read_as_glued_rule_marks_are_a_region() -> None:
    """Rows far wider than the text's lines, a single space or a glued closing quote between their
    columns: the region is found and each row cut at its gutter (the quote stays with the text after it)."""
    text, left, right, third, lm = glued_page()
    assert regions(text.splitlines()) == [(0, 8)]
    stories = column_stories(text, lm)
    assert "\n".join(left) + "\n" in stories
    assert "\n".join(line if row % 2 else "”" + line for row, line in enumerate(right)) + "\n" in stories


def test_a_story_with_a_few_wide_lines_is_left_as_it_is() -> None:
    """A single story's block with a few lines far wider than the rest, a space inside them (a
    headline set across columns, a line the engine ran on): too few for a region."""
    chars = iter(chr(0x4E00 + 5 * i) for i in range(5000))
    column = story(1, 12, 9, chars)[0]
    for row in (0, 6):
        column[row] = column[row] + " " + "".join(next(chars) for _ in range(10))
    text = "\n".join(column) + "\n"
    lm = TextLM("".join(line.replace(" ", "") for line in column))
    assert regions(text.splitlines()) == []
    assert column_stories(text, lm) == [text]


def edge_page(above: int = 4, rows: int = 8, below: int = 3) -> tuple[str, list[str], list[str], list[str], TextLM]:
    """A story whose column the engine read a block at a time (``above`` lines), then row by row
    beside a second story's (``rows`` rows, two spaces between), then a block at a time again
    (``below`` lines); then a third story read as a block. Every line holds a comma (body text,
    no headline)."""
    chars = iter(chr(0x4E00 + 5 * i) for i in range(5000))
    left, right, third = ([line[:3] + "，" + line[3:] for line in story(1, n, width, chars)[0]]
                          for n, width in ((above + rows + below, 8), (rows, 6), (6, 7)))
    merged = [a + "  " + b for a, b in zip(left[above:above + rows], right)]
    text = "\n".join([*left[:above], "", *merged, "", *left[above + rows:], "", *third]) + "\n"
    lm = TextLM("。".join("".join(s) for s in (left, right, third)))
    return text, left, right, third, lm


def test_a_column_read_a_block_at_a_time_above_and_below_the_rows_goes_on_in_them() -> None:
    """The blocks just above and below the region join the story whose lines they continue (a
    blank line kept at each seam); the other story and the third are left as they were."""
    text, left, right, third, lm = edge_page()
    stories = column_stories(text, lm)
    assert "\n".join([*left[:4], "", *left[4:12], "", *left[12:]]) + "\n" in stories
    assert "\n".join(right) + "\n" in stories
    paragraphs = [block.text for block in reflow_stories(stories, lm)]
    assert "".join(left) in paragraphs


def test_a_headline_above_the_rows_is_no_column_of_theirs() -> None:
    """A block above the region that reads as a headline stays apart, however its text reads on."""
    text, left, right, third, lm = edge_page()
    headline = [line.replace("，", "") for line in left[:2]]
    text = text.replace("\n".join(left[:4]), "\n".join(headline), 1)
    lm = TextLM("。".join("".join(s) for s in ([*headline, *left[4:]], right, third)))
    stories = column_stories(text, lm)
    assert stories[0] == "\n".join(headline) + "\n\n"
