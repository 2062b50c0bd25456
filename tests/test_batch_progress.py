"""Feedback of `ocrfix correct`: a progress bar in bytes of input with their total, moving inside one
large file; --resume says how many files it skipped; --quiet silences both."""
from __future__ import annotations

import re

import pytest

from ocrfix import batch
from ocrfix.cli import main
from ocrfix.options import CorrectOptions
from test_correct_formats import _alto


class FakeBar:
    """Records what correct_files asks of tqdm."""

    made: list["FakeBar"] = []

    def __init__(self, total=None, disable=False, **_kwargs) -> None:
        self.total, self.disable, self.updates = total, disable, []
        FakeBar.made.append(self)

    def __enter__(self) -> "FakeBar":
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def update(self, n: int) -> None:
        self.updates.append(n)

    @staticmethod
    def write(message: str, file=None) -> None:
        print(message, file=file)


def options(models: list[str]) -> CorrectOptions:
    flag = dict(zip(models[::2], models[1::2]))
    return CorrectOptions(model=flag["--model"], confusions=(flag["--confusions"],), weights=flag["--weights"], reflow=False)


@pytest.fixture()
def bar(monkeypatch):
    FakeBar.made.clear()
    monkeypatch.setattr(batch.run, "tqdm", FakeBar)
    return FakeBar.made


def test_bar_counts_bytes_of_all_files_and_moves_inside_a_large_one(models, tmp_path, bar) -> None:
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_text("我们在北京工乍。\n" * 1000, encoding="utf-8")  # 9,000 characters, 25,000 bytes: several blocks
    small.write_text("他们在上海工作。\n", encoding="utf-8")
    jobs = batch.plan_jobs([str(big), str(small)], None, str(tmp_path / "out"))
    assert not any(o.error for o in batch.correct_files(jobs, options(models), progress=True))
    (shown,) = bar
    assert not shown.disable and shown.total == 25_000 + 25
    assert sum(shown.updates) == shown.total and min(shown.updates) >= 0
    assert len(shown.updates) > 4  # the 9,000-character file moved the bar block by block
    assert (tmp_path / "out" / "big.txt").read_text(encoding="utf-8") == "我们在北京工作。\n" * 1000


def test_one_file_has_a_bar_too_and_quiet_has_none(models, tmp_path, bar) -> None:
    page = tmp_path / "page.txt"
    page.write_text("我们在北京工乍。\n", encoding="utf-8")
    jobs = batch.plan_jobs([str(page)], str(tmp_path / "fixed.txt"), None)
    batch.correct_files(jobs, options(models), progress=True)
    batch.correct_files(jobs, options(models), progress=False)
    shown, quiet = bar
    assert (shown.disable, shown.total, sum(shown.updates)) == (False, 25, 25)
    assert quiet.disable


def test_an_xml_file_moves_the_bar_by_its_size_and_the_summary_counts_its_text(models, tmp_path, bar, capsys) -> None:
    page = tmp_path / "page.xml"
    page.write_text(_alto("我们在北京工乍。"), encoding="utf-8")
    loud = [arg for arg in models if arg != "--quiet"]
    assert main(["correct", str(page), "-o", str(tmp_path / "fixed.xml"), *loud]) == 0
    (shown,) = bar
    assert shown.total == sum(shown.updates) == page.stat().st_size > 200  # the markup's bytes too
    counted = re.search(r"\), ([\d,]+) chars,", capsys.readouterr().err)
    assert counted and int(counted[1]) <= len("我们在北京工乍。\n")  # the summary: the text's characters


def test_resume_says_how_many_files_it_skipped(models, tmp_path, capsys) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.txt").write_text("我们在北京工乍。\n", encoding="utf-8")
    out = tmp_path / "out"
    loud = [arg for arg in models if arg != "--quiet"]
    assert main(["correct", str(src), "--out-dir", str(out), *models]) == 0
    (out / "c.txt").unlink()
    capsys.readouterr()
    assert main(["correct", str(src), "--out-dir", str(out), "--resume", *loud]) == 0
    assert "ocrfix: --resume: 2 of 3 files already written, skipped" in capsys.readouterr().err
    assert main(["correct", str(src), "--out-dir", str(out), "--resume", *models]) == 0
    assert "--resume" not in capsys.readouterr().err  # --quiet
