"""Scaling of the command line's data (``jaxclimb.datasets.scaling``): fitted on the
training split as scikit-learn would, and folded back into the weights exactly."""

import types

import jax
import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc


def test_scaling_is_fitted_on_the_training_split_and_folds_back_exactly():
    from jaxclimb.datasets.scaling import apply_scaling, fit_scaling, fold_into_result

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * [1.0, 1e3, 0.01] + [0.0, 2e4, 5.0]
    y = 2e5 + 3e4 * rng.normal(size=40)
    scaling = fit_scaling("standard", X[:30], y[:30])
    expected = StandardScaler().fit(X[:30]).transform(X[30:])
    np.testing.assert_allclose(apply_scaling(scaling, X[:30], X[30:], y, y)[1], expected, atol=1e-5)
    minmax = apply_scaling(fit_scaling("minmax", X[:30]), X[:30], X[:30], None, None)[0]
    assert minmax.min() == 0 and minmax.max() == pytest.approx(1)
    assert fit_scaling("none", X) is None
    net = jc.MLP((3, 4, 1), output="identity")
    one = net.init(jax.random.key(0))
    params = [{k: np.stack([v, v * 0.5]) for k, v in layer.items()} for layer in one]
    climber = lambda tree, i: jax.tree_util.tree_map(lambda x: x[i], tree)  # noqa: E731
    Xs = apply_scaling(scaling, X[:30], X, y[:30], y)[0]
    scaled_out = [np.asarray(net(climber(params, i), Xs)) for i in range(2)]
    result = types.SimpleNamespace(best_params=params, metric="mse", config={},
                                   best_score=np.array([-1.0, -2.0]), final_score=np.zeros(2),
                                   history=np.full((2, 3), -1.0))  # fmt: skip
    fold_into_result(result, scaling)
    target = scaling["target"]
    for i in range(2):
        raw_out = np.asarray(net(climber(result.best_params, i), X[:30].astype(np.float32)))
        np.testing.assert_allclose(raw_out, scaled_out[i] * target["std"] + target["mean"],
                                   rtol=1e-4)  # fmt: skip
    assert result.best_score[0] == pytest.approx(-(target["std"] ** 2))  # MSE in its units
    assert result.config["scaling"] == scaling
