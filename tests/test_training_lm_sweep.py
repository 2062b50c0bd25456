"""`ocrfix train lm-sweep` (the order x pruning measurement behind the default LM) on a tiny
manifest: its settings, one trained setting end to end, the table and the speed probe."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from ocrfix.training.lm import sweep
from ocrfix.settings import load_settings

from test_training_lm_train import corpus_lines, needs_tools


def test_settings_are_distinct_order_prune_pairs():
    assert sweep.settings([3, 4]) == [(3, (0, 0, 0)), (3, (0, 0, 1)), (4, (0, 0, 0, 1)), (4, (0, 0, 1, 1)), (4, (0, 0, 1, 2))]
    assert sweep.parse_setting("6:0,0,1,1,2,2") == (6, (0, 0, 1, 1, 2, 2))


@pytest.fixture()
def manifest(tmp_path, monkeypatch):
    """A train file and a held-out file; the sweep's scratch corpus directory under tmp_path."""
    (tmp_path / "train.txt").write_text("\n".join(corpus_lines()), encoding="utf-8")
    (tmp_path / "held.txt").write_text("记者参观了新工厂。\n学生走访了博物馆。\n", encoding="utf-8")
    path = tmp_path / "tiny.tsv"
    path.write_text("train.txt\ttrain\t1\nheld.txt\theldout\t1\n", encoding="utf-8")
    real = load_settings()
    monkeypatch.setattr(sweep, "load_settings", lambda: SimpleNamespace(
        data_dir=tmp_path, kenlm_bin=real.kenlm_bin, build_dir=tmp_path / "build"))
    return path


@needs_tools
def test_one_setting_is_trained_measured_and_tabulated(manifest, tmp_path, capsys):
    out = tmp_path / "out"
    assert sweep.main([str(manifest), "--out", str(out), "--setting", "3:0,0,0", "--memory", "64M"]) == 0
    (row,) = [json.loads(line) for line in (out / "sweep.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (row["name"], row["order"], row["prune"]) == ("o3_p000", 3, [0, 0, 0])
    assert (out / "o3_p000.klm").stat().st_size / 1e6 == row["size_mb"] and row["load_s"] > 0
    held = row["held"]
    assert held["tokens"] == 18 and held["oov_rate"] == 0.0  # 2 sentences of 9 characters (</s> not counted)
    assert 1.0 < held["perplexity"] < 10.0  # seen patterns: far below the ~30-token vocabulary
    capsys.readouterr()
    assert sweep.main([str(manifest), "--out", str(out), "--table"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| order | prune | binary MB") and "ppl held" in table[0]
    assert table[2].startswith("| 3 | 0 0 0 | ")
    assert sweep.main([str(manifest), "--out", str(out), "--speed", str(out / "o3_p000.klm")]) == 0
    speed = json.loads(capsys.readouterr().out)
    assert speed["calls"] == 18 and speed["uncached_per_s"] > 0 and speed["cached_warm_per_s"] > 0
