"""benchmarks.length_classes: where the OCR lost characters, and the insertion sweep's table."""
from types import SimpleNamespace

from benchmarks.length_classes import WHERE, dropped_where, insertion_table, where_table


class PutsBack:
    """Stands in for the corrector: its output is the ground truth with the given characters still missing."""

    def __init__(self, output):
        self.output = output

    def correct(self, text):
        return SimpleNamespace(text=self.output)


def test_lost_characters_are_placed_by_the_line_end_paragraph_end_or_gap_they_sat_in(tmp_path):
    # column lines: the first lost the hanging '，' at its wrapped end, the second paragraph lost its
    # '。' and the 京 between two Han characters inside its line
    (tmp_path / "p.ocr.txt").write_text("我们在北京工作\n他们在上海工\n作。\n\n大家都在北工作\n\n今天天气很好。\n",
                                        encoding="utf-8")
    gt = "我们在北京工作，他们在上海工作。\n\n大家都在北京工作。\n\n今天天气很好。\n"
    (tmp_path / "p.gt.txt").write_text(gt, encoding="utf-8")
    pages = [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")]
    counts = dropped_where(PutsBack(gt.replace("北京工作。", "北工作。")), pages)
    assert counts == {(WHERE[0], "，", True): 1, (WHERE[1], "。", True): 1, (WHERE[2], "Han", False): 1}
    table = where_table(counts)
    assert "| wrapped line end | 1 | 1 | ， 1 (1) |" in table and "| all | 3 | 2 (67%) | |" in table


def test_the_insertion_table_counts_right_insertions_and_those_where_nothing_was_lost():
    sites = [("，", 3.5, "，", 1.0, "京"), ("", 2.5, "。", 4.5, "京"), ("京", 0.0, "，", 5.5, "京"), ("京", 2.5, "，", 2.5, "北")]
    table = insertion_table(sites).splitlines()
    assert table[0].startswith("4 gaps gated; lost there: 1 marks, 2 Han characters")
    assert "| 2.0 | 1 / 1 / 1 | 1 / 1 / 1 |" in table
    assert "| 3.0 | 1 / 0 / 0 | 1 / 1 / 0 |" in table
    assert "| 5.0 | 0 / 0 / 0 | 1 / 0 / 0 |" in table
