"""Correction systems compared by the benchmark, behind one interface.

A system turns reflowed text (one paragraph or sentence per line) into corrected text; for a
page, a system that reflows pages itself may take the OCR as the engine wrote it (``raw``) instead,
as ``ocrfix correct`` does: its output is then the corrected reflow of ``raw``, whose reflow is
``text``. Specs:
  ``ocrfix[:P]``        ocrfix's :class:`~ocrfix.Corrector` with the shipped models and engine profile ``P``
                        (default: ``tesseract``, the profile of text whose habits pick no other)
  ``ocrfix:auto``       the profile ``ocrfix correct`` gives plain text that names no engine: the one
                        its habits pick (:func:`ocrfix.profiles.pick_profile_for_text`), else ``tesseract``
  ``pycorrector:T``     pycorrector 1.1.4's KenLM ``Corrector`` on the same LM, threshold ``T``
  ``none``              identity (the raw OCR; a plumbing check)
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from ocrfix.errors import ModelError, ToolMissingError
from ocrfix.profiles import DEFAULT_PROFILE
from ocrfix.settings import load_settings

PYCORRECTOR_VERSION = "1.1.4"


class System(Protocol):
    name: str

    def correct(self, text: str, raw: str | None = None) -> str: ...


@dataclass(frozen=True)
class Identity:
    name: str = "none"

    def correct(self, text: str, raw: str | None = None) -> str:
        return text


@dataclass(frozen=True)
class Ocrfix:
    corrector: Any
    name: str = "ocrfix"

    def correct(self, text: str, raw: str | None = None) -> str:
        if raw is not None:  # the page's line ends are evidence too (marks lost there)
            return self.corrector.correct(raw).text
        return self.corrector.correct(text, reflow=False).text


class HabitCorrectors:
    """A corrector per shipped profile, sharing one LM, built once each: for a text, the one its
    habits pick (:func:`ocrfix.profiles.pick_profile_for_text`), as ``ocrfix correct`` does for text
    that names no engine."""

    def __init__(self, options: Any) -> None:  # options: the CorrectOptions that build each corrector
        self.options = options
        self.correctors = {DEFAULT_PROFILE: options.corrector(DEFAULT_PROFILE)}

    def for_text(self, text: str) -> tuple[Any, Any]:
        """The corrector for ``text`` and the habit pick (None: the default profile)."""
        from ocrfix.profiles import pick_profile_for_text

        picked = pick_profile_for_text(text, load_settings().models_dir, DEFAULT_PROFILE)
        profile = picked.profile if picked else DEFAULT_PROFILE
        if profile not in self.correctors:
            self.correctors[profile] = self.options.corrector(profile, like=self.correctors[DEFAULT_PROFILE])
        return self.correctors[profile], picked


@dataclass(frozen=True)
class OcrfixByHabits:
    """Each text corrected by the profile its habits pick (:class:`HabitCorrectors`)."""

    correctors: HabitCorrectors
    name: str = "ocrfix:auto"

    def correct(self, text: str, raw: str | None = None) -> str:
        corrector, _ = self.correctors.for_text(raw if raw is not None else text)
        return Ocrfix(corrector).correct(text, raw)


def _by_habits(lm: Path) -> OcrfixByHabits:
    from ocrfix.options import CorrectOptions

    return OcrfixByHabits(HabitCorrectors(CorrectOptions(model=str(lm))))


@dataclass(frozen=True)
class Pycorrector:
    corrector: Any
    threshold: float
    name: str

    def correct(self, text: str, raw: str | None = None) -> str:
        return "\n".join(self.corrector.correct(line, threshold=self.threshold)["target"] for line in text.split("\n"))


def pycorrector_available() -> bool:
    return importlib.util.find_spec("pycorrector") is not None


def _pycorrector_module() -> types.ModuleType:
    """``pycorrector.corrector`` without running the package ``__init__`` (which imports torch):
    register an empty package module so only the KenLM corrector's own imports run."""
    spec = importlib.util.find_spec("pycorrector")
    if spec is None or not spec.submodule_search_locations:
        raise ToolMissingError(f"pycorrector not installed (pip install --no-deps pycorrector=={PYCORRECTOR_VERSION} jieba loguru pyahocorasick six)")
    if "pycorrector" not in sys.modules:
        package = types.ModuleType("pycorrector")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["pycorrector"] = package
    module = importlib.import_module("pycorrector.corrector")
    from loguru import logger

    logger.remove()  # it logs every sentence at DEBUG level
    return module


def _load_pycorrector(lm: Path) -> Any:
    corrector = _pycorrector_module().Corrector(language_model_path=str(lm))
    corrector.correct("今天的会议在北京召开。")  # it loads jieba, the LM and its dictionaries lazily
    return corrector


def build(spec: str, lm: Path | None = None) -> System:
    """The system named by ``spec`` (see the module docstring)."""
    lm = lm or load_settings().default_lm
    name, _, arg = spec.partition(":")
    factories: dict[str, Callable[[], System]] = {
        "none": Identity,
        "ocrfix": lambda: _by_habits(lm) if arg == "auto" else Ocrfix(
            importlib.import_module("ocrfix.correction.corrector").Corrector(model=lm, profile=arg or DEFAULT_PROFILE), spec),
        "pycorrector": lambda: Pycorrector(_load_pycorrector(lm), float(arg or 57), spec),
    }
    if name not in factories:
        raise ModelError(f"unknown system {spec!r} (have: {', '.join(factories)})")
    if name == "pycorrector" and not lm.is_file():
        raise ModelError(f"{lm}: language model not found")
    return factories[name]()
