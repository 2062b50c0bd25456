"""Property tests over random inputs: reflow changes whitespace only, replay is exact, the
corrector changes nothing but its logged edits, and no command ever modifies an input.

The number of examples comes from the hypothesis profile (tests/conftest.py): a few dozen in
CI, >= 10,000 with OCRFIX_HYPOTHESIS_PROFILE=nightly.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrfix.cli import main
from ocrfix.correction.corrector import Corrector
from ocrfix.column_order import column_order
from ocrfix.correction.edits import read_log, replay
from ocrfix.text_reflow import reflow

from test_correct_fixtures import CONFUSIONS, CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa, write_confusions

#: Pieces of newspaper OCR text: Han (with the fixtures' confusable characters), punctuation,
#: digits, Latin, URLs, runs, every kind of whitespace and line break.
_PIECES = st.sampled_from(
    [*"的一是在了人有中国会议发展。，、“”《》！？…—（）*0123456789aZ%.;@", *"".join(CORPUS[:7]),
     *(seen for seen, *_ in CONFUSIONS), " ", "\u3000", "\n", "\n\n", "\t", "\r\n", "\f", "本报讯 ",
     "本报记者 曹博文\n", "iPhone 15", "2 3 6 件", "www.xinhuanet.com/a", "a.b@c.cn", "一一一一一", "的" * 30]
)
TEXTS = st.lists(_PIECES, max_size=120).map("".join)
ONE_LINE = st.lists(_PIECES.filter(lambda p: "\n" not in p and "\r" not in p), min_size=1, max_size=60).map("".join)


def non_ws(text: str) -> str:
    return "".join(text.split())


@given(TEXTS)
def test_reflow_changes_whitespace_only(text: str) -> None:
    assert non_ws(reflow(text)) == non_ws(text)


@pytest.fixture(scope="module")
def corrector(tmp_path_factory: pytest.TempPathFactory) -> Corrector:
    d = tmp_path_factory.mktemp("props")
    return Corrector(model=load_lm(write_arpa(d / "lm.arpa")), confusions=confusion_set(d), weights=WEIGHTS,
                     inventory=INVENTORY)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXTS, st.booleans())
def test_corrector_changes_only_its_logged_edits_and_replay_is_exact(corrector: Corrector, text: str, do_reflow: bool) -> None:
    result = corrector.correct(text, reflow=do_reflow)
    assert result.source == (reflow(column_order(text, corrector.lm), corrector.lm) if do_reflow else text)
    assert replay(result.source, result.edits) == result.text
    # through the JSONL log too
    assert replay(result.source, read_log(e.to_json("p.txt") for e in result.edits)) == result.text
    # between the edits, the output is the input, character for character
    cursor_in = cursor_out = 0
    for edit in result.edits:
        assert result.source[edit.input_offset:edit.input_offset + len(edit.original)] == edit.original
        assert result.text[edit.offset:edit.offset + len(edit.replacement)] == edit.replacement
        assert edit.input_offset - cursor_in == edit.offset - cursor_out
        assert result.source[cursor_in:edit.input_offset] == result.text[cursor_out:edit.offset]
        cursor_in, cursor_out = edit.input_offset + len(edit.original), edit.offset + len(edit.replacement)
    assert result.source[cursor_in:] == result.text[cursor_out:]


@pytest.fixture(scope="module")
def model_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    d = tmp_path_factory.mktemp("cli-models")
    WEIGHTS.save(d / "w.json")
    return ["--model", str(write_arpa(d / "lm.arpa")), "--confusions", str(write_confusions(d / "c.tsv")),
            "--weights", str(d / "w.json"), "--quiet"]


#: What an input file holds: text, or bytes a user might pass by mistake.
CONTENTS = st.one_of(TEXTS.map(lambda t: t.encode("utf-8")), TEXTS.map(lambda t: t.encode("gb18030")),
                     st.binary(max_size=200), st.just(b""), ONE_LINE.map(lambda t: ("<?xml version='1.0'?><alto>" + t).encode()))
#: Where an output may point: a new file, one of the two inputs, the directory, the other output.
TARGETS = st.sampled_from(["new.txt", "a.txt", "b.txt", ".", "new.txt", "sub/new.txt"])
#: (argv, the files it reads)
COMMANDS = st.sampled_from([
    (["reflow", "a.txt", "-o", "{t1}"], ("a.txt",)),
    (["correct", "a.txt", "-o", "{t1}", "--edits", "{t2}", "{models}"], ("a.txt",)),
    (["correct", ".", "--out-dir", "{t1}", "--edits", "{t2}", "{models}"], ("a.txt", "b.txt")),
    (["eval", "--gt", "a.txt", "--hyp", "b.txt", "--html", "{t1}", "--confusions", "{t2}"], ("a.txt", "b.txt")),
])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CONTENTS, CONTENTS, COMMANDS, TARGETS, TARGETS)
def test_no_command_ever_modifies_an_input(model_args: list[str], a: bytes, b: bytes,
                                           command: tuple[list[str], tuple[str, ...]], t1: str, t2: str) -> None:
    command, inputs = command
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "a.txt").write_bytes(a)
        (work / "b.txt").write_bytes(b)
        before = {name: ((work / name).read_bytes(), (work / name).stat().st_mtime_ns) for name in inputs}
        argv = [x for arg in command for x in (model_args if arg == "{models}" else
                                               [str(work / arg.format(t1=t1, t2=t2)) if "{" in arg or arg.endswith(".txt") or arg == "." else arg])]
        cwd = os.getcwd()
        try:
            os.chdir(work)  # stdout output of a failed run must not land anywhere that matters
            code = main(argv)
        finally:
            os.chdir(cwd)
        assert code in (0, 1, 2)
        after = {name: ((work / name).read_bytes(), (work / name).stat().st_mtime_ns) for name in inputs}
        assert after == before
        assert not [p for p in work.rglob("*") if p.name.endswith(".tmp")]


#: Structured inputs (real Tesseract hOCR/ALTO, a PAGE file, ABBYY XML and PaddleOCR JSON built from them; tests/data/formats) and plain text.
#: Every structured fixture (paths under tests/data): Tesseract's, and the shapes other producers write.
FORMAT_FILES = [f"formats/{name}" for name in ("onecol.hocr", "twocol.hocr", "onecol-chars.hocr", "onecol.xml", "twocol.xml",
                                               "small.page.xml", "onecol.txt", "onecol-chars.abbyy.xml", "twocol.paddle.json")] + [
    f"producers/{path.name}" for path in sorted((Path(__file__).parent / "data" / "producers").iterdir()) if (path.suffix != ".txt" or path.name.startswith("paddle"))
    and path.name != "expected.json"]
#: What an edit may put in: Han, marks, a doubled character, XML's special characters.
REPLACEMENTS = st.sampled_from(["作", "的", "，", "。", "“", "|", "的的", "&", "<", "a"])


@st.composite
def edit_mixes(draw, text: str) -> list[tuple[int, str, str, float, tuple[str, ...]]]:
    """Non-overlapping substitutions, insertions and deletions of the non-whitespace characters of ``text``."""
    slots = [k for k, ch in enumerate(text) if not ch.isspace()]
    chosen = sorted(draw(st.sets(st.sampled_from(slots), max_size=12))) if slots else []
    changes = []
    for at in chosen:
        kind = draw(st.sampled_from(["sub", "ins", "del"]))
        if kind == "del":
            changes.append((at, text[at], "", 0.9, ("deletion",)))
        elif kind == "ins":
            changes.append((at, "", draw(REPLACEMENTS), 0.9, ("insertion",)))
        else:
            changes.append((at, text[at], draw(REPLACEMENTS), 0.9, ("visual",)))
    return changes


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(FORMAT_FILES), st.data())
def test_replay_and_write_back_are_exact_for_any_mix_of_length_changes(name: str, data: st.DataObject) -> None:
    from ocrfix.correction.edits import apply_changes
    from ocrfix.formats import apply_edits, parse_document, reflow_document, write_document

    raw = (Path(__file__).parent / "data" / name).read_bytes()
    doc = parse_document(raw, name)
    flow = reflow_document(doc)
    changes = data.draw(edit_mixes(flow.text))
    output, edits = apply_changes(flow.text, changes)
    assert replay(flow.text, edits) == output
    assert replay(flow.text, read_log(e.to_json(name) for e in edits)) == output
    fixed = apply_edits(doc, flow.text, edits, flow.words)
    where = {id(word): k for k, word in enumerate(doc.words())}
    fixed_words = list(fixed.words())
    in_flow_order = "".join(fixed_words[where[id(word)]].text for word in flow.words)
    assert non_ws(in_flow_order) == non_ws(output)  # the words (and glyphs) carry the output, in reading order
    for word in fixed_words:
        if word.glyphs and len(word.glyphs) == len(word.text):
            assert "".join(g.text for g in word.glyphs) == word.text
    again = parse_document(write_document(fixed), name, doc.format)
    assert non_ws(again.text()) == non_ws(fixed.text())  # and the file written back reads as them
