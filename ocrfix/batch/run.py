"""Running a batch: the jobs not finished yet, on worker processes (or any :data:`Runner`), with a
progress bar, a failure policy and the logs merged at the end."""
from __future__ import annotations

import contextlib
import multiprocessing
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator, Sequence

from tqdm import tqdm

from ..errors import OcrfixError
from ..options import CorrectOptions
from ..textio import STDIO
from .jobs import Job, Outcome, finished, prepare_out_dirs, with_sidecars
from .logs import check_log, merge_logs
from .signals import SIGNAL_POLL, deferred_signals
from .worker import WORKER, init_spawned, init_worker, run_job, worker_signals


#: Does one job in a worker and writes its output: (job, on_error) -> its outcome (:func:`run_job`
#: corrects the file; a module-level function, sent to worker processes by name).
Work = Callable[[Job, str], Outcome]


def run_jobs(jobs: Sequence[Job], options: CorrectOptions, n_jobs: int = 1, on_error: str = "skip",
             work: Work = run_job) -> Iterator[Outcome]:
    """Yield one :class:`Outcome` per job, done by ``work`` (unordered with several workers)."""
    if not jobs:
        return
    # Load the models here first: a bad model fails once, before any worker starts, and forked
    # workers inherit the loaded corrector (the LM's pages are shared copy-on-write, never copied).
    init_worker(options)
    if n_jobs <= 1 or len(jobs) <= 1:
        yield from map(partial(work, on_error=on_error), jobs)
        return
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    setup = (worker_signals, ()) if context.get_start_method() == "fork" else (init_spawned, (options,))
    queue = iter(jobs)
    with deferred_signals() as check_signals, \
            ProcessPoolExecutor(min(n_jobs, len(jobs)), mp_context=context, initializer=setup[0], initargs=setup[1]) as pool:
        pending: set[Future] = set()
        try:
            while True:  # a few jobs in flight per worker: memory stays flat however many files there are
                check_signals()
                pending |= {pool.submit(work, job, on_error) for job in islice(queue, 2 * n_jobs - len(pending))}
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
    work: Work = run_job,
    verb: str = "correcting",
) -> list[Outcome]:
    """Correct every job (``resume``: those not finished; ``work``: or do something else with
    it), report failures, merge the logs; returns the outcomes of the jobs run (inputs finished
    earlier are not among them).

    ``keep_edits=False``: an outcome whose edits are in its sidecar (with ``edits_path`` or
    ``stats_path``) is kept :meth:`~Outcome.without_edits`, so a run over millions of files holds
    their counts, not their edits.

    ``work``: what is done with each file by worker processes (a ``runner`` does what it was made
    to do: :func:`ocrfix.distributed.dask_runner` takes the same ``work``), named ``verb`` on the bar.

    ``progress``: a bar on stderr in bytes of input (a file's size on disk, markup included: the
    summary counts the text's characters), with their total and an ETA, shown once a run takes more
    than a second; with one worker in this process it moves inside a plain-text file too, by the
    share of its text done (block by block).
    """
    logs = [path for path in (edits_path, stats_path) if path is not None]
    jobs, todo = _todo(jobs, logs, resume, progress)
    sizes = {job.source: input_bytes(job.source) for job in todo} if progress else {}
    run = runner or partial(run_jobs, n_jobs=n_jobs, work=work)
    note = {"skip": " (skipped)", "copy": " (copied unchanged)", "abort": " (stopping)"}[on_error] if len(todo) > 1 else ""
    with _bar(todo, sizes, progress, verb) as bar:
        counted = _FileProgress(bar, [sizes.get(job.source, 0) for job in todo])
        # in this process only: forked workers or a cluster must not draw on a copy of the bar
        in_process = runner is None and (n_jobs <= 1 or len(todo) <= 1)
        WORKER.progress = counted.add if progress and in_process else None
        try:
            with contextlib.closing(run(todo, options, on_error=on_error)) as results:
                outcomes = _collected(results, counted, sizes, on_error, note, keep_edits)
        finally:
            WORKER.progress = None
    if logs:
        merge_logs(jobs, outcomes, edits_path, stats_path)
        if len(jobs) == 1 and jobs[0].sidecar is not None:  # one file: no sidecar left beside it once merged
            Path(jobs[0].sidecar).unlink(missing_ok=True)
    return outcomes


def _bar(todo: list[Job], sizes: dict[str, int], progress: bool, verb: str) -> tqdm:
    """The progress bar of a run of ``todo`` in bytes of input (``sizes``; no total when one is
    stdin), on stderr, shown with ``progress`` once the run takes more than a second."""
    return tqdm(total=None if STDIO in sizes else sum(sizes.values()), unit="B", unit_scale=True,
                disable=not progress or not todo, delay=1.0, file=sys.stderr,
                desc=f"{verb} {len(todo)} file{'s' if len(todo) != 1 else ''}")


def _todo(jobs: Sequence[Job], logs: list[str], resume: bool, progress: bool) -> tuple[Sequence[Job], list[Job]]:
    """The jobs (each with a sidecar log where the run writes ``logs``, which are checked first),
    their output folders made, and those of them to run (``resume``: those not finished, how many
    were told when ``progress`` is shown)."""
    for path in logs:
        check_log(path)  # a file that is not a log fails here, before any work
    if logs:
        jobs = with_sidecars(jobs)
    prepare_out_dirs(jobs)
    todo = [j for j in jobs if not (resume and finished(j))]
    if resume and progress and len(todo) < len(jobs):
        print(f"ocrfix: --resume: {len(jobs) - len(todo)} of {len(jobs)} files already written, skipped",
              file=sys.stderr)
    return jobs, todo


def _collected(results: Iterator[Outcome], counted: _FileProgress, sizes: dict[str, int], on_error: str, note: str,
               keep_edits: bool) -> list[Outcome]:
    """The outcomes of a run as they come (see :func:`correct_files` for ``keep_edits``), the bar
    moved past each file (``sizes``: the files' characters, where known), each failure reported
    (``note``: what the failure policy ``on_error`` does with it); with ``abort``, up to the first failure."""
    outcomes: list[Outcome] = []
    for outcome in results:
        outcomes.append(outcome if keep_edits or outcome.job.sidecar is None else outcome.without_edits())
        counted.finish(sizes.get(outcome.job.source, outcome.chars))
        if outcome.error:
            tqdm.write(f"ocrfix: error: {outcome.error}{note}", file=sys.stderr)
            if on_error == "abort":
                break
    return outcomes


def input_bytes(source: str) -> int:
    """Bytes of an input file: its share of the progress bar, from its size on disk, so a run of
    millions of files reads none of them twice (0 for stdin or when it cannot be read: the job
    itself reports why)."""
    if source == STDIO:
        return 0
    try:
        return Path(source).stat().st_size
    except OSError:
        return 0


class _FileProgress:
    """Moves the bar within the current file by the share of its text done (block by block, up to
    the file's size: in this process files are done in order) and by the rest of the file when it
    is done."""

    def __init__(self, bar: tqdm, sizes: Sequence[int]) -> None:
        self.bar = bar
        self.sizes = sizes
        self.files = 0  # files done
        self.done = 0  # bytes of the current file already shown

    def add(self, share: float) -> None:
        size = self.sizes[self.files] if self.files < len(self.sizes) else 0
        step = max(0, min(round(share * size), size - self.done))
        self.bar.update(step)
        self.done += step

    def finish(self, size: int) -> None:
        self.bar.update(max(0, size - self.done))
        self.files += 1
        self.done = 0
