"""The command line: ``jaxclimb run | compare | report`` (and ``python -m jaxclimb``).

* :mod:`.parser`: the options (argparse only: ``jaxclimb -h`` imports no JAX), over
  :mod:`.shared` (what every command's parser shares), :mod:`.run_options` and
  :mod:`.compare_options`.
* :mod:`.main`: dispatch and the one place errors become exit codes.
* :mod:`.run`, :mod:`.compare` (with ``report``): the commands; :mod:`.resume`: the rule
  for the options given with ``--resume``; :mod:`.common`: devices, processes and output
  paths they share; :mod:`.data`: the metric rule, the split and the scaling.
"""

from .main import main
from .parser import build_parser

__all__ = ["build_parser", "main"]
