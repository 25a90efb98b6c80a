"""Argument validation shared by the public entry points.

Every check runs on the host, before anything is traced or compiled, and raises a
``ValueError`` or ``TypeError`` whose message names the offending argument.
"""

from __future__ import annotations

import inspect
import numbers
import sys
from collections.abc import Iterable

import numpy as np


def shown(value: object) -> str:
    """``repr(value)`` with NumPy scalars shown as the Python numbers they hold (``1``,
    not ``np.int64(1)``), also inside lists, tuples and dicts: for error messages."""
    return repr(_plain(value))


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if type(value) in (list, tuple):
        return type(value)(_plain(v) for v in value)
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, choices))}; got {shown(value)}"
        )
    return value


def check_int(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int if it is an integer in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {shown(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum:,}; got {value:,}")
    return value


def check_float(
    name: str,
    value: object,
    *,
    positive: bool = False,
    low: float | None = None,
    high: float | None = None,
) -> float:
    """Return ``value`` as a finite float, optionally > 0 and within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {shown(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}; got {value}")
    return value


def as_array(name: str, X: object) -> np.ndarray:
    """``X`` as a NumPy array, converted as scikit-learn's ``check_array`` converts it:
    pandas nullable columns (``Float64``, ``Int64``, ``boolean``) become floats with NaN
    for NA; a SciPy sparse matrix is refused with a TypeError suggesting ``.toarray()``."""
    _refuse_sparse(name, X)
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(X, pandas.DataFrame | pandas.Series):
        dtypes = X.dtypes if isinstance(X, pandas.DataFrame) else [X.dtype]
        nullable = [pandas.api.types.is_extension_array_dtype(d) for d in dtypes]
        numeric = [pandas.api.types.is_numeric_dtype(d) or pandas.api.types.is_bool_dtype(d)
                   for d in dtypes]  # fmt: skip
        if any(nullable) and all(numeric):
            return X.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(X)


def _refuse_sparse(name: str, X: object) -> None:
    sparse = sys.modules.get("scipy.sparse")  # not imported: X cannot be sparse
    if sparse is not None and sparse.issparse(X):
        raise TypeError(
            f"{name} is a SciPy sparse matrix ({type(X).__name__}); jaxclimb needs dense data: "
            f"pass {name}.toarray() (shape {X.shape}, {np.prod(X.shape) * 4 / 2**20:,.0f} MiB "
            "as float32)"
        )


def _column(X: object, index: int) -> str:
    """``column 3``, or ``column 3 ('price')`` for a DataFrame's named column."""
    columns = getattr(X, "columns", None)
    if columns is None or len(columns) <= index or isinstance(columns[index], int | np.integer):
        return f"column {index}"
    return f"column {index} ({shown(columns[index])})"


def check_features(name: str, X: object, dtype=np.float32) -> np.ndarray:
    """Return ``X`` as a 2-D floating NumPy array with at least one row, finite once cast
    to ``dtype`` (the dtype it will be computed in)."""
    _refuse_sparse(name, X)
    try:
        arr = as_array(name, X)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a 2-D numeric array; could not convert: {exc}") from None
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got complex values (dtype {arr.dtype})")
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a 2-D numeric array; got dtype {arr.dtype}")
    if arr.ndim != 2:
        hint = " (reshape a single feature with X.reshape(-1, 1))" if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got shape {arr.shape}{hint}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column; got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)
    with np.errstate(over="ignore"):
        finite = np.isfinite(arr.astype(dtype))
    if not np.all(finite):
        bad = int(np.size(arr) - np.count_nonzero(finite))
        column = int(np.flatnonzero(~finite.all(axis=0))[0])
        beyond = np.all(np.isfinite(arr[:, column]))
        what = f"beyond the range of {np.dtype(dtype).name}" if beyond else "NaN or infinite"
        raise ValueError(
            f"{name} contains {bad} value(s) {what}, first in {_column(X, column)}; clean, impute "
            "or rescale them first"
        )
    return arr


def check_targets(name: str, y: object, n_samples: int) -> np.ndarray:
    """Return ``y`` as a finite numeric NumPy array with ``n_samples`` rows."""
    arr = as_array(name, y)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(
            f"{name} must be numeric (encode string labels as integers, e.g. with "
            f"sklearn.preprocessing.LabelEncoder); got dtype {arr.dtype}"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D; got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} rows but X has {n_samples}; they must match")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def store_params(estimator: object, values: dict) -> None:
    """Set each constructor parameter of a scikit-learn ``estimator`` from ``values`` (its
    ``__init__``'s arguments), unchanged, as scikit-learn expects of ``__init__``."""
    for name in type(estimator)._get_param_names():
        setattr(estimator, name, values[name])


def signature_without(fn, *names: str) -> inspect.Signature:
    """``fn``'s signature less the parameters ``names``."""
    signature = inspect.signature(fn)
    kept = [p for p in signature.parameters.values() if p.name not in names]
    return signature.replace(parameters=kept)
