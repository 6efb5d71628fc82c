"""Tests of course_lib.chapters.ch16_case_short_cases and of the case-16 steps that live in the notebook.

Small hand-made frames with known answers, the case data, bad input.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.analysis.casework import compare_creatives  # noqa: E402
from course_lib.base.content import content_path, read_yaml  # noqa: E402
from course_lib.chapters.ch16_case_short_cases import (  # noqa: E402
    abm_result,
    clean_b2b,
    clean_clothing_orders,
    plot_tailored_vs_generic,
    shopper_segments,
    short_case_explorer,
)
from course_lib.market.datasets import load_case  # noqa: E402
from notebook_code import notebook_namespace  # noqa: E402

# --------------------------------------------------------------------------- plan


@pytest.mark.parametrize("case", ["clothing", "fitness", "b2b", "edtech"])
def test_every_case_has_a_plan_with_3_to_5_segments_and_assumptions(case):
    plan = read_yaml(content_path("case-short"))[case]
    assert {"objective", "kpi", "segments", "assumptions"} <= set(plan)
    assert 3 <= len(plan["segments"]) <= 5
    for seg in plan["segments"]:
        assert {"key", "label", "value_proposition", "creative", "audience"} <= set(seg)
        assert len(seg["value_proposition"]) > 10
    assert len({seg["key"] for seg in plan["segments"]}) == len(plan["segments"])
    assert isinstance(plan["assumptions"], dict) and plan["assumptions"]


# --------------------------------------------------------------------------- the notebook's own steps


@pytest.fixture(scope="module")
def notebook():
    """The namespace of notebook 16, run up to the explorer (every analysis cell)."""
    return notebook_namespace("16-case-short-cases", "nbval-ignore-output")


def test_notebook_drop_id_copies_removes_exactly_the_planted_copies(notebook):
    drop_id_copies = notebook["drop_id_copies"]
    users = pd.DataFrame({"user_id": ["U1", "U2", "U3", "U4", "U5"], "age": [30, 30, 41, 41, 41],
                          "city": ["a", "a", "b", "b", "b"]})
    # U2 copies U1 (no activity); U3/U4 are different people with the same profile (both active); U5 copy of them
    assert drop_id_copies(users, ["U1", "U3", "U4"])["user_id"].tolist() == ["U1", "U3", "U4"]
    assert len(drop_id_copies(users.head(2), [])) == 2  # nobody active: no evidence of a copy
    fit, ed = load_case("fitness"), load_case("edtech")
    assert len(notebook["users_b1"]) == fit.usage["user_id"].nunique()
    assert len(notebook["users_d1"]) == len(ed.reminders)


def test_notebook_funnel_email_report_and_second_reminder_by_hand(notebook):
    users, steps = notebook["users_d1"], load_case("edtech").params["signup_steps"]
    funnel = notebook["funnel"].set_index("step")
    for i, step in enumerate(steps):  # reached a step = stopped there or at any later step
        assert funnel.loc[step, "reached"] == users["last_step"].isin(steps[i:]).sum()
    assert funnel["reached"].iloc[0] == len(users)
    report = notebook["report_a"].set_index(["segment", "message_type"]).sort_index()
    emails = load_case("clothing").email_campaigns
    asm = read_yaml(content_path("case-short"))["clothing"]["assumptions"]
    margin = emails["message"].str.startswith("Flash sale").map({True: asm["flash_sale_margin"],
                                                                  False: asm["gross_margin"]})
    sums = emails.assign(profit=emails["revenue"] * margin - emails["sends"] * asm["cost_per_send"]).groupby(
        ["segment", "message_type"], observed=True)[["orders", "sends", "profit"]].sum().sort_index()
    pd.testing.assert_series_equal(report["orders_per_1000"], 1000 * sums["orders"] / sums["sends"],
                                   check_names=False, check_index_type=False)
    pd.testing.assert_series_equal(report["profit_per_1000"], 1000 * sums["profit"] / sums["sends"],
                                   check_names=False, check_index_type=False)
    second, sent = notebook["second"], notebook["sent"]
    decay = read_yaml(content_path("case-short"))["edtech"]["assumptions"]["second_open_decay"]
    for variant, g in sent.groupby("variant"):
        opened, done = g["opened"].sum(), g["completed_signup"].sum()
        extra = (~g["opened"]).sum() * opened / len(g) * decay * done / opened
        assert second.loc[variant, "extra_completions"] == pytest.approx(extra)


# --------------------------------------------------------------------------- cleaning


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


# --------------------------------------------------------------------------- plots


def _comparison():
    ads = pd.DataFrame({"segment": ["a", "a", "b", "b"], "creative_type": ["tailored", "generic"] * 2,
                        "impressions": [1000] * 4, "clicks": [60, 20, 25, 20]})
    return compare_creatives(ads)


def test_plots_draw_one_bar_per_segment_and_variant():
    comp = _comparison()
    ax = plot_tailored_vs_generic(comp)
    assert len(ax.patches) == 4 and ax.get_ylabel() == "response rate"
    plt.close("all")
    with pytest.raises(ValueError, match="rate_"):
        plot_tailored_vs_generic(comp.drop(columns="rate_generic"))


def test_explorer_builds_redraws_and_validates():
    explorer = short_case_explorer({"A": (_comparison(), "rate"), "B": (_comparison(), "rate")})
    assert explorer.error is None and explorer.figure is not None and explorer.result.startswith("A: ")
    explorer.set(case="B")
    assert explorer.error is None and explorer.result.startswith("B: ") and explorer.figure.axes
    assert plt.get_fignums() == []  # its own Figure, not pyplot's
    text = explorer._repr_mimebundle_()["text/plain"]
    assert "VBox" not in text and "Case picker" in text
    with pytest.raises(TypeError, match="pair"):
        short_case_explorer({"A": _comparison()})


# --------------------------------------------------------------------------- issue 15: reach, contacts, honesty


def _notebook_text(path="notebooks/16-case-short-cases.ipynb", kind="markdown"):
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).resolve().parents[1] / path).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if kind in ("any", c["cell_type"]))


def test_clothing_emails_reach_contacts_and_frequency_are_consistent(notebook):
    """21,000 emails (contacts) went to 1,758 opted-in shoppers (reach): the notebook derives the frequency instead
    of claiming that each email went to 2,100-3,500 different shoppers."""
    emails, reachable, design = notebook["emails"], notebook["reachable"], notebook["test_design"]
    shoppers = load_case("clothing").shoppers
    opted_in = shoppers.set_index("shopper_id").loc[notebook["features"].index, "email_opt_in"]
    assert int(emails["sends"].sum()) == int(load_case("clothing").email_campaigns["sends"].sum())
    assert int(reachable.sum()) == int(opted_in.sum())
    assert (2 * design["reach"] <= reachable.reindex(design.index) + 1e-9).all()  # two halves, never more people
    assert reachable.sum() <= len(shoppers)
    for version in ("tailored", "one_size"):
        frequency = design[f"contacts_{version}"] / design["reach"]
        assert ((frequency >= 1) & (frequency <= 18)).all()  # several emails a quarter, at most a few a week
    text = _notebook_text()
    assert "per shopper contacted" not in text and "each sent to the same number of shoppers" not in text
    assert "frequency" in text and "reach" in text and "contacts" in text
    assert "per shopper contacted" not in (_root() / "data/content/case-short.yaml").read_text()


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]


def test_every_case_names_the_settings_behind_its_result():
    """Simulated wins are the cases' assumptions: each case section points at its settings in cases.yaml."""
    text = _notebook_text()
    sections = text.split("## Case ")[1:]
    assert len(sections) == 4
    for section in sections:
        assert "cases.yaml" in section, section[:40]
    for fact in ("emailmarketingskill.com", "revenuecat", "coldmailcalculator.com"):
        assert fact in text.lower()


def test_side_by_side_ratios_are_linear_bars_and_money_is_in_rupees():
    ns = notebook_namespace("16-case-short-cases", "ratio-chart")
    ax = ns["ax"]
    assert ax.get_xscale() == "linear"  # no log axis on bars
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 9
    plt.close("all")
    code = _notebook_text(kind="code")
    assert "Rs " not in code and "₹" in code
