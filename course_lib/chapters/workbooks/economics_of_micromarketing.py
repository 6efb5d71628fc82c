"""Exercises for the workbook ``11-economics-of-micromarketing``.

* ``q1``: the micro plan's fully loaded customer-acquisition cost (``micro_cac``).
* ``q2``: the sweet spot (number of segments with the highest profit) when templated
  creatives cut the fixed cost per segment to ``CHEAP_FIXED_COST`` (``best_k``).

Every expected value is computed when the check runs from the course simulator with
:mod:`course_lib.chapters.economics` and the assumptions in ``data/content/economics.yaml``; the
typical mistakes (the media-only CPA, forgetting one of the fixed costs, averaging the
segments' CACs, the mass plan's CAC, the sweet spot at the default cost, the highest
revenue or ROAS instead of profit) are recomputed the same way and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.economics_of_micromarketing import q2
>>> q2.evaluate("four").status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.market.datasets import load_customers
from course_lib.chapters.economics import (add_costs, cost_assumptions, micro_segments, over_segmentation, plan_totals,
                                  segment_curve, simulate_plans, sweet_spot)
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_single

__all__ = ["NOTEBOOK", "EXERCISES", "CHEAP_FIXED_COST", "q1", "q2"]

#: The workbook these exercises belong to.
NOTEBOOK = "11-economics-of-micromarketing"
#: Fixed cost per segment (Rs) with templated creatives, for q2.
CHEAP_FIXED_COST = 1000


@functools.lru_cache(maxsize=1)
def _customers() -> pd.DataFrame:
    return load_customers()


@functools.lru_cache(maxsize=1)
def _plans() -> dict[str, pd.DataFrame]:
    c = _customers()
    a = cost_assumptions()
    kw = {"channel": a["channel"], "contacts": a["contacts_per_person"], "seeds": a["seeds"]}
    micro = simulate_plans(c, micro_segments(c), **kw)
    mass = simulate_plans(c, {"Mass: everyone": {"audience": None, "creative": "generic_sale"}}, **kw)
    return {"micro": micro, "mass": mass}


@functools.lru_cache(maxsize=1)
def _cac_facts() -> dict[str, float]:
    a = cost_assumptions()
    p = _plans()
    totals = add_costs(plan_totals({"mass": p["mass"], "micro": p["micro"]}))
    micro = totals.loc["micro"]
    per_segment = add_costs(p["micro"])
    creative_only = (micro["spend"] + micro["segments"] * a["creative_cost_per_segment"]) / micro["conversions"]
    return {
        "right": float(micro["cac"]),
        "media_cpa": float(micro["media_cpa"]),
        "mass_cac": float(totals.loc["mass", "cac"]),
        "mean_of_segments": float(per_segment["cac"].mean()),
        "inverted": float(micro["conversions"] / micro["total_cost"]),
        "creative_only": float(creative_only),
        "one_fixed_cost": float((micro["spend"] + a["fixed_cost_per_segment"]) / micro["conversions"]),
        "fixed_only": float(micro["fixed_cost"] / micro["conversions"]),
        "cost_per_target": float(micro["cost_per_target"]),
    }


def _not_a_collection(value: Any, name: str) -> None:
    expect_single(value, name=name, hint="Add the plan's segments up first, then divide.", also=(dict,))


# --------------------------------------------------------------------------- q1: fully loaded CAC


def _check_cac(value: Any) -> str:
    f = _cac_facts()
    _not_a_collection(value, "micro_cac")
    expect_number(
        value, f["right"], name="micro_cac", rel_tol=1e-4,
        mistakes=[
            (f["media_cpa"], "that is the media-only CPA (media spend / conversions), the number an ad platform "
                             "reports. The fully loaded CAC adds the fixed cost of every segment: use `total_cost`."),
            (f["mass_cac"], "that is the mass plan's CAC. The question asks about the micro plan."),
            (f["mean_of_segments"], "you averaged the segments' CACs. A plan's CAC is its total cost divided by its "
                                    "total conversions (segments with few conversions would otherwise count too much)."),
            (f["inverted"], "you divided conversions by cost. CAC is cost per customer: total cost / conversions."),
            (f["creative_only"], "you counted only the creative cost per segment. The fixed cost per segment is the "
                                 "creative *and* the management cost."),
            (f["one_fixed_cost"], "you added the fixed cost once. Every segment of the micro plan has its own "
                                  "creative and set-up: multiply by the number of segments."),
            (f["fixed_only"], "that is only the fixed cost per customer. Add the media spend too."),
            (f["cost_per_target"], "that is the cost per person *reached*. CAC divides by people who *bought*."),
        ],
    )
    return (f"Each new customer costs Rs {f['right']:,.0f} once fixed costs count, against Rs {f['media_cpa']:,.0f} "
            f"of media alone and Rs {f['mass_cac']:,.0f} for the mass plan: cheaper media per sale, dearer "
            "customers overall.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="micro_cac",
    topic="economics",
    title="Fully loaded CAC of the micro plan",
    checker=_check_cac,
    hints=[
        "Add the segments up with `plan_totals({\"micro\": micro})`, then cost them with `add_costs(...)`.",
        "CAC = total cost / conversions, where total cost = media spend + segments x fixed cost per segment; "
        "`add_costs(plan_totals({\"micro\": micro})).loc[\"micro\", \"cac\"]`.",
    ],
)


# --------------------------------------------------------------------------- q2: sweet spot


@functools.lru_cache(maxsize=1)
def _long() -> pd.DataFrame:
    _plans()  # warms the simulation cache shared with over_segmentation
    return over_segmentation(_customers())


@functools.lru_cache(maxsize=1)
def _sweet_facts() -> dict[str, int]:
    long = _long()
    cheap = segment_curve(long, fixed_cost_per_segment=CHEAP_FIXED_COST)
    default = segment_curve(long)
    return {
        "right": sweet_spot(cheap),
        "default": sweet_spot(default),
        "max_revenue": int(cheap["revenue"].idxmax()),
        "max_roas_full": int(cheap["roas_full"].idxmax()),
        "min_cac": int(cheap["cac"].idxmin()),
        "max_k": int(cheap.index.max()),
    }


def _check_sweet(value: Any) -> str:
    f = _sweet_facts()
    _not_a_collection(value, "best_k")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    mistakes = [
        (f["default"], f"that is the sweet spot at the default fixed cost. Recompute the curve with "
                       f"`fixed_cost_per_segment={CHEAP_FIXED_COST}`."),
        (f["max_revenue"], "that is the number of segments with the highest *revenue*. Revenue ignores the fixed "
                           "costs; look for the highest profit."),
        (f["max_roas_full"], "that is where revenue per rupee of total cost peaks. The question asks for the "
                             "highest *profit* (`sweet_spot(curve)`)."),
        (f["min_cac"], "that is where the fully loaded CAC is lowest. The question asks for the highest profit."),
        (f["max_k"], "more segments is not better: after the sweet spot each extra segment costs more than it adds."),
        (1, "one segment is the mass plan. With cheaper creatives some tailoring pays: find where profit peaks."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != f["right"]]
    expect_number(value, f["right"], name="best_k", mistakes=mistakes)
    return (f"With a fixed cost of Rs {CHEAP_FIXED_COST:,} per segment the sweet spot moves from {f['default']} to "
            f"{f['right']} segments: reusable, templated creative makes finer targeting pay.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="best_k",
    topic="economics",
    title="The sweet spot with cheaper creatives",
    checker=_check_sweet,
    hints=[
        f"Cost the experiment again: `segment_curve(long, fixed_cost_per_segment={CHEAP_FIXED_COST})`.",
        "`sweet_spot(curve)` returns the number of segments with the highest profit (or use "
        "`curve[\"profit\"].idxmax()`).",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2]
