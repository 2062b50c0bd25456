"""`ocrfix correct` on ALTO input: corrected ALTO out, the OCR reading kept as an ALTERNATIVE."""
from lxml import etree

from ocrfix.cli import main
from ocrfix.correction.edits import read_log


ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"


def _alto(text: str) -> str:
    strings = "".join(
        f'<String ID="s{i}" HPOS="{10 + 40 * i}" VPOS="10" WIDTH="38" HEIGHT="40" CONTENT="{ch}"/>' for i, ch in enumerate(text)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><alto xmlns="{ALTO_NS}"><Layout><Page ID="p0" WIDTH="400" HEIGHT="100">'
        f'<PrintSpace HPOS="0" VPOS="0" WIDTH="400" HEIGHT="100"><TextBlock ID="b0" HPOS="10" VPOS="10" WIDTH="320" HEIGHT="40">'
        f'<TextLine ID="l0" HPOS="10" VPOS="10" WIDTH="320" HEIGHT="40">{strings}</TextLine></TextBlock>'
        "</PrintSpace></Page></Layout></alto>"
    )


def test_alto_in_alto_out_with_alternative(models, tmp_path):
    src = tmp_path / "page.xml"
    src.write_text(_alto("我们在北京工乍。"), encoding="utf-8")
    out, log = tmp_path / "fixed.xml", tmp_path / "edits.jsonl"
    assert main(["correct", str(src), "-o", str(out), "--edits", str(log), *models]) == 0
    tree = etree.parse(str(out))
    ns = {"a": ALTO_NS}
    assert "".join(tree.xpath("//a:String/@CONTENT", namespaces=ns)) == "我们在北京工作。"
    fixed = tree.xpath('//a:String[@ID="s6"]', namespaces=ns)[0]
    assert fixed.get("HPOS") == "250"  # the corrected character keeps its box
    assert [alt.text for alt in fixed.xpath("a:ALTERNATIVE", namespaces=ns)] == ["乍"]
    edits = read_log(log.read_text(encoding="utf-8").splitlines())
    assert [(e.original, e.replacement) for e in edits] == [("乍", "作")]


def test_alto_as_text_output(models, tmp_path, capsys):
    src = tmp_path / "page.xml"
    src.write_text(_alto("我们在北京工乍。"), encoding="utf-8")
    assert main(["correct", str(src), "--output-format", "text", *models]) == 0
    assert capsys.readouterr().out.strip() == "我们在北京工作。"


def test_plain_text_cannot_become_xml(models, tmp_path, capsys):
    src = tmp_path / "page.txt"
    src.write_text("我们在北京工乍。\n", encoding="utf-8")
    assert main(["correct", str(src), "--output-format", "alto", *models]) == 2
    assert "plain-text input can only be written as text" in capsys.readouterr().err


def test_a_gzip_compressed_archive_file_is_corrected_into_a_compressed_output(models, tmp_path):
    """The Internet Archive keeps its OCR gzip-compressed (``_abbyy.gz``, ``_chocr.html.gz``): a
    batch reads such files as what they hold and writes each output compressed, under the same name."""
    import gzip

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page_alto.xml.gz").write_bytes(gzip.compress(_alto("我们在北京工乍。").encode()))
    (tmp_path / "plain.xml").write_text(_alto("我们在北京工乍。"), encoding="utf-8")
    assert main(["correct", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), *models]) == 0
    assert main(["correct", str(tmp_path / "plain.xml"), "-o", str(tmp_path / "plain.fixed.xml"), *models]) == 0
    written = (tmp_path / "out" / "page_alto.xml.gz").read_bytes()
    assert gzip.decompress(written) == (tmp_path / "plain.fixed.xml").read_bytes()
    assert 'CONTENT="作"' in gzip.decompress(written).decode()
