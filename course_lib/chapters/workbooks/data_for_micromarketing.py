"""Exercises for the workbook ``03-data-for-micromarketing``.

* ``q1``: how many coaching enquiries are duplicates (same person entered
  twice with a new ``enquiry_id``)? -> ``n_duplicates`` (a number).
* ``q2``: the number of enquiries per school board after the board labels
  are standardised to ``CBSE``, ``ICSE`` and ``State Board`` ->
  ``board_counts`` (a Series indexed by board).
* ``q3``: how many customers of the synthetic market say they prefer
  WhatsApp *and* may be contacted on it? -> ``whatsapp_reachable``.

Every expected value is computed from the course data when the check runs.

Examples
--------
>>> from course_lib.chapters.workbooks.data_for_micromarketing import load_enquiries, q1
>>> enquiries = load_enquiries()
>>> q1.evaluate(int(enquiries.duplicated().sum())).status
'incorrect'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.market import datasets
from course_lib.analysis.cleaning import dedupe, normalise_label, standardise_labels
from course_lib.analysis.consent import channel_requirements
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_series

__all__ = ["NOTEBOOK", "EXERCISES", "BOARDS", "BOARD_FIXES", "load_enquiries", "load_customers", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "03-data-for-micromarketing"
#: The valid school boards of the coaching case (see data/README.md).
BOARDS = ["CBSE", "ICSE", "State Board"]
#: Variants that no spelling rule can fix: a typo and a synonym.
BOARD_FIXES = {"CBSC": "CBSE", "SSC": "State Board"}
_ID = "enquiry_id"


def load_enquiries() -> pd.DataFrame:
    """The coaching case's enquiries, dirt included (a fresh copy on every call).

    Examples
    --------
    >>> load_enquiries().columns[0]
    'enquiry_id'
    """
    return datasets.load_case("coaching").enquiries.copy()


def load_customers() -> pd.DataFrame:
    """The synthetic market's customers (a fresh copy on every call)."""
    return datasets.load_customers()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --------------------------------------------------------------------------- q1: duplicates


def _check_duplicates(value: Any) -> str:
    enquiries = load_enquiries()
    others = [c for c in enquiries.columns if c != _ID]
    expected = int(enquiries.duplicated(subset=others).sum())
    both_copies = int(enquiries.duplicated(subset=others, keep=False).sum())
    if isinstance(value, pd.DataFrame):
        raise Mismatch("`n_duplicates` is a table. The question asks for a number: how many rows are repeats? "
                       "`.sum()` of a True/False Series counts the Trues.")
    if isinstance(value, pd.Series) and pd.api.types.is_bool_dtype(value):
        raise Mismatch("`n_duplicates` is the True/False Series itself. Count its True values with `.sum()`.")
    mistakes = [
        (int(enquiries.duplicated().sum()),
         "`n_duplicates` compares every column, including `enquiry_id`. A repeated enquiry got a new id, so "
         "no two rows match exactly: leave the id out of the comparison (`subset=` the other columns)."),
        (both_copies,
         "`n_duplicates` counts both copies of each repeated enquiry (`keep=False`). Count only the extra "
         "copies, the rows you would remove: the default `keep=\"first\"`."),
        (len(enquiries) - expected,
         "that is the number of rows left after removing the duplicates. The question asks how many rows "
         "are duplicates."),
        (len(enquiries), "that is the number of rows in the table, not the number of duplicates."),
        (int(enquiries.duplicated(subset=[_ID]).sum()),
         "that counts repeated enquiry ids. Every repeat got a fresh id, so look for rows that match on "
         "every *other* column."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    if _is_number(value) and 0 < value < 1:
        raise Mismatch("`n_duplicates` looks like a share. Give the number of duplicate rows.")
    expect_number(value, expected, name="n_duplicates", mistakes=mistakes)
    return (f"{expected} of {len(enquiries):,} enquiries ({expected / len(enquiries):.1%}) repeat an earlier one; "
            f"removing them leaves {len(enquiries) - expected:,}.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_duplicates",
    topic="data-and-consent",
    title="Duplicate enquiries",
    checker=_check_duplicates,
    hints=[
        "A student who enquired twice appears twice with a different `enquiry_id`. Compare all the other "
        "columns.",
        "`enquiries.duplicated(subset=[...])` marks each repeat (not the first copy) with True; put every "
        "column except \"enquiry_id\" in the list and add `.sum()`.",
    ],
)


# --------------------------------------------------------------------------- q2: board labels


def _counts(values: pd.Series) -> pd.Series:
    return values.astype("object").value_counts()


def _check_board_counts(value: Any) -> str:
    enquiries = load_enquiries()
    board = enquiries["board"]
    clean = standardise_labels(board, BOARDS, mapping=BOARD_FIXES)
    expected = _counts(clean)
    if isinstance(value, pd.Series):
        raw = [x for x in value.index if isinstance(x, str) and x not in BOARDS]
        if any(normalise_label(x) in {normalise_label(b) for b in BOARDS} for x in raw):
            raise Mismatch("`board_counts` still has labels such as 'cbse' or 'C.B.S.E.': these are the raw "
                           "labels. Standardise `board` first, then count.")
        if any(normalise_label(x) in {normalise_label(k) for k in BOARD_FIXES} for x in raw):
            raise Mismatch("`board_counts` still has 'CBSC' or 'SSC'. Changing case and punctuation cannot fix "
                           "them: 'CBSC' is a typo of CBSE and 'SSC' (Secondary School Certificate) is the "
                           "State Board's exam. Map them with a dictionary.")
    unique = dedupe(enquiries, ignore=_ID)
    swapped = standardise_labels(board, BOARDS, mapping={"CBSC": "CBSE", "SSC": "CBSE"})
    mistakes = [
        (expected / expected.sum(), "`board_counts` holds shares. The question asks for the number of "
                                    "enquiries per board (drop `normalize=True`)."),
        (_counts(standardise_labels(unique["board"], BOARDS, mapping=BOARD_FIXES)),
         "`board_counts` counts the enquiries after removing duplicates. This question counts all "
         f"{len(enquiries):,} rows of `enquiries`."),
        (_counts(swapped), "'SSC' ended up under CBSE. SSC (Secondary School Certificate) is the exam of a "
                           "State Board, so it belongs to 'State Board'."),
    ]
    expect_series(value, expected, name="board_counts", what="board", mistakes=mistakes)
    changed = int((board.astype("object") != clean.astype("object")).sum())
    return f"{changed} labels were corrected; {expected.idxmax()} is the largest board ({expected.max():,} enquiries)."


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="board_counts",
    topic="data-and-consent",
    title="Standardise the board labels",
    checker=_check_board_counts,
    hints=[
        "Look at `enquiries[\"board\"].value_counts()`: which labels are spellings of CBSE, and which of State "
        "Board? Some differ only in case or dots, two need a dictionary.",
        "`standardise_labels(enquiries[\"board\"], [\"CBSE\", \"ICSE\", \"State Board\"], mapping={\"CBSC\": "
        "\"CBSE\", \"SSC\": \"State Board\"})` cleans the labels; then `.value_counts()`.",
    ],
)


# --------------------------------------------------------------------------- q3: consent


def _check_whatsapp(value: Any) -> str:
    customers = load_customers()
    flag = channel_requirements()["whatsapp"]
    prefers = customers["preferred_channel"] == "whatsapp"
    allowed = customers[flag].fillna(False).astype(bool)
    expected = int((prefers & allowed).sum())
    if isinstance(value, pd.DataFrame):
        raise Mismatch("`whatsapp_reachable` is a table of customers. Give the number of customers "
                       "(`len(...)` or `.sum()` of a True/False Series).")
    if isinstance(value, pd.Series) and pd.api.types.is_bool_dtype(value):
        raise Mismatch("`whatsapp_reachable` is a True/False Series. Count the Trues with `.sum()`.")
    if _is_number(value) and 0 < value < 1:
        raise Mismatch("`whatsapp_reachable` looks like a share. The question asks for the number of customers.")
    mistakes = [
        (int(prefers.sum()), "that is everyone who *prefers* WhatsApp. A preference is not a permission: keep only "
                             f"those with `{flag}` True."),
        (int(allowed.sum()), f"that is everyone with `{flag}` True, whatever channel they prefer. The question "
                             "asks only about the customers who prefer WhatsApp."),
        (int((prefers & ~allowed).sum()), "that is the number who prefer WhatsApp but may *not* be contacted on it."),
        (int((prefers & customers["consent_email"]).sum()),
         "that uses `consent_email`. WhatsApp messages, like SMS, need `consent_sms`."),
        (int((prefers & customers["consent_ads"]).sum()),
         "that uses `consent_ads` (targeted ads). WhatsApp messages, like SMS, need `consent_sms`."),
        (int((prefers & customers["app_user"]).sum()),
         "that uses `app_user` (the app-push requirement). WhatsApp messages, like SMS, need `consent_sms`."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="whatsapp_reachable", mistakes=mistakes)
    lost = int(prefers.sum()) - expected
    return (f"{lost:,} of the {int(prefers.sum()):,} customers who prefer WhatsApp ({lost / prefers.sum():.0%}) "
            "may not be messaged there.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="whatsapp_reachable",
    topic="data-and-consent",
    title="Who may be messaged on WhatsApp?",
    checker=_check_whatsapp,
    hints=[
        "Two conditions must both hold: `preferred_channel` is \"whatsapp\", and the customer gave the consent "
        "WhatsApp needs (`channel_requirements()[\"whatsapp\"]` names the column).",
        "`((customers[\"preferred_channel\"] == \"whatsapp\") & customers[\"consent_sms\"]).sum()`",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
