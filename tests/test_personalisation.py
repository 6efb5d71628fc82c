"""Tests of course_lib.chapters.ch08_personalisation: content, assembly, creative comparison, ad fatigue, widgets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib.base.content import content_path, read_yaml
from course_lib.chapters import ch08_personalisation as mod
from course_lib.chapters.ch08_personalisation import (SLOTS, assemble, compare_creatives, explore_creative,
                                                      explore_frequency, frequency_curve, load_assets,
                                                      plot_frequency_curve)
from course_lib.market.simulator import creatives, simulate
from course_lib.market.synthetic import SEGMENT_NAMES, generate_market
from tests.notebook_code import notebook_namespace


@pytest.fixture(scope="module")
def market():
    return generate_market(3_000, seed=11, behaviour=False)


def test_content_file_is_complete():
    content = load_assets()
    assert tuple(content["slots"]) == SLOTS
    assert sum(s["weight"] for s in content["slots"].values()) == pytest.approx(1.0)
    assert content["segments"]["generic"]["rule"] is None
    for key, seg in content["segments"].items():
        assert seg["theme"] in creatives(), key
        assert all(seg["assets"][s].strip() for s in SLOTS), key


@pytest.mark.parametrize("mutate, pattern", [
    (lambda r: r["slots"]["offer"].update(weight=0.9), "add up to 1"),
    (lambda r: r["segments"]["eco"]["assets"].pop("offer"), "text per slot"),
    (lambda r: r["segments"]["eco"].update(theme="telepathy"), "simulator creative"),
    (lambda r: r["slots"].pop("scene"), "slots must list"),
])
def test_malformed_content_is_explained(monkeypatch, mutate, pattern):
    raw = read_yaml(content_path("personalisation"))
    mutate(raw)
    monkeypatch.setattr(mod, "read_yaml", lambda *a, **k: raw)
    with pytest.raises(ValueError, match=pattern):
        load_assets()


def test_assemble_fills_the_template_and_borrows_slots():
    content = load_assets()
    card = assemble("eco")
    assert card.name == "eco"
    for slot in SLOTS:
        assert content["segments"]["eco"]["assets"][slot] in card.description
    assert content["brand"]["name"] in card.description and content["brand"]["tagline"] in card.description
    mixed = assemble("eco", offer="generic", headline="students")
    assert mixed.name == "eco + headline from students, offer from generic"
    assert content["segments"]["generic"]["assets"]["offer"] in mixed.description
    assert content["segments"]["students"]["assets"]["headline"] in mixed.description
    with pytest.raises(ValueError, match="segment='martians' is not a segment"):
        assemble("martians")
    with pytest.raises(ValueError, match="unknown slot"):
        assemble("eco", logo="generic")
    with pytest.raises(ValueError, match="offer='nobody' is not a segment"):
        assemble("eco", offer="nobody")


def test_matched_creative_is_the_catalogue_creative():
    cat = creatives()["run_club"]
    made = assemble("fitness")
    assert np.array_equal(made.fit_vector(), cat.fit_vector())
    assert (made.interest, made.order_value) == (cat.interest, cat.order_value)


def test_mixed_creative_blends_fits_by_slot_weight():
    """Independent reference: the weighted average written out by hand."""
    w = {slot: spec["weight"] for slot, spec in load_assets()["slots"].items()}
    cat = creatives()
    made = assemble("students", offer="generic")
    expected = ((w["headline"] + w["scene"] + w["call_to_action"]) * cat["campus_deals"].fit_vector()
                + w["offer"] * cat["generic_sale"].fit_vector())
    assert made.fit_vector() == pytest.approx(expected)
    assert made.order_value == cat["generic_sale"].order_value
    # interest follows the theme with at least half of the weight
    assert assemble("fitness", offer="generic").interest == "fitness"  # 0.7 of the weight
    assert assemble("fitness", headline="generic", offer="generic").interest is None  # 0.35
    gadget = assemble("generic", offer="tech")
    assert gadget.order_value == cat["gadget_launch"].order_value and gadget.interest is None
    assert set(made.fit) == set(SEGMENT_NAMES)


def test_compare_creatives_matches_direct_simulation(market):
    cust = market.customers
    t = compare_creatives(cust, "interest_eco", [assemble("eco"), assemble("generic")], "email", 300, seeds=3,
                          market=market)
    assert t.index.tolist() == ["eco", "generic"]
    runs = [simulate(cust["interest_eco"].to_numpy(), assemble("eco"), "email", 300, seed=s,
                     market=market) for s in range(3)]
    assert t.loc["eco", "conversions"] == pytest.approx(np.mean([r.conversions for r in runs]))
    assert t.loc["eco", "spend"] == pytest.approx(np.mean([r.spend for r in runs]))
    total_conv = sum(r.conversions for r in runs)
    assert t.loc["eco", "cpa"] == pytest.approx(sum(r.spend for r in runs) / total_conv if total_conv else math.nan,
                                                nan_ok=True)
    assert t.loc["eco", "audience_size"] == int(cust["interest_eco"].sum())
    with pytest.raises(ValueError, match="selects no customers"):
        compare_creatives(cust, "age > 200", ["generic_sale"], "email", 300, seeds=1, market=market)
    with pytest.raises(TypeError, match="creatives must be"):
        compare_creatives(cust, None, "generic_sale", "email", 300, market=market)
    with pytest.raises(ValueError, match="budget"):
        compare_creatives(cust, None, ["generic_sale"], "email", 0, market=market)


def test_matched_beats_generic_on_the_committed_market():
    from course_lib.market.datasets import load_customers

    t = compare_creatives(load_customers(), "interest_fitness", [assemble("fitness"), assemble("generic")],
                          "social_ads", 3000, seeds=10)
    assert t.loc["fitness", "conversions"] > 1.5 * t.loc["generic", "conversions"]
    assert t.loc["fitness", "ctr"] > t.loc["generic", "ctr"]
    assert t.loc["fitness", "spend"] == t.loc["generic", "spend"]


def test_frequency_curve_shows_fatigue(market):
    cust = market.customers
    tired = frequency_curve(cust, None, "generic_sale", "social_ads", [1, 2, 4, 8], fatigue=0.4, seeds=4, market=market)
    fresh = frequency_curve(cust, None, "generic_sale", "social_ads", [1, 2, 4, 8], fatigue=0.0, seeds=4, market=market)
    assert tired.index.tolist() == [1, 2, 4, 8]
    reach = tired["reach"].iloc[0]
    assert (tired["reach"] == reach).all()
    assert tired["impressions"].tolist() == [reach * c for c in [1, 2, 4, 8]]
    assert tired["spend"].tolist() == pytest.approx([reach * c * 120 / 1000 for c in [1, 2, 4, 8]])
    assert tired["clicks"].is_monotonic_increasing
    assert tired["cost_per_click"].is_monotonic_increasing
    assert tired["ctr"].is_monotonic_decreasing
    assert tired.loc[1, "clicks"] == fresh.loc[1, "clicks"]  # one showing: nothing to wear out
    assert tired.loc[8, "clicks"] < 0.8 * fresh.loc[8, "clicks"]
    assert math.isnan(tired.loc[1, "extra_cost_per_click"])
    assert tired.loc[8, "extra_cost_per_click"] == pytest.approx(
        (tired.loc[8, "spend"] - tired.loc[4, "spend"]) / (tired.loc[8, "clicks"] - tired.loc[4, "clicks"]))
    with pytest.raises(ValueError, match="paid per click"):
        frequency_curve(cust, None, "generic_sale", "search_ads", market=market)
    with pytest.raises(ValueError, match="increasing"):
        frequency_curve(cust, None, "generic_sale", "email", [2, 1], market=market)
    fig = plot_frequency_curve(tired, cap=2, target_cpa=100)
    assert len(fig.axes) == 2


def test_explore_frequency_recomputes_only_when_fatigue_moves(monkeypatch, market):
    from course_lib.learning.explorer import Explorer

    calls = []
    real = mod.frequency_curve

    def spy(*args, **kw):
        calls.append(kw["fatigue"])
        return real(*args, **kw)

    monkeypatch.setattr(mod, "frequency_curve", spy)
    ex = explore_frequency(market.customers, None, "generic_sale", "email", caps=[1, 2, 3], cap=2, fatigue=0.3,
                           seeds=2, market=market)
    assert isinstance(ex, Explorer) and ex.error is None
    cap, fat = ex.controls["cap"], ex.controls["fatigue"]
    assert [cap.description, fat.description] == ["frequency cap", "fatigue"]
    assert not cap.continuous_update and not fat.continuous_update and cap.layout.width == "420px"
    assert calls == [0.3] and len(ex.figure.axes) == 2
    first = ex.figure
    ex.set(cap=3)
    assert calls == [0.3] and ex.figure is not first  # cached curve, fresh figure
    assert ex.result[0].startswith("Cap **3**: ₹") and list(ex.result[1].index) == [3]
    ex.set(fatigue=0.5)
    assert calls == [0.3, 0.5]
    pre = real(market.customers, None, "generic_sale", "email", [1, 2, 3], fatigue=0.3, seeds=2, market=market)
    calls.clear()
    explore_frequency(market.customers, None, "generic_sale", "email", caps=[1, 2, 3], cap=2, fatigue=0.3,
                      market=market, curve=pre)
    assert calls == []
    with pytest.raises(ValueError, match="one of the caps"):
        explore_frequency(market.customers, None, "generic_sale", caps=[1, 2], cap=5, market=market)


def test_explore_creative_reassembles_on_change(monkeypatch, market):
    seen = []
    real = mod.compare_creatives

    def spy(customers, audience, plans, *a, **kw):
        seen.append((audience, plans["your advert"].name))
        return real(customers, audience, plans, *a, **kw)

    monkeypatch.setattr(mod, "compare_creatives", spy)
    ex = explore_creative(market.customers, "email", 300, audience="eco", seeds=1, market=market)
    assert list(ex.controls) == ["audience", *SLOTS]
    assert seen[-1] == ("interest_eco", "eco") and ex.error is None
    ex.set(offer="generic")
    assert seen[-1] == ("interest_eco", "eco + offer from generic")
    assert "```text" in ex.result[0] and "cost per conversion" in ex.result[1].columns
    ex.set(offer="own", audience="students")
    assert seen[-1] == ("is_student", "students") and len(ex.figure.axes[0].patches) == 3
    with pytest.raises(ValueError, match="audience must be"):
        explore_creative(market.customers, audience="generic", market=market)


def test_notebook_grid_and_fatigue_table_follow_the_helpers():
    """The notebook's visible match grid is compare_creatives per audience; its fatigue table adds up the repeats."""
    ns = notebook_namespace("08-personalisation", "open-the-box")
    conv = ns["conv"]
    assert conv.shape == (6, 7) and (conv.idxmax(axis=1) == conv.index).all()  # matched wins every row
    rule = load_assets()["segments"]["eco"]["rule"]
    direct = compare_creatives(ns["customers"], rule, ns["adverts"], "social_ads", 3000, seeds=5)["conversions"]
    assert conv.loc["eco"].tolist() == pytest.approx(direct.tolist())
    worth = ns["worth"]
    assert worth["fatigue 0.0"].tolist() == [1, 2, 3, 4, 5, 6, 8, 10]
    for f in (0.15, 0.3, 0.5):
        by_hand = [sum((1 - f) ** k for k in range(n)) for n in [1, 2, 3, 4, 5, 6, 8, 10]]
        assert worth[f"fatigue {f}"] == pytest.approx(by_hand)
