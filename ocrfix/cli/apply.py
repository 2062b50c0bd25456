"""`ocrfix apply`: put a reviewed edit log back onto its inputs, without correcting again (see docs/correct.md)."""
from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, Sized

from ..errors import InputError, OcrfixError
from ..formats.registry import ocr_file_patterns
from ..textio import STDIO, check_outputs
from .correct import add_format_arguments, add_model_arguments, model_inputs, run_options

if TYPE_CHECKING:
    from ..batch import Job
    from ..correction.corrector import Corrector
    from ..correction.edits import Edit
    from ..options import CorrectOptions
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
    add_log_arguments(parser, "the edit log of `ocrfix correct --edits` (reviewed: records removed); each record's "
                      "'file' is the input as the run was given it", "keep only", "drop")
    parser.set_defaults(handler=_run)


def add_log_arguments(parser: argparse.ArgumentParser, edits_help: str, keep: str, drop: str) -> None:
    """The arguments ``apply`` and ``review`` share: the inputs, the log, its filters (``keep``,
    ``drop``: what they do with an edit), and the run's models, reflow and formats its offsets
    depend on."""
    parser.add_argument("inputs", nargs="+", metavar="IN", help="the OCR file(s) the log was made from, directories of them, or - for stdin")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into subdirectories of directory inputs")
    parser.add_argument("--edits", metavar="EDITS.jsonl", required=True, help=edits_help)
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
    from ..batch import plan_jobs
    from ..review import edits_by_input, read_edit_log

    keep = edit_filter(args)
    options = run_options(args)
    jobs = plan_jobs(args.inputs, args.output, args.out_dir, args.recursive)
    check_outputs([("-o" if args.out_dir is None else "--out-dir", job.target) for job in jobs],
                  [*(("IN", job.source) for job in jobs), ("--edits", args.edits), *model_inputs(args)])
    found, others = edits_by_input(read_edit_log(args.edits), [job.source for job in jobs])
    start = time.perf_counter()
    applied, logged, failed = _apply_jobs(jobs, found, keep, options)
    if failed and len(jobs) == 1:  # its one error line says it all
        return 2
    if not args.quiet:
        log_notes([job.source for job in jobs], found, others, "written reflowed", "not written")
        print(f"ocrfix: {len(jobs) - failed:,} of {len(jobs):,} files written, {applied:,} of {logged:,} logged edits applied "
              f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if failed:
        print(f"ocrfix: {failed} of {len(jobs)} files failed", file=sys.stderr)
        return 1
    return 0


def _apply_jobs(jobs: Sequence[Job], found: dict[str, Sequence[Edit]], keep: EditFilter, options: CorrectOptions
                ) -> tuple[int, int, int]:
    """Each job's output written (atomically; a file that fails is reported, and nothing written
    for it); (edits applied, edits the log has of the files, files failed)."""
    from ..batch import init_worker
    from ..batch.worker import read_input, write_output
    from ..review import apply_log

    init_worker(options)
    applied = logged = failed = 0
    for job in jobs:
        edits = found.get(job.source, ())
        logged += len(edits)
        try:
            done = apply_log(read_input(job.source), "<stdin>" if job.source == STDIO else job.source,
                             [edit for edit in edits if keep.keeps(edit)],
                             file_corrector, options)
            write_output(job.target, done.output)
        except OcrfixError as exc:
            print(f"ocrfix: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        applied += len(done.edits)
    return applied, logged, failed


def log_notes(sources: Sequence[str], found: Mapping[str, object], others: Sequence[str | None],
              missing_fate: str, others_fate: str) -> None:
    """On stderr: the inputs of ``sources`` the log has no edits of (``missing_fate``: what became of
    them) and the log's files not given (``others_fate``)."""
    missing = [source for source in sources if source not in found]
    if missing:
        print(f"ocrfix: {file_count(missing)} without edits in the log, {missing_fate}: {listed(missing)}", file=sys.stderr)
    if others:
        names = ["<stdin>" if key is None else key for key in others]
        print(f"ocrfix: {file_count(names)} in the log not given, {others_fate}: {listed(names)}", file=sys.stderr)


def file_corrector(software: str | None, text: Callable[[], str]) -> Corrector:
    """The corrector ``correct`` gives a file (its profile picked as the run picked it; :func:`init_worker` first)."""
    from ..batch import document_corrector

    return document_corrector(software, text)[0]


def file_count(items: Sized) -> str:
    """``N file(s)`` of ``items``."""
    return f"{len(items):,} file{'s' if len(items) != 1 else ''}"


def listed(names: Sequence[str], shown: int = 3) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown:,} more" if len(names) > shown else "")
