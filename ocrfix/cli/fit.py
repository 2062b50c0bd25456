"""`ocrfix fit`: fit an engine profile on your own OCR / ground-truth pairs (see docs/correct.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fit", help="fit an engine profile to your OCR engine from your own corrected pages or lines",
        description="Fit an engine profile (a directory for 'ocrfix correct --profile DIR') on OCR / ground-truth "
                    "pairs: directories of NAME.ocr.txt (or a structured NAME.ocr.xml/.hocr/.json, read through its geometry) + NAME.gt.txt, TSV files of n<TAB>ocr<TAB>gt or ocr<TAB>gt "
                    "lines, or --pairs ERR GOLD. One pair in five is held out and scored.",
    )
    parser.add_argument("inputs", nargs="*", metavar="IN",
                        help="pair directories or TSV files (with --unsupervised: OCR text files or directories of them)")
    parser.add_argument("--unsupervised", action="store_true",
                        help="no ground truth: self-train the channel on the archive's raw OCR (generic profile, "
                             "its confident edits, a few rounds; drift held by clean-text calibration)")
    parser.add_argument("--pairs", nargs=2, action="append", default=[], metavar=("ERR", "GOLD"),
                        help="two line-aligned files: OCR (or typed) lines and their ground truth (repeatable)")
    parser.add_argument("-o", "--output", required=True, metavar="PROFILE_DIR", help="the profile directory to write")
    parser.add_argument("--force", action="store_true", help="replace an existing profile directory (atomically)")
    parser.add_argument("--clean", nargs="+", default=[], metavar="DIR",
                        help="clean text of your domain (*.txt): the threshold keeps its changes within the budget too")
    parser.add_argument("--domain-lm", action="store_true",
                        help="also train a small LM of the pairs' ground truth (and --clean text) and interpolate it "
                             "with the news LM: for text unlike news (captions, essays, a trade's prose); needs the "
                             "KenLM tools (bash install.sh)")
    parser.add_argument("--name", help="the profile's name (default: the output directory's name)")
    parser.add_argument("--min-ratio", type=float, default=15.0,
                        help="errors fixed per error introduced the threshold must keep on the cross-fit decoding (default 15)")
    parser.add_argument("--clean-chars", type=float, default=15000.0,
                        help="clean characters per allowed change (default 15000)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..training.profile_fit import Options, fit_profile
    from ..training.profile_write import write_profile

    if not args.inputs and not args.pairs:
        raise InputError("fit: give pair directories, TSV files or --pairs ERR GOLD (--unsupervised: OCR text files)")
    options = Options(min_ratio=args.min_ratio, clean_chars=args.clean_chars, domain_lm=args.domain_lm)
    inputs = [*args.inputs, *(path for pair in args.pairs for path in pair), *args.clean]
    output = Path(args.output)
    if output.exists() and not args.force:  # refused before the work, not after it
        raise InputError(f"{output}: already exists (use --force to replace it)")
    if args.domain_lm and not args.unsupervised:  # KenLM's tools: missing ones are an error before the work too
        from ..settings import load_settings
        from ..training.lm.tools import find_tools

        find_tools(load_settings().kenlm_bin)

    def log(line: str) -> None:
        if not args.quiet or line.startswith("ocrfix: warning"):
            print(line, file=sys.stderr)

    command = "ocrfix " + " ".join(sys.argv[1:])
    if args.unsupervised:
        from ..training.self_train import fit_unsupervised

        if args.pairs:
            raise InputError("fit: --unsupervised reads OCR text only; --pairs has ground truth (drop --unsupervised)")
        if args.domain_lm:
            raise InputError("fit: --domain-lm trains on ground truth, which --unsupervised has none of")
        fitted = fit_unsupervised(args.inputs, args.clean, options=options, name=args.name or output.name, log=log,
                                  command=command)
    else:
        fitted, _ = fit_profile(args.inputs, args.pairs, args.clean, options=options, name=args.name or output.name,
                                log=log, command=command)
    write_profile(fitted, output, inputs, force=args.force)
    log(f"wrote {output} (use: ocrfix correct --profile {output} ...)")
    return 0
