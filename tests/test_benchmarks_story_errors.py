"""The census of what stays wrong after correction on whole pages (benchmarks.story_errors)."""
from types import SimpleNamespace

from benchmarks.length_classes import char_status
from benchmarks.story_errors import BODY, HEAD, PARAGRAPH_EDGE, gt_places, page_census, runs
from ocrfix.text_reflow import STORY_BREAK
from ocrfix.training.confusions.length import anchored

STORIES = [
    {"headline": "北京召开会议", "paragraphs": ["今天我们在北京召开工作会议，大家都来了。", "会议讨论了明年的工作计划和安排。"]},
    {"headline": "上海天气很好", "paragraphs": ["上海今天天气很好，市民纷纷外出游玩散步。"]},
]


def test_each_ground_truth_character_has_its_place():
    text, places = gt_places(STORIES[1])
    assert text == "上海天气很好上海今天天气很好，市民纷纷外出游玩散步。"
    assert places[:6] == [HEAD] * 6 and places[6:8] == [PARAGRAPH_EDGE] * 2 and places[8] == BODY
    assert places[-2:] == [PARAGRAPH_EDGE] * 2


def test_lost_and_added_runs_are_told_from_single_characters():
    a = anchored("今天我们在北京开工作会议。，大家abcd都来了", "今天我们在北京召开工作会议，大家都来了。")
    found = runs(a, char_status(a))
    assert found["dropped: one character (Han)"] == 1  # 召
    assert found["dropped: one character (a mark)"] == 1  # the final 。
    assert found["extra: one character (a mark)"] == 1  # the 。 before ，
    assert found["extra: 4 or more in a row"] == 4


def test_a_page_census_counts_by_class_place_and_what_the_corrector_did():
    source = "北京召开会议\n今天我们在北京召开工作会议。。大家都来了。\n会议讨论了明年的工作计划和安排。" + STORY_BREAK + \
        "上海天气很好\n上海今天天气很好，市民纷纷外出游玩散步。\n图片图片图片"
    output = source.replace("。。", "，").replace("天汽", "天气")
    corrector = SimpleNamespace(inventory=set("北京上海天气很好"), candidates=SimpleNamespace(table={}), context=None)
    counts = page_census(STORIES, source, output, corrector)
    assert counts["class", "extra", BODY, "before"] == 1 and counts["class", "extra", BODY, "after"] == 0
    assert counts["class", "confused mark", BODY, "before"] == 1 and counts["class", "confused mark", BODY, "fixed"] == 1
    assert counts["no story", "before"] == 6  # a line owned by no story: garbage
    assert sum(v for k, v in counts.items() if k[0] == "band" and k[2] == "GT chars") == sum(len(gt_places(s)[0]) for s in STORIES)


def test_what_is_left_is_sorted_by_whether_a_corrector_could_reach_it():
    from collections import Counter

    from benchmarks.story_errors import left_over

    counts = Counter({("run", "dropped: 4 or more in a row", "after"): 9, ("run", "extra: one character (a mark)", "after"): 2,
                      ("run", "dropped: 2-3 in a row", "after"): 3, ("reach", "reachable: in the confusion table"): 4,
                      ("reach", "not among the candidates"): 5, ("class", "confused mark", BODY, "after"): 1})
    left = left_over(counts)
    assert left["unreachable: lost text (4 or more in a row)"] == 9 and left["a mark lost or added"] == 2
    assert left["lost or added, 2-3 in a row"] == 3 and left["confused mark"] == 1
    assert left["Han substitution, the right character among the candidates"] == 4
    assert left["Han substitution, not among the candidates"] == 5
