"""Files in the shapes other OCR producers write (tests/data/producers, hand-written from the
formats' specifications: Tesseract 3/4, OCRopus, kraken, HTML5 and page-less (``ocr_carea``/``ocr_line`` only) hOCR; ALTO v1 (CCS) to v4 and
without a namespace, in mm10/inch1200 units, with ``Shape`` polygons only, ``HYP`` and variants;
PAGE 2010 to 2019 with text at the region, line, word or glyph level only; ABBYY FineReader 6, 8
and 10; PaddleOCR 2.x/3.x, RapidOCR 1.x/3.x and PaddleOCR label results, as JSON and JSON Lines;
Surya's results.json; Azure Computer Vision Read 3.2, Document Intelligence (the REST response and
the Form Recognizer Python SDK's ``to_dict``) and Image Analysis 4.0 results; Amazon Textract responses (one,
and a list of paginated ones); plain text with BOM, CR line ends, ideographic and zero-width spaces, form feeds, tabs).

For each: no traceback, every character of its text once in the reflow and in ``correct``'s
output (beside the logged edits), and a correction written back in its own format keeps every
coordinate. ``expected.json`` holds the text each file carries.
"""
from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from formats_support import Edit
from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.formats import Block, Box, Document, Line, Page, Word, apply_edits, read_document, reflow_document, write_document
from ocrfix.formats.fileio import parse_document

DATA = Path(__file__).parent / "data" / "producers"
EXPECTED: dict[str, str] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
STRUCTURED = [name for name in EXPECTED if not name.endswith(".txt") or name.startswith("paddle")]


def chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


@pytest.mark.parametrize("name", EXPECTED)
def test_reflow_keeps_every_character_once(name: str) -> None:
    assert chars(reflow_document(read_document(DATA / name)).text) == chars(EXPECTED[name])


@pytest.mark.parametrize("name", EXPECTED)
def test_correct_with_edits_log_keeps_every_character(name: str, models: list[str], tmp_path: Path, capsys) -> None:
    log = tmp_path / "edits.jsonl"
    assert main(["correct", str(DATA / name), "--edits", str(log), "--output-format", "text", *models]) == 0
    out = capsys.readouterr().out
    edits = [e for e in map(json.loads, log.read_text(encoding="utf-8").splitlines()) if "original" in e]
    delta = sum(len(e["replacement"].strip()) - len(e["original"].strip()) for e in edits)
    assert sum(chars(out).values()) == sum(chars(EXPECTED[name]).values()) + delta


def _boxes(doc) -> Counter:
    return Counter((word.box, tuple(g.box for g in word.glyphs)) for word in doc.words())


@pytest.mark.parametrize("name", STRUCTURED)
def test_a_correction_written_back_keeps_the_text_and_every_coordinate(name: str) -> None:
    doc = read_document(DATA / name)
    flow = reflow_document(doc)
    at = flow.text.index("部署")
    fixed = apply_edits(doc, flow.text, [Edit(at, "部", "布")], flow.words)
    again = parse_document(write_document(fixed), name)
    assert again.format == doc.format
    assert chars(reflow_document(again).text) == chars(EXPECTED[name].replace("部署", "布署", 1))
    assert _boxes(again) == _boxes(doc)


def test_page_region_text_is_corrected_in_the_region_and_keeps_the_ocr_reading() -> None:
    doc = read_document(DATA / "page-2019-region-text.xml")
    assert [line.text() for line in doc.lines()] == ["经济新闻", "国务院召开常务会议", "部署稳定经济大盘", "各地区要抓好落实。"]
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)).decode()
    assert "<Unicode>国务院召开常务会议\n布署稳定经济大盘\n各地区要抓好落实。</Unicode>" in out
    assert 'comments="ocrfix: original OCR reading"><Unicode>国务院召开常务会议\n部署稳定经济大盘' in out


def test_older_page_versions_are_written_back_in_their_own_namespace() -> None:
    doc = read_document(DATA / "page-2010-points.xml")
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)).decode()
    assert "2019-07-15" not in out and out.count('index="2"') >= 1


def test_alto_without_namespace_gets_plain_alternatives() -> None:
    doc = read_document(DATA / "alto-none.xml")
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)).decode()
    assert '<String ID="s1_1_0" CONTENT="布署"' in out and "<ALTERNATIVE>部署</ALTERNATIVE>" in out


def test_alto_boxes_from_polygons_and_lines() -> None:
    shapes, no_strings = read_document(DATA / "alto-kraken-shapes.xml"), read_document(DATA / "alto-strings-no-geometry.xml")
    assert [w.box for w in shapes.words()][:2] == [(100, 80, 340, 140), (180, 200, 300, 240)]
    line = list(no_strings.lines())[1]
    assert {w.box for w in line.words} == {line.box}


def test_hocr_words_outside_lines_are_set_into_lines_by_their_boxes() -> None:
    doc = read_document(DATA / "words-no-lines.hocr")
    assert [line.text() for line in doc.lines()] == ["经济新闻", "国务院召开常务会议", "部署稳定经济大盘", "各地区要抓好落实。"]


def test_html5_hocr_is_read_and_written_back_as_html() -> None:
    doc = read_document(DATA / "html5.hocr")
    assert doc.software == "tesseract.js 5"
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)).decode()
    assert out.startswith("<!DOCTYPE html>") and ">布署</span>" in out and "x_ocrfix_original" in out


def test_json_lines_are_written_back_one_page_a_line() -> None:
    for name in ("paddle3-pages.jsonl", "paddle-system-results.txt"):
        doc = read_document(DATA / name)
        flow = reflow_document(doc)
        out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)).decode()
        source = (DATA / name).read_text(encoding="utf-8")
        assert out.count("\n") == source.count("\n") and out.count("布署") == 1 and "ocrfix_original" in out
    assert read_document(DATA / "paddle-system-results.txt").format == "paddle"


def test_google_vision_words_symbols_and_breaks() -> None:
    doc = read_document(DATA / "gcv-response.json")
    assert (doc.format, doc.software) == ("gcv", "Google Cloud Vision")
    assert [line.text() for line in doc.lines()] == ["经济新闻", "国务院召开常务会议", "部署稳定经济大盘", "各地区要抓好落实。"]
    word = next(w for w in doc.words() if w.text == "部署")
    assert word.box == (100, 260, 180, 300) and [g.box for g in word.glyphs] == [(100, 260, 140, 300), (140, 260, 180, 300)]
    assert word.conf == 0.97 and word.glyphs[0].conf == 0.98
    normalized = read_document(DATA / "gcv-pdf-normalized.json")
    assert [w.box for w in normalized.words()] == [w.box for w in doc.words()]  # 0-1 vertices scaled by the page size


def test_google_vision_correction_rewrites_the_symbol_and_the_text() -> None:
    doc = read_document(DATA / "gcv-response.json")
    flow = reflow_document(doc)
    out = json.loads(write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)))
    response = out["responses"][0]
    words = response["fullTextAnnotation"]["pages"][0]["blocks"][1]["paragraphs"][0]["words"]
    fixed = next(w for w in words if "ocrfix_original" in w)
    assert fixed["ocrfix_original"] == "部署" and [s["text"] for s in fixed["symbols"]] == ["布", "署"]
    assert response["fullTextAnnotation"]["text"] == "经济新闻\n国务院召开常务会议\n布署稳定经济大盘\n各地区要抓好落实。\n"
    assert response["textAnnotations"][0]["description"].count("部署") == 1  # left as the engine wrote it


def test_google_vision_built_from_another_format_reads_back_the_same() -> None:
    hocr = read_document(Path(__file__).parent / "data" / "formats" / "twocol.hocr")
    again = parse_document(write_document(hocr, "gcv"), "built.json")
    assert again.format == "gcv" and again.text() == hocr.text()
    cut = [Box(max(w.box.x0, l.box.x0), max(w.box.y0, l.box.y0), min(w.box.x1, l.box.x1), min(w.box.y1, l.box.y1))
           for p in hocr.pages for b in p.blocks for l in b.lines for w in l.words]
    assert [w.box for w in again.words()] == cut  # (GCV has no line boxes: lines are their words')


def test_google_vision_built_from_words_taller_than_their_lines_reads_back_the_lines_apart() -> None:
    """GCV has no lines: a line is read back as its words' union, so a word box reaching into the
    rows above and below (as Tesseract's do) is cut to its line's box, or the lines overlap."""
    def line(y: int, text: str) -> Line:
        words = tuple(Word(ch, Box(10 + 20 * i, y - 5, 28 + 20 * i, y + 25)) for i, ch in enumerate(text))
        return Line(words, Box(10, y, words[-1].box.x1, y + 18))

    lines = (line(100, "第一行的字"), line(122, "第二行的字"), line(144, "第三行"))
    page = Page((Block(lines, Box.union([l.box for l in lines])),), Box(0, 0, 300, 300))
    doc = Document(format="hocr", pages=(page,))
    again = parse_document(write_document(doc, "gcv"), "built.json")
    assert again.text() == doc.text()
    assert [l.box for l in again.pages[0].blocks[0].lines] == [l.box for l in lines]


@pytest.mark.parametrize("name, old, new, message", [
    ("alto-v2.xml", 'HPOS="100"', 'HPOS="1e309"', "is not a number"),
    ("page-2017.xml", 'imageWidth="1000"', 'imageWidth="nan"', "is not a number"),
    ("tesseract3.hocr", "bbox 100 80 340 140", "bbox 100 80 1e999 140", "bad bbox"),
    ("page-2010-points.xml", '<Point x="100" y="80"/>', '<Point x="inf" y="80"/>', "bad Coords points"),
    ("alto-kraken-shapes.xml", 'POINTS="100,80 ', 'POINTS="1e400,80 ', "bad Polygon POINTS"),
    ("gcv-annotate-image.json", '"x": 140', '"x": "far"', "bad boundingBox"),
])
def test_a_number_that_is_not_one_is_a_one_line_error(name: str, old: str, new: str, message: str) -> None:
    data = (DATA / name).read_text(encoding="utf-8")
    assert old in data
    with pytest.raises(InputError, match=message):
        parse_document(data.replace(old, new, 1).encode("utf-8"), name)


def test_json_fields_of_the_wrong_type_say_nothing() -> None:
    for name, old, new in (("paddle3-res.json", '"rec_scores": [', '"rec_scores": true, "x": ['),
                           ("rapid-fields.json", '"scores": [', '"scores": "high", "x": [')):
        data = (DATA / name).read_text(encoding="utf-8")
        assert old in data
        doc = parse_document(data.replace(old, new, 1).encode("utf-8"), name)
        assert all(w.conf is None for w in doc.words()) and chars(doc.text()) == chars(EXPECTED[name])


def test_utf16_xml_is_read_and_written_back_in_utf8() -> None:
    data = (DATA / "abbyy-alto-utf16.xml").read_bytes()
    assert data[:2] == b"\xff\xfe"
    doc = parse_document(data, "utf16.xml")
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words))
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and "布署" in out.decode("utf-8")
    without_bom = data[2:]  # UTF-16-LE, "<" beside a NUL byte
    assert parse_document(without_bom, "utf16.xml").text() == doc.text()


@pytest.mark.parametrize("data", [b"<html", b"<!DOCTYPE html>", b"<html\x00\x01", b"<!doctype html><p>hi"])
def test_html_that_is_not_hocr_is_a_one_line_error(data: bytes) -> None:
    with pytest.raises(InputError, match="malformed XML|not hOCR"):
        parse_document(data, "a.hocr")


def test_hocr_text_beside_word_spans_is_kept() -> None:
    data = (DATA / "tesseract3.hocr").read_bytes().replace(
        "<span class='ocrx_word' id='word_1_2' ".encode(), "国务<span class='ocrx_word' id='word_1_2' ".encode(), 1)
    doc = parse_document(data, "mixed.hocr")
    assert chars(doc.text()) == chars(EXPECTED["tesseract3.hocr"] + "国务")
    flow = reflow_document(doc)
    again = parse_document(write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("国务"), "国", "囯")], flow.words)), "x.hocr")
    assert chars(again.text()) == chars(EXPECTED["tesseract3.hocr"] + "囯务")


@pytest.mark.parametrize("name", ["alto-v3-mm10.xml", "alto-v3-inch1200.xml"])
def test_alto_in_mm10_or_inch1200_reads_as_the_same_page_in_pixels_at_300_dpi(name: str) -> None:
    """The layout's boxes are whole pixels and a few of its margins a pixel or two: a page in
    other units is read at the scale it would have in pixels."""
    pixels = read_document(DATA / "alto-v2.xml")
    doc = read_document(DATA / name)
    assert [w.box for w in doc.words()] == [w.box for w in pixels.words()]
    assert doc.pages[0].box == pixels.pages[0].box


def test_geometry_written_into_an_inch1200_file_is_in_its_own_unit() -> None:
    doc = read_document(DATA / "alto-v3-inch1200.xml")
    page = doc.pages[0]
    regrouped = replace(doc, pages=(replace(page, stories=((0,), (1,))),))
    out = write_document(regrouped)
    story = etree.fromstring(out).xpath("//*[local-name()='ComposedBlock']")[0]
    block = page.blocks[0].box
    assert [int(story.get(a)) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == [4 * v for v in (block.x0, block.y0, block.width, block.height)]
    assert _boxes(parse_document(out, "p.xml")) == _boxes(doc)


@pytest.mark.parametrize("part, fixed, whole", [("COVID", "COVIX", "COVIXvirus"), ("virus", "virgo", "COVIDvirgo")])
def test_a_corrected_part_of_a_hyphenated_alto_word_rewrites_the_whole_word_in_both_parts(part: str, fixed: str, whole: str) -> None:
    """ocrfix reads the printed parts (``CONTENT`` and the ``HYP``), never ``SUBS_CONTENT``:
    the whole word a search index reads is rewritten from the corrected part."""
    doc = read_document(DATA / "alto-v3-hyp-variants.xml")
    flow = reflow_document(doc)
    out = write_document(apply_edits(doc, flow.text, [Edit(flow.text.index(part), part, fixed)], flow.words))
    strings = etree.fromstring(out).xpath("//*[@SUBS_TYPE]")
    assert [(s.get("SUBS_TYPE"), s.get("SUBS_CONTENT")) for s in strings] == [("HypPart1", whole), ("HypPart2", whole)]


def test_hocr_without_a_page_or_any_line_or_word_is_a_one_line_error() -> None:
    with pytest.raises(InputError, match="without an ocr_page element or any line or word"):
        parse_document(b"<html><body><div class='ocr_photo' title='bbox 0 0 9 9'></div></body></html>", "a.hocr")


#: What a damaged file may hold where a value was: empty, junk, out of range, of another type.
GARBLED_ATTRS = st.sampled_from(["", "x", "-5", "1e309", "nan", "3.5", "1,2", "0", "99999999999", " ", "a b", "1 2 3"])
GARBLED_VALUES = st.sampled_from([None, "", 0, -1, [], {}, "x", 1.5, [None], [[1, 2]], True, "1e9", [0, 0, 0, 0]])


@st.composite
def damaged_xml(draw, root: etree._Element) -> bytes:
    """``root``'s file with one to three elements damaged: an attribute dropped or garbled, the element
    dropped, its text replaced, or a copy of it (attributes only) appended to its parent."""
    for _ in range(draw(st.integers(1, 3))):
        el = draw(st.sampled_from([e for e in root.iter() if isinstance(e.tag, str)]))
        parent = el.getparent()
        damage = draw(st.sampled_from(["attribute", "drop", "text", "copy"]))
        if damage == "attribute" and el.attrib:
            key = draw(st.sampled_from(sorted(el.attrib)))
            value = draw(st.one_of(st.none(), GARBLED_ATTRS))
            if value is None:
                del el.attrib[key]
            else:
                el.set(key, value)
        elif damage == "drop" and parent is not None:
            parent.remove(el)
        elif damage == "text":
            el.text = draw(st.sampled_from(["", "  ", "国", "\n"]))
        elif damage == "copy" and parent is not None:
            parent.append(etree.Element(el.tag, dict(el.attrib)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@st.composite
def damaged_json(draw, value: object) -> object:
    """``value`` with one to three members or items, anywhere in it, dropped or replaced by a
    value of the wrong kind."""
    for _ in range(draw(st.integers(1, 3))):
        node = value
        while isinstance(node, (dict, list)) and node:
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            if not isinstance(node[key], (dict, list)) or not node[key] or draw(st.booleans()):
                if draw(st.booleans()):
                    del node[key]
                else:
                    node[key] = copy.deepcopy(draw(GARBLED_VALUES))  # the strategy's own lists stay as they are
                break
            node = node[key]
    return value


#: What a damaged TSV field may hold instead.
GARBLED_FIELDS = st.sampled_from(["", "x", "-5", "1e9", "nan", "inf", "中", "3.5"])


def damaged_tsv(draw, raw: bytes) -> bytes:
    """A TSV with one to three rows below the header dropped, cut short or a field garbled."""
    lines = raw.decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(1, len(lines) - 1))
        fields = lines[k].split("\t")
        how = draw(st.sampled_from(["drop", "cut", "garble"]))
        if how == "drop":
            del lines[k]
        elif how == "cut":
            lines[k] = "\t".join(fields[:draw(st.integers(0, len(fields) - 1))])
        else:
            fields[draw(st.integers(0, len(fields) - 1))] = draw(GARBLED_FIELDS)
            lines[k] = "\t".join(fields)
    return "\n".join(lines).encode()


def _damaged(draw, name: str) -> bytes:
    raw = (DATA / name).read_bytes()
    if name.endswith(".tsv"):
        return damaged_tsv(draw, raw)
    try:
        return draw(damaged_xml(etree.fromstring(raw)))
    except etree.XMLSyntaxError:
        if raw.lstrip().startswith(b"<"):  # HTML5 hOCR
            return draw(damaged_xml(etree.fromstring(raw, etree.HTMLParser())))
    try:
        return json.dumps(draw(damaged_json(json.loads(raw))), ensure_ascii=False).encode()
    except json.JSONDecodeError:  # JSON Lines, maybe "NAME<TAB>JSON": one line damaged
        lines = raw.decode("utf-8").splitlines()
        k = draw(st.integers(0, len(lines) - 1))
        label, tab, value = lines[k].rpartition("\t")
        lines[k] = label + tab + json.dumps(draw(damaged_json(json.loads(value))), ensure_ascii=False)
        return "\n".join(lines).encode()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STRUCTURED), st.data())
def test_a_damaged_copy_of_a_producer_file_is_refused_with_a_message_or_read_without_losing_text(name: str, data: st.DataObject) -> None:
    """Attributes, elements and JSON values dropped or garbled: either a one-line InputError, or
    the file reads, its reflow holds every character of its words once, and a correction written
    back reads again with that correction and nothing else changed."""
    damaged = _damaged(data.draw, name)
    try:
        doc = parse_document(damaged, name)
        flow = reflow_document(doc)
        at = next((k for k, ch in enumerate(flow.text) if not ch.isspace()), None)
        edits = [Edit(at, flow.text[at], "作")] if at is not None else []
        written = write_document(apply_edits(doc, flow.text, edits, flow.words))
        again = parse_document(written, name, doc.format)
    except InputError as exc:
        assert "\n" not in str(exc).strip()
        return
    assert chars(flow.text) == chars("".join(w.text for w in doc.words()))
    expected = flow.text if at is None else flow.text[:at] + "作" + flow.text[at + 1:]
    assert chars(reflow_document(again).text) == chars(expected)


@pytest.mark.parametrize("name, old, new", [
    ("page-2019-region-text.xml", "</TextEquiv></TextRegion>", "</TextEquiv><TextEquiv/></TextRegion>"),  # a second, empty reading
    ("page-2019-glyph.xml", '<TextEquiv conf="0.9"><Unicode>新</Unicode></TextEquiv>', '<TextEquiv conf="0.9"/>'),  # an empty glyph
    ("page-2019-unordered.xml", 'index="0"', 'index=""'),
])
def test_page_damaged_readings_keep_a_correction_written_back(name: str, old: str, new: str) -> None:
    """Found by the damaged-copies property test below: the corrected reading came second to an
    unindexed empty one; an empty glyph made the word's glyphs too many to carry the correction;
    an empty ``index`` was an internal error."""
    data = (DATA / name).read_text(encoding="utf-8")
    assert old in data
    doc = parse_document(data.replace(old, new, 1).encode("utf-8"), name)
    flow = reflow_document(doc)
    at = flow.text.index("经")
    again = parse_document(write_document(apply_edits(doc, flow.text, [Edit(at, "经", "作")], flow.words)), name)
    assert chars(reflow_document(again).text) == chars(flow.text[:at] + "作" + flow.text[at + 1:])


def test_hocr_text_straight_in_a_page_that_holds_paragraphs_is_read_once() -> None:
    """Found by the damaged-copies property test: the page was read as one line holding all its
    text besides each paragraph. The paragraphs are read as lines, the page's own text apart."""
    data = (DATA / "text-in-paragraphs.hocr").read_text(encoding="utf-8")
    old = "title='bbox 0 0 1000 800'>"
    assert old in data
    doc = parse_document(data.replace(old, old + "国", 1).encode("utf-8"), "p.hocr")
    assert chars(reflow_document(doc).text) == chars("国" + EXPECTED["text-in-paragraphs.hocr"])


def test_hocr_text_straight_in_an_area_beside_its_paragraphs_is_read_in_place_and_written_back_there() -> None:
    """A layout tool's content area holding a dateline and a byline as text of its own between
    its paragraphs: read as lines of their own in the file's order (they were lost), and a
    correction to one is written into that text, the rest of the file as it was."""
    doc = read_document(DATA / "text-beside-paragraphs.hocr")
    lines = ["本报讯", "经济新闻", "国务院召开常务会议", "记者 李华", "部署稳定经济大盘", "各地区要抓好落实。"]
    assert [line.text() for block in doc.pages[0].blocks for line in block.lines] == lines
    flow = reflow_document(doc)
    at = flow.text.index("李")
    data = write_document(apply_edits(doc, flow.text, [Edit(at, "李", "季")], flow.words))
    again = parse_document(data, "again.hocr")
    assert [line.text() for block in again.pages[0].blocks for line in block.lines] == [*lines[:3], "记者 季华", *lines[4:]]
    assert _boxes(again) == _boxes(doc)
    assert data.decode("utf-8").replace("季华", "李华") == write_document(doc).decode("utf-8")
