"""The one search planner: a network, an objective, a budget and the user's explicit choices
in; the algorithm, its climbers, their steps and the reason out.

The command line (``jaxclimb run``) and the estimators both plan here, on the rule table of
``jaxclimb.algorithms.defaults`` (``choose_search``
picks a search for the network and budget, :func:`~jaxclimb.algorithms.defaults.plan`
splits the budget); what the user gave is kept.

Example:
    >>> import jax.numpy as jnp
    >>> from jaxclimb.networks import MLP
    >>> net = MLP((5, 10, 1), activation="tanh", output="sigmoid")
    >>> score = lambda params: -jnp.sum(params[0]["w"] ** 2)
    >>> searched = plan_search(net, lambda name: score, metric="log_loss", budget=64_000)
    >>> searched.name, searched.population, searched.steps
    ('hill-climb', 32, 2000)
    >>> searched.reason
    'smooth objective, 71 weights'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ..evaluation.nodes import ROW_METRICS
from ..evaluation.traits import declared
from ..networks import MLP
from .base import Algorithm
from .build import RESTART_OPTIONS, make
from .defaults import SearchChoice, choose_search, plan, scaled_options, steps_within

UNBUDGETED = (256, 1000)
"""Climbers and steps of a search with no budget and neither given (the tutorial's)."""


def is_smooth(metric: str, net) -> bool:
    """Whether ``metric`` of network ``net`` changes smoothly with the weights: not accuracy,
    and no step transfer (their plateaus give a single-point climber nothing to follow)."""
    activation = net.activation
    transfers = {net.output, *([activation] if isinstance(activation, str) else activation)}
    return metric != "accuracy" and "step" not in transfers


@dataclasses.dataclass(frozen=True)
class SearchPlan:
    """What :func:`plan_search` decided: the built algorithm, its registry name, the
    climbers, their steps, the options it was built with, and why.

    ``choice`` is what ``choose_search`` picked when the
    algorithm was left to it (None when the user named one)."""

    algorithm: Algorithm
    name: str
    population: int
    steps: int
    options: dict
    reason: str
    choice: SearchChoice | None = None


def plan_search(
    net,
    objective: Callable[[str], Any],
    *,
    metric: str,
    budget: int | None,
    algorithm: str | None = None,
    options: dict | None = None,
    population: int | None = None,
    steps: int | None = None,
    step_size: float = 0.1,
    scaled: bool = False,
    climber_only: str | None = None,
    rounds_of: int | None = None,
    whole_rounds: bool = False,
) -> SearchPlan:
    """Plan a search of ``net`` (its ``init`` starts the climbers).

    Args:
        net: the network (:class:`~jaxclimb.networks.MLP`); its weights size the search.
        objective: the objective for an algorithm's registry name, called once the name is
            known and before anything is built (most callers: ``lambda name: score``).
        metric: the metric searched; with the transfers it says whether the objective is
            smooth (``is_smooth``).
        budget: evaluations after the start; None: ``population`` and ``steps`` as given,
            else ``UNBUDGETED``.
        algorithm: a registry name, or None / ``"auto"``: chosen for the network and budget.
        options: the options the user gave (they win over every default).
        population, steps: as given (None: from the budget).
        step_size: the step size of a climber or of the distribution.
        scaled: add the scaled defaults (``scaled_options``).
        climber_only: a reason the search must be a climber (a climber's option given): a
            distribution search chosen is replaced by the hill climber.
        rounds_of: the steps ``restarts`` share, ``restarts + 1`` rounds (default: ``steps``).
        whole_rounds: the steps become whole rounds (mlrose: each round of ``round_steps``),
            and rounds are cut even with a ``restart_patience``.

    Returns:
        A :class:`SearchPlan`.
    """
    options = dict(options or {})
    name, choice = _choose(net, metric, budget, algorithm, step_size, climber_only)
    defaults = {"step_size": step_size}
    if choice is not None and choice.algorithm != "hill-climb":
        defaults.update(choice.options)
        if population is None and steps is None:
            population = choice.population  # one SNES / ES run gets the whole budget
    if scaled:
        defaults.update(scaled_options(name, net.n_weights))
    options = {**defaults, **options}
    score = objective(name)
    population, steps = _split(budget, net, name, score, options, population, steps)
    steps = _restart_rounds(options, steps, rounds_of, whole_rounds)
    reason = choice.reason if choice is not None else "given"
    return SearchPlan(make(name, score, net.init, **options), name, population, steps, options,
                      reason, choice)  # fmt: skip


def _choose(net, metric, budget, algorithm, step_size, climber_only):
    """``(name, choice)``: the algorithm named, or the one the rule table picks."""
    if algorithm not in (None, "auto"):
        return algorithm, None
    if budget is None:
        raise ValueError("choosing the algorithm needs a budget of evaluations")
    smooth = is_smooth(metric, net)
    nodes = isinstance(net, MLP) and metric in ROW_METRICS  # node perturbation applies
    choice = choose_search(net.n_weights, budget, smooth=smooth, step_size=step_size,
                           nodes=nodes)  # fmt: skip
    if climber_only is not None and choice.algorithm != "hill-climb":
        choice = SearchChoice("hill-climb", {}, 0, 0, climber_only)
    return choice.algorithm, choice


def _split(budget, net, name, score, options, population, steps) -> tuple[int, int]:
    """``(population, steps)``: as given, else from the budget (or ``UNBUDGETED``)."""
    if budget is None:
        return (UNBUDGETED[0] if population is None else population,
                UNBUDGETED[1] if steps is None else steps)  # fmt: skip
    plain = {k: v for k, v in options.items() if k not in RESTART_OPTIONS}
    traits = make(name, score, net.init, **plain).traits
    per_step = traits.evaluations_per_step
    keyed = declared(score).keyed  # the engine re-scores: counted, never over the budget
    rescored = keyed and not traits.distribution
    given = population is not None
    population, planned = plan(budget, net.n_weights, population=population, steps=steps,
                               evaluations_per_step=per_step + rescored)  # fmt: skip
    if keyed and steps is None:
        planned = steps_within(budget, population, per_step, keyed=True, rescored=rescored)
        while planned < 1 and population > 1 and not given:  # fewer climbers, one step each
            population //= 2
            planned = steps_within(budget, population, per_step, keyed=True, rescored=rescored)
        if planned < 1:
            raise ValueError(f"budget={budget:,} evaluations cannot give {population} climbers "
                             "one step of a keyed objective; raise the budget")  # fmt: skip
    return population, planned


def _restart_rounds(options: dict, steps: int, rounds_of: int | None, whole: bool) -> int:
    """mlrose's restarts: ``restarts + 1`` rounds share the steps (``options`` gets their
    ``round_steps``); rounds ended by ``restart_patience`` alone unless ``whole``."""
    if "restarts" not in options or ("restart_patience" in options and not whole):
        return steps
    restarts = options["restarts"]
    rounds = max(1, (rounds_of or steps) // (restarts + 1))
    options["round_steps"] = rounds
    return rounds * (restarts + 1) if whole else steps
