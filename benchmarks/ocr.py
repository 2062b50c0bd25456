"""Real OCR engines run on page crops: Tesseract (``chi_sim``: the system's model, and the two others
of :mod:`benchmarks.tessdata`, tessdata_best and the legacy recogniser) and, optionally, RapidOCR
(a second engine with a different error profile) and the older RapidOCR package
``rapidocr_onnxruntime`` (a third: its 1.3 wheels ship PP-OCRv4's recogniser, 1.2 PP-OCRv3's,
neither of which any profile was fitted on; it pins other numpy/onnxruntime versions than
RapidOCR 3.x, so it runs from a venv of its own).

Tesseract runs as a subprocess, one at a time, with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads
make it ~5x slower on a busy 2-core machine) and ``--psm 6`` per column crop (``--psm 4`` drops
line-final characters of narrow columns). Its output is kept exactly as printed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

from benchmarks import tessdata
from ocrfix.errors import ToolMissingError


def tesseract_available(lang: str = "chi_sim") -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    return lang in out.stdout.split()


def tesseract_model_options(model: str | None) -> list[str]:
    """Tesseract's options to read with ``model`` (one of :data:`benchmarks.tessdata.MODELS`; None:
    the system's ``chi_sim``, no options)."""
    if model is None:
        return []
    if not (tessdata.model_dir(model) / "chi_sim.traineddata").is_file():  # checksum: at fetch time
        raise ToolMissingError(f"Tesseract model {model!r} not in {tessdata.model_dir(model)} "
                               "(python -m benchmarks.tessdata)")
    return ["--tessdata-dir", str(tessdata.model_dir(model)), "--oem", str(tessdata.MODELS[model].oem)]


def tesseract(image: Image.Image, psm: int = 6, lang: str = "chi_sim", dpi: int = 300, model: str | None = None) -> str:
    """Raw Tesseract text of one image (a column or headline crop); ``model``: one of
    :data:`benchmarks.tessdata.MODELS` (read with its ``--oem``) instead of the system's ``chi_sim``."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ToolMissingError("tesseract not found (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    options = tesseract_model_options(model)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="ocrfix-tess-") as tmp:
        path = Path(tmp) / "crop.png"
        image.save(path, dpi=(dpi, dpi))
        proc = subprocess.run(
            [exe, str(path), "stdout", *options, "-l", lang, "--psm", str(psm), "--dpi", str(dpi)],
            capture_output=True, text=True, env=env, check=False,
        )
    if proc.returncode != 0:
        raise ToolMissingError(f"tesseract failed: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout.replace("\f", "")


@lru_cache(maxsize=1)
def _rapidocr_engine() -> Any:
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ToolMissingError("rapidocr not installed (pip install rapidocr onnxruntime)") from exc
    return RapidOCR(params={
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,  # one core: the machine is shared
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def rapidocr(image: Image.Image) -> str:
    """RapidOCR 3.x (PP-OCR models shipped in the wheel, offline): one text line per detected line,
    in its reading order."""
    result = _rapidocr_engine()(np.asarray(image.convert("RGB")))
    return "\n".join(result.txts or ()) + "\n"


def rapidocr_result(image: Image.Image) -> dict:
    """RapidOCR's reading of ``image`` saved as PaddleOCR 3.x saves its results: ``rec_texts``,
    ``rec_scores`` and ``rec_polys`` (each line's quadrilateral), in the engine's order."""
    result = _rapidocr_engine()(np.asarray(image.convert("RGB")))
    boxes = result.boxes if result.boxes is not None else ()
    return {"rec_texts": list(result.txts or ()), "rec_scores": [float(s) for s in result.scores or ()],
            "rec_polys": [np.asarray(quad).round().astype(int).tolist() for quad in boxes]}


def rapidocr_lines(image: Image.Image) -> list[dict]:
    """RapidOCR's lines of ``image``: text, score, box (x0, y0, x1, y1) and, per character box
    RapidOCR gives, the character's recognition probability and box."""
    result = _rapidocr_engine()(np.asarray(image.convert("RGB")), return_word_box=True, return_single_char_box=True)
    words = result.word_results or ()
    lines = []
    for i, (text, score, quad) in enumerate(zip(result.txts or (), result.scores or (), result.boxes if result.boxes is not None else ())):
        chars = words[i] if i < len(words) else ()
        lines.append({"text": text, "score": float(score), "box": _bounds(quad),
                      "chars": [[c, float(conf), _bounds(np.asarray(q))] for c, conf, q in chars]})
    return lines


@lru_cache(maxsize=1)
def _rapidocr_onnxruntime_engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise ToolMissingError("rapidocr_onnxruntime not installed (pip install rapidocr_onnxruntime==1.3.24, "
                               "in a venv of its own)") from exc
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)  # one core: the machine is shared


def rapidocr_onnxruntime(image: Image.Image) -> str:
    """RapidOCR 1.x (``rapidocr_onnxruntime``, the PP-OCR models its wheel ships): one text line
    per detected line, in its reading order, as :func:`rapidocr`."""
    result, _ = _rapidocr_onnxruntime_engine()(np.asarray(image.convert("RGB")))
    return "\n".join(text for _box, text, _score in result or ()) + "\n"


def _bounds(quad: "np.ndarray") -> list[int]:
    return [int(np.floor(quad[:, 0].min())), int(np.floor(quad[:, 1].min())), int(np.ceil(quad[:, 0].max())), int(np.ceil(quad[:, 1].max()))]


#: Engine names of pages.toml that are Tesseract: the model each reads with (None: the system's).
TESSERACT_ENGINES: dict[str, str | None] = {"tesseract": None, "tesseract-best": "best", "tesseract-legacy": "legacy"}
ENGINES: dict[str, Callable[..., str]] = {
    **{name: partial(tesseract, model=model) for name, model in TESSERACT_ENGINES.items()},
    "rapidocr": rapidocr, "rapidocr_onnxruntime": rapidocr_onnxruntime}
