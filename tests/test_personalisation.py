"""Tests for course_lib.chapters.personalisation: assets, assembly, creative comparison and ad fatigue."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.market.synthetic import SEGMENT_NAMES, generate_market
from course_lib.chapters.personalisation import (
    SLOTS,
    AssembledCreative,
    asset_table,
    assemble,
    compare_creatives,
    explore_creative,
    explore_frequency,
    frequency_curve,
    load_assets,
    match_matrix,
    plot_frequency_curve,
    plot_match_matrix,
    response_multiplier,
    value_propositions,
)
from course_lib.market.simulator import creatives, simulate


@pytest.fixture(scope="module")
def market():
    return generate_market(3_000, seed=11, behaviour=False)


def test_content_file_is_complete():
    lib = load_assets()
    assert tuple(lib.weights) == SLOTS
    assert sum(lib.weights.values()) == pytest.approx(1.0)
    assert "generic" in lib.segments and lib.segments["generic"].rule is None
    for key, seg in lib.segments.items():
        assert seg.theme in creatives(), key
        assert all(seg.assets[s].strip() for s in SLOTS), key
    props = value_propositions()
    assert props.loc["students", "rule"] == "is_student"
    assert asset_table().shape == (len(lib.segments), len(SLOTS))


def _write(tmp_path, mutate):
    from course_lib.chapters.personalisation import PERSONALISATION_PATH

    raw = yaml.safe_load(PERSONALISATION_PATH.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, pattern", [
    (lambda r: r["slots"]["offer"].update(weight=0.9), "add up to 1"),
    (lambda r: r["segments"]["eco"]["assets"].pop("offer"), "text for each slot"),
    (lambda r: r["segments"]["eco"].update(theme="telepathy"), "not a simulator creative"),
    (lambda r: r["segments"].pop("generic"), "include 'generic'"),
    (lambda r: r["slots"].pop("scene"), "slots must list"),
])
def test_malformed_content_is_explained(tmp_path, mutate, pattern):
    with pytest.raises(ValueError, match=pattern):
        load_assets(_write(tmp_path, mutate))
    with pytest.raises(FileNotFoundError):
        load_assets(tmp_path / "missing.yaml")


def test_assemble_fills_the_template_and_borrows_slots():
    lib = load_assets()
    card = assemble("eco")
    assert isinstance(card, AssembledCreative) and card.name == "eco"
    for slot in SLOTS:
        assert lib.segments["eco"].assets[slot] in card.text
    assert lib.brand["name"] in card.text and lib.brand["tagline"] in card.text
    mixed = assemble("eco", offer="generic", headline="students")
    assert mixed.parts == {"headline": "students", "scene": "eco", "offer": "generic", "call_to_action": "eco"}
    assert mixed.name == "eco + headline from students, offer from generic"
    assert lib.segments["generic"].assets["offer"] in mixed.text
    assert "mm-creative" in mixed._repr_html_()
    with pytest.raises(ValueError, match="unknown segment"):
        assemble("martians")
    with pytest.raises(ValueError, match="unknown slot"):
        assemble("eco", logo="generic")
    with pytest.raises(ValueError, match="is not a segment"):
        assemble("eco", offer="nobody")


def test_matched_creative_is_the_catalogue_creative():
    cat = creatives()["run_club"]
    made = assemble("fitness").to_creative()
    assert np.array_equal(made.fit_vector(), cat.fit_vector())
    assert (made.interest, made.order_value) == (cat.interest, cat.order_value)


def test_mixed_creative_blends_fits_by_slot_weight():
    """Independent reference: the weighted average written out by hand."""
    lib, cat = load_assets(), creatives()
    w = lib.weights
    made = assemble("students", offer="generic").to_creative()
    expected = ((w["headline"] + w["scene"] + w["call_to_action"]) * cat["campus_deals"].fit_vector()
                + w["offer"] * cat["generic_sale"].fit_vector())
    assert made.fit_vector() == pytest.approx(expected)
    assert made.order_value == cat["generic_sale"].order_value
    # interest follows the theme with at least half of the weight
    assert assemble("fitness", offer="generic").to_creative().interest == "fitness"  # 0.7 of the weight
    assert assemble("fitness", headline="generic", offer="generic").to_creative().interest is None  # 0.35
    gadget = assemble("generic", offer="tech").to_creative()
    assert gadget.order_value == cat["gadget_launch"].order_value and gadget.interest is None
    assert set(made.fit) == set(SEGMENT_NAMES)


def test_compare_creatives_matches_direct_simulation(market):
    cust = market.customers
    t = compare_creatives(cust, "interest_eco", [assemble("eco"), assemble("generic")], "email", 300, seeds=3,
                          market=market)
    assert t.index.tolist() == ["eco", "generic"]
    runs = [simulate(cust["interest_eco"].to_numpy(), assemble("eco").to_creative(), "email", 300, seed=s,
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


def test_match_matrix_shape_and_diagonal(market):
    t = match_matrix(market.customers, ["eco", "fitness"], "email", 400, seeds=2, market=market)
    assert t["conversions"].unstack().shape == (2, 3)
    assert t.loc[t["matched"]].index.tolist() == [("eco", "eco"), ("fitness", "fitness")]
    ax = plot_match_matrix(t, "cpa")
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match="metric"):
        plot_match_matrix(t, "likes")
    with pytest.raises(ValueError, match="segments must be"):
        match_matrix(market.customers, ["generic"], market=market)


def test_matched_beats_generic_on_the_committed_market():
    from course_lib.market.datasets import load_customers

    t = compare_creatives(load_customers(), "interest_fitness", [assemble("fitness"), assemble("generic")],
                          "social_ads", 3000, seeds=10)
    assert t.loc["fitness", "conversions"] > 1.5 * t.loc["generic", "conversions"]
    assert t.loc["fitness", "ctr"] > t.loc["generic", "ctr"]
    assert t.loc["fitness", "spend"] == t.loc["generic", "spend"]


def test_response_multiplier():
    assert response_multiplier([1, 2, 3], 0.0).tolist() == [1.0, 2.0, 3.0]
    assert response_multiplier(2, 0.3) == pytest.approx(1.7)
    assert response_multiplier(3, 0.3) == pytest.approx(1 + 0.7 + 0.49)
    assert response_multiplier(1000, 0.2) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="below 1"):
        response_multiplier(2, 1.0)
    with pytest.raises(ValueError, match="whole numbers"):
        response_multiplier([0, 1], 0.2)


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
    import course_lib.chapters.personalisation as mod

    calls = []
    real = mod.frequency_curve

    def spy(*args, **kw):
        calls.append(kw["fatigue"])
        return real(*args, **kw)

    monkeypatch.setattr(mod, "frequency_curve", spy)
    monkeypatch.setattr(mod, "plot_frequency_curve", lambda *a, **k: None)
    w = explore_frequency(market.customers, None, "generic_sale", "email", caps=[1, 2, 3], cap=2, fatigue=0.3,
                          seeds=2, market=market)
    cap, fat = w.children[0].children
    assert [cap.description, fat.description] == ["frequency cap", "fatigue"]
    assert calls == [0.3]
    cap.value = 3
    assert calls == [0.3]  # cached
    fat.value = 0.5
    assert calls == [0.3, 0.5]
    pre = real(market.customers, None, "generic_sale", "email", [1, 2, 3], fatigue=0.3, seeds=2, market=market)
    calls.clear()
    explore_frequency(market.customers, None, "generic_sale", "email", caps=[1, 2, 3], cap=2, fatigue=0.3,
                      market=market, curve=pre)
    assert calls == []
    lazy = explore_frequency(market.customers, None, "generic_sale", "email", caps=[1, 2, 3], cap=2, fatigue=0.3,
                             market=market, curve=pre, draw=False)
    assert "Move a slider" in lazy.children[1].outputs[0]["text"]
    with pytest.raises(ValueError, match="one of the caps"):
        explore_frequency(market.customers, None, "generic_sale", caps=[1, 2], cap=5, market=market)


def test_explore_creative_reassembles_on_change(monkeypatch, market):
    import course_lib.chapters.personalisation as mod

    seen = []
    real = mod.compare_creatives

    def spy(customers, audience, plans, *a, **kw):
        seen.append((audience, plans["your creative"].name))
        return real(customers, audience, plans, *a, **kw)

    monkeypatch.setattr(mod, "compare_creatives", spy)
    w = explore_creative(market.customers, "email", 300, audience="eco", seeds=1, market=market)
    aud, headline, scene, offer, cta = w.children[:5]
    assert seen[-1] == ("interest_eco", "eco")
    offer.value = "generic"
    assert seen[-1] == ("interest_eco", "eco + offer from generic")
    aud.value = "students"
    assert seen[-1] == ("is_student", "students")
    assert offer.value == "students"
    with pytest.raises(ValueError, match="audience must be"):
        explore_creative(market.customers, audience="generic", market=market)
