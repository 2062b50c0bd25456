"""benchmarks.length_classes: where the OCR lost characters, and the insertion sweep's table."""
from types import SimpleNamespace

from benchmarks.length_classes import (AT_JOIN, DELETION_KINDS, WHERE, WRONG_KINDS, class_changes, deletion_kind, dropped_where,
                                       han_sites_table, insertion_kind, insertion_table, lost_at,
                                       insertions_by_stage, insertions_table, paired_by_kind, where_table)
from ocrfix.correction.edits import Edit
from ocrfix.training.confusions.length import anchored


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


def test_what_was_lost_before_a_character_and_the_han_insertion_sites_by_gain():
    lost = lost_at("我们在北工作，他们在上海工作。\n\n大家 都在", "我们在北京工作，他们在上海工作。\n\n大家都在")
    assert [lost(4), lost(5), lost(13), lost(20)] == ["京", "", "", ""]
    # (what was lost, the best candidate's gain, its lead, the candidate)
    sites = [("京", 6.5, 3.0, "京"), ("", 6.2, 2.0, "的"), ("海", 5.5, 0.2, "海"), ("作", 4.5, 1.5, "做"), ("", 2.0, 2.0, "了")]
    table = han_sites_table(sites).splitlines()
    assert table[0] == "5 gaps weighed; Han characters lost there: 3"
    assert "| 4.0 | 1 | 1 | 1 |" in table  # 海 leads its runner-up by too little to count
    assert "| 5.0 | 1 | 0 | 1 |" in table and "| 7.0 | 0 | 0 | 0 |" in table


def test_a_wrong_insertion_is_another_character_where_one_was_lost_or_one_where_nothing_was():
    source, gt = "我们在北京工作他们在上海工作", "我们在北京工作，他们在上海工作"

    def insert(at, mark):
        return Edit(at, "", mark, 1.0, ("rule:line-end-mark",), at)

    assert insertion_kind(source, insert(7, "，"), gt) == "right"
    assert insertion_kind(source, insert(7, "。"), gt) == WRONG_KINDS[0]
    assert insertion_kind(source, insert(3, "，"), gt) == WRONG_KINDS[1]
    counts = class_changes(source, "我们在，北京工作。他们在上海工作", gt)
    assert counts["insertions wrong"] == 2
    assert counts[f"insertions wrong, {WRONG_KINDS[0]}"] == 1 and counts[f"insertions wrong, {WRONG_KINDS[1]}"] == 1
    assert counts["confused mark introduced"] == 1 and counts["dropped fixed"] == 0  # one error for another


def test_insertions_are_counted_by_stage_and_kind(tmp_path):
    (tmp_path / "p.ocr.txt").write_text("我们在北京工作\n他们在上海工作\n", encoding="utf-8")
    (tmp_path / "p.gt.txt").write_text("我们在北京工作，他们在上海工作\n", encoding="utf-8")
    source = "我们在北京工作他们在上海工作\n"
    edits = (Edit(7, "", "，", 1.0, ("rule:line-end-mark",), 7), Edit(3, "", "、", 1.0, ("rule:line-end-mark",), 3),
             Edit(14, "", "。", 1.0, ("rule:final-period",), 14), Edit(0, "我", "找", 0.9, ("table",), 0),
             Edit(5, "工", "", 1.0, ("deletions",), 5))
    fake = SimpleNamespace(correct=lambda text: SimpleNamespace(source=source, edits=edits))
    counts, wrong, unsourced = insertions_by_stage(fake, [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")], tmp_path)
    assert unsourced == 1  # no meta.json
    assert counts == {("rule:line-end-mark", "right"): 1, ("rule:line-end-mark", WRONG_KINDS[1]): 1,
                      ("rule:final-period", WRONG_KINDS[1]): 1, ("deletions", DELETION_KINDS[2]): 1}
    assert [w[1:] for w in wrong][0] == ("rule:line-end-mark", WRONG_KINDS[1], "我们在[>、]北京工作他们在上海工")
    table = insertions_table(counts, unsourced, 1)
    assert "| rule:line-end-mark | 1 | 0 | 1 | 0 | 10.0 / 10.0 |" in table and "| all | 1 | 0 | 2 | 0 | 20.0 / 20.0 |" in table
    assert table.endswith("1 of 1 pages have no source lines (no meta.json, or its corpus file not found or not their "
                          f"text): none of their insertions is counted {AT_JOIN}.")
    assert "| deletions | 0 | 0 | 1 |" in table


def test_a_deletion_removes_an_extra_character_or_one_print_has():
    source, gt = "我们在北北京工作", "我们在北京工作"
    assert deletion_kind(source, Edit(3, "北", "", 1.0, ("deletions",), 3), gt) == DELETION_KINDS[0]
    assert deletion_kind(source, Edit(6, "工", "", 1.0, ("deletions",), 6), gt) == DELETION_KINDS[2]
    assert deletion_kind("我们在北京.他们", Edit(5, ".", "", 1.0, ("speck",), 5), "我们在北京，他们") == DELETION_KINDS[1]


def test_a_mark_put_back_beside_a_misread_character_is_a_right_insertion():
    # the OCR read 黄 as 偶 and lost the ” before it: paired from the stretch's start, 偶 would stand for
    # the ” and 黄 be the drop, and the ” put back would read as 黄 misread where one was lost
    source, gt = "今年“十一偶金周前6天", "今年“十一”黄金周前6天"
    edit = Edit(5, "", "”", 1.0, ("rule:line-end-mark",), 5)
    assert insertion_kind(source, edit, gt) == "right"
    counts = class_changes(source, "今年“十一”偶金周前6天", gt)
    assert counts["dropped fixed"] == 1 and counts["insertions right"] == 1 and counts["insertions wrong"] == 0
    assert counts["Han substitution before"] == 1 and counts["Han substitution introduced"] == 0
    assert counts["confused mark before"] == 0


def test_extra_characters_are_paired_by_kind_too():
    a = paired_by_kind(anchored("他说，们好", "他们好"))  # an extra '说，' pair: neither stands for 们
    assert a.at == [0, 3, 4] and [gap for _, gap in a.extra] == [1, 1]
    b = paired_by_kind(anchored("他。乙们", "他甲们"))  # '。乙' for 甲: 乙 (not the mark) stands for it
    assert b.at == [0, 2, 3] and b.extra == [(1, 1)]


def test_the_whole_pages_edit_distance_before_and_after_says_whether_garbled_ocr_was_helped():
    from benchmarks.length_classes import table

    gt = "今天天气很好。"
    garbled = "丨今天 薹气很好` "  # an extra 丨, 薹 for 天, ` for 。; the spaces do not count
    counts = class_changes(garbled, garbled.replace("`", "。"), gt)
    assert (counts["gt chars"], counts["edit distance before"], counts["edit distance after"]) == (7, 3, 2)
    rows = table("set", 1, [("shipped", counts)]).splitlines()
    assert rows[-1] == "| | edit distance (plain CER) | 3 (42.86%) | shipped | 2 left (28.57%) | |"
