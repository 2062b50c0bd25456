"""A sentence set split by whether its ground truth is among the training file's, each part scored apart."""
from benchmarks.score import Item, Tally, _sentence_tally
from benchmarks.seen_text import scores, split


def test_lines_whose_gold_the_training_file_holds_are_scored_apart():
    items = [Item(str(i), "faspell", "sentence", src, gold) for i, (src, gold) in enumerate(
        [("我们在北京工乍", "我们在北京工作"), ("他们在上海土作", "他们在上海工作"), ("今天天气很女", "今天天气很好")])]
    parts = split(items, ["我们在北京工作\n", "大家都在认真工作"])
    assert [i.id for i in parts["seen"]] == ["0"] and [i.id for i in parts["unseen"]] == ["1", "2"]
    # one fix on the seen line; on the unseen ones a fix and a wrong edit of a right character
    seen = _sentence_tally(items[0], "我们在北京工作")
    unseen = _sentence_tally(items[1], "他们在上海工作") + _sentence_tally(items[2], "今夫天气很好")
    assert scores(seen) == "P 1.000, R 1.000, F1 1.000 (1 / 0)"
    assert scores(unseen) == "P 0.667, R 1.000, F1 0.800 (2 / 1)"
    assert scores(Tally()) == "P 0.000, R 0.000, F1 0.000 (0 / 0)"
