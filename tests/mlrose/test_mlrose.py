"""jaxclimb.mlrose against mlrose-ky, side by side: the same calls on both libraries.

Shapes, kinds and attributes are compared for every algorithm x model x bias x curve x
target kind (a covering subset by default, the whole matrix with ``-m slow``); where the
fit moves no weight (``max_iters=0``, or ``learning_rate=1e-9``: below float32's
resolution) loss, predictions and curves equal mlrose-ky's to 1e-5. Random-number streams
are not compared. Tiny fits (``max_iters=3``) share a handful of compiled programs.
"""

import itertools

import mlrose_ky as ky  # in the test extra
import numpy as np
import pytest

from jaxclimb import mlrose
from jaxclimb.engine import program
from jaxclimb.mlrose import search
from jaxclimb.mlrose.settings import checked_settings

ALGORITHMS = ("random_hill_climb", "simulated_annealing", "genetic_alg", "gradient_descent")
MODELS = ("NeuralNetwork", "LinearRegression", "LogisticRegression")
RNG = np.random.default_rng(0)
X = RNG.uniform(size=(24, 4))
TARGETS = {  # mlrose-ky needs label-like targets, even for LinearRegression
    "label": (X[:, 0] + X[:, 1] > 1).astype(int),
    "one-hot": np.eye(3)[np.arange(24) % 3],
}
COVERED = {  # the default run: one case per algorithm, the other axes varied
    ("random_hill_climb", "NeuralNetwork", True, True, "one-hot"),
    ("simulated_annealing", "LogisticRegression", False, False, "label"),
    ("gradient_descent", "LinearRegression", True, True, "one-hot"),
}  # the genetic algorithm compiles slowly (8 s): its cases run with -m slow


def _settings(model, algorithm="random_hill_climb", **kw):
    base = dict(algorithm=algorithm, max_iters=3, learning_rate=1e-9, clip_max=5, pop_size=10,
                random_state=1)  # fmt: skip
    if model == "NeuralNetwork":
        base.update(hidden_nodes=[3], activation="relu")
    return {**base, **kw}


def _n_weights(model, bias, target):
    n_out = 3 if target == "one-hot" else 1
    inputs = 4 + bias
    return inputs * 3 + 3 * n_out if model == "NeuralNetwork" else inputs * n_out


def _both(model, settings, y, init_weights=None, fit=True):
    pair = getattr(ky, model)(**settings), getattr(mlrose, model)(**settings)
    if fit:
        for m in pair:
            m.fit(X, y, init_weights=init_weights)
    return pair


def _matrix():
    for case in itertools.product(ALGORITHMS, MODELS, (True, False), (True, False), TARGETS):
        marks = () if case in COVERED else (pytest.mark.slow,)
        yield pytest.param(*case, marks=marks, id="-".join(map(str, case)))


@pytest.mark.parametrize(("algorithm", "model", "bias", "curve", "target"), _matrix())
def test_same_calls_same_attributes_and_shapes(algorithm, model, bias, curve, target):
    w0 = np.random.default_rng(2).uniform(-1, 1, _n_weights(model, bias, target))
    settings = _settings(model, algorithm, bias=bias, curve=curve)
    theirs, ours = _both(model, settings, TARGETS[target], init_weights=w0)
    assert ours.node_list == theirs.node_list
    assert ours.fitted_weights.shape == theirs.fitted_weights.shape == w0.shape
    assert ours.fitted_weights.dtype == np.float64 and isinstance(ours.loss, float)
    assert np.shape(ours.fitness_curve) == np.shape(theirs.fitness_curve)
    if not curve:
        assert ours.fitness_curve == [] == theirs.fitness_curve
    elif np.ndim(ours.fitness_curve) == 2:  # [loss, cumulative evaluations]
        assert np.all(np.diff(ours.fitness_curve[:, 1]) > 0)
    pred_theirs, pred_ours = theirs.predict(X), ours.predict(X)
    assert pred_ours.shape == pred_theirs.shape and pred_ours.dtype.kind == pred_theirs.dtype.kind
    if theirs.predicted_probs is None:
        assert ours.predicted_probs is None
    else:
        assert ours.predicted_probs.shape == theirs.predicted_probs.shape
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    if algorithm != "genetic_alg":  # mlrose-ky's GA ignores init_weights
        _assert_same_numbers(theirs, ours, pred_theirs, pred_ours, curve)


def _assert_same_numbers(theirs, ours, pred_theirs, pred_ours, curve):
    np.testing.assert_allclose(ours.loss, theirs.loss, rtol=1e-5)
    np.testing.assert_allclose(pred_ours, pred_theirs, rtol=1e-5, atol=1e-5)
    if theirs.predicted_probs is not None:
        np.testing.assert_allclose(ours.predicted_probs, theirs.predicted_probs, atol=1e-5)
    if curve:
        ours_c, theirs_c = np.asarray(ours.fitness_curve), np.asarray(theirs.fitness_curve)
        np.testing.assert_allclose(ours_c[..., 0], theirs_c[..., 0], rtol=1e-5)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("model", MODELS)
def test_a_fit_that_moves_no_weight_equals_mlrose(model, bias):
    target = "label" if model == "LinearRegression" else "one-hot"
    w0 = np.random.default_rng(3).uniform(-1, 1, _n_weights(model, bias, target))
    settings = _settings(model, bias=bias, max_iters=0, curve=True)
    theirs, ours = _both(model, settings, TARGETS[target], init_weights=w0)
    _assert_same_numbers(theirs, ours, theirs.predict(X), ours.predict(X), curve=False)
    np.testing.assert_array_equal(ours.fitted_weights, w0)
    assert np.shape(ours.fitness_curve) == np.shape(theirs.fitness_curve) == (0,)


def test_gradient_descent_steps_by_the_summed_gradient_as_mlrose():
    y = TARGETS["one-hot"]
    w0 = np.random.default_rng(4).uniform(-1, 1, 15)
    settings = _settings("LinearRegression", "gradient_descent", learning_rate=0.01, curve=True)
    theirs, ours = _both("LinearRegression", settings, y, init_weights=w0)
    assert np.abs(ours.fitted_weights - w0).max() > 1e-2  # it moved, and as mlrose moved
    np.testing.assert_allclose(ours.fitted_weights, theirs.fitted_weights, atol=1e-5)
    np.testing.assert_allclose(ours.fitness_curve, theirs.fitness_curve, rtol=1e-5)


@pytest.mark.slow
def test_genetic_alg_ignores_learning_rate_and_redraws_within_clip_max():
    y = TARGETS["label"]
    fits = [mlrose.NeuralNetwork(**_settings("NeuralNetwork", "genetic_alg", bias=False,
                                             learning_rate=lr)).fit(X, y)
            for lr in (0.1, 3.0)]  # fmt: skip
    np.testing.assert_array_equal(fits[0].fitted_weights, fits[1].fitted_weights)
    assert np.abs(fits[0].fitted_weights).max() <= 5 and np.ptp(fits[0].fitted_weights) > 2


def test_random_state_none_draws_from_numpys_global_state():
    y = TARGETS["one-hot"]
    runs = []
    for seed in (7, 7, 8):
        np.random.seed(seed)
        nn = mlrose.NeuralNetwork(**_settings("NeuralNetwork", random_state=None))
        runs.append(nn.fit(X, y).fitted_weights)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix
def test_fitted_weights_are_the_model_and_targets_may_be_a_matrix():
    nn = mlrose.NeuralNetwork(**_settings("NeuralNetwork"))
    nn.fit(X, np.asmatrix(TARGETS["one-hot"]))  # OneHotEncoder().todense(), as the tutorial
    before = nn.predicted_probs, nn.predict(X)
    nn.fitted_weights = np.zeros_like(nn.fitted_weights)
    nn.predict(X)
    assert not np.array_equal(nn.predicted_probs, before[0])
    np.testing.assert_allclose(nn.predicted_probs, 1 / 3)  # zero weights: uniform softmax


def test_early_stopping_counts_mlrose_attempts():
    settings = _settings("NeuralNetwork", early_stopping=True, max_attempts=0, curve=True)
    w0 = np.random.default_rng(5).uniform(-1, 1, 24)
    theirs, ours = _both("NeuralNetwork", settings, TARGETS["one-hot"], init_weights=w0)
    assert np.shape(ours.fitness_curve) == np.shape(theirs.fitness_curve) == (0,)
    np.testing.assert_allclose(ours.fitted_weights, w0, rtol=1e-6)  # no iteration ran
    settings = {**settings, "max_attempts": 2, "learning_rate": 1e-30}  # no move can improve
    ours = mlrose.NeuralNetwork(**settings).fit(X, TARGETS["one-hot"], init_weights=w0)
    assert np.shape(ours.fitness_curve) == (2, 2)


@pytest.mark.slow
def test_annealing_schedules_are_data_not_program():
    y = TARGETS["label"]
    fit = lambda schedule: mlrose.LogisticRegression(  # noqa: E731
        **_settings("LogisticRegression", "simulated_annealing", bias=False, schedule=schedule)
    ).fit(X, y)
    fit(mlrose.GeomDecay())
    traces = program.trace_counts()
    fit(mlrose.GeomDecay(init_temp=5.0, decay=0.5, min_temp=0.1))
    assert program.trace_counts() == traces
    fit(mlrose.CustomSchedule(lambda t, k: k / (1 + t), k=2.0))
    traces = program.trace_counts()
    fit(mlrose.CustomSchedule(lambda t, k: max(k - t, 0.5), k=3.0))  # plain Python
    fit(ky.GeomDecay(init_temp=2.0))  # any object with evaluate(t)
    assert program.trace_counts() == traces


def test_continuous_targets_work_where_mlrose_ky_fails():
    y = X[:, :3] * [1.0, -2.0, 0.5] + 0.1  # deliberate difference: mlrose-ky's fit raises
    with pytest.raises(ValueError, match="label"):
        ky.LinearRegression(**_settings("LinearRegression")).fit(X, y)
    lin = mlrose.LinearRegression(**_settings("LinearRegression", "gradient_descent",
                                              learning_rate=0.01)).fit(X, y)  # fmt: skip
    assert lin.predict(X).shape == (24, 3) and lin.predicted_probs is None


BAD = [
    ("learning_rate", 0), ("learning_rate", -1.0), ("clip_max", 0), ("max_iters", -1),
    ("max_iters", 2.5), ("max_attempts", -1), ("mutation_prob", 1.5), ("bias", 1),
    ("activation", "softplus"), ("algorithm", "mimic"), ("early_stopping", "yes"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value"), BAD)
def test_bad_arguments_are_refused_by_both_before_any_compilation(name, value):
    for m in _both("NeuralNetwork", _settings("NeuralNetwork", **{name: value}), None, fit=False):
        with pytest.raises(ValueError):
            m.fit(X, TARGETS["one-hot"])


def test_bad_data_are_refused_by_both():
    for m in _both("NeuralNetwork", _settings("NeuralNetwork"), None, fit=False):
        with pytest.raises(ValueError):  # three classes in one column: one sigmoid output
            m.fit(X, np.arange(24) % 3)
        with pytest.raises(ValueError, match="init_weights"):
            m.fit(X, TARGETS["one-hot"], init_weights=np.zeros(5))
    for m in _both("NeuralNetwork", _settings("NeuralNetwork", max_iters=np.inf), None, fit=False):
        with pytest.raises(ValueError):  # np.inf needs early stopping, in both
            m.fit(X, TARGETS["one-hot"])


def test_settings_mean_what_mlrose_means():
    s = mlrose.NeuralNetwork(max_iters=np.inf, early_stopping=True, restarts=2)
    assert search.ALGORITHMS.keys() == set(ALGORITHMS)
    checked = checked_settings(s)
    assert (checked["steps"], checked["population"]) == (search.MAX_ITERS_INF, 3)
    assert checked_settings(s.set_params(early_stopping=False, max_iters=5))[
        "limit"] == search.NO_LIMIT  # fmt: skip
    assert search.genetic_elites(200) == 50 and search.genetic_elites(400) == 99


@pytest.mark.parametrize(("cls", "args"), [
    ("GeomDecay", (10, 0.95, 1)), ("ArithDecay", (10, 0.95, 1)), ("ExpDecay", (10, 0.05, 1)),
    ("GeomDecay", ()), ("ArithDecay", ()), ("ExpDecay", ()), ("GeomDecay", (1.0, 1.0, 0.5)),
])  # fmt: skip
def test_schedules_evaluate_as_mlrose(cls, args):
    ours, theirs = getattr(mlrose, cls)(*args), getattr(ky, cls)(*args)
    for t in (0, 1, 5, 37, 10_000):
        assert ours.evaluate(t) == theirs.evaluate(t) and isinstance(ours.evaluate(t), float)
    assert ours == getattr(mlrose, cls)(*args) and repr(ours).startswith(cls)


@pytest.mark.parametrize("args", [(0, 0.9, 0.1), (1, 0, 0.1), (1, 1.5, 0.1), (1, 0.5, 1),
                                  (1, 0.5, 0), (1, 0.5, 2)])  # fmt: skip
@pytest.mark.parametrize("cls", ["GeomDecay", "ArithDecay"])
def test_schedules_refuse_what_mlrose_refuses_at_construction(cls, args):
    for lib in (ky, mlrose):
        with pytest.raises(ValueError):
            getattr(lib, cls)(*args)


def test_custom_schedule_as_mlrose_and_in_jaxclimbs_annealing():
    import jax.numpy as jnp

    import jaxclimb as jc

    def decay(t, k):
        return k * jnp.exp(-0.1 * t)

    ours, theirs = mlrose.CustomSchedule(decay, k=2.0), ky.CustomSchedule(decay, k=2.0)
    assert ours.evaluate(3) == theirs.evaluate(3) and ours == mlrose.CustomSchedule(decay, k=2.0)
    np.testing.assert_allclose(ours.table(4).temps, 2.0 * np.exp(-0.1 * np.arange(4)), rtol=1e-6)
    sphere = lambda p: -jnp.sum(p**2)  # noqa: E731
    result = jc.run(0, jc.simulated_annealing(sphere, schedule=ours), lambda k: jnp.ones(3),
                    population=2, steps=5, progress=False)  # fmt: skip
    assert np.all(result.best_score >= -3.0)
    with pytest.raises(ValueError, match="temperature"):
        mlrose.CustomSchedule(lambda t: -1.0).table(3)


@pytest.mark.slow
def test_restarts_run_side_by_side_and_keep_the_best():
    y = TARGETS["one-hot"]
    nn = mlrose.NeuralNetwork(**_settings("NeuralNetwork", restarts=3, learning_rate=0.5,
                                          max_iters=20, curve=True)).fit(X, y)  # fmt: skip
    single = mlrose.NeuralNetwork(**_settings("NeuralNetwork", learning_rate=0.5, max_iters=20))
    assert nn.loss <= single.fit(X, y).loss + 1e-12 and nn.fitness_curve.shape == (20, 2)
    assert nn.fitness_curve[-1, 0] == pytest.approx(nn.loss, rel=1e-5)


@pytest.mark.slow
def test_max_iters_inf_runs_until_max_attempts_stop_it():
    settings = _settings("NeuralNetwork", max_iters=np.inf, early_stopping=True,
                         max_attempts=20, learning_rate=0.2, curve=True)  # fmt: skip
    nn = mlrose.NeuralNetwork(**settings).fit(X, TARGETS["one-hot"])
    n = len(nn.fitness_curve)
    assert 20 <= n < search.MAX_ITERS_INF
    assert np.all(nn.fitness_curve[-20:, 0] == nn.fitness_curve[-20, 0])  # 20 failed tries


@pytest.mark.slow
def test_the_mlrose_tutorial_runs_with_only_the_import_changed():
    import runpy
    from pathlib import Path

    path = Path(__file__).parents[2] / "examples" / "mlrose_iris_tutorial.py"
    ns = runpy.run_path(str(path), run_name="__main__")
    assert len(ns["accuracies"]) == 4
    assert all(0 <= a <= 1 for pair in ns["accuracies"].values() for a in pair)
    shapes = {name: curve.shape for name, curve in ns["curves"].items()}
    assert shapes["gradient_descent"][1:] == () and shapes["genetic_alg"][1:] == (2,)
    assert shapes["random_hill_climb"][1:] == shapes["simulated_annealing"][1:] == (2,)


def test_a_numpy_random_state_seeds_the_fit_as_in_mlrose_ky():
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)

    def fit(random_state):
        return mlrose.NeuralNetwork(hidden_nodes=[2], max_iters=20,
                                    random_state=random_state).fit(X, y)  # fmt: skip

    a, b = (fit(np.random.RandomState(1)) for _ in range(2))
    np.testing.assert_array_equal(a.fitted_weights, b.fitted_weights)
    assert np.isfinite(fit(np.random.default_rng(2)).loss)


@pytest.mark.parametrize(("cls", "args"), [
    ("GeomDecay", (10, 0.95, 1)), ("ArithDecay", (10, 0.95, 1)), ("ExpDecay", (10, 0.05, 1)),
    ("GeomDecay", ()), ("ExpDecay", (2.5, np.float64(0.5), 1)),
])  # fmt: skip
def test_schedules_print_and_describe_themselves_as_mlrose_ky(cls, args):
    ours, theirs = getattr(mlrose, cls)(*args), getattr(ky, cls)(*args)
    expected = repr(theirs).replace("np.float64(0.5)", "0.5")  # as f"{x}" shows it
    assert str(ours) == repr(ours) == expected
    for prefix in ("", "test_", "test"):
        assert ours.get_info__(t=5, prefix=prefix) == theirs.get_info__(t=5, prefix=prefix)


def test_custom_schedule_prints_and_refuses_as_mlrose_ky():
    def offset_decay(t, offset):
        return t + offset

    ours, theirs = mlrose.CustomSchedule(offset_decay, offset=10), ky.CustomSchedule(
        offset_decay, offset=10)  # fmt: skip
    assert str(ours) == repr(ours) == str(theirs)
    assert ours.get_info__(t=5, prefix="p_") == theirs.get_info__(t=5, prefix="p_")
    for lib in (mlrose, ky):
        with pytest.raises(TypeError, match="'schedule' must be a function"):
            lib.CustomSchedule(type("NotCallable", (), {}))
