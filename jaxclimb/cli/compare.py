"""``jaxclimb compare`` (configurations at an equal budget) and ``jaxclimb report``."""

from __future__ import annotations

import argparse
import signal
import sys
import warnings

from .runtime import check_output_folders, start_devices, write_or_fall_back


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
    """Check everything, run the configurations, print one table, write the files."""
    check_output_folders(args, "plot", "json", "csv")
    if args.plot:
        from ..results.plots import require_matplotlib

        require_matplotlib()  # before the comparison, not after it
    configs = _configs(args)
    from .data import metric_rule, own_data_defaults, prepare, read_table

    own_data_defaults(args)  # with --data, the estimators' transfer, init and L2 penalty
    table = read_table(args)
    algorithms = [c["algorithm"] for c in configs]
    metric, chosen_by = metric_rule(args.metric, algorithms, table[1], target=args.target)
    data = prepare(args, table, metric)  # every configuration checked: now the work
    start_devices(args)
    model, chosen_by = _model(args, data, metric, chosen_by)
    from ..comparison import compare

    target = args.target_score
    if target is None and metric == "accuracy":
        target = 0.85
    budget = args.population * args.steps
    print(f"comparing {len(configs)} configurations at {budget:,} evaluations each, seed "
          f"{args.seed}, metric {metric}\n{_network(args, model[0], data)}",
          flush=True)  # fmt: skip
    with warnings.catch_warnings():  # too few runs: the table says so in its last line
        warnings.simplefilter("ignore", UserWarning)
        try:
            result = compare(configs, data.search, budget=budget, seed=args.seed,
                             target=target, metric=metric, model=model,
                             data_name=data.source, chosen_by=chosen_by,
                             progress=None if not args.quiet else False)  # fmt: skip
        except KeyboardInterrupt as stop:  # before any configuration finished
            signum = stop.args[0] if stop.args else signal.SIGINT
            print(f"jaxclimb: stopped by {signal.Signals(signum).name} before any "
                  "configuration finished; nothing to report", file=sys.stderr)  # fmt: skip
            return 128 + signum
    if data.scaling is not None:
        _in_user_units(result, data.scaling)
    print(result.format_table(), flush=True)
    status = _write_files(args, result)
    if result.stopped_by is None:
        return status
    print(f"jaxclimb: {result.stopped_by}: the comparison stopped; the table and files hold "
          "what finished, marked partial", file=sys.stderr)  # fmt: skip
    return 128 + getattr(signal, result.stopped_by)


def _model(args: argparse.Namespace, data, metric: str, chosen_by: str | None) -> tuple:
    """``((net, score_fn), chosen_by)``: the network and the objective every configuration
    searches, built as ``run`` builds them (``--activation``, ``--init``, the L2 penalty
    ``--alpha``: :func:`.data.objective`), and the metric the climber is chosen by."""
    from ..datasets.tasks import make_network, task_of
    from .data import objective, penalised_choice

    X_train, _, y_train, y_test = data.search
    task = task_of(y_train, metric, y_test=y_test)
    net = make_network(task, X_train.shape[1], hidden=tuple(args.hidden),
                       activation=args.activation, init=args.init)  # fmt: skip
    score = objective(args, net, task, metric, X_train, y_train)
    return (net, score), penalised_choice(args, metric, chosen_by)


def _network(args: argparse.Namespace, net, data) -> str:
    """The header's second line: the network, the penalty and the data, as ``run`` says
    them."""
    sizes = "-".join(map(str, net.layer_sizes))
    penalty = (
        f"L2 penalty alpha {args.alpha:g}" if getattr(args, "penalised", None) else "no penalty"
    )
    scaled = f", {data.scaling['kind']} scaling" if data.scaling else ""
    return (f"mlp {sizes} ({args.activation} hidden, {net.output} output, {args.init} init), "
            f"{penalty}, data {data.source}{scaled}")  # fmt: skip


def _in_user_units(comparison, scaling: dict) -> None:
    """Every configuration's numbers in the target's own units (MSE times its variance)."""
    from ..datasets.scaling import fold_into_result

    factor = (scaling["target"] or {}).get("std", 1.0) ** 2 if comparison.metric == "mse" else 1
    for entry in comparison.entries:
        fold_into_result(entry.result, scaling)
        entry.train = entry.train * factor
        entry.test = None if entry.test is None else entry.test * factor


def _write_files(args: argparse.Namespace, result) -> int:
    """The files asked for; one that cannot be written goes to a named fallback file."""
    status = 0
    if args.json:
        status |= write_or_fall_back("--json", args.json, result.to_json)
    if args.csv:
        status |= write_or_fall_back("--csv", args.csv, result.to_csv)
    if args.plot:
        from ..results.plots import plot_comparison

        status |= write_or_fall_back("--plot", args.plot, lambda p: plot_comparison(result, p))
    return status


def report_command(args: argparse.Namespace) -> int:
    """Print the summary of a saved run (and plot it)."""
    from ..results import SearchResult

    check_output_folders(args, "plot")
    if args.plot:
        from ..results.plots import require_matplotlib

        require_matplotlib()
    _not_a_checkpoint(args.path)
    try:
        result = SearchResult.load(args.path)
    except (KeyError, OSError) as exc:
        raise ValueError(f"{args.path!r} is not a saved jaxclimb result ({exc})") from None
    print(f"{args.path}: {result.config.get('algorithm', 'run')}, {result.population} climbers, "
          f"{result.steps_run} steps")  # fmt: skip
    print(result.summary())
    if args.plot:
        from ..results.plots import plot_run

        return write_or_fall_back("--plot", args.plot, lambda p: plot_run(result, p))
    return 0


def _not_a_checkpoint(path: str) -> None:
    """A checkpoint given where a result is expected: say what it is and how to turn it
    into a result."""
    from .._files import read_npz

    try:
        meta, _ = read_npz(path, "saved jaxclimb result")
    except ValueError:
        return  # SearchResult.load says what is wrong with it
    settings = meta.get("settings")
    if "key_impl" not in meta or not isinstance(settings, dict):
        return
    done, total = settings.get("steps_run", 0), settings.get("steps", 0)
    state = "finished" if settings.get("finished") else f"at step {done:,} of {total:,}"
    raise ValueError(f"{path!r} is a checkpoint of a search ({state}), not a result; turn it "
                     f"into one with: jaxclimb run --resume {path} --out result.npz")  # fmt: skip
