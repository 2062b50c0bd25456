"""The compiled site-gain loop (``ocrfix/lm/_site_gains.cpp``) against the Python reference
(:func:`ocrfix.correction.features.substitution_gains` after ``score_next``): the same numbers, bit
for bit, on a bigram ARPA model and on a 4-gram KenLM binary trained in the test."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from ocrfix.cli import main
from ocrfix.correction.features import forward, site_gains
from ocrfix.lm import CharLM
from ocrfix.lm import model as model_module
from ocrfix.normalize import lm_tokens
from ocrfix.settings import load_settings

from test_correct_fixtures import CORPUS, write_arpa

CHARS = "".join(sorted(set("".join(CORPUS)))) + "乍怎景夫每字龘"  # the last one is not in the vocabulary
FLOORS = st.one_of(st.none(), st.tuples(st.floats(-3.0, 0.5), st.floats(-3.0, 0.5), st.floats(-2.0, 1.0)))


def _models(path) -> tuple[CharLM, CharLM]:
    native, python = CharLM(path, native=True), CharLM(path, cache_size=0, native=False)
    if native.native_site_gains is None:
        pytest.skip("compiled site-gain loop not built (bash install.sh)")
    return native, python


@pytest.fixture(scope="module")
def bigram(tmp_path_factory):
    return _models(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


@pytest.fixture(scope="module")
def fourgram(tmp_path_factory):
    if not (load_settings().kenlm_bin / "lmplz").exists():
        pytest.skip("KenLM tools not built (bash install.sh)")
    tmp = tmp_path_factory.mktemp("lm4")
    corpus = tmp / "corpus.txt"
    corpus.write_text("\n".join(CORPUS + ["我们在上海开会学习。", "大家今天都在认真学习。", "他们在北京工作很好。"]), encoding="utf-8")
    model = tmp / "four.klm"
    assert main(["lm", "train", str(corpus), "-o", str(model), "--order", "4", "--memory", "64M"]) == 0
    return _models(model)


def _same_gains(models: tuple[CharLM, CharLM], sentence: str, i: int, candidates: str, reject) -> list:
    native, python = models
    tokens = lm_tokens(sentence)
    i = min(i, len(tokens) - 1)
    fwd_native, fwd_python = forward(native, tokens), forward(python, tokens)
    got = site_gains(native, fwd_native, i, list(candidates), reject)
    expected = site_gains(python, fwd_python, i, list(candidates), reject)
    assert got == expected
    return got


@given(st.text(CHARS, min_size=1, max_size=14), st.integers(0, 13), st.text(CHARS, max_size=12), FLOORS)
@settings(max_examples=150, deadline=None)
def test_native_gains_equal_the_python_ones_on_a_bigram_model(bigram, sentence, i, candidates, reject):
    _same_gains(bigram, sentence, i, candidates, reject)


@given(st.sampled_from(CORPUS[:7]), st.integers(0, 11), st.text(CHARS, max_size=12), FLOORS)
@settings(max_examples=150, deadline=None)
def test_native_gains_equal_the_python_ones_on_a_4gram_model(fourgram, sentence, i, candidates, reject):
    _same_gains(fourgram, sentence, i, candidates, reject)


def test_gains_are_whole_sentence_differences_and_screens_drop_candidates(fourgram):
    native, _ = fourgram
    sentence, i = "我们在北京工乍。", 6
    tokens = lm_tokens(sentence)
    everything = _same_gains(fourgram, sentence, i, "作乍怎", None)
    assert [k for k, _, _ in everything] == [0, 1, 2]
    for k, gain, _ in everything:
        changed = tokens[:i] + ["作乍怎"[k]] + tokens[i + 1:]
        assert gain == pytest.approx(native.score_tokens(changed) - native.score_tokens(tokens), abs=1e-4)
    assert everything[1][1] == 0.0  # the original itself
    screened = _same_gains(fourgram, sentence, i, "作乍怎", (-math.inf, -math.inf, 0.5))
    assert [k for k, _, _ in screened] == [k for k, gain, _ in everything if gain >= 0.5] == [0]


def test_native_off_and_bad_arguments(bigram, tmp_path):
    native, python = bigram
    assert python.native_site_gains is None
    tokens = lm_tokens("我们在北京工作。")
    fwd = forward(native, tokens)
    with pytest.raises(ValueError):
        native.native_site_gains(fwd.tokens, fwd.states, fwd.logps, len(tokens), ["作"], 0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        native.native_site_gains(fwd.tokens, fwd.states[:-1], fwd.logps, 0, ["作"], 0.0, 0.0, 0.0)
    with pytest.raises(TypeError):
        native.native_site_gains(fwd.tokens, list(range(len(fwd.states))), fwd.logps, 0, ["作"], 0.0, 0.0, 0.0)


@pytest.mark.parametrize("built", [True, False])
def test_version_says_which_look_up_loop_is_in_use(built, monkeypatch, capsys, tmp_path):
    if not built:
        monkeypatch.setattr(model_module, "_site_gains", None)
    elif not model_module.native_loop_built():
        pytest.skip("compiled site-gain loop not built (bash install.sh)")
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("ocrfix 0.1.0 (kenlm 0.3.0; LM look-up loop: ")
    assert ("compiled)" in out) == built and ("Python" in out) == (not built)
    assert (CharLM(write_arpa(tmp_path / "tiny.arpa")).native_site_gains is None) == (not built)
