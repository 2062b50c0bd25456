"""Safe reading and atomic writing (ocrfix.textio)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocrfix.errors import InputError
from ocrfix.textio import decode_text, read_bytes, read_text, write_text_atomic

TEXT = "中文文本，第二句。\n"


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    plain, bom = tmp_path / "a.txt", tmp_path / "b.txt"
    plain.write_text(TEXT, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    assert read_text(plain) == read_text(bom) == TEXT


@pytest.mark.parametrize(
    ("written", "message", "option"),
    [("gb18030", "GB18030.*--encoding gb18030", "gb18030"), ("gbk", "GB18030.*--encoding gb18030", "gb18030"),
     ("utf-16", "UTF-16.*--encoding utf-16", "utf-16")],
)
def test_other_encodings_are_named_and_decodable(tmp_path: Path, written: str, message: str, option: str) -> None:
    path = tmp_path / "other.txt"
    path.write_bytes(TEXT.encode(written))
    with pytest.raises(InputError, match=message):
        read_text(path)
    assert read_text(path, encoding=option) == TEXT


@pytest.mark.parametrize("text", ["我們在臺灣工作，這是測試。\n", "國務院新聞辦公室今天舉行新聞發布會，介紹經濟運行情況。\n" * 3])
def test_big5_is_named_big5_not_gb18030(tmp_path: Path, text: str) -> None:
    """Big5 bytes mostly decode as GB18030 too, to other characters: the hint must not send the
    user there."""
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    with pytest.raises(InputError, match="BIG5.*--encoding big5"):
        read_text(path)
    assert read_text(path, encoding="big5") == text


def test_wrong_explicit_encoding(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    with pytest.raises(InputError, match="cannot decode as ascii"):
        read_text(path, encoding="ascii")
    with pytest.raises(InputError, match="cannot decode as no-such-codec"):
        read_text(path, encoding="no-such-codec")


@pytest.mark.parametrize(("head", "advice"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image: OCR it first"), (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "an image"),
    (b"II*\x00\x08\x00\x00\x00", "an image"), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00", "a PDF: give its OCR"),
    (b"PK\x03\x04\x14\x00\x00\x00", "a ZIP archive"),
])
def test_a_scan_or_an_archive_given_for_ocr_output_is_named_with_what_to_do(head: bytes, advice: str) -> None:
    with pytest.raises(InputError, match=r"^x: looks like a binary file, not text \(" + advice) as err:
        decode_text(head + bytes(range(256)), "x")
    assert "\n" not in str(err.value)


def test_gzip_input_is_read_as_what_it_holds_and_refused_when_too_large_or_damaged(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(TEXT.encode()[:10]) + gzip.compress(TEXT.encode()[10:]))  # two members
    assert read_text(path) == TEXT
    path.write_bytes(gzip.compress(b"a" * 1000))
    with pytest.raises(InputError, match="larger than the 999-byte limit once decompressed"):
        read_bytes(path, 999)
    assert read_bytes(path, 1000) == b"a" * 1000
    whole = gzip.compress(TEXT.encode())
    for damaged, message in ((whole[:-12], "cut short"), (whole[:10] + b"\xff" * 20 + whole[30:], "damaged gzip")):
        path.write_bytes(damaged)
        with pytest.raises(InputError, match=message) as err:
            read_text(path)
        assert "\n" not in str(err.value)


def test_an_output_named_gz_is_written_compressed(tmp_path: Path) -> None:
    import gzip

    write_text_atomic(tmp_path / "a.txt.gz", TEXT)
    write_text_atomic(tmp_path / "a.txt", TEXT)
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()).decode() == (tmp_path / "a.txt").read_text(encoding="utf-8") == TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.gz"]


def test_binary_empty_too_large(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary"):
        decode_text(b"abc\x00def", "x")
    with pytest.raises(InputError, match="binary"):
        decode_text(bytes(range(1, 32)) * 10, "x")
    with pytest.raises(InputError, match="empty"):
        decode_text(b"", "x")
    with pytest.raises(InputError, match="empty"):
        decode_text(" \r\n\t".encode(), "x")
    big = tmp_path / "big.txt"
    big.write_text("中" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="larger than"):
        read_text(big, max_bytes=50)


def test_write_atomic_replaces_and_respects_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(target, TEXT)
    write_text_atomic(target, "第二版\n")
    assert target.read_text(encoding="utf-8") == "第二版\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left behind


def test_write_atomic_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("旧\n", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "新\n")
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_creates_a_missing_directory_but_not_under_a_file(tmp_path: Path) -> None:
    write_text_atomic(tmp_path / "new" / "deeper" / "out.txt", TEXT)
    assert (tmp_path / "new" / "deeper" / "out.txt").read_text(encoding="utf-8") == TEXT
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is not a directory"):
        write_text_atomic(tmp_path / "file" / "sub" / "out.txt", TEXT)
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_remedy_names_the_right_fix_for_formats_defined_as_utf8(tmp_path):
    from ocrfix.textio import CONVERT_TO_UTF8

    path = tmp_path / "set.tsv"
    path.write_bytes("已\t己\t0.9\tvisual\n".encode("gb18030"))
    with pytest.raises(InputError, match=r"convert it to UTF-8 \(iconv -f gb18030 -t utf-8\)"):
        read_text(path, remedy=CONVERT_TO_UTF8)
    with pytest.raises(InputError, match="pass --encoding gb18030"):
        read_text(path)


def test_write_bytes_atomic_writes_exactly_and_leaves_nothing_else(tmp_path):
    from ocrfix.textio import write_bytes_atomic

    target = tmp_path / "sub" / "model.npz"
    write_bytes_atomic(target, b"\x00PK\xff" * 3, "glyph space")
    assert target.read_bytes() == b"\x00PK\xff" * 3
    assert [p.name for p in target.parent.iterdir()] == ["model.npz"]
    with pytest.raises(InputError, match="is a directory, not an glyph space file"):
        write_bytes_atomic(tmp_path / "sub", b"x", "glyph space")
