"""Chapter 10 (test and learn): the sample-size explorer and the answers of the workbook's checks.

The checks themselves are declared in ``data/exercises/10-test-and-learn.yaml``;
the z-test and the sample-size formula are worked by hand in the chapter notebook.

Examples
--------
>>> a = answers(sms_baseline=0.02, sms_lift=0.25, student_split_seed=7, student_budget=800.0,
...             total_budget=50_000.0, min_share=0.05, exclude="All customers")
>>> a["n_per_group"]
13809
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.experiments import (ZTestResult, assign_groups, reallocate_budget, sample_size_per_group,
                                             two_proportion_ztest)
from course_lib.base.validation import require_number, require_positive_int, require_probability
from course_lib.learning.exercises import Mismatch, expect_number, expect_series

__all__ = ["sample_size_explorer", "student_test", "answers", "wrong_answers", "check_p_value", "check_new_budget"]


def sample_size_explorer(baseline_rate: float = 0.03, relative_lift: float = 0.2, cost_per_thousand: float = 150.0,
                         impressions_per_person: int = 2, available: int | None = None) -> Any:
    """An :class:`~course_lib.learning.explorer.Explorer`: baseline rate, lift, power and CPM -> people per group,
    the test's media cost and the curve of people needed against the lift.

    A notebook cell showing it needs the ``nbval-ignore-output`` tag.

    Examples
    --------
    >>> ex = sample_size_explorer(baseline_rate=0.02, available=10_000)
    >>> ex.result.split(":")[0]
    'Detect **2.00% -> 2.40%**'
    >>> sample_size_explorer(baseline_rate=1.5)
    Traceback (most recent call last):
    ...
    ValueError: baseline_rate must be < 1, got 1.5.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    require_probability(baseline_rate, "baseline_rate", open_interval=True)
    require_number(relative_lift, "relative_lift", minimum=0.0, inclusive=False)
    require_number(cost_per_thousand, "cost_per_thousand", minimum=0.0)
    require_positive_int(impressions_per_person, "impressions_per_person")

    def slider(kind: Any, value: float, description: str, fmt: str, **kw: Any) -> Any:
        return kind(value=value, description=description, readout_format=fmt, continuous_update=False,
                    style={"description_width": "200px"}, layout=widgets.Layout(width="480px"), **kw)

    controls = {
        "baseline": slider(widgets.FloatLogSlider, baseline_rate, "baseline rate", ".2%", base=10, min=-3,
                           max=np.log10(0.5), step=0.05),
        "lift": slider(widgets.FloatSlider, relative_lift, "lift to detect", ".0%", min=0.05, max=1.0, step=0.05),
        "power": slider(widgets.FloatSlider, 0.8, "power", ".0%", min=0.5, max=0.95, step=0.05),
        "cpm": slider(widgets.FloatSlider, cost_per_thousand, "cost per 1,000 messages (₹)", ".0f", min=0.0,
                      max=1000.0, step=10.0),
    }

    def draw(fig: Any, baseline: float, lift: float, power: float, cpm: float) -> str:
        target = baseline * (1 + lift)
        if target >= 1:
            raise ValueError("the target rate would reach 100%: lower the baseline or the lift")
        n = sample_size_per_group(baseline, target, power=power)
        cost = 2 * n * cpm / 1000 * impressions_per_person
        line = f"Detect **{baseline:.2%} -> {target:.2%}**: {n:,} people per group, media cost ₹{cost:,.0f}"
        if available is not None:
            line += f"; an audience of {available:,} " + ("is large enough." if 2 * n <= available
                                                          else "is **too small**.")
        lifts = np.linspace(0.05, 1.0, 39)
        lifts = lifts[baseline * (1 + lifts) < 1]
        ax = fig.subplots()
        ax.plot(100 * lifts, [sample_size_per_group(baseline, baseline * (1 + x), power=power) for x in lifts],
                lw=2, label="people needed per group")
        if available is not None:
            ax.axhline(available / 2, color="tab:red", ls="--", lw=1.2, label="most per group the audience allows")
        ax.scatter([100 * lift], [n], color="black", zorder=3, label="your choice")
        ax.set_yscale("log")
        ax.set(xlabel="smallest lift to detect (%)", ylabel="people per group (log scale)",
               title=f"People needed per group at a {baseline:.2%} baseline")
        ax.tick_params(labelsize=10)
        ax.legend(fontsize=9)
        return line

    return Explorer(controls, draw, title="Sample size and cost of a test", figsize=(7.5, 3.8))


def student_test(split_seed: int, budget: float) -> dict[str, Any]:
    """Exercise 2's A/B test: students split in halves, ``campus_deals`` (A) vs ``generic_sale`` (B) by email."""
    from course_lib.market.datasets import load_customers  # noqa: PLC0415
    from course_lib.market.simulator import simulate  # noqa: PLC0415

    customers = load_customers()
    students = customers[customers["is_student"]]
    groups = assign_groups(students, {"A": 0.5, "B": 0.5}, seed=split_seed)
    creatives, seeds = {"A": "campus_deals", "B": "generic_sale"}, {"A": 1, "B": 2}
    return {g: simulate(pd.Index(students.loc[groups == g, "customer_id"]), creatives[g], "email", budget,
                        seed=seeds[g]) for g in ("A", "B")}


def _micro_campaigns(exclude: str) -> pd.DataFrame:
    from course_lib.market.datasets import load_campaigns  # noqa: PLC0415

    log = load_campaigns()
    return log[log["segment"] != exclude]


def answers(sms_baseline: float, sms_lift: float, student_split_seed: int, student_budget: float,
            total_budget: float, min_share: float, exclude: str) -> dict[str, Any]:
    """The right answers (``n_per_group``, ``p_value``, ``new_budget``) and the facts the messages quote."""
    n = sample_size_per_group(sms_baseline, sms_baseline * (1 + sms_lift))
    runs = student_test(student_split_seed, student_budget)
    a, b = runs["A"], runs["B"]
    z = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach)
    table = reallocate_budget(_micro_campaigns(exclude), total_budget, min_share=min_share).set_index("segment")
    best = table["new_budget"].idxmax()
    return {"n_per_group": n, "both_groups": 2 * n, "sms_cost": 2 * n * 2 * 250 / 1000,
            "p_value": z.p_value, "rate_generic": z.rate_a, "rate_tailored": z.rate_b, "lift": z.lift,
            "verdict": "significant at 5%" if z.significant else "not significant at 5%",
            "new_budget": table["new_budget"].astype(float), "best_segment": best,
            "best_roas": table.loc[best, "roas"], "best_budget": table["new_budget"].max(),
            "floor": min_share * total_budget}


def wrong_answers(sms_baseline: float, sms_lift: float, student_split_seed: int, student_budget: float,
                  total_budget: float, min_share: float, exclude: str) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    p1, p2 = sms_baseline, sms_baseline * (1 + sms_lift)
    runs = student_test(student_split_seed, student_budget)
    a, b = runs["A"], runs["B"]
    micro = _micro_campaigns(exclude)
    table = reallocate_budget(micro, total_budget, min_share=min_share).set_index("segment")
    sums = micro.groupby("segment", observed=True)[["spend", "revenue"]].sum()
    return {
        "both_groups": 2 * sample_size_per_group(p1, p2),
        "lift_as_points": sample_size_per_group(p1, p1 + sms_lift / 100),
        "power_90": sample_size_per_group(p1, p2, power=0.9),
        "alpha_10": sample_size_per_group(p1, p2, alpha=0.1),
        "arcsine": sample_size_per_group(p1, p2, method="arcsine"),
        "lift_absolute": sample_size_per_group(p1, p1 + sms_lift) if p1 + sms_lift < 1 else float("nan"),
        "per_impression": two_proportion_ztest(b.clicks, b.impressions, a.clicks, a.impressions).p_value,
        "conversions": two_proportion_ztest(b.conversions, b.reach, a.conversions, a.reach).p_value,
        "one_sided": two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach, alternative="larger").p_value,
        "whole_group": two_proportion_ztest(b.clicks, b.audience_size, a.clicks, a.audience_size).p_value,
        "z": two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach).z,
        "no_floor": reallocate_budget(micro, total_budget).set_index("segment")["new_budget"],
        "shares": table["new_share"],
        "even_split": pd.Series(total_budget / len(table), index=table.index),
        "by_revenue": sums["revenue"] / sums["revenue"].sum() * total_budget,
        "old_pattern": table["old_share"] * total_budget,
    }


def check_p_value(value: Any, right: dict[str, Any]) -> None:
    """Exercise 2: a p-value (not the test result, not a number above 1) equal to the right one."""
    if isinstance(value, ZTestResult):
        raise Mismatch("`p_value` holds the whole test result. Take its `.p_value` attribute.")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1:
        raise Mismatch("`p_value` is above 1, so it cannot be a p-value. Did you store a count or the z value?")
    expect_number(value, right["p_value"], name="p_value", rel_tol=1e-4, abs_tol=1e-12)


def check_new_budget(value: Any, right: dict[str, Any]) -> None:
    """Exercise 3: rupees per micro-segment (not the whole table, not the mass rows)."""
    if isinstance(value, pd.DataFrame) and "new_budget" in value.columns and value.shape[1] > 1:
        raise Mismatch("`new_budget` is the whole reallocation table. Keep its `new_budget` column, indexed by "
                       "segment (e.g. `table.set_index('segment')['new_budget']`).")
    if isinstance(value, pd.Series) and right["exclude"] in value.index:
        raise Mismatch(f"`new_budget` includes {right['exclude']!r}. The question splits the money across "
                       "the micro-segments only; drop the mass campaigns first.")
    expect_series(value, right["new_budget"], name="new_budget", what="segment", rel_tol=1e-6, abs_tol=0.01)
