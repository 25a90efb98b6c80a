"""The command line's data (issue 27): scaled as a pipeline would, one metric rule for
run and compare checked before any work, files and inputs that say what they are."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc
from jaxclimb.cli import main
from jaxclimb.datasets import split


def _csv(path, X, y, target="y"):
    names = [f"x{i}" for i in range(X.shape[1])]
    rows = [",".join(f"{v:.9g}" for v in (*x, t)) for x, t in zip(X, y, strict=True)]
    path.write_text("\n".join([",".join([*names, target]), *rows]) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    X, y = make_regression(n_samples=300, n_features=5, n_informative=3, noise=5.0,
                           random_state=3)  # fmt: skip
    X[:, 0] = X[:, 0] * 1e3 + 5e3  # a feature in other units too
    y = 2e5 + 5e4 * y / y.std()  # prices near 2e5
    return _csv(tmp_path_factory.mktemp("d") / "prices.csv", X, y, "price"), X, y


@pytest.mark.slow
def test_a_regression_csv_near_2e5_matches_a_scaled_pipeline(prices, tmp_path, capsys):
    path, X, y = prices
    out = str(tmp_path / "r.npz")
    argv = ["run", "--data", path, "--target", "price", "--population", "16", "--steps", "300"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy cast warning, no metric warning
        assert main([*argv, "--quiet", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "standard scaling" in text and "test r2" in text
    X_train, X_test, y_train, y_test = split(X.astype(np.float32), y, test_size=0.33, split_seed=1)
    result = jc.load_result(out)  # predicts from raw features, in the target's units
    ours = r2_score(y_test, result.predict(X_test).ravel())
    reported = float(next(line for line in text.splitlines() if "test r2" in line).split()[2])
    assert abs(ours - reported) < 1e-3
    pipeline = make_pipeline(StandardScaler(), jc.ClimbingRegressor(
        population_size=16, max_steps=300, random_state=0)).fit(X_train, y_train)  # fmt: skip
    assert ours > r2_score(y_test, pipeline.predict(X_test)) - 0.05 and ours > 0.8
    assert result.config["scaling"]["target"]["mean"] == pytest.approx(y_train.mean())


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    X, y = make_classification(n_samples=200, n_features=4, random_state=0)
    return _csv(tmp_path_factory.mktemp("c") / "classes.csv", X * 100 + 1e3, y)


def test_one_metric_rule_checked_before_any_configuration_runs(no_comparison, capsys):
    argv = ["compare", "--algorithms", "hill-climb,annealing,es,gradient", "--metric", "accuracy"]
    assert main(argv) == 2 and no_comparison == []  # nothing ran
    err = capsys.readouterr().err
    assert (
        "--metric accuracy gives es and gradient no gradient" in err and "--metric log_loss" in err
    )
    assert main(["run", "--algorithm", "es", "--metric", "accuracy", "--quiet"]) == 2
    assert "use --metric log_loss" in capsys.readouterr().err
    assert main(["compare", "--algorithms", "hill-climb,es", "--quiet"]) == 130
    assert no_comparison[-1]["metric"] == "log_loss"  # as run: gradient-following -> log_loss
    assert main(["compare", "--quiet"]) == 130 and no_comparison[-1]["metric"] == "accuracy"


def test_compare_and_run_take_the_same_metric_for_a_csv(classes, prices, no_comparison, capsys):
    assert main(["compare", "--data", classes, "--target", "y", "--quiet"]) == 130
    assert no_comparison[-1]["metric"] == "log_loss"  # run's default for a CSV
    assert main(["compare", "--data", prices[0], "--target", "price", "--quiet"]) == 130
    assert no_comparison[-1]["metric"] == "r2"  # a continuous target needs no --metric
    assert main(["run", "--data", prices[0], "--target", "price", "--metric", "log_loss"]) == 2
    err = capsys.readouterr().err
    assert "--metric log_loss needs classes, but --target 'price' is continuous" in err


@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
def test_report_keeps_the_train_accuracy_row_and_features_are_scaled(classes, tmp_path, capsys):
    out = str(tmp_path / "r.npz")
    argv = ["run", "--data", classes, "--target", "y", "--population", "8", "--steps", "100"]
    assert main([*argv, "--quiet", "--out", out]) == 0
    printed = capsys.readouterr().out
    assert main(["report", out]) == 0
    reported = capsys.readouterr().out
    row = lambda text: next(x for x in text.splitlines() if x.startswith("train accuracy"))  # noqa: E731
    assert row(reported) == row(printed)
    result = jc.load_result(out)
    X = np.loadtxt(classes, delimiter=",", skiprows=1)[:, :4]
    assert result.config["scaling"]["kind"] == "standard"
    assert result.predict(X.astype(np.float32)).shape == (200,)  # raw features in
    assert float(row(printed).split()[2]) > 0.8  # features near 1e3 +- 1e2: scaled


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--data", "/dev/null", "--target", "y"], "is a device or a socket, not a CSV file"),
        (["--data", "{tmp}", "--target", "y"], "is a folder; give the path of a CSV file"),
        (["--hidden", ""], "expected at least one layer size"),
        (["--data", "{tmp}/inf.csv", "--target", "y"], "column 'price': 'inf' is infinite"),
        (["--data", "{tmp}/big.csv", "--target", "y"], "column 'price': '1e39' is beyond"),
    ],
)
def test_inputs_say_what_they_are(tmp_path, argv, match, capsys):
    (tmp_path / "inf.csv").write_text("a,price,y\n1,2,0\n3,inf,1\n")
    (tmp_path / "big.csv").write_text("a,price,y\n1,2,0\n3,1e39,1\n")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["run", "--quiet", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1


def test_a_large_csv_is_announced_while_it_loads(classes, monkeypatch, capsys):
    from jaxclimb.cli import data as cli_data

    monkeypatch.setattr(cli_data, "LARGE_FILE", 10)
    assert main(["run", "--data", classes, "--target", "y", "--test-size", "1.5"]) == 2
    err = capsys.readouterr().err
    assert "reading " in err and "MiB) ..." in err and "read 200 rows x 4 features" in err
    assert "MiB as float32" in err


def test_a_well_formed_csv_is_parsed_into_float32_without_text_cells(classes, monkeypatch):
    from jaxclimb.datasets import csvfile

    with monkeypatch.context() as patched:
        patched.setattr(csvfile, "_read", lambda path: pytest.fail("read as text"))
        X, y, names = csvfile.load_csv(classes, "y")
    assert X.dtype == np.float32 and y.dtype == np.float64
    header, frame = csvfile._read(classes)  # the text path, cell by cell, agrees exactly
    frame.columns = header
    text = np.column_stack([csvfile._numbers(classes, frame, n) for n in names])
    assert np.array_equal(X, text)
    assert np.array_equal(y, csvfile._target_column(classes, "y", frame["y"]))


def test_unwritable_outputs_fail_before_the_work(no_comparison, tmp_path, capsys):
    from jaxclimb.cli.runtime import write_or_fall_back

    assert main(["compare", "--json", "/proc/c.json"]) == 2 and no_comparison == []
    assert "--json: cannot write '/proc/c.json'" in capsys.readouterr().err
    result = tmp_path / "r.npz"
    assert main(["report", str(result), "--plot", "/proc/r.png"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--plot: cannot write" in err

    def write(path):  # a write that fails at the last moment (a disk that fills up)
        if path == "/x/c.json":
            raise OSError(28, "No space left on device")
        with open(path, "w") as f:
            f.write("{}")

    assert write_or_fall_back("--json", "/x/c.json", write) == 1
    err = capsys.readouterr().err
    fallback = err.split("wrote ")[1].split()[0]
    assert "No space left" in err
    with open(fallback) as f:
        assert f.read() == "{}"


def _spreadsheet_csv(path, X, labels):
    """As a spreadsheet exports: a quoted header, quoted text labels, CRLF line ends."""
    header = ",".join(f'"feature {i + 1}"' for i in range(X.shape[1])) + ',"class"'
    rows = [",".join(f"{v:.6g}" for v in x) + f',"{t}"' for x, t in zip(X, labels, strict=True)]
    path.write_bytes("\r\n".join([header, *rows, ""]).encode())
    return str(path)


def _built(argv):
    from jaxclimb.cli.parser import build_parser
    from jaxclimb.cli.run import _build

    args = build_parser().parse_args(["run", *argv])
    return args, _build(args)


def test_own_data_gets_the_estimators_defaults_and_problem_a_the_tutorials(classes):
    from jaxclimb.datasets.tasks import DEFAULT_ALPHA, TrainingScore

    args, built = _built(["--data", classes, "--target", "y"])
    assert (built.net.activation, built.net.init_scheme) == ("tanh", "glorot")
    assert isinstance(built.score, TrainingScore) and float(built.score.alpha) == DEFAULT_ALPHA
    assert args.budget == jc.algorithms.defaults.DEFAULT_BUDGET and built.plan.choice
    assert built.options["adaptive"] is True and "mutate_count" in built.options  # scaled
    assert built.chosen_by == "accuracy" and "L2 penalty (alpha 10)" in args.penalised
    args, built = _built([])  # problem A: the tutorial's run
    assert (built.net.activation, built.net.init_scheme) == ("sigmoid", "uniform")
    assert not isinstance(built.score, TrainingScore) and args.budget is None
    assert (built.plan.population, built.plan.steps, built.options) == (256, 1000, {})
    _, built = _built(["--data", classes, "--target", "y", "--alpha", "0"])
    assert not isinstance(built.score, TrainingScore)


@pytest.mark.slow  # about 25 s: benchmarks/cli_data.py runs five such files
def test_a_spreadsheet_csv_reaches_the_pipelines_test_accuracy(tmp_path, capsys):
    X, y = make_classification(n_samples=180, n_features=13, n_informative=6, n_redundant=3,
                               n_classes=3, n_clusters_per_class=1, random_state=0)  # fmt: skip
    X = X * np.linspace(1, 30, 13) + np.linspace(-40, 40, 13)  # raw units
    labels = np.array(["red", "green", "blue"])[y]
    path = _spreadsheet_csv(tmp_path / "wine-like.csv", X, labels)
    out = str(tmp_path / "r.npz")
    assert main(["run", "--data", path, "--target", "class", "--quiet", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "ties broken by the searched log_loss with its L2 penalty (alpha 10)" in text
    ours = jc.load_result(out).config["rows"]["test accuracy"][0]  # the chosen climber's
    X_train, X_test, y_train, y_test = split(X.astype(np.float32), labels)  # the CLI's split
    pipe = make_pipeline(StandardScaler(), jc.ClimbingClassifier(random_state=0))
    assert ours >= pipe.fit(X_train, y_train).score(X_test, y_test) - 0.01


@pytest.mark.slow  # about 5 s
def test_targets_near_1e20_work_on_the_command_line_without_warnings(tmp_path, capsys):
    X = np.random.default_rng(0).normal(size=(120, 3))
    path = _csv(tmp_path / "huge.csv", X, (X @ [1.0, 2.0, 3.0]) * 1e20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy cast warning, no metric advice
        assert main(["run", "--data", path, "--target", "y", "--population", "4", "--steps",
                     "100", "--quiet"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert err == "" and "test r2" in out
    assert float(next(line for line in out.splitlines() if "test r2" in line).split()[2]) > 0.5


def test_a_trailing_comma_gets_its_own_hint(tmp_path, capsys):
    path = tmp_path / "trailing.csv"
    path.write_bytes(b"a,b,y,\r\n1,2,0,\r\n3,4,1,\r\n5,6,0,\r\n")
    assert main(["run", "--data", str(path), "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert "a comma at the end of every line" in err and "pandas index" not in err
    path.write_text(",a,b,y\n0,1,2,0\n1,3,4,1\n")  # a saved pandas index keeps its hint
    assert main(["run", "--data", str(path), "--target", "y"]) == 2
    assert "a saved pandas index?" in capsys.readouterr().err
