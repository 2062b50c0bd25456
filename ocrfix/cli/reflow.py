"""`ocrfix reflow IN [-o OUT]`: column-wrapped OCR text -> one paragraph per line."""
from __future__ import annotations

import argparse
import json

from ..errors import ModelError
from ..formats.registry import FORMATS
from ..settings import load_settings
from ..textio import check_outputs, write_text_atomic


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reflow",
        help="join column-wrapped OCR lines into paragraphs (whitespace-only changes)",
        description="Join column-wrapped OCR lines into paragraphs, one per line; headlines and bylines "
        "stay lines of their own; OCR spaces between CJK characters are removed.",
    )
    parser.add_argument("input", metavar="IN", help="OCR file (plain text, hOCR, ALTO, PAGE, ABBYY XML or PaddleOCR/RapidOCR JSON), or - for stdin")
    parser.add_argument("-o", "--output", metavar="OUT", default="-", help="output file, or - for stdout (default)")
    parser.add_argument("--encoding", help="input encoding if not UTF-8 (e.g. gb18030)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content); "
                        "structured files (hOCR, ALTO, PAGE, ABBYY, JSON, TSV) are reflowed from their line geometry")
    parser.add_argument("--column-order", action="store_true",
                        help="plain text: first put back in column order lines an engine listed row by row across "
                        "side-by-side columns (PaddleOCR/RapidOCR on a page of columns, or of several stories side by side: "
                        "each story then a block of its own; Tesseract's regions read across columns), as `ocrfix correct` "
                        "does; the default for plain text when the shipped language model is installed (this option "
                        "requires a model)")
    model = parser.add_mutually_exclusive_group()
    model.add_argument("--lm", nargs="?", const="", metavar="MODEL",
                       help="let the language model (MODEL, default: the shipped one; also the one the column order "
                       "uses) settle the line breaks the layout cannot: in plain text whether a paragraph goes on "
                       "after a short line or a blank line, in hOCR/ALTO/PAGE/JSON whether an indented line after a "
                       "full one goes on (the engine dropped its first characters), as `ocrfix correct` does; "
                       "plain text is read so by default when the shipped model is installed")
    model.add_argument("--no-lm", action="store_true",
                       help="plain text: the rules alone, the lines in the engine's order, without the language "
                       "model (what plain text gets when no model is installed)")
    parser.add_argument("--articles", metavar="A.json", help="also write the page's stories as JSON: headline, "
                        "paragraphs and bounding box of each (hOCR/ALTO/PAGE/JSON input; plain text is one story, or the stories "
                        "--column-order found, without boxes)")
    parser.set_defaults(handler=_run)


def _shipped_lm():
    return load_settings().default_lm


def _run(args: argparse.Namespace) -> int:
    from ..formats import read_document, reflow_document

    outputs = [("-o", args.output)] + ([("--articles", args.articles)] if args.articles else [])
    check_outputs(outputs, [("IN", args.input)])
    doc = read_document(args.input, args.format, args.encoding)
    plain = doc.format == "text"
    if args.no_lm and args.column_order:
        raise ModelError("--column-order reads plain text with the language model, which --no-lm leaves out")
    model = args.lm
    if plain and model is None and not args.no_lm and (args.column_order or _shipped_lm().is_file()):
        model = ""  # plain text is read as `ocrfix correct` reads it (the column order needs the model)
    lm = None
    if model is not None:
        from ..correction.corrector import load_lm

        lm = load_lm(model or _shipped_lm())
    stories: list[str] = []
    if plain and lm is not None:
        from ..column_order import column_stories
        from ..formats.plaintext import read_text_document

        stories = column_stories(doc.source.decode("utf-8"), lm)
        doc = read_text_document("\n".join(stories), doc.name)
    if len(stories) > 1:  # each story reflowed on its own
        from ..formats import Reflowed
        from ..text_reflow import reflow_stories, render

        blocks = reflow_stories(stories, lm)
        flow = Reflowed(render(blocks), blocks, list(doc.words()), (None,) * len(stories))
    else:
        flow = reflow_document(doc, lm)
    if args.articles:
        write_text_atomic(args.articles, json.dumps({"stories": flow.articles()}, ensure_ascii=False, indent=1) + "\n")
    write_text_atomic(args.output, flow.text)
    return 0
