"""Marks lost at wrapped line ends: where the joins are, what the LM puts back, and where it does not."""
import dataclasses
import math

import pytest

from ocrfix import reflow
from ocrfix.correction import line_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import apply_changes, replay
from ocrfix.correction.line_marks import SOURCE, line_end_changes, wrapped_line_ends
from ocrfix.correction.score import SparsePages
from ocrfix.errors import ModelError
from ocrfix.profiles import Profile
from ocrfix.segment import protected_mask

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, marks_at_line_ends, write_arpa

#: Column lines of two paragraphs; the first lost the '。' that hung after 工作 at its line end.
RAW = "我们在北京工作\n他们在上海工\n作。\n\n大家都在认真\n工作。\n"


@pytest.fixture(autouse=True)
def bigram_gain(monkeypatch):
    """The test LM is a smoothed bigram: a lost '。' gains about 1.4 there, less than with the news LM."""
    monkeypatch.setattr(line_marks, "MIN_GAIN", 1.0)


def lm_of(tmp_path):
    """The test LM, with a few more sentences that start with 他们."""
    return load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))


def test_joins_are_where_the_reflow_ran_one_line_into_the_next():
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    assert [text[j - 1:j + 1] for j in joins] == ["作他", "工作", "真工"]
    assert wrapped_line_ends(text, text) == []  # nothing was joined


def test_the_lm_puts_back_a_lost_mark_and_leaves_mid_word_joins_alone(tmp_path):
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    changes = line_end_changes(text, wrapped_line_ends(RAW, text), lm, protected_mask(text))
    assert [(text[offset - 2:offset], mark) for offset, _, mark, *_ in changes] == [("工作", "。")]
    assert all(original == "" and sources == (SOURCE,) for _, original, _, _, sources in changes)
    protected = protected_mask(text, keep={"工作他们"})
    assert line_end_changes(text, wrapped_line_ends(RAW, text), lm, protected) == []
    assert line_end_changes(text, wrapped_line_ends(RAW, text), lm, protected_mask(text), min_gain=50) == []
    for symbol in '"*':  # the engine read the mark there, as a symbol: nothing is added after it
        raw = RAW.replace("工作\n他们", "工作" + symbol + "\n他们")
        text = reflow(raw)
        changes = line_end_changes(text, wrapped_line_ends(raw, text), lm, protected_mask(text), min_gain=-50)
        assert changes and all(text[offset - 1] != symbol for offset, *_ in changes)


def test_a_transliterated_names_middle_dot_lost_at_a_line_end_goes_back(tmp_path):
    # print sets 伊丽莎白·沃伦's dot at the end of a full line; an engine that reads inside the line box drops it
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["美国参议员伊丽莎白·沃伦认为。", "伊丽莎白·沃伦表示。"] * 3))
    assert marks_at_line_ends(line_end_changes, "美国参议员伊丽莎白\n沃伦认为。\n", lm) == [("莎白沃伦", "·")]


def test_the_best_mark_says_how_far_it_leads_the_next_best(tmp_path):
    from ocrfix.correction.rules import mark_scores

    lm = lm_of(tmp_path)
    text = reflow(RAW)
    offset = text.index("他们")
    choice = line_marks.best_mark(lm, text, offset)
    gains = sorted(score - mark_scores(lm, text, offset, 0, ("",), line_marks.SPAN)[""]
                   for mark, score in mark_scores(lm, text, offset, 0, line_marks.MARKS[:-1], line_marks.SPAN).items())
    assert choice.mark == "。" and choice.gain == pytest.approx(gains[-1])
    assert choice.lead == pytest.approx(gains[-1] - gains[-2]) and choice.lead > 0


def test_the_corrector_inserts_logs_and_replays_the_mark(tmp_path):
    lm = lm_of(tmp_path)
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    result = corrector.correct(RAW)
    assert result.text.splitlines()[0] == "我们在北京工作。他们在上海工作。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("", "。", (SOURCE,))]
    assert replay(result.source, result.edits) == result.text
    assert corrector.correct(reflow(RAW), reflow=False).edits == ()  # no line ends known: nothing inserted
    assert Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY,
                     variants={}, rules=False).correct(RAW).edits == ()


def test_a_text_reflowed_elsewhere_gets_the_line_end_stage_from_its_printed_lines(tmp_path):
    """A geometry reflow joins the lines itself and passes them as ``wrapped``: the same marks
    go back as when the corrector reflows the plain text."""
    corrector = Corrector(model=lm_of(tmp_path), confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    result = corrector.correct(reflow(RAW), reflow=False, wrapped=RAW)
    assert result.edits == corrector.correct(RAW).edits and result.text == corrector.correct(RAW).text

def test_on_clean_print_line_end_marks_are_withdrawn(tmp_path):
    lm = lm_of(tmp_path)
    weights = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY, variants={})
    assert corrector.correct(RAW).edits == ()  # the first pass finds no error: the page reads like clean print


def test_a_profile_keeps_line_end_marks_in_clean_print_and_sets_their_margin(tmp_path):
    lm = lm_of(tmp_path)
    weights = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))

    def corrected(**setting):
        profile = Profile(name="p", directory=tmp_path, **setting)
        return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                         variants={}, profile=profile).correct(RAW)

    kept = corrected(line_end_marks_in_clean_print=True)
    assert [(e.original, e.replacement, e.sources) for e in kept.edits] == [("", "。", (SOURCE,))]
    assert kept.text.splitlines()[0] == "我们在北京工作。他们在上海工作。"
    assert corrected(line_end_marks_in_clean_print=False).edits == ()  # the shipped tesseract behaviour
    assert corrected(line_end_marks_in_clean_print=True, line_end_margin=50.0).edits == ()


def test_a_gate_puts_back_the_marks_it_finds_likely_lost_in_place_of_the_margin(tmp_path):
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    choice = line_marks.best_mark(lm, text, text.index("他们"))
    likely = line_marks.MarkGate({"gain": 2.0, "lead": 0.0}, 0.0, 0.9)  # P = 1 / (1 + e^(-2 gain))
    p = likely.probability(choice)
    assert p == pytest.approx(1 / (1 + math.exp(-2 * choice.gain)))
    passes = line_marks.MarkGate(likely.coefficients, 0.0, p - 0.01)
    assert [mark for *_, mark, _, _ in line_end_changes(text, joins, lm, protected_mask(text), 50.0, passes)] == ["。"]
    held = line_marks.MarkGate(likely.coefficients, 0.0, p + 0.01)
    assert line_end_changes(text, joins, lm, protected_mask(text), -50.0, held) == []  # the margin is unused
    assert line_marks.MarkGate({"gain": -1.0}, 10.0, 0.0).accepts(line_marks.MarkChoice(-0.5, "，", 0.0)) is False
    path = tmp_path / "gate.json"
    path.write_text(passes.to_json(precision=0.91), encoding="utf-8")
    assert line_marks.MarkGate.load(path) == passes
    weights = dataclasses.replace(WEIGHTS, sparse=None)
    for gate, marks in ((passes, ["。"]), (held, [])):
        path.write_text(gate.to_json(), encoding="utf-8")
        profile = Profile(name="p", directory=tmp_path, line_end_gate=path, line_end_margin=50.0)
        result = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                           variants={}, profile=profile).correct(RAW)
        assert [e.replacement for e in result.edits if e.sources == (SOURCE,)] == marks
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError):
        line_marks.MarkGate.load(path)


def test_the_clause_around_a_line_end_is_weighed_by_a_gate_that_names_it(tmp_path):
    """A gate sees the span since the last mark, the sentence so far and the next span's opening: with a
    weight on the span before, the lost '。' after the 7 characters of 我们在北京工作 goes back, and a
    gate that asks for a longer span holds it."""
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    choice = line_marks.best_mark(lm, text, text.index("他们"), clause=True)
    assert line_marks.best_mark(lm, text, text.index("他们")).clause == {}  # weighed by no gate: not looked at
    assert choice.clause["log before"] == pytest.approx(math.log1p(7))  # 我们在北京工作
    assert choice.clause["log after"] == pytest.approx(math.log1p(7))  # 他们在上海工作, up to its 。
    assert choice.clause["left start"] == choice.clause["right 。"] == choice.clause["next2 他们"] == 1.0
    assert choice.clause["log sentence"] == pytest.approx(math.log1p(7)) and choice.clause["comma before"] == 0.0
    assert line_marks.line_end_clause("他说，我们在北京工作", 5)["comma before"] == 1.0
    # 1 / (1 + e^(-(log before - z))): over 0.5 where the span before is longer than e^z - 1 characters
    for z, marks in ((math.log1p(6), ["。"]), (math.log1p(8), [])):
        gate = line_marks.MarkGate({"log before": 1.0}, -z, 0.5)
        assert [mark for *_, mark, _, _ in line_end_changes(text, joins, lm, protected_mask(text), 50.0, gate)] == marks
    assert line_marks.MarkGate({"log before": 1.0}, 0.0, 0.5).probability(choice._replace(clause=line_marks.NO_CLAUSE)) == 0.5
    weights = dataclasses.replace(WEIGHTS, sparse=None)
    path = tmp_path / "gate.json"
    for z, marks in ((math.log1p(6), ["。"]), (math.log1p(8), [])):  # the corrector looks at the clause for its gate
        path.write_text(line_marks.MarkGate({"log before": 1.0}, -z, 0.5).to_json(), encoding="utf-8")
        profile = Profile(name="p", directory=tmp_path, line_end_gate=path, line_end_margin=50.0)
        result = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                           variants={}, profile=profile).correct(RAW)
        assert [e.replacement for e in result.edits if e.sources == (SOURCE,)] == marks


def test_hung_marks_read_are_lines_as_wide_as_the_usual_one_without_their_closing_marks():
    lines = ["我们在北京工作", "他们在上海工作。”", "大家都在认真工作", "他们在上海工作", "，我们在北京", "认真学习。"]
    assert line_marks.usual_widths(lines) == [7] * 6
    # the 2nd line hangs two marks past the column edge; the 6th is short, its mark inside the column
    assert line_marks.hung_marks_read("\n".join(lines)) == 1
    assert line_marks.hung_marks_read("我们在北京工作。\n他们在上海工作\n") == 0  # 8 and 7 cells: no usual width
    assert line_marks.line_cells("ab 我们") == 3


#: Column lines of a paragraph whose hung marks the engine read (three lines wider than the usual 6
#: cells by their 。; three end in a ， inside the column): the engine reads hung marks.
READ = "他们都在学习。\n大家都在工作。\n我们都在北京。\n他们在学习，\n大家在工作，\n我们在北京，\n"


def test_the_margin_follows_whether_the_engine_drops_hung_marks(tmp_path, monkeypatch):
    """A text that surely lost a mark at a line end and shows no hung mark read: the low margin; where
    it read three hung marks for the one it surely lost, the high one."""
    monkeypatch.setattr(line_marks, "SURE_GAIN", 1.0)  # the test LM's gain of the lost 。 is about 1.4
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    gain = line_marks.best_mark(lm, text, text.index("他们")).gain
    assert 1.0 < gain < 50.0

    def marks(hung, habit=(0.5, 50.0)):  # the margin as the corrector takes it from a profile's line_end_habit
        choices = line_marks.line_end_choices(text, joins, lm, protected_mask(text))
        margin = habit[line_marks.drops_hung_marks(line_marks.sure_losses(choices), hung) is not True]
        return [mark for _, _, mark, *_ in line_marks.marks_to_insert(choices, margin)]

    assert marks(0) == marks(2) == ["。"]
    assert marks(3) == []  # 3 hung marks read, 1 surely lost: the engine reads them
    assert marks(0, habit=(50.0, 0.5)) == []
    monkeypatch.setattr(line_marks, "SURE_GAIN", 50.0)
    assert marks(0) == []  # nothing surely lost: the engine is not shown to drop hung marks
    assert line_marks.drops_hung_marks(1, 2) is True and line_marks.drops_hung_marks(1, 3) is False
    assert line_marks.drops_hung_marks(0, 0) is None  # neither read nor surely lost: not shown
    monkeypatch.setattr(line_marks, "SURE_GAIN", 1.0)
    weights = dataclasses.replace(WEIGHTS, sparse=None)
    profile = Profile(name="p", directory=tmp_path, line_end_habit=(0.5, 50.0))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                          variants={}, profile=profile)
    assert [e.replacement for e in corrector.correct(RAW).edits if e.sources == (SOURCE,)] == ["。"]
    assert line_marks.hung_marks_read(RAW + "\n" + READ) == 3
    assert [e.replacement for e in corrector.correct(RAW + "\n" + READ).edits if e.sources == (SOURCE,)] == []
    assert [e.replacement for e in corrector.correct(reflow(RAW + "\n" + READ), reflow=False, wrapped=RAW + "\n" + READ).edits
            if e.sources == (SOURCE,)] == []


def test_where_the_engine_reads_its_line_end_marks_a_paragraph_end_gets_no_period(tmp_path, monkeypatch):
    """With a profile's ``line_end_habit`` and ``paragraph_end_habit``: a text whose engine reads the marks at
    its line ends had no '。' at a paragraph end that lacks one (``final-period`` withdrawn); one whose engine
    drops them, or one that shows neither, gets it. ``line_end_habit`` alone sets only the line-end margin."""
    from ocrfix.correction import corrector as corrector_module

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    body = "我们在北京工作。他们在上海工作。我们在北京学习。大家都在认真工作\n今天天气很好。\n"
    wrapped = body.replace("学习。", "学习。\n")  # a printed line the reflow joined
    weights = dataclasses.replace(WEIGHTS, sparse=None)

    def periods(habit, verdict, paragraph_end_habit=True):
        monkeypatch.setattr(corrector_module, "drops_hung_marks", lambda sure, hung: verdict)
        profile = Profile(name="p", directory=tmp_path, line_end_habit=habit, paragraph_end_habit=paragraph_end_habit)
        result = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                           variants={}, profile=profile).correct(body, reflow=False, wrapped=wrapped)
        return [e.replacement for e in result.edits if e.sources == ("rule:final-period",)]

    assert periods((0.5, 3.5), True) == periods((0.5, 3.5), None) == periods(None, False) == ["。"]
    assert periods((0.5, 3.5), False) == []
    assert periods((0.5, 3.5), False, paragraph_end_habit=False) == ["。"]


#: Column lines with marks the engine read at the line ends where print has none (``。。`` after
#: 工, ``”`` before 海) and a real ``。`` ending a line.
STRAYS = "我们在北京工。。\n作。他们在上\n”海工作。\n大家都在认真工作。\n他们在上海工作。\n"


def strays_of(raw, lm, **kw):
    text = "".join(raw.split("\n")[:-1]) + "\n"  # the lines joined, as a reflow joins a paragraph's lines
    changes = line_marks.stray_mark_changes(text, wrapped_line_ends(raw, text), lm, protected_mask(text, kw.pop("keep", ())), **kw)
    return text, changes


def test_marks_read_at_a_line_end_where_print_has_none_are_taken_out(tmp_path):
    lm = lm_of(tmp_path)
    text, changes = strays_of(STRAYS, lm, min_gain=1.0)
    assert all(original in "。”" and replacement == "" and sources == (line_marks.STRAY_SOURCE,)
               for _, original, replacement, _, sources in changes)
    fixed, _ = apply_changes(text, changes)
    assert fixed == "我们在北京工作。他们在上海工作。大家都在认真工作。他们在上海工作。\n"  # the real 。 at a line end stays
    assert strays_of(STRAYS, lm, min_gain=50)[1] == []
    assert strays_of(STRAYS, lm, min_gain=1.0, keep={"工。。作"})[1] == [changes[-1]]  # a keep-list word is left alone
    assert strays_of(STRAYS.replace("。。\n", "……\n"), lm, min_gain=-50)[1] == [changes[-1]]  # print doubles an ellipsis
    spaced = "\n".join("\u200b".join(line) for line in STRAYS.split("\n"))  # zero-width spaces between all characters
    text_spaced, spaced_changes = strays_of(spaced, lm, min_gain=1.0)
    assert [text_spaced[k] for k, *_ in spaced_changes] == [text[k] for k, *_ in changes]  # the same marks, none else
    dots, dot_changes = strays_of(STRAYS.replace("。。\n", "...\n"), lm, min_gain=-50)
    assert [dots[k] for k, *_ in dot_changes] == ["”"]  # ... and an ellipsis folded to dots stays


def test_the_corrector_takes_out_line_end_strays_at_the_printed_line_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(line_marks, "STRAY_GAIN", 1.0)
    corrector = Corrector(model=lm_of(tmp_path), confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    text = "".join(STRAYS.split("\n")[:-1]) + "\n"
    result = corrector.correct(text, reflow=False, wrapped=STRAYS)
    assert result.text == "我们在北京工作。他们在上海工作。大家都在认真工作。他们在上海工作。\n"
    assert {e.sources for e in result.edits} == {(line_marks.STRAY_SOURCE,)} and replay(result.source, result.edits) == result.text
    assert corrector.correct(text, reflow=False).text == text  # no line ends known: nothing taken out


def test_weaker_strays_go_only_where_the_text_shows_the_habit(tmp_path, monkeypatch):
    lm = lm_of(tmp_path)
    text = "".join(STRAYS.split("\n")[:-1]) + "\n"
    runs = line_marks.stray_runs(text, wrapped_line_ends(STRAYS, text), lm, protected_mask(text))
    (weak, _), (strong, _) = sorted(runs)
    assert len(runs) == 2 and weak < strong
    between = (weak + strong) / 2
    monkeypatch.setattr(line_marks, "HABIT_GAIN", weak - 0.1)
    monkeypatch.setattr(line_marks, "HABIT_RUNS", 2)  # one strong run is no habit: the weak one stays
    assert len({k for k, *_ in strays_of(STRAYS, lm, min_gain=between)[1]}) == len(sorted(runs)[1][1])
    monkeypatch.setattr(line_marks, "HABIT_RUNS", 1)  # a habit: the weak run goes too
    assert len(strays_of(STRAYS, lm, min_gain=between)[1]) == len(runs[0][1]) + len(runs[1][1])


class _HabitRecorder:
    """A corrector that changes nothing, says the engine has the stray-mark habit, and keeps what it was told."""

    def __init__(self) -> None:
        self.told: list[bool | None] = []
        self.asked: list[tuple[str, str]] = []

    def stray_marks_habit(self, text: str, wrapped: str) -> bool:
        self.asked.append((text, wrapped))
        return True

    def correct(self, text, reflow=True, readings=None, wrapped=None, page_chars=None, stray_marks=None, reaching=None):
        self.told.append(stray_marks)
        return type("Result", (), {"text": text, "edits": [], "source": text})()


def test_a_story_is_told_the_pages_stray_mark_habit():
    from ocrfix.formats import correct_document
    from test_formats_layout import COL1, COL2, HEAD, document

    recorder = _HabitRecorder()
    done = correct_document(document([HEAD, COL1, COL2]), recorder)
    assert recorder.told == [True] and recorder.asked == [(done.reflowed.text, done.reflowed.wrapped())]
    recorder = _HabitRecorder()
    correct_document(document([HEAD, COL1, COL2]), recorder, by_story=False)  # the whole page: it judges itself
    assert recorder.told == [None] and recorder.asked == []


def test_the_corrector_judges_the_habit_from_the_printed_lines(tmp_path, monkeypatch):
    corrector = Corrector(model=lm_of(tmp_path), confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    text = "".join(STRAYS.split("\n")[:-1]) + "\n"
    monkeypatch.setattr(line_marks, "STRAY_GAIN", 1.0)
    monkeypatch.setattr(line_marks, "HABIT_RUNS", 2)
    assert corrector.stray_marks_habit(text, STRAYS) and not corrector.stray_marks_habit(text, text)
    monkeypatch.setattr(line_marks, "HABIT_RUNS", 3)
    assert not corrector.stray_marks_habit(text, STRAYS)


#: A paragraph of one printed line whose writer ran two sentences together: inside a line the
#: engine reads the marks print has, so the LM's '。' after 工作 there is its taste, not a loss.
RUN_ON = "\n\n大家都在认真工作他们在上海工作。\n"


def test_a_text_whose_lines_lack_marks_the_lm_asks_for_needs_more_at_its_line_ends(tmp_path):
    """With a profile's ``line_end_sparse`` (asks per 1,000 characters, margin): where the LM asks
    for a mark inside the lines (no join) as often as the rate, a line end needs the second margin."""
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    joins = wrapped_line_ends(RAW, text)
    assert line_marks.unmarked_asks(text, joins, lm, protected_mask(text)) == 0.0  # the only ask is the line end
    run_on = reflow(RAW + RUN_ON)
    asks = line_marks.unmarked_asks(run_on, wrapped_line_ends(RAW + RUN_ON, run_on), lm, protected_mask(run_on))
    chars = sum(not ch.isspace() for ch in run_on)
    assert asks == pytest.approx(1000.0 / chars)  # 工作他们 inside the one-line paragraph
    assert line_marks.unmarked_asks(run_on, [], lm, protected_mask(run_on)) == pytest.approx(2000.0 / chars)  # joins counted too
    assert line_marks.unmarked_asks(run_on, [], lm, protected_mask(run_on, keep={"工作他们"})) == 0.0
    weights = dataclasses.replace(WEIGHTS, sparse=None)

    def marks(raw, sparse):
        profile = Profile(name="p", directory=tmp_path, line_end_sparse=sparse)
        result = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                           variants={}, profile=profile).correct(raw)
        return [e.replacement for e in result.edits if e.sources == (SOURCE,)]

    assert marks(RAW, None) == marks(RAW + RUN_ON, None) == ["。"]
    assert marks(RAW, (asks, 50.0)) == ["。"]  # no ask inside a line
    assert marks(RAW + RUN_ON, (asks, 50.0)) == []
    assert marks(RAW + RUN_ON, (asks + 1.0, 50.0)) == ["。"]  # fewer asks than the rate
    assert marks(RAW + RUN_ON, (asks, 0.5)) == ["。"]  # a second margin below the first raises nothing


def test_a_text_where_many_line_ends_surely_lost_a_mark_takes_the_sure_share_margin(tmp_path, monkeypatch):
    """With a profile's ``line_end_sure_share`` (share, margin): where at least that share of the line ends the
    stage weighs surely lost a mark, the lower margin."""
    monkeypatch.setattr(line_marks, "SURE_GAIN", 1.0)  # the test LM's gain of the lost 。 is about 1.4
    lm = lm_of(tmp_path)
    text = reflow(RAW)
    choices = line_marks.line_end_choices(text, wrapped_line_ends(RAW, text), lm, protected_mask(text))
    assert line_marks.sure_share(choices) == 0.0  # one line end surely lost a mark: too few to count
    monkeypatch.setattr(line_marks, "SURE_MIN", 1)
    assert line_marks.sure_share(choices) == pytest.approx(1 / len(choices)) and line_marks.sure_share([]) == 0.0
    weights = dataclasses.replace(WEIGHTS, sparse=None)

    def marks(share):
        profile = Profile(name="p", directory=tmp_path, line_end_margin=50.0, line_end_sure_share=share)
        result = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                           variants={}, profile=profile).correct(RAW)
        return [e.replacement for e in result.edits if e.sources == (SOURCE,)]

    assert marks(None) == []  # the margin of 50
    assert marks((1 / len(choices), 0.5)) == ["。"]
    assert marks((1 / len(choices) + 0.01, 0.5)) == []  # fewer line ends surely lost a mark than the share
    monkeypatch.setattr(line_marks, "SURE_GAIN", 50.0)
    assert marks((1 / len(choices), 0.5)) == []  # none surely lost
