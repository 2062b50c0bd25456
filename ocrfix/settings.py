"""The one place for paths and defaults.

Everything is read from the environment once, in :func:`load_settings`, and only at the
edges: the CLI, the benchmarks, the training commands, and the public entry points that fill in
the default models (``Corrector()`` / ``ocrfix.correct()`` given no model). Everything below them
takes explicit paths.

Environment variables:
  OCRFIX_DATA       shared data directory (default: ``<repo>/../shared/data``)
  OCRFIX_KENLM_BIN  directory holding ``lmplz`` and ``build_binary`` (default: ``<repo>/build/kenlm/bin``)
  OCRFIX_MODELS     directory of the default models (default: ``<repo>/models``)
  OCRFIX_PROFILE    engine profile of inputs that do not name their OCR software: plain text, and
                    hOCR/ALTO/PAGE without it (default: the profile whose engine's habits the
                    text shows, else ``tesseract``; see :mod:`ocrfix.profiles`)
  XDG_CACHE_HOME    where ``ocrfix/verified.json`` remembers verified model checksums (default: ``~/.cache``)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Largest input file read as a page (bytes); larger inputs are rejected, not truncated.
MAX_INPUT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    kenlm_bin: Path
    models_dir: Path
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "ocrfix")
    default_profile: str | None = None  # None: the shipped models as they are (the tesseract profile)

    @property
    def default_lm(self) -> Path:
        return self.models_dir / "lm" / "news.klm"

    @property
    def confusions_dir(self) -> Path:
        return self.models_dir / "confusions"

    @property
    def build_dir(self) -> Path:
        return PROJECT_ROOT / "build"


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    env = os.environ
    return Settings(
        data_dir=Path(env.get("OCRFIX_DATA", PROJECT_ROOT.parent / "shared" / "data")),
        kenlm_bin=Path(env.get("OCRFIX_KENLM_BIN", PROJECT_ROOT / "build" / "kenlm" / "bin")),
        models_dir=Path(env.get("OCRFIX_MODELS", PROJECT_ROOT / "models")),
        cache_dir=Path(env.get("XDG_CACHE_HOME") or Path(env.get("HOME", "/tmp")) / ".cache") / "ocrfix",
        default_profile=env.get("OCRFIX_PROFILE") or None,
    )
