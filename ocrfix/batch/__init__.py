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

The package's modules, one job each: :mod:`.jobs` (the plan: inputs, outputs, shards, what is
finished), :mod:`.worker` (one file corrected in a worker process), :mod:`.replay` (one file of
``ocrfix apply``: a reviewed edit log's edits put back, run as a batch like a correction),
:mod:`.signals` (SIGINT and SIGTERM), :mod:`.logs` (sidecars and the merged logs) and :mod:`.run`
(the run itself).
"""
from .jobs import SIDECAR_SUFFIX, Job, Outcome, expand_inputs, finished, parse_shard, plan_jobs, prepare_out_dirs, \
    read_manifest, shard, sidecar_path, with_sidecars
from .logs import check_log, iter_records, merge_logs
from .run import ON_ERROR, Runner, correct_files, input_bytes, run_jobs
from .signals import Terminated, interrupt, terminate
from .worker import check_input_file, correct_bytes, document_corrector, init_worker, run_job

__all__ = ["ON_ERROR", "SIDECAR_SUFFIX", "Job", "Outcome", "Runner", "Terminated", "check_input_file", "check_log",
           "correct_bytes", "correct_files", "document_corrector", "expand_inputs", "finished", "init_worker",
           "input_bytes", "interrupt", "iter_records", "merge_logs", "parse_shard", "plan_jobs", "prepare_out_dirs", "read_manifest",
           "run_job", "run_jobs", "shard", "sidecar_path", "terminate", "with_sidecars"]
