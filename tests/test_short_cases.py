"""Tests of course_lib.chapters.short_cases: small hand-made frames with known answers, the case data, bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.analysis.casework import compare_creatives  # noqa: E402
from course_lib.market.datasets import load_case  # noqa: E402
from course_lib.chapters.short_cases import (  # noqa: E402
    abm_result,
    clean_b2b,
    clean_clothing_orders,
    drop_id_copies,
    email_report,
    load_short_plan,
    plot_response_ratios,
    plot_tailored_vs_generic,
    second_reminder,
    shopper_segments,
    short_case_explorer,
    signup_funnel,
    usage_profile,
)

# --------------------------------------------------------------------------- plan


@pytest.mark.parametrize("case", ["clothing", "fitness", "b2b", "edtech"])
def test_every_case_has_a_plan_with_3_to_5_segments_and_assumptions(case):
    plan = load_short_plan(case)
    assert 3 <= len(plan["segments"]) <= 5
    assert plan["segments"]["value_proposition"].str.len().min() > 10
    assert isinstance(plan["assumptions"], dict) and plan["assumptions"]


def test_plan_errors(tmp_path):
    with pytest.raises(ValueError, match="no plan for the case 'bakery'"):
        load_short_plan("bakery")
    with pytest.raises(TypeError, match="case name"):
        load_short_plan(3)
    bad = tmp_path / "bad.yaml"
    bad.write_text("clothing:\n  objective: x\n  kpi: y\n  assumptions: {}\n  segments:\n    - key: a\n", "utf-8")
    with pytest.raises(ValueError, match="segment 'a' is missing"):
        load_short_plan("clothing", path=bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_short_plan("clothing", path=tmp_path / "none.yaml")


# --------------------------------------------------------------------------- cleaning


def test_drop_id_copies_keeps_look_alikes_with_activity():
    users = pd.DataFrame({"user_id": ["U1", "U2", "U3", "U4", "U5"], "age": [30, 30, 41, 41, 41],
                          "city": ["a", "a", "b", "b", "b"]})
    # U2 copies U1 (no activity); U3/U4 are different people with the same profile (both active); U5 copy of them
    out = drop_id_copies(users, id="user_id", active=["U1", "U3", "U4"])
    assert out["user_id"].tolist() == ["U1", "U3", "U4"]
    assert len(users) == 5  # not modified


def test_drop_id_copies_keeps_a_lonely_inactive_user():
    users = pd.DataFrame({"user_id": ["U1", "U2"], "age": [30, 30]})
    assert len(drop_id_copies(users, id="user_id", active=[])) == 2  # nobody active: no evidence of a copy
    with pytest.raises(ValueError, match="user_id"):
        drop_id_copies(users.drop(columns="user_id"), id="user_id", active=[])


def test_drop_id_copies_on_the_cases_removes_exactly_the_planted_copies():
    fit = load_case("fitness")
    assert len(drop_id_copies(fit.users, id="user_id", active=fit.usage["user_id"])) == fit.usage["user_id"].nunique()
    ed = load_case("edtech")
    assert len(drop_id_copies(ed.users, id="user_id", active=ed.reminders["user_id"])) == len(ed.reminders)


def test_clean_clothing_orders_on_the_case():
    case = load_case("clothing")
    raw = case.orders
    clean = clean_clothing_orders(raw, case.params["categories"], variants={"foot wear": "footwear"})
    expected = raw.drop_duplicates()
    expected = expected[expected["amount"].notna() & (expected["amount"] > 0)]
    assert len(clean) == len(expected)
    assert set(clean["category"].astype(str)) == set(case.params["categories"])
    assert (clean["amount"] > 0).all() and clean["discount_used"].dtype == bool
    odd = raw.head(3).assign(category=["hats", "sportswear", "sportswear"])
    with pytest.raises(ValueError, match="hats"):  # an unknown category is an error, not a silent new label
        clean_clothing_orders(odd, case.params["categories"])
    with pytest.raises(ValueError, match="discount_pct"):
        clean_clothing_orders(raw.drop(columns="discount_pct"), case.params["categories"])


def test_shopper_segments_rule_order_and_validation():
    f = pd.DataFrame({"orders": [5, 2, 4, 4, 4], "discount_share": [0.9, 1.0, 0.1, 0.1, 0.5],
                      "share_sportswear": [0.9, 0.9, 0.5, 0.2, 0.4], "share_ethnic_wear": [0.0, 0.0, 0.5, 0.6, 0.4]})
    assert shopper_segments(f).tolist() == ["discount_only", "sportswear_buyers", "sportswear_buyers",
                                            "ethnic_wear_buyers", "everyone_else"]
    with pytest.raises(ValueError, match="share_ethnic_wear"):
        shopper_segments(f.drop(columns="share_ethnic_wear"))
    with pytest.raises(ValueError, match="discount_share"):
        shopper_segments(f, discount_share=1.5)


# --------------------------------------------------------------------------- results


def test_email_report_by_hand():
    c = pd.DataFrame({"segment": ["a", "a"], "message_type": ["t", "o"], "message": ["sale", "news"],
                      "sends": [1000, 1000], "opens": [400, 200], "clicks": [100, 20], "orders": [20, 4],
                      "revenue": [18000.0, 8000.0]})
    r = email_report(c, cost_per_send=4.0, margins={"sale": 0.1, "default": 0.5}).set_index("message_type")
    assert r.loc["t", "open_rate"] == pytest.approx(0.4)
    assert r.loc["t", "order_rate"] == pytest.approx(0.2)
    assert r.loc["t", "profit_per_1000"] == pytest.approx(1800 - 4000)
    assert r.loc["o", "profit_per_1000"] == pytest.approx(4000 - 4000)
    assert r.loc["t", "cpa"] == pytest.approx(200.0) and r.loc["o", "roas"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="default"):
        email_report(c, cost_per_send=4.0, margins={"sale": 0.1})
    with pytest.raises(ValueError, match="revenue"):
        email_report(c.drop(columns="revenue"), cost_per_send=4.0, margins=0.5)
    assert c.columns.tolist()[-1] == "revenue"  # input not modified


def test_usage_profile_by_hand_ignores_missing_minutes():
    u = pd.DataFrame({"user_id": ["a", "b"], "job": ["desk", "desk"], "plan": ["paid", "free"]})
    w = pd.DataFrame({"user_id": ["a", "a", "b"], "sessions": [2, 2, 4], "minutes": [20.0, np.nan, 40.0],
                      "short_sessions": [2, 1, 1]})
    r = usage_profile(u, w, "job").iloc[0]
    assert r["sessions_per_week"] == pytest.approx(8 / 3)
    assert r["minutes_per_session"] == pytest.approx(60 / 6)  # the row with missing minutes is left out
    assert r["short_share"] == pytest.approx(4 / 8) and r["paid_share"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="duplicate user_id"):
        usage_profile(pd.concat([u, u]), w, "job")


def test_clean_b2b_merges_duplicates_with_their_engagement():
    case = load_case("b2b")
    acc, eng = clean_b2b(case.accounts, case.engagement, case.params["regions"])
    assert len(acc) == 200 and acc["account_id"].is_unique and acc["region"].notna().all()
    assert len(eng) == 400
    # totals are preserved: nothing lost in the merge
    assert eng["emails_sent"].sum() == case.engagement["emails_sent"].sum()
    assert eng["deal_value_lakh"].sum() == pytest.approx(case.engagement["deal_value_lakh"].sum())
    with pytest.raises(ValueError, match="no region known"):
        clean_b2b(case.accounts, case.engagement, {"North": ["Delhi"]})


def test_abm_result_against_plain_pandas():
    case = load_case("b2b")
    acc, eng = clean_b2b(case.accounts, case.engagement, case.params["regions"])
    r = abm_result(acc, eng).set_index("phase")
    for phase, g in eng.groupby("phase", observed=True):
        assert r.loc[phase, "win_rate"] == pytest.approx(g["deal_won"].mean())
        assert r.loc[phase, "meetings"] == g["meeting_held"].sum()
        assert r.loc[phase, "ad_ctr"] == pytest.approx(g["ad_clicks"].sum() / g["ad_impressions"].sum())
        assert r.loc[phase, "cycle_days"] == pytest.approx(g["sales_cycle_days"].mean())
    with pytest.raises(ValueError, match="duplicate account_id"):
        abm_result(case.accounts.assign(account_id="A"), eng)


def test_signup_funnel_and_errors():
    u = pd.DataFrame({"last_step": ["a", "a", "b", "c"]})
    f = signup_funnel(u, ["a", "b", "c"])
    assert f["reached"].tolist() == [4, 2, 1] and f["stopped_here"].tolist() == [2, 1, 1]
    assert f["share_of_start"].tolist() == [1.0, 0.5, 0.25]
    with pytest.raises(ValueError, match="not in steps"):
        signup_funnel(u, ["a", "b"])
    with pytest.raises(ValueError, match="at least two"):
        signup_funnel(u, ["a"])


def test_second_reminder_by_hand():
    r = pd.DataFrame({"v": ["x"] * 10, "opened": [True] * 4 + [False] * 6,
                      "completed_signup": [True, True, False, False] + [False] * 6})
    out = second_reminder(r, by="v", open_decay=0.5).iloc[0]
    # 6 non-openers x 0.4 open rate x 0.5 decay x 0.5 completion among openers = 0.6
    assert out["extra_completions"] == pytest.approx(0.6)
    assert out["completion_after_two"] == pytest.approx(2.6 / 10)
    assert out["extra_per_1000_sends"] == pytest.approx(100.0)
    with pytest.raises(ValueError, match="open_decay"):
        second_reminder(r, by="v", open_decay=2)


# --------------------------------------------------------------------------- plots


def _comparison():
    ads = pd.DataFrame({"segment": ["a", "a", "b", "b"], "creative_type": ["tailored", "generic"] * 2,
                        "impressions": [1000] * 4, "clicks": [60, 20, 25, 20]})
    return compare_creatives(ads)


def test_plots_draw_one_bar_per_segment_and_variant():
    comp = _comparison()
    ax = plot_tailored_vs_generic(comp)
    assert len(ax.patches) == 4 and ax.get_ylabel() == "response rate"
    ax2 = plot_response_ratios({"case": comp})
    widths = sorted(p.get_width() for p in ax2.patches)
    assert widths == pytest.approx([0.25, 2.0])  # ratios 1.25 and 3, drawn from 1x
    plt.close("all")
    with pytest.raises(ValueError, match="rate_"):
        plot_tailored_vs_generic(comp.drop(columns="rate_generic"))
    zero = comp.assign(rate_generic=0.0)
    with pytest.raises(ValueError, match="generic rate of 0"):
        plot_response_ratios({"case": zero})


def test_explorer_builds_and_validates():
    widgets = pytest.importorskip("ipywidgets")
    box = short_case_explorer({"A": (_comparison(), "rate"), "B": (_comparison(), "rate")})
    assert isinstance(box, widgets.VBox)
    box.children[0].value = "B"  # redraw on change does not fail
    plt.close("all")
    with pytest.raises(TypeError, match="pair"):
        short_case_explorer({"A": _comparison()})
