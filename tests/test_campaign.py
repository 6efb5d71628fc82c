"""Tests of chapter 09's module: contacts, hashing and match rates, UTM links (and the notebook's plan cells)."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest

from course_lib.chapters import ch09_campaign_building_blocks_and_metrics as cp
from tests.notebook_code import notebook_namespace


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
    blocks = pd.DataFrame(cp.content()["building_blocks"]).set_index("id")
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


def test_normalise_email():
    assert cp.normalise_email(["X@Y.ORG ", "two@@x.com", "", None]).tolist()[0] == "x@y.org"
    assert cp.normalise_email(["two@@x.com", "", None]).isna().all()


def test_hashing_validates_its_input():
    with pytest.raises(TypeError, match="list or Series"):
        cp.hash_identifiers("a@b.com")
    with pytest.raises(TypeError, match="hold text"):
        cp.hash_identifiers([1, 2])
    with pytest.raises(TypeError, match="True or False"):
        cp.hash_identifiers(["a@b.com"], normalise="yes")


def test_export_keeps_consented_valid_unique_hashes(people, mails):
    ex = cp.export_audience(people, mails, "age < 50", "social_ads", segment="under 50")
    # a, b, c, d selected; b has no ads consent; d's address is invalid
    assert (ex.selected, ex.not_consented, ex.invalid, ex.duplicates, ex.uploaded) == (4, 1, 1, 0, 2)
    assert set(ex.hashes) == {hashlib.sha256(b"a@example.com").hexdigest(),
                              hashlib.sha256(b"c@example.com").hexdigest()}
    assert ex.summary().tolist() == [4, 1, 1, 0, 2]
    assert "@" not in "".join(ex.hashes)  # no raw e-mail leaves
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
    with pytest.raises(TypeError, match="list, Series or Index"):
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
    table = pd.DataFrame({name: {"uploaded": ex.uploaded, "matched": ex.hashes.isin(platform).sum(),
                                 "match_rate": cp.match_rate(ex, platform)}
                          for name, ex in {"normalised": good, "as typed": raw}.items()}).T
    assert table.loc["normalised", "uploaded"] == table.loc["as typed", "uploaded"]
    assert table.loc["normalised", "match_rate"] > table.loc["as typed", "match_rate"] + 0.1
    # independent check of matched: messy rows only match when normalised
    ok = contacts.set_index("customer_id").loc[customers.loc[customers["is_student"] & customers["consent_ads"],
                                                             "customer_id"]]
    assert table.loc["normalised", "matched"] <= (ok["mess"] != "typo").sum()
    assert table.loc["as typed", "matched"] <= (ok["mess"] == "none").sum()
    # same seed, same platform
    assert cp.simulated_platform(customers, contacts, seed=9).equals(platform)


# --------------------------------------------------------------------------- the notebook's own cells


@pytest.fixture(scope="module")
def chapter():
    """The namespace of notebook 09 run up to its response table (section 8)."""
    return notebook_namespace("09-campaign-building-blocks-and-metrics", "open-the-box")


def test_notebook_plan_and_audiences_match_the_log(chapter):
    plan, audiences, log = chapter["plan"], chapter["audiences"], chapter["campaigns"]
    assert list(plan.columns) == ["campaign", "segment", "rule", "creative", "channel", "budget"]
    rows = log[log["campaign"] == "Diwali micro 2025"]
    assert audiences["audience_size"].tolist() == rows["audience_size"].tolist()
    assert audiences["contactable"].tolist() == rows["reachable"].tolist()


def test_notebook_hashes_and_matches_agree_with_the_module(chapter):
    typed = chapter["typed"]
    assert [chapter["sha256"](t.strip().lower()) for t in typed] == cp.hash_identifiers(typed).tolist()
    matches, platform = chapter["matches"], chapter["platform"]
    assert matches.loc["normalised", "match_rate"] == pytest.approx(cp.match_rate(chapter["upload"], platform))


def test_notebook_links_and_pixel_hits(chapter):
    tags = chapter["tags"]
    assert tags["utm_medium"].tolist() == ["email", "paid_social", "paid_social", "messaging"]
    assert tags["utm_term"].tolist() == ["high_income_40", "tech_interest_under_35", "students", "families_with_kids"]
    assert chapter["links"]["url"].is_unique
    hits, events, customers = chapter["hits"], chapter["events"], chapter["customers"]
    mapped = events["event"].astype(str).isin(list(cp.content()["pixel_events"]))
    assert len(hits) == mapped.sum()
    assert not hits.loc[hits["sent"], "customer_id"].isin(customers.loc[~customers["consent_ads"],
                                                                          "customer_id"]).any()


# --------------------------------------------------------------------------- UTM


def test_utm_link_is_parsable_and_normalised():
    url = cp.utm_link("https://shop.example.com/offers?lang=en&utm_source=old", source="Social Network",
                      medium="paid_social", campaign="Diwali Micro 2025", content="campus_deals", term="Students")
    query = parse_qs(urlsplit(url).query)
    assert query == {"lang": ["en"], "utm_source": ["social_network"], "utm_medium": ["paid_social"],
                     "utm_campaign": ["diwali_micro_2025"], "utm_content": ["campus_deals"],
                     "utm_term": ["students"]}


def test_utm_link_validates():
    with pytest.raises(ValueError, match="http"):
        cp.utm_link("shop.example.com", source="a", medium="b", campaign="c")
    with pytest.raises(ValueError, match="source is required"):
        cp.utm_link("https://x.example.com", source=None, medium="b", campaign="c")
    with pytest.raises(TypeError, match="must be text"):
        cp.utm_link("https://x.example.com", source="a", medium="b", campaign=2025)
    with pytest.raises(ValueError, match="no letters"):
        cp.slug("  !! ")
