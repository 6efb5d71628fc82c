"""Tests for course_lib.chapters.hyperlocal: references are computed here with plain pandas/numpy loops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.market.datasets import load_case
from course_lib.analysis.geo import within_radius
from course_lib.chapters.hyperlocal import (
    SEGMENT_ORDER,
    building_response,
    building_segments,
    diff_in_diff,
    frequency_actions,
    group_response,
    load_grocery_plan,
    match_buildings,
    monthly_rates,
    promotion_plan,
    radius_explorer,
    reach_by_radius,
)


@pytest.fixture(scope="module")
def case():
    return load_case("grocery")


@pytest.fixture
def toy():
    cx = pd.DataFrame({"complex_id": ["A", "B", "C"], "name": ["Lotus Heights", "Palm Apartments", "Orchid Park"],
                       "households": [10, 20, 5], "inside": [True, True, False]})
    od = pd.DataFrame({
        "complex_id": ["A", "A", None, "B", "A", "B", "C", "C"],
        "building_as_typed": ["Lotus Heights", "lotus hts ", "Palm Apts", "Palm Apartments", "LOTUS HEIGHTS",
                              "palm apartments", "Orchid Park", "Orchid  Park"],
        "order_date": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-11", "2025-02-28", "2025-03-01",
                                      "2025-03-09", "2025-02-02", "2025-04-30"]),
    })
    return cx, od


# --------------------------------------------------------------------------- plan and addresses


def test_plan_has_every_section_and_segment():
    plan = load_grocery_plan()
    assert set(plan["segments"]["labels"]) == set(SEGMENT_ORDER)
    assert plan["promotion"]["carryover"] > 0 and 0 < plan["test"]["gross_margin"] < 1
    for spec in plan["segments"]["labels"].values():
        assert spec["value_proposition"] and spec["creative"]


def test_plan_errors_name_the_problem(tmp_path):
    bad = load_grocery_plan()
    del bad["segments"]["labels"]["far"]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ValueError, match="exactly"):
        load_grocery_plan(path)
    path.write_text("- just a list\n")
    with pytest.raises(ValueError, match="mapping"):
        load_grocery_plan(path)
    with pytest.raises(FileNotFoundError):
        load_grocery_plan(tmp_path / "none.yaml")
    with pytest.raises(TypeError):
        load_grocery_plan(3)


def test_match_buildings_reads_variants_and_fills_missing_ids(toy):
    cx, od = toy
    before = od.copy()
    out = match_buildings(od, cx)
    assert out["building"].tolist() == ["Lotus Heights"] * 2 + ["Palm Apartments"] * 2 + ["Lotus Heights",
                                        "Palm Apartments", "Orchid Park", "Orchid Park"]
    assert out["complex_id"].tolist() == ["A", "A", "B", "B", "A", "B", "C", "C"]
    assert out["id_recovered"].tolist() == [False, False, True, False, False, False, False, False]
    pd.testing.assert_frame_equal(od, before)  # the caller's frame is not modified


def test_match_buildings_leaves_unknown_text_and_existing_ids_alone(toy):
    cx, od = toy
    od = od.assign(building_as_typed=od["building_as_typed"].where(od.index != 2, "Somewhere Else"))
    out = match_buildings(od, cx, abbreviations={})
    assert pd.isna(out.loc[2, "complex_id"]) and pd.isna(out.loc[2, "building"]) and not out.loc[2, "id_recovered"]
    assert pd.isna(out.loc[1, "building"])  # without the abbreviation 'hts' is not read as Heights
    assert out.loc[1, "complex_id"] == "A"  # ... but the id that was there is kept


def test_match_buildings_on_the_case_recovers_every_missing_id(case):
    out = match_buildings(case.orders, case.complexes)
    assert case.orders["complex_id"].isna().sum() > 50
    assert out["complex_id"].isna().sum() == 0 and out["building"].notna().all()
    names = case.complexes.set_index("complex_id")["name"].astype(object)
    assert (out["building"].to_numpy() == names.reindex(out["complex_id"]).to_numpy()).all()
    assert out["id_recovered"].sum() == case.orders["complex_id"].isna().sum()


def test_match_buildings_validation(toy):
    cx, od = toy
    with pytest.raises(ValueError, match="building_as_typed"):
        match_buildings(od.drop(columns="building_as_typed"), cx)
    with pytest.raises(ValueError, match="same name"):
        match_buildings(od, pd.concat([cx, cx.assign(complex_id="Z", name="lotus heights")]))
    with pytest.raises(TypeError, match="abbreviations"):
        match_buildings(od, cx, abbreviations=["hts"])


# --------------------------------------------------------------------------- segments and response


def test_building_segments_boundaries():
    cx = pd.DataFrame({"distance_km": [3.0, 3.0, 3.0001, 4.0, 4.01], "households": [300, 299, 900, 10, 10]})
    assert building_segments(cx).tolist() == ["inside_large", "inside_small", "just_outside", "just_outside", "far"]
    with pytest.raises(ValueError, match="edge_km"):
        building_segments(cx, edge_km=2.0)
    with pytest.raises(ValueError, match="households"):
        building_segments(cx.drop(columns="households"))


def test_building_response_against_a_loop(toy):
    cx, od = toy
    od = match_buildings(od, cx)
    r = building_response(od, cx, "2025-03-01")
    # months: Jan-Feb before (2), Mar-Apr after (2)
    assert r.attrs["months_before"] == 2 and r.attrs["months_after"] == 2
    for cid, hh in zip(cx["complex_id"], cx["households"], strict=True):
        rows = od[od["complex_id"] == cid]
        b = int((rows["order_date"] < "2025-03-01").sum())
        a = len(rows) - b
        assert (r.loc[cid, "orders_before"], r.loc[cid, "orders_after"]) == (b, a)
        assert r.loc[cid, "rate_before"] == pytest.approx(b / hh / 2)
        assert r.loc[cid, "extra_per_household"] == pytest.approx((a - b) / hh / 2)
    assert r.loc["A", "uplift"] == pytest.approx(-0.5)
    assert r["name"].tolist() == cx["name"].tolist()  # complexes' columns are kept


def test_building_response_validation(toy):
    cx, od = toy
    with pytest.raises(ValueError, match="first day of a month"):
        building_response(od, cx, "2025-03-15")
    with pytest.raises(ValueError, match="after the first order"):
        building_response(od, cx, "2025-01-01")
    with pytest.raises(ValueError, match="positive"):
        building_response(od, cx.assign(households=0), "2025-03-01")
    with pytest.raises(ValueError, match="repeated"):
        building_response(od, pd.concat([cx, cx]), "2025-03-01")
    with pytest.raises(ValueError, match="campaign_start"):
        building_response(od, cx, "not a date")
    with pytest.raises(ValueError, match="order_date"):
        building_response(od.assign(order_date="x"), cx, "2025-03-01")


def test_group_response_and_diff_in_diff_on_the_case(case):
    orders = case.orders.drop_duplicates()
    orders = orders[orders["amount"] > 0]
    orders = match_buildings(orders, case.complexes)
    r = building_response(orders, case.complexes, case.params["campaign_start"])
    g = group_response(r)
    # independent: pooled rates from the raw rows
    inside_ids = set(case.complexes.loc[case.complexes["inside_radius"], "complex_id"])
    is_in = orders["complex_id"].isin(inside_ids)
    after = orders["order_date"] >= "2025-08-01"
    hh_in = case.complexes.loc[case.complexes["inside_radius"], "households"].sum()
    hh_out = case.complexes["households"].sum() - hh_in
    ch_in = ((is_in & after).sum() - (is_in & ~after).sum()) / hh_in / 3
    ch_out = ((~is_in & after).sum() - (~is_in & ~after).sum()) / hh_out / 3
    assert g.loc[True, "change"] == pytest.approx(ch_in)
    d = diff_in_diff(r)
    assert d.effect_per_household == pytest.approx(ch_in - ch_out)
    assert d.extra_orders == pytest.approx((ch_in - ch_out) * hh_in * 3)
    assert d.to_frame().loc["extra_orders", "value"] == pytest.approx(d.extra_orders)
    assert 0 < d.relative_lift < 2 and abs(d.control_change) < d.treated_change / 10


def test_diff_in_diff_needs_two_groups(toy):
    cx, od = toy
    r = building_response(match_buildings(od, cx), cx.assign(g=["x", "y", "z"]), "2025-03-01")
    with pytest.raises(ValueError, match="exactly two"):
        diff_in_diff(r, group="g", treated="x")
    with pytest.raises(ValueError, match="no buildings"):
        diff_in_diff(r, group="inside", treated="yes")
    with pytest.raises(ValueError, match="building_response"):
        group_response(pd.DataFrame({"orders_before": [1], "orders_after": [1], "rate_before": [1],
                                     "rate_after": [1], "inside_radius": [True], "households": [1]}))


def test_monthly_rates_against_a_count(toy):
    cx, od = toy
    od = match_buildings(od, cx)
    m = monthly_rates(od, cx, "inside")
    assert m.index.tolist() == list(pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]))
    assert m.loc["2025-02-01", True] == pytest.approx(2 / 30)
    assert m.loc["2025-04-01", False] == pytest.approx(1 / 5)
    assert m.loc["2025-04-01", True] == 0


def test_reach_by_radius_agrees_with_within_radius(case):
    cx, store = case.complexes, case.store.iloc[0]
    orders = match_buildings(case.orders, cx)
    table = reach_by_radius(cx, orders, store["lat"], store["lon"], [2.0, 3.0, 10.0])
    for _, row in table.iterrows():
        near = within_radius(cx, store["lat"], store["lon"], row["radius_km"])
        assert row["buildings"] == len(near) and row["households"] == near["households"].sum()
        assert row["orders"] == orders["complex_id"].isin(set(near["complex_id"])).sum()
    assert table.loc[1, "buildings"] == cx["inside_radius"].sum()
    assert table.loc[2, "share_of_households"] == pytest.approx(1.0)
    with pytest.raises(TypeError, match="radii"):
        reach_by_radius(cx, orders, 21.0, 79.0, 3.0)
    with pytest.raises(ValueError, match="radii"):
        reach_by_radius(cx, orders, 21.0, 79.0, [-1])


# --------------------------------------------------------------------------- decisions


def test_frequency_actions_thresholds():
    r = pd.DataFrame({"extra_per_household": [0.25, 0.2499, 0.05, 0.0499, -0.05, -0.3]})
    got = frequency_actions(r, strong=0.25, weak=0.05, investigate=-0.05).tolist()
    assert got == ["keep frequency, shortlist for promotion", "keep frequency", "keep frequency",
                   "halve frequency, test a new message", "pause ads, find out why orders fell",
                   "pause ads, find out why orders fell"]
    with pytest.raises(ValueError, match="weak"):
        frequency_actions(r, strong=0.1, weak=0.2, investigate=0.0)


def test_promotion_plan_arithmetic():
    r = pd.DataFrame({"households": [100, 200, 50], "extra_per_household": [0.1, 1.0, -0.2],
                      "name": ["a", "b", "c"]}, index=["A", "B", "C"])
    p = promotion_plan(r, avg_basket=900.0, margin=0.2, discount_per_order=40, cost_per_household=10,
                       fixed_cost_per_building=1000, carryover=0.5, months=2)
    assert p.index.tolist() == ["B", "A", "C"] and p["rank"].tolist() == [1, 2, 3]
    exp_b = 200 * 1.0 * 0.5 * 2
    assert p.loc["B", "expected_orders"] == pytest.approx(exp_b)
    assert p.loc["B", "net"] == pytest.approx(exp_b * (900 * 0.2 - 40) - (1000 + 10 * 200))
    assert p.loc["C", "expected_orders"] == 0  # a falling building is not expected to lose orders to a promotion
    assert p["cumulative_net"].iloc[-1] == pytest.approx(p["net"].sum())
    assert p["promote"].tolist() == [True, False, False]
    assert r.index.tolist() == ["A", "B", "C"]  # input not reordered
    with pytest.raises(ValueError, match="margin"):
        promotion_plan(r, avg_basket=900.0, margin=22, discount_per_order=40, cost_per_household=10,
                       fixed_cost_per_building=1000, carryover=0.5)
    with pytest.raises(TypeError, match="avg_basket"):
        promotion_plan(r, avg_basket="900", margin=0.2, discount_per_order=40, cost_per_household=10,
                       fixed_cost_per_building=1000, carryover=0.5)


def test_radius_explorer_redraws(case):
    import matplotlib

    matplotlib.use("Agg")
    orders = match_buildings(case.orders, case.complexes)
    box = radius_explorer(case.store, case.complexes, orders)
    slider, out = box.children
    assert slider.value == 3.0 and slider.min == 1.0 and slider.max == 6.5
    with pytest.raises(ValueError, match="radii"):
        radius_explorer(case.store, case.complexes, orders, radii=(5, 2, 1))
    with pytest.raises(TypeError, match="radii"):
        radius_explorer(case.store, case.complexes, orders, radii=5)
