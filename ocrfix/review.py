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
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple, Sequence, TypeVar

from .correction.edits import Edit, replay
from .errors import InputError
from .formats.edits import apply_edits
from .formats.layout import reflow_document
from .formats.pipeline import Corrected, output_bytes, parse_input
from .options import CorrectOptions
from .textio import STDIO, read_text

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
    records: list[LogRecord] = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            edit = Edit(int(record["offset"]), str(record["original"]), str(record["replacement"]), float(record["gain"]),
                        tuple(map(str, record["sources"])), int(record["input_offset"]))
            records.append(LogRecord(record.get("file"), edit, line))
        except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            reason = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
            raise InputError(f"{path}: line {number} is not an edit record of `ocrfix correct --edits` ({reason})") from None
    return records


def read_edit_log(path: str) -> dict[str | None, list[Edit]]:
    """The edits of an edits log (``ocrfix correct --edits``) by the file they belong to (its
    ``file``: the input as the run was given it; None: stdin), each file's in the log's order."""
    by_file: dict[str | None, list[Edit]] = {}
    for record in read_log_records(path):
        by_file.setdefault(record.file, []).append(record.edit)
    return by_file


Logged = TypeVar("Logged")


def edits_by_input(log: Mapping[str | None, Sequence[Logged]], sources: Sequence[str]
                   ) -> tuple[dict[str, Sequence[Logged]], list[str | None]]:
    """The log's edits (or records) of each input of ``sources`` that it has (its ``file`` the input
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
