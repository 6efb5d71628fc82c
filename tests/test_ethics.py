"""Tests of the targeting-plan audit (course_lib.analysis.privacy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.analysis.privacy import (
    SENSITIVE_ATTRIBUTES_FILE,
    audit_targeting_plan,
    load_sensitive_attributes,
    sensitive_columns,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 400
    return pd.DataFrame({
        "customer_id": np.arange(n),
        "age": rng.integers(18, 75, n),
        "gender": rng.choice(["F", "M"], n),
        "income_band": rng.choice(["low", "mid", "high"], n),
        "neighbourhood": rng.choice(["Indiranagar", "Jayanagar"], n),
        "apartment_complex": rng.choice(["Prestige", "Sobha", "Brigade"], n),
        "religion": rng.choice(["r1", "r2", "r3"], n),
        "consent_email": rng.random(n) < 0.7,
        "consent_sms": rng.random(n) < 0.5,
        "consent_ads": np.ones(n, dtype=bool),
    })


def _checks(findings: pd.DataFrame, segment: str) -> list[tuple[str, str]]:
    sub = findings[findings["segment"] == segment]
    return list(zip(sub["severity"], sub["check"]))


def test_data_file_is_valid_and_complete() -> None:
    spec = yaml.safe_load(SENSITIVE_ATTRIBUTES_FILE.read_text())
    names = {c["name"] for c in spec["categories"]}
    assert {"gender", "religion", "caste", "health", "ethnicity", "sexual orientation"} <= names
    assert spec["channel_consent"]["email"] == "consent_email"
    assert load_sensitive_attributes()["channel_consent"] == spec["channel_consent"]


@pytest.mark.parametrize(
    ("column", "category"),
    [("gender", "gender"), ("Customer Gender", "gender"), ("religion", "religion"), ("caste_group", "caste"),
     ("health_condition", "health"), ("is_pregnant", "health"), ("age", "age"),
     ("credit_score", "financial vulnerability")],
)
def test_sensitive_columns_detected(column: str, category: str) -> None:
    found = sensitive_columns([column])
    assert found["category"].tolist() == [category]


@pytest.mark.parametrize("column", ["income_band", "neighbourhood", "sussex_office", "page", "usage", "spend"])
def test_harmless_columns_not_flagged(column: str) -> None:
    assert sensitive_columns([column]).empty


def test_clean_plan_has_no_findings(customers: pd.DataFrame) -> None:
    plan = [{"segment": "premium ads", "rule": {"income_band": ["mid", "high"]}, "channel": "ads"}]
    findings = audit_targeting_plan(plan, customers)
    assert list(findings.columns) == ["severity", "check", "segment", "message"]
    assert findings.empty
    passed = audit_targeting_plan(plan, customers, include_passed=True)
    assert set(passed["severity"]) == {"ok"}
    assert {"sensitive attribute", "k-anonymity", "consent"} <= set(passed["check"])


def test_each_check_fires(customers: pd.DataFrame) -> None:
    plan = pd.DataFrame([
        {"segment": "women 25-35", "rule": "gender == 'F' and age >= 25 and age <= 35", "channel": "ads"},
        {"segment": "one building", "rule": {"apartment_complex": "Prestige", "age": (70, None),
                                            "neighbourhood": "Jayanagar"}, "channel": "ads"},
        {"segment": "email blast", "rule": None, "channel": "email"},
        {"segment": "faith", "rule": {"religion": "r1"}, "channel": "ads"},
        {"segment": "pigeon", "rule": None, "channel": "carrier pigeon"},
    ])
    findings = audit_targeting_plan(plan, customers, k=20)
    women = _checks(findings, "women 25-35")
    assert ("high", "sensitive attribute") in women and ("medium", "sensitive attribute") in women
    assert ("medium", "exclusion disparity") in women  # selects no men at all
    small = int(((customers["apartment_complex"] == "Prestige") & (customers["age"] >= 70)
                 & (customers["neighbourhood"] == "Jayanagar")).sum())
    assert 0 < small < 20
    assert ("high", "k-anonymity") in _checks(findings, "one building")
    msg = findings.query("segment == 'one building' and check == 'k-anonymity'")["message"].iloc[0]
    assert f"only {small} people" in msg
    no_consent = int((~customers["consent_email"]).sum())
    email = findings.query("segment == 'email blast' and check == 'consent'")
    assert email["severity"].tolist() == ["high"]
    assert email["message"].iloc[0].startswith(f"{no_consent} of {len(customers)} people")
    assert ("high", "sensitive attribute") in _checks(findings, "faith")
    assert ("medium", "consent") in _checks(findings, "pigeon")
    order = findings["severity"].map({"high": 0, "medium": 1, "low": 2}).tolist()
    assert order == sorted(order)


def test_disparity_threshold(customers: pd.DataFrame) -> None:
    # Pick 50 % of women and 30 % of men: ratio 0.6 is flagged at 0.8 but not at 0.5.
    cust = customers.copy()
    rng = np.random.default_rng(0)
    p = np.where(cust["gender"] == "F", 0.5, 0.3)
    cust["picked"] = rng.random(len(cust)) < p
    rates = cust.groupby("gender")["picked"].mean()
    ratio = rates.min() / rates.max()
    assert 0.5 < ratio < 0.8
    plan = [{"segment": "s", "rule": {"picked": True}, "channel": "ads"}]
    flagged = audit_targeting_plan(plan, cust, groups={"gender": None})
    assert flagged["check"].tolist() == ["exclusion disparity"]
    assert f"ratio {ratio:.2f}" in flagged["message"].iloc[0]
    assert audit_targeting_plan(plan, cust, groups={"gender": None}, disparity_threshold=0.5).empty


def test_consent_missing_column_and_audit_does_not_mutate(customers: pd.DataFrame) -> None:
    before = customers.copy()
    plan = [{"segment": "sms", "rule": None, "channel": "SMS"}]
    audit_targeting_plan(plan, customers)
    pd.testing.assert_frame_equal(customers, before)
    out = audit_targeting_plan(plan, customers.drop(columns="consent_sms"))
    assert out.query("check == 'consent'")["message"].iloc[0].startswith("customers has no 'consent_sms'")
    with pytest.raises(TypeError, match="consent_sms"):
        audit_targeting_plan(plan, customers.assign(consent_sms="yes"))


@pytest.mark.parametrize(
    ("plan", "exc", "words"),
    [
        ("segment = all", TypeError, "plan"),
        ([{"segment": "a", "rule": None}], ValueError, "'channel'"),
        ([{"segment": "a", "rule": "height > 2", "channel": "ads"}], ValueError, "height"),
        ([{"segment": "a", "rule": None, "channel": "ads"}] * 2, ValueError, "duplicate"),
        ([{"segment": None, "rule": None, "channel": "ads"}], ValueError, "'segment'"),
    ],
)
def test_bad_plans(customers: pd.DataFrame, plan, exc, words) -> None:
    with pytest.raises(exc, match=words):
        audit_targeting_plan(plan, customers)


def test_bad_arguments(customers: pd.DataFrame) -> None:
    plan = [{"segment": "a", "rule": None, "channel": "ads"}]
    with pytest.raises(ValueError, match="k"):
        audit_targeting_plan(plan, customers, k=0)
    with pytest.raises(ValueError, match="disparity_threshold"):
        audit_targeting_plan(plan, customers, disparity_threshold=2)
    with pytest.raises(ValueError, match="customers is empty"):
        audit_targeting_plan(plan, customers.iloc[:0])


# --- channel names and the push fix -------------------------------------------------------------


def test_channel_map_agrees_with_the_simulator_and_consent_module() -> None:
    """Every simulator channel needs the same flag in the audit as in course_lib.analysis.consent (market.yaml)."""
    from course_lib.analysis.consent import channel_requirements

    audit_map = load_sensitive_attributes()["channel_consent"]
    for channel, flag in channel_requirements().items():
        assert audit_map.get(channel) == flag, channel
    # push notifications reach app users; an SMS consent does not make someone reachable by push
    assert audit_map["push"] == audit_map["app_push"] == "app_user"


def test_app_push_audit_counts_people_without_the_app(customers: pd.DataFrame) -> None:
    cust = customers.assign(app_user=np.arange(len(customers)) % 4 == 0, consent_sms=True)
    no_app = int((~cust["app_user"]).sum())
    for channel in ("app_push", "push"):
        found = audit_targeting_plan([{"segment": "all", "rule": None, "channel": channel}], cust)
        consent = found.query("check == 'consent'")
        assert consent["severity"].tolist() == ["high"], channel
        # independent count: everyone without the app, whatever their SMS consent
        assert consent["message"].iloc[0].startswith(f"{no_app} of {len(cust)} people"), channel
        assert "cannot be reached on" in consent["message"].iloc[0] and "app_user" in consent["message"].iloc[0]
    only_app = audit_targeting_plan([{"segment": "app", "rule": "app_user", "channel": "app_push"}], cust)
    assert only_app.query("check == 'consent'").empty
    # the simulator's ad channel names are known too (no "no consent flag is known" finding)
    ads = audit_targeting_plan([{"segment": "s", "rule": None, "channel": "social_ads"}], customers)
    assert ads.query("check == 'consent'").empty


@pytest.mark.parametrize(
    ("column", "category"),
    [("family_status", "marital or family status"), ("life_event", "life event"), ("lat", "precise location"),
     ("home_longitude", "precise location")],
)
def test_course_table_columns_detected(column: str, category: str) -> None:
    assert sensitive_columns([column])["category"].tolist() == [category]


@pytest.mark.parametrize("column", ["latest_order", "london_store", "translation", "pin_code", "acquired_on"])
def test_location_words_do_not_overmatch(column: str) -> None:
    assert sensitive_columns([column]).empty


def test_tiny_selection_rates_are_not_shown_as_zero() -> None:
    # 3 of 1,000 women and 0 of 1,000 men: the women's rate is 0.30%, not "0%"
    cust = pd.DataFrame({"gender": ["F"] * 1000 + ["M"] * 1000, "picked": [True] * 3 + [False] * 1997,
                         "consent_ads": True})
    found = audit_targeting_plan([{"segment": "s", "rule": "picked", "channel": "ads"}], cust, k=2,
                                 groups={"gender": None})
    msg = found.query("check == 'exclusion disparity'")["message"].iloc[0]
    assert "selects 0% of M but 0.30% of F" in msg, msg
