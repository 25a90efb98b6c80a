"""Sphinx configuration of jaxclimb's documentation site.

Build: ``pip install ".[docs]" && sphinx-build -W --keep-going -b html docs docs/_build/html``
(README names this command; ``.ci/run`` runs it). Every warning is an error: a broken
cross-reference, a public name without a docstring, a gallery example that fails.
"""

from __future__ import annotations

import os
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COLUMNS", "100")  # the CLI's -h pages wrap the same on every machine

import api_signatures  # noqa: E402

import jaxclimb  # noqa: E402

jaxclimb.use_cpu_cores()  # every example and tutorial runs with one host device per core

project = "jaxclimb"
author = "the jaxclimb developers"
copyright = "2026, the jaxclimb developers"
release = version = jaxclimb.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "gallery_thumbnails",  # a card showing sphinx-gallery's placeholder image is an error
    "jaxclimb_docs",
    "api_signatures",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "tutorials_src", "**/GALLERY_HEADER.rst", "**/*.ipynb"]
templates_path = ["_templates"]
html_theme = "furo"
html_title = f"jaxclimb {release}"
html_static_path = ["_static"]
html_css_files = ["jaxclimb.css"]  # gallery output shown whole, not behind a scroll bar

nitpicky = True  # every cross-reference must resolve
# No network at build time (so no intersphinx): names of other libraries stay plain text.
nitpick_ignore_regex = [
    (r"py:.*", r"(jax|jaxlib|numpy|np|sklearn|scipy|matplotlib|optax|flax|equinox|tqdm)\b.*"),
    (r"py:.*", r"(logging|warnings|os|pathlib|collections|typing|abc|argparse)\b.*"),
    (r"py:.*", r"(Array|ArrayLike|PyTree|Any|Callable|Sequence|Mapping|Iterable|Iterator)"),
    (r"py:.*", r"(NDArray|PRNGKeyArray|Key|Device|Mesh|Figure|Axes|Path|PathLike|Self)"),
    (r"py:.*", r"(int|float|str|bool|bytes|dict|list|tuple|set|type|object|None|callable)"),
    (r"py:.*", r"(optional|default|array-like|array_like|of|or|shape)"),
    # Type aliases of signatures that are not public names (no page of their own):
    (r"py:class", r"jaxclimb\.(comparison\.Entry|networks\.Initializer)"),
    (r"py:class", r"jaxclimb\.algorithms\.schedules\.TemperatureTable"),
    (r"py:class", r"jaxclimb\.evaluation\.traits\.ObjectiveTraits"),
]

autosummary_generate = True
autosummary_imported_members = True
globals().update(api_signatures.SETTINGS)  # autodoc and napoleon: docs/_ext/api_signatures.py

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples"), str(DOCS / "tutorials_src")],
    "gallery_dirs": ["gallery", "tutorials"],
    "filename_pattern": r".*\.py",  # run every script: their output and figures are the page
    "abort_on_example_error": False,  # report every failing script; -W fails the build
    "only_warn_on_example_error": False,
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "show_memory": False,
    "min_reported_time": 1,
}
