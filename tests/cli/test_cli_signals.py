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
