"""Bad input at every public entry point: a one-line error naming the argument, raised
before anything is compiled (the cases not already covered beside their features)."""

import re

import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import main


def sphere(p):
    return -jnp.sum(p["w"] ** 2)


def start(key):
    return {"w": jnp.zeros(3)}


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: jc.genetic(sphere, pop_size=1), "pop_size"),
        (lambda: jc.genetic(sphere, selection="roulette"), "selection"),
        (lambda: jc.genetic(sphere, crossover="two-point"), "crossover"),
        (lambda: jc.genetic(sphere, mutation_prob=1.5), "mutation_prob"),
        (lambda: jc.genetic(sphere, pop_size=4, n_elites=4), "n_elites"),
        (lambda: jc.genetic(sphere, truncation=0.0), "truncation"),
        (lambda: jc.gradient_descent(sphere, optimizer="lbfgs"), "optimizer"),
        (lambda: jc.gradient_descent(sphere, step_size=0), "step_size"),
        (lambda: jc.simulated_annealing(sphere, init_temp=-1), "init_temp"),
        (lambda: jc.simulated_annealing(sphere, schedule="fast"), "schedule"),
        (lambda: jc.hill_climb(sphere, n_candidates=0), "n_candidates"),
        (lambda: jc.hill_climb(sphere, clip_max=0), "clip_max"),
        (lambda: jc.hill_climb(sphere, mutation="swap"), "mutation"),
        (lambda: jc.hill_climb("not a function"), "score_fn"),
        (lambda: jc.with_restarts(jc.hill_climb(sphere), start), "patience"),
        (lambda: jc.with_restarts(jc.hill_climb(sphere), start, patience=0), "patience"),
        (lambda: jc.with_restarts(sphere, start, patience=3), "algorithm"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, checkpoint_every=0), "checkpoint_every"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, callback=3), "callback"),
        (lambda: jc.run(0, "hill-climb", start), "algorithm"),
        (lambda: jc.run(0, jc.hill_climb(sphere), {"w": 1}), "init_params"),
        (lambda: jc.run(jax_key_array(), jc.hill_climb(sphere), start), "single key"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, devices=2), "devices must be a list"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, devices="cpu"), "devices must be"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, devices=["cpu"]), "jax devices"),
        (lambda: jc.run(0, jc.hill_climb(sphere), start, devices=[]), "at least one device"),
    ],
)
def test_library_entry_points(build, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build()


def test_restarts_of_a_genetic_algorithm_are_refused():
    ga = jc.genetic(sphere, init_params=start, pop_size=4)
    with pytest.raises(ValueError, match="genetic"):
        jc.run(0, jc.with_restarts(ga, start, patience=3), start, progress=False)


def jax_key_array():
    import jax

    return jax.random.split(jax.random.key(0), 2)


@pytest.mark.parametrize(
    ("forward", "match"),
    [
        (lambda p, X: jnp.ones(1), "n_samples"),  # broadcasts silently if unchecked
        (lambda p, X: jnp.ones((X.shape[0], 1, 1)), "n_samples"),
        (lambda p, X: (X @ p["w"]).astype(jnp.int32), "floats"),
    ],
)
def test_user_forward_with_wrong_output_is_reported_up_front(forward, match):
    X = np.ones((10, 3), np.float32)
    score = jc.make_score_fn(forward, X, np.zeros(10, int), output_kind="logit")
    with pytest.raises((ValueError, TypeError), match=match):
        jc.run(0, jc.hill_climb(score), start, progress=False)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.full((20, 2), np.nan), np.tile([0, 1], 10), "NaN"),
        (np.ones((20, 2)), np.tile([0, 1], 9), "inconsistent"),
        (np.ones((0, 2)), np.zeros(0), "0 sample"),
        (np.ones(20), np.tile([0, 1], 10), "2D"),
    ],
)
def test_estimator_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        jc.ClimbingClassifier(population_size=2, max_steps=2).fit(X, y)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--algorithm", "genetic", "--pop-size", "1"], "pop_size"),
        (["--algorithm", "annealing", "--init-temp", "0"], "init_temp"),
        (["--restarts", "-1"], "--restarts"),
        (["--out", "/no/such/folder/r.npz"], "--out"),
        (["--checkpoint", "/no/such/folder/c.npz"], "--checkpoint"),
        (["--devices", "0"], "--devices"),
        (["--hidden", "0"], "layer sizes"),
        (["--mutate-fraction", "2"], "mutate_fraction"),
    ],
)
def test_cli_one_line_errors(argv, match, capsys):
    try:
        code = main(["run", "--quiet", "--steps", "2", "--population", "2", *argv])
    except SystemExit as exc:  # argparse's own errors (type conversion) exit with 2
        code = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and match in err[-1] and "Traceback" not in "\n".join(err)


def test_cli_continuous_target_with_a_classification_metric(tmp_path, capsys):
    rng = np.random.default_rng(0)
    path = tmp_path / "reg.csv"
    rows = ["a,b,y"] + [f"{a},{b},{a * 2.5 + b}" for a, b in rng.normal(size=(50, 2))]
    path.write_text("\n".join(rows))
    argv = ["run", "--data", str(path), "--target", "y", "--quiet", "--steps", "2"]
    assert main([*argv, "--metric", "accuracy"]) == 2  # without --metric: r2 (issue 27)
    assert "continuous" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"activation": None}, "activation must be a name or a sequence of names"),
        ({"hidden_layer_sizes": "10"}, "hidden_layer_sizes must be an int or a sequence"),
    ],
)
def test_estimator_names_a_wrong_kind_of_layer_setting(params, match):
    X = np.zeros((6, 2))
    with pytest.raises(TypeError, match=match):
        jc.ClimbingClassifier(**params).fit(X, [0, 1] * 3)


@pytest.mark.parametrize("returned", [lambda s: (s, 1.0), lambda s: None])
def test_an_objective_returning_no_array_is_named_before_compiling(returned):
    score = lambda p: returned(jnp.sum(p["w"]))  # noqa: E731
    with pytest.raises(ValueError, match="must return a floating scalar per climber; got"):
        jc.run(0, jc.hill_climb(score), lambda k: {"w": jnp.ones(2)}, population=2, steps=2,
               progress=False)  # fmt: skip


# ------------------------------------------------------------------ issue 27: inputs
def test_pandas_nullable_columns_are_converted_as_scikit_learn_does():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(20, 2)), columns=["size", "price"]).astype("Float64")
    y = pd.Series(np.arange(20) % 2, dtype="Int64")
    net = jc.MLP((2, 1))
    score = jc.make_score_fn(net, X, y)  # no NA: converted, as check_array converts it
    np.testing.assert_array_equal(np.asarray(score.X), X.to_numpy(dtype=np.float32))
    X.iloc[3, 1] = pd.NA
    with pytest.raises(ValueError, match=r"X contains 1 value\(s\) NaN .* column 1 \('price'\)"):
        jc.make_score_fn(net, X, y)
    y = y.astype("Float64")
    y.iloc[0] = pd.NA
    with pytest.raises(ValueError, match="y contains NaN"):
        jc.make_score_fn(net, X.fillna(0.0), y)


def test_a_sparse_matrix_is_refused_with_the_conversion_to_use():
    sparse = pytest.importorskip("scipy.sparse")
    X = sparse.csr_matrix(np.eye(6, 2))
    with pytest.raises(TypeError, match=r"X is a SciPy sparse matrix .*X\.toarray\(\)"):
        jc.make_score_fn(jc.MLP((2, 1)), X, np.arange(6) % 2)
    with pytest.raises(TypeError, match=r"toarray\(\)"):  # as MLPClassifier's check_array
        jc.ClimbingClassifier().fit(X, np.arange(6) % 2)


def test_init_params_of_changing_structure_is_named_before_compiling():
    calls = []

    def init(key):
        calls.append(key)
        w = jnp.zeros(3)
        return {"w": w} if len(calls) % 2 else [w]

    with pytest.raises(ValueError, match="init_params must return weights of one structure"):
        jc.run(0, jc.hill_climb(lambda p: -jnp.sum(jax_leaf(p) ** 2)), init, progress=False)


def jax_leaf(p):
    return p["w"] if isinstance(p, dict) else p[0]


def test_the_memory_estimate_counts_activations(monkeypatch):
    """A network too wide for its activations (10,000 rows x 10^7 units: 400 GB) whose
    weights alone fit (about 1 GB) is refused before compiling, not after."""
    from jaxclimb.engine.session import Session

    def never(*args, **kwargs):
        raise AssertionError("compiled a run that cannot fit")

    monkeypatch.setattr(Session, "compile", never)
    net = jc.MLP((2, 10_000_000, 1))
    score = jc.make_score_fn(net, np.zeros((10_000, 2), np.float32), np.zeros(10_000, int))
    with pytest.raises(ValueError, match=r"GiB for the activations") as info:
        jc.run(0, jc.hill_climb(score), net.init, population=1, steps=2, score_fn=score,
               progress=False)  # fmt: skip
    assert re.search(r"\((0\.9|1\.0) GiB for the climbers' states", str(info.value))


@pytest.mark.parametrize(("verbose", "error"), [("yes", TypeError), (1.5, TypeError),
                                                (-1, ValueError)])  # fmt: skip
def test_estimator_verbose_must_be_a_level(verbose, error, small_binary):
    X, y = small_binary
    with pytest.raises(error, match="verbose must be"):
        jc.ClimbingClassifier(verbose=verbose, budget=100).fit(X, y)


def test_huge_regression_targets_are_standardised_without_overflow():
    from jaxclimb.estimators.models import standardisation

    y = np.array([[1.0], [1e300], [-1.5e300], [3.0]])
    with np.errstate(over="raise"):
        mean, std = standardisation(y)
    scaled = y / 1e300  # the same numbers at a scale where float64 has room
    np.testing.assert_allclose(mean, scaled.mean(axis=0) * 1e300)
    np.testing.assert_allclose(std, scaled.std(axis=0) * 1e300)
    assert np.all(std > 0)  # not "constant"


@pytest.mark.slow
def test_a_regression_target_near_float64_limits_is_fitted_not_called_constant(small_binary):
    X, _ = small_binary
    y = 1e300 * (X[:, 0] + 0.5 * X[:, 1]).astype(np.float64)
    reg = jc.ClimbingRegressor(budget=4_000, random_state=0).fit(X, y)
    prediction = reg.predict(X)
    assert (
        np.all(np.isfinite(prediction)) and np.corrcoef(prediction / 1e300, y / 1e300)[0, 1] > 0.5
    )


def test_errors_show_numpy_numbers_as_numbers():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"got 1 class \(1\)$"):
        jc.ClimbingClassifier().fit(X, np.ones(4, np.int64))
    with pytest.raises(TypeError, match=r"got float64 2\.5$"):
        jc.hill_climb(sphere, n_candidates=np.float64(2.5))
