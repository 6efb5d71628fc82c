"""Tests for course_lib.analysis.experiments, checked against statsmodels."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from course_lib.analysis.experiments import (
    ZTestResult,
    assign_groups,
    lift,
    reallocate_budget,
    sample_size_per_group,
    two_proportion_ztest,
)

# --------------------------------------------------------------------------- z-test

CASES = [(200, 5000, 260, 5000), (50, 1000, 80, 1000), (12, 340, 3, 290), (480, 1000, 520, 1200), (0, 50, 4, 60)]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_ztest_matches_statsmodels(case, alternative) -> None:
    ca, na, cb, nb = case
    res = two_proportion_ztest(ca, na, cb, nb, alternative=alternative)
    # statsmodels compares the first proportion with the second: pass B first for B - A
    z, p = proportions_ztest([cb, ca], [nb, na], alternative=alternative)
    assert res.z == pytest.approx(z, rel=1e-10)
    assert res.p_value == pytest.approx(p, rel=1e-9, abs=1e-15)
    lo, hi = confint_proportions_2indep(cb, nb, ca, na, method="wald", compare="diff", alpha=0.05)
    assert (res.ci_low, res.ci_high) == pytest.approx((lo, hi), rel=1e-10)
    assert res.difference == pytest.approx(cb / nb - ca / na)
    assert res.significant == (res.p_value < 0.05)


def test_ztest_result_fields() -> None:
    res = two_proportion_ztest(50, 1000, 80, 1000, alpha=0.1)
    assert isinstance(res, ZTestResult)
    assert res.lift == pytest.approx(0.6)
    assert res.alpha == 0.1 and res.alternative == "two-sided"
    wider = two_proportion_ztest(50, 1000, 80, 1000, alpha=0.01)
    assert wider.ci_low < res.ci_low and wider.ci_high > res.ci_high
    with pytest.raises(FrozenInstanceError):
        res.z = 0.0  # type: ignore[misc]


def test_ztest_no_variation_and_zero_control() -> None:
    res = two_proportion_ztest(0, 100, 0, 100)
    assert res.z == 0.0 and res.p_value == 1.0 and not res.significant
    assert math.isnan(res.lift)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "words"),
    [
        ((11, 10, 1, 10), {}, ValueError, "conversions_a"),
        ((1, 0, 1, 10), {}, ValueError, "n_a"),
        ((-1, 10, 1, 10), {}, ValueError, "conversions_a"),
        ((1.5, 10, 1, 10), {}, TypeError, "conversions_a"),
        ((1, 10, 1, "10"), {}, TypeError, "n_b"),
        ((1, 10, 1, 10), {"alpha": 1.0}, ValueError, "alpha"),
        ((1, 10, 1, 10), {"alternative": "bigger"}, ValueError, "alternative"),
    ],
)
def test_ztest_bad_input(args, kwargs, exc, words) -> None:
    with pytest.raises(exc, match=words):
        two_proportion_ztest(*args, **kwargs)


@given(st.integers(1, 5000), st.integers(1, 5000), st.data())
@settings(max_examples=150, deadline=None)
def test_ztest_symmetry(na: int, nb: int, data) -> None:
    ca = data.draw(st.integers(0, na))
    cb = data.draw(st.integers(0, nb))
    ab = two_proportion_ztest(ca, na, cb, nb)
    ba = two_proportion_ztest(cb, nb, ca, na)
    assert ab.z == pytest.approx(-ba.z, abs=1e-12)
    assert ab.p_value == pytest.approx(ba.p_value, abs=1e-12)
    assert ab.difference == pytest.approx(-ba.difference, abs=1e-12)
    assert ab.ci_low == pytest.approx(-ba.ci_high, abs=1e-12)
    assert 0.0 <= ab.p_value <= 1.0
    assert ab.ci_low <= ab.difference <= ab.ci_high
    larger = two_proportion_ztest(ca, na, cb, nb, alternative="larger")
    smaller = two_proportion_ztest(cb, nb, ca, na, alternative="smaller")
    assert larger.p_value == pytest.approx(smaller.p_value, abs=1e-12)


# --------------------------------------------------------------------------- sample size

PAIRS = [(0.10, 0.12), (0.02, 0.025), (0.5, 0.6), (0.30, 0.25), (0.01, 0.05), (0.9, 0.95)]


@pytest.mark.parametrize(("p1", "p2"), PAIRS)
@pytest.mark.parametrize(("alpha", "power"), [(0.05, 0.8), (0.01, 0.9), (0.1, 0.5)])
def test_pooled_sample_size_matches_statsmodels(p1, p2, alpha, power) -> None:
    expected = samplesize_proportions_2indep_onetail(p2 - p1, p1, power, alpha=alpha, alternative="two-sided")
    assert sample_size_per_group(p1, p2, alpha=alpha, power=power) == math.ceil(expected)


@pytest.mark.parametrize(("p1", "p2"), PAIRS)
@pytest.mark.parametrize(("alpha", "power"), [(0.05, 0.8), (0.01, 0.9), (0.1, 0.5)])
def test_arcsine_sample_size_matches_statsmodels_normalindpower(p1, p2, alpha, power) -> None:
    h = proportion_effectsize(p2, p1)
    expected = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0,
                                            alternative="two-sided")
    assert sample_size_per_group(p1, p2, alpha=alpha, power=power, method="arcsine") == math.ceil(expected)


def test_textbook_value_and_methods_close() -> None:
    assert sample_size_per_group(0.10, 0.12) == 3841
    pooled = sample_size_per_group(0.05, 0.06)
    arcsine = sample_size_per_group(0.05, 0.06, method="arcsine")
    assert abs(pooled - arcsine) / pooled < 0.05


@given(
    p1=st.floats(0.01, 0.9),
    d1=st.floats(0.005, 0.05),
    d2=st.floats(0.005, 0.05),
    power=st.floats(0.5, 0.95),
    method=st.sampled_from(["pooled", "arcsine"]),
)
@settings(max_examples=100, deadline=None)
def test_sample_size_monotonicity(p1: float, d1: float, d2: float, power: float, method: str) -> None:
    assume(abs(d1 - d2) > 1e-3)
    small, big = sorted([d1, d2])
    n_small_diff = sample_size_per_group(p1, p1 + small, power=power, method=method)
    n_big_diff = sample_size_per_group(p1, p1 + big, power=power, method=method)
    assert n_small_diff >= n_big_diff  # a smaller difference needs more people
    assert sample_size_per_group(p1, p1 + big, power=min(power + 0.04, 0.99), method=method) >= n_big_diff
    assert sample_size_per_group(p1, p1 + big, alpha=0.01, power=power, method=method) >= n_big_diff
    assert sample_size_per_group(p1 + big, p1, power=power, method=method) == n_big_diff  # symmetric in p1, p2


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "words"),
    [
        ((0.1, 0.1), {}, ValueError, "differ"),
        ((0.0, 0.1), {}, ValueError, "p1"),
        ((0.1, 1.0), {}, ValueError, "p2"),
        (("0.1", 0.2), {}, TypeError, "p1"),
        ((0.1, 0.2), {"power": 1.2}, ValueError, "power"),
        ((0.1, 0.2), {"alpha": 0}, ValueError, "alpha"),
        ((0.1, 0.2), {"method": "exact"}, ValueError, "method"),
    ],
)
def test_sample_size_bad_input(args, kwargs, exc, words) -> None:
    with pytest.raises(exc, match=words):
        sample_size_per_group(*args, **kwargs)


# --------------------------------------------------------------------------- lift and budgets


def test_lift() -> None:
    assert lift(0.06, 0.05) == pytest.approx(0.2)
    assert lift(0.04, 0.05) == pytest.approx(-0.2)
    assert math.isnan(lift(0.02, 0.0))
    np.testing.assert_allclose(lift([0.1, 0.2], [0.1, 0.1]), [0.0, 1.0])
    with pytest.raises(ValueError, match="control_rate"):
        lift(0.1, -0.1)
    with pytest.raises(ValueError, match="treatment_rate"):
        lift(np.nan, 0.1)
    with pytest.raises(TypeError):
        lift("0.1", 0.1)


@pytest.fixture
def past() -> pd.DataFrame:
    return pd.DataFrame({
        "segment": ["a", "b", "c", "a", "d"],
        "spend": [100.0, 200.0, 100.0, 100.0, 0.0],
        "revenue": [500.0, 400.0, 100.0, 300.0, 50.0],
    })


def test_reallocate_proportional_to_roas(past: pd.DataFrame) -> None:
    before = past.copy()
    out = reallocate_budget(past, 10_000)
    pd.testing.assert_frame_equal(past, before)
    by = out.set_index("segment")
    assert by.loc["a", "roas"] == 4.0 and by.loc["b", "roas"] == 2.0 and by.loc["c", "roas"] == 1.0
    np.testing.assert_allclose(by.loc[["a", "b", "c"], "new_share"], [4 / 7, 2 / 7, 1 / 7])
    assert math.isnan(by.loc["d", "roas"]) and by.loc["d", "new_budget"] == 0.0
    assert "no past spend" in by.loc["d", "note"]
    assert out["new_budget"].sum() == pytest.approx(10_000)
    assert by.loc["a", "old_share"] == pytest.approx(0.4)  # 200 of 500
    assert by.loc["a", "change"] == pytest.approx(10_000 * (4 / 7 - 0.4))


def test_reallocate_min_share(past: pd.DataFrame) -> None:
    out = reallocate_budget(past, 1000, min_share=0.2).set_index("segment")
    assert out["new_share"].sum() == pytest.approx(1.0)
    assert (out.loc[["a", "b", "c"], "new_share"] >= 0.2 - 1e-12).all()
    assert out.loc["a", "new_share"] == pytest.approx(0.2 + 0.4 * 4 / 7)
    with pytest.raises(ValueError, match="min_share"):
        reallocate_budget(past, 1000, min_share=0.5)


def test_reallocate_bad_input(past: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="total_budget"):
        reallocate_budget(past, 0)
    with pytest.raises(ValueError, match="'spend'"):
        reallocate_budget(past.assign(spend=-1.0), 100)
    with pytest.raises(ValueError, match="'budget'"):
        reallocate_budget(past, 100, spend="budget")
    with pytest.raises(ValueError, match="ROAS is undefined"):
        reallocate_budget(past.assign(spend=0.0), 100)
    with pytest.raises(ValueError, match="empty"):
        reallocate_budget(past.iloc[:0], 100)


# --------------------------------------------------------------------------- assign_groups


def test_assign_groups_exact_sizes_and_seed() -> None:
    data = pd.DataFrame({"x": range(1001)}, index=[f"C{i:05d}" for i in range(1001)])
    g = assign_groups(data, {"A": 0.45, "B": 0.45, "holdout": 0.10}, seed=3)
    assert g.index.equals(data.index)
    assert list(g.cat.categories) == ["A", "B", "holdout"]
    counts = g.value_counts()
    assert counts.sum() == 1001 and abs(counts["A"] - 450.45) < 1 and abs(counts["holdout"] - 100.1) < 1
    assert g.equals(assign_groups(data, {"A": 0.45, "B": 0.45, "holdout": 0.10}, seed=3))
    assert not g.equals(assign_groups(data, {"A": 0.45, "B": 0.45, "holdout": 0.10}, seed=4))


@given(st.integers(1, 500), st.lists(st.integers(1, 20), min_size=1, max_size=5), st.integers(0, 10_000))
@settings(max_examples=80, deadline=None)
def test_assign_groups_sizes_are_rounded_shares(n: int, weights: list[int], seed: int) -> None:
    shares = {f"g{i}": w / sum(weights) for i, w in enumerate(weights)}
    counts = assign_groups(n, shares, seed=seed).value_counts()
    assert counts.sum() == n
    for name, share in shares.items():
        assert abs(counts[name] - share * n) < 1  # largest-remainder rounding: never off by a whole unit


def test_assign_groups_is_random_not_ordered() -> None:
    g = assign_groups(10_000, {"A": 0.5, "B": 0.5}, seed=0)
    first_half = (g.iloc[:5000] == "A").mean()
    assert 0.45 < first_half < 0.55  # not "first half A, second half B"


@pytest.mark.parametrize(
    ("units", "shares", "exc", "words"),
    [
        (10, {"A": 0.5, "B": 0.6}, ValueError, "add up to 1"),
        (10, {"A": 1.0, "B": 0.0}, ValueError, "positive"),
        (10, {"A": "half", "B": 0.5}, TypeError, "shares"),
        (10, {}, TypeError, "non-empty mapping"),
        (0, {"A": 1.0}, ValueError, "units"),
        (True, {"A": 1.0}, TypeError, "bool"),
        ("abc", {"A": 1.0}, TypeError, "units"),
        (["a", "a"], {"A": 1.0}, ValueError, "duplicate"),
    ],
)
def test_assign_groups_bad_input(units, shares, exc, words) -> None:
    with pytest.raises(exc, match=words):
        assign_groups(units, shares)


def test_sample_size_explorer_is_an_explorer_that_redraws() -> None:
    from course_lib.chapters.ch10_test_and_learn import sample_size_explorer
    from course_lib.learning.explorer import Explorer

    ex = sample_size_explorer(0.02, 0.2, available=5000)
    assert isinstance(ex, Explorer) and ex.error is None and ex.figure is not None
    for control in ex.controls.values():
        assert control.continuous_update is False and int(control.layout.width.rstrip("px")) >= 400
    first = ex.result
    assert f"{sample_size_per_group(0.02, 0.024):,} people per group" in first
    ex.set(lift=0.5)  # moving a slider redraws on a fresh figure
    assert ex.error is None and ex.result != first and ex.figure is not None
    assert f"{sample_size_per_group(0.02, 0.03):,} people per group" in ex.result
    ex.set(lift=1.0, baseline=0.5)  # a target rate of 100% or more is explained inside the explorer, not drawn
    assert ex.error is not None and "100%" in ex.error and ex.figure is None
    assert "run the notebook" in ex._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="relative_lift"):
        sample_size_explorer(0.02, 0.0)
