"""``ocrfix fit --unsupervised``: an engine profile learned from an archive's raw OCR alone.

Archives rarely have ground truth, so the channel is learned from the archive itself by
self-training (hard EM):

1. decode the archive with the ``generic`` profile (no engine-specific knowledge; one strict
   threshold, calibrated for >= 90 % of its edits fixing an error on clean print);
2. keep its confident edits (at least that threshold) as observed misreadings (seen -> true);
3. re-estimate the channel from them: P(seen | true) for every pair seen at least
   :data:`MIN_PAIR_COUNT` times (a one-off is as likely a false edit as an engine habit), merged with the
   base sets, and the misread rates (scaled to the generic profile's overall rate: confident
   edits find only part of the errors, but which characters they find wrong is the engine's signature);
4. decode again with the new channel and repeat, until the learned pairs stop changing or after
   :data:`ROUNDS` rounds.

**Drift guard.** A channel learned from its own edits can come to rewrite correct text: a false
edit made confidently once makes the same edit likelier next round. Three things stop it: only
repeated pairs are learned; the thresholds never go below the shipped weights' own (their first
pass, their second pass on noisy scans and their stricter one on clean print, calibrated on 1.7 M
characters of clean text; with a floor of 0.85 instead, a self-trained profile changed 5 Han
characters per 10,000 of other domains' clean text); and the first-pass threshold is calibrated
every round on clean text, at most one change per ``clean_chars``. The clean text is
the user's own (``--clean``) when given; otherwise the archive's *confident part*: its sentences
in which the generic profile finds nothing to change even at a low threshold
(:data:`PROXY_THRESHOLD`). They teach the channel nothing (no edit is counted in them), so they are
fair to check it on. The LM's own training text is not available to a user, and it would not be
the archive's domain; the confident sentences are the archive's own domain and, having not one
candidate the generic model finds even half likely, are very nearly error-free: a learned channel
that starts changing them is drifting.
"""
from __future__ import annotations

import dataclasses
import datetime
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from ..confusions import ConfusionSet, merge
from ..confusions.misread import MisreadRates
from ..correction.corrector import Corrector, load_confusions
from ..correction.variants import SOURCE as VARIANT
from ..errors import InputError
from ..profiles import load_profile
from ..segment import segment
from ..settings import load_settings
from ..textio import read_text
from .calibrate import THRESHOLDS, calibration_texts, threshold_curve
from .confusions.learn import ChannelCounts, channel_set, misread_rates
from .fit import Labeled
from .profile_fit import (BaseModels, Channel, Fitted, Models, Options, Stages, chunked, clean_labeled,
                          clean_texts)

ROUNDS = 3
MIN_PAIR_COUNT = 2
#: A sentence in which the generic profile proposes no edit at this threshold is taken as clean.
PROXY_THRESHOLD = 0.5
#: Shortest sentence taken as a clean proxy (short ones are headlines and fragments).
PROXY_MIN_CHARS = 8
#: At least this many confident edits are needed to learn anything.
MIN_EDITS = 10


def read_ocr_texts(inputs: Sequence[str | Path]) -> list[tuple[str, str]]:
    """(name, raw OCR) of the inputs: files as given; under a directory its ``*.ocr.txt`` files
    if it has any, else its ``*.txt`` files (never ``*.gt.txt``)."""
    out = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(path.rglob("*.ocr.txt")) or sorted(p for p in path.rglob("*.txt") if not p.name.endswith(".gt.txt"))
            if not files:
                raise InputError(f"{path}: no OCR text files (*.txt)")
            out += [(str(f.relative_to(path)), read_text(f)) for f in files]
        elif path.is_file():
            out.append((path.name, read_text(path)))
        else:
            raise InputError(f"{path}: no such file or directory")
    return [(name, text) for name, text in out if text.strip()]


def confident_counts(corrector: Corrector, texts: Sequence[str], min_gain: float) -> tuple[ChannelCounts, int]:
    """The decoder's single-character edits with probability >= ``min_gain`` as (true, seen) pairs,
    and the OCR characters they were made in (symbol rules and variant forms are not the channel)."""
    counts = ChannelCounts()
    edits = 0
    for text in tqdm(texts, desc="decode", unit="text", file=sys.stderr, leave=False):
        result = corrector.correct(text)
        subs = [(e.replacement, e.original) for e in result.edits
                if e.gain >= min_gain and len(e.original) == len(e.replacement) == 1
                and not any(s.startswith("rule:") or s == VARIANT for s in e.sources)]
        edits += len(subs)
        counts.add_text(result.text, subs, result.source)
    return counts, edits


def scaled_misread(counts: ChannelCounts, overall: float) -> MisreadRates:
    """Misread rates whose overall rate is ``overall`` (the generic profile's), spread over the
    characters as the confident edits found them."""
    rates = misread_rates(counts)
    scale = max(1.0, overall / max(rates.overall, 1e-9))
    return MisreadRates(rates.seen, {ch: min(rates.seen.get(ch, 0), round(n * scale)) for ch, n in rates.misread.items()})


def clean_proxies(corrector: Corrector, texts: Sequence[str]) -> list[Labeled]:
    """Sentences of ``texts`` in which ``corrector`` at :data:`PROXY_THRESHOLD` proposes no edit,
    joined into page-sized texts (the archive's confident part)."""
    saved = corrector.threshold, corrector.noisy, corrector.sparse
    corrector.threshold, corrector.noisy, corrector.sparse = PROXY_THRESHOLD, None, None
    sentences: list[str] = []
    try:
        for text in tqdm(texts, desc="clean proxies", unit="text", file=sys.stderr, leave=False):
            result = corrector.correct(text)
            edited = sorted(e.input_offset for e in result.edits)
            for sentence in segment(result.source):
                piece = result.source[sentence.start:sentence.end].strip()
                if len(piece) >= PROXY_MIN_CHARS and not any(sentence.start <= o < sentence.end for o in edited):
                    sentences.append(piece)
    finally:
        corrector.threshold, corrector.noisy, corrector.sparse = saved
    return clean_labeled((f"proxy:{i}", chunk) for i, chunk in enumerate(chunked(sentences)))


def guarded_threshold(corrector: Corrector, clean: Sequence[Labeled], clean_chars: float, floor: float) -> tuple[float, dict]:
    """The lowest threshold (>= ``floor``) from which on ``corrector`` changes at most one character
    per ``clean_chars`` of ``clean`` (LM edits and symbol rules together)."""
    decoded = calibration_texts(corrector, clean, clean=True)
    curve = [row for row in threshold_curve([], decoded, [t for t in THRESHOLDS if t >= floor])]
    chosen = curve[-1]
    for row in reversed(curve):
        if (row["clean_changed"] + row["clean_rule_changed"]) * clean_chars > row["clean_chars"]:
            break
        chosen = row
    return float(chosen["threshold"]), {"clean_changed": chosen["clean_changed"] + chosen["clean_rule_changed"],
                                        "clean_chars": chosen["clean_chars"]}


def fit_unsupervised(inputs: Sequence[str | Path], clean: Sequence[str | Path] = (), base: BaseModels | None = None,
                     options: Options = Options(), name: str = "self-trained", log: Callable[[str], None] = print,
                     command: str = "", rounds: int = ROUNDS) -> Fitted:
    """Self-train a profile on the raw OCR of ``inputs`` (see the module docstring)."""
    base = base or BaseModels.shipped()
    settings = load_settings()
    texts = read_ocr_texts(inputs)
    learn = [text for _, text in texts]
    generic = load_profile("generic", settings.models_dir)
    models = Models(base)
    base_set = load_confusions(base.confusions)
    overall = MisreadRates.load(base.misread).overall if base.misread else 0.01
    stages = Stages(tuple(generic.rules or ()), False, bool(models.variants))
    confident = generic.threshold if generic.threshold is not None else models.weights.threshold
    start = Channel(ConfusionSet({}), base_set, MisreadRates.uniform(overall))
    corrector = models.corrector(start, dataclasses.replace(models.weights, threshold=confident, noisy=None, sparse=None), stages)
    if clean:
        proxies = clean_labeled(clean_texts(clean))
        log(f"drift guard: {sum(len(p.text) for p in proxies):,} characters of clean text ({', '.join(map(str, clean))})")
    else:
        proxies = clean_proxies(corrector, learn)
        log(f"drift guard: {sum(len(p.text) for p in proxies):,} characters of the archive's confident sentences")
    history = []
    learned_pairs: frozenset = frozenset()
    channel = start
    threshold = confident
    for number in range(1, rounds + 1):
        counts, edits = confident_counts(corrector, learn, confident)
        if edits < MIN_EDITS:
            if number == 1:
                raise InputError(f"too little data: the generic profile makes only {edits} confident edits in "
                                 f"{len(learn)} texts (need at least {MIN_EDITS}); give more OCR text")
            break
        try:
            learned = channel_set(counts, min_count=MIN_PAIR_COUNT)
        except InputError:  # no pair repeated: nothing to learn
            learned = ConfusionSet({})
        pairs = frozenset((seen, c.char) for seen, c in learned.pairs())
        channel = Channel(learned, merge([base_set, learned]) if len(learned) else base_set, scaled_misread(counts, overall))
        candidate = models.corrector(channel, dataclasses.replace(models.weights, threshold=confident, noisy=None, sparse=None),
                                     stages)
        threshold, guard = guarded_threshold(candidate, proxies, options.clean_chars, models.weights.threshold)
        corrector = candidate.scoring_with(dataclasses.replace(models.weights, threshold=threshold))
        corrector.threshold, corrector.noisy, corrector.sparse = threshold, models.weights.noisy, models.weights.sparse
        history.append({"round": number, "confident_edits": edits, "learned_pairs": len(pairs), "threshold": threshold, **guard})
        log(f"round {number}: {edits} confident edits, {len(pairs)} learned pairs (seen >= {MIN_PAIR_COUNT} times), "
            f"threshold {threshold} (clean: {guard['clean_changed']} changed of {guard['clean_chars']:,})")
        if pairs == learned_pairs:
            break
        learned_pairs = pairs
    weights = dataclasses.replace(models.weights, threshold=threshold)  # the shipped second pass and clean-print rule
    card = {
        "engine": f"self-trained by ocrfix fit --unsupervised on {len(texts)} OCR texts (no ground truth)",
        "fitted_on": f"{len(learn)} texts ({', '.join(sorted({Path(i).name for i in inputs}))}); "
                     f"channel from the confident edits (>= {confident}) of the generic profile and its own later rounds",
        "held_out": "no ground truth: see benchmarks/RESULTS.md for measured figures of self-trained profiles",
        "rounds": history,
        "drift_guard": {"clean": [str(c) for c in clean] or "the archive's confident sentences",
                        "clean_chars_per_change": options.clean_chars, "floor": models.weights.threshold},
        "date": datetime.date.today().isoformat(),
        "command": command,
    }
    return Fitted(name, base.confusions, channel.learned, channel.misread,
                  dataclasses.replace(weights, fitted={"profile_fit": card}), stages, base.variants, card)
