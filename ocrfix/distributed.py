"""Correct files on a Dask cluster: one task per file, the models loaded once per worker.

A :class:`CorrectorPlugin` builds each worker's :class:`~ocrfix.correction.corrector.Corrector`
when the worker starts (and again on a worker that replaces a lost one), so tasks carry only
a :class:`~ocrfix.batch.Job`. The client never loads the models: a model that fails to load
fails on the workers, and their error comes back as one line before any task is sent (the
client stays small, and the run does not wait for a serial load before the parallel ones). Each task writes its sidecar and output itself, as a local run's
workers do (:func:`ocrfix.batch.run_job`): the output paths must be visible to the workers
(one machine, or a shared file system) and the logs are merged on the client. The outcomes come
back to the client as they complete; a task whose worker dies is rerun by the scheduler, and a
rerun writes the same files. Needs the ``dask`` extra: ``pip install 'ocrfix[dask]'``.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator, Sequence

from .batch import Job, Outcome, correct_files as correct_jobs, init_worker, plan_jobs, run_job
from .batch.run import Work
from .errors import InputError, ModelError, OcrfixError
from .options import CorrectOptions

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed
except ImportError:  # pragma: no cover - the extra is not installed
    dask = Client = LocalCluster = as_completed = None  # type: ignore[assignment,misc]
    WorkerPlugin = object  # type: ignore[assignment,misc]

PLUGIN_NAME = "ocrfix-corrector"
#: Settings of the workers of a ``local:N`` cluster. A worker's statistical profiler (a sample
#: every 10 ms), its event-loop tick (20 ms) and its memory and system monitors (0.1 s, 0.5 s)
#: feed a dashboard that a batch run does not start; together they took 5 % of a worker's CPU
#: beside a task that burns CPU, under 1 % with these (benchmarks/RESULTS.md, "Batches at scale"). On a machine
#: whose cores all run workers, that CPU is taken from the corrections.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.admin.system-monitor.interval": "2s",
}


class CorrectorPlugin(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Loads the corrector's models in every worker process, once. A model that cannot be
    loaded is kept as the worker's :func:`load_error` (raising here would log a traceback
    on every worker) and its tasks fail with it."""

    name = PLUGIN_NAME

    def __init__(self, options: CorrectOptions) -> None:
        self.options = options

    def setup(self, worker: Any) -> None:
        global _LOAD_ERROR
        try:
            init_worker(self.options)
            _LOAD_ERROR = None
        except OcrfixError as exc:
            _LOAD_ERROR = str(exc)


#: this worker process's model load error, if any (set by :class:`CorrectorPlugin`)
_LOAD_ERROR: str | None = None


def load_error() -> str | None:
    """Why this worker could not load the models (None: loaded); run on the workers by the client."""
    return _LOAD_ERROR


def _require_dask() -> None:
    if Client is None:
        raise InputError("Dask is not installed: pip install 'ocrfix[dask]' (dask[distributed])")


def connect(address: str) -> Any:
    """A client for ``--dask``: a scheduler address (``tcp://host:8786``) or ``local:N``, a
    cluster of N single-threaded worker processes on this machine."""
    _require_dask()
    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:"))
        except ValueError:
            n = 0
        if n < 1:
            raise InputError(f"--dask {address}: give local:N with N >= 1 workers")
        with dask.config.set(QUIET_WORKERS):  # the nannies keep it for the workers they (re)start
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"--dask {address}: cannot reach the scheduler ({exc})") from None


@contextlib.contextmanager
def session(address: str) -> Iterator[Any]:
    """:func:`connect` to ``address`` for a ``with`` block; a ``local:N`` cluster is closed after it."""
    client = connect(address)
    try:
        yield client
    finally:
        cluster = client.cluster
        client.close()
        if address.startswith("local:") and cluster is not None:
            cluster.close()


def dask_runner(client: Any, work: Work = run_job) -> Any:
    """A :data:`ocrfix.batch.Runner` that submits one task per job to ``client``'s cluster, each
    doing ``work`` (correcting the file; :func:`ocrfix.batch.replay.replay_job`: ``ocrfix apply``)."""
    def run(jobs: Sequence[Job], options: CorrectOptions, on_error: str = "skip") -> Iterator[Outcome]:
        if not jobs:
            return
        client.register_plugin(CorrectorPlugin(options), name=PLUGIN_NAME)
        errors = sorted({error for error in client.run(load_error).values() if error})
        if errors:  # a bad model: one line, before any task is sent
            raise ModelError(errors[0])
        futures = client.map(work, list(jobs), on_error=on_error, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)  # an abort or interrupt leaves nothing running
    return run


def correct_files(paths: Sequence[str], out_dir: str, client: Any, options: CorrectOptions,
                  edits_path: str | None = None, stats_path: str | None = None, resume: bool = False,
                  on_error: str = "skip", progress: bool = False) -> list[Outcome]:
    """Correct files and directories (``*.txt``, recursively) into ``out_dir`` on ``client``'s
    cluster; ``options`` as for :func:`ocrfix.batch.correct_files`. Returns the outcomes."""
    _require_dask()
    jobs = plan_jobs(list(paths), None, out_dir, recursive=True)
    return correct_jobs(jobs, options, edits_path=edits_path, resume=resume, progress=progress,
                        stats_path=stats_path, on_error=on_error, runner=dask_runner(client))
