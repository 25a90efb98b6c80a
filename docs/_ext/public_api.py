"""What the API reference covers, without Sphinx: the public names of ``jaxclimb`` and of its
mlrose front, grouped by the module they come from, and the documentation of each.

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

GROUPS = {  # source module of a lazily loaded name -> the heading of its table
    "engine": "Running a population",
    "results": "Results",
    "algorithms": "Algorithms",
    "networks": "Networks",
    "evaluation": "Objectives and metrics",
    "mutation": "Moves",
    "estimators": "scikit-learn estimators",
    "comparison": "Comparing populations",
    "results.plots": "Comparing populations",
}
MODULES = "Modules"
DEFINED_IN = {"load_result": "results", "__version__": "_version"}  # not lazy names


def source_module(name: str) -> str:
    """The ``jaxclimb`` submodule a public name is loaded from (``"engine"`` for ``run``)."""
    if name in jaxclimb._SUBMODULES:
        return jaxclimb._SUBMODULES[name]
    return jaxclimb._WHERE.get(name) or DEFINED_IN[name]


def public_groups() -> dict[str, list[str]]:
    """Every name of ``jaxclimb.__all__`` under a heading; a new module gets its own."""
    groups: dict[str, list[str]] = {}
    for name in jaxclimb.__all__:
        module = source_module(name)
        if name in jaxclimb._SUBMODULES:
            heading = MODULES
        else:
            top = module.split(".")[0]  # evaluation.metrics -> evaluation
            heading = GROUPS.get(module, GROUPS.get(top, f"From ``jaxclimb.{module}``"))
        groups.setdefault(heading, []).append(name)
    order = [*dict.fromkeys(GROUPS.values()), MODULES]
    return dict(sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                       else len(order)))  # fmt: skip


def is_constant(obj) -> bool:
    """Data, not code: its docstring is the string written after its definition."""
    return not (inspect.ismodule(obj) or inspect.isclass(obj) or callable(obj))


def _modules_under(name: str):
    module = importlib.import_module(f"jaxclimb.{name}")
    yield module
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        yield importlib.import_module(f"{module.__name__}.{info.name}")


def constant_doc(name: str) -> str:
    """The string literal after ``NAME = ...`` in the module that defines a public constant
    (Sphinx's attribute docstring); ``""`` when there is none."""
    for module in _modules_under(source_module(name)):
        body = ast.parse(inspect.getsource(module)).body
        for statement, after in itertools.pairwise(body):
            targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                is_doc = isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                return inspect.cleandoc(after.value.value) if is_doc else ""
    return ""


def docstring(obj, name: str) -> str:
    """The documentation a public object shows on its page (``""`` if it has none)."""
    if is_constant(obj):
        return constant_doc(name)
    own = obj.__doc__ if inspect.ismodule(obj) else inspect.getdoc(obj)
    if inspect.isclass(obj) and own and own == inspect.getdoc(obj.__mro__[1]):
        return ""  # inherited from a base class only
    return (own or "").strip()


def undocumented() -> list[str]:
    """Public names of ``jaxclimb`` and ``jaxclimb.mlrose`` without documentation."""
    from jaxclimb import mlrose

    missing = [f"jaxclimb.{n}" for n in jaxclimb.__all__ if not docstring(getattr(jaxclimb, n), n)]
    for name in mlrose.__all__:
        if not docstring(getattr(mlrose, name), name):
            missing.append(f"jaxclimb.mlrose.{name}")
    return missing
