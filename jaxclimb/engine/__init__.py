"""The engine: everything between an algorithm and a NumPy result.

* :mod:`.run`: ``run`` and ``resume`` (thin), with :mod:`.session` holding one run's
  placed arrays and programs.
* :mod:`.config`: ``RunConfig`` and ``HostOptions``, checked before anything compiles.
* :mod:`.program`: the compiled ``init`` and ``chunk`` bodies, ahead-of-time compilation
  and the cache of compiled programs.
* :mod:`.loop`: the host loop between chunks (progress, log, early stop, checkpoints,
  Ctrl-C).
* :mod:`.layout`: where climbers sit (mesh, padding, memory blocks, cache batches, the
  population map), :mod:`.caches` the cached activations of incremental evaluation
  counted and refused; :mod:`.devices` and :mod:`.transfer` the devices and the moves of
  arrays between host and mesh.
* :mod:`.racing`: racing restarts (successive halving), the one policy across climbers.
* :mod:`.checkpoint`: atomic checkpoints; :mod:`.fingerprint`: what a run searched (its
  data, settings and starting weights), so that ``resume`` refuses another search's.
* :mod:`.keyed`: keyed and reduced-precision objectives in the engine (fresh keys every
  step, the best re-scored at chunk boundaries).
* :mod:`.selection`: a distribution search's solution chosen between its best sample and
  its final mean on fresh episodes.
* :mod:`.diskcache`: compiled programs kept on disk between processes.
* :mod:`.signals`: Ctrl-C and other signals while a run is in flight;
  :mod:`.distributed`: multi-process setup.
"""

from .config import HostOptions, RunConfig
from .devices import use_cpu_cores
from .layout import Layout, plan_layout, population_mesh
from .racing import racing_counts, racing_evaluations, racing_steps
from .run import resume, run

__all__ = [
    "HostOptions",
    "Layout",
    "RunConfig",
    "plan_layout",
    "population_mesh",
    "racing_counts",
    "racing_evaluations",
    "racing_steps",
    "resume",
    "run",
    "use_cpu_cores",
]
