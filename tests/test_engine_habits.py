"""The profile a plain text's engine habits pick (ocrfix.engine_habits), and `ocrfix correct` using it."""
import json
import math
import unicodedata

import pytest

from ocrfix.cli import main
from ocrfix.engine_habits import ODDS, TOKENS, HabitModel, habit_counts, load_habits, width_folded
from ocrfix.errors import ModelError
from ocrfix.settings import load_settings

# what two engines write for the same sentence: A spaces digits off and writes half-width marks,
# B keeps the full-width marks
A_LINE = "会议于10月 9日召开,代表们(共236 件)提出建议;大家认为:这很好。\n"
B_LINE = "会议于10月9日召开，代表们（共236件）提出建议；大家认为：这很好。\n"


def test_habit_counts_counts_each_habit_where_it_is_one():
    found = habit_counts("共236 件,见表(一);数值3.5与3,5。二*三 四\n；：（）·")
    assert found.han == 11
    assert dict(found.counts) == {"space": 2, ",": 1, "(": 1, ")": 1, ";": 1, "junk": 1,
                                  "；": 1, "：": 1, "（": 1, "）": 1, "·": 1}
    # a decimal point, a comma between digits, a space at a line's edge and Latin text are no habits
    assert habit_counts("3.5 3,5 \n abc def\n").counts == {}


@pytest.fixture
def model():
    return HabitModel.fit({"a": [A_LINE * 20], "b": [B_LINE * 20]})


def test_a_long_text_with_the_other_engines_habits_picks_its_profile(model):
    picked = model.pick(B_LINE * 10, default="a")
    assert picked is not None and picked.profile == "b" and picked.log_odds >= model.margin
    assert model.pick(A_LINE * 10, default="a") is None  # the default's own text keeps it
    assert model.pick(A_LINE * 10, default="b").profile == "a"


def test_a_short_text_is_too_little_evidence(model):
    assert model.pick("我们在北京工作，今天天气很好。\n", default="a") is None  # none of A's habits, but short
    assert model.pick("我们在北京工作，今天天气很好。\n" * 5, default="a").profile == "b"  # longer: it is
    assert model.pick("", default="a") is None


def test_a_text_that_also_shows_the_defaults_habits_keeps_the_default(model):
    # B's full-width marks, but A's spaces beside digits: a third engine, neither A nor B
    mixed = B_LINE.replace("10月9日", "10月 9日").replace("236件", "236 件") * 10
    terms = model._terms(habit_counts(mixed), "b", "a")
    assert sum(terms.values()) >= model.margin  # the likelihood alone would pick B
    assert model.pick(mixed, default="a") is None


def test_a_text_folded_to_half_width_on_its_way_shows_no_habit_of_width(model):
    folded = unicodedata.normalize("NFKC", B_LINE * 10)  # B's full-width marks, as a pipeline's NFKC hands them over
    assert width_folded(folded, habit_counts(folded)) and not width_folded(B_LINE * 10, habit_counts(B_LINE * 10))
    assert model.pick(folded, default="b") is None  # no space beside its digits: nothing of A's but the width
    assert model.pick(A_LINE * 10, default="b").profile == "a"  # A's spaces still tell


def test_an_unknown_default_picks_nothing(model):
    assert model.pick(B_LINE * 10, default="elsewhere") is None


def test_the_table_round_trips_and_a_bad_one_is_refused(tmp_path, model):
    path = tmp_path / "habits.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_habits(path)
    assert loaded.margin == pytest.approx(math.log(ODDS), abs=1e-3)
    assert set(loaded.rates) == {"a", "b"} and all(set(r) == set(TOKENS) for r in loaded.rates.values())
    assert loaded.pick(B_LINE * 10, "a").profile == "b"
    assert load_habits(tmp_path / "absent.json") is None
    record = json.loads(path.read_text(encoding="utf-8"))
    record["rates"]["a"]["space"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="not a habit table"):
        load_habits(bad)


def test_fit_needs_han_text():
    with pytest.raises(ModelError, match="no Han characters"):
        HabitModel.fit({"a": ["abc"], "b": [B_LINE]})


def _correct(tmp_path, models, name, text, *extra):
    src, stats = tmp_path / name, tmp_path / f"{name}.stats.jsonl"
    src.write_text(text, encoding="utf-8")
    assert main(["correct", str(src), "-o", str(tmp_path / f"out-{name}"), "--stats", str(stats), *models, *extra]) == 0
    return json.loads(stats.read_text(encoding="utf-8"))


def test_ocrfix_correct_picks_the_profile_of_a_plain_texts_habits(tmp_path, models, capsys, monkeypatch):
    """With the shipped table: a page in PP-OCR's habits gets `ppocr`, Tesseract's keeps the default;
    --profile and OCRFIX_PROFILE win over the habits."""
    monkeypatch.delenv("OCRFIX_PROFILE", raising=False)
    models = [m for m in models if m != "--quiet"]
    record = _correct(tmp_path, models, "pp.txt", B_LINE * 40)
    assert record["profile"] == "ppocr" and record["habits_log_odds"] >= math.log(1000)
    assert "from the text's habits (no OCR software named): ppocr for 1 file" in capsys.readouterr().err
    record = _correct(tmp_path, models, "tess.txt", A_LINE * 40)
    assert "profile" not in record and "habits" not in capsys.readouterr().err
    record = _correct(tmp_path, models, "pp2.txt", B_LINE * 40, "--profile", "tesseract")
    assert "profile" not in record
    monkeypatch.setenv("OCRFIX_PROFILE", "tesseract")
    load_settings.cache_clear()
    assert "profile" not in _correct(tmp_path, models, "pp3.txt", B_LINE * 40)


def test_a_clean_page_that_shows_no_habit_takes_ppocr_once_it_is_long_enough():
    """The shipped table: a page with no habit of either engine (as clean print reads, by any engine) has odds
    that grow with its length only; at 1,120 Han characters they are over the table's ratio of 500 (below
    1,000), and at half that too little evidence."""
    habits = load_habits(load_settings().models_dir / "profiles" / "habits.json")
    page = "我们在北京工作，他们在上海工作。\n" * 80
    picked = habits.pick(page, "tesseract")
    assert picked is not None and picked.profile == "ppocr" and math.log(500) < picked.log_odds < math.log(1000)
    assert habits.pick(page[:len(page) // 2], "tesseract") is None
