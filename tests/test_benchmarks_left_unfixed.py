"""benchmarks.left_unfixed: what the corrector leaves of dropped characters and confused marks, by kind and why."""
import dataclasses

import pytest

from benchmarks import left_unfixed as lu
from benchmarks.length_classes import WHERE
from ocrfix.correction import line_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.line_marks import MarkChoice
from ocrfix.profiles import Profile

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

#: The reflowed OCR: the line end before 他 lost '，', the first paragraph its '。', the second 京 and its '。'.
TEXT = "我们在北京工作他们在上海工作\n\n大家都在北工作"
GT = "我们在北京工作，他们在上海工作。\n\n大家都在北京工作。"
JOIN = TEXT.index("他")


def stages(**changes):
    base = lu.PageStages(TEXT, frozenset({JOIN}), {JOIN: MarkChoice(1.0, "，", 0.5)}, 1.5, {}, {}, [],
                         lambda end: lu.NOT_BODY)
    return base._replace(**changes)


def whys(page, output=TEXT):
    return [(row.what, row.kind, row.why) for row in lu.left_dropped(page, output, GT)]


def test_each_dropped_character_left_is_counted_by_kind_and_why():
    assert whys(stages()) == [("，", lu.HUNG, lu.BELOW), ("。", lu.PARAGRAPH_END, lu.NOT_BODY),
                              ("京", lu.HAN, lu.NO_STAGE), ("。", lu.INSIDE, lu.NO_STAGE)]
    hung = [why for _, kind, why in whys(stages(choices={JOIN: MarkChoice(1.0, "。", 0.5)})) if kind == lu.HUNG]
    assert hung == [lu.BELOW_OTHER]  # the LM liked another mark best, below the margin too
    assert whys(stages(choices={JOIN: MarkChoice(2.0, "，", 0.5)}))[0][2] == lu.TAKEN
    assert whys(stages(choices={}))[0][2] == lu.NOT_A_SITE
    assert whys(stages(inserted={JOIN: "，"}))[0][2] == lu.WITHDRAWN
    assert whys(stages(period=lambda end: None))[1][2] == lu.TAKEN  # the rule proposed it: another change won
    # put back as another mark: no longer dropped, still wrong
    assert whys(stages(), TEXT[:JOIN] + "。" + TEXT[JOIN:])[0] == ("，", lu.HUNG, lu.ANOTHER)
    # put back right: not left
    assert [what for what, *_ in whys(stages(), TEXT[:JOIN] + "，" + TEXT[JOIN:])] == ["。", "京", "。"]


def test_a_quote_is_its_own_kind_and_the_pair_stage_or_the_line_end_stage_says_why():
    assert lu.dropped_kind("”", WHERE[0]) == lu.QUOTE and lu.dropped_kind("《", WHERE[2]) == lu.QUOTE
    assert lu.dropped_kind("1", WHERE[0]) == lu.ALNUM and lu.dropped_kind("、", WHERE[3]) == lu.INSIDE
    text, gt = "他说“我们工作他们在上海", "他说“我们工作”他们在上海"
    join = text.index("他们")
    page = lu.PageStages(text, frozenset({join}), {join: MarkChoice(0.5, "，", 0.2)}, 1.5, {}, frozenset(), [],
                         lambda end: None)
    rows = lu.left_dropped(page, text, gt)
    assert [row.why for row in rows] == [lu.BELOW_OTHER]  # offered: the quotation is open
    assert rows[0].context == "他说“我们工作|他们在上海 (best ， +0.50, margin 1.5)"
    quoted = page._replace(unclosed=[(3, len(text), "”")])
    assert [row.why for row in lu.left_dropped(quoted, text, gt)] == [lu.PAIR_GATE]
    unseen = page._replace(text=text.replace("“", "6"))  # the opening quote misread: none seen open
    assert [row.why for row in lu.left_dropped(unseen, unseen.text, gt.replace("“", "6"))] == [lu.NOT_OFFERED]
    assert line_marks.quote_open(text, join) and not line_marks.quote_open("他说“好”我们", 6)


def test_each_confused_mark_left_is_counted_by_what_was_read_where_and_why():
    text, gt = "北京。上海，天津。大连", "北京，上海、天津；大连"  # the reflow joined a line ending 。 to 大连
    seen = []

    def judge(offset, true, line_end):
        seen.append((text[offset], true, line_end))
        return {"，": "site, scored -2.0 (context -1.0), best ，, margin 5.0",
                "、": "site, scored -4.0 (context -3.0), best ，, margin 5.0"}.get(true, "not a site (neighbours)")

    page = lu.PageStages(text, frozenset({text.index("大")}), {}, 1.5, {}, frozenset(), [], lambda end: None)
    rows = lu.left_confused(page, text, gt, judge)
    assert [(row.kind, row.why) for row in rows] == [("。 -> ，, inside a line", lu.BELOW_MODEL),
                                                     ("， -> 、, inside a line", lu.OTHER_MODEL),
                                                     ("。 -> ；, line end", "not a site (neighbours)")]
    assert seen[-1] == ("。", "；", True)
    changed = lu.left_confused(page, "北京；上海，天津。大连", gt, judge)
    assert changed[0].why == lu.CHANGED
    withdrawn = lu.left_confused(page._replace(changed={2: "；"}), text, gt, judge)
    assert withdrawn[0].why == lu.WITHDRAWN


def test_the_table_has_a_row_per_kind_and_a_column_per_why_commonest_first():
    rows = [("p", lu.Left(lu.HUNG, lu.BELOW, "，", "")), ("p", lu.Left(lu.HUNG, lu.BELOW, "，", "")),
            ("p", lu.Left(lu.HAN, lu.NO_STAGE, "京", "")), ("p", lu.Left(lu.HUNG, lu.NO_STAGE, "、", ""))]
    lines = lu.table(rows, "kind").splitlines()
    assert lines[0] == f"| kind | all | {lu.BELOW} | {lu.NO_STAGE} |"
    assert f"| {lu.HUNG} | 3 | 2 | 1 |" in lines and f"| {lu.HAN} | 1 | 0 | 1 |" in lines and lines[-1] == "| all | 4 | 2 | 2 |"


@pytest.fixture()
def bigram_gain(monkeypatch):
    """The test LM is a smoothed bigram: a lost '。' gains about 1.4 there, less than with the news LM."""
    monkeypatch.setattr(line_marks, "SURE_GAIN", 1.0)


def test_the_page_stages_are_the_corrector_s_own_line_ends_margin_and_insertions(tmp_path, bigram_gain):
    raw = "我们在北京工作\n他们在上海工\n作。\n\n大家都在认真\n工作。\n"
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))
    profile = Profile(name="p", directory=tmp_path, line_end_habit=(0.5, 50.0))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=dataclasses.replace(WEIGHTS, sparse=None),
                          inventory=INVENTORY, variants={}, profile=profile)
    result = corrector.correct(raw)
    page = lu.page_stages(corrector, raw, result.source)
    join = result.source.index("他们")
    assert page.choices[join].mark == "。" and page.margin == 0.5  # the engine drops hung marks: the lower margin
    assert page.inserted == {join: "。"} and join in page.joins
    assert page.period(result.source.index("\n")) == lu.ENDS_IN_MARK
    assert lu.left_dropped(page, result.text, "我们在北京工作。他们在上海工作。\n\n大家都在认真工作。\n") == []
    with pytest.raises(ValueError):
        lu.page_stages(corrector, raw, result.source + "！")


def test_the_page_stages_read_a_changed_mark_as_the_stage_reads_it(tmp_path):
    """A straight quote the straight-close-quote rule reads as ``”`` is the change's reading in the census too:
    the quotation is closed there, so the pair stage has no span to fill, as in the corrector."""
    raw = '他们说“认真工"作\n很好，“学习”也\n很好。\n'
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他说“工作”很好。", "大家都说“学习”很好。"] * 3))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS,
                          inventory=INVENTORY | set("说“”，"), variants={})
    result = corrector.correct(raw)
    page = lu.page_stages(corrector, raw, result.source)
    quote = result.source.index('"')
    assert page.changed == {quote: "”"} and page.unclosed == []
