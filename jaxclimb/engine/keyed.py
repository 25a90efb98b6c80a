"""Keyed and reduced-precision objectives in the engine: a fresh evaluation key every step,
fair comparisons, and the best so far re-scored at chunk boundaries.

For an objective that draws randomness (a minibatch
:class:`~jaxclimb.evaluation.objectives.ScoreFn`, a
:class:`~jaxclimb.evaluation.sampling.KeyedObjective`), :func:`with_evaluation_keys` wraps
the algorithm so that, at every step of every climber:

* every evaluation of the step sees one key, ``fold_in(step_key, EVALUATION_SALT)``
  (the same rows of a minibatch, the same episode starts);
* a single-point climber's current point (not a GA's, SNES's or ES's: they rank their
  own samples) is re-scored with that key before its candidates
  are compared with it (one more evaluation per step, counted), so a point that was lucky
  once does not block the search;

and :func:`rescore_best` re-scores every climber's best weights with the objective's
``full`` evaluation (all rows; a fixed key) at the end of every chunk, so the chosen
climber is chosen on equal terms. An objective searched at a reduced precision
(``precision="tf32"`` or ``"bfloat16"``, :mod:`jaxclimb.precision`), or evaluated
incrementally (:mod:`jaxclimb.evaluation.incremental`), gets the same re-scoring by a full
float32 forward pass (:func:`with_float32_rescoring`; its steps are unchanged): every number
a run reports is a float32 score of the weights it reports.

Example:
    >>> import jax, jax.numpy as jnp
    >>> from jaxclimb.algorithms import hill_climb
    >>> from jaxclimb.evaluation.sampling import KeyedObjective
    >>> f = KeyedObjective(lambda p, key: -jnp.sum((p - jax.random.normal(key)) ** 2))
    >>> algo = with_evaluation_keys(hill_climb(f), f)
    >>> state = algo.init(jax.random.key(0), jnp.zeros(2))
    >>> state, info = algo.step(jax.random.key(1), state)
    >>> int(info.n_evaluations)
    2
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
from jax.tree_util import Partial

from ..algorithms.base import Algorithm, SearchState, as_pytree, wrapper_traits
from ..evaluation.sampling import evaluation_key
from ..precision import is_reduced
from ..prng import fold_in

EVALUATION_SALT = 0x6B657964  # "keyd": the evaluation key is fold_in(step_key, this)


def is_keyed(score_fn: Any) -> bool:
    """True for an objective that wants a key per evaluation."""
    return bool(getattr(score_fn, "keyed", False))


def searched_as(algorithm: Algorithm, objective: Any) -> Algorithm:
    """``algorithm`` as the engine runs it for ``objective``: with evaluation keys for a
    keyed one, its best re-scored by a full float32 forward pass for a reduced precision
    or incremental evaluation, else unchanged."""
    if is_keyed(objective):
        return with_evaluation_keys(algorithm, objective)
    reduced = is_reduced(getattr(objective, "precision", "float32"))
    if reduced or getattr(objective, "incremental", False) is True:
        return with_float32_rescoring(algorithm, objective)
    return algorithm


def with_float32_rescoring(algorithm: Algorithm, objective: Any) -> Algorithm:
    """``algorithm`` with every climber's best re-scored by ``objective.full`` (float32, all
    rows) at the start and at the end of every chunk (:func:`rescore_best`); its steps, and
    its comparisons between candidates, stay in the objective's own precision."""
    inner = as_pytree(algorithm)
    return Algorithm(
        init=Partial(_init, objective, inner),
        step=Partial(_step_unchanged, objective, inner),
        terminate=inner.terminate,
        traits=algorithm.traits,
    )


def with_evaluation_keys(algorithm: Algorithm, objective: Any) -> Algorithm:
    """``algorithm`` with a fresh evaluation key per step for ``objective`` (see the module
    doc); single-point climbers re-score their current point on the step's key."""
    inner = as_pytree(algorithm)
    rescore = not (algorithm.traits.coupled or algorithm.traits.distribution)
    traits = algorithm.traits
    if rescore:
        traits = dataclasses.replace(traits, evaluations_per_step=traits.evaluations_per_step + 1)
    traits = wrapper_traits(traits)  # its steps take no active=
    return Algorithm(
        init=Partial(_init, objective, inner),
        step=Partial(_step if rescore else _step_coupled, objective, inner),
        terminate=inner.terminate,
        traits=traits,
    )


def _init(objective, inner: Algorithm, key: jax.Array, params: Any):
    with evaluation_key(fold_in(key, EVALUATION_SALT)):
        state = inner.init(key, params)
    return state._replace(best_score=objective.full(state.best_params))


def _step(objective, inner: Algorithm, key: jax.Array, state):
    with evaluation_key(fold_in(key, EVALUATION_SALT)):
        state = _with_current_score(state, objective(state.params))
        new_state, info = inner.step(key, state)
    return new_state, info._replace(n_evaluations=info.n_evaluations + 1)


def _step_unchanged(objective, inner: Algorithm, key: jax.Array, state, **active):
    del objective  # kept for :func:`keyed_objective` and the chunk ends' re-scoring
    return inner.step(key, state, **active)  # active= where the inner step masks


def _step_coupled(objective, inner: Algorithm, key: jax.Array, state):
    """A coupled population (a GA run) or a search distribution (SNES, ES) scores its
    samples on the step's key; nothing is re-scored."""
    del objective
    with evaluation_key(fold_in(key, EVALUATION_SALT)):
        return inner.step(key, state)


def _with_current_score(state: SearchState, score: jax.Array) -> SearchState:
    """``state`` with its current point's score replaced, through wrapper states (restarts)
    whose ``inner`` holds the same point; an unknown (-inf) score, as right after a
    restart, stays unknown so the first move is taken."""
    score = jnp.where(jnp.isneginf(state.score), state.score, score)
    inner = getattr(state, "inner", None)
    if isinstance(inner, SearchState):
        state = state._replace(inner=_with_current_score(inner, score))
    return state._replace(score=score)


def keyed_objective(algorithm: Algorithm) -> Any:
    """The objective of an algorithm wrapped by :func:`with_evaluation_keys` or
    :func:`with_float32_rescoring`, else None."""
    step = algorithm.step
    keyed = isinstance(step, Partial) and step.func in (_step, _step_coupled, _step_unchanged)
    return step.args[0] if keyed else None


def rescore_best(algorithm: Algorithm, state: Any, population_map) -> Any:
    """Every climber's best score re-computed with the objective's ``full`` evaluation
    (the state unchanged for an algorithm neither wrapper made). ``population_map`` maps
    over climbers."""
    objective = keyed_objective(algorithm)
    if objective is None:
        return state

    def one(objective, state):
        return state._replace(best_score=objective.full(state.best_params))

    return population_map(one)(objective, state)
