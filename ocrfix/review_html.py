"""A self-contained HTML page to review an edit log in (``ocrfix review``), which writes the reviewed log.

The log holds offsets, not context: the page shows each file's reflowed input (the text the log's
input offsets refer to, paragraphs as lines) with every edit marked in place, the original struck
through and the replacement highlighted, its gain and sources in a tooltip; then a table of all
edits, least confident first, each with its context and a checkbox (checked: keep). A button
downloads the reviewed log: the log's JSON lines of the edits left checked, exactly as the log has
them and in its order, and every line of a file the page does not show, so ``ocrfix apply --edits``
takes it. The log's lines travel in the page as JSON (``<`` written ``\\u003c``, so no ``</script>``
can end it early); the script only filters them by the checkboxes. Texts are shown as the files
have them, escaped; inside an edit and its context, white space is drawn (``↵`` a line break, ``␣``
a space) and the table writes an empty side ``∅``.

A sample page (``ocrfix review --sample``) shows a random sample of the edits instead, each row with
two radio buttons (right, wrong; neither at first); it embeds only the sample's records and its
button downloads those judged, each line with ``"judged": "right"`` or ``"wrong"`` added, for
``ocrfix review --estimate`` (:mod:`ocrfix.precision`).
"""
from __future__ import annotations

import html
import json
import os
from typing import Mapping, NamedTuple, Sequence

from .correction.edits import Edit
from .review import EditFilter, LogRecord

#: Characters of context either side of an edit in the table.
CONTEXT = 10

_CSS = """
body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC",serif;margin:1.5em;line-height:1.7;max-width:110em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}
th{background:#eee;text-align:left}td.n,td.gain{font-family:monospace;text-align:right}
div.text{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #ccc;padding:.5em}
del{background:#ffc9c9;text-decoration:line-through}ins{background:#8ce99a;text-decoration:none}
.edit{outline:1px dotted #888}.edit.dropped ins{display:none}.edit.dropped del{text-decoration:none;background:#eee}
.ws,.none{color:#999}.sources{font-size:.85em}p.bar{position:sticky;top:0;background:#fff;padding:.3em 0;margin:0}
"""

#: The end of the download button's handler, once it has the ``lines`` to save.
_SAVE = """  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob(lines, {type: "application/x-ndjson"}));
  link.download = event.target.dataset.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});
"""

_SCRIPT = """
const records = JSON.parse(document.getElementById("log-records").textContent);
const boxes = Array.from(document.querySelectorAll("input[data-record]"));
function keptCount() { document.getElementById("kept").textContent = boxes.filter(b => b.checked).length.toLocaleString("en-US"); }
document.addEventListener("change", event => {
  const box = event.target;
  if (box.dataset.record === undefined) return;
  document.getElementById("e" + box.dataset.record).classList.toggle("dropped", !box.checked);
  keptCount();
});
document.getElementById("download").addEventListener("click", event => {
  const dropped = new Set(boxes.filter(b => !b.checked).map(b => Number(b.dataset.record)));
  const lines = records.filter((line, i) => !dropped.has(i)).map(line => line + "\\n");
""" + _SAVE + """keptCount();
"""

_SAMPLE_SCRIPT = """
const records = JSON.parse(document.getElementById("log-records").textContent);
const judged = () => Array.from(document.querySelectorAll("input[data-record]:checked"));
document.addEventListener("change", () => { document.getElementById("judged").textContent = judged().length.toLocaleString("en-US"); });
document.getElementById("download").addEventListener("click", event => {
  const verdicts = new Map(judged().map(b => [b.dataset.record, b.value]));
  const lines = Object.keys(records).filter(k => verdicts.has(k)).map(k =>
    records[k].slice(0, records[k].lastIndexOf("}")) + ', "judged": "' + verdicts.get(k) + '"}\\n');
""" + _SAVE


class Sample(NamedTuple):
    """A sample page's: the edits the sample was drawn from and the draw's seed."""

    population: int
    seed: int


class ReviewedFile(NamedTuple):
    """One input of the page: its name as shown, its text reflowed as the run did (the text the
    edits' input offsets refer to, their fit checked: ``review.checked_source``) and its records,
    as positions in the log's records."""

    name: str
    source: str
    records: tuple[int, ...]


def review_page(log: Sequence[LogRecord] | Mapping[int, LogRecord], files: Sequence[ReviewedFile],
                keep: EditFilter = EditFilter(), log_name: str = "edits.jsonl", sample: Sample | None = None) -> str:
    """The review page of ``files`` (the table of edits first, then each text) (edits of ``log`` checked against their ``source``) as one
    HTML document with no external resources; ``keep``: the edits whose boxes start checked (the
    others start unchecked); ``log_name``: the log's path, the reviewed log downloads as its name
    with ``.reviewed.jsonl``; ``sample``: the files' records are a sample of it, to judge (the
    judged sample downloads as the log's name with ``.judged.jsonl``; ``log`` need hold only the
    sample's records, by position)."""
    shown = [(file, index) for file in files for index in file.records]
    hidden = len(log) - len(shown)
    least_confident = sorted(shown, key=lambda pair: log[pair[1]].edit.gain)  # stable: ties in the files' order
    cell = _checkbox if sample is None else _verdicts
    rows = "".join(_row(log[index], index, file, cell(index, keep.keeps(log[index].edit))) for file, index in least_confident)
    sections = "".join(f"<h3>{html.escape(name)}</h3>"
                       f'<div class="text">{_marked(source, [(i, log[i].edit) for i in indices], keep)}</div>'
                       for name, source, indices in files)
    stem = os.path.basename(log_name).removesuffix(".jsonl")
    title = f"ocrfix review: {html.escape(log_name)}"
    if sample is None:
        summary = (f"{len(shown):,} edits in {len(files):,} file{'s' if len(files) != 1 else ''}"
                   + (f"; the log's {hidden:,} records of other files are kept as they are" if hidden else ""))
        embedded = json.dumps([record.line for record in log], ensure_ascii=False).replace("<", "\\u003c")
        intro = (f"<p>{summary}. Struck through: the OCR's reading; "
                 "highlighted: the correction (hover for its gain and sources). Uncheck an edit to leave the OCR's "
                 "reading there, then download the reviewed log for <code>ocrfix apply --edits</code>.</p>"
                 f'<p class="bar"><button id="download" data-name="{html.escape(stem)}.reviewed.jsonl">Download the reviewed log'
                 f'</button> keeping <span id="kept">{sum(keep.keeps(log[i].edit) for _, i in shown):,}</span> of {len(shown):,} edits</p>')
        last, script = "keep", _SCRIPT
    else:
        embedded = json.dumps({index: log[index].line for _, index in shown}, ensure_ascii=False).replace("<", "\\u003c")
        intro = (f"<p>A sample: {len(shown):,} of {sample.population:,} edits drawn at random, stratified by gain band "
                 f"(seed {sample.seed}), in {len(files):,} file{'s' if len(files) != 1 else ''}. Struck through: the "
                 "OCR's reading; highlighted: the correction. Judge each edit right or wrong (leave it undecided if "
                 "you cannot tell), then download the judged sample for <code>ocrfix review --estimate</code>.</p>"
                 f'<p class="bar"><button id="download" data-name="{html.escape(stem)}.judged.jsonl">Download the judged sample'
                 f'</button> <span id="judged">0</span> of {len(shown):,} edits judged</p>')
        last, script = "right / wrong", _SAMPLE_SCRIPT
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>{intro}"
        "<h2>Edits, least confident first</h2><table><tr><th>record</th><th>file</th><th>context</th><th>edit</th>"
        f"<th>gain</th><th>sources</th><th>{last}</th></tr>{rows}</table><h2>The texts, each edit in place</h2>{sections}"
        f'<script type="application/json" id="log-records">{embedded}</script><script>{script}</script></body></html>\n'
    )


def _marked(source: str, edits: Sequence[tuple[int, Edit]], keep: EditFilter) -> str:
    """``source`` escaped, each edit (record position, edit) marked at its input offset; the edits
    fit ``source`` and do not overlap (``review.checked_source``)."""
    out, at = [], 0
    for index, edit in sorted(edits, key=lambda pair: pair[1].offset):  # the run's output order
        out.append(html.escape(source[at:edit.input_offset]))
        out.append(_mark(index, edit, keep))
        at = edit.input_offset + len(edit.original)
    out.append(html.escape(source[at:]))
    return "".join(out)


def _mark(index: int, edit: Edit, keep: EditFilter) -> str:
    dropped = "" if keep.keeps(edit) else " dropped"
    tip = html.escape(f"gain {edit.gain:.4f}; {', '.join(edit.sources) or 'no source'}")
    return (f'<span class="edit{dropped}" id="e{index}" title="{tip}">{_change(edit)}</span>')


def _checkbox(index: int, kept: bool) -> str:
    return f'<input type="checkbox" data-record="{index}" aria-label="keep edit {index + 1}"{" checked" if kept else ""}>'


def _verdicts(index: int, kept: bool) -> str:
    """A sample row's two radio buttons, neither checked (``kept`` is the filter's, which drew it)."""
    return "".join(f'<label><input type="radio" name="j{index}" value="{value}" data-record="{index}"> {value}</label> '
                   for value in ("right", "wrong")).rstrip()


def _row(record: LogRecord, index: int, file: ReviewedFile, cell: str) -> str:
    edit, source = record.edit, file.source
    start, end = edit.input_offset, edit.input_offset + len(edit.original)
    context = f"{_visible(source[max(0, start - CONTEXT):start])}{_change(edit)}{_visible(source[end:end + CONTEXT])}"
    return (f'<tr><td class="n">{index + 1}</td><td>{html.escape(file.name)}</td><td><a href="#e{index}">{context}</a></td>'
            f"<td>{_side(edit.original)} → {_side(edit.replacement)}</td><td class=\"gain\">{edit.gain:.4f}</td>"
            f'<td class="sources">{html.escape(", ".join(edit.sources))}</td>'
            f"<td>{cell}</td></tr>")


def _change(edit: Edit) -> str:
    """The edit's original struck through, its replacement highlighted."""
    return f"<del>{_visible(edit.original)}</del><ins>{_visible(edit.replacement)}</ins>"


def _side(text: str) -> str:
    """One side of an edit in the table: ``∅`` when it is empty (an insertion, a deletion)."""
    return _visible(text) or '<span class="none">∅</span>'


def _visible(text: str) -> str:
    """``text`` escaped, its white space drawn (``↵`` a line break, ``␣`` any other)."""
    return "".join(f'<span class="ws" title="U+{ord(c):04X}">{"↵" if c == chr(10) else "␣"}</span>' if c.isspace()
                   else html.escape(c) for c in text)
