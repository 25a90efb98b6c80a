"""Search settings that scale with the network, and a budget split into climbers and steps.

The estimators and ``jaxclimb run --budget`` size a search here: fewer climbers with more
steps as the network grows, about 1% of the weights moved per step, and per-climber step
sizes adapted by the 1/5 rule. Each default was chosen by experiment on synthetic stand-ins
(``benchmarks/README.md``, "Scaled defaults").

Example:
    >>> population_for(19), population_for(2410)
    (64, 4)
    >>> plan(64_000, 2410)
    (4, 16000)
    >>> plan(1_000, 2410, population=16)
    (16, 62)
"""

from __future__ import annotations

import dataclasses
import math

from .._checks import check_int
from ..evaluation.objectives import AUTO_BATCH_SIZE, AUTO_MINIBATCH_ROWS
from .build import options_of

DEFAULT_BUDGET = 64_000
"""Objective evaluations of a default estimator fit (initial evaluations not counted)."""

MOVED_FRACTION = 0.01
"""Share of the weights one move changes (at least one weight)."""

MIN_POPULATION, MAX_POPULATION = 4, 64


def population_for(n_weights: int) -> int:
    """Climbers for a network of ``n_weights``: a power of two near ``256 / sqrt(n)``,
    within ``[4, 64]`` (64 for iris's 19 weights, 32 for 97, 4 for 2,410)."""
    n = check_int("n_weights", n_weights, minimum=1)
    size = 2 ** round(math.log2(256 / math.sqrt(n)))
    return int(min(MAX_POPULATION, max(MIN_POPULATION, size)))


def mutate_count_for(n_weights: int) -> int:
    """Weights one move changes: ``MOVED_FRACTION`` of them, at least one."""
    n = check_int("n_weights", n_weights, minimum=1)
    return max(1, round(MOVED_FRACTION * n))


def plan(
    budget: int,
    n_weights: int,
    *,
    population: int | None = None,
    steps: int | None = None,
    evaluations_per_step: int = 1,
) -> tuple[int, int]:
    """``(population, steps)`` spending at most ``budget`` evaluations after the start.

    What is given is kept; what is not is derived: the population from the network's size
    (``population_for``, fewer climbers if the budget is too small for it), the steps
    from what the budget leaves, ``budget // (population * evaluations_per_step)``.
    ``population * steps * evaluations_per_step <= budget`` unless both are given.
    """
    budget = check_int("budget", budget, minimum=1)
    per_step = check_int("evaluations_per_step", evaluations_per_step, minimum=1)
    if population is not None and steps is not None:
        return population, steps
    if population is None:
        population = population_for(n_weights)
        if steps is not None:
            population = max(1, budget // (steps * per_step))
        population = max(1, min(population, budget // per_step))
    if steps is None:
        steps = budget // (population * per_step)
        if steps < 1:
            raise ValueError(
                f"budget={budget:,} evaluations cannot give {population} climbers one step of "
                f"{per_step} evaluations each; raise the budget or lower the population"
            )
    return population, steps


def scaled_options(algorithm: str, n_weights: int) -> dict:
    """The scaled defaults algorithm ``algorithm`` takes: ``mutate_count`` (about 1% of the
    weights) and ``adaptive`` (the 1/5 rule) for single-point climbers that accept them."""
    wanted = {"mutate_count": mutate_count_for(n_weights), "adaptive": True}
    accepted = options_of(algorithm)
    return {k: v for k, v in wanted.items() if k in accepted}


SMALL_NETWORK = 100
"""Below this many weights the hill climber is the default whatever the objective."""

ES_FROM = 1_000
"""From this many weights a plateau-rich objective gets the evolution strategy (below: SNES)."""

MIN_DISTRIBUTION_STEPS = 50
"""Fewer steps than this of one SNES / ES run: the budget is too small, climb instead."""


LARGE_NETWORK = 10_000
"""From this many weights the default is one low-rank ES run (smooth or not)."""

LOWRANK_OPTIONS = {"pop_size": 256, "rank": 1, "learning_rate": 0.01}
"""The low-rank ES of a large network (``benchmarks/large.py``, 784-64-10): rank 1 with
256 members (better per evaluation than 64), Adam's rate 0.01 (0.03 stalled)."""

LOWRANK_STEP_DIVISOR = 10
"""A large network's ES perturbs by ``step_size`` divided by this (0.01 for the default 0.1:
0.03 and 0.1 stalled on the 784-input stand-in, whose fan-in multiplies the noise)."""


@dataclasses.dataclass(frozen=True)
class SearchChoice:
    """What ``choose_search`` picked: the algorithm, its options (for
    :func:`~jaxclimb.algorithms.make`), the climbers, their steps, and why."""

    algorithm: str
    options: dict
    population: int
    steps: int
    reason: str

    def describe(self) -> str:
        """One line: ``"es (pop_size 256, step_size 0.1): 1 x 778 steps; <reason>"``."""
        shown = ", ".join(f"{k} {v}" for k, v in self.options.items())
        shown = f" ({shown})" if shown else ""
        return f"{self.algorithm}{shown}: {self.population} x {self.steps} steps; {self.reason}"

    def to_config(self) -> dict:
        """As a result's ``config["search"]`` records it (plain values)."""
        return {**dataclasses.asdict(self), "options": dict(self.options)}


def es_population(n_weights: int) -> int:
    """Perturbations per ES step for ``n_weights``: a power of two near ``5 sqrt(n)``,
    within ``[64, 512]`` (128 for 513 weights, 256 for 2,410)."""
    n = check_int("n_weights", n_weights, minimum=1)
    return int(min(512, max(64, 2 ** round(math.log2(5 * math.sqrt(n))))))


def choose_search(n_weights: int, budget: int, *, smooth: bool, step_size: float = 0.1
                  ) -> SearchChoice:  # fmt: skip
    """The default search for a network of ``n_weights`` and ``budget`` evaluations.

    ``smooth``: the objective changes smoothly with the weights (log-loss of a tanh network);
    not smooth: step units or accuracy, whose plateaus give a single-point climber nothing
    to follow. Chosen by experiment (``benchmarks/niche.py``, benchmarks/README.md):

    * a smooth objective or a small network (under :data:`SMALL_NETWORK` weights): the hill
      climber with the scaled defaults (:func:`plan`, :func:`scaled_options`);
    * a plateau-rich objective, up to :data:`ES_FROM` weights: one SNES run with the
      paper's population (:func:`~jaxclimb.algorithms.snes.snes_population`);
    * larger: one evolution strategy run of :func:`es_population` perturbations;
    * from :data:`LARGE_NETWORK` weights, smooth or not: one low-rank ES run
      (:data:`LOWRANK_OPTIONS`, ``step_size`` divided by :data:`LOWRANK_STEP_DIVISOR`).

    A budget that leaves one SNES / ES run fewer than :data:`MIN_DISTRIBUTION_STEPS` steps
    falls back to the hill climber.

    Example:
        >>> choose_search(2410, 200_000, smooth=False).describe()
        'es (pop_size 256, step_size 0.1): 1 x 778 steps; plateau-rich objective, 2,410 weights'
        >>> choose_search(19, 64_000, smooth=False).algorithm
        'hill-climb'
    """
    from .snes import snes_population

    n = check_int("n_weights", n_weights, minimum=1)
    budget = check_int("budget", budget, minimum=1)
    why = f"plateau-rich objective, {n:,} weights"
    if n >= LARGE_NETWORK:
        large = _large(n, budget, smooth, step_size)
        if large is not None:
            return large
    if not smooth and n >= SMALL_NETWORK:
        name = "es" if n >= ES_FROM else "snes"
        pop = es_population(n) if name == "es" else snes_population(n)
        steps = budget // (pop + 1)
        if steps >= MIN_DISTRIBUTION_STEPS:
            options = {"pop_size": pop, "step_size": step_size}
            return SearchChoice(name, options, 1, steps, why)
        why += f", but {budget:,} evaluations are too few for {name}"
    else:
        why = f"{'smooth' if smooth else 'plateau-rich'} objective, {n:,} weights"
    population, steps = plan(budget, n)
    options = {"step_size": step_size, **scaled_options("hill-climb", n)}
    return SearchChoice("hill-climb", options, population, steps, why)


def _large(n: int, budget: int, smooth: bool, step_size: float) -> SearchChoice | None:
    """One low-rank ES run for a large network, or None when the budget is too small."""
    steps = budget // (LOWRANK_OPTIONS["pop_size"] + 1)
    if steps < MIN_DISTRIBUTION_STEPS:
        return None
    options = {**LOWRANK_OPTIONS, "step_size": step_size / LOWRANK_STEP_DIVISOR}
    kind = "smooth" if smooth else "plateau-rich"
    why = f"{kind} objective, {n:,} weights: a large network, low-rank perturbations"
    return SearchChoice("es", options, 1, steps, why)


MINIBATCH_FROM = 100_000_000
"""Rows x weights of one full-batch evaluation above which a distribution search (ES,
SNES) scores per-step minibatches under ``batch_size="auto"``."""

MINIBATCH_ROWS = 512
"""Rows of such a minibatch (evosax's and EvoJAX's image examples use 1,024; 512 on the
784-64-10 stand-in, benchmarks/large.py)."""

MINIBATCH_SEARCHES = ("es", "snes")
"""Searches that estimate a direction from many members: a minibatch shared by a step's
members costs them little. Single-point climbers keep full batches (their incremental
evaluation needs fixed rows), unless the rows alone are many."""


def minibatch_for(n_rows: int, n_weights: int, algorithm: str) -> int | None:
    """Rows per step's minibatch for ``batch_size="auto"`` (None: all rows): a distribution
    search gets :data:`MINIBATCH_ROWS` rows when ``n_rows * n_weights`` exceeds
    :data:`MINIBATCH_FROM`; any search gets the objective's
    :data:`~jaxclimb.evaluation.objectives.AUTO_BATCH_SIZE` rows beyond
    :data:`~jaxclimb.evaluation.objectives.AUTO_MINIBATCH_ROWS` rows.

    Example:
        >>> minibatch_for(5_000, 50_890, "es"), minibatch_for(5_000, 50_890, "hill-climb")
        (512, None)
        >>> minibatch_for(150, 19, "es"), minibatch_for(100_000, 19, "hill-climb")
        (None, 8192)
    """
    n_rows = check_int("n_rows", n_rows, minimum=1)
    n_weights = check_int("n_weights", n_weights, minimum=1)
    large = n_rows * n_weights > MINIBATCH_FROM and n_rows > MINIBATCH_ROWS
    if algorithm in MINIBATCH_SEARCHES and large:
        return MINIBATCH_ROWS
    return AUTO_BATCH_SIZE if n_rows > AUTO_MINIBATCH_ROWS else None
