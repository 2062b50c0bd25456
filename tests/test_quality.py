"""ocrfix.quality: a page's OCR quality estimated from the LM's reading of it, and its model's fit."""
import json
import math
import random

import pytest

from ocrfix.errors import ModelError
from ocrfix.quality import PageSigns, QualityModel, page_signs, shipped_quality_model
from test_correct_fixtures import CORPUS, load_lm, write_arpa


@pytest.fixture()
def lm(tmp_path):
    return load_lm(write_arpa(tmp_path / "lm.arpa"))


def test_garbled_text_reads_as_less_probable_and_more_surprising(lm):
    clean = page_signs(lm, "我们在北京工作。\n他们在上海工作。\n", 0)
    garbled = page_signs(lm, "我京工们在北作。\n他海工们在上作。\n", 3)
    assert clean.tokens == garbled.tokens == 16
    assert garbled.logp < clean.logp - 0.5
    assert garbled.edits == pytest.approx(3 / 16)
    assert page_signs(lm, " \n\n", 0) == PageSigns(0, 0.0, 0.0, 0.0)


class ScoresLM:
    """An LM that gives each character the log10 P its table says (and -1 to others)."""

    def __init__(self, table):
        self.table = table

    def token_scores(self, tokens, bos=True, eos=True):
        return [(self.table.get(t, -1.0), False) for t in tokens]


def test_surprise_is_the_share_of_tokens_the_lm_finds_improbable():
    signs = page_signs(ScoresLM({"丙": -4.5, "乙": -6.0}), "甲乙丙甲\n甲甲\n", 2)
    assert signs == PageSigns(6, pytest.approx((-1 - 6 - 4.5 - 1 - 1 - 1) / 6), pytest.approx(2 / 6), pytest.approx(2 / 6))
    assert signs.values() == {"logp": signs.logp, "log_surprise": pytest.approx(math.log10(2 / 6 + 0.005)),
                              "log_edits": pytest.approx(math.log10(2 / 6 + 0.001))}


def test_the_estimate_grows_with_the_signs_weights_and_its_range_holds_it():
    model = QualityModel({"log_surprise": 0.5, "log_edits": 1.0}, 1.0, 0.002, (-0.2, 0.3))
    clean = model.estimate(PageSigns(800, -1.5, 0.03, 0.002))
    noisy = model.estimate(PageSigns(800, -2.5, 0.20, 0.05))
    assert 0.0 <= clean.low < clean.cer < clean.high < noisy.low < noisy.cer < noisy.high <= 1.0
    assert model.estimate(PageSigns(20, -2.5, 0.2, 0.05)) is None  # too short a text to tell
    assert QualityModel({"log_edits": 10.0}, 0.0, 0.002, (0.0, 0.0)).estimate(PageSigns(800, 0, 0, 1.0)).cer == 1.0


def test_a_model_round_trips_and_a_bad_one_is_refused(tmp_path):
    model = QualityModel({"logp": -0.5, "log_surprise": 3.0}, -2.0, 0.002, (-0.25, 0.2), 60, "lm/news.klm")
    path = tmp_path / "q.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert QualityModel.load(path) == model
    for record in ({"weights": {"perplexity": 1.0}, "intercept": 0, "offset": 0.002, "spread": [0, 0]},
                   {"weights": {}, "intercept": 0, "offset": 0.0, "spread": [0, 0]},
                   {"weights": {}, "intercept": 0, "offset": 0.002, "spread": [0.2, -0.2]},
                   {"weights": {}, "offset": 0.002, "spread": [0, 0]}):
        path.write_text(json.dumps(record), encoding="utf-8")
        with pytest.raises(ModelError, match="not a page quality model"):
            QualityModel.load(path)


def test_the_shipped_model_serves_only_the_lm_it_was_fitted_for(tmp_path, monkeypatch, lm):
    models = tmp_path / "models"
    (models / "lm").mkdir(parents=True)
    shipped = write_arpa(models / "lm" / "news.arpa")
    other = write_arpa(tmp_path / "other.arpa", CORPUS[:3])
    monkeypatch.setenv("OCRFIX_MODELS", str(models))
    assert shipped_quality_model(load_lm(shipped)) is None  # none shipped
    (models / "quality.json").write_text(QualityModel({"log_surprise": 1.0}, -1.0, 0.002, (-0.2, 0.2), lm="lm/news.arpa").to_json())
    assert shipped_quality_model(load_lm(shipped)) is not None
    assert shipped_quality_model(load_lm(other)) is None


def test_a_fit_recovers_the_signs_that_set_the_cer():
    from ocrfix.training.quality import fit_quality

    rng = random.Random(1)
    signs, cers = [], []
    for _ in range(80):
        sign = PageSigns(500, rng.uniform(-3, -1), rng.uniform(0.02, 0.3), rng.uniform(0.0, 0.05))
        signs.append(sign)
        cers.append(10 ** (0.3 * sign.values()["log_surprise"] + 0.9 * sign.values()["log_edits"] + rng.gauss(0, 0.05)) - 0.002)
    model = fit_quality(signs, cers)
    assert model.weights["log_surprise"] == pytest.approx(0.3, abs=0.1)
    assert model.weights["log_edits"] == pytest.approx(0.9, abs=0.1)
    assert abs(model.weights["logp"]) < 0.1
    assert -0.15 < model.spread[0] < 0 < model.spread[1] < 0.15
    with pytest.raises(ValueError, match="too few pages"):
        fit_quality(signs[:5], cers[:5])


def test_each_page_of_a_text_of_several_gets_its_own_signs_and_edits(lm):
    from ocrfix.quality import signs_by_page

    text = "我们在北京工作。\n他们在上海工作。\n\f我京工们在北作。\n\f今天天气很好。\n"
    pages = signs_by_page(lm, text, [3, 20, 22, 24])
    assert [p.tokens for p in pages] == [16, 8, 7]
    assert [p.edits for p in pages] == [pytest.approx(1 / 16), pytest.approx(3 / 8), 0.0]
    assert pages[1].logp < pages[0].logp
    assert signs_by_page(lm, "我们在北京工作。", [1]) == (page_signs(lm, "我们在北京工作。", 1),)


def test_a_model_with_its_corrected_twin_assesses_both_and_round_trips(tmp_path):
    from dataclasses import replace

    after = QualityModel({"log_edits": 1.0}, 0.5, 0.002, (-0.3, 0.3))
    model = replace(QualityModel({"log_edits": 1.0}, 1.0, 0.002, (-0.2, 0.2), lm="lm/news.klm"), corrected=after)
    signs = PageSigns(800, -2.0, 0.1, 0.02)
    quality = model.assess(signs)
    assert quality.corrected.cer < quality.ocr.cer
    assert quality.to_dict() == {**quality.ocr.to_dict(), "corrected": quality.corrected.to_dict()}
    assert QualityModel({"log_edits": 1.0}, 1.0, 0.002, (0, 0)).assess(signs).corrected is None
    assert model.assess(PageSigns(10, -2.0, 0.1, 0.02)) is None
    path = tmp_path / "q.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert QualityModel.load(path) == model
    record = json.loads(path.read_text(encoding="utf-8"))
    record["corrected"]["spread"] = [0.3, -0.3]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="not a page quality model"):
        QualityModel.load(path)


def test_the_pages_signs_combined_are_the_whole_texts(lm):
    from ocrfix.quality import combined_signs, signs_by_page

    text = "我们在北京工作。\n他们在上海工作。\n\f我京工们在北作。\n\f今天天气很好。\n"
    whole, combined = page_signs(lm, text, 4), combined_signs(signs_by_page(lm, text, [3, 20, 22, 24]))
    assert combined.tokens == whole.tokens
    assert combined.logp == pytest.approx(whole.logp) and combined.surprise == pytest.approx(whole.surprise)
    assert combined.edits == pytest.approx(whole.edits)
    assert combined_signs([]) == PageSigns(0, 0.0, 0.0, 0.0)
