"""Checks of workbook 14-case-grocery-hyperlocal: right answers, typical wrong answers, the placeholder and None.

The checks are declared in data/exercises/14-case-grocery-hyperlocal.yaml. The expected values are recomputed here
from the raw rows with plain pandas (not with the chapter module), so a bug there shows up as a disagreement.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.market.datasets import load_case
from course_lib.chapters.ch14_case_grocery_hyperlocal import match_buildings
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV

NOTEBOOK = "14-case-grocery-hyperlocal"
q1, q2, q3 = load_workbook(NOTEBOOK)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def case():
    return load_case("grocery")


def _fill_ids(orders: pd.DataFrame, complexes: pd.DataFrame) -> pd.DataFrame:
    """Independent address matching: lower case, expand abbreviations, drop spaces."""
    def key(text: str) -> str:
        words = [{"hts": "heights", "apts": "apartments"}.get(w, w) for w in str(text).lower().split()]
        return "".join(words)

    lookup = {key(n): cid for n, cid in zip(complexes["name"], complexes["complex_id"], strict=True)}
    ids = orders["complex_id"].astype(object)
    return orders.assign(complex_id=ids.where(ids.notna(), orders["building_as_typed"].map(key).map(lookup)))


@pytest.fixture(scope="module")
def clean(case) -> pd.DataFrame:
    raw = case.orders
    kept = raw.drop_duplicates()
    return _fill_ids(kept[kept["amount"] > 0], case.complexes)


@pytest.fixture(scope="module")
def rates(case, clean) -> pd.DataFrame:
    """Orders per household per month, by building and period (3 months each)."""
    after = clean["order_date"] >= pd.Timestamp("2025-08-01")
    counts = clean.groupby([clean["complex_id"], after]).size().unstack(fill_value=0)
    counts = counts.rename(columns={False: "n_before", True: "n_after"})
    cx = case.complexes.set_index("complex_id")
    out = cx.join(counts.reindex(cx.index, fill_value=0))
    out["before"] = out["n_before"] / out["households"] / 3
    out["after"] = out["n_after"] / out["households"] / 3
    out["extra"] = out["after"] - out["before"]
    return out


def test_the_workbook_lists_its_exercises():
    assert [ex.id for ex in workbook_exercises(NOTEBOOK)] == ["q1", "q2", "q3"]
    for ex in (q1, q2, q3):
        assert len(ex.hints) == 2 and ex.topic == "cases"


def test_match_buildings_agrees_with_the_independent_matching(case, clean):
    kept = case.orders.drop_duplicates()
    lib = match_buildings(kept[kept["amount"] > 0], case.complexes)
    assert len(lib) == len(clean)
    assert lib["complex_id"].astype(object).tolist() == clean["complex_id"].tolist()


@pytest.mark.parametrize("check", [q1, q2, q3])
def test_placeholder_and_none(check):
    assert check.evaluate(____).status == "not_attempted"
    fb = check.evaluate(None)
    assert fb.status == "incorrect"
    assert "None" in fb.message


# --------------------------------------------------------------------------- q1


def test_q1_right_answer(case, clean):
    raw = case.orders
    assert len(clean) == len(raw) - 12 - 6  # the dirt documented in data/README.md
    fb = q1.evaluate(len(clean))
    assert fb.status == "correct"
    assert f"{len(clean):,}" in fb.message and "120" in fb.message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda raw, clean: len(raw), "nothing has been removed"),
        (lambda raw, clean: len(raw[raw["amount"] > 0]), "payment-retry duplicates"),
        (lambda raw, clean: len(raw.drop_duplicates()), "amount 0"),
        (lambda raw, clean: len(raw.drop_duplicates().query("amount > 0").dropna(subset=["complex_id"])),
         "without a `complex_id`"),
        (lambda raw, clean: len(raw[~raw.duplicated(keep=False) & (raw["amount"] > 0)]), "*both* copies"),
        (lambda raw, clean: len(raw) - len(clean), "rows removed"),
        (lambda raw, clean: clean, "use `len(...)`"),
        (lambda raw, clean: raw, "DataFrame of length 13189"),
        (lambda raw, clean: [1, 2], "single number"),
        (lambda raw, clean: 13000, "should be 13171"),
    ],
)
def test_q1_wrong_answers(case, clean, make, fragment):
    fb = q1.evaluate(make(case.orders, clean))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2


@pytest.fixture(scope="module")
def effect(rates) -> dict:
    inside = rates["inside_radius"]
    pooled = {}
    for name, mask in (("in", inside), ("out", ~inside)):
        hh = rates.loc[mask, "households"].sum()
        pooled[name] = (rates.loc[mask, "n_before"].sum() / hh / 3, rates.loc[mask, "n_after"].sum() / hh / 3, hh)
    ch_in = pooled["in"][1] - pooled["in"][0]
    ch_out = pooled["out"][1] - pooled["out"][0]
    return {"right": ch_in - ch_out, "inside_only": ch_in, "hh": pooled["in"][2], "rate_before": pooled["in"][0],
            "levels": pooled["in"][1] - pooled["out"][1]}


def test_q2_right_answer(effect):
    assert 0.1 < effect["right"] < 0.3
    fb = q2.evaluate(effect["right"])
    assert fb.status == "correct"
    assert f"{effect['right']:.3f}" in fb.message
    assert q2.evaluate(round(effect["right"], 6)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda e: e["inside_only"], "background trend"),
        (lambda e: 3 * e["right"], "whole three months"),
        (lambda e: e["right"] / e["rate_before"], "relative lift"),
        (lambda e: e["right"] * e["hh"], "all targeted households"),
        (lambda e: 3 * e["right"] * e["hh"], "total number of extra orders"),
        (lambda e: e["levels"], "compare the *changes*"),
        (lambda e: pd.Series([e["right"], 0.1]), "single number"),
        (lambda e: 0.5, "should be 0.195"),
    ],
)
def test_q2_wrong_answers(effect, make, fragment):
    fb = q2.evaluate(make(effect))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_q2_dirty_data_and_unmatched_orders_are_named(case):
    raw = case.orders
    for orders, fragment in ((_fill_ids(raw, case.complexes), "duplicates and cancelled"),
                             (raw.drop_duplicates().query("amount > 0").dropna(subset=["complex_id"]),
                              "without a `complex_id`")):
        after = orders["order_date"] >= pd.Timestamp("2025-08-01")
        inside_ids = set(case.complexes.loc[case.complexes["inside_radius"], "complex_id"])
        is_in = orders["complex_id"].isin(inside_ids)
        hh_in = case.complexes.loc[case.complexes["inside_radius"], "households"].sum()
        hh_out = case.complexes["households"].sum() - hh_in
        value = (((is_in & after).sum() - (is_in & ~after).sum()) / hh_in / 3
                 - ((~is_in & after).sum() - (~is_in & ~after).sum()) / hh_out / 3)
        fb = q2.evaluate(value)
        assert fb.status == "incorrect" and fragment in fb.message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer_in_any_order_and_form(rates):
    inside = rates[rates["inside_radius"]].sort_values("extra", ascending=False)
    names = inside["name"].astype(str).head(3).tolist()
    assert q3.evaluate(names).status == "correct"
    assert q3.evaluate([n.lower() for n in reversed(names)]).status == "correct"
    assert q3.evaluate(inside.index[:3].astype(str).tolist()).status == "correct"  # complex ids
    assert q3.evaluate(inside["name"].head(3)).status == "correct"  # a Series of names
    assert names[0] in q3.evaluate(tuple(names)).message


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda r, i: (i["extra"] * i["households"]).sort_values(ascending=False).index[:3].map(r["name"]).tolist(),
         "*total* extra orders"),
        (lambda r, i: i.sort_values("extra")["name"].head(3).tolist(), "*weakest*"),
        (lambda r, i: (r["after"] / r["before"]).sort_values(ascending=False).index[:3].map(r["name"]).tolist(),
         "relative uplift"),
        (lambda r, i: i.sort_values("extra", ascending=False)["name"].head(2).tolist(), "three different"),
        (lambda r, i: [i.sort_values("extra", ascending=False)["name"].iloc[0]] * 3, "repeats"),
        (lambda r, i: ["Lotus Gardens", "Moonlight Towers", "Palm Towers"], "not the name of a complex"),
        (lambda r, i: i.sort_values("extra", ascending=False)["name"].iloc[[0, 5, 6]].tolist(), "1 of your three"),
        (lambda r, i: "Lotus Gardens", "list of three"),
        (lambda r, i: i.head(3), "list of three"),
    ],
)
def test_q3_wrong_answers(rates, make, fragment):
    inside = rates[rates["inside_radius"]]
    fb = q3.evaluate(make(rates, inside))
    assert fb.status == "incorrect"
    assert fragment in fb.message
