"""Structured OCR formats: detection, reading, writing back, edits, confidences, bad input.

Fixtures in tests/data/formats: real Tesseract 5.3 hOCR/ALTO/txt of two tiny rendered pages
(invented text; see make_fixtures.py) and a hand-made PAGE 2019 file.
"""
from __future__ import annotations

from pathlib import Path
import pytest
from formats_support import Edit, page_schema
from lxml import etree

from ocrfix.errors import InputError
from ocrfix.formats import (
    apply_edits,
    char_confidences,
    correct_document,
    detect_format,
    output_bytes,
    parse_document,
    read_document,
    reflow_document,
    reflowed_text,
    write_document,
)
from ocrfix.text_reflow import reflow
from ocrfix.formats.hocr import parse_title

DATA = Path(__file__).parent / "data" / "formats"
TESSERACT_PAGES = ("onecol", "twocol")
XML_FILES = [f"{p}.hocr" for p in TESSERACT_PAGES] + [f"{p}.xml" for p in TESSERACT_PAGES] + ["onecol-chars.hocr", "small.page.xml"]


def nonspace(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def edit_at(text: str, char: str, replacement: str, nth: int = 0) -> Edit:
    at = -1
    for _ in range(nth + 1):
        at = text.index(char, at + 1)
    return Edit(at, char, replacement)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def canonical(data: bytes) -> bytes:
    """C14N form; libxml2's XHTML serializer mirrors ``lang`` as ``xml:lang``, which is the same."""
    root = etree.fromstring(data)
    for el in root.iter():
        if isinstance(el.tag, str) and el.get(XML_LANG) is not None and el.get(XML_LANG) == el.get("lang"):
            del el.attrib[XML_LANG]
    return etree.tostring(root, method="c14n")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("onecol.hocr", "hocr"), ("onecol.xml", "alto"), ("small.page.xml", "page"), ("onecol.txt", "text")],
)
def test_detect_format_from_content(name: str, fmt: str) -> None:
    data = (DATA / name).read_bytes()
    assert detect_format(data) == fmt
    assert detect_format(data.decode("utf-8")) == fmt
    assert read_document(DATA / name).format == fmt


@pytest.mark.parametrize("page", TESSERACT_PAGES)
def test_text_equals_tesseract_txt_output(page: str) -> None:
    txt = (DATA / f"{page}.txt").read_text(encoding="utf-8")
    for ext in ("hocr", "xml"):
        assert nonspace(read_document(DATA / f"{page}.{ext}").text()) == nonspace(txt)


def test_hocr_and_alto_of_one_run_give_one_model() -> None:
    hocr, alto = read_document(DATA / "onecol.hocr"), read_document(DATA / "onecol.xml")
    assert [l.text() for l in hocr.lines()] == [l.text() for l in alto.lines()]
    assert [w.box for w in hocr.words()] == [w.box for w in alto.words()]
    assert [w.conf for w in hocr.words()] == pytest.approx([w.conf for w in alto.words()])


@pytest.mark.parametrize("name", XML_FILES)
def test_round_trip_without_edits_is_the_same_document(name: str) -> None:
    doc = read_document(DATA / name)
    written = write_document(doc)
    assert canonical(written) == canonical((DATA / name).read_bytes())
    again = parse_document(written, name)
    assert again.pages == doc.pages


def test_ids_and_boxes_are_read() -> None:
    doc = read_document(DATA / "small.page.xml")
    first = [w for w in doc.words() if w.id == "w_1"][0]
    assert (first.id, first.box, [g.id for g in first.glyphs]) == ("w_1", (130, 150, 210, 190), ["g_1", "g_2"])
    assert [b.id for b in doc.pages[0].blocks] == ["r_head", "r_body"]  # ReadingOrder, not file order


def test_char_confidences_per_format() -> None:
    page = read_document(DATA / "small.page.xml")
    confs = char_confidences(page)
    assert len(confs) == len(nonspace(page.text()))
    assert confs[:7] == [None, None, None, None, 0.95, 0.41, 0.9]  # headline unknown, glyphs, word
    hocr = read_document(DATA / "onecol.hocr")
    assert char_confidences(hocr)[:3] == [0.52, 0.52, 0.92]  # x_wconf 52 -> both chars of 春季


def test_hocr_character_boxes_give_glyphs_and_their_confidences() -> None:
    doc = read_document(DATA / "onecol-chars.hocr")
    assert nonspace(doc.text()) == nonspace(read_document(DATA / "onecol.hocr").text())
    first = next(doc.words())
    assert [(g.text, g.box) for g in first.glyphs] == [("春", (52, 69, 108, 125)), ("季", (112, 69, 167, 125))]
    assert char_confidences(doc)[:2] == pytest.approx([0.99504364, 0.93253777])  # not the word's 0.52
    text = doc.text()
    fixed = apply_edits(doc, text, [edit_at(text, "季", "秋")])
    root = etree.fromstring(write_document(fixed))
    (glyph,) = [el for el in root.iter() if (el.get("title") or "").startswith("x_bboxes 112 69 167 125")]
    assert glyph.text == "秋" and parse_title(glyph.get("title"))["x_ocrfix_original"] == ["季"]
    assert "x_ocrfix_original" in parse_title(glyph.getparent().get("title"))


def test_hocr_x_confs_give_char_confidences() -> None:
    data = (
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page' title='bbox 0 0 99 99'>"
        "<span class='ocr_line' title='bbox 0 0 99 20'><span class='ocrx_word' title='bbox 0 0 40 20; x_wconf 70; x_confs 99 41'>集市</span>"
        "</span></div></body></html>"
    ).encode("utf-8")
    assert char_confidences(parse_document(data, "k.hocr")) == pytest.approx([0.99, 0.41])


def test_alto_cc_digits_become_char_confidences() -> None:
    src = (DATA / "onecol.xml").read_bytes().replace(b'WC="0.52" CONTENT="\xe6\x98\xa5\xe5\xad\xa3"', b'WC="0.52" CC="09" CONTENT="\xe6\x98\xa5\xe5\xad\xa3"')
    doc = parse_document(src, "cc.xml")
    assert char_confidences(doc)[:3] == [1.0, 0.0, 0.92]


def test_alto_edit_keeps_box_and_records_alternative() -> None:
    doc = read_document(DATA / "onecol.xml")
    text = doc.text()
    fixed = apply_edits(doc, text, [edit_at(text, "季", "秋")])
    word = next(fixed.words())
    assert (word.text, word.correction.original, word.box) == ("春秋", "春季", next(doc.words()).box)
    out = write_document(fixed)
    root = etree.fromstring(out)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v3#"}
    (string,) = root.xpath("//a:String[@ID='string_0']", namespaces=ns)
    assert string.get("CONTENT") == "春秋"
    assert [(a.text, a.get("PURPOSE")) for a in string.xpath("a:ALTERNATIVE", namespaces=ns)] == [("春季", "OCR")]
    assert (string.get("HPOS"), string.get("WIDTH")) == ("52", "115")
    reread = parse_document(out, "fixed.xml")
    assert next(reread.words()).correction.original == "春季"
    assert write_document(reread) == out  # writing a corrected file again changes nothing


def test_a_producers_own_alternatives_are_not_corrections() -> None:
    src = (DATA / "onecol.xml").read_bytes().replace(b'CONTENT="\xe6\x98\xa5\xe5\xad\xa3"/>', b'CONTENT="\xe6\x98\xa5\xe5\xad\xa3"><ALTERNATIVE>x</ALTERNATIVE></String>')
    doc = parse_document(src, "alt.xml")
    assert b"<ALTERNATIVE>x</ALTERNATIVE>" in src and next(doc.words()).correction is None
    assert canonical(write_document(doc)) == canonical(src)


def test_hocr_edit_is_a_title_property() -> None:
    doc = read_document(DATA / "onecol.hocr")
    text = reflow_document(doc).text
    fixed = apply_edits(doc, text, [edit_at(text, "起", "早起")], reflow_document(doc).words)
    out = write_document(fixed)
    changed = [w for w in fixed.words() if w.correction]
    assert [(w.id, w.text, w.correction.original) for w in changed] == [(changed[0].id, "早起", "起")]
    el = etree.fromstring(out).xpath(f"//*[@id='{changed[0].id}']")[0]
    props = parse_title(el.get("title"))
    assert el.text == "早起" and props["x_ocrfix_original"] == ["起"] and props["bbox"] == el.get("title").split(";")[0].split()[1:]
    assert float(props["x_ocrfix_gain"][0]) == pytest.approx(0.9)


def test_hocr_writes_an_edits_gain_as_its_edit_log_does() -> None:
    """To the log's four decimals: ``ocrfix apply`` writes the file from the log's rounded gains, and
    0.99049 rounded to 0.9905 and then to three decimals would be 0.991, not the 0.990 of the run."""
    doc = read_document(DATA / "onecol.hocr")
    flow = reflow_document(doc)
    edit = edit_at(flow.text, "起", "早起")._replace(gain=0.99049)
    outputs = [write_document(apply_edits(doc, flow.text, [edit._replace(gain=gain)], flow.words)) for gain in (0.99049, 0.9905)]
    assert b"x_ocrfix_gain 0.9905" in outputs[0] and outputs[0] == outputs[1]


def test_page_edit_adds_second_textequiv_and_updates_parents() -> None:
    doc = read_document(DATA / "small.page.xml")
    text = reflow_document(doc).text
    fixed = apply_edits(doc, text, [edit_at(text, "门", "市"), edit_at(text, "晨", "上")])
    out = write_document(fixed)
    ns = {"pc": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
    root = etree.fromstring(out)

    def equivs(xpath: str) -> list[tuple[str | None, str | None, str]]:
        (el,) = root.xpath(xpath, namespaces=ns)
        return [(e.get("index"), e.get("conf"), e.findtext("pc:Unicode", namespaces=ns)) for e in el.xpath("pc:TextEquiv", namespaces=ns)]

    assert equivs("//pc:Word[@id='w_2']") == [("1", "0.9", "集市开市，摊位摆"), ("2", "0.9", "集市开门，摊位摆")]
    assert equivs("//pc:Glyph[@id='g_2']") == [("1", "0.9", "上"), ("2", "0.41", "晨")]
    assert equivs("//pc:Word[@id='w_1']")[0][2] == "早上"
    assert equivs("//pc:TextLine[@id='l_1']")[0][2] == "早上集市开市，摊位摆"
    assert equivs("//pc:TextRegion[@id='r_body']")[0][2] == "早上集市开市，摊位摆\n满了蔬菜。"
    assert root.xpath("//pc:Glyph[@id='g_2']/pc:Coords/@points", namespaces=ns) == ["170,150 210,150 210,190 170,190"]
    assert parse_document(out, "fixed.page.xml").text() == fixed.text()


def test_page_output_is_schema_valid() -> None:
    schema = page_schema()
    doc = read_document(DATA / "small.page.xml")
    text = doc.text()
    fixed = apply_edits(doc, text, [edit_at(text, "满", "蒲"), edit_at(text, "晨", "上")])
    for data in (write_document(doc), write_document(fixed)):
        assert schema.validate(etree.fromstring(data)), schema.error_log


@pytest.mark.parametrize("name", ["onecol.xml", "onecol.hocr", "small.page.xml"])
def test_insertions_deletions_and_multichar_edits_map_onto_words(name: str) -> None:
    doc = read_document(DATA / name)
    text = reflow_document(doc).text
    chars = nonspace(text)
    at = [i for i, ch in enumerate(text) if not ch.isspace()]  # offset of the k-th non-space char
    edits = [Edit(at[1], chars[1], ""), Edit(at[4], chars[4] + chars[5], "甲乙丙"), Edit(at[8], "", "丁")]
    fixed = apply_edits(doc, text, edits, reflow_document(doc).words)
    expected = chars[0] + chars[2:4] + "甲乙丙" + chars[6:8] + "丁" + chars[8:]
    assert nonspace(reflow_document(fixed).text) == expected
    assert nonspace(parse_document(write_document(fixed), name).text()) == nonspace(fixed.text())


def test_edits_that_do_not_match_the_text_are_refused() -> None:
    doc = read_document(DATA / "onecol.xml")
    with pytest.raises(ValueError):
        apply_edits(doc, doc.text(), [Edit(0, "秋", "春")])
    with pytest.raises(ValueError):
        apply_edits(doc, doc.text() + "多", [])


@pytest.mark.parametrize("name", ["onecol.hocr", "onecol.xml", "small.page.xml"])
@pytest.mark.parametrize("fmt", ["hocr", "alto", "page"])
def test_conversion_keeps_words_boxes_confidences_and_corrections(name: str, fmt: str) -> None:
    doc = read_document(DATA / name)
    text = doc.text()
    fixed = apply_edits(doc, text, [edit_at(text, "集", "菜")])
    converted = parse_document(write_document(fixed, fmt), f"out.{fmt}")
    assert converted.format == fmt
    assert [(w.text, w.box) for w in converted.words()] == [(w.text, w.box) for w in fixed.words()]
    assert [v.id for w, v in zip(fixed.words(), converted.words()) if w.id] == [w.id for w in fixed.words() if w.id]
    kept = [(w, v) for w, v in zip(fixed.words(), converted.words()) if not w.correction]  # PAGE: conf of a correction = its gain
    assert [v.conf for _, v in kept] == pytest.approx([w.conf for w, _ in kept], abs=0.006)
    assert [w.correction.original for w in converted.words() if w.correction] == [w.correction.original for w in fixed.words() if w.correction]


def test_converted_page_is_schema_valid() -> None:
    schema = page_schema()
    for name in ("onecol.hocr", "twocol.xml"):
        doc = read_document(DATA / name)
        text = doc.text()
        data = write_document(apply_edits(doc, text, [edit_at(text, "的", "地")]), "page")
        assert schema.validate(etree.fromstring(data)), schema.error_log


def test_write_text_and_refuse_plain_text_to_xml(tmp_path: Path) -> None:
    doc = read_document(DATA / "onecol.hocr")
    assert write_document(doc, "text").decode("utf-8") == doc.text()
    path = tmp_path / "p.txt"
    path.write_text("集市开张\n", encoding="utf-8")
    with pytest.raises(InputError, match="no line geometry"):
        write_document(read_document(path), "alto")


class FakeCorrector:
    """Replaces every 季 by 秋, the way ocrfix's Corrector reports edits."""

    def correct(self, text: str, reflow: bool = True, readings=None, wrapped=None, page_chars=None, reaching=None) -> object:
        assert readings is None or len(readings) == len(text)
        edits = [Edit(i, "季", "秋") for i, ch in enumerate(text) if ch == "季"]
        return type("Result", (), {"text": text.replace("季", "秋"), "edits": edits, "source": text})()


def test_correct_document_puts_corrections_back_on_the_words() -> None:
    doc = read_document(DATA / "onecol.xml")
    done = correct_document(doc, FakeCorrector())
    assert done.text.startswith("春秋农贸集市开张\n")
    assert [(w.id, w.text) for w in done.document.words() if w.correction] == [("string_0", "春秋")]
    assert output_bytes(done, "text") == done.text.encode("utf-8")
    assert b'CONTENT="\xe6\x98\xa5\xe7\xa7\x8b"' in output_bytes(done)  # ALTO in, ALTO out: 春秋
    assert parse_document(output_bytes(done, "page"), "o.xml").format == "page"


def test_reflowed_text_of_any_format(tmp_path: Path) -> None:
    assert reflowed_text(DATA / "onecol.xml") == reflowed_text(DATA / "onecol.hocr") == reflow_document(read_document(DATA / "onecol.xml")).text
    path = tmp_path / "p.txt"
    path.write_text("集市开张\n\n\u3000\u3000本报讯 清晨六点，\n城东集市开门。\n", encoding="utf-8")
    assert reflowed_text(path) == reflow(path.read_text(encoding="utf-8"))


def test_plain_text_document_keeps_lines_exactly(tmp_path: Path) -> None:
    raw = "\u3000\u3000本报讯 记者\n集市开张，\n\n  236 件商品。\n"
    path = tmp_path / "p.txt"
    path.write_text(raw, encoding="utf-8")
    doc = read_document(path)
    assert doc.format == "text" and not doc.has_geometry
    assert doc.text() == "\u3000\u3000本报讯 记者\n集市开张，\n\n  236 件商品。\n"
    fixed = apply_edits(doc, doc.text(), [edit_at(doc.text(), "件", "只")])
    assert write_document(fixed).decode("utf-8") == raw.replace("件", "只")


ALTO_HEAD = b'<?xml version="1.0"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p" WIDTH="9" HEIGHT="9"><PrintSpace><TextBlock ID="b" HPOS="0" VPOS="0" WIDTH="9" HEIGHT="9">'
ALTO_TAIL = b"</TextBlock></PrintSpace></Page></Layout></alto>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?xml version='1.0'?><alto><Layout>", "bad.xml: malformed XML"),
        (b'<PcGts xmlns="http://example.com/pagecontent"/>', "is not PAGE"),
        (b"<html><body><p>hi</p></body></html>", "not hOCR"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "root element <svg>"),
        (ALTO_HEAD.replace(b' HPOS="0" VPOS="0" WIDTH="9" HEIGHT="9">', b'>') + b'<TextLine ID="l7" VPOS="0" WIDTH="9" HEIGHT="9"><String ID="s9" CONTENT="x" VPOS="0" WIDTH="1" HEIGHT="1"/></TextLine>' + ALTO_TAIL,
         'bad.xml: <TextLine ID="l7"> (line 1): missing coordinates'),
        (ALTO_HEAD + b'<TextLine ID="l7" HPOS="0" VPOS="0" WIDTH="9" HEIGHT="9"><String ID="s9" CONTENT="x" HPOS="a" VPOS="0" WIDTH="1" HEIGHT="1"/></TextLine>' + ALTO_TAIL,
         'bad.xml: <String ID="s9"> (line 1): HPOS=\'a\' is not a number'),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page'><span class='ocr_line' id='line_3'>x</span></div></body></html>",
         "bad.xml: <span ID=\"line_3\"> (line 1): missing coordinates"),
        (b'<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page imageWidth="9" imageHeight="9"><TextRegion id="r1"><Coords points="0,0 9,9"/><TextLine id="tl4"><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>',
         'bad.xml: <TextLine ID="tl4"> (line 1): missing coordinates'),
        (b"", "empty"),
    ],
)
def test_bad_input_names_file_and_element(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_document(path)


def test_forced_format_must_match(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--format alto given but the file is hocr"):
        read_document(DATA / "onecol.hocr", fmt="alto")
    assert read_document(DATA / "onecol.hocr", fmt="text").format == "text"  # the markup as text
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.xml")


@pytest.mark.parametrize("fixture", ["onecol.hocr", "onecol.xml", "small.page.xml", "onecol-chars.abbyy.xml"])
def test_a_blank_page_is_refused_in_every_xml_format_as_in_tsv_json_and_text(fixture) -> None:
    """A file whose elements hold no text (a page the engine found nothing on) is refused with one line,
    as an empty text file, a TSV or a JSON result without any text are, not written back as a page."""
    tree = etree.fromstring((DATA / fixture).read_bytes())
    for el in tree.iter():
        if isinstance(el.tag, str):
            el.text = el.tail = None
            if "CONTENT" in el.attrib:
                el.set("CONTENT", "")
    assert parse_document((DATA / fixture).read_bytes(), fixture).text().strip()
    with pytest.raises(InputError, match="without any text"):
        parse_document(etree.tostring(tree), fixture)
