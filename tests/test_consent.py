"""Consent per channel (course_lib.consent)."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.consent import channel_requirements, consent_summary, contactable
from course_lib.datasets import load_campaigns, load_customers


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "age": [22, 35, 41, 19],
        "consent_email": [True, False, True, False],
        "consent_sms": [True, True, False, False],
        "consent_ads": [False, False, True, True],
        "app_user": [True, False, False, True],
    })


def test_requirements_follow_the_market_config():
    req = channel_requirements()
    assert req["email"] == "consent_email"
    assert req["sms"] == req["whatsapp"] == "consent_sms"
    assert req["app_push"] == "app_user"
    assert {req[c] for c in ("social_ads", "display_ads", "search_ads")} == {"consent_ads"}


def test_contactable(people):
    assert contactable(people, "email").tolist() == [True, False, True, False]
    assert contactable(people, "whatsapp").tolist() == [True, True, False, False]
    assert contactable(people, "app_push").tolist() == [True, False, False, True]


def test_a_missing_flag_is_not_consent():
    df = pd.DataFrame({"consent_email": pd.array([True, None, False], dtype="boolean")})
    assert contactable(df, "email").tolist() == [True, False, False]


def test_consent_summary(people):
    out = consent_summary(people, audience="age < 40", channels=["email", "social_ads"])
    assert out.to_dict("records") == [
        {"channel": "email", "requires": "consent_email", "audience": 3, "contactable": 1, "share": 1 / 3,
         "not_contactable": 2},
        {"channel": "social_ads", "requires": "consent_ads", "audience": 3, "contactable": 1, "share": 1 / 3,
         "not_contactable": 2},
    ]
    empty = consent_summary(people, audience="age > 90", channels="sms")
    assert empty.loc[0, "audience"] == 0 and empty.loc[0, "share"] == 0.0


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda p: contactable(p, "carrier_pigeon"), ValueError, "unknown channel 'carrier_pigeon'"),
        (lambda p: contactable(p, 3), TypeError, "channel name"),
        (lambda p: contactable(p.drop(columns="consent_email"), "email"), ValueError, "consent_email"),
        (lambda p: contactable(p.assign(consent_email="yes"), "email"), TypeError, "True/False"),
        (lambda p: contactable([1], "email"), TypeError, "DataFrame"),
        (lambda p: consent_summary(p, channels=[]), ValueError, "at least one channel"),
        (lambda p: consent_summary(p, audience="height > 2"), ValueError, "unknown column"),
    ],
)
def test_bad_input_gets_a_clear_message(people, call, error, fragment):
    with pytest.raises(error, match=fragment):
        call(people)


def test_counts_match_the_simulated_campaign_log():
    """Independent reference: the `reachable` column the simulator wrote into campaigns.csv."""
    customers = load_customers()
    campaigns = load_campaigns()
    for row in campaigns.drop_duplicates(["audience_rule", "channel"]).itertuples():
        rule = row.audience_rule or None
        summary = consent_summary(customers, audience=rule, channels=[row.channel])
        assert summary.loc[0, "audience"] == row.audience_size, row.campaign
        assert summary.loc[0, "contactable"] == row.reachable, row.campaign
