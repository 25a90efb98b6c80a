"""The argument parser of ``jaxclimb run | compare | report``.

It imports nothing but argparse, so ``jaxclimb -h`` answers at once; the names offered as
``choices`` are checked against the library's own tables by the test suite.
"""

from __future__ import annotations

import argparse

from .._version import __version__

DESCRIPTION = "Gradient-free, population-based optimisation of neural-network weights in JAX."
ALGORITHMS = ("hill-climb", "annealing", "genetic", "gradient", "es")
TRANSFERS = ("step", "sigmoid", "tanh", "relu", "identity", "softmax")
INITS = ("uniform", "symmetric", "normal", "glorot", "he")
METRICS = ("accuracy", "log_loss", "mse", "r2")
PRECISIONS = ("float32", "tf32", "bfloat16")


RUN_EXAMPLES = """examples:
  jaxclimb run                                   # problem A, 256 climbers x 1000 steps
  jaxclimb run --model perceptron --step-size 0.05
  jaxclimb run --algorithm annealing --hidden 10,10 --out results.npz
  jaxclimb run --data data.csv --target label --metric log_loss --quiet
  jaxclimb run --checkpoint ckpt.npz   # then, after Ctrl-C: jaxclimb run --resume ckpt.npz
"""
COMPARE_EXAMPLES = """examples:
  jaxclimb compare                               # hill-climb, annealing, genetic; 2 step sizes
  jaxclimb compare --algorithms hill-climb,annealing --step-sizes 0.05,0.1 \\
      --population 256 --steps 1000 --plot compare.png --json compare.json
"""
REPORT_EXAMPLES = """examples:
  jaxclimb run --out results.npz && jaxclimb report results.npz --plot run.png
"""


class UsageError(ValueError):
    """A command line the parser refuses (reported in one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def int_list(text: str) -> list[int]:
    """``"10,10"`` -> ``[10, 10]`` (sizes >= 1)."""
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
    parser = _Parser(prog="jaxclimb", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"jaxclimb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    r = _command(
        sub,
        "run",
        "run a population of climbers (any algorithm) and print a summary",
        "Run a population of climbers and print a table across them.",
        RUN_EXAMPLES,
    )
    _data_options(r)
    _model_options(r)
    _search_options(r)
    _algorithm_options(r)
    _output_options(r)
    _cache_option(r)
    _compare_parser(sub)
    report = _command(
        sub,
        "report",
        "print (and plot) a saved run",
        "Print the table of a run saved with `jaxclimb run --out`.",
        REPORT_EXAMPLES,
    )
    report.add_argument("path", metavar="results.npz", help="a result saved by run --out")
    report.add_argument("--plot", metavar="report.png", help="write a plot of the run here")
    return parser


def _command(sub, name: str, short: str, description: str, examples: str):
    """A subcommand with its one-line help, a description and usage examples."""
    return sub.add_parser(name, help=short, description=description, epilog=examples,
                          formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip


def _data_options(p: argparse.ArgumentParser) -> None:
    data = p.add_argument_group("data")
    data.add_argument("--data", metavar="FILE.csv", help="CSV with a header (default: problem A)")
    data.add_argument("--target", metavar="COLUMN", help="target column of --data")
    data.add_argument("--test-size", type=float, default=0.33, help="held-out fraction (0.33)")
    data.add_argument("--split-seed", type=int, default=1, help="train/test split seed (1)")


def _model_options(p: argparse.ArgumentParser) -> None:
    model = p.add_argument_group("model")
    model.add_argument(
        "--model",
        choices=("mlp", "perceptron"),
        default="mlp",
        help="mlp (default) or perceptron (one step unit, no hidden layer)",
    )
    model.add_argument("--hidden", type=int_list, default=None, help="hidden sizes (10)")
    model.add_argument(
        "--activation", default="sigmoid", choices=TRANSFERS[:-1], help="hidden transfer (sigmoid)"
    )
    model.add_argument(
        "--output",
        default=None,
        choices=TRANSFERS,
        help="output transfer (default: sigmoid, softmax or identity)",
    )
    model.add_argument("--init", default="uniform", choices=INITS, help="initial weights")
    model.add_argument(
        "--metric",
        default=None,
        choices=METRICS,
        help="the metric searched: accuracy on problem A (the tutorial's); with --data, "
        "--algorithm gradient or es, log_loss is searched and the climber chosen by accuracy "
        "unless this says otherwise; mse or r2 for a regression target",
    )


def _search_options(p: argparse.ArgumentParser) -> None:
    search = p.add_argument_group("search")
    search.add_argument(
        "--algorithm",
        default="hill-climb",
        choices=ALGORITHMS,
        help="hill-climb (default), annealing, genetic (--population "
        "independent runs of --pop-size), gradient (log_loss, mse or r2: not accuracy) or es "
        "(an evolution strategy: --population runs of --pop-size perturbations, --step-size "
        "is sigma)",
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
    search.add_argument("--racing", type=int, default=None, metavar="N",
                        help="racing restarts: after N, 2N, 4N, ... steps the worse half "
                        "of the climbers stop")  # fmt: skip
    search.add_argument("--precision", default="float32", choices=PRECISIONS,
                        help="the search's products: float32 on every backend (default); "
                        "tf32, bfloat16: faster on a GPU, scores re-scored in float32")  # fmt: skip
    search.add_argument("--record-every", type=int, default=1, help="history thinning (1)")
    search.add_argument("--seed", type=int, default=0, help="search seed (0)")
    search.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    search.add_argument(
        "--coordinator", metavar="HOST:PORT", help="multi-process run: address of process 0"
    )
    search.add_argument("--num-processes", type=int, default=None, help="multi-process run")
    search.add_argument("--process-id", type=int, default=None, help="multi-process run")


def _algorithm_options(p: argparse.ArgumentParser) -> None:
    """Options of one algorithm or another; giving one the algorithm does not take is an
    error (defaults are the algorithm's own)."""
    a = p.add_argument_group("algorithm options (each applies to the algorithms named)")
    a.add_argument("--mutate-fraction", type=float, help="hill-climb, annealing: move a fraction")
    a.add_argument(
        "--mutation",
        choices=("gaussian", "neighbour"),
        help="hill-climb, annealing: gaussian (default) or neighbour",
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
    a.add_argument("--pop-size", type=int, help="genetic, es: individuals per run (64)")
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
    a.add_argument("--learning-rate", type=float, help="es: the mean's learning rate (0.03)")
    a.add_argument("--sigma-decay", type=float, help="es: sigma x this per step (1)")
    a.add_argument("--sigma-min", type=float, help="es: sigma's floor (0)")


def _output_options(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="results.npz", help="save the result")
    out.add_argument("--checkpoint", metavar="ckpt.npz", help="save the loop state here")
    out.add_argument(
        "--resume",
        metavar="ckpt.npz",
        help="continue the interrupted run whose --checkpoint this is (its search "
        "options are taken from the file)",
    )
    out.add_argument("--checkpoint-every", type=int, default=None, help="steps between saves")
    out.add_argument("--quiet", action="store_true", help="no progress bar")
    out.add_argument("--verbose", action="store_true", help="log '>step score' improvements")


def _cache_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-compile-cache",
        action="store_true",
        help="do not use JAX's persistent compilation cache (default: on, in "
        "~/.cache/jaxclimb/xla or $JAXCLIMB_COMPILE_CACHE; JAXCLIMB_COMPILE_CACHE=off "
        "turns it off too)",
    )


def _compare_parser(sub) -> None:
    c = _command(
        sub,
        "compare",
        "compare configurations at an equal evaluation budget",
        "Run every algorithm x step size at an equal budget of evaluations and print "
        "one row of statistics per configuration.",
        COMPARE_EXAMPLES,
    )
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
        "--racing", type=int, default=None, metavar="N", help="also each one raced (rounds of N)"
    )
    c.add_argument(
        "--target-score",
        type=float,
        default=None,
        help="metric value to reach, for success rates and ERT (0.85 for accuracy)",
    )
    c.add_argument("--seed", type=int, default=0, help="search seed (0)")
    _data_options(c)
    c.add_argument("--hidden", type=int_list, default=[10], help="hidden sizes (10)")
    c.add_argument(
        "--activation", default="sigmoid", choices=TRANSFERS[:-1], help="hidden transfer (sigmoid)"
    )
    c.add_argument("--metric", default="accuracy", choices=METRICS, help="(accuracy)")
    c.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    c.add_argument("--plot", metavar="compare.png", help="write the plots here")
    c.add_argument("--json", metavar="compare.json", help="write the statistics here")
    c.add_argument("--csv", metavar="compare.csv", help="write the table here")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    _cache_option(c)
