"""What a search leaves behind, on the host: the result, its file, and reading it.

* :mod:`~jaxclimb.results.result`: :class:`SearchResult`.
* :mod:`~jaxclimb.results._resultfile`: the ``.npz`` file's header, its checks and digest;
  :mod:`~jaxclimb.results._treeio`: parameter PyTrees to flat arrays and back, and
  :func:`to_host`, the one place arrays leave the devices (NumPy from there on).
* :mod:`~jaxclimb.results.report`: the tables a run and a comparison print.
* :mod:`~jaxclimb.results.statistics`: rank tests and hitting times over climbers.
* :mod:`~jaxclimb.results.plots`: the figures of a run and of a comparison (matplotlib).

Example:
    >>> from jaxclimb.results import SearchResult
    >>> SearchResult.load.__name__
    'load'
"""

from ._treeio import to_host
from .result import IsACheckpointError, SearchResult

__all__ = ["IsACheckpointError", "SearchResult", "to_host"]
