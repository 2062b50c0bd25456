"""Correct many files: input expansion, shards, output paths, worker processes, resume, logs.

Each worker process builds one :class:`~ocrfix.correction.corrector.Corrector` (forked workers
share the KenLM model's pages, read once before the fork and never written) and handles one
file at a time; a few files per worker are in flight at once, so memory stays flat over
millions of files. A file that fails is reported and skipped, and the run ends with a
non-zero status.

Nothing is lost when a run is killed: each document's edits and statistics go into a hidden
sidecar beside its output (``.NAME.ocrfix.jsonl``), written atomically just before the output
itself (:func:`ocrfix.textio.write_text_atomic`), so an output never exists without its record.
The ``--edits`` and ``--stats`` logs are merged from the sidecars when the run ends, under a
lock, keeping the records of files the run did not touch: a ``--resume`` after any kill, shards
and concurrent runs sharing one log all end with the log one clean run would write.
"""
from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import groupby, islice, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from tqdm import tqdm

from .correction.edits import Edit, json_line
from .errors import InputError, OcrfixError
from .formats import correct_document, output_bytes, parse_document
from .formats.pipeline import plain_articles
from .formats.registry import is_plain_text
from .options import CorrectOptions
from .profiles import ProfileChoice, pick_profile
from .settings import MAX_INPUT_BYTES, load_settings
from .remote import is_url, local_path, read_url, url_exists, write_url
from .textio import STDIO, AtomicOutput, decode_text, make_output_dir, read_bytes, read_text, write_text_atomic

if TYPE_CHECKING:
    from .correction.corrector import Corrector

#: Suffix of the per-document sidecar (``.NAME`` + suffix, beside the output).
SIDECAR_SUFFIX = ".ocrfix.jsonl"


@dataclass(frozen=True)
class Job:
    source: str  # input path or "-"
    target: str  # output path or "-"
    sidecar: str | None = None  # the document's edits and statistics, written just before the output
    articles: str | None = None  # the page's stories as JSON (``--articles``), written before the output


@dataclass(frozen=True)
class Outcome:
    job: Job
    chars: int
    edits: tuple[Edit, ...]
    error: str | None = None
    seconds: float = 0.0
    copied: bool = False  # failed, and the input was copied to the output (--on-error copy)
    #: edits by source (``"lm+visual"``: n); computed from ``edits``, kept by :meth:`without_edits`
    by_source: dict[str, int] = field(default_factory=dict)
    #: the engine profile picked from the file's OCR software (None: the run's own profile)
    picked: ProfileChoice | None = None

    def __post_init__(self) -> None:
        if self.edits and not self.by_source:
            object.__setattr__(self, "by_source", dict(Counter("+".join(e.sources) for e in self.edits)))

    @property
    def edit_count(self) -> int:
        return sum(self.by_source.values())

    def without_edits(self) -> Outcome:
        """This outcome with its edits dropped and their counts kept: what a long run holds once
        the edits are on disk in the document's sidecar."""
        return replace(self, edits=())

    def record(self) -> dict[str, Any]:
        """The document's statistics line: characters, edits by source, seconds, status."""
        record: dict[str, Any] = {"file": _file_key(self.job), "output": self.job.target,
                                  "status": "copied" if self.copied else "failed" if self.error else "ok", "chars": self.chars,
                                  "edits": self.edit_count, "by_source": self.by_source,
                                  "seconds": round(self.seconds, 3)}
        if self.picked is not None:
            record["profile"], record["software"] = self.picked
        if self.error:
            record["error"] = self.error
        return record


def _file_key(job: Job) -> str | None:
    return None if job.source == STDIO else job.source


def expand_inputs(inputs: Sequence[str], recursive: bool = False) -> list[tuple[str, Path | None]]:
    """(path, base dir) per input file: files as given, ``*.txt`` of directories (``-r``: recursively)."""
    found: list[tuple[str, Path | None]] = []
    for item in map(local_path, inputs):
        path = Path(item)
        if item != STDIO and not is_url(item) and path.is_dir():
            pattern = "**/*.txt" if recursive else "*.txt"
            files = sorted(p for p in path.glob(pattern) if p.is_file())
            if not files:
                raise InputError(f"{path}: no *.txt files{'' if recursive else ' (use -r for subdirectories)'}")
            found.extend((str(p), path) for p in files)
        else:
            found.append((item, None))
    return found


def read_manifest(path: str) -> list[tuple[str, Path | None]]:
    """(path, base dir) per line of a manifest (blank lines and ``#`` comments skipped).

    Relative paths are taken from the manifest's directory, which is also their base: their
    outputs mirror the directory structure below it (as for a directory input).
    """
    base = Path(path).parent
    entries = []
    for line in read_text(path).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((local_path(line), None) if Path(line).is_absolute() or "://" in line else (str(base / line), base))
    if not entries:
        raise InputError(f"{path}: the manifest lists no files")
    return entries


def plan_jobs(inputs: Sequence[str], output: str | None, out_dir: str | None, recursive: bool = False,
              manifest: str | None = None) -> list[Job]:
    """Pair every input file (and every file a manifest lists) with its output path (stdout for
    one input without -o/--out-dir)."""
    files = expand_inputs(inputs, recursive) + (read_manifest(manifest) if manifest else [])
    if not files:
        raise InputError("no inputs: give files, directories or --manifest FILE")
    if output is not None and out_dir is not None:
        raise InputError("give either -o OUT or --out-dir DIR, not both")
    if out_dir is None:
        if len(files) > 1 or any(base is not None for _, base in files):
            raise InputError("several inputs (or a directory): give --out-dir DIR")
        return [Job(files[0][0], output or STDIO)]
    if any(src == STDIO for src, _ in files):
        raise InputError("stdin ('-') cannot be combined with --out-dir")
    out_dir = local_path(out_dir)
    if is_url(out_dir):  # an object store: keys below the URL
        jobs = [Job(src, f"{out_dir.rstrip('/')}/{Path(src).relative_to(base).as_posix() if base else src.rsplit('/', 1)[-1]}")
                for src, base in files]
    else:
        root = Path(out_dir)
        jobs = [Job(src, str(root / (Path(src).relative_to(base) if base else Path(src).name))) for src, base in files]
    targets = [j.target for j in jobs]
    if len(set(targets)) != len(targets):
        raise InputError("two inputs would write the same output file; keep their directory structure with one directory input")
    return jobs


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` -> (I, N) with 1 <= I <= N."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text}: give I/N, e.g. 3/8") from None
    if not 1 <= index <= count:
        raise InputError(f"--shard {text}: I must be between 1 and N")
    return index, count


def shard(jobs: Sequence[Job], index: int, count: int, out_dir: str) -> list[Job]:
    """The jobs of shard ``index`` of ``count`` (1-based): a hash of the output path below
    ``out_dir`` picks the shard, so the split is the same on every machine and a file keeps its
    shard when others are added."""
    out_dir = local_path(out_dir)

    def bucket(job: Job) -> int:
        below = (job.target.removeprefix(out_dir.rstrip("/") + "/") if is_url(out_dir)
                 else Path(job.target).relative_to(out_dir).as_posix())
        key = os.fsencode(below)
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % count

    return [job for job in jobs if bucket(job) == index - 1]


def prepare_out_dirs(jobs: Sequence[Job]) -> None:
    """Create output directories up front; an unwritable one is an error before any work."""
    for directory in sorted({Path(j.target).parent for j in jobs if j.target != STDIO and not is_url(j.target)}):
        make_output_dir(directory)


def sidecar_path(target: str) -> str:
    """The hidden sidecar of an output file (or URL): ``dir/.NAME.ocrfix.jsonl``."""
    head, sep, name = target.rpartition("/" if is_url(target) else os.sep)
    return f"{head}{sep}.{name}{SIDECAR_SUFFIX}"


def finished(job: Job) -> bool:
    """An output exists, is not older than its input and (when logs are kept) its sidecar is
    not newer than it (outputs and sidecars are only ever renamed into place, sidecar first)."""
    if job.target == STDIO or job.source == STDIO:
        return False
    if is_url(job.target) or is_url(job.source):  # no times to compare: written whole, sidecar first
        exists = url_exists if is_url(job.target) else os.path.isfile
        return exists(job.target) and (job.sidecar is None or exists(job.sidecar))
    out, src = Path(job.target), Path(job.source)
    if not (out.is_file() and src.is_file() and out.stat().st_mtime >= src.stat().st_mtime):
        return False
    if job.sidecar is None:
        return True
    side = Path(job.sidecar)
    return side.is_file() and side.stat().st_mtime <= out.stat().st_mtime


@dataclass
class _WorkerState:
    """This process's worker: the run's options and its corrector, built once from them by
    :func:`init_worker` (in the main process before forking: workers inherit it, models and all;
    or in each spawned worker), and where a SIGTERM finds it (:func:`_stop_worker`)."""

    options: CorrectOptions = CorrectOptions()
    corrector: Corrector | None = None
    #: correctors of the profiles picked from files' OCR software, sharing ``corrector``'s LM
    picked: dict[str, Corrector] = field(default_factory=dict)
    stop: bool = False
    correcting: bool = False
    #: called with characters done inside the current file (the progress bar; this process only)
    progress: Callable[[int], None] | None = None


_WORKER = _WorkerState()


def init_worker(options: CorrectOptions) -> None:
    _WORKER.options, _WORKER.corrector, _WORKER.picked = options, options.corrector(), {}


def document_corrector(software: str | None) -> tuple[Corrector, ProfileChoice | None]:
    """The worker's corrector for a file naming ``software`` as its OCR engine, and the profile
    picked from it (None when the run names its profile: an explicit profile always wins)."""
    options, corrector = _WORKER.options, _WORKER.corrector
    if options.profile is not None or corrector is None:
        return corrector, None
    choice = pick_profile(software, load_settings().models_dir, options.profile_name)
    if choice.name == options.profile_name:
        return corrector, choice
    if choice.name not in _WORKER.picked:
        _WORKER.picked[choice.name] = options.corrector(choice.name, like=corrector)
    return _WORKER.picked[choice.name], choice


def correct_bytes(data: bytes, name: str, stories: bool = False) -> tuple[str, int, tuple[Edit, ...], list[dict] | None,
                                                                      ProfileChoice | None]:
    """Output text, input characters, edits, (with ``stories``) the page's stories after
    correction (see :meth:`ocrfix.formats.Reflowed.articles`) and the profile picked from its OCR
    software of one input file of any supported format.

    Plain text is corrected as it is (reflowed unless ``--no-reflow``); hOCR/ALTO/PAGE files are
    reflowed from their geometry, corrected, and written back in ``--output-format`` (default:
    their own format) with the edits recorded in the document, by the profile their OCR software
    picks (:func:`document_corrector`; returned last). Needs the worker's corrector (:func:`init_worker`).
    """
    options, corrector = _WORKER.options, _WORKER.corrector
    if corrector is None:
        raise RuntimeError("correct_bytes before init_worker")
    fmt = "text" if is_plain_text(data, options.input_format) else options.input_format
    out_fmt = options.output_format
    if fmt == "text":
        if out_fmt not in (None, "text"):
            raise InputError(f"{name}: plain-text input can only be written as text (not --output-format {out_fmt})")
        text = decode_text(data, name, options.encoding)
        result = corrector.correct(text, reflow=options.reflow, progress=_WORKER.progress)
        found = plain_articles(text, result.text, options.reflow) if stories else None
        return result.text, len(text), tuple(result.edits), found, None
    doc = parse_document(data, name, fmt, options.encoding)
    corrector, picked = document_corrector(doc.software)
    done = correct_document(doc, corrector)
    found = done.reflowed.articles(done.text) if stories else None
    return output_bytes(done, out_fmt).decode("utf-8"), len(done.source), tuple(done.edits), found, picked


def run_job(job: Job, on_error: str = "skip") -> Outcome:
    """Correct one job's file and write its sidecar and output; errors become the outcome's.

    ``on_error="copy"``: a file that fails is copied to its output unchanged (status ``copied``).
    """
    start = time.perf_counter()
    try:
        with _correcting():
            output, chars, edits, stories, picked = correct_bytes(_read_input(job.source), "<stdin>" if job.source == STDIO else job.source,
                                                                  job.articles is not None)
        outcome = Outcome(job, chars, edits, seconds=time.perf_counter() - start, picked=picked)
        if job.sidecar is not None:
            _write(job.sidecar, _sidecar_text(outcome))
        if job.articles is not None:
            _write(job.articles, json.dumps({"stories": stories}, ensure_ascii=False, indent=1) + "\n")
        _write(job.target, output)
        return outcome
    except OcrfixError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        error = f"{job.source}: internal error: {type(exc).__name__}: {exc}"
    if on_error == "copy" and job.source != STDIO and job.target != STDIO:
        return _copy_input(job, error, time.perf_counter() - start)
    return Outcome(job, 0, (), error)


def _copy_input(job: Job, error: str, seconds: float) -> Outcome:
    """The input copied to the output unchanged (atomically, sidecar first), its error kept."""
    outcome = Outcome(job, 0, (), error, seconds, copied=True)
    try:
        if job.sidecar is not None:
            _write(job.sidecar, _sidecar_text(outcome))
        data = _read_input(job.source) if is_url(job.source) else None
        if is_url(job.target):
            write_url(job.target, Path(job.source).read_bytes() if data is None else data)
            return outcome
        tmp = f"{job.target}.copy.tmp"
        shutil.copyfile(job.source, tmp) if data is None else Path(tmp).write_bytes(data)
        os.replace(tmp, job.target)
    except InputError as exc:
        return Outcome(job, 0, (), f"{error}; cannot copy it ({exc})", seconds)
    except OSError as exc:
        Path(f"{job.target}.copy.tmp").unlink(missing_ok=True)
        return Outcome(job, 0, (), f"{error}; cannot copy it ({exc.strerror})", seconds)
    return outcome


def _read_input(source: str) -> bytes:
    return read_url(source, MAX_INPUT_BYTES) if is_url(source) else read_bytes(source, MAX_INPUT_BYTES)


def check_input_file(source: str, options: CorrectOptions) -> None:
    """Raise the one-line :class:`InputError` a job of the local file ``source`` would fail with on
    reading it or, as plain text, decoding it: a single input is refused before any model loads."""
    data = read_bytes(source, MAX_INPUT_BYTES)
    if is_plain_text(data, options.input_format):
        decode_text(data, source, options.encoding)


def _read_sidecar(path: str) -> str:
    return read_url(path, MAX_INPUT_BYTES).decode("utf-8") if is_url(path) else Path(path).read_text(encoding="utf-8")


def _write(target: str, text: str) -> None:
    if is_url(target):
        write_url(target, text.encode("utf-8"))
    else:
        write_text_atomic(target, text)


def _sidecar_text(outcome: Outcome) -> str:
    """The statistics line, then one line per edit."""
    lines = [json_line(outcome.record())]
    lines += [edit.to_json(_file_key(outcome.job)) for edit in outcome.edits]
    return "\n".join(lines) + "\n"


class Terminated(KeyboardInterrupt):
    """SIGTERM: the run stops as on Ctrl-C (finished files are kept, nothing is half-written)."""


#: the process that imported this module: a forked worker inherits the value, not the pid
_MAIN_PID = os.getpid()


def terminate(signum: int, frame: object) -> None:
    """The SIGTERM handler of a run. A worker forked with it, that SIGTERM reaches before its own
    handler is set (:func:`_worker_signals`), leaves quietly: raising there would print the
    traceback of its start-up, and the run stops anyway."""
    if os.getpid() != _MAIN_PID:
        os._exit(128 + signum)
    raise Terminated


def _stop_worker(signum: int, frame: object) -> None:
    # Only while correcting: an idle worker may hold the task queue's lock (stopping it then
    # would hang the pool) and a worker writing a file finishes it first (it takes no time).
    _WORKER.stop = True
    if _WORKER.correcting:
        raise Terminated


def _worker_signals() -> None:
    """Ctrl-C reaches the whole process group: workers leave it to the main process, which lets
    them finish the files in hand. SIGTERM (sent to the group by a batch scheduler) stops a
    worker's correcting at once; no temporary file stays behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


@contextlib.contextmanager
def _correcting() -> Iterator[None]:
    """Where a worker's SIGTERM may stop it (:func:`_stop_worker`)."""
    if _WORKER.stop:
        raise Terminated
    _WORKER.correcting = True
    try:
        yield
    finally:
        _WORKER.correcting = False


#: How often a waiting pool run looks for a noted signal (seconds).
SIGNAL_POLL = 0.2


@contextlib.contextmanager
def _deferred_signals() -> Iterator[Callable[[], None]]:
    """SIGINT and SIGTERM, while a process pool runs, are only noted; the check this yields raises
    them (``KeyboardInterrupt``, :class:`Terminated`) where the caller is not inside the pool. Raised
    at any moment they could strike inside ``submit`` or ``wait`` with one of their locks taken,
    and the pool's shutdown would then wait for that lock for ever. A worker forked before its own
    handlers are set (:func:`_worker_signals`) leaves on SIGTERM and ignores SIGINT, as before."""
    received: list[int] = []

    def note(signum: int, frame: object) -> None:
        if os.getpid() != _MAIN_PID:
            if signum == signal.SIGTERM:
                terminate(signum, frame)  # leaves quietly
            return
        received.append(signum)

    def check() -> None:
        if received:
            raise Terminated if received[0] == signal.SIGTERM else KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # handlers belong to the main thread
        yield check
        return
    previous = {signum: signal.signal(signum, note) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield check
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _init_spawned(options: CorrectOptions) -> None:
    _worker_signals()
    init_worker(options)


def run_jobs(jobs: Sequence[Job], options: CorrectOptions, n_jobs: int = 1, on_error: str = "skip") -> Iterator[Outcome]:
    """Yield one :class:`Outcome` per job (unordered with several workers)."""
    if not jobs:
        return
    # Load the models here first: a bad model fails once, before any worker starts, and forked
    # workers inherit the loaded corrector (the LM's pages are shared copy-on-write, never copied).
    init_worker(options)
    if n_jobs <= 1 or len(jobs) <= 1:
        yield from map(partial(run_job, on_error=on_error), jobs)
        return
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    setup = (_worker_signals, ()) if context.get_start_method() == "fork" else (_init_spawned, (options,))
    queue = iter(jobs)
    with _deferred_signals() as check_signals, \
            ProcessPoolExecutor(min(n_jobs, len(jobs)), mp_context=context, initializer=setup[0], initargs=setup[1]) as pool:
        pending: set[Future] = set()
        try:
            while True:  # a few jobs in flight per worker: memory stays flat however many files there are
                check_signals()
                pending |= {pool.submit(run_job, job, on_error) for job in islice(queue, 2 * n_jobs - len(pending))}
                if not pending:
                    break
                done, pending = wait(pending, timeout=SIGNAL_POLL, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        except BrokenProcessPool:
            raise OcrfixError("a worker process died (out of memory?); the finished files are kept: rerun with --resume") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # stopped early: only the files in hand are finished
    check_signals()  # one that came while the last files were finished


def with_sidecars(jobs: Sequence[Job]) -> list[Job]:
    """The jobs with a sidecar beside every output file (not stdout)."""
    return [job if job.target == STDIO else replace(job, sidecar=sidecar_path(job.target)) for job in jobs]


#: What happens to a file that fails: reported and left out, copied to its output unchanged, or the run stops.
ON_ERROR = ("skip", "copy", "abort")

#: Runs jobs and yields their outcomes: (jobs, options, on_error=...) -> outcomes (:func:`run_jobs` with
#: worker processes, :func:`ocrfix.distributed.dask_runner` on a Dask cluster).
Runner = Callable[[Sequence[Job], CorrectOptions, str], Iterator[Outcome]]


def correct_files(
    jobs: Sequence[Job],
    options: CorrectOptions,
    n_jobs: int = 1,
    edits_path: str | None = None,
    resume: bool = False,
    progress: bool = True,
    stats_path: str | None = None,
    on_error: str = "skip",
    runner: Runner | None = None,
    keep_edits: bool = True,
) -> list[Outcome]:
    """Correct every job (``resume``: those not finished), report failures, merge the logs;
    returns the outcomes of the jobs run (inputs finished earlier are not among them).

    ``keep_edits=False``: an outcome whose edits are in its sidecar (with ``edits_path`` or
    ``stats_path``) is kept :meth:`~Outcome.without_edits`, so a run over millions of files holds
    their counts, not their edits.

    ``progress``: a bar on stderr in input characters, with their total and an ETA, shown once a
    run takes more than a second; with one worker in this process it moves inside a file too
    (block by block).
    """
    logs = [path for path in (edits_path, stats_path) if path is not None]
    for path in logs:
        check_log(path)  # a file that is not a log fails here, before any work
    if logs:
        jobs = with_sidecars(jobs)
    prepare_out_dirs(jobs)
    todo = [j for j in jobs if not (resume and finished(j))]
    if resume and progress and len(todo) < len(jobs):
        print(f"ocrfix: --resume: {len(jobs) - len(todo)} of {len(jobs)} files already written, skipped",
              file=sys.stderr)
    sizes = {job.source: input_chars(job.source, options.encoding) for job in todo} if progress else {}
    run = runner or partial(run_jobs, n_jobs=n_jobs)
    outcomes: list[Outcome] = []
    note = {"skip": " (skipped)", "copy": " (copied unchanged)", "abort": " (stopping)"}[on_error] if len(todo) > 1 else ""
    with tqdm(total=None if STDIO in sizes else sum(sizes.values()), unit="char", unit_scale=True,
              disable=not progress or not todo, delay=1.0, file=sys.stderr,
              desc=f"correcting {len(todo)} file{'s' if len(todo) != 1 else ''}") as bar:
        counted = _FileProgress(bar, [sizes.get(job.source, 0) for job in todo])
        # in this process only: forked workers or a cluster must not draw on a copy of the bar
        in_process = runner is None and (n_jobs <= 1 or len(todo) <= 1)
        _WORKER.progress = counted.add if progress and in_process else None
        try:
            with contextlib.closing(run(todo, options, on_error=on_error)) as results:
                for outcome in results:
                    outcomes.append(outcome if keep_edits or outcome.job.sidecar is None else outcome.without_edits())
                    counted.finish(sizes.get(outcome.job.source, outcome.chars))
                    if outcome.error:
                        tqdm.write(f"ocrfix: error: {outcome.error}{note}", file=sys.stderr)
                        if on_error == "abort":
                            break
        finally:
            _WORKER.progress = None
    if logs:
        merge_logs(jobs, outcomes, edits_path, stats_path)
        if len(jobs) == 1 and jobs[0].sidecar is not None:  # one file: no sidecar left beside it once merged
            Path(jobs[0].sidecar).unlink(missing_ok=True)
    return outcomes


def input_chars(source: str, encoding: str | None = None) -> int:
    """Characters of an input file: its share of the progress bar (0 for stdin or when it
    cannot be read: the job itself reports why)."""
    if source == STDIO:
        return 0
    try:
        return len(Path(source).read_bytes().decode(encoding or "utf-8", errors="replace"))
    except (OSError, LookupError):
        return 0


class _FileProgress:
    """Moves the bar within the current file (block by block, up to the file's size: in this
    process files are done in order) and by the rest of the file when it is done."""

    def __init__(self, bar: tqdm, sizes: Sequence[int]) -> None:
        self.bar = bar
        self.sizes = sizes
        self.files = 0  # files done
        self.done = 0  # characters of the current file already shown

    def add(self, chars: int) -> None:
        size = self.sizes[self.files] if self.files < len(self.sizes) else 0
        step = max(0, min(chars, size - self.done))
        self.bar.update(step)
        self.done += step

    def finish(self, size: int) -> None:
        self.bar.update(max(0, size - self.done))
        self.files += 1
        self.done = 0


def iter_records(path: str) -> Iterator[dict[str, Any]]:
    """The JSON records of an existing edits or statistics log, one at a time (none if it does not
    exist or is stdout)."""
    if path == STDIO or not Path(path).is_file():
        return
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
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
        key, outcome = _file_key(job), by_job.get(job)
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
    first, *rest = _read_sidecar(path).splitlines()
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
