"""Audiences for micro-targeting, and a fair simulated comparison of them.

An *audience* is given relative to a customers table (one row per customer
with ``customer_id``): ``None`` (everyone, a mass plan), a rule understood by
:func:`course_lib.analysis.segmentation.rule_mask` (``"interest_eco and age < 40"``)
or a True/False Series / array with one value per row. Chapter 04 shows these
rules as plain boolean masks before using the helpers below.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"customer_id": ["C1", "C1", "C2"],
...                    "event": ["cart_abandoned", "cart_abandoned", "purchase"],
...                    "product_category": ["electronics", "electronics", "groceries"]})
>>> list(event_audience(ev, "cart_abandoned"))
['C1']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.segmentation import rule_mask
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_datetime,
    require_number,
    require_positive_int,
)

__all__ = ["stores", "event_audience", "purchase_audience", "add_flags", "audience_mask", "market_mask",
           "seed_list", "simulate_average", "compare_audiences"]

_METRICS = ["audience_size", "reachable", "spend", "conversions", "revenue", "roas", "cpa"]


def stores(path: str | Path | None = None) -> pd.DataFrame:
    """The synthetic retailer's stores in Nagpur (fictional): ``store_id``, ``name``, ``neighbourhood``, ``lat``, ``lon``.

    Examples
    --------
    >>> stores()["store_id"].tolist()
    ['S-SIT', 'S-MAN', 'S-KHA']
    """
    data = read_yaml(content_path("targeting") if path is None else path, what="targeting")
    table = pd.DataFrame(data.get("stores") or [])
    require_columns(table, ["store_id", "name", "neighbourhood", "lat", "lon"], "the stores content")
    return table.astype({"lat": "float64", "lon": "float64"})


def _window(data: pd.DataFrame, column: str, start: Any, end: Any, arg: str) -> np.ndarray:
    """Rows whose ``column`` date lies in [start, end]; an end without a time covers that whole day."""
    keep = np.ones(len(data), dtype=bool)
    if start is None and end is None:
        return keep
    when = require_datetime(data, column, arg)
    for bound, name in ((start, "start"), (end, "end")):
        if bound is None:
            continue
        try:
            stamp = pd.Timestamp(bound)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a date such as '2025-10-01', got {bound!r}.") from None
        if name == "start":
            keep &= (when >= stamp).to_numpy(dtype=bool)
        elif stamp == stamp.normalize():
            keep &= (when < stamp + pd.Timedelta(days=1)).to_numpy(dtype=bool)
        else:
            keep &= (when <= stamp).to_numpy(dtype=bool)
    return keep


def _names(value: str | Sequence[str] | None, arg: str) -> list[str] | None:
    if value is None or isinstance(value, str):
        return None if value is None else [value]
    if isinstance(value, Sequence) and len(value) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{arg} must be a category name or a list of names, got {value!r}.")


def _audience(rows: pd.DataFrame, kind: str, kinds: list[str] | None, category: Any, start: Any, end: Any,
              date: str, minimum: int, arg: str) -> pd.Index:
    keep = np.ones(len(rows), dtype=bool) if kinds is None else rows[kind].isin(kinds).to_numpy(dtype=bool)
    cats = _names(category, "category")
    if cats is not None:
        keep = keep & rows["product_category" if kind == "event" else "category"].isin(cats).to_numpy(dtype=bool)
    keep = keep & _window(rows, date, start, end, arg)
    counts = rows.loc[keep, "customer_id"].value_counts(sort=False)
    return pd.Index(sorted(counts.index[counts.to_numpy() >= minimum].astype(str)), name="customer_id")


def event_audience(events: pd.DataFrame, event: str | Sequence[str] = "cart_abandoned", *,
                   category: str | Sequence[str] | None = None, start: Any = None, end: Any = None,
                   min_count: int = 1) -> pd.Index:
    """Sorted distinct ids of customers with at least ``min_count`` matching clickstream events.

    ``event`` is one or more event types, ``category`` one or more product
    categories, ``start``/``end`` an inclusive window on ``timestamp``.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": ["C1", "C2", "C2"], "event": ["cart_abandoned"] * 3,
    ...                    "product_category": ["books_stationery", "electronics", "electronics"]})
    >>> list(event_audience(ev, category="electronics", min_count=2))
    ['C2']
    """
    require_dataframe(events, "events", allow_empty=True)
    require_columns(events, ["customer_id", "event"] + (["product_category"] if category is not None else []),
                    "events")
    kinds = _names(event, "event")
    min_count = require_positive_int(min_count, "min_count")
    return _audience(events, "event", kinds, category, start, end, "timestamp", min_count, "events")


def purchase_audience(transactions: pd.DataFrame, category: str | Sequence[str] | None = None, *,
                      start: Any = None, end: Any = None, min_purchases: int = 1) -> pd.Index:
    """Sorted distinct ids of customers who bought (a category) at least ``min_purchases`` times in a window on ``date``.

    Examples
    --------
    >>> import pandas as pd
    >>> tr = pd.DataFrame({"customer_id": ["C1", "C2", "C2"], "category": ["organic_food"] * 3,
    ...                    "date": pd.to_datetime(["2024-05-01", "2025-02-01", "2025-03-01"])})
    >>> list(purchase_audience(tr, "organic_food", start="2025-01-01"))
    ['C2']
    """
    require_dataframe(transactions, "transactions", allow_empty=True)
    require_columns(transactions, ["customer_id"] + (["category"] if category is not None else []), "transactions")
    min_purchases = require_positive_int(min_purchases, "min_purchases")
    return _audience(transactions, "purchase", None, category, start, end, "date", min_purchases, "transactions")


def add_flags(customers: pd.DataFrame, **flags: Any) -> pd.DataFrame:
    """A copy of ``customers`` with one True/False column per collection of customer ids.

    Examples
    --------
    >>> import pandas as pd
    >>> add_flags(pd.DataFrame({"customer_id": ["C1", "C2"]}), vip=["C2"])["vip"].tolist()
    [False, True]
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    if not flags:
        raise ValueError("give at least one flag, e.g. add_flags(customers, abandoned_cart=ids).")
    new = {}
    for name, ids in flags.items():
        if name in customers.columns:
            raise ValueError(f"customers already has a column {name!r}; choose another flag name.")
        if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
            raise TypeError(f"flag {name!r} must be a collection of customer ids, got {type(ids).__name__}.")
        new[name] = customers["customer_id"].isin(list(ids)).to_numpy(dtype=bool)
    return customers.assign(**new)


def audience_mask(customers: pd.DataFrame, audience: Any, arg: str = "audience") -> np.ndarray:
    """True/False array (one value per row of ``customers``) for an audience (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> audience_mask(pd.DataFrame({"customer_id": ["C1", "C2"], "age": [20, 50]}), "age > 30").tolist()
    [False, True]
    """
    require_dataframe(customers, "customers")
    if isinstance(audience, pd.Series) and pd.api.types.is_bool_dtype(audience):
        if not audience.index.equals(customers.index):
            raise ValueError(f"{arg} is a True/False Series whose index differs from the customers table's; "
                             "build it from the same table (e.g. customers['age'] > 30).")
        return audience.fillna(False).to_numpy(dtype=bool)
    if isinstance(audience, np.ndarray):
        if audience.dtype != bool or audience.ndim != 1:
            raise TypeError(f"{arg} as an array must be one-dimensional True/False, got dtype {audience.dtype}.")
        if len(audience) != len(customers):
            raise ValueError(f"{arg} has {len(audience)} values; expected one per customer ({len(customers)}).")
        return audience
    if audience is None or isinstance(audience, (str, Mapping)):
        return rule_mask(customers, audience, arg).to_numpy(dtype=bool)
    raise TypeError(f"{arg} must be None, a rule (str or dict) or a True/False Series, got {type(audience).__name__}.")


def market_mask(ids: Any, market: Any = None) -> np.ndarray:
    """The customers ``ids`` as a True/False array over the simulator's market (fast to simulate repeatedly).

    Examples
    --------
    >>> int(market_mask(["C00001", "C00002"]).sum())
    2
    """
    from course_lib.market.simulator import default_market, market_arrays  # noqa: PLC0415
    from course_lib.market.synthetic import Market  # noqa: PLC0415

    if market is None:
        market = default_market()
    elif not isinstance(market, Market):
        raise TypeError(f"market must be a course_lib.market.synthetic.Market, got {type(market).__name__}.")
    known = market_arrays(market)["ids"]
    pos = known.get_indexer(pd.Index(np.asarray(ids).astype(str)).unique())
    if (pos < 0).any():
        raise ValueError(f"customers has {int((pos < 0).sum())} customer id(s) the market does not know; "
                         "use the course's customers table (load_customers()).")
    out = np.zeros(len(known), dtype=bool)
    out[pos] = True
    return out


def seed_list(seeds: int | Sequence[int]) -> list[int]:
    """Seeds ``0 .. seeds-1`` for a number of runs, or the given list of seeds.

    Examples
    --------
    >>> seed_list(3), seed_list([7, 9])
    ([0, 1, 2], [7, 9])
    """
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return list(range(require_positive_int(seeds, "seeds")))
    if isinstance(seeds, Sequence) and len(seeds) and not isinstance(seeds, str):
        return [require_positive_int(s, "each seed", minimum=0) for s in seeds]
    raise TypeError(f"seeds must be a number of runs (e.g. 10) or a list of seeds, got {seeds!r}.")


def simulate_average(customers: pd.DataFrame, audience: Any, creative: Any, channel: Any, budget: float, *,
                     seeds: int | Sequence[int] = 10, market: Any = None) -> dict[str, float]:
    """Simulate one plan once per seed and average: one small campaign's ROAS is too noisy to read alone.

    ``spend``, ``conversions`` and ``revenue`` are means per run; ``roas`` and
    ``cpa`` come from the totals. An empty or unreachable audience gives zeros
    and NaN rates. ``creative``, ``channel`` and ``budget`` are as in
    :func:`course_lib.market.simulator.simulate`.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> out = simulate_average(m.customers, "interest_tech", "gadget_launch", "email", 200, seeds=3, market=m)
    >>> out["audience_size"] == int(m.customers["interest_tech"].sum())
    True
    """
    from course_lib.market.simulator import resolve_channel, simulate  # noqa: PLC0415 (import cost)

    require_columns(customers, ["customer_id"], "customers")
    require_number(budget, "budget", minimum=0.0, inclusive=False)
    runs = seed_list(seeds)
    mask = audience_mask(customers, audience)
    size = int(mask.sum())
    ch = resolve_channel(channel)
    reach = mask
    if ch.requires and ch.requires in customers.columns:
        reach = mask & customers[ch.requires].fillna(False).to_numpy(dtype=bool)
    if size == 0 or not reach.any():
        return {"audience_size": size, "reachable": 0, "spend": 0.0, "conversions": 0.0, "revenue": 0.0,
                "roas": float("nan"), "cpa": float("nan")}
    target = market_mask(customers["customer_id"].to_numpy()[mask], market)
    results = [simulate(target, creative, ch, budget, seed=s, market=market) for s in runs]
    spend, revenue = sum(r.spend for r in results), sum(r.revenue for r in results)
    conversions = sum(r.conversions for r in results)
    n = len(results)
    return {"audience_size": size, "reachable": results[0].reachable, "spend": spend / n,
            "conversions": conversions / n, "revenue": revenue / n,
            "roas": revenue / spend if spend else float("nan"),
            "cpa": spend / conversions if conversions else float("nan")}


def compare_audiences(customers: pd.DataFrame, audiences: Mapping[str, Any], creative: Any, channel: Any,
                      budget: float, *, seeds: int | Sequence[int] = 10, market: Any = None) -> pd.DataFrame:
    """Run the same creative, channel and budget on several audiences (averaged over seeds, as :func:`simulate_average`).

    Returns one row per audience (index ``audience``): ``audience_size``,
    ``share_of_market``, ``reachable``, ``spend``, ``conversions``,
    ``revenue``, ``roas`` and ``cpa``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> compare_audiences(m.customers, {"all": None, "eco": "interest_eco"}, "organic_delivery",
    ...                   "email", 200, seeds=2, market=m).index.tolist()
    ['all', 'eco']
    """
    if not isinstance(audiences, Mapping) or not audiences:
        raise TypeError("audiences must be a non-empty dict of name -> audience (rule, mask or None).")
    bad = [name for name in audiences if not isinstance(name, str) or not name]
    if bad:
        raise TypeError(f"audience names must be non-empty strings, got {bad[0]!r}.")
    rows = {name: simulate_average(customers, aud, creative, channel, budget, seeds=seeds, market=market)
            for name, aud in audiences.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")[_METRICS]
    out.insert(1, "share_of_market", out["audience_size"] / len(customers))
    out.index.name = "audience"
    return out

