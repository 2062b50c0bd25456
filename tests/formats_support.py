"""Shared by tests/test_formats*.py: an edit shaped like ocrfix.correct's Edit."""
from __future__ import annotations

from typing import NamedTuple


class Edit(NamedTuple):
    input_offset: int
    original: str
    replacement: str
    gain: float = 0.9
    sources: tuple[str, ...] = ("visual",)

    @property
    def offset(self) -> int:
        return self.input_offset
