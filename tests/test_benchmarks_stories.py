"""The whole-page story benchmark: its scores on toy outputs and the generator's page plans."""
from __future__ import annotations

import random

from benchmarks.newspage import _layout, grid_plan, gt_text
from benchmarks import stories
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


def test_grid_pages_plan_three_to_five_stories_of_one_to_four_grid_columns_in_two_bands() -> None:
    plans = [grid_plan(random.Random(seed), 6 + seed % 3) for seed in range(200)]
    for seed, (top, below) in enumerate(plans):
        columns = 6 + seed % 3
        for band in (top, below):
            if band:
                assert band[0][0] == 0 and band[-1][1] == columns and all(a[1] == b[0] for a, b in zip(band, band[1:]))
        assert all(1 <= c1 - c0 <= 4 and count in (1, 2) for c0, c1, count in top + below)
        assert 3 <= sum(count for *_, count in top + below) <= 5
        assert len(top) == 2 and any(c1 - c0 >= 3 and count == 1 for c0, c1, count in top)  # the lead, beside a group
    assert any(not below for _, below in plans) and any(top[0][2] == 2 for top, _ in plans)  # no band below; the side group first


def test_a_head_group_and_byline_before_the_body_still_attach_the_headline() -> None:
    stories = [{**STORIES[0], "kicker": "新春走基层", "subtitle": "——三十所学校参赛", "byline": "本报记者　王伟"}, STORIES[1]]
    text = gt_text(stories)
    assert text.startswith("新春走基层\n甲地运动会隆重开幕\n——三十所学校参赛\n本报记者　王伟\n甲地今天")
    assert score_page(stories, text)["attached"] == 2
    a, b = stories
    no_body = "\n".join(["新春走基层", a["headline"], "本报记者　王伟", b["headline"], *b["paragraphs"], *a["paragraphs"]])
    assert score_page(stories, no_body)["attached"] == 1


def test_a_headline_followed_by_its_own_jump_line_is_attached_but_not_by_another_story_s() -> None:
    """A story's body opens with its jump line, ``（上接第五版）``: too short to own by its grams,
    and sharing them with another story's ``（下转第五版）``; after the headline it is the story's own."""
    a, b = STORIES
    stories = [{**a, "paragraphs": ["（上接第五版）", *a["paragraphs"]]}, {**b, "paragraphs": [*b["paragraphs"], "（下转第五版）"]}]
    assert score_page(stories, gt_text(stories))["attached"] == 2
    misread = gt_text(stories).replace("（上接第五版）", "《上接第五版7")
    assert score_page(stories, misread)["attached"] == 2
    swapped = "\n".join([a["headline"], "（下转第五版）", *a["paragraphs"], b["headline"], *b["paragraphs"]])
    assert score_page(stories, swapped)["attached"] == 1


def _setter(seed: int, width: int = 1400, height: int = 1200):
    from PIL import Image

    from benchmarks.newspage_varied import Style, StorySetter

    style = Style(face="song", size=30, leading=1.5, gutter=45, story_gap=80, head_face="hei_bold", rule_width=2, column_rules=True)
    return StorySetter(Image.new("L", (width, height), 255), style, random.Random(seed), lambda: "另一条新闻的标题")


def test_varied_stories_print_whole_paragraphs_or_whole_sentences_and_nothing_when_none_fits() -> None:
    from benchmarks.corpus import Article
    from benchmarks.newspage_varied import Region

    paragraphs = tuple("第%d段的第一句话说明情况。第二句话接着说下去，还有更多内容！第三句话到此为止。" % k for k in range(12))
    article = Article("甲地举行运动会", paragraphs, "test", 0)
    for seed in range(12):
        setter = _setter(seed)
        story = setter.set(article, Region(40, 40, 1360, 40 + 30 * 1.5 * (8 + seed)), long_column="last" if seed % 3 == 0 else "")
        *whole, last = story.paragraphs
        assert list(whole) == list(paragraphs[:len(whole)])
        assert paragraphs[len(whole)].startswith(last) and last[-1] in "。！"
        assert setter.image.getextrema()[0] == 0  # something was drawn
        assert story.box[3] <= 40 + 30 * 1.5 * (8 + seed) + 30
    empty = _setter(0)
    story = empty.set(article, Region(40, 40, 400, 140))
    assert story.paragraphs == () and empty.image.getextrema() == (255, 255)


def test_a_misread_head_group_line_still_attaches_but_a_line_of_another_story_does_not() -> None:
    stories = [{**STORIES[0], "subtitle": "——三十所学校参赛", "byline": "本报记者　王建国"},
               {**STORIES[1], "byline": "本报通讯员　李明"}]
    a, b = stories
    misread = "\n".join([a["headline"], "一一三十所学", "本报记者“玉建多国", *a["paragraphs"], b["headline"], *b["paragraphs"]])
    assert score_page(stories, misread)["attached"] == 2
    other = "\n".join([a["headline"], "本报通讯员李朋", *a["paragraphs"], b["headline"], *b["paragraphs"]])
    assert score_page(stories, other)["attached"] == 1  # B's byline misread after A's headline


def test_missed_paragraphs_that_occur_as_one_stretch_of_the_output_are_counted(tmp_path) -> None:
    import json

    from benchmarks.stories import stretch_misses

    a, b = STORIES
    cut = a["paragraphs"][0]
    lines = [a["headline"], cut[:10], cut[10:], a["paragraphs"][1][:8] + "某某某某某某某某某某某某某某", b["headline"], *b["paragraphs"]]
    (tmp_path / "p.gt.json").write_text(json.dumps({"stories": STORIES}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "p.txt").write_text("\n\n".join(lines), encoding="utf-8")  # each line a block
    assert stretch_misses(tmp_path, "tesseract") == (2, 1)  # one cut in two, one misread


def test_a_split_without_pages_is_a_one_line_error(tmp_path, capsys) -> None:
    (tmp_path / "eval").mkdir()
    assert stories.main(["--root", str(tmp_path), "--split", "eval"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no pages" in err


def test_break_causes_tell_a_false_indent_from_a_short_line_and_a_column_top() -> None:
    from ocrfix.formats import Box

    column = [Box(0, y, 200, y + 10) for y in (0, 20, 40)]
    assert stories._break_cause(column, [Box(60, 60, 200, 70), Box(0, 80, 200, 90)], ("paragraph", "paragraph"), 10) \
        == "false indent (inside a column)"
    assert stories._break_cause([*column[:2], Box(0, 40, 150, 50)], [Box(0, 60, 200, 70)], ("paragraph", "paragraph"), 10) \
        == "short line before (inside a column)"
    assert stories._break_cause(column, [Box(300, 0, 500, 10), Box(300, 20, 500, 30)], ("paragraph", "paragraph"), 10) \
        == "other (column top)"
    assert stories._break_cause(column, [Box(0, 60, 200, 70)], ("paragraph", "headline"), 10) == "break at a paragraph/headline block"


def test_the_plain_census_sorts_misses_by_the_cue_that_cut_them_and_what_they_were_joined_with(tmp_path) -> None:
    import json

    from benchmarks.stories import plain_census

    a, b = STORIES
    lines = [a["headline"], "", "甲地今天举行春季运动", "会各校", "学生积极参加比赛。", "", b["headline"], "",  # cut at a short line
             "运动会设田径和球类等项", "目共有三十个学校参赛。", "乙市新建的图书馆昨天正", "式向市民开放借阅。", "",  # run together
             "馆内藏书五十万册并设", "", "乙市甲地某某某某某某", "", "有少儿阅览区和自习室。"]  # other text between
    (tmp_path / "p.gt.json").write_text(json.dumps({"stories": STORIES}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "p.txt").write_text("\n".join(lines), encoding="utf-8")
    assert plain_census(tmp_path) == {
        "paragraphs": 4, "missed": 4, "ceiling: consecutive lines of the engine's text": 3,
        "missed, one stretch: cut": 1, "missed, one stretch: cut / at short line": 1,
        "missed, one stretch: joined": 2, "missed, one stretch: joined / with another story": 2,
        "missed, not one stretch: in two pieces": 1, "missed, not one stretch: in two pieces / with text of no story between": 1,
    }


def test_the_census_tells_how_a_scrambled_paragraph_is_scrambled() -> None:
    paragraph = STORIES[0]["paragraphs"][0]  # 甲地今天举行春季运动会各校学生积极参加比赛。
    texts = [p for story in STORIES for p in story["paragraphs"]]
    heads = ["丙县农民合作社扩种蔬菜"]
    body = ["paragraph"] * 3
    assert stories.scramble(paragraph, ["甲地今天举行春季乙市新建的图书馆运动会各校学生积极参加比赛。"], body, texts, heads) \
        == "other rows read into it"  # a row of the column beside
    assert stories.scramble(paragraph, ["甲地今天举行春季丙县农民合作社扩种蔬菜运动会各校学生积极参加比赛。"], body, texts, heads) \
        == "headline text read into it"
    assert stories.scramble(paragraph, ["某某某某某某某某某某某某某某某某某某某某"], body, texts, heads) == "garbled by the engine"
    assert stories.scramble(paragraph, ["甲地今天举行春季运动", "会各校学生积极参加比赛。"], ["headline", "paragraph"], texts, heads) \
        == "a piece of it read as a headline"
    assert stories.scramble(paragraph, ["会各校学生积极参加比赛。", "其他", "甲地今天举行春季运动"], body, texts, heads) \
        == "cut into lines out of order"
    assert stories.scramble(paragraph, ["甲地今天举行春季运动", "其他", "会各校学生积极参加比赛。"], body, texts, heads) \
        == "cut into lines apart"


def test_a_headline_line_misread_attaches_but_noise_or_another_storys_line_does_not() -> None:
    stories = [{**STORIES[0], "headline": "甲地运动会隆重开幕各校参加"}, STORIES[1]]
    a, b = stories
    misread = "\n".join(["甲地运动会隆", "重开幕各校参", "如", *a["paragraphs"], b["headline"], *b["paragraphs"]])
    assert score_page(stories, misread)["attached"] == 2  # `如` is the last character misread
    for noise in ("|,", "如今天也很", "馆内藏书"):  # no letters; longer than the 4 unmatched characters; B's text
        text = "\n".join(["甲地运动会隆重开幕", noise, *a["paragraphs"], b["headline"], *b["paragraphs"]])
        assert score_page(stories, text)["attached"] == 1, noise


def test_two_stories_with_one_headline_text_each_find_their_own_line() -> None:
    twin = {**STORIES[1], "headline": STORIES[0]["headline"]}
    stories = [STORIES[0], twin]
    text = "\n".join([STORIES[0]["headline"], *STORIES[0]["paragraphs"], twin["headline"], *twin["paragraphs"]])
    assert score_page(stories, text)["attached"] == 2
    # a sub-headline that repeats a later story's headline is its own story's
    deck = [{**STORIES[0], "subtitle": STORIES[1]["headline"]}, STORIES[1]]
    text = "\n".join([STORIES[0]["headline"], STORIES[1]["headline"], *STORIES[0]["paragraphs"], STORIES[1]["headline"], *STORIES[1]["paragraphs"]])
    assert score_page(deck, text)["attached"] == 2


def test_a_byline_whose_name_gaps_are_read_as_quote_marks_stays_in_its_head_group() -> None:
    # B's byline is nearer in characters than A's own (the shorter text decides the partial ratio)
    stories = [{**STORIES[0], "byline": "新华社记者　吕丽晨　贾鹏"}, {**STORIES[1], "byline": "新华社记者　曹平"}]
    a, b = stories
    text = "\n".join([a["headline"], "新华社记者”吕丽蝴”贾鹏", *a["paragraphs"], b["headline"], *b["paragraphs"]])
    assert score_page(stories, text)["attached"] == 2


def test_a_page_without_ocr_errors_has_no_reduction_to_report() -> None:
    """A clean page's CER cannot fall: its reduction is 0, or -inf where the corrector added errors (not 100 %)."""
    assert stories._reduction(10, 4) == 0.6
    assert stories._reduction(0, 0) == 0.0
    assert stories._reduction(0, 2) == float("-inf")


def test_a_page_turned_for_the_benchmark_keeps_its_corners_and_turns_either_way_by_its_seed() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    from benchmarks.degrade import Degradation, degrade
    from benchmarks.newspage import turned

    clean = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(clean)
    for x, y in ((0, 0), (580, 0), (0, 380), (580, 380)):  # ink in every corner
        draw.rectangle((x, y, x + 19, y + 19), fill=0)
    ink = int((np.asarray(clean) < 128).sum())
    signs = set()
    for seed in range(1010000, 1010008):
        page, deg, pad = turned(clean, Degradation(noise=3.0), seed, 2.5)
        assert abs(deg.rotate) == 2.5 and deg.noise == 3.0 and page.size == (600 + 2 * pad, 400 + 2 * pad)
        signs.add(deg.rotate > 0)
        assert (np.asarray(degrade(page, Degradation(rotate=deg.rotate), seed)) < 128).sum() > 0.95 * ink
    assert signs == {True, False}


FURNITURE = [{"kind": "folio", "text": "2020年5月6日　星期三　　人民日报　　要闻　　4", "bbox": [0, 0, 9, 9]},
             {"kind": "editor", "text": "本版责编：王　磊　张　艳　　版式设计：李　强", "bbox": [0, 0, 9, 9]}]


def test_furniture_lines_of_their_own_cost_nothing_but_run_into_a_story_they_are_impure() -> None:
    folio, editor = (f["text"] for f in FURNITURE)
    apart = gt_text(STORIES, FURNITURE)
    assert apart.startswith(folio + "\n\n\n") and apart.endswith("\n\n\n" + editor + "\n")
    assert score_page(STORIES, apart, FURNITURE) == {**score_page(STORIES, gt_text(STORIES)), "furniture": 2, "furniture_joined": 0}
    a, b = STORIES
    run_in = "\n".join([folio + a["headline"], *a["paragraphs"], b["headline"], b["paragraphs"][0], b["paragraphs"][1] + editor])
    got = score_page(STORIES, run_in, FURNITURE)
    assert got["furniture_joined"] == 2 and got["pure"] == got["lines"] - 2 and got["attached"] == 1
    assert score_page(STORIES, run_in)["pure"] == got["lines"]  # without the furniture listed, nobody would know


def test_furniture_is_drawn_over_and_under_the_page_from_its_seed_and_reads_as_furniture() -> None:
    from PIL import Image

    from benchmarks.newspage_furniture import furnish
    from ocrfix.furniture import editor_like, folio_like

    page = Image.new("L", (1200, 900), 255)
    image, top, lines = furnish(page, 1234, 36, "song")
    again = furnish(page, 1234, 36, "song")
    assert image.tobytes() == again[0].tobytes() and lines == again[2]
    assert image.width == page.width and image.height > page.height and 0 < top < image.height - page.height
    folio, editor = lines
    assert (folio.kind, editor.kind) == ("folio", "editor") and folio_like(folio.text) and editor_like(editor.text)
    assert folio.box[3] < top + 70 and editor.box[1] > top + page.height - 70  # over the page's print; under its foot


def test_jump_lines_are_drawn_from_their_own_seed_and_set_as_print_sets_them() -> None:
    from benchmarks.newspage_furniture import Jump, Jumps
    from ocrfix.furniture import furniture_line

    drawn = [Jumps(77).next() for _ in range(2)]
    assert drawn[0] == drawn[1]  # the same page, the same jump lines
    many = Jumps(77)
    jumps = [many.next() for _ in range(200)]
    assert any(j.opens for j in jumps) and any(j.closes for j in jumps) and not all(j.closes for j in jumps)
    assert all(not furniture_line(j.opens or j.closes or "（下转第二版）") for j in jumps)
    paragraphs = ("甲地今天举行春季运动会。", "运动会设田径和球类等项目。")
    assert Jumps.opened(paragraphs, Jump(opens="（上接第一版）")) == ("（上接第一版）甲地今天举行春季运动会。", paragraphs[1])
    assert Jumps.opened(paragraphs, Jump(opens="（上接第一版）", own_line=True)) == ("（上接第一版）", *paragraphs)

    def breaks(text: str) -> list[str]:
        return [text[i:i + 8] for i in range(0, len(text), 8)]

    lines = [line for p in paragraphs for line in breaks(p)]
    placed, set_lines = Jumps.closed(list(paragraphs), lines, Jump(closes="（下转第四版）", own_line=True), 10, breaks)
    assert placed == [*paragraphs, "（下转第四版）"] and set_lines == [*lines, "\u3000" * 3 + "（下转第四版）"]  # flush right
    placed, set_lines = Jumps.closed(list(paragraphs), lines, Jump(closes="（下转第四版）"), 10, breaks)
    assert placed == [paragraphs[0], paragraphs[1] + "（下转第四版）"] and "".join(set_lines) == "".join(placed)
    assert len(set_lines) <= len(lines) + 1


def _alto_rows(rows: list[list[tuple[int, str]]]) -> str:
    """An ALTO page of one block whose lines are ``rows``: each a list of (left edge, text) runs,
    a 40 px box per character."""
    lines = []
    for r, runs in enumerate(rows):
        y = 10 + 60 * r
        strings = "".join(f'<String HPOS="{x + 40 * i}" VPOS="{y}" WIDTH="38" HEIGHT="40" CONTENT="{ch}"/>'
                          for x, text in runs for i, ch in enumerate(text))
        lines.append(f'<TextLine HPOS="10" VPOS="{y}" WIDTH="2000" HEIGHT="40">{strings}</TextLine>')
    return ('<?xml version="1.0" encoding="UTF-8"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout>'
            '<Page WIDTH="2200" HEIGHT="400"><PrintSpace><TextBlock HPOS="10" VPOS="10" WIDTH="2000" HEIGHT="300">'
            + "".join(lines) + "</TextBlock></PrintSpace></Page></Layout></alto>")


def test_reachable_paragraphs_are_those_the_engines_lines_or_their_pieces_make_up_in_some_order(tmp_path) -> None:
    import json

    from ocrfix.formats import read_document

    a, b = STORIES[0]["paragraphs"][0], STORIES[1]["paragraphs"][0]  # 22 and 20 characters
    garbled = "某某某某某某某某某某某某某某某某某某某某"
    right = 10 + 40 * 11 + 100  # the second column, a gutter of 2.5 type sizes after the first
    rows = [[(10, a[:11]), (right, b[:10])], [(10, a[11:]), (right, b[10:])], [(10, garbled)]]
    (tmp_path / "p.xml").write_text(_alto_rows(rows), encoding="utf-8")
    gt = [{"headline": "", "paragraphs": [a]}, {"headline": "", "paragraphs": [b, "乙市的学校都组织学生参观了新馆。"]}]
    (tmp_path / "p.gt.json").write_text(json.dumps({"stories": gt}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "p.txt").write_text("\n".join("".join(t for _, t in r) for r in rows), encoding="utf-8")  # the engine read it

    whole, pieces = stories._line_pieces(read_document(tmp_path / "p.xml"))
    assert whole == [a[:11] + b[:10], a[11:] + b[10:], garbled]
    assert pieces == [a[:11], b[:10], a[11:], b[10:], garbled]  # cut at the gutter, not between characters
    assert stories._placed([a, b], [b[10:], a[11:], b[:10], a[:11], garbled]) == [a, b]  # each in its paragraph's order

    got = stories.reachable(tmp_path)
    assert got["paragraphs"] == 3 and got["reachable"] == 2  # the third paragraph was never read
    assert got["recalled, reachable"] == got["recalled"] <= 2
