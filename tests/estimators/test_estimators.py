import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import jaxclimb as jc

FAST = dict(population_size=16, max_steps=200, random_state=0)


@pytest.fixture(scope="module")
def iris():
    """REFERENCE.md B: iris, 80/20 split with random_state=3, MinMaxScaler on the train part."""
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
    scaler = MinMaxScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_iris_reference_b_with_defaults(iris):
    """mlrose's random hill climbing reached 0.533 test accuracy; the issue asks >= 0.93."""
    X_train, X_test, y_train, y_test = iris
    clf = jc.ClimbingClassifier(hidden_layer_sizes=[2], activation="relu", random_state=3)
    assert clf.fit(X_train, y_train).score(X_test, y_test) >= 0.93
    assert clf.result_.population == 64 and clf.fitness_curve_.shape == (clf.n_iter_,) == (1000,)
    assert clf.fitness_curve_[-1] == pytest.approx(clf.result_.best_score[clf.best_climber_])


@pytest.mark.slow
def test_string_labels_and_probabilities(iris):
    X_train, _, y_train, _ = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y_train]
    clf = jc.ClimbingClassifier(**FAST).fit(X_train, names)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X_train)) <= set(names)
    proba = clf.predict_proba(X_train)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(1)], clf.predict(X_train))
    assert clf.decision_function(X_train).shape == (len(X_train), 3)


@pytest.mark.slow
def test_non_contiguous_binary_labels_and_one_hot(iris):
    X_train, _, y_train, _ = iris
    y = np.where(y_train == 0, 7, -3)
    clf = jc.ClimbingClassifier(**FAST).fit(X_train, y)
    assert set(clf.predict(X_train)) <= {7, -3} and clf.score(X_train, y) > 0.95
    assert clf.decision_function(X_train).shape == (len(X_train),)
    one_hot = np.eye(3)[y_train]
    oh = jc.ClimbingClassifier(**FAST).fit(X_train, one_hot)
    pred = oh.predict(X_train)
    assert pred.shape == one_hot.shape and np.all(pred.sum(axis=1) == 1)


@pytest.mark.slow
def test_regressor_one_and_several_targets():
    X, y = make_regression(n_samples=120, n_features=3, noise=1.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    reg = jc.ClimbingRegressor(
        hidden_layer_sizes=(), population_size=32, max_steps=500, random_state=0
    ).fit(X, y * 100 + 5000)  # far from unit scale
    assert reg.score(X, y * 100 + 5000) > 0.9 and reg.predict(X).shape == (120,)
    Y = np.column_stack([y, -2 * y])
    multi = jc.ClimbingRegressor(
        hidden_layer_sizes=(4,),
        activation="tanh",
        population_size=32,
        max_steps=500,
        random_state=0,
    ).fit(X, Y)
    assert multi.predict(X).shape == (120, 2) and multi.score(X, Y) > 0.8


@pytest.mark.slow
def test_pipeline_grid_search_cross_validation_clone(iris):
    X_train, X_test, y_train, y_test = iris
    pipe = make_pipeline(StandardScaler(), jc.ClimbingClassifier(**FAST))
    scores = cross_val_score(pipe, X_train, y_train, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8
    grid = GridSearchCV(
        jc.ClimbingClassifier(**FAST),
        {"step_size": [0.05, 0.2], "population_size": [8, 16]},
        cv=2,
    ).fit(X_train, y_train)
    assert set(grid.best_params_) == {"step_size", "population_size"}
    assert grid.score(X_test, y_test) > 0.7
    fresh = clone(grid.best_estimator_)
    assert not hasattr(fresh, "coefs_") and fresh.get_params() == grid.best_estimator_.get_params()


def test_pickle_gives_identical_predictions(iris, tmp_path):
    X_train, X_test, y_train, _ = iris
    clf = jc.ClimbingClassifier(**FAST).fit(X_train, y_train)
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(clf))
    loaded = pickle.loads(path.read_bytes())
    np.testing.assert_array_equal(loaded.predict(X_test), clf.predict(X_test))
    np.testing.assert_array_equal(loaded.predict_proba(X_test), clf.predict_proba(X_test))


@pytest.mark.slow
def test_validation_fraction_and_random_state_kinds(iris):
    X_train, _, y_train, _ = iris
    a = jc.ClimbingClassifier(**{**FAST, "random_state": np.random.default_rng(0)})
    a.fit(X_train, y_train)
    held = jc.ClimbingClassifier(**FAST, early_stopping=True, validation_fraction=0.25)
    held.fit(X_train, y_train)
    assert 0 <= held.best_climber_ < 16
    same = jc.ClimbingClassifier(**FAST).fit(X_train, y_train)
    again = jc.ClimbingClassifier(**FAST).fit(X_train, y_train)
    np.testing.assert_array_equal(same.predict(X_train), again.predict(X_train))


@pytest.mark.slow
def test_every_algorithm_behind_the_estimator(iris):
    X_train, _, y_train, _ = iris
    for name, extra in [
        ("annealing", {}),
        ("genetic", {"algorithm_params": {"pop_size": 8}}),
        ("gradient", {"objective": "log_loss", "init": "glorot"}),
    ]:
        clf = jc.ClimbingClassifier(**FAST, algorithm=name, **extra).fit(X_train, y_train)
        assert clf.score(X_train, y_train) > 0.6, name
    rr = jc.ClimbingClassifier(**FAST, restarts=2, max_attempts=30).fit(X_train, y_train)
    assert rr.score(X_train, y_train) > 0.6
    assert rr.result_.steps_run <= 3 * 200  # at most restarts + 1 rounds of max_steps


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"population_size": 0}, "population_size"),
        ({"max_steps": 0}, "max_steps"),
        ({"step_size": -0.1}, "step_size"),
        ({"algorithm": "tabu"}, "algorithm"),
        ({"activation": "swish"}, "activation"),
        ({"objective": "mse"}, "objective"),
        ({"objective": "f1"}, "objective"),
        ({"validation_fraction": 1.5}, "validation_fraction"),
        ({"random_state": "seed"}, "random_state"),
        ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ],
)
def test_bad_hyperparameters_are_named(iris, kwargs, match):
    X_train, _, y_train, _ = iris
    with pytest.raises((ValueError, TypeError), match=match):
        jc.ClimbingClassifier(**{**FAST, **kwargs}).fit(X_train, y_train)


def test_single_class_is_refused(iris):
    X_train, _, _, _ = iris
    with pytest.raises(ValueError, match="class"):
        jc.ClimbingClassifier(**FAST).fit(X_train, np.zeros(len(X_train)))


# ------------------------------------------------------------------------ issue 27
def test_early_stopping_holds_out_a_stratified_split_as_mlpclassifier():
    from jaxclimb.estimators.fitting import validation_split

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 2)), (np.arange(200) % 10 == 0).astype(int)  # 10% ones
    w = np.ones(200)
    _, y_fit, _, X_val, y_val = validation_split(X, y, w, 0.1, 7, classes=np.array([0, 1]))
    assert len(y_val) == 20 and y_val.sum() == 2 and y_fit.sum() == 18  # 10% of each side
    _, X_sk, _, _ = train_test_split(X, y, test_size=0.1, random_state=7, stratify=y)
    np.testing.assert_array_equal(X_val, X_sk)  # the rows MLPClassifier would hold out


def test_early_stopping_refuses_a_class_with_one_member(small_binary):
    X, y = small_binary
    y = np.where(np.arange(len(y)) == 0, 5, y)  # class 5 has one row
    clf = jc.ClimbingClassifier(**FAST, early_stopping=True)
    with pytest.raises(ValueError, match=r"class 5 has only 1 member.*early_stopping=False"):
        clf.fit(X, y)
