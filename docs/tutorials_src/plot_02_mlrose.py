"""
mlrose's weight-optimisation tutorial, then ClimbingClassifier
==============================================================

mlrose's tutorial (problem B in :doc:`/REFERENCE`) fits a neural network to iris with
randomized optimisation: random hill climbing, simulated annealing, a genetic algorithm,
and gradient descent as a benchmark. ``jaxclimb.mlrose`` takes the same calls: change
``import mlrose`` to ``from jaxclimb import mlrose`` and the tutorial runs, compiled. This
page walks the tutorial through that drop-in, then fits the same data with jaxclimb's own
estimator, :class:`~jaxclimb.ClimbingClassifier`.
"""

# %%
# The data, as the tutorial prepares it
# -------------------------------------
# Iris, 80/20 split with ``random_state=3``, features scaled to [0, 1] on the training
# rows, labels one-hot encoded. (The tutorial calls ``.todense()``, an ``np.matrix`` that
# recent scikit-learn refuses in ``accuracy_score``; ``.toarray()`` is the same numbers.)
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

import jaxclimb as jc
from jaxclimb import mlrose

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
# The tutorial's network, with random hill climbing
# -------------------------------------------------
# Two hidden relu units, mlrose's arguments with mlrose's meanings: ``learning_rate`` is
# the step size, ``clip_max`` bounds the weights, ``max_attempts`` ends the search after
# that many iterations without improvement.
nn_model1 = mlrose.NeuralNetwork(
    hidden_nodes=[2],
    activation="relu",
    algorithm="random_hill_climb",
    max_iters=1000,
    bias=True,
    is_classifier=True,
    learning_rate=0.0001,
    early_stopping=True,
    clip_max=5,
    max_attempts=100,
    random_state=3,
)
nn_model1.fit(X_train_scaled, y_train_hot)
train = accuracy_score(y_train_hot, nn_model1.predict(X_train_scaled))
test = accuracy_score(y_test_hot, nn_model1.predict(X_test_scaled))
print(f"random hill climbing: train {train:.3f}, test {test:.3f} (mlrose: 0.450 / 0.533)")

# %%
# The fitted model has mlrose's attributes, in mlrose's shapes and weight order:
weights, loss = nn_model1.fitted_weights.shape, float(nn_model1.loss)
print(f"node_list {nn_model1.node_list} | weights {weights} | loss {loss:.4f}")

# %%
# With a step of 0.0001 a weight barely moves in 1,000 iterations, which is why the
# tutorial's accuracy stays low. The tutorial's next model, gradient descent, and its
# logistic regressions at two learning rates:
models = {
    "NeuralNetwork, gradient_descent": mlrose.NeuralNetwork(
        hidden_nodes=[2],
        activation="relu",
        algorithm="gradient_descent",
        max_iters=1000,
        bias=True,
        is_classifier=True,
        learning_rate=0.0001,
        early_stopping=True,
        clip_max=5,
        max_attempts=100,
        random_state=3,
    ),
    "LogisticRegression, learning_rate 0.0001": mlrose.LogisticRegression(
        algorithm="random_hill_climb",
        max_iters=1000,
        bias=True,
        learning_rate=0.0001,
        early_stopping=True,
        clip_max=5,
        max_attempts=100,
        random_state=3,
    ),
    "LogisticRegression, learning_rate 0.01": mlrose.LogisticRegression(
        algorithm="random_hill_climb",
        max_iters=1000,
        bias=True,
        learning_rate=0.01,
        early_stopping=True,
        clip_max=5,
        max_attempts=100,
        random_state=3,
    ),
}
published = {
    "NeuralNetwork, gradient_descent": (0.625, 0.567),
    "LogisticRegression, learning_rate 0.0001": (0.192, 0.067),
    "LogisticRegression, learning_rate 0.01": (0.683, 0.700),
}
for name, model in models.items():
    model.fit(X_train_scaled, y_train_hot)
    train = accuracy_score(y_train_hot, model.predict(X_train_scaled))
    test = accuracy_score(y_test_hot, model.predict(X_test_scaled))
    print(f"{name:42s} train {train:.3f} test {test:.3f}  (mlrose: {published[name]})")

# %%
# Where a number differs from mlrose's, the random draws differ (JAX's, not NumPy's), or
# one of the deliberate differences of :doc:`/guides/mlrose-migration` applies (mlrose's
# gradient descent uses a wrong derivative for sigmoid and tanh; relu is right in both).
#
# The four algorithms and their fitness curves
# --------------------------------------------
# ``curve=True`` records ``fitness_curve``: one row per iteration with the loss and the
# cumulative number of evaluations, as mlrose-ky does. A larger step makes the comparison
# worth drawing.
fig, ax = plt.subplots(figsize=(7, 4))
for algorithm in ("random_hill_climb", "simulated_annealing", "genetic_alg", "gradient_descent"):
    nn = mlrose.NeuralNetwork(
        hidden_nodes=[2],
        activation="relu",
        algorithm=algorithm,
        max_iters=1000,
        learning_rate=0.1 if algorithm != "gradient_descent" else 0.001,
        clip_max=5,
        max_attempts=100,
        early_stopping=True,
        curve=True,
        random_state=3,
    )
    nn.fit(X_train_scaled, y_train_hot)
    curve = np.asarray(nn.fitness_curve)
    loss = curve[:, 0] if curve.ndim == 2 else curve
    test = accuracy_score(y_test_hot, nn.predict(X_test_scaled))
    ax.plot(loss, label=f"{algorithm} (test {test:.2f})")
    print(f"{algorithm:20s} iterations {len(loss):4d}  loss {nn.loss:.4f}  test {test:.3f}")
ax.set(xlabel="iteration", ylabel="training log-loss", title="mlrose's algorithms on iris")
ax.legend()
fig.tight_layout()

# %%
# A population instead of one climber
# -----------------------------------
# jaxclimb adds one argument to mlrose's: ``population_size``, independent climbers run
# side by side, the one with the lowest loss kept. On a vector machine 64 climbers cost
# little more than one.
pop = mlrose.NeuralNetwork(
    hidden_nodes=[2],
    activation="relu",
    algorithm="random_hill_climb",
    max_iters=1000,
    learning_rate=0.1,
    clip_max=5,
    max_attempts=100,
    early_stopping=True,
    random_state=3,
    population_size=64,
)
pop.fit(X_train_scaled, y_train_hot)
print(
    f"64 climbers, step 0.1: train {accuracy_score(y_train_hot, pop.predict(X_train_scaled)):.3f}"
    f", test {accuracy_score(y_test_hot, pop.predict(X_test_scaled)):.3f}"
)

# %%
# jaxclimb's own estimator
# ------------------------
# :class:`~jaxclimb.ClimbingClassifier` is a scikit-learn estimator: plain labels (any
# kind), jaxclimb's own network (a bias on every layer), and defaults chosen by
# experiment: the climbers search the log-loss with an L2 penalty, about 1% of the weights
# move per step with step sizes adapted by the 1/5 rule, and a budget of evaluations
# (``budget``, printed below) is split into climbers and steps by the network's size.
clf = jc.ClimbingClassifier(hidden_layer_sizes=[2], activation="relu", random_state=3)
clf.fit(X_train_scaled, y_train)
print(
    f"ClimbingClassifier: train {clf.score(X_train_scaled, y_train):.3f}, "
    f"test {clf.score(X_test_scaled, y_test):.3f}"
)
print(
    f"budget {clf.budget:,} evaluations: {clf.result_.population} climbers x "
    f"{clf.n_iter_} steps; predict_proba rows:"
)
print(clf.predict_proba(X_test_scaled[:3]).round(3))

# %%
# ``result_`` holds the whole population, so the chosen climber can be put in context:
per_climber = clf.result_.evaluate(X_test_scaled, y_test, metric="accuracy")
quartiles = np.quantile(per_climber, [0.25, 0.75]).round(3)
print(
    f"test accuracy across {clf.result_.population} climbers: median "
    f"{np.median(per_climber):.3f}, quartiles {quartiles}"
)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(clf.loss_curve_)
ax.set(
    xlabel="recorded step",
    ylabel="searched loss (log-loss + L2)",
    title="ClimbingClassifier: the chosen climber's loss_curve_",
)
fig.tight_layout()

# %%
# Being a scikit-learn estimator, it works in ``Pipeline``, ``GridSearchCV`` and
# ``cross_val_score``; see the gallery's grid search example and :doc:`/guides/estimators`.
