"""ocrfix: post-correction of Chinese newspaper OCR.

Public API (imported lazily so ``import ocrfix`` stays cheap):
  reflow(text) -> str                       column-wrapped OCR -> paragraphs
  correct(text, ...) -> Result              reflow + noisy-channel correction
  Corrector                                 loads the LM and confusion sets once
  evaluate(gt, hyp, ocr=None, ...) -> report
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .correct.corrector import Corrector, Result
    from .evaluate import evaluate
    from .reflow import reflow

_LAZY = {
    "Corrector": ("ocrfix.correct.corrector", "Corrector"),
    "Result": ("ocrfix.correct.corrector", "Result"),
    "Edit": ("ocrfix.correct.edits", "Edit"),
    "replay": ("ocrfix.correct.edits", "replay"),
    "reflow": ("ocrfix.reflow", "reflow"),
    "evaluate": ("ocrfix.evaluate", "evaluate"),
}
_CORRECTORS: dict[tuple, Any] = {}

__all__ = ["Corrector", "Edit", "Result", "correct", "correct_text", "evaluate", "reflow", "replay"]


def __getattr__(name: str) -> Any:
    if name == "correct":  # the callable subpackage (see ocrfix/correct/__init__.py)
        import importlib

        return importlib.import_module("ocrfix.correct")
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'ocrfix' has no attribute {name!r}")


def correct_text(text: str, reflow: bool = True, **options: Any) -> "Result":
    """Reflow and correct ``text`` with the default models (or ``Corrector(**options)``).

    The corrector for a given set of options is built once per process and reused. Also
    available as ``ocrfix.correct(text, ...)`` (see ``ocrfix/correct/__init__.py``).
    """
    from .correct.corrector import Corrector

    key = tuple(sorted((k, v if isinstance(v, (str, int, float, bool, type(None))) else id(v)) for k, v in options.items()))
    corrector = _CORRECTORS.get(key)
    if corrector is None:
        corrector = _CORRECTORS[key] = Corrector(**options)
    return corrector.correct(text, reflow=reflow)
