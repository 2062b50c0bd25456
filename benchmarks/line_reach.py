"""The line box as evidence of a hung mark the engine dropped (:mod:`ocrfix.formats.line_reach`).

``cues``: on generated single-story pages read whole by RapidOCR (the JSON :func:`benchmarks.paddle_json.page_json`
caches; read first where it is missing), or read by another engine into files named after the pages
(``--files DIR``: ``DIR/SPLIT/NAME.json``, ``.hocr`` or ``.xml``, or the same in ``DIR`` itself), each line end the geometry reflow joined whose own and next line's text place it
in the ground truth (:func:`line_end_truths`): whether print hung a mark there that the engine dropped, or
had nothing, against whether the line's box reaches past its column's measure (:meth:`Reflowed.reaching`).

``marks``: the same files, each page corrected story by story with each ``--profile`` in turn: errors left (as
``benchmarks.paddle_json`` counts them) and the line-end stage's marks put back where print has that
mark after the same characters (:func:`put_back_right`) or otherwise. With ``--fold LM CONTEXT SOURCES``
(the LM, its context index and the comma-listed sources of ``corpora/news-train.tsv`` left out of it),
only the pages whose text a fold LM never saw, each corrected with its fold's LM; without, every page
with the shipped LM.

``turn``: a split's page images turned by ``--degrees`` and back again by turns (alternately, PIL bicubic,
white fill), with their ground truth and metadata, as a new split: scans turned less than the layout levels.

``pairs``: the RapidOCR JSON of the pages whose text came from ``--sources`` (comma-listed sources of
``corpora/news-train.tsv``: a fold LM's unseen ones), as ``NAME.ocr.json`` + ``NAME.gt.txt`` pairs in ``--out``
for ``ocrfix fit``: a fit on pages whose text its LM never saw, as a user's archive is.

    python -m benchmarks.line_reach cues rapid-train fonts-train
    python -m benchmarks.line_reach cues rapid-train --files DIR
    python -m benchmarks.line_reach turn rapid-train --levels l2 l3 --degrees 0.5 --out rot-train
    python -m benchmarks.line_reach pairs rapid-train fonts-train --sources rmrb_2019-10,xwlb_2013 --out DIR
    python -m benchmarks.line_reach marks rapid-eval --profile ppocr --profile DIR
    python -m benchmarks.line_reach marks rapid-train fonts-train --fold A.klm A.context.npz rmrb_2019-10,xwlb_2013 \\
        --fold B.klm B.context.npz rmrb_2019-02,xwlb_2017 --profile ppocr --profile DIR
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from benchmarks.paddle_json import errors_all, page_json
from benchmarks.structured import PAGES, page_names
from ocrfix.correction.line_marks import HUNG, SOURCE
from ocrfix.formats import Document, correct_document, parse_document, read_document, reflow_document

#: Characters either side of a line end that place it in the ground truth.
TAIL, HEAD = 4, 2


def line_end_truths(wrapped: str, gt: str) -> list[tuple[int, str]]:
    """Per line of ``wrapped`` (a reflow's text as printed) that ends in a letter, runs on into a line
    of text and whose last :data:`TAIL` characters occur once in ``gt`` (whitespace dropped): the
    offset of its last character and what print had after it — ``"dropped"``, a hung mark (:data:`HUNG`)
    before the next line's first :data:`HEAD` characters, or ``"none"``, those characters at once.
    Line ends where the ground truth has anything else (the engine misread there) are left out."""
    gt = re.sub(r"\s", "", gt)
    truths = []
    start = 0
    lines = wrapped.split("\n")
    for line, after in zip(lines, lines[1:]):
        last, start = start + len(line) - 1, start + len(line) + 1
        tail, head = line[-TAIL:], after[:HEAD]
        if len(line) < TAIL or len(head) < HEAD or not line[-1].isalnum() or gt.count(tail) != 1:
            continue
        follows = gt[gt.index(tail) + TAIL:]
        if follows.startswith(head):
            truths.append((last, "none"))
        elif follows[:1] in HUNG and follows[1:].startswith(head):
            truths.append((last, "dropped"))
    return truths


def put_back_right(source: str, offset: int, mark: str, gt: str) -> bool:
    """Whether ``gt`` (whitespace dropped) prints ``mark`` between the 3 characters of ``source`` before
    ``offset`` and the 2 after it: a mark the line-end stage put back where print has it."""
    return source[max(0, offset - 3):offset] + mark + source[offset:offset + 2] in re.sub(r"\s", "", gt)


def _truth(split: str, level: str, name: str) -> str:
    return (PAGES / split / level / f"{name}.gt.txt").read_text(encoding="utf-8")


def _document(split: str, level: str, name: str, files: Path | None) -> Document | None:
    """The page read by RapidOCR (JSON), or its file under ``files`` (``SPLIT/NAME.json``, ``.hocr`` or
    ``.xml``, or the same in ``files`` itself; None: none)."""
    if files is None:
        return parse_document(page_json(split, level, name), f"{name}.json")
    found = [path for folder in (files / split, files) for suffix in (".json", ".hocr", ".xml")
             if (path := folder / f"{name}{suffix}").is_file()]
    return read_document(found[0]) if found else None


def run_cues(splits: list[str], files: Path | None) -> None:
    counts: Counter[tuple[str, bool]] = Counter()
    for split in splits:
        for name, level, _ in tqdm(page_names(split, None), desc=split, file=sys.stderr):
            doc = _document(split, level, name, files)
            if doc is None:
                continue
            flow = reflow_document(doc)
            reaching = flow.reaching() or frozenset()
            counts.update((truth, last in reaching) for last, truth in line_end_truths(flow.wrapped(), _truth(split, level, name)))
    print(f"| print had ({', '.join(splits)}{'' if files is None else f', {files}'}) | line ends | box past the measure | share |")
    print("|---|---|---|---|")
    for truth in ("dropped", "none"):
        total = counts[truth, True] + counts[truth, False]
        print(f"| {'a hung mark, dropped' if truth == 'dropped' else 'nothing'} | {total:,} | {counts[truth, True]:,} | "
              f"{counts[truth, True] / max(total, 1):.1%} |")


def run_marks(splits: list[str], folds: list[list[str]], profiles: list[str], files: Path | None) -> None:
    from ocrfix import Corrector
    from ocrfix.correction.corrector import load_lm

    sources = {source: k for k, fold in enumerate(folds) for source in fold[2].split(",")}
    correctors = [{profile: Corrector(profile=profile) for profile in profiles}] if not folds else []
    for lm_path, context, _ in folds:
        lm = load_lm(lm_path)
        correctors.append({profile: Corrector(profile=profile, model=lm, context=context) for profile in profiles})
    sums = {profile: Counter() for profile in profiles}
    for split in splits:
        for name, level, _ in tqdm(page_names(split, None), desc=split, file=sys.stderr):
            meta = json.loads((PAGES / split / level / f"{name}.meta.json").read_text(encoding="utf-8"))
            fold = sources.get(Path(meta["source"]).name.split(".")[0]) if folds else 0
            if fold is None:
                continue
            doc = _document(split, level, name, files)
            if doc is None:
                continue
            gt = _truth(split, level, name)
            for profile, corrector in correctors[fold].items():
                done = correct_document(doc, corrector)
                marks = [e for e in done.edits if SOURCE in e.sources]
                right = sum(put_back_right(done.source, e.input_offset, e.replacement, gt) for e in marks)
                sums[profile].update({"pages": 1, "before": errors_all(gt, done.source)[0],
                                      "after": errors_all(gt, done.text, ocr=done.source)[0], "right": right,
                                      "other": len(marks) - right})
    print(f"| profile ({', '.join(splits)}) | pages | errors before | after | line-end marks right | otherwise |")
    print("|---|---|---|---|---|---|")
    for profile, s in sums.items():
        print(f"| {profile} | {s['pages']} | {s['before']} | {s['after']} | {s['right']} | {s['other']} |")


def turn_pages(split: str, levels: list[str], degrees: float, out: str) -> int:
    """The images of ``split``'s ``levels`` turned by ``degrees`` and ``-degrees`` in turn, each with its
    ground truth and metadata (its name and turn recorded), as the split ``out``: the pages written."""
    from PIL import Image

    written = 0
    for k, png in enumerate(sorted(p for level in levels for p in (PAGES / split / level).glob("*.png"))):
        name = png.stem.replace(split, out, 1)
        folder = PAGES / out / png.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        angle = degrees if k % 2 == 0 else -degrees
        Image.open(png).convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255).save(folder / f"{name}.png")
        (folder / f"{name}.gt.txt").write_bytes(png.with_name(f"{png.stem}.gt.txt").read_bytes())
        meta = json.loads(png.with_name(f"{png.stem}.meta.json").read_text(encoding="utf-8"))
        (folder / f"{name}.meta.json").write_text(json.dumps({**meta, "name": name, "turned": angle}), encoding="utf-8")
        written += 1
    return written


def write_pairs(splits: list[str], sources: set[str], out: Path) -> int:
    """The RapidOCR JSON and ground truth of the pages of ``splits`` whose text came from ``sources``, as
    ``out/NAME.ocr.json`` + ``out/NAME.gt.txt``: the pairs written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for split in splits:
        for name, level, _ in page_names(split, None):
            meta = json.loads((PAGES / split / level / f"{name}.meta.json").read_text(encoding="utf-8"))
            if Path(meta["source"]).name.split(".")[0] in sources:
                (out / f"{name}.ocr.json").write_bytes(page_json(split, level, name))
                (out / f"{name}.gt.txt").write_text(_truth(split, level, name), encoding="utf-8")
                written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cues = sub.add_parser("cues")
    cues.add_argument("splits", nargs="+")
    cues.add_argument("--files", type=Path, default=None, help="read [SPLIT/]NAME.json, .hocr or .xml here instead of RapidOCR's JSON")
    marks = sub.add_parser("marks")
    marks.add_argument("splits", nargs="+")
    marks.add_argument("--fold", nargs=3, action="append", default=[], metavar=("LM", "CONTEXT", "SOURCES"))
    marks.add_argument("--profile", action="append", required=True)
    marks.add_argument("--files", type=Path, default=None, help="read [SPLIT/]NAME.json, .hocr or .xml here instead of RapidOCR's JSON")
    turn = sub.add_parser("turn")
    turn.add_argument("split")
    turn.add_argument("--levels", nargs="+", required=True)
    turn.add_argument("--degrees", type=float, required=True)
    turn.add_argument("--out", required=True)
    pairs = sub.add_parser("pairs")
    pairs.add_argument("splits", nargs="+")
    pairs.add_argument("--sources", required=True, help="comma-listed sources of corpora/news-train.tsv")
    pairs.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "pairs":
        print(f"{write_pairs(args.splits, set(args.sources.split(',')), args.out)} pairs written to {args.out}")
    elif args.command == "turn":
        print(f"{turn_pages(args.split, args.levels, args.degrees, args.out)} pages written to {PAGES / args.out}")
    elif args.command == "cues":
        run_cues(args.splits, args.files)
    else:
        run_marks(args.splits, args.fold, args.profile, args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
