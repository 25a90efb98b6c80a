"""
mlrose's iris tutorial, run by jaxclimb.mlrose
==============================================

docs/REFERENCE.md B: mlrose's weight-optimisation tutorial (iris), run by ``jaxclimb.mlrose``.

The tutorial's steps and calls, with ``from jaxclimb import mlrose`` in place of
``import mlrose``. One other change: the tutorial one-hot encodes with ``.todense()``, an
``np.matrix`` that scikit-learn (1.9 here) refuses in ``accuracy_score`` (mlrose-ky's ``fit``
refuses it too; jaxclimb's accepts it), so the targets are made with ``.toarray()``.
Then the same network with each of mlrose's four algorithms and ``curve=True``, and
jaxclimb's own ``ClimbingClassifier`` on the same split.

    python examples/mlrose_iris_tutorial.py
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

import jaxclimb as jc
from jaxclimb import mlrose

# %%
# The tutorial's data: iris, min-max scaled, one-hot labels.

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.2, random_state=3
)
scaler = MinMaxScaler()
X_train_scaled = scaler.fit_transform(X_train)
X_test_scaled = scaler.transform(X_test)
one_hot = OneHotEncoder()
y_train_hot = one_hot.fit_transform(y_train.reshape(-1, 1)).toarray()
y_test_hot = one_hot.transform(y_test.reshape(-1, 1)).toarray()

# %%
# The tutorial's calls, as it makes them; only the algorithm, the model and the learning
# rate change.

shared = dict(
    max_iters=1000, bias=True, early_stopping=True, clip_max=5, max_attempts=100, random_state=3
)
network = dict(hidden_nodes=[2], activation="relu", is_classifier=True, learning_rate=0.0001)
models = {
    "NeuralNetwork, random_hill_climb": mlrose.NeuralNetwork(
        algorithm="random_hill_climb", **network, **shared
    ),
    "NeuralNetwork, gradient_descent": mlrose.NeuralNetwork(
        algorithm="gradient_descent", **network, **shared
    ),
    "LogisticRegression, learning_rate 0.0001": mlrose.LogisticRegression(
        algorithm="random_hill_climb", learning_rate=0.0001, **shared
    ),
    "LogisticRegression, learning_rate 0.01": mlrose.LogisticRegression(
        algorithm="random_hill_climb", learning_rate=0.01, **shared
    ),
}
published = {  # mlrose's published (train, test) accuracies for these calls
    "NeuralNetwork, random_hill_climb": (0.450, 0.533),
    "NeuralNetwork, gradient_descent": (0.625, 0.567),
    "LogisticRegression, learning_rate 0.0001": (0.192, 0.067),
    "LogisticRegression, learning_rate 0.01": (0.683, 0.700),
}
accuracies = {}
for name, model in models.items():
    model.fit(X_train_scaled, y_train_hot)
    train = accuracy_score(y_train_hot, model.predict(X_train_scaled))
    test = accuracy_score(y_test_hot, model.predict(X_test_scaled))
    accuracies[name] = (train, test)
    print(f"{name:42s} train {train:.3f} test {test:.3f}   (mlrose: {published[name]})")

# %%
# The four algorithms on the tutorial's network, with their fitness curves.

curves = {}
for algorithm in ("random_hill_climb", "simulated_annealing", "genetic_alg", "gradient_descent"):
    nn = mlrose.NeuralNetwork(algorithm=algorithm, curve=True, **network, **shared)
    nn.fit(X_train_scaled, y_train_hot)
    curves[algorithm] = np.asarray(nn.fitness_curve)
    test = accuracy_score(y_test_hot, nn.predict(X_test_scaled))
    print(f"{algorithm:20s} curve {curves[algorithm].shape}, loss {nn.loss:.4f}, test {test:.3f}")

# %%
# jaxclimb's own estimator on the same split: its own network and defaults, plain labels.

clf = jc.ClimbingClassifier(hidden_layer_sizes=[2], activation="relu", random_state=3)
clf.fit(X_train_scaled, y_train)
train, test = clf.score(X_train_scaled, y_train), clf.score(X_test_scaled, y_test)
print(f"ClimbingClassifier defaults: train {train:.3f} test {test:.3f}")
per_climber = clf.result_.evaluate(X_test_scaled, y_test, metric="accuracy")
print(
    f"  test accuracy across its {clf.result_.population} climbers: median "
    f"{np.median(per_climber):.3f}, quartiles {np.quantile(per_climber, [0.25, 0.75])}"
)

# %%
# The fitness curves of the four algorithms.

fig, ax = plt.subplots(figsize=(7, 4))
for algorithm, curve in curves.items():
    ax.plot(curve[:, 0] if curve.ndim == 2 else curve, label=algorithm)
ax.set(xlabel="iteration", ylabel="training loss", title="the tutorial's network, four algorithms")
ax.legend()
plt.show()
