"""Saved results checked on load: every field of the header of its kind, the metric and
network it names known, the arrays of the shapes the header says, the header as it was
saved (a digest), and a checkpoint given in place of a result named as one.

Example:
    >>> header_digest({"a": 1, "b": [1.5]}) == header_digest({"b": [1.5], "a": 1})
    True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

RESULT_ARRAYS = ("best_score", "final_score", "history", "history_steps")
RESULT_COUNTS = ("n_accepted", "n_evaluations", "n_nonfinite", "n_steps")
RESULT_SCALARS = ("steps_run", "stopped_early", "interrupted", "compile_seconds", "run_seconds")


class IsACheckpointError(ValueError):
    """A checkpoint (a run's loop state) was given where a saved result was expected; the
    message says how to turn it into a result."""


def header_digest(meta: dict) -> str:
    """A digest of a header's JSON (its ``digest`` field left out)."""
    text = json.dumps({k: v for k, v in meta.items() if k != "digest"}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def checked_result(meta: dict, stored: dict, path: str) -> tuple[dict, list]:
    """The arrays and weight leaves of a saved result, checked against its header: a
    ValueError naming the file and the field for anything missing, of the wrong kind, or
    not matching the arrays (an :class:`IsACheckpointError` for a checkpoint)."""
    if "settings" in meta and "key_impl" in meta:
        raise IsACheckpointError(_checkpoint_message(meta, path))
    missing = [k for k in (*RESULT_SCALARS, "config", "params") if k not in meta]
    missing += [k for k in RESULT_ARRAYS + RESULT_COUNTS if k not in stored]
    if missing:
        raise ValueError(f"{path!r} is not a saved jaxclimb result: {missing[0]!r} is missing")
    if "digest" in meta and meta["digest"] != header_digest(meta):
        raise ValueError(f"{path!r} has a header that was changed after it was saved (its "
                         "digest does not match); save the result again instead of editing "
                         "it")  # fmt: skip
    _check_header(meta, path)
    arrays = {name: stored[name] for name in RESULT_ARRAYS + RESULT_COUNTS}
    n_leaves = sum(1 for name in stored if name.startswith("params_"))
    leaves = [stored.get(f"params_{i}") for i in range(n_leaves)]
    population = arrays["best_score"].shape[:1]
    wrong = [k for k in ("final_score", *RESULT_COUNTS) if arrays[k].shape != population]
    if arrays["history"].shape != population + arrays["history_steps"].shape:
        wrong.append("history")
    wrong += [f"params_{i}" for i, x in enumerate(leaves) if x is None or x.shape[:1] != population]
    if wrong:
        raise ValueError(
            f"{path!r} does not hold together: {wrong[0]!r} does not match "
            f"{population[0] if population else 0} climbers (was it edited?)"
        )
    if "model" in meta:
        _check_model(meta["model"], leaves, path)
    return arrays, leaves


def _checkpoint_message(meta: dict, path: str) -> str:
    settings = meta["settings"] if isinstance(meta["settings"], dict) else {}
    done, total = settings.get("steps_run", "?"), settings.get("steps", "?")
    return (
        f"{path!r} is a jaxclimb checkpoint (a run's state at step {done} of {total}), not a "
        "saved result: resume it to get one, from the command line with `jaxclimb run "
        f"--resume {path} --out result.npz`, or in Python with `jaxclimb.resume({path!r}, "
        "algorithm, init_params).save('result.npz')` (the algorithm and init_params of the "
        "run that wrote it)"
    )


_SCALAR_KINDS = {"steps_run": (int,), "stopped_early": (bool,), "interrupted": (bool,),
                 "compile_seconds": (int, float), "run_seconds": (int, float)}  # fmt: skip


def _check_header(meta: dict, path: str) -> None:
    """The header's fields are of their kinds and name a known metric and output kind."""
    from ..evaluation.metrics import METRICS, OUTPUT_KINDS

    def refuse(field: str, value: Any, expected: str):
        raise ValueError(f"{path!r} has a bad header: {field} is {value!r}; expected "
                         f"{expected} (was the file edited?)")  # fmt: skip

    for field, kinds in _SCALAR_KINDS.items():
        value = meta[field]
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            refuse(field, value, " or ".join(k.__name__ for k in kinds))
    if not isinstance(meta["config"], dict):
        refuse("config", meta["config"], "a JSON object")
    objective = meta["config"].get("objective", {})
    if not isinstance(objective, dict):
        refuse("config.objective", objective, "a JSON object")
    allowed = {"metric": tuple(METRICS), "direction": ("maximize", "minimize"),
               "output_kind": OUTPUT_KINDS}  # fmt: skip
    for field, choices in allowed.items():
        if field in objective and objective[field] not in choices:
            refuse(f"config.objective.{field}", objective[field], f"one of {', '.join(choices)}")


def _check_model(config: Any, leaves: list, path: str) -> None:
    """The header's network is a valid MLP whose weights have the arrays' shapes."""
    import jax

    from ..networks import MLP

    try:
        net = MLP.from_config(config)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path!r} has a bad header: model {config!r} is not a network "
                         f"({type(exc).__name__}: {exc})") from None  # fmt: skip
    shapes = [
        leaf.shape
        for leaf in jax.tree_util.tree_leaves(jax.eval_shape(net.init, jax.random.key(0)))
    ]
    stored = [leaf.shape[1:] for leaf in leaves]
    if shapes != stored:
        raise ValueError(
            f"{path!r} does not hold together: its header's model (layer sizes "
            f"{list(net.layer_sizes)}) needs weights of shapes {shapes}, but the file holds "
            f"{stored} (was the header edited?)"
        )
