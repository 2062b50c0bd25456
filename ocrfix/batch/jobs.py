"""A batch's plan: which file goes where (inputs, directories, manifests, shards), the outcome of
each, and when a file is finished (``--resume``)."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from ..correction.edits import Edit
from ..engine_habits import HabitPick
from ..errors import InputError
from ..formats.registry import is_ocr_file_name, ocr_file_patterns
from ..profiles import ProfileChoice
from ..quality import PageQuality
from ..remote import is_url, local_path, url_exists
from ..textio import CONVERT_TO_UTF8, STDIO, make_output_dir, read_text


#: Suffix of the per-document sidecar (``.NAME`` + suffix, beside the output).
SIDECAR_SUFFIX = ".ocrfix.jsonl"


@dataclass(frozen=True)
class Job:
    source: str  # input path or "-"
    target: str  # output path or "-"
    sidecar: str | None = None  # the document's edits and statistics, written just before the output
    articles: str | None = None  # the page's stories as JSON (``--articles``), written before the output

    def made_from(self) -> tuple[str, ...]:
        """The files the output is made from: it is not finished while older than one of them (``--resume``)."""
        return (self.source,)


@dataclass(frozen=True)
class Outcome:
    job: Job
    chars: int
    edits: tuple[Edit, ...]
    error: str | None = None
    seconds: float = 0.0
    copied: bool = False  # failed, and the input was copied to the output (--on-error copy)
    #: edits by source (``"lm+visual"``: n); computed from ``edits``, kept by :meth:`without_edits`
    by_source: dict[str, int] = field(default_factory=dict)
    #: the engine profile picked from the file's OCR software or its text's habits (None: the run's own profile)
    picked: ProfileChoice | HabitPick | None = None
    #: the estimated CER of the file's OCR, and of its correction (None: no quality model, or too short a text)
    quality: PageQuality | None = None
    #: the same of each of its pages, in a file of several (else empty)
    page_quality: tuple[PageQuality | None, ...] = ()

    def __post_init__(self) -> None:
        if self.edits and not self.by_source:
            object.__setattr__(self, "by_source", dict(Counter("+".join(e.sources) for e in self.edits)))

    @property
    def edit_count(self) -> int:
        return sum(self.by_source.values())

    def without_edits(self) -> Outcome:
        """This outcome with its edits dropped and their counts kept: what a long run holds once
        the edits are on disk in the document's sidecar."""
        return replace(self, edits=())

    def record(self) -> dict[str, Any]:
        """The document's statistics line: characters, edits by source, seconds, status."""
        record: dict[str, Any] = {"file": file_key(self.job), "output": self.job.target,
                                  "status": "copied" if self.copied else "failed" if self.error else "ok", "chars": self.chars,
                                  "edits": self.edit_count, "by_source": self.by_source,
                                  "seconds": round(self.seconds, 3)}
        if isinstance(self.picked, HabitPick):
            record["profile"], record["habits_log_odds"] = self.picked.profile, round(self.picked.log_odds, 1)
        elif self.picked is not None:
            record["profile"], record["software"] = self.picked
        if self.quality is not None:
            record["quality"] = self.quality.to_dict()
            if self.page_quality:
                record["quality"]["pages"] = [None if page is None else page.to_dict() for page in self.page_quality]
        if self.error:
            record["error"] = self.error
        return record


def file_key(job: Job) -> str | None:
    return None if job.source == STDIO else job.source


def expand_inputs(inputs: Sequence[str], recursive: bool = False) -> list[tuple[str, Path | None]]:
    """(path, base dir) per input file: files as given; of a directory (``-r``: recursively) the
    files named like OCR files (:func:`~ocrfix.formats.registry.is_ocr_file_name`: ``*.txt``,
    ``*.xml``, ``*.hocr``, ... and those gzip-compressed), the format of each told from its content."""
    found: list[tuple[str, Path | None]] = []
    for item in map(local_path, inputs):
        path = Path(item)
        if item != STDIO and not is_url(item) and path.is_dir():
            files = sorted(p for p in path.glob("**/*" if recursive else "*") if p.is_file() and is_ocr_file_name(p.name))
            if not files:
                raise InputError(f"{path}: no OCR files ({ocr_file_patterns()}){'' if recursive else '; -r for subdirectories'}")
            found.extend((str(p), path) for p in files)
        else:
            found.append((item, None))
    return found


def read_manifest(path: str) -> list[tuple[str, Path | None]]:
    """(path, base dir) per line of a manifest (blank lines and ``#`` comments skipped).

    Relative paths are taken from the manifest's directory, which is also their base: their
    outputs mirror the directory structure below it (as for a directory input).
    """
    base = Path(path).parent
    entries = []
    for line in read_text(path, remedy=CONVERT_TO_UTF8).splitlines():  # --encoding is the inputs', not the list's
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((local_path(line), None) if Path(line).is_absolute() or "://" in line else (str(base / line), base))
    if not entries:
        raise InputError(f"{path}: the manifest lists no files")
    return entries


def input_files(inputs: Sequence[str], recursive: bool = False, manifest: str | None = None) -> list[tuple[str, Path | None]]:
    """(path, base dir) per input file (:func:`expand_inputs`) and per file a manifest lists
    (:func:`read_manifest`); none at all is an :class:`InputError`."""
    files = expand_inputs(inputs, recursive) + (read_manifest(manifest) if manifest else [])
    if not files:
        raise InputError("no inputs: give files, directories or --manifest FILE")
    return files


def plan_jobs(inputs: Sequence[str], output: str | None, out_dir: str | None, recursive: bool = False,
              manifest: str | None = None) -> list[Job]:
    """Pair every input file (and every file a manifest lists) with its output path (stdout for
    one input without -o/--out-dir)."""
    files = input_files(inputs, recursive, manifest)
    if output is not None and out_dir is not None:
        raise InputError("give either -o OUT or --out-dir DIR, not both")
    if out_dir is None:
        if len(files) > 1 or any(base is not None for _, base in files):
            raise InputError("several inputs (or a directory): give --out-dir DIR")
        return [Job(files[0][0], output or STDIO)]
    if any(src == STDIO for src, _ in files):
        raise InputError("stdin ('-') cannot be combined with --out-dir")
    out_dir = local_path(out_dir)
    if is_url(out_dir):  # an object store: keys below the URL
        jobs = [Job(src, f"{out_dir.rstrip('/')}/{Path(src).relative_to(base).as_posix() if base else src.rsplit('/', 1)[-1]}")
                for src, base in files]
    else:
        root = Path(out_dir)
        jobs = [Job(src, str(root / (Path(src).relative_to(base) if base else Path(src).name))) for src, base in files]
    writers: dict[str, Job] = {}
    for job in jobs:
        first = writers.setdefault(job.target, job)
        if first is not job:
            raise InputError(f"{job.source}: given twice" if first.source == job.source else
                             f"{first.source} and {job.source} would both write {job.target}; keep their "
                             "directory structure with one directory input")
    return jobs


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` -> (I, N) with 1 <= I <= N."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text}: give I/N, e.g. 3/8") from None
    if not 1 <= index <= count:
        raise InputError(f"--shard {text}: I must be between 1 and N")
    return index, count


def shard(jobs: Sequence[Job], index: int, count: int, out_dir: str) -> list[Job]:
    """The jobs of shard ``index`` of ``count`` (1-based): a hash of the output path below
    ``out_dir`` picks the shard, so the split is the same on every machine and a file keeps its
    shard when others are added."""
    out_dir = local_path(out_dir)

    def bucket(job: Job) -> int:
        below = (job.target.removeprefix(out_dir.rstrip("/") + "/") if is_url(out_dir)
                 else Path(job.target).relative_to(out_dir).as_posix())
        key = os.fsencode(below)
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % count

    return [job for job in jobs if bucket(job) == index - 1]


def prepare_out_dirs(jobs: Sequence[Job]) -> None:
    """Create output directories up front; an unwritable one is an error before any work."""
    for directory in sorted({Path(j.target).parent for j in jobs if j.target != STDIO and not is_url(j.target)}):
        make_output_dir(directory)


def sidecar_path(target: str) -> str:
    """The hidden sidecar of an output file (or URL): ``dir/.NAME.ocrfix.jsonl``."""
    head, sep, name = target.rpartition("/" if is_url(target) else os.sep)
    return f"{head}{sep}.{name}{SIDECAR_SUFFIX}"


def finished(job: Job) -> bool:
    """An output exists, is not older than its input (nor anything else it is made from:
    :meth:`Job.made_from`) and (when logs are kept) its sidecar is not newer than it (outputs and
    sidecars are only ever renamed into place, sidecar first)."""
    if job.target == STDIO or job.source == STDIO:
        return False
    if is_url(job.target) or is_url(job.source):  # no times to compare: written whole, sidecar first
        exists = url_exists if is_url(job.target) else os.path.isfile
        return exists(job.target) and (job.sidecar is None or exists(job.sidecar))
    out = Path(job.target)
    if not (out.is_file() and all(Path(p).is_file() and out.stat().st_mtime >= Path(p).stat().st_mtime for p in job.made_from())):
        return False
    if job.sidecar is None:
        return True
    side = Path(job.sidecar)
    return side.is_file() and side.stat().st_mtime <= out.stat().st_mtime


def with_sidecars(jobs: Sequence[Job]) -> list[Job]:
    """The jobs with a sidecar beside every output file (not stdout)."""
    return [job if job.target == STDIO else replace(job, sidecar=sidecar_path(job.target)) for job in jobs]
