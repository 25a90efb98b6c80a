"""``jaxclimb run``: one population of climbers on problem A or a CSV, and its summary.

With no options it runs REFERENCE.md problem A: an MLP 5-10-1 with sigmoid transfers and
U(0, 1) initial weights, 256 hill climbers of 1000 steps of size 0.1, accuracy maximised.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .._version import __version__
from .common import start_devices
from .data import GRADED
from .resume import SEARCH_OPTIONS as BASE_OPTIONS
from .resume import resume_hint, resumed_args

ALGORITHM_FLAGS = {  # option of algorithms.make: the command-line attribute
    "mutate_fraction": "mutate_fraction",
    "mutation": "mutation",
    "clip_max": "clip_max",
    "step_scale": "step_scale",
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
    "learning_rate": "learning_rate",
    "sigma_learning_rate": "sigma_learning_rate",
    "sigma_decay": "sigma_decay",
    "sigma_min": "sigma_min",
    "rank": "rank",
    "restarts": "restarts",
    "restart_patience": "restart_patience",
}


SEARCH_OPTIONS = (*BASE_OPTIONS, *ALGORITHM_FLAGS.values())
"""What defines a search: saved in its checkpoint, taken back by ``--resume``."""


def run_command(args: argparse.Namespace) -> int:
    """Build the network, objective and algorithm from the options, run, print, save."""
    if args.resume is not None:
        args = resumed_args(args, SEARCH_OPTIONS)
    _check_arguments(args)
    start_devices(args)
    import jax

    if jax.process_index() != 0:  # only process 0 prints and writes files
        args.quiet, args.out = True, None
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    net, score, algorithm, options, data = _build(args)
    settings = {"algorithm": args.algorithm, "step_size": args.step_size, **options,
                "search": args.search.to_config() if args.search else {"reason": "given"},
                "seed": args.seed, "data": data.source, "model": net.to_config(),
                "cli": {k: getattr(args, k) for k in (*SEARCH_OPTIONS, "search_steps")},
                "command": getattr(args, "command_line", None)}  # fmt: skip
    sizes = "-".join(map(str, net.layer_sizes))
    scaled = f", {data.scaling['kind']} scaling" if data.scaling else ""
    print(
        f"jaxclimb {__version__}: {args.algorithm} {args.population} x {args.steps} steps, "
        f"{args.model} {sizes} ({net.output} output), step size {args.step_size}, data "
        f"{data.source}{scaled}"
        + (f", precision {args.precision}" if args.precision != "float32" else "")
        + (f", resuming {args.resume}" if args.resume else "")
        + (f"\nsearch chosen for the budget: {args.search.describe()}" if args.search else ""),
        flush=True,
    )
    result = _search(args, algorithm, net, score, settings)
    if data.scaling is not None:  # back in the user's units: raw features in, raw targets out
        from .scaling import fold_into_result

        fold_into_result(result, data.scaling)
    if args.chosen_by is not None:  # a surrogate was searched: choose by the user's metric
        choose_by(result, args.chosen_by, data.raw[0], data.raw[2])
    return _finish(args, result, data.raw)


def choose_by(result, metric: str, X_train, y_train) -> None:
    """Record in ``result.config`` the climber best by ``metric`` on the training data
    (ties broken by the searched score); ``best_index`` and the summary follow it."""
    from ..estimators.fitting import choose

    values = result.evaluate(X_train, y_train, metric=metric)
    result.config.update(chosen=choose(values, result.best_score), chosen_by=f"train {metric}")


def _search(args: argparse.Namespace, algorithm, net, score, settings: dict):
    from ..engine import resume, run

    host = {"progress": not args.quiet, "verbose": args.verbose,
            "checkpoint_every": args.checkpoint_every, "max_seconds": args.max_seconds}  # fmt: skip
    start = time.perf_counter()
    if args.resume is not None:
        steps = args.steps if getattr(args, "extended", False) else None
        result = resume(args.resume, algorithm, net.init, score_fn=score, steps=steps,
                        checkpoint=args.checkpoint or args.resume, **host)  # fmt: skip
    else:
        result = run(args.seed, algorithm, net.init, population=args.population,
                     steps=args.steps, record_every=args.record_every,
                     max_attempts=args.max_attempts, score_fn=score, racing=args.racing,
                     config=settings, checkpoint=args.checkpoint, **host)  # fmt: skip
    if args.verbose:  # where the wall time went
        wall, compiled, searched = (
            time.perf_counter() - start,
            result.compile_seconds,
            result.run_seconds,
        )
        print(
            f"jaxclimb: run took {wall:.2f} s: compile {compiled:.2f} s, search "
            f"{searched:.2f} s, host {wall - compiled - searched:.2f} s",
            file=sys.stderr,
        )
    return result


def _finish(args: argparse.Namespace, result, data) -> int:
    """Print the table and save the result; a signal waits until both are done."""
    import numpy as np

    from ..engine.signals import deferred_interrupts, exit_status
    from ..report import keep_rows

    X_train, X_test, y_train, y_test = data
    status = exit_status(_signal_number(result)) if result.interrupted else 0
    with deferred_interrupts():
        if X_test is not None and np.isfinite(result.best_score).any():
            keep_rows(result, X_test, y_test, X_train, y_train)  # `jaxclimb report` shows them
        if args.out:  # first: nothing below may lose the result
            status = _save(result, args.out) or status
        if not np.isfinite(result.best_score).any():
            raise ValueError("no climber has a finite score: every evaluation was NaN or inf")
        print(result.summary(X_test, y_test, X_train=X_train, y_train=y_train))
        where = result.config.get("checkpoint")
        if result.interrupted or (where and result.config.get("stopped_by") == "max_seconds"):
            how = "interrupted" if result.interrupted else "stopped by --max-seconds"
            note = f"; continue it with: {resume_hint(args, where)}" if where else ""
            print(f"jaxclimb: {how} after {result.steps_run} steps{note}", file=sys.stderr)
        if result.config.get("checkpoint_error"):
            print(f"jaxclimb: warning: {result.config['checkpoint_error']}", file=sys.stderr)
    return status


def _signal_number(result) -> int:
    import signal

    return getattr(signal, result.config.get("signal") or "SIGINT")


def _save(result, path: str) -> int:
    """Save to ``path``; if that fails, to a fallback file it names (exit status 1)."""
    import tempfile

    try:
        print(f"saved {result.save(path)}")
        return 0
    except OSError as exc:
        fallback = os.path.join(tempfile.gettempdir(), f"jaxclimb-result-{os.getpid()}.npz")
        print(f"jaxclimb: error: could not write --out {path!r} ({exc}); the result is saved "
              f"in {result.save(fallback)}", file=sys.stderr)  # fmt: skip
        return 1


def _check_arguments(args: argparse.Namespace) -> None:
    """Paths writable and distinct, integers in range: before anything is computed."""
    from .._checks import check_float, check_int
    from .._files import check_writable

    for name in ("out", "checkpoint"):
        if getattr(args, name) is not None:
            setattr(args, name, check_writable(f"--{name}", getattr(args, name)))
    if args.out is not None and args.out in (args.checkpoint, args.resume):
        raise ValueError("--out must differ from the checkpoint: each would overwrite the other")
    limit = 2**31 - 1
    for name in ("population", "steps", "record_every", "budget"):
        if getattr(args, name) is not None:
            check_int(f"--{name.replace('_', '-')}", getattr(args, name), minimum=1,
                      maximum=limit if name != "budget" else None)  # fmt: skip
    if args.max_seconds is not None:
        check_float("--max-seconds", args.max_seconds, positive=True)
    for name in ("max_attempts", "checkpoint_every", "candidates", "pop_size", "elites"):
        if getattr(args, name) is not None:
            check_int(f"--{name.replace('_', '-')}", getattr(args, name), minimum=0,
                      maximum=limit)  # fmt: skip
    if args.racing is not None:
        check_int("--racing", args.racing, minimum=1, maximum=limit)
    check_int("--seed", args.seed, minimum=-(2**63), maximum=2**63 - 1)


def _build(args: argparse.Namespace) -> tuple:
    """``(network, objective, algorithm, the algorithm options given, data)``."""
    from ..algorithms import RESTART_OPTIONS, make
    from ..algorithms.defaults import minibatch_for
    from ..tasks import make_network, make_objective, task_of
    from .data import metric_rule, prepare, read_table
    from .scaling import check_foldable

    table = read_table(args)
    perceptron = args.model == "perceptron"
    hard = perceptron or args.output == "step"
    metric, args.chosen_by = metric_rule(
        args.metric, [args.algorithm], table[1], target=args.target, hard_output=hard
    )
    data = prepare(args, table, metric)
    X_train, _, y_train, y_test = data.search
    hidden = args.hidden if args.hidden is not None else (() if perceptron else (10,))
    task = task_of(y_train, metric, y_test=y_test)
    net = make_network(task, X_train.shape[1], hidden=hidden, activation=args.activation,
                       output=args.output, init=args.init, perceptron=perceptron)  # fmt: skip
    check_foldable(data.scaling, net.output)
    _choose_algorithm(args, net, metric)
    if args.search is not None and args.algorithm in GRADED and args.metric is None:
        metric, args.chosen_by = "log_loss", "accuracy"  # as a graded --algorithm searches
        task = task_of(y_train, metric, y_test=y_test)
    rows = minibatch_for(X_train.shape[0], net.n_weights, args.algorithm)
    score = make_objective(net, X_train, y_train, task=task, metric=metric, batch_size=rows,
                           precision=args.precision, evaluation=args.evaluation)  # fmt: skip
    options = {k: getattr(args, flag) for k, flag in ALGORITHM_FLAGS.items()}
    options = {k: v for k, v in options.items() if v is not None}
    _check_flags_apply(args.algorithm, options)
    if options.get("restarts", 0) < 0:
        raise ValueError(f"--restarts must be >= 0; got {options['restarts']}")
    plain = {k: v for k, v in options.items() if k not in RESTART_OPTIONS}
    _plan(args, net, make(args.algorithm, score, net.init, step_size=args.step_size, **plain))
    args.search_steps = getattr(args, "search_steps", None) or args.steps  # before --steps N
    if "restarts" in options and "restart_patience" not in options:
        options["round_steps"] = max(1, args.search_steps // (options["restarts"] + 1))  # mlrose
    algorithm = make(args.algorithm, score, net.init, step_size=args.step_size, **options)
    return net, score, algorithm, options, data


def _choose_algorithm(args: argparse.Namespace, net, metric: str) -> None:
    """No ``--algorithm``: the hill climber, or with ``--budget`` the search
    :func:`~jaxclimb.algorithms.defaults.choose_search` picks (kept in ``args.search``)."""
    args.search = None
    if args.algorithm is not None:
        return
    if args.budget is None or args.metric == "accuracy" or net.output == "step":
        # an ES needs a smooth surrogate: not with accuracy asked for or a step output
        args.algorithm = "hill-climb"
        return
    from ..algorithms.defaults import choose_search

    transfers = {net.output, *([net.activation] if isinstance(net.activation, str)
                               else net.activation)}  # fmt: skip
    smooth = metric != "accuracy" and "step" not in transfers
    chosen = choose_search(net.n_weights, args.budget, smooth=smooth, step_size=args.step_size)
    args.algorithm, args.search = chosen.algorithm, chosen
    if chosen.algorithm != "hill-climb":
        for option, value in chosen.options.items():  # those not given on the line
            flag = ALGORITHM_FLAGS.get(option)
            if flag is not None and getattr(args, flag, None) is None:
                setattr(args, flag, value)
        args.step_size = chosen.options.get("step_size", args.step_size)
        if args.population is None and args.steps is None:
            args.population = chosen.population


def _check_flags_apply(algorithm: str, options: dict) -> None:
    """An algorithm option given for an algorithm that does not take it: named by its flag."""
    from ..algorithms import REGISTRY, options_of

    for option in options:
        if option not in options_of(algorithm):
            flag = "--" + ALGORITHM_FLAGS[option].replace("_", "-")
            takers = ", ".join(n for n in REGISTRY if option in options_of(n))
            raise ValueError(f"{flag} does not apply to --algorithm {algorithm} (it applies "
                             f"to {takers})")  # fmt: skip


def _plan(args: argparse.Namespace, net, algorithm) -> None:
    """``--population`` and ``--steps``: as given, from ``--budget``, or the tutorial's."""
    if args.budget is None:
        args.population = 256 if args.population is None else args.population
        args.steps = 1000 if args.steps is None else args.steps
        return
    from ..algorithms.defaults import plan

    args.population, args.steps = plan(
        args.budget, net.n_weights, population=args.population, steps=args.steps,
        evaluations_per_step=algorithm.traits.evaluations_per_step,
    )  # fmt: skip
