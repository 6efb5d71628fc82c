"""Tests of chapter 15's module (course_lib.chapters.ch15_case_bank_student_account), against plain-pandas
references and hand-computed numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.chapters.ch15_case_bank_student_account import (  # noqa: E402
    clean_prospects,
    find_reimports,
    plot_town_response,
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
        "age": [18, 18, 17, 18, 19],
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
    assert out["prospect_id"].tolist() == ["P1", "P2", "P5"]  # P3 is 17 (a child: not targeted), P4 a re-import
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
    assert out["age"].between(18, 21).all() and out["age"].min() >= 18  # no child in the campaign list
    assert set(out["town"].astype(str)) == set(case.params["towns"])
    assert out["stream"].notna().all()
    assert (out["stream"] == "not stated").sum() == p.drop(find_reimports(p, original_size=6000).index).query(
        "18 <= age <= 21")["stream"].isna().sum()


def test_clean_prospects_bad_ages():
    with pytest.raises(ValueError, match="ages"):
        clean_prospects(tiny(), original_size=3, towns=["Kota", "Vellore"], ages=(21, 18))


# --------------------------------------------------------------------------- plots, widget, plan


def test_plot_and_explorer(case):
    clean = clean_prospects(case.prospects, original_size=6000, towns=list(case.params["towns"]))
    fig = plot_town_response(clean, "Kota")
    assert len(fig.axes) == 2 and "Kota" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="no prospects in town"):
        plot_town_response(clean, "Pune")
    ex = town_explorer(clean)
    pick = ex.controls["town"]
    assert pick.options[0] == "All towns" and "Kota" in pick.options
    first = ex.figure
    assert first is not None and first.axes[0].patches
    ex.set(town="Kota")  # every change draws a new, non-empty figure and a line for that town
    assert ex.figure is not first and ex.figure.axes[0].patches and "Kota" in ex.figure.axes[0].get_title()
    kota = clean[clean["town"].astype(str) == "Kota"]
    assert ex.result.startswith(f"**Kota**: {len(kota):,} prospects")
    assert "VBox" not in ex._repr_mimebundle_()["text/plain"]


def test_the_plan_targets_adults_only():
    """The bank's audiences (and the coaching centre's) name age bands of 18 or more: no targeted ads at children."""
    import re

    for case_name in ("bank", "coaching"):
        plan = load_case_plan(case_name)
        for segment, audience in plan.segments["audience"].items():
            for low, _high in re.findall(r"ages (\d+)-(\d+)", audience):
                assert int(low) >= 18, f"{case_name}/{segment} targets ages from {low}: {audience}"


def test_the_plan_reads_and_fills_the_exam_answer():
    plan = load_case_plan("bank")
    assert list(plan.rules) == ["already_banked", "engineering_first", "arts_first"]
    with pytest.raises(ValueError, match="missing"):
        exam_answer("bank", {})
