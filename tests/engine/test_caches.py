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


def test_chunks_grow_with_what_a_full_pass_costs_against_a_step():
    score, net = _objective((784, 64, 10), rows=8)
    state = _state(score, net)
    ratio = incremental.cost_ratio(net.layer_sizes)
    long = caches.chunk_steps_with_cache(RunConfig(population=2, steps=50_000), state, score)
    assert long.chunk_steps % 100 == 0
    assert ratio / caches.RESCORING_SHARE <= long.chunk_steps < ratio / caches.RESCORING_SHARE + 100
    short = caches.chunk_steps_with_cache(RunConfig(population=2, steps=700), state, score)
    assert short.chunk_steps == 700  # never longer than the run
    every = caches.chunk_steps_with_cache(
        RunConfig(population=2, steps=50_000, record_every=7), state, score
    )
    assert every.chunk_steps % 7 == 0 and every.chunk_steps >= long.chunk_steps
    plain = jc.make_score_fn(net, np.zeros((8, 784), np.float32), np.zeros(8, int),
                             metric="log_loss", evaluation="xla")  # fmt: skip
    config = RunConfig(population=2, steps=50_000)
    assert caches.chunk_steps_with_cache(config, _state(plain, net), plain) == config


def test_a_small_network_keeps_short_chunks_and_a_huge_one_is_capped():
    score, net = _objective((6, 5, 2), rows=8)
    config = RunConfig(population=2, steps=50_000)
    small = caches.chunk_steps_with_cache(config, _state(score, net), score)
    assert small.chunk_steps == 100
    score, net = _objective((784, 4096, 10), rows=2)
    huge = caches.chunk_steps_with_cache(config, _state(score, net), score)
    assert huge.chunk_steps == caches.LONGEST_CHUNK


def test_a_run_takes_the_longer_chunks_unless_told_and_the_climbers_agree():
    score, net = _objective((40, 12, 3), rows=300)
    algo = jc.hill_climb(score, step_size=0.5, mutation="units")
    default = jc.run(3, algo, net.init, population=2, steps=400, score_fn=score, progress=False)
    told = jc.run(3, algo, net.init, population=2, steps=400, chunk_steps=100, score_fn=score,
                  progress=False)  # fmt: skip
    ratio = incremental.cost_ratio(net.layer_sizes)  # 6.5: chunks of 200 steps
    assert default.config["chunk_steps"] == -(-int(ratio / caches.RESCORING_SHARE) // 100) * 100
    assert default.config["chunk_steps"] > 100 and told.config["chunk_steps"] == 100
    jax.tree.map(np.testing.assert_array_equal, default.best_params, told.best_params)
    np.testing.assert_allclose(default.best_score, told.best_score, rtol=1e-6)
