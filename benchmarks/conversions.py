"""Structured files converted into each other format (``--output-format``) and read back: does the
page's layout survive?

For every hOCR and ALTO file under the roots given, the geometry reflow of the file as read
(:func:`ocrfix.formats.reflow_document`) is compared with the reflow of its conversion into each
structured format, read back from the bytes ``ocrfix`` writes. A format that has no field for
something the layout reads (GCV has no lines, PaddleOCR JSON no words, no format but hOCR, ALTO and
PAGE a line's type size) can change the reading; the table says how often.

    python -m benchmarks.conversions DIR [DIR ...]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from ocrfix.errors import InputError
from ocrfix.formats import read_document, reflow_document, write_document
from ocrfix.formats.fileio import parse_document
from ocrfix.formats.registry import FLAT_FORMATS, XML_FORMATS

TARGETS = (*XML_FORMATS, *FLAT_FORMATS)


def same_reading(path: Path, targets: tuple[str, ...] = TARGETS) -> dict[str, bool]:
    """For each target format: whether ``path`` converted into it and read back reflows to the same text."""
    doc = read_document(path)
    text = reflow_document(doc).text
    return {fmt: reflow_document(parse_document(write_document(doc, fmt), f"{path.stem}.{fmt}", fmt)).text == text
            for fmt in targets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", type=Path, help="folders searched for *.hocr and *.xml (ALTO) files")
    args = parser.parse_args(argv)
    files = sorted(p for root in args.roots for p in root.rglob("*") if p.suffix in (".hocr", ".xml"))
    if not files:
        print("conversions: error: no .hocr or .xml file under " + ", ".join(map(str, args.roots)), file=sys.stderr)
        return 2
    kept: Counter[str] = Counter()
    for path in tqdm(files, desc="conversions", unit="file", file=sys.stderr):
        try:
            kept.update(fmt for fmt, same in same_reading(path).items() if same)
        except InputError as err:
            print(f"conversions: error: {err}", file=sys.stderr)
            return 1
    print("| converted into | files that reflow to the same text |\n|---|---|")
    for fmt in TARGETS:
        print(f"| {fmt} | {kept[fmt]} of {len(files)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
