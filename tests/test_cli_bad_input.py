"""Bad-input matrix over every subcommand: one `ocrfix: error:` line, non-zero exit, no traceback,
nothing left in the output directory.

tests/test_cli_errors.py covers reflow/eval with missing, directory, binary, GB18030, empty and
blank files; this file covers the other subcommands, the remaining kinds (UTF-16, over the size
limit, corrupt model, malformed TSV, truncated XML), unwritable outputs, stdin and closed pipes.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.faults import KINDS as FAULT_KINDS
from ocrfix.cli import main

from test_correct_fixtures import WEIGHTS, write_arpa, write_confusions

TEXT = "我们在北京工乍。\n他们在上海工作。\n"

#: kind -> how to create it at a path (None: leave it missing): the fault benchmark's kinds and two more
KINDS: dict[str, Callable[[Path], object] | None] = {
    **FAULT_KINDS,
    "broken-arpa": lambda p: p.write_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<s>\n", encoding="utf-8"),
    "train-manifest": lambda p: p.write_text("corpus.txt\ttrain\t1\n", encoding="utf-8"),
    # an OCR result cut short, and JSON of no OCR engine: read as JSON, never reflowed as text
    "cut-json": lambda p: p.write_text('{"rec_texts": ["我们在北京工乍。", "他们', encoding="utf-8"),
    "other-json": lambda p: p.write_text('{"title": "我们在北京工乍。"}\n', encoding="utf-8"),
}
SUFFIX = {"png": ".png", "corrupt": ".klm", "broken-arpa": ".arpa", "tsv": ".tsv", "xml": ".xml", "train-manifest": ".tsv",
          "cut-json": ".json", "other-json": ".json"}
TEXT_KINDS = ("missing", "dir", "png", "gb18030", "utf16", "empty", "blank", "nul", "huge", "corrupt")
ALL_KINDS = (*TEXT_KINDS, "tsv")
NEW_FOR_REFLOW_EVAL = ("utf16", "nul", "huge", "corrupt", "xml")  # the other kinds: tests/test_cli_errors.py

#: (case name, argv template, kinds). {bad}: the bad file, {good}: a good page, {out}: the output
#: directory (must stay empty), {pairs}: error pairs, {set}: a confusion TSV, {m*}: tiny corrector models.
MODELS = ["--model", "{lm}", "--confusions", "{set}", "--weights", "{weights}", "--quiet"]
CASES = [
    ("reflow", ["reflow", "{bad}", "-o", "{out}/r.txt"], (*NEW_FOR_REFLOW_EVAL, "cut-json", "other-json")),
    ("eval --gt", ["eval", "--gt", "{bad}", "--hyp", "{good}", "--html", "{out}/r.html", "--confusions", "{out}/c.tsv"],
     NEW_FOR_REFLOW_EVAL),
    ("eval --hyp", ["eval", "--gt", "{good}", "--hyp", "{bad}"], NEW_FOR_REFLOW_EVAL),
    ("eval --ocr", ["eval", "--gt", "{good}", "--hyp", "{good}", "--ocr", "{bad}"], NEW_FOR_REFLOW_EVAL),
    ("eval --errata", ["eval", "--gt", "{good}", "--hyp", "{good}", "--errata", "{bad}"], ALL_KINDS),
    ("correct IN", ["correct", "{bad}", "-o", "{out}/c.txt", *MODELS], (*TEXT_KINDS, "xml", "cut-json", "other-json")),
    ("correct --model", ["correct", "{good}", "-o", "{out}/c.txt", *MODELS, "--model", "{bad}"], (*ALL_KINDS, "broken-arpa")),
    ("correct --confusions", ["correct", "{good}", "-o", "{out}/c.txt", *MODELS, "--confusions", "{bad}"], ALL_KINDS),
    ("correct --weights", ["correct", "{good}", "-o", "{out}/c.txt", *MODELS, "--weights", "{bad}"], ALL_KINDS),
    ("correct --misread", ["correct", "{good}", "-o", "{out}/c.txt", *MODELS, "--misread", "{bad}"], ALL_KINDS),
    ("correct --keep", ["correct", "{good}", "-o", "{out}/c.txt", *MODELS, "--keep", "{bad}"], TEXT_KINDS),
    # corpora have no size limit (a 64 MB corpus is small), so "huge" is not bad input for lm
    ("lm train", ["lm", "train", "{bad}", "-o", "{out}/m.klm", "--order", "2"],
     (*(k for k in ALL_KINDS if k != "huge"), "xml")),
    ("lm eval MODEL", ["lm", "eval", "{bad}", "{good}"], (*ALL_KINDS, "broken-arpa")),
    ("lm eval TEXT", ["lm", "eval", "{lm}", "{bad}"], (*(k for k in ALL_KINDS if k != "huge"), "xml")),
    ("confusions show --set", ["confusions", "show", "乍", "--set", "{bad}"], ALL_KINDS),
    ("confusions coverage --pairs", ["confusions", "coverage", "--pairs", "{bad}", "--set", "{set}"], ALL_KINDS),
    ("confusions coverage --faspell", ["confusions", "coverage", "--faspell", "{bad}", "--set", "{set}"], ALL_KINDS),
    ("confusions coverage --set", ["confusions", "coverage", "--pairs", "{pairs}", "--set", "{bad}"], ALL_KINDS),
    ("confusions learn --ocr", ["confusions", "learn", "--ocr", "{bad}", "--gt", "{good}", "-o", "{out}/l.tsv"], TEXT_KINDS),
    ("confusions learn --gt", ["confusions", "learn", "--ocr", "{good}", "--gt", "{bad}", "-o", "{out}/l.tsv"], TEXT_KINDS),
    ("confusions learn --faspell", ["confusions", "learn", "--faspell", "{bad}", "-o", "{out}/l.tsv"], ALL_KINDS),
    ("confusions learn --pages", ["confusions", "learn", "--pages", "{bad}", "-o", "{out}/l.tsv"], ALL_KINDS),
    ("confusions merge", ["confusions", "merge", "{bad}", "-o", "{out}/m.tsv"], ALL_KINDS),
]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("models")
    WEIGHTS.save(d / "w.json")
    good = d / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    pairs = d / "pairs.tsv"
    pairs.write_text("乍\t作\n", encoding="utf-8")
    return {"lm": str(write_arpa(d / "lm.arpa")), "set": str(write_confusions(d / "c.tsv")),
            "weights": str(d / "w.json"), "good": str(good), "pairs": str(pairs)}


def make_bad(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"bad-{kind}{SUFFIX.get(kind, '.txt')}"
    make = KINDS[kind]
    if make is not None:
        make(path)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()


def files_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.mark.parametrize(("case", "template", "kind"), [
    pytest.param(case, template, kind, id=f"{case}-{kind}") for case, template, kinds in CASES for kind in kinds
])
def test_bad_input_is_one_error_line(case: str, template: list[str], kind: str, models: dict[str, str],
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    values = {**models, "bad": str(make_bad(tmp_path, kind)), "out": str(out)}
    code, lines = run([arg.format(**values) for arg in template], capsys)
    assert code != 0
    assert lines and lines[0].startswith("ocrfix: error: "), lines
    # a single input is not a batch: one error line and exit 2 (batch skipping: tests/test_batch.py)
    assert code == 2 and len(lines) == 1, lines
    assert files_under(out) == []


@pytest.mark.parametrize("data", [b"", b" \n\n", TEXT.encode("gb18030"), b"\x00\x01\x02PNG"], ids=["empty", "blank", "gb18030", "binary"])
@pytest.mark.parametrize("command", [["reflow", "-"], ["eval", "--gt", "{good}", "--hyp", "-"]], ids=["reflow", "eval"])
def test_bad_stdin(command: list[str], data: bytes, models: dict[str, str]) -> None:
    argv = [arg.format(**models) for arg in command]
    proc = subprocess.run([sys.executable, "-m", "ocrfix", *argv], input=data, capture_output=True, check=False)
    err = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(err) == 1 and err[0].startswith("ocrfix: error: <stdin>: "), err


def test_output_path_under_a_regular_file(models: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path under a regular file cannot be written even as root: clean errors everywhere."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    target = str(blocker / "out.txt")
    for argv in (["reflow", models["good"], "-o", target],
                 ["eval", "--gt", models["good"], "--hyp", models["good"], "--html", target],
                 ["correct", models["good"], "-o", target, *(a.format(**models) for a in MODELS)],
                 ["correct", models["good"], "--edits", target, *(a.format(**models) for a in MODELS)],
                 ["lm", "train", models["good"], "-o", target, "--order", "2"]):
        code, lines = run(argv, capsys)
        assert code == 2 and len(lines) == 1 and lines[0].startswith("ocrfix: error: "), (argv, lines)
    assert blocker.read_text(encoding="utf-8") == "x"
    assert "is not a directory" in run(["reflow", models["good"], "-o", target], capsys)[1][0]


def test_correct_creates_a_missing_output_directory(models: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new" / "dir" / "out.txt"
    assert main(["correct", models["good"], "-o", str(target), *(a.format(**models) for a in MODELS)]) == 0
    assert target.read_text(encoding="utf-8") == "我们在北京工作。他们在上海工作。\n"  # reflowed, corrected
    assert capsys.readouterr().err == ""  # the KenLM loader's ARPA chatter is silenced


@pytest.mark.parametrize("command", [["reflow", "-"], ["reflow", "{big}"], ["reflow", "{big}", "-o", "-"]],
                         ids=["stdin", "file", "dash-o"])
def test_closed_stdout_is_not_an_error(command: list[str], tmp_path: Path) -> None:
    """`ocrfix reflow ... | head -c 10`: no BrokenPipeError traceback, exit 0.

    The output (~200 KB) is larger than a pipe buffer, so the write really hits the closed pipe."""
    big = tmp_path / "big.txt"
    big.write_text("　　会议强调要抓好落实各项工作任务，推动高质量发展。\n" * 3000, encoding="utf-8")
    argv = [arg.format(big=big) for arg in command]
    with big.open("rb") as stdin:
        proc = subprocess.Popen([sys.executable, "-m", "ocrfix", *argv], stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0
    assert err == b""


FORMATS_DATA = Path(__file__).parent / "data" / "formats"


def test_correct_keeps_alto_well_formed(models: dict[str, str], tmp_path: Path) -> None:
    """docs/formats.md: ALTO in, ALTO out (an XML page is never corrected as plain text)."""
    from lxml import etree

    out = tmp_path / "fixed.xml"
    assert main(["correct", str(FORMATS_DATA / "twocol.xml"), "-o", str(out), *(a.format(**models) for a in MODELS)]) == 0
    assert etree.parse(str(out)).getroot().tag.endswith("alto")


def test_correct_output_format_text(models: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "fixed.txt"
    argv = ["correct", str(FORMATS_DATA / "twocol.xml"), "--output-format", "text", "-o", str(out)]
    assert main([*argv, *(a.format(**models) for a in MODELS)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.strip() and "<" not in text


@pytest.mark.parametrize(("kind", "argv", "message"), [
    ("gb18030", ["lm", "train", "{bad}", "-o", "{out}/m.klm"], "looks like GB18030 text: convert it to UTF-8"),
    ("utf16", ["lm", "eval", "{lm}", "{bad}"], "looks like UTF-16 text"),
    ("png", ["lm", "train", "{bad}", "-o", "{out}/m.klm"], "looks like a binary file"),
    ("tsv", ["lm", "eval", "{lm}", "{bad}"], "bad-tsv.tsv:3: expected 'path<TAB>train|heldout<TAB>weight>=1'"),
    ("train-manifest", ["lm", "eval", "{lm}", "{bad}"], "list no 'heldout' rows"),
])
def test_lm_messages_say_what_is_wrong(kind: str, argv: list[str], message: str, models: dict[str, str],
                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = {**models, "bad": str(make_bad(tmp_path, kind)), "out": str(tmp_path)}
    code, lines = run([arg.format(**values) for arg in argv], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0], lines


@pytest.mark.parametrize(("argv", "message"), [
    (["lm", "train", "{good}", "-o", "{out}/m.klm", "--memory", "banana"], "--memory must be a percentage or a size"),
    (["lm", "train", "{good}", "-o", "{out}/m.klm", "--order", "7"], "--order must be between 2 and 6"),
    (["lm", "eval", "{lm}", "{good}", "--limit", "0"], "--limit must be at least 1"),
    (["correct", "{good}", *MODELS, "--threshold", "1.5"], "--threshold must be between 0 and 1"),
    (["correct", "{good}", *MODELS, "--jobs", "0"], "--jobs must be at least 1"),
])
def test_bad_option_values(argv: list[str], message: str, models: dict[str, str], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run([arg.format(**models, out=tmp_path) for arg in argv], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0], lines
    assert files_under(tmp_path) == []


def test_closed_stdin(models: dict[str, str]) -> None:
    """`ocrfix reflow - <&-`: fd 0 closed, so Python has no sys.stdin at all."""
    for argv in (["reflow", "-"], ["correct", "-", *(a.format(**models) for a in MODELS)]):
        proc = subprocess.run([sys.executable, "-m", "ocrfix", *argv], stdin=subprocess.DEVNULL, capture_output=True,
                              check=False, preexec_fn=lambda: os.close(0))
        err = proc.stderr.decode().splitlines()
        assert proc.returncode == 2 and err == ["ocrfix: error: <stdin>: standard input is closed; give a file or pipe text in"]


def test_endless_device_input_stops_at_the_size_limit(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/zero has size 0 and never ends: it is read only up to the limit (here 1 MB)."""
    from ocrfix import textio
    from ocrfix.textio import read_bytes

    with pytest.raises(textio.InputError, match="/dev/zero: larger than the 1,048,576-byte limit"):
        read_bytes("/dev/zero", 1 << 20)
    monkeypatch.setattr("ocrfix.formats.fileio.MAX_INPUT_BYTES", 1 << 20)
    code, lines = run(["reflow", "/dev/zero"], capsys)
    assert code == 2 and lines == ["ocrfix: error: /dev/zero: larger than the 1,048,576-byte limit; split it into pages"]


def test_non_utf8_file_name_in_a_batch(models: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Latin-1 file name in a directory: corrected like the others, logged so that
    os.fsencode gives the name's bytes back."""
    import json

    src = tmp_path / "in"
    src.mkdir()
    odd = os.path.join(os.fsencode(src), b"caf\xe9.txt")
    with open(odd, "wb") as fh:
        fh.write(TEXT.encode())
    (src / "ok.txt").write_text(TEXT, encoding="utf-8")
    log = tmp_path / "e.jsonl"
    code, lines = run(["correct", str(src), "--out-dir", str(tmp_path / "out"), "--edits", str(log),
                       *(a.format(**models) for a in MODELS)], capsys)
    assert code == 0 and lines == []
    outputs = sorted(name for name in os.listdir(os.fsencode(tmp_path / "out")) if not name.startswith(b"."))
    assert outputs == [b"caf\xe9.txt", b"ok.txt"]  # (hidden: the per-file edit sidecars)
    names = sorted(os.fsencode(json.loads(line)["file"]) for line in log.read_text(encoding="utf-8").splitlines())
    assert names == [odd, os.fsencode(src / "ok.txt")]


def test_the_fault_check_leaves_out_the_progress_bar_but_not_a_traceback() -> None:
    """The fault matrix's verdict: the bar's redraws before the one error line are no second line; a
    traceback or a second error is."""
    from benchmarks.faults import Run, one_error

    bar = ["", "correcting 1 file:  61%|██████    | 12.2k/20.0k [00:01<00:00, 12.0kchar/s]"]
    error = "ocrfix: error: big.txt: No space left on device"
    assert one_error(Run(2, [*bar, error], b"", 1.0, 50.0), "No space left") is None
    assert one_error(Run(2, [*bar, "Traceback (most recent call last):", error], b"", 1.0, 50.0)) is not None
    assert one_error(Run(2, [error, error], b"", 1.0, 50.0)) is not None
    internal = "ocrfix: error: a.json: internal error: UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800'"
    assert one_error(Run(2, [internal], b"", 1.0, 50.0)) is not None  # a file's exception, as a batch reports it
