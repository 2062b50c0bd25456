"""The vertical page generator: a story set top to bottom, right to left, inside its box."""
from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw

from benchmarks.corpus import Article
from benchmarks.typeset import font
from benchmarks.vertical import set_story

ARTICLE = Article("甲地春季运动会隆重开幕", ("甲地今天举行春季运动会，各校学生积极参加比赛。" * 3, "运动会设田径和球类等项目，共有三十个学校参赛。" * 3,
                                     "组委会表示明年还将继续举办。" * 8), "test", 0)


def test_a_story_is_set_from_the_right_in_whole_paragraphs_inside_its_box() -> None:
    image = Image.new("L", (900, 700), 255)
    story = set_story(ImageDraw.Draw(image), ARTICLE, 300, 860, 40, 660, random.Random(1), 30, ("song", "hei_bold"), 1.5, font)
    assert story.paragraphs == ARTICLE.paragraphs[:2]  # the third does not fit: left out whole
    assert story.headline == ARTICLE.headline
    ink = np.argwhere(np.asarray(image) < 128)
    x0, y0, x1, y1 = story.box
    assert x0 <= ink[:, 1].min() and ink[:, 1].max() <= x1 and y0 <= ink[:, 0].min() and ink[:, 0].max() <= y1
    rows = ink[ink[:, 1] > x1 - 45]  # the headline column: the story's right edge, larger type
    assert rows[:, 0].max() - rows[:, 0].min() > 10 * 30


def test_a_story_with_digits_is_set_one_cell_a_character() -> None:
    article = Article("甲地运动会开幕", ("甲地今天举行2026年春季运动会，30个学校参赛。",), "test", 0)
    image = Image.new("L", (900, 700), 255)
    story = set_story(ImageDraw.Draw(image), article, 300, 860, 40, 660, random.Random(1), 30, ("song", "hei_bold"), 1.5, font)
    assert story.paragraphs == article.paragraphs
