"""Safe reading and atomic writing of text files.

Reading never guesses silently: UTF-8 (with or without BOM) is accepted, anything else
is rejected with a message naming the likely encoding, unless the caller passes an
explicit ``encoding``. Binary, empty and oversized inputs are rejected, never truncated.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
from .settings import MAX_INPUT_BYTES

STDIO = "-"
_BINARY_CONTROL_SHARE = 0.01  # share of C0 control bytes (besides \t\n\r\f) that marks binary


def read_bytes(source: str | Path, max_bytes: int) -> bytes:
    if str(source) == STDIO:
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a text file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is larger than the {max_bytes:,}-byte limit; split it into pages")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        name = str(path)
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than the {max_bytes:,}-byte limit; split it into pages")
    return data


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = sum(1 for b in data[:65536] if b < 32 and b not in (9, 10, 12, 13))
    return controls > _BINARY_CONTROL_SHARE * min(len(data), 65536)


def _guess_encoding(data: bytes) -> str | None:
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def describe_non_utf8(data: bytes) -> str | None:
    """What bytes that are not UTF-8 look like ("a binary file", "UTF-16 text", "GB18030 text"), or None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 text"
    if _looks_binary(data):
        return "a binary file"
    guess = _guess_encoding(data)
    return f"{guess.upper()} text" if guess else None


#: How to get past a non-UTF-8 input: commands with ``--encoding`` say so; others (files whose
#: format is defined as UTF-8, such as confusion TSVs) ask for a conversion.
PASS_ENCODING = "pass --encoding {encoding}"
CONVERT_TO_UTF8 = "convert it to UTF-8 (iconv -f {encoding} -t utf-8)"


def decode_text(data: bytes, name: str, encoding: str | None = None, remedy: str = PASS_ENCODING) -> str:
    """Decode ``data`` (from a file called ``name``) or raise :class:`InputError`.

    ``remedy`` is the advice given for a file in another encoding (``{encoding}`` is filled in).
    """
    if not encoding and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{name}: UTF-16 text, not UTF-8: " + remedy.format(encoding="utf-16"))
    if _looks_binary(data) and not (encoding and encoding.lower().replace("-", "").startswith("utf16")):
        raise InputError(f"{name}: looks like a binary file, not text")
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{name}: cannot decode as {encoding} ({exc})") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            guess = _guess_encoding(data)
            hint = f"; it looks like {guess.upper()} (GBK/GB2312 are subsets): " + remedy.format(encoding=guess) if guess else ""
            raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}){hint}") from None
    if not text.strip():
        raise InputError(f"{name}: empty file (no text)")
    return text


def read_text(
    source: str | Path, encoding: str | None = None, max_bytes: int = MAX_INPUT_BYTES, remedy: str = PASS_ENCODING
) -> str:
    """Read a whole text file (or ``-`` for stdin) as a string; raise :class:`InputError` if unusable."""
    name = "<stdin>" if str(source) == STDIO else str(source)
    return decode_text(read_bytes(source, max_bytes), name, encoding, remedy)


def _new_file_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give (mkstemp creates 0600 files)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def make_output_dir(directory: str | Path) -> None:
    """Create an output directory (and its parents); InputError if that fails or it is not writable."""
    directory = Path(directory)
    existing = next((d for d in (directory, *directory.parents) if d.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"{existing}: is not a directory, cannot hold output {directory}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create output directory ({exc.strerror})") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputError(f"{directory}: output directory is not writable")


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write ``text`` to ``target`` (``-`` = stdout) via a temporary file and a rename; a missing
    output directory is created (:func:`make_output_dir`).

    A crash or error never leaves a partial output file behind.
    """
    if str(target) == STDIO:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target)
    directory = path.parent if str(path.parent) else Path(".")
    make_output_dir(directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
