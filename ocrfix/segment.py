"""Sentences with offsets, and which characters the corrector may edit.

The corrector works sentence by sentence (the LM was trained one sentence per line). A
:class:`Sentence` carries the LM token of every non-whitespace character with its offset in
the page, and an ``editable`` flag: only Han characters of the inventory outside protected
spans are edit sites. Digits, Latin words, URLs/e-mail addresses, punctuation, runs of one
repeated character and the words of a user keep-list are never edited.

Everything here is linear in the length of the text: a page that is one endless line (a
million characters without a full stop) is cut into sentences of at most
:data:`MAX_SENTENCE` characters, so the decoder's memory stays that of one sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Iterable, Iterator

from .normalize import is_han, lm_token, lm_tokens

#: Characters that end a sentence (closing quotes/brackets right after them stay with it).
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")
#: The look-behind lets an e-mail's local part start only where a run of its characters starts:
#: without it, every position of a long run ("aaaa…", no "@") re-scans the rest of the run
#: (quadratic: 200,000 × "a" did not finish in minutes; now linear).
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff0c\uff1b\u4e00-\u9fff]+"
                  r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
#: A run of this many identical characters is not text the LM can judge (a table rule read as
#: 一一一一, filler, a stuck scanner): its characters are protected.
MIN_REPEAT_RUN = 4
_REPEAT = re.compile(r"(.)\1{%d,}" % (MIN_REPEAT_RUN - 1), re.DOTALL)
#: Longest sentence handed to the decoder (the LM was trained on lines of at most 160 characters).
MAX_SENTENCE = 256
#: Where an overlong sentence is preferably cut: after a comma-like mark or a space.
_SOFT_BREAK = re.compile(r"[，、：,:\s\u3000]")


@dataclass(frozen=True)
class Sentence:
    start: int  # offset of the sentence in the page text
    end: int
    tokens: tuple[str, ...]  # LM tokens of the non-whitespace characters
    offsets: tuple[int, ...]  # page offset of each token's character
    editable: tuple[bool, ...]


def protected_mask(text: str, keep: Collection[str] = ()) -> list[bool]:
    """True for every character inside a URL/e-mail address, a run of one repeated character
    or an occurrence of a keep-list word."""
    mask = [False] * len(text)
    spans = [m.span() for m in _URL.finditer(text)]
    spans.extend(m.span() for m in _REPEAT.finditer(text))
    if keep:
        words = sorted({w for w in keep if w}, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, words)))
        spans.extend(m.span() for m in pattern.finditer(text))
    for start, end in spans:
        mask[start:end] = [True] * (end - start)
    return mask


def sentence_spans(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each sentence: split after sentence-final punctuation and at line breaks;
    a longer stretch than :data:`MAX_SENTENCE` is cut (:func:`_cut`)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield from _cut(text, start, match.end())
        start = match.end()
    if start < len(text):
        yield from _cut(text, start, len(text))


def _cut(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """(start, end) pieces of at most MAX_SENTENCE characters, each ending after the last
    comma-like mark or space in its second half when there is one."""
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        breaks = [m.end() for m in _SOFT_BREAK.finditer(text, start + MAX_SENTENCE // 2, limit)]
        cut = breaks[-1] if breaks else limit
        yield start, cut
        start = cut
    yield start, end


def segment(text: str, inventory: Collection[str] | None = None, keep: Collection[str] = ()) -> list[Sentence]:
    """Split ``text`` into sentences with LM tokens, page offsets and edit-site flags.

    ``inventory``: characters that may be edited (and proposed); ``None`` allows every Han char.
    """
    return list(iter_sentences(text, inventory, keep))


def iter_sentences(text: str, inventory: Collection[str] | None = None, keep: Collection[str] = ()) -> Iterator[Sentence]:
    """The sentences of :func:`segment`, one at a time: a caller that handles them in turn holds one
    sentence's tokens, offsets and flags, not the whole text's (a file of millions of characters)."""
    protected = protected_mask(text, keep)
    for start, end in sentence_spans(text):
        tokens, offsets, editable = [], [], []
        for pos in range(start, end):
            ch = text[pos]
            tok = lm_token(ch)
            if not tok:
                continue
            tokens.append(tok)
            offsets.append(pos)
            editable.append(is_han(ch) and not protected[pos] and (inventory is None or ch in inventory))
        if tokens:
            yield Sentence(start, end, tuple(tokens), tuple(offsets), tuple(editable))


def sentence_tokens(text: str) -> Iterator[tuple[str, ...]]:
    """The LM tokens of each sentence of ``text``: the ``tokens`` of :func:`iter_sentences` without their
    offsets and flags (and ``()`` for a stretch without any)."""
    for start, end in sentence_spans(text):
        yield tuple(lm_tokens(text[start:end]))
