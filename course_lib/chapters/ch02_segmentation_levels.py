"""Chapter 02 (segmentation levels): the level report behind the explorer, and the workbook's answers.

The notebook narrows the market with boolean masks and works out each level's economics in its own cells;
:func:`levels_report` does the same for any settings (assumptions: ``data/content/levels_examples.yaml``).

Examples
--------
>>> from course_lib.market.datasets import load_customers, load_transactions
>>> report = levels_report(load_customers(), load_transactions(), "sportswear", age=(22, 35),
...                        interest="fitness", life_event="new_job")
>>> report["reach"].tolist()
[50000, 20463, 7728, 585]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.content import ContentError, content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe, require_number, require_positive_int

__all__ = ["LEVELS", "ANY", "load_levels_examples", "level_masks", "levels_report", "rupees", "format_report",
           "plot_levels", "summary", "levels_explorer", "answers", "wrong_answers"]

#: The four segmentation levels, broadest first.
LEVELS: tuple[str, ...] = ("mass", "segment", "niche", "micro")
#: A dropdown value meaning "no restriction" (``None`` means the same).
ANY = "(any)"


def load_levels_examples() -> dict[str, Any]:
    """``data/content/levels_examples.yaml``: the coffee-shop and cost-per-click examples and the explorer's assumptions.

    Examples
    --------
    >>> ex = load_levels_examples()
    >>> ex["coffee_shop"]["radius_miles"], ex["explorer"]["margin"]
    (1.0, 0.3)
    """
    path = content_path("levels_examples")
    data = read_yaml(path, what="levels examples")
    for section in ("coffee_shop", "cost_per_click", "explorer"):
        if not isinstance(data.get(section), dict):
            raise ContentError(f"{path.name} has no section {section!r}.")
    explorer = data["explorer"]
    levels = explorer.get("levels") or {}
    for level in LEVELS:
        if not isinstance(levels.get(level), dict):
            raise ContentError(f"{path.name}: explorer.levels is missing the level {level!r}.")
        require_number(levels[level].get("conversion"), f"explorer.levels.{level}.conversion", minimum=0, maximum=1)
        for key in ("media_cost", "creative_cost"):
            require_number(levels[level].get(key), f"explorer.levels.{level}.{key}", minimum=0)
    require_number(explorer.get("margin"), "explorer.margin", minimum=0, maximum=1, inclusive=False)
    require_positive_int(explorer.get("min_size"), "explorer.min_size")
    return data


def _given(value: Any) -> bool:
    return value is not None and value != ANY


def level_masks(customers: pd.DataFrame, age: tuple[int, int] | None = None, interest: str | None = None,
                neighbourhood: str | None = None, life_event: str | None = None) -> pd.DataFrame:
    """Who is still reached at each level: one True/False column per level, each inside the previous one.

    Segment = an inclusive age band, niche = an interest (column ``interest_<name>``),
    micro = a neighbourhood and/or a life event. ``None`` or ``"(any)"`` adds no condition.

    Examples
    --------
    >>> people = pd.DataFrame({"age": [22, 30, 41], "interest_fitness": [True, False, True],
    ...                        "neighbourhood": ["A", "A", "B"], "life_event": ["none"] * 3})
    >>> level_masks(people, age=(20, 35), interest="fitness").sum().tolist()
    [3, 2, 1, 1]
    """
    require_dataframe(customers, "customers")
    mass = segment = pd.Series(True, index=customers.index)
    if _given(age):
        if not isinstance(age, (tuple, list)) or len(age) != 2:
            raise TypeError(f"age must be a pair (lowest, highest), got {age!r}.")
        if age[0] > age[1]:
            raise ValueError(f"age: the lowest age is above the highest ({age[0]} > {age[1]}).")
        require_columns(customers, ["age"], "customers")
        segment = mass & customers["age"].between(age[0], age[1])
    niche = segment
    if _given(interest):
        require_columns(customers, [f"interest_{interest}"], "customers")
        niche = segment & customers[f"interest_{interest}"].astype(bool)
    micro = niche
    for column, value in (("neighbourhood", neighbourhood), ("life_event", life_event)):
        if _given(value):
            require_columns(customers, [column], "customers")
            if value not in set(customers[column]):
                raise ValueError(f"{column} {value!r} is not in customers; choose from {sorted(set(customers[column]))}.")
            micro = micro & (customers[column] == value)
    return pd.DataFrame({"mass": mass, "segment": segment, "niche": niche, "micro": micro})


def levels_report(customers: pd.DataFrame, transactions: pd.DataFrame, category: str = "sportswear",
                  age: tuple[int, int] | None = None, interest: str | None = None, neighbourhood: str | None = None,
                  life_event: str | None = None, assumptions: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Reach, in-market rate, expected sales, cost and profit of promoting ``category`` at the four levels.

    The rules are those of :func:`level_masks`; a customer who bought ``category`` in the in-market window
    is "in the market"; ``assumptions`` default to the ``explorer`` section of :func:`load_levels_examples`.
    Returns one row per level: ``reach``, ``share_of_market``, ``in_market_rate``, ``conversion``,
    ``response_rate``, ``expected_sales``, ``cost_per_target``, ``total_cost``, ``cost_per_sale``,
    ``expected_profit``, ``too_small`` (reach under ``min_size``). A level that adds no condition keeps
    the previous level's offer and costs.
    """
    assumptions = load_levels_examples()["explorer"] if assumptions is None else assumptions
    levels = level_masks(customers, age, interest, neighbourhood, life_event)
    require_columns(customers, ["customer_id"], "customers")
    require_dataframe(transactions, "transactions")
    require_columns(transactions, ["customer_id", "date", "category", "amount"], "transactions")
    if category not in set(transactions["category"]):
        raise ValueError(f"category {category!r} is not in transactions; "
                         f"choose from {sorted(map(str, set(transactions['category'])))}.")
    window = assumptions["in_market_window"]
    recent = transactions[transactions["date"].between(window["start"], window["end"])]
    bought = recent[recent["category"] == category]
    if bought.empty:
        raise ValueError(f"no {category!r} purchases between {window['start']} and {window['end']}; widen the window.")
    in_market = customers["customer_id"].isin(bought["customer_id"])
    value_per_sale = bought["amount"].mean() * assumptions["margin"]

    # a level without its own condition keeps the offer (and the costs) of the level above it
    narrows = [True, _given(age), _given(interest), _given(neighbourhood) or _given(life_event)]
    offer = pd.Series([lv if n else None for lv, n in zip(LEVELS, narrows)], index=list(LEVELS)).ffill()
    costs = pd.DataFrame(assumptions["levels"]).T.loc[offer].set_index(offer.index)
    report = pd.DataFrame({"reach": levels.sum()})
    report.index.name = "level"
    reach = report["reach"]
    report["share_of_market"] = reach / len(customers)
    report["in_market_rate"] = (levels[in_market].sum() / reach).fillna(0.0)
    report["conversion"] = costs["conversion"].astype(float)
    report["response_rate"] = report["in_market_rate"] * report["conversion"]
    report["expected_sales"] = reach * report["response_rate"]
    report["cost_per_target"] = costs["media_cost"] + (costs["creative_cost"] / reach).where(reach > 0, 0.0)
    report["total_cost"] = reach * report["cost_per_target"]
    report["cost_per_sale"] = report["total_cost"] / report["expected_sales"].where(report["expected_sales"] > 0)
    report["expected_profit"] = report["expected_sales"] * value_per_sale - report["total_cost"]
    report["too_small"] = reach < assumptions["min_size"]
    return report


def rupees(amount: float, decimals: int = 0) -> str:
    """Format an amount in rupees for a reader: ``₹1,234``, a loss as ``−₹962``, a missing value as ``–``.

    Examples
    --------
    >>> rupees(26123.3), rupees(-962.15), rupees(1.4, 2), rupees(float("nan"))
    ('₹26,123', '−₹962', '₹1.40', '–')
    """
    if amount is None or pd.isna(amount):
        return "–"
    text = f"₹{abs(amount):,.{decimals}f}"
    return f"−{text}" if round(amount, decimals) < 0 else text


def format_report(report: pd.DataFrame) -> pd.DataFrame:
    """A :func:`levels_report` as a table of text for a reader: counts with separators, rates in %, money in ₹.

    Examples
    --------
    >>> r = pd.DataFrame({"reach": [50000], "share_of_market": [1.0], "in_market_rate": [0.1477],
    ...                   "response_rate": [0.003], "expected_sales": [147.7], "cost_per_target": [1.4],
    ...                   "total_cost": [70000.0], "cost_per_sale": [float("nan")], "expected_profit": [-962.1],
    ...                   "too_small": [False]}, index=pd.Index(["mass"], name="level"))
    >>> format_report(r).loc["mass"].tolist()
    ['50,000', '100.0%', '14.8%', '0.30%', '147.7', '₹1.40', '₹70,000', '–', '−₹962', '']
    """
    require_columns(report, ["reach", "share_of_market", "in_market_rate", "response_rate", "expected_sales",
                             "cost_per_target", "total_cost", "cost_per_sale", "expected_profit", "too_small"],
                    "report")
    return pd.DataFrame({
        "people reached": report["reach"].map("{:,}".format),
        "share of market": report["share_of_market"].map("{:.1%}".format),
        "in the market": report["in_market_rate"].map("{:.1%}".format),
        "response rate": report["response_rate"].map("{:.2%}".format),
        "expected sales": report["expected_sales"].map("{:,.1f}".format),
        "cost per person": report["cost_per_target"].map(lambda v: rupees(v, 2)),
        "total cost": report["total_cost"].map(rupees),
        "cost per sale": report["cost_per_sale"].map(rupees),
        "expected profit": report["expected_profit"].map(rupees),
        "note": report["too_small"].map({True: "too small", False: ""}),
    }, index=report.index)


def plot_levels(report: pd.DataFrame, title: str | None = None, fig: Any = None) -> Any:
    """Two bar charts of a :func:`levels_report` on ``fig`` (a new Figure if None): who is reached, and the profit.

    Draws on a :class:`matplotlib.figure.Figure`, never on pyplot's global state, so an explorer can
    redraw it on every change.

    Examples
    --------
    >>> r = pd.DataFrame({"reach": [100, 10], "expected_profit": [5.0, -1.0]}, index=["mass", "micro"])
    >>> [ax.get_title() for ax in plot_levels(r).axes]
    ['Who is still reached', 'Expected profit per level']
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 (keep importing the module fast)
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415

    require_columns(report, ["reach", "expected_profit"], "report")
    fig = Figure(figsize=(11, 3.8), layout="constrained") if fig is None else fig
    left, right = fig.subplots(1, 2)
    names = [str(level) for level in report.index]
    reach, profit = report["reach"], report["expected_profit"]
    left.barh(names, reach, color="tab:blue")
    left.set(title="Who is still reached", xlabel="customers reached (people)")
    left.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    right.barh(names, profit, color=np.where(profit >= 0, "tab:green", "tab:red"))
    right.axvline(0, color="black", linewidth=0.8)
    right.set(title="Expected profit per level", xlabel="expected profit in ₹ (margin on sales minus total cost)")
    right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: rupees(v)))
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    for ax, values, fmt in ((left, reach, "{:,.0f}".format), (right, profit, rupees)):
        ax.invert_yaxis()  # the widest level on top
        ax.tick_params(labelsize=10)
        ax.bar_label(ax.containers[0], labels=[fmt(v) for v in values], padding=3, fontsize=9)
        ax.use_sticky_edges = ax is left  # profit bars: room on both sides of zero for the labels
        ax.margins(x=0.25)
    if title:
        fig.suptitle(title)
    return fig


def summary(report: pd.DataFrame, min_size: int) -> str:
    """What a :func:`levels_report` says, as Markdown: the best level (or that every level loses money), the cheapest sale.

    Examples
    --------
    >>> r = pd.DataFrame({"reach": [100, 10], "expected_profit": [-50.0, -8.0], "cost_per_sale": [90.0, 40.0],
    ...                   "too_small": [False, True]}, index=["mass", "micro"])
    >>> print(summary(r, min_size=20))
    **Every level loses money** on these settings: the smallest loss is at the micro level (−₹8 from 10 people). Do not run this campaign as it stands. Lowest cost per sale: micro (₹40). Too small (under 20 people): micro: fixed costs swamp the sales, and a tiny group is a privacy risk.
    """
    require_columns(report, ["reach", "expected_profit", "cost_per_sale", "too_small"], "report")
    profit = report["expected_profit"]
    best = profit.idxmax()
    people = f"{int(report.loc[best, 'reach']):,} people"
    if profit[best] > 0:
        text = f"Highest expected profit: **{best}** ({rupees(profit[best])} from {people})."
    elif profit[best] == 0:
        text = f"**No level makes a profit**: at best the {best} level breaks even ({people})."
    else:
        text = (f"**Every level loses money** on these settings: the smallest loss is at the {best} level "
                f"({rupees(profit[best])} from {people}). Do not run this campaign as it stands.")
    per_sale = report["cost_per_sale"].dropna()
    if not per_sale.empty:
        text += f" Lowest cost per sale: {per_sale.idxmin()} ({rupees(per_sale.min())})."
    small = report.index[report["too_small"]].tolist()
    if small:
        text += (f" Too small (under {min_size} people): {', '.join(small)}: fixed costs swamp the sales, "
                 "and a tiny group is a privacy risk.")
    return text


def levels_explorer(customers: pd.DataFrame, transactions: pd.DataFrame, **defaults: Any) -> Any:
    """An :class:`~course_lib.learning.explorer.Explorer` that narrows the market and redraws the level report.

    ``defaults`` override the starting view of ``levels_examples.yaml``
    (``category``, ``age``, ``interest``, ``neighbourhood``, ``life_event``). The age band is two number
    boxes (youngest, oldest). ``explorer.latest["report"]`` is the current :func:`levels_report`.
    """
    import ipywidgets as w  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    assumptions = load_levels_examples()["explorer"]
    start = {**assumptions["defaults"], **defaults}
    unknown = set(start) - {"category", "age", "interest", "neighbourhood", "life_event"}
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}.")
    style, wide = {"description_width": "170px"}, w.Layout(width="440px")

    def dropdown(label: str, values: list[str], value: Any) -> Any:
        return w.Dropdown(options=values, value=value or values[0], description=label, style=style, layout=wide)

    def age_box(label: str, value: int) -> Any:
        return w.BoundedIntText(value=value, min=ages[0], max=ages[1], description=label, style=style,
                                layout=w.Layout(width="300px"), continuous_update=False)

    interests = sorted(c.removeprefix("interest_") for c in customers.columns if c.startswith("interest_"))
    ages = (int(customers["age"].min()), int(customers["age"].max()))
    band = tuple(start["age"] or ages)
    latest: dict[str, pd.DataFrame] = {}

    def draw(fig: Any, category: str, youngest: int, oldest: int, interest: str, neighbourhood: str,
             life_event: str) -> tuple[str, pd.DataFrame]:
        if youngest > oldest:
            raise ValueError(f"the youngest age ({youngest}) is above the oldest ({oldest}); swap them.")
        report = levels_report(customers, transactions, category, (youngest, oldest), interest, neighbourhood,
                               life_event)
        latest["report"] = report
        plot_levels(report, title=f"Promoting {category.replace('_', ' ')}: four levels of the same market", fig=fig)
        return summary(report, assumptions["min_size"]), format_report(report)

    controls = {
        "category": dropdown("Product we promote", sorted(map(str, set(transactions["category"]))),
                             start["category"]),
        "youngest": age_box("Segment: youngest age", band[0]),
        "oldest": age_box("Segment: oldest age", band[1]),
        "interest": dropdown("Niche: interest", [ANY, *interests], start["interest"]),
        "neighbourhood": dropdown("Micro: neighbourhood", [ANY, *sorted(set(customers["neighbourhood"]))],
                                  start["neighbourhood"]),
        "life_event": dropdown("Micro: life event", [ANY, *sorted(set(customers["life_event"]))],
                               start["life_event"]),
    }
    explorer = Explorer(controls, draw, title="Narrow the market yourself", figsize=(11, 3.8))
    explorer.latest = latest
    return explorer


def answers(q3_scenario: Mapping[str, Any]) -> dict[str, Any]:
    """The right answers of the workbook (q1 ``niche_reach``, q2 ``cost_per_sale``, q3 ``best_level``) and the facts its messages quote."""
    from course_lib.market.datasets import load_customers, load_transactions  # noqa: PLC0415

    customers = load_customers()
    niche_reach = int((customers["age"].between(25, 34) & customers["interest_fitness"]).sum())
    keywords = pd.DataFrame(load_levels_examples()["cost_per_click"]["keywords"]).set_index("keyword")
    cost_per_sale = keywords["cpc"] / keywords["conversion_rate"]
    scenario = {k: tuple(v) if isinstance(v, list) else v for k, v in q3_scenario.items()}
    report = levels_report(customers, load_transactions(), **scenario)
    best = report["expected_profit"].idxmax()
    cheap, dear = cost_per_sale.idxmin(), cost_per_sale.idxmax()
    middle = best not in (LEVELS[0], LEVELS[-1])
    return {
        "niche_reach": niche_reach, "n_customers": len(customers), "niche_share": niche_reach / len(customers),
        "cost_per_sale": cost_per_sale, "cheap_keyword": cheap, "cheap_cost": cost_per_sale[cheap],
        "dear_keyword": dear, "dear_cost": cost_per_sale[dear], "cost_ratio": cost_per_sale[dear] / cost_per_sale[cheap],
        "best_level": best, "best_profit": report.loc[best, "expected_profit"], "best_reach": int(report.loc[best, "reach"]),
        "levels": list(LEVELS), "n_levels": len(LEVELS), "best_position": LEVELS.index(best),
        "highest_response_level": report["response_rate"].idxmax(), "cheapest_sale_level": report["cost_per_sale"].idxmin(),
        "widest_level": report["reach"].idxmax(), "worst_level": report["expected_profit"].idxmin(),
        "balance": ": the best balance of reach and relevance here is neither the widest nor the narrowest level"
                   if middle else "",
    }


def wrong_answers(q3_scenario: Mapping[str, Any]) -> dict[str, Any]:
    """What the typical mistakes of q1 and q2 give (computed only when an answer is wrong)."""
    from course_lib.market.datasets import load_customers  # noqa: PLC0415

    c = load_customers()
    fit = c["interest_fitness"]
    niche = c["age"].between(25, 34) & fit
    kw = pd.DataFrame(load_levels_examples()["cost_per_click"]["keywords"]).set_index("keyword")
    return {
        "age_only": int(c["age"].between(25, 34).sum()), "fitness_only": int(fit.sum()),
        "age_or_fitness": int((c["age"].between(25, 34) | fit).sum()),
        "band_25_33": int((c["age"].between(25, 33) & fit).sum()), "band_26_34": int((c["age"].between(26, 34) & fit).sum()),
        "band_25_35": int((c["age"].between(25, 35) & fit).sum()), "niche_percent": 100 * niche.mean(),
        "cpc": kw["cpc"], "cpc_times_rate": kw["cpc"] * kw["conversion_rate"],
        "sales_per_dollar": kw["conversion_rate"] / kw["cpc"], "rate_as_percent": kw["cpc"] / (100 * kw["conversion_rate"]),
    }
