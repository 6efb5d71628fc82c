"""Segmentation levels: from the mass market down to micro-segments.

Micromarketing narrows a market step by step -- mass market, segment,
niche, micro (local or individual) -- trading reach for relevance. This
module applies those steps as *rules* on a customer table and reports, for
each level, how many people are still reached, their share of the market,
the expected response and the cost per target.

A rule is one of

* ``None`` -- everybody (the mass market);
* a pandas query string, e.g. ``"age >= 25 and income_band == 'high'"``
  (column names with spaces go in backticks; ``@variable`` references are
  not available here -- put the value in the string, e.g. with an f-string);
* a dict of column -> condition, all of which must hold, where a condition
  is a single value (equality), a list or set (membership) or a tuple
  ``(lo, hi)`` (inclusive range; use ``None`` for an open end).

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.segmentation import narrow_market
>>> people = pd.DataFrame({"age": [22, 35, 41, 29], "city": ["A", "A", "B", "A"]})
>>> narrow_market(people, [
...     {"name": "mass", "rule": None, "response_rate": 0.01, "cost_per_target": 0.5},
...     {"name": "segment", "rule": {"city": "A"}, "response_rate": 0.03, "cost_per_target": 1.0},
... ])[["level", "reach", "share_of_market", "expected_responses"]]
     level  reach  share_of_market  expected_responses
0     mass      4             1.00                0.04
1  segment      3             0.75                0.09
"""

from __future__ import annotations

import io
import keyword
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_number,
    require_numeric,
    require_positive_int,
)

__all__ = [
    "Level",
    "rule_mask",
    "rule_columns",
    "narrow_market",
    "plot_funnel",
    "segment_membership",
    "assign_segments",
    "size_guard",
]

Rule = str | Mapping[str, Any] | None

_QUERY_WORDS = {"and", "or", "not", "in", "is", "True", "False", "None", "true", "false"}


@dataclass(frozen=True)
class Level:
    """One step of :func:`narrow_market`.

    Attributes
    ----------
    name : str
        Label, e.g. ``"niche"``.
    rule : str, dict or None
        Who is kept at this step (applied on top of the previous steps).
    response_rate : float or None
        Expected share of targets who respond; ``None`` to use the mean of
        the ``response`` column over the people reached.
    cost_per_target : float
        Cost of contacting one person at this level (>= 0).
    """

    name: str
    rule: Rule = None
    response_rate: float | None = None
    cost_per_target: float = 0.0


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
    names: list[str] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(rule).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise ValueError(f"rule {rule!r} is not a valid query ({exc}).") from None
    in_backtick = False
    buf: list[str] = []
    prev = None
    for tok in tokens:
        if tok.type == tokenize.ERRORTOKEN and tok.string == "`":
            if in_backtick:
                names.append(" ".join(buf))
                buf = []
            in_backtick = not in_backtick
        elif in_backtick:
            if tok.string.strip():
                buf.append(tok.string)
        elif tok.type == tokenize.NAME and tok.string not in _QUERY_WORDS and not keyword.iskeyword(tok.string):
            if prev is None or prev.string not in ("@", "."):
                names.append(tok.string)
        prev = tok
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n, None)
    return list(seen)


def rule_mask(data: pd.DataFrame, rule: Rule, arg: str = "rule") -> pd.Series:
    """Boolean Series: which rows of ``data`` satisfy ``rule``.

    Raises ``ValueError`` naming the rule when it refers to an unknown
    column or cannot be evaluated, and ``TypeError`` for a rule of the
    wrong kind.

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
            values = data[col]
            if isinstance(cond, tuple):
                if len(cond) != 2:
                    raise ValueError(f"{arg}: a range for {col!r} must be (lo, hi), got {cond!r}.")
                lo, hi = cond
                if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(values):
                    raise TypeError(f"{arg}: a range needs a numeric column, but {col!r} has dtype {values.dtype}.")
                part = np.ones(len(data), dtype=bool)
                if lo is not None:
                    part &= (values >= lo).to_numpy(dtype=bool, na_value=False)
                if hi is not None:
                    part &= (values <= hi).to_numpy(dtype=bool, na_value=False)
            elif isinstance(cond, (list, set, frozenset)):
                part = values.isin(list(cond)).to_numpy(dtype=bool)
            else:
                part = (values == cond).to_numpy(dtype=bool, na_value=False)
            mask &= part
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


def _as_level(spec: Any, i: int) -> Level:
    if isinstance(spec, Level):
        return spec
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"name", "rule", "response_rate", "cost_per_target"}
        if unknown:
            raise ValueError(f"levels[{i}] has unknown key(s) {sorted(unknown)}.")
        if "name" not in spec:
            raise ValueError(f"levels[{i}] needs a 'name'.")
        return Level(**spec)
    raise TypeError(f"levels[{i}] must be a Level or a dict, got {type(spec).__name__}.")


def narrow_market(
    data: pd.DataFrame,
    levels: Sequence[Level | Mapping[str, Any]],
    response: str | None = None,
    value_per_response: float | None = None,
) -> pd.DataFrame:
    """Narrow a market level by level and report reach, response and cost.

    Each level's rule is applied on top of all previous ones, so the levels
    are nested (mass ⊇ segment ⊇ niche ⊇ micro).

    Parameters
    ----------
    data : DataFrame
        The whole market, one row per person.
    levels : sequence of Level or dict
        Steps from widest to narrowest; dicts take the keys of :class:`Level`.
    response : str, optional
        Column with each person's response probability (or 0/1 past
        response); used for levels whose ``response_rate`` is None.
    value_per_response : float, optional
        Value of one response (e.g. margin per sale); adds
        ``expected_value`` and ``expected_profit``.

    Returns
    -------
    DataFrame
        One row per level: ``level``, ``rule`` (as text), ``reach``,
        ``share_of_market``, ``share_of_previous``, ``response_rate``,
        ``expected_responses``, ``cost_per_target``, ``total_cost``,
        ``cost_per_response`` (NaN when no response is expected) and,
        with ``value_per_response``, ``expected_value`` and
        ``expected_profit``.

    Examples
    --------
    See the module docstring.
    """
    require_dataframe(data, "data")
    if isinstance(levels, (str, Mapping)) or not isinstance(levels, Sequence) or not levels:
        raise TypeError("levels must be a non-empty list of Level objects or dicts.")
    specs = [_as_level(s, i) for i, s in enumerate(levels)]
    if response is not None:
        require_numeric(data, [response], "data")
        require_no_missing(data, [response], "data")
        if ((data[response] < 0) | (data[response] > 1)).any():
            raise ValueError(f"column {response!r} of data must hold probabilities between 0 and 1.")
    if value_per_response is not None:
        value_per_response = require_number(value_per_response, "value_per_response", minimum=0)
    mask = pd.Series(True, index=data.index)
    rows = []
    previous = len(data)
    for spec in specs:
        mask = mask & rule_mask(data, spec.rule, f"rule of level {spec.name!r}")
        reach = int(mask.sum())
        cost = require_number(spec.cost_per_target, f"cost_per_target of level {spec.name!r}", minimum=0)
        if spec.response_rate is not None:
            rate = require_number(spec.response_rate, f"response_rate of level {spec.name!r}", minimum=0, maximum=1)
        elif response is not None:
            rate = float(data.loc[mask, response].mean()) if reach else float("nan")
        else:
            raise ValueError(f"level {spec.name!r} has no response_rate; give one or pass response=<column>.")
        expected = reach * rate if reach else 0.0
        total_cost = reach * cost
        row = {
            "level": spec.name,
            "rule": "everyone" if spec.rule is None else str(spec.rule),
            "reach": reach,
            "share_of_market": reach / len(data),
            "share_of_previous": reach / previous if previous else float("nan"),
            "response_rate": rate,
            "expected_responses": expected,
            "cost_per_target": cost,
            "total_cost": total_cost,
            "cost_per_response": total_cost / expected if expected > 0 else float("nan"),
        }
        if value_per_response is not None:
            row["expected_value"] = expected * value_per_response
            row["expected_profit"] = expected * value_per_response - total_cost
        rows.append(row)
        previous = reach
    return pd.DataFrame(rows)


def plot_funnel(
    table: pd.DataFrame,
    value: str = "reach",
    label: str = "level",
    ax: Any = None,
) -> Any:
    """Draw the narrowing as a centred pyramid (widest level on top).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`narrow_market` (or any frame with a label and a value column).
    value, label : str
        Columns for bar widths and bar labels.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> ax = plot_funnel(pd.DataFrame({"level": ["mass", "micro"], "reach": [1000, 40]}))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['mass', 'micro']
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (keep importing the module fast)

    require_dataframe(table, "table")
    require_numeric(table, [value], "table")
    require_columns(table, [label], "table")
    require_no_missing(table, [value, label], "table")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.6 * len(table) + 1))
    widths = table[value].to_numpy(dtype=float)
    top = widths.max() if len(widths) and widths.max() > 0 else 1.0
    y = np.arange(len(table))
    colors = plt.get_cmap("Blues")(np.linspace(0.35, 0.85, len(table)))
    ax.barh(y, widths, left=-widths / 2, color=colors, edgecolor="white")
    for yi, w in zip(y, widths):
        ax.text(0, yi, f"{w:,.0f} ({w / top:.0%})", ha="center", va="center", fontsize=9)
    ax.set_yticks(y, labels=[str(v) for v in table[label]])
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_xlim(-top / 2 * 1.05, top / 2 * 1.05)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"From mass market to micro-segment ({value})")
    return ax


def _check_rules(rules: Any) -> Mapping[str, Rule]:
    if not isinstance(rules, Mapping) or not rules:
        raise TypeError("rules must be a non-empty dict of segment name -> rule.")
    for name in rules:
        if not isinstance(name, str):
            raise TypeError(f"segment names must be strings, got {name!r}.")
    return rules


def segment_membership(data: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.DataFrame:
    """Which rows belong to which segment (segments may overlap).

    Returns
    -------
    DataFrame
        Same index as ``data``, one boolean column per segment.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 40]})
    >>> segment_membership(df, {"young": "age < 35", "over_25": {"age": (25, None)}}).sum().tolist()
    [2, 2]
    """
    require_dataframe(data, "data")
    rules = _check_rules(rules)
    return pd.DataFrame({name: rule_mask(data, r, f"rule of segment {name!r}") for name, r in rules.items()},
                        index=data.index)


def assign_segments(
    data: pd.DataFrame,
    rules: Mapping[str, Rule],
    priority: Sequence[str] | None = None,
    default: str = "unassigned",
    column: str = "segment",
) -> pd.DataFrame:
    """Give each row exactly one segment, resolving overlaps by priority.

    Parameters
    ----------
    data : DataFrame
        Customers.
    rules : dict
        Segment name -> rule. Segments may overlap.
    priority : list of str, optional
        Segment names from highest to lowest priority; a row matching
        several segments goes to the highest. Defaults to the order of
        ``rules``. Must name every segment exactly once.
    default : str
        Segment of rows matching no rule.
    column : str
        Name of the new column (must not already exist).

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``column`` and ``n_matches`` (how many
        segments the row qualified for; > 1 means an overlap was resolved).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 40]})
    >>> rules = {"young": "age < 35", "over_25": "age > 25"}
    >>> assign_segments(df, rules, priority=["over_25", "young"])["segment"].tolist()
    ['young', 'over_25', 'over_25']
    """
    require_dataframe(data, "data")
    rules = _check_rules(rules)
    if not isinstance(column, str):
        raise TypeError(f"column must be a string, got {type(column).__name__}.")
    if column in data.columns:
        raise ValueError(f"data already has a column {column!r}; pass another column= name.")
    if priority is None:
        priority = list(rules)
    else:
        if isinstance(priority, str) or not isinstance(priority, Sequence):
            raise TypeError("priority must be a list of segment names.")
        priority = list(priority)
        if sorted(priority) != sorted(rules) or len(set(priority)) != len(priority):
            raise ValueError(
                f"priority must list every segment exactly once: expected {sorted(rules)}, got {priority}."
            )
    member = segment_membership(data, rules)
    labels = np.full(len(data), default, dtype=object)
    for name in reversed(priority):  # higher priority written last, so it wins
        labels[member[name].to_numpy()] = name
    return data.assign(**{column: labels, "n_matches": member.sum(axis=1).astype(np.int64).to_numpy()})


def size_guard(
    data: pd.DataFrame,
    segment: str = "segment",
    min_size: int = 50,
) -> pd.DataFrame:
    """Flag segments too small to be worth a campaign, or to keep people anonymous.

    Parameters
    ----------
    data : DataFrame
        One row per customer with a segment column (e.g. from :func:`assign_segments`).
    segment : str
        Segment column.
    min_size : int
        Smallest acceptable segment.

    Returns
    -------
    DataFrame
        ``segment``, ``size``, ``share``, ``too_small`` and ``message``;
        smallest segments first.

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
    out["message"] = [
        f"only {n} people (< {min_size}): too small for a campaign and a privacy risk; merge or widen it"
        if small
        else "ok"
        for n, small in zip(out["size"], out["too_small"])
    ]
    return out
