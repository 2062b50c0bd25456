"""One call for the CLI: reflow a document from its geometry, correct it, put the edits back."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, NamedTuple, Protocol, Sequence

from .edits import EditLike, apply_edits, char_alternatives, char_confidences
from .grouping import regroup
from .layout import Reflowed, reflow_document
from ..text_reflow import PAGE_BREAK, STORY_BREAK, Block, render
from .model import Document
from .registry import is_plain_text
from .fileio import parse_document, read_document, write_document
from ..errors import InputError
from ..settings import MAX_INPUT_BYTES
from ..textio import decode_text, read_bytes


if TYPE_CHECKING:
    from ..correction.engine import Reading


class CorrectorLike(Protocol):
    """``readings`` is passed only for a document that carries the engine's confidences or
    alternatives; ``wrapped``: the text with its printed lines on lines of their own;
    ``page_chars``: the length of the page the text (a story) is part of; ``reaching`` (only for a
    document with geometry): the offsets in ``wrapped`` of the printed lines' last characters whose
    box reaches past their column's measure with no mark read (:meth:`Reflowed.reaching`)."""

    def correct(self, text: str, reflow: bool = True, readings: "Sequence[Reading | None] | None" = None,
                wrapped: str | None = None, page_chars: int | None = None,
                reaching: "Collection[int] | None" = None) -> Any: ...


class Corrected(NamedTuple):
    document: Document  # the input with the edits applied to its words/glyphs
    text: str  # the corrected reflowed text (what `ocrfix correct` prints for text output)
    source: str  # the reflowed input the edits' offsets refer to
    edits: Sequence[EditLike]
    reflowed: Reflowed


def correct_document(doc: Document, corrector: CorrectorLike, by_story: bool = True) -> Corrected:
    """Geometry reflow -> ``corrector.correct(text, reflow=False)`` -> edits mapped onto ``doc``.

    Each page of a document of several (:data:`PAGE_BREAK` parts them in the text) is corrected as
    it would be alone, its evidence from that page only: the corrector never reads across a page.
    With ``by_story`` each story of the page (see :mod:`.stories`) is corrected on its own: the
    page-level evidence (a word the page repeats, how densely the first pass edits) comes from
    the story, never from the stories beside it; a short story of a long page is not a short text
    (``page_chars``), and whether the engine reads marks at line ends where print has none is
    judged on the page (``stray_marks``, with a corrector that tells it: ``stray_marks_habit``).
    The reflow settles the breaks its geometry leaves open with the corrector's language model
    (``corrector.lm``, when it has one), as the corrector's own reflow of plain text does.
    """
    flow = reflow_document(doc, getattr(corrector, "lm", None))
    readings = engine_readings(doc, flow)
    # the engine's habit of reading marks at line ends where print has none shows on the page
    habit = getattr(corrector, "stray_marks_habit", None) if by_story else None
    reaching = flow.reaching()  # offsets in flow.wrapped(); None without geometry
    texts, edits, start, printed_start = [], [], 0, 0
    for page, printed in zip(flow.text.split(PAGE_BREAK), flow.wrapped().split(PAGE_BREAK)):
        if texts:  # the form feed that ends the page before, as it is
            texts.append(PAGE_BREAK)
            start += len(PAGE_BREAK)
        context = {"page_chars": len(page)} | ({} if habit is None else {"stray_marks": habit(page, printed)})
        for chunk, wrapped in _stories(page, printed) if by_story else [(page, printed)]:
            evidence = {} if readings is None else {"readings": readings[start:start + len(chunk)]}
            if reaching is not None:
                evidence["reaching"] = frozenset(end - printed_start for end in reaching if 0 <= end - printed_start < len(wrapped))
            printed_start += len(wrapped)
            result = corrector.correct(chunk, reflow=False, wrapped=wrapped, **context, **evidence)
            shift = sum(map(len, texts))
            edits.extend(replace(e, offset=e.offset + shift, input_offset=e.input_offset + start) if start else e
                         for e in result.edits)
            texts.append(result.text)
            start += len(chunk)
        printed_start += len(PAGE_BREAK)
    fixed = apply_edits(doc, flow.text, edits, flow.words)
    return Corrected(fixed, "".join(texts), flow.text, tuple(edits), flow)


def _stories(page: str, printed: str) -> list[tuple[str, str]]:
    """The stories of a page's reflowed text and of its text as printed (:meth:`Reflowed.wrapped`),
    each but the last with the :data:`STORY_BREAK` after it."""
    parts, lines = page.split(STORY_BREAK), printed.split(STORY_BREAK)
    ends = [STORY_BREAK] * (len(parts) - 1) + [""]
    return [(part + end, wrapped + end) for part, wrapped, end in zip(parts, lines, ends)]


def plain_articles(text: str, corrected: str, blocks: Sequence[Block] | None = None) -> list[dict]:
    """The story records (see :meth:`Reflowed.articles`) of plain ``text`` corrected into
    ``corrected``, without boxes (plain text has no geometry): its ``blocks`` as the corrector's
    reflow found them (``Result.blocks`` of :meth:`~ocrfix.correction.corrector.Corrector.correct`;
    one story, or the stories it put back from lines listed across them; None: the input is one
    paragraph per line already, not reflowed, one story)."""
    if blocks is None:
        blocks = [Block("paragraph", line.strip(), (i,)) for i, line in enumerate(text.splitlines()) if line.strip()]
    stories = max((b.story for b in blocks), default=0) + 1
    return Reflowed(render(blocks), list(blocks), [], (None,) * stories).articles(corrected)


def engine_readings(doc: Document, flow: Reflowed) -> "list[Reading | None] | None":
    """What the engine said of each character of ``flow.text`` (the corrector's ``readings``: its
    confidence and alternatives, None at whitespace); None when the document has none of them.

    A character's own confidence (a glyph's, ALTO ``CC``) is its ``conf``; a character without
    one carries its word's (ALTO ``WC``, hOCR ``x_wconf``, all that whole-page Tesseract runs
    write) as ``word_conf``, which the corrector weighs through a prior of its own (the profile's
    ``word_confidence``), never through the one fitted on character confidences: fed word
    confidences, that prior left 515 errors of 1,023 on 15 single-story eval pages against 514
    without it (RESULTS.md, "Whole newspaper pages")."""
    from ..correction.engine import Reading

    confs, alternatives = char_confidences(doc, flow.words, word_level=False), char_alternatives(doc, flow.words)
    words = [None if c is not None else w for c, w in zip(confs, char_confidences(doc, flow.words))]
    if all(c is None for c in confs) and all(w is None for w in words) and not any(alternatives):
        return None
    found = iter(zip(confs, alternatives, words))
    return [None if ch.isspace() else Reading(*next(found)) for ch in flow.text]


def output_bytes(done: Corrected, output_format: str | None = None) -> bytes:
    """What ``ocrfix correct`` writes: the corrected reflowed text for ``text`` (and for plain
    text input by default), else the document in ``output_format`` (default: its own format),
    a page of several stories grouped by story (see :mod:`.grouping`)."""
    fmt = output_format or done.document.format
    return done.text.encode("utf-8") if fmt == "text" else write_document(regroup(done.document, done.reflowed), fmt)


def parse_input(data: bytes, name: str, input_format: str | None = None, output_format: str | None = None,
                encoding: str | None = None) -> str | Document:
    """What ``ocrfix correct`` corrects of a file's ``data``: plain text as it is (decoded), any other
    format as its :class:`Document`; plain text with a structured ``output_format`` is refused."""
    if not is_plain_text(data, input_format):
        return parse_document(data, name, input_format, encoding)
    if output_format not in (None, "text"):
        raise InputError(f"{name}: plain-text input can only be written as text (not --output-format {output_format})")
    return decode_text(data, name, encoding)


def reflowed_text(path: str | Path, fmt: str | None = None, encoding: str | None = None) -> str:
    """The reflowed text of any input file (what ``ocrfix reflow`` prints and ``ocrfix eval`` compares)."""
    return reflow_document(read_document(path, fmt, encoding)).text


def evaluation_text(path: str | Path, fmt: str | None = None, encoding: str | None = None) -> str:
    """The text ``ocrfix eval`` compares: plain text as it is (evaluation ignores whitespace),
    an hOCR/ALTO/PAGE file as its geometry-reflowed text."""
    name = "<stdin>" if str(path) == "-" else str(path)
    data = read_bytes(path, MAX_INPUT_BYTES)
    if is_plain_text(data, fmt):
        return decode_text(data, name, encoding)
    return reflow_document(parse_document(data, name, fmt, encoding)).text
