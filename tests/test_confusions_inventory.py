"""Building the character inventory from a stand-in data directory: 通用规范汉字表 plus the Han
characters frequent in the training corpora — never the held-out ones."""
from __future__ import annotations

import importlib
import lzma
import os
import subprocess
import sys

import pytest

from ocrfix.errors import InputError, ModelError

inv = importlib.import_module("ocrfix.confusions.inventory")  # the package's `inventory` is the loader function
build = importlib.import_module("ocrfix.training.confusions.inventory")


@pytest.fixture()
def data_dir(tmp_path):
    guifan = tmp_path / build.GUIFAN_FILE
    guifan.parent.mkdir(parents=True)
    guifan.write_text("# 通用规范汉字表\nU+4E00\t0001\nU+4E59\t0002\n", encoding="utf-8")  # 一 乙
    rmrb = tmp_path / "rmrb_peoples_daily_2019_2020"
    rmrb.mkdir()
    (rmrb / "rmrb_2019-02.txt.xz").write_bytes(lzma.compress(("龘" * 3 + "鬱" * 25 + "abc 123\n").encode("utf-8")))
    (rmrb / "rmrb_2020-05.txt.xz").write_bytes(lzma.compress(("齉" * 50).encode("utf-8")))  # held out
    xwlb = tmp_path / "xwlb_cctv_news"
    xwlb.mkdir()
    (xwlb / "xwlb_2024.txt.xz").write_bytes(lzma.compress("一乙鬱".encode("utf-8")))
    (xwlb / "xwlb_2026.txt.xz").write_bytes(lzma.compress(("爨" * 50).encode("utf-8")))  # held out
    return tmp_path


def test_inventory_is_guifan_plus_frequent_training_chars(data_dir, tmp_path):
    assert [p.name for p in build.training_corpora(data_dir)] == ["rmrb_2019-02.txt.xz", "xwlb_2024.txt.xz"]
    chars, counts = build.build_inventory(data_dir, min_count=20)
    assert chars == sorted("一乙鬱")  # 龘 is too rare; 齉 and 爨 are only in held-out files
    assert counts == {"龘": 3, "鬱": 26, "一": 1, "乙": 1}  # Han only: no Latin, digits or spaces
    out = tmp_path / "models"
    out.mkdir()
    build.write_inventory(out, chars, counts, "test build")
    assert inv.load_inventory(out / inv.INVENTORY_FILE) == frozenset("一乙鬱") == inv.inventory(out)
    assert inv.charfreq(out) == {"鬱": 26, "一": 1, "乙": 1}
    assert inv.load_charfreq(out / inv.CHARFREQ_FILE) == {"鬱": 26, "一": 1, "乙": 1}
    first = (out / inv.CHARFREQ_FILE).read_text(encoding="utf-8").splitlines()[1]
    assert first == "鬱\t26"  # most frequent first


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_silences_the_build_command_progress_bar(data_dir, tmp_path, quiet):
    """``--quiet`` silences every command's progress bar, here the inventory build's."""
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"} | {"OCRFIX_DATA": str(data_dir)}
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "ocrfix", *(["--quiet"] if quiet else []), "confusions", "build",
                          "inventory", "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert ("counting chars" in run.stderr) is not quiet
    assert inv.inventory(out) == frozenset("一乙鬱")


def test_build_inventory_creates_its_output_directory(data_dir, tmp_path, monkeypatch):
    """``ocrfix confusions build inventory -o DIR`` makes DIR as every output directory is made;
    a file in its place is a one-line error."""
    from ocrfix.cli import main

    monkeypatch.setenv("OCRFIX_DATA", str(data_dir))
    out = tmp_path / "new" / "inventory"
    assert main(["--quiet", "confusions", "build", "inventory", "-o", str(out)]) == 0
    assert inv.inventory(out) == frozenset("一乙鬱")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["--quiet", "confusions", "build", "inventory", "-o", str(tmp_path / "file" / "inventory")]) == 2

def test_bad_inventory_files_are_one_line_errors(tmp_path):
    empty_guifan = tmp_path / build.GUIFAN_FILE
    empty_guifan.parent.mkdir(parents=True)
    empty_guifan.write_text("no code points here\n", encoding="utf-8")
    with pytest.raises(InputError, match="no U\\+XXXX lines"):
        build.read_guifan(tmp_path)
    bad = tmp_path / "inventory.txt"
    bad.write_text("# ok\n一\n一二\n", encoding="utf-8")
    with pytest.raises(ModelError, match="'一二' is not a single character"):
        inv.load_inventory(bad)
    bad.write_text("一\tmany\n", encoding="utf-8")
    with pytest.raises(ModelError, match="malformed row 1"):
        inv.load_charfreq(bad)
    with pytest.raises(ModelError, match="inventory: "):
        inv.load_inventory(tmp_path / "missing.txt")
