"""The one text normalization shared by LM training, correction and evaluation.

Two layers:

* :func:`fold` — *length-preserving* width folding: every character maps to exactly one
  character, so offsets in folded text are offsets in the original. Full-width ASCII forms
  (``，`` ``：`` ``（`` ``１`` ``Ａ``) become ASCII, the ideographic space becomes a space;
  CJK punctuation that has no ASCII twin (``。`` ``、`` ``“`` ``”`` ``《`` ``》`` ``—``) is kept.
  NFKC is applied per character and only where it yields one character, so ``…`` or ``①``
  stay as they are instead of growing into several characters.
* :func:`lm_token` — what the character language model sees for one character: the folded
  character, with every ASCII digit mapped to ``0`` and every ASCII letter to ``a`` (numbers
  and Latin words are protected from correction; the LM only needs to know their class).
  Whitespace yields no token.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Callable

DIGIT_TOKEN = "0"
LATIN_TOKEN = "a"


class PerChar(dict):
    """A function of one character, kept per character seen (``table[ch]``): for loops over every
    character of a page, where a dict look-up costs half of a call, cached or not."""

    def __init__(self, of: Callable[[str], object]) -> None:
        super().__init__()
        self.of = of

    def __missing__(self, ch: str) -> object:
        self[ch] = value = self.of(ch)
        return value


#: Characters that take no room on a page: zero-width space, non-joiner and joiner, the word joiner,
#: and a byte-order mark left inside a text (files joined end to end). Layout, not text: they fold to a
#: space, so the LM never sees them and evaluation drops them as it drops whitespace.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """Width-fold one character; always returns exactly one character."""
    if ch == "\u3000" or ch in ZERO_WIDTH:
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold(text: str) -> str:
    """Length-preserving width folding of ``text`` (see module docstring)."""
    return "".join(map(fold_char, text))


def nfc(text: str) -> str:
    """Canonical composition: how characters are counted (code points after NFC)."""
    return unicodedata.normalize("NFC", text)


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (basic block, extensions A–G) and compatibility ideographs."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x323AF
        or 0xF900 <= cp <= 0xFAFF
    )


def is_cjk_punct(ch: str) -> bool:
    """CJK/full-width punctuation (the symbols newspapers set between Han characters)."""
    cp = ord(ch)
    return (
        0x3000 <= cp <= 0x303F
        or 0xFF00 <= cp <= 0xFF0F
        or 0xFF1A <= cp <= 0xFF20
        or 0xFF3B <= cp <= 0xFF40
        or 0xFF5B <= cp <= 0xFF65
        or ch in "“”‘’—…·–"
    )


@lru_cache(maxsize=65536)
def lm_token(ch: str) -> str:
    """The LM token for one character, or ``""`` for whitespace (no token)."""
    folded = fold_char(ch)
    if folded.isspace():
        return ""
    if "0" <= folded <= "9":
        return DIGIT_TOKEN
    if ("a" <= folded <= "z") or ("A" <= folded <= "Z"):
        return LATIN_TOKEN
    return folded


def lm_tokens(text: str) -> list[str]:
    """The LM token sequence of ``text`` (whitespace dropped)."""
    return [tok for tok in map(lm_token, text) if tok]


def lm_line(text: str) -> str:
    """One line of LM training text: tokens separated by single spaces."""
    return " ".join(lm_tokens(text))
