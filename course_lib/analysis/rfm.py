"""Recency, frequency and monetary value (RFM) per customer, its scores and named segments.

Chapter 05 builds the RFM table with a plain pandas ``groupby`` first; :func:`rfm_table`
is the same computation with input checks and a second convention:

``convention="standard"`` (the marketing textbook)
    ``recency``: whole days from the last purchase day to ``as_of``;
    ``frequency``: number of purchases (rows, so identical purchases count);
    ``monetary``: total amount spent.
``convention="lifetimes"`` (``lifetimes.utils.summary_data_from_transaction_data(freq="D")``)
    purchases are summed per customer and day; ``frequency``: repeat purchase
    days; ``recency``: days from the first to the last purchase day; ``T``:
    days from the first purchase day to ``as_of``; ``monetary_value``: mean of
    the repeat days' totals (0 without a repeat day).

Times of day are ignored, purchases after ``as_of`` are left out, ``as_of``
defaults to the last purchase day, and the caller's frame is never modified.

Examples
--------
>>> import pandas as pd
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
import re
from collections.abc import Callable, Sequence
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

__all__ = ["SegmentRule", "SEGMENT_RULES", "purchase_days", "rfm_table", "rfm_scores", "rfm_segments",
           "loyal_customers", "relationship_customers", "lapsed_customers"]


@dataclass(frozen=True)
class SegmentRule:
    """A named RFM segment: a block of R scores by F scores (1-5, inclusive) and its suggested action."""

    name: str
    r_scores: tuple[int, int]
    f_scores: tuple[int, int]
    action: str


#: The segment map of :func:`rfm_segments`; the blocks cover every (R, F) pair once.
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


_AMBIGUOUS_DATE = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")


def _refuse_ambiguous(text: str, what: str, how: str) -> None:
    """Refuse '03/04/2025'-style text: day and month order cannot be told (pandas reads it month first)."""
    if _AMBIGUOUS_DATE.match(text):
        raise ValueError(f"{what} has a date {text!r} whose day/month order is ambiguous; write it as "
                         f"year-month-day (e.g. '2025-04-03') or {how}")


def _check_date_column(transactions: pd.DataFrame, date: str) -> None:
    """Refuse numbers and ambiguous day/month text in a date column (never read one column two ways)."""
    col = transactions[date] if date in transactions.columns else None
    if col is None or pd.api.types.is_datetime64_any_dtype(col):
        return
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        raise TypeError(f"column {date!r} of transactions holds numbers (dtype {col.dtype}), not dates; "
                        f"give dates such as '2024-03-31' or convert with pd.to_datetime first.")
    for value in col.dropna():
        if not isinstance(value, (str, datetime.date, np.datetime64)):
            raise TypeError(f"column {date!r} of transactions holds {type(value).__name__} ({value!r}) where a "
                            f"date is expected; give dates such as '2024-03-31'.")
        if isinstance(value, str):
            _refuse_ambiguous(value, f"column {date!r} of transactions",
                              f"parse the column first: pd.to_datetime(transactions[{date!r}], dayfirst=True) "
                              f"for day-first (Indian) dates, or pass format='%d/%m/%Y'.")


def purchase_days(transactions: pd.DataFrame, date: str = "date", as_of: Any = None) -> tuple[pd.Series, pd.Timestamp]:
    """The calendar day of every purchase and the observation day (``as_of``, default the last day).

    Raises ``TypeError``/``ValueError`` for unreadable dates or an ``as_of``
    before the first purchase. Keep the rows with ``days <= as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> days, end = purchase_days(pd.DataFrame({"date": ["2024-01-01 10:00", "2024-01-05"]}))
    >>> days.dt.day.tolist(), str(end.date())
    ([1, 5], '2024-01-05')
    """
    require_dataframe(transactions, "transactions")
    _check_date_column(transactions, date)
    days = require_datetime(transactions, date, "transactions")
    if isinstance(days.dtype, pd.DatetimeTZDtype):
        days = days.dt.tz_convert(None)
    days = days.dt.normalize()
    if as_of is None:
        return days, days.max()
    if not isinstance(as_of, (str, datetime.date, np.datetime64)):
        raise TypeError(f"as_of must be a date such as '2024-03-31', got {type(as_of).__name__} ({as_of!r}).")
    if isinstance(as_of, str):
        _refuse_ambiguous(as_of, "as_of", f"pass pd.to_datetime({as_of!r}, dayfirst=True) for a day-first date.")
    try:
        end = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"as_of must be a date such as '2024-03-31', got {as_of!r} ({exc}).") from None
    if end is pd.NaT:
        raise ValueError("as_of must be a date, got a missing value (NaT).")
    end = (end.tz_convert(None) if end.tzinfo is not None else end).normalize()
    if end < days.min():
        raise ValueError(f"as_of ({end.date()}) is before the first purchase in transactions "
                         f"({days.min().date()}); choose an as_of on or after it.")
    return days, end


def rfm_table(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
              amount: str = "amount", as_of: Any = None, convention: str = "standard") -> pd.DataFrame:
    """One row per customer (sorted by id) with recency, frequency and monetary value.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase; ``customer``, ``date`` (datetimes or text) and
        ``amount`` (>= 0) name its columns.
    as_of : date-like, optional
        The observation day; later purchases are ignored. Default: the last purchase day.
    convention : {"standard", "lifetimes"}
        Standard: ``recency``, ``frequency`` (int) and ``monetary`` (float).
        Lifetimes: ``frequency``, ``recency``, ``T``, ``monetary_value`` (float),
        as the ``lifetimes`` package defines them (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"], "date": ["2024-01-01", "2024-01-01", "2024-01-05"],
    ...                    "amount": [10.0, 10.0, 4.0]})
    >>> rfm_table(tx, as_of="2024-01-10")  # doctest: +NORMALIZE_WHITESPACE
                 recency  frequency  monetary
    customer_id
    a                  5          3      24.0
    >>> rfm_table(tx, as_of="2024-01-10", convention="lifetimes")  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency    T  monetary_value
    customer_id
    a                  1.0      4.0  9.0             4.0
    """
    require_dataframe(transactions, "transactions")
    for name, value in (("customer", customer), ("date", date), ("amount", amount)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a column name (str), got {type(value).__name__} ({value!r}).")
    require_choice(convention, "convention", ("standard", "lifetimes"))
    require_columns(transactions, [customer, date, amount], "transactions")
    require_no_missing(transactions, [customer, date, amount], "transactions")
    require_non_negative(transactions, [amount], "transactions")
    days, end = purchase_days(transactions, date, as_of)
    keep = (days <= end).to_numpy()
    rows = pd.DataFrame({"customer": transactions[customer], "day": days,
                         "amount": transactions[amount].astype(float)})[keep].reset_index(drop=True)
    if convention == "standard":
        per_customer = rows.groupby("customer", sort=True)
        out = pd.DataFrame({"recency": (end - per_customer["day"].max()).dt.days,
                            "frequency": per_customer.size(), "monetary": per_customer["amount"].sum()})
    else:
        daily = rows.groupby(["customer", "day"], sort=True)["amount"].sum().reset_index()
        repeat = daily.groupby("customer").cumcount() > 0  # every purchase day after the first
        per = daily.groupby("customer", sort=True).agg(first=("day", "min"), last=("day", "max"))
        out = pd.DataFrame({
            "frequency": repeat.groupby(daily["customer"]).sum().astype(float),
            "recency": (per["last"] - per["first"]).dt.days.astype(float),
            "T": (end - per["first"]).dt.days.astype(float),
            "monetary_value": daily[repeat].groupby("customer")["amount"].mean().reindex(per.index, fill_value=0.0),
        })
    out.index.name = customer
    return out


def _check_rfm(rfm: pd.DataFrame, columns: Sequence[str]) -> None:
    require_dataframe(rfm, "rfm")
    require_no_missing(rfm, columns, "rfm")
    require_non_negative(rfm, columns, "rfm")


def rfm_scores(rfm: pd.DataFrame, recency: str = "recency", frequency: str = "frequency",
               monetary: str = "monetary", q: int = 5) -> pd.DataFrame:
    """A copy of ``rfm`` with quantile scores 1..q (``r_score``, ``f_score``, ``m_score``, text ``rfm_score``).

    Higher is always better (recent buyers get a high R). Scores come from
    percentile ranks with ties averaged, so equal values get equal scores.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 50, 300], "frequency": [9, 3, 1], "monetary": [500.0, 80.0, 10.0]})
    >>> rfm_scores(rfm, q=3)["rfm_score"].tolist()
    ['333', '222', '111']
    """
    q = require_positive_int(q, "q", minimum=2)
    _check_rfm(rfm, [recency, frequency, monetary])
    out = rfm.copy()
    for name, values in (("r_score", -rfm[recency]), ("f_score", rfm[frequency]), ("m_score", rfm[monetary])):
        pct = values.rank(method="average", pct=True).to_numpy()
        out[name] = np.clip(np.ceil(pct * q - 1e-9), 1, q).astype(np.int64)
    out["rfm_score"] = (out["r_score"].astype(str) + out["f_score"].astype(str)
                        + out["m_score"].astype(str)).astype(object)
    return out


def rfm_segments(rfm: pd.DataFrame, recency: str = "recency", frequency: str = "frequency",
                 monetary: str = "monetary", rules: Sequence[SegmentRule] = SEGMENT_RULES) -> pd.DataFrame:
    """A copy of ``rfm`` with its quintile scores (computed when absent), ``segment`` and ``action``.

    ``rules`` must name every (R, F) score pair from 1 to 5 exactly once.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 2, 400, 500, 30], "frequency": [20, 15, 1, 1, 4],
    ...                     "monetary": [900.0, 700.0, 15.0, 10.0, 60.0]})
    >>> rfm_segments(rfm)["segment"].tolist()
    ['champions', 'loyal', 'hibernating', 'lost', 'need attention']
    """
    lookup: dict[tuple[int, int], list[SegmentRule]] = {(r, f): [] for r in range(1, 6) for f in range(1, 6)}
    for rule in rules:
        if not isinstance(rule, SegmentRule):
            raise TypeError(f"rules must hold SegmentRule objects, got {type(rule).__name__}.")
        for r in range(rule.r_scores[0], rule.r_scores[1] + 1):
            for f in range(rule.f_scores[0], rule.f_scores[1] + 1):
                if (r, f) not in lookup:
                    raise ValueError(f"segment rule {rule.name!r} uses scores outside 1..5.")
                lookup[(r, f)].append(rule)
    bad = [cell for cell, found in lookup.items() if len(found) != 1]
    if bad:
        raise ValueError(f"rules must cover every (R, F) score pair exactly once; check {bad[:5]}.")
    require_dataframe(rfm, "rfm")
    has_scores = {"r_score", "f_score"}.issubset(rfm.columns)
    out = rfm.copy() if has_scores else rfm_scores(rfm, recency, frequency, monetary)
    cells = list(zip(out["r_score"].astype(int), out["f_score"].astype(int), strict=True))
    if any(cell not in lookup for cell in cells):
        raise ValueError("r_score and f_score must be quintile scores from 1 to 5.")
    out["segment"] = [lookup[cell][0].name for cell in cells]
    out["action"] = [lookup[cell][0].action for cell in cells]
    return out


def _select(rfm: pd.DataFrame, mask: Callable[[pd.DataFrame], pd.Series], by: str, ascending: bool,
            columns: list[str]) -> pd.DataFrame:
    _check_rfm(rfm, columns)
    return rfm.loc[mask(rfm)].sort_values(by, ascending=ascending, kind="stable").copy()


def loyal_customers(rfm: pd.DataFrame, min_frequency: int = 3, max_recency: float = 90, recency: str = "recency",
                    frequency: str = "frequency", monetary: str = "monetary") -> pd.DataFrame:
    """Frequent, recent buyers (>= ``min_frequency`` purchases, recency <= ``max_recency``), top spenders first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 200, 10], "frequency": [6, 8, 1], "monetary": [300.0, 500.0, 20.0]},
    ...                    index=["a", "b", "c"])
    >>> loyal_customers(rfm).index.tolist()
    ['a']
    """
    min_frequency = require_positive_int(min_frequency, "min_frequency")
    max_recency = require_number(max_recency, "max_recency", minimum=0)
    return _select(rfm, lambda d: (d[frequency] >= min_frequency) & (d[recency] <= max_recency),
                   monetary, False, [recency, frequency, monetary])


def relationship_customers(rfm: pd.DataFrame, max_frequency: int = 2, max_recency: float = 90,
                           recency: str = "recency", frequency: str = "frequency",
                           monetary: str = "monetary") -> pd.DataFrame:
    """Recent buyers who are not regulars yet (<= ``max_frequency`` purchases), most recent first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 40, 200], "frequency": [1, 6, 1], "monetary": [30.0, 500.0, 20.0]},
    ...                    index=["a", "b", "c"])
    >>> relationship_customers(rfm).index.tolist()
    ['a']
    """
    max_frequency = require_positive_int(max_frequency, "max_frequency")
    max_recency = require_number(max_recency, "max_recency", minimum=0)
    return _select(rfm, lambda d: (d[frequency] <= max_frequency) & (d[recency] <= max_recency),
                   recency, True, [recency, frequency, monetary])


def lapsed_customers(rfm: pd.DataFrame, min_recency: float = 180, min_frequency: int = 2, recency: str = "recency",
                     frequency: str = "frequency", monetary: str = "monetary") -> pd.DataFrame:
    """Lapsed repeat buyers (>= ``min_frequency`` purchases, recency >= ``min_recency``), top spenders first.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 200, 400], "frequency": [6, 8, 1], "monetary": [300.0, 500.0, 20.0]},
    ...                    index=["a", "b", "c"])
    >>> lapsed_customers(rfm).index.tolist()
    ['b']
    """
    min_recency = require_number(min_recency, "min_recency", minimum=0)
    min_frequency = require_positive_int(min_frequency, "min_frequency")
    return _select(rfm, lambda d: (d[recency] >= min_recency) & (d[frequency] >= min_frequency),
                   monetary, False, [recency, frequency, monetary])
