"""The argument parser of ``jaxclimb run | compare | report``.

The options of ``compare`` and ``report`` are here; those of ``run`` and what every
command shares (data, cache, the names offered as choices) in :mod:`.options`. Both import
nothing but argparse, so ``jaxclimb -h`` answers at once.
"""

from __future__ import annotations

import argparse

from .._version import __version__
from .options import (  # noqa: F401 - the choices: the names the test suite checks
    ALGORITHMS,
    EVALUATIONS,
    INITS,
    METRICS,
    PRECISIONS,
    SCALINGS,
    TRANSFERS,
    Parser,
    UsageError,
    algorithm_options,
    cache_option,
    command,
    data_options,
    estimator_options,
    int_list,
    model_options,
    output_options,
    search_options,
)

COMPARE_EXAMPLES = """examples:
  jaxclimb compare                               # hill-climb, annealing, genetic; 2 step sizes
  jaxclimb compare --algorithms hill-climb,annealing --step-sizes 0.05,0.1 \\
      --population 256 --steps 1000 --plot compare.png --json compare.json
  jaxclimb compare --data data.csv --target label  # tanh, glorot, --alpha 10, as run --data
"""
REPORT_EXAMPLES = """examples:
  jaxclimb run --out results.npz && jaxclimb report results.npz --plot run.png
"""


def compare_parser(sub) -> None:
    c = command(
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
    c.add_argument(
        "--steps",
        type=int,
        default=1000,
        help="steps per climber (1000); each configuration's budget = population x steps, "
        "with --data too (not the estimators' budget)",
    )
    c.add_argument(
        "--racing", type=int, default=None, metavar="N", help="also each one raced (rounds of N)"
    )
    c.add_argument(
        "--target-score",
        type=float,
        default=None,
        help="metric value to reach on the training data, for success rates and ERT (0.85 "
        "for accuracy; the searched score, with --alpha penalised)",
    )
    c.add_argument("--seed", type=int, default=0, help="search seed (0)")
    data_options(c)
    c.add_argument("--hidden", type=int_list, default=[10], help="hidden sizes (10)")
    estimator_options(c)  # --activation, --init, --alpha: with --data, the estimators'
    c.add_argument(
        "--metric",
        default=None,
        choices=METRICS,
        help="the metric searched and compared, by run's rule: accuracy on problem A, "
        "log_loss for a classification --data or when gradient or es is compared, r2 for a "
        "continuous --data target; checked for every configuration before any runs",
    )
    c.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    c.add_argument("--plot", metavar="compare.png", help="write the plots here")
    c.add_argument("--json", metavar="compare.json", help="write the statistics here")
    c.add_argument("--csv", metavar="compare.csv", help="write the table here")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    cache_option(c)


def report_parser(sub) -> None:
    """``jaxclimb report results.npz [--plot report.png]``."""
    report = command(
        sub,
        "report",
        "print (and plot) a saved run",
        "Print the table of a run saved with `jaxclimb run --out`.",
        REPORT_EXAMPLES,
    )
    report.add_argument("path", metavar="results.npz", help="a result saved by run --out")
    report.add_argument("--plot", metavar="report.png", help="write a plot of the run here")


DESCRIPTION = "Gradient-free, population-based optimisation of neural-network weights in JAX."
RUN_EXAMPLES = """examples:
  jaxclimb run                                   # problem A, 256 climbers x 1000 steps
  jaxclimb run --model perceptron --step-size 0.05
  jaxclimb run --algorithm annealing --hidden 10,10 --out results.npz
  jaxclimb run --data data.csv --target label --metric log_loss --quiet
  jaxclimb run --data prices.csv --target price      # regression: r2, targets standardised
  jaxclimb run --checkpoint ckpt.npz --out r.npz
      # then, after Ctrl-C: jaxclimb run --resume ckpt.npz --out r.npz [--steps 5000]
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = Parser(prog="jaxclimb", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"jaxclimb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    r = command(
        sub,
        "run",
        "run a population of climbers (any algorithm) and print a summary",
        "Run a population of climbers and print a table across them.",
        RUN_EXAMPLES,
    )
    data_options(r)
    model_options(r)
    search_options(r)
    algorithm_options(r)
    output_options(r)
    cache_option(r)
    compare_parser(sub)
    report_parser(sub)
    return parser


def given_options(argv: list[str]) -> set[str]:
    """The destinations of the options ``argv`` gives explicitly (whatever their value,
    abbreviations included): the parse of ``argv`` with every default suppressed."""
    parser = build_parser()
    for action in parser._subparsers._group_actions[0].choices.values():
        for option in action._actions:
            option.default = argparse.SUPPRESS
    return set(vars(parser.parse_args(argv))) - {"command"}
