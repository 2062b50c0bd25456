"""Azure OCR JSON (``azure``): Computer Vision Read 3.x, Document Intelligence and Image Analysis 4.0.

The files in tests/data/producers (``azure-*.json``) are hand-written from the documented response
schemas (the page of ``gcv-response.json``: 1000 x 800 pixels, or in inches for the PDF page):
``azure-read-v32.json`` a Read 3.2 response, one word a character; ``azure-di-read-pdf.json`` a
Document Intelligence ``prebuilt-read`` response for a PDF page (inches, a title paragraph and a
body paragraph, ``languages`` spans); ``azure-formrecognizer-dict.json`` the result alone as the Form
Recognizer Python SDK's ``to_dict`` writes it (snake_case, ``{x, y}`` points, a table cell);
``azure-vision-40.json`` an Image Analysis 4.0 result, two blocks.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from formats_support import Edit
from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.formats import apply_edits, read_document, reflow_document, write_document
from ocrfix.formats.detect import detect_format
from ocrfix.formats.fileio import parse_document
from ocrfix.formats.model import Correction

DATA = Path(__file__).parent / "data" / "producers"
FILES = ["azure-read-v32.json", "azure-di-read-pdf.json", "azure-formrecognizer-dict.json", "azure-vision-40.json"]
LINES = ["经济新闻", "国务院召开常务会议", "部署稳定经济大盘", "各地区要抓好落实。"]


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def parse(value: object, name: str = "page.json"):
    return parse_document(json.dumps(value, ensure_ascii=False).encode("utf-8"), name)


def corrected(doc, old: str, new: str, at: str = "部署"):
    """``doc`` with ``old`` (where ``at`` starts in the reflowed text) replaced by ``new``, written back and parsed."""
    flow = reflow_document(doc)
    fixed = apply_edits(doc, flow.text, [Edit(flow.text.index(at), old, new)], flow.words)
    return json.loads(write_document(fixed))


@pytest.mark.parametrize("name, software, words, conf", [
    ("azure-read-v32.json", "Azure Computer Vision", ["经", "济"], 0.98),
    ("azure-di-read-pdf.json", "Azure AI Document Intelligence", ["经", "济"], 0.98),
    ("azure-formrecognizer-dict.json", "Azure AI Document Intelligence", ["经济新闻", "国务院"], 0.97),
    ("azure-vision-40.json", "Azure Computer Vision", ["经济新闻", "国务院"], 0.97),
])
def test_each_shape_is_read_with_its_lines_words_boxes_and_confidences(name: str, software: str, words: list[str], conf: float) -> None:
    doc = read_document(DATA / name)
    assert (doc.format, doc.software, detect_format((DATA / name).read_bytes())) == ("azure", software, "azure")
    assert [line.text() for line in doc.lines()] == LINES
    assert [w.text for w in doc.words()][:2] == words and next(doc.words()).conf == conf
    assert [line.box for line in doc.lines()] == [(100, 80, 340, 140), (180, 200, 540, 240), (100, 260, 420, 300), (100, 320, 460, 360)]
    assert doc.pages[0].box == (0, 0, 1000, 800)  # the PDF page's inches at 300 pixels an inch


def test_paragraphs_and_image_analysis_blocks_are_blocks_and_a_read_page_is_one() -> None:
    assert [len(b.lines) for b in read_document(DATA / "azure-read-v32.json").pages[0].blocks] == [4]
    for name in FILES[1:]:
        assert [len(b.lines) for b in read_document(DATA / name).pages[0].blocks] == [1, 3]


def test_read_2x_results_the_result_alone_and_the_pages_alone_are_read() -> None:
    value = load("azure-read-v32.json")
    pages = value["analyzeResult"]["readResults"]
    old = {"status": "Succeeded", "recognitionResults": copy.deepcopy(pages)}
    for shape in (old, value["analyzeResult"], pages):
        doc = parse(shape)
        assert doc.format == "azure" and [line.text() for line in doc.lines()] == LINES


def _read_page(rows: list[tuple[str, int, int]]) -> dict:
    """A Read 3.2 response of lines (text, left, top), 40-pixel characters, one word a character."""
    def box(x: int, y: int, n: int) -> list[int]:
        return [x, y, x + 40 * n, y, x + 40 * n, y + 40, x, y + 40]

    lines = [{"boundingBox": box(x, y, len(text)), "text": text,
              "words": [{"boundingBox": box(x + 40 * i, y, 1), "text": ch, "confidence": 0.9} for i, ch in enumerate(text)]}
             for text, x, y in rows]
    return {"status": "succeeded", "analyzeResult": {"readResults": [{"page": 1, "width": 1200, "height": 900, "unit": "pixel", "lines": lines}]}}


def test_a_two_column_page_read_row_by_row_is_reflowed_column_by_column() -> None:
    """The engine lists the lines of two columns row by row across the gutter; the layout reads the
    left column, then the right one."""
    left = ["昨天上午市里召开会议研究", "部署今年的重点工作任务和", "具体安排。"]
    right = ["会议强调各部门要加强协作", "确保各项工作落到实处取得", "实效。"]
    rows = [("全市召开工作会议", 300, 60)]
    for k, (a, b) in enumerate(zip(left, right)):
        rows += [(a, 80, 160 + 60 * k), (b, 640, 160 + 60 * k)]
    text = reflow_document(parse(_read_page(rows))).text
    assert text.index("全市") < text.index("昨天") < text.index("具体安排") < text.index("会议强调") < text.index("实效")
    assert "".join(left) in text.replace("\n", "") and "".join(right) in text.replace("\n", "")


def test_a_read_correction_rewrites_the_word_and_the_line_and_keeps_both_readings() -> None:
    out = corrected(read_document(DATA / "azure-read-v32.json"), "部", "布")
    line = out["analyzeResult"]["readResults"][0]["lines"][2]
    assert (line["text"], line["ocrfix_original"]) == ("布署稳定经济大盘", "部署稳定经济大盘")
    assert (line["words"][0]["text"], line["words"][0]["ocrfix_original"]) == ("布", "部")
    assert "ocrfix_original" not in line["words"][1] and out["analyzeResult"]["readResults"][0]["lines"][1].get("ocrfix_original") is None
    again = parse(out)
    assert [line.text() for line in again.lines()][2] == "布署稳定经济大盘"
    assert next(w for w in again.words() if w.text == "布").correction == Correction("部")


def test_an_image_analysis_correction_rewrites_the_word_and_the_line() -> None:
    out = corrected(read_document(DATA / "azure-vision-40.json"), "部署", "布署")
    line = out["readResult"]["blocks"][1]["lines"][1]
    assert (line["text"], line["words"][0]["text"], line["words"][0]["ocrfix_original"]) == ("布署稳定经济大盘", "布署", "部署")
    assert out["metadata"] == {"width": 1000, "height": 800}


def _slices_hold_their_content(result: dict, content: str) -> None:
    """Every span of the result holds what its element says it holds."""
    page = result["pages"][0]
    for word in page["words"]:
        assert content[word["span"]["offset"]:][:word["span"]["length"]] == word["content"]
    for el in [*page["lines"], *result["paragraphs"], *(c for t in result.get("tables", []) for c in t["cells"])]:
        assert "".join(content[s["offset"]:s["offset"] + s["length"]] for s in el["spans"]) == el["content"]
    assert page["spans"] == [{"offset": 0, "length": len(content)}]


@pytest.mark.parametrize("name", ["azure-di-read-pdf.json", "azure-formrecognizer-dict.json"])
def test_a_document_intelligence_correction_moves_the_content_and_every_span_after_it(name: str) -> None:
    """A correction that lengthens a word: ``content``, the spans after it (lines, paragraphs, table
    cells, the page's and the languages'), and the contents of the elements they hold move with it."""
    out = corrected(read_document(DATA / name), "部", "布置", at="部署")
    result = out.get("analyzeResult", out)
    assert result["content"] == "经济新闻\n国务院召开常务会议\n布置署稳定经济大盘\n各地区要抓好落实。"
    _slices_hold_their_content(result, result["content"])
    assert result["paragraphs"][1]["content"] == "国务院召开常务会议\n布置署稳定经济大盘\n各地区要抓好落实。"
    word = next(w for w in result["pages"][0]["words"] if "ocrfix_original" in w)
    assert word["ocrfix_original"] in ("部", "部署") and word["content"].startswith("布置")
    for lang in result["languages"]:
        assert lang["spans"] == [{"offset": 0, "length": len(result["content"])}]
    again = parse(out)
    assert [line.text() for line in again.lines()][2] == "布置署稳定经济大盘"


def test_document_intelligence_offsets_in_utf16_code_units_are_kept_in_that_unit() -> None:
    """A character beyond the BMP counts two UTF-16 code units (the JavaScript SDK's ``stringIndexType``)."""
    value = load("azure-di-read-pdf.json")
    result = value["analyzeResult"]
    result["stringIndexType"] = "utf16CodeUnit"
    result["content"] = "𠀀" + result["content"][1:]
    result["pages"][0]["words"][0]["content"] = "𠀀"
    for holder in [*result["pages"][0]["words"], *result["pages"][0]["lines"], result["pages"][0], *result["paragraphs"], *result["languages"]]:
        for span in holder.get("spans") or [holder["span"]]:
            span["offset"], span["length"] = (span["offset"] + 1, span["length"]) if span["offset"] else (0, span["length"] + 1)
    result["paragraphs"][0]["content"] = result["pages"][0]["lines"][0]["content"] = "𠀀济新闻"
    out = corrected(parse(value), "部", "布置")["analyzeResult"]
    units = out["content"].encode("utf-16-le")
    for line in out["pages"][0]["lines"]:
        span = line["spans"][0]
        assert units[2 * span["offset"]:2 * (span["offset"] + span["length"])].decode("utf-16-le") == line["content"]
    assert [line["content"] for line in out["pages"][0]["lines"]][2] == "布置署稳定经济大盘"


def test_built_from_another_format_it_reads_back_the_same_page_and_engine() -> None:
    hocr = read_document(Path(__file__).parent / "data" / "formats" / "twocol.hocr")
    data = write_document(hocr, "azure")
    again = parse_document(data, "built.json")
    assert (again.format, again.software) == ("azure", hocr.software)
    assert again.text() == hocr.text() and [w.box for w in again.words()] == [w.box for w in hocr.words()]
    assert reflow_document(again).text == reflow_document(hocr).text
    result = json.loads(data)["analyzeResult"]
    _slices_hold_their_content(result, result["content"])


def test_a_corrected_document_built_as_azure_keeps_the_ocr_readings() -> None:
    doc = read_document(DATA / "tesseract5.tsv")
    flow = reflow_document(doc)
    fixed = apply_edits(doc, flow.text, [Edit(flow.text.index("部署"), "部", "布")], flow.words)
    again = parse_document(write_document(fixed, "azure"), "built.json")
    word = next(w for w in again.words() if w.correction)
    assert (word.text, word.correction.original) == ("布署", "部署")


@pytest.mark.parametrize("name, fmt", [
    ("gcv-response.json", "gcv"), ("gcv-annotate-image.json", "gcv"), ("gcv-pdf-normalized.json", "gcv"),
    ("paddle3-res.json", "paddle"), ("rapid3-items.json", "paddle"), ("surya-results.json", "paddle"),
    ("azure-formrecognizer-dict.json", "azure"),  # pages and paragraphs, as a GCV annotation alone has
])
def test_detection_tells_azure_from_the_other_json_formats(name: str, fmt: str) -> None:
    assert detect_format((DATA / name).read_bytes()) == fmt


@pytest.mark.parametrize("edit, message", [
    (lambda v: v["analyzeResult"]["readResults"][0]["lines"][0]["words"][0].update(boundingBox=[1, "far", 3, 4]), "bad boundingBox"),
    (lambda v: v["analyzeResult"]["readResults"][0]["lines"][0]["words"][0].update(boundingBox=[1, 2, 3]), "bad boundingBox"),
    (lambda v: [(w.pop("boundingBox"), v["analyzeResult"]["readResults"][0]["lines"][0].pop("boundingBox", None))
                for w in v["analyzeResult"]["readResults"][0]["lines"][0]["words"]], "has no boundingBox or polygon"),
    (lambda v: v["analyzeResult"]["readResults"][0].update(lines=[]), "azure file without any text"),
])
def test_damaged_read_results_are_one_line_errors(edit, message: str) -> None:
    value = load("azure-read-v32.json")
    edit(value)
    with pytest.raises(InputError, match=message):
        parse(value)


def test_a_polygon_point_that_is_not_a_number_is_a_one_line_error() -> None:
    value = load("azure-formrecognizer-dict.json")
    value["pages"][0]["words"][3]["polygon"][1] = {"x": "far", "y": 1}
    with pytest.raises(InputError, match="bad polygon"):
        parse(value)


def test_other_json_given_as_azure_and_a_truncated_file_are_refused(tmp_path: Path, capsys) -> None:
    with pytest.raises(InputError, match="not an Azure Read, Document Intelligence or Image Analysis result"):
        parse_document((DATA / "gcv-response.json").read_bytes(), "g.json", "azure")
    cut = tmp_path / "cut.json"
    cut.write_bytes((DATA / "azure-di-read-pdf.json").read_bytes()[:3000])
    assert main(["reflow", str(cut)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not valid JSON" in err[0]


@pytest.mark.parametrize("status", ["running", "notStarted", "failed"])
def test_an_operation_without_its_result_says_its_status(status: str) -> None:
    with pytest.raises(InputError, match=f"an Azure operation whose status is '{status}', without a result"):
        parse({"status": status, "createdDateTime": "2026-11-30T08:00:00Z", "lastUpdatedDateTime": "2026-11-30T08:00:00Z"})
