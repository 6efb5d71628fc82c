"""Tests of course_lib.chapters.micromarketing_types."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.analysis import cleaning as cl
from course_lib.chapters import micromarketing_types as mt
from course_lib.market.datasets import load_case, load_customers, load_transactions
from course_lib.analysis.geo import haversine_km
from course_lib.analysis.targeting import stores


@pytest.fixture(scope="module")
def data():
    return mt.TypesData(load_customers(), load_transactions(), load_case("b2b"))


# ---------------------------------------------------------------- content


def test_load_types_has_all_eight_with_text_and_citations():
    types = mt.load_types()
    assert types.index.tolist() == list(mt.TYPE_ORDER)
    assert types.notna().all().all()
    assert types["source"].str.contains("StudySmarter").all()
    assert set(types["unit"]) == {"customers", "contacts", "accounts"}


def test_load_types_reports_a_missing_type(tmp_path):
    raw = yaml.safe_load(mt.TYPES_PATH.read_text(encoding="utf-8"))
    del raw["types"]["industry"]
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="industry"):
        mt.load_types(path)


def test_load_types_reports_a_bad_setting(tmp_path):
    raw = yaml.safe_load(mt.TYPES_PATH.read_text(encoding="utf-8"))
    raw["types"]["local"]["setting"]["default"] = 99
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="default <= max"):
        mt.load_types(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="types file"):
        mt.load_types(tmp_path / "nope.yaml")


def test_type_setting_and_unknown_key():
    assert mt.type_setting("recovery")["default"] == 180
    with pytest.raises(ValueError, match="one of"):
        mt.type_setting("loyal")
    with pytest.raises(TypeError):
        mt.type_setting(3)


def test_scenarios_name_known_types():
    sc = mt.load_scenarios()
    assert set(sc["answer"]) <= set(mt.TYPE_ORDER)
    assert (sc["answer"] != sc["confusable"]).all()


# ---------------------------------------------------------------- helpers


def test_standardise_titles_and_roles():
    s = pd.Series(["CTO", "C.T.O.", "Chief Technology Officer", "COO", "Vice President - Operations", "Analyst",
                   "Astronaut"], name="job_title")
    out = cl.standardise_titles(s)
    assert out.tolist() == ["Chief Technology Officer"] * 3 + ["Chief Operating Officer", "VP Operations",
                                                                "Analyst", "Astronaut"]
    assert s.iloc[0] == "CTO"  # input untouched
    assert cl.title_roles(s).tolist() == ["technology"] * 3 + ["operations", "operations", "other", "other"]
    with pytest.raises(TypeError, match="Series"):
        cl.standardise_titles(["CTO"])


def test_company_key_finds_the_planted_duplicates():
    acc = load_case("b2b").accounts
    keys = cl.company_key(acc["company"])
    assert keys.nunique() == 200  # 203 rows = 200 companies + 3 duplicates (data/README.md)
    assert cl.company_key(pd.Series(["A Ltd", "B Ltd"])).nunique() == 2


def test_discount_profile_against_hand_counts():
    tx = pd.DataFrame({"customer_id": ["a", "b", "a", "a", "b"],
                       "discount_used": [True, False, False, True, False]})
    before = tx.copy()
    prof = mt.discount_profile(tx)
    assert prof.loc["a"].tolist() == [3, 2, pytest.approx(2 / 3)]
    assert prof.loc["b"].tolist() == [2, 0, 0.0]
    pd.testing.assert_frame_equal(tx, before)


def test_discount_profile_validates():
    with pytest.raises(ValueError, match="discount_used"):
        mt.discount_profile(pd.DataFrame({"customer_id": ["a"]}))
    with pytest.raises(TypeError, match="True/False"):
        mt.discount_profile(pd.DataFrame({"customer_id": ["a"], "discount_used": ["yes"]}))


def test_price_sensitive_customers_boundaries():
    tx = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"] * 4 + ["c"] * 2,
                       "discount_used": [True, True, False, False, True, False, False, False, True, True]})
    assert mt.price_sensitive_customers(tx, min_share=0.5, min_purchases=4).index.tolist() == ["a"]  # exactly half
    assert mt.price_sensitive_customers(tx, min_share=0.5, min_purchases=2).index.tolist() == ["c", "a"]
    with pytest.raises(ValueError, match="min_share"):
        mt.price_sensitive_customers(tx, min_share=50)
    with pytest.raises(TypeError, match="min_purchases"):
        mt.price_sensitive_customers(tx, min_purchases=2.5)


def test_phase_response_by_hand():
    acc = pd.DataFrame({"account_id": ["A", "B", "C"], "industry": ["x", "x", "y"]})
    eng = pd.DataFrame({"account_id": ["A", "B", "C", "A"], "phase": ["p1", "p1", "p1", "p2"],
                        "emails_sent": [4, 6, 5, 2], "email_replies": [1, 1, 0, 2],
                        "meeting_held": [True, False, False, True], "deal_won": [True, False, False, True],
                        "deal_value_lakh": [10.0, 0.0, 0.0, 5.0]})
    out = phase_rows = mt.phase_response(acc, eng)
    assert phase_rows.loc[("x", "p1"), "reply_rate"] == pytest.approx(2 / 10)
    assert out.loc[("x", "p1"), "win_rate"] == 0.5
    assert out.loc[("x", "p2"), "accounts"] == 1
    with pytest.raises(ValueError, match="not in accounts"):
        mt.phase_response(acc.iloc[:2], eng)
    with pytest.raises(ValueError, match="duplicate"):
        mt.phase_response(pd.concat([acc, acc]), eng)


# ---------------------------------------------------------------- audiences on the course data


def test_local_audience_matches_an_independent_distance(data):
    shop = stores().set_index("store_id").loc["S-SIT"]
    cust = load_customers()
    d = haversine_km(cust["lat"].to_numpy(), cust["lon"].to_numpy(), shop["lat"], shop["lon"])
    aud = data.audience("local", 1.5)
    assert aud.size == int((d <= 1.5).sum())
    assert aud.unit == "customers" and len(aud.base) == 50_000


def test_loyalty_and_recovery_follow_their_definitions(data):
    rfm = data.rfm
    loyal = data.audience("loyalty", 10).members
    assert (loyal["frequency"] >= 10).all() and (loyal["recency"] <= 90).all()
    assert len(loyal) == int(((rfm["frequency"] >= 10) & (rfm["recency"] <= 90)).sum())
    lapsed = data.audience("recovery", 240).members
    assert len(lapsed) == int(((rfm["recency"] >= 240) & (rfm["frequency"] >= 2)).sum())


def test_rfm_with_integer_codes_equals_the_plain_table(data):
    from course_lib.analysis.rfm import rfm_table

    plain = rfm_table(load_transactions())
    pd.testing.assert_frame_equal(data.rfm, plain)


def test_customer_based_rule(data):
    tx = load_transactions()
    recent = tx[(tx["category"] == "groceries") & (tx["date"] > tx["date"].max() - pd.Timedelta(days=365))]
    counts = recent["customer_id"].value_counts()
    cust = load_customers().set_index("customer_id")
    fam = cust["family_status"].isin(["married_with_kids", "joint_family"]) & cust["interest_cooking"]
    expected = int((counts.reindex(cust.index, fill_value=0)[fam] >= 6).sum())
    assert data.audience("customer_based").size == expected


def test_b2b_types(data):
    ind = data.audience("industry", "retail")
    assert ind.size == int((data.accounts["industry"] == "retail").sum())
    assert 0 <= ind.value_share <= 1
    job = data.audience("job_title", "technology")
    assert set(job.members["title"]) <= {"Chief Technology Officer", "Chief Information Officer", "Head of IT",
                                         "VP Delivery"}
    assert len(data.accounts) == 200
    assert data.engagement["account_id"].isin(data.accounts.index).all()


def test_setting_validation(data):
    with pytest.raises(ValueError, match="radius"):
        data.audience("local", 50)
    with pytest.raises(ValueError, match="one of"):
        data.audience("industry", "space")
    with pytest.raises(TypeError):
        data.audience("loyalty", "many")


def test_types_data_validates_inputs():
    with pytest.raises(ValueError, match="transactions"):
        mt.TypesData(load_customers(), pd.DataFrame({"customer_id": ["a"]}), load_case("b2b"))
    with pytest.raises(TypeError, match="b2b"):
        mt.TypesData(load_customers(), load_transactions(), {"accounts": None})


def test_summary_and_overlap(data):
    s = data.summary()
    assert s.index.tolist() == list(mt.TYPE_ORDER)
    assert (s["audience"] <= s["base"]).all()
    assert np.isnan(s.loc["job_title", "share_of_value"])
    ov = data.overlap()
    assert np.allclose(np.diag(ov), 1.0)
    assert ov.loc["loyalty", "relationship"] == 0.0  # >= 20 purchases vs <= 2: disjoint by definition
    assert ov.loc["loyalty", "recovery"] == 0.0  # bought within 90 days vs none for 180


def test_profile_table_and_plot(data):
    aud = data.audience("price_sensitivity")
    table = aud.profile_table()
    assert table.sum().round(6).tolist() == [1.0, 1.0]
    ax = mt.plot_type_audience(aud)
    assert "Price-sensitivity" in ax.get_title()
    with pytest.raises(TypeError, match="TypeAudience"):
        mt.plot_type_audience("loyalty")


def test_explorer_builds_and_switches(data):
    w = mt.explore_types(data, "local")
    kind = w.children[0].children[0]
    kind.value = "industry"
    assert w.children[0].children[1].children[0].description == "industry"
    with pytest.raises(TypeError):
        mt.explore_types("data")
