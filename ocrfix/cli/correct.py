"""`ocrfix correct`: reflow and correct OCR text files (see docs/correct.md)."""
from __future__ import annotations

import argparse
import contextlib
import signal
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from ..engine_habits import HabitPick
from ..errors import InputError
from ..formats.registry import FORMATS, ocr_file_patterns
from ..options import CorrectOptions
from ..textio import STDIO, check_outputs

if TYPE_CHECKING:
    from ..batch import Job, Outcome
    from ..batch.run import Work


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "correct",
        help="reflow and correct OCR text (LM + confusion sets)",
        description="Reflow column-wrapped OCR text and correct character errors. "
        f"IN is a file, a directory (its OCR files: {ocr_file_patterns()}; -r recursive) or '-' for stdin.",
    )
    parser.add_argument("inputs", nargs="*", metavar="IN",
                        help="OCR file(s) (plain text, hOCR, ALTO, PAGE, ABBYY XML, PaddleOCR/RapidOCR, Google Cloud Vision, Azure or "
                             "Textract JSON, Tesseract TSV; gzip-compressed too), directories of them, or - for stdin")
    add_manifest_argument(parser, "correct")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT", help="output file (one input; default: stdout)")
    out.add_argument("--out-dir", metavar="DIR", help="output directory (mirrors input directories)")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into subdirectories of directory inputs")
    parser.add_argument("--edits", metavar="EDITS.jsonl",
                        help="write every edit as JSON lines (merged at the end from per-file sidecars; "
                             "records of other files already in it are kept)")
    parser.add_argument("--articles", metavar="A.json",
                        help="also write the page's stories after correction as JSON: headline, paragraphs, bounding box "
                             "and page of each (one input file; structured pages are split into stories from their geometry; plain text "
                             "is one story, or the stories put back from lines listed across them, without boxes)")
    parser.add_argument("--stats", metavar="STATS.jsonl",
                        help="one JSON line per file: characters, edits by source, seconds, status, the estimated CER "
                             "of its OCR (kept like --edits)")
    parser.add_argument("--quality", metavar="Q.json",
                        help="the model that estimates each file's OCR CER from the LM's reading of it (default: "
                             "models/quality.json, with the shipped LM; fit one for your own LM with 'ocrfix train quality')")
    add_model_arguments(parser)
    parser.add_argument("--threshold", type=float, metavar="P",
                        help="minimum calibrated probability of an edit, 0-1, on every text (default: from the weights, "
                             "with their lower second-pass threshold on texts the first pass finds to be noisy scans "
                             "and their higher one on texts it finds to read like clean print; "
                             "higher = fewer, safer edits)")
    parser.add_argument("--keep", metavar="WORDS.txt", help="words never edited, one per line")
    parser.add_argument("--no-reflow", action="store_true", help="input is already one paragraph per line")
    parser.add_argument("--no-rules", action="store_true", help="no symbol rules (only LM substitutions of Han characters)")
    add_batch_arguments(parser, "correct", "skip inputs whose output (and, with --edits/--stats, its sidecar) is already written")
    add_format_arguments(parser)
    parser.set_defaults(handler=_run)


def add_manifest_argument(parser: argparse.ArgumentParser, verb: str, out_dir: bool = True) -> None:
    """``--manifest FILE``: files to ``verb`` beside those given as arguments (``out_dir``: the
    command has ``--out-dir``)."""
    mirrored = ", whose structure --out-dir mirrors" if out_dir else ""
    parser.add_argument("--manifest", metavar="FILE",
                        help=f"also {verb} the files listed in FILE, one per line (relative to its directory{mirrored})")


def add_batch_arguments(parser: argparse.ArgumentParser, verb: str, resume_help: str) -> None:
    """How a batch that ``verb``s files runs (:func:`batch_jobs`, :func:`batch_status`): ``--shard``,
    ``--jobs``, ``--on-error``, ``--resume`` (``resume_help``: what it skips) and ``--dask`` (:func:`batch_runner`)."""
    parser.add_argument("--shard", metavar="I/N", help=f"{verb} only shard I of N (a stable split by output path; for array jobs)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--on-error", choices=("skip", "copy", "abort"), default="skip",
                        help="a file that fails: reported and skipped (default), copied to its output unchanged, or the run stops")
    parser.add_argument("--resume", action="store_true", help=resume_help)
    parser.add_argument("--dask", metavar="ADDRESS|local:N",
                        help="run on a Dask cluster: a scheduler's address, or local:N worker processes (pip install 'ocrfix[dask]')")


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The models of a run: ``--profile``, ``--model``, ``--confusions``, ``--weights``, ``--misread``."""
    parser.add_argument("--profile", metavar="NAME|DIR",
                        help="engine profile: 'tesseract' (fitted on Tesseract 5 chi_sim), 'ppocr' (PP-OCR, "
                             "PaddleOCR, RapidOCR), 'generic' (any other "
                             "or unknown engine: engine-agnostic rules, one strict threshold), or a profile directory; "
                             "--weights/--confusions/--misread/--threshold override its parts (default: picked from the "
                             "OCR software a structured file names or comes from (hOCR/ALTO/PAGE, ABBYY XML, PaddleOCR/RapidOCR, "
                             "Google Cloud Vision, Azure or Textract JSON, Tesseract TSV), else $OCRFIX_PROFILE, else the one the text's "
                             "engine habits pick, else tesseract)")
    parser.add_argument("--model", metavar="PATH", help="KenLM character model (default: models/lm/news.klm)")
    parser.add_argument("--confusions", metavar="PATH", nargs="+", help="confusion TSV(s), merged (default: the profile's; tesseract's: models/confusions/default.tsv)")
    parser.add_argument("--weights", metavar="PATH", help="corrector weights JSON (default: the profile's; tesseract's: models/corrector.json)")
    parser.add_argument("--misread", metavar="PATH",
                        help="misread rates of your OCR engine (default: the profile's; tesseract's: models/confusions/misread.tsv)")


def add_format_arguments(parser: argparse.ArgumentParser) -> None:
    """How a run reads and writes its files: ``--encoding``, ``--format``, ``--output-format``."""
    parser.add_argument("--encoding", metavar="ENC", help="input encoding (default: UTF-8 only)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content)")
    parser.add_argument("--output-format", choices=FORMATS,
                        help="output format for structured input: hOCR, ALTO, PAGE, ABBYY, JSON, TSV (default: the input's own; 'text' = corrected reflowed text)")


def run_options(args: argparse.Namespace) -> CorrectOptions:
    """The :class:`CorrectOptions` of a command line's model, reflow and format arguments (the
    corrector's own settings left at their defaults); a ``--profile`` that cannot be loaded refused
    in one line, before any worker starts."""
    options = CorrectOptions(
        model=args.model, confusions=tuple(args.confusions) if args.confusions else None, weights=args.weights,
        misread=args.misread, reflow=not args.no_reflow, encoding=args.encoding, input_format=args.format,
        output_format=args.output_format, profile=args.profile,
    )
    if args.profile:
        from ..profiles import load_profile
        from ..settings import load_settings

        load_profile(args.profile, load_settings().models_dir)
    return options


def model_inputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The model files a command line names, as the inputs no output may overwrite (:func:`check_outputs`)."""
    return [("--model", args.model), ("--weights", args.weights), ("--misread", args.misread),
            ("--quality", getattr(args, "quality", None)), *(("--confusions", c) for c in args.confusions or ())]


def _run(args: argparse.Namespace) -> int:
    from ..batch import correct_files
    from ..correction.corrector import read_keep

    options = replace(run_options(args), threshold=args.threshold, rules=not args.no_rules, quality=args.quality)
    if args.quality:
        from ..quality import QualityModel

        QualityModel.load(args.quality)  # a bad model refused in one line, before any worker starts
    jobs = _planned_jobs(args, options)
    _check_run_outputs(args, jobs)
    if args.keep:
        options = replace(options, keep=read_keep(args.keep))
    start = time.perf_counter()

    def run() -> list[Outcome]:
        with batch_runner(args.dask) as runner:
            return correct_files(jobs, options, args.jobs, args.edits, args.resume, not args.quiet, args.stats,
                                 args.on_error, runner, keep_edits=False)

    def report(outcomes: Sequence[Outcome], stopped: bool) -> list[str]:
        picked = picked_line(outcomes)
        summary = summary_line(len(jobs), outcomes, time.perf_counter() - start, stopped, args.resume)
        return [line for line in (picked, summary, quality_line(outcomes)) if line is not None]

    return batch_status(args, len(jobs), run, report)


def batch_jobs(args: argparse.Namespace, options: CorrectOptions) -> list[Job]:
    """The files of a batch's inputs and ``--manifest`` paired with their outputs (not yet
    sharded: :func:`shard_jobs`), each refusal one error line before the models load (a bad
    ``--jobs``; a single input that cannot be read)."""
    from ..batch import check_input_file, plan_jobs
    from ..remote import is_url

    if args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    jobs = plan_jobs(args.inputs, args.output, args.out_dir, args.recursive, args.manifest)
    if len(jobs) == 1 and jobs[0].source != STDIO and not is_url(jobs[0].source) and args.on_error != "copy":
        check_input_file(jobs[0].source, options)  # missing, huge, binary, empty...: one line, before the models load
    return jobs


def shard_jobs(args: argparse.Namespace, jobs: Sequence[Job]) -> list[Job]:
    """The jobs of ``--shard I/N`` (all of them without it)."""
    from ..batch import parse_shard, shard

    if not args.shard:
        return list(jobs)
    if args.out_dir is None:
        raise InputError("--shard needs --out-dir DIR")
    return shard(jobs, *parse_shard(args.shard), args.out_dir)


def batch_status(args: argparse.Namespace, n_jobs: int, run: Callable[[], Sequence[Outcome]],
                 report: Callable[[Sequence[Outcome], bool], Sequence[str]]) -> int:
    """A batch of ``n_jobs`` files run (``run``: their outcomes; a SIGTERM stops it like Ctrl-C,
    the finished files kept) to the command's exit status: 0, 1 where a file of several failed,
    2 where the single input did, 128 + SIGTERM when stopped; unless ``--quiet``, the lines of
    ``report(outcomes, stopped at the first failure)`` on stderr."""
    from ..batch import Terminated

    try:
        with _stop_on_signals():
            outcomes = run()
    except Terminated:
        print("ocrfix: terminated (SIGTERM); the finished files are kept: rerun with --resume", file=sys.stderr)
        return 128 + signal.SIGTERM
    failed = [outcome for outcome in outcomes if outcome.error]
    if failed and n_jobs == 1:  # a single input: its one error line says it all (exit 2 like other bad input)
        return 2
    if not args.quiet:
        for line in report(outcomes, args.on_error == "abort" and bool(failed)):
            print(line, file=sys.stderr)
    if failed:
        print(f"ocrfix: {len(failed)} of {n_jobs} files failed", file=sys.stderr)
        return 1
    return 0


def _planned_jobs(args: argparse.Namespace, options: CorrectOptions) -> list[Job]:
    """The files to correct (``--shard``: this shard's; ``--articles``: with the one input's), each
    refusal one error line before the models load: those of :func:`batch_jobs`, ``--edits -``
    with a corrected text on stdout."""
    jobs = shard_jobs(args, batch_jobs(args, options))
    if args.articles:
        if len(jobs) != 1:
            raise InputError(f"--articles needs a single input file ({len(jobs)} given)")
        jobs = [replace(jobs[0], articles=args.articles)]
    if args.edits == STDIO and any(j.target == STDIO for j in jobs):
        raise InputError("--edits - and the corrected text would both go to stdout: give -o OUT or write the edits to a file")
    return jobs


def _check_run_outputs(args: argparse.Namespace, jobs: Sequence[Job]) -> None:
    """Refuse outputs (the corrected files, ``--edits``, ``--stats``, ``--articles``) that would
    overwrite an input or a model, or each other (:func:`~ocrfix.textio.check_outputs`)."""
    out_role = "-o" if args.out_dir is None else "--out-dir"
    models = [*model_inputs(args), ("--keep", args.keep)]
    check_outputs([*((out_role, j.target) for j in jobs), ("--edits", args.edits), ("--stats", args.stats), ("--articles", args.articles)],
                  [*(("IN", j.source) for j in jobs), *models])


def summary_line(n_jobs: int, outcomes: Sequence[Outcome], seconds: float, stopped: bool = False,
                 resume: bool = False) -> str:
    """``ocrfix: 36 files (2 done earlier, 1 failed), 80,000 chars, 1,252 edits in 9.5 s (8,400 chars/s)``
    (:func:`files_line` for the files)."""
    chars = sum(o.chars for o in outcomes)
    edits = sum(o.edit_count for o in outcomes)
    return (f"{files_line(n_jobs, outcomes, stopped, resume)}, {chars:,} chars, {edits:,} edit{'s' if edits != 1 else ''} "
            f"in {seconds:.1f} s ({chars / max(seconds, 1e-9):,.0f} chars/s)")


def quality_line(outcomes: Sequence[Outcome], over: float = 0.05) -> str | None:
    """``ocrfix: estimated OCR CER 4.1 % (80 % range 2.6-6.2 %), corrected 1.6 % (0.9-2.5 %)`` for one file; for
    several, their medians and how many are estimated over ``over``; None where no file has an estimate."""
    estimates = [o.quality for o in outcomes if o.quality is not None]
    if not estimates:
        return None
    if len(estimates) == 1:
        (one,) = estimates
        line = f"ocrfix: estimated OCR CER {_percent(one.ocr.cer)} (80 % range {_percent(one.ocr.low)}-{_percent(one.ocr.high)})"
        if one.corrected is not None:
            line += f", corrected {_percent(one.corrected.cer)} ({_percent(one.corrected.low)}-{_percent(one.corrected.high)})"
        return line
    worse = sum(e.ocr.cer > over for e in estimates)
    corrected = [e.corrected.cer for e in estimates if e.corrected is not None]
    after = f", corrected {_percent(statistics.median(corrected))}" if len(corrected) == len(estimates) else ""
    return (f"ocrfix: estimated OCR CER, median of {len(estimates):,} files {_percent(statistics.median(e.ocr.cer for e in estimates))}"
            f"{after}; {worse:,} estimated over {_percent(over, 0)} (each file's in --stats)")


def _percent(share: float, digits: int | None = None) -> str:
    """``share`` in per cent, to 0.1 % (0.01 % under 1 %: a clean page's estimate is 0.03 %, not 0.0 %)."""
    return f"{share * 100:.{(2 if share < 0.01 else 1) if digits is None else digits}f} %"


def files_line(n_jobs: int, outcomes: Sequence[Outcome], stopped: bool = False, resume: bool = False) -> str:
    """``ocrfix: 36 files (2 done earlier, 1 failed)``: the start of a batch's summary line.

    The jobs without an outcome were finished by an earlier run (``--resume``) or, when the run
    ``stopped`` at its first failure (``--on-error abort``), left unreported: not run, or finished
    by another worker while the run stopped."""
    missing = n_jobs - len(outcomes)
    notes = []
    if missing and stopped:
        notes.append(f"{missing:,} not counted: {'done earlier or ' if resume else ''}left at the first failure")
    elif missing:
        notes.append(f"{missing:,} done earlier")
    notes += [f"{sum(1 for o in outcomes if o.error):,} failed"]
    return f"ocrfix: {_files(n_jobs)} ({', '.join(notes)})"


def picked_line(outcomes: Sequence[Outcome]) -> str | None:
    """``ocrfix: profile from the files' OCR software: generic for 1 file ('ABBYY FineReader 15'), ...;
    from the text's habits: ppocr for 3 files`` (None when no file's software or text moved the
    profile from the default, or the run chose its profile)."""
    named: dict[str, dict[str, int]] = {}
    by_habits: Counter[str] = Counter()
    for outcome in outcomes:
        if isinstance(outcome.picked, HabitPick):
            by_habits[outcome.picked.profile] += 1
        elif outcome.picked is not None and outcome.picked.software:
            software = named.setdefault(outcome.picked.name, {})
            software[outcome.picked.software] = software.get(outcome.picked.software, 0) + 1
    parts = []
    if named:
        parts.append("from the files' OCR software: " + "; ".join(
            f"{name} for {_files(sum(n.values()))} ({', '.join(map(repr, n))})" for name, n in sorted(named.items())))
    if by_habits:
        parts.append("from the text's habits (no OCR software named): "
                     + "; ".join(f"{name} for {_files(n)}" for name, n in sorted(by_habits.items())))
    return f"ocrfix: profile {'; '.join(parts)}" if parts else None


def _files(n: int) -> str:
    return f"{n:,} file{'s' if n != 1 else ''}"


@contextlib.contextmanager
def batch_runner(address: str | None, work: "Work | None" = None) -> Iterator[object]:
    """The Dask runner of ``--dask`` doing ``work`` (default: correcting) on each file, its cluster
    closed at the end; or None: worker processes."""
    if address is None:
        yield None
        return
    from ..distributed import dask_runner, session

    with session(address) as client:
        yield dask_runner(client) if work is None else dask_runner(client, work)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM (kill, a batch scheduler's time limit) stops the run like Ctrl-C: workers are
    stopped, no partial file is left and the finished files' sidecars stay for ``--resume``; and
    neither it nor Ctrl-C prints a traceback where it strikes inside a finalizer (:func:`~ocrfix.batch.interrupt`)."""
    from ..batch import interrupt, terminate

    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, terminate), signal.SIGINT: signal.signal(signal.SIGINT, interrupt)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
