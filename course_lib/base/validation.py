"""Input checks shared by every public function in course_lib.

Each helper raises ``TypeError`` (wrong kind of object) or ``ValueError``
(right kind, unusable content) with a message that names the argument or
column and says what was expected, so a student never sees a ``KeyError``
from deep inside pandas.

Examples
--------
>>> import pandas as pd
>>> from course_lib.base.validation import require_columns
>>> require_columns(pd.DataFrame({"a": [1]}), ["a"], arg="data")
>>> require_columns(pd.DataFrame({"a": [1]}), ["b"], arg="data")
Traceback (most recent call last):
...
ValueError: data is missing the column 'b' (it has: 'a').
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "require_dataframe",
    "require_columns",
    "require_numeric",
    "require_no_missing",
    "require_non_negative",
    "require_datetime",
    "require_number",
    "require_probability",
    "require_positive_int",
    "require_choice",
]


def _fmt_columns(columns: Iterable[Any], limit: int = 12) -> str:
    cols = [repr(str(c)) for c in columns]
    if len(cols) > limit:
        return ", ".join(cols[:limit]) + f", ... ({len(cols)} columns)"
    return ", ".join(cols) if cols else "no columns"


def require_dataframe(data: Any, arg: str = "data", *, allow_empty: bool = False) -> pd.DataFrame:
    """Check that ``data`` is a non-empty DataFrame and return it.

    Raises ``TypeError`` for any other object and ``ValueError`` for an
    empty frame (unless ``allow_empty``).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{arg} must be a pandas DataFrame, got {type(data).__name__}.")
    if not allow_empty and data.empty:
        raise ValueError(f"{arg} is empty: expected at least one row.")
    return data


def require_columns(data: pd.DataFrame, columns: Iterable[str], arg: str = "data") -> None:
    """Check that every name in ``columns`` is a column of ``data``."""
    for col in columns:
        if not isinstance(col, str):
            raise TypeError(f"column names must be strings, got {col!r} ({type(col).__name__}).")
        if col not in data.columns:
            raise ValueError(f"{arg} is missing the column {col!r} (it has: {_fmt_columns(data.columns)}).")


def require_numeric(data: pd.DataFrame, columns: Iterable[str], arg: str = "data") -> None:
    """Check that the named columns exist and hold numbers (not text or dates)."""
    columns = list(columns)
    require_columns(data, columns, arg)
    for col in columns:
        series = data[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            raise TypeError(f"column {col!r} of {arg} must be numeric, got dtype {series.dtype}.")


def require_no_missing(data: pd.DataFrame, columns: Iterable[str], arg: str = "data") -> None:
    """Check that the named columns contain no missing values (NaN/None/NaT)."""
    columns = list(columns)
    require_columns(data, columns, arg)
    for col in columns:
        n_missing = int(data[col].isna().sum())
        if n_missing:
            raise ValueError(
                f"column {col!r} of {arg} has {n_missing} missing value(s); "
                "drop or fill them first (see the data-cleaning notebook)."
            )


def require_non_negative(data: pd.DataFrame, columns: Iterable[str], arg: str = "data") -> None:
    """Check that the named numeric columns hold no negative values."""
    columns = list(columns)
    require_numeric(data, columns, arg)
    for col in columns:
        n_neg = int((data[col] < 0).sum())
        if n_neg:
            raise ValueError(f"column {col!r} of {arg} has {n_neg} negative value(s); expected amounts >= 0.")


def require_datetime(data: pd.DataFrame, column: str, arg: str = "data") -> pd.Series:
    """Return ``data[column]`` as datetimes, parsing text if needed.

    Raises ``ValueError`` naming the column when values cannot be read as dates.
    The caller's frame is never modified.
    """
    require_columns(data, [column], arg)
    series = data[column]
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series) or values.map(
            lambda v: isinstance(v, (bool, int, float, np.number))).any():
        raise ValueError(f"column {column!r} of {arg} holds numbers where dates are expected; "
                         "give dates such as '2024-03-31'.")
    ambiguous = values.astype(str).str.match(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
    if ambiguous.any():
        example = values[ambiguous].iloc[0]
        raise ValueError(
            f"column {column!r} of {arg} has dates like {example!r} that read differently day-first and month-first; "
            f"parse them first, e.g. pd.to_datetime(df[{column!r}], dayfirst=True) for Indian dates (or "
            "format='%d/%m/%Y'), or write them as '2025-04-03'.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format": we report failures ourselves
            # "mixed": each value parsed on its own, so '2024-01-05' and '2024-01-05 17:30' can share a column
            return pd.to_datetime(series, errors="raise", format="mixed")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {column!r} of {arg} must hold dates, e.g. '2024-03-31' ({exc}).") from None


def require_number(
    value: Any,
    arg: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: bool = True,
) -> float:
    """Check that ``value`` is a finite real number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.integer, np.floating)):
        raise TypeError(f"{arg} must be a number, got {type(value).__name__} ({value!r}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{arg} must be a finite number, got {value!r}.")
    if minimum is not None and (value < minimum or (not inclusive and value == minimum)):
        bound = ">=" if inclusive else ">"
        raise ValueError(f"{arg} must be {bound} {minimum:g}, got {value:g}.")
    if maximum is not None and (value > maximum or (not inclusive and value == maximum)):
        bound = "<=" if inclusive else "<"
        raise ValueError(f"{arg} must be {bound} {maximum:g}, got {value:g}.")
    return value


def require_probability(value: Any, arg: str, *, open_interval: bool = False) -> float:
    """Check that ``value`` is a probability in [0, 1] (or (0, 1) if ``open_interval``)."""
    return require_number(value, arg, minimum=0.0, maximum=1.0, inclusive=not open_interval)


def require_positive_int(value: Any, arg: str, *, minimum: int = 1) -> int:
    """Check that ``value`` is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg} must be a whole number, got {type(value).__name__} ({value!r}).")
    if value < minimum:
        raise ValueError(f"{arg} must be at least {minimum}, got {value}.")
    return int(value)


def require_choice(value: Any, arg: str, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices`` and return it."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"{arg} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}.")
    return value
