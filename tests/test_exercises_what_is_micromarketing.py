"""Checks of the 01-what-is-micromarketing workbook, with right answers, typical mistakes, blanks and None."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_customers
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import what_is_micromarketing as wim
from course_lib.chapters.workbooks.what_is_micromarketing import q1, q2, q3
from course_lib.analysis.metrics import campaign_report
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.simulator import compare, simulate


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


def _plans(**changes):
    """The workbook's plans, written out independently of the module (with optional changes per plan)."""
    mass = dict(audience=None, creative="organic_delivery", channel="email", budget=1200)
    micro = dict(audience="interest_eco", creative="organic_delivery", channel="email", budget=1200)
    for key, value in changes.items():
        plan, arg = key.split("__")
        (mass if plan == "mass" else micro)[arg] = value
    return {"mass": mass, "micro": micro}


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return pd.concat([compare(_plans(), seed=s) for s in range(20)]).reset_index()


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises("01-what-is-micromarketing")] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("exercise", [q1, q2, q3], ids=lambda e: e.id)
def test_placeholder_and_none(exercise):
    assert exercise.evaluate(____).status == "not_attempted"
    fb = exercise.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


@pytest.mark.parametrize("exercise", [q1, q2, q3], ids=lambda e: e.id)
def test_two_levels_of_hints(exercise):
    assert len(exercise.hints) == 2 and exercise.hints[0] != exercise.hints[1]


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(customers):
    share = customers["interest_eco"].sum() / len(customers)  # an independent route to the answer
    fb = q1.evaluate(share)
    assert fb.status == "correct"
    assert f"{customers['interest_eco'].sum():,} of 50,000" in fb.message
    assert q1.evaluate(customers["interest_eco"].mean()).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda c: int(c["interest_eco"].sum()), "number of customers in the audience"),
        (lambda c: 100 * c["interest_eco"].mean(), "percentage"),
        (lambda c: 1 - c["interest_eco"].mean(), "outside"),
        (lambda c: (c["interest_eco"] & c["consent_email"]).mean(), "consent"),
        (lambda c: c["interest_eco"], "whole column"),
        (lambda c: "0.23", "single number"),
        (lambda c: 0.5, "should be"),
    ],
)
def test_q1_wrong_answers(customers, make, fragment):
    fb = q1.evaluate(make(customers))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q1_follows_the_data(customers, monkeypatch):
    changed = customers.copy()
    changed["interest_eco"] = changed["age"] < 30
    monkeypatch.setattr(wim, "load_customers", lambda: changed)
    assert q1.evaluate((changed["age"] < 30).mean()).status == "correct"
    assert q1.evaluate(customers["interest_eco"].mean()).status == "incorrect"


# --------------------------------------------------------------------------- q2


def test_q2_right_answer():
    one_run = compare(_plans(), seed=0)
    fb = q2.evaluate(one_run)
    assert fb.status == "correct"
    assert "One run is noisy" in fb.message
    # Row order and a subset of the columns do not matter.
    assert q2.evaluate(one_run.iloc[::-1]).status == "correct"
    assert q2.evaluate(one_run[["audience_size", "reachable", "impressions", "clicks", "conversions", "spend",
                                "revenue"]]).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: compare(_plans(micro__budget=600), seed=0), "same budget"),
        (lambda: compare(_plans(mass__creative="generic_sale"), seed=0), "same creative"),
        (lambda: compare(_plans(micro__channel="sms"), seed=0), "same channel"),
        (lambda: compare(_plans(micro__audience=None), seed=0), "targets every customer"),
        (lambda: compare(_plans(mass__audience="age >= 18"), seed=0), "A mass plan targets everyone"),
        (lambda: compare(_plans(micro__audience="interest_eco and age < 40"), seed=0), "Check the audience rule"),
        (lambda: compare(_plans(), seed=4), "seed=4"),
        (lambda: compare({"a": _plans()["mass"], "b": _plans()["micro"]}, seed=0), "Name them 'mass' and 'micro'"),
        (lambda: compare({"mass": _plans()["mass"]}, seed=0), "two rows"),
        (lambda: simulate("interest_eco", "organic_delivery", "email", 1200, seed=0), "single plan"),
        (lambda: compare(_plans(), seed=0).drop(columns="clicks"), "missing the column 'clicks'"),
        (lambda: compare(_plans(), seed=0).to_dict(), "should be the DataFrame"),
    ],
)
def test_q2_wrong_answers(make, fragment):
    fb = q2.evaluate(make())
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q2_follows_the_settings(monkeypatch):
    monkeypatch.setattr(wim, "BUDGET", 800.0)
    assert q2.evaluate(compare(_plans(mass__budget=800, micro__budget=800), seed=0)).status == "correct"
    assert q2.evaluate(compare(_plans(), seed=0)).status == "incorrect"


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(runs):
    report = campaign_report(runs, by="plan", reach=None)
    fb = q3.evaluate(report.set_index("plan")["cpa"])
    assert fb.status == "correct"
    assert "micro plan wins a customer" in fb.message
    by_hand = runs.groupby("plan")["spend"].sum() / runs.groupby("plan")["conversions"].sum()
    assert q3.evaluate(by_hand).status == "correct"
    assert by_hand["micro"] < by_hand["mass"]  # the lesson of the exercise holds on the course data


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r: r.groupby("plan")["cpa"].mean(), "average of the 20 runs"),
        (lambda r: r[r.index < 2].set_index("plan")["cpa"], "single run with seed 0"),
        (lambda r: r.groupby("plan")["conversions"].sum() / r.groupby("plan")["spend"].sum(), "upside down"),
        (lambda r: r.groupby("plan")["spend"].sum() / r.groupby("plan")["clicks"].sum(), "cost per click"),
        (lambda r: r.groupby("plan")["revenue"].sum() / r.groupby("plan")["spend"].sum(), "pooled ROAS"),
        (lambda r: campaign_report(r, by="plan", reach=None)["cpa"], "labels are not the plans"),
        (lambda r: campaign_report(r, by="plan", reach=None).set_index("plan"), "should be a Series"),
        (lambda r: float(r["spend"].sum() / r["conversions"].sum()), "should be a pandas Series"),
        (lambda r: (r.groupby("plan")["spend"].sum() / r.groupby("plan")["conversions"].sum()).drop("mass"),
         "missing the plan 'mass'"),
    ],
)
def test_q3_wrong_answers(runs, make, fragment):
    fb = q3.evaluate(make(runs))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q3_follows_the_settings(runs, monkeypatch):
    monkeypatch.setattr(wim, "SEEDS", range(5))
    few = runs.iloc[:10]  # seeds 0-4: two rows per seed
    assert q3.evaluate(few.groupby("plan")["spend"].sum() / few.groupby("plan")["conversions"].sum()).status == "correct"
    assert q3.evaluate(runs.groupby("plan")["spend"].sum() / runs.groupby("plan")["conversions"].sum()).status == "incorrect"
