"""The mark channel and the confused-mark stage: which mark the engine reads for which, learned
from pages with a clean-text gate, and settled by the LM."""
import json

import pytest

from ocrfix.cli import main
from ocrfix.confusions.marks import MarkChannel, MarkPair
from ocrfix.correction import mark_channel
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.mark_channel import SOURCE, mark_changes
from ocrfix.errors import ModelError
from ocrfix.profiles import Profile
from ocrfix.segment import protected_mask
from ocrfix.training.confusions.marks import learn_mark_channel, mark_pairs

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

#: Clauses joined by a comma, so the LM likes "，" between 北京 and 他们.
CLAUSES = ["我们在北京，他们在上海。", "我们在北京工作，他们在上海学习。", "大家都在北京，我们在上海。"] * 4
#: The engine reads '，' as '。' 40 times in 1,000 '。' and '·' for '、' 8 times in 20.
CHANNEL = MarkChannel([MarkPair("。", "，", 40, 1000, 45), MarkPair("·", "、", 8, 20, 14)])


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "lm.arpa", CORPUS + CLAUSES))


def changed(text, lm, channel=CHANNEL, keep=(), margin=0.0):
    return [(offset, original, replacement) for offset, original, replacement, _, sources in
            mark_changes(text, channel, lm, protected_mask(text, keep), margin) if sources == (SOURCE,)]


def test_the_odds_follow_the_counts():
    assert CHANNEL.options == {"。": ("，",), "·": ("、",)}
    assert CHANNEL.log_odds("·", "、") > CHANNEL.log_odds("。", "，")
    assert CHANNEL.log_odds("。", "，") == pytest.approx(-1.378, abs=0.01)  # 40.5 / 955.5


def test_the_channel_round_trips_and_a_bad_file_is_refused(tmp_path):
    path = tmp_path / "marks.tsv"
    CHANNEL.save(path, ["test channel"])
    assert MarkChannel.load(path).pairs == CHANNEL.pairs
    path.write_text("。\t，\t50\t40\t45\n", encoding="utf-8")  # more misread than seen
    with pytest.raises(ModelError, match=":1: expected"):
        MarkChannel.load(path)
    path.write_text("。\t。\t1\t40\t45\n", encoding="utf-8")  # a mark for itself
    with pytest.raises(ModelError, match=":1: expected"):
        MarkChannel.load(path)
    with pytest.raises(ModelError, match="not found"):
        MarkChannel.load(tmp_path / "missing.tsv")


def test_a_misread_period_becomes_the_comma_the_lm_asks_for(lm):
    text = "我们在北京。他们在上海。"
    assert changed(text, lm) == [(5, "。", "，")]
    assert changed(text, lm, margin=50.0) == []
    assert changed(text, lm, keep=["北京。他们"]) == []  # protected
    assert changed(text, lm, channel=MarkChannel([])) == []  # an engine that never swaps them
    # a real sentence end before 今天 stays: the LM prefers the break
    assert changed("我们在北京工作。今天天气很好。", lm) == []
    # after a digit or at a line end the stage never looks
    assert changed("我们在2。他们在上海。", lm) == []


def test_mark_pairs_count_what_each_ocr_mark_stood_for():
    pairs = mark_pairs([("我们在北京。他们在上海。", "我们在北京，他们在上海。"), ("大家都在·工作。", "大家都在工作。")])
    assert MarkPair("。", "，", 1, 3, 1) in pairs
    assert all(p.ocr != "·" for p in pairs)  # a '·' standing for nothing is counted as misread, paired with no mark
    assert mark_pairs([("大家都在·工作。", "大家都在工作。")]) == []


def test_the_gate_drops_a_pair_the_lm_would_also_change_in_clean_text(lm):
    # '，' read as '。' four times; but the LM likes '，' after 北京 so much that it would also
    # turn the true '。' of the clean text into '，' there: the pair goes
    misread = [("我们在北京。他们在上海。", "我们在北京，他们在上海。")] * 4
    assert ("。", "，") in learn_mark_channel(misread, lm, margin=0.0).pairs
    clean = [("我们在北京。他们在上海。", "我们在北京。他们在上海。")] * 40 + misread
    assert learn_mark_channel(clean, lm, margin=0.0).pairs == {}
    assert learn_mark_channel(misread[:2], lm, margin=0.0).pairs == {}  # seen too rarely


def test_the_corrector_runs_the_stage_with_a_profile_s_channel(lm, tmp_path, monkeypatch):
    monkeypatch.setattr(mark_channel, "MIN_MARGIN", 0.0)
    path = tmp_path / "marks.tsv"
    CHANNEL.save(path)
    kwargs = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, length=False)
    text = "我们在北京。他们在上海。"
    result = Corrector(profile=Profile("test", tmp_path, marks=path), **kwargs).correct(text, reflow=False)
    assert result.text == "我们在北京，他们在上海。"
    assert [e.sources for e in result.edits] == [(SOURCE,)]
    assert replay(result.source, result.edits) == result.text
    assert Corrector(**kwargs).correct(text, reflow=False).text == text  # no channel: no stage
    assert Corrector(marks=path, rules=False, **kwargs).correct(text, reflow=False).text == text


def test_the_profile_names_its_channel_and_the_cli_learns_one(lm, tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(4):
        (pages / f"p{n}.ocr.txt").write_text("我们在北京。他们在上海。\n", encoding="utf-8")
        (pages / f"p{n}.gt.txt").write_text("我们在北京，他们在上海。\n", encoding="utf-8")
    out = tmp_path / "profile" / "marks.tsv"
    out.parent.mkdir()
    assert main(["confusions", "marks", "--pages", str(pages), "-o", str(out), "--lm", str(lm.path)]) == 0
    assert ("。", "，") in MarkChannel.load(out).pairs
    assert "mark channel of 1 pairs" in capsys.readouterr().err
    (out.parent / "profile.json").write_text(json.dumps({"format": 1, "files": {"marks": "marks.tsv"}}), encoding="utf-8")
    from ocrfix.profiles import load_profile

    assert load_profile(out.parent, tmp_path).marks == out.resolve()
    (out.parent / "profile.json").write_text(json.dumps({"format": 1, "files": {"marks": "gone.tsv"}}), encoding="utf-8")
    with pytest.raises(ModelError, match="incomplete"):
        load_profile(out.parent, tmp_path)
