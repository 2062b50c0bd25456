"""Inputs and outputs as fsspec URLs (``s3://bucket/page.txt`` with s3fs installed, ``memory://``...).

Archives keep pages in object stores; the batch reads and writes them through fsspec (the
``dask`` extra). ``file://`` URLs are plain local paths (:func:`local_path`), which keep the
atomic rename of local outputs; on an object store a written object appears whole or not at all.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from .errors import InputError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def local_path(path: str) -> str:
    """``file:///x/y`` -> ``/x/y``; anything else unchanged."""
    return unquote(path[len("file://"):]) if path.startswith("file://") else path


def is_url(path: str) -> bool:
    """A URL of a file system other than the local one."""
    return bool(_URL.match(path)) and not path.startswith("file://")


def _fs(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise InputError(f"{url}: URLs need fsspec: pip install 'ocrfix[dask]'") from None
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise InputError(f"{url}: {exc}") from None


def read_url(url: str, max_bytes: int) -> bytes:
    fs, path = _fs(url)
    try:
        size = fs.size(path)
        if size is not None and size > max_bytes:
            raise InputError(f"{url}: {size:,} bytes is larger than the {max_bytes:,}-byte limit; split it into pages")
        from .textio import gunzipped

        return gunzipped(fs.cat_file(path), url, max_bytes)
    except FileNotFoundError:
        raise InputError(f"{url}: no such file") from None
    except OSError as exc:
        raise InputError(f"{url}: cannot read ({exc})") from None


def write_url(url: str, data: bytes) -> None:
    """Write one object in one request (whole or not at all)."""
    fs, path = _fs(url)
    try:
        fs.pipe_file(path, data)
    except OSError as exc:
        raise InputError(f"{url}: cannot write ({exc})") from None


def url_exists(url: str) -> bool:
    fs, path = _fs(url)
    return bool(fs.exists(path))
