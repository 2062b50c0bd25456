"""`ocrfix correct` (placeholder until its issue lands; the owning helper replaces this file)."""
from __future__ import annotations

import argparse

from ..errors import OcrfixError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("correct", help="(not built yet)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    raise OcrfixError("'ocrfix correct' is not built yet")
