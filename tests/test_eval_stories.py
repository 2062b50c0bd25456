"""Story-level scores in `ocrfix eval`: purity, contiguity and order of a whole-page output."""
from __future__ import annotations

import json

from ocrfix.cli import main
from ocrfix.evaluation import evaluate
from ocrfix.evaluation.stories import split_stories, story_scores

A = ["甲地运动会隆重开幕", "甲地今天举行春季运动会各校学生积极参加比赛。", "运动会设田径和球类等项目共有三十个学校参赛。"]
B = ["乙市新建图书馆正式开放", "乙市新建的图书馆昨天正式向市民开放借阅。", "馆内藏书五十万册并设有少儿阅览区和自习室。"]
C = ["丙县菜农今年收入增加", "丙县的农民合作社今年扩大了蔬菜种植面积。", "合作社负责人说订单已经排到了年底。"]
GT = "\n\n\n".join("\n".join(s) for s in (A, B, C)) + "\n"


def test_stories_are_set_apart_by_two_blank_lines() -> None:
    assert split_stories(GT) == ["\n".join(A), "\n".join(B), "\n".join(C) + "\n"]
    assert split_stories("标题\n\n第一段。\n第二段。\n") == ["标题\n\n第一段。\n第二段。\n"]
    assert story_scores("标题\n\n第一段。\n", "第一段。\n") is None  # one story: no story scores


def test_a_perfect_reading_scores_one() -> None:
    scores = story_scores(GT, GT)
    assert (scores.stories, scores.lines, scores.purity, scores.contiguity, scores.order) == (3, 9, 1.0, 1.0, 1.0)


def test_a_line_joining_two_stories_is_impure() -> None:
    hyp = "\n".join([*A[:2], A[2] + B[1], B[0], B[2], *C]) + "\n"
    scores = story_scores(GT, hyp)
    assert scores.lines == 8 and scores.purity == 7 / 8


def test_interleaved_stories_lose_contiguity_and_swapped_ones_order() -> None:
    interleaved = "\n".join([A[1], B[1], A[2], B[2], *C]) + "\n"
    scores = story_scores(GT, interleaved)
    assert scores.purity == 1.0 and scores.contiguity == 3 / 5
    swapped = "\n".join([*C, *A, *B]) + "\n"
    scores = story_scores(GT, swapped)
    assert scores.contiguity == 1.0 and scores.order == 18 / 36  # C's 3 lines before A's and B's 6


def test_ocr_errors_do_not_move_a_line_to_another_story() -> None:
    noisy = GT.replace("运动会", "运动佘").replace("图书馆", "图书绾")
    assert story_scores(GT, noisy).purity == 1.0


def test_eval_reports_story_scores_when_the_gt_has_stories(tmp_path, capsys) -> None:
    gt, hyp = tmp_path / "gt.txt", tmp_path / "hyp.txt"
    gt.write_text(GT, encoding="utf-8")
    hyp.write_text("\n".join([A[1], B[1], A[2], B[2], *C]) + "\n", encoding="utf-8")
    assert main(["eval", "--gt", str(gt), "--hyp", str(hyp), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stories"] == {
        "stories": 3, "lines": 7, "purity": 1.0, "contiguity": 0.6, "order": round(20 / 21, 6)}
    assert main(["eval", "--gt", str(gt), "--hyp", str(hyp)]) == 0
    assert "stories: 3 in GT; HYP lines purity 1.000, contiguity 0.600, order 0.952" in capsys.readouterr().out
    assert "stories" not in evaluate("标题\n\n第一段。\n", "第一段。\n").to_dict()


def test_a_form_feed_parts_stories_and_a_hypothesis_holding_one_scores_as_without() -> None:
    """The text of a document of several pages parts them by a form feed after a page's last line (no story
    runs on across it): a GT so parted has a story a page; a hypothesis holding form feeds is scored as
    the same text without them."""
    paged = "\n".join(A) + "\n\f" + "\n".join(B) + "\n"
    assert split_stories(paged) == ["\n".join(A) + "\n", "\n".join(B) + "\n"]
    assert story_scores(paged, paged).stories == 2
    hyp = "\n".join([A[1], A[2].replace("运动会", "运动佘"), B[1]]) + "\n"
    with_breaks = hyp.replace("\n" + B[1], "\n\f" + B[1])
    assert evaluate(GT, with_breaks, ocr=hyp).to_dict() == evaluate(GT, hyp, ocr=hyp).to_dict()


def test_a_sets_story_scores_are_its_pages_counts_summed(tmp_path, capsys) -> None:
    """Two whole pages scored as a set: each score is the pages' counts summed (their lines, runs and pairs),
    not the mean of their ratios; a page of one story adds nothing."""
    for folder in ("gt", "hyp"):
        (tmp_path / folder).mkdir()
    pages = {"p1": (GT, "\n".join([A[1], B[1], A[2], B[2], *C]) + "\n"),
             "p2": (GT, "\n".join([*C, *A, *B]) + "\n"),
             "p3": ("标题\n\n第一段。\n", "第一段。\n")}
    for key, (gt, hyp) in pages.items():
        (tmp_path / "gt" / f"{key}.txt").write_text(gt, encoding="utf-8")
        (tmp_path / "hyp" / f"{key}.txt").write_text(hyp, encoding="utf-8")
    one, two = story_scores(*pages["p1"]), story_scores(*pages["p2"])
    total = one + two
    assert (total.lines, total.runs, total.pairs) == (one.lines + two.lines, 5 + 3, 21 + 36)
    assert total.contiguity == 6 / 8 != (one.contiguity + two.contiguity) / 2
    assert main(["eval", "--gt", str(tmp_path / "gt"), "--hyp", str(tmp_path / "hyp"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["stories"] == {"pages": 2, **total.to_dict()}
    assert main(["eval", "--gt", str(tmp_path / "gt"), "--hyp", str(tmp_path / "hyp")]) == 0
    assert (f"stories (2 pages with several): 6 in GT; HYP lines purity 1.000, contiguity 0.750, order {(20 + 18) / 57:.3f} "
            "(16 lines)") in capsys.readouterr().out
