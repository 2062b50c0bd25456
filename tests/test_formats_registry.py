"""The format registry: every format named in one place, each XML format's reader, writer and
detector found through it, and text vs XML decided by one function."""
from __future__ import annotations

import pytest
from lxml import etree

from ocrfix.errors import InputError
from ocrfix.formats import FORMATS, detect_format
from ocrfix.formats.registry import FLAT_FORMATS, XML_FORMATS, is_plain_text, xml_format

ROOTS = {
    "hocr": b"<html><body><div class='ocr_page'/></body></html>",
    "alto": b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'/>",
    "page": b"<PcGts xmlns='http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15'/>",
    "abbyy": b"<document xmlns='http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml'/>",
}


def test_every_format_is_named_once():
    assert FORMATS == ("text", *FLAT_FORMATS, *XML_FORMATS) and len(set(FORMATS)) == len(FORMATS)


@pytest.mark.parametrize("fmt", list(XML_FORMATS))
def test_each_xml_format_detects_its_own_files_and_no_other(fmt):
    for other, data in ROOTS.items():
        assert xml_format(fmt).detect(etree.fromstring(data), "x.xml") == (other == fmt)
    assert detect_format(ROOTS[fmt]) == fmt


@pytest.mark.parametrize("data, fmt, text", [
    ("天气很好\n".encode(), None, True), (ROOTS["alto"], None, False), (ROOTS["alto"], "text", True),
    ("天气很好\n".encode(), "alto", False), (b"\xef\xbb\xbf  <?xml version='1.0'?><x/>", None, False),
])
def test_text_or_xml_is_decided_in_one_place(data, fmt, text):
    assert is_plain_text(data, fmt) is text


def test_an_unsupported_version_is_refused_by_its_detector():
    with pytest.raises(InputError, match="is not PAGE"):
        detect_format(b"<PcGts xmlns='http://example.com/page'/>")
    assert detect_format(b"<alto xmlns='http://schema.ccs-gmbh.com/ALTO'/>") == "alto"  # every ALTO version is read
    with pytest.raises(InputError, match="not hOCR, ALTO, PAGE or ABBYY FineReader XML"):
        detect_format(b"<?xml version='1.0'?><tei/>")
