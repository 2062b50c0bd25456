"""The corrector: candidates, features, scoring, decoding, edits (see docs/correct.md).

``ocrfix.correct`` is both this subpackage and the convenience function of the package API
(``ocrfix.correct(text)``). Importing a submodule binds the subpackage to the parent's
``correct`` attribute, replacing the function, so the subpackage module itself is made
callable and forwards to :func:`ocrfix.correct_text`.
"""
from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, text: str, reflow: bool = True, **options: Any) -> Any:
        from .. import correct_text

        return correct_text(text, reflow=reflow, **options)


sys.modules[__name__].__class__ = _CallableModule
