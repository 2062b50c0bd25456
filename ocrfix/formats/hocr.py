"""hOCR (XHTML with ``ocr_*`` classes, as Tesseract writes it): read into the model, patch back.

Blocks are ``ocr_par`` (Tesseract's paragraphs; its ``txt`` output puts a blank line between
them), falling back to ``ocr_carea``, then to the page; lines outside them (a headline straight
in its ``ocr_carea``) are blocks of their own, one per parent element. A line is the innermost
element of a line class (Tesseract's ``ocr_line``/``ocr_header``/``ocr_textfloat``/``ocr_caption``,
other engines' ``ocrx_line``); words outside any line (Tesseract 3 and other engines' hOCR
without line elements) are set into lines by their boxes; an ``ocr_par`` (or other ``ocr_*``
element) holding its text with no lines or words is a line, and a line with text beside its
word spans is one word (its whole text). Text straight in an element beside the paragraphs,
lines or words it holds (``<div class='ocr_carea'>本报讯<p class='ocr_par'>…``) is a line of
one word at its place among them, in the box of its element (or of the nearest ancestor with
one); a correction to it is written into that text in place (an XML text node has no title to
record the OCR reading in). A line without a ``bbox`` takes the
union of its words', a word without one its line's. Character boxes come from ``ocrx_cinfo`` spans
(``tesseract -c hocr_char_boxes=1``), per-character confidences from them or from a word's
``x_confs`` list (kraken, OCRopus). A corrected word gets the title properties
``x_ocrfix_original "<OCR reading>"`` and ``x_ocrfix_gain <gain>``.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from typing import NamedTuple

from lxml import etree

from ..errors import InputError
from .model import Alternative, Block, Box, Correction, Document, Glyph, Line, Page, Word
from .registry import XmlFormat
from .xmlutil import ElementPaths, Ids, coordinate, element_maker, local, parse_markup, serialize, where

LINE_CLASSES = frozenset({"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat", "ocr_footer"})
ORIGINAL_PROP, GAIN_PROP = "x_ocrfix_original", "x_ocrfix_gain"


def parse_title(title: str) -> dict[str, list[str]]:
    """hOCR title properties: ``bbox 1 2 3 4; x_wconf 93; image "a;b.png"`` -> {name: [values]}.

    Values may be double-quoted (with backslash escapes); ``;`` inside quotes does not split.
    """
    props: dict[str, list[str]] = {}
    tokens: list[str] = []
    token, quoted, escaped, in_quotes = "", False, False, False

    def flush_token() -> None:
        nonlocal token, quoted
        if token or quoted:
            tokens.append(token)
        token, quoted = "", False

    def flush_prop() -> None:
        flush_token()
        if tokens:
            props[tokens[0]] = tokens[1:]
        tokens.clear()

    for ch in title:
        if escaped:
            token, escaped = token + ch, False
        elif in_quotes:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                in_quotes = False
            else:
                token += ch
        elif ch == '"':
            in_quotes, quoted = True, True
        elif ch == ";":
            flush_prop()
        elif ch.isspace():
            flush_token()
        else:
            token += ch
    flush_prop()
    return props


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _box(el: etree._Element, props: dict[str, list[str]], key: str, name: str, required: bool) -> Box | None:
    values = props.get(key)
    if values is None:
        if required:
            raise InputError(f"{where(el, name)}: missing coordinates (no '{key}' in title)")
        return None
    try:
        x0, y0, x1, y1 = (coordinate(v) for v in values[:4])
    except ValueError:
        raise InputError(f"{where(el, name)}: bad {key} {' '.join(values)!r}") from None
    return Box(x0, y0, x1, y1)


def _number(props: dict[str, list[str]], key: str) -> float | None:
    try:
        return float(props[key][0]) if props.get(key) else None
    except ValueError:
        return None


def _conf(props: dict[str, list[str]], key: str) -> float | None:
    value = _number(props, key)
    return None if value is None else max(0.0, min(1.0, value / 100.0))


def _correction(props: dict[str, list[str]]) -> Correction | None:
    if ORIGINAL_PROP not in props:
        return None
    return Correction(original="".join(props[ORIGINAL_PROP]), gain=_number(props, GAIN_PROP) or 0.0)


def _text(el: etree._Element) -> str:
    return "".join(el.itertext()).strip()


def _choices(group: etree._Element, seen: str) -> tuple[Alternative, ...]:
    """The readings of a choice group (``ocrx_cinfo`` spans inside an ``ocrx_cinfo``, as Tesseract's
    ``-c lstm_choice_mode=2`` writes them after each glyph) other than ``seen``, best first."""
    found: dict[str, float | None] = {}
    for choice in group:
        if isinstance(choice.tag, str) and "ocrx_cinfo" in _classes(choice):
            text = _text(choice)
            if text and text != seen and text not in found:
                found[text] = _conf(parse_title(choice.get("title") or ""), "x_confs")
    return tuple(Alternative(t, c) for t, c in found.items())


def _is_cinfo(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and "ocrx_cinfo" in _classes(el)


def _word(el: etree._Element, paths: ElementPaths, name: str) -> Word:
    props = parse_title(el.get("title") or "")
    glyphs: list[Glyph] = []
    for g in el.iter():
        if not _is_cinfo(g) or _is_cinfo(g.getparent()):
            continue  # a choice inside a choice group
        if any(_is_cinfo(c) for c in g):  # the choice group of the glyph before it
            if glyphs:
                glyphs[-1] = replace(glyphs[-1], alternatives=_choices(g, glyphs[-1].text))
            continue
        gprops = parse_title(g.get("title") or "")
        glyphs.append(Glyph(
            text=_text(g),
            box=_box(g, gprops, "x_bboxes", name, required=False),
            conf=_conf(gprops, "x_conf"),
            id=g.get("id"),
            ref=paths(g),
            correction=_correction(gprops),
        ))
    text = "".join(g.text for g in glyphs) if glyphs else _text(el)
    try:
        confs = tuple(max(0.0, min(1.0, float(v) / 100.0)) for v in props.get("x_confs", []))
    except ValueError:
        raise InputError(f"{where(el, name)}: x_confs is not a list of numbers") from None
    return Word(
        text=text,
        box=_box(el, props, "bbox", name, required=False),
        conf=_conf(props, "x_wconf"),
        char_confs=confs if len(confs) == len(text) and confs else None,
        glyphs=tuple(glyphs),
        id=el.get("id"),
        ref=paths(el),
        correction=_correction(props),
    )


def _line(el: etree._Element, paths: ElementPaths, name: str) -> Line:
    props = parse_title(el.get("title") or "")
    box = _box(el, props, "bbox", name, required=False)
    word_els = [w for w in el.iter() if "ocrx_word" in _classes(w)]
    if word_els:
        words = tuple(_word(w, paths, name) for w in word_els)
        found = [w.box for w in words if w.box is not None]
        box = box or (Box.union(found) if found else None)
    if box is None:
        raise InputError(f"{where(el, name)}: missing coordinates (no 'bbox' in title)")
    if not word_els or _outside_words(el):  # no word spans, or text beside them: the line itself is the one word
        words = (Word(text=_text(el), box=box, ref=paths(el), correction=_correction(props)),)
    words = tuple(w if w.box is not None else replace(w, box=box) for w in words)
    return Line(words=words, box=box, id=el.get("id"), ref=paths(el), font_size=_number(props, "x_size"))


def _outside_words(el: etree._Element) -> str:
    """The text of a line outside its word spans (a producer that wraps some words and not others)."""
    return "".join(el.xpath(".//text()[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' ocrx_word ')])]")).strip()


def _loose_lines(word_els: list[etree._Element], paths: ElementPaths, name: str) -> list[Line]:
    """Words outside any line element set into lines: a word starts a new line where it does
    not overlap the current line's height or starts left of its previous word."""
    lines: list[list[Word]] = []
    for el in word_els:
        word = _word(el, paths, name)
        if word.box is None:
            raise InputError(f"{where(el, name)}: missing coordinates (no 'bbox' in title)")
        last = lines[-1][-1].box if lines else None
        if last is None or word.box.y0 >= last.y1 or word.box.y1 <= last.y0 or word.box.x0 < last.x0:
            lines.append([])
        lines[-1].append(word)
    return [Line(words=tuple(ws), box=Box.union([w.box for w in ws])) for ws in lines]


_TEXT_CLASSES = LINE_CLASSES | {"ocrx_word", "ocrx_cinfo"}


def _is_line(el: etree._Element) -> bool:
    """An element of a line class with no line inside it (a caption float holding its own lines
    is not one), or any other ``ocr_*`` element (a paragraph) holding text of its own where no
    line or word, nor another such element, is inside or around it."""
    inner = {c for d in el.iterdescendants() if isinstance(d.tag, str) for c in _classes(d)}
    if _classes(el) & LINE_CLASSES:
        return not inner & LINE_CLASSES
    return (_holds_text(el) and not (_classes(el) | inner) & _TEXT_CLASSES
            and not any(_classes(a) & _TEXT_CLASSES for a in el.iterancestors())
            and not any(_holds_text(d) for d in el.iterdescendants() if isinstance(d.tag, str)))


def _holds_text(el: etree._Element) -> bool:
    """Whether ``el`` is an ``ocr_*`` element with text of its own (not only its children's).
    Of two such elements, one inside the other, only the inner one is read as a line (text
    straight in a page that holds paragraphs would otherwise be read twice: the page as one
    line with all of it, and each paragraph); the outer one's own text is read apart (see
    :func:`_own_text`)."""
    own_text = (el.text or "").strip() or any((c.tail or "").strip() for c in el)
    return bool(own_text) and any(c.startswith("ocr") for c in _classes(el))


def _own_text(el: etree._Element) -> bool:
    """Whether ``el`` holds text straight in it beside the paragraphs, lines or words inside it
    (``国`` in ``<div class='ocr_page'>国<div class='ocr_carea'>…``): that text is read as
    lines of its own (see :func:`_slot_line`), the rest from the elements inside it."""
    return (isinstance(el.tag, str) and not _classes(el) & _TEXT_CLASSES and _holds_text(el)
            and not any(_classes(a) & _TEXT_CLASSES for a in el.iterancestors()) and not _is_line(el))


class _Slot(NamedTuple):
    """Text straight in ``holder`` (see :func:`_own_text`): its text before its first child
    (``el`` is ``holder``, ``tail`` False) or the tail of its child ``el``."""

    holder: etree._Element
    el: etree._Element
    tail: bool


def _text_elements(page_el: etree._Element) -> dict[etree._Element, list[etree._Element | _Slot]]:
    """Lines, words outside any line, and text straight in an element beside them (see
    :func:`_own_text`) of a page by the element that holds them as a block (see
    :class:`_BlockItems`), in document order."""
    items = _BlockItems(page_el)
    for event, el in etree.iterwalk(page_el, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "end":  # the text after an element, straight in its parent
            slot = _tail_slot(el, page_el)
            if slot is not None:
                items.add_slot(slot)
            continue
        if (el.text or "").strip() and _own_text(el):
            items.add_slot(_Slot(el, el, False))
        if _loose_word(el) or _is_line(el):
            items.add_element(el)
    return items.found


class _BlockItems:
    """The items of a page's blocks (lines, words outside any line, text straight in an element)
    by the element that holds them as a block: their paragraph, else their content area, else the
    page (``containers``); one outside them: its parent, or for such text the element it is in."""

    def __init__(self, page_el: etree._Element) -> None:
        pars = [el for el in page_el.iter() if "ocr_par" in _classes(el)]
        self.containers = set(pars or [el for el in page_el.iter() if "ocr_carea" in _classes(el)] or [page_el])
        self.found: dict[etree._Element, list[etree._Element | _Slot]] = {}

    def add_slot(self, slot: _Slot) -> None:
        block = next((a for a in (slot.holder, *slot.holder.iterancestors()) if a in self.containers), slot.holder)
        self.found.setdefault(block, []).append(slot)

    def add_element(self, el: etree._Element) -> None:
        holder = next((a for a in el.iterancestors() if a in self.containers), el.getparent())
        self.found.setdefault(holder, []).append(el)


def _tail_slot(el: etree._Element, page_el: etree._Element) -> _Slot | None:
    """The text after ``el`` (inside the page ``page_el``), where it stands straight in a parent
    that holds text of its own (:func:`_own_text`); else None."""
    parent = el.getparent()
    if el is not page_el and (el.tail or "").strip() and parent is not None and _own_text(parent):
        return _Slot(parent, el, True)
    return None


def _loose_word(el: etree._Element) -> bool:
    """Whether ``el`` is a word outside any line."""
    return "ocrx_word" in _classes(el) and not any(_classes(a) & LINE_CLASSES for a in el.iterancestors())


def _slot_line(slot: _Slot, paths: ElementPaths, name: str) -> Line:
    """The text of ``slot`` as a line of one word, its box the nearest one of its holder and the
    holder's ancestors; the word's ``ref`` addresses the text node, which is written back in
    place (see :func:`write`)."""
    holder = slot.holder
    k, text = next((k, t) for k, t in enumerate(holder.xpath("text()"), 1) if t.getparent() is slot.el and t.is_tail == slot.tail)
    box = next((b for a in (holder, *holder.iterancestors())
                if (b := _box(a, parse_title(a.get("title") or ""), "bbox", name, required=False)) is not None), None)
    if box is None:
        raise InputError(f"{where(holder, name)}: missing coordinates (no 'bbox' in title)")
    return Line(words=(Word(text=text.strip(), box=box, ref=f"{paths(holder)}/text()[{k}]"),), box=box)


def _kind(item: etree._Element | _Slot) -> str:
    return "slot" if isinstance(item, _Slot) else "line" if _is_line(item) else "words"


def _block(el: etree._Element, items: list[etree._Element | _Slot], paths: ElementPaths, name: str) -> Block:
    lines: list[Line] = []
    for kind, run in groupby(items, _kind):
        if kind == "words":
            lines.extend(_loose_lines(list(run), paths, name))
        else:
            lines.extend(_slot_line(l, paths, name) if kind == "slot" else _line(l, paths, name) for l in run)
    box = _box(el, parse_title(el.get("title") or ""), "bbox", name, required=False)
    return Block(lines=tuple(lines), box=box or Box.union([l.box for l in lines]), id=el.get("id"), ref=paths(el))


def read(tree: etree._ElementTree, name: str, source: bytes) -> Document:
    paths = ElementPaths(tree)
    pages = []
    page_els = [el for el in tree.iter() if "ocr_page" in _classes(el)]
    if not page_els:  # a layout tool's ocr_carea/ocr_par/ocr_line alone: the body is one page
        body = next((el for el in tree.iter() if local(el) == "body"), tree.getroot())
        page_els = [body] if _text_elements(body) else []
    for page_el in page_els:
        blocks = tuple(_block(el, items, paths, name) for el, items in _text_elements(page_el).items())
        props = parse_title(page_el.get("title") or "")
        box = _box(page_el, props, "bbox", name, required=False)
        if box is None:
            box = Box.union([b.box for b in blocks]) if blocks else Box(0, 0, 0, 0)
        image = " ".join(props["image"]) if props.get("image") else None
        pages.append(Page(blocks=blocks, box=box, id=page_el.get("id"), ref=paths(page_el), image=image))
    if not pages:
        raise InputError(f"{name}: hOCR without an ocr_page element or any line or word")
    return Document(format="hocr", pages=tuple(pages), name=name, source=source, software=_software(tree))


def _software(tree: etree._ElementTree) -> str | None:
    """The ``<meta name="ocr-system">`` of the head: the OCR software that wrote the file."""
    for el in tree.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "meta" and el.get("name") == "ocr-system":
            return (el.get("content") or "").strip() or None
    return None


def _set_text(el: etree._Element, text: str) -> None:
    """Put ``text`` into the first text slot of ``el`` (inside any <strong>/<em>) and empty the rest."""
    slots = [el] + [d for d in el.iterdescendants() if isinstance(d.tag, str)]
    target = next((d for d in slots if (d.text or "").strip()), el)
    for d in slots:
        if d is not target and (d.text or "").strip():
            d.text = ""
        if d is not el and (d.tail or "").strip():
            d.tail = ""
    target.text = text


def _set_slot(slot: str, text: str) -> None:
    """Put ``text`` in place of the text node ``slot`` (an lxml text result), its leading and
    trailing whitespace kept."""
    lead, trail = slot[:len(slot) - len(slot.lstrip())], slot[len(slot.rstrip()):]
    if slot.is_tail:
        slot.getparent().tail = lead + text + trail
    else:
        slot.getparent().text = lead + text + trail


def _mark(el: etree._Element, correction: Correction) -> None:
    title = (el.get("title") or "").rstrip("; ")
    props = parse_title(title)
    if ORIGINAL_PROP in props:  # corrected again: keep the first OCR reading
        return
    extra = _marks(correction)
    el.set("title", f"{title}; {extra}" if title else extra)


def write(doc: Document) -> bytes:
    tree = parse_markup(doc.source, doc.name)
    for word in doc.words():
        if word.correction is None:
            continue
        (el,) = tree.xpath(word.ref)
        if isinstance(el, str):  # text straight in an element (see _slot_line): no title to record the reading in
            _set_slot(el, word.text)
            continue
        if word.glyphs and len(word.glyphs) == len(word.text):
            for glyph in word.glyphs:
                if glyph.correction is not None:
                    (gel,) = tree.xpath(glyph.ref)
                    _set_text(gel, glyph.text)
                    _mark(gel, glyph.correction)
        else:
            _set_text(el, word.text)
        _mark(el, word.correction)
    return serialize(tree)


XHTML = "http://www.w3.org/1999/xhtml"
_DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'


def _title(*props: str | None) -> str:
    return "; ".join(p for p in props if p)


def _bbox(box: Box | None, key: str = "bbox") -> str | None:
    return None if box is None else f"{key} {box.x0} {box.y0} {box.x1} {box.y1}"


def _marks(correction: Correction | None) -> str | None:
    """The title properties of a correction; its gain to four decimals, the edit log's (its gains
    rounded again to fewer would make a file written from the log, ``ocrfix apply``, differ)."""
    return None if correction is None else f"{ORIGINAL_PROP} {_quote(correction.original)}; {GAIN_PROP} {correction.gain:.4f}"


def build(doc: Document) -> bytes:
    """A new hOCR file from any document with geometry (conversion from ALTO or PAGE)."""
    make, ids = element_maker(XHTML), Ids()

    def sub(parent: etree._Element, tag: str, cls: str | None = None, **attrs: str) -> etree._Element:
        return make(parent, tag, **({"class": cls} if cls else {}), **attrs)

    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    head = sub(root, "head")
    sub(head, "title").text = ""
    sub(head, "meta", **{"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    sub(head, "meta", name="ocr-system", content=doc.software or "ocrfix")  # the engine, when known, stays named
    sub(head, "meta", name="ocr-capabilities", content="ocr_page ocr_carea ocr_line ocrx_word ocrx_cinfo")
    body = sub(root, "body")
    for page in doc.pages:
        image = f"image {_quote(page.image)}" if page.image else None
        page_el = sub(body, "div", "ocr_page", id=ids(page.id, "page"), title=_title(image, _bbox(page.box)))
        for block in page.blocks:
            block_el = sub(page_el, "div", "ocr_carea", id=ids(block.id, "block"), title=_title(_bbox(block.box)))
            par = sub(block_el, "p", "ocr_par", id=ids(None, "par"), title=_title(_bbox(block.box)))
            for line in block.lines:
                size = f"x_size {line.font_size:g}" if line.font_size else None
                line_el = sub(par, "span", "ocr_line", id=ids(line.id, "line"), title=_title(_bbox(line.box), size))
                for word in line.words:
                    conf = None if word.conf is None else f"x_wconf {round(word.conf * 100)}"
                    confs = None if word.char_confs is None else "x_confs " + " ".join(f"{c * 100:.0f}" for c in word.char_confs)
                    word_el = sub(line_el, "span", "ocrx_word", id=ids(word.id, "word"),
                                  title=_title(_bbox(word.box or line.box), conf, confs, _marks(word.correction)))
                    if len(word.glyphs) != len(word.text) or not all(g.box for g in word.glyphs):
                        word_el.text = word.text
                        continue
                    for glyph in word.glyphs:
                        gconf = None if glyph.conf is None else f"x_conf {glyph.conf * 100:.2f}"
                        sub(word_el, "span", "ocrx_cinfo", title=_title(_bbox(glyph.box, "x_bboxes"), gconf, _marks(glyph.correction))).text = glyph.text
    tree = etree.ElementTree(root)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype=_DOCTYPE)


def detect(root: etree._Element, name: str) -> bool:
    """An ``<html>`` root with ``ocr_*`` classes."""
    if etree.QName(root).localname != "html":
        return False
    if root.xpath("//*[starts-with(@class, 'ocr_') or starts-with(@class, 'ocrx_')]"):
        return True
    raise InputError(f"{name}: <html> without ocr_* classes is not hOCR")


FORMAT = XmlFormat(detect, read, write, build)
