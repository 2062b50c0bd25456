"""benchmarks.clean_domains: paragraphs and pages from sentences, and the split of changes."""
from benchmarks.clean_domains import changed_chars, domain_text
from ocrfix.correction.edits import Edit


def test_sentences_become_paragraphs_up_to_the_size():
    sentences = ["甲" * 120 + "。"] * 10  # 121 characters each
    text = domain_text(sentences, chars=500, paragraph=300)
    paragraphs = text.split("\n")
    assert [len(p) for p in paragraphs] == [363, 363]  # three sentences reach 300; two paragraphs reach 500
    assert domain_text(sentences[:2], chars=500, paragraph=300) == "甲" * 120 + "。" + "甲" * 120 + "。"  # a short rest is kept
    assert domain_text([], chars=500) == ""


def test_han_substitutions_are_told_from_other_changes():
    edits = [Edit(0, "己", "已", 0.99, ("visual",), 0), Edit(5, ".", "，", 1.0, ("rule:dot",), 5),
             Edit(9, "|", "", 1.0, ("rule:bar",), 9), Edit(12, "一", "——", 1.0, ("rule:dash",), 12)]
    assert changed_chars(edits) == (1, 1 + 1 + 2)


def test_full_width_turns_the_ascii_marks_of_web_text_into_print_marks():
    from benchmarks.clean_domains import FULL_WIDTH

    assert "好,我们走吧:今天?是!对;".translate(FULL_WIDTH) == "好，我们走吧：今天？是！对；"


def test_sighan_training_gold_is_read_as_clean_text(tmp_path):
    from benchmarks import sets

    base = tmp_path / "sighan_csc_simplified" / "pairs_onebula"
    base.mkdir(parents=True)
    (base / "train13_correct.txt").write_text("我们在北京工作。\n\n他们在上海学习。 \n", encoding="utf-8")
    assert sets.sighan_train_gold(tmp_path, "train13") == ["我们在北京工作。", "他们在上海学习。"]


def test_lemon_errata_are_corrected_before_the_changes_are_counted():
    from benchmarks import sets
    from benchmarks.score import errata_corrected
    from ocrfix.evaluation import load_errata

    errata = load_errata(sets.LEMON_ERRATA)
    text = "这个故事家喻卢晓。手掌按在膝益骨上。家喻户晓的人。"
    assert errata_corrected(text, errata) == "这个故事家喻户晓。手掌按在膝盖骨上。家喻户晓的人。"
    assert errata_corrected("发生话题", errata) == "发生话题"  # only the misspelling in its context
