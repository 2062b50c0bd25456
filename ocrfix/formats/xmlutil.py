"""lxml parsing and small helpers shared by the hOCR, ALTO and PAGE modules.

The parser never resolves entities or fetches DTDs/schemas over the network (hOCR files
declare the XHTML DTD; OCR files come from untrusted scans).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from ..errors import InputError

if TYPE_CHECKING:
    from .model import Line, Page

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes, name: str) -> etree._ElementTree:
    """Parse ``data`` (the bytes of file ``name``) or raise :class:`InputError` with the parser's line."""
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise InputError(f"{name}: malformed XML at line {line}, column {column}: {exc.msg.split(', line ')[0]}") from None
    # An entity the file declares stays an unexpanded node in the text: its words would be read
    # without it and the file written back would hold a reference its new DOCTYPE may not declare.
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        raise InputError(f"{name}: XML entity {entity.text} at line {entity.sourceline} (entities a file declares "
                         "are never expanded)")
    return etree.ElementTree(root)


def parse_markup(data: bytes, name: str) -> etree._ElementTree:
    """:func:`parse_xml`, or for an HTML document that is not well-formed XML (hOCR written as
    HTML5: ``<meta charset="utf-8">`` left open, ``&nbsp;``) lxml's HTML parser's tree."""
    from lxml import html

    try:
        return parse_xml(data, name)
    except InputError as not_xml:
        if not data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html")):
            raise
        try:
            root = html.document_fromstring(data, parser=html.HTMLParser(encoding="utf-8", no_network=True))
        except (etree.ParserError, ValueError):  # not HTML either: the XML parser's message
            raise not_xml from None
    # The HTML parser takes anything up to a space or ">" for a tag name ("<s\u2028pan"); an element
    # is addressed by its path (``getpath``), which XPath cannot evaluate through such a name.
    odd = next((el for el in root.iter() if isinstance(el.tag, str) and not _is_tag_name(el.tag)), None)
    if odd is not None:
        raise InputError(f"{name}: malformed HTML at line {odd.sourceline}: tag name {odd.tag!r}")
    return etree.ElementTree(root)


def _is_tag_name(tag: str) -> bool:
    try:
        etree.QName(tag)
    except ValueError:
        return False
    return True


def local(el: etree._Element) -> str:
    """Tag name without namespace."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def where(el: etree._Element, name: str) -> str:
    """``file: <Tag ID="x"> (line n)`` — how error messages name an element."""
    ident = el.get("ID") or el.get("id")
    label = f'<{local(el)} ID="{ident}">' if ident else f"<{local(el)}>"
    return f"{name}: {label} (line {el.sourceline})"


def coordinate(value: str | float) -> int:
    """A coordinate written as an integer or a float, rounded; ValueError for anything else
    (``nan``, ``1e309``)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return round(number)


def int_attr(el: etree._Element, attr: str, name: str) -> int:
    """An integer (or float rounded) coordinate attribute, or InputError naming the element."""
    value = el.get(attr)
    if value is None:
        raise InputError(f"{where(el, name)}: missing coordinate attribute {attr}")
    try:
        return coordinate(value)
    except ValueError:
        raise InputError(f"{where(el, name)}: {attr}={value!r} is not a number") from None


def float_attr(el: etree._Element, attr: str, name: str) -> float | None:
    value = el.get(attr)
    if value is None or value == "":
        return None
    try:
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    except ValueError:
        raise InputError(f"{where(el, name)}: {attr}={value!r} is not a number") from None


def element_maker(namespace: str):
    """``sub(parent, tag, **attrs)`` creating namespaced children (for the ``build`` functions)."""
    def sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{namespace}}}{tag}", attrs)

    return sub


def serialize(tree: etree._ElementTree) -> bytes:
    """UTF-8 bytes with an XML declaration (and the doctype the tree carried); a tree parsed as
    HTML (:func:`parse_markup`) as HTML again."""
    from lxml import html

    if isinstance(tree.getroot(), html.HtmlElement):
        return etree.tostring(tree, method="html", encoding="UTF-8", doctype=tree.docinfo.doctype)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


class Ids:
    """XML IDs for a freshly built file: an element's own ID when usable, else ``prefix_n``.

    IDs must be unique NCNames (``xsd:ID``); IDs from another format usually are, but two
    crops or pages may repeat them.
    """

    def __init__(self) -> None:
        self.used: set[str] = set()

    @classmethod
    def taken(cls, tree: etree._ElementTree, attr: str) -> "Ids":
        """IDs for new elements of ``tree``, none that one of its elements holds (in attribute ``attr``)."""
        ids = cls()
        ids.used.update(el.get(attr) for el in tree.iter() if el.get(attr))
        return ids

    def __call__(self, own: str | None, prefix: str) -> str:
        if own and own not in self.used and _is_ncname(own):
            self.used.add(own)
            return own
        n = len(self.used)
        while f"{prefix}_{n}" in self.used:
            n += 1
        self.used.add(f"{prefix}_{n}")
        return f"{prefix}_{n}"


def _is_ncname(value: str) -> bool:
    try:
        etree.QName(value)
    except ValueError:
        return False
    return ":" not in value and not value[0].isdigit() and value[0] not in "-."


class LineElements(NamedTuple):
    """The elements of a regrouped page's lines in its XML tree, which a writer moves into its new
    blocks: a line split across a gutter gets a new element per part, its words' elements moved
    into them."""

    parts: Counter[str]  # by line ref: how many parts the line is in (two or more: split across a gutter)
    lines: dict[str, etree._Element]  # by line ref
    words: dict[str, etree._Element]  # by word ref, the words of the lines in parts

    def split(self, line: Line) -> bool:
        """Whether ``line`` is one part of a line split across a gutter."""
        return self.parts[line.ref] > 1

    def remove_split(self) -> None:
        """The elements of the lines split into parts removed (their words are in the parts now)."""
        for ref in (r for r, n in self.parts.items() if n > 1):
            self.lines[ref].getparent().remove(self.lines[ref])


def line_elements(tree: etree._ElementTree, page: Page) -> LineElements:
    """The elements in ``tree`` of the lines of ``page``, grouped as :func:`.grouping.regroup` groups it
    (the parts of a split line share its ref)."""
    parts = Counter(l.ref for b in page.blocks for l in b.lines)
    lines = {ref: tree.xpath(ref)[0] for ref in parts}
    words = {w.ref: tree.xpath(w.ref)[0] for b in page.blocks for l in b.lines for w in l.words if parts[l.ref] > 1}
    return LineElements(parts, lines, words)


class ElementPaths:
    """``tree.getpath(el)`` of every element of a tree, all found in one walk: libxml2 counts an
    element's preceding siblings for each path it gives, so an XHTML line of 100,000 words took
    100 s to read. The paths are libxml2's (an element in a default namespace is ``*``, numbered
    among all its element siblings; any other by its name, numbered among its namesakes; no number
    for an only one)."""

    def __init__(self, tree: etree._ElementTree) -> None:
        root = tree.getroot()
        self.paths: dict[etree._Element, str] = {root: tree.getpath(root)}
        for parent in root.iter():
            if not isinstance(parent.tag, str):
                continue
            children = [(c, _path_step(c)) for c in parent if isinstance(c.tag, str)]
            totals = Counter(step for _, step in children)
            seen: Counter[str] = Counter()
            for position, (child, step) in enumerate(children, 1):
                seen[step] += 1
                number, of = (position, len(children)) if step == "*" else (seen[step], totals[step])
                self.paths[child] = f"{self.paths[parent]}/{step}" + (f"[{number}]" if of > 1 else "")

    def __call__(self, el: etree._Element) -> str:
        return self.paths[el]


def _path_step(el: etree._Element) -> str:
    """An element's step in its libxml2 path, without its number."""
    qname = etree.QName(el)
    if qname.namespace is None:
        return qname.localname
    return f"{el.prefix}:{qname.localname}" if el.prefix else "*"
