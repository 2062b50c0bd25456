import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ocrfix.confusions import ConfusionSet
from ocrfix.confusions.misread import MisreadRates
from ocrfix.confusions.similarity import GlyphSpace
from ocrfix.correction.candidates import CONTEXT, CONTEXT_SCORE, build_table
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.features import BASE_FEATURES, PAIR_FEATURES, forward, replacement_gain
from ocrfix.training.fit import Labeled, featurize_pairs
from ocrfix.correction.pairs import CHANNEL_WEIGHT, GLYPH_WEIGHT, PairProposer
from ocrfix.correction.score import LinearScore, Weights
from ocrfix.errors import ModelError
from ocrfix.lm.context import ContextIndex
from ocrfix.normalize import is_han, lm_line, lm_tokens

from test_correct_fixtures import CORPUS, INVENTORY, confusion_set, load_lm, write_arpa

SEEN = INVENTORY | set("比亰")  # 北京 misread as 比亰: characters no confusion candidate leads back from


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


def index() -> ContextIndex:
    idx = ContextIndex.fit(map(lm_line, CORPUS), min_count=1)
    idx.restrict({ch for ch in INVENTORY if is_han(ch)})
    return idx


def glyphs() -> GlyphSpace:
    chars = sorted(SEEN)
    return GlyphSpace(chars, np.random.default_rng(0).normal(size=(len(chars), 8)))


def weights(pairs: LinearScore | None) -> Weights:
    """Single substitutions never accepted (intercept -50); pairs by ``pairs``."""
    names = Weights((), 0.0, (CONTEXT,)).names
    return Weights(tuple(0.0 for _ in names), -50.0, (CONTEXT,), threshold=0.5, k=5, pairs=pairs)


PAIR_MODEL = LinearScore(tuple(2.0 if name == "lm_gain" else 0.0 for name in PAIR_FEATURES), -3.0)


def corrector(lm, tmp_path, pairs: LinearScore | None) -> Corrector:
    return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights(pairs), inventory=SEEN,
                     context=index(), glyphs=glyphs(), misread=MisreadRates({"比": 3}, {"比": 2}))


@given(st.sampled_from(["我们在北京工作。", "他们在上海学习。", "我们今天在北京开会。"]),
       st.integers(min_value=0, max_value=7), st.text("作做北京海上", min_size=1, max_size=2))
@settings(max_examples=40, deadline=None)
def test_replacement_gain_equals_whole_sentence_rescoring(lm, sentence, i, new):
    tokens = lm_tokens(sentence)
    i = min(i, len(tokens) - len(new))
    changed = tokens[:i] + list(new) + tokens[i + len(new):]
    expected = lm.score_tokens(changed) - lm.score_tokens(tokens)
    assert replacement_gain(lm, forward(lm, tokens), i, new) == pytest.approx(expected, abs=1e-4)


def test_proposer_ranks_the_pair_both_neighbours_ask_for_first(tmp_path):
    proposer = PairProposer(build_table(confusion_set(tmp_path), 5, INVENTORY), index(), glyphs())
    tokens = lm_tokens("我们在比亰工作。")
    proposals = proposer.propose(tokens, 3)
    assert proposals[0].chars == "北京"
    assert [p.rank for p in proposals] == list(range(len(proposals))) and {p.index for p in proposals} == {3}
    assert all(p.chain <= 0 and p.sources == ("pair",) for p in proposals)
    assert proposer.propose(tokens, 3) == proposals  # cached
    assert proposer.gated([-4.0, -3.0], 0) and not proposer.gated([-4.0, -1.0], 0)


def test_proposals_rank_by_chain_glyphs_and_confusion_scores(tmp_path):
    space = glyphs()
    table = build_table(ConfusionSet.from_scores({"比": {"上": 0.6, "北": 0.01}, "亰": {"海": 0.5, "京": 0.02}}, "visual"),
                        5, INVENTORY)
    proposer = PairProposer(table, index(), space, per_site=50)
    proposals = proposer.propose(lm_tokens("我们在比亰工作。"), 3)
    score = [p.chain + GLYPH_WEIGHT * (space.similarity("比", p.chars[0]) + space.similarity("亰", p.chars[1]))
             + CHANNEL_WEIGHT * (math.log10(p.channels[0]) + math.log10(p.channels[1])) for p in proposals]
    assert {p.chars: p.channels for p in proposals}["上海"] == (0.6, 0.5)
    assert {p.channels[0] for p in proposals} != {CONTEXT_SCORE}
    assert score == pytest.approx(sorted(score, reverse=True), abs=1e-5)  # best first


def test_a_pair_model_fixes_two_adjacent_errors_as_two_logged_edits(lm, tmp_path):
    text = "我们在比亰工作。"
    assert corrector(lm, tmp_path, None).correct(text, reflow=False).edits == ()  # singles alone never fire here
    result = corrector(lm, tmp_path, PAIR_MODEL).correct(text, reflow=False)
    assert result.text == "我们在北京工作。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("比", "北", ("pair",)), ("亰", "京", ("pair",))]
    assert replay(result.source, result.edits) == result.text
    assert corrector(lm, tmp_path, PAIR_MODEL).correct("我们在北京工作。", reflow=False).edits == ()


def test_pair_rows_are_labelled_by_both_truths(lm, tmp_path):
    noisy = "我们在比亰工作。"
    example = Labeled(noisy, tuple("我们在北京工作。"), "page", "p")
    matrix, labels, kinds, misread = featurize_pairs(corrector(lm, tmp_path, None), [example])
    assert matrix.shape == (len(labels), len(PAIR_FEATURES)) and labels.sum() == 1 and misread.all()
    assert kinds == ["page"] * len(labels)
    assert matrix[labels][0, PAIR_FEATURES.index("lm_gain")] == matrix[:, PAIR_FEATURES.index("lm_gain")].max()


def test_weights_keep_their_pair_model_and_refuse_a_mismatched_one(tmp_path):
    path = tmp_path / "w.json"
    weights(PAIR_MODEL).save(path)
    assert Weights.load(path).pairs == PAIR_MODEL
    weights(None).save(path)
    assert Weights.load(path).pairs is None
    weights(LinearScore((1.0, 2.0), 0.0)).save(path)
    with pytest.raises(ModelError, match="pair model"):
        Weights.load(path)
    assert len(BASE_FEATURES) + 1 == len(weights(None).names)  # the context source flag
