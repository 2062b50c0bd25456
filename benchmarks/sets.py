"""Adapters for the benchmark sets: sentence pairs (erroneous, gold) and page pairs (OCR, GT).

Sentence sets (read from the shared data directory):
  faspell   FASPell OCR test (``faspell_ocr/ocr_test_1000.txt``): real OCR errors of video captions
  sighan15  SIGHAN-15 test, simplified (``sighan_csc_simplified/pairs_onebula/test15_*``)
  lemon     LEMON news (``lemon_csc/lemon_v2/new.txt``; characters space-separated), and its other domains
Page sets:
  seed      the seed page pair (``../shared/seeds/page01.{ocr,web}.txt``) with its GT errata
  pages     generated pages ``build/bench/pages/<split>/<level>/*.{ocr,gt}.txt`` (splits eval, rapid, quick)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocrfix.errors import InputError
from ocrfix.textio import read_text

#: GT errata of the seed page (``web substring<TAB>corrected substring``), for ocrfix.evaluate.
SEED_ERRATA = Path(__file__).with_name("errata") / "page01.tsv"
#: GT errata of SIGHAN-15's test gold (misspellings it keeps).
SIGHAN15_ERRATA = Path(__file__).with_name("errata") / "sighan15.tsv"
#: Misspellings LEMON's gold keeps (any domain).
LEMON_ERRATA = Path(__file__).with_name("errata") / "lemon.tsv"


@dataclass(frozen=True)
class SentencePair:
    id: str
    erroneous: str
    gold: str


@dataclass(frozen=True)
class PagePair:
    """One page: raw OCR text and its ground truth; ``group`` is the results row it counts in."""

    name: str
    group: str
    ocr: str
    gt: str


def _lines(path: Path) -> list[str]:
    return [line for line in read_text(path).splitlines() if line.strip()]


def _fields(path: Path, n: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(_lines(path), 1):
        cols = line.split("\t")
        if len(cols) != n:
            raise InputError(f"{path}:{number}: expected {n} tab-separated fields, got {len(cols)}")
        rows.append(cols)
    return rows


def faspell(data_dir: Path, limit: int | None = None) -> list[SentencePair]:
    """FASPell OCR test: ``errors<TAB>ocr<TAB>gold`` per line (test-only, never for tuning)."""
    rows = _fields(data_dir / "faspell_ocr" / "ocr_test_1000.txt", 3)[:limit]
    return [SentencePair(f"faspell-{i}", ocr, gold) for i, (_, ocr, gold) in enumerate(rows)]


def sighan15(data_dir: Path, limit: int | None = None) -> list[SentencePair]:
    """SIGHAN-15 test, simplified: two line-aligned files."""
    base = data_dir / "sighan_csc_simplified" / "pairs_onebula"
    err, gold = _lines(base / "test15_error.txt"), _lines(base / "test15_correct.txt")
    if len(err) != len(gold):
        raise InputError(f"{base}: test15_error.txt has {len(err)} lines, test15_correct.txt {len(gold)}")
    return [SentencePair(f"sighan15-{i}", e, g) for i, (e, g) in enumerate(zip(err, gold))][:limit]


#: SIGHAN's training files (13, 14, 15): learners' essays, typing errors corrected by hand.
SIGHAN_TRAIN = ("train13", "train14", "train15")


def sighan_train_gold(data_dir: Path, name: str) -> list[str]:
    """The corrected side of one SIGHAN training file (training data: text to calibrate on)."""
    return [line.strip() for line in _lines(data_dir / "sighan_csc_simplified" / "pairs_onebula" / f"{name}_correct.txt")]


def _unspace(tokens: str) -> str:
    return "".join(tokens.split(" "))


#: LEMON's domains (file stems): automotive, contracts, encyclopedia, games, medical consultation, news, novels.
LEMON_DOMAINS = ("car", "cot", "enc", "gam", "mec", "new", "nov")


def lemon(data_dir: Path, domain: str, limit: int | None = None) -> list[SentencePair]:
    """One LEMON domain: ``erroneous<TAB>gold`` with every character separated by a space."""
    rows = _fields(data_dir / "lemon_csc" / "lemon_v2" / f"{domain}.txt", 2)[:limit]
    prefix = "lemon" if domain == "new" else f"lemon-{domain}"
    return [SentencePair(f"{prefix}-{i}", _unspace(e), _unspace(g)) for i, (e, g) in enumerate(rows)]


def lemon_news(data_dir: Path, limit: int | None = None) -> list[SentencePair]:
    """LEMON news (the domain nearest to newspapers)."""
    return lemon(data_dir, "new", limit)


def seed_page(seeds_dir: Path) -> PagePair:
    """The reference page pair; the GT is the web version (errata applied by the evaluator)."""
    return PagePair("page01", "seed", read_text(seeds_dir / "page01.ocr.txt"), read_text(seeds_dir / "page01.web.txt"))


def generated_pages(root: Path, split: str, limit: int | None = None) -> list[PagePair]:
    """Generated pages of one split, grouped by level (``l1``/``l2``/``l3``)."""
    split_dir = root / split
    if not split_dir.is_dir():
        raise InputError(f"no generated pages in {split_dir} (run: python -m benchmarks.generate --split {split})")
    pages = []
    for level_dir in sorted(p for p in split_dir.iterdir() if p.is_dir()):
        for ocr_path in sorted(level_dir.glob("*.ocr.txt"))[:limit]:
            name = ocr_path.name.removesuffix(".ocr.txt")
            gt = read_text(level_dir / f"{name}.gt.txt")
            pages.append(PagePair(name, f"{split}-{level_dir.name}", read_text(ocr_path), gt))
    return pages
