"""ABBYY FineReader XML (the FineReader 6, 8 and 10 schemas): read into the model, patch back.

Archives OCR'd with ABBYY keep this XML (FineReader Engine and Server exports; the Internet
Archive's ``_abbyy.gz`` files). Its text lives in ``charParams`` elements, one character each
with its box and ``charConfidence`` (0–100), inside ``document/page/block/text/par/line/formatting``;
the characters between two spaces are one word, or several where ``wordStart`` parts them with no
space between (Chinese text). A file exported without character attributes
has the text of each ``formatting`` element instead: its runs between spaces are the words, each
with the line's box. Blocks of every type
that hold lines are read (text and table blocks). The file names its engine in
``document/@producer`` (``ABBYY FineReader`` when it does not).

A corrected character's ``charParams`` gets the new character (without character attributes:
the ``formatting``'s text becomes its corrected words, joined as ocrfix joins words). An edit that changes a word's
length puts the extra characters into the word's last ``charParams`` (the word's text is then
right, its last box covers them) or removes the ``charParams`` of the characters it deletes.
The schema has no place for the OCR reading a correction replaced: the edit log (``--edits``)
keeps it.
"""
from __future__ import annotations

from lxml import etree

from ..errors import InputError
from .model import Block, Box, Document, Glyph, Line, Page, Word, join_words
from .registry import XmlFormat
from .xmlutil import ElementPaths, float_attr, int_attr, local, parse_xml, serialize

SCHEMAS = {
    "http://www.abbyy.com/FineReader_xml/FineReader6-schema-v1.xml": 6,
    "http://www.abbyy.com/FineReader_xml/FineReader8-schema-v2.xml": 8,
    "http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml": 10,
}
FR10 = "http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml"
DEFAULT_SOFTWARE = "ABBYY FineReader"


def _box(el: etree._Element, name: str) -> Box:
    return Box(*(int_attr(el, attr, name) for attr in ("l", "t", "r", "b")))


def _char_text(el: etree._Element) -> str:
    """A ``charParams``' character: its own text, not that of child elements (FineReader 10's
    recognition variants)."""
    return (el.text or "") + "".join(child.tail or "" for child in el)


def _set_char_text(el: etree._Element, text: str) -> None:
    el.text = text
    for child in el:
        child.tail = None


def _glyph(el: etree._Element, paths: ElementPaths, name: str) -> Glyph:
    conf = float_attr(el, "charConfidence", name)
    return Glyph(text=_char_text(el), box=_box(el, name), conf=None if conf is None or conf < 0 else min(conf, 100.0) / 100.0,
                 ref=paths(el))


def _word(glyphs: list[Glyph]) -> Word:
    return Word(text="".join(g.text for g in glyphs), box=Box.union([g.box for g in glyphs]), glyphs=tuple(glyphs),
                ref=glyphs[0].ref)


def _words(chars: list[etree._Element], paths: ElementPaths, name: str) -> tuple[Word, ...]:
    """A line's characters grouped into words at spaces, and at a ``wordStart`` (ABBYY's own word
    segmentation, which joins with no space) between two characters that words join without one
    (Han and CJK marks): the line's text is the characters as read, and the layout sees the gaps
    between the words (a file ocrfix built from another format keeps its words so)."""
    words: list[list[Glyph]] = []
    current: list[Glyph] = []
    for el in chars:
        if not _char_text(el).strip():  # a space (ABBYY may give it no box)
            if current:
                words.append(current)
            current = []
            continue
        glyph = _glyph(el, paths, name)
        if current and el.get("wordStart") in ("1", "true") and join_words([current[-1].text, glyph.text]) == current[-1].text + glyph.text:
            words.append(current)
            current = []
        current.append(glyph)
    if current:
        words.append(current)
    return tuple(_word(w) for w in words)


def _text_words(el: etree._Element, paths: ElementPaths, box: Box) -> tuple[Word, ...]:
    """The words of a line exported without character attributes: each ``formatting``'s text,
    split at spaces, every word with the line's box (``ref``: the formatting's path)."""
    return tuple(Word(text=run, box=box, ref=paths(f)) for f in el.iter() if local(f) == "formatting"
                 for run in (f.text or "").split())


def _line(el: etree._Element, paths: ElementPaths, name: str, dpi: float | None) -> Line | None:
    chars = [c for c in el.iter() if local(c) == "charParams"]
    words = _words(chars, paths, name) if chars else _text_words(el, paths, _box(el, name))
    if not words:
        return None
    sizes = [float_attr(f, "fs", name) for f in el.iter() if local(f) == "formatting"]
    size = next((s for s in sizes if s), None)
    return Line(words=words, box=_box(el, name), ref=paths(el),
                font_size=size * dpi / 72.0 if size and dpi else None)


def read(tree: etree._ElementTree, name: str, source: bytes) -> Document:
    paths = ElementPaths(tree)
    root = tree.getroot()
    pages = []
    for page_el in (p for p in root if local(p) == "page"):
        dpi = float_attr(page_el, "resolution", name)
        blocks = []
        for block_el in (b for b in page_el if local(b) == "block"):
            lines = tuple(line for line in (_line(el, paths, name, dpi) for el in block_el.iter() if local(el) == "line") if line)
            if lines:
                blocks.append(Block(lines=lines, box=_box(block_el, name), ref=paths(block_el)))
        width, height = float_attr(page_el, "width", name), float_attr(page_el, "height", name)
        box = Box(0, 0, round(width), round(height)) if width and height else Box.union([b.box for b in blocks] or [Box(0, 0, 0, 0)])
        pages.append(Page(blocks=tuple(blocks), box=box, ref=paths(page_el)))
    if not pages:
        raise InputError(f"{name}: ABBYY FineReader XML without a <page> element")
    software = (root.get("producer") or "").strip() or DEFAULT_SOFTWARE
    return Document(format="abbyy", pages=tuple(pages), name=name, source=source, software=software)


def write(doc: Document) -> bytes:
    tree = parse_xml(doc.source, doc.name)
    runs: dict[str, list[Word]] = {}  # a formatting element's words, where the text has no charParams
    for word in doc.words():
        if not word.glyphs:
            runs.setdefault(word.ref, []).append(word)
    for ref, words in runs.items():
        if any(word.correction for word in words):
            tree.xpath(ref)[0].text = join_words([word.text for word in words])
    # every corrected word's elements found before any is removed: a removal shifts the positional
    # paths of the characters after it in the same element (a line's words share it)
    found = [(word, [tree.xpath(g.ref)[0] for g in word.glyphs]) for word in doc.words() if word.correction is not None and word.glyphs]
    for word, elements in found:
        if len(elements) == len(word.text):
            for el, glyph in zip(elements, word.glyphs):
                if _char_text(el) != glyph.text:
                    _set_char_text(el, glyph.text)
            continue
        keep = elements[:max(1, len(word.text))]
        for el, ch in zip(keep, word.text):
            _set_char_text(el, ch)
        _set_char_text(keep[-1], word.text[len(keep) - 1:] if word.text else "")
        for el in elements[len(keep):]:
            el.getparent().remove(el)
    return serialize(tree)


def _char_boxes(word: Word) -> list[tuple[str, Box | None, float | None]]:
    """(character, box, confidence) of each character of ``word``: its glyphs' where it has one
    per character, else its box cut into equal parts."""
    if len(word.glyphs) == len(word.text) and all(g.box for g in word.glyphs):
        return [(g.text, g.box, g.conf if g.conf is not None else word.char_confidence(i)) for i, g in enumerate(word.glyphs)]
    box, n = word.box, max(len(word.text), 1)
    if box is None:
        return [(ch, None, word.char_confidence(i)) for i, ch in enumerate(word.text)]
    return [(ch, Box(box.x0 + box.width * i // n, box.y0, box.x0 + box.width * (i + 1) // n, box.y1), word.char_confidence(i))
            for i, ch in enumerate(word.text)]


def _coords(el: etree._Element, box: Box | None) -> etree._Element:
    if box is not None:
        for attr, value in zip(("l", "t", "r", "b"), box):
            el.set(attr, str(value))
    return el


def build(doc: Document) -> bytes:
    """A new FineReader 10 XML file from any document with geometry (conversion from hOCR,
    ALTO, PAGE or PaddleOCR JSON), naming the source's engine as ``producer``."""
    root = etree.Element(f"{{{FR10}}}document", nsmap={None: FR10}, version="1.0",
                         producer=doc.software or "ocrfix", pagesCount=str(len(doc.pages)))
    for page in doc.pages:
        page_el = etree.SubElement(root, f"{{{FR10}}}page")
        if page.box is not None:
            page_el.set("width", str(page.box.x1))
            page_el.set("height", str(page.box.y1))
        for block in page.blocks:
            block_el = _coords(etree.SubElement(page_el, f"{{{FR10}}}block", blockType="Text"), block.box)
            par = etree.SubElement(etree.SubElement(block_el, f"{{{FR10}}}text"), f"{{{FR10}}}par")
            for line in block.lines:
                line_el = _coords(etree.SubElement(par, f"{{{FR10}}}line"), line.box)
                if line.box is not None:
                    line_el.set("baseline", str(line.box.y1))
                formatting = etree.SubElement(line_el, f"{{{FR10}}}formatting", lang="ChinesePRC")
                for k, word in enumerate(line.words):
                    if k and join_words([line.words[k - 1].text, word.text]) != line.words[k - 1].text + word.text:
                        etree.SubElement(formatting, f"{{{FR10}}}charParams").text = " "  # the space join_words reads
                    for i, (ch, box, conf) in enumerate(_char_boxes(word)):
                        char = _coords(etree.SubElement(formatting, f"{{{FR10}}}charParams", wordStart="1" if i == 0 else "0"), box)
                        if conf is not None:
                            char.set("charConfidence", str(round(conf * 100)))
                        char.text = ch
    return serialize(etree.ElementTree(root))


def detect(root: etree._Element, name: str) -> bool:
    """A ``<document>`` root in one of the FineReader schemas' namespaces."""
    ns = etree.QName(root).namespace or ""
    if local(root) != "document" or "abbyy.com/FineReader_xml" not in ns:
        return False
    if ns not in SCHEMAS:
        raise InputError(f"{name}: ABBYY XML in namespace {ns!r} is not a supported FineReader schema "
                         f"({', '.join(SCHEMAS)})")
    return True


FORMAT = XmlFormat(detect, read, write, build)
