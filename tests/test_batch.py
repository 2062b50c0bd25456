import json
import os

import pytest

from ocrfix.cli import main
from ocrfix.correction.edits import read_log, replay


@pytest.fixture()
def pages(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("我们在北京工乍。\n", encoding="utf-8")
    (src / "b.txt").write_text("他们在上海工作。\n", encoding="utf-8")
    (src / "sub" / "c.txt").write_text("他在上海学习工乍。\n", encoding="utf-8")
    return src


def test_single_file_to_stdout(models, pages, capsys):
    assert main(["correct", str(pages / "a.txt"), *models]) == 0
    assert capsys.readouterr().out == "我们在北京工作。\n"


def test_directory_batch_recursive_with_edits_log(models, pages, tmp_path):
    out, log = tmp_path / "out", tmp_path / "edits.jsonl"
    assert main(["correct", str(pages), "-r", "--out-dir", str(out), "--edits", str(log), *models]) == 0
    assert (out / "a.txt").read_text(encoding="utf-8") == "我们在北京工作。\n"
    assert (out / "b.txt").read_text(encoding="utf-8") == "他们在上海工作。\n"
    assert (out / "sub" / "c.txt").read_text(encoding="utf-8") == "他在上海学习工作。\n"
    edits = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted((os.path.basename(e["file"]), e["offset"], e["replacement"]) for e in edits) == [("a.txt", 6, "作"), ("c.txt", 7, "作")]
    src = pages / "a.txt"
    mine = [line for line in log.read_text(encoding="utf-8").splitlines() if json.loads(line)["file"] == str(src)]
    assert replay(src.read_text(encoding="utf-8"), read_log(mine)) == (out / "a.txt").read_text(encoding="utf-8")


def test_non_recursive_directory_skips_subdirectories(models, pages, tmp_path):
    assert main(["correct", str(pages), "--out-dir", str(tmp_path / "out"), *models]) == 0
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.txt")) == ["a.txt", "b.txt"]


def test_a_directory_gives_its_files_named_like_ocr_output_of_any_format(models, pages, tmp_path):
    import gzip

    (pages / "d.tsv").write_text("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
                                 "5\t1\t1\t1\t1\t1\t0\t0\t320\t40\t90\t我们在北京工乍。\n", encoding="utf-8")
    (pages / "e.txt.gz").write_bytes(gzip.compress("我们在北京工乍。\n".encode()))
    (pages / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # not OCR output: not taken
    (pages / "notes.md").write_text("我们在北京工乍。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["correct", str(pages), "--out-dir", str(out), *models]) == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.txt", "b.txt", "d.tsv", "e.txt.gz"]
    assert (out / "d.tsv").read_text(encoding="utf-8").endswith("\t我们在北京工作。\n")
    assert gzip.decompress((out / "e.txt.gz").read_bytes()).decode() == "我们在北京工作。\n"


def test_resume_skips_finished_outputs(models, pages, tmp_path):
    out = tmp_path / "out"
    assert main(["correct", str(pages), "--out-dir", str(out), *models]) == 0
    (out / "a.txt").write_text("marker\n", encoding="utf-8")
    (pages / "b.txt").write_text("我们在北京工乍。\n", encoding="utf-8")
    os.utime(pages / "b.txt", (os.path.getmtime(out / "b.txt") + 10,) * 2)
    assert main(["correct", str(pages), "--out-dir", str(out), "--resume", *models]) == 0
    assert (out / "a.txt").read_text(encoding="utf-8") == "marker\n"  # finished: skipped
    assert (out / "b.txt").read_text(encoding="utf-8") == "我们在北京工作。\n"  # input newer: redone


def test_bad_file_is_reported_skipped_and_exit_is_nonzero(models, pages, tmp_path, capsys):
    (pages / "bad.txt").write_bytes("我们".encode("gb18030") + b"\xff\xfe")
    (pages / "empty.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["correct", str(pages), "--out-dir", str(out), "--jobs", "2", *models]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "empty.txt" in err and "2 of 4 files failed" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]  # no partial or temp files


def test_missing_model_is_a_clean_error(models, pages, tmp_path, capsys):
    args = list(models)
    args[args.index("--model") + 1] = str(tmp_path / "nope.klm")
    assert main(["correct", str(pages / "a.txt"), *args]) == 2
    assert capsys.readouterr().err.startswith("ocrfix: error: ")


def test_malformed_confusions_are_a_clean_error(models, pages, tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("乍\t作\n", encoding="utf-8")
    args = list(models)
    args[args.index("--confusions") + 1] = str(bad)
    assert main(["correct", str(pages / "a.txt"), *args]) == 2
    assert "bad.tsv:1" in capsys.readouterr().err


def test_unwritable_output_dir_fails_before_writing(models, pages, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["correct", str(pages), "--out-dir", str(blocker / "out"), *models]) == 2
    assert "is not a directory, cannot hold output" in capsys.readouterr().err


def test_two_inputs_onto_one_output_are_refused_by_name(models, pages, tmp_path, capsys):
    (pages / "sub" / "a.txt").write_text("他们在北京工作。\n", encoding="utf-8")
    out = tmp_path / "out"
    a, sub_a = pages / "a.txt", pages / "sub" / "a.txt"
    assert main(["correct", str(a), str(sub_a), "--out-dir", str(out), *models]) == 2
    assert capsys.readouterr().err == (f"ocrfix: error: {a} and {sub_a} would both write {out / 'a.txt'}; keep their "
                                       "directory structure with one directory input\n")
    assert main(["correct", str(a), str(a), "--out-dir", str(out), "--jobs", "2", *models]) == 2
    assert capsys.readouterr().err == f"ocrfix: error: {a}: given twice\n" and not out.exists()


def test_directory_without_out_dir_is_refused(models, pages, capsys):
    assert main(["correct", str(pages), *models]) == 2
    assert "--out-dir" in capsys.readouterr().err


@pytest.mark.parametrize("signum, raised", [("SIGTERM", "Terminated"), ("SIGINT", "KeyboardInterrupt")])
def test_signals_during_a_pool_run_are_raised_only_where_the_run_checks(signum, raised):
    """Raised anywhere, SIGINT/SIGTERM could strike inside the pool's submit or wait with a lock
    taken, and its shutdown would hang; the pool run notes them and raises them at its checks."""
    import signal

    from ocrfix import batch

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with batch.signals.deferred_signals() as check:
        os.kill(os.getpid(), getattr(signal, signum))  # noted, not raised here
        with pytest.raises((batch.Terminated, KeyboardInterrupt)) as caught:
            check()
        assert type(caught.value).__name__ == raised
    assert {s: signal.getsignal(s) for s in before} == before  # the run's own handlers are back
