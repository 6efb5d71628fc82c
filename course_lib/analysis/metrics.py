"""Campaign metrics: CTR, conversion rate, CPA, ROAS, CPM and friends.

Each ratio takes numbers or arrays and returns a float (for scalars) or a
numpy array. A zero denominator gives ``NaN`` ("not defined": e.g. a CTR with
no impressions), never ``inf`` or an error; :func:`campaign_report` sums
campaign rows per group, computes every metric from the totals and says in a
``note`` column which metrics are undefined on a row and why
(:data:`METRIC_NOTES`).

Terms: *reach* = unique people reached; *impressions* (contacts) = messages
delivered; *frequency* = impressions / reach. Reach is never added across
lines that may reach the same people: :func:`unique_reach` estimates the
people reached by several lines from the customers table.

Examples
--------
>>> ctr(30, 1000), roas(500.0, 0.0)
(0.03, nan)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import require_columns, require_dataframe, require_no_missing, require_non_negative

__all__ = ["ctr", "conversion_rate", "cpa", "roas", "cpm", "cost_per_target", "engagement_rate", "frequency",
           "reach_rate", "unique_reach", "campaign_report", "METRIC_NOTES", "POOLED_REACH_NOTE"]

#: Why each metric can be undefined (used in the ``note`` column).
METRIC_NOTES: dict[str, str] = {
    "ctr": "CTR undefined (no impressions)",
    "conversion_rate": "conversion rate undefined (no clicks)",
    "cpa": "CPA undefined (no conversions)",
    "roas": "ROAS undefined (no spend)",
    "cpm": "CPM undefined (no impressions)",
    "cost_per_target": "cost per target undefined (no reach)",
    "engagement_rate": "engagement rate undefined (no reach)",
    "frequency": "frequency undefined (no reach)",
}

#: The note of a group whose reach cannot be added up (several lines, no customers table given).
POOLED_REACH_NOTE = "reach of several lines unknown (people overlap; pass customers= to estimate it)"


def _as_array(value: Any, arg: str) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{arg} must be a number or an array of numbers, got {type(value).__name__}.")
    arr = np.asarray(value)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{arg} must be a number or an array of numbers, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"{arg} contains missing values (NaN); fill or drop them first.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{arg} contains infinite values.")
    if (arr < 0).any():
        raise ValueError(f"{arg} must not be negative.")
    return arr


def require_aligned(a: Any, b: Any, a_arg: str, b_arg: str) -> None:
    """Refuse two pandas Series whose labels differ: they would be combined by position, not by label."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and not a.index.equals(b.index):
        raise ValueError(f"{a_arg} and {b_arg} are Series with different index labels (or order); they would "
                         f"be combined by position. Align them first, e.g. {b_arg} = {b_arg}.reindex({a_arg}.index).")


def _ratio(num: Any, den: Any, num_arg: str, den_arg: str, scale: float = 1.0, at_most: bool = False) -> Any:
    require_aligned(num, den, num_arg, den_arg)
    n = _as_array(num, num_arg)
    d = _as_array(den, den_arg)
    try:
        n, d = np.broadcast_arrays(n, d)
    except ValueError:
        raise ValueError(f"{num_arg} and {den_arg} must have the same length.") from None
    if at_most and (n > d).any():
        raise ValueError(f"{num_arg} cannot exceed {den_arg} (found {n[n > d].flat[0]:g} {num_arg} "
                         f"with {d[n > d].flat[0]:g} {den_arg}); check the data.")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d > 0, scale * n / np.where(d > 0, d, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def ctr(clicks: Any, impressions: Any) -> Any:
    """Click-through rate: clicks / impressions (NaN when there are no impressions).

    >>> ctr([5, 0], [100, 0]).tolist()
    [0.05, nan]
    """
    return _ratio(clicks, impressions, "clicks", "impressions", at_most=True)


def conversion_rate(conversions: Any, clicks: Any) -> Any:
    """Conversion rate: conversions / clicks (NaN when there are no clicks).

    >>> conversion_rate(3, 60)
    0.05
    """
    return _ratio(conversions, clicks, "conversions", "clicks", at_most=True)


def cpa(spend: Any, conversions: Any) -> Any:
    """Cost per acquisition: spend / conversions (NaN when there are no conversions).

    >>> cpa(200.0, 8)
    25.0
    """
    return _ratio(spend, conversions, "spend", "conversions")


def roas(revenue: Any, spend: Any) -> Any:
    """Return on ad spend: revenue / spend (NaN when nothing was spent).

    >>> roas(1200.0, 300.0)
    4.0
    """
    return _ratio(revenue, spend, "revenue", "spend")


def cpm(spend: Any, impressions: Any) -> Any:
    """Cost per thousand impressions: 1000 * spend / impressions (NaN with no impressions).

    >>> cpm(50.0, 20000)
    2.5
    """
    return _ratio(spend, impressions, "spend", "impressions", scale=1000.0)


def cost_per_target(spend: Any, reach: Any) -> Any:
    """Cost per person reached (targeted): spend / reach (NaN when nobody was reached).

    >>> cost_per_target(900.0, 300)
    3.0
    """
    return _ratio(spend, reach, "spend", "reach")


def engagement_rate(engagements: Any, reach: Any) -> Any:
    """Engagement rate: engagements (likes, shares, replies...) / reach (NaN when reach is 0).

    >>> engagement_rate(45, 1500)
    0.03
    """
    return _ratio(engagements, reach, "engagements", "reach")


def frequency(impressions: Any, reach: Any) -> Any:
    """Average frequency: impressions (contacts) / reach, messages per person reached (NaN when reach is 0).

    >>> frequency(4500, 1500)
    3.0
    """
    return _ratio(impressions, reach, "impressions", "reach")


def reach_rate(reach: Any, audience: Any) -> Any:
    """Share of a segment the campaign reached: reach / audience size (NaN for an empty audience).

    Reach counts *people*, so it cannot exceed the audience: a value above 1
    means reach was summed over lines that reach the same people.

    >>> reach_rate([4578, 0], [6370, 0]).round(3).tolist()
    [0.719, nan]
    """
    return _ratio(reach, audience, "reach", "audience")


def unique_reach(lines: pd.DataFrame, customers: pd.DataFrame, *, rule: str = "audience_rule",
                 channel: str = "channel", reach: str = "reach") -> float:
    """People reached by at least one of ``lines``: an expected value from the customers table.

    Each line could reach the customers its ``rule`` selects (empty: everyone)
    who consented to its ``channel``, and reached ``reach`` of them at random
    (as the course's simulator serves them). A person is missed by every line
    with probability the product of ``1 - reach / reachable`` over the lines
    that could reach them; unique reach is the sum of ``1 -`` that over people.
    Exact when each line reached everyone it could.

    >>> people = pd.DataFrame({"age": [20, 30, 40, 50], "consent_sms": [True] * 4, "consent_ads": [True] * 4})
    >>> two = pd.DataFrame({"audience_rule": ["age < 35", ""], "channel": ["sms", "social_ads"], "reach": [2, 4]})
    >>> unique_reach(two, people)
    4.0
    """
    from course_lib.analysis.consent import channel_requirements  # noqa: PLC0415 (loads the simulator)
    from course_lib.analysis.segmentation import rule_mask  # noqa: PLC0415

    require_dataframe(lines, "lines")
    require_dataframe(customers, "customers")
    require_columns(lines, [rule, channel, reach], "lines")
    needs = channel_requirements()
    missed = np.ones(len(customers))
    for row in lines.itertuples(index=False):
        text, name, served = getattr(row, rule), getattr(row, channel), getattr(row, reach)
        text = None if not isinstance(text, str) or not text.strip() else text
        if name not in needs:
            raise ValueError(f"unknown channel {name!r}; channels are: {', '.join(needs)}.")
        require_columns(customers, [needs[name]], "customers")
        can = rule_mask(customers, text).to_numpy(dtype=bool) & customers[needs[name]].to_numpy(dtype=bool)
        if served > can.sum():
            raise ValueError(f"a {name} line reports reach {served:,} but only {int(can.sum()):,} customers "
                             f"match its rule {text!r} and consented to {name}.")
        missed[can] *= 1.0 - served / can.sum()
    return float((1.0 - missed).sum())


def campaign_report(
    data: pd.DataFrame,
    by: str | Sequence[str] = "segment",
    impressions: str = "impressions",
    clicks: str = "clicks",
    conversions: str = "conversions",
    spend: str = "spend",
    revenue: str = "revenue",
    reach: str | None = "reach",
    engagements: str | None = "engagements",
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum campaign rows per group and compute every metric from the totals.

    Parameters
    ----------
    data : DataFrame
        Campaign rows (one per ad set, day, ...).
    by : str or list of str
        Grouping columns (``"segment"``, ``["segment", "channel"]``); ``[]`` gives one total row.
    impressions, clicks, conversions, spend, revenue : str
        Column names of the counts and money (all >= 0).
    reach, engagements : str or None
        Optional columns, used when present (a name other than the default
        must exist; ``None`` ignores them).
    customers : DataFrame, optional
        The customers table. Reach counts people, so the reach of a group of
        several rows is not their sum: with ``customers`` (and the rows'
        ``audience_rule`` and ``channel``) it is :func:`unique_reach`, without
        it NaN with :data:`POOLED_REACH_NOTE`. A group of one row keeps its reach.

    Returns
    -------
    DataFrame
        One row per group (group columns first, sorted), the summed counts
        (reach: unique people, see ``customers``), ``ctr``,
        ``conversion_rate``, ``cpa``, ``roas``, ``cpm``, with reach
        ``cost_per_target`` and ``frequency`` (and ``engagement_rate``), and
        ``note``: the metrics that are NaN on the row and why.

    Examples
    --------
    >>> rows = pd.DataFrame({"segment": ["a", "a", "b"], "impressions": [1000, 1000, 0],
    ...                      "clicks": [20, 30, 0], "conversions": [2, 3, 0],
    ...                      "spend": [10.0, 15.0, 0.0], "revenue": [40.0, 60.0, 0.0]})
    >>> report = campaign_report(rows)
    >>> report[["segment", "ctr", "roas"]]
      segment    ctr  roas
    0       a  0.025   4.0
    1       b    NaN   NaN
    >>> report.loc[1, "note"].split("; ")[0]
    'CTR undefined (no impressions)'
    """
    require_dataframe(data, "data")
    by = [by] if isinstance(by, str) else by
    if not isinstance(by, Sequence) or not all(isinstance(b, str) for b in by):
        raise TypeError(f"by must be a column name or a list of column names, got {by!r}.")
    for value, default in ((reach, "reach"), (engagements, "engagements")):
        if value not in (None, default):  # a name the caller chose must exist; the default names are optional
            require_columns(data, [value], "data")
    optional = [c for c in (reach, engagements) if c is not None and c in data.columns]
    if engagements in optional and reach not in optional:
        optional.remove(engagements)
    values = [impressions, clicks, conversions, spend, revenue, *optional]
    require_columns(data, [*by, *values], "data")
    require_no_missing(data, [*by, *values], "data")
    require_non_negative(data, values, "data")
    for col in values:
        if not np.isfinite(data[col].to_numpy(dtype=float)).all():
            raise ValueError(f"column {col!r} of data has infinite values; expected finite amounts.")
    for part, whole in ((clicks, impressions), (conversions, clicks)):
        if (bad := data[part] > data[whole]).any():
            raise ValueError(f"column {part!r} of data exceeds {whole!r} on {int(bad.sum())} row(s) "
                             f"(first: row {data.index[bad.to_numpy()][0]!r}); check the data.")
    if by:
        groups = data.groupby(list(by), sort=True, observed=True)
        sums, parts = groups[values].sum().reset_index(), [rows for _, rows in groups]
    else:
        sums, parts = data[values].sum().to_frame().T, [data]
    unknown = np.zeros(len(sums), dtype=bool)
    if reach in optional:  # reach is people: never add it across rows
        sums[reach] = sums[reach].astype("float64")
        for i, rows in enumerate(parts):
            if len(rows) > 1 and customers is None:
                sums.loc[i, reach], unknown[i] = np.nan, True
            elif len(rows) > 1:
                sums.loc[i, reach] = round(unique_reach(rows, customers, reach=reach))
        if customers is not None and (sums[reach] > len(customers)).any():
            raise ValueError(f"reach above the {len(customers):,} customers: check the {reach!r} column.")
    metrics = {"ctr": ctr(sums[clicks], sums[impressions]),
               "conversion_rate": conversion_rate(sums[conversions], sums[clicks]),
               "cpa": cpa(sums[spend], sums[conversions]), "roas": roas(sums[revenue], sums[spend]),
               "cpm": cpm(sums[spend], sums[impressions])}
    if reach in optional:
        people = sums[reach].fillna(0)
        metrics["cost_per_target"] = cost_per_target(sums[spend], people)
        metrics["frequency"] = frequency(sums[impressions], people)
        if engagements in optional:
            metrics["engagement_rate"] = engagement_rate(sums[engagements], people)
    out = sums.assign(**metrics)
    by_reach = ("cost_per_target", "frequency", "engagement_rate")
    out["note"] = ["; ".join([POOLED_REACH_NOTE] * int(unknown[i]) + [
        METRIC_NOTES[name] for name, vals in metrics.items()
        if np.isnan(vals[i]) and not (unknown[i] and name in by_reach)]) for i in range(len(out))]
    return out
