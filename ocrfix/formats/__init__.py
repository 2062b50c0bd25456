"""Structured OCR formats: hOCR, ALTO (v2–v4) and PAGE XML (2019), besides plain text.

Typical use (what ``ocrfix correct --format/--output-format`` does)::

    doc = read_document("page.xml")                  # format detected from content
    flow = reflow_document(doc)                      # paragraphs from line geometry
    result = Corrector().correct(flow.text, reflow=False)
    fixed = apply_edits(doc, result.source, result.edits, flow.words)
    Path("page.fixed.xml").write_bytes(write_document(fixed))

or in one call ``correct_document(doc, Corrector())``. ``char_confidences(doc, flow.words)``
gives Tesseract's confidence of each non-space character of ``flow.text``.

Readers keep each element's path in the source tree; writing to the same format patches
that tree, so geometry, IDs and everything ocrfix does not model are preserved.
"""
from __future__ import annotations

from .detect import detect_format
from .edits import apply_edits, char_confidences
from .fileio import parse_document, read_document, write_document
from .layout import Reflowed, reflow_document
from .model import FORMATS, Block, Box, Correction, Document, Glyph, Line, Page, Word
from .pipeline import Corrected, correct_document, evaluation_text, output_bytes, reflowed_text

__all__ = [
    "FORMATS", "Block", "Box", "Corrected", "Correction", "Document", "Glyph", "Line", "Page", "Reflowed", "Word",
    "apply_edits", "char_confidences", "correct_document", "detect_format", "evaluation_text", "output_bytes", "parse_document",
    "read_document", "reflow_document", "reflowed_text", "write_document",
]
