"""The corrector's memos are capped: a long batch of new characters cannot grow them without bound."""
from __future__ import annotations

from pathlib import Path

from ocrfix.correction import features
from ocrfix.correction.cache import Capped
from ocrfix.correction.corrector import Corrector

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa


def test_capped_empties_before_exceeding_its_limit() -> None:
    memo: Capped[str, int] = Capped(3)
    for i, key in enumerate("abc"):
        memo[key] = i
    memo["a"] = 10  # an existing key: no reset
    assert memo == {"a": 10, "b": 1, "c": 2}
    memo["d"] = 3
    assert memo == {"d": 3}
    assert memo.get("a") is None and memo.limit == 3


def test_featurizer_memos_stay_under_their_cap(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(features, "PER_CHAR", 4)
    corrector = Corrector(model=load_lm(write_arpa(tmp_path / "lm.arpa")), confusions=confusion_set(tmp_path),
                          weights=WEIGHTS, inventory=INVENTORY)
    text = "我们在北京工乍。他们在上海学习。大家都在认真工作。今天天气很好。我们今天在北京开会。"
    first = corrector.correct(text, reflow=False)
    memos = (corrector.featurizer._static, corrector.featurizer._source_flags)
    assert all(isinstance(m, Capped) and m.limit == 4 and len(m) <= 4 for m in memos)
    assert len(corrector.featurizer._unigram) <= 16
    assert corrector.correct(text, reflow=False) == first  # memos only: the same edits after resets
