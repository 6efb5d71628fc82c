"""Tests for course_lib.market.datasets: typed loaders with checksum verification."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pandas as pd
import pytest

from course_lib.market import datasets
from course_lib.market.datasets import (
    CASE_NAMES,
    CorruptDataFileError,
    MissingDataFileError,
    load_campaigns,
    load_case,
    load_cdnow,
    load_customers,
    load_events,
    load_latent_segments,
    load_manifest,
    load_transactions,
    verify_file,
)
from course_lib.base.paths import DATA_DIR


def test_customers_typed(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # package-relative paths: any current directory works
    c = load_customers()
    from course_lib.market.build import load_manifest_settings

    assert len(c) == load_manifest_settings()["n_customers"] and c["customer_id"].is_unique
    assert isinstance(c["income_band"].dtype, pd.CategoricalDtype) and c["income_band"].cat.ordered
    assert list(c["income_band"].cat.categories) == ["below_3L", "3L_6L", "6L_12L", "12L_25L", "above_25L"]
    for col in ("gender", "occupation", "neighbourhood", "life_event", "preferred_channel", "stream"):
        assert isinstance(c[col].dtype, pd.CategoricalDtype), col
    for col in ("consent_email", "consent_sms", "consent_ads", "consent_whatsapp", "is_student", "interest_fitness"):
        assert c[col].dtype == bool, col
    assert pd.api.types.is_datetime64_any_dtype(c["acquired_on"])
    assert c["pin_code"].astype(str).str.fullmatch(r"\d{6}").all()
    assert "latent_segment" not in c.columns


def test_transactions_events_campaigns_typed():
    tx = load_transactions()
    assert list(tx.columns) == ["customer_id", "date", "category", "amount", "discount_used", "channel"]
    assert pd.api.types.is_datetime64_any_dtype(tx["date"]) and tx["amount"].dtype == "float64"
    assert tx["discount_used"].dtype == bool and isinstance(tx["category"].dtype, pd.CategoricalDtype)
    assert set(tx["customer_id"]) <= set(load_customers()["customer_id"])
    ev = load_events()
    assert pd.api.types.is_datetime64_any_dtype(ev["timestamp"])
    assert {"customer_id", "timestamp", "event", "page", "product_category"} <= set(ev.columns)
    camp = load_campaigns()
    for col in ("campaign", "segment", "creative", "channel", "impressions", "clicks", "conversions", "spend",
                "revenue"):
        assert col in camp.columns
    assert (camp["spend"] <= camp["budget"] + 1e-6).all()
    lat = load_latent_segments()
    assert list(lat["customer_id"]) == list(load_customers()["customer_id"])


def test_cdnow_against_an_independent_parse():
    path = DATA_DIR / "cdnow" / "CDNOW_master.txt"
    lines = path.read_text().split("\n")[1:]
    rows = [line.split() for line in lines if line.strip()]
    cd = load_cdnow()
    assert len(cd) == len(rows) == 69_659
    assert cd["customer_id"].nunique() == len({r[0] for r in rows}) == 23_570
    assert list(cd.columns) == ["customer_id", "date", "quantity", "amount"]
    assert pd.api.types.is_datetime64_any_dtype(cd["date"])
    assert cd["date"].min() == pd.Timestamp("1997-01-01") and cd["date"].max() == pd.Timestamp("1998-06-30")
    # amounts are never truncated: exact decimal totals match
    total = sum(Decimal(r[3]) for r in rows)
    assert round(Decimal(str(cd["amount"].sum())), 2) == total
    assert list(cd["amount"].head(3)) == [float(r[3]) for r in rows[:3]]
    assert int(cd["quantity"].sum()) == sum(int(r[2]) for r in rows)
    # identical purchases on the same day are kept, not dropped
    raw_dups = len(rows) - len({tuple(r) for r in rows})
    assert raw_dups > 0 and int(cd.duplicated().sum()) == raw_dups


def test_returned_frames_are_independent_copies():
    a = load_customers()
    a.loc[0, "age"] = -1
    a.pop("age")
    assert load_customers().loc[0, "age"] >= 17


@pytest.mark.parametrize("name", CASE_NAMES)
def test_every_case_loads(name):
    case = load_case(name)
    assert len(case) >= 2 and case.params and case.title and case.data_issues
    for table, df in case.items():
        assert isinstance(df, pd.DataFrame) and len(df) > 0
        assert getattr(case, table) is df
    assert name in repr(case)


def test_case_tables_are_typed():
    grocery = load_case("grocery")
    assert pd.api.types.is_datetime64_any_dtype(grocery.orders["order_date"])
    assert grocery.complexes["inside_radius"].dtype == bool
    assert isinstance(load_case("coaching").enquiries["board"].dtype, pd.CategoricalDtype)


def test_unknown_case_lists_valid_names():
    with pytest.raises(ValueError, match="unknown case 'shoes'.*coaching, grocery, bank"):
        load_case("shoes")
    with pytest.raises(TypeError, match="name"):
        load_case(3)
    with pytest.raises(AttributeError, match="no table or attribute 'nope'"):
        load_case("bank").nope
    with pytest.raises(KeyError, match="no table"):
        load_case("bank")["nope"]


@pytest.fixture()
def data_copy(tmp_path):
    """A private copy of the files one test needs, so the repository's data stays untouched."""
    for rel in ("MANIFEST.json", "market/campaigns.csv", "cases/cases.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA_DIR / rel, tmp_path / rel)
    return tmp_path


def test_copy_loads_from_another_folder(data_copy):
    pd.testing.assert_frame_equal(load_campaigns(data_dir=data_copy), load_campaigns())


def test_corrupted_file_names_file_and_command(data_copy):
    path = data_copy / "market" / "campaigns.csv"
    data = bytearray(path.read_bytes())
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDataFileError, match=r"campaigns\.csv.*make data.*python -m course_lib data"):
        load_campaigns(data_dir=data_copy)
    assert issubclass(CorruptDataFileError, ValueError)


def test_missing_file_names_file_and_command(data_copy):
    (data_copy / "market" / "campaigns.csv").unlink()
    with pytest.raises(MissingDataFileError, match=r"campaigns\.csv is missing.*make data"):
        load_campaigns(data_dir=data_copy)
    with pytest.raises(FileNotFoundError):
        load_customers(data_dir=data_copy)


def test_missing_manifest_and_cdnow_hint(data_copy):
    with pytest.raises(MissingDataFileError, match=r"CDNOW_master\.txt.*git checkout"):
        load_cdnow(data_dir=data_copy)
    (data_copy / "MANIFEST.json").unlink()
    with pytest.raises(MissingDataFileError, match="MANIFEST.json"):
        load_campaigns(data_dir=data_copy)


def test_manifest_covers_the_data_and_stays_small():
    files = load_manifest()["files"]
    for rel, entry in files.items():
        assert (DATA_DIR / rel).stat().st_size == entry["bytes"], rel
        verify_file(rel)
    assert sum(e["bytes"] for e in files.values()) < 25 * 1024 * 1024
    assert files["cdnow/CDNOW_master.txt"]["rows"] == 69_659
    assert not any(rel.startswith(("questions/", "flashcards/")) for rel in files)


def test_argument_validation():
    with pytest.raises(TypeError, match="data_dir"):
        load_customers(data_dir=3)
    with pytest.raises(TypeError, match="relpath"):
        verify_file(3)
    assert datasets.REGENERATE_COMMAND.startswith("`make data`")
