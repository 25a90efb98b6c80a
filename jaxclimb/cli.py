"""Command line: ``jaxclimb run`` (and ``python -m jaxclimb run``).

With no options it runs REFERENCE.md problem A: an MLP 5-10-1 with sigmoid transfers and
U(0, 1) initial weights, 256 hill climbers of 1000 steps of size 0.1, accuracy maximised.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from ._checks import check_output_folders

DESCRIPTION = "Gradient-free, population-based optimisation of neural-network weights in JAX."


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers; got {text!r}"
        ) from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1; got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="jaxclimb", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"jaxclimb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "run", help="run a population of climbers (any algorithm) and print a summary"
    )
    data = r.add_argument_group("data")
    data.add_argument("--data", metavar="FILE.csv", help="CSV with a header (default: problem A)")
    data.add_argument("--target", metavar="COLUMN", help="target column of --data")
    data.add_argument("--test-size", type=float, default=0.33, help="held-out fraction (0.33)")
    data.add_argument("--split-seed", type=int, default=1, help="train/test split seed (1)")
    model = r.add_argument_group("model")
    model.add_argument("--model", choices=("mlp", "perceptron"), default="mlp")
    model.add_argument("--hidden", type=_int_list, default=[10], help="hidden sizes, e.g. 10,10")
    model.add_argument("--activation", default="sigmoid", help="hidden transfer (sigmoid)")
    model.add_argument(
        "--output", default=None, help="output transfer (default: sigmoid, softmax or identity)"
    )
    model.add_argument("--init", default="uniform", help="uniform|normal|glorot|he (uniform)")
    model.add_argument(
        "--metric",
        default=None,
        help="accuracy|log_loss|mse|r2 (accuracy; log_loss for --algorithm gradient)",
    )
    search = r.add_argument_group("search")
    search.add_argument(
        "--algorithm",
        default="hill-climb",
        help="hill-climb (default), annealing, genetic (--population independent runs of "
        "--pop-size) or gradient (needs --metric log_loss, mse or r2)",
    )
    search.add_argument("--population", type=int, default=256, help="climbers (256)")
    search.add_argument("--steps", type=int, default=1000, help="steps per climber (1000)")
    search.add_argument("--step-size", type=float, default=0.1, help="mutation std (0.1)")
    search.add_argument("--mutate-fraction", type=float, default=None, help="move a fraction")
    search.add_argument("--accept", default="ge", help="ge (>=, the tutorial) or gt (>)")
    search.add_argument("--mutation", default="gaussian", help="gaussian or neighbour")
    search.add_argument("--clip-max", type=float, default=None, help="clip weights (mlrose)")
    search.add_argument("--restarts", type=int, default=None, help="rounds - 1 (mlrose)")
    search.add_argument(
        "--restart-patience", type=int, default=None, help="restart after N steps w/o gain"
    )
    search.add_argument("--pop-size", type=int, default=64, help="genetic: individuals (64)")
    search.add_argument("--mutation-prob", type=float, default=0.1, help="genetic (0.1)")
    search.add_argument("--selection", default="tournament", help="genetic: tournament|...")
    search.add_argument("--crossover", default="uniform", help="genetic: uniform|one-point")
    search.add_argument("--elites", type=int, default=1, help="genetic: elites kept (1)")
    search.add_argument("--optimizer", default="sgd", help="gradient: sgd or adam")
    search.add_argument("--candidates", type=int, default=1, help="lambda of (1+lambda) (1)")
    search.add_argument("--adaptive", action="store_true", help="1/5 success rule steps")
    search.add_argument("--schedule", default="geometric", help="annealing: geometric|...")
    search.add_argument("--init-temp", type=float, default=1.0, help="annealing (1.0)")
    search.add_argument("--decay", type=float, default=None, help="annealing decay")
    search.add_argument("--min-temp", type=float, default=0.001, help="annealing (0.001)")
    search.add_argument("--max-attempts", type=int, default=None, help="stop after no gain")
    search.add_argument("--record-every", type=int, default=1, help="history thinning (1)")
    search.add_argument("--seed", type=int, default=0, help="search seed (0)")
    search.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    search.add_argument(
        "--coordinator", metavar="HOST:PORT", help="multi-process run: address of process 0"
    )
    search.add_argument("--num-processes", type=int, default=None, help="multi-process run")
    search.add_argument("--process-id", type=int, default=None, help="multi-process run")
    out = r.add_argument_group("output")
    out.add_argument("--out", metavar="results.npz", help="save the result")
    out.add_argument("--checkpoint", metavar="ckpt.npz", help="save the loop state here")
    out.add_argument("--checkpoint-every", type=int, default=None, help="steps between saves")
    out.add_argument("--quiet", action="store_true", help="no progress bar")
    out.add_argument("--verbose", action="store_true", help="log '>step score' improvements")
    _add_compare_parsers(sub)
    return parser


def _add_compare_parsers(sub) -> None:
    c = sub.add_parser("compare", help="compare configurations at an equal evaluation budget")
    c.add_argument(
        "--algorithms",
        default="hill-climb,annealing,genetic",
        help="comma-separated algorithm names (hill-climb,annealing,genetic)",
    )
    c.add_argument("--step-sizes", default="0.05,0.1", help="comma-separated (0.05,0.1)")
    c.add_argument(
        "--population",
        type=int,
        default=256,
        help="climbers per configuration; genetic: runs of 64 individuals (256)",
    )
    c.add_argument("--steps", type=int, default=1000, help="budget = population x steps")
    c.add_argument(
        "--target-score",
        type=float,
        default=None,
        help="metric value to reach, for success rates and ERT (0.85 for accuracy)",
    )
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--data", metavar="FILE.csv")
    c.add_argument("--target", metavar="COLUMN", help="target column of --data")
    c.add_argument("--test-size", type=float, default=0.33)
    c.add_argument("--split-seed", type=int, default=1)
    c.add_argument("--hidden", type=_int_list, default=[10])
    c.add_argument("--activation", default="sigmoid")
    c.add_argument("--metric", default="accuracy")
    c.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    c.add_argument("--plot", metavar="compare.png", help="write the plots here")
    c.add_argument("--json", metavar="compare.json", help="write the statistics here")
    c.add_argument("--csv", metavar="compare.csv", help="write the table here")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    r = sub.add_parser("report", help="print (and plot) a saved run")
    r.add_argument("path", metavar="results.npz")
    r.add_argument("--plot", metavar="report.png", help="write a plot of the run here")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``jaxclimb`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "compare":
            from ._cli_compare import run_compare

            return run_compare(args)
        if args.command == "report":
            from ._cli_compare import run_report

            return run_report(args)
        return _run(args)
    except (ValueError, TypeError) as exc:
        print(f"jaxclimb: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jaxclimb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or similar: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _run(args: argparse.Namespace) -> int:
    from .sharding import use_cpu_cores

    check_output_folders(args, "out", "checkpoint")
    if args.devices is not None and args.devices < 1:
        raise ValueError(f"--devices must be >= 1; got {args.devices}")
    use_cpu_cores(args.devices)  # before JAX starts: one CPU device per core
    if args.coordinator or args.num_processes or args.process_id is not None:
        from .distributed import initialize

        initialize(args.coordinator, args.num_processes, args.process_id)
    import jax

    lead = jax.process_index() == 0  # only process 0 prints and writes files
    if not lead:
        args.quiet, args.out = True, None
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process

    import numpy as np

    from . import datasets
    from .algorithms import REGISTRY
    from .networks import MLP
    from .objectives import METRICS, make_score_fn
    from .runner import run

    if args.metric is None:
        args.metric = "log_loss" if args.algorithm == "gradient" else "accuracy"
    if args.metric not in METRICS:
        raise ValueError(f"--metric must be one of {', '.join(METRICS)}; got {args.metric!r}")
    classification = METRICS[args.metric].classification
    X_train, X_test, y_train, y_test, source = datasets.from_options(
        args.data, args.target, args.metric, test_size=args.test_size, split_seed=args.split_seed
    )
    n_features = X_train.shape[1]
    if classification:
        n_classes = int(max(np.max(y_train), np.max(y_test))) + 1
        if len(np.unique(y_train)) < 2:
            raise ValueError("the training data hold a single class; classification needs two")
        n_out = 1 if n_classes == 2 else n_classes
        default_output = (
            ("step" if args.model == "perceptron" else "sigmoid") if n_out == 1 else "softmax"
        )
    else:
        n_out = 1 if np.ndim(y_train) == 1 else np.shape(y_train)[1]
        default_output = "identity"
    output = args.output or default_output
    hidden = [] if args.model == "perceptron" else args.hidden
    net = MLP(
        (n_features, *hidden, n_out), activation=args.activation, output=output, init=args.init
    )
    score = make_score_fn(net, X_train, y_train, metric=args.metric)
    algorithm, options = _algorithm(REGISTRY, score, args, net.init)
    sizes = "-".join(map(str, net.layer_sizes))
    settings = {
        "algorithm": args.algorithm,
        **options,
        "seed": args.seed,
        "data": source,
        "model": net.to_config(),
    }
    print(
        f"jaxclimb {__version__}: {args.algorithm} {args.population} x {args.steps} steps, "
        f"{args.model} {sizes} ({output} output), step size {args.step_size}, data {source}",
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


def _algorithm(registry, score, args: argparse.Namespace, init_params):
    """Build the chosen algorithm from the options that apply to it."""
    from .algorithms import with_restarts

    if args.algorithm not in registry:
        raise ValueError(
            f"--algorithm must be one of {', '.join(registry)}; got {args.algorithm!r}"
        )
    options = {"step_size": args.step_size, "clip_max": args.clip_max}
    if args.algorithm in ("hill-climb", "annealing"):
        options.update(mutate_fraction=args.mutate_fraction, mutation=args.mutation)
    if args.algorithm == "genetic":
        options.update(
            pop_size=args.pop_size,
            mutation_prob=args.mutation_prob,
            selection=args.selection,
            crossover=args.crossover,
            n_elites=args.elites,
        )
    elif args.algorithm == "gradient":
        options.update(optimizer=args.optimizer)
    elif args.algorithm == "hill-climb":
        options.update(accept=args.accept, n_candidates=args.candidates, adaptive=args.adaptive)
    elif args.algorithm == "annealing":
        options.update(
            schedule=args.schedule,
            init_temp=args.init_temp,
            decay=args.decay,
            min_temp=args.min_temp,
        )
    extra = {"init_params": init_params} if args.algorithm == "genetic" else {}
    algorithm = registry[args.algorithm](score, **options, **extra)
    if args.restarts is not None or args.restart_patience is not None:
        if args.restarts is not None and args.restarts < 0:
            raise ValueError(f"--restarts must be >= 0; got {args.restarts}")
        rounds = None
        if args.restart_patience is None:  # mlrose: k + 1 equal rounds
            rounds = max(1, args.steps // (args.restarts + 1))
        algorithm = with_restarts(
            algorithm,
            init_params,
            patience=args.restart_patience,
            round_steps=rounds,
            max_restarts=args.restarts,
        )
        options.update(restarts=args.restarts, restart_patience=args.restart_patience)
    return algorithm, options
