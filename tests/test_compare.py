import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import main
from jaxclimb.results.statistics import (
    bootstrap_median_interval,
    expected_running_time,
    first_hitting_evaluations,
    mann_whitney,
)


def test_hitting_times_and_expected_running_time_by_hand():
    history = np.array([[0.1, 0.5, 0.9, 0.9],   # reaches 0.8 at step 20
                        [0.1, 0.2, 0.3, 0.4],   # never
                        [0.9, 0.9, 0.9, 0.9]])  # at the start  # fmt: skip
    steps = np.array([0, 10, 20, 30])
    hits = first_hitting_evaluations(history, steps, 0.8, evals_per_step=2,
                                     initial_evaluations=1)  # fmt: skip
    np.testing.assert_array_equal(hits, [41, np.inf, 1])
    spent = np.array([61, 61, 61])
    # (41 + 1 successful, + 61 spent by the failure) / 2 successes
    assert expected_running_time(hits, spent) == pytest.approx((41 + 1 + 61) / 2)
    assert expected_running_time(np.array([np.inf]), np.array([5])) == np.inf


def test_bootstrap_interval_of_the_median():
    assert bootstrap_median_interval(np.full(20, 0.7)) == (0.7, 0.7)
    sample = np.arange(101, dtype=float)
    low, high = bootstrap_median_interval(sample, seed=3)
    assert low <= 50 <= high and low > 35 and high < 65
    assert bootstrap_median_interval(sample, seed=3) == (low, high)  # fixed seed, same answer
    assert bootstrap_median_interval(np.array([np.nan])) != (0, 0)


def test_mann_whitney():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50), rng.normal(3, 1, size=50)
    assert mann_whitney(a, b)[1] < 1e-6
    assert mann_whitney(a, a)[1] > 0.9
    assert mann_whitney(np.ones(5), np.ones(5))[1] == 1.0


@pytest.fixture(scope="module")
def comparison():
    configs = [
        {"algorithm": "hill-climb", "step_size": 0.1, "population": 16},
        {"algorithm": "annealing", "step_size": 0.1, "population": 16, "name": "sa"},
    ]
    return jc.compare(configs, budget=16 * 200, target=0.8, seed=1, progress=False)


@pytest.mark.slow
def test_compare_records_and_exports(comparison, tmp_path):
    records = comparison.to_records()
    assert [r["name"] for r in records] == ["hill-climb step 0.1", "sa"]
    for r in records:
        assert r["evaluations"] == 16 * 201
        assert r["test_q25"] <= r["test_median"] <= r["test_q75"]
        assert r["median_ci_low"] <= r["test_median"] <= r["median_ci_high"]
        assert 0 <= r["success_rate"] <= 1
    assert records[0]["p_vs_first"] is None and 0 <= records[1]["p_vs_first"] <= 1
    data = json.loads(Path(comparison.to_json(str(tmp_path / "c.json"))).read_text())
    assert data["configurations"][1]["name"] == "sa"
    text = Path(comparison.to_csv(str(tmp_path / "c.csv"))).read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert float(rows[0]["test_median"]) == pytest.approx(records[0]["test_median"])
    assert "configuration" in comparison.format_table()


@pytest.mark.slow
def test_numbers_recompute_from_saved_results(comparison, tmp_path):
    _, X_test, _, y_test = jc.datasets.problem_a()
    saved = {}
    for e in comparison.entries:
        path = e.result.save(tmp_path / f"{e.name.replace(' ', '_')}.npz")
        saved[e.name] = jc.load_result(path)
    again = jc.compare_results(
        saved,
        X_test=X_test,
        y_test=y_test,
        target=0.8,
        seed=1,
    )
    assert again.to_records() == comparison.to_records()


def test_plots_are_written(comparison, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    fig = jc.plot_comparison(comparison, tmp_path / "c.png")
    assert Path(tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.axes[0].get_xlabel() and comparison.describe() in fig._suptitle.get_text()
    assert "seed 1" in fig._suptitle.get_text()
    # one colour per configuration in the lines and the boxes
    lines = [line.get_color() for line in fig.axes[0].get_lines()]
    boxes = [p.get_facecolor()[:3] for p in fig.axes[1].patches]
    assert len(set(lines)) == len(comparison.entries)
    assert [matplotlib_rgb(c) for c in lines] == [tuple(b) for b in boxes]
    plt.close(fig)
    # into the caller's axes, with nothing saved
    own, axes = plt.subplots(1, 3)
    assert jc.plot_comparison(comparison, ax=axes) is own
    single, ax = plt.subplots()
    assert jc.plot_run(comparison.entries[0].result, ax=ax) is single
    with pytest.raises(ValueError, match="3 matplotlib Axes"):
        jc.plot_comparison(comparison, ax=ax)
    plt.close("all")


def matplotlib_rgb(colour):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


@pytest.mark.slow
def test_few_runs_are_warned_and_marked():
    pytest.importorskip("matplotlib")
    with pytest.warns(UserWarning, match="fewer than 10 independent runs"):
        few = jc.compare([{"algorithm": "hill-climb", "population": 4}], budget=400, target=0.8)
    assert "warning: fewer than 10" in few.format_table()
    fig = jc.plot_comparison(few)
    assert "(n=" in fig.axes[1].get_xticklabels()[0].get_text()


def test_tables_never_run_together():
    from jaxclimb.results.report import format_quantiles

    for scale in (1e-3, 1, 100, 500, 1e5, 1e9, 1e15):
        table = format_quantiles({"train mse": np.array([1.0, 2.0, 3.0]) * scale}, chosen=0)
        for line in table.splitlines()[1:]:
            cells = line.split()
            assert len(cells) == 8, line  # two words of name + six numbers, all apart


def test_missing_matplotlib_is_a_clear_message(comparison, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    from jaxclimb.results.plots import plot_comparison

    with pytest.raises(ValueError, match="jaxclimb\\[plot\\]"):
        plot_comparison(comparison, str(tmp_path / "x.png"))


def test_cli_compare_without_matplotlib_fails_before_comparing(tmp_path, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "matplotlib" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    argv = ["compare", "--algorithms", "hill-climb", "--population", "4", "--steps", "10",
            "--quiet", "--plot", str(tmp_path / "c.png")]  # fmt: skip
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "pip install 'jaxclimb[plot]'" in captured.err
    assert "comparing" not in captured.out  # nothing was run


@pytest.mark.slow
def test_cli_compare_and_report(tmp_path, capsys):
    out = {k: str(tmp_path / f"c.{k}") for k in ("json", "csv", "png")}
    assert main(["compare", "--algorithms", "hill-climb,annealing", "--step-sizes", "0.1",
                 "--population", "8", "--steps", "50", "--quiet", "--json", out["json"],
                 "--csv", out["csv"], "--plot", out["png"]]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "hill-climb step 0.1" in text and "annealing step 0.1" in text and "ERT" in text
    assert json.loads(Path(out["json"]).read_text())["target"] == 0.85
    saved = str(tmp_path / "run.npz")
    assert main(["run", "--population", "4", "--steps", "20", "--quiet", "--out", saved]) == 0
    capsys.readouterr()
    assert main(["report", saved, "--plot", str(tmp_path / "r.png")]) == 0
    report = capsys.readouterr().out
    assert "train accuracy" in report and "test accuracy" in report  # saved with the run


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["compare", "--algorithms", "tabu"], "--algorithms"),
        (["compare", "--step-sizes", "0,x"], "--step-sizes"),
        (["compare", "--step-sizes", "-1"], "--step-sizes"),
        (["compare", "--plot", "/no/such/dir/p.png"], "--plot"),
        (["report", "/no/such/file.npz"], "does not exist"),
    ],
)
def test_cli_compare_errors(argv, match, capsys):
    assert main(argv) == 2
    assert match in capsys.readouterr().err


# ------------------------------------------------------------------------ issue 27
@pytest.mark.parametrize("ert", [579.2, 1568.0, 74_630.4, float("inf")])
def test_the_ert_column_has_one_number_format(comparison, monkeypatch, ert):
    import jaxclimb.comparison as module

    monkeypatch.setattr(module.stats, "expected_running_time", lambda hits, spent: ert)
    header, *rows = comparison.format_table().splitlines()[1:]
    assert header.split()[-2:] == ["ERT", "evals/s"]
    shown = {row.split()[-2] for row in rows}  # names have several words: count from the end
    expected = "inf" if ert == float("inf") else f"{ert:,.0f}"
    assert shown == {expected}


def _log_loss_comparison(runs=12, records=6):
    """A comparison of two made-up configurations searching log-loss (scores negative)."""
    from jaxclimb.comparison import Comparison, Entry
    from jaxclimb.results import SearchResult

    rng = np.random.default_rng(0)
    entries = []
    for name, level in (("a", 0.5), ("b", 0.3)):
        loss = level + rng.uniform(0, 0.4, size=(runs, 1)) * np.linspace(1, 0.2, records)
        history = -np.minimum.accumulate(loss, axis=1)
        counts = np.full(runs, records - 1)
        result = SearchResult(
            best_params={}, best_score=history[:, -1], final_score=history[:, -1],
            history=history, history_steps=np.arange(records), n_accepted=counts,
            n_evaluations=counts + 1, n_nonfinite=0 * counts, n_steps=counts, steps_run=5,
            stopped_early=False, interrupted=False, compile_seconds=0.0, run_seconds=1.0,
            config={"objective": {"metric": "log_loss"}},
        )  # fmt: skip
        entries.append(Entry(name, result, -history[:, -1], None, 1.0))
    return Comparison(entries, "log_loss", None, seed=0)


def test_the_compare_plot_third_panel_is_drawn_for_log_loss_without_a_target(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    cmp = _log_loss_comparison()
    fig = jc.plot_comparison(cmp, tmp_path / "c.png")
    cdf = fig.axes[2]
    assert cdf.axison and len(cdf.get_lines()) == 2, "the hitting-time panel is empty"
    assert "median over all runs" in cdf.get_title() and "log_loss" in cdf.get_title()
    finals = np.concatenate([e.train for e in cmp.entries])
    reached = [line.get_data()[1][-1] for line in cdf.get_lines()]
    assert np.mean(reached) == pytest.approx(np.mean(finals <= np.median(finals)))
    plt.close("all")


# ------------------------------------------------------------------------ issue 32
@pytest.mark.slow  # two CLI runs / a comparison: several seconds
def test_chosen_is_the_climber_run_keeps_and_losses_read_lower_is_better():
    from jaxclimb.datasets import problem_a
    from jaxclimb.datasets.tasks import choose

    data = problem_a()
    config = {"algorithm": "hill-climb", "step_size": 0.1, "population": 12}
    cmp = jc.compare([config], data, budget=1200, metric="log_loss", chosen_by="accuracy",
                     progress=False)  # fmt: skip
    (entry,) = cmp.entries
    accuracy = entry.result.evaluate(data[0], data[2], metric="accuracy")
    kept = choose(accuracy, entry.result.best_score)  # run's rule: accuracy, ties by log-loss
    (record,) = cmp.to_records()
    assert record["test_chosen"] == pytest.approx(float(entry.test[kept]))
    head, columns, _, *notes = cmp.format_table().splitlines()
    assert "lower is better" in head and "the best by train accuracy" in head
    assert columns.split()[2] == "chosen" and "best" not in columns.split()
    assert notes[0].startswith("success and ERT: not shown, no target log_loss was given")
