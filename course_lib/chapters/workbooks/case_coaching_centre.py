"""Exercises for the workbook ``13-case-coaching-centre``.

* ``q1``: enquiries left after removing duplicates (``n_unique``).
* ``q2``: enrolment rate of each micro-segment on the cleaned enquiries
  (``enrol_rate``, a Series indexed by segment).
* ``q3``: cost per enrolment of each segment's tailored creative in the test
  (``cost_per_enrolment``, a Series indexed by segment).

Every expected value is computed from the case data when the check runs, with
:mod:`course_lib.analysis.cleaning` and :mod:`course_lib.analysis.segmentation`; typical
mistakes (no de-duplication, ``drop_duplicates()`` on every column, dropping
rows with missing values, counts instead of rates, the generic creative,
cost per enquiry) are recomputed the same way and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.case_coaching_centre import q1
>>> q1.evaluate(2436).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.analysis.casework import load_case_plan
from course_lib.analysis.cleaning import dedupe
from course_lib.market.datasets import load_case
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_series, expect_single
from course_lib.analysis.segmentation import assign_segments

__all__ = ["NOTEBOOK", "EXERCISES", "SEGMENT_RULES", "DEFAULT_SEGMENT", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "13-case-coaching-centre"
#: The segment rules of the case plan (``data/content/casework.yaml``).
SEGMENT_RULES: dict[str, str] = load_case_plan("coaching").rules
#: The segment of enquiries that match no rule.
DEFAULT_SEGMENT: str = load_case_plan("coaching").default_segment


@functools.lru_cache(maxsize=1)
def _case() -> Any:
    return load_case("coaching")


def _segment(frame: pd.DataFrame) -> pd.DataFrame:
    return assign_segments(frame, SEGMENT_RULES, default=DEFAULT_SEGMENT)


def _rate(frame: pd.DataFrame) -> pd.Series:
    return _segment(frame).groupby("segment")["enrolled"].mean().rename("enrol_rate")


@functools.lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    """Right answers and typical wrong ones (computed once per session)."""
    raw = _case().enquiries
    clean = dedupe(raw, ignore="enquiry_id")
    seg = _segment(clean)
    ads = _case().ad_results
    tailored = ads[ads["creative_type"] == "tailored"].set_index("segment")
    generic = ads[ads["creative_type"] == "generic"].set_index("segment")
    both = ads.groupby("segment")[["spend", "enrolments"]].sum()
    return {
        "n_unique": len(clean),
        "n_raw": len(raw),
        "n_dups": len(raw) - len(clean),
        "n_keep_none": int((~raw.drop(columns="enquiry_id").duplicated(keep=False)).sum()),
        "n_dropna": len(clean.dropna()),
        "n_dropna_raw": len(raw.dropna()),
        "n_bad_age_dropped": len(clean[clean["age"].between(13, 30)]),
        "rate": seg.groupby("segment")["enrolled"].mean().rename("enrol_rate"),
        "rate_raw": _rate(raw),
        "rate_dropna": _rate(clean.dropna()),
        "count": seg.groupby("segment")["enrolled"].sum().astype(float),
        "size": seg.groupby("segment").size().astype(float),
        "cpe": (tailored["spend"] / tailored["enrolments"]).rename("cost_per_enrolment"),
        "cpe_generic": generic["spend"] / generic["enrolments"],
        "cpe_both": both["spend"] / both["enrolments"],
        "cpq": tailored["spend"] / tailored["enquiries"],
        "inverse": tailored["enrolments"] / tailored["spend"],
        "fee_ratio": tailored["revenue"] / tailored["spend"],
    }


def _not_a_collection(value: Any, name: str) -> None:
    expect_single(value, name=name, hint="`len(...)` of the cleaned table gives the number of rows.")


# --------------------------------------------------------------------------- q1: duplicates


def _check_unique(value: Any) -> str:
    f = _facts()
    if isinstance(value, pd.DataFrame) and len(value) == f["n_unique"]:
        raise Mismatch("`n_unique` holds the cleaned table; the question asks for a number: use `len(...)`.")
    _not_a_collection(value, "n_unique")
    expect_number(
        value,
        f["n_unique"],
        name="n_unique",
        mistakes=[
            (f["n_raw"], "that is the number of rows before cleaning. Repeated enquiries have a *new* `enquiry_id`, "
                         "so `drop_duplicates()` on every column finds nothing: compare every column except the "
                         "id (`dedupe(enquiries, ignore=\"enquiry_id\")`)."),
            (f["n_dups"], "that is the number of duplicate rows removed. The question asks how many enquiries are "
                          "left."),
            (f["n_keep_none"], "you removed *both* copies of every repeated enquiry (`keep=False`). Keep the first "
                               "copy: the student did enquire once."),
            (f["n_dropna"], "you also dropped rows with a missing value (stream or exam interest). Those enquiries are real "
                            "students: keep them and only remove repeats."),
            (f["n_dropna_raw"], "you dropped rows with a missing value instead of removing repeats. Remove the "
                                "repeated enquiries (every column except the id) and keep the rows with gaps."),
            (f["n_bad_age_dropped"], "you also dropped the rows with an impossible age. Keep them (make the age "
                                     "missing instead); only repeats should go."),
        ],
    )
    return (f"{f['n_dups']} repeated enquiries removed, {f['n_unique']:,} left. The case notes mention about "
            "1.5%: a few of the pairs were entered minutes apart and might be two different students.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_unique",
    topic="cases",
    title="Enquiries left after removing duplicates",
    checker=_check_unique,
    hints=[
        "A repeated enquiry has the same values in every column except `enquiry_id`, which is new.",
        "`dedupe(enquiries, ignore=\"enquiry_id\")` removes the repeats; `len(...)` counts the rows left.",
    ],
)


# --------------------------------------------------------------------------- q2: enrolment rate


def _check_rate(value: Any) -> str:
    f = _facts()
    right = f["rate"]
    if isinstance(value, pd.DataFrame) and "enrolled" in value.columns and value.shape[1] > 1:
        raise Mismatch("`enrol_rate` should be one number per segment (a Series); select the `enrolled` column "
                       "before taking the mean.")
    mistakes = [
        (f["count"], "those are numbers of enrolments. Divide by the enquiries in each segment (or use `.mean()` "
                     "on the True/False `enrolled` column)."),
        (f["size"], "those are the numbers of enquiries per segment. The rate is the *share* that enrolled."),
        (100 * right, "those look like percentages. Give fractions between 0 and 1."),
        (f["rate_raw"], "close, but the duplicates are still in. Remove the repeated enquiries first "
                        "(`dedupe(enquiries, ignore=\"enquiry_id\")`)."),
        (f["rate_dropna"], "you dropped rows with a missing value as well. Keep them: a missing exam interest "
                           "does not change the student's segment or enrolment."),
    ]
    mistakes = [(m.rename("enrol_rate"), msg) for m, msg in mistakes]
    expect_series(value, right, name="enrol_rate", what="segment", rel_tol=1e-9, mistakes=mistakes)
    best = right.idxmax()
    return (f"{best.replace('_', ' ')} students enrol most often ({right.max():.0%}), "
            f"{right.max() / right.min():.1f} times the rate of the '{right.idxmin()}' group.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="enrol_rate",
    topic="cases",
    title="Enrolment rate of each micro-segment",
    checker=_check_rate,
    hints=[
        "Remove duplicates, then `assign_segments(clean, SEGMENT_RULES, default=\"other\")` adds a `segment` "
        "column.",
        "`segmented.groupby(\"segment\")[\"enrolled\"].mean()` is the share of enquiries that enrolled.",
    ],
)


# --------------------------------------------------------------------------- q3: cost per enrolment


def _check_cpe(value: Any) -> str:
    f = _facts()
    right = f["cpe"]
    mistakes = [
        (f["cpq"], "that is the cost per *enquiry* (spend / enquiries). The objective is enrolments: divide the "
                   "spend by `enrolments`."),
        (f["inverse"], "you divided enrolments by spend (enrolments per rupee). Cost per enrolment is spend / "
                       "enrolments."),
        (f["cpe_generic"], "those are the generic creative's lines. Keep the rows where `creative_type` is "
                           "'tailored'."),
        (f["cpe_both"], "you added up both creatives of each segment. Keep only the tailored lines."),
        (f["fee_ratio"], "that is the ROAS (revenue / spend), not a cost per enrolment."),
    ]
    mistakes = [(m.rename("cost_per_enrolment"), msg) for m, msg in mistakes]
    expect_series(value, right, name="cost_per_enrolment", what="segment", rel_tol=1e-6, mistakes=mistakes)
    return (f"the tailored {right.idxmin().replace('_', ' ')} creative buys an enrolment for "
            f"₹{right.min():,.0f}; the tailored '{right.idxmax()}' creative costs ₹{right.max():,.0f} per "
            "enrolment.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="cost_per_enrolment",
    topic="cases",
    title="Cost per enrolment of each tailored creative",
    checker=_check_cpe,
    hints=[
        "Keep the rows of `ads` where `creative_type == \"tailored\"`, with `segment` as the index.",
        "`tailored[\"spend\"] / tailored[\"enrolments\"]` after `.set_index(\"segment\")`.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
