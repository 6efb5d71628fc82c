"""Exercises for the warm-up workbook ``00-start-here``.

The workbook uses a small table of six ad campaigns
(``data/warmup/ads.csv``) so it runs without the synthetic market.

* ``q1``: click-through rate (CTR) of every ad, as a Series ``ctr``.
* ``q2``: the ad with the best return on ad spend (ROAS), as ``best_ad``.

Every expected value is computed from the data file when the check runs.

Examples
--------
>>> from course_lib.chapters.workbooks.start_here import load_ads, q1
>>> ads = load_ads()
>>> q1.evaluate(ads["clicks"] / ads["impressions"]).status
'correct'
>>> q1.evaluate(100 * ads["clicks"] / ads["impressions"]).status
'incorrect'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.base import paths
from course_lib.learning.exercises import Exercise, Mismatch, expect_label, expect_series
from course_lib.base.validation import require_dataframe, require_no_missing, require_non_negative

__all__ = ["NOTEBOOK", "EXERCISES", "ADS_PATH", "load_ads", "q1", "q2"]

#: The workbook these exercises belong to.
NOTEBOOK = "00-start-here"
#: The warm-up campaigns table.
ADS_PATH = paths.DATA_DIR / "warmup" / "ads.csv"
_NUMERIC = ["impressions", "clicks", "spend", "conversions", "revenue"]


def load_ads() -> pd.DataFrame:
    """Load the six warm-up ad campaigns, indexed by ``ad``.

    Returns
    -------
    pandas.DataFrame
        Index ``ad``; columns ``channel``, ``impressions``, ``clicks``,
        ``spend`` (currency units), ``conversions``, ``revenue``. A new frame
        on every call, so students cannot break the checks by editing it.

    Examples
    --------
    >>> ads = load_ads()
    >>> ads.shape
    (6, 6)
    >>> ads.index.name
    'ad'
    """
    ads = pd.read_csv(ADS_PATH, index_col="ad")
    require_dataframe(ads, "data/warmup/ads.csv")
    require_non_negative(ads, _NUMERIC, "data/warmup/ads.csv")
    require_no_missing(ads, _NUMERIC, "data/warmup/ads.csv")
    return ads


# --------------------------------------------------------------------------- q1: CTR


def _check_ctr(value: Any) -> str:
    ads = load_ads()
    expected = ads["clicks"] / ads["impressions"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        total = ads["clicks"].sum() / ads["impressions"].sum()
        if abs(value - total) < 1e-9:
            raise Mismatch(
                "`ctr` is the CTR of all ads together (one number). The question asks for one CTR per ad: "
                "divide the two columns, not their totals."
            )
    mistakes = [
        (100 * expected, "`ctr` looks like a percentage (the values are 100 times too big). "
                         "Keep CTR as a fraction between 0 and 1 here."),
        (ads["impressions"] / ads["clicks"], "`ctr` is upside down: CTR is clicks divided by impressions."),
        (ads["conversions"] / ads["clicks"], "`ctr` is the conversion rate (conversions per click). "
                                             "CTR is clicks per impression."),
        (ads["clicks"] / ads["spend"], "`ctr` divides clicks by spend. CTR is clicks per impression."),
    ]
    expect_series(value, expected, name="ctr", what="ad", mistakes=mistakes)
    best = expected.idxmax()
    return f"The highest CTR is {best!r} ({expected[best]:.1%})."


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="ctr",
    topic="metrics",
    title="Click-through rate per ad",
    checker=_check_ctr,
    hints=[
        "CTR = clicks / impressions, for every ad.",
        "Dividing one column by another works row by row: `ads[\"clicks\"] / ads[\"impressions\"]` "
        "gives a Series indexed by ad.",
    ],
)


# --------------------------------------------------------------------------- q2: best ROAS


def _check_best_ad(value: Any) -> str:
    ads = load_ads()
    roas = ads["revenue"] / ads["spend"]
    expected = roas.idxmax()
    ctr = ads["clicks"] / ads["impressions"]
    cpa = ads["spend"] / ads["conversions"]
    mistakes = [
        (roas.idxmin(), "that is the ad with the lowest ROAS. Look for the largest value (`.idxmax()`)."),
        (ads["revenue"].idxmax(), "that ad brings the most revenue, but it also costs the most. "
                                  "ROAS is revenue per unit of spend."),
        (ctr.idxmax(), "that ad has the best click-through rate, not the best return on ad spend."),
        (cpa.idxmin(), "that ad has the lowest cost per acquisition (CPA), not the best ROAS."),
        (ads["conversions"].idxmax(), "that ad has the most conversions; ROAS compares revenue with spend."),
    ]
    mistakes = [(label, msg) for label, msg in mistakes if label != expected]
    if isinstance(value, pd.Series) and len(value) == len(ads):
        raise Mismatch(
            "`best_ad` is a whole Series (one value per ad). The question asks for the name of one ad: "
            "use `.idxmax()` on the ROAS Series."
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value - roas.max()) < 1e-9:
        raise Mismatch("`best_ad` is the best ROAS value itself. Give the ad's name instead (`.idxmax()`).")
    expect_label(value, expected, name="best_ad", choices=list(ads.index), mistakes=mistakes)
    return f"{expected!r} returns {roas[expected]:.2f} in revenue for every unit spent."


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="best_ad",
    topic="metrics",
    title="Best return on ad spend",
    checker=_check_best_ad,
    hints=[
        "ROAS (return on ad spend) = revenue / spend. Compute it for every ad first.",
        "`.idxmax()` on a Series returns the label (here the ad's name) of its largest value.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2]
