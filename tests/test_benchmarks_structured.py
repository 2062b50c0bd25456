"""RapidOCR's lines as a page document (benchmarks.structured.rapidocr_document)."""
from benchmarks.structured import rapidocr_document
from ocrfix.formats import char_confidences, reflow_document


def line(text: str, score: float, confs: list[float], y: int = 0) -> dict:
    chars = [[ch, conf, [10 * i, y, 10 * i + 10, y + 12]] for i, (ch, conf) in enumerate(zip(text.replace(" ", ""), confs))]
    return {"text": text, "score": score, "box": [0, y, 10 * len(text), y + 12], "chars": chars}


def test_each_character_keeps_its_probability_and_each_word_the_lines_score():
    doc = rapidocr_document([line("中国人民", 0.9, [0.99, 0.5, 0.98, 0.97]), line("GDP 增长", 0.8, [0.9] * 5, y=20)])
    assert doc.text().split() == ["中国人民", "GDP", "增长"]
    assert char_confidences(doc, word_level=False) == [0.99, 0.5, 0.98, 0.97, 0.9, 0.9, 0.9, 0.9, 0.9]
    words = list(doc.words())
    assert [w.conf for w in words] == [0.9, 0.8, 0.8] and words[1].box == (0, 20, 30, 32)
    assert reflow_document(doc).text.replace("\n", "").startswith("中国人民")


def test_a_line_whose_characters_do_not_match_its_text_has_only_its_score():
    bad = line("中国人民", 0.7, [0.99, 0.5, 0.98])  # one character box short
    (word,) = rapidocr_document([bad]).words()
    assert word.char_confs is None and word.conf == 0.7 and char_confidences(rapidocr_document([bad])) == [0.7] * 4


def test_a_split_with_no_pages_is_one_line_not_a_table_of_zeros(tmp_path, monkeypatch, capsys):
    """A split not generated yet says so (and how to generate it) and exits 1."""
    from benchmarks import structured

    monkeypatch.setattr(structured, "PAGES", tmp_path)
    assert structured.main(["--split", "eval", "--out", str(tmp_path / "s.json")]) == 1
    assert "no generated pages in " in capsys.readouterr().err and not (tmp_path / "s.json").exists()
