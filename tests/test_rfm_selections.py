"""Chapter 05's campaign selections: the notebook's `selection_table`, its messages and the explorer widget.

`selection_table` is the chapter's own code (run from the notebook); it is checked against a reference
written here with a plain loop over the customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.base.content import content_path, read_yaml
from course_lib.chapters.ch05_rfm_micro_segments import explore_selections
from tests.notebook_code import notebook_namespace

ORDER = ["loyalty", "relationship", "recovery", "none"]
FIELDS = ("name", "micromarketing_type", "who", "goal", "message", "offer", "channel", "measure")


@pytest.fixture(scope="module")
def chapter() -> dict:
    return notebook_namespace("05-rfm-micro-segments", "selection-rules")


@pytest.fixture
def rfm() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {"recency": rng.integers(0, 500, 400), "frequency": rng.integers(1, 12, 400),
         "monetary": rng.gamma(2.0, 50.0, 400).round(2)},
        index=pd.Index([f"c{i:03d}" for i in range(400)], name="customer_id"),
    )


def reference(rfm: pd.DataFrame, active: int = 90, lapsed: int = 180) -> dict[str, tuple[int, float]]:
    """Selection -> (customers, past revenue), one customer at a time."""
    out = {key: [0, 0.0] for key in ORDER}
    for _, row in rfm.iterrows():
        if row["recency"] <= active:
            key = "loyalty" if row["frequency"] >= 3 else "relationship"
        elif row["recency"] >= lapsed and row["frequency"] >= 2:
            key = "recovery"
        else:
            key = "none"
        out[key][0] += 1
        out[key][1] += row["monetary"]
    return {key: (n, revenue) for key, (n, revenue) in out.items()}


def test_every_selection_has_its_texts():
    selections = read_yaml(content_path("rfm_selections"), what="selections")["selections"]
    assert list(selections) == ORDER
    for key, entry in selections.items():
        assert all(isinstance(entry.get(f), str) and entry[f].strip() for f in FIELDS), key
    assert selections["recovery"]["micromarketing_type"] == "customer recovery micromarketing"


@pytest.mark.parametrize(("active", "lapsed"), [(90, 180), (30, 365), (120, 121)])
def test_selection_table_matches_the_reference(chapter, rfm, active, lapsed):
    before = rfm.copy()
    table = chapter["selection_table"](rfm, active_days=active, lapsed_days=lapsed)
    pd.testing.assert_frame_equal(rfm, before)  # the caller's table is not changed
    assert table.index.tolist() == ORDER
    expected = reference(rfm, active, lapsed)
    for key, (n, revenue) in expected.items():
        assert table.loc[key, "customers"] == n, key
        assert table.loc[key, "past_revenue"] == pytest.approx(revenue), key
    assert table["share_of_customers"].sum() == pytest.approx(1.0)
    assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert table.loc["recovery", "message"].startswith("We miss you")


def test_an_empty_selection_is_kept_with_zero(chapter, rfm):
    table = chapter["selection_table"](rfm.assign(recency=10))  # everyone active: nobody lapsed
    assert table.loc["recovery", "customers"] == 0 and table.loc["none", "customers"] == 0
    assert table["customers"].sum() == len(rfm)


def test_selections_on_cdnow_match_the_reference(chapter):
    rfm = chapter["rfm"]
    table = chapter["selection_table"](rfm)
    expected = reference(rfm)
    assert table["customers"].to_dict() == {key: n for key, (n, _) in expected.items()}


def test_the_explorer_recomputes_when_a_slider_moves():
    tx = pd.DataFrame(
        {"customer_id": ["a", "a", "a", "b", "b", "c"],
         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-06-20", "2024-01-10", "2024-01-20", "2024-06-01"]),
         "amount": [10.0, 20.0, 30.0, 5.0, 5.0, 8.0]}
    )
    seen = []

    def summarise(rfm, lapsed_days):
        seen.append((len(rfm), lapsed_days))
        return pd.DataFrame({"customers": [len(rfm)], "past_revenue": [rfm["monetary"].sum()]},
                            index=pd.Index(["all"], name="selection"))

    widget = explore_selections(tx, summarise, lapsed_days=(100, 160, 10), default_lapsed=150)
    as_of, lapsed = widget.children[0].children
    assert [as_of.description, lapsed.description] == ["as of", "lapsed after (days)"]
    assert seen[-1] == (3, 150)
    lapsed.value = 120
    assert seen[-1] == (3, 120)
    as_of.value = as_of.options[0][1]  # an earlier date: customer c has not bought yet
    assert seen[-1] == (2, 120)
    with pytest.raises(ValueError, match="default_lapsed"):
        explore_selections(tx, summarise, lapsed_days=(100, 160, 10), default_lapsed=200)
    with pytest.raises(TypeError, match="summarise"):
        explore_selections(tx, "loyalty")
    with pytest.raises(TypeError, match="lapsed_days"):
        explore_selections(tx, summarise, lapsed_days=100)
