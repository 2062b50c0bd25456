"""PAGE XML (OCR-D, Transkribus, FineReader; every schema version from 2010 to 2019): read into
the model, patch back.

Text is taken from the lowest level that carries it: ``Glyph`` inside ``Word`` inside
``TextLine`` (a line without words becomes one word); a region whose text is only in its own
``TextEquiv`` gives one line per line of that text (the boxes of its ``TextLine``s when they
match, else its own box cut into equal rows), and a correction rewrites that ``TextEquiv``.
Coordinates are ``Coords/@points`` or, in the 2010 schema, ``Coords/Point`` elements. Written
elements take the file's own namespace. Regions follow the
``ReadingOrder`` when there is one. The main reading is the ``TextEquiv`` with the lowest
``index``. A corrected element gets the new text as ``TextEquiv index="1"`` (``conf`` =
the edit's gain, the corrector's probability that it is right) followed by the OCR reading as
``TextEquiv index="2"`` with its original ``conf`` (its other readings after them); the line's and region's own
``TextEquiv`` are updated to stay consistent with their words.
"""
from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from ..errors import InputError
from .detect import PAGE_NAMESPACE, PAGE_NAMESPACE_PREFIX
from .model import Alternative, Block, Box, Correction, Document, Glyph, Line, Page, Word, spelling_glyphs
from .registry import XmlFormat
from .xmlutil import (ElementPaths, Ids, LineElements, coordinate, element_maker, float_attr, line_elements, local, parse_xml,
                      serialize, where)

ORIGINAL_COMMENT = "ocrfix: original OCR reading"


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    return [c for c in el if local(c) == tag]


def _ns(el: etree._Element) -> str:
    """The PAGE namespace of an element (the file's schema version): new elements get the same."""
    return etree.QName(el).namespace or PAGE_NAMESPACE


def _box(el: etree._Element, name: str) -> Box:
    coords = _children(el, "Coords")
    points = coords[0].get("points") if coords else None
    if not points and coords:  # the 2010 schema: <Point x="" y=""/> children
        points = " ".join(f"{p.get('x')},{p.get('y')}" for p in _children(coords[0], "Point"))
    if not points:
        raise InputError(f"{where(el, name)}: missing coordinates (no Coords/@points)")
    try:
        xy = [tuple(coordinate(v) for v in p.split(",")) for p in points.split()]
        xs, ys = [p[0] for p in xy], [p[1] for p in xy]
        if not xy:
            raise ValueError(points)
    except (ValueError, IndexError):
        raise InputError(f"{where(el, name)}: bad Coords points {points[:60]!r}") from None
    return Box(min(xs), min(ys), max(xs), max(ys))


def _equivs(el: etree._Element) -> list[etree._Element]:
    """TextEquiv children, main reading first (lowest index; document order breaks ties)."""
    equivs = _children(el, "TextEquiv")
    return sorted(equivs, key=lambda e: _index(e, 0))


def _index(el: etree._Element, default: int) -> int:
    """An element's ``index`` (a sort order only): ``default`` without one or with one that is no
    whole number."""
    try:
        return int(el.get("index") or default)
    except ValueError:
        return default


def _unicode(equiv: etree._Element) -> etree._Element | None:
    found = _children(equiv, "Unicode")
    return found[0] if found else None


def _reading(el: etree._Element, name: str) -> tuple[str, float | None, Correction | None] | None:
    equivs = _equivs(el)
    if not equivs:
        return None
    uni = _unicode(equivs[0])
    text = (uni.text or "") if uni is not None else ""
    original = next((e for e in equivs[1:] if e.get("comments") == ORIGINAL_COMMENT), None)
    correction = None
    if original is not None:
        ouni = _unicode(original)
        correction = Correction(original=(ouni.text or "") if ouni is not None else "")
    return text, float_attr(equivs[0], "conf", name), correction


def _alternatives(el: etree._Element, name: str) -> list[Alternative]:
    """The element's further readings (``TextEquiv``s after the main one, ocrfix's own record of
    an OCR reading excepted) that differ from the main one."""
    equivs = _equivs(el)
    main = _unicode(equivs[0]) if equivs else None
    found: dict[str, float | None] = {}
    for equiv in equivs[1:]:
        uni = _unicode(equiv)
        text = (uni.text or "") if uni is not None else ""
        if text and equiv.get("comments") != ORIGINAL_COMMENT and text != (main.text if main is not None else None):
            found.setdefault(text, float_attr(equiv, "conf", name))
    return [Alternative(t, c) for t, c in found.items()]


def _glyph(el: etree._Element, paths: ElementPaths, name: str) -> Glyph | None:
    """The glyph, None without a reading (an empty or blank one included: its word's text would
    not have one character per glyph, and a correction could not be written into the glyphs)."""
    reading = _reading(el, name)
    if reading is None or not reading[0].strip():
        return None
    text, conf, correction = reading
    return Glyph(text=text, box=_box(el, name), conf=conf, id=el.get("id"), ref=paths(el), correction=correction,
                 alternatives=tuple(_alternatives(el, name)))


def _word(el: etree._Element, paths: ElementPaths, name: str) -> Word | None:
    glyphs = tuple(g for g in (_glyph(g, paths, name) for g in _children(el, "Glyph")) if g is not None)
    reading = _reading(el, name)
    if reading is None and not glyphs:
        return None
    text, conf, correction = reading or ("".join(g.text for g in glyphs), None, None)
    return Word(text=text, box=_box(el, name), conf=conf, glyphs=spelling_glyphs(text, glyphs), id=el.get("id"), ref=paths(el), correction=correction,
                alternatives=tuple(a.text for a in _alternatives(el, name)))


def _font_size(el: etree._Element, name: str) -> float | None:
    style = _children(el, "TextStyle")
    return float_attr(style[0], "fontSize", name) if style else None


def _line(el: etree._Element, paths: ElementPaths, name: str) -> Line | None:
    box = _box(el, name)
    words = tuple(w for w in (_word(w, paths, name) for w in _children(el, "Word")) if w is not None)
    if not words:
        reading = _reading(el, name)
        if reading is None:
            return None
        text, conf, correction = reading
        words = (Word(text=text, box=box, conf=conf, ref=paths(el), correction=correction),)  # the line's own id stays the line's
    return Line(words=words, box=box, id=el.get("id"), ref=paths(el), font_size=_font_size(el, name))


_ORDER_TAGS = ("RegionRefIndexed", "RegionRef", "OrderedGroupIndexed", "UnorderedGroupIndexed", "OrderedGroup", "UnorderedGroup")


def _members(group: etree._Element) -> list[etree._Element]:
    """A ReadingOrder group's members sorted by ``index`` (document order without one)."""
    members = [c for c in group if local(c) in _ORDER_TAGS]
    return [m for _, m in sorted(enumerate(members), key=lambda im: (_index(im[1], im[0]), im[0]))]


def _order_refs(group: etree._Element) -> list[str]:
    """Region IDs of a ReadingOrder group, depth first, each level sorted by ``index``."""
    refs: list[str] = []
    for member in _members(group):
        if member.get("regionRef"):
            refs.append(member.get("regionRef"))
        refs.extend(_order_refs(member))
    return refs


def _order_groups(page_el: etree._Element, regions: list[str | None]) -> tuple[tuple[int, ...], ...]:
    """The page's stories as the file groups them: the blocks (indices into ``regions``, the IDs
    of the regions read) of each group inside the ReadingOrder's top group, when there are two
    or more (how ocrfix writes a page's stories)."""
    order = _children(page_el, "ReadingOrder")
    tops = [c for c in order[0] if local(c) in _ORDER_TAGS] if order else []
    if len(tops) != 1:
        return ()
    index = {r: k for k, r in enumerate(regions) if r}
    groups = (_order_refs(m) for m in _members(tops[0]) if "Group" in local(m))
    found = tuple(g for g in (tuple(index[r] for r in refs if r in index) for refs in groups) if g)
    return found if len(found) >= 2 else ()


def _region_lines(region: etree._Element, paths: ElementPaths, name: str) -> tuple[Line, ...]:
    """The lines of a region whose text is in its own ``TextEquiv`` only (none in its lines, words,
    glyphs or nested regions): one line per line of that text, each a word whose ``ref`` is the
    region's; the line boxes of its ``TextLine``s when there are as many, else its box in rows."""
    if any(local(e) == "TextEquiv" and e.getparent() is not region for e in region.iter()):
        return ()
    reading = _reading(region, name)
    texts = [t for t in (reading[0] if reading else "").splitlines() if t.strip()]
    if not texts:
        return ()
    conf, ref, box = reading[1], paths(region), _box(region, name)
    line_els = _children(region, "TextLine")
    if len(line_els) == len(texts):
        boxes = [_box(l, name) for l in line_els]
    else:
        step = box.height / len(texts)
        boxes = [Box(box.x0, round(box.y0 + k * step), box.x1, round(box.y0 + (k + 1) * step)) for k in range(len(texts))]
    return tuple(Line(words=(Word(text=t, box=b, conf=conf, ref=ref),), box=b, ref=ref) for t, b in zip(texts, boxes))


def _regions_in_order(page_el: etree._Element) -> list[etree._Element]:
    regions = [r for r in page_el.iter() if local(r) == "TextRegion"]
    by_id = {r.get("id"): r for r in regions}
    order = _children(page_el, "ReadingOrder")
    ordered = [by_id[r] for r in dict.fromkeys(_order_refs(order[0]) if order else []) if r in by_id]
    return ordered + [r for r in regions if r not in ordered]


def read(tree: etree._ElementTree, name: str, source: bytes) -> Document:
    paths = ElementPaths(tree)
    pages = []
    for page_el in (el for el in tree.getroot() if local(el) == "Page"):
        blocks = []
        for region in _regions_in_order(page_el):
            lines = tuple(l for l in (_line(l, paths, name) for l in _children(region, "TextLine")) if l is not None)
            lines = lines or _region_lines(region, paths, name)
            if lines:
                blocks.append(Block(lines=lines, box=_box(region, name), id=region.get("id"), ref=paths(region)))
        width, height = float_attr(page_el, "imageWidth", name), float_attr(page_el, "imageHeight", name)
        if (not width or not height) and blocks:
            raise InputError(f"{where(page_el, name)}: missing imageWidth/imageHeight")
        box = Box(0, 0, round(width), round(height)) if width and height else None  # None: a page without text or size
        pages.append(Page(blocks=tuple(blocks), box=box, id=page_el.get("id"), ref=paths(page_el), image=page_el.get("imageFilename"),
                          stories=_order_groups(page_el, [b.id for b in blocks])))
    if not pages:
        raise InputError(f"{name}: PAGE XML without a <Page> element")
    return Document(format="page", pages=tuple(pages), name=name, source=source, software=_software(tree.getroot()))


def _software(root: etree._Element) -> str | None:
    """``Metadata/Creator``: the software that wrote the file."""
    creator = [c for m in _children(root, "Metadata") for c in _children(m, "Creator")]
    return ((creator[0].text or "").strip() or None) if creator else None


def _equiv(ns: str, index: int, text: str, conf: float | None, comments: str | None = None) -> etree._Element:
    el = etree.Element(f"{{{ns}}}TextEquiv", index=str(index))
    if conf is not None:
        el.set("conf", f"{conf:.4g}")
    if comments:
        el.set("comments", comments)
    etree.SubElement(el, f"{{{ns}}}Unicode").text = text
    return el


def _correct_equivs(el: etree._Element, text: str, correction: Correction) -> None:
    """Main TextEquiv := corrected text (index 1); then the OCR reading as index 2; the element's
    other readings after them as index 3, 4, … in their order (one without an index, or with 1
    or 2, would otherwise come first)."""
    equivs = _equivs(el)
    if _reading(el, "")[2] is not None:  # already corrected once: update the main reading only
        _unicode(equivs[0]).text = text
        return
    main = equivs[0]
    ocr_conf = main.get("conf")
    preference = max(0.0, min(1.0, correction.gain))
    position = list(el).index(main)
    el.remove(main)
    el.insert(position, _equiv(_ns(el), 2, correction.original, float(ocr_conf) if ocr_conf else None, ORIGINAL_COMMENT))
    el.insert(position, _equiv(_ns(el), 1, text, preference))
    for index, other in enumerate(equivs[1:], 3):
        other.set("index", str(index))


def _patch_string(text: str, replacements: list[tuple[str, str]]) -> str:
    """Replace each (old, new) in order, scanning left to right; unmatched pairs are skipped."""
    out, cursor = [], 0
    for old, new in replacements:
        at = text.find(old, cursor) if old else -1
        if at < 0:
            continue
        out.append(text[cursor:at] + new)
        cursor = at + len(old)
    return "".join(out) + text[cursor:]


def _update_parent(el: etree._Element, replacements: list[tuple[str, str]]) -> None:
    equivs = _equivs(el)
    uni = _unicode(equivs[0]) if equivs else None
    if uni is not None and uni.text:
        uni.text = _patch_string(uni.text, replacements)


def _write_region_texts(tree: etree._ElementTree, words: list[Word]) -> set[str]:
    """Corrections of regions whose text is their own ``TextEquiv`` (words from
    :func:`_region_lines`) written into it, all its lines at once; the refs of those regions."""
    regions: dict[str, list[Word]] = {}
    for word in words:
        if local(tree.xpath(word.ref)[0]) == "TextRegion":
            regions.setdefault(word.ref, []).append(word)
    for ref, found in regions.items():
        fixed = [w for w in found if w.correction is not None]
        if fixed:
            original = "\n".join(w.correction.original if w.correction else w.text for w in found)
            _correct_equivs(tree.xpath(ref)[0], "\n".join(w.text for w in found), Correction(original, max(w.correction.gain for w in fixed)))
    return set(regions)


def write(doc: Document) -> bytes:
    tree = parse_xml(doc.source, doc.name)
    region_texts = _write_region_texts(tree, list(doc.words()))
    for page in doc.pages:
        for block in page.blocks:
            block_changes = [change for line in block.lines for change in _write_line(tree, line, region_texts)]
            if block_changes and block.ref is not None:
                _update_parent(tree.xpath(block.ref)[0], block_changes)
    ids = Ids.taken(tree, "id")
    for page in doc.pages:
        if page.stories and not any(w.ref in region_texts for b in page.blocks for l in b.lines for w in l.words):
            _regroup(tree, tree.xpath(page.ref)[0], page, ids)  # (regions holding their own text stay as they are)
    return serialize(tree)


def _write_line(tree: etree._ElementTree, line: Line, region_texts: set[str]) -> list[tuple[str, str]]:
    """The corrections of a line's words written into their elements and into the line's own
    text, but those of words in a region whose text is its own (``region_texts``: written
    already); the line's replacements (OCR reading, corrected text), for its region's text."""
    changes: list[tuple[str, str]] = []
    for word in line.words:
        if word.correction is None or word.ref in region_texts:
            continue
        _write_word(tree, word, word.correction)
        changes.append((word.correction.original, word.text))
    if changes and line.words[0].ref != line.ref:
        _update_parent(tree.xpath(line.ref)[0], changes)
    return changes


def _write_word(tree: etree._ElementTree, word: Word, correction: Correction) -> None:
    """A corrected word's reading (``correction``) and its glyphs' written into their TextEquivs."""
    (el,) = tree.xpath(word.ref)
    for glyph in word.glyphs:
        if glyph.correction is not None:
            (gel,) = tree.xpath(glyph.ref)
            _correct_equivs(gel, glyph.text, glyph.correction)
    if _equivs(el):
        _correct_equivs(el, word.text, correction)


def _regroup(tree: etree._ElementTree, page_el: etree._Element, page: Page, ids: Ids) -> None:
    """Text regions of ``page_el`` rebuilt as ``page`` groups its lines (one region per block,
    see :mod:`.grouping`), the ``ReadingOrder`` one group per story. Line elements are moved,
    a line split across a gutter becomes one line element per part (its words moved into it);
    regions left without lines are removed."""
    moved = line_elements(tree, page)
    old = [r for r in page_el if local(r) == "TextRegion"]
    at = list(page_el).index(old[0]) if old else len(page_el)
    regions = [_region(page_el, block, moved, ids) for block in page.blocks]
    moved.remove_split()
    for region in old:
        if not any(local(el) == "TextLine" for el in region.iter()):
            page_el.remove(region)
    for k, region in enumerate(regions):
        page_el.insert(at + k, region)
    _story_order(page_el, [r.get("id") for r in regions], page.stories, ids)


def _region(page_el: etree._Element, block: Block, moved: LineElements, ids: Ids) -> etree._Element:
    """A new TextRegion for ``block``, holding its line elements (``moved``; a line in parts: a
    new line element per part) and its text."""
    region = etree.Element(f"{{{_ns(page_el)}}}TextRegion", id=ids(None, "region"))
    _coords(region, block.box)
    for line in block.lines:
        el = moved.lines[line.ref]
        region.append(_line_part(el, line, moved.words, ids) if moved.split(line) else el)
    region.append(_equiv(_ns(page_el), 1, "\n".join(line.text() for line in block.lines), None))
    return region


def _line_part(el: etree._Element, line: Line, words: dict[str, etree._Element], ids: Ids) -> etree._Element:
    """A new TextLine holding the word elements of ``line``, part of the line element ``el``."""
    part = etree.Element(el.tag, {k: v for k, v in el.attrib.items() if k != "id"}, id=ids(line.id, "line"))
    _coords(part, line.box)
    for word in line.words:
        part.append(words[word.ref])
    part.append(_equiv(_ns(el), 1, line.text(), None))
    return part


def _story_order(page_el: etree._Element, regions: list[str], stories: tuple[tuple[int, ...], ...], ids: Ids) -> None:
    """``ReadingOrder``: one ``OrderedGroupIndexed`` per story, then the regions of no story."""
    for old in _children(page_el, "ReadingOrder"):
        page_el.remove(old)
    ns = _ns(page_el)
    order = etree.Element(f"{{{ns}}}ReadingOrder")
    top = etree.SubElement(order, f"{{{ns}}}OrderedGroup", id=ids(None, "ro"))
    grouped = {k for story in stories for k in story}
    for index, story in enumerate(stories):
        group = etree.SubElement(top, f"{{{ns}}}OrderedGroupIndexed", id=ids(None, "story"), index=str(index),
                                 caption=f"story {index + 1}")
        for k, block in enumerate(story):
            etree.SubElement(group, f"{{{ns}}}RegionRefIndexed", index=str(k), regionRef=regions[block])
    for k, region in enumerate(r for b, r in enumerate(regions) if b not in grouped):
        etree.SubElement(top, f"{{{ns}}}RegionRefIndexed", index=str(len(stories) + k), regionRef=region)
    page_el.insert(sum(1 for c in page_el if local(c) in ("AlternativeImage", "Border", "PrintSpace")), order)


def _coords(parent: etree._Element, box: Box) -> None:
    points = f"{box.x0},{box.y0} {box.x1},{box.y0} {box.x1},{box.y1} {box.x0},{box.y1}"
    etree.SubElement(parent, f"{{{_ns(parent)}}}Coords", points=points)


def _readings(parent: etree._Element, text: str, conf: float | None, correction: Correction | None) -> None:
    if correction is None:
        parent.append(_equiv(PAGE_NAMESPACE, 1, text, conf))
    else:
        parent.append(_equiv(PAGE_NAMESPACE, 1, text, max(0.0, min(1.0, correction.gain))))
        parent.append(_equiv(PAGE_NAMESPACE, 2, correction.original, conf, ORIGINAL_COMMENT))


def build(doc: Document) -> bytes:
    """A new PAGE 2019 file from any document with geometry (conversion from hOCR or ALTO)."""
    sub, ids = element_maker(PAGE_NAMESPACE), Ids()
    root = etree.Element(f"{{{PAGE_NAMESPACE}}}PcGts", nsmap={None: PAGE_NAMESPACE})
    meta = sub(root, "Metadata")
    sub(meta, "Creator").text = doc.software or "ocrfix"  # the engine, when known, stays named
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    sub(meta, "Created").text = now
    sub(meta, "LastChange").text = now
    for page in doc.pages:
        width, height = (page.box.x1, page.box.y1) if page.box is not None else (0, 0)  # a page without text has no box
        page_el = sub(root, "Page", imageFilename=page.image or "", imageWidth=str(width), imageHeight=str(height))
        order = sub(sub(page_el, "ReadingOrder"), "OrderedGroup", id=ids(None, "ro"))
        regions = []
        for index, block in enumerate(page.blocks):
            region = sub(page_el, "TextRegion", id=ids(block.id, "region"))
            regions.append(region.get("id"))
            if not page.stories:
                sub(order, "RegionRefIndexed", index=str(index), regionRef=region.get("id"))
            _coords(region, block.box)
            for line in block.lines:
                line_el = sub(region, "TextLine", id=ids(line.id, "line"))
                _coords(line_el, line.box)
                for word in line.words:
                    word_el = sub(line_el, "Word", id=ids(word.id, "word"))
                    _coords(word_el, word.box or line.box)
                    for glyph in word.glyphs if all(g.box for g in word.glyphs) else ():
                        glyph_el = sub(word_el, "Glyph", id=ids(glyph.id, "glyph"))
                        _coords(glyph_el, glyph.box)
                        _readings(glyph_el, glyph.text, glyph.conf, glyph.correction)
                    _readings(word_el, word.text, word.conf, word.correction)
                line_el.append(_equiv(PAGE_NAMESPACE, 1, line.text(), None))
            region.append(_equiv(PAGE_NAMESPACE, 1, "\n".join(line.text() for line in block.lines), None))
        if page.stories:
            _story_order(page_el, regions, page.stories, ids)
    return serialize(etree.ElementTree(root))


def detect(root: etree._Element, name: str) -> bool:
    """A ``<PcGts>`` root in a PAGE namespace (any schema version: their text, coordinates and
    reading order are read alike)."""
    if local(root) != "PcGts":
        return False
    ns = etree.QName(root).namespace or ""
    if not ns.startswith(PAGE_NAMESPACE_PREFIX):
        raise InputError(f"{name}: <PcGts> in namespace {ns!r} is not PAGE ({PAGE_NAMESPACE_PREFIX}<date>)")
    return True


FORMAT = XmlFormat(detect, read, write, build)
