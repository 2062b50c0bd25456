"""Glyph similarity of any two inventory characters, from a stored glyph embedding.

A confusion set holds only each character's nearest look-alikes. The corrector also weighs
candidates that come from elsewhere (the context of the site), and needs to know how much
they look like the character the OCR engine saw: the misread and the true character of real
Tesseract errors have a median glyph cosine of 0.19 (noisy scans) to 0.32 (clean ones), random
pairs about 0. The embedding is the visual set's glyph embedding (three fonts, pixels and
gradient histograms, :mod:`.glyphs`) reduced by PCA to ``DIMS`` dimensions, stored as float16
(``models/confusions/glyphs.npz``, about 1 MB for the inventory).
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..checksums import verify_model
from ..errors import ModelError
from ..textio import write_bytes_atomic

DIMS = 64


class GlyphSpace:
    """Unit glyph vectors per character; :meth:`similarity` is their cosine (0 for unknown chars)."""

    def __init__(self, chars: Sequence[str], vectors: np.ndarray) -> None:
        if len(chars) != len(vectors):
            raise ModelError(f"glyph space: {len(chars)} characters but {len(vectors)} vectors")
        self.chars = tuple(chars)
        self.index = {ch: i for i, ch in enumerate(self.chars)}
        vectors = np.asarray(vectors, dtype=np.float32)
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def similarity(self, a: str, b: str) -> float:
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.vectors[i] @ self.vectors[j])

    def similarities(self, a: str, others: Sequence[str]) -> np.ndarray:
        """``similarity(a, b)`` for every ``b`` of ``others`` at once."""
        return self.similarities_of_rows(a, self.rows(others))

    def rows(self, chars: Sequence[str]) -> np.ndarray:
        """The vector row of each of ``chars`` (-1 for a character without a glyph vector)."""
        index = self.index
        return np.array([index.get(ch, -1) for ch in chars], dtype=np.int64)

    def similarities_of_rows(self, a: str, rows: np.ndarray) -> np.ndarray:
        """``similarity(a, b)`` for the characters ``b`` at vector ``rows`` (:meth:`rows`; 0 for -1)."""
        i = self.index.get(a)
        if i is None or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        if rows.min() >= 0:  # the common case: every character has a vector
            return self.vectors[rows] @ self.vectors[i]
        out = np.zeros(len(rows), dtype=np.float32)
        known = np.flatnonzero(rows >= 0)
        out[known] = self.vectors[rows[known]] @ self.vectors[i]
        return out

    def save(self, path: str | Path) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, chars=np.array(self.chars), vectors=self.vectors.astype(np.float16))
        write_bytes_atomic(path, buffer.getvalue(), "glyph space")

    @classmethod
    def load(cls, path: str | Path) -> "GlyphSpace":
        try:
            verify_model(path)
            with np.load(path, allow_pickle=False) as npz:
                chars, vectors = npz["chars"], npz["vectors"]
        except FileNotFoundError:
            raise ModelError(f"{path}: glyph space not found (build it: ocrfix confusions build glyphs)") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{path}: not a glyph space (.npz with chars/vectors): {exc}") from None
        if chars.ndim != 1 or vectors.ndim != 2 or len(chars) != len(vectors) or vectors.dtype.kind != "f":
            raise ModelError(f"{path}: damaged glyph space ({chars.shape} chars, {vectors.shape} vectors); "
                             "rebuild it: ocrfix confusions build glyphs")
        return cls(chars.tolist(), vectors)
