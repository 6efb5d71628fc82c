"""Chapter 14 (grocery case): address matching, orders per household per month, the radius explorer.

The notebook ``14-case-grocery-hyperlocal`` and its workbook both clean the orders with
:func:`match_buildings` and measure the campaign with :func:`building_response` and
:func:`group_response`; the workbook's checks are declared in
``data/exercises/14-case-grocery-hyperlocal.yaml`` and compare with :func:`answers`.
"Per month" always means per calendar month: 1 May to 31 July is three months.

Examples
--------
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

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.cleaning import normalise_label
from course_lib.analysis.geo import haversine_km, plot_radius_map
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe, require_datetime, require_no_missing, \
    require_numeric
from course_lib.learning.exercises import Mismatch
from course_lib.learning.explorer import Explorer
from course_lib.market.datasets import load_case

__all__ = ["match_buildings", "building_response", "group_response", "radius_explorer", "answers",
           "wrong_answers", "check_top3"]


def match_buildings(orders: pd.DataFrame, complexes: pd.DataFrame, *,
                    abbreviations: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read each typed address (``building_as_typed``) as a known complex and fill a missing ``complex_id``.

    A typed address matches a complex ``name`` when both are equal after expanding
    abbreviations (``hts`` -> ``Heights``, default: ``data/content/case-grocery.yaml``)
    and ignoring case, spaces and punctuation. Returns a copy of ``orders`` with
    ``building`` (the official name, missing when nothing matches), ``complex_id``
    filled where it was missing, and ``id_recovered`` (True where the id came from the text).

    Examples
    --------
    >>> cx = pd.DataFrame({"complex_id": ["AC1"], "name": ["Lotus Heights"]})
    >>> od = pd.DataFrame({"complex_id": [None, "AC1"], "building_as_typed": ["lotus hts ", "Lotus Heights"]})
    >>> match_buildings(od, cx)[["complex_id", "building", "id_recovered"]]
      complex_id       building  id_recovered
    0        AC1  Lotus Heights          True
    1        AC1  Lotus Heights         False
    """
    require_dataframe(orders, "orders")
    require_dataframe(complexes, "complexes")
    require_columns(orders, ["building_as_typed", "complex_id"], "orders")
    require_no_missing(complexes, ["complex_id", "name"], "complexes")
    if abbreviations is None:
        abbreviations = read_yaml(content_path("case-grocery"), what="grocery plan")["abbreviations"]
    if not isinstance(abbreviations, Mapping):
        raise TypeError(f"abbreviations must be a mapping such as {{'hts': 'Heights'}}, "
                        f"got {type(abbreviations).__name__}.")
    abbr = {str(k).casefold(): str(v) for k, v in abbreviations.items()}

    def key(text: Any) -> Any:
        return normalise_label(" ".join(abbr.get(w.casefold(), w) for w in text.split())) \
            if isinstance(text, str) else text

    keys = complexes["name"].astype(object).map(key)
    if keys.duplicated().any():
        raise ValueError("two complexes have the same name once spelling is ignored: "
                         f"{', '.join(map(str, complexes.loc[keys.duplicated(keep=False).to_numpy(), 'name']))}.")
    typed = orders["building_as_typed"].astype(object).map(key)
    building = typed.map(dict(zip(keys, complexes["name"].astype(object), strict=True)))
    ids = orders["complex_id"].astype(object)
    recovered = ids.isna() & building.notna()
    filled = ids.where(~recovered, typed.map(dict(zip(keys, complexes["complex_id"].astype(object), strict=True))))
    out = orders.assign(building=building.astype(object), id_recovered=recovered.to_numpy(bool))
    out["complex_id"] = filled.astype(orders["complex_id"].dtype) \
        if pd.api.types.is_string_dtype(orders["complex_id"]) else filled
    return out


def _months(first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Calendar months from the month of ``first`` to the month of ``last``, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def building_response(orders: pd.DataFrame, complexes: pd.DataFrame, campaign_start: Any) -> pd.DataFrame:
    """Orders per household per month before and after the campaign start, for every complex.

    Before = from the month of the first order to the month before ``campaign_start``
    (the first day of a month); after = from ``campaign_start`` to the month of the
    last order. Orders without a ``complex_id`` are left out (match them first).

    Returns the complexes indexed by ``complex_id`` with ``orders_before``,
    ``orders_after``, ``rate_before``, ``rate_after``, ``extra_per_household``
    (after - before: the response per household) and ``uplift`` (after / before - 1,
    NaN without orders before); ``attrs`` keeps ``months_before`` and ``months_after``.

    Examples
    --------
    >>> cx = pd.DataFrame({"complex_id": ["A"], "households": [10]})
    >>> od = pd.DataFrame({"complex_id": ["A"] * 3, "order_date": pd.to_datetime(["2025-01-05", "2025-02-05",
    ...                    "2025-02-06"])})
    >>> building_response(od, cx, "2025-02-01").loc["A", ["rate_before", "rate_after", "uplift"]].tolist()
    [0.1, 0.2, 1.0]
    """
    require_dataframe(orders, "orders")
    require_dataframe(complexes, "complexes")
    require_columns(orders, ["complex_id"], "orders")
    dates = require_datetime(orders, "order_date", "orders")
    require_numeric(complexes, ["households"], "complexes")
    require_no_missing(complexes, ["complex_id", "households"], "complexes")
    if (complexes["households"] <= 0).any() or complexes["complex_id"].duplicated().any():
        raise ValueError("complexes must list each complex_id once, with a positive number of households.")
    try:
        start = pd.Timestamp(campaign_start)
    except (TypeError, ValueError):
        raise ValueError(f"campaign_start must be a date such as '2025-08-01', got {campaign_start!r}.") from None
    first, last = dates.min(), dates.max()
    if start.day != 1 or not first < start <= last:
        raise ValueError(f"campaign_start must be the first day of a month after the first order "
                         f"({first:%Y-%m-%d}) and no later than the last ({last:%Y-%m-%d}), got {start:%Y-%m-%d}.")
    months_before, months_after = _months(first, start - pd.Timedelta(days=1)), _months(start, last)
    after = (dates >= start).to_numpy()
    ids = orders["complex_id"].astype(object)
    counts = pd.DataFrame({"orders_before": ids[~after].value_counts(), "orders_after": ids[after].value_counts()})
    out = complexes.set_index("complex_id")
    out = out.join(counts.reindex(out.index).fillna(0).astype("int64"))
    out["rate_before"] = out["orders_before"] / out["households"] / months_before
    out["rate_after"] = out["orders_after"] / out["households"] / months_after
    out["extra_per_household"] = out["rate_after"] - out["rate_before"]
    out["uplift"] = out["rate_after"] / out["rate_before"].where(out["rate_before"] > 0) - 1
    out.attrs.update(months_before=months_before, months_after=months_after, campaign_start=start)
    return out


def group_response(response: pd.DataFrame, by: str = "inside_radius") -> pd.DataFrame:
    """Orders per household per month before and after, pooled over each group of buildings.

    ``response`` comes from :func:`building_response`. One row per group: ``buildings``,
    ``households``, ``orders_before``, ``orders_after``, ``rate_before``, ``rate_after``,
    ``change`` (after - before) and ``uplift`` (after / before - 1).

    Examples
    --------
    >>> cx = pd.DataFrame({"complex_id": ["A", "B"], "households": [10, 30], "inside": [True, False]})
    >>> od = pd.DataFrame({"complex_id": ["A", "A", "B"], "order_date": pd.to_datetime(["2025-01-05",
    ...                    "2025-02-05", "2025-02-06"])})
    >>> group_response(building_response(od, cx, "2025-02-01"), by="inside")["change"].round(3).tolist()
    [0.033, 0.0]
    """
    require_dataframe(response, "response")
    require_columns(response, [by, "households", "orders_before", "orders_after"], "response")
    if "months_after" not in response.attrs:
        raise ValueError("response must come from building_response (it remembers the number of months).")
    g = response.groupby(by, observed=True, sort=True).agg(
        buildings=("households", "size"), households=("households", "sum"),
        orders_before=("orders_before", "sum"), orders_after=("orders_after", "sum"))
    g["rate_before"] = g["orders_before"] / g["households"] / response.attrs["months_before"]
    g["rate_after"] = g["orders_after"] / g["households"] / response.attrs["months_after"]
    g["change"] = g["rate_after"] - g["rate_before"]
    g["uplift"] = g["rate_after"] / g["rate_before"] - 1
    return g


def radius_explorer(store: pd.DataFrame, complexes: pd.DataFrame, orders: pd.DataFrame,
                    radii: tuple[float, float, float] = (1.0, 6.5, 0.5)) -> Explorer:
    """An :class:`~course_lib.learning.explorer.Explorer` with a "Delivery radius (km)" slider (``radii`` = min,
    max, step) that redraws the map and a line on the households and orders within that radius.

    >>> case = load_case("grocery")
    >>> radius_explorer(case.store, case.complexes, case.orders).result[:61]
    '**3 km**: 14 of 60 buildings, 5,119 households (23.4% of all)'
    """
    import ipywidgets as widgets  # noqa: PLC0415

    require_dataframe(store, "store")
    require_numeric(store, ["lat", "lon", "radius_km"], "store")
    if not isinstance(radii, (tuple, list)) or len(radii) != 3 or not 0 < radii[0] < radii[1]:
        raise ValueError(f"radii must be (min, max, step) in km with 0 < min < max, e.g. (1.0, 6.5, 0.5), got {radii}.")
    lat0, lon0 = float(store["lat"].iloc[0]), float(store["lon"].iloc[0])
    km = haversine_km(complexes["lat"].to_numpy(float), complexes["lon"].to_numpy(float), lat0, lon0)
    n_orders = complexes["complex_id"].astype(object).map(orders["complex_id"].value_counts()).fillna(0)
    start = min(max(float(store["radius_km"].iloc[0]), radii[0]), radii[1])
    slider = widgets.FloatSlider(value=start, min=radii[0], max=radii[1], step=radii[2],
                                 description="Delivery radius (km)", continuous_update=False, readout_format=".1f",
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="480px"))
    total_hh, total_orders = float(complexes["households"].sum()), max(float(n_orders.sum()), 1.0)

    def draw(fig: Any, radius: float) -> str:
        inside = km <= radius
        hh, n = float(complexes["households"][inside].sum()), float(n_orders[inside].sum())
        plot_radius_map(complexes.assign(within=inside), lat0, lon0, radius, size="households", highlight="within",
                        highlight_label=f"within {radius:g} km", ax=fig.subplots(),
                        title=f"Buildings within a {radius:g} km delivery radius (size = households)")
        return (f"**{radius:g} km**: {int(inside.sum())} of {len(complexes)} buildings, {hh:,.0f} households "
                f"({hh / total_hh:.1%} of all) and {n:,.0f} of the six months' orders "
                f"({n / total_orders:.1%} of all matched orders) lie within the radius.")

    return Explorer({"radius": slider}, draw, title="Delivery-radius explorer", figsize=(7.5, 7.0))


# --------------------------------------------------------------------------- the workbook's answers


def _facts() -> tuple[Any, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    case = load_case("grocery")
    kept = case.orders.drop_duplicates()
    clean = match_buildings(kept[kept["amount"] > 0], case.complexes)
    response = building_response(clean, case.complexes, case.params["campaign_start"])
    return case, clean, response, group_response(response)


def _effect(response: pd.DataFrame) -> float:
    groups = group_response(response)
    return float(groups.loc[True, "change"] - groups.loc[False, "change"])


def answers() -> dict[str, Any]:
    """The right answers (q1 ``n_clean``, q2 ``effect``, q3 ``top3``) and the facts the messages quote.

    >>> answers()["n_clean"]
    13171
    """
    case, clean, response, groups = _facts()
    raw = case.orders
    inside = response[response["inside_radius"]].sort_values("extra_per_household", ascending=False, kind="stable")
    effect = float(groups.loc[True, "change"] - groups.loc[False, "change"])
    top = inside.head(3)
    return {
        "n_clean": len(clean), "dup": int(raw.duplicated().sum()), "zero": int((raw["amount"] == 0).sum()),
        "recovered": int(clean["id_recovered"].sum()),
        "effect": effect, "treated_households": int(groups.loc[True, "households"]),
        "extra_orders_per_month": effect * float(groups.loc[True, "households"]),
        "control_change": float(groups.loc[False, "change"]),
        "top3": top["name"].astype(str).tolist(), "top3_households": int(top["households"].sum()),
        "top3_high": float(top["extra_per_household"].iloc[0]), "top3_low": float(top["extra_per_household"].iloc[2]),
        "weakest3": inside["name"].astype(str).tail(3).tolist(),
        "by_total": inside.assign(t=inside["extra_per_household"] * inside["households"])
        .sort_values("t", ascending=False, kind="stable")["name"].astype(str).head(3).tolist(),
        "by_uplift_all": response.sort_values("uplift", ascending=False, kind="stable")["name"].astype(str)
        .head(3).tolist(),
        "names": dict(zip(case.complexes["complex_id"].astype(str), case.complexes["name"].astype(str), strict=True)),
    }


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong).

    >>> wrong_answers()["n_raw"]
    13189
    """
    case, clean, response, groups = _facts()
    raw, cx, start = case.orders, case.complexes, case.params["campaign_start"]
    dup, zero, missing = raw.duplicated(), raw["amount"] == 0, raw["complex_id"].isna()
    treated, months = groups.loc[True], response.attrs["months_after"]
    effect = float(treated["change"] - groups.loc[False, "change"])
    return {
        "n_raw": len(raw), "n_no_dedupe": int((~zero).sum()), "n_no_zero": int((~dup).sum()),
        "n_dropped_missing": int((~dup & ~zero & ~missing).sum()),
        "n_both_copies": int((~raw.duplicated(keep=False) & ~zero).sum()), "n_removed": len(raw) - len(clean),
        "treated_change": float(treated["change"]), "effect_all_months": effect * months,
        "relative_lift": effect / float(treated["rate_before"]),
        "extra_orders_per_month": effect * float(treated["households"]),
        "extra_orders": effect * float(treated["households"]) * months,
        "level_gap": float(groups.loc[True, "rate_after"] - groups.loc[False, "rate_after"]),
        "effect_no_match": _effect(building_response(clean[~clean["id_recovered"]], cx, start)),
        "effect_raw": _effect(building_response(match_buildings(raw, cx), cx, start)),
    }


def check_top3(value: Any, right: dict[str, Any]) -> None:
    """q3: three building names (or complex ids) in any order, as a list, tuple, set, Index or Series.

    Raises :class:`Mismatch` with the feedback when the answer is wrong.

    >>> check_top3(["b", "A", "c"], {"names": {}, "top3": ["A", "B", "C"]})
    """
    if value is None:
        raise Mismatch("`top3` is None. Did you forget to assign the result?")
    if isinstance(value, pd.Series):
        value = value.index if pd.api.types.is_numeric_dtype(value) else value
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        value = value.tolist()
    if not isinstance(value, (list, tuple, set)):
        raise Mismatch(f"`top3` should be a list of three building names, e.g. `['A', 'B', 'C']`, but it is a "
                       f"{type(value).__name__}.")
    items = [right["names"].get(str(v).strip().upper(), str(v)) for v in value]  # complex ids are accepted too
    chosen = {v.strip().casefold() for v in items}
    if len(items) != 3 or len(chosen) != 3:
        raise Mismatch(f"`top3` should hold three different buildings, but it holds {len(items)} item(s)"
                       f"{'' if len(chosen) == len(items) else ' with repeats'}.")

    def same(names: list[str]) -> bool:
        return chosen == {n.casefold() for n in names}

    if same(right["top3"]):
        return
    if same(right["by_total"]):
        raise Mismatch("you ranked by *total* extra orders, which favours big buildings. Rank by response per "
                       "household (`extra_per_household`) so a building's size does not decide for you.")
    if same(right["weakest3"]):
        raise Mismatch("those are the three *weakest* targeted buildings: sort in descending order.")
    if same(right["by_uplift_all"]):
        raise Mismatch("you ranked every building by relative uplift. A small base makes percentages jump, and "
                       "buildings outside the radius were not targeted: rank the targeted buildings by "
                       "`extra_per_household`.")
    unknown = [v for v in items if v.strip().casefold() not in {n.casefold() for n in right["names"].values()}]
    if unknown:
        raise Mismatch(f"{', '.join(repr(u) for u in unknown)} is not the name of a complex. Use the `name` column "
                       "of `complexes`.")
    hits = len(chosen & {n.casefold() for n in right["top3"]})
    raise Mismatch(f"{hits} of your three buildings are in the top 3. Keep only the buildings inside the radius "
                   "and sort them by `extra_per_household`, highest first.")
