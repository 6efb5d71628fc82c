"""Tests for course_lib.market.simulator: the campaign simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.market.synthetic import SEGMENT_NAMES, generate_market
from course_lib.market.simulator import Channel, Creative, SimulationResult, channels, compare, creatives, simulate


@pytest.fixture(scope="module")
def market():
    return generate_market(20_000, seed=5, behaviour=False)


MICRO = dict(audience="interest_tech and age < 35", creative="gadget_launch", channel="social_ads", budget=3000)
MASS = dict(audience=None, creative="generic_sale", channel="social_ads", budget=3000)


def test_matched_micro_plan_beats_mass_plan_on_roas(market):
    micro = [simulate(**MICRO, seed=s, market=market).roas for s in range(15)]
    mass = [simulate(**MASS, seed=s, market=market).roas for s in range(15)]
    assert np.median(micro) > 2 * np.median(mass)
    eco = [simulate("interest_eco", "organic_delivery", "email", 3000, seed=s, market=market).roas for s in range(15)]
    mass_email = [simulate(None, "generic_sale", "email", 3000, seed=s, market=market).roas for s in range(15)]
    assert np.median(eco) > 1.5 * np.median(mass_email)


def test_micro_beats_mass_on_the_committed_market():
    micro = simulate("interest_tech and age < 35", "gadget_launch", "social_ads", 10_000, seed=1)
    mass = simulate(None, "generic_sale", "social_ads", 10_000, seed=1)
    assert micro.roas > mass.roas
    assert micro.audience_size < mass.audience_size


def test_mismatched_creative_does_worse_on_the_same_audience(market):
    good = [simulate(MICRO["audience"], "gadget_launch", "social_ads", 3000, seed=s, market=market).revenue
            for s in range(10)]
    bad = [simulate(MICRO["audience"], "senior_care", "social_ads", 3000, seed=s, market=market).revenue
           for s in range(10)]
    assert np.mean(good) > 2 * np.mean(bad)


def test_reproducible_by_seed(market):
    a = simulate(**MASS, seed=3, market=market)
    b = simulate(**MASS, seed=3, market=market)
    c = simulate(**MASS, seed=4, market=market)
    assert a == b
    assert (a.clicks, a.conversions, a.revenue) != (c.clicks, c.conversions, c.revenue)


def test_accounting_identities(market):
    for ch in channels():
        r = simulate(None, "generic_sale", ch, 2500, seed=2, market=market)
        assert r.spend <= r.budget + 1e-9
        assert r.conversions <= r.clicks <= r.reach <= r.reachable <= r.audience_size
        assert r.impressions >= r.reach
        assert r.impressions <= r.reachable * channels()[ch].max_frequency
        if channels()[ch].cost_model == "cpc":
            assert r.spend == pytest.approx(r.clicks * channels()[ch].price)
        else:
            assert r.spend == pytest.approx(r.impressions * channels()[ch].price / 1000)
        assert r.roas == pytest.approx(r.revenue / r.spend)


def test_consent_limits_reach(market):
    r = simulate(None, "generic_sale", "email", 1_000_000, seed=0, market=market)
    assert r.reachable == int(market.customers["consent_email"].sum())
    assert r.reach == r.reachable  # the budget covers everyone
    assert r.unspent > 0


def test_small_budget_reaches_a_subset(market):
    r = simulate(None, "generic_sale", "social_ads", 120, seed=0, market=market)  # 1,000 impressions
    assert r.impressions == 1000 and r.reach == 1000


def test_cpc_stops_when_budget_spent(market):
    r = simulate(None, "generic_sale", "search_ads", 120, seed=0, market=market)  # 10 clicks
    assert r.clicks == 10 and r.spend == pytest.approx(120)
    assert r.reach < r.reachable


def test_audience_forms_agree(market):
    rule = "age < 25 and consent_ads"
    mask = market.customers.eval(rule)
    ids = set(market.customers.loc[mask, "customer_id"])
    results = [simulate(a, "campus_deals", "social_ads", 500, seed=9, market=market)
               for a in (rule, mask, mask.to_numpy(), ids, sorted(ids))]
    assert all(r == results[0] for r in results)
    assert results[0].audience_size == len(ids)


def test_custom_channel_and_creative(market):
    flyers = Channel("flyers", "cpm", price=900.0, base_ctr=0.01, max_frequency=1)
    student_fit = Creative("campus", {"college_students": 1.0}, default_fit=0.0)
    r = simulate("is_student", student_fit, flyers, 2000, seed=1, market=market)
    assert r.channel == "flyers" and r.creative == "campus"
    r2 = simulate("is_student", {s: 0.5 for s in SEGMENT_NAMES}, flyers, 2000, seed=1, market=market)
    assert r2.creative == "custom"


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        (dict(audience="age > 200"), ValueError, "selects no customers"),
        (dict(budget=0), ValueError, "budget"),
        (dict(budget=-5), ValueError, "budget"),
        (dict(budget="100"), TypeError, "budget"),
        (dict(channel="tv"), ValueError, "unknown channel 'tv'.*social_ads"),
        (dict(channel=3), TypeError, "channel"),
        (dict(creative="nope"), ValueError, "unknown creative 'nope'"),
        (dict(creative={"aliens": 0.5}), ValueError, "fit segment"),
        (dict(creative={"seniors": 1.5}), ValueError, "fit"),
        (dict(audience="favourite_colour == 'red'"), ValueError, "audience rule"),
        (dict(audience="age + 1"), ValueError, "True/False"),
        (dict(audience=np.array([True, False])), ValueError, "one per customer"),
        (dict(audience={"C99999"}), ValueError, "unknown customer id"),
        (dict(audience={1, 2}), TypeError, "customer_id strings"),
        (dict(audience=42), TypeError, "audience must be"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(market="default"), TypeError, "market"),
    ],
)
def test_bad_plans_get_clear_messages(market, kwargs, exc, pattern):
    plan = dict(audience="age < 30", creative="generic_sale", channel="social_ads", budget=1000, seed=0,
                market=market)
    plan.update(kwargs)
    with pytest.raises(exc, match=pattern):
        simulate(**plan)


def test_unreachable_audience_is_explained(market):
    no_app = set(market.customers.loc[~market.customers["app_user"], "customer_id"][:50])
    with pytest.raises(ValueError, match="app_user"):
        simulate(no_app, "generic_sale", "app_push", 100, market=market)


def test_channel_validation():
    with pytest.raises(ValueError, match="cost_model"):
        Channel("x", "cpa", 1.0, 0.01)
    with pytest.raises(ValueError, match="price"):
        Channel("x", "cpm", 0.0, 0.01)
    with pytest.raises(ValueError, match="base_ctr"):
        Channel("x", "cpm", 1.0, 1.5)


def test_compare_and_result_frame(market):
    table = compare({"mass": MASS, "micro": MICRO}, seed=1, market=market)
    assert list(table.index) == ["mass", "micro"]
    assert {"impressions", "reach", "clicks", "conversions", "spend", "revenue", "roas"} <= set(table.columns)
    assert table.loc["micro", "roas"] > table.loc["mass", "roas"]
    assert table.loc["mass", "roas"] == pytest.approx(table.loc["mass", "revenue"] / table.loc["mass", "spend"])
    with pytest.raises(ValueError, match="missing budget"):
        compare({"x": dict(creative="generic_sale", channel="email")}, market=market)
    with pytest.raises(TypeError, match="plans"):
        compare({}, market=market)
    frame = simulate(**MASS, seed=1, market=market).to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 1


def test_result_rates_handle_zero():
    r = SimulationResult("c", "email", 5, 5, 0, 0, 0, 0, 0.0, 0.0, 10.0)
    assert np.isnan(r.ctr) and np.isnan(r.roas) and np.isnan(r.cpa)


def test_catalogue_from_yaml():
    assert {"email", "sms", "social_ads", "search_ads"} <= set(channels())
    assert all(c.description for c in creatives().values())


def test_fatigue_zero_is_the_original_behaviour(market):
    """The default keeps every earlier result; fatigue only acts on repeat impressions."""
    plan = dict(audience=None, creative="generic_sale", channel="social_ads", budget=1_000_000, seed=7, market=market)
    assert simulate(**plan) == simulate(**plan, fatigue=0.0)
    tired = simulate(**plan, fatigue=0.5)
    fresh = simulate(**plan)
    assert (tired.impressions, tired.reach, tired.spend) == (fresh.impressions, fresh.reach, fresh.spend)
    assert tired.clicks < fresh.clicks
    once = dict(plan, channel=Channel("once", "cpm", price=100.0, base_ctr=0.01, max_frequency=1))
    assert simulate(**once, fatigue=0.6) == simulate(**once)  # one showing: nothing to wear out


def test_fatigue_click_probability_matches_the_formula():
    """Independent reference: 1 - prod over showings of (1 - ctr (1 - f)^k)."""
    from course_lib.market.simulator import _p_click

    ctr = np.array([0.01, 0.2, 0.5])
    f, n = 0.3, 4
    expected = 1 - np.prod([1 - ctr * (1 - f) ** k for k in range(n)], axis=0)
    assert _p_click(ctr, n, f) == pytest.approx(expected)
    assert _p_click(ctr, n, 0.0) == pytest.approx(1 - (1 - ctr) ** n)


@pytest.mark.parametrize("fatigue, exc", [(1.0, ValueError), (-0.1, ValueError), ("high", TypeError)])
def test_fatigue_is_validated(market, fatigue, exc):
    with pytest.raises(exc, match="fatigue"):
        simulate(None, "generic_sale", "email", 100, market=market, fatigue=fatigue)
