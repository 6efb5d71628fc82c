"""Checks of the 02-segmentation-levels workbook, with right and typical wrong answers."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_customers
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import segmentation_levels as sl
from course_lib.chapters.workbooks.segmentation_levels import keyword_table, q1, q2, q3, q3_report
from course_lib.learning.progress import PROGRESS_ENV


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises("02-segmentation-levels")] == ["q1", "q2", "q3"]
    assert all(len(ex.hints) == 2 for ex in sl.EXERCISES)


@pytest.mark.parametrize("ex", sl.EXERCISES, ids=lambda e: e.id)
def test_placeholder_is_not_attempted(ex):
    assert ex.evaluate(____).status == "not_attempted"


@pytest.mark.parametrize("ex", sl.EXERCISES, ids=lambda e: e.id)
def test_none_is_incorrect_with_a_message(ex):
    fb = ex.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1


def _age(c, lo=25, hi=34):
    return c["age"].between(lo, hi)


def test_q1_right_answer(customers):
    right = int((_age(customers) & customers["interest_fitness"]).sum())
    fb = q1.evaluate(right)
    assert fb.status == "correct"
    assert f"{right:,}" in fb.message
    assert q1.evaluate(float(right)).status == "correct"
    # an independent computation with query() agrees
    alt = len(customers.query("age >= 25 and age <= 34 and interest_fitness"))
    assert q1.evaluate(alt).status == "correct"


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
        (lambda c: 12345, "should be"),
    ],
)
def test_q1_wrong_answers(customers, make, fragment):
    fb = q1.evaluate(make(customers))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q2


def test_q2_right_answer():
    kw = keyword_table()
    right = kw["cpc"] / kw["conversion_rate"]
    fb = q2.evaluate(right)
    assert fb.status == "correct"
    assert "$3.75" in fb.message and "$200.00" in fb.message  # 0.15 / 0.04 and 1.00 / 0.005
    assert q2.evaluate(right.iloc[::-1]).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda k: k["cpc"], "cost per click"),
        (lambda k: k["cpc"] * k["conversion_rate"], "multiplies"),
        (lambda k: k["conversion_rate"] / k["cpc"], "upside down"),
        (lambda k: k["cpc"] / (100 * k["conversion_rate"]), "percentage"),
        (lambda k: 0.15 / 0.04, "one number"),
        (lambda k: (k["cpc"] / k["conversion_rate"]).to_numpy(), "without labels"),
        (lambda k: (k["cpc"] / k["conversion_rate"]).iloc[:1], "missing the keyword"),
    ],
)
def test_q2_wrong_answers(make, fragment):
    fb = q2.evaluate(make(keyword_table()))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q2_follows_the_data_file(tmp_path, monkeypatch):
    """Change the examples file: the expected answer changes with it (nothing hard-coded)."""
    import yaml

    from course_lib.chapters import explorers

    config = explorers.load_levels_examples()
    config["cost_per_click"]["keywords"][1]["conversion_rate"] = 0.05
    path = tmp_path / "levels_examples.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setattr(explorers, "LEVELS_EXAMPLES_PATH", path)
    kw = keyword_table()
    assert kw["conversion_rate"].iloc[1] == 0.05
    assert q2.evaluate(kw["cpc"] / kw["conversion_rate"]).status == "correct"
    assert q2.evaluate(pd.Series({"knitted sweaters": 200.0, "hand-knitted baby blanket nagpur": 3.75})).status \
        == "incorrect"


# --------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def report() -> pd.DataFrame:
    return q3_report().set_index("level")


def test_q3_right_answer(report):
    best = report["expected_profit"].idxmax()
    assert q3.evaluate(best).status == "correct"
    assert q3.evaluate(f" {best.upper()} ").status == "correct"


def test_q3_scenario_separates_the_typical_mistakes(report):
    """The scenario is chosen so each tempting wrong answer differs from the right one."""
    best = report["expected_profit"].idxmax()
    tempting = {report["response_rate"].idxmax(), report["cost_per_response"].idxmin(), report["reach"].idxmax()}
    assert best not in tempting


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r: r["response_rate"].idxmax(), "highest response rate"),
        (lambda r: r["cost_per_response"].idxmin(), "lowest cost per sale"),
        (lambda r: r["reach"].idxmax(), "reaches the most people"),
        (lambda r: r["expected_profit"].max(), "is a number"),
        (lambda r: r.reset_index()["level"], "whole column"),
        (lambda r: "giga", "not one of the labels"),
        (lambda r: ["segment"], "single label"),
    ],
)
def test_q3_wrong_answers(report, make, fragment):
    fb = q3.evaluate(make(report))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text
