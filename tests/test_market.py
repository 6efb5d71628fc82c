"""Tests for course_lib.market.synthetic: the latent-segment market generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from course_lib.market.synthetic import (
    CATEGORIES,
    EVENTS_END,
    EVENTS_START,
    SEGMENT_NAMES,
    TX_END,
    TX_START,
    generate_market,
    load_market_config,
)

CUSTOMER_COLUMNS = [
    "customer_id", "age", "gender", "income_band", "education", "occupation", "job_title", "is_student",
    "college", "stream", "family_status", "neighbourhood", "pin_code", "lat", "lon", "apartment_complex",
    "life_event", "preferred_channel", "consent_email", "consent_sms", "consent_ads", "consent_whatsapp", "acquired_on",
]


@pytest.fixture(scope="module")
def small():
    return generate_market(3000, seed=11)


def test_same_seed_same_market_and_other_seed_differs(small):
    again = generate_market(3000, seed=11)
    pd.testing.assert_frame_equal(small.customers, again.customers)
    pd.testing.assert_frame_equal(small.transactions, again.transactions)
    pd.testing.assert_frame_equal(small.events, again.events)
    other = generate_market(3000, seed=12)
    assert not small.customers["age"].equals(other.customers["age"])


def test_customer_contract_and_latent_kept_apart(small):
    c = small.customers
    for col in CUSTOMER_COLUMNS:
        assert col in c.columns, col
    assert any(col.startswith("interest_") for col in c.columns)
    assert "latent_segment" not in c.columns and "responsiveness" not in c.columns
    assert c["customer_id"].is_unique
    assert c["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert list(small.latent["customer_id"]) == list(c["customer_id"])
    assert set(small.latent["latent_segment"].unique()) == set(SEGMENT_NAMES)
    for col in ("consent_email", "consent_sms", "consent_ads", "consent_whatsapp", "is_student"):
        assert c[col].dtype == bool
    # some people opted out of every channel type
    assert 0 < c["consent_email"].mean() < 1 and 0 < c["consent_ads"].mean() < 1
    # a WhatsApp opt-in is its own permission, rarer than SMS consent in the synthetic city (assumption)
    assert 0 < c["consent_whatsapp"].mean() < c["consent_sms"].mean()


def test_whatsapp_opt_in_has_its_own_random_stream(small):
    """Drawing consent_whatsapp leaves every other column, purchase and event as it was without it."""
    import course_lib.market.synthetic as synthetic

    rng = np.random.default_rng(11)
    customers, _ = synthetic._generate_customers(rng, 3000, load_market_config()["cities"]["nagpur"])
    pd.testing.assert_frame_equal(small.customers.drop(columns="consent_whatsapp"), customers)


def test_students_have_college_and_stream_others_do_not(small):
    c = small.customers
    students = c[c["is_student"]]
    assert students["college"].notna().all()
    assert set(students["stream"].unique()) <= {"engineering", "arts", "commerce", "science"}
    assert c.loc[~c["is_student"], ["college", "stream"]].isna().all().all()
    assert (c.loc[c["life_event"] == "exam_season", "is_student"]).all()


def test_locations_cluster_in_the_city(small):
    c = small.customers
    assert c["lat"].between(20.9, 21.35).all() and c["lon"].between(78.85, 79.3).all()
    in_apt = c[c["apartment_complex"].notna()]
    # residents of one complex live within ~100 m of each other
    spread = in_apt.groupby("apartment_complex")[["lat", "lon"]].std().max()
    assert spread.max() < 0.001
    hoods = load_market_config()["cities"]["nagpur"]["neighbourhoods"]
    pins = {h["name"]: h["pin_code"] for h in hoods}
    assert (c["pin_code"] == c["neighbourhood"].map(pins)).all()


def test_transactions_within_window_and_after_acquisition(small):
    tx = small.transactions
    assert tx["date"].between(TX_START, TX_END).all()
    acquired = tx["customer_id"].map(small.customers.set_index("customer_id")["acquired_on"])
    assert (tx["date"] >= acquired.where(acquired > TX_START, TX_START)).all()
    assert (tx["amount"] > 0).all()
    assert np.allclose(tx["amount"], tx["amount"].round(2))
    assert set(tx["category"].unique()) <= set(CATEGORIES)


def test_events_funnel_is_consistent(small):
    ev = small.events
    assert ev["timestamp"].between(EVENTS_START, EVENTS_END + pd.Timedelta(days=1)).all()
    assert {"cart_abandoned", "signup_started", "app_open", "product_view"} <= set(ev["event"].unique())
    per_session = ev.groupby("session_id")["event"].agg(list)
    for events in per_session.head(500):
        if "cart_abandoned" in events or "purchase" in events:
            assert "add_to_cart" in events
        if "signup_completed" in events:
            assert events.index("signup_started") < events.index("signup_completed")
    # sessions hold a single customer
    assert (ev.groupby("session_id")["customer_id"].nunique() == 1).all()
    # signup attempts only come from people without an app account
    su = ev.loc[ev["event"] == "signup_started", "customer_id"]
    assert not small.customers.set_index("customer_id").loc[su, "app_user"].any()


def test_kmeans_on_behaviour_recovers_latent_segments(small):
    tx = small.transactions
    shares = pd.crosstab(tx["customer_id"], tx["category"], values=tx["amount"], aggfunc="sum", normalize="index")
    feats = shares.join(tx.groupby("customer_id").agg(discount=("discount_used", "mean"),
                                                      n=("amount", "size"), aov=("amount", "median")))
    feats["n"] = np.log1p(feats["n"])
    feats["aov"] = np.log(feats["aov"])
    feats = feats[tx.groupby("customer_id").size().reindex(feats.index) >= 4].fillna(0)
    labels = KMeans(8, n_init=5, random_state=0).fit_predict(StandardScaler().fit_transform(feats))
    truth = small.latent.set_index("customer_id").loc[feats.index, "latent_segment"]
    ari = adjusted_rand_score(truth, labels)
    # shuffled truth is the "no structure" reference
    rng = np.random.default_rng(0)
    assert adjusted_rand_score(rng.permutation(truth.to_numpy()), labels) < 0.02
    assert ari > 0.2, ari


def test_segments_differ_in_price_sensitivity(small):
    tx = small.transactions.merge(small.latent, on="customer_id")
    rate = tx.groupby("latent_segment", observed=True)["discount_used"].mean()
    assert rate["deal_hunters"] > 0.7 > 0.2 > rate["affluent_traditional"]


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"n_customers": 10}, ValueError, "n_customers"),
        ({"n_customers": 1000.5}, TypeError, "n_customers"),
        ({"seed": -1}, ValueError, "seed"),
        ({"city": "atlantis"}, ValueError, "city"),
        ({"city": 3}, TypeError, "city"),
        ({"behaviour": "yes"}, TypeError, "behaviour"),
        ({"config": [1]}, TypeError, "config"),
    ],
)
def test_bad_arguments_get_named(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        generate_market(**{"n_customers": 200, **kwargs})


def test_behaviour_false_skips_transactions():
    m = generate_market(200, seed=1, behaviour=False)
    assert m.transactions.empty and len(m.customers) == 200
