"""Checks of workbook 16-case-short-cases: right answers, typical wrong answers, the placeholder and None.

The checks are declared in data/exercises/16-case-short-cases.yaml. The expected values are recomputed here from the
raw case tables with plain pandas (not with the chapter module), so a bug there shows up as a disagreement.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course_lib.market.datasets import load_case
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV

NOTEBOOK = "16-case-short-cases"
q1, q2, q3, q4 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3", "q4"]
    for ex in (q1, q2, q3, q4):
        assert len(ex.hints) == 2 and ex.topic == "cases"


@pytest.mark.parametrize("check", [q1, q2, q3, q4])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1: clothing


def _category(text: str) -> str:
    key = re.sub(r"[\s_]+", "_", str(text).strip().lower())
    return {"foot_wear": "footwear"}.get(key, key)


@pytest.fixture(scope="module")
def shoppers() -> pd.DataFrame:
    """One row per shopper from independently cleaned orders."""
    raw = load_case("clothing").orders
    o = raw.drop_duplicates()
    o = o[o["amount"].notna() & (o["amount"] > 0)]
    o = o.assign(category=o["category"].astype(str).map(_category), disc=o["discount_pct"] > 0)
    spend = o.pivot_table(index="shopper_id", columns="category", values="amount", aggfunc="sum", fill_value=0)
    share = spend.div(spend.sum(axis=1), axis=0)
    out = pd.DataFrame({"orders": o.groupby("shopper_id").size(), "disc": o.groupby("shopper_id")["disc"].mean(),
                        "sport": share["sportswear"], "ethnic": share["ethnic_wear"]})
    out["discount_only"] = (out["disc"] >= 0.8) & (out["orders"] >= 3)
    return out


def test_q1_right_answer(shoppers):
    right = int((~shoppers["discount_only"] & (shoppers["sport"] >= 0.5)).sum())
    assert 400 < right < 800
    fb = q1.evaluate(right)
    assert fb.status == "correct", fb.message
    assert str(right) in fb.message
    assert q1.evaluate(float(right)).status == "correct"


def test_q1_wrong_answers(shoppers):
    sport = ~shoppers["discount_only"] & (shoppers["sport"] >= 0.5)
    cases = [
        (int((shoppers["sport"] >= 0.5).sum()), "discount-only comes first"),
        (int((shoppers["sport"] > 0).sum()), "ever bought sportswear"),
        (int(shoppers.loc[sport, "orders"].sum()), "Count shoppers, not orders"),
        (len(shoppers), "every shopper"),
        (shoppers[sport], "use `len(...)`"),
        (shoppers, "single number"),
        (123, "should be"),
    ]
    for value, fragment in cases:
        fb = q1.evaluate(value)
        assert fb.status == "incorrect"
        assert fragment in fb.message, (fragment, fb.message)
        assert "Traceback" not in fb.text


def test_q1_detects_uncleaned_categories():
    """Without merging the spellings, some sportswear spend is filed elsewhere and the count drops."""
    raw = load_case("clothing").orders
    o = raw.drop_duplicates()
    o = o[o["amount"].notna() & (o["amount"] > 0)].assign(category=lambda d: d["category"].astype(str))
    spend = o.pivot_table(index="shopper_id", columns="category", values="amount", aggfunc="sum", fill_value=0)
    share = spend["sportswear"] / spend.sum(axis=1)
    disc = (o["discount_pct"] > 0).groupby(o["shopper_id"]).mean()
    n = o.groupby("shopper_id").size()
    value = int((~((disc >= 0.8) & (n >= 3)) & (share >= 0.5)).sum())
    fb = q1.evaluate(value)
    assert fb.status == "incorrect" and "spellings" in fb.message


# --------------------------------------------------------------------------- q2: fitness


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    ads = load_case("fitness").area_campaign
    wide = ads.pivot_table(index="area", columns="creative", values=["spend", "paid_subscriptions", "clicks",
                                                                      "impressions"], observed=True)
    return wide


def test_q2_right_answer(areas):
    cost = areas[("spend", "break_time_workout")] / areas[("paid_subscriptions", "break_time_workout")]
    right = cost.idxmin()
    fb = q2.evaluate(right)
    assert fb.status == "correct", fb.message
    assert q2.evaluate(f"  {right.upper()} ").status == "correct"


def test_q2_wrong_answers(areas):
    bt, gen = "break_time_workout", "generic_fitness"
    rate = areas["paid_subscriptions"] / areas["impressions"]
    lift_area = (rate[bt] / rate[gen]).idxmax()
    cost_worst = (areas[("spend", bt)] / areas[("paid_subscriptions", bt)]).idxmax()
    both = areas.T.groupby(level=0).sum().T  # both creatives added up
    traps = [(lift_area, "*lift*"), (cost_worst, "most expensive"), (areas[("clicks", bt)].idxmax(), "clicks"),
             (both["paid_subscriptions"].idxmax(), "added up both creatives"),
             (both["clicks"].idxmax(), "most clicks over both creatives")]
    # when two traps name the same area (in the case data the biggest-lift area also has the most clicks), the
    # first trap's message is the one shown
    cases = [(area, fragment) for i, (area, fragment) in enumerate(traps)
             if area not in [a for a, _ in traps[:i]]]
    cases += [("Pune", "not one of the labels"), (["Baner"], "single label"), (3, "text")]
    for value, fragment in cases:
        fb = q2.evaluate(value)
        assert fb.status == "incorrect"
        assert fragment in fb.message, (value, fb.message)


# --------------------------------------------------------------------------- q3: B2B


@pytest.fixture(scope="module")
def b2b_rates() -> dict:
    case = load_case("b2b")
    acc, eng = case.accounts, case.engagement
    key = acc["company"].str.lower().str.replace(r"[^a-z]", "", regex=True).str.replace(
        r"(privatelimited|pvtltd)$", "", regex=True)
    first = acc.groupby(key)["account_id"].transform("first")
    eng = eng.assign(account_id=eng["account_id"].map(dict(zip(acc["account_id"], first))))
    per = eng.groupby(["account_id", "phase"], observed=True).agg(won=("deal_won", "max"),
                                                                   met=("meeting_held", "max")).reset_index()
    win = per.groupby("phase", observed=True)["won"].mean()
    met = per.groupby("phase", observed=True)["met"].mean()
    raw = case.engagement.groupby("phase", observed=True)["deal_won"].mean()
    assert per["account_id"].nunique() == 200
    return {"win": win, "met": met, "raw": raw}


def test_q3_right_answer(b2b_rates):
    win = b2b_rates["win"]
    right = win["micro_2025"] - win["broad_2024"]
    fb = q3.evaluate(right)
    assert fb.status == "correct", fb.message
    assert "percentage points" in fb.message


def test_q3_wrong_answers(b2b_rates):
    win, met, raw = b2b_rates["win"], b2b_rates["met"], b2b_rates["raw"]
    gain = win["micro_2025"] - win["broad_2024"]
    deals = 200 * gain  # 200 accounts in each phase
    cases = [
        (100 * gain, "fraction"),
        (deals, "number of deals"),
        (-gain, "sign is reversed"),
        (raw["micro_2025"] - raw["broad_2024"], "listed twice"),
        (win["micro_2025"] / win["broad_2024"], "ratio"),
        # the relative lift can equal the gain in deals (1 -> 19 deals: +18 deals and +1,800%); the deals
        # message, listed first in the workbook, is the one shown then
        (win["micro_2025"] / win["broad_2024"] - 1,
         "number of deals" if np.isclose(win["micro_2025"] / win["broad_2024"] - 1, deals) else "relative lift"),
        (met["micro_2025"] - met["broad_2024"], "meeting rate"),
        (win["micro_2025"], "2025 win rate alone"),
        (pd.Series([1.0, 2.0]), "single number"),
        (0.5, "should be"),
    ]
    for value, fragment in cases:
        fb = q3.evaluate(value)
        assert fb.status == "incorrect"
        assert fragment in fb.message, (fragment, fb.message)


# --------------------------------------------------------------------------- q4: edtech


@pytest.fixture(scope="module")
def completion() -> pd.DataFrame:
    case = load_case("edtech")
    sent = case.reminders.merge(case.users[["user_id", "persona"]], on="user_id")
    return sent.groupby(["persona", "variant"], observed=True)["completed_signup"].mean().unstack()


def test_q4_right_answer(completion):
    right = (completion["personalised"] - completion["generic"]).idxmax()
    fb = q4.evaluate(right)
    assert fb.status == "correct", fb.message


def test_q4_wrong_answers(completion):
    gain = completion["personalised"] - completion["generic"]
    top_rate = completion["personalised"].idxmax()
    assert top_rate != gain.idxmax()
    cases = [(top_rate, "biggest gain"), (gain.idxmin(), "largest persona"), ("unknown", "without a persona"),
             ("teacher", "not one of the labels"), (gain, "single label")]
    for value, fragment in cases:
        fb = q4.evaluate(value)
        assert fb.status == "incorrect"
        assert fragment in fb.message, (value, fb.message)
