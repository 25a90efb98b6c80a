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
from .resume import resumed_args

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
                **({"alpha": args.alpha} if getattr(args, "penalised", None) else {}),
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
    searched = result  # in search units, for the table: 1e20 targets stay within float32
    if data.scaling is not None:  # back in the user's units: raw features in, raw targets out
        import copy

        from .scaling import fold_into_result

        searched = copy.copy(result)  # shares config: the choice and the rows reach both
        fold_into_result(result, data.scaling)
    from .finish import finish

    ties = getattr(args, "penalised", None) or f"the train {result.metric}"
    return finish(args, (result, searched), data, args.chosen_by, ties)


def _search(args: argparse.Namespace, algorithm, net, score, settings: dict):
    from ..engine import resume, run

    host = {"progress": not args.quiet, "verbose": args.verbose,
            "checkpoint_every": args.checkpoint_every, "max_seconds": args.max_seconds}  # fmt: skip
    start = time.perf_counter()
    if args.resume is not None:
        steps = args.steps if getattr(args, "extended", False) else None
        try:
            result = resume(args.resume, algorithm, net.init, score_fn=score, steps=steps,
                            checkpoint=args.checkpoint or args.resume, **host)  # fmt: skip
        except ValueError as exc:
            raise ValueError(_not_resumable(args, exc)) from None
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


def _not_resumable(args: argparse.Namespace, exc: ValueError) -> str:
    """A checkpoint that does not fit, in the command line's words."""
    differ = getattr(exc, "differ", [])
    if args.data is not None and "the data" in differ:
        return (f"--resume {args.resume}: --data {args.data} has changed since the checkpoint "
                "was written (its rows differ from the saved run's); resume with the file as "
                "it was, or start a new run without --resume")  # fmt: skip
    return f"--resume {args.resume}: {exc}"


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
    from ..tasks import make_network, task_of
    from .data import metric_rule, objective, own_data_defaults, prepare, read_table
    from .scaling import check_foldable

    own_data_defaults(args)
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
    score = objective(args, net, task, metric, X_train, y_train)
    options = {k: getattr(args, flag) for k, flag in ALGORITHM_FLAGS.items()}
    options = {k: v for k, v in options.items() if v is not None}
    _check_flags_apply(args.algorithm, options)
    if args.search and args.algorithm == "hill-climb" and "mutate_fraction" not in options:
        scaled = {k: v for k, v in args.search.options.items() if k != "step_size"}
        options = {**scaled, **options}  # the estimators' climber: ~1% moved, the 1/5 rule
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
        args.pop_size = chosen.options["pop_size"] if args.pop_size is None else args.pop_size
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
