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
    def run(seconds: float, cpu: float, steady: float) -> dict[str, float]:
        return {"seconds": seconds, "cpu_s": cpu, "worker_rss_mb": 300.0, "startup_s": 1.0, "load": 2.0,
                "steady_chars_s": steady}

    results = {"jobs:1": [run(10, 10, 1000), run(12, 12, 1200)], "jobs:2": [run(6, 12, 2000), run(6, 12, 2000)],
               "dask:1": [run(11, 11, 1000), run(11, 11, 1000)], "dask:2": [run(5.5, 11, 1900), run(5.5, 11, 1900)]}
    table = report(11_000, 4, results)
    assert "| `--jobs 2` | 6.0 | 1,833 | 1.83x | 2,000 | 1.82x | 917 |" in table
    assert "| `--dask local:2` | 5.5 | 2,000 | 2.00x | 1,900 | 1.90x | 1,000 |" in table
    assert table.endswith("Dask 2 workers against --jobs 2: 0.92x the time.")


def test_burn_spends_the_cpu_it_is_asked_for_in_its_own_thread():
    from benchmarks.scale import burn

    thread, process = burn(0.05)
    assert thread >= 0.05 and process >= thread - 0.01  # clocks of slightly different resolution


def test_steady_rate_leaves_out_the_first_file_and_the_time_before_it():
    from benchmarks.scale import steady_rate, stamped

    assert steady_rate([500, 100, 300], [4.0, 5.0, 6.0]) == 200.0
    assert steady_rate([500], [4.0]) == 0.0
    stamps: list[float] = []
    run = stamped(lambda jobs, options, on_error="skip": iter(jobs), stamps)
    assert list(run(["a", "b"], None)) == ["a", "b"] and len(stamps) == 2 and stamps[0] <= stamps[1]
