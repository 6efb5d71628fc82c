"""Recency, frequency and monetary value (RFM) per customer.

RFM summarises a transaction log into one row per customer: how long ago
they last bought (recency), how often they bought (frequency) and how much
they spent (monetary value). Scores and named segments built on it drive
loyalty and customer-recovery (win-back) campaigns.

Two conventions are offered by :func:`rfm_table`:

``convention="standard"`` (the marketing textbook definition)
    * ``recency`` -- whole days from the customer's last purchase day to
      ``as_of`` (0 = bought on the ``as_of`` day);
    * ``frequency`` -- number of purchases (transaction rows), so two
      identical purchases on one day count twice;
    * ``monetary`` -- total amount spent (sum of ``amount``).

``convention="lifetimes"`` (the definition of the ``lifetimes`` package,
``summary_data_from_transaction_data(..., freq="D")``, used by BG/NBD and
Gamma-Gamma models)
    * purchases are first summed per customer and calendar day;
    * ``frequency`` -- number of *repeat* purchase days (days with a
      purchase, minus the first one);
    * ``recency`` -- days between the first and the last purchase day
      (0 for one-day customers -- note: the opposite meaning of the standard
      recency);
    * ``T`` -- days from the first purchase day to ``as_of``;
    * ``monetary_value`` -- mean of the repeat-day totals (the first day is
      excluded), 0 when ``frequency`` is 0.

In both conventions times of day are ignored (daily periods), purchases
after ``as_of`` are left out, and ``as_of`` defaults to the last purchase
day in the data. The caller's DataFrame is never modified.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.rfm import rfm_table
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "date": ["2024-01-01", "2024-01-11", "2024-01-05"],
...                    "amount": [10.0, 5.5, 20.0]})
>>> rfm_table(tx, as_of="2024-01-31")  # doctest: +NORMALIZE_WHITESPACE
             recency  frequency  monetary
customer_id
1                 20          2      15.5
2                 26          1      20.0
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import (
    require_choice,
    require_columns,
    require_dataframe,
    require_datetime,
    require_no_missing,
    require_non_negative,
    require_number,
    require_positive_int,
)

__all__ = [
    "SegmentRule",
    "SEGMENT_RULES",
    "rfm_table",
    "rfm_scores",
    "rfm_segments",
    "loyal_customers",
    "relationship_customers",
    "lapsed_customers",
]

CONVENTIONS = ("standard", "lifetimes")


@dataclass(frozen=True)
class SegmentRule:
    """A named RFM segment: a block of recency scores by frequency scores (1-5, inclusive)."""

    name: str
    r_scores: tuple[int, int]
    f_scores: tuple[int, int]
    action: str


#: The segment map used by :func:`rfm_segments`. Together the blocks cover
#: every (R, F) score pair from 1 to 5 exactly once.
SEGMENT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule("champions", (5, 5), (4, 5), "reward them; ask for reviews and referrals"),
    SegmentRule("loyal", (3, 4), (4, 5), "loyalty programme, upsell higher-value products"),
    SegmentRule("potential loyalists", (4, 5), (2, 3), "membership offers, personal recommendations"),
    SegmentRule("new", (5, 5), (1, 1), "onboarding and a good first experience"),
    SegmentRule("promising", (4, 4), (1, 1), "build awareness of the range, free trials"),
    SegmentRule("need attention", (3, 3), (3, 3), "limited-time offers based on past purchases"),
    SegmentRule("about to sleep", (3, 3), (1, 2), "reactivate with popular products and discounts"),
    SegmentRule("at risk", (1, 2), (3, 4), "personalised win-back messages, renewals"),
    SegmentRule("can't lose", (1, 2), (5, 5), "win them back: new products, talk to them"),
    SegmentRule("hibernating", (2, 2), (1, 2), "low-cost reactivation; otherwise let them rest"),
    SegmentRule("lost", (1, 1), (1, 2), "ignore, or one last low-cost recovery attempt"),
)


def _parse_as_of(as_of: Any) -> pd.Timestamp:
    if not isinstance(as_of, (str, datetime.date, np.datetime64)):
        raise TypeError(f"as_of must be a date such as '2024-03-31', got {type(as_of).__name__} ({as_of!r}).")
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"as_of must be a date such as '2024-03-31', got {as_of!r} ({exc}).") from None
    if ts is pd.NaT:
        raise ValueError("as_of must be a date, got a missing value (NaT).")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Calendar day of each date as an integer (days since 1970-01-01), times of day dropped."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert(None)
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def rfm_table(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    as_of: Any = None,
    convention: str = "standard",
) -> pd.DataFrame:
    """One row per customer with recency, frequency and monetary value.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    customer, date, amount : str
        Column names of the customer id, the purchase date (datetimes or
        text such as ``'2024-03-31'``) and the amount spent (>= 0).
    as_of : date-like, optional
        The day the analysis is made (the observation end). Purchases after
        it are ignored. Defaults to the last purchase day in the data. Must
        not be before the first purchase.
    convention : {"standard", "lifetimes"}
        ``"standard"`` returns ``recency`` (days since the last purchase),
        ``frequency`` (number of purchases) and ``monetary`` (total spent).
        ``"lifetimes"`` returns ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` exactly as ``lifetimes``'
        ``summary_data_from_transaction_data(..., freq="D")`` defines them
        (see the module docstring).

    Returns
    -------
    DataFrame
        Indexed by customer (index name = ``customer``), sorted by customer.
        Standard: ``recency`` (int), ``frequency`` (int), ``monetary``
        (float). Lifetimes: ``frequency``, ``recency``, ``T``,
        ``monetary_value`` (all float, as lifetimes returns them).

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, empty, a missing column, missing values in the key
        columns, text amounts, negative amounts, unreadable dates, or an
        ``as_of`` before the first purchase.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                    "date": ["2024-01-01", "2024-01-01", "2024-01-05"],
    ...                    "amount": [10.0, 10.0, 4.0]})
    >>> rfm_table(tx, as_of="2024-01-10")  # doctest: +NORMALIZE_WHITESPACE
                 recency  frequency  monetary
    customer_id
    a                  5          3      24.0
    >>> rfm_table(tx, as_of="2024-01-10", convention="lifetimes")  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value
    customer_id
    a                  1.0      4.0   9.0             4.0
    """
    require_dataframe(transactions, "transactions")
    for name, value in (("customer", customer), ("date", date), ("amount", amount)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a column name (str), got {type(value).__name__} ({value!r}).")
    require_choice(convention, "convention", CONVENTIONS)
    require_columns(transactions, [customer, date, amount], "transactions")
    require_no_missing(transactions, [customer, date, amount], "transactions")
    require_non_negative(transactions, [amount], "transactions")
    dates = require_datetime(transactions, date, "transactions")

    days = _day_numbers(dates)
    amounts = transactions[amount].to_numpy(dtype=np.float64)
    first_day, last_day = days.min(), days.max()
    if as_of is None:
        end = int(last_day)
    else:
        end_ts = _parse_as_of(as_of)
        end = int(end_ts.to_datetime64().astype("datetime64[D]").astype(np.int64))
        if end < first_day:
            first = np.datetime64(int(first_day), "D")
            raise ValueError(
                f"as_of ({end_ts.date()}) is before the first purchase in transactions ({first}); "
                "choose an as_of on or after it."
            )
    keys = transactions[customer]
    if end < last_day:  # purchases after the observation end are ignored
        keep = days <= end
        days, amounts, keys = days[keep], amounts[keep], keys[keep]

    codes, uniques = pd.factorize(keys, sort=True)
    index = pd.Index(uniques, name=customer)
    n = len(uniques)

    if convention == "standard":
        last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last, codes, days)
        frequency = np.bincount(codes, minlength=n).astype(np.int64)
        monetary = np.bincount(codes, weights=amounts, minlength=n)
        return pd.DataFrame(
            {"recency": end - last, "frequency": frequency, "monetary": monetary},
            index=index,
        )

    # lifetimes: sum purchases per customer and day, then drop each customer's first day.
    day0 = int(days.min())
    span = int(days.max()) - day0 + 1
    key = codes.astype(np.int64) * span + (days - day0)
    day_codes, day_keys = pd.factorize(key, sort=True)  # one entry per (customer, day), sorted
    totals = np.bincount(day_codes, weights=amounts, minlength=len(day_keys))
    c = day_keys // span
    d = day_keys % span + day0
    is_first = np.empty(len(c), dtype=bool)
    is_first[0] = True
    is_first[1:] = c[1:] != c[:-1]
    is_last = np.empty(len(c), dtype=bool)
    is_last[-1] = True
    is_last[:-1] = is_first[1:]
    n_days = np.bincount(c, minlength=n)
    first, last = d[is_first], d[is_last]
    repeat_total = np.bincount(c, weights=np.where(is_first, 0.0, totals), minlength=n)
    repeats = n_days - 1
    monetary_value = np.where(repeats > 0, repeat_total / np.maximum(repeats, 1), 0.0)
    return pd.DataFrame(
        {
            "frequency": repeats.astype(float),
            "recency": (last - first).astype(float),
            "T": (end - first).astype(float),
            "monetary_value": monetary_value,
        },
        index=index,
    )


def _check_rfm(rfm: pd.DataFrame, columns: Sequence[str], arg: str = "rfm") -> None:
    require_dataframe(rfm, arg)
    require_no_missing(rfm, columns, arg)
    require_non_negative(rfm, columns, arg)


def rfm_scores(
    rfm: pd.DataFrame,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
    q: int = 5,
) -> pd.DataFrame:
    """Add quantile scores 1..q for recency, frequency and monetary value.

    A higher score is always better: recent buyers (small recency) get a
    high R score. Scores come from percentile ranks with ties averaged, so
    customers with equal values always get equal scores (which is why the
    groups are not exactly equal in size when many values tie, e.g. the
    many one-purchase customers).

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`rfm_table` (standard convention) or any frame with
        the three columns.
    recency, frequency, monetary : str
        Column names.
    q : int
        Number of score levels (5 = quintiles).

    Returns
    -------
    DataFrame
        A copy of ``rfm`` with ``r_score``, ``f_score``, ``m_score`` (ints)
        and ``rfm_score`` (text such as ``"545"``).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 50, 300], "frequency": [9, 3, 1], "monetary": [500.0, 80.0, 10.0]})
    >>> rfm_scores(rfm, q=3)[["r_score", "f_score", "m_score", "rfm_score"]]
       r_score  f_score  m_score rfm_score
    0        3        3        3       333
    1        2        2        2       222
    2        1        1        1       111
    """
    q = require_positive_int(q, "q", minimum=2)
    _check_rfm(rfm, [recency, frequency, monetary])
    out = rfm.copy()

    def score(values: pd.Series) -> np.ndarray:
        pct = values.rank(method="average", pct=True).to_numpy()
        return np.clip(np.ceil(pct * q - 1e-9), 1, q).astype(np.int64)

    out["r_score"] = score(-rfm[recency])
    out["f_score"] = score(rfm[frequency])
    out["m_score"] = score(rfm[monetary])
    out["rfm_score"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    ).astype(object)
    return out


def rfm_segments(
    rfm: pd.DataFrame,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
    rules: Sequence[SegmentRule] = SEGMENT_RULES,
) -> pd.DataFrame:
    """Name each customer's segment from their R and F quintile scores.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`rfm_table` (standard convention), with or without
        scores (scores are computed with :func:`rfm_scores` when absent).
    recency, frequency, monetary : str
        Column names.
    rules : sequence of SegmentRule
        The segment map (default :data:`SEGMENT_RULES`). It must name every
        (R, F) pair from 1 to 5 exactly once.

    Returns
    -------
    DataFrame
        A copy with the score columns plus ``segment`` and ``action`` (a
        suggested campaign for that segment).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 2, 400, 500, 30], "frequency": [20, 15, 1, 1, 4],
    ...                     "monetary": [900.0, 700.0, 15.0, 10.0, 60.0]})
    >>> rfm_segments(rfm)["segment"].tolist()
    ['champions', 'loyal', 'hibernating', 'lost', 'need attention']
    """
    grid = np.zeros((6, 6), dtype=int)
    lookup: dict[tuple[int, int], SegmentRule] = {}
    for rule in rules:
        if not isinstance(rule, SegmentRule):
            raise TypeError(f"rules must hold SegmentRule objects, got {type(rule).__name__}.")
        for r in range(rule.r_scores[0], rule.r_scores[1] + 1):
            for f in range(rule.f_scores[0], rule.f_scores[1] + 1):
                if not (1 <= r <= 5 and 1 <= f <= 5):
                    raise ValueError(f"segment rule {rule.name!r} uses scores outside 1..5.")
                grid[r, f] += 1
                lookup[(r, f)] = rule
    if (grid[1:, 1:] != 1).any():
        bad = [(r, f) for r in range(1, 6) for f in range(1, 6) if grid[r, f] != 1]
        raise ValueError(f"rules must cover every (R, F) score pair exactly once; check {bad[:5]}.")
    if {"r_score", "f_score"}.issubset(rfm.columns if isinstance(rfm, pd.DataFrame) else []):
        require_dataframe(rfm, "rfm")
        out = rfm.copy()
    else:
        out = rfm_scores(rfm, recency, frequency, monetary, q=5)
    names = np.empty((6, 6), dtype=object)
    actions = np.empty((6, 6), dtype=object)
    for (r, f), rule in lookup.items():
        names[r, f], actions[r, f] = rule.name, rule.action
    r_idx = out["r_score"].to_numpy(dtype=np.int64)
    f_idx = out["f_score"].to_numpy(dtype=np.int64)
    if r_idx.min() < 1 or r_idx.max() > 5 or f_idx.min() < 1 or f_idx.max() > 5:
        raise ValueError("r_score and f_score must be quintile scores from 1 to 5.")
    out["segment"] = names[r_idx, f_idx]
    out["action"] = actions[r_idx, f_idx]
    return out


def loyal_customers(
    rfm: pd.DataFrame,
    min_frequency: int = 3,
    max_recency: float = 90,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Select loyal customers: frequent buyers who bought recently.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`rfm_table` (standard convention).
    min_frequency : int
        At least this many purchases.
    max_recency : float
        Last purchase at most this many days before ``as_of``.
    recency, frequency, monetary : str
        Column names.

    Returns
    -------
    DataFrame
        The matching rows (a copy), highest spenders first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 200, 10], "frequency": [6, 8, 1], "monetary": [300.0, 500.0, 20.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> loyal_customers(rfm).index.tolist()
    ['a']
    """
    min_frequency = require_positive_int(min_frequency, "min_frequency")
    max_recency = require_number(max_recency, "max_recency", minimum=0)
    _check_rfm(rfm, [recency, frequency, monetary])
    mask = (rfm[frequency] >= min_frequency) & (rfm[recency] <= max_recency)
    return rfm.loc[mask].sort_values(monetary, ascending=False, kind="stable").copy()


def relationship_customers(
    rfm: pd.DataFrame,
    max_frequency: int = 2,
    max_recency: float = 90,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Select customers to nurture: recent buyers who are not regulars yet.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`rfm_table` (standard convention).
    max_frequency : int
        At most this many purchases so far.
    max_recency : float
        Last purchase at most this many days before the observation date.
    recency, frequency, monetary : str
        Column names.

    Returns
    -------
    DataFrame
        The matching rows (a copy), most recent buyers first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200], "frequency": [1, 6, 1], "monetary": [30.0, 500.0, 20.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> relationship_customers(rfm).index.tolist()
    ['a']
    """
    max_frequency = require_positive_int(max_frequency, "max_frequency")
    max_recency = require_number(max_recency, "max_recency", minimum=0)
    _check_rfm(rfm, [recency, frequency, monetary])
    mask = (rfm[frequency] <= max_frequency) & (rfm[recency] <= max_recency)
    return rfm.loc[mask].sort_values(recency, kind="stable").copy()


def lapsed_customers(
    rfm: pd.DataFrame,
    min_recency: float = 180,
    min_frequency: int = 2,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Select lapsed customers worth a recovery (win-back) campaign.

    These are former repeat buyers (at least ``min_frequency`` purchases)
    who have not bought for at least ``min_recency`` days.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`rfm_table` (standard convention).
    min_recency : float
        Days since the last purchase from which a customer counts as lapsed.
    min_frequency : int
        Minimum number of past purchases (1 includes one-off buyers).
    recency, frequency, monetary : str
        Column names.

    Returns
    -------
    DataFrame
        The matching rows (a copy), highest past spenders first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 200, 400], "frequency": [6, 8, 1], "monetary": [300.0, 500.0, 20.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> lapsed_customers(rfm).index.tolist()
    ['b']
    """
    min_recency = require_number(min_recency, "min_recency", minimum=0)
    min_frequency = require_positive_int(min_frequency, "min_frequency")
    _check_rfm(rfm, [recency, frequency, monetary])
    mask = (rfm[recency] >= min_recency) & (rfm[frequency] >= min_frequency)
    return rfm.loc[mask].sort_values(monetary, ascending=False, kind="stable").copy()
