"""What the rest of the document says about an edit site: the page's own bigram counts.

OCR errors are mostly one-off, while the words of an article recur: on the cross-fit training
pages (fold a, 3,900 Han substitutions among 73,000 Han characters) a bigram of a *correctly*
read character with a neighbour recurs elsewhere on the page for 52% of the characters, but for
only 7% of the misread ones. And for 30% of the misread characters the true one occurs
elsewhere on the page next to the same neighbour (names and terms repeat within an article).
Both are evidence no n-gram model of other text has: the LM may never have seen 十五五 or a
person's name, but the page repeats it. This is a cache model in the sense of Kuhn & De Mori
(1990), kept to counts so the fitted scorer decides how much to trust it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence


class DocumentBigrams:
    """Bigram counts of one document's LM tokens (within sentences)."""

    def __init__(self, sentences: Iterable[Sequence[str]] = ()) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        for tokens in sentences:
            self.counts.update(zip(tokens, tokens[1:]))

    def recurrence(self, left: str | None, chars: str, right: str | None) -> int:
        """How many of the bigrams that ``chars`` (one character, or several in a row) form with
        each other and with the neighbours occur at least once more in the document (the site
        itself is one occurrence)."""
        if len(chars) == 1:  # the hot path: one candidate per call (dict.get: no Counter.__missing__ call)
            count = self.counts.get
            return (left is not None and count((left, chars), 0) > 1) + (right is not None and count((chars, right), 0) > 1)
        return sum(self.counts[bigram] > 1 for bigram in _bigrams(left, chars, right))

    def support(self, left: str | None, chars: str, right: str | None, nearby: Sequence[tuple[str, str]] = ()) -> int:
        """How many of the bigrams that ``chars`` would form with each other and with the site's
        neighbours occur elsewhere in the document. ``nearby``: the bigrams of the text just
        around the site (:func:`nearby_bigrams`); for one character, occurrences there are not
        counted (a pair's bigrams span the site itself and are counted anywhere) (预知预判: 判
        for 知 would find 预判 as the very next word — a repetition the candidate would make, not
        evidence that the page uses the word)."""
        if len(chars) == 1:
            count = self.counts.get
            return ((left is not None and count((left, chars), 0) > nearby.count((left, chars)))
                    + (right is not None and count((chars, right), 0) > nearby.count((chars, right))))
        return sum(self.counts[bigram] > 0 for bigram in _bigrams(left, chars, right))


def nearby_bigrams(tokens: Sequence[str], i: int) -> tuple[tuple[str, str], ...]:
    """The bigrams of ``tokens`` within three tokens of ``i`` that do not contain it: where a
    candidate for token ``i`` would repeat its own neighbourhood (XY XY)."""
    return tuple((tokens[k], tokens[k + 1]) for k in (i - 3, i - 2, i + 1, i + 2) if k >= 0 and k + 1 < len(tokens))


def _bigrams(left: str | None, chars: str, right: str | None) -> list[tuple[str, str]]:
    seq = ([left] if left is not None else []) + list(chars) + ([right] if right is not None else [])
    return list(zip(seq, seq[1:]))
