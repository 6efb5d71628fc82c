"""Tests for course_lib.market.cases: the worked-case datasets support each story."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic

from course_lib.market.cases import CASE_NAMES, generate_case, generate_cases, haversine_km, load_cases_config


@pytest.fixture(scope="module")
def cases():
    return generate_cases()


def test_deterministic_and_tables_follow_yaml(cases):
    cfg = load_cases_config()
    for name in CASE_NAMES:
        assert list(cases[name]) == cfg[name]["tables"]
    again = generate_case("clothing")
    for table, df in again.items():
        pd.testing.assert_frame_equal(df, cases["clothing"][table])


def test_grocery_distances_against_geodesic(cases):
    store = cases["grocery"]["store"].iloc[0]
    cx = cases["grocery"]["complexes"]
    geo = [Geodesic.WGS84.Inverse(store["lat"], store["lon"], la, lo)["s12"] / 1000 for la, lo in zip(cx["lat"], cx["lon"])]
    assert np.allclose(cx["distance_km"], geo, rtol=0.006, atol=0.002)
    assert (cx["inside_radius"] == (cx["distance_km"] <= 3.0)).all()
    assert cx["inside_radius"].any() and (~cx["inside_radius"]).any()


def test_grocery_inside_radius_orders_more_and_responds_unevenly(cases):
    g = cases["grocery"]
    orders = g["orders"].drop_duplicates().dropna(subset=["complex_id"])
    per = orders.groupby(["complex_id", "after_campaign"]).size().unstack(fill_value=0)
    per = per.join(g["complexes"].set_index("complex_id")[["households", "inside_radius"]])
    rate_after = per[True] / per["households"]
    assert rate_after[per["inside_radius"]].mean() > 2 * rate_after[~per["inside_radius"]].mean()
    lift = (per[True] / per[False].clip(lower=1))[per["inside_radius"]]
    assert lift.max() > 2 * lift.min()  # some buildings perform far better


def test_grocery_dirt_documented(cases):
    orders = cases["grocery"]["orders"]
    assert orders.duplicated().sum() == 12
    assert orders["complex_id"].isna().any()
    assert (orders["amount"] == 0).any()
    assert orders["building_as_typed"].nunique() > cases["grocery"]["complexes"]["name"].nunique()


def test_coaching_segments_and_tailored_ads(cases):
    enq = cases["coaching"]["enquiries"]
    assert {"class_11", "drop_year"} <= set(enq["class_level"])
    assert {"JEE", "NEET", "CUET"} <= set(enq["exam_interest"].dropna())
    assert enq.drop(columns="enquiry_id").duplicated().sum() > 0
    assert {"cbse", "CBSC"} & set(enq["board"])
    assert 0.02 < enq["exam_interest"].isna().mean() < 0.07
    ads = cases["coaching"]["ad_results"].set_index(["segment", "creative_type"])
    for seg in ("class_11_science", "drop_year", "commerce_switch"):
        assert ads.loc[(seg, "tailored"), "enquiries"] > ads.loc[(seg, "generic"), "enquiries"]


def test_bank_targeted_beats_generic_baseline(cases):
    p = cases["bank"]["prospects"].drop_duplicates(subset=[c for c in cases["bank"]["prospects"] if c != "prospect_id"])
    assert p["age"].between(18, 21).mean() > 0.99 and not p["age"].between(18, 21).all()
    assert set(p["stream"].dropna()) == {"engineering", "arts"}
    rates = p.groupby("campaign_group")["account_opened"].mean()
    assert rates["targeted"] > 1.5 * rates["control_old_ad"]
    base = cases["bank"]["baseline"]
    assert rates["targeted"] > 0 and base["accounts_opened"].sum() / base["impressions"].sum() < 0.001


def test_bank_never_targets_anyone_under_18(cases):
    """DPDP Act: a child is under 18 and may not be targeted. The case targets 18-21; the four 17-year-olds the
    imported list holds were not contacted (no ad, no click, no account)."""
    cfg = load_cases_config()["bank"]["params"]
    assert cfg["age_range"][0] >= 18
    p = cases["bank"]["prospects"]
    contacted = p["campaign_group"].isin(["targeted", "control_old_ad"])
    assert p.loc[contacted, "age"].min() >= 18
    minors = p[p["age"] < 18]
    assert len(minors) >= 1  # planted, so the audit has something to find
    assert (minors["campaign_group"] == "not_contacted_under_18").all()
    assert not minors[["clicked", "account_opened"]].to_numpy().any()
    assert (minors["creative_shown"] == "none").all()


def test_case_magnitudes_are_plausible(cases):
    """Published ranges (cited in notebooks 13 and 15): ROAS of education ads about 3-6x, Facebook CTRs
    around 0.5-1%, and most clicks on a bank ad never become an account. The old data had ROAS 402 and
    25-28% of clicks opening an account."""
    ads = cases["coaching"]["ad_results"]
    assert 2 < ads["revenue"].sum() / ads["spend"].sum() < 8  # the whole test
    assert (ads["revenue"] / ads["spend"]).max() < 15  # the best line
    assert (ads["clicks"] / ads["impressions"]).between(0.002, 0.015).all()
    bank = load_cases_config()["bank"]["params"]
    assert max(bank["open_rate_after_click"].values()) <= 0.12
    assert max(bank["test_ctr"].values()) <= 0.015
    base = cases["bank"]["baseline"]
    assert base["accounts_opened"].sum() / base["clicks"].sum() < 0.12



def test_grocery_fitness_b2b_settings_sit_in_the_cited_ranges(cases):
    """Published ranges cited in notebooks 07, 14 and 16: quick-commerce orders of about ₹400-500 (the old basket
    median ₹820 was above), 1.9% median and 8.5% best-tenth install-to-paid conversion of subscription apps (the old
    0.14 and 0.07 were above), 1-3% replies to broad cold B2B e-mail (the old 2024 phase had 5%)."""
    cfg = load_cases_config()
    basket = cfg["grocery"]["params"]["basket"]
    mean_basket = basket["median"] * np.exp(basket["sigma"] ** 2 / 2)  # mean of the lognormal basket
    assert 400 <= mean_basket <= 500
    orders = cases["grocery"]["orders"]
    assert 400 <= orders.loc[orders["amount"] > 0, "amount"].mean() <= 500
    campaign = cfg["fitness"]["params"]["campaign"]
    paid, pay = campaign["paid_per_install"], [f["pay"] for f in campaign["area_factors"].values()]
    assert all(0.019 <= v * f <= 0.085 for v in paid.values() for f in pay)  # in every area
    assert paid["break_time_workout"] > paid["generic_fitness"]  # the case's lesson is kept
    ads = cases["fitness"]["area_campaign"]
    rates = ads.groupby("creative")["paid_subscriptions"].sum() / ads.groupby("creative")["installs"].sum()
    assert rates.between(0.019, 0.085).all()
    phases = cfg["b2b"]["params"]["phases"]
    assert 0.01 <= phases["broad_2024"]["reply_rate"] <= 0.03
    assert 0.08 <= phases["micro_2025"]["reply_rate"] <= 0.15

def test_clothing_types_visible_in_purchase_history(cases):
    orders = cases["clothing"]["orders"].dropna(subset=["amount"])
    cat = orders["category"].str.lower().str.replace(r"[ _-]", "", regex=True)
    assert set(cat) == {"sportswear", "ethnicwear", "westernwear", "footwear", "accessories"}
    by_shopper = orders.assign(cat=cat).groupby("shopper_id").agg(
        n=("cat", "size"), sport=("cat", lambda s: (s == "sportswear").mean()),
        disc=("discount_pct", lambda s: (s > 0).mean()))
    regulars = by_shopper[by_shopper["n"] >= 5]
    assert (regulars["sport"] > 0.6).mean() > 0.1  # a clear sportswear group
    assert (regulars["disc"] > 0.9).mean() > 0.1  # a clear discount-only group
    em = cases["clothing"]["email_campaigns"].set_index(["segment", "message_type"])
    assert em.loc[("ethnic_wear_buyers", "tailored"), "revenue"] > em.loc[("ethnic_wear_buyers", "one_size"), "revenue"]


def test_fitness_desk_jobs_engage_most(cases):
    users = cases["fitness"]["users"].drop_duplicates("user_id")
    usage = cases["fitness"]["usage"].merge(users[["user_id", "occupation_type"]], on="user_id")
    mean = usage.groupby("occupation_type")["sessions"].mean()
    assert mean.idxmax() == "desk_job"
    assert (cases["fitness"]["usage"]["minutes"] < 0).any()
    camp = cases["fitness"]["area_campaign"].groupby("creative")["paid_subscriptions"].sum()
    assert camp["break_time_workout"] > camp["generic_fitness"]


def test_b2b_two_hundred_accounts_with_decision_makers(cases):
    acc = cases["b2b"]["accounts"]
    key = acc["company"].str.lower().str.replace(r"\b(private limited|pvt\.? ltd\.?)", "pvt ltd", regex=True)
    assert key.nunique() == 200 and len(acc) == 203
    assert acc["region"].isna().sum() > 0 and acc["city"].notna().all()
    contacts = cases["b2b"]["contacts"]
    assert contacts.groupby("account_id")["is_decision_maker"].any().all()
    assert {"CTO", "Chief Technology Officer"} <= set(contacts["job_title"]) or "COO" in set(contacts["job_title"])
    eng = cases["b2b"]["engagement"].groupby("phase")
    assert eng["email_replies"].mean()["micro_2025"] > eng["email_replies"].mean()["broad_2024"]
    cycle = eng["sales_cycle_days"].mean()
    assert cycle["micro_2025"] < cycle["broad_2024"]


def test_edtech_personalised_reminders_complete_more(cases):
    users, rem = cases["edtech"]["users"], cases["edtech"]["reminders"]
    assert set(users["persona"].dropna()) == {"school_student", "graduate", "working_professional"}
    assert 0.03 < users["persona"].isna().mean() < 0.09
    assert "signup_completed" not in set(users["last_step"])
    rate = rem.groupby("variant")["completed_signup"].mean()
    assert rate["personalised"] > 1.5 * rate["generic"]
    assert not rem.loc[~rem["opened"], "completed_signup"].any()
    assert users["user_id"].is_unique and users.drop(columns="user_id").duplicated().sum() > 0


def test_haversine_reference_and_validation():
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19, rel=1e-3)
    with pytest.raises(TypeError, match="lat1"):
        haversine_km("north", 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="name"):
        generate_case("shoes")
    with pytest.raises(TypeError, match="name"):
        generate_case(1)
    with pytest.raises(TypeError, match="config"):
        generate_case("bank", config=[1])
    with pytest.raises(FileNotFoundError, match="cases.yaml"):
        load_cases_config("/nonexistent/cases.yaml")


def test_clothing_email_rates_sit_at_the_cited_benchmarks(cases):
    """Notebook 16 cites retail email at about 15-20% opened and 2-3% clicked per email sent, and Mailchimp's
    segmented campaigns at about twice the clicks of unsegmented ones (the old settings clicked 3-15%)."""
    em = cases["clothing"]["email_campaigns"].groupby("message_type")[["sends", "opens", "clicks"]].sum()
    rates = em[["opens", "clicks"]].div(em["sends"], axis=0)
    assert 0.15 <= rates.loc["one_size", "opens"] <= 0.20
    assert 0.02 <= rates.loc["one_size", "clicks"] <= 0.03
    assert 1.0 < rates.loc["tailored", "clicks"] / rates.loc["one_size", "clicks"] <= 2.2
    spec = load_cases_config()["clothing"]["params"]["email_segments"]
    assert all(s["click"][0] <= 2 * s["click"][1] + 1e-9 for s in spec.values())  # tailored at most twice
    # about one email a week to each opted-in shopper over a 13-week quarter, not more
    opted = int(cases["clothing"]["shoppers"]["email_opt_in"].sum())
    assert 8 <= em["sends"].sum() / opted <= 14
