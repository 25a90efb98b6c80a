"""A genetic algorithm whose population is one search; the runner vmaps independent runs.

Each "climber" of the runner is a whole GA run: ``run(..., population=R)`` runs R
independent GAs of ``pop_size`` individuals each. Genomes are the flattened weights.

Example:
    >>> import jax, jax.numpy as jnp
    >>> init = lambda key: {"w": jax.random.normal(key, (3,))}
    >>> algo = genetic(lambda p: -jnp.sum(p["w"] ** 2), init_params=init, pop_size=8)
    >>> state = algo.init(jax.random.key(0), init(jax.random.key(1)))
    >>> state, info = algo.step(jax.random.key(2), state)
    >>> state.fitness.shape, int(info.n_evaluations)
    ((8,), 7)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._checks import check_choice, check_float, check_int
from ..evaluation.batching import evaluate_many
from ..mutation import check_clip
from ..prng import bits32, normal, split, uniform
from .acceptance import update_best
from .base import Algorithm, SearchState, StepInfo, Traits, bind, state_type

SELECTIONS = ("tournament", "truncation", "proportional")
CROSSOVERS = ("uniform", "one-point", "none")


@state_type
class GAState(SearchState):
    """One GA run: the generation's best (``params``, ``score``), the best ever, and the
    whole generation: its genomes and their fitness."""

    genomes: jax.Array  # (pop_size, n_weights)
    fitness: jax.Array  # (pop_size,)


def genetic(
    score_fn: Callable[[Any], jax.Array],
    *,
    init_params: Callable[[jax.Array], Any] | None = None,
    pop_size: int = 64,
    selection: str = "tournament",
    tournament_size: int = 3,
    truncation: float = 0.5,
    crossover: str = "uniform",
    mutation_prob: float = 0.1,
    step_size: float = 0.1,
    n_elites: int = 1,
    clip_max: float | None = None,
    redraw: bool = False,
) -> Algorithm:
    """A generational GA over flattened weights.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better.
        init_params: draws the first generation (as given to ``run``); ``None`` starts every
            individual from the given weights plus N(0, step_size) noise.
        pop_size: individuals per generation.
        selection: ``"tournament"`` (best of ``tournament_size`` drawn uniformly),
            ``"truncation"`` (uniform among the best ``truncation`` fraction) or
            ``"proportional"`` (probability proportional to score minus the generation's
            worst score: right for every metric, since scores are always higher-better).
        crossover: ``"uniform"`` (each gene from either parent), ``"one-point"`` (a cut
            in the flattened weights) or ``"none"`` (children are mutated copies).
        mutation_prob: probability that a gene gets N(0, step_size) noise.
        step_size: standard deviation of the mutation.
        n_elites: best individuals carried over unchanged and not evaluated again.
        clip_max: clip every weight to ``[-clip_max, clip_max]``.
        redraw: a mutated gene is drawn anew from U(-clip_max, clip_max) instead of moved
            by N(0, step_size) (mlrose's mutation; needs ``clip_max``).

    Each generation evaluates ``pop_size - n_elites`` children.
    """
    if init_params is not None and not callable(init_params):
        raise TypeError("init_params must be a callable key -> params")
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")
    pop_size, n_elites, static = _checked(
        pop_size, selection, crossover, tournament_size, truncation, mutation_prob, n_elites
    )
    step = jnp.asarray(check_float("step_size", step_size, positive=True), jnp.float32)
    clip_max = check_clip(clip_max)
    if not isinstance(redraw, bool) or (redraw and clip_max is None):
        raise ValueError(f"redraw must be True (with clip_max) or False; got {redraw!r}")
    return Algorithm(
        init=bind(_init, score_fn, step, init_params=init_params, pop_size=pop_size,
                  clip_max=clip_max),
        step=bind(_step, score_fn, step, n_elites=n_elites, clip_max=clip_max, redraw=redraw,
                  **static),
        traits=Traits(
            initial_evaluations=pop_size, evaluations_per_step=pop_size - n_elites, coupled=True,
            name="genetic", objective=score_fn,
        ),
    )  # fmt: skip


def _checked(pop_size, selection, crossover, tournament_size, truncation, mutation_prob,
             n_elites) -> tuple[int, int, dict]:  # fmt: skip
    """``(pop_size, n_elites, the step's other static settings)``, checked."""
    pop_size = check_int("pop_size", pop_size, minimum=2)
    check_choice("selection", selection, SELECTIONS)
    check_choice("crossover", crossover, CROSSOVERS)
    truncation = check_float("truncation", truncation, low=0.0, high=1.0)
    if truncation <= 0:
        raise ValueError("truncation must be > 0")
    n_elites = check_int("n_elites", n_elites, minimum=0)
    if n_elites >= pop_size:
        raise ValueError(f"n_elites ({n_elites}) must be < pop_size ({pop_size})")
    return (
        pop_size,
        n_elites,
        {
            "mutation_prob": check_float("mutation_prob", mutation_prob, low=0.0, high=1.0),
            "selection": selection,
            "tournament_size": check_int("tournament_size", tournament_size, minimum=1),
            "n_top": max(1, round(truncation * pop_size)),
            "crossover": crossover,
        },
    )


def _ranked(fitness: jax.Array) -> jax.Array:
    """Fitness with non-finite values ranked last."""
    return jnp.where(jnp.isfinite(fitness), fitness, -jnp.inf)


def _clip(genomes, clip_max):
    return genomes if clip_max is None else jnp.clip(genomes, -clip_max, clip_max)


def _generation_best(genomes, fitness, unravel, best_params, best_score):
    i = jnp.argmax(_ranked(fitness))
    params, score = unravel(genomes[i]), fitness[i]
    best_params, best_score = update_best(params, score, best_params, best_score)
    return params, score, best_params, best_score


def _init(score_fn, step_size, key, params, *, init_params, pop_size, clip_max) -> GAState:
    flat, unravel = ravel_pytree(params)
    keys = split(key, pop_size - 1)
    if init_params is None:
        others = flat + step_size * normal(key, (pop_size - 1, flat.size), flat.dtype)
    else:
        others = jax.vmap(lambda k: ravel_pytree(init_params(k))[0])(keys)
    genomes = _clip(jnp.concatenate([flat[None], others.astype(flat.dtype)]), clip_max)
    fitness = evaluate_many(score_fn, jax.vmap(unravel)(genomes))
    i = jnp.argmax(_ranked(fitness))
    best = unravel(genomes[i])
    return GAState(best, fitness[i], best, fitness[i], genomes, fitness)


def _select(key, fitness, n, *, selection, tournament_size, n_top):
    """Indices of ``n`` parents."""
    ranked = _ranked(fitness)
    pop = fitness.shape[0]
    if selection == "tournament":
        entrants = jax.random.randint(key, (n, tournament_size), 0, pop)
        return jnp.take_along_axis(entrants, jnp.argmax(ranked[entrants], axis=1)[:, None], axis=1)[
            :, 0
        ]
    if selection == "truncation":
        top = jnp.argsort(-ranked)[:n_top]
        return top[jax.random.randint(key, (n,), 0, n_top)]
    finite = jnp.isfinite(ranked)
    worst = jnp.min(jnp.where(finite, ranked, jnp.inf))
    weight = jnp.where(finite, ranked - worst, 0.0) + jnp.where(finite, 1e-12, 0.0)
    return jax.random.categorical(key, jnp.log(weight), shape=(n,))


def _mutate(k_mask, k_noise, children, bits, step_size, *, mutation_prob, clip_max, redraw):
    """Each gene mutates with probability ``mutation_prob``: N(0, step_size) noise added,
    or (``redraw``, mlrose's) a new value from U(-clip_max, clip_max); then clipping."""
    if redraw:
        moved = uniform(k_noise, children.shape, children.dtype, -clip_max, clip_max)
    else:
        noise = step_size * normal(k_noise, children.shape, children.dtype)
        moved = children + noise.astype(children.dtype)
    if mutation_prob < 1.0:  # static: every gene moves when it is 1, and no mask is drawn
        if bits is None:
            bits = bits32(k_mask, children.shape)
        # the top 31 bits (bit 0 may have chosen the parent): P(gene moves) = mutation_prob
        threshold = jnp.uint32(min(round(mutation_prob * 2.0**31), 2**31 - 1))
        moved = jnp.where((bits >> 1) < threshold, moved, children)
    return _clip(moved, clip_max)


def _step(
    score_fn,
    step_size,
    key,
    state: GAState,
    *,
    mutation_prob,
    selection,
    tournament_size,
    n_top,
    crossover,
    n_elites,
    clip_max,
    redraw,
):
    _, unravel = ravel_pytree(state.params)
    pop, n_genes = state.genomes.shape
    n_children = pop - n_elites
    k_sel, k_cross, k_mask, k_noise = split(key, 4)
    parents = _select(
        k_sel, state.fitness, 2 * n_children,
        selection=selection, tournament_size=tournament_size, n_top=n_top,
    )  # fmt: skip
    mother, father = state.genomes[parents[:n_children]], state.genomes[parents[n_children:]]
    bits = None
    if crossover == "none":
        take = jnp.ones((n_children, n_genes), bool)
    elif crossover == "uniform":  # one 32-bit draw per gene: bit 0 picks the parent and
        # the other 31 decide the mutation below (a second draw cost ~20% of a step)
        bits = bits32(k_cross, (n_children, n_genes))
        take = (bits & 1) == 1
    else:
        cut = jax.random.randint(k_cross, (n_children, 1), 0, n_genes + 1)
        take = jnp.arange(n_genes)[None, :] < cut
    children = jnp.where(take, mother, father)
    children = _mutate(k_mask, k_noise, children, bits, step_size, mutation_prob=mutation_prob,
                       clip_max=clip_max, redraw=redraw)  # fmt: skip
    child_fitness = evaluate_many(score_fn, jax.vmap(unravel)(children))
    elites = jnp.argsort(-_ranked(state.fitness))[:n_elites]
    genomes = jnp.concatenate([state.genomes[elites], children])
    fitness = jnp.concatenate([state.fitness[elites], child_fitness])
    params, score, best_params, best_score = _generation_best(
        genomes, fitness, unravel, state.best_params, state.best_score
    )
    best_child = jnp.max(_ranked(child_fitness))
    info = StepInfo(
        score=score,
        candidate_score=best_child,
        accepted=best_child >= state.score,
        n_evaluations=jnp.int32(n_children),
        n_nonfinite=jnp.sum(~jnp.isfinite(child_fitness)).astype(jnp.int32),
    )
    return GAState(params, score, best_params, best_score, genomes, fitness), info
