"""The options of ``jaxclimb run`` (model, search, algorithm options, output) and what
every command's options share: the names offered as choices, the error that turns a
refused command line into one line, and the data and cache options.

It imports nothing but argparse, so ``jaxclimb -h`` answers at once; the names offered as
``choices`` are checked against the library's own tables by the test suite.
"""

from __future__ import annotations

import argparse

ALGORITHMS = ("hill-climb", "annealing", "genetic", "gradient", "es", "snes", "node-perturbation")
TRANSFERS = ("step", "sigmoid", "tanh", "relu", "identity", "softmax")
INITS = ("uniform", "symmetric", "normal", "glorot", "he")
METRICS = ("accuracy", "log_loss", "mse", "r2")
SCALINGS = ("standard", "minmax", "none")
PRECISIONS = ("float32", "tf32", "bfloat16")
EVALUATIONS = ("auto", "fused", "xla", "incremental")


class UsageError(ValueError):
    """A command line the parser refuses (reported in one line, exit status 2)."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are :class:`UsageError` (the caller prints them)."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def int_list(text: str) -> list[int]:
    """``"10,10"`` -> ``[10, 10]`` (at least one size, each >= 1)."""
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers; got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError(
            f"expected at least one layer size, e.g. 10 or 10,10; got {text!r} (a network "
            "without a hidden layer: --model perceptron)"
        )
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1; got {text!r}")
    return values


def command(sub, name: str, short: str, description: str, examples: str):
    """A subcommand with its one-line help, a description and usage examples."""
    return sub.add_parser(name, help=short, description=description, epilog=examples,
                          formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip


def data_options(p: argparse.ArgumentParser) -> None:
    """``--data``, ``--target``, the split and the scaling (``run`` and ``compare``)."""
    data = p.add_argument_group("data")
    data.add_argument("--data", metavar="FILE.csv", help="CSV with a header (default: problem A)")
    data.add_argument("--target", metavar="COLUMN", help="target column of --data")
    data.add_argument("--test-size", type=float, default=0.33, help="held-out fraction (0.33)")
    data.add_argument("--split-seed", type=int, default=1, help="train/test split seed (1)")
    data.add_argument(
        "--scale",
        choices=SCALINGS,
        default=None,
        help="feature scaling fitted on the training split, as a scikit-learn pipeline "
        "would: standard (default with --data; problem A is searched as the tutorial did, "
        "unscaled), minmax or none; regression targets are standardised for the search and "
        "reported in their own units; a saved result predicts from unscaled features",
    )


def cache_option(p: argparse.ArgumentParser) -> None:
    """``--no-compile-cache``."""
    p.add_argument(
        "--no-compile-cache",
        action="store_true",
        help="do not use JAX's persistent compilation cache (default: on, in "
        "~/.cache/jaxclimb/xla or $JAXCLIMB_COMPILE_CACHE; JAXCLIMB_COMPILE_CACHE=off "
        "turns it off too)",
    )


def model_options(p: argparse.ArgumentParser) -> None:
    model = p.add_argument_group("model")
    model.add_argument(
        "--model",
        choices=("mlp", "perceptron"),
        default="mlp",
        help="mlp (default) or perceptron (one step unit, no hidden layer)",
    )
    model.add_argument("--hidden", type=int_list, default=None, help="hidden sizes (10)")
    model.add_argument(
        "--output",
        default=None,
        choices=TRANSFERS,
        help="output transfer (default: sigmoid, softmax or identity)",
    )
    estimator_options(model)
    model.add_argument(
        "--metric",
        default=None,
        choices=METRICS,
        help="the metric searched. Default: accuracy on problem A (the tutorial's); "
        "log_loss, the climber then chosen by accuracy, for a classification --data or "
        "--algorithm gradient or es; r2 for a continuous --data target. gradient and es "
        "need log_loss, mse or r2 (the same rule as compare)",
    )


def estimator_options(p) -> None:
    """``--activation``, ``--init`` and ``--alpha``, whose defaults depend on ``--data``
    (``run`` and ``compare``: :func:`jaxclimb.cli.data.own_data_defaults`)."""
    p.add_argument(
        "--activation",
        default=None,
        choices=TRANSFERS[:-1],
        help="hidden transfer (default: tanh with --data, as the estimators; sigmoid on "
        "problem A, as the tutorial)",
    )
    p.add_argument(
        "--init",
        default=None,
        choices=INITS,
        help="initial weights (default: glorot with --data, as the estimators; uniform "
        "U(0, 1) on problem A, as the tutorial)",
    )
    p.add_argument(
        "--alpha",
        type=float,
        default=None,
        help="L2 penalty 0.5 * alpha * sum(w**2) / n_rows added to a searched log_loss, mse "
        "or r2 (scikit-learn's MLP meaning; default: 10 with --data, as the estimators; 0 "
        "on problem A)",
    )


def search_options(p: argparse.ArgumentParser) -> None:
    search = p.add_argument_group("search")
    search.add_argument(
        "--algorithm",
        default=None,
        choices=ALGORITHMS,
        help="hill-climb (default; with --budget, the search chosen for the network and "
        "objective, printed), annealing, genetic (--population runs of --pop-size), gradient "
        "(not accuracy), es or snes (evolution strategies: --population runs of --pop-size "
        "samples, --step-size is sigma; snes adapts one sigma per weight), node-perturbation "
        "(an evolution strategy in the units' pre-activations: --pop-size passes a step)",
    )
    search.add_argument(
        "--budget",
        type=int,
        default=None,
        help="objective evaluations to spend: --population and --steps not given are derived "
        "from it and the network's size",
    )
    search.add_argument("--population", type=int, default=None, help="climbers (256)")
    search.add_argument("--steps", type=int, default=None, help="steps per climber (1000)")
    search.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        help="stop at a chunk boundary after this many seconds of search, keeping the best",
    )
    search.add_argument("--step-size", type=float, default=0.1, help="mutation std (0.1)")
    search.add_argument("--max-attempts", type=int, default=None, help="stop after no gain")
    search.add_argument(
        "--racing",
        type=int,
        default=None,
        metavar="N",
        help="racing restarts: after N, 2N, 4N, ... steps the worse half of the climbers stop",
    )
    search.add_argument("--precision", default="float32", choices=PRECISIONS,
                        help="the search's products: float32 on every backend (default); "
                        "tf32, bfloat16: faster on a GPU, scores re-scored in float32")  # fmt: skip
    search.add_argument("--evaluation", default="auto", choices=EVALUATIONS,
                        help="auto (fastest measured), fused (Pallas kernel), xla, "
                        "incremental (unit moves from cached activations)")  # fmt: skip
    search.add_argument("--record-every", type=int, default=1, help="history thinning (1)")
    search.add_argument("--seed", type=int, default=0, help="search seed (0)")
    search.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    search.add_argument(
        "--coordinator", metavar="HOST:PORT", help="multi-process run: address of process 0"
    )
    search.add_argument("--num-processes", type=int, default=None, help="multi-process run")
    search.add_argument("--process-id", type=int, default=None, help="multi-process run")


def algorithm_options(p: argparse.ArgumentParser) -> None:
    """Options of one algorithm or another; giving one the algorithm does not take is an
    error (defaults are the algorithm's own)."""
    a = p.add_argument_group("algorithm options (each applies to the algorithms named)")
    a.add_argument("--mutate-fraction", type=float, help="hill-climb, annealing: move a fraction")
    a.add_argument(
        "--mutation",
        choices=("gaussian", "neighbour", "units"),
        help="hill-climb, annealing: gaussian (default), neighbour or units",
    )
    a.add_argument("--clip-max", type=float, help="clip weights to +/- this (mlrose)")
    a.add_argument(
        "--step-scale",
        choices=("fan-in",),
        help="hill-climb, annealing: fan-in moves a layer's weights by step / sqrt(fan-in), "
        "rescaled to the step on average (default: one step for all)",
    )
    a.add_argument("--accept", choices=("ge", "gt"), help="hill-climb: ge (>=, default) or gt")
    a.add_argument("--candidates", type=int, help="hill-climb: lambda of (1+lambda) (1)")
    a.add_argument(
        "--adaptive",
        action="store_true",
        default=None,
        help="hill-climb: 1/5 success rule step sizes",
    )
    a.add_argument("--restarts", type=int, help="hill-climb, annealing, gradient, es: rounds - 1")
    a.add_argument("--restart-patience", type=int, help="restart after N steps without gain")
    a.add_argument(
        "--schedule",
        choices=("geometric", "arithmetic", "exponential"),
        help="annealing: temperature schedule (geometric)",
    )
    a.add_argument("--init-temp", type=float, help="annealing: first temperature (1.0)")
    a.add_argument("--decay", type=float, help="annealing: the schedule's decay")
    a.add_argument("--min-temp", type=float, help="annealing: lowest temperature (0.001)")
    a.add_argument(
        "--pop-size", type=int, help="genetic, es, snes, node-perturbation: samples per run (64)"
    )
    a.add_argument("--mutation-prob", type=float, help="genetic: gene mutation rate (0.1)")
    a.add_argument(
        "--selection",
        choices=("tournament", "truncation", "proportional"),
        help="genetic: parent selection (tournament)",
    )
    a.add_argument(
        "--crossover", choices=("uniform", "one-point", "none"), help="genetic: crossover (uniform)"
    )
    a.add_argument("--elites", type=int, help="genetic: elites kept (1)")
    a.add_argument(
        "--optimizer", choices=("sgd", "adam"), help="gradient (sgd), es (adam): sgd or adam"
    )
    a.add_argument(
        "--learning-rate", type=float, help="es, snes, node-perturbation: the rate (0.03, 1, 0.003)"
    )
    a.add_argument("--sigma-learning-rate", type=float, help="snes: sigma's rate (paper's)")
    a.add_argument("--sigma-decay", type=float, help="es: sigma x this per step (1)")
    a.add_argument("--sigma-min", type=float, help="es: sigma's floor (0)")
    a.add_argument("--rank", type=int, help="es: low-rank perturbations of this rank (full)")


def output_options(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="results.npz", help="save the result")
    out.add_argument("--checkpoint", metavar="ckpt.npz", help="save the loop state here")
    out.add_argument(
        "--resume",
        metavar="ckpt.npz",
        help="continue the run whose --checkpoint this is; its search options come from "
        "the file, and an option that would change the search (--population, --hidden, "
        "--data, --algorithm, --seed, --step-size, ...) is refused unless it repeats the "
        "saved value; allowed: --steps N (run longer), --out, --checkpoint, --max-seconds, "
        "--checkpoint-every, --quiet, --verbose, --devices",
    )
    out.add_argument("--checkpoint-every", type=int, default=None, help="steps between saves")
    out.add_argument("--quiet", action="store_true", help="no progress bar")
    out.add_argument("--verbose", action="store_true", help="log '>step score' improvements")
