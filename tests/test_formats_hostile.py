"""Hostile and inconsistent files (found by mutating the producers' files): a one-line InputError,
or read and converted into every other format without a character changed."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.formats import reflow_document
from ocrfix.formats.fileio import parse_document, write_document
from ocrfix.formats.registry import FORMATS

DATA = Path(__file__).parent / "data"
PRODUCERS = DATA / "producers"
EXPECTED: dict[str, str] = json.loads((PRODUCERS / "expected.json").read_text(encoding="utf-8"))
STRUCTURED = [name for name in EXPECTED if not name.endswith(".txt") or name.startswith("paddle")]
QUAD = [[100, 80], [340, 80], [340, 140], [100, 140]]


def chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def paddle_json(text: str) -> bytes:
    """A PaddleOCR 2.x result of one line (``text`` escaped as JSON writes it)."""
    return json.dumps([[QUAD, [text, 0.9]], [QUAD, ["部署稳定经济大盘", 0.9]]]).encode()


@pytest.mark.parametrize("data, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    (b"[[[[1" + b"0" * 5000 + b', 80], [340, 80], [340, 140], [100, 140]], ["x", 0.9]]]', "number too long"),
])
def test_json_python_cannot_hold_is_a_one_line_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_document(data, "hostile.json")


DOCTYPE = ('<!DOCTYPE html [<!ENTITY word "部署"><!ENTITY secret SYSTEM "file:///etc/hostname">]>\n')


@pytest.mark.parametrize("entity", ["&word;", "&secret;"])
def test_an_xml_entity_the_file_declares_is_refused_not_dropped(entity: str) -> None:
    """Before, the word was read without the entity's text (silently lost), and the file written
    back referred to an entity its DOCTYPE no longer declared (malformed)."""
    data = (PRODUCERS / "tesseract3.hocr").read_text(encoding="utf-8")
    data = data.replace("部署", entity, 1)
    data = data.replace(data[data.index("<!DOCTYPE"):data.index("<html")], DOCTYPE, 1)
    with pytest.raises(InputError, match=f"XML entity {re.escape(entity)} at line"):
        parse_document(data.encode("utf-8"), "entity.hocr")


@pytest.mark.parametrize("name, data, code", [
    ("lone-surrogate.json", paddle_json("经济\ud800新闻"), "U+D800"),  # "\ud800" escaped in the JSON
    ("reversed-pair.json", paddle_json("\udc00\ud83d"), "U+DC00"),
    ("form-feed.json", paddle_json("经济\x0c新闻"), "U+000C"),
    ("noncharacter.json", paddle_json("经济\ufffe新闻"), "U+FFFE"),
    ("control.hocr", (PRODUCERS / "html5.hocr").read_text(encoding="utf-8").replace("部署", "部\x01署", 1).encode(), "U+0001"),
])
def test_a_character_no_xml_file_holds_is_a_one_line_error(name: str, data: bytes, code: str) -> None:
    """Before, such a page was read, and writing it as XML (or, a lone surrogate, as UTF-8 text)
    died with ValueError / UnicodeEncodeError: an internal error of `correct --output-format`."""
    with pytest.raises(InputError, match=re.escape(code)) as refused:
        parse_document(data, name)
    assert "\n" not in str(refused.value)


def test_a_control_character_in_html_hocr_is_one_error_line_from_correct_into_alto(models: list[str], tmp_path: Path,
                                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "control.hocr"
    src.write_text((PRODUCERS / "html5.hocr").read_text(encoding="utf-8").replace("部署", "部\x01署", 1), encoding="utf-8")
    assert main(["correct", str(src), "-o", str(tmp_path / "out.xml"), "--output-format", "alto", *models]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("ocrfix: error: ") and "U+0001" in err[0] and "internal error" not in err[0]
    assert not (tmp_path / "out.xml").exists()


@pytest.mark.parametrize("name, old, new", [
    ("producers/alto-v3-hyp-variants.xml", '<Glyph ID="g1" CONTENT="稳"', '<Glyph ID="g1" CONTENT="隐"'),  # word 稳定
    ("producers/alto-v3-hyp-variants.xml", '<Glyph ID="g1" CONTENT="稳"', '<Glyph ID="g1" CONTENT=""'),
    ("formats/small.page.xml", "<Unicode>早</Unicode></TextEquiv></Glyph>", "<Unicode>日</Unicode></TextEquiv></Glyph>"),  # word 早晨
    ("formats/small.page.xml", "<Unicode>早</Unicode></TextEquiv></Glyph>", "<Unicode>早\ufeff</Unicode></TextEquiv></Glyph>"),
])
@pytest.mark.parametrize("fmt", ["hocr", "abbyy", "gcv"])
def test_glyph_readings_that_disagree_with_their_word_never_replace_it_in_another_format(name: str, old: str, new: str,
                                                                                        fmt: str) -> None:
    """Before, the new file held the glyphs' reading (隐定, 定, 日晨) in place of the word's."""
    data = (DATA / name).read_text(encoding="utf-8")
    assert old in data
    doc = parse_document(data.replace(old, new, 1).encode("utf-8"), name)
    again = parse_document(write_document(doc, fmt), "converted", fmt)
    assert [w.text for w in again.words()] == [w.text for w in doc.words()]


@pytest.mark.parametrize("name", STRUCTURED)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "text"])
def test_every_producer_file_converts_into_every_format_with_its_text(name: str, fmt: str) -> None:
    """Before, a PaddleOCR file with an empty page (no box) could not be written as PAGE XML."""
    doc = parse_document((PRODUCERS / name).read_bytes(), name)
    again = parse_document(write_document(doc, fmt), "converted", fmt)
    assert chars(reflow_document(again).text) == chars(EXPECTED[name])


def test_html_hocr_with_a_tag_name_no_path_can_address_is_a_one_line_error() -> None:
    """Before, the page was read, and writing a correction back died with XPathEvalError: each
    word is found again by its element's path, and the HTML parser had taken "s\\u2028pan" for a tag name."""
    data = (PRODUCERS / "html5.hocr").read_text(encoding="utf-8").replace("<span class='ocr_line'", "<s\u2028pan class='ocr_line'", 1)
    with pytest.raises(InputError, match=r"malformed HTML at line 10: tag name 's\\u2028pan'"):
        parse_document(data.encode("utf-8"), "odd-tag.hocr")


def test_element_paths_are_libxml2s_for_every_element() -> None:
    """The readers' element paths, found in one walk (an XHTML line of 100,000 words took 105 s to read with
    libxml2's ``getpath``, which counts each element's preceding siblings; 3 s now), are libxml2's:
    names, namespaces with and without a prefix (``*``, numbered among all siblings), comments and
    processing instructions between elements, namesakes numbered, an only child not."""
    from lxml import etree

    from ocrfix.formats.xmlutil import ElementPaths, parse_markup

    mixed = (b'<r xmlns:a="urn:a" xmlns:b="urn:b"><x/><!-- c --><a:x/><x/><y xmlns="urn:d"><z/><z/><?pi x?><a:z/></y>'
             b'<b:x/><a:x/><q xmlns="urn:e"/></r>')
    trees = [etree.ElementTree(etree.fromstring(mixed))]
    trees += [parse_markup(p.read_bytes(), p.name) for d in (DATA / "formats", PRODUCERS) for p in sorted(d.iterdir())
              if p.suffix in (".xml", ".hocr")]
    for tree in trees:
        paths = ElementPaths(tree)
        assert [paths(el) for el in tree.iter() if isinstance(el.tag, str)] == \
               [tree.getpath(el) for el in tree.iter() if isinstance(el.tag, str)]


@pytest.mark.parametrize("old, new", [("level\tpage_num", "levle\tpage_num"), ("\tconf\ttext", "\tconf"), ("word_num\t", "")])
def test_tesseract_tsv_with_a_damaged_header_is_a_one_line_error_not_prose(old: str, new: str) -> None:
    """Before, such a file was read as plain text, and its rows of numbers corrected as prose."""
    data = (PRODUCERS / "tesseract5.tsv").read_text(encoding="utf-8")
    assert data.startswith("level\t")
    with pytest.raises(InputError, match="not Tesseract TSV"):
        parse_document(data.replace(old, new, 1).encode("utf-8"), "damaged.tsv")
