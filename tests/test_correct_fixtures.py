"""Tiny models for the corrector tests (no tests here): a bigram ARPA LM, a confusion TSV, weights."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from ocrfix.confusions import ConfusionSet
from ocrfix.correction.features import BASE_FEATURES
from ocrfix.correction.score import Weights
from ocrfix.normalize import lm_tokens

CORPUS = [
    "我们在北京工作。",
    "他们在上海工作。",
    "我们在北京学习。",
    "大家都在认真工作。",
    "今天天气很好。",
    "我们今天在北京开会。",
    "他在上海学习工作。",
] * 3
#: seen char -> candidate true chars (score, source)
CONFUSIONS = [
    ("乍", "作", 0.8, "visual"),
    ("乍", "怎", 0.3, "visual"),
    ("京", "景", 0.4, "pinyin"),
    ("作", "做", 0.5, "pinyin"),
    ("天", "夫", 0.6, "visual"),
    ("海", "每", 0.3, "visual"),
    ("学", "字", 0.5, "visual"),
]
INVENTORY = frozenset("我们在北京工作他上海学习大家都认真今天气很好开会怎景做夫每字。乍")


def write_arpa(path: Path, lines: list[str] = CORPUS) -> Path:
    """A bigram ARPA model with absolute discounting (not exactly normalized; fine for tests)."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for line in lines:
        toks = ["<s>", *lm_tokens(line), "</s>"]
        uni.update(toks)
        bi.update(zip(toks, toks[1:]))
    total = sum(uni.values())
    vocab = sorted(uni) + ["<unk>"]
    out = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(bi)}", "", "\\1-grams:"]
    for w in vocab:
        lp = -99.0 if w == "<s>" else math.log10((uni.get(w, 0) + 0.1) / (total + 0.1 * len(vocab)))
        out.append(f"{lp:.4f}\t{w}\t-0.5")
    out += ["", "\\2-grams:"]
    for (u, w), n in sorted(bi.items()):
        out.append(f"{math.log10(n * 0.9 / uni[u]):.4f}\t{u} {w}")
    out += ["", "\\end\\", ""]
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def write_confusions(path: Path) -> Path:
    path.write_text("# test set\n" + "".join(f"{a}\t{b}\t{s}\t{src}\n" for a, b, s, src in CONFUSIONS), encoding="utf-8")
    return path


def confusion_set(tmp_path: Path) -> ConfusionSet:
    return ConfusionSet.load(write_confusions(tmp_path / "conf.tsv"))


#: Hand-set weights: accept when the LM gain outweighs the channel cost (lm_gain + channel > ~1).
_COEF = {"lm_gain": 4.0, "channel": 2.0}
WEIGHTS = Weights(coef=tuple(_COEF.get(name, 0.0) for name in BASE_FEATURES), intercept=-3.0, sources=(), threshold=0.5, k=5)


def load_lm(path: Path):
    from ocrfix.lm import CharLM

    return CharLM(path)


def marks_at_line_ends(stage, raw: str, lm) -> list[tuple[str, str]]:
    """The marks a line-end ``stage`` (text, its wrapped line ends, LM, protected mask -> changes) puts into
    ``raw``'s reflow, each with the two characters either side of where it goes."""
    from ocrfix import reflow
    from ocrfix.correction.line_marks import wrapped_line_ends
    from ocrfix.segment import protected_mask

    text = reflow(raw)
    return [(text[offset - 2:offset + 2], mark)
            for offset, _, mark, *_ in stage(text, wrapped_line_ends(raw, text), lm, protected_mask(text))]
