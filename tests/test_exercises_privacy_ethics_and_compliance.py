"""Checks of the 12-privacy-ethics-and-compliance workbook: right answers, typical wrong ones, blanks.

Expected values are recomputed here with plain pandas (never answers()).
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.chapters import ch12_privacy_ethics_and_compliance as ch12
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_customers, load_transactions

NOTEBOOK = "12-privacy-ethics-and-compliance"
FLAGS = ["consent_email", "consent_sms", "consent_whatsapp", "consent_ads"]
RULE = "pin_code in ['441108', '440010', '440001']"
q1, q2, q3 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return load_transactions()


def _stop(customers):
    return customers["customer_id"].str[1:].astype(int) % 40 == 0


def test_registered():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("ex", [q1, q2, q3], ids=lambda e: e.id)
def test_placeholder_none_hints_and_solution(ex, capsys):
    assert ex.evaluate(____).status == "not_attempted"
    fb = ex.evaluate(None)
    assert fb.status == "incorrect" and "is None" in fb.message
    assert len(ex.hints) == 2
    ex.solution()
    assert "one way to do it" in capsys.readouterr().out


def test_stop_list_mixes_consenting_and_already_opted_out(customers):
    stop = customers.loc[_stop(customers), "customer_id"]
    assert stop.head(2).tolist() == ["C00040", "C00080"]
    flags = customers.loc[_stop(customers), "consent_sms"]
    assert flags.any() and (~flags).any()  # so that "subtract every STOP reply" is a detectable mistake


def test_q1_right_and_wrong(customers):
    sms, stop = customers["consent_sms"], _stop(customers)
    right = int((sms & ~stop).sum())
    fb = q1.evaluate(right)
    assert fb.status == "correct" and f"removed {int((sms & stop).sum()):,} of them" in fb.message
    for value, fragment in [
        (int(sms.sum()), "before"),
        (int(sms.sum()) - int(stop.sum()), "already opted out"),
        (int(customers["consent_email"].sum()), "e-mail consent"),
        (int(stop.sum()), "number of STOP replies"),
        (int((sms & stop).sum()), "removed"),
        (len(customers) - right, "may NOT"),
        (right / len(customers), "share"),
        (100 * right / len(customers), "percentage"),
        (sms & ~stop, "whole table or column"),
        (right + 1, "should be"),
    ]:
        fb = q1.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)


def _kept(customers, transactions, months=12, how="all"):
    flags = customers[FLAGS]
    off = ~flags.any(axis=1) if how == "all" else ~flags.all(axis=1)
    recent = transactions["date"] >= pd.Timestamp("2025-12-31") - pd.DateOffset(months=months)
    return transactions[recent & ~transactions["customer_id"].isin(customers.loc[off, "customer_id"])]


def test_q2_right_and_wrong(customers, transactions):
    kept = _kept(customers, transactions)
    fb = q2.evaluate(len(kept))
    assert fb.status == "correct" and f"keeps {len(kept):,} of {len(transactions):,}" in fb.message
    recent = transactions["date"] >= pd.Timestamp("2024-12-31")
    for value, fragment in [
        (int(recent.sum()), "only the 12-month rule"),
        (len(_kept(customers, transactions, months=10_000)), "only the consent rule"),
        (len(transactions) - len(kept), "removes"),
        (len(_kept(customers, transactions, how="any")), "ALL marketing consent"),
        (len(_kept(customers, transactions, months=18)), "18 months"),
        (len(_kept(customers, transactions, months=6)), "6 months"),
        (int((~recent).sum()), "older than 12 months"),
        (kept, "table of kept rows"),
        (transactions[~recent], "use `len(...)`"),
    ]:
        fb = q2.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)


def _rates(customers, by="income_band"):
    return customers.eval(RULE).groupby(customers[by].astype(str)).mean()


def test_q3_right_and_wrong(customers):
    rates = _rates(customers)
    right = rates.min() / rates.max()
    assert 0 < right < 0.8
    assert q3.evaluate(right).status == "correct"
    assert q3.evaluate(round(right, 3)).status == "correct"  # rounding to 3 decimals is fine
    counts = customers.eval(RULE).groupby(customers["income_band"].astype(str)).sum()
    gender = _rates(customers, "gender")
    for value, fragment in [
        (1 / right, "upside down"),
        (counts.min() / counts.max(), "RATES"),
        (100 * right, "percentage"),
        (gender.min() / gender.max(), "genders"),
        (rates.min(), "lowest selection rate itself"),
        ("0.36", "single number"),
    ]:
        fb = q3.evaluate(value)
        assert fb.status == "incorrect", value
        assert fragment in fb.message, (fragment, fb.message)


def test_expected_values_follow_the_data(monkeypatch, customers):
    """Change the data: the right answer follows it (nothing hard-coded)."""
    changed = customers.assign(pin_code="440010", consent_sms=False)  # the rule now selects everyone
    monkeypatch.setattr(ch12, "load_customers", lambda: changed)
    n1, _, n3 = load_workbook(NOTEBOOK)
    assert n3.evaluate(1.0).status == "correct"
    rates = _rates(customers)
    assert n3.evaluate(rates.min() / rates.max()).status == "incorrect"
    assert n1.evaluate(0).status == "correct"
