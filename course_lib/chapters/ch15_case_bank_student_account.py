"""Chapter 15 (bank student-account case): the prospect list's cleaning, the town explorer, the workbook's answers.

The prospect list has very few columns, so thousands of *different* students share a profile: a repeat is a
row of a later import (id after the original list) that copies an earlier row exactly (:func:`find_reimports`).
The workbook's checks are declared in ``data/exercises/15-case-bank-student-account.yaml``.

Examples
--------
>>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3"], "town": ["Kota", "Kota", "Kota"]})
>>> find_reimports(df, original_size=2)["prospect_id"].tolist()
['P3']
>>> answers()["n_clean"]
5990
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.cleaning import standardise_labels
from course_lib.analysis.experiments import two_proportion_ztest
from course_lib.base.validation import require_columns, require_dataframe, require_number
from course_lib.learning.exercises import Mismatch, expect_number, expect_single
from course_lib.learning.explorer import Explorer
from course_lib.market.datasets import load_case

__all__ = ["find_reimports", "clean_prospects", "plot_town_response", "town_explorer", "answers", "wrong_answers",
           "check_z"]


def find_reimports(data: pd.DataFrame, *, id_column: str = "prospect_id", original_size: int) -> pd.DataFrame:
    """The rows whose id number is above ``original_size`` and that copy a row of the original list exactly
    (every column but the id; missing values count as equal). Ids must end in a number (``P0042``).

    Examples
    --------
    >>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3", "P4"], "age": [18, 18, 19, 20]})
    >>> find_reimports(df, original_size=3)["prospect_id"].tolist()  # P1 and P2 look alike: two people
    []
    """
    require_dataframe(data, "data")
    require_columns(data, [id_column], "data")
    original_size = int(require_number(original_size, "original_size", minimum=0))
    others = [c for c in data.columns if c != id_column]
    if not others:
        raise ValueError("data needs at least one column besides the id to compare rows.")
    digits = data[id_column].astype("string").str.extract(r"(\d+)\s*$", expand=False)
    if digits.isna().any():
        raise ValueError(f"{id_column} values must end in a number (like 'P0042'); "
                         f"found {data[id_column][digits.isna()].iloc[0]!r}.")
    original = digits.astype("int64").to_numpy() <= original_size
    keys = pd.MultiIndex.from_frame(data[others].astype("object").where(data[others].notna(), "<NA>"))
    return data[~original & keys.isin(keys[original])]


def clean_prospects(prospects: pd.DataFrame, *, original_size: int, towns: Sequence[str],
                    ages: tuple[int, int] = (18, 21)) -> pd.DataFrame:
    """The bank case's cleaning in one call (notebook 15 shows each step): drop the re-imports, keep ages in
    ``ages`` (the target: adults only, so under-18s, children under the DPDP Act, always go), standardise ``town`` to ``towns`` (ValueError for an unknown town) and record a missing
    ``stream`` as ``"not stated"``. Returns a new table with a fresh index.

    Examples
    --------
    >>> df = pd.DataFrame({"prospect_id": ["P1", "P2", "P3"], "age": [18, 17, 18],
    ...                    "town": ["kota ", "Kota", "kota "], "stream": ["arts", None, "arts"]})
    >>> clean_prospects(df, original_size=2, towns=["Kota"])[["prospect_id", "town"]].values.tolist()
    [['P1', 'Kota']]
    """
    require_dataframe(prospects, "prospects")
    require_columns(prospects, ["prospect_id", "age", "town", "stream"], "prospects")
    if not (isinstance(ages, tuple) and len(ages) == 2 and ages[0] <= ages[1]):
        raise ValueError(f"ages must be a (youngest, oldest) pair, got {ages!r}.")
    out = prospects.drop(index=find_reimports(prospects, original_size=original_size).index)
    out = out[out["age"].between(*ages)]
    stream = out["stream"].astype("category")
    if "not stated" not in stream.cat.categories:
        stream = stream.cat.add_categories("not stated")
    town = standardise_labels(out["town"], list(towns), unknown="raise")
    return out.assign(town=town, stream=stream.fillna("not stated")).reset_index(drop=True)


def plot_town_response(data: pd.DataFrame, town: str = "All towns", *, fig: Any = None) -> Any:
    """Bars of the click and account-opening rates by stream, targeted vs the control group shown the old ad, in one town
    (or ``"All towns"``) of the cleaned prospects. Draws on ``fig`` (a new
    :class:`matplotlib.figure.Figure` when None, never pyplot's global state) and returns it."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    require_dataframe(data, "data")
    require_columns(data, ["town", "stream", "campaign_group", "clicked", "account_opened"], "data")
    rows = data if town == "All towns" else data[data["town"].astype("string") == town]
    if rows.empty:
        raise ValueError(f"there are no prospects in town {town!r}; choose one of {sorted(data['town'].unique())}.")
    rates = (rows[rows["stream"].isin(["engineering", "arts"])]
             .groupby(["stream", "campaign_group"], observed=True)[["clicked", "account_opened"]].mean()
             .unstack("campaign_group"))
    names = {"control_old_ad": "old generic ad (control group)", "targeted": "matched campus creative"}
    colours = {names["control_old_ad"]: "#bdbdbd", names["targeted"]: "#3182bd"}
    fig = Figure(figsize=(10, 3.8), layout="constrained") if fig is None else fig
    axes = fig.subplots(1, 2)
    for ax, col, label, what in zip(axes, ["clicked", "account_opened"],
                                    ["prospects who clicked (%)", "prospects who opened an account (%)"],
                                    ["clicks", "accounts opened"], strict=True):
        shown = (100 * rates[col]).reindex(["engineering", "arts"]).rename(columns=names)
        shown = shown[[n for n in names.values() if n in shown.columns]]
        shown.plot.bar(ax=ax, rot=0, color=colours)
        ax.set_ylim(0, 1.45 * max(float(np.nanmax(shown.to_numpy())), 0.1))
        ax.set(ylabel=label, xlabel="stream", title=f"{town}: {what}")
        ax.tick_params(labelsize=9)
        ax.legend(title="group", loc="upper right", fontsize=9, title_fontsize=9)
    return fig


def town_explorer(data: pd.DataFrame) -> Explorer:
    """An :class:`~course_lib.learning.explorer.Explorer`: a "College town" dropdown that redraws
    :func:`plot_town_response` with a line giving the town's prospects, clicks and accounts.

    Examples
    --------
    >>> df = pd.DataFrame({"town": ["Kota"] * 4, "stream": ["arts", "arts", "engineering", "engineering"],
    ...                    "campaign_group": ["targeted", "control_old_ad"] * 2,
    ...                    "clicked": [True, False, True, False], "account_opened": [True, False, False, False]})
    >>> town_explorer(df).set(town="Kota").result
    '**Kota**: 4 prospects, 2 clicked, 1 opened an account.'
    """
    import ipywidgets as widgets  # noqa: PLC0415

    plot_town_response(data)  # validates the data once, up front
    towns = ["All towns", *sorted(str(t) for t in data["town"].dropna().unique())]
    pick = widgets.Dropdown(options=towns, value="All towns", description="College town",
                            layout=widgets.Layout(width="400px"))

    def draw(fig: Any, town: str) -> str:
        rows = data if town == "All towns" else data[data["town"].astype("string") == town]
        plot_town_response(data, town, fig=fig)
        return (f"**{town}**: {len(rows):,} prospects, {int(rows['clicked'].sum()):,} clicked, "
                f"{int(rows['account_opened'].sum()):,} opened an account.")

    return Explorer({"town": pick}, draw, title="College-town explorer", figsize=(10.0, 3.8))


# --------------------------------------------------------------------------- workbook answers


def _data() -> dict[str, Any]:
    case = load_case("bank")
    raw, n_original = case.prospects, int(case.params["n_prospects"])
    clean = clean_prospects(raw, original_size=n_original, towns=list(case.params["towns"]),
                            ages=tuple(case.params["age_range"]))
    return {"raw": raw, "clean": clean, "n_original": n_original, "ages": tuple(case.params["age_range"]),
            "baseline": case.baseline}


def _z(frame: pd.DataFrame, column: str = "clicked") -> float:
    g = frame.groupby("campaign_group", observed=True)[column].agg(["sum", "size"])
    a, b = g.loc["control_old_ad"], g.loc["targeted"]
    return float(two_proportion_ztest(int(a["sum"]), int(a["size"]), int(b["sum"]), int(b["size"])).z)


def answers() -> dict[str, Any]:
    """The right answers (q1 ``n_clean``, q2 ``cpa_old``, q3 ``z_clicks``) and the facts the messages quote."""
    d = _data()
    base = d["baseline"]
    return {"n_clean": len(d["clean"]), "n_removed": len(d["raw"]) - len(d["clean"]),
            "cpa_old": float(base["spend"].sum() / base["accounts_opened"].sum()), "z_clicks": _z(d["clean"])}


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    d = _data()
    raw, clean, base, (lo, hi) = d["raw"], d["clean"], d["baseline"], d["ages"]
    no_repeats = raw.drop(index=find_reimports(raw, original_size=d["n_original"]).index)
    naive = raw[~raw.drop(columns="prospect_id").astype("object").duplicated()]
    z_accounts = _z(clean, "account_opened")
    return {
        "n_raw": len(raw), "n_no_repeats": len(no_repeats), "n_age_only": int(raw["age"].between(lo, hi).sum()),
        "n_naive": len(naive), "n_naive_age": int(naive["age"].between(lo, hi).sum()),
        "n_dropna": int((clean["stream"] != "not stated").sum()),
        "cpa_mean": float((base["spend"] / base["accounts_opened"]).mean()),
        "cpc": float(base["spend"].sum() / base["clicks"].sum()),
        "cpm": float(base["spend"].sum() / base["impressions"].sum() * 1000),
        "accounts_per_rupee": float(base["accounts_opened"].sum() / base["spend"].sum()),
        "z_flipped": -_z(clean), "z_raw": _z(raw), "z_known": _z(clean[clean["stream"] != "not stated"]),
        "z_accounts": z_accounts, "z_accounts_flipped": -z_accounts,
    }


def check_z(value: Any, right: dict[str, Any]) -> None:
    """Workbook q3: a number close to ``right["z_clicks"]``, with a hint when the whole test result is stored."""
    if hasattr(value, "z") and hasattr(value, "p_value"):
        raise Mismatch("`z_clicks` holds the whole test result; store its `.z` attribute (a number).")
    expect_single(value, name="z_clicks", hint="Store the `.z` of the result of `two_proportion_ztest`.",
                  also=(dict,))
    expect_number(value, right["z_clicks"], name="z_clicks", rel_tol=1e-6)
