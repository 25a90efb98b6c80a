"""Ctrl-C at any moment of a ``jaxclimb`` command exits 130, without a traceback, also
with --quiet into a pipe and after the summary is printed (issue 27)."""

import os
import signal
import subprocess
import sys
import time

import pytest

ENV = dict(os.environ, JAXCLIMB_COMPILE_CACHE="off")
LATE = """
import atexit, os, signal, sys, time
atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(1)))
sys.argv = ["jaxclimb", *sys.argv[1:]]
from jaxclimb.cli.main import console
console()
"""


@pytest.mark.parametrize("argv", [["report", "missing.npz"], ["--version"]])
def test_ctrl_c_while_python_shuts_down_exits_130_quietly(argv):
    """The command is done (its summary printed) and Python is shutting down: the moment
    tqdm's monitor thread used to print a KeyboardInterrupt traceback and exit 0."""
    done = subprocess.run([sys.executable, "-c", LATE, *argv], capture_output=True, text=True,
                          env=ENV, timeout=120)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("moment", [1.0, 4.0, "after the summary"])
def test_ctrl_c_at_any_moment_of_a_run_exits_130(moment):
    command = [sys.executable, "-m", "jaxclimb", "run", "--quiet", "--population", "4",
               "--steps", "20000"]  # fmt: skip
    if moment == "after the summary":
        command[-1] = "50"
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=ENV)  # fmt: skip
    if moment == "after the summary":
        for line in proc.stdout:  # a pipe, read as it comes
            if line.startswith("steps "):  # the summary's last line
                break
    else:
        time.sleep(moment)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode in (130, 0 if moment == "after the summary" else 130), err
    assert "Traceback" not in err and "Exception ignored" not in err


SIGNAL_IN_SECOND = """
import os, signal, sys
import jaxclimb.comparison as comparison
real, calls = comparison.run, []
def run(*args, **kwargs):  # the second configuration signals itself after its first chunk
    calls.append(1)
    if len(calls) == 2:
        kwargs["callback"] = lambda steps, best: os.kill(os.getpid(), signal.{name})
    return real(*args, **kwargs)
comparison.run = run
sys.argv = ["jaxclimb", *sys.argv[1:]]
from jaxclimb.cli.main import console
console()
"""


@pytest.mark.slow  # about 15 s per signal
@pytest.mark.parametrize("name, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_stops_the_whole_comparison_and_marks_it_partial(name, status, tmp_path):
    import json

    out = tmp_path / "c.json"
    argv = ["compare", "--algorithms", "hill-climb,annealing,genetic", "--step-sizes", "0.1",
            "--population", "16", "--steps", "1000", "--quiet", "--json", str(out)]  # fmt: skip
    done = subprocess.run([sys.executable, "-c", SIGNAL_IN_SECOND.format(name=name), *argv],
                          capture_output=True, text=True, env=ENV, timeout=300)  # fmt: skip
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr and f"jaxclimb: {name}" in done.stderr
    rows = {line.split()[0] + " " + line.split()[1]: line for line in done.stdout.splitlines()
            if line.startswith(("hill-climb", "annealing"))}  # fmt: skip
    assert "partial" not in rows["hill-climb step"] and "(partial: " in rows["annealing step"]
    assert f"PARTIAL: stopped by {name}" in done.stdout and "not run: genetic" in done.stdout
    saved = json.loads(out.read_text())
    first, cut = saved["configurations"]
    assert saved["partial"] and saved["stopped_by"] == name
    assert saved["not_run"] == ["genetic step 0.1 pop 64"]
    assert not first["partial"] and first["evaluations"] == 16 * (1000 + 1)  # with the start
    assert cut["partial"] and cut["p_vs_first"] is None
    assert cut["evaluations"] <= 16 * (100 + 1)  # stopped at the end of its first chunk


SIGNAL_IN_RUN = """
import os, signal, sys
import jaxclimb.engine as engine
real = engine.run
def run(*args, **kwargs):  # SIGTERM after the second chunk, in the first of four rounds
    kwargs["callback"] = lambda steps, best: steps >= 200 and os.kill(os.getpid(), 15)
    return real(*args, **kwargs)
engine.run = run
sys.argv = ["jaxclimb", *sys.argv[1:]]
from jaxclimb.cli.main import console
console()
"""


@pytest.mark.slow  # about 15 s
def test_sigterm_stops_a_run_of_several_rounds_and_keeps_it(tmp_path):
    out = tmp_path / "r.npz"
    argv = ["run", "--restarts", "3", "--population", "8", "--steps", "2000", "--quiet",
            "--out", str(out)]  # fmt: skip
    done = subprocess.run([sys.executable, "-c", SIGNAL_IN_RUN, *argv], capture_output=True,
                          text=True, env=ENV, timeout=300)  # fmt: skip
    assert done.returncode == 143 and "Traceback" not in done.stderr, done.stderr
    assert "interrupted: these are the results up to the interruption" in done.stdout
    from jaxclimb import load_result

    saved = load_result(str(out))
    assert saved.interrupted and saved.steps_run == 200  # not the other rounds
