"""`ocrfix correct`: reflow and correct OCR text files (see docs/correct.md)."""
from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from ..formats.model import FORMATS
from ..textio import STDIO, check_outputs


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "correct",
        help="reflow and correct OCR text (LM + confusion sets)",
        description="Reflow column-wrapped OCR text and correct character errors. "
        "IN is a file, a directory (*.txt; -r recursive) or '-' for stdin.",
    )
    parser.add_argument("inputs", nargs="+", metavar="IN",
                        help="OCR file(s) (plain text, hOCR, ALTO or PAGE XML), directories of *.txt, or - for stdin")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT", help="output file (one input; default: stdout)")
    out.add_argument("--out-dir", metavar="DIR", help="output directory (mirrors input directories)")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into subdirectories of directory inputs")
    parser.add_argument("--edits", metavar="EDITS.jsonl", help="write every edit as JSON lines")
    parser.add_argument("--model", metavar="PATH", help="KenLM character model (default: models/lm/news.klm)")
    parser.add_argument("--confusions", metavar="PATH", nargs="+", help="confusion TSV(s), merged (default: models/confusions/default.tsv)")
    parser.add_argument("--weights", metavar="PATH", help="corrector weights JSON (default: models/corrector.json)")
    parser.add_argument("--misread", metavar="PATH",
                        help="misread rates of your OCR engine (default: models/confusions/misread.tsv, Tesseract)")
    parser.add_argument("--threshold", type=float, metavar="P",
                        help="minimum calibrated probability of an edit, 0-1, on every text (default: from the weights, "
                             "with their lower second-pass threshold on texts the first pass finds to be noisy scans "
                             "and their higher one on texts it finds to read like clean print; "
                             "higher = fewer, safer edits)")
    parser.add_argument("--keep", metavar="WORDS.txt", help="words never edited, one per line")
    parser.add_argument("--no-reflow", action="store_true", help="input is already one paragraph per line")
    parser.add_argument("--no-rules", action="store_true", help="no symbol rules (only LM substitutions of Han characters)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--resume", action="store_true", help="skip inputs whose output is already written")
    parser.add_argument("--encoding", metavar="ENC", help="input encoding (default: UTF-8 only)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content)")
    parser.add_argument("--output-format", choices=FORMATS,
                        help="output format for hOCR/ALTO/PAGE input (default: the input's own; 'text' = corrected reflowed text)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..batch import correct_files, plan_jobs
    from ..correction.corrector import read_keep

    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        raise InputError("--threshold must be between 0 and 1")
    if args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    jobs = plan_jobs(args.inputs, args.output, args.out_dir, args.recursive)
    if args.edits == STDIO and any(j.target == STDIO for j in jobs):
        raise InputError("--edits - and the corrected text would both go to stdout: give -o OUT or write the edits to a file")
    out_role = "-o" if args.out_dir is None else "--out-dir"
    models = [("--model", args.model), ("--weights", args.weights), ("--misread", args.misread), ("--keep", args.keep),
              *(("--confusions", c) for c in args.confusions or ())]
    check_outputs([*((out_role, j.target) for j in jobs), ("--edits", args.edits)],
                  [*(("IN", j.source) for j in jobs), *models])
    options = {
        "corrector": {
            "model": args.model,
            "confusions": args.confusions,
            "weights": args.weights,
            "misread": args.misread,
            "threshold": args.threshold,
            "keep": read_keep(args.keep) if args.keep else (),
            "rules": not args.no_rules,
        },
        "reflow": not args.no_reflow,
        "encoding": args.encoding,
        "format": args.format,
        "output_format": args.output_format,
    }
    failed = correct_files(jobs, options, args.jobs, args.edits, args.resume, progress=not args.quiet)
    if failed:
        if len(jobs) == 1:  # a single input: its one error line says it all (exit 2 like other bad input)
            return 2
        print(f"ocrfix: {len(failed)} of {len(jobs)} files failed", file=sys.stderr)
        return 1
    return 0

