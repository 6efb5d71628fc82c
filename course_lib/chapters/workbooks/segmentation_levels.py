"""Exercises for the workbook ``02-segmentation-levels``.

* ``q1``: size of a niche -- customers aged 25 to 34 (inclusive) with a fitness
  interest, as a number ``niche_reach``.
* ``q2``: cost per sale of each search keyword of the cost-per-click example
  (``data/content/levels_examples.yaml``), as a Series ``cost_per_sale``.
* ``q3``: the segmentation level with the highest expected profit for a
  home-decor offer (:data:`Q3_SETTINGS`), as a label ``best_level``.

Every expected value is computed from the course data when the check runs.

Examples
--------
>>> from course_lib.market.datasets import load_customers
>>> from course_lib.chapters.workbooks.segmentation_levels import q1
>>> c = load_customers()
>>> q1.evaluate(int((c["age"].between(25, 34) & c["interest_fitness"]).sum())).status
'correct'
>>> q1.evaluate(int(c["interest_fitness"].sum())).status
'incorrect'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.market.datasets import load_customers, load_transactions
from course_lib.learning.exercises import Exercise, Mismatch, expect_label, expect_number, expect_series
from course_lib.chapters.explorers import LEVEL_NAMES, LevelsExplorer, load_levels_examples

__all__ = ["NOTEBOOK", "EXERCISES", "Q3_SETTINGS", "keyword_table", "q3_report", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "02-segmentation-levels"

#: The scenario of q3 (settings of the levels explorer).
Q3_SETTINGS: dict[str, Any] = {
    "category": "home_decor",
    "age": (30, 60),
    "interest": "cooking",
    "neighbourhood": "(any)",
    "life_event": "moved_house",
}


# --------------------------------------------------------------------------- q1: niche size


def _check_niche_reach(value: Any) -> str:
    c = load_customers()
    age_ok = c["age"].between(25, 34)
    fit = c["interest_fitness"]
    expected = int((age_ok & fit).sum())
    n = len(c)
    mistakes = [
        (int(age_ok.sum()), "`niche_reach` counts everyone aged 25-34. The niche also needs the fitness interest "
                            "(combine both conditions with `&`)."),
        (int(fit.sum()), "`niche_reach` counts everyone with a fitness interest, of any age. Add the age band."),
        (int((age_ok | fit).sum()), "`niche_reach` counts people who are 25-34 OR into fitness. A niche keeps only "
                                    "people who meet both conditions: use `&`, not `|`."),
        (int((c["age"].between(25, 33) & fit).sum()), "Close: 34-year-olds are missing. The band 25 to 34 includes "
                                                      "both ends (`between(25, 34)` or `age <= 34`)."),
        (int((c["age"].between(26, 34) & fit).sum()), "Close: 25-year-olds are missing. The band 25 to 34 includes "
                                                      "both ends (`age >= 25`)."),
        (int((c["age"].between(25, 35) & fit).sum()), "Close: 35-year-olds are not in the band 25 to 34."),
        (expected / n, "`niche_reach` is the niche's share of the market. The question asks for the number of "
                       "people: use `.sum()`, not `.mean()`."),
        (100 * expected / n, "`niche_reach` is the niche's share in percent. Give the number of people instead."),
        (n, "`niche_reach` is the size of the whole market: the filter was not applied."),
    ]
    mistakes = [(v, m) for v, m in mistakes if v != expected]
    expect_number(value, expected, name="niche_reach", mistakes=mistakes)
    return f"The niche is {expected:,} of {n:,} customers ({expected / n:.1%} of the market)."


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="niche_reach",
    topic="segmentation-levels",
    title="How big is the niche?",
    checker=_check_niche_reach,
    hints=[
        "Two conditions must both hold: age from 25 to 34 (both included) and `interest_fitness` is True.",
        "`customers[\"age\"].between(25, 34) & customers[\"interest_fitness\"]` is True for the niche; "
        "`.sum()` counts the Trues.",
    ],
)


# --------------------------------------------------------------------------- q2: cost per sale per keyword


def keyword_table() -> pd.DataFrame:
    """The keywords of the cost-per-click example, indexed by ``keyword``.

    Columns ``kind``, ``cpc`` (dollars per click), ``conversion_rate`` (sales
    per click) and ``max_clicks`` (NaN = no limit). A new frame on every call.

    Examples
    --------
    >>> keyword_table()["cpc"].sort_values().tolist()
    [0.15, 1.0]
    """
    rows = load_levels_examples()["cost_per_click"]["keywords"]
    table = pd.DataFrame(rows).set_index("keyword")
    table["max_clicks"] = pd.to_numeric(table["max_clicks"], errors="coerce")
    return table[["kind", "cpc", "conversion_rate", "max_clicks"]]


def _check_cost_per_sale(value: Any) -> str:
    kw = keyword_table()
    expected = kw["cpc"] / kw["conversion_rate"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        for name, v in expected.items():
            if abs(value - v) < 1e-9:
                raise Mismatch(f"`cost_per_sale` is one number (the cost per sale of {name!r}). The question asks "
                               "for one value per keyword: divide the two columns of the table.")
    mistakes = [
        (kw["cpc"], "`cost_per_sale` is the cost per click. One click is not one sale: divide the cost per click "
                    "by the conversion rate (sales per click)."),
        (kw["cpc"] * kw["conversion_rate"], "`cost_per_sale` multiplies the cost per click by the conversion rate. "
                                             "To get the cost of one sale, divide by it."),
        (kw["conversion_rate"] / kw["cpc"], "`cost_per_sale` is upside down: that is sales per dollar. "
                                             "Cost per sale = cost per click / conversion rate."),
        (kw["cpc"] / (100 * kw["conversion_rate"]), "`cost_per_sale` is 100 times too small: the conversion rate "
                                                     "was used as a percentage. Keep it as a fraction."),
    ]
    expect_series(value, expected, name="cost_per_sale", what="keyword", mistakes=mistakes)
    cheap, dear = expected.idxmin(), expected.idxmax()
    return (f"A sale through {cheap!r} costs ${expected[cheap]:.2f}, through {dear!r} ${expected[dear]:.2f}: "
            f"{expected[dear] / expected[cheap]:.0f} times as much.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="cost_per_sale",
    topic="segmentation-levels",
    title="Cost per sale of a keyword",
    checker=_check_cost_per_sale,
    hints=[
        "You pay per click, but only some clicks become sales. How many clicks do you buy for one sale?",
        "Cost per sale = cost per click / conversion rate: `keywords[\"cpc\"] / keywords[\"conversion_rate\"]` "
        "(a Series indexed by keyword).",
    ],
)


# --------------------------------------------------------------------------- q3: best level


def q3_report() -> pd.DataFrame:
    """The level report of the q3 scenario (used by the check).

    Examples
    --------
    >>> list(q3_report()["level"])
    ['mass', 'segment', 'niche', 'micro']
    """
    explorer = LevelsExplorer(load_customers(), load_transactions())
    return explorer.report(**Q3_SETTINGS)


def _check_best_level(value: Any) -> str:
    report = q3_report().set_index("level")
    expected = str(report["expected_profit"].idxmax())
    if isinstance(value, pd.Series) and len(value) == len(report):
        raise Mismatch("`best_level` is a whole column (one value per level). Give the name of one level: "
                       "`.idxmax()` on the profit column of a report indexed by level, or `.loc[..., \"level\"]`.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Mismatch("`best_level` is a number. Give the level's name, such as 'segment', not its profit or "
                       "its row number.")
    mistakes = [
        (report["response_rate"].idxmax(), "that level has the highest response rate, but it reaches so few "
                                           "people that its total profit is lower. Compare `expected_profit`."),
        (report["cost_per_response"].idxmin(), "that level has the lowest cost per sale, the most efficient, but "
                                               "not the largest total profit. Compare `expected_profit`."),
        (report["reach"].idxmax(), "that level reaches the most people, but many of them are not in the market, "
                                   "so the extra contacts cost more than they earn. Compare `expected_profit`."),
        (report["expected_profit"].idxmin(), "that is the level with the lowest expected profit. Look for the "
                                             "highest (`.idxmax()`)."),
    ]
    mistakes = [(label, f"{label!r}: {msg}") for label, msg in mistakes if label != expected]
    expect_label(value, expected, name="best_level", choices=list(LEVEL_NAMES), mistakes=mistakes)
    best = report.loc[expected]
    text = f"{expected!r} earns about Rs {best['expected_profit']:,.0f} from {int(best['reach']):,} people"
    if expected not in (LEVEL_NAMES[0], LEVEL_NAMES[-1]):
        text += ": the best balance of reach and relevance here is neither the widest nor the narrowest level"
    return text + "."


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="best_level",
    topic="segmentation-levels",
    title="Which level pays best?",
    checker=_check_best_level,
    hints=[
        "Build the report with `explorer.report(**Q3_SETTINGS)` and look at the column `expected_profit`.",
        "`report.loc[report[\"expected_profit\"].idxmax(), \"level\"]` gives the name of the level with the "
        "highest expected profit.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
