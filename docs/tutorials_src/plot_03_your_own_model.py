"""
Bring your own model: a dict, Flax, Equinox
===========================================

jaxclimb searches any PyTree of weights. Give it ``forward(params, X)`` (what the model
computes) and ``init(key) -> params`` (where a climber starts), and everything else, the
algorithms, the engine, results, estimators' statistics, works the same way as for its own
:class:`~jaxclimb.MLP`. This page trains three models that way: a plain dict, a Flax module
and an Equinox module.
"""

# %%
# A dict of arrays
# ----------------
# A softmax regression over four classes, written as a dict. The forward returns logits,
# one column per class. Classification targets are labels ``0..k-1`` or one-hot rows; the
# class count comes from ``y`` and is checked against the forward's output columns.
# Where the metric depends on what the forward returns (log-loss, binary accuracy), say
# it with ``output_kind``: ``"logit"``, ``"probability"`` or ``"label"``.
import flax.linen as nn
import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

import jaxclimb as jc

jc.use_cpu_cores()
X, y = make_classification(300, 8, n_informative=6, n_classes=4, random_state=0)


def init(key):
    return {"w": 0.3 * jax.random.normal(key, (8, 4)), "b": jnp.zeros(4)}


def forward(p, X):
    return X @ p["w"] + p["b"]  # logits


score = jc.make_score_fn(forward, X, y, metric="log_loss", output_kind="logit")
result = jc.run(
    0,
    jc.hill_climb(score, step_size=0.05),
    init,
    population=16,
    steps=300,
    progress=False,
)
best = result.best()
probabilities = jax.nn.softmax(forward(best, X))
print(
    f"best log-loss {result.best_metric.min():.4f}; "
    f"sklearn.metrics.log_loss on the same outputs {log_loss(y, probabilities):.4f}"
)

# %%
# Scores are always "higher is better": a loss is negated for the search, and
# ``best_metric`` converts back to the metric's own units. The weights come back with the
# structure ``init`` gave them, with a leading population axis:
print(jax.tree.map(np.shape, result.best_params))

# %%
# A Flax module
# -------------
# A Flax (linen) module's ``apply`` is a forward; its ``init`` gives the parameter tree.
# Write both as plain module-level functions: the search compiles them once.


class Net(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(4)(jnp.tanh(nn.Dense(16)(x)))


MODEL = Net()


def flax_forward(params, X):
    return MODEL.apply(params, X)


def flax_init(key):
    return MODEL.init(key, jnp.zeros((1, 8)))


flax_score = jc.make_score_fn(flax_forward, X, y, metric="accuracy")
flax_result = jc.run(
    1,
    jc.hill_climb(flax_score, step_size=0.05, mutate_fraction=0.2),
    flax_init,
    population=64,
    steps=500,
    progress=False,
)
print(f"Flax MLP 8-16-4: best training accuracy {flax_result.best_metric.max():.3f}")
print(jax.tree.map(np.shape, flax_result.best()))

# %%
# An Equinox module
# -----------------
# Equinox keeps arrays and structure in one module: ``eqx.partition`` splits out the
# arrays (the searched weights), and the forward recombines them with the static rest.
import equinox as eqx  # noqa: E402

TEMPLATE = eqx.nn.MLP(8, 4, width_size=16, depth=1, activation=jnp.tanh, key=jax.random.key(0))
_, STATIC = eqx.partition(TEMPLATE, eqx.is_array)


def eqx_forward(params, X):
    return jax.vmap(eqx.combine(params, STATIC))(X)


def eqx_init(key):
    model = eqx.nn.MLP(8, 4, width_size=16, depth=1, activation=jnp.tanh, key=key)
    return eqx.partition(model, eqx.is_array)[0]


eqx_score = jc.make_score_fn(eqx_forward, X, y, metric="accuracy")
eqx_result = jc.run(
    1,
    jc.hill_climb(eqx_score, step_size=0.05, mutate_fraction=0.2),
    eqx_init,
    population=64,
    steps=500,
    progress=False,
)
print(f"Equinox MLP 8-16-4: best training accuracy {eqx_result.best_metric.max():.3f}")

# %%
# The three searches in one figure
# --------------------------------
# A result's ``history`` holds every climber's best score so far at the recorded steps
# (``history_steps``), in the search's "higher is better" units: for log-loss, negate it.
# Left, each climber of the dict model; right, the median climber of the Flax and of the
# Equinox network with the middle half of their climbers as a band. The two networks are
# the same 8-16-4 MLP, searched with the same settings and seed; each library initialises
# the weights its own way and orders them in its own tree, so their climbers differ, but
# the search is the same code for both.
fig, (ax_dict, ax_nets) = plt.subplots(1, 2, figsize=(10, 4))
ax_dict.plot(result.history_steps, -result.history.T, color="C0", alpha=0.4, linewidth=1)
ax_dict.plot(result.history_steps, -result.history[result.best_index()], color="C1", label="chosen")
ax_dict.set(
    xlabel="step",
    ylabel="best training log-loss",
    title=f"dict softmax regression: {result.population} climbers",
)
ax_dict.legend()
for i, (name, run) in enumerate({"Flax": flax_result, "Equinox": eqx_result}.items()):
    q25, q50, q75 = np.quantile(run.history, [0.25, 0.5, 0.75], axis=0)
    ax_nets.plot(run.history_steps, q50, color=f"C{i}", label=f"{name}, median climber")
    ax_nets.fill_between(run.history_steps, q25, q75, color=f"C{i}", alpha=0.25)
ax_nets.set(
    xlabel="step",
    ylabel="best training accuracy",
    title=f"MLP 8-16-4: {flax_result.population} climbers per library",
)
ax_nets.legend()
fig.tight_layout()
plt.show()

# %%
# A saved result holds weights as flat leaves when they are a custom PyTree node (an
# Equinox module): ``jc.load_result(path)`` reads it without a template, and
# ``params_like=`` rebuilds the structure (see the gallery's Equinox example).
#
# A stochastic objective
# ----------------------
# An objective may need randomness of its own: random starts of a control task, noisy
# evaluations. ``jc.KeyedObjective(f)`` wraps ``f(params, key)``; ``run`` hands it a fresh
# key at every step. Within a step the climber's current point is re-scored with the
# candidate's key (common random numbers: a fair comparison, one more evaluation per
# step), and at every chunk boundary each climber's best is re-scored with one fixed key,
# so the chosen climber is chosen on equal terms. Here: the accuracy on a random quarter
# of the rows.


XJ, YJ = jnp.asarray(X, jnp.float32), jnp.asarray(y)  # JAX arrays: indexed inside the search


def quarter_accuracy(params, key):
    rows = jax.random.choice(key, XJ.shape[0], (XJ.shape[0] // 4,), replace=False)
    return jnp.mean(jnp.argmax(forward(params, XJ[rows]), axis=1) == YJ[rows])


noisy = jc.KeyedObjective(quarter_accuracy)
noisy_result = jc.run(
    2,
    jc.hill_climb(noisy, step_size=0.05),
    init,
    population=32,
    steps=300,
    progress=False,
)
print(f"best accuracy on the fixed evaluation key: {noisy_result.best_score.max():.3f}")

# %%
# Large data work the same way without writing a keyed objective:
# ``make_score_fn(..., batch_size=4096)`` scores a fresh random batch of rows per step and
# re-scores the best on all rows at chunk boundaries; ``batch_size="auto"`` (the default)
# does this with 8,192 rows once ``X`` has more than 65,536 rows. Python side effects in a
# forward or an objective (prints, counters) run only while JAX traces it, once per
# compilation, not at every evaluation.
