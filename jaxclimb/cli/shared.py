"""What the parsers of every command share: the names offered as choices, the error
that turns a refused command line into one line, and the data and cache options.

It imports nothing but argparse, so ``jaxclimb -h`` answers at once; the names offered as
``choices`` are checked against the library's own tables by the test suite.
"""

from __future__ import annotations

import argparse

ALGORITHMS = ("hill-climb", "annealing", "genetic", "gradient", "es", "snes")
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
