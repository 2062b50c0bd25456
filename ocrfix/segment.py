"""Sentences with offsets, and which characters the corrector may edit.

The corrector works sentence by sentence (the LM was trained one sentence per line). A
:class:`Sentence` carries the LM token of every non-whitespace character with its offset in
the page, and an ``editable`` flag: only Han characters of the inventory outside protected
spans are edit sites. Digits, Latin words, URLs/e-mail addresses, punctuation and the words
of a user keep-list are never edited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Iterable

from .normalize import is_han, lm_token

#: Characters that end a sentence (closing quotes/brackets right after them stay with it).
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff0c\uff1b\u4e00-\u9fff]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)


@dataclass(frozen=True)
class Sentence:
    start: int  # offset of the sentence in the page text
    end: int
    tokens: tuple[str, ...]  # LM tokens of the non-whitespace characters
    offsets: tuple[int, ...]  # page offset of each token's character
    editable: tuple[bool, ...]


def protected_mask(text: str, keep: Collection[str] = ()) -> list[bool]:
    """True for every character inside a URL/e-mail address or an occurrence of a keep-list word."""
    mask = [False] * len(text)
    spans = [m.span() for m in _URL.finditer(text)]
    if keep:
        words = sorted({w for w in keep if w}, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, words)))
        spans.extend(m.span() for m in pattern.finditer(text))
    for start, end in spans:
        mask[start:end] = [True] * (end - start)
    return mask


def sentence_spans(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each sentence: split after sentence-final punctuation and at line breaks."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def segment(text: str, inventory: Collection[str] | None = None, keep: Collection[str] = ()) -> list[Sentence]:
    """Split ``text`` into sentences with LM tokens, page offsets and edit-site flags.

    ``inventory``: characters that may be edited (and proposed); ``None`` allows every Han char.
    """
    protected = protected_mask(text, keep)
    sentences = []
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
            sentences.append(Sentence(start, end, tuple(tokens), tuple(offsets), tuple(editable)))
    return sentences
