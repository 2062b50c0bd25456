"""Story-level scores of a whole-page output: which story each output line comes from.

Ground truth has story structure when its stories are set apart by two blank lines (the way
``ocrfix reflow`` writes a page with several stories) or a form feed (the way it parts the pages of a
document of several: no story runs on across it). Each output line of at least
``MIN_CHARS`` characters is attributed to a story by its character 4-grams that occur in that
story's text and in no other: a story owns the line with ``OWN`` or more of them. OCR errors
lower the counts but never move them to another story. From the lines' owners:

* **purity** — lines owned by exactly one story / lines owned by any (a line that joins two
  stories' text is owned by both);
* **contiguity** — stories that occur / runs of consecutive lines of one story (1.0 when each
  story is read in one piece, lower when stories interleave);
* **order** — pairs of single-owner lines whose stories come in the ground truth's order (or
  are the same story) / all such pairs.

Comparing layout engines needs these because CER is blind to order (blocks are matched in any
order) and paragraph scores do not see a story's paragraphs scattered over the page.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import astuple, dataclass

from .profile import normalize_line

MIN_CHARS = 8
GRAM, OWN = 4, 3
_STORY_BREAK = re.compile(r"\n[^\S\n]*\n[^\S\n]*\n|\f")


@dataclass(frozen=True)
class StoryScores:
    """The counts behind the story scores, so the scores of a set of pages are its pages' counts
    summed (``+``) rather than their ratios averaged."""

    stories: int  # stories in the ground truth
    lines: int  # output lines owned by some story
    single: int  # of them, lines owned by one story
    found: int  # stories that own a line alone
    runs: int  # runs of consecutive single-owner lines of one story
    ordered: int  # pairs of single-owner lines in the ground truth's story order
    pairs: int  # pairs of single-owner lines

    @property
    def purity(self) -> float:
        return self.single / self.lines if self.lines else 1.0

    @property
    def contiguity(self) -> float:
        return self.found / self.runs if self.runs else 1.0

    @property
    def order(self) -> float:
        return self.ordered / self.pairs if self.pairs else 1.0

    def __add__(self, other: "StoryScores") -> "StoryScores":
        return StoryScores(*(a + b for a, b in zip(astuple(self), astuple(other))))

    def to_dict(self) -> dict:
        return {"stories": self.stories, "lines": self.lines, "purity": round(self.purity, 6),
                "contiguity": round(self.contiguity, 6), "order": round(self.order, 6)}


def split_stories(text: str) -> list[str]:
    """The stories of ``text``: parts set apart by two blank lines (whitespace-only lines count as blank)
    or by a form feed."""
    return [part for part in _STORY_BREAK.split(text) if part.strip()]


def grams(text: str) -> set[str]:
    return {text[i:i + GRAM] for i in range(len(text) - GRAM + 1)}


def owners(line: str, story_grams: list[set[str]]) -> list[int]:
    """Stories owning ``line`` (normalized): ``OWN``+ of its 4-grams occur in them and in no other story."""
    hits = [0] * len(story_grams)
    for gram in grams(line):
        found = [k for k, g in enumerate(story_grams) if gram in g]
        if len(found) == 1:
            hits[found[0]] += 1
    return [k for k, n in enumerate(hits) if n >= OWN]


def story_grams(stories: list[str]) -> list[set[str]]:
    return [grams("".join(normalize_line(line) for line in story.splitlines())) for story in stories]


def story_scores(gt: str, hyp: str) -> StoryScores | None:
    """Scores of ``hyp`` against ``gt`` (see module docstring); None when ``gt`` has one story."""
    stories = split_stories(gt)
    if len(stories) < 2:
        return None
    table = story_grams(stories)
    owned = [o for o in (owners(n, table) for n in map(normalize_line, hyp.splitlines()) if len(n) >= MIN_CHARS) if o]
    single = [o[0] for o in owned if len(o) == 1]
    runs = sum(1 for k, s in enumerate(single) if k == 0 or single[k - 1] != s)
    return StoryScores(len(stories), len(owned), len(single), len(set(single)), runs, *_ordered_pairs(single))


def _ordered_pairs(sequence: list[int]) -> tuple[int, int]:
    """(pairs i < j with sequence[i] <= sequence[j], all pairs i < j)."""
    seen: list[int] = []
    good = total = 0
    for k, value in enumerate(sequence):
        good += bisect_right(seen, value)  # earlier items not after this story
        total += k
        seen.insert(bisect_right(seen, value), value)
    return good, total
