"""One file of ``ocrfix apply`` in a worker: the reviewed edit log's edits of the file, read from
the log there (the job carries where they are, not the edits), put back onto it
(:func:`ocrfix.review.apply_log`) and the output written, as a batch job
(:func:`ocrfix.batch.correct_files` with ``work=replay_job``: resume, shards, failure policy,
worker processes and progress bar as for ``ocrfix correct``)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..review import EditFilter, LogPart
from ..textio import STDIO
from .jobs import Job, Outcome
from .worker import WORKER, correcting, document_corrector, guarded, input_name, read_input, write_output

if TYPE_CHECKING:
    from ..correction.corrector import Corrector


@dataclass(frozen=True)
class ReplayJob(Job):
    """A file of ``ocrfix apply``: where its records are in the log ``log`` (None: it has none),
    and which of their edits the review keeps."""

    log: str = STDIO
    part: LogPart | None = None
    keep: EditFilter = EditFilter()

    def made_from(self) -> tuple[str, ...]:
        """The input and the log: an output older than a log reviewed again is written again (``--resume``)."""
        return (self.source,) if self.log == STDIO else (self.source, self.log)


def replay_job(job: ReplayJob, on_error: str = "skip") -> Outcome:
    """The job's output written: its input as the run wrote it with the job's edits only (the
    worker's options: the run's models, reflow and formats); errors become the outcome's
    (:func:`~ocrfix.batch.worker.guarded`)."""
    return guarded(_replay, job, on_error)


def _replay(job: ReplayJob) -> Outcome:
    """The job done; its outcome keeps the counts of the edits applied, not the edits."""
    from ..review import apply_log, read_log_part

    start = time.perf_counter()
    edits = () if job.part is None else filter(job.keep.keeps, read_log_part(job.log, job.part))
    with correcting():
        done = apply_log(read_input(job.source), input_name(job.source), edits, file_corrector, WORKER.options)
    write_output(job.target, done.output)
    return Outcome(job, done.chars, done.edits, seconds=time.perf_counter() - start).without_edits()


def file_corrector(software: str | None, text: Callable[[], str]) -> Corrector:
    """The corrector ``correct`` gives a file (its profile picked as the run picked it; :func:`init_worker` first)."""
    return document_corrector(software, text)[0]
