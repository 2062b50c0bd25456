"""Paragraph recall/precision of ``ocrfix reflow`` on the seed page.

For every paragraph of ``page01.web.txt`` that also exists in print, is it exactly one line of
the reflowed output (normalized similarity >= ``SAME``)? Recall = such paragraphs / web
paragraphs present in print; precision = reflowed lines that equal a web paragraph / reflowed
lines whose text exists on the web page. A body paragraph exists in the other document when it
occurs there almost verbatim (partial similarity >= ``PRESENT``); a title-like line (short, no
sentence-final punctuation) only when the other document has it as a line of its own.
Texts are compared width-folded without whitespace; the thresholds absorb the few OCR errors.

The web edition itself breaks some paragraphs mid-sentence (``…、市民`` / ``民生诉求…``), where
print has one paragraph. Figures are given for the web lines as they are and with those breaks
repaired (a web line longer than a title that does not end a sentence is joined with the next).

    python -m benchmarks.reflow_paragraphs [--seeds DIR] [--pages build/bench/pages/train/l1 ...] [--lm [MODEL]]

``--lm``: the reflow with the language model settling the breaks the rules cannot (``ocrfix reflow
--lm``; MODEL default: the shipped one).

With ``--pages`` the same figures are summed over generated pages (``*.gt.txt`` one paragraph or
title per line); there OCR errors also lower the similarity, so figures are lower bounds.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from rapidfuzz import fuzz

from ocrfix.evaluation.profile import normalize_line
from ocrfix.column_order import TokenScorer
from ocrfix.text_reflow import SENTENCE_END, reflow
from ocrfix.textio import read_text

TITLE_CHARS = 30
PRESENT = 90.0  # partial_ratio: the text occurs (almost) verbatim in the other document
SAME = 95.0     # ratio: two paragraphs are the same paragraph


def lines_of(text: str) -> list[str]:
    return [n for n in map(normalize_line, text.splitlines()) if n]


def title_like(line: str) -> bool:
    return len(line) <= TITLE_CHARS and not line.endswith(tuple(SENTENCE_END))


def exists_in(line: str, lines: list[str], text: str, same: float) -> bool:
    if title_like(line):
        return any(fuzz.ratio(line, other) >= same for other in lines)
    return fuzz.partial_ratio(line, text) >= PRESENT


def repair_web_breaks(web: list[str]) -> list[str]:
    """Join web lines that a mid-sentence break split (see module docstring)."""
    out: list[str] = []
    for line in web:
        if out and len(out[-1]) > TITLE_CHARS and not out[-1].endswith(tuple(SENTENCE_END)):
            out[-1] += line
        else:
            out.append(line)
    return out


def score(web: list[str], out: list[str], ocr: list[str], same: float = SAME) -> dict:
    web_text, ocr_text = "".join(web), "".join(ocr)
    present = [p for p in web if exists_in(p, ocr, ocr_text, same)]
    found = [p for p in present if any(fuzz.ratio(p, line) >= same for line in out)]
    on_web = [line for line in out if exists_in(line, web, web_text, same)]
    exact = [line for line in on_web if any(fuzz.ratio(p, line) >= same for p in web)]
    return {
        "web_paragraphs": len(web), "present_in_print": len(present), "recalled": len(found),
        "recall": len(found) / max(1, len(present)), "output_lines_on_web": len(on_web), "exact_lines": len(exact),
        "precision": len(exact) / max(1, len(on_web)),  # 0 on a page too noisy to find any paragraph in
        "missed": [p[:24] for p in present if p not in found],
        "not_exact": [line[:24] for line in on_web if line not in exact],
    }


def pages_score(directory: Path, same: float = SAME, lm: TokenScorer | None = None) -> dict:
    """Summed counts over every ``*.ocr.txt`` / ``*.gt.txt`` pair below ``directory``."""
    totals = {"pages": 0, "present_in_print": 0, "recalled": 0, "output_lines_on_web": 0, "exact_lines": 0}
    for ocr_path in sorted(directory.rglob("*.ocr.txt")):
        gt_path = ocr_path.with_name(ocr_path.name.replace(".ocr.txt", ".gt.txt"))
        if not gt_path.exists():
            continue
        ocr = read_text(ocr_path)
        result = score(lines_of(read_text(gt_path)), lines_of(reflow(ocr, lm)), lines_of(ocr), same)
        totals["pages"] += 1
        for key in totals.keys() - {"pages"}:
            totals[key] += result[key]
    totals["recall"] = totals["recalled"] / max(1, totals["present_in_print"])
    totals["precision"] = totals["exact_lines"] / max(1, totals["output_lines_on_web"])
    return totals


def _print(result: dict) -> None:
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reflow_paragraphs", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "seeds")
    parser.add_argument("--pages", type=Path, nargs="*", default=[],
                        help="also score generated page directories (pairs *.ocr.txt / *.gt.txt)")
    parser.add_argument("--same", type=float, default=SAME, help=f"similarity (0-100) of 'the same paragraph' (default {SAME})")
    parser.add_argument("--lm", nargs="?", const="", metavar="MODEL", help="reflow with this language model (default: the shipped one)")
    args = parser.parse_args()
    lm = None
    if args.lm is not None:
        from ocrfix.correction.corrector import load_lm
        from ocrfix.settings import load_settings

        lm = load_lm(args.lm or load_settings().default_lm)
    ocr = read_text(args.seeds / "page01.ocr.txt")
    web = lines_of(read_text(args.seeds / "page01.web.txt"))
    out, ocr_lines = lines_of(reflow(ocr, lm)), lines_of(ocr)
    for name, reference in (("web lines as they are", web), ("web mid-sentence breaks repaired", repair_web_breaks(web))):
        print(f"== seed page, {name}")
        _print(score(reference, out, ocr_lines, args.same))
    for directory in args.pages:
        print(f"== {directory}")
        _print(pages_score(directory, args.same, lm))


if __name__ == "__main__":
    main()
