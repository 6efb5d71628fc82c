"""Per-customer behaviour features built from a purchase log (chapters 06 and 16).

:func:`customer_features` gives one row per customer: ``orders``,
``total_spend``, ``avg_order_value``, ``recency_days`` (the RFM numbers),
``discount_share`` (share of purchases with a discount), ``channel_<channel>``
(share of purchases per channel) and ``share_<category>`` (share of spend per
category). Shares do not depend on how much a customer spends, so light and
heavy buyers with the same mix look alike; ``orders`` and ``avg_order_value``
carry the volume. :func:`feature_columns` picks groups of these columns.

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-09", "2024-01-05"],
...                    "amount": [300.0, 100.0, 50.0], "category": ["books", "food", "food"],
...                    "channel": ["app", "store", "store"], "discount_used": [True, False, False]})
>>> customer_features(tx).T  # one column per customer, to fit the page
customer_id           a     b
orders             2.00   1.0
total_spend      400.00  50.0
avg_order_value  200.00  50.0
recency_days       0.00   4.0
discount_share     0.50   0.0
channel_app        0.50   0.0
channel_store      0.50   1.0
share_books        0.75   0.0
share_food         0.25   1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.rfm import purchase_days, rfm_table
from course_lib.base.validation import require_columns, require_dataframe, require_no_missing

__all__ = ["FEATURE_GROUPS", "customer_features", "feature_columns"]

#: The groups of columns :func:`customer_features` returns.
FEATURE_GROUPS: dict[str, str] = {
    "volume": "orders, total_spend, avg_order_value, recency_days",
    "discount": "discount_share",
    "channel": "channel_<channel> (share of purchases per channel)",
    "category": "share_<category> (share of spend per category)",
}


def _shares(customers: pd.Series, levels: pd.Series, weights: pd.Series, index: pd.Index) -> pd.DataFrame:
    """Each level's share of a customer's ``weights`` (all levels of a categorical, else sorted); 0 when nothing."""
    if not isinstance(levels.dtype, pd.CategoricalDtype):
        levels = pd.Categorical(levels, categories=sorted(pd.unique(levels).tolist(), key=str))
    totals = pd.crosstab(customers, levels, values=weights, aggfunc="sum", dropna=False)
    totals = totals.reindex(index=index, fill_value=0.0).fillna(0.0).astype(float)
    row_sums = totals.sum(axis=1)
    return totals.div(row_sums.where(row_sums > 0, 1.0), axis=0)


def customer_features(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                      amount: str = "amount", category: str | None = "category", channel: str | None = "channel",
                      discount: str | None = "discount_used", as_of: Any = None) -> pd.DataFrame:
    """One row per customer (sorted) describing how they buy: volume, discounts, channels, categories.

    ``customer``, ``date`` and ``amount`` name the required columns;
    ``category``, ``channel`` and ``discount`` (True/False) name optional ones
    (``None`` leaves that group out). Purchases after ``as_of`` (default: the
    last purchase day) are ignored. Channel and category columns follow the
    categories of a categorical column (unused ones give zeros), otherwise
    alphabetical order. ``transactions`` is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-03", "2024-01-02"],
    ...                    "amount": [10.0, 30.0, 5.0], "category": ["x", "y", "y"]})
    >>> customer_features(tx, channel=None, discount=None)[["orders", "avg_order_value", "share_x"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 orders  avg_order_value  share_x
    customer_id
    a                 2             20.0     0.25
    b                 1              5.0     0.00
    """
    require_dataframe(transactions, "transactions")
    names = {"customer": customer, "date": date, "amount": amount, "category": category, "channel": channel,
             "discount": discount}
    for arg, value in names.items():
        if not isinstance(value, str) and not (value is None and arg in ("category", "channel", "discount")):
            allowed = "a column name (str)" + (" or None" if arg in ("category", "channel", "discount") else "")
            raise TypeError(f"{arg} must be {allowed}, got {type(value).__name__} ({value!r}).")
    used = [c for c in names.values() if c is not None]
    require_columns(transactions, used, "transactions")
    require_no_missing(transactions, used, "transactions")
    if discount is not None and not pd.api.types.is_bool_dtype(transactions[discount]):
        raise TypeError(f"column {discount!r} of transactions must be True/False (whether a discount was used), "
                        f"got dtype {transactions[discount].dtype}.")
    # rfm_table checks amounts and dates, applies as_of and gives recency, frequency and monetary value.
    rfm = rfm_table(transactions, customer=customer, date=date, amount=amount, as_of=as_of)
    days, end = purchase_days(transactions, date, as_of)
    data = transactions.loc[(days <= end).to_numpy()]
    out = pd.DataFrame({"orders": rfm["frequency"].astype(np.int64), "total_spend": rfm["monetary"]})
    out["avg_order_value"] = out["total_spend"] / out["orders"]
    out["recency_days"] = rfm["recency"].astype(np.int64)
    ones = pd.Series(1.0, index=data.index)
    if discount is not None:
        out["discount_share"] = data[discount].groupby(data[customer]).sum().reindex(rfm.index) / out["orders"]
    if channel is not None:
        shares = _shares(data[customer], data[channel], ones, rfm.index)
        out[[f"channel_{level}" for level in shares.columns]] = shares.to_numpy()
    if category is not None:
        shares = _shares(data[customer], data[category], data[amount].astype(float), rfm.index)
        out[[f"share_{level}" for level in shares.columns]] = shares.to_numpy()
    return out


def feature_columns(features: pd.DataFrame,
                    groups: Sequence[str] = ("volume", "discount", "channel", "category")) -> list[str]:
    """The columns of a :func:`customer_features` table in the named groups, group by group.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(columns=["orders", "total_spend", "discount_share", "channel_app", "share_food"])
    >>> feature_columns(table, ["category", "channel"])
    ['share_food', 'channel_app']
    """
    require_dataframe(features, "features", allow_empty=True)
    if isinstance(groups, str) or not isinstance(groups, Sequence) or not groups:
        raise TypeError('groups must be a non-empty list such as ["volume", "category"].')
    columns: list[str] = []
    for group in groups:
        if group not in FEATURE_GROUPS:
            raise ValueError(f"groups must contain only {', '.join(map(repr, FEATURE_GROUPS))}; got {group!r}.")
        found = [c for c in features.columns if isinstance(c, str) and (
            c in FEATURE_GROUPS[group].split(", ") if group in ("volume", "discount")
            else c.startswith("channel_" if group == "channel" else "share_"))]
        if not found:
            raise ValueError(f"features has no {group!r} columns ({FEATURE_GROUPS[group]}); "
                             "is it a customer_features table?")
        columns += found
    return columns
