"""Tests of course_lib.chapters.dashboard: response table, engagement per segment, dashboard figure and explorer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.chapters import dashboard as db  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def lines():
    return pd.DataFrame({"segment": ["mass", "mass", "young"], "channel": ["sms", "social_ads", "social_ads"],
                         "audience_size": [100, 100, 40], "impressions": [200, 300, 80], "reach": [90, 95, 40],
                         "clicks": [2, 3, 4], "conversions": [1, 1, 2], "spend": [50.0, 30.0, 20.0],
                         "revenue": [100.0, 60.0, 160.0]})


def test_response_table_pools_lines_by_hand(lines):
    t = db.response_table(lines)
    assert list(t.index) == ["mass", "young"]
    assert t.loc["mass", "cpa"] == pytest.approx(80 / 2)  # pooled, not the mean of 50 and 30
    assert t.loc["mass", "roas"] == pytest.approx(160 / 80)
    assert t.loc["young", "reach_rate"] == pytest.approx(1.0)
    assert t.loc["mass", "reach_rate"] == pytest.approx(185 / 100)  # double counted, and flagged
    assert "counted twice" in t.loc["mass", "note"] and t.loc["young", "note"] == ""
    by_line = db.response_table(lines, by=["segment", "channel"])
    assert list(by_line.index) == ["mass / sms", "mass / social_ads", "young / social_ads"]
    assert by_line["reach_rate"].max() <= 1
    total = db.response_table(lines, by=[]).iloc[0]
    assert total.name == "total" and total["ctr"] == pytest.approx(9 / 580)


def test_response_table_validates(lines):
    with pytest.raises(ValueError, match="audience_size"):
        db.response_table(lines.drop(columns="audience_size"))
    with pytest.raises(ValueError, match="segment"):
        db.response_table(lines, by="channel", engagement=pd.DataFrame({"visit_rate": [0.1]}, index=["mass"]))
    with pytest.raises(ValueError, match="young"):
        db.response_table(lines, engagement=pd.DataFrame({"visit_rate": [0.1]}, index=["mass"]))


@pytest.fixture
def clicks():
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "session_id": ["S1", "S1", "S1", "S2", "S3", "S3", "S4"],
        "timestamp": pd.to_datetime(["2025-10-01 10:00", "2025-10-01 10:02", "2025-10-01 10:06",
                                     "2025-10-05 09:00", "2025-10-02 12:00", "2025-10-02 12:03",
                                     "2025-11-30 08:00"]),
        "event": ["page_view", "product_view", "purchase", "page_view", "app_open", "product_view", "page_view"]})


def test_segment_engagement_against_a_hand_count(clicks):
    people = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "age": [20, 30, 40, 50]})
    eng = db.segment_engagement(clicks, people, {"all": None, "young": "age < 35", "old": "age >= 45"},
                                start="2025-10-01", end="2025-10-31")
    assert eng.loc["all", "members"] == 4 and eng.loc["all", "visitors"] == 2  # c visited in November
    assert eng.loc["all", "visit_rate"] == pytest.approx(0.5)
    assert eng.loc["young", "sessions_per_visitor"] == pytest.approx(3 / 2)
    assert eng.loc["young", "repeat_visitor_share"] == pytest.approx(0.5)
    assert eng.loc["young", "views_per_session"] == pytest.approx(2 / 3)
    assert eng.loc["young", "minutes_per_session"] == pytest.approx((6 + 0 + 3) / 3)
    assert eng.loc["young", "purchase_session_share"] == pytest.approx(1 / 3)
    assert eng.loc["old", "visit_rate"] == 0 and np.isnan(eng.loc["old", "views_per_session"])
    whole = db.segment_engagement(clicks, people, {"all": None})
    assert whole.loc["all", "visitors"] == 3  # no window: November counts


def test_segment_engagement_validates(clicks):
    people = pd.DataFrame({"customer_id": ["a"], "age": [20]})
    with pytest.raises(TypeError, match="segments"):
        db.segment_engagement(clicks, people, {})
    with pytest.raises(ValueError, match="session_id"):
        db.segment_engagement(clicks.drop(columns="session_id"), people, {"all": None})
    with pytest.raises(ValueError, match="income"):
        db.segment_engagement(clicks, people, {"rich": "income > 5"})


def test_plot_dashboard_draws_one_panel_per_metric(lines):
    t = db.response_table(lines, by=["segment", "channel"])
    fig = db.plot_dashboard(t, metrics=["reach", "ctr", "cpa", "roas"], benchmark={"reach": 999, "roas": 2.0},
                            highlight=["young / social_ads"], title="test")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    titles = [ax.get_title() for ax in visible]
    assert titles[2] == "CPA (lower is better)"
    assert not visible[0].lines  # no benchmark on a count
    assert len(visible[3].lines) == 1  # the ROAS benchmark
    with pytest.raises(ValueError, match="unknown metric"):
        db.plot_dashboard(t, metrics=["likes"])
    with pytest.raises(ValueError, match="visit_rate"):
        db.plot_dashboard(t, metrics=["visit_rate"])


def test_format_metric():
    assert db.format_metric("reach", 12345) == "12,345"
    assert db.format_metric("roas", float("nan")) == "n/a"


def test_explorer_reading_figure_and_widget(lines):
    t = db.response_table(lines)
    ex = db.dashboard_explorer(t, benchmark={"cpa": 33.0}, metric="cpa")
    assert ex.reading() == "Best on cpa: young (Rs 10); worst: mass (Rs 40). Benchmark: Rs 33."
    assert ex.reading("ctr", ["mass"]).startswith("Best on ctr: mass")
    assert len(ex.figure("roas", ["young"]).axes) == 1
    with pytest.raises(ValueError, match="unknown segment"):
        ex.reading("ctr", ["nobody"])
    with pytest.raises(ValueError, match="not in the table"):
        db.dashboard_explorer(t, metric="visit_rate")
    pytest.importorskip("ipywidgets")
    box = ex.widget
    assert box is ex.widget
    metric, chosen = box.children[0].children
    metric.value = "roas"
    assert ex.metric == "roas"
    chosen.value = ("mass",)  # redraws without error
