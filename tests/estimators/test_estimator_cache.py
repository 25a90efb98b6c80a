"""Parallel fits reuse compilation across processes: an estimator keeps its compiled
programs in the user's cache folder (never the working directory), a second process reads
them back, and ``JAXCLIMB_COMPILE_CACHE=off`` turns it off. The timing is in
benchmarks/parallel_fits.py, not here."""

import json
import os
import subprocess
import sys

import pytest

import jaxclimb as jc
from jaxclimb.engine import diskcache

enable = diskcache.enable  # before the fixture replaces it

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIT = """
import json, numpy as np, jaxclimb as jc
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3)).astype(np.float32)
clf = jc.ClimbingClassifier(hidden_layer_sizes=3, population_size=4, max_steps=20,
                            random_state=0).fit(X, (X[:, 0] > 0).astype(int))
print(json.dumps({"compile": clf.result_.compile_seconds, "score": clf.score(X, X[:, 0] > 0)}))
"""


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """No folder chosen yet in this process; the user's cache folder under ``tmp_path``."""
    monkeypatch.setattr(diskcache, "FOLDER", None)
    monkeypatch.setattr(diskcache, "_DECIDED", [False])
    monkeypatch.delenv("JAXCLIMB_COMPILE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    calls = []
    monkeypatch.setattr(diskcache, "enable", lambda folder, jax_cache: calls.append(
        (folder, jax_cache)))  # fmt: skip
    return calls


def test_the_user_cache_folder_not_the_working_directory(fresh, tmp_path, monkeypatch):
    assert diskcache.user_folder() == str(tmp_path / "home-cache" / "jaxclimb" / "xla")
    assert diskcache.user_folder(disabled=True) is None
    for off in ("off", "0", "no", "False"):
        monkeypatch.setenv("JAXCLIMB_COMPILE_CACHE", off)
        assert diskcache.user_folder() is None
    monkeypatch.setenv("JAXCLIMB_COMPILE_CACHE", str(tmp_path / "mine"))
    assert diskcache.user_folder() == str(tmp_path / "mine")


class _Searched(Exception):
    """Raised in place of the search: these tests need no compilation."""


def _fit_until_the_search(monkeypatch, X, y):
    from jaxclimb.estimators import base

    def search(*args, **kwargs):
        raise _Searched

    monkeypatch.setattr(base, "run", search)
    with pytest.raises(_Searched):
        jc.ClimbingClassifier(hidden_layer_sizes=2, population_size=2, max_steps=2).fit(X, y)


def test_a_fit_turns_the_caches_on_once_and_leaves_jax_alone_in_the_users_process(
    fresh, small_binary, monkeypatch
):
    _fit_until_the_search(monkeypatch, *small_binary)
    _fit_until_the_search(monkeypatch, *small_binary)
    assert fresh == [(diskcache.user_folder(), False)]  # once per process, programs only


@pytest.mark.parametrize("users_jax_folder", [None, "/somewhere/of/theirs"])
def test_a_worker_process_also_gets_jaxs_cache_unless_the_user_set_one(
    fresh, small_binary, monkeypatch, users_jax_folder
):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())  # a joblib worker
    monkeypatch.setattr(diskcache, "_users_jax_folder", lambda: users_jax_folder)
    _fit_until_the_search(monkeypatch, *small_binary)
    assert fresh == [(diskcache.user_folder(), users_jax_folder is None)]


def test_a_cli_folder_already_chosen_is_kept(fresh, small_binary, tmp_path, monkeypatch):
    diskcache.FOLDER = chosen = str(tmp_path / "cli")
    _fit_until_the_search(monkeypatch, *small_binary)
    assert fresh == []
    assert chosen == diskcache.FOLDER


def test_the_command_lines_no_compile_cache_holds_for_the_estimators(
    fresh, small_binary, monkeypatch
):
    enable(None)  # what `jaxclimb run --no-compile-cache` does (the real one, not the fixture's)
    _fit_until_the_search(monkeypatch, *small_binary)
    assert fresh == [] and diskcache.FOLDER is None


@pytest.mark.slow  # two fresh processes, about 10 s
def test_a_second_process_reads_the_programs_the_first_compiled(tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=ROOT, JAXCLIMB_COMPILE_CACHE=str(cache))

    def fit(folder):
        out = subprocess.run([sys.executable, "-c", FIT], env=env, cwd=folder, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    def entries():
        return sorted(f for _, _, files in os.walk(cache) for f in files)

    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first = fit(tmp_path / "a")
    written = entries()
    assert any(name.endswith(".jaxclimb") for name in written)
    second = fit(tmp_path / "b")
    assert entries() == written  # nothing compiled anew
    assert second["score"] == first["score"] and second["compile"] < first["compile"]
    assert os.listdir(tmp_path / "a") == [] == os.listdir(tmp_path / "b")  # no cwd files
