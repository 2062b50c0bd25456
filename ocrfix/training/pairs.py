"""The pairs a profile is fitted on: reading them, holding some out, aligning them, scoring a text.

A pair is one OCR text and its ground truth (:class:`Pair`): a page (``NAME.ocr.txt`` +
``NAME.gt.txt``; the GT may be a web version with its blocks in another order, so pages are
aligned with the evaluation's block-robust aligner), a line of a TSV file (FASPell) or of two
line-aligned files (SIGHAN). A page's OCR may also be a structured file, ``NAME.ocr.xml`` (ALTO,
PAGE, ABBYY), ``NAME.ocr.hocr``, ``NAME.ocr.json`` (PaddleOCR / RapidOCR, Google Cloud Vision, Azure, Amazon Textract) or
``NAME.ocr.tsv`` (Tesseract TSV): it is then read as ``ocrfix correct`` reads it (:func:`ocr_page`): the
geometry reflow's text is what the corrector sees, its printed lines are where the line-end stages
work, and the printed lines whose box reaches past their column's measure are kept with it (the
evidence of a profile's ``line_end_reach``). What cannot be used is skipped with one warning per input.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from rapidfuzz.distance import Levenshtein
from tqdm import tqdm

from ..errors import InputError
from ..formats.registry import is_ocr_file_name
from ..normalize import fold_char
from ..text_reflow import reflow, reflow_columns, render
from ..textio import read_text
from .confusions.learn import ChannelCounts, plain_pairs
from .fit import Labeled
from .truth import page_truth, position_truth

if TYPE_CHECKING:
    from ..correction.corrector import Corrector

T = TypeVar("T")

#: One pair in this many is held out (deterministically: the last of every group).
HOLDOUT_EVERY = 5


#: Clean text (``--clean``) is cut into texts of about this many characters (page-sized, like the pairs).
CLEAN_CHUNK = 2000


@dataclass(frozen=True)
class Pair:
    """One OCR text and its ground truth; a ``page`` is reflowed before correction, a line is not.
    A page as the fit reads it has ``ocr`` as printed (a plain page's lines in column order,
    :func:`read_with_lm`) and ``reflowed`` as the corrector reflows it (a structured page's: the
    geometry's); a structured page is corrected from its file (``path``, :meth:`corrected`)."""

    name: str
    ocr: str
    gt: str
    page: bool
    #: offsets in ``ocr`` of the last characters of printed lines whose box reaches past their column's
    #: measure with no mark read (a structured page's, :meth:`ocrfix.formats.Reflowed.reaching`); None: no geometry
    reaching: frozenset[int] | None = None
    #: the geometry reflow's text (a structured page's, :attr:`ocrfix.formats.Reflowed.text`); None: reflowed as text
    reflowed: str | None = None
    path: Path | None = None  # a structured page's file (read again to correct it); None: text

    @property
    def source(self) -> str:
        """The text the corrector's decoder sees (a page's reflow)."""
        if self.reflowed is not None:
            return self.reflowed
        return reflow(self.ocr) if self.page else self.ocr

    def corrected(self, corrector: Corrector) -> str:
        """The pair's OCR corrected by ``corrector`` as ``ocrfix correct`` corrects it: a structured page
        story by story from its geometry reflow (:func:`ocrfix.formats.correct_document`), a plain page
        reflowed by the corrector, a line as it is."""
        return corrected_page(corrector, self.ocr, self.path).text if self.page else corrector.correct(self.ocr, reflow=False).text


# ---- reading the pairs ------------------------------------------------------------------

def read_pairs(inputs: Sequence[str | Path], err_gold: Sequence[Sequence[str | Path]] = (),
               warn: Callable[[str], None] = print) -> list[Pair]:
    """The pairs under ``inputs`` (directories or TSV files) and of each ``(ERR, GOLD)`` of
    ``err_gold`` (two line-aligned files); what cannot be used is skipped with one warning per input."""
    pairs: list[Pair] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            pairs += _directory_pairs(path, warn)
        elif path.is_file():
            pairs += _tsv_pairs(path, warn)
        else:
            raise InputError(f"{path}: no such file or directory")
    for err_path, gold_path in err_gold:
        err, gold = read_text(err_path).splitlines(), read_text(gold_path).splitlines()
        if len(err) != len(gold):
            raise InputError(f"--pairs: {err_path} has {len(err)} lines, {gold_path} {len(gold)}: not line-aligned")
        found = [Pair(f"{Path(err_path).name}:{i + 1}", e.strip(), g.strip(), False)
                 for i, (e, g) in enumerate(zip(err, gold)) if e.strip() and g.strip()]
        _warn_skipped(warn, err_path, len(err) - len(found), "empty line pairs")
        pairs += found
    if not pairs:
        named = [*map(str, inputs), *(str(p) for pair in err_gold for p in pair)]
        raise InputError(f"no OCR / ground-truth pairs in {', '.join(named)}")
    return pairs


def column_read(text: str, lm) -> tuple[str, str]:
    """Plain ``text`` as the corrector reads it with ``lm``: its lines in column order (where an engine listed
    them across side-by-side columns) and their reflow, the LM settling the breaks the rules leave open
    (:func:`~ocrfix.text_reflow.reflow_columns`)."""
    printed, blocks = reflow_columns(text, lm)
    return printed, render(blocks)


def read_with_lm(pair: Pair, lm) -> Pair:
    """A plain page with its lines in column order (``ocr``) and their reflow (``reflowed``) as the
    corrector reads them with ``lm`` (:func:`column_read`); a structured page or a line as it is."""
    if not pair.page or pair.reflowed is not None:
        return pair
    printed, reflowed = column_read(pair.ocr, lm)
    return replace(pair, ocr=printed, reflowed=reflowed)


def readable(paths: Iterable[Path], read: Callable[[Path], T], warn: Callable[[str], None], where: str | Path
             ) -> list[tuple[Path, T]]:
    """``(path, read(path))`` of the ``paths`` that can be read; the others (not valid JSON or XML, binary,
    undecodable: an :class:`InputError`) skipped with one warning that names them and why, so that one bad
    file of an archive does not stop a fit."""
    done, bad = [], []
    for path in paths:
        try:
            done.append((path, read(path)))
        except InputError as error:
            bad.append(str(error))
    _warn_skipped(warn, where, len(bad), "files that cannot be read", bad)
    return done


def _warn_skipped(warn: Callable[[str], None], where: str | Path, n: int, what: str, names: Sequence[str] = ()) -> None:
    if n:
        shown = f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if names else ""
        warn(f"ocrfix: warning: {where}: skipped {n} {what}{shown}")


def ocr_files(root: Path) -> list[Path]:
    """The ``NAME.ocr.EXT`` files under ``root`` (EXT one of :data:`~ocrfix.formats.registry.OCR_SUFFIXES`,
    maybe gzip-compressed)."""
    return sorted(p for p in root.rglob("*.ocr.*") if p.is_file() and is_ocr_file_name(p.name))


class OcrPage(NamedTuple):
    """An OCR file as the corrector reads it: its text as printed, the offsets in it of the printed lines
    whose box reaches past their column's measure, its geometry reflow's text and its path (all None:
    plain text). The document itself is not kept: a whole page read by Tesseract takes about 2 MB
    parsed, and an archive given to ``ocrfix fit --unsupervised`` may hold thousands."""

    printed: str
    reaching: frozenset[int] | None = None
    reflowed: str | None = None
    path: Path | None = None


def ocr_page(path: Path) -> OcrPage:
    """The OCR text of a file: plain text as it is, a structured file (hOCR, ALTO, PAGE, ABBYY,
    PaddleOCR / RapidOCR, Google Cloud Vision, Azure or Amazon Textract JSON, Tesseract TSV) as its
    geometry reflow's paragraphs with their printed lines on lines of their own (where the columns
    wrapped them: the line-end stages learn from those), with the lines whose box reaches past their
    column's measure (:meth:`ocrfix.formats.Reflowed.reaching`) and the reflow's text."""
    from ..formats import read_document, reflow_document

    doc = read_document(path)
    if doc.format == "text":
        return OcrPage(doc.source.decode("utf-8"))
    flow = reflow_document(doc)
    return OcrPage(flow.wrapped(), flow.reaching(), flow.text, path)


def corrected_page(corrector: Corrector, printed: str, path: Path | None) -> Any:
    """``corrector``'s result for a page as ``ocrfix correct`` makes it (its ``text``, ``source`` and
    ``edits``): a structured page's file ``path`` story by story from its geometry reflow
    (:func:`ocrfix.formats.correct_document`), plain text ``printed`` reflowed by the corrector."""
    if path is not None:
        from ..formats import correct_document, read_document

        return correct_document(read_document(path), corrector)
    return corrector.correct(printed)


def _directory_pairs(root: Path, warn: Callable[[str], None]) -> list[Pair]:
    gt_files = sorted(root.rglob("*.gt.txt"))
    partner = {p: p.with_name(p.name[: p.name.rindex(".ocr.")] + ".gt.txt") for p in ocr_files(root)}
    lonely_ocr = [p.name for p, g in partner.items() if not g.is_file()]
    matched = set(partner.values())
    lonely_gt = [g.name for g in gt_files if g not in matched]
    _warn_skipped(warn, root, len(lonely_ocr), "OCR files without a NAME.gt.txt", lonely_ocr)
    _warn_skipped(warn, root, len(lonely_gt), "ground-truth files without a NAME.ocr.txt", lonely_gt)
    read = readable([p for p, g in partner.items() if g.is_file()], lambda p: (ocr_page(p), read_text(partner[p])), warn, root)
    pairs = [Pair(str(p.relative_to(root)), page.printed, gt, True, page.reaching, page.reflowed, page.path)
             for p, (page, gt) in read]
    if not partner and not gt_files:
        warn(f"ocrfix: warning: {root}: no NAME.ocr.txt + NAME.gt.txt pairs")
    return pairs


def _tsv_pairs(path: Path, warn: Callable[[str], None]) -> list[Pair]:
    """``n<TAB>ocr<TAB>gt`` (FASPell) or ``ocr<TAB>gt`` lines."""
    pairs, bad = [], []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 3 and fields[0].strip().isdigit():
            fields = fields[1:]
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            bad.append(str(number))
            continue
        pairs.append(Pair(f"{path.name}:{number}", fields[0].strip(), fields[1].strip(), False))
    _warn_skipped(warn, path, len(bad), "lines that are not n<TAB>ocr<TAB>gt or ocr<TAB>gt, lines", bad)
    return pairs


def groups(pairs: Sequence[Pair]) -> list[int]:
    """Per pair, the index of its ground truth among the distinct ground truths (in order of first
    appearance): copies of one text (a caption in many frames, a sentence typed twice) share it, so
    a split by group never puts one copy on each side."""
    index: dict[str, int] = {}
    return [index.setdefault(pair.gt, len(index)) for pair in pairs]


#: Share of a pair's ground truth left unaligned beyond which it is skipped (:func:`alignable`).
MAX_UNALIGNED = 0.5


def alignable(pairs: Sequence[Pair], warn: Callable[[str], None] = print) -> list[Pair]:
    """The pairs whose OCR and ground truth align: a page with more than :data:`MAX_UNALIGNED` of
    its ground truth unmatched by the block-robust aligner, or a line with more edits than that
    share of its length, is another text (a wrong partner) or a page whose rows the engine read across
    its columns (no column order untangles those), and skipped with a warning."""
    from ..evaluation import evaluate

    kept, bad = [], []
    for pair in tqdm(pairs, desc="align", unit="pair", file=sys.stderr, leave=False):
        if pair.page:
            report = evaluate(pair.gt, pair.source)
            off = report.unmatched_gt_chars / max(1, report.gt_chars)
        else:
            off = Levenshtein.distance(squeeze(pair.ocr), squeeze(pair.gt)) / max(1, len(squeeze(pair.gt)))
        (bad if off > MAX_UNALIGNED else kept).append(pair)
    _warn_skipped(warn, "fit", len(bad), "pairs whose OCR and ground truth do not align "
                  "(another text, or rows read across a page's columns?)", [p.name for p in bad])
    return kept


def split_held_out(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(training pairs, held-out pairs): the pairs of every :data:`HOLDOUT_EVERY`-th distinct ground truth are held out."""
    held = [g % HOLDOUT_EVERY == HOLDOUT_EVERY - 1 for g in groups(pairs)]
    return [p for p, h in zip(pairs, held) if not h], [p for p, h in zip(pairs, held) if h]


# ---- alignment: the channel and per-character truth ---------------------------------------

def substitutions(pair: Pair, source: str) -> list[tuple[str, str]]:
    """(gt_char, ocr_char) substitutions of a pair: block-robust alignment for pages (the GT may
    be in another order), one edit script for lines."""
    if pair.page:
        from ..evaluation import aligned_pairs

        return aligned_pairs(pair.gt, source)
    return plain_pairs(pair.gt, source)


def channel_counts(pairs: Sequence[Pair], sources: Sequence[str]) -> ChannelCounts:
    counts = ChannelCounts()
    for pair, source in zip(pairs, sources):
        counts.add_text(pair.gt, substitutions(pair, source), source)
    return counts


def labeled(pair: Pair, source: str) -> Labeled:
    """The decoder's text with its per-character truth (``None`` where the alignment is not one-to-one; a
    page aligned stretch by stretch, its ground truth's blocks maybe in another order: :func:`~.truth.page_truth`)."""
    truth = page_truth(source, pair.gt) if pair.page else position_truth(source, pair.gt)
    return Labeled(source, tuple(truth), "page", pair.name)


def clean_labeled(texts: Iterable[tuple[str, str]], kind: str = "clean") -> list[Labeled]:
    """Clean (name, text) as calibration texts (of ``kind``) whose every character is right."""
    return [Labeled(text, tuple(map(fold_char, text)), kind, name) for name, text in texts if text.strip()]


def twin_lines(pairs: Iterable[Pair]) -> list[Labeled]:
    """The ground truth of each line pair whose OCR differs from it, as a line without errors.

    A file of line pairs holds (nearly) only lines with an error, while the text a profile then
    corrects holds correct sentences too, of the same kind: SIGHAN-15's test is half correct
    sentences. Calibrated on the pairs alone, a threshold that fixed 15 errors per error introduced
    across the folds introduced one per 7.5 fixed on that test (benchmarks/RESULTS.md, "Sentence
    fits"): the false edits of the correct half were never counted. A twin of every wrong line
    counts them as if the user's text held as many correct lines as wrong ones: their changes
    count as introduced errors in the fixed / introduced ratio (not against the clean-text budget,
    which a typing-error profile cannot keep on its own kind of text)."""
    return clean_labeled(((pair.name, pair.gt) for pair in pairs if not pair.page and pair.gt != pair.ocr), kind="twin")


def clean_texts(dirs: Sequence[str | Path]) -> list[tuple[str, str]]:
    """The ``*.txt`` files under ``dirs``, cut at line ends into texts of about :data:`CLEAN_CHUNK` characters."""
    out = []
    for d in dirs:
        root = Path(d)
        files = sorted(root.rglob("*.txt")) if root.is_dir() else [root]
        if not files or not all(f.is_file() for f in files):
            raise InputError(f"{root}: no clean text files (*.txt)")
        for f in files:
            out += [(f"{f.name}:{number}", chunk) for number, chunk in enumerate(chunked(read_text(f).splitlines()))]
    return out


def chunked(lines: Iterable[str], size: int = CLEAN_CHUNK) -> list[str]:
    """``lines`` joined into texts of about ``size`` characters (cut at line ends)."""
    chunks, chunk, length = [], [], 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            chunks.append("\n".join(chunk))
            chunk, length = [], 0
    if chunk:
        chunks.append("\n".join(chunk))
    return chunks


def score_text(pair: Pair, source: str, hyp: str) -> tuple[int, int, int, int]:
    """(fixed, introduced, errors before, errors after) of ``hyp`` made from ``source``: pages
    three-way with the evaluation aligner, lines on their one edit script."""
    if pair.page:
        from ..evaluation import evaluate

        report = evaluate(pair.gt, hyp, ocr=source)
        return (report.correction.errors_fixed, report.correction.errors_introduced,
                report.ocr_counts.errors, report.counts.errors)
    truth = position_truth(source, pair.gt)
    before, after = Levenshtein.distance(squeeze(source), squeeze(pair.gt)), Levenshtein.distance(squeeze(hyp), squeeze(pair.gt))
    if len(hyp) != len(source):  # a length change: count it by the distances alone
        return max(0, before - after), max(0, after - before), before, after
    fixed = sum(1 for s, h, t in zip(source, hyp, truth) if s != h and t is not None and fold_char(h) == t)
    introduced = sum(1 for s, h, t in zip(source, hyp, truth) if s != h and t is not None and fold_char(s) == t)
    return fixed, introduced, before, after


def squeeze(text: str) -> str:
    """``text`` without whitespace, widths folded: what the scores compare."""
    return "".join(fold_char(ch) for ch in text if not ch.isspace())
