"""Exercises for the workbook ``12-privacy-ethics-and-compliance``.

* ``q1`` (opt-out): after processing a list of STOP replies to SMS, how many
  customers may still receive a WhatsApp message, as ``n_whatsapp``.
* ``q2`` (retention): how many purchase rows a retention policy keeps (12
  months, plus deletion for people who withdrew all marketing consent), as
  ``n_kept``.
* ``q3`` (proxy discrimination): the disparity ratio by income band of a
  rule that selects three pin codes, as ``ratio``.

Every expected value is computed from the course data when the check runs.

Examples
--------
>>> from course_lib.chapters.workbooks.privacy_ethics_and_compliance import q1
>>> q1.evaluate(None).status
'incorrect'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.learning.exercises import Exercise, Mismatch, expect_number

__all__ = ["NOTEBOOK", "EXERCISES", "STOP_EVERY", "stop_replies", "RETENTION", "AFFLUENT_PINS_RULE",
           "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "12-privacy-ethics-and-compliance"
#: q1: every STOP_EVERY-th customer (C00040, C00080, ...) replied STOP to an SMS.
STOP_EVERY = 40
#: q2: the retention policy.
RETENTION: dict[str, Any] = {"as_of": "2025-12-31", "months": 12}
#: q3: the rule whose reach is compared across income bands.
AFFLUENT_PINS_RULE = "pin_code in ['441108', '440010', '440001']"
_FLAGS = ["consent_email", "consent_sms", "consent_ads"]


def _customers() -> pd.DataFrame:
    from course_lib.market.datasets import load_customers  # noqa: PLC0415 (imported when a check runs)

    return load_customers()


def stop_replies(customers: pd.DataFrame | None = None) -> list[str]:
    """The ids of the customers who replied STOP to an SMS (q1).

    Examples
    --------
    >>> stop_replies()[:2]  # doctest: +SKIP
    ['C00040', 'C00080']
    """
    customers = _customers() if customers is None else customers
    ids = customers["customer_id"].astype(str)
    number = ids.str[1:].astype(int)
    return ids[number % STOP_EVERY == 0].tolist()


# --------------------------------------------------------------------------- q1: STOP replies


def _check_whatsapp(value: Any) -> str:
    customers = _customers()
    stop = customers["customer_id"].isin(stop_replies(customers))
    sms = customers["consent_sms"].fillna(False).astype(bool)
    expected = int((sms & ~stop).sum())
    if isinstance(value, (pd.DataFrame, pd.Series)) and len(value) == len(customers):
        raise Mismatch("`n_whatsapp` is a whole table or column. The question asks for a number: add up the "
                       "True values with `.sum()`.")
    mistakes = [
        (int(sms.sum()), "`n_whatsapp` is the number with SMS consent *before* the STOP replies. Apply them "
                         "first with `withdraw_consent(..., channels='sms')`."),
        (int(sms.sum()) - int(stop.sum()), "you subtracted every STOP reply, but some of those people had "
                                           "already opted out of SMS: they cannot be removed twice."),
        (int((customers["consent_email"].fillna(False).astype(bool)).sum()),
         "`n_whatsapp` counts e-mail consent. WhatsApp needs the SMS/phone-messaging flag `consent_sms`."),
        (int(stop.sum()), "`n_whatsapp` is the number of STOP replies, not the people who may still be contacted."),
        (int((sms & stop).sum()), "`n_whatsapp` counts the people whose consent the STOP replies removed; the "
                                  "question asks who may still receive WhatsApp."),
        (len(customers) - expected, "`n_whatsapp` counts the customers who may NOT be contacted on WhatsApp."),
        (expected / len(customers), "`n_whatsapp` is a share; give the number of customers."),
        (100 * expected / len(customers), "`n_whatsapp` is a percentage; give the number of customers."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_whatsapp", mistakes=mistakes)
    return (f"{expected:,} customers may still get WhatsApp messages; the STOP replies removed "
            f"{int((sms & stop).sum()):,} of them (the other {int((~sms & stop).sum()):,} had already opted out). "
            "SMS and WhatsApp share one flag, so a STOP to SMS stops WhatsApp too.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_whatsapp",
    topic="privacy-ethics",
    title="Processing STOP replies",
    checker=_check_whatsapp,
    hints=[
        "Record the opt-outs first (set the SMS flag to False for everyone in `stop`), then count who may be "
        "contacted on WhatsApp. Which flag does WhatsApp need?",
        "`updated = withdraw_consent(customers, stop, channels='sms')`, then "
        "`contactable(updated, 'whatsapp').sum()`.",
    ],
)


# --------------------------------------------------------------------------- q2: retention


def _transactions() -> pd.DataFrame:
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415

    return load_transactions()


def _check_kept(value: Any) -> str:
    customers = _customers()
    tx = _transactions()
    as_of = pd.Timestamp(RETENTION["as_of"])
    none = ~customers[_FLAGS].fillna(False).astype(bool).any(axis=1)
    anyoff = ~customers[_FLAGS].fillna(False).astype(bool).all(axis=1)
    withdrawn = tx["customer_id"].isin(customers.loc[none, "customer_id"])

    def recent(months: int) -> pd.Series:
        return tx["date"] >= as_of - pd.DateOffset(months=months)

    old_ok = recent(RETENTION["months"])
    expected = int((old_ok & ~withdrawn).sum())
    if isinstance(value, pd.DataFrame):
        raise Mismatch("`n_kept` is the table of kept rows. The question asks how many there are: use `len(...)`.")
    mistakes = [
        (int(old_ok.sum()), "`n_kept` applies only the 12-month rule. People who withdrew all consent must "
                            "lose their history too."),
        (int((~withdrawn).sum()), "`n_kept` applies only the consent rule. Rows older than 12 months must go too."),
        (len(tx) - expected, "`n_kept` counts the rows the policy removes; the question asks how many are kept."),
        (int((old_ok & ~tx["customer_id"].isin(customers.loc[anyoff, "customer_id"])).sum()),
         "you removed everyone who opted out of at least one channel. The policy deletes only people who "
         "withdrew ALL marketing consent (email, SMS and ads all False)."),
        (int((recent(18) & ~withdrawn).sum()), "`n_kept` keeps 18 months; the policy keeps 12."),
        (int((recent(6) & ~withdrawn).sum()), "`n_kept` keeps 6 months; the policy keeps 12."),
        (int((tx["date"] < as_of - pd.DateOffset(months=RETENTION["months"])).sum()),
         "`n_kept` counts the rows older than 12 months (the ones to delete)."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="n_kept", mistakes=mistakes)
    return (f"The policy keeps {expected:,} of {len(tx):,} purchase rows ({expected / len(tx):.1%}); "
            f"{int(none.sum()):,} customers had withdrawn all marketing consent.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="n_kept",
    topic="privacy-ethics",
    title="A 12-month retention policy",
    checker=_check_kept,
    hints=[
        "Two rules: rows dated before 2024-12-31 go, and so do all rows of customers whose three consent flags "
        "are all False. Count the rows that survive both.",
        "`res = apply_retention(transactions, date='date', as_of='2025-12-31', months=12, withdrawn=withdrawn)` "
        "with `withdrawn` the ids of customers with no consent at all; `n_kept = len(res.kept)`.",
    ],
)


# --------------------------------------------------------------------------- q3: disparity ratio


def _check_ratio(value: Any) -> str:
    customers = _customers()
    selected = customers.eval(AFFLUENT_PINS_RULE)
    table = pd.DataFrame({"band": customers["income_band"].astype(str), "sel": selected})
    rates = table.groupby("band")["sel"].mean()
    counts = table.groupby("band")["sel"].sum()
    expected = float(rates.min() / rates.max())
    g = pd.DataFrame({"g": customers["gender"].astype(str), "sel": selected}).groupby("g")["sel"]
    g_rates = g.mean()[g.size() >= 10]
    mistakes = [
        (float(rates.max() / rates.min()), "`ratio` is upside down: divide the LOWEST selection rate by the "
                                           "highest, so the answer lies between 0 and 1."),
        (float(counts.min() / counts.max()), "`ratio` compares the numbers selected. Groups differ in size: "
                                             "compare selection RATES (selected / customers in the group)."),
        (100 * expected, "`ratio` is a percentage; give it as a fraction between 0 and 1."),
        (float(g_rates.min() / g_rates.max()), "`ratio` compares genders; the question asks about income bands."),
        (float(rates.min()), "`ratio` is the lowest selection rate itself; divide it by the highest rate."),
    ]
    mistakes = [(v, m) for v, m in mistakes if abs(v - expected) > 1e-9]
    expect_number(value, expected, name="ratio", rel_tol=1e-3, mistakes=mistakes)
    return (f"The rule reaches {rates.max():.0%} of {rates.idxmax()} customers but only {rates.min():.0%} of "
            f"{rates.idxmin()} (ratio {expected:.2f}, below the 0.8 rule of thumb): the pin codes act as a proxy "
            "for income.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="ratio",
    topic="privacy-ethics",
    title="Pin codes as a proxy for income",
    checker=_check_ratio,
    hints=[
        "Work out, for each income band, the share of its customers the rule selects; then divide the smallest "
        "share by the largest.",
        "`reach_by_group(customers, AFFLUENT_PINS_RULE, 'income_band')` gives the selection rates; "
        "`disparity_ratio(customers, AFFLUENT_PINS_RULE, 'income_band')` gives the ratio directly.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
