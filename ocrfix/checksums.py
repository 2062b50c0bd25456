"""Checksums of model files, checked when a model is loaded.

A damaged KenLM binary (a few overwritten bytes in its trie) crashes KenLM's C++ loader or
look-ups with a segmentation fault, or silently changes scores. So a model directory carries
``checksums.json`` (SHA-256 and size of every file under it, written by
``ocrfix lm checksums DIR``), and :func:`verify_model` checks a file against the nearest
``checksums.json`` in its directory or the two above before any loader touches it. Hashing the
77 MB LM takes ~0.25 s, so a verified (path, size, mtime) is remembered in
``$XDG_CACHE_HOME/ocrfix/verified.json`` and later start-ups pay only a ``stat``.

Files no ``checksums.json`` lists (a model you trained yourself) are not checked here; the
loaders still validate their headers and shapes.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .errors import ModelError
from .settings import load_settings

MANIFEST = "checksums.json"
#: Files of a model directory that are documentation, not models.
_NOT_MODELS = {MANIFEST, "README.md"}
#: How many directories above a model file are searched for a ``checksums.json``.
_LEVELS = 3


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_checksums(directory: str | Path) -> Path:
    """Write ``DIR/checksums.json``: ``{"files": {relative path: {"sha256", "size"}}}`` of every
    regular file under ``directory`` (documentation and hidden files excepted)."""
    directory = Path(directory)
    files = {
        path.relative_to(directory).as_posix(): {"sha256": file_sha256(path), "size": path.stat().st_size}
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name not in _NOT_MODELS and not path.name.startswith(".")
    }
    from .textio import write_text_atomic

    out = directory / MANIFEST
    write_text_atomic(out, json.dumps({"files": files}, indent=1, sort_keys=True) + "\n")
    return out


def _listing(path: Path) -> tuple[Path, dict[str, object]] | None:
    """(manifest, entry) of the nearest ``checksums.json`` that lists ``path``, or None."""
    for directory in list(path.parents)[:_LEVELS]:
        manifest = directory / MANIFEST
        if not manifest.is_file():
            continue
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{manifest}: unreadable checksum list ({exc}); regenerate it: "
                             f"ocrfix lm checksums {directory}") from None
        entry = files.get(path.relative_to(directory).as_posix())
        if entry is not None:
            return manifest, entry
    return None


_VERIFIED: dict[str, tuple[int, int, str]] = {}  # this process's verified files


def _cache_file() -> Path:
    return load_settings().cache_dir / "verified.json"


def _read_cache() -> dict[str, list[object]]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _remember(key: str, size: int, mtime: int, digest: str) -> None:
    """Record a verified file in the process and on disk (best effort: a read-only home is fine)."""
    _VERIFIED[key] = (size, mtime, digest)
    cache = _read_cache()
    cache[key] = [size, mtime, digest]
    target = _cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".verified-", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(cache, fh)
        os.replace(tmp, target)
    except OSError:
        pass


TAB = "\t"


def model_rows(path: str | Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated fields) of every line of a model TSV but blank and ``#`` lines,
    after :func:`verify_model`."""
    from .textio import read_text

    verify_model(path)
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if line and not line.startswith("#"):
            yield number, line.split(TAB)


def write_model_rows(path: str | Path, comments: Iterable[str], format_line: str, rows: Iterable[Sequence[object]]) -> None:
    """Write a model TSV that :func:`model_rows` reads back: ``comments`` and ``format_line`` as
    ``#`` lines, then one tab-separated line per row (atomically)."""
    from .textio import write_text_atomic

    lines = [f"# {line}" for line in (*comments, format_line)]
    lines += [TAB.join(map(str, row)) for row in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


def verify_model(path: str | Path) -> None:
    """ModelError if ``path`` is listed in a ``checksums.json`` and its size or SHA-256 differ."""
    path = Path(path).resolve()
    found = _listing(path)
    if found is None:
        return
    manifest, entry = found
    info = path.stat()
    if info.st_size != entry.get("size"):
        raise ModelError(f"{path}: damaged model file: {info.st_size:,} bytes where {manifest} lists {entry.get('size')}; "
                         "reinstall it (or, if you replaced it on purpose: ocrfix lm checksums "
                         f"{manifest.parent})")
    key, expected = str(path), entry.get("sha256")
    known = _VERIFIED.get(key) or tuple(_read_cache().get(key, ()))
    if known == (info.st_size, info.st_mtime_ns, expected):
        return
    digest = file_sha256(path)
    if digest != expected:
        raise ModelError(f"{path}: damaged model file: its SHA-256 differs from the one in {manifest}; "
                         f"reinstall it (or, if you replaced it on purpose: ocrfix lm checksums {manifest.parent})")
    _remember(key, info.st_size, info.st_mtime_ns, digest)
