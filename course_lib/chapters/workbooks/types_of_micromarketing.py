"""Exercises for the workbook ``07-types-of-micromarketing``.

* ``q1`` (price sensitivity): how many customers with at least 5 purchases
  bought at least half of them on discount, as ``n_price_sensitive``.
* ``q2`` (job title): how many contacts of the B2B case who opted in to
  email hold an operations-leadership title (Chief Operating Officer or VP
  Operations, in any spelling), as ``n_ops_contacts``.
* ``q3`` (recognising the types): which type each of five short business
  situations shows, as a dict ``scenario_types``.

The expected values of q1 and q2 are computed from the course data when the
check runs (independently of :mod:`course_lib.chapters.micromarketing_types`); the
situations of q3 and their answers are data in ``data/content/types.yaml``.

Examples
--------
>>> from course_lib.chapters.workbooks.types_of_micromarketing import q3
>>> q3.evaluate("recovery").status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from course_lib.learning.exercises import Exercise, Mismatch, expect_number

__all__ = ["NOTEBOOK", "EXERCISES", "MIN_PURCHASES", "MIN_SHARE", "OPS_TITLES", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "07-types-of-micromarketing"
#: The price-sensitivity rule of q1.
MIN_PURCHASES = 5
MIN_SHARE = 0.5
#: The canonical titles of q2.
OPS_TITLES = ("Chief Operating Officer", "VP Operations")


# --------------------------------------------------------------------------- q1: price sensitivity


@functools.lru_cache(maxsize=1)
def _per_customer() -> pd.DataFrame:
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415 (imported when a check runs)

    tx = load_transactions()
    g = tx.assign(disc_amount=tx["amount"].where(tx["discount_used"], 0.0)).groupby("customer_id", observed=True)
    return pd.DataFrame({"n": g.size(), "disc": g["discount_used"].sum(), "amount": g["amount"].sum(),
                         "disc_amount": g["disc_amount"].sum()})


def _check_price(value: Any) -> str:
    pc = _per_customer()
    share = pc["disc"] / pc["n"]
    enough = pc["n"] >= MIN_PURCHASES
    expected = int(((share >= MIN_SHARE) & enough).sum())
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        if len(value) == expected:
            raise Mismatch("`n_price_sensitive` holds the customers themselves. The question asks for their number: "
                           "wrap it in `len(...)`.")
        raise Mismatch("`n_price_sensitive` should be one number (how many customers), not a table; "
                       "filter the customers and use `len(...)`.")
    mistakes = [
        (int((share >= MIN_SHARE).sum()), "`n_price_sensitive` includes customers with fewer than 5 purchases: "
                                          "two lucky coupons do not make a bargain hunter. Keep purchases >= 5."),
        (int(((share > MIN_SHARE) & enough).sum()), "`n_price_sensitive` leaves out customers with exactly half "
                                                    "their purchases on discount. 'At least half' means >= 0.5."),
        (int(((share >= MIN_SHARE) & (pc["n"] > MIN_PURCHASES)).sum()),
         "`n_price_sensitive` leaves out customers with exactly 5 purchases. 'At least 5' means >= 5."),
        (int(((pc["disc_amount"] / pc["amount"] >= MIN_SHARE) & enough).sum()),
         "`n_price_sensitive` uses the share of *rupees* spent on discount. The rule counts purchases: the "
         "share of purchases (rows) with discount_used True."),
        (int(pc["disc"].sum()), "`n_price_sensitive` counts discounted purchases, not customers. Work per customer "
                                "first (groupby customer_id)."),
        (int(((pc["disc"] >= MIN_PURCHASES)).sum()),
         "`n_price_sensitive` counts customers with at least 5 *discounted* purchases. The rule is: at least 5 "
         "purchases in all, and at least half of them on discount."),
    ]
    if expected != 0:
        mistakes.append((0, "`n_price_sensitive` is 0. Is the share written as 50 (a percentage)? Shares here run "
                            "from 0 to 1, so half is 0.5."))
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_price_sensitive", mistakes=mistakes)
    return (f"{expected:,} customers ({expected / len(pc):.1%} of the buyers) bought at least half their purchases "
            "on discount: an audience for a value range, not for full-price launches.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_price_sensitive",
    topic="types",
    title="Price-sensitive customers",
    checker=_check_price,
    hints=[
        "Work per customer: the number of purchases, and the share of them with `discount_used` True. Keep customers "
        "with at least 5 purchases and a share of at least 0.5, then count them.",
        "`discount_profile(transactions)` gives `purchases` and `discount_share` per customer; or use "
        "`price_sensitive_customers(transactions, min_share=0.5, min_purchases=5)` and `len(...)`.",
    ],
)


# --------------------------------------------------------------------------- q2: job titles


def _contacts() -> pd.DataFrame:
    from course_lib.market.datasets import load_case  # noqa: PLC0415

    return load_case("b2b").contacts


def _check_ops(value: Any) -> str:
    con = _contacts()
    variants = {"coo": "Chief Operating Officer", "vice president - operations": "VP Operations"}
    raw = con["job_title"].astype(str)
    clean = raw.str.strip().str.lower().map(variants).fillna(raw)
    ops = clean.isin(OPS_TITLES)
    opted = con["email_opt_in"].astype(bool)
    expected = int((ops & opted).sum())
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        if len(value) == expected:
            raise Mismatch("`n_ops_contacts` holds the contacts themselves. The question asks for their number: "
                           "wrap it in `len(...)`.")
        raise Mismatch("`n_ops_contacts` should be one number (how many contacts), not a table.")
    exact = raw.isin(OPS_TITLES)
    mistakes = [
        (int((exact & opted).sum()), "`n_ops_contacts` misses the other spellings ('COO', 'Vice President - "
                                     "Operations'). Standardise the titles first."),
        (int(ops.sum()), "`n_ops_contacts` includes contacts who did not opt in to email; keep email_opt_in True."),
        (int(exact.sum()), "`n_ops_contacts` misses the other spellings and includes contacts who did not opt in."),
        (int(((clean == OPS_TITLES[0]) & opted).sum()), "`n_ops_contacts` counts only Chief Operating Officers; "
                                                        "VP Operations belong to the role too."),
        (int(((clean == OPS_TITLES[1]) & opted).sum()), "`n_ops_contacts` counts only VP Operations; Chief Operating "
                                                        "Officers belong to the role too."),
        (int(con.loc[ops & opted, "account_id"].nunique()), "`n_ops_contacts` counts companies. The question asks "
                                                            "for contacts (people): some companies have two."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_ops_contacts", mistakes=mistakes)
    return (f"{expected} operations leaders can be emailed; {int((ops & ~opted).sum())} more hold the title but "
            "did not opt in, so they may only see ads.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="n_ops_contacts",
    topic="types",
    title="Operations leaders in the B2B contacts",
    checker=_check_ops,
    hints=[
        "Look at `contacts['job_title'].value_counts()`: the same title is spelt in several ways. Standardise it, "
        "keep 'Chief Operating Officer' and 'VP Operations', and keep contacts with email_opt_in True.",
        "`standardise_titles(contacts['job_title'])` gives one spelling per title; combine `.isin([...])` with "
        "`contacts['email_opt_in']` and add up the True values.",
    ],
)


# --------------------------------------------------------------------------- q3: which type?


def _scenarios() -> pd.DataFrame:
    from course_lib.chapters.micromarketing_types import load_scenarios  # noqa: PLC0415

    return load_scenarios()


def _type_lookup() -> dict[str, str]:
    from course_lib.chapters.micromarketing_types import load_types  # noqa: PLC0415

    names = load_types()["name"]
    lookup: dict[str, str] = {}
    for key, name in names.items():
        for text in (key, key.replace("_", " "), key.replace("_", "-"), name, name.split(" (")[0]):
            lookup[text.strip().casefold()] = key
    lookup["win-back"] = lookup["win back"] = "recovery"
    return lookup


def _check_scenarios(value: Any) -> str:
    table = _scenarios()
    if value is None:
        raise Mismatch("`scenario_types` is None. Did you forget to assign the dict?")
    if not isinstance(value, dict):
        raise Mismatch(f"`scenario_types` should be a dict such as {{'A': 'loyalty', ...}}, but it is a "
                       f"{type(value).__name__}.")
    keys = {str(k).strip().upper(): v for k, v in value.items()}
    missing = [s for s in table.index if s not in keys]
    if missing:
        raise Mismatch(f"`scenario_types` has no answer for situation(s) {', '.join(missing)}.")
    extra = [k for k in keys if k not in table.index]
    if extra:
        raise Mismatch(f"`scenario_types` has unknown situation(s) {', '.join(extra)}; use {', '.join(table.index)}.")
    lookup = _type_lookup()
    wrong = []
    for sid, row in table.iterrows():
        given = keys[sid]
        key = lookup.get(given.strip().casefold()) if isinstance(given, str) else None
        if key is None:
            raise Mismatch(f"situation {sid}: {given!r} is not a type. Use one of: "
                           f"{', '.join(sorted(set(lookup.values())))}.")
        if key != row["answer"]:
            wrong.append((sid, key, row))
    if wrong:
        sid, key, row = wrong[0]
        more = f" ({len(wrong)} situations are not right yet.)" if len(wrong) > 1 else ""
        if key == row["confusable"]:
            raise Mismatch(f"situation {sid} is not {key}: {row['why']}{more}")
        raise Mismatch(f"situation {sid} is not {key}. Ask: *why* was this audience chosen?{more}")
    return "You can tell the types apart by the reason an audience is chosen."


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="scenario_types",
    topic="types",
    title="Which type is it?",
    checker=_check_scenarios,
    hints=[
        "For each situation ask what singles the audience out: where they live, what they do for a living, their "
        "industry, how often or how recently they buy, a shared need, or their response to price.",
        "Two pairs are easy to mix up: loyalty (established regulars) vs relationship (new customers to nurture), "
        "and recovery (they stopped buying) vs price sensitivity (they buy on discount).",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
