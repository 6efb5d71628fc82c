"""Chapter 10: the method content, and the z-test and sample size worked by hand equal the helpers."""

from __future__ import annotations

import pytest

from course_lib.analysis.experiments import sample_size_per_group, two_proportion_ztest
from course_lib.base.content import content_path, read_yaml
from course_lib.market.simulator import channels, creatives
from notebook_code import notebook_namespace

METHOD = read_yaml(content_path("method"))


def test_method_has_ten_ordered_steps() -> None:
    steps = METHOD["steps"]
    assert [s["step"] for s in steps] == list(range(1, 11))
    assert steps[0]["name"] == "Objective" and steps[-1]["name"] == "Scale"
    for s in steps:
        assert set(s) == {"step", "name", "question", "output", "tool", "source_step"}
        assert all(str(v).strip() for v in s.values())


def test_plan_is_consistent_with_the_simulator() -> None:
    plan = METHOD["plan"]
    assert plan["channel"] in channels() and plan["control_creative"] in creatives()
    assert {s["creative"] for s in plan["segments"]} <= set(creatives())
    assert set(plan["groups"]) == {"tailored", "control", "rollout"}
    assert sum(plan["groups"].values()) == pytest.approx(1.0)
    assert 0 < plan["test_share"] < 1 and plan["total_budget"] > 0
    for s in plan["segments"]:
        assert set(s) == {"segment", "rule", "proposition", "creative"}


@pytest.fixture(scope="module")
def by_hand():
    """The notebook's own cells, run up to the sample size computed by hand."""
    return notebook_namespace("10-test-and-learn", "sample-size-by-hand")


def test_visible_ztest_equals_the_helper(by_hand) -> None:
    a, b = by_hand["a"], by_hand["b"]
    helper = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach)
    assert by_hand["z"] == pytest.approx(helper.z, rel=1e-12)
    assert by_hand["p_value"] == pytest.approx(helper.p_value, rel=1e-9)
    assert by_hand["rate_variant"] / by_hand["rate_control"] - 1 == pytest.approx(helper.lift, rel=1e-12)
    assert by_hand["clicks_test"] == helper


def test_visible_sample_size_equals_the_helper(by_hand) -> None:
    p1 = by_hand["p1"]
    assert by_hand["n_per_group"] == sample_size_per_group(p1, p1 * 1.20)
    assert by_hand["n_per_group"] == sample_size_per_group(p1, by_hand["p2"])
