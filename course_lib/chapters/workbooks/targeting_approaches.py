"""Exercises for the workbook ``04-targeting-approaches``.

* ``q1`` (geographic / hyperlocal): how many customers live within 3 km of
  the Manish Nagar store, as ``n_nearby``.
* ``q2`` (behavioural): how many distinct customers abandoned a cart holding
  sportswear, as ``n_abandoners``.
* ``q3`` (choosing an approach): which audience gives the organic-delivery
  campaign the best simulated ROAS, as ``best_audience``.

Every expected value is computed from the course data when the check runs.

Examples
--------
>>> from course_lib.chapters.workbooks.targeting_approaches import q1
>>> q1.evaluate(None).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.learning.exercises import Exercise, Mismatch, expect_label, expect_number

__all__ = ["NOTEBOOK", "EXERCISES", "STORE_ID", "RADIUS_KM", "ORGANIC_AUDIENCES", "organic_plans", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "04-targeting-approaches"
#: The store and radius of q1.
STORE_ID = "S-MAN"
RADIUS_KM = 3.0
#: The candidate audiences of q3 (rules on the customers table plus the flag ``organic_buyer``).
ORGANIC_AUDIENCES: dict[str, str | None] = {
    "everyone": None,
    "demographic": "education == 'postgraduate' and income_band in ['6L_12L', '12L_25L', 'above_25L']",
    "geographic": "neighbourhood in ['Dharampeth', 'Ramdaspeth', 'Civil Lines']",
    "behavioural": "organic_buyer",
    "psychographic": "interest_eco",
}
_Q3_PLAN = {"creative": "organic_delivery", "channel": "email", "budget": 3000.0, "seeds": 10}


def _customers() -> pd.DataFrame:
    from course_lib.market.datasets import load_customers  # noqa: PLC0415 (imported when a check runs)

    return load_customers()


def _distances() -> pd.Series:
    from course_lib.analysis.geo import haversine_km  # noqa: PLC0415
    from course_lib.analysis.targeting import stores  # noqa: PLC0415

    customers = _customers()
    store = stores().set_index("store_id").loc[STORE_ID]
    return pd.Series(haversine_km(customers["lat"].to_numpy(), customers["lon"].to_numpy(), store["lat"], store["lon"]))


# --------------------------------------------------------------------------- q1: radius


def _check_nearby(value: Any) -> str:
    dist = _distances()
    expected = int((dist <= RADIUS_KM).sum())
    if isinstance(value, pd.DataFrame):
        raise Mismatch("`n_nearby` is the table of nearby customers. The question asks for how many there are: "
                       "use `len(...)` on it.")
    customers = _customers()
    in_pin = int((customers["pin_code"] == "440015").sum())
    mistakes = [
        (len(dist), "`n_nearby` is the whole customer base. The radius is in kilometres: did you pass 3000 "
                    "(metres) instead of 3?"),
        (int((dist <= 2 * RADIUS_KM).sum()), "`n_nearby` counts everyone within 6 km: 3 km is the radius, "
                                              "not the diameter."),
        (int((dist <= RADIUS_KM / 2).sum()), "`n_nearby` counts everyone within 1.5 km: the radius is 3 km "
                                              "(you halved it as if 3 km were the diameter)."),
        (int((dist <= RADIUS_KM * 1.609344).sum()), "`n_nearby` counts a 3-mile radius; the question uses 3 km."),
        (in_pin, "`n_nearby` counts the store's pin code (440015). A radius and a pin code are different "
                 "areas: use the distance to the store."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_nearby", mistakes=mistakes)
    return f"{expected:,} customers ({expected / len(dist):.1%} of the market) live within {RADIUS_KM:g} km."


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_nearby",
    topic="targeting",
    title="Customers within 3 km of the Manish Nagar store",
    checker=_check_nearby,
    hints=[
        "Find the store's lat and lon in `stores()` (store_id 'S-MAN'), then keep the customers within 3 km.",
        "`within_radius(customers, store_lat, store_lon, 3)` returns the customers inside the circle; "
        "`len(...)` counts them.",
    ],
)


# --------------------------------------------------------------------------- q2: cart abandoners


def _events() -> pd.DataFrame:
    from course_lib.market.datasets import load_events  # noqa: PLC0415

    return load_events()


def _check_abandoners(value: Any) -> str:
    events = _events()
    sport = events["product_category"] == "sportswear"
    abandoned = events["event"] == "cart_abandoned"
    expected = int(events.loc[abandoned & sport, "customer_id"].nunique())
    if isinstance(value, (pd.Index, pd.Series, list, set, tuple)) and len(value) == expected:
        raise Mismatch("`n_abandoners` holds the customers themselves. The question asks for their number: "
                       "wrap it in `len(...)`.")
    mistakes = [
        (int((abandoned & sport).sum()), "`n_abandoners` counts abandoned-cart events, not customers: some "
                                         "people abandoned more than one cart. Count distinct customer_id values."),
        (int(events.loc[abandoned, "customer_id"].nunique()), "`n_abandoners` counts everyone who abandoned a "
                                                              "cart of any category; keep only sportswear."),
        (int(events.loc[(events["event"] == "add_to_cart") & sport, "customer_id"].nunique()),
         "`n_abandoners` counts everyone who added sportswear to a cart, including those who then bought it. "
         "Use the `cart_abandoned` event."),
        (int(events.loc[(events["event"] == "product_view") & sport, "customer_id"].nunique()),
         "`n_abandoners` counts sportswear viewers. The question asks for abandoned carts."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_abandoners", mistakes=mistakes)
    return f"{expected:,} customers left sportswear in a cart between October and December 2025."


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="n_abandoners",
    topic="targeting",
    title="Sportswear cart abandoners",
    checker=_check_abandoners,
    hints=[
        "Behavioural data is in `events`: keep the `cart_abandoned` events whose product_category is "
        "'sportswear', then count each customer once.",
        "`event_audience(events, 'cart_abandoned', category='sportswear')` returns the distinct customer ids; "
        "`len(...)` counts them.",
    ],
)


# --------------------------------------------------------------------------- q3: best audience


@functools.lru_cache(maxsize=1)
def organic_plans() -> pd.DataFrame:
    """The q3 comparison: :data:`ORGANIC_AUDIENCES` x organic_delivery on email, ₹3,000, 10 runs.

    Examples
    --------
    >>> organic_plans().index.tolist()[:2]  # doctest: +SKIP
    ['everyone', 'demographic']
    """
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415
    from course_lib.analysis.targeting import add_flags, compare_audiences, purchase_audience  # noqa: PLC0415

    buyers = purchase_audience(load_transactions(), "organic_food", start="2025-01-01")
    customers = add_flags(_customers(), organic_buyer=buyers)
    return compare_audiences(customers, ORGANIC_AUDIENCES, _Q3_PLAN["creative"], _Q3_PLAN["channel"],
                             _Q3_PLAN["budget"], seeds=_Q3_PLAN["seeds"])


def _check_best_audience(value: Any) -> str:
    table = organic_plans()
    expected = table["roas"].idxmax()
    if isinstance(value, pd.DataFrame):
        raise Mismatch("`best_audience` is a whole table. Give the name of one audience (the index label "
                       "with the highest ROAS, e.g. with `.idxmax()`).")
    if isinstance(value, pd.Series) and len(value) == len(table):
        raise Mismatch("`best_audience` is a whole column. Use `.idxmax()` to get the label of its largest value.")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value - table["roas"].max()) < 1e-6:
        raise Mismatch("`best_audience` is the best ROAS value itself. Give the audience's name instead.")
    mistakes = [
        (table["roas"].idxmin(), "that audience has the lowest ROAS; look for the largest."),
        (table["conversions"].idxmax(), "that audience brings the most conversions, but it also costs the most. "
                                        "ROAS compares revenue with spend."),
        (table["revenue"].idxmax(), "that audience brings the most revenue in total, not the most per rupee spent."),
        (table["audience_size"].idxmin(), "that is simply the smallest audience; smaller is not automatically "
                                          "better. Compare the roas column."),
        (table["spend"].idxmin(), "that audience spends the least, which is not the same as the best return."),
    ]
    mistakes = [(label, msg) for label, msg in mistakes if label != expected]
    expect_label(value, expected, name="best_audience", choices=list(table.index), mistakes=mistakes)
    return (f"{expected!r} returns {table.loc[expected, 'roas']:.1f} rupees per rupee spent, against "
            f"{table.loc['everyone', 'roas']:.1f} for everyone.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="best_audience",
    topic="targeting",
    title="Which approach fits organic delivery?",
    checker=_check_best_audience,
    hints=[
        "Run `compare_audiences(customers, ORGANIC_AUDIENCES, 'organic_delivery', 'email', 3000, seeds=10)` "
        "after adding the `organic_buyer` flag, then look at the roas column.",
        "`table['roas'].idxmax()` gives the name (index label) of the audience with the highest ROAS.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
