"""The length channel and the deletion stage: what the engine adds, learned from pages and taken out again."""
import json

import pytest

from ocrfix.cli import main
from ocrfix.confusions.length import DOUBLE, Counts, LengthRates
from ocrfix.correction import deletions
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.deletions import SOURCE, deletion_changes
from ocrfix.correction.edits import replay
from ocrfix.errors import ModelError
from ocrfix.segment import protected_mask
from ocrfix.training.confusions.length import anchored, length_counts

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

#: The engine adds 和 one time in four, | one in two and 的 never; a doubled Han character is one
#: reading too many one time in three; 、 stands for another mark more often than for nothing.
RATES = LengthRates({
    "和": Counts(400, 100, 0, 300, 0), "|": Counts(10, 5, 1, 0, 0), "的": Counts(1000, 0, 0, 1000, 10),
    "、": Counts(100, 10, 30, 100, 5), DOUBLE: Counts(30, 10, 0, 20, 0), "。": Counts(500, 0, 0, 550, 50),
})


@pytest.fixture(autouse=True)
def bigram_reduplication(monkeypatch):
    """The test LM is a bigram: an unseen double backs off to its unigram (about -2 here, -3.5 and
    below in the news LM), a seen one (谢谢) scores about -0.3."""
    monkeypatch.setattr(deletions, "REDUPLICATION", -1.0)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    d = tmp_path_factory.mktemp("lm")
    return load_lm(write_arpa(d / "lm.arpa", CORPUS + ["谢谢大家。", "大家谢谢你们。"] * 5))


def deleted(text, lm, rates=RATES, keep=(), margin=1.0):
    return [(offset, original) for offset, original, replacement, _, sources in
            deletion_changes(text, rates, lm, protected_mask(text, keep), margin)
            if replacement == "" and sources == (SOURCE,)]


def test_odds_follow_the_counts_and_fall_back_to_the_overall_rates():
    assert RATES.extra_odds("|") > RATES.extra_odds("和") > RATES.extra_odds("的")
    assert RATES.extra_odds("北") == pytest.approx(RATES.extra_odds("京"))  # never seen: the overall rate
    assert RATES.extra_odds("在", doubled=True) > RATES.extra_odds("在")  # a double: the pooled double rate
    assert RATES.known_extra("和", 3) and RATES.known_extra("|", 3) and not RATES.known_extra("|", 6)
    assert not RATES.known_extra("、", 3)  # read for another mark more often than for nothing


def test_rates_round_trip_and_a_bad_file_is_refused(tmp_path):
    path = tmp_path / "length.tsv"
    RATES.save(path, ["test rates"])
    assert LengthRates.load(path).counts == RATES.counts
    path.write_text("和\t1\t2\n", encoding="utf-8")
    with pytest.raises(ModelError, match=":1: expected"):
        LengthRates.load(path)
    with pytest.raises(ModelError, match="not found"):
        LengthRates.load(tmp_path / "missing.tsv")


def test_the_alignment_finds_extra_dropped_and_misread_characters():
    a = anchored("我们在 在北京|工乍", "我们在北京工作。")
    assert [a.hyp[i] for i, _ in a.extra] == ["在", "|"] or [a.hyp[i] for i, _ in a.extra] == ["在", "|"][::-1]
    assert [a.gt[j] for j, i in enumerate(a.at) if i is None] == ["。"]
    counts = length_counts([("我们在在北京|工乍", "我们在北京工作。"), ("谢谢你", "谢谢你。")])
    assert counts["|"] == Counts(1, 1, 0, 0, 0)
    assert counts["乍"].misread == 1 and counts["作"].truth == 1
    assert counts["。"] == Counts(0, 0, 0, 2, 2)
    assert counts["在在"] == Counts(1, 1, 0, 0, 0)  # either 在 of the pair may be the extra one
    assert counts["谢谢"] == Counts(1, 0, 0, 1, 0)
    assert counts[DOUBLE] == Counts(2, 1, 0, 1, 0)


def test_the_channel_is_learned_from_the_stretches_each_side_reads_in_any_block_order():
    """A web version with its paragraphs in another order, and a line of the page the web version
    lacks: the channel counts the one extra character the engine read, not the blocks out of place."""
    first, second = "今天天气很好我们一起去公园散步。", "他们在上海认真工作大家都很高兴。"
    ocr = first + "\n" + second.replace("认真", "认夫真") + "\n本版责任编辑张三李四王五\n"
    counts = length_counts([(ocr, second + "\n" + first + "\n")])
    assert {key: c.extra for key, c in counts.items() if c.extra} == {"夫": 1}
    assert "编" not in counts and counts["。"] == Counts(2, 0, 0, 2, 0)
    # one stream aligned whole, the second paragraph would have been extra and the first dropped
    whole = anchored("".join(ocr.split()), second + first)
    assert len(whole.extra) > 10


def test_junk_and_doubles_are_deleted_where_the_lm_and_the_channel_agree(lm):
    assert deleted("我们在北京和工作。", lm) == [(5, "和")]
    assert deleted("我们在北京|工作。", lm) == []  # a symbol: the symbol rules' guards decide
    assert deleted("我们在在北京工作。", lm) == [(3, "在")]
    assert deleted("我们在北京工作。", lm) == []
    assert deleted("我们在北京和工作。", lm, margin=50) == []
    assert deleted("我们在北京和工作。", lm, keep={"京和工"}) == []  # keep-list words are never touched


def test_technical_text_misreadings_and_reduplications_are_kept(lm, monkeypatch):
    assert deleted("ls -l | grep 工作", lm) == []  # not between Chinese characters
    assert deleted("我们在北京、工作。", lm) == []  # a lone mark: the LM cannot tell a stray one from an optional one
    assert deleted("我们在北京。。工作。", lm, LengthRates({**RATES.counts, "。": Counts(500, 100, 0, 550, 50)}), margin=0.5) == [(5, "。")]
    # whatever the margin, the double of a word the language doubles, or of an AABB word, stays
    doubles = LengthRates({DOUBLE: Counts(30, 10, 0, 20, 0), "的": Counts(10**6, 0, 0, 10**6, 0)})
    assert deleted("谢谢大家。", lm, doubles, margin=-5) == []  # log10 P(谢|谢) is high
    assert deleted("我们高高兴兴工作。", lm, doubles, margin=-5) == []
    assert deleted("我们在在北京工作。", lm, doubles, margin=-5) == [(3, "在")]
    monkeypatch.setattr(deletions, "COMMON", 0.0)  # every character rare: a name's double (慕绾绾) stays
    assert deleted("我们在在北京工作。", lm, doubles, margin=-5) == []


def test_the_corrector_logs_and_replays_deletions_and_profiles_gate_them(lm, tmp_path, monkeypatch):
    monkeypatch.setattr(deletions, "MIN_MARGIN", 1.0)  # the bigram's gains are smaller than the news LM's
    common = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    result = Corrector(length=RATES, **common).correct("我们在在北京和工作。", reflow=False)
    assert result.text == "我们在北京工作。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("在", "", (SOURCE,)), ("和", "", (SOURCE,))]
    assert replay(result.source, result.edits) == result.text
    assert Corrector(length=False, **common).correct("我们在在北京和工作。").edits == ()
    assert Corrector(length=RATES, rules=False, **common).correct("我们在在北京和工作。").edits == ()
    monkeypatch.setattr(deletions, "MIN_MARGIN", 50.0)
    assert Corrector(length=RATES, **common).correct("我们在在北京和工作。").edits == ()


def test_confusions_length_learns_the_table_with_a_build_manifest(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.ocr.txt").write_text("我们在在北京|工作\n", encoding="utf-8")
    (pages / "p.gt.txt").write_text("我们在北京工作。\n", encoding="utf-8")
    out = tmp_path / "length.tsv"
    assert main(["confusions", "length", "--pages", str(pages), "-o", str(out)]) == 0
    rates = LengthRates.load(out)
    assert rates.counts["|"] == Counts(1, 1, 0, 0, 0) and rates.counts["。"].dropped == 1
    manifest = json.loads((tmp_path / "length.tsv.build.json").read_text(encoding="utf-8"))
    assert manifest["command"][:2] == ["confusions", "length"]
    assert main(["confusions", "length", "--pages", str(tmp_path / "none"), "-o", str(out)]) != 0
