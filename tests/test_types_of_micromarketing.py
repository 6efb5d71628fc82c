"""Chapter 07: the types as content, the audiences behind the explorer, and the notebook's open box."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis import cleaning as cl
from course_lib.chapters import ch07_types_of_micromarketing as ch07
from course_lib.market.datasets import load_case, load_customers, load_transactions
from notebook_code import notebook_namespace


@pytest.fixture(scope="module")
def tables():
    return ch07.course_tables(load_customers(), load_transactions(), load_case("b2b"))


# ---------------------------------------------------------------- content


def test_load_types_has_all_eight_with_text_and_citations():
    types = ch07.load_types()
    assert types.index.tolist() == list(ch07.TYPE_ORDER)
    assert (types != "").all().all()
    assert types["source"].str.contains("StudySmarter").all()
    assert set(types["unit"]) == {"customers", "contacts", "accounts"}


def test_type_setting_and_unknown_key():
    assert ch07.type_setting("recovery")["default"] == 180
    with pytest.raises(ValueError, match="one of"):
        ch07.type_setting("loyal")
    with pytest.raises(TypeError):
        ch07.type_setting(3)


def test_scenarios_name_known_types():
    sc = ch07.load_scenarios()
    assert set(sc["answer"]) <= set(ch07.TYPE_ORDER)
    assert (sc["answer"] != sc["confusable"]).all()


def test_job_title_cleaning_used_by_the_chapter():
    s = pd.Series(["CTO", "C.T.O.", "Chief Technology Officer", "COO", "Vice President - Operations", "Analyst",
                   "Astronaut"], name="job_title")
    assert cl.standardise_titles(s).tolist() == ["Chief Technology Officer"] * 3 + [
        "Chief Operating Officer", "VP Operations", "Analyst", "Astronaut"]
    assert cl.title_roles(s).tolist() == ["technology"] * 3 + ["operations", "operations", "other", "other"]
    assert cl.company_key(load_case("b2b").accounts["company"]).nunique() == 200  # 203 rows, 3 duplicates


# ---------------------------------------------------------------- audiences on the course data


def test_local_audience_matches_an_independent_distance(tables):
    cust = load_customers()
    lat1, lon1, lat2, lon2 = map(np.radians, (cust["lat"].to_numpy(), cust["lon"].to_numpy(), 21.145, 79.085))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
    assert int(ch07.type_audience(tables, "local", 1.5).sum()) == int((km <= 1.5).sum())


def test_rfm_types_follow_their_definitions(tables):
    tx = load_transactions()
    last = tx["date"].max().normalize()
    per = tx.groupby("customer_id").agg(n=("date", "size"), latest=("date", "max"))
    recency = (last - per["latest"].dt.normalize()).dt.days
    assert ch07.type_audience(tables, "loyalty", 10).sum() == ((per["n"] >= 10) & (recency <= 90)).sum()
    assert ch07.type_audience(tables, "recovery", 240).sum() == ((recency >= 240) & (per["n"] >= 2)).sum()
    assert ch07.type_audience(tables, "relationship", 60).sum() == ((recency <= 60) & (per["n"] <= 2)).sum()


def test_customer_based_and_price_sensitivity_rules(tables):
    tx = load_transactions()
    recent = tx[(tx["category"] == "groceries") & (tx["date"] > tx["date"].max() - pd.Timedelta(days=365))]
    counts = recent["customer_id"].value_counts()
    cust = load_customers().set_index("customer_id")
    fam = cust["family_status"].isin(["married_with_kids", "joint_family"]) & cust["interest_cooking"]
    assert ch07.type_audience(tables, "customer_based").sum() == (counts.reindex(cust.index, fill_value=0)[fam] >= 6).sum()
    per = tx.groupby("customer_id")["discount_used"].agg(["size", "sum"])
    expected = ((per["sum"] / per["size"] >= 0.7) & (per["size"] >= 5)).sum()
    assert ch07.type_audience(tables, "price_sensitivity", 0.7).sum() == expected


def test_b2b_types(tables):
    assert len(tables["accounts"]) == 200
    assert tables["engagement"]["account_id"].isin(tables["accounts"]["account_id"]).all()
    retail = ch07.type_audience(tables, "industry", "retail")
    assert retail.sum() == (tables["accounts"]["industry"] == "retail").sum()
    tech = ch07.type_audience(tables, "job_title", "technology")
    assert set(tables["contacts"].loc[tech, "title"]) <= {"Chief Technology Officer", "Chief Information Officer",
                                                          "Head of IT", "VP Delivery"}
    assert tables["contacts"].loc[tech, "email_opt_in"].all()


def test_setting_and_input_validation(tables):
    with pytest.raises(ValueError, match="radius"):
        ch07.type_audience(tables, "local", 50)
    with pytest.raises(ValueError, match="one of"):
        ch07.type_audience(tables, "industry", "space")
    with pytest.raises(TypeError):
        ch07.type_audience(tables, "loyalty", "many")
    with pytest.raises(ValueError, match="transactions"):
        ch07.course_tables(load_customers(), pd.DataFrame({"customer_id": ["a"]}), load_case("b2b"))
    with pytest.raises(TypeError, match="b2b"):
        ch07.course_tables(load_customers(), load_transactions(), {"accounts": None})


@pytest.mark.slow
def test_chapter_07_masks_equal_the_explorer_audiences(tables):
    """Open the box: each type's plain True/False mask in the notebook equals type_audience at the same setting."""
    ns = notebook_namespace("07-types-of-micromarketing", "open-the-box")
    shown = {"loyalty": "loyal", "local": "local", "relationship": "nurture", "job_title": "ops",
             "industry": "manufacturing", "customer_based": "cooks", "recovery": "winback",
             "price_sensitivity": "bargain"}
    for key, name in shown.items():
        helper = ch07.type_audience(tables, key)
        pd.testing.assert_series_equal(ns[name], helper, check_names=False, obj=key)
    assert int(ns["loyal"].sum()) == 4245 and int(ns["bargain"].sum()) == 9676  # the numbers in the prose


def test_profile_plot_and_explorer(tables):
    mask = ch07.type_audience(tables, "price_sensitivity")
    ax = ch07.plot_profile(mask, tables["customers"]["income_band"], title="t")
    assert ax.get_title() == "t" and len(ax.patches) == 2 * tables["customers"]["income_band"].nunique()
    with pytest.raises(TypeError, match="same length"):
        ch07.plot_profile(mask, tables["contacts"]["industry"])
    import matplotlib.pyplot as plt

    plt.close("all")


def test_types_explorer_redraws_every_change_on_its_own_figure(tables):
    """The explorer is a learning.explorer.Explorer: each change (type or setting) draws a new, non-empty chart."""
    from course_lib.learning.explorer import Explorer

    ex = ch07.explore_types(tables, "local")
    assert isinstance(ex, Explorer) and ex.error is None
    assert ex.result.startswith("**Local** (radius (km) = 2.0): 9,400 of 50,000 customers")
    first = ex.figure
    ex.set(kind="industry")  # the setting follows the type: its label, its choices, the type's default
    assert ex.controls["setting"].description == "industry" and ex.values["setting"] == "manufacturing"
    assert ex.figure is not first and ex.figure.axes[0].patches
    assert "48 of 200 accounts" in ex.result
    ex.set(kind="loyalty", setting=40)
    assert ex.error is None and "min purchases = 40" in ex.result
    slider = ex.controls["setting"]
    assert slider.continuous_update is False and int(slider.layout.width.removesuffix("px")) >= 400
    with pytest.raises(ValueError):
        ch07.explore_types(tables, "loyal")


@pytest.mark.slow
def test_phase_rates_pool_the_counts_not_the_industries_rates():
    """Chapter 07's one rate per phase is sum of successes / sum of trials over the industries (issue 15).

    The old notebook averaged the seven industries' rates, which weights a small industry like a large one;
    this test fails on that average (the win rate of the industry-specific phase is 9.0% pooled, 10.2% averaged).
    """
    ns = notebook_namespace("07-types-of-micromarketing", "pooled-rates")
    rates = ns["phase_rates"]
    b2b = load_case("b2b")
    accounts = b2b.accounts[~cl.company_key(b2b.accounts["company"]).duplicated()]
    eng = b2b.engagement[b2b.engagement["account_id"].isin(accounts["account_id"])]
    by_phase = eng.groupby("phase", observed=True)
    pooled = pd.DataFrame({"reply_rate": by_phase["email_replies"].sum() / by_phase["emails_sent"].sum(),
                           "meeting_rate": by_phase["meeting_held"].sum() / by_phase["account_id"].nunique(),
                           "win_rate": by_phase["deal_won"].sum() / by_phase["account_id"].nunique()})
    pd.testing.assert_frame_equal(rates[pooled.columns], pooled, check_names=False)
    merged = eng.merge(accounts[["account_id", "industry"]], on="account_id")
    per_industry = merged.groupby(["phase", "industry"], observed=True)["deal_won"].mean()
    average_of_rates = per_industry.groupby("phase", observed=True).mean()
    assert abs(rates.loc["micro_2025", "win_rate"] - average_of_rates["micro_2025"]) > 0.005
    assert rates["accounts"].tolist() == [200, 200]
