"""Checks of the 04-targeting-approaches workbook (declared in data/exercises/), with right answers and typical mistakes.

Expected values are recomputed here with plain pandas, independently of the chapter module's answers().
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.chapters import ch04_targeting_approaches as ch04
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_customers, load_events

q1, q2, q3 = load_workbook("04-targeting-approaches")


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers():
    return load_customers()


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def table():
    return ch04.organic_plans()


def _near(customers, km):
    """Great-circle distance to the Manish Nagar store (21.083, 79.073), written out."""
    lat1, lon1, lat2, lon2 = map(np.radians, (customers["lat"], customers["lon"], 21.083, 79.073))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return customers[2 * 6371.0088 * np.arcsin(np.sqrt(a)) <= km]


def _check(exercise, cases):
    for value, fragment in cases:
        fb = exercise.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert exercise.evaluate(____).status == "not_attempted"


def test_q1_right_and_wrong(customers):
    right = len(_near(customers, 3))
    fb = q1.evaluate(right)
    assert fb.status == "correct" and f"{right:,} customers" in fb.message
    _check(q1, [
        (len(_near(customers, 6)), "diameter"),
        (len(_near(customers, 1.5)), "1.5 km"),
        (len(_near(customers, 3 * 1.609344)), "3-mile"),
        (len(customers), "metres"),
        (int((customers["pin_code"] == "440015").sum()), "pin code"),
        (_near(customers, 3), "len(...)"),
        (_near(customers, 2), "len(...)"),
        (None, "is None"),
        ("8301", "single number"),
        (12, "should be"),
    ])


def test_q2_right_and_wrong(events):
    sport = events["product_category"] == "sportswear"
    abandoned = events["event"] == "cart_abandoned"
    right = events.loc[abandoned & sport, "customer_id"].unique()
    assert q2.evaluate(len(right)).status == "correct"

    def people(event, only_sport=True):
        return events.loc[(events["event"] == event) & (sport | (not only_sport)), "customer_id"].nunique()

    _check(q2, [
        (int((abandoned & sport).sum()), "events, not customers"),
        (people("cart_abandoned", only_sport=False), "any category"),
        (people("add_to_cart"), "added sportswear"),
        (people("product_view"), "viewers"),
        (list(right), "len(...)"),
        (None, "is None"),
    ])


def test_q3_right_and_wrong(table):
    best = table["roas"].idxmax()
    assert q3.evaluate(best).status == "correct"
    assert q3.evaluate(f" {best.upper()} ").status == "correct"
    assert q3.evaluate(table["roas"].idxmin()).status == "incorrect"
    assert "most conversions" in q3.evaluate(table["conversions"].idxmax()).message
    _check(q3, [
        (table, "whole table or column"),
        (table["roas"], "whole table or column"),
        (table["roas"].max(), "ROAS value itself"),
        ("nobody", "not one of the labels"),
        (None, "is None"),
    ])


def test_q3_comparison_is_the_simulation_of_the_candidate_audiences(table, customers):
    """The table q3 checks against: the five audiences, sized by plain pandas, each simulated on the same plan."""
    assert table.index.tolist() == ["everyone", "demographic", "geographic", "behavioural", "psychographic"]
    assert table.loc["psychographic", "audience_size"] == customers["interest_eco"].sum()
    geo = customers["neighbourhood"].isin(["Dharampeth", "Ramdaspeth", "Civil Lines"])
    assert table.loc["geographic", "audience_size"] == geo.sum()
    assert table.loc["everyone", "spend"] == pytest.approx(3000, rel=0.01)


def test_q3_expected_value_follows_the_simulation(monkeypatch, table):
    """Change the comparison: the right answer follows it (nothing hard-coded)."""
    changed = table.copy()
    changed["roas"] = pd.Series({"everyone": 99.0}).reindex(changed.index).fillna(1.0)
    monkeypatch.setattr(ch04, "organic_plans", lambda *args: changed)
    fresh = load_workbook("04-targeting-approaches")[2]
    assert fresh.evaluate("everyone").status == "correct"
    assert fresh.evaluate(table["roas"].idxmax()).status == "incorrect"
