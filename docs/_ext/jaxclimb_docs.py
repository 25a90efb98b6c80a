"""Sphinx glue for jaxclimb's site: the public API page written from ``jaxclimb.__all__``,
the CLI's ``-h`` pages captured at build time, and public names without docs as errors.

* ``config-inited`` writes ``api/public.rst``: one autosummary table per source module over
  every name in ``jaxclimb.__all__``, so a new public name gets its page with no edit here.
* ``.. jaxclimb-cli-help:: run`` prints ``jaxclimb run -h`` as the parser formats it.
* ``autodoc-process-docstring`` warns (an error under ``-W``) when a public name has no
  docstring; a public constant's docstring is the string after its definition.
* ``missing-reference`` resolves ``jaxclimb.some.module.Name`` to ``jaxclimb.Name`` when
  that is the same public object (docstrings name the defining module).
"""

from __future__ import annotations

import importlib
import pathlib

from docutils import nodes
from public_api import docstring, public_groups
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import jaxclimb

logger = logging.getLogger(__name__)


def write_public_page(path: pathlib.Path) -> None:
    """``api/public.rst``: an autosummary table per group, stub pages under ``generated/``."""
    lines = [
        ".. This file is written by docs/_ext/jaxclimb_docs.py from jaxclimb.__all__.",
        "",
        "Public names (``jaxclimb``)",
        "===========================",
        "",
        "Every name in ``jaxclimb.__all__``: ``import jaxclimb as jc`` then ``jc.NAME``.",
        "",
        ".. currentmodule:: jaxclimb",
        "",
    ]
    for heading, names in public_groups().items():
        lines += [
            heading,
            "-" * len(heading),
            "",
            ".. autosummary::",
            "   :toctree: generated",
            "   :nosignatures:",
            "",
        ]
        lines += [f"   {jaxclimb._SUBMODULES.get(name, name)}" for name in names] + [""]
    text = "\n".join(lines)
    if not path.exists() or path.read_text() != text:  # unchanged: no rebuild of every page
        path.write_text(text)


def _public_name(fullname: str) -> str | None:
    prefix, _, name = fullname.rpartition(".")
    return name if prefix == "jaxclimb" and name in jaxclimb.__all__ else None


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
    """``jaxclimb.results.SearchResult`` -> the page of ``jaxclimb.SearchResult``."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("jaxclimb."):
        return None
    name = target.rpartition(".")[2]
    if name not in jaxclimb.__all__ or target == f"jaxclimb.{name}":
        return None
    module = importlib.import_module(target.rpartition(".")[0]) if "." in target[9:] else None
    if module is None or getattr(module, name, None) is not getattr(jaxclimb, name):
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                               f"jaxclimb.{name}", node, contnode)  # fmt: skip


class CliHelp(SphinxDirective):
    """``.. jaxclimb-cli-help:: run``: the ``-h`` text of ``jaxclimb run`` (or of
    ``jaxclimb`` itself with no argument), formatted by the parser at build time."""

    optional_arguments = 1

    def run(self):
        from jaxclimb.cli import build_parser

        parser = build_parser()
        if self.arguments:
            sub = parser._subparsers._group_actions[0].choices  # argparse keeps them here
            if self.arguments[0] not in sub:
                raise self.error(f"jaxclimb has no command {self.arguments[0]!r}")
            parser = sub[self.arguments[0]]
        text = parser.format_help()
        block = nodes.literal_block(text, text, language="text")
        return [block]


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
