"""Campaign selections built on RFM: loyalty, relationship and customer recovery.

:mod:`course_lib.analysis.rfm` turns a transaction log into recency, frequency and
monetary value per customer, scores and named segments. This module turns
that table into the three audiences a marketer actually mails, each a kind
of micromarketing (StudySmarter, *Micromarketing*):

* **loyalty** -- frequent buyers who bought recently
  (:func:`course_lib.analysis.rfm.loyal_customers`);
* **relationship** -- recent buyers with only one or two purchases so far,
  to nurture into regulars (:func:`relationship_customers`);
* **recovery** -- former repeat buyers who have lapsed, for a win-back
  message (:func:`course_lib.analysis.rfm.lapsed_customers`);
* **none** -- everyone else gets no tailored campaign.

The message, offer, channel and success measure of each selection are data
(``data/content/rfm_selections.yaml``, read by :func:`load_selections`).
:func:`segment_summary`, :func:`plot_rfm_grid` and :func:`plot_segment_value`
describe the named RFM segments; :func:`explore_selections` is a small
widget that shows how the selections move with the observation date and the
lapsed threshold.

All functions expect the *standard* RFM convention of
:func:`course_lib.analysis.rfm.rfm_table` (recency = days since the last purchase).

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.rfm_selections import campaign_selections
>>> rfm = pd.DataFrame({"recency": [5, 10, 300, 200], "frequency": [6, 1, 4, 1],
...                     "monetary": [300.0, 20.0, 150.0, 15.0]},
...                    index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
>>> campaign_selections(rfm)["customers"].to_dict()
{'loyalty': 1, 'relationship': 1, 'recovery': 1, 'none': 1}
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.rfm import (
    SEGMENT_RULES,
    SegmentRule,
    lapsed_customers,
    loyal_customers,
    relationship_customers,
    rfm_table,
)
from course_lib.base.validation import (
    require_choice,
    require_columns,
    require_dataframe,
    require_no_missing,
    require_non_negative,
    require_number,
    require_positive_int,
)

__all__ = [
    "SELECTIONS_PATH",
    "SELECTION_ORDER",
    "Selection",
    "load_selections",
    "relationship_customers",
    "assign_selections",
    "campaign_selections",
    "segment_summary",
    "plot_rfm_grid",
    "plot_segment_value",
    "plot_selections",
    "month_ends",
    "explore_selections",
]

#: Where the messages of the selections are kept.
SELECTIONS_PATH: Path = paths.DATA_DIR / "content" / "rfm_selections.yaml"
#: The selections, in the order tables and charts show them.
SELECTION_ORDER: tuple[str, ...] = ("loyalty", "relationship", "recovery", "none")
_FIELDS = ("name", "micromarketing_type", "who", "goal", "message", "offer", "channel", "measure")


@dataclass(frozen=True)
class Selection:
    """One campaign selection and what it would be sent (see ``data/content/rfm_selections.yaml``)."""

    key: str
    name: str
    micromarketing_type: str
    who: str
    goal: str
    message: str
    offer: str
    channel: str
    measure: str


def load_selections(path: str | Path | None = None) -> dict[str, Selection]:
    """Read the selections' descriptions and messages.

    Parameters
    ----------
    path : path-like, optional
        A YAML file with a ``selections`` mapping; default
        :data:`SELECTIONS_PATH`.

    Returns
    -------
    dict of str to Selection
        Keyed ``loyalty``, ``relationship``, ``recovery``, ``none`` (in that order).

    Raises
    ------
    FileNotFoundError, ValueError
        A missing file, or a file without every selection and field.

    Examples
    --------
    >>> sel = load_selections()
    >>> list(sel)
    ['loyalty', 'relationship', 'recovery', 'none']
    >>> sel["recovery"].micromarketing_type
    'customer recovery micromarketing'
    """
    path = SELECTIONS_PATH if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"the selections file {path} is missing (restore it from git).")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    table = raw.get("selections") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise ValueError(f"{path.name} must hold a 'selections' mapping.")
    out: dict[str, Selection] = {}
    for key in SELECTION_ORDER:
        entry = table.get(key)
        if not isinstance(entry, dict):
            raise ValueError(f"{path.name} has no selection {key!r} (expected {', '.join(SELECTION_ORDER)}).")
        missing = [f for f in _FIELDS if not isinstance(entry.get(f), str) or not entry[f].strip()]
        if missing:
            raise ValueError(f"{path.name}: selection {key!r} lacks the text field(s) {', '.join(missing)}.")
        out[key] = Selection(key=key, **{f: " ".join(entry[f].split()) for f in _FIELDS})
    return out


def assign_selections(
    rfm: pd.DataFrame,
    active_days: float = 90,
    lapsed_days: float = 180,
    loyal_min_frequency: int = 3,
    lapsed_min_frequency: int = 2,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.Series:
    """Put every customer in exactly one selection.

    * ``loyalty``: at least ``loyal_min_frequency`` purchases, the last one
      at most ``active_days`` ago (:func:`course_lib.analysis.rfm.loyal_customers`);
    * ``relationship``: fewer purchases than that, also within
      ``active_days`` (:func:`relationship_customers`);
    * ``recovery``: at least ``lapsed_min_frequency`` purchases and none for
      ``lapsed_days`` or more (:func:`course_lib.analysis.rfm.lapsed_customers`);
    * ``none``: everyone else.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`course_lib.analysis.rfm.rfm_table` (standard convention).
    active_days : float
        A customer who bought within this many days counts as active.
    lapsed_days : float
        A customer with no purchase for this many days counts as lapsed;
        must be larger than ``active_days`` so the selections do not overlap.
    loyal_min_frequency : int
        Purchases needed to count as loyal (at least 2).
    lapsed_min_frequency : int
        Purchases a lapsed customer needs to be worth winning back (1 also
        mails one-off buyers).
    recency, frequency, monetary : str
        Column names.

    Returns
    -------
    Series
        Ordered categorical named ``selection``, indexed like ``rfm``.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 10, 300, 120], "frequency": [6, 1, 4, 9],
    ...                     "monetary": [300.0, 20.0, 150.0, 90.0]})
    >>> assign_selections(rfm).tolist()
    ['loyalty', 'relationship', 'recovery', 'none']
    """
    active_days = require_number(active_days, "active_days", minimum=0)
    lapsed_days = require_number(lapsed_days, "lapsed_days", minimum=0)
    if lapsed_days <= active_days:
        raise ValueError(
            f"lapsed_days ({lapsed_days:g}) must be larger than active_days ({active_days:g}): "
            "a customer cannot be active and lapsed at the same time."
        )
    loyal_min_frequency = require_positive_int(loyal_min_frequency, "loyal_min_frequency", minimum=2)
    lapsed_min_frequency = require_positive_int(lapsed_min_frequency, "lapsed_min_frequency")
    cols = dict(recency=recency, frequency=frequency, monetary=monetary)
    loyal = loyal_customers(rfm, min_frequency=loyal_min_frequency, max_recency=active_days, **cols).index
    nurture = relationship_customers(rfm, max_frequency=loyal_min_frequency - 1, max_recency=active_days, **cols).index
    lapsed = lapsed_customers(rfm, min_recency=lapsed_days, min_frequency=lapsed_min_frequency, **cols).index
    if rfm.index.has_duplicates:
        raise ValueError("rfm has duplicate index labels; expected one row per customer (use rfm_table).")
    labels = pd.Series("none", index=rfm.index, name="selection", dtype=object)
    labels[rfm.index.isin(loyal)] = "loyalty"
    labels[rfm.index.isin(nurture)] = "relationship"
    labels[rfm.index.isin(lapsed)] = "recovery"
    return labels.astype(pd.CategoricalDtype(list(SELECTION_ORDER), ordered=True))


def campaign_selections(
    rfm: pd.DataFrame,
    active_days: float = 90,
    lapsed_days: float = 180,
    loyal_min_frequency: int = 3,
    lapsed_min_frequency: int = 2,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Size and value of each selection, with the message it would get.

    Parameters are those of :func:`assign_selections`.

    Returns
    -------
    DataFrame
        Indexed by ``selection`` (``loyalty``, ``relationship``, ``recovery``,
        ``none``), with ``customers``, ``share_of_customers`` (0-1),
        ``past_revenue`` (sum of ``monetary``), ``share_of_revenue`` (0-1),
        ``revenue_per_customer``, ``micromarketing_type`` and ``message``.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 10, 300, 120], "frequency": [6, 1, 4, 9],
    ...                     "monetary": [300.0, 20.0, 150.0, 30.0]})
    >>> campaign_selections(rfm)["share_of_revenue"].round(2).tolist()
    [0.6, 0.04, 0.3, 0.06]
    """
    labels = assign_selections(rfm, active_days, lapsed_days, loyal_min_frequency, lapsed_min_frequency,
                               recency=recency, frequency=frequency, monetary=monetary)
    spend = rfm[monetary].to_numpy(dtype=float)
    grouped = pd.DataFrame({"selection": labels.to_numpy(), "spend": spend}).groupby(
        "selection", observed=False)["spend"]
    table = pd.DataFrame({"customers": grouped.size(), "past_revenue": grouped.sum()})
    table.index = pd.Index([str(k) for k in table.index], name="selection")
    table = table.reindex(list(SELECTION_ORDER)).fillna(0.0)
    table["customers"] = table["customers"].astype(np.int64)
    total_revenue = float(table["past_revenue"].sum())
    table["share_of_customers"] = table["customers"] / len(rfm)
    table["share_of_revenue"] = table["past_revenue"] / total_revenue if total_revenue > 0 else 0.0
    table["revenue_per_customer"] = table["past_revenue"] / table["customers"].where(table["customers"] > 0)
    texts = load_selections()
    table["micromarketing_type"] = [texts[k].micromarketing_type for k in table.index]
    table["message"] = [texts[k].message for k in table.index]
    return table[["customers", "share_of_customers", "past_revenue", "share_of_revenue",
                  "revenue_per_customer", "micromarketing_type", "message"]]


def _rule_order(rules: Sequence[SegmentRule]) -> list[str]:
    return [rule.name for rule in rules]


def segment_summary(
    segmented: pd.DataFrame,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
    rules: Sequence[SegmentRule] = SEGMENT_RULES,
) -> pd.DataFrame:
    """One row per RFM segment: how many customers, how much they spent, what to do.

    Parameters
    ----------
    segmented : DataFrame
        Output of :func:`course_lib.analysis.rfm.rfm_segments` (needs ``segment``).
    recency, frequency, monetary : str
        Column names.
    rules : sequence of SegmentRule
        The segment map used (for the row order and the actions); default
        :data:`course_lib.analysis.rfm.SEGMENT_RULES`.

    Returns
    -------
    DataFrame
        Indexed by ``segment`` in the order of ``rules`` (empty segments
        kept with 0 customers): ``customers``, ``share_of_customers``,
        ``revenue``, ``share_of_revenue``, ``avg_recency``,
        ``avg_frequency``, ``avg_monetary``, ``action``.

    Examples
    --------
    >>> import pandas as pd
    >>> from course_lib.analysis.rfm import rfm_segments
    >>> rfm = pd.DataFrame({"recency": [1, 2, 400, 500, 30], "frequency": [20, 15, 1, 1, 4],
    ...                     "monetary": [900.0, 700.0, 15.0, 10.0, 60.0]})
    >>> segment_summary(rfm_segments(rfm)).loc["champions", "customers"]
    np.int64(1)
    """
    require_dataframe(segmented, "segmented")
    if "segment" not in segmented.columns:
        raise ValueError("segmented has no 'segment' column; pass the output of rfm_segments(...).")
    require_no_missing(segmented, [recency, frequency, monetary, "segment"], "segmented")
    require_non_negative(segmented, [recency, frequency, monetary], "segmented")
    order = _rule_order(rules)
    unknown = sorted(set(segmented["segment"].astype(str)) - set(order))
    if unknown:
        raise ValueError(f"segmented has segments {unknown} that are not in rules ({', '.join(order)}).")
    g = segmented.groupby(segmented["segment"].astype(str))
    table = pd.DataFrame({
        "customers": g.size(),
        "revenue": g[monetary].sum(),
        "avg_recency": g[recency].mean(),
        "avg_frequency": g[frequency].mean(),
        "avg_monetary": g[monetary].mean(),
    }).reindex(order)
    table.index.name = "segment"
    table["customers"] = table["customers"].fillna(0).astype(np.int64)
    table["revenue"] = table["revenue"].fillna(0.0)
    total = float(table["revenue"].sum())
    table["share_of_customers"] = table["customers"] / len(segmented)
    table["share_of_revenue"] = table["revenue"] / total if total > 0 else 0.0
    table["action"] = [rule.action for rule in rules]
    return table[["customers", "share_of_customers", "revenue", "share_of_revenue",
                  "avg_recency", "avg_frequency", "avg_monetary", "action"]]


def plot_rfm_grid(
    segmented: pd.DataFrame,
    value: str = "customers",
    monetary: str = "monetary",
    rules: Sequence[SegmentRule] = SEGMENT_RULES,
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Draw the R-score by F-score grid, shaded by customers or revenue, with the segment map on top.

    Parameters
    ----------
    segmented : DataFrame
        Output of :func:`course_lib.analysis.rfm.rfm_segments` (needs ``r_score``,
        ``f_score`` and ``segment``).
    value : {"customers", "revenue"}
        What shades the cells: the number of customers or the sum of ``monetary``.
    monetary : str
        The spend column (for ``value="revenue"``).
    rules : sequence of SegmentRule
        The segment map whose blocks are outlined and labelled.
    title : str, optional
        Chart title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from course_lib.analysis.rfm import rfm_segments
    >>> rfm = pd.DataFrame({"recency": [1, 2, 400, 500, 30], "frequency": [20, 15, 1, 1, 4],
    ...                     "monetary": [900.0, 700.0, 15.0, 10.0, 60.0]})
    >>> ax = plot_rfm_grid(rfm_segments(rfm))
    >>> ax.get_xlabel()
    'F score (5 = buys most often)'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (keep importing the module fast)
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    require_dataframe(segmented, "segmented")
    require_choice(value, "value", ("customers", "revenue"))
    require_columns(segmented, ["r_score", "f_score", "segment"], "segmented")
    cols = ["r_score", "f_score"] + ([monetary] if value == "revenue" else [])
    require_no_missing(segmented, cols, "segmented")
    r = segmented["r_score"].to_numpy(dtype=np.int64)
    f = segmented["f_score"].to_numpy(dtype=np.int64)
    if r.min() < 1 or r.max() > 5 or f.min() < 1 or f.max() > 5:
        raise ValueError("r_score and f_score must be quintile scores from 1 to 5 (use rfm_segments).")
    weights = segmented[monetary].to_numpy(dtype=float) if value == "revenue" else np.ones(len(r))
    grid = np.zeros((5, 5))
    np.add.at(grid, (r - 1, f - 1), weights)
    share = grid / grid.sum() if grid.sum() > 0 else grid
    if ax is None:
        _, ax = plt.subplots(figsize=(8.5, 6))
    image = ax.imshow(share, origin="lower", cmap="Blues", extent=(0.5, 5.5, 0.5, 5.5), vmin=0)
    ax.figure.colorbar(image, ax=ax, label=f"share of all {value}", format="{x:.0%}")
    for rule in rules:
        (r0, r1), (f0, f1) = rule.r_scores, rule.f_scores
        ax.add_patch(Rectangle((f0 - 0.5, r0 - 0.5), f1 - f0 + 1, r1 - r0 + 1, fill=False,
                               edgecolor="black", linewidth=1.5))
        block = share[r0 - 1:r1, f0 - 1:f1].sum()
        label = textwrap.fill(rule.name, 11) + f"\n{block:.1%}"
        ax.text((f0 + f1) / 2, (r0 + r1) / 2, label, ha="center", va="center", fontsize=8.5,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "linewidth": 0})
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("F score (5 = buys most often)")
    ax.set_ylabel("R score (5 = bought most recently)")
    ax.set_title(title or f"RFM segment map: share of {value} in each block")
    return ax


def _pct(x: float) -> str:
    """A share as a percentage: whole percents, one decimal below 1% (so 0.2% does not read as 0%)."""
    return f"{x:.0%}" if x == 0 or x >= 0.01 else f"{x:.1%}"


def plot_segment_value(summary: pd.DataFrame, title: str | None = None, ax: Any = None) -> Any:
    """Bar chart comparing each segment's share of customers with its share of revenue.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`segment_summary` (or :func:`campaign_selections`):
        needs ``share_of_customers`` and ``share_of_revenue``, labels in the index.
    title : str, optional
        Chart title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"share_of_customers": [0.2, 0.8], "share_of_revenue": [0.6, 0.4]},
    ...                  index=pd.Index(["champions", "lost"], name="segment"))
    >>> plot_segment_value(s).get_xlabel()
    'share of the total'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(summary, "summary")
    cols = ["share_of_customers", "share_of_revenue"]
    require_no_missing(summary, cols, "summary")
    require_non_negative(summary, cols, "summary")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(summary) + 1.5))
    y = np.arange(len(summary))
    h = 0.4
    ax.barh(y - h / 2, summary["share_of_customers"], height=h, color="#9ecae1", label="share of customers")
    ax.barh(y + h / 2, summary["share_of_revenue"], height=h, color="#08519c", label="share of revenue")
    for yi, (c, v) in enumerate(zip(summary["share_of_customers"], summary["share_of_revenue"], strict=True)):
        ax.text(c, yi - h / 2, " " + _pct(c), va="center", fontsize=8)
        ax.text(v, yi + h / 2, " " + _pct(v), va="center", fontsize=8)
    ax.set_yticks(y, labels=[str(i) for i in summary.index])
    ax.invert_yaxis()
    top = float(summary[cols].to_numpy().max()) if len(summary) else 1.0
    ax.set_xlim(0, max(top * 1.15, 0.05))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_xlabel("share of the total")
    ax.set_ylabel(summary.index.name or "")
    ax.legend(loc="lower right")
    ax.set_title(title or "Who holds the value: share of customers vs share of revenue")
    return ax


def plot_selections(table: pd.DataFrame, title: str | None = None, ax: Any = None) -> Any:
    """Bar chart of the campaign selections' sizes, labelled with their share of past revenue.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`campaign_selections`.
    title : str, optional
        Chart title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 10, 300, 120], "frequency": [6, 1, 4, 9],
    ...                     "monetary": [300.0, 20.0, 150.0, 30.0]})
    >>> plot_selections(campaign_selections(rfm)).get_ylabel()
    'customers'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(table, "table")
    require_no_missing(table, ["customers", "share_of_revenue"], "table")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    colors = {"loyalty": "#08519c", "relationship": "#4292c6", "recovery": "#ef6548", "none": "#bdbdbd"}
    labels = [str(i) for i in table.index]
    bars = ax.bar(labels, table["customers"], color=[colors.get(k, "#969696") for k in labels])
    for bar, n, rev in zip(bars, table["customers"], table["share_of_revenue"], strict=True):
        ax.annotate(f"{n:,}\n({_pct(rev)} of revenue)", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8.5)
    ax.set_ylim(0, max(float(table["customers"].max()), 1.0) * 1.25)
    ax.set_xlabel("campaign selection")
    ax.set_ylabel("customers")
    ax.set_title(title or "Who gets which message")
    return ax


def month_ends(dates: pd.Series, min_history_days: int = 90) -> list[pd.Timestamp]:
    """Month-end dates that make sensible observation dates (``as_of``) for a transaction log.

    Parameters
    ----------
    dates : Series of datetimes
        The purchase dates.
    min_history_days : int
        Leave out month ends less than this many days after the first purchase.

    Returns
    -------
    list of Timestamp
        Month ends from the first sensible one up to the last purchase day
        (which is added at the end when it is not a month end).

    Examples
    --------
    >>> import pandas as pd
    >>> month_ends(pd.Series(pd.to_datetime(["2024-01-01", "2024-06-15"])), 60)[0]
    Timestamp('2024-03-31 00:00:00')
    """
    if not isinstance(dates, pd.Series) or not pd.api.types.is_datetime64_any_dtype(dates):
        raise TypeError("dates must be a pandas Series of datetimes (e.g. transactions['date']).")
    min_history_days = require_positive_int(min_history_days, "min_history_days", minimum=0)
    if dates.isna().all():
        raise ValueError("dates holds no dates.")
    first, last = dates.min().normalize(), dates.max().normalize()
    ends = list(pd.date_range(first + pd.Timedelta(days=min_history_days), last, freq="ME"))
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


def explore_selections(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    active_days: float = 90,
    lapsed_days: tuple[int, int, int] = (120, 450, 30),
    default_lapsed: int = 180,
    currency: str = "",
) -> Any:
    """A small widget: pick the observation date and the lapsed threshold, see the selections change.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase (as for :func:`course_lib.analysis.rfm.rfm_table`).
    customer, date, amount : str
        Column names.
    active_days : float
        Fixed "bought recently" window for loyalty and relationship.
    lapsed_days : (min, max, step)
        Range of the lapsed-threshold slider, in days (min must exceed ``active_days``).
    default_lapsed : int
        The slider's starting value.
    currency : str
        Symbol shown before revenue figures (e.g. ``"$"``).

    Returns
    -------
    ipywidgets.VBox
        Sliders on top, the selection table and chart below (drawn into an
        ``Output`` widget, so a notebook cell showing it should carry the
        ``nbval-ignore-output`` tag).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-06-01",
    ...                    "2024-02-01"]), "amount": [10.0, 20.0, 5.0]})
    >>> w = explore_selections(tx, lapsed_days=(100, 200, 10), default_lapsed=120)  # doctest: +SKIP
    >>> [c.description for c in w.children[0].children]  # doctest: +SKIP
    ['as of', 'lapsed after (days)']
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    require_dataframe(transactions, "transactions")
    require_columns(transactions, [customer, date, amount], "transactions")
    if not isinstance(lapsed_days, (tuple, list)) or len(lapsed_days) != 3:
        raise TypeError("lapsed_days must be a (min, max, step) tuple of days, e.g. (120, 450, 30).")
    lo, hi, step = (require_positive_int(v, f"lapsed_days[{i}]") for i, v in enumerate(lapsed_days))
    active_days = require_number(active_days, "active_days", minimum=0)
    if lo <= active_days or hi < lo:
        raise ValueError(f"lapsed_days must run from above active_days ({active_days:g}) upwards, got {lapsed_days}.")
    default_lapsed = require_positive_int(default_lapsed, "default_lapsed")
    if not lo <= default_lapsed <= hi:
        raise ValueError(f"default_lapsed ({default_lapsed}) must lie within lapsed_days {lapsed_days}.")
    dates = pd.to_datetime(transactions[date])
    options = [(d.strftime("%Y-%m-%d"), d) for d in month_ends(dates)]
    as_of = widgets.SelectionSlider(options=options, value=options[-1][1], description="as of",
                                    continuous_update=False, layout=widgets.Layout(width="480px"))
    lapsed = widgets.IntSlider(value=default_lapsed, min=lo, max=hi, step=step, description="lapsed after (days)",
                               continuous_update=False, style={"description_width": "initial"})
    out = widgets.Output()
    cache: dict[pd.Timestamp, pd.DataFrame] = {}

    def redraw(*_: Any) -> None:
        day = as_of.value
        if day not in cache:
            cache[day] = rfm_table(transactions, customer, date, amount, as_of=day)
        table = campaign_selections(cache[day], active_days=active_days, lapsed_days=lapsed.value)
        with out:
            out.clear_output(wait=True)
            view = table[["customers", "share_of_customers", "past_revenue", "share_of_revenue", "message"]]
            display(view.style.set_uuid("mm-selections").format({"customers": "{:,}", "share_of_customers": "{:.1%}",
                                       "past_revenue": currency + "{:,.0f}", "share_of_revenue": "{:.1%}"}))
            plot_selections(table, title=f"Selections as of {day:%Y-%m-%d}, lapsed after {lapsed.value} days")
            plt.show()

    as_of.observe(redraw, names="value")
    lapsed.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([as_of, lapsed]), out])
