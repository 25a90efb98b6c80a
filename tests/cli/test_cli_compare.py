"""``jaxclimb compare --data`` compares with the estimators' defaults, as ``run --data``
searches (issue 32): tanh, glorot, the L2 penalty ``--alpha``, scaling; problem A's
comparison keeps the tutorial's."""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

import jaxclimb as jc
from jaxclimb.cli import main
from jaxclimb.datasets.tasks import DEFAULT_ALPHA, TrainingScore


def _csv(path, X, y):
    names = [f"x{i}" for i in range(X.shape[1])]
    rows = [",".join(f"{v:.9g}" for v in (*x, t)) for x, t in zip(X, y, strict=True)]
    path.write_text("\n".join([",".join([*names, "y"]), *rows]) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    return _csv(tmp_path_factory.mktemp("c") / "classes.csv", X * 100 + 1e3, y)


def _compared(argv, no_comparison, capsys):
    assert main(["compare", "--quiet", *argv]) == 130  # stopped before any configuration
    net, score = no_comparison[-1]["model"]
    return net, score, no_comparison[-1], capsys.readouterr().out


def test_compare_on_a_csv_searches_the_estimators_defaults(classes, no_comparison, capsys):
    net, score, kwargs, out = _compared(["--data", classes, "--target", "y"], no_comparison, capsys)
    assert (net.activation, net.init_scheme, net.layer_sizes) == ("tanh", "glorot", (4, 10, 1))
    assert isinstance(score, TrainingScore) and float(score.alpha) == DEFAULT_ALPHA
    assert (kwargs["metric"], kwargs["chosen_by"]) == ("log_loss", "accuracy")  # as run
    assert kwargs["budget"] == 256 * 1000  # compare's own budget, not the estimators'
    assert "(tanh hidden, sigmoid output, glorot init), L2 penalty alpha 10" in out
    assert "standard scaling" in out
    X_train = no_comparison[-1]["model"][1].X
    assert abs(float(np.mean(X_train))) < 0.1  # features near 1e3 +- 1e2: standardised


def test_compare_on_a_csv_honours_the_options_given(classes, no_comparison, capsys):
    argv = ["--data", classes, "--target", "y", "--activation", "sigmoid", "--alpha", "0"]
    net, score, _, out = _compared(argv, no_comparison, capsys)
    assert (net.activation, net.init_scheme) == ("sigmoid", "glorot")  # --init not given
    assert not isinstance(score, TrainingScore) and "no penalty" in out
    argv = ["--data", classes, "--target", "y", "--init", "uniform", "--alpha", "2.5"]
    net, score, _, out = _compared([*argv, "--scale", "none"], no_comparison, capsys)
    assert (net.activation, net.init_scheme, float(score.alpha)) == ("tanh", "uniform", 2.5)
    assert "L2 penalty alpha 2.5" in out and "scaling" not in out


def test_a_penalised_regression_comparison_keeps_the_best_train_r2(tmp_path, no_comparison, capsys):
    X, y = make_regression(n_samples=80, n_features=3, noise=1.0, random_state=0)
    path = _csv(tmp_path / "prices.csv", X, y)
    _, score, kwargs, _ = _compared(["--data", path, "--target", "y"], no_comparison, capsys)
    assert isinstance(score, TrainingScore) and kwargs["metric"] == "r2"
    assert kwargs["chosen_by"] == "r2"  # as run: the best train R², ties by the penalised
    _, _, kwargs, _ = _compared(
        ["--data", path, "--target", "y", "--alpha", "0"], no_comparison, capsys
    )
    assert kwargs["chosen_by"] is None


def test_problem_a_compare_keeps_the_tutorials_defaults(no_comparison, capsys):
    net, score, kwargs, out = _compared([], no_comparison, capsys)
    assert net == jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid", init="uniform")
    assert not isinstance(score, TrainingScore) and score.metric == "accuracy"
    assert (kwargs["metric"], kwargs["chosen_by"], kwargs["budget"]) == ("accuracy", None, 256_000)
    assert "(sigmoid hidden, sigmoid output, uniform init), no penalty, data problem A" in out
    assert "scaling" not in out  # problem A is compared unscaled, as the tutorial


def test_a_negative_alpha_is_refused_naming_the_option(classes, capsys):
    argv = ["compare", "--data", classes, "--target", "y", "--alpha", "-1", "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "--alpha must be >= 0" in err and len(err.splitlines()) == 1


@pytest.mark.slow  # about 10 s: two searches compiled
def test_compare_keeps_runs_climber_and_reports_train_values_without_the_penalty(
    classes, tmp_path, capsys
):
    record = str(tmp_path / "c.json")
    common = ["--data", classes, "--target", "y", "--population", "12", "--steps", "40"]
    argv = ["compare", *common, "--algorithms", "hill-climb", "--step-sizes", "0.1"]
    assert main([*argv, "--quiet", "--json", record]) == 0
    row = json.loads(Path(record).read_text())["configurations"][0]
    assert main(["run", *common, "--algorithm", "hill-climb", "--quiet"]) == 0
    table = capsys.readouterr().out.splitlines()
    value = lambda name: float(next(x for x in table if x.startswith(name)).split()[2])  # noqa: E731
    assert row["train_chosen"] == pytest.approx(value("train log_loss"), abs=1e-4)
    assert row["test_chosen"] == pytest.approx(value("test log_loss"), abs=1e-4)


@pytest.mark.slow  # about 8 s: two searches compiled
def test_problem_a_compare_is_the_librarys_default_comparison(tmp_path):
    record = str(tmp_path / "c.json")
    argv = ["compare", "--algorithms", "hill-climb", "--step-sizes", "0.1", "--population",
            "12", "--steps", "30", "--quiet", "--json", record]  # fmt: skip
    assert main(argv) == 0
    ours = json.loads(Path(record).read_text())["configurations"][0]
    config = [{"algorithm": "hill-climb", "population": 12, "step_size": 0.1}]
    library = jc.compare(config, budget=360, target=0.85, progress=False).to_records()[0]
    for key in ("train_chosen", "train_median", "test_median", "test_q25", "success_rate"):
        assert ours[key] == library[key], key
