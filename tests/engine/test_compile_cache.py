"""One rule for static and dynamic hyperparameters: a refit of any registered algorithm
with the same settings on same-shaped data compiles nothing (trace counter), and numbers
such as step sizes and temperatures are data, not program."""

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms import REGISTRY, make
from jaxclimb.engine import program

SETTINGS = {
    "hill-climb": [{"step_size": 0.2, "n_candidates": 2, "adaptive": True}, {"restarts": 1}],
    "annealing": [{"schedule": "exponential", "decay": 0.01}, {"schedule": jc.ArithDecay()}],
    "genetic": [{"pop_size": 6, "selection": "truncation"}],
    "gradient": [{"optimizer": "sgd"}, {"optimizer": "adam"}],
    "es": [{"pop_size": 4, "sigma_decay": 0.9, "optimizer": "sgd", "restarts": 1}],
    "snes": [{"sigma_learning_rate": 0.1}, {"pop_size": 6, "restarts": 1}],
    "node-perturbation": [{"pop_size": 4}, {"optimizer": "sgd", "learning_rate": 0.1}],
}


def _fit(X, y, name, options, seed=0):
    net = jc.MLP((X.shape[1], 3, 1), activation="tanh", init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss")
    if "restarts" in options:
        options = {**options, "round_steps": 5}
    algorithm = make(name, score, net.init, **options)
    return jc.run(seed, algorithm, net.init, population=3, steps=12, score_fn=score,
                  progress=False)  # fmt: skip


def test_the_settings_cover_the_whole_registry():
    assert set(SETTINGS) == set(REGISTRY)


@pytest.mark.parametrize(
    ("name", "options"),
    [  # each algorithm's first settings here, the others in the slow run
        (n, o) if i == 0 else pytest.param(n, o, marks=pytest.mark.slow)
        for n, options in SETTINGS.items()
        for i, o in enumerate(options)
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v)),
)
def test_a_refit_with_the_same_settings_compiles_nothing(name, options):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    first = _fit(X, y, name, options)
    traces = program.trace_counts()
    X2 = rng.normal(size=(40, 4)).astype(np.float32)  # new data, same shapes
    again = _fit(X2, (X2[:, 1] > 0).astype(int), name, dict(options), seed=1)
    assert program.trace_counts() == traces
    assert again.compile_seconds == 0.0 and first.best_score.shape == again.best_score.shape


@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
def test_numbers_are_data_and_choices_are_program():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    _fit(X, y, "annealing", {"schedule": jc.GeomDecay(init_temp=2.0, decay=0.9)})
    traces = program.trace_counts()
    hotter = {"schedule": jc.GeomDecay(init_temp=5.0, decay=0.5), "step_size": 0.3}
    _fit(X, y, "annealing", hotter)
    assert program.trace_counts() == traces  # other temperatures and step: same program
    _fit(X, y, "annealing", {"mutation": "neighbour"})
    assert program.trace_counts() != traces  # another kind of move: another program


def test_an_unhashable_static_setting_is_refused_with_its_name():
    from jaxclimb.algorithms.base import bind

    with pytest.raises(TypeError, match="static setting 'kind' must be hashable"):
        bind(lambda score, key, state, kind: None, lambda p: 0.0, kind=["gaussian"])


@pytest.mark.parametrize(
    "algorithm",
    [a if a == "hill-climb" else pytest.param(a, marks=pytest.mark.slow) for a in sorted(REGISTRY)],
)
def test_an_estimator_refit_compiles_nothing(algorithm):
    X = np.random.default_rng(2).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    params = {"objective": "log_loss"} if algorithm == "gradient" else {}
    clf = jc.ClimbingClassifier(hidden_layer_sizes=(2,), algorithm=algorithm,
                                population_size=2, max_steps=10, random_state=0,
                                algorithm_params={"pop_size": 4}
                                if algorithm in ("genetic", "es", "snes") else None,
                                **params)  # fmt: skip
    clf.fit(X, y)
    traces = program.trace_counts()
    clf.fit(X, y)
    assert program.trace_counts() == traces and clf.result_.compile_seconds == 0.0


@pytest.mark.slow
def test_fits_in_threads_share_the_cache_and_match_fits_in_turn():
    """scikit-learn's threading backend (GridSearchCV(n_jobs=2) inside
    ``joblib.parallel_config(backend="threading")``): fits at once in two threads equal the
    same fits one after the other, and the second configuration compiles nothing new."""
    import concurrent.futures

    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    program.clear_cache()
    in_turn = [_fit(X, y, "hill-climb", {"step_size": s}, seed=int(s > 0.2)) for s in (0.1, 0.3)]
    program.clear_cache()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(_fit, X, y, "hill-climb", {"step_size": s}, int(s > 0.2))
            for s in (0.1, 0.3)
        ]
        at_once = [job.result() for job in jobs]
    assert sum(r.compile_seconds == 0 for r in at_once) >= 1  # one compiled, one reused
    for a, b in zip(in_turn, at_once, strict=True):
        np.testing.assert_array_equal(a.history, b.history)
        np.testing.assert_array_equal(a.best_score, b.best_score)
