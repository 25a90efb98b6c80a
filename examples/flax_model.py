"""
A Flax model
============

A Flax (linen) model trained without gradients: any ``f(params, X)`` works.

    python examples/flax_model.py

Iris, three classes, a 4-16-3 Flax MLP returning logits. ``make_score_fn`` takes the class
count from ``y`` (checked against the model's three output columns) and needs
``output_kind="logit"`` because log-loss depends on what the model returns.
"""

import flax.linen as nn
import jax
import jax.numpy as jnp
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc


class Net(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(3)(jnp.tanh(nn.Dense(16)(x)))


MODEL = Net()


def forward(params, X):  # a plain function: hashable, so it can be part of the program
    return MODEL.apply(params, X)


def init_params(key):
    return MODEL.init(key, jnp.zeros((1, 4)))


X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

score = jc.make_score_fn(forward, X_train, y_train, metric="log_loss", output_kind="logit")
algorithm = jc.hill_climb(score, step_size=0.05, mutate_fraction=0.2)
result = jc.run(0, algorithm, init_params, population=64, steps=1500,
                progress=False)  # fmt: skip
best = result.best()  # a Flax parameter dict, as init_params returns it
predicted = jax.numpy.argmax(forward(best, X_test), axis=1)
print(f"train log-loss {result.best_metric.min():.3f}; "
      f"test accuracy {accuracy_score(y_test, predicted):.3f}")  # fmt: skip
