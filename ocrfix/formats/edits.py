"""Carry corrector edits from text offsets back onto words and glyphs, and confidences forward.

The corrector works on the reflowed text of a document. Reflow changes whitespace only, so
the ``k``-th non-whitespace character of that text is the ``k``-th non-whitespace character
of the document's words (in reading order): offsets map through that index, and every
changed character keeps the box of the glyph (or word) it came from.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import accumulate
from typing import Iterable, Protocol, Sequence

from .model import Alternative, Correction, Document, Word


class EditLike(Protocol):
    """What :func:`apply_edits` needs of ``ocrfix.correct``'s ``Edit``.

    The position in the corrector's *input* is ``input_offset`` (``offset`` is where the
    replacement lands in its output); objects without ``input_offset`` use ``offset``.
    """

    offset: int
    original: str
    replacement: str
    gain: float
    sources: tuple[str, ...]


def _slots(words: list[Word]) -> list[tuple[int, int]]:
    """(word index, character index) of every non-whitespace character, in reading order."""
    return [(wi, ci) for wi, w in enumerate(words) for ci, ch in enumerate(w.text) if not ch.isspace()]


def char_confidences(doc: Document, words: Sequence[Word] | None = None, word_level: bool = True) -> list[float | None]:
    """OCR confidence (0–1, None = unknown) of each non-whitespace character of ``doc.text()``.

    Aligned to the non-whitespace characters of any whitespace-only rewrite of the text
    (such as its plain reflow): glyph confidence, else the per-character ``CC``, else (with
    ``word_level``) the word's. For the geometry reflow pass its ``words`` (its reading order).
    """
    words = list(doc.words()) if words is None else list(words)
    return [words[wi].char_confidence(ci, word_level) for wi, ci in _slots(words)]


def char_alternatives(doc: Document, words: Sequence[Word] | None = None) -> list[tuple[Alternative, ...]]:
    """The engine's other readings of each non-whitespace character of ``doc.text()`` (aligned as
    :func:`char_confidences`; glyph alternatives, then those of same-length word alternatives)."""
    words = list(doc.words()) if words is None else list(words)
    return [words[wi].char_alternatives(ci) for wi, ci in _slots(words)]


def _check_text(words: list[Word], slots: list[tuple[int, int]], text: str, name: str) -> None:
    nonspace = [ch for ch in text if not ch.isspace()]
    if len(nonspace) != len(slots) or any(words[wi].text[ci] != ch for (wi, ci), ch in zip(slots, nonspace)):
        raise ValueError(f"{name}: the corrected text's input differs from the document beyond whitespace")


def _input_offset(edit: EditLike) -> int:
    return getattr(edit, "input_offset", edit.offset)


def apply_edits(doc: Document, text: str, edits: Iterable[EditLike], words: Sequence[Word] | None = None) -> Document:
    """A copy of ``doc`` with ``edits`` (input offsets into ``text``) applied to its words and glyphs.

    ``text`` must be the document's text up to whitespace (e.g. ``reflow(doc.text())``), its
    characters in the order of ``words`` (default ``doc.words()``; the geometry reflow
    returns its own order).
    A substitution changes the character in place; a longer replacement puts the extra
    characters into the last replaced character's slot, a shorter one empties slots, an
    insertion joins the preceding character. Each changed word (and glyph) records its OCR
    reading, the best gain of its edits and their sources in ``correction``.
    """
    words = list(doc.words()) if words is None else list(words)
    slots = _slots(words)
    _check_text(words, slots, text, doc.name)
    before = [0, *accumulate(0 if ch.isspace() else 1 for ch in text)]  # non-space chars before offset i
    pieces = [list(w.text) for w in words]
    touched: dict[int, list[EditLike]] = {}
    for edit in sorted(edits, key=_input_offset):
        at = _input_offset(edit)
        if text[at : at + len(edit.original)] != edit.original:
            raise ValueError(f"{doc.name}: edit at {at} does not match the text ({edit.original!r})")
        start = before[at]
        old = [c for c in edit.original if not c.isspace()]
        new = "".join(c for c in edit.replacement if not c.isspace())
        targets = slots[start : start + len(old)]
        if not targets:  # pure insertion
            if not slots:
                continue
            wi, ci = slots[start - 1] if start > 0 else slots[0]
            pieces[wi][ci] = pieces[wi][ci] + new if start > 0 else new + pieces[wi][ci]
            touched.setdefault(wi, []).append(edit)
            continue
        for j, (wi, ci) in enumerate(targets):
            last = j == len(targets) - 1
            pieces[wi][ci] = new[j:] if last else (new[j] if j < len(new) else "")
            touched.setdefault(wi, []).append(edit)
    fresh = {id(words[wi]): _changed(words[wi], pieces[wi], found) for wi, found in touched.items()}
    return doc.map_words(lambda word: fresh.get(id(word), word))


def _changed(word: Word, pieces: list[str], edits: list[EditLike]) -> Word:
    text = "".join(pieces)
    if text == word.text:
        return word
    unique = list({id(e): e for e in edits}.values())
    correction = Correction(
        original=word.correction.original if word.correction else word.text,
        gain=max(e.gain for e in unique),
        sources=tuple(dict.fromkeys(s for e in unique for s in e.sources)),
    )
    glyphs = word.glyphs
    if len(glyphs) == len(pieces):
        glyphs = tuple(
            g if piece == g.text else replace(g, text=piece, correction=g.correction or Correction(g.text, correction.gain, correction.sources))
            for g, piece in zip(glyphs, pieces)
        )
    return replace(word, text=text, glyphs=glyphs, correction=correction)
