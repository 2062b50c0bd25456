"""The clean-print probes: OCR substitutions put back into the ground truth, and their scoring."""
import random

from benchmarks.clean_print import Probe, put_back, score, substitutions
from ocrfix.correction.edits import Edit


def test_substitutions_are_single_han_for_han_replacements_at_gt_offsets():
    gt = "我们在北京工作，今天天气很好。"
    ocr = "我们在比京工乍，今天天气很好.x"  # two Han misreadings, a mark for a mark, an insertion
    assert substitutions(gt, ocr) == [(3, "比"), (6, "乍")]


def test_put_back_keeps_the_rate_and_changes_nothing_else():
    gt = "我们在北京工作今天天气很好" * 20
    ocr = gt.replace("京", "景")  # 20 substitutions among 260 Han characters
    probe = put_back(gt, ocr, 0.02, random.Random(0))  # expected 5.2
    assert probe.errors in (5, 6) and probe.truth == gt
    assert all(probe.text[i] == "景" and true == "京" for i, true in enumerate(gt) if probe.text[i] != true)
    assert len(probe.text) == len(gt)
    assert put_back(gt, ocr, 1.0, random.Random(0)).errors == 20  # no more than the OCR has


class _Fixed:
    def __init__(self, edits):
        self.edits = edits

    def correct(self, text, reflow):
        return type("R", (), {"edits": self.edits})


def test_score_tells_fixes_wrong_fixes_and_edits_of_right_text():
    probe = Probe("比京工乍", "北京工作")
    edits = [Edit(0, "比", "北", 0.9, ("visual",), 0), Edit(3, "乍", "怎", 0.9, ("visual",), 3),
             Edit(1, "京", "景", 0.9, ("pinyin",), 1)]
    assert score(_Fixed(edits), [probe]) == (1, 1, 1)


def test_pages_not_generated_are_one_line_not_a_traceback(monkeypatch, capsys):
    """Run before the evaluation pages are generated, the probe says so in one line and exits 1."""
    from benchmarks import clean_print, sets
    from ocrfix.errors import InputError

    def no_pages(root, split, limit=None):
        raise InputError(f"no generated pages in {root / split} (run: python -m benchmarks.generate --split {split})")

    monkeypatch.setattr(sets, "generated_pages", no_pages)
    assert clean_print.main([]) == 1
    assert capsys.readouterr().err.startswith("clean_print: no generated pages in ")
