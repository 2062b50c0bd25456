"""Correct many files: input expansion, output paths, worker processes, resume, progress, log.

Each worker process builds one :class:`~ocrfix.correction.corrector.Corrector` (forked workers
share the KenLM model's pages, read once before the fork and never written) and handles one
file at a time; results stream back through ``imap_unordered`` so memory stays flat over
thousands of files. Outputs are
written atomically by :func:`ocrfix.textio.write_text_atomic`; a file that fails is reported
and skipped, and the run ends with a non-zero status.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from tqdm import tqdm

from .correction.edits import Edit
from .errors import InputError, OcrfixError
from .formats import correct_document, output_bytes, parse_document
from .formats.detect import looks_like_xml
from .settings import MAX_INPUT_BYTES
from .textio import STDIO, AtomicOutput, decode_text, make_output_dir, read_bytes, write_text_atomic


@dataclass(frozen=True)
class Job:
    source: str  # input path or "-"
    target: str  # output path or "-"


@dataclass(frozen=True)
class Outcome:
    job: Job
    chars: int
    edits: tuple[Edit, ...]
    error: str | None = None


def expand_inputs(inputs: Sequence[str], recursive: bool = False) -> list[tuple[str, Path | None]]:
    """(path, base dir) per input file: files as given, ``*.txt`` of directories (``-r``: recursively)."""
    found: list[tuple[str, Path | None]] = []
    for item in inputs:
        path = Path(item)
        if item != STDIO and path.is_dir():
            pattern = "**/*.txt" if recursive else "*.txt"
            files = sorted(p for p in path.glob(pattern) if p.is_file())
            if not files:
                raise InputError(f"{path}: no *.txt files{'' if recursive else ' (use -r for subdirectories)'}")
            found.extend((str(p), path) for p in files)
        else:
            found.append((item, None))
    return found


def plan_jobs(inputs: Sequence[str], output: str | None, out_dir: str | None, recursive: bool = False) -> list[Job]:
    """Pair every input file with its output path (stdout for one input without -o/--out-dir)."""
    files = expand_inputs(inputs, recursive)
    if output is not None and out_dir is not None:
        raise InputError("give either -o OUT or --out-dir DIR, not both")
    if out_dir is None:
        if len(files) > 1 or any(base is not None for _, base in files):
            raise InputError("several inputs (or a directory): give --out-dir DIR")
        return [Job(files[0][0], output or STDIO)]
    if any(src == STDIO for src, _ in files):
        raise InputError("stdin ('-') cannot be combined with --out-dir")
    root = Path(out_dir)
    jobs = [Job(src, str(root / (Path(src).relative_to(base) if base else Path(src).name))) for src, base in files]
    targets = [j.target for j in jobs]
    if len(set(targets)) != len(targets):
        raise InputError("two inputs would write the same output file; keep their directory structure with one directory input")
    return jobs


def prepare_out_dirs(jobs: Sequence[Job]) -> None:
    """Create output directories up front; an unwritable one is an error before any work."""
    for directory in sorted({Path(j.target).parent for j in jobs if j.target != STDIO}):
        make_output_dir(directory)


def finished(job: Job) -> bool:
    """An output exists and is not older than its input (outputs are only ever renamed into place)."""
    if job.target == STDIO or job.source == STDIO:
        return False
    out, src = Path(job.target), Path(job.source)
    return out.is_file() and src.is_file() and out.stat().st_mtime >= src.stat().st_mtime


_WORKER: dict[str, Any] = {}


def _init_worker(options: dict[str, Any]) -> None:
    from .correction.corrector import Corrector

    _WORKER["corrector"] = Corrector(**options["corrector"])
    _WORKER["reflow"] = options["reflow"]
    _WORKER["encoding"] = options["encoding"]
    _WORKER["format"] = options.get("format")
    _WORKER["output_format"] = options.get("output_format")


def _correct_one(source: str) -> tuple[str, int, tuple[Edit, ...]]:
    """Output text, input characters and edits of one input file of any supported format.

    Plain text is corrected as it is (reflowed unless ``--no-reflow``); hOCR/ALTO/PAGE files are
    reflowed from their geometry, corrected, and written back in ``--output-format`` (default:
    their own format) with the edits recorded in the document.
    """
    name = "<stdin>" if source == STDIO else source
    data = read_bytes(source, MAX_INPUT_BYTES)
    fmt = _WORKER["format"] or ("text" if not looks_like_xml(data) else None)
    out_fmt = _WORKER["output_format"]
    if fmt == "text":
        if out_fmt not in (None, "text"):
            raise InputError(f"{name}: plain-text input can only be written as text (not --output-format {out_fmt})")
        text = decode_text(data, name, _WORKER["encoding"])
        result = _WORKER["corrector"].correct(text, reflow=_WORKER["reflow"])
        return result.text, len(text), tuple(result.edits)
    done = correct_document(parse_document(data, name, fmt, _WORKER["encoding"]), _WORKER["corrector"])
    return output_bytes(done, out_fmt).decode("utf-8"), len(done.source), tuple(done.edits)


def _run_job(job: Job) -> Outcome:
    try:
        output, chars, edits = _correct_one(job.source)
        write_text_atomic(job.target, output)
        return Outcome(job, chars, edits)
    except OcrfixError as exc:
        return Outcome(job, 0, (), str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return Outcome(job, 0, (), f"{job.source}: internal error: {type(exc).__name__}: {exc}")


def run_jobs(jobs: Sequence[Job], options: dict[str, Any], n_jobs: int = 1) -> Iterator[Outcome]:
    """Yield one :class:`Outcome` per job (unordered with several workers)."""
    if not jobs:
        return
    # Load the models here first: a bad model fails once, before any worker starts, and forked
    # workers inherit the loaded corrector (the LM's pages are shared copy-on-write, never copied).
    _init_worker(options)
    if n_jobs <= 1 or len(jobs) <= 1:
        yield from map(_run_job, jobs)
        return
    if sys.platform.startswith("linux"):
        pool = multiprocessing.get_context("fork").Pool(min(n_jobs, len(jobs)))
    else:
        pool = multiprocessing.get_context("spawn").Pool(min(n_jobs, len(jobs)), _init_worker, (options,))
    with pool:
        yield from pool.imap_unordered(_run_job, jobs, chunksize=1)


def correct_files(
    jobs: Sequence[Job],
    options: dict[str, Any],
    n_jobs: int = 1,
    edits_path: str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> list[Outcome]:
    """Correct every job, write the edits log, report failures; returns the failed outcomes."""
    prepare_out_dirs(jobs)
    todo = [j for j in jobs if not (resume and finished(j))]
    failed: list[Outcome] = []
    log = _open_log(edits_path, append=resume)
    try:
        with tqdm(total=None, unit="char", unit_scale=True, disable=not progress or len(todo) < 2,
                  desc=f"correcting {len(todo)} files", file=sys.stderr) as bar:
            for outcome in run_jobs(todo, options, n_jobs):
                if outcome.error:
                    failed.append(outcome)
                    skipped = " (skipped)" if len(todo) > 1 else ""
                    tqdm.write(f"ocrfix: error: {outcome.error}{skipped}", file=sys.stderr)
                    continue
                bar.update(outcome.chars)
                if log is not None:
                    source = None if outcome.job.source == STDIO else outcome.job.source
                    log.write("".join(e.to_json(source) + "\n" for e in outcome.edits))
        # A log is written when something was corrected (a failed single input leaves none).
        if log is not None and (len(failed) < len(todo) or resume):
            log.commit()
    finally:
        if log is not None:
            log.discard()
    return failed


def _open_log(path: str | None, append: bool) -> AtomicOutput | None:
    """The edits log (``-`` = stdout) as an :class:`AtomicOutput`, primed with the old log when appending."""
    if path is None:
        return None
    target = Path(path)
    old = target.read_text(encoding="utf-8") if append and path != STDIO and target.is_file() else ""
    log = AtomicOutput(path, "edits log")
    if old:
        log.write(old)
    return log
