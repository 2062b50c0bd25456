"""Sound-alike confusion set from pypinyin readings (all readings of polyphonic characters).

Grades, best first: same syllable and tone > same syllable, other tone > near syllable
(zh/z, ch/c, sh/s, n/l, f/h; an/ang, en/eng, in/ing) same tone > near syllable other tone.
Within a grade, frequent candidates score higher (a mild log-frequency factor), and each
character keeps at most ``k`` candidates.
"""
from __future__ import annotations

import math
from functools import lru_cache
from collections import defaultdict
from collections.abc import Iterable, Mapping

from pypinyin import Style, pinyin

from ...confusions.model import ConfusionSet

SOURCE = "pinyin"
GRADES = {"same": 1.0, "tone": 0.7, "near": 0.4, "near_tone": 0.25}
#: Share of a score that depends on candidate frequency (the rest is the grade).
FREQ_SHARE = 0.25
DEFAULT_K = 30
SECONDARY = 0.8

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w")
_NEAR_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "f": "h"}
_NEAR_FINAL = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def readings(ch: str) -> dict[tuple[str, int], float]:
    """All (toneless syllable, tone 1-5) readings of ``ch`` (5 = neutral) with a weight:
    1 for pypinyin's primary reading, :data:`SECONDARY` for the others (rare readings such as
    己 qǐ must not outrank the main one); empty if none."""
    out: dict[tuple[str, int], float] = {}
    for item in pinyin(ch, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True, errors="ignore"):
        for syl in item:
            if syl and syl[-1].isdigit() and syl[:-1].isalpha():
                out.setdefault((syl[:-1].replace("ü", "v"), int(syl[-1])), 1.0 if not out else SECONDARY)
    return out


@lru_cache(maxsize=None)
def near_key(syllable: str) -> str:
    """The fuzzy form of a toneless syllable: near initials and finals collapsed."""
    initial = next((i for i in _INITIALS if syllable.startswith(i)), "")
    final = syllable[len(initial):]
    for long, short in _NEAR_FINAL:
        if final.endswith(long):
            final = final[: -len(long)] + short
            break
    return _NEAR_INITIAL.get(initial, initial) + final


def grade(a: Mapping[tuple[str, int], float], b: Mapping[tuple[str, int], float]) -> float:
    """Best weighted grade over all reading pairs of two characters (0 if unrelated)."""
    best = 0.0
    for (syl_a, tone_a), w_a in a.items():
        for (syl_b, tone_b), w_b in b.items():
            if syl_a == syl_b:
                g = GRADES["same"] if tone_a == tone_b else GRADES["tone"]
            elif near_key(syl_a) == near_key(syl_b):
                g = GRADES["near"] if tone_a == tone_b else GRADES["near_tone"]
            else:
                continue
            best = max(best, g * w_a * w_b)
    return best


def _freq_factor(freq: Mapping[str, int]) -> dict[str, float]:
    top = math.log1p(max(freq.values(), default=0)) or 1.0
    return {ch: math.log1p(n) / top for ch, n in freq.items()}


def build_pinyin(chars: Iterable[str], freq: Mapping[str, int], k: int = DEFAULT_K) -> ConfusionSet:
    """The pinyin set over ``chars`` (both seen chars and candidates come from it)."""
    reading = {ch: r for ch in sorted(set(chars)) if (r := readings(ch))}
    by_key: dict[str, set[str]] = defaultdict(set)
    for ch, rs in reading.items():
        for syl, _ in rs:
            by_key[near_key(syl)].add(ch)
    factor = _freq_factor(freq)
    scores: dict[str, dict[str, float]] = {}
    for ch, rs in reading.items():
        pool = set().union(*(by_key[near_key(syl)] for syl, _ in rs)) - {ch}
        scored = {
            cand: grade(rs, reading[cand]) * (1 - FREQ_SHARE + FREQ_SHARE * factor.get(cand, 0.0)) for cand in pool
        }
        best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        scores[ch] = dict(best)
    return ConfusionSet.from_scores(scores, SOURCE)
