"""course_lib.analysis.segmentation: rules as masks, one segment per customer, the size guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis.segmentation import (
    assign_segments,
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


def test_rule_errors_name_the_rule(market: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="salary"):
        rule_mask(market, "salary > 5", "rule of level 'x'")
    with pytest.raises(ValueError, match="'city'"):
        rule_mask(market, {"city": "A"})
    with pytest.raises(ValueError, match="could not be evaluated"):
        rule_mask(market, "age >")
    with pytest.raises(ValueError, match="condition"):
        rule_mask(market, "age + 1")
    with pytest.raises(TypeError, match="rule"):
        rule_mask(market, 5)
    with pytest.raises(TypeError, match="range"):
        rule_mask(market, {"income_band": ("a", "z")})
    with pytest.raises(ValueError, match=r"\(lo, hi\)"):
        rule_mask(market, {"age": (1, 2, 3)})
