"""Defaults that choose: the search picked from the network's size, the objective's
smoothness and the budget; recorded and printed; an explicit algorithm always wins."""

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms.defaults import choose_search, es_population


@pytest.mark.parametrize(
    ("n", "budget", "smooth", "algorithm", "population"),
    [
        (19, 64_000, False, "hill-climb", 64),  # a small network: the climber
        (2410, 200_000, True, "hill-climb", 4),  # smooth: the tuned climber
        (513, 200_000, False, "snes", 1),  # plateaus, hundreds of weights: one SNES run
        (2410, 200_000, False, "es", 1),  # thousands: one ES run, population from the size
        (2410, 5_000, False, "hill-climb", 4),  # too few evaluations for an ES run
    ],
)
def test_the_choice_follows_size_smoothness_and_budget(n, budget, smooth, algorithm, population):
    chosen = choose_search(n, budget, smooth=smooth)
    assert chosen.algorithm == algorithm and chosen.population == population
    per_step = chosen.options.get("pop_size", 0) + 1
    assert chosen.population * chosen.steps * per_step <= budget
    assert f"{n:,} weights" in chosen.reason and chosen.algorithm in chosen.describe()


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
