"""`ocrfix eval --gt GT --hyp HYP [--ocr OCR] ...`: CER and correction scores against ground truth."""
from __future__ import annotations

import argparse
import json

from typing import TYPE_CHECKING

from ..formats.registry import FORMATS
from ..textio import check_outputs, write_text_atomic

if TYPE_CHECKING:
    from ..evaluation import EvalReport


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "eval",
        help="character error rate of HYP against GT (block-robust), correction scores with --ocr",
        description="Align HYP (and optionally the raw OCR) onto the ground truth block by block and "
        "report CER, unmatched blocks and, with --ocr, errors fixed/introduced and correction P/R/F1.",
    )
    parser.add_argument("--gt", required=True, help="ground-truth text file")
    parser.add_argument("--hyp", required=True, help="hypothesis text file (OCR or corrected output)")
    parser.add_argument("--ocr", help="raw OCR the hypothesis was corrected from (three-way scores)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--html", metavar="REPORT.html", help="write a side-by-side HTML report")
    parser.add_argument("--confusions", metavar="OUT.tsv", help="write gt_char<TAB>ocr_char<TAB>count substitution pairs "
                        "(of --ocr if given, else of --hyp)")
    parser.add_argument("--strict", action="store_true", help="compare code points as they are (no width folding; spaces count)")
    parser.add_argument("--errata", metavar="FILE", help="TSV of GT corrections 'GT substring<TAB>corrected' applied before scoring")
    parser.add_argument("--encoding", help="encoding of the input files if not UTF-8 (e.g. gb18030)")
    parser.add_argument("--format", choices=FORMATS, help="format of GT/HYP/OCR (default: detected per file); "
                        "hOCR/ALTO/PAGE/JSON files are compared as their geometry-reflowed text")
    parser.set_defaults(handler=_run)


def _summary(report: "EvalReport") -> str:
    d = report.to_dict()
    lines = [
        f"CER {d['cer']:.4f} on {d['matched_gt_chars']:,} matched of {d['gt_chars']:,} GT chars "
        f"(S {d['substitutions']}, D {d['deletions']}, I {d['insertions']}); CER all {d['cer_all']:.4f}",
        f"unmatched: {len(d['unmatched_gt_blocks'])} GT blocks ({d['unmatched_gt_chars']:,} chars), "
        f"{len(d['unmatched_hyp_blocks'])} HYP blocks ({d['unmatched_hyp_chars']:,} chars)",
    ]
    lines += [f"  only in GT:  {p}" for p in d["unmatched_gt_blocks"]]
    lines += [f"  only in HYP: {p}" for p in d["unmatched_hyp_blocks"]]
    if "f1" in d:
        lines.append(
            f"correction: OCR CER {d['ocr_cer']:.4f} -> {d['cer']:.4f}; fixed {d['errors_fixed']}, "
            f"introduced {d['errors_introduced']}, left {d['errors_left']}; "
            + (f"P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}" if d["edits"] else "no edits (HYP = OCR)")
        )
    if "stories" in d:
        s = d["stories"]
        lines.append(f"stories: {s['stories']} in GT; HYP lines purity {s['purity']:.3f}, "
                     f"contiguity {s['contiguity']:.3f}, order {s['order']:.3f} ({s['lines']} lines)")
    for e in d.get("errata", []):
        lines.append(f"erratum {e['gt']} -> {e['corrected']}: {e['occurrences']}x, resolved {e['resolved']} differences")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..evaluation import confusion_counts, evaluate, load_errata
    from ..evaluation.report_html import render
    from ..formats import evaluation_text

    check_outputs([("--html", args.html), ("--confusions", args.confusions)],
                  [("--gt", args.gt), ("--hyp", args.hyp), ("--ocr", args.ocr), ("--errata", args.errata)])
    gt = evaluation_text(args.gt, args.format, args.encoding)
    hyp = evaluation_text(args.hyp, args.format, args.encoding)
    ocr = evaluation_text(args.ocr, args.format, args.encoding) if args.ocr else None
    errata = load_errata(args.errata, args.encoding) if args.errata else None
    report = evaluate(gt, hyp, ocr, strict=args.strict, errata=errata)
    if args.html:
        write_text_atomic(args.html, render(report, (args.gt, args.hyp, args.ocr or "OCR")))
    if args.confusions:
        al = report.ocr_alignment or report.alignment
        rows = "".join(f"{g}\t{h}\t{n}\n" for g, h, n in confusion_counts(al))
        write_text_atomic(args.confusions, "# gt_char\tocr_char\tcount\n" + rows)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else _summary(report))
    return 0
