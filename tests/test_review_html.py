"""`ocrfix review`: one self-contained HTML page showing each edit of a log in place and in a table,
every text escaped, with the log's records embedded for the page's reviewed-log download."""
from __future__ import annotations

import html
import json
import re

import pytest

from browser_support import needs_chromium, rendered_body
from ocrfix.cli import main
from ocrfix.correction.edits import Edit
from ocrfix.review import EditFilter, LogRecord, read_log_records
from ocrfix.review_html import ReviewedFile, review_page

PAGE = "我们在北京工乍。他们在上\n海学习工乍。今夫天气很好。\n\n大家都在认真工乍。\n"
#: A reflowed input whose text has markup and ampersands, and the edits of its log.
SOURCE = "前言<script>alert(1)</script>工乍&amp;\n他们在上海学习"
EDITS = [Edit(30, "乍", "作", 0.97, ("visual",), 28), Edit(1, "言", "<b>", 0.42, ("context", "rule:x&y"), 1),
         Edit(31, "", "。", 0.88, ("rule:final-period",), 29)]


def _records(file: str | None, edits: list[Edit]) -> list[LogRecord]:
    return [LogRecord(file, edit, json.dumps({"file": file, "offset": edit.offset, "input_offset": edit.input_offset,
                                              "original": edit.original, "replacement": edit.replacement,
                                              "gain": edit.gain, "sources": list(edit.sources)}, ensure_ascii=False))
            for edit in edits]


def _embedded(page: str) -> list[str]:
    """The log records the page's script reads (as a browser parses the JSON script element)."""
    found = re.search(r'<script type="application/json" id="log-records">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def _table(page: str) -> str:
    return page[page.index("<table>"):page.index("</table>")]


def test_the_page_shows_every_edit_escaped_in_place_and_in_a_table_least_confident_first():
    log = _records("a.txt", EDITS) + _records("other.txt", [Edit(0, "乍", "作", 0.9, ("visual",), 0)])
    page = review_page(log, [ReviewedFile("a&b <1>.txt", SOURCE, (0, 1, 2))])
    assert "<script>alert" not in page and "<b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert "&amp;amp;<" in page and "a&amp;b &lt;1&gt;.txt" in page
    text = page[page.index('<div class="text">'):]
    assert ('前<span class="edit" id="e1" title="gain 0.4200; context, rule:x&amp;y"><del>言</del><ins>&lt;b&gt;</ins></span>'
            '&lt;script&gt;') in text
    assert '<span class="edit" id="e0" title="gain 0.9700; visual"><del>乍</del><ins>作</ins></span>' in text
    assert ('<ins>作</ins></span><span class="edit" id="e2" title="gain 0.8800; rule:final-period"><del></del><ins>。</ins>'
            '</span>&amp;amp;') in text
    table = _table(page)
    assert [int(n) for n in re.findall(r'data-record="(\d+)"', table)] == [1, 2, 0]  # gains 0.42, 0.88, 0.97
    assert table.count('type="checkbox"') == 3 and table.count(" checked>") == 3
    # the context: ten characters either side from the source, white space drawn
    assert '<a href="#e1">前<del>言</del><ins>&lt;b&gt;</ins>&lt;script&gt;al</a>' in table
    assert ('<a href="#e2">/script&gt;工乍<del></del><ins>。</ins>&amp;amp;<span class="ws" title="U+000A">↵</span>'
            '他们在上</a>') in table
    assert '<td><span class="none">∅</span> → 。</td>' in table
    assert _embedded(page) == [record.line for record in log]
    assert "the log's 1 records of other files are kept as they are" in page


def test_edits_the_filter_drops_start_unchecked():
    log = _records("a.txt", EDITS)
    page = review_page(log, [ReviewedFile("a.txt", SOURCE, (0, 1, 2))], EditFilter(min_gain=0.9))
    assert re.findall(r'data-record="(\d+)"[^>]*?( checked)?>', _table(page)) == [("1", ""), ("2", ""), ("0", " checked")]
    assert 'class="edit dropped" id="e1"' in page and 'class="edit" id="e0"' in page
    assert '<span id="kept">1</span> of 3 edits' in page


def test_no_script_or_style_is_loaded_from_elsewhere():
    page = review_page(_records("a.txt", EDITS), [ReviewedFile("a.txt", SOURCE, (0, 1, 2))])
    assert not re.search(r"\b(src|href)=\"(?!#)", page) and "http" not in page


# --- the command line -------------------------------------------------------------------------------

def _run_options(models: list[str]) -> list[str]:
    return [option for option in models if option != "--no-reflow"]


@pytest.fixture()
def corrected(models, tmp_path):
    """Two plain pages, one with markup and ampersands in its text, and the edit log of their run."""
    pages = [tmp_path / "page.txt", tmp_path / "b&<i>.txt"]
    pages[0].write_text(PAGE, encoding="utf-8")
    pages[1].write_text("<script>x</script>&\n我们在工乍。\n", encoding="utf-8")
    log = tmp_path / "edits.jsonl"
    assert main(["correct", *map(str, pages), "--out-dir", str(tmp_path / "out"), "--edits", str(log), *_run_options(models)]) == 0
    return pages, log


def test_review_writes_one_page_with_every_edit_of_the_log(corrected, models, tmp_path):
    pages, log = corrected
    review = tmp_path / "review.html"
    assert main(["review", *map(str, pages), "--edits", str(log), "-o", str(review), *_run_options(models)]) == 0
    page = review.read_text(encoding="utf-8")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and _embedded(page) == lines
    assert sorted(map(int, re.findall(r'data-record="(\d+)"', page))) == [0, 1, 2, 3]
    for record in map(json.loads, lines):
        assert f'<del>{html.escape(record["original"])}</del><ins>{html.escape(record["replacement"])}</ins>' in page
    assert "&lt;script&gt;x&lt;/script&gt;&amp;" in page and "<script>x" not in page
    assert html.escape(str(pages[1])) in page


def test_the_page_of_one_input_keeps_the_other_files_records(corrected, models, tmp_path):
    pages, log = corrected
    review = tmp_path / "review.html"
    assert main(["review", str(pages[1]), "--edits", str(log), "-o", str(review), *_run_options(models)]) == 0
    page = review.read_text(encoding="utf-8")
    records = read_log_records(str(log))
    assert _embedded(page) == [record.line for record in records]
    assert sorted(map(int, re.findall(r'data-record="(\d+)"', page))) == [
        k for k, record in enumerate(records) if record.file == str(pages[1])]


def test_a_log_that_does_not_fit_is_one_error_line_and_no_page(corrected, models, tmp_path, capsys):
    pages, log = corrected
    review = tmp_path / "review.html"
    # without the run's reflow the line break stays: an edit's offset falls a character early
    assert main(["review", str(pages[0]), "--edits", str(log), "-o", str(review), *_run_options(models), "--no-reflow"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{pages[0]}: the log's edit at input offset 16 reads '乍'" in err
    assert not review.exists() and not list(tmp_path.glob(".ocrfix-*"))


def test_a_page_onto_an_input_or_the_log_is_refused(corrected, models, capsys):
    pages, log = corrected
    before = [path.read_bytes() for path in (*pages, log)]
    for target in (pages[1], log):
        assert main(["review", *map(str, pages), "--edits", str(log), "-o", str(target), *_run_options(models)]) == 2
        assert "writing it would destroy the input" in capsys.readouterr().err
    assert [path.read_bytes() for path in (*pages, log)] == before



# --- the page's script, run by a browser ----------------------------------------------------------------

#: Run after the page's own script: unchecks the least confident edit, presses the download button, and
#: writes what the button would save (its file name and the text of its blob) onto the page's body.
REVIEWER = """<script>
URL.createObjectURL = blob => { blob.text().then(text => document.body.setAttribute("data-download", text)); return "blob:review"; };
URL.revokeObjectURL = () => {};
HTMLAnchorElement.prototype.click = function () { document.body.setAttribute("data-name", this.download); };
const first = document.querySelector("input[data-record]");
first.checked = false;
first.dispatchEvent(new Event("change", {bubbles: true}));
document.getElementById("download").click();
document.body.setAttribute("data-kept", document.getElementById("kept").textContent);
</script>"""


@needs_chromium
def test_the_download_in_a_browser_holds_the_log_lines_of_the_edits_left_checked(tmp_path):
    log = _records("a.txt", EDITS) + _records("other.txt", [Edit(0, "乍", "作", 0.9, ("visual",), 0)])
    page = tmp_path / "review.html"
    page.write_text(review_page(log, [ReviewedFile("a.txt", SOURCE, (0, 1, 2))], log_name="edits.jsonl")
                    .replace("</body>", REVIEWER + "</body>"), encoding="utf-8")
    body = rendered_body(page, "--virtual-time-budget=5000")
    # the least confident edit (record 1, gain 0.42) unchecked: the others' lines and the other file's, in the log's order
    assert body.get("data-download") == "".join(record.line + "\n" for k, record in enumerate(log) if k != 1)
    assert body.get("data-name") == "edits.reviewed.jsonl" and body.get("data-kept") == "2"
    assert "dropped" in body.xpath('//span[@id="e1"]')[0].get("class")
