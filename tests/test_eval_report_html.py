"""The HTML report: texts as the files write them, paragraphs apart, fixes marked, a CER plot per
paragraph; rendered in headless Chromium when it is installed (no script errors, tables fit)."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from browser_support import needs_chromium, rendered_body
from ocrfix.evaluation import evaluate, to_doc
from ocrfix.evaluation.report_html import block_cer, render

GT = "会议强调，要坚持稳中求进：推动经济发展。\n第二段文字写在这里，内容很长。\n"
OCR = "会议强调，要坚持稳中求迸：推动经济发展。\n第二段文字写在这里，内容很长。\n"
FIXED = "会议强调，要坚持稳中求进：推动经济发展。\n第二段文宇写在这里，内容很长。\n额外的一段。\n另一段多出来的话。\n"


def test_doc_keeps_the_characters_as_written() -> None:
    doc = to_doc("甲，乙：１２ 丙\n\n丁　戊\n")
    assert doc.text == "甲,乙:12丙丁戊" and doc.shown == "甲，乙：１２丙丁戊"
    strict = to_doc(" 甲，乙 \n", strict=True)
    assert strict.text == strict.shown == "甲，乙"


def test_report_shows_texts_as_written_and_marks_fixes() -> None:
    page = render(evaluate(GT, FIXED, OCR))
    root = lxml.html.fromstring(page)
    rows = root.xpath('//table[@class="text"]//tr[td]')
    assert len(rows) == 2  # one row per GT paragraph
    gt_cell, hyp_cell, ocr_cell = (cell.text_content() for cell in rows[0].xpath("td")[1:])
    assert gt_cell == hyp_cell == "会议强调，要坚持稳中求进：推动经济发展。"  # full-width marks, not "," ":"
    assert ocr_cell == "会议强调，要坚持稳中求迸：推动经济发展。"
    assert [s.text for s in rows[0].xpath('td[3]//span[@class="fix"]')] == ["进"]
    assert [s.text for s in rows[1].xpath('td[3]//span[@class="sub"]')] == ["宇"]
    assert [li.text_content() for li in root.xpath('//ul[@class="only"]/li')] == ["额外的一段。", "另一段多出来的话。"]
    assert "CER 2.86 % (OCR) → 2.86 %" in root.xpath('//p[@class="headline"]')[0].text_content()


def test_how_each_text_writes_its_characters_is_counted_once_a_report_not_once_a_paragraph(monkeypatch) -> None:
    """Counting over the whole HYP for each paragraph made a 4,000-paragraph report take minutes."""
    from ocrfix.evaluation import report_html

    counted = []
    original = report_html._as_written
    monkeypatch.setattr(report_html, "_as_written", lambda doc: counted.append(doc) or original(doc))
    def numbered(text: str) -> str:  # paragraphs told apart by a number, so that each is found
        return "".join(f"{k}{line}\n" for k in range(40) for line in text.splitlines()[:2])

    page = render(evaluate(numbered(GT), numbered(FIXED), numbered(OCR)))
    assert len(counted) == 2  # HYP's and OCR's
    rows = lxml.html.fromstring(page).xpath('//table[@class="text"]//tr[td]')
    assert len(rows) == 80 and rows[-1].xpath("td")[2].text_content() == "39第二段文宇写在这里，内容很长。"


def test_cer_per_paragraph_plot() -> None:
    report = evaluate(GT, FIXED, OCR)
    (first, second) = report.alignment.gt.blocks
    assert block_cer(report.ocr_alignment, *first) == pytest.approx(1 / 20)
    assert block_cer(report.alignment, *first) == 0 and block_cer(report.alignment, *second) == pytest.approx(1 / 15)
    bars = lxml.html.fromstring(render(report)).xpath("//svg//rect")
    assert sorted(b.get("class") for b in bars) == ["after", "before"]  # zero-CER bars are not drawn
    assert "<svg" not in render(evaluate(GT, FIXED))  # no OCR: nothing to compare with


PROBE = """<script>
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll("table, svg")].filter(e => e.getBoundingClientRect().right > width + 1);
document.body.setAttribute("data-probe", `wide=${wide.length} scroll=${document.documentElement.scrollWidth} width=${width}`);
</script>"""


@needs_chromium
def test_report_renders_in_chromium_and_fits_the_window(tmp_path) -> None:
    long_line = "长" * 1000 + "2026" * 300  # a long paragraph, a long run of digits: both wrap in their cell
    report = evaluate(GT + long_line + "\n", FIXED + long_line + "\n", OCR + long_line + "\n")
    page = tmp_path / "report.html"
    page.write_text(render(report).replace("</body>", PROBE + "</body>"), encoding="utf-8")
    body = rendered_body(page, "--window-size=800,600")
    probe = dict(item.split("=") for item in body.get("data-probe").split())
    assert probe["wide"] == "0" and int(probe["scroll"]) <= int(probe["width"]), probe
    assert Path(page).read_text(encoding="utf-8").count("<svg") == 1


def test_no_edits_reads_as_no_edits_not_as_zero_scores(tmp_path, capsys) -> None:
    from ocrfix.cli import main

    page = lxml.html.fromstring(render(evaluate(GT, OCR, OCR)))
    assert "no edits (HYP = OCR)" in page.xpath('//p[@class="headline"]')[0].text_content()
    (tmp_path / "gt.txt").write_text(GT, encoding="utf-8")
    (tmp_path / "ocr.txt").write_text(OCR, encoding="utf-8")
    argv = ["eval", "--gt", str(tmp_path / "gt.txt"), "--hyp", str(tmp_path / "ocr.txt"), "--ocr", str(tmp_path / "ocr.txt")]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("left 1; no edits (HYP = OCR)")
