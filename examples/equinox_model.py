"""
An Equinox model, saved and reloaded
====================================

An Equinox model trained without gradients, saved, loaded and reported.

    python examples/equinox_model.py

Equinox keeps arrays and structure in one module; ``eqx.partition`` splits out the arrays
(the searched weights) and the forward pass recombines them with the static rest. A saved
result holds the weights as flat leaves; ``jc.load_result`` and ``jaxclimb report`` read it
without a template, and ``params_like=`` rebuilds the module's structure.
"""

import os
import tempfile

import equinox as eqx
import jax
import jax.numpy as jnp
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc

TEMPLATE = eqx.nn.MLP(4, 3, width_size=8, depth=1, activation=jnp.tanh, key=jax.random.key(0))
_, STATIC = eqx.partition(TEMPLATE, eqx.is_array)


def forward(params, X):
    model = eqx.combine(params, STATIC)
    return jax.vmap(model)(X)  # logits, one row per sample


def init_params(key):
    model = eqx.nn.MLP(4, 3, width_size=8, depth=1, activation=jnp.tanh, key=key)
    return eqx.partition(model, eqx.is_array)[0]


X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

score = jc.make_score_fn(forward, X_train, y_train, metric="accuracy")  # 3 classes: argmax
result = jc.run(1, jc.hill_climb(score, step_size=0.1), init_params, population=64,
                steps=1000, progress=False)  # fmt: skip
print(
    f"train accuracy {result.best_metric.max():.3f}; "
    f"test accuracy {result.evaluate(X_test, y_test).max():.3f} (best climber on test)"
)

with tempfile.TemporaryDirectory() as folder:
    path = result.save(os.path.join(folder, "equinox.npz"))
    flat = jc.load_result(path)  # no template: the weights as flat leaves
    print(flat.summary())
    like = jc.load_result(path, params_like=init_params(jax.random.key(0)), forward=forward)
    print(f"reloaded, test accuracy of the chosen climber: "
          f"{like.evaluate(X_test, y_test)[like.best_index()]:.3f}")  # fmt: skip
