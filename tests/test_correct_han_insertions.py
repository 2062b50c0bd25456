"""The Han insertion stage: a character the engine lost inside a word, put back from the context index."""
import pytest

from ocrfix.correction import han_insertions
from ocrfix.correction.candidates import CONTEXT
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.features import BASE_FEATURES, forward, replacement_gain
from ocrfix.correction.han_insertions import SOURCE, insertion_changes, insertion_sites
from ocrfix.correction.score import Weights
from ocrfix.lm.context import ContextIndex
from ocrfix.normalize import lm_line, lm_tokens
from ocrfix.profiles import load_profile

from test_correct_fixtures import CORPUS, INVENTORY, confusion_set, load_lm, write_arpa

#: 谢谢 doubles a character; 我们北京 runs on without the 在 the LM prefers there (a pair the news writes).
TEXTS = CORPUS + ["谢谢大家。"] * 3 + ["我们北京见。"] * 2


@pytest.fixture(autouse=True)
def bigram_gates(monkeypatch):
    """The test LM is a bigram: a right neighbour after a gap scores about -1.8 (the news LM's lost
    characters -4 and below), one it has seen there -0.9, and inserting what fits gains 1 to 2 (the
    news LM's 6 and more)."""
    monkeypatch.setattr(han_insertions, "SURPRISE", -1.5)
    monkeypatch.setattr(han_insertions, "MIN_GAIN", 1.0)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "lm.arpa", TEXTS))


def fresh_index() -> ContextIndex:
    return ContextIndex.fit(map(lm_line, TEXTS), min_count=1)


def inserted(text, lm, protected=None):
    return [(offset, char) for offset, original, char, _, sources in
            insertion_changes(text, lm, fresh_index(), protected or [False] * len(text))
            if original == "" and sources == (SOURCE,)]


def test_an_insertion_gain_is_the_sentence_with_the_token_against_without(lm):
    tokens = lm_tokens("我们在北工作。")
    fwd = forward(lm, tokens)
    with_jing = tokens[:4] + ["京"] + tokens[4:]
    expected = lm.score_tokens(with_jing) - lm.score_tokens(tokens)
    assert replacement_gain(lm, fwd, 4, ("京",), width=0) == pytest.approx(expected, abs=1e-4)
    substituted = tokens[:4] + ["京"] + tokens[5:]  # without a width: a substitution, as before
    assert replacement_gain(lm, fwd, 4, ("京",)) == pytest.approx(lm.score_tokens(substituted) - lm.score_tokens(tokens), abs=1e-4)


def test_a_lost_character_comes_back_between_its_neighbours(lm):
    assert inserted("我们在北工作。", lm) == [(4, "京")]
    assert inserted("他们在上工作。", lm) == [(4, "海")]
    assert inserted("我们在北京工作。", lm) == []
    assert inserted("我们在北工作。", lm, protected=[False] * 3 + [True] * 4) == []


def test_no_double_and_no_optional_character_where_the_text_runs_on_as_written(lm, monkeypatch):
    assert inserted("谢大家都在认真工作。", lm) == []  # only 谢 fits between 谢 and 大: a double
    assert insertion_sites("我们北京工作。", lm, fresh_index(), [False] * 7) == []  # 们北: probable as it is
    monkeypatch.setattr(han_insertions, "SURPRISE", 0.0)
    site = [s for s in insertion_sites("我们北京工作。", lm, fresh_index(), [False] * 7) if s.offset == 2]
    assert site and site[0].char == "在" and site[0].gain > 0  # the LM would like its 在 there
    # every gap weighed now: 谢|大 too (大 is probable after 谢, so the first check never weighed it),
    # and its one candidate doubles a neighbour
    assert [char for char, _ in fresh_index().between("谢", "大", n=han_insertions.CANDIDATES)] == ["谢"]
    assert insertion_sites("谢大家都在认真工作。", lm, fresh_index(), [False] * 10) == []


def test_a_gap_after_an_improbable_left_neighbour_is_not_weighed(lm, monkeypatch):
    monkeypatch.setattr(han_insertions, "PROBABLE_LEFT", 0.0)  # every left neighbour reads as garbled
    assert inserted("我们在北工作。", lm) == []


def test_a_close_second_candidate_is_a_guess(lm, monkeypatch):
    site = insertion_sites("我们在北工作。", lm, fresh_index(), [False] * 7)[0]
    monkeypatch.setattr(han_insertions, "MIN_LEAD", site.lead + 0.1)
    assert inserted("我们在北工作。", lm) == []


def context_weights() -> Weights:
    coef = {"lm_gain": 4.0, "channel": 2.0, f"src:{CONTEXT}": 8.0}
    names = BASE_FEATURES + (f"src:{CONTEXT}",)
    return Weights(tuple(coef.get(n, 0.0) for n in names), -3.0, (CONTEXT,), threshold=0.5, k=5)


def test_the_corrector_logs_and_replays_insertions_and_profiles_choose_the_stage(lm, tmp_path):
    common = dict(model=lm, confusions=confusion_set(tmp_path), weights=context_weights(), inventory=INVENTORY,
                  variants={}, length=False)
    result = Corrector(context=fresh_index(), **common).correct("我们在北工作。", reflow=False)
    assert result.text == "我们在北京工作。"
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("", "京", (SOURCE,))]
    assert replay(result.source, result.edits) == result.text
    assert Corrector(context=fresh_index(), rules=False, **common).correct("我们在北工作。", reflow=False).edits == ()
    for on in (False, True):
        directory = tmp_path / f"profile-{on}"
        directory.mkdir()
        (directory / "profile.json").write_text(f'{{"format": 1, "han_insertions": {str(on).lower()}}}', encoding="utf-8")
        profile = load_profile(directory, tmp_path)
        assert profile.han_insertions is on
        edits = Corrector(context=fresh_index(), profile=profile, **common).correct("我们在北工作。", reflow=False).edits
        assert [e.sources for e in edits] == ([(SOURCE,)] if on else [])


def test_a_word_cut_off_at_a_paragraphs_end_gets_its_lost_character_before_the_stop(lm, monkeypatch):
    """作出新的贡 for 作出新的贡献。: where final-period puts the stop back, the character the engine lost with it
    is weighed between the paragraph's last character and the stop."""
    from ocrfix.correction.han_insertions import lost_before_stop

    monkeypatch.setattr(han_insertions, "SURPRISE", -1.2)  # the bigram's '。' after 工 (never seen there): -1.5
    monkeypatch.setattr(han_insertions, "STOP_MIN_GAIN", 0.5)
    cut, whole = "我们在北京学习。大家都在认真工\n今天天气很好。", "我们在北京学习。大家都在认真工作\n今天天气很好。"
    assert lost_before_stop(cut, cut.index("\n"), lm, fresh_index(), [False] * len(cut)) == "作"
    assert lost_before_stop(whole, whole.index("\n"), lm, fresh_index(), [False] * len(whole)) is None  # 作。 probable
    protected = [i == cut.index("\n") - 1 for i in range(len(cut))]
    assert lost_before_stop(cut, cut.index("\n"), lm, fresh_index(), protected) is None
    monkeypatch.setattr(han_insertions, "STOP_MIN_GAIN", 9.0)
    assert lost_before_stop(cut, cut.index("\n"), lm, fresh_index(), [False] * len(cut)) is None


def test_the_corrector_puts_the_lost_character_and_the_stop_back_as_one_replayable_edit(lm, tmp_path, monkeypatch):
    from ocrfix.correction import corrector as corrector_module

    monkeypatch.setattr(han_insertions, "SURPRISE", -1.2)
    monkeypatch.setattr(han_insertions, "STOP_MIN_GAIN", 0.5)
    text = "我们在北京学习。大家都在认真工\n今天天气很好。"
    end = text.index("\n")
    monkeypatch.setattr(corrector_module, "rule_changes",
                        lambda *args, **kwargs: [(end, "", "。", 1.0, ("rule:final-period",))])
    common = dict(model=lm, confusions=confusion_set(tmp_path), weights=context_weights(), inventory=INVENTORY,
                  variants={}, length=False)
    result = Corrector(context=fresh_index(), **common).correct(text, reflow=False)
    assert [(e.original, e.replacement, e.sources) for e in result.edits] == [("", "作。", ("rule:final-period", SOURCE))]
    assert result.text == "我们在北京学习。大家都在认真工作。\n今天天气很好。"
    assert replay(result.source, result.edits) == result.text
