"""Locating and running KenLM's command-line estimators (``lmplz``, ``build_binary``).

Only training needs them; querying goes through the ``kenlm`` Python module.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ...errors import ToolMissingError

TOOL_NAMES = ("lmplz", "build_binary")


@dataclass(frozen=True)
class KenlmTools:
    lmplz: Path
    build_binary: Path


def find_tools(bin_dir: Path) -> KenlmTools:
    """The KenLM tools in ``bin_dir``; ToolMissingError (with the fix) when one is absent."""
    paths = {name: bin_dir / name for name in TOOL_NAMES}
    missing = [name for name, path in paths.items() if not (path.is_file() and os.access(path, os.X_OK))]
    if missing:
        raise ToolMissingError(
            f"KenLM {' and '.join(missing)} not found in {bin_dir}: run 'bash install.sh' to build them "
            "(or point OCRFIX_KENLM_BIN at a directory holding lmplz and build_binary)")
    return KenlmTools(**paths)


def run_tool(args: list[str], stdin_path: Path | None = None, stdout_path: Path | None = None,
             log_path: Path | None = None) -> tuple[int, str]:
    """Run a tool at lower CPU priority; return (exit code, its stderr text).

    stderr goes to ``log_path`` (if given) so a long run leaves a log behind.
    """
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        proc = subprocess.run(args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                              preexec_fn=lambda: os.nice(5), check=False)
    except OSError as exc:
        raise ToolMissingError(f"cannot run {args[0]}: {exc.strerror or exc}") from exc
    finally:
        for fh in (stdin, stdout):
            if hasattr(fh, "close"):
                fh.close()
    err = proc.stderr.decode("utf-8", errors="replace")
    if log_path is not None:
        log_path.write_text(err, encoding="utf-8")
    return proc.returncode, err
