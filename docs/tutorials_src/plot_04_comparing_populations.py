"""
Comparing random-restart populations
====================================

A population of climbers is a sample of what one climber does from a random start. So the
honest way to compare two configurations (two algorithms, two step sizes) is to compare
their distributions at an equal budget of evaluations, not their luckiest climbers. This
page does that with :func:`~jaxclimb.compare`: medians with bootstrap intervals, a rank
test, success rates and the expected running time (ERT) of restarting failed climbers.
"""

# %%
# Configurations at an equal budget
# ---------------------------------
# Each configuration is a dict: an algorithm from ``jc.algorithms.REGISTRY``, a population and the
# algorithm's options. ``compare`` gives every one the same data, seed and budget of
# evaluations (here 64,000 each, on problem A's MLP); a configuration whose step costs
# more evaluations (a genetic algorithm evaluates its whole population per step) gets
# fewer steps.
import matplotlib.pyplot as plt

import jaxclimb as jc

jc.use_cpu_cores()
configs = [
    {"algorithm": "hill-climb", "step_size": 0.1, "population": 64},
    {"algorithm": "hill-climb", "step_size": 0.5, "population": 64},
    {"algorithm": "annealing", "step_size": 0.1, "population": 64},
    {"algorithm": "genetic", "step_size": 0.1, "population": 16, "pop_size": 16},
]
comparison = jc.compare(configs, budget=64_000, target=0.85, seed=0, progress=False)
print(comparison.format_table())

# %%
# Reading the table
# -----------------
# * **runs** are independent searches: a climber, or one whole GA (``population 16`` with
#   ``pop_size 16`` is 16 GAs of 16 individuals). Fewer than 10 runs and the row is marked:
#   its statistics say little.
# * **best, median, q25, q75**: the final test accuracy of the climber each run reports,
#   across runs ("best" is the run chosen by training accuracy, as ``result.predict`` uses).
# * **ci_lo, ci_hi**: a 95% bootstrap interval of the median. Two rows whose intervals
#   overlap widely are not shown different by this budget.
# * **p**: a two-sided Mann-Whitney U test of the row's runs against the first row's.
# * **success**: the share of runs that reached ``target`` (0.85) on the training data.
# * **ERT**: the expected number of evaluations to reach the target if every failed run
#   were restarted until one succeeds (successful runs' evaluations to the target plus the
#   failed runs' whole budgets, divided by the number of successes). It is the fair cost
#   of "run until it works", and it is infinite when nothing succeeded.
#
# Here the small genetic algorithm never left the plateau where the tutorial's U(0, 1)
# weights start (every row predicted as one class, test accuracy 0.503): no run reached the
# target, so its ERT is infinite. With a population of 256 individuals it is among the
# best on this problem (:doc:`/guides/algorithms`); a comparison at your budget is how to
# find that out.
#
# The same numbers as data, for your own analysis:
for row in comparison.to_records():
    print(f"{row['name']:32s} median {row['test_median']:.4f} "
          f"[{row['median_ci_low']:.4f}, {row['median_ci_high']:.4f}]  "
          f"success {row.get('success_rate', 0):.0%}")  # fmt: skip

# %%
# ``to_csv(path)`` and ``to_json(path)`` write them; ``jaxclimb compare --csv/--json`` does
# the same from the command line (see :doc:`/guides/cli`).
#
# The figure
# ----------
# ``plot_comparison`` draws three panels: the median best score against evaluations (with
# its interquartile band), the final distribution per configuration, and the empirical
# distribution (ECDF) of the evaluations each run needed to reach the target, the curve
# behind the success rate and the ERT. Every configuration keeps one colour throughout.
jc.plot_comparison(comparison)
plt.show()

# %%
# Comparing results you already have
# ----------------------------------
# ``compare_results`` computes the same statistics over saved or in-memory results, for
# configurations ``compare`` cannot express (your own objective, another network):
X_train, X_test, y_train, y_test = jc.datasets.problem_a()
results = {}
for name, hidden in (("MLP 5-4-1", 4), ("MLP 5-10-1", 10)):
    net = jc.MLP((5, hidden, 1), activation="sigmoid", output="sigmoid")
    score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
    results[name] = jc.run(0, jc.hill_climb(score, step_size=0.1), net.init, population=128,
                           steps=500, progress=False)  # fmt: skip
print(jc.compare_results(results, X_test=X_test, y_test=y_test, target=0.85).format_table())

# %%
# A single run's view: ``plot_run`` draws every climber's best score over the steps and the
# final distribution; pass ``ax=`` to draw into your own figure.
fig, ax = plt.subplots(figsize=(6, 3.5))
jc.plot_run(results["MLP 5-10-1"], ax=ax)
plt.show()
