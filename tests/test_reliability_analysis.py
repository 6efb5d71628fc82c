"""Bad inputs to the analysis functions: refused with a clear message, never a silent wrong answer (issue 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis import experiments, metrics


# -- item 1: Series combine by label, never by position ---------------------------------------------------
@pytest.mark.parametrize("func, args", [
    (metrics.ctr, ("clicks", "impressions")), (metrics.roas, ("revenue", "spend")),
    (metrics.frequency, ("impressions", "reach")), (experiments.lift, ("treatment_rate", "control_rate")),
])
def test_misaligned_series_are_refused(func, args) -> None:
    a = pd.Series([1.0, 2.0], index=["x", "y"])
    b = pd.Series([200.0, 10.0], index=["y", "x"])  # same labels, other order: by position it would be wrong
    with pytest.raises(ValueError, match=f"{args[0]}.*{args[1]}.*index"):
        func(a, b)
    same = func(a, b.reindex(a.index))  # aligned: works as before
    assert np.asarray(same).shape == (2,)


def test_aligned_series_unchanged() -> None:
    s = pd.Series([5, 10], index=[3, 4])
    assert metrics.ctr(s, pd.Series([100, 100], index=[3, 4])).tolist() == [0.05, 0.1]
    assert experiments.lift(pd.Series([0.06], index=[7]), pd.Series([0.05], index=[7])).round(6).tolist() == [0.2]


# -- item 2: counts that cannot be ------------------------------------------------------------------------
@pytest.mark.parametrize("func, a, b, name", [
    (metrics.ctr, 11, 10, "clicks cannot exceed impressions"),
    (metrics.ctr, [1, 11], [10, 10], "clicks cannot exceed impressions"),
    (metrics.conversion_rate, 5, 4, "conversions cannot exceed clicks"),
    (metrics.ctr, float("inf"), 10, "clicks contains infinite"),
    (metrics.roas, 10.0, float("nan"), "spend contains missing"),
    (metrics.cpa, -1.0, 3, "spend must not be negative"),
])
def test_impossible_counts_refused(func, a, b, name) -> None:
    with pytest.raises(ValueError, match=name):
        func(a, b)


def _rows(**changes) -> pd.DataFrame:
    rows = pd.DataFrame({"segment": ["a", "b"], "impressions": [100, 100], "clicks": [10, 5],
                         "conversions": [2, 1], "spend": [10.0, 5.0], "revenue": [40.0, 9.0]})
    for col, values in changes.items():
        rows[col] = values
    return rows


@pytest.mark.parametrize("changes, message", [
    ({"clicks": [10, 500]}, "'clicks' of data exceeds 'impressions'"),
    ({"conversions": [20, 1]}, "'conversions' of data exceeds 'clicks'"),
    ({"revenue": [np.inf, 9.0]}, "'revenue' of data has infinite"),
    ({"spend": [-1.0, 5.0]}, "'spend' of data has 1 negative"),
])
def test_campaign_report_refuses_impossible_rows(changes, message) -> None:
    metrics.campaign_report(_rows())  # valid rows work
    with pytest.raises(ValueError, match=message):
        metrics.campaign_report(_rows(**changes))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float64("-inf")])
def test_ztest_refuses_non_finite_counts(value) -> None:
    with pytest.raises(ValueError, match="n_b"):
        experiments.two_proportion_ztest(1, 10, 1, value)
    with pytest.raises(ValueError, match="conversions_a"):
        experiments.two_proportion_ztest(value, 10, 1, 10)


def test_ztest_refuses_more_conversions_than_people() -> None:
    with pytest.raises(ValueError, match="conversions_b .* cannot exceed n_b"):
        experiments.two_proportion_ztest(1, 10, 11, 10)


# -- item 3: text dates are never read two ways; numbers are not dates ------------------------------------
from course_lib.analysis import features, rfm  # noqa: E402


def _tx(dates) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [1, 2], "date": dates, "amount": [10.0, 20.0]})


@pytest.mark.parametrize("dates", [["03/04/2025", "13/04/2025"], ["03-04-2025", "2025-04-05"], ["3.4.25", "4.4.25"]])
def test_ambiguous_text_dates_refused(dates) -> None:
    with pytest.raises(ValueError, match=r"column 'date' of transactions .*ambiguous.*2025-04-03.*dayfirst=True"):
        rfm.rfm_table(_tx(dates))
    with pytest.raises(ValueError, match="ambiguous"):
        features.customer_features(_tx(dates).assign(discount_used=False), channel=None, category=None)


def test_ambiguous_as_of_refused_iso_and_parsed_work() -> None:
    tx = _tx(["2025-04-01", "2025-04-02"])
    with pytest.raises(ValueError, match=r"as_of .*ambiguous.*dayfirst=True"):
        rfm.rfm_table(tx, as_of="03/04/2025")
    iso = rfm.rfm_table(tx, as_of="2025-04-03")
    assert iso["recency"].tolist() == [2, 1]
    parsed = _tx(pd.to_datetime(["01/04/2025", "02/04/2025"], dayfirst=True))
    assert rfm.rfm_table(parsed, as_of=pd.Timestamp("2025-04-03")).equals(iso)


@pytest.mark.parametrize("dates", [[20250401, 20250402], [1.7e9, 1.7e9], [True, False], ["2025-04-01", 20250402]])
def test_numbers_as_dates_refused(dates) -> None:
    with pytest.raises(TypeError, match="'date'.*2024-03-31"):
        rfm.rfm_table(_tx(dates))


@pytest.mark.parametrize("as_of", [20250403, 3.5, True, np.int64(5)])
def test_number_as_of_refused(as_of) -> None:
    with pytest.raises(TypeError, match="as_of"):
        rfm.rfm_table(_tx(["2025-04-01", "2025-04-02"]), as_of=as_of)


# -- item 4: summaries never merge or drop rows silently ---------------------------------------------------
from course_lib.analysis import privacy  # noqa: E402


def _people(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)], "age": [20 + i for i in range(n)],
                         "gender": ["female", "male"] * (n // 2), "consent_sms": [True] * n})


@pytest.mark.parametrize("names", [[1, "1"], ["young", "Young "], ["a", "a"]])
def test_plan_lines_sharing_a_name_refused(names) -> None:
    plan = [{"segment": names[0], "rule": "age < 30", "channel": "sms"},
            {"segment": names[1], "rule": "age >= 30", "channel": "sms"}]
    with pytest.raises(ValueError, match="duplicate segment names"):
        privacy.audit_targeting_plan(plan, _people(), channel_consent={"sms": "consent_sms"})


def test_people_without_a_group_are_reported_not_dropped() -> None:
    people = _people()
    plan = [{"segment": "all", "rule": None, "channel": "sms"}]
    kw = {"channel_consent": {"sms": "consent_sms"}, "groups": {"gender": None}, "k": 5}
    assert privacy.audit_targeting_plan(plan, people, **kw).empty  # everybody has a group: nothing to say
    people.loc[:5, "gender"] = None
    out = privacy.audit_targeting_plan(plan, people, **kw)
    assert out["message"].str.contains("6 people have no gender group").any()


def test_unknown_group_column_refused() -> None:
    with pytest.raises(ValueError, match="'caste'"):
        privacy.audit_targeting_plan([{"segment": "all", "rule": None, "channel": "sms"}], _people(),
                                     channel_consent={"sms": "consent_sms"}, groups={"caste": None})


# -- item 5: the simulator never answers from a stale cache -------------------------------------------------
from course_lib.market import simulator  # noqa: E402
from course_lib.market.synthetic import generate_market  # noqa: E402


def _run(market, channel="social_ads"):
    return simulator.simulate(None, "generic_sale", channel, 2000, seed=1, market=market)


def test_simulator_sees_in_place_changes_to_the_market() -> None:
    market = generate_market(1_000, seed=3, behaviour=False)
    fresh = lambda: simulator.Market(customers=market.customers.copy(), latent=market.latent.copy())  # noqa: E731
    assert _run(market) == _run(fresh())  # same tables: same answer (cache or not)
    market.latent["responsiveness"] = market.latent["responsiveness"] * 0.1  # changed after the first run
    assert _run(market) == _run(fresh())
    market.latent.loc[:, "latent_segment"] = market.latent["latent_segment"].iloc[::-1].to_numpy()
    assert _run(market) == _run(fresh())
    _run(market, "sms")
    market.customers.loc[:, "consent_sms"] = False  # everybody opted out, in place
    with pytest.raises(ValueError):  # nobody can be reached by SMS any more
        _run(market, "sms")


def test_simulator_sees_replaced_tables() -> None:
    market = generate_market(1_000, seed=3, behaviour=False)
    _run(market)
    market.customers = market.customers.iloc[:300].copy()
    assert _run(market) == _run(simulator.Market(customers=market.customers, latent=market.latent.copy()))
    assert len(simulator.market_arrays(market)["seg"]) == 300


# -- item 6: labels in any script survive ------------------------------------------------------------------
from course_lib.analysis import cleaning  # noqa: E402

INDIAN = ["सीबीएसई", "राज्य बोर्ड", "राज्य मंडळ", "मराठी माध्यम", "மாநில வாரியம்", "தமிழ் வழி", "ਪੰਜਾਬ", "കേരളം"]


def test_labels_in_indian_scripts_stay_distinct_and_match_their_variants() -> None:
    keys = [cleaning.normalise_label(x) for x in INDIAN]
    assert all(keys) and len(set(keys)) == len(INDIAN)  # nothing lost, nothing merged
    assert cleaning.normalise_label(" राज्य  बोर्ड. ") == cleaning.normalise_label("राज्य-बोर्ड")
    assert cleaning.normalise_label("किताब") != cleaning.normalise_label("कितब")  # a vowel sign is meaning
    assert cleaning.normalise_label("தமிழ்") != cleaning.normalise_label("தமிழ")  # and so is a virama (pulli)
    assert cleaning.normalise_label("Café") == "cafe" and cleaning.normalise_label("?!") == "?!"


def test_standardise_labels_in_indian_scripts() -> None:
    values = pd.Series(["राज्य बोर्ड", " राज्य-बोर्ड ", "सीबीएसई", "மாநில வாரியம்", None])
    out = cleaning.standardise_labels(values, ["राज्य बोर्ड", "सीबीएसई"], unknown="keep")
    assert out.tolist()[:3] == ["राज्य बोर्ड", "राज्य बोर्ड", "सीबीएसई"]
    assert out.tolist()[3] == "மாநில வாரியம்"  # unknown label kept as typed, not merged into another
    report = cleaning.audit_table(pd.DataFrame({"board": INDIAN}))
    assert report.report.loc["board", "label_variants"] == 0  # distinct labels are not "variants" of each other
