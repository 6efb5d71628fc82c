"""Hyperlocal campaigns around one store: buildings, response per household, uplift, promotions.

The grocery case (notebook ``14-case-grocery-hyperlocal``) follows a store that
advertises home delivery to apartment complexes within a delivery radius. This
module turns its orders into the numbers a hyperlocal marketer needs:

* :func:`load_grocery_plan` -- the marketer's plan and assumptions
  (``data/content/case-grocery.yaml``);
* :func:`match_buildings` -- read the address a customer typed ("lotus hts ")
  as a known complex, and fill a missing complex id from it;
* :func:`building_segments` -- micro-segments of complexes by distance and size;
* :func:`building_response` -- orders per household per month before and after
  the campaign start, per building, and the change (response per household);
* :func:`group_response`, :func:`diff_in_diff` -- the same by group, and the
  campaign's effect net of the background trend (inside vs outside the radius);
* :func:`monthly_rates` -- orders per household month by month, per group;
* :func:`reach_by_radius` -- buildings, households and orders a radius reaches;
* :func:`frequency_actions` -- what to do next in each building;
* :func:`promotion_plan` -- rank buildings and estimate what a residents-only
  promotion would cost and return;
* :func:`radius_explorer` -- a slider that redraws the map for another radius.

"Per month" always means per calendar month: a period from 1 May to 31 July is
three months whatever the number of days.

Examples
--------
>>> import pandas as pd
>>> complexes = pd.DataFrame({"complex_id": ["A", "B"], "households": [100, 50]})
>>> orders = pd.DataFrame({"complex_id": ["A", "A", "A", "B"],
...                        "order_date": pd.to_datetime(["2025-01-10", "2025-02-03", "2025-02-20", "2025-01-15"])})
>>> building_response(orders, complexes, "2025-02-01")[["orders_before", "orders_after", "extra_per_household"]]
            orders_before  orders_after  extra_per_household
complex_id                                                  
A                       1             2                 0.01
B                       1             0                -0.02
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
from course_lib.analysis.cleaning import normalise_label
from course_lib.analysis.geo import haversine_km, plot_radius_map
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_datetime,
    require_no_missing,
    require_number,
    require_numeric,
)

__all__ = [
    "GROCERY_PLAN_PATH",
    "SEGMENT_ORDER",
    "load_grocery_plan",
    "match_buildings",
    "building_segments",
    "building_response",
    "group_response",
    "DiffInDiff",
    "diff_in_diff",
    "monthly_rates",
    "reach_by_radius",
    "frequency_actions",
    "promotion_plan",
    "radius_explorer",
]

#: The grocery case's plan and assumptions.
GROCERY_PLAN_PATH: Path = paths.DATA_DIR / "content" / "case-grocery.yaml"
#: The building micro-segments, nearest first.
SEGMENT_ORDER: tuple[str, ...] = ("inside_large", "inside_small", "just_outside", "far")


# --------------------------------------------------------------------------- the plan


def load_grocery_plan(path: str | Path | None = None) -> dict[str, Any]:
    """Read the grocery case's plan: segment rules, messages, test budget, promotion assumptions.

    Parameters
    ----------
    path : path-like, optional
        Another YAML file with the same sections (default ``data/content/case-grocery.yaml``).

    Returns
    -------
    dict
        Sections ``abbreviations``, ``segments``, ``test``, ``actions`` and ``promotion``.

    Examples
    --------
    >>> plan = load_grocery_plan()
    >>> plan["segments"]["edge_km"]
    4.0
    >>> sorted(plan["segments"]["labels"]) == sorted(SEGMENT_ORDER)
    True
    """
    path = GROCERY_PLAN_PATH if path is None else path
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"the grocery plan {path} does not exist.")
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(plan, dict):
        raise ValueError(f"{path.name} must hold a mapping at the top level.")
    for section in ("abbreviations", "segments", "test", "actions", "promotion"):
        if not isinstance(plan.get(section), dict):
            raise ValueError(f"{path.name} needs a mapping {section!r}.")
    labels = plan["segments"].get("labels")
    if not isinstance(labels, dict) or sorted(labels) != sorted(SEGMENT_ORDER):
        raise ValueError(f"{path.name}: segments.labels must describe exactly {', '.join(SEGMENT_ORDER)}.")
    for key, spec in labels.items():
        missing = [f for f in ("name", "who", "value_proposition", "creative", "channel", "frequency")
                   if not isinstance(spec, dict) or not isinstance(spec.get(f), str)]
        if missing:
            raise ValueError(f"{path.name}: segment {key!r} is missing the text field(s) {', '.join(missing)}.")
    return plan


# --------------------------------------------------------------------------- addresses


def _address_key(text: Any, abbreviations: Mapping[str, str]) -> Any:
    if not isinstance(text, str):
        return text
    words = [abbreviations.get(w.casefold(), w) for w in text.split()]
    return normalise_label(" ".join(words))


def match_buildings(
    orders: pd.DataFrame,
    complexes: pd.DataFrame,
    *,
    typed: str = "building_as_typed",
    key: str = "complex_id",
    name: str = "name",
    abbreviations: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read typed addresses as known complexes and fill missing complex ids from them.

    A typed address matches a complex when both are equal after expanding
    abbreviations (``hts`` -> ``Heights``) and ignoring case, spaces and
    punctuation (:func:`course_lib.analysis.cleaning.normalise_label`).

    Parameters
    ----------
    orders : DataFrame
        One row per order, with the typed address and a (sometimes missing) complex id.
    complexes : DataFrame
        One row per complex, with its id and official name.
    typed, key, name : str
        Column names: typed address (orders), complex id (both), official name (complexes).
    abbreviations : mapping, optional
        Lower-case abbreviation -> full word; default the plan's ``abbreviations``.

    Returns
    -------
    DataFrame
        A copy of ``orders`` with ``building`` (the official name, missing when the
        text matches no complex), ``key`` filled where it was missing and the text
        matched, and ``id_recovered`` (True where the id came from the text).

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["AC1"], "name": ["Lotus Heights"]})
    >>> od = pd.DataFrame({"complex_id": [None, "AC1"], "building_as_typed": ["lotus hts ", "Lotus Heights"]})
    >>> match_buildings(od, cx)[["complex_id", "building", "id_recovered"]]
      complex_id       building  id_recovered
    0        AC1  Lotus Heights          True
    1        AC1  Lotus Heights         False
    """
    require_dataframe(orders, "orders")
    require_dataframe(complexes, "complexes")
    require_columns(orders, [typed, key], "orders")
    require_columns(complexes, [key, name], "complexes")
    require_no_missing(complexes, [key, name], "complexes")
    if abbreviations is None:
        abbreviations = load_grocery_plan()["abbreviations"]
    if not isinstance(abbreviations, Mapping):
        raise TypeError(f"abbreviations must be a mapping such as {{'hts': 'Heights'}}, got {type(abbreviations).__name__}.")
    abbr = {str(k).casefold(): str(v) for k, v in abbreviations.items()}
    keys = complexes[name].astype(object).map(lambda t: _address_key(t, abbr))
    if keys.duplicated().any():
        raise ValueError(f"two complexes in column {name!r} have the same name once spelling is ignored: "
                         f"{', '.join(map(str, complexes.loc[keys.duplicated(keep=False).to_numpy(), name]))}.")
    to_name = dict(zip(keys, complexes[name].astype(object), strict=True))
    to_id = dict(zip(keys, complexes[key].astype(object), strict=True))
    typed_keys = orders[typed].astype(object).map(lambda t: _address_key(t, abbr))
    building = typed_keys.map(to_name)
    ids = orders[key].astype(object)
    recovered = ids.isna() & building.notna()
    filled = ids.where(~recovered, typed_keys.map(to_id))
    out = orders.assign(building=building.astype(object), id_recovered=recovered.to_numpy(bool))
    out[key] = filled.astype(orders[key].dtype) if pd.api.types.is_string_dtype(orders[key]) else filled
    return out


# --------------------------------------------------------------------------- segments


def building_segments(
    complexes: pd.DataFrame,
    *,
    radius_km: float = 3.0,
    large_households: float = 300,
    edge_km: float = 4.0,
    distance: str = "distance_km",
    households: str = "households",
) -> pd.Series:
    """Micro-segment complexes by distance to the store and size.

    ``inside_large`` (within the radius, at least ``large_households``),
    ``inside_small`` (within the radius, smaller), ``just_outside`` (beyond the
    radius, up to ``edge_km``) and ``far`` (beyond ``edge_km``).

    Returns
    -------
    Series
        Ordered categorical (``SEGMENT_ORDER``), same index as ``complexes``, named ``segment``.

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"distance_km": [1.0, 2.0, 3.5, 6.0], "households": [400, 100, 500, 200]})
    >>> building_segments(cx).tolist()
    ['inside_large', 'inside_small', 'just_outside', 'far']
    """
    require_dataframe(complexes, "complexes")
    require_numeric(complexes, [distance, households], "complexes")
    require_no_missing(complexes, [distance, households], "complexes")
    radius_km = require_number(radius_km, "radius_km", minimum=0, inclusive=False)
    large_households = require_number(large_households, "large_households", minimum=0)
    edge_km = require_number(edge_km, "edge_km", minimum=radius_km)
    d, h = complexes[distance], complexes[households]
    labels = np.select([(d <= radius_km) & (h >= large_households), d <= radius_km, d <= edge_km],
                       ["inside_large", "inside_small", "just_outside"], default="far")
    return pd.Series(pd.Categorical(labels, categories=list(SEGMENT_ORDER), ordered=True),
                     index=complexes.index, name="segment")


# --------------------------------------------------------------------------- response


def _months(first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Calendar months from the month of ``first`` to the month of ``last``, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def building_response(
    orders: pd.DataFrame,
    complexes: pd.DataFrame,
    campaign_start: Any,
    *,
    key: str = "complex_id",
    date: str = "order_date",
    households: str = "households",
) -> pd.DataFrame:
    """Orders per household per month before and after the campaign start, for every complex.

    The periods are whole calendar months: from the month of the first order
    to the month before ``campaign_start`` (which must be the first of a
    month), and from ``campaign_start`` to the month of the last order.
    Orders without a complex id are left out (match them first with
    :func:`match_buildings`).

    Parameters
    ----------
    orders : DataFrame
        Clean orders (no duplicates or cancelled orders), one row per order.
    complexes : DataFrame
        One row per complex with its id and number of households (> 0).
    campaign_start : date-like
        First day of the campaign, e.g. ``"2025-08-01"``.
    key, date, households : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by complex id, with the columns of ``complexes`` followed by
        ``orders_before``, ``orders_after``, ``rate_before``, ``rate_after``
        (orders per household per month), ``extra_per_household``
        (``rate_after - rate_before``: the response per household) and
        ``uplift`` (``rate_after / rate_before - 1``; NaN when there were no
        orders before). Complexes without orders get zeros.

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["A"], "households": [10]})
    >>> od = pd.DataFrame({"complex_id": ["A"] * 3, "order_date": pd.to_datetime(["2025-01-05", "2025-02-05",
    ...                    "2025-02-06"])})
    >>> building_response(od, cx, "2025-02-01").loc["A", ["rate_before", "rate_after", "uplift"]].tolist()
    [0.1, 0.2, 1.0]
    """
    require_dataframe(orders, "orders")
    require_dataframe(complexes, "complexes")
    require_columns(orders, [key], "orders")
    dates = require_datetime(orders, date, "orders")
    require_columns(complexes, [key], "complexes")
    require_no_missing(complexes, [key], "complexes")
    require_numeric(complexes, [households], "complexes")
    require_no_missing(complexes, [households], "complexes")
    if (complexes[households] <= 0).any():
        raise ValueError(f"column {households!r} of complexes must be positive (it divides the orders).")
    if complexes[key].duplicated().any():
        raise ValueError(f"column {key!r} of complexes has repeated ids; each complex must appear once.")
    try:
        start = pd.Timestamp(campaign_start)
    except (TypeError, ValueError):
        raise ValueError(f"campaign_start must be a date such as '2025-08-01', got {campaign_start!r}.") from None
    if start.day != 1:
        raise ValueError(f"campaign_start must be the first day of a month (periods are calendar months), "
                         f"got {start:%Y-%m-%d}.")
    first, last = dates.min(), dates.max()
    if not first < start <= last:
        raise ValueError(f"campaign_start {start:%Y-%m-%d} must fall after the first order ({first:%Y-%m-%d}) "
                         f"and no later than the last ({last:%Y-%m-%d}).")
    m_before = _months(first, start - pd.Timedelta(days=1))
    m_after = _months(start, last)
    after = (dates >= start).to_numpy()
    ids = orders[key].astype(object)
    counts = pd.DataFrame({"orders_before": ids[~after].value_counts(), "orders_after": ids[after].value_counts()})
    out = complexes.set_index(key)
    out = out.join(counts.reindex(out.index).fillna(0).astype("int64"))
    hh = out[households].astype(float)
    out["rate_before"] = out["orders_before"] / hh / m_before
    out["rate_after"] = out["orders_after"] / hh / m_after
    out["extra_per_household"] = out["rate_after"] - out["rate_before"]
    out["uplift"] = (out["rate_after"] / out["rate_before"].where(out["rate_before"] > 0)) - 1
    out.attrs.update(months_before=m_before, months_after=m_after, campaign_start=start)
    return out


def _check_response(response: Any, columns: Sequence[str]) -> None:
    require_dataframe(response, "response")
    need = ["orders_before", "orders_after", "rate_before", "rate_after", *columns]
    require_columns(response, need, "response (from building_response)")
    if "months_before" not in response.attrs or "months_after" not in response.attrs:
        raise ValueError("response must come from building_response (it remembers the number of months).")


def group_response(response: pd.DataFrame, by: str = "inside_radius", households: str = "households") -> pd.DataFrame:
    """Orders per household per month before and after, for groups of buildings.

    Rates are pooled (total orders / total households / months), so a large
    building weighs more than a small one, as it should for the store.

    Returns
    -------
    DataFrame
        One row per group: ``buildings``, ``households``, ``orders_before``,
        ``orders_after``, ``rate_before``, ``rate_after``, ``change``
        (after - before) and ``uplift`` (after / before - 1).

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["A", "B"], "households": [10, 30], "inside": [True, False]})
    >>> od = pd.DataFrame({"complex_id": ["A", "A", "B"], "order_date": pd.to_datetime(["2025-01-05",
    ...                    "2025-02-05", "2025-02-06"])})
    >>> group_response(building_response(od, cx, "2025-02-01"), by="inside")["change"].round(3).tolist()
    [0.033, 0.0]
    """
    _check_response(response, [by, households])
    g = response.groupby(by, observed=True, sort=True).agg(
        buildings=(households, "size"), households=(households, "sum"),
        orders_before=("orders_before", "sum"), orders_after=("orders_after", "sum"))
    g["rate_before"] = g["orders_before"] / g["households"] / response.attrs["months_before"]
    g["rate_after"] = g["orders_after"] / g["households"] / response.attrs["months_after"]
    g["change"] = g["rate_after"] - g["rate_before"]
    g["uplift"] = g["rate_after"] / g["rate_before"] - 1
    return g


@dataclass(frozen=True)
class DiffInDiff:
    """The campaign's effect net of the background trend (see :func:`diff_in_diff`).

    Attributes
    ----------
    treated_change, control_change : float
        Change in orders per household per month, targeted and control buildings.
    effect_per_household : float
        ``treated_change - control_change``: extra monthly orders per targeted
        household that the campaign explains.
    treated_households : int
        Households in the targeted buildings.
    extra_orders_per_month : float
        ``effect_per_household * treated_households``.
    months_after : int
        Months of campaign in the data.
    relative_lift : float
        ``effect_per_household`` / the targeted buildings' rate before.
    """

    treated_change: float
    control_change: float
    effect_per_household: float
    treated_households: int
    extra_orders_per_month: float
    months_after: int
    relative_lift: float

    @property
    def extra_orders(self) -> float:
        """Extra orders over the whole campaign period."""
        return self.extra_orders_per_month * self.months_after

    def to_frame(self) -> pd.DataFrame:
        """The figures as a one-column table (for display)."""
        return pd.Series({**self.__dict__, "extra_orders": self.extra_orders}, name="value").to_frame()


def diff_in_diff(response: pd.DataFrame, group: str = "inside_radius", treated: Any = True,
                 households: str = "households") -> DiffInDiff:
    """Difference in differences: change in the targeted buildings minus change in the others.

    A plain before/after comparison credits the campaign with everything that
    changed (season, a competitor closing, a festival). The buildings that were
    not targeted show that background change; subtracting it leaves the part
    the campaign explains, provided both groups would otherwise have moved alike.

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["A", "B"], "households": [10, 10], "inside": [True, False]})
    >>> od = pd.DataFrame({"complex_id": ["A", "A", "A", "B", "B"], "order_date": pd.to_datetime(
    ...     ["2025-01-05", "2025-02-05", "2025-02-06", "2025-01-07", "2025-02-07"])})
    >>> round(diff_in_diff(building_response(od, cx, "2025-02-01"), group="inside").effect_per_household, 3)
    0.1
    """
    g = group_response(response, by=group, households=households)
    if treated not in g.index:
        raise ValueError(f"no buildings with {group} == {treated!r}; groups are {list(g.index)}.")
    if len(g) != 2:
        raise ValueError(f"column {group!r} must split the buildings into exactly two groups, got {list(g.index)}.")
    t = g.loc[treated]
    c = g.drop(index=treated).iloc[0]
    effect = float(t["change"] - c["change"])
    return DiffInDiff(
        treated_change=float(t["change"]), control_change=float(c["change"]), effect_per_household=effect,
        treated_households=int(t["households"]), extra_orders_per_month=effect * float(t["households"]),
        months_after=int(response.attrs["months_after"]), relative_lift=effect / float(t["rate_before"]),
    )


def monthly_rates(
    orders: pd.DataFrame,
    complexes: pd.DataFrame,
    by: str,
    *,
    key: str = "complex_id",
    date: str = "order_date",
    households: str = "households",
) -> pd.DataFrame:
    """Orders per household in each calendar month, for each group of complexes.

    Returns
    -------
    DataFrame
        Index = month (first day), one column per value of ``by``.

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["A", "B"], "households": [10, 20], "g": ["x", "y"]})
    >>> od = pd.DataFrame({"complex_id": ["A", "B", "B"], "order_date": pd.to_datetime(["2025-01-05"] * 3)})
    >>> monthly_rates(od, cx, "g").round(2).to_dict("records")
    [{'x': 0.1, 'y': 0.1}]
    """
    require_dataframe(orders, "orders")
    require_dataframe(complexes, "complexes")
    dates = require_datetime(orders, date, "orders")
    require_columns(orders, [key], "orders")
    require_columns(complexes, [key, by], "complexes")
    require_numeric(complexes, [households], "complexes")
    group_of = complexes.set_index(key)[by]
    hh = complexes.groupby(by, observed=True)[households].sum()
    month = dates.dt.to_period("M").dt.to_timestamp()
    counts = (pd.DataFrame({"month": month, by: orders[key].astype(object).map(group_of)})
              .dropna(subset=[by]).groupby(["month", by], observed=True).size().unstack(fill_value=0))
    counts = counts.reindex(columns=hh.index, fill_value=0)
    out = counts / hh
    out.columns.name = by
    return out


# --------------------------------------------------------------------------- reach


def reach_by_radius(
    complexes: pd.DataFrame,
    orders: pd.DataFrame,
    center_lat: float,
    center_lon: float,
    radii: Sequence[float],
    *,
    key: str = "complex_id",
    households: str = "households",
    lat: str = "lat",
    lon: str = "lon",
) -> pd.DataFrame:
    """What a delivery radius would reach: buildings, households and their orders.

    Distances are computed here (:func:`course_lib.analysis.geo.haversine_km`), not read
    from a column, so any centre works.

    Returns
    -------
    DataFrame
        One row per radius: ``radius_km``, ``buildings``, ``households``,
        ``share_of_households``, ``orders`` and ``share_of_orders`` (orders
        without a complex id are left out).

    Examples
    --------
    >>> import pandas as pd
    >>> cx = pd.DataFrame({"complex_id": ["A", "B"], "lat": [21.08, 21.12], "lon": [79.07, 79.07],
    ...                    "households": [100, 300]})
    >>> od = pd.DataFrame({"complex_id": ["A", "A", "B"]})
    >>> reach_by_radius(cx, od, 21.08, 79.07, [1, 5])[["radius_km", "households", "orders"]].values.tolist()
    [[1.0, 100.0, 2.0], [5.0, 400.0, 3.0]]
    """
    require_dataframe(complexes, "complexes")
    require_dataframe(orders, "orders", allow_empty=True)
    require_columns(orders, [key], "orders")
    require_columns(complexes, [key], "complexes")
    require_numeric(complexes, [households], "complexes")
    if isinstance(radii, (str, bytes)) or not isinstance(radii, Sequence | np.ndarray) or len(radii) == 0:
        raise TypeError("radii must be a non-empty list of distances in km, e.g. [2, 3, 4].")
    radii = [require_number(r, "radii", minimum=0) for r in radii]
    dist = haversine_km(complexes[lat].to_numpy(float), complexes[lon].to_numpy(float), center_lat, center_lon)
    per = orders[key].astype(object).value_counts()
    n_orders = complexes[key].astype(object).map(per).fillna(0).to_numpy(float)
    hh = complexes[households].to_numpy(float)
    rows = []
    for r in radii:
        inside = dist <= r
        rows.append({"radius_km": r, "buildings": int(inside.sum()), "households": float(hh[inside].sum()),
                     "share_of_households": float(hh[inside].sum() / hh.sum()),
                     "orders": float(n_orders[inside].sum()),
                     "share_of_orders": float(n_orders[inside].sum() / max(n_orders.sum(), 1.0))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- decisions


def frequency_actions(
    response: pd.DataFrame,
    *,
    strong: float,
    weak: float,
    investigate: float,
    column: str = "extra_per_household",
) -> pd.Series:
    """What to do next in each targeted building, from its response per household.

    ``>= strong``: "keep frequency, shortlist for promotion"; ``< weak`` and
    ``> investigate``: "halve frequency, test a new message"; ``<= investigate``:
    "pause ads, find out why orders fell"; in between: "keep frequency".

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"extra_per_household": [0.5, 0.1, 0.0, -0.2]})
    >>> frequency_actions(r, strong=0.25, weak=0.05, investigate=-0.05).str.split(",").str[0].tolist()
    ['keep frequency', 'keep frequency', 'halve frequency', 'pause ads']
    """
    require_dataframe(response, "response")
    require_numeric(response, [column], "response")
    strong = require_number(strong, "strong")
    weak = require_number(weak, "weak", maximum=strong)
    investigate = require_number(investigate, "investigate", maximum=weak)
    x = response[column]
    labels = np.select(
        [x >= strong, x <= investigate, x < weak],
        ["keep frequency, shortlist for promotion", "pause ads, find out why orders fell",
         "halve frequency, test a new message"],
        default="keep frequency")
    return pd.Series(labels, index=response.index, name="action")


def promotion_plan(
    response: pd.DataFrame,
    *,
    avg_basket: float,
    margin: float,
    discount_per_order: float,
    cost_per_household: float,
    fixed_cost_per_building: float,
    carryover: float,
    months: float = 1,
    households: str = "households",
) -> pd.DataFrame:
    """Rank buildings by response per household and cost a residents-only promotion in each.

    For every building: ``expected_orders`` = households x extra orders per
    household per month (from the test) x ``carryover`` x ``months``;
    ``gross_profit`` = expected orders x (``avg_basket`` x ``margin`` -
    ``discount_per_order``); ``cost`` = ``fixed_cost_per_building`` +
    ``cost_per_household`` x households; ``net`` = gross profit - cost. Buildings
    are sorted best first and ``cumulative_net`` shows the total if the
    promotion covers the top 1, 2, 3, ... buildings; ``promote`` is True where a
    building's own net is positive.

    Returns
    -------
    DataFrame
        The response columns plus ``rank``, ``expected_orders``, ``gross_profit``,
        ``cost``, ``net``, ``roi`` (net / cost), ``cumulative_net`` and ``promote``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"households": [100, 200], "extra_per_household": [0.1, 1.0]}, index=["A", "B"])
    >>> p = promotion_plan(r, avg_basket=1000, margin=0.2, discount_per_order=50, cost_per_household=10,
    ...                    fixed_cost_per_building=500, carryover=0.5)
    >>> p[["rank", "expected_orders", "net", "promote"]]
       rank  expected_orders      net  promote
    B     1            100.0  12500.0     True
    A     2              5.0   -750.0    False
    """
    require_dataframe(response, "response")
    require_numeric(response, [households, "extra_per_household"], "response")
    avg_basket = require_number(avg_basket, "avg_basket", minimum=0, inclusive=False)
    margin = require_number(margin, "margin", minimum=0, maximum=1)
    discount_per_order = require_number(discount_per_order, "discount_per_order", minimum=0)
    cost_per_household = require_number(cost_per_household, "cost_per_household", minimum=0)
    fixed_cost_per_building = require_number(fixed_cost_per_building, "fixed_cost_per_building", minimum=0)
    carryover = require_number(carryover, "carryover", minimum=0)
    months = require_number(months, "months", minimum=0, inclusive=False)
    out = response.sort_values("extra_per_household", ascending=False, kind="stable").copy()
    out["rank"] = np.arange(1, len(out) + 1)
    hh = out[households].astype(float)
    out["expected_orders"] = hh * out["extra_per_household"].clip(lower=0) * carryover * months
    out["gross_profit"] = out["expected_orders"] * (avg_basket * margin - discount_per_order)
    out["cost"] = fixed_cost_per_building + cost_per_household * hh
    out["net"] = out["gross_profit"] - out["cost"]
    out["roi"] = out["net"] / out["cost"].where(out["cost"] > 0)
    out["cumulative_net"] = out["net"].cumsum()
    out["promote"] = out["net"] > 0
    return out


# --------------------------------------------------------------------------- explorer


def radius_explorer(
    store: pd.DataFrame,
    complexes: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    radii: tuple[float, float, float] = (1.0, 6.5, 0.5),
    key: str = "complex_id",
    households: str = "households",
) -> Any:
    """A slider for the delivery radius that redraws the map and the households and orders reached.

    Parameters
    ----------
    store : DataFrame
        One row with ``lat``, ``lon`` and ``radius_km`` (the slider's start).
    complexes, orders : DataFrame
        As for :func:`reach_by_radius`.
    radii : (min, max, step)
        Slider range in km.

    Returns
    -------
    ipywidgets.VBox
        The slider above an ``Output`` widget (a cell showing it needs the
        ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    require_dataframe(store, "store")
    require_numeric(store, ["lat", "lon", "radius_km"], "store")
    if not isinstance(radii, (tuple, list)) or len(radii) != 3:
        raise TypeError("radii must be a (min, max, step) tuple of km, e.g. (1.0, 6.5, 0.5).")
    lo, hi, step = (require_number(v, f"radii[{i}]", minimum=0, inclusive=False) for i, v in enumerate(radii))
    if hi <= lo:
        raise ValueError(f"radii must run from a smaller to a larger distance, got {radii}.")
    lat0, lon0 = float(store["lat"].iloc[0]), float(store["lon"].iloc[0])
    start = min(max(float(store["radius_km"].iloc[0]), lo), hi)
    slider = widgets.FloatSlider(value=start, min=lo, max=hi, step=step, description="radius (km)",
                                 continuous_update=False, style={"description_width": "initial"})
    out = widgets.Output()
    per = orders[key].astype(object).value_counts()
    base = complexes.assign(orders=complexes[key].astype(object).map(per).fillna(0).to_numpy(float))

    def redraw(*_: Any) -> None:
        r = float(slider.value)
        reach = reach_by_radius(complexes, orders, lat0, lon0, [r], key=key, households=households).iloc[0]
        dist = haversine_km(base["lat"].to_numpy(float), base["lon"].to_numpy(float), lat0, lon0)
        with out:
            out.clear_output(wait=True)
            print(f"{r:g} km reaches {int(reach['buildings'])} buildings, {reach['households']:,.0f} households "
                  f"({reach['share_of_households']:.0%}) and {reach['orders']:,.0f} orders "
                  f"({reach['share_of_orders']:.0%} of all matched orders).")
            ax = plot_radius_map(base.assign(reached=(dist <= r).astype(float)), lat0, lon0, r,
                                 size=households, hue="reached", hue_label="reached (1) or not (0)",
                                 title=f"Delivery radius {r:g} km")
            ax.figure.tight_layout()
            plt.show()

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, out])
