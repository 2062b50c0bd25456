"""How precise an archive's edits are, from a judged random sample of its edit log (``ocrfix review
--sample``, ``ocrfix review --estimate``).

Nobody can review a million edits, but a few hundred drawn at random tell how many of them are
right. The draw is stratified by gain band (:data:`FLOORS`): each band gets its share of the sample
in proportion to its edits (at least one when the sample is big enough), so the bands where a
``--min-gain`` floor would cut are all seen. A reviewer judges each sampled edit right or wrong;
:func:`estimate` gives each band's precision with its Wilson 95 % interval and, given the whole log,
the precision of the edits each floor keeps: the bands' precisions weighted by their edit counts.
"""
from __future__ import annotations

import bisect
import json
from typing import Iterable, NamedTuple, Sequence

import numpy as np

from .errors import InputError
from .review import read_log_records

#: The gain bands' lower bounds: [0, .8), [.8, .9), [.9, .95), [.95, .99), [.99, 1].
FLOORS = (0.0, 0.8, 0.9, 0.95, 0.99)
JUDGEMENTS = ("right", "wrong")


def band(gain: float) -> int:
    """The index of the gain band ``gain`` falls in."""
    return max(0, bisect.bisect_right(FLOORS, gain) - 1)


def allocation(counts: Sequence[int], size: int) -> list[int]:
    """How many of a sample of ``size`` to draw from bands of ``counts`` edits: in proportion
    (largest remainders), at least one from each band with edits when ``size`` allows, never more
    than a band has (all of them when ``size`` is the total or more)."""
    total = sum(counts)
    size = min(size, total)
    if size <= 0:
        return [0] * len(counts)
    quotas = [size * count / total for count in counts]
    taken = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(counts)), key=lambda i: taken[i] - quotas[i])  # stable: ties to the lower band
    for i in by_remainder[:size - sum(taken)]:
        taken[i] += 1
    if size >= sum(1 for count in counts if count):
        for i, count in enumerate(counts):
            if count and not taken[i]:
                taken[max(range(len(taken)), key=taken.__getitem__)] -= 1
                taken[i] = 1
    return taken


def draw(gains: Sequence[float], size: int, seed: int = 0) -> list[int]:
    """The positions in ``gains`` of a random sample of ``size`` of them, stratified by gain band
    (:func:`allocation`), in ascending order; the same ``seed`` draws the same sample."""
    members: list[list[int]] = [[] for _ in FLOORS]
    for position, gain in enumerate(gains):
        members[band(gain)].append(position)
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(band_members, size=k, replace=False)
              for band_members, k in zip(members, allocation([len(m) for m in members], size)) if k]
    return sorted(int(position) for picked in chosen for position in picked)


class Judged(NamedTuple):
    gain: float
    right: bool


def read_judged(path: str) -> list[Judged]:
    """The judged records of ``path`` (log records of ``ocrfix correct --edits`` with ``"judged":
    "right"`` or ``"wrong"``, as a sample page downloads them): :class:`InputError` naming the
    first line that is not one."""
    judged = []
    for number, record in enumerate(read_log_records(path), 1):
        verdict = json.loads(record.line).get("judged")
        if verdict not in JUDGEMENTS:
            raise InputError(f"{path}: record {number} has no \"judged\": \"right\" or \"wrong\" "
                             "(judge a sample of `ocrfix review --sample` and download it)")
        judged.append(Judged(record.edit.gain, verdict == "right"))
    return judged


class Interval(NamedTuple):
    low: float
    high: float


def wilson(right: int, judged: int) -> Interval:
    """The Wilson score 95 % interval of a precision of ``right`` of ``judged``."""
    from scipy.stats import binomtest

    found = binomtest(right, judged).proportion_ci(0.95, method="wilson")
    return Interval(float(found.low), float(found.high))


class Band(NamedTuple):
    """A gain band: its bounds, its judged edits, the right ones and (given the log) its edits."""

    low: float
    high: float
    judged: int
    right: int
    edits: int | None

    @property
    def precision(self) -> float | None:
        return self.right / self.judged if self.judged else None

    @property
    def interval(self) -> Interval | None:
        return wilson(self.right, self.judged) if self.judged else None

    @property
    def wrong_edits(self) -> float | None:
        """The band's estimated wrong edits (its edits times its judged share wrong)."""
        return None if self.edits is None or self.precision is None else self.edits * (1 - self.precision)


class Floor(NamedTuple):
    """What ``apply --min-gain gain`` keeps: its edits and their estimated precision (None when a
    band of them has no judged edit), with the range the bands' intervals give."""

    gain: float
    edits: int
    precision: float | None
    interval: Interval | None


class Estimate(NamedTuple):
    bands: tuple[Band, ...]  # the bands with judged edits or (given the log) edits
    total: Band  # every judged edit: the sample's own precision, not weighted by band
    floors: tuple[Floor, ...]  # given the log: each band's floor


def estimate(judged: Iterable[Judged], log_gains: Sequence[float] | None = None) -> Estimate:
    """Each band's precision among the ``judged`` edits and, given the gains of the whole log's
    edits, each band's edits and each floor's estimated precision (the bands' precisions weighted
    by their edit counts; its range the same weighting of the bands' interval bounds)."""
    seen, right = [0] * len(FLOORS), [0] * len(FLOORS)
    for item in judged:
        seen[band(item.gain)] += 1
        right[band(item.gain)] += item.right
    edits: list[int | None] = [None] * len(FLOORS)
    if log_gains is not None:
        edits = [0] * len(FLOORS)
        for gain in log_gains:
            edits[band(gain)] += 1
    bands = [Band(low, high, seen[i], right[i], edits[i])
             for i, (low, high) in enumerate(zip(FLOORS, (*FLOORS[1:], 1.0)))]
    floors = () if log_gains is None else tuple(_floor(bands[i:]) for i in range(len(bands)))
    return Estimate(tuple(b for b in bands if b.judged or b.edits), Band(0.0, 1.0, sum(seen), sum(right), None), floors)


def _floor(bands: Sequence[Band]) -> Floor:
    kept = [b for b in bands if b.edits]
    edits = sum(b.edits or 0 for b in kept)
    if not edits or any(b.precision is None for b in kept):
        return Floor(bands[0].low, edits, None, None)
    intervals = [(b.edits or 0, b.interval) for b in kept]
    return Floor(bands[0].low, edits, sum((b.edits or 0) * (b.precision or 0) for b in kept) / edits,
                 Interval(sum(n * i.low for n, i in intervals if i) / edits, sum(n * i.high for n, i in intervals if i) / edits))


def report_lines(found: Estimate) -> list[str]:
    """The estimate as a table for a terminal."""
    with_log = bool(found.floors)
    head = f"{'gain band':<14}{'judged':>7}{'right':>7}{'precision':>11}  {'95 % interval':<16}"
    lines = [head + (f"{'edits':>8}{'est. wrong':>12}" if with_log else "")]
    for b in (*found.bands, found.total):
        name = "all judged" if b is found.total else f"[{b.low:.2f}, {b.high:.2f}{']' if b.high == 1.0 else ')'}"
        line = f"{name:<14}{b.judged:>7,}{b.right:>7,}{_share(b.precision):>11}  {_range(b.interval):<16}"
        if with_log and b is not found.total:
            line += f"{b.edits or 0:>8,}{'-' if b.wrong_edits is None else f'{b.wrong_edits:.1f}':>12}"
        lines.append(line.rstrip())
    if with_log:
        lines += ["", f"{'--min-gain':<14}{'edits kept':>11}{'est. precision':>16}  from the bands' intervals"]
        lines += [f"{f.gain:<14.2f}{f.edits:>11,}{_share(f.precision):>16}  {_range(f.interval)}".rstrip() for f in found.floors]
    return lines


def report_json(found: Estimate) -> dict[str, object]:
    """The estimate as JSON-ready data."""
    def interval(value: Interval | None) -> list[float] | None:
        return None if value is None else [value.low, value.high]

    def band_data(b: Band) -> dict[str, object]:
        return {"low": b.low, "high": b.high, "judged": b.judged, "right": b.right, "precision": b.precision,
                "interval": interval(b.interval), "edits": b.edits, "wrong_edits": b.wrong_edits}

    return {"bands": [band_data(b) for b in found.bands], "all_judged": band_data(found.total),
            "floors": [{"min_gain": f.gain, "edits": f.edits, "precision": f.precision, "interval": interval(f.interval)}
                       for f in found.floors]}


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _range(value: Interval | None) -> str:
    return "-" if value is None else f"[{value.low:.3f}, {value.high:.3f}]"
