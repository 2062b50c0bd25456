"""Model verification: checksums.json, KenLM header and context-index shape checks."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocrfix import checksums
from ocrfix.checksums import MANIFEST, verify_model, write_checksums
from ocrfix.cli import main
from ocrfix.errors import ModelError
from ocrfix.lm import CharLM
from ocrfix.lm.context import ContextIndex
from ocrfix.settings import load_settings

from test_correct_fixtures import CORPUS, write_arpa


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each test remembers verified files in its own cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(checksums, "_VERIFIED", {})
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


@pytest.fixture()
def binary(tmp_path: Path) -> Path:
    """A tiny KenLM trie binary in models/lm/ (built with build_binary)."""
    build_binary = load_settings().kenlm_bin / "build_binary"
    if not build_binary.exists():
        pytest.skip("KenLM's build_binary is not built")
    out = tmp_path / "models" / "lm" / "tiny.klm"
    out.parent.mkdir(parents=True)
    subprocess.run([str(build_binary), "trie", str(write_arpa(tmp_path / "tiny.arpa")), str(out)],
                   check=True, capture_output=True)
    return out


def flip(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def test_damaged_listed_model_is_refused(binary: Path) -> None:
    manifest = write_checksums(binary.parent.parent)
    assert json.loads(manifest.read_text())["files"]["lm/tiny.klm"]["size"] == binary.stat().st_size
    assert CharLM(binary).order == 2
    size = binary.stat().st_size
    flip(binary, size - 200, bytes(range(100)))  # body bytes: the header stays sane
    with pytest.raises(ModelError, match=r"tiny.klm: damaged model file: its SHA-256 differs from the one in .*checksums.json"):
        CharLM(binary)
    with open(binary, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelError, match=rf"{size + 1:,} bytes where .* lists {size}"):
        CharLM(binary)


def test_verified_files_are_remembered_by_size_and_mtime(binary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_checksums(binary.parent.parent)
    verify_model(binary)
    cache = load_settings().cache_dir / "verified.json"
    assert str(binary.resolve()) in json.loads(cache.read_text())
    monkeypatch.setattr(checksums, "_VERIFIED", {})  # a new process: only the file cache is left
    hashed: list[Path] = []
    monkeypatch.setattr(checksums, "file_sha256", lambda p: hashed.append(p) or "x")
    verify_model(binary)
    assert hashed == []  # same size and mtime: not hashed again
    binary.touch()
    with pytest.raises(ModelError, match="SHA-256 differs"):
        verify_model(binary)
    assert hashed == [binary.resolve()]


def test_unlisted_model_is_not_checked_and_broken_manifest_is_named(binary: Path) -> None:
    verify_model(binary)  # no checksums.json anywhere: nothing to check
    (binary.parent / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable checksum list"):
        verify_model(binary)


@pytest.mark.parametrize(("offset", "data", "message"), [
    (0x38, b"\x01\x00\x00\x00", "header fields out of range"),  # byte-order sanity value
    (0x58, b"\x09", "header fields out of range"),  # order 9
    (0x60, b"\x07", "header fields out of range"),  # unknown model type
    (0x6C, (10 ** 12).to_bytes(8, "little"), "n-gram counts"),
    (0x2E, b"9", "unknown header version"),
])
def test_damaged_kenlm_header_is_refused(binary: Path, offset: int, data: bytes, message: str) -> None:
    flip(binary, offset, data)
    with pytest.raises(ModelError, match=f"damaged KenLM binary.*{message}|{message}"):
        CharLM(binary)


def test_truncated_binary_is_refused_not_crashed(binary: Path, tmp_path: Path) -> None:
    short = tmp_path / "short.klm"
    short.write_bytes(binary.read_bytes()[:100])
    with pytest.raises(ModelError, match="damaged KenLM binary"):
        CharLM(short)


def test_correct_and_lm_eval_refuse_a_damaged_model(binary: Path, tmp_path: Path) -> None:
    """As the CLI: one line, exit 2 (the crash this prevents kills the process with SIGSEGV)."""
    write_checksums(binary.parent.parent)
    flip(binary, binary.stat().st_size - 300, bytes(200))
    page = tmp_path / "p.txt"
    page.write_text("".join(CORPUS[:3]), encoding="utf-8")
    for argv in (["lm", "eval", str(binary), str(page)], ["correct", str(page), "--model", str(binary), "-o", str(tmp_path / "o.txt")]):
        proc = subprocess.run([sys.executable, "-m", "ocrfix", *argv], capture_output=True, check=False)
        err = proc.stderr.decode().splitlines()
        assert proc.returncode == 2 and len(err) == 1 and "damaged model file" in err[0], err
    assert not (tmp_path / "o.txt").exists()


def context_arrays(vocab: list[str], indptr: list[int], indices: list[int]) -> dict[str, np.ndarray]:
    return {"vocab": np.array(vocab), "indptr": np.array(indptr, dtype=np.int32),
            "indices": np.array(indices, dtype=np.int32), "data": np.ones(len(indices), dtype=np.int32)}


@pytest.mark.parametrize("arrays", [
    context_arrays(["我", "们"], [0, 1, 2], [1, 5]),  # an index past the vocabulary
    context_arrays(["我", "们"], [0, 2], [0, 1]),  # indptr too short
    context_arrays(["我", "们"], [0, 2, 1], [0, 1]),  # indptr decreasing
    {**context_arrays(["我", "们"], [0, 1, 2], [0, 1]), "data": np.ones(3)},  # data longer than indices
    {**context_arrays(["我", "们"], [0, 1, 2], [0, 1]), "vocab": np.zeros((2, 2))},  # not a vocabulary
], ids=["index-out-of-range", "short-indptr", "decreasing-indptr", "data-length", "vocab-type"])
def test_context_index_shapes_are_checked(arrays: dict[str, np.ndarray], tmp_path: Path) -> None:
    path = tmp_path / "x.context.npz"
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match="damaged context index"):
        ContextIndex.load(path)


def test_context_index_roundtrip_and_truncation(tmp_path: Path) -> None:
    path = tmp_path / "x.context.npz"
    np.savez(path, **context_arrays(["我", "们"], [0, 1, 2], [1, 0]))
    assert list(ContextIndex.load(path).vocab) == ["我", "们"]
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(ModelError, match="not a context index"):
        ContextIndex.load(path)


def test_lm_checksums_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.tsv").write_text("已\t己\t0.5\n", encoding="utf-8")
    assert main(["lm", "checksums", str(tmp_path / "m")]) == 0
    assert list(json.loads((tmp_path / "m" / MANIFEST).read_text())["files"]) == ["a.tsv"]
    assert main(["lm", "checksums", str(tmp_path / "none")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_shipped_checksums_match_the_shipped_models() -> None:
    """models/checksums.json is current (after replacing a model: ocrfix lm checksums)."""
    models = load_settings().models_dir
    listed = json.loads((models / MANIFEST).read_text(encoding="utf-8"))["files"]
    present = sorted(p.relative_to(models).as_posix() for p in models.rglob("*")
                     if p.is_file() and p.name not in (MANIFEST, "README.md") and not p.name.startswith("."))
    assert sorted(listed) == present
    for name, entry in listed.items():
        assert (models / name).stat().st_size == entry["size"], name
        verify_model(models / name)


def test_copied_shipped_lm_keeps_working_unlisted(tmp_path: Path) -> None:
    """A model copied out of the models directory is not listed anywhere: loaded as before."""
    src = load_settings().models_dir / "lm" / "news.context.npz"
    shutil.copy(src, tmp_path / "news.context.npz")
    assert len(ContextIndex.load(tmp_path / "news.context.npz").vocab) > 1000
