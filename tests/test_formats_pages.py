"""Documents of several pages (a multi-page hOCR, ALTO, TSV, ...): each page laid out and corrected on its own,
a form feed between the pages' text, as in Tesseract's text of a multi-page scan."""
from __future__ import annotations

import json

import pytest
from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa
from test_formats_layout import column

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.formats import Block, Box, Document, Page, correct_document, output_bytes, parse_document, reflow_document, write_document

#: Page 1 ends on a full line that does not end its sentence; page 2 starts, unindented, with the rest of it:
#: laid out together, the two would be one paragraph.
ENDS = [">我们在北京工乍。他们", "在上海工作。我们在北京学"]
STARTS = ["习。大家都在认真工乍。", "今天天气很好。"]


def page(rows: list[str]) -> Page:
    lines = column(rows, 60)
    return Page((Block(tuple(lines), Box.union([l.box for l in lines])),), Box(0, 0, 1000, 1000))


def page_text(p: Page) -> str:
    return "".join(w.text for b in p.blocks for line in b.lines for w in line.words)


def pages(*rows: list[str], fmt: str = "hocr") -> Document:
    """The pages of ``rows`` in one file of format ``fmt``, built from the model and read back."""
    return parse_document(built(fmt, *map(page, rows)), f"p.{fmt}")


def built(fmt: str, *pages: Page) -> bytes:
    """A file of format ``fmt`` built from the model's ``pages`` (no source file to patch)."""
    return write_document(Document("page", pages), fmt)


@pytest.fixture(scope="module")
def corrector(tmp_path_factory) -> Corrector:
    folder = tmp_path_factory.mktemp("models")
    return Corrector(model=load_lm(write_arpa(folder / "tiny.arpa")), confusions=confusion_set(folder), weights=WEIGHTS,
                     inventory=INVENTORY)


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_a_form_feed_parts_the_pages_of_a_document_and_no_paragraph_runs_across_it(fmt: str) -> None:
    """The reflowed text of a two-page document is each page's alone joined by a form feed (Tesseract's
    text of a multi-page scan), its blocks say their page, and the sentence left open at the foot of page 1
    does not run on into page 2."""
    assert "我们在北京学习。" in reflow_document(pages(ENDS + STARTS, fmt=fmt)).text  # one page: the sentence runs on
    flow = reflow_document(pages(ENDS, STARTS, fmt=fmt))
    alone = [reflow_document(pages(rows, fmt=fmt)).text for rows in (ENDS, STARTS)]
    assert flow.text == "\f".join(alone) and flow.text.count("\f") == 1
    assert flow.wrapped().split("\f") == [reflow_document(pages(rows, fmt=fmt)).wrapped() for rows in (ENDS, STARTS)]
    assert [(b.page, b.text) for b in flow.blocks] == [(0, "我们在北京工乍。他们在上海工作。我们在北京学"),
                                                       (1, "习。大家都在认真工乍。今天天气很好。")]
    assert all(piece.page == block.page for block, pieces in zip(flow.blocks, flow.sources) for piece in pieces)
    assert [story["page"] for story in flow.articles()] == [0, 1]


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_each_page_is_corrected_as_it_would_be_alone_and_the_edits_replay(corrector: Corrector, fmt: str) -> None:
    """The corrected text is the pages' corrected alone, joined by the form feed; the edits are theirs, moved
    past the pages before; they replay exactly, point at the input's characters, and go back onto the
    words of their own page."""
    done = correct_document(pages(ENDS, STARTS, fmt=fmt), corrector)
    alone = [correct_document(pages(rows, fmt=fmt), corrector) for rows in (ENDS, STARTS)]
    assert done.text == "\f".join(one.text for one in alone) and done.source == "\f".join(one.source for one in alone)
    moved = len(alone[0].source) + 1, len(alone[0].text) + 1
    assert [(e.input_offset, e.offset, e.replacement) for e in done.edits] == [
        *((e.input_offset, e.offset, e.replacement) for e in alone[0].edits),
        *((e.input_offset + moved[0], e.offset + moved[1], e.replacement) for e in alone[1].edits)]
    assert [e.replacement for e in done.edits] == ["作", "作"]
    assert replay(done.source, done.edits) == done.text
    assert all(done.source[e.input_offset] == "乍" and done.text[e.offset] == "作" for e in done.edits)
    written = parse_document(output_bytes(done), f"fixed.{fmt}")
    assert [page_text(p) for p in written.pages] == ["".join(one.text.split()) for one in alone]


class _Recorder:
    """A corrector that changes nothing and keeps what ``correct_document`` told it."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.calls: list[tuple[str, int | None, bool | None]] = []

    def stray_marks_habit(self, text: str, wrapped: str) -> bool:
        self.asked.append((text, wrapped))
        return len(self.asked) == 1

    def correct(self, text, reflow=True, readings=None, wrapped=None, page_chars=None, stray_marks=None, reaching=None):
        self.calls.append((text, page_chars, stray_marks))
        return type("Result", (), {"text": text, "edits": [], "source": text})()


def test_each_page_is_judged_on_its_own_evidence() -> None:
    """The engine's habits and a text's length are a page's: each page's stories are told their own page's
    length and stray-mark habit, as the page alone would be, never the whole document's."""
    recorder = _Recorder()
    done = correct_document(pages(ENDS, STARTS), recorder)
    first, second = done.source.split("\f")
    assert recorder.asked == list(zip(done.reflowed.text.split("\f"), done.reflowed.wrapped().split("\f")))
    assert recorder.calls == [(first, len(first), True), (second, len(second), False)]
    assert done.text == done.source


def test_a_single_page_document_is_corrected_as_before() -> None:
    """One page: one call per story, told the page's length and habit (no form feed anywhere)."""
    recorder = _Recorder()
    done = correct_document(pages(ENDS), recorder)
    assert recorder.asked == [(done.source, done.reflowed.wrapped())] and "\f" not in done.source
    assert recorder.calls == [(done.source, len(done.source), True)]


def test_reflow_and_correct_write_the_form_feed_and_each_storys_page(tmp_path, models) -> None:
    """``ocrfix reflow`` and ``ocrfix correct --output-format text`` of a two-page hOCR file keep the page break,
    ``--articles`` says each story's page, and the hOCR written back holds both pages' corrections."""
    from ocrfix.cli import main

    source = tmp_path / "two.hocr"
    source.write_bytes(built("hocr", page(ENDS), page(STARTS)))
    assert main(["reflow", str(source), "-o", str(tmp_path / "r.txt"), "--articles", str(tmp_path / "r.json")]) == 0
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").count("\n\f") == 1
    assert main(["correct", str(source), "-o", str(tmp_path / "c.txt"), "--output-format", "text", "--articles",
                 str(tmp_path / "c.json"), "--edits", str(tmp_path / "e.jsonl"), *models]) == 0
    text = (tmp_path / "c.txt").read_text(encoding="utf-8")
    assert text.split("\f")[0].endswith("\n") and text.count("\f") == 1 and text.count("工作") == 3
    for found in ("r.json", "c.json"):
        stories = json.loads((tmp_path / found).read_text(encoding="utf-8"))["stories"]
        assert [(s["page"], s["paragraphs"][0][:2]) for s in stories] == [(0, "我们"), (1, "习。")]
    assert main(["correct", str(source), "-o", str(tmp_path / "c.hocr"), *models]) == 0
    fixed = parse_document((tmp_path / "c.hocr").read_bytes(), "c.hocr")
    assert ["乍" not in page_text(p) and "工作" in page_text(p) for p in fixed.pages] == [True, True]


def test_a_document_without_geometry_keeps_its_pages_apart() -> None:
    """A document of several pages without boxes (plain text parted by form feeds, or an engine's pages
    built in memory) gets the plain reflow page by page: a form feed between the pages, the sentence left
    open at the foot of page 1 not run on into page 2, as the plain ``reflow`` of the same text gives."""
    from ocrfix.formats.model import Line, Word
    from ocrfix.text_reflow import reflow

    text = "\n".join(ENDS) + "\n\f" + "\n".join(STARTS) + "\n\f"
    parsed = parse_document(text.encode("utf-8"), "p.txt")
    assert len(parsed.pages) == 2 and reflow_document(parsed).text == reflow(text)

    def boxless(rows: list[str]) -> Page:
        lines = tuple(Line(tuple(Word(ch, None) for ch in row.lstrip(">")), None) for row in rows)
        return Page((Block(lines, None),), None)

    doc = Document("page", (boxless(ENDS), Page((), None), boxless(STARTS)))
    flow = reflow_document(doc)
    assert [(b.page, b.text) for b in flow.blocks] == [(0, "我们在北京工乍。他们在上海工作。我们在北京学"),
                                                       (2, "习。大家都在认真工乍。今天天气很好。")]
    assert flow.text.count("\f") == 1
    doc_lines = doc.text().splitlines()
    assert [[doc_lines[i] for i in b.source_lines] for b in flow.blocks] == [[r.lstrip(">") for r in ENDS],
                                                                            [r.lstrip(">") for r in STARTS]]
