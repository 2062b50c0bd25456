"""`ocrfix apply`: a reviewed edit log put back onto its inputs gives `ocrfix correct`'s output with
only the edits kept, byte for byte, or a one-line refusal."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.correction.edits import Edit, read_log
from ocrfix.review import EditFilter, apply_log, index_edit_log, read_log_records
from ocrfix.errors import InputError

#: Column-wrapped lines and a blank line the reflow (asking the LM) joins into one paragraph: the
#: log's offsets refer to that reflowed text, not to the file.
PAGE = "我们在北京工乍。他们在上\n海学习工乍。今夫天气很好。\n\n大家都在认真工乍。\n"


def _run_options(models: list[str]) -> list[str]:
    """The tiny models of ``models`` with the corrector's reflow (their ``--no-reflow`` left out)."""
    return [option for option in models if option != "--no-reflow"]


def _log_lines(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


@pytest.fixture()
def corrected(models, tmp_path):
    """A plain page, ``ocrfix correct``'s output of it and its edit log (three edits)."""
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    out, log = tmp_path / "fixed.txt", tmp_path / "edits.jsonl"
    assert main(["correct", str(page), "-o", str(out), "--edits", str(log), *_run_options(models)]) == 0
    assert len(_log_lines(log)) == 3
    return page, out, log


def test_the_whole_log_gives_the_corrected_output_byte_for_byte(corrected, models, tmp_path):
    page, out, log = corrected
    assert main(["apply", str(page), "--edits", str(log), "-o", str(tmp_path / "applied.txt"), *_run_options(models)]) == 0
    assert (tmp_path / "applied.txt").read_bytes() == out.read_bytes()


def test_an_edit_taken_out_of_the_log_leaves_the_ocr_reading_there(corrected, models, tmp_path):
    page, out, log = corrected
    lines = _log_lines(log)
    rejected = json.loads(lines[1])
    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    assert main(["apply", str(page), "--edits", str(reviewed), "-o", str(tmp_path / "applied.txt"), *_run_options(models)]) == 0
    fixed = out.read_text(encoding="utf-8")
    at = rejected["offset"]
    assert fixed[at:at + 1] == rejected["replacement"] == "作"
    expected = fixed[:at] + rejected["original"] + fixed[at + 1:]
    assert (tmp_path / "applied.txt").read_text(encoding="utf-8") == expected


def test_min_gain_keeps_the_edits_at_or_above_it(corrected, models, tmp_path):
    page, out, log = corrected
    records = [json.loads(line) for line in _log_lines(log)]
    records[0]["gain"] = 0.6  # a reviewer's tool rescored it
    log.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    applied = tmp_path / "applied.txt"
    assert main(["apply", str(page), "--edits", str(log), "-o", str(applied), "--min-gain", "0.7", *_run_options(models)]) == 0
    fixed = out.read_text(encoding="utf-8")
    at = records[0]["offset"]
    assert applied.read_text(encoding="utf-8") == fixed[:at] + "乍" + fixed[at + 1:]
    assert main(["apply", str(page), "--edits", str(log), "-o", str(applied), "--min-gain", "0.6", *_run_options(models)]) == 0
    assert applied.read_bytes() == out.read_bytes()


def test_a_log_that_does_not_fit_the_reflowed_input_is_refused_and_nothing_written(corrected, models, tmp_path, capsys):
    page, _, log = corrected
    applied = tmp_path / "applied.txt"
    # without the run's reflow the line break stays: the second edit's offset falls a character early
    assert main(["apply", str(page), "--edits", str(log), "-o", str(applied), *_run_options(models), "--no-reflow"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"{page}: the log's edit at input offset 16 reads '乍' where the input text has '工'" in err
    assert not applied.exists() and not list(tmp_path.glob(".ocrfix-*"))


def test_an_output_onto_the_input_or_the_log_is_refused(corrected, models, tmp_path, capsys):
    page, _, log = corrected
    before = page.read_bytes()
    for target in (page, log):
        assert main(["apply", str(page), "--edits", str(log), "-o", str(target), *_run_options(models)]) == 2
        assert "writing it would destroy the input" in capsys.readouterr().err
    assert page.read_bytes() == before


def test_inputs_without_edits_in_the_log_are_written_reflowed_and_said_so(corrected, models, tmp_path, capsys):
    page, _, log = corrected
    other = tmp_path / "other.txt"
    other.write_text("今天天气很\n好。\n", encoding="utf-8")
    models = [option for option in _run_options(models) if option != "--quiet"]
    assert main(["apply", str(other), "--edits", str(log), "-o", str(tmp_path / "o.txt"), *models]) == 0
    assert (tmp_path / "o.txt").read_text(encoding="utf-8") == "今天天气很好。\n"
    err = capsys.readouterr().err
    assert f"1 file without edits in the log, written reflowed: {other}" in err
    assert f"1 file in the log not given, not written: {page}" in err


@pytest.mark.parametrize("read", [index_edit_log, read_log_records])
def test_a_log_record_that_is_no_edit_is_refused_with_its_line(tmp_path, read):
    log = tmp_path / "stats.jsonl"
    log.write_text('{"file": "a.txt", "status": "ok", "chars": 9}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"stats.jsonl: line 1 is not an edit record .*no 'offset'"):
        read(str(log))


class _Unreflowed:
    """A corrector stand-in whose reflow leaves the text as it is."""

    def source(self, text: str, reflow: bool = True) -> str:
        return text


def test_edits_that_touch_replay_on_their_own_in_any_order():
    """An insertion before and after a substitution (``apply_changes``: each on its input offset,
    insertions at one offset in the order of the run's output): any of them left out leaves the
    others as the run made them, whatever the order of the log's records."""
    data = "工乍很好".encode()
    before = Edit(1, "", "们", 0.9, ("han-insertion",), 1)
    swap = Edit(2, "乍", "作", 0.9, ("visual",), 1)
    after = Edit(3, "", "，", 0.9, ("rule:x",), 2)
    second = Edit(4, "", "！", 0.9, ("rule:y",), 2)
    run = [before, swap, after, second]

    def applied(edits: list[Edit]) -> str:
        return apply_log(data, "p.txt", edits, _Unreflowed()).output

    assert applied(run) == "工们作，！很好"
    assert applied(run[::-1]) == "工们作，！很好"
    assert applied([second, after, before]) == "工们乍，！很好"
    assert applied([swap, second]) == "工作！很好"
    assert applied([before, after]) == "工们乍，很好"


def test_drop_source_drops_the_edits_only_those_sources_proposed():
    keep = EditFilter(drop_sources=frozenset({"sheets", "rule"}))
    assert keep.keeps(Edit(0, "乍", "作", 0.9, ("visual", "sheets"), 0))
    assert not keep.keeps(Edit(0, "乍", "作", 0.9, ("sheets",), 0))
    assert not keep.keeps(Edit(0, "", "。", 1.0, ("rule:final-period",), 0))
    assert keep.keeps(Edit(0, "", "。", 1.0, ("rule:final-period", "han-insertion"), 0))
    assert not EditFilter(min_gain=0.95).keeps(Edit(0, "乍", "作", 0.9, ("visual",), 0))


def test_the_correctors_source_is_the_text_its_edits_refer_to(models):
    from ocrfix import Corrector

    corrector = Corrector(model=models[1], confusions=models[3], weights=models[5])
    for reflow in (True, False):
        assert corrector.source(PAGE, reflow) == corrector.correct(PAGE, reflow).source
    assert corrector.source(PAGE) != PAGE


def _hocr(lines: list[str]) -> str:
    """A one-column hOCR page of Tesseract's, one word per character."""
    spans = []
    for row, line in enumerate(lines):
        top = 20 + 50 * row
        words = "".join(f"<span class='ocrx_word' id='w{row}_{i}' title='bbox {20 + 40 * i} {top} {58 + 40 * i} {top + 38}; "
                        f"x_wconf 90'>{ch}</span>" for i, ch in enumerate(line))
        spans.append(f"<span class='ocr_line' id='l{row}' title='bbox 20 {top} {58 + 40 * (len(line) - 1)} {top + 38}'>{words}</span>")
    return ("<?xml version='1.0' encoding='UTF-8'?><html xmlns='http://www.w3.org/1999/xhtml'><head>"
            "<meta name='ocr-system' content='tesseract 5.3.0'/></head><body>"
            "<div class='ocr_page' id='page_1' title='bbox 0 0 800 400'><div class='ocr_carea' id='b1' title='bbox 20 20 780 300'>"
            f"<p class='ocr_par' id='p1' title='bbox 20 20 780 300'>{''.join(spans)}</p></div></div></body></html>")


@pytest.mark.parametrize("output_format", [None, "text"])
def test_hocr_apply_gives_the_corrected_hocr_and_an_edit_left_out_its_ocr_glyph(models, tmp_path, output_format):
    page = tmp_path / "page.hocr"
    page.write_text(_hocr(["我们在北京工乍。他们在上", "海学习工乍。今夫天气很好。"]), encoding="utf-8")
    fmt = [] if output_format is None else ["--output-format", output_format]
    out, log = tmp_path / "fixed.hocr", tmp_path / "edits.jsonl"
    assert main(["correct", str(page), "-o", str(out), "--edits", str(log), *_run_options(models), *fmt]) == 0
    edits = read_log(_log_lines(log))
    assert [(e.original, e.replacement) for e in edits] == [("乍", "作"), ("乍", "作")]
    applied = tmp_path / "applied.hocr"
    assert main(["apply", str(page), "--edits", str(log), "-o", str(applied), *_run_options(models), *fmt]) == 0
    assert applied.read_bytes() == out.read_bytes()

    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text(_log_lines(log)[1] + "\n", encoding="utf-8")
    assert main(["apply", str(page), "--edits", str(reviewed), "-o", str(applied), *_run_options(models), *fmt]) == 0
    text = applied.read_text(encoding="utf-8")
    if output_format == "text":
        assert text == out.read_text(encoding="utf-8").replace("作", "乍", 1)
    else:
        assert ">乍</span>" in text and ">作</span>" in text
        assert text.index(">乍</span>") < text.index(">作</span>")


def test_a_log_holding_an_edit_twice_is_refused():
    swap = Edit(1, "乍", "作", 0.9, ("visual",), 1)
    with pytest.raises(InputError, match="p.txt: the log's edits overlap"):
        apply_log("工乍很好".encode(), "p.txt", [swap, swap], _Unreflowed())
