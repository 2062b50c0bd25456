"""Character sheets: every character placed exactly once per pass, faces and glyph size as configured."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks import sheets
from benchmarks.ocr import tesseract_available
from benchmarks.typeset import FONT_FILES

CONFIG = {
    "render": {"faces": ["song"], "sizes": [40], "cells": [10], "leading": [1.6, 1.6],
               "tracking": [0.02, 0.02], "headline_scale": [2.0, 2.0]},
    "face_px": {"song": 0.0, "hei": -0.5, "uming": 1.0},
    "splits": {"train": {"sources": "train", "seed": 7, "levels": ["l1"], "pages": 1, "min_chars": 20,
                         "columns": [2, 2], "lines": [6, 6]}},
    "levels": {"l1": {"px": [16.0, 16.0], "recipes": [{}]}},
}
CHARS = [chr(0x4E00 + i) for i in range(0, 400, 2)]  # 200 common-block chars


def _fonts_present() -> bool:
    return all(Path(path).exists() for path, _ in FONT_FILES.values())


def test_pseudo_text_keeps_characters_in_order() -> None:
    text = "".join(CHARS[:150])
    article = sheets.pseudo_text(text, random.Random(3))
    assert (article.headline + "".join(article.paragraphs)).replace("，", "").replace("。", "") == text
    assert all(p.endswith("。") for p in article.paragraphs)
    assert sheets.HEADLINE[0] <= len(article.headline) <= sheets.HEADLINE[1]


def test_sheet_spec_sets_face_and_keeps_glyph_size_per_face() -> None:
    song = sheets.sheet_spec(CONFIG, "l1", "song", 0, 0)
    uming = sheets.sheet_spec(CONFIG, "l1", "uming", 0, 0)
    assert (song.style.face, uming.style.face) == ("song", "uming")
    assert song.degradation.scale * 40 == pytest.approx(16.0, abs=0.01)
    assert uming.degradation.scale * 40 == pytest.approx(17.0, abs=0.01)  # face_px offset
    assert sheets.sheet_spec(CONFIG, "l1", "song", 1, 0).seed != song.seed
    with pytest.raises(ValueError):
        sheets.sheet_spec(CONFIG, "l1", "kai", 0, 0)


def test_a_pass_places_every_character_exactly_once() -> None:
    if not _fonts_present():
        pytest.skip("CJK fonts not installed")
    placed = []
    for sheet in sheets.pass_sheets(CONFIG, CHARS, "l1", "hei", 0):
        page = sheet.page
        placed += list(page.headline) + [c for p in page.paragraphs for c in p if c not in "，。"]
        assert sheet.spec.style.face == "hei"
    assert sorted(placed) == sorted(CHARS)
    assert len(placed) == len(CHARS) > 100
    again = [s.page.gt_text for s in sheets.pass_sheets(CONFIG, CHARS, "l1", "hei", 0)]
    other = [s.page.gt_text for s in sheets.pass_sheets(CONFIG, CHARS, "l1", "hei", 1)]
    assert again == [s.page.gt_text for s in sheets.pass_sheets(CONFIG, CHARS, "l1", "hei", 0)] and again != other


def test_unknown_face_or_level_is_an_input_error(tmp_path: Path) -> None:
    from ocrfix.errors import InputError

    with pytest.raises(InputError, match="unknown face"):
        sheets.generate_sheets(tmp_path, CONFIG, CHARS, ["l1"], ["kai"], 1)
    with pytest.raises(InputError, match="unknown level"):
        sheets.generate_sheets(tmp_path, CONFIG, CHARS, ["l9"], ["song"], 1)


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with chi_sim not installed")
def test_one_sheet_is_ocred_and_written(tmp_path: Path) -> None:
    if not _fonts_present():
        pytest.skip("CJK fonts not installed")
    sheet = next(sheets.pass_sheets(CONFIG, CHARS[:40], "l1", "song", 0))
    entry = sheets.make_sheet(sheet, tmp_path)
    name = sheet.spec.name
    assert (tmp_path / f"{name}.gt.txt").read_text(encoding="utf-8") == sheet.page.gt_text
    assert (tmp_path / f"{name}.ocr.txt").read_text(encoding="utf-8").strip()
    assert 0 <= entry["cer"] < 1 and entry["gt_chars"] > 30
