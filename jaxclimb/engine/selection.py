"""The solution of a distribution search on a noisy objective, chosen on fresh episodes.

A distribution search (SNES, ES) ends with two candidates per climber: the best sample it
evaluated (chosen by a score on a few episodes: on a noisy objective, often a lucky one)
and its final mean (often the better policy, never scored on equal terms). For a keyed
objective :func:`choose_solution` flies both on ``episodes`` fresh episodes (one key, the
same for every candidate, not one the search saw) and keeps the better: ``result.best()``
returns it, ``config["chosen"]`` names the climber, ``config["chosen_from"]`` says, per
climber, whether its mean or its best sample won, and ``config["selection"]`` keeps the
scores. These evaluations come after the search and outside its budget: two per climber
of ``episodes`` episodes each.

Example:
    >>> import jax.numpy as jnp
    >>> from jaxclimb.evaluation.sampling import KeyedObjective
    >>> f = KeyedObjective(lambda p, key: -jnp.sum(p ** 2))
    >>> float(selection_score(f, 4)(jnp.ones(3)))
    -3.0
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._checks import check_int
from ..evaluation.rollout import Rollout
from ..results import SearchResult
from .keyed import is_keyed

SELECTION_EPISODES = 32
"""Fresh episodes each candidate (best sample, final mean) is flown on by default."""

SELECTION_SEED = 0x73656C65  # "sele": not FULL_EVALUATION_SEED, not a step's key


def selection_score(objective: Any, episodes: int):
    """``score(params)``: ``objective``'s mean over ``episodes`` fresh episodes (a rollout
    flies them at once; another keyed objective is averaged over ``episodes`` keys)."""
    key = jax.random.key(SELECTION_SEED)
    fn = objective.fn
    if isinstance(fn, Rollout):
        return lambda params: dataclasses.replace(fn, episodes=episodes)(params, key)
    keys = jax.random.split(key, episodes)
    return lambda params: jnp.mean(jax.vmap(lambda k: fn(params, k))(keys))


def choose_solution(result: SearchResult, objective: Any, episodes: int | None) -> SearchResult:
    """``result`` with its solution chosen between each climber's best sample and final
    mean on ``episodes`` fresh episodes (None: :data:`SELECTION_EPISODES`; 0: not at all,
    the best sample stays). Unchanged for a search with no final mean, an objective
    without a key, or one whose key draws minibatch rows rather than episodes (no ``fn``:
    its best point already follows the mean and is re-scored on all rows)."""
    episodes = SELECTION_EPISODES if episodes is None else episodes
    episodes = check_int("selection_episodes", episodes, minimum=0)
    episodic = is_keyed(objective) and getattr(objective, "fn", None) is not None
    if result.final_params is None or not episodic or episodes == 0:
        return result
    score = jax.jit(jax.vmap(selection_score(objective, episodes)))
    best = np.asarray(score(result.best_params), np.float64)
    mean = np.asarray(score(result.final_params), np.float64)
    best, mean = (np.where(np.isfinite(x), x, -np.inf) for x in (best, mean))
    from_mean = mean > best
    chosen = np.maximum(best, mean)
    selection = {"episodes": episodes, "best": best.tolist(), "mean": mean.tolist()}
    result.config = {
        **result.config,
        "chosen": int(np.argmax(chosen)),
        "chosen_from": ["mean" if m else "best" for m in from_mean],
        "selection": selection,
    }
    return result
