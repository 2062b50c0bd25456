"""Page furniture (folio band, editor line) on synthetic geometry and in plain text."""
from __future__ import annotations

from test_formats_layout import COL1, COL2, H, HEAD, document, make_line

from ocrfix.formats import reflow_document
from ocrfix.furniture import editor_like, editor_row_like, folio_like, folio_row_like, furniture_line, plain_parts
from ocrfix.formats.pipeline import plain_articles
from ocrfix.text_reflow import STORY_BREAK, reflow, reflow_blocks, reflow_cues, render

SMALL = int(H * 0.8)  # furniture type
RIGHT = 60 + int(2 * (13 + 1.5) * H)  # the right edge of the two columns


def folio_row(y: int = 10) -> list:
    """A folio spread over the page: the paper's name left, the date in the middle, section and
    page number right (one line of print, three pieces far apart)."""
    return [make_line("人民日报", 60, y, SMALL), make_line("2020年5月6日星期三", 520, y, SMALL),
            make_line("要闻第4版", RIGHT - 5 * SMALL, y, SMALL)]


EDITOR = make_line("本版责编：王磊　版式：李强", 60, 200 + 5 * int(H * 1.6) + H, SMALL)


def texts(flow) -> list[tuple[str, str, int]]:
    return [(b.kind, b.text, b.story) for b in flow.blocks]


def test_a_folio_over_the_lead_is_a_paragraph_of_its_own_before_the_stories() -> None:
    flow = reflow_document(document([folio_row(), HEAD, COL1, COL2]))
    first, *rest = texts(flow)
    assert first == ("furniture", "人民日报2020年5月6日星期三要闻第4版", 0)
    assert rest[0] == ("headline", "集市开张", 1)  # the lead keeps its headline, its body under it
    assert rest[1][0] == "paragraph" and rest[1][1].startswith("本报讯") and rest[1][2] == 1
    assert flow.text.startswith("人民日报2020年5月6日星期三要闻第4版" + STORY_BREAK + "集市开张")


def test_an_editor_line_at_the_foot_is_not_run_into_the_last_paragraph() -> None:
    flow = reflow_document(document([HEAD, COL1, COL2, [EDITOR]]))
    *body, last = texts(flow)
    assert last == ("furniture", "本版责编：王磊版式：李强", 1)
    assert all("责编" not in text for _, text, _ in body) and {story for *_, story in body} == {0}
    assert flow.text.endswith(STORY_BREAK + "本版责编：王磊版式：李强\n")


def test_articles_list_the_furniture_apart_from_the_stories() -> None:
    """An archive indexing stories tells the folio and the editor line by their kind, each with its box."""
    records = reflow_document(document([folio_row(), HEAD, COL1, COL2, [EDITOR]])).articles()
    assert [(r["kind"], r["headline"]) for r in records] == [("furniture", ""), ("story", "集市开张"), ("furniture", "")]
    assert records[0]["paragraphs"] == ["人民日报2020年5月6日星期三要闻第4版"] and records[2]["paragraphs"] == ["本版责编：王磊版式：李强"]
    assert records[0]["bbox"][1] < records[1]["bbox"][1] < records[2]["bbox"][1]
    assert not any("责编" in p or "星期" in p for p in records[1]["paragraphs"])


def test_plain_articles_list_furniture_listed_inside_a_story_as_a_record_of_its_own() -> None:
    text = "\n".join(["集市开张", "", *BODY[:4], "", "版式设计: 吴国辉 图片编辑: 喜 琳", "", *BODY[4:]]) + "\n"
    blocks = reflow_blocks(text)
    records = plain_articles(text, render(blocks), blocks)
    assert [(r["kind"], r["headline"], r["bbox"]) for r in records] == [("story", "集市开张", None), ("furniture", "", None)]
    assert records[1]["paragraphs"] == ["版式设计:吴国辉图片编辑:喜琳"]
    assert all("版式" not in p for p in records[0]["paragraphs"])


def test_a_scan_turned_a_little_keeps_the_folio_s_pieces_one_row() -> None:
    """The pieces far apart drift down across the page (0.7 degrees): still the page's first row."""
    row = [make_line("人民日报", 60, 10, SMALL), make_line("2020年5月6日星期三", 520, 14, SMALL),
           make_line("要闻第4版", RIGHT - 5 * SMALL, 22, SMALL)]
    flow = reflow_document(document([row, HEAD, COL1, COL2]))
    assert texts(flow)[0] == ("furniture", "人民日报2020年5月6日星期三要闻第4版", 0)


def test_a_headline_with_a_date_or_a_small_top_line_saying_nothing_stays_in_its_story() -> None:
    dated = [make_line("2020年5月6日起施行", 60, 60, size=int(H * 2))]
    flow = reflow_document(document([dated, COL1, COL2]))
    assert texts(flow)[0] == ("headline", "2020年5月6日起施行", 0)
    kicker = [make_line("人民日报社评论员", 60, 10, SMALL)]  # no date, weekday nor page number
    assert all(story == 0 for *_, story in texts(reflow_document(document([kicker, HEAD, COL1, COL2]))))
    credit = make_line("本版责编：王磊", 60, 40, SMALL)  # an editor's credit at the top is no editor line
    assert all(story == 0 for *_, story in texts(reflow_document(document([HEAD, [credit], COL1, COL2]))))


def test_the_cues() -> None:
    assert folio_like("2020年5月6日　星期三　　人民日报　　要闻　　4") and folio_like("理论”04文汇报2010年5月16日_星期日")
    assert folio_like("国内　第十九版") and not folio_like("2020年5月6日，国务院常务会议召开")
    assert not folio_like("（下转第四版）") and not furniture_line("（上接第一版）")  # a story's jump lines
    assert editor_like("本版责编：王　磊　张　艳　　版式设计：李　强") and editor_like("责任编辑杨 .天")
    assert not editor_like("设计方案已经通过专家评审。") and not editor_like("他说，记者编辑都到了现场")
    assert furniture_line("美编: 杨 杰 校对: 冯 强") and furniture_line("术版责编: 邓秀朵") and furniture_line("秀 ”美编: 于 桂")
    assert not furniture_line("制图：蔡华伟") and not furniture_line("版式设计：汪哲平")  # a story's own credits
    assert furniture_line("2012年12月11日”星期二") and not furniture_line("2012年12月11日")  # a dateline


def test_a_folio_or_editor_line_the_engine_misread_is_furniture_where_it_stands_not_anywhere() -> None:
    """A digit of the date misread and the weekday's day lost (``2009 年 ?月 6 日星期``), or the
    credit's role garbled (``本版纺丁姑洋``): the page's first or last row still says so, a line
    elsewhere does not."""
    folio = make_line("工人日报 2009年?月6日星期 民生 14", 60, 10, SMALL)
    editor = make_line("本版纺丁姑洋表苍", 60, 200 + 5 * int(H * 1.6) + H, SMALL)
    flow = reflow_document(document([[folio], HEAD, COL1, COL2, [editor]]))
    got = texts(flow)
    assert got[0] == ("furniture", "工人日报2009年?月6日星期民生14", 0) and got[-1][:2] == ("furniture", "本版纺丁姑洋表苍")
    assert {story for _, _, story in got[1:-1]} == {1}
    assert folio_row_like("工人日报 2009年?月6日星期 民生 14") and not folio_like("工人日报 2009年?月6日星期 民生 14")
    assert editor_row_like("本版纺丁姑洋表苍") and not editor_like("本版纺丁姑洋表苍")
    assert not folio_row_like("下个星期，集市将延长营业时间") and not editor_row_like("本版刊登的文章。")
    assert not furniture_line("工人日报 2009年?月6日星期 民生 14")  # inside a story's lines it says too little
    story = ["下星期起集市延长营业", "", *BODY]  # a plain text's first line: a bare weekday is a headline's word
    assert plain_parts("\n".join(story) + "\n")[0] == ""
    misread = ["工人日报 2009年?月6日 星期 民生 14", "", "集市开张", "", *BODY]
    assert plain_parts("\n".join(misread) + "\n")[0].split()[0] == "工人日报"


BODY = ["　　本报讯清晨六点城东农贸集市的", "摊位陆续摆开新鲜蔬菜和水果吸", "引了不少居民前来选购。",
        "　　市场管理处介绍今年新增摊位", "四十个还有很多新的商户入驻来", "自各地的特产也摆上了货架。",
        "　　下一步集市将延长营业时间并", "增加夜间照明设施方便居民购物。"]


def test_plain_text_keeps_the_folio_and_the_editor_line_lines_of_their_own() -> None:
    """The engine wrote the folio straight over the headline and the editor line under the last
    paragraph, no blank line between."""
    text = "\n".join(["2020年5月6日 星期三 人民日报 要闻 4", "集市开张", "", *BODY, "本版责编: 王 磊 版式: 李 强"]) + "\n"
    out = reflow(text)
    assert out.startswith("2020年5月6日星期三人民日报要闻4" + STORY_BREAK + "集市开张\n")
    assert out.endswith("下一步集市将延长营业时间并增加夜间照明设施方便居民购物。" + STORY_BREAK + "本版责编:王磊版式:李强\n")
    assert "".join(out.split()) == "".join(text.split())


def test_plain_parts_take_a_paper_name_the_engine_set_apart_and_leave_a_story_alone() -> None:
    lines = ["南方日报", "", "2011年9月1日 星期四", "国内 第十九版", "集市开张", *BODY, "编辑: 蔡 秀", "美编: 吴强军"]
    folio, body, editor = plain_parts("\n".join(lines) + "\n")
    assert folio.split() == ["南方日报", "2011年9月1日", "星期四", "国内", "第十九版"]
    assert editor.split() == ["编辑:", "蔡", "秀", "美编:", "吴强军"] and body.startswith("集市开张\n")
    story = "\n".join(["2020年5月6日 星期三", *BODY[:6]]) + "\n"  # too short for a page
    assert plain_parts(story) == ("", story, "")


def test_an_editor_credit_the_engine_listed_among_the_stories_is_a_paragraph_of_its_own() -> None:
    """Not a headline heading the body after it, nor run into a paragraph."""
    text = "\n".join(["集市开张", "", *BODY[:2], "", "责任编辑: 郭涛明 美编: 于明桂", "", *BODY[2:]]) + "\n"
    blocks = [(b.kind, b.text) for b in reflow_blocks(text)]
    assert ("furniture", "责任编辑:郭涛明美编:于明桂") in blocks


def test_two_credits_the_engine_listed_inside_a_sentence_come_after_its_paragraph() -> None:
    """``版式设计：`` alone may be a story's credit; with a second credit it is the editor line. The
    sentence it was listed in reads on past it."""
    text = "\n".join(["集市开张", "", *BODY[:4], "", "版式设计: 吴国辉 图片编辑: 喜 琳", "", *BODY[4:]]) + "\n"
    blocks = [b.text for b in reflow_blocks(text)]
    assert blocks[2:4] == ["市场管理处介绍今年新增摊位四十个还有很多新的商户入驻来自各地的特产也摆上了货架。", "版式设计:吴国辉图片编辑:喜琳"]


def test_an_editor_line_run_in_at_a_paragraph_seam_is_a_paragraph_of_its_own() -> None:
    """No blank line around it: the line before ends a sentence, and the line says it unmistakably."""
    text = "\n".join(["集市开张", "", *BODY[:3], "本版责编: 吴国辉 美编: 喜 琳", *BODY[3:]]) + "\n"
    blocks = [b.text for b in reflow_blocks(text)]
    assert "本版责编:吴国辉美编:喜琳" in blocks and all("责编" not in b for b in blocks if b != "本版责编:吴国辉美编:喜琳")
    credit = "\n".join(["集市开张", "", *BODY[:3], "（编辑：吴国辉）", *BODY[3:]]) + "\n"  # a story's own credit stays
    assert "furniture" not in [cue for _, cue in reflow_cues(credit)]
    assert ("本版责编:吴国辉美编:喜琳", "furniture") in [(b.text, cue) for b, cue in reflow_cues(text)]


def test_plain_parts_take_the_folio_s_page_number_line_under_its_date() -> None:
    lines = ["2003年4月7日 星期一", "", "光明日报社会 8", "", "集市开张", "", *BODY]
    folio, body, _ = plain_parts("\n".join(lines) + "\n")
    assert folio.split() == ["2003年4月7日", "星期一", "光明日报社会", "8"] and body.split()[0] == "集市开张"
    headline = ["2003年4月7日 星期一", "", "集市开张", "", *BODY]  # a headline under the folio stays the lead's
    assert plain_parts("\n".join(headline) + "\n")[1].split()[0] == "集市开张"


def test_plain_parts_take_a_paper_s_name_over_the_page_when_its_folio_is_listed_elsewhere() -> None:
    lines = ["新华日报", "", "集市开张", "", *BODY[:4], "", "2012年12月11日”星期二", "", *BODY[4:]]
    folio, body, _ = plain_parts("\n".join(lines) + "\n")
    assert folio.split() == ["新华日报"] and body.split()[0] == "集市开张"
    split = ["2023年5月5日”星期五", "人民日报 ”地方新闻", "03", "集市开张", *BODY]  # the page number a line of its own
    assert plain_parts("\n".join(split) + "\n")[0].split()[-1] == "03"
    news = ["喜报", "", "集市开张", "", *BODY]  # no folio anywhere: a headline ending in 报 stays
    assert plain_parts("\n".join(news) + "\n")[0] == ""
