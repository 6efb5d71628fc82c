"""Exercises for the workbook ``10-test-and-learn``.

* ``q1`` (sample size): people per group to detect a 2.0% -> 2.5% SMS click
  rate, as ``n_per_group``.
* ``q2`` (significance): the p-value of an A/B test of the student segment on
  the simulator (``campus_deals`` vs ``generic_sale``, clicks per person
  reached), as ``p_value``.
* ``q3`` (reallocation): split ₹50,000 across the micro-segments of the past
  campaign log in proportion to ROAS, each keeping at least 5%, as the Series
  ``new_budget``.

Every expected value is computed from the course library and data when the
check runs.

Examples
--------
>>> from course_lib.chapters.workbooks.test_and_learn import q1
>>> q1.evaluate(None).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_series

__all__ = [
    "NOTEBOOK", "EXERCISES", "SMS_BASELINE", "SMS_LIFT", "STUDENT_TEST", "REALLOCATION", "student_test",
    "reallocation_table", "q1", "q2", "q3",
]

#: The workbook these exercises belong to.
NOTEBOOK = "10-test-and-learn"
#: q1: the SMS click rate today and the relative lift worth detecting.
SMS_BASELINE = 0.02
SMS_LIFT = 0.25
#: q2: the student A/B test (split, creatives, channel, budget per version, seeds of the runs).
STUDENT_TEST: dict[str, Any] = {
    "audience": "is_student",
    "split": {"A": 0.5, "B": 0.5},
    "split_seed": 7,
    "creatives": {"A": "campus_deals", "B": "generic_sale"},
    "channel": "email",
    "budget": 800.0,
    "seeds": {"A": 1, "B": 2},
}
#: q3: the reallocation (budget, floor per segment, the segment left out).
REALLOCATION: dict[str, Any] = {"total_budget": 50_000.0, "min_share": 0.05, "exclude": "All customers"}


# --------------------------------------------------------------------------- q1: sample size


def _check_sample_size(value: Any) -> str:
    from course_lib.analysis.experiments import sample_size_per_group  # noqa: PLC0415

    target = SMS_BASELINE * (1 + SMS_LIFT)
    expected = sample_size_per_group(SMS_BASELINE, target)
    mistakes = [
        (2 * expected, "`n_per_group` counts both groups. The formula gives people per group; the whole test "
                       "needs twice that, but the question asks for one group."),
        (sample_size_per_group(SMS_BASELINE, SMS_BASELINE + SMS_LIFT / 100),
         "`n_per_group` treats the 25% lift as 0.25 percentage points (2.0% -> 2.25%). A relative lift of 25% "
         "means 2.0% x 1.25 = 2.5%."),
        (sample_size_per_group(SMS_BASELINE, target, power=0.9), "`n_per_group` uses 90% power; the question "
                                                                    "uses the usual 80%."),
        (sample_size_per_group(SMS_BASELINE, target, alpha=0.1), "`n_per_group` uses alpha = 0.1 (or a one-sided "
                                                                   "test); use the default two-sided 5%."),
        (sample_size_per_group(SMS_BASELINE, target, method="arcsine"),
         "`n_per_group` comes from the arcsine method; use the default pooled formula of `sample_size_per_group`."),
    ]
    if SMS_BASELINE + SMS_LIFT < 1:
        mistakes.append((sample_size_per_group(SMS_BASELINE, SMS_BASELINE + SMS_LIFT),
                         "`n_per_group` treats the lift as absolute (2% + 25 points = 27%). A 25% lift is relative: "
                         "2.0% x 1.25 = 2.5%."))
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_per_group", mistakes=mistakes)
    return (f"{expected:,} people per group, {2 * expected:,} for the whole test: at 2 SMS per person and ₹250 "
            f"per 1,000 that is about ₹{2 * expected * 2 * 250 / 1000:,.0f} of media.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_per_group",
    topic="test-and-learn",
    title="Sample size for an SMS test",
    checker=_check_sample_size,
    hints=[
        "A 25% relative lift on a 2.0% baseline means the new version must reach 2.0% x 1.25 = 2.5%.",
        "`sample_size_per_group(0.02, 0.025)` gives the people needed in each group (two-sided, 5%, 80% power).",
    ],
)


# --------------------------------------------------------------------------- q2: p-value on the simulator


@functools.lru_cache(maxsize=1)
def student_test() -> dict[str, Any]:
    """Run the q2 A/B test exactly as the workbook describes; returns both results.

    Returns
    -------
    dict
        ``{"A": SimulationResult, "B": SimulationResult}``.
    """
    from course_lib.market.datasets import load_customers  # noqa: PLC0415
    from course_lib.analysis.experiments import assign_groups  # noqa: PLC0415
    from course_lib.market.simulator import simulate  # noqa: PLC0415

    customers = load_customers()
    students = customers[customers.eval(STUDENT_TEST["audience"])]
    groups = assign_groups(students, STUDENT_TEST["split"], seed=STUDENT_TEST["split_seed"])
    out = {}
    for g in ("A", "B"):
        ids = pd.Index(students.loc[groups == g, "customer_id"])
        out[g] = simulate(ids, STUDENT_TEST["creatives"][g], STUDENT_TEST["channel"], STUDENT_TEST["budget"],
                          seed=STUDENT_TEST["seeds"][g])
    return out


def _check_p_value(value: Any) -> str:
    from course_lib.analysis.experiments import ZTestResult, two_proportion_ztest  # noqa: PLC0415

    runs = student_test()
    a, b = runs["A"], runs["B"]
    right = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach)
    if isinstance(value, ZTestResult):
        raise Mismatch("`p_value` holds the whole test result. Take its `.p_value` attribute.")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1:
        raise Mismatch("`p_value` is above 1, so it cannot be a p-value. Did you store a count or the z value?")
    mistakes = [
        (two_proportion_ztest(b.clicks, b.impressions, a.clicks, a.impressions).p_value,
         "`p_value` divides clicks by impressions. Each student got up to 2 emails; compare clicks per person "
         "reached (`reach`)."),
        (two_proportion_ztest(b.conversions, b.reach, a.conversions, a.reach).p_value,
         "`p_value` compares conversions. The question asks about clicks (far more frequent, so the test can "
         "see a difference)."),
        (two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach, alternative="larger").p_value,
         "`p_value` is one-sided (alternative='larger'). Use the default two-sided test."),
        (two_proportion_ztest(b.clicks, b.audience_size, a.clicks, a.audience_size).p_value,
         "`p_value` divides by the whole group, including students who cannot be emailed. Use `reach`."),
        (right.z, "`p_value` is the z statistic. Take `.p_value` from the result."),
    ]
    mistakes = [(v, m) for v, m in mistakes if abs(v - right.p_value) > 1e-12]
    expect_number(value, right.p_value, name="p_value", rel_tol=1e-4, abs_tol=1e-12, mistakes=mistakes)
    verdict = "significant at 5%" if right.significant else "not significant at 5%"
    return (f"Click rate {right.rate_a:.2%} (generic) vs {right.rate_b:.2%} (campus_deals), lift "
            f"{right.lift:+.0%}, p = {right.p_value:.2g}: {verdict}.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="p_value",
    topic="test-and-learn",
    title="Is the student test significant?",
    checker=_check_p_value,
    hints=[
        "Run both versions with `simulate(ids, creative, 'email', 800, seed=...)`, then compare clicks per person "
        "reached: `result.clicks` out of `result.reach`.",
        "`two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach).p_value` (control B first, variant A second).",
    ],
)


# --------------------------------------------------------------------------- q3: reallocation


@functools.lru_cache(maxsize=1)
def _log() -> pd.DataFrame:
    from course_lib.market.datasets import load_campaigns  # noqa: PLC0415

    return load_campaigns()


def reallocation_table() -> pd.DataFrame:
    """The right q3 answer as :func:`course_lib.analysis.experiments.reallocate_budget` returns it."""
    from course_lib.analysis.experiments import reallocate_budget  # noqa: PLC0415

    log = _log()
    micro = log[log["segment"] != REALLOCATION["exclude"]]
    return reallocate_budget(micro, REALLOCATION["total_budget"], min_share=REALLOCATION["min_share"])


def _check_reallocation(value: Any) -> str:
    from course_lib.analysis.experiments import reallocate_budget  # noqa: PLC0415

    table = reallocation_table().set_index("segment")
    expected = table["new_budget"].astype(float)
    total, floor = REALLOCATION["total_budget"], REALLOCATION["min_share"]
    log = _log()
    micro = log[log["segment"] != REALLOCATION["exclude"]]
    if isinstance(value, pd.DataFrame) and "new_budget" in value.columns and value.shape[1] > 1:
        raise Mismatch("`new_budget` is the whole reallocation table. Keep its `new_budget` column, indexed by "
                       "segment (e.g. `table.set_index('segment')['new_budget']`).")
    if isinstance(value, pd.Series) and REALLOCATION["exclude"] in value.index:
        raise Mismatch(f"`new_budget` includes {REALLOCATION['exclude']!r}. The question splits the money across "
                       "the micro-segments only; drop the mass campaigns first.")
    sums = micro.groupby("segment", observed=True)[["spend", "revenue"]].sum()
    mistakes = [
        (reallocate_budget(micro, total).set_index("segment")["new_budget"],
         "`new_budget` has no minimum share: every segment must keep at least 5% (min_share=0.05)."),
        (table["new_share"], "`new_budget` holds shares of the budget; the question asks for rupees "
                             "(`new_budget`, not `new_share`)."),
        (pd.Series(total / len(expected), index=expected.index), "`new_budget` is an even split. The budget "
                                                                 "should follow each segment's ROAS."),
        (sums["revenue"] / sums["revenue"].sum() * total, "`new_budget` follows revenue, not ROAS: a segment that "
                                                          "spent a lot earns a lot without being efficient."),
        (table["old_share"] * total, "`new_budget` repeats the old spending pattern; reallocate by ROAS."),
    ]
    expect_series(value, expected, name="new_budget", what="segment", rel_tol=1e-6, abs_tol=0.01,
                  mistakes=mistakes)
    best = expected.idxmax()
    return (f"{best!r} (ROAS {table.loc[best, 'roas']:.1f}) gets the most, ₹{expected.max():,.0f}; the weakest "
            f"segments keep the floor of ₹{floor * total:,.0f} so you keep learning about them.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="new_budget",
    topic="test-and-learn",
    title="Move the budget toward the winners",
    checker=_check_reallocation,
    hints=[
        "Keep the rows of `campaigns` whose segment is not 'All customers', then use `reallocate_budget` with "
        "total_budget=50000 and min_share=0.05.",
        "`reallocate_budget(micro, 50000, min_share=0.05).set_index('segment')['new_budget']`",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
