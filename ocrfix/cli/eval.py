"""`ocrfix eval --gt GT --hyp HYP [--ocr OCR] ...`: CER and correction scores against ground truth, of a page
or of a set of pages (directories, or a pairs file)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..errors import InputError
from ..formats.registry import FORMATS
from ..textio import CONVERT_TO_UTF8, check_outputs, make_output_dir, read_text, write_text_atomic

if TYPE_CHECKING:
    from ..evaluation import EvalReport
    from ..evaluation.errata import Erratum
    from ..evaluation.pagesets import PagePaths, SetReport


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "eval",
        help="character error rate of HYP against GT (block-robust), correction scores with --ocr",
        description="Align HYP (and optionally the raw OCR) onto the ground truth block by block and "
        "report CER, unmatched blocks and, with --ocr, errors fixed/introduced and correction P/R/F1. "
        "Given directories (or --pairs), score each page on its own and sum the counts: the set's CER is all "
        "errors over all matched GT characters. Pages pair by their path below the directory without the "
        "format's suffix and one role tag (gt/p1.gt.txt, fixed/p1.txt and ocr/p1.ocr.txt are page p1).",
    )
    parser.add_argument("--gt", help="ground-truth text file, or a directory of them or a quoted glob pattern "
                        "('pages/*.gt.txt'): a set of pages")
    parser.add_argument("--hyp", help="hypothesis file (OCR or corrected output), or a directory of them")
    parser.add_argument("--ocr", help="raw OCR the hypothesis was corrected from (three-way scores), or a directory of them")
    parser.add_argument("--pairs", metavar="PAIRS.tsv", help="a set of pages named file by file: GT<TAB>HYP[<TAB>OCR] a "
                        "line, paths relative to the file (instead of --gt/--hyp/--ocr directories)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--html", metavar="REPORT.html", help="write a side-by-side HTML report (a set of pages: a directory "
                        "of its own, its index.html linking each page's report)")
    parser.add_argument("--confusions", metavar="OUT.tsv", help="write gt_char<TAB>ocr_char<TAB>count substitution pairs "
                        "(of --ocr if given, else of --hyp)")
    parser.add_argument("--strict", action="store_true", help="compare code points as they are (no width folding; spaces count)")
    parser.add_argument("--errata", metavar="FILE", help="TSV of GT corrections 'GT substring<TAB>corrected' applied before scoring")
    parser.add_argument("--encoding", help="encoding of the input files if not UTF-8 (e.g. gb18030)")
    parser.add_argument("--format", choices=FORMATS, help="format of GT/HYP/OCR (default: detected per file); "
                        "hOCR/ALTO/PAGE/JSON files are compared as their geometry-reflowed text")
    parser.set_defaults(handler=_run)


def _cer_line(d: dict) -> str:
    return (f"CER {d['cer']:.4f} on {d['matched_gt_chars']:,} matched of {d['gt_chars']:,} GT chars "
            f"(S {d['substitutions']}, D {d['deletions']}, I {d['insertions']}); CER all {d['cer_all']:.4f}")


def _correction_line(d: dict) -> str:
    return (f"OCR CER {d['ocr_cer']:.4f} -> {d['cer']:.4f}; fixed {d['errors_fixed']}, "
            f"introduced {d['errors_introduced']}, left {d['errors_left']}; "
            + (f"P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}" if d["edits"] else "no edits (HYP = OCR)"))


def _stories_line(s: dict) -> str:
    return (f"stories: {s['stories']} in GT; HYP lines purity {s['purity']:.3f}, "
            f"contiguity {s['contiguity']:.3f}, order {s['order']:.3f} ({s['lines']} lines)")


def _summary(report: "EvalReport") -> str:
    d = report.to_dict()
    lines = [
        _cer_line(d),
        f"unmatched: {len(d['unmatched_gt_blocks'])} GT blocks ({d['unmatched_gt_chars']:,} chars), "
        f"{len(d['unmatched_hyp_blocks'])} HYP blocks ({d['unmatched_hyp_chars']:,} chars)",
    ]
    lines += [f"  only in GT:  {p}" for p in d["unmatched_gt_blocks"]]
    lines += [f"  only in HYP: {p}" for p in d["unmatched_hyp_blocks"]]
    if "f1" in d:
        lines.append("correction: " + _correction_line(d))
    if "stories" in d:
        lines.append(_stories_line(d["stories"]))
    for e in d.get("errata", []):
        lines.append(f"erratum {e['gt']} -> {e['corrected']}: {e['occurrences']}x, resolved {e['resolved']} differences")
    return "\n".join(lines)


def _pages(n: int) -> str:
    return f"{n:,} page{'s' if n != 1 else ''}"


def _set_summary(report: "SetReport", worst: int = 5) -> str:
    d = report.to_dict()
    t = d["total"]
    lines = [f"pages: {t['pages']:,} scored; {len(d['missing_hyp']):,} GT without HYP, {len(d['hyp_without_gt']):,} HYP without GT"
             + "".join(f"\n  no HYP: {k}" for k in d["missing_hyp"][:worst])
             + "".join(f"\n  no GT:  {k}" for k in d["hyp_without_gt"][:worst]),
             _cer_line(t) + f"; median page CER {t['median_page_cer']:.4f}"]
    if "f1" in t:
        lines.append(f"correction ({_pages(t['ocr_pages'])} with OCR): " + _correction_line(t))
    if "stories" in t:
        lines.append(_stories_line(t["stories"]).replace("stories: ", f"stories ({_pages(t['stories']['pages'])} with several): ", 1))
    ranked = sorted(d["pages"], key=lambda p: -p["cer"])[:worst]
    if len(d["pages"]) > 1:
        lines.append("highest CER: " + ", ".join(f"{p['page']} {p['cer']:.4f}" for p in ranked))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from ..evaluation import load_errata
    from ..evaluation.pagesets import is_page_set

    errata = load_errata(args.errata, args.encoding) if args.errata else None
    if args.pairs is not None or (args.gt is not None and is_page_set(args.gt)):
        return _run_set(args, errata)
    if args.gt is None or args.hyp is None:
        raise InputError("give --gt and --hyp (files, or directories of pages), or --pairs PAIRS.tsv")
    from ..evaluation import confusion_counts, evaluate
    from ..evaluation.report_html import render
    from ..formats import evaluation_text

    check_outputs([("--html", args.html), ("--confusions", args.confusions)],
                  [("--gt", args.gt), ("--hyp", args.hyp), ("--ocr", args.ocr), ("--errata", args.errata)])
    gt = evaluation_text(args.gt, args.format, args.encoding)
    hyp = evaluation_text(args.hyp, args.format, args.encoding)
    ocr = evaluation_text(args.ocr, args.format, args.encoding) if args.ocr else None
    report = evaluate(gt, hyp, ocr, strict=args.strict, errata=errata)
    if args.html:
        write_text_atomic(args.html, render(report, (args.gt, args.hyp, args.ocr or "OCR")))
    if args.confusions:
        _write_confusions(args.confusions, confusion_counts(report.ocr_alignment or report.alignment))
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else _summary(report))
    return 0


def _run_set(args: argparse.Namespace, errata: "tuple[Erratum, ...] | None") -> int:
    """``eval`` of a set of pages: directories (or a pairs file) scored page by page, the counts summed."""
    from functools import partial

    from tqdm import tqdm

    from ..evaluation.pagesets import evaluate_pages, is_page_set, pages_in, pair_folders, read_pairs_file
    from ..formats import evaluation_text

    if args.pairs is not None:
        if args.gt or args.hyp or args.ocr:
            raise InputError("give either --pairs or --gt/--hyp/--ocr directories, not both")
        pairing = read_pairs_file(args.pairs, read_text(args.pairs, remedy=CONVERT_TO_UTF8))
        with_ocr = any(page.ocr for page in pairing.pages)
    else:
        for name, path in (("--hyp", args.hyp), ("--ocr", args.ocr)):
            if (path is None and name == "--hyp") or (path is not None and not is_page_set(path)):
                raise InputError(f"--gt {args.gt} is a directory (a set of pages): give {name} as a directory or a pattern "
                                 + ("too" if path is None else f"too, not {path}"))
        pairing = pair_folders(pages_in(args.gt, "gt"), pages_in(args.hyp, "hyp"), pages_in(args.ocr, "ocr") if args.ocr else None)
        with_ocr = args.ocr is not None
    html_dir = None if args.html is None else Path(args.html)
    check_outputs([("--confusions", args.confusions), ("--html", html_dir and html_dir / "index.html")],
                  [(f"page {page.key}", path) for page in pairing.pages for path in page[1:] if path]
                  + [("--errata", args.errata)])
    page_reports = _page_reports(args, html_dir)
    bar = partial(tqdm, desc="scoring pages", unit="page", file=sys.stderr, delay=1.0, disable=args.quiet)
    report = evaluate_pages(pairing, partial(evaluation_text, fmt=args.format, encoding=args.encoding),
                            strict=args.strict, errata=errata, progress=bar, with_ocr=with_ocr,
                            each=None if page_reports is None else page_reports.write)
    if not report.pages:
        raise InputError("no page has both GT and HYP: check the directories' file names (see --help)")
    if args.confusions:
        _write_confusions(args.confusions, report.substitutions)
    if page_reports is not None:
        page_reports.write_index(report, f"ocrfix eval: {args.hyp or args.pairs} vs {args.gt or 'GT'}")
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else _set_summary(report))
    return 0


class _PageReports:
    """``--html DIR`` of a set of pages: each page's report in ``DIR/pages/`` as it is scored, then
    ``DIR/index.html`` with the set's figures and a link to each page's report."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.links: dict[str, str] = {}

    def write(self, page: "PagePaths", report: "EvalReport") -> None:
        from ..evaluation.report_html import render

        link = f"pages/{len(self.links) + 1:05d}.html"  # numbered: a pairs file's page names may be any path
        write_text_atomic(self.directory / link, render(report, (page.gt, page.hyp or "HYP", page.ocr or "OCR")))
        self.links[page.key] = link

    def write_index(self, report: "SetReport", title: str) -> None:
        from ..evaluation.report_html import render_index

        write_text_atomic(self.directory / "index.html", render_index(report, self.links, title))


def _page_reports(args: argparse.Namespace, directory: Path | None) -> _PageReports | None:
    """The writer of ``--html DIR`` for a set of pages (None without it); DIR is refused inside a
    directory of the pages, where its reports (``.html``) would be read as pages next time."""
    from ..evaluation.pagesets import page_set_root

    if directory is None:
        return None
    for name in ("gt", "hyp", "ocr"):
        where = getattr(args, name)
        if where is not None:
            root = page_set_root(where).resolve()
            if directory.resolve() == root or root in directory.resolve().parents:
                raise InputError(f"--html {directory}: inside --{name} {where}, where its reports would be read as pages; "
                                 "give a directory of its own")
    make_output_dir(directory / "pages")
    return _PageReports(directory)


def _write_confusions(path: str, rows: "Iterable[tuple[str, str, int]]") -> None:
    write_text_atomic(path, "# gt_char\tocr_char\tcount\n" + "".join(f"{g}\t{h}\t{n}\n" for g, h, n in rows))
