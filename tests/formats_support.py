"""Shared by tests/test_formats*.py: an edit shaped like ocrfix.correct's Edit, and the PAGE schema output is validated against."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from lxml import etree


class Edit(NamedTuple):
    input_offset: int
    original: str
    replacement: str
    gain: float = 0.9
    sources: tuple[str, ...] = ("visual",)

    @property
    def offset(self) -> int:
        return self.input_offset


def page_schema() -> etree.XMLSchema:
    """PRImA's PAGE 2019-07-15 schema (tests/data/schemas/README.md: where it comes from, its license)."""
    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "schemas" / "pagecontent-2019-07-15.xsd")))
