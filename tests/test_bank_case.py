"""Tests of course_lib.chapters.bank_case, against plain-pandas references and hand-computed numbers."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.chapters.bank_case import (  # noqa: E402
    FITS,
    PLAN_PATH,
    clean_prospects,
    compare_with_baseline,
    find_reimports,
    plot_town_response,
    simulate_creative_test,
    town_explorer,
)
from course_lib.analysis.casework import exam_answer, load_case_plan  # noqa: E402
from course_lib.market.datasets import load_case  # noqa: E402


@pytest.fixture(scope="module")
def case():
    return load_case("bank")


def tiny() -> pd.DataFrame:
    return pd.DataFrame({
        "prospect_id": ["P1", "P2", "P3", "P4", "P5"],
        "age": [18, 18, 16, 18, 19],
        "town": ["kota ", "Kota", "Kota", "kota ", "Vellore "],
        "stream": ["arts", "arts", None, "arts", None],
    })


# --------------------------------------------------------------------------- find_reimports


def test_find_reimports_keeps_look_alikes_in_the_original_list():
    df = tiny()
    # P4 (new) copies P1 exactly; P1 and P2 differ only in town spelling; P5 is new but copies nobody.
    assert find_reimports(df, original_size=3)["prospect_id"].tolist() == ["P4"]
    same = pd.DataFrame({"prospect_id": ["P1", "P2", "P3"], "age": [18, 18, 18]})
    assert find_reimports(same, original_size=3).empty  # identical profiles in the original list are people


def test_find_reimports_treats_missing_values_as_equal():
    df = pd.DataFrame({"prospect_id": ["P1", "P2"], "stream": [None, None]})
    assert find_reimports(df, original_size=1)["prospect_id"].tolist() == ["P2"]


def test_find_reimports_on_the_case_matches_a_reference(case):
    p = case.prospects
    cols = [c for c in p.columns if c != "prospect_id"]
    num = p["prospect_id"].str[1:].astype(int)
    keys = p[cols].astype("object").fillna("<NA>").apply(tuple, axis=1)
    expected = p[(num > 6000) & keys.isin(set(keys[num <= 6000]))]
    got = find_reimports(p, original_size=case.params["n_prospects"])
    assert got.index.tolist() == expected.index.tolist()
    assert len(got) == 60


@pytest.mark.parametrize(
    ("kwargs", "err", "msg"),
    [
        (dict(data=[1, 2], original_size=1), TypeError, "data"),
        (dict(data=pd.DataFrame({"x": [1]}), original_size=1), ValueError, "prospect_id"),
        (dict(data=pd.DataFrame({"prospect_id": ["P1"]}), original_size=1), ValueError, "besides the id"),
        (dict(data=pd.DataFrame({"prospect_id": ["PX"], "a": [1]}), original_size=1), ValueError, "end in a number"),
        (dict(data=pd.DataFrame({"prospect_id": ["P1"], "a": [1]}), original_size=-1), ValueError, "original_size"),
    ],
)
def test_find_reimports_validates(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        find_reimports(**kwargs)


# --------------------------------------------------------------------------- clean_prospects


def test_clean_prospects_small_example():
    df = tiny()
    before = df.copy()
    out = clean_prospects(df, original_size=3, towns=["Kota", "Vellore"])
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is untouched
    assert out["prospect_id"].tolist() == ["P1", "P2", "P5"]  # P3 is 16, P4 a re-import
    assert out["town"].astype(str).tolist() == ["Kota", "Kota", "Vellore"]
    assert out["stream"].astype(str).tolist() == ["arts", "arts", "not stated"]


def test_clean_prospects_unknown_town_is_an_error():
    df = tiny().assign(town=["Kota", "Kota", "Kota", "Kota", "Pune"])
    with pytest.raises(ValueError, match="Pune"):
        clean_prospects(df, original_size=5, towns=["Kota", "Vellore"])


def test_clean_prospects_on_the_case(case):
    p = case.prospects
    out = clean_prospects(p, original_size=case.params["n_prospects"], towns=list(case.params["towns"]))
    assert len(out) == len(p) - 60 - 10
    assert out["age"].between(17, 21).all()
    assert set(out["town"].astype(str)) == set(case.params["towns"])
    assert out["stream"].notna().all()
    assert (out["stream"] == "not stated").sum() == p.drop(find_reimports(p, original_size=6000).index).query(
        "17 <= age <= 21")["stream"].isna().sum()


def test_clean_prospects_bad_ages():
    with pytest.raises(ValueError, match="ages"):
        clean_prospects(tiny(), original_size=3, ages=(21, 17))


# --------------------------------------------------------------------------- simulate_creative_test


def test_simulate_creative_test_shape_and_budget(case):
    t = simulate_creative_test(case.params, budget=60_000, frequency=3, seed=1)
    assert len(t) == 6 and set(t["fit"]) == set(FITS)
    assert math.isclose(t["spend"].sum(), 60_000)
    cpm = case.params["baseline"]["cpm"]
    assert np.allclose(t["impressions"], 10_000 / cpm * 1000, atol=1)
    assert np.allclose(t["reach"], t["impressions"] / 3, atol=1)
    assert (t["clicks"] <= t["reach"]).all() and (t["accounts_opened"] <= t["clicks"]).all()
    eng = t.set_index(["stream", "fit"]).loc["engineering"]
    assert eng.loc["matched", "creative"] == "campus_engineering"
    assert eng.loc["mismatched", "creative"] == "campus_arts"
    assert eng.loc["generic", "creative"] == "generic_savings"


def test_simulate_creative_test_is_seeded_and_follows_the_rates(case):
    a = simulate_creative_test(case.params, seed=5)
    pd.testing.assert_frame_equal(a, simulate_creative_test(case.params, seed=5))
    big = simulate_creative_test(case.params, budget=6_000_000, seed=0).groupby("fit")[["reach", "clicks"]].sum()
    for fit in FITS:
        assert abs(big.loc[fit, "clicks"] / big.loc[fit, "reach"] - case.params["click_rate"][fit]) < 0.002


@pytest.mark.parametrize(
    ("args", "err", "msg"),
    [
        (dict(params=[1]), TypeError, "params"),
        (dict(params={"click_rate": {}}), ValueError, "open_rate_after_click"),
        (dict(budget=0), ValueError, "budget"),
        (dict(frequency=0.5), ValueError, "frequency"),
    ],
)
def test_simulate_creative_test_validates(case, args, err, msg):
    kwargs = {"params": case.params, **args}
    with pytest.raises(err, match=msg):
        simulate_creative_test(**kwargs)


# --------------------------------------------------------------------------- compare_with_baseline


def test_compare_with_baseline_by_hand():
    old = pd.DataFrame({"impressions": [6000, 4000], "clicks": [20, 20], "accounts_opened": [2, 3],
                        "spend": [540.0, 360.0]})
    new = pd.DataFrame({"fit": ["matched", "matched", "generic"], "impressions": [5000, 5000, 10000],
                        "clicks": [80, 70, 41], "accounts_opened": [20, 20, 5], "spend": [450.0, 450.0, 900.0]})
    out = compare_with_baseline(new, old)
    assert out.index.tolist() == ["old generic ad", "matched", "generic"]
    assert math.isclose(out.loc["old generic ad", "ctr"], 40 / 10_000)
    assert math.isclose(out.loc["matched", "cost_per_account"], 900 / 40)
    assert math.isclose(out.loc["old generic ad", "cost_per_account"], 900 / 5)
    # z-test by hand for matched clicks: 150/10000 vs 40/10000
    p = 190 / 20000
    z = (0.015 - 0.004) / math.sqrt(p * (1 - p) * (2 / 10000))
    p_value = math.erfc(abs(z) / math.sqrt(2))
    assert math.isclose(out.loc["matched", "ctr_p_value"], p_value, rel_tol=1e-6)
    assert math.isclose(out.loc["matched", "ctr_lift"], 0.015 / 0.004 - 1)
    assert bool(out.loc["matched", "significant"]) and not bool(out.loc["generic", "significant"])
    assert np.isnan(out.loc["old generic ad", "ctr_p_value"])


def test_compare_with_baseline_zero_accounts_gives_no_cost():
    old = pd.DataFrame({"impressions": [1000], "clicks": [4], "accounts_opened": [1], "spend": [90.0]})
    new = pd.DataFrame({"fit": ["x"], "impressions": [1000], "clicks": [3], "accounts_opened": [0], "spend": [90.0]})
    assert np.isnan(compare_with_baseline(new, old).loc["x", "cost_per_account"])


def test_compare_with_baseline_validates():
    old = pd.DataFrame({"impressions": [1000], "clicks": [4], "accounts_opened": [1], "spend": [90.0]})
    with pytest.raises(ValueError, match="fit"):
        compare_with_baseline(old, old)
    with pytest.raises(ValueError, match="impressions"):
        compare_with_baseline(old.assign(fit="a", impressions=0), old)


# --------------------------------------------------------------------------- plots, widget, plan


def test_plot_and_explorer(case):
    import matplotlib.pyplot as plt

    clean = clean_prospects(case.prospects, original_size=6000, towns=list(case.params["towns"]))
    fig = plot_town_response(clean, "Kota")
    assert len(fig.axes) == 2 and "Kota" in fig.axes[0].get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="no prospects in town"):
        plot_town_response(clean, "Pune")
    box = town_explorer(clean)
    assert box.children[0].options[0] == "All towns" and "Kota" in box.children[0].options
    plt.close("all")


def test_the_plan_reads_and_fills_the_exam_answer():
    plan = load_case_plan("bank", path=PLAN_PATH)
    assert list(plan.rules) == ["already_banked", "engineering_first", "arts_first"]
    with pytest.raises(ValueError, match="missing"):
        exam_answer("bank", {}, path=PLAN_PATH)
