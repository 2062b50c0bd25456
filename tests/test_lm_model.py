"""CharLM on a hand-written ARPA bigram model (no KenLM tools needed)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrfix.errors import ModelError
from ocrfix.lm import CharLM

# Bigram model over 今 天 with known log10 probabilities and back-offs.
ARPA = """\\data\\
ngram 1=5
ngram 2=4

\\1-grams:
-1.0\t<unk>\t0
-99\t<s>\t-0.25
-1.5\t</s>\t0
-0.5\t今\t-0.125
-0.75\t天\t-0.375

\\2-grams:
-0.1\t<s> 今
-0.2\t今 天
-0.3\t天 </s>
-0.4\t天 天

\\end\\
"""


@pytest.fixture(scope="module")
def lm(tmp_path_factory) -> CharLM:
    path = tmp_path_factory.mktemp("lm") / "tiny.arpa"
    path.write_text(ARPA, encoding="utf-8")
    return CharLM(path)


def test_order_and_vocabulary(lm):
    assert lm.order == 2
    assert lm.has_token("今") and lm.has_token("天")
    assert not lm.has_token("好")


def test_sentence_score_is_sum_of_bigrams(lm):
    assert lm.score_tokens(["今", "天"]) == pytest.approx(-0.1 - 0.2 - 0.3, abs=1e-5)
    assert lm.score_tokens(["今", "天"], eos=False) == pytest.approx(-0.3, abs=1e-5)
    assert lm.score_text("今 天") == pytest.approx(lm.score_tokens(["今", "天"]), abs=1e-6)


def test_backoff_and_null_context(lm):
    logp, _ = lm.score_token(lm.begin_state(), "天")  # no bigram "<s> 天": back off from <s>
    assert logp == pytest.approx(-0.25 - 0.75, abs=1e-5)
    logp, _ = lm.score_token(lm.null_state(), "今")
    assert logp == pytest.approx(-0.5, abs=1e-5)
    logp, _ = lm.score_token(lm.begin_state(), "好")  # OOV -> <unk>
    assert logp == pytest.approx(-0.25 - 1.0, abs=1e-5)


def test_state_chain_and_window(lm):
    logp1, state = lm.score_token(lm.begin_state(), "今")
    logp2, state = lm.score_token(state, "天")
    logp3, _ = lm.score_token(state, "</s>")
    assert logp1 + logp2 + logp3 == pytest.approx(lm.score_tokens(["今", "天"]), abs=1e-5)
    window, _ = lm.score_window(lm.begin_state(), ["今", "天", "</s>"])
    assert window == pytest.approx(logp1 + logp2 + logp3, abs=1e-6)


def test_equal_contexts_give_equal_states(lm):
    _, a = lm.score_window(lm.begin_state(), ["今", "天"])
    _, b = lm.score_window(lm.null_state(), ["天", "今", "天"])
    assert a == b and hash(a) == hash(b)


def test_score_next_gives_each_tokens_score_and_state_after_the_state(lm):
    _, state = lm.score_token(lm.begin_state(), "今")
    tokens = ["天", "今", "</s>", "没有的字"]
    assert [score for _, score, _ in lm.score_next(state, tokens)] == [lm.score_token(state, t)[0] for t in tokens]
    assert [after for _, _, after in lm.score_next(state, tokens)] == [lm.score_token(state, t)[1] for t in tokens]
    assert lm.score_next(state, []) == []
    floor = sorted(lm.score_token(state, t)[0] for t in tokens)[len(tokens) // 2]
    kept = lm.score_next(state, tokens, floor)
    assert [k for k, _, _ in kept] == [k for k, t in enumerate(tokens) if lm.score_token(state, t)[0] >= floor]
    assert all(after == lm.score_token(state, tokens[k])[1] for k, _, after in kept)
    # the given state is left as it was
    assert lm.score_token(state, "天")[1] == lm.score_window(lm.begin_state(), ["今", "天"])[1]


def test_cache_hits_on_repeat(lm):
    lm.score_token(lm.begin_state(), "今")
    hits = lm.cache_info().hits
    lm.score_token(lm.begin_state(), "今")
    assert lm.cache_info().hits == hits + 1


def test_token_scores_report_oov(lm):
    scores = lm.token_scores(["今", "好"])
    assert [oov for _, oov in scores] == [False, True, False]  # 今, 好, </s>


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["今", "天", "好"]), max_size=8))
def test_incremental_scores_match_whole_sentence(lm, tokens):
    total, state = lm.score_window(lm.begin_state(), tokens)
    end, _ = lm.score_token(state, "</s>")
    assert total + end == pytest.approx(lm.score_tokens(tokens), abs=1e-4)


@pytest.mark.parametrize("content", [b"", b"not a language model\n", "\\data\\\nngram 1=3\n".encode(),
                                     b"mmap lm http://kheafield.com/code format version 5\n\x00\x01"])
def test_corrupt_model_raises_model_error(tmp_path, content):
    path = tmp_path / "bad.klm"
    path.write_bytes(content)
    with pytest.raises(ModelError):
        CharLM(path)


def test_missing_model_and_directory(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        CharLM(tmp_path / "nope.klm")
    with pytest.raises(ModelError):
        CharLM(tmp_path)


def test_cache_can_be_turned_off(tmp_path):
    path = tmp_path / "tiny.arpa"
    path.write_text(ARPA, encoding="utf-8")
    lm = CharLM(path, cache_size=0)
    assert lm.cache_info() is None
    assert lm.score_token(lm.begin_state(), "今")[0] == pytest.approx(-0.1, abs=1e-5)
