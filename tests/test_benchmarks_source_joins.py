"""benchmarks.source_joins and the insertion counts: a mark where the page generator ran a source headline into the
text without one is counted apart."""
import json
import lzma
from types import SimpleNamespace

from benchmarks.length_classes import (AT_JOIN, WRONG_KINDS, class_changes, insertion_kind, insertions_by_stage,
                                       insertions_table, measure, table)
from benchmarks.source_joins import is_headline, joined_breaks, page_joins
from ocrfix.correction.edits import Edit

HEAD = "习近平会见中国女排代表"
DATELINE = "新华社北京9月30日电 习近平会见女排代表。"  # a space inside a sentence: no headline's
#: A further report's headline, longer than a title: its phrases set apart by spaces, no mark at its end.
LONG_HEAD = "中央农村工作会议在北京举行 习近平对做好三农工作作出重要指示 强调锚定建设农业强国目标 李强出席会议并讲话"
SENTENCE = "会议指出，今年农业生产形势良好。"
SOURCE = [HEAD, DATELINE, LONG_HEAD, SENTENCE, "另一个标题不到四十个字", "下一篇报道的正文第一句。"]
BODY = "新华社北京9月30日电习近平会见女排代表。" + LONG_HEAD.replace(" ", "")
GT = f"{HEAD}\n\n{BODY}\n{SENTENCE}\n"  # two paragraphs, as the generator writes them
AFTER_HEAD = len(HEAD) + len(BODY) - len("李强出席会议并讲话")  # before 李强: a space of the long headline


def page(tmp_path, gt=GT, meta=True):
    data = tmp_path / "data"
    (data / "news").mkdir(parents=True, exist_ok=True)
    with lzma.open(data / "news" / "src.txt.xz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(SOURCE) + "\n")
    (tmp_path / "p.gt.txt").write_text(gt, encoding="utf-8")
    (tmp_path / "p.ocr.txt").write_text(gt, encoding="utf-8")
    if meta:
        (tmp_path / "p.meta.json").write_text(json.dumps({"source": "news/src.txt.xz", "source_line": 1}), encoding="utf-8")
    return data


def test_a_headline_ends_without_a_mark_and_has_no_clause_mark_outside_its_quotes():
    assert is_headline(LONG_HEAD) and is_headline("让亿万农民吃上“定心丸”") and is_headline("《求是》")
    assert is_headline("“坚守在一线，是对祖国最长情的告白”") and is_headline("关注伊拉克乱局：民主繁荣未兑现 伊战留下“烂摊子”")
    assert not any(map(is_headline, (SENTENCE, "他说：“好。”", "第一，", ".", "”")))
    assert not is_headline("以“非接触式”服务为代表的公共服务新模式，也能让服务链条变得更加公开、透明、可追溯")  # a stop left out


def test_breaks_joined_without_a_mark_are_an_unmarked_line_s_end_and_its_spaces():
    start = len(DATELINE) - 1  # its space dropped, not counted: a sentence's, not a headline's
    assert joined_breaks([DATELINE, LONG_HEAD, SENTENCE]) == [start + 13, start + 29, start + 41, start + 50]
    assert joined_breaks([DATELINE, SENTENCE]) == []


def test_a_page_s_joins_are_offsets_of_its_whitespace_free_ground_truth(tmp_path):
    data = page(tmp_path)
    joins = page_joins(tmp_path / "p.gt.txt", data)
    text = "".join(GT.split())
    assert sorted(text[j - 2:j + 2] for j in joins) == ["举行习近", "指示强调", "目标李强", "讲话会议"]
    assert AFTER_HEAD in joins


def test_the_page_s_end_is_no_join_and_pages_without_their_source_have_none(tmp_path):
    data = page(tmp_path, gt=f"{HEAD}\n\n{BODY}\n")  # the page ends with the long headline: nothing follows it
    assert len(page_joins(tmp_path / "p.gt.txt", data)) == 3 and AFTER_HEAD in page_joins(tmp_path / "p.gt.txt", data)
    assert page_joins(tmp_path / "p.gt.txt", tmp_path / "elsewhere") is None  # corpus file not found
    page(tmp_path, gt=GT.replace("会议指出", "会议强调"))  # not the story's text
    assert page_joins(tmp_path / "p.gt.txt", data) is None
    (tmp_path / "p.meta.json").unlink()
    assert page_joins(tmp_path / "p.gt.txt", page(tmp_path, meta=False)) is None


def insert(at, mark, stage="rule:line-end-mark"):
    return Edit(at, "", mark, 1.0, (stage,), at)


def test_a_mark_at_a_headline_run_into_the_text_is_counted_apart(tmp_path):
    data = page(tmp_path)
    joins = page_joins(tmp_path / "p.gt.txt", data)
    source = GT.replace(f"{HEAD}\n\n", "")  # what the OCR read of the body, no error
    at_join, elsewhere = source.index("李强"), source.index("会见") + 2
    assert insertion_kind(source, insert(at_join, "，"), GT, joins) == AT_JOIN
    assert insertion_kind(source, insert(at_join, "，"), GT) == WRONG_KINDS[1]  # no joins given: as before
    assert insertion_kind(source, insert(elsewhere, "，"), GT, joins) == WRONG_KINDS[1]
    counts = class_changes(source, source[:elsewhere] + "，" + source[elsewhere:at_join] + "，" + source[at_join:], GT, joins)
    assert counts["insertions wrong"] == 2 and counts[f"insertions wrong, {WRONG_KINDS[1]}"] == 2
    assert counts[f"insertions wrong, {AT_JOIN}"] == 1


def test_the_insertion_tables_give_the_joins_and_the_ratio_with_and_without_them(tmp_path):
    data = page(tmp_path)
    source = GT.replace(f"{HEAD}\n\n", "")
    at_join, elsewhere, end = source.index("李强"), source.index("会见") + 2, source.index("会议指出")
    edits = (insert(at_join, "，"), insert(elsewhere, "，"), insert(end, "。", "rule:final-period"))
    fake = SimpleNamespace(correct=lambda text: SimpleNamespace(source=source, edits=edits))
    counts, wrong, unsourced = insertions_by_stage(fake, [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")], data)
    assert unsourced == 0
    assert counts == {("rule:line-end-mark", AT_JOIN): 1, ("rule:line-end-mark", WRONG_KINDS[1]): 1,
                      ("rule:final-period", AT_JOIN): 1}
    assert [w[2] for w in wrong] == [AT_JOIN, WRONG_KINDS[1], AT_JOIN]
    rows = insertions_table(counts, unsourced, 1)
    assert "| rule:line-end-mark | 0 | 0 | 2 | 1 | 20.0 / 10.0 |" in rows and "| all | 0 | 0 | 3 | 2 | 30.0 / 10.0 |" in rows
    assert "no source lines" not in rows


def test_the_pages_table_counts_the_joins_and_notes_pages_without_their_source(tmp_path):
    data = page(tmp_path)
    output = GT.replace("举行", "举行。").replace("会见女排", "会见，女排")
    fake = SimpleNamespace(correct=lambda text: SimpleNamespace(text=output))
    counts = measure(fake, [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")], data)
    assert counts["insertions wrong"] == 2 and counts[f"insertions wrong, {AT_JOIN}"] == 1
    rows = table("set", 1, [("shipped", counts)])
    assert f"| | ... of which {AT_JOIN} | | shipped | | 1 |" in rows
    assert "| | wrong insertions per 10 right, with / without those | | shipped | | 20.0 / 10.0 |" in rows
    assert "no source lines" not in rows
    unsourced = measure(fake, [(tmp_path / "p.ocr.txt", tmp_path / "p.gt.txt")], tmp_path / "elsewhere")
    assert unsourced[f"insertions wrong, {AT_JOIN}"] == 0 and unsourced["insertions wrong"] == 2
    assert table("set", 1, [("shipped", unsourced)]).endswith(f"none of their insertions is counted {AT_JOIN}.")


def test_a_whole_page_s_stories_are_looked_up_in_the_corpus_and_their_marks_at_joins_counted(tmp_path):
    from benchmarks.source_joins import StoryIndex
    from benchmarks.story_errors import page_census, report

    data = page(tmp_path)
    index = StoryIndex(data, ["news/src.txt.xz", "news/missing.txt.xz"])
    stories = [{"headline": HEAD, "paragraphs": [BODY, SENTENCE]},
               {"headline": "上海天气很好", "paragraphs": ["上海今天天气很好，市民纷纷外出游玩散步。"]}]  # in no corpus file
    assert index.joins(HEAD, [BODY, SENTENCE], len(HEAD)) == page_joins(tmp_path / "p.gt.txt", data)
    source = "\n".join([HEAD, BODY, SENTENCE, "上海天气很好", "上海今天天气很好，市民纷纷外出游玩散步。"])
    output = source.replace("举行", "举行。").replace("会见女排", "会见，女排").replace("纷纷外出", "纷纷，外出")
    corrector = SimpleNamespace(inventory=set(), candidates=SimpleNamespace(table={}), context=None)
    counts = page_census(stories, source, output, corrector, index)
    assert counts["joins", "extra marks introduced"] == 1 and counts["joins", "unsourced"] == 1
    assert counts["joins", "stories"] == 2
    assert counts["joins", "places"] == 4
    assert report(counts).endswith(f"Extra marks introduced {AT_JOIN}: 1 (of 3 errors introduced; 4 such places in the "
                                   "stories); stories not found in the corpus files, none of their marks counted there: 1 of 2.")
    assert ("joins", "stories") not in page_census(stories, source, output, corrector)
