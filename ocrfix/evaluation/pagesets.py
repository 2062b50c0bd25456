"""Scores of a set of pages: each page's ground truth, hypothesis (and raw OCR) paired by name, each
page scored on its own (:func:`ocrfix.evaluation.evaluate`), and the counts summed.

The set's CER is all its errors over all its matched GT characters (a micro average: a long page
weighs more than a short one, as in dinglehopper's and ocrevalUAtion's corpus figures); the median
page's CER is given beside it, since one garbled page can dominate a sum. A GT page without a
hypothesis counts whole as unmatched GT text in ``cer_all`` (a page the system lost); a hypothesis
without GT cannot be scored and is listed.

Pages pair by their name (:func:`page_key`): the path below the folder, without the format's suffix
and one role tag, so ``gt/p1.gt.txt``, ``fixed/p1.txt`` and ``ocr/p1.ocr.hocr`` are one page.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping, NamedTuple

from ..errors import InputError
from ..formats.registry import OCR_SUFFIXES, is_ocr_file_name, ocr_file_patterns
from . import EvalReport, confusion_counts, evaluate, to_doc
from .errata import Erratum
from .metrics import Counts, ThreeWay
from .stories import StoryScores

#: Role tags a page's name loses after its format suffix (``p1.gt.txt`` and ``p1.ocr.txt`` are page
#: ``p1``), by the role they name: a file tagged for one role is never read as another's.
ROLE_TAGS = {"gt": (".gt", ".ref", ".truth", ".web"), "hyp": (".hyp", ".fixed", ".corrected", ".reflow"), "ocr": (".ocr",)}
#: The tags a role's files never carry. A hypothesis may be tagged ``.ocr``: ``ocrfix correct --out-dir``
#: writes ``p1.ocr.txt``'s correction under the same name.
_NOT_FOR = {"gt": ("hyp", "ocr"), "hyp": ("gt",), "ocr": ("gt", "hyp")}


def _split_name(relative: str) -> tuple[str, str | None]:
    """(page key, the role its tag names or None) of a path below a folder (see :func:`page_key`)."""
    key = relative.removesuffix(".gz")
    key = next((key[: -len(s)] for s in OCR_SUFFIXES if key.endswith(s) and len(key) > len(s)), key)
    for role, tags in ROLE_TAGS.items():
        for tag in tags:
            if key.endswith(tag) and len(key) > len(tag):
                return key[: -len(tag)], role
    return key, None


def page_key(relative: str) -> str:
    """The name a page pairs by: ``relative`` (a path below its folder, ``/``-separated) without a
    ``.gz``, one format suffix (:data:`~ocrfix.formats.registry.OCR_SUFFIXES`) and one role tag
    (:data:`ROLE_TAGS`)."""
    return _split_name(relative)[0]


def pages_in(where: str | Path, role: str | None = None) -> dict[str, str]:
    """Page key -> path of every file ``where`` names: a directory's files named like OCR files
    (recursively; hidden files skipped), or the files a glob pattern matches (``pages/*.gt.txt``,
    ``pages/**/*.xml``: when one directory holds several files of a page, the pattern says which), their
    keys taken below the pattern's directory. With ``role`` (``"gt"``, ``"hyp"``, ``"ocr"``), a file
    tagged for a role it is not (:data:`_NOT_FOR`) is never taken, and a directory that tags files for
    that role is read by its tags (``p1.gt.txt`` beside ``p1.ocr.txt`` and ``p1.meta.json``: ``--gt``
    takes the first alone). Two files of one page that nothing tells apart are an
    :class:`InputError` (a pattern or a pairs file says which)."""
    root, pattern = _root_and_pattern(str(where))
    paths = sorted(p for p in root.glob(pattern) if p.is_file() and not p.name.startswith("."))
    if pattern == "**/*":
        paths = [p for p in paths if is_ocr_file_name(p.name)]
    files = [(path, *_split_name(path.relative_to(root).as_posix())) for path in paths]
    if role is not None:
        files = [f for f in files if f[2] not in _NOT_FOR[role]]
        tagged = [f for f in files if f[2] == role]
        files = tagged if tagged and pattern == "**/*" else files
    found: dict[str, str] = {}
    for path, key, _ in files:
        if key in found:
            raise InputError(f"{found[key]} and {path} are the same page {key!r}; name the files with a pattern "
                             f"('{root}/*.gt.txt') or give the pairs in a --pairs file")
        found[key] = str(path)
    if not found:
        raise InputError(f"{where}: no page files" + (f" ({ocr_file_patterns()})" if pattern == "**/*" else ""))
    return found


def _root_and_pattern(where: str) -> tuple[Path, str]:
    """The directory a page set is read below and the glob pattern of its files (``**/*``: all of them)."""
    if not any(ch in where for ch in "*?["):
        if not Path(where).is_dir():
            raise InputError(f"{where}: not a directory (nor a pattern such as 'pages/*.gt.txt')")
        return Path(where), "**/*"
    parts = Path(where).parts
    fixed = next(k for k, part in enumerate(parts) if any(ch in part for ch in "*?["))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    if not root.is_dir():
        raise InputError(f"{where}: {root} is not a directory")
    return root, str(Path(*parts[fixed:]))


def page_set_root(where: str | Path) -> Path:
    """The directory a set of pages is read below (a directory, or a glob pattern's directory)."""
    return _root_and_pattern(str(where))[0]


def is_page_set(where: str) -> bool:
    """Whether ``where`` names a set of pages (a directory or a glob pattern) rather than one file."""
    return Path(where).is_dir() or (any(ch in where for ch in "*?[") and not Path(where).exists())


class PagePaths(NamedTuple):
    """One page's files: its ground truth, hypothesis and raw OCR (None: the set has none of it)."""

    key: str
    gt: str
    hyp: str | None
    ocr: str | None = None


class Pairing(NamedTuple):
    pages: list[PagePaths]
    #: Keys of hypotheses that have no ground truth.
    hyp_without_gt: list[str]


def pair_folders(gt: Mapping[str, str], hyp: Mapping[str, str], ocr: Mapping[str, str] | None = None) -> Pairing:
    """Each GT page with the hypothesis (and OCR) of its key (see :func:`pages_in`)."""
    pages = [PagePaths(key, path, hyp.get(key), None if ocr is None else ocr.get(key)) for key, path in gt.items()]
    return Pairing(pages, sorted(set(hyp) - set(gt)))


def read_pairs_file(path: str | Path, text: str) -> Pairing:
    """The pages of a pairs file's ``text``: ``GT<TAB>HYP[<TAB>OCR]`` a line (blank lines and ``#``
    comments skipped), relative paths taken from the file's folder; the key is the GT path as written."""
    base = Path(path).parent
    pages: list[PagePaths] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) not in (2, 3) or not all(f.strip() for f in fields):
            raise InputError(f"{path}:{number}: expected GT<TAB>HYP or GT<TAB>HYP<TAB>OCR")
        paths = [str(base / f.strip()) for f in fields]
        pages.append(PagePaths(fields[0].strip(), paths[0], paths[1], paths[2] if len(paths) == 3 else None))
    if not pages:
        raise InputError(f"{path}: the pairs file lists no pages")
    return Pairing(pages, [])


@dataclass(frozen=True)
class SetReport:
    """Per-page reports (without their alignments) and what could not be paired."""

    #: (page key, its report) of every page that has a hypothesis, in key order.
    pages: tuple[tuple[str, EvalReport], ...]
    #: GT pages without a hypothesis, and their GT characters (in ``cer_all``).
    missing_hyp: tuple[str, ...] = ()
    missing_hyp_chars: int = 0
    #: Pages scored without their raw OCR though the set has OCR (no three-way scores for them).
    missing_ocr: tuple[str, ...] = ()
    hyp_without_gt: tuple[str, ...] = ()
    #: Substitution pairs summed over the pages (of the raw OCR where given, else of the hypothesis).
    substitutions: tuple[tuple[str, str, int], ...] = ()

    @property
    def counts(self) -> Counts:
        return Counts(*(sum(getattr(r.counts, f) for _, r in self.pages)
                        for f in ("substitutions", "deletions", "insertions", "matched_gt_chars")))

    @property
    def correction(self) -> ThreeWay | None:
        """Three-way scores summed over the pages scored with their raw OCR (None: none was)."""
        ways = [r.correction for _, r in self.pages if r.correction is not None]
        if not ways:
            return None
        return ThreeWay(*(sum(getattr(w, f) for w in ways)
                          for f in ("errors_fixed", "errors_introduced", "errors_left", "edits", "ocr_errors")))

    @property
    def stories(self) -> StoryScores | None:
        """Story scores summed over the pages whose GT has stories (None: none has)."""
        scored = [r.stories for _, r in self.pages if r.stories is not None]
        return sum(scored[1:], scored[0]) if scored else None

    @property
    def cer(self) -> float:
        """All errors over all matched GT characters."""
        counts = self.counts
        return _rate(counts.errors, counts.matched_gt_chars)

    @property
    def cer_all(self) -> float:
        """(errors + unmatched GT and HYP characters + GT characters of pages without HYP) / all GT characters."""
        unmatched = sum(r.unmatched_gt_chars + r.unmatched_hyp_chars for _, r in self.pages) + self.missing_hyp_chars
        return _rate(self.counts.errors + unmatched, sum(r.gt_chars for _, r in self.pages) + self.missing_hyp_chars)

    def to_dict(self) -> dict:
        counts, correction = self.counts, self.correction
        scored = [r for _, r in self.pages]
        total: dict = {
            "pages": len(self.pages),
            "cer": round(self.cer, 6),
            "cer_all": round(self.cer_all, 6),
            "median_page_cer": round(statistics.median(r.cer for r in scored), 6) if scored else 0.0,
            "gt_chars": sum(r.gt_chars for r in scored) + self.missing_hyp_chars,
            "hyp_chars": sum(r.hyp_chars for r in scored),
            "matched_gt_chars": counts.matched_gt_chars,
            "substitutions": counts.substitutions,
            "insertions": counts.insertions,
            "deletions": counts.deletions,
            "errors": counts.errors,
            "unmatched_gt_chars": sum(r.unmatched_gt_chars for r in scored),
            "unmatched_hyp_chars": sum(r.unmatched_hyp_chars for r in scored),
        }
        if correction is not None:
            ocr_scored = [r.ocr_counts for r in scored if r.ocr_counts is not None]
            total.update({
                "ocr_pages": len(ocr_scored),
                "ocr_cer": round(_rate(sum(c.errors for c in ocr_scored), sum(c.matched_gt_chars for c in ocr_scored)), 6),
                "errors_fixed": correction.errors_fixed,
                "errors_introduced": correction.errors_introduced,
                "errors_left": correction.errors_left,
                "edits": correction.edits,
                "ocr_errors": correction.ocr_errors,
                "precision": round(correction.precision, 6),
                "recall": round(correction.recall, 6),
                "f1": round(correction.f1, 6),
            })
        stories = self.stories
        if stories is not None:
            total["stories"] = {"pages": sum(r.stories is not None for r in scored), **stories.to_dict()}
        return {
            "total": total,
            "pages": [{"page": key, **report.to_dict()} for key, report in self.pages],
            "missing_hyp": list(self.missing_hyp),
            "missing_ocr": list(self.missing_ocr),
            "hyp_without_gt": list(self.hyp_without_gt),
        }


def _rate(errors: int, chars: int) -> float:
    if chars:
        return errors / chars
    return 0.0 if errors == 0 else 1.0


def evaluate_pages(pairing: Pairing, read: Callable[[str], str], *, strict: bool = False,
                   errata: tuple[Erratum, ...] | None = None, progress: Callable[[Iterable], Iterable] = iter,
                   with_ocr: bool = False, each: Callable[[PagePaths, EvalReport], None] | None = None) -> SetReport:
    """Score every page of ``pairing`` (``read``: a file's text, e.g. :func:`ocrfix.formats.evaluation_text`;
    ``progress`` wraps the pages, e.g. in a tqdm bar; ``with_ocr``: the set has raw OCR, so a page
    without it is listed in ``missing_ocr``; ``each``: called with every scored page and its whole
    report, e.g. to write its HTML report). Each page's alignments are dropped once its substitutions
    are counted (and ``each`` has seen them), so a large set holds only its counts."""
    reports: list[tuple[str, EvalReport]] = []
    missing: list[str] = []
    missing_chars = 0
    pairs: Counter[tuple[str, str]] = Counter()
    pages = sorted(pairing.pages)
    for page in progress(pages):
        gt = read(page.gt)
        if page.hyp is None:
            missing.append(page.key)
            missing_chars += len(to_doc(gt, strict).text)
            continue
        report = evaluate(gt, read(page.hyp), read(page.ocr) if page.ocr else None, strict=strict, errata=errata)
        pairs.update({(g, h): n for g, h, n in confusion_counts(report.ocr_alignment or report.alignment)})
        if each is not None:
            each(page, report)
        reports.append((page.key, replace(report, alignment=None, ocr_alignment=None)))
    return SetReport(tuple(reports), tuple(missing), missing_chars,
                     tuple(p.key for p in pages if with_ocr and p.hyp is not None and p.ocr is None),
                     tuple(pairing.hyp_without_gt),
                     tuple((g, h, n) for (g, h), n in pairs.most_common()))
