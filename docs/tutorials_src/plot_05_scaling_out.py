"""
Scaling out: cores, devices, processes, GPUs
============================================

jaxclimb's population axis is sharded over every device JAX sees, with ``jax.sharding``.
On a CPU that means one host device per core; on a GPU machine, every GPU; across hosts,
one process per host. Climber ``i`` does the same thing wherever it runs, so a result does
not depend on how the work was spread. This page shows each step on the machine that built
it.
"""

# %%
# Every core of a CPU
# -------------------
# One XLA CPU device keeps about one core busy. ``jaxclimb run`` creates one host device
# per core before JAX starts; in your own script call ``jc.use_cpu_cores()`` right after
# the imports, before any JAX array exists (or set
# ``XLA_FLAGS=--xla_force_host_platform_device_count=N``). Called later, it changes
# nothing and returns 0.
import jax
import matplotlib.pyplot as plt
import numpy as np

import jaxclimb as jc

jc.use_cpu_cores()
print(jax.devices())

# %%
# The population's mesh
# ---------------------
# ``jc.population_mesh()`` is the 1-D mesh a run shards climbers over (its axis is named
# ``population``); ``run(..., devices=...)`` takes a subset. A population that does not
# divide by the device count is padded, and the padding never shows in the result.
mesh = jc.population_mesh()
print(dict(mesh.shape))

X_train, X_test, y_train, y_test = jc.datasets.problem_a()
net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
climb = jc.hill_climb(score, step_size=0.1)
everywhere = jc.run(0, climb, net.init, population=101, steps=300, progress=False)
one_device = jc.run(
    0,
    climb,
    net.init,
    population=101,
    steps=300,
    devices=jax.devices()[:1],
    progress=False,
)
print(
    f"{everywhere.population} climbers on {len(jax.devices())} device(s) and on 1:",
    "identical" if np.array_equal(everywhere.best_score, one_device.best_score) else "different",
)

# %%
# With an exact objective (accuracy) results are bitwise identical, climber by climber,
# whatever the device or process count. A float loss averaged over rows (log-loss, MSE)
# may round differently in the last place when each device holds another number of
# climbers, so there climbers agree to float32 rounding, not bit for bit.
#
# Climber ``i`` does not depend on the population size either:
small = jc.run(0, climb, net.init, population=8, steps=300, progress=False)
print(
    "the first 8 climbers of 101 are the 8-climber run:",
    np.array_equal(small.best_score, everywhere.best_score[:8]),
)

# %%
# Populations larger than memory
# ------------------------------
# A population too large to evaluate at once is walked in blocks per device inside the
# compiled step: from a 2 GiB budget by default, or ``block_size=`` / ``memory_budget=``
# by hand. Results are bitwise those of an unblocked run (a million climbers of this
# network run in 1.94 GiB: :doc:`/benchmarks`).
blocked = jc.run(0, climb, net.init, population=101, steps=300, block_size=16, progress=False)
print(
    "blocks of 16 climbers give the same result:",
    np.array_equal(blocked.best_score, everywhere.best_score),
)

# %%
# The four runs in one figure
# ---------------------------
# Left, every climber's best training accuracy in each run of this page: the marks of one
# climber fall on one another, whatever the devices, the blocks or the population around
# it. Right, what the layout does change, the speed: ``result.evaluations_per_second``
# (objective evaluations of all climbers over the run's seconds, compilation excluded) as
# this machine measured it while the page was built, with each run's evaluations and
# seconds beside its bar. Runs this short also measure fixed costs and whatever else the
# machine was doing; more devices pay off once each holds enough climbers to keep its
# core busy (measured scaling: :doc:`/guides/speed`, :doc:`/benchmarks`).
runs = {
    f"{len(jax.devices())} device(s)": everywhere,
    "1 device": one_device,
    "blocks of 16": blocked,
    f"{small.population} climbers": small,
}
fig, (ax_climbers, ax_speed) = plt.subplots(1, 2, figsize=(10, 4))
for i, (name, run) in enumerate(runs.items()):
    # the first run as rings, the others' marks inside them
    look = {"facecolors": "none", "edgecolors": "C0", "s": 70} if i == 0 else {"color": f"C{i}"}
    ax_climbers.scatter(
        np.arange(run.population), run.best_metric, marker="ox+."[i], label=name, **look
    )
ax_climbers.set(
    xlabel="climber",
    ylabel="best training accuracy",
    title="climber by climber: the same in every run",
)
ax_climbers.legend(loc="center", ncols=2, fontsize="small")
ax_speed.barh(list(runs), [run.evaluations_per_second / 1000 for run in runs.values()])
for i, run in enumerate(runs.values()):
    ax_speed.annotate(
        f" {run.total_evaluations:,} in {run.run_seconds:.2f} s",
        (run.evaluations_per_second / 1000, i),
        va="center",
    )
ax_speed.invert_yaxis()
ax_speed.margins(x=0.45)
ax_speed.set(
    xlabel="thousand evaluations per second (compilation excluded)",
    title="speed on the machine that built this page",
)
fig.tight_layout()
plt.show()

# %%
# GPUs
# ----
# On a Linux machine with an NVIDIA GPU, install JAX's CUDA build, then jaxclimb; nothing
# else changes. The population is sharded over every GPU JAX sees::
#
#     pip install -U "jax[cuda12]" && pip install jaxclimb
#     python -c "import jax; print(jax.devices())"   # [CudaDevice(id=0), ...]
#
# Several processes and hosts
# ---------------------------
# To span hosts, start one process per host. From the command line, with JAX's variables
# or the equivalent flags::
#
#     # on every host; RANK is 0 on the host whose address is given
#     JAX_COORDINATOR_ADDRESS=host0:1234 JAX_NUM_PROCESSES=4 JAX_PROCESS_ID=$RANK \
#         jaxclimb run --population 1000000 --steps 1000 --out results.npz
#     # or: jaxclimb run --coordinator host0:1234 --num-processes 4 --process-id $RANK ...
#
# From Python, call ``jc.distributed.initialize()`` (the same arguments or variables; on
# SLURM and other clusters JAX detects them itself) before creating any array, then
# ``jc.run(...)`` as usual::
#
#     import jaxclimb as jc
#
#     jc.distributed.initialize("host0:1234", num_processes=4, process_id=rank)
#     result = jc.run(0, algorithm, net.init, population=1_000_000, steps=1000)
#
# Each process holds the whole NumPy result; only process 0 prints and writes files. On a
# GPU cluster each process drives its host's GPUs (``jax.devices()`` lists them all); on
# CPUs the processes exchange data through gloo. The test suite runs two processes on one
# machine and checks that they give the one-process result.
