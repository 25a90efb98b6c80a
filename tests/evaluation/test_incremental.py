"""Incremental evaluation (jaxclimb.evaluation.incremental): a unit move scored from a
climber's cached activations equals a full float32 forward pass of the same weights.

Tolerances: accuracy counts are compared exactly; losses (log-loss, MSE, R²) to a relative
1e-5 (absolute 1e-6), a few float32 roundings: the moved units' rows come from a matrix
product of another shape than the full pass's, and the next layer adds them separately.
"""

import dataclasses
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms import hill_climb, make, simulated_annealing, with_restarts
from jaxclimb.algorithms.unitmoves import neighbour_move, unit_move
from jaxclimb.datasets.tasks import classification_task, training_objective
from jaxclimb.engine import caches, layout
from jaxclimb.engine.keyed import keyed_objective, searched_as
from jaxclimb.evaluation import incremental

HIDDEN = ("step", "sigmoid", "tanh", "relu", "identity")
OUTPUTS = ("step", "sigmoid", "softmax", "tanh", "relu", "identity")
METRICS = ("accuracy", "log_loss", "mse", "r2")


def _objective(sizes, hidden, output, metric, rows=37, seed=0, **kw):
    """A ScoreFn of ``sizes`` on random data, or None where make_score_fn refuses the mix."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, sizes[0])).astype(np.float32)
    n_out = sizes[-1]
    if metric in ("mse", "r2"):
        y = rng.normal(size=(rows, n_out)).astype(np.float32)
        y = y[:, 0] if n_out == 1 else y
    else:
        y = rng.integers(0, max(2, n_out), rows)
        y[:2] = [0, 1][:rows]  # both classes from two rows on
    try:
        net = jc.MLP(sizes, activation=hidden, output=output, init="normal")
        return jc.make_score_fn(net, X, y, metric=metric, **kw), net
    except ValueError:
        return None, None


def _walk(score, net, *, steps=12, n_units=1, kind="units", seed=1):
    """Random moves, each accepted or rejected by a coin: per step, the incremental score and
    a full forward pass's score of the candidate, and the cache against a fresh one."""
    full = jax.jit(lambda p: jc.make_score_fn(net, score.X, score.y, metric=score.metric,
                                              evaluation="xla", batch_size=None)(p))  # fmt: skip

    @jax.jit
    def step(key, params, cache):
        k_move, k_coin = jax.random.split(key)
        if kind == "units":
            cand, which = unit_move(k_move, params, step_size=0.7, n_units=n_units)
        else:
            cand, which = neighbour_move(k_move, params, step_size=0.7)
        value, pending = score.score_move(cache, cand, which)
        accepted = jax.random.bernoulli(k_coin)
        params = jax.tree.map(lambda a, b: jnp.where(accepted, a, b), cand, params)
        return value, cand, params, score.commit(cache, pending, accepted)

    params = net.init(jax.random.key(seed))
    init_cache = jax.jit(score.init_cache)
    cache = init_cache(params)
    out = []
    for t in range(steps):
        value, cand, params, cache = step(jax.random.key(100 + t), params, cache)
        fresh = init_cache(params)
        drift = max([float(jnp.max(jnp.abs(a - b))) for a, b in zip(cache, fresh, strict=True)])
        out.append((float(value), float(full(cand)), drift))
    return out


def _assert_equal_scores(walk, metric):
    for value, expected, drift in walk:
        if metric == "accuracy":
            assert value == expected
        else:
            np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-6)
        assert drift <= 1e-5


def _combinations():
    for hidden, output, metric in itertools.product(HIDDEN, OUTPUTS, METRICS):
        n_out = 3 if output == "softmax" or metric in ("mse", "r2") else 1
        yield hidden, output, metric, n_out


@pytest.mark.slow
def test_the_cached_output_layer_does_not_drift_over_many_accepted_moves():
    """The output pre-activations are updated by each accepted move's change, not
    recomputed: after 4,000 accepted moves (every one) they stay within a few float32 ulps
    of a fresh forward pass's, because an output move recomputes its units' rows."""
    score, net = _objective((12, 16, 4), "tanh", "softmax", "log_loss", rows=300,
                            evaluation="incremental")  # fmt: skip

    def accept_all(carry, key):
        params, cache = carry
        cand, which = unit_move(key, params, step_size=0.3)
        value, pending = score.score_move(cache, cand, which)
        return (cand, score.commit(cache, pending, jnp.bool_(True))), value

    params = net.init(jax.random.key(0))
    keys = jax.random.split(jax.random.key(1), 4000)
    (params, cache), values = jax.jit(lambda p, k: jax.lax.scan(
        accept_all, (p, score.init_cache(p)), k))(params, keys)  # fmt: skip
    fresh = score.init_cache(params)
    scale = float(jnp.max(jnp.abs(fresh[-1])))
    assert float(jnp.max(jnp.abs(cache[-1] - fresh[-1]))) <= 1e-5 * max(scale, 1.0)
    full = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="xla")
    np.testing.assert_allclose(float(values[-1]), float(full(params)), rtol=1e-5)


@pytest.mark.slow
def test_score_move_equals_a_full_forward_pass():
    score, net = _objective((9, 5, 3), "tanh", "softmax", "log_loss", evaluation="incremental")
    _assert_equal_scores(_walk(score, net, steps=6), "log_loss")


@pytest.mark.slow
@pytest.mark.parametrize("hidden,output,metric,n_out", list(_combinations()))
def test_every_transfer_output_and_metric(hidden, output, metric, n_out):
    score, net = _objective((9, 5, n_out), hidden, output, metric, evaluation="incremental")
    if score is None:
        pytest.skip("make_score_fn refuses this mix")
    _assert_equal_scores(_walk(score, net, steps=6), metric)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sizes,rows,n_units",
    [((4, 1, 1), 1, 1), ((7, 3, 5, 2), 5, 2), ((6, 1, 1, 3), 11, 3), ((30, 17, 4), 9, 40)],
)
def test_awkward_sizes(sizes, rows, n_units):
    """One row, odd widths, one-unit layers, two hidden layers, more units than a layer."""
    output = "softmax" if sizes[-1] > 1 else "sigmoid"
    for metric in ("accuracy", "log_loss"):
        score, net = _objective(sizes, "tanh", output, metric, rows=rows,
                                evaluation="incremental")  # fmt: skip
        _assert_equal_scores(_walk(score, net, n_units=n_units), metric)


@pytest.mark.slow
def test_neighbour_moves_are_scored_incrementally():
    score, net = _objective((12, 6, 3), "sigmoid", "softmax", "log_loss",
                            evaluation="incremental")  # fmt: skip
    _assert_equal_scores(_walk(score, net, kind="neighbour"), "log_loss")


def test_an_estimators_weighted_and_penalised_objective():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 20)).astype(np.float32)
    y = rng.integers(0, 3, 300)
    net = jc.MLP((20, 8, 3), activation="tanh", output="softmax")
    task = classification_task(3)
    score = training_objective(net, X, y, task=task, metric="log_loss", alpha=10.0,
                               sample_weight=rng.uniform(size=300))  # fmt: skip
    score = dataclasses.replace(score, evaluation="incremental")
    assert score.incremental
    params = net.init(jax.random.key(0))
    moved, which = unit_move(jax.random.key(1), params, step_size=0.3)
    value, _ = score.score_move(score.init_cache(params), moved, which)
    np.testing.assert_allclose(float(value), float(score(moved)), rtol=1e-5)


@pytest.mark.slow
def test_climbers_with_and_without_the_cache_take_the_same_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 30)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    net = jc.MLP((30, 6, 1), activation="tanh")
    score = jc.make_score_fn(net, X, y, metric="log_loss", evaluation="incremental")
    for build in (hill_climb, simulated_annealing):
        paths = []
        for incremental_ in (True, False):
            algo = build(score, step_size=0.5, mutation="units", incremental=incremental_)
            state = algo.init(jax.random.key(0), net.init(jax.random.key(1)))
            assert (state.cache is not None) == incremental_
            step = jax.jit(algo.step)
            for t in range(25):
                state, _ = step(jax.random.key(t), state)
            paths.append(state)
        jax.tree.map(np.testing.assert_array_equal, paths[0].params, paths[1].params)
        np.testing.assert_allclose(paths[0].score, paths[1].score, rtol=1e-6)


def test_auto_takes_it_only_where_it_pays():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2000, 784)).astype(np.float32), rng.integers(0, 10, 2000)
    wide = jc.MLP((784, 64, 10), activation="tanh", output="softmax")
    assert jc.make_score_fn(wide, X, y).incremental
    assert not jc.make_score_fn(wide, X, y, evaluation="xla").incremental
    assert not jc.make_score_fn(wide, X, y, batch_size=256).incremental
    assert not jc.make_score_fn(wide, X, y, precision="bfloat16").incremental
    assert not jc.make_score_fn(jc.MLP((5, 4, 1)), X[:, :5], y % 2).incremental
    assert not jc.make_score_fn(jc.MLP((784, 10), output="softmax"), X, y).incremental
    assert incremental.cost_ratio((784, 64, 10)) > 20


def test_bad_uses_are_refused_before_compiling():
    with pytest.raises(ValueError, match="evaluation='incremental' needs the built-in"):
        jc.make_score_fn(lambda p, X: X @ p, np.eye(2), np.zeros(2), metric="mse",
                         evaluation="incremental")  # fmt: skip
    score, net = _objective((6, 4, 1), "tanh", "sigmoid", "log_loss", evaluation="incremental")
    with pytest.raises(ValueError, match="mutate_fraction is not used"):
        hill_climb(score, mutation="units", mutate_fraction=0.1)
    with pytest.raises(TypeError, match="incremental must be True or False"):
        hill_climb(score, mutation="units", incremental=1)
    with pytest.raises(ValueError, match="needs the weights of the built-in network"):
        unit_move(jax.random.key(0), {"w": jnp.zeros(3)}, step_size=0.1)
    with pytest.raises(ValueError, match="incremental=False"):
        algo = with_restarts(hill_climb(score, mutation="units"), net.init, patience=3)
        algo.init(jax.random.key(0), net.init(jax.random.key(1)))
    made = make("hill-climb", score, net.init, mutation="units", restarts=1, round_steps=5)
    state = made.init(jax.random.key(0), net.init(jax.random.key(1)))
    assert state.inner.cache is None  # the builder turned the cache off for restarts


@pytest.mark.slow
def test_reported_scores_are_full_evaluations():
    score, net = _objective((10, 6, 3), "tanh", "softmax", "log_loss", rows=300)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    algo = hill_climb(score, step_size=0.5, mutation="units", adaptive=True)
    assert keyed_objective(searched_as(algo, score)) is score  # re-scored at chunk ends
    r = jc.run(0, algo, net.init, population=3, steps=40, chunk_steps=20, score_fn=score,
               progress=False)  # fmt: skip
    full = jax.jit(jax.vmap(jc.make_score_fn(net, score.X, score.y, metric="log_loss",
                                             evaluation="xla").full))  # fmt: skip
    np.testing.assert_allclose(r.best_score, full(r.best_params), rtol=1e-6)


@pytest.mark.slow
def test_climber_independent_of_population_size_and_chunking():
    """Climber i takes the same steps whatever the population and the chunks; its best
    score is re-scored by a full pass at chunk ends, so the recorded history agrees to
    float32 rounding across chunkings and populations (each population size is another
    compiled program: its output pre-activations' changes may round otherwise)."""
    score, net = _objective((16, 7, 3), "tanh", "softmax", "log_loss", rows=200)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    algo = hill_climb(score, step_size=0.5, mutation="units", adaptive=True)
    runs = [
        jc.run(
            5, algo, net.init, population=p, steps=30, chunk_steps=c, score_fn=score, progress=False
        )
        for p, c in ((3, 7), (8, 7), (3, 10))
    ]
    np.testing.assert_allclose(runs[0].history, runs[1].history[:3], rtol=1e-6)
    np.testing.assert_allclose(runs[0].history, runs[2].history, rtol=1e-6)
    for other in runs[1:]:
        first = jax.tree.map(lambda x: x[:3], other.best_params)
        jax.tree.map(np.testing.assert_array_equal, runs[0].best_params, first)


def test_the_cache_is_counted_and_a_population_that_cannot_hold_it_refused():
    score, net = _objective((10, 6, 3), "tanh", "softmax", "log_loss", rows=300)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    cached = hill_climb(score, mutation="units")
    assert (
        caches.state_cache_bytes(cached, net.init)
        == 300 * (6 + 3) * 4
        == incremental.cache_bytes(score)
    )
    assert caches.state_cache_bytes(hill_climb(score), net.init) == 0
    mesh = layout.population_mesh(jax.devices()[:1])
    caches.check_caches(10, mesh, 2**20)
    with pytest.raises(ValueError, match=r"population=100000.*evaluation='xla'"):
        caches.check_caches(100_000, mesh, 2**20)
    plain = layout.plan_layout(64, jax.devices()[:1], score, memory_budget=2**20)
    heavy = layout.plan_layout(64, jax.devices()[:1], score, memory_budget=2**20,
                               cache_bytes=2**18)  # fmt: skip
    assert (heavy.block or 64) < (plain.block or 64)


@pytest.mark.slow
@pytest.mark.parametrize("factory", [hill_climb, simulated_annealing])
def test_a_stopped_climber_keeps_its_cache_without_the_engines_select(factory):
    """A caching climber masks its own inactive steps (Traits.masks_inactive): the engine
    then skips its select of the whole state, and a run with stopping climbers equals the
    same run with that select (the flag cleared)."""
    score, net = _objective((8, 6, 3), "tanh", "softmax", "log_loss", rows=300)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    masked = factory(score, step_size=0.5, mutation="units")
    assert masked.traits.masks_inactive
    selected = masked._replace(traits=dataclasses.replace(masked.traits, masks_inactive=False))
    runs = [
        jc.run(
            3,
            algo,
            net.init,
            population=5,
            steps=60,
            max_attempts=4,
            chunk_steps=16,
            score_fn=score,
            progress=False,
        )
        for algo in (masked, selected)
    ]
    assert 0 < int(np.min(runs[0].n_steps)) < 60  # some climbers stopped early
    np.testing.assert_array_equal(runs[0].n_steps, runs[1].n_steps)
    np.testing.assert_array_equal(runs[0].history, runs[1].history)
    np.testing.assert_array_equal(runs[0].final_score, runs[1].final_score)  # current points
    jax.tree.map(np.testing.assert_array_equal, runs[0].best_params, runs[1].best_params)


def test_full_evaluations_are_blocked_apart_from_incremental_steps():
    """An incremental step's temporaries are about a cache, a full evaluation's a forward
    pass: a population whose full evaluations exceed the memory budget is walked in
    blocks for those (a climber's first score, the chunk ends' re-scoring) only."""
    score, net = _objective((10, 6, 3), "tanh", "softmax", "log_loss", rows=300)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    budget = 16 * (score.evaluation_bytes + incremental.cache_bytes(score))
    planned = layout.plan_layout(64, jax.devices()[:1], score, memory_budget=budget,
                                 cache_bytes=incremental.cache_bytes(score))  # fmt: skip
    assert planned.block is None and planned.full_block == 16
    assert planned.for_full_evaluations().block == 16
    plain = layout.plan_layout(64, jax.devices()[:1], score, memory_budget=budget)
    assert plain.full_block is None and plain.for_full_evaluations() is plain


def test_commit_writes_the_outputs_in_the_precision_they_were_scored_in():
    """With more moved units than dense_by_unit unrolls (a matrix product), committing
    the output change multiplies in float32 as score_move did, on any backend (a GPU's
    default float32 product may be TF32)."""
    score, net = _objective((20, 30, 10), "tanh", "softmax", "log_loss", rows=64)
    score = jc.make_score_fn(net, score.X, score.y, metric="log_loss", evaluation="incremental")
    params = net.init(jax.random.key(0))
    cache = score.init_cache(params)
    moved, which = unit_move(jax.random.key(1), params, step_size=0.5, n_units=12)
    _, pending = score.score_move(cache, moved, which)
    jaxpr = jax.make_jaxpr(lambda c, p: score.commit(c, p, jnp.bool_(True)))(cache, pending)
    dots = [e for e in jaxpr.eqns if e.primitive.name == "dot_general"]
    assert dots and all(e.params["precision"] == (jax.lax.Precision.HIGHEST,) * 2 for e in dots)
