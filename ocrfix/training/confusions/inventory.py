"""Building the character inventory (:mod:`ocrfix.confusions.inventory`) from 通用规范汉字表 and
the Han characters frequent in the training split of the news corpora."""
from __future__ import annotations

import lzma
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from ...confusions.inventory import CHARFREQ_FILE, INVENTORY_FILE
from ...errors import InputError
from ...normalize import is_han
from ...textio import CONVERT_TO_UTF8, read_text, write_text_atomic

GUIFAN_FILE = "pinyin_data/tongyong_guifan_8105.txt"
#: Training-split news corpora (held-out months/years excluded by name).
HELDOUT_CORPORA = ("rmrb_2020-05", "xwlb_2026")
CORPUS_GLOBS = ("rmrb_peoples_daily_2019_2020/rmrb_*.txt.xz", "xwlb_cctv_news/xwlb_*.txt.xz")
MIN_CORPUS_COUNT = 20

def read_guifan(data_dir: Path) -> list[str]:
    """The 8,105 characters of 通用规范汉字表 (``U+XXXX<TAB>number`` lines)."""
    path = data_dir / GUIFAN_FILE
    chars = []
    for line in read_text(path, remedy=CONVERT_TO_UTF8).splitlines():
        if line.startswith("U+"):
            chars.append(chr(int(line.split("\t")[0][2:], 16)))
    if not chars:
        raise InputError(f"{path}: no U+XXXX lines")
    return chars


def training_corpora(data_dir: Path) -> list[Path]:
    """Training-split corpus files (never the held-out ones)."""
    files = sorted(p for pattern in CORPUS_GLOBS for p in data_dir.glob(pattern))
    return [p for p in files if not any(h in p.name for h in HELDOUT_CORPORA)]


def count_han(paths: Iterable[Path]) -> Counter[str]:
    """Han character counts over ``.xz`` text files."""
    counts: Counter[str] = Counter()
    for path in tqdm(list(paths), desc="counting chars", unit="file"):
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            for block in iter(lambda: handle.read(1 << 22), ""):
                counts.update(block)
    return Counter({ch: n for ch, n in counts.items() if is_han(ch)})


def build_inventory(data_dir: Path, min_count: int = MIN_CORPUS_COUNT) -> tuple[list[str], Counter[str]]:
    """(inventory chars sorted by code point, Han counts of the training corpora)."""
    guifan = read_guifan(data_dir)
    counts = count_han(training_corpora(data_dir))
    chars = set(guifan) | {ch for ch, n in counts.items() if n >= min_count}
    return sorted(chars), counts


def write_inventory(out_dir: Path, chars: list[str], counts: Counter[str], how: str) -> None:
    """Write ``inventory.txt`` (one char per line) and ``charfreq.tsv`` (inventory chars' counts)."""
    write_text_atomic(out_dir / INVENTORY_FILE, f"# {how}\n# {len(chars)} characters\n" + "\n".join(chars) + "\n")
    rows = sorted(((ch, counts.get(ch, 0)) for ch in chars), key=lambda r: (-r[1], r[0]))
    write_text_atomic(
        out_dir / CHARFREQ_FILE,
        "# Han character counts in the training-split news corpora (char<TAB>count)\n"
        + "".join(f"{ch}\t{n}\n" for ch, n in rows),
    )
