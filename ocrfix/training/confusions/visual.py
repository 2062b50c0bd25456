"""Look-alike confusion set: nearest neighbours of glyph embeddings.

Glyph features (:mod:`ocrfix.training.confusions.glyphs`) are reduced with PCA and the ``k`` nearest
neighbours by cosine (scikit-learn ``NearestNeighbors``) become the candidates. The score is
the cosine similarity mapped to (0, 1].
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from .glyphs import GlyphFeatures, embedding, glyph_features
from ...confusions.similarity import DIMS, GlyphSpace
from ...confusions.model import ConfusionSet

SOURCE = "visual"
DEFAULT_K = 50
PCA_DIMS = 160


def reduce(vectors: np.ndarray, dims: int = PCA_DIMS, seed: int = 0) -> np.ndarray:
    """PCA to ``dims`` (capped by the data), rows re-normalized to unit length."""
    dims = min(dims, vectors.shape[0] - 1, vectors.shape[1])
    if dims < 1:
        return vectors
    out = PCA(n_components=dims, random_state=seed).fit_transform(vectors)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, cosine similarities) of the ``k`` nearest other rows of each row."""
    k = min(k, vectors.shape[0] - 1)
    nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(vectors)
    dist, idx = nn.kneighbors(vectors)
    return idx[:, 1:], 1.0 - dist[:, 1:]


def visual_set(feats: GlyphFeatures, k: int = DEFAULT_K) -> ConfusionSet:
    """The top-``k`` look-alikes of every char of ``feats`` (score = max(cosine, 0.001))."""
    idx, sim = neighbours(reduce(embedding(feats)), k)
    chars = feats.chars
    scores = {
        chars[i]: {chars[j]: max(float(s), 1e-3) for j, s in zip(idx[i], sim[i]) if chars[j] != chars[i]}
        for i in range(len(chars))
    }
    return ConfusionSet.from_scores(scores, SOURCE)


def glyph_space(chars: Sequence[str], dims: int = DIMS) -> GlyphSpace:
    """Render ``chars`` in the CJK fonts and embed them for the corrector's glyph similarity
    (about 20 s for the inventory)."""
    return GlyphSpace(chars, reduce(embedding(glyph_features(chars)), dims))
