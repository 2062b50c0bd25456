"""Printed lines whose box reaches past their column's measure: found from geometry, passed story by
story to the corrector, and weighed by its line-end stage where the profile asks."""
from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.line_marks import REACH_SOURCE, SOURCE
from ocrfix.formats import Box, Document, Line, correct_document, reflow_document
from ocrfix.formats.line_reach import REACH, reaching_ends
from ocrfix.profiles import Profile

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa
from test_formats_layout import H, HEAD, column, document


def boxes(rights: list[int], x0: int = 0, height: int = 10, step: int = 20) -> list[Box]:
    return [Box(x0, step * k, right, step * k + height) for k, right in enumerate(rights)]


def test_a_line_that_runs_on_ending_in_a_letter_past_the_measure_is_reaching():
    lines = ["一二三四五", "六七八九十", "甲乙丙丁，", "子丑寅卯辰", "末了"]
    wrapped = "标题\n\n" + "\n".join(lines) + "\n"
    ends = reaching_ends(wrapped, [(0, lines, boxes([100, 103, 108, 100, 140]))])
    # 103 reaches 0.3 of the line height past the measure (100); 108 ends in a mark the engine read;
    # 140 is the paragraph's last line: none of its kind runs on
    assert ends == {wrapped.index("十")}
    assert 3 >= REACH * 10
    assert reaching_ends(wrapped, [(0, lines, boxes([100, 100, 108, 100, 140]))]) == frozenset()


def test_the_measure_slants_with_a_scan_turned_a_little():
    """A column's right edge on a scan turned a little (here 0.6°: 1 px further right each line of 100 px)
    runs askew: only the line that reaches past it where it stands is reaching, not every line below the middle."""
    lines = [chr(0x4E00 + 40 * k) * 9 + "字" for k in range(10)] + ["末了"]
    rights = [100 + k + (3 if k == 6 else 0) for k in range(10)] + [30]
    wrapped = "\n".join(lines) + "\n"
    assert reaching_ends(wrapped, [(0, lines, boxes(rights, step=100))]) == {wrapped.index(lines[6][-1], len("\n".join(lines[:6])))}


def test_the_measure_is_each_columns_own_and_needs_enough_lines():
    left, right = ["一二三四五", "六七八九十", "甲乙丙丁戊", "末了"], ["子丑寅卯辰", "巳午未申酉", "天地玄黄宇", "完"]
    wrapped = "\n".join(left) + "\n\n" + "\n".join(right) + "\n"
    blocks = [(0, left, boxes([100, 100, 103, 60])), (0, right, boxes([303, 300, 300, 220], x0=200))]
    assert reaching_ends(wrapped, blocks) == {wrapped.index("戊"), wrapped.index("辰")}
    # two wrapped lines set no measure: the column tells nothing
    assert reaching_ends("\n".join(left[1:]) + "\n", [(0, left[1:], boxes([100, 103, 60]))]) == frozenset()


#: A story's column of full lines (13 characters, a paragraph's first indented by two).
FULL = column([">本报讯清晨六点城东农贸", "集市的摊位陆续摆开新鲜蔬菜", "和水果吸引了很多附近的居民", "前来选购。", ">市场管理处介绍今年新增", "摊位四十个还有很多新的商户", "入驻来自各地的特产也摆上了", "货架。"], 60)


def reaching_page(reach: int = H // 4):
    """A headline over :data:`FULL`, the box of its second line reaching ``reach`` pixels past the
    column's measure (its ink, not its text: the engine dropped the mark)."""
    lines = list(FULL)
    line = lines[1]
    last = line.words[-1]
    wide = dataclasses.replace(last, box=Box(last.box.x0, last.box.y0, last.box.x1 + reach, last.box.y1))
    lines[1] = Line(words=(*line.words[:-1], wide), box=Box(line.box.x0, line.box.y0, line.box.x1 + reach, line.box.y1))
    return document([HEAD, lines])


def test_the_reflow_finds_the_reaching_lines_and_the_pipeline_tells_each_story_its_own():
    flow = reflow_document(reaching_page())
    wrapped = flow.wrapped()
    assert [wrapped[end] for end in sorted(flow.reaching())] == ["菜"]
    assert reflow_document(reaching_page(0)).reaching() == frozenset()

    class Recorder:
        def __init__(self) -> None:
            self.told: list[tuple[str, frozenset[int] | None]] = []

        def correct(self, text, reflow=True, readings=None, wrapped=None, page_chars=None, reaching=None):
            self.told.append((wrapped, reaching))
            return type("Result", (), {"text": text, "edits": [], "source": text})()

    recorder = Recorder()
    correct_document(reaching_page(), recorder)
    assert [[told[end] for end in reaching] for told, reaching in recorder.told] == [["菜"]]
    # a document of two pages, the reaching line on the second: each page's text is told its own
    recorder = Recorder()
    two = Document("hocr", (reaching_page(0).pages[0], reaching_page().pages[0]))
    correct_document(two, recorder)
    assert [[told[end] for end in reaching] for told, reaching in recorder.told] == [[], ["菜"]]


def test_plain_text_has_no_reach_to_tell():
    from ocrfix.formats.plaintext import read_text_document

    assert reflow_document(read_text_document("一二三\n四五六\n", "page.txt")).reaching() is None


#: Column lines; the first lost the '。' that hung after 工作 at its line end, the second's join runs on.
RAW = "我们在北京工作\n他们在上海工\n作。\n"


def test_the_line_end_stage_takes_the_profiles_margins_by_reach(tmp_path, monkeypatch):
    from ocrfix.correction import line_marks

    monkeypatch.setattr(line_marks, "MIN_GAIN", 1.0)
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))
    text = "我们在北京工作他们在上海工作。\n"
    past = RAW.index("作")  # the last character of the first printed line

    def marks(reach, reaching, text=text, wrapped=RAW):
        profile = Profile(name="p", directory=tmp_path, line_end_reach=reach)
        corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=dataclasses.replace(WEIGHTS, sparse=None),
                              inventory=INVENTORY, variants={}, profile=profile)
        result = corrector.correct(text, reflow=wrapped is None, wrapped=wrapped, reaching=reaching)
        return [(e.offset, e.replacement) if e.sources == (SOURCE,) else (e.offset, e.replacement, e.sources[1])
                for e in result.edits if SOURCE in e.sources]

    put_back = [(text.index("他们"), "。")]
    # past the measure: the low margin, the line box named in the edit's evidence
    assert marks((0.0, 50.0), {past}) == [(*put_back[0], REACH_SOURCE)]
    assert marks((0.0, 50.0), set()) == []  # inside it: the high one
    assert marks((50.0, 0.0), {past}) == []
    assert marks((0.0, 50.0), None) == marks(None, {past}) == marks(None, set()) == put_back  # no geometry, or not asked
    # the text reflowed by the corrector: the offsets are in the text as given (the fit's pages)
    assert marks((0.0, 50.0), {past}, RAW, None) == [(*put_back[0], REACH_SOURCE)]
    assert marks((0.0, 50.0), set(), RAW, None) == []
    # ... unless the column order moves its lines: then they no longer hold, and the margin is the profile's own
    import ocrfix.text_reflow

    monkeypatch.setattr(ocrfix.text_reflow, "column_stories", lambda page, lm: [RAW])
    moved = "他们在上海工\n作。\n我们在北京工作\n"
    assert marks((0.0, 50.0), {past}, moved, None) == put_back
    # a text of two pages (a form feed after the first), the line reaching past the measure on the second
    pages, printed = text + "\f" + text, RAW + "\f" + RAW
    second = printed.index("作", len(RAW))
    assert marks((0.0, 50.0), {second}, pages, printed) == [(pages.index("他们", len(text)), "。", REACH_SOURCE)]


@given(st.lists(st.tuples(st.integers(0, 3), st.lists(st.tuples(st.text("一二三，。a1 ", min_size=1, max_size=6),
                                                                   st.integers(-50, 400), st.integers(0, 30)),
                                                         min_size=1, max_size=6)), max_size=6))
def test_every_reaching_end_is_the_last_letter_of_a_line_that_runs_on(paragraphs):
    """Whatever the boxes (empty, overlapping, reversed), the offsets name the last character of a printed
    line of a paragraph, a letter, with a line of that paragraph after it."""
    blocks, texts = [], []
    for story, lines in paragraphs:
        texts_of = [t.strip() or "字" for t, _, _ in lines]
        boxes_of = [Box(x0, 10 * k, x0 + width * 10, 10 * k + width) for k, (_, x0, width) in enumerate(lines)]
        blocks.append((story, texts_of, boxes_of))
        texts.append("\n".join(texts_of))
    wrapped = "\n\n".join(texts) + "\n"
    ends = reaching_ends(wrapped, blocks)
    line_ends = set()
    start = 0
    for text in texts:
        for line in text.split("\n")[:-1]:
            line_ends.add(start + len(line) - 1)
            start += len(line) + 1
        start += len(text.split("\n")[-1]) + 2
    assert ends <= line_ends and all(wrapped[end].isalnum() for end in ends)
