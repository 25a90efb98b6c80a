"""docs/REFERENCE.md B end to end: the mlrose iris tutorial, then jaxclimb's estimator.

python examples/mlrose_iris_tutorial.py
"""

import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

import jaxclimb as jc
from jaxclimb import mlrose

# The tutorial's data preparation: 80/20 split, MinMaxScaler fitted on train, one-hot labels.
X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
scaler = MinMaxScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
encoder = OneHotEncoder().fit(y_train.reshape(-1, 1))
y_train_hot = encoder.transform(y_train.reshape(-1, 1)).toarray()

# 1. The tutorial's own call, with `from jaxclimb import mlrose` instead of `import mlrose`.
nn = mlrose.NeuralNetwork(
    hidden_nodes=[2], activation="relu", algorithm="random_hill_climb", max_iters=1000,
    bias=True, is_classifier=True, learning_rate=0.0001, early_stopping=True, clip_max=5,
    max_attempts=100, random_state=3,
)  # fmt: skip
nn.fit(X_train, y_train_hot)
train = accuracy_score(y_train, nn.predict(X_train).argmax(axis=1))
test = accuracy_score(y_test, nn.predict(X_test).argmax(axis=1))
print(
    f"mlrose front, tutorial arguments: train {train:.3f} test {test:.3f} "
    "(mlrose published: 0.450 / 0.533)"
)

# 2. jaxclimb's estimator: plain labels, default search, same architecture.
clf = jc.ClimbingClassifier(hidden_layer_sizes=[2], activation="relu", random_state=3)
clf.fit(X_train, y_train)
print(
    f"ClimbingClassifier defaults:      train {clf.score(X_train, y_train):.3f} "
    f"test {clf.score(X_test, y_test):.3f}"
)
per_climber = clf.result_.evaluate(X_test, y_test)
print(
    f"  test accuracy across its {clf.result_.population} climbers: median "
    f"{np.median(per_climber):.3f}, quartiles {np.quantile(per_climber, [0.25, 0.75])}"
)
