"""What print had at a joined line end, placed by the text either side, and a put-back mark checked against it."""
from benchmarks.line_reach import line_end_truths, put_back_right

GT = "我们在北京工作，他们在上海工作。大家都在认真学习今天的课程。\n"


def test_a_line_end_is_a_dropped_hung_mark_nothing_or_left_out():
    wrapped = "我们在北京工作\n他们在上海工作。\n大家都在认真学\n习今天的课程。\n"
    truths = line_end_truths(wrapped, GT)
    assert [(wrapped[last - 1:last + 1], truth) for last, truth in truths] == [("工作", "dropped"), ("真学", "none")]
    # a line ending in a mark, a misread next line and a tail that occurs twice are left out
    assert line_end_truths("我们在北京工作\n她们在上海工作。\n", GT) == []
    assert line_end_truths("在上海工作。\n大家\n", GT) == []
    assert line_end_truths("上海工作\n大家都在\n", GT + "上海工作大家") == []


def test_a_put_back_mark_is_right_where_print_has_it_after_the_same_characters():
    source = "我们在北京工作他们在上海工作。"
    offset = source.index("他们")
    assert put_back_right(source, offset, "，", GT)
    assert not put_back_right(source, offset, "。", GT)
    assert not put_back_right(source, source.index("北京"), "，", GT)
