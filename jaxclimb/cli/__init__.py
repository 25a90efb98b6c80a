"""The command line: ``jaxclimb run | compare | report`` (and ``python -m jaxclimb``).

* :mod:`.parser`: the options (argparse only: ``jaxclimb -h`` imports no JAX).
* :mod:`.main`: dispatch and the one place errors become exit codes.
* :mod:`.run`, :mod:`.compare`: the commands; :mod:`.common`: devices, data and output
  paths they share.
"""

from .main import main
from .parser import build_parser

__all__ = ["build_parser", "main"]
