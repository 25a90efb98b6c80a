"""
Hill climbing a neural network, from one climber to thousands
=============================================================

The tutorial behind problem A (:doc:`/REFERENCE`) fits a perceptron and then a small MLP
without gradients: start from random weights, add Gaussian noise to every weight, keep the
new weights if the training accuracy is at least as good, repeat 1,000 times. It writes
the forward pass, the objective and the loop in plain Python, one row and one node at a
time. This page does the same steps with jaxclimb, then runs thousands of climbers at once
and compares them with the tutorial's single one.
"""

# %%
# The data
# --------
# The tutorial's data set: ``make_classification`` with 1,000 rows and five features, two
# of them informative, split 67/33. The tutorial's split was not seeded; jaxclimb's
# ``problem_a`` fixes it so the numbers on this page are reproducible.
import jax
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import accuracy_score

import jaxclimb as jc

jc.use_cpu_cores()  # in a script, right after the imports: one JAX device per CPU core
X_train, X_test, y_train, y_test = jc.datasets.problem_a()
print(X_train.shape, X_test.shape, "class balance", y_train.mean().round(3))

# %%
# A perceptron and its objective
# ------------------------------
# The tutorial's perceptron is one unit: a weighted sum plus a bias, passed through a step
# transfer (1 if the activation is at least 0, else 0), with weights drawn from U(0, 1).
# ``jc.perceptron(5)`` is that network. Networks are PyTrees of weight arrays, and
# ``net.init(key)`` draws one set of weights.
perceptron = jc.perceptron(5)
weights = perceptron.init(jax.random.key(1))
print(jax.tree.map(np.shape, weights))

# %%
# The objective is the training accuracy, higher is better. ``make_score_fn`` builds it
# once, with the data inside, so that a compiled search can evaluate many weight sets at
# once. With random weights it is about a coin toss, as in the tutorial (0.548 there).
score = jc.make_score_fn(perceptron, X_train, y_train, metric="accuracy")
print(f"training accuracy of random weights: {float(score(weights)):.3f}")

# %%
# One climber, the tutorial's search
# ----------------------------------
# ``jc.hill_climb`` is the tutorial's algorithm: N(0, step_size) noise on every weight, the
# candidate kept when its score is ``>=`` the current one. ``jc.run`` runs it; with
# ``population=1`` it is exactly one climber, the tutorial's setting.
one = jc.run(
    jax.random.key(0),
    jc.hill_climb(score, step_size=0.05),
    perceptron.init,
    population=1,
    steps=1000,
    record_every=1,  # keep the score of every step, to print the tutorial's trace
    progress=False,
)

# %%
# The tutorial prints ``>step score`` whenever the score improves; the run's history holds
# the best score at every step, so the same trace is a few lines of NumPy:
history = one.history[0]
improved = np.flatnonzero(np.diff(history) > 0) + 1
for step in improved:
    print(f">{one.history_steps[step] - 1} {history[step]:.5f}")
print(f"Done! train {one.best_score[0]:.3f}, test {one.evaluate(X_test, y_test)[0]:.3f}")
print("the tutorial's published run: train 0.885, test 0.818 (another, unseeded split)")

# %%
# The MLP
# -------
# The tutorial then builds an MLP with five inputs, ten hidden units and one output, a
# sigmoid transfer in every unit and the output rounded to a label, again with U(0, 1)
# weights, and moves every weight by N(0, 0.1). ``jc.MLP`` takes the layer sizes and the
# transfers; everything else is the same call.
mlp = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
mlp_score = jc.make_score_fn(mlp, X_train, y_train, metric="accuracy")
climb = jc.hill_climb(mlp_score, step_size=0.1)
one_mlp = jc.run(0, climb, mlp.init, population=1, steps=1000, progress=False)
print(
    f"one MLP climber: train {one_mlp.best_score[0]:.3f}, "
    f"test {one_mlp.evaluate(X_test, y_test)[0]:.3f} (tutorial: 0.873 / 0.851)"
)

# %%
# Thousands of climbers
# ---------------------
# A single climber's result depends on its random start: rerun the tutorial and the numbers
# move. jaxclimb runs many independent climbers as one compiled computation; climber ``i``
# uses the key ``fold_in(key, i)``, so it does the same thing whatever the population size.
# Here 2,048 climbers, each the tutorial's search: two million evaluations.
many = jc.run(0, climb, mlp.init, population=2048, steps=1000, progress=False)
print(many.summary(X_test, y_test))

# %%
# Climber 0 of the population is the single climber above, step for step:
same = jax.tree.leaves(many.climber(0)), jax.tree.leaves(one_mlp.climber(0))
print("climber 0 is the single run:", all(map(np.array_equal, *same)))

# %%
# The whole population, not only its best
# ---------------------------------------
# Every climber reports its best training accuracy and, evaluated afterwards, its test
# accuracy. The climber with the best training accuracy is the one ``result.predict`` uses;
# its test accuracy is a draw from the right-hand tail of the population, so it is worth
# looking at the distribution rather than one number.
train = many.best_metric
test = many.evaluate(X_test, y_test)
chosen = many.best_index()
print(
    f"chosen climber {chosen}: train {train[chosen]:.3f}, test {test[chosen]:.3f}; "
    f"median across climbers: train {np.median(train):.3f}, test {np.median(test):.3f}"
)
print(
    f"the chosen climber's predictions: test accuracy "
    f"{accuracy_score(y_test, many.predict(X_test)):.3f} (sklearn.metrics on NumPy labels)"
)

fig, (ax_hist, ax_scatter) = plt.subplots(1, 2, figsize=(10, 4))
bins = np.linspace(0.45, 0.95, 51)
ax_hist.hist(train, bins=bins, alpha=0.6, label="train")
ax_hist.hist(test, bins=bins, alpha=0.6, label="test")
ax_hist.axvline(0.873, color="k", linestyle="--", label="tutorial's climber (train)")
ax_hist.set(xlabel="accuracy", ylabel="climbers", title="2,048 climbers after 1,000 steps")
ax_hist.legend()
ax_scatter.scatter(train, test, s=3, alpha=0.3)
ax_scatter.scatter(train[chosen], test[chosen], color="red", label="chosen by train accuracy")
ax_scatter.set(xlabel="train accuracy", ylabel="test accuracy", title="train against test")
ax_scatter.legend()
fig.tight_layout()

# %%
# Comparing the two networks
# --------------------------
# The perceptron with the same budget of climbers, then both populations side by side:
# ``compare_results`` gives the median test accuracy with a bootstrap interval, a
# Mann-Whitney test against the first row, and how often a climber reached a target.
perceptron_many = jc.run(0, jc.hill_climb(score, step_size=0.05), perceptron.init,
                         population=2048, steps=1000, progress=False)  # fmt: skip
comparison = jc.compare_results(
    {"perceptron (step)": perceptron_many, "MLP 5-10-1 (sigmoid)": many},
    X_test=X_test, y_test=y_test, target=0.85,
)  # fmt: skip
print(comparison.format_table())

# %%
# ``plot_run`` draws one population: the best score of every climber over the steps, and
# the final distribution.
jc.plot_run(many)
plt.show()

# %%
# What this shows: one climber of the tutorial's search lands anywhere between about 0.5
# and 0.89 training accuracy; with thousands of them the best training accuracy is found
# reliably and the spread of test accuracy is visible. The speed of this run (the
# ``evaluations`` line of the summary above) is the point of the library: the tutorial's
# loop evaluates about a hundred networks a second (:doc:`/guides/speed`).
