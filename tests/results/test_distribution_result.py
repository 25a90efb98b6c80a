"""A distribution search's final mean (and sigma) in its result, saved and loaded, and its
solution chosen between the best sample and the mean on fresh episodes (issue 35)."""

import jax
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.engine.selection import choose_solution, selection_score


def _rollout():
    env = jc.CartPole(max_steps_in_episode=30)
    net = jc.MLP((4, 6, 1), activation="tanh", output="tanh", init="glorot")
    return net, jc.rollout_objective(env.step, env.reset, net, episodes=2)


@pytest.mark.slow  # one rollout search and its selection: ~10 s on 2 loaded cores
def test_the_mean_is_kept_chosen_on_fresh_episodes_saved_and_loaded(tmp_path):
    net, f = _rollout()
    r = jc.run(1, jc.snes(f, pop_size=6, step_size=0.3), net.init, population=2, steps=5,
               score_fn=f, progress=False, selection_episodes=8)  # fmt: skip
    assert r.final_sigma.shape == (2, net.n_weights)
    for m, b in zip(jax.tree.leaves(r.final_params), jax.tree.leaves(r.best_params), strict=True):
        assert m.shape == b.shape
    sel = r.config["selection"]
    score = jax.vmap(selection_score(f, 8))
    np.testing.assert_allclose(sel["mean"], score(r.final_params), rtol=1e-5)
    np.testing.assert_allclose(sel["best"], score(r.best_params), rtol=1e-5)
    i = r.config["chosen"]
    assert i == int(np.argmax(np.maximum(sel["best"], sel["mean"])))
    want = r.final_params if r.config["chosen_from"][i] == "mean" else r.best_params
    for got, w in zip(jax.tree.leaves(r.best()), jax.tree.leaves(want), strict=True):
        np.testing.assert_array_equal(got, w[i])
    r.config["chosen_from"] = ["mean", "mean"]  # the mean is selectable
    for got, w in zip(jax.tree.leaves(r.best()), jax.tree.leaves(r.final_params), strict=True):
        np.testing.assert_array_equal(got, w[i])
    back = jc.SearchResult.load(r.save(tmp_path / "r.npz"), forward=net)
    np.testing.assert_array_equal(back.final_sigma, r.final_sigma)
    for a, b in zip(jax.tree.leaves(back.final_params), jax.tree.leaves(r.final_params),
                    strict=True):  # fmt: skip
        np.testing.assert_array_equal(a, b)
    assert back.config["chosen_from"] == ["mean", "mean"]


@pytest.mark.slow  # a small run: ~7 s on 2 loaded cores
def test_a_climber_has_no_mean_and_nothing_is_chosen():
    X = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    net = jc.MLP((2, 1), output="step")
    score = jc.make_score_fn(net, X, (X[:, 0] > 0).astype(int))
    r = jc.run(0, jc.hill_climb(score), net.init, population=2, steps=3, score_fn=score,
               progress=False)  # fmt: skip
    assert r.final_params is None and r.final_sigma is None and "chosen_from" not in r.config
    assert choose_solution(r, score, 8) is r
    with pytest.raises(ValueError, match="selection_episodes"):
        jc.run(0, jc.hill_climb(score), net.init, population=2, steps=3, score_fn=score,
               progress=False, selection_episodes=-1)  # fmt: skip


@pytest.mark.parametrize("algorithm", ["es", pytest.param("snes", marks=pytest.mark.slow)])
def test_a_minibatch_distribution_search_keeps_its_result_without_episodes(algorithm):
    """A keyed objective that draws rows (minibatches), not episodes: the run finishes and
    no solution is chosen on fresh episodes (its best already follows the mean)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    clf = jc.ClimbingClassifier(hidden_layer_sizes=(3,), algorithm=algorithm, batch_size=32,
                                budget=600, random_state=0).fit(X, y)  # fmt: skip
    assert "selection" not in clf.result_.config
    assert np.isfinite(clf.result_.best_score).all() and clf.score(X, y) > 0.5
