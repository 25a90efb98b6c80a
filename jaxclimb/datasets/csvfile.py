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


def _check_header(path: str, header: list[str], target: str, frame) -> None:
    unnamed = [i + 1 for i, h in enumerate(header) if not h]
    if unnamed:
        raise ValueError(
            f"{path}: column {unnamed[0]} has no name ({_why_unnamed(unnamed[0], header, frame)})"
        )
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise ValueError(f"{path}: column names must be unique; {duplicated} appear twice")
    if target not in header:
        raise ValueError(f"target column {target!r} is not in {path!r}; columns: {header}")
    if len(header) < 2:
        raise ValueError(f"data file {path!r} has no feature columns besides {target!r}")


def _why_unnamed(column: int, header: list[str], frame) -> str:
    """The likely cause of an unnamed column, and the fix."""
    cells = frame.iloc[:, column - 1].str.strip()
    if column == len(header) and (cells == "").all():
        return ("a comma at the end of every line? the last column is empty: remove the "
                "trailing commas")  # fmt: skip
    if column == 1:
        return "a saved pandas index? write the file with index=False, or name the column"
    return "name the column in the header row"


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
    fast = _read_numbers(path, target)
    if fast is not None:
        header, X, labels = fast
        return X, _target_column(path, target, labels), [h for h in header if h != target]
    header, frame = _read(path)
    _check_header(path, header, target, frame)
    frame.columns = header
    if frame.empty:
        raise ValueError(f"data file {path!r} has a header but no rows")
    features = [h for h in header if h != target]
    X = np.column_stack([_numbers(path, frame, f) for f in features])
    return X, _target_column(path, target, frame[target]), features


def _target_column(path: str, target: str, cells) -> np.ndarray:
    """The target's cells as numbers where all are numeric, else as strings; an error
    naming the lines of empty or NaN cells."""
    if cells.dtype.kind == "f":  # read as numbers, none missing
        return cells.to_numpy(np.float64)
    numeric = _pandas().to_numeric(cells, errors="coerce")  # most targets: numbers at once
    if not numeric.isna().any():
        return numeric.to_numpy(np.float64)
    labels = cells.str.strip()
    empty = np.flatnonzero(labels.str.lower().isin(["", "nan", "na", "null"]).to_numpy())
    if empty.size:
        lines = ", ".join(str(i + 2) for i in empty[:5])
        raise ValueError(f"{path}: the target {target!r} is empty or NaN on line(s) {lines}")
    numeric = _pandas().to_numeric(labels, errors="coerce")
    return labels.to_numpy(str) if numeric.isna().any() else numeric.to_numpy(np.float64)


def _read_numbers(path: str, target: str):
    """``(header, X, target cells)`` of a well-formed regular file, its features parsed
    straight into float32 by pandas' C parser (a 1,000,000-row file: tens of MB, not a
    string per cell); None for anything else, which :func:`_read` then reads as text and
    the checks describe (a bad cell, a header to fix, a pipe)."""
    pd = _pandas()
    if not os.path.isfile(path):
        return None
    sep = "\t" if path.removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    text = dict(sep=sep, header=None, encoding="utf-8-sig", keep_default_na=False)
    try:
        header = [str(h).strip() for h in pd.read_csv(path, nrows=1, dtype=str, **text).iloc[0]]
        if len(set(header)) < len(header) or "" in header or target not in header:
            return None
        frame = _typed(path, header, target, np.float64, text)  # a numeric target: no str
        if frame is None or frame[header.index(target)].isna().any():
            frame = _typed(path, header, target, str, text)  # labels (or cells to name)
    except (ValueError, IndexError, OverflowError, pd.errors.ParserError, OSError, EOFError):
        return None
    features = [i for i, h in enumerate(header) if h != target]
    X = frame[features].to_numpy(np.float32)
    if frame.empty or len(header) < 2 or not np.isfinite(X).all():
        return None
    return header, X, frame[header.index(target)]


def _typed(path: str, header: list[str], target: str, kind, text: dict):
    """The rows below the header, features as float32 and the target as ``kind``; None
    when the target's cells are not all of that kind."""
    pd = _pandas()
    columns = {i: (kind if h == target else np.float32) for i, h in enumerate(header)}
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: refused later
            return pd.read_csv(path, skiprows=1, names=list(columns), dtype=columns, **text)
    except ValueError:
        if kind is str:
            raise
        return None
