"""Checks of workbook 15-case-bank-student-account: right answers, typical wrong answers, the placeholder and None.

The expected values are recomputed here with plain pandas and statsmodels (not with the chapter module
course_lib.chapters.ch15_case_bank_student_account or course_lib.analysis.experiments), so a bug in the library or in
the checks shows up as a disagreement.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from course_lib.market.datasets import load_case
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV

NOTEBOOK = "15-case-bank-student-account"
q1, q2, q3 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def case():
    return load_case("bank")


@pytest.fixture(scope="module")
def raw(case) -> pd.DataFrame:
    return case.prospects


def no_repeats(df: pd.DataFrame) -> pd.DataFrame:
    """Independent rule: drop rows with an id number above 6000 that copy a row with a lower id."""
    cols = [c for c in df.columns if c != "prospect_id"]
    num = df["prospect_id"].str[1:].astype(int)
    keys = df[cols].astype("object").fillna("<NA>").apply(tuple, axis=1)
    original = set(keys[num <= 6000])
    return df[~((num > 6000) & keys.isin(original))]


@pytest.fixture(scope="module")
def clean(raw) -> pd.DataFrame:
    d = no_repeats(raw)
    return d[(d["age"] >= 18) & (d["age"] <= 21)]


def z_of(df: pd.DataFrame, col: str = "clicked") -> float:
    g = df.groupby(df["campaign_group"].astype("object"))[col].agg(["sum", "size"])
    z, _ = proportions_ztest([g.loc["targeted", "sum"], g.loc["control_old_ad", "sum"]],
                             [g.loc["targeted", "size"], g.loc["control_old_ad", "size"]])
    return float(z)


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in load_workbook(NOTEBOOK)] == ["q1", "q2", "q3"]
    for ex in (q1, q2, q3):
        assert len(ex.hints) == 2 and ex.topic == "cases"


@pytest.mark.parametrize("check", [q1, q2, q3])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(raw, clean):
    assert len(raw) - len(no_repeats(raw)) == 60  # the case notes: about 1% repeats
    n = len(clean)
    fb = q1.evaluate(n)
    assert fb.status == "correct"
    assert f"{n:,} prospects left" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r, c: len(r), "before cleaning"),
        (lambda r, c: len(no_repeats(r)), "aged 17 or 22-23 are still in"),
        (lambda r, c: int(r["age"].between(18, 21).sum()), "re-imported repeats are still in"),
        (lambda r, c: len(r.drop_duplicates(subset=[x for x in r.columns if x != "prospect_id"])),
         "thousands of different students"),
        (lambda r, c: int(r.drop_duplicates(subset=[x for x in r.columns if x != "prospect_id"])["age"]
                          .between(18, 21).sum()), "thousands of different students"),
        (lambda r, c: len(c.dropna(subset=["stream"])), "stream is missing"),
        (lambda r, c: len(r) - len(c), "number of rows removed"),
        (lambda r, c: c, "use `len(...)`"),
        (lambda r, c: [1, 2], "single number"),
        (lambda r, c: "5990", "should be"),
        (lambda r, c: 5000, "should be"),
    ],
)
def test_q1_wrong_answers(raw, clean, make, fragment):
    fb = q1.evaluate(make(raw, clean))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2


def test_q2_right_answer(case):
    b = case.baseline
    right = b["spend"].sum() / b["accounts_opened"].sum()
    assert 300 < right < 700  # illustrative, a few hundred rupees per account (notebook 15)
    fb = q2.evaluate(right)
    assert fb.status == "correct"
    assert f"₹{right:,.0f}" in fb.message
    assert q2.evaluate(round(right, 2)).status == "correct"  # rounding to paise is fine


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda b: (b["spend"] / b["accounts_opened"]).mean(), "average of the 36"),
        (lambda b: b["spend"].sum() / b["clicks"].sum(), "cost per click"),
        (lambda b: 1000 * b["spend"].sum() / b["impressions"].sum(), "CPM"),
        (lambda b: b["accounts_opened"].sum() / b["spend"].sum(), "upside down"),
        (lambda b: b["spend"] / b["accounts_opened"], "single number"),
        (lambda b: 100.0, "should be"),
    ],
)
def test_q2_wrong_answers(case, make, fragment):
    fb = q2.evaluate(make(case.baseline))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(clean):
    z = z_of(clean)
    assert z > 2
    fb = q3.evaluate(z)
    assert fb.status == "correct"
    assert f"z = {z:.2f}" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r, c: -z_of(c), "sign is flipped"),
        (lambda r, c: z_of(r), "uncleaned list"),
        (lambda r, c: z_of(c[c["stream"].notna()]), "not stated"),
        (lambda r, c: z_of(c, "account_opened"), "tests accounts opened"),
        (lambda r, c: -z_of(c, "account_opened"), "groups swapped"),
        (lambda r, c: [z_of(c)], "single number"),
        (lambda r, c: 1.0, "should be"),
    ],
)
def test_q3_wrong_answers(raw, clean, make, fragment):
    fb = q3.evaluate(make(raw, clean))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q3_whole_result_object_gets_a_hint(clean):
    from course_lib.analysis.experiments import two_proportion_ztest

    g = clean.groupby(clean["campaign_group"].astype("object"))["clicked"].agg(["sum", "size"])
    res = two_proportion_ztest(int(g.loc["control_old_ad", "sum"]), int(g.loc["control_old_ad", "size"]),
                               int(g.loc["targeted", "sum"]), int(g.loc["targeted", "size"]))
    assert math.isclose(res.z, z_of(clean), rel_tol=1e-9)
    fb = q3.evaluate(res)
    assert fb.status == "incorrect" and "`.z`" in fb.message
