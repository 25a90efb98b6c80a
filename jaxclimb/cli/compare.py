"""``jaxclimb compare`` (configurations at an equal budget) and ``jaxclimb report``."""

from __future__ import annotations

import argparse
import os
import warnings

from .common import check_output_folders, load_data, start_devices


def _floats(text: str, name: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated numbers; got {text!r}") from None


def _configs(args: argparse.Namespace) -> list[dict]:
    """One configuration per algorithm and step size; a GA's population is split into
    independent runs of 64 individuals, for the same budget; with ``--racing`` each one
    twice, plain and raced."""
    from ..algorithms import REGISTRY

    algorithms = [a.strip() for a in args.algorithms.split(",") if a.strip()]
    for name in algorithms:
        if name not in REGISTRY:
            raise ValueError(f"--algorithms: {name!r} is not one of {', '.join(REGISTRY)}")
    step_sizes = _floats(args.step_sizes, "--step-sizes")
    if not step_sizes or any(s <= 0 for s in step_sizes):
        raise ValueError(f"--step-sizes must be numbers > 0; got {args.step_sizes!r}")
    if args.population < 1 or args.steps < 1:
        raise ValueError("--population and --steps must be >= 1")
    if args.racing is not None and args.racing < 1:
        raise ValueError(f"--racing must be >= 1; got {args.racing}")
    configs = []
    for name in algorithms:
        for step in step_sizes:
            config = {"algorithm": name, "population": args.population, "step_size": step}
            if name == "genetic":
                config.update(population=max(1, args.population // 64), pop_size=64)
            configs.append(config)
            if args.racing is not None:  # the same, raced, for the same budget
                configs.append({**config, "racing": args.racing})
    return configs


def compare_command(args: argparse.Namespace) -> int:
    """Run the configurations, print one table, write the files asked for."""
    check_output_folders(args, "plot", "json", "csv")
    if args.plot:
        from ..plots import require_matplotlib

        require_matplotlib()  # before the comparison, not after it
    start_devices(args)
    from ..comparison import compare

    configs = _configs(args)
    *data, source = load_data(args, args.metric)
    target = args.target_score
    if target is None and args.metric == "accuracy":
        target = 0.85
    budget = args.population * args.steps
    print(f"comparing {len(configs)} configurations at {budget:,} evaluations each, seed "
          f"{args.seed}", flush=True)  # fmt: skip
    with warnings.catch_warnings():  # too few runs: the table says so in its last line
        warnings.simplefilter("ignore", UserWarning)
        result = compare(configs, data, budget=budget, seed=args.seed, target=target,
                         metric=args.metric, hidden=tuple(args.hidden),
                         activation=args.activation, progress=None if not args.quiet else False,
                         data_name=source)  # fmt: skip
    print(result.format_table())
    if args.json:
        print(f"wrote {result.to_json(args.json)}")
    if args.csv:
        print(f"wrote {result.to_csv(args.csv)}")
    if args.plot:
        from ..plots import plot_comparison

        plot_comparison(result, args.plot)
        print(f"wrote {args.plot}")
    return 0


def report_command(args: argparse.Namespace) -> int:
    """Print the summary of a saved run (and plot it)."""
    from ..results import SearchResult

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
        from ..plots import plot_run

        plot_run(result, args.plot)
        print(f"wrote {args.plot}")
    return 0
