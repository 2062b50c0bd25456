"""benchmarks.habits: the habit table fitted on each profile's OCR pages, and what it picks per directory."""
import json
import math

import pytest

from benchmarks.habits import main
from ocrfix.engine_habits import load_habits

# the same sentence as two engines write it: A spaces digits off and writes half-width marks
A_LINE = "会议于10月 9日召开,代表们(共236 件)提出建议;大家认为:这很好。\n"
B_LINE = "会议于10月9日召开，代表们（共236件）提出建议；大家认为：这很好。\n"


def _pages(directory, texts: list[str]):
    directory.mkdir(parents=True)
    for k, text in enumerate(texts):
        (directory / f"p{k}.ocr.txt").write_text(text, encoding="utf-8")
    (directory / "p0.gt.txt").write_text(B_LINE, encoding="utf-8")  # not OCR: not counted
    return directory


def test_fit_writes_the_table_and_its_manifest_and_picks_counts_each_directorys_pages(tmp_path, capsys):
    a = _pages(tmp_path / "a", [A_LINE * 20, A_LINE * 20])
    _pages(tmp_path / "b" / "l1", [B_LINE * 20])  # found under its directory, as the levels of a split
    out = tmp_path / "habits.json"
    main(["fit", "--profile", "a", str(a), "--profile", "b", str(tmp_path / "b"), "-o", str(out)])
    assert capsys.readouterr().out == "a: 2 pages\nb: 1 pages\n"
    model = load_habits(out)
    assert set(model.rates) == {"a", "b"} and model.rates["a"]["space"] > model.rates["b"]["space"]
    manifest = json.loads(out.with_name("habits.json.build.json").read_text(encoding="utf-8"))
    assert manifest["command"][3:] == ["fit", "--profile", "a", str(a), "--profile", "b", str(tmp_path / "b"),
                                       "--odds", "500", "-o", str(out)]
    assert model.margin == pytest.approx(math.log(500), abs=1e-3)
    loose = tmp_path / "loose.json"  # another likelihood ratio for the pick
    main(["fit", "--profile", "a", str(a), "--profile", "b", str(tmp_path / "b"), "--odds", "20", "-o", str(loose)])
    capsys.readouterr()
    assert load_habits(loose).margin == pytest.approx(math.log(20), abs=1e-3)
    mixed = _pages(tmp_path / "mixed", [A_LINE * 10, B_LINE * 10, "我们在北京工作。\n"])  # the last too short to tell
    main(["picks", str(mixed), str(a), "--habits", str(out), "--default", "a"])
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "| pages | count | a (default) | other profiles: pages, median log-odds |"
    odds = model.pick(B_LINE * 10, "a").log_odds
    assert rows[2:] == [f"| {mixed} | 3 | 2 | b 1 ({odds:.1f}) |", f"| {a} | 2 | 2 | none |"]
