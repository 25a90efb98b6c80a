import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxclimb.evaluation import metrics


def _log_softmax_rows(y, logits):
    """Each row's cross-entropy as jax.nn.log_softmax gives it (rows first)."""
    return -jnp.take_along_axis(jax.nn.log_softmax(logits, axis=-1), y[:, None], axis=-1)[:, 0]


@pytest.mark.parametrize("scale", [1e-3, 1.0, 30.0, 1e4])
@pytest.mark.parametrize("classes, rows", [(2, 7), (10, 300), (3, 1)])
def test_classes_first_cross_entropy_equals_log_softmax(scale, classes, rows):
    rng = np.random.default_rng(classes * rows)
    logits = (scale * rng.normal(size=(rows, classes))).astype(np.float32)
    y = jnp.asarray(rng.integers(0, classes, rows))
    fast = metrics.classes_first_cross_entropy(y, jnp.asarray(logits.T))
    reference = _log_softmax_rows(y, jnp.asarray(logits))
    np.testing.assert_allclose(fast, reference, rtol=2e-6, atol=1e-6 * scale)
    assert bool(jnp.all(fast >= 0))


def test_classes_first_log_loss_equals_rows_first():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(50, 4)).astype(np.float32)
    y = rng.integers(0, 4, 50)
    rows_first = metrics.log_loss(y, logits, output_kind="logit")
    classes_first = metrics.log_loss(y, logits.T, output_kind="logit", axis=0)
    assert float(classes_first) == pytest.approx(float(rows_first), rel=1e-6)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_classes_first_cross_entropy_non_finite_logit_poisons_its_row_only(bad):
    logits = np.zeros((3, 4), np.float32)
    logits[1, 2] = bad
    y = jnp.asarray([0, 1, 2, 0])
    rows = np.asarray(metrics.classes_first_cross_entropy(y, jnp.asarray(logits)))
    finite = [0, 1, 3]
    np.testing.assert_allclose(rows[finite], np.log(3.0), rtol=1e-6)
    if bad == -np.inf:  # a class that can never win: as log_softmax, a finite loss
        assert rows[2] == pytest.approx(np.log(2.0), rel=1e-6)
    else:
        assert np.isnan(rows[2])


def test_classes_first_cross_entropy_rows_equal_log_softmax_rows_through_row_log_loss():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(40, 5)).astype(np.float32)
    y = rng.integers(0, 5, 40)
    rows = metrics.row_log_loss(y, logits.T, output_kind="logit", axis=0)
    reference = _log_softmax_rows(jnp.asarray(y), jnp.asarray(logits))
    np.testing.assert_allclose(rows, reference, rtol=2e-6, atol=1e-7)


def test_classes_first_cross_entropy_true_class_at_minus_inf_is_infinite():
    logits = jnp.asarray([[0.0, -jnp.inf], [1.0, 2.0]])  # row 1's true class is -inf
    rows = np.asarray(metrics.classes_first_cross_entropy(jnp.asarray([0, 0]), logits))
    assert np.isfinite(rows[0]) and rows[1] == np.inf


def test_classes_first_cross_entropy_integer_logits_promote_to_float():
    rows = metrics.classes_first_cross_entropy(jnp.asarray([1]), jnp.asarray([[0], [0]]))
    assert rows.dtype == jnp.float32
    assert float(rows[0]) == pytest.approx(np.log(2.0), rel=1e-6)


def test_classes_first_cross_entropy_compiles_once_outside_jit():
    logits, y = jnp.ones((3, 8)), jnp.zeros(8, jnp.int32)
    metrics.classes_first_cross_entropy(y, logits)  # the first call compiles
    with jax.log_compiles(), _compile_log() as compiled:
        metrics.classes_first_cross_entropy(y, logits)
    assert compiled == [], compiled


class _compile_log:
    """The messages of JAX's compile log while the block runs."""

    def __enter__(self):
        import logging

        self.records, self.handler = [], logging.Handler()
        self.handler.emit = lambda r: self.records.append(r.getMessage())
        logging.getLogger("jax").addHandler(self.handler)
        return self.records

    def __exit__(self, *exc):
        import logging

        logging.getLogger("jax").removeHandler(self.handler)
