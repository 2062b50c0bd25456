"""benchmarks.backward_marks: a backward LM trained on reversed lines scores text as read right to left."""
from benchmarks.backward_marks import ReversedLM, reversed_lines, site


def test_reversed_lines_reverse_each_lines_tokens():
    assert reversed_lines(["我 们 , 好", "a 0 。"]) == ["好 , 们 我", "。 0 a"]


def test_a_backward_model_of_reversed_text_scores_the_text_as_its_forward_twin_does(tmp_path):
    from test_correct_fixtures import CORPUS, load_lm, write_arpa

    corpus = CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3
    forward = load_lm(write_arpa(tmp_path / "f.arpa", corpus))
    backward = ReversedLM(load_lm(write_arpa(tmp_path / "b.arpa", ["".join(reversed(line)) for line in corpus])))
    seen, scrambled = list("他们都在认真学习。"), list("习学真认在都们他。")
    assert abs(backward.score_tokens(seen) - forward.score_tokens(seen)) < 1.0
    assert backward.score_tokens(seen) > backward.score_tokens(scrambled) + 3.0
    # at a line end that lost its stop, both read the mark the same way
    lost = site(forward, backward, "他们都在认真学习他们今天在北京开会。", 8, "。")
    assert lost.mark == "。" and lost.lost and lost.agree and lost.gain > 0 and lost.backward_gain > 0
