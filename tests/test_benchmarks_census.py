from benchmarks.error_census import error_kinds


def test_error_kinds_sorts_the_differences_by_kind():
    kinds = error_kinds("我们在比亰工作，他门  在上海海学习 .", "我们在北京工作。他们在上海学习。")
    assert kinds == {"Han run": 2, "punct/mixed 1:1": 2, "Han 1:1": 1, "Han extra": 1}
    assert error_kinds("我们在北京工作，", "我们在北京工作,") == {}  # widths folded, spaces ignored
    assert error_kinds("我们北京", "我们在北京") == {"Han missing": 1}
