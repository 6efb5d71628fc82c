"""Segments as rules on a customer table: who is in, and one segment per customer.

A rule is one of

* ``None``: everybody (the mass market);
* a pandas query string, e.g. ``"age >= 25 and income_band == 'high'"``
  (column names with spaces go in backticks; no ``@variable`` references);
* a dict of column -> condition, all of which must hold: a single value
  (equality), a list or set (membership) or a tuple ``(lo, hi)`` (inclusive
  range; ``None`` for an open end).

Examples
--------
>>> import pandas as pd
>>> people = pd.DataFrame({"age": [22, 35, 41], "city": ["A", "A", "B"]})
>>> rule_mask(people, {"city": "A", "age": (30, None)}).tolist()
[False, True, False]
"""

from __future__ import annotations

import io
import keyword
import tokenize
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import require_columns, require_dataframe, require_no_missing, require_positive_int

__all__ = ["Rule", "rule_mask", "rule_columns", "segment_membership", "assign_segments", "size_guard"]

Rule = str | Mapping[str, Any] | None

_QUERY_WORDS = {"and", "or", "not", "in", "is", "True", "False", "None", "true", "false"}


def rule_columns(rule: Rule) -> list[str]:
    """Column names a rule refers to, in order of first use.

    Examples
    --------
    >>> rule_columns("age >= 25 and `income band` == 'high'")
    ['age', 'income band']
    >>> rule_columns({"gender": "F", "age": (18, 30)})
    ['gender', 'age']
    """
    if rule is None:
        return []
    if isinstance(rule, Mapping):
        return [str(k) for k in rule]
    if not isinstance(rule, str):
        raise TypeError(f"rule must be a query string, a dict or None, got {type(rule).__name__}.")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(rule).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise ValueError(f"rule {rule!r} is not a valid query ({exc}).") from None
    names: dict[str, None] = {}
    quoted: list[str] | None = None  # the words of a `backticked name` being read
    prev = None
    for tok in tokens:
        if tok.type == tokenize.ERRORTOKEN and tok.string == "`":
            if quoted is not None:
                names.setdefault(" ".join(quoted))
            quoted = [] if quoted is None else None
        elif quoted is not None:
            if tok.string.strip():
                quoted.append(tok.string)
        elif tok.type == tokenize.NAME and tok.string not in _QUERY_WORDS and not keyword.iskeyword(tok.string):
            if prev is None or prev.string not in ("@", "."):
                names.setdefault(tok.string)
        prev = tok
    return list(names)


def _condition(values: pd.Series, cond: Any, col: str, arg: str) -> np.ndarray:
    """One column's condition of a dict rule: a range (lo, hi), a list or set of values, or one value."""
    if isinstance(cond, tuple):
        if len(cond) != 2:
            raise ValueError(f"{arg}: a range for {col!r} must be (lo, hi), got {cond!r}.")
        if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(values):
            raise TypeError(f"{arg}: a range needs a numeric column, but {col!r} has dtype {values.dtype}.")
        low_ok = values >= cond[0] if cond[0] is not None else True
        high_ok = values <= cond[1] if cond[1] is not None else True
        return (pd.Series(True, index=values.index) & low_ok & high_ok).fillna(False).to_numpy(dtype=bool)
    if isinstance(cond, (list, set, frozenset)):
        return values.isin(list(cond)).to_numpy(dtype=bool)
    return (values == cond).to_numpy(dtype=bool, na_value=False)


def rule_mask(data: pd.DataFrame, rule: Rule, arg: str = "rule") -> pd.Series:
    """Boolean Series: which rows of ``data`` satisfy ``rule`` (errors name the rule as ``arg``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 40], "city": ["A", "B", "A"]})
    >>> rule_mask(df, {"age": (25, None), "city": ["A"]}).tolist()
    [False, False, True]
    >>> rule_mask(df, "age < 35 and city == 'A'").tolist()
    [True, False, False]
    """
    if rule is None:
        return pd.Series(True, index=data.index)
    if isinstance(rule, Mapping):
        mask = np.ones(len(data), dtype=bool)
        for col, cond in rule.items():
            if not isinstance(col, str):
                raise TypeError(f"{arg}: column names must be strings, got {col!r}.")
            require_columns(data, [col], "data")
            mask &= _condition(data[col], cond, col, arg)
        return pd.Series(mask, index=data.index)
    if not isinstance(rule, str):
        raise TypeError(f"{arg} must be a query string, a dict or None, got {type(rule).__name__}.")
    unknown = [c for c in rule_columns(rule) if c not in data.columns]
    if unknown:
        raise ValueError(f"{arg} {rule!r} refers to unknown column(s) {unknown} (data has: {list(data.columns)}).")
    try:
        result = data.eval(rule)
    except Exception as exc:  # pandas raises many kinds here; report them uniformly
        raise ValueError(f"{arg} {rule!r} could not be evaluated: {exc}") from None
    if not isinstance(result, pd.Series) or not pd.api.types.is_bool_dtype(result):
        raise ValueError(f"{arg} {rule!r} must be a condition (True/False per row), e.g. \"age >= 25\".")
    return result.fillna(False).astype(bool)


def segment_membership(data: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.DataFrame:
    """One boolean column per segment (segments may overlap), with ``data``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 40]})
    >>> segment_membership(df, {"young": "age < 35", "over_25": {"age": (25, None)}}).sum().tolist()
    [2, 2]
    """
    require_dataframe(data, "data")
    if not isinstance(rules, Mapping) or not rules:
        raise TypeError("rules must be a non-empty dict of segment name -> rule.")
    for name in rules:
        if not isinstance(name, str):
            raise TypeError(f"segment names must be strings, got {name!r}.")
    return pd.DataFrame({name: rule_mask(data, r, f"rule of segment {name!r}") for name, r in rules.items()},
                        index=data.index)


def assign_segments(
    data: pd.DataFrame,
    rules: Mapping[str, Rule],
    priority: Sequence[str] | None = None,
    default: str = "unassigned",
    column: str = "segment",
) -> pd.DataFrame:
    """Give each row exactly one segment (``rules``: name -> rule), resolving overlaps by priority.

    ``priority`` lists every segment once, highest first (default: the order of ``rules``); rows matching
    no rule get ``default``. Returns a copy of ``data`` with ``column`` (which must not exist yet) and
    ``n_matches`` (how many segments the row qualified for; > 1 means an overlap was resolved).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 40]})
    >>> assign_segments(df, {"young": "age < 35", "over_25": "age > 25"}, priority=["over_25", "young"])["segment"].tolist()
    ['young', 'over_25', 'over_25']
    """
    member = segment_membership(data, rules)
    if not isinstance(column, str):
        raise TypeError(f"column must be a string, got {type(column).__name__}.")
    if column in data.columns:
        raise ValueError(f"data already has a column {column!r}; pass another column= name.")
    if priority is None:
        priority = list(rules)
    elif isinstance(priority, str) or not isinstance(priority, Sequence):
        raise TypeError("priority must be a list of segment names.")
    priority = list(priority)
    if sorted(priority) != sorted(rules) or len(set(priority)) != len(priority):
        raise ValueError(f"priority must list every segment exactly once: expected {sorted(rules)}, got {priority}.")
    labels = np.full(len(data), default, dtype=object)
    for name in reversed(priority):  # higher priority written last, so it wins
        labels[member[name].to_numpy()] = name
    return data.assign(**{column: labels, "n_matches": member.sum(axis=1).astype(np.int64).to_numpy()})


def size_guard(data: pd.DataFrame, segment: str = "segment", min_size: int = 50) -> pd.DataFrame:
    """Flag segments too small to be worth a campaign, or to keep people anonymous.

    Returns one row per value of the ``segment`` column, smallest first:
    ``segment``, ``size``, ``share``, ``too_small`` (size < ``min_size``) and ``message``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"segment": ["a"] * 60 + ["b"] * 3})
    >>> size_guard(df, min_size=50)[["segment", "size", "too_small"]]
      segment  size  too_small
    0       b     3       True
    1       a    60      False
    """
    require_dataframe(data, "data")
    min_size = require_positive_int(min_size, "min_size")
    require_columns(data, [segment], "data")
    require_no_missing(data, [segment], "data")
    sizes = data.groupby(segment, sort=True, observed=True).size()
    out = pd.DataFrame({"segment": sizes.index.to_numpy(), "size": sizes.to_numpy(dtype=np.int64)})
    out = out.sort_values("size", kind="stable").reset_index(drop=True)
    out["share"] = out["size"] / len(data)
    out["too_small"] = out["size"] < min_size
    out["message"] = [f"only {n} people (< {min_size}): too small for a campaign and a privacy risk; merge or widen it"
                      if small else "ok" for n, small in zip(out["size"], out["too_small"])]
    return out
