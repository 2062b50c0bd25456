"""`ocrfix reflow` / `ocrfix eval` read hOCR, ALTO and PAGE files through ocrfix.formats."""
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.formats import read_document, reflow_document

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize("name", ["twocol.hocr", "twocol.xml", "small.page.xml"])
def test_reflow_cli_uses_geometry(name, capsys):
    assert main(["reflow", str(DATA / name)]) == 0
    out = capsys.readouterr().out
    assert out == reflow_document(read_document(DATA / name)).text
    assert out.strip()


def test_eval_cli_reads_xml_hypothesis(capsys):
    # hOCR and ALTO of the same Tesseract run carry the same text: CER 0 between them.
    assert main(["eval", "--gt", str(DATA / "twocol.xml"), "--hyp", str(DATA / "twocol.hocr"), "--json"]) == 0
    assert '"cer": 0.0' in capsys.readouterr().out


def test_forced_format_mismatch_is_one_line_error(capsys):
    assert main(["reflow", "--format", "page", str(DATA / "twocol.hocr")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ocrfix: error:") and err.count("\n") == 1
