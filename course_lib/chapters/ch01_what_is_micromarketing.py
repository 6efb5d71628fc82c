"""Chapter 01 (what micromarketing is): the answers its workbook checks, and the check of the fair comparison.

The checks are declared in ``data/exercises/01-what-is-micromarketing.yaml``;
its ``constants`` (the micro audience rule, the creative, the channel, the
budget and the number of pooled runs) are passed to :func:`answers`.

Examples
--------
>>> facts = answers("interest_eco", "organic_delivery", "email", 1200, seeds=2)
>>> facts["eco_count"], facts["pooled_cpa"].index.tolist()
(11499, ['mass', 'micro'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_lib.learning.exercises import Mismatch, expect_frame
from course_lib.market.datasets import load_customers
from course_lib.market.simulator import SimulationResult, compare

__all__ = ["answers", "wrong_answers", "check_one_run"]

#: The columns of ``compare``'s table that exercise 2 compares.
COLUMNS = ["audience_size", "reachable", "impressions", "clicks", "conversions", "spend", "revenue"]


def _one_run(micro_rule: str, creative: str, channel: str, budget: float, seed: int) -> pd.DataFrame:
    """The workbook's two plans (only the audience differs), compared once."""
    plan = {"creative": creative, "channel": channel, "budget": float(budget)}
    return compare({"mass": {"audience": None, **plan}, "micro": {"audience": micro_rule, **plan}}, seed=seed)


def _runs(micro_rule: str, creative: str, channel: str, budget: float, seeds: int) -> pd.DataFrame:
    return pd.concat([_one_run(micro_rule, creative, channel, budget, s) for s in range(seeds)])


def answers(micro_rule: str, creative: str, channel: str, budget: float, seeds: int) -> dict[str, Any]:
    """The right answers (q1 ``eco_share``, q2 ``one_run``, q3 ``pooled_cpa``) and the facts the messages quote."""
    customers = load_customers()
    in_audience = customers.eval(micro_rule).astype(bool)
    one_run = _one_run(micro_rule, creative, channel, budget, 0)
    totals = _runs(micro_rule, creative, channel, budget, seeds).groupby(level="plan")[["spend", "conversions"]].sum()
    pooled_cpa = totals["spend"] / totals["conversions"]
    mass, micro = one_run.loc["mass"], one_run.loc["micro"]
    cheaper = pooled_cpa.idxmin()
    return {
        "eco_share": float(in_audience.mean()), "eco_count": int(in_audience.sum()), "n_customers": len(customers),
        "one_in": round(1 / in_audience.mean()),
        "one_run": one_run, "mass_spend": mass["spend"], "mass_emails": int(mass["impressions"]),
        "mass_ctr": mass["ctr"], "micro_ctr": micro["ctr"], "mass_roas": mass["roas"], "micro_roas": micro["roas"],
        "better_one_run": "micro" if micro["roas"] > mass["roas"] else "mass",
        "pooled_cpa": pooled_cpa, "cheaper_plan": cheaper, "cheaper_cpa": pooled_cpa.min(),
        "dearer_cpa": pooled_cpa.max(), "saving": 1 - pooled_cpa.min() / pooled_cpa.max(),
        "why": ": same spend, better-chosen audience." if cheaper == "micro" else ".",
    }


def wrong_answers(micro_rule: str, creative: str, channel: str, budget: float, seeds: int) -> dict[str, Any]:
    """What the typical mistakes of q1 and q3 give (computed only when an answer is wrong)."""
    customers = load_customers()
    in_audience = customers.eval(micro_rule).astype(bool)
    runs = _runs(micro_rule, creative, channel, budget, seeds)
    totals = runs.groupby(level="plan")[["spend", "conversions", "clicks", "revenue"]].sum()
    return {
        "eco_count": int(in_audience.sum()), "eco_percent": 100 * in_audience.mean(),
        "outside_share": 1 - in_audience.mean(),
        "reachable_share": float((in_audience & customers["consent_email"].astype(bool)).mean()),
        "mean_of_cpas": runs.groupby(level="plan")["cpa"].mean(),
        "one_run_cpa": _one_run(micro_rule, creative, channel, budget, 0)["cpa"],
        "conversions_per_rupee": totals["conversions"] / totals["spend"],
        "cost_per_click": totals["spend"] / totals["clicks"], "pooled_roas": totals["revenue"] / totals["spend"],
    }


def check_one_run(value: Any, facts: dict[str, Any]) -> None:
    """Exercise 2: is ``value`` the fair comparison's ``compare(plans, seed=0)``? Mismatch names the first difference."""
    expected: pd.DataFrame = facts["one_run"]
    if isinstance(value, SimulationResult):
        raise Mismatch("`one_run` is the result of a single plan (from `simulate`). Put both plans in a dict and pass "
                       "it to `compare(plans, seed=0)`, which returns one row per plan.")
    if value is None:
        raise Mismatch("`one_run` is None. Assign the table that `compare(plans, seed=0)` returns.")
    if not isinstance(value, pd.DataFrame):
        raise Mismatch(f"`one_run` should be the DataFrame returned by `compare(...)`, but it is a "
                       f"{type(value).__name__}.")
    if len(value) != 2:
        raise Mismatch(f"`one_run` should have two rows, one per plan ('mass' and 'micro'), but it has {len(value)}.")
    if sorted(map(str, value.index)) != ["mass", "micro"]:
        raise Mismatch(f"the plans are called {list(value.index)}. Name them 'mass' and 'micro' (the keys of your "
                       "plans dict).")
    missing = [c for c in COLUMNS if c not in value.columns]
    if missing:
        raise Mismatch(f"`one_run` is missing the column {missing[0]!r}. Keep the table `compare` returns as it is.")
    for plan in ("mass", "micro"):
        row = value.loc[plan]
        if "budget" in value.columns and not np.isclose(float(row["budget"]), facts["budget"]):
            raise Mismatch(f"the {plan} plan's budget is {float(row['budget']):,.0f}. A fair comparison gives both "
                           f"plans the same budget: ₹{facts['budget']:,.0f}.")
        for column in ("channel", "creative"):
            if column in value.columns and str(row[column]) != facts[column]:
                raise Mismatch(f"the {plan} plan uses the {column} {row[column]!r}. Both plans must use the same "
                               f"{column}, {facts[column]!r}, so that only the audience differs.")
    sizes, (everyone, micro) = value["audience_size"], expected["audience_size"].loc[["mass", "micro"]].astype(int)
    if int(sizes["micro"]) == everyone:
        raise Mismatch(f"the micro plan targets every customer ({everyone:,}). Give it the audience rule "
                       f"{facts['micro_rule']!r}.")
    if int(sizes["mass"]) != everyone:
        raise Mismatch(f"the mass plan targets only {int(sizes['mass']):,} customers. A mass plan targets everyone: "
                       "`audience=None`.")
    if int(sizes["micro"]) != micro:
        raise Mismatch(f"the micro plan's audience has {int(sizes['micro']):,} customers, but the rule "
                       f"{facts['micro_rule']!r} selects {micro:,}. Check the audience rule.")
    got = value[COLUMNS]
    if not got.equals(expected[COLUMNS].loc[got.index]):
        plan = {k: facts[k] for k in ("micro_rule", "creative", "channel", "budget")}
        for seed in range(1, 11):
            other = _one_run(**plan, seed=seed)[COLUMNS].loc[got.index]
            if np.allclose(got.to_numpy(dtype=float), other.to_numpy(dtype=float)):
                raise Mismatch(f"these are the results of seed={seed}. Use `seed=0`, so that everyone in the class "
                               "compares the same run.")
    expect_frame(got, expected[COLUMNS], name="one_run", what="plan")
