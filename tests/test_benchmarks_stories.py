"""The whole-page story benchmark: its scores on toy outputs and the generator's page plans."""
from __future__ import annotations

import random

from benchmarks.newspage import _layout, gt_text
from benchmarks.stories import score_page, tesseract_blocks

STORIES = [
    {"headline": "甲地运动会隆重开幕", "paragraphs": ["甲地今天举行春季运动会各校学生积极参加比赛。", "运动会设田径和球类等项目共有三十个学校参赛。"]},
    {"headline": "乙市新建图书馆开放", "paragraphs": ["乙市新建的图书馆昨天正式向市民开放借阅。", "馆内藏书五十万册并设有少儿阅览区和自习室。"]},
]


def test_a_perfect_output_scores_every_paragraph_line_and_headline() -> None:
    got = score_page(STORIES, gt_text(STORIES))
    assert got == {"paragraphs": 4, "recalled": 4, "lines": 6, "pure": 6, "stories": 2, "attached": 2,
                   "contiguity_sum": 1.0, "order_sum": 1.0}


def test_headlines_first_then_bodies_detach_headlines_and_joined_stories_are_impure() -> None:
    a, b = STORIES
    out = "\n".join([a["headline"], b["headline"], a["paragraphs"][0], a["paragraphs"][1] + b["paragraphs"][0], b["paragraphs"][1]])
    got = score_page(STORIES, out)
    assert got["attached"] == 0  # A's headline is followed by B's, B's by A's body
    assert got["recalled"] == 2 and got["pure"] == got["lines"] - 1


def test_tesseract_blocks_become_lines() -> None:
    assert tesseract_blocks("第一段第\n一行\n\n第二 段\n\f") == "第一段第一行\n第二段\n"


def test_groups_below_the_lead_cover_the_grid_with_two_columns_at_least() -> None:
    for seed in range(50):
        columns = random.Random(seed).randint(5, 8)
        groups = _layout(random.Random(seed), columns)
        assert groups[0][0] == 0 and groups[-1][1] == columns
        assert all(a[1] == b[0] for a, b in zip(groups, groups[1:]))
        assert all(hi - lo >= 2 for lo, hi in groups) and 2 <= len(groups) <= 3
