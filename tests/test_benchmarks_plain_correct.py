"""benchmarks.plain_correct: errors of whole pages' plain text before and after correction."""
from types import SimpleNamespace

from benchmarks.plain_correct import directory_counts, line

GT = "今天天气很好，我们去公园散步。\n他说明天还要下雨，大家都带了伞。\n"


class FixesQi:
    """A corrector that reflows nothing and corrects 汽 to 气 (and nothing else)."""

    def correct(self, text: str) -> SimpleNamespace:
        return SimpleNamespace(source=text, text=text.replace("汽", "气"))


def _page(directory, name: str, ocr: str, gt_json: bool = True) -> None:
    (directory / f"{name}.gt.txt").write_text(GT, encoding="utf-8")
    (directory / f"{name}.txt").write_text(ocr, encoding="utf-8")
    if gt_json:
        (directory / f"{name}.gt.json").write_text("{}", encoding="utf-8")


def test_each_pages_errors_are_counted_before_and_after_correction_and_summed(tmp_path):
    _page(tmp_path, "a", GT.replace("气", "汽"))  # one error, fixed
    _page(tmp_path, "b", GT.replace("气", "汽").replace("伞", "伫"))  # two, one fixed
    _page(tmp_path, "c", "全然不同的文字。\n", gt_json=False)  # no .gt.json: not a page of the set
    counts = directory_counts(FixesQi(), tmp_path)
    gt_chars = 2 * len(GT.replace("\n", ""))
    assert counts == {"gt chars": gt_chars, "matched": gt_chars, "matched after": gt_chars,
                      "errors": 3, "errors after": 1}
    assert line("D", counts) == (f"D: {gt_chars:,} GT chars, {gt_chars:,} matched ({gt_chars:,} after correction); "
                                 "errors of the reflowed text 3, after correction 1 (-66.7 %)")


def test_the_column_order_is_timed_against_correct_by_the_median_of_each_pages_runs(monkeypatch):
    """A clock that the column order advances by 1, 5, 2 s in turn and correct by 10 s: the
    medians, 2 and 10 s a page, whatever the mean."""
    from benchmarks import plain_correct

    clock, steps = [0.0], iter([1.0, 5.0, 2.0] * 2)
    lm = object()

    def column_stories(text, scorer):
        assert scorer is lm
        clock[0] += next(steps)

    def correct(text):
        clock[0] += 10.0

    monkeypatch.setattr(plain_correct, "process_time", lambda: clock[0])
    monkeypatch.setattr(plain_correct, "column_stories", column_stories)
    assert plain_correct.column_order_time(SimpleNamespace(lm=lm, correct=correct), ["page 1", "page 2"]) == (2.0, 10.0)
