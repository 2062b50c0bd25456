"""ALTO v2–v4: read into the model, patch back.

``String/@WC`` is the word confidence (0–1), ``String/@CC`` one digit per character
(0 = sure … 9 = unsure), ``Glyph/@GC`` a glyph confidence. A corrected ``String`` gets the
new ``CONTENT`` and keeps the OCR reading as an ``ALTERNATIVE`` child (``PURPOSE="OCR"``
from v3 on); a corrected ``Glyph`` keeps it as a ``Variant``.
"""
from __future__ import annotations

from dataclasses import replace

from lxml import etree

from ..errors import InputError
from .detect import ALTO_NAMESPACES
from .model import Block, Box, Correction, Document, Glyph, Line, Page, Word
from .registry import XmlFormat
from .xmlutil import Ids, element_maker, float_attr, int_attr, local, parse_xml, serialize, where

CONF_DIGITS = 9  # CC digits run from 0 (sure) to 9 (unsure)


def _box(el: etree._Element, name: str) -> Box:
    x, y = int_attr(el, "HPOS", name), int_attr(el, "VPOS", name)
    return Box(x, y, x + int_attr(el, "WIDTH", name), y + int_attr(el, "HEIGHT", name))


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    return [c for c in el if local(c) == tag]


def _char_confs(el: etree._Element, content: str, name: str) -> tuple[float, ...] | None:
    cc = (el.get("CC") or "").split() if " " in (el.get("CC") or "") else list(el.get("CC") or "")
    if not cc or len(cc) != len(content):
        return None
    try:
        return tuple(1.0 - min(float(d), CONF_DIGITS) / CONF_DIGITS for d in cc)
    except ValueError:
        raise InputError(f"{where(el, name)}: CC={el.get('CC')!r} is not a list of digits") from None


def _correction(el: etree._Element) -> Correction | None:
    """An earlier correction: the String's ``ALTERNATIVE PURPOSE="OCR"``.

    Other ALTERNATIVEs are a producer's alternative readings, not corrections (in v2, which has
    no PURPOSE, ocrfix's own ALTERNATIVE is therefore not recognized on reading back).
    """
    marked = [a for a in _children(el, "ALTERNATIVE") if a.get("PURPOSE") == "OCR"]
    return Correction(original=marked[0].text or "") if marked else None


def _glyph_corrections(glyphs: tuple[Glyph, ...], correction: Correction | None) -> tuple[Glyph, ...]:
    """Glyphs of a corrected String whose character differs from the OCR reading (same length)."""
    if correction is None or len(correction.original) != len(glyphs):
        return glyphs
    return tuple(g if g.text == o else replace(g, correction=Correction(o)) for g, o in zip(glyphs, correction.original))


def _word(el: etree._Element, tree: etree._ElementTree, name: str) -> Word:
    content = el.get("CONTENT")
    if content is None:
        raise InputError(f"{where(el, name)}: String without CONTENT")
    glyphs = tuple(
        Glyph(
            text=g.get("CONTENT", ""),
            box=_box(g, name),
            conf=float_attr(g, "GC", name),
            id=g.get("ID"),
            ref=tree.getpath(g),
        )
        for g in _children(el, "Glyph")
    )
    correction = _correction(el)
    return Word(
        text=content,
        box=_box(el, name),
        conf=float_attr(el, "WC", name),
        char_confs=_char_confs(el, content, name),
        glyphs=_glyph_corrections(glyphs, correction),
        id=el.get("ID"),
        ref=tree.getpath(el),
        correction=correction,
    )


def _font_sizes(root: etree._Element, name: str) -> dict[str, float]:
    return {
        s.get("ID"): size
        for s in root.iter()
        if local(s) == "TextStyle" and s.get("ID") and (size := float_attr(s, "FONTSIZE", name)) is not None
    }


def _font_size(els: list[etree._Element], sizes: dict[str, float]) -> float | None:
    for el in els:
        for ref in (el.get("STYLEREFS") or "").split():
            if ref in sizes:
                return sizes[ref]
    return None


def read(tree: etree._ElementTree, name: str, source: bytes) -> Document:
    root = tree.getroot()
    sizes = _font_sizes(root, name)
    pages = []
    for page_el in root.iter():
        if local(page_el) != "Page":
            continue
        blocks = []
        for block_el in page_el.iter():
            if local(block_el) != "TextBlock":
                continue
            lines = []
            for line_el in _children(block_el, "TextLine"):
                strings = _children(line_el, "String")
                lines.append(Line(
                    words=tuple(_word(s, tree, name) for s in strings),
                    box=_box(line_el, name),
                    id=line_el.get("ID"),
                    ref=tree.getpath(line_el),
                    font_size=_font_size([line_el, block_el, *strings[:1]], sizes),
                ))
            if lines:
                blocks.append(Block(lines=tuple(lines), box=_box(block_el, name), id=block_el.get("ID"), ref=tree.getpath(block_el)))
        width, height = float_attr(page_el, "WIDTH", name), float_attr(page_el, "HEIGHT", name)
        box = Box(0, 0, round(width), round(height)) if width and height else Box.union([b.box for b in blocks] or [Box(0, 0, 0, 0)])
        image = next((el.text for el in root.iter() if local(el) == "fileName"), None)
        pages.append(Page(blocks=tuple(blocks), box=box, id=page_el.get("ID"), ref=tree.getpath(page_el), image=image))
    if not pages:
        raise InputError(f"{name}: ALTO without a <Page> element")
    return Document(format="alto", pages=tuple(pages), name=name, source=source)


def _add_before_glyphs(el: etree._Element, child: etree._Element) -> None:
    """Insert ``child`` after any ``Shape``/``ALTERNATIVE`` and before ``Glyph``s (schema order)."""
    index = sum(1 for c in el if local(c) in ("Shape", "ALTERNATIVE"))
    el.insert(index, child)


def write(doc: Document) -> bytes:
    tree = parse_xml(doc.source, doc.name)
    ns = etree.QName(tree.getroot()).namespace
    version = ALTO_NAMESPACES[ns]
    for word in doc.words():
        if word.correction is None:
            continue
        (el,) = tree.xpath(word.ref)
        if el.get("CONTENT") != word.text:
            if el.get("CC") and len(word.text) != len(word.correction.original):
                del el.attrib["CC"]  # one digit per character: no longer aligned
            el.set("CONTENT", word.text)
        if _correction(el) is None:
            alt = etree.Element(f"{{{ns}}}ALTERNATIVE")
            if version >= 3:
                alt.set("PURPOSE", "OCR")
            alt.text = word.correction.original
            _add_before_glyphs(el, alt)
        for glyph in word.glyphs:
            if glyph.correction is None:
                continue
            (gel,) = tree.xpath(glyph.ref)
            gel.set("CONTENT", glyph.text)
            if not any(v.get("CONTENT") == glyph.correction.original for v in _children(gel, "Variant")):
                gel.insert(sum(1 for c in gel if local(c) == "Shape"), etree.Element(f"{{{ns}}}Variant", CONTENT=glyph.correction.original))
    return serialize(tree)


ALTO4 = "http://www.loc.gov/standards/alto/ns-v4#"


def _geometry(el: etree._Element, box: Box | None) -> etree._Element:
    if box is None:
        return el
    for attr, value in zip(("HPOS", "VPOS", "WIDTH", "HEIGHT"), (box.x0, box.y0, box.width, box.height)):
        el.set(attr, str(value))
    return el


def build(doc: Document) -> bytes:
    """A new ALTO v4 file from any document with geometry (conversion from hOCR or PAGE)."""
    sub, ids = element_maker(ALTO4), Ids()
    root = etree.Element(f"{{{ALTO4}}}alto", nsmap={None: ALTO4})
    description = sub(root, "Description")
    sub(description, "MeasurementUnit").text = "pixel"
    image = next((p.image for p in doc.pages if p.image), None)
    if image:
        sub(sub(description, "sourceImageInformation"), "fileName").text = image
    layout = sub(root, "Layout")
    for n, page in enumerate(doc.pages, 1):
        page_el = _geometry(sub(layout, "Page", ID=ids(page.id, "page"), PHYSICAL_IMG_NR=str(n)), page.box)
        space = _geometry(sub(page_el, "PrintSpace"), page.box)
        for block in page.blocks:
            block_el = _geometry(sub(space, "TextBlock", ID=ids(block.id, "block")), block.box)
            for line in block.lines:
                line_el = _geometry(sub(block_el, "TextLine", ID=ids(line.id, "line")), line.box)
                for i, word in enumerate(line.words):
                    if i:
                        sub(line_el, "SP")
                    string = _geometry(sub(line_el, "String", ID=ids(word.id, "string"), CONTENT=word.text), word.box)
                    if word.conf is not None:
                        string.set("WC", f"{word.conf:.2f}")
                    if word.char_confs is not None and len(word.char_confs) == len(word.text):
                        string.set("CC", " ".join(str(round((1 - c) * CONF_DIGITS)) for c in word.char_confs))
                    if word.correction is not None:
                        sub(string, "ALTERNATIVE", PURPOSE="OCR").text = word.correction.original
                    for glyph in word.glyphs if all(g.box for g in word.glyphs) else ():
                        glyph_el = _geometry(sub(string, "Glyph", ID=ids(glyph.id, "glyph"), CONTENT=glyph.text), glyph.box)
                        if glyph.conf is not None:
                            glyph_el.set("GC", f"{glyph.conf:.2f}")
                        if glyph.correction is not None:
                            sub(glyph_el, "Variant", CONTENT=glyph.correction.original)
    return serialize(etree.ElementTree(root))


def detect(root: etree._Element, name: str) -> bool:
    """An ``<alto>`` root, in a supported ALTO version's namespace."""
    if local(root) != "alto":
        return False
    ns = etree.QName(root).namespace
    if ns not in ALTO_NAMESPACES:
        known = ", ".join(ALTO_NAMESPACES)
        raise InputError(f"{name}: <alto> in namespace {ns!r} is not a supported ALTO version (v2–v4: {known})")
    return True


FORMAT = XmlFormat(detect, read, write, build)
