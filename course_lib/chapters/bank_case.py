"""Helpers specific to the bank student-account case (notebook 15).

The shared case steps live in :mod:`course_lib.analysis.casework`; this module adds
what only the bank case needs:

* :func:`find_reimports` / :func:`clean_prospects` -- the prospect list has
  very few columns, so thousands of *different* students share the same
  profile; repeats are the rows of a second import (ids after the original
  list) that copy an earlier row exactly;
* :func:`simulate_creative_test` -- a small limited-budget campaign with the
  matched, mismatched and generic creatives, per stream, drawn from the
  case parameters (``data/cases/cases.yaml``);
* :func:`compare_with_baseline` -- CTR, accounts opened per impression and
  cost per account of each creative against the earlier generic
  savings-account ads, with two-proportion z-tests;
* :func:`plot_town_response`, :func:`town_explorer` -- response by stream
  and creative in one college town, and a dropdown to switch towns.

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.bank_case import find_reimports
>>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3"], "town": ["Kota", "Kota", "Kota"]})
>>> find_reimports(df, original_size=2)["prospect_id"].tolist()
['P3']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base import paths
from course_lib.analysis.cleaning import standardise_labels
from course_lib.analysis.experiments import two_proportion_ztest
from course_lib.base.validation import require_columns, require_dataframe, require_number

__all__ = [
    "PLAN_PATH",
    "FITS",
    "find_reimports",
    "clean_prospects",
    "simulate_creative_test",
    "compare_with_baseline",
    "plot_town_response",
    "town_explorer",
]

#: The case plan (segments, propositions, creatives, audiences, exam outline), in the schema of
#: ``data/content/casework.yaml``: read it with ``load_case_plan("bank", path=PLAN_PATH)``.
PLAN_PATH = paths.DATA_DIR / "content" / "case-bank.yaml"
#: Creative fit in the simulated test, in display order.
FITS: tuple[str, ...] = ("matched", "mismatched", "generic")
_CREATIVE = {"engineering": {"matched": "campus_engineering", "mismatched": "campus_arts"},
             "arts": {"matched": "campus_arts", "mismatched": "campus_engineering"}}


def _id_numbers(ids: pd.Series, column: str) -> np.ndarray:
    digits = ids.astype("string").str.extract(r"(\d+)\s*$", expand=False)
    if digits.isna().any():
        bad = ids[digits.isna()].iloc[0]
        raise ValueError(f"{column} values must end in a number (like 'P0042'); found {bad!r}.")
    return digits.astype("int64").to_numpy()


def find_reimports(data: pd.DataFrame, *, id_column: str = "prospect_id", original_size: int) -> pd.DataFrame:
    """Rows added by a later import that copy an earlier row on every column except the id.

    When a table has only a few coarse columns (age, town, stream...), many
    *different* people share the same values, so "identical except the id"
    alone would flag real people. A repeat is stricter: its id comes after
    the original list (number above ``original_size``) **and** it copies a
    row of the original list exactly.

    Parameters
    ----------
    data : pandas.DataFrame
        The table, with ids ending in a number (``P0001`` ...).
    id_column : str
        The id column.
    original_size : int
        How many records the original list had (ids 1 .. ``original_size``).

    Returns
    -------
    pandas.DataFrame
        The repeated rows (later copies only), in their original order.

    Examples
    --------
    >>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3", "P4"], "age": [18, 18, 19, 20]})
    >>> find_reimports(df, original_size=3)["prospect_id"].tolist()
    []
    """
    require_dataframe(data, "data")
    require_columns(data, [id_column], "data")
    original_size = int(require_number(original_size, "original_size", minimum=0))
    others = [c for c in data.columns if c != id_column]
    if not others:
        raise ValueError("data needs at least one column besides the id to compare rows.")
    numbers = _id_numbers(data[id_column], id_column)
    original = numbers <= original_size
    keys = pd.MultiIndex.from_frame(data[others].astype("object").where(data[others].notna(), "<NA>"))
    in_original = keys.isin(keys[original])
    return data[(~original) & in_original]


def clean_prospects(prospects: pd.DataFrame, *, original_size: int, ages: tuple[int, int] = (17, 21),
                    towns: Sequence[str] | None = None, id_column: str = "prospect_id") -> pd.DataFrame:
    """The bank case's cleaning in one call (the notebook shows each step).

    Removes the re-imported repeats (:func:`find_reimports`), strips stray
    spaces and fixes the capitals of ``town``, records a missing ``stream``
    as ``"not stated"``, and drops prospects whose age is outside ``ages``
    (they are not in the campaign's target group). The input is not changed.

    Parameters
    ----------
    prospects : pandas.DataFrame
        The case's ``prospects`` table (needs ``age``, ``town``, ``stream``).
    original_size : int
        Size of the original prospect list (``case.params["n_prospects"]``).
    ages : (int, int)
        The target age range, inclusive.
    towns : list of str, optional
        The town names (``list(case.params["towns"])``). When given, every
        town must match one of them after cleaning (else ValueError) and
        the categories follow this order; otherwise spaces are stripped
        and names title-cased.

    Returns
    -------
    pandas.DataFrame
        The cleaned prospects, with a fresh index.

    Examples
    --------
    >>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3"], "age": [18, 23, 18],
    ...                    "town": ["kota ", "Kota", "kota "], "stream": ["arts", None, "arts"]})
    >>> clean_prospects(df, original_size=2)[["prospect_id", "town"]].values.tolist()
    [['P1', 'Kota']]
    """
    require_dataframe(prospects, "prospects")
    require_columns(prospects, [id_column, "age", "town", "stream"], "prospects")
    if not (isinstance(ages, tuple) and len(ages) == 2 and ages[0] <= ages[1]):
        raise ValueError(f"ages must be a (youngest, oldest) pair, got {ages!r}.")
    repeats = find_reimports(prospects, id_column=id_column, original_size=original_size)
    out = prospects.drop(index=repeats.index)
    out = out[out["age"].between(*ages)]
    if towns is not None:
        town = standardise_labels(out["town"], list(towns), unknown="raise")
    else:
        town = out["town"].astype("string").str.strip().str.title().astype("category")
    stream = out["stream"]
    if isinstance(stream.dtype, pd.CategoricalDtype):
        if "not stated" not in stream.cat.categories:
            stream = stream.cat.add_categories("not stated")
        stream = stream.fillna("not stated")
    else:
        stream = stream.astype("object").where(stream.notna(), "not stated").astype("category")
    return out.assign(town=town, stream=stream).reset_index(drop=True)


def simulate_creative_test(params: Mapping[str, Any], *, budget: float = 60_000, frequency: float = 3.0,
                           seed: int = 0) -> pd.DataFrame:
    """Simulate a limited-budget test of matched, mismatched and generic creatives per stream.

    The budget is split evenly over six ad lines (engineering and arts
    students x matched, mismatched and generic creative). Impressions are
    bought at the old ads' CPM (``params["baseline"]["cpm"]``); each person
    reached sees ``frequency`` impressions; a person clicks with the case's
    ``click_rate`` of that fit, and a click opens an account with its
    ``open_rate_after_click``.

    Parameters
    ----------
    params : mapping
        The bank case's parameters (``case.params``).
    budget : float
        Total test budget in rupees.
    frequency : float
        Impressions per person reached (an assumption; at least 1).
    seed : int
        Seed of the random draws.

    Returns
    -------
    pandas.DataFrame
        One row per line: ``stream``, ``fit``, ``creative``, ``impressions``,
        ``reach``, ``clicks``, ``accounts_opened`` and ``spend``.

    Examples
    --------
    >>> from course_lib.market.datasets import load_case
    >>> test = simulate_creative_test(load_case("bank").params, seed=1)
    >>> test[["stream", "fit"]].value_counts().size
    6
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be the case parameters (a mapping), got {type(params).__name__}.")
    for key in ("click_rate", "open_rate_after_click", "baseline"):
        if key not in params:
            raise ValueError(f"params is missing {key!r}; pass load_case('bank').params.")
    budget = require_number(budget, "budget", minimum=0, inclusive=False)
    frequency = require_number(frequency, "frequency", minimum=1)
    cpm = float(params["baseline"]["cpm"])
    rng = np.random.default_rng(seed)
    per_line = budget / 6
    rows = []
    for stream in ("engineering", "arts"):
        for fit in FITS:
            impressions = int(round(per_line / cpm * 1000))
            reach = int(round(impressions / frequency))
            clicks = int(rng.binomial(reach, float(params["click_rate"][fit])))
            opened = int(rng.binomial(clicks, float(params["open_rate_after_click"][fit])))
            creative = _CREATIVE[stream].get(fit, "generic_savings")
            rows.append(dict(stream=stream, fit=fit, creative=creative, impressions=impressions, reach=reach,
                             clicks=clicks, accounts_opened=opened, spend=round(per_line, 2)))
    return pd.DataFrame(rows)


def compare_with_baseline(test: pd.DataFrame, baseline: pd.DataFrame, *, by: str = "fit",
                          alpha: float = 0.05) -> pd.DataFrame:
    """Each test group against the earlier generic savings-account ads, per impression.

    Sums impressions, clicks, accounts opened and spend per group of
    ``test`` and over all of ``baseline``; computes CTR, accounts opened per
    impression and cost per account; and tests each group's CTR and
    accounts-per-impression against the baseline with
    :func:`course_lib.analysis.experiments.two_proportion_ztest`.

    Parameters
    ----------
    test, baseline : pandas.DataFrame
        Ad lines with ``impressions``, ``clicks``, ``accounts_opened`` and
        ``spend``; ``test`` also needs the ``by`` column.
    by : str
        The grouping column of ``test``.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        Index: ``"old generic ad"`` first, then the groups. Columns: the
        sums, ``ctr``, ``accounts_per_impression``, ``cost_per_account``,
        ``ctr_lift``, ``ctr_p_value``, ``accounts_lift``,
        ``accounts_p_value`` and ``significant`` (both p-values below
        ``alpha``); lifts and p-values are empty on the baseline row.

    Examples
    --------
    >>> old = pd.DataFrame({"impressions": [10000], "clicks": [40], "accounts_opened": [5], "spend": [900.0]})
    >>> new = pd.DataFrame({"fit": ["matched"], "impressions": [10000], "clicks": [150],
    ...                     "accounts_opened": [40], "spend": [900.0]})
    >>> float(compare_with_baseline(new, old).loc["matched", "cost_per_account"])
    22.5
    """
    cols = ["impressions", "clicks", "accounts_opened", "spend"]
    require_dataframe(test, "test")
    require_dataframe(baseline, "baseline")
    require_columns(test, [by, *cols], "test")
    require_columns(baseline, cols, "baseline")
    groups = test.groupby(by, sort=False, observed=True)[cols].sum()
    base = baseline[cols].sum().rename("old generic ad")
    out = pd.concat([base.to_frame().T, groups]).astype({c: "float64" for c in cols})
    out[["impressions", "clicks", "accounts_opened"]] = out[["impressions", "clicks", "accounts_opened"]].astype(
        "int64")
    if (out["impressions"] <= 0).any():
        raise ValueError("every group needs impressions > 0 to compute rates per impression.")
    out["ctr"] = out["clicks"] / out["impressions"]
    out["accounts_per_impression"] = out["accounts_opened"] / out["impressions"]
    out["cost_per_account"] = out["spend"] / out["accounts_opened"].where(out["accounts_opened"] > 0)
    for metric, count in (("ctr", "clicks"), ("accounts", "accounts_opened")):
        lifts, pvals = [np.nan], [np.nan]
        for g in groups.index:
            res = two_proportion_ztest(int(base[count]), int(base["impressions"]), int(out.loc[g, count]),
                                       int(out.loc[g, "impressions"]), alpha=alpha)
            lifts.append(res.lift)
            pvals.append(res.p_value)
        out[f"{metric}_lift"] = lifts
        out[f"{metric}_p_value"] = pvals
    out["significant"] = (out["ctr_p_value"] < alpha) & (out["accounts_p_value"] < alpha)
    out.loc["old generic ad", "significant"] = False
    out.index.name = by
    return out


_GROUP_LABELS = {"holdout_generic": "old generic ad (holdout)", "targeted": "matched campus creative"}
_GROUP_COLOURS = {"holdout_generic": "#bdbdbd", "targeted": "#3182bd"}


def _town_rates(data: pd.DataFrame, town: str) -> pd.DataFrame:
    require_dataframe(data, "data")
    require_columns(data, ["town", "stream", "campaign_group", "clicked", "account_opened"], "data")
    rows = data if town == "All towns" else data[data["town"].astype("string") == town]
    if rows.empty:
        raise ValueError(f"there are no prospects in town {town!r}; choose one of {sorted(data['town'].unique())}.")
    rows = rows[rows["stream"].isin(["engineering", "arts"])]
    return (rows.groupby(["stream", "campaign_group"], observed=True)[["clicked", "account_opened"]].mean()
            .unstack("campaign_group"))


def plot_town_response(data: pd.DataFrame, town: str = "All towns") -> Any:
    """Bar chart: click and account-opening rate by stream, targeted vs generic holdout, in one town.

    Parameters
    ----------
    data : pandas.DataFrame
        Cleaned prospects (``town``, ``stream``, ``campaign_group``,
        ``clicked``, ``account_opened``).
    town : str
        A town name, or ``"All towns"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rates = _town_rates(data, town)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=False)
    for ax, (col, label) in zip(axes, [("clicked", "prospects who clicked (%)"),
                                       ("account_opened", "prospects who opened an account (%)")], strict=True):
        shown = (100 * rates[col]).reindex(["engineering", "arts"]).rename(columns=_GROUP_LABELS)
        shown.plot.bar(ax=ax, rot=0, color={v: _GROUP_COLOURS[k] for k, v in _GROUP_LABELS.items()})
        ax.set_ylim(0, 1.4 * max(float(np.nanmax(shown.to_numpy())), 0.1))
        ax.set_ylabel(label)
        ax.set_xlabel("stream")
        ax.legend(title="group", loc="upper right", fontsize="small")
    axes[0].set_title(f"{town}: clicks")
    axes[1].set_title(f"{town}: accounts opened")
    fig.tight_layout()
    return fig


def town_explorer(data: pd.DataFrame) -> Any:
    """A dropdown of college towns that redraws :func:`plot_town_response`.

    Returns
    -------
    ipywidgets.VBox
        The dropdown and an ``Output`` widget (a cell showing it should carry
        the ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    _town_rates(data, "All towns")
    towns = ["All towns", *sorted(str(t) for t in data["town"].dropna().unique())]
    pick = widgets.Dropdown(options=towns, value="All towns", description="College town")
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            rows = data if pick.value == "All towns" else data[data["town"].astype("string") == pick.value]
            print(f"{pick.value}: {len(rows):,} prospects")
            plot_town_response(data, pick.value)
            plt.show()

    pick.observe(redraw, names="value")
    redraw()
    return widgets.VBox([pick, out])
