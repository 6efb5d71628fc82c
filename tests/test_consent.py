"""Consent per channel (course_lib.analysis.consent)."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.analysis.consent import channel_requirements, consent_summary, consented_rule, contactable, withdraw_consent
from course_lib.market.datasets import load_campaigns, load_customers


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "age": [22, 35, 41, 19],
        "consent_email": [True, False, True, False],
        "consent_sms": [True, True, False, False],
        "consent_whatsapp": [False, True, True, False],
        "consent_ads": [False, False, True, True],
        "app_user": [True, False, False, True],
    })


def test_requirements_follow_the_market_config():
    req = channel_requirements()
    assert req["email"] == "consent_email"
    assert req["sms"] == "consent_sms"
    assert req["whatsapp"] == "consent_whatsapp"
    assert req["app_push"] == "app_user"
    assert {req[c] for c in ("social_ads", "display_ads", "search_ads")} == {"consent_ads"}


def test_contactable(people):
    assert contactable(people, "email").tolist() == [True, False, True, False]
    assert contactable(people, "sms").tolist() == [True, True, False, False]
    assert contactable(people, "whatsapp").tolist() == [False, True, True, False]
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


# --- opt-outs ------------------------------------------------------------------------------------


def test_withdraw_consent_per_flag_and_for_all(people):
    people = people.assign(customer_id=["a", "b", "c", "d"])
    before = people.copy()
    stop = withdraw_consent(people, ["a", "b", "a"], channels="sms")
    pd.testing.assert_frame_equal(people, before)  # the caller's frame is untouched
    assert stop["consent_sms"].tolist() == [False, False, False, False]
    # a STOP to SMS leaves the WhatsApp opt-in alone: each has its own flag
    assert stop["consent_whatsapp"].tolist() == people["consent_whatsapp"].tolist()
    assert contactable(stop, "whatsapp").tolist() == [False, True, True, False]
    assert stop["consent_email"].tolist() == people["consent_email"].tolist()
    everything = withdraw_consent(people, pd.Series(["c"]))
    assert everything.loc[2, ["consent_email", "consent_sms", "consent_whatsapp", "consent_ads"]].tolist() == [False] * 4
    with pytest.raises(ValueError, match="consent_whatsapp"):  # "unsubscribe from all" must reach WhatsApp too
        withdraw_consent(people.drop(columns="consent_whatsapp"), ["c"])
    assert everything.loc[3].equals(people.loc[3])
    assert everything["app_user"].tolist() == people["app_user"].tolist()
    two = withdraw_consent(people, ["d"], channels=["email", "social_ads"])
    assert two.loc[3, ["consent_email", "consent_ads"]].tolist() == [False, False]


def test_withdraw_consent_bad_input(people):
    people = people.assign(customer_id=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="'zz'"):
        withdraw_consent(people, ["a", "zz"])
    with pytest.raises(ValueError, match="not a consent flag"):
        withdraw_consent(people, ["a"], channels="app_push")
    with pytest.raises(TypeError, match="list-like"):
        withdraw_consent(people, "a")
    with pytest.raises(ValueError, match="customer_id"):
        withdraw_consent(people.drop(columns="customer_id"), ["a"])
    with pytest.raises(ValueError, match="unknown channel"):
        withdraw_consent(people, ["a"], channels="fax")


def test_consented_rule_selects_only_contactable(people):
    from course_lib.analysis.segmentation import rule_mask

    for channel in ("email", "whatsapp", "app_push"):
        rule = consented_rule("age < 40", channel)
        expected = (people["age"] < 40) & contactable(people, channel)
        assert rule_mask(people, rule).tolist() == expected.tolist(), channel
    assert consented_rule(None, "email") == consented_rule("  ", "email") == "consent_email"
    with pytest.raises(TypeError, match="query string"):
        consented_rule({"age": (0, 40)}, "email")


def test_whatsapp_needs_its_own_opt_in():
    """WhatsApp rests on consent_whatsapp, in the package, the ethics file and the simulated campaigns."""
    from course_lib.analysis.privacy import load_sensitive_attributes

    req = channel_requirements()
    assert req["whatsapp"] == "consent_whatsapp"
    assert req["whatsapp"] not in (req["sms"], req["email"], req["app_push"])
    assert load_sensitive_attributes()["channel_consent"]["whatsapp"] == "consent_whatsapp"
    customers = load_customers()
    assert customers["consent_whatsapp"].dtype == bool
    # not a copy of the SMS flag: people with SMS consent but no WhatsApp opt-in exist, and the other way round
    sms, whatsapp = customers["consent_sms"], customers["consent_whatsapp"]
    assert (sms & ~whatsapp).any() and (whatsapp & ~sms).any()
    # the WhatsApp campaign reached only people who opted in to WhatsApp
    on_whatsapp = load_campaigns().query("channel == 'whatsapp'")
    assert len(on_whatsapp)
    for row in on_whatsapp.itertuples():
        audience = customers.query(row.audience_rule) if row.audience_rule else customers
        assert row.reachable == int(audience["consent_whatsapp"].sum()) != int(audience["consent_sms"].sum())
        assert row.reach <= row.reachable


def test_chapters_03_and_12_never_file_whatsapp_under_sms_consent():
    """Text the student reads in chapters 03 and 12 (sources, data files) never puts WhatsApp under SMS consent."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("notebooks/03-*.ipynb"), *root.glob("notebooks/12-*.ipynb"), *root.glob("solutions/03-*.ipynb"),
             *root.glob("solutions/12-*.ipynb"), root / "data/exercises/03-data-for-micromarketing.yaml",
             root / "data/exercises/12-privacy-ethics-and-compliance.yaml", root / "data/questions/data.yaml",
             root / "data/questions/privacy-ethics.yaml", root / "data/flashcards/data.yaml",
             root / "data/flashcards/privacy-ethics.yaml"]
    wrong = re.compile(r"SMS ?/ ?WhatsApp|SMS,? and WhatsApp (share|need|rest)|WhatsApp[^.\n]{0,40}(need|rest)s? "
                       r"(on )?`?consent_sms|also stops WhatsApp|like SMS, need", re.IGNORECASE)
    found = []
    for path in files:
        if path.suffix == ".ipynb":
            texts = ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        else:
            texts = [path.read_text(encoding="utf-8")]
        found += [f"{path.name}: {m.group(0)!r}" for t in texts for m in wrong.finditer(t)]
    assert not found, found
