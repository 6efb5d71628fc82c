"""Checks of workbook 05-rfm-micro-segments: right answers, typical wrong answers, the placeholder and None.

The expected values are recomputed here from the raw rows with plain pandas (not with course_lib.analysis.rfm
nor with the chapter module's answers()), so a bug in either would show up as a disagreement.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.base.content import read_yaml
from course_lib.learning.exercises import SPECS_DIR, ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_cdnow, load_transactions

NOTEBOOK = "05-rfm-micro-segments"
CONSTANTS = read_yaml(SPECS_DIR / f"{NOTEBOOK}.yaml")["constants"]
AS_OF, DAYS, MIN_PURCHASES = CONSTANTS["winback_as_of"], CONSTANTS["winback_days"], CONSTANTS["winback_min_purchases"]
q1, q2, q3 = load_workbook(NOTEBOOK)


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
def segments(cdnow, per_customer) -> pd.DataFrame:
    """R and F quintile scores (ties averaged) and the champions rule (R 5, F 4-5), written out here."""
    recency = (cdnow["date"].max() - per_customer["last"]).dt.days

    def score(values):
        return values.rank(pct=True).mul(5).sub(1e-9).apply(lambda x: max(1, min(5, int(-(-x // 1)))))

    r, f = score(-recency), score(per_customer["n"])
    segment = pd.Series("other", index=per_customer.index)
    segment[(r.between(3, 4)) & (f >= 4)] = "loyal"
    segment[(r == 5) & (f >= 4)] = "champions"
    return per_customer.assign(segment=segment)


@pytest.fixture(scope="module")
def winback() -> dict:
    tx = load_transactions()
    end = pd.Timestamp(AS_OF)
    seen = tx[tx["date"] <= end]
    per = seen.groupby("customer_id").agg(n=("date", "size"), last=("date", "max"), first=("date", "min"),
                                          days=("date", "nunique"))
    days = (end - per["last"]).dt.days
    latest = tx.groupby("customer_id").agg(n=("date", "size"), last=("date", "max"))
    latest_days = (tx["date"].max() - latest["last"]).dt.days
    lifetimes_recency = (per["last"] - per["first"]).dt.days  # first to last purchase day
    return {
        "right": int(((days >= DAYS) & (per["n"] >= MIN_PURCHASES)).sum()),
        "one_off_too": int((days >= DAYS).sum()),
        "strict": int(((days > DAYS) & (per["n"] >= MIN_PURCHASES)).sum()),
        "no_as_of": int(((latest_days >= DAYS) & (latest["n"] >= MIN_PURCHASES)).sum()),
        "customers": len(per),
        "lifetimes": int(((lifetimes_recency >= DAYS) & (per["days"] >= 2)).sum()),
        "loyal": int(((per["n"] >= 3) & (days <= 90)).sum()),
        "ninety": int(((days >= 90) & (per["n"] >= MIN_PURCHASES)).sum()),
    }


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3"]
    for ex in (q1, q2, q3):
        assert len(ex.hints) == 2 and ex.topic == "rfm"
    assert f'as_of="{AS_OF}"' in q3.hints[1]


@pytest.mark.parametrize("check", [q1, q2, q3])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(per_customer):
    share = (per_customer["n"] == 1).mean()
    fb = q1.evaluate(share)
    assert fb.status == "correct"
    assert f"{share:.1%} of the cohort" in fb.message
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
        (lambda p, cd: p["n"] == 1, "Reduce it to one number"),
        (lambda p, cd: "0.5", "should be a single number"),
        (lambda p, cd: 0.4, "should be 0.50"),
    ],
)
def test_q1_wrong_answers(per_customer, cdnow, make, fragment):
    fb = q1.evaluate(make(per_customer, cdnow))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2


def test_q2_right_answer(segments):
    champions = segments["segment"] == "champions"
    share = segments.loc[champions, "spend"].sum() / segments["spend"].sum()
    fb = q2.evaluate(share)
    assert fb.status == "correct"
    assert f"{champions.mean():.0%} of the customers bring {share:.0%} of the revenue" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda s, t: (s["segment"] == "champions").mean(), "share of *customers*"),
        (lambda s, t: 100 * s.loc[s["segment"] == "champions", "spend"].sum() / t, "percentage"),
        (lambda s, t: s.loc[s["segment"] == "champions", "spend"].sum(), "in dollars"),
        (lambda s, t: s.loc[s["segment"].isin(["champions", "loyal"]), "spend"].sum() / t, "added the 'loyal'"),
        (lambda s, t: s.loc[s["segment"] == "loyal", "spend"].sum() / t, "of the 'loyal' segment"),
        (lambda s, t: s.loc[s["segment"] == "champions", "spend"].mean() / s["spend"].mean(), "*average*"),
        (lambda s, t: s.groupby("segment")["spend"].sum() / t, "Reduce it to one number"),
        (lambda s, t: 0.25, "should be 0.51"),
    ],
)
def test_q2_wrong_answers(segments, make, fragment):
    fb = q2.evaluate(make(segments, segments["spend"].sum()))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(winback):
    fb = q3.evaluate(winback["right"])
    assert fb.status == "correct"
    assert f"{winback['right']:,} former regulars" in fb.message
    assert f"({winback['one_off_too'] - winback['right']:,} more)" in fb.message


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("one_off_too", "one-off buyers"),
        ("strict", f">= {DAYS}"),
        ("no_as_of", f'as_of="{AS_OF}"'),
        ("customers", "every customer"),
        ("lifetimes", "lifetimes convention"),
        ("loyal", "loyalty selection"),
        ("ninety", "90-day"),
    ],
)
def test_q3_wrong_answers(winback, key, fragment):
    assert winback[key] != winback["right"]
    fb = q3.evaluate(winback[key])
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q3_a_list_instead_of_a_number(winback):
    ids = pd.Index([f"C{i:05d}" for i in range(winback["right"])])
    assert "right customers" in q3.evaluate(pd.DataFrame(index=ids)).message
    assert "Reduce it to one number" in q3.evaluate(list(range(3))).message
