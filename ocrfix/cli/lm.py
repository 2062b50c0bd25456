"""`ocrfix lm train`, `context` and `eval`: train a character KenLM (and its context index), measure its perplexity."""
from __future__ import annotations

import argparse
import json
import os

from ..errors import InputError
from ..settings import load_settings
from ..textio import check_outputs


def register(sub: argparse._SubParsersAction) -> None:
    from ..training.lm.train import DEFAULT_MEMORY, DEFAULT_ORDER

    parser = sub.add_parser("lm", help="train or evaluate the character language model")
    lm_sub = parser.add_subparsers(dest="lm_command", metavar="ACTION", required=True)

    train = lm_sub.add_parser(
        "train", help="train a character KenLM on newspaper text",
        description="Normalize, de-duplicate and train a character n-gram KenLM (lmplz + build_binary). "
                    "CORPUS: text files (plain, .xz, .gz) or a manifest .tsv (path, split, weight; "
                    "its 'train' rows are used).")
    train.add_argument("corpus", nargs="+", metavar="CORPUS", help="training text: files (plain, .xz, .gz) or a manifest .tsv")
    train.add_argument("-o", "--output", required=True, metavar="MODEL",
                       help="model file to write (KenLM binary; '.arpa' keeps ARPA text)")
    train.add_argument("--order", type=int, default=DEFAULT_ORDER, help="n-gram order (default %(default)s)")
    train.add_argument("--prune", type=int, nargs="+", metavar="COUNT",
                       help="drop n-grams with count <= COUNT, per order from unigrams on "
                            "(default: 0 0 1 1 1 2, the shipped model's: singletons of orders 3-5, twice-seen 6-grams)")
    train.add_argument("--memory", default=DEFAULT_MEMORY,
                       help="lmplz memory budget -S, e.g. 40%% or 2G (default %(default)s)")
    train.add_argument("--keep-text", metavar="FILE", help="also keep the normalized training text here")
    train.set_defaults(handler=_train)

    context = lm_sub.add_parser(
        "context", help="build the context index (bigram counts) the corrector proposes context candidates from",
        description="Count the character bigrams of the corpora (normalized and de-duplicated as for 'lm train', "
                    "which writes this index beside its model) into MODEL.context.npz, for an LM trained elsewhere.")
    context.add_argument("corpus", nargs="+", metavar="CORPUS", help="the LM's training text: files or a manifest .tsv")
    context.add_argument("-o", "--output", required=True, metavar="INDEX",
                         help="output file; the corrector looks for it beside the LM: news.klm -> news.context.npz")
    context.add_argument("--min-count", type=int, default=2, help="drop bigrams seen fewer times (default %(default)s)")
    context.set_defaults(handler=_context)

    evaluate = lm_sub.add_parser(
        "eval", help="perplexity per character and OOV rate of a model on text",
        description="Perplexity per character (including sentence ends and OOVs) and OOV rate. "
                    "TEXT: files (plain, .xz, .gz; one sentence per line is best) or a manifest .tsv "
                    "(its 'heldout' rows are used). Only lines with Han characters count.")
    evaluate.add_argument("model", metavar="MODEL", help="KenLM model (binary or ARPA)")
    evaluate.add_argument("text", nargs="+", metavar="TEXT", help="held-out text: files (plain, .xz, .gz) or a manifest .tsv")
    evaluate.add_argument("--limit", type=int, help="evaluate at most this many sentences per file")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    evaluate.set_defaults(handler=_eval)

    checksums = lm_sub.add_parser(
        "checksums", help="record the SHA-256 of every model file, checked when a model is loaded",
        description="Write DIR/checksums.json: SHA-256 and size of every file under DIR. The corrector and "
                    "'lm eval' refuse a listed model whose bytes differ (a damaged download or disk) "
                    "instead of crashing on it. Rerun it after replacing a model on purpose.")
    checksums.add_argument("directory", nargs="?", metavar="DIR", help="model directory (default: the shipped models)")
    checksums.set_defaults(handler=_checksums)


def _train(args: argparse.Namespace) -> int:
    from ..training.lm.train import train_lm

    check_outputs([("-o", args.output), ("--keep-text", args.keep_text)], [("CORPUS", c) for c in args.corpus])
    result = train_lm(args.corpus, args.output, order=args.order, prune=args.prune,
                      memory=args.memory, text_out=args.keep_text)
    print(f"{result.model}: order {result.order}, prune {' '.join(map(str, result.prune))}, "
          f"{result.tokens:,} tokens in {result.lines:,} lines ({result.duplicates:,} duplicates dropped), "
          f"{result.size_bytes / 1e6:.1f} MB, {result.seconds:.0f} s")
    return 0


def _context(args: argparse.Namespace) -> int:
    if args.min_count < 1:
        raise InputError(f"--min-count must be at least 1, got {args.min_count}")
    from ..lm.context import ContextIndex
    from ..training.lm.corpus import expand_corpora, lm_lines

    check_outputs([("-o", args.output)], [("CORPUS", c) for c in args.corpus])
    index = ContextIndex.fit(lm_lines(expand_corpora(args.corpus, load_settings().data_dir)), args.min_count)
    index.save(args.output)
    print(f"{args.output}: {len(index.vocab):,} tokens, {index.rows.nnz:,} bigrams")
    return 0


def _eval(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1, got {args.limit}")
    from ..lm import CharLM
    from ..lm.perplexity import perplexity
    from ..training.lm.corpus import HELDOUT, expand_corpora, heldout_lines

    lm = CharLM(args.model)
    files = expand_corpora(args.text, load_settings().data_dir, split=HELDOUT)
    results = {str(f.path): perplexity(lm, heldout_lines([f]), limit=args.limit) for f in files}
    empty = [name for name, r in results.items() if r.sentences == 0]
    if empty:
        raise InputError(f"{empty[0]}: no Chinese text to evaluate on")
    if args.json:
        print(json.dumps({name: r.to_dict() for name, r in results.items()}, ensure_ascii=False, indent=2))
        return 0
    width = max(len("text"), *map(len, results))
    print(f"{'text':<{width}} {'sentences':>9} {'tokens':>10} {'perplexity':>10} {'OOV rate':>9}")
    for name, r in results.items():
        print(f"{name:<{width}} {r.sentences:>9,} {r.tokens:>10,} {r.perplexity:>10.2f} {r.oov_rate:>9.4%}")
    return 0


def _checksums(args: argparse.Namespace) -> int:
    from ..checksums import write_checksums

    directory = args.directory or str(load_settings().models_dir)
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: not a directory")
    print(write_checksums(directory))
    return 0
