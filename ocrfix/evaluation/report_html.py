"""Self-contained HTML report: ground truth and hypothesis side by side, differences highlighted.

One table row per ground-truth block. Left: the GT text, substituted characters in yellow,
deleted (missing from HYP) in red, unmatched text in grey. Right: what HYP has there, substituted
characters in yellow, inserted in green. With a raw OCR alignment a third column shows the OCR.
Text present only in the hypothesis is listed at the end.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from . import EvalReport
from .align import Alignment

_CSS = """
body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC",serif;margin:1.5em;line-height:1.7}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}
th{background:#eee}.sub{background:#ffe066}.del{background:#ff8787;text-decoration:line-through}
.ins{background:#8ce99a}.um{color:#999}
.summary td{font-family:monospace}.n{color:#999;font-size:.8em}
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


def _gt_cell(al: Alignment, start: int, end: int) -> str:
    def classes():
        for p in range(start, end):
            got, want = al.hyp_at[p], al.gt.text[p]
            cls = "um" if got is None else "del" if got == "" else "sub" if got != want else ""
            yield cls, want
    return _spans(classes())


def _hyp_cell(al: Alignment, start: int, end: int) -> str:
    if all(al.hyp_at[p] is None for p in range(start, end)):
        return '<span class="um">(not found)</span>'

    def classes():
        for p in range(start, end):
            if al.inserted[p]:
                yield "ins", al.inserted[p]
            if al.hyp_at[p]:
                yield ("" if al.hyp_at[p] == al.gt.text[p] else "sub"), al.hyp_at[p]
        if end == len(al.gt.text) and al.inserted[end]:
            yield "ins", al.inserted[end]
    return _spans(classes())


def _summary(report: EvalReport) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in report.to_dict().items()
        if not isinstance(v, list)
    )
    return f'<table class="summary">{rows}</table>'


def _errata(report: EvalReport) -> str:
    if not report.errata:
        return ""
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in e.to_dict().values()) + "</tr>"
        for e in report.errata
    )
    head = "".join(f"<th>{k}</th>" for k in ("GT", "corrected", "occurrences", "errors before", "errors after", "resolved"))
    return f"<h2>Ground-truth errata applied</h2><table><tr>{head}</tr>{rows}</table>"


def render(report: EvalReport, names: tuple[str, str, str] = ("GT", "HYP", "OCR")) -> str:
    """The whole report as one HTML document (no external resources)."""
    al = report.alignment
    if al is None:
        raise ValueError("report has no alignment to render")
    columns = [(names[1], al)] + ([(names[2], report.ocr_alignment)] if report.ocr_alignment else [])
    head = "".join(f"<th>{html.escape(n)}</th>" for n in (names[0], *(n for n, _ in columns)))
    rows = []
    for k, (start, end) in enumerate(al.gt.blocks):
        cells = "".join(f"<td>{_hyp_cell(a, start, end)}</td>" for _, a in columns)
        rows.append(f'<tr><td><span class="n">{k + 1}</span> {_gt_cell(al, start, end)}</td>{cells}</tr>')
    extra = "".join(f"<li>{html.escape(al.hyp.text[a:b])}</li>" for a, b in al.unmatched_hyp) or "<li>(none)</li>"
    title = f"ocrfix eval: {html.escape(names[1])} vs {html.escape(names[0])}"
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>{_summary(report)}{_errata(report)}"
        '<h2>Side by side</h2><p><span class="sub">substituted</span> <span class="del">missing</span> '
        '<span class="ins">inserted</span> <span class="um">unmatched</span></p>'
        f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        f"<h2>Only in {html.escape(names[1])} (unmatched)</h2><ul>{extra}</ul></body></html>\n"
    )
