import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.engine import layout, program


@pytest.fixture(scope="module")
def setup(problem_a):
    X_train, _, y_train, _ = problem_a
    net = jc.MLP((5, 4, 1))
    score = jc.make_score_fn(net, X_train, y_train)
    return net, score


def _run(setup, **kwargs):
    net, score = setup
    algo = kwargs.pop("algorithm", None) or jc.hill_climb(score, step_size=0.1)
    opts = dict(population=8, steps=60, score_fn=score, progress=False)
    opts.update(kwargs)
    return jc.run(opts.pop("key", 0), algo, net.init, **opts)


def _assert_same(a, b):
    chex.assert_trees_all_equal(a.best_params, b.best_params)
    np.testing.assert_array_equal(a.best_score, b.best_score)
    np.testing.assert_array_equal(a.history, b.history)
    np.testing.assert_array_equal(a.n_accepted, b.n_accepted)


def test_same_seed_is_bitwise_identical(setup):
    _assert_same(_run(setup, key=jax.random.key(3)), _run(setup, key=3))


def test_different_seeds_differ(setup):
    assert not np.array_equal(_run(setup, key=1).best_score, _run(setup, key=2).best_score)


def test_climber_independent_of_population_size_and_chunking(setup):
    small = _run(setup, population=8, chunk_steps=20)
    large = _run(setup, population=64, chunk_steps=30)
    chex.assert_trees_all_equal(
        small.best_params, jax.tree_util.tree_map(lambda x: x[:8], large.best_params)
    )
    np.testing.assert_array_equal(small.history, large.history[:8])


def test_one_compilation_however_many_chunks(setup, monkeypatch):
    chex.clear_trace_counter()
    program.clear_cache()
    monkeypatch.setattr(program, "chunk_body", chex.assert_max_traces(program.chunk_body, n=1))
    result = _run(setup, steps=200, chunk_steps=10)
    assert result.steps_run == 200 and np.all(result.n_steps == 200)


def test_counts_history_and_monotone_best(setup):
    r = _run(setup, steps=50, record_every=7)
    assert r.history.shape == (8, 1 + 8)
    np.testing.assert_array_equal(r.history_steps, [0, 7, 14, 21, 28, 35, 42, 49, 50])
    np.testing.assert_array_equal(r.history[:, -1], r.best_score)
    assert np.all(np.diff(r.history, axis=1) >= 0)
    np.testing.assert_array_equal(r.n_evaluations, 51)  # one initial evaluation + one per step
    assert r.total_evaluations == 8 * 51
    assert np.all(r.n_accepted <= 50)
    assert isinstance(r.best_score, np.ndarray)
    assert all(isinstance(x, np.ndarray) for x in jax.tree_util.tree_leaves(r.best_params))


def test_best_score_is_the_score_of_best_params(setup):
    _, score = setup
    r = _run(setup)
    recomputed = jax.vmap(score)(r.best_params)
    np.testing.assert_allclose(recomputed, r.best_score, rtol=1e-6)


@pytest.mark.slow
def test_early_stop_after_max_attempts(setup):
    r = _run(setup, steps=5000, max_attempts=15, chunk_steps=50)
    assert r.stopped_early and r.steps_run < 5000
    stopped = r.n_steps < r.steps_run
    assert np.all(r.n_steps >= 15)
    # a climber that stopped made exactly max_attempts steps after its last improvement
    last_gain = np.array(
        [np.flatnonzero(np.diff(h) > 0)[-1] + 1 if np.any(np.diff(h) > 0) else 0 for h in r.history]
    )
    np.testing.assert_array_equal(r.n_steps[stopped], last_gain[stopped] + 15)


def test_nan_scores_are_never_accepted():
    def forward(params, X):
        out = X @ params["w"]
        return jnp.where(params["w"][0] > 0.3, jnp.nan, out)  # NaN region of weight space

    X = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    y = X[:, 0] * 0.29
    score = jc.make_score_fn(forward, X, y, metric="mse")
    algo = jc.hill_climb(score, step_size=0.2)
    init = lambda key: {"w": jnp.zeros(2)}  # noqa: E731
    r = jc.run(0, algo, init, population=16, steps=100, score_fn=score, progress=False)
    assert np.all(np.isfinite(r.best_score)) and np.all(np.isfinite(r.final_score))
    assert np.all(r.best_params["w"][:, 0] <= 0.3)
    assert r.n_nonfinite.sum() > 0  # they happened and were counted


@pytest.mark.slow
def test_accept_rule_on_a_plateau():
    flat = lambda p: jnp.float32(0.5)  # noqa: E731  every point scores the same
    init = lambda key: {"w": jnp.zeros(3)}  # noqa: E731
    ge = jc.run(0, jc.hill_climb(flat, accept="ge"), init, population=4, steps=20, progress=False)
    gt = jc.run(0, jc.hill_climb(flat, accept="gt"), init, population=4, steps=20, progress=False)
    np.testing.assert_array_equal(ge.n_accepted, 20)  # drifts across the plateau
    np.testing.assert_array_equal(gt.n_accepted, 0)  # stuck at the start


@pytest.mark.slow
def test_user_forward_over_dict_pytree(small_binary):
    X, y = small_binary

    def forward(params, X):
        h = jnp.tanh(X @ params["hidden"]["kernel"] + params["hidden"]["bias"])
        return jax.nn.sigmoid(h @ params["out"])

    def init(key):
        k1, k2 = jax.random.split(key)
        return {
            "hidden": {"kernel": jax.random.normal(k1, (3, 4)), "bias": jnp.zeros(4)},
            "out": jax.random.normal(k2, (4,)),
        }

    score = jc.make_score_fn(forward, X, y, output_kind="probability")
    r = jc.run(
        1,
        jc.hill_climb(score, step_size=0.2),
        init,
        population=16,
        steps=150,
        score_fn=score,
        progress=False,
    )
    assert r.best_params["hidden"]["kernel"].shape == (16, 3, 4)
    assert r.best_score.max() > 0.9
    assert np.mean(r.predict(X) == y) == pytest.approx(r.best_score.max())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"population": 0}, "population"),
        ({"steps": 0}, "steps"),
        ({"steps": 1.5}, "steps"),
        ({"record_every": 0}, "record_every"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"chunk_steps": 7, "record_every": 2}, "chunk_steps"),
        ({"key": "seed"}, "key"),
    ],
)
def test_bad_run_arguments(setup, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        _run(setup, **kwargs)


def test_bad_init_params_reported_before_compiling(setup):
    _, score = setup
    algo = jc.hill_climb(score)
    with pytest.raises(TypeError, match="floating"):
        jc.run(
            0,
            algo,
            lambda k: [{"w": jnp.zeros((5, 4), jnp.int32), "b": jnp.zeros(4)}],
            progress=False,
        )
    with pytest.raises(ValueError, match="objective"):  # wrong weight shapes for the network
        jc.run(0, algo, jc.MLP((3, 4, 1)).init, progress=False)


def test_objective_must_return_a_scalar():
    algo = jc.hill_climb(lambda p: p["w"])  # a vector, not a scalar
    with pytest.raises(ValueError, match="scalar"):
        jc.run(0, algo, lambda k: {"w": jnp.zeros(3)}, progress=False)


def test_verbose_logs_improvements_like_the_tutorial(setup, caplog):
    with caplog.at_level("INFO", logger="jaxclimb"):  # through the "jaxclimb" logger
        r = _run(setup, steps=30, verbose=True)
    lines = [m for m in caplog.messages if m.startswith(">")]
    assert lines, "expected '>step score' lines"
    steps = [int(line[1:].split()[0]) for line in lines]
    scores = [float(line.split()[1]) for line in lines]
    assert steps == sorted(steps) and all(1 <= s <= 30 for s in steps)
    assert scores == sorted(scores) and scores[-1] == pytest.approx(r.best_score.max(), abs=1e-5)


def test_plain_function_as_score_fn_is_refused(setup):
    net, score = setup
    with pytest.raises(TypeError, match="score_fn"):
        jc.run(0, jc.hill_climb(score), net.init, score_fn=lambda p: 0.0, progress=False)


def test_hand_written_algorithm_with_plain_functions():
    """Algorithm(init, step) from plain closures works too (they become static)."""

    def init(key, params):
        s = -jnp.sum(params**2)
        return jc.ClimberState(params, s, params, s, jnp.float32(0.1))

    def step(key, state):
        cand = state.params + 0.1 * jax.random.normal(key, state.params.shape)
        s = -jnp.sum(cand**2)
        take = s > state.score
        new = jc.ClimberState(
            jnp.where(take, cand, state.params),
            jnp.maximum(s, state.score),
            jnp.where(take, cand, state.params),
            jnp.maximum(s, state.score),
            state.step_size,
        )
        info = jc.StepInfo(new.score, s, take, jnp.int32(1), jnp.int32(0))
        return new, info

    r = jc.run(
        0, jc.Algorithm(init, step), lambda k: jnp.ones(3), population=4, steps=50, progress=False
    )
    assert np.all(r.best_score > -3.0)


@pytest.mark.slow
def test_same_configuration_reuses_the_compiled_programs_with_new_data(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 4, 1))

    def fit(X, y, seed):
        score = jc.make_score_fn(net, X, y)
        algo = jc.hill_climb(score, step_size=0.1)
        return jc.run(seed, algo, net.init, population=8, steps=40, score_fn=score, progress=False)

    program.clear_cache()
    first = fit(X, y, 0)
    again = fit(X, y, 0)
    assert first.compile_seconds > 0 and again.compile_seconds == 0
    np.testing.assert_array_equal(first.best_score, again.best_score)
    flipped = fit(X, 1 - y, 0)  # same shapes, other data: cached program, new answer
    assert flipped.compile_seconds == 0
    fresh = jc.run(
        0,
        jc.hill_climb(jc.make_score_fn(net, X, 1 - y), step_size=0.11),
        net.init,
        population=8,
        steps=40,
        progress=False,
    )
    assert fresh.compile_seconds == 0  # a step size is data too
    np.testing.assert_allclose(
        jax.vmap(jc.make_score_fn(net, X, 1 - y))(flipped.best_params), flipped.best_score
    )
    assert not np.array_equal(flipped.best_score, first.best_score)


@pytest.mark.slow
def test_blocked_evaluation_equals_unblocked(setup):
    """Climbers walked in blocks (bounded memory) give the same result, bit for bit."""
    whole = _run(setup, population=10, steps=30)
    blocked = _run(setup, population=10, steps=30, block_size=3)
    assert blocked.config["block"] == 3 and whole.config["block"] is None
    chex.assert_trees_all_equal(blocked.best_params, whole.best_params)
    np.testing.assert_array_equal(blocked.history, whole.history)
    np.testing.assert_array_equal(blocked.n_accepted, whole.n_accepted)
    budget = _run(setup, population=10, steps=5, memory_budget=200_000)  # derived block
    assert budget.config["block"] is not None
    np.testing.assert_array_equal(budget.history, whole.history[:, :6])


def test_cache_blocks_only_for_materialised_activations_on_cpu():
    """Wide layers (matrix products) on a CPU are walked in cache-sized blocks; narrow,
    fused networks get no candidate batches; a forced block_size still wins."""
    from jaxclimb.engine.layout import cache_batch, plan_blocks, population_mesh

    X = np.zeros((500, 20), np.float32)
    y = np.zeros(500, int)
    mesh = population_mesh(jax.devices()[:1])
    wide = jc.make_score_fn(jc.MLP((20, 32, 1)), X, y)
    narrow = jc.make_score_fn(jc.MLP((5, 10, 1)), X[:, :5], y)
    assert cache_batch(narrow, "cpu") is None and cache_batch(None, "cpu") is None
    block = cache_batch(wide, "cpu")
    assert isinstance(block, int) and 1 <= block < 1000
    padded, planned = plan_blocks(4 * block + 1, mesh, bytes_per_climber=1, budget=2**40,
                                  cache_block=block)  # fmt: skip
    assert planned <= block and padded % planned == 0 and padded >= 4 * block + 1
    assert plan_blocks(block, mesh, bytes_per_climber=1, budget=2**40, cache_block=block)[1] is None
    forced = plan_blocks(4 * block, mesh, bytes_per_climber=1, budget=2**40, block_size=3,
                         cache_block=block)  # fmt: skip
    assert forced[1] == 3


@pytest.mark.slow
def test_evaluate_many_in_cache_batches_equals_vmap():
    from jaxclimb.engine.layout import cache_batch
    from jaxclimb.evaluation.batching import candidate_batch, evaluate_many

    X = np.random.default_rng(0).normal(size=(3000, 20)).astype(np.float32)
    net = jc.MLP((20, 32, 1), activation="tanh")
    score = jc.make_score_fn(net, X, (X[:, 0] > 0).astype(int))
    n = 2 * cache_batch(score, "cpu") + 3  # batches and a remainder
    params = jax.vmap(net.init)(jax.random.split(jax.random.key(0), n))
    with candidate_batch(cache_batch(score, "cpu")):
        batched = jax.jit(lambda p: evaluate_many(score, p))(params)
    np.testing.assert_allclose(batched, jax.vmap(score)(params), atol=1e-6)


def test_a_population_smaller_than_the_device_count_is_not_padded(setup):
    """One climber runs on one device (no padded twin doing the same work), and gives
    what it gives on one device."""
    alone = _run(setup, population=1, steps=20)
    assert alone.config["n_devices"] == 1 and alone.best_score.shape == (1,)
    one = _run(setup, population=1, steps=20, devices=jax.devices()[:1])
    np.testing.assert_array_equal(alone.history, one.history)


def test_steps_past_the_end_of_the_last_chunk_are_not_evaluated():
    calls = []

    def counting(params):
        jax.debug.callback(lambda w: calls.append(1), params["w"][0])
        return -jnp.sum(params["w"] ** 2)

    def start(key):
        return {"w": jax.random.normal(key, (3,))}

    r = jc.run(0, jc.hill_climb(counting), start, population=2, steps=5, chunk_steps=4,
               progress=False)  # fmt: skip
    jax.effects_barrier()
    assert r.steps_run == 5 and int(r.total_evaluations) == 2 * 6
    assert len(calls) == 2 * 6  # 8 step slots in two chunks; the last 3 cost nothing


@pytest.mark.slow
def test_climber_trajectory_does_not_depend_on_cache_blocks(monkeypatch):
    """A wide network is walked in cache-sized blocks at P=20 and not at P=4: climber i
    takes the same path either way, bit for bit. The cache is fixed at 2 MiB (five
    climbers' activations) so the blocks do not depend on the machine's own."""
    monkeypatch.setattr(layout, "core_cache_bytes", lambda: 2**21)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 20)).astype(np.float32)
    net = jc.MLP((20, 32, 1), activation="tanh")
    # evaluation="xla": the row tiles of "auto" would keep 64 climbers within that cache
    score = jc.make_score_fn(net, X, (X[:, 0] + X[:, 1] > 0).astype(int), evaluation="xla")
    algo = jc.hill_climb(score, step_size=0.1)
    small, large = (
        jc.run(3, algo, net.init, population=p, steps=20, score_fn=score, progress=False)
        for p in (4, 20)
    )
    assert small.config["block"] is None and large.config["block"] is not None
    np.testing.assert_array_equal(small.history, large.history[:4])
    chex.assert_trees_all_equal(small.best_params, jax.tree.map(lambda x: x[:4], large.best_params))
