"""
Problem A: the tutorial's two networks with a population
========================================================

docs/REFERENCE.md problem A, both rows of the tutorial, with a population instead of one climber.

    python examples/problem_a_tutorial.py

The tutorial ran one stochastic hill climber per model; here 256 run at once, and the one
with the best training accuracy is compared with the tutorial's published numbers.
"""

import jax
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import accuracy_score

import jaxclimb as jc

jc.use_cpu_cores()  # before any JAX array exists: one host device per core

X_train, X_test, y_train, y_test = jc.datasets.problem_a()
rows = [
    # name, network, step size, tutorial (train, test)
    ("perceptron (step)", jc.perceptron(5), 0.05, (0.885, 0.818)),
    (
        "MLP 5-10-1 (sigmoid)",
        jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid"),
        0.1,
        (0.873, 0.851),
    ),
]
fig, ax = plt.subplots(figsize=(7, 4))
for name, net, step_size, (tut_train, tut_test) in rows:
    score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
    result = jc.run(
        jax.random.key(0),
        jc.hill_climb(score, step_size=step_size),
        net.init,
        population=256,
        steps=1000,
        progress=False,
    )
    train = accuracy_score(y_train, result.predict(X_train))
    test = accuracy_score(y_test, result.predict(X_test))
    per_climber = result.evaluate(X_test, y_test)
    median_test = np.median(per_climber)
    ax.hist(per_climber, bins=np.linspace(0.45, 0.92, 48), alpha=0.6, label=name)
    print(
        f"{name:22s} best-by-train: train {train:.3f} test {test:.3f} "
        f"(median test across climbers {median_test:.3f}); tutorial: {tut_train} / {tut_test}"
    )
ax.set(xlabel="test accuracy", ylabel="climbers", title="Problem A: 256 climbers per network")
ax.legend()
fig.tight_layout()
plt.show()
