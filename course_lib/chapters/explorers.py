"""Interactive explorers: the segmentation levels, step by step.

The levels explorer narrows the synthetic market in four steps -- mass
(everyone) -> segment (an age band) -> niche (an interest) -> micro (a
neighbourhood and/or a recent life event) -- and shows at each level who is
still reached, how many of them are "in the market" for the product (bought
its category recently), the expected sales, the cost per person targeted and
the expected profit. It is a thin layer over
:func:`course_lib.analysis.segmentation.narrow_market`.

The economics are deliberately simple and every assumption lives in
``data/content/levels_examples.yaml`` (section ``explorer``):

* expected response rate = in-market rate at the level x ``conversion``
  (share of in-market people who buy after seeing the offer; higher for a
  more tailored offer);
* cost per target = ``media_cost`` (reaching one person) + ``creative_cost`` /
  reach (a fixed design cost shared by everyone reached -- the economy of
  scale a narrow level loses);
* value of one sale = mean basket of the category in the window x ``margin``.

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.explorers import level_rules, levels_report, LevelAssumptions
>>> people = pd.DataFrame({"age": [22, 30, 41, 29], "interest_fitness": [True, True, False, False],
...                        "neighbourhood": ["A", "B", "A", "A"], "life_event": ["none"] * 4})
>>> rules = level_rules(age=(20, 35), interest="fitness")
>>> report = levels_report(people, pd.Series([1, 1, 0, 0]).astype(bool), rules, value_per_sale=100.0,
...                        assumptions=LevelAssumptions.from_config())
>>> report[["level", "reach", "in_market_rate"]]
     level  reach  in_market_rate
0     mass      4        0.500000
1  segment      3        0.666667
2    niche      2        1.000000
3    micro      2        1.000000
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.segmentation import Level, narrow_market, plot_funnel, rule_mask
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_datetime,
    require_no_missing,
    require_number,
    require_positive_int,
)

__all__ = [
    "LEVELS_EXAMPLES_PATH",
    "LEVEL_NAMES",
    "ANY",
    "load_levels_examples",
    "LevelAssumptions",
    "in_market",
    "value_per_sale",
    "level_rules",
    "levels_report",
    "format_report",
    "plot_levels",
    "LevelsExplorer",
    "levels_explorer",
]

#: The worked examples and the explorer's assumptions.
LEVELS_EXAMPLES_PATH: Path = paths.DATA_DIR / "content" / "levels_examples.yaml"
#: The four segmentation levels, broadest first.
LEVEL_NAMES: tuple[str, ...] = ("mass", "segment", "niche", "micro")
#: Dropdown label meaning "no restriction".
ANY = "(any)"

_LEVEL_KEYS = ("conversion", "media_cost", "creative_cost")


def load_levels_examples(path: str | Path | None = None) -> dict[str, Any]:
    """Read ``data/content/levels_examples.yaml`` and check its structure.

    Parameters
    ----------
    path : str or Path, optional
        Another file with the same layout (for tests); default the course file.

    Returns
    -------
    dict
        Sections ``coffee_shop``, ``cost_per_click`` and ``explorer``.

    Raises
    ------
    ValueError
        When a section or a required value is missing or out of range.

    Examples
    --------
    >>> ex = load_levels_examples()
    >>> ex["coffee_shop"]["radius_miles"]
    1.0
    >>> sorted(k["cpc"] for k in ex["cost_per_click"]["keywords"])
    [0.15, 1.0]
    """
    file = Path(path) if path is not None else LEVELS_EXAMPLES_PATH
    with open(file, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    if not isinstance(config, dict):
        raise ValueError(f"{file.name} must be a mapping with sections coffee_shop, cost_per_click, explorer.")
    for section in ("coffee_shop", "cost_per_click", "explorer"):
        if not isinstance(config.get(section), dict):
            raise ValueError(f"{file.name} has no section {section!r}.")
    shop = config["coffee_shop"]
    for key in ("radius_miles", "km_per_mile", "country_audience", "weekly_budget", "spend_per_visit"):
        require_number(shop.get(key), f"coffee_shop.{key}", minimum=0, inclusive=False)
    for key in ("visit_rate_nearby", "visit_rate_far"):
        require_number(shop.get(key), f"coffee_shop.{key}", minimum=0, maximum=1)
    cpc = config["cost_per_click"]
    require_number(cpc.get("budget"), "cost_per_click.budget", minimum=0, inclusive=False)
    keywords = cpc.get("keywords")
    if not isinstance(keywords, list) or len(keywords) < 2:
        raise ValueError("cost_per_click.keywords must list at least two keywords.")
    for i, kw in enumerate(keywords):
        if not isinstance(kw, dict) or not isinstance(kw.get("keyword"), str):
            raise ValueError(f"cost_per_click.keywords[{i}] needs a 'keyword' text.")
        require_number(kw.get("cpc"), f"cost_per_click.keywords[{i}].cpc", minimum=0, inclusive=False)
        require_number(kw.get("conversion_rate"), f"cost_per_click.keywords[{i}].conversion_rate",
                       minimum=0, maximum=1)
        if kw.get("max_clicks") is not None:
            require_positive_int(kw["max_clicks"], f"cost_per_click.keywords[{i}].max_clicks")
    LevelAssumptions.from_config(config)  # validates the explorer section
    return config


@dataclass(frozen=True)
class LevelAssumptions:
    """The explorer's economics (see the module docstring).

    Attributes
    ----------
    conversion, media_cost, creative_cost : dict of str to float
        One value per level name in :data:`LEVEL_NAMES`.
    margin : float
        Gross margin as a share of the basket, in (0, 1].
    window : tuple of str
        First and last day (``YYYY-MM-DD``) of the in-market window.
    min_size : int
        Reach below which a level is flagged as too small.

    Examples
    --------
    >>> a = LevelAssumptions.from_config()
    >>> a.cost_per_target("micro", reach=500)
    14.0
    """

    conversion: Mapping[str, float]
    media_cost: Mapping[str, float]
    creative_cost: Mapping[str, float]
    margin: float
    window: tuple[str, str]
    min_size: int

    def __post_init__(self) -> None:
        for key in _LEVEL_KEYS:
            values = getattr(self, key)
            if not isinstance(values, Mapping) or sorted(values) != sorted(LEVEL_NAMES):
                raise ValueError(f"{key} must give a value for each level {list(LEVEL_NAMES)}.")
            for name, v in values.items():
                if key == "conversion":
                    require_number(v, f"{key}[{name!r}]", minimum=0, maximum=1)
                else:
                    require_number(v, f"{key}[{name!r}]", minimum=0)
        if require_number(self.margin, "margin", minimum=0, maximum=1) == 0:
            raise ValueError("margin must be above 0 (a share of the basket, e.g. 0.3).")
        require_positive_int(self.min_size, "min_size")
        if not (isinstance(self.window, tuple) and len(self.window) == 2):
            raise ValueError(f"window must be (start, end) dates, got {self.window!r}.")

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None, **changes: Any) -> LevelAssumptions:
        """Build the assumptions from the ``explorer`` section of the YAML file.

        Keyword arguments replace single fields, e.g. ``margin=0.4`` or
        ``media_cost={...}`` (a partial dict updates only the levels it names).
        """
        if config is None:
            with open(LEVELS_EXAMPLES_PATH, encoding="utf-8") as fh:
                config = yaml.safe_load(fh)
        section = config.get("explorer") if isinstance(config, Mapping) else None
        if not isinstance(section, Mapping) or not isinstance(section.get("levels"), Mapping):
            raise ValueError("the examples file needs an 'explorer' section with 'levels'.")
        levels = section["levels"]
        missing = [n for n in LEVEL_NAMES if not isinstance(levels.get(n), Mapping)]
        if missing:
            raise ValueError(f"explorer.levels is missing the level(s) {missing}.")
        fields: dict[str, Any] = {
            key: {n: levels[n].get(key) for n in LEVEL_NAMES} for key in _LEVEL_KEYS
        }
        window = section.get("in_market_window") or {}
        fields["window"] = (str(window.get("start")), str(window.get("end")))
        fields["margin"] = section.get("margin")
        fields["min_size"] = section.get("min_size", 100)
        for key, value in changes.items():
            if key not in fields:
                raise TypeError(f"unknown assumption {key!r}; choose from {sorted(fields)}.")
            if key in _LEVEL_KEYS:
                if not isinstance(value, Mapping):
                    raise TypeError(f"{key} must be a dict of level name -> number.")
                unknown = set(value) - set(LEVEL_NAMES)
                if unknown:
                    raise ValueError(f"{key} has unknown level(s) {sorted(unknown)}; levels are {list(LEVEL_NAMES)}.")
                fields[key] = {**fields[key], **value}
            else:
                fields[key] = tuple(value) if key == "window" else value
        return cls(**fields)

    def cost_per_target(self, level: str, reach: int) -> float:
        """Media cost per person plus the fixed creative cost shared over ``reach`` people."""
        if level not in LEVEL_NAMES:
            raise ValueError(f"level must be one of {list(LEVEL_NAMES)}, got {level!r}.")
        reach = require_positive_int(reach, "reach", minimum=0)
        fixed = self.creative_cost[level] / reach if reach else 0.0
        return float(self.media_cost[level] + fixed)


def _window_purchases(transactions: pd.DataFrame, window: tuple[str, str]) -> pd.DataFrame:
    require_dataframe(transactions, "transactions")
    require_columns(transactions, ["customer_id", "date", "category", "amount"], "transactions")
    dates = require_datetime(transactions, "date", "transactions")
    start, end = (pd.Timestamp(w) for w in window)
    if end < start:
        raise ValueError(f"the window ends ({end.date()}) before it starts ({start.date()}).")
    return transactions.loc[(dates >= start) & (dates <= end)]


def _check_category(transactions: pd.DataFrame, category: str) -> None:
    if not isinstance(category, str):
        raise TypeError(f"category must be a string, got {type(category).__name__}.")
    known = sorted(map(str, transactions["category"].dropna().unique()))
    if category not in known:
        raise ValueError(f"category {category!r} is not in transactions; choose from {known}.")


def in_market(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    category: str,
    window: tuple[str, str] | None = None,
) -> pd.Series:
    """Which customers bought ``category`` in the window: a stand-in for "in the market".

    Parameters
    ----------
    customers : DataFrame
        One row per customer with ``customer_id``.
    transactions : DataFrame
        ``customer_id``, ``date``, ``category``, ``amount``.
    category : str
        A product category of ``transactions``.
    window : (start, end), optional
        Inclusive dates; default the ``in_market_window`` of the examples file.

    Returns
    -------
    Series of bool
        Indexed like ``customers``.

    Examples
    --------
    >>> import pandas as pd
    >>> cust = pd.DataFrame({"customer_id": ["A", "B"]})
    >>> tx = pd.DataFrame({"customer_id": ["A", "B"], "date": ["2025-08-01", "2024-01-05"],
    ...                    "category": ["sportswear", "sportswear"], "amount": [900.0, 500.0]})
    >>> in_market(cust, tx, "sportswear", ("2025-07-01", "2025-12-31")).tolist()
    [True, False]
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    require_dataframe(transactions, "transactions")
    require_columns(transactions, ["customer_id", "date", "category", "amount"], "transactions")
    _check_category(transactions, category)
    window = window or LevelAssumptions.from_config().window
    recent = _window_purchases(transactions, window)
    buyers = recent.loc[recent["category"] == category, "customer_id"].unique()
    return pd.Series(customers["customer_id"].isin(buyers).to_numpy(dtype=bool), index=customers.index,
                     name=f"in_market_{category}")


def value_per_sale(
    transactions: pd.DataFrame,
    category: str,
    margin: float,
    window: tuple[str, str] | None = None,
) -> float:
    """Gross margin of an average sale of ``category``: mean basket in the window x ``margin``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["A", "B"], "date": ["2025-08-01", "2025-09-01"],
    ...                    "category": ["sportswear", "sportswear"], "amount": [900.0, 1100.0]})
    >>> value_per_sale(tx, "sportswear", 0.3, ("2025-07-01", "2025-12-31"))
    300.0
    """
    margin = require_number(margin, "margin", minimum=0, maximum=1)
    require_dataframe(transactions, "transactions")
    require_columns(transactions, ["customer_id", "date", "category", "amount"], "transactions")
    _check_category(transactions, category)
    window = window or LevelAssumptions.from_config().window
    recent = _window_purchases(transactions, window)
    amounts = recent.loc[recent["category"] == category, "amount"]
    if amounts.empty:
        raise ValueError(f"no {category!r} purchases between {window[0]} and {window[1]}; widen the window.")
    return float(amounts.mean() * margin)


def level_rules(
    age: tuple[int, int] | None = None,
    interest: str | None = None,
    neighbourhood: str | None = None,
    life_event: str | None = None,
) -> dict[str, dict[str, Any] | None]:
    """The rule added at each level (each applies on top of the previous ones).

    ``None`` or ``"(any)"`` leaves a step without a restriction.

    Parameters
    ----------
    age : (int, int), optional
        Segment: inclusive age band.
    interest : str, optional
        Niche: an interest such as ``"fitness"`` (column ``interest_fitness``).
    neighbourhood, life_event : str, optional
        Micro: where they live and/or what just happened in their life.

    Returns
    -------
    dict
        Level name -> rule (a dict of column -> condition, or None).

    Examples
    --------
    >>> level_rules(age=(22, 35), interest="fitness", life_event="new_job")
    {'mass': None, 'segment': {'age': (22, 35)}, 'niche': {'interest_fitness': True}, 'micro': {'life_event': 'new_job'}}
    """

    def given(value: Any) -> bool:
        return value is not None and value != ANY

    segment = None
    if given(age):
        if not isinstance(age, (tuple, list)) or len(age) != 2:
            raise TypeError(f"age must be a (lowest, highest) pair, got {age!r}.")
        for a in age:
            require_number(a, "age", minimum=0)
        lo, hi = age
        if lo > hi:
            raise ValueError(f"age band {age!r}: the lowest age is above the highest.")
        segment = {"age": (lo, hi)}
    niche = None
    if given(interest):
        if not isinstance(interest, str):
            raise TypeError(f"interest must be a string such as 'fitness', got {type(interest).__name__}.")
        niche = {f"interest_{interest.removeprefix('interest_')}": True}
    micro: dict[str, Any] = {}
    for col, value in (("neighbourhood", neighbourhood), ("life_event", life_event)):
        if given(value):
            if not isinstance(value, str):
                raise TypeError(f"{col} must be a string, got {type(value).__name__}.")
            micro[col] = value
    return {"mass": None, "segment": segment, "niche": niche, "micro": micro or None}


def levels_report(
    customers: pd.DataFrame,
    in_market_flags: pd.Series,
    rules: Mapping[str, Any],
    value_per_sale: float,
    assumptions: LevelAssumptions | None = None,
) -> pd.DataFrame:
    """Reach, in-market rate, expected sales, cost and profit at the four levels.

    Parameters
    ----------
    customers : DataFrame
        The whole market (one row per customer).
    in_market_flags : Series of bool
        From :func:`in_market`, aligned with ``customers``.
    rules : dict
        Level name -> rule, from :func:`level_rules` (keys = :data:`LEVEL_NAMES`).
    value_per_sale : float
        Margin earned on one sale (rupees), e.g. from :func:`value_per_sale`.
    assumptions : LevelAssumptions, optional
        Default: the examples file.

    Returns
    -------
    DataFrame
        The columns of :func:`~course_lib.analysis.segmentation.narrow_market` (``level``,
        ``rule``, ``reach``, ``share_of_market``, ``share_of_previous``,
        ``response_rate``, ``expected_responses``, ``cost_per_target``,
        ``total_cost``, ``cost_per_response``, ``expected_value``,
        ``expected_profit``) plus ``in_market_rate``, ``conversion`` and
        ``too_small`` (reach below ``min_size``). A level whose rule is None
        narrows nothing, so it keeps the previous level's conversion and costs.

    Examples
    --------
    See the module docstring.
    """
    require_dataframe(customers, "customers")
    assumptions = assumptions or LevelAssumptions.from_config()
    if not isinstance(assumptions, LevelAssumptions):
        raise TypeError(f"assumptions must be a LevelAssumptions, got {type(assumptions).__name__}.")
    if not isinstance(in_market_flags, pd.Series) or not pd.api.types.is_bool_dtype(in_market_flags):
        raise TypeError("in_market_flags must be a boolean Series (use in_market(...)).")
    if len(in_market_flags) != len(customers) or not in_market_flags.index.equals(customers.index):
        raise ValueError("in_market_flags must have one value per customer, with the customers' index.")
    if not isinstance(rules, Mapping) or list(rules) != list(LEVEL_NAMES):
        raise ValueError(f"rules must give one rule per level, in the order {list(LEVEL_NAMES)}.")
    value = require_number(value_per_sale, "value_per_sale", minimum=0)
    mask = pd.Series(True, index=customers.index)
    specs, in_rates, conversions = [], [], []
    economics = LEVEL_NAMES[0]
    for name in LEVEL_NAMES:
        if rules[name] is not None:
            economics = name  # a level that narrows nothing keeps the previous level's offer and costs
        mask = mask & rule_mask(customers, rules[name], f"rule of level {name!r}")
        reach = int(mask.sum())
        rate = float(in_market_flags[mask].mean()) if reach else 0.0
        in_rates.append(rate)
        conversions.append(assumptions.conversion[economics])
        specs.append(Level(name, rules[name], response_rate=rate * assumptions.conversion[economics],
                           cost_per_target=assumptions.cost_per_target(economics, reach)))
    report = narrow_market(customers, specs, value_per_response=value)
    report.insert(report.columns.get_loc("response_rate"), "in_market_rate", in_rates)
    report.insert(report.columns.get_loc("response_rate") + 1, "conversion", conversions)
    report["too_small"] = report["reach"] < assumptions.min_size
    return report


_DISPLAY = {
    "level": "level",
    "reach": "reach",
    "share_of_market": "share of market",
    "in_market_rate": "in market",
    "response_rate": "response rate",
    "expected_responses": "expected sales",
    "cost_per_target": "cost per target (Rs)",
    "total_cost": "total cost (Rs)",
    "cost_per_response": "cost per sale (Rs)",
    "expected_profit": "expected profit (Rs)",
}


def format_report(report: pd.DataFrame) -> pd.DataFrame:
    """A rounded, readable copy of :func:`levels_report` for display (shares in %).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"level": ["mass"], "reach": [10], "share_of_market": [1.0], "in_market_rate": [0.2],
    ...                   "response_rate": [0.004], "expected_responses": [0.04], "cost_per_target": [2.0],
    ...                   "total_cost": [20.0], "cost_per_response": [500.0], "expected_profit": [-8.0]})
    >>> format_report(r).loc["mass", ["share of market", "response rate"]].tolist()
    ['100.0%', '0.40%']
    """
    require_dataframe(report, "report")
    require_columns(report, list(_DISPLAY), "report")
    out = report[list(_DISPLAY)].copy()
    for col in ("share_of_market", "in_market_rate"):
        out[col] = [f"{v:.1%}" for v in out[col]]
    out["response_rate"] = [f"{v:.2%}" for v in out["response_rate"]]
    out["expected_responses"] = out["expected_responses"].round(1)
    out["cost_per_target"] = out["cost_per_target"].round(2)
    for col in ("total_cost", "cost_per_response", "expected_profit"):
        out[col] = out[col].round(0).astype("Int64")
    return out.rename(columns=_DISPLAY).set_index("level")


def plot_levels(report: pd.DataFrame, title: str | None = None) -> Any:
    """Two panels: the reach pyramid and the expected profit per level.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"level": ["mass", "micro"], "reach": [100, 10], "expected_profit": [5.0, -1.0]})
    >>> [ax.get_title() for ax in plot_levels(r).axes]
    ['Who is still reached', 'Expected profit per level']
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (keep importing the module fast)

    require_dataframe(report, "report")
    require_columns(report, ["level", "reach", "expected_profit"], "report")
    require_no_missing(report, ["level", "reach", "expected_profit"], "report")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1.1, 1]})
    plot_funnel(report, value="reach", label="level", ax=left)
    left.set_title("Who is still reached")
    left.set_xlabel("customers reached (share of the whole market)")
    profit = report["expected_profit"].to_numpy(dtype=float)
    colors = np.where(profit >= 0, "#2b8a3e", "#c92a2a")
    y = np.arange(len(report))
    right.barh(y, profit, color=colors)
    right.set_yticks(y, labels=[str(v) for v in report["level"]])
    right.invert_yaxis()
    right.axvline(0, color="black", linewidth=0.8)
    right.set_xlabel("expected profit (Rs) = margin on sales - total cost")
    right.set_title("Expected profit per level")
    for yi, p in zip(y, profit):
        right.annotate(f"{p:,.0f}", (p, yi), xytext=(4 if p >= 0 else -4, 0), textcoords="offset points",
                       ha="left" if p >= 0 else "right", va="center", fontsize=9)
    lo, hi = min(profit.min(), 0.0), max(profit.max(), 0.0)
    pad = 0.25 * (hi - lo or 1.0)
    right.set_xlim(lo - (pad if lo < 0 else 0), hi + pad)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


class LevelsExplorer:
    """Dropdowns and sliders that narrow the market and redraw the level report.

    Build it with :func:`levels_explorer`. ``explorer.report()`` returns the
    current :func:`levels_report`; ``explorer.widget`` is the ipywidgets box
    (displayed automatically when the explorer is the last line of a cell).
    """

    def __init__(
        self,
        customers: pd.DataFrame,
        transactions: pd.DataFrame,
        assumptions: LevelAssumptions | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        require_dataframe(customers, "customers")
        require_columns(customers, ["customer_id", "age", "neighbourhood", "life_event"], "customers")
        self.customers = customers
        self.assumptions = assumptions or LevelAssumptions.from_config()
        require_dataframe(transactions, "transactions")
        require_columns(transactions, ["customer_id", "date", "category", "amount"], "transactions")
        recent = _window_purchases(transactions, self.assumptions.window)
        self.categories = sorted(map(str, recent["category"].dropna().unique()))
        ids = customers["customer_id"]
        self._in_market = {
            cat: pd.Series(ids.isin(recent.loc[recent["category"] == cat, "customer_id"].unique())
                           .to_numpy(dtype=bool), index=customers.index)
            for cat in self.categories
        }
        self._value = {cat: float(recent.loc[recent["category"] == cat, "amount"].mean() * self.assumptions.margin)
                       for cat in self.categories}
        self.interests = sorted(c.removeprefix("interest_") for c in customers.columns if c.startswith("interest_"))
        self.neighbourhoods = sorted(map(str, customers["neighbourhood"].dropna().unique()))
        self.life_events = sorted(map(str, customers["life_event"].dropna().unique()))
        start = dict(load_levels_examples()["explorer"]["defaults"])
        start.update(defaults or {})
        self.settings: dict[str, Any] = {
            "category": start.get("category") or self.categories[0],
            "age": tuple(start.get("age") or (int(customers["age"].min()), int(customers["age"].max()))),
            "interest": start.get("interest") or ANY,
            "neighbourhood": start.get("neighbourhood") or ANY,
            "life_event": start.get("life_event") or ANY,
        }
        self._check_settings(self.settings)
        self._widget: Any = None

    def _check_settings(self, s: Mapping[str, Any]) -> None:
        if s["category"] not in self.categories:
            raise ValueError(f"category {s['category']!r} unknown; choose from {self.categories}.")
        for key, options in (("interest", self.interests), ("neighbourhood", self.neighbourhoods),
                             ("life_event", self.life_events)):
            if s[key] != ANY and s[key] not in options:
                raise ValueError(f"{key} {s[key]!r} unknown; choose from {options}.")

    def report(self, **settings: Any) -> pd.DataFrame:
        """The level report for the current settings (keyword arguments override them)."""
        unknown = set(settings) - set(self.settings)
        if unknown:
            raise TypeError(f"unknown setting(s) {sorted(unknown)}; use {sorted(self.settings)}.")
        s = {**self.settings, **settings}
        self._check_settings(s)
        rules = level_rules(age=s["age"], interest=s["interest"], neighbourhood=s["neighbourhood"],
                            life_event=s["life_event"])
        return levels_report(self.customers, self._in_market[s["category"]], rules,
                             self._value[s["category"]], self.assumptions)

    def summary(self, report: pd.DataFrame) -> str:
        """One or two sentences on the best level and a too-small warning."""
        best = report.loc[report["expected_profit"].idxmax()]
        text = (f"Highest expected profit: {best['level']} (Rs {best['expected_profit']:,.0f} from "
                f"{best['reach']:,} people). Lowest cost per sale: "
                f"{report.loc[report['cost_per_response'].idxmin(), 'level']}.")
        small = report.loc[report["too_small"], "level"].tolist()
        if small:
            text += (f" Too small (under {self.assumptions.min_size} people): {', '.join(small)} -- fixed costs "
                     "swamp the sales, and a tiny group is a privacy risk.")
        return text

    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w  # noqa: PLC0415
        from IPython.display import display  # noqa: PLC0415
        import matplotlib.pyplot as plt  # noqa: PLC0415

        style = {"description_width": "170px"}
        wide = w.Layout(width="440px")
        ages = self.customers["age"]
        controls = {
            "category": w.Dropdown(options=self.categories, value=self.settings["category"],
                                   description="Product we promote", style=style, layout=wide),
            "age": w.IntRangeSlider(value=self.settings["age"], min=int(ages.min()), max=int(ages.max()),
                                    description="Segment: age band", style=style, layout=wide),
            "interest": w.Dropdown(options=[ANY, *self.interests], value=self.settings["interest"],
                                   description="Niche: interest", style=style, layout=wide),
            "neighbourhood": w.Dropdown(options=[ANY, *self.neighbourhoods], value=self.settings["neighbourhood"],
                                        description="Micro: neighbourhood", style=style, layout=wide),
            "life_event": w.Dropdown(options=[ANY, *self.life_events], value=self.settings["life_event"],
                                     description="Micro: life event", style=style, layout=wide),
        }
        out = w.Output()

        def redraw(_: Any = None) -> None:
            for key, control in controls.items():
                self.settings[key] = tuple(control.value) if key == "age" else control.value
            report = self.report()
            with out:
                out.clear_output(wait=True)
                display(format_report(report))
                print(self.summary(report))
                plot_levels(report, title=f"Promoting {self.settings['category']}")
                plt.show()

        for control in controls.values():
            control.observe(redraw, names="value")
        redraw()
        return w.VBox([w.HTML("<b>Narrow the market one level at a time</b>"), *controls.values(), out])

    def _ipython_display_(self) -> None:
        from IPython.display import display  # noqa: PLC0415

        display(self.widget)


def levels_explorer(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    assumptions: LevelAssumptions | None = None,
    **defaults: Any,
) -> LevelsExplorer:
    """An interactive explorer of the four segmentation levels on the course market.

    Parameters
    ----------
    customers, transactions : DataFrame
        From :func:`course_lib.market.datasets.load_customers` and ``load_transactions``.
    assumptions : LevelAssumptions, optional
        Economics; default the examples file.
    **defaults
        Starting values: ``category``, ``age`` (lo, hi), ``interest``,
        ``neighbourhood``, ``life_event`` (``"(any)"`` for none).

    Returns
    -------
    LevelsExplorer
        Shows the widget when it is the last line of a notebook cell.

    Examples
    --------
    >>> from course_lib.market.datasets import load_customers, load_transactions
    >>> ex = levels_explorer(load_customers(), load_transactions())   # doctest: +SKIP
    >>> ex.report(life_event="(any)")["reach"].iloc[-1]                 # doctest: +SKIP
    """
    return LevelsExplorer(customers, transactions, assumptions=assumptions, defaults=defaults)
