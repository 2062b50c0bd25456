"""`ocrfix train measure` on tiny page pairs with the tiny test models: the counts it
reports are those of the pages' known errors."""
from __future__ import annotations

import json

import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.training.measure import main, measure, measure_rules

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa, write_confusions

#: (OCR, ground truth): one misread 作 the tiny corrector fixes, one misread 作 it cannot (its
#: candidates do not include the truth), a clean page, and a page whose only error is a doubled
#: comma (the symbol rules' business).
PAGES = [
    ("我们在北京工乍。\n", "我们在北京工作。\n"),
    ("他们在上海学习。我们在北京开会。\n", "他们在上海学习。我们在北京开会。\n"),
    ("大家都在认真工乍。\n", "大家都在认真工作。\n"),
    ("今天天气很好,，我们在北京开会。\n", "今天天气很好，我们在北京开会。\n"),
]


@pytest.fixture()
def pages(tmp_path):
    root = tmp_path / "pages"
    root.mkdir()
    for k, (ocr, gt) in enumerate(PAGES):
        (root / f"p{k}.ocr.txt").write_text(ocr, encoding="utf-8")
        (root / f"p{k}.gt.txt").write_text(gt, encoding="utf-8")
    return root


@pytest.fixture()
def corrector(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)


def _pairs(root):
    return sorted((p, p.with_name(p.name.replace(".ocr.txt", ".gt.txt"))) for p in root.glob("*.ocr.txt"))


def test_measure_counts_the_errors_fixed_and_left(corrector, pages):
    row = measure(corrector, _pairs(pages))
    assert row["pages"] == 4 and row["threshold"] == WEIGHTS.threshold
    assert row["ocr_errors"] == 3  # two 乍 and the extra comma
    assert row["fixed"] == 3 and row["introduced"] == 0 and row["errors"] == 0
    assert row["cer_reduction"] == 1.0 and row["cer_after"] == 0.0
    assert row["clean_changed"] == 0 and row["clean_chars"] == sum(len(gt) for _, gt in PAGES)


def test_a_threshold_of_one_leaves_the_lm_errors(corrector, pages):
    corrector.threshold = 1.0
    row = measure(corrector, _pairs(pages))
    assert (row["fixed"], row["errors"]) == (1, 2)  # only the symbol rule's fix is left


def test_per_rule_rows_count_each_rule_alone(corrector, pages):
    rows = {row["rule"]: row for row in measure_rules(corrector, _pairs(pages))}
    fired = {name: row for name, row in rows.items() if row["fired"]}
    assert len(fired) == 1
    (row,) = fired.values()
    assert (row["fired"], row["fixed"], row["introduced"], row["clean_fired"]) == (1, 1, 0, 0)


def test_command_prints_one_json_row_per_threshold(tmp_path, pages, capsys):
    models = tmp_path / "m"
    models.mkdir()
    WEIGHTS.save(models / "w.json")
    args = [str(pages), "--model", str(write_arpa(models / "lm.arpa")), "--confusions", str(write_confusions(models / "c.tsv")),
            "--weights", str(models / "w.json")]
    assert main(args + ["--threshold", "0.5", "1.0"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["threshold"] for row in rows] == [0.5, 1.0]
    assert rows[0]["fixed"] >= rows[1]["fixed"] and rows[1]["introduced"] == 0
