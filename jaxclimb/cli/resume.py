"""``jaxclimb run --resume ckpt.npz``: the rule for the options given with it.

The search is the checkpoint's: its options come from the file. An option that would
change the search is refused, naming the flags and their saved values, unless it repeats
the saved value (so the first command line with ``--resume`` added works). Options that
only extend or place the run are taken: ``--steps`` (to run longer), ``--out``,
``--checkpoint``, ``--max-seconds``, ``--checkpoint-every``, ``--quiet``, ``--verbose`` and
the device and process options.
"""

from __future__ import annotations

import argparse

SEARCH_OPTIONS = (
    "data", "target", "test_size", "split_seed", "scale", "model", "hidden", "activation",
    "output", "init", "alpha", "metric", "algorithm", "budget", "population", "steps", "step_size",
    "max_attempts", "racing", "record_every", "seed", "precision",
)  # fmt: skip
"""What defines a search besides the algorithm options: saved in its checkpoint."""

PLACING = (
    "steps", "out", "checkpoint", "max_seconds", "checkpoint_every", "quiet", "verbose",
    "devices", "coordinator", "num_processes", "process_id", "no_compile_cache", "resume",
)  # fmt: skip
"""Options ``--resume`` takes: they extend the run, or say where and how it runs."""


def flag(name: str) -> str:
    """``step_size`` -> ``--step-size``."""
    return "--" + name.replace("_", "-")


def resumed_args(args: argparse.Namespace, search_options: tuple) -> argparse.Namespace:
    """``args`` with the search options saved in the checkpoint ``--resume`` names; a
    ValueError naming any given option that would change them."""
    from ..engine.checkpoint import load_checkpoint
    from .parser import build_parser

    try:
        user = load_checkpoint(args.resume)["meta"]["settings"].get("user_config", {})
    except ValueError as exc:
        raise ValueError(f"--resume {args.resume}: {exc}") from None
    if "cli" not in user:
        raise ValueError(
            f"--resume: {args.resume!r} was not written by jaxclimb run; resume it from Python "
            "with jaxclimb.resume(path, algorithm, init_params)"
        )
    saved, defaults = user["cli"], build_parser().parse_args(["run"])
    given = getattr(args, "given", set())
    changed = [
        name
        for name in sorted(set(given) & set(search_options) - set(PLACING))
        if getattr(args, name) != saved.get(name, getattr(defaults, name, None))
    ]
    made_by = f" (made by: {user['command']})" if user.get("command") else ""
    if changed:
        asked = ", ".join(f"{flag(n)} {_shown(getattr(args, n))}" for n in changed)
        kept = ", ".join(f"{flag(n)} {_shown(saved.get(n))}" for n in changed)
        raise ValueError(
            f"--resume {args.resume}: {asked} would change the search saved there ({kept})"
            f"{made_by}; --resume takes only --steps (to run longer), --out, --checkpoint, "
            "--max-seconds, --checkpoint-every, --quiet, --verbose and --devices"
        )
    merged = argparse.Namespace(**vars(args))
    saved = {"alpha": 0.0, **saved}  # written before --alpha: searched without a penalty
    for name, value in saved.items():
        setattr(merged, name, value)
    if "steps" in given and args.steps is not None and args.steps != saved.get("steps"):
        if args.steps < saved.get("steps", 0):
            raise ValueError(
                f"--steps {args.steps} is fewer than the {saved['steps']:,} steps saved in "
                f"{args.resume}; --resume only runs longer"
            )
        merged.steps = args.steps
    merged.extended = merged.steps != saved.get("steps")
    merged.checkpoint = args.checkpoint
    merged.budget = None if merged.extended else merged.budget
    return merged


def _shown(value) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return "(not given)" if value is None else str(value)


def resume_hint(args: argparse.Namespace, checkpoint: str) -> str:
    """The command that continues this run: the checkpoint and the original ``--out``."""
    words = ["jaxclimb", "run", "--resume", checkpoint]
    if args.out:
        words += ["--out", args.out]
    import shlex

    return shlex.join(words)
