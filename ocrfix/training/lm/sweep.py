"""Order × pruning sweep behind the choice of the default model (benchmarks/RESULTS.md).

    nice -n 5 python -m ocrfix train lm-sweep corpora/news-train.tsv --out build/lm/sweep

Prepares the normalized training text and the held-out text once (from the manifest's train
and heldout rows), then for every setting trains a binary with the same lmplz/build_binary
options as ``ocrfix lm train``, and measures file size, load time (median of 5 fresh
loads) and perplexity/OOV rate per held-out file. One JSON line per setting
goes to ``<out>/sweep.jsonl``; candidates stay in ``<out>``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ...settings import load_settings
from .corpus import HELDOUT, expand_corpora, heldout_lines
from ...lm.model import CharLM
from ...lm.perplexity import perplexity
from .tools import find_tools
from .train import build_binary, check_options, estimate, write_training_text

#: Pruning schemes, truncated to the order: none below 4-grams / singletons from trigrams /
#: singletons of trigrams and count <= 2 above.
PRUNE_SCHEMES = {"light": (0, 0, 0, 1, 1, 1), "mid": (0, 0, 1, 1, 1, 1), "heavy": (0, 0, 1, 2, 2, 2)}


def settings(orders: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    """Distinct (order, prune) pairs of the sweep."""
    pairs = []
    for order in orders:
        for scheme in PRUNE_SCHEMES.values():
            pair = (order, scheme[:order])
            if pair not in pairs:
                pairs.append(pair)
    return pairs


def parse_setting(text: str) -> tuple[int, tuple[int, ...]]:
    """``"6:0,0,1,1,2,2"`` -> ``(6, (0, 0, 1, 1, 2, 2))``."""
    order, _, prune = text.partition(":")
    return int(order), tuple(int(p) for p in prune.split(","))


def load_seconds(path: Path, repeats: int = 5) -> float:
    """Median wall time of loading ``path`` (as the corrector loads it)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        CharLM(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def query_speed(model: Path, lines_path: Path, max_tokens: int = 100_000) -> dict:
    """Calls per second of the state API over held-out text: uncached, cache cold, cache warm
    (the warm pass repeats the same (state, token) queries, as a decoder re-scoring a lattice does)."""
    lm = CharLM(model)
    tokens: list[list[str]] = []
    with open(lines_path, encoding="utf-8") as fh:
        for line in fh:
            tokens.append(line.split())
            if sum(map(len, tokens)) >= max_tokens:
                break

    def run(score) -> float:
        start = time.perf_counter()
        calls = 0
        for sentence in tokens:
            state = lm.begin_state()
            for token in sentence:
                _, state = score(state, token)
            calls += len(sentence)
        return calls / (time.perf_counter() - start)

    return {"model": str(model), "calls": sum(map(len, tokens)), "uncached_per_s": run(lm._score_token),
            "cached_cold_per_s": run(lm.score_token), "cached_warm_per_s": run(lm.score_token)}


def measure(tools, text: Path, heldout: dict[str, Path], out_dir: Path, order: int,
            prune: tuple[int, ...], memory: str) -> dict:
    name = f"o{order}_p{''.join(map(str, prune))}"
    model = out_dir / f"{name}.klm"
    start = time.monotonic()
    if not model.exists():
        with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
            arpa = Path(tmp) / "model.arpa"
            estimate(tools, text, arpa, order, check_options(order, prune), memory, Path(tmp),
                     log_path=out_dir / f"{name}.lmplz.log")
            build_binary(tools, arpa, model)
    train_seconds = time.monotonic() - start
    lm = CharLM(model)
    row = {"name": name, "order": order, "prune": list(prune), "size_mb": model.stat().st_size / 1e6,
           "load_s": load_seconds(model), "train_s": round(train_seconds, 1)}
    for label, path in heldout.items():
        with open(path, encoding="utf-8") as fh:
            result = perplexity(lm, fh)
        row[label] = {"perplexity": result.perplexity, "oov_rate": result.oov_rate, "tokens": result.tokens}
    return row


def render_table(rows: list[dict]) -> str:
    """Markdown table of sweep rows (as in benchmarks/RESULTS.md)."""
    labels = [k for k in rows[0] if isinstance(rows[0][k], dict)] if rows else []
    head = ["order", "prune", "binary MB", "load ms", "train s"] + [f"ppl {x}" for x in labels] + [f"OOV {x}" for x in labels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(rows, key=lambda r: (r["order"], r["size_mb"])):
        cells = [str(r["order"]), " ".join(map(str, r["prune"])), f"{r['size_mb']:.1f}", f"{r['load_s'] * 1e3:.1f}",
                 f"{r['train_s']:.0f}"]
        cells += [f"{r[x]['perplexity']:.2f}" for x in labels] + [f"{r[x]['oov_rate']:.4%}" for x in labels]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


EXAMPLES = """examples:
  ocrfix train lm-sweep corpora/news-train.tsv --orders 5 6
  ocrfix train lm-sweep corpora/news-train.tsv --setting 6:0,0,1,1,1,2
  ocrfix train lm-sweep corpora/news-train.tsv --table   # the measured settings as a Markdown table"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog or "python -m ocrfix train lm-sweep", description=__doc__.splitlines()[0],
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest", help="corpus manifest: its train rows are trained on, its heldout rows measured")
    parser.add_argument("--out", type=Path, default=load_settings().build_dir / "lm" / "sweep",
                        help="directory of the models and sweep.jsonl (default: build/lm/sweep)")
    parser.add_argument("--orders", type=int, nargs="+", default=[3, 4, 5, 6], help="LM orders to measure")
    parser.add_argument("--setting", action="append", metavar="ORDER:PRUNE",
                        help="measure only these settings, e.g. 6:0,0,1,1,2,2 (repeatable)")
    parser.add_argument("--memory", default="30%", help="lmplz's memory budget (-S)")
    parser.add_argument("--table", action="store_true", help="only print <out>/sweep.jsonl as a Markdown table")
    parser.add_argument("--speed", type=Path, metavar="MODEL",
                        help="only measure load time and query speed of MODEL on the held-out text")
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog).parse_args(argv)
    if args.table:
        with open(args.out / "sweep.jsonl", encoding="utf-8") as fh:
            print(render_table([json.loads(line) for line in fh]))
        return 0
    data_dir = load_settings().data_dir
    tools = find_tools(load_settings().kenlm_bin)
    args.out.mkdir(parents=True, exist_ok=True)
    corpus_dir = load_settings().build_dir / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    text = corpus_dir / f"{Path(args.manifest).stem}.txt"
    if not text.exists():
        write_training_text([args.manifest], text, data_dir)
    heldout = {}
    for f in expand_corpora([args.manifest], data_dir, split=HELDOUT):
        label = f.path.name.split(".")[0]
        heldout[label] = corpus_dir / f"heldout-{label}.txt"
        if not heldout[label].exists():
            with open(heldout[label], "w", encoding="utf-8") as out:
                out.writelines(line + "\n" for line in heldout_lines([f]))
    if args.speed:
        row = query_speed(args.speed, next(iter(heldout.values()))) | {"load_s": load_seconds(args.speed)}
        print(json.dumps(row))
        return 0
    with open(args.out / "sweep.jsonl", "a", encoding="utf-8") as log:
        todo = [parse_setting(x) for x in args.setting] if args.setting else settings(args.orders)
        for order, prune in todo:
            row = measure(tools, text, heldout, args.out, order, prune, args.memory)
            print(json.dumps(row), file=log, flush=True)
            print(json.dumps(row), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
