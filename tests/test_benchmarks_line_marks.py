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


def test_pages_are_judged_by_the_hung_marks_read_against_the_marks_surely_lost():
    from benchmarks.line_marks import LineEnd, habit_outcomes

    dropping = [LineEnd(3.0, "，", 0, "，"), LineEnd(1.0, "。", 0, "。"), LineEnd(0.2, "、", 0, "")]  # 1 sure, 2 lost
    reading = [LineEnd(2.5, "，", 0, ""), LineEnd(1.0, "，", 0, "")]  # 1 sure, nothing lost
    pages = [(2, dropping), (5, reading)]  # 2 hung marks read against 1 sure: dropping; 5: reading
    judged, habit = habit_outcomes(pages, (0.5, 3.5))
    assert judged == {"lost": 1, "lost dropping": 1, "kept": 1, "kept dropping": 0}
    assert habit == (2, 0, 0)  # the 1.0 back at 0.5 on the dropping page; the 2.5 held at 3.5 on the other
    assert habit_outcomes(pages, None)[1] == (1, 0, 1)  # the margin 1.5 alone
    assert habit_outcomes([(3, dropping)], (0.5, 3.5)) == ({"lost": 1, "lost dropping": 0}, (0, 0, 0))  # 3 read: reading


def test_missed_marks_are_counted_by_fill_and_by_the_gain_of_the_lost_mark():
    from benchmarks.line_marks import LineEnd, missed_table

    sites = [LineEnd(2.0, "，", -1, "，", 2.0),  # a cell short: back above the margin 1.5
             LineEnd(1.0, "，", 0, "，", 1.0),  # full: not back below it
             LineEnd(3.0, "。", 0, "，", -0.5),  # the LM prefers another mark
             LineEnd(3.0, "。", None, "", None)]  # nothing lost
    rows = missed_table({"pages": sites}).splitlines()
    assert rows[2:] == ["| pages | a cell short | 1 | 1 | 0 / 0 / 0 / 0 / 0 |",
                        "| pages | full | 2 | 0 | 1 / 0 / 1 / 0 / 0 |",
                        "| pages | other or unknown | 0 | 0 | 0 / 0 / 0 / 0 / 0 |"]


def test_a_line_fill_is_its_cells_against_the_usual_width_of_the_lines_around_it():
    from ocrfix import reflow
    from ocrfix.correction.line_marks import wrapped_line_ends

    from benchmarks.line_marks import line_fills

    raw = "我们在北京工作\n他们在上海工\n作他们都在上\n海工作。AB12\n结束。\n"
    text = reflow(raw)
    fills = line_fills(raw, text)
    assert set(fills) == set(wrapped_line_ends(raw, text))
    # 7, 6, 6 and 4 + 4 half-width (2 cells) cells; the 3-character last line is not counted in the usual width
    assert [fills[j] for j in sorted(fills)] == [1, 0, 0, 0]
    assert line_fills(text, text) == {}
    assert line_fills("我们在北京工作\n他们在上海工作呢\n", "我们在北京工作他们在上海工作呢\n") == {}  # 7 and 8: no usual width


def test_the_gate_is_fitted_on_line_ends_and_its_threshold_chosen_for_precision_or_fewest_errors():
    from benchmarks.line_marks import LineEnd, choose_threshold, fit_gate, gated_outcomes

    # a lost mark leads the next best by far; a mark the LM merely likes does not
    sites = ([LineEnd(2.0 + g / 8, "，", 0, "，", lead=2.0 + g / 8) for g in range(12)]
             + [LineEnd(2.0 + g / 8, "。", 0, "", lead=0.2) for g in range(12)]
             + [LineEnd(-1.0, "，", 0, "，", lead=3.0)])  # the LM prefers running on: never weighed
    gate = fit_gate(sites)
    assert gate.coefficients["lead"] > 0
    assert gated_outcomes(sites, gate) == (12, 0, 0)
    counts = {t: (10, 0, 5) for t in (0.2, 0.25, 0.3)} | {t: (8, 0, 1) for t in (0.35, 0.4, 0.45, 0.5)}
    counts |= {t: (6, 0, 0) for t in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)}
    assert choose_threshold(counts, 0.91) == 0.55
    assert choose_threshold(counts, 0.85) == 0.35
    assert choose_threshold(counts, None) == 0.5  # 8 - 1 errors fewer: the highest such threshold


def test_a_gate_is_fitted_on_the_best_mark_alone_or_with_the_clause_around_it():
    from ocrfix.correction.line_marks import MarkChoice

    from benchmarks.line_marks import LineEnd, fit_gate, gate_rows

    # the lost marks end a long span; the marks the LM merely likes, a short one: the gain alone cannot tell
    sites = ([LineEnd(2.0 + g / 8, "，", 0, "，", clause={"log before": 2.5, "next2 同时": 1.0}) for g in range(12)]
             + [LineEnd(2.0 + g / 8, "，", 0, "", clause={"log before": 1.0}) for g in range(12)])
    rows = {kind: gate_rows(sites, kind)[0][0] for kind in ("mark", "clause", "opening")}
    assert "log before" not in rows["mark"] and "next2 同时" not in rows["clause"] and rows["opening"]["next2 同时"] == 1.0
    assert rows["clause"]["log before"] == 2.5
    assert "log before" not in fit_gate(sites, kind="mark").coefficients
    gate = fit_gate(sites, kind="clause")
    assert gate.coefficients["log before"] > 0
    long, short = (MarkChoice(2.0, "，", 0.0, {"log before": span}) for span in (2.5, 1.0))
    assert gate.probability(long) > 0.5 > gate.probability(short)
