"""CorrectOptions: the one typed value a run's settings travel in, from the CLI to the workers."""
from __future__ import annotations

import pickle

import pytest

from ocrfix.batch import Job, run_jobs
from ocrfix.errors import InputError
from ocrfix.options import CorrectOptions


def tiny(models: list[str], **changes) -> CorrectOptions:
    """Options for the tiny test models (the ``models`` fixture holds them as CLI arguments)."""
    paths = dict(zip(models[0:6:2], models[1:6:2]))
    return CorrectOptions(model=paths["--model"], confusions=(paths["--confusions"],), weights=paths["--weights"],
                          reflow=False, **changes)


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_a_threshold_outside_0_1_is_refused(threshold):
    with pytest.raises(InputError, match="--threshold must be between 0 and 1"):
        CorrectOptions(threshold=threshold)


def test_options_are_plain_values_that_reach_spawned_workers(models):
    options = tiny(models, keep=frozenset({"工乍"}), threshold=0.5)
    assert pickle.loads(pickle.dumps(options)) == options and hash(options) == hash(pickle.loads(pickle.dumps(options)))
    corrector = options.corrector()
    assert corrector.threshold == 0.5 and corrector.keep == frozenset({"工乍"}) and corrector.rules


@pytest.mark.parametrize("keep, expected", [(frozenset(), "我们在北京工作。\n"), (frozenset({"工乍"}), "我们在北京工乍。\n")])
def test_workers_correct_files_with_the_options_given(models, tmp_path, keep, expected):
    page = tmp_path / "page.txt"
    page.write_text("我们在北京工乍。\n", encoding="utf-8")
    (outcome,) = run_jobs([Job(str(page), str(tmp_path / "out.txt"))], tiny(models, keep=keep))
    assert outcome.error is None
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == expected
    assert len(outcome.edits) == (expected != "我们在北京工乍。\n")


def test_plain_text_cannot_be_written_as_xml(models, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("我们在北京工乍。\n", encoding="utf-8")
    (outcome,) = run_jobs([Job(str(page), str(tmp_path / "out.xml"))], tiny(models, output_format="alto"))
    assert "plain-text input can only be written as text" in outcome.error
