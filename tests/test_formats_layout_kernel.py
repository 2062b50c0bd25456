"""The compiled loops of the layout analysis (``ocrfix/formats/_layout_kernel.cpp``) against
their Python references (:func:`ocrfix.formats.line_splits._word_gaps` and the others): the same
results on random lines and pages, and the same reflow of the synthetic pages with and without them."""
from __future__ import annotations

import random
import types

import pytest

from ocrfix.formats import Box, Line, Word, reflow_document
from ocrfix.formats import line_splits, placed, stories
from ocrfix.formats.line_splits import _KERNEL_MARKS, Band, Marks, _word_gaps
from ocrfix.formats.placed import letter_extents

from test_formats_layout import COL1, COL2, HEAD, document

kernel = stories._layout_kernel
needs_kernel = pytest.mark.skipif(kernel is None, reason="compiled gap loop not built (bash install.sh)")


def python_loops(monkeypatch) -> None:
    """The layout analysis without its compiled loops, in every module that calls them."""
    for module in (placed, line_splits, stories):
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
