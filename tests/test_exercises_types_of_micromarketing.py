"""Checks of the 07-types-of-micromarketing workbook, with right answers and typical mistakes."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_case, load_transactions
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import types_of_micromarketing as tm
from course_lib.learning.progress import PROGRESS_ENV

RIGHT = {"A": "recovery", "B": "job_title", "C": "local", "D": "relationship", "E": "price_sensitivity"}


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


def test_registered():
    assert [ex.id for ex in workbook_exercises("07-types-of-micromarketing")] == ["q1", "q2", "q3"]


def test_q1_right_and_wrong(per_customer):
    share = per_customer["disc"] / per_customer["n"]
    enough = per_customer["n"] >= 5
    right = int(((share >= 0.5) & enough).sum())
    assert tm.q1.evaluate(right).status == "correct"
    assert tm.q1.evaluate(float(right)).status == "correct"
    for value, fragment in [
        (int((share >= 0.5).sum()), "fewer than 5 purchases"),
        (int(((share > 0.5) & enough).sum()), ">= 0.5"),
        (int(((share >= 0.5) & (per_customer["n"] > 5)).sum()), "exactly 5 purchases"),
        (int(((per_customer["disc_amount"] / per_customer["amount"] >= 0.5) & enough).sum()), "rupees"),
        (int(per_customer["disc"].sum()), "not customers"),
        (int((per_customer["disc"] >= 5).sum()), "discounted* purchases"),
        (0, "percentage"),
        (per_customer[(share >= 0.5) & enough], "len(...)"),
        (per_customer, "not a table"),
        (None, "is None"),
        ("9676", "single number"),
        (right + 1, "should be"),
    ]:
        fb = tm.q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert tm.q1.evaluate(____).status == "not_attempted"


def test_q2_right_and_wrong(contacts):
    titles = contacts["job_title"].astype(str).replace({"COO": "Chief Operating Officer",
                                                        "Vice President - Operations": "VP Operations"})
    ops = titles.isin(["Chief Operating Officer", "VP Operations"])
    opted = contacts["email_opt_in"]
    right = int((ops & opted).sum())
    assert tm.q2.evaluate(right).status == "correct"
    exact = contacts["job_title"].astype(str).isin(["Chief Operating Officer", "VP Operations"])
    for value, fragment in [
        (int((exact & opted).sum()), "other spellings"),
        (int(ops.sum()), "did not opt in"),
        (int(((titles == "Chief Operating Officer") & opted).sum()), "only Chief Operating Officers"),
        (int(((titles == "VP Operations") & opted).sum()), "only VP Operations"),
        (int(contacts.loc[ops & opted, "account_id"].nunique()), "counts companies"),
        (contacts[ops & opted], "len(...)"),
        (None, "is None"),
        (right + 5, "should be"),
    ]:
        fb = tm.q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert tm.q2.evaluate(____).status == "not_attempted"


def test_q3_right_and_wrong():
    assert tm.q3.evaluate(RIGHT).status == "correct"
    named = {"a": "Customer recovery", "B": "job title", "C": "Local", "D": "Relationship-based",
             "E": "Price-sensitivity"}
    assert tm.q3.evaluate(named).status == "correct"
    for value, fragment in [
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
    ]:
        fb = tm.q3.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert tm.q3.evaluate(____).status == "not_attempted"


def test_q3_answers_come_from_the_content_file(monkeypatch):
    """Change the scenarios: the right answer follows the data file (nothing hard-coded)."""
    table = pd.DataFrame({"text": ["x"], "answer": ["industry"], "confusable": ["job_title"], "why": ["because"]},
                         index=pd.Index(["A"], name="id"))
    monkeypatch.setattr(tm, "_scenarios", lambda: table)
    assert tm.q3.evaluate({"A": "industry"}).status == "correct"
    assert "because" in tm.q3.evaluate({"A": "job_title"}).message
