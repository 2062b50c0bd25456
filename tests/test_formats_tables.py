"""A table of figures beside or under a story's text read row by row from geometry (cells as their own lines, as PP-OCR reads them)."""
from __future__ import annotations

from test_formats_layout import H, column, document, make_line

from ocrfix.formats import Box, Line, Word, reflow_document

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
