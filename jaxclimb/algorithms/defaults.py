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
from typing import Any

from .._checks import check_int
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


UNIT_MOVES_FROM = 10_000
"""From this many weights (an MLP's) a climber moves one unit's fan-in per step
(``mutation="units"``), which incremental evaluation scores at a fraction of a forward
pass (:mod:`jaxclimb.evaluation.incremental`). On the 784-64-10 stand-in, at 8,000
evaluations, it reached a test accuracy of 0.159 against 0.118 for 1% of the weights, in
44 s against 283 s (benchmarks/incremental.py, benchmarks/README.md)."""


def scaled_options(algorithm: str, n_weights: int) -> dict:
    """The scaled defaults algorithm ``algorithm`` takes: ``mutate_count`` (about 1% of the
    weights; from :data:`UNIT_MOVES_FROM` weights one unit's fan-in, ``mutation="units"``)
    and ``adaptive`` (the 1/5 rule) for single-point climbers that accept them."""
    wanted = {"mutate_count": mutate_count_for(n_weights), "adaptive": True}
    if n_weights >= UNIT_MOVES_FROM:
        wanted.update(mutation="units", mutate_count=1)
    accepted = options_of(algorithm)
    return {k: v for k, v in wanted.items() if k in accepted}


SMALL_NETWORK = 100
"""Below this many weights the hill climber is the default whatever the objective (a
noisy return apart: SNES)."""

ES_FROM = 1_000
"""From this many weights a plateau-rich objective gets the evolution strategy (below: SNES)."""

MIN_DISTRIBUTION_STEPS = 50
"""Fewer steps than this of one SNES / ES run: the budget is too small for its population,
so the population shrinks until it has them (not below :data:`MIN_DISTRIBUTION_POPULATION`)."""

MIN_DISTRIBUTION_POPULATION = 8
"""The smallest population a planned SNES / ES run gets."""

RETURN_STEP_SIZE = 1.0
"""SNES's first sigma for a noisy, plateau-rich objective (a control return; also the
paper's and evosax's): on the control stand-ins 0.1 never left the start, 0.5 failed one
swing-up seed in three, 1.0 none (benchmarks/README.md, "Control returns")."""

CHUNK_STEPS = 100
"""Steps between the engine's chunk boundaries (``RunConfig``'s default, about 100): a
keyed objective's best is re-scored at each one, and the planner counts it."""


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


def planned_evaluations(population: int, steps: int, per_step: int, *, keyed: bool,
                        initial: int = 1, rescored: bool = True) -> int:  # fmt: skip
    """Every evaluation a run of ``population`` climbers and ``steps`` steps of
    ``per_step`` evaluations makes, its start included; for a keyed objective also what
    the engine adds (engine/keyed.py): the start re-scored on fixed episodes, each step's
    current point re-scored on the step's episodes (``rescored``: a single-point climber;
    not SNES or ES), and the best re-scored at every chunk boundary (every
    :data:`CHUNK_STEPS` steps).

    Example:
        >>> planned_evaluations(1, 127, 129, keyed=False), planned_evaluations(1, 10, 1, keyed=True)
        (16384, 23)
    """
    if not keyed:
        return population * (initial + steps * per_step)
    chunks = -(-steps // min(steps, CHUNK_STEPS)) if steps else 0
    return population * (initial + 1 + steps * (per_step + rescored) + chunks)


def steps_within(budget: int, population: int, per_step: int, *, keyed: bool,
                 rescored: bool = True) -> int:  # fmt: skip
    """The most steps whose :func:`planned_evaluations` fit in ``budget`` (0: none)."""
    counted = {"keyed": keyed, "rescored": rescored}
    steps = max(0, (budget // population - 1 - keyed) // (per_step + (keyed and rescored)))
    while steps and planned_evaluations(population, steps, per_step, **counted) > budget:
        steps -= 1
    return steps


def choose_search(
    n_weights: int, budget: int, *, smooth: bool | None = None, step_size: float | None = None,
    objective: Any = None, nodes: bool = False,
) -> SearchChoice:  # fmt: skip
    """The default search for a network of ``n_weights`` and ``budget`` evaluations.

    ``smooth``: the objective changes smoothly with the weights (log-loss of a tanh net); not
    smooth: step units, accuracy or returns (plateaus). ``objective``: what it declares
    (:func:`~jaxclimb.evaluation.traits.declared`) fills in ``smooth`` when it is not given
    (not plateau-rich), says whether it is noisy and whether it is keyed. Chosen by
    experiment (``benchmarks/niche.py``, ``benchmarks/control.py``, benchmarks/README.md):

    * a noisy, plateau-rich objective (a control return, :func:`~jaxclimb.rollout_objective`):
      one SNES run, the paper's population, a first sigma of :data:`RETURN_STEP_SIZE`,
      whatever the network's size; keyed, ``evaluate_mean=False`` (the run chooses between
      the best sample and the final mean on fresh episodes at the end);
    * a smooth objective or a small network (under :data:`SMALL_NETWORK` weights): the hill
      climber with the scaled defaults (:func:`plan`, :func:`scaled_options`);
    * a plateau-rich objective, up to :data:`ES_FROM` weights: one SNES run with the
      paper's population (:func:`~jaxclimb.algorithms.snes.snes_population`);
    * larger: one evolution strategy run of :func:`es_population` perturbations;
    * from :data:`~jaxclimb.algorithms.large.LARGE_NETWORK` weights (a return apart):
      :func:`~jaxclimb.algorithms.large.large_network_search` (``nodes``: node perturbation).

    A budget that leaves one SNES / ES run fewer than :data:`MIN_DISTRIBUTION_STEPS` steps
    gets a smaller population (the reason says so). Every evaluation the run makes is
    counted (:func:`planned_evaluations`: the start, and a keyed objective's re-scoring):
    they never exceed ``budget``. ``step_size`` (None: 0.1, or :data:`RETURN_STEP_SIZE`
    for a return) is the climber's move or the distribution's first sigma.

    Example:
        >>> choose_search(2410, 200_000, smooth=False).describe()
        'es (pop_size 256, step_size 0.1): 1 x 778 steps; plateau-rich objective, 2,410 weights'
        >>> choose_search(19, 64_000, smooth=False).algorithm
        'hill-climb'
    """
    from ..evaluation.nodes import offers_nodes
    from ..evaluation.traits import declared
    from .large import LARGE_NETWORK, large_network_search
    from .snes import snes_population

    n = check_int("n_weights", n_weights, minimum=1)
    budget = check_int("budget", budget, minimum=1)
    traits = declared(objective)
    smooth = _smooth(smooth, traits)
    kind = "smooth" if smooth else "plateau-rich"
    why = f"{'noisy, ' if traits.noisy else ''}{kind} objective, {n:,} weights"
    if traits.noisy and traits.plateau_rich and not smooth:  # a return, as it declares
        sigma = RETURN_STEP_SIZE if step_size is None else step_size
        pop, keyed = snes_population(n), traits.keyed
        return _distribution("snes", pop, sigma, budget, keyed, why, evaluate_mean=not keyed)
    step_size = 0.1 if step_size is None else step_size
    if n >= LARGE_NETWORK:
        nodes = nodes or offers_nodes(objective)
        return large_network_search(n, budget, step_size, traits.keyed, why, _distribution, nodes)
    if not smooth and n >= SMALL_NETWORK:
        name = "es" if n >= ES_FROM else "snes"
        pop = es_population(n) if name == "es" else snes_population(n)
        return _distribution(name, pop, step_size, budget, traits.keyed, why)
    return _climbers(n, budget, step_size, traits.keyed, why)


def _climbers(n: int, budget: int, step_size: float, keyed: bool, why: str) -> SearchChoice:
    """Hill climbers with the scaled defaults, as many as :func:`plan` gives (fewer when a
    keyed objective's re-scoring leaves them no step)."""
    population, _ = plan(budget, n, evaluations_per_step=1 + keyed)
    while population > 1 and steps_within(budget, population, 1, keyed=keyed) < 1:
        population //= 2
    steps = steps_within(budget, population, 1, keyed=keyed)
    if steps < 1:
        raise ValueError(f"budget={budget:,} evaluations cannot give one climber one step")
    options = {"step_size": step_size, **scaled_options("hill-climb", n)}
    return SearchChoice("hill-climb", options, population, steps, why)


def _smooth(smooth: bool | None, traits: Any) -> bool:
    """``smooth`` as given, else from what the objective declares (not plateau-rich)."""
    if smooth is not None:
        return bool(smooth)
    if traits.plateau_rich is None:
        raise TypeError("choose_search needs smooth=True/False, or an objective that "
                        "declares whether it is plateau-rich (its traits)")  # fmt: skip
    return not traits.plateau_rich


def _distribution(name: str, pop: int, step_size: float, budget: int, keyed: bool, why: str,
                  evaluate_mean: bool = True) -> SearchChoice:  # fmt: skip
    """One ``name`` (SNES or ES) run of ``pop`` samples a step (and its moved mean, with
    ``evaluate_mean``), a smaller population when the budget leaves it fewer than
    :data:`MIN_DISTRIBUTION_STEPS` steps (said in ``why``)."""
    mean = int(evaluate_mean)
    steps = steps_within(budget, 1, pop + mean, keyed=keyed, rescored=False)
    if steps < MIN_DISTRIBUTION_STEPS:
        per_step = budget // MIN_DISTRIBUTION_STEPS - 2  # what 50 steps leave a step
        smaller = max(MIN_DISTRIBUTION_POPULATION, min(pop, per_step))
        smaller -= smaller % 2 if name in ("es", "node-perturbation") else 0  # antithetic
        steps = steps_within(budget, 1, smaller + mean, keyed=keyed, rescored=False)
        if steps < 1:
            raise ValueError(f"budget={budget:,} evaluations cannot give one {name} run of "
                             f"{smaller} samples one step; raise the budget")  # fmt: skip
        why += (f"; {budget:,} evaluations are too few for {MIN_DISTRIBUTION_STEPS} steps of "
                f"{pop} samples: {smaller} samples a step")  # fmt: skip
        pop = smaller
    options = {"pop_size": pop, "step_size": step_size}
    options.update({} if evaluate_mean else {"evaluate_mean": False})
    return SearchChoice(name, options, 1, steps, why)
