"""Benchmark set adapters, corpus articles, line breaking and the RESULTS.md section update."""
from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings, strategies as st

from benchmarks import report, sets
from benchmarks.corpus import group_paragraphs, is_title, pick_article, print_form, stories
from benchmarks.typeset import CLOSING, INDENT, OPENING, break_lines, font
from ocrfix.errors import InputError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_faspell_pairs_and_limit(tmp_path):
    write(tmp_path / "faspell_ocr" / "ocr_test_1000.txt", "1\t有身子\t有鼻子\n0\t你好\t你好\n")
    pairs = sets.faspell(tmp_path)
    assert [(p.erroneous, p.gold) for p in pairs] == [("有身子", "有鼻子"), ("你好", "你好")]
    assert len(sets.faspell(tmp_path, limit=1)) == 1


def test_faspell_malformed_line_is_input_error(tmp_path):
    write(tmp_path / "faspell_ocr" / "ocr_test_1000.txt", "1\t只有两列\n")
    with pytest.raises(InputError, match="expected 3"):
        sets.faspell(tmp_path)


def test_sighan15_line_aligned_and_length_mismatch(tmp_path):
    base = tmp_path / "sighan_csc_simplified" / "pairs_onebula"
    write(base / "test15_error.txt", "我朋唷\n你好\n")
    write(base / "test15_correct.txt", "我朋友\n你好\n")
    assert [(p.erroneous, p.gold) for p in sets.sighan15(tmp_path)] == [("我朋唷", "我朋友"), ("你好", "你好")]
    write(base / "test15_correct.txt", "我朋友\n")
    with pytest.raises(InputError, match="lines"):
        sets.sighan15(tmp_path)


def test_lemon_removes_the_character_separators(tmp_path):
    write(tmp_path / "lemon_csc" / "lemon_v2" / "new.txt", "晓 龙 8 4 5\t骁 龙 8 4 5\n")
    assert sets.lemon_news(tmp_path)[0] == sets.SentencePair("lemon-0", "晓龙845", "骁龙845")


def test_missing_set_file_is_input_error(tmp_path):
    with pytest.raises(InputError):
        sets.lemon_news(tmp_path)


def test_generated_pages_grouped_by_level(tmp_path):
    write(tmp_path / "eval" / "l2" / "p.ocr.txt", "标题\n\n正文")
    write(tmp_path / "eval" / "l2" / "p.gt.txt", "标题\n\n正文\n")
    [page] = sets.generated_pages(tmp_path, "eval")
    assert (page.name, page.group, page.ocr) == ("p", "eval-l2", "标题\n\n正文")
    with pytest.raises(InputError, match="benchmarks.generate"):
        sets.generated_pages(tmp_path, "train")


def test_print_form_and_titles():
    assert print_form("记者 杜一菲(北京)：２０１９年,好!") == "记者杜一菲（北京）：2019年，好！"
    assert is_title("习近平会见国际奥委会主席巴赫") and not is_title("双方要进一步对接发展战略。")


def test_stories_stop_at_the_next_title(tmp_path):
    lines = ("会议在北京隆重召开", "第一句话。", "第二句话。", "另一条新闻的标题", "别的内容。")
    assert stories(lines) == ((0, 3, 10), (3, 5, 5))
    article = pick_article(lines, "src", min_chars=8, slot=0, shuffle_seed=1)
    assert article.headline == "会议在北京隆重召开" and "".join(article.paragraphs) == "第一句话。第二句话。"
    with pytest.raises(InputError):
        pick_article(lines, "src", min_chars=100, slot=0, shuffle_seed=1)


def test_group_paragraphs_keeps_every_sentence_in_order():
    sentences = [f"第{i}句。" for i in range(17)]
    paragraphs = group_paragraphs(sentences, random.Random(3))
    assert "".join(paragraphs) == "".join(sentences)
    assert all(2 <= p.count("。") <= 5 for p in paragraphs[:-1])


han = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)
unit = st.one_of(han, han, han, st.sampled_from(list("，。、；：“”《》（）")), st.sampled_from(["2019", "5G", "10"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(unit, min_size=1, max_size=80), st.integers(12, 14), st.booleans())
@example(units=["一"] * 6 + ["2019", "“", "“"] + ["2019"] * 5, cells=12, hang=True)  # opening marks before a too-wide unit
def test_break_lines_keeps_text_and_rules(units, cells, hang):
    paragraph = "".join(units)
    fnt = font("song", 20)
    lines = break_lines(paragraph, 20.0, cells, fnt, hang)
    assert "".join(lines) == INDENT + paragraph  # nothing lost, nothing added
    for line in lines[:-1]:
        assert line[-1] not in OPENING or set(line) <= set(OPENING)
    assert not any(line[0] in CLOSING for line in lines[1:])  # closing punctuation hangs instead
    wide = [sum(1 for ch in line if ord(ch) >= 0x2000 and ch not in CLOSING) for line in lines]
    assert max(wide) <= cells


def test_a_closing_mark_that_does_not_fit_hangs_or_takes_the_character_before_it_along():
    fnt = font("song", 20)
    paragraph = "一二三四五六七八九十，甲乙。"  # after the two-cell indent, the comma falls in cell 13 of 12
    assert break_lines(paragraph, 20.0, 12, fnt) == [INDENT + "一二三四五六七八九十，", "甲乙。"]
    assert break_lines(paragraph, 20.0, 12, fnt, hang=False) == [INDENT + "一二三四五六七八九", "十，甲乙。"]
    quoted = "一二三四五六七八“九”，甲乙。"  # the opening quote goes along with the character after it
    assert break_lines(quoted, 20.0, 12, fnt, hang=False) == [INDENT + "一二三四五六七八", "“九”，甲乙。"]


def test_update_section_replaces_only_its_own_block(tmp_path):
    md = tmp_path / "RESULTS.md"
    md.write_text("# Results\n\n## Reflow\n\nkeep me\n", encoding="utf-8")
    report.update_section(md, "first")
    report.update_section(md, "second")
    text = md.read_text(encoding="utf-8")
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count(report.HEADING) == 1


def test_the_pages_table_names_the_command_that_made_the_pages_on_disk():
    """A split generated with fewer pages than ``pages.toml`` asks is listed with the ``--pages`` that makes
    it again (the first pages of each level are the same pages); one generated in full, without."""
    from benchmarks.generate import load_config

    asked = load_config()["splits"]["train"]["pages"]
    summary = {"l1": {"pages": asked // 2, "gt_chars": 1000, "mean_cer": 0.01}}
    table = report.pages_table({"train": {"config": "pages.toml", "summary": summary},
                                "eval": {"config": "pages.toml", "summary": {
                                    "l1": {"pages": load_config()["splits"]["eval"]["pages"], "gt_chars": 9, "mean_cer": 0.0}}}})
    assert f"| train | l1 | {asked // 2} | 1,000 | 1.00% | `python -m benchmarks.generate --split train --pages {asked // 2}` |" in table
    assert "`python -m benchmarks.generate --split eval` |" in table
