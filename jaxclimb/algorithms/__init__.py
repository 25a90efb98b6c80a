"""Search algorithms: each a factory ``name(score_fn, **settings) -> Algorithm``.

* :mod:`~jaxclimb.algorithms.base`: the protocol (``Algorithm``, ``SearchState``,
  ``StepInfo``, ``Traits``); :mod:`~jaxclimb.algorithms.acceptance`: the acceptance test
  and the helpers every algorithm shares.
* one module per algorithm: :mod:`.hill_climb`, :mod:`.annealing` (with
  :mod:`.schedules`), :mod:`.genetic`, :mod:`.gradient` (the baseline), :mod:`.es` (the
  evolution strategy; its low-rank step in :mod:`.lowrank_es`), :mod:`.snes`,
  :mod:`.nodes` (node perturbation, for large built-in MLPs), and
  :mod:`.restarts` around any climber.
* a single-point climber's move and its evaluation, full or incremental: :mod:`.moves`,
  and the unit moves it knows the cost of: :mod:`.unitmoves`.
* :mod:`~jaxclimb.algorithms.build`: ``REGISTRY`` and :func:`make`, the one builder from
  flat options that every front end uses.
* :mod:`~jaxclimb.algorithms.defaults`: the rule table (settings that scale with the
  network, the search a budget buys, a budget split into climbers and steps), with
  :mod:`~jaxclimb.algorithms.large`: its rules for large networks (node perturbation,
  low-rank ES, minibatches), and :mod:`~jaxclimb.algorithms.planner`: the one planner the front ends
  call on it.
"""

from .acceptance import is_improvement, tree_select, update_best
from .annealing import AnnealState, simulated_annealing
from .base import Algorithm, SearchState, StepInfo, Traits, bind, state_type
from .build import REGISTRY, RESTART_OPTIONS, make, options_of
from .es import ESState, centred_ranks, evolution_strategy
from .genetic import GAState, genetic
from .gradient import GradientState, gradient_descent
from .hill_climb import ClimberState, hill_climb
from .nodes import node_perturbation
from .restarts import RestartState, with_restarts
from .schedules import ArithDecay, ExpDecay, GeomDecay, temperature_schedule
from .snes import SNESState, snes, snes_population, snes_utilities

__all__ = [
    "REGISTRY",
    "RESTART_OPTIONS",
    "Algorithm",
    "AnnealState",
    "ArithDecay",
    "ClimberState",
    "ESState",
    "ExpDecay",
    "GAState",
    "GeomDecay",
    "GradientState",
    "RestartState",
    "SNESState",
    "SearchState",
    "StepInfo",
    "Traits",
    "bind",
    "centred_ranks",
    "evolution_strategy",
    "genetic",
    "gradient_descent",
    "hill_climb",
    "is_improvement",
    "make",
    "node_perturbation",
    "options_of",
    "simulated_annealing",
    "snes",
    "snes_population",
    "snes_utilities",
    "state_type",
    "temperature_schedule",
    "tree_select",
    "update_best",
    "with_restarts",
]
