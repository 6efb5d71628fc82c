"""Checks of the 01-what-is-micromarketing workbook (data/exercises/01-what-is-micromarketing.yaml), with right
answers, typical mistakes, the placeholder and None. Expected values are recomputed here with plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from course_lib.analysis.metrics import campaign_report
from course_lib.learning import exercises
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_customers
from course_lib.market.simulator import compare, simulate

EXERCISES = load_workbook("01-what-is-micromarketing")
q1, q2, q3 = EXERCISES


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


def _plans(budget=1200, **changes):
    """The workbook's plans, written out independently of the module (with optional changes per plan)."""
    mass = dict(audience=None, creative="organic_delivery", channel="email", budget=budget)
    micro = dict(audience="interest_eco", creative="organic_delivery", channel="email", budget=budget)
    for key, value in changes.items():
        plan, arg = key.split("__")
        (mass if plan == "mass" else micro)[arg] = value
    return {"mass": mass, "micro": micro}


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return pd.concat([compare(_plans(), seed=s) for s in range(20)]).reset_index()


def test_the_workbook_lists_its_exercises():
    assert [ex.var for ex in EXERCISES] == ["eco_share", "one_run", "pooled_cpa"]
    assert q3.title == "Cost per acquisition over 20 runs"
    assert "budget=1200" in q2.hints[1]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_placeholder_and_none(exercise):
    assert exercise.evaluate(____).status == "not_attempted"
    fb = exercise.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
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
    from course_lib.chapters import ch01_what_is_micromarketing as ch01

    changed = customers.copy()
    changed["interest_eco"] = changed["age"] < 30
    monkeypatch.setattr(ch01, "load_customers", lambda: changed)
    fresh = load_workbook("01-what-is-micromarketing")[0]
    assert fresh.evaluate((changed["age"] < 30).mean()).status == "correct"
    assert fresh.evaluate(customers["interest_eco"].mean()).status == "incorrect"


# --------------------------------------------------------------------------- q2


def test_q2_right_answer():
    one_run = compare(_plans(), seed=0)
    fb = q2.evaluate(one_run)
    assert fb.status == "correct"
    assert "One run is noisy" in fb.message and "8,000 emails" in fb.message
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


def test_the_checks_follow_the_constants(tmp_path, monkeypatch):
    """Change the workbook's constants (budget 800, 5 runs): the expected answers change with them."""
    spec = yaml.safe_load((exercises.SPECS_DIR / "01-what-is-micromarketing.yaml").read_text(encoding="utf-8"))
    spec["constants"].update(budget=800, seeds=5)
    (tmp_path / "01-what-is-micromarketing.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    monkeypatch.setattr(exercises, "SPECS_DIR", tmp_path)
    _, fresh_q2, fresh_q3 = load_workbook("01-what-is-micromarketing")
    assert fresh_q2.evaluate(compare(_plans(budget=800), seed=0)).status == "correct"
    assert fresh_q2.evaluate(compare(_plans(), seed=0)).status == "incorrect"
    few = pd.concat([compare(_plans(budget=800), seed=s) for s in range(5)])
    totals = few.groupby(level="plan")[["spend", "conversions"]].sum()
    assert fresh_q3.evaluate(totals["spend"] / totals["conversions"]).status == "correct"


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
