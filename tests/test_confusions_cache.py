"""The binary cache of parsed confusion-set TSVs: same set as the parse, re-parsed when the file
changes, a damaged cache ignored, bad files still refused."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ocrfix.confusions import cache
from ocrfix.confusions.model import ConfusionSet
from ocrfix.errors import ModelError

TSV = "# built by hand\n己\t已\t0.9\tvisual+learned\n己\t巳\t0.95\tvisual\n未\t末\t0.8\tvisual\n末\t未\t0.5\tpinyin\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "load_settings", lambda: SimpleNamespace(build_dir=tmp_path / "build"))
    return tmp_path / "build" / "cache"


def listing(cset: ConfusionSet) -> list[tuple[str, str, float, tuple[str, ...]]]:
    return [(ch, c.char, c.score, c.sources) for ch, c in cset.pairs()]


def test_second_load_comes_from_the_cache_and_equals_the_parse(tmp_path, cache_dir) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(TSV, encoding="utf-8")
    parsed = ConfusionSet.load(path)
    assert len(list(cache_dir.glob("confusions-*.pickle"))) == 1
    cached = ConfusionSet.load(path)
    assert isinstance(cached._table, cache.PackedTable)
    assert listing(cached) == listing(parsed) == [
        ("己", "巳", 0.95, ("visual",)), ("己", "已", 0.9, ("visual", "learned")),
        ("未", "末", 0.8, ("visual",)), ("末", "未", 0.5, ("pinyin",))]
    assert cached.name == "set" and len(cached) == 4 and "未" in cached and "x" not in cached
    assert [c.char for c in cached.candidates("己", 1)] == ["巳"]
    assert cached.top_k(1).candidates("己")[0].char == "巳"  # derived sets work on the packed table


def test_an_edited_file_is_parsed_again(tmp_path, cache_dir) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(TSV, encoding="utf-8")
    ConfusionSet.load(path)
    path.write_text(TSV.replace("0.8", "0.7"), encoding="utf-8")
    assert ConfusionSet.load(path).candidates("未")[0].score == 0.7
    assert len(list(cache_dir.glob("confusions-*.pickle"))) == 2


def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path, cache_dir) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(TSV, encoding="utf-8")
    expected = listing(ConfusionSet.load(path))
    (entry,) = cache_dir.glob("confusions-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert listing(ConfusionSet.load(path)) == expected
    assert listing(ConfusionSet.load(path)) == expected  # rewritten by the load before


def test_bad_files_are_refused_and_not_cached(tmp_path, cache_dir) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("己\t已\t2.0\tvisual\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ModelError, match="outside"):
            ConfusionSet.load(bad)
    with pytest.raises(ModelError):
        ConfusionSet.load(tmp_path / "missing.tsv")
    assert not cache_dir.exists() or not list(cache_dir.glob("confusions-*.pickle"))
