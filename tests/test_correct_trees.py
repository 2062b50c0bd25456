"""The boosted-tree rescoring of candidates near the decision (score.TreeScore, fit.fit_trees)."""
import numpy as np
import pytest

from ocrfix.correction.features import BASE_FEATURES
from ocrfix.training.fit import fit_trees, fit_weights
from ocrfix.correction.score import TreeScore, Weights
from ocrfix.errors import InputError, ModelError


def xor_data(n=3000, seed=0):
    """Rows of the corrector's width whose labels no linear model can separate: the sign of a
    product of two columns."""
    rng = np.random.default_rng(seed)
    matrix = np.zeros((n, len(BASE_FEATURES)))
    matrix[:, :2] = rng.normal(size=(n, 2))
    matrix[:, 2] = rng.normal(size=n) * 0.1  # a column of noise
    return matrix, matrix[:, 0] * matrix[:, 1] > 0


def test_exported_trees_give_scikit_learns_probabilities():
    from sklearn.ensemble import GradientBoostingClassifier

    matrix, labels = xor_data()
    model = GradientBoostingClassifier(n_estimators=30, max_depth=3, subsample=0.8, random_state=0).fit(matrix, labels)
    trees = TreeScore.from_sklearn(model, floor=0.2)
    test = xor_data(400, seed=1)[0]
    # values a hair above split thresholds: scikit-learn compares them as float32
    splits = trees.threshold[trees.left != np.arange(trees.left.shape[1])]
    test[:200, :2] = np.nextafter(np.random.default_rng(2).choice(splits, (200, 2)), np.inf)
    assert np.allclose(trees.probability(test), model.predict_proba(test)[:, 1], atol=1e-12)
    again = TreeScore.from_record(trees.to_record())
    assert np.array_equal(again.probability(test), trees.probability(test)) and again.floor == 0.2


def test_trees_rescore_only_rows_at_or_above_the_linear_floor():
    matrix, labels = xor_data()
    linear = fit_weights(matrix, labels, (), k=5, prune=None)
    weights = fit_trees(linear, matrix, labels, np.ones(len(labels)), n_trees=60, floor=0.0)
    # the trees learn what the linear model cannot
    accuracy = lambda w: ((w.probability(matrix) > 0.5) == labels).mean()  # noqa: E731
    assert accuracy(linear) < 0.6 < 0.9 < accuracy(weights)
    floored = Weights(linear.coef, linear.intercept, k=5, prune=None, mean=linear.mean, scale=linear.scale,
                      trees=TreeScore(**{**vars(weights.trees), "floor": 0.5}))
    plain, rescored = linear.probability(matrix), floored.probability(matrix)
    below = plain < 0.5
    assert below.any() and (~below).any()
    assert np.array_equal(rescored[below], plain[below])
    assert np.allclose(rescored[~below], weights.trees.probability(matrix[~below]))


def test_weights_with_trees_survive_save_and_load(tmp_path):
    matrix, labels = xor_data()
    weights = fit_trees(fit_weights(matrix, labels, (), k=5, prune=None), matrix, labels, np.ones(len(labels)), 20, 0.1)
    weights.save(tmp_path / "w.json")
    loaded = Weights.load(tmp_path / "w.json")
    assert np.array_equal(loaded.probability(matrix), weights.probability(matrix))


def test_a_tree_testing_an_unknown_feature_is_refused(tmp_path):
    import json

    matrix, labels = xor_data()
    weights = fit_trees(fit_weights(matrix, labels, (), k=5, prune=None), matrix, labels, np.ones(len(labels)), 5, 0.1)
    weights.save(tmp_path / "w.json")
    record = json.loads((tmp_path / "w.json").read_text())
    record["trees"]["feature"][0][0] = 99
    (tmp_path / "w.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="beyond"):
        Weights.load(tmp_path / "w.json")
    record["trees"]["left"][0][0] = 10_000
    record["trees"]["feature"][0][0] = 0
    (tmp_path / "w.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="out of range"):
        Weights.load(tmp_path / "w.json")
    record["trees"]["left"][0][0] = 0
    record["trees"]["feature"][0][0] = -1
    (tmp_path / "w.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="negative"):
        Weights.load(tmp_path / "w.json")


def test_trees_need_true_and_false_rows_above_the_floor():
    matrix, labels = xor_data()
    weights = fit_weights(matrix, labels, (), k=5, prune=None)
    with pytest.raises(InputError, match="cannot fit trees"):
        fit_trees(weights, matrix, labels, np.ones(len(labels)), 5, floor=0.999)
