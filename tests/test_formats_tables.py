"""A table of figures beside or under a story's text read row by row from geometry (cells as their own lines, as PP-OCR reads them)."""
from __future__ import annotations

from test_formats_layout import H, column, document, make_line

from ocrfix.formats import Box, Line, Word, reflow_document, tables

ROWS = [["地区", "产值", "增长"], ["北京", "3451.9", "-1.1"], ["天津", "22882.7", "3.0"], ["上海", "78526.4", "4.5"], ["河北", "6613.7", "4.8"]]
TEXT = [">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引了居民。"]


def table(x: int, y: int, rows: list[list[str]] = ROWS) -> list[Line]:
    """Each cell a line of its own; the columns 5 characters apart, all but the first set flush right."""
    lines = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            top = y + r * int(H * 1.8)
            if cell[-1].isdigit():  # a figure: one word, half a character a digit, set flush right
                box = Box(x + c * 5 * H + 4 * H - len(cell) * H // 2, top, x + c * 5 * H + 4 * H, top + H)
                lines.append(Line(words=(Word(cell, box, conf=0.9),), box=box))
            else:  # a name, or a column's head over its figures
                lines.append(make_line(cell, x + c * 5 * H + (4 * H - len(cell) * H if c else 0), top))
    return lines


AS_ROWS = [" ".join(row) for row in ROWS]


def test_a_table_under_a_storys_text_is_read_row_by_row() -> None:
    flow = reflow_document(document([column(TEXT, 60), table(60, 200 + 4 * int(H * 1.6))]))
    assert flow.text.splitlines() == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了居民。", *AS_ROWS]
    assert flow.wrapped().splitlines()[-len(AS_ROWS):] == AS_ROWS  # no row is wrapped: no mark at a cell's end


def test_a_table_beside_a_column_of_text_is_read_row_by_row_after_it() -> None:
    flow = reflow_document(document([column(TEXT, 60), table(60 + 15 * H, 200)]))
    assert [b.text for b in flow.blocks] == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了居民。", *AS_ROWS]


def test_columns_of_short_lines_without_figures_are_no_table() -> None:
    words = [["城东", "集市", "开张"], ["摊位", "陆续", "摆开"], ["居民", "前来", "选购"]]
    flow = reflow_document(document([table(60, 200, words)]))
    assert "城东 集市 开张" not in flow.text.splitlines()


PRICES = [["品种", "价格"], ["白菜", "2.35"], ["土豆", "1.80"], ["黄瓜", "4.20"], ["茄子", "13.60"], ["鸡蛋", "5.45"]]


def test_a_two_column_price_table_under_a_storys_text_is_read_row_by_row() -> None:
    flow = reflow_document(document([column(TEXT, 60), table(60, 200 + 4 * int(H * 1.6), PRICES)]))
    assert flow.text.splitlines() == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了居民。", *(" ".join(row) for row in PRICES)]


def test_two_columns_of_short_text_lines_are_no_table() -> None:
    words = [["城东", "集市"], ["摊位", "陆续"], ["居民", "前来"], ["商户", "入驻"], ["2025年", "开张"]]
    flow = reflow_document(document([table(60, 200, words)]))
    assert not any(" " in line for line in flow.text.splitlines())


def test_a_tables_head_read_as_one_piece_is_its_first_row_not_the_end_of_the_text_above() -> None:
    """The head over the three columns is one piece 13 em wide (no cell), right under a full line of text."""
    text = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜"], 60)
    head = make_line("各地区产值及增长率（万元）", 60, text[-1].box.y0 + int(H * 1.8))
    flow = reflow_document(document([text, [head], table(60, head.box.y0 + int(H * 1.8), ROWS[1:])]))
    assert flow.text.splitlines() == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜", "各地区产值及增长率（万元）", *AS_ROWS[1:]]


def test_the_last_line_of_a_paragraph_right_above_a_table_is_no_head() -> None:
    """The line is as wide as the table, over its first and last columns, but ends a sentence."""
    text = column([">本报讯清晨六点城东", "农贸集市的摊位陆续摆开新鲜", "蔬菜和水果吸引了许多居民。"], 60)
    flow = reflow_document(document([text, table(60, text[-1].box.y0 + int(H * 1.8), ROWS[1:])]))
    assert flow.text.splitlines() == ["本报讯清晨六点城东农贸集市的摊位陆续摆开新鲜蔬菜和水果吸引了许多居民。", *AS_ROWS[1:]]


def test_a_row_whose_last_cell_the_engine_lost_stays_in_the_table() -> None:
    rows = [*ROWS[:2], ROWS[2][:2], *ROWS[3:]]
    flow = reflow_document(document([table(60, 200, rows)]))
    assert flow.text.splitlines() == [" ".join(row) for row in rows]


def test_the_least_table_with_the_fewest_figures_a_table_holds_is_read_row_by_row() -> None:
    """Three rows, two figures under a head in a column of figures."""
    rows = [["品种", "价格"], ["白菜", "2.35"], ["土豆", "1.80"]]
    flow = reflow_document(document([table(60, 200, rows)]))
    assert flow.text.splitlines() == [" ".join(row) for row in rows]


def test_a_page_with_fewer_short_figures_than_a_table_holds_is_no_table_without_grouping_rows(monkeypatch) -> None:
    def grouped(cells):
        raise AssertionError("rows grouped")

    monkeypatch.setattr(tables, "_rows", grouped)
    words = [["城东", "集市", "开张"], ["摊位", "陆续", "摆开"], ["居民", "前来", "2025"]]
    flow = reflow_document(document([table(60, 200, words)]))
    assert "城东 集市 开张" not in flow.text.splitlines()
