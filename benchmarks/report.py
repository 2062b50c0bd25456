"""Results tables (Markdown), the CER plot and the RESULTS.md section update."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Iterator, Sequence

from benchmarks.score import SystemRun, Tally

BEGIN = "<!-- correction-benchmark:begin -->"
END = "<!-- correction-benchmark:end -->"
HEADING = "## Correction benchmark"


def _rate(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f}%"


def metrics(t: Tally) -> dict[str, float]:
    """The derived figures of one tally (rates as fractions)."""
    raw, cer = _rate(t.raw_errors, t.raw_matched), _rate(t.errors, t.matched)
    p, r = _rate(t.fixed, t.edits), _rate(t.fixed, t.ocr_errors)
    sp, sr = _rate(t.sent_tp, t.sent_tp + t.sent_fp), _rate(t.sent_tp, t.sent_tp + t.sent_fn)
    return {
        "raw_cer": raw, "cer": cer, "reduction": _rate(raw - cer, raw), "precision": p, "recall": r,
        "f1": _f1(p, r), "clean_rate": _rate(t.clean_changed, t.clean_chars),
        "chars_per_s": _rate(t.src_chars, t.seconds), "sent_p": sp, "sent_r": sr, "sent_f1": _f1(sp, sr),
    }


#: Below this share of a set's ground-truth characters matched by the raw OCR, the OCR is mostly text the
#: alignment cannot pair with the page's (a recogniser that breaks the glyphs apart: Tesseract's legacy
#: engine on small print), and the set's CERs and reduction describe a few scattered words, not its pages.
MIN_MATCHED_SHARE = 0.5


def unmatched_note(t: Tally) -> str | None:
    """How little of the set the raw OCR matched, where that is under :data:`MIN_MATCHED_SHARE`."""
    if t.gt_chars and t.raw_matched < MIN_MATCHED_SHARE * t.gt_chars:
        return f"{t.raw_matched:,} of {t.gt_chars:,} characters matched"
    return None


def _cells(runs: Sequence[SystemRun], groups: Sequence[str]) -> Iterator[tuple[str, SystemRun, Tally, dict[str, float]]]:
    """(group, run, tally, metrics) for every group a run has, groups first."""
    for group in groups:
        for run in runs:
            if group in run.tallies:
                yield group, run, run.tallies[group], metrics(run.tallies[group])


def main_table(runs: Sequence[SystemRun], groups: Sequence[str]) -> str:
    head = ("| set | system | chars | raw CER | corrected CER | rel. reduction | fixed | introduced "
            "| char P | char R | char F1 | changed on clean | chars/s | peak RSS |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for group, run, t, m in _cells(runs, groups):
        clean = f"{t.clean_changed} / {t.clean_chars:,}" if t.clean_chars else "n/a"
        chars = f"{t.gt_chars:,} ({t.raw_matched:,} matched)" if unmatched_note(t) else f"{t.gt_chars:,}"
        rows.append(
            f"| {group} | {run.system} | {chars} | {_pct(m['raw_cer'])} | {_pct(m['cer'])} "
            f"| {_pct(m['reduction'], 1)} | {t.fixed} | {t.introduced} | {m['precision']:.3f} | {m['recall']:.3f} "
            f"| {m['f1']:.3f} | {clean} | {m['chars_per_s']:,.0f} | {run.peak_rss_mb:,.0f} MB |"
        )
    return "\n".join(rows)


def sentence_table(runs: Sequence[SystemRun], groups: Sequence[str]) -> str:
    rows = ["| set | system | sentences | sent. P | sent. R | sent. F1 | char P | char R | char F1 |",
            "|---|---|---|---|---|---|---|---|---|"]
    for group, run, t, m in _cells(runs, groups):
        rows.append(f"| {group} | {run.system} | {t.items} | {m['sent_p']:.3f} | {m['sent_r']:.3f} | {m['sent_f1']:.3f} "
                    f"| {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    return "\n".join(rows)


#: Columns of the cross-engine table: title -> (the groups, i.e. results rows, it sums; its figure:
#: the CER reduction of page sets or the char F1 of sentence sets).
CROSS_ENGINE = {
    "Tesseract eval": (("eval-l1", "eval-l2", "eval-l3"), "reduction"),
    "RapidOCR eval": (("rapid-eval-l1", "rapid-eval-l2", "rapid-eval-l3"), "reduction"),
    "PP-OCRv4 eval": (("ppocr4-eval-l1", "ppocr4-eval-l2", "ppocr4-eval-l3"), "reduction"),
    "Tesseract best eval": (("best-eval-l1", "best-eval-l2", "best-eval-l3"), "reduction"),
    "Tesseract legacy eval": (("legacy-eval-l1", "legacy-eval-l2", "legacy-eval-l3"), "reduction"),
    "Tesseract eval, unseen faces": (("fonts-eval-l1", "fonts-eval-l2", "fonts-eval-l3"), "reduction"),
    "RapidOCR eval, unseen faces": (("fonts-rapid-eval-l1", "fonts-rapid-eval-l2", "fonts-rapid-eval-l3"), "reduction"),
    "Tesseract eval, scan damage": (("degrade-eval-d1", "degrade-eval-d2"), "reduction"),
    "RapidOCR eval, scan damage": (("degrade-rapid-eval-d1", "degrade-rapid-eval-d2"), "reduction"),
    "FASPell test": (("faspell",), "f1"),
    "SIGHAN-15 test": (("sighan15",), "f1"),
}


def _summed(run: SystemRun, groups: Sequence[str]) -> tuple[Tally, bool] | None:
    """A run's tallies summed over ``groups`` (or over their peer slices, flagged True, where the
    run has only those); None where it has neither complete."""
    for names, sliced in ((groups, False), ([f"{g}/peer" for g in groups], True)):
        if all(name in run.tallies for name in names):
            total = Tally()
            for name in names:
                total += run.tallies[name]
            return total, sliced
    return None


def cross_engine_table(runs: Sequence[SystemRun],
                       columns: dict[str, tuple[tuple[str, ...], str]] = CROSS_ENGINE) -> str:
    """One row per system, one column per test set (see :data:`CROSS_ENGINE`): the CER reduction
    or char F1, then fixed / introduced; ``*``: measured on the peer slice only; n/a where the raw
    OCR matched too little of the set to measure (:func:`unmatched_note`)."""
    shown = {title: column for title, column in columns.items() if any(_summed(r, column[0]) for r in runs)}
    rows = ["| system | " + " | ".join(shown) + " |", "|---|" + "---|" * len(shown)]
    for run in runs:
        cells = []
        for groups, figure in shown.values():
            found = _summed(run, groups)
            if found is None:
                cells.append("—")
                continue
            t, sliced = found
            if note := unmatched_note(t):
                cells.append(f"n/a ({note})")
                continue
            m = metrics(t)
            value = f"F1 {m['f1']:.3f}" if figure == "f1" else _pct(m["reduction"], 1)
            cells.append(f"{value} ({t.fixed} / {t.introduced}){'*' if sliced else ''}")
        rows.append(f"| {run.system} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def pages_table(manifests: dict[str, dict]) -> str:
    """Generated pages per split and level: count, GT characters, the generator's plain CER, and the command
    that makes them (with ``--pages`` where fewer pages than ``pages.toml`` asks were made)."""
    rows = ["| split | level | pages | GT chars | mean plain CER | command |", "|---|---|---|---|---|---|"]
    configs: dict[str, dict] = {}
    for split, manifest in manifests.items():
        name = manifest.get("config", "pages.toml")
        if name not in configs:
            configs[name] = tomllib.loads(Path(__file__).with_name(name).read_text(encoding="utf-8"))
        asked = configs[name]["splits"].get(split, {}).get("pages")
        for level, s in manifest["summary"].items():
            fewer = f" --pages {s['pages']}" if asked is not None and s["pages"] != asked else ""
            rows.append(f"| {split} | {level} | {s['pages']} | {s['gt_chars']:,} | {_pct(s['mean_cer'])} "
                        f"| `python -m benchmarks.generate --split {split}{fewer}` |")
    return "\n".join(rows)


def plot(runs: Sequence[SystemRun], groups: Sequence[str], path: Path) -> None:
    """Grouped bars: raw CER and each system's corrected CER per set/level."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [g for g in groups if any(g in r.tallies for r in runs)]
    series = [("raw OCR", [next((metrics(r.tallies[g])["raw_cer"] for r in runs if g in r.tallies), 0.0) for g in shown])]
    series += [(r.system, [metrics(r.tallies[g])["cer"] if g in r.tallies else float("nan") for g in shown]) for r in runs]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(shown)), 4))
    for k, (label, values) in enumerate(series):
        ax.bar([i + k * width for i in range(len(shown))], [100 * v for v in values], width, label=label)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(shown))], shown, rotation=20)
    ax.set_ylabel("CER (%)")
    ax.set_title("CER before and after correction")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_section(results_md: Path, body: str) -> None:
    """Replace this benchmark's section of RESULTS.md (between its markers); append it if absent.
    Other sections are left byte for byte as they are."""
    block = f"{BEGIN}\n{body.strip()}\n{END}"
    text = results_md.read_text(encoding="utf-8") if results_md.is_file() else "# Results\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, count=1, flags=re.S)
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    results_md.write_text(text, encoding="utf-8")
