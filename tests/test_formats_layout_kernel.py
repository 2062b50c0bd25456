"""The compiled loops of the layout analysis (``ocrfix/formats/_layout_kernel.cpp``) against
their Python references (:func:`ocrfix.formats.line_splits._word_gaps` and the others): the same
results on random lines and pages, and the same reflow of the synthetic pages with and without them."""
from __future__ import annotations

import random
import types

import pytest

from ocrfix.formats import Box, Line, Word, reflow_document
from ocrfix.formats import layout, line_splits, model, placed, stories
from ocrfix.formats.line_splits import _KERNEL_MARKS, Band, Marks, _word_gaps
from ocrfix.formats.placed import letter_extents

from test_formats_layout import COL1, COL2, HEAD, document

kernel = stories._layout_kernel
needs_kernel = pytest.mark.skipif(kernel is None, reason="compiled gap loop not built (bash install.sh)")


def python_loops(monkeypatch) -> None:
    """The layout analysis without its compiled loops, in every module that calls them."""
    for module in (placed, line_splits, stories, layout):
        monkeypatch.setattr(module, "_layout_kernel", None)

# Han characters, punctuation read as specks, column rules, opening marks, Latin, digits, spaces
TEXTS = ["中", "国", "新闻", "报道", "。", "，", "、", "。。", "|", "”|", "|。", "“", "（放", "A1", "2017年", "_", " ", "", "· ", "'"]
H = 20


def _word(rng: random.Random, x: int, y: int, tall: bool) -> tuple[Word, int]:
    text = rng.choice(TEXTS) + (rng.choice(TEXTS) if rng.random() < 0.2 else "")
    width = rng.randint(2, 3 * H)
    height = rng.randint(H, 2 * H) if tall else H + rng.randint(-3, 6)
    box = None if rng.random() < 0.05 else Box(x, y + rng.randint(-3, 3), x + width, y + height)
    return Word(text, box), x + width + rng.choice([0, 1, 2, H // 2, H, 2 * H, 3 * H, 5 * H])


def _line(rng: random.Random, y: int, tall: bool = False) -> Line:
    words, x = [], rng.randint(0, 300)
    for _ in range(rng.randint(1, 14)):
        word, x = _word(rng, x, y, tall)
        words.append(word)
    boxes = [w.box for w in words if w.box is not None] or [Box(0, y, H, y + H)]
    return Line(tuple(words), Box.union(boxes))


def _page(rng: random.Random) -> tuple[list[Line], list[Marks], tuple[Marks, ...], tuple[int, ...]]:
    lines = [_line(rng, rng.randint(0, 30) * H // 2, tall=rng.random() < 0.3) for _ in range(rng.randint(2, 40))]
    marks = [Marks.of(l.box, letter_extents(l.words)) for l in lines]
    order = sorted(range(len(lines)), key=lambda k: lines[k].box.y0)
    return lines, marks, tuple(marks[k] for k in order), tuple(lines[k].box.y0 for k in order)


def _cases(seed: int, n: int):
    rng = random.Random(seed)
    for _ in range(n):
        lines, marks, by_top, tops = _page(rng)
        for line, own in zip(lines, marks):
            letters = letter_extents(line.words)
            if all(e is None for e in letters):
                continue
            band = Band(line.box, own, letters, by_top, tops)
            a = rng.randint(0, len(line.words) - 1)
            b = rng.randint(a + 1, len(line.words)) if rng.random() < 0.3 else len(line.words)
            size = rng.choice([H, H + 0.5, 1.3 * H, 2 * H])
            yield (line.words[a:b], letters[a:b], rng.random() < 0.3, rng.choice([1.2 * H, 2.5 * size, 0.5 * H]),
                   rng.choice([0.6 * H, 0.8 * size, 0.1 * H]), band, float(H), size)


@needs_kernel
@pytest.mark.parametrize("seed", range(4))
def test_the_compiled_gap_loop_cuts_where_the_python_loop_does(seed: int) -> None:
    cut = 0
    for case in _cases(seed, 60):
        expected = _word_gaps(*case)
        assert kernel.gaps(*case, _KERNEL_MARKS) == expected, case
        cut += bool(expected[0])
    assert cut > 100  # the random lines are cut, at rivers and rules too


def _gutter_page(rng: random.Random) -> list[Line]:
    """Rows of one column, or of two read as one line across a gutter about a character wide, one
    character every ``H`` or so (boxes that wobble and swell, punctuation cells, specks in the gutter)."""
    gutter_at, gutter = rng.randint(6, 14) * H, rng.randint(H // 2, 2 * H)
    lines = []
    for row in range(rng.randint(3, 16)):
        y, words = row * 3 * H // 2 + rng.randint(-3, 3), []
        x = rng.randint(0, H // 2)
        end = gutter_at + gutter + rng.randint(2, 12) * H if rng.random() < 0.7 else gutter_at - rng.randint(0, 3) * H
        while x < end:
            if gutter_at - H // 2 < x < gutter_at + gutter:
                if rng.random() < 0.2:
                    words.append(Word(rng.choice("。”|"), Box(x, y, x + rng.randint(2, H), y + H)))
                x = gutter_at + gutter + rng.randint(-3, 3)
                continue
            text = rng.choice("新闻报道中国，、。")
            width = H - rng.randint(-4, 6) if rng.random() < 0.9 else 3 * H
            words.append(Word(text, Box(x, y + rng.randint(-2, 2), x + width, y + H + rng.randint(-2, 2))))
            x += H + rng.randint(-2, 2)
        if words:
            lines.append(Line(tuple(words), Box.union([w.box for w in words])))
    return lines


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_channel_test_splits_where_the_python_one_does(seed: int, monkeypatch) -> None:
    """On random pages and on pages of rows merged across a narrow gutter, whole lines and runs of their words."""
    rng = random.Random(seed)
    cases = []
    for k in range(80):
        lines = _gutter_page(rng) if k % 2 else _page(rng)[0]
        marks = [Marks.of(l.box, letter_extents(l.words)) for l in lines]
        order = sorted(range(len(lines)), key=lambda i: lines[i].box.y0)
        by_top, tops = tuple(marks[i] for i in order), tuple(lines[i].box.y0 for i in order)
        for line, own in zip(lines, marks):
            letters = letter_extents(line.words)
            if all(e is None for e in letters):
                continue
            a = rng.randint(0, len(line.words) - 1) if rng.random() < 0.3 else 0
            cases.append((letters[a:], Band(line.box, own, letters, by_top, tops), float(H)))
    compiled = [kernel.channel_splits(*case, line_splits._KERNEL_CHANNEL) for case in cases]
    python_loops(monkeypatch)
    for case, cuts in zip(cases, compiled):
        assert line_splits._channel_splits(*case) == cuts, case
    assert sum(bool(cuts) for cuts in compiled) > 200  # lines are cut down a channel
    assert sum(not cuts and any(line_splits._inner_gaps(case[0], H)) for case, cuts in zip(cases, compiled)) > 200  # and lines with gaps are not


@needs_kernel
@pytest.mark.parametrize("seed", range(2))
def test_the_compiled_inner_gaps_are_the_python_ones(seed: int, monkeypatch) -> None:
    """Whole lines and runs of their words, on random pages and on rows merged across a narrow gutter;
    the gaps' ends are the extents' own numbers (ints stay ints)."""
    rng = random.Random(seed)
    cases = []
    for k in range(60):
        for line in _gutter_page(rng) if k % 2 else _page(rng)[0]:
            letters = letter_extents(line.words)
            cases.append(letters[rng.randint(0, len(letters) - 1):] if rng.random() < 0.3 else letters)
    compiled = [line_splits._inner_gaps(letters, H) for letters in cases]
    python_loops(monkeypatch)
    for letters, gaps in zip(cases, compiled):
        expected = line_splits._inner_gaps(letters, H)
        assert gaps == expected, letters
        assert [tuple(map(type, g)) for g in gaps] == [tuple(map(type, g)) for g in expected]
    assert sum(bool(gaps) for gaps in compiled) > 100


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_row_blanks_and_their_test_are_the_python_ones(seed: int, monkeypatch) -> None:
    """Rows of two columns, read as two lines (a blank between them) or as one across the gutter: the
    page's row blanks, and the cuts at gaps in a line (ends whole pixels or not) near the blanks of the rows around."""
    rng = random.Random(seed)
    cases, pages = [], []
    for _ in range(40):
        gutter, width = rng.randint(6, 14) * H, rng.randint(H // 2, 3 * H)
        boxes = []
        for row in range(rng.randint(3, 16)):
            y = row * 3 * H // 2 + rng.randint(-3, 3)
            left, right = rng.randint(0, H), gutter + width + rng.randint(2, 12) * H
            if rng.random() < 0.5:
                boxes += [Box(left, y, gutter + rng.randint(-H, 0), y + H), Box(gutter + width + rng.randint(0, H), y, right, y + H)]
            else:
                boxes.append(Box(left, y, right, y + H))
        rows = line_splits._row_blanks(boxes, float(H))
        pages.append((boxes, rows))
        for box in boxes:
            gaps, k = [], 0
            for _ in range(rng.randint(0, 3)):
                k += rng.randint(1, 4)
                at = gutter + rng.choice([rng.randint(-2 * H, 2 * H), rng.uniform(-2 * H, 2 * H)])
                gaps.append((k, at, at + rng.choice([rng.randint(H // 2, 3 * H), rng.uniform(0.5 * H, 3 * H)])))
            cases.append((box, gaps, rows, float(H)))
    compiled = [line_splits._row_splits(*case) for case in cases]
    python_loops(monkeypatch)
    for boxes, rows in pages:
        assert line_splits._row_blanks(boxes, float(H)) == rows
        assert all(type(b) is line_splits.RowBlank for b in rows.blanks)
    for case, cuts in zip(cases, compiled):
        assert line_splits._row_splits(*case) == cuts, case
    assert sum(len(rows.blanks) for _, rows in pages) > 100 and sum(bool(cuts) for cuts in compiled) > 50 and sum(not cuts and bool(case[1]) for case, cuts in zip(cases, compiled)) > 100


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_column_edges_are_the_python_ones(seed: int, monkeypatch) -> None:
    """Lines and pieces of lines in columns (ragged edges, headlines, pieces only), left and right edges;
    a median edge is the middle one's own number or the mean of the middle two."""
    rng = random.Random(seed)
    cases = []
    for _ in range(40):
        pieces = []
        for column in range(rng.randint(1, 8)):
            left = column * 15 * H + rng.randint(-H, H)
            for row in range(rng.randint(0, 30)):
                y = row * 3 * H // 2 + rng.randint(-3, 3)
                x0, x1 = left + rng.choice([0, 0, 0, rng.randint(0, 2 * H)]), left + 12 * H - rng.choice([0, 0, rng.randint(0, 6 * H)])
                pieces.append((Box(x0, y, x1, y + H), rng.choice([float(H), H + 0.5, 1.3 * H, 2.0 * H]), rng.random() < 0.7))
        rng.shuffle(pieces)
        cases.append(pieces)
    compiled = [[line_splits._page_edges(pieces, float(H), side) for side in (line_splits._LEFT, line_splits._RIGHT)] for pieces in cases]
    python_loops(monkeypatch)
    for pieces, edges in zip(cases, compiled):
        expected = [line_splits._page_edges(pieces, float(H), side) for side in (line_splits._LEFT, line_splits._RIGHT)]
        assert edges == expected
        assert [[type(e) for e, _ in side] for side in edges] == [[type(e) for e, _ in side] for side in expected]
    found = [e for edges in compiled for side in edges for e, _ in side]
    assert sum(type(e) is int for e in found) > 50 and sum(type(e) is float for e in found) > 50


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_xy_cut_steps_are_the_python_ones(seed: int, monkeypatch) -> None:
    """The gaps between the lines' cores across and down a region and its parts at cuts (in order and
    not): lines in columns and rows, some starting or ending level with others."""
    rng = random.Random(seed)
    cases = []
    for _ in range(60):
        items = [types.SimpleNamespace(core=Box(x := rng.randint(0, 8) * 5 * H + rng.choice([0, 0, rng.randint(-H, H)]),
                                                y := rng.randint(0, 40) * H + rng.choice([0, 0, rng.randint(-H, H)]),
                                                x + rng.choice([4 * H, rng.randint(1, 6 * H)]), y + rng.choice([H, rng.randint(1, 2 * H)])))
                 for _ in range(rng.randint(1, 60))]
        cuts = sorted(rng.uniform(-H, 45 * H) for _ in range(rng.randint(0, 4)))
        cases.append((items, rng.choice([0.0, 0.4 * H, 1.5 * H]), cuts if rng.random() < 0.8 else cuts[::-1]))
    compiled = [([stories._core_gaps(items, axis, gap) for axis in (stories._X, stories._Y)],
                 [[[id(t) for t in part] for part in stories._split(items, cuts, axis)] for axis in (stories._X, stories._Y)])
                for items, gap, cuts in cases]
    python_loops(monkeypatch)
    for (items, gap, cuts), (gaps, parts) in zip(cases, compiled):
        assert gaps == [stories._core_gaps(items, axis, gap) for axis in (stories._X, stories._Y)]
        assert parts == [[[id(t) for t in part] for part in stories._split(items, cuts, axis)] for axis in (stories._X, stories._Y)]
    assert sum(bool(g) for gaps, _ in compiled for g in gaps) > 60 and sum(len(p) > 1 for _, parts in compiled for p in parts) > 60


@needs_kernel
@pytest.mark.parametrize("seed", range(2))
def test_the_compiled_measures_of_a_line_are_the_python_ones(seed: int, monkeypatch) -> None:
    """letters, marks, type size and lower-quartile height, on whole lines and on runs of their words."""
    rng = random.Random(seed)
    lines = [_line(rng, rng.randint(0, 400), tall=rng.random() < 0.3) for _ in range(300)]
    cases = []
    for line in lines:
        a = rng.randint(0, len(line.words) - 1)
        for words in (line.words, line.words[a:]):
            cases.append((words, line.box, letter_extents(words), Marks.of(line.box, letter_extents(words)), placed.type_size(line.box, words),
                          placed.low_height(words, letter_extents(words))))
    python_loops(monkeypatch)
    for words, box, extents, marks, size, low in cases:
        assert letter_extents(words) == extents
        assert [e and tuple(map(type, e)) for e in letter_extents(words)] == [e and tuple(map(type, e)) for e in extents]  # ints stay ints
        assert Marks.of(box, extents) == marks
        assert placed.type_size(box, words) == size
        assert placed.low_height(words, extents) == low
    assert sum(bool(m.starts) for *_, m, _, _ in cases) > 400


@needs_kernel
@pytest.mark.parametrize("seed", range(2))
def test_the_compiled_ink_of_a_page_is_the_python_one(seed: int, monkeypatch) -> None:
    """Every line's letter extents and marks at once, the marks a Marks as Marks.of makes them."""
    rng = random.Random(seed)
    pages = [_page(rng)[0] for _ in range(20)]
    compiled = [line_splits._page_ink(lines) for lines in pages]
    python_loops(monkeypatch)
    for lines, (letters, marks) in zip(pages, compiled):
        assert (letters, marks) == line_splits._page_ink(lines)
        assert all(type(m) is Marks for m in marks)
    assert sum(bool(m.starts) for _, marks in compiled for m in marks) > 200


@needs_kernel
@pytest.mark.parametrize("seed", range(2))
def test_the_compiled_texts_of_a_page_are_the_python_ones(seed: int) -> None:
    """Lines of words of Han characters, Chinese marks (the ends of the ranges set tight and their
    neighbours), Latin letters, digits, spaces and empty words: each line's text as Line.text joins it."""
    rng = random.Random(seed)
    chars = ("中国新闻，。“”‘’—…·–ab1 \u3000\u303f\u3040\u2fff\u4e00\u9fff\ua000\u3400\u4dbf\uf900\ufaff\ufb00\uff00\uff0f\uff10"
             "\uff1a\uff20\uff21\uff3b\uff40\uff5b\uff65\uff66\U00020000\U000323af\U000323b0é")
    lines = [Line(tuple(Word("".join(rng.choice(chars) for _ in range(rng.choice([0, 1, 1, 2, 3]))), None)
                        for _ in range(rng.randint(0, 8))), None) for _ in range(3000)]
    texts = kernel.line_texts(lines, model._TIGHT)
    assert texts == [line.text() for line in lines]
    assert sum(" " in t for t in texts) > 500 and sum(bool(t) and " " not in t for t in texts) > 300


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_gaps_below_lines_are_the_python_ones(seed: int) -> None:
    """Lines in 15 to 30 columns (the next line of a column may be 20 lines further down the page)."""
    rng = random.Random(seed)
    columns = rng.randint(15, 30)
    cores = sorted((Box(x := rng.randint(0, columns) * 5 * H + rng.randint(-H, H), y := rng.randint(0, 40) * 3 * H // 2 + rng.randint(-5, 5),
                        x + rng.randint(H, 5 * H), y + rng.randint(H // 2, 2 * H)) for _ in range(rng.randint(200, 400))), key=lambda c: c.y0)
    expected = stories._gaps_below(cores, float(H))
    assert kernel.gaps_below(cores, float(H)) == expected
    assert len(expected) > len(cores) // 4


@needs_kernel
def test_the_compiled_gap_loop_rejects_a_page_it_cannot_read() -> None:
    line = COL1[0]
    band = Band(line.box, Marks.of(line.box, []), [None] * len(line.words), (), ())
    with pytest.raises(ValueError):
        kernel.gaps(line.words, [None], False, 1.0, 1.0, band, 1.0, 1.0, _KERNEL_MARKS)


@needs_kernel
def test_the_reflow_is_the_same_with_and_without_the_compiled_loop(monkeypatch) -> None:
    doc = document([HEAD, COL1, COL2, [layout_merged()]])
    with_kernel = reflow_document(doc)
    python_loops(monkeypatch)
    assert reflow_document(doc) == with_kernel


def layout_merged() -> Line:
    """A row read across two columns: a gap one gutter wide between its halves."""
    words = tuple(Word(ch, Box(60 + i * 40, 900, 100 + i * 40, 940)) for i, ch in enumerate("商户入驻来自"))
    words += tuple(Word(ch, Box(700 + i * 40, 900, 740 + i * 40, 940)) for i, ch in enumerate("各地的特产"))
    return Line(words, Box.union([w.box for w in words]))


def test_a_build_of_another_interface_is_left_unused() -> None:
    stale = types.SimpleNamespace(letters=letter_extents)  # an in-place build older than its source: no INTERFACE
    with pytest.warns(RuntimeWarning, match="out of date"):
        assert stories.matching_kernel(stale) is None
    with pytest.warns(RuntimeWarning):
        assert stories.matching_kernel(types.SimpleNamespace(INTERFACE=stories.KERNEL_INTERFACE + 1)) is None
    current = types.SimpleNamespace(INTERFACE=stories.KERNEL_INTERFACE)
    assert stories.matching_kernel(current) is current


@needs_kernel
def test_the_built_kernel_is_of_this_interface() -> None:
    assert kernel.INTERFACE == stories.KERNEL_INTERFACE
