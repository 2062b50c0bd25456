import gc
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import InputOffsets, apply_changes, read_log, replay
from ocrfix.correction.features import forward, substitution_gains
from ocrfix.correction.score import Weights
from ocrfix.errors import InputError, ModelError
from ocrfix.normalize import lm_tokens
from ocrfix.segment import Sentence

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


@pytest.fixture()
def corrector(lm, tmp_path):
    return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)


def test_fixes_an_error_the_lm_clearly_rejects(corrector):
    result = corrector.correct("我们在北京工乍。", reflow=False)
    assert result.text == "我们在北京工作。"
    (edit,) = result.edits
    assert (edit.offset, edit.original, edit.replacement, edit.sources) == (6, "乍", "作", ("visual",))
    assert 0.5 < edit.gain <= 1.0


def test_clean_sentences_are_unchanged(corrector):
    text = "我们在北京工作。他们在上海学习。今天天气很好。"
    result = corrector.correct(text, reflow=False)
    assert result.text == text and result.edits == ()


def test_two_errors_in_one_sentence_are_both_fixed(corrector):
    assert corrector.correct("我们在北京工乍。他在上海学习工乍。", reflow=False).text == "我们在北京工作。他在上海学习工作。"


def test_keep_list_and_protected_spans_are_untouched(lm, tmp_path):
    keeper = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, keep={"工乍"})
    assert keeper.correct("我们在北京工乍。", reflow=False).edits == ()


def test_no_candidate_outside_the_inventory(lm, tmp_path):
    narrow = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY - {"作"})
    assert narrow.correct("我们在北京工乍。", reflow=False).edits == ()


def test_threshold_one_makes_no_edit(lm, tmp_path):
    strict = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, threshold=1.0)
    assert strict.correct("我们在北京工乍。", reflow=False).edits == ()


@given(st.sampled_from(["我们在北京工作。", "他们在上海学习。", "大家都在认真工作。", "我们今天在北京开会。"]),
       st.integers(min_value=0, max_value=7), st.sampled_from("作做怎景夫每字乍"))
@settings(max_examples=40, deadline=None)
def test_window_gain_equals_whole_sentence_rescoring(lm, sentence, i, token):
    tokens = lm_tokens(sentence)
    i = min(i, len(tokens) - 1)
    fwd = forward(lm, tokens)
    changed = tokens[:i] + [token] + tokens[i + 1:]
    expected = lm.score_tokens(changed) - lm.score_tokens(tokens)
    firsts = lm.score_next(fwd.states[i], [token, tokens[i]])
    (k, gain, cand_ctx), (same_k, same, _) = substitution_gains(lm, fwd, i, firsts)
    assert gain == pytest.approx(expected, abs=1e-4) and cand_ctx == firsts[0][1] and same == 0.0
    assert (k, same_k) == (0, 1)
    screened = substitution_gains(lm, fwd, i, firsts, reject=(-1.5, -1.0, 0.0))
    assert (0, gain, cand_ctx) in screened or not [c for c in screened if c[0] == 0]
    if firsts[0][1] - fwd.logps[i] < -1.5 or gain < 0.0:
        assert screened == [(1, 0.0, firsts[1][1])]  # rejected on its first look-up, or the LM prefers the original
    final_only = substitution_gains(lm, fwd, i, firsts, reject=(-math.inf, -math.inf, 0.0))
    assert final_only == ([(0, gain, cand_ctx)] if gain >= 0.0 else []) + [(1, 0.0, firsts[1][1])]


_changes = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2), st.text("作乍x ", max_size=2)), max_size=6)


def _applied(text: str, raw: list[tuple[int, int, str]]) -> tuple[str, list]:
    """``text`` with the changes ``raw`` (start, length, replacement) made to fit it, without overlaps."""
    changes, cursor = [], 0
    for start, length, replacement in sorted(raw):
        start = max(start, cursor)
        if start + length > len(text):
            break
        changes.append((start, text[start:start + length], replacement, 0.9, ("visual",)))
        cursor = start + length + 1
    return apply_changes(text, changes)


@given(st.text("我们在北京工作乍 \n。", min_size=1, max_size=30), _changes)
def test_replaying_the_log_reproduces_the_output(text, raw):
    output, edits = _applied(text, raw)
    assert replay(text, edits) == output
    assert all(output[e.offset:e.offset + len(e.replacement)] == e.replacement for e in edits)


@given(st.text("我们在北京工作乍 \n。", min_size=1, max_size=30), _changes)
def test_input_offsets_map_the_unchanged_output_back_onto_the_unchanged_input(text, raw):
    output, edits = _applied(text, raw)
    replaced = {p for e in edits for p in range(e.offset, e.offset + len(e.replacement))}
    original = {p for e in edits for p in range(e.input_offset, e.input_offset + len(e.original))}
    to_input = InputOffsets(edits)
    assert [to_input(p) for p in range(len(output)) if p not in replaced] == [p for p in range(len(text)) if p not in original]


def test_a_long_text_is_decoded_without_holding_all_its_sentences(corrector):
    """The decoder goes block by block (BLOCK_CHARS) through sentences made as it reaches them: a file
    of millions of characters never holds all its sentences' tokens, offsets and flags at once."""
    def sentences_alive() -> int:
        gc.collect()
        return sum(isinstance(o, Sentence) for o in gc.get_objects())

    before, alive = sentences_alive(), []

    def progress(chars: int) -> None:  # after each block: the Sentence objects it left alive
        alive.append(sentences_alive() - before)

    result = corrector.correct("我们在北京工乍。\n" * 1000, reflow=False, progress=progress)  # 1,000 sentences
    assert result.text == "我们在北京工作。\n" * 1000 and len(result.edits) == 1000
    assert len(alive) > 4 and max(alive) < 300  # a block's 223 sentences (and the next one), not all 1,000


def test_corrector_log_round_trips_through_jsonl(corrector, tmp_path):
    result = corrector.correct("我们在北京工乍。他在上海学习工乍。", reflow=False)
    path = tmp_path / "edits.jsonl"
    path.write_text("".join(edit.to_json("page.txt") + "\n" for edit in result.edits), encoding="utf-8")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["file"] for r in records} == {"page.txt"} and len(records) == 2
    assert replay(result.source, read_log(path.read_text(encoding="utf-8").splitlines())) == result.text


def test_weights_round_trip_and_bad_files(tmp_path):
    path = tmp_path / "w.json"
    WEIGHTS.save(path)
    assert Weights.load(path) == WEIGHTS
    path.write_text(json.dumps({"coef": [1.0], "intercept": 0}), encoding="utf-8")
    with pytest.raises(ModelError, match="coefficients"):
        Weights.load(path)
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(ModelError):
        Weights.load(path)
    with pytest.raises(ModelError, match="not found"):
        Weights.load(tmp_path / "missing.json")


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError):
        Corrector(model=tmp_path / "missing.klm", confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)


def test_package_api_functions_survive_submodule_imports_and_correct_reuses_its_corrector(lm, tmp_path):
    import subprocess
    import sys

    import ocrfix

    # ocrfix.correct / .evaluate / .reflow are functions; their modules have other names (correction, evaluation, text_reflow)
    code = (
        "import ocrfix.correction.edits, ocrfix.evaluation.align, ocrfix.text_reflow, ocrfix; "
        "assert all(callable(f) and not isinstance(f, type(ocrfix)) for f in (ocrfix.correct, ocrfix.evaluate, ocrfix.reflow)); "
        "assert ocrfix.evaluate('天气很好', '天气很好').to_dict()['cer'] == 0 and ocrfix.reflow('天气\\n') == '天气\\n'"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    options = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)
    first = ocrfix.correct("我们在北京工乍。", reflow=False, **options)
    assert first.text == "我们在北京工作。"
    assert ocrfix.replay(first.source, first.edits) == first.text
    assert len(ocrfix._CORRECTORS) >= 1


def test_correct_reuses_a_corrector_only_for_the_same_options(lm, tmp_path, monkeypatch):
    import dataclasses

    import ocrfix

    monkeypatch.setattr(ocrfix, "_CORRECTORS", {})
    confusions = confusion_set(tmp_path)
    options = dict(model=lm, confusions=confusions, inventory=sorted(INVENTORY))  # a list: keyed by its items
    ocrfix.correct("我们在北京工乍。", reflow=False, weights=WEIGHTS, **options)
    ocrfix.correct("我们在北京工乍。", reflow=False, weights=WEIGHTS, **{**options, "inventory": sorted(INVENTORY)})
    assert len(ocrfix._CORRECTORS) == 1
    # Weights hold a dict (unhashable): another Weights object is another corrector, even if equal,
    # and the cache keeps the objects its keys name alive (an id() is never reused under it)
    strict = dataclasses.replace(WEIGHTS, threshold=1.0)
    assert ocrfix.correct("我们在北京工乍。", reflow=False, weights=strict, **options).edits == ()
    assert len(ocrfix._CORRECTORS) == 2
    assert any(strict in values for _, values in ocrfix._CORRECTORS.values())


def test_long_sentences_get_one_edit_per_eight_tokens_beyond_the_floor(lm, tmp_path):
    from ocrfix.correction.corrector import TOKENS_PER_EDIT

    capped = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, max_edits=2)
    short = "我们工乍，他们工乍，大家工乍。"  # 15 tokens, 3 errors: the floor of 2 edits applies
    assert len(capped.correct(short, reflow=False).edits) == 2
    errors = 5
    long_ = "，".join(["我们在北京工乍"] * errors) + "。"  # 40 tokens: room for 40 // 8 = 5 edits
    assert len(lm_tokens(long_)) // TOKENS_PER_EDIT == errors
    assert capped.correct(long_, reflow=False).text == long_.replace("乍", "作")


@given(st.sampled_from(["我们在北京工作。", "他们在上海学习。", "大家都在认真工作。"]), st.integers(min_value=0, max_value=8),
       st.sampled_from("作做怎景夫每字乍"))
@settings(max_examples=30, deadline=None)
def test_a_forward_pass_resumed_after_an_edit_equals_a_fresh_one(lm, sentence, k, token):
    tokens = lm_tokens(sentence)
    k = min(k, len(tokens) - 1)
    edited = tokens[:k] + [token] + tokens[k + 1:]
    assert forward(lm, edited, since=(forward(lm, tokens), k)) == forward(lm, edited)


def test_scoring_with_other_weights_leaves_the_corrector_unchanged(corrector):
    import dataclasses

    never = dataclasses.replace(WEIGHTS, intercept=-50.0)
    twin = corrector.scoring_with(never)
    assert twin.correct("我们在北京工乍。", reflow=False).edits == ()
    assert corrector.weights is WEIGHTS and corrector.correct("我们在北京工乍。", reflow=False).text == "我们在北京工作。"
    assert twin.lm is corrector.lm and twin.candidates is corrector.candidates
    with pytest.raises(ValueError, match="other candidate sources"):
        corrector.scoring_with(dataclasses.replace(WEIGHTS, k=WEIGHTS.k + 1))


def test_in_a_short_text_an_edit_without_the_engines_evidence_needs_the_clean_print_threshold(lm):
    import dataclasses

    from ocrfix.confusions import ConfusionSet
    from ocrfix.correction.corrector import SHORT_TEXT
    from ocrfix.correction.score import SparsePages

    def fix(source, text, sparse=SparsePages(density=1.0, threshold=0.99)):
        confusions = ConfusionSet.from_scores({"乍": {"作": 0.8}}, source)
        weights = dataclasses.replace(WEIGHTS, intercept=-18.0, sparse=sparse)  # the tiny LM's edit: p ~0.9
        return Corrector(model=lm, confusions=confusions, weights=weights, inventory=INVENTORY).correct(text, reflow=False)

    short = "我们在北京工乍。"
    page = short + "我们在北京工作。" * (SHORT_TEXT // 8)  # one edit in more than 500 characters: not clean print yet
    unsure = fix("visual", short, sparse=None)  # no clean-print threshold, no gate
    assert unsure.text == "我们在北京工作。" and unsure.edits[0].gain < 0.99
    assert fix("visual", short).text == short  # the LM alone, in a short text: below the clean-print threshold
    assert fix("learned", short).text == "我们在北京工作。"  # the engine was seen making this confusion
    assert fix("visual", page).text.startswith("我们在北京工作。")  # a page around it


def test_a_story_corrected_alone_is_no_short_text_when_its_page_is_long(lm):
    """``correct_document`` corrects each story of a page on its own and passes the page's length:
    a short story of a long page keeps the edits the page would get."""
    import dataclasses

    from ocrfix.confusions import ConfusionSet
    from ocrfix.correction.corrector import SHORT_TEXT
    from ocrfix.correction.score import SparsePages

    confusions = ConfusionSet.from_scores({"乍": {"作": 0.8}}, "visual")
    weights = dataclasses.replace(WEIGHTS, intercept=-18.0, sparse=SparsePages(density=1.0, threshold=0.99))
    corrector = Corrector(model=lm, confusions=confusions, weights=weights, inventory=INVENTORY)
    story = "我们在北京工乍。"
    assert corrector.correct(story, reflow=False).text == story
    assert corrector.correct(story, reflow=False, page_chars=2 * SHORT_TEXT).text == "我们在北京工作。"


def test_a_multi_page_text_is_corrected_page_by_page_and_keeps_its_page_breaks(corrector):
    """Tesseract's text of a multi-page scan ends each page with a form feed: each page is reflowed and
    corrected as it would be alone, the output keeps the form feeds, and the log replays exactly."""
    pages = ["我们在北京工乍。\n他在上海学习工乍。\n", "大家都在认真工乍。\n"]
    result = corrector.correct("\f".join(pages) + "\f")
    alone = [corrector.correct(page) for page in pages]
    assert result.text == "\f".join(r.text for r in alone) and result.text.count("\f") == 1
    assert [e.replacement for e in result.edits] == [e.replacement for r in alone for e in r.edits] == ["作"] * 3
    assert replay(result.source, result.edits) == result.text
    assert all(result.source[e.input_offset] == "乍" and result.text[e.offset] == "作" for e in result.edits)


def test_no_page_of_a_multi_page_text_is_corrected_by_the_evidence_of_another(lm):
    """A short page of a long multi-page text is a short text, as it is alone: the pages' length (or blocks,
    thresholds, bigrams) never carries over a form feed."""
    import dataclasses

    from ocrfix.confusions import ConfusionSet
    from ocrfix.correction.corrector import SHORT_TEXT
    from ocrfix.correction.score import SparsePages

    confusions = ConfusionSet.from_scores({"乍": {"作": 0.8}}, "visual")
    weights = dataclasses.replace(WEIGHTS, intercept=-18.0, sparse=SparsePages(density=1.0, threshold=0.99))
    corrector = Corrector(model=lm, confusions=confusions, weights=weights, inventory=INVENTORY)
    long_page = "我们在北京工作。\n" * (SHORT_TEXT // 8 + 1)
    short_page = "我们在北京工乍。\n"
    assert corrector.correct(short_page).text == short_page  # alone: short, the weak edit dropped
    result = corrector.correct(long_page + "\f" + short_page)
    alone = [corrector.correct(page) for page in (long_page, short_page)]
    assert result.text == "\f".join(r.text for r in alone) and result.text.endswith(short_page)
    assert result.edits == () and replay(result.source, result.edits) == result.text


def test_a_text_holding_a_lone_surrogate_is_refused_by_name_not_by_the_lm(corrector):
    with pytest.raises(InputError, match=r"lone surrogate, U\+D800, at offset 7"):
        corrector.correct("我们在北京工乍\ud800。")
    assert corrector.correct("我们在北京工乍。", reflow=False).text == "我们在北京工作。"  # the corrector still works
