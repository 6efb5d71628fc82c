"""Data audit and cleaning helpers (course_lib.analysis.cleaning), checked against hand-built tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis.cleaning import (
    DataAudit,
    audit_table,
    dedupe,
    find_duplicates,
    invalid_mask,
    label_changes,
    mask_invalid,
    missing_mask,
    normalise_label,
    standardise_labels,
)
from course_lib.market.datasets import load_case

BOARDS = ["CBSE", "ICSE", "State Board"]


@pytest.fixture
def dirty() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "age": [16, 0, 17, 16, 99, 17],
        "board": ["CBSE", "cbse", "ICSE", "CBSE", "C.B.S.E.", "SSC"],
        "exam": ["JEE", None, "NEET", "JEE", "  ", "NEET"],
        "fee": [100.0, 80.0, np.nan, 110.0, 90.0, 85.0],
    })


# --------------------------------------------------------------------------- missing / invalid


def test_missing_mask_counts_blank_text_but_not_zero():
    s = pd.Series(["a", "", " ", None, "b"])
    assert missing_mask(s).tolist() == [False, True, True, True, False]
    assert missing_mask(pd.Series([0, 1, np.nan])).tolist() == [False, False, True]
    with pytest.raises(TypeError, match="Series"):
        missing_mask([1, 2])


def test_invalid_mask_rules(dirty):
    assert invalid_mask(dirty, "age", (10, 30)).tolist() == [False, True, False, False, True, False]
    assert invalid_mask(dirty, "age", (None, 50)).tolist() == [False, False, False, False, True, False]
    assert invalid_mask(dirty, "board", BOARDS).tolist() == [False, True, False, False, True, True]
    assert invalid_mask(dirty, "fee", lambda s: s >= 90).tolist() == [False, True, False, False, False, True]
    # missing values are never "invalid"
    assert not invalid_mask(dirty, "exam", ["JEE", "NEET"]).any()


@pytest.mark.parametrize(
    ("column", "rule", "error", "fragment"),
    [
        ("nope", (1, 2), ValueError, "missing the column 'nope'"),
        ("age", (1, 2, 3), ValueError, "range (lo, hi)"),
        ("board", (1, 2), TypeError, "numeric or date column"),
        ("board", "CBSE", TypeError, "list of allowed values"),
        ("age", lambda s: [True], ValueError, "one True/False per row"),
        ("age", lambda s: s.nope, ValueError, "rule function for 'age' failed"),
    ],
)
def test_invalid_mask_bad_rules_give_clear_messages(dirty, column, rule, error, fragment):
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        invalid_mask(dirty, column, rule)


def test_mask_invalid_sets_missing_without_touching_the_input(dirty):
    before = dirty.copy()
    out = mask_invalid(dirty, {"age": (10, 30), "board": BOARDS})
    pd.testing.assert_frame_equal(dirty, before)
    assert str(out["age"].dtype) == "Int64"
    assert out["age"].isna().tolist() == [False, True, False, False, True, False]
    assert out["age"].dropna().tolist() == [16, 17, 16, 17]
    assert out["board"].isna().sum() == 3
    with pytest.raises(TypeError, match="non-empty dict"):
        mask_invalid(dirty, {})


# --------------------------------------------------------------------------- duplicates


def test_dedupe_ignores_the_id_and_keeps_the_first(dirty):
    df = pd.concat([dirty, dirty.iloc[[0, 2]].assign(id=["E7", "E8"])], ignore_index=True)
    assert len(df.drop_duplicates()) == len(df)  # the trap: a fresh id hides every repeat
    out = dedupe(df, ignore="id")
    assert out["id"].tolist() == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert dedupe(df, ignore=["id"], keep="last")["id"].tolist() == ["E2", "E4", "E5", "E6", "E7", "E8"]
    assert dedupe(df, subset=["board"])["board"].tolist() == ["CBSE", "cbse", "ICSE", "C.B.S.E.", "SSC"]


def test_find_duplicates_groups_every_copy(dirty):
    df = pd.concat([dirty, dirty.iloc[[2, 0, 0]].assign(id=["E7", "E8", "E9"])], ignore_index=True)
    dups = find_duplicates(df, ignore="id")
    assert dups["id"].tolist() == ["E1", "E8", "E9", "E3", "E7"]
    assert dups["dup_group"].tolist() == [1, 1, 1, 2, 2]
    assert find_duplicates(dirty, ignore="id").empty
    assert "dup_group" in find_duplicates(dirty, ignore="id").columns


def test_duplicates_with_missing_values_still_match():
    df = pd.DataFrame({"id": [1, 2], "x": [np.nan, np.nan], "y": ["a", "a"]})
    assert len(dedupe(df, ignore="id")) == 1
    assert len(find_duplicates(df, ignore="id")) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"subset": ["age"], "ignore": ["id"]}, ValueError, "not both"),
        ({"ignore": ["zzz"]}, ValueError, "missing the column 'zzz'"),
        ({"subset": []}, ValueError, "at least one column"),
        ({"ignore": ["id", "age", "board", "exam", "fee"]}, ValueError, "leaves no column"),
        ({"ignore": 5}, TypeError, "column name"),
        ({"keep": "middle"}, ValueError, "'first' or 'last'"),
    ],
)
def test_dedupe_validates(dirty, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        dedupe(dirty, **kwargs)


def test_dedupe_rejects_non_frames():
    with pytest.raises(TypeError, match="DataFrame"):
        dedupe([1, 2, 3])


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("a", "b"),
    [("CBSE", " c.b.s.e. "), ("State Board", "state-board"), ("Data Analytics ", "data analytics"), ("Café", "cafe")],
)
def test_normalise_label_equates_variants(a, b):
    assert normalise_label(a) == normalise_label(b)


def test_normalise_label_keeps_distinct_labels_apart():
    assert normalise_label("CBSE") != normalise_label("CBSC")
    assert normalise_label(12) == 12
    assert normalise_label(None) is None


def test_standardise_labels(dirty):
    before = dirty["board"].copy()
    out = standardise_labels(dirty["board"], BOARDS)
    pd.testing.assert_series_equal(dirty["board"], before)
    assert out.tolist() == ["CBSE", "CBSE", "ICSE", "CBSE", "CBSE", "SSC"]  # a synonym needs a mapping
    assert list(out.cat.categories) == BOARDS + ["SSC"]
    out = standardise_labels(dirty["board"], BOARDS, mapping={"ssc": "State Board"})
    assert out.tolist()[-1] == "State Board"
    assert list(out.cat.categories) == BOARDS
    assert standardise_labels(dirty["board"], BOARDS, unknown="missing").isna().tolist() == [False] * 5 + [True]
    with pytest.raises(ValueError, match="'SSC'"):
        standardise_labels(dirty["board"], BOARDS, unknown="raise")


def test_standardise_labels_keeps_missing_and_index():
    s = pd.Series(["cbse", None, "ICSE"], index=[10, 20, 30], name="board", dtype="category")
    out = standardise_labels(s, BOARDS)
    assert out.index.tolist() == [10, 20, 30] and out.name == "board"
    assert out.isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"valid": "CBSE"}, TypeError, "list of allowed labels"),
        ({"valid": []}, ValueError, "non-empty list"),
        ({"valid": ["CBSE", "cbse"]}, ValueError, "differ only in case"),
        ({"valid": BOARDS, "mapping": {"SSC": "Maharashtra"}}, ValueError, "not one of the valid labels"),
        ({"valid": BOARDS, "mapping": [("SSC", "CBSE")]}, TypeError, "dict of variant"),
        ({"valid": BOARDS, "unknown": "drop"}, ValueError, "'keep', 'missing' or 'raise'"),
    ],
)
def test_standardise_labels_validates(dirty, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        standardise_labels(dirty["board"], **kwargs)
    with pytest.raises(TypeError, match="Series"):
        standardise_labels(dirty, BOARDS)


def test_label_changes_lists_each_change_once(dirty):
    after = standardise_labels(dirty["board"], BOARDS, mapping={"SSC": "State Board"})
    changes = label_changes(dirty["board"], after)
    assert changes.to_dict("records") == [
        {"from": "C.B.S.E.", "to": "CBSE", "rows": 1},
        {"from": "SSC", "to": "State Board", "rows": 1},
        {"from": "cbse", "to": "CBSE", "rows": 1},
    ]
    assert label_changes(dirty["board"], dirty["board"]).empty
    with pytest.raises(ValueError, match="same index"):
        label_changes(dirty["board"], dirty["board"].reset_index(drop=True).iloc[:3])


# --------------------------------------------------------------------------- audit


def test_audit_table_on_a_hand_built_table(dirty):
    df = pd.concat([dirty, dirty.iloc[[0]].assign(id="E7")], ignore_index=True)
    audit = audit_table(df, rules={"age": (10, 30), "board": BOARDS}, ignore="id", key="id")
    assert isinstance(audit, DataAudit)
    r = audit.report
    assert list(r.index) == ["id", "age", "board", "exam", "fee"]
    assert r.loc["exam", "missing"] == 2 and r.loc["fee", "missing"] == 1
    assert r.loc["exam", "missing_pct"] == pytest.approx(round(100 * 2 / 7, 1))
    assert r.loc["age", "invalid"] == 2 and r.loc["board", "invalid"] == 3
    assert pd.isna(r.loc["exam", "invalid"])  # no rule, no count
    assert r.loc["board", "label_variants"] == 3  # CBSE / cbse / C.B.S.E.
    assert r.loc["board", "distinct"] == 5
    assert "'C.B.S.E.'" in r.loc["board", "examples"]
    assert audit.duplicate_rows == 1 and audit.duplicate_keys == 0 and audit.n_rows == 7
    assert "id" not in audit.compared
    issues = audit.issues()
    assert issues.set_index(["check", "column"])["rows"].to_dict() == {
        ("duplicates", "(row)"): 1, ("invalid", "age"): 2, ("label variants", "board"): 3,
        ("invalid", "board"): 3, ("missing", "exam"): 2, ("missing", "fee"): 1}
    assert "cbse" in issues.set_index("check").loc["label variants", "detail"]
    assert "7 rows" in audit._repr_html_().replace(",", "") or "7</b>" in audit._repr_html_()
    assert "1 duplicate rows" in repr(audit)


def test_audit_counts_duplicate_keys():
    df = pd.DataFrame({"id": [1, 1, 2], "x": ["a", "b", "c"]})
    audit = audit_table(df, key="id")
    assert audit.duplicate_keys == 1 and audit.duplicate_rows == 0
    assert audit_table(df).duplicate_keys is None


def test_audit_does_not_modify_its_input(dirty):
    before = dirty.copy()
    audit_table(dirty, rules={"age": (10, 30)}, ignore="id")
    pd.testing.assert_frame_equal(dirty, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"rules": {"nope": (1, 2)}}, ValueError, "missing the column 'nope'"),
        ({"rules": [("age", (1, 2))]}, TypeError, "dict of column"),
        ({"rules": {"board": (1, 2)}}, TypeError, "numeric or date column"),
        ({"key": "zzz"}, ValueError, "missing the column 'zzz'"),
    ],
)
def test_audit_validates(dirty, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        audit_table(dirty, **kwargs)
    with pytest.raises(ValueError, match="empty"):
        audit_table(dirty.iloc[:0])


def test_audit_finds_the_planted_dirt_of_the_coaching_case():
    """Independent reference: the counts pandas gives directly on the case's enquiries."""
    enquiries = load_case("coaching").enquiries
    audit = audit_table(enquiries, rules={"age": (13, 30), "board": BOARDS}, ignore="enquiry_id",
                        key="enquiry_id")
    others = [c for c in enquiries.columns if c != "enquiry_id"]
    assert audit.duplicate_rows == enquiries.duplicated(subset=others).sum() > 0
    assert audit.duplicate_keys == 0
    assert audit.report.loc["age", "invalid"] == enquiries["age"].isin([0, 99]).sum() == 4
    assert audit.report.loc["board", "invalid"] == (~enquiries["board"].isin(BOARDS)).sum()
    assert audit.report.loc["exam_interest", "missing"] == enquiries["exam_interest"].isna().sum()
    clean = standardise_labels(enquiries["board"], BOARDS, mapping={"CBSC": "CBSE", "SSC": "State Board"})
    assert set(clean.dropna()) == set(BOARDS)
    assert len(dedupe(enquiries, ignore="enquiry_id")) == len(enquiries) - audit.duplicate_rows


def test_chapter_03_duplicates_by_hand_equal_the_helpers():
    """Notebook 03 counts repeats with plain pandas (cell tagged open-the-box); audit_table and dedupe agree."""
    from notebook_code import notebook_namespace

    ns = notebook_namespace("03-data-for-micromarketing", "open-the-box")
    enquiries, repeats = ns["enquiries"], ns["repeats"]
    assert repeats.sum() > 0
    assert audit_table(enquiries, ignore="enquiry_id").duplicate_rows == repeats.sum()
    pd.testing.assert_frame_equal(dedupe(enquiries, ignore="enquiry_id"), enquiries[~repeats])
    assert find_duplicates(enquiries, ignore="enquiry_id")["dup_group"].nunique() == repeats.sum()
