"""Racing restarts (successive halving): an allocation policy across climbers.

With ``run(..., racing=L)`` every still-running climber races: after ``L`` steps the worse
half of them, ranked by their best score on the searched objective, stop; after ``2L``
steps the worse half of the rest, then after ``4L``, ``8L``, ... until one climber is left,
which runs to the end. Round ``r`` ends after ``L * 2**r`` steps, so every round spends
about the same number of evaluations (``population * L / 2`` after the first), as in
successive halving. Of ``n`` running climbers ``ceil(n / 2)`` survive. A climber that has
stopped for another reason (``max_attempts``, an algorithm's ``terminate``) does not race.

It is a mask inside the compiled loop, not a second program: the round length is an
argument of the compiled chunk (``racing=None`` is a round that never ends). A racing run
is laid out in at least ``RACING_BLOCKS`` blocks per device (:mod:`.layout`), and a block
whose climbers have all stopped is skipped, so stopped climbers cost no time. Survivors
never see the others, so a surviving climber's trajectory is its run without racing in
the same layout, step for step.

The ranking couples climbers: it is computed over the whole (sharded) population by a
sort on ``(running first, best score descending, climber index ascending)``. Comparisons
round nothing and padded climbers sort last, so the survivors are the same on any number
of devices (given the same scores), and ties go to the lower climber index.

Example:
    >>> racing_counts(population=10, steps=9, racing=2).tolist()
    [10, 10, 5, 5, 3, 3, 3, 3, 2]
    >>> racing_evaluations(population=10, steps=9, racing=2)
    54
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np


def round_ends(t_next: jax.Array, racing: jax.Array) -> jax.Array:
    """Whether a racing round ends once ``t_next`` steps are done: ``t_next`` is
    ``racing * 2**r`` for some ``r >= 0``."""
    rounds = t_next // racing
    return (t_next % racing == 0) & (rounds > 0) & ((rounds & (rounds - 1)) == 0)


def survivors(running: jax.Array, best_score: jax.Array) -> jax.Array:
    """Of the ``running`` climbers (a ``(P,)`` mask), the better half by ``best_score``
    (``ceil(n / 2)`` of ``n``; ties to the lower index; a non-finite score ranks last).

    Example:
        >>> running = jnp.array([True, True, False, True, True, True])
        >>> scores = jnp.array([0.5, 0.9, 1.0, 0.5, jnp.nan, 0.7])
        >>> survivors(running, scores).tolist()
        [True, True, False, False, False, True]
    """
    score = jnp.where(jnp.isfinite(best_score), best_score, -jnp.inf) + 0.0  # no -0.0
    index = jnp.arange(score.shape[0], dtype=jnp.int32)
    order = jnp.lexsort((index, -score, ~running))  # the last key sorts first
    rank = jnp.zeros_like(index).at[order].set(index)
    keep = (jnp.sum(running, dtype=jnp.int32) + 1) // 2
    return running & (rank < keep)


def racing_counts(population: int, steps: int, racing: int | None) -> np.ndarray:
    """Climbers running at each step ``0 .. steps - 1`` (no other stops), on the host."""
    counts = np.full(steps, population, np.int64)
    if racing is None:
        return counts
    n, end = population, racing
    while end < steps and n > 1:
        n = (n + 1) // 2
        counts[end:] = n
        end *= 2
    return counts


def racing_evaluations(
    population: int, steps: int, racing: int | None, *, per_step: int = 1, initial: int = 1
) -> int:
    """Objective evaluations of a racing run of ``steps`` steps (no other stops)."""
    return int(population * initial + per_step * racing_counts(population, steps, racing).sum())


def racing_steps(
    budget: int, population: int, racing: int | None, *, per_step: int = 1, initial: int = 1
) -> int:
    """The most steps (at least 1) whose racing run stays within ``budget`` evaluations.

    Example:
        >>> racing_steps(54, population=10, racing=2)
        9
    """
    left = budget - population * initial
    if racing is None:
        return max(1, left // (population * per_step))
    steps, n, end = 0, population, racing
    while n > 1:
        if left < n * per_step * (end - steps):
            return max(1, steps + left // (n * per_step))
        left -= n * per_step * (end - steps)
        steps, n, end = end, (n + 1) // 2, end * 2
    return max(1, steps + left // (n * per_step))
