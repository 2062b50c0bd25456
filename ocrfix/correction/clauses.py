"""The clause around a place in running text where a clause mark stands or may have stood.

Two stages weigh a clause mark by its clause: the mark-choice model (:mod:`.mark_choice`: which mark a
mark read was) and the line-end gate (:class:`~.line_marks.MarkGate`: whether a mark was lost where a
line was joined). Both ask the same of the text: how long the span since the last mark is and which
mark ended it, how long the next span is up to its mark, how long the sentence is so far and whether it
has a ``，`` already, and whether the next span introduces reported speech (``习近平指出，``).
"""
from __future__ import annotations

import math
from typing import NamedTuple

#: Marks that end a span (the neighbouring marks of a site; half-width ones as their full-width mark).
BOUNDS = frozenset("，、。；：！？…,;:")
#: Half-width forms of clause marks, read as the full-width mark.
HALF = {",": "，", ";": "；", ":": "："}
#: Marks that end a sentence.
STOPS = frozenset("。！？")
#: Spans of running text counted as short items (``、`` lists).
SHORT = 6
#: Characters of a sentence so far past which it is long.
LONG = 60
#: How a clause that introduces reported speech ends (``习近平指出，``): it mostly opens a sentence.
SAYS = ("说", "指出", "表示", "强调", "认为", "介绍", "称", "透露", "提出", "宣布", "要求")


def neighbour(text: str, offset: int, step: int) -> tuple[int, str, int]:
    """(characters of running text, the mark or "\\n" that ends them, its offset) from ``offset`` in direction ``step``."""
    k, n = offset + step, 0
    while 0 <= k < len(text) and text[k] not in BOUNDS and text[k] != "\n":
        n += not text[k].isspace()
        k += step
    return n, text[k] if 0 <= k < len(text) else "\n", k


def sentence_so_far(text: str, offset: int) -> tuple[int, bool]:
    """(characters since the sentence began, whether a ``，`` came before in it) for a place at ``offset``."""
    k, n, comma = offset - 1, 0, False
    while k >= 0 and text[k] not in STOPS and text[k] != "\n":
        n += not text[k].isspace()
        comma = comma or text[k] in "，,"
        k -= 1
    return n, comma


class Clause(NamedTuple):
    values: dict[str, float]  # by feature name
    start: int  # offset of the mark (or "\n", or -1) before the span before the place
    end: int  # offset of the mark (or "\n", or the text's length) after the span after it


def clause(text: str, offset: int, width: int) -> Clause:
    """The clause features of the place ``text[offset:offset + width]``: a mark there (``width`` 1) or
    the gap before ``text[offset]`` (``width`` 0). The spans before and after it (``log before``,
    ``log after``, ``short ...``, ``similar``), the marks that end them (``left M`` / ``left start``,
    ``right M`` / ``right end``), the sentence so far (``log sentence``, ``long sentence``, ``comma
    before``), and whether the span after it ends as a clause of reported speech opens (``right says``)."""
    before, left, start = neighbour(text, offset, -1)
    after, right, end = neighbour(text, offset + width - 1, 1)
    so_far, comma = sentence_so_far(text, offset)
    values = {f"left {HALF.get(left, left) if left in BOUNDS else 'start'}": 1.0,
              f"right {HALF.get(right, right) if right in BOUNDS else 'end'}": 1.0,
              "log before": math.log1p(before), "log after": math.log1p(after),
              "short before": float(before <= SHORT), "short after": float(after <= SHORT),
              "short both": float(before <= SHORT and after <= SHORT), "similar": float(abs(before - after) <= 1),
              "log sentence": math.log1p(so_far), "long sentence": float(so_far > LONG),
              "right says": float(text[offset + width:end].endswith(SAYS)), "comma before": float(comma)}
    return Clause(values, start, end)
