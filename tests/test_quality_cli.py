"""The estimated OCR CER of each file of `ocrfix correct` (--stats, --quality), and `ocrfix train quality`."""
import json
import random
from dataclasses import replace

from ocrfix.cli import main
from ocrfix.quality import QualityModel
from test_batch_logs import make_pages, records
from test_correct_fixtures import CORPUS


def test_each_file_gets_an_estimate_in_the_stats_and_the_run_a_summary(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 4)
    quality = tmp_path / "q.json"
    quality.write_text(QualityModel({"log_edits": 1.0}, 0.5, 0.002, (-0.2, 0.2), min_tokens=5).to_json(), encoding="utf-8")
    stats = tmp_path / "stats.jsonl"
    args = [a for a in models if a != "--quiet"]
    assert main(["correct", str(src), "-r", "--out-dir", str(tmp_path / "out"), "--stats", str(stats), "--quality", str(quality), *args]) == 0
    found = {r["file"]: r for r in records(stats)}
    assert len(found) == 4
    for record in found.values():
        estimate = record["quality"]
        assert 0.0 <= estimate["range"][0] <= estimate["estimated_cer"] <= estimate["range"][1] <= 1.0
    # the estimate grows with the share of the text the corrector found wrong
    by_share = sorted(found.values(), key=lambda r: r["edits"] / r["chars"])
    assert by_share[0]["quality"]["estimated_cer"] < by_share[-1]["quality"]["estimated_cer"]
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("ocrfix: estimated OCR CER, median of 4 files ") and last.endswith(" (each file's in --stats)")
    one = sorted(src.rglob("*.txt"))[1]
    assert main(["correct", str(one), "-o", str(tmp_path / "one.txt"), "--quality", str(quality), *args]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("ocrfix: estimated OCR CER ") and ", corrected" not in last
    both = tmp_path / "both.json"
    model = QualityModel.load(quality)
    both.write_text(replace(model, corrected=replace(model, intercept=0.0)).to_json(), encoding="utf-8")
    stats2 = tmp_path / "stats2.jsonl"
    assert main(["correct", str(one), "-o", str(tmp_path / "one2.txt"), "--quality", str(both), "--stats", str(stats2), *args]) == 0
    assert ", corrected " in capsys.readouterr().err.strip().splitlines()[-1]
    (record,) = records(stats2)
    assert record["quality"]["corrected"]["estimated_cer"] < record["quality"]["estimated_cer"]


def test_no_estimate_for_an_lm_the_shipped_model_was_not_fitted_for_and_a_bad_model_refused(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 2)
    stats = tmp_path / "stats.jsonl"
    assert main(["correct", str(src), "-r", "--out-dir", str(tmp_path / "out"), "--stats", str(stats), *models]) == 0
    assert all("quality" not in r for r in records(stats))
    bad = tmp_path / "bad.json"
    bad.write_text('{"weights": {"perplexity": 2}}', encoding="utf-8")
    assert main(["correct", str(src), "-r", "--out-dir", str(tmp_path / "out2"), "--quality", str(bad), *models]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a page quality model" in err[0]
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


def test_train_quality_fits_a_model_on_page_pairs_for_its_lm(models, tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    rng = random.Random(3)
    sentences = sorted(set(CORPUS))
    for k in range(14):
        gt = "".join(rng.choice(sentences) for _ in range(10))
        ocr = "".join(rng.choice("乙丙丁") if rng.random() < k / 60 else ch for ch in gt)
        (pages / f"p{k:02d}.gt.txt").write_text(gt + "\n", encoding="utf-8")
        (pages / f"p{k:02d}.ocr.txt").write_text(ocr + "\n", encoding="utf-8")
    out = tmp_path / "q.json"
    assert main(["train", "quality", str(pages), "-o", str(out), *models[:6]]) == 0
    model = QualityModel.load(out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["pages"] == 14 and model.lm.endswith("lm.arpa") and model.corrected is not None
    assert model.weights["logp"] < 0  # the garbled pages read as improbable
    err = capsys.readouterr().err
    assert "fitted on 14 pages; log10(CER" in err and "fitted on 14 pages; log10(corrected CER" in err
    heldout = tmp_path / "eval"
    pages.rename(heldout)
    assert main(["train", "quality", str(heldout), "-o", str(tmp_path / "q2.json"), *models[:6]]) == 2
    assert "held-out evaluation data must never be used" in capsys.readouterr().err


def test_a_file_of_several_pages_gets_an_estimate_for_each_page(models, tmp_path):
    pages = ["我们在北京工作。他们在上海工作。" * 4, "我们在北京工乍。他们在上海工乍。" * 4]
    src = tmp_path / "issue.txt"
    src.write_text("\f".join(page + "\n" for page in pages), encoding="utf-8")
    quality = tmp_path / "q.json"
    quality.write_text(QualityModel({"log_edits": 1.0}, 0.5, 0.002, (-0.2, 0.2), min_tokens=5).to_json(), encoding="utf-8")
    stats = tmp_path / "stats.jsonl"
    assert main(["correct", str(src), "-o", str(tmp_path / "out.txt"), "--stats", str(stats), "--quality", str(quality),
                 *[a for a in models if a != "--no-reflow"]]) == 0
    (record,) = records(stats)
    first, second = record["quality"]["pages"]
    assert first["estimated_cer"] < record["quality"]["estimated_cer"] < second["estimated_cer"]
