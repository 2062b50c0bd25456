"""Lines an engine listed across the columns of several stories side by side (PP-OCR's order:
by height on the page, each row left to right) put back story by story, and text in reading
order left as it is. The LM knows the stories' text (:class:`TextLM`: a line continues exactly
the line that follows it there)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_column_order import TextLM

from ocrfix.column_order import column_order, column_stories
from ocrfix.story_columns import story_lines, story_order
from ocrfix.text_reflow import reflow_blocks

_chars = iter(chr(0x4E00 + 7 * i) for i in range(4000))


def column(lines: int, width: int) -> list[str]:
    """A column of ``lines`` lines of ``width`` characters no other line has."""
    return ["".join(next(_chars) for _ in range(width)) for _ in range(lines)]


#: Two stories side by side: the first in two columns of 8 characters, its lines 10 apart; the
#: second in one narrower column, its lines 17 apart.
FIRST = [column(9, 8), column(8, 8)]
SECOND = column(7, 5)


def placed() -> list[tuple[float, float, str]]:
    """(height, x, line) of every line of the page."""
    lines = [(10.0 * (row + 1), x, line) for x, col in enumerate(FIRST) for row, line in enumerate(col)]
    lines += [(17.0 * (row + 1), 3.0, line) for row, line in enumerate(SECOND)]
    return lines


def engine_text() -> str:
    """The page's lines in PP-OCR's order."""
    return "\n".join(line for _, _, line in sorted(placed())) + "\n"


def lm() -> TextLM:
    """One story does not run on into the next."""
    return TextLM("。".join(["".join(FIRST[0] + FIRST[1]), "".join(SECOND)]))


def test_two_stories_read_across_come_back_story_by_story() -> None:
    expected = "\n".join([*FIRST[0], *FIRST[1], "", *SECOND]) + "\n"
    assert story_order(engine_text().splitlines(), lm()) is not None
    assert column_order(engine_text(), lm()) == expected


def test_only_whole_lines_move() -> None:
    ordered = column_order(engine_text(), lm())
    assert sorted(line for line in ordered.splitlines() if line) == sorted(engine_text().splitlines())


def test_text_in_reading_order_is_left_as_it_is() -> None:
    single = "\n".join([*FIRST[0], *FIRST[1], *SECOND]) + "\n"
    assert story_order(single.splitlines(), lm()) is None and column_order(single, lm()) == single
    blocks = "\n".join([*FIRST[0], "", *FIRST[1], "", *SECOND]) + "\n"
    assert column_order(blocks, lm()) == blocks
    with_blank = engine_text().replace("\n", "\n\n", 1)  # an engine that separates its blocks
    assert column_order(with_blank, lm()) == with_blank


def test_each_story_is_reflowed_on_its_own() -> None:
    from ocrfix.text_reflow import STORY_BREAK, reflow_stories, render

    stories = column_stories(engine_text(), lm())
    assert stories == ["\n".join([*FIRST[0], *FIRST[1]]) + "\n", "\n".join(SECOND) + "\n"]
    blocks = reflow_stories(stories, lm())
    assert render(blocks) == "".join(FIRST[0] + FIRST[1]) + STORY_BREAK + "".join(SECOND) + "\n"
    assert [b.source_lines for b in blocks] == [tuple(range(17)), tuple(range(18, 25))]


def test_reflow_keeps_the_stories_apart(tmp_path) -> None:
    from test_correct_fixtures import write_arpa

    from ocrfix.cli import main

    arpa = write_arpa(tmp_path / "lm.arpa", ["".join(FIRST[0] + FIRST[1]), "".join(SECOND)])
    page = tmp_path / "page.txt"
    page.write_text(engine_text(), encoding="utf-8")
    assert main(["reflow", str(page), "--column-order", "--lm", str(arpa), "-o", str(tmp_path / "out.txt")]) == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").split() == ["".join(FIRST[0] + FIRST[1]), "".join(SECOND)]


def laid_out(bands: list[tuple[int, int, float, list[int]]]) -> tuple[str, list[str]]:
    """A page of bands side by side, each ``(columns, characters a line, line pitch, lines a
    column of each story)``: its stories stacked in the band's columns, two pitches apart. The
    page's text in PP-OCR's order, and each story's text in reading order."""
    chars = iter(chr(0x4E00 + 3 * i) for i in range(9000))
    placed, stories, x = [], [], 0
    for count, width, pitch, sizes in bands:
        top = 0.0
        for size in sizes:
            cols = [["".join(next(chars) for _ in range(width)) for _ in range(size)] for _ in range(count)]
            placed += [(top + pitch * (row + 1), x + c, line) for c, col in enumerate(cols) for row, line in enumerate(col)]
            stories.append("\n".join(line for col in cols for line in col) + "\n")
            top += pitch * (size + 2)
        x += count
    return "\n".join(line for _, _, line in sorted(placed)) + "\n", stories


def story_lm(stories: list[str]) -> TextLM:
    return TextLM("。".join(story.replace("\n", "") for story in stories))


def test_two_lines_of_a_column_read_in_one_row_come_back_in_order() -> None:
    """Where lines of other stories stand between two lines of a column, the engine reads both in
    one row, by their left edges: a paragraph's indented first line after the line below it."""
    order = engine_text().splitlines()
    order.remove(FIRST[0][4])
    order.insert(order.index(FIRST[0][3]) + 1, FIRST[0][4])
    order.remove(FIRST[0][3])
    order.insert(order.index(FIRST[0][4]) + 1, FIRST[0][3])
    assert order.index(FIRST[0][3]) == order.index(FIRST[0][4]) + 1
    stories = column_stories("\n".join(order) + "\n", lm())
    assert stories == ["\n".join([*FIRST[0], *FIRST[1]]) + "\n", "\n".join(SECOND) + "\n"]


def test_a_column_does_not_run_on_into_the_story_under_it() -> None:
    """Two stories stacked in three narrow columns, beside a story in three wider ones: the
    rows go on from the upper story's columns into the lower one's, the text from each column's
    foot into the next column's head."""
    text, stories = laid_out([(3, 6, 12.0, [4, 9]), (3, 8, 15.0, [7])])
    assert sorted(column_stories(text, story_lm(stories))) == sorted(stories)


def test_a_line_does_not_go_on_in_a_narrower_one() -> None:
    """Stories in columns of 10, 6 and 5 characters side by side: a column's line that ends no
    sentence goes on in a line as wide (or a paragraph's last), not in a narrower column's."""
    text, stories = laid_out([(3, 10, 13.0, [4]), (2, 6, 12.0, [4, 5]), (3, 5, 17.0, [9])])
    assert sorted(column_stories(text, story_lm(stories))) == sorted(stories)


def test_a_headline_above_its_story_is_set_apart() -> None:
    """A headline across the first story's two columns (wider than either) is read first, a blank
    line after it: the engine's text has none, and the reflow would run it into the story's first
    paragraph."""
    headline = "".join(next(_chars) for _ in range(12))
    page = "\n".join([headline, *engine_text().splitlines()]) + "\n"
    first, second = column_stories(page, TextLM("。".join([headline, "".join(FIRST[0] + FIRST[1]), "".join(SECOND)])))
    assert first == "\n".join([headline, "", *FIRST[0], *FIRST[1]]) + "\n" and second == "\n".join(SECOND) + "\n"
    assert [block.kind for block in reflow_blocks(first)] == ["headline", "paragraph"]


def test_a_headline_the_links_run_into_its_column_is_set_apart() -> None:
    """A headline narrower than the column under it, a row of its own, which the rows link into
    the column's first line (the line under it, as far on as the other columns' next lines),
    still heads the story a blank line apart: inside the column the reflow would run it into the
    first paragraph."""
    headline = "".join(next(_chars) for _ in range(4))
    lines = [(height + 10.0 * (x == 0 and line in FIRST[0]), x, line) for height, x, line in placed()]
    page = "\n".join(line for _, _, line in sorted([(10.0, 0.0, headline), *lines])) + "\n"  # the headline a row of its own
    first, second = column_stories(page, TextLM("。".join([headline, "".join(FIRST[0] + FIRST[1]), "".join(SECOND)])))
    assert first == "\n".join([headline, "", *FIRST[0], *FIRST[1]]) + "\n" and second == "\n".join(SECOND) + "\n"
    assert [block.kind for block in reflow_blocks(first)] == ["headline", "paragraph"]


def test_a_headline_read_into_a_later_piece_of_the_story_is_set_apart() -> None:
    """A column's foot goes on in a piece whose first line is a headline the links ran into it:
    blank lines around the headline, so that the reflow neither runs the column into it nor it
    into the body."""
    lines = ["甲乙丙丁戊己", "庚辛壬癸子。", "标题", "寅卯辰巳午未", "申酉戌亥天地"]
    assert story_lines(lines, [[0, 1], [2, 3, 4]], [0, 1]) == [*lines[:2], "", "标题", "", *lines[3:]]
    assert story_lines(lines, [[2, 3, 4], [0, 1]], [1, 0]) == ["标题", "", *lines[3:], *lines[:2]]


def _stacked_under_a_wide_headline() -> tuple[list[list[str]], list[list[str]], list[str], str, list[tuple[float, int, str]]]:
    """Two stories stacked in two columns of 6 characters, the lower one under a headline of 14
    across its columns, beside a story in one column of 9: (upper columns, lower columns, the side
    column, the headline, each line as ``(height on the page, column, text)`` in the engine's order)."""
    chars = iter(chr(0x4E00 + 3 * i) for i in range(400))
    text = lambda width: "".join(next(chars) for _ in range(width))  # noqa: E731
    upper, lower = ([[text(6) for _ in range(6)] for _ in range(2)] for _ in range(2))
    side = [text(9) for _ in range(14)]
    headline = text(14)
    placed = [(12.0 * (row + 1), x, line) for x, col in enumerate(upper) for row, line in enumerate(col)]
    placed += [(12.0 * 8, 0, headline)]
    placed += [(12.0 * (row + 9), x, line) for x, col in enumerate(lower) for row, line in enumerate(col)]
    placed += [(15.0 * (row + 1), 2, line) for row, line in enumerate(side)]
    return upper, lower, side, headline, sorted(placed)


def test_a_headline_wider_than_the_column_it_was_linked_into_heads_the_story_under_it() -> None:
    """Two stories stacked in two columns of 6 characters, beside a story in one column of 9; the
    lower story's headline (14 characters, across its columns) the rows link from the upper
    story's column into the lower one's. No column holds a line that much wider than its
    own: the headline is cut out, and heads the lower story, a blank line after it."""
    upper, lower, side, headline, ordered = _stacked_under_a_wide_headline()
    page = [line for _, _, line in ordered]
    lm = TextLM("。".join(["".join(upper[0] + upper[1]), headline, "".join(lower[0] + lower[1]), "".join(side)]))
    found = story_order(page, lm)
    assert found is not None and [*upper[0], *upper[1]] in found
    assert [headline, "", *lower[0], *lower[1]] in found


def test_a_headline_heads_the_piece_whose_first_lines_name_what_it_names() -> None:
    """A headline over a story's column, the column of another story (with no headline) starting
    a line nearer: the headline's link goes to the piece whose first characters hold its words."""
    from ocrfix.story_columns import Seams, stories

    lines = ["甲乙丙丁戊己", "子丑寅卯辰巳午未申", "天地甲乙丙丁戊己玄黄", "酉戌亥金木水火土人", "宇宙洪荒日月盈昃辰宿",
             "和平友好合作共赢发", "列张寒来暑往秋收冬藏"]
    pieces = [[0], [1, 3, 5], [2, 4, 6]]
    assert stories(lines, pieces, Seams(lines, TextLM(""))) == [[0, 2], [1]]


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(3, 9), st.integers(8, 20), st.lists(st.integers(2, 9), min_size=1, max_size=2)),
                min_size=1, max_size=3))
def test_only_whole_lines_move_on_any_page(bands: list[tuple[int, int, int, list[int]]]) -> None:
    """Stories side by side and stacked (columns, characters a line, line pitch, lines a column
    of each story): whatever the order found, the output's lines are the input's, each once."""
    text, stories = laid_out([(count, width, float(pitch), sizes) for count, width, pitch, sizes in bands])
    out = "\n".join(column_stories(text, story_lm(stories)))
    assert sorted(line for line in out.splitlines() if line) == sorted(text.splitlines())


@given(st.dictionaries(st.tuples(st.integers(0, 12), st.integers(0, 12)), st.floats(-8.0, 8.0), max_size=60))
def test_each_link_gains_from_its_neighbours_at_the_same_distance(scores: dict[tuple[int, int], float]) -> None:
    """The rows' weight (:func:`with_rows`) finds each link's neighbours ``(i - 1, j - 1)`` and
    ``(i + 1, j + 1)`` among links offered in any order, and only those."""
    import numpy as np

    from ocrfix.story_columns import CAP, ROUNDS, STRIDE, Links, with_rows

    expected = dict(scores)
    for _ in range(ROUNDS):
        support = {link: float(np.clip(score, 0.0, CAP)) for link, score in expected.items()}
        expected = {(i, j): score + STRIDE * (support.get((i - 1, j - 1), 0.0) + support.get((i + 1, j + 1), 0.0))
                    for (i, j), score in scores.items()}
    smoothed = with_rows(Links.of(scores))
    assert {(i, j): s for i, j, s in zip(smoothed.first.tolist(), smoothed.then.tolist(), smoothed.score.tolist())} == expected


def test_a_headline_wider_than_its_column_is_set_apart_where_the_text_tells_where_lines_start() -> None:
    """The pieces :mod:`ocrfix.merged_rows` cuts from Tesseract's rows come with where each starts
    across the page (``across``, in em), and a headline across a story's columns starts where its
    first column does: the rows link it into that column, on top of its body. Cut out, it is a
    block of its own, not the first line of a paragraph."""
    upper, lower, side, headline, ordered = _stacked_under_a_wide_headline()
    lm = TextLM("。".join(["".join(upper[0] + upper[1]), headline + "".join(lower[0] + lower[1]), "".join(side)]))
    found = story_order([line for _, _, line in ordered], lm, across=[7.0 * x for _, x, _ in ordered])
    assert found is not None
    assert all(story[k + 1] == "" for story in found for k, line in enumerate(story[:-1]) if line == headline)
