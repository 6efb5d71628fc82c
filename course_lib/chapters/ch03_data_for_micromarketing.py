"""Chapter 03 (data for micromarketing): the answers of the workbook's checks.

The checks are declared in ``data/exercises/03-data-for-micromarketing.yaml``;
the audit and the cleaning steps are worked in the chapter notebook.

Examples
--------
>>> a = answers(boards=["CBSE", "ICSE", "State Board"], board_fixes={"CBSC": "CBSE", "SSC": "State Board"})
>>> a["n_duplicates"], a["biggest_board"]
(39, 'CBSE')
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.analysis.cleaning import dedupe, normalise_label, standardise_labels
from course_lib.learning.exercises import Mismatch, expect_series
from course_lib.market.datasets import load_case, load_customers

__all__ = ["answers", "wrong_answers", "check_board_counts"]

ID = "enquiry_id"


def _board_counts(board: pd.Series, boards: list[str], fixes: dict[str, str]) -> pd.Series:
    return standardise_labels(board, boards, mapping=fixes).astype("object").value_counts()


def answers(boards: list[str], board_fixes: dict[str, str]) -> dict[str, Any]:
    """The right answers (q1 ``n_duplicates``, q2 ``board_counts``, q3 ``whatsapp_reachable``) and facts quoted."""
    enquiries = load_case("coaching").enquiries
    others = [c for c in enquiries.columns if c != ID]
    n_dup, n = int(enquiries.duplicated(subset=others).sum()), len(enquiries)
    clean = standardise_labels(enquiries["board"], boards, mapping=board_fixes)
    counts = clean.astype("object").value_counts()
    customers = load_customers()
    prefers = customers["preferred_channel"] == "whatsapp"
    opted_in = customers["consent_whatsapp"].fillna(False).astype(bool)
    sms = customers["consent_sms"].fillna(False).astype(bool)
    reachable = int((prefers & opted_in).sum())
    return {
        "n_duplicates": n_dup, "n_enquiries": n, "dup_share": n_dup / n, "n_unique": n - n_dup,
        "board_counts": counts, "biggest_board": counts.idxmax(), "biggest_count": int(counts.max()),
        "labels_changed": int((enquiries["board"].astype("object") != clean.astype("object")).sum()),
        "whatsapp_reachable": reachable, "n_prefer_whatsapp": int(prefers.sum()),
        "n_not_allowed": int(prefers.sum()) - reachable, "share_not_allowed": 1 - reachable / prefers.sum(),
        "n_sms_not_whatsapp": int((prefers & sms & ~opted_in).sum()),
        "n_customers": len(customers),
    }


def wrong_answers(boards: list[str], board_fixes: dict[str, str]) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    enquiries = load_case("coaching").enquiries
    others = [c for c in enquiries.columns if c != ID]
    right = answers(boards, board_fixes)
    customers = load_customers()
    prefers = customers["preferred_channel"] == "whatsapp"
    opted_in = customers["consent_whatsapp"].fillna(False).astype(bool)
    sms = customers["consent_sms"].fillna(False).astype(bool)
    return {
        "dup_all_columns": int(enquiries.duplicated().sum()),
        "dup_both_copies": int(enquiries.duplicated(subset=others, keep=False).sum()),
        "dup_ids": int(enquiries.duplicated(subset=[ID]).sum()),
        "board_shares": right["board_counts"] / right["board_counts"].sum(),
        "board_counts_deduped": _board_counts(dedupe(enquiries, ignore=ID)["board"], boards, board_fixes),
        "board_counts_ssc_cbse": _board_counts(enquiries["board"], boards, {"CBSC": "CBSE", "SSC": "CBSE"}),
        "reach_share_all": right["whatsapp_reachable"] / len(customers),
        "reach_share_prefer": right["whatsapp_reachable"] / right["n_prefer_whatsapp"],
        "n_whatsapp_consent": int(opted_in.sum()), "n_prefer_no_whatsapp": int((prefers & ~opted_in).sum()),
        "n_prefer_sms": int((prefers & sms).sum()),
        "n_prefer_email": int((prefers & customers["consent_email"]).sum()),
        "n_prefer_ads": int((prefers & customers["consent_ads"]).sum()),
        "n_prefer_app": int((prefers & customers["app_user"]).sum()),
    }


def check_board_counts(value: Any, right: dict[str, Any]) -> None:
    """q2: say which raw labels are left before comparing the counts (a label check no declaration can state)."""
    if isinstance(value, pd.Series):
        boards, fixes = right["boards"], right["board_fixes"]
        raw = [x for x in value.index if isinstance(x, str) and x not in boards]
        if any(normalise_label(x) in {normalise_label(b) for b in boards} for x in raw):
            raise Mismatch("`board_counts` still has labels such as 'cbse' or 'C.B.S.E.': these are the raw "
                           "labels. Standardise `board` first, then count.")
        if any(normalise_label(x) in {normalise_label(k) for k in fixes} for x in raw):
            raise Mismatch("`board_counts` still has 'CBSC' or 'SSC'. Changing case and punctuation cannot fix "
                           "them: 'CBSC' is a typo of CBSE and 'SSC' (Secondary School Certificate) is the "
                           "State Board's exam. Map them with a dictionary.")
    expect_series(value, right["board_counts"], name="board_counts", what="board")
