"""``jaxclimb run``: one population of climbers on problem A or a CSV, and its summary.

With no options it runs REFERENCE.md problem A: an MLP 5-10-1 with sigmoid transfers and
U(0, 1) initial weights, 256 hill climbers of 1000 steps of size 0.1, accuracy maximised.
"""

from __future__ import annotations

import argparse
import os
import sys

from .._version import __version__
from .common import check_output_folders, load_data, start_devices

ALGORITHM_FLAGS = {  # option of algorithms.make: the command-line attribute
    "mutate_fraction": "mutate_fraction",
    "mutation": "mutation",
    "clip_max": "clip_max",
    "accept": "accept",
    "n_candidates": "candidates",
    "adaptive": "adaptive",
    "schedule": "schedule",
    "init_temp": "init_temp",
    "decay": "decay",
    "min_temp": "min_temp",
    "pop_size": "pop_size",
    "mutation_prob": "mutation_prob",
    "selection": "selection",
    "crossover": "crossover",
    "n_elites": "elites",
    "optimizer": "optimizer",
    "restarts": "restarts",
    "restart_patience": "restart_patience",
}


def run_command(args: argparse.Namespace) -> int:
    """Build the network, objective and algorithm from the options, run, print, save."""
    check_output_folders(args, "out", "checkpoint")
    start_devices(args)
    import jax

    if jax.process_index() != 0:  # only process 0 prints and writes files
        args.quiet, args.out = True, None
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    from ..engine import run

    net, score, algorithm, options, data = _build(args)
    X_train, X_test, y_train, y_test, source = data
    sizes = "-".join(map(str, net.layer_sizes))
    settings = {
        "algorithm": args.algorithm,
        "step_size": args.step_size,
        **options,
        "seed": args.seed,
        "data": source,
        "model": net.to_config(),
    }
    print(
        f"jaxclimb {__version__}: {args.algorithm} {args.population} x {args.steps} steps, "
        f"{args.model} {sizes} ({net.output} output), step size {args.step_size}, data {source}",
        flush=True,
    )
    result = run(
        args.seed,
        algorithm,
        net.init,
        population=args.population,
        steps=args.steps,
        record_every=args.record_every,
        max_attempts=args.max_attempts,
        score_fn=score,
        progress=not args.quiet,
        verbose=args.verbose,
        config=settings,
        checkpoint=args.checkpoint,
        checkpoint_every=args.checkpoint_every,
    )
    print(result.summary(X_test, y_test, X_train=X_train, y_train=y_train))
    if args.out:
        print(f"saved {result.save(args.out)}")
    if result.interrupted:
        where = result.config.get("checkpoint")
        note = f"; the search state is in {where} (jaxclimb.resume continues it)" if where else ""
        print(f"jaxclimb: interrupted after {result.steps_run} steps{note}", file=sys.stderr)
    return 130 if result.interrupted else 0


def _build(args: argparse.Namespace) -> tuple:
    """``(network, objective, algorithm, the algorithm options given, data)``."""
    from ..algorithms import make
    from ..tasks import make_network, make_objective, task_of

    metric = args.metric or ("log_loss" if args.algorithm == "gradient" else "accuracy")
    data = load_data(args, metric)
    X_train, _, y_train, y_test, _ = data
    task = task_of(y_train, metric, y_test=y_test)
    perceptron = args.model == "perceptron"
    hidden = args.hidden if args.hidden is not None else (() if perceptron else (10,))
    net = make_network(
        task,
        X_train.shape[1],
        hidden=hidden,
        activation=args.activation,
        output=args.output,
        init=args.init,
        perceptron=perceptron,
    )
    score = make_objective(net, X_train, y_train, task=task, metric=metric)
    options = {k: getattr(args, flag) for k, flag in ALGORITHM_FLAGS.items()}
    options = {k: v for k, v in options.items() if v is not None}
    if options.get("restarts", 0) < 0:
        raise ValueError(f"--restarts must be >= 0; got {options['restarts']}")
    if "restarts" in options and "restart_patience" not in options:
        options["round_steps"] = max(1, args.steps // (options["restarts"] + 1))  # mlrose
    algorithm = make(args.algorithm, score, net.init, step_size=args.step_size, **options)
    return net, score, algorithm, options, data
