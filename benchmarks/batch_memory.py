"""Memory of one batch worker over many distinct small files: is it flat?

    python -m benchmarks.batch_memory [--files 10000] [--chars 60] [--samples 20] [--keep-edits]

Writes ``--files`` distinct pages of about ``--chars`` characters (consecutive sentences of People's
Daily 2019-10, a training month, with 3 % of their Han characters replaced by a confusable one
from the shipped confusion set, so every page has edits to find) into a temporary directory and
corrects them with the batch code path of ``ocrfix correct DIR --out-dir OUT --edits LOG`` in this
process (one worker, the shipped models; the run's outcomes, sidecars and the merged log included). The resident set size is sampled ``--samples`` times along the
way; the figure of merit is its change over the second half of the run (target: within ±5 %).
"""
from __future__ import annotations

import argparse
import lzma
import random
import sys
import tempfile
import time
from pathlib import Path

from ocrfix.batch import Job, correct_files, run_jobs
from ocrfix.correction.corrector import load_confusions
from ocrfix.normalize import is_han
from ocrfix.options import CorrectOptions
from ocrfix.settings import load_settings

SOURCE = "rmrb_peoples_daily_2019_2020/rmrb_2019-10.txt.xz"
NOISE = 0.03


def rss_mb() -> float:
    """Resident set size of this process (MB), from /proc."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def pages(n: int, chars: int, seed: int = 0) -> list[str]:
    """``n`` distinct noisy pages of about ``chars`` characters each."""
    rng = random.Random(seed)
    settings = load_settings()
    confusions = load_confusions([settings.confusions_dir / "default.tsv"])
    out, page = [], ""
    with lzma.open(settings.data_dir / SOURCE, "rt", encoding="utf-8") as fh:
        for sentence in (s for line in fh for s in line.strip().split("。") if s):
            page += sentence + "。"
            if len(page) >= chars:
                out.append("".join(_noisy(ch, confusions, rng) for ch in page))
                page = ""
                if len(out) == n:
                    return out
    raise SystemExit(f"{SOURCE} has fewer than {n} pages of {chars} characters")


def _noisy(ch: str, confusions, rng: random.Random) -> str:
    if not is_han(ch) or rng.random() >= NOISE:
        return ch
    candidates = confusions.candidates(ch)
    return candidates[0].char if candidates else ch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=60)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--keep-edits", action="store_true",
                        help="keep every outcome's edits in memory (the library default) instead of their counts (the CLI's)")
    args = parser.parse_args(argv)
    texts = pages(args.files, args.chars)
    with tempfile.TemporaryDirectory(prefix="ocrfix-batch-memory-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        jobs = []
        for i, text in enumerate(texts):
            (src / f"{i:05d}.txt").write_text(text, encoding="utf-8")
            jobs.append(Job(str(src / f"{i:05d}.txt"), str(out / f"{i:05d}.txt")))
        out.mkdir()
        every = max(1, args.files // args.samples)
        samples: list[tuple[int, float, float, int]] = []
        started = time.perf_counter()

        def sampled(todo, options, on_error="skip"):  # run_jobs in this process, RSS sampled as files finish
            for done, outcome in enumerate(run_jobs(todo, options, 1, on_error), 1):
                yield outcome
                if done % every == 0 or done == len(todo):
                    samples.append((done, rss_mb(), time.perf_counter() - started, 0))

        outcomes = correct_files(jobs, CorrectOptions(), edits_path=str(Path(tmp) / "edits.jsonl"), progress=False,
                                 runner=sampled, keep_edits=args.keep_edits)
        merged = sum(1 for _ in open(Path(tmp) / "edits.jsonl", encoding="utf-8"))
        chars, edits = sum(o.chars for o in outcomes), sum(o.edit_count for o in outcomes)
        failed = sum(o.error is not None for o in outcomes)
        samples.append((len(jobs), rss_mb(), time.perf_counter() - started, 0))  # after the merge
    print(f"edits log: {merged:,} lines merged")
    print(f"{args.files:,} files, {chars:,} chars, {edits:,} edits, {failed} failed, "
          f"{chars / (time.perf_counter() - started):,.0f} chars/s")
    print("| files done | RSS (MB) | seconds |\n|---:|---:|---:|")
    for done, rss, seconds, _ in samples:
        print(f"| {done:,} | {rss:.1f} | {seconds:.0f} |")
    half = min(samples, key=lambda s: abs(s[0] - args.files / 2))
    last = samples[-1]
    low, high = min(s[1] for s in samples if s[0] >= half[0]), max(s[1] for s in samples if s[0] >= half[0])
    print(f"second half: RSS {half[1]:.1f} -> {last[1]:.1f} MB ({(last[1] - half[1]) / half[1]:+.1%}); "
          f"range {low:.1f}-{high:.1f} MB ({(high - low) / half[1]:.1%} of the midpoint)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
