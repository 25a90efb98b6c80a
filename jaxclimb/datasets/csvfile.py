"""Reading a table of features and one target column from a CSV or TSV file (pandas).

Handled: a byte-order mark, gzip (``.gz``), tab-separated files (``.tsv``). Refused, with
the column or the line numbers named: duplicated column names (one could smuggle a copy of
the target into the features), an unnamed column (a saved pandas index), empty or NaN
target cells, cells that are not numbers.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(path, "w").write("a,b,y\\n1,2,x\\n3,4,z\\n")
    >>> X, y, names = load_csv(path, "y")
    >>> X.tolist(), y.tolist(), names
    ([[1.0, 2.0], [3.0, 4.0]], ['x', 'z'], ['a', 'b'])
"""

from __future__ import annotations

import os
import stat

import numpy as np


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ValueError(
            "reading --data files needs pandas: pip install 'jaxclimb[data]'"
        ) from None
    return pandas


def _readable(path: str) -> str:
    """``path``, or a ValueError saying what it is when it is no file to read."""
    if os.path.isdir(path):
        raise ValueError(f"data file {path!r} is a folder; give the path of a CSV file in it")
    if not os.path.exists(path):
        raise ValueError(f"data file {path!r} does not exist")
    if not os.access(path, os.R_OK):
        raise ValueError(f"data file {path!r} is not readable (permissions)")
    mode = os.stat(path).st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise ValueError(f"data file {path!r} is a device or a socket, not a CSV file")
    return path


def _read(path: str):
    """The header row and the rows below it, read once (a pipe can be read only once)."""
    pd = _pandas()
    sep = "\t" if path.removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    try:
        table = pd.read_csv(path, sep=sep, header=None, encoding="utf-8-sig", dtype=str,
                            keep_default_na=False, skip_blank_lines=True)  # fmt: skip
        header = table.iloc[0].tolist()
        frame = table.iloc[1:].reset_index(drop=True)
    except (pd.errors.EmptyDataError, IndexError):
        raise ValueError(f"data file {path!r} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise ValueError(f"data file {path!r} cannot be read as a table: {exc}") from None
    return [str(h).strip() for h in header], frame


def _check_header(path: str, header: list[str], target: str) -> None:
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise ValueError(f"{path}: column names must be unique; {duplicated} appear twice")
    unnamed = [i + 1 for i, h in enumerate(header) if not h]
    if unnamed:
        raise ValueError(
            f"{path}: column {unnamed[0]} has no name (a saved pandas index? write the file "
            "with index=False, or name the column)"
        )
    if target not in header:
        raise ValueError(f"target column {target!r} is not in {path!r}; columns: {header}")
    if len(header) < 2:
        raise ValueError(f"data file {path!r} has no feature columns besides {target!r}")


def _numbers(path: str, frame, column: str) -> np.ndarray:
    """A feature column as float32, or an error naming the first cell that is no number."""
    text = frame[column].str.strip()
    values = _pandas().to_numeric(text, errors="coerce")
    bad = values.isna() & ~text.str.lower().isin(["nan"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path}: line {row + 2}, column {column!r}: {text.iloc[row]!r} is not "
                         "a number")  # fmt: skip
    numbers = values.to_numpy(np.float64)
    with np.errstate(over="ignore"):
        single = numbers.astype(np.float32)
    infinite = np.flatnonzero(np.isinf(single))
    if infinite.size:
        row = int(infinite[0])
        what = "infinite" if np.isinf(numbers[row]) else "beyond the range of float32"
        raise ValueError(f"{path}: line {row + 2}, column {column!r}: {text.iloc[row]!r} is "
                         f"{what}; features must be finite numbers")  # fmt: skip
    return single


def load_csv(path: str | os.PathLike, target: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV (or TSV, optionally gzipped) with a header row: numeric feature columns
    and one ``target`` column.

    Returns:
        ``X`` (float32), ``y`` (the target column: numbers where every cell is numeric,
        strings otherwise) and the feature names.
    """
    path = _readable(os.fspath(path))
    header, frame = _read(path)
    _check_header(path, header, target)
    frame.columns = header
    if frame.empty:
        raise ValueError(f"data file {path!r} has a header but no rows")
    labels = frame[target].str.strip()
    empty = np.flatnonzero(labels.str.lower().isin(["", "nan", "na", "null"]).to_numpy())
    if empty.size:
        lines = ", ".join(str(i + 2) for i in empty[:5])
        raise ValueError(f"{path}: the target {target!r} is empty or NaN on line(s) {lines}")
    features = [h for h in header if h != target]
    X = np.column_stack([_numbers(path, frame, f) for f in features])
    numeric = _pandas().to_numeric(labels, errors="coerce")
    y = labels.to_numpy(str) if numeric.isna().any() else numeric.to_numpy(np.float64)
    return X, y, features
