"""Engine profiles: shipped ones resolve, a user's directory drives the corrector, broken ones are refused."""
import json
import shutil
from pathlib import Path

import pytest

from ocrfix.checksums import write_checksums
from ocrfix.confusions.misread import MisreadRates
from ocrfix.correction.corrector import Corrector
from ocrfix.errors import ModelError
from ocrfix.profiles import load_profile, shipped_profiles
from ocrfix.settings import PROJECT_ROOT

from test_correct_fixtures import INVENTORY, WEIGHTS, load_lm, write_arpa, write_confusions

MODELS = PROJECT_ROOT / "models"


def make_profile(root: Path, **record) -> Path:
    """A profile directory with the tiny test weights and confusions."""
    root.mkdir(parents=True, exist_ok=True)
    WEIGHTS.save(root / "w.json")
    write_confusions(root / "c.tsv")
    base = {"format": 1, "name": "mine", "files": {"weights": "w.json", "confusions": ["c.tsv"]}}
    (root / "profile.json").write_text(json.dumps({**base, **record}), encoding="utf-8")
    return root


def test_the_shipped_profiles_resolve_to_the_shipped_models():
    assert {"tesseract", "ppocr", "generic"} <= set(shipped_profiles(MODELS))
    tesseract = load_profile("tesseract", MODELS)
    assert tesseract.weights == (MODELS / "corrector.json").resolve() and tesseract.rules is None
    generic = load_profile("generic", MODELS)
    assert generic.flat_misread and generic.threshold is None and "percent-96" not in generic.rules


@pytest.mark.parametrize("name", ["tesseract", "ppocr", "generic"])
def test_a_copy_of_a_shipped_profile_loads_from_anywhere_with_the_same_files(tmp_path, name):
    # a user copies a shipped profile to edit it: the shared files are named from the models directory
    copy = shutil.copytree(MODELS / "profiles" / name, tmp_path / "mine")
    shipped, copied = load_profile(name, MODELS), load_profile(copy, MODELS)
    own = {path.name for path in (MODELS / "profiles" / name).iterdir()}
    assert copied.directory == copy.resolve()
    for key, path in vars(shipped).items():
        if isinstance(path, Path) and key != "directory":
            assert getattr(copied, key) == (copy.resolve() / path.name if path.name in own else path), key
    assert copied.confusions[0] == shipped.confusions[0] == (MODELS / "confusions" / "default.tsv").resolve()


def test_a_profile_directory_supplies_what_the_corrector_is_not_given(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    directory = make_profile(tmp_path / "p", rules=["double-comma"], threshold=0.6, line_end_marks=False)
    corrector = Corrector(model=lm, inventory=INVENTORY, variants={}, profile=directory)
    assert corrector.profile.name == "mine" and corrector.threshold == 0.6 and not corrector.stages.line_end_marks
    assert [rule.name for rule in corrector.rules] == ["double-comma"]
    result = corrector.correct("我们在北京工乍。风俗,，欢度“\n", reflow=False)
    assert [(e.original, e.replacement) for e in result.edits] == [("乍", "作"), (",", "")]
    assert Corrector(model=lm, inventory=INVENTORY, variants={}, profile=directory, threshold=0.99).threshold == 0.99


def test_broken_profiles_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ModelError, match="no such profile.*tesseract"):
        load_profile("nonesuch", MODELS)
    with pytest.raises(ModelError, match="format 2"):
        load_profile(make_profile(tmp_path / "a", format=2), MODELS)
    with pytest.raises(ModelError, match="missing.*incomplete"):
        load_profile(make_profile(tmp_path / "b", files={"weights": "w.json", "misread": "m.tsv"}), MODELS)
    with pytest.raises(ModelError, match="unknown files"):
        load_profile(make_profile(tmp_path / "c", files={"lm": "x.klm"}), MODELS)
    with pytest.raises(ModelError, match="threshold"):
        load_profile(make_profile(tmp_path / "d", threshold=2), MODELS)
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    with pytest.raises(ModelError, match="unknown symbol rule"):
        Corrector(model=lm, inventory=INVENTORY, variants={}, profile=make_profile(tmp_path / "e", rules=["nonesuch"]))


@pytest.mark.parametrize("entry, refused", [
    ({"rules": None}, "rules must be"), ({"rules": "double-comma"}, "rules must be"), ({"rules": [1]}, "rules must be"),
    ({"threshold": True}, "threshold must be"), ({"line_end_margin": False}, "line_end_margin must be"),
    ({"line_end_habit": [True, 1]}, "line_end_habit must be"), ({"line_end_marks": "no"}, "line_end_marks must be true or false"),
    ({"han_insertions": 1}, "han_insertions must be"), ({"files": []}, "files must be an object"),
    ({"files": {"weights": None}}, "files entry weights"), ({"files": {"weights": "w.json", "confusions": [1]}}, "files entry confusions"),
    ({"name": None}, "name must be a string"), ({"card": []}, "card must be an object"),
])
def test_a_hand_edited_profile_of_the_wrong_json_types_is_refused_with_the_key(tmp_path, entry, refused):
    with pytest.raises(ModelError, match=refused):
        load_profile(make_profile(tmp_path / "p", **entry), MODELS)


def test_any_json_value_for_any_key_loads_or_is_refused_never_crashes(tmp_path):
    keys = ["name", "files", "rules", "threshold", "line_end_margin", "mark_page_prior", "line_end_habit",
            "line_end_sparse", "line_end_sure_share", "line_end_reach", "confidence", "word_confidence", "card", "domain_weight", "line_end_marks",
            "line_end_mark_choice", "han_insertions"]
    values = [None, True, False, "x", 1, -1, 0.5, [], {}, ["x"], [1, 2], {"a": 1}]
    loaded = 0
    for n, (key, value) in enumerate((key, value) for key in keys for value in values):
        try:
            load_profile(make_profile(tmp_path / str(n), **{key: value}), MODELS)
            loaded += 1
        except ModelError:
            pass
    assert 0 < loaded < len(keys) * len(values)


def test_a_profile_file_that_fails_its_checksum_is_refused(tmp_path):
    directory = make_profile(tmp_path / "p")
    write_checksums(directory)
    assert load_profile(directory, MODELS).name == "mine"
    (directory / "profile.json").write_text(json.dumps({"format": 1, "name": "changed"}), encoding="utf-8")
    with pytest.raises(ModelError, match="profile.json"):
        load_profile(directory, MODELS)


def test_uniform_misread_rates_give_every_character_the_overall_rate():
    rates = MisreadRates.uniform(0.02)
    assert rates.log_rate("问") == rates.log_rate("的") == pytest.approx(-1.69897, abs=1e-5)


def test_the_command_line_takes_a_profile_and_refuses_a_bad_one(tmp_path, models):
    import subprocess
    import sys

    page = tmp_path / "page.txt"
    page.write_text("风俗,，欢度\n", encoding="utf-8")
    argv = [sys.executable, "-m", "ocrfix", "correct", str(page), "--model", models[1], "--quiet", "--no-reflow"]
    for rules, expected in ((["double-comma"], "风俗，欢度\n"), (["stray-bar"], "风俗,，欢度\n")):
        directory = make_profile(tmp_path / rules[0], rules=rules)
        done = subprocess.run([*argv, "--profile", str(directory)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout == expected, done.stderr
    bad = subprocess.run([*argv, "--profile", "nonesuch"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no such profile" in bad.stderr


def test_line_end_settings_are_read_and_checked(tmp_path):
    profile = load_profile(make_profile(tmp_path / "a", line_end_marks_in_clean_print=True, line_end_margin=0.75), MODELS)
    assert profile.line_end_marks_in_clean_print and profile.line_end_margin == 0.75
    default = load_profile(make_profile(tmp_path / "b"), MODELS)
    assert not default.line_end_marks_in_clean_print and default.line_end_margin is None
    with pytest.raises(ModelError, match="line_end_margin"):
        load_profile(make_profile(tmp_path / "c", line_end_margin=-1), MODELS)
    assert load_profile(make_profile(tmp_path / "d", line_end_habit=[0.5, 3]), MODELS).line_end_habit == (0.5, 3.0)
    assert default.line_end_habit is None and not default.paragraph_end_habit
    assert default.mark_page_prior is None
    assert load_profile(make_profile(tmp_path / "d3", mark_page_prior=50), MODELS).mark_page_prior == 50.0
    with pytest.raises(ModelError, match="mark_page_prior"):
        load_profile(make_profile(tmp_path / "d4", mark_page_prior=0), MODELS)
    assert load_profile(make_profile(tmp_path / "d2", paragraph_end_habit=True), MODELS).paragraph_end_habit
    for n, bad in enumerate(([0.5], [0.5, -1], "0.5", [0.5, "3"])):
        with pytest.raises(ModelError, match="line_end_habit"):
            load_profile(make_profile(tmp_path / f"e{n}", line_end_habit=bad), MODELS)
    assert load_profile(make_profile(tmp_path / "f", line_end_sparse=[2, 3.5]), MODELS).line_end_sparse == (2.0, 3.5)
    assert default.line_end_sparse is None
    for n, bad in enumerate(([2.0], [2.0, -1], "2", [2.0, None])):
        with pytest.raises(ModelError, match="line_end_sparse"):
            load_profile(make_profile(tmp_path / f"g{n}", line_end_sparse=bad), MODELS)
    assert load_profile(make_profile(tmp_path / "h", line_end_sure_share=[0.04, 0]), MODELS).line_end_sure_share == (0.04, 0.0)
    assert default.line_end_sure_share is None
    for n, bad in enumerate(([0.04], [0.04, -1], "0.04", [None, 0.0])):
        with pytest.raises(ModelError, match="line_end_sure_share"):
            load_profile(make_profile(tmp_path / f"i{n}", line_end_sure_share=bad), MODELS)
    assert load_profile(make_profile(tmp_path / "j", line_end_reach=[0.5, 3]), MODELS).line_end_reach == (0.5, 3.0)
    assert default.line_end_reach is None
    for n, bad in enumerate(([0.5], [0.5, -1], "0.5", [None, 3.0])):
        with pytest.raises(ModelError, match="line_end_reach"):
            load_profile(make_profile(tmp_path / f"k{n}", line_end_reach=bad), MODELS)


def test_the_ppocr_profile_loads_its_own_tables_and_keeps_line_end_marks_in_clean_print():
    ppocr = load_profile("ppocr", MODELS)  # checksummed in models/checksums.json: a damaged file is refused
    directory = (MODELS / "profiles" / "ppocr").resolve()
    assert ppocr.misread == directory / "misread.tsv" and directory / "rapidocr.tsv" in ppocr.confusions
    assert ppocr.line_end_marks and ppocr.line_end_marks_in_clean_print
    # a lower line-end margin where the text shows the engine drops hung marks; final-period stays everywhere
    assert ppocr.line_end_habit == (1.0, ppocr.line_end_margin) and not ppocr.paragraph_end_habit
    assert ppocr.mark_page_prior == 100.0  # the mark-choice channel adapted to each scanned page's marks
    # in a structured file, the line box reaching past the column's measure lowers the margin, else raises it
    assert ppocr.line_end_reach == (0.5, 3.0) and load_profile("tesseract", MODELS).line_end_reach is None
    assert {"stray-dot", "middot-period", "period-comma"} <= set(ppocr.rules) and "percent-96" not in ppocr.rules
    assert MisreadRates.load(ppocr.misread).overall < MisreadRates.load(MODELS / "confusions" / "misread.tsv").overall
    assert "rapid-train" in ppocr.card["fitted_on"]
