"""Sphinx glue for jaxclimb's site: the public API page written from one table, the CLI's
``-h`` pages captured at build time, and public names without docs as errors.

* ``config-inited`` writes ``api/public.rst``: one autosummary table per heading of
  ``public_api.SECTIONS`` (what a user does: search algorithms, objectives and networks,
  running and results, ...); a name of ``jaxclimb.__all__`` the table lacks stops the build.
* ``.. jaxclimb-cli-help:: run`` prints ``jaxclimb run -h`` as the parser formats it, and
  ``.. jaxclimb-cli-options:: run`` lists its options by group (``cli_options.py``).
* ``autodoc-process-docstring`` warns (an error under ``-W``) when a public name has no
  docstring; a public constant's docstring is the string after its definition.
* ``missing-reference`` resolves ``jaxclimb.some.module.Name`` to where the API table
  documents the same object (docstrings name the defining module).
"""

from __future__ import annotations

import functools
import importlib
import pathlib

from cli_options import command_parser, option_groups
from docutils import nodes
from public_api import POINTERS, api_sections, docstring, resolve
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


def write_public_page(path: pathlib.Path) -> None:
    """``api/public.rst``: an autosummary table per heading, stub pages under ``generated/``."""
    lines = [
        ".. This file is written by docs/_ext/jaxclimb_docs.py from docs/_ext/public_api.py.",
        "",
        "Public API (``jaxclimb``)",
        "=========================",
        "",
        "Every name of ``jaxclimb.__all__`` (``import jaxclimb as jc`` then ``jc.NAME``),",
        "grouped by what it is for.",
        "",
        ".. currentmodule:: jaxclimb",
        "",
    ]
    for heading, names in api_sections().items():
        lines += [heading, "-" * len(heading), ""]
        if not names:
            lines += [POINTERS[heading], ""]
            continue
        lines += [".. autosummary::", "   :toctree: generated", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in names] + [""]
    text = "\n".join(lines)
    if not path.exists() or path.read_text() != text:  # unchanged: no rebuild of every page
        path.write_text(text)


@functools.cache
def _documented() -> dict[int, str]:
    """``id(object) -> "jaxclimb.<path>"`` for every name of the API table."""
    paths = [name for names in api_sections().values() for name in names]
    return {id(resolve(p)): f"jaxclimb.{p}" for p in paths if not isinstance(resolve(p), str)}


@functools.cache
def _public_name(fullname: str) -> str | None:
    paths = {f"jaxclimb.{n}" for names in api_sections().values() for n in names}
    return fullname[len("jaxclimb.") :] if fullname in paths else None


def check_docstring(app, what, fullname, obj, options, lines):
    """Public names need a docstring; constants get the one after their definition."""
    name = _public_name(fullname)
    if name is None:
        return
    if what in ("data", "attribute"):  # autodoc would show the value's type's docstring
        lines[:] = [*docstring(obj, name).splitlines(), ""]
    if not any(line.strip() for line in lines):
        logger.warning("public name jaxclimb.%s has no docstring", name, type="jaxclimb")


def resolve_public(app, env, node, contnode):
    """``jaxclimb.results.SearchResult`` -> the page of ``jaxclimb.SearchResult``: a name
    written with its defining module links to where the API table documents it."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("jaxclimb."):
        return None
    module, _, name = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    documented = _documented().get(id(obj))
    if documented is None or documented == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                               documented, node, contnode)  # fmt: skip


class CliHelp(SphinxDirective):
    """``.. jaxclimb-cli-help:: run``: the ``-h`` text of ``jaxclimb run`` (or of
    ``jaxclimb`` itself with no argument), formatted by the parser at build time."""

    optional_arguments = 1

    def run(self):
        try:
            parser = command_parser(self.arguments[0] if self.arguments else None)
        except ValueError as exc:
            raise self.error(str(exc)) from exc
        text = parser.format_help()
        return [nodes.literal_block(text, text, language="text")]


class CliOptions(SphinxDirective):
    """``.. jaxclimb-cli-options:: run``: the command's options by group, one item per
    group (``data: --data FILE.csv, --target COLUMN, ...``), read from the parser."""

    required_arguments = 1

    def run(self):
        try:
            groups = option_groups(self.arguments[0])
        except ValueError as exc:
            raise self.error(str(exc)) from exc
        items = nodes.bullet_list()
        for title, options in groups:
            line = nodes.paragraph("", "", nodes.strong(title, title), nodes.Text(": "))
            for i, option in enumerate(options):
                line += [nodes.Text(", ")] if i else []
                line += nodes.literal(option, option)
            items += nodes.list_item("", line)
        return [items]


def skip_member(app, what, name, obj, skip, options):
    """scikit-learn's metadata-routing methods (``set_fit_request``...) are not jaxclimb's."""
    if name == "get_metadata_routing" or (name.startswith("set_") and name.endswith("_request")):
        return True
    return None


def on_config(app, config):
    write_public_page(pathlib.Path(app.srcdir) / "api" / "public.rst")


def setup(app):
    app.connect("config-inited", on_config)
    app.connect("autodoc-process-docstring", check_docstring)
    app.connect("missing-reference", resolve_public)
    app.connect("autodoc-skip-member", skip_member)
    app.add_directive("jaxclimb-cli-help", CliHelp)
    app.add_directive("jaxclimb-cli-options", CliOptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
