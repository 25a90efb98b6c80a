import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from jaxclimb import mlrose


@pytest.fixture(scope="module")
def iris_one_hot():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
    scaler = MinMaxScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


TUTORIAL = dict(
    max_iters=1000,
    bias=True,
    learning_rate=0.0001,
    early_stopping=True,
    clip_max=5,
    max_attempts=100,
    random_state=3,
)


def test_tutorial_arguments_match_or_beat_mlrose(iris_one_hot):
    """REFERENCE.md B: mlrose's NeuralNetwork with these arguments: test accuracy 0.533."""
    X_train, X_test, y_train, y_test = iris_one_hot
    one_hot = np.eye(3)[y_train]
    nn = mlrose.NeuralNetwork(
        hidden_nodes=[2],
        activation="relu",
        algorithm="random_hill_climb",
        is_classifier=True,
        curve=True,
        **TUTORIAL,
    )
    nn.fit(X_train, one_hot)
    pred = nn.predict(X_test)
    assert pred.shape == (len(X_test), 3)  # one-hot in, one-hot out, as mlrose
    assert np.mean(pred.argmax(axis=1) == y_test) >= 0.533
    assert nn.predicted_probs.shape == (len(X_test), 3)
    assert nn.fitted_weights.shape == ((4 + 1) * 2 + (2 + 1) * 3,)  # hidden biases included
    assert nn.fitness_curve[-1] == pytest.approx(nn.loss)  # the curve of the returned weights


def test_plain_labels_and_a_seed_of_zero(iris_one_hot):
    X_train, _, y_train, _ = iris_one_hot
    a = mlrose.LogisticRegression(learning_rate=0.1, max_iters=300, random_state=0)
    b = mlrose.LogisticRegression(learning_rate=0.1, max_iters=300, random_state=0)
    pa, pb = a.fit(X_train, y_train).predict(X_train), b.fit(X_train, y_train).predict(X_train)
    np.testing.assert_array_equal(pa, pb)  # 0 is a seed, not "no seed"
    assert set(pa) <= {0, 1, 2} and a.score(X_train, y_train) > 0.6


def test_continuous_regression_works():
    X, y = make_regression(n_samples=100, n_features=2, noise=0.5, random_state=1)
    lin = mlrose.LinearRegression(learning_rate=0.1, max_iters=500, random_state=1).fit(X, y)
    assert lin.score(X, y) > 0.95 and lin.predict(X).dtype.kind == "f"


@pytest.mark.parametrize(
    ("algorithm", "extra"),
    [
        ("simulated_annealing", {"schedule": mlrose.ExpDecay(init_temp=0.1)}),
        ("genetic_alg", {"pop_size": 16, "mutation_prob": 0.2}),
        ("gradient_descent", {}),
    ],
)
def test_every_mlrose_algorithm_name(iris_one_hot, algorithm, extra):
    X_train, _, y_train, _ = iris_one_hot
    nn = mlrose.NeuralNetwork(
        hidden_nodes=[4],
        activation="tanh",
        algorithm=algorithm,
        learning_rate=0.1,
        max_iters=200,
        random_state=0,
        **extra,
    )
    assert nn.fit(X_train, y_train).score(X_train, y_train) > 0.5


def test_mlrose_errors_are_named(iris_one_hot):
    X_train, _, y_train, _ = iris_one_hot
    with pytest.raises(ValueError, match="algorithm"):
        mlrose.NeuralNetwork(algorithm="mimic").fit(X_train, y_train)
    with pytest.raises(ValueError, match="bias"):
        mlrose.NeuralNetwork(bias=False).fit(X_train, y_train)
