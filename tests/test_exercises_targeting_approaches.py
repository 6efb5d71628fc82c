"""Checks of the 04-targeting-approaches workbook, with right answers and typical mistakes."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_customers, load_events, load_transactions
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import targeting_approaches as ta
from course_lib.analysis.geo import within_radius
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.analysis.targeting import add_flags, compare_audiences, event_audience, purchase_audience, stores


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
def table(customers):
    flagged = add_flags(customers, organic_buyer=purchase_audience(load_transactions(), "organic_food",
                                                                   start="2025-01-01"))
    return compare_audiences(flagged, ta.ORGANIC_AUDIENCES, "organic_delivery", "email", 3000, seeds=10)


def test_registered():
    assert [ex.id for ex in workbook_exercises("04-targeting-approaches")] == ["q1", "q2", "q3"]


def _near(customers, km):
    s = stores().set_index("store_id").loc["S-MAN"]
    return len(within_radius(customers, s["lat"], s["lon"], km))


def test_q1_right_and_wrong(customers):
    assert ta.q1.evaluate(_near(customers, 3)).status == "correct"
    for value, fragment in [
        (_near(customers, 6), "diameter"),
        (_near(customers, 1.5), "1.5 km"),
        (_near(customers, 3 * 1.609344), "3-mile"),
        (len(customers), "metres"),
        (int((customers["pin_code"] == "440015").sum()), "pin code"),
        (within_radius(customers, 21.083, 79.073, 3), "len(...)"),
        (None, "is None"),
        ("8301", "single number"),
        (12, "should be"),
    ]:
        fb = ta.q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert ta.q1.evaluate(____).status == "not_attempted"


def test_q2_right_and_wrong(events):
    right = event_audience(events, "cart_abandoned", category="sportswear")
    assert ta.q2.evaluate(len(right)).status == "correct"
    sport = events["product_category"] == "sportswear"
    for value, fragment in [
        (int(((events["event"] == "cart_abandoned") & sport).sum()), "events, not customers"),
        (len(event_audience(events, "cart_abandoned")), "any category"),
        (len(event_audience(events, "add_to_cart", category="sportswear")), "added sportswear"),
        (len(event_audience(events, "product_view", category="sportswear")), "viewers"),
        (right, "len(...)"),
        (None, "is None"),
    ]:
        fb = ta.q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert ta.q2.evaluate(____).status == "not_attempted"


def test_q3_right_and_wrong(table):
    best = table["roas"].idxmax()
    assert ta.q3.evaluate(best).status == "correct"
    assert ta.q3.evaluate(f" {best.upper()} ").status == "correct"
    assert ta.q3.evaluate(table["roas"].idxmin()).status == "incorrect"
    assert "most conversions" in ta.q3.evaluate(table["conversions"].idxmax()).message
    for value, fragment in [
        (table, "whole table"),
        (table["roas"], "whole column"),
        (table["roas"].max(), "ROAS value itself"),
        ("nobody", "not one of the labels"),
        (None, "is None"),
    ]:
        fb = ta.q3.evaluate(value)
        assert fb.status == "incorrect"
        assert fragment in fb.message, (fragment, fb.message)
    assert ta.q3.evaluate(____).status == "not_attempted"


def test_q3_expected_value_comes_from_the_simulation(monkeypatch, table):
    """Change the comparison: the right answer follows it (nothing hard-coded)."""
    changed = table.copy()
    changed["roas"] = pd.Series({"everyone": 99.0}).reindex(changed.index).fillna(1.0)
    monkeypatch.setattr(ta, "organic_plans", lambda: changed)
    assert ta.q3.evaluate("everyone").status == "correct"
    assert ta.q3.evaluate(table["roas"].idxmax()).status == "incorrect"
