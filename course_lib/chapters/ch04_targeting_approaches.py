"""Chapter 04 (targeting approaches): the workbook's candidate audiences and the answers its checks compare with.

The checks are declared in ``data/exercises/04-targeting-approaches.yaml``;
the lesson itself (audiences as True/False masks) is in the notebook.

Examples
--------
>>> sorted(ORGANIC_AUDIENCES)[:2]
['behavioural', 'demographic']
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

__all__ = ["ORGANIC_AUDIENCES", "organic_plans", "answers", "wrong_answers"]

#: The candidate audiences of q3: rules on the customers table plus the flag ``organic_buyer``.
ORGANIC_AUDIENCES: dict[str, str | None] = {
    "everyone": None,
    "demographic": "education == 'postgraduate' and income_band in ['6L_12L', '12L_25L', 'above_25L']",
    "geographic": "neighbourhood in ['Dharampeth', 'Ramdaspeth', 'Civil Lines']",
    "behavioural": "organic_buyer",
    "psychographic": "interest_eco",
}


@functools.lru_cache(maxsize=2)
def organic_plans(creative: str = "organic_delivery", channel: str = "email", budget: float = 3000.0,
                  seeds: int = 10) -> pd.DataFrame:
    """The q3 comparison: :data:`ORGANIC_AUDIENCES` with one creative, channel and budget, averaged over seeds."""
    from course_lib.analysis.targeting import add_flags, compare_audiences, purchase_audience  # noqa: PLC0415
    from course_lib.market.datasets import load_customers, load_transactions  # noqa: PLC0415

    buyers = purchase_audience(load_transactions(), "organic_food", start="2025-01-01")
    customers = add_flags(load_customers(), organic_buyer=buyers)
    return compare_audiences(customers, ORGANIC_AUDIENCES, creative, channel, budget, seeds=seeds)


def _distances(store_id: str) -> tuple[pd.DataFrame, pd.Series]:
    from course_lib.analysis.geo import haversine_km  # noqa: PLC0415
    from course_lib.analysis.targeting import stores  # noqa: PLC0415
    from course_lib.market.datasets import load_customers  # noqa: PLC0415

    customers = load_customers()
    store = stores().set_index("store_id").loc[store_id]
    return customers, pd.Series(haversine_km(customers["lat"], customers["lon"], store["lat"], store["lon"]))


def _sportswear() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    from course_lib.market.datasets import load_events  # noqa: PLC0415

    events = load_events()
    return events, events["product_category"] == "sportswear", events["event"] == "cart_abandoned"


def answers(store_id: str, radius_km: float, creative: str, channel: str, budget: float, seeds: int,
            **_: Any) -> dict[str, Any]:
    """The right answers (``n_nearby``, ``n_abandoners``, ``best_audience``) and the facts the messages quote."""
    customers, dist = _distances(store_id)
    events, sport, abandoned = _sportswear()
    table = organic_plans(creative, channel, float(budget), int(seeds))
    best = table["roas"].idxmax()
    return {
        "n_nearby": int((dist <= radius_km).sum()), "nearby_share": float((dist <= radius_km).mean()),
        "n_abandoners": int(events.loc[abandoned & sport, "customer_id"].nunique()),
        "best_audience": best, "best_roas": float(table["roas"].max()), "audiences": list(table.index),
        "n_audiences": len(table), "everyone_roas": float(table.loc["everyone", "roas"]),
        "lowest_roas_audience": table["roas"].idxmin(), "most_conversions_audience": table["conversions"].idxmax(),
        "most_revenue_audience": table["revenue"].idxmax(), "smallest_audience": table["audience_size"].idxmin(),
        "lowest_spend_audience": table["spend"].idxmin(),
    }


def wrong_answers(store_id: str, radius_km: float, store_pin_code: str, **_: Any) -> dict[str, Any]:
    """What the typical mistakes of q1 and q2 give (computed only when an answer is wrong)."""
    customers, dist = _distances(store_id)
    events, sport, abandoned = _sportswear()

    def buyers(event: str, only_sport: bool = True) -> int:
        keep = (events["event"] == event) & (sport if only_sport else True)
        return int(events.loc[keep, "customer_id"].nunique())

    return {
        "everyone": len(dist), "within_diameter": int((dist <= 2 * radius_km).sum()),
        "within_half": int((dist <= radius_km / 2).sum()), "within_miles": int((dist <= radius_km * 1.609344).sum()),
        "in_pin_code": int((customers["pin_code"] == store_pin_code).sum()),
        "abandon_events": int((abandoned & sport).sum()), "any_category": buyers("cart_abandoned", False),
        "added_to_cart": buyers("add_to_cart"), "viewers": buyers("product_view"),
    }
