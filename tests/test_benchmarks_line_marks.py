"""benchmarks.line_marks: column lines hang closing marks, and what the OCR lost and got back is counted."""
from benchmarks.line_marks import column_lines, lost_and_back


def test_a_full_line_hangs_its_closing_marks():
    lines = column_lines("他说“认真工作”，很好。", 8)
    assert lines[0] == ("\u3000\u3000他说“认真工", "")
    assert [kept for kept, _ in lines] == ["\u3000\u3000他说“认真工", "作”，很好。"]
    lines = column_lines("我们说“工作”，大家都好。", 8)
    assert lines[0] == ("\u3000\u3000我们说“工作", "”，")  # the full line hangs both marks


def test_lost_and_back_counts_each_lost_character_by_what_it_is():
    gt = "他说“工作”，很好。“学习”也好。"
    ocr = "他说“工作很好。“学习也好。"
    counts = lost_and_back(ocr, "他说“工作”很好。“学习也好。", gt)
    assert counts == {"lost ”": 2, "lost ，": 1, "back ”": 1, "back ，": 0}
    assert lost_and_back(gt, gt, gt) == {}


def test_line_end_sites_say_what_was_lost_at_each_weighed_line_end(tmp_path):
    from benchmarks.line_marks import line_end_sites
    from test_correct_fixtures import CORPUS, load_lm, write_arpa

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))
    (tmp_path / "p.ocr.txt").write_text("我们在北京工作\n他们在上海认真\n工作。\n", encoding="utf-8")
    (tmp_path / "p.gt.txt").write_text("我们在北京工作。他们在上海认真工作。\n", encoding="utf-8")
    sites = line_end_sites(lm, [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")])
    assert [(site.mark, site.fill, site.lost) for site in sites] == [("。", 0, "。"), ("。", 0, "")]
    assert sites[0].gain > 1.0 > sites[1].gain


def test_shifts_lower_the_margin_where_short_lines_lost_marks_and_raise_it_where_full_ones_did_not():
    from benchmarks.line_marks import LineEnd, fit_shifts, outcomes

    sites = ([LineEnd(g / 4, "，", -1, "，") for g in range(8)] + [LineEnd(g / 4, "，", -1, "") for g in range(-8, 0)]
             + [LineEnd(g / 4, "。", 0, "") for g in range(-4, 12)] + [LineEnd(g / 4, "。", 0, "。") for g in range(12, 20)]
             + [LineEnd(g / 4, "、", None, "、" if g > 4 else "") for g in range(-4, 12)])
    shifts = fit_shifts(sites)
    assert shifts[-1] < 0 < shifts[0]
    assert outcomes(sites, 1.5, {}) == (1 + 8 + 5, 0, 5)  # gains above 1.5: 1.75 / 1.75-2.75 and 3-4.75 / 1.75-2.75
    assert outcomes(sites, 1.5, {-1: -1.5, 0: 1.5}) == (7 + 7 + 5, 0, 0)
    assert outcomes([LineEnd(2.0, "。", 0, "，")], 1.5, {}) == (0, 1, 0)
