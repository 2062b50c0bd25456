"""The edits and statistics logs of batches: sidecars, merging, kills, shards, manifests."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocrfix.batch import Job, parse_shard, plan_jobs, shard
from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.options import CorrectOptions

LINES = ["我们在北京工乍。", "他们在上海工作。", "他在上海学习工乍。", "我们在上海工乍。"]


def make_pages(directory: Path, n: int) -> Path:
    (directory / "sub").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sub = "sub/" if i % 3 == 0 else ""
        (directory / f"{sub}p{i:03d}.txt").write_text(LINES[i % len(LINES)] * (1 + i % 5) + "\n", encoding="utf-8")
    return directory


def options(models: list[str]) -> CorrectOptions:
    """The library options of the `models` fixture's command-line options."""
    value = dict(zip(models[::2], models[1::2]))
    return CorrectOptions(model=value["--model"], confusions=(value["--confusions"],), weights=value["--weights"], reflow=False)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def outputs(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()}


def visible(out: Path) -> dict[str, str]:
    return {name: text for name, text in outputs(out).items() if not Path(name).name.startswith(".")}


def clean_run(models: list[str], tmp_path: Path, n: int) -> tuple[Path, dict[str, str], str, list[dict]]:
    """One clean run over n pages: its inputs, outputs and logs."""
    src = make_pages(tmp_path / "in", n)
    out, log, stats = tmp_path / "ref", tmp_path / "ref.edits.jsonl", tmp_path / "ref.stats.jsonl"
    assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(log), "--stats", str(stats), *models]) == 0
    return src, visible(out), log.read_text(encoding="utf-8"), records(stats)


@pytest.fixture()
def reference(models, tmp_path):
    return clean_run(models, tmp_path, 30)


@pytest.fixture()
def long_reference(models, tmp_path):
    """Enough pages for a run of some seconds, to be killed in the middle."""
    return clean_run(models, tmp_path, 240)


def test_sidecars_hold_each_documents_edits_and_the_log_is_sorted_by_file(models, reference, tmp_path):
    src, texts, log, stats = reference
    assert len(texts) == 30 and texts["p001.txt"] == "他们在上海工作。" * 2 + "\n"
    files = [rec["file"] for rec in map(json.loads, log.splitlines())]
    assert files == sorted(files)
    assert len(files) == sum(LINES[i % 4].count("工乍") * (1 + i % 5) for i in range(30))  # one edit per 工乍
    side = tmp_path / "ref" / "sub" / ".p000.txt.ocrfix.jsonl"
    head, *edits = side.read_text(encoding="utf-8").splitlines()
    assert json.loads(head)["status"] == "ok" and [json.loads(e)["replacement"] for e in edits] == ["作"]
    assert [s["file"] for s in stats] == sorted(str(p) for p in src.rglob("*.txt"))
    first = next(s for s in stats if s["file"].endswith("p000.txt"))
    assert first["chars"] == len(LINES[0]) + 1 and first["edits"] == 1 and sum(first["by_source"].values()) == 1


def test_resume_after_lost_outputs_and_stale_sidecars_gives_the_clean_log(models, reference, tmp_path):
    src, texts, log, _ = reference
    out, edits = tmp_path / "ref", tmp_path / "ref.edits.jsonl"
    edits.unlink()
    (out / "p004.txt").unlink()  # killed after the sidecar, before the output
    (out / ".p005.txt.ocrfix.jsonl").unlink()  # a log was not asked for then: no sidecar
    (out / "sub" / ".p006.txt.ocrfix.jsonl").write_text('{"file": "stale"}\n', encoding="utf-8")
    os.utime(out / "sub" / ".p006.txt.ocrfix.jsonl", (time.time() + 5,) * 2)  # newer than its output
    assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(edits), "--resume", *models]) == 0
    assert edits.read_text(encoding="utf-8") == log and visible(out) == texts


def test_runs_sharing_one_log_keep_each_others_records(models, reference, tmp_path):
    src, texts, log, _ = reference
    out, edits = tmp_path / "two", tmp_path / "two.jsonl"
    for part in (["sub"], [p.name for p in src.glob("*.txt")]):
        assert main(["correct", *(str(src / name) for name in part), "--out-dir", str(out), "--edits", str(edits), *models]) == 0
    assert sorted(edits.read_text(encoding="utf-8").splitlines()) == sorted(log.splitlines())


def test_shards_together_equal_one_run_and_keep_their_files_when_files_are_added(models, reference, tmp_path):
    src, texts, log, _ = reference
    out, edits = tmp_path / "sharded", tmp_path / "sharded.jsonl"
    for index in ("1/2", "2/2"):
        assert main(["correct", str(src), "-r", "--out-dir", str(out), "--shard", index, "--edits", str(edits), *models]) == 0
    assert visible(out) == texts and edits.read_text(encoding="utf-8") == log
    jobs = plan_jobs([str(src)], None, str(out), recursive=True)
    one, two = shard(jobs, 1, 3, str(out)), shard(jobs, 2, 3, str(out))
    assert one and two and not set(one) & set(two)
    more = jobs + [Job(str(src / f"new{i}.txt"), str(out / f"new{i}.txt")) for i in range(20)]
    assert set(one) <= set(shard(more, 1, 3, str(out)))


@pytest.mark.parametrize("text", ["3", "0/2", "3/2", "a/b"])
def test_bad_shard_is_refused(text):
    with pytest.raises(InputError, match="--shard"):
        parse_shard(text)


def test_manifest_lists_files_relative_to_itself(models, reference, tmp_path, capsys):
    src, texts, _, _ = reference
    manifest = src / "pages.lst"
    manifest.write_text("# pages\np001.txt\n\nsub/p003.txt\n", encoding="utf-8")
    out = tmp_path / "m"
    assert main(["correct", "--manifest", str(manifest), "--out-dir", str(out), *models]) == 0
    assert visible(out) == {"p001.txt": texts["p001.txt"], "sub/p003.txt": texts["sub/p003.txt"]}
    (src / "empty.lst").write_text("# nothing\n", encoding="utf-8")
    assert main(["correct", "--manifest", str(src / "empty.lst"), "--out-dir", str(out), *models]) == 2
    assert "lists no files" in capsys.readouterr().err


def test_failed_files_are_in_the_stats_and_a_failed_single_input_writes_no_log(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 2)
    (src / "bad.txt").write_bytes(b"\xff\xfe\x00x")
    stats, log = tmp_path / "stats.jsonl", tmp_path / "edits.jsonl"
    assert main(["correct", str(src), "--out-dir", str(tmp_path / "out"), "--stats", str(stats), *models]) == 1
    assert [(Path(s["file"]).name, s["status"]) for s in records(stats)] == [("bad.txt", "failed"), ("p001.txt", "ok")]
    assert main(["correct", str(src / "bad.txt"), "-o", str(tmp_path / "x.txt"), "--edits", str(log), *models]) == 2
    assert not log.exists() and not (tmp_path / "x.txt").exists()
    assert main(["correct", str(src / "p001.txt"), "--edits", str(log), *models]) == 0  # stdout: no sidecar
    assert [r["replacement"] for r in records(log)] == [] and log.exists()
    capsys.readouterr()


def test_a_log_that_is_not_jsonl_is_refused_before_any_work(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 2)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    assert main(["correct", str(src), "--out-dir", str(tmp_path / "out"), "--edits", str(notes), *models]) == 2
    assert "not an ocrfix JSONL log" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "my notes\n" and not (tmp_path / "out" / "p001.txt").exists()
    notes.write_text("0\n", encoding="utf-8")  # JSON, but not a record
    assert main(["correct", str(src), "--out-dir", str(tmp_path / "out"), "--edits", str(notes), *models]) == 2
    assert "not an ocrfix JSONL log" in capsys.readouterr().err


def test_summary_line_unless_quiet(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 4)
    args = [a for a in models if a != "--quiet"]
    out = str(tmp_path / "out")
    assert main(["correct", str(src), "-r", "--out-dir", out, *args]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    chars = sum(len(p.read_text(encoding="utf-8")) for p in src.rglob("*.txt"))
    edits = sum(p.read_text(encoding="utf-8").count("工乍") for p in src.rglob("*.txt"))
    assert last.startswith(f"ocrfix: 4 files (0 failed), {chars} chars, {edits} edits in ") and last.endswith(" chars/s)")
    assert main(["correct", str(src), "-r", "--out-dir", out, "--resume", *args]) == 0
    resumed = capsys.readouterr().err.splitlines()
    assert resumed[0] == "ocrfix: --resume: 4 of 4 files already written, skipped"  # said before the run
    assert resumed[-1].startswith("ocrfix: 4 files (4 done earlier, 0 failed), 0 chars, 0 edits in ")
    assert main(["correct", str(src), "-r", "--out-dir", out, *models]) == 0
    assert capsys.readouterr().err == ""
    one = sorted(src.rglob("*.txt"))[0]
    assert main(["correct", str(one), "-o", str(tmp_path / "one.txt"), *args]) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("ocrfix: 1 file (0 failed), ")


def _start(models: list[str], src: Path, out: Path, log: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen([sys.executable, "-m", "ocrfix", "correct", str(src), "-r", "--out-dir", str(out),
                             "--edits", str(log), "--jobs", "2", *models, *extra],
                            env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_outputs(out: Path, count: int, proc: subprocess.Popen) -> None:
    """Until ``count`` outputs are written (0: during start-up)."""
    time.sleep(0.3)
    while count and proc.poll() is None and sum(1 for _ in out.rglob("[!.]*.txt")) < count:
        time.sleep(0.01)


def test_sigterm_stops_cleanly_and_resume_completes(models, long_reference, tmp_path):
    src, texts, log, _ = long_reference
    out, edits = tmp_path / "term", tmp_path / "term.jsonl"
    proc = _start(models, src, out, edits)
    wait_for_outputs(out, 50, proc)
    os.killpg(proc.pid, signal.SIGTERM)
    err = proc.communicate(timeout=30)[1]
    assert len(visible(out)) < len(texts)  # stopped in the middle
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "ocrfix: terminated (SIGTERM); the finished files are kept: rerun with --resume"
    assert not [p for p in out.rglob("*.tmp")]
    assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(edits), "--resume", *models]) == 0
    assert edits.read_text(encoding="utf-8") == log and visible(out) == texts


def test_on_error_copy_passes_a_bad_file_through_and_abort_stops(models, tmp_path, capsys):
    src = make_pages(tmp_path / "in", 3)
    bad = b"\xff\xfe\x00x"
    (src / "bad.txt").write_bytes(bad)
    out, stats = tmp_path / "out", tmp_path / "stats.jsonl"
    args = ["correct", str(src), "--out-dir", str(out), "--stats", str(stats), *models]
    assert main([*args, "--on-error", "copy"]) == 1
    assert (out / "bad.txt").read_bytes() == bad and "(copied unchanged)" in capsys.readouterr().err
    assert [s["status"] for s in records(stats)] == ["copied", "ok", "ok"]
    assert main([*args, "--on-error", "copy", "--resume"]) == 0  # a copied file counts as done
    stopped = tmp_path / "stopped"
    assert main(["correct", str(src), "--out-dir", str(stopped), "--on-error", "abort", *models]) == 1
    assert "(stopping)" in capsys.readouterr().err and not (stopped / "p002.txt").exists()  # bad.txt comes first
    loud = [a for a in models if a != "--quiet"]
    assert main(["correct", str(src), "--out-dir", str(tmp_path / "loud"), "--on-error", "abort", *loud]) == 1
    assert "ocrfix: 3 files (2 not counted: left at the first failure, 1 failed), 0 chars, 0 edits in " \
        in capsys.readouterr().err  # not "2 done earlier": nothing was


def test_fsspec_urls_in_and_out(models, reference, tmp_path):
    """Pages in an object store (fsspec's in-memory one here): read, corrected, written as objects
    with their sidecars, resumed, sharded; ``file://`` URLs are local paths."""
    fsspec = pytest.importorskip("fsspec")
    from ocrfix.batch import correct_files
    from ocrfix.options import CorrectOptions

    src, texts, log, _ = reference
    fs = fsspec.filesystem("memory")
    names = sorted(p.name for p in src.glob("*.txt"))
    for name in names:
        fs.pipe_file(f"/archive/{name}", (src / name).read_bytes())
    value = dict(zip(models[::2], models[1::2]))
    options = CorrectOptions(model=value["--model"], confusions=(value["--confusions"],), weights=value["--weights"], reflow=False)
    jobs = plan_jobs([f"memory://archive/{name}" for name in names], None, "memory://fixed")
    edits = tmp_path / "urls.jsonl"
    halves = [shard(jobs, 1, 2, "memory://fixed"), shard(jobs, 2, 2, "memory://fixed")]
    assert halves[0] and halves[1] and len(halves[0]) + len(halves[1]) == len(jobs)
    assert not any(o.error for o in correct_files(halves[0], options, edits_path=str(edits), progress=False))
    done = correct_files(jobs, options, edits_path=str(edits), resume=True, progress=False)
    assert {o.job.source for o in done} == {j.source for j in halves[1]}  # the first shard's objects were finished
    assert {name: fs.cat_file(f"/fixed/{name}").decode("utf-8") for name in names} == {name: texts[name] for name in names}
    assert fs.exists("/fixed/.p001.txt.ocrfix.jsonl")
    expected = sorted(line.replace(str(src) + "/", "memory://archive/") for line in log.splitlines()
                      if "/sub/" not in json.loads(line)["file"])
    assert sorted(edits.read_text(encoding="utf-8").splitlines()) == expected
    pulled = plan_jobs([f"memory://archive/{name}" for name in names[:2]], None, str(tmp_path / "pulled"))
    assert len(correct_files(pulled, options, edits_path=str(tmp_path / "p.jsonl"), progress=False)) == 2
    assert correct_files(pulled, options, edits_path=str(tmp_path / "p.jsonl"), resume=True, progress=False) == []
    assert (tmp_path / "pulled" / names[0]).read_text(encoding="utf-8") == texts[names[0]]
    local = plan_jobs([f"file://{src}/p001.txt"], None, f"file://{tmp_path}/o")
    assert local == [Job(f"{src}/p001.txt", f"{tmp_path}/o/p001.txt")]


def _log(path: Path, files: list[str | None], per_file: int = 2) -> None:
    path.write_text("".join(json.dumps({"file": f, "n": i}) + "\n" for f in files for i in range(per_file)), encoding="utf-8")


@pytest.mark.parametrize("old_order", [["a", "c", "e"], ["e", "a", "c", None]])
def test_merge_replaces_a_files_records_and_keeps_the_others_in_file_order(tmp_path, old_order):
    from ocrfix.batch.logs import _merged
    log = tmp_path / "log.jsonl"
    _log(log, old_order)
    fresh = {"c": ['{"file": "c", "new": 1}'].copy, "b": ['{"file": "b", "new": 1}'].copy}
    lines = [json.loads(line) for line in _merged(str(log), fresh)]
    expected = [None] if None in old_order else []
    assert [r["file"] for r in lines] == [*expected * 2, "a", "a", "b", "c", "e", "e"]
    assert [r for r in lines if r["file"] in ("b", "c")] == [{"file": "b", "new": 1}, {"file": "c", "new": 1}]


def test_merge_streams_an_old_log_far_larger_than_what_it_holds(tmp_path):
    import tracemalloc

    from ocrfix.batch.logs import _merged
    log = tmp_path / "log.jsonl"
    _log(log, [f"p{i:06d}" for i in range(20_000)], per_file=5)  # 100,000 records, ~3 MB
    tracemalloc.start()
    count = sum(1 for _ in _merged(str(log), {"p000001": ["x"].copy}))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 100_000 - 5 + 1
    assert peak < log.stat().st_size / 20  # one file's records at a time


def test_a_long_run_holds_edit_counts_not_edits_once_they_are_in_the_sidecars(models, reference, tmp_path):
    from ocrfix.batch import correct_files

    src, _, log, stats = reference
    jobs = plan_jobs([str(src)], None, str(tmp_path / "out"), recursive=True)
    light = correct_files(jobs, options(models), edits_path=str(tmp_path / "e.jsonl"), progress=False, keep_edits=False)
    assert light and all(o.edits == () for o in light)
    assert sum(o.edit_count for o in light) == len(log.splitlines()) == sum(r["edits"] for r in stats) > 0
    assert (tmp_path / "e.jsonl").read_text(encoding="utf-8") == log
    full = correct_files(plan_jobs([str(src)], None, str(tmp_path / "again"), recursive=True), options(models), progress=False)
    assert sum(len(o.edits) for o in full) == sum(o.edit_count for o in full) == len(log.splitlines())


FINALIZER_STRUCK = """
import os, signal, sys, time
from ocrfix.batch.signals import Terminated, interrupt, terminate
SIGNUM = getattr(signal, sys.argv[1])
signal.signal(SIGNUM, {"SIGTERM": terminate, "SIGINT": interrupt}[sys.argv[1]])


class Bar:  # a progress bar's finalizer, as a run winds down
    def __del__(self):
        os.kill(os.getpid(), SIGNUM)
        sum(range(100_000))


try:
    Bar()
    time.sleep(5)
    print("ran on")
except KeyboardInterrupt as stopped:  # Terminated is one
    print(type(stopped).__name__)
"""


@pytest.mark.parametrize("signame, stopped", [("SIGTERM", "Terminated"), ("SIGINT", "KeyboardInterrupt")])
def test_a_signal_that_strikes_inside_a_finalizer_still_stops_the_run_without_a_traceback(signame, stopped):
    # raised inside __del__, the exception would be printed with its traceback and swallowed: the run went on
    done = subprocess.run([sys.executable, "-c", FINALIZER_STRUCK, signame], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert (done.stdout.strip(), done.stderr) == (stopped, "")
