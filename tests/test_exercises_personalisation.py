"""Checks of the 08-personalisation workbook, with right answers and typical mistakes.

The expected values are simulated here with the chapter's helpers and read with plain pandas (never answers()).
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.chapters import ch08_personalisation as ch08
from course_lib.chapters.ch08_personalisation import SLOTS, assemble, compare_creatives, frequency_curve
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_customers

q1, q2, q3 = load_workbook("08-personalisation")


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers():
    return load_customers()


@pytest.fixture(scope="module")
def families(customers):
    return compare_creatives(customers, "family_status == 'married_with_kids'",
                             [assemble("families"), assemble("generic")], "email", 2000, seeds=10)


@pytest.fixture(scope="module")
def curve(customers):
    return frequency_curve(customers, "interest_tech and age < 35", assemble("tech"), "social_ads", range(1, 9),
                           fatigue=0.3, seeds=20)


@pytest.fixture(scope="module")
def swaps(customers):
    plans = {"students": assemble("students"), **{s: assemble("students", **{s: "generic"}) for s in SLOTS}}
    return compare_creatives(customers, "is_student", plans, "social_ads", 3000, seeds=10)


def test_registered():
    assert [ex.id for ex in load_workbook("08-personalisation")] == ["q1", "q2", "q3"]


def test_q1_right_and_wrong(families):
    m, g = families.loc["families"], families.loc["generic"]
    right = m["conversions"] / g["conversions"]
    assert right > 1
    assert q1.evaluate(right).status == "correct"
    assert "Correct" in q1.evaluate(right).text
    for value, fragment in [
        (1 / right, "upside down"),
        (m["conversions"] - g["conversions"], "difference"),
        (100 * (right - 1), "percentage increase"),
        (right - 1, "ratio minus 1"),
        (m["roas"] / g["roas"], "ROAS"),
        (m["clicks"] / g["clicks"], "compares clicks"),
        (families, "Pick the two conversion numbers"),
        (families["conversions"], "single number"),
        (None, "is None"),
        ("1.5", "single number"),
        (99.0, "should be"),
    ]:
        fb = q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert q1.evaluate(____).status == "not_attempted"


def test_q2_right_and_wrong(curve):
    right = curve.index[curve["cpa"] <= 550].max()
    assert 1 < right < 8, "the exercise needs an answer that is neither the cheapest nor the largest cap"
    assert q2.evaluate(right).status == "correct"
    assert q2.evaluate(int(right)).status == "correct"
    first_above = curve.index[curve["cpa"] > 550].min()
    for value, fragment in [
        (int(curve["cpa"].idxmin()), "lowest cost per conversion"),
        (int(curve["conversions"].idxmax()), "most conversions"),
        (int(first_above), "above"),
        (curve.index[curve["cpa"] <= 550], "several caps"),
        (None, "is None"),
    ]:
        fb = q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert q2.evaluate(____).status == "not_attempted"


def test_q3_right_and_wrong(swaps):
    only = swaps.drop(index="students")
    right = only["conversions"].idxmin()
    assert q3.evaluate(right).status == "correct"
    assert q3.evaluate(f" {right.upper()} ").status == "correct"
    for value, fragment in [
        (only["conversions"].idxmax(), "fewest"),
        ("students", "nothing swapped"),
        ("generic", "which slot"),
        ("logo", "not one of the labels"),
        (swaps, "whole table"),
        (None, "is None"),
    ]:
        fb = q3.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert q3.evaluate(____).status == "not_attempted"


def test_success_messages_quote_the_simulation(families, curve, swaps):
    m, g = families.loc["families"], families.loc["generic"]
    assert f"{m['conversions'] / g['conversions']:.2f} times" in q1.evaluate(m["conversions"] / g["conversions"]).text
    cap = int(curve.index[curve["cpa"] <= 550].max())
    assert f"Cap {cap}: ₹{curve.loc[cap, 'cpa']:,.0f} per conversion" in q2.evaluate(cap).text
    slot = swaps.drop(index="students")["conversions"].idxmin()
    assert f"Swapping the {slot.replace('_', ' ')}" in q3.evaluate(slot).text


def test_expected_values_come_from_the_simulation(monkeypatch, curve, swaps):
    """Change the simulated tables: the right answers follow them (nothing hard-coded)."""
    changed = curve.copy()
    changed["cpa"] = [100.0 * c for c in changed.index]  # within 550 up to cap 5
    other = swaps.copy()
    other["conversions"] = [9.0, 8.0, 1.0, 7.0, 8.5]  # students, headline, scene, offer, call_to_action
    real = ch08._tables("families", "tech", "students")
    monkeypatch.setattr(ch08, "_tables", lambda *a: {**real, "curve": changed, "swaps": other})
    a, b, c = load_workbook("08-personalisation")
    assert b.evaluate(5).status == "correct"
    assert c.evaluate("scene").status == "correct"
    assert c.evaluate(swaps.drop(index="students")["conversions"].idxmin()).status == "incorrect"
