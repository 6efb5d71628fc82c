"""Checks of workbook 09-campaign-building-blocks-and-metrics: right answers, typical wrong answers, placeholder, None.

The expected values are rebuilt here independently: the link by hand with urllib, the CPA with plain pandas sums,
the match rate with hashlib on addresses normalised here (only the simulated platform comes from course_lib).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pandas as pd
import pytest

from course_lib.chapters.ch09_campaign_building_blocks_and_metrics import demo_contacts, simulated_platform
from course_lib.learning.exercises import ____, load_workbook
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_campaigns, load_customers

NOTEBOOK = "09-campaign-building-blocks-and-metrics"
CONTACT_SEED = 9
q1, q2, q3 = load_workbook(NOTEBOOK)

BASE = "https://shop.example.com/offers"
RIGHT = {"utm_source": "social_network", "utm_medium": "paid_social", "utm_campaign": "diwali_micro_2025",
         "utm_content": "campus_deals", "utm_term": "students"}


def link(**changes) -> str:
    params = {**RIGHT, **changes}
    return BASE + "?" + urlencode({k: v for k, v in params.items() if v is not None})


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in load_workbook(NOTEBOOK)] == ["q1", "q2", "q3"]
    for ex in (q1, q2, q3):
        assert len(ex.hints) == 2
    assert {q1.topic, q2.topic, q3.topic} == {"campaign-elements", "metrics"}


@pytest.mark.parametrize("check", [q1, q2, q3])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1


def test_q1_right_answer_in_any_parameter_order():
    fb = q1.evaluate(link())
    assert fb.status == "correct" and "credited to the Students line" in fb.message
    reordered = BASE + "?" + urlencode(dict(reversed(list(RIGHT.items()))))
    assert q1.evaluate(reordered).status == "correct"
    assert q1.evaluate("  " + link() + " ").status == "correct"


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (link(utm_source="paid_social", utm_medium="social_network"), "swapped"),
        (link(utm_content=None), "`utm_content` is missing"),
        (link(utm_term=None), "`utm_term` is missing"),
        (link(utm_campaign="Diwali Micro 2025"), "capitals or spaces"),
        (link(utm_content="Campus_Deals"), "capitals or spaces"),
        (link(utm_campaign="diwali_2025"), "not the campaign's name"),
        (link(utm_campaign="diwali_mass_sale_2025"), "not the campaign's name"),
        (link(utm_source="newsletter"), "source of email"),
        (link(utm_medium="cpc"), "convention for social ads"),
        (link(utm_content="gadget_launch"), "not the creative"),
        (link(utm_term="tech_interest_under_35"), "should name the segment"),
        ("?" + urlencode(RIGHT), "no landing page"),
        (urlencode(RIGHT), "no landing page"),
        ("https://shop.example.com/home?" + urlencode(RIGHT), "landing page is"),
        (BASE, "no UTM parameters"),
        (BASE + "?UTM_SOURCE=social_network", "lowercase"),
        (link(utm_id="x"), "not one of the five"),
        (42, "should be the link as text"),
    ],
)
def test_q1_wrong_answers(answer, fragment):
    fb = q1.evaluate(answer)
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2


@pytest.fixture(scope="module")
def diwali() -> pd.DataFrame:
    log = load_campaigns()
    rows = log[log["campaign"].astype(str).isin(["Diwali mass sale 2025", "Diwali micro 2025"])]
    return rows.assign(segment=rows["segment"].astype(str))


def test_q2_right_answer(diwali):
    sums = diwali.groupby("segment")[["spend", "conversions"]].sum()
    right = sums["spend"] / sums["conversions"]
    assert len(right) == 5
    fb = q2.evaluate(right)
    assert fb.status == "correct"
    assert f"₹{right.min():,.0f}" in fb.message
    # a categorical index, another order and a one-column frame are fine too
    cat = right.set_axis(pd.CategoricalIndex(right.index)).iloc[::-1]
    assert q2.evaluate(cat).status == "correct"
    assert q2.evaluate(right.to_frame("cpa")).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda d: d.groupby("segment")["budget"].sum() / d.groupby("segment")["conversions"].sum(), "*budget*"),
        (lambda d: (d["spend"] / d["conversions"]).groupby(d["segment"]).mean(), "averaged the CPAs"),
        (lambda d: d.groupby("segment")["conversions"].sum() / d.groupby("segment")["spend"].sum(), "conversions per"),
        (lambda d: d.groupby("segment")["spend"].sum() / d.groupby("segment")["clicks"].sum(), "cost per *click*"),
        (lambda d: d.groupby("segment")["spend"].sum(), "are not right"),
        (lambda d: (lambda m: m.groupby("segment")["spend"].sum() / m.groupby("segment")["conversions"].sum())(
            d[d["campaign"].astype(str) == "Diwali micro 2025"]), "only the segments of the micro campaign"),
        (lambda d: d["spend"].sum() / d["conversions"].sum(), "all six lines together"),
        (lambda d: (d["spend"] / d["conversions"]).to_numpy(), "without labels"),
    ],
)
def test_q2_wrong_answers(diwali, make, fragment):
    fb = q2.evaluate(make(diwali))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def students() -> dict:
    customers = load_customers()
    contacts = demo_contacts(customers, seed=CONTACT_SEED)
    platform = set(simulated_platform(customers, contacts, seed=CONTACT_SEED))
    people = customers[["customer_id", "is_student", "consent_ads"]].merge(contacts, on="customer_id")
    chosen = people[people["is_student"] & people["consent_ads"]]

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    clean = chosen["email"].map(lambda e: sha(e.strip().lower())).drop_duplicates()
    raw = chosen["email"].map(sha).drop_duplicates()
    matched = int(clean.isin(platform).sum())
    every = people.loc[people["is_student"], "email"].map(lambda e: sha(e.strip().lower())).drop_duplicates()
    return {"no_consent": float(every.isin(platform).mean()), "right": matched / len(clean), "raw": float(raw.isin(platform).mean()), "matched": matched,
            "uploaded": len(clean), "selected": int(people["is_student"].sum())}


def test_q3_right_answer(students):
    assert 0.3 < students["right"] < 0.9
    fb = q3.evaluate(students["right"])
    assert fb.status == "correct"
    assert f"{students['matched']:,} people" in fb.message
    assert q3.evaluate(round(students["right"], 4)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda s: s["raw"], "*as typed*"),
        (lambda s: 100 * s["right"], "percentage"),
        (lambda s: s["matched"], "number of matched people"),
        (lambda s: s["matched"] / s["selected"], "divide by the number *uploaded*"),
        (lambda s: s["uploaded"], "number of hashes uploaded"),
        (lambda s: s["no_consent"], "did not consent"),
        (lambda s: 0.5, "should be"),
        (lambda s: [s["right"]] * 2, "single number"),
    ],
)
def test_q3_wrong_answers(students, make, fragment):
    assert students["raw"] < students["right"]
    fb = q3.evaluate(make(students))
    assert fb.status == "incorrect"
    assert fragment in fb.message
