"""The README's headline table, rendered from the one source of the correction figures.

    python -m benchmarks.headline            # rewrite README.md's table from benchmarks/results.json
    python -m benchmarks.headline --check    # exit 1 when README.md's table differs from it

``python -m benchmarks.run`` (the full run) writes ``benchmarks/results.json`` and calls this, so
the README, RESULTS.md's table and the JSON always hold the same figures of the same run.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from benchmarks.report import metrics
from benchmarks.score import SystemRun, Tally

RESULTS_JSON = Path(__file__).with_name("results.json")
README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = "<!-- headline-table:begin -->"
END = "<!-- headline-table:end -->"
LEVELS = (("eval-l1", "light, l1"), ("eval-l2", "medium, l2"), ("eval-l3", "heavy, l3"))


def load_runs(results: dict) -> list[SystemRun]:
    """The runs of a results JSON as written by ``benchmarks.run``."""
    return [SystemRun(r["system"], {g: Tally(**t) for g, t in r["tallies"].items()}, r["load_seconds"],
                      r["peak_rss_mb"], r.get("error", "")) for r in results["runs"]]


def _pct(x: float) -> str:
    return f"{100 * x:.3g} %"


def render(results: dict) -> str:
    """The Markdown table (with its provenance line) of ocrfix on the three page levels, and the
    peer's CER change on its slice of each level when the run had one."""
    runs = load_runs(results)
    ours = next(r for r in runs if r.system == "ocrfix")
    peers = [r for r in runs if r.system != "ocrfix"]
    head = "| pages (raw CER) | CER after ocrfix | reduction | errors fixed / introduced | chars changed on clean |"
    if peers:
        head += f" {peers[0].system.split(':')[0]}, same LM, on its slice |"
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for group, label in LEVELS:
        if group not in ours.tallies:
            continue
        t = ours.tallies[group]
        m = metrics(t)
        row = (f"| {label} ({_pct(m['raw_cer'])}) | {_pct(m['cer'])} | {100 * m['reduction']:.1f} % "
               f"| {t.fixed:,} / {t.introduced:,} | {t.clean_changed:,} / {t.clean_chars:,} |")
        if peers:
            slice_ = peers[0].tallies.get(f"{group}/peer")
            row += f" CER {-100 * metrics(slice_)['reduction']:+.1f} % |" if slice_ else " n/a |"
        rows.append(row)
    when = results.get("date", "")[:10]
    source = (f"Measured with `{results['command']}` on {when} (commit {results.get('commit', 'unknown')}); "
              f"this table is generated from `benchmarks/results.json` by `python -m benchmarks.headline`.")
    return source + "\n\n" + "\n".join(rows)


def block(results: dict) -> str:
    return f"{BEGIN}\n{render(results)}\n{END}"


def current(readme: str) -> str:
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), readme, flags=re.S)
    return found.group(0) if found else ""


def update(readme_path: Path, results: dict) -> bool:
    """Rewrite the table in place; False when the README has no markers (nothing written)."""
    text = readme_path.read_text(encoding="utf-8")
    if not current(text):
        return False
    new = text.replace(current(text), block(results), 1)
    if new != text:
        from ocrfix.textio import write_text_atomic

        write_text_atomic(readme_path, new)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.headline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the README differs")
    parser.add_argument("--results", type=Path, default=RESULTS_JSON, help="results JSON (default %(default)s)")
    parser.add_argument("--readme", type=Path, default=README, help="README to update (default %(default)s)")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    if args.check:
        same = current(args.readme.read_text(encoding="utf-8")) == block(results)
        if not same:
            print(f"{args.readme}: the headline table differs from {args.results}; run python -m benchmarks.headline",
                  file=sys.stderr)
        return 0 if same else 1
    if not update(args.readme, results):
        print(f"{args.readme}: no {BEGIN} ... {END} markers", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
