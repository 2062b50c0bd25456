"""One worker process: its corrector, built once, and the correction of one job's file into its
sidecar and output (atomically, sidecar first); a SIGTERM stops it only while it corrects."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple, Sequence

from ..correction.edits import Edit
from ..engine_habits import HabitPick
from ..errors import InputError, OcrfixError
from ..formats import correct_document, output_bytes
from ..formats.pipeline import parse_input, plain_articles
from ..formats.registry import is_plain_text
from ..options import CorrectOptions
from ..profiles import ProfileChoice, pick_profile, pick_profile_for_text
from ..quality import PageSigns, QualityModel, combined_signs, signs_by_page
from ..remote import is_url, read_url, write_url
from ..settings import MAX_INPUT_BYTES, load_settings
from ..textio import STDIO, decode_text, encoded_output, read_bytes, write_text_atomic
from .jobs import Job, Outcome
from .logs import sidecar_text
from .signals import Terminated

if TYPE_CHECKING:
    from ..correction.corrector import Corrector


@dataclass
class _WorkerState:
    """This process's worker: the run's options and its corrector, built once from them by
    :func:`init_worker` (in the main process before forking: workers inherit it, models and all;
    or in each spawned worker), and where a SIGTERM finds it (:func:`_stop_worker`)."""

    options: CorrectOptions = CorrectOptions()
    corrector: Corrector | None = None
    #: correctors of the profiles picked from files' OCR software, sharing ``corrector``'s LM
    picked: dict[str, Corrector] = field(default_factory=dict)
    #: what estimates each page's OCR CER (None: no estimate)
    quality: QualityModel | None = None
    stop: bool = False
    correcting: bool = False
    #: called with the share of the current file's text done by a step (the progress bar; this process only)
    progress: Callable[[float], None] | None = None


WORKER = _WorkerState()


def init_worker(options: CorrectOptions) -> None:
    WORKER.options, WORKER.corrector, WORKER.picked = options, options.corrector(), {}
    WORKER.quality = options.quality_model(WORKER.corrector)


def document_corrector(software: str | None, text: Callable[[], str]) -> tuple[Corrector, ProfileChoice | HabitPick | None]:
    """The worker's corrector for a file naming ``software`` as its OCR engine, and what picked its
    profile (None when the run chose it, or nothing moved the file from the default).

    ``--profile`` always wins; then the profile the file's software maps to; for a file naming
    none, ``OCRFIX_PROFILE`` if set, else the profile the habits of its ``text()`` pick."""
    options, corrector = WORKER.options, WORKER.corrector
    if corrector is None or options.profile is not None:
        return corrector, None
    models_dir = load_settings().models_dir
    choice = pick_profile(software, models_dir, options.profile_name)
    picked: ProfileChoice | HabitPick | None = choice
    name = choice.name
    if choice.software is None:
        if options.chosen_profile is not None:  # OCRFIX_PROFILE
            return corrector, None
        picked = pick_profile_for_text(text(), models_dir, options.profile_name)
        name = picked.profile if picked is not None else options.profile_name
    if name == options.profile_name:
        return corrector, picked
    if name not in WORKER.picked:
        WORKER.picked[name] = options.corrector(name, like=corrector)
    return WORKER.picked[name], picked


class Corrected(NamedTuple):
    """One input file corrected (:func:`correct_bytes`)."""

    output: str  # the output file's text
    source: str  # the text its edits apply to: the input's text, reflowed
    chars: int  # input characters
    edits: tuple[Edit, ...]
    stories: list[dict] | None  # the page's stories after correction (when asked for)
    picked: ProfileChoice | HabitPick | None  # the profile picked from its OCR software or its text's habits
    signs: PageSigns | None  # what its text says of its OCR's quality (when asked for)
    pages: tuple[PageSigns, ...]  # the same of each of its pages, in a file of several (else empty)


def correct_bytes(data: bytes, name: str, stories: bool = False, signs: bool = False) -> Corrected:
    """One input file of any supported format corrected (:class:`Corrected`; its ``stories`` and ``signs``
    only where asked for): the profile picked from its OCR software or its text's habits
    (:func:`document_corrector`), and the signs of its OCR's quality read from the text its edits apply to
    (:func:`ocrfix.quality.page_signs`; a worker without a quality model does not read them).

    Plain text is corrected as it is (reflowed unless ``--no-reflow``); hOCR/ALTO/PAGE files are
    reflowed from their geometry, corrected, and written back in ``--output-format`` (default:
    their own format) with the edits recorded in the document; each by the profile
    :func:`document_corrector` picks. Needs the worker's corrector (:func:`init_worker`).
    """
    options = WORKER.options
    if WORKER.corrector is None:
        raise RuntimeError("correct_bytes before init_worker")
    read = parse_input(data, name, options.input_format, options.output_format, options.encoding)
    if isinstance(read, str):
        text = read
        corrector, picked = document_corrector(None, lambda: text)
        result = corrector.correct(text, reflow=options.reflow, progress=_text_share(len(text)))
        found = plain_articles(text, result.text, result.blocks) if stories else None
        return Corrected(result.text, result.source, len(text), tuple(result.edits), found, picked,
                         *_signs(corrector, result.source, result.edits, signs))
    corrector, picked = document_corrector(read.software, read.text)
    done = correct_document(read, corrector)
    found = done.reflowed.articles(done.text) if stories else None
    return Corrected(output_bytes(done, options.output_format).decode("utf-8"), done.source, len(done.source),
                     tuple(done.edits), found, picked, *_signs(corrector, done.source, done.edits, signs))


def _signs(corrector: Corrector, source: str, edits: Sequence[Edit], wanted: bool
           ) -> tuple[PageSigns | None, tuple[PageSigns, ...]]:
    """The signs of the whole ``source`` and, where it has several pages, of each page, each page read once
    (none unless ``wanted``)."""
    if not wanted:
        return None, ()
    pages = signs_by_page(corrector.lm, source, [edit.input_offset for edit in edits])
    return (pages[0], ()) if len(pages) == 1 else (combined_signs(pages), pages)


def _text_share(text_chars: int) -> Callable[[int], None] | None:
    """The corrector's progress callback (characters of the text done by a block) as the share of
    a text of ``text_chars`` characters that the bar of this process is told (None: no bar here)."""
    bar = WORKER.progress
    if bar is None:
        return None
    return lambda chars: bar(chars / max(text_chars, 1))


def run_job(job: Job, on_error: str = "skip") -> Outcome:
    """Correct one job's file and write its sidecar and output; errors become the outcome's
    (:func:`guarded`)."""
    return guarded(_correct_job, job, on_error)


def _correct_job(job: Job) -> Outcome:
    start = time.perf_counter()
    with correcting():
        model = WORKER.quality
        done = correct_bytes(read_input(job.source), input_name(job.source), job.articles is not None, model is not None)
    outcome = Outcome(job, done.chars, done.edits, seconds=time.perf_counter() - start, picked=done.picked,
                      quality=None if model is None else model.assess(done.signs),
                      page_quality=() if model is None else tuple(map(model.assess, done.pages)))
    if job.sidecar is not None:
        write_output(job.sidecar, sidecar_text(outcome))
    if job.articles is not None:
        write_output(job.articles, json.dumps({"stories": done.stories}, ensure_ascii=False, indent=1) + "\n")
    write_output(job.target, done.output)
    return outcome


def input_name(source: str) -> str:
    """An input as errors name it (``<stdin>`` for ``-``)."""
    return "<stdin>" if source == STDIO else source


def guarded(work: Callable[[Job], Outcome], job: Job, on_error: str = "skip") -> Outcome:
    """``work(job)``: one job done, its output written; an error becomes the outcome's, and with
    ``on_error="copy"`` the input is copied to its output unchanged (status ``copied``)."""
    start = time.perf_counter()
    try:
        return work(job)
    except OcrfixError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        error = f"{job.source}: internal error: {type(exc).__name__}: {exc}"
    if on_error == "copy" and job.source != STDIO and job.target != STDIO:
        return _copy_input(job, error, time.perf_counter() - start)
    return Outcome(job, 0, (), error)


def _copy_input(job: Job, error: str, seconds: float) -> Outcome:
    """The input copied to the output unchanged (atomically, sidecar first), its error kept."""
    outcome = Outcome(job, 0, (), error, seconds, copied=True)
    try:
        if job.sidecar is not None:
            write_output(job.sidecar, sidecar_text(outcome))
        data = read_input(job.source) if is_url(job.source) else None
        if is_url(job.target):
            write_url(job.target, Path(job.source).read_bytes() if data is None else data)
            return outcome
        tmp = f"{job.target}.copy.tmp"
        shutil.copyfile(job.source, tmp) if data is None else Path(tmp).write_bytes(data)
        os.replace(tmp, job.target)
    except InputError as exc:
        return Outcome(job, 0, (), f"{error}; cannot copy it ({exc})", seconds)
    except OSError as exc:
        Path(f"{job.target}.copy.tmp").unlink(missing_ok=True)
        return Outcome(job, 0, (), f"{error}; cannot copy it ({exc.strerror})", seconds)
    return outcome


def read_input(source: str) -> bytes:
    """The bytes of a job's input: a file, stdin (``-``) or a URL."""
    return read_url(source, MAX_INPUT_BYTES) if is_url(source) else read_bytes(source, MAX_INPUT_BYTES)


def check_input_file(source: str, options: CorrectOptions) -> None:
    """Raise the one-line :class:`InputError` a job of the local file ``source`` would fail with on
    reading it or, as plain text, decoding it: a single input is refused before any model loads."""
    data = read_bytes(source, MAX_INPUT_BYTES)
    if is_plain_text(data, options.input_format):
        decode_text(data, source, options.encoding)


def write_output(target: str, text: str) -> None:
    if is_url(target):
        write_url(target, encoded_output(target, text))
    else:
        write_text_atomic(target, text)


def _stop_worker(signum: int, frame: object) -> None:
    # Only while correcting: an idle worker may hold the task queue's lock (stopping it then
    # would hang the pool) and a worker writing a file finishes it first (it takes no time).
    WORKER.stop = True
    if WORKER.correcting:
        raise Terminated


def worker_signals() -> None:
    """Ctrl-C reaches the whole process group: workers leave it to the main process, which lets
    them finish the files in hand. SIGTERM (sent to the group by a batch scheduler) stops a
    worker's correcting at once; no temporary file stays behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


@contextlib.contextmanager
def correcting() -> Iterator[None]:
    """Where a worker's SIGTERM may stop it (:func:`_stop_worker`): around its work on a file, not
    around the writing of the file's outputs."""
    if WORKER.stop:
        raise Terminated
    WORKER.correcting = True
    try:
        yield
    finally:
        WORKER.correcting = False


def init_spawned(options: CorrectOptions) -> None:
    worker_signals()
    init_worker(options)
