"""Exercises for the workbook ``15-case-bank-student-account``.

* ``q1``: prospects left after cleaning (``n_clean``): re-imported repeats
  removed and ages outside 17-21 taken off the target list.
* ``q2``: cost per account of the earlier generic savings-account ads
  (``cpa_old``), over all 36 baseline lines.
* ``q3``: z statistic of the two-proportion test of clicks, holdout (old ad)
  vs targeted (matched creative), on the cleaned prospects (``z_clicks``).

Every expected value is computed from the case data when the check runs
(with :mod:`course_lib.chapters.bank_case` and :mod:`course_lib.analysis.experiments`);
typical mistakes (removing every look-alike row, forgetting the age filter,
dropping rows with a missing stream, averaging monthly costs, cost per click,
swapped groups, the uncleaned list, accounts instead of clicks) are
recomputed the same way and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.case_bank_student_account import q1
>>> q1.evaluate(6060).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.chapters.bank_case import clean_prospects, find_reimports
from course_lib.market.datasets import load_case
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_single
from course_lib.analysis.experiments import two_proportion_ztest

__all__ = ["NOTEBOOK", "EXERCISES", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "15-case-bank-student-account"


@functools.lru_cache(maxsize=1)
def _case() -> Any:
    return load_case("bank")


def _z(frame: pd.DataFrame, column: str = "clicked") -> float:
    g = frame.groupby("campaign_group", observed=True)[column].agg(["sum", "size"])
    a, b = g.loc["holdout_generic"], g.loc["targeted"]
    return float(two_proportion_ztest(int(a["sum"]), int(a["size"]), int(b["sum"]), int(b["size"])).z)


@functools.lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    """Right answers and typical wrong ones (computed once per session)."""
    case = _case()
    raw = case.prospects
    n_original = int(case.params["n_prospects"])
    lo, hi = case.params["age_range"]
    clean = clean_prospects(raw, original_size=n_original, ages=(lo, hi), towns=list(case.params["towns"]))
    no_repeats = raw.drop(index=find_reimports(raw, original_size=n_original).index)
    others = [c for c in raw.columns if c != "prospect_id"]
    naive = raw[~raw[others].astype("object").duplicated()]
    base = case.baseline
    known = clean[clean["stream"] != "not stated"]
    return {
        "n_clean": len(clean),
        "n_raw": len(raw),
        "n_no_repeats": len(no_repeats),
        "n_age_only": int(raw["age"].between(lo, hi).sum()),
        "n_naive": len(naive),
        "n_naive_age": int(naive["age"].between(lo, hi).sum()),
        "n_dropna": int((clean["stream"] != "not stated").sum()),
        "n_removed": len(raw) - len(clean),
        "cpa_old": float(base["spend"].sum() / base["accounts_opened"].sum()),
        "cpa_mean": float((base["spend"] / base["accounts_opened"]).mean()),
        "cpc": float(base["spend"].sum() / base["clicks"].sum()),
        "cpm": float(base["spend"].sum() / base["impressions"].sum() * 1000),
        "inverse": float(base["accounts_opened"].sum() / base["spend"].sum()),
        "z": _z(clean),
        "z_raw": _z(raw),
        "z_known": _z(known),
        "z_accounts": _z(clean, "account_opened"),
    }


def _not_a_collection(value: Any, name: str, how: str) -> None:
    expect_single(value, name=name, hint=how, also=(dict,))


# --------------------------------------------------------------------------- q1: cleaning


def _check_clean(value: Any) -> str:
    f = _facts()
    if isinstance(value, pd.DataFrame) and len(value) == f["n_clean"]:
        raise Mismatch("`n_clean` holds the cleaned table; the question asks for a number: use `len(...)`.")
    _not_a_collection(value, "n_clean", "`len(...)` of the cleaned table gives the number of rows.")
    expect_number(
        value,
        f["n_clean"],
        name="n_clean",
        mistakes=[
            (f["n_raw"], "that is the number of rows before cleaning. Remove the re-imported repeats and the "
                         "prospects outside 17-21."),
            (f["n_no_repeats"], "the repeats are gone, but the prospects aged 16 or 22-23 are still in. They are "
                                "outside the target: keep only ages 17 to 21."),
            (f["n_age_only"], "the age filter is right, but the re-imported repeats are still in (ids after "
                              "the original list that copy an earlier row: `find_reimports`)."),
            (f["n_naive"], "you removed every row that looks like another one except for the id. On this thin "
                           "table that deletes thousands of different students who happen to share a profile; "
                           "only the re-imported copies are repeats. (The age filter is missing too.)"),
            (f["n_naive_age"], "you removed every row that looks like another one except for the id. On this "
                               "thin table that deletes thousands of different students; only the re-imported "
                               "copies (ids after the original list) are repeats."),
            (f["n_dropna"], "you also dropped the prospects whose stream is missing. They are real students in "
                            "the target age: keep them (as 'not stated')."),
            (f["n_removed"], "that is the number of rows removed. The question asks how many prospects are left."),
        ],
    )
    return (f"{f['n_removed']} rows removed (re-imported repeats and ages outside 17-21), {f['n_clean']:,} "
            "prospects left; the students with a missing stream stay in.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_clean",
    topic="cases",
    title="Prospects left after cleaning",
    checker=_check_clean,
    hints=[
        "Two things go: rows that a later import copied (ids after the original `N_ORIGINAL` prospects), and "
        "prospects outside the 17-21 target. Rows with a missing stream stay.",
        "`no_repeats = prospects.drop(index=find_reimports(prospects, original_size=N_ORIGINAL).index)`, then "
        "`len(no_repeats[no_repeats[\"age\"].between(17, 21)])`.",
    ],
)


# --------------------------------------------------------------------------- q2: old ad's cost per account


def _check_cpa(value: Any) -> str:
    f = _facts()
    _not_a_collection(value, "cpa_old", "Sum the spend and the accounts over all baseline lines, then divide.")
    expect_number(
        value,
        f["cpa_old"],
        name="cpa_old",
        rel_tol=1e-4,
        mistakes=[
            (f["cpa_mean"], "that is the average of the 36 lines' costs per account. Lines with few accounts get "
                            "the same weight as big ones; divide the *total* spend by the *total* accounts."),
            (f["cpc"], "that is the cost per click. The objective is accounts: divide the spend by "
                       "`accounts_opened`."),
            (f["cpm"], "that is the CPM (cost per 1,000 impressions). Divide the spend by the accounts opened."),
            (f["inverse"], "that is accounts per rupee (accounts / spend), upside down."),
        ],
    )
    return (f"the old generic ad cost ₹{f['cpa_old']:,.0f} per account opened: the benchmark every new "
            "creative must beat.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="cpa_old",
    topic="cases",
    title="Cost per account of the old generic ad",
    checker=_check_cpa,
    hints=[
        "Cost per account = total spend / total accounts opened, over all the lines of `baseline`.",
        "`baseline[\"spend\"].sum() / baseline[\"accounts_opened\"].sum()`.",
    ],
)


# --------------------------------------------------------------------------- q3: z-test, holdout vs targeted


def _check_z(value: Any) -> str:
    f = _facts()
    if hasattr(value, "z") and hasattr(value, "p_value"):
        raise Mismatch("`z_clicks` holds the whole test result; store its `.z` attribute (a number).")
    _not_a_collection(value, "z_clicks", "Store the `.z` of the result of `two_proportion_ztest`.")
    expect_number(
        value,
        f["z"],
        name="z_clicks",
        rel_tol=1e-6,
        mistakes=[
            (-f["z"], "the sign is flipped: you passed the targeted group as A. The control (holdout, old ad) is "
                      "group A and the variant (targeted) is group B."),
            (f["z_raw"], "close, but that is the uncleaned list. Use `clean` (repeats and out-of-target ages "
                         "removed)."),
            (f["z_known"], "you left out the prospects whose stream is not stated. Use all cleaned prospects."),
            (f["z_accounts"], "that tests accounts opened. This question is about clicks (`clicked`)."),
            (-f["z_accounts"], "that tests accounts opened, with the groups swapped. Use `clicked`, holdout as A."),
        ],
    )
    return (f"z = {f['z']:.2f}: the matched creative's click rate is far above the old ad's; a z beyond about 2 "
            "(p < 0.05) is unlikely to be chance.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="z_clicks",
    topic="cases",
    title="Holdout vs targeted: z-test of clicks",
    checker=_check_z,
    hints=[
        "Count the clicks (`clicked` is True/False, so `.sum()`) and the prospects (`.size()`) per "
        "`campaign_group` in `clean`. The holdout (old ad) is group A, the targeted group is B.",
        "`g = clean.groupby(\"campaign_group\", observed=True)[\"clicked\"].agg([\"sum\", \"size\"])`; then "
        "`two_proportion_ztest(g.loc[\"holdout_generic\", \"sum\"], g.loc[\"holdout_generic\", \"size\"], "
        "g.loc[\"targeted\", \"sum\"], g.loc[\"targeted\", \"size\"]).z`.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
