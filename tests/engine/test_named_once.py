"""The objective named once: an algorithm built from an objective carries it, so ``run``
needs no second ``score_fn``; one given explicitly still means what it meant."""

import dataclasses

import numpy as np

import jaxclimb as jc
from jaxclimb.engine.run import named_once


def _problem():
    X = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    net = jc.MLP((3, 4, 1), activation="tanh", output="sigmoid")
    return net, jc.make_score_fn(net, X, y, metric="log_loss")


def test_run_finds_the_objective_in_the_algorithm():
    net, score = _problem()
    once = jc.run(0, jc.hill_climb(score), net.init, population=4, steps=20, progress=False)
    twice = jc.run(0, jc.hill_climb(score), net.init, population=4, steps=20, score_fn=score,
                   progress=False)  # fmt: skip
    np.testing.assert_array_equal(once.best_score, twice.best_score)
    assert once.config["objective"] == twice.config["objective"]
    assert once.config["objective"]["metric"] == "log_loss"
    assert once.forward is net  # predictions need no score_fn either


def test_the_engine_drops_the_carried_objective_and_an_explicit_one_wins():
    _, score = _problem()
    _, other = _problem()
    algorithm = jc.hill_climb(score)
    assert algorithm.traits.objective is score
    assert algorithm.traits == jc.hill_climb(lambda p: 0.0).traits  # one compiled program
    bare, chosen = named_once(algorithm, jc.MLP((3, 4, 1)).init, other)
    assert chosen is other and bare.traits.objective is None
    plain = jc.hill_climb(lambda p: 0.0)
    assert (
        named_once(plain, jc.MLP((3, 4, 1)).init, None)[1] is None
    )  # a plain function: searched, not reported
    kept = dataclasses.replace(algorithm.traits, name="x")
    assert kept.objective is score
