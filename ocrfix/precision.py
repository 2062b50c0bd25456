"""How precise an archive's edits are, from a judged random sample of its edit log (``ocrfix review
--sample``, ``ocrfix review --estimate``).

Nobody can review a million edits, but a few hundred drawn at random tell how many of them are
right. The draw is stratified by gain band (:data:`FLOORS`): each band gets its share of the sample
in proportion to its edits (at least one when the sample is big enough), so the bands where a
``--min-gain`` floor would cut are all seen. It needs only each file's count of edits by band
(:func:`sample_log`): a log of tens of millions of edits is read as a stream, not held. A reviewer
judges each sampled edit right or wrong; :func:`estimate` gives each band's precision with its
Wilson 95 % interval and, given the whole log, the precision of the edits each floor keeps: the
bands' precisions weighted by their edit counts.
"""
from __future__ import annotations

import bisect
import json
import os
import stat
from typing import Iterable, NamedTuple, Sequence

import numpy as np

from .errors import InputError
from .review import EditFilter, LogPart, LogRecord, edits_by_input, index_edit_log, read_log_records, read_part_records
from .textio import STDIO

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


def draw(counts: Sequence[Sequence[int]], size: int, seed: int = 0) -> list[tuple[int, int, int]]:
    """A random sample of ``size`` edits of groups (a log's files, in order) of ``counts[g][b]``
    edits in gain band ``b``, stratified by band (:func:`allocation`), each edit drawn as (group,
    band, rank among the group's edits of the band), sorted; the same ``seed`` draws the same
    sample. Only the counts are needed, not the edits: a band's sample is one ``Generator.choice``
    of ranks among its edits laid end to end, group after group, which draws the same edits as
    choosing among the edits themselves."""
    table = np.array(counts, dtype=np.int64).reshape(-1, len(FLOORS))
    ends = np.cumsum(table, axis=0)  # ends[g, b]: the band's edits up to group g's last
    rng = np.random.default_rng(seed)
    picks: list[tuple[int, int, int]] = []
    for b, k in enumerate(allocation(table.sum(axis=0).tolist(), size)):
        if k:
            ranks = rng.choice(int(ends[-1, b]), size=k, replace=False)
            groups = np.searchsorted(ends[:, b], ranks, side="right")
            starts = np.where(groups > 0, ends[groups - 1, b], 0)
            picks += zip(groups.tolist(), [b] * k, (ranks - starts).tolist())
    return sorted(picks)


class DrawnFile(NamedTuple):
    """An input with edits drawn (:func:`sample_log`): its records in the log, each with its position
    among the log's records, in the log's order, and the positions of those drawn."""

    source: str
    records: tuple[tuple[int, LogRecord], ...]
    drawn: tuple[int, ...]


class LogSample(NamedTuple):
    files: tuple[DrawnFile, ...]  # the inputs with edits drawn, in the inputs' order
    population: int  # the edits drawn from: those of the inputs that the filter keeps
    found: dict[str, str | None]  # the inputs the log has records of, each with its file in the log
    others: list[str | None]  # the log's files that are no input


def sample_log(path: str, sources: Sequence[str], keep: EditFilter, size: int, seed: int = 0) -> LogSample:
    """A random sample of ``size`` of the edits of the log ``path`` of the inputs ``sources`` that
    ``keep`` keeps, stratified by gain band (:func:`draw`). The log is read once as a stream,
    every line checked, keeping where each file's records are and its edits' count by band
    (:func:`~ocrfix.review.index_edit_log`); only the files with edits drawn are read back. A log
    that cannot be read back (stdin, a pipe) is read whole, as far as the input limit."""
    counts: dict[str | None, list[int]] = {}

    def count(record: LogRecord) -> None:
        found = counts.setdefault(record.file, [0] * len(FLOORS))
        if keep.keeps(record.edit):
            found[band(record.edit.gain)] += 1

    parts: dict[str | None, LogPart] = {}
    held: dict[str | None, list[tuple[int, LogRecord]]] | None = None
    if _read_back(path):
        parts = index_edit_log(path, count)
    else:
        held = {}
        for position, record in enumerate(read_log_records(path)):
            count(record)
            held.setdefault(record.file, []).append((position, record))
    found, others = edits_by_input({file: file for file in counts}, sources)
    given = list(found)
    picks: dict[str, set[tuple[int, int]]] = {}
    for group, b, rank in draw([counts[found[source]] for source in given], size, seed):
        picks.setdefault(given[group], set()).add((b, rank))
    files = []
    for source in given:
        if source in picks:
            file = found[source]
            records = held[file] if held is not None else read_part_records(path, parts[file], "review")
            seen, drawn = [0] * len(FLOORS), []
            for position, record in records:
                if keep.keeps(record.edit):
                    b = band(record.edit.gain)
                    if (b, seen[b]) in picks[source]:
                        drawn.append(position)
                    seen[b] += 1
            files.append(DrawnFile(source, tuple(records), tuple(drawn)))
    return LogSample(tuple(files), sum(sum(counts[found[source]]) for source in given), found, others)


def _read_back(path: str) -> bool:
    """Whether the log ``path`` is a file its records can be read back from (a missing one: yes,
    to be refused where it is indexed)."""
    try:
        return path != STDIO and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return path != STDIO


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


def estimate(judged: Iterable[Judged], log_gains: Iterable[float] | None = None) -> Estimate:
    """Each band's precision among the ``judged`` edits and, given the gains of the whole log's
    edits (counted as they come: a stream of any length), each band's edits and each floor's
    estimated precision (the bands' precisions weighted by their edit counts; its range the same
    weighting of the bands' interval bounds)."""
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
