"""An mlrose fit on jaxclimb's engine: mlrose's algorithms, built by the one builder.

Each mlrose algorithm is a registered algorithm with mlrose's settings
(:func:`algorithm_options`), wrapped by :func:`with_attempts`, which starts every climber
from ``init_weights`` when given (as data: other weights compile nothing) and counts
mlrose's *attempts*: consecutive iterations without a move (simulated annealing) or
without an improvement (the others); a climber stops when they reach ``max_attempts``.
mlrose's ``restarts`` are independent climbers run side by side; the best is kept.

Example:
    >>> import jax.numpy as jnp
    >>> from jaxclimb.algorithms import make
    >>> climb = make("hill-climb", lambda w: -jnp.sum(w ** 2), lambda key: jnp.zeros(2))
    >>> algo = with_attempts(climb, limit=3,
    ...                      start=None, on_accept=False)
    >>> state = algo.init(None, jnp.ones(2))
    >>> int(state.attempts), bool(algo.terminate(state))
    (0, False)
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import Partial

from ..algorithms import make
from ..algorithms.base import Algorithm, SearchState, bind, state_type, wrapper_traits
from ..algorithms.schedules import ArithDecay, ExpDecay, GeomDecay, schedule_table
from ..engine import run

ALGORITHMS = {
    "random_hill_climb": "hill-climb",
    "simulated_annealing": "annealing",
    "genetic_alg": "genetic",
    "gradient_descent": "gradient",
}
"""mlrose's algorithm names and the registered algorithms that run them."""

MAX_ITERS_INF = 1_000_000
"""``max_iters=np.inf`` (with ``early_stopping``) runs until ``max_attempts`` stops the
search, or at most this many iterations: a compiled loop needs a bound."""

NO_LIMIT = int(np.iinfo(np.int32).max)
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclasses.dataclass(frozen=True)
class UniformWeights:
    """Starting weights U(-bound, bound), as mlrose draws them (bound 1; the genetic
    algorithm's population: ``clip_max``). Hashable: it is part of the compiled program."""

    n_weights: int
    bound: float = 1.0

    def __call__(self, key: jax.Array) -> jax.Array:
        return jax.random.uniform(key, (self.n_weights,), jnp.float32, -self.bound, self.bound)


@state_type
class AttemptState(SearchState):
    """The wrapped algorithm's state, and mlrose's attempts counter and its limit.

    ``best_params`` are the wrapped algorithm's best weights, but ``best_score`` is the
    *current* point's score, so that the engine records mlrose's curve (the current loss
    per iteration; for hill climbing and the GA the current point is the best one).
    """

    inner: Any
    attempts: jax.Array
    limit: jax.Array


def with_attempts(algorithm: Algorithm, *, limit: int, start: Any, on_accept: bool) -> Algorithm:
    """``algorithm`` starting from ``start`` and stopping after ``limit`` consecutive
    attempts that do not move (``on_accept``) or do not improve. ``start`` is None or a flat
    weight vector whose NaNs keep the engine's draw (all NaN: no ``init_weights``); the limit
    and the start are data, so other values compile nothing."""
    start = None if start is None else jnp.asarray(start, jnp.float32)
    return Algorithm(
        init=bind(_init, algorithm, jnp.asarray(limit, jnp.int32), start),
        step=bind(_step, algorithm, on_accept=on_accept),
        terminate=Partial(_out_of_attempts),
        traits=wrapper_traits(algorithm.traits),
    )


def _init(algorithm, limit, start, key, params) -> AttemptState:
    if start is not None:
        params = jnp.where(jnp.isnan(start), params, start)
    inner = algorithm.init(key, params)
    zero = jnp.zeros((), jnp.int32)
    return AttemptState(inner.params, inner.score, inner.best_params, inner.score, inner, zero,
                        limit)  # fmt: skip


def _step(algorithm, key, state: AttemptState, *, on_accept: bool):
    inner, info = algorithm.step(key, state.inner)
    moved = info.accepted if on_accept else inner.score > state.inner.score
    attempts = jnp.where(moved, 0, state.attempts + 1)
    new = AttemptState(inner.params, inner.score, inner.best_params, inner.score, inner, attempts,
                       state.limit)  # fmt: skip
    return new, info


def _out_of_attempts(state: AttemptState) -> jax.Array:
    return state.attempts >= state.limit


def genetic_elites(pop_size: int) -> int:
    """mlrose's survivors: a quarter of the generation, less its 'dregs' (1% of them)."""
    survivors = pop_size - int(pop_size * 0.75)
    dregs = int(survivors * 0.01) if survivors > 1 else 0
    return survivors - dregs


def as_schedule(schedule: Any, n_steps: int) -> Any:
    """A schedule the compiled search takes as data: the three decays as they are, any
    other object with ``evaluate(t)`` (a ``CustomSchedule``) as its table of temperatures."""
    if isinstance(schedule, GeomDecay | ArithDecay | ExpDecay):
        return schedule
    if not callable(getattr(schedule, "evaluate", None)):
        raise TypeError(
            "schedule must be GeomDecay, ArithDecay, ExpDecay or CustomSchedule (anything "
            f"with evaluate(t)); got {type(schedule).__name__}"
        )
    return schedule_table(schedule, n_steps)


def algorithm_options(s: dict, n_steps: int, gradient_scale: float) -> dict:
    """The registered algorithm's options that give mlrose's meaning to the settings ``s``
    (learning_rate, clip_max, schedule, pop_size, mutation_prob)."""
    clip = s["clip_max"] if s["clip_max"] < _FLOAT32_MAX else None
    algorithm = s["algorithm"]
    if algorithm == "random_hill_climb":  # one weight +/- learning_rate, strictly better
        return {"step_size": s["learning_rate"], "mutation": "neighbour", "accept": "gt",
                "clip_max": clip}  # fmt: skip
    if algorithm == "simulated_annealing":
        schedule = as_schedule(s["schedule"], n_steps)
        return {"step_size": s["learning_rate"], "mutation": "neighbour", "schedule": schedule,
                "clip_max": clip}  # fmt: skip
    if algorithm == "genetic_alg":  # learning_rate unused; a mutation redraws the weight
        return {"pop_size": s["pop_size"], "mutation_prob": s["mutation_prob"],
                "selection": "proportional", "crossover": "one-point", "redraw": True,
                "n_elites": genetic_elites(s["pop_size"]), "clip_max": clip}  # fmt: skip
    return {"step_size": s["learning_rate"] * gradient_scale, "clip_max": clip}


class Found(NamedTuple):
    """What a search found: every climber's weights ``(P, n_weights)`` (float64) and,
    climber by climber, mlrose's curve: ``(loss, cumulative evaluations)`` of the current
    point per iteration (the loss alone for gradient descent, as mlrose)."""

    weights: np.ndarray
    losses: np.ndarray  # (P, iterations + 1): current loss, recorded each iteration
    n_steps: np.ndarray
    skip: int  # descent's last step only scores the point its last move reached
    evaluations: tuple[int, int]  # (initial, per step)

    def curve(self, climber: int) -> np.ndarray:
        """mlrose's ``fitness_curve`` of ``climber``."""
        losses = self.losses[climber, 1 : self.n_steps[climber] + 1 - self.skip]
        if self.skip or not losses.size:
            return losses
        first, each = self.evaluations
        evaluations = first + each * np.arange(1, len(losses) + 1)
        return np.column_stack([losses, evaluations.astype(np.float64)])


def search(s: dict, score, n_weights: int, start, seed: int, gradient_scale: float) -> Found:
    """Run the search of settings ``s`` (see ``settings.checked_settings``) on ``score``."""
    skip = int(s["algorithm"] == "gradient_descent")
    steps = s["steps"] + skip  # a descent step scores its point, then moves
    options = algorithm_options(s, steps, gradient_scale)
    genetic = s["algorithm"] == "genetic_alg"
    init = UniformWeights(n_weights, float(options["clip_max"]) if genetic else 1.0)
    algorithm = make(ALGORITHMS[s["algorithm"]], score, init, **options)
    start = np.full(n_weights, np.nan) if start is None else start  # one program for both
    algorithm = with_attempts(algorithm, limit=s["limit"], start=start,
                              on_accept=s["algorithm"] == "simulated_annealing")  # fmt: skip
    result = run(seed, algorithm, init, population=s["population"], steps=steps,
                 score_fn=score, progress=False)  # fmt: skip
    traits = algorithm.traits
    return Found(
        weights=np.asarray(result.best_params, np.float64),
        losses=-np.asarray(result.history, np.float64),
        n_steps=np.asarray(result.n_steps),
        skip=skip,
        evaluations=(traits.initial_evaluations, traits.evaluations_per_step),
    )
