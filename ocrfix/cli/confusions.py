"""`ocrfix confusions`: build, learn, merge, show and measure confusion sets."""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, ModelError
from ..settings import Settings, load_settings
from ..textio import check_outputs, make_output_dir, read_text
from ..training.manifest import write_manifest

if TYPE_CHECKING:
    from ..confusions.model import ConfusionSet


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("confusions", help="build, learn, merge, show and measure confusion sets")
    cmds = parser.add_subparsers(dest="confusions_command", metavar="ACTION", required=True)

    build = cmds.add_parser("build", help="build a set from the inventory: visual (glyphs), pinyin, the inventory itself, "
                                          "the glyph embedding the corrector's glyph cosine comes from, or the "
                                          "traditional -> simplified variant table and the simplified forms traditional script writes otherwise (OpenCC)")
    build.add_argument("kind", choices=("visual", "pinyin", "inventory", "glyphs", "variants", "simplified"),
                       help="visual: look-alike glyphs; pinyin: same or similar sound; inventory: the character "
                            "inventory; glyphs: the glyph embedding; variants: traditional -> simplified forms; "
                            "simplified: the inventory characters traditional script writes otherwise, with their traditional forms")
    build.add_argument("-o", "--output", help="output TSV (default: models/confusions/<kind>.tsv); for inventory: a directory; "
                                              "for glyphs: an .npz (default: models/confusions/glyphs.npz); for simplified: "
                                              "a TSV (default: models/confusions/simplified.tsv)")
    build.add_argument("--k", type=int, default=None, help="candidates kept per char (visual 50, pinyin 30)")
    build.add_argument("--chars", help="build only for the characters in this text file (e.g. a tiny test inventory)")
    build.add_argument("--method", choices=("ranked", "cosine"), default="ranked",
                       help="visual: glyph cosine only, or pools re-ranked by a classifier trained on real OCR pairs")
    build.add_argument("--model", choices=("hgb", "lr"), default="hgb", help="visual ranked: pair classifier")
    build.add_argument("--train-pairs", nargs="*", default=None,
                       help="visual ranked: (wrong, right) pair files (default: the FASPell train split; never a test split)")
    build.add_argument("--train-pages", nargs="*", default=[],
                       help="visual ranked: directories of NAME.ocr.txt + NAME.gt.txt training pages (aligned)")
    build.set_defaults(handler=_build)

    learn = cmds.add_parser("learn", help="learn P(seen|true) from OCR output aligned with ground truth")
    learn.add_argument("--ocr", nargs="*", default=[], help="OCR text files (paired in order with --gt)")
    learn.add_argument("--gt", nargs="*", default=[], help="ground-truth text files")
    learn.add_argument("--faspell", nargs="*", default=[], help="FASPell-format pair files (n<TAB>ocr<TAB>correct); never the test split")
    learn.add_argument("--pages", nargs="*", default=[], help="directories of NAME.ocr.txt + NAME.gt.txt pages")
    learn.add_argument("-o", "--output", required=True, help="confusion TSV to write")
    learn.add_argument("--smoothing", choices=("witten-bell", "additive"), default="witten-bell",
                       help="how P(seen|true) is smoothed (default %(default)s)")
    learn.add_argument("--alpha", type=float, default=0.5, help="additive smoothing constant")
    learn.add_argument("--min-count", type=int, default=1, help="drop pairs seen fewer times")
    learn.add_argument("--align", choices=("blocks", "plain"), default="blocks",
                       help="pages: the evaluation aligner (blocks) or one global edit script (plain: high-CER sheets)")
    learn.add_argument("--encoding", help="encoding of the OCR/GT/FASPell files if not UTF-8 (e.g. gb18030)")
    learn.add_argument("--misread-rates", metavar="TSV",
                       help="also write how often each seen character was a misreading (the corrector's error prior)")
    learn.set_defaults(handler=_learn)

    length = cmds.add_parser("length", help="learn how often the engine adds and loses each character (the length channel) "
                                            "from OCR pages aligned with ground truth")
    length.add_argument("--pages", nargs="+", required=True, help="directories of NAME.ocr.txt + NAME.gt.txt training pages")
    length.add_argument("-o", "--output", required=True, help="length-rate TSV to write (e.g. models/confusions/length.tsv)")
    length.set_defaults(handler=_length)

    marks = cmds.add_parser("marks", help="learn which mark the engine reads for which (the mark channel) from OCR pages "
                                          "aligned with ground truth; pairs the LM would also change in the clean ground truth are left out")
    marks.add_argument("--pages", nargs="+", required=True, help="directories of NAME.ocr.txt + NAME.gt.txt training pages")
    marks.add_argument("-o", "--output", required=True, help="mark-channel TSV to write (e.g. my-profile/marks.tsv)")
    marks.add_argument("--lm", help="the LM of the clean-text gate (default: the shipped LM, the corrector's)")
    marks.set_defaults(handler=_marks)

    merge = cmds.add_parser("merge", help="merge sets by weighted noisy-OR (A.tsv:w B.tsv:w ...)")
    merge.add_argument("sets", nargs="+", metavar="SET[:WEIGHT]", help="confusion TSVs, each with an optional weight (default 1)")
    merge.add_argument("-o", "--output", required=True, help="merged TSV to write")
    merge.add_argument("-k", "--k", type=int, default=None, help="keep the top K per char")
    merge.add_argument("--min-score", type=float, default=None, help="drop candidates scoring below this (0-1)")
    merge.set_defaults(handler=_merge)

    rr = cmds.add_parser("rerank", help="one classifier ranking the whole merged pool (glyph, shape, sound, channel evidence)")
    rr.add_argument("--faspell", nargs="*", default=None,
                    help="FASPell-format training pair files (default: the FASPell train split; never a test split)")
    rr.add_argument("--pages", nargs="*", default=[], help="directories of NAME.ocr.txt + NAME.gt.txt training pages")
    rr.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=TSV",
                    help="a fixed source set scored for every pair (repeatable), e.g. pinyin=models/confusions/pinyin.tsv")
    rr.add_argument("--folds", type=int, default=3, help="folds for out-of-fold channel scores and cross-validation")
    rr.add_argument("--k", type=int, default=40, help="candidates kept per char")
    rr.add_argument("--component-k", type=int, default=60, help="IDS component-sharing candidates added to each pool")
    rr.add_argument("--fallback", default=None,
                    help="set whose candidates chars outside the glyph inventory keep (default: the shipped default.tsv)")
    rr.add_argument("--chars", help="rank only among the characters of this text file (default: the inventory)")
    rr.add_argument("--cache", default=None, help="pickle of glyph features + pools (default: build/cache/confusion_pools.pkl)")
    rr.add_argument("-o", "--output", required=True, help="re-ranked TSV to write")
    rr.set_defaults(handler=_rerank)

    show = cmds.add_parser("show", help="candidates of a character with scores and sources")
    show.add_argument("char", help="the character as the OCR read it")
    show.add_argument("--set", dest="sets", action="append", help="TSV or ext:NAME, repeatable (default: the shipped default set)")
    show.add_argument("-k", "--k", type=int, default=20, help="candidates shown per set (default %(default)s)")
    show.set_defaults(handler=_show)

    cov = cmds.add_parser("coverage", help="share of real error pairs whose truth is in the top-K candidates")
    src = cov.add_mutually_exclusive_group(required=True)
    src.add_argument("--pairs", help="wrong<TAB>right pairs, 'ocrfix eval --confusions' TSV, or FASPell lines")
    src.add_argument("--faspell", help="FASPell file (n<TAB>ocr<TAB>correct)")
    cov.add_argument("--set", dest="sets", action="append", help="TSV or ext:NAME, repeatable (default: shipped sets)")
    cov.add_argument("--k", type=int, nargs="+", default=None, help="K values (default 1 5 10 20 50)")
    cov.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cov.add_argument("--plot", help="write coverage vs K (PNG)")
    cov.set_defaults(handler=_coverage)


def _out(args: argparse.Namespace, kind: str) -> Path:
    return Path(args.output) if args.output else load_settings().confusions_dir / f"{kind}.tsv"


def _built_by(args: argparse.Namespace) -> str:
    """The header line naming the ``build`` command of a table built from OpenCC (``--chars`` too)."""
    return f"built by: ocrfix confusions build {args.kind}" + (f" --chars {args.chars}" if args.chars else "")


def _recorded(out: Path, args: argparse.Namespace, what: str, started: float) -> int:
    """The manifest of a table built from OpenCC written beside ``out``, and ``what`` reported."""
    write_manifest(out, ["confusions", "build", args.kind, *(["--chars", args.chars] if args.chars else [])],
                   [args.chars] if args.chars else [])
    print(f"{what} -> {out} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return 0


def _build(args: argparse.Namespace) -> int:
    from ..confusions.inventory import inventory

    settings = load_settings()
    started = time.monotonic()
    if args.kind == "inventory":
        return _build_inventory(args, settings)
    chars = sorted(set(read_text(args.chars).split()) if args.chars else inventory(load_settings().confusions_dir))
    chars = [c for c in "".join(chars) if not c.isspace()]
    if args.kind == "glyphs":
        return _build_glyphs(args, chars, settings, started)
    if args.kind == "variants":
        return _build_variants(args, chars, settings, started)
    if args.kind == "simplified":
        return _build_simplified(args, chars, settings, started)
    return _build_set(args, chars, started)


def _build_inventory(args: argparse.Namespace, settings: Settings) -> int:
    """``build inventory``: the character inventory and its frequencies, from the training corpora."""
    from ..confusions.inventory import CHARFREQ_FILE, INVENTORY_FILE
    from ..training.confusions.inventory import build_inventory, write_inventory

    out_dir = Path(args.output) if args.output else settings.confusions_dir
    make_output_dir(out_dir)
    chars, counts = build_inventory(settings.data_dir)
    write_inventory(
        out_dir, chars, counts,
        "8,105 chars of tongyong_guifan_8105.txt + Han chars seen >= 20 times in the training-split news corpora "
        "(rmrb 2019-02/2019-10/2020-01/2020-02, xwlb 2012-2025); built by: ocrfix confusions build inventory",
    )
    for name in (INVENTORY_FILE, CHARFREQ_FILE):
        write_manifest(out_dir / name, ["confusions", "build", "inventory"], [settings.data_dir])
    print(f"{len(chars)} characters -> {out_dir}", file=sys.stderr)
    return 0


def _build_glyphs(args: argparse.Namespace, chars: list[str], settings: Settings, started: float) -> int:
    """``build glyphs``: the glyph vectors of ``chars``."""
    from ..training.confusions.visual import glyph_space

    out = Path(args.output) if args.output else settings.confusions_dir / "glyphs.npz"
    glyph_space(chars).save(out)
    print(f"{len(chars)} glyph vectors -> {out} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return 0


def _build_variants(args: argparse.Namespace, chars: list[str], settings: Settings, started: float) -> int:
    """``build variants``: the traditional forms outside the inventory (``chars``) whose OpenCC
    simplified form is one inventory character."""
    from ..confusions.variants import VARIANTS_FILE
    from ..training.confusions.variants import build_variants, save_variants

    out = Path(args.output) if args.output else settings.confusions_dir / VARIANTS_FILE
    table = build_variants(frozenset(chars))
    save_variants(out, table, [f"traditional forms outside the inventory whose OpenCC {version('opencc')} t2s form is one "
                               "inventory character", _built_by(args), f"{len(table)} characters"])
    return _recorded(out, args, f"{len(table)} traditional forms", started)


def _build_simplified(args: argparse.Namespace, chars: list[str], settings: Settings, started: float) -> int:
    """``build simplified``: the inventory characters (``chars``) that OpenCC writes as one other
    character in traditional script."""
    from ..checksums import write_model_rows
    from ..confusions.variants import SIMPLIFIED_FILE
    from ..training.confusions.variants import build_simplified_forms

    out = Path(args.output) if args.output else settings.confusions_dir / SIMPLIFIED_FILE
    forms = build_simplified_forms(frozenset(chars))
    write_model_rows(out, [f"inventory characters that OpenCC {version('opencc')} s2t writes as one other character",
                           _built_by(args), f"{len(forms)} characters"], "format: simplified<TAB>traditional (s2t)",
                     forms.items())
    return _recorded(out, args, f"{len(forms)} simplified forms", started)


def _build_set(args: argparse.Namespace, chars: list[str], started: float) -> int:
    """``build visual`` or ``build pinyin``: a confusion set over ``chars``, with its manifest."""
    command = "ocrfix confusions build " + args.kind + (f" --k {args.k}" if args.k else "")
    if args.kind == "visual":
        cset, how = _build_visual(args, chars)
        command += f" --method {args.method}" + (f" --model {args.model}" if args.method == "ranked" else "")
        command += "".join(f" --{name} " + " ".join(map(str, v)) for name, v in
                           (("train-pairs", args.train_pairs), ("train-pages", args.train_pages)) if v)
    else:
        from ..confusions.inventory import charfreq
        from ..training.confusions.pinyin import DEFAULT_K, build_pinyin

        cset = build_pinyin(chars, charfreq(load_settings().confusions_dir), k=args.k or DEFAULT_K)
        how = "pypinyin readings (heteronym): same syllable+tone > other tone > near syllable; frequency-weighted"
    out = _out(args, args.kind)
    cset.save(out, [how, f"built by: {command}", f"{len(cset.chars())} chars, {len(cset)} entries"])
    write_manifest(out, shlex.split(command)[1:], [args.chars] if args.chars else [])
    print(f"{len(cset)} entries for {len(cset.chars())} chars -> {out} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return 0


def _build_visual(args: argparse.Namespace, chars: list[str]):
    from ..training.confusions.glyphs import glyph_features
    from ..training.confusions.visual import DEFAULT_K, visual_set

    how = "glyph look-alikes: Noto Serif/Sans CJK SC + AR PL UMing, blurred 16x16 pixels + HOG, PCA, cosine NN"
    feats = glyph_features(chars)
    if args.method == "cosine":
        return visual_set(feats, args.k or DEFAULT_K), how
    from ..training.confusions.coverage import read_pairs
    from ..confusions.inventory import charfreq
    from ..training.confusions.learn import aligned_counts, page_docs
    from ..training.confusions.ranker import build_ranked
    from ..training.confusions.shape import ShapeData

    settings = load_settings()
    pair_files = args.train_pairs if args.train_pairs is not None else [settings.data_dir / "faspell_ocr" / "ocr_train_3575.txt"]
    pairs = set()
    for path in pair_files:
        if "test" in Path(path).name:
            raise InputError(f"{path}: looks like a test split; train the ranker on training pairs only")
        pairs |= set(read_pairs(path))
    if args.train_pages:
        docs = page_docs(args.train_pages)
        pairs |= {(s, t) for t, s in aligned_counts([(read_text(g), read_text(o)) for o, g in docs]).pairs}
    cset = build_ranked(feats, ShapeData(settings.data_dir), charfreq(load_settings().confusions_dir), pairs, args.k or DEFAULT_K, args.model)
    sources = ", ".join([Path(p).name for p in pair_files] + [f"pages under {d}" for d in args.train_pages])
    return cset, how + f"; pools (150 glyph NN + one-part IDS swaps) re-ranked by {args.model} trained on {len(pairs)} OCR pairs from {sources}"


def _learn(args: argparse.Namespace) -> int:
    from ..confusions.inventory import inventory
    from ..training.confusions.learn import aligned_counts, channel_set, faspell_counts, merge_counts, page_docs

    _check_learn_inputs(args)
    parts = [faspell_counts(read_text(p, args.encoding), p) for p in args.faspell]
    docs = list(zip(args.ocr, args.gt)) + (page_docs(args.pages) if args.pages else [])
    if docs:
        parts.append(aligned_counts([(read_text(g, args.encoding), read_text(o, args.encoding)) for o, g in docs], args.align))
    counts = merge_counts(parts)
    cset = channel_set(counts, inventory(load_settings().confusions_dir), args.smoothing, args.alpha, args.min_count)
    sources = [f"faspell:{Path(p).name}" for p in args.faspell] + ([f"{len(docs)} OCR/GT page pairs"] if docs else [])
    origin = f"from: {', '.join(sources)}; {sum(counts.pairs.values())} substitutions, {sum(counts.truth.values())} true chars"
    command = _learn_command(args)
    cset.save(args.output, [f"learned channel P(seen|true), {args.smoothing} smoothing, min count {args.min_count}", origin, command])
    inputs = [*(args.faspell or ()), *(args.pages or ()), *(args.ocr or ()), *(args.gt or ())]
    write_manifest(args.output, shlex.split(command.removeprefix("built by: "))[1:], inputs)
    print(f"{len(cset)} entries for {len(cset.chars())} chars -> {args.output}", file=sys.stderr)
    if args.misread_rates:
        from ..training.confusions.learn import misread_rates

        rates = misread_rates(counts)
        rates.save(args.misread_rates, [f"how often each character of the OCR output was misread ({rates.overall:.2%} overall)",
                                        origin, command])
        write_manifest(args.misread_rates, shlex.split(command.removeprefix("built by: "))[1:], inputs)
        print(f"misread rates of {len(rates.seen)} seen chars -> {args.misread_rates}", file=sys.stderr)
    return 0


def _check_learn_inputs(args: argparse.Namespace) -> None:
    """Refuse a ``learn`` whose outputs would overwrite its inputs, whose ``--ocr`` and ``--gt``
    files do not pair up, or that has nothing to learn from."""
    check_outputs([("-o", args.output), ("--misread-rates", args.misread_rates)],
                  [(option, f) for option in ("ocr", "gt", "faspell") for f in getattr(args, option)])
    if len(args.ocr) != len(args.gt):
        raise InputError(f"--ocr has {len(args.ocr)} files but --gt has {len(args.gt)}; pass them in pairs")
    if not args.ocr and not args.faspell and not args.pages:
        raise InputError("nothing to learn from: pass --ocr/--gt pairs, --pages directories and/or --faspell files")


def _learn_command(args: argparse.Namespace) -> str:
    """The ``built by`` header line naming the ``learn`` command that made a table."""
    return ("built by: ocrfix confusions learn" + "".join(
        f" --{k} " + " ".join(map(str, v)) for k, v in (("faspell", args.faspell), ("pages", args.pages), ("ocr", args.ocr), ("gt", args.gt)) if v
    ) + (f" --align {args.align}" if args.align != "blocks" else "") + f" --smoothing {args.smoothing} --min-count {args.min_count}"
        + (f" --misread-rates {args.misread_rates}" if args.misread_rates else ""))


def _length(args: argparse.Namespace) -> int:
    from ..training.confusions.learn import page_docs
    from ..training.confusions.length import length_rates

    check_outputs([("-o", args.output)], [("--pages", p) for p in args.pages])
    docs = page_docs(args.pages)
    rates = length_rates((read_text(o), read_text(g)) for o, g in docs)
    command = ["confusions", "length", "--pages", *map(str, args.pages), "-o", str(args.output)]
    rates.save(args.output, [f"how often the engine added (extra) and lost (dropped) each character: {rates.extra_rate:.2%} of "
                             f"OCR characters extra, {rates.drop_rate:.2%} of true characters dropped",
                             f"from: {len(docs)} OCR/GT page pairs", "built by: ocrfix " + shlex.join(command)])
    write_manifest(args.output, command, args.pages)
    print(f"length rates of {len(rates.counts)} keys -> {args.output}", file=sys.stderr)
    return 0


def _marks(args: argparse.Namespace) -> int:
    from ..correction.corrector import load_lm
    from ..training.confusions.learn import page_docs
    from ..training.confusions.marks import learn_mark_channel

    check_outputs([("-o", args.output)], [("--pages", p) for p in args.pages])
    docs = page_docs(args.pages)
    channel = learn_mark_channel([(read_text(o), read_text(g)) for o, g in docs],
                                 load_lm(args.lm or load_settings().default_lm))
    command = ["confusions", "marks", "--pages", *map(str, args.pages), "-o", str(args.output)]
    channel.save(args.output, [f"which mark the engine read for which: {len(channel.pairs)} pairs kept",
                               f"from: {len(docs)} OCR/GT page pairs", "built by: ocrfix " + shlex.join(command)])
    write_manifest(args.output, command, args.pages)
    print(f"mark channel of {len(channel.pairs)} pairs -> {args.output}", file=sys.stderr)
    return 0


def _rerank(args: argparse.Namespace) -> int:
    from ..training.confusions import rerank_build as rb
    from ..confusions.inventory import charfreq, inventory
    from ..training.confusions.learn import page_docs
    from ..confusions.model import ConfusionSet
    from ..training.confusions.shape import ShapeData

    settings = load_settings()
    started = time.monotonic()
    if args.folds < 2:
        raise InputError("--folds must be >= 2")
    faspell = args.faspell if args.faspell is not None else [str(settings.data_dir / "faspell_ocr" / "ocr_train_3575.txt")]
    rb.check_training_only([*faspell, *args.pages])
    shared = _shared_sets(args.sets)
    allowed = frozenset("".join(read_text(args.chars).split())) if args.chars else inventory(load_settings().confusions_dir)
    units = [u for p in faspell for u in rb.faspell_units(read_text(p), p, args.folds)]
    if args.pages:
        units += rb.page_units([(read_text(g), read_text(o)) for o, g in page_docs(args.pages)], args.folds)
    cset, report, names = rb.build(
        units, shared, allowed, ShapeData(settings.data_dir), charfreq(load_settings().confusions_dir),
        Path(args.cache) if args.cache else settings.build_dir / "cache" / "confusion_pools.pkl",
        args.folds, args.k, args.component_k, ConfusionSet.load(args.fallback or settings.confusions_dir / "default.tsv"),
    )
    ks = report.ks
    print(f"{args.folds}-fold cross-validated coverage (held-out training pairs)  @" + "/".join(map(str, ks)))
    for kind, cov in report.coverage.items():
        print(f"  {kind:<10} {report.pairs[kind]:6d} pairs  " + " ".join(f"{c:.3f}" for c in cov))
    command = _rerank_command(args)
    cset.save(args.output, [
        "re-ranked pool (glyph NN + one-part swaps + IDS component sharers + candidates of "
        + ", ".join(names) + "), gradient boosting on out-of-fold source scores",
        f"built by: {command}",
        f"cv coverage @{'/'.join(map(str, ks))}: " + "; ".join(
            f"{k} " + "/".join(f"{c:.3f}" for c in v) for k, v in report.coverage.items()),
        f"{len(cset.chars())} chars, {len(cset)} entries, {cset.mean_candidates():.1f} candidates per char",
    ])
    write_manifest(args.output, shlex.split(command)[1:], [*(args.faspell or ()), *(args.pages or ()), *args.sets])
    print(f"{len(cset)} entries for {len(cset.chars())} chars -> {args.output} ({time.monotonic() - started:.0f} s)",
          file=sys.stderr)
    return 0


def _shared_sets(specs: Sequence[str]) -> dict[str, ConfusionSet]:
    """The fixed source sets of ``--set NAME=TSV`` (``specs``), by name; a channel the re-ranker
    learns per fold is refused."""
    from ..training.confusions import rerank_build as rb
    from ..confusions.model import ConfusionSet

    shared = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise InputError(f"--set {spec!r}: expected NAME=TSV")
        if name in rb.CHANNELS:
            raise InputError(f"--set {name}: that channel is learned per fold from --faspell/--pages")
        shared[name] = ConfusionSet.load(path)
    return shared


def _rerank_command(args: argparse.Namespace) -> str:
    """The command line a re-ranked set names as its maker."""
    return ("ocrfix confusions rerank" + (" --faspell " + " ".join(args.faspell) if args.faspell is not None else "")
            + (" --pages " + " ".join(args.pages) if args.pages else "")
            + "".join(f" --set {s}" for s in args.sets)
            + f" --folds {args.folds} --k {args.k} --component-k {args.component_k}"
            + (f" --fallback {args.fallback}" if args.fallback else "") + (f" --chars {args.chars}" if args.chars else ""))


def _load(spec: str):
    from ..training.confusions.external import load_external
    from ..confusions.model import ConfusionSet

    if spec.startswith("ext:"):
        return load_external(spec[4:], load_settings().data_dir)
    return ConfusionSet.load(spec)


def _split_weight(spec: str) -> tuple[str, float]:
    path, sep, weight = spec.rpartition(":")
    if not sep or not path or path == "ext":
        return spec, 1.0
    try:
        return path, float(weight)
    except ValueError:
        return spec, 1.0


def _merge(args: argparse.Namespace) -> int:
    from ..confusions.inventory import inventory
    from ..confusions.model import merge

    specs = [_split_weight(s) for s in args.sets]
    check_outputs([("-o", args.output)], [("SET", path) for path, _ in specs])
    sets = [_load(path).with_source(Path(path).stem if not path.startswith("ext:") else path[4:]) for path, _ in specs]
    merged = merge(sets, [w for _, w in specs], name=Path(args.output).stem).restrict(inventory(load_settings().confusions_dir))
    if args.min_score is not None:
        merged = merged.min_score(args.min_score)
    if args.k is not None:
        merged = merged.top_k(args.k)
    command = ("ocrfix confusions merge " + " ".join(args.sets) + (f" --k {args.k}" if args.k else "")
               + (f" --min-score {args.min_score}" if args.min_score is not None else ""))
    merged.save(args.output, [
        "merged by weighted noisy-OR: " + ", ".join(f"{p} x{w:g}" for p, w in specs),
        f"built by: {command}",
        f"{len(merged.chars())} chars, {len(merged)} entries, {merged.mean_candidates():.1f} candidates per char",
    ])
    write_manifest(args.output, shlex.split(command)[1:], [path for path, _ in specs])
    print(f"{len(merged)} entries for {len(merged.chars())} chars -> {args.output}", file=sys.stderr)
    return 0


def _default_sets() -> list[str]:
    d = load_settings().confusions_dir
    names = ("visual", "pinyin", "learned", "tesseract", "default")
    found = [str(d / f"{n}.tsv") for n in names if (d / f"{n}.tsv").exists()]
    if not found:
        raise ModelError(f"no confusion sets in {d}; pass --set")
    return found


def _show(args: argparse.Namespace) -> int:
    if len(args.char) != 1:
        raise InputError(f"show takes one character, got {args.char!r}")
    sets = [_load(spec) for spec in args.sets or [str(load_settings().confusions_dir / "default.tsv")]]
    if not any(args.char in cset for cset in sets):
        from ..confusions.inventory import inventory

        why = "" if args.char in inventory(load_settings().confusions_dir) else " (it is not in the character inventory)"
        raise InputError(f"no candidates for {args.char!r} in {', '.join(c.name for c in sets)}{why}")
    for cset in sets:
        cands = cset.candidates(args.char, args.k)
        print(f"{args.char} in {cset.name}: " + ("no candidates" if not cands else f"{len(cands)} candidates"))
        for rank, c in enumerate(cands, 1):
            print(f"{rank:4d}  {c.char}  {c.score:.4f}  {'+'.join(c.sources)}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from ..training.confusions.coverage import DEFAULT_KS, coverage, format_table, plot, read_pairs, to_json

    pairs = read_pairs(args.pairs or args.faspell)
    ks = tuple(args.k) if args.k else DEFAULT_KS
    if any(k < 1 for k in ks):
        raise InputError("--k values must be >= 1")
    results = [coverage(_load(spec), pairs, ks) for spec in (args.sets or _default_sets())]
    n = sum(pairs.values())
    print(json.dumps(to_json(results, n), ensure_ascii=False, indent=1) if args.json else format_table(results, n))
    if args.plot:
        plot(results, args.plot)
    return 0
