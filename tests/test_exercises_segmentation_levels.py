"""Checks of the 02-segmentation-levels workbook (data/exercises/02-segmentation-levels.yaml), with right answers,
typical mistakes, the placeholder and None. Expected values are recomputed here with plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.base.content import content_path, read_yaml
from course_lib.chapters.ch02_segmentation_levels import levels_report
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_customers, load_transactions

EXERCISES = load_workbook("02-segmentation-levels")
q1, q2, q3 = EXERCISES


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


@pytest.fixture(scope="module")
def keywords() -> pd.DataFrame:
    rows = read_yaml(content_path("levels_examples"))["cost_per_click"]["keywords"]
    return pd.DataFrame(rows).set_index("keyword")


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in EXERCISES] == ["q1", "q2", "q3"]
    assert [ex.var for ex in EXERCISES] == ["niche_reach", "cost_per_sale", "best_level"]
    assert all(len(ex.hints) == 2 for ex in EXERCISES)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_placeholder_and_none(ex):
    assert ex.evaluate(____).status == "not_attempted"
    fb = ex.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


# --------------------------------------------------------------------------- q1


def _age(c, lo=25, hi=34):
    return c["age"].between(lo, hi)


def test_q1_right_answer(customers):
    right = int((_age(customers) & customers["interest_fitness"]).sum())
    fb = q1.evaluate(right)
    assert fb.status == "correct"
    assert f"The niche is {right:,} of 50,000 customers" in fb.message
    assert q1.evaluate(float(right)).status == "correct"
    assert q1.evaluate(len(customers.query("age >= 25 and age <= 34 and interest_fitness"))).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda c: int(_age(c).sum()), "also needs the fitness interest"),
        (lambda c: int(c["interest_fitness"].sum()), "of any age"),
        (lambda c: int((_age(c) | c["interest_fitness"]).sum()), "use `&`, not `|`"),
        (lambda c: int((_age(c, 25, 33) & c["interest_fitness"]).sum()), "34-year-olds are missing"),
        (lambda c: int((_age(c, 26, 34) & c["interest_fitness"]).sum()), "25-year-olds are missing"),
        (lambda c: int((_age(c, 25, 35) & c["interest_fitness"]).sum()), "35-year-olds"),
        (lambda c: float((_age(c) & c["interest_fitness"]).mean()), "share of the market"),
        (lambda c: float(100 * (_age(c) & c["interest_fitness"]).mean()), "in percent"),
        (lambda c: len(c), "filter was not applied"),
        (lambda c: c[_age(c) & c["interest_fitness"]], "single number"),
        (lambda c: "5917", "single number"),
        (lambda c: 12345, "should be"),
    ],
)
def test_q1_wrong_answers(customers, make, fragment):
    fb = q1.evaluate(make(customers))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q2


def test_q2_right_answer(keywords):
    right = keywords["cpc"] / keywords["conversion_rate"]
    fb = q2.evaluate(right)
    assert fb.status == "correct"
    assert "USD 3.75" in fb.message and "USD 200.00" in fb.message  # 0.15 / 0.04 and 1.00 / 0.005
    assert q2.evaluate(right.iloc[::-1]).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda k: k["cpc"], "cost per click"),
        (lambda k: k["cpc"] * k["conversion_rate"], "multiplies"),
        (lambda k: k["conversion_rate"] / k["cpc"], "upside down"),
        (lambda k: k["cpc"] / (100 * k["conversion_rate"]), "percentage"),
        (lambda k: 0.15 / 0.04, "should be a pandas Series"),
        (lambda k: (k["cpc"] / k["conversion_rate"]).to_numpy(), "without labels"),
        (lambda k: (k["cpc"] / k["conversion_rate"]).iloc[:1], "missing the keyword"),
    ],
)
def test_q2_wrong_answers(keywords, make, fragment):
    fb = q2.evaluate(make(keywords))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def report(customers) -> pd.DataFrame:
    # the scenario of the workbook, written out here: home decor, 30-60, cooking, moved house
    return levels_report(customers, load_transactions(), "home_decor", age=(30, 60), interest="cooking",
                         life_event="moved_house")


def test_q3_right_answer(report):
    best = report["expected_profit"].idxmax()
    fb = q3.evaluate(best)
    assert fb.status == "correct" and f"{report.loc[best, 'reach']:,} people" in fb.message
    assert q3.evaluate(f" {best.upper()} ").status == "correct"


def test_q3_scenario_separates_the_typical_mistakes(report):
    """The scenario is chosen so each tempting wrong answer differs from the right one."""
    best = report["expected_profit"].idxmax()
    tempting = {report["response_rate"].idxmax(), report["cost_per_sale"].idxmin(), report["reach"].idxmax()}
    assert best not in tempting


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r: r["response_rate"].idxmax(), "highest response rate"),
        (lambda r: r["cost_per_sale"].idxmin(), "lowest cost per sale"),
        (lambda r: r["reach"].idxmax(), "reaches the most people"),
        (lambda r: r["expected_profit"].max(), "highest profit itself"),
        (lambda r: r.reset_index()["expected_profit"].idxmax(), "row number"),
        (lambda r: r.reset_index()["level"], "whole column"),
        (lambda r: "giga", "not one of the labels"),
        (lambda r: ["segment"], "single label"),
    ],
)
def test_q3_wrong_answers(report, make, fragment):
    fb = q3.evaluate(make(report))
    assert fb.status == "incorrect"
    assert fragment in fb.message
