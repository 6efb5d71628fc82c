"""A campaign simulator on the latent market: "what if we target X with message Y?".

A plan is an *audience* (rule, boolean mask or customer ids), a *creative* (its fit to
each hidden segment), a *channel* (CPM or CPC cost model) and a *budget* in rupees.
Reached customers click and convert with probabilities set by their latent segment, the
creative's fit, their channel preference and interests; the same seed gives the same answer.

>>> from course_lib.market.synthetic import generate_market
>>> m = generate_market(2_000, seed=3, behaviour=False)
>>> simulate("is_student", "campus_deals", "social_ads", budget=500, seed=1, market=m).spend <= 500
True
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from course_lib.market.synthetic import SEGMENT_NAMES, SEGMENTS, INTERESTS, Market, load_market_config
from course_lib.base.validation import require_choice, require_number, require_positive_int

__all__ = ["default_market", "market_arrays", "resolve_channel", "Channel", "Creative", "SimulationResult",
           "channels", "creatives", "simulate", "compare"]

_COST_MODELS = ("cpm", "cpc")


@dataclass(frozen=True)
class Channel:
    """A media channel: ``cost_model`` "cpm" (``price`` per 1,000 impressions) or "cpc" (per click).

    ``base_ctr`` is the click probability of one impression, ``max_frequency`` the most
    impressions per person, ``requires`` a boolean customers column needed to reach someone
    (e.g. ``"consent_email"``), ``matches_preference`` the ``preferred_channel`` value whose
    holders respond 1.5 times better.

    >>> Channel("flyers", "cpm", price=900.0, base_ctr=0.004).cost_model
    'cpm'
    """

    name: str
    cost_model: str
    price: float
    base_ctr: float
    max_frequency: int = 1
    requires: str | None = None
    matches_preference: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError("Channel name must be a non-empty string.")
        require_choice(self.cost_model, "cost_model", _COST_MODELS)
        require_number(self.price, "price", minimum=0.0, inclusive=False)
        require_number(self.base_ctr, "base_ctr", minimum=0.0, maximum=1.0, inclusive=False)
        require_positive_int(self.max_frequency, "max_frequency")
        for arg in ("requires", "matches_preference"):
            value = getattr(self, arg)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{arg} must be a string or None, got {type(value).__name__}.")


@dataclass(frozen=True)
class Creative:
    """A message and its fit in [0, 1] per latent segment (``default_fit`` for unlisted ones).

    Customers with ``interest_<interest>`` respond 1.6 times better; ``order_value`` (rupees)
    replaces each segment's usual basket.

    >>> Creative("diwali", {"affluent_traditional": 0.9}).fit["affluent_traditional"]
    0.9
    """

    name: str
    fit: Mapping[str, float] = field(default_factory=dict)
    default_fit: float = 0.3
    interest: str | None = None
    order_value: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError("Creative name must be a non-empty string.")
        if not isinstance(self.fit, Mapping):
            raise TypeError(f"fit must be a mapping of segment name to a number in [0, 1], got "
                            f"{type(self.fit).__name__}.")
        for seg, value in self.fit.items():
            require_choice(seg, "fit segment", SEGMENT_NAMES)
            require_number(value, f"fit[{seg!r}]", minimum=0.0, maximum=1.0)
        require_number(self.default_fit, "default_fit", minimum=0.0, maximum=1.0)
        if self.interest is not None:
            require_choice(self.interest, "interest", INTERESTS)
        if self.order_value is not None:
            require_number(self.order_value, "order_value", minimum=0.0, inclusive=False)

    def fit_vector(self) -> np.ndarray:
        """Fit per latent segment in the order of ``SEGMENT_NAMES``."""
        return np.array([float(self.fit.get(s, self.default_fit)) for s in SEGMENT_NAMES])


@dataclass(frozen=True)
class SimulationResult:
    """What one simulated campaign did (money in rupees), with derived rates as properties.

    >>> SimulationResult("c", "email", 10, 8, 8, 8, 1, 1, 1.2, 1500.0, 10.0).roas
    1250.0
    """

    creative: str
    channel: str
    audience_size: int
    reachable: int
    impressions: int
    reach: int
    clicks: int
    conversions: int
    spend: float
    revenue: float
    budget: float

    @property
    def ctr(self) -> float:
        """Clicks per impression."""
        return self.clicks / self.impressions if self.impressions else float("nan")

    @property
    def conversion_rate(self) -> float:
        """Conversions per click."""
        return self.conversions / self.clicks if self.clicks else float("nan")

    @property
    def cpa(self) -> float:
        """Cost per acquisition (spend per conversion)."""
        return self.spend / self.conversions if self.conversions else float("nan")

    @property
    def roas(self) -> float:
        """Return on ad spend: revenue / spend."""
        return self.revenue / self.spend if self.spend else float("nan")

    @property
    def unspent(self) -> float:
        """Budget left because the audience was exhausted."""
        return round(self.budget - self.spend, 2)

    def to_dict(self) -> dict[str, Any]:
        """All fields plus the derived rates, as a plain dict."""
        out = asdict(self)
        out.update(ctr=self.ctr, conversion_rate=self.conversion_rate, cpa=self.cpa, roas=self.roas,
                   unspent=self.unspent)
        return out

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame of :meth:`to_dict`."""
        return pd.DataFrame([self.to_dict()])


def _channel_from_config(name: str, spec: Mapping[str, Any]) -> Channel:
    return Channel(name=name, cost_model=spec["cost_model"], price=float(spec["price"]),
                   base_ctr=float(spec["base_ctr"]), max_frequency=int(spec.get("max_frequency", 1)),
                   requires=spec.get("requires"), matches_preference=spec.get("matches_preference"))


@functools.lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    return load_market_config()


def channels() -> dict[str, Channel]:
    """The channels defined in ``data/market/market.yaml``.

    >>> channels()["search_ads"].cost_model
    'cpc'
    """
    return {name: _channel_from_config(name, spec) for name, spec in _config()["channels"].items()}


def creatives() -> dict[str, Creative]:
    """The creatives defined in ``data/market/market.yaml``.

    >>> "run_club" in creatives()
    True
    """
    out = {}
    for name, spec in _config()["creatives"].items():
        out[name] = Creative(name=name, fit=dict(spec.get("fit") or {}),
                             default_fit=float(spec.get("default_fit", 0.3)), interest=spec.get("interest"),
                             order_value=spec.get("order_value"), description=spec.get("description", ""))
    return out


@functools.lru_cache(maxsize=1)
def default_market() -> Market:
    """The course market (customers and their hidden segments), loaded once per session."""
    from course_lib.market.datasets import load_customers, load_latent_segments

    return Market(customers=load_customers(), latent=load_latent_segments())


def market_arrays(market: Market) -> dict[str, Any]:
    """Arrays aligned with ``market.customers`` (computed once per market): ``seg``, ``resp``, ``ids``.

    Recomputed when the market's tables were replaced or changed (a cheap fingerprint: the tables' identity,
    shape, columns, a sample of ids and segments and every responsiveness), never answered from a stale cache.
    """
    cache = market._cache
    customers, latent = market.customers, market.latent
    step_c, step_l = max(1, len(customers) // 64), max(1, len(latent) // 64)
    key = (id(customers), id(latent), customers.shape, latent.shape, tuple(customers.columns),
           tuple(customers["customer_id"].iloc[::step_c]), tuple(latent["customer_id"].iloc[::step_l]),
           tuple(latent["latent_segment"].iloc[::step_l]),
           hash(np.ascontiguousarray(latent["responsiveness"].to_numpy(dtype=float)).tobytes()))
    if cache.get("key") != key:
        cache.clear()
        pos = pd.Index(latent["customer_id"]).get_indexer(customers["customer_id"])
        if (pos < 0).any():
            missing = customers["customer_id"].to_numpy()[pos < 0][:3]
            raise ValueError(f"market.latent has no latent segment for customer(s) {list(missing)}.")
        seg_cat = pd.Categorical(latent["latent_segment"].to_numpy()[pos], categories=SEGMENT_NAMES)
        if (seg_cat.codes < 0).any():
            raise ValueError(f"market.latent has unknown latent_segment values; expected {SEGMENT_NAMES}.")
        cache["seg"] = seg_cat.codes.astype(np.intp)
        cache["resp"] = latent["responsiveness"].to_numpy(dtype=float)[pos]
        cache["ids"] = pd.Index(customers["customer_id"])
        cache["key"] = key
    return cache


def _bool_column(market: Market, column: str) -> np.ndarray:
    """A True/False column of the customers, read afresh (cheap; a flag may have been changed in place)."""
    if column not in market.customers.columns:
        raise ValueError(f"the channel needs the customers column {column!r}, which the market lacks.")
    return market.customers[column].fillna(False).to_numpy(dtype=bool)


def _audience_mask(audience: Any, market: Market, cache: dict[str, Any]) -> np.ndarray:
    customers = market.customers
    n = len(customers)
    if audience is None or (isinstance(audience, str) and not audience.strip()):
        return np.ones(n, dtype=bool)
    if isinstance(audience, str):
        try:
            result = customers.eval(audience)
        except Exception as exc:  # noqa: BLE001 - any parse/eval failure becomes a clear message
            raise ValueError(
                f"audience rule {audience!r} could not be evaluated on the customers table ({exc}). "
                "Write a condition on its columns, e.g. \"age < 25 and interest_fitness\"."
            ) from None
        if not isinstance(result, pd.Series) or len(result) != n or not pd.api.types.is_bool_dtype(result):
            raise ValueError(f"audience rule {audience!r} must be a True/False condition such as "
                             "\"age >= 40\", not a value.")
        return result.fillna(False).to_numpy(dtype=bool)
    if isinstance(audience, (np.ndarray, pd.Series)) and pd.api.types.is_bool_dtype(audience):
        if len(audience) != n:
            raise ValueError(f"audience mask has {len(audience)} values; expected one per customer ({n}).")
        if isinstance(audience, pd.Series) and not audience.index.equals(customers.index):
            raise ValueError("audience mask must have the same index as the customers table.")
        return np.asarray(audience, dtype=bool)
    if isinstance(audience, (set, frozenset, list, tuple, pd.Series, pd.Index, np.ndarray)):
        ids = pd.Index(list(audience))
        if len(ids) and not all(isinstance(i, str) for i in ids):
            raise TypeError("audience ids must be customer_id strings such as 'C00042'.")
        pos = cache["ids"].get_indexer(ids.unique())
        if (pos < 0).any():
            unknown = list(ids.unique()[pos < 0][:3])
            raise ValueError(f"audience contains {int((pos < 0).sum())} unknown customer id(s), e.g. {unknown}.")
        mask = np.zeros(n, dtype=bool)
        mask[pos] = True
        return mask
    raise TypeError("audience must be a rule string, a boolean mask or a set of customer ids, got "
                    f"{type(audience).__name__}.")


def resolve_channel(channel: Any) -> Channel:
    """A :class:`Channel` from its name (or the Channel itself); a clear error for an unknown name."""
    if isinstance(channel, Channel):
        return channel
    if not isinstance(channel, str):
        raise TypeError(f"channel must be a channel name or a Channel, got {type(channel).__name__}.")
    known = channels()
    if channel not in known:
        raise ValueError(f"unknown channel {channel!r}; choose one of {', '.join(map(repr, known))}.")
    return known[channel]


def _resolve_creative(creative: Any) -> Creative:
    if isinstance(creative, Creative):
        return creative
    if isinstance(creative, Mapping):
        return Creative(name="custom", fit=dict(creative))
    if not isinstance(creative, str):
        raise TypeError(f"creative must be a creative name, a Creative or a mapping of fits, got "
                        f"{type(creative).__name__}.")
    known = creatives()
    if creative not in known:
        raise ValueError(f"unknown creative {creative!r}; choose one of {', '.join(map(repr, known))}.")
    return known[creative]


_SEG_RESPONSE = np.array([SEGMENTS[s]["response"] for s in SEGMENT_NAMES])
_SEG_CONVERSION = np.array([SEGMENTS[s]["conversion"] for s in SEGMENT_NAMES])
_SEG_BASKET = np.array([SEGMENTS[s]["basket"] for s in SEGMENT_NAMES], dtype=float)
_SEG_SPEND = np.array([SEGMENTS[s]["spend"] for s in SEGMENT_NAMES])
_BASKET_SIGMA = 0.35


def _p_click(ctr: np.ndarray, freq: int, fatigue: float) -> np.ndarray:
    """Probability of at least one click from ``freq`` impressions, each ``fatigue`` weaker than the last."""
    if fatigue == 0.0:
        return 1.0 - (1.0 - ctr) ** freq  # the original formula, kept verbatim so results do not move
    no_click = np.ones_like(ctr)
    for k in range(freq):
        no_click = no_click * (1.0 - ctr * (1.0 - fatigue) ** k)
    return 1.0 - no_click


def simulate(
    audience: Any,
    creative: str | Creative | Mapping[str, float],
    channel: str | Channel,
    budget: float,
    seed: int = 0,
    *,
    market: Market | None = None,
    fatigue: float = 0.0,
) -> SimulationResult:
    """Simulate one campaign: impressions, reach, clicks, conversions, spend and revenue.

    Parameters
    ----------
    audience : str, boolean mask, or collection of customer ids
        A rule on the customers table (``"age < 25 and interest_fitness"``; None or ""
        = everyone), one bool per customer, or a set/list of ``customer_id``.
    creative : str, Creative or mapping ``{latent segment: fit}``
    channel : str or Channel
    budget : float
        Rupees (> 0). CPM spreads it over the reachable audience (up to the frequency
        cap); CPC stops once clicks have used it up. Money not needed stays unspent.
    fatigue : float, default 0.0
        In [0, 1): the k-th impression clicks with probability ``ctr * (1 - fatigue) ** (k - 1)``.

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(2_000, seed=3, behaviour=False)
    >>> simulate(None, "generic_sale", "social_ads", 300, seed=1, market=m).impressions > 0
    True
    """
    budget = require_number(budget, "budget", minimum=0.0, inclusive=False)
    seed = require_positive_int(seed, "seed", minimum=0)
    fatigue = require_number(fatigue, "fatigue", minimum=0.0, maximum=1.0)
    if fatigue >= 1.0:
        raise ValueError("fatigue must be below 1 (1 would make every repeat impression worthless); got 1.")
    ch = resolve_channel(channel)
    cr = _resolve_creative(creative)
    if market is None:
        market = default_market()
    elif not isinstance(market, Market):
        raise TypeError(f"market must be a course_lib.market.synthetic.Market, got {type(market).__name__}.")
    cache = market_arrays(market)
    mask = _audience_mask(audience, market, cache)
    audience_size = int(mask.sum())
    if audience_size == 0:
        raise ValueError(f"the audience {audience!r} selects no customers; loosen the rule.")
    if ch.requires:
        mask = mask & _bool_column(market, ch.requires)
    idx = np.flatnonzero(mask)
    n = len(idx)
    if n == 0:
        raise ValueError(f"none of the {audience_size} customers in the audience can be reached on "
                         f"{ch.name!r} (it needs {ch.requires} = True).")

    rng = np.random.default_rng(seed)
    seg = cache["seg"][idx]
    fit = cr.fit_vector()[seg]
    ctr = ch.base_ctr * _SEG_RESPONSE[seg] * cache["resp"][idx] * (0.5 + 1.0 * fit)
    customers = market.customers
    if ch.matches_preference and "preferred_channel" in customers.columns:
        prefers = (customers["preferred_channel"] == ch.matches_preference).to_numpy(dtype=bool)
        ctr = np.where(prefers[idx], ctr * 1.5, ctr)
    if cr.interest and f"interest_{cr.interest}" in customers.columns:
        ctr = np.where(_bool_column(market, f"interest_{cr.interest}")[idx], ctr * 1.6, ctr)
    ctr = np.minimum(ctr, 0.95)

    order = rng.permutation(n)
    unit = ch.price / 1000.0
    if ch.cost_model == "cpm":
        full_cost = n * unit
        if budget >= full_cost:
            freq = int(min(ch.max_frequency, budget // full_cost))
            served = order
        else:
            freq = 1
            served = order[: int(budget // unit)]
        p_click = _p_click(ctr[served], freq, fatigue)
        clicked = rng.random(len(served)) < p_click
        impressions = len(served) * freq
        spend = impressions * unit
    else:  # cpc: serve in random order until the clicks have used up the budget
        freq = ch.max_frequency
        p_click = _p_click(ctr[order], freq, fatigue)
        clicked_all = rng.random(n) < p_click
        max_clicks = int(budget // ch.price)
        cut = int(np.searchsorted(np.cumsum(clicked_all), max_clicks, side="right"))
        cut = min(cut, n)
        served = order[:cut]
        clicked = clicked_all[:cut]
        impressions = cut * freq
        spend = int(clicked.sum()) * ch.price

    buyers = served[clicked]
    b_seg = seg[buyers]
    cvr = np.minimum(_SEG_CONVERSION[b_seg] * (0.6 + 0.8 * fit[buyers]), 0.95)
    converted = rng.random(len(buyers)) < cvr
    c_seg = b_seg[converted]
    if cr.order_value is not None:
        value = cr.order_value * np.sqrt(_SEG_SPEND[c_seg])
    else:
        value = _SEG_BASKET[c_seg]
    mu = np.log(value) - _BASKET_SIGMA**2 / 2
    revenue = float(np.exp(rng.normal(mu, _BASKET_SIGMA)).sum()) if len(c_seg) else 0.0
    return SimulationResult(
        creative=cr.name, channel=ch.name, audience_size=audience_size, reachable=n,
        impressions=int(impressions), reach=int(len(served)), clicks=int(clicked.sum()),
        conversions=int(converted.sum()), spend=round(float(spend), 2), revenue=round(revenue, 2),
        budget=budget,
    )


def compare(plans: Mapping[str, Mapping[str, Any]], *, seed: int = 0, market: Market | None = None) -> pd.DataFrame:
    """Run several plans (name -> :func:`simulate` keyword arguments) with one seed; one row per plan.

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(2_000, seed=3, behaviour=False)
    >>> plan = dict(audience=None, creative="generic_sale", channel="email", budget=200)
    >>> list(compare({"mass": plan}, market=m).index)
    ['mass']
    """
    if not isinstance(plans, Mapping) or not plans:
        raise TypeError("plans must be a non-empty mapping of plan name to simulate() arguments.")
    rows = {}
    for name, plan in plans.items():
        if not isinstance(plan, Mapping):
            raise TypeError(f"plan {name!r} must be a mapping of simulate() arguments, got {type(plan).__name__}.")
        missing = [k for k in ("creative", "channel", "budget") if k not in plan]
        if missing:
            raise ValueError(f"plan {name!r} is missing {', '.join(missing)}.")
        extra = set(plan) - {"audience", "creative", "channel", "budget"}
        if extra:
            raise ValueError(f"plan {name!r} has unknown keys {sorted(extra)}.")
        rows[name] = simulate(plan.get("audience"), plan["creative"], plan["channel"], plan["budget"],
                              seed=seed, market=market).to_dict()
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "plan"
    return out
