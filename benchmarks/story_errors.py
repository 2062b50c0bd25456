"""What stays wrong after ``ocrfix correct`` on whole newspaper pages, story by story.

    python -m benchmarks.story_errors DIR/SPLIT [DIR/SPLIT ...] [--profile tesseract] [--joins]

Each page's ALTO file is corrected as ``ocrfix correct`` does (:func:`ocrfix.formats.correct_document`,
story by story). Every paragraph (line) of the reflowed input is given to the ground-truth story
that owns the most of its character 4-grams found in no other story; a line with none is *text
of no story* (garbage read from photos and rules, or a line too garbled to tell). A story's own
lines, in the order of where each matches its text (blocks in any order, as ``ocrfix
eval`` reads them), are aligned with its ground truth before and after correction
(:func:`benchmarks.length_classes.char_status`: dropped, extra, confused mark, Han substitution,
other substitution). Counted per class and per *where*: the head group (kicker, headline,
sub-headline, byline), a paragraph's edge (its first or last :data:`EDGE` characters), the rest
of the body; and per story, by how badly the engine read it (its CER before correction, bands
:data:`BANDS`). A Han substitution left after correction is *reachable* when the corrector could
have proposed the right character there: the confusion table lists it for the character read,
or the LM's context index puts it among the top :data:`~ocrfix.correction.candidates.CONTEXT_N`
between the neighbours. ``--joins``: also the extra marks introduced where the page generator ran a source headline
into a story's text (:mod:`benchmarks.source_joins`; each story looked up in the corpus files by headline and text).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz import fuzz

from benchmarks.corpus import SOURCES
from benchmarks.length_classes import AT_JOIN, CLASSES, DROPPED, EXTRA, char_status, extra_marks
from benchmarks.source_joins import StoryIndex
from benchmarks.newspage import head_lines
from ocrfix.correction.candidates import CONTEXT_N
from ocrfix.evaluation.profile import normalize_line
from ocrfix.evaluation.stories import grams, story_grams
from ocrfix.normalize import is_han
from ocrfix.settings import load_settings
from ocrfix.text_reflow import STORY_BREAK
from ocrfix.training.confusions.length import anchored

#: characters at either end of a paragraph that count as its edge
EDGE = 2
HEAD, PARAGRAPH_EDGE, BODY = "head group", "paragraph edge", "body"
WHERE = (HEAD, PARAGRAPH_EDGE, BODY)
#: upper bounds of the story CER bands (the engine's, before correction)
BANDS = (0.02, 0.05, 0.10, 0.20, 1e9)
NO_STORY = "text of no story"


def band_name(bound: float) -> str:
    return f"<= {bound:.0%}" if bound < 1 else f"> {BANDS[-2]:.0%}"


def gt_places(story: dict) -> tuple[str, list[str]]:
    """A story's ground-truth text (whitespace dropped) and the :data:`WHERE` of each character."""
    chars: list[str] = []
    places: list[str] = []
    for line in head_lines(story):
        text = "".join(line.split())
        chars.append(text)
        places += [HEAD] * len(text)
    for paragraph in story["paragraphs"]:
        text = "".join(paragraph.split())
        chars.append(text)
        places += [PARAGRAPH_EDGE if k < EDGE or k >= len(text) - EDGE else BODY for k in range(len(text))]
    return "".join(chars), places


def line_owner(line: str, table: Sequence[set[str]]) -> int | None:
    """The story owning the most of ``line``'s 4-grams that occur in no other story (None: none)."""
    hits = Counter()
    for gram in grams(normalize_line(line)):
        found = [k for k, g in enumerate(table) if gram in g]
        if len(found) == 1:
            hits[found[0]] += 1
    return hits.most_common(1)[0][0] if hits else None


def story_lines(source: str, output: str) -> list[tuple[str, str]]:
    """(input line, corrected line) pairs of a page corrected story by story; a story whose
    corrected text has another number of lines is paired as one line."""
    pairs = []
    for src, out in zip(source.split(STORY_BREAK), output.split(STORY_BREAK), strict=True):
        a, b = src.splitlines(), out.splitlines()
        pairs += list(zip(a, b)) if len(a) == len(b) else [(" ".join(a), " ".join(b))]
    return [(a, b) for a, b in pairs if a.strip() or b.strip()]


def _run_kind(cls: str, chars: str) -> str:
    size = "one character" if len(chars) == 1 else "2-3 in a row" if len(chars) <= 3 else "4 or more in a row"
    what = (" (a mark)" if not chars.isalnum() else " (Han)" if is_han(chars) else " (other)") if len(chars) == 1 else ""
    return f"{cls}: {size}{what}"


def runs(a, status: Sequence[str | None]) -> Counter[str]:
    """Dropped and extra characters of the alignment ``a`` by the length of their run (a lost or
    added stretch of 4 or more is no misreading a corrector could undo) and, alone, by kind."""
    found: Counter[str] = Counter()
    j = 0
    while j < len(status):
        if status[j] != DROPPED:
            j += 1
            continue
        end = j
        while end < len(status) and status[end] == DROPPED:
            end += 1
        found[_run_kind(DROPPED, a.gt[j:end])] += end - j
        j = end
    gaps: dict[int, str] = {}
    for i, gap in a.extra:
        gaps[gap] = gaps.get(gap, "") + a.hyp[i]
    for chars in gaps.values():
        found[_run_kind(EXTRA, chars)] += len(chars)
    return found


def reachable(truth: str, read: str, left: str | None, right: str | None, corrector) -> str:
    """Whether the corrector could propose ``truth`` where ``read`` stands (see module docstring)."""
    if not is_han(read) or read not in corrector.inventory:
        return "read as no editable character"
    if any(entry[0] == truth for entry in corrector.candidates.table.get(read, ())):
        return "reachable: in the confusion table"
    if corrector.context is not None and truth in {c for c, _ in corrector.context.between(left, right, CONTEXT_N)}:
        return "reachable: context candidate"
    return "not among the candidates"


def page_census(stories: list[dict], source: str, output: str, corrector,
                index: StoryIndex | None = None) -> Counter[tuple[str, ...]]:
    """Counts of one page: (``class``, where, before/fixed/introduced/after), (``band``, band,
    errors before/after/GT chars), (``reach``, kind), (``no story``, before/after); with ``index``, (``joins``,
    ``stories`` / ``unsourced`` / ``places`` / ``extra marks introduced``): the extra marks introduced where the page
    generator ran a source headline into the text (:mod:`benchmarks.source_joins`), how many such places the stories
    have, and the stories not found in the corpus."""
    counts: Counter[tuple[str, ...]] = Counter()
    table = story_grams(["\n".join([*head_lines(s), *s["paragraphs"]]) for s in stories])
    mine: dict[int, list[tuple[str, str]]] = {}
    for src, out in story_lines(source, output):
        k = line_owner(src, table)
        if k is None:
            counts["no story", "before"] += len("".join(src.split()))
            counts["no story", "after"] += len("".join(out.split()))
        else:
            mine.setdefault(k, []).append((src, out))
    for k, story in enumerate(stories):
        gt, places = gt_places(story)
        if index is not None:
            joins = index.joins(story["headline"], story["paragraphs"], places.count(HEAD))
            counts["joins", "stories"] += 1
            counts["joins", "unsourced"] += joins is None
            counts["joins", "places"] += len(joins or ())
        # its lines in the order of where they match its text (blocks in any order, as ``ocrfix eval``)
        lines = sorted(mine.get(k, []), key=lambda pair: fuzz.partial_ratio_alignment(
            "".join(pair[0].split()), gt).dest_start if len(pair[0].split()) else 0)
        src, out = "".join(a for a, _ in lines), "".join(b for _, b in lines)
        before, after = anchored(src, gt), anchored(out, gt)
        errors = {}
        for name, a in (("before", before), ("after", after)):
            status = char_status(a)
            errors[name] = sum(s is not None for s in status) + len(a.extra)
        band = band_name(next(b for b in BANDS if errors["before"] / max(1, len(gt)) <= b))
        counts["band", band, "GT chars"] += len(gt)
        counts["band", band, "before"] += errors["before"]
        counts["band", band, "after"] += errors["after"]
        for j, (b, a) in enumerate(zip(char_status(before), char_status(after))):
            where = places[j]
            if b is not None:
                counts["band class", band, b, "before"] += 1
                counts["class", b, where, "before"] += 1
                counts["class", b, where, "fixed"] += a is None
            if a is not None and a != b:
                counts["class", a, where, "introduced"] += 1
            if a is not None:
                counts["band class", band, a, "after"] += 1
                counts["class", a, where, "after"] += 1
            if a == "Han substitution":
                i = after.at[j]
                left = after.hyp[i - 1] if i > 0 else None
                right = after.hyp[i + 1] if i + 1 < len(after.hyp) else None
                counts["reach", reachable(gt[j], after.hyp[i], left, right, corrector)] += 1
        if index is not None:
            marks_before, marks_after = extra_marks(before), extra_marks(after)
            counts["joins", "extra marks introduced"] += sum(max(0, marks_after[g] - marks_before[g]) for g in joins or ())
        for name, a in (("before", before), ("after", after)):
            counts["band class", band, EXTRA, name] += len(a.extra)
            for _, gap in a.extra:
                counts["class", EXTRA, places[min(gap, len(places) - 1)] if places else BODY, name] += 1
        for name, a, status in (("before", before, char_status(before)), ("after", after, char_status(after))):
            for kind, n in runs(a, status).items():
                counts["run", kind, name] += n
        extra_b, extra_a = Counter(g for _, g in before.extra), Counter(g for _, g in after.extra)
        for gap in extra_b.keys() | extra_a.keys():
            where = places[min(gap, len(places) - 1)] if places else BODY
            counts["class", EXTRA, where, "fixed"] += max(0, extra_b[gap] - extra_a[gap])
            counts["class", EXTRA, where, "introduced"] += max(0, extra_a[gap] - extra_b[gap])
    return counts


def census(folder: Path, profile: str | None = None, index: StoryIndex | None = None) -> Counter[tuple[str, ...]]:
    from ocrfix import Corrector
    from ocrfix.formats import correct_document, read_document

    corrector = Corrector(profile=profile)
    total: Counter[tuple[str, ...]] = Counter()
    for gt_path in sorted(folder.glob("*.gt.json")):
        base = gt_path.with_name(gt_path.name.removesuffix(".gt.json"))
        if not base.with_suffix(".xml").is_file():
            continue
        done = correct_document(read_document(base.with_suffix(".xml")), corrector)
        stories = json.loads(gt_path.read_text(encoding="utf-8"))["stories"]
        total += page_census(stories, done.source, done.text, corrector, index)
    return total


def report(counts: Counter[tuple[str, ...]]) -> str:
    rows = ["| class | where | before | fixed | introduced | after |", "|---|---|---|---|---|---|"]
    for name in CLASSES:
        for where in WHERE:
            n = [counts["class", name, where, k] for k in ("before", "fixed", "introduced", "after")]
            if any(n):
                rows.append(f"| {name} | {where} | " + " | ".join(f"{x:,}" for x in n) + " |")
    all_n = [sum(v for k, v in counts.items() if k[0] == "class" and k[3] == what) for what in ("before", "fixed", "introduced", "after")]
    rows.append("| all | | " + " | ".join(f"{x:,}" for x in all_n) + " |")
    rows.append(f"| {NO_STORY} (characters) | | {counts['no story', 'before']:,} | | | {counts['no story', 'after']:,} |")
    rows += ["", "| story CER before | stories' GT chars | errors before | after | reduction |", "|---|---|---|---|---|"]
    for band in map(band_name, BANDS):
        b, a = counts["band", band, "before"], counts["band", band, "after"]
        rows.append(f"| {band} | {counts['band', band, 'GT chars']:,} | {b:,} | {a:,} | {1 - a / max(1, b):.1%} |")
    rows += ["", "| story CER before | " + " | ".join(CLASSES) + " |", "|---|" + "---|" * len(CLASSES)]
    for band in map(band_name, BANDS):
        rows.append(f"| {band} | " + " | ".join(f"{counts['band class', band, c, 'before']:,} -> {counts['band class', band, c, 'after']:,}"
                                               for c in CLASSES) + " |")
    rows += ["", "| dropped / extra characters | before | after |", "|---|---|---|"]
    rows += [f"| {kind} | {counts['run', kind, 'before']:,} | {counts['run', kind, 'after']:,} |"
             for kind in sorted({k[1] for k in counts if k[0] == "run"})]
    rows += ["", "| Han substitutions left | count |", "|---|---|"]
    rows += [f"| {k[1]} | {v:,} |" for k, v in sorted(counts.items()) if k[0] == "reach"]
    rows += ["", "| left after correction | errors | share |", "|---|---|---|"]
    left = {name: n for name, n in left_over(counts).items() if n}
    rows += [f"| {name} | {n:,} | {n / max(1, all_n[3]):.0%} |" for name, n in left.items()]
    if counts["joins", "stories"]:
        rows += ["", f"Extra marks introduced {AT_JOIN}: {counts['joins', 'extra marks introduced']:,} (of "
                 f"{all_n[2]:,} errors introduced; {counts['joins', 'places']:,} such places in the stories); stories not found in the corpus files, none of their marks counted "
                 f"there: {counts['joins', 'unsourced']:,} of {counts['joins', 'stories']:,}."]
    return "\n".join(rows)


def left_over(counts: Counter[tuple[str, ...]]) -> dict[str, int]:
    """The errors left after correction, by whether a corrector could reach them: text lost or
    added in runs of 4 or more is beyond any (the engine's reading lost a line, or read a photo);
    runs of 2-3, single characters lost or added, confused marks and the Han substitutions whose
    right character the candidates hold are its to fix."""
    run = {kind: counts["run", kind, "after"] for kind in {k[1] for k in counts if k[0] == "run"}}
    reach = {k[1]: v for k, v in counts.items() if k[0] == "reach"}
    after = {name: sum(v for k, v in counts.items() if k[0] == "class" and k[1] == name and k[3] == "after") for name in CLASSES}
    return {
        "unreachable: lost text (4 or more in a row)": run.get(f"{DROPPED}: 4 or more in a row", 0),
        "unreachable: added text (4 or more in a row)": run.get(f"{EXTRA}: 4 or more in a row", 0),
        "lost or added, 2-3 in a row": sum(n for kind, n in run.items() if "2-3" in kind),
        "a mark lost or added": sum(n for kind, n in run.items() if "(a mark)" in kind),
        "a Han or other character lost or added": sum(n for kind, n in run.items() if "(Han)" in kind or "(other)" in kind),
        "confused mark": after["confused mark"],
        "Han substitution, the right character among the candidates": sum(n for kind, n in reach.items() if kind.startswith("reachable")),
        "Han substitution, not among the candidates": reach.get("not among the candidates", 0),
        "Han substitution, read as no editable character": reach.get("read as no editable character", 0),
        "other substitution": after["other substitution"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.story_errors", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of pages (benchmarks.newspage's <out>/<split>)")
    parser.add_argument("--profile", default=None, help="the corrector's engine profile (default: none)")
    parser.add_argument("--joins", action="store_true",
                        help="also the extra marks introduced where the page generator ran a source headline into the "
                             "text (each story looked up in the corpus files under OCRFIX_DATA)")
    args = parser.parse_args(argv)
    index = StoryIndex(load_settings().data_dir, (*SOURCES["train"], *SOURCES["eval"])) if args.joins else None
    print(report(sum((census(folder, args.profile, index) for folder in args.folders), Counter())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
