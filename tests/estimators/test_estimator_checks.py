"""scikit-learn's own estimator checks, over both estimators.

Every check fits a new search on data of new shapes, so each compiles its own programs
(about 2-5 s on 2 cores). README's test command runs the checks that fit nothing, and of
the fitting ones those that measure quality (check_classifiers_train, check_regressors_train)
and NaN handling (check_estimators_nan_inf); the rest of the fitting checks are marked
``slow`` and run by ``.ci/run`` (``pytest -m slow``).
"""

import functools

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from jaxclimb import ClimbingClassifier, ClimbingRegressor

# Smaller searches than the defaults keep the suite fast; the checks that measure quality
# (check_classifiers_train, check_regressors_train) still pass at these sizes.
ESTIMATORS = [
    ClimbingClassifier(population_size=16, max_steps=300, random_state=0),
    ClimbingRegressor(population_size=16, max_steps=300, random_state=0),
]

# A search on repeated rows differs from one on weighted rows by float rounding, which sends
# the climbers elsewhere; the weighting itself is tested in test_estimator_params.py.
RANDOMISED = {
    "check_sample_weight_equivalence_on_dense_data": "a stochastic search (as MLPClassifier)",
    "check_sample_weight_equivalence_on_sparse_data": "a stochastic search (as MLPClassifier)",
}

# The fitting checks (measured with --durations: 2-15 s each over both estimators, 2-core
# AMD EPYC) other than the three the module docstring names.
LONG = {
    "check_sample_weight_equivalence_on_dense_data", "check_dtype_object",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes",
    "check_sample_weights_pandas_series", "check_fit_score_takes_y",
    "check_fit_check_is_fitted", "check_sample_weights_shape",
    "check_n_features_in_after_fitting", "check_estimators_overwrite_params",
    "check_dont_overwrite_parameters", "check_fit2d_1feature", "check_classifiers_classes",
    "check_decision_proba_consistency", "check_regressors_int", "check_fit2d_1sample",
    "check_regressor_multioutput", "check_regressors_no_decision_function",
    "check_fit_idempotent", "check_sample_weights_list", "check_f_contiguous_array_estimator",
    "check_n_features_in", "check_estimators_fit_returns_self",
    "check_sample_weights_not_an_array", "check_sample_weights_not_overwritten",
    "check_pipeline_consistency",
}  # fmt: skip


def _name(check) -> str:
    """``check_x`` or ``check_x(option=value)``: the id scikit-learn's own helper gives."""
    if not isinstance(check, functools.partial):
        return check.__name__
    options = ",".join(f"{k}={v}" for k, v in check.keywords.items())
    return check.func.__name__ + (f"({options})" if options else "")


def _cases():
    for estimator in ESTIMATORS:
        checks = estimator_checks_generator(
            estimator, expected_failed_checks=RANDOMISED, mark="xfail"
        )
        for case in checks:  # (estimator, check), or a pytest.param marked xfail
            values, marks = (case, []) if type(case) is tuple else (case.values, list(case.marks))
            name = _name(values[1])
            if name in LONG:
                marks.append(pytest.mark.slow)
            yield pytest.param(*values, marks=marks, id=f"{type(estimator).__name__}-{name}")


@pytest.mark.parametrize("estimator, check", list(_cases()))
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_every_long_check_is_a_scikit_learn_check():
    """A check renamed upstream must not silently leave the slow set."""
    names = {_name(case.values[1]) for case in _cases()}
    assert names >= LONG
