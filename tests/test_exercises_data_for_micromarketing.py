"""Checks of the 03-data-for-micromarketing workbook: right answers, typical wrong ones, blanks."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.analysis.cleaning import dedupe, standardise_labels
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.chapters.workbooks import data_for_micromarketing as dfm
from course_lib.chapters.workbooks.data_for_micromarketing import BOARDS, BOARD_FIXES, q1, q2, q3
from course_lib.learning.progress import PROGRESS_ENV

ID = "enquiry_id"


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def enquiries() -> pd.DataFrame:
    return dfm.load_enquiries()


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return dfm.load_customers()


def _others(e):
    return [c for c in e.columns if c != ID]


def test_workbook_is_registered():
    assert [ex.id for ex in workbook_exercises("03-data-for-micromarketing")] == ["q1", "q2", "q3"]


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


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(enquiries):
    n = int(enquiries.duplicated(subset=_others(enquiries)).sum())
    assert n > 0
    fb = q1.evaluate(n)
    assert fb.status == "correct" and f"{n} of" in fb.message
    assert q1.evaluate(len(enquiries) - len(dedupe(enquiries, ignore=ID))).status == "correct"
    assert q1.evaluate(float(n)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e: int(e.duplicated().sum()), "including `enquiry_id`"),
        (lambda e: int(e.duplicated(subset=_others(e), keep=False).sum()), "both copies"),
        (lambda e: len(dedupe(e, ignore=ID)), "rows left after removing"),
        (lambda e: len(e), "number of rows in the table"),
        (lambda e: e.duplicated(subset=_others(e)), "True/False Series"),
        (lambda e: e[e.duplicated(subset=_others(e))], "is a table"),
        (lambda e: e.duplicated(subset=_others(e)).mean(), "looks like a share"),
        (lambda e: "39", "single number"),
        (lambda e: 7, "should be"),
    ],
)
def test_q1_wrong_answers(enquiries, make, fragment):
    fb = q1.evaluate(make(enquiries))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q2


def _right_counts(e):
    return standardise_labels(e["board"], BOARDS, mapping=BOARD_FIXES).value_counts()


def test_q2_right_answer_by_library_and_by_hand(enquiries):
    assert q2.evaluate(_right_counts(enquiries)).status == "correct"
    by_hand = enquiries["board"].astype(str).replace({
        "cbse": "CBSE", "C.B.S.E.": "CBSE", "CBSC": "CBSE", "state board": "State Board", "SSC": "State Board",
    }).value_counts()
    assert q2.evaluate(by_hand).status == "correct"
    assert q2.evaluate(by_hand.sort_index().to_frame("n")).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e: e["board"].value_counts(), "raw labels"),
        (lambda e: standardise_labels(e["board"], BOARDS).value_counts(), "'CBSC' or 'SSC'"),
        (lambda e: _right_counts(e) / len(e), "holds shares"),
        (lambda e: _right_counts(dedupe(e, ignore=ID)), "after removing duplicates"),
        (lambda e: standardise_labels(e["board"], BOARDS, mapping={"CBSC": "CBSE", "SSC": "CBSE"}).value_counts(),
         "belongs to 'State Board'"),
        (lambda e: _right_counts(e).drop("ICSE"), "missing the board 'ICSE'"),
        (lambda e: _right_counts(e).to_numpy(), "without labels"),
        (lambda e: int(_right_counts(e).max()), "should be a pandas Series"),
    ],
)
def test_q2_wrong_answers(enquiries, make, fragment):
    fb = q2.evaluate(make(enquiries))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- q3


def _prefers(c):
    return c["preferred_channel"] == "whatsapp"


def test_q3_right_answer(customers):
    n = int((_prefers(customers) & customers["consent_sms"]).sum())
    fb = q3.evaluate(n)
    assert fb.status == "correct" and "may not be messaged" in fb.message
    assert q3.evaluate(len(customers.query("preferred_channel == 'whatsapp' and consent_sms"))).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda c: int(_prefers(c).sum()), "A preference is not a permission"),
        (lambda c: int(c["consent_sms"].sum()), "whatever channel they prefer"),
        (lambda c: int((_prefers(c) & ~c["consent_sms"]).sum()), "may *not*"),
        (lambda c: int((_prefers(c) & c["consent_email"]).sum()), "`consent_email`"),
        (lambda c: int((_prefers(c) & c["consent_ads"]).sum()), "`consent_ads`"),
        (lambda c: int((_prefers(c) & c["app_user"]).sum()), "`app_user`"),
        (lambda c: (_prefers(c) & c["consent_sms"]).mean(), "looks like a share"),
        (lambda c: _prefers(c) & c["consent_sms"], "True/False Series"),
        (lambda c: c[_prefers(c)], "table of customers"),
    ],
)
def test_q3_wrong_answers(customers, make, fragment):
    fb = q3.evaluate(make(customers))
    assert fb.status == "incorrect"
    assert fragment in fb.message


# --------------------------------------------------------------------------- nothing hard-coded


def test_checks_follow_the_data(monkeypatch, enquiries, customers):
    """Change the data: the right answers change with it."""
    extra = enquiries.iloc[:5].assign(enquiry_id=[f"X{i}" for i in range(5)])
    more = pd.concat([enquiries, extra], ignore_index=True)
    monkeypatch.setattr(dfm, "load_enquiries", lambda: more.copy())
    n = int(enquiries.duplicated(subset=_others(enquiries)).sum())
    assert q1.evaluate(n).status == "incorrect"
    assert q1.evaluate(n + 5).status == "correct"
    assert q2.evaluate(_right_counts(more)).status == "correct"
    assert q2.evaluate(_right_counts(enquiries)).status == "incorrect"

    changed = customers.copy()
    changed["consent_sms"] = False
    monkeypatch.setattr(dfm, "load_customers", lambda: changed)
    assert q3.evaluate(0).status == "correct"
