"""benchmarks.paddle_json --stories: a page's JSON already in the output folder is read again
(its ALTO, hOCR and text made from it) instead of running the engine on the image."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from benchmarks import paddle_json


def test_story_pages_reads_a_json_already_written_instead_of_the_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, out = tmp_path / "in" / "dev", tmp_path / "out" / "dev"
    source.mkdir(parents=True)
    out.mkdir(parents=True)
    Image.new("L", (200, 100), 255).save(source / "dev-1.png")
    (source / "dev-1.gt.json").write_text('{"stories": []}', encoding="utf-8")
    (source / "dev-1.gt.txt").write_text("春季农贸集市今天开张\n", encoding="utf-8")
    result = {"input_path": "dev-1.png", "rec_texts": ["春季农贸集市今天开张"], "rec_scores": [0.9], "rec_boxes": [[10, 10, 190, 30]]}
    (out / "dev-1.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

    def engine(image: Image.Image) -> dict:
        raise AssertionError("the engine ran on a page whose JSON was there")

    monkeypatch.setattr(paddle_json, "rapidocr_result", engine)
    assert paddle_json.story_pages(tmp_path / "in", tmp_path / "out") == 1
    assert (out / "dev-1.txt").read_text(encoding="utf-8") == "春季农贸集市今天开张\n"
    assert "春季农贸集市今天开张" in (out / "dev-1.xml").read_text(encoding="utf-8")
    assert (out / "dev-1.hocr").is_file() and (out / "dev-1.gt.txt").is_file()
    assert json.loads((out / "dev-1.json").read_text(encoding="utf-8")) == result
