"""Per-customer behaviour features built from a transaction log.

Clustering needs one row per customer, but shops record one row per
purchase. :func:`customer_features` turns the purchase log into a table that
describes *how* each customer buys:

* how often and how much -- ``orders``, ``total_spend``,
  ``avg_order_value`` and ``recency_days`` (the same numbers as
  :func:`course_lib.analysis.rfm.rfm_table`, which computes them);
* how they like to pay -- ``discount_share``, the share of their purchases
  made with a discount or coupon;
* where they buy -- ``channel_<channel>``, the share of their purchases
  made in each channel (store, website, app, ...);
* what they buy -- ``share_<category>``, the share of their spend that went
  to each product category.

Shares are between 0 and 1 and do not depend on how much a customer spends
in total, so a light and a heavy buyer of sportswear look alike on
``share_sportswear``; ``orders`` and ``avg_order_value`` carry the volume.
:data:`FEATURE_GROUPS` and :func:`feature_columns` pick groups of columns.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.features import customer_features
>>> tx = pd.DataFrame({
...     "customer_id": ["a", "a", "b"],
...     "date": ["2024-01-01", "2024-01-09", "2024-01-05"],
...     "amount": [300.0, 100.0, 50.0],
...     "category": ["books", "food", "food"],
...     "channel": ["app", "store", "store"],
...     "discount_used": [True, False, False],
... })
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

from course_lib.analysis.rfm import _parse_as_of, rfm_table
from course_lib.base.validation import require_columns, require_dataframe, require_datetime, require_no_missing

__all__ = ["FEATURE_GROUPS", "customer_features", "feature_columns"]

#: The groups of columns :func:`customer_features` returns, by the prefix or name that marks them.
FEATURE_GROUPS: dict[str, str] = {
    "volume": "orders, total_spend, avg_order_value, recency_days",
    "discount": "discount_share",
    "channel": "channel_<channel> (share of purchases per channel)",
    "category": "share_<category> (share of spend per category)",
}
_VOLUME = ("orders", "total_spend", "avg_order_value", "recency_days")


def _column_name(arg: str, value: Any, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        allowed = "a column name (str) or None" if optional else "a column name (str)"
        raise TypeError(f"{arg} must be {allowed}, got {type(value).__name__} ({value!r}).")
    return value


def _levels(values: pd.Series) -> list[Any]:
    """The distinct values of a column in a stable order (all categories of a categorical)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(pd.unique(values).tolist(), key=str)


def _shares(
    codes: np.ndarray, n: int, values: pd.Series, weights: np.ndarray | None
) -> tuple[np.ndarray, list[Any]]:
    """Matrix (customers x levels) of each level's share of a customer's rows (or of its weights)."""
    levels = _levels(values)
    level_codes = pd.Categorical(values, categories=levels).codes.astype(np.int64)
    flat = codes.astype(np.int64) * len(levels) + level_codes
    counts = np.bincount(flat, weights=weights, minlength=n * len(levels)).reshape(n, len(levels))
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), 0.0)
    return shares, levels


def customer_features(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    category: str | None = "category",
    channel: str | None = "channel",
    discount: str | None = "discount_used",
    as_of: Any = None,
) -> pd.DataFrame:
    """One row per customer describing how they buy: volume, discounts, channels, categories.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase (for the course market: ``load_transactions()``).
    customer, date, amount : str
        Columns with the customer id, the purchase date (datetimes or text
        such as ``'2024-03-31'``) and the amount paid (>= 0).
    category : str or None
        Column with the product category; ``None`` leaves out the
        ``share_<category>`` columns.
    channel : str or None
        Column with the purchase channel; ``None`` leaves out the
        ``channel_<channel>`` columns.
    discount : str or None
        Boolean column, True when a discount or coupon was used; ``None``
        leaves out ``discount_share``.
    as_of : date-like, optional
        The day of the analysis; purchases after it are ignored. Defaults to
        the last purchase day in the data (as in :func:`course_lib.analysis.rfm.rfm_table`).

    Returns
    -------
    DataFrame
        Indexed by customer (sorted; only customers with at least one
        purchase up to ``as_of``), with columns

        * ``orders`` (int): number of purchases;
        * ``total_spend`` (float): amount paid in total;
        * ``avg_order_value`` (float): ``total_spend / orders``;
        * ``recency_days`` (int): days from the last purchase to ``as_of``;
        * ``discount_share`` (float, 0-1): share of purchases with a discount;
        * ``channel_<value>`` (float, 0-1): share of purchases per channel;
        * ``share_<value>`` (float, 0-1): share of spend per category (all 0
          for a customer whose purchases all cost 0).

        Channel and category columns follow the order of the categories
        when the column is categorical (unused categories give columns of
        zeros, so a sample has the same columns as the full data), otherwise
        alphabetical order. ``transactions`` is not changed.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, empty, a missing column, missing values, negative or
        non-numeric amounts, unreadable dates, a discount column that is not
        True/False, or an ``as_of`` before the first purchase.

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
    customer = _column_name("customer", customer, optional=False)
    date = _column_name("date", date, optional=False)
    amount = _column_name("amount", amount, optional=False)
    category = _column_name("category", category, optional=True)
    channel = _column_name("channel", channel, optional=True)
    discount = _column_name("discount", discount, optional=True)
    extra = [c for c in (category, channel, discount) if c is not None]
    require_columns(transactions, [customer, date, amount, *extra], "transactions")
    require_no_missing(transactions, [customer, date, amount, *extra], "transactions")
    if discount is not None and not pd.api.types.is_bool_dtype(transactions[discount]):
        raise TypeError(
            f"column {discount!r} of transactions must be True/False (whether a discount was used), "
            f"got dtype {transactions[discount].dtype}."
        )

    # rfm_table validates amounts and dates, applies as_of and gives recency, frequency, monetary.
    rfm = rfm_table(transactions, customer=customer, date=date, amount=amount, as_of=as_of)
    data = transactions
    if as_of is not None:
        dates = require_datetime(transactions, date, "transactions")
        keep = (dates.dt.normalize() <= _parse_as_of(as_of)).to_numpy()
        if not keep.all():
            data = transactions.loc[keep]

    codes, uniques = pd.factorize(data[customer], sort=True)
    if not pd.Index(uniques).equals(rfm.index):  # pragma: no cover - both sort the same ids
        raise RuntimeError("customer ids do not line up with rfm_table; please report this bug.")
    n = len(uniques)
    out = pd.DataFrame(index=rfm.index)
    out["orders"] = rfm["frequency"].astype(np.int64)
    out["total_spend"] = rfm["monetary"].astype(np.float64)
    out["avg_order_value"] = out["total_spend"] / out["orders"]
    out["recency_days"] = rfm["recency"].astype(np.int64)
    if discount is not None:
        used = data[discount].to_numpy(dtype=np.float64)
        out["discount_share"] = np.bincount(codes, weights=used, minlength=n) / out["orders"].to_numpy()
    if channel is not None:
        shares, levels = _shares(codes, n, data[channel], None)
        for j, level in enumerate(levels):
            out[f"channel_{level}"] = shares[:, j]
    if category is not None:
        weights = data[amount].to_numpy(dtype=np.float64)
        shares, levels = _shares(codes, n, data[category], weights)
        for j, level in enumerate(levels):
            out[f"share_{level}"] = shares[:, j]
    return out


def feature_columns(
    features: pd.DataFrame,
    groups: Sequence[str] = ("volume", "discount", "channel", "category"),
) -> list[str]:
    """The columns of a :func:`customer_features` table that belong to the named groups.

    Parameters
    ----------
    features : DataFrame
        Output of :func:`customer_features`.
    groups : list of str
        Any of ``"volume"``, ``"discount"``, ``"channel"``, ``"category"``
        (see :data:`FEATURE_GROUPS`), in the order wanted.

    Returns
    -------
    list of str
        Column names, group by group, in the table's order.

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
        if group == "volume":
            found = [c for c in features.columns if c in _VOLUME]
        elif group == "discount":
            found = [c for c in features.columns if c == "discount_share"]
        else:
            prefix = "channel_" if group == "channel" else "share_"
            found = [c for c in features.columns if isinstance(c, str) and c.startswith(prefix)]
        if not found:
            raise ValueError(
                f"features has no {group!r} columns ({FEATURE_GROUPS[group]}); is it a customer_features table?"
            )
        columns += found
    return columns
