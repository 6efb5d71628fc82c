"""course_lib.analysis.targeting: audiences from events and purchases, averaged simulation; chapter 04's open box."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.market.synthetic import generate_market
from course_lib.market.simulator import simulate
from course_lib.analysis.targeting import (
    add_flags,
    audience_mask,
    compare_audiences,
    event_audience,
    market_mask,
    purchase_audience,
    seed_list,
    simulate_average,
    stores,
)
from course_lib.market.datasets import load_customers
from notebook_code import notebook_namespace


@pytest.fixture(scope="module")
def market():
    return generate_market(1_500, seed=11, behaviour=False)


@pytest.fixture
def events():
    return pd.DataFrame({
        "customer_id": ["C1", "C1", "C2", "C3", "C3", "C4"],
        "event": ["cart_abandoned", "cart_abandoned", "cart_abandoned", "purchase", "cart_abandoned", "product_view"],
        "product_category": ["electronics", "electronics", "groceries", "electronics", "electronics", "electronics"],
        "timestamp": pd.to_datetime(["2025-10-01 10:00", "2025-11-05 09:00", "2025-10-02 12:00",
                                     "2025-12-01 08:00", "2025-12-31 23:30", "2025-10-10 10:00"]),
    })


def test_stores():
    shops = stores()
    assert shops["store_id"].is_unique and shops["lat"].between(20, 22).all()


def test_event_audience_counts_customers_once_and_filters(events):
    # an independent reference: plain boolean filtering and unique ids
    ref = events[(events["event"] == "cart_abandoned") & (events["product_category"] == "electronics")]
    assert list(event_audience(events, category="electronics")) == sorted(ref["customer_id"].unique())
    assert list(event_audience(events, category="electronics", min_count=2)) == ["C1"]
    assert list(event_audience(events)) == ["C1", "C2", "C3"]
    assert list(event_audience(events, ["purchase", "product_view"])) == ["C3", "C4"]


def test_event_audience_time_window_end_date_covers_the_whole_day(events):
    assert list(event_audience(events, end="2025-10-01")) == ["C1"]
    assert list(event_audience(events, start="2025-12-31", end="2025-12-31")) == ["C3"]
    assert list(event_audience(events, start="2025-11-01", end="2025-11-30")) == ["C1"]


def test_event_audience_bad_input(events):
    with pytest.raises(ValueError, match="product_category"):
        event_audience(events.drop(columns="product_category"), category="electronics")
    with pytest.raises(TypeError, match="category"):
        event_audience(events, category=3)
    with pytest.raises(ValueError, match="start"):
        event_audience(events, start="not a date")
    with pytest.raises(ValueError, match="min_count"):
        event_audience(events, min_count=0)


def test_purchase_audience():
    tr = pd.DataFrame({"customer_id": ["A", "B", "B", "C"], "category": ["x", "x", "x", "y"],
                       "date": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-06-01", "2025-02-01"])})
    assert list(purchase_audience(tr, "x")) == ["A", "B"]
    assert list(purchase_audience(tr, "x", start="2025-01-01")) == ["B"]
    assert list(purchase_audience(tr, min_purchases=2)) == ["B"]
    assert list(purchase_audience(tr, ["x", "y"], end="2025-01-01")) == ["A", "B"]


def test_add_flags_does_not_mutate_and_rejects_clashes():
    people = pd.DataFrame({"customer_id": ["C1", "C2", "C3"]})
    out = add_flags(people, vip=pd.Index(["C3"]), lapsed={"C1"})
    assert out["vip"].tolist() == [False, False, True] and out["lapsed"].tolist() == [True, False, False]
    assert list(people.columns) == ["customer_id"]
    with pytest.raises(ValueError, match="already has"):
        add_flags(out, vip=["C1"])
    with pytest.raises(TypeError, match="collection"):
        add_flags(people, vip="C1")


def test_audience_mask_kinds():
    people = pd.DataFrame({"customer_id": ["C1", "C2"], "age": [20, 50]})
    assert audience_mask(people, None).tolist() == [True, True]
    assert audience_mask(people, {"age": (30, None)}).tolist() == [False, True]
    assert audience_mask(people, people["age"] < 30).tolist() == [True, False]
    with pytest.raises(ValueError, match="index"):
        audience_mask(people, pd.Series([True, False], index=[5, 6]))
    with pytest.raises(ValueError, match="one per customer"):
        audience_mask(people, np.array([True]))
    with pytest.raises(ValueError, match="unknown column"):
        audience_mask(people, "height > 3")


def test_simulate_average_matches_individual_runs(market):
    """Reference: call simulate() directly for each seed and aggregate by hand."""
    rule = "interest_tech"
    runs = [simulate(rule, "gadget_launch", "email", 300, seed=s, market=market) for s in range(4)]
    out = simulate_average(market.customers, rule, "gadget_launch", "email", 300, seeds=4, market=market)
    assert out["audience_size"] == runs[0].audience_size
    assert out["spend"] == pytest.approx(np.mean([r.spend for r in runs]))
    assert out["conversions"] == pytest.approx(np.mean([r.conversions for r in runs]))
    assert out["roas"] == pytest.approx(sum(r.revenue for r in runs) / sum(r.spend for r in runs))


def test_simulate_average_empty_and_unknown_ids(market):
    nobody = simulate_average(market.customers, "age > 200", "generic_sale", "email", 100, seeds=2, market=market)
    assert nobody["audience_size"] == 0 and np.isnan(nobody["roas"])
    strangers = market.customers.assign(customer_id=[f"X{i}" for i in range(len(market.customers))])
    with pytest.raises(ValueError, match="does not know"):
        simulate_average(strangers, None, "generic_sale", "email", 100, seeds=1, market=market)
    with pytest.raises(TypeError, match="seeds"):
        simulate_average(market.customers, None, "generic_sale", "email", 100, seeds="3", market=market)


def test_compare_audiences(market):
    auds = {"all": None, "eco": "interest_eco"}
    table = compare_audiences(market.customers, auds, "organic_delivery", "email", 200, seeds=2, market=market)
    assert table.index.tolist() == ["all", "eco"]
    assert table.loc["eco", "audience_size"] == int(market.customers["interest_eco"].sum())
    assert table.loc["all", "share_of_market"] == 1.0
    eco = simulate_average(market.customers, market.customers["interest_eco"], "organic_delivery", "email", 200,
                           seeds=2, market=market)
    assert table.loc["eco", "roas"] == pytest.approx(eco["roas"])
    with pytest.raises(TypeError, match="audiences"):
        compare_audiences(market.customers, {}, "generic_sale", "email", 100, market=market)


def test_market_mask_and_seed_list(market):
    ids = market.customers["customer_id"].iloc[[3, 1]]
    assert np.flatnonzero(market_mask(ids, market)).tolist() == [1, 3]
    with pytest.raises(TypeError, match="Market"):
        market_mask(ids, market="default")
    assert seed_list(3) == [0, 1, 2] and seed_list([5, 2]) == [5, 2]
    with pytest.raises(TypeError, match="seeds"):
        seed_list("3")


@pytest.mark.slow
def test_chapter_04_masks_equal_the_helpers():
    """Open the box: the notebook's plain True/False masks select the same customers as the helpers."""
    ns = notebook_namespace("04-targeting-approaches", "open-the-box")
    customers = load_customers()
    shown = ns["affluent_40"]
    assert shown.dtype == bool and len(shown) == len(customers) == 50_000
    np.testing.assert_array_equal(audience_mask(customers, ns["affluent_40_rule"]), shown.to_numpy())
    by_hand = (customers["age"] >= 40) & customers["income_band"].isin(["12L_25L", "above_25L"])
    pd.testing.assert_series_equal(shown, by_hand)
    assert int(shown.sum()) == 6370  # the number the notebook's prose and table show


def test_chapter_04_channels_include_offline_and_community_with_how_to_measure():
    """Issue 15: direct mail, community and local radio sit next to the digital channels, each with when it fits
    a micro-audience and how its response is measured; WhatsApp needs its own opt-in; SMS follows DND/DLT."""
    from course_lib.base.content import content_path, read_yaml

    channels = {c["name"]: c for c in read_yaml(content_path("targeting"))["channels"]}
    names = " | ".join(channels).lower()
    for needed in ("email", "sms", "whatsapp", "direct mail", "community", "local radio"):
        assert needed in names, needed
    for name, c in channels.items():
        assert c["kind"] in {"digital", "offline", "community"}, name
        for field in ("fits_when", "response_measured_by", "rules"):
            assert isinstance(c[field], str) and len(c[field]) > 30, (name, field)
    whatsapp = next(c for n, c in channels.items() if "WhatsApp" in n and c["kind"] == "digital")
    assert "opt-in" in whatsapp["rules"] and "SMS consent does not cover it" in whatsapp["rules"]
    sms = channels["SMS"]["rules"]
    assert "DLT" in sms and "DND" in sms
    community = next(c for n, c in channels.items() if n.startswith("Community"))
    assert "opt in" in community["rules"] and "permission" in community["rules"]
    assert "holdout" in next(c for n, c in channels.items() if n == "Direct mail")["response_measured_by"]


def test_chapter_04_names_the_simulator_settings_and_its_magnitudes_are_plausible():
    """Results that come from the simulator's settings are labelled as such, and the mass email plan's rates sit
    near the published figures the notebook cites (average email CTR 2.69%, Litmus email return 38:1)."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "04-targeting-approaches.ipynb").read_text())
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "What the simulator assumes" in prose and prose.count("data/market/market.yaml") >= 4
    assert "illustrative" in prose and "https://" in prose
    runs = [simulate(None, "generic_sale", "email", 5000, seed=s) for s in range(10)]
    ctr = sum(r.clicks for r in runs) / sum(r.impressions for r in runs)
    roas = sum(r.revenue for r in runs) / sum(r.spend for r in runs)
    assert 0.005 < ctr < 0.0269 and 2 < roas < 38
