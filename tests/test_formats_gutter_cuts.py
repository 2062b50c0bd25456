"""PP-OCR JSON lines that run across a column gutter: cut at it by the character pitch, the pieces
read in their columns and written back into their line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_support import Edit
from test_correct_fixtures import WEIGHTS, write_arpa, write_confusions

from ocrfix.cli import main
from ocrfix.formats import correct_document, output_bytes, parse_document
from ocrfix.text_reflow import display_width

CELL = 40  # px a character (a digit or a Latin letter: half)
CELLS = 10  # characters a column line
LEFT, RIGHT = 40, 40 + (CELLS + 1) * CELL  # the columns' left edges: a gutter one character wide
#: Two columns of two paragraphs each, set ten characters a line, a paragraph's first line indented two.
PARAGRAPHS = (
    ("春季农贸集市今天开张，城东的摊位从清晨六点起陆续摆出新鲜的蔬菜和水果，前来采购的居民络绎不绝。",
     "市场管理处介绍，今年2016年新增摊位一百二十个，并设立了便民服务点，为老人提供休息。"),
    ("不少市民专程从城西赶来，只为买到一把刚摘下的青菜，价格也比超市便宜一些。",
     "据统计，去年全市新建农贸市场十二个，方便了周边居民的日常生活和采购需求。"),
)


def _lines(paragraphs: tuple[str, ...]) -> list[tuple[str, int]]:
    """A column's lines: (text, indent in cells)."""
    lines = []
    for paragraph in paragraphs:
        line, width, indent = "", 0.0, 2
        for ch in paragraph:
            if width + display_width(ch) > CELLS - indent:
                lines.append((line, indent))
                line, width, indent = "", 0.0, 0
            line += ch
            width += display_width(ch)
        lines.append((line, indent))
    return lines


def _page(merged: set[int], headline: str | None = None) -> dict:
    """A PaddleOCR 3.x result of the two columns, the rows ``merged`` read as one line across the
    gutter (its text the two lines' one after the other); ``headline`` across both columns above."""
    texts, boxes = [], []
    if headline:
        texts.append(headline)
        boxes.append([LEFT, 20, LEFT + 2 * CELL * len(headline), 20 + 2 * CELL])
    columns = [_lines(PARAGRAPHS[0]), _lines(PARAGRAPHS[1])]
    for row in range(max(map(len, columns))):
        y = 120 + row * CELL * 3 // 2
        pieces = [(text, [x + indent * CELL, y, x + round((indent + display_width(text)) * CELL), y + CELL])
                  for x, column in zip((LEFT, RIGHT), columns) if row < len(column) for text, indent in [column[row]]]
        if row in merged and len(pieces) == 2:
            pieces = [(pieces[0][0] + pieces[1][0], [pieces[0][1][0], y, pieces[1][1][2], y + CELL])]
        for text, box in pieces:
            texts.append(text)
            boxes.append(box)
    return {"input_path": "p.png", "rec_texts": texts, "rec_scores": [0.95] * len(texts), "rec_boxes": boxes}


def _read(page: dict):
    return parse_document(json.dumps(page, ensure_ascii=False).encode("utf-8"), "p.json")


class FakeCorrector:
    """Replaces every 季 by 秋 and every 统 by 总, the way ocrfix's Corrector reports edits."""

    def correct(self, text: str, reflow: bool = True, readings=None, wrapped=None, page_chars=None, reaching=None) -> object:
        edits = [Edit(i, ch, {"季": "秋", "统": "总"}[ch]) for i, ch in enumerate(text) if ch in "季统"]
        return type("Result", (), {"text": text.replace("季", "秋").replace("统", "总"), "edits": edits, "source": text})()


def test_rows_read_across_a_gutter_are_cut_into_their_columns_and_read_in_order() -> None:
    page = _page({0, 3})
    assert len(page["rec_texts"]) == sum(len(_lines(p)) for p in PARAGRAPHS) - 2  # two rows read across both columns
    doc = _read(page)
    assert sorted(line.text() for line in doc.lines()) == sorted(text for p in PARAGRAPHS for text, _ in _lines(p))
    # the pieces' boxes: a column's first line indented two characters stays so
    first = [line.box for line in doc.lines() if line.box.y0 == 120]
    assert [(box.x0, box.x1) for box in first] == [(LEFT + 2 * CELL, LEFT + CELLS * CELL), (RIGHT + 2 * CELL, RIGHT + CELLS * CELL)]
    done = correct_document(doc, FakeCorrector())
    assert done.source.split() == [p for column in PARAGRAPHS for p in column]


def test_a_cut_keeps_a_digit_run_half_a_cell_a_digit_and_every_character_once() -> None:
    left = _lines(PARAGRAPHS[0])
    row = next(k for k, (text, _) in enumerate(left) if "2016" in text)
    assert display_width(left[row][0]) == CELLS and len(left[row][0]) == CELLS + 2  # counted whole, the digits would cut two early
    page = _page({row})
    doc = _read(page)
    assert [line.text() for line in doc.lines() if line.box.y0 == 120 + row * CELL * 3 // 2] == [left[row][0], _lines(PARAGRAPHS[1])[row][0]]
    assert "".join(line.text() for line in doc.lines()) == "".join(page["rec_texts"])


def test_a_headline_across_the_columns_and_a_line_without_a_gutter_s_blank_are_not_cut() -> None:
    headline = "农贸市场迎来新春"
    page = _page({2}, headline)
    # a row whose characters run on over the gutter's place, no blank in it: one line of the columns'
    # width read across (a caption, another story's column): its box holds no more than its text
    page["rec_texts"].append("菜" * (2 * CELLS + 1))
    page["rec_boxes"].append([LEFT, 120 + 8 * CELL * 3 // 2, RIGHT + CELLS * CELL, 120 + 8 * CELL * 3 // 2 + CELL])
    texts = [line.text() for line in _read(page).lines()]
    assert texts[0] == headline and "菜" * (2 * CELLS + 1) in texts
    assert len(texts) == len(page["rec_texts"]) + 1  # the merged row alone is cut


def test_corrections_in_a_cut_line_go_back_into_its_json_line() -> None:
    page = _page({0, 7})
    doc = _read(page)
    assert len(list(doc.lines())) == len(page["rec_texts"]) + 2
    done = correct_document(doc, FakeCorrector())
    out = json.loads(output_bytes(done))
    merged = [k for k, box in enumerate(page["rec_boxes"]) if box[2] - box[0] > (CELLS + 2) * CELL]
    assert len(merged) == 2
    for k in merged:
        assert out["rec_texts"][k] == page["rec_texts"][k].replace("季", "秋").replace("统", "总")
        assert out["ocrfix_original_texts"][k] == (page["rec_texts"][k] if out["rec_texts"][k] != page["rec_texts"][k] else None)
    assert any(out["ocrfix_original_texts"][k] for k in merged)
    # read again, a line corrected before is one line: its OCR reading is the whole line's
    again = {line.text(): line.words[0].correction for line in _read(out).lines()}
    assert all(again[out["rec_texts"][k]].original == page["rec_texts"][k] for k in merged if out["ocrfix_original_texts"][k])


def test_a_cut_line_of_rapidocr_items_is_written_back_whole_with_its_reading() -> None:
    page = _page({0})
    items = [{"box": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], "txt": text, "score": 0.9}
             for text, (x0, y0, x1, y1) in zip(page["rec_texts"], page["rec_boxes"])]
    doc = parse_document(json.dumps(items, ensure_ascii=False).encode("utf-8"), "r.json")
    assert len(list(doc.lines())) == len(items) + 1
    out = json.loads(output_bytes(correct_document(doc, FakeCorrector())))
    assert out[0] == {**items[0], "txt": items[0]["txt"].replace("季", "秋"), "ocrfix_original": items[0]["txt"]}
    assert [item["txt"] for item in out[1:]] == [item["txt"].replace("季", "秋").replace("统", "总") for item in items[1:]]


#: Boxes no engine should give, but a hand-edited or converted file may: each put in the page with each text.
DEGENERATE_BOXES = {"zero width": [100, 120, 100, 160], "inverted": [900, 120, 40, 160], "upside down": [40, 160, 900, 120],
                    "zero height": [40, 120, 900, 120], "NaN": [float("nan"), 120, 900, 160], "one point": [[500, 500]]}
DEGENERATE_TEXTS = {"empty": "", "blank": "  ", "one character": "春", "digits": "12"}


def test_degenerate_boxes_and_texts_are_read_reflowed_and_corrected_without_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    WEIGHTS.save(tmp_path / "w.json")
    models = ["--model", str(write_arpa(tmp_path / "lm.arpa")), "--confusions", str(write_confusions(tmp_path / "c.tsv")),
              "--weights", str(tmp_path / "w.json"), "--quiet"]
    page = _page({0, 3})
    for name, box in DEGENERATE_BOXES.items():
        for text in DEGENERATE_TEXTS.values():
            bad = json.loads(json.dumps(page))
            for where in (0, len(bad["rec_texts"]) // 2):
                bad["rec_texts"].insert(where, text)
                bad["rec_boxes"].insert(where, box)
                bad["rec_scores"].insert(where, 0.9)
            path = tmp_path / "p.json"
            path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
            assert main(["reflow", str(path), "-o", str(tmp_path / "r.txt")]) == 0, name
            assert main(["correct", str(path), "-o", str(tmp_path / "c.json"), *models]) == 0, name
            out = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
            assert len(out["rec_texts"]) == len(bad["rec_texts"])
            # the merged rows are still cut into their columns, the paragraphs read whole (a line the reader
            # finds no box for, NaN's, makes the page one of no geometry: reflowed as plain text)
            reflowed = (tmp_path / "r.txt").read_text(encoding="utf-8").replace("\n", "")
            assert name == "NaN" or all(p in reflowed for column in PARAGRAPHS for p in column), name
    assert "Traceback" not in capsys.readouterr().err
