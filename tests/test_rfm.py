"""Tests for course_lib.analysis.rfm, checked against independent references.

* the ``lifetimes`` convention against fixtures produced by the real
  lifetimes 0.11.3 on the real CDNOW data (tools/make_lifetimes_reference.py);
* the standard convention against a pure-Python (dict and loop, Decimal
  money) implementation that reads the raw CDNOW text itself;
* chapter 05's plain pandas groupby (the cell tagged open-the-box) on CDNOW
  and on the synthetic retailer's transactions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.analysis.rfm import (
    SEGMENT_RULES,
    SegmentRule,
    lapsed_customers,
    loyal_customers,
    relationship_customers,
    rfm_scores,
    rfm_segments,
    rfm_table,
)
from course_lib.base.paths import DATA_DIR
from tests.notebook_code import ROOT, notebook_namespace

REFERENCE = Path(__file__).parent / "reference"
CDNOW_FILE = DATA_DIR / "cdnow" / "CDNOW_master.txt"


# --------------------------------------------------------------------------- CDNOW data


def _raw_rows() -> list[tuple[int, dt.date, Decimal]]:
    """The CDNOW file read with plain Python: (customer, day, amount as Decimal)."""
    rows = []
    with open(CDNOW_FILE, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts or not parts[0].isdigit():
                continue  # header line
            day = dt.date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:]))
            rows.append((int(parts[0]), day, Decimal(parts[3])))
    return rows


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    try:
        from course_lib.market.datasets import load_cdnow  # noqa: PLC0415
    except ImportError:
        load_cdnow = None
    if load_cdnow is not None:
        try:
            return load_cdnow()
        except Exception:  # noqa: BLE001 - the loader is tested elsewhere; fall back to the raw file
            pass
    if not CDNOW_FILE.exists():
        pytest.skip(f"CDNOW data not found at {CDNOW_FILE}")
    df = pd.read_csv(CDNOW_FILE, sep=r"\s+", header=None, skiprows=1,
                     names=["customer_id", "date", "quantity", "amount"], dtype={"date": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def test_cdnow_is_the_data_the_reference_was_made_from(cdnow: pd.DataFrame) -> None:
    meta = json.loads((REFERENCE / "cdnow_lifetimes_meta.json").read_text())
    assert len(cdnow) == meta["input_rows"]
    assert cdnow["customer_id"].nunique() == meta["input_customers"]
    assert round(float(cdnow["amount"].sum()), 2) == pytest.approx(meta["input_amount_total"])


def test_cdnow_is_the_full_first_quarter_1997_cohort(cdnow: pd.DataFrame) -> None:
    """What the course says about CDNOW: every first purchase in Q1 1997, 23,570 people, followed to June 1998."""
    first = cdnow.groupby("customer_id")["date"].min()
    assert len(first) == 23_570
    assert first.min() >= pd.Timestamp("1997-01-01") and first.max() <= pd.Timestamp("1997-03-31")
    assert cdnow["date"].max() == pd.Timestamp("1998-06-30")


_CDNOW_TEXTS = [ROOT / "notebooks" / "05-rfm-micro-segments.ipynb", ROOT / "solutions" / "05-rfm-micro-segments.ipynb",
                DATA_DIR / "cdnow" / "PROVENANCE.md", DATA_DIR / "questions" / "rfm.yaml",
                DATA_DIR / "flashcards" / "rfm.yaml", DATA_DIR / "exercises" / "05-rfm-micro-segments.yaml"]


def _prose(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", _CDNOW_TEXTS, ids=lambda p: p.name)
def test_cdnow_is_never_called_a_sample(path: Path) -> None:
    """A sentence about CDNOW or its cohort may mention a sample only to say the data is not one."""
    text = " ".join(_prose(path).split())
    for sentence in text.replace("e.g.", "eg").split(". "):
        lower = sentence.lower()
        if ("cdnow" in lower or "cohort" in lower) and "sample" in lower:
            assert "not a sample" in lower or "one-in-ten sample" in lower, sentence


@pytest.mark.parametrize("as_of", ["1998-06-30", "1997-09-30"])
def test_lifetimes_convention_matches_real_lifetimes_on_cdnow(cdnow: pd.DataFrame, as_of: str) -> None:
    expected = pd.read_csv(REFERENCE / f"cdnow_lifetimes_{as_of}.csv.gz", index_col="customer_id")
    got = rfm_table(cdnow, as_of=as_of, convention="lifetimes")
    assert list(got.columns) == ["frequency", "recency", "T", "monetary_value"]
    got.index = got.index.astype("int64")
    assert got.index.equals(expected.index)
    for col in ["frequency", "recency", "T"]:
        np.testing.assert_array_equal(got[col].to_numpy(), expected[col].to_numpy(), err_msg=col)
    np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-12, atol=1e-9)
    assert (got.dtypes == "float64").all()


def test_lifetimes_reference_truncates_after_as_of(cdnow: pd.DataFrame) -> None:
    # The earlier cut really does drop purchases: some customers have fewer repeat days.
    full = pd.read_csv(REFERENCE / "cdnow_lifetimes_1998-06-30.csv.gz", index_col="customer_id")
    cut = pd.read_csv(REFERENCE / "cdnow_lifetimes_1997-09-30.csv.gz", index_col="customer_id")
    assert (cut["frequency"] < full["frequency"]).sum() > 1000
    assert (full["T"] - cut["T"] == 273).all()


def test_standard_convention_matches_pure_python_reference_on_cdnow(cdnow: pd.DataFrame) -> None:
    if not CDNOW_FILE.exists():
        pytest.skip("raw CDNOW file needed for the pure-Python reference")
    as_of = dt.date(1998, 6, 30)
    last: dict[int, dt.date] = {}
    count: dict[int, int] = defaultdict(int)
    total: dict[int, Decimal] = defaultdict(Decimal)
    for cust, day, amount in _raw_rows():
        last[cust] = max(last.get(cust, day), day)
        count[cust] += 1
        total[cust] += amount
    got = rfm_table(cdnow, as_of="1998-06-30")
    got.index = got.index.astype("int64")  # load_cdnow keeps the zero-padded text ids
    assert sorted(last) == got.index.tolist()
    table = got.to_dict("index")
    for cust in last:
        row = table[cust]
        assert row["recency"] == (as_of - last[cust]).days, cust
        assert row["frequency"] == count[cust], cust
        assert abs(row["monetary"] - float(total[cust])) < 1e-6, cust


# --------------------------------------------------------------------------- chapter 05's visible code


def test_the_chapter_groupby_equals_rfm_table_on_cdnow() -> None:
    ns = notebook_namespace("05-rfm-micro-segments", "open-the-box")
    pd.testing.assert_frame_equal(ns["rfm"], rfm_table(ns["cdnow"]))


def test_the_chapter_groupby_equals_rfm_table_on_the_synthetic_transactions() -> None:
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415

    cells = json.loads((ROOT / "notebooks" / "05-rfm-micro-segments.ipynb").read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "open-the-box" in c["metadata"].get("tags", []))
    tx = load_transactions()
    namespace = {"pd": pd, "cdnow": tx}  # the same cell, run on the synthetic retailer's purchases
    exec(compile(source, "open-the-box cell", "exec"), namespace)  # noqa: S102 - the course's own notebook
    pd.testing.assert_frame_equal(namespace["rfm"], rfm_table(tx))


# --------------------------------------------------------------------------- small exact cases


@pytest.fixture
def tx() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c", "c"],
            "date": ["2024-01-01 09:00", "2024-01-01 09:00", "2024-01-05 17:30", "2024-01-03 00:00",
                     "2024-01-02 12:00", "2024-01-09 23:59"],
            "amount": [10.0, 10.0, 4.25, 7.5, 0.0, 3.33],
        }
    )


def test_standard_values(tx: pd.DataFrame) -> None:
    got = rfm_table(tx, as_of="2024-01-10")
    expected = pd.DataFrame(
        {"recency": [5, 7, 1], "frequency": [3, 1, 2], "monetary": [24.25, 7.5, 3.33]},
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_lifetimes_values(tx: pd.DataFrame) -> None:
    got = rfm_table(tx, as_of="2024-01-10", convention="lifetimes")
    # a: days 1 (20.0) and 5 (4.25) -> 1 repeat day worth 4.25; c: 2 and 9, second day 3.33
    expected = pd.DataFrame(
        {"frequency": [1.0, 0.0, 1.0], "recency": [4.0, 0.0, 7.0], "T": [9.0, 7.0, 8.0],
         "monetary_value": [4.25, 0.0, 3.33]},
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(got, expected)


def test_identical_same_day_purchases_are_not_dropped() -> None:
    same = pd.DataFrame({"customer_id": [1, 1, 1], "date": ["2024-02-01"] * 3, "amount": [9.99] * 3})
    std = rfm_table(same)
    assert std.loc[1, "frequency"] == 3
    assert std.loc[1, "monetary"] == pytest.approx(29.97)
    # lifetimes sums the day: one purchase day, no repeat, first day excluded from monetary_value
    more = pd.concat([same, pd.DataFrame({"customer_id": [1, 1], "date": ["2024-02-03"] * 2, "amount": [5.0, 5.0]})])
    lt = rfm_table(more, convention="lifetimes")
    assert lt.loc[1, "frequency"] == 1.0
    assert lt.loc[1, "monetary_value"] == 10.0


def test_amounts_are_not_truncated() -> None:
    t = pd.DataFrame({"customer_id": [7, 7], "date": ["2024-01-01", "2024-01-02"], "amount": [10.99, 0.015]})
    assert rfm_table(t)["monetary"].iloc[0] == pytest.approx(11.005, abs=1e-12)
    assert rfm_table(t, convention="lifetimes")["monetary_value"].iloc[0] == pytest.approx(0.015, abs=1e-12)


def test_integer_amounts_and_timezones_work() -> None:
    t = pd.DataFrame({"customer_id": [1, 1], "amount": [3, 4],
                      "date": pd.to_datetime(["2024-01-01 23:00", "2024-01-03 01:00"]).tz_localize("UTC")})
    got = rfm_table(t)
    assert got.loc[1, "monetary"] == 7.0
    assert got.loc[1, "recency"] == 0


@pytest.mark.parametrize("convention", ["standard", "lifetimes"])
def test_callers_frame_is_unchanged(tx: pd.DataFrame, convention: str) -> None:
    before = tx.copy(deep=True)
    rfm_table(tx, as_of="2024-01-10", convention=convention)
    pd.testing.assert_frame_equal(tx, before)
    assert tx["date"].dtype == before["date"].dtype


def test_purchases_after_as_of_are_ignored(tx: pd.DataFrame) -> None:
    got = rfm_table(tx, as_of="2024-01-04")
    assert got.loc["a", "frequency"] == 2  # the 5 January purchase is after as_of
    assert got.loc["c", "frequency"] == 1
    assert got.loc["a", "recency"] == 3


def test_default_as_of_is_last_purchase_day(tx: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(rfm_table(tx), rfm_table(tx, as_of="2024-01-09"))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "exc", "words"),
    [
        (lambda d: d.drop(columns="amount"), ValueError, "'amount'"),
        (lambda d: d.iloc[0:0], ValueError, "empty"),
        (lambda d: d.assign(amount=[1.0, -2.0, 3, 4, 5, 6]), ValueError, "negative"),
        (lambda d: d.assign(amount=["1"] * 6), TypeError, "'amount'"),
        (lambda d: d.assign(amount=[1.0, np.nan, 3, 4, 5, 6]), ValueError, "missing"),
        (lambda d: d.assign(customer_id=["a", None, "a", "b", "c", "c"]), ValueError, "'customer_id'"),
        (lambda d: d.assign(date=["2024-01-01", None] + ["2024-01-02"] * 4), ValueError, "'date'"),
        (lambda d: d.assign(date=["not a date"] * 6), ValueError, "'date'"),
    ],
)
def test_bad_transactions(tx: pd.DataFrame, change, exc, words: str) -> None:
    with pytest.raises(exc, match=words):
        rfm_table(change(tx))


def test_bad_arguments(tx: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="transactions"):
        rfm_table([1, 2, 3])
    with pytest.raises(ValueError, match="convention"):
        rfm_table(tx, convention="fancy")
    with pytest.raises(ValueError, match="'spend'"):
        rfm_table(tx, amount="spend")
    with pytest.raises(TypeError, match="customer"):
        rfm_table(tx, customer=3)
    with pytest.raises(ValueError, match="as_of"):
        rfm_table(tx, as_of="2023-12-31")
    with pytest.raises(ValueError, match="as_of"):
        rfm_table(tx, as_of="yesterday-ish")
    with pytest.raises(TypeError, match="as_of"):
        rfm_table(tx, as_of=20240110)


# --------------------------------------------------------------------------- scores and segments


def test_scores_rank_and_ties() -> None:
    rfm = pd.DataFrame({"recency": [1, 10, 100, 200, 300], "frequency": [1, 1, 1, 1, 9],
                        "monetary": [50.0, 40.0, 30.0, 20.0, 10.0]})
    s = rfm_scores(rfm)
    assert s["r_score"].tolist() == [5, 4, 3, 2, 1]  # most recent = best
    assert s["m_score"].tolist() == [5, 4, 3, 2, 1]
    assert s["f_score"].nunique() == 2 and s["f_score"].iloc[:4].nunique() == 1  # ties share a score
    assert s["f_score"].iloc[4] == 5
    assert s["rfm_score"].iloc[0] == f"5{s['f_score'].iloc[0]}5"
    assert "r_score" not in rfm.columns


@given(st.lists(st.integers(0, 500), min_size=1, max_size=60))
@settings(max_examples=60, deadline=None)
def test_scores_are_monotone_and_in_range(values: list[int]) -> None:
    rfm = pd.DataFrame({"recency": values, "frequency": values, "monetary": [float(v) for v in values]})
    s = rfm_scores(rfm)
    assert s[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()
    order = np.argsort(values, kind="stable")
    f = s["f_score"].to_numpy()[order]
    r = s["r_score"].to_numpy()[order]
    assert (np.diff(f) >= 0).all() and (np.diff(r) <= 0).all()


def test_segment_map_covers_every_cell_once() -> None:
    cells = defaultdict(list)
    for rule in SEGMENT_RULES:
        for r in range(rule.r_scores[0], rule.r_scores[1] + 1):
            for f in range(rule.f_scores[0], rule.f_scores[1] + 1):
                cells[(r, f)].append(rule.name)
    assert sorted(cells) == [(r, f) for r in range(1, 6) for f in range(1, 6)]
    assert all(len(v) == 1 for v in cells.values())


@pytest.mark.parametrize(
    ("r", "f", "name"),
    [(5, 5, "champions"), (4, 5, "loyal"), (5, 1, "new"), (1, 1, "lost"), (2, 1, "hibernating"),
     (1, 3, "at risk"), (2, 5, "can't lose"), (4, 2, "potential loyalists")],
)
def test_segment_names(r: int, f: int, name: str) -> None:
    scored = pd.DataFrame({"recency": [0], "frequency": [1], "monetary": [1.0], "r_score": [r], "f_score": [f]})
    assert rfm_segments(scored)["segment"].iloc[0] == name


def test_segments_on_cdnow_include_champions_and_lost(cdnow: pd.DataFrame) -> None:
    seg = rfm_segments(rfm_table(cdnow))
    counts = seg["segment"].value_counts()
    assert {"champions", "lost", "hibernating"} <= set(counts.index)
    assert counts.sum() == cdnow["customer_id"].nunique()


def test_segment_rules_must_cover_the_grid() -> None:
    rfm = pd.DataFrame({"recency": [1, 2], "frequency": [1, 2], "monetary": [1.0, 2.0]})
    with pytest.raises(ValueError, match="exactly once"):
        rfm_segments(rfm, rules=SEGMENT_RULES[:-1])
    with pytest.raises(TypeError, match="SegmentRule"):
        rfm_segments(rfm, rules=[("x", (1, 5), (1, 5))])
    assert isinstance(SEGMENT_RULES[0], SegmentRule)


def test_loyal_and_lapsed_selections() -> None:
    rfm = pd.DataFrame(
        {"recency": [5, 200, 10, 400, 90], "frequency": [6, 8, 1, 2, 3], "monetary": [300.0, 500.0, 20.0, 80.0, 90.0]},
        index=pd.Index(list("abcde"), name="customer_id"),
    )
    assert loyal_customers(rfm).index.tolist() == ["a", "e"]  # highest spenders first
    assert loyal_customers(rfm, max_recency=30).index.tolist() == ["a"]
    assert lapsed_customers(rfm).index.tolist() == ["b", "d"]
    assert lapsed_customers(rfm, min_frequency=3).index.tolist() == ["b"]
    with pytest.raises(ValueError, match="min_recency"):
        lapsed_customers(rfm, min_recency=-1)
    with pytest.raises(ValueError, match="'monetary'"):
        loyal_customers(rfm.drop(columns="monetary"))
    with pytest.raises(ValueError, match="negative"):
        loyal_customers(rfm.assign(recency=-1))


def test_relationship_selection_matches_a_plain_mask() -> None:
    rng = np.random.default_rng(5)
    rfm = pd.DataFrame({"recency": rng.integers(0, 300, 200), "frequency": rng.integers(1, 6, 200),
                        "monetary": rng.gamma(2.0, 50.0, 200)})
    before = rfm.copy()
    got = relationship_customers(rfm, max_frequency=2, max_recency=60)
    expected = [i for i, row in rfm.iterrows() if row["frequency"] <= 2 and row["recency"] <= 60]
    assert sorted(got.index) == sorted(expected)
    assert got["recency"].is_monotonic_increasing  # most recent first
    pd.testing.assert_frame_equal(rfm, before)
    with pytest.raises(ValueError, match="max_frequency"):
        relationship_customers(rfm, max_frequency=0)


# --------------------------------------------------------------------------- properties

transactions = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 30), st.floats(0, 1000, allow_nan=False)),
    min_size=1, max_size=40,
)


@given(transactions)
@settings(max_examples=80, deadline=None)
def test_properties_of_both_conventions(rows: list[tuple[int, int, float]]) -> None:
    t = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    t["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(t["day"], unit="D")
    std = rfm_table(t)
    lt = rfm_table(t, convention="lifetimes")
    assert std["frequency"].sum() == len(t)
    assert std["monetary"].sum() == pytest.approx(t["amount"].sum(), rel=1e-9, abs=1e-9)
    assert (std["recency"] >= 0).all() and (std["recency"] <= t["day"].max()).all()
    assert (lt["frequency"] <= std["frequency"] - 1).all()
    assert (lt["recency"] <= lt["T"]).all()
    # T - recency of lifetimes is the standard recency
    np.testing.assert_array_equal((lt["T"] - lt["recency"]).to_numpy(), std["recency"].to_numpy())
