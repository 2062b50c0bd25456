"""The news LM interpolated with a domain LM: the mixture's numbers, its EM weight, and a profile
that carries a domain LM."""
import json
import math

import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.errors import ModelError
from ocrfix.lm import CharLM
from ocrfix.lm.mixed import MixedLM, mixture_weight
from ocrfix.normalize import lm_tokens
from ocrfix.profiles import load_profile
from ocrfix.settings import PROJECT_ROOT

from test_correct_fixtures import CORPUS, WEIGHTS, write_arpa

#: Text of another kind than the fixtures' news-like CORPUS.
DOMAIN = ["你说他像窝瓜吧。", "你说我们吃什么。", "他说你像什么吧。", "我们说你吃窝瓜吧。"] * 3


@pytest.fixture()
def models(tmp_path):
    return (CharLM(write_arpa(tmp_path / "news.arpa"), cache_size=0),
            CharLM(write_arpa(tmp_path / "domain.arpa", DOMAIN), cache_size=0))


def test_every_token_scores_the_linear_interpolation_of_the_two_models(models):
    news, domain = models
    mixed = MixedLM(news, domain, 0.25)
    tokens = lm_tokens("你说我们在北京工作吧。")
    state, (news_state, domain_state) = mixed.begin_state(), (news.begin_state(), domain.begin_state())
    for token in tokens:
        a, news_state = news.score_token(news_state, token)
        b, domain_state = domain.score_token(domain_state, token)
        logp, state = mixed.score_token(state, token)
        assert logp == pytest.approx(math.log10(0.75 * 10 ** a + 0.25 * 10 ** b))
        assert state == (news_state, domain_state)
    whole = sum(logp for logp, _ in mixed.token_scores(tokens))
    assert mixed.score_tokens(tokens) == pytest.approx(whole)
    assert mixed.score_text("你说我们在北京工作吧。") == pytest.approx(whole)
    assert len(mixed.token_scores(tokens, eos=False)) == len(tokens)
    # the domain's sentences read better in the mixture than in news alone, news sentences worse
    assert mixed.score_text(DOMAIN[0]) > news.score_text(DOMAIN[0])
    assert mixed.score_text(CORPUS[0]) < news.score_text(CORPUS[0])


def test_the_screen_keeps_the_candidates_from_the_floor_up_with_their_states(models):
    mixed = MixedLM(*models, 0.5)
    start = mixed.begin_state()
    scores = {t: mixed.score_token(start, t) for t in "你我他窝"}
    floor = sorted(s for s, _ in scores.values())[1]
    kept = mixed.score_next(start, list("你我他窝"), floor)
    assert [(k, s) for k, s, _ in kept] == [(k, scores[t][0]) for k, t in enumerate("你我他窝") if scores[t][0] >= floor]
    assert all(after == scores["你我他窝"[k]][1] for k, _, after in kept)
    with pytest.raises(ValueError, match=r"in \(0, 1\)"):
        MixedLM(*models, 1.0)


def test_the_em_weight_follows_the_text_it_is_estimated_on(models):
    news, domain = models
    on_domain = mixture_weight(news, domain, ["你说他吃什么吧。", "我们说你像窝瓜。"])
    on_news = mixture_weight(news, domain, ["我们在上海学习。", "大家今天都在开会。"])
    assert 0.5 < on_domain <= 0.99 and 0.01 <= on_news < 0.5
    assert mixture_weight(news, domain, []) == 0.5


def test_a_profile_with_a_domain_lm_corrects_with_the_mixture(tmp_path, models):
    profile = tmp_path / "profile"
    profile.mkdir()
    WEIGHTS.save(profile / "weights.json")
    write_arpa(profile / "domain.arpa", DOMAIN)
    record = {"format": 1, "name": "captions", "files": {"weights": "weights.json", "domain_lm": "domain.arpa"},
              "domain_weight": 0.3, "rules": []}
    (profile / "profile.json").write_text(json.dumps(record), encoding="utf-8")
    loaded = load_profile(profile, PROJECT_ROOT / "models")
    assert loaded.domain_lm == (profile / "domain.arpa").resolve() and loaded.domain_weight == 0.3
    corrector = Corrector(model=tmp_path / "news.arpa", profile=loaded, confusions=[], inventory=set("你我"), variants={})
    assert isinstance(corrector.lm, MixedLM) and corrector.lm.weight == 0.3
    record.pop("domain_weight")
    (profile / "profile.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="domain_lm needs a domain_weight"):
        load_profile(profile, PROJECT_ROOT / "models")
