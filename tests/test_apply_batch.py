"""`ocrfix apply` and `ocrfix review` over an archive, as `ocrfix correct` runs it: the inputs named
by a manifest, `--resume` (also after a kill), `--on-error`, `--shard`, `--jobs` and the progress bar."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocrfix import batch
from ocrfix.cli import main
from test_batch_logs import make_pages, visible, wait_for_outputs
from test_batch_progress import FakeBar


@pytest.fixture()
def archive(models, tmp_path):
    """Pages listed in a manifest, `ocrfix correct --manifest`'s outputs of them and its edit log."""
    src = make_pages(tmp_path / "in", 12)
    manifest = src / "pages.lst"
    manifest.write_text("".join(f"{p.relative_to(src)}\n" for p in sorted(src.rglob("*.txt"))), encoding="utf-8")
    out, log = tmp_path / "corrected", tmp_path / "edits.jsonl"
    assert main(["correct", "--manifest", str(manifest), "--out-dir", str(out), "--edits", str(log), *models]) == 0
    return manifest, visible(out), log


def _apply(manifest: Path, log: Path, out: Path, models: list[str], *extra: str) -> int:
    return main(["apply", "--manifest", str(manifest), "--edits", str(log), "--out-dir", str(out), *models, *extra])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_apply_with_corrects_manifest_writes_corrects_outputs(archive, models, tmp_path, jobs):
    manifest, texts, log = archive
    assert len(texts) == 12 and any("工作" in text for text in texts.values())
    out = tmp_path / "applied"
    assert _apply(manifest, log, out, models, "--jobs", jobs) == 0
    assert visible(out) == texts  # the directory structure below the manifest's directory mirrored


def test_review_with_a_manifest_shows_the_files_it_lists(archive, models, tmp_path):
    manifest, _, log = archive
    listed = [str(manifest.parent / line) for line in manifest.read_text(encoding="utf-8").split()]
    pages = tmp_path / "by-manifest.html", tmp_path / "by-name.html"
    assert main(["review", "--manifest", str(manifest), "--edits", str(log), "-o", str(pages[0]), *models]) == 0
    assert main(["review", *listed, "--edits", str(log), "-o", str(pages[1]), *models]) == 0
    assert pages[0].read_bytes() == pages[1].read_bytes()
    page = pages[0].read_text(encoding="utf-8")
    assert len([name for name in listed if name in page]) == 9  # the 3 pages of a line without 工乍 have no edits


def test_resume_writes_only_the_outputs_missing_or_older_than_the_input_or_the_log(archive, models, tmp_path, capsys):
    manifest, texts, log = archive
    out = tmp_path / "applied"
    assert _apply(manifest, log, out, models) == 0
    (out / "p002.txt").unlink()  # the run was killed before writing it
    (out / "p004.txt").write_text("kept\n", encoding="utf-8")  # written: --resume leaves it
    assert _apply(manifest, log, out, models, "--resume") == 0
    assert visible(out) == {**texts, "p004.txt": "kept\n"}
    os.utime(log, (time.time() + 5,) * 2)  # the log reviewed again: every output is older than it
    loud = [option for option in models if option != "--quiet"]
    assert _apply(manifest, log, out, loud, "--resume") == 0
    assert visible(out) == texts
    assert "ocrfix: --resume:" not in capsys.readouterr().err  # nothing skipped


def test_on_error_skips_copies_or_stops_at_a_file_that_fails(archive, models, tmp_path, capsys):
    manifest, texts, log = archive
    bad = b"\xff\xfe\x00x"
    (manifest.parent / "bad.txt").write_bytes(bad)
    listing = manifest.read_text(encoding="utf-8")
    manifest.write_text(listing + "bad.txt\n", encoding="utf-8")
    skipped, copied, stopped = tmp_path / "skipped", tmp_path / "copied", tmp_path / "stopped"
    assert _apply(manifest, log, skipped, models) == 1
    assert visible(skipped) == texts and "bad.txt" in capsys.readouterr().err
    assert _apply(manifest, log, copied, models, "--on-error", "copy") == 1
    assert (copied / "bad.txt").read_bytes() == bad
    assert "(copied unchanged)" in capsys.readouterr().err
    assert _apply(manifest, log, copied, models, "--on-error", "copy", "--resume") == 0  # a copied file counts as written
    manifest.write_text("bad.txt\n" + listing, encoding="utf-8")  # the bad file first
    assert _apply(manifest, log, stopped, models, "--on-error", "abort") == 1
    assert "(stopping)" in capsys.readouterr().err and visible(stopped) == {}


def test_shards_together_write_the_whole_archive_and_bad_shards_are_refused(archive, models, tmp_path, capsys):
    manifest, texts, log = archive
    out = tmp_path / "sharded"
    written = []
    for index in ("1/3", "2/3", "3/3"):
        before = set(visible(out)) if out.exists() else set()
        assert _apply(manifest, log, out, models, "--shard", index) == 0
        written.append(set(visible(out)) - before)
    assert visible(out) == texts and all(written) and sum(map(len, written)) == len(texts)
    for garbage in ("x", "0/3", "4/3", "1/0", "1/2/3"):
        assert _apply(manifest, log, tmp_path / "never", models, "--shard", garbage) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"--shard {garbage}" in err
    assert main(["apply", str(manifest.parent / "p001.txt"), "--edits", str(log), "-o", str(tmp_path / "one.txt"),
                 "--shard", "1/2", *models]) == 2
    assert capsys.readouterr().err.strip() == "ocrfix: error: --shard needs --out-dir DIR"
    assert not (tmp_path / "never").exists() and not (tmp_path / "one.txt").exists()


@pytest.mark.parametrize("listing", [None, b"", b"# only a comment\n\n", b"\x89PNG\r\n\x1a\n\x00\x00", b"missing.txt\n"])
@pytest.mark.parametrize("command", ["apply", "review"])
def test_a_bad_manifest_is_refused_in_one_line(archive, models, tmp_path, capsys, listing, command):
    _, _, log = archive
    manifest = tmp_path / "bad.lst"
    if listing is not None:
        manifest.write_bytes(listing)
    out = ["--out-dir", str(tmp_path / "out")] if command == "apply" else ["-o", str(tmp_path / "r.html")]
    assert main([command, "--manifest", str(manifest), "--edits", str(log), *out, *models]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("ocrfix: error: ") and ("missing.txt" in err or "bad.lst" in err)
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.html").exists()


def test_a_manifest_naming_a_missing_file_among_others_fails_that_file_only(archive, models, tmp_path, capsys):
    manifest, texts, log = archive
    manifest.write_text(manifest.read_text(encoding="utf-8") + "gone.txt\n", encoding="utf-8")
    out = tmp_path / "applied"
    assert _apply(manifest, log, out, models) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ocrfix: error: ")]
    assert len(errors) == 1 and "gone.txt" in errors[0] and visible(out) == texts
    assert main(["review", "--manifest", str(manifest), "--edits", str(log), "-o", str(tmp_path / "r.html"), *models]) == 2
    assert "gone.txt" in capsys.readouterr().err and not (tmp_path / "r.html").exists()


class _NamedBar(FakeBar):
    def __init__(self, total=None, disable=False, desc="", **kwargs) -> None:
        super().__init__(total, disable, **kwargs)
        self.desc = desc


def test_a_progress_bar_in_bytes_unless_quiet(archive, models, tmp_path, monkeypatch):
    manifest, _, log = archive
    FakeBar.made.clear()
    monkeypatch.setattr(batch.run, "tqdm", _NamedBar)
    loud = [option for option in models if option != "--quiet"]
    assert _apply(manifest, log, tmp_path / "loud", loud) == 0
    (shown,) = FakeBar.made
    size = sum(p.stat().st_size for p in manifest.parent.rglob("*.txt"))
    assert not shown.disable and shown.desc == "applying 12 files" and shown.total == sum(shown.updates) == size
    assert _apply(manifest, log, tmp_path / "quiet", models) == 0
    assert FakeBar.made[-1].disable


def test_a_killed_apply_loses_nothing_written_and_resume_completes_it(models, tmp_path):
    src = make_pages(tmp_path / "in", 240)
    reference, log = tmp_path / "corrected", tmp_path / "edits.jsonl"
    assert main(["correct", str(src), "-r", "--out-dir", str(reference), "--edits", str(log), *models]) == 0
    texts = visible(reference)
    out = tmp_path / "applied"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "ocrfix", "apply", str(src), "-r", "--edits", str(log), "--out-dir", str(out),
                             "--jobs", "2", *models], env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for_outputs(out, 20, proc)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the run and its workers
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode in (0, 128 + signal.SIGTERM) and "Traceback" not in err
    if proc.returncode:
        assert err.strip().splitlines()[-1] == "ocrfix: terminated (SIGTERM); the finished files are kept: rerun with --resume"
    assert not list(out.rglob("*.tmp")) and all(texts[name] == text for name, text in visible(out).items())
    assert main(["apply", str(src), "-r", "--edits", str(log), "--out-dir", str(out), "--resume", *models]) == 0
    assert visible(out) == texts


@pytest.mark.parametrize("command", ["apply", "review", "correct", "eval"])
def test_a_list_of_files_in_another_encoding_is_told_to_become_utf8_not_to_take_encoding(archive, models, tmp_path, capsys, command):
    """``--encoding`` names the inputs' encoding, not a manifest's or a pairs file's: a list in GB18030 is told
    to be converted, and the hint does not send the user to an option that would not read it."""
    _, _, log = archive
    listing = tmp_path / "列表.lst"
    listing.write_bytes("第一页.txt\n第二页.txt\n".encode("gb18030"))
    argv = {"apply": ["apply", "--manifest", str(listing), "--edits", str(log), "--out-dir", str(tmp_path / "o"), *models],
            "review": ["review", "--manifest", str(listing), "--edits", str(log), "-o", str(tmp_path / "r.html"), *models],
            "correct": ["correct", "--manifest", str(listing), "--out-dir", str(tmp_path / "o"), *models],
            "eval": ["eval", "--pairs", str(listing)]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "iconv -f gb18030" in err and "--encoding" not in err
