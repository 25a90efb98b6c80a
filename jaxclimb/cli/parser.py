"""The argument parser of ``jaxclimb run | compare | report``.

The options live by command: :mod:`.run_options` (``run``), :mod:`.compare_options`
(``compare`` and ``report``) and :mod:`.shared` (data, cache, the names offered as
choices). All of them import nothing but argparse, so ``jaxclimb -h`` answers at once.
"""

from __future__ import annotations

import argparse

from .._version import __version__
from .compare_options import compare_parser, report_parser
from .run_options import algorithm_options, model_options, output_options, search_options
from .shared import (  # noqa: F401 - the names the test suite checks against the library
    ALGORITHMS,
    EVALUATIONS,
    INITS,
    METRICS,
    PRECISIONS,
    SCALINGS,
    TRANSFERS,
    Parser,
    UsageError,
    cache_option,
    command,
    data_options,
    int_list,
)

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
