"""Coverage of real error pairs by confusion sets: can the corrector even propose the truth?

For an error pair (seen ``wrong``, true ``right``) a set *covers* it at K when ``right`` is
among the top-K candidates of ``wrong``. Coverage@K is the count-weighted share of covered
pairs; ``mean_candidates`` at K is the mean number of candidates the set offers for the
pairs' seen characters (the false-edit budget the corrector has to search).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...textio import CONVERT_TO_UTF8, read_text
from ...confusions.model import ConfusionSet

DEFAULT_KS = (1, 5, 10, 20, 50)


@dataclass(frozen=True)
class Coverage:
    name: str
    k: tuple[int, ...]
    coverage: tuple[float, ...]
    mean_candidates: tuple[float, ...]


def faspell_sentences(text: str, name: str = "faspell") -> Iterator[tuple[str, str]]:
    """(ocr, correct) sentences of FASPell lines ``n<TAB>ocr<TAB>correct`` (equal lengths)."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3 or len(fields[1]) != len(fields[2]):
            raise InputError(f"{name}:{lineno}: expected 'n<TAB>ocr<TAB>correct' with equal-length sentences")
        yield fields[1], fields[2]


def faspell_pairs(text: str, name: str = "faspell") -> Counter[tuple[str, str]]:
    """(wrong, right) substitution counts of FASPell lines (positionwise differences)."""
    pairs: Counter[tuple[str, str]] = Counter()
    for ocr, correct in faspell_sentences(text, name):
        pairs.update((w, r) for w, r in zip(ocr, correct) if w != r)
    return pairs


def read_pairs(path: str | Path) -> Counter[tuple[str, str]]:
    """Error pairs (wrong, right) -> count from a pairs file.

    Accepted rows (``#`` comments and a header row are skipped): FASPell ``n, ocr, correct``
    (3 fields, the two sentences equal length); ``ocrfix eval --confusions`` ``gt, ocr, count``
    (3 fields, single characters, integer count); plain ``wrong, right`` (2 fields).
    """
    text = read_text(path, remedy=CONVERT_TO_UTF8)
    rows = [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if rows and len(rows[0][1]) == 3 and rows[0][1][0].isdigit() and len(rows[0][1][1]) > 1:
        return faspell_pairs(text, str(path))
    pairs: Counter[tuple[str, str]] = Counter()
    for row, (lineno, fields) in enumerate(rows, 1):
        if len(fields) == 3 and len(fields[0]) == 1 and len(fields[1]) == 1 and fields[2].isdigit():
            gt, ocr, count = fields
            pairs[(ocr, gt)] += int(count)
        elif len(fields) == 2 and len(fields[0]) == 1 and len(fields[1]) == 1:
            pairs[(fields[0], fields[1])] += 1
        elif row == 1:
            continue  # header row
        else:
            raise InputError(f"{path}:{lineno}: expected 'wrong<TAB>right', 'gt<TAB>ocr<TAB>count' or FASPell lines")
    pairs = Counter({p: n for p, n in pairs.items() if p[0] != p[1]})
    if not pairs:
        raise InputError(f"{path}: no error pairs")
    return pairs


def coverage(cset: ConfusionSet, pairs: Mapping[tuple[str, str], int], ks: Sequence[int] = DEFAULT_KS) -> Coverage:
    total = sum(pairs.values())
    if not total:
        raise InputError("coverage: no error pairs")
    covered, offered = [], []
    for k in ks:
        hit = n_cand = 0
        for (wrong, right), n in pairs.items():
            cands = cset.candidates(wrong, k)
            n_cand += n * len(cands)
            hit += n * any(c.char == right for c in cands)
        covered.append(hit / total)
        offered.append(n_cand / total)
    return Coverage(cset.name, tuple(ks), tuple(covered), tuple(offered))


def to_json(results: Iterable[Coverage], n_pairs: int) -> dict:
    results = list(results)
    return {
        "pairs": n_pairs,
        "k": list(results[0].k) if results else [],
        "coverage": {r.name: [round(c, 4) for c in r.coverage] for r in results},
        "mean_candidates": {r.name: [round(m, 2) for m in r.mean_candidates] for r in results},
    }


def format_table(results: Sequence[Coverage], n_pairs: int) -> str:
    ks = results[0].k
    head = f"{'set':<22}" + "".join(f"{'@' + str(k):>8}" for k in ks) + "   mean candidates @" + "/".join(map(str, ks))
    lines = [f"{n_pairs} error pairs", head]
    for r in results:
        lines.append(
            f"{r.name:<22}" + "".join(f"{c:8.3f}" for c in r.coverage) + "   " + "/".join(f"{m:.1f}" for m in r.mean_candidates)
        )
    return "\n".join(lines)


def plot(results: Sequence[Coverage], out: str | Path) -> None:
    """Coverage vs K per set (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, r in enumerate(results):  # 10 colours per line style
        ax.plot(r.k, r.coverage, marker="o", linestyle=("-", "--", ":")[i // 10 % 3], label=r.name)
    ax.set_xscale("log")
    ax.set_xlabel("K (top-K candidates)")
    ax.set_ylabel("coverage of error pairs")
    ax.set_ylim(0, 1)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
