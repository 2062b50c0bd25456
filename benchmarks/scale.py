"""Scaling a batch: throughput of 1 vs 2 Dask workers against ``--jobs``, and kills that lose nothing.

Throughput: the OCR of the generated pages (every level, ``--copies`` times over, as plain-text
files) is corrected by the shipped corrector into a fresh output directory with each of
``--jobs 1``, ``--jobs 2``, ``--dask local:1`` and ``--dask local:2``, each configuration in a
fresh process (runs interleaved, medians). Timed: :func:`ocrfix.batch.correct_files` (models
loaded in every worker included; the local cluster's start-up is reported apart); peak RSS per
worker process. Steady throughput: the characters of every file but the first, over the time from
the first file's outcome to the last's, which leaves out what a run pays once (a worker's start,
its model load) and so is the rate an archive's hours-long run keeps up.

Kills: ``--kills`` times, ``ocrfix correct --jobs 2 --resume --edits`` (over ``--kill-pages`` pages
per level) is started in a fresh directory and ``kill -9``-ed (with its workers) at a random moment
of a clean run's duration; every output present must then equal the clean run's (0 partial
outputs). A ``--resume`` completes the batch: its edits log must equal the clean run's (0 lost,
0 extra edits) and so must its outputs.

Worker overhead (``--worker-overhead``): a task burns 4 s of CPU in a one-worker local cluster,
three times, with Dask's default worker settings and with those of ``--dask local:N``
(:data:`ocrfix.distributed.QUIET_WORKERS`); reported: the CPU the worker process spent beside the
task's own thread (its profiler, event-loop tick and monitors), per second of the task.

    python -m benchmarks.scale [--pages-root build/bench/pages] [--split eval] [--copies 2] [--runs 2] [--kills 20]
    python -m benchmarks.scale --worker-overhead
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from . import sets

if TYPE_CHECKING:
    from ocrfix.batch import Job, Outcome, Runner
    from ocrfix.options import CorrectOptions

PAGES_ROOT = Path("build/bench/pages")
CONFIGS = ("jobs:1", "jobs:2", "dask:1", "dask:2")


def stage_inputs(pages_root: Path, split: str, copies: int, directory: Path, limit: int | None = None) -> int:
    """The pages' OCR (``limit`` per level) as ``directory/NAME.txt`` files (``copies`` times);
    returns their characters."""
    directory.mkdir(parents=True, exist_ok=True)
    chars = 0
    for copy in range(copies):
        for page in sets.generated_pages(pages_root, split, limit):
            (directory / f"{copy}-{page.group}-{page.name}.txt").write_text(page.ocr, encoding="utf-8")
            chars += len(page.ocr)
    return chars


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def one_config(config: str, inputs: str, out: str) -> dict[str, float]:
    """Run one configuration (in this fresh process) and report seconds, CPU seconds of every
    process involved (for Dask also the client's own, which includes the local scheduler's),
    start-up, peak RSS per worker, the steady throughput and the load average at the end."""
    from ocrfix.batch import correct_files, plan_jobs, run_jobs
    from ocrfix.options import CorrectOptions  # noqa: F811 (the run's, not only the type's)

    kind, n = config.split(":")
    jobs = plan_jobs([inputs], None, out)
    result: dict[str, float] = {"startup_s": 0.0}
    stamps: list[float] = []
    if kind == "jobs":
        start, cpu = time.perf_counter(), _cpu() + _cpu(resource.RUSAGE_CHILDREN)
        outcomes = correct_files(jobs, CorrectOptions(), progress=False, runner=stamped(partial(run_jobs, n_jobs=int(n)), stamps))
        result["seconds"] = time.perf_counter() - start
        result["cpu_s"] = _cpu() + _cpu(resource.RUSAGE_CHILDREN) - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result["worker_rss_mb"] = max(children, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    else:
        from ocrfix.distributed import dask_runner, session

        start = time.perf_counter()
        with session(f"local:{n}") as client:  # the cluster of `ocrfix correct --dask local:N`
            result["startup_s"] = time.perf_counter() - start
            start, own, workers = time.perf_counter(), _cpu(), sum(client.run(_cpu).values())
            outcomes = correct_files(jobs, CorrectOptions(), progress=False, runner=stamped(dask_runner(client), stamps))
            result["seconds"] = time.perf_counter() - start
            result["client_cpu_s"] = _cpu() - own  # the client and the local cluster's scheduler
            result["cpu_s"] = result["client_cpu_s"] + sum(client.run(_cpu).values()) - workers
            rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            result["worker_rss_mb"] = max(rss.values())
    result["load"] = os.getloadavg()[0]
    result["failed"] = sum(1 for o in outcomes if o.error)
    result["chars"] = sum(o.chars for o in outcomes)
    result["steady_chars_s"] = steady_rate([o.chars for o in outcomes], stamps)
    return result


def stamped(runner: Runner, stamps: list[float]) -> Runner:
    """``runner``, appending to ``stamps`` the moment (``time.perf_counter``) each outcome comes back."""
    def run(jobs: Sequence[Job], options: CorrectOptions, on_error: str = "skip") -> Iterator[Outcome]:
        for outcome in runner(jobs, options, on_error=on_error):
            stamps.append(time.perf_counter())
            yield outcome
    return run


def steady_rate(chars: Sequence[int], stamps: Sequence[float]) -> float:
    """Characters per second from the first outcome to the last: every file's characters but the
    first one's, over that time (0 with fewer than two outcomes)."""
    if len(stamps) < 2 or stamps[-1] <= stamps[0]:
        return 0.0
    return sum(chars[1:]) / (stamps[-1] - stamps[0])


def burn(seconds: float) -> tuple[float, float]:
    """Burn ``seconds`` of this thread's CPU on dict and str work; (thread CPU, process CPU) spent."""
    thread, process = time.thread_time(), time.process_time()
    while time.thread_time() - thread < seconds:
        table = {i: (i, str(i)) for i in range(1000)}
        table.clear()
    return time.thread_time() - thread, time.process_time() - process


def worker_overhead(seconds: float = 4.0, runs: int = 3) -> dict[str, list[float]]:
    """Per setting (Dask's defaults, ``--dask local:N``'s): the worker process's CPU beside the
    task's thread, per second of the task's CPU, over ``runs`` tasks of ``seconds``."""
    from distributed import Client, LocalCluster

    from ocrfix.distributed import session

    def share(client: Client) -> list[float]:
        spent = [client.submit(burn, seconds, pure=False).result() for _ in range(runs)]
        return [round((process - thread) / thread, 4) for thread, process in spent]

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        defaults = share(client)
    with session("local:1") as client:
        quiet = share(client)
    return {"defaults": defaults, "ocrfix local:N": quiet}


def throughput(inputs: Path, work: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {config: [] for config in CONFIGS}
    for number in range(runs):
        order = CONFIGS[number % len(CONFIGS):] + CONFIGS[:number % len(CONFIGS)]
        for config in order:
            out = work / f"out-{config.replace(':', '')}-{number}"
            run = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--one", config, str(inputs), str(out)],
                                 capture_output=True, text=True, check=True)
            results[config].append(json.loads(run.stdout.strip().splitlines()[-1]))
            print(f"  {config} run {number + 1}: {results[config][-1]}", file=sys.stderr)
    return results


def _visible(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("[!.]*.txt")} if out.exists() else {}


def kills(inputs: Path, work: Path, count: int, seed: int) -> dict[str, object]:
    """A clean run, then ``count`` runs into fresh directories, each ``kill -9``-ed (with its
    workers) at a random moment and completed by ``--resume``."""
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(Path.cwd()), os.environ.get("PYTHONPATH"))))}

    def command(out: Path, log: Path) -> list[str]:
        return [sys.executable, "-m", "ocrfix", "correct", str(inputs), "--out-dir", str(out), "--edits", str(log),
                "--jobs", "2", "--resume", "--quiet"]

    clean_out, clean_log = work / "clean", work / "clean.jsonl"
    start = time.perf_counter()
    subprocess.run(command(clean_out, clean_log), env=env, check=True)
    clean_seconds = time.perf_counter() - start
    reference, expected = _visible(clean_out), clean_log.read_text(encoding="utf-8").splitlines()
    partial = lost = extra = differing = 0
    done_at_kill: list[int] = []
    for number in range(count):
        out, log = work / f"killed-{number}", work / f"killed-{number}.jsonl"
        proc = subprocess.Popen(command(out, log), env=env, start_new_session=True, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, clean_seconds))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        present = _visible(out)
        partial += sum(1 for name, data in present.items() if reference.get(name) != data)
        done_at_kill.append(len(present))
        subprocess.run(command(out, log), env=env, check=True)
        got = log.read_text(encoding="utf-8").splitlines()
        lost += sum(1 for line in expected if line not in set(got))
        extra += sum(1 for line in got if line not in set(expected))
        differing += (got != expected) + (_visible(out) != reference)
    return {"kills": count, "files": len(reference), "edits": len(expected), "clean_seconds": round(clean_seconds, 1),
            "outputs_at_kill": done_at_kill, "partial_outputs": partial, "lost_edits": lost, "extra_edits": extra,
            "runs_not_identical": differing}


def report(chars: int, files: int, results: dict[str, list[dict[str, float]]]) -> str:
    lines = ["| configuration | median seconds | chars/s | vs 1 worker | steady chars/s | steady vs 1 worker "
             "| chars per CPU-second | peak RSS per worker | cluster start-up | load average |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    median = {config: statistics.median(run["seconds"] for run in runs) for config, runs in results.items()}
    steady = {config: statistics.median(run["steady_chars_s"] for run in runs) for config, runs in results.items()}
    for config, runs in results.items():
        base = f"{config.split(':')[0]}:1"
        lines.append(f"| `{'--jobs ' if config.startswith('jobs') else '--dask local:'}{config.split(':')[1]}` | "
                     f"{median[config]:.1f} | {chars / median[config]:,.0f} | {median[base] / median[config]:.2f}x | "
                     f"{steady[config]:,.0f} | {steady[config] / steady[base]:.2f}x | "
                     f"{chars / statistics.median(run['cpu_s'] for run in runs):,.0f} | "
                     f"{max(run['worker_rss_mb'] for run in runs):,.0f} MB | "
                     f"{statistics.median(run['startup_s'] for run in runs):.1f} s | "
                     f"{min(run['load'] for run in runs):.1f}–{max(run['load'] for run in runs):.1f} |")
    lines.append("")
    lines.append(f"{files} files, {chars:,} characters; {len(next(iter(results.values())))} runs per configuration. "
                 f"Dask 2 workers against --jobs 2: {median['dask:2'] / median['jobs:2']:.2f}x the time.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--one"]:
        print(json.dumps(one_config(*sys.argv[2:5])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages-root", type=Path, default=PAGES_ROOT)
    parser.add_argument("--split", default="eval")
    parser.add_argument("--copies", type=int, default=2, help="each page this many times (default 2)")
    parser.add_argument("--runs", type=int, default=2, help="runs per configuration (default 2)")
    parser.add_argument("--kills", type=int, default=20, help="kill -9s (default 20; 0: none)")
    parser.add_argument("--kill-pages", type=int, default=5, help="pages per level for the kill test (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--worker-overhead", action="store_true", help="only the Dask worker's CPU beside a task")
    args = parser.parse_args(argv)
    if args.worker_overhead:
        print(json.dumps(worker_overhead()))
        return 0
    with tempfile.TemporaryDirectory(prefix="ocrfix-scale-") as tmp:
        work = Path(tmp)
        if not args.no_throughput:
            chars = stage_inputs(args.pages_root, args.split, args.copies, work / "in")
            results = throughput(work / "in", work, args.runs)
            print(report(chars, len(list((work / "in").iterdir())), results))
        if args.kills:
            stage_inputs(args.pages_root, args.split, 1, work / "kill-in", args.kill_pages)
            print(json.dumps(kills(work / "kill-in", work, args.kills, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
