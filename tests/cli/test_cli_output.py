"""Quiet, conventional output: bars only on a terminal, messages through the "jaxclimb"
logger, help for every option, the JAX_* process variables, the compilation cache."""

import argparse
import logging
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import build_parser, main, runtime


@pytest.mark.slow
def test_no_progress_bar_when_output_is_not_a_terminal(capsys):
    assert main(["run", "--population", "4", "--steps", "20"]) == 0  # no --quiet
    out, err = capsys.readouterr()
    assert "\r" not in out + err and "train accuracy" in out
    X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    jc.ClimbingClassifier(population_size=4, max_steps=20, verbose=1).fit(X, y)
    assert "\r" not in "".join(capsys.readouterr())


@pytest.mark.slow
def test_verbose_messages_go_through_the_jaxclimb_logger(caplog, problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 3, 1))
    score = jc.make_score_fn(net, X, y)
    with caplog.at_level(logging.INFO, logger="jaxclimb"):
        jc.run(0, jc.hill_climb(score), net.init, population=4, steps=30, score_fn=score,
               verbose=True, progress=False)  # fmt: skip
    lines = [r.getMessage() for r in caplog.records if r.name == "jaxclimb"]
    assert any(line.startswith("compiled in") for line in lines)
    assert any(line.startswith(">") for line in lines)


def _options(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((name, a) for a in sub._actions)
                assert "examples:" in (sub.epilog or ""), f"{name} has no examples"


def test_every_option_has_help_and_every_command_examples():
    for command, action in _options(build_parser()):
        if not isinstance(action, argparse._HelpAction):
            assert action.help, f"{command} {action.option_strings or action.dest} has no help"


def test_jax_process_variables_start_the_distributed_runtime(monkeypatch):
    from jaxclimb.engine import devices, distributed

    calls = []
    monkeypatch.setattr(distributed, "initialize", lambda *a: calls.append(a))
    monkeypatch.setattr(devices, "use_cpu_cores", lambda n=None: None)
    args = build_parser().parse_args(["run"])
    runtime.start_devices(args)
    assert calls == []  # a plain run stays one process
    monkeypatch.setenv("JAX_COORDINATOR_ADDRESS", "127.0.0.1:1234")
    monkeypatch.setenv("JAX_NUM_PROCESSES", "2")
    monkeypatch.setenv("JAX_PROCESS_ID", "1")
    runtime.start_devices(args)
    assert calls == [(None, None, None)]  # initialize() reads the variables itself


def test_compile_cache_folder_option_and_variable(monkeypatch, tmp_path):
    parse = build_parser().parse_args
    monkeypatch.delenv("JAXCLIMB_COMPILE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert runtime.compile_cache_folder(parse(["run"])) == str(tmp_path / "jaxclimb" / "xla")
    assert runtime.compile_cache_folder(parse(["run", "--no-compile-cache"])) is None
    assert runtime.compile_cache_folder(parse(["compare", "--no-compile-cache"])) is None
    monkeypatch.setenv("JAXCLIMB_COMPILE_CACHE", "off")
    assert runtime.compile_cache_folder(parse(["run"])) is None
    monkeypatch.setenv("JAXCLIMB_COMPILE_CACHE", str(tmp_path / "here"))
    assert runtime.compile_cache_folder(parse(["run"])) == str(tmp_path / "here")


@pytest.mark.slow
def test_a_second_cli_run_in_a_fresh_process_compiles_nothing_new(tmp_path):
    env = dict(os.environ, JAXCLIMB_COMPILE_CACHE=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "jaxclimb", "run", "--quiet", "--steps", "50"]

    def entries():
        return sorted(f for _, _, files in os.walk(tmp_path / "cache") for f in files)

    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    written = entries()
    assert written and "compile" in first.stdout
    assert any(name.endswith(".jaxclimb") for name in written)  # the programs themselves
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert entries() == written  # every program came from the cache
    table = lambda out: [line for line in out.splitlines() if "accuracy" in line]  # noqa: E731
    assert table(second.stdout) == table(first.stdout)  # and computes the same


@pytest.mark.slow
def test_programs_jax_read_back_from_its_cache_are_not_kept_and_every_run_works(tmp_path):
    """jaxclimb's entries gone but JAX's cache full (an upgrade, a cleaned folder): the
    executables JAX reads back do not serialize whole, so they are not kept; every later
    run still works and computes the same."""
    env = dict(os.environ, JAXCLIMB_COMPILE_CACHE=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "jaxclimb", "run", "--quiet", "--steps", "20",
               "--population", "8"]  # fmt: skip
    table = lambda out: [line for line in out.splitlines() if "accuracy" in line]  # noqa: E731
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    shutil.rmtree(tmp_path / "cache" / "programs")
    for _ in range(2):
        again = subprocess.run(command, env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert table(again.stdout) == table(first.stdout)
