"""Confused clause marks settled by a mark-choice model: ``，`` / ``、`` / ``。`` / ``；`` / ``：`` / ``·``.

The 6-gram LM alone does not tell these marks apart between two clauses: on training pages of text
it never saw, its best other mark for a ``、`` read as ``，`` was right 5 times and wrong 60 times at a
gain above 0.5. The text around a mark says more than the LM's n-grams: ``、`` joins short
parallel items (1-6 characters between two marks, items of similar length), inside a clause closed
by ``，`` or ``。``; ``；`` separates parallel clauses of a sentence that already has a ``，``; ``。``
closes a sentence, rarely a long one, and often before a clause of reported speech (``习近平指出，``).

At each mark of :data:`CLASSES` between two characters of running text (:func:`sites`) a *context
model* gives P(true mark | :func:`features`): the LM's score of each mark in place, the spans to the
neighbouring marks and which marks those are, the sentence so far (:mod:`.clauses`, which the line-end
gate shares); :func:`features` also gives the
characters either side, the next clause's first two (``同时``, ``习近``) and whether the two spans
start or end alike (``不变形、不走样``), and a model uses those of them its file names. It is a
multinomial logistic regression fitted offline on clean text that the LM scoring it never saw
(``python -m benchmarks.mark_choice fit``) and stored as plain numbers, so the corrector needs no
scikit-learn.
It models the language, not the engine: one file (``models/mark_choice/context.json``) that every
profile names as its ``mark_context``. The profile's own ``mark_choice`` file holds what is the
engine's: its *channel*, ln P(mark read | true mark), which weighs in with a fitted weight:
a site takes the likeliest true mark where it beats the mark read by more than the model's margin
(natural log-odds). An engine misreads a mark that ended a line of the page about three times as often
as one inside a line (the mark hangs at the edge of the line box, or is cut by it), so the channel may
have a second table for marks that ended a line the reflow joined (``line_end_channel``). Weight and margin are cross-fitted on the engine's training pages of text their
LM never saw for at most one wrong change per ten right ones. An engine reads most marks right, so the model
changes one only on strong evidence. A mark read may have a lower margin of its own (``read_margins``,
cross-fitted the same way, mark read by mark read: where the context tells its true mark apart better).
"""
from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from ..errors import ModelError
from ..normalize import is_han
from .clauses import HALF, clause
from .edits import Change
from .features import LanguageModel
from .garbled_marks import AFTER, BEFORE
from .line_marks import MARKS as LINE_END_MARKS, SPAN
from .rules import mark_scores, reflowed_from_columns

SOURCE = "model:mark-choice"
#: The source of a change made at a mark read's own margin (``read_margins``) below the model's: withdrawn in
#: text that reads like clean print, whose marks are the writer's (:mod:`.corrector`).
READ_MARGIN_SOURCE = "model:mark-choice, read margin"
#: The shared context model's file, under the models directory.
CONTEXT_FILE = "mark_choice/context.json"
#: The marks a site may have been read as, and may become.
CLASSES = ("，", "、", "。", "；", "：", "·")
#: The LM's scores enter as differences from their mean, clipped to this (log10).
CLIP = 8.0


class MarkModel(NamedTuple):
    """A context model of the true mark — a multinomial logistic regression over :data:`CLASSES`
    fitted on text the LM never saw — with the engine's mark channel and the margin it edits at."""

    features: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]  # per class of CLASSES, per feature
    intercept: tuple[float, ...]
    channel: tuple[tuple[float, ...], ...]  # per read mark of CLASSES, per true mark: ln P(read | true)
    weight: float  # of the channel against the context model
    margin: float  # natural log-odds the best mark needs over the mark read
    #: a margin of its own for a site whose mark read is one of these (the others take ``margin``)
    read_margins: tuple[tuple[str, float], ...] = ()
    #: ln P(read | true) of a mark that ended a line of the page, as ``channel``; empty: ``channel``'s
    line_end_channel: tuple[tuple[float, ...], ...] = ()
    #: how many sites' worth the fitted channel weighs against a page's own marks in the channel the page
    #: is corrected with (:func:`page_adapted`; a profile's ``mark_page_prior``); 0: the fitted channel alone
    page_prior: float = 0.0

    @classmethod
    def load_context(cls, context: str | Path) -> "MarkModel":
        """The context model of a ``context`` file (:meth:`context_json`), with no engine's part yet (no
        channel: :meth:`with_engine` adds one)."""
        try:
            shared = json.loads(Path(context).read_text(encoding="utf-8"))
            model = cls(tuple(shared["features"]), tuple(tuple(map(float, row)) for row in shared["coef"]),
                        tuple(map(float, shared["intercept"])), (), 1.0, 0.0)
            same = tuple(shared["classes"]) == CLASSES and len(model.coef) == len(model.intercept) == len(CLASSES)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{context}: not a mark-choice model (its context model: {exc})") from exc
        if not same or any(len(row) != len(model.features) for row in model.coef):
            raise ModelError(f"{context}: a mark-choice context model over other classes or of inconsistent shape")
        return model

    @classmethod
    def load(cls, context: str | Path, engine: str | Path) -> "MarkModel":
        """The model of a ``context`` file (the context model, :meth:`context_json`) and an ``engine``
        file (the engine's channel, weight and margin, :meth:`engine_json`)."""
        shared = cls.load_context(context)
        try:
            own = json.loads(Path(engine).read_text(encoding="utf-8"))
            model = shared.with_engine(_table(own["channel"]), float(own["weight"]), float(own["margin"]),
                                       tuple((read, float(margin)) for read, margin in own.get("read_margins", {}).items()),
                                       _table(own["line_end_channel"]) if "line_end_channel" in own else ())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{context}, {engine}: not a mark-choice model ({exc})") from exc
        if any(read not in CLASSES for read, _ in model.read_margins):
            raise ModelError(f"{engine}: read margins for other classes than the model's ({' '.join(CLASSES)})")
        return model

    def with_engine(self, channel: tuple[tuple[float, ...], ...], weight: float, margin: float,
                    read_margins: tuple[tuple[str, float], ...] = (),
                    line_end_channel: tuple[tuple[float, ...], ...] = ()) -> "MarkModel":
        """This context model with an engine's part: its channel, weight, margin, read margins and line-end channel."""
        return self._replace(channel=channel, weight=weight, margin=margin, read_margins=read_margins,
                             line_end_channel=line_end_channel)

    def context_json(self, **extra: object) -> str:
        """The context model's file: the same for every engine."""
        record = {"classes": list(CLASSES), "features": list(self.features), "coef": [list(row) for row in self.coef],
                  "intercept": list(self.intercept), **extra}
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"

    def engine_json(self, **extra: object) -> str:
        """The engine's file: its channel, and the weight and margin it edits at."""
        record = {"weight": self.weight, "margin": self.margin, **({"read_margins": dict(self.read_margins)} if self.read_margins else {}),
                  "channel": _record(self.channel),
                  **({"line_end_channel": _record(self.line_end_channel)} if self.line_end_channel else {}), **extra}
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"

    def margin_for(self, read: str) -> float:
        """The margin a site whose mark read is ``read`` edits at."""
        return dict(self.read_margins).get(read, self.margin)

    def logits(self, values: Mapping[str, float]) -> dict[str, float]:
        """ln P(true mark | context) + a constant, per class of :data:`CLASSES`, given a site's :func:`features`."""
        x = [values.get(name, 0.0) for name in self.features]
        return {mark: b + sum(w * v for w, v in zip(row, x)) for mark, row, b in zip(CLASSES, self.coef, self.intercept)}

    def channel_row(self, read: str, line_end: bool = False) -> tuple[float, ...]:
        """ln P(``read`` | true mark) per true mark of :data:`CLASSES`, for a mark that ended a line of the page or not."""
        return (self.line_end_channel if line_end and self.line_end_channel else self.channel)[CLASSES.index(read)]

    def choice(self, values: Mapping[str, float], read: str, line_end: bool = False) -> tuple[str, float]:
        """(the likeliest true mark, its natural log-odds over ``read``) given a site's :func:`features`
        and the mark read there (``line_end``: it ended a line of the page): the context model's odds
        times the channel's (to the power ``weight``)."""
        return self.choice_of(self.logits(values), read, line_end)

    def choice_of(self, logits: Mapping[str, float], read: str, line_end: bool = False) -> tuple[str, float]:
        """:meth:`choice` given the site's :meth:`logits`."""
        channel = self.channel_row(read, line_end)
        posterior = {mark: logits[mark] + self.weight * channel[k] for k, mark in enumerate(CLASSES)}
        best = max(CLASSES, key=posterior.__getitem__)
        return best, posterior[best] - posterior[read]


#: Rounds of :func:`page_adapted`.
PAGE_ROUNDS = 3


def page_adapted(model: MarkModel, reads: Sequence[tuple[str, bool, Mapping[str, float]]]) -> MarkModel:
    """``model`` with the channel of the page whose sites read ``reads`` (the mark read, whether it ended a line
    of the page, the context model's :meth:`~MarkModel.logits` there): an engine confuses marks in a face it
    was not fitted on that it never confused in the faces it was (PP-OCR reads BabelStone Han's ``，`` as ``。``
    or ``；`` on some pages, a dozen times a page), and a page shows it in its own marks. Each round counts, per
    mark read and true mark, the page's sites' posterior of the true mark (context model and channel), and
    the channel becomes ln (count + ``page_prior`` P(read | true)) / (true marks counted + ``page_prior``),
    the fitted channel's P for each of its tables (:data:`PAGE_ROUNDS` rounds)."""
    adapted = model
    for _ in range(PAGE_ROUNDS):
        counts = [[0.0] * len(CLASSES) for _ in CLASSES]  # per mark read, per true mark
        for read, line_end, logits in reads:
            row = adapted.channel_row(read, line_end)
            posterior = [logits[mark] + row[k] for k, mark in enumerate(CLASSES)]
            top = max(posterior)
            total = sum(math.exp(p - top) for p in posterior)
            for k, p in enumerate(posterior):
                counts[CLASSES.index(read)][k] += math.exp(p - top) / total
        trues = [sum(counts[r][k] for r in range(len(CLASSES))) for k in range(len(CLASSES))]

        def table(fitted: Sequence[Sequence[float]]) -> tuple[tuple[float, ...], ...]:
            return tuple(tuple(math.log((counts[r][k] + model.page_prior * math.exp(fitted[r][k])) / (trues[k] + model.page_prior))
                               for k in range(len(CLASSES))) for r in range(len(CLASSES)))

        adapted = adapted._replace(channel=table(model.channel),
                                   line_end_channel=table(model.line_end_channel) if model.line_end_channel else ())
    return adapted


def _table(record: Mapping[str, Mapping[str, object]]) -> tuple[tuple[float, ...], ...]:
    """A channel of an engine file: per read mark, per true mark of :data:`CLASSES`."""
    return tuple(tuple(float(record[read][true]) for true in CLASSES) for read in CLASSES)  # type: ignore[arg-type]


def _record(table: Sequence[Sequence[float]]) -> dict[str, dict[str, float]]:
    return {read: dict(zip(CLASSES, row)) for read, row in zip(CLASSES, table)}


def _in_titles(text: str) -> list[bool]:
    """Per character of ``text``: whether it stands inside a title ``《…》`` (in its line)."""
    inside, depth = [False] * len(text), 0
    for k, ch in enumerate(text):
        depth = 0 if ch == "\n" else max(depth - (ch == "》"), 0) + (ch == "《")
        inside[k] = depth > 0
    return inside


def sites(text: str, protected: Sequence[bool]) -> list[int]:
    """Offsets of the unprotected marks of :data:`CLASSES` in ``text`` between a Han character (or
    a digit or closing mark of running text) and a Han character (or a digit or opening mark), outside
    titles (《走基层：国企在海外》: a title's marks are its own, not the clause's)."""
    titles = _in_titles(text) if "《" in text else None
    return [k for k in range(1, len(text) - 1) if (text[k] in CLASSES or text[k] in HALF) and not protected[k]
            and (is_han(text[k - 1]) or text[k - 1] in BEFORE) and (is_han(text[k + 1]) or text[k + 1] in AFTER)
            and not (titles and titles[k])]


def _kind(ch: str) -> str:
    return "han" if is_han(ch) else "digit" if ch.isdigit() else "other"


def features(lm: LanguageModel, text: str, offset: int) -> dict[str, float]:
    """The context of the mark at ``offset`` (a site of :func:`sites`), by feature name: nothing of
    the mark itself, so that the model is fitted on clean text (the mark read is the channel's)."""
    scores = mark_scores(lm, text, offset, 1, CLASSES, SPAN)
    mean = sum(scores.values()) / len(scores)
    around = clause(text, offset, 1)
    start, end = around.start, around.end
    paragraph_end = text.find("\n", offset)
    values = {f"lm {mark}": max(-CLIP, min(CLIP, scores[mark] - mean)) for mark in CLASSES}
    values.update(around.values)
    values["log to paragraph end"] = math.log1p((len(text) if paragraph_end < 0 else paragraph_end) - offset)
    values["same kind"] = float(_kind(text[offset - 1]) == _kind(text[offset + 1]))
    left_span, right_span = "".join(text[start + 1:offset].split()), "".join(text[offset + 1:end].split())
    values["same first"] = float(bool(left_span) and left_span[:1] == right_span[:1])
    values["same last"] = float(bool(left_span) and left_span[-1:] == right_span[-1:])
    values[f"prev {text[offset - 1] if is_han(text[offset - 1]) else _kind(text[offset - 1])}"] = 1.0
    values[f"next {text[offset + 1] if is_han(text[offset + 1]) else _kind(text[offset + 1])}"] = 1.0
    values[f"next2 {right_span[:2]}"] = 1.0
    return values


def choice_changes(text: str, model: MarkModel, lm: LanguageModel, protected: Sequence[bool],
                   joins: Collection[int] = (), margin: float | None = None) -> list[Change]:
    """``(offset, mark, other mark, P, (SOURCE,))`` changes at the :func:`sites` of ``text`` where the
    likeliest true mark beats the mark read by more than ``margin`` (natural log-odds; default: the
    model's for the mark read, :meth:`MarkModel.margin_for`; :data:`READ_MARGIN_SOURCE` where only that
    margin, below the model's, lets it through); P is its probability against the mark read alone.
    ``joins``: offsets of the characters that began a line of the page the reflow joined (a mark just
    before one ended a line, :func:`~.line_marks.wrapped_line_ends`). With the model's ``page_prior``, the
    channel is the one the text's own marks give (:func:`page_adapted`) where the text is scanned print
    (:func:`~.rules.reflowed_from_columns`): a typed text's marks are its writer's (LEMON's news headlines run
    together with ``:`` where the context model expects ``。``, 226 times in 30,000 characters)."""
    changes, joined = [], set(joins)
    found = [(offset, HALF.get(text[offset], text[offset]), offset + 1 in joined, model.logits(features(lm, text, offset)))
             for offset in sites(text, protected)]
    if model.page_prior > 0.0 and found and reflowed_from_columns(text, joins):
        model = page_adapted(model, [(read, line_end, logits) for _, read, line_end, logits in found])
    for offset, read, line_end, logits in found:
        best, odds = model.choice_of(logits, read, line_end)
        if odds > (model.margin_for(read) if margin is None else margin):
            source = READ_MARGIN_SOURCE if margin is None and odds <= model.margin else SOURCE
            changes.append((offset, text[offset], best, 1.0 / (1.0 + math.exp(-odds)), (source,)))
    return changes


#: The marks the line-end stage puts back that the context model has a class for (not ``”``), but ``·``: the
#: model weighs clauses, not names, and the LM's ``·`` between a name's parts stays as it is.
LINE_END_CLASSES = tuple(mark for mark in LINE_END_MARKS if mark in CLASSES and mark != "·")


def line_end_picks(text: str, insertions: Sequence[Change], model: MarkModel,
                   lm: LanguageModel) -> list[Change]:
    """The line-end stage's ``insertions`` into ``text`` (:func:`~.line_marks.marks_to_insert`: the LM's best
    mark at each line end where one was lost) with each mark of :data:`LINE_END_CLASSES` replaced by the one of
    them the context model finds likeliest there, with every inserted mark in place: the LM sees 6 characters
    either side, where ``，`` and ``。`` between two clauses often score within a digit of each other, and the
    context model weighs both clauses (their lengths, the marks that end them, the sentence so far, how the next
    one opens). No channel: the engine read no mark there. Whether a mark goes back stays the LM's gain's."""
    ordered = sorted(insertions)
    placed = text
    for k, (offset, _, mark, *_) in enumerate(ordered):  # k marks inserted before this one
        placed = placed[:offset + k] + mark + placed[offset + k:]
    picked = []
    for k, (offset, original, mark, p, sources) in enumerate(ordered):
        if mark in LINE_END_CLASSES:
            logits = model.logits(features(lm, placed, offset + k))
            mark = max(LINE_END_CLASSES, key=logits.__getitem__)
        picked.append((offset, original, mark, p, sources))
    return picked
