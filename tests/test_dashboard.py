"""Chapter 09's response analysis: the notebook's response table and engagement cells, the dashboard panel and widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.chapters import ch09_campaign_building_blocks_and_metrics as db  # noqa: E402
from tests.notebook_code import notebook_namespace  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def chapter():
    """Notebook 09 run up to its engagement table (section 9)."""
    return notebook_namespace("09-campaign-building-blocks-and-metrics", "open-the-box")


@pytest.fixture(scope="module")
def dashboard():
    """Notebook 09 run up to its dashboard figure (section 10)."""
    return notebook_namespace("09-campaign-building-blocks-and-metrics", "response-dashboard")


@pytest.fixture
def lines():
    return pd.DataFrame({"segment": ["mass", "mass", "young"], "channel": ["sms", "social_ads", "social_ads"],
                         "audience_size": [100, 100, 40], "impressions": [200, 300, 80], "reach": [90, 95, 40],
                         "clicks": [2, 3, 4], "conversions": [1, 1, 2], "spend": [50.0, 30.0, 20.0],
                         "revenue": [100.0, 60.0, 160.0]})


def test_notebook_response_table_pools_lines_by_hand(chapter, lines):
    t = chapter["response_table"](lines, by="segment")
    assert list(t.index) == ["mass", "young"] and t["lines"].tolist() == [2, 1]
    assert t.loc["mass", "cpa"] == pytest.approx(80 / 2)  # pooled, not the mean of 50 and 30
    assert t.loc["mass", "roas"] == pytest.approx(160 / 80)
    assert t.loc["young", "reach_rate"] == pytest.approx(1.0)
    assert np.isnan(t.loc["mass", "reach"])  # two lines: people overlap, their reach is not 90 + 95
    by_channel = chapter["response_table"](lines[lines["segment"] == "mass"], by="channel")
    assert by_channel["reach_rate"].tolist() == pytest.approx([0.9, 0.95])


def test_notebook_tables_on_the_course_data(chapter):
    table, diwali = chapter["table"], chapter["diwali"]
    micro = diwali[diwali["campaign"] == "Diwali micro 2025"].set_index("segment")
    for segment, line in micro.iterrows():  # one line each: the table is that line's own ratios
        assert table.loc[segment, "cpa"] == pytest.approx(line["spend"] / line["conversions"])
        assert table.loc[segment, "reach_rate"] == pytest.approx(line["reach"] / line["audience_size"])
    assert chapter["pooled"].loc[0, "roas"] == pytest.approx(diwali["revenue"].sum() / diwali["spend"].sum())


def test_every_metrics_table_of_chapter_09_keeps_reach_within_the_population(dashboard):
    """Reach is people: never above the customers, frequency = contacts / reach >= 1 (issue 15).

    The old table gave the Diwali mass sale a reach of 68,243 in a city of 50,000 customers.
    """
    chapter = dashboard
    population = len(chapter["customers"])
    board = chapter["board"]
    for name, frame in {"table": chapter["table"], "pooled": chapter["pooled"], "board": board}.items():
        assert frame["reach"].notna().all(), name
        assert (frame["reach"] <= population).all(), (name, frame["reach"].max())
        assert (frame["frequency"] >= 1).all(), name
        assert (frame["impressions"] / frame["reach"]).to_numpy() == pytest.approx(frame["frequency"].to_numpy())
    assert (chapter["table"]["reach_rate"] <= 1).all()
    mass = chapter["table"].loc["All customers"]
    assert mass["reach"] == pytest.approx(chapter["by_hand"], abs=1)  # the hand count of trap 2
    assert chapter["helper"] == pytest.approx(chapter["by_hand"])
    assert 40_000 < mass["reach"] < 50_000 and mass["impressions"] == 104_486


def test_notebook_engagement_against_an_independent_count(chapter):
    events, customers, engagement = chapter["events"], chapter["customers"], chapter["engagement"]
    in_window = events[(events["timestamp"] >= "2025-10-01") & (events["timestamp"] < "2025-10-21")]
    students = set(customers.loc[customers["is_student"], "customer_id"])
    visitors = in_window.loc[in_window["customer_id"].isin(students), "customer_id"].nunique()
    assert engagement.loc["Students", "members"] == len(students)
    assert engagement.loc["Students", "visitors"] == visitors
    everyone = in_window.groupby("customer_id")["session_id"].nunique()
    assert engagement.loc["All customers", "sessions_per_visitor"] == pytest.approx(everyone.mean())
    assert engagement.loc["All customers", "repeat_visitor_share"] == pytest.approx((everyone >= 2).mean())


def test_plot_panel(lines):
    t = pd.DataFrame({"reach": [185, 40], "roas": [2.0, 8.0]}, index=["mass", "young"])
    fig, (a, b) = plt.subplots(1, 2)
    db.plot_panel(a, t, "reach", benchmark=999)
    db.plot_panel(b, t, "roas", benchmark=3.0, highlight=["young"])
    assert not a.lines and len(b.lines) == 1  # no benchmark on a count
    assert b.get_title() == "ROAS (higher is better)"
    assert [p.get_facecolor() for p in b.patches][1] != [p.get_facecolor() for p in b.patches][0]
    with pytest.raises(ValueError, match="unknown metric"):
        db.plot_panel(a, t, "likes")
    with pytest.raises(ValueError, match="ctr"):
        db.plot_panel(a, t, "ctr")


def test_format_metric_and_reading():
    assert db.format_metric("reach", 12345) == "12,345"
    assert db.format_metric("roas", float("nan")) == "n/a"
    assert db.format_metric("cpa", 1234.4) == "₹1,234"
    t = pd.DataFrame({"cpa": [40.0, 10.0], "ctr": [0.01, np.nan]}, index=["mass", "young"])
    assert db.reading(t, "cpa", {"cpa": 33.0}) == "Best on CPA: **young** (₹10); worst: **mass** (₹40). Benchmark: ₹33."
    assert db.reading(t, "ctr").startswith("Best on CTR: **mass**")


def test_dashboard_explorer_widget():
    pytest.importorskip("ipywidgets")
    from course_lib.learning.explorer import Explorer

    t = pd.DataFrame({"cpa": [40.0, 10.0], "roas": [2.0, 8.0]}, index=["mass", "young"])
    ex = db.dashboard_explorer(t, {"cpa": 33.0}, metric="cpa")
    assert isinstance(ex, Explorer) and list(ex.controls["metric"].options) == ["cpa", "roas"]
    assert ex.controls["segments"].layout.width == "420px"
    first = ex.figure
    assert ex.set(metric="roas").figure is not first and len(ex.figure.axes[0].patches) == 2
    assert ex.result.startswith("Best on ROAS: **young**")
    ex.set(segments=("mass",))  # redraws one bar
    assert len(ex.figure.axes[0].patches) == 1
    ex.set(segments=())
    assert ex.figure is None and "at least one segment" in ex.error
    assert "Response dashboard" in ex._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="not in the table"):
        db.dashboard_explorer(t, metric="visit_rate")
