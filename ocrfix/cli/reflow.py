"""`ocrfix reflow IN [-o OUT]`: column-wrapped OCR text -> one paragraph per line."""
from __future__ import annotations

import argparse

from ..formats.model import FORMATS
from ..textio import check_outputs, write_text_atomic


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reflow",
        help="join column-wrapped OCR lines into paragraphs (whitespace-only changes)",
        description="Join column-wrapped OCR lines into paragraphs, one per line; headlines and bylines "
        "stay lines of their own; OCR spaces between CJK characters are removed.",
    )
    parser.add_argument("input", metavar="IN", help="OCR file (plain text, hOCR, ALTO or PAGE XML), or - for stdin")
    parser.add_argument("-o", "--output", metavar="OUT", default="-", help="output file, or - for stdout (default)")
    parser.add_argument("--encoding", help="input encoding if not UTF-8 (e.g. gb18030)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content); "
                        "hOCR/ALTO/PAGE are reflowed from their line geometry")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..formats import reflowed_text

    check_outputs([("-o", args.output)], [("IN", args.input)])
    write_text_atomic(args.output, reflowed_text(args.input, args.format, args.encoding))
    return 0
