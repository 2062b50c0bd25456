"""Safe reading and atomic writing of text files.

Reading never guesses silently: UTF-8 (with or without BOM) is accepted, anything else
is rejected with a message naming the likely encoding, unless the caller passes an
explicit ``encoding``. Binary, empty and oversized inputs are rejected, never truncated.
A gzip-compressed input (the Internet Archive's ``_abbyy.gz``, ``_chocr.html.gz``) is read as
what it holds, and an output whose name ends in ``.gz`` is written gzip-compressed.
"""
from __future__ import annotations

import errno
import gzip
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError
from .settings import MAX_INPUT_BYTES

STDIO = "-"
_BINARY_CONTROL_SHARE = 0.01  # share of C0 control bytes (besides \t\n\r\f) that marks binary


def check_input(source: str | Path, max_bytes: int) -> Path:
    """``source`` as a path, if it names a file of at most ``max_bytes`` (else the one-line error
    :func:`read_bytes` would give): checked before the work, without reading it."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a text file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path}: {size:,} bytes is larger than the {max_bytes:,}-byte limit; split it into pages")
    return path


def read_bytes(source: str | Path, max_bytes: int) -> bytes:
    """The bytes of a file (``-`` = stdin), at most ``max_bytes``: a larger input is refused,
    never truncated. Devices and pipes (``/dev/zero``) are read only up to the limit."""
    if str(source) == STDIO:
        if sys.stdin is None or sys.stdin.closed:
            raise InputError("<stdin>: standard input is closed; give a file or pipe text in")
        try:
            data = sys.stdin.buffer.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"<stdin>: cannot read ({exc.strerror or exc})") from None
        name = "<stdin>"
    else:
        path = check_input(source, max_bytes)
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        name = str(path)
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than the {max_bytes:,}-byte limit; split it into pages")
    return gunzipped(data, name, max_bytes)


GZIP_MAGIC = b"\x1f\x8b"


def gunzipped(data: bytes, name: str, max_bytes: int) -> bytes:
    """What gzip-compressed ``data`` holds (every member), refused past ``max_bytes`` once
    decompressed (never truncated) or when damaged; other data as it is."""
    if not data.startswith(GZIP_MAGIC):
        return data
    out, rest = b"", data
    try:
        while rest.startswith(GZIP_MAGIC):
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise InputError(f"{name}: larger than the {max_bytes:,}-byte limit once decompressed; split it into pages")
            if not inflater.eof:
                raise InputError(f"{name}: gzip data cut short")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise InputError(f"{name}: damaged gzip data ({exc})") from None
    return out


#: How files that are not OCR output open, what they are, and what to do instead.
_NOT_OCR_OUTPUT = (
    ((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x0cjP", b"GIF8", b"BM"),
     "an image: OCR it first, e.g. tesseract IMAGE OUT -l chi_sim hocr, and give OUT.hocr"),
    ((b"%PDF",), "a PDF: give its OCR as text, hOCR, ALTO or PAGE; a searchable PDF's text layer: pdftotext -layout FILE"),
    ((b"PK\x03\x04",), "a ZIP archive: unpack it first"),
)


def _binary_kind(data: bytes) -> str:
    """What a binary input is, when its first bytes say so (an image, a PDF, an archive), as advice."""
    return next((f" ({what})" for starts, what in _NOT_OCR_OUTPUT if data.startswith(starts)), "")


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = sum(1 for b in data[:65536] if b < 32 and b not in (9, 10, 12, 13))
    return controls > _BINARY_CONTROL_SHARE * min(len(data), 65536)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


#: Non-ASCII characters below which text that decodes as GB18030 and as Big5 is taken for GB18030:
#: on fewer than ten characters of news charset-normalizer takes most GB18030 for Big5 (from ten on
#: it tells them apart in 97–99 % of lines of either).
_BIG5_EVIDENCE = 10


def _guess_encoding(data: bytes) -> str | None:
    """The encoding a refused file's hint names: GB18030 where the bytes decode so, unless they are
    Big5 (traditional-character text; most Big5 bytes also decode as GB18030, to other characters),
    else whatever charset-normalizer finds."""
    gb18030 = _decodes(data, "gb18030")
    if gb18030 and (not _decodes(data, "big5")
                    or sum(ord(c) > 127 for c in data[:65536].decode("gb18030", "ignore")) < _BIG5_EVIDENCE):
        return "gb18030"
    from charset_normalizer import from_bytes  # only for the hint on a refused file: slow to import

    best = from_bytes(data[:65536], cp_isolation=["gb18030", "big5"] if gb18030 else None).best()
    return best.encoding if best is not None else "gb18030" if gb18030 else None


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
        raise InputError(f"{name}: looks like a binary file, not text{_binary_kind(data)}")
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
            subsets = " (GBK/GB2312 are subsets)" if guess == "gb18030" else ""
            hint = f"; it looks like {guess.upper()}{subsets}: " + remedy.format(encoding=guess) if guess else ""
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


def _file_identity(path: str) -> tuple[object, ...] | None:
    """What makes two paths the same file: (device, inode) of an existing regular file or
    directory, the resolved path of one not yet written; None for special files (a terminal
    or /dev/null may well be both an input and an output)."""
    try:
        info = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return ("inode", info.st_dev, info.st_ino)
    return None


def check_outputs(outputs: Iterable[tuple[str, str | Path | None]], inputs: Iterable[tuple[str, str | Path | None]]) -> None:
    """InputError before anything is written if an output is one of the inputs (the same file by
    path, symlink or hard link) or two outputs are the same file.

    ``outputs`` and ``inputs`` are (what it is, path) pairs, e.g. ``("--edits", "log.jsonl")``;
    None paths and ``-`` (stdio) are ignored.
    """
    seen_inputs: dict[tuple[object, ...], tuple[str, str]] = {}
    for role, path in inputs:
        if path is not None and str(path) != STDIO:
            key = _file_identity(str(path))
            if key is not None:
                seen_inputs.setdefault(key, (role, str(path)))
    seen_outputs: dict[tuple[object, ...], tuple[str, str]] = {}
    for role, path in outputs:
        if path is None or str(path) == STDIO:
            continue
        key = _file_identity(str(path))
        if key is None:
            continue
        if key in seen_inputs:
            other_role, other = seen_inputs[key]
            raise InputError(f"{path}: the output ({role}) is the input {other_role} {other}; "
                             "writing it would destroy the input: choose another output path")
        if key in seen_outputs:
            other_role, other = seen_outputs[key]
            raise InputError(f"{path}: the output ({role}) is also the output ({other_role}) {other}; "
                             "choose different output paths")
        seen_outputs[key] = (role, str(path))


def output_target(target: str | Path) -> Path:
    """Where writing ``target`` lands: a symlink's final target (the link itself stays a link),
    unless it leads to a special file (``/dev/stdout`` -> a pipe), which is opened as given."""
    path = Path(target)
    if not path.is_symlink() or (path.exists() and not path.is_file()):
        return path
    return Path(os.path.realpath(path))


class AtomicOutput:
    """An output file written in pieces: into a temporary file beside it (a short name, since the
    output's own may already be NAME_MAX long) that :meth:`commit` renames over the target and
    :meth:`discard` removes. ``-`` is stdout; a symlink's target is replaced (the link stays); a
    device or FIFO (``/dev/stdout``) is written through, never replaced by a regular file.
    Errors (a full disk, a directory in the way) are :class:`InputError` naming the file.
    """

    def __init__(self, target: str | Path, what: str = "output", binary: bool = False) -> None:
        self.name, self.what = str(target), what
        self._tmp: str | None = None
        self.path: Path | None = None
        self._stdout = self.name == STDIO
        if self._stdout:
            self.handle = sys.stdout.buffer if binary else sys.stdout
            return
        mode: dict[str, Any] = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
        path = output_target(target)
        if path.exists() and not path.is_file():
            if path.is_dir():
                raise InputError(f"{target}: is a directory, not an {what} file")
            self.handle = self._guard(lambda: open(path, **mode))
            return
        directory = path.parent if str(path.parent) else Path(".")
        make_output_dir(directory)
        fd, self._tmp = self._guard(lambda: tempfile.mkstemp(prefix=".ocrfix-", suffix=".tmp", dir=directory))
        self.path = path
        self.handle = os.fdopen(fd, **mode)

    def _guard(self, action):
        """``action()``, with an OSError turned into a one-line InputError (after :meth:`discard`)."""
        try:
            return action()
        except BrokenPipeError:
            raise  # a reader that stopped early (| head) is not an error of the output
        except OSError as exc:
            self.discard()
            raise InputError(f"{self.name}: cannot write the {self.what} ({os_reason(exc)})") from None

    def write(self, data: str | bytes) -> None:
        self._guard(lambda: self.handle.write(data))

    def commit(self) -> None:
        """Finish: flush, and rename the temporary file into place with the mode a plain
        ``open(path, "w")`` would give (mkstemp creates 0600 files)."""
        def finish() -> None:
            if self._stdout:
                self.handle.flush()
                return
            self.handle.close()
            if self._tmp is not None and self.path is not None:
                os.chmod(self._tmp, _new_file_mode(self.path))
                os.replace(self._tmp, self.path)
                self._tmp = None
        self._guard(finish)

    def discard(self) -> None:
        """Drop what was written (nothing is left behind); harmless after :meth:`commit`."""
        handle = getattr(self, "handle", None)
        if handle is not None and not getattr(self, "_stdout", False):
            try:
                handle.close()
            except OSError:
                pass  # a full disk fails the flush of a file that is removed anyway
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write ``text`` to ``target`` (``-`` = stdout) via a temporary file and a rename
    (:class:`AtomicOutput`); a missing output directory is created (:func:`make_output_dir`).

    A crash, a full disk or a signal never leaves a partial output or temporary file behind.
    A file whose name ends in ``.gz`` gets the text gzip-compressed.
    """
    if is_gzip_name(target):
        write_bytes_atomic(target, encoded_output(target, text))
        return
    out = AtomicOutput(target)
    try:
        out.write(text)
        out.commit()
    finally:
        out.discard()


def is_gzip_name(target: str | Path) -> bool:
    return str(target) != STDIO and str(target).endswith(".gz")


def encoded_output(target: str | Path, text: str) -> bytes:
    """The bytes of an output file: the text in UTF-8, gzip-compressed where the name ends in ``.gz``
    (with no time stamp in the header, so one input gives one output byte for byte)."""
    data = text.encode("utf-8")
    return gzip.compress(data, mtime=0) if is_gzip_name(target) else data


def write_bytes_atomic(target: str | Path, data: bytes, what: str = "output") -> None:
    """:func:`write_text_atomic` for bytes (a model file: an ``.npz`` array archive, a pickle)."""
    out = AtomicOutput(target, what, binary=True)
    try:
        out.write(data)
        out.commit()
    finally:
        out.discard()


def os_reason(exc: OSError) -> str:
    """The cause of a failed write in words, with a hint for a full disk."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{exc.strerror}: free some space or write elsewhere"
    return exc.strerror or str(exc)
