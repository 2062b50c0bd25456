"""Corpus streaming: sentence splitting, normalization, de-duplication, manifests."""
from __future__ import annotations

import gzip
import lzma

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocrfix.errors import InputError
from ocrfix.training.lm.corpus import (HELDOUT, TRAIN, CorpusFile, CorpusStats, expand_corpora, heldout_lines,
                              lm_lines, split_sentences)


@given(st.text(alphabet="今天好。！？；”」 a1", max_size=400))
def test_split_sentences_keeps_every_character(text):
    parts = split_sentences(text, max_chars=10)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "") or not text.strip()


def test_long_lines_split_after_closing_quotes():
    line = "他说：“我们到了。”然后走了！" * 20
    parts = split_sentences(line)
    assert parts[:2] == ["他说：“我们到了。”", "然后走了！"]
    assert split_sentences("短句。还是短句。") == ["短句。还是短句。"]


def test_lm_lines_normalize_dedup_and_weight(tmp_path):
    a = tmp_path / "a.txt.gz"
    a.write_bytes(gzip.compress("２０２０年，ＧＤＰ增长。\n国内联播快讯\n国内联播快讯\n12 34\n".encode()))
    b = tmp_path / "b.txt"
    b.write_text("国内联播快讯\n新 的 一 天\n", encoding="utf-8")
    stats = CorpusStats()
    lines = list(lm_lines([CorpusFile(a), CorpusFile(b, weight=2)], stats))
    assert lines == ["0 0 0 0 年 , a a a 增 长 。", "国 内 联 播 快 讯", "新 的 一 天", "新 的 一 天"]
    assert (stats.duplicates, stats.no_han, stats.lines_written) == (2, 1, 4)
    assert stats.tokens_written == sum(len(line.split()) for line in lines)


def test_manifest_splits_and_data_prefix(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "d.txt").write_text("数据。\n", encoding="utf-8")
    (tmp_path / "local.txt").write_text("本地。\n", encoding="utf-8")
    manifest = tmp_path / "m.tsv"
    manifest.write_text("# c\ndata:d.txt\ttrain\t2\nlocal.txt\theldout\n", encoding="utf-8")
    assert expand_corpora([manifest], data) == [CorpusFile(data / "d.txt", TRAIN, 2)]
    held = expand_corpora([manifest], data, split=HELDOUT)
    assert list(heldout_lines(held)) == ["本 地 。"]


@pytest.mark.parametrize("row", ["x.txt\tdev\t1", "x.txt\ttrain\t0", "x.txt\ttrain\thalf"])
def test_malformed_manifest_rows(tmp_path, row):
    (tmp_path / "m.tsv").write_text(row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.tsv:1"):
        expand_corpora([tmp_path / "m.tsv"], tmp_path)


def test_missing_listed_file_and_empty_manifest(tmp_path):
    (tmp_path / "m.tsv").write_text("gone.txt\ttrain\t1\n", encoding="utf-8")
    with pytest.raises(InputError, match="gone.txt"):
        expand_corpora([tmp_path / "m.tsv"], tmp_path)
    (tmp_path / "e.tsv").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="no corpus files"):
        expand_corpora([tmp_path / "e.tsv"], tmp_path)


def test_corrupt_compressed_file(tmp_path):
    bad = tmp_path / "c.txt.xz"
    bad.write_bytes(b"not xz at all")
    with pytest.raises(InputError, match="corrupt"):
        list(lm_lines([CorpusFile(bad)]))


def test_a_file_cut_inside_its_last_character_is_not_called_another_encoding(tmp_path):
    """A UTF-8 corpus cut inside its last character is refused with where (after which line),
    not with a guess at an encoding from the few bytes left over; a GB18030 corpus is named so."""
    text = "新闻联播今天的主要内容。\n" * 2000
    cut = tmp_path / "cut.txt.xz"
    cut.write_bytes(lzma.compress(text.encode("utf-8")[:-2]))
    with pytest.raises(InputError, match=r"not UTF-8 text after line 1999 \(unexpected end of data\)$"):
        list(lm_lines([CorpusFile(cut)]))
    gb = tmp_path / "gb.txt.gz"
    gb.write_bytes(gzip.compress(text.encode("gb18030")))
    with pytest.raises(InputError, match="after line 0 .*looks like GB18030 text: convert it to UTF-8 first"):
        list(lm_lines([CorpusFile(gb)]))
