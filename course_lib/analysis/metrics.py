"""Campaign metrics: CTR, conversion rate, CPA, ROAS, CPM and friends.

Each ratio takes numbers or arrays and returns a float (for scalars) or a
numpy array. A zero denominator gives ``NaN`` ("not defined": e.g. a CTR with
no impressions), never ``inf`` or an error; :func:`campaign_report` sums
campaign rows per group, computes every metric from the totals and says in a
``note`` column which metrics are undefined on a row and why
(:data:`METRIC_NOTES`).

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
           "reach_rate", "campaign_report", "METRIC_NOTES"]

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


def _ratio(num: Any, den: Any, num_arg: str, den_arg: str, scale: float = 1.0) -> Any:
    n = _as_array(num, num_arg)
    d = _as_array(den, den_arg)
    try:
        n, d = np.broadcast_arrays(n, d)
    except ValueError:
        raise ValueError(f"{num_arg} and {den_arg} must have the same length.") from None
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d > 0, scale * n / np.where(d > 0, d, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def ctr(clicks: Any, impressions: Any) -> Any:
    """Click-through rate: clicks / impressions (NaN when there are no impressions).

    >>> ctr([5, 0], [100, 0]).tolist()
    [0.05, nan]
    """
    return _ratio(clicks, impressions, "clicks", "impressions")


def conversion_rate(conversions: Any, clicks: Any) -> Any:
    """Conversion rate: conversions / clicks (NaN when there are no clicks).

    >>> conversion_rate(3, 60)
    0.05
    """
    return _ratio(conversions, clicks, "conversions", "clicks")


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
    """Average frequency: impressions per person reached (NaN when reach is 0).

    >>> frequency(4500, 1500)
    3.0
    """
    return _ratio(impressions, reach, "impressions", "reach")


def reach_rate(reach: Any, audience: Any) -> Any:
    """Share of a segment the campaign reached: reach / audience size (NaN for an empty audience).

    Reach counts *people*, so it cannot exceed the audience of one campaign
    line; a value above 1 means reach was summed over lines that overlap.

    >>> reach_rate([4578, 0], [6370, 0]).round(3).tolist()
    [0.719, nan]
    """
    return _ratio(reach, audience, "reach", "audience")


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
        must exist; ``None`` ignores them). Summed reach counts people
        reached by two rows twice.

    Returns
    -------
    DataFrame
        One row per group (group columns first, sorted), the summed counts,
        ``ctr``, ``conversion_rate``, ``cpa``, ``roas``, ``cpm``, with reach
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
    if by:
        sums = data.groupby(list(by), sort=True, observed=True)[values].sum().reset_index()
    else:
        sums = data[values].sum().to_frame().T
    metrics = {"ctr": ctr(sums[clicks], sums[impressions]),
               "conversion_rate": conversion_rate(sums[conversions], sums[clicks]),
               "cpa": cpa(sums[spend], sums[conversions]), "roas": roas(sums[revenue], sums[spend]),
               "cpm": cpm(sums[spend], sums[impressions])}
    if reach in optional:
        metrics["cost_per_target"] = cost_per_target(sums[spend], sums[reach])
        metrics["frequency"] = frequency(sums[impressions], sums[reach])
        if engagements in optional:
            metrics["engagement_rate"] = engagement_rate(sums[engagements], sums[reach])
    out = sums.assign(**metrics)
    out["note"] = ["; ".join(METRIC_NOTES[name] for name, vals in metrics.items() if np.isnan(vals[i]))
                   for i in range(len(out))]
    return out
