"""
A grid search in a Pipeline
===========================

GridSearchCV over step size and population size, in a Pipeline with a scaler.

    python examples/grid_search.py

Refits of one configuration on same-shaped folds reuse the compiled search, so the grid
costs one compilation per distinct setting, not one per fit.
"""

import time

from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
pipe = Pipeline([
    ("scale", StandardScaler()),
    ("climb", jc.ClimbingClassifier(hidden_layer_sizes=(4,), max_steps=500, random_state=0)),
])  # fmt: skip
grid = GridSearchCV(
    pipe,
    {"climb__step_size": [0.03, 0.1, 0.3], "climb__population_size": [16, 64]},
    cv=5,
)
start = time.perf_counter()
grid.fit(X_train, y_train)
print(
    f"searched {len(grid.cv_results_['params'])} settings x 5 folds in "
    f"{time.perf_counter() - start:.1f} s"
)
print("best:", grid.best_params_, f"cv accuracy {grid.best_score_:.3f}")
print(f"test accuracy of the refitted best pipeline: {grid.score(X_test, y_test):.3f}")
