"""Checks of the 07-types-of-micromarketing workbook (declared in data/exercises/), with right answers and typical mistakes.

Expected values are recomputed here with plain pandas, independently of the chapter module's answers().
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.chapters import ch07_types_of_micromarketing as ch07
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_case, load_transactions

RIGHT = {"A": "recovery", "B": "job_title", "C": "local", "D": "relationship", "E": "price_sensitivity"}
q1, q2, q3 = load_workbook("07-types-of-micromarketing")


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def per_customer():
    """An independent reference: per-customer counts with plain pandas."""
    tx = load_transactions()
    out = tx.groupby("customer_id", observed=True).agg(n=("discount_used", "size"), disc=("discount_used", "sum"))
    out["amount"] = tx.groupby("customer_id", observed=True)["amount"].sum()
    out["disc_amount"] = tx[tx["discount_used"]].groupby("customer_id", observed=True)["amount"].sum()
    out["disc_amount"] = out["disc_amount"].fillna(0.0)
    return out


@pytest.fixture(scope="module")
def contacts():
    return load_case("b2b").contacts


def _check(exercise, cases):
    for value, fragment in cases:
        fb = exercise.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert exercise.evaluate(____).status == "not_attempted"


def test_q1_right_and_wrong(per_customer):
    share = per_customer["disc"] / per_customer["n"]
    enough = per_customer["n"] >= 5
    right = int(((share >= 0.5) & enough).sum())
    fb = q1.evaluate(right)
    assert fb.status == "correct" and f"{right:,} customers" in fb.message
    assert q1.evaluate(float(right)).status == "correct"
    _check(q1, [
        (int((share >= 0.5).sum()), "fewer than 5 purchases"),
        (int(((share > 0.5) & enough).sum()), ">= 0.5"),
        (int(((share >= 0.5) & (per_customer["n"] > 5)).sum()), "exactly 5 purchases"),
        (int(((per_customer["disc_amount"] / per_customer["amount"] >= 0.5) & enough).sum()), "rupees"),
        (int(per_customer["disc"].sum()), "not customers"),
        (int((per_customer["disc"] >= 5).sum()), "discounted* purchases"),
        (0, "percentage"),
        (per_customer[(share >= 0.5) & enough], "len(...)"),
        (per_customer, "single number"),
        (None, "is None"),
        ("9676", "single number"),
        (right + 1, "should be"),
    ])


def test_q2_right_and_wrong(contacts):
    titles = contacts["job_title"].astype(str).replace({"COO": "Chief Operating Officer",
                                                        "Vice President - Operations": "VP Operations"})
    ops = titles.isin(["Chief Operating Officer", "VP Operations"])
    opted = contacts["email_opt_in"]
    right = int((ops & opted).sum())
    fb = q2.evaluate(right)
    assert fb.status == "correct" and f"{int((ops & ~opted).sum())} more hold the title" in fb.message
    exact = contacts["job_title"].astype(str).isin(["Chief Operating Officer", "VP Operations"])
    _check(q2, [
        (int((exact & opted).sum()), "other spellings"),
        (int(ops.sum()), "did not opt in"),
        (int(((titles == "Chief Operating Officer") & opted).sum()), "only Chief Operating Officers"),
        (int(((titles == "VP Operations") & opted).sum()), "only VP Operations"),
        (int(contacts.loc[ops & opted, "account_id"].nunique()), "counts companies"),
        (contacts[ops & opted], "len(...)"),
        (None, "is None"),
        (right + 5, "should be"),
    ])


def test_q3_right_and_wrong():
    assert q3.evaluate(RIGHT).status == "correct"
    named = {"a": "Customer recovery", "B": "job title", "C": "Local", "D": "Relationship-based",
             "E": "Price-sensitivity"}
    assert q3.evaluate(named).status == "correct"
    _check(q3, [
        ({**RIGHT, "A": "price_sensitivity"}, "stopped coming"),
        ({**RIGHT, "D": "loyalty"}, "new customers to be nurtured"),
        ({**RIGHT, "B": "industry"}, "job title, not the industry"),
        ({**RIGHT, "C": "recovery"}, "why* was this audience chosen"),
        ({**RIGHT, "A": "loyalty", "D": "loyalty"}, "2 situations"),
        ({k: v for k, v in RIGHT.items() if k != "E"}, "no answer for situation(s) E"),
        ({**RIGHT, "F": "local"}, "unknown situation"),
        ({**RIGHT, "C": "hyperlocal"}, "is not a type"),
        (list(RIGHT.values()), "should be a dict"),
        ("recovery", "should be a dict"),
        (None, "is None"),
    ])


def test_q3_answers_come_from_the_content_file(monkeypatch):
    """Change the scenarios: the right answer follows the data (nothing hard-coded)."""
    table = pd.DataFrame({"text": ["x"], "answer": ["industry"], "confusable": ["job_title"], "why": ["because"]},
                         index=pd.Index(["A"], name="id"))
    monkeypatch.setattr(ch07, "load_scenarios", lambda: table)
    fresh = load_workbook("07-types-of-micromarketing")[2]
    assert fresh.evaluate({"A": "industry"}).status == "correct"
    assert "because" in fresh.evaluate({"A": "job_title"}).message
