"""What the API reference covers, without Sphinx: the public names of ``jaxclimb`` and of its
mlrose front, grouped by what a user does with them (one table, ``SECTIONS``), and the
documentation of each.

Shared by the docs build (``jaxclimb_docs.py``) and ``tests/test_docs.py``, so a public
name without a docstring fails both.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import pkgutil

import jaxclimb

SECTIONS: dict[str, tuple[str, ...]] = {
    # The API reference's one table: a heading per thing a user does, in the order they meet
    # them, and the names under it. A name of ``jaxclimb.__all__`` missing here fails the
    # build and tests/test_docs.py; a name here that left the top level (a protocol type
    # moved to ``jaxclimb.algorithms``) is documented where it now lives (``HOMES``).
    "Search algorithms": (
        "hill_climb", "simulated_annealing", "GeomDecay", "ArithDecay", "ExpDecay", "genetic",
        "evolution_strategy", "snes", "node_perturbation", "gradient_descent", "with_restarts",
        "gaussian",
    ),
    "Objectives and networks": (
        "make_score_fn", "ScoreFn", "KeyedObjective", "rollout_objective", "CartPole",
        "METRICS", "accuracy", "log_loss", "mse", "r2", "MLP", "perceptron", "init_mlp",
        "mlp_forward", "TRANSFERS",
    ),
    "Running and results": (
        "run", "resume", "SearchResult", "load_result", "use_cpu_cores", "population_mesh",
    ),
    "Estimators": ("ClimbingClassifier", "ClimbingRegressor"),
    "Comparing": ("compare", "compare_results", "Comparison", "plot_comparison", "plot_run"),
    "Command line": (),  # the parser's own pages: api/cli.md (POINTERS)
    "Protocol types": (),  # jaxclimb.algorithms, documented on api/engine.rst (POINTERS)
    "Modules and version": ("datasets", "tasks", "distributed", "__version__"),
}  # fmt: skip
POINTERS = {  # a heading without names of its own: where its subject is documented
    "Command line": (
        "The ``jaxclimb`` command's options, as its parser prints them: :doc:`cli`; the rules "
        "behind them: :doc:`../guides/cli`."
    ),
    "Protocol types": (
        "The algorithm protocol, for an algorithm of your own (``Algorithm``, ``Traits``, "
        "``SearchState``, ``StepInfo``, ``ClimberState``, ``tree_select`` and the registry "
        "``REGISTRY``), lives in ``jaxclimb.algorithms``: :doc:`engine`."
    ),
}
HOMES = ("algorithms", "algorithms.base", "engine", "results", "evaluation")
"""Where a name of ``SECTIONS`` that is not in ``jaxclimb.__all__`` is looked up."""

DEFINED_IN = {"load_result": "results", "__version__": "_version"}  # not lazy names


def source_module(name: str) -> str:
    """The ``jaxclimb`` submodule a public name is loaded from (``"engine"`` for ``run``)."""
    if name in jaxclimb._SUBMODULES:
        return jaxclimb._SUBMODULES[name]
    return jaxclimb._WHERE.get(name) or DEFINED_IN[name]


def documented_as(name: str) -> str:
    """The dotted path, below ``jaxclimb``, under which a name of ``SECTIONS`` is documented:
    ``"run"`` for ``jaxclimb.run``, ``"datasets.tasks"`` for the module ``jaxclimb.tasks``,
    ``"algorithms.Traits"`` for a name that is not in ``jaxclimb.__all__``. A
    ``ValueError`` when jaxclimb provides no such name."""
    if name in jaxclimb._SUBMODULES:  # a module: its page is under its real path
        return jaxclimb._SUBMODULES[name]
    if name in jaxclimb.__all__:
        return name
    for home in HOMES:
        module = importlib.import_module(f"jaxclimb.{home}")
        if name in getattr(module, "__all__", ()) or hasattr(module, name):
            return f"{home}.{name}"
    raise ValueError(f"the API table (docs/_ext/public_api.py) lists {name!r}, which neither "
                     f"jaxclimb nor jaxclimb.{{{', '.join(HOMES)}}} provides")  # fmt: skip


def unlisted() -> list[str]:
    """Names of ``jaxclimb.__all__`` that ``SECTIONS`` lacks (each must be placed)."""
    listed = {name for names in SECTIONS.values() for name in names}
    return [name for name in jaxclimb.__all__ if name not in listed]


def api_sections() -> dict[str, list[str]]:
    """``SECTIONS`` with every name as it is documented (:func:`documented_as`); a
    ``ValueError`` naming the public names the table lacks."""
    missing = unlisted()
    if missing:
        raise ValueError(f"jaxclimb.__all__ names {missing} that the API table lacks: add "
                         "each to a heading of SECTIONS in docs/_ext/public_api.py")  # fmt: skip
    return {heading: [documented_as(n) for n in names] for heading, names in SECTIONS.items()}


def resolve(path: str):
    """The object at ``jaxclimb.<path>`` (``"algorithms.Traits"``)."""
    module, _, name = f"jaxclimb.{path}".rpartition(".")
    return getattr(importlib.import_module(module), name)


def is_constant(obj) -> bool:
    """Data, not code: its docstring is the string written after its definition."""
    return not (inspect.ismodule(obj) or inspect.isclass(obj) or callable(obj))


def _modules_under(name: str):
    module = importlib.import_module(f"jaxclimb.{name}")
    yield module
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        yield importlib.import_module(f"{module.__name__}.{info.name}")


def constant_doc(name: str, home: str | None = None) -> str:
    """The string literal after ``NAME = ...`` in the module that defines a public constant
    (Sphinx's attribute docstring; ``home``, below ``jaxclimb``, defaults to the module it
    is loaded from); ``""`` when there is none."""
    for module in _modules_under(home or source_module(name)):
        body = ast.parse(inspect.getsource(module)).body
        for statement, after in itertools.pairwise(body):
            targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                is_doc = isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                return inspect.cleandoc(after.value.value) if is_doc else ""
    return ""


def docstring(obj, name: str) -> str:
    """The documentation a public object shows on its page (``""`` if it has none); ``name``
    as :func:`documented_as` gives it."""
    if is_constant(obj):
        home, _, name = name.rpartition(".")
        return constant_doc(name, home or None)
    own = obj.__doc__ if inspect.ismodule(obj) else inspect.getdoc(obj)
    if inspect.isclass(obj) and own and own == inspect.getdoc(obj.__mro__[1]):
        return ""  # inherited from a base class only
    return (own or "").strip()


def undocumented() -> list[str]:
    """Public names of ``jaxclimb`` and ``jaxclimb.mlrose`` without documentation."""
    from jaxclimb import mlrose

    moved = [documented_as(n) for names in SECTIONS.values() for n in names
             if n not in jaxclimb.__all__]  # fmt: skip
    paths = [*jaxclimb.__all__, *moved]
    missing = [f"jaxclimb.{p}" for p in paths if not docstring(resolve(p), p)]
    for name in mlrose.__all__:
        if not docstring(getattr(mlrose, name), name):
            missing.append(f"jaxclimb.mlrose.{name}")
    return missing
