"""Tests of course_lib.chapters.campaign: plans, hashing and match rates, UTM links, pixel hits."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest

from course_lib.chapters import campaign as cp


@pytest.fixture
def people():
    return pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"], "age": [20, 22, 30, 45, 70],
                         "consent_ads": [True, False, True, True, True],
                         "consent_email": [True, True, False, True, False],
                         "consent_sms": [True] * 5, "app_user": [False, True, True, False, False]})


@pytest.fixture
def mails():
    return pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                         "email": [" A@Example.com", "b@example.com", "c@example.com", "not-an-email",
                                   "e@example.com"]})


# --------------------------------------------------------------------------- content


def test_building_blocks_follow_the_chain():
    blocks = cp.building_blocks()
    assert list(blocks.index) == ["data_sources", "segmentation_rules", "audience_lists", "creatives", "channels",
                                  "tracking", "compliance"]
    assert blocks.notna().all().all()


def test_every_simulator_channel_has_a_lowercase_utm_convention():
    from course_lib.market.simulator import channels

    table = cp.utm_channels()
    assert set(channels()) <= set(table.index)
    for value in table.to_numpy().ravel():
        assert value == cp.slug(value)
    assert cp.landing_page().startswith("https://") and ".example." in cp.landing_page()


# --------------------------------------------------------------------------- hashing


def test_hash_matches_an_independent_sha256_of_the_normalised_address():
    got = cp.hash_identifiers(["  Asha.K@Example.COM "]).iloc[0]
    assert got == hashlib.sha256(b"asha.k@example.com").hexdigest()
    raw = cp.hash_identifiers(["  Asha.K@Example.COM "], normalise=False).iloc[0]
    assert raw == hashlib.sha256(b"  Asha.K@Example.COM ").hexdigest() and raw != got


def test_normalise_email_and_phone():
    assert cp.normalise_email(["X@Y.ORG ", "two@@x.com", "", None]).tolist()[0] == "x@y.org"
    assert cp.normalise_email(["two@@x.com", "", None]).isna().all()
    phones = cp.normalise_phone(["98765 43210", "098765-43210", "+91 98765 43210", "919876543210",
                                 "0044 20 7946 0000", "123"])
    assert phones.tolist()[:4] == ["+919876543210"] * 4
    assert phones.iloc[4] == "+442079460000" and pd.isna(phones.iloc[5])
    assert cp.hash_identifiers(["98765 43210"], kind="phone").iloc[0] == hashlib.sha256(b"+919876543210").hexdigest()


def test_hashing_validates_its_input():
    with pytest.raises(TypeError, match="single str"):
        cp.hash_identifiers("a@b.com")
    with pytest.raises(TypeError, match="text values"):
        cp.hash_identifiers([1, 2])
    with pytest.raises(ValueError, match="kind"):
        cp.hash_identifiers(["a@b.com"], kind="fax")
    with pytest.raises(TypeError, match="country_code"):
        cp.normalise_phone(["1"], country_code=91)


def test_export_keeps_consented_valid_unique_hashes(people, mails):
    ex = cp.export_audience(people, mails, "age < 50", "social_ads", segment="under 50")
    # a, b, c, d selected; b has no ads consent; d's address is invalid
    assert (ex.selected, ex.not_consented, ex.invalid, ex.duplicates, ex.uploaded) == (4, 1, 1, 0, 2)
    assert set(ex.hashes) == {hashlib.sha256(b"a@example.com").hexdigest(),
                              hashlib.sha256(b"c@example.com").hexdigest()}
    assert list(ex.to_frame().columns) == ["hashed_email"]
    assert "@" not in "".join(ex.to_frame()["hashed_email"])  # no raw e-mail leaves
    email = cp.export_audience(people, mails, "age < 50", "email")
    assert email.not_consented == 1 and email.uploaded == 2  # c has no e-mail consent, b has


def test_export_counts_duplicates_and_validates(people, mails):
    twin = mails.assign(email=["a@example.com", "A@example.com ", "c@example.com", "d@example.com",
                               "e@example.com"])
    ex = cp.export_audience(people.assign(consent_ads=True), twin, None)
    assert ex.duplicates == 1 and ex.uploaded == 4
    with pytest.raises(ValueError, match="more than once"):
        cp.export_audience(people, pd.concat([mails, mails]), None)
    with pytest.raises(ValueError, match="email"):
        cp.export_audience(people, mails.rename(columns={"email": "mail"}), None)
    with pytest.raises(ValueError, match="unknown channel"):
        cp.export_audience(people, mails, None, "carrier_pigeon")


def test_match_rate_against_a_hand_count():
    assert cp.match_rate(["h1", "h2", "h3", "h4"], ["h2", "h4", "h9"]) == 0.5
    assert cp.match_rate(["h1", "h1", "h2"], ["h1"]) == 0.5  # distinct hashes
    assert np.isnan(cp.match_rate([], ["h1"]))
    with pytest.raises(TypeError, match="hashed identifiers"):
        cp.match_rate("h1", ["h1"])


def test_normalising_before_hashing_raises_the_match_rate_on_course_data():
    from course_lib.market.datasets import load_customers

    customers = load_customers()
    contacts = cp.demo_contacts(customers, seed=9)
    assert contacts["customer_id"].is_unique and len(contacts) == len(customers)
    assert set(contacts["mess"]) == {"none", "uppercase", "spaces", "typo"}
    assert contacts["email"].str.lower().str.contains("@example.", regex=False).mean() > 0.95
    platform = cp.simulated_platform(customers, contacts, seed=9)
    good = cp.export_audience(customers, contacts, "is_student", segment="students")
    raw = cp.export_audience(customers, contacts, "is_student", segment="students", normalise=False)
    table = cp.match_summary({"normalised": good, "as typed": raw}, platform)
    assert table.loc["normalised", "uploaded"] == table.loc["as typed", "uploaded"]
    assert table.loc["normalised", "match_rate"] > table.loc["as typed", "match_rate"] + 0.1
    # independent check of matched: messy rows only match when normalised
    ok = contacts.set_index("customer_id").loc[customers.loc[customers["is_student"] & customers["consent_ads"],
                                                             "customer_id"]]
    assert table.loc["normalised", "matched"] <= (ok["mess"] != "typo").sum()
    assert table.loc["as typed", "matched"] <= (ok["mess"] == "none").sum()
    # same seed, same platform
    assert cp.simulated_platform(customers, contacts, seed=9).equals(platform)


# --------------------------------------------------------------------------- plans


def test_campaign_plan_and_audiences_match_the_log():
    from course_lib.market.datasets import load_campaigns, load_customers

    log = load_campaigns()
    plan = cp.campaign_plan(log, "Diwali micro 2025")
    assert list(plan.columns) == ["campaign", "segment", "rule", "creative", "channel", "budget"]
    sizes = cp.plan_audiences(plan, load_customers())
    rows = log[log["campaign"] == "Diwali micro 2025"]
    assert sizes["audience_size"].tolist() == rows["audience_size"].tolist()
    assert sizes["contactable"].tolist() == rows["reachable"].tolist()
    mass = cp.campaign_plan(log, "Diwali mass sale 2025")
    assert mass["rule"].isna().all()
    with pytest.raises(ValueError, match="campaign"):
        cp.campaign_plan(log, "Holi 2031")


# --------------------------------------------------------------------------- UTM


def test_utm_link_is_parsable_and_normalised():
    url = cp.utm_link("https://shop.example.com/offers?lang=en&utm_source=old", source="Social Network",
                      medium="paid_social", campaign="Diwali Micro 2025", content="campus_deals", term="Students")
    query = parse_qs(urlsplit(url).query)
    assert query == {"lang": ["en"], "utm_source": ["social_network"], "utm_medium": ["paid_social"],
                     "utm_campaign": ["diwali_micro_2025"], "utm_content": ["campus_deals"],
                     "utm_term": ["students"]}
    assert cp.parse_utm(url)["utm_term"] == "students"
    assert cp.parse_utm("https://shop.example.com/")["utm_source"] is None


def test_utm_link_validates():
    with pytest.raises(ValueError, match="http"):
        cp.utm_link("shop.example.com", source="a", medium="b", campaign="c")
    with pytest.raises(ValueError, match="source is required"):
        cp.utm_link("https://x.example.com", source=None, medium="b", campaign="c")
    with pytest.raises(TypeError, match="must be text"):
        cp.utm_link("https://x.example.com", source="a", medium="b", campaign=2025)
    with pytest.raises(ValueError, match="no letters"):
        cp.slug("  !! ")


def test_utm_links_one_distinct_link_per_segment_and_creative():
    plan = [{"segment": "Students", "creative": "campus_deals", "channel": "social_ads"},
            {"segment": "Students", "creative": "generic_sale", "channel": "social_ads"},
            {"segment": "Age 60+", "creative": "senior_care", "channel": "sms"}]
    links = cp.utm_links(plan, campaign="Test 1")
    assert links["url"].is_unique
    assert links["utm_medium"].tolist() == ["paid_social", "paid_social", "sms"]
    assert links["utm_term"].tolist() == ["students", "students", "age_60"]
    with pytest.raises(ValueError, match="campaign"):
        cp.utm_links(plan)
    with pytest.raises(ValueError, match="channel"):
        cp.utm_links([{"segment": "x", "creative": "y", "channel": "fax"}], campaign="c")


# --------------------------------------------------------------------------- pixel


def test_pixel_hits_map_events_and_respect_consent(people):
    ev = pd.DataFrame({"customer_id": ["a", "b", "b", "c"], "session_id": ["S1", "S2", "S2", "S3"],
                       "timestamp": pd.to_datetime(["2025-10-01"] * 4),
                       "event": ["product_view", "add_to_cart", "cart_abandoned", "purchase"],
                       "product_category": ["books"] * 4})
    hits = cp.pixel_hits(ev, people)
    assert hits["pixel_event"].tolist() == ["view_content", "add_to_cart", "purchase"]
    assert hits["sent"].tolist() == [True, False, True]  # b has not consented to ads
    assert cp.pixel_hits(ev)["sent"].all()
    with pytest.raises(ValueError, match="consent_cookies"):
        cp.pixel_hits(ev, people, consent="consent_cookies")
    with pytest.raises(TypeError, match="True/False"):
        cp.pixel_hits(ev, people.assign(consent_ads="yes"))
