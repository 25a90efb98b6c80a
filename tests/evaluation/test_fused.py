"""The fused evaluation paths equal the XLA path: the Pallas kernel (interpret mode on a
CPU) and the CPU row tiles; accuracy counts exactly, losses to float32 rounding. Sizes
are awkward on purpose: rows not a multiple of the tile (16 in interpret mode), features
not a power of two, a population not a multiple of the climbers per program (2)."""

import itertools

import jax
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.evaluation import paths

ROWS, FEATURES = 37, 5
CASES = [  # (hidden layers, hidden transfer, output units, output transfer, metric, kind)
    ((7,), "step", 1, "step", "accuracy", None),
    pytest.param(((7,), "sigmoid", 1, "sigmoid", "accuracy", None), marks=pytest.mark.slow),
    ((8, 4), "tanh", 1, "sigmoid", "log_loss", None),
    pytest.param(((6,), "relu", 1, "sigmoid", "log_loss", "probability"), marks=pytest.mark.slow),
    ((6,), "relu", 3, "softmax", "accuracy", "probability"),
    pytest.param(((6,), "identity", 3, "softmax", "log_loss", None), marks=pytest.mark.slow),
    ((6,), "tanh", 2, "identity", "mse", None),
    ((6,), "sigmoid", 1, "tanh", "r2", None),
    pytest.param(((6,), "relu", 2, "relu", "r2", None), marks=pytest.mark.slow),
]


def _case_id(case):
    return f"{case[1]}-{case[3]}{case[2]}-{case[4]}"


def _problem(hidden, act, n_out, output, metric, kind, rows=ROWS, one_hot=False):
    rng = np.random.default_rng(len(hidden) + n_out)
    X = rng.normal(size=(rows, FEATURES)).astype(np.float32)
    if metric in ("accuracy", "log_loss"):
        y = rng.integers(0, max(n_out, 2), rows)
        y = np.eye(n_out)[y] if one_hot else y
    else:
        y = rng.normal(size=(rows, n_out)).astype(np.float32)
    net = jc.MLP((FEATURES, *hidden, n_out), activation=act, output=output)
    kw = dict(metric=metric, output_kind=kind)
    return net, (jc.make_score_fn(net, X, y, evaluation=e, **kw) for e in ("xla", "fused"))


def _population(net, n):
    params = jax.vmap(net.init)(jax.random.split(jax.random.key(n), n))
    return jax.tree_util.tree_map(lambda a: 2 * a - 1, params)


def _assert_equal(metric, fast, xla):
    fast, xla = np.asarray(fast), np.asarray(xla)
    if metric == "accuracy":
        np.testing.assert_array_equal(np.round(fast * ROWS), np.round(xla * ROWS))
        np.testing.assert_array_equal(fast, xla)
    else:
        np.testing.assert_allclose(fast, xla, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_kernel_equals_xla_for_a_population(case):
    net, (xla, fused) = _problem(*case)
    params = _population(net, 3)
    _assert_equal(case[4], jax.jit(jax.vmap(fused))(params), jax.jit(jax.vmap(xla))(params))


def test_kernel_equals_xla_for_one_climber_and_one_hot_targets():
    net, (xla, fused) = _problem((6,), "tanh", 3, "softmax", "accuracy", None, one_hot=True)
    params = jax.tree_util.tree_map(lambda a: a[0], _population(net, 1))
    assert float(fused(params)) == float(xla(params))


def test_candidate_batches_inside_climbers_make_one_launch_and_equal_xla():
    """A population of climbers, each scoring candidates (GA children, ES pairs): two
    nested vmaps, flattened into one kernel launch by the batching rule."""
    net, (xla, fused) = _problem((6,), "tanh", 1, "sigmoid", "log_loss", None)
    params = jax.tree_util.tree_map(lambda a: a.reshape(3, 2, *a.shape[1:]), _population(net, 6))
    nested = lambda s: jax.jit(jax.vmap(jax.vmap(s)))  # noqa: E731
    _assert_equal("log_loss", nested(fused)(params), nested(xla)(params))
    text = str(jax.make_jaxpr(jax.vmap(jax.vmap(fused)))(params))
    assert text.count("pallas_call") == 1


def test_minibatch_rows_per_climber_equal_xla():
    net, _ = _problem((6,), "tanh", 1, "sigmoid", "accuracy", None)
    X = np.random.default_rng(1).normal(size=(200, FEATURES)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    xla, fused = (
        jc.make_score_fn(net, X, y, batch_size=50, evaluation=e) for e in ("xla", "fused")
    )
    params, keys = _population(net, 3), jax.random.split(jax.random.key(2), 3)
    a, b = (jax.jit(jax.vmap(s))(params, keys) for s in (fused, xla))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,options", [
    ("hill-climb", dict(n_candidates=3)),
    pytest.param("genetic", {}, marks=pytest.mark.slow),
    pytest.param("es", {}, marks=pytest.mark.slow),
])  # fmt: skip
@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
def test_searches_through_the_kernel_equal_searches_through_xla(name, options):
    net, (xla, fused) = _problem((6,), "sigmoid", 1, "sigmoid", "accuracy", None)
    results = [
        jc.run(0, jc.algorithms.make(name, s, net.init, **options), net.init, population=3,
               steps=4, score_fn=s, progress=False)
        for s in (xla, fused)
    ]  # fmt: skip
    np.testing.assert_array_equal(results[0].best_score, results[1].best_score)


@pytest.mark.slow
def test_gradients_go_through_xla_and_agree():
    net, (xla, fused) = _problem((6,), "tanh", 1, "sigmoid", "log_loss", None)
    params = jax.tree_util.tree_map(lambda a: a[0], _population(net, 1))
    g_fused, g_xla = jax.grad(fused)(params), jax.grad(xla)(params)
    for a, b in zip(
        jax.tree_util.tree_leaves(g_fused), jax.tree_util.tree_leaves(g_xla), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_cpu_row_tiles_equal_xla_and_auto_picks_them_for_wide_networks():
    rows = paths.CPU_TILE_MIN_ROWS + 77
    X = np.random.default_rng(3).normal(size=(rows, 20)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = jc.MLP((20, 32, 32, 1), activation="tanh")
    for metric in ("accuracy", "log_loss"):
        auto, xla = (
            jc.make_score_fn(net, X, y, metric=metric, evaluation=e) for e in ("auto", "xla")
        )
        assert paths.path_of(auto, "cpu") == "tiles" and paths.path_of(xla, "cpu") == "xla"
        params = _population(net, 3)
        a, b = (jax.jit(jax.vmap(s))(params) for s in (auto, xla))
        if metric == "accuracy":
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=2e-6)


def test_auto_keeps_xla_for_narrow_networks_and_user_forwards():
    X, y = np.zeros((5000, 5), np.float32), np.zeros(5000, int)
    narrow = jc.make_score_fn(jc.MLP((5, 10, 1)), X, y)
    user = jc.make_score_fn(lambda p, X: X @ p, X, y, output_kind="logit")
    assert paths.path_of(narrow, "cpu") == "xla" and paths.path_of(user, "gpu") == "xla"


def test_unsupported_choices_are_refused_before_compiling():
    X, y = np.zeros((4, 2), np.float32), np.zeros(4, int)
    with pytest.raises(ValueError, match="evaluation='fused' needs the built-in network"):
        jc.make_score_fn(lambda p, X: X @ p, X, y, output_kind="logit", evaluation="fused")
    with pytest.raises(ValueError, match="evaluation"):
        jc.make_score_fn(jc.MLP((2, 1)), X, y, evaluation="triton")


@pytest.mark.parametrize("precision", ["float32", "tf32", "bfloat16"])
def test_the_kernel_lowers_to_triton_for_a_gpu(precision):
    """Lowered for CUDA on this CPU-only machine: every operation has a Triton rule and
    every block is a power of two (compiling it needs the GPU)."""
    from jaxclimb.evaluation import kernel

    spec = kernel.KernelSpec((20, 32, 32, 1), ("tanh", "tanh"), None, "accuracy", "logit",
                             n_rows=1000, tile=128, climbers=4, precision=precision,
                             shared_x=True, interpret=False)  # fmt: skip
    shapes = [(8, 32, 32), (8, 32), (8, 32, 32), (8, 32), (8, 32, 16), (8, 16)]
    layers = [np.zeros(s, np.float32) for s in shapes]
    X, y = np.zeros((1, 1024, 32), np.float32), np.zeros((1, 1024, 16), np.float32)
    f = jax.jit(lambda *a: kernel.block_sums(spec, *a))
    assert "triton" in f.trace(layers, X, y).lower(lowering_platforms=("cuda",)).as_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    "act,output,metric",
    [c for c in itertools.product(
        ("step", "sigmoid", "tanh", "relu", "identity"),
        ("step", "sigmoid", "softmax", "tanh", "relu", "identity"),
        ("accuracy", "log_loss", "mse", "r2"))
     if (c[1] in ("step", "sigmoid", "softmax")) == (c[2] in ("accuracy", "log_loss"))
     and not (c[1] == "step" and c[2] == "log_loss")],
)  # fmt: skip
def test_every_transfer_output_and_metric(act, output, metric):
    n_out = 3 if output == "softmax" else 2 if metric in ("mse", "r2") else 1
    net, (xla, fused) = _problem((6, 5), act, n_out, output, metric, None, rows=45)
    params = _population(net, 5)
    _assert_equal(metric, jax.jit(jax.vmap(fused))(params), jax.jit(jax.vmap(xla))(params))


@pytest.mark.slow  # the kernel interpreted on problem A's 670 rows: about a minute
def test_the_command_line_takes_the_evaluation_path_and_prints_where_time_went(capsys):
    from jaxclimb.cli import main

    args = ["run", "--population", "3", "--steps", "2", "--quiet", "--verbose"]
    assert main([*args, "--evaluation", "fused"]) == 0
    out = capsys.readouterr()
    assert "climber" in out.out and "compile" in out.err and "search" in out.err
    assert main([*args, "--evaluation", "triton"]) != 0
    assert "--evaluation: invalid choice" in capsys.readouterr().err
