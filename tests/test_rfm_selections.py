"""Chapter 05's campaign selections: the notebook's `selection_table`, its messages and the explorer widget.

`selection_table` is the chapter's own code (run from the notebook); it is checked against a reference
written here with a plain loop over the customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.base.content import content_path, read_yaml
from course_lib.chapters.ch05_rfm_micro_segments import explore_selections
from tests.notebook_code import notebook_namespace

ORDER = ["loyalty", "relationship", "recovery", "none"]
FIELDS = ("name", "micromarketing_type", "who", "goal", "message", "offer", "channel", "measure")


@pytest.fixture(scope="module")
def chapter() -> dict:
    return notebook_namespace("05-rfm-micro-segments", "selection-rules")


@pytest.fixture
def rfm() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {"recency": rng.integers(0, 500, 400), "frequency": rng.integers(1, 12, 400),
         "monetary": rng.gamma(2.0, 50.0, 400).round(2)},
        index=pd.Index([f"c{i:03d}" for i in range(400)], name="customer_id"),
    )


def reference(rfm: pd.DataFrame, active: int = 90, lapsed: int = 180) -> dict[str, tuple[int, float]]:
    """Selection -> (customers, past revenue), one customer at a time."""
    out = {key: [0, 0.0] for key in ORDER}
    for _, row in rfm.iterrows():
        if row["recency"] <= active:
            key = "loyalty" if row["frequency"] >= 3 else "relationship"
        elif row["recency"] >= lapsed and row["frequency"] >= 2:
            key = "recovery"
        else:
            key = "none"
        out[key][0] += 1
        out[key][1] += row["monetary"]
    return {key: (n, revenue) for key, (n, revenue) in out.items()}


def test_every_selection_has_its_texts():
    selections = read_yaml(content_path("rfm_selections"), what="selections")["selections"]
    assert list(selections) == ORDER
    for key, entry in selections.items():
        assert all(isinstance(entry.get(f), str) and entry[f].strip() for f in FIELDS), key
    assert selections["recovery"]["micromarketing_type"] == "customer recovery micromarketing"


@pytest.mark.parametrize(("active", "lapsed"), [(90, 180), (30, 365), (120, 121)])
def test_selection_table_matches_the_reference(chapter, rfm, active, lapsed):
    before = rfm.copy()
    table = chapter["selection_table"](rfm, active_days=active, lapsed_days=lapsed)
    pd.testing.assert_frame_equal(rfm, before)  # the caller's table is not changed
    assert table.index.tolist() == ORDER
    expected = reference(rfm, active, lapsed)
    for key, (n, revenue) in expected.items():
        assert table.loc[key, "customers"] == n, key
        assert table.loc[key, "past_revenue"] == pytest.approx(revenue), key
    assert table["share_of_customers"].sum() == pytest.approx(1.0)
    assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert table.loc["recovery", "message"].startswith("We miss you")


def test_an_empty_selection_is_kept_with_zero(chapter, rfm):
    table = chapter["selection_table"](rfm.assign(recency=10))  # everyone active: nobody lapsed
    assert table.loc["recovery", "customers"] == 0 and table.loc["none", "customers"] == 0
    assert table["customers"].sum() == len(rfm)


def test_selections_on_cdnow_match_the_reference(chapter):
    rfm = chapter["rfm"]
    table = chapter["selection_table"](rfm)
    expected = reference(rfm)
    assert table["customers"].to_dict() == {key: n for key, (n, _) in expected.items()}


def test_the_explorer_recomputes_when_a_slider_moves():
    tx = pd.DataFrame(
        {"customer_id": ["a", "a", "a", "b", "b", "c"],
         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-06-20", "2024-01-10", "2024-01-20", "2024-06-01"]),
         "amount": [10.0, 20.0, 30.0, 5.0, 5.0, 8.0]}
    )
    seen = []

    def summarise(rfm, lapsed_days):
        seen.append((len(rfm), lapsed_days))
        return pd.DataFrame({"customers": [len(rfm)], "past_revenue": [rfm["monetary"].sum()]},
                            index=pd.Index(["all"], name="selection"))

    ex = explore_selections(tx, summarise, lapsed_days=(100, 160, 10), default_lapsed=150, currency="USD ")
    as_of, lapsed = ex.controls["as_of"], ex.controls["lapsed"]
    assert [as_of.description, lapsed.description] == ["as of", "lapsed after (days)"]
    for slider in (as_of, lapsed):  # usable: redraws on release, wide enough to drag
        assert slider.continuous_update is False and int(slider.layout.width.rstrip("px")) >= 400
    assert seen[-1] == (3, 150)
    first = ex.figure
    assert first is not None and len(first.axes[0].patches) == 1
    lapsed.value = 120  # the student's first change must draw a new, non-empty chart
    assert seen[-1] == (3, 120) and ex.error is None
    assert ex.figure is not first and len(ex.figure.axes[0].patches) == 1
    as_of.value = as_of.options[0][1]  # an earlier date: customer c has not bought yet
    assert seen[-1] == (2, 120)
    line, table = ex.result
    assert "lapsed after **120** days" in line
    assert table.loc["all", "past revenue"] == "USD 40" and table.loc["all", "customers"] == "2"
    assert "VBox" not in ex._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="default_lapsed"):
        explore_selections(tx, summarise, lapsed_days=(100, 160, 10), default_lapsed=200)
    with pytest.raises(TypeError, match="summarise"):
        explore_selections(tx, "loyalty")
    with pytest.raises(TypeError, match="lapsed_days"):
        explore_selections(tx, summarise, lapsed_days=100)


@pytest.fixture(scope="module")
def retention_cells() -> dict:
    return notebook_namespace("05-rfm-micro-segments", "clv")


def test_retention_by_period_matches_a_plain_count(retention_cells):
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "c", "d", "a"],
                       "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-03", "2024-04-10",
                                               "2024-05-20", "2024-06-01", "2024-07-02"])})
    table = retention_cells["retention_by_period"](tx)
    # Q1: a, b, c; Q2: a, c, d (2 of 3 kept); Q3: a (1 of 3 kept)
    assert table["buyers_last_period"].tolist() == [3, 3] and table["retained"].tolist() == [2, 1]
    assert table["retention_rate"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert (table["retention_rate"] + table["churn_rate"]).tolist() == pytest.approx([1.0, 1.0])


def test_cdnow_retention_after_the_first_quarter_is_the_cohorts_return_rate(retention_cells):
    cdnow = retention_cells["cdnow"]
    q2_buyers = cdnow.loc[cdnow["date"].dt.to_period("Q") == "1997Q2", "customer_id"].nunique()
    first = retention_cells["retention"].loc[("CDNOW", "1997Q2")]
    assert first["buyers_last_period"] == cdnow["customer_id"].nunique()  # the whole cohort bought in Q1 1997
    assert first["retention_rate"] == pytest.approx(q2_buyers / cdnow["customer_id"].nunique())


def test_the_clv_estimate_is_the_product_of_its_stated_parts(retention_cells):
    ns = retention_cells
    assert 0 < ns["annual_retention"] < 1 and ns["annual_churn"] == pytest.approx(1 - ns["annual_retention"])
    assert ns["expected_lifetime"] == pytest.approx(1 / ns["annual_churn"])
    assert ns["clv"] == pytest.approx(ns["avg_order_value"] * ns["purchases_per_year"] * ns["GROSS_MARGIN"]
                                      * ns["expected_lifetime"])
    assert ns["clv_steps"].loc["CLV (gross profit per customer)", "value"] == f"₹{ns['clv']:,.0f}"
    assert "assumption" in ns["clv_steps"].loc["gross margin", "where it comes from"]
