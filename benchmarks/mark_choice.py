"""Confused marks: what they are, and the mark-choice model (:mod:`ocrfix.correction.mark_choice`) fitted.

    python -m benchmarks.mark_choice count PAGES... [--profile P] [--lm LM] [--list]    # pairs read -> true, fixed / broken
    python -m benchmarks.mark_choice margins --pages PAGES LM PROFILE [--pages ...]   # per mark read: right / wrong / other by margin
    python -m benchmarks.mark_choice channel PAGES... --weight W --margin M --out MODEL.json  # an engine's file, counted
    python -m benchmarks.mark_choice fit --text CORPUS LM [--text ...] --pages PAGES LM PROFILE TEXTS CHANNEL [--pages ...]
        [--context CONTEXT.json] [--features-of CONTEXT.json] --engine CHANNEL_PAGES MODEL.json [--engine ...]
        [--max-wrong 0.1] [--cache DIR]

``count``: every ground-truth mark read as another character (OCR mark -> true mark), how many the
corrector fixed, and every mark read right that the corrector changed (true mark -> output), by pair.
Whitespace ignored, widths folded (:func:`ocrfix.training.confusions.length.anchored`). ``--list``:
also each confused mark left unfixed, by pair, where it stands in the OCR (:func:`position`) and
whether the mark-choice model had a candidate for the true mark there (:func:`candidate`), and the
census of those.

``margins``: at the sites of each ``--pages`` set (pages the LM given with them never saw) that the
profile's earlier pattern stages leave, the profile's own mark-choice model (context and channel), per
mark read and per margin of :data:`MARGINS`: the changes that are right, wrong (the read mark was
right) and another wrong mark for a wrong one — what a margin of its own for one mark read
(``read_margins`` in the engine's file) would do.

``channel``: an engine's file whose channels are counted on the pages given (all of them, marks that ended a
line apart), at the weight and margin given (chosen elsewhere, not cross-fitted here).

``fit``: the context model is a multinomial logistic regression of the true mark on the
:func:`~ocrfix.correction.mark_choice.features` of every site of ``--paragraphs`` paragraphs of clean
text of each ``--text`` corpus, scored by an LM that never saw that corpus (``--features-of``: only
the features a given context model names). The engine's channel, ln P(read | true) per pair of marks,
is counted at the sites of its training pages' reflowed OCR aligned with the ground truth, once for
the marks that ended a line of the page (the reflow joined the next line) and once for the others.
Cross-fitted on each ``--pages`` set (pages the LM given with them
never saw, OCR of one engine): at the sites the profile's earlier pattern stages leave alone, a
context model fitted without the corpora the pages may come from (TEXTS: their ``--text`` numbers, ``0,2,3``;
one fit per such set) and a channel counted without the
page itself choose each mark; per channel weight and margin (natural log-odds over the mark read),
the changes that are right (the true mark), wrong (the read mark was right) and another wrong mark
for a wrong one, per engine (the ``--pages`` sets whose CHANNEL is that ``--engine``'s pages). Each
engine's setting with the most right changes and at most ``--max-wrong`` wrong or other ones per
right one is its own. Then each mark read may take a lower margin of its own (``read_margins``,
:func:`fit_read_margins`), judged on the same cross-fitted changes in each fold (the ``--pages`` sets
of one TEXTS) apart. Written: the context model fitted
on all corpora (``--context``, the same for every engine; without it the context model named by
``--features-of`` stays) and, per ``--engine``, that engine's file: the channels counted on its
training pages, with its weight, margin and read margins.
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from tqdm import tqdm

from ocrfix.correction.corrector import Corrector, load_lm
from ocrfix.correction.features import LanguageModel
from ocrfix.correction.line_marks import wrapped_line_ends
from ocrfix.correction.mark_choice import CLASSES, HALF, MarkModel, features, sites
from ocrfix.segment import protected_mask
from ocrfix.normalize import fold_char, is_han
from ocrfix.text_reflow import reflow
from ocrfix.textio import read_text, write_text_atomic
from ocrfix.training.confusions.length import anchored
from ocrfix.training.confusions.marks import choice_channel as channel, choice_reads, engine_mark_model, mark_truths, reads_at as at
from ocrfix.training.fit import page_pairs

#: Channel weights and margins (natural log-odds of the model's mark over the mark read) swept in the cross-fit.
WEIGHTS = (0.25, 0.5, 0.75, 1.0)
MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)


class Site(NamedTuple):
    page: str
    read: str
    truth: str
    values: dict[str, float]
    context: str
    line_end: bool = False  # the mark ended a line of the page (the reflow joined the next one)


def _context(text: str, k: int) -> str:
    return text[max(0, k - 12):k + 13].replace("\n", "⏎")


def page_reads(ocr: str, gt: str) -> Counter[tuple[bool, str, str]]:
    """:func:`~ocrfix.training.confusions.marks.choice_reads` of the plain reflow of ``ocr``."""
    return choice_reads(ocr, reflow(ocr), gt)


def text_sites(paragraphs: Sequence[str], lm: LanguageModel) -> list[Site]:
    """The sites of clean ``paragraphs`` with their context features (truth = read = the mark there)."""
    found = []
    for paragraph in paragraphs:
        for k in sites(paragraph, [False] * len(paragraph)):
            mark = HALF.get(paragraph[k], paragraph[k])
            found.append(Site("", mark, mark, features(lm, paragraph, k), _context(paragraph, k)))
    return found


def source_paragraphs(path: Path, count: int, seed: int) -> list[str]:
    """``count`` paragraphs of 2-6 consecutive sentences (lines ending with a sentence mark) of an xz
    corpus file, from a random start."""
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if len(line.strip()) > 8 and line.strip()[-1] in "。！？”；："]
    rng = random.Random(seed)
    i, out = rng.randrange(0, max(len(lines) - 6 * count, 1)), []
    for _ in range(count):
        k = rng.randint(2, 6)
        out.append("".join(lines[i:i + k]))
        i += k
    return out


def cached_text_sites(corpus: Path, lm: Path, paragraphs: int, cache: Path | None) -> list[Site]:
    """:func:`text_sites` of :func:`source_paragraphs` of ``corpus``, kept in ``cache`` if given."""
    kept = cache / f"{corpus.name}.{lm.name}.{paragraphs}.json" if cache else None
    if kept is not None and kept.is_file():
        return [Site(*row) for row in json.loads(kept.read_text(encoding="utf-8"))]
    found = text_sites(source_paragraphs(corpus, paragraphs, 0), load_lm(lm))
    if kept is not None:
        write_text_atomic(kept, json.dumps(found, ensure_ascii=False))
    return found


def page_sites(corrector: Corrector, ocr: str, gt: str, page: str) -> list[Site]:
    """The sites of one page's reflowed OCR that the corrector's earlier pattern stages leave alone
    and whose truth is a mark of :data:`CLASSES`, with their features (scored by the corrector's LM)."""
    text = reflow(ocr)
    corrector.mark_choice = None
    joins = wrapped_line_ends(ocr, text)
    taken = {start for start, *_ in corrector._pattern_changes(text, joins)}
    truth, joined = mark_truths(text, gt), set(joins)
    return [Site(page, HALF.get(text[k], text[k]), truth[k], features(corrector.lm, text, k), _context(text, k), k + 1 in joined)
            for k in sites(text, protected_mask(text, corrector.keep)) if k in truth and k not in taken]


def mark_pairs(ocr: str, output: str, gt: str) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(confused marks of the OCR by (read, true), those of them the output fixed, marks read right
    that the output changed by (true, output))."""
    before, after = anchored(ocr, gt), anchored(output, gt)
    confused, fixed, broken = Counter(), Counter(), Counter()
    for j, true in enumerate(before.gt):
        if is_han(true) or true.isalnum():
            continue
        i, o = before.at[j], after.at[j]
        read = before.hyp[i] if i is not None else None
        out = after.hyp[o] if o is not None else None
        if read is not None and fold_char(read) != fold_char(true):
            confused[read, true] += 1
            fixed[read, true] += out is not None and fold_char(out) == fold_char(true)
        elif read is not None and out is not None and fold_char(out) != fold_char(read):
            broken[true, out] += 1
    return confused, fixed, broken


def position(ocr: str, offset: int) -> str:
    """Where the character at ``offset`` of the raw ``ocr`` stands: at a line's end or start, before
    an opening quote, or inside a line."""
    if offset + 1 >= len(ocr) or ocr[offset + 1] == "\n":
        return "line end"
    if offset == 0 or ocr[offset - 1] == "\n":
        return "line start"
    return "before a quote" if ocr[offset + 1] in "“‘\"" else "inside a line"


def candidate(corrector: Corrector, text: str, offset: int, true: str, line_end: bool = False) -> str:
    """Whether the corrector's mark-choice model weighs ``true`` for the character at ``offset`` of the
    reflowed ``text`` (``line_end``: it ended a line of the page): not a site of it, a true mark it has
    no class for, or the site's odds (natural log) of ``true`` over the mark read, against the model's margin."""
    if true not in CLASSES:
        return "no class for the true mark"
    if HALF.get(text[offset], text[offset]) not in CLASSES:
        return "read as no mark of the model"
    if offset not in sites(text, protected_mask(text, corrector.keep)):
        return "not a site (neighbours)"
    if corrector.mark_choice is None:
        return "site, no model"
    model = corrector.mark_choice
    values, read = features(corrector.lm, text, offset), HALF.get(text[offset], text[offset])
    logits, row = model.logits(values), model.channel_row(read, line_end)
    odds = {mark: logits[mark] + model.weight * row[k] for k, mark in enumerate(CLASSES)}
    best = max(CLASSES, key=odds.__getitem__)
    return (f"site, scored {odds[true] - odds[read]:+.1f} (context {logits[true] - logits[read]:+.1f}), "
            f"best {best}, margin {model.margin_for(read)}")


def unfixed(corrector: Corrector, ocr: str, output: str, gt: str) -> list[tuple[str, str, str, str, str]]:
    """(read, true, :func:`position`, :func:`candidate`, context and what the output has) of each
    confused mark of ``ocr`` the ``output`` left unfixed."""
    text = reflow(ocr)
    before, after = anchored(ocr, gt), anchored(output, gt)
    raw = [k for k, ch in enumerate(ocr) if not ch.isspace()]
    flowed = [k for k, ch in enumerate(text) if not ch.isspace()]
    rows = []
    for j, true in enumerate(before.gt):
        i, o = before.at[j], after.at[j]
        if is_han(true) or true.isalnum() or i is None or fold_char(before.hyp[i]) == fold_char(true):
            continue
        if o is not None and fold_char(after.hyp[o]) == fold_char(true):
            continue
        k, where = flowed[i] if len(flowed) == len(raw) else None, position(ocr, raw[i])
        found = candidate(corrector, text, k, true, where == "line end") if k is not None else "the reflow changed the text"
        rows.append((before.hyp[i], true, where, found.split(",")[0] if k is not None else found,
                     f"{_context(text, k) if k is not None else ''} {found}; output "
                     f"{after.hyp[o] if o is not None else 'nothing'}"))
    return rows


def count(corrector: Corrector, pages: Sequence[tuple[Path, Path]], listing: bool = False) -> str:
    confused, fixed, broken = Counter(), Counter(), Counter()
    left: list[tuple[str, str, str, str, str]] = []
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        ocr, gt = read_text(ocr_path), read_text(gt_path)
        output = corrector.correct(ocr).text
        c, f, b = mark_pairs(ocr, output, gt)
        confused, fixed, broken = confused + c, fixed + f, broken + b
        if listing:
            left += [(ocr_path.name, *row) for row in unfixed(corrector, ocr, output, gt)]
    rows = ["| read -> true | confused | fixed |", "|---|---|---|"]
    rows += [f"| `{r}` -> `{t}` | {n} | {fixed[r, t]} |" for (r, t), n in confused.most_common()]
    rows.append(f"| all | {sum(confused.values())} | {sum(fixed.values())} |")
    rows += ["", "| true -> output (broken) | n |", "|---|---|"]
    rows += [f"| `{t}` -> `{o}` | {n} |" for (t, o), n in broken.most_common()]
    rows.append(f"| all | {sum(broken.values())} |")
    if listing:
        census = Counter((read, true, where, found) for _, read, true, where, found, _ in left)
        rows += ["", "| left unfixed: read -> true | where | candidate | n |", "|---|---|---|---|"]
        rows += [f"| `{r}` -> `{t}` | {w} | {c} | {n} |" for (r, t, w, c), n in census.most_common()]
        rows += ["", *(f"{page} `{read}` -> `{true}` {where}: {context}" for page, read, true, where, _, context in left)]
    return "\n".join(rows)


def read_margins(rows: Sequence[tuple[Site, MarkModel]]) -> str:
    """Per mark read and margin of :data:`MARGINS`: right / wrong / other changes at the sites of ``rows``
    (each with its model, whose channel weight stands)."""
    found: Counter[tuple[str, float, str]] = Counter()
    for site, model in rows:
        best, odds = model.choice(site.values, site.read, site.line_end)
        if best != site.read:
            kind = "right" if best == site.truth else "wrong" if site.read == site.truth else "other"
            for margin in MARGINS:
                found[site.read, margin, kind] += odds > margin
    lines = ["| read | sites (read wrong) | " + " | ".join(f"margin {m:.1f}" for m in MARGINS) + " |",
             "|---|---|" + "---|" * len(MARGINS)]
    for read in CLASSES:
        at = [site for site, _ in rows if site.read == read]
        cells = " | ".join("{} / {} / {}".format(*(found[read, m, kind] for kind in ("right", "wrong", "other")))
                           for m in MARGINS)
        lines.append(f"| `{read}` | {len(at)} ({sum(s.truth != read for s in at)}) | {cells} |")
    return "\n".join(lines)


def fit_context(rows: Sequence[Site], c: float, min_count: int = 1) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...], tuple[float, ...]]:
    """(feature names, coefficients per class, intercepts) of a multinomial logistic regression of the
    true mark on the context (needs scikit-learn, a training-only dependency); a feature found at
    fewer than ``min_count`` sites (a rare neighbouring character) is left out."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(name for site in rows for name, value in site.values.items() if value)
    vectorizer = DictVectorizer().fit([{name: 1.0 for name in seen if seen[name] >= min_count}])
    names = tuple(vectorizer.get_feature_names_out())
    x = vectorizer.transform([site.values for site in rows])
    y = [CLASSES.index(site.truth) for site in rows]
    fitted = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    if len(fitted.classes_) < 3:
        raise SystemExit("the clean text has fewer than 3 kinds of mark: give more text")
    coef = np.zeros((len(CLASSES), len(names)))
    intercept = np.full(len(CLASSES), -30.0)  # a mark never seen in the text is never chosen
    for row, label in enumerate(fitted.classes_):
        coef[label], intercept[label] = fitted.coef_[row], fitted.intercept_[row]
    return names, tuple(tuple(map(float, r)) for r in coef), tuple(map(float, intercept))


def proposals(rows: Sequence[tuple[Site, MarkModel]], weight: float) -> list[tuple[str, float, str]]:
    """(mark read, odds of the likeliest mark over it, kind) at each site of ``rows`` where its
    (cross-fitted) model at channel ``weight`` prefers another mark: right where that mark is the
    true one, wrong where the read mark was, other where neither was."""
    found = []
    for site, model in rows:
        best, odds = model._replace(weight=weight).choice(site.values, site.read, site.line_end)
        if best != site.read:
            found.append((site.read, odds, "right" if best == site.truth else "wrong" if site.read == site.truth else "other"))
    return found


def tally(found: Sequence[tuple[str, float, str]], margin: float, read_margins: Mapping[str, float] | None = None) -> Counter[str]:
    """Right / wrong / other changes of :func:`proposals` at ``margin`` (a mark read in ``read_margins``: at its own)."""
    own = read_margins or {}
    return Counter(kind for read, odds, kind in found if odds > own.get(read, margin))


def sweep(rows: Sequence[tuple[Site, MarkModel]]) -> dict[tuple[float, float], Counter[str]]:
    """Per channel weight of :data:`WEIGHTS` and margin of :data:`MARGINS`: the right / wrong / other
    changes of :func:`proposals`."""
    found = {weight: proposals(rows, weight) for weight in WEIGHTS}
    return {(weight, margin): tally(found[weight], margin) for weight in WEIGHTS for margin in MARGINS}


def fit_read_margins(folds: Sequence[Sequence[tuple[Site, MarkModel]]], weight: float, margin: float,
                     max_wrong: float) -> tuple[tuple[str, float], ...]:
    """Margins of their own for marks read (``read_margins``), cross-fitted on the sites of each of
    ``folds`` (one engine's sites by the corpus their pages may come from): each mark read of
    :data:`CLASSES` in turn (with those chosen before it) takes the margin of :data:`MARGINS` below
    ``margin`` with the most right changes among those whose added changes, in every fold, are right
    ones with at most ``max_wrong`` wrong or other ones per right one (the highest of equals); a mark
    no lower margin does that for keeps ``margin``. A margin that helps in one fold only fits its pages."""
    found, chosen = [proposals(rows, weight) for rows in folds], {}
    for read in CLASSES:
        best = None
        for lower in sorted((m for m in MARGINS if m < margin), reverse=True):
            added = [tally(f, margin, {**chosen, read: lower}) - tally(f, margin, chosen) for f in found]
            right = sum(a["right"] for a in added)
            if all(a["right"] and a["wrong"] + a["other"] <= max_wrong * a["right"] for a in added) \
                    and (best is None or right > best[1]):
                best = (lower, right)
        if best is not None:
            chosen[read] = best[0]
    return tuple(chosen.items())


def choose(rows: Sequence[tuple[Site, MarkModel]], max_wrong: float, listing: bool) -> tuple[float, float, dict[tuple[float, float], Counter[str]]]:
    """(channel weight, margin, the :func:`sweep` table) of one engine's cross-fitted sites: the
    setting with the most right changes and at most ``max_wrong`` wrong or other ones per right one
    (if none has so few, the one with the fewest per right one)."""
    ends = [s for s, _ in rows if s.line_end]
    print(f"{len(rows)} sites the earlier stages leave ({len(ends)} at a line end, {sum(s.read != s.truth for s in ends)} "
          "of them read wrong), read wrong: "
          + ", ".join(f"{r}->{t} {n}" for (r, t), n in Counter((s.read, s.truth) for s, _ in rows if s.read != s.truth).most_common()))
    total = sweep(rows)
    print("| channel weight | margin | right | wrong | other |\n|---|---|---|---|---|")
    for weight, margin in total:
        print(f"| {weight} | {margin:.1f} | {total[weight, margin]['right']} | {total[weight, margin]['wrong']} | {total[weight, margin]['other']} |")
    ok = [(-total[key]["right"], key) for key in total
          if total[key]["right"] and total[key]["wrong"] + total[key]["other"] <= max_wrong * total[key]["right"]]
    if not ok:  # every setting breaks more: the one that breaks fewest per right change
        ok = [((total[key]["wrong"] + total[key]["other"]) / total[key]["right"], -total[key]["right"], key)
              for key in total if total[key]["right"]]
        print(f"no setting with at most {max_wrong} wrong or other changes per right one")
    weight, margin = min(ok)[-1] if ok else (1.0, MARGINS[-1])
    if listing:
        for site, model in rows:
            best, odds = model._replace(weight=weight).choice(site.values, site.read, site.line_end)
            if best != site.read and odds > margin:
                print(site.page, site.context, site.read, "->", best, "true", site.truth, f"{odds:.2f}")
    return weight, margin, total


def text_numbers(numbers: str, count: int) -> frozenset[int]:
    """The ``--text`` numbers of a ``--pages`` set's TEXTS (``0,2,3``: the corpora its pages may come from), each
    below ``count`` (the number of ``--text`` corpora)."""
    try:
        found = frozenset(int(number) for number in numbers.split(","))
    except ValueError:
        raise SystemExit(f"TEXTS {numbers!r}: not comma-separated --text numbers") from None
    if not found or min(found) < 0 or max(found) >= count:
        raise SystemExit(f"TEXTS {numbers!r}: a --text number from 0 to {count - 1} each")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mark_choice", description=__doc__.split("\n\n")[0])
    cmds = parser.add_subparsers(dest="command", required=True)
    counting = cmds.add_parser("count")
    counting.add_argument("pages", type=Path, nargs="+")
    counting.add_argument("--profile")
    counting.add_argument("--lm", type=Path)
    counting.add_argument("--list", action="store_true", help="also each confused mark left unfixed, and their census")
    margins = cmds.add_parser("margins")
    margins.add_argument("--pages", nargs=3, action="append", metavar=("PAGES", "LM", "PROFILE"), required=True,
                         help="training pages, an LM that never saw their text, and the profile whose model is judged")
    counted = cmds.add_parser("channel", help="an engine's file with the channel counted on pages, at a given weight and margin")
    counted.add_argument("pages", type=Path, nargs="+")
    counted.add_argument("--weight", type=float, required=True)
    counted.add_argument("--margin", type=float, required=True)
    counted.add_argument("--out", type=Path, required=True)
    fitting = cmds.add_parser("fit")
    fitting.add_argument("--text", nargs=2, action="append", metavar=("CORPUS", "LM"), required=True,
                         help="a corpus file (.txt.xz, a paragraph a line) and an LM that never saw it")
    fitting.add_argument("--pages", nargs=5, action="append", metavar=("PAGES", "LM", "PROFILE", "TEXTS", "CHANNEL"),
                         required=True, help="training pages, an LM that never saw their text, the engine's profile, "
                         "the numbers (from 0, comma-separated) of the --text whose corpora the pages may come from, and the engine's "
                         "training pages for its channel (a page is never counted for itself)")
    fitting.add_argument("--context", type=Path, help="where the context model goes")
    fitting.add_argument("--features-of", type=Path, help="a context model (file) whose features alone are fitted "
                         "in the cross-fit; without --context that model stays and only the engines' files are written")
    fitting.add_argument("--engine", nargs=2, type=Path, action="append", metavar=("CHANNEL_PAGES", "MODEL"),
                         required=True, help="an engine's training pages, for its channel, and where its file goes")
    fitting.add_argument("--paragraphs", type=int, default=3000, help="paragraphs of each corpus")
    fitting.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    fitting.add_argument("--min-count", type=int, default=20, help="sites a feature needs to be kept")
    fitting.add_argument("--max-wrong", type=float, default=0.1, help="wrong changes per right one")
    fitting.add_argument("--list", action="store_true", help="list each cross-fitted change at the margin chosen")
    fitting.add_argument("--cache", type=Path, help="a directory keeping the corpora's sites between runs")
    args = parser.parse_args(argv)
    if args.command == "fit" and args.context is None and args.features_of is None:
        parser.error("fit: give --context, --features-of or both")
    if args.command == "channel":
        reads = [page_reads(read_text(ocr), read_text(gt)) for ocr, gt in tqdm(page_pairs(*args.pages), file=sys.stderr)]
        model = engine_mark_model(MarkModel((), (), (), (), 1.0, 0.0), reads, args.weight, args.margin)
        write_text_atomic(args.out, model.engine_json(channel_pages=[str(p) for p in args.pages], pages=len(reads)))
        print(f"{len(reads)} pages: {sum(sum(r.values()) for r in reads)} mark sites -> {args.out}")
        return 0
    if args.command == "count":
        print(count(Corrector(model=args.lm, profile=args.profile), page_pairs(*args.pages), args.list))
        return 0
    if args.command == "margins":
        rows = []
        for root, lm_path, profile in args.pages:
            corrector = Corrector(model=lm_path, profile=profile)
            model = corrector.mark_choice
            if model is None:
                raise SystemExit(f"{profile}: no mark-choice model")
            rows += [(site, model) for ocr_path, gt_path in tqdm(page_pairs(Path(root)), desc=root, file=sys.stderr)
                     for site in page_sites(corrector, read_text(ocr_path), read_text(gt_path), ocr_path.name)]
        print(read_margins(rows))
        return 0
    texts = [cached_text_sites(Path(corpus), Path(lm), args.paragraphs, args.cache) for corpus, lm in args.text]
    if args.features_of is not None:
        kept = set(json.loads(args.features_of.read_text(encoding="utf-8"))["features"])
        texts = [[site._replace(values={k: v for k, v in site.values.items() if k in kept}) for site in found] for found in texts]
    print(", ".join(f"{corpus}: {len(rows)} sites {dict(Counter(s.truth for s in rows))}" for (corpus, _), rows in zip(args.text, texts)))
    reads = {root: {pair: page_reads(read_text(pair[0]), read_text(pair[1])) for pair in page_pairs(Path(root))}
             for root in {*(str(pages) for pages, _ in args.engine), *(row[4] for row in args.pages)}}
    rows: dict[str, dict[frozenset[int], list[tuple[Site, MarkModel]]]] = {str(pages): {} for pages, _ in args.engine}
    fitted: dict[frozenset[int], tuple[tuple[str, ...], tuple[tuple[float, ...], ...], tuple[float, ...]]] = {}
    for root, lm_path, profile, numbers, engine in args.pages:
        leak = text_numbers(numbers, len(texts))
        if leak not in fitted:
            fitted[leak] = fit_context([s for i, found in enumerate(texts) if i not in leak for s in found], args.c, args.min_count)
        names, coef, intercept = fitted[leak]
        corrector = Corrector(model=lm_path, profile=profile)
        for ocr_path, gt_path in tqdm(page_pairs(Path(root)), desc=root, file=sys.stderr):
            others = sum((n for (o, _), n in reads[engine].items() if o.name != ocr_path.name), Counter())
            model = MarkModel(names, coef, intercept, channel(at(others, False)), 1.0, 0.0, (), channel(at(others, True)))
            rows[engine].setdefault(leak, []).extend(
                (site, model) for site in page_sites(corrector, read_text(ocr_path), read_text(gt_path), ocr_path.name))
    if args.context is not None:
        names, coef, intercept = fit_context([s for found in texts for s in found], args.c, args.min_count)
        write_text_atomic(args.context, MarkModel(names, coef, intercept, (), 1.0, 0.0).context_json(
            context=[Path(corpus).name for corpus, _ in args.text]))
    for pages, output in args.engine:
        folds = list(rows[str(pages)].values())
        every = [row for fold in folds for row in fold]
        weight, margin, total = choose(every, args.max_wrong, args.list)
        own_margins = fit_read_margins(folds, weight, margin, args.max_wrong)
        with_own = tally(proposals(every, weight), margin, dict(own_margins))
        own = sum(reads[str(pages)].values(), Counter())
        for end in (False, True):
            counted = at(own, end)
            wrong = sum(n for (read, true), n in counted.items() if read != true)
            print(f"{pages}, marks {'at a line end' if end else 'inside a line'}: {sum(counted.values())}, "
                  f"{wrong} read wrong ({wrong / max(sum(counted.values()), 1):.2%})")
        write_text_atomic(output, MarkModel((), (), (), channel(at(own, False)), weight, margin, own_margins,
                                            channel(at(own, True))).engine_json(
            channel_pages=[str(pages)], cross_fit={f"{w} {m:.1f}": dict(total[w, m]) for w, m in total},
            cross_fit_read_margins=dict(with_own)))
        print(f"{pages}: channel weight {weight}, margin {margin:.1f}, read margins {dict(own_margins)} "
              f"({dict(with_own)}) -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
