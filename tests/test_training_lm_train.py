"""`ocrfix lm train` / `ocrfix lm eval` end to end on a tiny corpus, and their bad-input errors."""
from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.errors import InputError, ToolMissingError
from ocrfix.lm import CharLM
from ocrfix.training.lm import train as train_module
from ocrfix.training.lm.train import train_lm
from ocrfix.settings import Settings, load_settings

TOOLS = load_settings().kenlm_bin
needs_tools = pytest.mark.skipif(not (TOOLS / "lmplz").exists() or not (TOOLS / "build_binary").exists(),
                                 reason="KenLM tools not built (bash install.sh)")

SUBJECTS = ["记者", "代表", "市民", "工人", "农民", "学生", "专家", "干部"]
VERBS = ["参观了", "走访了", "建设了", "报道了", "讨论了"]
OBJECTS = ["新工厂", "博物馆", "示范区", "图书馆", "新农村", "科技园"]


def corpus_lines() -> list[str]:
    """~240 distinct, regular sentences: enough n-gram statistics for a 3-gram."""
    return [f"{s}{v}{o}。" for s in SUBJECTS for v in VERBS for o in OBJECTS]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    if not (TOOLS / "lmplz").exists():
        pytest.skip("KenLM tools not built (bash install.sh)")
    tmp = tmp_path_factory.mktemp("train")
    corpus = tmp / "corpus.txt.xz"
    # Duplicates and a line without Han must be dropped; the long paragraph line gets split.
    text = "\n".join(corpus_lines() + corpus_lines()[:20] + ["2020 ABC", "记者走访了示范区。" * 30])
    corpus.write_bytes(lzma.compress(text.encode("utf-8")))
    model = tmp / "tiny.klm"
    assert main(["lm", "train", str(corpus), "-o", str(model), "--order", "3", "--memory", "64M",
                 "--keep-text", str(tmp / "norm.txt")]) == 0
    return model


@needs_tools
def test_trained_model_prefers_seen_patterns(tiny_model):
    lm = CharLM(tiny_model)
    assert lm.order == 3
    assert lm.score_text("记者参观了新工厂。") > lm.score_text("厂工新了观参者记。") + 5


@needs_tools
def test_training_text_is_normalized_and_deduplicated(tiny_model):
    lines = (tiny_model.parent / "norm.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(corpus_lines())
    assert "记 者 参 观 了 新 工 厂 。" in lines
    assert all("0" not in line for line in lines)


@needs_tools
def test_training_writes_the_context_index_beside_the_model(tiny_model):
    from ocrfix.lm.context import ContextIndex, context_path

    index = ContextIndex.load(context_path(tiny_model))  # tiny.klm -> tiny.context.npz
    assert index.between("参", "了", 1)[0][0] == "观"


@needs_tools
def test_eval_prints_perplexity_and_oov(tiny_model, tmp_path, capsys):
    text = tmp_path / "held.txt"
    text.write_text("记者参观了博物馆。\n学生讨论了火箭。\n", encoding="utf-8")
    assert main(["lm", "eval", str(tiny_model), str(text), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)[str(text)]
    assert result["sentences"] == 2 and result["tokens"] == 17
    assert result["oov"] == 2  # 火, 箭
    assert 1.0 < result["perplexity"] < 1000


@needs_tools
def test_manifest_weight_repeats_lines(tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(corpus_lines()), encoding="utf-8")
    (tmp_path / "b.txt").write_text("今天天气很好。\n", encoding="utf-8")
    (tmp_path / "held.txt").write_text("今天天气很好。\n", encoding="utf-8")
    manifest = tmp_path / "m.tsv"
    manifest.write_text("# test\na.txt\ttrain\t1\nb.txt\ttrain\t3\nheld.txt\theldout\t1\n", encoding="utf-8")
    result = train_lm([manifest], tmp_path / "m.arpa", order=2, memory="64M", text_out=tmp_path / "t.txt")
    lines = (tmp_path / "t.txt").read_text(encoding="utf-8").splitlines()
    assert lines.count("今 天 天 气 很 好 。") == 3 and result.lines == len(corpus_lines()) + 3
    assert (tmp_path / "m.arpa").read_text(encoding="utf-8").startswith("\\data\\")


@needs_tools
@pytest.mark.parametrize("content", ["", "only latin text 123\n"])
def test_train_rejects_corpus_without_chinese(tmp_path, content, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text(content, encoding="utf-8")
    assert main(["lm", "train", str(corpus), "-o", str(tmp_path / "m.klm")]) == 2
    assert "nothing to train on" in capsys.readouterr().err
    assert not (tmp_path / "m.klm").exists()


@needs_tools
def test_train_rejects_missing_and_binary_files(tmp_path, capsys):
    assert main(["lm", "train", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "m.klm")]) == 2
    assert "no such" in capsys.readouterr().err
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00\x81" * 10)
    assert main(["lm", "train", str(tmp_path / "bin.txt"), "-o", str(tmp_path / "m.klm")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_bad_options_and_manifest(tmp_path):
    with pytest.raises(InputError, match="order"):
        train_module.check_options(9, None)
    with pytest.raises(InputError, match="prune"):
        train_module.check_options(3, [1, 1, 1])
    assert train_module.check_options(4, [0, 1]) == (0, 1, 1, 1)
    manifest = tmp_path / "m.tsv"
    manifest.write_text("a.txt\tdev\t1\n", encoding="utf-8")
    with pytest.raises(InputError, match="m.tsv:1"):
        train_lm([manifest], tmp_path / "x.klm")


def test_missing_tools_say_how_to_build_them(tmp_path, monkeypatch):
    fake = Settings(data_dir=tmp_path, kenlm_bin=tmp_path / "nobin", models_dir=tmp_path)
    monkeypatch.setattr(train_module, "load_settings", lambda: fake)
    (tmp_path / "c.txt").write_text("记者参观了新工厂。\n", encoding="utf-8")
    with pytest.raises(ToolMissingError, match="install.sh"):
        train_lm([tmp_path / "c.txt"], tmp_path / "m.klm")


def test_eval_rejects_corrupt_model(tmp_path, capsys):
    (tmp_path / "m.klm").write_bytes(b"\x00garbage" * 100)
    (tmp_path / "t.txt").write_text("记者。\n", encoding="utf-8")
    assert main(["lm", "eval", str(tmp_path / "m.klm"), str(tmp_path / "t.txt")]) == 2
    assert "not a KenLM model" in capsys.readouterr().err


def test_defaults_are_the_shipped_models_recipe() -> None:
    """`lm train` without options trains what corpora/build_default.sh trains (order and pruning)."""
    from ocrfix.training.lm.train import DEFAULT_ORDER, check_options
    from ocrfix.settings import PROJECT_ROOT

    script = (PROJECT_ROOT / "corpora" / "build_default.sh").read_text(encoding="utf-8")
    shipped = script.split("--order ", 1)[1].split(" --memory")[0]  # "6 --prune 0 0 1 1 1 2"
    order, prune = shipped.split(" --prune ")
    assert DEFAULT_ORDER == int(order)
    assert check_options(DEFAULT_ORDER, None) == tuple(int(p) for p in prune.split())
    assert check_options(3, None) == (0, 0, 1)
