"""Build the cross-fit models that the weights fit (`ocrfix train weights`) computes its features with.

    python -m ocrfix train crossfit a rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025
    python -m ocrfix train crossfit b rmrb_2019-10 xwlb_2020 xwlb_2021 xwlb_2022
    python -m ocrfix train crossfit c rmrb_2020-01 xwlb_2012 xwlb_2013 xwlb_2014 xwlb_2015
    python -m ocrfix train crossfit d xwlb_2016 xwlb_2017 xwlb_2018 xwlb_2019 xwlb_2023

For fold NAME leaving out the given training corpus files, writes under ``build/corrector/NAME/``:

* ``lm.klm``: a character LM like the default one (``ocrfix lm train``, same order and pruning:
  ``LM_OPTIONS``)
  trained on the training corpora of ``corpora/news-train.tsv`` except the left-out files, and
  its context index ``lm.context.npz``;
* ``misread.tsv``: the misread rates of the OCR output (the corrector's error prior), learned
  with ``tesseract.tsv`` from the pages of the other corpus files;
* ``confusions.tsv``: the shipped default set rebuilt by the very command recorded in its build
  manifest ``models/confusions/default.tsv.build.json`` (:mod:`.manifest`), with everything learned from the benchmark training pages
  re-learned from the pages of the *other* corpus files only: ``tesseract.tsv``, and — when the
  default is a ``confusions rerank`` of ``merged.tsv`` — the merge (``merged.tsv``) and the
  re-ranking itself, run on ``pages/`` (links to the other pages).

So a fitting page's features never come from an LM that saw its text nor from a channel learned
from its own OCR errors — as for a user's pages with the shipped models.
"""
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

from ..lm.context import context_path
from ..settings import PROJECT_ROOT, load_settings
from .fit import page_pairs, page_source, refuse_heldout
from .manifest import read_manifest

PAGES = PROJECT_ROOT / "build" / "bench" / "pages" / "train"
MANIFEST = PROJECT_ROOT / "corpora" / "news-train.tsv"
PAGE_LEARNED = "tesseract.tsv"  # the member of the default merge learned from the training pages
DEFAULT = "default.tsv"
MERGED = "merged.tsv"  # the merge a re-ranked default.tsv re-ranks
MISREAD = "misread.tsv"  # learned with PAGE_LEARNED; fit reads it beside a fold's confusions.tsv
#: Order and pruning of the default model (models/README.md): the fold LMs must match it.
LM_OPTIONS = ("--order", "6", "--prune", "0", "0", "1", "1", "1", "2")


def _run(args: list[str]) -> None:
    print("+ " + shlex.join(args), file=sys.stderr)
    subprocess.run(args, check=True, cwd=PROJECT_ROOT)


def training_corpora(left_out: set[str]) -> list[str]:
    data_dir = load_settings().data_dir
    files = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        path, split, _ = line.split("\t")
        stem = Path(path).name.split(".")[0]
        if split == "train" and stem not in left_out:
            files.append(str(data_dir / path.removeprefix("data:")))
    return files


def _without(args: list[str], flag: str) -> list[str]:
    """``args`` without ``flag`` and its values (the arguments up to the next option)."""
    out: list[str] = []
    skipping = False
    for arg in args:
        if arg == flag:
            skipping = True
        elif skipping and not arg.startswith("-"):
            continue
        else:
            skipping = False
            out.append(arg)
    return out


EXAMPLES = """examples:
  ocrfix train crossfit a rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025 --pages build/bench/pages/train
  ocrfix train crossfit a rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025 --pages build/bench/pages/train --skip-lm   # confusion sets only"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog or "python -m ocrfix train crossfit", description=__doc__.split("\n\n")[0],
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="the fold's name: its models go to build/corrector/NAME/")
    parser.add_argument("left_out", nargs="+", help="corpus file stems, e.g. rmrb_2019-02")
    parser.add_argument("--pages", type=Path, nargs="+", default=[PAGES], help="training page directories")
    parser.add_argument("--skip-lm", action="store_true", help="keep an existing lm.klm")
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog).parse_args(argv)
    for stem in args.left_out:
        refuse_heldout(stem)
    out = PROJECT_ROOT / "build" / "corrector" / args.name
    out.mkdir(parents=True, exist_ok=True)
    python = [sys.executable, "-m", "ocrfix"]
    corpora = training_corpora(set(args.left_out))
    if not (args.skip_lm and (out / "lm.klm").is_file()):
        _run(python + ["lm", "train", "-o", str(out / "lm.klm"), *LM_OPTIONS, "--memory", "3G", *corpora])
    elif not context_path(out / "lm.klm").is_file():
        _run(python + ["lm", "context", "-o", str(context_path(out / "lm.klm")), *corpora])
    others = [p for p in page_pairs(*args.pages) if page_source(p[0]) not in args.left_out]
    confusions_dir = load_settings().confusions_dir
    learn = read_manifest(confusions_dir / PAGE_LEARNED).arguments("confusions", "learn")
    rates = ["--misread-rates", str(out / MISREAD)] if "--misread-rates" in learn else []
    learn = _without(_without(_without(learn, "--pages"), "-o"), "--misread-rates")
    _run(python + ["confusions", "learn", *learn, "--ocr", *[str(o) for o, _ in others],
                   "--gt", *[str(g) for _, g in others], "-o", str(out / PAGE_LEARNED), *rates])
    default = read_manifest(confusions_dir / DEFAULT)
    reranked = default.arguments("confusions", "rerank") if default.command[:2] == ("confusions", "rerank") else None
    merged_from = confusions_dir / (MERGED if reranked is not None else DEFAULT)
    merge = _without(read_manifest(merged_from).arguments("confusions", "merge"), "-o")
    old = str(Path("models") / "confusions" / PAGE_LEARNED)
    merged = out / (MERGED if reranked is not None else "confusions.tsv")
    _run(python + ["confusions", "merge", *[a.replace(old, str(out / PAGE_LEARNED)) for a in merge], "-o", str(merged)])
    if reranked is not None:
        pages = link_pages(others, out / "pages")
        rerank = _without(_without(_without(reranked, "--pages"), "--fallback"), "-o")
        _run(python + ["confusions", "rerank", *rerank, "--pages", str(pages), "--fallback", str(merged),
                       "-o", str(out / "confusions.tsv")])
    return 0


def link_pages(pairs: list[tuple[Path, Path]], directory: Path) -> Path:
    """A fresh directory of symbolic links to the given pages (OCR, GT and meta files)."""
    if directory.is_dir():
        for link in directory.iterdir():
            link.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    for ocr, gt in pairs:
        for path in (ocr, gt, ocr.with_name(ocr.name.replace(".ocr.txt", ".meta.json"))):
            if path.is_file():
                (directory / path.name).symlink_to(path.resolve())
    return directory


if __name__ == "__main__":
    sys.exit(main())
