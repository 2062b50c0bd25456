"""Kills at random moments: after `kill -9`, SIGTERM or SIGINT of a batch and its workers,
`--resume` completes it with the clean run's outputs and edit log, and nothing is half-written.

A property test over the moment of the kill (how many outputs were written, and how much later
the signal came) and the signal; the `ci` hypothesis profile tries a few moments, `nightly` many.
SIGTERM and SIGINT come once the first output is written: before that, they can reach the
interpreter while it is still importing its own site packages, where Python prints the traceback.
"""
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrfix.cli import main
from test_batch_logs import _start, clean_run, visible, wait_for_outputs
from test_correct_fixtures import WEIGHTS, write_arpa, write_confusions

PAGES = 240


@pytest.fixture(scope="module")
def kill_models(tmp_path_factory) -> list[str]:
    model_dir = tmp_path_factory.mktemp("models")
    WEIGHTS.save(model_dir / "w.json")
    return ["--model", str(write_arpa(model_dir / "lm.arpa")), "--confusions", str(write_confusions(model_dir / "c.tsv")),
            "--weights", str(model_dir / "w.json"), "--quiet", "--no-reflow"]


@pytest.fixture(scope="module")
def kill_reference(kill_models, tmp_path_factory):
    return clean_run(kill_models, tmp_path_factory.mktemp("reference"), PAGES)


@settings(max_examples=min(200, max(4, settings.default.max_examples // 8)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(done=st.integers(0, PAGES - 1), later=st.floats(0.0, 0.05),
       sig=st.sampled_from([signal.SIGKILL, signal.SIGTERM, signal.SIGINT]))
def test_a_kill_at_any_moment_then_resume_loses_nothing(kill_models, kill_reference, done, later, sig):
    src, texts, log, _ = kill_reference
    with tempfile.TemporaryDirectory() as tmp:
        out, edits = Path(tmp) / "out", Path(tmp) / "edits.jsonl"
        proc = _start(kill_models, src, out, edits)
        wait_for_outputs(out, done if sig == signal.SIGKILL else max(1, done), proc)
        time.sleep(later)
        if proc.poll() is None:
            os.killpg(proc.pid, sig)  # the run and its workers
        try:
            err = proc.communicate(timeout=120)[1]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the run did not stop within 120 s of {signal.Signals(sig).name} after {done} outputs")
        assert proc.returncode in (0, -signal.SIGKILL if sig == signal.SIGKILL else 128 + sig)
        assert "Traceback" not in err
        written = {name: text for name, text in visible(out).items() if not name.endswith(".tmp")} if out.exists() else {}
        assert all(texts[name] == text for name, text in written.items())  # none half-written
        if sig != signal.SIGKILL:  # a handled signal leaves no temporary file behind
            assert not list(out.rglob("*.tmp")) if out.exists() else True
        assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(edits), "--resume", *kill_models]) == 0
        assert edits.read_text(encoding="utf-8") == log
        assert {k: v for k, v in visible(out).items() if not k.endswith(".tmp")} == texts
