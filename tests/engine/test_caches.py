"""engine/caches.py: a run keeping cached activations takes longer chunks by default."""

import jax
import numpy as np

import jaxclimb as jc
from jaxclimb.engine import RunConfig, caches
from jaxclimb.evaluation import incremental


def _objective(sizes, rows):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], rows)
    net = jc.MLP(sizes, activation="tanh", output="softmax")
    return jc.make_score_fn(net, X, y, metric="log_loss", evaluation="incremental"), net


def _state(score, net):
    algo = jc.hill_climb(score, step_size=0.5, mutation="units")
    return jax.eval_shape(lambda k: algo.init(k, net.init(k)), jax.random.key(0))


def _chunk(score, net, steps, record_every=1):
    config = RunConfig(population=2, steps=steps, record_every=record_every)
    return caches.chunk_steps_with_cache(config, _state(score, net), score).chunk_steps


def test_chunks_grow_with_what_a_full_pass_costs_and_divide_the_run():
    score, net = _objective((784, 64, 10), rows=8)
    longest = incremental.cost_ratio(net.layer_sizes) / caches.RESCORING_SHARE  # 1,031
    for steps in (16_000, 50_000, 64_000, 2_400, 1_000_000):
        chunk = _chunk(score, net, steps)
        assert chunk % 100 == 0 and steps % chunk == 0 and 100 < chunk <= longest
        assert not any(steps % c == 0 for c in range(chunk + 100, int(longest) + 1, 100))
    assert _chunk(score, net, 700) == 700  # never longer than the run
    assert _chunk(score, net, 1_234) == 100  # no longer chunk divides it: the default
    assert _chunk(score, net, 50_000, record_every=8) % 8 == 0
    plain = jc.make_score_fn(net, np.zeros((8, 784), np.float32), np.zeros(8, int),
                             metric="log_loss", evaluation="xla")  # fmt: skip
    config = RunConfig(population=2, steps=50_000)
    assert caches.chunk_steps_with_cache(config, _state(plain, net), plain) == config


def test_a_small_network_keeps_short_chunks_and_a_huge_one_is_capped():
    score, net = _objective((6, 5, 2), rows=8)
    assert _chunk(score, net, 50_000) == 100
    score, net = _objective((2000, 4096, 10), rows=2)  # a full pass ~576 moves
    assert _chunk(score, net, 100_000) == caches.LONGEST_CHUNK


def test_a_run_takes_the_longer_chunks_unless_told_and_the_climbers_agree():
    score, net = _objective((300, 20, 3), rows=300)  # a full pass ~17 moves: chunks of 300
    algo = jc.hill_climb(score, step_size=0.5, mutation="units")
    default = jc.run(3, algo, net.init, population=2, steps=600, score_fn=score, progress=False)
    told = jc.run(3, algo, net.init, population=2, steps=600, chunk_steps=100, score_fn=score,
                  progress=False)  # fmt: skip
    assert default.config["chunk_steps"] == 300 and told.config["chunk_steps"] == 100
    jax.tree.map(np.testing.assert_array_equal, default.best_params, told.best_params)
    np.testing.assert_allclose(default.best_score, told.best_score, rtol=1e-6)


def test_a_finished_run_with_longer_chunks_resumes_for_more_steps(tmp_path):
    score, net = _objective((300, 20, 3), rows=300)
    algo = jc.hill_climb(score, step_size=0.5, mutation="units")
    path = str(tmp_path / "run.npz")
    jc.run(4, algo, net.init, population=2, steps=300, score_fn=score, progress=False,
           checkpoint=path)  # fmt: skip
    longer = jc.resume(path, algo, net.init, score_fn=score, steps=600, progress=False)
    whole = jc.run(4, algo, net.init, population=2, steps=600, score_fn=score, progress=False)
    jax.tree.map(np.testing.assert_array_equal, longer.best_params, whole.best_params)
