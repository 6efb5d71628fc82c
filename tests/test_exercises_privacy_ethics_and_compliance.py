"""Checks of the 12-privacy-ethics-and-compliance workbook, with right answers and typical mistakes."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.analysis.consent import contactable, withdraw_consent
from course_lib.market.datasets import load_customers, load_transactions
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import privacy_ethics_and_compliance as pe
from course_lib.analysis.privacy import apply_retention, disparity_ratio, reach_by_group
from course_lib.learning.progress import PROGRESS_ENV

FLAGS = ["consent_email", "consent_sms", "consent_ads"]


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers():
    return load_customers()


@pytest.fixture(scope="module")
def transactions():
    return load_transactions()


def test_registered():
    assert [ex.id for ex in workbook_exercises("12-privacy-ethics-and-compliance")] == ["q1", "q2", "q3"]


def test_stop_list_mixes_consenting_and_already_opted_out(customers):
    stop = pe.stop_replies(customers)
    assert stop[:2] == ["C00040", "C00080"] and len(stop) == len(customers) // pe.STOP_EVERY
    flags = customers.set_index("customer_id").loc[stop, "consent_sms"]
    assert flags.any() and (~flags).any()  # so that "subtract every STOP reply" is a detectable mistake


def test_q1_right_and_wrong(customers):
    stop = pe.stop_replies(customers)
    updated = withdraw_consent(customers, stop, channels="sms")
    right = int(contactable(updated, "whatsapp").sum())
    assert pe.q1.evaluate(right).status == "correct"
    sms = customers["consent_sms"]
    in_stop = customers["customer_id"].isin(stop)
    for value, fragment in [
        (int(sms.sum()), "before"),
        (int(sms.sum()) - len(stop), "already opted out"),
        (int(customers["consent_email"].sum()), "e-mail consent"),
        (len(stop), "number of STOP replies"),
        (int((sms & in_stop).sum()), "removed"),
        (len(customers) - right, "may NOT"),
        (right / len(customers), "share"),
        (contactable(updated, "whatsapp"), "whole table or column"),
        (None, "is None"),
        (right + 1, "should be"),
    ]:
        fb = pe.q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert pe.q1.evaluate(____).status == "not_attempted"


def _withdrawn(customers, how="all"):
    flags = customers[FLAGS]
    off = ~flags.any(axis=1) if how == "all" else ~flags.all(axis=1)
    return customers.loc[off, "customer_id"]


def test_q2_right_and_wrong(customers, transactions):
    res = apply_retention(transactions, date="date", as_of="2025-12-31", months=12, withdrawn=_withdrawn(customers))
    right = len(res.kept)
    assert pe.q2.evaluate(right).status == "correct"
    only_age = apply_retention(transactions, date="date", as_of="2025-12-31", months=12)
    any_off = apply_retention(transactions, date="date", as_of="2025-12-31", months=12,
                              withdrawn=_withdrawn(customers, "any"))
    longer = apply_retention(transactions, date="date", as_of="2025-12-31", months=18,
                             withdrawn=_withdrawn(customers))
    for value, fragment in [
        (len(only_age.kept), "only the 12-month rule"),
        (int((~transactions["customer_id"].isin(_withdrawn(customers))).sum()), "only the consent rule"),
        (len(res.removed), "removes"),
        (len(any_off.kept), "ALL marketing consent"),
        (len(longer.kept), "18 months"),
        (res.kept, "len(...)"),
        (None, "is None"),
    ]:
        fb = pe.q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert pe.q2.evaluate(____).status == "not_attempted"


def test_q3_right_and_wrong(customers):
    right = disparity_ratio(customers, pe.AFFLUENT_PINS_RULE, "income_band")
    assert 0 < right < 0.8
    assert pe.q3.evaluate(right).status == "correct"
    assert pe.q3.evaluate(round(right, 3)).status == "correct"  # rounding to 3 decimals is fine
    table = reach_by_group(customers, pe.AFFLUENT_PINS_RULE, "income_band")
    for value, fragment in [
        (1 / right, "upside down"),
        (table["selected"].min() / table["selected"].max(), "RATES"),
        (100 * right, "percentage"),
        (disparity_ratio(customers, pe.AFFLUENT_PINS_RULE, "gender"), "genders"),
        (table["selection_rate"].min(), "lowest selection rate itself"),
        ("0.36", "single number"),
        (None, "is None"),
    ]:
        fb = pe.q3.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)
    assert pe.q3.evaluate(____).status == "not_attempted"


def test_q3_expected_value_follows_the_data(monkeypatch, customers):
    """Change the data: the right answer follows it (nothing hard-coded)."""
    changed = customers.copy()
    changed["pin_code"] = pd.Categorical(["440010"] * len(changed))  # the rule now selects everyone
    monkeypatch.setattr(pe, "_customers", lambda: changed)
    assert pe.q3.evaluate(1.0).status == "correct"
    assert pe.q3.evaluate(disparity_ratio(customers, pe.AFFLUENT_PINS_RULE, "income_band")).status == "incorrect"
