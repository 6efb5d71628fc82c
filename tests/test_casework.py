"""Tests of course_lib.analysis.casework (and chapter 13's budget-shift chart and explorer) against hand computations
and independent references (statsmodels, plain pandas)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.analysis.casework import (
    CASEWORK_PATH,
    audit_summary,
    compare_creatives,
    exam_answer,
    load_case_plan,
    method_steps,
    project_budget_shift,
    response_by_segment,
)
from course_lib.chapters.ch13_case_coaching_centre import budget_shift_explorer, plot_budget_shift
from course_lib.analysis.cleaning import mask_invalid
from course_lib.market.datasets import load_case


@pytest.fixture
def ads() -> pd.DataFrame:
    return pd.DataFrame({
        "segment": ["a", "a", "b", "b"],
        "creative_type": ["tailored", "generic", "tailored", "generic"],
        "impressions": [10_000, 10_000, 10_000, 0],
        "clicks": [200, 100, 50, 0],
        "enquiries": [40, 10, 5, 0],
        "enrolments": [10, 2, 0, 0],
        "spend": [1000.0, 1000.0, 500.0, 0.0],
        "revenue": [5000.0, 1000.0, 0.0, 0.0],
    })


@pytest.fixture
def casework_file(tmp_path):
    def write(edit=None):
        data = yaml.safe_load(CASEWORK_PATH.read_text(encoding="utf-8"))
        if edit:
            edit(data)
        path = tmp_path / "casework.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path
    return write


# --------------------------------------------------------------------------- content


def test_method_has_ten_ordered_steps():
    steps = method_steps()
    assert steps.index.tolist() == list(range(1, 11))
    assert steps["key"].tolist() == ["objective", "audit", "segments", "proposition", "creatives", "audiences",
                                     "test", "adjust", "scale", "document"]
    assert steps["question"].str.endswith("?").all()


def test_coaching_plan_has_rules_for_every_segment_but_the_default():
    plan = load_case_plan("coaching")
    assert plan.default_segment == "other"
    assert list(plan.rules) == ["class_11_science", "drop_year", "commerce_switch"]
    assert plan.segments.loc[list(plan.rules), "value_proposition"].str.len().gt(20).all()
    assert (plan.segments["assumed_audience_size"] > 0).all()


def test_plan_errors_name_the_problem(casework_file):
    with pytest.raises(ValueError, match="no plan for the case 'nope'"):
        load_case_plan("nope")
    with pytest.raises(TypeError, match="case must be"):
        load_case_plan(3)
    path = casework_file(lambda d: d["cases"]["coaching"]["segments"][0].pop("offer"))
    with pytest.raises(ValueError, match="'class_11_science' is missing offer"):
        load_case_plan("coaching", path=path)
    path = casework_file(lambda d: d["cases"]["coaching"]["segments"][1].update(rule=None))
    with pytest.raises(ValueError, match="only the default segment may have no rule"):
        load_case_plan("coaching", path=path)
    path = casework_file(lambda d: d["cases"]["coaching"].update(default_segment="rest"))
    with pytest.raises(ValueError, match="default_segment 'rest'"):
        load_case_plan("coaching", path=path)
    with pytest.raises(ValueError, match="does not exist"):
        method_steps(path=path.parent / "missing.yaml")


# --------------------------------------------------------------------------- audit


def test_audit_summary_small_table():
    raw = pd.DataFrame({"id": [1, 2, 3, 4], "board": ["CBSE", "cbse", "ICSE", "ICSE"], "age": [16, 0, 17, 17]})
    clean = mask_invalid(raw.assign(board=raw["board"].str.upper()), {"age": (10, 30)}).iloc[:3]
    out = audit_summary(raw, clean, rules={"age": (10, 30)}, ignore="id").set_index(["check", "column"])
    assert out.loc[("duplicates", "(row)"), ["before", "after"]].tolist() == [1, 0]
    assert out.loc[("label variants", "board"), ["before", "after", "fixed"]].tolist() == [2, 0, 2]
    assert out.loc[("invalid", "age"), ["before", "after"]].tolist() == [1, 0]
    assert out.loc[("missing", "age"), ["before", "after", "fixed"]].tolist() == [0, 1, -1]
    assert "0" in out.loc[("invalid", "age"), "detail"]


def test_audit_summary_on_the_coaching_case_matches_plain_pandas():
    raw = load_case("coaching").enquiries
    cols = [c for c in raw.columns if c != "enquiry_id"]
    n_dup = int(raw[cols].astype("object").duplicated().sum())
    bad_board = int((~raw["board"].astype("object").isin(["CBSE", "ICSE", "State Board"])).sum())
    clean = raw[~raw[cols].astype("object").duplicated()]
    out = audit_summary(raw, clean, rules={"board": ["CBSE", "ICSE", "State Board"]}, ignore="enquiry_id")
    out = out.set_index(["check", "column"])
    assert out.loc[("duplicates", "(row)"), ["before", "after"]].tolist() == [n_dup, 0]
    assert out.loc[("invalid", "board"), "before"] == bad_board
    assert out.loc[("missing", "exam_interest"), "before"] == int(raw["exam_interest"].isna().sum())


def test_audit_summary_validates():
    raw = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(ValueError, match="clean is missing the column"):
        audit_summary(raw, raw[["a"]])
    with pytest.raises(TypeError, match="raw must be a pandas DataFrame"):
        audit_summary([1], raw)


# --------------------------------------------------------------------------- response


def test_response_by_segment_hand_computed(ads):
    before = ads.copy()
    r = response_by_segment(ads, steps=["enquiries"], conversions="enrolments").set_index("segment")
    pd.testing.assert_frame_equal(ads, before)  # the caller's frame is untouched
    a = r.loc["a"]
    assert a["impressions"] == 20_000 and a["clicks"] == 300 and a["enrolments"] == 12
    assert a["ctr"] == pytest.approx(300 / 20_000)
    assert a["clicks_to_enquiries"] == pytest.approx(50 / 300)
    assert a["enquiries_to_enrolments"] == pytest.approx(12 / 50)
    assert a["cost_per_enquiry"] == pytest.approx(2000 / 50)
    assert a["cpa"] == pytest.approx(2000 / 12)
    assert a["roas"] == pytest.approx(6000 / 2000)
    assert a["cpm"] == pytest.approx(1000 * 2000 / 20_000)
    assert a["share_of_spend"] == pytest.approx(2000 / 2500)
    assert a["share_of_enrolments"] == pytest.approx(1.0)
    b = r.loc["b"]
    assert math.isnan(b["cpa"]) and "CPA undefined" in b["note"]
    assert b["enquiries_to_enrolments"] == 0


def test_response_by_two_columns_and_without_steps(ads):
    r = response_by_segment(ads, ["segment", "creative_type"], conversions="enrolments")
    assert len(r) == 4 and "clicks_to_enquiries" not in r.columns
    row = r[(r["segment"] == "b") & (r["creative_type"] == "generic")].iloc[0]
    assert math.isnan(row["ctr"]) and "no impressions" in row["note"]


def test_response_by_segment_validates(ads):
    with pytest.raises(ValueError, match="'leads'"):
        response_by_segment(ads, steps=["leads"], conversions="enrolments")
    with pytest.raises(ValueError, match="'conversions'"):
        response_by_segment(ads)
    with pytest.raises(ValueError, match="negative"):
        response_by_segment(ads.assign(enquiries=-1), steps=["enquiries"], conversions="enrolments")
    with pytest.raises(TypeError, match="steps must be a list"):
        response_by_segment(ads, steps="enquiries", conversions="enrolments")


# --------------------------------------------------------------------------- creatives


def test_compare_creatives_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.stats.proportion")
    ads = load_case("coaching").ad_results
    for successes in ("clicks", "enrolments"):
        res = compare_creatives(ads, successes=successes)
        assert res.index.tolist() == ["class_11_science", "drop_year", "commerce_switch", "other"]
        for seg, row in res.iterrows():
            t = ads[(ads["segment"] == seg) & (ads["creative_type"] == "tailored")].iloc[0]
            g = ads[(ads["segment"] == seg) & (ads["creative_type"] == "generic")].iloc[0]
            _, p = sm.proportions_ztest([t[successes], g[successes]], [t["impressions"], g["impressions"]])
            assert row["p_value"] == pytest.approx(p, rel=1e-9)
            assert row["lift"] == pytest.approx(t[successes] / g[successes] - 1)
            assert row["significant"] == (p < 0.05)


def test_compare_creatives_validates(ads):
    with pytest.raises(ValueError, match="segment 'b' has no 'impressions'"):
        compare_creatives(ads)
    with pytest.raises(ValueError, match="needs both"):
        compare_creatives(ads.iloc[:3].assign(impressions=1000))
    with pytest.raises(ValueError, match="two different variants"):
        compare_creatives(ads, treatment="generic")
    with pytest.raises(ValueError, match="treatment 'bold' is not a value"):
        compare_creatives(ads, treatment="bold")


# --------------------------------------------------------------------------- budget shift


@pytest.fixture
def test_results() -> pd.DataFrame:
    return pd.DataFrame({"segment": ["a", "b", "c"], "spend": [100.0, 100.0, 200.0],
                         "enquiries": [40, 20, 10], "enrolments": [10, 4, 2]})


def test_project_budget_shift_hand_computed(test_results):
    p = project_budget_shift(test_results, 0.5, outcomes=["enquiries", "enrolments"])
    assert p.index[p["is_best"]].tolist() == ["a"]  # 10 per 100 beats 4 per 100 and 2 per 200
    assert p["new_budget"].tolist() == [250.0, 50.0, 100.0]
    assert p["new_budget"].sum() == pytest.approx(p["budget"].sum())
    assert p["enrolments_after"].tolist() == pytest.approx([25.0, 2.0, 1.0])
    assert p["enquiries_before"].tolist() == pytest.approx([40, 20, 10])
    assert p["cost_per_enrolment_after"].tolist() == pytest.approx([10.0, 25.0, 100.0])


def test_elasticity_and_overrides(test_results):
    p = project_budget_shift(test_results, 1.0, outcomes="enrolments", elasticity=0.5, best="b")
    assert p.loc["b", "new_budget"] == 400.0 and p.loc["a", "new_budget"] == 0.0
    assert p.loc["b", "enrolments_after"] == pytest.approx(4 * (400 / 100) ** 0.5)
    assert p.loc["a", "enrolments_after"] == 0
    q = project_budget_shift(test_results, 0.0, outcomes="enrolments", total_budget=800)
    assert q["budget"].tolist() == [200.0, 200.0, 400.0]
    assert q["enrolments_before"].tolist() == pytest.approx([20, 8, 4])
    assert (q["enrolments_after"] == q["enrolments_before"]).all()


def test_project_budget_shift_validates(test_results):
    with pytest.raises(ValueError, match="share_moved must be <= 1"):
        project_budget_shift(test_results, 1.5, outcomes="enrolments")
    with pytest.raises(ValueError, match="elasticity must be above 0"):
        project_budget_shift(test_results, 0.5, outcomes="enrolments", elasticity=0)
    with pytest.raises(ValueError, match="best 'z' is not one of the segments"):
        project_budget_shift(test_results, 0.5, outcomes="enrolments", best="z")
    with pytest.raises(ValueError, match="have no 'spend'"):
        project_budget_shift(test_results.assign(spend=[0.0, 1.0, 1.0]), 0.5, outcomes="enrolments")
    with pytest.raises(ValueError, match="'sales'"):
        project_budget_shift(test_results, 0.5, outcomes="sales")


def test_chapter_13_chart_draws_the_projection_and_the_curve(test_results):
    import matplotlib.pyplot as plt

    fig = plot_budget_shift(test_results, 0.5, outcomes="enrolments", title="t")
    ax1, ax2 = fig.axes
    assert ax1.get_ylabel().startswith("budget") and "enrolments" in ax2.get_ylabel()
    assert [b.get_height() for b in ax1.patches][3:] == [250.0, 50.0, 100.0]  # after the move
    curve = ax2.lines[0].get_ydata()  # 0%, 5%, ..., 100% moved
    assert [curve[0], curve[10], curve[20]] == pytest.approx([16.0, 28.0, 40.0])
    plt.close(fig)
    fig = plot_budget_shift(test_results, 0.5, outcomes="enrolments", elasticity=0.5)
    assert np.argmax(fig.axes[1].lines[0].get_ydata()) not in (0, 20)  # with saturation the best split is interior
    plt.close(fig)


def test_chapter_13_explorer(test_results):
    ex = budget_shift_explorer(test_results, outcomes="enrolments", share_moved=0.25)
    share, elastic = ex.controls["share"], ex.controls["elasticity"]
    assert share.description == "Share moved to best segment" and share.value == 0.25
    assert "elasticity" in elastic.description and not share.continuous_update
    assert ex.result == "Moving 25% to a: enrolments: 22 (before: 16); cost per enrolment: ₹18"
    first = ex.figure
    share.value = 1.0  # every change draws a new, non-empty figure (issue 20: no blank chart)
    assert ex.result.startswith("Moving 100% to a: enrolments: 40")
    assert ex.figure is not first and ex.figure.axes[0].patches
    elastic.value = 0.5
    assert f"enrolments: {10 * 4 ** 0.5:.0f}" in ex.result
    assert "VBox" not in ex._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="share_moved"):
        budget_shift_explorer(test_results, outcomes="enrolments", share_moved=2)


def test_chapter_13_chart_has_no_log_axis(test_results):
    fig = plot_budget_shift(test_results, 0.5, outcomes="enrolments")
    assert all(ax.get_yscale() == "linear" for ax in fig.axes)


# --------------------------------------------------------------------------- exam answer


def test_exam_answer_fills_every_placeholder():
    with pytest.raises(ValueError, match="values is missing 24 placeholder"):
        exam_answer("coaching", {})
    names = ["n_raw", "n_duplicates", "n_board_fixed", "n_missing_exam", "n_bad_age", "n_clean", "share_c11",
             "share_drop", "share_comm", "rate_drop", "rate_other", "test_budget", "cpe_drop", "cpe_drop_generic",
             "roas_drop", "p_enrol_drop", "enq_comm_tailored", "enq_comm_generic", "shift_budget", "shift_share",
             "shift_enrol", "base_enrol", "elasticity", "n_lines"]
    values = dict.fromkeys(names, 0.25) | {"n_raw": 2436, "cpe_drop": 7142.86}
    text = exam_answer("coaching", values)
    assert text.startswith("**Question.**")
    assert "2,436" in text and "₹7,143" in text and "(2 marks)" in text and "(1 mark)" in text
    assert "{" not in text
    with pytest.raises(TypeError, match="values must be a dict"):
        exam_answer("coaching", [1])


def test_exam_answer_marks_must_add_to_ten(casework_file):
    path = casework_file(lambda d: d["cases"]["coaching"]["exam_answer"]["sections"][0].update(marks=3))
    values = {n: 1 for n in ["n_raw", "n_duplicates", "n_board_fixed", "n_missing_exam", "n_bad_age", "n_clean",
                             "share_c11", "share_drop", "share_comm", "rate_drop", "rate_other", "test_budget",
                             "cpe_drop", "cpe_drop_generic", "roas_drop", "p_enrol_drop", "enq_comm_tailored",
                             "enq_comm_generic",
                             "shift_budget", "shift_share", "shift_enrol", "base_enrol", "elasticity", "n_lines"]}
    with pytest.raises(ValueError, match="add up to 12 marks"):
        exam_answer("coaching", values, path=path)
    assert np.isclose(sum(s["marks"] for s in load_case_plan("coaching").exam_answer["sections"]), 10)


def test_chapter_13_notebook_cost_chart_is_linear_with_computed_magnitudes():
    """Issue 15: the cost-per-enrolment bars had a log axis; issue 15/2: ROAS 402. The notebook's own cells
    now draw linear bars, and the whole test's ROAS sits in the cited 3-6 range for education ads."""
    from tests.notebook_code import notebook_namespace

    ns = notebook_namespace("13-case-coaching-centre", "cpe-chart")
    assert ns["ax"].get_yscale() == "linear"
    assert 3 <= ns["roas_all"] <= 6
    assert ns["response"]["roas"].max() < 15
