"""Traditional forms in simplified text: fixed when an engine produced them, kept when print has them.

Two measurements on the held-out news (``rmrb_2020-05``, ``xwlb_2026``), each with the variant
table on and off (``Corrector(variants={})``):

- **injected:** pages of ``--sentences`` sentences, one character per sentence replaced by its
  OpenCC ``s2t`` form (only characters whose traditional form converts back to them); counted:
  injected forms put back, missed, and other characters changed;
- **natural:** every held-out line that already contains a traditional form outside the
  inventory (names such as 梁靖崑, terms such as 虎鎣); every change to such a form is counted;
- **traditional script:** the injected pages' clean sentences written whole in traditional script,
  as a Taiwan or Hong Kong paper prints them (OpenCC ``s2t``, ``s2tw``, ``s2hk``); every character
  changed is a false edit.

    python -m benchmarks.variants [--pages 40] [--sentences 15] [--seed 7]

Needs OpenCC (``pip install 'ocrfix[train]'``) for the injection.
"""
from __future__ import annotations

import argparse
import lzma
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ocrfix.correction.corrector import Corrector
from ocrfix.normalize import is_han
from ocrfix.settings import load_settings

from .corpus import EVAL_SOURCES


@dataclass(frozen=True)
class Counts:
    injected: int = 0
    fixed: int = 0
    introduced: int = 0  # characters that were right and were changed

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.injected + other.injected, self.fixed + other.fixed, self.introduced + other.introduced)


def held_out_lines() -> Iterator[str]:
    data = load_settings().data_dir
    for source in EVAL_SOURCES:
        with lzma.open(data / source, "rt", encoding="utf-8") as handle:
            yield from (line.strip() for line in handle if line.strip())


def injected_pages(lines: Sequence[str], pages: int, per_page: int, seed: int) -> list[tuple[str, str]]:
    """(truth, text with one traditional form per sentence) pages from ``lines``."""
    import opencc

    to_trad, to_simp = opencc.OpenCC("s2t").convert, opencc.OpenCC("t2s").convert
    rng = random.Random(seed)
    pool = [line for line in lines if 30 <= len(line) <= 120]
    rng.shuffle(pool)
    out = []
    for p in range(pages):
        truth = pool[p * per_page:(p + 1) * per_page]
        noisy = []
        for sentence in truth:
            sites = [i for i, ch in enumerate(sentence) if is_han(ch) and len(to_trad(ch)) == 1
                     and to_trad(ch) != ch and to_simp(to_trad(ch)) == ch]
            chars = list(sentence)
            if sites:
                i = rng.choice(sites)
                chars[i] = to_trad(chars[i])
            noisy.append("".join(chars))
        out.append(("\n".join(truth), "\n".join(noisy)))
    return out


def score_page(corrector: Corrector, truth: str, noisy: str) -> Counts:
    """Injected forms put back, and characters that were right and were changed (an insertion or
    deletion counts one for each right character it touches, at least one), by the corrector's edits
    (``noisy`` and ``truth`` have the same length)."""
    injected = sum(a != b for a, b in zip(truth, noisy))
    fixed = introduced = 0
    for edit in corrector.correct(noisy, reflow=False).edits:
        start, end = edit.input_offset, edit.input_offset + len(edit.original)
        if len(edit.original) == len(edit.replacement) == 1 and noisy[start] != truth[start]:
            fixed += edit.replacement == truth[start]
        else:
            introduced += max(1, sum(noisy[i] == truth[i] for i in range(start, end)))
    return Counts(injected, fixed, introduced)


def natural_changes(corrector: Corrector, lines: Sequence[str], forms: set[str]) -> tuple[int, list[str]]:
    """(traditional forms in ``lines``, the changes made to them as 'before -> after' notes)."""
    total, changes = 0, []
    for line in lines:
        total += sum(ch in forms for ch in line)
        for edit in corrector.correct(line, reflow=False).edits:
            if edit.original in forms:
                changes.append(f"{edit.original}->{edit.replacement} in …{line[max(0, edit.offset - 6):edit.offset + 7]}…")
    return total, changes


def script_changes(corrector: Corrector, pages: Sequence[tuple[str, str]], config: str) -> tuple[int, int]:
    """(Han characters, characters changed) of the truth ``pages`` written in OpenCC's ``config`` script."""
    import opencc

    convert = opencc.OpenCC(config).convert
    chars = changed = 0
    for truth, _ in pages:
        text = convert(truth)
        output = corrector.correct(text, reflow=False).text
        chars += sum(map(is_han, text))
        changed += sum(a != b for a, b in zip(text, output)) + abs(len(text) - len(output))
    return chars, changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--sentences", type=int, default=15, help="sentences per page, one injected form each")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    lines = list(held_out_lines())
    pages = injected_pages(lines, args.pages, args.sentences, args.seed)
    on = Corrector()
    off = Corrector(model=on.lm, weights=on.weights, context=on.context, variants={})
    forms = set(on.variants)
    natural = [line for line in lines if any(ch in forms for ch in line)]
    print("| variant table | injected | put back | introduced elsewhere | natural forms | natural forms changed |")
    print("|---|---|---|---|---|---|")
    for name, corrector in (("off", off), ("on", on)):
        counts = sum((score_page(corrector, truth, noisy) for truth, noisy in pages), Counts())
        total, changes = natural_changes(corrector, natural, forms)
        print(f"| {name} | {counts.injected} | {counts.fixed} ({counts.fixed / max(counts.injected, 1):.1%}) | "
              f"{counts.introduced} | {total} | {len(changes)} |")
        for change in changes:
            print(f"  {name}: {change}", file=sys.stderr)
    print("\n| text in traditional script | Han characters | changed, variant table off | changed, on |")
    print("|---|---|---|---|")
    for config in ("s2t", "s2tw", "s2hk"):
        (chars, changed_off), (_, changed_on) = (script_changes(corrector, pages, config) for corrector in (off, on))
        print(f"| `{config}` | {chars:,} | {changed_off} | {changed_on} ({changed_on / chars * 10_000:.2f} per 10,000) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
