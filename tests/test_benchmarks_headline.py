"""The README's headline table is rendered from benchmarks/results.json and only from it."""
from __future__ import annotations

import json
from dataclasses import asdict

from benchmarks import headline
from benchmarks.score import SystemRun, Tally


def _results(peer: bool) -> dict:
    ours = SystemRun("ocrfix", {
        "eval-l1": Tally(items=2, gt_chars=1000, raw_errors=20, raw_matched=1000, errors=5, matched=1000,
                         fixed=16, introduced=1, clean_changed=1, clean_chars=1000),
        "eval-l2/peer": Tally(items=1, gt_chars=500, raw_errors=20, raw_matched=500, errors=10, matched=500),
    }, 0.5, 300.0)
    runs = [ours]
    if peer:
        runs.append(SystemRun("pycorrector:200", {
            "eval-l1/peer": Tally(items=1, gt_chars=500, raw_errors=10, raw_matched=500, errors=11, matched=500)},
            1.0, 400.0))
    return {"command": "python -m benchmarks.run", "date": "2026-12-03 03:19 UTC", "commit": "abc1234",
            "runs": [asdict(r) for r in runs], "sweep": []}


def test_rows_are_computed_from_the_tallies() -> None:
    table = headline.render(_results(peer=True))
    assert "on 2026-12-03 (commit abc1234)" in table
    assert "| light, l1 (2 %) | 0.5 % | 75.0 % | 16 / 1 | 1 / 1,000 | CER +10.0 % |" in table
    assert "medium" not in table  # no eval-l2 tally of ocrfix: no row
    assert "pycorrector, same LM, on its slice" in table
    assert "pycorrector" not in headline.render(_results(peer=False))


def test_update_rewrites_only_the_marked_table(tmp_path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{headline.BEGIN}\nold table\n{headline.END}\nafter\n", encoding="utf-8")
    assert headline.update(readme, _results(peer=False))
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\nbefore\n") and text.endswith(f"{headline.END}\nafter\n")
    assert "old table" not in text and "75.0 %" in text
    other = tmp_path / "r.json"  # another run's figures: the README no longer matches them
    other.write_text(json.dumps(_results(peer=True)), encoding="utf-8")
    assert headline.main(["--check", "--readme", str(readme), "--results", str(other)]) == 1
    unmarked = tmp_path / "plain.md"
    unmarked.write_text("no markers\n", encoding="utf-8")
    assert not headline.update(unmarked, _results(peer=False))
    assert unmarked.read_text(encoding="utf-8") == "no markers\n"


def test_readme_holds_the_published_results() -> None:
    """Hand-editing the README's table (or committing results.json without re-rendering) fails here."""
    assert headline.main(["--check"]) == 0
