import json

import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

import jaxclimb as jc
from jaxclimb._files import read_npz
from jaxclimb.results import IsACheckpointError


@pytest.fixture(scope="module")
def result(problem_a):
    X_train, _, y_train, _ = problem_a
    net = jc.MLP((5, 3, 1))
    score = jc.make_score_fn(net, X_train, y_train)
    return jc.run(
        0,
        jc.hill_climb(score),
        net.init,
        population=6,
        steps=40,
        score_fn=score,
        progress=False,
        config={"note": "test"},
    )


@pytest.mark.slow
def test_predictions_feed_sklearn_metrics(result, problem_a):
    X_train, X_test, y_train, y_test = problem_a
    i = result.best_index()
    assert accuracy_score(y_train, result.predict(X_train)) == pytest.approx(result.best_score[i])
    per_climber = result.evaluate(X_test, y_test)
    assert per_climber.shape == (6,)
    for c in range(6):
        assert per_climber[c] == pytest.approx(accuracy_score(y_test, result.predict(X_test, c)))


def test_save_load_round_trip(result, tmp_path, problem_a):
    path = result.save(tmp_path / "run")
    assert path.endswith(".npz")
    loaded = jc.load_result(path)
    chex.assert_trees_all_equal(loaded.best_params, result.best_params)
    for name in ("best_score", "history", "history_steps", "n_accepted", "n_evaluations"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(result, name))
    assert loaded.config == result.config and loaded.config["note"] == "test"
    X_test = problem_a[1]
    np.testing.assert_array_equal(loaded.predict(X_test), result.predict(X_test))
    with np.load(path, allow_pickle=False) as data:  # no pickled objects inside
        assert "meta" in data.files


def test_custom_pytree_comes_back_as_leaves_or_through_a_template(tmp_path):
    Params = jax.tree_util.register_pytree_node_class(
        type(
            "Params",
            (),
            {
                "__init__": lambda self, w: setattr(self, "w", w),
                "tree_flatten": lambda self: ((self.w,), None),
                "tree_unflatten": classmethod(lambda cls, aux, ch: cls(*ch)),
            },
        )
    )
    score = lambda p: -jnp.sum((p.w - 1.0) ** 2)  # noqa: E731
    r = jc.run(
        0,
        jc.hill_climb(score),
        lambda k: Params(jnp.zeros(2)),
        population=2,
        steps=5,
        progress=False,
    )
    path = r.save(tmp_path / "custom.npz")
    flat = jc.load_result(path)  # the structure is unknown here: its leaves, in order
    np.testing.assert_array_equal(flat.best_params[0], r.best_params.w)
    assert "train score" in flat.summary()  # a report needs no template either
    loaded = jc.load_result(path, params_like=Params(np.zeros(2)))
    np.testing.assert_array_equal(loaded.best_params.w, r.best_params.w)


def test_summary_names_metric_and_costs(result, problem_a):
    text = result.summary(problem_a[1], problem_a[3])
    assert "train accuracy" in text and "test accuracy" in text and "evaluations" in text


# ------------------------------------------------------- headers checked on load (issue 27)
def _rewrite(path, new_path, change, *, digest=True):
    """A copy of a saved result whose header ``change(meta)`` edited (keeping the digest
    the file had, so that only the digest check can notice; or dropping it)."""
    meta, arrays = read_npz(path, "result")
    change(meta)
    if not digest:
        meta.pop("digest")
    np.savez(new_path, meta=np.array(json.dumps(meta)), **arrays)
    return new_path


def _set_metric(meta, value):
    meta["config"]["objective"]["metric"] = value


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda m: _set_metric(m, "f1"), r"config\.objective\.metric is 'f1'; expected one of"),
        (lambda m: m["config"]["objective"].update(output_kind="odds"), "output_kind is 'odds'"),
        (lambda m: m.update(steps_run="40"), "steps_run is '40'; expected int"),
        (lambda m: m.update(config=[1]), "config is"),
        (lambda m: m["model"].update(layer_sizes=[5, 4, 1]), r"header's model \(layer sizes"),
        (lambda m: m["model"].update(activation="sinc"), "model .* is not a network"),
    ],
)
def test_a_header_that_does_not_hold_is_refused_naming_file_and_field(result, tmp_path, change,
                                                                      match):  # fmt: skip
    path = result.save(tmp_path / "r.npz")
    bad = _rewrite(path, tmp_path / "bad.npz", change, digest=False)  # a file of no digest
    with pytest.raises(ValueError, match=match) as info:
        jc.load_result(bad)
    assert "bad.npz" in str(info.value)


def test_an_edited_header_is_refused_even_when_it_looks_valid(result, tmp_path):
    path = result.save(tmp_path / "r.npz")
    bad = _rewrite(path, tmp_path / "bad.npz", lambda m: m["model"].update(activation="relu"))
    with pytest.raises(ValueError, match=r"bad\.npz.*changed after it was saved"):
        jc.load_result(bad)
    same = _rewrite(path, tmp_path / "same.npz", lambda m: None)  # untouched: loads
    assert jc.load_result(same).config == result.config


def test_a_checkpoint_given_as_a_result_says_so_and_how_to_resume_it(problem_a, tmp_path):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 3, 1))
    score = jc.make_score_fn(net, X, y)
    ck = str(tmp_path / "ck.npz")
    jc.run(0, jc.hill_climb(score), net.init, population=2, steps=10, score_fn=score,
           progress=False, checkpoint=ck)  # fmt: skip
    with pytest.raises(IsACheckpointError, match="is a jaxclimb checkpoint") as info:
        jc.load_result(ck)
    assert isinstance(info.value, ValueError)
    assert "--resume" in str(info.value) and "jaxclimb.resume(" in str(info.value)
    resumed = jc.resume(ck, jc.hill_climb(score), net.init, progress=False)  # as it says
    assert jc.load_result(resumed.save(tmp_path / "r.npz")).steps_run == 10


# ------------------------------------------------------ results name their algorithm (27)
@pytest.mark.parametrize("name", ["hill-climb", "annealing", "genetic", "gradient", "es"])
def test_every_algorithm_carries_its_name(name):
    score = jc.make_score_fn(jc.MLP((2, 1)), np.zeros((4, 2)), np.zeros(4, int), metric="log_loss")
    factory = jc.algorithms.REGISTRY[name]
    options = {"init_params": jc.MLP((2, 1)).init} if name == "genetic" else {}
    assert factory(score, **options).traits.name == name
    assert jc.algorithms.make(name, score, jc.MLP((2, 1)).init).traits.name == name


def test_results_are_labelled_with_the_algorithm_that_made_them(result, tmp_path):
    assert result.config["algorithm"] == "hill-climb"
    assert jc.load_result(result.save(tmp_path / "r.npz")).config["algorithm"] == "hill-climb"
    score = lambda p: -jnp.sum(p**2)  # noqa: E731
    init = lambda k: jnp.ones(2)  # noqa: E731
    mine = jc.run(0, jc.hill_climb(score), init, population=2, steps=2, progress=False,
                  config={"algorithm": "mine"})  # fmt: skip
    assert mine.config["algorithm"] == "mine"  # the caller's label wins


def test_the_algorithm_name_changes_no_fingerprint_and_no_program():
    score = lambda p: -jnp.sum(p**2)  # noqa: E731
    a = jc.hill_climb(score)
    b = a._replace(traits=jc.Traits(name="other"))
    assert a == b and hash(a.traits) == hash(b.traits) and repr(a.traits) == repr(b.traits)
