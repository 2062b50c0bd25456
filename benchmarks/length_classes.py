"""Errors by class, fixed and introduced by the corrector: dropped, extra, confused marks, Han substitutions.

    python -m benchmarks.length_classes pages build/bench/pages/eval [--profile tesseract] [--lm LM] [--label NAME] [--compare]
    python -m benchmarks.length_classes deletions TRAINING_PAGES... --length LENGTH.tsv   # the margin
    python -m benchmarks.length_classes where TRAINING_PAGES... [--profile NAME]          # where marks are lost
    python -m benchmarks.length_classes inserts TRAINING_PAGES...                         # insertions inside lines
    python -m benchmarks.length_classes insertions PAGES... [--profile P] [--lm LM] [--list]   # by stage and kind
    python -m benchmarks.length_classes han-sites PAGES... [--profile P] [--lm LM] [--surprise S] [--left L]

``pages``: 
Each page's raw OCR is corrected (reflowed by the corrector; shipped models, or ``--profile``); the OCR and
the output are each aligned with the ground truth (whitespace ignored, widths folded; one
minimal edit script, :func:`ocrfix.training.confusions.length.anchored`). A ground-truth
character is *dropped* where nothing was read for it, *confused mark* / *Han substitution* /
*other substitution* where a wrong character was read for a mark / a Han character / anything
else; an *extra* character was read where print has none. Per class: how many the OCR has, how
many the corrector fixed, how many it introduced (a character correct in the OCR that is in that
class in the output; an extra character more between two ground-truth neighbours). Insertions:
a dropped character put back is a right insertion; a wrong one is either a dropped character put
back as another (*another character where one was lost*: ``，`` where ``。`` was lost, one error for
another, so it is counted also as a confused mark introduced and the drop stays unfixed) or an
extra character introduced (*where nothing was lost*: one error more). ``--compare``: the same with the deletion
stage off, in the same run. ``--lm``: another LM in place of the shipped one (e.g. one trained
without the corpus files the pages were typeset from: text it never saw, as on held-out pages).
The last row is the whole pages' edit distance before and after correction (whitespace ignored,
widths folded: the generator's plain CER): where the OCR is so garbled that an edit script pairs
little of it with print, the classes say little, and this says whether the corrector helped.

Wrong insertions where nothing was lost are counted also apart where they are a mark at a source headline the page
generator ran into the text without one (:mod:`benchmarks.source_joins`: the page's ``meta.json`` and its corpus file
under ``OCRFIX_DATA``), and the wrong ones per 10 right are given with and without those (``pages`` and
``insertions``); pages without source lines keep their counts, none at a join, and a note says how many they are.

``where``: every ground-truth character the reflowed OCR dropped, by where it was lost (at a
wrapped line end the reflow joined, at a paragraph end, between two Han characters inside a
line, elsewhere) and by what it is (each mark, or a Han character), with how many of them the
corrector put back.

``inserts``: what inserting inside a line would do. At every gap between two Han characters of the
reflowed OCR that is not a wrapped line end and where the LM finds the right character improbable
(log10 P(right | the 5 characters before) below :data:`INSERT_GATE`): the mark (，。、) the LM likes
best there and the Han character among the context index's 5 likeliest between the two neighbours
that it likes best, each with its LM gain over nothing (6 characters either side); per threshold,
insertions of what the OCR lost there (right), where it lost nothing, and of something else.

``insertions``: each edit of the corrector that lengthens the text, replayed alone on the reflowed
OCR and scored against the ground truth, by its stage (``Edit.sources``) and kind: right, another
character where one was lost, or where nothing was lost; and each edit that shortens it: it deleted an
extra character, a misread one (one error for another), or one print has (``--list``: also each wrong one
in context).

``han-sites``: every gap the Han insertion stage (:mod:`ocrfix.correction.han_insertions`) weighs on the
corrector's reflowed text of each page (its gates, or ``--surprise`` and ``--left``), and per gain what its best
candidate would do there if it led the next by the stage's lead: put back what was lost (right), another
character where one was lost, or one where nothing was (the margin's calibration; ``--lm``: an LM that never
saw the pages' text, with its context index beside it).

``deletions``: the deletion stage alone (:mod:`ocrfix.correction.deletions`, shipped LM, length
rates learned from other pages) on the reflowed OCR of training pages, per margin: deletions of a
character the ground truth does not have (right; for a doubled character, either of the two) and
of one it has (wrong), of all the extra characters of the OCR.
"""
from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter
from collections.abc import Callable, Sequence, Set as AbstractSet
from pathlib import Path

from tqdm import tqdm

from benchmarks.metrics import edit_distance, squeeze
from benchmarks.source_joins import page_joins
from ocrfix.confusions.length import LengthRates
from ocrfix.correction import deletions, han_insertions
from ocrfix.correction.corrector import Corrector, load_lm
from ocrfix.correction.edits import Edit, apply_changes
from ocrfix.correction.line_marks import SPAN as line_marks_span, wrapped_line_ends
from ocrfix.lm.context import ContextIndex, context_path
from ocrfix.correction.rules import RULES, mark_scores, replacement_gain, rule_changes
from ocrfix.segment import protected_mask
from ocrfix.settings import load_settings
from ocrfix.normalize import fold_char, is_han, lm_tokens
from ocrfix.text_reflow import reflow
from ocrfix.textio import read_text
from ocrfix.training.confusions.learn import page_docs
from ocrfix.training.confusions.length import Anchored, anchored
from ocrfix.training.fit import page_pairs

DROPPED, EXTRA = "dropped", "extra"
CLASSES = (DROPPED, EXTRA, "confused mark", "Han substitution", "other substitution")


def char_status(a: Anchored) -> list[str | None]:
    """Per ground-truth character: None where read right, else its error class."""
    out: list[str | None] = []
    for j, i in enumerate(a.at):
        true = a.gt[j]
        if i is None:
            out.append(DROPPED)
        elif fold_char(a.hyp[i]) == fold_char(true):
            out.append(None)
        elif is_han(true):
            out.append("Han substitution")
        elif true.isalnum():
            out.append("other substitution")
        else:
            out.append("confused mark")
    return out


def _extras(a: Anchored) -> Counter[int]:
    return Counter(gap for _, gap in a.extra)


def extra_marks(a: Anchored) -> Counter[int]:
    """How many of the extra characters of ``a`` that are marks stand before each ground-truth gap."""
    return Counter(gap for i, gap in a.extra if _kind(a.hyp[i]) == 2)


def _kind(ch: str) -> int:
    return 0 if is_han(ch) else 1 if ch.isalnum() else 2


def _pair_by_kind(hyp: str, gt: str) -> list[int | None]:
    """Per character of ``gt``: the index of the character of ``hyp`` paired with it (None: dropped),
    ``min(len(hyp), len(gt))`` pairs in order, as many of them alike in kind (Han, letter or digit, mark)
    as can be."""
    n, m = len(gt), len(hyp)
    best = [[0] * (m + 1) for _ in range(n + 1)]  # most pairs alike in kind, pairing gt[j:] with hyp[i:]
    for j in range(n - 1, -1, -1):
        for i in range(m - 1, -1, -1):
            options = [(_kind(gt[j]) == _kind(hyp[i])) + best[j + 1][i + 1]]
            if n - j > m - i:
                options.append(best[j + 1][i])  # gt[j] dropped
            if m - i > n - j:
                options.append(best[j][i + 1])  # hyp[i] extra
            best[j][i] = max(options)
    at: list[int | None] = [None] * n
    j = i = 0
    while j < n and i < m:  # a pair first where it does as well: ties kept as anchored() breaks them
        if (_kind(gt[j]) == _kind(hyp[i])) + best[j + 1][i + 1] == best[j][i]:
            at[j], j, i = i, j + 1, i + 1
        elif n - j > m - i:
            j += 1
        else:
            i += 1
    return at


def paired_by_kind(a: Anchored) -> Anchored:
    """``a`` with each stretch between two characters read right re-paired by :func:`_pair_by_kind`.

    :func:`~ocrfix.training.confusions.length.anchored` pairs such a stretch from its start and leaves
    the drops (or extras) at its end: the OCR's 十一偶金 for 十一”黄金 reads as ``”`` confused with 偶
    and 黄 dropped, and the ``”`` put back then reads as 黄 read 偶 where one was lost (one error for
    two, counted as a wrong insertion). Paired by kind, 偶 stands for 黄 and the ``”`` was dropped."""
    hyp, gt = a.hyp, a.gt
    anchors = [(j, i) for j, i in enumerate(a.at) if i is not None and fold_char(hyp[i]) == fold_char(gt[j])]
    at: list[int | None] = [None] * len(gt)
    extra: list[tuple[int, int]] = []
    for (j0, i0), (j1, i1) in zip([(-1, -1), *anchors], [*anchors, (len(gt), len(hyp))]):
        if j1 < len(gt):
            at[j1] = i1
        pairs = _pair_by_kind(hyp[i0 + 1:i1], gt[j0 + 1:j1])
        for k, i in enumerate(pairs):
            at[j0 + 1 + k] = None if i is None else i0 + 1 + i
        used = {i for i in pairs if i is not None}
        for i in range(i1 - i0 - 1):
            if i not in used:
                extra.append((i0 + 1 + i, j0 + 1 + next((k for k, p in enumerate(pairs) if p is not None and p > i), len(pairs))))
    return Anchored(hyp, gt, at, extra)


def class_changes(ocr: str, output: str, gt: str, joins: frozenset[int] = frozenset()) -> Counter[str]:
    """Counts ``"<class> before"``, ``"<class> fixed"``, ``"<class> introduced"`` (classes of
    :data:`CLASSES`) and ``"insertions right"`` / ``"insertions wrong"`` of correcting ``ocr``
    into ``output``, against ``gt`` (each aligned with it by :func:`paired_by_kind`); and the
    whole text's ``"edit distance before"`` / ``"after"`` of ``"gt chars"`` (the plain CER's: on
    OCR so garbled that one edit script pairs little of it with print, the classes say little and
    these two say whether the corrector helped). ``joins``: offsets of the whitespace-free ``gt`` before which
    the page generator ran a source headline into the text (:func:`benchmarks.source_joins.page_joins`); an extra
    mark introduced there is counted also as ``"insertions wrong, "`` + :data:`AT_JOIN`."""
    before, after = paired_by_kind(anchored(ocr, gt)), paired_by_kind(anchored(output, gt))
    counts: Counter[str] = Counter()
    for b, a in zip(char_status(before), char_status(after)):
        if b is not None:
            counts[f"{b} before"] += 1
            counts[f"{b} fixed"] += a is None
        if a is not None and a != b:
            counts[f"{a} introduced"] += 1
        if b == DROPPED and a is None:
            counts["insertions right"] += 1
        elif b == DROPPED and a is not None and a != DROPPED:
            counts["insertions wrong"] += 1
            counts["insertions wrong, another character where one was lost"] += 1
    extra_before, extra_after = _extras(before), _extras(after)
    counts[f"{EXTRA} before"] += sum(extra_before.values())
    for gap in extra_before.keys() | extra_after.keys():
        counts[f"{EXTRA} fixed"] += max(0, extra_before[gap] - extra_after[gap])
        counts[f"{EXTRA} introduced"] += max(0, extra_after[gap] - extra_before[gap])
    marks_before, marks_after = extra_marks(before), extra_marks(after)
    counts[f"insertions wrong, {AT_JOIN}"] += sum(max(0, marks_after[gap] - marks_before[gap]) for gap in joins)
    counts["insertions wrong"] += counts[f"{EXTRA} introduced"]
    counts["insertions wrong, where nothing was lost"] += counts[f"{EXTRA} introduced"]
    counts["gt chars"] += len(squeeze(gt))
    counts["edit distance before"] += edit_distance(gt, ocr)
    counts["edit distance after"] += edit_distance(gt, output)
    return counts


#: The two kinds of wrong insertion (see :func:`class_changes`).
WRONG_KINDS = ("another character where one was lost", "where nothing was lost")
RIGHT = "right"
#: Of the wrong insertions where nothing was lost: a mark where the page generator ran a source headline into the
#: text without one (:mod:`benchmarks.source_joins`), wrong against the ground truth, not against a real page.
AT_JOIN = "at a source headline run into the text"


def insertion_kind(source: str, edit: Edit, gt: str, joins: frozenset[int] = frozenset()) -> str:
    """:data:`RIGHT`, one of :data:`WRONG_KINDS` or :data:`AT_JOIN` (``joins`` as for :func:`class_changes`):
    ``edit`` (it lengthens the text) replayed alone on ``source``, against ``gt``; "" where it neither puts back
    nor adds a character."""
    single, _ = apply_changes(source, [(edit.input_offset, edit.original, edit.replacement, edit.gain, edit.sources)])
    counts = class_changes(source, single, gt, joins)
    if counts[f"insertions wrong, {AT_JOIN}"]:
        return AT_JOIN
    if counts[f"insertions wrong, {WRONG_KINDS[1]}"]:
        return WRONG_KINDS[1]
    if counts[f"insertions wrong, {WRONG_KINDS[0]}"]:
        return WRONG_KINDS[0]
    return RIGHT if counts["insertions right"] else ""


#: Kinds of an edit that shortens the text: it removed an extra character (one error less), a character
#: read for another one (a `.` read for a `，`, a `|` for 十: one error for another), or one print has.
DELETION_KINDS = ("deleted an extra character", "deleted a misread character", "deleted a character print has")


def deletion_kind(source: str, edit: Edit, gt: str) -> str:
    """One of :data:`DELETION_KINDS` by the errors it takes away or adds, or "" where it changes none:
    ``edit`` (it shortens the text) replayed alone on ``source``, against ``gt``."""
    single, _ = apply_changes(source, [(edit.input_offset, edit.original, edit.replacement, edit.gain, edit.sources)])
    before, after = (paired_by_kind(anchored(text, gt)) for text in (source, single))
    net = _errors(after) - _errors(before)
    if not net and char_status(before) == char_status(after):
        return ""
    return DELETION_KINDS[0] if net < 0 else DELETION_KINDS[1] if net == 0 else DELETION_KINDS[2]


def _errors(a: Anchored) -> int:
    return sum(status is not None for status in char_status(a)) + len(a.extra)


def insertions_by_stage(corrector: Corrector, pages: Sequence[tuple[Path, Path]], data_dir: Path
                        ) -> tuple[Counter[tuple[str, str]], list[tuple[str, str, str, str]], int]:
    """Per (stage, kind of :func:`insertion_kind` or :func:`deletion_kind`): how many of the corrector's
    edits that lengthen or shorten the text; (page, stage, kind, the edit in context) of each wrong one; and how
    many pages have no source lines under ``data_dir`` (:func:`~benchmarks.source_joins.page_joins`: none of their
    insertions is counted :data:`AT_JOIN`)."""
    counts: Counter[tuple[str, str]] = Counter()
    wrong = []
    unsourced = 0
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        result, gt = corrector.correct(read_text(ocr_path)), read_text(gt_path)
        joins = page_joins(gt_path, data_dir)
        unsourced += joins is None
        for edit in result.edits:
            if len(edit.replacement) == len(edit.original):
                continue
            if len(edit.replacement) > len(edit.original):
                kind = insertion_kind(result.source, edit, gt, joins or frozenset())
            else:
                kind = deletion_kind(result.source, edit, gt)
            stage = edit.sources[0]
            counts[stage, kind] += 1
            if kind in (*WRONG_KINDS, AT_JOIN) or kind in DELETION_KINDS[1:]:
                at, end = edit.input_offset, edit.input_offset + len(edit.original)
                context = f"{result.source[max(0, at - 10):at]}[{edit.original}>{edit.replacement}]{result.source[end:end + 10]}"
                wrong.append((ocr_path.name, stage, kind, context.replace("\n", "⏎")))
    return counts, wrong, unsourced


def per_ten(right: int, wrong: int, at_joins: int) -> str:
    """Wrong insertions per 10 right, with and without those :data:`AT_JOIN`."""
    return f"{10 * wrong / max(right, 1):.1f} / {10 * (wrong - at_joins) / max(right, 1):.1f}"


def insertions_table(counts: Counter[tuple[str, str]], unsourced: int = 0, pages: int = 0) -> str:
    """The insertions by stage and kind (those where nothing was lost with those :data:`AT_JOIN` among them, and
    the wrong ones per 10 right with and without those), then the deletions (where the stages made any); a note
    of the ``unsourced`` of the ``pages``, whose marks at a headline's join are counted where nothing was lost."""
    tables = []
    inserted = (RIGHT, *WRONG_KINDS, AT_JOIN)
    for kinds in (inserted, DELETION_KINDS):
        stages = sorted({stage for stage, kind in counts if kind in kinds})
        if not stages:
            continue
        if kinds is inserted:
            rows = [f"| stage | {RIGHT} | {WRONG_KINDS[0]} | {WRONG_KINDS[1]} | ... of which {AT_JOIN} "
                    "| wrong per 10 right, with / without those |", "|---" * 6 + "|"]
            for name, n in [(stage, Counter({k: counts[stage, k] for k in kinds})) for stage in stages] + [
                    ("all", Counter({k: sum(v for (_, kk), v in counts.items() if kk == k) for k in kinds}))]:
                wrong = n[WRONG_KINDS[0]] + n[WRONG_KINDS[1]] + n[AT_JOIN]
                rows.append(f"| {name} | {n[RIGHT]:,} | {n[WRONG_KINDS[0]]:,} | {n[WRONG_KINDS[1]] + n[AT_JOIN]:,} "
                            f"| {n[AT_JOIN]:,} | {per_ten(n[RIGHT], wrong, n[AT_JOIN])} |")
        else:
            rows = [f"| stage | {' | '.join(kinds)} |", "|---" * (len(kinds) + 1) + "|"]
            rows += [f"| {stage} | " + " | ".join(f"{counts[stage, kind]:,}" for kind in kinds) + " |" for stage in stages]
            rows.append("| all | " + " | ".join(f"{sum(n for (_, k), n in counts.items() if k == kind):,}" for kind in kinds) + " |")
        tables.append("\n".join(rows))
    if unsourced:
        tables.append(unsourced_note(unsourced, pages))
    return "\n\n".join(tables)


def unsourced_note(unsourced: int, pages: int) -> str:
    return (f"{unsourced} of {pages} pages have no source lines (no meta.json, or its corpus file not found or not "
            f"their text): none of their insertions is counted {AT_JOIN}.")


def measure(corrector: Corrector, pages: Sequence[tuple[Path, Path]], data_dir: Path) -> Counter[str]:
    """:func:`class_changes` summed over ``pages``, with each page's source headline joins (``"pages unsourced"``:
    how many have none to look up, see :func:`~benchmarks.source_joins.page_joins`)."""
    total: Counter[str] = Counter()
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        ocr = read_text(ocr_path)  # the corrector reflows it: the line-end marks need the line ends
        joins = page_joins(gt_path, data_dir)
        total["pages unsourced"] += joins is None
        total += class_changes(ocr, corrector.correct(ocr).text, read_text(gt_path), joins or frozenset())
    return total


def table(label: str, pages: int, runs: Sequence[tuple[str, Counter[str]]]) -> str:
    """One row per error class and run: ``runs`` are (name, counts of :func:`class_changes`)."""
    rows = [f"| {label} ({pages} pages) | class | in the OCR | corrector | fixed | introduced |", "|---|---|---|---|---|---|"]
    for name in (*CLASSES, "insertions"):
        for run, counts in runs:
            if name == "insertions":
                right, wrong, at_joins = (counts[key] for key in ("insertions right", "insertions wrong",
                                                                  f"insertions wrong, {AT_JOIN}"))
                rows.append(f"| | insertions right / wrong | | {run} | {right:,} | {wrong:,} |")
                rows += [f"| | ... wrong: {kind} | | {run} | | {counts[f'insertions wrong, {kind}']:,} |" for kind in WRONG_KINDS]
                rows.append(f"| | ... of which {AT_JOIN} | | {run} | | {at_joins:,} |")
                rows.append(f"| | wrong insertions per 10 right, with / without those | | {run} | "
                            f"| {per_ten(right, wrong, at_joins)} |")
                continue
            n, fixed = counts[f"{name} before"], counts[f"{name} fixed"]
            rows.append(f"| | {name} | {n:,} | {run} | {fixed:,} ({fixed / max(n, 1):.0%}) | {counts[f'{name} introduced']:,} |")
    for run, counts in runs:
        before, after, chars = counts["edit distance before"], counts["edit distance after"], max(counts["gt chars"], 1)
        rows.append(f"| | edit distance (plain CER) | {before:,} ({before / chars:.2%}) | {run} | {after:,} left ({after / chars:.2%}) | |")
    unsourced = runs[0][1]["pages unsourced"] if runs else 0
    return "\n".join(rows) + (f"\n\n{unsourced_note(unsourced, pages)}" if unsourced else "")


WHERE = ("wrapped line end", "paragraph end", "inside a line, between Han characters", "elsewhere")


def where_lost(text: str, joins: AbstractSet[int], nonspace: Sequence[int], before: int | None) -> str:
    """Where a character lost after the OCR's non-space character ``before`` (None: at the start) sat."""
    if before is None or before + 1 >= len(nonspace):
        return WHERE[3]
    left, right = nonspace[before], nonspace[before + 1]
    if right in joins:
        return WHERE[0]
    if "\n" in text[left:right]:
        return WHERE[1]
    return WHERE[2] if is_han(text[left]) and is_han(text[right]) else WHERE[3]


def dropped_where(corrector: Corrector, pages: Sequence[tuple[Path, Path]]) -> Counter[tuple[str, str, bool]]:
    """Per (where, what, put back by the corrector): the characters the reflowed OCR dropped."""
    counts: Counter[tuple[str, str, bool]] = Counter()
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        raw, gt = read_text(ocr_path), read_text(gt_path)
        text = reflow(raw)
        joins = set(wrapped_line_ends(raw, text))
        nonspace = [k for k, ch in enumerate(text) if not ch.isspace()]
        before, after = anchored(text, gt), anchored(corrector.correct(raw).text, gt)
        last = None  # the OCR position read for the last ground-truth character read
        for j, i in enumerate(before.at):
            if i is not None:
                last = i
                continue
            true, k = before.gt[j], after.at[j]
            back = k is not None and fold_char(after.hyp[k]) == fold_char(true)
            counts[where_lost(text, joins, nonspace, last), "Han" if is_han(true) else true, back] += 1
    return counts


def where_table(counts: Counter[tuple[str, str, bool]]) -> str:
    rows = ["| where | lost | put back | lost marks (put back) |", "|---|---|---|---|"]
    for where in WHERE:
        lost = sum(n for (w, _, _), n in counts.items() if w == where)
        back = sum(n for (w, _, b), n in counts.items() if w == where and b)
        what: Counter[tuple[str, str]] = Counter()
        for (w, char, b), n in counts.items():
            if w == where and char != "Han":
                what[char, "lost"] += n
                what[char, "back"] += n * b
        marks = sorted({char for char, _ in what}, key=lambda c: -what[c, "lost"])
        shown = ", ".join(f"{c} {what[c, 'lost']} ({what[c, 'back']})" for c in marks[:6])
        rows.append(f"| {where} | {lost:,} | {back:,} | {shown} |")
    lost, back = sum(counts.values()), sum(n for (_, _, b), n in counts.items() if b)
    rows.append(f"| all | {lost:,} | {back:,} ({back / max(lost, 1):.0%}) | |")
    return "\n".join(rows)


INSERT_GATE = -2.5
INSERT_THRESHOLDS = (2.0, 3.0, 4.0, 5.0, 6.0)


def insertion_sites(pages: Sequence[tuple[Path, Path]]) -> list[tuple[str, float, str, float, str]]:
    """(what the OCR lost at the gap, best mark's gain, the mark, best Han character's gain, the
    character) at every gated gap inside a line (see ``inserts`` above)."""
    lm = load_lm(load_settings().default_lm)
    index = ContextIndex.load(context_path(load_settings().default_lm))
    sites = []
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        raw, gt = read_text(ocr_path), read_text(gt_path)
        text = reflow(raw)
        joins = set(wrapped_line_ends(raw, text))
        lost_before = lost_at(text, gt)
        for offset in range(1, len(text)):
            if offset in joins or not (is_han(text[offset - 1]) and is_han(text[offset])):
                continue
            left = lm_tokens(text[max(0, offset - 5):offset])
            if lm.score_tokens(left + [text[offset]], bos=False, eos=False) - lm.score_tokens(left, bos=False, eos=False) > INSERT_GATE:
                continue
            lost = lost_before(offset)
            scores = mark_scores(lm, text, offset, 0, ("", "，", "。", "、"), line_marks_span)
            mark_gain, mark = max((scores[m] - scores[""], m) for m in "，。、")
            fits = [ch for ch, _ in index.between(text[offset - 1], text[offset], n=5) if is_han(ch)]
            han_gain, han = max(((replacement_gain(lm, text, offset, 0, ch, line_marks_span), ch) for ch in fits),
                                default=(float("-inf"), ""))
            sites.append((lost, mark_gain, mark, han_gain, han))
    return sites


def lost_at(text: str, gt: str) -> Callable[[int], str]:
    """What ``text`` (aligned with the ground truth ``gt``) lost right before its character at an offset:
    the ground truth between the characters read for its two non-space neighbours ("?" where either was
    not read for a ground-truth character; "" where nothing was lost)."""
    a = anchored(text, gt)
    nonspace = {k: n for n, k in enumerate(k for k, ch in enumerate(text) if not ch.isspace())}
    read = {i: j for j, i in enumerate(a.at) if i is not None}

    def lost(offset: int) -> str:
        j1, j2 = read.get(nonspace[offset] - 1), read.get(nonspace[offset])
        return a.gt[j1 + 1:j2] if j1 is not None and j2 is not None else "?"

    return lost


def insertion_table(sites: Sequence[tuple[str, float, str, float, str]]) -> str:
    rows = [f"{len(sites):,} gaps gated; lost there: {sum(1 for s in sites if s[0] in ('，', '。', '、')):,} marks, "
            f"{sum(1 for s in sites if len(s[0]) == 1 and is_han(s[0])):,} Han characters", "",
            "| LM gain above | marks: right / where nothing was lost / other | Han: right / where nothing was lost / other |",
            "|---|---|---|"]
    for threshold in INSERT_THRESHOLDS:
        cells = []
        for gain_at, what_at in ((1, 2), (3, 4)):
            fired = [(s[0], s[what_at]) for s in sites if s[gain_at] > threshold]
            right = sum(1 for lost, what in fired if lost == what)
            nothing = sum(1 for lost, _ in fired if lost == "")
            cells.append(f"{right} / {nothing} / {len(fired) - right - nothing}")
        rows.append(f"| {threshold} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


#: Gains (log10) at which ``han-sites`` counts what the Han insertion stage's best candidates would do.
HAN_GAINS = (3.0, 4.0, 5.0, 6.0, 7.0)


def han_sites(corrector: Corrector, pages: Sequence[tuple[Path, Path]], surprise: float | None = None,
              probable_left: float | None = None) -> list[tuple[str, float, float, str]]:
    """(what was lost at the gap, the best candidate's gain, its lead, the candidate) at every gap the Han
    insertion stage (:mod:`ocrfix.correction.han_insertions`; its gates, or ``surprise`` and ``probable_left``)
    weighs on each page's text as the corrector reflows it, with the corrector's LM and context index."""
    sites = []
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        text = corrector.correct(read_text(ocr_path)).source
        lost = lost_at(text, read_text(gt_path))
        for site in han_insertions.insertion_sites(text, corrector.lm, corrector.context, protected_mask(text),
                                                   surprise, probable_left=probable_left):
            sites.append((lost(site.offset), site.gain, site.lead, site.char))
    return sites


def han_sites_table(sites: Sequence[tuple[str, float, float, str]]) -> str:
    """Per gain of :data:`HAN_GAINS`: the best candidates that gain at least that and lead the next by the
    stage's lead, by what inserting them does (right, another character where one was lost, where nothing was)."""
    lost_han = sum(1 for lost, *_ in sites if len(lost) == 1 and is_han(lost))
    rows = [f"{len(sites):,} gaps weighed; Han characters lost there: {lost_han:,}", "",
            f"| gain at least | {RIGHT} | {' | '.join(WRONG_KINDS)} |", "|---|---|---|---|"]
    for gain in HAN_GAINS:
        fired = [(lost, char) for lost, best, lead, char in sites if best >= gain and lead >= han_insertions.MIN_LEAD]
        right = sum(1 for lost, char in fired if lost == char)
        nothing = sum(1 for lost, _ in fired if lost == "")
        rows.append(f"| {gain} | {right} | {len(fired) - right - nothing} | {nothing} |")
    return "\n".join(rows)


MARGINS = (1.0, 2.0, 3.0, 4.0, 5.0)


def deletion_outcomes(text: str, gt: str, offsets: Sequence[int]) -> tuple[int, int]:
    """(right, wrong) of deleting the characters of ``text`` at ``offsets``, against ``gt``."""
    nonspace = [k for k, ch in enumerate(text) if not ch.isspace()]
    index = {offset: n for n, offset in enumerate(nonspace)}
    extra = {i for i, _ in anchored(text, gt).extra}
    right = 0
    for offset in offsets:
        n = index[offset]
        same = [k for k in (n - 1, n + 1) if 0 <= k < len(nonspace) and fold_char(text[nonspace[k]]) == fold_char(text[offset])]
        right += n in extra or any(k in extra for k in same)  # a doubled character: either of the two
    return right, len(offsets) - right


def sweep_deletions(pages: Sequence[tuple[Path, Path]], rates: LengthRates) -> str:
    lm = load_lm(load_settings().default_lm)
    counts: Counter[tuple[float, str]] = Counter()
    total = 0
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        text, gt = reflow(read_text(ocr_path)), read_text(gt_path)
        total += len(anchored(text, gt).extra)
        protected = protected_mask(text)
        for start, original, *_ in rule_changes(text, RULES, lm):  # as in the corrector: the symbol rules go first
            protected[start:start + max(len(original), 1)] = [True] * max(len(original), 1)
        for margin in MARGINS:
            changes = deletions.deletion_changes(text, rates, lm, protected, margin)
            right, wrong = deletion_outcomes(text, gt, [change[0] for change in changes])
            counts[margin, "right"] += right
            counts[margin, "wrong"] += wrong
    rows = [f"{len(pages)} pages, {total:,} extra characters in the OCR", "",
            "| margin | right deletions | wrong deletions |", "|---|---|---|"]
    rows += [f"| {m} | {counts[m, 'right']:,} ({counts[m, 'right'] / max(total, 1):.0%}) | {counts[m, 'wrong']:,} |"
             for m in MARGINS]
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.length_classes", description=__doc__.split("\n\n")[0])
    cmds = parser.add_subparsers(dest="command", required=True)
    for name in ("pages", "deletions", "where", "inserts", "insertions", "han-sites"):
        cmd = cmds.add_parser(name)
        cmd.add_argument("pages", type=Path, nargs="+", help="directories of NAME.ocr.txt + NAME.gt.txt pages")
    pages = cmds.choices["pages"]
    pages.add_argument("--profile", help="engine profile (default: the shipped models)")
    for name in ("where", "insertions", "han-sites"):
        cmds.choices[name].add_argument("--profile", help="engine profile (default: the shipped models)")
    for name in ("pages", "insertions", "han-sites"):
        cmds.choices[name].add_argument("--lm", type=Path, help="another LM file (default: the shipped one)")
    sites = cmds.choices["han-sites"]
    sites.add_argument("--surprise", type=float, help="weigh gaps whose right neighbour scores below this (default: the stage's)")
    sites.add_argument("--left", type=float, help="... and whose left neighbour scores at least this (default: the stage's)")
    cmds.choices["insertions"].add_argument("--list", action="store_true", help="also list each wrong insertion")
    pages.add_argument("--label", help="name of the page set in the table (default: the first directory)")
    pages.add_argument("--compare", action="store_true", help="also measure with the deletion stage off")
    cmds.choices["deletions"].add_argument("--length", type=Path, required=True,
                                           help="length rates learned from other pages than these")
    args = parser.parse_args(argv)
    docs = page_docs(args.pages)
    if args.command == "inserts":
        print(insertion_table(insertion_sites(page_pairs(*args.pages))))
        return 0
    if args.command == "deletions":
        print(sweep_deletions(docs, LengthRates.load(args.length)))
        return 0
    corrector = Corrector(model=getattr(args, "lm", None), profile=args.profile)
    if args.command == "han-sites":
        print(han_sites_table(han_sites(corrector, docs, args.surprise, args.left)))
        return 0
    data_dir = load_settings().data_dir
    if args.command == "insertions":
        counts, wrong, unsourced = insertions_by_stage(corrector, docs, data_dir)
        print(insertions_table(counts, unsourced, len(docs)))
        if args.list:
            print("\n".join(" ".join(row) for row in wrong))
        return 0
    if args.command == "where":
        print(where_table(dropped_where(corrector, docs)))
        return 0
    runs = [(args.lm.name if args.lm else "shipped", measure(corrector, docs, data_dir))]
    if args.compare:
        without = copy.copy(corrector)
        without.length = None
        runs.append(("no deletions", measure(without, docs, data_dir)))
    print(table(args.label or args.pages[0].name, len(docs), runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
