"""Speed and sanity of ``ocrfix.evaluate`` on a ~1 M-character synthetic page pair.

GT: consecutive sentences of People's Daily 2019-02 (a training month, not held out) grouped
into paragraphs. HYP: the same paragraphs shuffled, with injected character errors (known
counts), a share of them column-wrapped every 13 characters, some paragraphs dropped and some
foreign paragraphs added. Prints the injected figures next to the measured ones and the median
wall time of ``evaluate``.

    nice -n 5 python -m benchmarks.eval_speed [--chars 1000000] [--runs 3]
"""
from __future__ import annotations

import argparse
import lzma
import random
import resource
import statistics
import time

from ocrfix.evaluation import evaluate
from ocrfix.settings import load_settings

SOURCE = "rmrb_peoples_daily_2019_2020/rmrb_2019-02.txt.xz"
SUB, DEL, INS = 0.03, 0.005, 0.005   # injected error rates per character
DROP, EXTRA, WRAP = 0.02, 0.02, 0.3  # shares of paragraphs dropped / added / column-wrapped


def paragraphs(limit_chars: int) -> list[str]:
    """Paragraphs of 3 consecutive sentences, up to ``limit_chars`` characters in all."""
    out, para, total = [], [], 0
    with lzma.open(load_settings().data_dir / SOURCE, "rt", encoding="utf-8") as handle:
        for line in handle:
            para.append(line.strip())
            if len(para) == 3:
                text = "".join(para)
                out.append(text)
                total += len(text)
                para = []
                if total >= limit_chars:
                    break
    return out


def corrupt(text: str, rng: random.Random, alphabet: str) -> tuple[str, int]:
    out, errors = [], 0
    for ch in text:
        roll = rng.random()
        if roll < SUB:
            out.append(rng.choice(alphabet))
            errors += 1
        elif roll < SUB + DEL:
            errors += 1
            continue
        else:
            out.append(ch)
        if rng.random() < INS:
            out.append(rng.choice(alphabet))
            errors += 1
    return "".join(out), errors


def build_pair(chars: int, seed: int = 0) -> tuple[str, str, dict]:
    rng = random.Random(seed)
    paras = paragraphs(int(chars * (1 + EXTRA)))
    extra_count = int(len(paras) * EXTRA / (1 + EXTRA))
    gt_paras, extra = paras[:-extra_count], paras[-extra_count:]
    alphabet = "".join(sorted(set("".join(gt_paras[:200]))))
    hyp_paras, injected, kept_chars = [], 0, 0
    for para in gt_paras:
        if rng.random() < DROP:
            continue
        noisy, errors = corrupt(para, rng, alphabet)
        injected += errors
        kept_chars += len(para)
        if rng.random() < WRAP:
            noisy = "\n".join(noisy[k:k + 13] for k in range(0, len(noisy), 13))
        hyp_paras.append(noisy)
    hyp_paras += extra
    rng.shuffle(hyp_paras)
    facts = {"gt_chars": sum(map(len, gt_paras)), "kept_gt_chars": kept_chars, "injected_errors": injected,
             "extra_chars": sum(map(len, extra)), "injected_cer": injected / kept_chars}
    return "\n".join(gt_paras), "\n\n".join(hyp_paras), facts


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    gt, hyp, facts = build_pair(args.chars)
    times, cpu, report = [], [], None
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = evaluate(gt, hyp)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    d = report.to_dict()
    print(f"injected: {facts}")
    print(f"measured: gt_chars {d['gt_chars']} matched {d['matched_gt_chars']} errors {d['errors']} cer {d['cer']:.4f} "
          f"unmatched GT {d['unmatched_gt_chars']} HYP {d['unmatched_hyp_chars']} cer_all {d['cer_all']:.4f}")
    print(f"evaluate() over {args.runs} runs: wall median {statistics.median(times):.2f} s {[round(t, 2) for t in times]}, "
          f"CPU median {statistics.median(cpu):.2f} s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
