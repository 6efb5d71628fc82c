"""Exercises for the workbook ``16-case-short-cases`` (clothing, fitness app, B2B and edtech).

* ``q1`` (clothing): how many shoppers are *sportswear buyers* under the
  plan's rules, from the cleaned purchase history (``n_sportswear_buyers``).
* ``q2`` (fitness): the office area where the break-time creative bought
  paid subscriptions most cheaply, where spend should go first (``best_area``).
* ``q3`` (B2B): the gain in win rate per account from the 2024 broad outreach
  to the 2025 account-based campaign, after merging duplicate companies
  (``win_rate_gain``).
* ``q4`` (edtech): the persona whose sign-up completion rose most (in
  percentage points) with the personalised reminder (``persona_most_helped``).

Every expected value is computed from the case data when the check runs; the
typical mistakes (no category cleaning, ignoring the rule order, counting
orders instead of shoppers, judging by lift or by totals, a ratio instead of
a difference, the raw accounts with duplicates) are recomputed the same way
and get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.case_short_cases import q1
>>> q1.evaluate(0).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.market.datasets import load_case
from course_lib.learning.exercises import Exercise, Mismatch, expect_label, expect_number, expect_single
from course_lib.analysis.features import customer_features
from course_lib.chapters.short_cases import abm_result, clean_b2b, clean_clothing_orders, load_short_plan, shopper_segments

__all__ = ["NOTEBOOK", "EXERCISES", "q1", "q2", "q3", "q4"]

#: The workbook these exercises belong to.
NOTEBOOK = "16-case-short-cases"


def _not_a_collection(value: Any, name: str) -> None:
    expect_single(value, name=name, hint="Reduce it to one number (for example with `len(...)` or `.sum()`).",
                  also=(np.ndarray,), allow_size_one=True)


# --------------------------------------------------------------------------- q1: clothing segments


@functools.lru_cache(maxsize=1)
def _clothing() -> dict[str, int]:
    case = load_case("clothing")
    plan = load_short_plan("clothing")
    clean = clean_clothing_orders(case.orders, case.params["categories"], variants=plan["category_variants"])
    kw = dict(customer="shopper_id", date="order_date", channel=None, discount="discount_used")
    f = customer_features(clean, **kw)
    seg = shopper_segments(f, **plan["rules"])
    share = plan["rules"]["category_share"]
    # typical mistakes, recomputed
    raw = case.orders.drop_duplicates()
    raw = raw[(raw["amount"].notna() & (raw["amount"] > 0)).to_numpy()]
    raw = raw.assign(category=raw["category"].astype(str), discount_used=raw["discount_pct"] > 0)
    seg_raw = shopper_segments(customer_features(raw, **kw), **plan["rules"])
    order_share = (clean["category"] == "sportswear").groupby(clean["shopper_id"]).mean().reindex(f.index)
    seg_orders = shopper_segments(f.assign(share_sportswear=order_share), **plan["rules"])
    is_sport = seg == "sportswear_buyers"
    return {
        "right": int(is_sport.sum()),
        "no_priority": int((f["share_sportswear"] >= share).sum()),
        "any": int((f["share_sportswear"] > 0).sum()),
        "orders": int(f.loc[is_sport, "orders"].sum()),
        "no_std": int((seg_raw == "sportswear_buyers").sum()),
        "order_share": int((seg_orders == "sportswear_buyers").sum()),
        "shoppers": len(f),
    }


def _check_q1(value: Any) -> str:
    f = _clothing()
    if isinstance(value, (pd.Series, pd.DataFrame, pd.Index)) and len(value) == f["right"]:
        raise Mismatch("you have the right shoppers, but the question asks for a number: use `len(...)` or `.sum()`.")
    _not_a_collection(value, "n_sportswear_buyers")
    expect_number(
        value, f["right"], name="n_sportswear_buyers",
        mistakes=[
            (f["no_priority"], "that counts every shopper with half their spend on sportswear, including some "
                               "discount-only shoppers. The rules are applied in order: discount-only comes first."),
            (f["no_std"], "close, but the category spellings ('Sportswear', 'ethnic wear', 'foot wear') were not "
                          "merged, so some sportswear spend was counted as another category. Clean the orders "
                          "with `clean_clothing_orders`."),
            (f["order_share"], "you used the share of *orders* in sportswear. The rule uses the share of *spend* "
                               "(`share_sportswear` from `customer_features`)."),
            (f["any"], "that counts everyone who ever bought sportswear. A sportswear buyer spends at least half "
                       "of their money on it."),
            (f["orders"], "that is the number of orders of the sportswear buyers. Count shoppers, not orders."),
            (f["shoppers"], "that is every shopper with an order. Keep only the sportswear segment."),
        ],
    )
    return (f"{f['right']} shoppers are sportswear buyers: at least half of their spend on sportswear, and not "
            "discount-only. They are the audience for the running-range email.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="n_sportswear_buyers",
    topic="cases",
    title="Clothing: how many sportswear buyers?",
    checker=_check_q1,
    hints=[
        "Clean the orders first (`clean_clothing_orders`), then build one row per shopper with "
        "`customer_features(...)` and label them with `shopper_segments(features, **plan['rules'])`.",
        "`(shopper_segments(features, **plan['rules']) == 'sportswear_buyers').sum()`.",
    ],
)


# --------------------------------------------------------------------------- q2: fitness best area


@functools.lru_cache(maxsize=1)
def _fitness() -> dict[str, str]:
    ads = load_case("fitness").area_campaign
    bt = ads[(ads["creative"] == "break_time_workout").to_numpy()].set_index("area")
    cost = bt["spend"] / bt["paid_subscriptions"]
    gen = ads[(ads["creative"] == "generic_fitness").to_numpy()].set_index("area")
    lift = bt["paid_subscriptions"] / bt["impressions"] / (gen["paid_subscriptions"] / gen["impressions"])
    both = ads.groupby("area", observed=True)[["clicks", "paid_subscriptions"]].sum()
    return {
        "right": str(cost.idxmin()),
        "worst": str(cost.idxmax()),
        "lift": str(lift.idxmax()),
        "clicks": str(bt["clicks"].idxmax()),
        "both_subs": str(both["paid_subscriptions"].idxmax()),
        "both_clicks": str(both["clicks"].idxmax()),
        "areas": [str(a) for a in bt.index],
    }


def _check_q2(value: Any) -> str:
    f = _fitness()
    mistakes: list[tuple[Any, str]] = []
    seen = {f["right"]}
    for key, msg in [
        ("lift", "that area has the biggest *lift* over the generic ad, but only because its generic ad did badly. "
                 "Spend decisions follow the cost per paid subscription of the creative you will run."),
        ("worst", "that is the *most expensive* area per paid subscription: sort the other way."),
        ("clicks", "that area has the most clicks, but clicks are not subscriptions. Compare spend per paid "
                   "subscription."),
        ("both_subs", "you added up both creatives. The generic ad will be stopped, so judge the areas on the "
                      "break-time creative alone."),
        ("both_clicks", "that area has the most clicks over both creatives. Use paid subscriptions of the "
                        "break-time creative, per rupee."),
    ]:
        if f[key] not in seen:
            mistakes.append((f[key], msg))
            seen.add(f[key])
    expect_label(value, f["right"], name="best_area", choices=f["areas"], mistakes=mistakes)
    return (f"{f['right']}: the break-time ads bought a paid subscription there for the least money. Extra budget "
            "goes there first, while watching for saturation.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="best_area",
    topic="cases",
    title="Fitness: where should extra spend go first?",
    checker=_check_q2,
    hints=[
        "Keep the rows of `area_campaign` with `creative == 'break_time_workout'` and compute spend per paid "
        "subscription in each area (course_lib.analysis.metrics.cpa).",
        "`bt = ads[ads['creative'] == 'break_time_workout'].set_index('area')`, then "
        "`(bt['spend'] / bt['paid_subscriptions']).idxmin()`.",
    ],
)


# --------------------------------------------------------------------------- q3: B2B win rate


@functools.lru_cache(maxsize=1)
def _b2b() -> dict[str, float]:
    case = load_case("b2b")
    acc, eng = clean_b2b(case.accounts, case.engagement, case.params["regions"])
    res = abm_result(acc, eng).set_index("phase")
    win = res["win_rate"]
    raw = case.engagement.groupby("phase", observed=True)["deal_won"].mean()
    return {
        "right": float(win["micro_2025"] - win["broad_2024"]),
        "raw": float(raw["micro_2025"] - raw["broad_2024"]),
        "ratio": float(win["micro_2025"] / win["broad_2024"]),
        "meetings": float(res.loc["micro_2025", "meeting_rate"] - res.loc["broad_2024", "meeting_rate"]),
        "deals": float(res.loc["micro_2025", "deals"] - res.loc["broad_2024", "deals"]),
        "micro": float(win["micro_2025"]),
    }


def _check_q3(value: Any) -> str:
    f = _b2b()
    _not_a_collection(value, "win_rate_gain")
    expect_number(
        value, f["right"], name="win_rate_gain", rel_tol=1e-3,
        mistakes=[
            (100 * f["right"], "right idea, but give the gain as a fraction (0.08 = 8 percentage points), "
                               "not in percent."),
            (-f["right"], "the sign is reversed: compute micro_2025 minus broad_2024."),
            (f["raw"], "close, but the three companies listed twice are still separate accounts (203 instead of "
                       "200). Merge them first with `clean_b2b`."),
            (f["ratio"], "that is the ratio of the two win rates. The question asks for the difference "
                         "(micro minus broad)."),
            (f["ratio"] - 1, "that is the relative lift. The question asks for the difference of the two rates."),
            (f["meetings"], "that is the gain in the meeting rate. Use `deal_won` (the win rate)."),
            (f["deals"], "that is the difference in the number of deals. Divide by the accounts: use rates."),
            (f["micro"], "that is the 2025 win rate alone; subtract the 2024 win rate."),
        ],
    )
    return (f"The win rate per account rose by {f['right']:.3f} ({100 * f['right']:.1f} percentage points) with "
            "account-based targeting.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="win_rate_gain",
    topic="cases",
    title="B2B: how much did the win rate gain?",
    checker=_check_q3,
    hints=[
        "Merge the duplicate companies first: `accounts, engagement = clean_b2b(b2b.accounts, b2b.engagement, "
        "b2b.params['regions'])`. The win rate is the share of accounts with `deal_won`.",
        "`res = abm_result(accounts, engagement).set_index('phase')`, then "
        "`res.loc['micro_2025', 'win_rate'] - res.loc['broad_2024', 'win_rate']`.",
    ],
)


# --------------------------------------------------------------------------- q4: edtech persona


@functools.lru_cache(maxsize=1)
def _edtech() -> dict[str, Any]:
    case = load_case("edtech")
    sent = case.reminders.merge(case.users[["user_id", "persona"]], on="user_id", how="left")
    rates = sent.groupby(["persona", "variant"], observed=True)["completed_signup"].mean().unstack()
    counts = sent.groupby(["persona", "variant"], observed=True)["completed_signup"].sum().unstack()
    users = sent.groupby("persona", observed=True).size()
    gain = rates["personalised"] - rates["generic"]
    return {
        "right": str(gain.idxmax()),
        "top_rate": str(rates["personalised"].idxmax()),
        "most_users": str(users.idxmax()),
        "most_extra": str((counts["personalised"] - counts["generic"]).idxmax()),
        "least": str(gain.idxmin()),
        "personas": [str(p) for p in rates.index],
    }


def _check_q4(value: Any) -> str:
    f = _edtech()
    if isinstance(value, str) and value.strip().casefold() in {"unknown", "nan", "none", "missing"}:
        raise Mismatch("users without a persona could not be matched to a persona creative, and their completion "
                       "hardly moved. Pick one of the three personas.")
    mistakes: list[tuple[Any, str]] = []
    seen = {f["right"]}
    for key, msg in [
        ("top_rate", "that persona has the highest completion rate *with* the personalised reminder, but it was "
                     "already high with the generic one. The question asks for the biggest gain."),
        ("most_extra", "that persona gained the most sign-ups in number, because it is a large group. Compare "
                       "rates (percentage points), not counts."),
        ("most_users", "that is the largest persona, not the one that gained most. Compare completion rates."),
        ("least", "that persona gained the *least*: sort the gains the other way."),
    ]:
        if f[key] not in seen:
            mistakes.append((f[key], msg))
            seen.add(f[key])
    expect_label(value, f["right"], name="persona_most_helped", choices=f["personas"], mistakes=mistakes)
    return (f"{f['right']}: the generic reminder barely worked for them, and the reminder written for them "
            "multiplied completion. A generic message suits this group least.")


q4 = Exercise(
    id="q4",
    notebook=NOTEBOOK,
    var="persona_most_helped",
    topic="cases",
    title="Edtech: who gained most from the personalised reminder?",
    checker=_check_q4,
    hints=[
        "Join the reminders to the users' persona, then compute the completion rate per persona and variant "
        "(`groupby([...])['completed_signup'].mean().unstack()`).",
        "`gain = rates['personalised'] - rates['generic']`, then `gain.idxmax()`.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3, q4]
