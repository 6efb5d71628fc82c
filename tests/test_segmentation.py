"""Tests for course_lib.analysis.segmentation."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.analysis.segmentation import (  # noqa: E402
    Level,
    assign_segments,
    narrow_market,
    plot_funnel,
    rule_columns,
    rule_mask,
    segment_membership,
    size_guard,
)


@pytest.fixture
def market() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 1000
    return pd.DataFrame({
        "customer_id": np.arange(n),
        "age": rng.integers(18, 70, n),
        "income_band": rng.choice(["low", "mid", "high"], n),
        "neighbourhood": rng.choice(["Indiranagar", "Jayanagar", "Whitefield"], n),
        "apartment_complex": rng.choice(["Prestige", "Sobha", "Brigade", "none"], n),
        "propensity": rng.uniform(0, 0.2, n),
    })


LEVELS = [
    {"name": "mass", "rule": None, "response_rate": 0.005, "cost_per_target": 0.2},
    {"name": "segment", "rule": "age >= 25 and age <= 40", "response_rate": 0.02, "cost_per_target": 0.5},
    {"name": "niche", "rule": {"income_band": ["mid", "high"]}, "response_rate": 0.05, "cost_per_target": 1.0},
    {"name": "micro", "rule": {"neighbourhood": "Indiranagar", "apartment_complex": "Prestige"},
     "response_rate": 0.12, "cost_per_target": 3.0},
]


def test_narrow_market_nested_counts(market: pd.DataFrame) -> None:
    table = narrow_market(market, LEVELS, value_per_response=100.0)
    seg = market.query("age >= 25 and age <= 40")
    niche = seg[seg["income_band"].isin(["mid", "high"])]
    micro = niche[(niche["neighbourhood"] == "Indiranagar") & (niche["apartment_complex"] == "Prestige")]
    assert table["reach"].tolist() == [1000, len(seg), len(niche), len(micro)]
    assert table["level"].tolist() == ["mass", "segment", "niche", "micro"]
    assert table["share_of_market"].tolist() == pytest.approx([1.0, len(seg) / 1000, len(niche) / 1000,
                                                                len(micro) / 1000])
    assert table.loc[2, "share_of_previous"] == pytest.approx(len(niche) / len(seg))
    row = table.iloc[3]
    assert row["expected_responses"] == pytest.approx(len(micro) * 0.12)
    assert row["total_cost"] == pytest.approx(len(micro) * 3.0)
    assert row["cost_per_response"] == pytest.approx(3.0 / 0.12)
    assert row["expected_profit"] == pytest.approx(len(micro) * (0.12 * 100 - 3.0))
    assert table["rule"].iloc[0] == "everyone"
    assert table["reach"].is_monotonic_decreasing


def test_narrow_market_response_column_and_level_objects(market: pd.DataFrame) -> None:
    levels = [Level("mass"), Level("young", "age < 30", cost_per_target=1.0)]
    table = narrow_market(market, levels, response="propensity")
    assert table.loc[0, "response_rate"] == pytest.approx(market["propensity"].mean())
    assert table.loc[1, "response_rate"] == pytest.approx(market.query("age < 30")["propensity"].mean())
    assert "expected_profit" not in table.columns


def test_narrow_market_empty_level_does_not_crash(market: pd.DataFrame) -> None:
    table = narrow_market(market, [Level("mass", None, 0.01, 1.0), Level("none", "age > 500", 0.1, 1.0)])
    assert table.loc[1, "reach"] == 0
    assert table.loc[1, "expected_responses"] == 0.0
    assert math.isnan(table.loc[1, "cost_per_response"])


@pytest.mark.parametrize(
    ("levels", "kwargs", "exc", "words"),
    [
        ([{"name": "x", "rule": "salary > 5", "response_rate": 0.1}], {}, ValueError, "salary"),
        ([{"name": "x", "rule": {"city": "A"}, "response_rate": 0.1}], {}, ValueError, "'city'"),
        ([{"name": "x", "rule": "age >", "response_rate": 0.1}], {}, ValueError, "could not be evaluated"),
        ([{"name": "x", "rule": "age + 1", "response_rate": 0.1}], {}, ValueError, "condition"),
        ([{"name": "x", "rule": None}], {}, ValueError, "response_rate"),
        ([{"name": "x", "rule": None, "response_rate": 1.5}], {}, ValueError, "response_rate"),
        ([{"name": "x", "rule": None, "response_rate": 0.1, "cost_per_target": -1}], {}, ValueError, "cost"),
        ([{"name": "x", "rul": None}], {}, ValueError, "unknown key"),
        ([{"rule": None}], {}, ValueError, "name"),
        ([], {}, TypeError, "levels"),
        ([Level("x")], {"response": "income_band"}, TypeError, "'income_band'"),
        ([Level("x")], {"response": "age"}, ValueError, "probabilities"),
        ([{"name": "x", "rule": 5, "response_rate": 0.1}], {}, TypeError, "rule"),
        ([{"name": "x", "rule": {"income_band": ("a", "z")}, "response_rate": 0.1}], {}, TypeError, "range"),
    ],
)
def test_narrow_market_bad_input(market, levels, kwargs, exc, words) -> None:
    with pytest.raises(exc, match=words):
        narrow_market(market, levels, **kwargs)


def test_narrow_market_rejects_non_frames() -> None:
    with pytest.raises(TypeError, match="data"):
        narrow_market({"a": [1]}, LEVELS)
    with pytest.raises(ValueError, match="empty"):
        narrow_market(pd.DataFrame({"age": []}), LEVELS)


def test_rules() -> None:
    df = pd.DataFrame({"age": [20, 30, 40, np.nan], "city": ["A", "B", "A", "B"], "my col": [1, 2, 3, 4]})
    assert rule_mask(df, {"age": (25, 35)}).tolist() == [False, True, False, False]
    assert rule_mask(df, {"age": (None, 30)}).tolist() == [True, True, False, False]
    assert rule_mask(df, {"city": {"B"}}).tolist() == [False, True, False, True]
    assert rule_mask(df, "`my col` > 2 or city == 'B'").tolist() == [False, True, True, True]
    assert rule_mask(df, None).all()
    assert rule_columns("city in ['A', 'B'] and not (age < @limit)") == ["city", "age"]
    assert rule_columns("`my col` > 2 and city == 'age'") == ["my col", "city"]
    before = df.copy()
    rule_mask(df, "age > 25")
    pd.testing.assert_frame_equal(df, before)


def test_plot_funnel(market: pd.DataFrame) -> None:
    table = narrow_market(market, LEVELS)
    fig, ax = plt.subplots()
    out = plot_funnel(table, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["mass", "segment", "niche", "micro"]
    widths = [p.get_width() for p in ax.patches]
    assert widths == table["reach"].tolist()
    assert all(p.get_x() == pytest.approx(-p.get_width() / 2) for p in ax.patches)  # centred
    plt.close(fig)
    new_ax = plot_funnel(table, value="expected_responses")
    assert new_ax is not None
    plt.close("all")
    with pytest.raises(ValueError, match="'reach'"):
        plot_funnel(table.drop(columns="reach"))


RULES = {
    "premium": {"income_band": "high"},
    "young urban": "age < 30",
    "prestige residents": {"apartment_complex": "Prestige"},
}


def test_membership_and_priority(market: pd.DataFrame) -> None:
    member = segment_membership(market, RULES)
    assert list(member.columns) == list(RULES)
    assert member["premium"].sum() == (market["income_band"] == "high").sum()
    out = assign_segments(market, RULES, priority=["young urban", "prestige residents", "premium"])
    young = market["age"] < 30
    prestige = market["apartment_complex"] == "Prestige"
    high = market["income_band"] == "high"
    expected = np.where(young, "young urban", np.where(prestige, "prestige residents",
                                                       np.where(high, "premium", "unassigned")))
    assert out["segment"].tolist() == expected.tolist()
    assert out["n_matches"].tolist() == (young.astype(int) + prestige + high).tolist()
    assert (out["n_matches"] > 1).any()  # the fixture really has overlaps
    default_order = assign_segments(market, RULES)
    assert (default_order.loc[high & young, "segment"] == "premium").all()
    assert "segment" not in market.columns


def test_assign_segments_bad_input(market: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="exactly once"):
        assign_segments(market, RULES, priority=["premium", "young urban"])
    with pytest.raises(ValueError, match="exactly once"):
        assign_segments(market, RULES, priority=["premium", "premium", "young urban"])
    with pytest.raises(ValueError, match="already has a column 'age'"):
        assign_segments(market, RULES, column="age")
    with pytest.raises(TypeError, match="rules"):
        assign_segments(market, ["age < 30"])
    with pytest.raises(ValueError, match="segment 'bad'"):
        assign_segments(market, {"bad": "height > 2"})


def test_size_guard(market: pd.DataFrame) -> None:
    out = assign_segments(market, RULES)
    guard = size_guard(out, min_size=200)
    counts = out["segment"].value_counts()
    assert dict(zip(guard["segment"], guard["size"])) == counts.to_dict()
    assert guard["size"].is_monotonic_increasing
    for rec in guard.to_dict("records"):
        assert rec["too_small"] == (rec["size"] < 200)
        assert ("too small" in rec["message"]) == rec["too_small"]
    assert guard["share"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="min_size"):
        size_guard(out, min_size=0)
    with pytest.raises(ValueError, match="'cluster'"):
        size_guard(out, segment="cluster")
