"""Chapter 16 (four shorter cases): the cleaning and results the notebook and its workbook share.

* clothing: :func:`clean_clothing_orders`, :func:`shopper_segments`;
* B2B: :func:`clean_b2b`, :func:`abm_result`;
* :func:`plot_tailored_vs_generic` and :func:`short_case_explorer` (a case picker);
* :func:`answers` / :func:`wrong_answers` for the checks declared in
  ``data/exercises/16-case-short-cases.yaml``.

The plans of the four cases are content: ``data/content/case-short.yaml``.

Examples
--------
>>> sorted(read_yaml(content_path("case-short")))
['b2b', 'clothing', 'edtech', 'fitness']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.cleaning import company_key, standardise_labels
from course_lib.analysis.features import customer_features
from course_lib.analysis.metrics import ctr
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe, require_no_missing, require_number
from course_lib.learning.explorer import Explorer
from course_lib.market.datasets import load_case

__all__ = ["clean_clothing_orders", "shopper_segments", "clean_b2b", "abm_result", "plot_tailored_vs_generic",
           "short_case_explorer", "answers", "wrong_answers"]


def clean_clothing_orders(orders: pd.DataFrame, categories: Sequence[str], *,
                          variants: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The audited orders of the clothing case.

    Drops exact duplicate rows (keeping the first), orders with a missing or negative
    ``amount`` (returns booked as orders), maps ``category`` spellings onto
    ``categories`` (``variants`` maps what normalisation cannot fix) and adds
    ``discount_used`` (``discount_pct`` > 0).

    Examples
    --------
    >>> o = pd.DataFrame({"amount": [100.0, 100.0, None, -5.0, 80.0], "discount_pct": [0, 0, 10, 0, 20],
    ...                   "category": ["Sportswear", "Sportswear", "footwear", "footwear", "foot wear"]})
    >>> c = clean_clothing_orders(o, ["sportswear", "footwear"], variants={"foot wear": "footwear"})
    >>> c["category"].tolist(), c["discount_used"].tolist()
    (['sportswear', 'footwear'], [False, True])
    """
    require_dataframe(orders, "orders")
    require_columns(orders, ["amount", "category", "discount_pct"], "orders")
    kept = orders[~orders.duplicated().to_numpy()]
    kept = kept[(kept["amount"].notna() & (kept["amount"] > 0)).to_numpy()]
    cats = standardise_labels(kept["category"], list(categories), mapping=dict(variants or {}), unknown="raise")
    return kept.assign(category=pd.Categorical(cats, categories=list(categories)),
                       discount_used=kept["discount_pct"] > 0)


def shopper_segments(features: pd.DataFrame, *, discount_share: float = 0.8, min_orders: int = 3,
                     category_share: float = 0.5) -> pd.Series:
    """Label each shopper; the first rule that matches wins.

    1. ``discount_only``: at least ``discount_share`` of at least ``min_orders`` orders discounted;
    2. ``sportswear_buyers`` / 3. ``ethnic_wear_buyers``: at least ``category_share`` of spend there;
    4. ``everyone_else``.

    ``features`` comes from :func:`course_lib.analysis.features.customer_features`.

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [1, 4], "discount_share": [1.0, 0.2], "share_sportswear": [0.9, 0.1],
    ...                   "share_ethnic_wear": [0, 0.7]})
    >>> shopper_segments(f).tolist()
    ['sportswear_buyers', 'ethnic_wear_buyers']
    """
    cols = ["orders", "discount_share", "share_sportswear", "share_ethnic_wear"]
    require_dataframe(features, "features")
    require_no_missing(features, cols, "features")
    for name, value in (("discount_share", discount_share), ("category_share", category_share)):
        require_number(value, name, minimum=0, maximum=1, inclusive=True)
    require_number(min_orders, "min_orders", minimum=1)
    rules = [(features["discount_share"] >= discount_share) & (features["orders"] >= min_orders),
             features["share_sportswear"] >= category_share, features["share_ethnic_wear"] >= category_share]
    labels = np.select([r.to_numpy() for r in rules], ["discount_only", "sportswear_buyers", "ethnic_wear_buyers"],
                       "everyone_else")
    return pd.Series(labels, index=features.index, name="segment")


def clean_b2b(accounts: pd.DataFrame, engagement: pd.DataFrame,
              regions: Mapping[str, Sequence[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge companies listed twice (with their engagement) and fill missing regions from the city.

    Companies are the same when :func:`course_lib.analysis.cleaning.company_key` matches
    ('Pvt Ltd' vs 'Private Limited'). The copy's id becomes the first id everywhere and
    its engagement is added to the original's: counts summed, a meeting or a win in
    either row counts, the shortest sales cycle kept. ``regions`` maps a region to its
    cities. Returns (accounts, engagement per account and phase).

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["A1", "A2"], "company": ["Om Steel Pvt Ltd", "OM STEEL PRIVATE LIMITED"],
    ...                     "region": [None, "West"], "city": ["Pune", "Pune"]})
    >>> eng = pd.DataFrame({"account_id": ["A1", "A2"], "phase": ["p", "p"], "emails_sent": [2, 3],
    ...                     "deal_won": [False, True], "sales_cycle_days": [None, 90.0]})
    >>> a, e = clean_b2b(acc, eng, {"West": ["Pune"]})
    >>> a[["account_id", "region"]].values.tolist(), e[["emails_sent", "deal_won"]].values.tolist()
    ([['A1', 'West']], [[5, True]])
    """
    require_columns(require_dataframe(accounts, "accounts"), ["account_id", "company", "region", "city"], "accounts")
    require_columns(require_dataframe(engagement, "engagement"), ["account_id", "phase"], "engagement")
    if not isinstance(regions, Mapping):
        raise TypeError(f"regions must be a dict of region -> cities, got {type(regions).__name__}.")
    key = company_key(accounts["company"])
    first = accounts.groupby(key.to_numpy(), sort=False)["account_id"].transform("first")
    city_region = {city: region for region, cities in regions.items() for city in cities}
    kept = accounts[~key.duplicated().to_numpy()]
    filled = kept["region"].astype(object).where(kept["region"].notna(), kept["city"].astype(object).map(city_region))
    if filled.isna().any():
        raise ValueError(f"no region known for the city of {int(filled.isna().sum())} account(s); add it to regions.")
    dtype = accounts["region"].dtype if isinstance(accounts["region"].dtype, pd.CategoricalDtype) else object
    kept = kept.assign(region=filled.astype(dtype))
    eng = engagement.assign(account_id=engagement["account_id"].map(dict(zip(accounts["account_id"], first,
                                                                             strict=True))))
    if eng["account_id"].isna().any():
        raise ValueError("engagement has account ids that are not in accounts.")
    how = {c: "max" if pd.api.types.is_bool_dtype(eng[c]) else "min" if c == "sales_cycle_days" else "sum"
           for c in eng.columns if c not in ("account_id", "phase")}
    merged = eng.groupby(["account_id", "phase"], observed=True, sort=False).agg(how).reset_index()
    return kept.reset_index(drop=True), merged


def abm_result(accounts: pd.DataFrame, engagement: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Account-based result per phase (and ``by`` group of ``accounts``, e.g. ``"tier"``).

    One row per (group,) phase: ``accounts``, ``ad_ctr``, ``reply_rate``, ``meeting_rate``,
    ``win_rate`` (shares of accounts), ``meetings``, ``deals``, ``deal_value_lakh`` (total)
    and ``cycle_days`` (mean days to win, won deals only).

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["A", "B"]})
    >>> eng = pd.DataFrame({"account_id": ["A", "B"], "phase": ["p", "p"], "ad_impressions": [100, 100],
    ...                     "ad_clicks": [1, 3], "emails_sent": [2, 2], "email_replies": [1, 0],
    ...                     "meeting_held": [True, False], "deal_won": [True, False],
    ...                     "deal_value_lakh": [20.0, 0.0], "sales_cycle_days": [80.0, None]})
    >>> abm_result(acc, eng)[["ad_ctr", "win_rate", "cycle_days"]].values.tolist()
    [[0.02, 0.5, 80.0]]
    """
    needed = ["account_id", "phase", "ad_impressions", "ad_clicks", "emails_sent", "email_replies",
              "meeting_held", "deal_won", "deal_value_lakh", "sales_cycle_days"]
    require_columns(require_dataframe(engagement, "engagement"), needed, "engagement")
    cols = ["account_id"] + ([by] if by else [])
    require_columns(require_dataframe(accounts, "accounts"), cols, "accounts")
    if accounts["account_id"].duplicated().any():
        raise ValueError("accounts has duplicate account_id values; merge the duplicates first (clean_b2b).")
    merged = engagement[needed].merge(accounts[cols], on="account_id", how="inner", validate="many_to_one")
    g = merged.groupby(([by] if by else []) + ["phase"], observed=True, sort=True)
    return pd.DataFrame({
        "accounts": g.size(),
        "ad_ctr": ctr(g["ad_clicks"].sum(), g["ad_impressions"].sum()),
        "reply_rate": g["email_replies"].sum() / g["emails_sent"].sum().replace(0, np.nan),
        "meeting_rate": g["meeting_held"].mean(), "win_rate": g["deal_won"].mean(),
        "meetings": g["meeting_held"].sum().astype("int64"), "deals": g["deal_won"].sum().astype("int64"),
        "deal_value_lakh": g["deal_value_lakh"].sum(), "cycle_days": g["sales_cycle_days"].mean(),
    }).reset_index()


def _rate_columns(comparison: pd.DataFrame) -> list[str]:
    rates = [c for c in comparison.columns if str(c).startswith("rate_")]
    if len(rates) != 2 or not {"lift", "significant"} <= set(comparison.columns):
        raise ValueError("comparison must come from course_lib.analysis.casework.compare_creatives "
                         "(two rate_<variant> columns, lift and significant).")
    return rates


def plot_tailored_vs_generic(comparison: pd.DataFrame, *, title: str = "Tailored vs generic",
                             unit: str = "response rate", ax: Any = None) -> Any:
    """Bars of the two rates per segment (from ``compare_creatives``), the relative lift written on top.

    >>> plot_tailored_vs_generic(comparison, unit="orders per email sent")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415

    rates = _rate_columns(require_dataframe(comparison, "comparison"))
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    pos = np.arange(len(comparison))
    for shift, col, colour in ((-0.2, rates[0], "#bdbdbd"), (0.2, rates[1], "#3182bd")):
        ax.bar(pos + shift, comparison[col], width=0.4, color=colour,
               label=col.removeprefix("rate_").replace("_", " "))
    for x, (top, lift, sig) in enumerate(zip(comparison[rates].max(axis=1), comparison["lift"],
                                             comparison["significant"], strict=True)):
        text = "n/a" if not np.isfinite(lift) else f"{lift:+.0%}{'' if sig else ' (n.s.)'}"
        ax.annotate(text, (x, top), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    ax.set_xticks(pos, [str(s).replace("_", " ") for s in comparison.index], fontsize=9)
    top = float(comparison[rates].to_numpy().max())
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if top >= 0.01 else 2 if top >= 0.001 else 3))
    ax.set_ylim(0, top * 1.25)
    ax.set(xlabel="micro-segment", ylabel=unit, title=title)
    ax.legend(loc="upper right", fontsize=9)
    return ax


def short_case_explorer(comparisons: Mapping[str, tuple[pd.DataFrame, str]]) -> Explorer:
    """An :class:`~course_lib.learning.explorer.Explorer` with a "Case" picker (case label -> (comparison, unit),
    comparisons from ``compare_creatives``) that redraws :func:`plot_tailored_vs_generic` and a one-line summary.

    >>> comp = pd.DataFrame({"rate_generic": [0.01, 0.02], "rate_tailored": [0.02, 0.02], "lift": [1.0, 0.0],
    ...                      "significant": [True, False]}, index=["a", "b"])
    >>> short_case_explorer({"A. shop": (comp, "orders per email")}).result
    'A. shop: the biggest relative lift is in **a** (+100%); 1 of 2 segments differ significantly at 5%.'
    """
    import ipywidgets as widgets  # noqa: PLC0415

    if not isinstance(comparisons, Mapping) or not comparisons:
        raise ValueError("comparisons must be a non-empty dict of case label -> (comparison, unit).")
    for label, item in comparisons.items():
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], pd.DataFrame)):
            raise TypeError(f"comparisons[{label!r}] must be a (DataFrame, unit) pair.")
        _rate_columns(item[0])
    picker = widgets.Dropdown(options=list(comparisons), description="Case", style={"description_width": "initial"},
                              layout=widgets.Layout(width="400px"))

    def draw(fig: Any, case: str) -> str:
        comp, unit = comparisons[case]
        plot_tailored_vs_generic(comp, title=f"{case}: tailored vs generic", unit=unit, ax=fig.subplots())
        best = comp["lift"].idxmax()
        return (f"{case}: the biggest relative lift is in **{str(best).replace('_', ' ')}** "
                f"({comp.loc[best, 'lift']:+.0%}); {int(comp['significant'].sum())} of {len(comp)} segments "
                "differ significantly at 5%.")

    return Explorer({"case": picker}, draw, title="Case picker", figsize=(8.0, 4.0))


# --------------------------------------------------------------------------- the workbook's answers

_FEATURES = {"customer": "shopper_id", "date": "order_date", "channel": None, "discount": "discount_used"}


def _clothing() -> tuple[Any, dict[str, Any], pd.DataFrame, pd.DataFrame]:
    case = load_case("clothing")
    plan = read_yaml(content_path("case-short"), what="short-case plans")["clothing"]
    clean = clean_clothing_orders(case.orders, case.params["categories"], variants=plan["category_variants"])
    return case, plan, clean, customer_features(clean, **_FEATURES)


def _fitness() -> tuple[pd.DataFrame, pd.DataFrame]:
    ads = load_case("fitness").area_campaign
    return (ads[(ads["creative"] == "break_time_workout").to_numpy()].set_index("area"),
            ads[(ads["creative"] == "generic_fitness").to_numpy()].set_index("area"))


def _b2b() -> tuple[pd.DataFrame, Any]:
    case = load_case("b2b")
    return abm_result(*clean_b2b(case.accounts, case.engagement, case.params["regions"])).set_index("phase"), case


def _edtech() -> tuple[pd.DataFrame, pd.DataFrame]:
    case = load_case("edtech")
    sent = case.reminders.merge(case.users[["user_id", "persona"]], on="user_id", how="left")
    rates = sent.groupby(["persona", "variant"], observed=True)["completed_signup"].mean().unstack()
    return sent, rates


def answers() -> dict[str, Any]:
    """The right answers of q1-q4 and the facts the messages quote.

    >>> answers()["best_area"]
    'Magarpatta'
    """
    _, plan, _, features = _clothing()
    bt, _ = _fitness()
    res, _ = _b2b()
    _, rates = _edtech()
    return {
        "n_sportswear": int((shopper_segments(features, **plan["rules"]) == "sportswear_buyers").sum()),
        "best_area": str((bt["spend"] / bt["paid_subscriptions"]).idxmin()), "areas": [str(a) for a in bt.index],
        "win_rate_gain": float(res.loc["micro_2025", "win_rate"] - res.loc["broad_2024", "win_rate"]),
        "win_rate_gain_pp": 100 * float(res.loc["micro_2025", "win_rate"] - res.loc["broad_2024", "win_rate"]),
        "persona": str((rates["personalised"] - rates["generic"]).idxmax()),
        "personas": [str(p) for p in rates.index],
    }


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong).

    >>> wrong_answers()["gain_deals"]
    18.0
    """
    case, plan, clean, features = _clothing()
    rules, share = plan["rules"], plan["rules"]["category_share"]
    raw = case.orders.drop_duplicates()
    raw = raw[(raw["amount"].notna() & (raw["amount"] > 0)).to_numpy()]
    raw = raw.assign(category=raw["category"].astype(str), discount_used=raw["discount_pct"] > 0)
    order_share = (clean["category"] == "sportswear").groupby(clean["shopper_id"]).mean().reindex(features.index)
    is_sport = shopper_segments(features, **rules) == "sportswear_buyers"
    bt, gen = _fitness()
    cost = bt["spend"] / bt["paid_subscriptions"]
    both = load_case("fitness").area_campaign.groupby("area", observed=True)[["clicks", "paid_subscriptions"]].sum()
    res, b2b = _b2b()
    win, raw_win = res["win_rate"], b2b.engagement.groupby("phase", observed=True)["deal_won"].mean()
    gain = win["micro_2025"] - win["broad_2024"]
    sent, rates = _edtech()
    counts = sent.groupby(["persona", "variant"], observed=True)["completed_signup"].sum().unstack()
    persona_gain = rates["personalised"] - rates["generic"]
    return {
        "no_priority": int((features["share_sportswear"] >= share).sum()),
        "no_std": int((shopper_segments(customer_features(raw, **_FEATURES), **rules) == "sportswear_buyers").sum()),
        "order_share": int((shopper_segments(features.assign(share_sportswear=order_share), **rules)
                            == "sportswear_buyers").sum()),
        "any_sportswear": int((features["share_sportswear"] > 0).sum()),
        "sport_orders": int(features.loc[is_sport, "orders"].sum()), "shoppers": len(features),
        "area_lift": str((bt["paid_subscriptions"] / bt["impressions"]
                          / (gen["paid_subscriptions"] / gen["impressions"])).idxmax()),
        "area_worst": str(cost.idxmax()), "area_clicks": str(bt["clicks"].idxmax()),
        "area_both_subs": str(both["paid_subscriptions"].idxmax()), "area_both_clicks": str(both["clicks"].idxmax()),
        "gain_percent": 100 * gain, "gain_reversed": -gain,
        "gain_raw": float(raw_win["micro_2025"] - raw_win["broad_2024"]),
        "gain_ratio": float(win["micro_2025"] / win["broad_2024"]),
        "gain_relative": float(win["micro_2025"] / win["broad_2024"]) - 1,
        "gain_meetings": float(res.loc["micro_2025", "meeting_rate"] - res.loc["broad_2024", "meeting_rate"]),
        "gain_deals": float(res.loc["micro_2025", "deals"] - res.loc["broad_2024", "deals"]),
        "win_micro": float(win["micro_2025"]),
        "persona_top_rate": str(rates["personalised"].idxmax()),
        "persona_most_users": str(sent.groupby("persona", observed=True).size().idxmax()),
        "persona_most_extra": str((counts["personalised"] - counts["generic"]).idxmax()),
        "persona_least": str(persona_gain.idxmin()),
    }
