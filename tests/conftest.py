"""Fixtures shared by several test modules, and the hypothesis profiles."""
import os

import pytest
from hypothesis import settings


from ocrfix.settings import load_settings
from test_correct_fixtures import WEIGHTS, write_arpa, write_confusions

#: Property tests without their own example count run this many: a few dozen in CI,
#: >= 10,000 with OCRFIX_HYPOTHESIS_PROFILE=nightly.
settings.register_profile("ci", max_examples=40, deadline=None)
settings.register_profile("nightly", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("OCRFIX_HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def fresh_settings():
    """Settings are read once per process (``load_settings`` is cached); a test that sets
    OCRFIX_DATA or OCRFIX_MODELS must see its own values, not an earlier test's."""
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


@pytest.fixture()
def models(tmp_path):
    """`ocrfix correct` options for a tiny bigram LM, confusion set and hand-set weights."""
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    WEIGHTS.save(model_dir / "w.json")
    return ["--model", str(write_arpa(model_dir / "lm.arpa")), "--confusions", str(write_confusions(model_dir / "c.tsv")),
            "--weights", str(model_dir / "w.json"), "--quiet", "--no-reflow"]
