"""Outputs never destroy inputs: an output that is an input (or another output) is refused before
anything is written; special files, symlinks, long names, full disks and log modes are handled."""
from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.textio import AtomicOutput, check_outputs, write_text_atomic

from test_correct_fixtures import WEIGHTS, write_arpa, write_confusions

TEXT = "我们在北京工乍。\n他们在上海工作。\n"


@pytest.fixture()
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    d = tmp_path_factory.mktemp("models")
    WEIGHTS.save(d / "w.json")
    return ["--model", str(write_arpa(d / "lm.arpa")), "--confusions", str(write_confusions(d / "c.tsv")),
            "--weights", str(d / "w.json"), "--quiet"]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], message: str) -> None:
    code = main(argv)
    lines = capsys.readouterr().err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("ocrfix: error: ") and message in lines[0], lines


@pytest.mark.parametrize("argv", [
    ["reflow", "{page}", "-o", "{page}"],
    ["reflow", "{page}", "-o", "{link}"],
    ["reflow", "{page}", "-o", "{hard}"],
    ["reflow", "{page}", "-o", "{dotted}"],
    ["correct", "{page}", "-o", "{page}", "{models}"],
    ["correct", "{page}", "-o", "{dir}/out.txt", "--edits", "{page}", "{models}"],
    ["correct", "{dir}", "--out-dir", "{dir}", "{models}"],
    ["correct", "{dir}", "--out-dir", "{dir}/../{dirname}", "{models}"],
    ["correct", "{page}", "-o", "{lm}", "{models}"],
    ["eval", "--gt", "{page}", "--hyp", "{other}", "--html", "{page}"],
    ["eval", "--gt", "{page}", "--hyp", "{other}", "--confusions", "{other}"],
    ["eval", "--gt", "{page}", "--hyp", "{other}", "--ocr", "{third}", "--html", "{third}"],
    ["lm", "train", "{page}", "-o", "{page}"],
    ["lm", "train", "{page}", "-o", "{dir}/m.klm", "--keep-text", "{link}"],
    ["lm", "context", "{page}", "-o", "{page}"],
    ["confusions", "learn", "--ocr", "{page}", "--gt", "{other}", "-o", "{other}"],
    ["confusions", "merge", "{third}", "-o", "{third}"],
], ids=["reflow-o", "reflow-symlink", "reflow-hardlink", "reflow-dotted", "correct-o", "correct-edits-input",
        "correct-outdir", "correct-outdir-relative", "correct-o-model", "eval-html-gt", "eval-confusions-hyp", "eval-html-ocr",
        "lm-train", "lm-train-keep-text", "lm-context", "confusions-learn", "confusions-merge"])
def test_an_output_onto_an_input_is_refused(argv: list[str], page: Path, models: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "link.txt").symlink_to(page)
    os.link(page, tmp_path / "hard.txt")
    for name in ("other", "third"):
        (tmp_path / f"{name}.txt").write_text("我们在北京工作。\n", encoding="utf-8")
    values = {"page": str(page), "link": str(tmp_path / "link.txt"), "hard": str(tmp_path / "hard.txt"),
              "dotted": f"{tmp_path}/./{page.name}", "dir": str(tmp_path), "dirname": tmp_path.name,
              "other": str(tmp_path / "other.txt"), "third": str(tmp_path / "third.txt"), "lm": models[1]}
    args = [a for arg in argv for a in (models if arg == "{models}" else [arg.format(**values)])]
    before, lm_before = snapshot(tmp_path), Path(models[1]).read_bytes()
    refused(args, capsys, "would destroy the input")
    assert snapshot(tmp_path) == before and Path(models[1]).read_bytes() == lm_before


def test_two_outputs_onto_one_file_are_refused(page: Path, models: list[str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.txt"
    refused(["correct", str(page), "-o", str(out), "--edits", str(out), *models], capsys, "is also the output (-o)")
    refused(["eval", "--gt", str(page), "--hyp", str(page), "--html", str(out), "--confusions", str(out)], capsys,
            "is also the output (--html)")
    assert not out.exists()


def test_check_outputs_ignores_stdio_and_devices(page: Path) -> None:
    check_outputs([("-o", "-"), ("--edits", os.devnull)], [("IN", "-"), ("IN", os.devnull), ("IN", page)])
    with pytest.raises(InputError, match="would destroy the input"):
        check_outputs([("-o", page)], [("IN", page)])


def test_edits_dash_is_stdout(page: Path, models: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.txt"
    assert main(["correct", str(page), "-o", str(out), "--edits", "-", *models]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["original"], r["replacement"]) for r in records] == [("乍", "作")]
    assert not (Path.cwd() / "-").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "page.txt"]
    refused(["correct", str(page), "--edits", "-", *models], capsys, "both go to stdout")


def test_log_and_output_follow_the_umask(page: Path, models: list[str], tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert main(["correct", str(page), "-o", str(tmp_path / "out.txt"), "--edits", str(tmp_path / "e.jsonl"), *models]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "e.jsonl").stat().st_mode & 0o777 == 0o644


def test_a_failed_single_input_leaves_no_log(tmp_path: Path, models: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    refused(["correct", str(bad), "-o", str(out / "c.txt"), "--edits", str(out / "e.jsonl"), *models], capsys, "empty file")
    assert list(out.iterdir()) == []


def test_long_output_name(tmp_path: Path) -> None:
    """A 250-byte name still fits NAME_MAX: the temporary name is short."""
    target = tmp_path / ("长" * 83 + ".t")  # 83 * 3 + 2 = 251 bytes
    write_text_atomic(target, TEXT)
    assert target.read_text(encoding="utf-8") == TEXT and len(list(tmp_path.iterdir())) == 1


def test_symlink_output_replaces_the_target_not_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text_atomic(link, TEXT)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == TEXT
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "sub" / "new.txt")
    write_text_atomic(dangling, TEXT)
    assert dangling.is_symlink() and (tmp_path / "sub" / "new.txt").read_text(encoding="utf-8") == TEXT


def test_fifo_output_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text_atomic(fifo, TEXT)
    reader.join(10)
    assert got == [TEXT.encode()] and fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_dev_stdout_stays_a_device(page: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ocrfix", "reflow", str(page), "-o", "/dev/stdout"],
                          capture_output=True, check=False)
    assert proc.returncode == 0 and proc.stdout.decode() == "我们在北京工乍。他们在上海工作。\n"
    assert Path("/dev/stdout").is_symlink()  # not replaced by a regular file (as root it could be)


def test_directory_as_output(page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d").mkdir()
    refused(["reflow", str(page), "-o", str(tmp_path / "d")], capsys, "is a directory, not an output file")
    assert list((tmp_path / "d").iterdir()) == []


def test_full_device(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    refused(["reflow", str(page), "-o", "/dev/full"], capsys, "No space left on device")


@pytest.mark.parametrize("failing", ["write", "flush"])
def test_printing_to_a_full_disk_is_one_error_line(failing: str, page: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """eval, lm eval and confusions print their results: stdout on a full disk (``> /dev/full``)
    fails as it fills or when the command's buffered lines are flushed, and says so in one line."""
    class Full(io.StringIO):
        def full(self, *args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    setattr(Full, failing, Full.full)
    monkeypatch.setattr(sys, "stdout", Full())
    refused(["eval", "--gt", str(page), "--hyp", str(page)], capsys, "-: cannot write the output (No space left on device")


def test_the_version_printed_to_a_full_disk_is_one_error_line(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``ocrfix --version > /dev/full``: one error line and exit 2, as for any command's printed output."""
    class Full(io.StringIO):
        def write(self, *args: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    lines = capsys.readouterr().err.splitlines()
    assert stop.value.code == 2 and len(lines) == 1 and lines[0].startswith("ocrfix: error: -: cannot write the output"), lines


def test_full_disk_leaves_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ENOSPC while the temporary file is flushed: one InputError naming the file, nothing left."""
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    target = tmp_path / "out.txt"
    with pytest.raises(InputError, match=r"out.txt: cannot write the output \(No space left on device: free some space"):
        write_text_atomic(target, TEXT)
    assert list(tmp_path.iterdir()) == []


def test_full_tmpfs(page: Path, models: list[str], tmp_path: Path) -> None:
    """A real full file system (a 16 KB tmpfs; needs root): exit 2, no output, no log, no .tmp."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs")
    try:
        (mount / "filler").write_bytes(b"\0" * 12288)
        big = tmp_path / "big.txt"
        big.write_text(TEXT * 1000, encoding="utf-8")
        for argv in (["reflow", str(big), "-o", str(mount / "r.txt")],
                     ["correct", str(big), "-o", str(tmp_path / "c.txt"), "--edits", str(mount / "e.jsonl"), *models]):
            proc = subprocess.run([sys.executable, "-m", "ocrfix", *argv], capture_output=True, check=False)
            err = proc.stderr.decode().splitlines()
            assert proc.returncode == 2 and len(err) == 1 and "No space left on device" in err[0], err
            assert sorted(p.name for p in mount.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_atomic_output_discard_leaves_nothing(tmp_path: Path) -> None:
    out = AtomicOutput(tmp_path / "log.jsonl", "edits log")
    out.write("x\n")
    out.discard()
    assert list(tmp_path.iterdir()) == []


def _wait_for_handler(pid: int, signum: int, timeout: float = 60.0) -> None:
    """Wait until process ``pid`` catches ``signum`` (its handler is installed: bit signum - 1 of
    SigCgt in /proc/PID/status)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught >> (signum - 1) & 1:
            return
        time.sleep(0.05)
    pytest.fail(f"process {pid} installed no handler for signal {signum} within {timeout:.0f} s")


def test_sigterm_leaves_no_temporary_file(models: list[str], tmp_path: Path) -> None:
    """A run stopped by SIGTERM (kill, a batch system's time limit) while correcting leaves no file."""
    import signal
    import time

    big = tmp_path / "big.txt"
    big.write_text(TEXT * 40_000, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "ocrfix", "correct", str(big), "-o", str(out / "c.txt"),
                             "--edits", str(out / "e.jsonl"), *models], stderr=subprocess.PIPE)
    _wait_for_handler(proc.pid, signal.SIGTERM)  # not a fixed sleep: a loaded machine starts Python slowly
    time.sleep(1)  # correcting (the page takes longer)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_signal_as_the_program_ends_leaves_with_the_commands_status(signame: str, tmp_path: Path) -> None:
    """A signal that reaches ``ocrfix`` once its command is over (batch done, interpreter shutting
    down) must not turn a finished run into one killed by the signal (-15, -2)."""
    script = tmp_path / "late.py"
    script.write_text(
        "import os, signal, threading, time\n"
        "import ocrfix.cli as cli\n"
        "cli.main = lambda argv=None: 0  # a command that has finished\n"
        "threading.Thread(target=time.sleep, args=(0.5,)).start()  # joined as the interpreter shuts down\n"
        f"threading.Timer(0.1, os.kill, (os.getpid(), signal.{signame})).start()\n"
        "cli.entry()\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    assert subprocess.run([sys.executable, str(script)], env=env, timeout=60).returncode == 0
