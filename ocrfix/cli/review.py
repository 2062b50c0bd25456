"""`ocrfix review`: an HTML page to review an edit log in, which downloads the reviewed log (see docs/correct.md)."""
from __future__ import annotations

import argparse
import sys
import time

from ..formats.registry import ocr_file_patterns
from ..textio import STDIO, check_outputs
from .apply import add_log_arguments, edit_filter, file_count, log_notes
from .correct import add_manifest_argument, model_inputs, run_options


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "review",
        help="write an HTML page to review an edit log in (it downloads the reviewed log for `ocrfix apply`)",
        description="Write one self-contained HTML page showing each input's edits in place (the input reflowed as "
        "the run reflowed it: give the run's model, profile and reflow and format options; each edit is checked "
        "against it) and a table of them, least confident first, each with a checkbox; its button downloads the "
        "log's records of the edits left checked, as they were, for `ocrfix apply --edits`. "
        f"IN is a file, a directory (its OCR files: {ocr_file_patterns()}; -r recursive) or '-' for stdin.",
    )
    parser.add_argument("-o", "--output", metavar="REVIEW.html", required=True, help="the page to write ('-': stdout)")
    add_manifest_argument(parser, "show the edits of", out_dir=False)
    add_log_arguments(parser, "the edit log of `ocrfix correct --edits`; each record's 'file' is the input as the run "
                      "was given it", "check only", "uncheck")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..batch import check_input_file, init_worker
    from ..batch.jobs import input_files
    from ..batch.replay import file_corrector
    from ..batch.worker import input_name, read_input
    from ..review import checked_source, edits_by_input, read_log_records
    from ..remote import is_url
    from ..review_html import ReviewedFile, review_page
    from ..textio import write_text_atomic

    keep = edit_filter(args)
    options = run_options(args)
    sources = [source for source, _ in input_files(args.inputs, args.recursive, args.manifest)]
    check_outputs([("-o", args.output)], [*(("IN", source) for source in sources), ("--edits", args.edits), *model_inputs(args)])
    log = read_log_records(args.edits)
    positions: dict[str | None, list[int]] = {}
    for position, record in enumerate(log):
        positions.setdefault(record.file, []).append(position)
    found, others = edits_by_input(positions, sources)
    for source in sources:  # one the log has no edits of is not on the page, but a missing or unreadable one is refused
        if source not in found and source != STDIO and not is_url(source):
            check_input_file(source, options)
    start = time.perf_counter()
    init_worker(options)
    files = []
    for source in sources:
        if source in found:
            name = input_name(source)
            text = checked_source(read_input(source), name, [log[k].edit for k in found[source]],
                                  file_corrector, options)
            files.append(ReviewedFile(name, text, tuple(found[source])))
    write_text_atomic(args.output, review_page(log, files, keep, args.edits))
    if not args.quiet:
        for line in log_notes(sources, found, others, "not on the page", "their records kept as they are"):
            print(line, file=sys.stderr)
        shown = sum(len(file.records) for file in files)
        print(f"ocrfix: {shown:,} edits of {file_count(files)} on the page {args.output} "
              f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0
