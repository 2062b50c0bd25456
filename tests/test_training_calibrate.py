"""Threshold calibration (one threshold, the second pass on noisy scans, the stricter one on clean print)
and the corrector's passes."""
import dataclasses
import json

import pytest

from ocrfix.training.calibrate import (CalibrationText, choose_noisy_threshold, choose_sparse_threshold, noisy_curve,
                                      sparse_curve, threshold_curve)
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.features import BASE_FEATURES
from ocrfix.correction.score import FAR_LOGP, NoisyPages, SparsePages, Weights
from ocrfix.errors import ModelError

from test_correct_fixtures import INVENTORY, confusion_set, load_lm, write_arpa

#: Four misread 乍: three where the LM is sure (p ~0.84 with these weights), one at a sentence
#: start (乍天 -> 作天, p ~0.51).
TEXT = "我们在北京工乍。他在上海学习工乍。乍天天气很好。大家都在认真工乍。我们今天在北京开会。"
SOFT = Weights(coef=tuple(0.5 if name == "lm_gain" else 0.0 for name in BASE_FEATURES), intercept=-1.0, threshold=0.5, k=5)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


def page(chars, *edits, rules=0, han_errors=0):
    """A calibration text; edits as (probability, verdict) with verdict 'f'ixed, 'i'ntroduced or 'o'ther."""
    return CalibrationText(chars, tuple((p, v == "f", v == "i", v == "o") for p, v in edits), rules, han_errors)


def test_noisy_pages_rule_and_record_validation():
    rule = NoisyPages(density=5.0, min_edits=3, threshold=0.6)
    assert rule.is_noisy(5, 1000) and not rule.is_noisy(4, 1000)  # density
    assert not rule.is_noisy(2, 100)  # dense, but too few edits to tell
    assert NoisyPages.from_record({"density": 5, "min_edits": 3, "threshold": 0.6}) == rule
    for bad in ({"density": 0, "min_edits": 3, "threshold": 0.6}, {"density": 5, "min_edits": 0, "threshold": 0.6},
                {"density": 5, "min_edits": 3, "threshold": 1.5}):
        with pytest.raises(ValueError):
            NoisyPages.from_record(bad)


def test_sparse_pages_rule_and_record_validation():
    rule = SparsePages(density=1.0, threshold=0.99)
    assert rule.is_sparse(1, 1500) and rule.is_sparse(0, 10) and not rule.is_sparse(1, 1000)  # below the density only
    assert SparsePages.from_record({"density": 1, "threshold": 0.99}) == rule
    for bad in ({"density": 0, "threshold": 0.99}, {"density": 1, "threshold": 1.5}):
        with pytest.raises(ValueError):
            SparsePages.from_record(bad)


def test_weights_keep_their_noisy_and_sparse_rules_through_save_and_load(tmp_path):
    path = tmp_path / "w.json"
    dataclasses.replace(SOFT, noisy=NoisyPages(4.0, 3, 0.55), sparse=SparsePages(1.0, 0.99)).save(path)
    assert Weights.load(path).noisy == NoisyPages(4.0, 3, 0.55)
    assert Weights.load(path).sparse == SparsePages(1.0, 0.99)
    SOFT.save(path)
    assert Weights.load(path).noisy is None and Weights.load(path).sparse is None
    record = json.loads(path.read_text(encoding="utf-8"))
    for key, bad in (("noisy", {"density": -1, "min_edits": 3, "threshold": 0.5}), ("sparse", {"density": 1.0})):
        path.write_text(json.dumps(dict(record, **{key: bad})), encoding="utf-8")
        with pytest.raises(ModelError):
            Weights.load(path)


def test_threshold_curve_counts_the_edits_at_or_above_each_threshold():
    noisy = [page(1000, (0.95, "f"), (0.8, "f"), (0.6, "i"), (0.5, "o"), rules=1, han_errors=9)]
    clean = [page(2000, (0.7, "i"), rules=2), page(500)]
    rows = {row["threshold"]: row for row in threshold_curve(noisy, clean, (0.5, 0.7, 0.9))}
    assert (rows[0.5]["fixed"], rows[0.5]["introduced"], rows[0.5]["other"], rows[0.5]["clean_changed"]) == (2, 1, 1, 1)
    assert (rows[0.7]["fixed"], rows[0.7]["introduced"], rows[0.7]["clean_changed"]) == (2, 0, 1)
    assert (rows[0.9]["fixed"], rows[0.9]["clean_changed"]) == (1, 0)
    assert rows[0.9]["clean_rule_changed"] == 2 and rows[0.9]["clean_chars"] == 2500 and rows[0.9]["han_errors"] == 9


def test_noisy_curve_lowers_the_threshold_only_on_texts_the_first_pass_finds_dense():
    dense = page(1000, *[(0.95, "f")] * 5, (0.7, "f"), (0.6, "f"), (0.55, "i"))  # 5 first-pass edits per 1,000
    sparse = page(1000, (0.95, "f"), (0.7, "f"))  # 1 per 1,000: stays at the strict threshold
    clean = [page(1000, (0.95, "i"), (0.6, "i")), page(200, *[(0.95, "i")] * 3, (0.6, "i"))]  # the second is dense
    rows = {row["threshold"]: row for row in noisy_curve([dense, sparse], clean, 0.9, density=4.0, min_edits=3,
                                                         thresholds=(0.5, 0.6, 0.7, 0.9))}
    assert set(rows) == {0.5, 0.6, 0.7}  # only thresholds below the strict one
    assert rows[0.6]["noisy_pages"] == 1 and rows[0.6]["clean_noisy"] == 1
    assert (rows[0.6]["fixed"], rows[0.6]["introduced"], rows[0.6]["fixed_all_pages"]) == (7, 0, 8)
    assert (rows[0.5]["fixed"], rows[0.5]["introduced"]) == (7, 1)
    assert rows[0.7]["clean_changed"] == 4 and rows[0.6]["clean_changed"] == 5  # the dense clean text's 0.6 edit


def test_choose_noisy_threshold_takes_the_lowest_row_from_which_on_every_target_holds():
    def row(t, fixed, introduced, other, clean_changed=0):
        return {"threshold": t, "fixed": fixed, "introduced": introduced, "other": other, "clean_changed": clean_changed,
                "clean_rule_changed": 0, "clean_chars": 10_000}
    curve = [row(0.5, 100, 8, 0), row(0.6, 95, 1, 20), row(0.7, 90, 1, 5), row(0.8, 80, 0, 2)]
    # 0.5: too many introduced (ratio 12.5 < 20); 0.6: precision 95/116 < 0.9
    assert choose_noisy_threshold(curve, 0.9, min_ratio=20, min_precision=0.9, clean_chars_per_change=5000) == 0.7
    curve[-1] = row(0.8, 80, 0, 2, clean_changed=3)  # over the clean budget at the top: nothing qualifies
    assert choose_noisy_threshold(curve, 0.9, min_ratio=20, min_precision=0.9, clean_chars_per_change=5000) == 0.9
    assert choose_noisy_threshold([], 0.9, 20, 0.9, 5000) == 0.9


def test_sparse_curve_raises_the_threshold_only_on_texts_the_first_pass_finds_sparse():
    sparse = page(2000, (0.99, "f"), (0.95, "f"))  # 1 first-pass edit per 1,000 at 0.95: not below 1
    sparser = page(3000, (0.99, "f"), (0.95, "i"))  # 0.67 per 1,000
    dense = page(1000, (0.95, "f"), (0.96, "f"))  # stays at the strict threshold
    clean = [page(2000, (0.97, "i")), page(500, (0.95, "i"), (0.999, "i"))]  # the second: 4 per 1,000
    rows = {row["threshold"]: row for row in sparse_curve([sparse, sparser, dense], clean, 0.95, density=1.0,
                                                          thresholds=(0.9, 0.95, 0.98, 0.995))}
    assert set(rows) == {0.95, 0.98, 0.995}  # only thresholds from the strict one up
    assert rows[0.95]["sparse_pages"] == 1 and rows[0.95]["clean_sparse"] == 1
    assert (rows[0.95]["fixed"], rows[0.95]["introduced"], rows[0.95]["clean_changed"]) == (1, 1, 1)
    assert (rows[0.98]["fixed"], rows[0.98]["introduced"], rows[0.98]["clean_changed"]) == (1, 0, 0)
    assert rows[0.98]["fixed_all_pages"] == 5 and rows[0.995]["fixed_all_pages"] == 4  # the dense page keeps its two


def test_sparse_curve_counts_only_the_edits_that_reach_the_threshold_on_texts_far_from_the_lm():
    far = FAR_LOGP - 0.1
    sparse = page(2000, (0.99, "f"), (0.95, "f"))._replace(logp=far)  # at 0.98: 0.5 per 1,000 count
    dense = page(1000, (0.95, "f"), (0.999, "f"))._replace(logp=far)  # 2 per 1,000, one of them sure
    weak = page(1000, (0.95, "i"), (0.96, "i"))._replace(logp=far)  # dense, but no edit reaches 0.98
    near = page(1000, (0.95, "f"), (0.96, "f"))  # the same near the LM's domain: a scan
    rows = {row["threshold"]: row for row in sparse_curve([sparse, dense, weak, near], [], 0.95, density=1.0,
                                                          thresholds=(0.95, 0.98, 0.9995))}
    assert rows[0.95]["sparse_pages"] == 0
    assert rows[0.98]["sparse_pages"] == 2 and (rows[0.98]["fixed"], rows[0.98]["introduced"]) == (1, 0)
    assert rows[0.98]["fixed_all_pages"] == 5  # the far dense page keeps both: its sure edit makes it a scan
    assert rows[0.9995]["sparse_pages"] == 3 and rows[0.9995]["fixed_all_pages"] == 2  # only the near page keeps its two


def test_choose_sparse_threshold_takes_the_lowest_row_from_which_on_edits_are_precise():
    def row(t, fixed, introduced, other=0):
        return {"threshold": t, "fixed": fixed, "introduced": introduced, "other": other, "clean_changed": 99}
    curve = [row(0.9, 10, 3), row(0.95, 9, 0, 2), row(0.98, 9, 1), row(0.99, 0, 0)]
    assert choose_sparse_threshold(curve, 0.9, min_precision=0.9) == 0.98  # 9 of 10
    assert choose_sparse_threshold(curve, 0.9, min_precision=0.75) == 0.9
    curve[2] = row(0.98, 2, 1)
    assert choose_sparse_threshold(curve, 0.9, min_precision=0.9) == 0.99  # no edit left passes
    assert choose_sparse_threshold([], 0.9, 0.9) == 0.9


def test_a_second_pass_runs_only_on_texts_the_first_pass_finds_noisy(lm, tmp_path):
    def run(weights, **kwargs):
        corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY, **kwargs)
        return corrector.correct(TEXT, reflow=False)

    everything = run(SOFT, threshold=0.01).edits
    probabilities = sorted({round(e.gain, 9) for e in everything})
    assert len(everything) == 4 and len(probabilities) == 2  # three sure edits and a weak one
    strict = sum(probabilities) / 2
    sure = [e for e in everything if e.gain >= strict]
    dense = NoisyPages(density=10.0, min_edits=3, threshold=probabilities[0] - 0.01)  # 3 edits in 45 chars: dense
    noisy_weights = dataclasses.replace(SOFT, threshold=strict, noisy=dense)
    assert [e.offset for e in run(noisy_weights).edits] == [e.offset for e in everything]
    too_few = dataclasses.replace(noisy_weights, noisy=dataclasses.replace(dense, min_edits=4))
    assert [e.offset for e in run(too_few).edits] == [e.offset for e in sure]
    assert [e.offset for e in run(noisy_weights, threshold=strict).edits] == [e.offset for e in sure]  # a given threshold holds everywhere
    result = run(noisy_weights)
    assert result.text == TEXT.replace("乍", "作")


def test_long_texts_are_judged_block_by_block(lm, tmp_path, monkeypatch):
    from ocrfix.correction import corrector as corrector_module

    monkeypatch.setattr(corrector_module, "BLOCK_CHARS", 40)
    everything = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=SOFT, inventory=INVENTORY,
                           threshold=0.01).correct(TEXT, reflow=False).edits
    weak = min(e.gain for e in everything)
    strict = (weak + max(e.gain for e in everything)) / 2
    weights = dataclasses.replace(SOFT, threshold=strict, noisy=NoisyPages(density=10.0, min_edits=3, threshold=weak - 0.01))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY)
    calm = "我们今天在北京开会。他们在上海工作。乍天天气很好。"  # one weak error and nothing else: a block of its own
    result = corrector.correct(TEXT + calm, reflow=False)
    assert [e.offset for e in result.edits] == [e.offset for e in everything]  # the noisy block's weak one too
    assert result.text == TEXT.replace("乍", "作") + calm  # the calm block's weak one stays


def test_blocks_group_consecutive_sentences_to_the_minimum_size():
    from ocrfix.correction.corrector import _blocks
    from ocrfix.segment import segment

    sentences = segment("一二三。四五六七八九。十。甲乙丙丁。", INVENTORY | set("一二三四五六七八九十甲乙丙丁"))
    sizes = [[s.end - s.start for s in block] for block in _blocks(sentences, 6)]
    assert sum(sizes, []) == [s.end - s.start for s in sentences]
    assert all(sum(block) >= 6 for block in sizes[:-1]) and all(sum(block[:-1]) < 6 for block in sizes)


def test_texts_the_first_pass_finds_sparse_keep_only_edits_above_the_stricter_threshold(lm, tmp_path, monkeypatch):
    monkeypatch.setattr("ocrfix.correction.corrector.SHORT_TEXT", 0)  # the block rules alone, as on a page
    def run(weights, text, **kwargs):
        corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY, **kwargs)
        return corrector.correct(text, reflow=False)

    everything = run(SOFT, TEXT, threshold=0.01).edits
    weak, sure = min(e.gain for e in everything), max(e.gain for e in everything)
    between = (weak + sure) / 2
    calm = "我们今天在北京开会。他们在上海工作。乍天天气很好。"  # a single weak edit in 26 characters
    lenient = dataclasses.replace(SOFT, threshold=weak - 0.01)
    assert len(run(lenient, calm).edits) == 1
    strict_on_calm = dataclasses.replace(lenient, sparse=SparsePages(density=50.0, threshold=between))  # 1 in 26 < 50 per 1,000
    result = run(strict_on_calm, calm)
    assert result.edits == () and result.text == calm
    assert len(run(strict_on_calm, calm, threshold=weak - 0.01).edits) == 1  # a given threshold holds everywhere
    dense = run(strict_on_calm, TEXT)  # 4 edits in 45 characters: above the density, every edit kept
    assert [e.offset for e in dense.edits] == [e.offset for e in everything]


def test_far_from_the_lm_only_edits_that_reach_the_stricter_threshold_make_a_text_look_like_a_scan(lm, tmp_path, monkeypatch):
    import ocrfix.correction.score as score

    monkeypatch.setattr("ocrfix.correction.corrector.SHORT_TEXT", 0)  # the block rules alone, as on a page

    rule = SparsePages(1.0, 0.9)
    weak = [0.95, 0.9, 0.89, 0.5]
    assert rule.counted(weak, FAR_LOGP, 2000) == 4 and rule.counted(weak, FAR_LOGP - 0.01, 2000) == 2
    assert rule.counted(weak, FAR_LOGP - 0.01, 100) == 4  # 40 per 1,000: a text with errors, far or not
    everything = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=SOFT, inventory=INVENTORY,
                           threshold=0.01).correct(TEXT, reflow=False).edits
    sure = max(e.gain for e in everything)
    lenient = dataclasses.replace(SOFT, threshold=min(e.gain for e in everything) - 0.01)
    # 4 edits in 45 characters, dense by their count; none reaches the stricter threshold
    above_all = dataclasses.replace(lenient, sparse=SparsePages(density=50.0, threshold=min(sure + 0.01, 1.0)))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=above_all, inventory=INVENTORY)
    assert corrector.text_logp(TEXT) > -1.5  # the tiny LM's own domain: a scan, every edit kept
    assert [e.offset for e in corrector.correct(TEXT, reflow=False).edits] == [e.offset for e in everything]
    monkeypatch.setattr(score, "FAR_LOGP", 0.0)  # every text far from the LM's domain
    assert [e.offset for e in corrector.correct(TEXT, reflow=False).edits] == [e.offset for e in everything]  # too dense
    monkeypatch.setattr(score, "FAR_MAX_DENSITY", 100.0)  # 4 edits in 45 characters counted as sparse: clean print, none kept
    result = corrector.correct(TEXT, reflow=False)
    assert result.edits == () and result.text == TEXT
    # the same text where the sure edits reach it: a scan, every edit kept
    below_sure = dataclasses.replace(lenient, sparse=SparsePages(density=50.0, threshold=sure - 0.01))
    kept = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=below_sure, inventory=INVENTORY).correct(
        TEXT, reflow=False)
    assert [e.offset for e in kept.edits] == [e.offset for e in everything]


def test_calibration_puts_the_sparse_rule_in_the_weights(lm, tmp_path):
    import argparse

    from ocrfix.training.fit import Labeled, _calibrate

    truth = TEXT.replace("乍", "作")
    calm = "我们今天在北京开会。他们在上海学习。大家都认真工作。乍天天气很好。"
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=SOFT, inventory=INVENTORY)
    pages = [Labeled(TEXT, tuple(truth), "page", "p")]
    clean = [Labeled(truth, tuple(truth), "clean", "c")]
    # clean print whose 乍 is right: the lone edit the first pass makes on it is a false one
    printed = [Labeled(calm, tuple(calm), "page", "print")]
    args = argparse.Namespace(min_ratio=20.0, clean_chars=1.0, noisy_density=0.0, noisy_min_edits=3,
                              sparse_density=50.0, min_precision=0.9, sparse_rate=0.01)
    weights, record = _calibrate(SOFT, [(corrector, pages, clean, printed)], args)
    (row,) = [r for r in record["sparse_curve"] if r["threshold"] == weights.threshold]
    assert row["sparse_pages"] == 1 and row["pages"] == 2 and row["introduced"] == 1  # the scan is dense
    assert weights.sparse is not None and weights.sparse.threshold > weights.threshold
    assert record["sparse_rule"].startswith("texts with < 50.0") and record["clean_print_pages"] == 1
    args.sparse_density = 0.0
    assert _calibrate(SOFT, [(corrector, pages, clean, printed)], args)[0].sparse is None


def test_calibration_decodes_without_the_block_rules_of_the_corrector(lm, tmp_path):
    from ocrfix.training.calibrate import calibration_texts
    from ocrfix.training.fit import Labeled

    calm = "我们今天在北京开会。他们在上海学习。大家都认真工作。乍天天气很好。"
    strict = dataclasses.replace(SOFT, threshold=0.99, noisy=NoisyPages(1.0, 1, 0.98), sparse=SparsePages(50.0, 0.999))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=strict, inventory=INVENTORY)
    (text,) = calibration_texts(corrector, [Labeled(calm, tuple(calm), "page", "print")], clean=False, low=0.3)
    assert len(text.edits) == 1 and text.edits[0][0] < 0.98  # found at the low threshold, rules or not
    assert (corrector.threshold, corrector.noisy, corrector.sparse) == (0.99, strict.noisy, strict.sparse)  # restored


def test_clean_print_pages_have_rare_misreadings_through_the_reverse_channel(tmp_path, monkeypatch):
    import argparse
    import lzma
    import random

    from ocrfix.training.fit import Fold, clean_print_examples

    data = tmp_path / "data"
    (data / "news").mkdir(parents=True)
    with lzma.open(data / "news" / "rmrb_x.txt.xz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(["我们在北京工作。", "他在上海学习工作。"] * 400) + "\n")
    monkeypatch.setenv("OCRFIX_DATA", str(data))
    fold = Fold(None, ("rmrb_x",))
    args = argparse.Namespace(sparse_chars=3000, sparse_rate=0.1, k=5)
    pages = clean_print_examples(fold, args, confusion_set(tmp_path), random.Random(0))
    assert sum(len(p.text) for p in pages) >= 3000 and all(p.kind == "page" for p in pages)
    misread = [(seen, true) for p in pages for seen, true in zip(p.text, p.truth) if seen != true]
    work = sum(p.truth.count("作") for p in pages)
    assert misread and set(misread) == {("乍", "作")}  # the only character the set misreads
    assert 0.05 < len(misread) / work < 0.2
    assert clean_print_examples(fold, argparse.Namespace(sparse_chars=0, sparse_rate=0.1, k=5), confusion_set(tmp_path),
                                random.Random(0)) == []


def test_pattern_stage_changes_are_counted_apart_from_the_lms_edits(lm, tmp_path):
    """A traditional form the variant stage changes has probability 1.0, above every threshold: among the LM's
    edits its errors would be charged to each one (a FASPell fit fell to 0.998 so); it is the stage's, counted
    as a rule's change is."""
    from ocrfix.training.calibrate import calibration_texts
    from ocrfix.training.fit import Labeled

    quoted = "我們今天在北京开会。他们在上海学习。"  # the writer's own form: changing it is an error
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=SOFT, inventory=INVENTORY,
                          variants={"們": "们"})
    assert [e.sources for e in corrector.correct(quoted, reflow=False).edits] == [("variant",)]
    (text,) = calibration_texts(corrector, [Labeled(quoted, tuple(quoted), "faspell", "line")], clean=False, low=0.3)
    assert text.edits == () and text.rule_changes == 1
