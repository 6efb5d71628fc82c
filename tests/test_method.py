"""Tests for course_lib.chapters.method (the step-by-step method and its test-and-learn helpers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.analysis.experiments import assign_groups, two_proportion_ztest
from course_lib.market.synthetic import generate_market
from course_lib.chapters.method import MethodPlan, learning_log, load_method, load_plan, rollout, segment_tests
from course_lib.analysis.segmentation import assign_segments
from course_lib.market.simulator import simulate


def test_method_has_ten_ordered_steps() -> None:
    steps = load_method()
    assert list(steps.index) == list(range(1, 11))
    assert steps.loc[1, "name"] == "Objective" and steps.loc[10, "name"] == "Scale"
    assert steps.notna().all().all()


def test_plan_is_consistent_with_the_simulator() -> None:
    from course_lib.market.simulator import channels, creatives

    plan = load_plan()
    assert isinstance(plan, MethodPlan)
    assert plan.channel in channels() and plan.control_creative in creatives()
    assert set(plan.segments["creative"]) <= set(creatives())
    assert sum(plan.groups.values()) == pytest.approx(1.0)
    assert plan.test_budget == pytest.approx(plan.total_budget * plan.test_share)
    assert plan.budget_per_cell == pytest.approx(plan.test_budget / (2 * len(plan.segments)))
    assert plan.rules == plan.segments["rule"].to_dict()


def test_bad_method_files(tmp_path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ValueError, match="does not exist"):
        load_method(missing)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"steps": [{"step": 1, "name": "x"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks"):
        load_method(bad)
    with pytest.raises(ValueError, match="plan"):
        load_plan(bad)
    with pytest.raises(TypeError, match="path"):
        load_method(3)


@pytest.fixture(scope="module")
def small():
    market = generate_market(3_000, seed=5, behaviour=False)
    customers = market.customers
    rules = {"young": "age < 30", "fit": "interest_fitness"}
    segment = assign_segments(customers, rules, default="others")["segment"]
    group = assign_groups(customers, {"tailored": 0.3, "control": 0.3, "rollout": 0.4}, seed=1)
    return market, customers, segment, group


def test_segment_tests_matches_direct_simulation(small) -> None:
    market, customers, segment, group = small
    creatives = {"young": "campus_deals", "fit": "run_club"}
    tests = segment_tests(customers, segment, group, creatives, "generic_sale", "email", 150, seed=4,
                          market=market)
    assert list(tests.index) == ["young", "fit"]
    # rebuild the "fit" row by hand: cell order is tailored then control, seeds 4 + 2*i + j
    mask_t = (segment == "fit") & (group == "tailored")
    mask_c = (segment == "fit") & (group == "control")
    t = simulate(pd.Index(customers.loc[mask_t, "customer_id"]), "run_club", "email", 150, seed=6, market=market)
    c = simulate(pd.Index(customers.loc[mask_c, "customer_id"]), "generic_sale", "email", 150, seed=7, market=market)
    row = tests.loc["fit"]
    assert row["tailored_clicks"] == t.clicks and row["control_reach"] == c.reach
    z = two_proportion_ztest(c.clicks, c.reach, t.clicks, t.reach)
    assert row["p_value"] == pytest.approx(z.p_value)
    assert row["tailored_ctr"] == pytest.approx(t.clicks / t.reach)


def test_segment_tests_bad_input(small) -> None:
    market, customers, segment, group = small
    with pytest.raises(ValueError, match="no customer is in segment"):
        segment_tests(customers, segment, group, {"nobody": "run_club"}, "generic_sale", "email", 100, market=market)
    with pytest.raises(TypeError, match="Series"):
        segment_tests(customers, segment.to_numpy(), group, {"fit": "run_club"}, "generic_sale", "email", 100,
                      market=market)
    with pytest.raises(ValueError, match="one label per customer"):
        segment_tests(customers, segment.iloc[:10], group, {"fit": "run_club"}, "generic_sale", "email", 100,
                      market=market)
    with pytest.raises(ValueError, match="budget_per_cell"):
        segment_tests(customers, segment, group, {"fit": "run_club"}, "generic_sale", "email", 0, market=market)


def _tests_frame(significant, lift, sales):
    n = len(significant)
    return pd.DataFrame({
        "creative": ["c"] * n, "tailored_ctr": [0.05] * n, "control_ctr": [0.03] * n, "ctr_lift": lift,
        "p_value": [0.01 if s else 0.4 for s in significant], "significant": significant,
        "tailored_conversions": sales, "control_conversions": [0] * n,
    }, index=pd.Index([f"s{i}" for i in range(n)], name="segment"))


def test_learning_log_decisions() -> None:
    log = learning_log(_tests_frame([True, True, False], [0.5, -0.3, 0.2], [20, 3, 12]))
    assert log["decision"].tolist() == ["scale", "refine", "keep testing"]
    assert log["use_creative"].tolist() == ["c", "control", "c"]
    assert log.loc["s0", "caution"] == "" and "3 sale" in log.loc["s1", "caution"]
    with pytest.raises(ValueError, match="p_value"):
        learning_log(_tests_frame([True], [0.5], [1]).drop(columns="p_value"))


def test_rollout_uses_only_the_rollout_group(small) -> None:
    market, customers, segment, group = small
    out = rollout(customers, segment, group, {"young": "campus_deals", "fit": "run_club"},
                  {"young": 200.0, "fit": 0.0}, "email", seed=3, market=market)
    assert list(out.index) == ["young", "total"]  # a zero budget is skipped
    mask = (segment == "young") & (group == "rollout")
    direct = simulate(pd.Index(customers.loc[mask, "customer_id"]), "campus_deals", "email", 200, seed=3,
                      market=market)
    assert out.loc["young", "clicks"] == direct.clicks
    assert out.loc["total", "spend"] == pytest.approx(direct.spend)
    assert out.loc["young", "roas"] == pytest.approx(direct.roas)
    with pytest.raises(ValueError, match="no creative"):
        rollout(customers, segment, group, {}, {"young": 10.0}, "email", market=market)
    with pytest.raises(ValueError, match="budgets"):
        rollout(customers, segment, group, {"young": "campus_deals"}, {"young": -1.0}, "email", market=market)
    assert np.isfinite(out["roas"]).all()
