"""The OCR engine whose habits a text shows: the shipped profile for text that names no engine.

A plain-text page says nothing of the engine that read it, yet the profiles differ by 7–17 points
of CER reduction on the wrong engine's pages. The engines leave their marks in the non-Han
characters they write: Tesseract ``chi_sim`` writes a space beside Han characters (``236 件``),
half-width ``, ; : ( ) " ! ?`` for the full-width marks and junk from specks (``*``, ``|``,
``_``); PP-OCR keeps ``；：（）！？`` full-width and writes ``·``. Each habit's count in a text
is taken as Poisson with the engine's rate per Han character (:meth:`HabitModel.fit`, on each
engine's training pages), so the log-likelihood ratio of two engines grows with the text's
length and a short text never reaches a decision.

:meth:`HabitModel.pick` changes the default profile only where another profile's likelihood
beats it by :attr:`HabitModel.margin` (ln :data:`ODDS` in the shipped table) **and** the default
engine's own habits (the ones it writes more often) do not speak for the default: a text that
shows both engines' habits, like a third engine's clean print with Tesseract-like spaces,
keeps the default. A text a pipeline folded to half width (NFKC) is picked by its other habits
alone (:func:`width_folded`). The shipped table is ``models/profiles/habits.json``.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

from .checksums import verify_model
from .errors import ModelError
from .normalize import is_han

FORMAT = 1
#: ASCII marks an engine writes for full-width ones, counted beside a Han character
HALF_WIDTH = ",;:()!?\""
#: full-width marks counted wherever they stand
FULL_WIDTH = "；：（）·！？"
#: characters engines read from specks and rules, counted together
JUNK = "*|_~`\\<>={}"
SPACE, PERIOD, JUNK_TOKEN = "space", ".", "junk"
#: The habits of width. A text a pipeline folded with NFKC has lost them: every full-width form is
#: gone, and its commas beside Han characters are half-width as often as print sets commas (one in
#: every 20-odd characters of news; Tesseract writes one in about 1,000: ``models/profiles/habits.json``).
#: There they tell no engine from another and are left out of the pick.
WIDTH_TOKENS = frozenset(HALF_WIDTH) | frozenset("；：（）！？")
#: half-width commas beside Han characters, per Han character, from which a text with no full-width form is folded
FOLDED_COMMAS = 0.01
#: every habit token, in table order
TOKENS: tuple[str, ...] = (SPACE, *HALF_WIDTH, PERIOD, *FULL_WIDTH, JUNK_TOKEN)
#: added to each count when a rate is fitted (a habit never seen keeps a small rate)
SMOOTHING = 0.5
#: The likelihood ratio another profile needs over the default. A clean page shows no habit of either
#: engine, and its odds grow only with its length (about 0.006 per Han character for ``ppocr`` in the
#: shipped table), so the same clean page read by either engine has the same odds. On such pages the
#: wrong pick costs the engines unequally: on the training pages that show no habit (odds 3.4-6.8)
#: ``ppocr`` left 16 errors fewer than ``tesseract`` on 20 RapidOCR ``rapid-train`` pages and 22 fewer on
#: 12 of unseen faces (``fonts-rapid-train``), 4 more on 3 Tesseract ``train`` pages. 500 (ln 6.2) is over
#: the odds of every Tesseract training page (at most 5.7, where a Tesseract rule ``ppocr`` lacks fixed
#: something): no Tesseract training page leaves ``tesseract``, and the clean RapidOCR pages of odds 6.2 to
#: 6.9, which 1,000 left with ``tesseract``, get ``ppocr`` (benchmarks/RESULTS.md, "RapidOCR pages of
#: unseen faces and scan damage").
ODDS = 500.0


class HabitCounts(NamedTuple):
    """A text's Han characters and its count of each habit token."""

    han: int
    counts: Mapping[str, int]


class HabitPick(NamedTuple):
    """The profile a text's habits pick, and by how much its likelihood beats the default's (ln)."""

    profile: str
    log_odds: float


def width_folded(text: str, found: HabitCounts) -> bool:
    """Whether ``text`` (with its :func:`habit_counts` ``found``) was folded to half width on its way (:data:`WIDTH_TOKENS`)."""
    return found.counts.get(",", 0) >= max(1.0, FOLDED_COMMAS * found.han) \
        and not any("\uff01" <= ch <= "\uff5e" for ch in text)


def habit_counts(text: str) -> HabitCounts:
    """Han characters and habit tokens of ``text`` (see the module docstring)."""
    counts: Counter[str] = Counter()
    han = 0
    for i, ch in enumerate(text):
        if is_han(ch):
            han += 1
            continue
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        beside_han = is_han(before) or is_han(after)
        if ch == " " and beside_han and not before.isspace() and not after.isspace():
            counts[SPACE] += 1
        elif ch in HALF_WIDTH and beside_han:
            counts[ch] += 1
        elif ch == "." and beside_han and not (before.isdigit() and after.isdigit()):
            counts[PERIOD] += 1
        elif ch in FULL_WIDTH:
            counts[ch] += 1
        elif ch in JUNK:
            counts[JUNK_TOKEN] += 1
    return HabitCounts(han, counts)


@dataclass(frozen=True)
class HabitModel:
    """Each profile's rate of every habit token per Han character, and the pick's margin (ln)."""

    rates: Mapping[str, Mapping[str, float]]
    margin: float = math.log(ODDS)

    @classmethod
    def fit(cls, texts: Mapping[str, Iterable[str]], margin: float = math.log(ODDS)) -> HabitModel:
        """Rates from each profile's texts (its engine's OCR of training pages)."""
        rates = {}
        for profile, profile_texts in texts.items():
            total: Counter[str] = Counter()
            han = 0
            for text in profile_texts:
                found = habit_counts(text)
                han += found.han
                total.update(found.counts)
            if han == 0:
                raise ModelError(f"no Han characters in the texts of profile {profile!r}")
            rates[profile] = {token: (total[token] + SMOOTHING) / han for token in TOKENS}
        return cls(rates, margin)

    def _terms(self, found: HabitCounts, profile: str, default: str, tokens: Iterable[str] = TOKENS) -> dict[str, float]:
        """Each token's share of the log-likelihood ratio of ``profile`` over ``default``."""
        mine, theirs = self.rates[profile], self.rates[default]
        return {token: found.counts.get(token, 0) * math.log(mine[token] / theirs[token])
                - found.han * (mine[token] - theirs[token]) for token in tokens}

    def pick(self, text: str, default: str) -> HabitPick | None:
        """The profile other than ``default`` that ``text``'s habits pick, or None (keep the default)."""
        if default not in self.rates:
            return None
        found = habit_counts(text)
        tokens = [t for t in TOKENS if t not in WIDTH_TOKENS] if width_folded(text, found) else TOKENS
        best: HabitPick | None = None
        for profile in self.rates:
            if profile == default:
                continue
            terms = self._terms(found, profile, default, tokens)
            odds = sum(terms.values())
            defaults_own = sum(terms[t] for t in tokens if self.rates[default][t] > self.rates[profile][t])
            if odds >= self.margin and defaults_own >= 0 and (best is None or odds > best.log_odds):
                best = HabitPick(profile, odds)
        return best

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "margin": round(self.margin, 4), "tokens": list(TOKENS),
                           "rates": {p: {t: round(r[t], 8) for t in TOKENS} for p, r in self.rates.items()}},
                          ensure_ascii=False, indent=1) + "\n"


@lru_cache(maxsize=4)
def load_habits(path: Path) -> HabitModel | None:
    """The habit table at ``path`` (None when there is none: every text keeps the default)."""
    if not path.is_file():
        return None
    verify_model(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != FORMAT:
            raise ValueError(f"format {record.get('format')!r}, expected {FORMAT}")
        rates = {str(p): {t: float(r[t]) for t in TOKENS} for p, r in record["rates"].items()}
        if any(rate <= 0 for r in rates.values() for rate in r.values()):
            raise ValueError("a rate is not positive")
        return HabitModel(rates, float(record["margin"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{path}: not a habit table ({type(exc).__name__}: {exc})") from None
