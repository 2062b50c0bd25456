"""Degrade a clean rendered page like a scan: skew, ink spread or wear, show-through, blur,
downscale, faded ink, uneven light, noise, JPEG, threshold."""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Degradation:
    """One page's scan settings (applied in this order)."""

    blur: float = 0.0  # Gaussian blur radius at render resolution (pixels)
    scale: float = 1.0  # downscale factor (the scan resolution relative to the render)
    noise: float = 0.0  # Gaussian noise sigma (grey levels)
    salt_pepper: float = 0.0  # fraction of pixels set to black or white
    jpeg: int = 0  # JPEG quality (0 = no JPEG)
    threshold: int = 0  # binarize at this grey level (0 = keep greyscale)
    rotate: float = 0.0  # skew in degrees, applied first (at render resolution)
    ink: int = 0  # +1: strokes spread by a pixel each side at render resolution (-1: worn thinner)
    bleed: float = 0.0  # show-through of thin newsprint: the page's mirror image, blurred, at this opacity
    fade: float = 0.0  # faded ink: black prints as this share of the way to white
    shade: float = 0.0  # uneven light: the page darkens by up to this share from one edge to the other


def degrade(image: Image.Image, d: Degradation, seed: int) -> Image.Image:
    """The degraded greyscale image; deterministic for a given ``seed``."""
    rng = np.random.default_rng(seed)
    img = image.convert("L")
    if d.rotate:
        img = img.rotate(d.rotate, resample=Image.Resampling.BILINEAR, fillcolor=255)
    if d.ink:
        img = img.filter(ImageFilter.MinFilter(3) if d.ink > 0 else ImageFilter.MaxFilter(3))
    if d.bleed > 0:
        # the reverse side's print seen through the paper: mirrored, out of focus, fainter than the front
        back = np.asarray(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(3)), dtype=np.float32)
        front = np.asarray(img, dtype=np.float32)
        img = Image.fromarray(np.clip(front * (1.0 - d.bleed * (1.0 - back / 255.0)), 0, 255).astype(np.uint8), "L")
    if d.blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(d.blur))
    if d.scale != 1.0:
        size = (max(1, round(img.width * d.scale)), max(1, round(img.height * d.scale)))
        img = img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    pixels = np.asarray(img, dtype=np.float32)
    if d.fade > 0:
        pixels = 255.0 - (255.0 - pixels) * (1.0 - d.fade)
    if d.shade > 0:
        pixels = pixels * np.linspace(1.0, 1.0 - d.shade, pixels.shape[1], dtype=np.float32)[None, :]
    if d.noise > 0:
        pixels = pixels + rng.normal(0.0, d.noise, pixels.shape)
    if d.salt_pepper > 0:
        hit = rng.random(pixels.shape)
        pixels = np.where(hit < d.salt_pepper / 2, 0.0, pixels)
        pixels = np.where((hit >= d.salt_pepper / 2) & (hit < d.salt_pepper), 255.0, pixels)
    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    if d.jpeg:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=d.jpeg)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    if d.threshold:
        img = img.point(lambda v: 255 if v >= d.threshold else 0)
    return img
