"""``jaxclimb run``: one population of climbers on problem A or a CSV, and its summary.

With no options it runs REFERENCE.md problem A: an MLP 5-10-1 with sigmoid transfers and
U(0, 1) initial weights, 256 hill climbers of 1000 steps of size 0.1, accuracy maximised.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from typing import Any

from .._version import __version__
from .data import GRADED, penalised_choice
from .resume import SEARCH_OPTIONS as BASE_OPTIONS
from .resume import resumed_args
from .runtime import start_devices

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
    built = _build(args)
    net, plan, data = built.net, built.plan, built.data
    settings = {"algorithm": plan.name, "step_size": args.step_size, **built.options,
                "search": plan.choice.to_config() if plan.choice else {"reason": "given"},
                "seed": args.seed, "data": data.source, "model": net.to_config(),
                **({"alpha": args.alpha} if getattr(args, "penalised", None) else {}),
                "cli": built.recorded(args),
                "command": getattr(args, "command_line", None)}  # fmt: skip
    sizes = "-".join(map(str, net.layer_sizes))
    scaled = f", {data.scaling['kind']} scaling" if data.scaling else ""
    print(
        f"jaxclimb {__version__}: {plan.name} {plan.population} x {plan.steps} steps, "
        f"{args.model} {sizes} ({net.output} output), step size {args.step_size}, data "
        f"{data.source}{scaled}"
        + (f", precision {args.precision}" if args.precision != "float32" else "")
        + (f", resuming {args.resume}" if args.resume else "")
        + (f"\nsearch chosen for the budget: {plan.choice.describe()}" if plan.choice else ""),
        flush=True,
    )
    result = _search(args, built, settings)
    searched = result  # in search units, for the table: 1e20 targets stay within float32
    if data.scaling is not None:  # back in the user's units: raw features in, raw targets out
        import copy

        from ..datasets.scaling import fold_into_result

        searched = copy.copy(result)  # shares config: the choice and the rows reach both
        fold_into_result(result, data.scaling)
    from .finish import finish

    ties = getattr(args, "penalised", None) or f"the train {result.metric}"
    return finish(args, (result, searched), data, built.chosen_by, ties)


def _search(args: argparse.Namespace, built: Built, settings: dict):
    from ..engine import resume, run

    algorithm, init, score, plan = built.plan.algorithm, built.net.init, built.score, built.plan
    host = {"progress": not args.quiet, "verbose": args.verbose,
            "checkpoint_every": args.checkpoint_every, "max_seconds": args.max_seconds}  # fmt: skip
    start = time.perf_counter()
    if args.resume is not None:
        steps = plan.steps if getattr(args, "extended", False) else None
        try:
            result = resume(args.resume, algorithm, init, score_fn=score, steps=steps,
                            checkpoint=args.checkpoint or args.resume, **host)  # fmt: skip
        except ValueError as exc:
            raise ValueError(_not_resumable(args, exc)) from None
    else:
        result = run(args.seed, algorithm, init, population=plan.population,
                     steps=plan.steps, record_every=args.record_every,
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


@dataclasses.dataclass(frozen=True)
class Built:
    """What ``jaxclimb run`` searches: the network, the objective, the planned search, the
    algorithm options (as given, with what the plan added), the data, the metric the
    climber is chosen by (None: the searched one) and the steps restarts share."""

    net: Any
    score: Any
    plan: Any
    options: dict
    data: Any
    chosen_by: str | None
    search_steps: int

    def recorded(self, args: argparse.Namespace) -> dict:
        """The options as a checkpoint records them for ``--resume``: as given, with what
        the plan decided."""
        plan, pop_size = self.plan, self.options.get("pop_size", args.pop_size)
        chosen = {"algorithm": plan.name, "population": plan.population, "steps": plan.steps,
                  "pop_size": pop_size}  # fmt: skip
        return {**{k: getattr(args, k) for k in SEARCH_OPTIONS}, **chosen,
                "search_steps": self.search_steps}  # fmt: skip


def _build(args: argparse.Namespace) -> Built:
    """The network, the objective and the search of ``args``, planned."""
    from ..algorithms.large import minibatch_for
    from ..algorithms.planner import plan_search
    from ..datasets.scaling import check_foldable
    from ..datasets.tasks import make_network, task_of
    from .data import metric_rule, objective, own_data_defaults, prepare, read_table

    own_data_defaults(args)
    table = read_table(args)
    perceptron = args.model == "perceptron"
    hard = perceptron or args.output == "step"
    metric, chosen_by = metric_rule(
        args.metric, [args.algorithm], table[1], target=args.target, hard_output=hard
    )
    data = prepare(args, table, metric)
    X_train, _, y_train, y_test = data.search
    hidden = args.hidden if args.hidden is not None else (() if perceptron else (10,))
    task = task_of(y_train, metric, y_test=y_test)
    net = make_network(task, X_train.shape[1], hidden=hidden, activation=args.activation,
                       output=args.output, init=args.init, perceptron=perceptron)  # fmt: skip
    check_foldable(data.scaling, net.output)
    flags = {k: getattr(args, flag) for k, flag in ALGORITHM_FLAGS.items()}
    flags = {k: v for k, v in flags.items() if v is not None}
    if flags.get("restarts", 0) < 0:
        raise ValueError(f"--restarts must be >= 0; got {flags['restarts']}")

    scores = []

    def searched(name: str):
        nonlocal metric, task, chosen_by
        _check_flags_apply(name, flags)
        if args.algorithm is None and name in GRADED and args.metric is None:
            metric, chosen_by = "log_loss", "accuracy"  # as a graded --algorithm searches
            task = task_of(y_train, metric, y_test=y_test)
        rows = minibatch_for(X_train.shape[0], net.n_weights, name)
        scores.append(objective(args, net, task, metric, X_train, y_train, rows))  # --alpha
        chosen_by = penalised_choice(args, metric, chosen_by)  # a regression: train R²
        return scores[-1]

    # an ES needs a smooth surrogate: not with accuracy asked for or a step output
    climb = args.budget is None or args.metric == "accuracy" or net.output == "step"
    chosen = args.algorithm is None and not climb  # as the estimators: ~1% moved, 1/5 rule
    planned = plan_search(
        net, searched, metric=metric, budget=args.budget,
        algorithm=args.algorithm or ("hill-climb" if climb else None), options=flags,
        population=args.population, steps=args.steps, step_size=args.step_size,
        scaled=chosen and "mutate_fraction" not in flags,
        rounds_of=getattr(args, "search_steps", None),  # a resumed search: its own steps
    )  # fmt: skip
    options = {k: v for k, v in planned.options.items() if k != "step_size"}
    search_steps = getattr(args, "search_steps", None) or planned.steps  # before --steps N
    return Built(net, scores[-1], planned, options, data, chosen_by, search_steps)


def _check_flags_apply(algorithm: str, options: dict) -> None:
    """An algorithm option given for an algorithm that does not take it: named by its flag."""
    from ..algorithms import REGISTRY, options_of

    for option in options:
        if option not in options_of(algorithm):
            flag = "--" + ALGORITHM_FLAGS[option].replace("_", "-")
            takers = ", ".join(n for n in REGISTRY if option in options_of(n))
            raise ValueError(f"{flag} does not apply to --algorithm {algorithm} (it applies "
                             f"to {takers})")  # fmt: skip
