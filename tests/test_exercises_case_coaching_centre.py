"""Checks of workbook 13-case-coaching-centre: right answers, typical wrong answers, the placeholder and None.

The expected values are recomputed here with plain pandas (no course_lib.analysis.cleaning, no assign_segments), so a
bug in the library or in the checks shows up as a disagreement.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_case
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV

NOTEBOOK = "13-case-coaching-centre"
q1, q2, q3 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def case():
    return load_case("coaching")


@pytest.fixture(scope="module")
def enquiries(case) -> pd.DataFrame:
    return case.enquiries


@pytest.fixture(scope="module")
def clean(enquiries) -> pd.DataFrame:
    cols = [c for c in enquiries.columns if c != "enquiry_id"]
    return enquiries[~enquiries[cols].astype("object").duplicated()]


def segment_of(df: pd.DataFrame) -> pd.Series:
    """Independent segment rules, written from the case story."""
    cls = df["class_level"].astype("object")
    stream = df["stream"].astype("object")
    seg = pd.Series("other", index=df.index)
    seg[(stream == "commerce") & cls.isin(["class_11", "class_12"])] = "commerce_switch"
    seg[cls == "drop_year"] = "drop_year"
    seg[(cls == "class_11") & (stream == "science")] = "class_11_science"
    return seg


def rates(df: pd.DataFrame) -> pd.Series:
    return df["enrolled"].groupby(segment_of(df)).mean()


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


def test_q1_right_answer(enquiries, clean):
    n = len(clean)
    assert 0.97 * len(enquiries) < n < len(enquiries)
    fb = q1.evaluate(n)
    assert fb.status == "correct"
    assert f"{n:,} left" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e, c: len(e), "new* `enquiry_id`"),
        (lambda e, c: len(e.drop_duplicates()), "new* `enquiry_id`"),
        (lambda e, c: len(e) - len(c), "number of duplicate rows removed"),
        (lambda e, c: int((~e.drop(columns="enquiry_id").duplicated(keep=False)).sum()), "keep=False"),
        (lambda e, c: len(c.dropna()), "missing value"),
        (lambda e, c: len(e.dropna()), "instead of removing repeats"),
        (lambda e, c: len(c[(c["age"] >= 13) & (c["age"] <= 30)]), "impossible age"),
        (lambda e, c: c, "use `len(...)`"),
        (lambda e, c: list(range(5)), "single number"),
        (lambda e, c: "2397", "single number"),
        (lambda e, c: 2000, "should be"),
    ],
)
def test_q1_wrong_answers(enquiries, clean, make, fragment):
    fb = q1.evaluate(make(enquiries, clean))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2


def test_q2_right_answer(clean):
    right = rates(clean)
    assert right.idxmax() == "drop_year" and right.idxmin() == "other"
    fb = q2.evaluate(right)
    assert fb.status == "correct"
    assert "drop year" in fb.message
    assert q2.evaluate(right.sample(frac=1, random_state=0)).status == "correct"  # order does not matter


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e, c: c["enrolled"].groupby(segment_of(c)).sum(), "numbers of enrolments"),
        (lambda e, c: c["enrolled"].groupby(segment_of(c)).size(), "numbers of enquiries"),
        (lambda e, c: 100 * rates(c), "percentages"),
        (lambda e, c: rates(e), "duplicates are still in"),
        (lambda e, c: rates(c.dropna()), "dropped rows with a missing value"),
        (lambda e, c: rates(c).drop("other"), "missing the segment 'other'"),
        (lambda e, c: rates(c).to_numpy(), "without labels"),
        (lambda e, c: c.assign(segment=segment_of(c)).groupby("segment")[["enrolled", "age"]].mean(), "Series"),
        (lambda e, c: rates(c) * 0 + 0.2, "values in `enrol_rate` are not right"),
    ],
)
def test_q2_wrong_answers(enquiries, clean, make, fragment):
    fb = q2.evaluate(make(enquiries, clean))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(case):
    ads = case.ad_results
    t = ads[ads["creative_type"] == "tailored"]
    right = pd.Series(t["spend"].to_numpy() / t["enrolments"].to_numpy(), index=t["segment"].to_numpy())
    assert right.idxmin() == "drop_year"
    fb = q3.evaluate(right)
    assert fb.status == "correct"
    assert f"₹{right.min():,.0f}" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda t, g, a: t["spend"] / t["enquiries"], "cost per *enquiry*"),
        (lambda t, g, a: t["enrolments"] / t["spend"], "enrolments by spend"),
        (lambda t, g, a: g["spend"] / g["enrolments"], "generic creative"),
        (lambda t, g, a: a.groupby("segment")["spend"].sum() / a.groupby("segment")["enrolments"].sum(),
         "both creatives"),
        (lambda t, g, a: t["revenue"] / t["spend"], "ROAS"),
        (lambda t, g, a: (t["spend"] / t["enrolments"]).reset_index(drop=True), "labels are not the segments"),
    ],
)
def test_q3_wrong_answers(case, make, fragment):
    ads = case.ad_results
    t = ads[ads["creative_type"] == "tailored"].set_index("segment")
    g = ads[ads["creative_type"] == "generic"].set_index("segment")
    fb = q3.evaluate(make(t, g, ads))
    assert fb.status == "incorrect"
    assert fragment in fb.message
