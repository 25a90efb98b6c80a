import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

import jaxclimb as jc


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
