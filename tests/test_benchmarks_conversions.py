"""benchmarks.conversions: each structured file converted into every format and read back, and
whether its layout reads the same."""
from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.conversions import main, same_reading

DATA = Path(__file__).parent / "data" / "formats"


def test_a_two_column_page_reads_the_same_from_every_format_but_paddleocr_json() -> None:
    # PaddleOCR JSON has no words: a line read across the gutter keeps one box and the gutter is lost
    assert same_reading(DATA / "twocol.hocr") == {"hocr": True, "alto": True, "page": True, "abbyy": True,
                                                  "paddle": False, "gcv": True, "azure": True, "textract": True, "tsv": True}


def test_the_table_counts_files_per_format(tmp_path, capsys) -> None:
    for name in ("twocol.hocr", "onecol.xml"):
        shutil.copy(DATA / name, tmp_path / name)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| gcv | 2 of 2 |" in out and "| paddle | 1 of 2 |" in out and "| azure | 2 of 2 |" in out


def test_a_folder_without_structured_files_is_a_one_line_error(tmp_path, capsys) -> None:
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("conversions: error: no .hocr or .xml file under ")
