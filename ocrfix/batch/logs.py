"""The edits and statistics logs: each document's sidecar (its statistics line, then its edits),
and the ``--edits`` / ``--stats`` logs merged from the sidecars when a run ends, under a lock,
keeping the records of files the run did not touch."""
from __future__ import annotations

import contextlib
import heapq
import json
import os
from functools import partial
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..correction.edits import json_line
from ..errors import InputError
from ..remote import is_url, read_url
from ..settings import MAX_INPUT_BYTES
from ..textio import STDIO, AtomicOutput, make_output_dir
from .jobs import Job, Outcome, file_key, finished


def read_sidecar(path: str) -> str:
    return read_url(path, MAX_INPUT_BYTES).decode("utf-8") if is_url(path) else Path(path).read_text(encoding="utf-8")


def sidecar_text(outcome: Outcome) -> str:
    """The statistics line, then one line per edit."""
    lines = [json_line(outcome.record())]
    lines += [edit.to_json(file_key(outcome.job)) for edit in outcome.edits]
    return "\n".join(lines) + "\n"


def iter_records(path: str) -> Iterator[dict[str, Any]]:
    """The JSON records of an existing edits or statistics log, one at a time (none if it does not
    exist or is stdout)."""
    if path == STDIO or not Path(path).is_file():
        return
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    if not isinstance(record, dict):  # JSON, but no record (a file holding ``0``)
                        raise ValueError(f"a line holds {type(record).__name__}, not a record")
                    yield record
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise InputError(f"{path}: exists and is not an ocrfix JSONL log ({exc}); give another path or remove it") from None


def check_log(path: str) -> None:
    """Refuse an existing file that is not an ocrfix log, before any work (read, never held)."""
    for _ in iter_records(path):
        pass


#: a document's lines in a log, read when the merge reaches it
Lines = Callable[[], list[str]]


def merge_logs(jobs: Sequence[Job], outcomes: Sequence[Outcome], edits_path: str | None, stats_path: str | None) -> None:
    """Write the edits and statistics logs of ``jobs`` from their sidecars (or, for stdout, from
    their outcomes), keeping the records of other files already in the logs.

    Records are grouped by file in sorted order, so the logs do not depend on which worker
    finished first, shards or resumed runs. The merge streams: it holds one document's records
    at a time (a sidecar is read when its turn comes), however large the run or the old log.
    Nothing is written when every job failed.
    """
    by_job = {outcome.job: outcome for outcome in outcomes}
    edits: dict[str | None, Lines] = {}
    stats: dict[str | None, Lines] = {}
    for job in jobs:
        key, outcome = file_key(job), by_job.get(job)
        if job.sidecar is not None and finished(job):
            stats[key] = partial(_sidecar_lines, job.sidecar, head=True)
            edits[key] = partial(_sidecar_lines, job.sidecar, head=False)
        elif outcome is not None and not outcome.error:  # stdout: nothing on disk
            stats[key] = partial(list, [json_line(outcome.record())])
            edits[key] = partial(list, [edit.to_json(key) for edit in outcome.edits])
        elif outcome is not None:
            stats[key] = partial(list, [json_line(outcome.record())])
    if not edits:
        return
    with _locked(Path(edits_path if edits_path not in (None, STDIO) else stats_path or ".").parent):
        for path, fresh, what in ((edits_path, edits, "edits log"), (stats_path, stats, "statistics log")):
            if path is not None:
                log = AtomicOutput(path, what)
                try:
                    for line in _merged(path, fresh):
                        log.write(line + "\n")
                    log.commit()
                finally:
                    log.discard()


def _sidecar_lines(path: str, head: bool) -> list[str]:
    first, *rest = read_sidecar(path).splitlines()
    return [first] if head else rest


def _log_order(key: str | None) -> tuple[bool, str]:
    return key is not None, key or ""


def _merged(path: str, fresh: dict[str | None, Lines]) -> Iterator[str]:
    """The log at ``path`` with the records of the files in ``fresh`` replaced by theirs, grouped
    by file in sorted order. An old log that is not in that order (not written by ocrfix) is
    sorted in memory; ours is merged as a stream."""
    old: Iterable[tuple[str | None, Iterable[dict[str, Any]]]] = groupby(iter_records(path), key=lambda r: r.get("file"))
    keys = (_log_order(key) for key, _ in groupby(record.get("file") for record in iter_records(path)))
    if any(a >= b for a, b in pairwise(keys)):
        grouped: dict[str | None, list[dict[str, Any]]] = {}
        for record in iter_records(path):
            grouped.setdefault(record.get("file"), []).append(record)
        old = sorted(grouped.items(), key=lambda item: _log_order(item[0]))
    kept = ((_log_order(key), [json_line(record) for record in records].copy)  # read now: groupby moves on
            for key, records in old if key not in fresh)
    new = ((_log_order(key), fresh[key]) for key in sorted(fresh, key=_log_order))
    for _, lines in heapq.merge(kept, new, key=lambda item: item[0]):
        yield from lines()


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on ``directory`` (POSIX flock; no lock where there is none)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    directory = directory if str(directory) else Path(".")
    make_output_dir(directory)  # the logs' directory may not exist yet (the logs create it)
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
