"""Defaults for large networks: one node-perturbation or low-rank ES run, and minibatch rows.

From :data:`LARGE_NETWORK` weights a full-rank weight perturbation costs every member a
whole forward pass, and its direction is mostly noise. An objective of the built-in MLP
with a row-wise metric gets node perturbation (:mod:`jaxclimb.algorithms.nodes`: the
units' pre-activations perturbed, a direction per row); any other gets a rank-1
perturbation, which shares the product ``X W`` between the members
(:mod:`jaxclimb.evaluation.lowrank`). Chosen on the 784-64-10 stand-in of
``benchmarks/large.py`` (benchmarks/README.md, "Networks of realistic size").

Example:
    >>> minibatch_for(5_000, 50_890, "es"), minibatch_for(5_000, 50_890, "hill-climb")
    (512, None)
    >>> minibatch_for(150, 19, "es"), minibatch_for(100_000, 19, "hill-climb")
    (None, 8192)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .._checks import check_int
from ..evaluation.objectives import AUTO_BATCH_SIZE, AUTO_MINIBATCH_ROWS

LARGE_NETWORK = 10_000
"""From this many weights the default is one node-perturbation or low-rank ES run (smooth
or not)."""

LOWRANK_OPTIONS = {"pop_size": 256, "rank": 1, "learning_rate": 0.01}
"""The low-rank ES of a large network (``benchmarks/large.py``, 784-64-10): rank 1 with
256 members (better per evaluation than 64), Adam's rate 0.01 (0.03 stalled)."""

NODE_OPTIONS = {"pop_size": 64, "learning_rate": 0.003}
"""Node perturbation on a large network (``benchmarks/large.py``, 784-64-10, minibatches of
512 rows, sigma 0.1): 64 passes a step reached the test accuracy of 256 in a quarter of
the time; Adam's rate 0.003 (0.01 overfitted: test 0.876 against 0.912)."""

LOWRANK_STEP_DIVISOR = 10
"""A large network's ES perturbs by ``step_size`` divided by this (0.01 for the default 0.1:
0.03 and 0.1 stalled on the 784-input stand-in, whose fan-in multiplies the noise)."""

MINIBATCH_FROM = 100_000_000
"""Rows x weights of one full-batch evaluation above which a distribution search (ES,
SNES) scores per-step minibatches under ``batch_size="auto"``."""

MINIBATCH_ROWS = 512
"""Rows of such a minibatch (evosax's and EvoJAX's image examples use 1,024; 512 on the
784-64-10 stand-in, benchmarks/large.py)."""

MINIBATCH_SEARCHES = ("es", "snes", "node-perturbation")
"""Searches that estimate a direction from many members: a minibatch shared by a step's
members costs them little. Single-point climbers keep full batches (their incremental
evaluation needs fixed rows), unless the rows alone are many."""


def large_network_search(n: int, budget: int, step_size: float, keyed: bool, why: str,
                         distribution: Callable, nodes: bool = False):  # fmt: skip
    """One node-perturbation run where the objective offers it (``nodes``:
    :data:`NODE_OPTIONS`, sigma ``step_size``), else one low-rank ES run
    (:data:`LOWRANK_OPTIONS`, sigma ``step_size`` divided by :data:`LOWRANK_STEP_DIVISOR`),
    planned by ``distribution`` (the rule table's budget arithmetic: a smaller population
    when the budget is small, every evaluation counted)."""
    if nodes:
        why = f"{why}: a large network, node perturbation"
        choice = distribution("node-perturbation", NODE_OPTIONS["pop_size"], step_size, budget,
                              keyed, why)  # fmt: skip
        rate = {"learning_rate": NODE_OPTIONS["learning_rate"]}
        return dataclasses.replace(choice, options={**choice.options, **rate})
    sigma = step_size / LOWRANK_STEP_DIVISOR
    why = f"{why}: a large network, low-rank perturbations"
    choice = distribution("es", LOWRANK_OPTIONS["pop_size"], sigma, budget, keyed, why)
    extra = {k: v for k, v in LOWRANK_OPTIONS.items() if k != "pop_size"}
    return dataclasses.replace(choice, options={**choice.options, **extra})


def minibatch_for(n_rows: int, n_weights: int, algorithm: str) -> int | None:
    """Rows per step's minibatch for ``batch_size="auto"`` (None: all rows): a distribution
    search gets :data:`MINIBATCH_ROWS` rows when ``n_rows * n_weights`` exceeds
    :data:`MINIBATCH_FROM`; any search gets the objective's
    :data:`~jaxclimb.evaluation.objectives.AUTO_BATCH_SIZE` rows beyond
    :data:`~jaxclimb.evaluation.objectives.AUTO_MINIBATCH_ROWS` rows."""
    n_rows = check_int("n_rows", n_rows, minimum=1)
    n_weights = check_int("n_weights", n_weights, minimum=1)
    large = n_rows * n_weights > MINIBATCH_FROM and n_rows > MINIBATCH_ROWS
    if algorithm in MINIBATCH_SEARCHES and large:
        return MINIBATCH_ROWS
    return AUTO_BATCH_SIZE if n_rows > AUTO_MINIBATCH_ROWS else None
