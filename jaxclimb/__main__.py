"""``python -m jaxclimb``: the command line."""

from .cli.main import console

console()
