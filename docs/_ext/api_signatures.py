"""How the API pages show signatures and attributes, shared by ``docs/conf.py`` and the
page test in ``tests/test_docs.py`` (which builds one page with these settings alone).

* ``SETTINGS``: autodoc's and napoleon's configuration. ``strip_signature_backslash`` makes
  napoleon escape a trailing underscore, so ``coefs_`` in an ``Attributes:`` section shows
  as ``coefs_`` (unescaped, reStructuredText reads it as a link named ``coefs``).
* The ``autodoc-process-signature`` handler :func:`show_values`: defaults written as a
  module constant (``budget=DEFAULT_BUDGET``) show their value (``budget=20000``), while
  other defaults stay as written (``autodoc_preserve_defaults``).
"""

from __future__ import annotations

import inspect
import re
import sys

SETTINGS = {
    "autodoc_default_options": {},  # members are listed by each page or template
    "autodoc_member_order": "bysource",
    "autodoc_typehints": "description",
    "autodoc_typehints_format": "short",
    "autodoc_preserve_defaults": True,  # as written, except constants (show_values)
    "napoleon_google_docstring": True,
    "napoleon_numpy_docstring": False,
    "napoleon_use_rtype": False,
    "napoleon_use_ivar": True,  # a class's Attributes: section, not a second entry per field
    "strip_signature_backslash": True,  # napoleon: ``coefs_`` stays ``coefs_``
}
LITERALS = (bool, int, float, str, type(None))
_CONSTANT = re.compile(r"=\s*([A-Z][A-Z0-9_]*)\b(?![.(\[])")


def _namespace(obj) -> dict:
    """The globals a callable's defaults were written in (a class: its ``__init__``'s)."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    target = inspect.unwrap(target) if callable(target) else target
    found = getattr(target, "__globals__", None)
    if found is None:
        found = vars(sys.modules.get(getattr(obj, "__module__", ""), object()))
    return found


def _is_literal(value) -> bool:
    if isinstance(value, tuple):
        return all(_is_literal(v) for v in value)
    return isinstance(value, LITERALS)


def literal_defaults(signature: str, namespace: dict) -> str:
    """``signature`` with every default that names a constant of ``namespace`` holding a
    number, string, bool, None or tuple of them replaced by that value's ``repr``."""

    def value(match):
        name = match.group(1)
        if name in namespace and _is_literal(namespace[name]):
            return f"={namespace[name]!r}"
        return match.group(0)

    return _CONSTANT.sub(value, signature)


def show_values(app, what, name, obj, options, signature, return_annotation):
    """``autodoc-process-signature``: constants in defaults shown as their values."""
    if not signature:
        return None
    return literal_defaults(signature, _namespace(obj)), return_annotation


def setup(app):
    app.connect("autodoc-process-signature", show_values)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
