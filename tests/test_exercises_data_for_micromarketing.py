"""Checks of the 03-data-for-micromarketing workbook: right answers, typical wrong ones, blanks.

Expected values are recomputed here with plain pandas (no course_lib cleaning helpers, never answers()).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from course_lib.chapters import ch03_data_for_micromarketing as ch03
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_case, load_customers

NOTEBOOK = "03-data-for-micromarketing"
ID = "enquiry_id"
BY_HAND = {"cbse": "CBSE", "C.B.S.E.": "CBSE", "CBSC": "CBSE", "state board": "State Board", "SSC": "State Board"}
q1, q2, q3 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def enquiries() -> pd.DataFrame:
    return load_case("coaching").enquiries


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_customers()


def _others(e):
    return [c for c in e.columns if c != ID]


def _dedupe(e):
    return e[~e.duplicated(subset=_others(e))]


def _counts(e, fixes=BY_HAND):
    return e["board"].astype(str).replace(fixes).value_counts()


def test_workbook_is_registered():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("ex", [q1, q2, q3], ids=lambda e: e.id)
def test_placeholder_and_none(ex):
    assert ex.evaluate(____).status == "not_attempted"
    fb = ex.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


@pytest.mark.parametrize("ex", [q1, q2, q3], ids=lambda e: e.id)
def test_two_hints_and_a_solution(ex, capsys):
    assert len(ex.hints) == 2
    ex.solution()
    assert "one way to do it" in capsys.readouterr().out


def test_q1_right_answer(enquiries):
    n = int(enquiries.duplicated(subset=_others(enquiries)).sum())
    assert n > 0
    fb = q1.evaluate(n)
    assert fb.status == "correct" and f"{n} of {len(enquiries):,}" in fb.message
    assert q1.evaluate(len(enquiries) - len(_dedupe(enquiries))).status == "correct"
    assert q1.evaluate(float(n)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e: int(e.duplicated().sum()), "including `enquiry_id`"),
        (lambda e: int(e.duplicated(subset=_others(e), keep=False).sum()), "both copies"),
        (lambda e: len(_dedupe(e)), "rows left after removing"),
        (lambda e: len(e), "number of rows in the table"),
        (lambda e: e.duplicated(subset=_others(e)), "one value per enquiry"),
        (lambda e: e[e.duplicated(subset=_others(e))], "DataFrame of length"),
        (lambda e: e.duplicated(subset=_others(e)).mean(), "looks like a share"),
        (lambda e: "39", "single number"),
        (lambda e: 7, "should be"),
    ],
)
def test_q1_wrong_answers(enquiries, make, fragment):
    fb = q1.evaluate(make(enquiries))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q2_right_answer(enquiries):
    right = _counts(enquiries)
    assert sorted(right.index) == ["CBSE", "ICSE", "State Board"]
    fb = q2.evaluate(right)
    assert fb.status == "correct" and f"CBSE is the largest board ({right['CBSE']:,} enquiries)" in fb.message
    assert q2.evaluate(right.sort_index().to_frame("n")).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e: e["board"].value_counts(), "raw labels"),
        (lambda e: e["board"].str.upper().value_counts(), "raw labels"),
        (lambda e: _counts(e, {k: v for k, v in BY_HAND.items() if k not in ("CBSC", "SSC")}), "'CBSC' or 'SSC'"),
        (lambda e: _counts(e) / len(e), "holds shares"),
        (lambda e: _counts(_dedupe(e)), "after removing duplicates"),
        (lambda e: _counts(e, {**BY_HAND, "SSC": "CBSE"}), "belongs to 'State Board'"),
        (lambda e: _counts(e).drop("ICSE"), "missing the board 'ICSE'"),
        (lambda e: _counts(e).to_numpy(), "without labels"),
        (lambda e: int(_counts(e).max()), "should be a pandas Series"),
    ],
)
def test_q2_wrong_answers(enquiries, make, fragment):
    fb = q2.evaluate(make(enquiries))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def _prefers(c):
    return c["preferred_channel"] == "whatsapp"


def test_q3_right_answer(customers):
    n = int((_prefers(customers) & customers["consent_whatsapp"]).sum())
    fb = q3.evaluate(n)
    assert fb.status == "correct" and f"of the {int(_prefers(customers).sum()):,} customers" in fb.message
    assert q3.evaluate(len(customers.query("preferred_channel == 'whatsapp' and consent_whatsapp"))).status == "correct"
    # the old answer (SMS consent standing in for WhatsApp) is now wrong, and says why
    sms = q3.evaluate(int((_prefers(customers) & customers["consent_sms"]).sum()))
    assert sms.status == "incorrect" and "SMS consent does not cover WhatsApp" in sms.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda c: int(_prefers(c).sum()), "A preference is not a permission"),
        (lambda c: int(c["consent_whatsapp"].sum()), "whatever channel they prefer"),
        (lambda c: int((_prefers(c) & c["consent_sms"]).sum()), "`consent_sms`"),
        (lambda c: int((_prefers(c) & ~c["consent_whatsapp"]).sum()), "may *not*"),
        (lambda c: int((_prefers(c) & c["consent_email"]).sum()), "`consent_email`"),
        (lambda c: int((_prefers(c) & c["consent_ads"]).sum()), "`consent_ads`"),
        (lambda c: int((_prefers(c) & c["app_user"]).sum()), "`app_user`"),
        (lambda c: (_prefers(c) & c["consent_whatsapp"]).mean(), "looks like a share"),
        (lambda c: _prefers(c) & c["consent_whatsapp"], "one value per customer"),
        (lambda c: c[_prefers(c)], "Give the number of customers"),
    ],
)
def test_q3_wrong_answers(customers, make, fragment):
    fb = q3.evaluate(make(customers))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_checks_follow_the_data(monkeypatch, enquiries, customers):
    """Change the data: the right answers change with it (nothing is typed in)."""
    more = pd.concat([enquiries, enquiries.iloc[:5].assign(enquiry_id=[f"X{i}" for i in range(5)])],
                     ignore_index=True)
    case = SimpleNamespace(enquiries=more)
    changed = customers.assign(consent_whatsapp=False)
    monkeypatch.setattr(ch03, "load_case", lambda name: case)
    monkeypatch.setattr(ch03, "load_customers", lambda: changed)
    n1, n2, n3 = load_workbook(NOTEBOOK)
    n = int(enquiries.duplicated(subset=_others(enquiries)).sum())
    assert n1.evaluate(n).status == "incorrect"
    assert n1.evaluate(n + 5).status == "correct"
    assert n2.evaluate(_counts(more)).status == "correct"
    assert n2.evaluate(_counts(enquiries)).status == "incorrect"
    assert n3.evaluate(0).status == "correct"
