"""The table benchmark's counts: rows whole on one line, neighbouring cells in order, numbers whole."""
import random
from pathlib import Path

from benchmarks.tables import NUMBER, SEED, row_counts, score, specs, table

ROWS = [["地区", "生产总值", "增长"], ["北京", "64594.8", "3.5"], ["上海", "18675.3", "-0.4"]]


def test_a_table_read_row_by_row_counts_every_row_pair_and_number() -> None:
    counts = row_counts(ROWS, "地区 生产总值 增长\n北京 64594.8 3.5\n上海 18675.3 -0.4\n")
    assert (counts["rows whole"], counts["cell pairs in order"], counts["numbers whole"]) == (3, 6, 4)
    assert (counts["rows"], counts["cell pairs"], counts["numbers"]) == (3, 6, 4)


def test_a_table_read_column_by_column_counts_no_row_and_numbers_run_together_count_as_lost() -> None:
    counts = row_counts(ROWS, "地区\n北京\n上海\n生产总值\n64594.818675.3\n增长\n3.5\n-0.4\n")
    assert (counts["rows whole"], counts["cell pairs in order"], counts["numbers whole"]) == (0, 0, 2)


def test_score_sums_per_kind_of_file(tmp_path: Path) -> None:
    (tmp_path / "t00-alone.gt.txt").write_text("一段文字。\n" + "\n".join(" ".join(r) for r in ROWS) + "\n", encoding="utf-8")
    (tmp_path / "t00-alone.rapid.txt").write_text("一段文字。\n\n地区 生产总值 增长\n\n北京 64594.8 3.5\n\n上海 18675.3 -0.4\n",
                                                  encoding="utf-8")
    totals = score([tmp_path / "t00-alone.rapid.txt"])
    assert list(totals) == ["rapid.txt"] and totals["rapid.txt"]["files"] == 1
    assert totals["rapid.txt"]["rows whole"] == 3 and totals["rapid.txt"]["numbers whole"] == 4


def test_a_file_the_engine_read_no_text_into_counts_every_row_lost(tmp_path: Path) -> None:
    (tmp_path / "t00-alone.gt.txt").write_text("\n".join(" ".join(r) for r in ROWS) + "\n", encoding="utf-8")
    (tmp_path / "t00-alone.psm3.hocr").write_text(
        "<html><body><div class='ocr_page' title='bbox 0 0 984 824'></div></body></html>\n", encoding="utf-8")
    totals = score([tmp_path / "t00-alone.psm3.hocr"])
    assert (totals["psm3.hocr"]["files"], totals["psm3.hocr"]["rows"], totals["psm3.hocr"]["rows whole"]) == (1, 3, 0)


def test_the_two_column_pages_follow_the_30_and_print_a_name_and_a_figure_a_row() -> None:
    rng = random.Random(SEED)
    pages = list(specs(rng))
    assert len(pages) == 48 and {s.columns for s in pages[:30]} == {3, 4, 5} and {s.columns for s in pages[30:]} == {2}
    rows = table(pages[30], rng)
    assert len(rows) == pages[30].rows + 1 and all(len(row) == 2 and NUMBER.fullmatch(row[1]) for row in rows[1:])
