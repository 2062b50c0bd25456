"""Marks lost at wrapped line ends: put back on generated pages, and the margin's trade-off.

    python -m benchmarks.line_marks pages [--splits eval rapid]      # real OCR pages, stage on / off
    python -m benchmarks.line_marks margins [--month 2019-10]        # training news, per margin
    python -m benchmarks.line_marks columns [--month 2019-10] [--lm LM] [--profile ppocr]   # closing marks of pairs, on / off
    python -m benchmarks.line_marks fills --fold LM PAGES... --fold LM PAGES...   # the margin's shifts by line fill
    python -m benchmarks.line_marks habit --fold LM PAGES... [--fold LM PAGES...] [--margins 0.5 3.5]   # dropped hung marks
    python -m benchmarks.line_marks gate --pages FOLD ENGINE LM PAGES ... [--text FOLD LM MONTH] [--features mark|clause|opening] [--out ENGINE GATE.json]

``pages``: the generated pages (Tesseract ``eval``, RapidOCR ``rapid``; ``benchmarks.generate``),
corrected with the shipped models with the line-end stage on and off (its margin set to
infinity); per split: errors fixed and introduced (``ocrfix.evaluate`` against the GT) and the
marks inserted. ``margins``: training-month paragraphs broken into 12-14-cell column lines the way
the page typesetter does (closing marks hang past a full line), then every hung mark dropped, as
an engine that reads inside the line box does (whole sentences only, no titles); for each margin (and, with
``--lead``, a lead of the best mark over the next best): line ends that lost a mark, the right mark put back,
another mark put in, and insertions where nothing was lost. ``--lm``: score with another LM, e.g. one
trained without the month (``ocrfix lm train`` on ``corpora/news-train.tsv`` without its row), so the
text is new to it as held-out text is. ``columns``: the same column lines made into pages (10
paragraphs each, every hung mark dropped, paragraphs apart), corrected whole by the corrector
(``--profile``, ``--lm``) with the closing-mark stage (:mod:`ocrfix.correction.pair_marks`) off
and on: errors fixed and introduced, insertions right and wrong (``benchmarks.length_classes``'
classes), and per mark how many the pages lost and how many came back.

``fills``: every line end of the training pages where the stage weighs a mark (the LM's best mark, its gain, the
fill of the line, :func:`line_fills`), against what the engine lost there;
each ``--fold`` is an LM and the pages whose text it never saw. A logistic regression of "the best mark
was lost here" on the gain and the two fills (a line a cell short, a full line) gives the shifts of the
margin (the fills' coefficients over the gain's); fitted on the other folds, they are applied to each
fold's line ends at the shipped margin: right mark back / another mark where one was lost / a mark
where no mark was lost, without and with the shifts; then, per page directory and fill, the marks lost at line
ends, how many the stage puts back as shipped, and the LM's gain of each one it leaves.

``habit``: per page directory (each ``--fold`` an LM and pages whose text it never saw), the pages that
lost 2 or more marks at wrapped line ends and the others, how many of each the line-end stage judges
read by an engine that drops the marks print hangs past a full line
(:func:`ocrfix.correction.line_marks.drops_hung_marks`), and the stage's right mark back / another mark
where one was lost / a mark where no mark was lost at the shipped margin and with ``--margins`` (a
profile's ``line_end_habit``: for an engine that drops hung marks, for one that reads them).

``gate``: the calibrated decision that can replace the margin (:class:`ocrfix.correction.line_marks.MarkGate`:
a logistic regression of "the best mark was lost here" on its gain, its lead over the next best and the
mark; with ``--features clause`` also the clause around the line end — the spans to the marks either side
and which marks they are, the sentence so far, reported speech — and with ``opening`` how the next span
opens as well, :func:`ocrfix.correction.line_marks.line_end_clause`), cross-fitted over folds of training
pages (each with an LM that never saw their text) and of column-wrapped training months: fitted without a
fold, applied to that fold's pages; per engine, right / another mark / where none was lost at each
probability threshold, and the threshold with the most right marks at ``--precision`` (``--fewest-errors``:
with the fewest errors left), which each ``--out`` file gets with the gate fitted on every fold; and the
out-of-fold probabilities' ROC AUC.
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from ocrfix import evaluate
from ocrfix.correction import line_marks, pair_marks
from ocrfix.correction.corrector import Corrector, load_lm
from ocrfix.correction.rules import mark_scores
from ocrfix.settings import load_settings

from ocrfix.normalize import fold_char
from ocrfix.segment import protected_mask
from ocrfix.text_reflow import reflow
from ocrfix.textio import read_text, write_text_atomic
from ocrfix.training.confusions.length import anchored
from ocrfix.training.fit import page_pairs

from .length_classes import class_changes
from .typeset import CLOSING, OPENING

MARGINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
CELLS = (12, 13, 14)
HALF_WIDTH = 0.55  # cells per half-width character
SENTENCE_END = "。！？”…"


def page_counts(corrector: Corrector, pages: Sequence[Path]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in pages:
        ocr = path.read_text(encoding="utf-8")
        gt = path.with_name(path.name.replace(".ocr.txt", ".gt.txt")).read_text(encoding="utf-8")
        result = corrector.correct(ocr)
        report = evaluate(gt, result.text, ocr=ocr).to_dict()
        counts["fixed"] += report["errors_fixed"]
        counts["introduced"] += report["errors_introduced"]
        counts["inserted"] += sum(line_marks.SOURCE in edit.sources for edit in result.edits)
    return counts


def run_pages(splits: Sequence[str]) -> None:
    root = load_settings().build_dir / "bench" / "pages"
    corrector = Corrector()
    print("| split | pages | line-end stage | marks inserted | errors fixed | introduced |")
    print("|---|---|---|---|---|---|")
    for split in splits:
        pages = sorted((root / split).glob("*/*.ocr.txt"))
        shipped = line_marks.MIN_GAIN
        for name, gain in (("off", float("inf")), ("on", shipped)):
            line_marks.MIN_GAIN = gain
            counts = page_counts(corrector, pages)
            print(f"| {split} | {len(pages)} | {name} | {counts['inserted']} | {counts['fixed']} | {counts['introduced']} |")
        line_marks.MIN_GAIN = shipped


def column_lines(paragraph: str, cells: int) -> list[tuple[str, str]]:
    """(kept text, marks hung past the edge) of each column line of ``paragraph``."""
    lines: list[tuple[str, str]] = []
    kept, hung, used = "", "", 0.0
    for ch in "\u3000\u3000" + paragraph:
        width = HALF_WIDTH if ord(ch) < 0x2000 else 1.0
        if used + width <= cells + 0.01 or not kept:
            kept, used = kept + ch, used + width
        elif ch in CLOSING:
            hung += ch
        else:
            carry = ""
            while kept and kept[-1] in OPENING:
                kept, carry = kept[:-1], kept[-1] + carry
            lines.append((kept, hung))
            kept, hung, used = carry + ch, "", len(carry) + width
    lines.append((kept, hung))
    return lines


def month_sentences(month: str, count: int, rng: random.Random) -> list[str]:
    """``count`` consecutive whole sentences of a training month of rmrb from a random start."""
    data = load_settings().data_dir / "rmrb_peoples_daily_2019_2020" / f"rmrb_{month}.txt.xz"
    if month in ("2020-05",):
        raise SystemExit("held-out month: margins are measured on training months only")
    with lzma.open(data, "rt", encoding="utf-8") as handle:
        # whole sentences only: titles, datelines and list items end without a mark, and joined into
        # a paragraph they would ask for one that was never lost
        sentences = [line.strip() for line in handle if len(line.strip()) > 8 and line.strip()[-1] in SENTENCE_END]
    start = rng.randrange(0, len(sentences) - count)
    return sentences[start:start + count]


def column_paragraphs(month: str, paragraphs: int, seed: int, count: int = 4000
                      ) -> list[tuple[str, list[tuple[str, str]]]]:
    """``paragraphs`` paragraphs of 2-6 sentences of ``month`` (from ``count`` in a row), each with
    its column lines (:func:`column_lines`)."""
    rng = random.Random(seed)
    sentences = month_sentences(month, count, rng)
    out, i = [], 0
    for _ in range(paragraphs):
        k = rng.randint(2, 6)
        paragraph = "".join(sentences[i:i + k])
        out.append((paragraph, column_lines(paragraph, rng.choice(CELLS))))
        i += k
    return out


def column_line_ends(month: str, paragraphs: int, seed: int) -> Iterator[tuple[str, int, str]]:
    """``(text, offset, hung)`` of each line end of :func:`column_paragraphs` where the stage weighs a mark:
    the paragraph as the engine reads it (every hung mark dropped), the offset of the line end in it, and the
    marks hung there (lost)."""
    for _, lines in column_paragraphs(month, paragraphs, seed):
        text = "".join(kept for kept, _ in lines).lstrip("\u3000")
        offset = len(lines[0][0].lstrip("\u3000"))
        for (kept, hung), (following, _) in zip(lines, lines[1:]):
            if kept and kept[-1] not in CLOSING and kept[-1] not in OPENING:
                yield text, offset, hung
            offset += len(following)


def column_sites(lm, month: str, paragraphs: int, seed: int) -> list[LineEnd]:
    """Each of :func:`column_line_ends` with the LM's best mark there; every such line is full (fill 0).
    The clause around a line end may have lost a mark too."""
    sites = []
    for text, offset, hung in column_line_ends(month, paragraphs, seed):
        choice = line_marks.best_mark(lm, text, offset, clause=True)
        sites.append(LineEnd(choice.gain, choice.mark, 0, hung, lead=choice.lead, clause=choice.clause))
    return sites


def run_margins(month: str, paragraphs: int, seed: int, model: Path | None, min_lead: float) -> None:
    lm = load_lm(model or load_settings().default_lm)
    rows = [(site.gain, site.mark, site.lead, site.lost) for site in column_sites(lm, month, paragraphs, seed)]
    lost = sum(1 for *_, hung in rows if hung)
    print(f"rmrb_{month}, {paragraphs} paragraphs: {len(rows)} line ends between two non-marks, {lost} lost a mark")
    print("| margin | right mark back | other mark | inserted where nothing was lost |")
    print("|---|---|---|---|")
    for margin in MARGINS:
        fired = [(mark, hung) for gain, mark, lead, hung in rows if gain > margin and lead >= min_lead]
        right = sum(1 for mark, hung in fired if hung and hung[0] == mark)
        other = sum(1 for mark, hung in fired if hung and hung[0] != mark)
        false = sum(1 for mark, hung in fired if not hung)
        print(f"| {margin} | {right} ({right / max(lost, 1):.0%}) | {other} | {false} of {len(rows) - lost} |")


def column_pages(month: str, pages: int, seed: int, per_page: int = 10) -> list[tuple[str, str]]:
    """(OCR, GT) pages of ``per_page`` column-wrapped paragraphs of ``month`` whose hung marks were dropped."""
    paragraphs = column_paragraphs(month, pages * per_page, seed, count=8000)
    out = []
    for k in range(0, len(paragraphs), per_page):
        chunk = paragraphs[k:k + per_page]
        ocr = "\n\n".join("\n".join(kept.lstrip("\u3000") for kept, _ in lines) for _, lines in chunk)
        out.append((ocr, "\n\n".join(paragraph for paragraph, _ in chunk)))
    return out


def lost_and_back(ocr: str, output: str, gt: str) -> Counter[str]:
    """Per ground-truth character the OCR lost: ``"lost <c>"``, and ``"back <c>"`` where the output has it."""
    before, after = anchored(ocr, gt), anchored(output, gt)
    gt = before.gt  # whitespace dropped
    counts: Counter[str] = Counter()
    for j, (was, now) in enumerate(zip(before.at, after.at)):
        if was is None:
            counts[f"lost {gt[j]}"] += 1
            counts[f"back {gt[j]}"] += now is not None and fold_char(after.hyp[now]) == fold_char(gt[j])
    return counts


def run_columns(month: str, pages: int, seed: int, model: Path | None, profile: str | None) -> None:
    corrector = Corrector(profile=profile, model=model,
                          context=model.with_suffix(".context.npz") if model is not None else None)
    shipped = pair_marks.MIN_GAIN
    print(f"rmrb_{month}, {pages} pages of 10 paragraphs; profile {profile or 'default'}")
    print("| closing-mark stage | errors fixed | introduced | insertions right | wrong | ” lost / back | 》 | ） |")
    print("|---|---|---|---|---|---|---|---|")
    for name, gain in (("off", float("inf")), ("on", shipped)):
        pair_marks.MIN_GAIN = gain
        counts: Counter[str] = Counter()
        for ocr, gt in column_pages(month, pages, seed):
            output = corrector.correct(ocr).text
            report = evaluate(gt, output, ocr=ocr).to_dict()
            counts.update(fixed=report["errors_fixed"], introduced=report["errors_introduced"])
            counts += class_changes(ocr, output, gt) + lost_and_back(ocr, output, gt)
        marks = " | ".join(f"{counts[f'lost {m}']} / {counts[f'back {m}']}" for m in "”》）")
        print(f"| {name} | {counts['fixed']:,} | {counts['introduced']:,} | {counts['insertions right']:,} "
              f"| {counts['insertions wrong']:,} | {marks} |")
    pair_marks.MIN_GAIN = shipped


def line_fills(raw: str, reflowed: str) -> dict[int, int]:
    """Per wrapped line end of :func:`~ocrfix.correction.line_marks.wrapped_line_ends`: the cells of the
    ``raw`` line that ends there less the usual cells of a line around it
    (:func:`~ocrfix.correction.line_marks.usual_widths`; none where there is no usual width): 0 for a
    full column line, -1 for one a cell short. A column line is set to the
    column's width, so one a cell short lost a character; a full one lost at most a mark hung past the edge."""
    lines = raw.split("\n")
    line_of = [k for k, line in enumerate(lines) for ch in line if not ch.isspace()]  # per non-space character
    nonspace = {offset: n for n, offset in enumerate(k for k, ch in enumerate(reflowed) if not ch.isspace())}
    usual = line_marks.usual_widths(lines)
    fills = {}
    for offset in line_marks.wrapped_line_ends(raw, reflowed):
        k = line_of[nonspace[offset] - 1]  # the reflow changes whitespace only: the n-th non-space characters match
        if usual[k] is not None:
            fills[offset] = line_marks.line_cells(lines[k]) - usual[k]
    return fills


class LineEnd(NamedTuple):
    gain: float  # of the LM's best mark over running on
    mark: str
    fill: int | None
    lost: str  # ground-truth characters the engine lost there
    lost_gain: float | None = None  # the LM's gain of the first of them, where it is a mark of the stage
    lead: float = 0.0  # of the best mark over the next best
    clause: Mapping[str, float] = line_marks.NO_CLAUSE  # around the line end (line_marks.line_end_clause)


def line_end_sites(lm, pages: Sequence[tuple[Path, Path]]) -> list[LineEnd]:
    """Each line end of the reflowed OCR of ``pages`` where :func:`line_marks.line_end_changes` weighs a mark
    (any gain), with what the OCR lost there (where the alignment places the two characters around it)."""
    sites = []
    for ocr_path, gt_path in pages:
        raw, gt = read_text(ocr_path), read_text(gt_path)
        text = reflow(raw)
        fills, protected = line_fills(raw, text), protected_mask(text)
        nonspace = {k: n for n, k in enumerate(k for k, ch in enumerate(text) if not ch.isspace())}
        a = anchored(text, gt)
        read = {i: j for j, i in enumerate(a.at) if i is not None}
        joins = line_marks.wrapped_line_ends(raw, text)
        for offset, choice in line_marks.line_end_choices(text, joins, lm, protected, clause=True):
            j1, j2 = read.get(nonspace[offset - 1]), read.get(nonspace[offset])
            if j1 is not None and j2 is not None:
                lost = a.gt[j1 + 1:j2]
                scores = mark_scores(lm, text, offset, 0, ("", lost[:1]), line_marks.SPAN) if lost[:1] in line_marks.MARKS else {}
                sites.append(LineEnd(choice.gain, choice.mark, fills.get(offset), lost,
                                     scores[lost[0]] - scores[""] if scores else None, choice.lead, choice.clause))
    return sites


FILLS = (-1, 0)  # the fills that get a shift: a line a cell short, a full line


def fit_shifts(sites: Sequence[LineEnd]) -> dict[int, float]:
    """Shifts of the margin per fill: a logistic regression of "the best mark was lost here" on the gain
    (clipped to [-3, 5]) and one indicator per fill of :data:`FILLS`; each shift is minus the fill's
    coefficient over the gain's."""
    from sklearn.linear_model import LogisticRegression

    rows = [[min(max(site.gain, -3.0), 5.0), *(site.fill == fill for fill in FILLS)] for site in sites]
    model = LogisticRegression(max_iter=2000).fit(rows, [site.lost[:1] == site.mark for site in sites])
    gain, *coefs = model.coef_[0]
    return {fill: round(float(-coef / gain), 2) for fill, coef in zip(FILLS, coefs)}


def outcomes(sites: Sequence[LineEnd], margin: float, shifts: Mapping[int, float]) -> tuple[int, int, int]:
    """(right mark back, another mark where one was lost, a mark where no mark was lost) of the stage at
    ``margin`` moved by ``shifts`` per fill."""
    fired = [site for site in sites if site.gain > margin + shifts.get(site.fill, 0.0)]
    right = sum(1 for site in fired if site.lost[:1] == site.mark)
    other = sum(1 for site in fired if site.lost and site.lost[0] in line_marks.MARKS and site.lost[0] != site.mark)
    return right, other, len(fired) - right - other


GAIN_BANDS = (0.0, 1.0, 1.5, 2.25)


def missed_table(per_dir: Mapping[str, Sequence[LineEnd]]) -> str:
    """Per page directory and fill: the marks lost at line ends, how many the stage puts back as shipped
    (its margin alone), and the rest by the LM's gain of the lost mark."""
    bands = [f"below {GAIN_BANDS[0]}", *(f"{lo}-{hi}" for lo, hi in zip(GAIN_BANDS, GAIN_BANDS[1:])), f"{GAIN_BANDS[-1]} and above"]
    rows = [f"| pages | line | lost a mark | put back | still lost, by the lost mark's gain: {' / '.join(bands)} |",
            "|---|---|---|---|---|"]
    for name, sites in per_dir.items():
        for label, fills in (("a cell short", {-1}), ("full", {0}), ("other or unknown", None)):
            lost = [site for site in sites if site.lost_gain is not None
                    and (site.fill in fills if fills else site.fill not in FILLS)]
            back = [site for site in lost if site.lost[0] == site.mark
                    and site.gain > line_marks.MIN_GAIN]
            still = Counter(sum(site.lost_gain >= edge for edge in GAIN_BANDS) for site in lost if site not in back)
            rows.append(f"| {name} | {label} | {len(lost)} | {len(back)} | {' / '.join(str(still[k]) for k in range(len(bands)))} |")
    return "\n".join(rows)


def run_fills(folds: Sequence[Sequence[str]]) -> None:
    per_fold, per_dir = [], {}
    for lm_path, *dirs in folds:
        lm = load_lm(Path(lm_path))
        per_dir.update({directory: line_end_sites(lm, page_pairs(Path(directory))) for directory in dirs})
        per_fold.append([site for directory in dirs for site in per_dir[directory]])
    print("| fold | line ends | lost a mark | shifts fitted on the other folds (a cell short / full) "
          "| margin alone: right / another mark / where no mark was lost | with the shifts |")
    print("|---|---|---|---|---|---|")
    total: Counter[str] = Counter()
    for k, sites in enumerate(per_fold):
        shifts = fit_shifts([site for n, fold in enumerate(per_fold) if n != k for site in fold])
        alone, shifted = outcomes(sites, line_marks.MIN_GAIN, {}), outcomes(sites, line_marks.MIN_GAIN, shifts)
        total.update({f"alone {n}": x for n, x in enumerate(alone)} | {f"shifted {n}": x for n, x in enumerate(shifted)})
        lost = sum(1 for site in sites if site.lost[:1] and site.lost[0] in line_marks.MARKS)
        print(f"| {folds[k][0]} | {len(sites):,} | {lost} | {shifts[-1]:+.2f} / {shifts[0]:+.2f} "
              f"| {' / '.join(map(str, alone))} | {' / '.join(map(str, shifted))} |")
    print(f"| all | | | | {' / '.join(str(total[f'alone {n}']) for n in range(3))} "
          f"| {' / '.join(str(total[f'shifted {n}']) for n in range(3))} |")
    print(f"shifts fitted on all folds: {fit_shifts([site for fold in per_fold for site in fold])}")
    print()
    print(missed_table(per_dir))


def habit_outcomes(pages: Sequence[tuple[int, Sequence[LineEnd]]], margins: tuple[float, float] | None
                   ) -> tuple[Counter[str], tuple[int, int, int]]:
    """Of ``pages`` (each the hung marks read in it and its :func:`line_end_sites`): how many lost 2 or more
    marks at line ends (``"lost"``) and the others (``"kept"``), and of each how many
    :func:`~ocrfix.correction.line_marks.drops_hung_marks` judges read by an engine that drops hung marks
    (``"lost dropping"``, ``"kept dropping"``); and the stage's :func:`outcomes` with the habit's ``margins``
    (dropping, reading), or with the shipped margin alone (None)."""
    judged: Counter[str] = Counter()
    total = [0, 0, 0]
    for hung, sites in pages:
        dropping = line_marks.drops_hung_marks(sum(site.gain > line_marks.SURE_GAIN for site in sites), hung) is True
        kind = "lost" if sum(1 for site in sites if site.lost[:1] and site.lost[0] in line_marks.MARKS) >= 2 else "kept"
        judged[kind] += 1
        judged[f"{kind} dropping"] += dropping
        margin = line_marks.MIN_GAIN if margins is None else margins[not dropping]
        total = [x + y for x, y in zip(total, outcomes(sites, margin, {}))]
    return judged, (total[0], total[1], total[2])


def run_habit(folds: Sequence[Sequence[str]], margins: tuple[float, float]) -> None:
    print(f"| pages | LM | lost 2 or more marks at line ends: judged dropping / pages | others | the margin {line_marks.MIN_GAIN}: "
          f"right / another mark / where no mark was lost | margins {margins[0]} / {margins[1]} by the habit |")
    print("|---|---|---|---|---|---|")
    for lm_path, *dirs in folds:
        lm = load_lm(load_settings().default_lm if lm_path == "-" else Path(lm_path))
        for directory in dirs:
            pairs = page_pairs(Path(directory))
            pages = [(line_marks.hung_marks_read(read_text(ocr)), line_end_sites(lm, [(ocr, gt)])) for ocr, gt in pairs]
            judged, habit = habit_outcomes(pages, margins)
            _, alone = habit_outcomes(pages, None)
            print(f"| {directory} | {Path(lm_path).name} | {judged['lost dropping']} / {judged['lost']} | {judged['kept dropping']} / {judged['kept']} "
                  f"| {' / '.join(map(str, alone))} | {' / '.join(map(str, habit))} |")


#: Probabilities the gate's threshold is chosen among.
GATE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(4, 20))


#: The features a gate may be fitted on: the LM's best mark alone (its gain, lead and which mark it is),
#: and that with the clause around the line end, without or with how the next span opens (``next2``).
GATE_FEATURES = ("mark", "clause", "opening")


def gate_rows(sites: Sequence[LineEnd], kind: str = "mark") -> tuple[list[dict[str, float]], list[bool]]:
    """The gate's features (:func:`~ocrfix.correction.line_marks.gate_features`, those of ``kind`` in
    :data:`GATE_FEATURES`) and labels (the best mark was lost here) of the ``sites`` where the LM prefers
    a mark (the gate weighs no other)."""
    kept = [site for site in sites if site.gain > 0.0]
    clauses = {"mark": lambda site: line_marks.NO_CLAUSE,
               "clause": lambda site: {k: v for k, v in site.clause.items() if not k.startswith("next2 ")},
               "opening": lambda site: site.clause}[kind]
    return ([line_marks.gate_features(line_marks.MarkChoice(site.gain, site.mark, site.lead, clauses(site))) for site in kept],
            [site.lost[:1] == site.mark for site in kept])


def fit_gate(sites: Sequence[LineEnd], c: float = 1.0, kind: str = "mark") -> line_marks.MarkGate:
    """A :class:`~ocrfix.correction.line_marks.MarkGate` fitted on ``sites`` (threshold 0.5) over the
    features of ``kind`` (:data:`GATE_FEATURES`); a feature whose coefficient rounds to 0 is left out."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = gate_rows(sites, kind)
    vectorizer = DictVectorizer(sparse=False)
    model = LogisticRegression(C=c, max_iter=5000).fit(vectorizer.fit_transform(rows), labels)
    return line_marks.MarkGate({name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])
                                if round(float(w), 4)}, round(float(model.intercept_[0]), 4), 0.5)


def gated_outcomes(sites: Sequence[LineEnd], gate: line_marks.MarkGate) -> tuple[int, int, int]:
    """:func:`outcomes` of the stage with ``gate`` in place of the margin."""
    fired = [site for site in sites if gate.accepts(line_marks.MarkChoice(site.gain, site.mark, site.lead))]
    return outcomes(fired, float("-inf"), {})


def choose_threshold(counts: Mapping[float, tuple[int, int, int]], precision: float | None) -> float:
    """The threshold of :data:`GATE_THRESHOLDS` with the most right marks back among those at ``precision``
    or better (right over all put in; the highest threshold where none is); with ``precision`` None, the one
    with the fewest errors left (right marks back less marks where none was lost; another mark where one
    was lost trades one error for another), the higher of two alike."""
    if precision is None:
        return max(GATE_THRESHOLDS, key=lambda t: (counts[t][0] - counts[t][2], t))
    ok = [t for t in GATE_THRESHOLDS if counts[t][0] >= precision * max(sum(counts[t]), 1) and sum(counts[t])]
    return max(ok, key=lambda t: (counts[t][0], -t)) if ok else GATE_THRESHOLDS[-1]


def run_gate(pages: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], outputs: Sequence[Sequence[str]],
             precision: float | None, c: float, paragraphs: int, command: Sequence[str], kind: str = "mark") -> None:
    """Cross-fit the gate over the folds of ``pages`` (FOLD ENGINE LM DIR) and ``texts`` (FOLD LM MONTH):
    fitted without each fold, applied to its pages; per engine the threshold of :func:`choose_threshold`;
    the gate fitted on every fold, written per engine of ``outputs`` (ENGINE PATH); and per engine how well
    the probability out of fold ranks the line ends that lost the best mark above the others (ROC AUC,
    threshold-free: what a threshold chosen on the same counts may flatter)."""
    from sklearn.metrics import roc_auc_score

    lms: dict[str, object] = {}

    def lm_of(path: str):
        return lms.setdefault(path, load_lm(Path(path)))

    found: list[tuple[str, str, LineEnd]] = []  # (fold, engine or "" for text, site)
    for fold, engine, lm_path, directory in pages:
        found += [(fold, engine, site) for site in line_end_sites(lm_of(lm_path), page_pairs(Path(directory)))]
    for fold, lm_path, month in texts:
        found += [(fold, "", site) for site in column_sites(lm_of(lm_path), month, paragraphs, 3)]
    folds, engines = sorted({f for f, *_ in found}), sorted({e for _, e, _ in found if e})
    held: dict[str, Counter[tuple[float, int]]] = {engine: Counter() for engine in engines}
    margin: Counter[tuple[str, int]] = Counter()
    scored: dict[str, list[tuple[float, bool]]] = {engine: [] for engine in engines}  # out of fold: (P, the best mark was lost)
    for fold in folds:
        gate = fit_gate([site for f, _, site in found if f != fold], c, kind)
        for engine in engines:
            sites = [site for f, e, site in found if f == fold and e == engine]
            for n, x in enumerate(outcomes(sites, line_marks.MIN_GAIN, {})):
                margin[engine, n] += x
            scored[engine] += [(gate.probability(line_marks.MarkChoice(site.gain, site.mark, site.lead, site.clause)),
                                site.lost[:1] == site.mark) for site in sites if site.gain > 0.0]
            for t in GATE_THRESHOLDS:
                for n, x in enumerate(gated_outcomes(sites, line_marks.MarkGate(gate.coefficients, gate.intercept, t))):
                    held[engine][t, n] += x
    print(f"{len(found):,} line ends ({sum(1 for _, e, _ in found if not e):,} of column text); cross-fit over folds {', '.join(folds)}")
    print("| engine | the margin " + f"{line_marks.MIN_GAIN}: right / another mark / where none was lost | "
          + " | ".join(f"p >= {t}" for t in GATE_THRESHOLDS) + " |")
    print("|---" * (len(GATE_THRESHOLDS) + 2) + "|")
    chosen = {}
    for engine in engines:
        counts = {t: tuple(held[engine][t, n] for n in range(3)) for t in GATE_THRESHOLDS}
        chosen[engine] = choose_threshold(counts, precision)
        print(f"| {engine} | {' / '.join(str(margin[engine, n]) for n in range(3))} | "
              + " | ".join(("**{}**" if t == chosen[engine] else "{}").format(" / ".join(map(str, counts[t])))
                           for t in GATE_THRESHOLDS) + " |")
    for engine in engines:
        labels = [lost for _, lost in scored[engine]]
        print(f"{engine}: {len(labels):,} line ends where the LM prefers a mark, {sum(labels)} lost it; "
              f"ROC AUC of P out of fold {roc_auc_score(labels, [p for p, _ in scored[engine]]):.3f}")
    final = fit_gate([site for *_, site in found], c, kind)
    print(f"fitted on all: {final}")
    for engine, path in outputs:
        gate = line_marks.MarkGate(final.coefficients, final.intercept, chosen[engine])
        record = {"cross_fit": {str(t): [held[engine][t, n] for n in range(3)] for t in GATE_THRESHOLDS},
                  "precision": precision}
        write_text_atomic(Path(path), gate.to_json(**record))
        write_text_atomic(Path(path + ".build.json"), json.dumps(
            {"command": ["python", "-m", "benchmarks.line_marks", *command],
             "inputs": sorted({row[3] for row in pages} | {f"rmrb_{row[2]}" for row in texts}),
             "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}, ensure_ascii=False, indent=1) + "\n")
        print(f"{engine}: threshold {chosen[engine]} -> {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmds = parser.add_subparsers(dest="command", required=True)
    pages = cmds.add_parser("pages")
    pages.add_argument("--splits", nargs="+", default=["eval", "rapid"])
    margins = cmds.add_parser("margins")
    margins.add_argument("--month", default="2019-10", help="a training month of rmrb (never 2020-05)")
    margins.add_argument("--paragraphs", type=int, default=400)
    margins.add_argument("--seed", type=int, default=3)
    margins.add_argument("--lm", type=Path, help="another LM (e.g. one trained without the month: text it never saw)")
    margins.add_argument("--lead", type=float, default=0.0,
                         help="also require the best mark to lead the next best by this much (log10; the stage does not)")
    columns = cmds.add_parser("columns")
    columns.add_argument("--month", default="2019-10", help="a training month of rmrb (never 2020-05)")
    columns.add_argument("--pages", type=int, default=150)
    columns.add_argument("--seed", type=int, default=3)
    columns.add_argument("--lm", type=Path, help="another LM (with its context index beside it, NAME.context.npz)")
    columns.add_argument("--profile", help="engine profile (default: the shipped models)")
    fills = cmds.add_parser("fills")
    fills.add_argument("--fold", nargs="+", action="append", required=True, metavar="LM PAGES",
                       help="an LM and the training page directories whose text it never saw (repeat per fold)")
    habit = cmds.add_parser("habit")
    habit.add_argument("--fold", nargs="+", action="append", required=True, metavar="LM PAGES",
                       help="an LM ('-': the shipped one) and training page directories whose text it never saw (repeatable)")
    habit.add_argument("--margins", nargs=2, type=float, default=(0.5, 3.5), metavar=("DROPPING", "READING"))
    gate = cmds.add_parser("gate")
    gate.add_argument("--pages", nargs=4, action="append", required=True, metavar=("FOLD", "ENGINE", "LM", "PAGES"),
                      help="training pages read by ENGINE whose text the LM never saw, in cross-fit fold FOLD")
    gate.add_argument("--text", nargs=3, action="append", default=[], metavar=("FOLD", "LM", "MONTH"),
                      help="column-wrapped paragraphs of a training month of rmrb the LM never saw, in fold FOLD")
    gate.add_argument("--out", nargs=2, action="append", default=[], metavar=("ENGINE", "GATE.json"),
                      help="write the gate with that engine's threshold")
    gate.add_argument("--precision", type=float, default=0.91, help="of the marks put back, at least this share right")
    gate.add_argument("--fewest-errors", action="store_true",
                      help="choose each threshold for the fewest errors left instead of for --precision")
    gate.add_argument("--c", type=float, default=1.0, help="the regression's inverse regularisation")
    gate.add_argument("--paragraphs", type=int, default=800, help="paragraphs per --text month")
    gate.add_argument("--features", choices=GATE_FEATURES, default="mark",
                      help="the best mark alone, with the clause around the line end, or also how the next span opens")
    args = parser.parse_args(argv)
    if args.command == "gate":
        run_gate(args.pages, args.text, args.out, None if args.fewest_errors else args.precision, args.c, args.paragraphs,
                 sys.argv[1:] if argv is None else argv, args.features)
    elif args.command == "fills":
        if any(len(fold) < 2 for fold in args.fold) or len(args.fold) < 2:
            parser.error("each --fold needs an LM and page directories, and there must be two folds or more")
        run_fills(args.fold)
    elif args.command == "habit":
        run_habit(args.fold, tuple(args.margins))
    elif args.command == "pages":
        run_pages(args.splits)
    elif args.command == "columns":
        run_columns(args.month, args.pages, args.seed, args.lm, args.profile)
    else:
        run_margins(args.month, args.paragraphs, args.seed, args.lm, args.lead)
    return 0


if __name__ == "__main__":
    sys.exit(main())
