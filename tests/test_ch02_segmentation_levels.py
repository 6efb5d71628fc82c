"""course_lib.chapters.explorers: the segmentation-levels explorer and its worked-example data."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

from course_lib.chapters.explorers import (
    ANY,
    LEVEL_NAMES,
    LevelAssumptions,
    LevelsExplorer,
    format_report,
    in_market,
    level_rules,
    levels_report,
    load_levels_examples,
    plot_levels,
    value_per_sale,
)

matplotlib.use("Agg")


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(8)],
        "age": [20, 25, 30, 35, 40, 45, 50, 60],
        "interest_fitness": [True, True, True, False, True, False, False, False],
        "interest_tech": [False, True, False, True, False, False, True, False],
        "neighbourhood": ["A", "A", "B", "A", "A", "B", "A", "B"],
        "life_event": ["none", "new_job", "new_job", "none", "married", "none", "none", "retired"],
    })


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["C0", "C1", "C2", "C5", "C7", "C3"],
        "date": pd.to_datetime(["2025-08-01", "2025-09-01", "2025-10-01", "2025-11-01", "2024-03-01", "2025-08-05"]),
        "category": ["sportswear", "sportswear", "sportswear", "sportswear", "sportswear", "electronics"],
        "amount": [1000.0, 2000.0, 3000.0, 2000.0, 99999.0, 5000.0],
    })


WINDOW = ("2025-07-01", "2025-12-31")


def _simple(**changes) -> LevelAssumptions:
    base = dict(conversion={n: 0.1 for n in LEVEL_NAMES}, media_cost={n: 1.0 for n in LEVEL_NAMES},
                creative_cost={n: 0.0 for n in LEVEL_NAMES}, margin=0.5, window=WINDOW, min_size=2)
    base.update(changes)
    return LevelAssumptions(**base)


# --------------------------------------------------------------------------- the data file


def test_examples_file_has_the_source_figures():
    ex = load_levels_examples()
    assert ex["coffee_shop"]["radius_miles"] == 1.0
    assert sorted(k["cpc"] for k in ex["cost_per_click"]["keywords"]) == [0.15, 1.0]
    assert "StudySmarter" in ex["coffee_shop"]["source"] and "StudySmarter" in ex["cost_per_click"]["source"]


def test_examples_file_errors_are_clear(tmp_path):
    good = load_levels_examples()
    bad = dict(good, coffee_shop=dict(good["coffee_shop"], visit_rate_nearby=3))
    path = tmp_path / "ex.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ValueError, match="visit_rate_nearby"):
        load_levels_examples(path)
    path.write_text(yaml.safe_dump({"coffee_shop": good["coffee_shop"]}))
    with pytest.raises(ValueError, match="cost_per_click"):
        load_levels_examples(path)
    broken = dict(good, explorer=dict(good["explorer"], levels={"mass": good["explorer"]["levels"]["mass"]}))
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(ValueError, match="missing the level"):
        load_levels_examples(path)


def test_assumptions_from_config_and_overrides():
    a = LevelAssumptions.from_config()
    assert a.cost_per_target("micro", 500) == pytest.approx(a.media_cost["micro"] + a.creative_cost["micro"] / 500)
    assert a.cost_per_target("mass", 0) == a.media_cost["mass"]
    b = LevelAssumptions.from_config(margin=0.5, media_cost={"micro": 9.0})
    assert b.margin == 0.5 and b.media_cost["micro"] == 9.0 and b.media_cost["mass"] == a.media_cost["mass"]
    with pytest.raises(TypeError, match="unknown assumption"):
        LevelAssumptions.from_config(colour="red")
    with pytest.raises(ValueError, match="unknown level"):
        LevelAssumptions.from_config(conversion={"giga": 0.1})
    with pytest.raises(ValueError, match="conversion"):
        LevelAssumptions.from_config(conversion={"micro": 1.5})
    with pytest.raises(ValueError, match="margin"):
        LevelAssumptions.from_config(margin=0)
    with pytest.raises(ValueError, match="level must be one of"):
        a.cost_per_target("nano", 10)


# --------------------------------------------------------------------------- in-market and value


def test_in_market_uses_the_window_and_category(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    assert flags.tolist() == [True, True, True, False, False, True, False, False]  # C7 bought before the window
    assert flags.index.equals(people.index)
    assert in_market(people, sales, "electronics", WINDOW).sum() == 1


def test_in_market_validates(people, sales):
    with pytest.raises(ValueError, match="not in transactions"):
        in_market(people, sales, "yachts", WINDOW)
    with pytest.raises(ValueError, match="customer_id"):
        in_market(people.drop(columns="customer_id"), sales, "sportswear", WINDOW)
    with pytest.raises(ValueError, match="before it starts"):
        in_market(people, sales, "sportswear", ("2025-12-31", "2025-01-01"))
    with pytest.raises(TypeError, match="category"):
        in_market(people, sales, 3, WINDOW)


def test_value_per_sale_is_mean_basket_times_margin(sales):
    assert value_per_sale(sales, "sportswear", 0.5, WINDOW) == pytest.approx(0.5 * 2000.0)  # 99999 is outside
    with pytest.raises(ValueError, match="widen the window"):
        value_per_sale(sales, "sportswear", 0.5, ("2020-01-01", "2020-02-01"))
    with pytest.raises(ValueError, match="margin"):
        value_per_sale(sales, "sportswear", 2, WINDOW)


# --------------------------------------------------------------------------- rules and report


def test_level_rules():
    rules = level_rules(age=(22, 35), interest="fitness", neighbourhood=ANY, life_event="new_job")
    assert rules == {"mass": None, "segment": {"age": (22, 35)}, "niche": {"interest_fitness": True},
                     "micro": {"life_event": "new_job"}}
    assert level_rules() == {n: None for n in LEVEL_NAMES}
    assert level_rules(interest="interest_tech")["niche"] == {"interest_tech": True}
    with pytest.raises(ValueError, match="lowest age is above"):
        level_rules(age=(40, 20))
    with pytest.raises(TypeError, match="pair"):
        level_rules(age=30)


def test_levels_report_against_a_hand_computation(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    a = _simple(conversion={"mass": 0.1, "segment": 0.2, "niche": 0.3, "micro": 0.4},
                creative_cost={"mass": 8.0, "segment": 0.0, "niche": 0.0, "micro": 2.0})
    rules = level_rules(age=(20, 40), interest="fitness", life_event="new_job")
    r = levels_report(people, flags, rules, value_per_sale=100.0, assumptions=a)
    assert r["level"].tolist() == list(LEVEL_NAMES)
    assert r["reach"].tolist() == [8, 5, 4, 2]  # ages 20-40: C0-C4; fitness: C0,C1,C2,C4; new job: C1,C2
    assert r["in_market_rate"].tolist() == pytest.approx([4 / 8, 3 / 5, 3 / 4, 1.0])
    assert r["response_rate"].tolist() == pytest.approx([0.05, 0.12, 0.225, 0.4])
    assert r["cost_per_target"].tolist() == pytest.approx([1 + 8 / 8, 1.0, 1.0, 1 + 2 / 2])
    micro = r.iloc[-1]
    assert micro["expected_responses"] == pytest.approx(0.8)
    assert micro["expected_profit"] == pytest.approx(0.8 * 100 - 2 * 2.0)
    assert micro["cost_per_response"] == pytest.approx(4.0 / 0.8)
    assert r["too_small"].tolist() == [False, False, False, False]


def test_a_level_that_narrows_nothing_keeps_the_previous_economics(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    a = _simple(conversion={"mass": 0.1, "segment": 0.2, "niche": 0.3, "micro": 0.4},
                media_cost={"mass": 1.0, "segment": 2.0, "niche": 3.0, "micro": 4.0})
    r = levels_report(people, flags, level_rules(age=(20, 40)), 100.0, a).set_index("level")
    assert r.loc["niche", "conversion"] == r.loc["micro", "conversion"] == 0.2
    assert r.loc["micro", "cost_per_target"] == 2.0
    assert r.loc["micro", "reach"] == r.loc["segment", "reach"]


def test_levels_report_flags_small_levels_and_validates(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    r = levels_report(people, flags, level_rules(life_event="retired"), 10.0, _simple(min_size=3))
    assert r["too_small"].tolist() == [False, False, False, True]
    with pytest.raises(TypeError, match="boolean Series"):
        levels_report(people, flags.astype(int), level_rules(), 10.0, _simple())
    with pytest.raises(ValueError, match="one value per customer"):
        levels_report(people, flags.iloc[:3], level_rules(), 10.0, _simple())
    with pytest.raises(ValueError, match="one rule per level"):
        levels_report(people, flags, {"mass": None}, 10.0, _simple())
    with pytest.raises(ValueError, match="interest_gaming"):
        levels_report(people, flags, level_rules(interest="gaming"), 10.0, _simple())


def test_empty_level_gives_zero_not_nan(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    r = levels_report(people, flags, level_rules(age=(90, 99)), 10.0, _simple())
    assert r["reach"].tolist()[1:] == [0, 0, 0]
    assert r["expected_profit"].iloc[-1] == 0
    assert math.isnan(r["cost_per_response"].iloc[-1])


def test_format_and_plot(people, sales):
    flags = in_market(people, sales, "sportswear", WINDOW)
    r = levels_report(people, flags, level_rules(age=(20, 40), interest="fitness"), 100.0, _simple())
    shown = format_report(r)
    assert list(shown.index) == list(LEVEL_NAMES)
    assert shown.loc["mass", "share of market"] == "100.0%"
    fig = plot_levels(r, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["Who is still reached", "Expected profit per level"]
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == list(LEVEL_NAMES)
    with pytest.raises(ValueError, match="expected_profit"):
        plot_levels(r.drop(columns="expected_profit"))


# --------------------------------------------------------------------------- the explorer


def test_explorer_report_matches_the_functions(people, sales):
    ex = LevelsExplorer(people, sales, assumptions=_simple(),
                        defaults={"category": "sportswear", "age": (20, 40), "interest": "fitness",
                                  "neighbourhood": None, "life_event": None})
    direct = levels_report(people, in_market(people, sales, "sportswear", WINDOW),
                           level_rules(age=(20, 40), interest="fitness"),
                           value_per_sale(sales, "sportswear", 0.5, WINDOW), _simple())
    pd.testing.assert_frame_equal(ex.report(), direct)
    other = ex.report(category="electronics", interest=ANY)
    assert other["in_market_rate"].iloc[0] == pytest.approx(1 / 8)
    assert "Highest expected profit" in ex.summary(other)
    with pytest.raises(ValueError, match="unknown"):
        ex.report(interest="knitting")
    with pytest.raises(TypeError, match="unknown setting"):
        ex.report(colour="red")


def test_explorer_widget_redraws_on_change(people, sales):
    pytest.importorskip("ipywidgets")
    ex = LevelsExplorer(people, sales, assumptions=_simple(), defaults={"category": "sportswear"})
    box = ex.widget
    assert box is ex.widget  # built once
    dropdowns = {c.description: c for c in box.children if hasattr(c, "description")}
    dropdowns["Micro: life event"].value = "new_job"
    assert ex.settings["life_event"] == "new_job"
    assert ex.report()["reach"].iloc[-1] < len(people)


def test_explorer_on_course_data_narrows_and_concentrates_buyers():
    from course_lib.market.datasets import load_customers, load_transactions

    ex = LevelsExplorer(load_customers(), load_transactions())
    r = ex.report()
    assert r["reach"].is_monotonic_decreasing and r["reach"].iloc[0] == 50_000
    # the default sportswear rules pick out more recent sportswear buyers at every step
    assert np.all(np.diff(r["in_market_rate"].to_numpy()) > 0)
    # an unrelated interest does not concentrate buyers the way a related one does
    unrelated = ex.report(interest="reading", life_event=ANY)
    assert unrelated["in_market_rate"].iloc[2] < r["in_market_rate"].iloc[2]
