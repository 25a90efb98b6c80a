"""``jaxclimb compare`` and ``jaxclimb report``."""

from __future__ import annotations

import argparse
import os

from ._checks import check_output_folders


def _floats(text: str, name: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated numbers; got {text!r}") from None


def run_compare(args: argparse.Namespace) -> int:
    """Run the configurations, print one table, write the files asked for."""
    from .sharding import use_cpu_cores

    check_output_folders(args, "plot", "json", "csv")
    use_cpu_cores(args.devices)

    from . import datasets
    from .algorithms import REGISTRY
    from .compare import compare
    from .objectives import METRICS

    if args.metric not in METRICS:
        raise ValueError(f"--metric must be one of {', '.join(METRICS)}; got {args.metric!r}")
    algorithms = [a.strip() for a in args.algorithms.split(",") if a.strip()]
    for name in algorithms:
        if name not in REGISTRY:
            raise ValueError(f"--algorithms: {name!r} is not one of {', '.join(REGISTRY)}")
    step_sizes = _floats(args.step_sizes, "--step-sizes")
    if not step_sizes or any(s <= 0 for s in step_sizes):
        raise ValueError(f"--step-sizes must be numbers > 0; got {args.step_sizes!r}")
    if args.population < 1 or args.steps < 1:
        raise ValueError("--population and --steps must be >= 1")
    *data, _ = datasets.from_options(
        args.data, args.target, args.metric, test_size=args.test_size, split_seed=args.split_seed
    )
    target = args.target_score
    if target is None and args.metric == "accuracy":
        target = 0.85
    configs = []
    for name in algorithms:
        for step in step_sizes:
            config = {"algorithm": name, "population": args.population, "step_size": step}
            if name == "genetic":  # independent GA runs of 64 individuals, same budget
                config.update(population=max(1, args.population // 64), pop_size=64)
            configs.append(config)
    budget = args.population * args.steps
    print(f"comparing {len(configs)} configurations at {budget:,} evaluations each, seed "
          f"{args.seed}", flush=True)  # fmt: skip
    result = compare(configs, data, budget=budget, seed=args.seed, target=target,
                     metric=args.metric, hidden=tuple(args.hidden), activation=args.activation,
                     progress=not args.quiet)  # fmt: skip
    print(result.format_table())
    if args.json:
        print(f"wrote {result.to_json(args.json)}")
    if args.csv:
        print(f"wrote {result.to_csv(args.csv)}")
    if args.plot:
        from .plots import plot_comparison

        print(f"wrote {plot_comparison(result, args.plot)}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Print the summary of a saved run (and plot it)."""
    from .results import SearchResult

    if not os.path.isfile(args.path):
        raise ValueError(f"{args.path!r} does not exist")
    try:
        result = SearchResult.load(args.path)
    except (KeyError, OSError) as exc:
        raise ValueError(f"{args.path!r} is not a saved jaxclimb result ({exc})") from None
    print(f"{args.path}: {result.config.get('algorithm', 'run')}, {result.population} climbers, "
          f"{result.steps_run} steps")  # fmt: skip
    print(result.summary())
    check_output_folders(args, "plot")
    if args.plot:
        from .plots import plot_result

        print(f"wrote {plot_result(result, args.plot)}")
    return 0
