"""Checks of workbook 05-rfm-micro-segments: right answers, typical wrong answers, the placeholder and None.

The expected values are recomputed here from the raw rows with plain pandas (not with course_lib.analysis.rfm),
so a bug in the RFM code would show up as a disagreement.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_cdnow, load_transactions
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks.rfm_micro_segments import (
    NOTEBOOK,
    WINBACK_AS_OF,
    WINBACK_DAYS,
    WINBACK_MIN_PURCHASES,
    q1,
    q2,
    q3,
)
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.analysis.rfm import rfm_segments, rfm_table


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow()


@pytest.fixture(scope="module")
def per_customer(cdnow) -> pd.DataFrame:
    return cdnow.groupby("customer_id").agg(n=("date", "size"), spend=("amount", "sum"), last=("date", "max"))


@pytest.fixture(scope="module")
def winback() -> dict:
    tx = load_transactions()
    end = pd.Timestamp(WINBACK_AS_OF)
    seen = tx[tx["date"] <= end]
    per = seen.groupby("customer_id").agg(n=("date", "size"), last=("date", "max"))
    days = (end - per["last"]).dt.days
    latest = tx.groupby("customer_id").agg(n=("date", "size"), last=("date", "max"))
    latest_days = (tx["date"].max() - latest["last"]).dt.days
    return {
        "right": int(((days >= WINBACK_DAYS) & (per["n"] >= WINBACK_MIN_PURCHASES)).sum()),
        "one_off_too": int((days >= WINBACK_DAYS).sum()),
        "strict": int(((days > WINBACK_DAYS) & (per["n"] >= WINBACK_MIN_PURCHASES)).sum()),
        "no_as_of": int(((latest_days >= WINBACK_DAYS) & (latest["n"] >= WINBACK_MIN_PURCHASES)).sum()),
        "customers": len(per),
    }


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3"]
    for ex in (q1, q2, q3):
        assert len(ex.hints) == 2 and ex.topic == "rfm"


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(per_customer):
    share = (per_customer["n"] == 1).mean()
    assert 0.3 < share < 0.7
    fb = q1.evaluate(share)
    assert fb.status == "correct"
    assert f"{share:.1%}" in fb.message
    assert q1.evaluate(float(share)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p, cd: int((p["n"] == 1).sum()), "number of one-off buyers"),
        (lambda p, cd: 100 * (p["n"] == 1).mean(), "percentage"),
        (lambda p, cd: (p["n"] > 1).mean(), "more than once"),
        (lambda p, cd: (p["n"] == 1).sum() / len(cd), "transaction rows"),
        (lambda p, cd: (cd.groupby("customer_id")["date"].nunique() == 1).mean(), "lifetimes"),
        (lambda p, cd: (cd.drop_duplicates().groupby("customer_id").size() == 1).mean(), "dropped identical rows"),
        (lambda p, cd: p["n"] == 1, "should be a single number"),
        (lambda p, cd: "0.5", "should be a single number"),
        (lambda p, cd: 0.4, "should be 0.50"),
    ],
)
def test_q1_wrong_answers(per_customer, cdnow, make, fragment):
    fb = q1.evaluate(make(per_customer, cdnow))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


@pytest.mark.parametrize("check", [q1, q2, q3])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q2


def test_q2_right_answer_matches_an_independent_computation(cdnow):
    # Independent: quintile-rank the raw per-customer values here, then apply the champions rule (R 5, F 4-5).
    seg = rfm_segments(rfm_table(cdnow))
    share = seg.loc[seg["segment"] == "champions", "monetary"].sum() / seg["monetary"].sum()
    per = cdnow.groupby("customer_id").agg(n=("date", "size"), spend=("amount", "sum"), last=("date", "max"))
    rec = (cdnow["date"].max() - per["last"]).dt.days
    r = (-rec).rank(pct=True).mul(5).sub(1e-9).apply(lambda x: max(1, min(5, int(-(-x // 1)))))
    f = per["n"].rank(pct=True).mul(5).sub(1e-9).apply(lambda x: max(1, min(5, int(-(-x // 1)))))
    champs = (r == 5) & (f >= 4)
    assert share == pytest.approx(per.loc[champs, "spend"].sum() / per["spend"].sum())
    fb = q2.evaluate(share)
    assert fb.status == "correct"
    assert "of the revenue" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda s, t: (s["segment"] == "champions").mean(), "share of *customers*"),
        (lambda s, t: 100 * s.loc[s["segment"] == "champions", "monetary"].sum() / t, "percentage"),
        (lambda s, t: s.loc[s["segment"] == "champions", "monetary"].sum(), "in dollars"),
        (lambda s, t: s.loc[s["segment"].isin(["champions", "loyal"]), "monetary"].sum() / t, "added the 'loyal'"),
        (lambda s, t: s.loc[s["segment"] == "loyal", "monetary"].sum() / t, "of the 'loyal' segment"),
        (lambda s, t: s.loc[s["segment"] == "champions", "monetary"].mean() / s["monetary"].mean(), "*average*"),
        (lambda s, t: s.groupby("segment")["monetary"].sum() / t, "should be a single number"),
        (lambda s, t: 0.25, "should be 0.51"),
    ],
)
def test_q2_wrong_answers(cdnow, make, fragment):
    seg = rfm_segments(rfm_table(cdnow))
    fb = q2.evaluate(make(seg, seg["monetary"].sum()))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(winback):
    fb = q3.evaluate(winback["right"])
    assert fb.status == "correct"
    assert f"{winback['right']:,}" in fb.message
    assert f"{winback['one_off_too'] - winback['right']:,} more" in fb.message


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("one_off_too", "one-off buyers"),
        ("strict", f">= {WINBACK_DAYS}"),
        ("no_as_of", f'as_of="{WINBACK_AS_OF}"'),
        ("customers", "every customer"),
    ],
)
def test_q3_wrong_answers(winback, key, fragment):
    assert winback[key] != winback["right"]
    fb = q3.evaluate(winback[key])
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q3_lifetimes_convention_and_other_selections_are_named():
    tx = load_transactions()
    lt = rfm_table(tx, as_of=WINBACK_AS_OF, convention="lifetimes")
    lifetimes_count = int(((lt["recency"] >= WINBACK_DAYS) & (lt["frequency"] >= 1)).sum())
    assert "lifetimes convention" in q3.evaluate(lifetimes_count).message
    std = rfm_table(tx, as_of=WINBACK_AS_OF)
    loyal = int(((std["frequency"] >= 3) & (std["recency"] <= 90)).sum())
    assert "loyalty selection" in q3.evaluate(loyal).message
    ninety = int(((std["recency"] >= 90) & (std["frequency"] >= 2)).sum())
    assert "90-day" in q3.evaluate(ninety).message


def test_q3_a_list_instead_of_a_number(winback):
    ids = pd.Index([f"C{i:05d}" for i in range(winback["right"])])
    assert "right customers" in q3.evaluate(pd.DataFrame(index=ids)).message
    assert "single number" in q3.evaluate(list(range(3))).message
