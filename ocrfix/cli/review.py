"""`ocrfix review`: an HTML page to review an edit log in, which downloads the reviewed log (see docs/correct.md)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from ..formats.registry import ocr_file_patterns
from ..textio import STDIO, check_outputs
from .apply import add_log_arguments, edit_filter, file_count, log_notes
from .correct import add_manifest_argument, model_inputs, run_options

if TYPE_CHECKING:
    from ..review import EditFilter, LogRecord


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "review",
        help="write an HTML page to review an edit log in (it downloads the reviewed log for `ocrfix apply`)",
        description="Write one self-contained HTML page showing each input's edits in place (the input reflowed as "
        "the run reflowed it: give the run's model, profile and reflow and format options; each edit is checked "
        "against it) and a table of them, least confident first, each with a checkbox; its button downloads the "
        "log's records of the edits left checked, as they were, for `ocrfix apply --edits`. "
        "With --sample N the page shows N edits drawn at random, stratified by gain band, to judge right or "
        "wrong; its button downloads the judged records, which --estimate turns into each band's precision "
        "and that of the edits each --min-gain floor keeps. "
        f"IN is a file, a directory (its OCR files: {ocr_file_patterns()}; -r recursive) or '-' for stdin.",
    )
    parser.add_argument("-o", "--output", metavar="REVIEW.html", help="the page to write ('-': stdout)")
    add_manifest_argument(parser, "show the edits of", out_dir=False)
    add_log_arguments(parser, "the edit log of `ocrfix correct --edits`; each record's 'file' is the input as the run "
                      "was given it (with --estimate: the whole log, to weight the bands by)", "check only (with "
                      "--sample: draw from; with --estimate: count)", "uncheck (with --sample: do not draw; with "
                      "--estimate: do not count)", edits_required=False)
    sample = parser.add_argument_group("precision from a judged sample")
    sample.add_argument("--sample", type=int, metavar="N", help="show N edits drawn at random (stratified by gain "
                        "band: [0, .8), [.8, .9), [.9, .95), [.95, .99), [.99, 1]), each to judge right or wrong")
    sample.add_argument("--seed", type=int, default=0, metavar="S", help="the sample's random seed (default 0: "
                        "the same inputs and log give the same sample)")
    sample.add_argument("--estimate", metavar="JUDGED.jsonl", help="no page: print each gain band's precision "
                        "among the judged records a sample page downloaded (Wilson 95 %% interval) and, with "
                        "--edits, the precision of the edits each --min-gain floor keeps")
    sample.add_argument("--json", action="store_true", help="--estimate's figures as JSON")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..batch import check_input_file, init_worker
    from ..batch.jobs import input_files
    from ..batch.replay import file_corrector
    from ..batch.worker import input_name, read_input
    from ..precision import sample_log
    from ..review import checked_source, edits_by_input, read_log_records
    from ..remote import is_url
    from ..review_html import ReviewedFile, Sample, review_page
    from ..textio import write_text_atomic

    keep = edit_filter(args)
    if args.estimate is not None:
        return _estimate(args, keep)
    if args.edits is None or args.output is None or args.json:
        raise InputError("review writes a page of --edits LOG to -o REVIEW.html; --json goes with --estimate")
    if args.sample is not None and args.sample < 1:
        raise InputError("--sample must be 1 or more")
    options = run_options(args)
    sources = [source for source, _ in input_files(args.inputs, args.recursive, args.manifest)]
    check_outputs([("-o", args.output)], [*(("IN", source) for source in sources), ("--edits", args.edits), *model_inputs(args)])
    if args.sample is None:
        log: Sequence[LogRecord] | dict[int, LogRecord] = read_log_records(args.edits)
        positions: dict[str | None, list[int]] = {}
        for position, record in enumerate(log):
            positions.setdefault(record.file, []).append(position)
        found, others = edits_by_input(positions, sources)
        shown_of = {source: ([(k, log[k]) for k in found[source]], tuple(found[source])) for source in found}
        sample = None
    else:  # only each file's counts by band are kept of the log, and the files with edits drawn read back
        drawn = sample_log(args.edits, sources, keep, args.sample, args.seed)
        found, others = drawn.found, drawn.others
        shown_of = {file.source: (file.records, file.drawn) for file in drawn.files}
        log = {k: record for file in drawn.files for k, record in file.records if k in file.drawn}
        sample = Sample(drawn.population, args.seed)
    for source in sources:  # one the log has no edits of is not on the page, but a missing or unreadable one is refused
        if source not in found and source != STDIO and not is_url(source):
            check_input_file(source, options)
    start = time.perf_counter()
    init_worker(options)
    files = []
    for source in sources:
        if source in shown_of:
            records, on_page = shown_of[source]
            name = input_name(source)
            text = checked_source(read_input(source), name, [record.edit for _, record in records], file_corrector, options)
            files.append(ReviewedFile(name, text, on_page))
    write_text_atomic(args.output, review_page(log, files, keep, args.edits, sample))
    if not args.quiet:
        for line in log_notes(sources, found, others, "not on the page", "their records kept as they are"):
            print(line, file=sys.stderr)
        shown = sum(len(file.records) for file in files)
        drawn_from = "" if sample is None else f" (drawn from {sample.population:,})"
        print(f"ocrfix: {shown:,} edits{drawn_from} of {file_count(files)} on the page {args.output} "
              f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def _estimate(args: argparse.Namespace, keep: EditFilter) -> int:
    """``--estimate``: the judged sample's precision by gain band on stdout and, with ``--edits``,
    that of the edits each floor keeps (the log's edits that pass the filters counted by band)."""
    from ..precision import estimate, read_judged, report_json, report_lines
    from ..review import stream_log_records

    if args.inputs or args.manifest or args.output is not None or args.sample is not None:
        raise InputError("--estimate reads a judged sample (and --edits, the whole log) only: no IN, --manifest, -o or --sample")
    judged = read_judged(args.estimate)
    gains = None if args.edits is None else (r.edit.gain for r in stream_log_records(args.edits) if keep.keeps(r.edit))
    found = estimate(judged, gains)
    print(json.dumps(report_json(found), indent=1) if args.json else "\n".join(report_lines(found)))
    return 0
