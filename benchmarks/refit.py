"""The documented fits made anew and scored: a guard against a fit that quietly stops correcting.

    python -m benchmarks.refit --out PROFILES [--only faspell,sighan,rapid20,unsup-rapid] [--pages-root build/bench/pages]

Each fit the README quotes is run as a user runs it (``ocrfix fit ... -o PROFILES/NAME --force``), its held-out
line and any warning printed, and the profiles are then scored together on their test sets by
``python -m benchmarks.run --only SETS --systems ocrfix:PROFILES/NAME,...``. The unit tests use tiny models and
cannot see a fit on real data collapse; a FASPell fit corrected nothing for three days before a refit showed it
(benchmarks/RESULTS.md, "Sentence fits refitted: the variant stage's changes out of the threshold's calibration").
``rapid20`` is the first 7 / 7 / 6 ``rapid-train`` pages of each level, linked into ``PROFILES/rapid20-pages``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ocrfix.settings import load_settings

#: Pages per level of ``rapid-train`` that ``rapid20`` fits on (RESULTS.md, "The pattern stages a fit learns").
RAPID20 = {"l1": 7, "l2": 7, "l3": 6}
SIGHAN_TRAIN = ("train13", "train14", "train15")


class Fit(NamedTuple):
    """One documented fit: the arguments of ``ocrfix fit`` before ``-o``, and the ``benchmarks.run`` set it is scored on."""

    name: str
    args: tuple[str, ...]
    test_set: str


def rapid20_pages(pages_root: Path, into: Path) -> Path:
    """``into`` holding links to the OCR and ground truth of the first :data:`RAPID20` ``rapid-train`` pages per level."""
    into.mkdir(parents=True, exist_ok=True)
    for level, count in RAPID20.items():
        for ocr in sorted((pages_root / "rapid-train" / level).glob("*.ocr.txt"))[:count]:
            for path in (ocr, ocr.with_name(ocr.name.replace(".ocr.txt", ".gt.txt"))):
                link = into / path.name
                if not link.is_symlink():
                    link.symlink_to(path.resolve())
    return into


def fits(data_dir: Path, pages_root: Path, out: Path) -> list[Fit]:
    """The fits of the README, in the order they run."""
    sighan = data_dir / "sighan_csc_simplified" / "pairs_onebula"
    pairs = [arg for name in SIGHAN_TRAIN
             for arg in ("--pairs", str(sighan / f"{name}_error.txt"), str(sighan / f"{name}_correct.txt"))]
    return [
        Fit("faspell", (str(data_dir / "faspell_ocr" / "ocr_train_3575.txt"), "--domain-lm"), "faspell"),
        Fit("sighan", (*pairs, "--domain-lm"), "sighan15"),
        Fit("rapid20", (str(rapid20_pages(pages_root, out / "rapid20-pages")),), "rapid"),
        Fit("unsup-rapid", ("--unsupervised", str(pages_root / "rapid-train")), "rapid"),
    ]


def report_lines(log: str) -> list[str]:
    """The lines of a fit's log worth repeating: its held-out figure and its warnings."""
    lines = [line.strip() for line in log.replace("\r", "\n").splitlines()]
    return [line for line in lines if line.startswith(("held out (", "ocrfix: warning", "ocrfix: error"))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.refit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory the profiles are written into")
    parser.add_argument("--only", help="comma-separated fits (default: all)")
    parser.add_argument("--pages-root", type=Path, default=Path("build/bench/pages"))
    args = parser.parse_args(argv)
    chosen = fits(load_settings().data_dir, args.pages_root, args.out)
    if args.only:
        wanted = args.only.split(",")
        unknown = sorted(set(wanted) - {fit.name for fit in chosen})
        if unknown:
            parser.error(f"unknown fit(s): {', '.join(unknown)}")
        chosen = [fit for fit in chosen if fit.name in wanted]
    for fit in chosen:
        done = subprocess.run([sys.executable, "-m", "ocrfix", "fit", *fit.args, "-o", str(args.out / fit.name), "--force"],
                              capture_output=True, text=True)
        print(f"{fit.name}: exit {done.returncode}; " + "; ".join(report_lines(done.stdout + done.stderr)), flush=True)
        if done.returncode:
            return done.returncode
    sets = ",".join(dict.fromkeys(fit.test_set for fit in chosen))
    systems = ",".join(f"ocrfix:{args.out / fit.name}" for fit in chosen)
    return subprocess.run([sys.executable, "-m", "benchmarks.run", "--only", sets, "--systems", systems,
                           "--pages-root", str(args.pages_root)]).returncode


if __name__ == "__main__":
    sys.exit(main())
