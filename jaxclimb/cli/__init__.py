"""The command line: ``jaxclimb run | compare | report`` (and ``python -m jaxclimb``).

* :mod:`.parser`: the parser and the options of ``compare`` and ``report``, over
  :mod:`.options` (``run``'s options and what every command shares); argparse only:
  ``jaxclimb -h`` imports no JAX.
* :mod:`.main`: dispatch and the one place errors become exit codes.
* :mod:`.run`, :mod:`.compare` (with ``report``): the commands; :mod:`.resume`: the rule
  for the options given with ``--resume``; :mod:`.runtime`: devices, processes, the compile
  cache and output paths they set up; :mod:`.data`: the metric rule, the split and the scaling.
"""

from .main import main
from .parser import build_parser

__all__ = ["build_parser", "main"]
