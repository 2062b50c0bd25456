"""ocrfix: post-correction of Chinese newspaper OCR.

Public API:
  reflow(text) -> str                          column-wrapped OCR -> one paragraph per line
  correct(text, reflow=True, **options) -> Result
                                               reflow + noisy-channel correction (default models)
  Corrector(**options)                         loads the LM, confusion sets and weights once
  Result(text, edits, source), Edit, replay(source, edits) -> text
  evaluate(gt, hyp, ocr=None, ...) -> EvalReport

The runtime pipeline is in the modules ``text_reflow`` (column-wrapped lines -> paragraphs),
``segment``, ``correction`` (the corrector), ``confusions`` and ``lm`` (the models it loads),
``formats``, ``evaluation`` and ``batch``; ``training`` builds the models and is never imported
by the runtime. The names above are imported on first use, so that ``import ocrfix`` and
``ocrfix --help`` load none of the corrector's libraries (numpy, scipy, kenlm).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lazy import lazy_attributes

if TYPE_CHECKING:
    from .correction.corrector import Corrector, Result
    from .correction.edits import Edit, replay
    from .evaluation import EvalReport, evaluate
    from .text_reflow import reflow

__version__ = "0.1.0"
__all__ = ["Corrector", "Edit", "EvalReport", "Result", "correct", "evaluate", "reflow", "replay"]

#: public name -> the module it is imported from on first use
_LAZY = {"Corrector": "correction.corrector", "Result": "correction.corrector", "Edit": "correction.edits",
         "replay": "correction.edits", "EvalReport": "evaluation", "evaluate": "evaluation", "reflow": "text_reflow"}
_CORRECTORS: dict[tuple, "Corrector"] = {}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)


def correct(text: str, reflow: bool = True, **options: Any) -> "Result":
    """Reflow and correct ``text`` with the default models (or ``Corrector(**options)``).

    The corrector for a given set of options is built once per process and reused.
    """
    key = tuple(sorted((k, v if isinstance(v, (str, int, float, bool, type(None))) else id(v)) for k, v in options.items()))
    corrector = _CORRECTORS.get(key)
    if corrector is None:
        from .correction.corrector import Corrector

        corrector = _CORRECTORS[key] = Corrector(**options)
    return corrector.correct(text, reflow=reflow)
