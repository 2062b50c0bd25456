"""A reviewed edit log put back onto the inputs it was made from (``ocrfix apply``).

``ocrfix correct --edits LOG`` records each edit against the reflowed input (``input_offset``
into ``Result.source``, the text of a structured file's geometry reflow), not against the file.
:func:`apply_log` reflows the file again as the run did (the same models, profile and options:
the plain reflow asks the LM where its rules cannot decide), checks that every edit kept reads
its ``original`` there, and replays them: the whole log gives the run's output byte for byte; an
edit left out leaves the OCR reading at its place and nothing else changed. Each edit stands on
its own input offset (:func:`~ocrfix.correction.edits.apply_changes`), replayed in the order of
the run's output, so leaving out one of two that touch (an insertion beside a substitution)
leaves the other as the run made it. :func:`checked_source` is that reflowed input, the edits
checked, for the review page (:mod:`ocrfix.review_html`, ``ocrfix review``).

An archive's log is not held: :func:`index_edit_log` reads it once as a stream, checking every
line, and keeps where each file's records are (:class:`LogPart`: byte offsets), and
:func:`read_log_part` reads one file's edits back where the file is applied (and
:func:`read_part_records` the records of a file a sample drew, ``ocrfix review --sample``);
:func:`stream_log_records` reads the records as a stream (``ocrfix review --estimate``'s counts).
"""
from __future__ import annotations

import codecs
import contextlib
import gzip
import json
import os
import stat
import sys
import zlib
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence, TypeVar

from .correction.edits import Edit, replay
from .errors import InputError
from .formats.edits import apply_edits
from .formats.layout import reflow_document
from .formats.pipeline import Corrected, output_bytes, parse_input
from .options import CorrectOptions
from .textio import GZIP_MAGIC, STDIO, check_input, read_text

if TYPE_CHECKING:
    from .correction.corrector import Corrector
    from .formats.model import Document
    from .formats.layout import Reflowed

#: The corrector a file is reflowed with, from the OCR software it names (None: none, or plain
#: text) and its text: the run's, or the profile the file picks (``batch.document_corrector``).
CorrectorFor = Callable[[str | None, Callable[[], str]], "Corrector"]


@dataclass(frozen=True)
class EditFilter:
    """The edits of a log a reviewer keeps: those with a gain of at least ``min_gain`` (None: any)
    that some source other than ``drop_sources`` proposed (a name without ``:`` also stands for its
    family: ``rule`` for every ``rule:...``). An edit of the confusion sets ``visual`` and ``sheets``
    stays when only ``sheets`` is dropped."""

    min_gain: float | None = None
    drop_sources: frozenset[str] = frozenset()

    def keeps(self, edit: Edit) -> bool:
        if self.min_gain is not None and edit.gain < self.min_gain:
            return False
        return not (self.drop_sources and edit.sources and all(map(self._dropped, edit.sources)))

    def _dropped(self, source: str) -> bool:
        return source in self.drop_sources or source.split(":", 1)[0] in self.drop_sources


class LogRecord(NamedTuple):
    """One record of an edits log: the file it belongs to (None: stdin), its edit and its JSON line
    as the log has it (a reviewed log keeps the lines of the edits kept, as they were)."""

    file: str | None
    edit: Edit
    line: str


def read_log_records(path: str) -> list[LogRecord]:
    """The records of an edits log (``ocrfix correct --edits``) in the log's order, blank lines
    left out: :class:`InputError` naming the first line that is no edit record."""
    return [LogRecord(*_log_record(line, path, number), line)
            for number, line in enumerate(read_text(path).splitlines(), 1) if line.strip()]


def stream_log_records(path: str) -> Iterator[LogRecord]:
    """The records of an edits log (``-``: stdin) in the log's order, read as a stream: a log of any
    size, none of it held (:class:`InputError` naming the first line that is no edit record)."""
    with _open_log(path) as handle:
        for *_, record in _scanned(handle, path):
            yield record


def _log_record(line: str, path: str, number: int) -> tuple[str | None, Edit]:
    """The file and the edit of line ``number`` of the log ``path``: :class:`InputError` naming
    the line if it is no edit record."""
    try:
        record = json.loads(line)
        edit = Edit(int(record["offset"]), str(record["original"]), str(record["replacement"]), float(record["gain"]),
                    tuple(map(str, record["sources"])), int(record["input_offset"]))
        file = record.get("file")
        if not isinstance(file, (str, type(None))):
            raise TypeError(f"its file is {type(file).__name__}, not a name")
    except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
        reason = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(f"{path}: line {number} is not an edit record of `ocrfix correct --edits` ({reason})") from None
    return file, edit


class LogPart(NamedTuple):
    """Where the records of one file are in an edits log (:func:`index_edit_log`), to be read back
    where the file is applied (:func:`read_log_part`) rather than held: ``runs`` of consecutive
    lines, each as four ints (byte offset, length in bytes, number of its first line, position of
    its first record among the log's records), holding ``records`` records; ``stamp``: the log's
    size and modification time when it was indexed."""

    file: str | None
    runs: tuple[int, ...]
    records: int
    stamp: tuple[int, int]


def index_edit_log(path: str, visit: Callable[[LogRecord], object] | None = None) -> dict[str | None, LogPart]:
    """Where each file's records are in an edits log, by file (None: stdin), read once as a stream:
    every line checked (:class:`InputError` naming the first that is no edit record), only the
    offsets kept, so a log of millions of edits takes a few ints per file, not its edits. A file's
    records need not be together (a log concatenated or edited by hand). ``visit`` is given each
    record as it is read (what a caller counts in the same pass)."""
    stamp = _log_stamp(path)
    runs: dict[str | None, array[int]] = {}
    counts: dict[str | None, int] = {}
    last: str | None | bool = False  # the file of the record before (False: none yet)
    with _open_log(path) as handle:
        for start, size, number, position, record in _scanned(handle, path):
            if visit is not None:
                visit(record)
            found = runs.setdefault(record.file, array("q"))
            if record.file == last:  # the run goes on, over any blank lines since its last record
                found[-3] = start + size - found[-4]
            else:
                found.extend((start, size, number, position))
            counts[record.file] = counts.get(record.file, 0) + 1
            last = record.file
    return {file: LogPart(file, tuple(runs[file]), count, stamp) for file, count in counts.items()}


def _scanned(handle: BinaryIO, path: str) -> Iterator[tuple[int, int, int, int, LogRecord]]:
    """The records of the log open as ``handle``, each with its line's byte offset and length (its
    line break included), its line number and its position among the records; blank lines left
    out, an empty log refused."""
    end, position = 0, 0
    for number, line in enumerate(handle, 1):
        start, end = end, end + len(line)
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            start, line = start + len(codecs.BOM_UTF8), line[len(codecs.BOM_UTF8):]
        if line.strip():
            yield start, len(line), number, position, _read_record(line, path, number)
            position += 1
    if not position:
        raise InputError(f"{'<stdin>' if path == STDIO else path}: empty file (no text)")


def read_log_part(path: str, part: LogPart, command: str = "apply") -> list[Edit]:
    """The edits of ``part`` of the log ``path`` (:func:`index_edit_log`), in the log's order
    (:func:`read_part_records`)."""
    return [record.edit for _, record in read_part_records(path, part, command)]


def read_part_records(path: str, part: LogPart, command: str = "apply") -> list[tuple[int, LogRecord]]:
    """The records of ``part`` of the log ``path`` (:func:`index_edit_log`), each with its position
    among the log's records, in the log's order: :class:`InputError` if the log changed since
    ``ocrfix command`` indexed it, naming the line where a record read back is no edit record, or
    not the file's."""
    if _log_stamp(path) != part.stamp:
        raise InputError(f"{path}: the log changed since `ocrfix {command}` read it; rerun")
    records = []
    with _open_log(path) as handle:
        for start, size, first, position in zip(*[iter(part.runs)] * 4):
            handle.seek(start)
            for number, line in enumerate(handle.read(size).split(b"\n"), first):
                if line.strip():
                    record = _read_record(line, path, number)
                    if record.file != part.file:
                        raise InputError(f"{path}: line {number} is no longer a record of {part.file or '<stdin>'}: "
                                         f"the log changed while `ocrfix {command}` ran; rerun")
                    records.append((position, record))
                    position += 1
    return records


def _log_stamp(path: str) -> tuple[int, int]:
    """The size and modification time of the log ``path``: :class:`InputError` if it is no file
    that can be read twice (``-``, a pipe)."""
    if path == STDIO:
        raise InputError("--edits -: `ocrfix apply` reads each file's records back from the log as it applies "
                         "the file: give the log as a file, not on stdin")
    info = check_input(path, sys.maxsize).stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file: `ocrfix apply` reads each file's records back from the log "
                         "as it applies the file: save the log to a file first")
    return info.st_size, info.st_mtime_ns


def _read_record(line: bytes, path: str, number: int) -> LogRecord:
    """The record of line ``number`` (``line``: its bytes, its line break too) of the log ``path``."""
    try:
        text = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: line {number} is not an edit record of `ocrfix correct --edits` "
                         f"(not valid UTF-8 at byte {exc.start})") from None
    return LogRecord(*_log_record(text, path, number), text)


@contextlib.contextmanager
def _open_log(path: str) -> Iterator[BinaryIO]:
    """The log ``path`` opened as bytes (a gzip-compressed one decompressed: offsets are into its
    text; ``-``: stdin); an error reading it is an :class:`InputError` naming it."""
    if path == STDIO and (sys.stdin is None or sys.stdin.closed):
        raise InputError("<stdin>: standard input is closed; give a file or pipe text in")
    try:
        with contextlib.nullcontext(sys.stdin.buffer) if path == STDIO else open(path, "rb") as raw:
            yield gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == GZIP_MAGIC else raw
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{path}: cannot read the log ({getattr(exc, 'strerror', None) or exc})") from None


Logged = TypeVar("Logged")


def edits_by_input(log: Mapping[str | None, Logged], sources: Sequence[str]
                   ) -> tuple[dict[str, Logged], list[str | None]]:
    """The log's edits (or records, or :class:`LogPart`) of each input of ``sources`` that it has (its ``file`` the input
    as given, or the same file by another path; stdin ``-``: the records without a file), and the
    log's files that are none of them."""
    by_path = {os.path.realpath(key): key for key in log if key is not None}
    keys: dict[str, str | None] = {}
    for source in sources:
        key = None if source == STDIO else source if source in log else by_path.get(os.path.realpath(source), source)
        if key in log:
            keys[source] = key
    used = set(keys.values())
    return {source: log[key] for source, key in keys.items()}, [key for key in log if key not in used]


def fitted(source: str, edits: Iterable[Edit], name: str) -> list[Edit]:
    """``edits`` in the order of the run's output, each checked against ``source``, the reflowed
    input: :class:`InputError` naming ``name`` and the first edit that does not read its
    ``original`` there (a log of another input, or of a run with other options or models)."""
    ordered = sorted(edits, key=lambda edit: edit.offset)
    for edit in sorted(ordered, key=lambda edit: edit.input_offset):
        at, original = edit.input_offset, edit.original
        found = source[at:at + len(original)] if 0 <= at <= len(source) else None
        if found != original:
            where = f"the input text has {found!r}" if found is not None else f"the input text has {len(source)} characters"
            raise InputError(f"{name}: the log's edit at input offset {at} reads {original!r} where {where} "
                             "(a log of another file, or of a run with other options or models?)")
    return ordered


def _replayed(source: str, edits: Sequence[Edit], name: str) -> str:
    try:
        return replay(source, edits)
    except ValueError as exc:  # edits that overlap: not one run's log
        raise InputError(f"{name}: the log's edits overlap ({exc})") from None


class Applied(NamedTuple):
    output: str  # what ``ocrfix correct`` writes for the file, with these edits only
    chars: int  # characters of the input (``ocrfix correct``'s count)
    edits: tuple[Edit, ...]  # the edits applied, in output order


def apply_log(data: bytes, name: str, edits: Iterable[Edit], corrector: Corrector | CorrectorFor,
              options: CorrectOptions = CorrectOptions()) -> Applied:
    """The output ``ocrfix correct`` writes for the file read as ``data`` (named ``name`` in errors)
    with ``edits`` (of its edit log) its only edits; ``options``: the run's (its reflow, encoding,
    formats); ``corrector``: the run's corrector, or what gives the one of each file, whose LM the
    reflow asks."""
    read, source, flow = _reflowed(data, name, corrector, options)
    kept = fitted(source, edits, name)
    text = _replayed(source, kept, name)
    if isinstance(read, str):
        return Applied(text, len(read), tuple(kept))
    assert flow is not None  # a structured file's geometry reflow
    done = Corrected(apply_edits(read, source, kept, flow.words), text, source, tuple(kept), flow)
    return Applied(output_bytes(done, options.output_format).decode("utf-8"), len(source), tuple(kept))


def checked_source(data: bytes, name: str, edits: Iterable[Edit], corrector: Corrector | CorrectorFor,
                   options: CorrectOptions = CorrectOptions()) -> str:
    """The file read as ``data`` reflowed as the run did (the text the edits' input offsets refer
    to; arguments as :func:`apply_log`'s), once ``edits`` are checked to read their ``original``
    there and not to overlap: what a review page shows them in."""
    _, source, _ = _reflowed(data, name, corrector, options)
    _replayed(source, fitted(source, edits, name), name)
    return source


def _reflowed(data: bytes, name: str, corrector: Corrector | CorrectorFor, options: CorrectOptions
              ) -> tuple[str | Document, str, Reflowed | None]:
    """The file as read, its text reflowed as the run did and, for a structured file, its geometry
    reflow (None for plain text)."""
    def file_corrector(software: str | None, text: Callable[[], str]) -> Corrector:
        return corrector(software, text) if callable(corrector) else corrector

    read = parse_input(data, name, options.input_format, options.output_format, options.encoding)
    if isinstance(read, str):
        return read, file_corrector(None, lambda: read).source(read, options.reflow), None
    flow = reflow_document(read, file_corrector(read.software, read.text).lm)
    return read, flow.text, flow
