"""The options of ``jaxclimb compare`` and ``jaxclimb report``."""

from __future__ import annotations

from .shared import METRICS, TRANSFERS, cache_option, command, data_options, int_list

COMPARE_EXAMPLES = """examples:
  jaxclimb compare                               # hill-climb, annealing, genetic; 2 step sizes
  jaxclimb compare --algorithms hill-climb,annealing --step-sizes 0.05,0.1 \\
      --population 256 --steps 1000 --plot compare.png --json compare.json
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
    data_options(c)
    c.add_argument("--hidden", type=int_list, default=[10], help="hidden sizes (10)")
    c.add_argument(
        "--activation", default="sigmoid", choices=TRANSFERS[:-1], help="hidden transfer (sigmoid)"
    )
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
