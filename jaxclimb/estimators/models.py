"""ClimbingClassifier and ClimbingRegressor: scikit-learn's fit / predict over a search."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d, validate_data

from .._checks import shown
from ..datasets.tasks import classification_task, regression_task
from ..networks import TRANSFERS
from .base import ClimbingBase, check_weights


class ClimbingClassifier(ClassifierMixin, ClimbingBase):
    """A neural-network classifier trained by a population of gradient-free climbers.

    Labels may be anything scikit-learn accepts (strings, non-contiguous ints) or one-hot
    rows as mlrose takes them; binary problems get one sigmoid output, multi-class ones a
    softmax layer. ``fit`` spends ``budget`` objective evaluations on climbers that search
    the log-loss plus an L2 penalty, and keeps the climber with the best training accuracy
    (or, with ``early_stopping``, the best validation accuracy). ``result_`` holds the
    whole population.

    Args:
        hidden_layer_sizes: hidden units per layer (an int for one layer).
        activation: hidden transfer (``tanh``, ``sigmoid``, ``relu``, ``identity``, ``step``).
        output: ``"auto"`` (sigmoid or softmax), or ``"step"`` for a binary perceptron.
        algorithm: ``"auto"`` (chosen for the network and budget: see ``search_``) or a
            name from ``jaxclimb.algorithms.REGISTRY``.
        algorithm_params: a dict of that algorithm's own settings (``pop_size``,
            ``schedule``...), passed to it as they are.
        budget: objective evaluations to spend (the first knob): the climbers and their
            steps are derived from it and the network's size (see
            :func:`jaxclimb.algorithms.defaults.plan`) unless ``population_size`` or
            ``max_steps`` say otherwise.
        population_size: how many climbers search side by side (None: derived from
            ``budget``); the one kept is chosen among them.
        max_steps: how many steps each climber takes (None: derived from ``budget``);
            with ``restarts``, the steps of each round.
        step_size: the initial size of a move: the standard deviation of the Gaussian
            noise added to a moved weight (of an ES or SNES search's noise when
            ``algorithm="auto"`` picks one); ``mutate_fraction="auto"`` adapts it.
        mutate_fraction: ``"auto"`` moves about 1% of the weights per step with step sizes
            adapted by the 1/5 rule; a number moves that fraction; None moves every weight.
        max_attempts: stop a climber after this many steps without improvement.
        restarts: mlrose's restarts: ``restarts + 1`` rounds.
        clip_max: clip the weights to ``[-clip_max, clip_max]``.
        objective: ``"auto"`` (log-loss searched, accuracy reported), or a metric to
            search (``"accuracy"``: the tutorial's search).
        alpha: L2 penalty ``0.5 * alpha * sum(w**2) / n_samples`` added to the searched loss
            (not to an accuracy search, which stays the tutorial's).
        init: initial weights: ``glorot`` (fan-in scaled), ``he``, ``uniform``, ``normal``.
        early_stopping: hold out a validation split, check the best validation score
            (accuracy; R² for the regressor) over the climbers after every chunk of steps
            (about 100), stop when it stops improving and keep the weights of the best
            check (as MLPClassifier does).
        validation_fraction: the share of the rows held out when ``early_stopping`` is on
            (stratified by class), in (0, 1).
        n_iter_no_change: how many checks in a row without improvement stop the search.
        tol: the least gain in the validation score that counts as an improvement.
        warm_start: continue from the fitted population (same network) instead of anew.
        max_seconds: stop the search at a chunk boundary after this many seconds.
        batch_size: rows each step scores (as MLPClassifier names it): an int, None (all
            rows), or ``"auto"``: minibatches where rows x weights make full-batch steps
            expensive (``jaxclimb.algorithms.large.minibatch_for``). The chosen
            climber and every reported score are full-data evaluations.
        precision: the search's evaluations: ``"float32"`` (full float32 products on
            every backend), ``"tf32"`` or ``"bfloat16"`` (faster on a GPU; see
            :mod:`jaxclimb.precision`). The chosen climber, the reported scores and the
            predictions are computed in float32 whatever the choice.
        random_state: None, an int or a numpy Generator.
        verbose: 1 shows a progress bar, 2 also logs improvements.

    Attributes:
        coefs_: the chosen climber's weights (a list of ``{"w", "b"}`` layers).
        best_climber_: the index of the chosen climber in ``result_``.
        result_: the whole population's :class:`~jaxclimb.SearchResult`.
        network_: the :class:`~jaxclimb.MLP` searched.
        search_: what was searched and why: the algorithm, its options, the population,
            the steps and the reason for the choice.
        n_iter_: steps run per climber (summed over warm starts).
        loss_curve_: the chosen climber's best searched loss (penalty included) at every
            recorded step; ``fitness_curve_`` is its negation, ``best_loss_`` its minimum.
        validation_scores_: with ``early_stopping``, the best validation accuracy at every
            check; ``best_validation_score_`` is its maximum.
    """

    def fit(self, X, y, sample_weight=None):
        """Train on ``(X, y)``, rows weighted by ``sample_weight``; returns self."""
        X, y = validate_data(self, X, y, multi_output=True, dtype=np.float32)
        self._one_hot = False
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 2:
            if not (np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)):
                raise ValueError("a 2-D y must be one-hot rows (mlrose's format)")
            self._one_hot, self.classes_ = True, np.arange(y.shape[1])
            codes = y.argmax(axis=1)
        else:
            check_classification_targets(y)
            encoder = LabelEncoder().fit(y)
            self.classes_, codes = encoder.classes_, encoder.transform(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"a classifier needs at least 2 classes; got 1 class ({shown(self.classes_[0])})"
            )
        if sample_weight is not None:
            weighted = np.unique(codes[check_weights(sample_weight, X) > 0])
            if len(weighted) < 2:
                raise ValueError("sample_weight leaves rows of one class only; a classifier "
                                 "needs at least 2 classes with positive weight")  # fmt: skip
        task = classification_task(len(self.classes_))
        return self._fit_network(X, codes, task, sample_weight, "accuracy")

    def decision_function(self, X):
        """Logits: ``(n,)`` for two classes, ``(n, n_classes)`` otherwise."""
        z = self._logits(X)
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X):
        """Class probabilities, ``(n, n_classes)``, columns in ``classes_`` order."""
        z = self._logits(X)
        if z.shape[1] == 1:
            if self.network_.output == "step":
                p = (z[:, 0] >= 0).astype(np.float64)
            else:
                p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predicted labels (one-hot rows if ``fit`` was given one-hot rows)."""
        codes = self.predict_proba(X).argmax(axis=1)
        if self._one_hot:
            return np.eye(len(self.classes_), dtype=int)[codes]
        return self.classes_[codes]


def standardisation(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, std)`` of each column of ``Y``, computed on ``Y`` scaled to at most 1 in
    absolute value, so that targets near float64's limits (1e300) do not overflow their
    variance (which would make them look constant)."""
    peak = np.max(np.abs(Y), axis=0)
    peak = np.where(peak > 0, peak, 1.0)
    scaled = Y / peak
    return scaled.mean(axis=0) * peak, scaled.std(axis=0) * peak


class ClimbingRegressor(RegressorMixin, ClimbingBase):
    """A neural-network regressor trained by a population of gradient-free climbers.

    Targets (one or several columns) are standardised inside ``fit`` and predictions
    brought back to their units, so the step size means the same whatever their scale.
    The output layer is linear (``identity``); the searched objective is the MSE plus the
    L2 penalty (``objective="auto"``, or ``"mse"`` / ``"r2"``), and the climber kept is the
    one with the best R². Other arguments and attributes as :class:`ClimbingClassifier`.
    """

    def fit(self, X, y, sample_weight=None):
        """Train on ``(X, y)``, rows weighted by ``sample_weight``; returns self."""
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float32)
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        Y = y[:, None] if self._y_1d else y
        self._y_mean, scale = standardisation(Y)
        self._y_scale = np.where(scale > 0, scale, 1.0)
        Z = ((Y - self._y_mean) / self._y_scale).astype(np.float32)
        if self.objective == "r2" and np.any(scale == 0):
            raise ValueError("objective='r2' is undefined for a constant target")
        task = regression_task(Y.shape[1])
        report = "mse" if np.any(scale == 0) else "r2"  # r2 of a constant target is undefined
        return self._fit_network(X, Z[:, 0] if self._y_1d else Z, task, sample_weight, report)

    def predict(self, X):
        """Predictions in the units of ``y``: ``(n,)`` or ``(n, n_targets)``."""
        out = self._logits(X)
        if self.network_.output != "identity":
            out = np.asarray(TRANSFERS[self.network_.output](out))
        out = out * self._y_scale + self._y_mean
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
