"""No finished run lost, nothing silently wrong (issue 15): every case is a test."""

import gzip
import json
import os
import pathlib
import signal
import threading
import warnings

import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb._files import atomic_savez, read_npz
from jaxclimb.cli import main
from jaxclimb.engine import config as engine_config
from jaxclimb.engine import loop as engine_loop
from jaxclimb.engine.signals import deferred_interrupts

OPTS = dict(population=4, steps=300, chunk_steps=50, progress=False)


@pytest.fixture(scope="module")
def problem(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 3, 1))
    score = jc.make_score_fn(net, X, y)
    return net, score, jc.hill_climb(score)


def _signal_at(step, signum):
    def callback(steps_run, best):
        if steps_run >= step:
            os.kill(os.getpid(), signum)

    return callback


# ------------------------------------------------------------ a finished run is never lost
def test_a_failing_final_checkpoint_keeps_the_result(problem, tmp_path, monkeypatch):
    net, score, algo = problem

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine_loop, "save_checkpoint", disk_full)
    with pytest.warns(RuntimeWarning, match="No space left"):
        r = jc.run(0, algo, net.init, score_fn=score, checkpoint=str(tmp_path / "c"), **OPTS)
    assert r.steps_run == 300 and "No space left" in r.config["checkpoint_error"]


@pytest.mark.parametrize("where", ["folder", "missing", "empty"])
def test_unwritable_paths_are_refused_before_the_run(problem, tmp_path, where):
    net, _score, algo = problem
    path = {"folder": str(tmp_path), "missing": str(tmp_path / "no" / "c.npz"), "empty": ""}
    with pytest.raises(ValueError, match="checkpoint"):
        jc.run(0, algo, net.init, checkpoint=path[where], **OPTS)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--out", ""], "--out must be a file path"),
        (["--out", "{tmp}"], "is a folder"),
        (["--out", "{tmp}/x.npz", "--checkpoint", "{tmp}/x.npz"], "--out must differ"),
        (["--steps", str(10**13)], "--steps must be <="),
        (["--seed", str(2**64)], "--seed must be <="),
        (["--model", "perceptron", "--hidden", "4"], "perceptron has no hidden layer"),
        (["--algorithm", "genetic", "--candidates", "4"], "--candidates does not apply"),
        (["--algorithm", "genetic", "--restarts", "2"], "--restarts does not apply"),
        (["--num-processes", "0"], "num_processes must be >= 1"),
        (["--activation", "swish"], "invalid choice"),
    ],
)
def test_cli_refuses_what_cannot_work_in_one_line(argv, match, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["run", "--quiet", "--steps", "5", *argv][: 4 if "--steps" in argv else None]
                + ([] if "--steps" not in argv else argv)) == 2  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1, err


def test_compare_refuses_zero_devices(capsys):
    assert main(["compare", "--devices", "0", "--quiet"]) == 2
    assert "--devices must be >= 1" in capsys.readouterr().err


def test_a_failing_out_write_saves_to_a_named_fallback(tmp_path, monkeypatch, capsys):
    original = jc.SearchResult.save

    def save(self, path):
        if "fallback" not in str(path) and "jaxclimb-result" not in str(path):
            raise OSError(30, "Read-only file system")
        return original(self, path)

    monkeypatch.setattr(jc.SearchResult, "save", save)
    out = str(tmp_path / "r.npz")
    assert main(["run", "--quiet", "--steps", "20", "--population", "4", "--out", out]) == 1
    err = capsys.readouterr().err
    fallback = err.split("the result is saved in ")[1].strip()
    assert "Read-only" in err and jc.load_result(fallback).population == 4
    os.remove(fallback)


def test_concurrent_saves_never_expose_a_partial_file(tmp_path):
    path = str(tmp_path / "x.npz")
    big = np.random.default_rng(0).normal(size=(200, 500))
    atomic_savez(path, meta={"i": -1}, x=big)
    errors = []

    def write(i):
        for j in range(10):
            atomic_savez(path, meta={"i": i * 100 + j}, x=big)

    def read():
        for _ in range(40):
            try:
                read_npz(path, "test file")
            except ValueError as exc:
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    threads.append(threading.Thread(target=read))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and os.listdir(tmp_path) == ["x.npz"]


def test_numpy_scalars_in_config_are_converted_at_call_time(problem, tmp_path):
    net, _score, algo = problem
    r = jc.run(0, algo, net.init, config={"lr": np.float32(0.5), "n": np.int64(3)},
               checkpoint=str(tmp_path / "c.npz"), **OPTS)  # fmt: skip
    assert r.config["lr"] == 0.5 and r.config["n"] == 3
    with pytest.raises(TypeError, match="config must be JSON-ready"):
        jc.run(0, algo, net.init, config={"f": object()}, **OPTS)


# ----------------------------------------------------------------------------- signals
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_at_a_chunk_boundary_with_a_checkpoint(problem, tmp_path,
                                                                       signum):  # fmt: skip
    net, score, algo = problem
    path = str(tmp_path / "c.npz")
    r = jc.run(0, algo, net.init, checkpoint=path, callback=_signal_at(100, signum), **OPTS)
    assert r.interrupted and r.steps_run == 100 and r.config["signal"] == signum.name
    whole = jc.run(0, algo, net.init, score_fn=score, **OPTS)
    again = jc.resume(path, algo, net.init, score_fn=score, progress=False)
    np.testing.assert_array_equal(again.history, whole.history)


def test_a_signal_during_compilation_waits_for_it(monkeypatch):
    with pytest.raises(KeyboardInterrupt), deferred_interrupts() as caught:
        os.kill(os.getpid(), signal.SIGINT)
        assert caught == [signal.SIGINT]  # held back, the block went on


def test_checkpoints_are_also_written_by_time(problem, tmp_path, monkeypatch):
    net, _score, algo = problem
    monkeypatch.setattr(engine_config, "CHECKPOINT_SECONDS", 0.0)
    path = str(tmp_path / "c.npz")
    seen = []
    jc.run(0, algo, net.init, checkpoint=path, checkpoint_every=10**6,
           callback=lambda s, b: seen.append(os.path.exists(path)), **OPTS)  # fmt: skip
    assert seen[1]  # written after the first chunk, long before checkpoint_every


@pytest.mark.slow
def test_cli_resume_continues_an_interrupted_run(tmp_path, monkeypatch, capsys):
    ckpt, out, whole = (str(tmp_path / n) for n in ("c.npz", "a.npz", "b.npz"))
    base = ["run", "--quiet", "--steps", "300", "--population", "6", "--seed", "2"]
    report = engine_loop.Loop._report

    def stop_at_200(self, *args):
        best = report(self, *args)
        if self.steps_run >= 200:
            os.kill(os.getpid(), signal.SIGTERM)
        return best

    monkeypatch.setattr(engine_loop.Loop, "_report", stop_at_200)
    assert main([*base, "--checkpoint", ckpt]) == 128 + signal.SIGTERM
    assert "--resume" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unfinished run"):  # never silently overwritten
        jc.run(0, jc.hill_climb(lambda p: -jnp.sum(p**2)), jnp.zeros, checkpoint=ckpt)
    monkeypatch.setattr(engine_loop.Loop, "_report", report)
    assert main(["run", "--quiet", "--resume", ckpt, "--out", out]) == 0
    assert main([*base, "--out", whole]) == 0
    a, b = jc.load_result(out), jc.load_result(whole)
    np.testing.assert_array_equal(a.history, b.history)
    np.testing.assert_array_equal(a.best_score, b.best_score)


# ------------------------------------------------------------------------ fingerprints
def test_resume_refuses_a_checkpoint_of_other_data(problem, problem_a, tmp_path):
    net, _score, algo = problem
    path = str(tmp_path / "c.npz")
    jc.run(0, algo, net.init, checkpoint=path, callback=_signal_at(100, signal.SIGTERM), **OPTS)
    X, _, y, _ = problem_a
    other = jc.hill_climb(jc.make_score_fn(net, X, 1 - y))  # same shapes, other labels
    with pytest.raises(ValueError, match="the data differ"):
        jc.resume(path, other, net.init, progress=False)
    assert set(jc.run(0, algo, net.init, **OPTS).config["fingerprint"]) == {
        "data", "settings", "init"}  # fmt: skip


# ----------------------------------------------------------------- inputs as computed
def test_inputs_are_validated_as_they_will_be_computed(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 3, 1))
    big = X.astype(np.float64).copy()
    big[3, 2] = 1e39  # finite in float64, infinite in float32
    with pytest.raises(ValueError, match="beyond the range of float32, first in column 2"):
        jc.make_score_fn(net, big, y)
    with pytest.raises(TypeError, match="must be real"):
        jc.make_score_fn(net, X + 1j, y)
    with pytest.raises(TypeError, match="dtype must be a floating dtype"):
        jc.make_score_fn(net, X, y, dtype=jnp.int32)
    with pytest.raises(ValueError, match="beyond int32"):
        jc.make_score_fn(jc.MLP((5, 3, 2), output="softmax"), X[:2], np.array([2**32, 2**32 + 1]))
    reg = jc.MLP((5, 3, 1), output="identity")
    with pytest.raises(ValueError, match="too large for a float32 mse"):
        jc.make_score_fn(reg, X, np.full(len(X), 1e20), metric="mse")


def test_predict_from_a_population_without_a_finite_score_raises(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 3, 1))
    score = jc.make_score_fn(net, X, y)
    nan_start = jc.hill_climb(lambda p: jnp.float32(jnp.nan))
    r = jc.run(0, nan_start, net.init, population=2, steps=3, score_fn=score, progress=False)
    with pytest.raises(ValueError, match="no climber has a finite score"):
        r.predict(X)


def test_a_population_beyond_memory_is_refused_before_compiling(problem):
    net, _score, algo = problem
    with pytest.raises(ValueError, match=r"needs about .* GiB"):
        jc.run(0, algo, net.init, population=10**9, steps=2, progress=False)


def test_options_that_do_not_apply_are_errors():
    X, y = np.random.default_rng(0).normal(size=(30, 3)), np.arange(30) % 3
    with pytest.raises(ValueError, match="mutate_fraction"):
        jc.ClimbingClassifier(algorithm="genetic", mutate_fraction=0.5, max_steps=5).fit(X, y)
    task = jc.tasks.classification_task(3)
    with pytest.raises(ValueError, match="perceptron"):
        jc.tasks.make_network(task, 3, hidden=None, perceptron=True)


# --------------------------------------------------------------------------- CSV files
def _write(path, text, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        f.write(text)
    return str(path)


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("dup.csv", "a,y,y\n1,0,0\n2,1,1\n", "appear twice"),
        ("nan.csv", "a,b,y\n1,2,0\n3,4,\n5,6,nan\n", "empty or NaN on line(s) 3, 4"),
        ("index.csv", ",a,y\n0,1,0\n1,2,1\n", "no name (a saved pandas index"),
        ("empty.csv", "", "is empty"),
    ],
)
def test_csv_hygiene(tmp_path, name, text, match, capsys):
    path = _write(tmp_path / name, text)
    assert main(["run", "--quiet", "--steps", "5", "--data", path, "--target", "y"]) == 2
    assert match in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["bom", "gzip", "tsv"])
def test_csv_variants_are_read(tmp_path, kind):
    from jaxclimb.datasets.csvfile import load_csv

    rows = "".join(f"{i},{i % 3},{i % 2}\n" for i in range(20))
    if kind == "bom":
        path = _write(tmp_path / "d.csv", "\ufeffa,b,y\n" + rows)
    elif kind == "gzip":
        path = _write(tmp_path / "d.csv.gz", "a,b,y\n" + rows, gzip.open)
    else:
        path = _write(tmp_path / "d.tsv", ("a,b,y\n" + rows).replace(",", "\t"))
    X, y, names = load_csv(path, "y")
    assert names == ["a", "b"] and X.shape == (20, 2) and y.tolist() == [i % 2 for i in range(20)]


# ------------------------------------------------------------------------------- files
@pytest.mark.parametrize("damage", ["truncated", "empty", "text", "pickle", "edited"])
def test_unreadable_files_give_one_clear_error(problem, tmp_path, damage, capsys):
    net, score, algo = problem
    good = jc.run(0, algo, net.init, score_fn=score, **OPTS).save(str(tmp_path / "r.npz"))
    path = str(tmp_path / "bad.npz")
    data = pathlib.Path(good).read_bytes()
    if damage == "truncated":
        pathlib.Path(path).write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        pathlib.Path(path).write_bytes(b"")
    elif damage == "text":
        pathlib.Path(path).write_text("not a result")
    elif damage == "pickle":
        np.savez(path, meta=np.array([object()], dtype=object))
    else:
        meta, arrays = read_npz(good, "result")
        arrays["history"] = arrays["history"][:2]
        np.savez(path, meta=np.array(json.dumps(meta)), **arrays)
    for load in (jc.load_result, lambda p: jc.resume(p, algo, net.init)):
        with pytest.raises(ValueError, match=r"bad\.npz") as info:
            load(path)
        assert "allow_pickle" not in str(info.value)
    assert main(["report", path]) == 2
    err = capsys.readouterr().err.strip()
    assert "bad.npz" in err and len(err.splitlines()) == 1 and "allow_pickle" not in err


def test_warnings_module_is_used_not_print(problem, tmp_path, monkeypatch):
    net, _score, algo = problem
    monkeypatch.setattr(engine_loop, "save_checkpoint", lambda *a, **k: (_ for _ in ()).throw(
        OSError("boom")))  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jc.run(0, algo, net.init, checkpoint=str(tmp_path / "c"), **OPTS)
    assert any("boom" in str(w.message) for w in caught)


def test_a_run_where_every_evaluation_is_nan_warns_and_keeps_the_result():
    def nan_start(key):
        return {"w": jnp.full(3, jnp.nan)}

    score = lambda p: jnp.sum(p["w"])  # noqa: E731
    with pytest.warns(RuntimeWarning, match="no climber has a finite score"):
        r = jc.run(0, jc.hill_climb(score), nan_start, population=2, steps=3, progress=False)
    assert r.population == 2 and np.isnan(r.best_score).all()


def test_files_that_are_not_results_say_what_they_are(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(3))
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    for path in (tmp_path / "a.npy", tmp_path / "t.csv"):
        with pytest.raises(ValueError, match=r"not an \.npz file"):
            jc.load_result(path)
    with pytest.raises(ValueError, match="is a folder"):
        jc.load_result(tmp_path)


def test_a_saved_result_names_a_missing_folder_and_is_readable_by_others(tmp_path):
    score = lambda p: -jnp.sum(p["w"] ** 2)  # noqa: E731
    r = jc.run(0, jc.hill_climb(score), lambda k: {"w": jnp.ones(2)}, population=2, steps=2,
               progress=False)  # fmt: skip
    with pytest.raises(FileNotFoundError, match="no folder"):
        r.save(tmp_path / "missing" / "r.npz")
    mask = os.umask(0o022)
    try:
        path = r.save(tmp_path / "r.npz")
    finally:
        os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o644


# ------------------------------------------------------------ files, issue 27
def test_saving_onto_a_folder_names_the_folder_not_a_temporary_file(tmp_path):
    (tmp_path / "out.npz").mkdir()
    with pytest.raises(IsADirectoryError, match=r"cannot write '.*out\.npz': it is a folder"):
        atomic_savez(tmp_path / "out.npz", meta={}, x=np.zeros(2))
    assert sorted(os.listdir(tmp_path)) == ["out.npz"]  # no temporary file left behind


def _dead_pid():
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_of_killed_writers_are_removed_on_the_next_write(tmp_path):
    import subprocess
    import sys

    from jaxclimb._files import _temp_prefix

    target = str(tmp_path / "r.npz")
    ours = _temp_prefix(target)  # .r.npz.<host>-<pid>.
    host_part = ours[len(".r.npz.") : ours.rindex("-")]
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {
            "dead": f".r.npz.{host_part}-{_dead_pid()}.abcd1234.tmp",
            "live": f".r.npz.{host_part}-{live.pid}.abcd1234.tmp",
            "mine": f"{ours}abcd1234.tmp",  # a writer in this process (another thread)
            "old_version": ".r.npz.9zepssqb.tmp",  # an earlier version's name, stale
            "fresh_version": ".r.npz.k2q8w0aa.tmp",  # recent: may be writing now
            "other_host": ".r.npz.elsewhere-1.abcd1234.tmp",  # recent, another host's
            "other_file": f".other.npz.{host_part}-{_dead_pid()}.abcd1234.tmp",
            "user": "r.npz.notes.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"partial")
        hour_ago = os.path.getmtime(tmp_path / names["dead"]) - 2 * 3600
        os.utime(tmp_path / names["old_version"], (hour_ago, hour_ago))
        atomic_savez(target, meta={"a": 1}, x=np.zeros(2))
    finally:
        live.kill()
        live.wait()
    left = set(os.listdir(tmp_path))
    assert names["dead"] not in left and names["old_version"] not in left
    kept = ("live", "mine", "fresh_version", "other_host", "other_file", "user")
    assert all(names[k] in left for k in kept) and "r.npz" in left
    assert read_npz(target, "file")[0] == {"a": 1}
