"""scikit-learn's own estimator checks, over both estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from jaxclimb import ClimbingClassifier, ClimbingRegressor

# Smaller searches than the defaults keep the suite fast; the checks that measure quality
# (check_classifiers_train, check_regressors_train) still pass at these sizes.
ESTIMATORS = [
    ClimbingClassifier(population_size=16, max_steps=300, random_state=0),
    ClimbingRegressor(population_size=16, max_steps=300, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
