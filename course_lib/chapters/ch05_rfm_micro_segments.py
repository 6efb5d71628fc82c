"""Chapter 05 (RFM micro-segments): the selections explorer and the answers its workbook checks.

The chapter builds the RFM table, the segment summary and the three campaign
selections in its own cells; the checks are declared in
``data/exercises/05-rfm-micro-segments.yaml``.

Examples
--------
>>> facts = answers(winback_as_of="2025-06-30", winback_days=180, winback_min_purchases=2)
>>> round(float(facts["one_off_share"]), 3)
0.505
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from course_lib.analysis.rfm import lapsed_customers, loyal_customers, rfm_segments, rfm_table
from course_lib.base.validation import require_dataframe, require_number, require_positive_int
from course_lib.learning.explorer import Explorer
from course_lib.market.datasets import load_cdnow, load_transactions

__all__ = ["explore_selections", "answers", "wrong_answers"]


def _readable(table: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The selection table as a student reads it: counts with commas, money with its currency, shares in %."""
    out = pd.DataFrame(index=table.index)
    for column, values in table.items():
        if column in ("micromarketing_type", "message"):
            continue
        if column.startswith("share"):
            out[column.replace("_", " ")] = values.map(lambda v: "–" if pd.isna(v) else f"{v:.1%}")
        elif column in ("past_revenue", "revenue_per_customer"):
            out[column.replace("_", " ")] = values.map(lambda v: "–" if pd.isna(v) else f"{currency}{v:,.0f}")
        else:
            out[column.replace("_", " ")] = values.map(lambda v: "–" if pd.isna(v) else f"{v:,.0f}")
    return out


def explore_selections(transactions: pd.DataFrame, summarise: Callable[..., pd.DataFrame],
                       lapsed_days: tuple[int, int, int] = (120, 450, 30), default_lapsed: int = 180,
                       currency: str = "") -> Explorer:
    """An :class:`Explorer`: sliders for the observation date (month ends) and the lapsed threshold.

    ``summarise(rfm, lapsed_days=...)`` is the chapter's selection table; it is
    run on ``rfm_table(transactions, as_of=<month end>)`` whenever a slider
    moves, and its customers are drawn as bars on a fresh figure. ``currency``
    prefixes money (``"USD "`` for CDNOW, ``"₹"`` for the synthetic retailer).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "date": pd.to_datetime(["2024-01-01", "2024-09-01"]),
    ...                    "amount": [10.0, 20.0]})
    >>> def summarise(rfm, lapsed_days):
    ...     return pd.DataFrame({"customers": [len(rfm)]}, index=pd.Index(["all"], name="selection"))
    >>> ex = explore_selections(tx, summarise)
    >>> ex.result[0]
    'As of **2024-09-01**, lapsed after **180** days: customers who have bought so far: 1.'
    """
    import ipywidgets as widgets  # noqa: PLC0415 (widgets only when the explorer is shown)

    require_dataframe(transactions, "transactions")
    if not callable(summarise):
        raise TypeError(f"summarise must be a function of an RFM table, got {type(summarise).__name__}.")
    if not isinstance(lapsed_days, (tuple, list)) or len(lapsed_days) != 3:
        raise TypeError("lapsed_days must be a (min, max, step) tuple of days, e.g. (120, 450, 30).")
    low, high, step = (require_positive_int(v, f"lapsed_days[{i}]") for i, v in enumerate(lapsed_days))
    default_lapsed = int(require_number(default_lapsed, "default_lapsed", minimum=low, maximum=high))
    dates = pd.to_datetime(transactions["date"])
    first, last = dates.min().normalize(), dates.max().normalize()
    ends = list(pd.date_range(first + pd.Timedelta(days=90), last, freq="ME"))  # 3 months of history first
    ends += [] if ends and ends[-1] == last else [last]
    wide = {"layout": widgets.Layout(width="520px"), "style": {"description_width": "130px"},
            "continuous_update": False}
    as_of = widgets.SelectionSlider(options=[(f"{d:%Y-%m-%d}", d) for d in ends], value=ends[-1],
                                    description="as of", **wide)
    lapsed = widgets.IntSlider(value=default_lapsed, min=low, max=high, step=step,
                               description="lapsed after (days)", **wide)
    tables: dict[pd.Timestamp, pd.DataFrame] = {}

    def draw(fig: Any, as_of: pd.Timestamp, lapsed: int) -> tuple[str, pd.DataFrame]:
        if as_of not in tables:  # the RFM table of a date is computed once
            tables[as_of] = rfm_table(transactions, as_of=as_of)
        table = summarise(tables[as_of], lapsed_days=lapsed)
        ax = fig.subplots()
        bars = ax.bar(table.index.astype(str), table["customers"], color="#4292c6")
        ax.bar_label(bars, labels=[f"{n:,}" for n in table["customers"]], fontsize=10, padding=2)
        ax.set_ylim(0, 1.2 * max(1, table["customers"].max()))
        ax.set_xlabel("campaign selection", fontsize=11)
        ax.set_ylabel("customers", fontsize=11)
        ax.tick_params(labelsize=10)
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.set_title(f"Selections as of {as_of:%d %b %Y}, lapsed after {lapsed} days", fontsize=12)
        line = f"As of **{as_of:%Y-%m-%d}**, lapsed after **{lapsed}** days: "
        if "recovery" in table.index:
            line += (f"the recovery list holds **{table.loc['recovery', 'customers']:,}** customers "
                     f"of {table['customers'].sum():,}.")
        else:
            line += f"customers who have bought so far: {table['customers'].sum():,}."
        return line, _readable(table, currency)

    return Explorer({"as_of": as_of, "lapsed": lapsed}, draw, title="RFM selections explorer",
                    figsize=(8.0, 4.0))


def answers(winback_as_of: str, winback_days: int, winback_min_purchases: int) -> dict[str, Any]:
    """The workbook's right answers: one-off share (q1), champions' revenue share (q2), win-back size (q3)."""
    rfm = rfm_table(load_cdnow())
    one_off = rfm["frequency"] == 1
    segments = rfm_segments(rfm)
    champions = segments["segment"] == "champions"
    june = rfm_table(load_transactions(), as_of=winback_as_of)
    n_winback = len(lapsed_customers(june, winback_days, winback_min_purchases))
    return {
        "one_off_share": one_off.mean(), "champions_revenue_share": segments.loc[champions, "monetary"].sum()
        / segments["monetary"].sum(), "champions_customer_share": champions.mean(), "n_winback": n_winback,
        "n_lapsed_one_off": len(lapsed_customers(june, winback_days, 1)) - n_winback,
    }


def wrong_answers(winback_as_of: str, winback_days: int, winback_min_purchases: int) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    cdnow, tx = load_cdnow(), load_transactions()
    rfm = rfm_table(cdnow)
    one_off = rfm["frequency"] == 1
    segments = rfm_segments(rfm)
    revenue = segments.groupby("segment")["monetary"].sum()
    total, champions = revenue.sum(), revenue["champions"]
    june = rfm_table(tx, as_of=winback_as_of)
    june_lt = rfm_table(tx, as_of=winback_as_of, convention="lifetimes")
    lapsed_lt = june_lt["recency"] >= winback_days
    return {
        "one_off_count": one_off.sum(), "one_off_percent": 100 * one_off.mean(),
        "one_off_share_lifetimes": (rfm_table(cdnow, convention="lifetimes")["frequency"] == 0).mean(),
        "one_off_share_dedup": (rfm_table(cdnow.drop_duplicates())["frequency"] == 1).mean(),
        "one_off_per_row": one_off.sum() / len(cdnow), "repeat_share": (~one_off).mean(),
        "champions_percent": 100 * champions / total, "champions_revenue": champions,
        "champions_loyal_share": (champions + revenue["loyal"]) / total, "loyal_share": revenue["loyal"] / total,
        "champions_mean_ratio": segments.loc[segments["segment"] == "champions", "monetary"].mean()
        / segments["monetary"].mean(),
        "winback_one_off_too": len(lapsed_customers(june, winback_days, 1)),
        "winback_no_as_of": len(lapsed_customers(rfm_table(tx), winback_days, winback_min_purchases)),
        "winback_strict": ((june["recency"] > winback_days) & (june["frequency"] >= winback_min_purchases)).sum(),
        "winback_ninety": len(lapsed_customers(june, 90, winback_min_purchases)),
        "winback_loyal": len(loyal_customers(june)),
        "winback_lifetimes": (lapsed_lt & (june_lt["frequency"] >= 1)).sum(),
        "winback_lifetimes_f2": (lapsed_lt & (june_lt["frequency"] >= 2)).sum(), "winback_customers": len(june),
    }
