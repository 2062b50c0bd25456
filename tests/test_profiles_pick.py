"""The engine profile picked from the OCR software a file names; an explicit profile always wins."""
import json
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.errors import ModelError
from ocrfix.formats import parse_document, read_document, write_document
from ocrfix.formats.registry import xml_format
from ocrfix.profiles import engine_table, pick_profile, shipped_profiles
from ocrfix.settings import PROJECT_ROOT, load_settings

DATA = Path(__file__).parent / "data" / "formats"
MODELS = PROJECT_ROOT / "models"


def renamed(name: str, old: str, new: str) -> bytes:
    """A test file with its OCR software ``old`` named ``new``."""
    data = (DATA / name).read_bytes()
    assert old.encode() in data
    return data.replace(old.encode(), new.encode())


@pytest.mark.parametrize("name, old", [("onecol.hocr", "tesseract 5.3.0"), ("onecol.xml", "tesseract 5.3.0"),
                                       ("small.page.xml", "ocrfix tests (hand-made, text invented)")])
def test_each_format_reads_the_software_that_wrote_it(name, old):
    assert parse_document(renamed(name, old, "ABBYY FineReader 15"), name).software == "ABBYY FineReader 15"


def test_alto_names_the_ocr_step_and_its_version(tmp_path):
    data = renamed("onecol.xml", "<softwareName>tesseract 5.3.0</softwareName>",
                   "<softwareName>Tesseract</softwareName><softwareVersion>5.3.0</softwareVersion>")
    assert parse_document(data, "a.xml").software == "Tesseract 5.3.0"
    post = data.replace(b"<OCRProcessing", b"<Processing ID='p'><processingSoftware><softwareName>Fixer"
                                          b"</softwareName></processingSoftware></Processing><OCRProcessing")
    assert parse_document(post, "b.xml").software == "Tesseract 5.3.0"  # the OCR step, not a later one
    no_name = renamed("onecol.xml", "<softwareName>tesseract 5.3.0</softwareName>", "")
    assert parse_document(no_name, "c.xml").software is None


def test_a_converted_file_keeps_naming_the_engine():
    doc = read_document(DATA / "onecol.hocr")
    for fmt in ("hocr", "alto", "page"):
        assert parse_document(xml_format(fmt).build(doc), f"x.{fmt}").software == "tesseract 5.3.0"
    assert parse_document(write_document(doc, "page"), "y.page").software == "tesseract 5.3.0"


@pytest.mark.parametrize("software, profile", [
    ("tesseract 5.3.0", "tesseract"), ("Tesseract-OCR 4.1", "tesseract"),
    ("ABBYY FineReader 15", "generic"), ("Google Cloud Vision", "generic"),
    ("Azure AI Document Intelligence", "generic"), ("Azure Computer Vision", "generic"), ("Amazon Textract", "generic"),
    ("PaddleOCR 2.7", "ppocr"), ("RapidOCR 3.0", "ppocr"), ("PP-OCRv4", "ppocr"),
    ("rapidocr_onnxruntime 1.3.24", "ppocr"),
])
def test_the_shipped_table_maps_software_to_profiles(software, profile):
    installed = shipped_profiles(MODELS)
    assert pick_profile(software, MODELS, "tesseract") == (profile if profile in installed else "generic", software)


@pytest.mark.parametrize("software", [None, "", "ocrfix", "ocrfix tests (hand-made)"])
def test_a_file_naming_no_engine_gets_the_default(software):
    assert pick_profile(software, MODELS, "mine") == ("mine", None)


def test_a_mapped_profile_that_is_not_installed_falls_back(tmp_path):
    root = tmp_path / "profiles"
    for name in ("generic", "fine"):
        (root / name).mkdir(parents=True)
        (root / name / "profile.json").write_text("{}", encoding="utf-8")
    (root / "engines.json").write_text(json.dumps({"engines": [
        {"pattern": "abbyy", "profile": "fine"}, {"pattern": "paddle", "profile": "absent"}], "unknown": "generic"}))
    assert pick_profile("ABBYY FineReader", tmp_path, "x") == ("fine", "ABBYY FineReader")
    assert pick_profile("PaddleOCR", tmp_path, "x") == ("generic", "PaddleOCR")
    (root / "engines.json").write_text(json.dumps({"engines": [{"pattern": "(", "profile": "fine"}]}))
    engine_table.cache_clear()
    with pytest.raises(ModelError, match="not an engine table"):
        pick_profile("anything", tmp_path, "x")
    engine_table.cache_clear()


def _stats(tmp_path: Path, name: str, data: bytes, models: list[str], *extra: str) -> dict:
    src, stats = tmp_path / name, tmp_path / f"{name}.stats.jsonl"
    src.write_bytes(data)
    stats.unlink(missing_ok=True)
    assert main(["correct", str(src), "-o", str(tmp_path / f"out-{name}"), "--stats", str(stats), *models, *extra]) == 0
    return json.loads(stats.read_text(encoding="utf-8"))


def test_a_run_picks_per_file_and_an_explicit_profile_wins(tmp_path, models, capsys):
    models = [m for m in models if m != "--quiet"]
    abbyy = renamed("onecol.xml", "tesseract 5.3.0", "ABBYY FineReader 15")
    record = _stats(tmp_path, "a.xml", abbyy, models)
    assert (record["profile"], record["software"]) == ("generic", "ABBYY FineReader 15")
    assert "profile from the files' OCR software: generic for 1 file ('ABBYY FineReader 15')" in capsys.readouterr().err
    record = _stats(tmp_path, "t.hocr", (DATA / "onecol.hocr").read_bytes(), models)
    assert (record["profile"], record["software"]) == ("tesseract", "tesseract 5.3.0")
    capsys.readouterr()
    record = _stats(tmp_path, "b.xml", abbyy, models, "--profile", "tesseract")
    assert "profile" not in record and "OCR software" not in capsys.readouterr().err
    record = _stats(tmp_path, "c.txt", "我们在北京工乍。\n".encode(), models)
    assert "profile" not in record


def test_a_files_ocr_software_wins_over_ocrfix_profile(tmp_path, models, monkeypatch):
    """OCRFIX_PROFILE is the profile of files that name no engine; a file naming its engine keeps
    the profile that engine maps to (only --profile overrides it)."""
    models = [m for m in models if m != "--quiet"]
    monkeypatch.setenv("OCRFIX_PROFILE", "tesseract")
    load_settings.cache_clear()
    paddle = renamed("onecol.hocr", "tesseract 5.3.0", "PaddleOCR 2.7")
    record = _stats(tmp_path, "p.hocr", paddle, models)
    expected = "ppocr" if "ppocr" in shipped_profiles(MODELS) else "generic"
    assert (record["profile"], record["software"]) == (expected, "PaddleOCR 2.7")
    assert "profile" not in _stats(tmp_path, "n.txt", "我们在北京工乍。\n".encode(), models)
