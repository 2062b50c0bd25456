"""ocrfix: post-correction of Chinese newspaper OCR.

Public API:
  reflow(text) -> str                          column-wrapped OCR -> one paragraph per line
  correct(text, reflow=True, **options) -> Result
                                               reflow + noisy-channel correction (default models)
  Corrector(**options)                         loads the LM, confusion sets and weights once
  Result(text, edits, source, blocks), Edit, replay(source, edits) -> text
  apply_log(data, name, edits, corrector) -> Applied
                                               a file's output with the (reviewed) edits of its log only
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
    from .review import apply_log
    from .text_reflow import reflow

__version__ = "0.1.0"
__all__ = ["Corrector", "Edit", "EvalReport", "Result", "apply_log", "correct", "evaluate", "reflow", "replay"]

#: public name -> the module it is imported from on first use
_LAZY = {"Corrector": "correction.corrector", "Result": "correction.corrector", "Edit": "correction.edits",
         "replay": "correction.edits", "apply_log": "review", "EvalReport": "evaluation", "evaluate": "evaluation", "reflow": "text_reflow"}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)

#: Correctors built by :func:`correct`, by their options. An entry also holds the option values
#: themselves: an unhashable one (a loaded model) is keyed by its id(), which stays its own while
#: the entry keeps the object alive.
_CORRECTORS: dict[tuple, tuple["Corrector", tuple[Any, ...]]] = {}


def _key_part(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_key_part(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return value


def correct(text: str, reflow: bool = True, **options: Any) -> "Result":
    """Reflow and correct ``text`` with the default models (or ``Corrector(**options)``).

    The corrector for a given set of options is built once per process and reused.
    """
    key = tuple(sorted((name, _key_part(value)) for name, value in options.items()))
    entry = _CORRECTORS.get(key)
    if entry is None:
        from .correction.corrector import Corrector

        entry = _CORRECTORS[key] = (Corrector(**options), tuple(options.values()))
    return entry[0].correct(text, reflow=reflow)
