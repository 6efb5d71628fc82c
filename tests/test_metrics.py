"""Tests for course_lib.analysis.metrics."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.analysis.metrics import (
    METRIC_NOTES,
    POOLED_REACH_NOTE,
    campaign_report,
    conversion_rate,
    cost_per_target,
    cpa,
    cpm,
    ctr,
    engagement_rate,
    frequency,
    roas,
)


@pytest.mark.parametrize(
    ("func", "num", "den", "expected"),
    [
        (ctr, 25, 1000, 0.025),
        (conversion_rate, 5, 25, 0.2),
        (cpa, 150.0, 6, 25.0),
        (roas, 900.0, 300.0, 3.0),
        (cpm, 12.0, 4000, 3.0),
        (cost_per_target, 50.0, 200, 0.25),
        (engagement_rate, 30, 600, 0.05),
        (frequency, 3000, 1000, 3.0),
    ],
)
def test_known_values(func, num, den, expected) -> None:
    got = func(num, den)
    assert isinstance(got, float)
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("func", [ctr, conversion_rate, cpa, roas, cpm, cost_per_target, engagement_rate, frequency])
def test_zero_denominator_is_nan_without_warning(func) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if func not in (ctr, conversion_rate):  # 5 clicks with 0 impressions is refused (issue 17)
            assert math.isnan(func(5, 0))
        assert math.isnan(func(0, 0))
        arr = func([0, 5], [0, 10])
    assert np.isnan(arr[0]) and np.isfinite(arr[1])


def test_arrays_broadcast_and_lengths_must_match() -> None:
    np.testing.assert_allclose(ctr(np.array([1, 2, 3]), 100), [0.01, 0.02, 0.03])
    np.testing.assert_allclose(roas(pd.Series([10.0, 0.0]), pd.Series([5.0, 5.0])), [2.0, 0.0])
    with pytest.raises(ValueError, match="same length"):
        ctr([1, 2, 3], [10, 20])


@pytest.mark.parametrize(
    ("args", "exc", "words"),
    [
        ((-1, 10), ValueError, "clicks must not be negative"),
        ((1, -10), ValueError, "impressions must not be negative"),
        ((np.nan, 10), ValueError, "clicks contains missing"),
        (("3", 10), TypeError, "clicks"),
        ((True, 10), TypeError, "clicks"),
        ((None, 10), TypeError, "clicks"),
        ((1, np.inf), ValueError, "impressions contains infinite"),
    ],
)
def test_bad_ratio_inputs(args, exc, words) -> None:
    with pytest.raises(exc, match=words):
        ctr(*args)


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "campaign": ["c1"] * 6,
            "segment": ["young", "young", "family", "family", "senior", "senior"],
            "creative": ["video", "static", "video", "static", "video", "static"],
            "channel": ["social", "social", "email", "social", "email", "email"],
            "impressions": [10_000, 8_000, 5_000, 0, 2_000, 1_000],
            "clicks": [300, 160, 100, 0, 0, 0],
            "conversions": [30, 8, 10, 0, 0, 0],
            "spend": [500.0, 320.0, 100.0, 0.0, 40.0, 20.0],
            "revenue": [1500.0, 400.0, 700.0, 0.0, 0.0, 0.0],
            "reach": [4_000, 3_000, 2_500, 0, 1_000, 500],
            "engagements": [400, 90, 60, 0, 10, 5],
        }
    )


def _reference_report(rows: pd.DataFrame, by: list[str]) -> dict[tuple, dict[str, float]]:
    """Plain-Python sums and ratios per group, NaN for zero denominators."""
    sums: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    cols = ["impressions", "clicks", "conversions", "spend", "revenue", "reach", "engagements"]
    for rec in rows.to_dict("records"):
        key = tuple(rec[b] for b in by)
        for c in cols:
            sums[key][c] += rec[c]
        sums[key]["rows"] += 1

    def div(a: float, b: float) -> float:
        return a / b if b else float("nan")

    out = {}
    for key, s in sums.items():
        if s["rows"] > 1:  # reach is people: the reach of several rows is unknown without the customers
            s["reach"] = 0.0
        out[key] = {
            "ctr": div(s["clicks"], s["impressions"]),
            "conversion_rate": div(s["conversions"], s["clicks"]),
            "cpa": div(s["spend"], s["conversions"]),
            "roas": div(s["revenue"], s["spend"]),
            "cpm": div(1000 * s["spend"], s["impressions"]),
            "cost_per_target": div(s["spend"], s["reach"]),
            "frequency": div(s["impressions"], s["reach"]),
            "engagement_rate": div(s["engagements"], s["reach"]),
        }
    return out


@pytest.mark.parametrize("by", [["segment"], ["segment", "creative"], ["channel"], ["creative", "channel"]])
def test_report_matches_plain_python(rows: pd.DataFrame, by: list[str]) -> None:
    report = campaign_report(rows, by=by)
    expected = _reference_report(rows, by)
    assert len(report) == len(expected)
    for rec in report.to_dict("records"):
        ref = expected[tuple(rec[b] for b in by)]
        for name, value in ref.items():
            if math.isnan(value):
                assert math.isnan(rec[name]), name
                pooled = name in ("cost_per_target", "frequency", "engagement_rate") and math.isnan(rec["reach"])
                assert (POOLED_REACH_NOTE if pooled else METRIC_NOTES[name]) in rec["note"]
            else:
                assert rec[name] == pytest.approx(value), name
                assert METRIC_NOTES[name] not in rec["note"]


def test_report_notes_and_no_inf(rows: pd.DataFrame) -> None:
    report = campaign_report(rows, by=["segment", "creative"])
    numeric = report.select_dtypes("number").to_numpy()
    assert not np.isinf(numeric).any()
    senior_video = report.query("segment == 'senior' and creative == 'video'").iloc[0]
    # spend 40, revenue 0: ROAS is 0 (defined); no clicks and no conversions are undefined
    assert senior_video["roas"] == 0.0
    assert senior_video["note"] == "conversion rate undefined (no clicks); CPA undefined (no conversions)"
    young_video = report.query("segment == 'young' and creative == 'video'").iloc[0]
    assert young_video["note"] == ""


def test_report_is_sorted_and_keeps_group_columns_first(rows: pd.DataFrame) -> None:
    report = campaign_report(rows, by="segment")
    assert report["segment"].tolist() == ["family", "senior", "young"]
    assert list(report.columns[:2]) == ["segment", "impressions"]
    assert report.columns[-1] == "note"


def test_report_total_and_optional_columns(rows: pd.DataFrame) -> None:
    total = campaign_report(rows, by=[])
    assert len(total) == 1
    assert total["roas"].iloc[0] == pytest.approx(2600 / 980)
    bare = campaign_report(rows.drop(columns=["reach", "engagements"]), by="channel")
    assert "cost_per_target" not in bare.columns and "engagement_rate" not in bare.columns
    no_eng = campaign_report(rows.drop(columns=["engagements"]), by="channel")
    assert "cost_per_target" in no_eng.columns and "engagement_rate" not in no_eng.columns


def test_report_does_not_touch_input(rows: pd.DataFrame) -> None:
    before = rows.copy(deep=True)
    campaign_report(rows, by=["segment", "channel"])
    pd.testing.assert_frame_equal(rows, before)


@pytest.mark.parametrize(
    ("change", "kwargs", "exc", "words"),
    [
        (lambda d: d.drop(columns="clicks"), {}, ValueError, "'clicks'"),
        (lambda d: d.iloc[:0], {}, ValueError, "empty"),
        (lambda d: d.assign(spend=-d["spend"] - 1), {}, ValueError, "'spend'.*negative"),
        (lambda d: d.assign(clicks=d["clicks"].astype(str)), {}, TypeError, "'clicks'"),
        (lambda d: d.assign(segment=[None] + d["segment"].tolist()[1:]), {}, ValueError, "'segment'"),
        (lambda d: d.assign(revenue=[np.nan] + d["revenue"].tolist()[1:]), {}, ValueError, "'revenue'"),
        (lambda d: d, {"by": "audience"}, ValueError, "'audience'"),
        (lambda d: d, {"by": 3}, TypeError, "by"),
        (lambda d: d, {"reach": "unique_users"}, ValueError, "'unique_users'"),
        (lambda d: d, {"engagements": "likes"}, ValueError, "'likes'"),
    ],
)
def test_report_bad_input(rows: pd.DataFrame, change, kwargs, exc, words) -> None:
    with pytest.raises(exc, match=words):
        campaign_report(change(rows), **kwargs)
    with pytest.raises(TypeError, match="data"):
        campaign_report(rows.to_dict())


counts = st.integers(0, 10**7)


@given(impressions=counts, data=st.data())
@settings(max_examples=150, deadline=None)
def test_rates_in_range(impressions: int, data) -> None:
    clicks = data.draw(st.integers(0, impressions))
    conversions = data.draw(st.integers(0, clicks))
    c = ctr(clicks, impressions)
    r = conversion_rate(conversions, clicks)
    for v, den in ((c, impressions), (r, clicks)):
        if den == 0:
            assert math.isnan(v)
        else:
            assert 0.0 <= v <= 1.0


money = st.one_of(st.just(0.0), st.floats(0.01, 1e9))  # real money: no sub-cent denormals


@given(spend=money, revenue=money, impressions=counts)
@settings(max_examples=150, deadline=None)
def test_money_metrics_are_non_negative_and_consistent(spend: float, revenue: float, impressions: int) -> None:
    r = roas(revenue, spend)
    m = cpm(spend, impressions)
    assert math.isnan(r) == (spend == 0)
    assert math.isnan(m) == (impressions == 0)
    if spend > 0:
        assert r >= 0 and r == pytest.approx(revenue / spend)
    if impressions > 0:
        assert m == pytest.approx(1000 * spend / impressions)


def test_reach_rate_is_reach_over_audience():
    from course_lib.analysis.metrics import reach_rate

    assert reach_rate(25, 100) == 0.25
    got = reach_rate([4578, 0, 5], [6370, 0, 4])
    assert got[0] == pytest.approx(4578 / 6370) and np.isnan(got[1]) and got[2] == pytest.approx(1.25)
    with pytest.raises(ValueError, match="reach"):
        reach_rate([-1], [10])


# --------------------------------------------------------------------------- reach is people (issue 15)


def test_unique_reach_counts_each_person_once() -> None:
    from course_lib.analysis.metrics import unique_reach

    people = pd.DataFrame({"age": [20, 30, 40, 50], "consent_sms": [True, True, True, False],
                           "consent_ads": [True] * 4})
    lines = pd.DataFrame({"audience_rule": ["age < 35", ""], "channel": ["sms", "social_ads"], "reach": [2, 4]})
    assert unique_reach(lines, people) == 4.0  # not 2 + 4
    half = lines.assign(reach=[2, 2])  # the ads line reached 2 of 4 at random: the two young ones are certain
    assert unique_reach(half, people) == pytest.approx(2 + 2 * 0.5)
    with pytest.raises(ValueError, match="reports reach 3"):
        unique_reach(lines.assign(reach=[3, 4]), people)  # only two people under 35 with SMS consent


def test_pooled_reach_needs_the_customers(rows: pd.DataFrame) -> None:
    report = campaign_report(rows, by="campaign")  # six rows in one group
    assert math.isnan(report.loc[0, "reach"]) and report.loc[0, "note"].startswith(POOLED_REACH_NOTE)
    single = campaign_report(rows.iloc[:1], by="campaign")
    assert single.loc[0, "reach"] == 4_000 and single.loc[0, "frequency"] == pytest.approx(2.5)


@pytest.fixture(scope="module")
def course_log():
    from course_lib.market.datasets import load_campaigns, load_customers

    return load_campaigns(), load_customers()


@pytest.mark.parametrize("by", [[], "campaign", "segment", "channel", ["campaign", "segment"], "creative"])
def test_every_report_on_the_campaign_log_keeps_reach_within_the_population(course_log, by) -> None:
    """Reach <= customers and frequency >= 1 in every table campaign_report makes of the course's campaign log.

    Fails on the old report, which added the reach of the two Diwali mass-sale lines: 68,243 of 50,000 people.
    """
    log, customers = course_log
    for report in (campaign_report(log, by=by, customers=customers), campaign_report(log, by=by)):
        known = report.dropna(subset=["reach"])
        assert (known["reach"] <= len(customers)).all(), known[["reach"]]
        assert (known["frequency"] >= 1).all(), known[["frequency"]]
        assert (known["reach"] <= known["impressions"]).all()
    full = campaign_report(log, by=by, customers=customers)
    assert full["reach"].notna().all() and (full["frequency"] >= 1).all()


def test_unique_reach_agrees_with_the_simulator(course_log) -> None:
    """The estimate is within 0.5% of the people the simulator actually served (reconstructed from its seeds)."""
    from course_lib.analysis.consent import channel_requirements
    from course_lib.analysis.metrics import unique_reach
    from course_lib.market.build import DEFAULT_SEED

    log, customers = course_log
    needs = channel_requirements()
    for name, lines in log.groupby("campaign"):
        served = np.zeros(len(customers), dtype=bool)
        for i, line in lines.iterrows():  # simulate(): order = rng.permutation(reachable); served = order[:reach]
            rule = line["audience_rule"] if isinstance(line["audience_rule"], str) and line["audience_rule"] else None
            can = (customers.eval(rule).to_numpy() if rule else np.ones(len(customers), bool)) \
                & customers[needs[line["channel"]]].to_numpy()
            idx = np.flatnonzero(can)
            served[idx[np.random.default_rng(DEFAULT_SEED + i).permutation(len(idx))[: line["reach"]]]] = True
        assert unique_reach(lines, customers) == pytest.approx(served.sum(), rel=0.005), name
        assert served.sum() <= len(customers)
