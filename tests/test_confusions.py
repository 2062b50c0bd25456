"""Confusion sets: TSV format, merge/filter semantics, pinyin grades, visual build, learning, coverage."""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrfix.cli import main
from ocrfix.confusions import Confusion, ConfusionSet, merge
from ocrfix.training.confusions.coverage import coverage, read_pairs
from ocrfix.training.confusions.learn import ChannelCounts, channel_set, faspell_counts
from ocrfix.training.confusions.pinyin import build_pinyin, grade, readings
from ocrfix.errors import InputError, ModelError


def _set(table: dict[str, dict[str, float]], source: str = "s") -> ConfusionSet:
    return ConfusionSet.from_scores(table, source)


def rank_of(cset: ConfusionSet, wrong: str, right: str) -> int | None:
    """1-based rank of ``right`` among the candidates of ``wrong`` (None if absent)."""
    return next((i for i, c in enumerate(cset.candidates(wrong), 1) if c.char == right), None)


# ---- TSV format --------------------------------------------------------------------------

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(han, st.dictionaries(han, st.floats(0.001, 1.0), min_size=1, max_size=5), min_size=1, max_size=6))
def test_tsv_round_trip(tmp_path_factory: pytest.TempPathFactory, table: dict[str, dict[str, float]]) -> None:
    cset = _set(table)
    if not len(cset):  # every candidate equal to its char
        return
    path = tmp_path_factory.mktemp("rt") / "s.tsv"
    cset.save(path, ["a comment"])
    back = ConfusionSet.load(path)
    assert [(c, x.char, x.sources) for c, x in back.pairs()] == [(c, x.char, x.sources) for c, x in cset.pairs()]
    for (_, a), (_, b) in zip(back.pairs(), cset.pairs()):
        assert a.score == pytest.approx(b.score, rel=1e-5)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("己\t已\t0.5", "expected 4"),
        ("己\t已\tx\tv", "not a number"),
        ("己\t已\t1.5\tv", "outside (0, 1]"),
        ("己\t已\t0\tv", "outside (0, 1]"),
        ("己己\t已\t0.5\tv", "single characters"),
        ("己\t已\t0.5\t", "empty source"),
        ("己\t巳\t0.5\tv", "duplicate pair"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("# header\n己\t巳\t0.9\tvisual\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ModelError, match=re.escape(message)) as err:
        ConfusionSet.load(path)
    assert f"{path}:3" in str(err.value)


def test_empty_and_missing_sets_are_model_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.tsv").write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ModelError, match="no entries"):
        ConfusionSet.load(tmp_path / "empty.tsv")
    with pytest.raises(ModelError, match="no such file"):
        ConfusionSet.load(tmp_path / "missing.tsv")


# ---- queries, filters, merge -----------------------------------------------------------------

def test_candidates_best_first_and_filters() -> None:
    cset = _set({"己": {"已": 0.9, "巳": 0.95, "几": 0.2, "己": 1.0}})
    assert [c.char for c in cset.candidates("己")] == ["巳", "已", "几"]  # self dropped, best first
    assert [c.char for c in cset.candidates("己", k=1)] == ["巳"]
    assert cset.candidates("未") == []
    assert [c.char for c in cset.top_k(2).candidates("己")] == ["巳", "已"]
    assert [c.char for c in cset.min_score(0.5).candidates("己")] == ["巳", "已"]
    assert [c.char for c in cset.restrict({"几", "已"}).candidates("己")] == ["已", "几"]
    assert "己" not in cset.restrict({"木"})  # no candidates left -> char gone


def test_merge_is_weighted_noisy_or_with_union_of_sources() -> None:
    a = _set({"己": {"已": 0.5, "巳": 0.55}}, "visual")
    b = _set({"己": {"已": 0.5}, "在": {"再": 1.0}}, "pinyin")
    merged = merge([a, b], [1.0, 0.4])
    top = merged.candidates("己")
    assert top[0] == Confusion("已", pytest.approx(1 - 0.5 * 0.8), ("visual", "pinyin"))
    assert top[1] == Confusion("巳", pytest.approx(0.55), ("visual",))
    assert merged.candidates("在")[0].score == pytest.approx(0.4)
    with pytest.raises(ModelError):
        merge([a, b], [1.0])
    with pytest.raises(ModelError):
        merge([a], [0.0])


# ---- pinyin ----------------------------------------------------------------------------------

def test_pinyin_grades_known_chars() -> None:
    assert grade(readings("在"), readings("再")) == 1.0  # zài = zài
    assert grade(readings("己"), readings("几")) == 1.0  # jǐ = jǐ
    assert grade(readings("在"), readings("灾")) == pytest.approx(0.7)  # zài vs zāi: other tone
    assert grade(readings("己"), readings("已")) == 0.0  # jǐ vs yǐ: unrelated sounds
    assert grade(readings("诗"), readings("思")) == pytest.approx(0.4)  # shī ~ sī: near initial, same tone
    assert grade(readings("山"), readings("伤")) == pytest.approx(0.4)  # shān ~ shāng: near final
    cset = build_pinyin("在再载己已几记", {"再": 100, "载": 10}, k=3)
    assert [c.char for c in cset.candidates("在")] == ["再", "载"]
    assert cset.candidates("在")[0].score > cset.candidates("在")[1].score
    assert "已" not in {c.char for c in cset.candidates("己")}
    assert "几" in {c.char for c in cset.candidates("己")}


# ---- visual ----------------------------------------------------------------------------------

TINY = "己已巳几日曰目自白百旦且大太犬天夫木本未末休体人入八口回困因"


def test_visual_build_on_tiny_inventory(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from ocrfix.training.confusions.glyphs import DEFAULT_FONTS

    if not all(f.path.exists() for f in DEFAULT_FONTS):
        pytest.skip("CJK fonts not installed")
    chars = tmp_path / "chars.txt"
    chars.write_text(TINY, encoding="utf-8")
    out = tmp_path / "visual.tsv"
    assert main(["confusions", "build", "visual", "--method", "cosine", "--chars", str(chars), "--k", "5", "-o", str(out)]) == 0
    cset = ConfusionSet.load(out)
    assert cset.chars() == frozenset(TINY)
    assert all(len(cset.candidates(c)) == 5 for c in TINY)
    for wrong, right in [("己", "已"), ("日", "曰"), ("未", "末"), ("大", "太"), ("休", "体")]:
        assert rank_of(cset, wrong, right) is not None, (wrong, right)  # top 5 of 30 for every pair: not chance


# ---- learning -------------------------------------------------------------------------------

def test_learn_channel_probabilities_with_witten_bell() -> None:
    counts = ChannelCounts()
    counts.add_text("己己己己已", [("己", "已"), ("己", "已"), ("己", "巳")], "已已巳己已")
    assert counts.seen == {"已": 3, "巳": 1, "己": 1}
    cset = channel_set(counts)
    # N(己)=4 occurrences, T(己)=2 distinct misreadings: P(已|己) = 2/6, P(巳|己) = 1/6
    assert cset.candidates("已")[0] == Confusion("己", pytest.approx(2 / 6), ("learned",))
    assert cset.candidates("巳")[0].score == pytest.approx(1 / 6)
    assert "巳" not in channel_set(counts, min_count=2)
    additive = channel_set(counts, smoothing="additive", alpha=1.0)
    assert additive.candidates("已")[0].score == pytest.approx(3 / 7)
    with pytest.raises(InputError, match="no substitution pairs"):
        channel_set(counts, allowed=frozenset("已"))  # the only true char is outside the inventory


def test_learn_from_faspell_lines_and_cli(tmp_path: Path) -> None:
    text = "1\t我在家已\t我在家己\n1\t自已\t自己\n0\t好的\t好的\n"
    counts = faspell_counts(text)
    assert counts.pairs == Counter({("己", "已"): 2})
    assert counts.truth["己"] == 2
    src = tmp_path / "train.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "learned.tsv"
    assert main(["confusions", "learn", "--faspell", str(src), "-o", str(out)]) == 0
    assert ConfusionSet.load(out).candidates("已")[0].char == "己"
    with pytest.raises(InputError, match="equal-length"):
        faspell_counts("1\t我在\t我在家\n")


# ---- coverage --------------------------------------------------------------------------------

def test_coverage_on_hand_made_pairs() -> None:
    cset = _set({"已": {"己": 0.9, "巳": 0.8}, "末": {"未": 0.5}})
    pairs = Counter({("已", "己"): 2, ("已", "巳"): 1, ("末", "木"): 1})
    cov = coverage(cset, pairs, ks=(1, 2))
    assert cov.coverage == (0.5, 0.75)
    assert cov.mean_candidates == ((1 * 3 + 1) / 4, (2 * 3 + 1) / 4)


def test_read_pairs_formats_and_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "pairs.tsv"
    plain.write_text("已\t己\n末\t未\n", encoding="utf-8")
    evalfmt = tmp_path / "eval.tsv"
    evalfmt.write_text("gt\tocr\tcount\n己\t已\t3\n", encoding="utf-8")
    fas = tmp_path / "fas.txt"
    fas.write_text("1\t自已\t自己\n", encoding="utf-8")
    assert read_pairs(plain) == Counter({("已", "己"): 1, ("末", "未"): 1})
    assert read_pairs(evalfmt) == Counter({("已", "己"): 3})
    assert read_pairs(fas) == Counter({("已", "己"): 1})
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\n\n已\t己\n这不对\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{bad}:4:")):
        read_pairs(bad)
    cset = tmp_path / "s.tsv"
    _set({"已": {"己": 0.9}}).save(cset)
    assert main(["confusions", "coverage", "--pairs", str(plain), "--set", str(cset), "--k", "1", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] == [1, 5] and out["coverage"]["s"] == [0.5, 0.5] and out["mean_candidates"]["s"] == [0.5, 0.5]
    plot = tmp_path / "coverage.png"
    assert main(["confusions", "coverage", "--pairs", str(plain), "--set", str(cset), "--k", "1", "5", "--plot", str(plot)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "2 error pairs" and table[1].split()[:3] == ["set", "@1", "@5"]
    assert table[2].split() == ["s", "0.500", "0.500", "0.5/0.5"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_bad_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("己\t已\n", encoding="utf-8")
    assert main(["confusions", "show", "己", "--set", str(bad)]) == 2
    assert f"{bad}:1" in capsys.readouterr().err
    assert main(["confusions", "show", "己己", "--set", str(bad)]) == 2
    assert main(["confusions", "coverage", "--pairs", str(tmp_path / "none.tsv"), "--set", str(bad)]) == 2
    assert main(["confusions", "learn", "--ocr", "a", "-o", str(tmp_path / "o.tsv")]) == 2


class _FlatShape:
    """A ShapeData stand-in without IDS data: every structural feature is neutral."""

    def swap_neighbours(self, chars):
        return {c: set() for c in chars}

    def leaf_overlap(self, a, b):
        return 0.0

    def one_swap(self, a, b):
        return False

    def structure(self, ch):
        from ocrfix.training.confusions.shape import Structure

        return Structure("", (ch,), (ch,))

    def corner_agreement(self, a, b):
        return 0

    def stroke_diff(self, a, b):
        return 0


def test_ranker_learns_from_pairs_on_tiny_inventory() -> None:
    from ocrfix.training.confusions.glyphs import DEFAULT_FONTS, glyph_features
    from ocrfix.training.confusions.ranker import build_pools, labels, ranked_set, train_ranker

    if not all(f.path.exists() for f in DEFAULT_FONTS):
        pytest.skip("CJK fonts not installed")
    feats = glyph_features(list(TINY))
    freq = {c: 1000 - 30 * i for i, c in enumerate(TINY)}
    pools = build_pools(feats, _FlatShape(), freq)
    n = len(TINY)
    assert len(pools.seen) == n * (n - 1)  # tiny inventory: every other char is in the pool
    train = [("己", "已"), ("已", "己"), ("未", "末"), ("末", "未"), ("日", "曰"), ("大", "太"), ("休", "体")]
    assert labels(pools, train).sum() == len(train)
    cset = ranked_set(pools, train_ranker(pools, train, "lr"), k=3)
    assert all(len(cset.candidates(c)) == 3 for c in TINY)
    assert sum(rank_of(cset, w, r) is not None for w, r in train) >= 6
    with pytest.raises(ModelError, match="no training pair"):
        train_ranker(pools, [("己", "龘")])


def test_show_lists_candidates_and_rejects_unknown_chars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.tsv"
    _set({"已": {"己": 0.9, "巳": 0.5}}, "visual").save(path)
    assert main(["confusions", "show", "已", "--set", str(path), "--k", "1"]) == 0
    out = capsys.readouterr().out
    assert "己  0.9000  visual" in out and "巳" not in out
    assert main(["confusions", "show", "木", "--set", str(path)]) == 2
    assert "no candidates for '木'" in capsys.readouterr().err


def test_learn_from_aligned_pages(tmp_path: Path) -> None:
    gt = "我们在这里已经工作了三年。\n\n今天的天气很好，大家都来了。\n"
    ocr = "我们在这里己经工作了三年。\n\n今天的天气很好，大家都未了。\n"
    (tmp_path / "p.gt.txt").write_text(gt, encoding="utf-8")
    (tmp_path / "p.ocr.txt").write_text(ocr, encoding="utf-8")
    out = tmp_path / "learned.tsv"
    assert main(["confusions", "learn", "--pages", str(tmp_path), "-o", str(out)]) == 0
    cset = ConfusionSet.load(out)
    assert [c.char for c in cset.candidates("己")] == ["已"]
    assert [c.char for c in cset.candidates("未")] == ["来"]
    assert cset.candidates("己")[0].score == pytest.approx(1 / 2)  # N(已)=1, T(已)=1


def test_learn_writes_misread_rates_of_the_seen_characters(tmp_path: Path) -> None:
    from ocrfix.confusions.misread import MisreadRates

    gt = "我们在这里已经工作了三年。\n\n今天的天气很好，大家都来了。\n"
    ocr = "我们在这里己经工作了三年。\n\n今天的天气很好，大家都未了。\n"
    (tmp_path / "p.gt.txt").write_text(gt, encoding="utf-8")
    (tmp_path / "p.ocr.txt").write_text(ocr, encoding="utf-8")
    rates_path = tmp_path / "misread.tsv"
    assert main(["confusions", "learn", "--pages", str(tmp_path), "-o", str(tmp_path / "l.tsv"),
                 "--misread-rates", str(rates_path)]) == 0
    rates = MisreadRates.load(rates_path)
    assert (rates.seen["己"], rates.misread["己"]) == (1, 1)
    assert (rates.seen["了"], rates.misread.get("了", 0)) == (2, 0)
    assert rates.overall == pytest.approx(2 / sum(rates.seen.values()))
    assert "--misread-rates" in rates_path.read_text(encoding="utf-8").splitlines()[2]  # how it was built
    # always misread > never misread > seen often and never misread; unseen chars get the overall rate
    assert rates.log_rate("己") > rates.log_rate("我") > rates.log_rate("了")
    assert rates.log_rate("钔") == pytest.approx(math.log10(rates.overall))


@pytest.mark.parametrize("content, message", [
    ("# only a header\n", "no misread rates"),
    ("己\t1\n", ":1: expected"),
    ("己\tx\t1\n", ":1: expected"),
    ("己己\t3\t1\n", ":1: expected"),
    ("己\t3\t-1\n", ":1: expected"),
])
def test_misread_rates_refuse_a_malformed_file(tmp_path: Path, content: str, message: str) -> None:
    from ocrfix.confusions.misread import MisreadRates

    path = tmp_path / "m.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        MisreadRates.load(path)
    with pytest.raises(ModelError, match="not found"):
        MisreadRates.load(tmp_path / "missing.tsv")
