"""The one search planner: the command line and the estimators plan through it, and for
the same network, objective and budget they choose the same search."""

import pytest

import jaxclimb as jc
from jaxclimb.algorithms import planner
from jaxclimb.cli import main
from jaxclimb.estimators import base

PLAN_SEARCH = planner.plan_search


class _Planned(Exception):
    """Raised once the search is planned: nothing is compiled or run."""


def _recorded(monkeypatch, where):
    plans = []

    def record(*args, **kwargs):
        plans.append(PLAN_SEARCH(*args, **kwargs))
        raise _Planned

    monkeypatch.setattr(where, "plan_search", record)
    return plans


def _chosen(plan):
    choice = plan.choice
    return plan.name, plan.population, plan.steps, plan.reason, choice and choice.options


@pytest.mark.parametrize(
    ("flags", "estimator"),
    [
        (["--metric", "log_loss"], {}),  # smooth: the hill climber, scaled with the budget
        ([], {"objective": "accuracy"}),  # plateau-rich: one SNES run
    ],
)
def test_the_cli_and_the_estimators_choose_the_same_search(monkeypatch, flags, estimator):
    cli_plans = _recorded(monkeypatch, planner)
    with pytest.raises(_Planned):
        main(["run", "--budget", "50000", "--hidden", "16", "--activation", "tanh", *flags])
    fit_plans = _recorded(monkeypatch, base)
    X_train, _, y_train, _ = jc.datasets.problem_a()
    model = jc.ClimbingClassifier(budget=50_000, hidden_layer_sizes=(16,), activation="tanh",
                                  **estimator)  # fmt: skip
    with pytest.raises(_Planned):
        model.fit(X_train, y_train)
    (cli,), (fit,) = cli_plans, fit_plans
    assert _chosen(cli) == _chosen(fit)
    assert cli.name == ("hill-climb" if flags else "snes")
    assert cli.population * cli.steps * cli.algorithm.traits.evaluations_per_step <= 50_000


def test_a_named_algorithm_is_kept_and_the_budget_split():
    net = jc.MLP((4, 8, 3), activation="tanh", output="softmax")
    plan = planner.plan_search(net, lambda name: (lambda p: 0.0), metric="accuracy",
                               budget=10_000, algorithm="genetic", population=50)  # fmt: skip
    assert (plan.name, plan.population, plan.reason, plan.choice) == ("genetic", 50, "given", None)
    assert plan.steps == 10_000 // (50 * plan.algorithm.traits.evaluations_per_step)


def test_restarts_share_the_steps_in_rounds():
    net = jc.MLP((4, 8, 1), activation="tanh", output="sigmoid")
    score = lambda name: lambda p: 0.0  # noqa: E731
    kept = planner.plan_search(net, score, metric="log_loss", budget=None, algorithm="hill-climb",
                               options={"restarts": 2}, steps=1000)  # fmt: skip
    assert (kept.steps, kept.options["round_steps"]) == (1000, 333)
    whole = planner.plan_search(
        net,
        score,
        metric="log_loss",
        budget=None,
        steps=1000,
        algorithm="hill-climb",
        options={"restarts": 2},
        whole_rounds=True,
    )
    assert (whole.steps, whole.options["round_steps"]) == (999, 333)


@pytest.mark.parametrize(
    ("metric", "activation", "smooth"),
    [("log_loss", "tanh", True), ("accuracy", "tanh", False), ("mse", ("tanh", "step"), False)],
)
def test_smoothness_is_the_metric_and_the_transfers(metric, activation, smooth):
    net = jc.MLP((2, 3, 3, 1), activation=activation, output="identity")
    assert planner.is_smooth(metric, net) is smooth
