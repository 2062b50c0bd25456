"""The variant stage: traditional forms in simplified text, put back by the LM, kept where deliberate."""
import pytest

from ocrfix.confusions.variants import load_variants
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.variants import variant_changes
from ocrfix.errors import ModelError
from ocrfix.segment import protected_mask
from ocrfix.training.confusions.variants import build_variants, save_variants

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

VARIANTS = {"們": "们", "學": "学", "習": "习", "氣": "气"}
SIMPLIFIED = frozenset("们学习气这个")  # the forms traditional script writes otherwise, of these tests' tables


def changes(text, lm, keep=(), variants=VARIANTS, margin=0.5):
    return variant_changes(text, variants, SIMPLIFIED, lm, protected_mask(text, keep), min_margin=margin)


def test_a_lone_traditional_form_is_put_back_where_the_lm_prefers_it(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    assert changes("我們在北京工作。", lm) == [(1, "們", "们", 1.0, ("variant",))]
    assert changes("我們在北京工作。", lm, margin=50.0) == []  # not by that much


def test_runs_of_traditional_forms_and_protected_words_stay(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    assert changes("他在上海學習工作。", lm) == []  # 學習: print sets a run on purpose
    assert changes("我們在北京工作。", lm, keep={"我們"}) == []
    assert changes("我们在北京工作。", lm) == []  # nothing to do


def test_every_lone_form_of_a_sentence_is_decided(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    found = changes("我們今天在北京開會，天氣很好，他们在上海学习。", lm)
    assert [(offset, new) for offset, _, new, *_ in found] == [(1, "们"), (11, "气")]  # 開會: not in the table


def test_the_corrector_logs_variant_edits_and_replays_them(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY,
                          variants=VARIANTS)
    result = corrector.correct("我們在北京工作。\n他們在上海學習工作。", reflow=False)
    assert result.text == "我们在北京工作。\n他們在上海學習工作。"  # the second line is in traditional script
    assert {e.sources for e in result.edits} == {("variant",)}
    assert replay(result.source, result.edits) == result.text
    off = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={})
    assert off.correct("我們在北京工作。", reflow=False).edits == ()


def test_variants_outside_the_inventory_pairing_are_ignored(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    # a form already in the inventory, or one whose simplified form is not, is never a variant
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY,
                          variants={"們": "们", "我": "找", "覺": "觉"})
    assert corrector.variants == {"們": "们"}


def test_variant_tables_round_trip_and_bad_lines_are_refused(tmp_path):
    path = tmp_path / "v.tsv"
    save_variants(path, VARIANTS, ["test"])
    assert load_variants(path) == VARIANTS
    path.write_text("們\t们\n學\t学习\n", encoding="utf-8")
    with pytest.raises(ModelError, match=":2:"):
        load_variants(path)


def test_the_table_is_built_from_opencc_for_characters_outside_the_inventory():
    pytest.importorskip("opencc")
    table = build_variants(INVENTORY, chars="們學習氣我覺")
    assert table == {"們": "们", "學": "学", "習": "习", "氣": "气"}  # 覺 -> 觉 is not in the inventory; 我 is


def test_a_line_in_traditional_script_keeps_its_forms_and_a_slip_in_simplified_text_is_put_back(tmp_path):
    from ocrfix.correction.variants import traditional_script

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    variants = {**VARIANTS, "這": "这", "個": "个"}
    simplified = SIMPLIFIED
    assert traditional_script("這個們", variants, simplified) and not traditional_script("我们這个", variants, simplified)
    assert not traditional_script("我們在北京工作", variants, simplified)  # a lone form is a slip
    # a caption in traditional script whose one simplified form is the engine's slip: the writer's forms stay
    assert changes("這個人們在北京工作。", lm, variants=variants) == []
    # the same form in a simplified line, and in a simplified line of the same text
    assert changes("我们这个們在北京工作。", lm, variants=variants) != []
    assert [c[1] for c in changes("這個人們在北京工作。\n我们在北京們工作。", lm, variants=variants)] == ["們"]


def test_a_line_in_traditional_script_is_told_by_the_forms_no_traditional_standard_writes(tmp_path):
    # 京 and 天 are the simplified forms of rare variants (亰, 靝), yet traditional script writes them too:
    # they are no evidence of simplified script, so the writer's 們 and 氣 stay
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY,
                          variants={**VARIANTS, "亰": "京", "靝": "天"})
    line = "我們今天在北京開會，天氣很好。"
    assert corrector.correct(line, reflow=False).text == line
    assert corrector.correct("我們今天在北京开会，天氣很好，他们在上海学习。", reflow=False).edits != ()


def test_the_simplified_forms_are_those_traditional_script_writes_otherwise(tmp_path):
    pytest.importorskip("opencc")
    from ocrfix.training.confusions.variants import build_simplified_forms

    assert build_simplified_forms("们儿群年不国") == {"们": "們", "儿": "兒", "群": "羣", "国": "國"}  # 年, 不: every script


def test_a_simplified_forms_file_of_other_rows_is_refused(tmp_path):
    from ocrfix.confusions.variants import SIMPLIFIED_FILE, simplified_forms

    (tmp_path / SIMPLIFIED_FILE).write_text("# forms\n们\t們\n儿童\t兒\n", encoding="utf-8")
    with pytest.raises(ModelError, match=":3: expected 'simplified<TAB>traditional'"):
        simplified_forms(tmp_path)


def test_a_regional_standard_form_is_the_writers_and_never_turned_into_the_mainland_form(tmp_path):
    from ocrfix.confusions import ConfusionSet
    from ocrfix.confusions.variants import REGIONAL_FORMS
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他看着我们工作。"] * 6))
    confusions = ConfusionSet.from_scores({"著": {"着": 0.9}, "乍": {"作": 0.8}}, "visual")
    corrector = Corrector(model=lm, confusions=confusions, weights=WEIGHTS, inventory=INVENTORY | set("看着著"), variants={})
    assert REGIONAL_FORMS["著"] == "着"
    assert corrector.correct("他看著我们工乍。", reflow=False).text == "他看著我们工作。"  # 乍 is a misreading, 著 the writer's
    assert [entry[0] for entry in corrector.candidates.table["著"]] == []


def test_the_regional_forms_are_those_opencc_converts_between_taiwan_and_the_mainland():
    pytest.importorskip("opencc")
    from ocrfix.confusions import inventory
    from ocrfix.confusions.variants import REGIONAL_FORMS
    from ocrfix.settings import load_settings
    from ocrfix.training.confusions.variants import build_regional

    assert build_regional(inventory(load_settings().confusions_dir)) == REGIONAL_FORMS
