"""Search algorithms: each a factory ``name(score_fn, **settings) -> Algorithm(init, step)``.

``REGISTRY`` maps the names the CLI accepts (``--algorithm``) to the factories; the test
suite runs every entry through the same checks.
"""

from collections.abc import Callable

from .annealing import AnnealState, simulated_annealing, temperature_schedule
from .base import Algorithm, StepInfo, bind, is_improvement, tree_select, update_best
from .genetic import GAState, genetic
from .gradient import GradientState, gradient_descent
from .hill_climb import ClimberState, hill_climb
from .restarts import RestartState, with_restarts

REGISTRY: dict[str, Callable[..., Algorithm]] = {
    "hill-climb": hill_climb,
    "annealing": simulated_annealing,
    "genetic": genetic,
    "gradient": gradient_descent,
}
"""Algorithms by name, as the CLI knows them."""

__all__ = [
    "REGISTRY",
    "Algorithm",
    "AnnealState",
    "ClimberState",
    "GAState",
    "GradientState",
    "RestartState",
    "StepInfo",
    "bind",
    "genetic",
    "gradient_descent",
    "hill_climb",
    "is_improvement",
    "simulated_annealing",
    "temperature_schedule",
    "tree_select",
    "update_best",
    "with_restarts",
]
