"""Tests for course_lib.market.build: regeneration is deterministic and byte-identical."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from course_lib.market.build import MANIFEST_NAME, generate_all, load_manifest_settings, main, write_table
from course_lib.base.paths import DATA_DIR


def test_regeneration_is_byte_identical_to_committed_data(tmp_path):
    # with the settings data/ records, so a cohort's own data (make data --seed N) passes too
    manifest = generate_all(tmp_path, **load_manifest_settings())
    committed = json.loads((DATA_DIR / MANIFEST_NAME).read_text())
    assert (tmp_path / MANIFEST_NAME).read_bytes() == (DATA_DIR / MANIFEST_NAME).read_bytes()
    assert manifest["files"].keys() == committed["files"].keys()
    for rel, entry in manifest["files"].items():
        assert (tmp_path / rel).read_bytes() == (DATA_DIR / rel).read_bytes(), rel
        assert entry == committed["files"][rel]


def test_small_regeneration_twice_is_identical(tmp_path):
    a = generate_all(tmp_path / "a", n_customers=400, seed=3)
    b = generate_all(tmp_path / "b", n_customers=400, seed=3)
    assert a == b
    assert (tmp_path / "a" / MANIFEST_NAME).read_bytes() == (tmp_path / "b" / MANIFEST_NAME).read_bytes()
    c = generate_all(tmp_path / "c", n_customers=400, seed=4)
    assert c["files"]["market/customers.csv.gz"]["sha256"] != a["files"]["market/customers.csv.gz"]["sha256"]
    # inputs are copied so the folder is complete, and nothing else is written
    assert (tmp_path / "a" / "cdnow" / "CDNOW_master.txt").is_file()
    written = {p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert written == set(a["files"]) | {MANIFEST_NAME}


def test_write_table_gzip_has_no_timestamp_and_round_trips(tmp_path):
    df = pd.DataFrame({"d": pd.to_datetime(["2024-01-02", "2024-01-03"]), "x": [1.25, 2.5],
                       "t": pd.to_datetime(["2024-01-02 10:00:01", "2024-01-02 11:00:00"])})
    data = write_table(df, tmp_path / "t.csv.gz")
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    text = gzip.decompress(data).decode()
    assert text.splitlines() == ["d,x,t", "2024-01-02,1.25,2024-01-02 10:00:01", "2024-01-03,2.5,2024-01-02 11:00:00"]
    assert not list(tmp_path.glob(".*tmp"))  # atomic write leaves no temp file
    with pytest.raises(TypeError, match="df"):
        write_table([1], tmp_path / "x.csv")
    with pytest.raises(TypeError, match="path"):
        write_table(df, "x.csv")


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="n_customers"):
        generate_all(tmp_path, n_customers=5)
    with pytest.raises(TypeError, match="out_dir"):
        generate_all(3)
    with pytest.raises(FileNotFoundError, match="market.yaml"):
        generate_all(tmp_path / "out", source_dir=tmp_path / "empty")


def test_cli_rejects_unknown_options():
    with pytest.raises(SystemExit):
        main(["--frobnicate"])


def test_cli_new_cohort_gets_its_own_data(tmp_path, capsys):
    """An instructor's `make data`-style run with another seed and size gives different data, recorded in the manifest."""
    assert main(["--out", str(tmp_path / "a"), "--seed", "2027", "--customers", "300"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--seed", "2028", "--customers", "300"]) == 0
    ma = json.loads((tmp_path / "a" / MANIFEST_NAME).read_text())
    mb = json.loads((tmp_path / "b" / MANIFEST_NAME).read_text())
    assert (ma["seed"], ma["n_customers"]) == (2027, 300) and "city" not in ma
    rel = "market/customers.csv.gz"
    assert ma["files"][rel]["rows"] == 300
    assert ma["files"][rel]["sha256"] != mb["files"][rel]["sha256"]


def test_cli_reports_bad_cohort_options_without_traceback(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "c"), "--city", "atlantis", "--customers", "300"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "atlantis" in err and "nagpur" in err
    assert main(["--check", "--seed", "5"]) == 2
    assert "--check regenerates with the settings recorded" in capsys.readouterr().err
