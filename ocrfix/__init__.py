"""ocrfix: post-correction of Chinese newspaper OCR.

Public API:
  reflow(text) -> str                          column-wrapped OCR -> one paragraph per line
  correct(text, reflow=True, **options) -> Result
                                               reflow + noisy-channel correction (default models)
  Corrector(**options)                         loads the LM, confusion sets and weights once
  Result(text, edits, source), Edit, replay(source, edits) -> text
  evaluate(gt, hyp, ocr=None, ...) -> EvalReport

The subpackages ``ocrfix.correct`` and ``ocrfix.evaluate`` and the module ``ocrfix.reflow`` share
their names with these functions. They are imported here first, so the package attributes are
the functions; ``from ocrfix.evaluate import aligned_pairs`` and the like still import from the
modules.
"""
from __future__ import annotations

from typing import Any

from .correct.corrector import Corrector, Result
from .correct.edits import Edit, replay
from .evaluate import EvalReport, evaluate
from .reflow import reflow

__version__ = "0.1.0"
__all__ = ["Corrector", "Edit", "EvalReport", "Result", "correct", "evaluate", "reflow", "replay"]

_CORRECTORS: dict[tuple, Corrector] = {}


def correct(text: str, reflow: bool = True, **options: Any) -> Result:
    """Reflow and correct ``text`` with the default models (or ``Corrector(**options)``).

    The corrector for a given set of options is built once per process and reused.
    """
    key = tuple(sorted((k, v if isinstance(v, (str, int, float, bool, type(None))) else id(v)) for k, v in options.items()))
    corrector = _CORRECTORS.get(key)
    if corrector is None:
        corrector = _CORRECTORS[key] = Corrector(**options)
    return corrector.correct(text, reflow=reflow)
