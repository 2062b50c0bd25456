"""`ocrfix reflow IN [-o OUT]`: column-wrapped OCR text -> one paragraph per line."""
from __future__ import annotations

import argparse
import json

from ..formats.registry import FORMATS
from ..textio import check_outputs, write_text_atomic


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reflow",
        help="join column-wrapped OCR lines into paragraphs (whitespace-only changes)",
        description="Join column-wrapped OCR lines into paragraphs, one per line; headlines and bylines "
        "stay lines of their own; OCR spaces between CJK characters are removed.",
    )
    parser.add_argument("input", metavar="IN", help="OCR file (plain text, hOCR, ALTO, PAGE, ABBYY XML, PaddleOCR/RapidOCR, Google Cloud Vision, "
                        "Azure or Textract JSON, Tesseract TSV; gzip-compressed too), or - for stdin")
    parser.add_argument("-o", "--output", metavar="OUT", default="-", help="output file, or - for stdout (default)")
    parser.add_argument("--encoding", help="input encoding if not UTF-8 (e.g. gb18030)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content); "
                        "structured files (hOCR, ALTO, PAGE, ABBYY, JSON, TSV) are reflowed from their line geometry")
    parser.add_argument("--column-order", action="store_true",
                        help="plain text: first put back in column order lines an engine listed row by row across "
                        "side-by-side columns (PaddleOCR/RapidOCR on a page of columns, or of several stories side by side: "
                        "each story then a block of its own; Tesseract's rows read across the columns of several "
                        "stories), as `ocrfix correct` does; "
                        "loads the language model (--lm)")
    parser.add_argument("--lm", nargs="?", const="", metavar="MODEL",
                        help="let the language model (MODEL, default: the shipped one; also the one --column-order "
                        "uses) settle the line breaks the layout cannot: in plain text whether a paragraph goes on "
                        "after a short line or a blank line, in hOCR/ALTO/PAGE/JSON whether an indented line after a "
                        "full one goes on (the engine dropped its first characters), as `ocrfix correct` does; "
                        "slower than without")
    parser.add_argument("--articles", metavar="A.json", help="also write the page's stories as JSON: headline, "
                        "paragraphs, bounding box and page of each (structured input; plain text is one story, or the stories "
                        "--column-order found, without boxes)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..formats import read_document, reflow_document

    outputs = [("-o", args.output)] + ([("--articles", args.articles)] if args.articles else [])
    check_outputs(outputs, [("IN", args.input)])
    doc = read_document(args.input, args.format, args.encoding)
    lm = None
    if args.lm is not None or (doc.format == "text" and args.column_order):
        from ..correction.corrector import load_lm
        from ..settings import load_settings

        lm = load_lm(args.lm or load_settings().default_lm)
    if doc.format == "text":  # each page, and each story of it, reflowed on its own
        from ..column_order import column_stories
        from ..formats import Reflowed
        from ..formats.plaintext import read_text_document
        from ..text_reflow import reflow_pages, render

        printed, blocks = reflow_pages(doc.source.decode("utf-8"),
                                       (lambda page: column_stories(page, lm)) if args.column_order else (lambda page: [page]),
                                       lm if args.lm is not None else None)
        stories = max((b.story for b in blocks), default=0) + 1
        flow = Reflowed(render(blocks), blocks, list(read_text_document(printed, doc.name).words()), (None,) * stories)
    else:
        flow = reflow_document(doc, lm if args.lm is not None else None)
    if args.articles:
        write_text_atomic(args.articles, json.dumps({"stories": flow.articles()}, ensure_ascii=False, indent=1) + "\n")
    write_text_atomic(args.output, flow.text)
    return 0
