"""The garbled-marks stage: a text's own rate of misread marks, estimated from the LM's verdicts at
its '。' and '·' between Han characters, and only a text whose marks read as garbled settled by the LM."""
import pytest

from ocrfix.correction import garbled_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.garbled_marks import MIN_SHARE, MIN_SITES, SOURCE, confident_share, garbled_changes, sites
from ocrfix.profiles import Profile
from ocrfix.segment import protected_mask

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

#: Clauses joined by a comma, so the LM likes "，" between 北京 and 他们.
CLAUSES = ["我们在北京，他们在上海。", "我们在北京工作，他们在上海学习。", "大家都在北京，我们在上海。"] * 4
#: One line whose '。' stands for '，' (the LM prefers the comma), one whose '。' is a real sentence end.
MISREAD, TRUE_END = "我们在北京。他们在上海。\n", "我们在北京工作。今天天气很好。\n"


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "lm.arpa", CORPUS + CLAUSES))


def changed(text, lm, keep=()):
    return [(offset, original, replacement) for offset, original, replacement, _, sources in
            garbled_changes(text, lm, protected_mask(text, keep)) if sources == (SOURCE,)]


def test_only_confident_preferences_count():
    assert confident_share([3.0] * 3 + [-3.0]) == 0.75
    assert confident_share([1.0] * 20) == 0.0  # the LM's mild taste for another mark is no evidence
    assert confident_share([]) == 0.0


def test_sites_are_periods_and_middle_dots_between_han_characters():
    text = "北京。他们·上海。\n约翰·2。在。"
    assert sites(text, protected_mask(text)) == [2, 5]
    assert sites(text, protected_mask(text), running=True) == [2, 5, 12, 14]  # next to a digit: running text
    assert sites(text, protected_mask(text, ["他们·上海"])) == [2]


def test_a_garbled_text_has_its_periods_and_dots_read_as_the_lm_likes(lm):
    text = MISREAD * MIN_SITES
    assert changed(text, lm) == [(5 + 13 * k, "。", "，") for k in range(MIN_SITES)]
    dots = MISREAD.replace("。", "·", 1) * MIN_SITES
    assert changed(dots, lm) == [(5 + 13 * k, "·", "，") for k in range(MIN_SITES)]


def test_a_text_whose_marks_read_right_is_left_alone(lm):
    assert changed(TRUE_END * MIN_SITES, lm) == []
    # fewer than half of its sites read otherwise is no garbled text: the rules' margins decide
    mixed = MISREAD * 4 + TRUE_END * 5
    gains = [garbled_marks.best_other(lm, mixed, k)[0] for k in sites(mixed, protected_mask(mixed))]
    assert len(gains) == 9 and sum(g > 1.5 for g in gains) == 4 and confident_share(gains) < MIN_SHARE
    assert changed(mixed, lm) == []
    assert changed(MISREAD * 5 + TRUE_END * 4, lm) == [(5 + 13 * k, "。", "，") for k in range(5)]
    assert changed(MISREAD * (MIN_SITES - 1), lm) == []  # too few sites to judge the text by
    assert changed(MISREAD * MIN_SITES, lm, keep=["北京。他们"]) == []  # protected: too few sites left


def test_the_corrector_runs_the_stage_where_the_profile_asks_and_without_one(lm, tmp_path):
    kwargs = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, length=False)
    text = MISREAD * MIN_SITES
    result = Corrector(profile=Profile("test", tmp_path, garbled_marks=True), **kwargs).correct(text, reflow=False)
    assert result.text == text.replace("京。", "京，")
    assert {e.sources for e in result.edits} == {(SOURCE,)}
    assert replay(result.source, result.edits) == result.text
    assert Corrector(profile=Profile("test", tmp_path), rules=(), **kwargs).correct(text, reflow=False).text == text
    assert Corrector(rules=(), **kwargs).correct(text, reflow=False).text == result.text  # no profile: on
    assert Corrector(profile=Profile("test", tmp_path, garbled_marks=True), rules=False,
                     **kwargs).correct(text, reflow=False).text == text
