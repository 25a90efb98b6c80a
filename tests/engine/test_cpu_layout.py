"""The CPU layout: rows as the vector axis, cache batches from the machine's caches, the
widest vectors (issue 17)."""

import jax
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.engine import devices, layout
from jaxclimb.networks import UNROLL_MAX_FAN_IN, dense_by_unit


def _rows_layout_logits(params, X, act):
    """The forward pass with rows first, written out: what the (units, rows) layout
    must reproduce."""
    h = X
    for k, layer in enumerate(params):
        w, b = layer["w"], layer["b"]
        if w.shape[0] > UNROLL_MAX_FAN_IN:
            out = h @ w + b
        else:
            out = b
            for i in range(w.shape[0]):
                out = out + h[:, i : i + 1] * w[i]
        h = jc.networks.TRANSFERS[act](out) if k < len(params) - 1 else out
    return h


def test_units_by_rows_layout_equals_rows_layout():
    sizes = (3, 18, 4, 2)  # narrow (unrolled), wide (a matrix product), narrow layers
    net = jc.MLP(sizes, activation="tanh", init="normal")
    X = np.random.default_rng(0).normal(size=(37, sizes[0])).astype(np.float32)
    params = jax.vmap(net.init)(jax.random.split(jax.random.key(0), 3))
    ours = jax.jit(jax.vmap(lambda p: net.logits(p, X)))(params)
    theirs = jax.jit(jax.vmap(lambda p: _rows_layout_logits(p, X, "tanh")))(params)
    assert ours.shape == (3, 37, sizes[-1])
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=2e-6)


def test_dense_by_unit_checks_shapes():
    with pytest.raises(ValueError, match="layer shapes do not fit"):
        dense_by_unit(np.ones((3, 4)), np.ones((2, 5)), np.ones(5))


def _fake_cache(root, index, level, kind, size, shared):
    folder = root / f"index{index}"
    folder.mkdir()
    for name, value in {"level": level, "type": kind, "size": size,
                        "shared_cpu_list": shared}.items():  # fmt: skip
        (folder / name).write_text(f"{value}\n")


def test_core_cache_is_the_largest_private_data_cache(tmp_path):
    _fake_cache(tmp_path, 0, 1, "Data", "48K", "0")
    _fake_cache(tmp_path, 1, 1, "Instruction", "4096K", "0")  # not data
    _fake_cache(tmp_path, 2, 2, "Unified", "2048K", "0")
    _fake_cache(tmp_path, 3, 3, "Unified", "480M", "0-1")  # shared by cores
    assert devices.core_cache_bytes(str(tmp_path)) == 2 * 2**20
    assert devices.core_cache_bytes(str(tmp_path / "missing")) > 0  # sysconf or the default


@pytest.mark.parametrize(
    ("flags", "bits"),
    [("fpu sse2 avx avx2 avx512f avx512bw", 512), ("fpu sse2 avx avx2 fma", 256),
     ("fpu sse2", 128), (None, 256)],
)  # fmt: skip
def test_widest_vector_from_cpu_flags(tmp_path, flags, bits):
    path = tmp_path / "cpuinfo"
    if flags is not None:
        path.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    assert devices.widest_vector_bits(str(path)) == bits


@pytest.mark.parametrize(("bits", "given", "added"), [(512, "", True), (256, "", False),
                                                      (512, "--xla_cpu_prefer_vector_width=256",
                                                       False)])  # fmt: skip
def test_widest_vectors_asked_of_xla_unless_chosen(monkeypatch, bits, given, added):
    monkeypatch.setenv("XLA_FLAGS", given)
    monkeypatch.setattr(devices, "widest_vector_bits", lambda: bits)
    devices.prefer_widest_vectors()
    flags = devices.os.environ["XLA_FLAGS"]
    assert ("--xla_cpu_prefer_vector_width=512" in flags) == added
    assert given in flags


def test_cache_batch_follows_the_core_cache(monkeypatch):
    X, y = np.zeros((1000, 20), np.float32), np.zeros(1000, int)
    wide = jc.make_score_fn(jc.MLP((20, 32, 1)), X, y)
    batches = []
    for cache in (2**16, 2**20, 2**22):
        monkeypatch.setattr(layout, "core_cache_bytes", lambda cache=cache: cache)
        batches.append(layout.cache_batch(wide, "cpu"))
    one_climber = 1000 * 32 * 4  # one layer's activations: rows x widest layer x float32
    assert batches == [1, 2**20 // one_climber, 2**22 // one_climber]


def test_fused_networks_are_blocked_by_their_outputs_only(monkeypatch):
    """A fused network materialises only its outputs: a large population is walked in
    blocks that keep those within the core's cache, a small one is not blocked."""
    X, y = np.zeros((500, 5), np.float32), np.zeros(500, int)
    narrow = jc.make_score_fn(jc.MLP((5, 10, 1)), X, y)
    monkeypatch.setattr(layout, "core_cache_bytes", lambda: 2**20)
    assert layout.cache_batch(narrow, "cpu") is None  # no candidate batches
    assert layout.climber_block(narrow, "cpu") == 2**20 // (500 * 4)
    assert layout.climber_block(narrow, "gpu") is None
    mesh = layout.population_mesh(jax.devices()[:1])
    small = layout.plan_blocks(100, mesh, bytes_per_climber=None, budget=2**40,
                               cache_block=layout.climber_block(narrow, "cpu"))  # fmt: skip
    large = layout.plan_blocks(10_000, mesh, bytes_per_climber=None, budget=2**40,
                               cache_block=layout.climber_block(narrow, "cpu"))  # fmt: skip
    assert small == (100, None) and large[1] <= 2**20 // (500 * 4)
