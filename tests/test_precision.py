"""precision="float32" | "tf32" | "bfloat16": validated before compiling, the same meaning on
every backend, and every reported number re-scored in float32."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.cli import main
from jaxclimb.precision import PRECISIONS, check_precision, lax_precision, matmul_precision

WIDE = jc.MLP((20, 8, 1), activation="tanh", output="sigmoid", init="glorot")  # a matmul layer


@pytest.fixture(scope="module")
def wide_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 20)).astype(np.float32)
    return X, (X[:, :3].sum(axis=1) > 0).astype(int)


def _never_called(params, X):
    raise AssertionError("traced before the precision was checked")


@pytest.mark.parametrize("bad", ["fp16", "highest", "FLOAT32", None, 32])
def test_unknown_precision_is_named_with_the_choices_before_compiling(bad, wide_data):
    X, y = wide_data
    with pytest.raises(ValueError, match=r"precision must be one of 'float32', 'tf32', 'bfl"):
        jc.make_score_fn(_never_called, X, y, output_kind="probability", precision=bad)
    with pytest.raises(ValueError, match="precision"):
        jc.ClimbingClassifier(precision=bad, budget=64).fit(X, y)


def test_cli_precision_error_names_the_option_and_the_choices(capsys):
    assert main(["run", "--quiet", "--steps", "5", "--precision", "fp16"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--precision" in err and "'float32', 'tf32', 'bfloat16'" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_each_precision_names_its_products_in_the_compiled_program(wide_data):
    X, y = wide_data
    params = WIDE.init(jax.random.key(0))
    user = lambda p, X: jax.nn.sigmoid(X @ p[0]["w"] @ p[1]["w"])  # noqa: E731
    expected = {"float32": "HIGHEST", "tf32": "HIGH", "bfloat16": "DEFAULT"}
    for precision in PRECISIONS:
        for forward, kind in ((WIDE, None), (user, "probability")):
            score = jc.make_score_fn(forward, X, y, precision=precision, output_kind=kind)
            text = jax.jit(lambda s, p: s(p)).lower(score, params).as_text()
            shown = {line.split("precision = [")[1].split(",")[0]
                     for line in text.splitlines() if "dot_general" in line}  # fmt: skip
            assert shown == {expected[precision]}, (precision, forward)
            assert score.in_float32().precision == "float32"
        assert lax_precision(precision).name == expected[precision]
    assert ("bf16" in text) == (precision == "bfloat16")


def test_matmul_precision_scope_reaches_code_that_names_none():
    a = jnp.ones((32, 32))
    with matmul_precision("float32"):
        text = jax.jit(lambda a: a @ a).lower(a).as_text()
    assert "HIGHEST" in text
    assert check_precision("tf32") == "tf32"


def _search(score, net, steps=40):
    algorithm = jc.hill_climb(score, step_size=0.2)
    return jc.run(1, algorithm, net.init, population=6, steps=steps, score_fn=score,
                  progress=False)  # fmt: skip


FLOAT32_ULPS = 8  # reassociated float32 sums over 300 rows: measured 1 ulp, bounded by 8


def _assert_float32_evaluation(actual, expected, metric):
    if metric == "accuracy":
        np.testing.assert_array_equal(actual, expected)
    else:
        np.testing.assert_array_max_ulp(actual, expected, maxulp=FLOAT32_ULPS)


@pytest.mark.parametrize(
    ("metric", "batch_size"),
    [
        ("log_loss", None),
        pytest.param("accuracy", None, marks=pytest.mark.slow),
        pytest.param("log_loss", 64, marks=pytest.mark.slow),  # minibatches: keyed re-scoring
    ],
)
def test_bfloat16_search_reports_float32_scores_within_rounding(metric, batch_size, wide_data):
    X, y = wide_data
    half = jc.make_score_fn(WIDE, X, y, metric=metric, precision="bfloat16", batch_size=batch_size)
    full = jc.make_score_fn(WIDE, X, y, metric=metric)
    r = _search(half, WIDE)
    assert r.config["objective"]["precision"] == "bfloat16"
    assert r.best_params[0]["w"].dtype == np.float32 and np.isfinite(r.best_score).all()
    # The reported best is a float32 evaluation of the reported weights. The search's re-scoring
    # and these references are separately compiled programs: XLA may fuse and reassociate a
    # float32 sum differently in each (it does on AVX-512-bf16 CPUs), so a loss agrees to
    # FLOAT32_ULPS units in the last place, and accuracy (a count of 0/1 terms, exact in
    # float32 in any order) to the bit. bfloat16 would differ by ~1e-3, thousands of ulps.
    expected = np.asarray(jax.jit(lambda s, p: jax.vmap(s)(p))(full, r.best_params))
    _assert_float32_evaluation(r.best_score, expected, metric)
    _assert_float32_evaluation(r.best_metric, r.evaluate(X, y, metric=metric), metric)
    half_scores = np.asarray(jax.jit(lambda s, p: jax.vmap(s)(p))(half, r.best_params))
    if metric == "log_loss":  # the search's own scores are bfloat16's, not what is reported
        assert not np.array_equal(half_scores, expected)
        np.testing.assert_allclose(half_scores, expected, rtol=0.05)


@pytest.mark.slow
def test_float32_and_bfloat16_runs_both_search_on_cpu(wide_data):
    X, y = wide_data
    runs = {p: _search(jc.make_score_fn(WIDE, X, y, metric="log_loss", precision=p), WIDE, 80)
            for p in ("float32", "bfloat16")}  # fmt: skip
    start = -float(jc.make_score_fn(WIDE, X, y, metric="log_loss").full(WIDE.init(
        jax.random.fold_in(jax.random.key(1), 0))))  # fmt: skip
    for r in runs.values():
        assert r.best_metric.min() < 0.9 * start  # both searches made progress
    np.testing.assert_allclose(runs["bfloat16"].best_metric.min(),
                               runs["float32"].best_metric.min(), rtol=0.2)  # fmt: skip


@pytest.mark.slow
def test_tf32_falls_back_to_float32_products_where_there_is_no_tf32(wide_data):
    if jax.default_backend() != "cpu":
        pytest.skip("tf32 differs from float32 on a GPU with tensor cores; this checks the CPU")
    X, y = wide_data
    runs = [_search(jc.make_score_fn(WIDE, X, y, metric="log_loss", precision=p), WIDE)
            for p in ("float32", "tf32")]  # fmt: skip
    np.testing.assert_array_equal(runs[0].best_score, runs[1].best_score)
    np.testing.assert_array_equal(runs[0].history, runs[1].history)


@pytest.mark.slow
def test_estimator_searches_in_bfloat16_and_reports_in_float32(wide_data):
    X, y = wide_data
    clf = jc.ClimbingClassifier(precision="bfloat16", budget=2_000, random_state=0).fit(X, y)
    assert clf.result_.config["objective"]["precision"] == "bfloat16"
    assert clf.coefs_[0]["w"].dtype == np.float32 and clf.score(X, y) > 0.7
    assert clf.get_params()["precision"] == "bfloat16"
