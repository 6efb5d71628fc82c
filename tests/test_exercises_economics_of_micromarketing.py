"""Checks of workbook 11-economics-of-micromarketing: right answers, typical wrong answers, the placeholder and None.

The expected retention cost (the micro plan's full cost per converting existing customer) is recomputed here from the per-segment simulation with plain arithmetic (not with
add_costs), and the sweet spot from the per-segment rows with a plain groupby.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_customers
from course_lib.chapters.ch11_economics_of_micromarketing import (cost_assumptions, micro_segments,
                                                                 over_segmentation, simulate_plans)
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV

NOTEBOOK = "11-economics-of-micromarketing"
CHEAP_FIXED_COST = 1000  # the workbook's constant (data/exercises/11-economics-of-micromarketing.yaml)
q1, q2 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


@pytest.fixture(scope="module")
def micro(customers) -> pd.DataFrame:
    return simulate_plans(customers, micro_segments(customers))


@pytest.fixture(scope="module")
def cac(micro) -> dict:
    a = cost_assumptions()
    fixed = a["creative_cost_per_segment"] + a["management_cost_per_segment"]
    n = len(micro)
    spend, conv = micro["spend"].sum(), micro["conversions"].sum()
    return {
        "right": (spend + n * fixed) / conv,
        "media": spend / conv,
        "creative_only": (spend + n * a["creative_cost_per_segment"]) / conv,
        "once": (spend + fixed) / conv,
        "mean": ((micro["spend"] + fixed) / micro["conversions"]).mean(),
        "inverted": conv / (spend + n * fixed),
    }


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2"]
    for ex in (q1, q2):
        assert len(ex.hints) == 2 and ex.topic == "economics"


@pytest.mark.parametrize("check", [q1, q2])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(cac):
    assert cac["right"] > cac["media"]
    fb = q1.evaluate(cac["right"])
    assert fb.status == "correct"
    assert f"₹{cac['right']:,.0f}" in fb.message and "existing customer" in fb.message


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("media", "media-only CPA"),
        ("creative_only", "management cost"),
        ("once", "added the fixed cost once"),
        ("mean", "averaged the segments"),
        ("inverted", "divided conversions by cost"),
    ],
)
def test_q1_wrong_answers(cac, key, fragment):
    fb = q1.evaluate(cac[key])
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


def test_q1_other_wrong_shapes(cac, micro):
    assert "single number" in q1.evaluate(micro["spend"]).message
    assert "single number" in q1.evaluate("601").message
    assert "should be" in q1.evaluate(cac["right"] * 2).message


# --------------------------------------------------------------------------- q2


def _curve(long: pd.DataFrame, fixed: float, margin: float) -> pd.DataFrame:
    g = long.groupby("k")
    return pd.DataFrame({"revenue": g["revenue"].sum(),
                         "profit": margin * g["revenue"].sum() - g["spend"].sum() - fixed * g.size()})


@pytest.fixture(scope="module")
def curves(customers):
    long = over_segmentation(customers)
    margin = cost_assumptions()["gross_margin"]
    return {"cheap": _curve(long, CHEAP_FIXED_COST, margin),
            "default": _curve(long, cost_assumptions()["fixed_cost_per_segment"], margin)}


def test_q2_right_answer(curves):
    best = int(curves["cheap"]["profit"].round(2).idxmax())
    default = int(curves["default"]["profit"].round(2).idxmax())
    assert best > default  # cheaper creative moves the sweet spot to more segments
    fb = q2.evaluate(best)
    assert fb.status == "correct"
    assert f"from {default} to {best} segments" in fb.message
    assert q2.evaluate(float(best)).status == "correct"


def test_q2_wrong_answers(curves):
    default = int(curves["default"]["profit"].round(2).idxmax())
    assert "default fixed cost" in q2.evaluate(default).message
    assert "more segments is not better" in q2.evaluate(int(curves["cheap"].index.max())).message
    assert "mass plan" in q2.evaluate(1).message
    assert q2.evaluate("seven").status == "incorrect"
    assert "single number" in q2.evaluate([7]).message
