"""Defaults that choose: the search picked from the network's size, the objective's
smoothness and the budget; recorded and printed; an explicit algorithm always wins."""

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms.defaults import (
    RETURN_STEP_SIZE,
    choose_search,
    es_population,
    planned_evaluations,
)


@pytest.mark.parametrize(
    ("n", "budget", "smooth", "algorithm", "population"),
    [
        (19, 64_000, False, "hill-climb", 64),  # a small network: the climber
        (2410, 200_000, True, "hill-climb", 4),  # smooth: the tuned climber
        (513, 200_000, False, "snes", 1),  # plateaus, hundreds of weights: one SNES run
        (2410, 200_000, False, "es", 1),  # thousands: one ES run, population from the size
        (2410, 5_000, False, "es", 1),  # too few evaluations: a smaller ES population
    ],
)
def test_the_choice_follows_size_smoothness_and_budget(n, budget, smooth, algorithm, population):
    chosen = choose_search(n, budget, smooth=smooth)
    assert chosen.algorithm == algorithm and chosen.population == population
    per_step = chosen.options.get("pop_size", 0) + 1
    assert chosen.population * (1 + chosen.steps * per_step) <= budget
    assert f"{n:,} weights" in chosen.reason and chosen.algorithm in chosen.describe()


def test_a_small_budget_shrinks_the_population_and_says_so():
    chosen = choose_search(2410, 5_000, smooth=False)
    assert chosen.options["pop_size"] < es_population(2410) and chosen.steps >= 50
    assert "too few" in chosen.reason and f"{chosen.options['pop_size']} samples" in chosen.reason
    assert chosen.options["pop_size"] % 2 == 0  # antithetic pairs


def _returns():
    env = jc.CartPole(max_steps_in_episode=20)
    net = jc.MLP((4, 8, 1), activation="tanh", output="tanh")
    return net, jc.rollout_objective(env.step, env.reset, net, episodes=2)


def test_a_return_declares_itself_and_gets_snes():
    _, f = _returns()
    chosen = choose_search(1249, 16_384, objective=f)
    assert chosen.algorithm == "snes" and chosen.population == 1 and "noisy" in chosen.reason
    assert chosen.options["step_size"] == RETURN_STEP_SIZE
    assert chosen.options["evaluate_mean"] is False  # the run chooses the mean afterwards
    assert choose_search(50, 16_384, objective=f).algorithm == "snes"  # whatever the size
    with pytest.raises(TypeError, match="smooth"):
        choose_search(100, 1000)


@pytest.mark.parametrize("budget", [60, 300, 1_000, 5_000, 16_384, 64_000, 200_000])
@pytest.mark.parametrize("n", [19, 150, 1249, 2410])
@pytest.mark.parametrize("kind", ["smooth", "plateau", "keyed-smooth", "keyed-plateau", "return"])
def test_the_planned_evaluations_never_exceed_the_budget(budget, n, kind):
    from jaxclimb.evaluation.traits import ObjectiveTraits

    keyed = kind != "smooth" and kind != "plateau"
    objective = type("Declared", (), {"traits": ObjectiveTraits(
        noisy=kind == "return", plateau_rich="plateau" in kind or kind == "return", keyed=keyed
    )})()  # fmt: skip
    chosen = choose_search(n, budget, objective=objective)
    per_step = chosen.options.get("pop_size", 0) + chosen.options.get("evaluate_mean", True)
    rescored = chosen.algorithm == "hill-climb"  # SNES and ES are not re-scored each step
    spent = planned_evaluations(chosen.population, chosen.steps, per_step, keyed=keyed,
                                rescored=rescored)  # fmt: skip
    assert 0 < spent <= budget and chosen.steps >= 1
    if kind == "return":
        assert chosen.algorithm == "snes"


@pytest.mark.parametrize("budget", [300, 5_000, 64_000, 200_000])
@pytest.mark.parametrize("nodes", [False, True])
@pytest.mark.parametrize("keyed", [False, True])
def test_a_large_networks_planned_evaluations_never_exceed_the_budget(budget, nodes, keyed):
    from jaxclimb.evaluation.traits import ObjectiveTraits

    objective = type("Declared", (), {"traits": ObjectiveTraits(
        noisy=False, plateau_rich=False, keyed=keyed)})()  # fmt: skip
    chosen = choose_search(50_890, budget, objective=objective, nodes=nodes)
    assert chosen.algorithm == ("node-perturbation" if nodes else "es")
    per_step = chosen.options["pop_size"] + 1  # the members and the moved mean
    spent = planned_evaluations(chosen.population, chosen.steps, per_step, keyed=keyed,
                                rescored=False)  # fmt: skip
    assert 0 < spent <= budget and chosen.steps >= 1


@pytest.mark.slow  # two small runs: ~10 s on 2 loaded cores
@pytest.mark.parametrize("budget", [400, 3_000])
def test_the_engine_spends_what_the_planner_counted(budget):
    net, f = _returns()
    chosen = choose_search(net.n_weights, budget, objective=f)
    algo = jc.algorithms.make(chosen.algorithm, f, net.init, **chosen.options)
    r = jc.run(0, algo, net.init, population=chosen.population, steps=chosen.steps, score_fn=f,
               progress=False)  # fmt: skip
    per_step = chosen.options["pop_size"] + chosen.options.get("evaluate_mean", True)
    planned = planned_evaluations(chosen.population, chosen.steps, per_step, keyed=True,
                                  rescored=False)  # fmt: skip
    chunks = -(-chosen.steps // min(chosen.steps, 100))
    # the engine counts the start and every step; the fixed-episode re-scores are the rest
    assert r.n_evaluations.sum() + chosen.population * (1 + chunks) == planned <= budget


def test_es_population_scales_with_the_weights():
    sizes = [es_population(n) for n in (100, 513, 2410, 10_000, 10**6)]
    assert sizes == sorted(sizes) and sizes[0] == 64 and sizes[2] == 256 and sizes[-1] == 512


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 12)).astype(np.float32)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.mark.slow  # over 10 s: run by .ci/run after README's command
def test_the_estimator_records_its_choice_and_an_explicit_algorithm_wins():
    X, y = _data()
    auto = jc.ClimbingClassifier(hidden_layer_sizes=(16,), activation="step", budget=6000,
                                 random_state=0).fit(X, y)  # fmt: skip
    assert auto.search_["algorithm"] == "snes" and auto.search_["population"] == 1
    assert auto.result_.config["search"] == auto.search_
    assert auto.result_.n_evaluations.sum() <= 6000 + 1
    smooth = jc.ClimbingClassifier(hidden_layer_sizes=(16,), budget=6000, random_state=0).fit(X, y)
    assert smooth.search_["algorithm"] == "hill-climb" and "smooth" in smooth.search_["reason"]
    given = jc.ClimbingClassifier(hidden_layer_sizes=(16,), activation="step", budget=6000,
                                  algorithm="hill-climb", random_state=0).fit(X, y)  # fmt: skip
    assert given.search_ == {"algorithm": "hill-climb", "reason": "given"}


@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
def test_the_cli_prints_its_choice_and_keeps_an_explicit_one(capsys):
    from jaxclimb.cli import main

    base = ["run", "--budget", "20000", "--hidden", "16", "--activation", "step", "--quiet"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "search chosen for the budget: snes" in out and "plateau-rich" in out
    assert main([*base, "--algorithm", "hill-climb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"jaxclimb {jc.__version__}: hill-climb") and "chosen for" not in out
