"""Exercises for the workbook ``14-case-grocery-hyperlocal`` (hyperlocal grocery delivery within 3 km).

* ``q1``: number of orders left after the data audit (``n_clean_orders``):
  payment-retry duplicates and zero-amount cancelled orders removed, orders
  without a complex id kept (their typed address names the building).
* ``q2``: the campaign's effect in extra orders per household per month,
  inside the radius minus the background change outside (``campaign_effect``).
* ``q3``: the three targeted buildings with the highest response per household
  (``top3``), the shortlist for a residents-only promotion.

Every expected value is computed from the case data when the check runs, with
plain pandas and :mod:`course_lib.chapters.hyperlocal`; the typical mistakes (no
de-duplication, dropping the unmatched orders, a before/after comparison with
no control group, totals instead of per-household figures, a relative uplift
instead of extra orders) are recomputed the same way and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.case_grocery_hyperlocal import q1
>>> q1.evaluate(0).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.market.datasets import load_case
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_single
from course_lib.chapters.hyperlocal import building_response, diff_in_diff, match_buildings

__all__ = ["NOTEBOOK", "EXERCISES", "clean_grocery_orders", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "14-case-grocery-hyperlocal"


@functools.lru_cache(maxsize=1)
def _case() -> Any:
    return load_case("grocery")


def clean_grocery_orders(orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """The audited orders of the grocery case: duplicates and cancelled orders out, ids recovered.

    Parameters
    ----------
    orders : DataFrame, optional
        The raw orders (default: the case's).

    Returns
    -------
    DataFrame
        Exact duplicate rows (payment retries) dropped, orders with amount 0
        dropped, and missing ``complex_id`` filled from the typed address
        (:func:`course_lib.chapters.hyperlocal.match_buildings`).

    Examples
    --------
    >>> len(clean_grocery_orders()) < len(load_case("grocery").orders)
    True
    """
    case = _case()
    raw = case.orders if orders is None else orders
    kept = raw[~raw.duplicated().to_numpy()]
    kept = kept[(kept["amount"] > 0).to_numpy()]
    return match_buildings(kept, case.complexes)


@functools.lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    """Right answers and the values the typical mistakes produce (computed once per session)."""
    case = _case()
    raw, cx = case.orders, case.complexes
    start = case.params["campaign_start"]
    dup = raw.duplicated().to_numpy()
    zero = (raw["amount"] == 0).to_numpy()
    missing = raw["complex_id"].isna().to_numpy()
    clean = clean_grocery_orders()
    resp = building_response(clean, cx, start)
    did = diff_in_diff(resp)
    inside = resp[resp["inside_radius"]]
    no_match = building_response(clean.loc[~clean["id_recovered"].to_numpy()], cx, start)
    raw_resp = building_response(match_buildings(raw, cx), cx, start)
    total_extra = inside["extra_per_household"] * inside["households"]
    return {
        "n_clean": len(clean),
        "n_raw": len(raw),
        "n_no_dedupe": int((~zero).sum()),
        "n_no_zero": int((~dup).sum()),
        "n_dropped_missing": int((~dup & ~zero & ~missing).sum()),
        "n_both_copies": int((~raw.duplicated(keep=False).to_numpy() & ~zero).sum()),
        "n_removed": len(raw) - len(clean),
        "dup": int(dup.sum()),
        "zero": int(zero.sum()),
        "recovered": int(clean["id_recovered"].sum()),
        "did": did,
        "did_no_match": diff_in_diff(no_match).effect_per_household,
        "did_raw": diff_in_diff(raw_resp).effect_per_household,
        "level_gap": float(inside["orders_after"].sum() / inside["households"].sum() / resp.attrs["months_after"]
                           - resp.loc[~resp["inside_radius"], "orders_after"].sum()
                           / resp.loc[~resp["inside_radius"], "households"].sum() / resp.attrs["months_after"]),
        "top": inside.sort_values("extra_per_household", ascending=False, kind="stable"),
        "by_total": inside.assign(t=total_extra).sort_values("t", ascending=False, kind="stable"),
        "by_uplift_all": resp.sort_values("uplift", ascending=False, kind="stable"),
        "names": dict(zip(cx["complex_id"].astype(str), cx["name"].astype(str), strict=True)),
    }


def _not_a_collection(value: Any, name: str) -> None:
    expect_single(value, name=name, hint="Reduce it to one number (for example with `len(...)`).", also=(np.ndarray,))


# --------------------------------------------------------------------------- q1: data audit


def _check_clean(value: Any) -> str:
    f = _facts()
    if isinstance(value, pd.DataFrame):
        if len(value) == f["n_clean"]:
            raise Mismatch("`n_clean_orders` holds the right orders, but the question asks for a number: "
                           "use `len(...)`.")
        raise Mismatch(f"`n_clean_orders` should be a number (the count of clean orders), but it is a DataFrame "
                       f"with {len(value)} rows. Clean the table, then use `len(...)`.")
    _not_a_collection(value, "n_clean_orders")
    expect_number(
        value, f["n_clean"], name="n_clean_orders",
        mistakes=[
            (f["n_raw"], "that is the number of raw orders: nothing has been removed yet. Drop the duplicate "
                         "rows and the zero-amount orders."),
            (f["n_no_dedupe"], "the cancelled orders are out, but the payment-retry duplicates are still there: "
                               "drop rows that repeat an earlier row (`.drop_duplicates()`)."),
            (f["n_no_zero"], "the duplicates are out, but the orders with amount 0 (cancelled before dispatch) "
                             "are still counted."),
            (f["n_dropped_missing"], "you also dropped the orders without a `complex_id`. They are real orders: "
                                     "their typed address names the building, so keep them and match them."),
            (f["n_both_copies"], "you removed *both* copies of each duplicated order. One of them is a real order: "
                                 "keep the first copy (`keep='first'`, the default)."),
            (f["n_removed"], "that is the number of rows removed. The question asks how many orders are left."),
        ],
    )
    return (f"{f['n_clean']:,} orders are left: {f['dup']} payment retries and {f['zero']} cancelled orders "
            f"removed, and {f['recovered']} orders without a complex id kept (their typed address names the "
            "building).")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_clean_orders",
    topic="cases",
    title="How many orders survive the data audit?",
    checker=_check_clean,
    hints=[
        "Two kinds of rows are not real orders: exact repeats of an earlier row (the app retried a payment) and "
        "orders with `amount` 0 (cancelled). Orders with a missing `complex_id` are real.",
        "`kept = orders.drop_duplicates()`, then `kept = kept[kept[\"amount\"] > 0]`, and `len(kept)`.",
    ],
)


# --------------------------------------------------------------------------- q2: campaign effect


def _check_effect(value: Any) -> str:
    f = _facts()
    d = f["did"]
    _not_a_collection(value, "campaign_effect")
    expect_number(
        value, d.effect_per_household, name="campaign_effect", rel_tol=1e-4,
        mistakes=[
            (d.treated_change, "that is the before/after change inside the radius only. Subtract the change "
                               "outside the radius (the background trend) to get the campaign's own effect."),
            (d.effect_per_household * d.months_after, "that is the effect over the whole three months. Give it "
                                                      "per month (divide by the number of months)."),
            (d.relative_lift, "that is a relative lift (a ratio). The question asks for extra orders per "
                              "household per month, a difference of rates."),
            (d.extra_orders_per_month, "that is extra orders per month for all targeted households together. "
                                       "Divide by the households to get a figure per household."),
            (d.extra_orders, "that is the total number of extra orders. Give it per household and per month."),
            (f["level_gap"], "you compared the levels after the campaign (inside vs outside). Buildings near the "
                             "store ordered more even before; compare the *changes* instead."),
            (f["did_no_match"], "close, but you left out the orders without a `complex_id`. Match their typed "
                                "address to a building first (`match_buildings`)."),
            (f["did_raw"], "close, but the duplicates and cancelled orders are still in. Use the clean orders."),
        ],
    )
    return (f"The campaign explains about {d.effect_per_household:.3f} extra orders per targeted household per "
            f"month, {d.extra_orders_per_month:,.0f} extra orders a month across {d.treated_households:,} "
            f"households; outside the radius the rate hardly moved ({d.control_change:+.4f}).")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="campaign_effect",
    topic="cases",
    title="The campaign's effect per household",
    checker=_check_effect,
    hints=[
        "Compute orders per household per month before and after the start, inside and outside the radius: "
        "`group_response(building_response(clean, complexes, start))`.",
        "`diff_in_diff(response).effect_per_household` is the change inside minus the change outside.",
    ],
)


# --------------------------------------------------------------------------- q3: the best buildings


def _as_names(value: Any) -> list[str] | None:
    if isinstance(value, pd.DataFrame):
        return None
    if isinstance(value, pd.Series):
        value = value.tolist() if not pd.api.types.is_numeric_dtype(value) else value.index.tolist()
    if isinstance(value, pd.Index):
        value = value.tolist()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple, set)):
        return None
    return [str(v) for v in value]


def _check_top3(value: Any) -> str:
    f = _facts()
    top = f["top"]
    names = f["names"]
    right = top["name"].astype(str).head(3).tolist()
    if value is None:
        raise Mismatch("`top3` is None. Did you forget to assign the result?")
    items = _as_names(value)
    if items is None:
        raise Mismatch(f"`top3` should be a list of three building names, e.g. `['A', 'B', 'C']`, but it is a "
                       f"{type(value).__name__}.")
    items = [names.get(v.strip().upper(), v) for v in items]  # complex ids are accepted too
    norm = {v.strip().casefold() for v in items}
    if len(items) != 3 or len(norm) != 3:
        raise Mismatch(f"`top3` should hold three different buildings, but it holds {len(items)} item(s)"
                       f"{'' if len(norm) == len(items) else ' with repeats'}.")

    def same(candidates: pd.DataFrame) -> bool:
        return norm == {n.casefold() for n in candidates["name"].astype(str).head(3)}

    if norm == {n.casefold() for n in right}:
        return (f"{', '.join(right)}: {top['households'].head(3).sum():,} households, each adding "
                f"{top['extra_per_household'].iloc[2]:.2f} to {top['extra_per_household'].iloc[0]:.2f} "
                "orders per household per month. These are the addresses for a residents-only promotion.")
    if same(f["by_total"]):
        raise Mismatch("you ranked by *total* extra orders, which favours big buildings. Rank by response per "
                       "household (`extra_per_household`) so a building's size does not decide for you.")
    if same(top.iloc[::-1]):
        raise Mismatch("those are the three *weakest* targeted buildings: sort in descending order.")
    if same(f["by_uplift_all"]):
        raise Mismatch("you ranked every building by relative uplift. A small base makes percentages jump, and "
                       "buildings outside the radius were not targeted: rank the targeted buildings by "
                       "`extra_per_household`.")
    known = {n.casefold() for n in names.values()}
    unknown = [v for v in items if v.strip().casefold() not in known]
    if unknown:
        raise Mismatch(f"{', '.join(repr(u) for u in unknown)} is not the name of a complex. Use the `name` column "
                       "of `complexes`.")
    hits = len(norm & {n.casefold() for n in right})
    raise Mismatch(f"{hits} of your three buildings are in the top 3. Keep only the buildings inside the radius "
                   "and sort them by `extra_per_household`, highest first.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="top3",
    topic="cases",
    title="The three best targeted buildings",
    checker=_check_top3,
    hints=[
        "Start from `building_response(clean, complexes, start)` and keep the rows where `inside_radius` is True.",
        "`inside.sort_values(\"extra_per_household\", ascending=False)[\"name\"].head(3).tolist()`.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
