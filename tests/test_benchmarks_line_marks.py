"""benchmarks.line_marks: column lines hang closing marks, and what the OCR lost and got back is counted."""
from benchmarks.line_marks import column_lines, lost_and_back


def test_a_full_line_hangs_its_closing_marks():
    lines = column_lines("他说“认真工作”，很好。", 8)
    assert lines[0] == ("\u3000\u3000他说“认真工", "")
    assert [kept for kept, _ in lines] == ["\u3000\u3000他说“认真工", "作”，很好。"]
    lines = column_lines("我们说“工作”，大家都好。", 8)
    assert lines[0] == ("\u3000\u3000我们说“工作", "”，")  # the full line hangs both marks


def test_lost_and_back_counts_each_lost_character_by_what_it_is():
    gt = "他说“工作”，很好。“学习”也好。"
    ocr = "他说“工作很好。“学习也好。"
    counts = lost_and_back(ocr, "他说“工作”很好。“学习也好。", gt)
    assert counts == {"lost ”": 2, "lost ，": 1, "back ”": 1, "back ，": 0}
    assert lost_and_back(gt, gt, gt) == {}
