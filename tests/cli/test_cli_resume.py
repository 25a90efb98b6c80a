"""``jaxclimb run --resume``: the search is the checkpoint's, options that would change it
are refused, --steps runs it longer, the hint keeps --out, and a checkpoint another run
is writing cannot be taken over (issue 27)."""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import build_parser, main
from jaxclimb.engine import loop as engine_loop
from jaxclimb.engine.checkpoint import load_checkpoint

BASE = ["run", "--quiet", "--population", "4", "--seed", "2"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished run's checkpoint (100 steps)."""
    path = str(tmp_path_factory.mktemp("ck") / "done.npz")
    assert main([*BASE, "--steps", "100", "--checkpoint", path]) == 0
    return path


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (["--population", "8", "--seed", "3"], ["--population 8", "--seed 3", "--population 4"]),
        (["--hidden", "5"], ["--hidden 5"]),
        (["--algorithm", "annealing"], ["--algorithm annealing"]),
        (["--step-size", "0.5"], ["--step-size 0.5"]),
        (["--data", "x.csv", "--target", "y"], ["--data x.csv", "--target y"]),
        (["--scale", "minmax"], ["--scale minmax"]),
    ],
)
def test_resume_refuses_options_that_would_change_the_search(finished, given, named, capsys):
    assert main(["run", "--quiet", "--resume", finished, *given]) == 2
    err = capsys.readouterr().err
    assert "would change the search" in err and "--steps (to run longer)" in err
    assert all(n in err for n in named), err
    assert "made by: jaxclimb run --quiet --population 4" in err  # the command recorded


def test_resume_refuses_fewer_steps_and_help_states_the_rule(finished, capsys):
    assert main(["run", "--quiet", "--resume", finished, "--steps", "50"]) == 2
    assert "only runs longer" in capsys.readouterr().err
    run_help = " ".join(build_parser()._subparsers._group_actions[0].choices["run"]
                        .format_help().split())  # fmt: skip
    assert "--steps N (run longer)" in run_help and "is refused" in run_help
    settings = load_checkpoint(finished)["meta"]["settings"]["user_config"]
    assert settings["command"].startswith("jaxclimb run --quiet")


def test_resume_takes_the_same_values_again(finished, tmp_path, capsys):
    out = str(tmp_path / "r.npz")
    argv = ["run", "--quiet", "--resume", finished, "--population", "4", "--seed", "2"]
    assert main([*argv, "--out", out]) == 0  # the first command line, --resume added
    assert jc.load_result(out).steps_run == 100


def _stop_at(monkeypatch, step):
    report = engine_loop.Loop._report

    def stop(self, *args):
        best = report(self, *args)
        if self.steps_run >= step:
            os.kill(os.getpid(), signal.SIGTERM)
        return best

    monkeypatch.setattr(engine_loop.Loop, "_report", stop)
    return report


def test_the_hint_keeps_out_and_steps_run_longer_bit_for_bit(tmp_path, monkeypatch, capsys):
    ckpt, out, whole = (str(tmp_path / n) for n in ("c.npz", "a.npz", "b.npz"))
    report = _stop_at(monkeypatch, 100)
    assert main([*BASE, "--steps", "200", "--checkpoint", ckpt, "--out", out]) == 143
    err = capsys.readouterr().err
    assert f"continue it with: jaxclimb run --resume {ckpt} --out {out}" in err
    monkeypatch.setattr(engine_loop.Loop, "_report", report)
    assert main(["run", "--quiet", "--resume", ckpt, "--out", out, "--steps", "300"]) == 0
    assert main([*BASE, "--steps", "300", "--out", whole]) == 0
    a, b = jc.load_result(out), jc.load_result(whole)
    assert a.steps_run == 300
    np.testing.assert_array_equal(a.history, b.history)
    np.testing.assert_array_equal(a.best_score, b.best_score)


def test_a_checkpoint_another_run_writes_is_refused(tmp_path, capsys):
    from jaxclimb.engine.checkpoint import checkpoint_lock

    ckpt = str(tmp_path / "c.npz")
    with checkpoint_lock(ckpt):  # as another run holds it while it writes
        assert main([*BASE, "--steps", "5", "--checkpoint", ckpt]) == 2
        err = capsys.readouterr().err
        assert f"being written by process {os.getpid()}" in err
        with pytest.raises(ValueError, match="being written"):
            jc.run(0, jc.hill_climb(lambda p: -(p**2).sum()), lambda k: np.zeros(2, np.float32),
                   steps=5, checkpoint=ckpt, progress=False)  # fmt: skip
    assert not os.path.exists(ckpt + ".lock")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    with open(ckpt + ".lock", "w") as file:  # a run that was killed: a stale lock
        json.dump({"pid": int(gone.stdout), "host": os.uname().nodename, "command": "x"}, file)
    r = jc.run(0, jc.hill_climb(lambda p: -(p**2).sum()), lambda k: np.zeros(2, np.float32),
               steps=5, checkpoint=ckpt, progress=False)  # fmt: skip
    assert r.steps_run == 5 and not os.path.exists(ckpt + ".lock")


def test_report_on_a_checkpoint_says_what_it_is(finished, capsys):
    assert main(["report", finished]) == 2
    err = capsys.readouterr().err.strip()
    assert "is a checkpoint of a search (finished), not a result" in err
    assert f"jaxclimb run --resume {finished} --out result.npz" in err
    assert len(err.splitlines()) == 1
