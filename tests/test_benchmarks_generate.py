"""The page generator on a tiny page: layout, determinism, real Tesseract OCR (skipped without it)."""
from __future__ import annotations

import json
import lzma
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from benchmarks import generate, typeset
from benchmarks.corpus import EVAL_SOURCES, Article
from benchmarks.degrade import Degradation, degrade
from benchmarks.metrics import plain_cer
from benchmarks.ocr import tesseract_available
from benchmarks.typeset import PageStyle, render

ARTICLE = Article("国务院召开常务会议", ("会议指出，要切实做好春耕生产工作。各地要加强组织领导。", "会议强调，2020年是全面建成小康社会之年。"), "test", 1)

CONFIG = {
    "render": {"faces": ["song"], "sizes": [40], "cells": [12], "leading": [1.6, 1.6],
               "tracking": [0.02, 0.02], "headline_scale": [2.0, 2.0]},
    "face_px": {"song": 0.0},
    "splits": {"tiny": {"sources": "eval", "seed": 7, "levels": ["l1"], "pages": 1, "min_chars": 20,
                        "columns": [2, 2], "lines": [4, 4]}},
    "levels": {"l1": {"px": [16.0, 16.0], "recipes": [{}]}},
}


def test_render_places_whole_paragraphs_in_balanced_columns():
    page = render(ARTICLE, PageStyle(face="song", size=30, columns=2, cells=12, lines=2, leading=1.6))
    assert page.gt_text.startswith("国务院召开常务会议\n\n")
    assert page.paragraphs == ARTICLE.paragraphs[:1]  # the second paragraph (5 lines) does not fit in 2 x 2 lines
    assert len(page.column_boxes) == 2 and page.image.mode == "L"
    ink = np.asarray(page.image) < 128
    for box in page.column_boxes:
        assert ink[box.top:box.bottom, box.left:box.right].any()


def test_degrade_is_deterministic_and_scales():
    page = render(ARTICLE, PageStyle(face="hei", size=30, columns=2, cells=12, lines=4, leading=1.6))
    d = Degradation(scale=0.5, noise=10.0, salt_pepper=0.01, jpeg=50)
    a, b, c = degrade(page.image, d, 1), degrade(page.image, d, 1), degrade(page.image, d, 2)
    assert a.size == (round(page.image.width * 0.5), round(page.image.height * 0.5))
    assert np.array_equal(np.asarray(a), np.asarray(b)) and not np.array_equal(np.asarray(a), np.asarray(c))


def test_page_spec_is_a_function_of_the_seed():
    config = generate.load_config()
    assert generate.page_spec(config, "eval", "l2", 3) == generate.page_spec(config, "eval", "l2", 3)
    assert generate.page_spec(config, "eval", "l2", 3) != generate.page_spec(config, "eval", "l2", 4)
    assert all(generate.page_spec(config, "eval", lv, 0).source in EVAL_SOURCES for lv in ("l1", "l2", "l3"))


@pytest.mark.skipif(not tesseract_available(), reason="tesseract with chi_sim not installed")
def test_tiny_page_end_to_end(tmp_path):
    src = tmp_path / "data" / EVAL_SOURCES[0]
    src.parent.mkdir(parents=True)
    with lzma.open(src, "wt", encoding="utf-8") as fh:
        fh.write("国务院召开常务会议\n会议指出，要切实做好春耕生产工作。\n各地要加强组织领导。\n会议强调，全面建成小康社会。\n")
    spec = replace(generate.page_spec(CONFIG, "tiny", "l1", 0), source=EVAL_SOURCES[0])
    entry = generate.make_page(spec, tmp_path / "data", tmp_path / "out")
    gt = (tmp_path / "out" / "tiny-l1-000.gt.txt").read_text(encoding="utf-8")
    ocr = (tmp_path / "out" / "tiny-l1-000.ocr.txt").read_text(encoding="utf-8")
    assert gt.startswith("国务院召开常务会议\n\n") and "会议指出" in gt
    assert ocr.strip() and plain_cer(gt, ocr) < 0.3
    assert (tmp_path / "out" / "tiny-l1-000.png").is_file()
    meta = json.loads((tmp_path / "out" / "tiny-l1-000.meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 7 and meta["cer"] == entry["cer"]


def test_an_engine_split_reuses_its_base_pages_and_existing_pages_make_a_manifest(tmp_path):
    from ocrfix.errors import InputError

    config = {**CONFIG, "splits": {**CONFIG["splits"], "tiny-rapid": {"same_as": "tiny", "engine": "rapidocr",
                                                                     "levels": ["l1"], "pages": 2}}}
    base, reread = generate.page_spec(config, "tiny", "l1", 1), generate.page_spec(config, "tiny-rapid", "l1", 1)
    assert reread == replace(base, name="tiny-rapid-l1-001", split="tiny-rapid", engine="rapidocr")
    with pytest.raises(InputError, match="no pages"):
        generate.generate("tiny-rapid", tmp_path, config, tmp_path, existing=True)
    level = tmp_path / "tiny-rapid" / "l1"
    level.mkdir(parents=True)
    (level / "tiny-rapid-l1-000.meta.json").write_text(json.dumps({"level": "l1", "gt_chars": 10, "cer": 0.1}))
    entries = generate.generate("tiny-rapid", tmp_path, config, tmp_path, existing=True)  # page 1 is not made
    assert len(entries) == 1
    manifest = json.loads((tmp_path / "tiny-rapid" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"] == {"l1": {"pages": 1, "gt_chars": 10, "mean_cer": 0.1}}


def test_every_engine_split_rereads_pages_of_a_split_with_a_known_engine():
    from benchmarks.ocr import ENGINES

    config = generate.load_config()
    rereads = {name: sp for name, sp in config["splits"].items() if "same_as" in sp}
    assert {"rapid-eval", "ppocr4-train", "ppocr4-eval"} <= set(rereads)
    for sp in rereads.values():
        base = config["splits"][sp["same_as"]]
        assert sp["engine"] in ENGINES and set(sp["levels"]) <= set(base["levels"]) and sp["pages"] <= base["pages"]


def test_rapidocr_onnxruntime_gives_its_lines_in_its_own_order(monkeypatch):
    from PIL import Image

    from benchmarks import ocr

    box = [[0.0, 0.0], [9.0, 0.0], [9.0, 4.0], [0.0, 4.0]]
    results = iter([([[box, "第一行", 0.98], [box, "第二行，", 0.91]], [0.1, 0.0, 0.2]), (None, None)])
    monkeypatch.setattr(ocr, "_rapidocr_onnxruntime_engine", lambda: lambda image: next(results))
    blank = Image.new("L", (10, 10), 255)
    assert ocr.rapidocr_onnxruntime(blank) == "第一行\n第二行，\n"
    assert ocr.rapidocr_onnxruntime(blank) == "\n"  # nothing detected


def test_a_split_pinned_to_an_engine_version_is_only_read_by_that_version(tmp_path):
    import importlib.metadata

    from ocrfix.errors import InputError

    have = importlib.metadata.version("rapidfuzz")  # any installed package stands for the engine's

    def pinned(engine: str, version: str) -> dict:
        return {**CONFIG, "splits": {**CONFIG["splits"], "tiny-x": {"same_as": "tiny", "engine": engine,
                                                                  "engine_version": version, "levels": ["l1"], "pages": 1}}}
    generate.check_engine_version("tiny-x", pinned("rapidfuzz", have))
    with pytest.raises(InputError, match=f"rapidfuzz 0.0.1; this Python has {have}"):
        generate.generate("tiny-x", tmp_path, pinned("rapidfuzz", "0.0.1"), tmp_path)
    with pytest.raises(InputError, match="has none"):
        generate.check_engine_version("tiny-x", pinned("no-such-ocr-package", "1.0"))
    generate.check_engine_version("tiny", CONFIG)  # not pinned


def test_a_split_may_render_in_faces_of_its_own():
    config = {**CONFIG, "splits": {**CONFIG["splits"], "tiny-faces": {**CONFIG["splits"]["tiny"], "seed": 8,
                                                                     "render": {"faces": ["ukai"]}}}}
    spec = generate.page_spec(config, "tiny-faces", "l1", 0)
    assert spec.style.face == "ukai" and spec.style.size == 40  # sizes etc. still from [render]
    assert generate.page_spec(config, "tiny", "l1", 0).style.face == "song"


@pytest.mark.skipif(not all(Path(path).exists() for path, _ in typeset.UNSEEN_FONT_FILES.values()),
                    reason="the unseen faces' font packages are not installed")
def test_an_unseen_face_sets_the_characters_it_lacks_in_its_fallback():
    ukai, uming = typeset.font("ukai", 30), typeset.font("uming", 30)
    assert typeset.covering(ukai, "中") is ukai
    assert typeset.covering(ukai, "査") is typeset.font("song", 30)  # AR PL UKai has no 査
    assert typeset.covering(uming, "査") is uming  # the fitted faces set what they always set

    def drawn(fnt) -> np.ndarray:
        image = Image.new("L", (40, 40), 255)
        typeset._draw_line(ImageDraw.Draw(image), 0, 0, "査", 32.0, fnt)
        return np.asarray(image)

    assert np.array_equal(drawn(ukai), drawn(typeset.font("song", 30)))  # not UKai's empty box
    assert not np.array_equal(drawn(uming), drawn(typeset.font("song", 30)))
