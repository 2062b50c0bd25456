from benchmarks.correct_speed import report


def test_report_gives_per_level_and_overall_medians_of_the_runs():
    by_level = {"l1": ["一" * 600, "二" * 400], "l2": ["三" * 500]}  # 1,000 and 500 characters
    runs = [{"l1": 1.0, "l2": 1.0, "load_s": 0.5, "rss_mb": 300.0},
            {"l1": 0.5, "l2": 0.25, "load_s": 0.3, "rss_mb": 320.0},
            {"l1": 2.0, "l2": 0.5, "load_s": 0.4, "rss_mb": 310.0}]
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in report(by_level, runs).splitlines()
            if line.startswith("| l") or line.startswith("| all")}
    assert rows["l1"][1:4] == ["2", "1,000", "1,000"]  # speeds 1,000 / 2,000 / 500: median 1,000
    assert rows["l1"][4] == "500 – 2,000 |"
    assert rows["l2"][3] == "1,000"  # 500 / 2,000 / 1,000
    assert rows["all"][3] == "750"  # 1,500 chars in 2.0 / 0.75 / 2.5 s: 750 / 2,000 / 600
    assert "model load median 0.40 s; peak RSS ≤ 320 MB" in report(by_level, runs)
