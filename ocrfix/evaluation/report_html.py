"""Self-contained HTML report: ground truth and hypothesis side by side, differences highlighted.

One table row per ground-truth paragraph (block). Left: the GT text, substituted characters in
yellow, deleted (missing from HYP) in red, unmatched text in grey. Right: what HYP has there,
substituted characters in yellow, inserted in green. With a raw OCR alignment a third column
shows the OCR, and a plot above the table gives each paragraph's CER before and after. Texts are
shown as the files have them (``，`` stays ``，``): the width folding of the default profile is
used only to align them. Text present only in the hypothesis is listed at the end, one
paragraph per item.
"""
from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from . import EvalReport
from .align import Alignment
from .profile import Doc

if TYPE_CHECKING:
    from .pagesets import SetReport

_CSS = """
body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC",serif;margin:1.5em;line-height:1.7;max-width:110em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}
table.text{width:100%;table-layout:fixed}table.text td{overflow-wrap:anywhere;word-break:break-all}
th{background:#eee;text-align:left}.sub{background:#ffe066}.del{background:#ff8787;text-decoration:line-through}
.ins{background:#8ce99a}.um{color:#999}.fix{text-decoration:underline 2px #2b8a3e;text-underline-offset:3px}
p.headline{font-size:1.15em}details{margin:.5em 0 1em}
table.summary td,table.summary th{font-family:monospace;font-weight:normal;padding:.1em .6em}
.n{color:#999;font-size:.8em}td.n{width:3em;text-align:right}
.plot{width:100%;height:10em;border:1px solid #ccc}.before{fill:#adb5bd}.after{fill:#1c7ed6}
.legend span{display:inline-block;width:1em;height:.8em;margin:0 .3em 0 1em}
ul.only li{margin-bottom:.6em}
"""

def _spans(segments: Iterable[tuple[str, str]]) -> str:
    """Merge consecutive (css_class, text) segments and render them."""
    out: list[str] = []
    current_cls, buf = None, []
    for cls, text in segments:
        if cls != current_cls and buf:
            out.append(_span(current_cls, "".join(buf)))
            buf = []
        current_cls = cls
        buf.append(text)
    if buf:
        out.append(_span(current_cls, "".join(buf)))
    return "".join(out)


def _span(cls: str | None, text: str) -> str:
    escaped = html.escape(text)
    return f'<span class="{cls}">{escaped}</span>' if cls else escaped


def _as_written(doc: Doc) -> Mapping[str, str]:
    """Each normalized character of ``doc`` -> how the file most often writes it (``,`` -> ``，``)."""
    if not doc.shown:
        return {}
    counts = Counter(zip(doc.text, doc.shown))
    best: dict[str, tuple[int, str]] = {}
    for (norm, shown), n in counts.items():
        if n > best.get(norm, (0, ""))[0]:
            best[norm] = (n, shown)
    return {norm: shown for norm, (_, shown) in best.items() if shown != norm}


def _written(chars: str, as_written: Mapping[str, str]) -> str:
    return "".join(as_written.get(c, c) for c in chars) if as_written else chars


def _gt_cell(al: Alignment, start: int, end: int) -> str:
    shown = al.gt.shown or al.gt.text

    def classes():
        for p in range(start, end):
            got, want = al.hyp_at[p], al.gt.text[p]
            cls = "um" if got is None else "del" if got == "" else "sub" if got != want else ""
            yield cls, shown[p]
    return _spans(classes())


def _hyp_cell(al: Alignment, start: int, end: int, written: Mapping[str, str], ocr: Alignment | None = None) -> str:
    """What HYP has at GT[start:end], each character as HYP writes it (``written``: :func:`_as_written`
    of the whole HYP, counted once a report); with the raw ``ocr`` alignment, characters that were
    wrong in the OCR and are right in HYP are underlined as fixed."""
    if all(al.hyp_at[p] is None for p in range(start, end)):
        return '<span class="um">(not found)</span>'

    def right(p: int) -> str:
        return "fix" if ocr is not None and ocr.hyp_at[p] is not None and ocr.hyp_at[p] != al.gt.text[p] else ""

    def classes():
        for p in range(start, end):
            if al.inserted[p]:
                yield "ins", _written(al.inserted[p], written)
            if al.hyp_at[p]:
                yield (right(p) if al.hyp_at[p] == al.gt.text[p] else "sub"), _written(al.hyp_at[p], written)
        if end == len(al.gt.text) and al.inserted[end]:
            yield "ins", _written(al.inserted[end], written)
    return _spans(classes())


def block_cer(al: Alignment, start: int, end: int) -> float | None:
    """CER of one GT block's matched characters (``None`` when none of it was found)."""
    matched = [p for p in range(start, end) if al.hyp_at[p] is not None]
    if not matched:
        return None
    errors = sum(al.hyp_at[p] != al.gt.text[p] for p in matched) + sum(len(al.inserted[p]) for p in matched[1:])
    return errors / len(matched)


def _plot(report: EvalReport) -> str:
    """Per paragraph, CER before (the raw OCR) and after (HYP): an inline SVG bar chart."""
    al, ocr = report.alignment, report.ocr_alignment
    if ocr is None or len(al.gt.blocks) < 2:
        return ""
    pairs = [(block_cer(ocr, a, b), block_cer(al, a, b)) for a, b in al.gt.blocks]
    top = max([v for pair in pairs for v in pair if v is not None] + [0.01])
    width, height = 10 * len(pairs), 100
    bars = []
    for k, (before, after) in enumerate(pairs):
        for dx, value, cls in ((1, before, "before"), (5, after, "after")):
            if value:
                h = height * value / top
                bars.append(f'<rect class="{cls}" x="{10 * k + dx}" y="{height - h:.1f}" width="4" height="{h:.1f}">'
                            f"<title>paragraph {k + 1}: {cls} {100 * value:.1f} %</title></rect>")
    return (f'<h2>CER per paragraph</h2><p class="legend">highest bar {100 * top:.1f} %'
            '<span class="before"style="background:#adb5bd"></span>before (OCR)'
            '<span class="after" style="background:#1c7ed6"></span>after</p>'
            f'<svg class="plot" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
            f'aria-label="CER per paragraph before and after">{"".join(bars)}</svg>')


def _summary(report: EvalReport) -> str:
    """The figures a reader looks for first, in a sentence; every figure in a table below it."""
    d = report.to_dict()
    line = f"CER {100 * d['cer']:.2f} % on {d['matched_gt_chars']:,} of {d['gt_chars']:,} ground-truth characters"
    if "f1" in d:
        line = (f"CER {100 * d['ocr_cer']:.2f} % (OCR) → {100 * d['cer']:.2f} % on {d['matched_gt_chars']:,} of "
                f"{d['gt_chars']:,} ground-truth characters; errors fixed {d['errors_fixed']}, introduced "
                f"{d['errors_introduced']}, left {d['errors_left']}; "
                + (f"correction precision {d['precision']:.3f}, recall {d['recall']:.3f}, F1 {d['f1']:.3f}"
                   if d["edits"] else "no edits (HYP = OCR)"))
    if d["unmatched_gt_chars"] or d["unmatched_hyp_chars"]:
        line += (f"; unmatched: {d['unmatched_gt_chars']:,} ground-truth and {d['unmatched_hyp_chars']:,} "
                 "hypothesis characters (not counted in the CER)")
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in d.items()
        if not isinstance(v, list)
    )
    return (f'<p class="headline">{html.escape(line)}.</p>'
            f'<details><summary>All figures</summary><table class="summary">{rows}</table></details>')


def _errata(report: EvalReport) -> str:
    if not report.errata:
        return ""
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in e.to_dict().values()) + "</tr>"
        for e in report.errata
    )
    head = "".join(f"<th>{k}</th>" for k in ("GT", "corrected", "occurrences", "errors before", "errors after", "resolved"))
    return f"<h2>Ground-truth errata applied</h2><table><tr>{head}</tr>{rows}</table>"


def _by_block(spans: Iterable[tuple[int, int]], doc: Doc) -> Iterable[tuple[int, int]]:
    """``spans`` of ``doc`` cut at its block (paragraph) starts: one list item per paragraph."""
    starts = doc.starts  # ascending
    for a, b in spans:
        cuts = starts[bisect_right(starts, a):bisect_left(starts, b)]
        for x, y in zip([a, *cuts], [*cuts, b]):
            yield x, y


def render(report: EvalReport, names: tuple[str, str, str] = ("GT", "HYP", "OCR")) -> str:
    """The whole report as one HTML document (no external resources)."""
    al = report.alignment
    if al is None:
        raise ValueError("report has no alignment to render")
    columns = [(names[1], al)] + ([(names[2], report.ocr_alignment)] if report.ocr_alignment else [])
    head = '<th class="n">#</th>' + "".join(f"<th>{html.escape(n)}</th>" for n in (names[0], *(n for n, _ in columns)))
    written = {id(a): _as_written(a.hyp) for _, a in columns}
    rows = []
    for k, (start, end) in enumerate(al.gt.blocks):
        cells = "".join(f"<td>{_hyp_cell(a, start, end, written[id(a)], report.ocr_alignment if a is al else None)}</td>"
                        for _, a in columns)
        rows.append(f'<tr><td class="n">{k + 1}</td><td>{_gt_cell(al, start, end)}</td>{cells}</tr>')
    shown = al.hyp.shown or al.hyp.text
    extra = "".join(f"<li>{html.escape(shown[a:b])}</li>" for a, b in _by_block(al.unmatched_hyp, al.hyp)) \
        or "<li>(none)</li>"
    title = f"ocrfix eval: {html.escape(names[1])} vs {html.escape(names[0])}"
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>{_summary(report)}{_errata(report)}{_plot(report)}"
        '<h2>Side by side</h2><p><span class="sub">substituted</span> <span class="del">missing</span> '
        '<span class="ins">inserted</span> <span class="um">unmatched</span>'
        + (' <span class="fix">fixed</span>' if report.ocr_alignment else "") + "</p>"
        f'<table class="text"><colgroup><col style="width:3em">{"<col>" * (1 + len(columns))}</colgroup>'
        f"<tr>{head}</tr>{''.join(rows)}</table>"
        f'<h2>Only in {html.escape(names[1])} (unmatched)</h2><ul class="only">{extra}</ul></body></html>\n'
    )


def render_index(report: "SetReport", links: Mapping[str, str], title: str) -> str:
    """The page of a set of pages (``ocrfix eval --html DIR`` on directories): the set's figures, then
    one row per page, highest CER first, each linking to its own report (``links``: page key ->
    relative URL); the pages without a hypothesis and the hypotheses without GT listed below."""
    d = report.to_dict()
    total = d["total"]
    three_way = "f1" in total
    line = f"{total['pages']:,} pages; CER {100 * total['cer']:.2f} % on {total['matched_gt_chars']:,} of {total['gt_chars']:,} " \
           f"ground-truth characters (median page {100 * total['median_page_cer']:.2f} %)"
    if three_way:
        line += (f"; OCR CER {100 * total['ocr_cer']:.2f} % on its {total['ocr_pages']:,} pages; errors fixed "
                 f"{total['errors_fixed']:,}, introduced {total['errors_introduced']:,}, left {total['errors_left']:,}")
    figures = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                      for k, v in total.items() if not isinstance(v, dict))
    columns = ["page", "GT chars", "CER", "CER all", "S / D / I"] + (["OCR CER", "fixed", "introduced", "left"] if three_way else [])
    rows = []
    for page in sorted(d["pages"], key=lambda p: (-p["cer"], p["page"])):
        cells = [f'<a href="{html.escape(links[page["page"]])}">{html.escape(page["page"])}</a>' if page["page"] in links
                 else html.escape(page["page"]), f"{page['gt_chars']:,}", f"{100 * page['cer']:.2f} %",
                 f"{100 * page['cer_all']:.2f} %", f"{page['substitutions']} / {page['deletions']} / {page['insertions']}"]
        if three_way:
            cells += ([f"{100 * page['ocr_cer']:.2f} %", str(page["errors_fixed"]), str(page["errors_introduced"]),
                       str(page["errors_left"])] if "f1" in page else ["", "", "", ""])
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    unpaired = "".join(f"<h2>{html.escape(head)}</h2><ul>" + "".join(f"<li>{html.escape(k)}</li>" for k in d[key]) + "</ul>"
                       for key, head in (("missing_hyp", "Ground truth without a hypothesis"),
                                         ("hyp_without_gt", "Hypotheses without ground truth")) if d[key])
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f'<p class="headline">{html.escape(line)}.</p>'
            f'<details><summary>All figures</summary><table class="summary">{figures}</table></details>'
            f"<h2>Pages, highest CER first</h2><table><tr>{''.join(f'<th>{c}</th>' for c in columns)}</tr>{''.join(rows)}</table>"
            f"{unpaired}</body></html>\n")
