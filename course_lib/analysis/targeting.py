"""Targeting approaches: build audiences five ways and see what each one returns.

Micro-targeting selects an audience by one of five kinds of information
(demographic, geographic/hyperlocal, behavioural, psychographic/interest, and
occasion/life event) or by a combination of them. This module turns
clickstream and purchase history into customer audiences, runs audiences
through the campaign simulator (:mod:`course_lib.market.simulator`) averaged over
several seeds, and shows how an audience shrinks -- and its simulated return
changes -- as approaches are combined.

An *audience* is given relative to a customers table (one row per customer
with a ``customer_id`` column):

* ``None`` -- everyone in the table (a mass plan);
* a rule understood by :func:`course_lib.analysis.segmentation.rule_mask`, e.g.
  ``"interest_eco and age < 40"`` or ``{"life_event": ["married"]}``;
* a boolean Series (same index as the table) or array (one value per row).

Course content that is data -- the approaches table and the retailer's store
locations -- lives in ``data/content/targeting.yaml``.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.targeting import event_audience
>>> ev = pd.DataFrame({"customer_id": ["C1", "C1", "C2"],
...                    "event": ["cart_abandoned", "cart_abandoned", "purchase"],
...                    "product_category": ["electronics", "electronics", "groceries"]})
>>> list(event_audience(ev, "cart_abandoned"))
['C1']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.segmentation import rule_mask
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_datetime,
    require_number,
    require_positive_int,
)

__all__ = [
    "CONTENT_PATH",
    "APPROACHES",
    "approaches",
    "stores",
    "event_audience",
    "purchase_audience",
    "add_flags",
    "audience_mask",
    "simulate_average",
    "compare_audiences",
    "roas_matrix",
    "audience_funnel",
    "plot_audience_funnel",
]

#: The course content behind this module.
CONTENT_PATH: Path = paths.DATA_DIR / "content" / "targeting.yaml"
#: The five approaches, in teaching order.
APPROACHES: tuple[str, ...] = ("demographic", "geographic", "behavioural", "psychographic", "occasion")

_METRICS = ["audience_size", "reachable", "spend", "conversions", "revenue", "roas", "cpa"]


@functools.lru_cache(maxsize=4)
def _content(path_str: str) -> dict[str, Any]:
    with open(path_str, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "approaches" not in data or "stores" not in data:
        raise ValueError(f"{path_str} must be a mapping with 'approaches' and 'stores'.")
    return data


def approaches(path: str | Path | None = None) -> pd.DataFrame:
    """The five targeting approaches: what each selects on, the course data it uses, what it suits.

    Parameters
    ----------
    path : path-like, optional
        A YAML file with an ``approaches`` list; default ``data/content/targeting.yaml``.

    Returns
    -------
    DataFrame
        Indexed by ``approach`` (in :data:`APPROACHES` order) with the columns
        ``name``, ``selects_on``, ``columns``, ``example``, ``suits`` and ``watch_out``.

    Examples
    --------
    >>> approaches().index.tolist()
    ['demographic', 'geographic', 'behavioural', 'psychographic', 'occasion']
    """
    data = _content(str(Path(path) if path is not None else CONTENT_PATH))
    table = pd.DataFrame(data["approaches"]).rename(columns={"id": "approach"}).set_index("approach")
    expected = ["name", "selects_on", "columns", "example", "suits", "watch_out"]
    require_columns(table, expected, "the approaches content")
    missing = [a for a in APPROACHES if a not in table.index]
    if missing:
        raise ValueError(f"the approaches content lacks {missing}; expected all of {list(APPROACHES)}.")
    return table.loc[list(APPROACHES), expected]


def stores(path: str | Path | None = None) -> pd.DataFrame:
    """The synthetic retailer's stores in Nagpur (fictional), with coordinates.

    Returns
    -------
    DataFrame
        ``store_id``, ``name``, ``neighbourhood``, ``lat``, ``lon`` (degrees).

    Examples
    --------
    >>> stores()["store_id"].tolist()
    ['S-SIT', 'S-MAN', 'S-KHA']
    """
    data = _content(str(Path(path) if path is not None else CONTENT_PATH))
    table = pd.DataFrame(data["stores"])
    require_columns(table, ["store_id", "name", "neighbourhood", "lat", "lon"], "the stores content")
    return table.astype({"lat": "float64", "lon": "float64"})


def _window(data: pd.DataFrame, column: str, start: Any, end: Any, arg: str) -> np.ndarray:
    """Boolean array: rows whose ``column`` date lies in [start, end] (either end open)."""
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
        elif stamp == stamp.normalize():  # a date (midnight) as the end means the whole of that day
            keep &= (when < stamp + pd.Timedelta(days=1)).to_numpy(dtype=bool)
        else:
            keep &= (when <= stamp).to_numpy(dtype=bool)
    return keep


def _count_filter(ids: pd.Series, minimum: int) -> pd.Index:
    counts = ids.value_counts(sort=False)
    kept = counts.index[counts.to_numpy() >= minimum]
    return pd.Index(sorted(kept.astype(str)), name="customer_id")


def _categories(value: str | Sequence[str] | None, arg: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value) and len(value):
        return list(value)
    raise TypeError(f"{arg} must be a category name or a list of names, got {value!r}.")


def event_audience(
    events: pd.DataFrame,
    event: str | Sequence[str] = "cart_abandoned",
    *,
    category: str | Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    min_count: int = 1,
) -> pd.Index:
    """Customers who did something online: viewed, carted, abandoned a cart, started sign-up ...

    Parameters
    ----------
    events : DataFrame
        Clickstream with ``customer_id``, ``event``, and (when ``category`` is
        used) ``product_category``; ``timestamp`` when ``start``/``end`` are used.
    event : str or list of str
        Event type(s), e.g. ``"cart_abandoned"`` or ``["product_view", "add_to_cart"]``.
    category : str or list of str, optional
        Keep only events about these product categories.
    start, end : date-like, optional
        Time window (inclusive; a date without a time covers that whole day).
    min_count : int, default 1
        Fewest matching events a customer needs.

    Returns
    -------
    pandas.Index
        Sorted distinct ``customer_id`` values (each customer once).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": ["C1", "C2", "C2"], "event": ["cart_abandoned"] * 3,
    ...                    "product_category": ["books_stationery", "electronics", "electronics"]})
    >>> list(event_audience(ev, category="electronics", min_count=2))
    ['C2']
    """
    require_dataframe(events, "events", allow_empty=True)
    needed = ["customer_id", "event"] + (["product_category"] if category is not None else [])
    require_columns(events, needed, "events")
    kinds = _categories(event, "event")
    min_count = require_positive_int(min_count, "min_count")
    keep = np.array(events["event"].isin(kinds), dtype=bool)
    cats = _categories(category, "category")
    if cats is not None:
        keep &= events["product_category"].isin(cats).to_numpy(dtype=bool)
    if start is not None or end is not None:
        keep &= _window(events, "timestamp", start, end, "events")
    return _count_filter(events.loc[keep, "customer_id"], min_count)


def purchase_audience(
    transactions: pd.DataFrame,
    category: str | Sequence[str] | None = None,
    *,
    start: Any = None,
    end: Any = None,
    min_purchases: int = 1,
) -> pd.Index:
    """Customers who bought (a category) in a time window: "category buyers".

    Parameters
    ----------
    transactions : DataFrame
        Purchases with ``customer_id``, ``category`` and ``date``.
    category : str or list of str, optional
        Product categories; ``None`` = any purchase.
    start, end : date-like, optional
        Time window on ``date`` (inclusive).
    min_purchases : int, default 1
        Fewest matching purchases a customer needs.

    Returns
    -------
    pandas.Index
        Sorted distinct ``customer_id`` values.

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
    keep = np.ones(len(transactions), dtype=bool)
    cats = _categories(category, "category")
    if cats is not None:
        keep &= transactions["category"].isin(cats).to_numpy(dtype=bool)
    if start is not None or end is not None:
        keep &= _window(transactions, "date", start, end, "transactions")
    return _count_filter(transactions.loc[keep, "customer_id"], min_purchases)


def add_flags(customers: pd.DataFrame, **flags: Any) -> pd.DataFrame:
    """Return a copy of ``customers`` with one True/False column per audience of ids.

    Use it to turn behavioural audiences (from :func:`event_audience` or
    :func:`purchase_audience`) into columns, so they can be combined with the
    other approaches in one rule such as ``"abandoned_electronics and age < 35"``.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with ``customer_id``.
    **flags : collection of customer ids
        New column name -> the ids that get True.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"customer_id": ["C1", "C2"]})
    >>> add_flags(people, vip=["C2"])["vip"].tolist()
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
    """Boolean array (one value per row of ``customers``) for an audience.

    Parameters
    ----------
    customers : DataFrame
        The customers table the audience refers to.
    audience : None, rule, boolean Series or array
        See the module docstring.
    arg : str
        Name used in error messages.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"customer_id": ["C1", "C2"], "age": [20, 50]})
    >>> audience_mask(people, "age > 30").tolist()
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


def _seed_list(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return list(range(require_positive_int(seeds, "seeds")))
    if isinstance(seeds, Sequence) and len(seeds) and not isinstance(seeds, str):
        return [require_positive_int(s, "each seed", minimum=0) for s in seeds]
    raise TypeError(f"seeds must be a number of runs (e.g. 10) or a list of seeds, got {seeds!r}.")


def _market_mask(ids: np.ndarray, market: Any) -> np.ndarray:
    """The audience as a True/False array over the simulator's customers (fast to simulate repeatedly)."""
    from course_lib.market.synthetic import Market  # noqa: PLC0415
    from course_lib.market.simulator import _default_market, _prepared  # noqa: PLC0415

    if market is None:
        market = _default_market()
    elif not isinstance(market, Market):
        raise TypeError(f"market must be a course_lib.market.synthetic.Market, got {type(market).__name__}.")
    known = _prepared(market)["ids"]
    pos = known.get_indexer(pd.Index(ids.astype(str)).unique())
    if (pos < 0).any():
        raise ValueError(f"customers has {int((pos < 0).sum())} customer id(s) the market does not know; "
                         "use the course's customers table (load_customers()).")
    out = np.zeros(len(known), dtype=bool)
    out[pos] = True
    return out


def simulate_average(
    customers: pd.DataFrame,
    audience: Any,
    creative: Any,
    channel: Any,
    budget: float,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> dict[str, float]:
    """Simulate one plan several times (different seeds) and average the results.

    One simulated campaign on a small audience has only a handful of
    conversions, so its ROAS jumps around from seed to seed. Averaging
    several runs gives a steadier picture: ``spend``, ``conversions`` and
    ``revenue`` are means per run, and ``roas`` and ``cpa`` are computed
    from the totals (total revenue / total spend).

    Parameters
    ----------
    customers : DataFrame
        Customers table the audience refers to (ids must exist in the market).
    audience : None, rule, boolean Series or array
        Who is targeted (see the module docstring).
    creative, channel, budget
        As in :func:`course_lib.market.simulator.simulate`.
    seeds : int or list of int, default 10
        Number of runs (seeds ``0 .. seeds-1``) or the seeds themselves.
    market : Market, optional
        Passed to the simulator; default the committed market.

    Returns
    -------
    dict
        ``audience_size``, ``reachable``, ``spend``, ``conversions``,
        ``revenue``, ``roas``, ``cpa``. An empty audience, or one nobody in
        can be reached on the channel, gives zeros and NaN rates (no error).

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> out = simulate_average(m.customers, "interest_tech", "gadget_launch", "email", 200, seeds=3, market=m)
    >>> out["audience_size"] == int(m.customers["interest_tech"].sum())
    True
    """
    from course_lib.market.simulator import _resolve_channel, simulate  # noqa: PLC0415 (import cost)

    require_columns(customers, ["customer_id"], "customers")
    require_number(budget, "budget", minimum=0.0, inclusive=False)
    runs = _seed_list(seeds)
    mask = audience_mask(customers, audience)
    size = int(mask.sum())
    ch = _resolve_channel(channel)
    reach_mask = mask
    if ch.requires and ch.requires in customers.columns:
        reach_mask = mask & customers[ch.requires].fillna(False).to_numpy(dtype=bool)
    if size == 0 or not reach_mask.any():
        return {"audience_size": size, "reachable": 0, "spend": 0.0, "conversions": 0.0, "revenue": 0.0,
                "roas": float("nan"), "cpa": float("nan")}
    target = _market_mask(customers["customer_id"].to_numpy()[mask], market)
    results = [simulate(target, creative, ch, budget, seed=s, market=market) for s in runs]
    spend = sum(r.spend for r in results)
    revenue = sum(r.revenue for r in results)
    conversions = sum(r.conversions for r in results)
    n = len(results)
    return {
        "audience_size": size,
        "reachable": results[0].reachable,
        "spend": spend / n,
        "conversions": conversions / n,
        "revenue": revenue / n,
        "roas": revenue / spend if spend else float("nan"),
        "cpa": spend / conversions if conversions else float("nan"),
    }


def _check_audiences(audiences: Any) -> Mapping[str, Any]:
    if not isinstance(audiences, Mapping) or not audiences:
        raise TypeError("audiences must be a non-empty dict of name -> audience (rule, mask or None).")
    for name in audiences:
        if not isinstance(name, str) or not name:
            raise TypeError(f"audience names must be non-empty strings, got {name!r}.")
    return audiences


def compare_audiences(
    customers: pd.DataFrame,
    audiences: Mapping[str, Any],
    creative: Any,
    channel: Any,
    budget: float,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> pd.DataFrame:
    """Run the same creative, channel and budget on several audiences (averaged over seeds).

    Parameters
    ----------
    customers : DataFrame
        Customers table the audiences refer to.
    audiences : dict of str -> audience
        Name -> ``None`` (everyone), a rule, or a True/False Series.
    creative, channel, budget, seeds, market
        As in :func:`simulate_average`.

    Returns
    -------
    DataFrame
        One row per audience (index ``audience``), columns ``audience_size``,
        ``share_of_market``, ``reachable``, ``spend``, ``conversions``,
        ``revenue``, ``roas`` and ``cpa``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = compare_audiences(m.customers, {"all": None, "eco": "interest_eco"}, "organic_delivery",
    ...                       "email", 200, seeds=2, market=m)
    >>> t.index.tolist()
    ['all', 'eco']
    """
    rows = {name: simulate_average(customers, aud, creative, channel, budget, seeds=seeds, market=market)
            for name, aud in _check_audiences(audiences).items()}
    out = pd.DataFrame.from_dict(rows, orient="index")[_METRICS]
    out.insert(1, "share_of_market", out["audience_size"] / len(customers))
    out.index.name = "audience"
    return out


def roas_matrix(
    customers: pd.DataFrame,
    audiences: Mapping[str, Any],
    creatives: Sequence[Any],
    channel: Any,
    budget: float,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> pd.DataFrame:
    """Simulated ROAS of every audience with every creative: which approach fits which product.

    Returns
    -------
    DataFrame
        Rows = audiences, columns = creatives (names), values = ROAS averaged
        over the seeds (NaN when nobody can be reached).

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> roas_matrix(m.customers, {"all": None}, ["generic_sale", "run_club"], "email", 200,
    ...             seeds=2, market=m).shape
    (1, 2)
    """
    _check_audiences(audiences)
    if isinstance(creatives, str) or not isinstance(creatives, Sequence) or not creatives:
        raise TypeError("creatives must be a non-empty list of creative names.")
    table = {}
    for creative in creatives:
        label = creative if isinstance(creative, str) else getattr(creative, "name", str(creative))
        table[label] = compare_audiences(customers, audiences, creative, channel, budget,
                                         seeds=seeds, market=market)["roas"]
    out = pd.DataFrame(table)
    out.columns.name = "creative"
    return out


def audience_funnel(
    customers: pd.DataFrame,
    steps: Mapping[str, Any],
    creative: Any,
    channel: Any,
    budget: float,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> pd.DataFrame:
    """Combine approaches one at a time and watch the audience shrink and the simulated ROAS change.

    The first row is everyone (the mass plan); each further row keeps the
    people of the previous row who also satisfy that step (AND).

    Parameters
    ----------
    customers : DataFrame
        Customers table the steps refer to.
    steps : dict of str -> audience
        Step label -> rule or True/False Series, applied cumulatively in order.
        May be empty (then only the mass row is returned).
    creative, channel, budget, seeds, market
        As in :func:`simulate_average`.

    Returns
    -------
    DataFrame
        ``step``, ``audience_size``, ``share_of_market``, ``reachable``,
        ``spend``, ``conversions``, ``revenue``, ``roas``, ``cpa``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> f = audience_funnel(m.customers, {"tech fans": "interest_tech", "under 35": "age < 35"},
    ...                     "gadget_launch", "email", 200, seeds=2, market=m)
    >>> f["step"].tolist()
    ['everyone', '+ tech fans', '+ under 35']
    >>> bool(f["audience_size"].is_monotonic_decreasing)
    True
    """
    require_dataframe(customers, "customers")
    if not isinstance(steps, Mapping):
        raise TypeError("steps must be a dict of step label -> rule (it may be empty).")
    mask = np.ones(len(customers), dtype=bool)
    rows = [{"step": "everyone",
             **simulate_average(customers, None, creative, channel, budget, seeds=seeds, market=market)}]
    for label, rule in steps.items():
        if not isinstance(label, str) or not label:
            raise TypeError(f"step labels must be non-empty strings, got {label!r}.")
        mask = mask & audience_mask(customers, rule, f"step {label!r}")
        rows.append({"step": f"+ {label}",
                     **simulate_average(customers, mask, creative, channel, budget, seeds=seeds, market=market)})
    out = pd.DataFrame(rows)[["step"] + _METRICS]
    out.insert(2, "share_of_market", out["audience_size"] / len(customers))
    return out


def plot_audience_funnel(table: pd.DataFrame, axes: Any = None, title: str | None = None) -> Any:
    """Two panels: audience size per step (bars) and simulated ROAS per step.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`audience_funnel`.
    axes : pair of matplotlib Axes, optional
        Where to draw; a new 1 x 2 figure when None.
    title : str, optional
        Figure title.

    Returns
    -------
    numpy array of two matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"step": ["everyone", "+ fans"], "audience_size": [100, 10], "roas": [2.0, 5.0]})
    >>> ax = plot_audience_funnel(t)
    >>> ax[1].get_xlabel()
    'simulated ROAS (revenue / spend)'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (keep importing the module fast)

    require_dataframe(table, "table")
    require_columns(table, ["step", "audience_size", "roas"], "table")
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 0.45 * len(table) + 2.2), layout="constrained")
    else:
        fig = axes[0].figure
    y = np.arange(len(table))
    labels = table["step"].astype(str).tolist()
    sizes = table["audience_size"].to_numpy(dtype=float)
    axes[0].barh(y, sizes, color="#4c72b0")
    for yi, n in zip(y, sizes):
        axes[0].text(n, yi, f" {n:,.0f}", va="center", fontsize=9)
    axes[0].set_yticks(y, labels=labels)
    axes[0].invert_yaxis()
    axes[0].set_xlim(0, max(sizes.max(), 1) * 1.25)
    axes[0].set_xlabel("customers in the audience")
    axes[0].set_title("Audience size")
    roas = table["roas"].to_numpy(dtype=float)
    shown = np.nan_to_num(roas, nan=0.0)
    axes[1].barh(y, shown, color=["#55a868" if r >= roas[0] else "#c44e52" for r in shown])
    for yi, r in zip(y, roas):
        axes[1].text(0 if np.isnan(r) else r, yi, " nobody reachable" if np.isnan(r) else f" {r:.1f}",
                     va="center", fontsize=9)
    axes[1].set_yticks(y, labels=[""] * len(y))
    axes[1].invert_yaxis()
    axes[1].set_xlim(0, max(np.nanmax(shown), 1) * 1.25)
    axes[1].set_xlabel("simulated ROAS (revenue / spend)")
    axes[1].axvline(shown[0], color="grey", ls="--", lw=1)
    axes[1].set_title("Return on ad spend (dashed: everyone)")
    if title:
        fig.suptitle(title)
    return np.asarray(axes)
