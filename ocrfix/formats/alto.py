"""ALTO (v1 of CCS docWORKS to v4, or without a namespace): read into the model, patch back.

A box is the element's ``HPOS``/``VPOS``/``WIDTH``/``HEIGHT``, else the bounds of its
``Shape/Polygon`` (eScriptorium, kraken), else the union of its children's (a text block), else
its parent's (a ``String`` without geometry: its line's). A ``HYP`` (the hyphen printed at a
line end) is a word of its own. A hyphenated word (``SUBS_TYPE`` ``HypPart1``/``HypPart2``) is
read as printed, its parts and the ``HYP``; its ``SUBS_CONTENT`` (the whole word) only follows
a correction of a part on write-back.

Coordinates in ``mm10`` (tenths of a millimetre) or ``inch1200`` (1/1200 inch) are read as
pixels at a nominal 300 dpi (:data:`UNIT_PIXELS`): the layout measures everything relative
to the type size, but its boxes are whole pixels and a few of its margins are a pixel or two, so
``inch1200`` boxes (four times a 300-dpi page's) and ``mm10`` ones read as they are reflow
differently from the same page in pixels. Geometry ocrfix writes back into such a file (new text
blocks, split lines) is converted back into the file's own unit.

``String/@WC`` is the word confidence (0–1), ``String/@CC`` one digit per character
(0 = sure … 9 = unsure), ``Glyph/@GC`` a glyph confidence. A corrected ``String`` gets the
new ``CONTENT`` and keeps the OCR reading as an ``ALTERNATIVE`` child (``PURPOSE="OCR"``
from v3 on); a corrected ``Glyph`` keeps it as a ``Variant``.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from lxml import etree

from ..errors import InputError
from .detect import ALTO_NAMESPACES
from .model import Alternative, Block, Box, Correction, Document, Glyph, Line, Page, Word, spelling_glyphs
from .registry import XmlFormat
from .xmlutil import (ElementPaths, Ids, LineElements, coordinate, element_maker, float_attr, line_elements, local, parse_xml,
                      serialize, where)

CONF_DIGITS = 9  # CC digits run from 0 (sure) to 9 (unsure)
_STORY_TYPE = re.compile(r"story|article", re.IGNORECASE)  # ComposedBlock TYPEs that group a story


_GEOMETRY = ("HPOS", "VPOS", "WIDTH", "HEIGHT")
NOMINAL_DPI = 300  # ALTO states no image resolution: a typical newspaper scan's
#: Pixels per unit of each ``MeasurementUnit`` (absent or unknown: pixels).
UNIT_PIXELS = {"pixel": 1.0, "mm10": NOMINAL_DPI / 254, "inch1200": NOMINAL_DPI / 1200}
_WORDS = ("String", "HYP")


def _unit_pixels(root: etree._Element) -> float:
    """Pixels per coordinate unit of the file (its ``Description/MeasurementUnit``)."""
    units = [(el.text or "").strip() for d in _children(root, "Description") for el in d if local(el) == "MeasurementUnit"]
    return UNIT_PIXELS.get(units[0] if units else "pixel", 1.0)


def _own_box(el: etree._Element, name: str, scale: float) -> Box | None:
    """The box an element states (in pixels, its units times ``scale``): its position and size,
    else its polygon's bounds; None if neither."""
    if all(el.get(a) not in (None, "") for a in _GEOMETRY):
        x, y, w, h = (float_attr(el, a, name) or 0.0 for a in _GEOMETRY)
        return _pixels(el, name, (x, y, x + w, y + h), scale)
    points = [p.get("POINTS") for s in _children(el, "Shape") for p in _children(s, "Polygon") if p.get("POINTS")]
    if not points:
        return None
    try:  # "x,y x,y ..." or "x y x y ..."
        values = [coordinate(v) for v in points[0].replace(",", " ").split()]
    except ValueError:
        raise InputError(f"{where(el, name)}: bad Polygon POINTS {points[0][:60]!r}") from None
    if len(values) < 2 or len(values) % 2:
        raise InputError(f"{where(el, name)}: bad Polygon POINTS {points[0][:60]!r}")
    xs, ys = values[0::2], values[1::2]
    return _pixels(el, name, (min(xs), min(ys), max(xs), max(ys)), scale)


def _pixels(el: etree._Element, name: str, edges: tuple[float, float, float, float], scale: float) -> Box:
    """A box of ``edges`` in the file's units, in whole pixels; InputError if out of range."""
    scaled = [v * scale for v in edges]
    if not all(math.isfinite(v) for v in scaled):
        raise InputError(f"{where(el, name)}: coordinates out of range")
    return Box(*(round(v) for v in scaled))


def _box(el: etree._Element, name: str, scale: float, *fallbacks: Box | None) -> Box:
    """The element's own box, else the first of ``fallbacks`` there is; InputError without any."""
    box = next((b for b in (_own_box(el, name, scale), *fallbacks) if b is not None), None)
    if box is None:
        raise InputError(f"{where(el, name)}: missing coordinates (no HPOS/VPOS/WIDTH/HEIGHT, Shape or positioned children)")
    return box


def _union(boxes: list[Box | None]) -> Box | None:
    found = [b for b in boxes if b is not None]
    return Box.union(found) if found else None


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
    return tuple(g if g.text == o else replace(g, correction=Correction(o), alternatives=tuple(
        a for a in g.alternatives if a.text != o)) for g, o in zip(glyphs, correction.original))


def _word(el: etree._Element, paths: ElementPaths, name: str, line_box: Box, scale: float) -> Word:
    content = el.get("CONTENT")
    if content is None:
        raise InputError(f"{where(el, name)}: {local(el)} without CONTENT")
    box = _box(el, name, scale, line_box)
    glyphs = tuple(
        Glyph(
            text=g.get("CONTENT", ""),
            box=_box(g, name, scale, box),
            conf=float_attr(g, "GC", name),
            id=g.get("ID"),
            ref=paths(g),
            alternatives=tuple(Alternative(v.get("CONTENT", ""), float_attr(v, "VC", name))
                               for v in _children(g, "Variant") if v.get("CONTENT") not in (None, "", g.get("CONTENT"))),
        )
        for g in _children(el, "Glyph")
    )
    correction = _correction(el)
    return Word(
        text=content,
        box=box,
        conf=float_attr(el, "WC", name),
        char_confs=_char_confs(el, content, name),
        glyphs=_glyph_corrections(spelling_glyphs(content, glyphs), correction),
        id=el.get("ID"),
        ref=paths(el),
        correction=correction,
        alternatives=tuple(a.text for a in _children(el, "ALTERNATIVE") if a.get("PURPOSE") != "OCR" and a.text
                           and (correction is None or a.text != correction.original)),
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
    paths = ElementPaths(tree)
    root = tree.getroot()
    sizes = _font_sizes(root, name)
    scale = _unit_pixels(root)
    pages = []
    for page_el in root.iter():
        if local(page_el) != "Page":
            continue
        blocks = []
        elements: list[etree._Element] = []  # the TextBlock of each block
        for block_el in page_el.iter():
            if local(block_el) != "TextBlock":
                continue
            lines = []
            block_box = _own_box(block_el, name, scale)
            for line_el in _children(block_el, "TextLine"):
                strings = [c for c in line_el if local(c) in _WORDS]
                line_box = _box(line_el, name, scale, _union([_own_box(s, name, scale) for s in strings]), block_box)
                lines.append(Line(
                    words=tuple(_word(s, paths, name, line_box, scale) for s in strings),
                    box=line_box,
                    id=line_el.get("ID"),
                    ref=paths(line_el),
                    font_size=_font_size([line_el, block_el, *strings[:1]], sizes),
                ))
            if lines:
                blocks.append(Block(lines=tuple(lines), box=block_box or Box.union([l.box for l in lines]), id=block_el.get("ID"),
                                    ref=paths(block_el)))
                elements.append(block_el)
        width, height = float_attr(page_el, "WIDTH", name), float_attr(page_el, "HEIGHT", name)
        box = Box(0, 0, round(width * scale), round(height * scale)) if width and height else Box.union([b.box for b in blocks] or [Box(0, 0, 0, 0)])
        image = next((el.text for el in root.iter() if local(el) == "fileName"), None)
        pages.append(Page(blocks=tuple(blocks), box=box, id=page_el.get("ID"), ref=paths(page_el), image=image,
                          stories=_composed(page_el, elements)))
    if not pages:
        raise InputError(f"{name}: ALTO without a <Page> element")
    return Document(format="alto", pages=tuple(pages), name=name, source=source, software=_software(root))


def _software(root: etree._Element) -> str | None:
    """``softwareName`` (and ``softwareVersion``) of the OCR step in ``Description`` (v2/v3
    ``OCRProcessing/ocrProcessingStep``, v4 ``Processing``); the first named software otherwise."""
    descriptions = _children(root, "Description")
    tools = [el for el in descriptions[0].iter() if local(el) == "processingSoftware"] if descriptions else []
    ocr_steps = [el for el in tools if local(el.getparent()) == "ocrProcessingStep"]
    for tool in ocr_steps + tools:
        parts = [(c.text or "").strip() for c in tool if local(c) in ("softwareName", "softwareVersion")]
        named = " ".join(p for p in parts if p)
        if named:
            return named
    return None


def _composed(page_el: etree._Element, elements: list[etree._Element]) -> tuple[tuple[int, ...], ...]:
    """The page's stories as the file groups them: the blocks (indices of ``elements``, the
    text blocks read) of each outermost ``ComposedBlock`` whose ``TYPE`` names a story or an
    article, when there are two or more. Other composed blocks are an engine's blocks
    (Tesseract's hold a column's paragraphs), not stories."""
    index = {el: k for k, el in enumerate(elements)}
    outer = [c for c in page_el.iter() if local(c) == "ComposedBlock" and _STORY_TYPE.search(c.get("TYPE") or "")
             and not any(local(a) == "ComposedBlock" for a in c.iterancestors())]
    groups = tuple(g for g in (tuple(index[b] for b in c.iter() if b in index) for c in outer) if g)
    return groups if len(groups) >= 2 else ()


def _tag(ns: str | None, name: str) -> str:
    """A new element's tag in the file's namespace (a file without one: none)."""
    return f"{{{ns}}}{name}" if ns else name


_PARTNER = {"HypPart1": ("following", "HypPart2"), "HypPart2": ("preceding", "HypPart1")}


def _resubstitute(el: etree._Element, old: str, new: str) -> None:
    """The ``SUBS_CONTENT`` (the whole hyphenated word) of a part of a hyphenated word whose
    ``CONTENT`` changes from ``old`` to ``new``, and of its other part, rewritten with the new
    part (left as it is when it does not begin, or end, with the old one)."""
    whole, kind = el.get("SUBS_CONTENT"), el.get("SUBS_TYPE")
    if not whole or kind not in _PARTNER:
        return
    if kind == "HypPart1" and whole.startswith(old):
        rewritten = new + whole[len(old):]
    elif kind == "HypPart2" and whole.endswith(old):
        rewritten = whole[:len(whole) - len(old)] + new
    else:
        return
    axis, other = _PARTNER[kind]
    partners = el.xpath(f"{axis}::*[local-name()='String'][1]")
    for part in [el, *(p for p in partners if p.get("SUBS_TYPE") == other and p.get("SUBS_CONTENT") == whole)]:
        part.set("SUBS_CONTENT", rewritten)


def _add_before_glyphs(el: etree._Element, child: etree._Element) -> None:
    """Insert ``child`` after any ``Shape``/``ALTERNATIVE`` and before ``Glyph``s (schema order)."""
    index = sum(1 for c in el if local(c) in ("Shape", "ALTERNATIVE"))
    el.insert(index, child)


def write(doc: Document) -> bytes:
    tree = parse_xml(doc.source, doc.name)
    ns = etree.QName(tree.getroot()).namespace
    version = ALTO_NAMESPACES.get(ns, 2)  # v1, CCS docWORKS, no namespace: no PURPOSE either
    for word in doc.words():
        if word.correction is None:
            continue
        (el,) = tree.xpath(word.ref)
        if el.get("CONTENT") != word.text:
            if el.get("CC") and len(word.text) != len(word.correction.original):
                del el.attrib["CC"]  # one digit per character: no longer aligned
            _resubstitute(el, el.get("CONTENT"), word.text)
            el.set("CONTENT", word.text)
        if _correction(el) is None and local(el) == "String":  # (a HYP holds no children)
            alt = etree.Element(_tag(ns, "ALTERNATIVE"))
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
                gel.insert(sum(1 for c in gel if local(c) == "Shape"), etree.Element(_tag(ns, "Variant"), CONTENT=glyph.correction.original))
    ids = Ids.taken(tree, "ID")
    for page in doc.pages:
        if page.stories:
            _regroup(tree, tree.xpath(page.ref)[0], page, ids, ns, _unit_pixels(tree.getroot()))
    return serialize(tree)


def _regroup(tree: etree._ElementTree, page_el: etree._Element, page: Page, ids: Ids, ns: str, scale: float) -> None:
    """Text blocks of ``page_el`` rebuilt as ``page`` groups its lines (one ``TextBlock`` per
    block, see :mod:`.grouping`), each story's blocks in a ``ComposedBlock TYPE="story"``, in
    reading order where the first text block was. Line elements are moved, a line split across
    a gutter becomes one line element per part (its strings moved into it); blocks left without
    lines are removed. New geometry is written in the file's units (``scale`` pixels each)."""
    moved = line_elements(tree, page)
    old = [b for b in page_el.iter() if local(b) == "TextBlock"]
    space, at = _first_block_place(page_el, old)
    blocks = _text_blocks(page, moved, {id(b): b.get("STYLEREFS") for b in old}, ids, ns, scale)
    grouped = {k for story in page.stories for k in story}
    parts = _story_blocks(page, blocks, ids, ns, scale)
    moved.remove_split()
    _emptied_removed(space, old)
    for k, el in enumerate([*parts, *(b for k, b in enumerate(blocks) if k not in grouped)]):
        space.insert(min(at, len(space)) + k, el)


def _first_block_place(page_el: etree._Element, old: list[etree._Element]) -> tuple[etree._Element, int]:
    """Where the page's first text block (of ``old``, the page's text blocks) stands: the
    ``PrintSpace`` (or the block's parent without one) and the index in it of the block, or of
    the composed block that holds it."""
    space = next((c for c in page_el if local(c) == "PrintSpace"), old[0].getparent())
    first = old[0]
    while first.getparent() is not space:
        first = first.getparent()
    return space, list(space).index(first)


def _text_blocks(page: Page, moved: LineElements, styles: dict[int, str | None], ids: Ids, ns: str, scale: float) -> list[etree._Element]:
    """One new ``TextBlock`` per block of ``page``, styled as the input block of its first line
    (``styles``: by the input blocks' ids), holding its line elements (``moved``; a line in more
    parts than one as a new line element per part)."""
    blocks = []
    for block in page.blocks:
        block_el = _geometry(etree.Element(_tag(ns, "TextBlock"), ID=ids(None, "block")), block.box, scale)
        style = styles.get(id(moved.lines[block.lines[0].ref].getparent()))
        if style:
            block_el.set("STYLEREFS", style)
        for line in block.lines:
            el = moved.lines[line.ref]
            block_el.append(_line_part(el, line, moved.words, ids, ns, scale) if moved.split(line) else el)
        blocks.append(block_el)
    return blocks


def _story_blocks(page: Page, blocks: list[etree._Element], ids: Ids, ns: str, scale: float) -> list[etree._Element]:
    """One ``ComposedBlock TYPE="story"`` per story of ``page``, around its blocks and holding
    their elements (``blocks``, one per block of the page)."""
    parts = [_geometry(etree.Element(_tag(ns, "ComposedBlock"), ID=ids(None, "story"), TYPE="story"),
                       Box.union([page.blocks[k].box for k in story]), scale) for story in page.stories]
    for part, story in zip(parts, page.stories):
        part.extend(blocks[k] for k in story)
    return parts


def _emptied_removed(space: etree._Element, old: list[etree._Element]) -> None:
    """The input's text blocks (``old``) left without lines removed, and the composed blocks in
    ``space`` whose text blocks all moved."""
    for el in old:
        if not any(local(c) == "TextLine" for c in el):
            el.getparent().remove(el)
    for el in [c for c in space.iter() if local(c) == "ComposedBlock" and len(c) == 0]:
        el.getparent().remove(el)


def _line_part(el: etree._Element, line: Line, words: dict[str, etree._Element], ids: Ids, ns: str, scale: float) -> etree._Element:
    """A new TextLine holding the String elements of ``line``, part of the line element ``el``."""
    part = _geometry(etree.Element(el.tag, {k: v for k, v in el.attrib.items() if k != "ID"}, ID=ids(line.id, "line")), line.box, scale)
    for k, word in enumerate(line.words):
        if k:
            part.append(etree.Element(_tag(ns, "SP")))
        part.append(words[word.ref])
    return part


ALTO4 = "http://www.loc.gov/standards/alto/ns-v4#"


def _geometry(el: etree._Element, box: Box | None, scale: float = 1.0) -> etree._Element:
    """``el`` placed at ``box`` (pixels), written in the file's units (``scale`` pixels each)."""
    if box is None:
        return el
    for attr, value in zip(_GEOMETRY, (box.x0, box.y0, box.width, box.height)):
        el.set(attr, str(round(value / scale)))
    return el


_sub = element_maker(ALTO4)  # the elements of a new ALTO v4 file


def build(doc: Document) -> bytes:
    """A new ALTO v4 file from any document with geometry (conversion from hOCR or PAGE)."""
    ids = Ids()
    root = etree.Element(f"{{{ALTO4}}}alto", nsmap={None: ALTO4})
    _description(_sub(root, "Description"), doc)
    layout = _sub(root, "Layout")
    for n, page in enumerate(doc.pages, 1):
        _built_page(layout, page, n, ids)
    return serialize(etree.ElementTree(root))


def _description(description: etree._Element, doc: Document) -> None:
    """A new file's Description: its unit, its image and the engine that read the text (which stays named)."""
    _sub(description, "MeasurementUnit").text = "pixel"
    image = next((p.image for p in doc.pages if p.image), None)
    if image:
        _sub(_sub(description, "sourceImageInformation"), "fileName").text = image
    if doc.software:
        _sub(_sub(_sub(description, "Processing", ID="ocr"), "processingSoftware"), "softwareName").text = doc.software


def _built_page(layout: etree._Element, page: Page, n: int, ids: Ids) -> None:
    """The ``n``-th Page of a new file: its blocks in its print space, those of a story in the
    story's ComposedBlock."""
    page_el = _geometry(_sub(layout, "Page", ID=ids(page.id, "page"), PHYSICAL_IMG_NR=str(n)), page.box)
    space = _geometry(_sub(page_el, "PrintSpace"), page.box)
    stories = [_geometry(_sub(space, "ComposedBlock", ID=ids(None, "story"), TYPE="story"),
                         Box.union([page.blocks[k].box for k in story])) for story in page.stories]
    parents = {k: composed for composed, story in zip(stories, page.stories) for k in story}
    for k, block in enumerate(page.blocks):
        block_el = _geometry(_sub(parents.get(k, space), "TextBlock", ID=ids(block.id, "block")), block.box)
        for line in block.lines:
            line_el = _geometry(_sub(block_el, "TextLine", ID=ids(line.id, "line")), line.box)
            for i, word in enumerate(line.words):
                if i:
                    _sub(line_el, "SP")
                _built_string(line_el, word, ids)


def _built_string(line_el: etree._Element, word: Word, ids: Ids) -> None:
    """A word's String in a new file: its confidences, the OCR reading it corrects and its glyphs
    (where each has a box)."""
    string = _geometry(_sub(line_el, "String", ID=ids(word.id, "string"), CONTENT=word.text), word.box)
    if word.conf is not None:
        string.set("WC", f"{word.conf:.2f}")
    if word.char_confs is not None and len(word.char_confs) == len(word.text):
        string.set("CC", " ".join(str(round((1 - c) * CONF_DIGITS)) for c in word.char_confs))
    if word.correction is not None:
        _sub(string, "ALTERNATIVE", PURPOSE="OCR").text = word.correction.original
    for glyph in word.glyphs if all(g.box for g in word.glyphs) else ():
        _built_glyph(string, glyph, ids)


def _built_glyph(string: etree._Element, glyph: Glyph, ids: Ids) -> None:
    """A glyph's Glyph in a new file: its confidence and the OCR reading it corrects."""
    glyph_el = _geometry(_sub(string, "Glyph", ID=ids(glyph.id, "glyph"), CONTENT=glyph.text), glyph.box)
    if glyph.conf is not None:
        glyph_el.set("GC", f"{glyph.conf:.2f}")
    if glyph.correction is not None:
        _sub(glyph_el, "Variant", CONTENT=glyph.correction.original)


def detect(root: etree._Element, name: str) -> bool:
    """An ``<alto>`` root: in any version's namespace (v2–v4 of the Library of Congress, v1 of CCS
    docWORKS in newspaper archives) or in none, whose elements are read alike."""
    return local(root) == "alto"


FORMAT = XmlFormat(detect, read, write, build)
