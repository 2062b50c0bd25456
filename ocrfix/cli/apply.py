"""`ocrfix apply`: put a reviewed edit log back onto its inputs, without correcting again (see docs/correct.md)."""
from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Mapping, Sequence, Sized

from ..errors import InputError
from ..formats.registry import ocr_file_patterns
from ..textio import check_outputs
from .correct import (add_batch_arguments, add_format_arguments, add_manifest_argument, add_model_arguments, batch_jobs,
                      batch_runner, batch_status, files_line, model_inputs, run_options, shard_jobs)

if TYPE_CHECKING:
    from ..batch import Outcome
    from ..review import EditFilter


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "apply",
        help="put a reviewed edit log back onto its inputs (no correcting)",
        description="Write what `ocrfix correct` wrote for each input, with only the edits of a (reviewed) "
        "edit log that pass the filters: the input is reflowed as the run reflowed it (give the run's model, "
        "profile and reflow and format options), each edit kept is checked against it and replayed; a file "
        "without edits in the log is written reflowed. "
        f"IN is a file, a directory (its OCR files: {ocr_file_patterns()}; -r recursive) or '-' for stdin.",
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT", help="output file (one input; default: stdout)")
    out.add_argument("--out-dir", metavar="DIR", help="output directory (mirrors input directories)")
    add_manifest_argument(parser, "put the log back onto")
    add_log_arguments(parser, "the edit log of `ocrfix correct --edits` (reviewed: records removed); "
                      "each record's 'file' is the input as the run was given it", "keep only", "drop")
    add_batch_arguments(parser, "write", "skip inputs whose output is already written (and not older than the input or the log)")
    parser.set_defaults(handler=_run)


def add_log_arguments(parser: argparse.ArgumentParser, edits_help: str, keep: str, drop: str,
                      edits_required: bool = True) -> None:
    """The arguments ``apply`` and ``review`` share: the inputs (``--manifest`` is the command's
    own: :func:`add_manifest_argument`), the log (``edits_required``: argparse refuses a command
    line without it), its filters (``keep``, ``drop``: what they do with an edit), and the run's
    models, reflow and formats its offsets depend on."""
    parser.add_argument("inputs", nargs="*", metavar="IN", help="the OCR file(s) the log was made from, directories of them, or - for stdin")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into subdirectories of directory inputs")
    parser.add_argument("--edits", metavar="EDITS.jsonl", required=edits_required, help=edits_help)
    parser.add_argument("--min-gain", type=float, metavar="G", help=f"{keep} the edits of gain G or more (0-1)")
    parser.add_argument("--drop-source", action="append", default=[], metavar="NAME",
                        help=f"{drop} the edits only this source proposed (repeatable; e.g. context, visual, "
                             "rule:star-period; 'rule' for every symbol rule)")
    add_model_arguments(parser)
    parser.add_argument("--no-reflow", action="store_true", help="the run was given --no-reflow")
    add_format_arguments(parser)


def edit_filter(args: argparse.Namespace) -> EditFilter:
    """The :class:`EditFilter` of ``--min-gain`` and ``--drop-source``."""
    from ..review import EditFilter

    if args.min_gain is not None and not 0.0 <= args.min_gain <= 1.0:
        raise InputError("--min-gain must be between 0 and 1")
    return EditFilter(args.min_gain, frozenset(args.drop_source))


def _run(args: argparse.Namespace) -> int:
    """The inputs (``--shard``: this shard's) written as batch jobs (:mod:`ocrfix.batch.replay`),
    the log read once to index it and each job given where its file's records are."""
    from ..batch import correct_files
    from ..batch.replay import ReplayJob, replay_job
    from ..review import edits_by_input, index_edit_log

    keep = edit_filter(args)
    options = run_options(args)
    planned = batch_jobs(args, options)
    sharded = shard_jobs(args, planned)
    check_outputs([("-o" if args.out_dir is None else "--out-dir", job.target) for job in sharded],
                  [*(("IN", job.source) for job in sharded), ("--edits", args.edits), *model_inputs(args)])
    found, others = edits_by_input(index_edit_log(args.edits), [job.source for job in planned])
    jobs = [ReplayJob(job.source, job.target, log=args.edits, part=found.get(job.source), keep=keep) for job in sharded]
    start = time.perf_counter()

    def run() -> list[Outcome]:
        with batch_runner(args.dask, replay_job) as runner:
            return correct_files(jobs, options, args.jobs, resume=args.resume, progress=not args.quiet,
                                 on_error=args.on_error, runner=runner, work=replay_job, verb="applying")

    def report(outcomes: Sequence[Outcome], stopped: bool) -> list[str]:
        applied = sum(outcome.edit_count for outcome in outcomes)
        logged = sum(found[outcome.job.source].records for outcome in outcomes if outcome.job.source in found)
        return [*log_notes([job.source for job in jobs], found, others, "written reflowed", "not written"),
                f"{files_line(len(jobs), outcomes, stopped, args.resume)}, {applied:,} of {logged:,} logged edits "
                f"applied in {time.perf_counter() - start:.1f} s"]

    return batch_status(args, len(jobs), run, report)


def log_notes(sources: Sequence[str], found: Mapping[str, object], others: Sequence[str | None],
              missing_fate: str, others_fate: str) -> list[str]:
    """The lines telling the inputs of ``sources`` the log has no edits of (``missing_fate``: what
    became of them) and the log's files not given (``others_fate``)."""
    lines = []
    missing = [source for source in sources if source not in found]
    if missing:
        lines.append(f"ocrfix: {file_count(missing)} without edits in the log, {missing_fate}: {listed(missing)}")
    if others:
        names = ["<stdin>" if key is None else key for key in others]
        lines.append(f"ocrfix: {file_count(names)} in the log not given, {others_fate}: {listed(names)}")
    return lines


def file_count(items: Sized) -> str:
    """``N file(s)`` of ``items``."""
    return f"{len(items):,} file{'s' if len(items) != 1 else ''}"


def listed(names: Sequence[str], shown: int = 3) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown:,} more" if len(names) > shown else "")
