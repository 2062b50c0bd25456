"""Amazon Textract JSON (``textract``).

The files in tests/data/producers (``textract-*.json``) are hand-written from the documented response
schema (the page of ``gcv-response.json``, 1000 x 800 pixels, as fractions of the page):
``textract-detect.json`` a DetectDocumentText response, one WORD a character; ``textract-async-pages.json``
a GetDocumentTextDetection result of two paginated responses saved as a list (the second without the
PAGE block), words of several characters.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from formats_support import Edit
from ocrfix.errors import InputError
from ocrfix.formats import apply_edits, read_document, reflow_document, write_document
from ocrfix.formats.detect import detect_format
from ocrfix.formats.fileio import parse_document
from ocrfix.formats.model import Correction

DATA = Path(__file__).parent / "data" / "producers"
LINES = ["经济新闻", "国务院召开常务会议", "部署稳定经济大盘", "各地区要抓好落实。"]


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def parse(value: object):
    return parse_document(json.dumps(value, ensure_ascii=False).encode("utf-8"), "page.json")


def _first(value: dict, block_type: str) -> dict:
    return next(b for b in value["Blocks"] if b["BlockType"] == block_type)


@pytest.mark.parametrize("name, words", [("textract-detect.json", ["经", "济"]), ("textract-async-pages.json", ["经济新闻", "国务院"])])
def test_a_response_and_a_list_of_paginated_responses_are_read(name: str, words: list[str]) -> None:
    doc = read_document(DATA / name)
    assert (doc.format, doc.software, detect_format((DATA / name).read_bytes())) == ("textract", "Amazon Textract", "textract")
    assert [line.text() for line in doc.lines()] == LINES and len(doc.pages) == 1
    assert [w.text for w in doc.words()][:2] == words and next(doc.words()).conf == 0.98


def test_a_page_is_read_as_tall_as_its_han_characters_make_it_else_root_two_times_its_width() -> None:
    """Textract gives fractions of a page of unknown size: one-character Han words, taken as square,
    say its height (the page was 1000 x 800 pixels); words of several characters do not."""
    doc = read_document(DATA / "textract-detect.json")
    assert doc.pages[0].box == (0, 0, 2480, 1984)
    assert all(abs(w.box.width - w.box.height) <= 1 for w in doc.words())
    assert read_document(DATA / "textract-async-pages.json").pages[0].box == (0, 0, 2480, 3507)


def test_a_correction_rewrites_the_word_and_its_line_keeping_both_readings() -> None:
    doc = read_document(DATA / "textract-detect.json")
    flow = reflow_document(doc)
    out = json.loads(write_document(apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)))
    changed = [(b["BlockType"], b["Text"], b["ocrfix_original"]) for b in out["Blocks"] if "ocrfix_original" in b]
    assert changed == [("LINE", "布 署 稳 定 经 济 大 盘", "部 署 稳 定 经 济 大 盘"), ("WORD", "布", "部")]
    again = parse(out)
    assert [line.text() for line in again.lines()][2] == "布署稳定经济大盘"
    assert next(w for w in again.words() if w.text == "布").correction == Correction("部")


def test_pages_lines_without_words_and_words_without_lines() -> None:
    value = load("textract-detect.json")
    second = copy.deepcopy(value["Blocks"])
    for block in second:
        block["Id"] += "-2"
        block["Page"] = 2
        for rel in block.get("Relationships", []):
            rel["Ids"] = [i + "-2" for i in rel["Ids"]]
    value["Blocks"] += second
    assert [len(list(p.blocks[0].lines)) for p in parse(value).pages] == [4, 4]
    bare = load("textract-detect.json")  # the first LINE without its WORDs: its Text is its one word
    first = _first(bare, "LINE")
    held = set(first.pop("Relationships")[0]["Ids"])
    bare["Blocks"] = [b for b in bare["Blocks"] if b.get("Id") not in held]
    assert [[w.text for w in line.words] for line in parse(bare).lines()][0] == ["经 济 新 闻"]
    loose = load("textract-detect.json")  # the first LINE gone: its WORDs are lines of their own
    loose["Blocks"].remove(_first(loose, "LINE"))
    doc = parse(loose)
    assert [line.text() for line in doc.lines()][:5] == ["经", "济", "新", "闻", "国务院召开常务会议"]
    assert reflow_document(doc).text.startswith("经济新闻\n")


def test_the_layout_features_elements_are_blocks() -> None:
    """AnalyzeDocument with the Layout feature: a LAYOUT_TITLE over the headline, a LAYOUT_TEXT over
    the body; lines in no element are a block of their own."""
    value = load("textract-detect.json")
    lines = [b["Id"] for b in value["Blocks"] if b["BlockType"] == "LINE"]
    value["Blocks"] += [{"BlockType": "LAYOUT_TITLE", "Id": "t", "Relationships": [{"Type": "CHILD", "Ids": lines[:1]}], "Page": 1},
                        {"BlockType": "LAYOUT_TEXT", "Id": "b", "Relationships": [{"Type": "CHILD", "Ids": lines[1:3]}], "Page": 1}]
    assert [[line.text() for line in b.lines] for b in parse(value).pages[0].blocks] == [LINES[:1], LINES[1:3], LINES[3:]]
    assert [len(b.lines) for b in read_document(DATA / "textract-detect.json").pages[0].blocks] == [4]


def test_built_from_another_format_it_reads_back_the_same_boxes_reading_and_engine() -> None:
    hocr = read_document(Path(__file__).parent / "data" / "formats" / "twocol.hocr")
    again = parse_document(write_document(hocr, "textract"), "built.json")
    assert (again.format, again.software) == ("textract", hocr.software)
    assert [w.box for w in again.words()] == [w.box for w in hocr.words()] and again.pages[0].box == hocr.pages[0].box
    assert again.text() == hocr.text()  # (its blocks: a LAYOUT_TEXT each)
    assert reflow_document(again).text == reflow_document(hocr).text


@pytest.mark.parametrize("name, fmt", [("azure-read-v32.json", "azure"), ("gcv-response.json", "gcv"), ("paddle3-res.json", "paddle"),
                                       ("textract-async-pages.json", "textract")])
def test_detection_tells_textract_from_the_other_json_formats(name: str, fmt: str) -> None:
    assert detect_format((DATA / name).read_bytes()) == fmt




@pytest.mark.parametrize("damage, message", [
    (lambda v: _first(v, "WORD")["Geometry"]["BoundingBox"].update(Left="far"), "WORD block .*: bad Geometry"),
    (lambda v: _first(v, "WORD")["Geometry"].update(BoundingBox={}, Polygon=[{"X": 1}]), "bad Geometry"),
    (lambda v: (_first(v, "WORD").pop("Geometry"), _first(v, "LINE").pop("Geometry")), "WORD block .* has no Geometry"),
    (lambda v: v.update(Blocks=[b for b in v["Blocks"] if b["BlockType"] == "PAGE"]), "textract file without any text"),
])
def test_damaged_responses_are_one_line_errors(damage, message: str) -> None:
    value = load("textract-detect.json")
    damage(value)
    with pytest.raises(InputError, match=message):
        parse(value)


def test_other_json_given_as_textract_is_refused() -> None:
    with pytest.raises(InputError, match="not an Amazon Textract response"):
        parse_document((DATA / "azure-read-v32.json").read_bytes(), "a.json", "textract")


def test_ids_and_page_numbers_of_the_wrong_type_are_read_past_not_a_traceback() -> None:
    value = load("textract-detect.json")
    words = [b for b in value["Blocks"] if b["BlockType"] == "WORD"]
    words[0]["Id"], words[1]["Page"] = [], {"n": 1}  # what a damaged file may hold (found by fuzzing)
    doc = parse_document(json.dumps(value, ensure_ascii=False).encode(), "damaged.json")
    # the word whose id is lost is read as a line of its own: every character once, none lost
    assert sorted("".join(doc.text().split())) == sorted("".join(LINES))
