"""Streaming LM training text: corpus files and manifests -> normalized, de-duplicated lines.

Nothing here holds a corpus in memory: files are read line by line (plain, ``.xz`` or
``.gz``), every line is split into sentences, normalized with
:func:`ocrfix.normalize.lm_line` (the one normalization the corrector also uses) and yielded
once. Exact duplicates are dropped across the whole stream with a set of 8-byte digests
(~1 M lines cost ~100 MB at most), which removes the boilerplate that the CCTV transcripts
repeat daily (``国内联播快讯``, ``会议还研究了其他事项。``).

A *manifest* (``.tsv``) lists corpus files, one per row: ``path<TAB>split<TAB>weight``
(``#`` comments allowed). ``split`` is ``train`` or ``heldout``: training reads the train
rows, evaluation the heldout rows, so the held-out text of a model is recorded next to its
training text. ``weight`` is a whole repeat count (default 1): each *new* line of that file
is emitted ``weight`` times, which multiplies its n-gram counts. A path starting with
``data:`` is resolved against the shared data directory (``OCRFIX_DATA``); other relative
paths against the manifest's own directory.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import lzma
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ...errors import InputError
from ...normalize import is_han, lm_line
from ...textio import describe_non_utf8

#: Sentence end: a terminator plus any closing quotes/brackets that belong to the sentence.
_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)》]*")

#: Lines longer than this (non-space characters) are split at sentence ends; shorter lines are kept
#: whole, since the shipped corpora are one sentence (or headline) per line already.
MAX_LINE_CHARS = 160

#: Digest size of the duplicate filter: 8 bytes -> a collision among ~10^6 lines has a
#: probability of about 10^-7.
_DIGEST_BYTES = 8

TRAIN, HELDOUT = "train", "heldout"
MANIFEST_SUFFIXES = (".tsv",)


@dataclass(frozen=True)
class CorpusFile:
    """One text file of a corpus, with its split and repeat count."""

    path: Path
    split: str = TRAIN
    weight: int = 1


@dataclass
class CorpusStats:
    """Counts of one pass over a corpus (filled while the stream is consumed)."""

    lines_read: int = 0
    lines_written: int = 0
    duplicates: int = 0
    no_han: int = 0
    tokens_written: int = 0


def split_sentences(line: str, max_chars: int = MAX_LINE_CHARS) -> list[str]:
    """``line`` itself if short, else its sentences (terminators and closing quotes kept).

    Spaces do not count towards the length, so already-normalized text splits the same way.
    """
    if len(line) - line.count(" ") <= max_chars:
        return [line]
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        parts.append(line[start:match.end()])
        start = match.end()
    parts.append(line[start:])
    return [p for p in parts if p.strip()]


def open_text(path: Path) -> IO[str]:
    """Open a plain, ``.xz`` or ``.gz`` UTF-8 text file for reading (InputError if unreadable)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a corpus file")
    try:
        return io.TextIOWrapper(_open_bytes(path), encoding="utf-8", errors="strict")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror or exc})") from exc


def _open_bytes(path: Path) -> IO[bytes]:
    """A plain, ``.xz`` or ``.gz`` file's bytes, decompressed."""
    suffix = path.suffix.lower()
    if suffix == ".xz":
        return lzma.open(path, "rb")
    if suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def read_manifest(path: Path, data_dir: Path) -> list[CorpusFile]:
    """Parse a manifest TSV (see module docstring); InputError on a malformed row."""
    files = []
    with open_text(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            split = cols[1].strip() if len(cols) > 1 and cols[1].strip() else TRAIN
            weight_text = cols[2].strip() if len(cols) > 2 and cols[2].strip() else "1"
            if split not in (TRAIN, HELDOUT) or not weight_text.isdigit() or int(weight_text) < 1:
                raise InputError(
                    f"{path}:{lineno}: expected 'path<TAB>train|heldout<TAB>weight>=1', got {line!r}")
            name = cols[0].strip()
            file_path = data_dir / name[5:] if name.startswith("data:") else path.parent / name
            files.append(CorpusFile(file_path, split, int(weight_text)))
    if not files:
        raise InputError(f"{path}: manifest lists no corpus files")
    return files


def expand_corpora(paths: Iterable[str | Path], data_dir: Path, split: str = TRAIN) -> list[CorpusFile]:
    """Corpus arguments (files or manifests) -> the files of ``split`` to read, in order.

    Plain files always count (they have no split); manifests contribute their rows of
    ``split``. InputError when nothing is left or a listed file is missing.
    """
    paths = [Path(arg) for arg in paths]
    files: list[CorpusFile] = []
    for path in paths:
        if path.suffix.lower() in MANIFEST_SUFFIXES:
            files.extend(f for f in read_manifest(path, data_dir) if f.split == split)
        else:
            files.append(CorpusFile(path, split))
    if not files:
        manifests = [str(p) for p in paths if p.suffix.lower() in MANIFEST_SUFFIXES]
        raise InputError(f"no {split} corpus files given" + (f" ({', '.join(manifests)} list no '{split}' rows)" if manifests else ""))
    for f in files:
        if f.path.is_dir():
            raise InputError(f"{f.path}: is a directory; list its files (or write a manifest)")
        if not f.path.is_file():
            raise InputError(f"{f.path}: no such corpus file")
    return files


def raw_lines(corpus: CorpusFile) -> Iterator[str]:
    """The text lines of one corpus file; InputError for text that is not UTF-8, XML or binary."""
    from ...formats.detect import looks_like_xml  # here: lxml loads only when a corpus is read

    lineno = 0
    try:
        with open_text(corpus.path) as fh:
            for lineno, line in enumerate(fh, 1):
                if lineno == 1 and looks_like_xml(line.encode("utf-8")):
                    raise InputError(f"{corpus.path}: XML (hOCR/ALTO/PAGE?), not a text corpus; "
                                     "extract its text first: ocrfix reflow FILE -o FILE.txt")
                if "\x00" in line:
                    raise InputError(f"{corpus.path}:{lineno}: NUL byte: looks like a binary file, not text")
                yield line
    except UnicodeDecodeError as exc:
        # the decoder reads ahead in chunks: the lines before the bad bytes are what is known of where they are
        raise InputError(f"{corpus.path}: not UTF-8 text after line {lineno} ({exc.reason}){_encoding_hint(corpus.path)}") from exc
    except (lzma.LZMAError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{corpus.path}: corrupt compressed file ({exc})") from exc


def _encoding_hint(path: Path) -> str:
    """What a corpus file that is not UTF-8 looks like, from its first bytes ("; it looks like
    GB18030 text: ..."); nothing when they are UTF-8 (a bad byte further on, or a file cut inside
    a character: no other encoding to name)."""
    try:
        with _open_bytes(path) as fh:
            head = fh.read(65536)
    except (OSError, lzma.LZMAError, EOFError):
        return ""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut by the 64 KB is no error
        return ""
    except UnicodeDecodeError:
        what = describe_non_utf8(head)
    return f"; it looks like {what}" + ("" if "binary" in what else ": convert it to UTF-8 first") if what else ""


def normalized_sentences(line: str) -> Iterator[str]:
    """LM lines (space-separated tokens) of the sentences in ``line`` that contain Han."""
    for sentence in split_sentences(line.strip()):
        if any(map(is_han, sentence)):
            yield lm_line(sentence)


def lm_lines(files: Iterable[CorpusFile], stats: CorpusStats | None = None,
             progress=None) -> Iterator[str]:
    """Normalized, de-duplicated training lines of ``files`` (weights applied).

    ``progress`` (optional) is called with the number of raw lines read, e.g. a tqdm update.
    Lines without any Han character (page numbers, stray Latin) are dropped.
    """
    stats = stats if stats is not None else CorpusStats()
    seen: set[bytes] = set()
    for corpus in files:
        for raw in raw_lines(corpus):
            stats.lines_read += 1
            if progress is not None:
                progress(1)
            if not any(map(is_han, raw)):
                stats.no_han += 1
                continue
            for line in normalized_sentences(raw):
                digest = hashlib.blake2b(line.encode("utf-8"), digest_size=_DIGEST_BYTES).digest()
                if digest in seen:
                    stats.duplicates += 1
                    continue
                seen.add(digest)
                ntok = line.count(" ") + 1
                for _ in range(corpus.weight):
                    stats.lines_written += 1
                    stats.tokens_written += ntok
                    yield line


def heldout_lines(files: Iterable[CorpusFile]) -> Iterator[str]:
    """Normalized lines of evaluation text: every Han-containing sentence, no de-duplication."""
    for corpus in files:
        for raw in raw_lines(corpus):
            yield from normalized_sentences(raw)
