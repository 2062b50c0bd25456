"""`ocrfix apply` over a log it does not hold: the log read once as a stream to check every line and
index where each file's records are (byte offsets), each file's records read back from the log by
the job that applies it."""
from __future__ import annotations

import gzip
import json
import os
import pickle
from pathlib import Path

import pytest

from ocrfix import review
from ocrfix.batch import replay
from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.review import index_edit_log, read_log_part, read_log_records
from test_batch_logs import make_pages, visible


@pytest.fixture()
def corrected(models, tmp_path):
    """Pages, `ocrfix correct`'s outputs of them and its edit log."""
    src = make_pages(tmp_path / "in", 6)
    out, log = tmp_path / "corrected", tmp_path / "edits.jsonl"
    assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(log), *models]) == 0
    return src, visible(out), log


def _apply(src: Path, log: Path, out: Path, models: list[str], *extra: str) -> int:
    return main(["apply", str(src), "-r", "--edits", str(log), "--out-dir", str(out), *models, *extra])


def _files(log: Path) -> list[str]:
    return [json.loads(line)["file"] for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_job_carries_where_its_records_are_in_the_log_not_its_edits(corrected, models, tmp_path, monkeypatch):
    src, texts, log = corrected
    jobs = []

    def spy(job, on_error="skip"):
        jobs.append(job)
        return work(job, on_error)

    work = replay.replay_job
    monkeypatch.setattr(replay, "replay_job", spy)
    assert _apply(src, log, tmp_path / "applied", models) == 0
    assert visible(tmp_path / "applied") == texts
    files = _files(log)
    with_edits = [job for job in jobs if job.part is not None]
    assert len(jobs) == 6 and len(with_edits) == len(set(files)) == 4  # the pages of a line without 工乍 have none
    for job in with_edits:
        assert job.part.records == files.count(job.source) and len(job.part.runs) == 4  # one run of lines
        assert "作".encode() not in pickle.dumps(job)  # what a worker or a cluster is sent: no edit


def test_a_files_records_spread_over_the_log_are_indexed_and_applied(corrected, models, tmp_path):
    src, texts, log = corrected
    lines = log.read_text(encoding="utf-8").splitlines()
    by_file = {file: [line for line in lines if json.loads(line)["file"] == file] for file in _files(log)}
    dealt = [group[i] for i in range(max(map(len, by_file.values()))) for group in by_file.values() if i < len(group)]
    spread = tmp_path / "spread.jsonl"
    spread.write_text("\n\n".join(dealt) + "\n", encoding="utf-8")  # one file's records, then another's; blank lines
    index = index_edit_log(str(spread))
    assert set(index) == set(by_file) and any(len(part.runs) > 4 for part in index.values())
    records = read_log_records(str(spread))
    for file, part in index.items():
        assert read_log_part(str(spread), part) == [record.edit for record in records if record.file == file]
    assert _apply(src, spread, tmp_path / "applied", models) == 0
    assert visible(tmp_path / "applied") == texts


@pytest.mark.parametrize("bad, reason", [(b"{not json", "Expecting property name"),
                                         (b'{"file": "x", "offset": 1}', "no 'original'"),
                                         ('{"file": ["a"], "offset": 1, "original": "乍", "replacement": "作", "gain": 0.9, '
                                          '"sources": [], "input_offset": 1}'.encode(), "its file is list"),
                                         (b'{"offset": "\xff"}', "not valid UTF-8 at byte 12")])
def test_a_bad_line_anywhere_is_refused_at_index_time_before_any_file_is_written(corrected, models, tmp_path, capsys,
                                                                                 bad, reason):
    src, _, log = corrected
    count = len(log.read_bytes().splitlines())
    log.write_bytes(log.read_bytes() + b"\n" + bad + b"\n")
    assert _apply(src, log, tmp_path / "applied", models) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{log}: line {count + 2} is not an edit record" in err and reason in err
    assert not list((tmp_path / "applied").rglob("*.txt"))


def _same_stamp(log: Path, data: bytes) -> None:
    """``data`` written over the log, its size and time kept: a change the stamp cannot see."""
    before = log.stat()
    assert len(data) == before.st_size
    log.write_bytes(data)
    os.utime(log, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_record_read_back_that_is_no_longer_the_files_names_the_log_and_its_line(corrected):
    _, _, log = corrected
    part = next(part for part in index_edit_log(str(log)).values() if part.runs[2] > 1)  # not the first file's
    data = log.read_bytes()
    start, size, first, _ = part.runs
    _same_stamp(log, data[:start] + b"x" + data[start + 1:])
    with pytest.raises(InputError, match=rf"^{log}: line {first} is not an edit record of `ocrfix correct --edits` \("):
        read_log_part(str(log), part)
    other = json.loads(data[:data.index(b"\n")])["file"].encode()
    assert len(other) == len(part.file.encode())
    _same_stamp(log, data[:start] + data[start:start + size].replace(part.file.encode(), other, 1) + data[start + size:])
    with pytest.raises(InputError, match=rf"^{log}: line {first} is no longer a record of {part.file}: the log changed"):
        read_log_part(str(log), part)
    log.write_bytes(data + b"\n")
    with pytest.raises(InputError, match=rf"^{log}: the log changed since `ocrfix apply` read it; rerun$"):
        read_log_part(str(log), part)


def test_a_log_changed_while_apply_runs_fails_each_file_in_one_line(corrected, models, tmp_path, monkeypatch, capsys):
    src, _, log = corrected

    def index_then_change(path):
        index = index_of(path)
        log.write_text(log.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a reviewer saved it again
        return index

    index_of = review.index_edit_log
    monkeypatch.setattr(review, "index_edit_log", index_then_change)
    assert _apply(src, log, tmp_path / "applied", models) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("the log changed since `ocrfix apply` read it; rerun") == 4
    assert "ocrfix: 4 of 6 files failed" in err and len(visible(tmp_path / "applied")) == 2  # those without edits


def test_resume_counts_the_logged_edits_of_the_files_it_writes(corrected, models, tmp_path, capsys):
    src, texts, log = corrected
    out = tmp_path / "applied"
    assert _apply(src, log, out, models) == 0
    gone = next(name for name in sorted(texts) if str(src / name) in _files(log))
    (out / gone).unlink()
    loud = [option for option in models if option != "--quiet"]
    assert _apply(src, log, out, loud, "--resume") == 0
    assert visible(out) == texts
    logged = _files(log).count(str(src / gone))
    assert f", {logged:,} of {logged:,} logged edits applied in " in capsys.readouterr().err.splitlines()[-1]


def test_a_gzip_compressed_log_is_applied_and_a_log_on_stdin_refused(corrected, models, tmp_path, capsys):
    src, texts, log = corrected
    packed = tmp_path / "edits.jsonl.gz"
    packed.write_bytes(gzip.compress(log.read_bytes()))
    assert _apply(src, packed, tmp_path / "applied", models) == 0
    assert visible(tmp_path / "applied") == texts
    assert main(["apply", str(src / "p001.txt"), "--edits", "-", "-o", str(tmp_path / "one.txt"), *models]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--edits -: `ocrfix apply` reads each file's records back from the log" in err
    assert not (tmp_path / "one.txt").exists()
