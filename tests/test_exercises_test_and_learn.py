"""Checks of the 10-test-and-learn workbook, with right answers and typical mistakes."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_campaigns, load_customers
from course_lib.chapters import ch10_test_and_learn as ch10
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.analysis.experiments import (
    assign_groups,
    reallocate_budget,
    sample_size_per_group,
    two_proportion_ztest,
)
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.simulator import simulate


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


def workbook():
    """A fresh workbook (its answers are computed on first use, after any monkeypatch)."""
    return dict(zip(["q1", "q2", "q3"], load_workbook("10-test-and-learn")))


def test_registered():
    assert [ex.id for ex in workbook_exercises("10-test-and-learn")] == ["q1", "q2", "q3"]


def test_q1_right_and_wrong():
    q1 = workbook()["q1"]
    right = sample_size_per_group(0.02, 0.025)
    assert q1.evaluate(right).status == "correct"
    for value, fragment in [
        (2 * right, "both groups"),
        (sample_size_per_group(0.02, 0.0225), "percentage points"),
        (sample_size_per_group(0.02, 0.27), "absolute"),
        (sample_size_per_group(0.02, 0.025, power=0.9), "90% power"),
        (sample_size_per_group(0.02, 0.025, alpha=0.1), "one-sided"),
        (None, "is None"),
        ("13809", "single number"),
        (100, "should be"),
    ]:
        fb = q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert q1.evaluate(____).status == "not_attempted"


@pytest.fixture(scope="module")
def student_runs():
    """The q2 test rebuilt independently of the exercise module."""
    customers = load_customers()
    students = customers[customers["is_student"]]
    groups = assign_groups(students, {"A": 0.5, "B": 0.5}, seed=7)
    a = simulate(pd.Index(students.loc[groups == "A", "customer_id"]), "campus_deals", "email", 800, seed=1)
    b = simulate(pd.Index(students.loc[groups == "B", "customer_id"]), "generic_sale", "email", 800, seed=2)
    return a, b


def test_q2_right_and_wrong(student_runs):
    q2 = workbook()["q2"]
    a, b = student_runs
    right = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach)
    assert q2.evaluate(right.p_value).status == "correct"
    # A and B swapped gives the same two-sided p-value: also right
    assert q2.evaluate(two_proportion_ztest(a.clicks, a.reach, b.clicks, b.reach).p_value).status == "correct"
    for value, fragment in [
        (two_proportion_ztest(b.clicks, b.impressions, a.clicks, a.impressions).p_value, "impressions"),
        (two_proportion_ztest(b.conversions, b.reach, a.conversions, a.reach).p_value, "conversions"),
        (two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach, alternative="larger").p_value, "one-sided"),
        (two_proportion_ztest(b.clicks, b.audience_size, a.clicks, a.audience_size).p_value, "whole group"),
        (right, "whole test result"),
        (right.z, "z statistic"),
        (7.0, "above 1"),
        (0.5, "should be"),
        (None, "is None"),
    ]:
        fb = q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert q2.evaluate(____).status == "not_attempted"


def test_q2_expected_value_comes_from_the_simulation(monkeypatch, student_runs):
    a, b = student_runs
    monkeypatch.setattr(ch10, "student_test", lambda *args: {"A": b, "B": a})  # roles swapped, same p-value
    swapped = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach).p_value
    assert workbook()["q2"].evaluate(swapped).status == "correct"
    fake_b = type(b)(**{**{k: getattr(b, k) for k in b.__dataclass_fields__}, "clicks": a.clicks})
    monkeypatch.setattr(ch10, "student_test", lambda *args: {"A": a, "B": fake_b})  # equal clicks: p near 1
    right = two_proportion_ztest(fake_b.clicks, fake_b.reach, a.clicks, a.reach).p_value
    q2 = workbook()["q2"]
    assert q2.evaluate(right).status == "correct"
    assert q2.evaluate(two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach).p_value).status == "incorrect"


@pytest.fixture(scope="module")
def micro():
    log = load_campaigns()
    return log[log["segment"] != "All customers"]


def test_q3_right_and_wrong(micro):
    q3 = workbook()["q3"]
    table = reallocate_budget(micro, 50_000, min_share=0.05).set_index("segment")
    right = table["new_budget"]
    assert q3.evaluate(right).status == "correct"
    assert q3.evaluate(right.sample(frac=1, random_state=0)).status == "correct"  # order does not matter
    everyone = reallocate_budget(load_campaigns(), 50_000, min_share=0.05).set_index("segment")["new_budget"]
    sums = micro.groupby("segment", observed=True)[["spend", "revenue"]].sum()
    for value, fragment in [
        (reallocate_budget(micro, 50_000).set_index("segment")["new_budget"], "minimum share"),
        (table["new_share"], "shares of the budget"),
        (pd.Series(50_000 / len(right), index=right.index), "even split"),
        (sums["revenue"] / sums["revenue"].sum() * 50_000, "follows revenue"),
        (table["old_share"] * 50_000, "old spending pattern"),
        (everyone, "All customers"),
        (reallocate_budget(micro, 50_000, min_share=0.05), "whole reallocation table"),
        (right.to_numpy(), "without labels"),
        (None, "is None"),
    ]:
        fb = q3.evaluate(value)
        assert fb.status == "incorrect", type(value)
        assert fragment in fb.message, (fragment, fb.message)
    assert q3.evaluate(____).status == "not_attempted"


def test_q3_expected_value_follows_the_log(monkeypatch, micro):
    """Change the campaign log: the right answer follows it (nothing hard-coded)."""
    changed = micro.copy()
    changed["revenue"] = changed["spend"]  # every ROAS = 1: an even split (above the floor) is right
    monkeypatch.setattr(ch10, "_micro_campaigns", lambda exclude: changed)
    q3 = workbook()["q3"]
    n = changed["segment"].nunique()
    segments = sorted(changed["segment"].unique())
    even = pd.Series(50_000 / n, index=segments)
    assert q3.evaluate(even).status == "correct"
