"""The recall diagnosis puts every misread Han character in the first decoder stage that loses it."""
from benchmarks.recall_loss import STAGES, recall_loss, table
from ocrfix.confusions import ConfusionSet
from ocrfix.correction.corrector import Corrector
from ocrfix.training.pairs import Pair

from test_correct_fixtures import INVENTORY, WEIGHTS, load_lm, write_arpa, write_confusions


def test_each_error_lands_in_the_stage_that_loses_it(tmp_path):
    confusions = write_confusions(tmp_path / "c.tsv")
    corrector = Corrector(model=load_lm(write_arpa(tmp_path / "lm.arpa")), confusions=confusions, weights=WEIGHTS,
                          inventory=INVENTORY | {"土"}, variants={})
    pairs = [
        Pair("fixed", "我们在北京工乍。", "我们在北京工作。", False),  # 乍 -> 作: a candidate the LM wants
        Pair("no candidate", "他们在上海土作。", "他们在上海工作。", False),  # 土 has no candidate at all
        Pair("outside", "他们在上海工作。", "他们在上海工作。", False),  # no error: not counted
        Pair("not Han", "我们在北京工作.", "我们在北京工作。", False),
        Pair("not editable", "今天天气很女。", "今天天气很好。", False),  # 女 is outside the inventory
    ]
    learned = ConfusionSet.from_scores({"乍": {"作": 0.5}}, "learned")
    pinyin = ConfusionSet.from_scores({"土": {"工": 0.2}}, "pinyin")
    loss = recall_loss(corrector, pairs, ConfusionSet.load(confusions), pinyin, learned)
    assert loss.stages == {STAGES[6]: 1, STAGES[1]: 1, STAGES[0]: 1}
    assert loss.fixed == {STAGES[6]: 1}
    assert loss.origins == {"pinyin set": 1}  # 工 was only in the pinyin set
    assert loss.novel == {STAGES[1]: 1, STAGES[0]: 1} and loss.novel_fixed == {}  # 乍 -> 作 was learned
    assert loss.other_errors == 1 and loss.total == 3
    assert "| not a candidate | 1 | 33.3% | 0 | 1, 0 |" in table(loss)
