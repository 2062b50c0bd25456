"""Loaders of the published confusion sets (``--set ext:NAME``), on tiny files in each format
written to a stand-in data directory."""
from __future__ import annotations

import pytest

from ocrfix.training.confusions.external import EXTERNAL, load_external
from ocrfix.errors import InputError, ModelError

FILES = {
    # SIGHAN-13 shape: char, then one run of candidates
    "sighan13_shape": "己,已巳\n未,末\n",
    # SIGHAN-13 sound: a header, then graded columns
    "sighan13_sound": "字\t同音同调\t同音异调\n问\t闻纹\t吻\n",
    # pycorrector same pinyin: graded columns
    "pycorrector_same_pinyin": "# header\n在\t再\t载仔\n",
    # pycorrector same stroke: symmetric groups
    "pycorrector_same_stroke": "人\t入\t八\n",
    # Wang 2018: correct:WRONGVARIANTS, inverted to seen -> true
    "wang2018": "已:己巳\n作:乍昨\n",
    # PLOME: one candidate per field
    "plome_same_stroke": "未,末,耒\n",
}


def _data_dir(tmp_path, name):
    path = tmp_path / EXTERNAL[name][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FILES[name], encoding="utf-8")
    return tmp_path


def _candidates(cset, char):
    return [(c.char, round(c.score, 3)) for c in cset.candidates(char)]


def test_a_run_of_candidates_is_scored_by_position(tmp_path):
    cset = load_external("sighan13_shape", _data_dir(tmp_path, "sighan13_shape"))
    assert _candidates(cset, "己") == [("已", 1.0), ("巳", 0.667)]  # 1 - i / (n + 1)
    assert _candidates(cset, "未") == [("末", 1.0)]


def test_graded_columns_and_a_header_line(tmp_path):
    cset = load_external("sighan13_sound", _data_dir(tmp_path, "sighan13_sound"))
    assert "字" not in cset  # the header row is not an entry
    assert _candidates(cset, "问") == [("闻", 1.0), ("吻", 0.8), ("纹", 0.667)]  # column 2 graded 0.8
    cset = load_external("pycorrector_same_pinyin", _data_dir(tmp_path, "pycorrector_same_pinyin"))
    assert _candidates(cset, "在") == [("再", 1.0), ("载", 0.8), ("仔", 0.533)]


def test_groups_are_symmetric(tmp_path):
    cset = load_external("pycorrector_same_stroke", _data_dir(tmp_path, "pycorrector_same_stroke"))
    assert {ch: {c for c, _ in _candidates(cset, ch)} for ch in "人入八"} == {"人": {"入", "八"}, "入": {"人", "八"}, "八": {"人", "入"}}


def test_wang2018_wrong_variants_are_inverted(tmp_path):
    cset = load_external("wang2018", _data_dir(tmp_path, "wang2018"))
    assert cset.chars() == frozenset("己巳乍昨")  # the wrong variants are the seen characters
    assert _candidates(cset, "己") == [("已", 1.0)] and _candidates(cset, "巳") == [("已", 0.667)]
    assert _candidates(cset, "昨") == [("作", 0.667)]


def test_one_candidate_per_field(tmp_path):
    cset = load_external("plome_same_stroke", _data_dir(tmp_path, "plome_same_stroke"))
    assert _candidates(cset, "未") == [("末", 1.0), ("耒", 0.667)]


def test_unknown_missing_and_empty_sets_are_one_line_errors(tmp_path):
    with pytest.raises(ModelError, match="unknown external confusion set"):
        load_external("no_such_set", tmp_path)
    with pytest.raises(InputError, match="no such file"):
        load_external("wang2018", tmp_path)  # the file is missing
    path = tmp_path / EXTERNAL["wang2018"][0]
    path.parent.mkdir(parents=True)
    path.write_text("# nothing but a comment\nnot a row\n", encoding="utf-8")
    with pytest.raises(ModelError, match="no confusion entries"):
        load_external("wang2018", tmp_path)
