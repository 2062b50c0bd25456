"""Scoring of systems on benchmark items: counts, sentence-level outcomes, derived metrics."""
from __future__ import annotations

from dataclasses import dataclass

from benchmarks.report import metrics
from benchmarks.score import Item, Tally, run_group
from benchmarks.systems import Identity


@dataclass(frozen=True)
class Replace:
    """A toy system: replaces one character everywhere."""

    old: str
    new: str
    name: str = "replace"

    def correct(self, text: str, raw: str | None = None) -> str:
        return text.replace(self.old, self.new)


@dataclass
class Recorder:
    """Remembers what it was given."""

    name: str = "recorder"
    calls: list = None

    def correct(self, text: str, raw: str | None = None) -> str:
        self.calls = (self.calls or []) + [(text, raw)]
        return text


PAGE = Item("p", "eval-l1", "page", "今天天汽很好，我们去公园。\n他说天汽不错。", "今天天气很好，我们去公园。\n他说天气不错。")
SENTENCES = [
    Item("s1", "set", "sentence", "天汽很好", "天气很好"),
    Item("s2", "set", "sentence", "我的汽车", "我的汽车"),
]


def test_identity_changes_nothing():
    t = run_group(Identity(), [PAGE], "test")
    m = metrics(t)
    assert t.raw_errors == t.errors == 2 and t.fixed == t.introduced == t.clean_changed == 0
    assert m["raw_cer"] == m["cer"] > 0 and m["reduction"] == 0


def test_fixes_introductions_and_clean_text_are_counted():
    t = run_group(Replace("汽", "气"), [PAGE, *SENTENCES], "test")
    assert (t.fixed, t.errors, t.introduced) == (3, 1, 1)  # 汽车 -> 气车 is a new error
    assert t.clean_changed == 0 and t.clean_chars == len("今天天气很好，我们去公园。他说天气不错。")
    assert (t.sent_tp, t.sent_fp, t.sent_fn, t.sent_tn) == (1, 1, 0, 0)
    m = metrics(t)
    assert m["precision"] == 3 / 4 and m["recall"] == 1.0 and m["sent_p"] == 0.5


def test_tallies_add_up():
    a = Tally(items=1, errors=2, seconds=0.5)
    assert a + a == Tally(items=2, errors=4, seconds=1.0)


def test_sentence_counts_on_source_positions():
    from benchmarks.metrics import sentence_counts

    c = sentence_counts("我们落白我", "我们凑点钱", "我们凑白钱")
    assert (c["ocr_errors"], c["edits"], c["fixed"], c["introduced"], c["raw_errors"], c["errors"]) == (3, 2, 2, 0, 3, 1)
    c = sentence_counts("一握手", "一一握手", "一握手了")  # a missing char; a stray inserted one
    assert (c["ocr_errors"], c["edits"], c["fixed"], c["introduced"]) == (1, 1, 0, 1)


def test_sanity_checks_catch_insane_runs():
    from benchmarks.run import gt_self_check, run_checks
    from benchmarks.score import SystemRun

    groups = {"eval-l1": [PAGE]}
    assert gt_self_check(groups) == []
    good = SystemRun("toy", {"eval-l1": run_group(Replace("汽", "气"), [PAGE], "t")}, 0.0, 0.0)
    assert run_checks([good], groups) == []
    clean_input = {"eval-l1": [Item("p", "eval-l1", "page", PAGE.gold, PAGE.gold)]}
    no_errors = SystemRun("toy", {"eval-l1": run_group(Identity(), clean_input["eval-l1"], "t")}, 0.0, 0.0)
    assert any("no errors" in p for p in run_checks([no_errors], clean_input))
    assert any("failed to load" in p for p in run_checks([SystemRun("x", {}, 0.0, 0.0, error="boom")], groups))


def test_a_page_reaches_the_system_as_written_too():
    raw = "今天天汽很好，我们\n去公园。\n"
    system = Recorder()
    run_group(system, [Item("p", "eval-l1", "page", "今天天汽很好，我们去公园。", "今天天气很好，我们去公园。", raw=raw)], "test")
    assert system.calls[0] == ("今天天汽很好，我们去公园。", raw)
    assert system.calls[1] == ("今天天气很好，我们去公园。", None)  # the clean GT has no line ends


def test_the_cross_engine_table_sums_levels_and_marks_peer_slices():
    from benchmarks.report import cross_engine_table
    from benchmarks.score import SystemRun

    page = run_group(Replace("汽", "气"), [PAGE], "t")  # 2 fixed, none introduced
    sentences = run_group(Replace("汽", "气"), SENTENCES, "t")  # 1 fixed, 1 introduced
    full = SystemRun("a", {"eval-l1": page, "eval-l2": page, "eval-l3": page, "sighan15": sentences}, 0.0, 0.0)
    peer = SystemRun("b", {"eval-l1/peer": page, "eval-l2/peer": page, "eval-l3/peer": page}, 0.0, 0.0)
    lines = cross_engine_table([full, peer]).splitlines()
    assert lines[0] == "| system | Tesseract eval | SIGHAN-15 test |"  # columns nobody ran are left out
    assert lines[2] == "| a | 100.0% (6 / 0) | F1 0.667 (1 / 1) |"
    assert lines[3] == "| b | 100.0% (6 / 0)* | — |"


def test_sentence_errata_correct_the_gold_before_scoring():
    from benchmarks.run import sentence_items
    from benchmarks.sets import SentencePair
    from ocrfix.evaluation import Erratum

    pair = SentencePair("s", "下课的时侯我们去", "下课的时侯我们去")
    fixing = Replace("侯", "候")
    assert run_group(fixing, sentence_items([pair], "set"), "t").introduced == 1
    tally = run_group(fixing, sentence_items([pair], "set", [Erratum("时侯", "时候")]), "t")
    assert (tally.introduced, tally.fixed) == (0, 1)


def test_a_set_whose_ocr_matched_little_of_its_pages_gets_no_reduction_in_the_tables():
    from benchmarks.report import cross_engine_table, main_table
    from benchmarks.score import SystemRun

    garbage = Item("g", "eval-l1", "page", "丨】薹′鳙蠢l′鬣〈更窘茎′ 寸立予刍暹瞿了佛乎口翼累【` 箩又岘不至‖丨霍[l/王熹〉",
                   "今天天气很好，我们去公园散步。他说明天还要下雨，大家都带了伞，一路上说说笑笑。")
    tally = run_group(Replace("薹", "天"), [garbage], "t")
    assert tally.raw_matched < tally.gt_chars / 2
    run = SystemRun("a", {"eval-l1": tally, "eval-l2": tally, "eval-l3": tally}, 0.0, 0.0)
    row = cross_engine_table([run]).splitlines()[2]
    assert row == f"| a | n/a ({3 * tally.raw_matched:,} of {3 * tally.gt_chars:,} characters matched) |"
    assert f"| {tally.gt_chars:,} ({tally.raw_matched:,} matched) |" in main_table([run], ["eval-l1"])
    readable = run_group(Replace("汽", "气"), [PAGE], "t")
    assert f"| {readable.gt_chars:,} | " in main_table([SystemRun("b", {"eval-l1": readable}, 0.0, 0.0)], ["eval-l1"])
