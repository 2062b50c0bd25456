"""Marks lost at wrapped line ends, put back where the LM asks for one.

Print hangs a closing mark (，。、”…) past the column edge when the line is already full.
Engines that read the line inside its box (PP-OCR among them) drop it: on RapidOCR pages most
missing marks sit right at a line end. After the reflow has joined the column lines of a
paragraph, each join after a Han character, letter or digit and before anything but a closing mark
is a place where a mark may have hung (after a symbol — a straight ``"``, a ``*`` — the engine
has already read the mark, wrongly: the symbol rules and the decoder handle it); the mark the LM
likes best there is inserted where it beats running on by more than :data:`MIN_GAIN` (log10).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from ..errors import ModelError
from ..normalize import ZERO_WIDTH, is_han, lm_tokens
from .clauses import clause as clause_around
from .edits import Change
from .features import LanguageModel
from .rules import mark_scores

#: Tuned on column-wrapped training news (``python -m benchmarks.line_marks margins``, months
#: 2019-10 and 2020-02: 400 paragraphs of whole sentences each, broken at 12-14 cells with
#: hanging marks, then the hung marks dropped): of 834 line ends that lost a mark, 46 % and 43 %
#: got the right one back at 1.5 (3-5 % another mark), against 1 and 4 insertions at the 8,674
#: line ends that lost nothing (about one per 14,000 characters); at 1.0: 55 % and 54 %, against 5
#: and 12; at 2.0: 37 % and 35 %, against 0 and 2.
MIN_GAIN = 1.5
#: Marks that may have hung; "”" only inside an open quotation; "·" between the parts of a transliterated
#: name (伊丽莎白·沃伦; print never starts a line with it): 2 of the 20 hung marks the stage left out on the
#: RapidOCR training pages, both put back once offered, and no ``·`` put where print has none.
MARKS = ("，", "。", "、", "；", "：", "·", "”")
#: Characters either side the LM sees: the news LM's order (6-grams). With 4, as first shipped,
#: the same margin put back 35 % and 36 % of those marks (RapidOCR training pages: 30 of 53
#: against 35); more than 6 changes no score.
SPAN = 6
SOURCE = "rule:line-end-mark"
#: A line-end mark put back where the printed line's box held ink past its text (:mod:`ocrfix.formats.line_reach`).
REACH_SOURCE = "geometry:line-box"
CLOSING = "，。、；：？！”’）》」』〕】…—,.;:?!)"
#: Closing marks print hangs past the edge of a full line.
HUNG = "，。、；：？！”’）》」』〕】…—"


def wrapped_line_ends(raw: str, reflowed: str) -> list[int]:
    """Offsets in ``reflowed`` of the characters that began a line of ``raw`` which the reflow
    joined onto the line before (``reflowed`` differs from ``raw`` in whitespace only)."""
    return [join for join, _ in joined_lines(raw, reflowed)]


def joined_lines(raw: str, reflowed: str) -> list[tuple[int, int]]:
    """Per line of ``raw`` the reflow joined onto the line before (see :func:`wrapped_line_ends`): the
    offset in ``reflowed`` of its first character and the offset in ``raw`` of the line before's last."""
    joins = []
    raw_pos = -1
    previous: tuple[int, int] | None = None  # raw and reflowed position of the last non-space character
    for pos, ch in enumerate(reflowed):
        if ch.isspace():
            continue
        raw_pos = raw.index(ch, raw_pos + 1)
        if previous is not None and "\n" in raw[previous[0]:raw_pos] and "\n" not in reflowed[previous[1]:pos]:
            joins.append((pos, previous[0]))
        previous = (raw_pos, pos)
    return joins


def quote_open(text: str, offset: int) -> bool:
    """Whether a “ quotation is open at ``offset`` in its paragraph."""
    start = text.rfind("\n", 0, offset) + 1
    return text.rfind("“", start, offset) > text.rfind("”", start, offset)


#: The clause of a line end nothing is known around.
NO_CLAUSE: Mapping[str, float] = MappingProxyType({})


class MarkChoice(NamedTuple):
    gain: float  # log10 gain of the mark over running on
    mark: str
    #: log10 lead of the mark over the next best one (where two fit about as well, as `，` and `。`
    #: between two clauses often do, the pick is a coin-flip; ``benchmarks.line_marks margins --lead``)
    lead: float
    #: the clause around the line end (:func:`line_end_clause`; only where a gate weighs it)
    clause: Mapping[str, float] = NO_CLAUSE


def line_end_clause(text: str, offset: int) -> dict[str, float]:
    """The clause around the gap before ``text[offset]`` (:func:`.clauses.clause`: the spans to the marks
    either side and which marks they are, the sentence so far, reported speech), and how the span after
    it opens: its first two characters where they are Han (``next2 同时``)."""
    around = clause_around(text, offset, 0)
    opening = "".join(text[offset:around.end].split())[:2]
    return {**around.values, **({f"next2 {opening}": 1.0} if len(opening) == 2 and all(map(is_han, opening)) else {})}


def best_mark(lm: LanguageModel, text: str, offset: int, span: int = SPAN, clause: bool = False) -> MarkChoice:
    """The best mark to insert at ``offset`` (``clause``: with the clause around it, :func:`line_end_clause`)."""
    options = tuple(mark for mark in MARKS if mark != "”" or quote_open(text, offset))
    scores = mark_scores(lm, text, offset, 0, ("", *options), span)  # "": running on
    (best, mark), (second, _) = sorted(((scores[m] - scores[""], m) for m in options), reverse=True)[:2]
    return MarkChoice(best, mark, best - second, line_end_clause(text, offset) if clause else NO_CLAUSE)


def gate_features(choice: MarkChoice) -> dict[str, float]:
    """What :class:`MarkGate` weighs of a line end's best mark: its gain (clipped to [-3, 6]), its lead
    over the next best (clipped to 4), which mark it is, and the clause around it (a gate uses those
    of them its coefficients name)."""
    return {"gain": min(max(choice.gain, -3.0), 6.0), "lead": min(choice.lead, 4.0),
            **{f"mark {mark}": float(choice.mark == mark) for mark in MARKS[1:]}, **choice.clause}


@dataclass(frozen=True)
class MarkGate:
    """A calibrated decision for the line-end stage: the probability that the engine lost the best mark
    at a line end (a logistic regression over :func:`gate_features`), and the probability a mark needs
    to go back (set for a precision; ``benchmarks.line_marks gate`` fits both)."""

    coefficients: Mapping[str, float]
    intercept: float
    threshold: float

    def probability(self, choice: MarkChoice) -> float:
        z = self.intercept + sum(self.coefficients.get(name, 0.0) * value for name, value in gate_features(choice).items())
        return 1.0 / (1.0 + math.exp(-z))

    def accepts(self, choice: MarkChoice) -> bool:
        return choice.gain > 0.0 and self.probability(choice) >= self.threshold

    def to_json(self, **extra: object) -> str:
        record = {"coefficients": dict(self.coefficients), "intercept": self.intercept, "threshold": self.threshold, **extra}
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def load(cls, path: str | Path) -> "MarkGate":
        try:
            record = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls({str(k): float(v) for k, v in record["coefficients"].items()},
                       float(record["intercept"]), float(record["threshold"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path}: not a line-end mark gate ({exc})") from exc


HALF_WIDTH_CELLS = 0.55  # cells of a half-width letter or digit
#: Lines either side whose usual width a line is measured against, and the shortest counted.
WIDTH_NEIGHBOURS, WIDTH_MIN_CHARS = 8, 5


def line_cells(line: str) -> int:
    """Cells ``line`` takes in print: a full-width character one, a half-width one :data:`HALF_WIDTH_CELLS`."""
    return round(sum(1.0 if ord(ch) >= 0x2000 else HALF_WIDTH_CELLS for ch in line if not ch.isspace()))


def usual_widths(lines: Sequence[str]) -> list[int | None]:
    """Per line: the usual cells of a line around it (the commonest of the :data:`WIDTH_NEIGHBOURS`
    lines either side with at least :data:`WIDTH_MIN_CHARS` characters, where one is commonest; else None)."""
    cells = [line_cells(line) for line in lines]
    counted = [len("".join(line.split())) >= WIDTH_MIN_CHARS for line in lines]
    usual: list[int | None] = []
    for k in range(len(lines)):
        common = Counter(cells[n] for n in range(max(0, k - WIDTH_NEIGHBOURS), min(len(lines), k + WIDTH_NEIGHBOURS + 1))
                         if counted[n]).most_common(2)
        usual.append(common[0][0] if common and (len(common) == 1 or common[0][1] > common[1][1]) else None)
    return usual


def hung_marks_read(wrapped: str) -> int:
    """Lines of ``wrapped`` (the text as printed, each column line on a line of its own) that end in
    closing marks hung past the column edge, read: without those marks the line is as wide as the
    usual line around it (:func:`usual_widths`), with them wider."""
    lines = wrapped.split("\n")
    read = 0
    for line, usual in zip(lines, usual_widths(lines)):
        body = line.rstrip()
        while body and body[-1] in HUNG:
            body = body[:-1]
        read += usual is not None and body != line.rstrip() and line_cells(body) == usual
    return read


#: A line end where the LM's best mark gains more than this (log10) is one where the engine surely lost it.
SURE_GAIN = 2.0
#: An engine reads the closing marks print hangs past a full line, or drops them (PP-OCR drops them in
#: some faces, where the mark sits outside the line box, and reads them in others). A text whose line
#: ends show fewer hung marks read than this many times the line ends where a mark was surely lost
#: (:data:`SURE_GAIN`) was read by an engine that drops them. On the 51 RapidOCR training pages whose
#: text the fold LMs never saw (``python -m benchmarks.line_marks habit``) it singles out the 10 pages
#: that lost 2 or more marks at line ends and none of the 41 others; with margins 0.5 where the
#: engine drops them and 3.5 where it reads them (a profile's ``line_end_habit``) the stage puts back
#: 36 right marks / 5 another mark where one was lost / 4 where none was, against 27 / 4 / 6 at the
#: margin 1.5. No profile ships it: on the held-out RapidOCR pages the face that drops hung marks also
#: reads many (a page is not one or the other), and the ``ppocr`` profile with it fixed fewer errors
#: there (benchmarks/RESULTS.md, "Hung marks dropped or read").
HUNG_RATIO = 3


def drops_hung_marks(sure: int, hung: int) -> bool | None:
    """Whether a text with ``sure`` line ends that surely lost a mark and ``hung`` hung marks read was
    read by an engine that drops hung marks (:data:`HUNG_RATIO`): True; False where it read hung marks
    and fewer were surely lost; None where it shows neither (no hung mark read, none surely lost)."""
    if hung < HUNG_RATIO * sure:
        return True
    return False if hung else None


def line_end_choices(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool], clause: bool = False
                     ) -> list[tuple[int, MarkChoice]]:
    """The best mark (:func:`best_mark`, with the clause around it where ``clause``) at each of the ``joins``
    of ``text`` (see :func:`wrapped_line_ends`) after a Han character, letter or digit and before anything
    but a closing mark, neither protected."""
    choices = []
    for offset in joins:
        if not 0 < offset < len(text):
            continue
        before, after = text[offset - 1], text[offset]
        if (not before.isalnum() or after in CLOSING  # after a symbol (a straight '"', a '*'): a misread mark is there
                or protected[offset - 1] or protected[offset]):
            continue
        choices.append((offset, best_mark(lm, text, offset, clause=clause)))
    return choices


def sure_losses(choices: Sequence[tuple[int, MarkChoice]]) -> int:
    """The line ends of ``choices`` (:func:`line_end_choices`) where a mark was surely lost (:data:`SURE_GAIN`)."""
    return sum(choice.gain > SURE_GAIN for _, choice in choices)


#: Line ends that surely lost a mark a text needs before their share counts (:func:`sure_share`): one or two
#: in a short story say little (a story whose lines the layout joined across columns has such line ends too).
SURE_MIN = 3


def sure_share(choices: Sequence[tuple[int, MarkChoice]]) -> float:
    """The share of the line ends of ``choices`` where a mark was surely lost (:func:`sure_losses`); 0 where fewer
    than :data:`SURE_MIN` were."""
    sure = sure_losses(choices)
    return sure / len(choices) if sure >= SURE_MIN else 0.0


#: Marks whose lack inside a line :func:`unmarked_asks` counts: the two a writer most often leaves out.
ASKED = ("，", "。")


def unmarked_asks(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool]) -> float:
    """Per 1,000 characters of ``text``: the gaps between two Han characters inside a line (none of
    the ``joins``, neither side protected) where the LM would put a ``，`` or ``。`` (:data:`ASKED`) with
    a gain over :data:`MIN_GAIN`. Inside a line an engine reads the marks print
    has, so these are the LM's taste for marks the writer leaves out (习近平强调, a headline run into its
    story): a text with many of them asks more of a line end before a mark goes back there."""
    joined = set(joins)
    asks = 0
    for offset in range(1, len(text)):
        if offset in joined or not (is_han(text[offset - 1]) and is_han(text[offset])) \
                or protected[offset - 1] or protected[offset]:
            continue
        scores = mark_scores(lm, text, offset, 0, ("", *ASKED), SPAN)
        asks += max(scores[mark] for mark in ASKED) - scores[""] > MIN_GAIN
    chars = sum(not ch.isspace() for ch in text)
    return 1000.0 * asks / chars if chars else 0.0


def sparse_margin(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool],
                  choices: Sequence[tuple[int, MarkChoice]], margin: float | None, sparse: tuple[float, float]
                  ) -> float | None:
    """The line-end margin of ``text``: ``sparse``'s margin (a profile's ``line_end_sparse``: asks per
    1,000 characters, margin) where the LM asks for marks inside its lines at least that often
    (:func:`unmarked_asks`), else ``margin`` (None: :data:`MIN_GAIN`). The text is scanned only where
    one of the line ends' ``choices`` falls between the two margins, where the scan decides something."""
    rate, raised = sparse
    base = MIN_GAIN if margin is None else margin
    if any(base < choice.gain <= raised for _, choice in choices) and unmarked_asks(text, joins, lm, protected) >= rate:
        return raised
    return margin


def marks_to_insert(choices: Sequence[tuple[int, MarkChoice]], min_gain: float | None = None, gate: MarkGate | None = None
                    ) -> list[Change]:
    """``(offset, "", mark, 1.0, (SOURCE,))`` insertions of the best marks of ``choices`` that gain more
    than ``min_gain`` (default :data:`MIN_GAIN`), or, with a ``gate``, that it lets through (the margin
    then unused)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    return [(offset, "", choice.mark, 1.0, (SOURCE,)) for offset, choice in choices
            if (gate.accepts(choice) if gate is not None else choice.gain > min_gain)]


def marks_by_reach(choices: Sequence[tuple[int, MarkChoice]], reached: Collection[int], reach: tuple[float, float]
                   ) -> list[Change]:
    """:func:`marks_to_insert` of ``choices`` at the margin ``reach[0]`` at the line ends ``reached``
    (their box reached past the column's measure: each mark logged with :data:`REACH_SOURCE` too) and
    at ``reach[1]`` at the others."""
    past = marks_to_insert([c for c in choices if c[0] in reached], reach[0])
    return [(*change[:4], (*change[4], REACH_SOURCE)) for change in past] \
        + marks_to_insert([c for c in choices if c[0] not in reached], reach[1])


def line_end_changes(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool],
                     min_gain: float | None = None, gate: MarkGate | None = None
                     ) -> list[Change]:
    """:func:`marks_to_insert` of the :func:`line_end_choices` of ``text``."""
    return marks_to_insert(line_end_choices(text, joins, lm, protected, gate is not None), min_gain, gate)


#: Marks the engine reads at a wrapped line end where print has none (whole-page Tesseract runs,
#: grid pages read in columns: ``冯其庸。`` / ``的身体``, ``祝福国。。`` / ``家``, ``也。。`` / ``”有一线``),
#: weighed against the text without them.
STRAY_SOURCE = "rule:line-end-stray"
#: log10 gain a run at a line end needs without some of its marks over as it stands (see
#: :func:`stray_mark_changes`); :data:`HABIT_GAIN` in a text where :data:`HABIT_RUNS` runs clear
#: it: there the engine has the habit. Runs weighed (gain of 2 or more) on training pages, right /
#: wrong (the deletions alone, against the ground truth): single-story Tesseract ``train`` pages at
#: gains 3-4 8 / 66, 4-5 18 / 35, 5-6 22 / 25, 6-8 21 / 11, over 8 71 / 3; RapidOCR ``rapid-train``
#: 3-6 2 / 8, over 6 22 / 1; the multi-story development pages (grid pages read in columns, where
#: most runs are) 3-4 49 / 19, 4-5 55 / 11, 5-6 72 / 7, 6-8 151 / 6, over 8 565 / 5. With these
#: settings 71 / 4, 21 / 0 and 825 / 28.
STRAY_GAIN = 8.0
HABIT_GAIN = 3.0
HABIT_RUNS = 3
#: A run with one of these is left as it stands: print doubles ``……`` and ``——``, and the engine
#: rarely invents a question, exclamation or semicolon mark (development pages: 1 right, 11 wrong).
KEPT_MARKS = "…—？?！!；;"
#: ... and so is a run with an ellipsis typed or folded as three full stops (``…`` under NFKC): the
#: news corpora never have ``...``, so the LM reads it as three strays.
KEPT_DOTS = "..."
#: Longest run of marks weighed (either side of the join together).
STRAY_RUN = 4


#: What a run of marks skips inside it: spaces, and characters that take no room.
_GAPS = " \t" + ZERO_WIDTH


def _is_mark(ch: str) -> bool:
    return not ch.isalnum() and not ch.isspace() and ch not in ZERO_WIDTH and ch not in "()（）《》〈〉【】[]<>#%&+=/\\@$*_~"


def _run(text: str, offset: int) -> tuple[int, int]:
    """The run of marks around the join at ``offset`` (whitespace inside it skipped): [start, end)."""
    start = offset
    while start > 0 and (_is_mark(text[start - 1]) or text[start - 1] in _GAPS):
        start -= 1
    end = offset
    while end < len(text) and (_is_mark(text[end]) or text[end] in _GAPS):
        end += 1
    while start < offset and text[start] in " \t":
        start += 1
    return start, end


def _sentences_logp(lm: LanguageModel, tokens: Sequence[str]) -> float:
    """log10 P of ``tokens`` read as the middle of a text: each ``。`` (with the closing quotes right
    after it) ends a sentence, and what follows starts one."""
    total, start = 0.0, 0
    k = 0
    while k < len(tokens):
        if tokens[k] == "。":
            end = k + 1
            while end < len(tokens) and tokens[end] in "”’":
                end += 1
            total += lm.score_tokens(list(tokens[start:end]), bos=start > 0, eos=True)
            start = k = end
            continue
        k += 1
    return total + lm.score_tokens(list(tokens[start:]), bos=start > 0, eos=False)


def stray_runs(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool]) -> list[tuple[float, list[int]]]:
    """At each of the ``joins`` of ``text`` where the marks ending the line before and starting the
    line after (up to :data:`STRAY_RUN` of them, none protected or in :data:`KEPT_MARKS`, Chinese
    text either side) read better to the LM with some of them left out: the log10 gain of the
    best way of keeping some of them in order over the run as it stands (:data:`SPAN` characters
    either side; ``。`` ends a sentence), and the offsets of the marks it leaves out."""
    found = []
    weighed = 0  # where the last run weighed ended: a run spanning two joins is weighed once
    for offset in joins:
        start, end = _run(text, offset)
        marks = [k for k in range(start, end) if _is_mark(text[k])]
        if start < weighed or not _weighable(text, start, end, marks, protected):
            continue
        weighed = end
        best = _best_left_out(text, start, end, marks, lm)
        if best is not None:
            found.append(best)
    return found


def _weighable(text: str, start: int, end: int, marks: list[int], protected: Sequence[bool]) -> bool:
    """Whether the run of ``marks`` (offsets) at ``text[start:end]`` is weighed: up to
    :data:`STRAY_RUN` marks, none protected or in :data:`KEPT_MARKS`, no :data:`KEPT_DOTS`, a letter either side."""
    if not marks or len(marks) > STRAY_RUN or any(protected[k] for k in marks) or any(text[k] in KEPT_MARKS for k in marks) \
            or KEPT_DOTS in text[start:end]:
        return False
    return not (start == 0 or end >= len(text) or not text[start - 1].isalnum() or not text[end].isalnum())


def _best_left_out(text: str, start: int, end: int, marks: list[int], lm: LanguageModel) -> tuple[float, list[int]] | None:
    """The log10 gain of the best way of keeping some of the run's ``marks`` in order (at
    ``text[start:end]``) over the run as it stands, and the offsets of the marks it leaves out;
    None where the run as it stands reads best."""
    left = lm_tokens(text[max(0, start - SPAN):start])
    right = lm_tokens(text[end:end + SPAN + 1])[:SPAN]
    kept = {keep: _sentences_logp(lm, left + lm_tokens("".join(text[k] for k in keep)) + right)
            for n in range(len(marks) + 1) for keep in combinations(marks, n)}
    best = max(kept, key=kept.__getitem__)
    if best == tuple(marks):
        return None
    return kept[best] - kept[tuple(marks)], [k for k in marks if k not in best]


def stray_habit(runs: Sequence[tuple[float, list[int]]], min_gain: float | None = None) -> bool:
    """Whether :data:`HABIT_RUNS` of the :func:`stray_runs` ``runs`` gain more than ``min_gain``
    (default :data:`STRAY_GAIN`): the engine that read the text has the habit."""
    return sum(gain > (STRAY_GAIN if min_gain is None else min_gain) for gain, _ in runs) >= HABIT_RUNS


def stray_mark_changes(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool],
                       min_gain: float | None = None, habit: bool | None = None
                       ) -> list[Change]:
    """``(offset, mark, "", 1.0, (STRAY_SOURCE,))`` deletions of the marks :func:`stray_runs` leaves
    out where its gain is over ``min_gain`` (default :data:`STRAY_GAIN`), or over :data:`HABIT_GAIN`
    where the engine has the habit: ``habit``, or (None) the text shows it (:func:`stray_habit`;
    a story of a page is told the page's, which has more line ends to show it)."""
    min_gain = STRAY_GAIN if min_gain is None else min_gain
    runs = stray_runs(text, joins, lm, protected)
    if stray_habit(runs, min_gain) if habit is None else habit:
        min_gain = min(min_gain, HABIT_GAIN)
    return [(k, text[k], "", 1.0, (STRAY_SOURCE,)) for gain, left_out in runs if gain > min_gain for k in left_out]
