"""ABBYY FineReader XML: characters with boxes and confidences grouped into words, the engine
named, corrections (also of length) written back into the charParams, conversion both ways."""
from __future__ import annotations

from pathlib import Path

import pytest
from formats_support import Edit
from lxml import etree

from ocrfix.errors import InputError
from ocrfix.formats import (apply_edits, correct_document, detect_format, output_bytes, parse_document, read_document,
                            reflow_document, write_document)

DATA = Path(__file__).parent / "data" / "formats"
FR10 = "http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml"
FR6 = "http://www.abbyy.com/FineReader_xml/FineReader6-schema-v1.xml"


def char(ch: str, x: int, y: int, start: bool, conf: int = 90) -> str:
    return (f'<charParams l="{x}" t="{y}" r="{x + 40}" b="{y + 40}" wordStart="{"1" if start else "0"}" '
            f'charConfidence="{conf}">{ch}</charParams>')


def line(text: str, y: int, starts: set[int], confs: dict[int, int] | None = None) -> str:
    chars = "".join(char(ch, 100 + 40 * i, y, i in starts, (confs or {}).get(i, 90)) if ch != " " else "<charParams>  </charParams>"
                    for i, ch in enumerate(text))
    return (f'<line baseline="{y + 36}" l="100" t="{y}" r="{100 + 40 * len(text)}" b="{y + 40}">'
            f'<formatting lang="ChinesePRC" ff="SimSun" fs="9.6">{chars}</formatting></line>')


def abbyy(ns: str = FR10, producer: str | None = "ABBYY FineReader Engine 12") -> bytes:
    body = line("春季农贸集市", 100, {0, 2, 4}, {1: 41}) + line("共236 件", 160, {0, 1, 5})
    attr = f' producer="{producer}"' if producer else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><document xmlns="{ns}" version="1.0"{attr} pagesCount="1">'
            f'<page width="1000" height="800" resolution="300"><block blockType="Text" l="100" t="100" r="400" b="200">'
            f'<region><rect l="100" t="100" r="400" b="200"/></region><text><par>{body}</par></text></block>'
            f'<block blockType="Picture" l="500" t="100" r="900" b="600"/></page></document>').encode("utf-8")


class FakeCorrector:
    """Replaces every 季 by 秋, the way ocrfix's Corrector reports edits."""

    def correct(self, text: str, reflow: bool = True, readings=None, wrapped=None, page_chars=None, reaching=None) -> object:
        edits = [Edit(i, "季", "秋") for i, ch in enumerate(text) if ch == "季"]
        return type("Result", (), {"text": text.replace("季", "秋"), "edits": edits, "source": text})()


def test_characters_become_words_with_boxes_confidences_and_the_engine_named() -> None:
    doc = parse_document(abbyy(), "p.xml")
    assert detect_format(abbyy()) == "abbyy" and doc.format == "abbyy"
    assert doc.software == "ABBYY FineReader Engine 12"
    # words at spaces and at ABBYY's word starts between Han characters (not inside 共236: a space would join it)
    assert [[w.text for w in l.words] for l in doc.lines()] == [["春季", "农贸", "集市"], ["共236", "件"]]
    assert [l.text() for l in doc.lines()] == ["春季农贸集市", "共236 件"]
    first = next(doc.words())
    assert first.box == (100, 100, 180, 140) and [g.conf for g in first.glyphs] == [0.9, 0.41]
    assert next(doc.lines()).font_size == pytest.approx(9.6 * 300 / 72)


def test_a_file_without_producer_is_named_abbyy_and_older_schemas_are_read() -> None:
    doc = parse_document(abbyy(FR6, None), "old.xml")
    assert doc.software == "ABBYY FineReader" and [l.text() for l in doc.lines()] == ["春季农贸集市", "共236 件"]


def test_an_unknown_schema_is_refused() -> None:
    with pytest.raises(InputError, match="not a supported FineReader schema"):
        parse_document(abbyy("http://www.abbyy.com/FineReader_xml/FineReader99-schema-v9.xml"), "new.xml")


def test_reading_and_writing_without_edits_keeps_the_file() -> None:
    doc = parse_document(abbyy(), "p.xml")
    assert etree.tostring(etree.fromstring(write_document(doc)), method="c14n") == \
        etree.tostring(etree.fromstring(abbyy()), method="c14n")


def test_a_corrected_character_goes_back_into_its_charparams() -> None:
    done = correct_document(parse_document(abbyy(), "p.xml"), FakeCorrector())
    again = parse_document(output_bytes(done), "o.xml")
    assert [l.text() for l in again.lines()] == ["春秋农贸集市", "共236 件"]
    chars = [el for el in etree.fromstring(output_bytes(done)).iter(f"{{{FR10}}}charParams")]
    assert (chars[1].text, chars[1].get("l"), chars[1].get("charConfidence")) == ("秋", "140", "41")


@pytest.mark.parametrize(("old", "new", "expected"), [("农贸", "农贸市", "春季农贸市集市"), ("集市", "集", "春季农贸集")])
def test_edits_that_change_a_words_length_are_written_back(old: str, new: str, expected: str) -> None:
    doc = parse_document(abbyy(), "p.xml")
    text = doc.text()
    fixed = apply_edits(doc, text, [Edit(text.index(old), old, new)])
    again = parse_document(write_document(fixed), "o.xml")
    assert next(again.lines()).text() == expected


@pytest.mark.parametrize("name", ["onecol.xml", "onecol.hocr", "small.page.xml"])
def test_other_formats_convert_to_abbyy_and_back(name: str) -> None:
    doc = read_document(DATA / name)
    converted = parse_document(write_document(doc, "abbyy"), "out.xml")
    assert converted.format == "abbyy" and converted.software == (doc.software or "ocrfix")
    assert [(l.text(), l.box) for l in converted.lines()] == [(l.text(), l.box) for l in doc.lines()]
    back = parse_document(write_document(converted, "alto"), "back.xml")
    assert [l.text() for l in back.lines()] == [l.text() for l in doc.lines()]


def test_a_file_without_character_attributes_is_read_and_corrected_by_its_formatting_text() -> None:
    data = (f'<document xmlns="{FR10}"><page width="600" height="400"><block blockType="Text" l="0" t="0" r="500" b="200">'
            '<text><par><line l="10" t="10" r="490" b="50"><formatting lang="ChinesePRC">春季农贸集市 236 件</formatting></line>'
            '<line l="10" t="60" r="300" b="100"><formatting lang="ChinesePRC">今天开张</formatting></line></par></text>'
            '</block></page></document>').encode("utf-8")
    doc = parse_document(data, "plain.xml")
    assert [[w.text for w in l.words] for l in doc.lines()] == [["春季农贸集市", "236", "件"], ["今天开张"]]
    assert next(doc.words()).box == (10, 10, 490, 50)
    done = correct_document(doc, FakeCorrector())
    out = etree.fromstring(output_bytes(done))
    assert [f.text for f in out.iter(f"{{{FR10}}}formatting")] == ["春秋农贸集市 236 件", "今天开张"]


def test_a_two_column_page_converted_to_abbyy_keeps_its_words_and_its_reading() -> None:
    """Han words written back to back (no space between them) come back as the same words, so the
    layout still sees the gutter between two columns' words."""
    doc = read_document(DATA / "twocol.hocr")
    converted = parse_document(write_document(doc, "abbyy"), "out.xml")
    assert [w.box for w in converted.words()] == [w.box for w in doc.words()]
    assert reflow_document(converted).text == reflow_document(doc).text


def test_a_deletion_in_one_word_leaves_the_next_word_of_its_line_written_right() -> None:
    """Words of one line share their ``formatting``: a character removed for the first must not move
    where the second's characters are found."""
    doc = parse_document(abbyy(), "p.xml")
    text = doc.text()
    fixed = apply_edits(doc, text, [Edit(0, "春季", "春"), Edit(text.index("集市"), "集市", "秋市")])
    assert next(parse_document(write_document(fixed), "o.xml").lines()).text() == "春农贸秋市"
