"""Structured OCR formats: hOCR, ALTO (v1–v4), PAGE XML (2010–2019), ABBYY FineReader XML, Tesseract TSV and the JSON of
PaddleOCR/RapidOCR/Surya, Google Cloud Vision, Azure and Amazon Textract, besides plain text.

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

from ..lazy import lazy_attributes

#: public name -> its submodule; imported on first use (lxml and the corrector load only when needed)
_WHERE = {
    "detect_format": "detect", "apply_edits": "edits", "char_confidences": "edits",
    "parse_document": "fileio", "read_document": "fileio", "write_document": "fileio",
    "Reflowed": "layout", "reflow_document": "layout",
    "FORMATS": "registry", "Block": "model", "Box": "model", "Correction": "model", "Document": "model",
    "Glyph": "model", "Line": "model", "Page": "model", "Word": "model",
    "Corrected": "pipeline", "correct_document": "pipeline", "evaluation_text": "pipeline",
    "output_bytes": "pipeline", "reflowed_text": "pipeline",
}

__all__ = [
    "FORMATS", "Block", "Box", "Corrected", "Correction", "Document", "Glyph", "Line", "Page", "Reflowed", "Word",
    "apply_edits", "char_confidences", "correct_document", "detect_format", "evaluation_text", "output_bytes", "parse_document",
    "read_document", "reflow_document", "reflowed_text", "write_document",
]


__getattr__, __dir__ = lazy_attributes(__name__, _WHERE, __all__)
