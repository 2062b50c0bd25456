"""Story separation and reading order on whole newspaper pages (see :mod:`benchmarks.newspage`).

Scores, summed over a split's pages, for each way of reading Tesseract's whole-page output:

* **paragraph recall** — ground-truth body paragraphs that come out as one line of the output
  (fuzzy ratio >= ``SAME`` after width folding, whitespace dropped);
* **purity** — output lines (of at least 8 characters) that come from one story, as
  ``ocrfix eval`` counts it (:mod:`ocrfix.evaluation.stories`: only one story owns three or more
  of the line's character 4-grams that occur in no other story);
* **headline attachment** — stories whose headline (its output line or lines) is directly
  followed by a line of that story's own body (or by the jump line its body opens with,
  ``（上接第五版）``, too short to own); the rest of its head group may stand between
  (kicker, sub-headline, byline; also such a line misread, when it matches a part of the
  story's head group better than anything else printed on the page: see :func:`_head_part`, and
  the headline's own characters misread: see :func:`head_ends`); an output line is in one
  story's head group only (two stories may print the same headline text);
* **contiguity** and **order** — ``ocrfix eval``'s story scores (:mod:`ocrfix.evaluation.stories`),
  the mean over the pages.

A page made with ``--furniture`` (:mod:`benchmarks.newspage_furniture`) lists its folio and editor
line as text of no story: alone on an output line they count for nothing, joined to a story's text
they make the line impure (:func:`score_page`).

Inputs: ``tesseract`` = Tesseract's own text output, each blank-line block joined into one line;
``plain`` = ``ocrfix reflow NAME.txt`` (with ``--lm``: ``ocrfix reflow --column-order --lm NAME.txt``, the
lines put back in column order first and each story found reflowed on its own, as ``ocrfix correct`` does); ``hocr`` / ``alto`` = ``ocrfix reflow`` of the hOCR and
ALTO files (geometry reflow and story layout).

    python -m benchmarks.stories --split eval
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ocrfix.evaluation.profile import normalize_line
from ocrfix.evaluation.stories import MIN_CHARS, owners, story_grams, story_scores
from benchmarks.newspage import gt_text, head_lines
from ocrfix.formats import Box, Document, read_document, reflow_document
from ocrfix.column_order import TokenScorer, column_stories
from ocrfix.text_reflow import Block, page_stories, render, story_cues
from ocrfix.settings import load_settings
from ocrfix.textio import read_text

SAME = 90.0
HEAD_PART = 50.0
INPUTS = ("tesseract", "plain", "hocr", "alto")


def tesseract_blocks(text: str) -> str:
    """Tesseract's text with each blank-line block joined into one line."""
    blocks = [b for b in text.replace("\f", "").split("\n\n") if b.strip()]
    return "\n".join("".join(b.split()) for b in blocks) + "\n"


def plain_cues(text: str, lm: TokenScorer | None) -> list[tuple[Block, str]]:
    """The plain reflow's blocks and cues (:func:`ocrfix.text_reflow.reflow_cues`), the page's
    furniture apart (:func:`ocrfix.text_reflow.page_stories`); with ``lm``, the lines put back in
    column order first, each story reflowed on its own (``ocrfix reflow --column-order --lm``, as
    ``ocrfix correct`` does)."""
    stories, apart = page_stories(text, (lambda page: [page]) if lm is None else (lambda page: column_stories(page, lm)))
    return story_cues(stories, lm, apart)


def output_text(base: Path, kind: str, lm: TokenScorer | None = None) -> str:
    """The output of one way of reading a page (module docstring); ``lm``: the reflow's (plain
    text and geometry)."""
    if kind == "tesseract":
        return tesseract_blocks(read_text(base.with_suffix(".txt")))
    if kind == "plain":
        return render([block for block, _ in plain_cues(read_text(base.with_suffix(".txt")), lm)])
    return reflow_document(read_document(base.with_suffix(".hocr" if kind == "hocr" else ".xml")), lm).text


def _norm(lines: list[str]) -> list[str]:
    return [n for n in map(normalize_line, lines) if n]


def _head_part(line: str, story: int, pieces: list[tuple[int, bool, str]]) -> bool:
    """Whether ``line`` matches a part of ``story``'s head group (kicker, headline, sub-headline,
    byline) better than any other printed piece of the page (``pieces``: story, head-group part
    or not, text), at least ``HEAD_PART`` (fuzzy partial ratio): a head-group line the engine
    misread shares no character 4-gram with its story, yet is its own."""
    scored = [(fuzz.partial_ratio(line, text), k, part) for k, part, text in pieces if text]
    best = max((s for s, _, _ in scored), default=0.0)
    return best >= HEAD_PART and all(k == story and part for s, k, part in scored if s == best)


def _head_match(line: str, head: str) -> bool:
    """Whether ``line`` (an output line) is the headline ``head`` or a line of it."""
    return len(line) <= len(head) + 4 and fuzz.partial_ratio(line, head) >= 85 and (len(line) >= len(head) - 2 or len(line) >= 4)


def _without_marks(line: str) -> str:
    """``line`` without its marks: the engine reads the spaces between a byline's names as quote
    marks (``新华社记者”吕丽蝴”贾鹏``)."""
    return "".join(ch for ch in line if ch.isalnum())


def _covered(line: str, head: str) -> set[int]:
    """The characters of ``head`` that ``line`` (a line of it) matches."""
    if len(line) >= len(head):
        return set(range(len(head)))
    found = fuzz.partial_ratio_alignment(line, head)
    return set(range(found.dest_start, found.dest_end))


def head_ends(stories: list[dict], lines: list[str]) -> list[int | None]:
    """Per story, the index in ``lines`` (the output's normalized lines) of the last line of its
    head group (its headline line or lines, then the rest of the group: kicker, sub-headline,
    byline, also such a line misread when it matches its own head group best, and a line no
    longer than the headline's characters that no line of the group matched yet: the rest of
    the headline, misread); None when no line matches its headline.

    A line belongs to one head group: the stories are placed in the order of their first
    matching line not yet taken (on a tie in the page's order), so that two stories printed with
    the same headline text, or a sub-headline that repeats another story's headline, each find
    their own line."""
    pieces = [(k, part, normalize_line(text)) for k, s in enumerate(stories)
              for part, texts in ((True, head_lines(s)), (False, s["paragraphs"])) for text in texts]
    heads = [normalize_line("".join(head_lines({**story, "byline": ""}))) for story in stories]
    starts = [[i for i, line in enumerate(lines) if _head_match(line, head)] for head in heads]
    found: list[int | None] = [None] * len(stories)
    taken: set[int] = set()
    pending = list(range(len(stories)))
    while pending:
        first = {k: next((i for i in starts[k] if i not in taken), None) for k in pending}
        k = min(pending, key=lambda k: (first[k] is None, first[k] or 0, k))
        pending.remove(k)
        at, head = first[k], heads[k]
        if at is None:
            continue
        credit = _without_marks(normalize_line(stories[k].get("byline", "")))
        covered, misread = _covered(lines[at], head), 0
        # the rest of the head group: more headline lines, the byline, a line misread so that it
        # matches its own head group best (a byline `本报记者“朝建多国`, `一一马里人质动`), or
        # the headline's characters misread (`联盟峰会至`, `执` for `热`): a line of letters no longer
        # than what no line matched yet, of no other story (four characters or more: it could tell)
        while at + 1 < len(lines) and at + 1 not in taken:
            line = lines[at + 1]
            if len(line) <= len(head) and fuzz.partial_ratio(line, head) >= 85:
                covered |= _covered(line, head)
            elif not ((credit and len(line) <= len(credit) + 4 and fuzz.partial_ratio(_without_marks(line), credit) >= 80)
                      or (len(line) <= len(head) + len(credit) + 4 and _head_part(line, k, pieces))):
                if len(line) > len(head) - len(covered) - misread or not line.isalnum() or (
                        len(line) >= 4 and any(j != k and fuzz.partial_ratio(line, text) >= 85 for j, _, text in pieces if text)):
                    break
                misread += len(line)
            at += 1
        taken.update(range(first[k], at + 1))
        found[k] = at
    return found


def _own_jump(line: str, k: int, stories: list[dict]) -> bool:
    """Whether ``line`` (normalized) is a paragraph of story ``k`` too short to own by its 4-grams
    (under ``MIN_CHARS``; fuzzy ratio >= 70, and closer than to such a paragraph of another story):
    the jump line its body opens with, ``（上接第五版）``, which another story's ``（下转第五版）``
    shares grams with, or misread (``《上接第八版7``)."""
    if len(line) >= MIN_CHARS:
        return False
    best = [max((fuzz.ratio(line, p) for p in _norm(s["paragraphs"]) if len(p) < MIN_CHARS), default=0.0) for s in stories]
    return best[k] >= 70 and all(score < best[k] for j, score in enumerate(best) if j != k)


def attachments(stories: list[dict], lines: list[str], table) -> list[bool]:
    """Per story, whether its headline is directly followed by its own body in ``lines`` (the
    output's normalized lines; ``table``: the page's :func:`story_grams`): a line it owns, or its
    own jump line (:func:`_own_jump`)."""
    return [at is not None and at + 1 < len(lines) and (owners(lines[at + 1], table) == [k] or _own_jump(lines[at + 1], k, stories))
            for k, at in enumerate(head_ends(stories, lines))]


def score_page(stories: list[dict], output: str, furniture: list[dict] = ()) -> dict[str, int]:
    """Counts of one page (see module docstring); ``furniture``: the page's lines of no story
    (``gt.json``'s, :mod:`benchmarks.newspage_furniture`), owned as one more story: an output line
    of furniture alone counts for nothing, one that joins furniture to a story's text is impure
    (``furniture_joined`` counts those) and no headline is attached to it."""
    lines = _norm(output.splitlines())
    paragraphs = [p for s in stories for p in _norm(s["paragraphs"])]
    table = story_grams(["\n".join([*head_lines(s), *s["paragraphs"]]) for s in stories]
                        + (["\n".join(f["text"] for f in furniture)] if furniture else []))
    found = sum(any(fuzz.ratio(p, line, score_cutoff=SAME) for line in lines) for p in paragraphs)
    owned = [o for o in (owners(line, table) for line in lines if len(line) >= MIN_CHARS) if o and o != [len(stories)]]
    attached = sum(attachments(stories, lines, table))
    scores = story_scores(gt_text(stories), output)
    return {"paragraphs": len(paragraphs), "recalled": found, "lines": len(owned), "pure": sum(len(o) == 1 for o in owned),
            "stories": len(stories), "attached": attached,
            "contiguity_sum": scores.contiguity if scores else 1.0, "order_sum": scores.order if scores else 1.0,
            **({"furniture": len(furniture), "furniture_joined": sum(len(stories) in o for o in owned)} if furniture else {})}


def _read(gt_path: Path) -> bool:
    """True when Tesseract read the page (on some noisy scans its page segmentation finds no text)."""
    txt = gt_path.with_name(gt_path.name.replace(".gt.json", ".txt"))
    return txt.is_file() and bool(txt.read_text(encoding="utf-8").strip())


def score_split(folder: Path, kinds: tuple[str, ...] = INPUTS, lm: TokenScorer | None = None) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = {k: {} for k in kinds}
    pages = [p for p in sorted(folder.glob("*.gt.json")) if _read(p)]
    for gt_path in pages:
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        base = gt_path.with_name(gt_path.name.removesuffix(".gt.json"))
        for kind in kinds:
            for key, value in score_page(gt["stories"], output_text(base, kind, lm), gt.get("furniture", [])).items():
                totals[kind][key] = totals[kind].get(key, 0) + value
    for t in totals.values():
        t["pages"] = len(pages)
        t["recall"] = t["recalled"] / max(1, t["paragraphs"])
        t["purity"] = t["pure"] / max(1, t["lines"])
        t["attachment"] = t["attached"] / max(1, t["stories"])
        t["contiguity"] = t["contiguity_sum"] / max(1, t["pages"])
        t["order"] = t["order_sum"] / max(1, t["pages"])
    return totals


def stretch_misses(folder: Path, kind: str = "alto") -> tuple[int, int]:
    """Paragraphs the reflow misses, and how many of them occur in its output as one stretch
    (the output's lines joined, fuzzy partial ratio >= ``SAME``): the most that joining output
    lines could recall. The rest are misread or run through other text."""
    missed = stretch = 0
    for gt_path in (p for p in sorted(folder.glob("*.gt.json")) if _read(p)):
        lines = _norm(output_text(gt_path.with_name(gt_path.name.removesuffix(".gt.json")), kind).splitlines())
        joined = "".join(lines)
        for story in json.loads(gt_path.read_text(encoding="utf-8"))["stories"]:
            for paragraph in _norm(story["paragraphs"]):
                if not any(fuzz.ratio(paragraph, line, score_cutoff=SAME) for line in lines):
                    missed += 1
                    stretch += fuzz.partial_ratio(paragraph, joined) >= SAME
    return missed, stretch


def _best_window(paragraph: str, lines: list[str], most: int | None = 5) -> tuple[float, int, int]:
    """The best fuzzy ratio of ``paragraph`` against 1–``most`` consecutive lines joined (None:
    any number), and that window (first, last + 1)."""
    best = (0.0, 0, 0)
    for first in range(len(lines)):
        joined = ""
        for last in range(first, len(lines) if most is None else min(first + most, len(lines))):
            joined += lines[last]
            if len(joined) > 1.5 * len(paragraph) + 10:
                break
            best = max(best, (fuzz.ratio(paragraph, joined), first, last + 1))
    return best


PIECE_BLANK = 0.9  # blank between two words, in type sizes, at which :func:`reachable` cuts an engine line


def _line_pieces(doc: Document) -> tuple[list[str], list[str]]:
    """The engine's lines of ``doc`` as read, and the same lines cut at every blank wider than
    ``PIECE_BLANK`` type sizes between two of their words (a row read across a gutter)."""
    from ocrfix.formats.placed import char_height

    whole, pieces = [], []
    for line in doc.lines():
        if not line.text().strip():
            continue
        whole.append(normalize_line(line.text()))
        h = char_height(line)
        words = [w for w in line.words if w.text.strip()]
        part = []
        for before, word in zip([None, *words], words):
            if before is not None and before.box is not None and word.box is not None and word.box.x0 - before.box.x1 > PIECE_BLANK * h:
                pieces.append(normalize_line("".join(part)))
                part = []
            part.append(word.text)
        pieces.append(normalize_line("".join(part)))
    return [t for t in whole if t], [t for t in pieces if t]


def _placed(paragraphs: list[str], pieces: list[str], least: float = 60.0) -> list[str]:
    """Each paragraph's text as the ``pieces`` that align with it best (fuzzy partial ratio >=
    ``least``, no other paragraph better) put together in the order they align in it."""
    found: list[list[tuple[int, str]]] = [[] for _ in paragraphs]
    for piece in pieces:
        scores = [fuzz.partial_ratio(piece, p) if len(piece) <= len(p) else fuzz.partial_ratio(p, piece) for p in paragraphs]
        best = max(range(len(paragraphs)), key=scores.__getitem__, default=None)
        if best is None or scores[best] < least:
            continue
        where = fuzz.partial_ratio_alignment(piece, paragraphs[best])
        found[best].append((where.dest_start if where is not None and len(piece) <= len(paragraphs[best]) else 0, piece))
    return ["".join(piece for _, piece in sorted(placed)) for placed in found]


def reachable(folder: Path, kind: str = "alto") -> dict[str, int]:
    """How many GT paragraphs the engine's own reading lets any layout recall, and how many of
    those the geometry reflow (``kind``: ``alto`` or ``hocr``) does: a paragraph is *reachable*
    when 1–5 consecutive lines of the reflow's output or the engine's lines (whole, or cut at
    wide blanks: :func:`_line_pieces`), each put in the paragraph it aligns with best and in the
    order it aligns there, match it (fuzzy ratio >= ``SAME``). The rest the engine misread or
    garbled past what an order of its lines can mend, so recall over the reachable paragraphs is
    the layout's own share of the paragraph recall."""
    counts = Counter()
    for gt_path in (p for p in sorted(folder.glob("*.gt.json")) if _read(p)):
        stories = json.loads(gt_path.read_text(encoding="utf-8"))["stories"]
        base = gt_path.with_name(gt_path.name.removesuffix(".gt.json"))
        doc = read_document(base.with_suffix(".hocr" if kind == "hocr" else ".xml"))
        lines = _norm(reflow_document(doc).text.splitlines())
        paragraphs = [p for s in stories for p in _norm(s["paragraphs"])]
        whole, pieces = _line_pieces(doc)
        arranged = list(zip(_placed(paragraphs, whole), _placed(paragraphs, pieces)))
        for paragraph, placed in zip(paragraphs, arranged):
            recalled = any(fuzz.ratio(paragraph, line, score_cutoff=SAME) for line in lines)
            reach = recalled or _best_window(paragraph, lines)[0] >= SAME or max(fuzz.ratio(paragraph, t) for t in placed) >= SAME
            counts["paragraphs"] += 1
            counts["reachable"] += reach
            counts["recalled"] += recalled
            counts["recalled, reachable"] += recalled and reach
    return dict(counts)


def _block_rows(doc, flow) -> list[list[Box]]:
    """Per output block of the geometry reflow ``flow`` of ``doc``, the boxes of the document
    lines it holds (its words' boxes joined per line), in reading order."""
    rows = []
    for pieces in flow.sources:
        boxes = []
        for piece in pieces:
            words = doc.pages[piece.page].blocks[piece.block].lines[piece.line].words
            found = [words[k].box for k in piece.words if words[k].box is not None]
            if found:
                boxes.append(Box.union(found))
        rows.append(boxes)
    return rows


def _break_cause(before: list[Box], after: list[Box], kinds: tuple[str, str], h: float) -> str:
    """Why the reflow broke between two blocks (their line boxes) inside one GT paragraph."""
    if "paragraph" not in kinds[0] or "paragraph" not in kinds[1] or not before or not after:
        return f"break at a {kinds[0]}/{kinds[1]} block"
    last, first = before[-1], after[0]
    column = first.y0 < last.y1 - h / 2 or first.x0 >= last.x1 or first.x1 <= last.x0  # the next line is in another column
    where = "column top" if column else "inside a column"
    left = min((b.x0 for b in (after[1:4] if column else [*before[-3:], *after[1:3]])), default=first.x0)
    right = max(b.x1 for b in (before[-4:] if column else [*before[-4:], *after[:3]]))
    if first.x0 - left > 1.6 * h:
        return f"false indent ({where})"
    if right - last.x1 > 1.2 * h:
        return f"short line before ({where})"
    return f"other ({where})"


PIECE = 6  # characters of the pieces :func:`scramble` looks a paragraph up by
FOUND = 0.6  # least share of those pieces found in the output, else the engine garbled the text


def _inserted(paragraph: str, line: str) -> list[str]:
    """The runs of 4+ characters of ``line`` that its alignment with ``paragraph`` leaves
    unmatched, between the first and the last run of 3+ matched characters."""
    matched = [(o.dest_start, o.dest_end) for o in Indel.opcodes(paragraph, line) if o.tag == "equal" and o.src_end - o.src_start >= 3]
    runs = []
    for (_, end), (start, _) in zip(matched, matched[1:]):
        if start - end >= 4:
            runs.append(line[end:start])
    return runs


def scramble(paragraph: str, lines: list[str], kinds: list[str], texts: list[str], heads: list[str]) -> str:
    """How a GT ``paragraph`` that matches no stretch of the output (``lines``, their block
    ``kinds``) is scrambled, looked up by its ``PIECE``-character pieces (fuzzy partial ratio
    >= 80 against a line): *garbled* when fewer than ``FOUND`` of them are found; else, in the
    line holding most of them, *other rows read into it* when text of the page's paragraphs
    (``texts``, its own too: the rows of two columns side by side read as one line) stands
    between its matched runs, *headline text read into it* when a headline (``heads``) does;
    *a piece of it read as a headline* when a piece lies in a non-paragraph block; *cut into
    lines out of order* / *apart* when two lines or more hold two pieces or more; else
    *misread (under 80)*."""
    hits = []
    for start in range(0, max(1, len(paragraph) - 2), PIECE):
        piece = paragraph[start:start + PIECE]
        best = max(range(len(lines)), key=lambda i: fuzz.partial_ratio(piece, lines[i]), default=None)
        hits.append(best if best is not None and fuzz.partial_ratio(piece, lines[best]) >= 80 else None)
    found = [i for i in hits if i is not None]
    if len(found) < FOUND * len(hits):
        return "garbled by the engine"
    main = Counter(found).most_common(1)[0][0]
    runs = _inserted(paragraph, lines[main])
    if any(fuzz.partial_ratio(run, text) >= 80 for run in runs for text in texts):
        return "other rows read into it"
    if any(len(head) >= 3 and fuzz.partial_ratio(run, head) >= 80 for run in runs for head in heads):
        return "headline text read into it"
    if any(kinds[i] != "paragraph" for i in found):
        return "a piece of it read as a headline"
    parts = [i for i, n in Counter(found).items() if n >= 2]
    if len(parts) >= 2:
        return "cut into lines " + ("apart" if parts == sorted(parts) else "out of order")
    return "misread (under 80)"


def census(folder: Path) -> dict[str, int]:
    """Counts by mechanism of the ALTO reflow's missed GT paragraphs and unattached headlines
    (development aid: which failures are worth a rule). A missed paragraph is *cut* when 2–5
    consecutive output lines joined match it (ratio >= 80, 5 above the best single line; the
    cause of each break inside), *joined* when a longer line holds it (partial ratio >= 85; with
    what), *misread* when its best line scores 80–89, *out of order* when it occurs as one
    stretch of the output, else *scrambled* (and how: see :func:`scramble`)."""
    from ocrfix.formats.placed import char_height

    counts: Counter[str] = Counter()
    for gt_path in (p for p in sorted(folder.glob("*.gt.json")) if _read(p)):
        stories = json.loads(gt_path.read_text(encoding="utf-8"))["stories"]
        doc = read_document(gt_path.with_name(gt_path.name.replace(".gt.json", ".xml")))
        flow = reflow_document(doc)
        h = statistics.median(char_height(l) for l in doc.lines() if l.text().strip())
        rows = _block_rows(doc, flow)
        lines = [normalize_line(b.text) for b in flow.blocks]
        table = story_grams(["\n".join([*head_lines(s), *s["paragraphs"]]) for s in stories])
        joined = "".join(lines)
        texts = [p for s in stories for p in _norm(s["paragraphs"])]
        page_heads = [t for s in stories for t in _norm(head_lines(s))]
        for k, story in enumerate(stories):
            paragraphs = _norm(story["paragraphs"])
            for j, paragraph in enumerate(paragraphs):
                single = max((fuzz.ratio(paragraph, line) for line in lines), default=0.0)
                if single >= SAME:
                    continue
                ratio, first, last = _best_window(paragraph, lines)
                holder = max(range(len(lines)), key=lambda i: fuzz.partial_ratio(paragraph, lines[i]), default=None)
                if last - first > 1 and ratio >= max(80.0, single + 5):
                    counts["missed: cut"] += 1
                    for i in range(first, last - 1):
                        kinds = (flow.blocks[i].kind, flow.blocks[i + 1].kind)
                        counts["missed: cut / at " + _break_cause(rows[i], rows[i + 1], kinds, h)] += 1
                elif holder is not None and len(lines[holder]) > 1.1 * len(paragraph) \
                        and fuzz.partial_ratio(paragraph, lines[holder]) >= 85:
                    rest = lines[holder].replace(paragraph, "") if paragraph in lines[holder] else lines[holder]
                    mine = owners(rest, table) if len(rest) >= MIN_CHARS else []
                    other = [o for o in mine if o != k]
                    near = any(fuzz.partial_ratio(q, lines[holder]) >= 85 for q in paragraphs[max(0, j - 1):j] + paragraphs[j + 1:j + 2])
                    heads = any(fuzz.partial_ratio(normalize_line(t), lines[holder]) >= 85 for t in head_lines(story))
                    counts["missed: joined"] += 1
                    counts["missed: joined / with " + ("another story" if other else "its neighbour paragraph" if near
                                                else "its head group" if heads else "text of no story")] += 1
                elif single >= 80:
                    counts["missed: misread (80-89)"] += 1
                elif fuzz.partial_ratio(paragraph, joined) >= SAME:
                    counts["missed: out of order (one stretch)"] += 1
                else:
                    counts["missed: scrambled"] += 1
                    counts["missed: scrambled / " + scramble(paragraph, lines, [b.kind for b in flow.blocks], texts, page_heads)] += 1
        ends = head_ends(stories, lines)
        for k, ok in enumerate(attachments(stories, lines, table)):
            if ok:
                continue
            counts["unattached"] += 1
            if ends[k] is None:
                head = normalize_line("".join(head_lines({**stories[k], "byline": ""})))
                inside = any(len(line) > len(head) + 4 and fuzz.partial_ratio(head, line) >= 85 for line in lines)
                counts["unattached / headline " + ("merged into a longer line" if inside else "not found (misread)")] += 1
                continue
            after = lines[ends[k] + 1] if ends[k] + 1 < len(lines) else None
            mine = owners(after, table) if after else []
            counts["unattached / headline followed by " + ("nothing" if after is None else "another story's text" if mine and k not in mine
                                                else "mixed text" if len(mine) > 1 else "its own body, too short to own" if
                                                after and any(fuzz.partial_ratio(after, q) >= 85 for q in _norm(stories[k]["paragraphs"]))
                                                else "text of no story")] += 1
    return dict(sorted(counts.items()))


def _joined_with(extra: str, k: int, story_heads: list[list[str]], table) -> str:
    """What the text ``extra`` run into story ``k``'s paragraph is: a headline (its own or
    another story's), another story's body, its own (a neighbour paragraph), or text of no story."""
    for j, heads in enumerate(story_heads):
        if any(len(head) >= 2 and fuzz.partial_ratio(head, extra) >= 85 for head in heads if len(extra) >= len(head)):
            return "its own head group" if j == k else "another story's headline"
    mine = owners(extra, table) if len(extra) >= MIN_CHARS else []
    return ("another story" if any(o != k for o in mine) else "its neighbour paragraph" if mine
            else "text of no story")


def _two_pieces(paragraph: str, text: str, least: int = 6):
    """Where ``paragraph`` occurs in ``text`` as two pieces (each fuzzy partial ratio >= ``SAME``,
    of ``least`` characters or more; the split that scores best), or None: the engine read other
    text between its parts, or read them in the opposite order."""
    best = None
    for cut in range(least, len(paragraph) - least + 1, 2):
        first = fuzz.partial_ratio_alignment(paragraph[:cut], text)
        second = fuzz.partial_ratio_alignment(paragraph[cut:], text)
        if first is None or second is None or min(first.score, second.score) < SAME:
            continue
        if best is None or first.score + second.score > best[0].score + best[1].score:
            best = (first, second)
    return best


def plain_census(folder: Path, slack: int = 3, lm: TokenScorer | None = None) -> dict[str, int]:
    """Counts by mechanism of the plain-text reflow's missed GT paragraphs (``ocrfix reflow
    NAME.txt``; development aid). The plain reflow only changes whitespace and breaks only between
    the engine's lines, so the *ceiling* of any plain reflow that keeps the engine's order is the
    paragraphs that match some run of consecutive lines of the engine's text (fuzzy ratio >=
    ``SAME``; counted over all paragraphs). A missed paragraph that occurs in the output as one
    stretch (fuzzy partial ratio >= ``SAME``) is *cut* at the reflow's breaks inside the stretch
    (each counted by its cue, :func:`ocrfix.text_reflow.reflow_cues`), *joined* where an output
    line runs on past the stretch (more than ``slack`` characters: with what), or both. One not
    in one stretch is *misread* when the stretch that matches best
    scores 80–89, *in two pieces* when it occurs as two stretches (:func:`_two_pieces`: the
    engine's order put other text between, a headline, another story's text, its own or text of no
    story, or read the second piece first), else *scrambled* (rows of side-by-side columns run
    together, or misread past 80)."""
    counts: Counter[str] = Counter()
    for gt_path in (p for p in sorted(folder.glob("*.gt.json")) if _read(p)):
        stories = json.loads(gt_path.read_text(encoding="utf-8"))["stories"]
        text = read_text(gt_path.with_name(gt_path.name.replace(".gt.json", ".txt")))
        engine = _norm(text.splitlines())
        cued = [(normalize_line(b.text), cue) for b, cue in plain_cues(text, lm)]
        cued = [(line, cue) for line, cue in cued if line]
        lines = [line for line, _ in cued]
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        joined = "".join(lines)
        table = story_grams(["\n".join([*head_lines(s), *s["paragraphs"]]) for s in stories])
        story_heads = [_norm(head_lines(s)) for s in stories]
        for k, story in enumerate(stories):
            for paragraph in _norm(story["paragraphs"]):
                counts["paragraphs"] += 1
                counts["ceiling: consecutive lines of the engine's text"] += _best_window(paragraph, engine, None)[0] >= SAME
                if any(fuzz.ratio(paragraph, line, score_cutoff=SAME) for line in lines):
                    continue
                counts["missed"] += 1
                found = fuzz.partial_ratio_alignment(paragraph, joined)
                if found is None or found.score < SAME:
                    pieces = _two_pieces(paragraph, joined)
                    if found is not None and found.score >= 80:
                        counts["missed, not one stretch: misread (80-89)"] += 1
                    elif pieces is not None:
                        first, second = pieces
                        between = joined[first.dest_end:second.dest_start] if first.dest_end <= second.dest_start else ""
                        counts["missed, not one stretch: in two pieces"] += 1
                        counts["missed, not one stretch: in two pieces / " + (
                            "with " + _joined_with(between, k, story_heads, table) + " between" if between
                            else "the second before the first")] += 1
                    else:
                        counts["missed, not one stretch: scrambled"] += 1
                    continue
                inside = [n for n in range(len(lines)) if starts[n] < found.dest_end - slack and starts[n + 1] > found.dest_start + slack]
                cuts = [cued[n][1] for n in inside[1:]]
                before = joined[starts[inside[0]]:found.dest_start] if found.dest_start - starts[inside[0]] > slack else ""
                after = joined[found.dest_end:starts[inside[-1] + 1]] if starts[inside[-1] + 1] - found.dest_end > slack else ""
                kind = "cut and joined" if cuts and (before or after) else "cut" if cuts else "joined" if before or after else "other"
                counts[f"missed, one stretch: {kind}"] += 1
                for cue in cuts:
                    counts["missed, one stretch: cut / at " + cue] += 1
                for extra in (before, after):
                    if extra:
                        counts["missed, one stretch: joined / with " + _joined_with(extra, k, story_heads, table)] += 1
    return dict(sorted(counts.items()))


def correction_scores(folder: Path, kind: str = "alto", profile: str | None = None) -> dict[str, float]:
    """Block-robust CER (``ocrfix eval``: blocks matched in any order) of the reflowed input and of
    the corrected output, the corrector run on each story alone or on the whole page. ``profile``:
    the corrector's engine profile (``tesseract`` is what ``ocrfix correct`` picks for these
    Tesseract files); None: ``Corrector()`` without one (no confidence prior, no mark-choice model)."""
    from ocrfix import Corrector, evaluate
    from ocrfix.formats import correct_document

    corrector = Corrector(profile=profile)
    sums = {"gt_chars": 0, "ocr": 0, "by_page": 0, "by_story": 0}
    for gt_path in (p for p in sorted(folder.glob("*.gt.json")) if _read(p)):
        base = gt_path.with_name(gt_path.name.removesuffix(".gt.json"))
        gt = read_text(base.with_suffix(".gt.txt"))
        doc = read_document(base.with_suffix(".hocr" if kind == "hocr" else ".xml"))
        for mode, by_story in (("by_page", False), ("by_story", True)):
            done = correct_document(doc, corrector, by_story=by_story)
            sums[mode] += evaluate(gt, done.text).counts.errors
        report = evaluate(gt, done.source)
        sums["ocr"] += report.counts.errors
        sums["gt_chars"] += report.gt_chars
    return {**sums, **{f"{m}_reduction": _reduction(sums["ocr"], sums[m]) for m in ("by_page", "by_story")}}


def _reduction(before: int, after: int) -> float:
    """The share of the ``before`` errors gone ``after`` (none before: 0 if none after either, else -inf)."""
    if before:
        return 1 - after / before
    return 0.0 if not after else -math.inf


def layout_speed(folder: Path, repeat: int = 5) -> dict[str, float]:
    """:func:`documents_speed` of the ALTO files of the pages of ``folder`` that the engine read."""

    return documents_speed((read_document(p.with_name(p.name.replace(".gt.json", ".xml")))
                            for p in sorted(folder.glob("*.gt.json")) if _read(p)), repeat)


def speed_line(t: dict[str, float]) -> str:
    """:func:`documents_speed`'s figures as one line."""
    return (f"layout analysis {t['layout']:.2f} s, correct {t['correct']:.2f} s (CPU, sums of per-page medians): "
            f"layout = {100 * t['share']:.1f} % of correct")


def documents_speed(docs: Iterable[Document], repeat: int = 5) -> dict[str, float]:
    """CPU seconds per page (medians of ``repeat`` runs) of the layout analysis alone (the page's turn,
    gutter rivers, the page's furniture, the headlines and the story XY-cut, :func:`ocrfix.formats.skew.level` +
    :func:`ocrfix.formats.layout._placed` + :func:`ocrfix.formats.furniture.furniture` +
    :func:`ocrfix.formats.headlines.find_headlines` + :func:`ocrfix.formats.stories.stories`) and of ``correct_document`` on the whole page, summed over the
    pages (``docs``). CPU time of this process, not wall time: other jobs on a shared machine stretch wall
    time unevenly."""
    import time

    from ocrfix import Corrector
    from ocrfix.formats import correct_document
    from ocrfix.formats.furniture import furniture
    from ocrfix.formats.headlines import find_headlines
    from ocrfix.formats.layout import _line_numbers, _placed
    from ocrfix.formats.skew import level
    from ocrfix.formats.stories import stories

    corrector = Corrector()
    layout = correct = 0.0
    for doc in docs:
        runs = []
        for _ in range(repeat):
            started = time.process_time()
            flat, turns = level(doc)  # a page scanned turned is read turned level
            turn = time.process_time() - started
            lines, numbers = [l for l in flat.lines() if l.text().strip()], _line_numbers(flat)
            started = time.process_time()
            h, placed, _ = _placed(lines, numbers, any(t is not None for t in turns))
            placed = furniture(placed, h).rest
            heads = find_headlines(placed, h)
            stories(placed, h, lambda p: id(p) in heads)
            middle = time.process_time()
            correct_document(doc, corrector)
            runs.append((turn + middle - started, time.process_time() - middle))
        layout += statistics.median(r[0] for r in runs)
        correct += statistics.median(r[1] for r in runs)
    return {"layout": layout, "correct": correct, "share": layout / correct}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stories", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="eval")
    parser.add_argument("--root", type=Path, default=None, help="pages root (default: build/bench/stories)")
    parser.add_argument("--speed", action="store_true", help="also time the layout analysis against correct (ALTO input)")
    parser.add_argument("--correct", action="store_true", help="also the CER before and after ocrfix correct (ALTO input)")
    parser.add_argument("--profile", default=None, help="with --correct: the engine profile (default: none, Corrector() as it is)")
    parser.add_argument("--misses", action="store_true", help="also how many missed paragraphs occur in the ALTO output as one stretch")
    parser.add_argument("--reachable", action="store_true", help="also how many paragraphs the engine's reading lets a layout recall, and the ALTO reflow's recall of those")
    parser.add_argument("--census", action="store_true", help="also the ALTO and the plain reflow's missed paragraphs (and ALTO's unattached headlines) by cause")
    parser.add_argument("--lm", nargs="?", const="", metavar="MODEL",
                        help="the plain and the geometry reflow with this language model (`ocrfix reflow --lm`; default: the shipped one)")
    args = parser.parse_args(argv)
    root = args.root or load_settings().build_dir / "bench" / "stories"
    lm = None
    if args.lm is not None:
        from ocrfix.correction.corrector import load_lm

        lm = load_lm(args.lm or load_settings().default_lm)
    if not any((root / args.split).glob("*.gt.json")):
        print(f"benchmarks.stories: error: no pages (NAME.gt.json) in {root / args.split}: "
              "make them with python -m benchmarks.newspage", file=sys.stderr)
        return 2
    totals = score_split(root / args.split, lm=lm)
    print("| input | pages | stories | paragraphs | paragraph recall | purity | headline attachment | contiguity | order |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, t in totals.items():
        print(f"| {kind} | {t['pages']} | {t['stories']} | {t['paragraphs']} | {t['recall']:.3f} | {t['purity']:.3f} | {t['attachment']:.3f} | {t['contiguity']:.3f} | {t['order']:.3f} |")
    furnished = {kind: t for kind, t in totals.items() if t.get("furniture")}
    for kind, t in furnished.items():
        print(f"{kind}: {t['furniture']:.0f} furniture lines; {t['furniture_joined']:.0f} output lines join furniture to a story's text")
    if args.speed:
        t = layout_speed(root / args.split)
        print(speed_line(t))
    if args.misses:
        missed, stretch = stretch_misses(root / args.split)
        print(f"ALTO: {missed} paragraphs missed, {stretch} of them occur in the output as one stretch (lines joined, fuzzy {SAME:.0f})")
    if args.reachable:
        r = reachable(root / args.split)
        print(f"ALTO: {r['reachable']} of {r['paragraphs']} paragraphs reachable from the engine's lines "
              f"({r['reachable'] / max(1, r['paragraphs']):.3f}); the reflow recalls {r['recalled, reachable']} of them "
              f"({r['recalled, reachable'] / max(1, r['reachable']):.3f})")
    if args.census:
        for cause, n in census(root / args.split).items():
            print(f"{cause}: {n}")
        for cause, n in plain_census(root / args.split, lm=lm).items():
            print(f"plain: {cause}: {n}")
    if args.correct:
        c = correction_scores(root / args.split, profile=args.profile)
        print(f"ALTO: GT chars {c['gt_chars']}, OCR errors {c['ocr']}; corrected story by story {c['by_story']} "
              f"(CER {-100 * c['by_story_reduction']:+.1f} %), whole page at once {c['by_page']} (CER {-100 * c['by_page_reduction']:+.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
