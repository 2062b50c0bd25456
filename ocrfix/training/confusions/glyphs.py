"""Glyph rendering and image features: what a character looks like to an OCR engine.

Every character is rendered in several real CJK fonts (newspapers set both Song/Serif and
Hei/Sans), its ink box is fitted into a square (aspect kept; OCR engines size-normalize
too), blurred, and reduced to two feature blocks per font: mean-centred low-resolution
pixels and a histogram of gradient orientations per cell (a small HOG in numpy).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from tqdm import tqdm

from ...errors import ToolMissingError


@dataclass(frozen=True)
class FontSpec:
    name: str
    path: Path
    index: int = 0


DEFAULT_FONTS = (
    FontSpec("serif", Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2),  # Noto Serif CJK SC
    FontSpec("sans", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),  # Noto Sans CJK SC
    FontSpec("uming", Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),  # AR PL UMing CN
)

RENDER_PX = 64  # rendering canvas
NORM_PX = 32  # size-normalized glyph
PIXEL_PX = 16  # pixel feature resolution
BLUR = 1.2  # Gaussian radius at NORM_PX
HOG_CELLS = 4  # HOG grid: HOG_CELLS x HOG_CELLS cells
HOG_BINS = 8  # unsigned orientations
_NOT_A_CHAR = "\U0010fffd"  # renders as the font's .notdef box


def load_fonts(specs: Sequence[FontSpec] = DEFAULT_FONTS) -> list[tuple[FontSpec, ImageFont.FreeTypeFont]]:
    fonts = []
    for spec in specs:
        if not spec.path.exists():
            raise ToolMissingError(f"font {spec.path} not found (Debian: apt-get install fonts-noto-cjk fonts-arphic-uming)")
        fonts.append((spec, ImageFont.truetype(str(spec.path), int(RENDER_PX * 0.8), index=spec.index)))
    return fonts


def render(ch: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    """Ink of ``ch`` on a RENDER_PX canvas, float32 in [0, 1]."""
    img = Image.new("L", (RENDER_PX, RENDER_PX), 0)
    ImageDraw.Draw(img).text((RENDER_PX / 2, RENDER_PX / 2), ch, font=font, fill=255, anchor="mm")
    return np.asarray(img, dtype=np.float32) / 255.0


def normalize(ink: np.ndarray) -> np.ndarray:
    """Crop to the ink box, centre it in a square (aspect kept), resize to NORM_PX, blur."""
    rows, cols = np.nonzero(ink > 0.1)
    if rows.size == 0:
        return np.zeros((NORM_PX, NORM_PX), np.float32)
    box = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    side = max(box.shape) + 2
    square = np.zeros((side, side), np.float32)
    top, left = (side - box.shape[0]) // 2, (side - box.shape[1]) // 2
    square[top : top + box.shape[0], left : left + box.shape[1]] = box
    img = Image.fromarray((square * 255).astype(np.uint8)).resize((NORM_PX, NORM_PX), Image.Resampling.LANCZOS)
    img = img.filter(ImageFilter.GaussianBlur(BLUR))
    return np.asarray(img, dtype=np.float32) / 255.0


def hog(img: np.ndarray) -> np.ndarray:
    """Orientation histograms (HOG_BINS unsigned bins) of gradients over HOG_CELLS² cells."""
    gy, gx = np.gradient(img)
    mag = np.hypot(gx, gy)
    ang = np.mod(np.arctan2(gy, gx), np.pi)
    bins = np.minimum((ang / np.pi * HOG_BINS).astype(int), HOG_BINS - 1)
    cell = img.shape[0] // HOG_CELLS
    cell_idx = (np.arange(img.shape[0]) // cell).clip(max=HOG_CELLS - 1)
    flat = (cell_idx[:, None] * HOG_CELLS + cell_idx[None, :]) * HOG_BINS + bins
    return np.bincount(flat.ravel(), weights=mag.ravel(), minlength=HOG_CELLS * HOG_CELLS * HOG_BINS).astype(np.float32)


def downsample(img: np.ndarray, px: int = PIXEL_PX) -> np.ndarray:
    f = img.shape[0] // px
    return img.reshape(px, f, px, f).mean(axis=(1, 3))


@dataclass(frozen=True)
class GlyphFeatures:
    """Per-font feature blocks for a list of characters (rows align with ``chars``)."""

    chars: tuple[str, ...]
    fonts: tuple[str, ...]
    pixels: np.ndarray  # (n_fonts, n_chars, PIXEL_PX**2), mean-centred per font
    hogs: np.ndarray  # (n_fonts, n_chars, HOG_CELLS**2 * HOG_BINS)


def glyph_features(chars: Sequence[str], specs: Sequence[FontSpec] = DEFAULT_FONTS) -> GlyphFeatures:
    """Render ``chars`` in every font; a glyph missing from a font is taken from the first font."""
    fonts = load_fonts(specs)
    pixels = np.zeros((len(fonts), len(chars), PIXEL_PX * PIXEL_PX), np.float32)
    hogs = np.zeros((len(fonts), len(chars), HOG_CELLS * HOG_CELLS * HOG_BINS), np.float32)
    for f, (spec, font) in enumerate(fonts):
        notdef = render(_NOT_A_CHAR, font)
        for i, ch in enumerate(tqdm(chars, desc=f"rendering {spec.name}", unit="char", leave=False)):
            ink = render(ch, font)
            if f and np.array_equal(ink, notdef):
                pixels[f, i], hogs[f, i] = pixels[0, i], hogs[0, i]
                continue
            img = normalize(ink)
            pixels[f, i], hogs[f, i] = downsample(img).ravel(), hog(img)
    pixels -= pixels.mean(axis=1, keepdims=True)
    return GlyphFeatures(tuple(chars), tuple(s.name for s in specs), pixels, hogs)


def unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 length (zero rows stay zero)."""
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def unit_blocks(feats: GlyphFeatures) -> list[np.ndarray]:
    """The unit-length feature blocks: pixels of every font, then HOG of every font."""
    return [unit(feats.pixels[f]) for f in range(len(feats.fonts))] + [unit(feats.hogs[f]) for f in range(len(feats.fonts))]


def embedding(feats: GlyphFeatures) -> np.ndarray:
    """One unit vector per char: every (font, block) L2-normalized, concatenated, renormalized."""
    return unit(np.concatenate(unit_blocks(feats), axis=1))
