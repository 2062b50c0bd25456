"""Correcting on a Dask cluster: a 2-worker LocalCluster gives a local run's files and logs."""
import json
import os
import signal
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from ocrfix.cli import main
from test_batch_logs import clean_run, options, visible

distributed = pytest.importorskip("distributed")
from ocrfix.distributed import correct_files  # noqa: E402

ROOT = str(Path(__file__).resolve().parents[1])


@pytest.fixture(scope="module")
def client():
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)  # spawned workers
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def without_seconds(path: Path) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if k not in ("seconds", "output")}
            for line in path.read_text(encoding="utf-8").splitlines()]


def test_two_workers_give_the_local_runs_outputs_and_logs(client, models, tmp_path):
    src, texts, log, _ = clean_run(models, tmp_path, 30)
    out, edits, stats = tmp_path / "dask", tmp_path / "dask.jsonl", tmp_path / "dask.stats.jsonl"
    outcomes = correct_files([str(src)], str(out), client=client, options=options(models),
                             edits_path=str(edits), stats_path=str(stats))
    assert len(outcomes) == 30 and not any(o.error for o in outcomes)
    assert visible(out) == texts and edits.read_text(encoding="utf-8") == log
    assert without_seconds(stats) == without_seconds(tmp_path / "ref.stats.jsonl")
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_worker_killed_mid_run_the_job_completes(client, models, tmp_path):
    src, texts, log, _ = clean_run(models, tmp_path, 240)
    out, edits = tmp_path / "dask", tmp_path / "dask.jsonl"
    victim = next(iter(client.run(os.getpid).values()))

    def kill_when_started() -> None:
        while not out.exists() or sum(1 for _ in out.rglob("[!.]*.txt")) < 20:
            threading.Event().wait(0.01)
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_started, daemon=True)
    killer.start()
    outcomes = correct_files([str(src)], str(out), client=client, options=options(models), edits_path=str(edits))
    killer.join(timeout=5)
    assert not killer.is_alive() and victim not in client.run(os.getpid).values()
    assert not any(o.error for o in outcomes) and visible(out) == texts and edits.read_text(encoding="utf-8") == log


def test_bad_dask_address_is_a_clean_error(models, tmp_path, capsys):
    src, _, _, _ = clean_run(models, tmp_path, 2)
    assert main(["correct", str(src), "--out-dir", str(tmp_path / "o"), "--dask", "local:x", *models]) == 2
    assert capsys.readouterr().err.strip() == "ocrfix: error: --dask local:x: give local:N with N >= 1 workers"


def test_cli_dask_local_cluster_with_a_failing_file(models, tmp_path, capsys):
    src, texts, log, _ = clean_run(models, tmp_path, 6)
    (src / "bad.txt").write_bytes(b"\xff\xfe\x00x")
    out, edits = tmp_path / "cli", tmp_path / "cli.jsonl"
    assert main(["correct", str(src), "-r", "--out-dir", str(out), "--edits", str(edits), "--dask", "local:2",
                 "--on-error", "copy", *models]) == 1
    assert "bad.txt" in capsys.readouterr().err and (out / "bad.txt").read_bytes() == b"\xff\xfe\x00x"
    (out / "bad.txt").unlink()
    assert visible(out) == texts and edits.read_text(encoding="utf-8") == log


def test_a_model_the_workers_cannot_load_is_one_error_before_any_task(client, models, tmp_path):
    from ocrfix import batch
    from ocrfix.errors import ModelError

    src, _, _, _ = clean_run(models, tmp_path, 3)
    broken = tmp_path / "broken.arpa"
    broken.write_text("\\data\\\nngram 1=oops\n", encoding="utf-8")
    batch.worker.WORKER.corrector = None
    with pytest.raises(ModelError, match="broken.arpa"):
        correct_files([str(src)], str(tmp_path / "o"), client=client,
                      options=replace(options(models), model=str(broken)))
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").rglob("*.txt"))  # no task ran
    assert batch.worker.WORKER.corrector is None  # the client never loaded the models
    good = correct_files([str(src)], str(tmp_path / "good"), client=client, options=options(models))
    assert len(good) == 3 and not any(o.error for o in good) and batch.worker.WORKER.corrector is None


def test_a_local_cluster_starts_its_workers_without_the_dashboards_profiler():
    import dask

    from ocrfix.distributed import QUIET_WORKERS, session

    with session("local:1") as client:
        settings = client.run(lambda: {key: dask.config.get(key) for key in QUIET_WORKERS})
    assert list(settings.values()) == [QUIET_WORKERS]
    assert dask.config.get("distributed.worker.profile.enabled")  # the client's own settings stay


def test_apply_on_a_dask_cluster_writes_corrects_outputs(models, tmp_path):
    """``ocrfix apply --dask``: the reviewed log put back by the cluster's workers, each file as ``correct`` wrote it."""
    src, texts, _, _ = clean_run(models, tmp_path, 6)
    out = tmp_path / "applied"
    assert main(["apply", str(src), "-r", "--edits", str(tmp_path / "ref.edits.jsonl"), "--out-dir", str(out),
                 "--dask", "local:2", *models]) == 0
    assert visible(out) == texts
