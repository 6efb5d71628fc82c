"""Exercises for the workbook ``01-what-is-micromarketing``.

The workbook compares a mass plan with a micro-targeted plan for the same
message (farm-fresh organic delivery, the creative ``organic_delivery``) on
the same channel (email) with the same budget, on the synthetic market:

* ``q1``: how narrow is the micro audience? The share of all customers with
  the eco-conscious interest flag, as ``eco_share``;
* ``q2``: one fair comparison: the table returned by
  :func:`course_lib.market.simulator.compare` for the two plans with ``seed=0``,
  as ``one_run``;
* ``q3``: pooled over 20 runs (seeds 0-19): the cost per acquisition of each
  plan (total spend / total conversions), as the Series ``pooled_cpa``.

Every expected value is computed from the course data (the customers table
and the simulator) when the check runs; nothing is typed in.

Examples
--------
>>> from course_lib.market.datasets import load_customers
>>> from course_lib.chapters.workbooks.what_is_micromarketing import q1
>>> customers = load_customers()
>>> q1.evaluate(customers["interest_eco"].mean()).status
'correct'
>>> q1.evaluate(customers["interest_eco"].sum()).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.market.datasets import load_customers
from course_lib.learning.exercises import Exercise, Mismatch, expect_frame, expect_number, expect_series
from course_lib.market.simulator import SimulationResult, compare

__all__ = ["NOTEBOOK", "EXERCISES", "MICRO_RULE", "CREATIVE", "CHANNEL", "BUDGET", "SEEDS", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "01-what-is-micromarketing"
#: The micro audience: a rule on the customers table.
MICRO_RULE = "interest_eco"
#: The message both plans send (a creative of the simulator).
CREATIVE = "organic_delivery"
#: The channel both plans use.
CHANNEL = "email"
#: The budget of each plan, in rupees.
BUDGET = 1200.0
#: The seeds of the repeated runs in q3.
SEEDS = range(20)
#: The columns of ``compare``'s output that q2 compares.
_COLUMNS = ["audience_size", "reachable", "impressions", "clicks", "conversions", "spend", "revenue"]
_PLAN_NAMES = ["mass", "micro"]


def _plans() -> dict[str, dict[str, Any]]:
    """The two plans of the workbook (from the module settings above)."""
    return {
        "mass": dict(audience=None, creative=CREATIVE, channel=CHANNEL, budget=BUDGET),
        "micro": dict(audience=MICRO_RULE, creative=CREATIVE, channel=CHANNEL, budget=BUDGET),
    }


@functools.lru_cache(maxsize=32)
def _run(rule: str, creative: str, channel: str, budget: float, seed: int) -> pd.DataFrame:
    plans = {
        "mass": dict(audience=None, creative=creative, channel=channel, budget=budget),
        "micro": dict(audience=rule, creative=creative, channel=channel, budget=budget),
    }
    return compare(plans, seed=seed)


def _one_run(seed: int) -> pd.DataFrame:
    return _run(MICRO_RULE, CREATIVE, CHANNEL, float(BUDGET), int(seed)).copy()


def _all_runs() -> pd.DataFrame:
    return pd.concat([_one_run(s) for s in SEEDS])


# --------------------------------------------------------------------------- q1: audience share


def _check_share(value: Any) -> str:
    customers = load_customers()
    in_audience = customers.eval(MICRO_RULE).astype(bool)
    expected = float(in_audience.mean())
    count = int(in_audience.sum())
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(value) > 1:
        raise Mismatch(
            f"`eco_share` is a whole column ({np.size(value)} values). The question asks for one number: "
            "the share of customers for whom the flag is True (`.mean()` of a True/False column gives it)."
        )
    reachable = float((in_audience & customers["consent_email"].astype(bool)).mean())
    mistakes = [
        (count, f"`eco_share` is the number of customers in the audience ({count:,}). Divide by the number of "
                "customers to get a share (or take the `.mean()` of the True/False column)."),
        (100 * expected, "`eco_share` looks like a percentage (100 times too big). Give a fraction between 0 and 1."),
        (1 - expected, "`eco_share` is the share of customers *outside* the audience. Count the ones whose flag "
                       "is True."),
        (reachable, "`eco_share` counts only eco-conscious customers who also accept email. The question asks "
                    "for the whole audience, before any channel's consent filter."),
    ]
    expect_number(value, expected, name="eco_share", mistakes=mistakes)
    return (f"{count:,} of {len(customers):,} customers ({expected:.1%}) are in the micro audience, "
            f"about one customer in {round(1 / expected)}.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="eco_share",
    topic="basics",
    title="How narrow is the micro audience?",
    checker=_check_share,
    hints=[
        "The column `interest_eco` is True for eco-conscious customers. What share of all rows is True?",
        "The mean of a True/False column is the share of True values: `customers[\"interest_eco\"].mean()`.",
    ],
)


# --------------------------------------------------------------------------- q2: one fair comparison


def _diagnose_plans(value: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Name the first way the student's plans differ from the fair comparison."""
    for plan in _PLAN_NAMES:
        row = value.loc[plan]
        if "budget" in value.columns and not np.isclose(float(row["budget"]), BUDGET):
            raise Mismatch(
                f"the {plan} plan's budget is {float(row['budget']):,.0f}. A fair comparison gives both plans the "
                f"same budget: {BUDGET:,.0f} rupees."
            )
        for column, want in (("channel", CHANNEL), ("creative", CREATIVE)):
            if column in value.columns and str(row[column]) != want:
                raise Mismatch(
                    f"the {plan} plan uses the {column} {row[column]!r}. Both plans must use the same "
                    f"{column}, {want!r}, so that only the audience differs."
                )
    sizes = value["audience_size"]
    everyone = int(expected.loc["mass", "audience_size"])
    if int(sizes["micro"]) == everyone:
        raise Mismatch(
            f"the micro plan targets every customer ({everyone:,}). Give it the audience rule {MICRO_RULE!r}."
        )
    if int(sizes["mass"]) != everyone:
        raise Mismatch(
            f"the mass plan targets only {int(sizes['mass']):,} customers. A mass plan targets everyone: "
            "`audience=None`."
        )
    if int(sizes["micro"]) != int(expected.loc["micro", "audience_size"]):
        raise Mismatch(
            f"the micro plan's audience has {int(sizes['micro']):,} customers, but the rule {MICRO_RULE!r} "
            f"selects {int(expected.loc['micro', 'audience_size']):,}. Check the audience rule."
        )


def _check_one_run(value: Any) -> str:
    expected = _one_run(0)
    if isinstance(value, SimulationResult):
        raise Mismatch(
            "`one_run` is the result of a single plan (from `simulate`). Put both plans in a dict and pass it to "
            "`compare(plans, seed=0)`, which returns one row per plan."
        )
    if value is None:
        raise Mismatch("`one_run` is None. Assign the table that `compare(plans, seed=0)` returns.")
    if not isinstance(value, pd.DataFrame):
        raise Mismatch(f"`one_run` should be the DataFrame returned by `compare(...)`, but it is a "
                       f"{type(value).__name__}.")
    if len(value) != 2:
        raise Mismatch(f"`one_run` should have two rows, one per plan ('mass' and 'micro'), but it has {len(value)}.")
    if sorted(map(str, value.index)) != _PLAN_NAMES:
        raise Mismatch(
            f"the plans are called {list(value.index)}. Name them 'mass' and 'micro' (the keys of your plans dict)."
        )
    missing = [c for c in _COLUMNS if c not in value.columns]
    if missing:
        raise Mismatch(f"`one_run` is missing the column {missing[0]!r}. Keep the table `compare` returns as it is.")
    _diagnose_plans(value, expected)
    got = value[_COLUMNS]
    if not got.equals(expected[_COLUMNS].loc[got.index]):
        for seed in range(1, 11):
            other = _one_run(seed)[_COLUMNS].loc[got.index]
            if np.allclose(got.to_numpy(dtype=float), other.to_numpy(dtype=float)):
                raise Mismatch(
                    f"these are the results of seed={seed}. Use `seed=0`, so that everyone in the class "
                    "compares the same run."
                )
    expect_frame(got, expected[_COLUMNS], name="one_run", what="plan")
    mass, micro = expected.loc["mass"], expected.loc["micro"]
    better = "micro" if micro["roas"] > mass["roas"] else "mass"
    return (
        f"Both plans spent {mass['spend']:,.0f} rupees on {int(mass['impressions']):,} emails. The micro plan's "
        f"click-through rate is {micro['ctr']:.1%} against {mass['ctr']:.1%}; in this one run the {better} plan "
        f"has the higher ROAS ({micro['roas']:.2f} micro vs {mass['roas']:.2f} mass). One run is noisy: q3 repeats it."
    )


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="one_run",
    topic="basics",
    title="A fair mass vs micro comparison",
    checker=_check_one_run,
    hints=[
        "Write a dict with two plans, 'mass' and 'micro'. Each plan is a dict with audience, creative, channel "
        "and budget; only the audience differs (None for mass, the rule \"interest_eco\" for micro).",
        "plans = {\"mass\": dict(audience=None, creative=\"organic_delivery\", channel=\"email\", budget=1200), "
        "\"micro\": dict(audience=\"interest_eco\", ...same...)}, then `one_run = compare(plans, seed=0)`.",
    ],
)


# --------------------------------------------------------------------------- q3: pooled CPA


def _check_pooled_cpa(value: Any) -> str:
    runs = _all_runs()
    totals = runs.groupby(level="plan")[["spend", "conversions", "clicks", "revenue"]].sum()
    expected = totals["spend"] / totals["conversions"]
    single = _one_run(0)
    mistakes = [
        (runs.groupby(level="plan")["cpa"].mean(),
         "`pooled_cpa` is the average of the 20 runs' CPAs. Pool first: add up the spend and the conversions of "
         "all runs, then divide (runs with no conversion have no CPA at all, and an average of ratios weighs "
         "every run equally)."),
        (single["cpa"], "`pooled_cpa` is the CPA of the single run with seed 0. Use all 20 runs (seeds 0 to 19)."),
        (totals["conversions"] / totals["spend"],
         "`pooled_cpa` is upside down (conversions per rupee). CPA is spend divided by conversions."),
        (totals["spend"] / totals["clicks"],
         "`pooled_cpa` is the cost per click. CPA divides the spend by conversions (purchases), not clicks."),
        (totals["revenue"] / totals["spend"], "`pooled_cpa` is the pooled ROAS (revenue / spend), not the CPA."),
    ]
    expect_series(value, expected, name="pooled_cpa", what="plan", mistakes=mistakes)
    cheaper = expected.idxmin()
    saving = 1 - expected.min() / expected.max()
    why = ": same spend, better-chosen audience." if cheaper == "micro" else "."
    return (
        f"Over {len(SEEDS)} runs the {cheaper} plan wins a customer for {expected[cheaper]:,.0f} rupees, "
        f"{saving:.0%} less than the other plan ({expected.max():,.0f}){why}"
    )


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="pooled_cpa",
    topic="basics",
    title="Cost per acquisition over 20 runs",
    checker=_check_pooled_cpa,
    hints=[
        "Run `compare(plans, seed=s)` for s = 0, 1, ..., 19, stack the 20 tables, then per plan divide the total "
        "spend by the total conversions.",
        "runs = pd.concat([compare(plans, seed=s) for s in range(20)]).reset_index(); "
        "campaign_report(runs, by=\"plan\", reach=None) gives pooled metrics per plan; take its \"cpa\" column "
        "with the plan names as the index (`.set_index(\"plan\")[\"cpa\"]`).",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
