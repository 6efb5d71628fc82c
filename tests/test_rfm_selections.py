"""Campaign selections on RFM, checked against plain pandas masks written independently here."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_lib.analysis.rfm import SEGMENT_RULES, rfm_segments, rfm_table  # noqa: E402
from course_lib.chapters.rfm_selections import (  # noqa: E402
    SELECTION_ORDER,
    assign_selections,
    campaign_selections,
    explore_selections,
    load_selections,
    month_ends,
    plot_rfm_grid,
    plot_segment_value,
    plot_selections,
    relationship_customers,
    segment_summary,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rfm() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 400
    return pd.DataFrame(
        {
            "recency": rng.integers(0, 500, n),
            "frequency": rng.integers(1, 12, n),
            "monetary": rng.gamma(2.0, 50.0, n).round(2),
        },
        index=pd.Index([f"c{i:03d}" for i in range(n)], name="customer_id"),
    )


def _reference(rfm, active=90, lapsed=180, loyal_f=3, lapsed_f=2):
    r, f = rfm["recency"], rfm["frequency"]
    out = pd.Series("none", index=rfm.index)
    out[(r <= active) & (f >= loyal_f)] = "loyalty"
    out[(r <= active) & (f < loyal_f)] = "relationship"
    out[(r >= lapsed) & (f >= lapsed_f)] = "recovery"
    return out


# --------------------------------------------------------------------------- content


def test_every_selection_has_its_texts():
    sel = load_selections()
    assert list(sel) == list(SELECTION_ORDER)
    assert sel["loyalty"].micromarketing_type == "loyalty-based micromarketing"
    assert sel["relationship"].micromarketing_type == "relationship-based micromarketing"
    for s in sel.values():
        assert s.message and s.who and s.measure
        assert "\n" not in s.message


def test_a_broken_selections_file_is_reported(tmp_path):
    bad = tmp_path / "sel.yaml"
    bad.write_text("selections:\n  loyalty: {name: L}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the text field"):
        load_selections(bad)
    bad.write_text("other: 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'selections' mapping"):
        load_selections(bad)
    with pytest.raises(FileNotFoundError, match="missing"):
        load_selections(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- selections


def test_relationship_customers_matches_a_plain_mask(rfm):
    got = relationship_customers(rfm, max_frequency=2, max_recency=60)
    want = rfm[(rfm["frequency"] <= 2) & (rfm["recency"] <= 60)]
    assert set(got.index) == set(want.index)
    assert got["recency"].is_monotonic_increasing
    assert len(got) > 0


@pytest.mark.parametrize(("active", "lapsed", "loyal_f", "lapsed_f"), [(90, 180, 3, 2), (30, 365, 5, 1), (0, 1, 2, 3)])
def test_assign_selections_matches_the_reference(rfm, active, lapsed, loyal_f, lapsed_f):
    got = assign_selections(rfm, active, lapsed, loyal_f, lapsed_f)
    want = _reference(rfm, active, lapsed, loyal_f, lapsed_f)
    assert got.name == "selection"
    assert list(got.cat.categories) == list(SELECTION_ORDER)
    pd.testing.assert_series_equal(got.astype(str), want, check_names=False)


def test_the_caller_frame_is_not_modified(rfm):
    before = rfm.copy()
    campaign_selections(rfm)
    pd.testing.assert_frame_equal(rfm, before)


def test_campaign_selections_sizes_and_shares(rfm):
    table = campaign_selections(rfm)
    ref = _reference(rfm)
    assert list(table.index) == list(SELECTION_ORDER)
    for key in SELECTION_ORDER:
        members = rfm[ref == key]
        assert table.loc[key, "customers"] == len(members)
        assert table.loc[key, "past_revenue"] == pytest.approx(members["monetary"].sum())
    assert table["customers"].sum() == len(rfm)
    assert table["share_of_customers"].sum() == pytest.approx(1.0)
    assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert table.loc["recovery", "message"] == load_selections()["recovery"].message


def test_an_empty_selection_is_kept_with_zero(rfm):
    recent = rfm.assign(recency=5)  # nobody lapsed
    table = campaign_selections(recent)
    assert table.loc["recovery", "customers"] == 0
    assert np.isnan(table.loc["recovery", "revenue_per_customer"])


def test_selections_on_real_cdnow_data():
    from course_lib.market.datasets import load_cdnow

    cd = load_cdnow()
    rfm = rfm_table(cd)
    table = campaign_selections(rfm)
    # independent: count straight from the raw rows
    per = cd.groupby("customer_id").agg(last=("date", "max"), n=("date", "size"))
    days = (cd["date"].max() - per["last"]).dt.days
    assert table.loc["loyalty", "customers"] == int(((days <= 90) & (per["n"] >= 3)).sum())
    assert table.loc["recovery", "customers"] == int(((days >= 180) & (per["n"] >= 2)).sum())


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"active_days": 200, "lapsed_days": 180}, ValueError, "must be larger than active_days"),
        ({"loyal_min_frequency": 1}, ValueError, "loyal_min_frequency must be at least 2"),
        ({"lapsed_days": "180"}, TypeError, "lapsed_days must be a number"),
        ({"recency": "days"}, ValueError, "missing the column 'days'"),
    ],
)
def test_bad_arguments_get_clear_messages(rfm, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        campaign_selections(rfm, **kwargs)


def test_bad_rfm_tables_get_clear_messages(rfm):
    with pytest.raises(TypeError, match="rfm must be a pandas DataFrame"):
        assign_selections(rfm.to_numpy())
    with pytest.raises(ValueError, match="negative"):
        assign_selections(rfm.assign(recency=-1))
    with pytest.raises(ValueError, match="duplicate index"):
        assign_selections(pd.concat([rfm, rfm.iloc[:1]]))


# --------------------------------------------------------------------------- segment summary and charts


def test_segment_summary_against_groupby(rfm):
    seg = rfm_segments(rfm)
    table = segment_summary(seg)
    assert list(table.index) == [r.name for r in SEGMENT_RULES]
    counts = seg["segment"].value_counts()
    for name, row in table.iterrows():
        assert row["customers"] == counts.get(name, 0)
        if row["customers"]:
            assert row["avg_monetary"] == pytest.approx(seg.loc[seg["segment"] == name, "monetary"].mean())
    assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert table.loc["champions", "action"] == SEGMENT_RULES[0].action


def test_segment_summary_needs_segments(rfm):
    with pytest.raises(ValueError, match="no 'segment' column"):
        segment_summary(rfm)
    with pytest.raises(ValueError, match="not in rules"):
        segment_summary(rfm_segments(rfm).assign(segment="vips"))


def test_plot_rfm_grid_shades_shares_and_labels_every_block(rfm):
    seg = rfm_segments(rfm)
    ax = plot_rfm_grid(seg, value="revenue")
    data = ax.images[0].get_array()
    assert float(data.sum()) == pytest.approx(1.0)
    r5f5 = seg.loc[(seg["r_score"] == 5) & (seg["f_score"] == 5), "monetary"].sum() / seg["monetary"].sum()
    assert float(data[4, 4]) == pytest.approx(r5f5)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == len(SEGMENT_RULES)
    assert any(t.startswith("champions") for t in texts)
    with pytest.raises(ValueError, match="value must be one of"):
        plot_rfm_grid(seg, value="profit")
    with pytest.raises(ValueError, match="missing the column 'r_score'"):
        plot_rfm_grid(rfm)


def test_value_and_selection_charts(rfm):
    ax = plot_segment_value(segment_summary(rfm_segments(rfm)))
    assert len(ax.patches) == 2 * len(SEGMENT_RULES)
    ax = plot_selections(campaign_selections(rfm))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(SELECTION_ORDER)
    assert ax.get_ylabel() == "customers"


# --------------------------------------------------------------------------- widget


def test_month_ends_stop_at_the_last_purchase():
    dates = pd.Series(pd.to_datetime(["1997-01-01", "1998-06-30"]))
    ends = month_ends(dates, 90)
    assert ends[0] == pd.Timestamp("1997-04-30")
    assert ends[-1] == pd.Timestamp("1998-06-30")
    assert month_ends(pd.Series(pd.to_datetime(["2024-01-01", "2024-02-10"])), 90) == [pd.Timestamp("2024-02-10")]
    with pytest.raises(TypeError, match="Series of datetimes"):
        month_ends(["2024-01-01"])


def test_the_explorer_recomputes_when_a_slider_moves(monkeypatch):
    import course_lib.chapters.rfm_selections as mod

    tx = pd.DataFrame(
        {"customer_id": ["a", "a", "a", "b", "b", "c"],
         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-06-20", "2024-01-10", "2024-01-20", "2024-06-01"]),
         "amount": [10.0, 20.0, 30.0, 5.0, 5.0, 8.0]}
    )
    seen = []
    real = mod.campaign_selections

    def spy(rfm, **kw):
        seen.append((len(rfm), kw["lapsed_days"]))
        return real(rfm, **kw)

    monkeypatch.setattr(mod, "campaign_selections", spy)
    w = explore_selections(tx, lapsed_days=(100, 160, 10), default_lapsed=150)
    as_of, lapsed = w.children[0].children
    assert [as_of.description, lapsed.description] == ["as of", "lapsed after (days)"]
    assert seen[-1] == (3, 150)
    lapsed.value = 120
    assert seen[-1] == (3, 120)
    as_of.value = as_of.options[0][1]  # an earlier date: customer c has not bought yet
    assert seen[-1] == (2, 120)
    with pytest.raises(ValueError, match="above active_days"):
        explore_selections(tx, lapsed_days=(60, 160, 10), default_lapsed=100)
    with pytest.raises(ValueError, match="missing the column 'amount'"):
        explore_selections(tx.drop(columns="amount"))
