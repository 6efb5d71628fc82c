"""Tests for course_lib.analysis.features, checked against an independent plain-Python reference."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.analysis.features import FEATURE_GROUPS, customer_features, feature_columns


def reference_features(rows: list[dict], as_of: dt.date | None = None) -> dict[str, dict[str, float]]:
    """Customer -> feature -> value, computed with dicts and loops (no pandas)."""
    days = [r["date"] for r in rows]
    end = as_of or max(days)
    rows = [r for r in rows if r["date"] <= end]
    by_customer: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_customer[r["customer_id"]].append(r)
    categories = sorted({r["category"] for r in rows})
    channels = sorted({r["channel"] for r in rows})
    out = {}
    for cust, purchases in by_customer.items():
        n = len(purchases)
        spend = sum(p["amount"] for p in purchases)
        feats = {
            "orders": n,
            "total_spend": spend,
            "avg_order_value": spend / n,
            "recency_days": (end - max(p["date"] for p in purchases)).days,
            "discount_share": sum(1 for p in purchases if p["discount_used"]) / n,
        }
        for ch in channels:
            feats[f"channel_{ch}"] = sum(1 for p in purchases if p["channel"] == ch) / n
        for cat in categories:
            cat_spend = sum(p["amount"] for p in purchases if p["category"] == cat)
            feats[f"share_{cat}"] = cat_spend / spend if spend > 0 else 0.0
        out[cust] = feats
    return out


def random_rows(seed: int, n: int = 400, customers: int = 40) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    return [
        {
            "customer_id": f"C{rng.integers(customers):03d}",
            "date": start + dt.timedelta(days=int(rng.integers(0, 365))),
            "amount": float(round(rng.gamma(2.0, 300.0), 2)) if rng.random() > 0.05 else 0.0,
            "category": str(rng.choice(["groceries", "books", "electronics", "sportswear"])),
            "channel": str(rng.choice(["store", "app", "website"])),
            "discount_used": bool(rng.random() < 0.4),
        }
        for _ in range(n)
    ]


def as_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df


def assert_matches_reference(result: pd.DataFrame, expected: dict[str, dict[str, float]]) -> None:
    assert sorted(result.index) == sorted(expected)
    assert list(result.index) == sorted(result.index)
    for cust, feats in expected.items():
        assert set(result.columns) == set(feats), cust
        for name, value in feats.items():
            assert result.loc[cust, name] == pytest.approx(value, rel=1e-12, abs=1e-12), (cust, name)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_the_reference_on_random_purchases(seed):
    rows = random_rows(seed)
    assert_matches_reference(customer_features(as_frame(rows)), reference_features(rows))


def test_matches_the_reference_with_as_of():
    rows = random_rows(5)
    as_of = dt.date(2024, 7, 1)
    result = customer_features(as_frame(rows), as_of="2024-07-01")
    assert_matches_reference(result, reference_features(rows, as_of=as_of))
    assert result["recency_days"].min() >= 0


def test_matches_the_reference_on_the_course_data():
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415

    tx = load_transactions().iloc[:3000]
    rows = [
        {**r, "date": r["date"].date(), "category": str(r["category"]), "channel": str(r["channel"])}
        for r in tx.to_dict("records")
    ]
    result = customer_features(tx)
    expected = reference_features(rows)
    # categoricals keep every category (unused ones give zero columns), so compare the used ones
    assert result.filter(like="share_").shape[1] == len(tx["category"].cat.categories)
    assert_matches_reference(result[list(next(iter(expected.values())))], expected)
    assert result["orders"].dtype == np.int64 and result["recency_days"].dtype == np.int64
    assert result.index.name == "customer_id"


def test_shares_add_up_and_stay_between_0_and_1():
    result = customer_features(as_frame(random_rows(3)))
    channel_total = result[feature_columns(result, ["channel"])].sum(axis=1)
    assert np.allclose(channel_total, 1.0)
    shares = result[feature_columns(result, ["category"])]
    spent = result["total_spend"] > 0
    assert np.allclose(shares[spent].sum(axis=1), 1.0)
    assert ((shares >= 0) & (shares <= 1)).all().all()
    assert result["discount_share"].between(0, 1).all()


def test_a_customer_who_spent_nothing_has_zero_category_shares():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b"],
        "date": ["2024-01-01", "2024-01-02", "2024-01-02"],
        "amount": [0.0, 0.0, 10.0],
        "category": ["x", "y", "x"],
        "channel": ["app", "app", "store"],
        "discount_used": [False, True, False],
    })
    result = customer_features(tx)
    assert result.loc["a", ["share_x", "share_y"]].tolist() == [0.0, 0.0]
    assert result.loc["a", "avg_order_value"] == 0.0
    assert result.loc["a", "discount_share"] == 0.5
    assert result.loc["b", "share_x"] == 1.0


def test_unused_categories_give_zero_columns_in_category_order():
    tx = pd.DataFrame({
        "customer_id": ["a", "b"],
        "date": ["2024-01-01", "2024-01-02"],
        "amount": [5.0, 10.0],
        "category": pd.Categorical(["y", "y"], categories=["z", "y", "x"]),
        "channel": ["store", "app"],
    })
    result = customer_features(tx, discount=None)
    assert feature_columns(result, ["category"]) == ["share_z", "share_y", "share_x"]
    assert result["share_z"].eq(0).all() and result["share_y"].eq(1).all()
    assert feature_columns(result, ["channel"]) == ["channel_app", "channel_store"]  # text: alphabetical


def test_optional_groups_can_be_left_out():
    result = customer_features(as_frame(random_rows(4)), category=None, channel=None, discount=None)
    assert list(result.columns) == ["orders", "total_spend", "avg_order_value", "recency_days"]


def test_other_column_names_work():
    df = as_frame(random_rows(6)).rename(columns={"customer_id": "who", "amount": "paid", "date": "day"})
    result = customer_features(df, customer="who", amount="paid", date="day")
    assert result.index.name == "who"
    assert result["orders"].sum() == len(df)


def test_the_input_is_not_changed():
    df = as_frame(random_rows(7))
    before = df.copy()
    customer_features(df, as_of="2024-06-30")
    pd.testing.assert_frame_equal(df, before)


def test_text_dates_are_read():
    rows = random_rows(8)
    df = pd.DataFrame(rows).assign(date=[r["date"].isoformat() for r in rows])
    assert_matches_reference(customer_features(df), reference_features(rows))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.integers(0, 60), st.floats(0, 1e5, allow_nan=False),
                  st.sampled_from(["p", "q"]), st.sampled_from(["s", "w"]), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_totals_are_kept(purchases):
    df = pd.DataFrame(purchases, columns=["customer_id", "day", "amount", "category", "channel", "discount_used"])
    df["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(df.pop("day"), unit="D")
    result = customer_features(df)
    assert result["orders"].sum() == len(df)
    assert result["total_spend"].sum() == pytest.approx(df["amount"].sum(), rel=1e-9, abs=1e-6)
    assert (result["discount_share"] * result["orders"]).sum() == pytest.approx(df["discount_used"].sum())
    assert result.index.is_unique and len(result) == df["customer_id"].nunique()


# --------------------------------------------------------------------------- validation


@pytest.fixture
def tx() -> pd.DataFrame:
    return as_frame(random_rows(9, n=30))


def test_rejects_what_is_not_a_dataframe():
    with pytest.raises(TypeError, match="transactions must be a pandas DataFrame"):
        customer_features([{"customer_id": "a"}])


def test_rejects_an_empty_frame(tx):
    with pytest.raises(ValueError, match="transactions is empty"):
        customer_features(tx.iloc[:0])


@pytest.mark.parametrize("column", ["customer_id", "date", "amount", "category", "channel", "discount_used"])
def test_names_a_missing_column(tx, column):
    with pytest.raises(ValueError, match=f"missing the column '{column}'"):
        customer_features(tx.drop(columns=column))


def test_names_a_column_with_missing_values(tx):
    tx.loc[3, "channel"] = None
    with pytest.raises(ValueError, match="column 'channel' of transactions has 1 missing value"):
        customer_features(tx)


def test_rejects_negative_amounts(tx):
    tx.loc[0, "amount"] = -5.0
    with pytest.raises(ValueError, match="'amount'.*negative"):
        customer_features(tx)


def test_rejects_text_amounts(tx):
    tx["amount"] = tx["amount"].astype(str)
    with pytest.raises(TypeError, match="'amount'.*numeric"):
        customer_features(tx)


def test_rejects_a_discount_column_that_is_not_true_false(tx):
    tx["discount_used"] = np.where(tx["discount_used"], "yes", "no")
    with pytest.raises(TypeError, match="'discount_used'.*True/False"):
        customer_features(tx)


def test_rejects_unreadable_dates(tx):
    tx["date"] = "not a date"
    with pytest.raises(ValueError, match="'date'.*dates"):
        customer_features(tx)


def test_rejects_an_as_of_before_the_first_purchase(tx):
    with pytest.raises(ValueError, match="before the first purchase"):
        customer_features(tx, as_of="2000-01-01")


@pytest.mark.parametrize("arg", ["customer", "date", "amount"])
def test_required_column_arguments_must_be_names(tx, arg):
    with pytest.raises(TypeError, match=f"{arg} must be a column name"):
        customer_features(tx, **{arg: None})


def test_optional_column_arguments_must_be_names_or_none(tx):
    with pytest.raises(TypeError, match="category must be a column name .str. or None"):
        customer_features(tx, category=3)


# --------------------------------------------------------------------------- feature_columns


def test_feature_columns_picks_groups_in_the_order_asked():
    result = customer_features(as_frame(random_rows(10)))
    assert feature_columns(result, ["discount"]) == ["discount_share"]
    assert feature_columns(result, ["volume"]) == ["orders", "total_spend", "avg_order_value", "recency_days"]
    cats = feature_columns(result, ["category", "channel"])
    assert cats[0].startswith("share_") and cats[-1].startswith("channel_")
    assert feature_columns(result) == list(result.columns)
    assert set(FEATURE_GROUPS) == {"volume", "discount", "channel", "category"}


def test_feature_columns_explains_bad_input():
    result = customer_features(as_frame(random_rows(11)), channel=None)
    with pytest.raises(ValueError, match="no 'channel' columns"):
        feature_columns(result, ["channel"])
    with pytest.raises(ValueError, match="groups must contain only"):
        feature_columns(result, ["categories"])
    with pytest.raises(TypeError, match="groups must be a non-empty list"):
        feature_columns(result, "category")
    with pytest.raises(TypeError, match="features must be a pandas DataFrame"):
        feature_columns({"share_x": [1]}, ["category"])
