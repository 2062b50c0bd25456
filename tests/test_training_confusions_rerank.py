"""Confusion sets: pool re-ranking, component neighbours, plain page alignment."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ocrfix.confusions import ConfusionSet
from ocrfix.training.confusions import rerank
from ocrfix.training.confusions.learn import aligned_counts, plain_pairs
from ocrfix.training.confusions.ranker import Pools
from ocrfix.training.confusions.rerank_build import channels, faspell_units, pairs_of
from ocrfix.training.confusions.shape import ShapeData
from ocrfix.errors import InputError, ModelError

CHARS = tuple(chr(0x4E00 + i) for i in range(40))


def _pools(n_feats: int = 2, seed: int = 0) -> Pools:
    """Every char against every other char; features are noise."""
    rng = np.random.default_rng(seed)
    n = len(CHARS)
    seen = np.repeat(np.arange(n), n - 1)
    cand = np.array([j for i in range(n) for j in range(n) if j != i])
    return Pools(CHARS, seen, cand, rng.random((len(seen), n_feats)).astype(np.float32))


def test_lookup_puts_scores_on_matching_rows() -> None:
    pools = _pools()
    a, b, c, d = CHARS[:4]
    cset = ConfusionSet.from_scores({a: {b: 0.5}, c: {d: 0.25}}, "ch")
    scores = rerank.lookup(pools, cset)
    rows = {(CHARS[s], CHARS[c]): v for s, c, v in zip(pools.seen, pools.cand, scores)}
    assert rows[(a, b)] == 0.5 and rows[(c, d)] == 0.25
    assert sum(scores > 0) == 2
    with pytest.raises(ModelError, match="no set for source"):
        rerank.features(pools, {}, ["ch"])


def test_channel_only_rows_count_only_where_a_set_proposes_them() -> None:
    pools = _pools()
    base = pools.cand % 2 == 0  # pretend odd candidates are channel-only pool members
    a, b, c, d = CHARS[:4]
    cset = ConfusionSet.from_scores({a: {b: 0.5}}, "ch")  # b is index 1: channel-only
    fold = rerank.Fold(Counter({(a, b): 3}), {"ch": cset})
    x, y = rerank.fold_rows(pools, base, fold, ["ch"])
    assert y.sum() == 1  # the true pair is a valid row because the channel proposes it
    n_base_of_jia = int(((pools.seen == 0) & base).sum())
    assert len(y) == n_base_of_jia + 1
    empty = rerank.Fold(Counter({(a, b): 3}), {"ch": ConfusionSet.from_scores({c: {d: 1.0}}, "ch")})
    _, y2 = rerank.fold_rows(pools, base, empty, ["ch"])
    assert y2.sum() == 0  # without the channel the truth is outside the pool


def test_reranker_learns_that_a_source_score_signals_the_truth() -> None:
    """Truth = the row a channel scores; noise features carry nothing. The model must rank it first."""
    pools = _pools(seed=1)
    base = np.ones(len(pools.seen), bool)
    rng = np.random.default_rng(2)
    truth = {ch: CHARS[(i + 3) % len(CHARS)] for i, ch in enumerate(CHARS)}
    noise = {ch: {c: float(rng.uniform(0.01, 0.2)) for c in CHARS if c not in (ch, truth[ch])} for ch in CHARS}
    sig = ConfusionSet.from_scores({ch: {truth[ch]: 0.9, **dict(list(noise[ch].items())[:2])} for ch in CHARS}, "ch")
    xs, ys = [], []
    for part in (CHARS[:20], CHARS[20:]):
        fold = rerank.Fold(Counter({(ch, truth[ch]): 1 for ch in part}), {"ch": sig})
        x, y = rerank.fold_rows(pools, base, fold, ["ch"])
        xs.append(x)
        ys.append(y)
    model = rerank.fit(xs, ys)
    x = rerank.features(pools, {"ch": sig}, ["ch"])
    prob = model.predict_proba(x)[:, 1]
    valid = rerank.valid_rows(pools, base, x[:, 2:])
    pairs = Counter({(ch, truth[ch]): 1 for ch in CHARS})
    assert rerank.fold_coverage(pools, prob, valid, pairs, [1, 40]) == [1.0, 1.0]
    cset = rerank.reranked_set(pools, prob, valid, x[:, 2:], base, ["ch"], k=3)
    top = cset.candidates(CHARS[0])[0]
    assert top.char == truth[CHARS[0]] and top.sources == ("visual", "ch")
    assert all(len(cset.candidates(ch)) == 3 for ch in CHARS)
    # a pair whose truth is outside the pool is a miss, not an error
    assert rerank.fold_coverage(pools, prob, valid, Counter({(CHARS[0], "龘"): 1}), [40]) == [0.0]


def test_fit_needs_a_positive_row() -> None:
    with pytest.raises(ModelError, match="no training pair"):
        rerank.fit([np.zeros((3, 2))], [np.zeros(3, bool)])


def test_channels_are_learned_out_of_fold() -> None:
    text = "1\t己经\t已经\n2\t未了\t来了\n3\t己知\t已知\n"
    units = faspell_units(text, "t", folds=2)
    assert [u.fold for u in units] == [0, 1, 0]
    assert pairs_of(units, 0) == Counter({("己", "已"): 2})
    allowed = frozenset("已经来了知")
    without_0 = channels(units, allowed, skip_fold=0)["learned"]
    assert "己" not in without_0 and [c.char for c in without_0.candidates("未")] == ["来"]
    full = channels(units, allowed)["learned"]
    assert full.candidates("己")[0].score == pytest.approx(2 / 3)  # C=2, N(已)=2, T(已)=1


def test_plain_alignment_pairs_the_replacements_of_one_edit_script() -> None:
    gt = "甲乙丙丁，\n戊己庚辛。"
    ocr = "甲乙两丁，戊\n已庚辛。"
    assert plain_pairs(gt, ocr) == [("丙", "两"), ("己", "已")]
    assert plain_pairs("甲乙丙丁", "甲丙丁") == []  # a deletion is no substitution
    counts = aligned_counts([(gt, ocr)], "plain")
    assert counts.pairs == Counter({("丙", "两"): 1, ("己", "已"): 1})
    with pytest.raises(InputError, match="unknown aligner"):
        aligned_counts([(gt, ocr)], "fuzzy")


def _tiny_shape_data(root: Path) -> Path:
    """CJKVI IDS/stroke and four-corner files for a handful of chars (the layout ShapeData reads)."""
    ids = root / "cjkvi_ids"
    ids.mkdir(parents=True)
    (ids / "ids.txt").write_text(
        "U+6C5F\t江\t⿰氵工\nU+6C47\t汇\t⿰氵匚\nU+7EA2\t红\t⿰纟工\nU+54D1\t哑\t⿰口亚\nU+4E9A\t亚\t亚\nU+5927\t大\t大\n",
        encoding="utf-8")
    (ids / "ucs-strokes.txt").write_text(
        "U+6C5F\t江\t6\nU+6C47\t汇\t5\nU+7EA2\t红\t6\nU+54D1\t哑\t9\nU+4E9A\t亚\t6\nU+5927\t大\t3\n"
        "U+6C35\t氵\t3\nU+5DE5\t工\t3\nU+531A\t匚\t2\nU+7E9F\t纟\t3\nU+53E3\t口\t3\n", encoding="utf-8")
    corner = root / "similar_character_contr4l"
    corner.mkdir()
    (corner / "four_corner_5digit.tsv").write_text("江\t31110\n", encoding="utf-8")
    return root


def test_component_neighbours_rank_by_shared_components(tmp_path: Path) -> None:
    shape = ShapeData(_tiny_shape_data(tmp_path))
    nb = shape.component_neighbours(list("江汇红哑亚大"), k=2, chunk=4)
    assert set(nb["江"]) == {"汇", "红"}
    assert nb["亚"] == ["哑"]  # only a char containing it shares anything
    assert nb["大"] == []
    assert nb["哑"][0] == "亚"


def test_rerank_cli_end_to_end_on_a_tiny_inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from ocrfix.cli import main
    from ocrfix.training.confusions.glyphs import DEFAULT_FONTS

    if not all(f.path.exists() for f in DEFAULT_FONTS):
        pytest.skip("CJK fonts not installed")
    monkeypatch.setenv("OCRFIX_DATA", str(_tiny_shape_data(tmp_path / "data")))
    chars = "江汇红哑亚大太己已巳未末日曰人入八天夫"
    (tmp_path / "chars.txt").write_text(chars, encoding="utf-8")
    rows = [("己", "已"), ("未", "末"), ("太", "大"), ("入", "人"), ("汇", "江"), ("曰", "日")] * 3
    lines = [f"{i}\t{w}{chars[i % 5]}\t{r}{chars[i % 5]}" for i, (w, r) in enumerate(rows)]
    (tmp_path / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ConfusionSet.from_scores({"%": {"哈": 0.5}}, "learned").save(tmp_path / "fallback.tsv")
    ConfusionSet.from_scores({"己": {"巳": 0.4}}, "pinyin").save(tmp_path / "pinyin.tsv")
    out = tmp_path / "r.tsv"
    args = ["confusions", "rerank", "--faspell", str(tmp_path / "train.txt"), "--chars", str(tmp_path / "chars.txt"),
            "--set", f"pinyin={tmp_path / 'pinyin.tsv'}", "--folds", "2", "--k", "5", "--component-k", "3",
            "--fallback", str(tmp_path / "fallback.tsv"), "--cache", str(tmp_path / "pools.pkl"), "-o", str(out)]
    assert main(args) == 0
    assert "2-fold cross-validated coverage" in capsys.readouterr().out
    cset = ConfusionSet.load(out)
    assert "built by: ocrfix confusions rerank" in out.read_text(encoding="utf-8")
    assert all(len(cset.candidates(c)) <= 5 for c in chars) and cset.candidates("%")[0].char == "哈"
    assert all(c.char in chars for ch in chars for c in cset.candidates(ch))
    assert sum(any(c.char == r for c in cset.candidates(w)) for w, r in set(rows)) >= 5  # learned pairs kept
    assert (tmp_path / "pools.pkl").is_file()
    assert main([*args[:-1], str(tmp_path / "again.tsv")]) == 0  # from the cache
    bad = [*args]
    bad[bad.index("--set") + 1] = f"learned={tmp_path / 'pinyin.tsv'}"
    assert main(bad) == 2
    assert "learned per fold" in capsys.readouterr().err
    (tmp_path / "ocr_test_1000.txt").write_text(lines[0] + "\n", encoding="utf-8")
    assert main([*args[:2], "--faspell", str(tmp_path / "ocr_test_1000.txt"), *args[4:]]) == 2
