"""Closing marks of a pair lost at wrapped line ends: which pairs lost one, where it goes back, and where not."""
from ocrfix import reflow
from ocrfix.correction import pair_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.line_marks import wrapped_line_ends
from ocrfix.correction.pair_marks import SOURCE, closing_changes, unclosed_spans, without_second_closings
from ocrfix.segment import protected_mask

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, marks_at_line_ends, write_arpa

#: Column lines of one paragraph: the '”' that hung after 认真工作 at the first line end was lost.
RAW = "他们说“认真工作\n很好，“学习”也\n很好。\n"
QUOTED = ["他说“工作”很好。", "大家都说“学习”很好。", "我们说“开会”很好。"] * 3


def lm_of(tmp_path):
    return load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + QUOTED))


def test_a_quotation_is_unclosed_when_another_opens_before_it_closes():
    assert unclosed_spans("他说“一带一路倡议“好”。") == [(3, 9, "”")]
    assert unclosed_spans("他说“工作”很好，“学习”也好。") == []
    # a paragraph of its own: news runs a quotation over paragraphs, opening each with '“'
    assert unclosed_spans("他说“工作很好。\n“学习也好。”") == []
    # the second quotation closes twice: a nested '‘' read as '“', nothing lost
    assert unclosed_spans("要求“通过“品牌””，好。") == []
    assert unclosed_spans("“甲“乙”“丙”") == [(1, 2, "”")]
    assert unclosed_spans('他说“工作"很好，“学习”也好。') == []  # a straight quote: the closing one misread


def test_a_title_or_bracket_is_unclosed_at_its_paragraph_end():
    assert unclosed_spans("读《人民日报社论，好（二\n三") == [(2, 12, "》"), (11, 12, "）")]
    assert unclosed_spans("读《人民日报》社论（二）。") == []
    assert unclosed_spans("读《人民日报>社论（二)。") == []  # misread closing marks close too


def test_the_quote_goes_back_at_the_line_end_inside_the_unclosed_span(tmp_path):
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    changes = closing_changes(text, joins, lm, protected_mask(text))
    assert [(text[offset - 2:offset + 2], quote, sources) for offset, _, quote, _, sources in changes] == \
        [("工作很好", "”", (SOURCE,))]
    assert closing_changes(text, joins, lm, protected_mask(text, keep={"工作很好"})) == []
    assert closing_changes(text, joins, lm, protected_mask(text), min_gain=50.0) == []
    closed = RAW.replace("工作\n", "工作”\n")  # read right: nothing to put back
    assert closing_changes(reflow(closed), wrapped_line_ends(closed, reflow(closed)), lm, protected_mask(reflow(closed))) == []
    assert closing_changes(text, [], lm, protected_mask(text)) == []  # no line end inside the span: nothing


def test_an_opening_quote_read_at_a_line_end_opens_no_quotation(tmp_path):
    """Print never ends a line with an opening mark: a ``“`` read there is a ``”`` read reversed (or a
    ``。``), and says nothing of a ``”`` lost earlier in the paragraph (考验 “ / 身在海外)."""
    lm = lm_of(tmp_path)
    raw = RAW.replace("很好，“学习”也\n", "很好，学习也“\n")  # the second quotation's marks: only a '“' at a line end
    text = reflow(raw)
    joins = wrapped_line_ends(raw, text)
    assert text[joins[1] - 1] == "“" and unclosed_spans(text) == [(4, text.index("学习也“") + 3, "”")]
    assert closing_changes(text, joins, lm, protected_mask(text)) == []
    inside = RAW.replace("很好，“学习”也\n", "很好，“学习也\n")  # a '“' inside a line opens one: the first lost its '”'
    text = reflow(inside)
    assert len(closing_changes(text, wrapped_line_ends(inside, text), lm, protected_mask(text))) == 1


def test_two_line_ends_about_as_good_leave_the_quote_out(tmp_path, monkeypatch):
    lm = lm_of(tmp_path)
    raw = "他们说“认真工作\n很好我们都在工作\n很好，“学习”也\n很好。\n"
    text = reflow(raw)
    joins = wrapped_line_ends(raw, text)
    assert closing_changes(text, joins, lm, protected_mask(text)) == []  # the same context at both
    monkeypatch.setattr(pair_marks, "MIN_LEAD", 0.0)
    assert len(closing_changes(text, joins, lm, protected_mask(text))) == 1


def test_a_lost_title_mark_goes_back_before_the_paragraph_end(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们读《工作》很好。", "大家都读《学习》很好。"] * 3))
    assert marks_at_line_ends(closing_changes, "他们读《认真工作\n很好，我们都在工\n作。\n", lm) == [("工作很好", "》")]


def test_another_stage_adds_no_second_quote_to_a_closed_span():
    text = "他说“认真工作很好，“学习”也很好。"
    quotes = [(7, "", "”", 1.0, (SOURCE,))]
    others = [(5, "", "”", 1.0, ("rule:line-end-mark",)), (5, "", "，", 1.0, ("rule:line-end-mark",)),
              (16, "", "”", 1.0, ("rule:line-end-mark",))]
    assert without_second_closings(text, quotes, others) == others[1:]
    assert without_second_closings(text, [], others) == others


def test_the_corrector_inserts_logs_and_replays_the_quote(tmp_path):
    lm = lm_of(tmp_path)
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS,
                          inventory=INVENTORY | set("说“”，"), variants={})
    result = corrector.correct(RAW)
    assert result.text.splitlines()[0] == "他们说“认真工作”很好，“学习”也很好。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("", "”", (SOURCE,))]
    assert replay(result.source, result.edits) == result.text


def test_in_clean_print_the_quote_goes_with_the_line_end_marks_unless_the_profile_keeps_them(tmp_path):
    import dataclasses

    from ocrfix.correction.score import SparsePages
    from ocrfix.profiles import Profile

    lm = lm_of(tmp_path)
    weights = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))

    def corrected(**setting):
        return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY | set("说“”，"),
                         variants={}, profile=Profile(name="p", directory=tmp_path, **setting)).correct(RAW)

    assert corrected().edits == ()  # the page reads like clean print: withdrawn
    assert [e.sources for e in corrected(line_end_marks_in_clean_print=True).edits] == [(SOURCE,)]


def test_a_quote_another_stage_reads_as_another_mark_opens_no_quotation():
    assert unclosed_spans("他说“一带一路倡议“好”。") == [(3, 9, "”")]
    assert unclosed_spans("他说“一带一路倡议“好”。", changed={2: "。"}) == []  # the first “ was a misread 。
    assert unclosed_spans("他说“一带一路倡议“好”。", changed={9: "，"}) == []


def test_a_straight_quote_another_stage_reads_as_a_closing_quote_still_closes_the_quotation():
    """报告和“十五五"规划 / 纲要草案: the straight-close-quote rule reads the ``"`` as ``”``; the quotation is
    closed, and no ``”`` is put back at the line end after it (the ``"`` once counted as a change of
    another reading: the span stayed open)."""
    text = '他说“一带一路"倡议“好”。'
    assert unclosed_spans(text) == [] and unclosed_spans(text, changed={7: "”"}) == []
    assert unclosed_spans(text, changed={7: "“"}) == [(3, 7, "”"), (8, 10, "”")]  # read as an opening quote


def test_the_corrector_puts_back_no_quote_where_a_rule_reads_a_straight_quote_as_the_closing_one(tmp_path):
    """报告和“十五五"规划 / 纲要草案: the straight-close-quote rule reads the ``"`` as ``”``; the quotation
    is closed there, and no ``”`` goes back at the line end after it."""
    lm = lm_of(tmp_path)
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS,
                          inventory=INVENTORY | set("说“”，"), variants={})
    raw = RAW.replace("工作\n很好", '工"作\n很好')
    result = corrector.correct(raw)
    assert result.text.splitlines()[0] == "他们说“认真工”作很好，“学习”也很好。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [('"', "”", ("rule:straight-close-quote",))]
