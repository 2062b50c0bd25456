"""Lines listed across side-by-side columns (PP-OCR's order) put back in column order, and
text in reading order left as it is. The LM here knows one text: a pair of neighbouring
characters scores higher when the text has it, so a line continues exactly the line that
follows it in the text."""
from __future__ import annotations

from typing import Sequence

import pytest

from ocrfix.column_order import column_order, find_columns

HEADLINE = "本报讯标题"


class TextLM:
    """log10 P of a token run: −1 per token, +3 per neighbouring pair that ``source`` has."""

    def __init__(self, source: str) -> None:
        self.pairs = {source[i:i + 2] for i in range(len(source) - 1)}

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return -len(tokens) + 3 * sum(a + b in self.pairs for a, b in zip(tokens, tokens[1:]))


def columns(sizes: Sequence[int], width: int = 8) -> list[list[str]]:
    """Columns of ``sizes`` lines of ``width`` distinct characters, one text read column by column."""
    chars = iter(chr(0x4E00 + 7 * i) for i in range(sum(sizes) * width))
    return [["".join(next(chars) for _ in range(width)) for _ in range(size)] for size in sizes]


def across(cols: list[list[str]]) -> list[str]:
    """The lines row by row, each row left to right (PP-OCR's order)."""
    return [col[row] for row in range(max(map(len, cols))) for col in cols if row < len(col)]


def lm_of(cols: list[list[str]]) -> TextLM:
    return TextLM("".join(line for col in cols for line in col))


@pytest.mark.parametrize("sizes", [(6, 6, 6), (7, 7, 4), (5, 5), (6, 6, 6, 5)])
def test_lines_read_across_the_columns_come_back_in_column_order(sizes: tuple[int, ...]) -> None:
    cols = columns(sizes)
    text = "\n".join([HEADLINE, *across(cols)]) + "\n"
    expected = "\n".join([HEADLINE, "", *(line for col in cols for line in col)]) + "\n"
    assert find_columns([HEADLINE, *across(cols)], lm_of(cols)).count == len(sizes)
    assert column_order(text, lm_of(cols)) == expected


def test_text_in_reading_order_is_left_as_it_is() -> None:
    cols = columns((6, 6, 6))
    text = "\n".join(line for col in cols for line in col) + "\n"
    assert find_columns(text.split(), lm_of(cols)) is None and column_order(text, lm_of(cols)) == text


def test_blocks_and_short_texts_are_not_measured() -> None:
    cols = columns((6, 6, 6))
    lines = across(cols)
    with_blank = "\n".join(lines[:9] + [""] + lines[9:]) + "\n"
    assert column_order(with_blank, lm_of(cols)) == with_blank
    short = "\n".join(across(columns((3, 3)))) + "\n"
    assert column_order(short, lm_of(columns((3, 3)))) == short
    assert column_order("\n" * 8, lm_of(cols)) == "\n" * 8  # blank lines only: no line to measure


def test_sparse_text_a_block_per_line_comes_back_in_column_order() -> None:
    # Tesseract --psm 11 writes each line as a block of its own, the rows across the columns in turn
    cols = columns((6, 6, 6))
    text = "\n\n".join([HEADLINE, *across(cols)]) + "\n"
    assert column_order(text, lm_of(cols)) == "\n".join([HEADLINE, "", *(line for col in cols for line in col)]) + "\n"
    in_order = "\n\n".join(line for col in cols for line in col) + "\n"  # a block per line, in reading order
    assert column_order(in_order, lm_of(cols)) == in_order


def test_a_tables_cells_one_a_line_keep_their_rows() -> None:
    # PP-OCR writes each cell of a table as a line, row by row: a cell may read on into the cell
    # under it (names under names, figures under figures), but the rows are the table's order
    cols = columns((6, 6, 6), width=3)
    text = "\n".join(across(cols)) + "\n"
    assert find_columns(across(cols), lm_of(cols)).count == 3
    assert column_order(text, lm_of(cols)) == text


def test_reflow_puts_the_lines_in_column_order_when_asked(tmp_path) -> None:
    from test_correct_fixtures import write_arpa

    from ocrfix.cli import main

    cols = columns((6, 6, 6))
    lm = write_arpa(tmp_path / "lm.arpa", ["".join(line for col in cols for line in col)])
    page = tmp_path / "page.txt"
    page.write_text("\n".join([HEADLINE, *across(cols)]) + "\n", encoding="utf-8")
    assert main(["reflow", str(page), "--column-order", "--lm", str(lm), "-o", str(tmp_path / "ordered.txt")]) == 0
    assert main(["reflow", str(page), "-o", str(tmp_path / "as-read.txt")]) == 0
    body = "".join(line for col in cols for line in col)
    assert (tmp_path / "ordered.txt").read_text(encoding="utf-8").split() == [HEADLINE, body]
    assert body not in (tmp_path / "as-read.txt").read_text(encoding="utf-8")
