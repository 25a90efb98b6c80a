"""Bad input at every public entry point: a one-line error naming the argument, raised
before anything is compiled (the cases not already covered beside their features)."""

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
