"""The domain gate of a profile with a domain LM: text unlike the domain is held to a stricter
threshold, calibrated where the domain's correct lines keep the clean-text budget."""
import dataclasses
import json

import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.score import DomainGate, Weights
from ocrfix.errors import ModelError
from ocrfix.lm import CharLM
from ocrfix.lm.mixed import MixedLM
from ocrfix.normalize import lm_tokens
from ocrfix.training.calibrate import (GATE_QUANTILE, CalibrationText, calibration_texts, choose_gate, choose_gated,
                                      pooled_shares, threshold_curve)
from ocrfix.training.fit import Labeled

from test_correct_fixtures import INVENTORY, confusion_set, write_arpa
from test_lm_mixed import DOMAIN
from test_training_calibrate import SOFT, TEXT


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    return MixedLM(CharLM(write_arpa(root / "news.arpa"), cache_size=0),
                   CharLM(write_arpa(root / "domain.arpa", DOMAIN), cache_size=0), 0.6)


def text(share, *edits, chars=100):
    """A calibration text of this domain ``share``; edits as (probability, verdict): 'f'ixed, 'i'ntroduced."""
    return CalibrationText(chars, tuple((p, v == "f", v == "i", 0) for p, v in edits), 0, 0, 0.0, share)


def test_the_domain_share_is_high_on_the_domain_s_text_and_low_on_other_text(mixed):
    on_domain = mixed.domain_share([lm_tokens("你说我们吃窝瓜吧。")])
    on_news = mixed.domain_share([lm_tokens("我们在北京工作。"), lm_tokens("今天天气很好。")])
    assert 0.6 < on_domain < 1.0 and 0.0 < on_news < 0.6
    # sentences are pooled token by token: a long sentence weighs more than a short one
    both = mixed.domain_share([lm_tokens("你说我们吃窝瓜吧。"), lm_tokens("今天天气很好。")])
    assert on_news < both < on_domain
    assert mixed.domain_share([]) is None and mixed.domain_share([[]]) is None


def test_the_gate_floors_only_texts_below_its_share_and_is_validated_through_save_and_load(tmp_path):
    gate = DomainGate(share=0.5, threshold=0.95)
    assert gate.floor(0.49) == 0.95 and gate.floor(0.5) == 0.0 and gate.floor(None) == 0.0
    path = tmp_path / "w.json"
    dataclasses.replace(SOFT, domain_gate=gate).save(path)
    assert Weights.load(path).domain_gate == gate
    SOFT.save(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert "domain_gate" not in record and Weights.load(path).domain_gate is None  # weights without one: as before
    blocks = DomainGate(share=0.5, threshold=0.95, block_share=0.7, block_chars=1000)
    assert blocks.floor(0.6, 999) == 0.0 and blocks.floor(0.6, 1000) == 0.95 and blocks.floor(0.7, 1000) == 0.0
    dataclasses.replace(SOFT, domain_gate=blocks).save(path)
    assert Weights.load(path).domain_gate == blocks
    for bad in ({"share": 1.5, "threshold": 0.9}, {"share": 0.5, "threshold": -0.1}, {"share": 0.5},
                {"share": 0.5, "threshold": 0.9, "block_share": 2.0}, {"share": 0.5, "threshold": 0.9, "block_chars": 0}):
        path.write_text(json.dumps(dict(record, domain_gate=bad)), encoding="utf-8")
        with pytest.raises(ModelError):
            Weights.load(path)


def test_the_gate_takes_a_low_quantile_of_the_domain_s_shares_and_the_threshold_its_correct_lines_allow():
    texts = [text(share / 100) for share in range(40, 100)]  # 60 texts of the domain
    # the domain's correct lines: 10,000 characters, changed at 0.7, 0.8 and 0.9
    correct = [text(0.8, (0.7, "i"), (0.8, "i"), chars=5000), text(0.8, (0.9, "i"), chars=5000)]
    gate = choose_gate(texts, correct, 5000.0, thresholds=(0.6, 0.7, 0.8, 0.9, 0.95))
    assert gate.share == pytest.approx(0.4 + GATE_QUANTILE * 0.59, abs=0.01)
    assert gate.threshold == 0.8  # 2 changes in 10,000 at 0.8 and above: one per 5,000; 3 at 0.7
    assert choose_gate(texts, correct, 20000.0, thresholds=(0.6, 0.7, 0.8, 0.9, 0.95)).threshold == 0.95  # none at all
    assert gate.block_share is None  # 6,000 characters: too few blocks to tell
    assert choose_gate([text(None)], correct, 5000.0) is None  # no domain LM
    assert choose_gate(texts, [], 5000.0) is None  # no correct text of the domain


def test_the_threshold_curve_holds_texts_below_the_gate_s_share_to_its_threshold():
    like = text(0.8, (0.7, "f"), (0.7, "i"))
    unlike = text(0.1, (0.7, "f"), (0.96, "f"), (0.7, "i"))
    clean_unlike = text(0.1, (0.7, "i"))
    gate = DomainGate(share=0.5, threshold=0.95)
    plain, = threshold_curve([like, unlike], [clean_unlike], (0.7,))
    gated, = threshold_curve([like, unlike], [clean_unlike], (0.7,), gate=gate)
    assert (plain["fixed"], plain["introduced"], plain["clean_changed"]) == (3, 2, 1)
    assert (gated["fixed"], gated["introduced"], gated["clean_changed"]) == (2, 1, 0)  # only the sure fix of the unlike text


def test_a_block_unlike_the_domain_is_corrected_at_the_gate_s_threshold(mixed, tmp_path):
    def run(gate, **kwargs):
        corrector = Corrector(model=mixed, confusions=confusion_set(tmp_path), inventory=INVENTORY,
                              weights=dataclasses.replace(SOFT, threshold=0.01, domain_gate=gate), **kwargs)
        return corrector, corrector.correct(TEXT, reflow=False)

    corrector, free = run(None)
    assert len(free.edits) == 4
    share = corrector.domain_share(TEXT)
    assert 0.0 < share < 0.6  # news-like text, unlike the domain LM's
    above = DomainGate(share=share + 0.01, threshold=1.0)
    assert run(above)[1].edits == ()  # below the gate's share: held to its threshold
    assert run(DomainGate(share=share - 0.01, threshold=1.0))[1].edits == free.edits  # like enough: the weights' own
    assert run(above, threshold=0.01)[1].edits == free.edits  # a given threshold holds everywhere
    weak = min(e.gain for e in free.edits)
    kept = run(DomainGate(share=share + 0.01, threshold=weak + 1e-6))[1].edits
    assert 0 < len(kept) < 4 and all(e.gain > weak for e in kept)
    # calibration decodes without the gate, and records each text's share for it
    gated, _ = run(above)
    [calibrated] = calibration_texts(gated, [Labeled(TEXT, tuple(TEXT), "page", "t")], clean=True)
    assert len(calibrated.edits) == 4 and calibrated.domain_share == pytest.approx(share)
    assert gated.domain_gate == above


def test_whole_blocks_are_held_to_the_quantile_of_the_domain_s_text_pooled_into_blocks():
    # 20 blocks of 20 lines of 50 characters: within each the shares spread from 0.3 to 0.9, block b averages 0.6 + 0.005 b
    texts = [text(0.3 + 0.6 * j / 19 + 0.005 * b, chars=50) for b in range(20) for j in range(20)]
    assert pooled_shares(texts[:3], 100) == [pytest.approx((texts[0].domain_share + texts[1].domain_share) / 2)]
    gate = choose_gate(texts, [text(0.8)], 5000.0, thresholds=(0.9,), block_chars=1000)
    blocks = pooled_shares(texts, 1000)
    assert blocks == pytest.approx([0.6 + 0.005 * b for b in range(20)]) and gate.block_chars == 1000
    assert gate.share < 0.4  # single lines spread widely
    assert gate.block_share == pytest.approx(0.6 + 0.005 * 19 * GATE_QUANTILE, abs=1e-4)  # whole blocks hardly at all
    # a whole block at 0.55 is unlike the domain; a line at 0.55 is not
    assert gate.floor(0.55, 1000) == 0.9 and gate.floor(0.55, 50) == 0.0
    assert choose_gate(texts[:380], [text(0.8)], 5000.0, block_chars=1000).block_share is None  # 19 blocks: too few


def test_a_long_text_is_gated_block_by_block(mixed, tmp_path, monkeypatch):
    from ocrfix.correction import corrector as corrector_module

    monkeypatch.setattr(corrector_module, "BLOCK_CHARS", 40)
    weights = dataclasses.replace(SOFT, threshold=0.01)
    corrector = Corrector(model=mixed, confusions=confusion_set(tmp_path), inventory=INVENTORY, weights=weights)
    free = corrector.correct(TEXT, reflow=False).edits
    share = corrector.domain_share(TEXT)
    # the same share: a short text passes on the line cutoff, the blocks of a long one are held to the threshold
    gate = DomainGate(share=share - 0.2, threshold=1.0, block_share=share + 0.2, block_chars=40)
    corrector.domain_gate = gate
    held = corrector.correct(TEXT, reflow=False).edits
    assert len(free) == 4 and len(held) < 4
    corrector.domain_gate = dataclasses.replace(gate, block_chars=10_000)
    assert corrector.correct(TEXT, reflow=False).edits == free


def test_the_line_cutoff_is_the_one_whose_curve_fixes_the_most_at_its_threshold():
    # lines reading unlike the domain carry the false edits: gating them lets the threshold come down
    texts = [text(0.9, (0.7, "f"), (0.9, "f")) for _ in range(10)] + [text(0.3, (0.7, "i"), (0.7, "i"))]
    loose, strict = DomainGate(0.2, 0.95), DomainGate(0.5, 0.95)
    assert choose_gated(texts, [], [None], 15.0, 1000.0)[1:] == (0.9, None)  # 20 fixed / 2 introduced at 0.7, 10 / 0 above
    curve, threshold, gate = choose_gated(texts, [], [loose, strict], 15.0, 1000.0)
    assert (threshold, gate) == (0.7, strict)  # 20 fixed / 0 introduced at 0.7, against 10 at 0.9
    assert next(r for r in curve if r["threshold"] == 0.7)["fixed"] == 20
    assert choose_gated(texts[:10], [], [loose, strict], 15.0, 1000.0)[2] == loose  # a tie: the first
