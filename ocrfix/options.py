"""What a correction run is asked to do, as one typed value passed from the CLI (or an API
caller) to :mod:`ocrfix.batch` and its worker processes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from .correction.corrector import Corrector


@dataclass(frozen=True)
class CorrectOptions:
    """The models (``None``: the shipped default), the corrector's settings and the file handling.

    ``threshold``: minimum calibrated probability of an edit on every text (``None``: the
    weights' own, with their noisy-scan and clean-print thresholds); ``keep``: words never
    edited; ``rules``: apply the symbol rules; ``reflow``: join column-wrapped lines of plain
    text first; ``encoding``: of the input files (``None``: UTF-8 only); ``input_format`` /
    ``output_format``: one of :data:`ocrfix.formats.FORMATS` (``None``: detected / the input's own);
    ``profile``: the engine profile, a name under ``models/profiles`` or a directory (``None``: the
    shipped default, ``tesseract``); the model paths above override its files.
    """

    model: str | None = None
    confusions: tuple[str, ...] | None = None
    weights: str | None = None
    misread: str | None = None
    threshold: float | None = None
    keep: frozenset[str] = frozenset()
    rules: bool = True
    reflow: bool = True
    encoding: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    profile: str | None = None

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputError("--threshold must be between 0 and 1")

    def corrector(self) -> "Corrector":
        """The corrector these options describe (loads its models)."""
        from .correction.corrector import Corrector

        return Corrector(model=self.model, confusions=self.confusions, weights=self.weights, misread=self.misread,
                         threshold=self.threshold, keep=self.keep, rules=self.rules, profile=self.profile)
