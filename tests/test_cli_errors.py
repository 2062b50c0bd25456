"""Bad input for `ocrfix reflow` and `ocrfix eval`: one line on stderr, exit code 2, no traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ocrfix.cli import main

TEXT = "会议强调要抓好落实各项工作任务，推动高质量发展。\n"


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "good": tmp_path / "good.txt",
        "missing": tmp_path / "missing.txt",
        "dir": tmp_path / "adir",
        "binary": tmp_path / "image.png",
        "gb": tmp_path / "gb.txt",
        "empty": tmp_path / "empty.txt",
        "blank": tmp_path / "blank.txt",
    }
    paths["good"].write_text(TEXT, encoding="utf-8")
    paths["dir"].mkdir()
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    paths["gb"].write_bytes(TEXT.encode("gb18030"))
    paths["empty"].write_bytes(b"")
    paths["blank"].write_text(" \n\u3000\n", encoding="utf-8")
    return paths


def commands(bad: Path, good: Path) -> list[list[str]]:
    return [["reflow", str(bad)], ["eval", "--gt", str(bad), "--hyp", str(good)], ["eval", "--gt", str(good), "--hyp", str(bad)]]


@pytest.mark.parametrize(
    ("kind", "message"),
    [("missing", "no such file"), ("dir", "is a directory"), ("binary", "binary"),
     ("gb", "--encoding gb18030"), ("empty", "empty"), ("blank", "empty")],
)
def test_bad_input_one_line_exit_2(files: dict[str, Path], kind: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in commands(files[kind], files["good"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("ocrfix: error: ") and message in err
        assert "Traceback" not in err


def test_gb18030_with_encoding_option(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reflow", str(files["gb"]), "--encoding", "gb18030"]) == 0
    assert capsys.readouterr().out == TEXT
    assert main(["eval", "--gt", str(files["gb"]), "--hyp", str(files["gb"]), "--encoding", "gb18030", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cer"] == 0.0


def test_bad_errata_file(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errata = tmp_path / "errata.tsv"
    errata.write_text("只有一列\n", encoding="utf-8")
    assert main(["eval", "--gt", str(files["good"]), "--hyp", str(files["good"]), "--errata", str(errata)]) == 2
    assert "errata.tsv:1" in capsys.readouterr().err


def test_output_directory_is_created_unless_impossible(files: dict[str, Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reflow", str(files["good"]), "-o", str(tmp_path / "new" / "out.txt")]) == 0
    assert (tmp_path / "new" / "out.txt").read_text(encoding="utf-8").strip()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["reflow", str(files["good"]), "-o", str(blocker / "out.txt")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_eval_outputs(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text(TEXT.replace("落实", "落突"), encoding="utf-8")
    html, tsv = tmp_path / "r.html", tmp_path / "c.tsv"
    argv = ["eval", "--gt", str(files["good"]), "--hyp", str(hyp), "--html", str(html), "--confusions", str(tsv)]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("CER 0.0417 on 24 matched")
    assert tsv.read_text(encoding="utf-8").splitlines()[1] == "实\t突\t1"
    assert "<html" in html.read_text(encoding="utf-8")


def test_console_entry_point_stdin_stdout(files: dict[str, Path]) -> None:
    """The real process: reflow from stdin to stdout; a missing file exits 2 without traceback."""
    ok = subprocess.run([sys.executable, "-m", "ocrfix", "reflow", "-"], input=TEXT.encode(), capture_output=True, check=False)
    assert ok.returncode == 0 and ok.stdout.decode() == TEXT
    bad = subprocess.run([sys.executable, "-m", "ocrfix", "eval", "--gt", str(files["missing"]), "--hyp", "-"],
                         capture_output=True, check=False)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr and bad.stderr.count(b"\n") == 1


@pytest.mark.parametrize("raised, code, message", [
    (KeyboardInterrupt(), 130, "ocrfix: interrupted"),
    (MemoryError(), 3, "ocrfix: error: out of memory; split the input into smaller files"),
    (ValueError("a bug of ours"), 4, "ocrfix: internal error: ValueError: a bug of ours (rerun with --debug for details)"),
    (ModuleNotFoundError("No module named 'sklearn'", name="sklearn"), 2,
     "ocrfix: error: this command builds models and needs the train extra (sklearn is missing): pip install 'ocrfix[train]'"),
    (ModuleNotFoundError("No module named 'yaml'", name="yaml"), 4,
     "ocrfix: internal error: ModuleNotFoundError: No module named 'yaml' (rerun with --debug for details)"),
])
def test_unexpected_failures_are_one_line_and_an_exit_code(files, monkeypatch, capsys, raised, code, message):
    def fail(args):
        raise raised

    monkeypatch.setattr("ocrfix.cli.reflow._run", fail)
    assert main(["reflow", str(files["good"])]) == code
    err = capsys.readouterr().err
    assert err == message + "\n"  # one line, no traceback


def test_debug_shows_the_traceback_of_errors(files, monkeypatch):
    with pytest.raises(Exception, match="no such file"):
        main(["--debug", "reflow", str(files["missing"])])

    def fail(args):
        raise ValueError("a bug of ours")

    monkeypatch.setattr("ocrfix.cli.reflow._run", fail)
    with pytest.raises(ValueError, match="a bug of ours"):
        main(["--debug", "reflow", str(files["good"])])


def test_train_actions_run_the_training_modules_with_their_own_options(tmp_path, capsys):
    assert main(["train", "measure", str(tmp_path)]) == 2  # the module's own error, one line
    assert capsys.readouterr().err == f"ocrfix: error: {tmp_path}: no NAME.ocr.txt + NAME.gt.txt pairs\n"
    with pytest.raises(SystemExit):
        main(["train", "weights", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: ocrfix train weights") and "--recalibrate" in out


def test_correct_refuses_a_bad_single_input_in_one_line_before_loading_models(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ocrfix.settings import MAX_INPUT_BYTES

    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: no disk used
        fh.truncate(MAX_INPUT_BYTES + 1)
    for path, message in ((tmp_path / "missing.txt", "no such file"), (huge, "split it into pages"),
                          (files["binary"], "binary"), (files["empty"], "empty"), (files["gb"], "--encoding gb18030")):
        # a model path that does not exist: the input is refused first, so it is never loaded
        assert main(["correct", str(path), "--model", str(tmp_path / "no-model.klm")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"ocrfix: error: {path}: ") and message in err
