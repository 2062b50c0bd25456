"""Training a character KenLM: corpora -> normalized text -> ``lmplz`` -> ``build_binary``.

The normalized text is streamed into a temporary file (never a Python list), then
``lmplz`` estimates a modified Kneser-Ney model (``-S`` always given, so it does not reserve
most of the machine's memory), and ``build_binary -q 8 -b 8 trie`` turns it into a quantized
trie that loads in well under a second. An output path ending in ``.arpa`` keeps
the ARPA text instead. The bigram :class:`~.context.ContextIndex` of the same text is written
beside the model (``NAME.context.npz``): the corrector's context candidates come from it. Tiny corpora make Kneser-Ney's closed-form discounts fail; lmplz then
asks for ``--discount_fallback``, and training retries once with it.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError, OcrfixError
from ...settings import load_settings
from .corpus import CorpusStats, expand_corpora, lm_lines
from .tools import KenlmTools, find_tools, run_tool

DEFAULT_ORDER = 6  # the shipped news model's order and pruning (models/README.md)
DEFAULT_PRUNE = (0, 0, 1, 1, 1, 2)
DEFAULT_MEMORY = "40%"
#: build_binary quantization bits (probabilities, backoffs) and data structure.
QUANT_BITS = 8
MAX_ORDER = 6  # KENLM_MAX_ORDER of the kenlm builds installed by install.sh
#: lmplz -S: a share of physical memory (40%) or a size with an optional unit suffix (2G, 500M).
_MEMORY = re.compile(r"\d+(\.\d+)?[%bkmgtp]?", re.IGNORECASE)


@dataclass(frozen=True)
class TrainResult:
    model: Path
    context: Path
    order: int
    prune: tuple[int, ...]
    lines: int
    tokens: int
    duplicates: int
    seconds: float

    @property
    def size_bytes(self) -> int:
        return self.model.stat().st_size


def default_prune(order: int) -> tuple[int, ...]:
    """Keep every uni- and bigram, drop singleton n-grams of orders 3-5 and those seen at most
    twice of order 6: the shipped model's recipe, chosen by the sweep in RESULTS.md."""
    return DEFAULT_PRUNE[:order]


def check_options(order: int, prune: Sequence[int] | None) -> tuple[int, ...]:
    """Validated pruning thresholds (counts at or below which n-grams are dropped, per order),
    padded to ``order`` with the last value; :func:`default_prune` when ``None``."""
    if not 2 <= order <= MAX_ORDER:
        raise InputError(f"--order must be between 2 and {MAX_ORDER}, got {order}")
    prune = default_prune(order) if prune is None else (tuple(prune) or (0,))
    if len(prune) > order or prune[0] != 0 or any(p < 0 for p in prune) \
            or any(b < a for a, b in zip(prune, prune[1:])):
        raise InputError(f"--prune must be at most {order} non-decreasing counts starting with 0, got {list(prune)}")
    return prune + (prune[-1],) * (order - len(prune))


def check_memory(memory: str) -> str:
    """``memory`` if lmplz's ``-S`` accepts it (checked here: lmplz reports a C++ stack trace)."""
    if not _MEMORY.fullmatch(memory.strip()):
        raise InputError(f"--memory must be a percentage or a size like 40% or 2G, got {memory!r}")
    return memory.strip()


def write_training_text(corpora: Sequence[str | Path], text_out: Path, data_dir: Path | None = None) -> CorpusStats:
    """Normalize and de-duplicate ``corpora`` (files or manifests) into ``text_out``.

    InputError when the result is empty (no line with a Han character).
    """
    from tqdm import tqdm

    files = expand_corpora(corpora, data_dir or load_settings().data_dir)
    stats = CorpusStats()
    with open(text_out, "w", encoding="utf-8") as out, \
            tqdm(desc="corpus", unit=" lines", file=sys.stderr, mininterval=1.0, delay=1.0) as bar:
        for line in lm_lines(files, stats, bar.update):
            out.write(line)
            out.write("\n")
    if stats.lines_read == 0:
        raise InputError(f"empty corpus ({', '.join(str(f.path) for f in files)}): nothing to train on")
    if stats.lines_written == 0:
        names = ", ".join(str(f.path) for f in files)
        raise InputError(f"no Chinese text in the corpus ({names}): nothing to train on")
    return stats


def estimate(tools: KenlmTools, text: Path, arpa: Path, order: int, prune: tuple[int, ...], memory: str,
             tmp: Path, log_path: Path | None = None) -> None:
    """``lmplz`` on normalized ``text`` into ``arpa``; retried with ``--discount_fallback`` if asked.

    ``log_path`` keeps lmplz's report (n-gram counts, discounts)."""
    args = [str(tools.lmplz), "-o", str(order), "-S", memory, "-T", str(tmp),
            "--prune", *map(str, prune)]
    code, err = run_tool(args, stdin_path=text, stdout_path=arpa, log_path=log_path)
    if code != 0 and "discount_fallback" in err:
        code, err = run_tool(args + ["--discount_fallback"], stdin_path=text, stdout_path=arpa, log_path=log_path)
    if code != 0:
        raise OcrfixError(f"lmplz failed (exit {code}): {_last_error_line(err)}")


def build_binary(tools: KenlmTools, arpa: Path, out: Path) -> None:
    """Quantized trie binary of ``arpa`` (small and quick to load)."""
    code, err = run_tool([str(tools.build_binary), "-q", str(QUANT_BITS), "-b", str(QUANT_BITS),
                          "trie", str(arpa), str(out)])
    if code != 0:
        raise OcrfixError(f"build_binary failed (exit {code}): {_last_error_line(err)}")


def _last_error_line(err: str) -> str:
    lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
    return next((ln for ln in reversed(lines) if "rror" in ln or "xception" in ln), lines[-1] if lines else "")


def train_lm(corpora: Sequence[str | Path], out: str | Path, order: int = DEFAULT_ORDER,
             prune: Sequence[int] | None = None, memory: str = DEFAULT_MEMORY,
             text_out: str | Path | None = None) -> TrainResult:
    """Train a character LM on ``corpora`` and write it to ``out`` (binary, or ARPA if ``*.arpa``).

    ``text_out`` keeps the normalized training text (e.g. to train several models on it).
    The model file is replaced atomically, only when everything succeeded.
    """
    from ...lm.context import ContextIndex, context_path, read_lines  # scipy: not for `ocrfix --help`

    start = time.monotonic()
    prune = check_options(order, prune)
    memory = check_memory(memory)
    tools = find_tools(load_settings().kenlm_bin)
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out}: is a directory; give the model file name")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create output directory {out.parent} ({exc.strerror})") from None
    with tempfile.TemporaryDirectory(prefix=".lmtrain-", dir=out.parent) as tmpname:
        tmp = Path(tmpname)
        text = Path(text_out) if text_out else tmp / "corpus.txt"
        stats = write_training_text(corpora, text)
        arpa = tmp / "model.arpa"
        print(f"lmplz: order {order}, prune {' '.join(map(str, prune))}, "
              f"{stats.tokens_written:,} tokens in {stats.lines_written:,} lines", file=sys.stderr)
        estimate(tools, text, arpa, order, prune, memory, tmp)
        built = tmp / "model.bin"
        if out.suffix == ".arpa":
            arpa.replace(built)
        else:
            print("build_binary: quantized trie", file=sys.stderr)
            build_binary(tools, arpa, built)
        print("context index: bigram counts", file=sys.stderr)
        ContextIndex.fit(read_lines(text)).save(context_path(out))
        built.replace(out)
    return TrainResult(out, context_path(out), order, prune, stats.lines_written, stats.tokens_written, stats.duplicates,
                       time.monotonic() - start)


#: Order of a domain LM trained on a user's own text (``ocrfix fit --domain-lm``): tens of
#: thousands of characters support no longer contexts.
DOMAIN_ORDER = 4
#: lmplz's memory for such a small text.
DOMAIN_MEMORY = "200M"


def train_domain_lm(lines: Sequence[str], out: str | Path, order: int = DOMAIN_ORDER) -> Path:
    """A small character LM of ``lines`` (normalized and de-duplicated as any corpus, no pruning:
    every n-gram of a small text counts) written to ``out`` as a quantized KenLM binary; no
    context index. Tiny texts train with lmplz's ``--discount_fallback`` (see :func:`estimate`)."""
    tools = find_tools(load_settings().kenlm_bin)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix=".domainlm-", dir=out.parent) as tmpname:
        tmp = Path(tmpname)
        raw = tmp / "lines.txt"
        raw.write_text("".join(line.strip() + "\n" for line in lines if line.strip()), encoding="utf-8")
        text, arpa, built = tmp / "corpus.txt", tmp / "model.arpa", tmp / "model.bin"
        write_training_text([raw], text)
        estimate(tools, text, arpa, order, (0,) * order, DOMAIN_MEMORY, tmp)
        build_binary(tools, arpa, built)
        built.replace(out)
    return out

