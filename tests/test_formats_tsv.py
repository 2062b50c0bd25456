"""Tesseract's TSV output (``tesseract IMAGE OUT tsv``, ``pytesseract.image_to_data``): read as the
same lines and boxes as the hOCR of the same run, corrections written into the text column with
every other byte kept, built from other formats, refused with a line number when a row is broken."""
from __future__ import annotations

from pathlib import Path

import pytest
from formats_support import Edit

from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.formats import apply_edits, detect_format, parse_document, read_document, write_document
from ocrfix.formats.tsv import HEADER

DATA = Path(__file__).parent / "data" / "formats"
PRODUCERS = Path(__file__).parent / "data" / "producers"


def _lines(doc) -> list[tuple[str, tuple]]:
    return [(line.text(), line.box) for line in doc.lines()]


@pytest.mark.parametrize("name", ["onecol", "twocol"])
def test_tsv_reads_as_the_hocr_of_the_same_run(name: str) -> None:
    tsv, hocr = read_document(DATA / f"{name}.tsv"), read_document(DATA / f"{name}.hocr")
    assert (tsv.format, tsv.software) == ("tsv", "Tesseract")
    assert _lines(tsv) == _lines(hocr)
    assert [w.conf for w in tsv.words()] == pytest.approx([w.conf for w in hocr.words()], abs=0.01)  # hOCR rounds
    assert [len(b.lines) for p in tsv.pages for b in p.blocks] == [len(b.lines) for p in hocr.pages for b in p.blocks]


def test_a_correction_changes_only_its_word_row() -> None:
    raw = (DATA / "onecol.tsv").read_bytes()
    doc = parse_document(raw, "onecol.tsv")
    text = doc.text()
    at = text.index("集市")
    fixed = apply_edits(doc, text, [Edit(at, "集", "菜")])
    out = write_document(fixed)
    before, after = raw.decode().split("\n"), out.decode().split("\n")
    changed = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert after[changed[0]].split("\t")[:11] == before[changed[0]].split("\t")[:11]
    assert "菜" in after[changed[0]].split("\t")[11] and "集" not in after[changed[0]].split("\t")[11]
    assert parse_document(out, "out.tsv").text() == fixed.text()


def test_crlf_and_word_rows_only() -> None:
    """Scripts often keep only the word rows (level 5); a line's box is then its words' union."""
    raw = (PRODUCERS / "words-only-crlf.tsv").read_bytes()
    doc = parse_document(raw, "w.tsv")
    first = next(doc.lines())
    assert first.text() == "经济新闻" and first.box == (40, 40, 280, 100)
    fixed = apply_edits(doc, doc.text(), [Edit(doc.text().index("新"), "新", "薪")])
    out = write_document(fixed)
    assert out.count(b"\r\n") == raw.count(b"\r\n") and "薪闻".encode() in out


@pytest.mark.parametrize("source", ["twocol.xml", "small.page.xml", "twocol.paddle.json"])
def test_built_from_another_format_reads_back_the_same(source: str) -> None:
    doc = read_document(DATA / source)
    built = write_document(doc, "tsv")
    assert built.decode().split("\n")[0].split("\t") == list(HEADER)
    again = parse_document(built, "built.tsv")
    assert again.format == "tsv" and _lines(again) == _lines(doc)
    assert parse_document(write_document(again, "alto"), "back.xml").text() == doc.text()


@pytest.mark.parametrize(("row", "message"), [
    ("5\t1\t1\t1\t1\t1\tten\t0\t40\t40\t95.0\t中", "line 2: not a Tesseract TSV row"),
    ("5\t1\t1\t1\t1\t1\t0\t0\t40\t40", "line 2: not a Tesseract TSV row .10 fields"),
    ("4\t1\t1\t1\t1\t0\t0\t0\t40\t40\t-1\t", "without any text"),
])
def test_broken_rows_get_one_line_naming_the_line(row: str, message: str) -> None:
    data = ("\t".join(HEADER) + "\n" + row + "\n").encode()
    assert detect_format(data) == "tsv"
    with pytest.raises(InputError, match=message) as err:
        parse_document(data, "bad.tsv")
    assert "bad.tsv" in str(err.value) and "\n" not in str(err.value)


def test_text_is_not_tsv_and_tsv_forced_on_text_is_refused() -> None:
    data = "level\t国务院召开常务会议\n".encode()
    assert detect_format(data) == "text"
    with pytest.raises(InputError, match="not Tesseract TSV"):
        parse_document(data, "x.txt", "tsv")


def test_correct_writes_tsv_back_and_picks_the_tesseract_profile(models: list[str], tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.tsv"
    assert main(["correct", str(DATA / "onecol.tsv"), "-o", str(out), *models]) == 0
    written = out.read_bytes()
    assert detect_format(written) == "tsv"
    source = (DATA / "onecol.tsv").read_bytes()
    assert [r.split(b"\t")[:11] for r in written.split(b"\n")] == [r.split(b"\t")[:11] for r in source.split(b"\n")]


def _as_pandas_saves_it(raw: bytes, delimiter: str) -> bytes:
    """Tesseract's table as ``image_to_data(output_type=Output.DATAFRAME).to_csv(sep=...)`` writes it:
    the index first, floats for ``conf``, fields quoted where they hold a quote or the separator."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    lines = raw.decode().rstrip("\n").split("\n")
    writer.writerow(["", *lines[0].split("\t")])
    words = [k for k, line in enumerate(lines[1:]) if line.startswith("5\t") and line.split("\t")[11].strip()]
    extra = {words[0]: '"', words[1]: ",x"}  # a quote and the separator in a word's text: quoted
    for k, line in enumerate(lines[1:]):
        fields = line.split("\t")
        fields[10] = repr(float(fields[10]))
        writer.writerow([k, *fields[:11], fields[11] + extra.get(k, "")])
    return out.getvalue().encode()


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_the_table_saved_by_pandas_reads_and_writes_back_the_same_way(delimiter: str) -> None:
    import csv

    raw = (DATA / "onecol.tsv").read_bytes()
    saved = _as_pandas_saves_it(raw, delimiter)
    assert detect_format(saved) == "tsv"
    doc, tesseract = parse_document(saved, "p.csv"), parse_document(raw, "p.tsv")
    assert [line.box for line in doc.lines()] == [line.box for line in tesseract.lines()]
    texts = [w.text for w in doc.words()]
    assert any(t.endswith('"') for t in texts) and any(t.endswith(",x") for t in texts)
    text = doc.text()
    at = text.index("集市")
    out = write_document(apply_edits(doc, text, [Edit(at, "集", "菜")]))
    before, after = saved.decode().split("\n"), out.decode().split("\n")
    changed = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    old_row, new_row = (next(csv.reader([lines[changed[0]]], delimiter=delimiter)) for lines in (before, after))
    assert new_row[:12] == old_row[:12] and new_row[12] == old_row[12].replace("集", "菜")
    assert parse_document(out, "p.csv").text() == text.replace("集市", "菜市", 1)
