"""benchmarks.mark_choice: confused marks counted by pair, the engine's channel, the context model's
fit and the cross-fit's judgement of each change."""
import math
from collections import Counter

import pytest

from benchmarks.mark_choice import (Site, at, channel, choose, fit_context, fit_read_margins, mark_pairs, page_reads, position, read_margins,
                                    sweep, text_numbers, unfixed)
from ocrfix.correction.mark_choice import CLASSES, MarkModel


def test_confused_marks_are_counted_by_pair_with_what_was_fixed_and_broken():
    gt = "北京、上海，天津。大连"
    confused, fixed, broken = mark_pairs("北京，上海，天津，大连", "北京、上海。天津，大连", gt)
    assert confused == Counter({("，", "、"): 1, ("，", "。"): 1})
    assert fixed == Counter({("，", "、"): 1, ("，", "。"): 0})
    assert broken == Counter({("，", "。"): 1})  # the right '，' after 上海 became '。'


def test_the_channel_counts_reads_and_a_rare_true_mark_takes_the_overall_rate():
    reads = page_reads("北京，上海。天津，大连，沈阳", "北京，上海，天津，大连，沈阳")
    assert reads == Counter({(False, "，", "，"): 3, (False, "。", "，"): 1})
    wrapped = page_reads("北京，上海。\n天津，大连", "北京，上海，天津，大连")  # the reflow joins the lines
    assert at(wrapped, True) == Counter({("。", "，"): 1}) and at(wrapped, False) == Counter({("，", "，"): 2})
    many = Counter({("，", "，"): 950, ("。", "，"): 50, ("、", "、"): 1000})
    logp = channel(many)
    comma, period, middot = CLASSES.index("，"), CLASSES.index("。"), CLASSES.index("·")
    assert math.exp(logp[period][comma]) == pytest.approx(50.05 / 1010)  # 50 + 10 * 0.025 / 5
    for true in range(len(CLASSES)):
        assert sum(math.exp(logp[read][true]) for read in range(len(CLASSES))) == pytest.approx(1.0)
    # '·' never seen true: the overall rate, 2.5 % misread, not a sixth of the mass per reading
    assert math.exp(logp[period][middot]) == pytest.approx(0.025 / 5)
    assert math.exp(logp[middot][middot]) == pytest.approx(0.975)


def _site(truth, short, read=None):
    return Site("p", read or truth, truth, {"short both": float(short)}, "")


def test_the_context_model_learns_from_clean_sites_and_the_sweep_judges_each_change():
    rows = [_site("、", True)] * 30 + [_site("，", False)] * 60 + [_site("，", True)] * 3 + [_site("。", False)] * 20
    names, coef, intercept = fit_context(rows, 10.0)
    assert names == ("short both",)
    rare = [_site("、", True)._replace(values={"short both": 1.0, "next 罕": 1.0})] * 2
    assert fit_context(rows + rare, 10.0, min_count=3)[0] == ("short both",)  # a feature of 2 sites is left out
    assert fit_context(rows + rare, 10.0, min_count=2)[0] == ("next 罕", "short both")
    even = tuple(tuple(0.0 for _ in CLASSES) for _ in CLASSES)
    model = MarkModel(names, coef, intercept, even, 1.0, 0.0)
    assert model.choice({"short both": 1.0}, "，")[0] == "、"
    assert model.choice({"short both": 0.0}, "、")[0] == "，"
    judged = sweep([(_site("、", True, read="，"), model), (_site("，", True), model),
                    (_site("。", True, read="，"), model), (_site("，", False), model)])
    assert judged[1.0, 0.0] == Counter({"right": 1, "wrong": 1, "other": 1})
    assert sum(judged[1.0, 5.0].values()) < 3  # fewer changes at a higher margin


def test_each_confused_mark_left_unfixed_is_listed_with_where_it_stands_and_its_candidate():
    class NoModel:
        keep = ()
        mark_choice = None

    ocr, gt = "北京，上海。\n天津6大连“好”", "北京、上海，\n天津“大连“好”"
    rows = unfixed(NoModel(), ocr, "北京、上海。\n天津6大连“好”", gt)
    assert [(read, true, where, found) for read, true, where, found, _ in rows] == [
        ("。", "，", "line end", "site"),  # the reflow joined the lines: a site, here of no model
        ("6", "“", "inside a line", "no class for the true mark")]
    assert rows[0][4].endswith("site, no model; output 。")
    assert [position("a，b\nc，“d", k) for k in (1, 2, 5)] == ["inside a line", "line end", "before a quote"]


def test_each_mark_read_is_judged_by_margin():
    even = tuple(tuple(0.0 for _ in CLASSES) for _ in CLASSES)
    names, coef, intercept = fit_context([_site("、", True)] * 30 + [_site("，", False)] * 60 + [_site("。", False)] * 20, 10.0)
    model = MarkModel(names, coef, intercept, even, 1.0, 0.0)
    table = read_margins([(_site("、", True, read="，"), model), (_site("，", False, read="、"), model),
                          (_site("，", False), model)])
    rows = {line.split(" | ")[0].strip("| `"): line.split(" | ") for line in table.splitlines()[2:]}
    assert rows["，"][1] == "2 (1)" and rows["，"][2] == "1 / 0 / 0"  # a '、' read as '，': right at margin 0
    assert rows["、"][1] == "1 (1)" and rows["、"][2] == "1 / 0 / 0"
    assert rows["。"][1] == "0 (0)"


def _x_site(read, truth, odds):
    """A site whose model prefers '、' by ``odds`` nats over every other mark (an even channel)."""
    coef = tuple((1.0,) if mark == "、" else (0.0,) for mark in CLASSES)
    even = tuple(tuple(0.0 for _ in CLASSES) for _ in CLASSES)
    return Site("p", read, truth, {"x": odds}, ""), MarkModel(("x",), coef, tuple(0.0 for _ in CLASSES), even, 1.0, 0.0)


def test_the_setting_with_most_right_changes_is_chosen_or_else_the_one_breaking_fewest_per_right_one():
    rows = [_x_site("，", "、", 3.0), _x_site("，", "，", 6.0), _x_site("，", "，", 1.0)]
    # margins 0-0.5: 1 right, 2 wrong; 1.0-2.5: 1 right, 1 wrong; 3.0 and up: only the wrong one
    assert choose(rows, 0.1, False)[:2] == (0.25, 1.0)
    assert choose(rows[:1] * 10 + rows[2:], 0.1, False)[:2] == (0.25, 0.0)  # 10 right, 1 wrong at margin 0


def test_a_mark_read_takes_a_lower_margin_of_its_own_only_where_its_added_changes_are_right():
    site = _x_site

    rows = [site("，", "、", 1.2)] * 3 + [site("，", "，", 0.7)]  # a '，' read: 3 right at 1.2, 1 wrong at 0.7
    rows += [site("。", "、", 1.2), site("。", "。", 1.2)]  # a '。' read: a lower margin adds as many wrong as right
    rows += [site("；", "、", 2.5)]  # above the margin: changed at it
    assert fit_read_margins([rows, rows], 1.0, 2.0, 0.1) == (("，", 1.0),)  # not 0.5: that adds the wrong one
    # one wrong per right allowed: the '。' read goes lower; 0.5 for the '，' read adds no right one
    assert fit_read_margins([rows], 1.0, 2.0, 1.0) == (("，", 1.0), ("。", 1.0))
    assert fit_read_margins([rows], 1.0, 1.0, 0.1) == ()
    # a margin that adds right changes in one fold only is not taken
    assert fit_read_margins([rows, [site("，", "，", 0.1)]], 1.0, 2.0, 0.1) == ()


def test_a_page_set_names_every_corpus_its_pages_may_come_from_and_a_bad_list_is_refused():
    assert text_numbers("0", 2) == {0}
    assert text_numbers("0,2,3", 5) == {0, 2, 3}  # a fold's four months, none of them in its context model
    for bad in ("", "1,x", "2", "-1"):
        with pytest.raises(SystemExit):
            text_numbers(bad, 2)
