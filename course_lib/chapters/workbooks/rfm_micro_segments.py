"""Exercises for the workbook ``05-rfm-micro-segments``.

* ``q1``: share of CDNOW customers who bought only once (``one_off_share``).
* ``q2``: share of CDNOW revenue that comes from the "champions" segment
  (``champions_revenue_share``).
* ``q3``: size of the synthetic retailer's win-back (customer-recovery)
  selection on 30 June 2025 (``n_winback``).

Every expected value is computed from the course data when the check runs,
with :mod:`course_lib.analysis.rfm`; the typical mistakes (a count instead of a share,
a percentage, the lifetimes convention, dropping "duplicate" purchases,
forgetting the observation date, one-off buyers in a win-back list) are
recomputed the same way and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.rfm_micro_segments import q1
>>> q1.evaluate(50.5).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.market.datasets import load_cdnow, load_transactions
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_single
from course_lib.analysis.rfm import lapsed_customers, loyal_customers, rfm_segments, rfm_table

__all__ = ["NOTEBOOK", "EXERCISES", "WINBACK_AS_OF", "WINBACK_DAYS", "WINBACK_MIN_PURCHASES", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "05-rfm-micro-segments"
#: The planning date of the win-back campaign in q3.
WINBACK_AS_OF = "2025-06-30"
#: No purchase for at least this many days = lapsed (q3).
WINBACK_DAYS = 180
#: At least this many past purchases to be worth winning back (q3).
WINBACK_MIN_PURCHASES = 2


@functools.lru_cache(maxsize=1)
def _cdnow_rfm() -> pd.DataFrame:
    return rfm_table(load_cdnow())


@functools.lru_cache(maxsize=1)
def _cdnow_facts() -> dict[str, float]:
    """The right answers and the typical wrong ones for q1 and q2 (computed once per session)."""
    cd = load_cdnow()
    rfm = _cdnow_rfm()
    one = rfm["frequency"] == 1
    seg = rfm_segments(rfm)
    total = float(seg["monetary"].sum())
    champs = seg["segment"] == "champions"
    lifetimes = rfm_table(cd, convention="lifetimes")
    dedup = rfm_table(cd.drop_duplicates())
    return {
        "one_off_share": float(one.mean()),
        "one_off_count": float(one.sum()),
        "one_off_share_lifetimes": float((lifetimes["frequency"] == 0).mean()),
        "one_off_share_dedup": float((dedup["frequency"] == 1).mean()),
        "one_off_per_row": float(one.sum() / len(cd)),
        "repeat_share": float((~one).mean()),
        "champ_rev_share": float(seg.loc[champs, "monetary"].sum() / total),
        "champ_rev": float(seg.loc[champs, "monetary"].sum()),
        "champ_cust_share": float(champs.mean()),
        "champ_loyal_rev_share": float(seg.loc[seg["segment"].isin(["champions", "loyal"]), "monetary"].sum() / total),
        "champ_mean_ratio": float(seg.loc[champs, "monetary"].mean() / seg["monetary"].mean()),
        "loyal_rev_share": float(seg.loc[seg["segment"] == "loyal", "monetary"].sum() / total),
    }


def _not_a_collection(value: Any, name: str, right_length: int | None = None) -> None:
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index, list, tuple, set)) and right_length is not None \
            and len(value) == right_length:
        raise Mismatch(f"`{name}` holds the right customers, but the question asks for a number: use `len(...)`.")
    expect_single(value, name=name, hint="Reduce it to one number (for example with `.mean()` or `len(...)`).")


# --------------------------------------------------------------------------- q1: one-off buyers


def _check_one_off(value: Any) -> str:
    f = _cdnow_facts()
    _not_a_collection(value, "one_off_share")
    expect_number(
        value,
        f["one_off_share"],
        name="one_off_share",
        mistakes=[
            (f["one_off_count"], "`one_off_share` is the number of one-off buyers. Divide by the number of "
                                 "customers to get a share (or use `.mean()` on a True/False column)."),
            (100 * f["one_off_share"], "`one_off_share` looks like a percentage. Give a fraction between 0 and 1."),
            (f["one_off_share_lifetimes"], "that is the share with lifetimes `frequency == 0`, i.e. customers who "
                                           "bought on one *day* only (several purchases on that day count once). "
                                           "Use the standard convention: `frequency` counts purchases."),
            (f["one_off_share_dedup"], "close, but you dropped identical rows first. In CDNOW identical rows are "
                                       "separate purchases on the same day; keep them all."),
            (f["one_off_per_row"], "you divided by the number of transaction rows. The share is per customer: "
                                   "divide by the number of customers (rows of the RFM table)."),
            (f["repeat_share"], "that is the share of customers who bought more than once (the complement)."),
        ],
    )
    return (f"{f['one_off_share']:.1%} of the cohort never came back after their first purchase: a large group "
            "for a relationship (second-purchase) campaign while it is still fresh.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="one_off_share",
    topic="rfm",
    title="How many CDNOW customers bought only once?",
    checker=_check_one_off,
    hints=[
        "Build the RFM table with `rfm_table(cdnow)`; a one-off buyer has `frequency == 1`.",
        "`(rfm[\"frequency\"] == 1)` is a True/False Series; its `.mean()` is the share of True values.",
    ],
)


# --------------------------------------------------------------------------- q2: champions' revenue


def _check_champions(value: Any) -> str:
    f = _cdnow_facts()
    _not_a_collection(value, "champions_revenue_share")
    expect_number(
        value,
        f["champ_rev_share"],
        name="champions_revenue_share",
        mistakes=[
            (f["champ_cust_share"], "that is the champions' share of *customers*. The question asks for their "
                                    "share of *revenue*: sum `monetary` for the champions, divide by the total."),
            (100 * f["champ_rev_share"], "`champions_revenue_share` looks like a percentage. Give a fraction."),
            (f["champ_rev"], "that is the champions' revenue in dollars. Divide it by the revenue of all customers."),
            (f["champ_loyal_rev_share"], "you added the 'loyal' segment to the champions. Keep only 'champions'."),
            (f["loyal_rev_share"], "that is the revenue share of the 'loyal' segment, not of the 'champions'."),
            (f["champ_mean_ratio"], "you compared the champions' *average* spend with the overall average. Use "
                                    "sums: champions' total spend / everybody's total spend."),
        ],
    )
    return (f"{f['champ_cust_share']:.0%} of the customers bring {f['champ_rev_share']:.0%} of the revenue: "
            "the loyalty selection protects most of the business.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="champions_revenue_share",
    topic="rfm",
    title="Share of CDNOW revenue from the champions",
    checker=_check_champions,
    hints=[
        "`rfm_segments(rfm)` adds a `segment` column; the champions are the rows where it equals 'champions'.",
        "Sum `monetary` over the champions and divide by `segments[\"monetary\"].sum()`.",
    ],
)


# --------------------------------------------------------------------------- q3: win-back list


@functools.lru_cache(maxsize=1)
def _winback_rfm() -> pd.DataFrame:
    return rfm_table(load_transactions(), as_of=WINBACK_AS_OF)


def _winback_right() -> tuple[int, int]:
    """The right count and the count with one-off buyers included (both cheap)."""
    rfm = _winback_rfm()
    right = len(lapsed_customers(rfm, WINBACK_DAYS, WINBACK_MIN_PURCHASES))
    return right, len(lapsed_customers(rfm, WINBACK_DAYS, 1))


@functools.lru_cache(maxsize=1)
def _winback_mistakes() -> dict[str, float]:
    """Counts that typical mistakes produce; computed only when an answer is wrong."""
    tx = load_transactions()
    rfm = _winback_rfm()
    latest = rfm_table(tx)
    lt = rfm_table(tx, as_of=WINBACK_AS_OF, convention="lifetimes")
    strict = int(((rfm["recency"] > WINBACK_DAYS) & (rfm["frequency"] >= WINBACK_MIN_PURCHASES)).sum())
    return {
        "one_off_too": float(_winback_right()[1]),
        "no_as_of": float(len(lapsed_customers(latest, WINBACK_DAYS, WINBACK_MIN_PURCHASES))),
        "strict": float(strict),
        "ninety": float(len(lapsed_customers(rfm, 90, WINBACK_MIN_PURCHASES))),
        "loyal": float(len(loyal_customers(rfm))),
        "lifetimes": float(((lt["recency"] >= WINBACK_DAYS) & (lt["frequency"] >= 1)).sum()),
        "lifetimes_f2": float(((lt["recency"] >= WINBACK_DAYS) & (lt["frequency"] >= 2)).sum()),
        "customers": float(len(rfm)),
    }


def _check_winback(value: Any) -> str:
    right, with_one_off = _winback_right()
    _not_a_collection(value, "n_winback", right_length=right)
    success = (f"{right:,} former regulars would get the 'we miss you' message; one-off buyers who lapsed "
               f"({with_one_off - right:,} more) are left to the cheap newsletter.")
    try:
        expect_number(value, right, name="n_winback")
        return success
    except Mismatch:
        pass
    f = _winback_mistakes()
    mistakes = [
        (f["one_off_too"], "your list includes one-off buyers. A win-back campaign targets former *repeat* "
                           "buyers: keep customers with at least 2 purchases (`min_frequency=2`)."),
        (f["no_as_of"], "that is the count at the end of the data (31 December 2025). The campaign is planned on "
                        f"{WINBACK_AS_OF}: pass `as_of=\"{WINBACK_AS_OF}\"` to `rfm_table`."),
        (f["strict"], f"you used 'more than {WINBACK_DAYS} days'. A customer silent for exactly {WINBACK_DAYS} "
                      f"days counts as lapsed too: use `>= {WINBACK_DAYS}` (as `lapsed_customers` does)."),
        (f["ninety"], f"that uses a 90-day threshold. Lapsed here means no purchase for {WINBACK_DAYS} days or more."),
        (f["loyal"], "that is the loyalty selection (frequent, recent buyers), the opposite of a win-back list."),
        (f["lifetimes"], "you used the lifetimes convention, where `recency` is the time between the first and "
                         "last purchase, not the time since the last one. Use the standard `rfm_table`."),
        (f["lifetimes_f2"], "you used the lifetimes convention, where `recency` is the time between the first and "
                            "last purchase, not the time since the last one. Use the standard `rfm_table`."),
        (f["customers"], "that is every customer who had bought by then. Keep only the lapsed repeat buyers."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != right]
    expect_number(value, right, name="n_winback", mistakes=mistakes)
    return success


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="n_winback",
    topic="rfm",
    title="Size of the win-back selection",
    checker=_check_winback,
    hints=[
        f"Build the RFM table of `load_transactions()` as of {WINBACK_AS_OF}, then select lapsed repeat buyers.",
        f"`lapsed_customers(rfm_table(tx, as_of=\"{WINBACK_AS_OF}\"), min_recency={WINBACK_DAYS}, "
        f"min_frequency={WINBACK_MIN_PURCHASES})` returns the list; `len(...)` counts it.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
