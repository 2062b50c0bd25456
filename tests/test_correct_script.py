"""Text printed in traditional script: corrected through its simplified view, written back in its script."""
import pytest
from hypothesis import given, strategies as st

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.script import MIN_FORMS, script_view

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, load_lm, write_arpa

VARIANTS = {"們": "们", "學": "学", "習": "习", "氣": "气", "開": "开", "會": "会", "裡": "里", "裏": "里"}
SIMPLIFIED = {"们": "們", "学": "學", "习": "習", "气": "氣", "开": "開", "会": "會", "里": "裏"}
TRADITIONAL_PAGE = "我們在北京學習。\n他們在上海學習工作。\n我們今天在北京開會。\n今天天氣很好。\n我們在北京工作。\n"


def test_a_text_is_viewed_in_simplified_script_only_when_it_is_printed_in_traditional_script():
    view = script_view(TRADITIONAL_PAGE, VARIANTS, SIMPLIFIED)
    assert view is not None and view.view(TRADITIONAL_PAGE) == TRADITIONAL_PAGE.translate(str.maketrans(VARIANTS))
    assert script_view(TRADITIONAL_PAGE.translate(str.maketrans(VARIANTS)), VARIANTS, SIMPLIFIED) is None
    # simplified text with the engine's slips: its simplified forms outnumber them
    slips = "我们在北京學習。他们在上海工作。我们开会。天气很好。" * 5
    assert sum(c in VARIANTS for c in slips) >= MIN_FORMS and script_view(slips, VARIANTS, SIMPLIFIED) is None
    short = "他們在上海學習。"  # fewer forms than MIN_FORMS: the variant stage judges it line by line
    assert sum(c in VARIANTS for c in short) < MIN_FORMS and script_view(short, VARIANTS, SIMPLIFIED) is None


def test_a_character_put_in_is_written_back_in_the_form_the_page_uses_else_the_tables():
    taiwan = script_view(TRADITIONAL_PAGE + "家裡有人。" * 2, VARIANTS, SIMPLIFIED)
    other = script_view(TRADITIONAL_PAGE + "家裏有人。" * 2, VARIANTS, SIMPLIFIED)
    plain = script_view(TRADITIONAL_PAGE, VARIANTS, SIMPLIFIED)
    assert (taiwan.written_back("里"), other.written_back("里"), plain.written_back("里")) == ("裡", "裏", "裏")
    assert plain.written_back("们在年") == "們在年"  # a character every script writes stays
    # a character the table writes otherwise that the page writes as it is stays as it is
    assert script_view(TRADITIONAL_PAGE + "里" * 3, VARIANTS, SIMPLIFIED).written_back("里") == "里"


def test_a_traditional_page_is_corrected_in_its_view_and_keeps_its_script(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们在北京工作。"] * 6))
    (tmp_path / "conf.tsv").write_text("# test\n仆\t们\t0.9\tvisual\n", encoding="utf-8")
    corrector = Corrector(model=lm, confusions=tmp_path / "conf.tsv", weights=WEIGHTS, inventory=INVENTORY | {"仆"},
                          variants=VARIANTS)
    page = TRADITIONAL_PAGE.replace("我們在北京工作", "我仆在北京工作")
    result = corrector.correct(page, reflow=False)
    assert result.text == TRADITIONAL_PAGE  # 仆 -> 们 in the view, written back as the page's 們
    assert [(e.original, e.replacement) for e in result.edits] == [("仆", "們")]
    assert replay(result.source, result.edits) == result.text
    # the same page in simplified script gets the simplified form
    simplified = corrector.correct(page.translate(str.maketrans(VARIANTS)), reflow=False)
    assert [(e.original, e.replacement) for e in simplified.edits] == [("仆", "们")]


@given(st.lists(st.sampled_from(["我們在北京工乍。", "他們在上海學習。", "我仆今天開會。", "天氣很好，", "\n", "\n\n", " "]),
                min_size=4, max_size=30))
def test_a_traditional_texts_edits_replay_exactly_and_change_nothing_else(model_dir, pieces):
    lm, confusions = model_dir
    corrector = Corrector(model=lm, confusions=confusions, weights=WEIGHTS, inventory=INVENTORY | {"仆"},
                          variants=VARIANTS)
    text = "".join(pieces)
    for reflow in (False, True):
        result = corrector.correct(text, reflow=reflow)
        assert replay(result.source, result.edits) == result.text
        assert all(e.original != e.replacement and result.source[e.input_offset:].startswith(e.original)
                   for e in result.edits)
        if script_view(text, corrector.script_forms, corrector.simplified_forms) is not None:  # put in as the page writes it
            assert not any(set(e.replacement) & corrector.simplified_forms.keys() for e in result.edits)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("script")
    (tmp / "conf.tsv").write_text("# test\n仆\t们\t0.9\tvisual\n乍\t作\t0.8\tvisual\n", encoding="utf-8")
    return load_lm(write_arpa(tmp / "lm.arpa", CORPUS + ["我们在北京工作。"] * 6)), tmp / "conf.tsv"
