"""Search algorithms: each a factory returning ``Algorithm(init, step)``."""

from .base import Algorithm, StepInfo, is_improvement, tree_select, update_best
from .hill_climb import ClimberState, hill_climb

__all__ = [
    "Algorithm",
    "ClimberState",
    "StepInfo",
    "hill_climb",
    "is_improvement",
    "tree_select",
    "update_best",
]
