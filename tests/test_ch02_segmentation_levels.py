"""course_lib.chapters.ch02_segmentation_levels: level masks, the level report, the explorer, and the open box."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.base.content import ContentError
from course_lib.chapters import ch02_segmentation_levels as ch02
from course_lib.chapters.ch02_segmentation_levels import (
    ANY,
    LEVELS,
    level_masks,
    levels_explorer,
    levels_report,
    load_levels_examples,
    plot_levels,
)
from notebook_code import notebook_namespace

matplotlib.use("Agg")


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(8)],
        "age": [20, 25, 30, 35, 40, 45, 50, 60],
        "interest_fitness": [True, True, True, False, True, False, False, False],
        "interest_tech": [False, True, False, True, False, False, True, False],
        "neighbourhood": ["A", "A", "B", "A", "A", "B", "A", "B"],
        "life_event": ["none", "new_job", "new_job", "none", "married", "none", "none", "retired"],
    })


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["C0", "C1", "C2", "C5", "C7", "C3"],
        "date": pd.to_datetime(["2025-08-01", "2025-09-01", "2025-10-01", "2025-11-01", "2024-03-01", "2025-08-05"]),
        "category": ["sportswear", "sportswear", "sportswear", "sportswear", "sportswear", "electronics"],
        "amount": [1000.0, 2000.0, 3000.0, 2000.0, 99999.0, 5000.0],
    })


def _simple(min_size=2, **levels) -> dict:
    """Assumptions: conversion 0.1, media cost 1, no creative cost, margin 0.5 (per level overrides in ``levels``)."""
    per_level = {n: {"conversion": 0.1, "media_cost": 1.0, "creative_cost": 0.0, **levels.get(n, {})} for n in LEVELS}
    return {"in_market_window": {"start": "2025-07-01", "end": "2025-12-31"}, "margin": 0.5, "min_size": min_size,
            "levels": per_level}


# --------------------------------------------------------------------------- the data file


def test_examples_file_has_the_source_figures():
    ex = load_levels_examples()
    assert ex["coffee_shop"]["radius_miles"] == 1.0
    assert sorted(k["cpc"] for k in ex["cost_per_click"]["keywords"]) == [0.15, 1.0]
    assert "StudySmarter" in ex["coffee_shop"]["source"] and "StudySmarter" in ex["cost_per_click"]["source"]


def test_examples_file_errors_are_clear(tmp_path, monkeypatch):
    good = load_levels_examples()
    path = tmp_path / "levels_examples.yaml"
    monkeypatch.setattr(ch02, "content_path", lambda name: path)
    for broken, error, words in [
        ({"coffee_shop": good["coffee_shop"]}, ContentError, "cost_per_click"),
        (dict(good, explorer=dict(good["explorer"], levels={"mass": good["explorer"]["levels"]["mass"]})),
         ContentError, "missing the level 'segment'"),
        (dict(good, explorer=dict(good["explorer"], margin=0)), ValueError, "margin"),
        (dict(good, explorer=dict(good["explorer"], levels=dict(good["explorer"]["levels"], micro={
            "conversion": 1.5, "media_cost": 1, "creative_cost": 1}))), ValueError, "micro.conversion"),
    ]:
        path.write_text(yaml.safe_dump(broken))
        with pytest.raises(error, match=words):
            load_levels_examples()


# --------------------------------------------------------------------------- masks and report


def test_level_masks_are_nested(people):
    masks = level_masks(people, age=(20, 40), interest="fitness", life_event="new_job")
    assert list(masks.columns) == list(LEVELS)
    assert masks.sum().tolist() == [8, 5, 4, 2]  # ages 20-40: C0-C4; fitness: C0,C1,C2,C4; new job: C1,C2
    assert level_masks(people, neighbourhood=ANY, life_event=None).all().all()
    assert level_masks(people, neighbourhood="B", life_event="new_job")["micro"].tolist() == [
        False, False, True, False, False, False, False, False]
    with pytest.raises(ValueError, match="lowest age is above"):
        level_masks(people, age=(40, 20))
    with pytest.raises(TypeError, match="pair"):
        level_masks(people, age=30)
    with pytest.raises(ValueError, match="interest_gaming"):
        level_masks(people, interest="gaming")
    with pytest.raises(ValueError, match="neighbourhood 'Z'"):
        level_masks(people, neighbourhood="Z")


def test_levels_report_against_a_hand_computation(people, sales):
    a = _simple(mass={"conversion": 0.1, "creative_cost": 8.0}, segment={"conversion": 0.2},
                niche={"conversion": 0.3}, micro={"conversion": 0.4, "creative_cost": 2.0})
    r = levels_report(people, sales, "sportswear", (20, 40), "fitness", life_event="new_job", assumptions=a)
    assert r.index.tolist() == list(LEVELS)
    assert r["reach"].tolist() == [8, 5, 4, 2]
    assert r["in_market_rate"].tolist() == pytest.approx([4 / 8, 3 / 5, 3 / 4, 1.0])  # C7 bought before the window
    assert r["response_rate"].tolist() == pytest.approx([0.05, 0.12, 0.225, 0.4])
    assert r["cost_per_target"].tolist() == pytest.approx([1 + 8 / 8, 1.0, 1.0, 1 + 2 / 2])
    micro = r.loc["micro"]
    value_per_sale = 0.5 * (1000 + 2000 + 3000 + 2000) / 4  # the 99,999 purchase is outside the window
    assert micro["expected_sales"] == pytest.approx(0.8)
    assert micro["expected_profit"] == pytest.approx(0.8 * value_per_sale - 2 * 2.0)
    assert micro["cost_per_sale"] == pytest.approx(4.0 / 0.8)
    assert not r["too_small"].any()


def test_a_level_that_narrows_nothing_keeps_the_previous_economics(people, sales):
    a = _simple(**{n: {"conversion": c, "media_cost": m} for n, c, m in
                   zip(LEVELS, [0.1, 0.2, 0.3, 0.4], [1.0, 2.0, 3.0, 4.0])})
    r = levels_report(people, sales, "sportswear", age=(20, 40), assumptions=a)
    assert r.loc["niche", "conversion"] == r.loc["micro", "conversion"] == 0.2
    assert r.loc["micro", "cost_per_target"] == 2.0
    assert r.loc["micro", "reach"] == r.loc["segment", "reach"]


def test_levels_report_flags_small_levels_and_validates(people, sales):
    r = levels_report(people, sales, "sportswear", life_event="retired", assumptions=_simple(min_size=3))
    assert r["too_small"].tolist() == [False, False, False, True]
    with pytest.raises(ValueError, match="not in transactions"):
        levels_report(people, sales, "yachts", assumptions=_simple())
    with pytest.raises(ValueError, match="customer_id"):
        levels_report(people.drop(columns="customer_id"), sales, assumptions=_simple())
    with pytest.raises(ValueError, match="widen the window"):
        levels_report(people, sales, "sportswear", assumptions={**_simple(), "in_market_window": {
            "start": "2020-01-01", "end": "2020-02-01"}})


def test_empty_level_gives_zero_not_nan(people, sales):
    r = levels_report(people, sales, "sportswear", age=(90, 99), assumptions=_simple())
    assert r["reach"].tolist()[1:] == [0, 0, 0]
    assert r["expected_profit"].iloc[-1] == 0
    assert math.isnan(r["cost_per_sale"].iloc[-1])


def test_plot(people, sales):
    from matplotlib.figure import Figure

    r = levels_report(people, sales, "sportswear", (20, 40), "fitness", assumptions=_simple())
    fig = plot_levels(r, title="t")
    assert isinstance(fig, Figure)  # a Figure of its own, not pyplot's global state
    assert [ax.get_title() for ax in fig.axes] == ["Who is still reached", "Expected profit per level"]
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == list(LEVELS)
    assert all("₹" in t.get_text() or t.get_text() == "" for t in fig.axes[1].texts + list(fig.axes[1].get_xticklabels()))
    own = Figure()
    assert plot_levels(r, fig=own) is own and len(own.axes) == 2
    with pytest.raises(ValueError, match="expected_profit"):
        plot_levels(r.drop(columns="expected_profit"))


def _report(profits, cost_per_sale=(90.0, 60.0, 40.0, float("nan")), reach=(1000, 500, 200, 20)):
    return pd.DataFrame({"reach": list(reach), "expected_profit": list(profits), "cost_per_sale": list(cost_per_sale),
                         "too_small": [False, False, False, True]}, index=list(LEVELS))


def test_summary_calls_a_loss_a_loss():
    """Issue 20: when every level loses money, the summary must not call a loss the highest expected profit."""
    loss = ch02.summary(_report([-5000.0, -800.0, -300.5, -900.0]), min_size=100)
    assert loss.startswith("**Every level loses money**")
    assert "Highest expected profit" not in loss
    assert "smallest loss is at the niche level (−₹300 from 200 people)" in loss
    assert "Lowest cost per sale: niche (₹40)" in loss and "Too small (under 100 people): micro" in loss
    profit = ch02.summary(_report([5000.0, 800.0, -300.0, -900.0]), min_size=10)
    assert profit.startswith("Highest expected profit: **mass** (₹5,000 from 1,000 people).")
    assert "loses" not in profit
    assert "No level makes a profit" in ch02.summary(_report([0.0, -1.0, -2.0, -3.0]), min_size=10)


def test_report_formatted_for_a_reader(people, sales):
    r = levels_report(people, sales, "sportswear", age=(90, 99), assumptions=_simple())  # empty levels: NaN costs
    shown = ch02.format_report(r)
    assert shown.columns.tolist()[0] == "people reached" and shown.loc["mass", "people reached"] == "8"
    text = shown.to_string()
    assert "nan" not in text.lower() and "–" in shown["cost per sale"].tolist()
    assert all(v.endswith("%") for v in shown["response rate"])
    assert all(v.startswith(("₹", "−₹", "–")) for v in shown["expected profit"])
    assert ch02.rupees(-962.15) == "−₹962" and ch02.rupees(0.004) == "₹0" and ch02.rupees(1234.5, 2) == "₹1,234.50"


# --------------------------------------------------------------------------- the explorer and the course data


def test_explorer_is_an_explorer_that_redraws_on_every_change(people, sales):
    pytest.importorskip("ipywidgets")
    from course_lib.learning.explorer import Explorer

    ex = levels_explorer(people, sales, age=(20, 60), interest=ANY, life_event=ANY)
    assert isinstance(ex, Explorer) and ex.error is None
    assert ex.latest["report"]["reach"].tolist() == [8, 8, 8, 8]
    first = ex.figure
    assert first is not None and len(first.axes) == 2 and len(first.axes[0].patches) == 4
    ex.set(life_event="new_job")
    assert ex.latest["report"]["reach"].tolist() == [8, 8, 8, 2]
    assert ex.figure is not first and len(ex.figure.axes[1].patches) == 4  # a new, non-empty chart
    ex.controls["youngest"].value = 30  # the age band is two number boxes, changed in the widget itself
    assert ex.latest["report"]["reach"].tolist() == [8, 6, 6, 1]  # ages 30-60: C2-C7
    text, table = ex.result
    assert text.startswith(("Highest expected profit", "**Every level loses money**", "**No level"))
    assert table.columns[0] == "people reached"


def test_explorer_controls_are_usable_and_errors_stay_inside(people, sales):
    pytest.importorskip("ipywidgets")
    ex = levels_explorer(people, sales, age=(20, 60))
    for name in ("youngest", "oldest"):
        box = ex.controls[name]
        assert type(box).__name__ == "BoundedIntText" and box.continuous_update is False
        assert (box.min, box.max) == (20, 60)
    assert all(c.layout.width in ("300px", "440px") for c in ex.controls.values())
    ex.set(youngest=50, oldest=30)
    assert ex.error is not None and "youngest age (50) is above the oldest (30)" in ex.error and ex.figure is None
    assert ex.set(oldest=60).error is None and ex.figure is not None
    with pytest.raises(TypeError, match="unknown setting"):
        levels_explorer(people, sales, colour="red")


def test_explorer_on_course_data_says_when_every_level_loses_money():
    pytest.importorskip("ipywidgets")
    from course_lib.market.datasets import load_customers, load_transactions

    ex = levels_explorer(load_customers(), load_transactions())
    assert ex.result[0].startswith("Highest expected profit: **segment**")
    ex.set(category="organic_food", interest="gaming")
    assert (ex.latest["report"]["expected_profit"] < 0).all()
    assert ex.result[0].startswith("**Every level loses money**") and "Highest" not in ex.result[0]


def test_on_course_data_the_rules_narrow_and_concentrate_buyers():
    from course_lib.market.datasets import load_customers, load_transactions

    customers, transactions = load_customers(), load_transactions()
    r = levels_report(customers, transactions, "sportswear", (22, 35), "fitness", life_event="new_job")
    assert r["reach"].is_monotonic_decreasing and r["reach"].iloc[0] == 50_000
    assert np.all(np.diff(r["in_market_rate"].to_numpy()) > 0)  # each rule picks out more sportswear buyers
    unrelated = levels_report(customers, transactions, "sportswear", (22, 35), "reading")
    assert unrelated.loc["niche", "in_market_rate"] < r.loc["niche", "in_market_rate"]


def test_the_notebook_masks_and_economics_equal_the_helper():
    """Open the box: the chapter's own boolean masks and report cells give what levels_report gives."""
    ns = notebook_namespace("02-segmentation-levels", "open-the-box")
    customers, transactions = ns["customers"], ns["transactions"]
    settings = {"age": (22, 35), "interest": "fitness", "life_event": "new_job"}
    pd.testing.assert_frame_equal(ns["levels"], level_masks(customers, **settings))
    helper = levels_report(customers, transactions, "sportswear", **settings)
    pd.testing.assert_series_equal(ns["levels"].sum(), helper["reach"], check_names=False)

    report = notebook_namespace("02-segmentation-levels", "levels-economics")["report"]
    pd.testing.assert_frame_equal(report, helper[report.columns], check_names=False, check_dtype=False)
