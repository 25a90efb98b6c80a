import subprocess
import sys

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import main


def test_run_prints_table_and_saves(tmp_path, capsys):
    out = tmp_path / "r.npz"
    assert main(["run", "--population", "8", "--steps", "30", "--quiet", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "train accuracy" in text and "test accuracy" in text and "evaluations" in text
    loaded = jc.load_result(out)
    assert loaded.population == 8 and loaded.config["algorithm"] == "hill-climb"


def test_perceptron_row(capsys):
    assert (
        main(
            [
                "run",
                "--model",
                "perceptron",
                "--step-size",
                "0.05",
                "--population",
                "4",
                "--steps",
                "20",
                "--quiet",
            ]
        )
        == 0
    )
    assert "perceptron 5-1 (step output)" in capsys.readouterr().out


@pytest.mark.slow
def test_csv_data_with_string_labels_multiclass(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    labels = np.array(["red", "green", "blue"])[np.argmax(np.c_[X, -X.sum(1)], axis=1)]
    path = tmp_path / "d.csv"
    lines = ["a,b,colour"] + [f"{x0},{x1},{c}" for (x0, x1), c in zip(X, labels, strict=True)]
    path.write_text("\n".join(lines))
    assert (
        main(
            [
                "run",
                "--data",
                str(path),
                "--target",
                "colour",
                "--population",
                "8",
                "--steps",
                "50",
                "--quiet",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out  # log-loss searched, the climber chosen by accuracy
    assert "2-10-3 (softmax output)" in text and "train log_loss" in text
    assert "the best by train accuracy" in text


def test_es_on_problem_a_searches_log_loss_and_leaves_the_plateau(capsys):
    """U(0, 1) weights into sigmoids predict one class: accuracy is flat around the start,
    and an evolution strategy's rank-shaped gradient there is zero."""
    argv = ["run", "--algorithm", "es", "--population", "4", "--steps", "100", "--quiet"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "train log_loss" in text and "the best by train accuracy" in text
    chosen = next(line for line in text.splitlines() if line.startswith("train accuracy"))
    assert float(chosen.split()[2]) > 0.6  # the one-class start scores 0.497


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--population", "0"], "population"),
        (["--step-size", "-1"], "step_size"),
        (["--activation", "swish"], "activation"),
        (["--metric", "f1"], "metric"),
        (["--data", "missing.csv", "--target", "y"], "does not exist"),
        (["--target", "y"], "--data"),
        (["--test-size", "1.5"], "test_size"),
    ],
)
def test_bad_arguments_exit_with_one_line(argv, match, capsys):
    assert main(["run", "--quiet", "--steps", "5", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_csv_with_bad_cells(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,y\n1,2,0\n3,oops,1\n")
    assert main(["run", "--data", str(path), "--target", "y", "--quiet"]) == 2
    assert "'oops' is not a number" in capsys.readouterr().err
    path.write_text("a,b,y\n1,2,0\n3,4,1\n")
    assert main(["run", "--data", str(path), "--target", "label", "--quiet"]) == 2
    assert "target column 'label'" in capsys.readouterr().err


SCRIPT = """
import jax, sys
jax.config.update("jax_num_cpu_devices", int(sys.argv[1]))
import numpy as np, jaxclimb as jc
X, _, y, _ = jc.datasets.problem_a()
net = jc.MLP((5, 4, 1))
score = jc.make_score_fn(net, X, y)
r = jc.run(7, jc.hill_climb(score), net.init, population=10, steps=40, score_fn=score,
           progress=False)
assert r.config["n_devices"] == int(sys.argv[1]), r.config
blocked = jc.run(7, jc.hill_climb(score), net.init, population=10, steps=40, score_fn=score,
                 progress=False, block_size=2)  # climbers walked in blocks on every device
assert blocked.config["block"] == 2
np.testing.assert_array_equal(blocked.history, r.history)
alone = jc.run(7, jc.hill_climb(score), net.init, population=1, steps=5, score_fn=score,
               progress=False)
assert alone.config["n_devices"] == 1, alone.config  # no padded twin on another device
np.save(sys.argv[2], np.concatenate([r.best_score, r.history.ravel(),
        np.concatenate([np.ravel(x) for x in jax.tree_util.tree_leaves(r.best_params)])]))
"""


@pytest.mark.slow
def test_sharded_runs_equal_single_device_runs(tmp_path, cpu_subprocess_env):
    """10 climbers over 1, 2 and 4 host devices (padding to 12 on 4): identical results."""
    outs = []
    for n in (1, 2, 4):
        path = tmp_path / f"r{n}.npy"
        subprocess.run([sys.executable, "-c", SCRIPT, str(n), str(path)], check=True,
                       env=cpu_subprocess_env())  # fmt: skip
        outs.append(np.load(path))
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], outs[2])


def test_default_run_beats_the_tutorial(capsys):
    """REFERENCE.md A, MLP row: tutorial train 0.873, test 0.851 (one climber)."""
    X_train, X_test, y_train, y_test = jc.datasets.problem_a()
    net = jc.MLP((5, 10, 1))
    score = jc.make_score_fn(net, X_train, y_train)
    r = jc.run(
        0,
        jc.hill_climb(score, step_size=0.1),
        net.init,
        population=256,
        steps=1000,
        score_fn=score,
        progress=False,
    )
    best = r.best_index()
    assert r.best_score[best] > 0.873
    assert r.evaluate(X_test, y_test)[best] > 0.851


@pytest.mark.slow
def test_budget_and_max_seconds(tmp_path, capsys):
    out = tmp_path / "b.npz"
    assert main(["run", "--budget", "2000", "--population", "8", "--quiet", "--out", str(out)]) == 0
    assert "hill-climb 8 x 250 steps" in capsys.readouterr().out
    timed = tmp_path / "t.npz"
    args = ["run", "--population", "4", "--steps", "100000000", "--max-seconds", "0.3"]
    assert main([*args, "--quiet", "--out", str(timed)]) == 0
    loaded = jc.load_result(timed)
    assert loaded.steps_run < 100_000_000 and loaded.config["stopped_by"] == "max_seconds"
