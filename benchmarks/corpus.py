"""Articles from the shared news corpora (one sentence or title per line, ``.txt.xz``).

The corpora carry no article boundaries, only titles and sentences in order, so an article is
a title-like line followed by the consecutive body sentences after it. The split matters:
evaluation pages come only from the held-out files, training pages never do.
"""
from __future__ import annotations

import lzma
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ocrfix.errors import InputError
from ocrfix.normalize import is_han

#: Held out for evaluation only (see the team brief); never used for training pages.
EVAL_SOURCES = ("rmrb_peoples_daily_2019_2020/rmrb_2020-05.txt.xz", "xwlb_cctv_news/xwlb_2026.txt.xz")
TRAIN_SOURCES = (
    "rmrb_peoples_daily_2019_2020/rmrb_2019-02.txt.xz",
    "rmrb_peoples_daily_2019_2020/rmrb_2019-10.txt.xz",
    "rmrb_peoples_daily_2019_2020/rmrb_2020-01.txt.xz",
    "rmrb_peoples_daily_2019_2020/rmrb_2020-02.txt.xz",
    *(f"xwlb_cctv_news/xwlb_{year}.txt.xz" for year in range(2012, 2026)),
)
SOURCES = {"train": TRAIN_SOURCES, "eval": EVAL_SOURCES}

_SENTENCE_END = "。！？；…”’」』）)!?;"
_HALF_TO_FULL_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_SPACES = re.compile(r"[ \u3000\u00a0\t]+")


@dataclass(frozen=True)
class Article:
    """A headline and its body paragraphs, with where they came from."""

    headline: str
    paragraphs: tuple[str, ...]
    source: str
    line: int


def is_title(line: str) -> bool:
    """A title/heading line: short and without sentence-final punctuation."""
    return 4 <= len(line) <= 40 and line[-1] not in _SENTENCE_END


def print_pieces(text: str) -> list[str]:
    """The runs of ``text`` between its spaces, each in print form (:func:`print_form` joins them)."""
    text = _FULLWIDTH_ALNUM.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text)
    return [piece for piece in _SPACES.split(text.translate(_HALF_TO_FULL_PUNCT)) if piece]


def print_form(text: str) -> str:
    """Text as a Chinese newspaper prints it: full-width punctuation, half-width digits and
    Latin letters, no spaces between characters (the corpus has a few, e.g. after a dateline, and
    between a long headline's phrases)."""
    return "".join(print_pieces(text))


@lru_cache(maxsize=4)
def read_lines(path: Path) -> tuple[str, ...]:
    """The lines of one corpus file as written (stripped, spaces kept) that have a print form."""
    if not path.is_file():
        raise InputError(f"corpus file not found: {path}")
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return tuple(line for line in map(str.strip, fh) if print_form(line))


@lru_cache(maxsize=4)
def load_lines(path: Path) -> tuple[str, ...]:
    """The non-empty lines of one corpus file, in print form (line ``k`` is :func:`read_lines`' line ``k``)."""
    return tuple(map(print_form, read_lines(path)))


def group_paragraphs(sentences: list[str], rng: random.Random) -> tuple[str, ...]:
    """Join consecutive sentences into paragraphs of 2–5 sentences."""
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(2, 5)
        paragraphs.append("".join(sentences[i : i + n]))
        i += n
    return tuple(paragraphs)


def _is_headline(line: str, max_len: int) -> bool:
    return 6 <= len(line) <= max_len and is_title(line) and (is_han(line[0]) or line[0] in "“《") and (
        is_han(line[-1]) or line[-1] in "”》" or line[-1].isalnum())


@lru_cache(maxsize=8)
def stories(lines: tuple[str, ...], max_headline: int = 22) -> tuple[tuple[int, int, int], ...]:
    """(headline line, end line, body characters) of every story: a headline-like title and the
    sentences after it up to the next title line."""
    found = []
    for start, head in enumerate(lines):
        if not _is_headline(head, max_headline):
            continue
        end = start + 1
        while end < len(lines) and not is_title(lines[end]):
            end += 1
        if end > start + 1:
            found.append((start, end, sum(map(len, lines[start + 1 : end]))))
    return tuple(found)


def pick_article(lines: tuple[str, ...], source: str, min_chars: int, slot: int, shuffle_seed: int) -> Article:
    """Story number ``slot`` of a fixed shuffle of the stories of at least ``min_chars`` body
    characters, as headline + paragraphs. Distinct slots give distinct stories (until they wrap)."""
    eligible = [s for s in stories(lines) if s[2] >= min_chars]
    if not eligible:
        raise InputError(f"no story of {min_chars} characters in {source}")
    random.Random(shuffle_seed).shuffle(eligible)
    start, end, _ = eligible[slot % len(eligible)]
    rng = random.Random(shuffle_seed * 7919 + start)
    return Article(lines[start], group_paragraphs(list(lines[start + 1 : end]), rng), source, start + 1)
