import math

import numpy as np
import pytest

from ocrfix.correction.document import DocumentBigrams, nearby_bigrams
from ocrfix.correction.features import BASE_FEATURES, _compete


def test_recurrence_counts_only_other_occurrences_of_the_site_bigrams():
    doc = DocumentBigrams([list("十五五规划"), list("编制十五五规划"), list("十四五")])
    # 十五 occurs twice, 五五 twice: both sides of the middle 五 recur elsewhere
    assert doc.recurrence("十", "五", "五") == 2
    # 十四 and 四五 occur once: the site itself, no other evidence
    assert doc.recurrence("十", "四", "五") == 0
    assert doc.recurrence(None, "十", "五") == 1  # a sentence edge has no left side
    assert doc.recurrence("划", "编", None) == 0


def test_support_says_where_a_candidate_meets_the_neighbours_in_the_document():
    doc = DocumentBigrams([list("彭丽媛出席"), list("豆丽媛")])
    assert doc.support(None, "彭", "丽") == 1
    assert doc.support("豆", "丽", "媛") == 2
    assert doc.support("出", "彭", "丽") == 1
    assert DocumentBigrams().support("a", "b", "c") == 0


@pytest.mark.parametrize("text, site, candidate, elsewhere", [
    ("加强预知预判和研判", 3, "判", ""),  # 判 for 知 would find 预判 only as the next word
    ("加强预知预判和研判", 3, "判", "会上预判形势"),  # the page has 预判 elsewhere too
    ("预判预知和研判", 3, "判", ""),  # the repeat before the site
])
def test_support_does_not_count_the_repetition_a_candidate_would_make(text, site, candidate, elsewhere):
    tokens = list(text)
    doc = DocumentBigrams([tokens] + ([list(elsewhere)] if elsewhere else []))
    left, right = tokens[site - 1], tokens[site + 1]
    assert doc.support(left, candidate, right) >= 1  # counted anywhere
    expected = 1 if elsewhere else 0
    assert doc.support(left, candidate, right, nearby_bigrams(tokens, site)) == expected


def test_compete_gives_margin_and_rank_of_each_candidate_of_a_site():
    def compete(gains):
        margins, ranks = _compete(np.array(gains))
        return margins.tolist(), ranks.tolist()

    margins, ranks = compete([5.0, 2.0, -1.0])
    assert margins == [3.0, 2.0 - 5.0, -1.0 - 5.0]  # gain - max(0, best other)
    assert ranks == pytest.approx([0.0, math.log(2), math.log(3)])
    assert compete([-2.0]) == ([-2.0], [0.0])  # against keeping the original (gain 0)
    assert compete([4.0, 4.0]) == ([0.0, 0.0], [0.0, 0.0])
    assert compete([1.0, 3.0, 1.0, 2.0]) == ([-2.0, 1.0, -2.0, -1.0], pytest.approx([math.log(3), 0.0, math.log(3), math.log(2)]))


def test_feature_columns_name_what_compete_fills():
    assert BASE_FEATURES[2:4] == ("gain_margin", "gain_rank")


def test_the_corrector_feeds_document_repetition_into_the_rows(tmp_path):
    from ocrfix.correction.corrector import Corrector

    from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)
    corrector.featurizer.reject = None  # score every candidate
    orig, cand = BASE_FEATURES.index("doc_orig"), BASE_FEATURES.index("doc_cand")

    def rows(text):
        return {(text[off - 1:off + 2], c.char): m[orig:cand + 1].tolist()
                for offsets, cands, matrix in corrector.candidate_features(text)
                for off, c, m in zip(offsets, cands, matrix)}

    once = rows("我们在北京工乍。")
    assert once[("工乍。", "作")] == [0.0, 0.0]
    # the page says 工乍 twice (the original recurs) and 作。 elsewhere (the candidate meets the right neighbour)
    twice = rows("我们在北京工乍。他们工乍。大家工作。")
    assert twice[("工乍。", "作")] == [2.0, 2.0]
