"""What an objective declares about itself, for the search planner
(:func:`~jaxclimb.algorithms.defaults.choose_search`).

An objective may carry ``traits``, an :class:`ObjectiveTraits`; :func:`declared` reads it,
or infers what it can (a keyed objective is noisy). :func:`~jaxclimb.rollout_objective`'s
objectives declare :data:`RETURN_TRAITS`: a control return is noisy (each evaluation flies
other episodes), plateau-rich (many policies earn the same return: every one that never
reaches a sparse reward, every one that balances for the whole horizon) and keyed.

Example:
    >>> declared(lambda p: p).keyed, RETURN_TRAITS.plateau_rich
    (False, True)
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class ObjectiveTraits:
    """What an objective is, as the search planner reads it.

    Attributes:
        noisy: two evaluations of the same weights may differ (episodes, minibatches).
        plateau_rich: the score is flat over wide regions of the weights (accuracy, step
            units, returns), so a single-point climber has little to follow; None: not
            declared (the caller says whether the objective is smooth).
        keyed: the objective takes a key per evaluation, so the engine re-scores each
            climber's current point every step (single-point climbers) and its best at
            every chunk boundary; the planner counts those evaluations.
    """

    noisy: bool = False
    plateau_rich: bool | None = None
    keyed: bool = False


KEYED_TRAITS = ObjectiveTraits(noisy=True, keyed=True)
"""What a :class:`~jaxclimb.KeyedObjective` declares unless told more."""

RETURN_TRAITS = ObjectiveTraits(noisy=True, plateau_rich=True, keyed=True)
"""What a control return (:func:`~jaxclimb.rollout_objective`) declares."""


def declared(objective: Any) -> ObjectiveTraits:
    """``objective``'s own :class:`ObjectiveTraits`, or what can be told without it: keyed
    (and so noisy) when it takes a key per evaluation."""
    traits = getattr(objective, "traits", None)
    if isinstance(traits, ObjectiveTraits):
        return traits
    keyed = bool(getattr(objective, "keyed", False))
    return ObjectiveTraits(noisy=keyed, keyed=keyed)
