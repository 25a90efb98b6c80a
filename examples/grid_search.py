"""
A grid search in a Pipeline
===========================

GridSearchCV over step size and population size, in a Pipeline with a scaler.

    python examples/grid_search.py

Refits of one configuration on same-shaped folds reuse the compiled search, so the grid
costs one compilation per distinct setting, not one per fit. With ``n_jobs=2`` each worker
process reads the programs another compiled from the user's cache folder
(``JAXCLIMB_COMPILE_CACHE``; ``off`` turns it off): see ``benchmarks/parallel_fits.py``.
"""

import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
climber = jc.ClimbingClassifier(hidden_layer_sizes=(4,), max_steps=500, random_state=0)
pipe = Pipeline([("scale", StandardScaler()), ("climb", climber)])
steps, populations = [0.03, 0.1, 0.3], [16, 64]
grid = GridSearchCV(
    pipe,
    {"climb__step_size": steps, "climb__population_size": populations},
    cv=5,
)

# %%
# The grid: 6 settings x 5 folds, then a refit of the best on all training rows.

start = time.perf_counter()
grid.fit(X_train, y_train)
print(
    f"searched {len(grid.cv_results_['params'])} settings x 5 folds in "
    f"{time.perf_counter() - start:.1f} s"
)
print("best:", grid.best_params_, f"cv accuracy {grid.best_score_:.3f}")
print(f"test accuracy of the refitted best pipeline: {grid.score(X_test, y_test):.3f}")

# %%
# Cross-validated accuracy of every setting (mean over the folds, one line per population).

params, scores = grid.cv_results_["params"], grid.cv_results_["mean_test_score"]
fig, ax = plt.subplots(figsize=(6, 3.5))
for population in populations:
    line = sorted(
        (p["climb__step_size"], score)
        for p, score in zip(params, scores, strict=True)
        if p["climb__population_size"] == population
    )
    ax.plot(*zip(*line, strict=True), marker="o", label=f"population {population}")
ax.set(xscale="log", xlabel="step_size", ylabel="cv accuracy", title="GridSearchCV on iris")
ax.legend()
plt.show()
