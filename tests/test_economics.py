"""Tests of course_lib.chapters.ch11_economics_of_micromarketing.

Costs against hand arithmetic, plans against plain pandas, the simulator wiring.

Simulation tests run on a small generated market (fast); the expected values are recomputed here
independently (budgets from the channel price list, partitions from the raw rules).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.chapters import ch11_economics_of_micromarketing as E
from course_lib.market.synthetic import generate_market
from course_lib.base.paths import DATA_DIR


@pytest.fixture(scope="module")
def market():
    return generate_market(1_500, seed=11, behaviour=False)


@pytest.fixture(scope="module")
def raw_content() -> dict:
    with open(DATA_DIR / "content" / "economics.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def email_price() -> float:
    with open(DATA_DIR / "market" / "market.yaml", encoding="utf-8") as fh:
        return float(yaml.safe_load(fh)["channels"]["email"]["price"])


# --------------------------------------------------------------------------- content


def test_content_has_sources_and_consistent_costs(raw_content):
    assert raw_content["keyword_prices"]["specific_keyword_cpc_usd"] == 0.15
    assert "StudySmarter" in raw_content["keyword_prices"]["source"]
    pc = pd.DataFrame(raw_content["pros_and_cons"])
    assert set(pc["side"]) == {"advantage", "limitation"} and pc["source"].str.len().gt(0).all()
    for needle in ("economies of scale", "wrong target", "Over-segmentation", "cost per target"):
        assert pc["point"].str.contains(needle, case=False).any(), needle
    assert len(raw_content["best_practices"]) == 6
    c = raw_content["costs"]
    assert E.cost_assumptions()["fixed_cost_per_segment"] == c["creative_cost_per_segment"] + c[
        "management_cost_per_segment"]


# --------------------------------------------------------------------------- add_costs


def test_add_costs_matches_hand_arithmetic():
    t = pd.DataFrame({"segments": [1, 8], "reach": [1000, 1000], "spend": [300.0, 300.0],
                      "conversions": [3, 6], "revenue": [3000.0, 9000.0]}, index=["mass", "micro"])
    out = E.add_costs(t, fixed_cost_per_segment=100.0, gross_margin=0.4)
    assert out.loc["micro", "fixed_cost"] == 800.0
    assert out.loc["micro", "total_cost"] == 1100.0
    assert out.loc["micro", "cost_per_target"] == pytest.approx(1.1)
    assert out.loc["micro", "media_cpa"] == pytest.approx(50.0)
    assert out.loc["micro", "retention_cost"] == pytest.approx(1100 / 6)
    assert out.loc["micro", "roas"] == pytest.approx(30.0)
    assert out.loc["micro", "roas_full"] == pytest.approx(9000 / 1100)
    assert out.loc["micro", "profit"] == pytest.approx(0.4 * 9000 - 1100)
    assert out.loc["mass", "profit"] == pytest.approx(0.4 * 3000 - 400)
    assert "fixed_cost" not in t.columns  # the caller's frame is not modified


def test_add_costs_zero_conversions_gives_nan_and_defaults_apply():
    t = pd.DataFrame({"reach": [10], "spend": [5.0], "conversions": [0], "revenue": [0.0]})
    out = E.add_costs(t)
    assert np.isnan(out.loc[0, "retention_cost"]) and np.isnan(out.loc[0, "media_cpa"])
    assert out.loc[0, "fixed_cost"] == E.cost_assumptions()["fixed_cost_per_segment"]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"fixed_cost_per_segment": -1}, ValueError, "fixed_cost_per_segment"),
    ({"gross_margin": 1.5}, ValueError, "gross_margin"),
    ({"gross_margin": "high"}, TypeError, "gross_margin"),
])
def test_add_costs_validates(kwargs, error, match):
    t = pd.DataFrame({"reach": [10], "spend": [5.0], "conversions": [1], "revenue": [50.0]})
    with pytest.raises(error, match=match):
        E.add_costs(t, **kwargs)


def test_add_costs_names_missing_columns():
    with pytest.raises(ValueError, match="revenue"):
        E.add_costs(pd.DataFrame({"reach": [1], "spend": [1.0], "conversions": [1]}))


# --------------------------------------------------------------------------- plans


def test_micro_segments_partition_follows_first_matching_rule(market, raw_content):
    c = market.customers
    plan = E.micro_segments(c)
    masks = np.array([p["audience"] for p in plan.values()])
    assert (masks.sum(axis=0) == 1).all()  # every customer in exactly one segment
    taken = pd.Series(False, index=c.index)
    for seg in raw_content["segments"]:
        expected = c.eval(seg["rule"]).fillna(False).astype(bool) & ~taken
        taken |= expected
        if seg["name"] in plan:
            assert plan[seg["name"]]["audience"].sum() == expected.sum()
            assert plan[seg["name"]]["creative"] == seg["creative"]
    assert plan[raw_content["rest"]["name"]]["audience"].sum() == (~taken).sum()
    assert list(E.micro_segments(c, 0)) == [raw_content["rest"]["name"]]
    with pytest.raises(ValueError, match="at most"):
        E.micro_segments(c, 99)


def test_simulate_plans_needs_a_cpm_channel_within_its_cap(market):
    plan = {"x": {"audience": None, "creative": "generic_sale"}}
    for kwargs, match in [({"channel": "search_ads"}, "CPM channel"), ({"channel": "telegram"}, "CPM channel"),
                          ({"contacts": 5}, "frequency cap")]:
        with pytest.raises(ValueError, match=match):
            E.simulate_plans(market.customers, plan, market=market, **kwargs)


def test_simulate_plans_contacts_everyone_reachable(market, email_price):
    c = market.customers
    plans = {"all": {"audience": None, "creative": "generic_sale"},
             "eco": {"audience": "interest_eco", "creative": "organic_delivery"}}
    t = E.simulate_plans(c, plans, seeds=3, market=market)
    assert list(t.index) == ["all", "eco"]
    assert t.loc["all", "reach"] == c["consent_email"].sum()
    eco_reach = (c["interest_eco"] & c["consent_email"]).sum()
    assert t.loc["eco", "reach"] == eco_reach
    assert t.loc["eco", "spend"] == pytest.approx(2 * eco_reach * email_price / 1000)
    again = E.simulate_plans(c, plans, seeds=3, market=market)
    pd.testing.assert_frame_equal(t, again)


def test_simulate_plans_average_matches_the_simulator(market, email_price):
    from course_lib.market.simulator import simulate

    c = market.customers
    mask = c["interest_tech"].to_numpy(dtype=bool)
    budget = 2 * int((mask & c["consent_email"].to_numpy(dtype=bool)).sum()) * email_price / 1000 * (1 + 1e-9)
    direct = np.mean([simulate(mask, "gadget_launch", "email", budget, seed=s, market=market).revenue
                      for s in range(4)])
    t = E.simulate_plans(c, {"tech": {"audience": mask, "creative": "gadget_launch"}}, seeds=4, market=market)
    assert t.loc["tech", "revenue"] == pytest.approx(direct)


def test_simulate_plans_unreachable_plan_gives_zeros(market):
    c = market.customers
    nobody = ~c["consent_email"].to_numpy(dtype=bool)
    t = E.simulate_plans(c, {"x": {"audience": nobody, "creative": "generic_sale"}}, seeds=2, market=market)
    assert t.loc["x", "reach"] == 0 and t.loc["x", "revenue"] == 0
    assert t.loc["x", "audience_size"] == nobody.sum()


def test_simulate_plans_validates(market):
    c = market.customers
    with pytest.raises(TypeError, match="non-empty dict"):
        E.simulate_plans(c, {}, market=market)
    with pytest.raises(TypeError, match="'creative'"):
        E.simulate_plans(c, {"x": {"audience": None}}, market=market)
    with pytest.raises(TypeError, match="seeds"):
        E.simulate_plans(c, {"x": {"audience": None, "creative": "generic_sale"}}, seeds="ten", market=market)
    other = c.assign(customer_id="X" + c["customer_id"])
    with pytest.raises(ValueError, match="simulator market's customers"):
        E.simulate_plans(other, {"x": {"audience": None, "creative": "generic_sale"}}, market=market)


# --------------------------------------------------------------------------- over-segmentation


@pytest.fixture(scope="module")
def long(market):
    return E.over_segmentation(market.customers, 14, seeds=2, market=market)


def test_over_segmentation_shape_and_partition(market, long, raw_content):
    n = len(market.customers)
    assert long.groupby("k").size().tolist() == list(range(1, 15))
    assert (long.groupby("k")["audience_size"].sum() == n).all()
    assert long.loc[long["k"] == 1, "creative"].tolist() == [raw_content["mass"]["creative"]]
    n_need = len(raw_content["segments"])
    after = long[long["k"] > n_need + 1].groupby("k")[["revenue", "spend", "reach"]].sum()
    full = long[long["k"] == n_need + 1][["revenue", "spend", "reach"]].sum()
    for col in after.columns:
        assert np.allclose(after[col], full[col])  # splitting adds no revenue and no media
    assert long["segment"].str.contains(r"\[a\]").any()


def test_over_segmentation_matches_simulate_plans(market, long):
    c = market.customers
    first = E.simulate_plans(c, E.micro_segments(c, 1), seeds=2, market=market)
    got = long[long["k"] == 2].set_index("segment")["revenue"]
    assert got.to_dict() == pytest.approx(first["revenue"].to_dict())


def test_segment_curve_costs_grow_linearly(long):
    curve = E.segment_curve(long, fixed_cost_per_segment=500, gross_margin=0.3)
    assert (np.diff(curve["fixed_cost"]) == 500).all()
    by_k = long.groupby("k")
    assert np.allclose(curve["profit"], 0.3 * by_k["revenue"].sum() - by_k["spend"].sum() - 500 * by_k.size())
    assert (curve["smallest_segment"] == by_k["audience_size"].min()).all()
    seg_profit = 0.3 * long["revenue"] - long["spend"] - 500
    assert (curve["losing_segments"] == (seg_profit < 0).groupby(long["k"]).sum()).all()


def test_sweet_spot_moves_with_fixed_cost(long):
    cheap = E.sweet_spot(E.segment_curve(long, fixed_cost_per_segment=0, gross_margin=0.3))
    dear = E.sweet_spot(E.segment_curve(long, fixed_cost_per_segment=1e7, gross_margin=0.3))
    assert dear == 1
    assert cheap >= dear
    with pytest.raises(ValueError, match="empty"):
        E.sweet_spot(pd.DataFrame({"profit": []}))


def test_sweet_spot_takes_the_first_of_a_tie():
    c = pd.DataFrame({"profit": [1.0, 5.0, 5.0 + 1e-9]}, index=pd.Index([1, 2, 3], name="k"))
    assert E.sweet_spot(c) == 2


def test_plots_return_axes(long):
    import matplotlib.pyplot as plt

    curve = E.segment_curve(long)
    axes = E.plot_segment_curve(curve, mass_profit=curve.loc[1, "profit"], k=3, title="t")
    assert axes[0].get_xlabel() == "number of segments (k)"
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert any("mass plan" in t for t in labels) and any("sweet spot" in t for t in labels)
    plt.close("all")


def test_segments_explorer_redraws_and_reports(long):
    from course_lib.learning.explorer import Explorer

    ex = E.segments_explorer(long, segments=2, fixed_cost_per_segment=500, gross_margin=0.3)
    assert isinstance(ex, Explorer) and ex.error is None and ex.figure is not None
    assert ex.controls["segments"].value == 2 and ex.controls["segments"].max == int(long["k"].max())
    for control in ex.controls.values():
        assert control.continuous_update is False and int(control.layout.width.rstrip("px")) >= 400
    first = ex.result
    ex.set(fixed_cost=1000)
    curve = E.segment_curve(long, fixed_cost_per_segment=1000, gross_margin=0.3)
    assert ex.result != first and ex.figure is not None
    assert f"₹{abs(curve.loc[2, 'profit']):,.0f} (mass plan" in ex.result
    assert f"Sweet spot: {E.sweet_spot(curve)} segments." in ex.result
    ex.set(fixed_cost=12000, segments=int(long["k"].max()))
    if E.segment_curve(long, fixed_cost_per_segment=12000, gross_margin=0.3).iloc[-1]["profit"] < 0:
        assert "a **loss** of" in ex.result  # a loss is called a loss
    with pytest.raises(ValueError, match="segments must be at most"):
        E.segments_explorer(long, segments=int(long["k"].max()) + 1)
