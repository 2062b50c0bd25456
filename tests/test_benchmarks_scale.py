"""benchmarks.scale: staged inputs and the throughput table."""
from pathlib import Path

from benchmarks.scale import report, stage_inputs


def test_stage_inputs_copies_every_pages_ocr(tmp_path: Path) -> None:
    for level, text in (("l1", "第一页。\n"), ("l2", "第二页文字。\n")):
        (tmp_path / "pages" / "eval" / level).mkdir(parents=True)
        (tmp_path / "pages" / "eval" / level / f"p-{level}.ocr.txt").write_text(text, encoding="utf-8")
        (tmp_path / "pages" / "eval" / level / f"p-{level}.gt.txt").write_text(text, encoding="utf-8")
    chars = stage_inputs(tmp_path / "pages", "eval", 2, tmp_path / "in")
    assert chars == 2 * (5 + 7)
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == [
        "0-eval-l1-p-l1.txt", "0-eval-l2-p-l2.txt", "1-eval-l1-p-l1.txt", "1-eval-l2-p-l2.txt"]


def test_report_compares_each_engine_with_its_one_worker_run() -> None:
    def run(seconds: float, cpu: float) -> dict[str, float]:
        return {"seconds": seconds, "cpu_s": cpu, "worker_rss_mb": 300.0, "startup_s": 1.0, "load": 2.0}

    results = {"jobs:1": [run(10, 10), run(12, 12)], "jobs:2": [run(6, 12), run(6, 12)],
               "dask:1": [run(11, 11), run(11, 11)], "dask:2": [run(5.5, 11), run(5.5, 11)]}
    table = report(11_000, 4, results)
    assert "| `--jobs 2` | 6.0 | 1,833 | 1.83x | 917 |" in table
    assert "| `--dask local:2` | 5.5 | 2,000 | 2.00x | 1,000 |" in table
    assert table.endswith("Dask 2 workers against --jobs 2: 0.92x the time.")


def test_burn_spends_the_cpu_it_is_asked_for_in_its_own_thread():
    from benchmarks.scale import burn

    thread, process = burn(0.05)
    assert thread >= 0.05 and process >= thread - 0.01  # clocks of slightly different resolution
