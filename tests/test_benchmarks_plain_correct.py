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
