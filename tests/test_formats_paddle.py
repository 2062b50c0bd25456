"""PaddleOCR / RapidOCR / Surya results as JSON: the shapes the engines write, the reading order
from the line boxes (PP-OCR lists the lines of side-by-side columns across), corrections written
back into the JSON, conversion from and to the other formats, bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_support import Edit

from ocrfix.errors import InputError
from ocrfix.formats import apply_edits, correct_document, detect_format, output_bytes, parse_document, read_document, write_document
from ocrfix.formats.registry import is_plain_text

DATA = Path(__file__).parent / "data" / "formats"

#: Two columns of one paragraph (40 px characters, 12 a line), in PP-OCR's order: top to bottom,
#: each row left to right, so the engine's own order runs across the columns.
LEFT = ["\u3000\u3000春季农贸集市今天开张，城东", "的摊位从清晨六点起陆续摆出", "新鲜的蔬菜和水果，前来采购", "的居民络绎不绝，不少人专程"]
RIGHT = ["从城西赶来。市场管理处介绍", "今年新增摊位一百二十个，并", "设立了便民服务点，为老人提", "供休息和咨询服务。"]
PARAGRAPH = "春季农贸集市今天开张，城东的摊位从清晨六点起陆续摆出新鲜的蔬菜和水果，前来采购的居民络绎不绝，不少人专程从城西赶来。市场管理处介绍今年新增摊位一百二十个，并设立了便民服务点，为老人提供休息和咨询服务。"


def _lines() -> list[tuple[str, list[int], float]]:
    rows = []
    for row in range(4):
        for column, texts in enumerate((LEFT, RIGHT)):
            x0, y0 = 40 + column * 560, 40 + row * 60
            text = texts[row]
            rows.append((text, [x0, y0, x0 + 40 * len(text.lstrip("\u3000")) + (80 if text.startswith("\u3000") else 0), y0 + 40],
                         0.9 + row / 100))
    return rows


def _poly(box: list[int]) -> list[list[int]]:
    x0, y0, x1, y1 = box
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def shapes() -> dict[str, object]:
    lines = _lines()
    return {
        "paddle3": {"input_path": "p.png", "rec_texts": [t for t, _, _ in lines], "rec_scores": [s for _, _, s in lines],
                    "rec_boxes": [b for _, b, _ in lines]},
        "paddle3-res": {"res": {"rec_texts": [t for t, _, _ in lines], "rec_scores": [s for _, _, s in lines],
                                "rec_polys": [_poly(b) for _, b, _ in lines]}},
        "paddle2": [[[_poly(b), [t, s]] for t, b, s in lines]],
        "rapid": [{"box": _poly(b), "txt": t, "score": s} for t, b, s in lines],
        # rapidocr_onnxruntime 1.x (PP-OCRv4 / v3 models) returns a list of [box, text, score]
        "rapid1": [[_poly(b), t, s] for t, b, s in lines],
        # surya_ocr's results.json: {image name: [page, ...]}, each line with its polygon, bbox and characters
        "surya": {"p": [{"text_lines": [{"polygon": _poly(b), "confidence": s, "text": t, "bbox": b,
                                         "chars": [{"text": ch, "polygon": _poly(b), "confidence": s, "bbox_valid": True}
                                                   for ch in t[:2]]} for t, b, s in lines],
                         "image_bbox": [0, 0, 1200, 400], "page": 1}]},
        "surya-page": {"text_lines": [{"polygon": _poly(b), "confidence": s, "text": t} for t, b, s in lines],
                       "image_bbox": [0, 0, 1200, 400]},
    }


def write(tmp_path: Path, shape: str) -> Path:
    path = tmp_path / f"{shape}.json"
    path.write_text(json.dumps(shapes()[shape], ensure_ascii=False), encoding="utf-8")
    return path


class FakeCorrector:
    """Replaces every 季 by 秋, the way ocrfix's Corrector reports edits."""

    def correct(self, text: str, reflow: bool = True, readings=None, wrapped=None, page_chars=None, reaching=None) -> object:
        edits = [Edit(i, "季", "秋") for i, ch in enumerate(text) if ch == "季"]
        return type("Result", (), {"text": text.replace("季", "秋"), "edits": edits, "source": text})()


@pytest.mark.parametrize("shape", list(shapes()))
def test_every_shape_reads_into_the_same_lines_boxes_and_scores(tmp_path: Path, shape: str) -> None:
    data = write(tmp_path, shape).read_bytes()
    assert detect_format(data) == "paddle" and not is_plain_text(data, None)
    doc = parse_document(data, f"{shape}.json")
    expected = [(t, tuple(b), s) for t, b, s in _lines()]
    assert [(line.text(), tuple(line.box), line.words[0].conf) for line in doc.lines()] == expected
    assert doc.software == ("RapidOCR" if shape.startswith("rapid") else "Surya" if shape.startswith("surya") else "PaddleOCR")


@pytest.mark.parametrize("shape", list(shapes()))
def test_the_boxes_give_the_reading_order_the_engine_crosses(tmp_path: Path, shape: str) -> None:
    done = correct_document(read_document(write(tmp_path, shape)), FakeCorrector())
    assert done.source.split() == [PARAGRAPH]
    assert done.text.split() == [PARAGRAPH.replace("季", "秋")]


@pytest.mark.parametrize("shape", list(shapes()))
def test_corrections_go_back_into_the_json_and_the_rest_is_kept(tmp_path: Path, shape: str) -> None:
    done = correct_document(read_document(write(tmp_path, shape)), FakeCorrector())
    out = json.loads(output_bytes(done))
    original = shapes()[shape]
    if shape == "rapid":
        assert out[0] == {**original[0], "txt": LEFT[0].replace("季", "秋"), "ocrfix_original": LEFT[0]}
        assert out[1:] == original[1:]
    elif shape == "paddle2":
        assert out[0][0][1] == [LEFT[0].replace("季", "秋"), original[0][0][1][1]] and out[0][1:] == original[0][1:]
    elif shape == "rapid1":
        assert out[0] == [original[0][0], LEFT[0].replace("季", "秋"), original[0][2]] and out[1:] == original[1:]
    elif shape.startswith("surya"):
        page, before = (out["p"][0], original["p"][0]) if shape == "surya" else (out, original)
        assert page["text_lines"][0] == {**before["text_lines"][0], "text": LEFT[0].replace("季", "秋"), "ocrfix_original": LEFT[0]}
        assert page["text_lines"][1:] == before["text_lines"][1:]
        assert {k: v for k, v in page.items() if k != "text_lines"} == {k: v for k, v in before.items() if k != "text_lines"}
    else:
        page, before = (out["res"], original["res"]) if shape == "paddle3-res" else (out, original)
        assert page["rec_texts"] == [LEFT[0].replace("季", "秋"), *before["rec_texts"][1:]]
        assert page["ocrfix_original_texts"] == [LEFT[0]] + [None] * 7
        assert {k: v for k, v in page.items() if k not in ("rec_texts", "ocrfix_original_texts")} == \
            {k: v for k, v in before.items() if k != "rec_texts"}
    again = parse_document(output_bytes(done), "again.json")
    kept = [w.correction.original for w in again.words() if w.correction]
    assert kept == ([] if shape in ("paddle2", "rapid1") else [LEFT[0]])  # their lists have no room for it


def test_a_line_corrected_twice_keeps_its_first_ocr_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "rapid")
    first = correct_document(read_document(path), FakeCorrector())
    second_doc = parse_document(output_bytes(first), "o.json")
    text = second_doc.text()
    at = text.index("秋")
    second = apply_edits(second_doc, text, [Edit(at, "秋", "夏")])
    out = json.loads(write_document(second))
    assert out[0]["txt"].startswith("\u3000\u3000春夏") and out[0]["ocrfix_original"] == LEFT[0]


@pytest.mark.parametrize("name", ["onecol.xml", "onecol.hocr", "small.page.xml"])
def test_other_formats_convert_to_paddle_json_and_back(name: str) -> None:
    doc = read_document(DATA / name)
    text = doc.text()
    fixed = apply_edits(doc, text, [Edit(text.index("集"), "集", "菜")])
    converted = parse_document(write_document(fixed, "paddle"), "out.json")
    assert converted.format == "paddle" and converted.software == (doc.software or "PaddleOCR")
    assert [(line.text(), line.box) for line in converted.lines()] == [(line.text(), line.box) for line in fixed.lines()]
    assert any(w.correction and w.correction.original.count("集") for w in converted.words())
    back = parse_document(write_document(converted, "alto"), "back.xml")
    assert [line.text() for line in back.lines()] == [line.text() for line in fixed.lines()]


@pytest.mark.parametrize(("data", "message"), [
    (b'{"rec_texts": ["\xe9\x9b\x86"', "not valid JSON"),
    (b'{"texts": ["a"]}', "not a PaddleOCR, RapidOCR, Surya, Google Cloud Vision, Azure or Amazon Textract result"),
    (b'{"p": [{"text_lines": [{"txt": "a"}]}]}', "not a PaddleOCR, RapidOCR, Surya, Google Cloud Vision, Azure or Amazon Textract result"),
    (b'{"rec_texts": ["  "], "rec_boxes": [[0, 0, 1, 1]]}', "without any text"),
    (b'[{"box": [[0, 0], [1, 0], [1, 1], [0, 1]], "txt": "\xff"}]', "not UTF-8"),
])
def test_bad_json_gets_a_one_line_error_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        parse_document(data, "bad.json", "paddle")
    assert "bad.json" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("data", [b'{"title": "\xe9\x9b\x86\xe5\xb8\x82"}\n', b'[{"box": [[0, 0], [1, 0]], "txt": "\xe9\x9b\x86',
                                  b'name.png\t[["\xe9\x9b\x86'])
def test_json_of_another_kind_or_cut_short_is_refused_unless_told_it_is_text(data: bytes) -> None:
    assert not is_plain_text(data, None) and detect_format(data) == "paddle"
    with pytest.raises(InputError, match="--format text"):
        parse_document(data, "x.json")
    assert parse_document(data, "x.json", "text").format == "text"


@pytest.mark.parametrize("text", ["[1] 张三，李四。", "{张三}说：", "[注]这是", "“[", "{ 1 }"])
def test_text_that_opens_with_a_bracket_is_still_text(text: str) -> None:
    assert is_plain_text(text.encode("utf-8"), None)
