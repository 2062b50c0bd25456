"""Run every benchmark set through reflow + correction + evaluation and write the results.

    python -m benchmarks.run                 # full run: writes benchmarks/RESULTS.md's section + plot
    python -m benchmarks.run --quick         # CI slice (2 tiny pages, 100 FASPell lines, seed page)
    python -m benchmarks.run --only faspell  # one set (repeatable / comma-separated)
    python -m benchmarks.run --systems ocrfix:tesseract,ocrfix:ppocr,ocrfix:generic,pycorrector:200
                                             # profiles and the peer side by side: the cross-engine table
    python -m benchmarks.run --only pages --nfkc
                                             # the pages' OCR folded by NFKC first, as a pipeline that
                                             # normalizes its text hands it over (，→, …→...)

Only the full run (no --quick, --only or --systems) rewrites benchmarks/RESULTS.md, results.png,
results.json (the raw tallies) and the README's headline table (``benchmarks.headline``); the
others write build/bench/{quick,partial}/, so a partial run never replaces the published figures
with a subset.

Systems run one at a time, each in a fresh worker process (so its peak RSS is its own): ocrfix's
corrector and, in the full run, pycorrector 1.1.4's KenLM corrector on the same LM, its threshold
chosen by a sweep on training pages (never on the evaluation sets). Sanity checks (GT scored
against itself has CER 0; raw OCR has errors; rates within [0, 1]) make the exit status non-zero.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from benchmarks import headline, report, sets
from benchmarks.score import Item, SystemRun, Tally, run_system
from benchmarks.systems import PYCORRECTOR_VERSION, pycorrector_available
from ocrfix.errors import OcrfixError
from ocrfix.evaluation import evaluate, load_errata
from ocrfix.settings import PROJECT_ROOT, load_settings

SETS = ("pages", "rapid", "ppocr4", "best", "legacy", "fonts", "fonts-rapid", "degrade", "degrade-rapid", "seed",
        "faspell", "sighan15", "lemon")
QUICK_SETS = ("pages", "seed", "faspell")
LEMON_LIMIT = 1000  # LEMON news is spelling errors, not OCR: a 1,000-sentence slice keeps the run short
SWEEP_PAGES = 1  # training pages per level for the pycorrector threshold sweep
#: pycorrector runs at ~100-400 chars/s here, so it gets a slice of each set (first items), and
#: ocrfix runs on the same slice too: the "/peer" rows compare the two on identical data.
PEER_SLICE = {"eval-l1": 4, "eval-l2": 4, "eval-l3": 4, "rapid-eval-l1": 4, "rapid-eval-l2": 4, "rapid-eval-l3": 4,
              "seed": 1, "faspell": 300, "sighan15": 300}
#: The RapidOCR pages: all eval pages read by RapidOCR, else the older two per level (optional).
RAPID_SPLITS = ("rapid-eval", "rapid")
#: Optional page sets, measured where their split is on disk: the eval pages read by PP-OCRv4
#: (``rapidocr_onnxruntime`` 1.3), an engine no profile was fitted on, and by Tesseract's tessdata_best and
#: legacy models (``benchmarks.tessdata``), which none was fitted on either; held-out pages set in
#: typefaces no profile was fitted on, and with scan damage none was fitted on, read by Tesseract and by RapidOCR.
OPTIONAL_SPLITS = {"ppocr4": "ppocr4-eval", "best": "best-eval", "legacy": "legacy-eval",
                   "fonts": "fonts-eval", "fonts-rapid": "fonts-rapid-eval",
                   "degrade": "degrade-eval", "degrade-rapid": "degrade-rapid-eval"}
THRESHOLDS = (8.0, 20.0, 57.0, 200.0)
RESULTS_MD = Path(__file__).with_name("RESULTS.md")
PLOT = Path(__file__).with_name("results.png")


def page_items(pairs: list[sets.PagePair], errata=(), nfkc: bool = False) -> list[Item]:
    """The pages as items; ``nfkc``: their OCR text folded by NFKC first (the ground truth as it is)."""
    from ocrfix.text_reflow import reflow

    def page_item(p: sets.PagePair) -> Item:
        ocr = unicodedata.normalize("NFKC", p.ocr) if nfkc else p.ocr
        return Item(p.name, p.group, "page", reflow(ocr), p.gt, tuple(errata), raw=ocr)

    return [page_item(p) for p in pairs]


def sentence_items(pairs: list[sets.SentencePair], group: str, errata=()) -> list[Item]:
    return [Item(p.id, group, "sentence", p.erroneous, p.gold, tuple(errata)) for p in pairs]


def quick_pages(pages_root: Path) -> list[sets.PagePair]:
    """The two tiny quick pages, generated first if absent (Tesseract needed)."""
    from benchmarks import generate
    from benchmarks.ocr import tesseract_available

    if not (pages_root / "quick" / "manifest.json").is_file():
        if not tesseract_available():
            return []
        generate.generate("quick", pages_root, generate.load_config(), load_settings().data_dir)
    return sets.generated_pages(pages_root, "quick")


def load_groups(names: list[str], quick: bool, pages_root: Path, nfkc: bool = False) -> dict[str, list[Item]]:
    """Items of every requested set, grouped by results row (``nfkc``: see :func:`page_items`)."""
    data = load_settings().data_dir
    groups: dict[str, list[Item]] = {}

    def add(items: list[Item]) -> None:
        for item in items:
            groups.setdefault(item.group, []).append(item)

    def add_pages(pairs: list[sets.PagePair], errata=()) -> None:
        add(page_items(pairs, errata, nfkc))

    for name in names:
        if name == "pages" and quick:
            add_pages(quick_pages(pages_root))
        elif name == "pages":
            add_pages(sets.generated_pages(pages_root, "eval"))
        elif name == "rapid":  # the same pages read by RapidOCR (optional)
            rapid = next((split for split in RAPID_SPLITS if (pages_root / split / "manifest.json").is_file()), None)
            if rapid:
                add_pages(sets.generated_pages(pages_root, rapid))
        elif name in OPTIONAL_SPLITS:
            if (pages_root / OPTIONAL_SPLITS[name] / "manifest.json").is_file():
                add_pages(sets.generated_pages(pages_root, OPTIONAL_SPLITS[name]))
        elif name == "seed":
            add_pages([sets.seed_page(data.parent / "seeds")], load_errata(sets.SEED_ERRATA))
        elif name == "faspell":
            add(sentence_items(sets.faspell(data, 100 if quick else None), "faspell"))
        elif name == "sighan15":
            add(sentence_items(sets.sighan15(data), "sighan15", load_errata(sets.SIGHAN15_ERRATA)))
        elif name == "lemon":
            add(sentence_items(sets.lemon_news(data, LEMON_LIMIT), "lemon-news", load_errata(sets.LEMON_ERRATA)))
    return groups


def sweep_items(pages_root: Path) -> dict[str, list[Item]]:
    pairs = sets.generated_pages(pages_root, "train")
    by_level: dict[str, list[sets.PagePair]] = {}
    for p in pairs:
        by_level.setdefault(p.group, []).append(p)
    chosen = [p for level in sorted(by_level) for p in by_level[level][:SWEEP_PAGES]]
    return {"train-sweep": [Item(i.id, "train-sweep", i.kind, i.src, i.gold) for i in page_items(chosen)]}


def peer_slices(groups: dict[str, list[Item]]) -> dict[str, list[Item]]:
    """The first items of each set that the slow peer runs on (see PEER_SLICE)."""
    return {f"{g}/peer": items[: PEER_SLICE[g]] for g, items in groups.items() if g in PEER_SLICE}


def gt_self_check(groups: dict[str, list[Item]]) -> list[str]:
    """Problems found scoring each ground truth against itself (must be CER 0)."""
    bad = []
    for group, items in groups.items():
        for item in items:
            rep = evaluate(item.gold, item.gold)
            if rep.cer != 0 or rep.cer_all != 0:
                bad.append(f"{group}/{item.id}: GT against itself has CER {rep.cer_all:.4f}")
    return bad


def run_checks(runs: list[SystemRun], groups: dict[str, list[Item]]) -> list[str]:
    """Sanity of the measured figures."""
    bad = [f"{r.system}: failed to load: {r.error}" for r in runs if r.error]
    for run in runs:
        for group, t in run.tallies.items():
            m = report.metrics(t)
            if t.items != len(groups[group]) or t.gt_chars <= 0:
                bad.append(f"{run.system}/{group}: {t.items} items scored of {len(groups[group])}")
            if not all(0 <= m[k] <= 1 for k in ("raw_cer", "cer", "precision", "recall", "f1", "clean_rate")):
                bad.append(f"{run.system}/{group}: a rate is outside [0, 1]: {m}")
        if run.tallies and sum(t.raw_errors for t in run.tallies.values()) == 0:
            bad.append(f"{run.system}: the raw OCR has no errors at all (CER 0): the inputs are not OCR output")
    return bad


def in_worker(spec: str, groups: dict[str, list[Item]], clean: bool = True) -> SystemRun:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(run_system, spec, groups, clean).result()


def run_systems(specs: list[str], groups: dict[str, list[Item]], all_groups: dict[str, list[Item]],
                pages_root: Path, notes: list[str]) -> tuple[list[SystemRun], list[SystemRun], dict[str, list[Item]]]:
    """Each system in its own worker: ocrfix on every group; pycorrector (after its threshold
    sweep on training pages when no threshold is given) on the peer slices only."""
    runs: list[SystemRun] = []
    sweep: list[SystemRun] = []
    sweep_groups: dict[str, list[Item]] = {}
    for spec in specs:
        if not spec.startswith("pycorrector"):
            runs.append(in_worker(spec, all_groups))
            continue
        if not pycorrector_available():
            notes.append(f"pycorrector not installed: skipped (pip install --no-deps pycorrector=={PYCORRECTOR_VERSION})")
            continue
        if spec == "pycorrector":
            sweep_groups = sweep_items(pages_root)
            sweep = [in_worker(f"pycorrector:{t:g}", sweep_groups, clean=False) for t in THRESHOLDS]
            spec = min(sweep, key=lambda r: report.metrics(r.tallies.get("train-sweep", Tally()))["cer"]
                       if not r.error else 1.0).system
        # the peer is slow: a slice of each set, and no clean-text pass
        runs.append(in_worker(spec, peer_slices(groups), clean=False))
    return runs, sweep, sweep_groups


def git_commit() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes" if git("status", "--porcelain") else "")


def manifests(pages_root: Path, splits: tuple[str, ...] = ("train", "eval", "rapid-train", "rapid-eval", "ppocr4-train",
                                                           *OPTIONAL_SPLITS.values())) -> dict[str, dict]:
    found = {}
    for split in splits:
        path = pages_root / split / "manifest.json"
        if path.is_file():
            found[split] = json.loads(path.read_text(encoding="utf-8"))
    return found


def section(command: str, commit: str, runs: list[SystemRun], sweep: list[SystemRun], groups: dict[str, list[Item]],
            plot_name: str, notes: list[str], pages: dict[str, dict]) -> str:
    order = list(groups)
    sentence_groups = [g for g in order if groups[g][0].kind == "sentence"]
    lines = [
        f"Command: `{command}` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
        "shared 2-core machine (timings are noisy).",
        "",
        "Sets: `eval-l1/l2/l3` = generated pages of held-out news (rmrb 2020-05, xwlb 2026), Tesseract 5 "
        "`chi_sim` at three degradation levels (`python -m benchmarks.generate --split eval`, settings in "
        "`benchmarks/pages.toml`); `seed` = the reference page pair (web GT with `benchmarks/errata/page01.tsv`); "
        f"`faspell` = FASPell OCR test; `sighan15` = SIGHAN-15 test (simplified); `lemon-news` = first {LEMON_LIMIT} "
        "LEMON news sentences. Page input is the reflowed raw OCR (`ocrfix.reflow`); CERs are "
        "`ocrfix.evaluate` on matched text (sentence sets: all text), whitespace ignored, widths folded.",
        "",
        report.main_table(runs, order),
        "",
        "char P/R/F1: an edit is correct when it turns an OCR error into the GT character "
        "(`ocrfix.evaluate` three-way). changed on clean: characters changed when the system corrects the "
        "ground truth itself (n/a for pycorrector: left out, it is slow). chars/s: input characters per second of correction (model loading excluded); "
        "peak RSS: the worker process running that system.",
    ]
    if len(runs) > 1:
        lines += ["", "Cross-engine (page sets: CER reduction, sentence sets: char F1; fixed / introduced; "
                  "* = on the peer slice only, see PEER_SLICE):", "", report.cross_engine_table(runs)]
    if sentence_groups:
        lines += ["", "Sentence sets (sentence level: correct iff the output equals the gold sentence):", "",
                  report.sentence_table(runs, sentence_groups)]
    if sweep:
        lines += ["", f"pycorrector {PYCORRECTOR_VERSION} threshold sweep on training pages "
                  f"({SWEEP_PAGES} per level, never the evaluation sets); the best one runs above:", "",
                  report.main_table(sweep, ["train-sweep"])]
    if pages:
        lines += ["", "Generated pages (plain CER: whole-page edit distance of the raw OCR, whitespace "
                  "ignored; `build/bench/pages/<split>/manifest.json`):", "", report.pages_table(pages)]
    lines += ["", f"![CER before and after correction]({plot_name})"]
    lines += [""] + [f"- {n}" for n in notes] if notes else []
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small CI slice; writes build/bench/quick/")
    parser.add_argument("--only", action="append", default=[], help=f"set(s) to run: {', '.join(SETS)}")
    parser.add_argument("--systems", default=None,
                        help="comma-separated systems (ocrfix[:PROFILE], pycorrector[:T], none); with several, "
                             "the section adds a cross-engine table")
    parser.add_argument("--pages-root", type=Path, default=None, help="generated pages (default build/bench/pages)")
    parser.add_argument("--nfkc", action="store_true",
                        help="fold the pages' OCR text by NFKC before correcting it (the ground truth as it is)")
    args = parser.parse_args(argv)
    settings = load_settings()
    pages_root = args.pages_root or settings.build_dir / "bench" / "pages"
    names = [n for spec in args.only for n in spec.split(",")] or list(QUICK_SETS if args.quick else SETS)
    unknown = sorted(set(names) - set(SETS))
    if unknown:
        parser.error(f"unknown set(s): {', '.join(unknown)}")
    command = " ".join(["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])])
    notes: list[str] = []
    commit = git_commit()  # before anything is written
    started = time.perf_counter()
    try:
        groups = load_groups(names, args.quick, pages_root, args.nfkc)
        if "pages" in names and not any(g.startswith(("eval-", "quick-")) for g in groups):
            notes.append("generated pages skipped: tesseract with chi_sim is not installed")
        specs = args.systems.split(",") if args.systems else ["ocrfix"] + ([] if args.quick else ["pycorrector"])
        with_peer = any(spec.startswith("pycorrector") for spec in specs) and pycorrector_available()
        all_groups = {**groups, **peer_slices(groups)} if with_peer else groups
        problems = gt_self_check(groups)
        runs, sweep, sweep_groups = run_systems(specs, groups, all_groups, pages_root, notes)
    except OcrfixError as exc:
        print(f"benchmarks.run: error: {exc}", file=sys.stderr)
        return 2
    problems += run_checks(runs, all_groups) + run_checks(sweep, sweep_groups)
    scratch = "quick" if args.quick else "partial" if args.only or args.systems or args.nfkc else None
    out_md = settings.build_dir / "bench" / scratch / "RESULTS.md" if scratch else RESULTS_MD
    plot_path = out_md.with_name("results.png") if scratch else PLOT
    body = section(command, commit, runs, sweep, all_groups, plot_path.name, notes, {} if args.quick else manifests(pages_root))
    report.plot(runs, list(all_groups), plot_path)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    report.update_section(out_md, body)
    raw = {"command": command, "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "commit": commit,
           "runs": [asdict(r) for r in runs], "sweep": [asdict(r) for r in sweep]}
    raw_path = settings.build_dir / "bench" / f"{scratch}-results.json" if scratch else headline.RESULTS_JSON
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    raw_path.write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not scratch and any(r.system == "ocrfix" for r in runs):
        headline.update(headline.README, raw)  # the README's table: the same figures as RESULTS.md's
    print(body)
    print(f"wrote {out_md} and {plot_path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for problem in problems:
        print(f"benchmarks.run: insane: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
