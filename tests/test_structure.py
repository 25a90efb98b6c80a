"""The package's shape: module and function sizes, layers that point one way, nothing
imported through the package's __init__, lazy imports, a curated namespace."""

import ast
import pathlib
import subprocess
import sys

import pytest

import jaxclimb as jc

PACKAGE = pathlib.Path(jc.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))

# Each module may import modules of its own layer or a lower one, never a higher one.
LAYERS = [
    {"_version", "_checks", "_files", "networks", "mutation", "_log", "prng", "precision"},
    {"evaluation"},
    {"algorithms"},
    {"results"},
    {"engine"},
    {"datasets"},
    {"estimators", "mlrose", "comparison", "cli", "__main__", "__init__"},
]


def _name(path: pathlib.Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    return next(i for i, layer in enumerate(LAYERS) if top in layer)


def _imports(path: pathlib.Path):
    """(line, absolute module) of every import of a jaxclimb module in ``path``."""
    package = _name(path).split(".")[:-1]  # a package's __init__ counts as in the package
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module.split(".")[0] == "jaxclimb":
                yield node.lineno, module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "jaxclimb":
                    yield node.lineno, alias.name, []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_over_300_lines_or_function_over_60(path):
    source = path.read_text()
    assert len(source.splitlines()) <= 300
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 60, f"{node.name} has {length} lines"


@pytest.mark.parametrize("path", [p for p in MODULES if p != PACKAGE / "__init__.py"], ids=_name)
def test_imports_point_down_and_never_through_the_package_init(path):
    own = _layer(_name(path))
    for line, module, names in _imports(path):
        assert module != "jaxclimb", f"line {line} imports {names} from jaxclimb/__init__"
        assert _layer(module) <= own, f"line {line}: {_name(path)} imports {module}"


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_import_and_cli_help_load_no_heavy_dependency():
    heavy = "('jax', 'sklearn', 'scipy', 'matplotlib')"
    code = (
        "import sys, jaxclimb, jaxclimb.cli\n"
        "jaxclimb.cli.build_parser().format_help()\n"
        f"print([m for m in {heavy} if m in sys.modules])"
    )
    assert _fresh(code) == "[]"
    code = (
        "import sys, jaxclimb as jc\n"
        "jc.run, jc.hill_climb, jc.make_score_fn, jc.algorithms.make\n"
        f"print([m for m in {heavy}[1:] if m in sys.modules])"
    )
    assert _fresh(code) == "[]"


def test_the_namespace_is_curated_and_every_name_resolves():
    assert len(jc.__all__) == len(set(jc.__all__))
    for name in jc.__all__:
        assert getattr(jc, name) is not None
    with pytest.raises(AttributeError):
        jc.no_such_name  # noqa: B018


def test_command_line_choices_match_the_library():
    import importlib

    from jaxclimb import mutation, networks, precision
    from jaxclimb.algorithms import REGISTRY, RESTART_OPTIONS, options_of, schedules
    from jaxclimb.cli import parser, run
    from jaxclimb.evaluation import metrics, paths

    hill_climb, genetic, gradient = (
        importlib.import_module(f"jaxclimb.algorithms.{name}")  # the modules, not factories
        for name in ("hill_climb", "genetic", "gradient")
    )

    assert tuple(REGISTRY) == parser.ALGORITHMS
    assert tuple(networks.TRANSFERS) == parser.TRANSFERS
    assert parser.INITS == networks.INITS
    assert tuple(metrics.METRICS) == parser.METRICS
    assert paths.EVALUATIONS == parser.EVALUATIONS
    assert precision.PRECISIONS == parser.PRECISIONS
    choices = {a.dest: a.choices for a in parser.build_parser()._subparsers._group_actions[0]
               .choices["run"]._actions if a.choices}  # fmt: skip
    assert choices["mutation"] == mutation.MUTATIONS
    assert choices["accept"] == hill_climb.ACCEPT_RULES
    assert choices["schedule"] == schedules.SCHEDULES
    assert choices["selection"] == genetic.SELECTIONS
    assert choices["crossover"] == genetic.CROSSOVERS
    assert choices["optimizer"] == gradient.OPTIMIZERS
    every = {o for name in REGISTRY for o in options_of(name)} | set(RESTART_OPTIONS)
    assert set(run.ALGORITHM_FLAGS) <= every


def _graph() -> dict[str, set[str]]:
    """Module -> the jaxclimb modules it imports (``from pkg import mod`` names the module)."""
    known = {_name(p).removesuffix(".__init__") for p in MODULES}
    graph = {}
    for path in MODULES:
        edges = set()
        for _, module, names in _imports(path):
            subs = {f"{module}.{n}" for n in names} & known
            edges |= subs or ({module} & known)
        graph[_name(path).removesuffix(".__init__")] = edges
    return graph


def test_no_module_imports_itself_back_through_a_cycle():
    graph, done, stack = _graph(), set(), []

    def visit(module):
        assert module not in stack, " -> ".join([*stack[stack.index(module) :], module])
        if module not in done:
            stack.append(module)
            for other in sorted(graph.get(module, ())):
                visit(other)
            stack.pop()
            done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_top_level_holds_the_base_layer_and_the_front_ends_only():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    base = top - {"__init__", "__main__", "comparison"}
    assert base <= LAYERS[0] and len(base) <= 8, sorted(base)


def test_the_type_stub_names_what_the_tables_name():
    """``__init__.pyi`` (for type checkers) and the lazy tables of ``__init__.py`` agree."""
    stub = ast.parse((PACKAGE / "__init__.pyi").read_text())
    imported = {}
    for node in stub.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                module = f"{node.module}.{alias.name}" if node.module else alias.name
                modules = jc._SUBMODULES | jc._PACKAGES
                imported[alias.asname] = module if alias.asname in modules else node.module
    expected = {name: module for name, module in jc._WHERE.items()}
    expected |= dict(jc._SUBMODULES | jc._PACKAGES, __version__="_version")
    assert imported == expected
    written = next(n.value for n in stub.body if isinstance(n, ast.Assign)
                   and n.targets[0].id == "__all__")  # fmt: skip
    assert ast.literal_eval(written) == jc.__all__


def test_the_algorithm_protocol_lives_in_its_package_and_still_loads_from_the_top():
    from jaxclimb import algorithms

    for name in ("Algorithm", "Traits", "StepInfo", "ClimberState", "SearchState", "REGISTRY"):
        assert name not in jc.__all__ and name in algorithms.__all__
        assert getattr(jc, name) is getattr(algorithms, name)


PACKAGES = [PACKAGE, *sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_package_map_names_each_of_its_modules_and_packages(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    parts = [p.stem for p in package.glob("*.py") if p.name != "__init__.py"]
    parts += [p.parent.name for p in package.glob("*/__init__.py")]
    unnamed = [part for part in parts if part != "__main__" and f"{part}" not in doc]
    assert not unnamed, f"{package.name}/__init__.py's docstring does not name {unnamed}"
