"""The package version, imported by whoever needs it (never through ``jaxclimb/__init__``)."""

__version__ = "0.2.0"
"""jaxclimb's version (``jaxclimb --version`` prints it)."""
