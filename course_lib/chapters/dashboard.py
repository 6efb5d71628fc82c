"""The response-analysis dashboard: campaign metrics and engagement per segment, side by side.

Response analysis compares micro-segments on the same metrics to see which
groups respond, which cost too much and where to move budget. This module
turns campaign rows into that comparison:

* :func:`response_table` -- :func:`course_lib.analysis.metrics.campaign_report` per
  segment (or per segment and channel), plus the share of the segment reached
  and, optionally, engagement from the clickstream;
* :func:`segment_engagement` -- engagement quality per segment from the
  web/app events of a date window: visit rate, sessions per visitor, repeat
  visitors, product views and minutes per session;
* :func:`plot_dashboard` -- a small multi-panel figure, one panel per metric;
* :func:`dashboard_explorer` -- the same as a widget where you pick the metric
  and the segments.

:data:`METRICS` says, for each metric, its label, how to format it and
whether higher or lower is better.

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.dashboard import response_table
>>> rows = pd.DataFrame({"segment": ["a", "b"], "audience_size": [100, 50], "impressions": [200, 100],
...                      "reach": [80, 50], "clicks": [10, 2], "conversions": [2, 1],
...                      "spend": [40.0, 20.0], "revenue": [200.0, 50.0]})
>>> response_table(rows)[["reach_rate", "ctr", "roas"]]
         reach_rate   ctr  roas
segment                        
a               0.8  0.05   5.0
b               1.0  0.02   2.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.metrics import campaign_report, reach_rate
from course_lib.analysis.segmentation import rule_mask
from course_lib.base.validation import require_columns, require_dataframe, require_datetime

__all__ = ["MetricSpec", "METRICS", "DEFAULT_PANELS", "segment_engagement", "response_table", "format_metric",
           "plot_dashboard", "DashboardExplorer", "dashboard_explorer"]


@dataclass(frozen=True)
class MetricSpec:
    """How to show one metric on the dashboard.

    Attributes
    ----------
    label : str
        Axis label.
    kind : {"count", "share", "money", "ratio", "number"}
        Formatting: a count of people, a share shown as %, rupees, a ratio
        (x.xx) or a plain number.
    better : {"higher", "lower"}
        Which direction is good (shown in the panel title).
    short : str
        Short name for the panel title.
    """

    label: str
    kind: str
    better: str
    short: str = ""


#: The metrics the dashboard knows.
METRICS: dict[str, MetricSpec] = {
    "reach": MetricSpec("people reached", "count", "higher", "reach"),
    "reach_rate": MetricSpec("share of the segment reached", "share", "higher", "reach rate"),
    "ctr": MetricSpec("click-through rate (clicks / impressions)", "share", "higher", "CTR"),
    "conversion_rate": MetricSpec("conversion rate (conversions / clicks)", "share", "higher", "conversion rate"),
    "cpa": MetricSpec("cost per acquisition, Rs (spend / conversions)", "money", "lower", "CPA"),
    "roas": MetricSpec("ROAS (revenue / spend)", "ratio", "higher", "ROAS"),
    "cpm": MetricSpec("cost per 1,000 impressions, Rs", "money", "lower", "CPM"),
    "frequency": MetricSpec("impressions per person reached", "ratio", "lower", "frequency"),
    "spend": MetricSpec("spend, Rs", "money", "lower", "spend"),
    "revenue": MetricSpec("revenue, Rs", "money", "higher", "revenue"),
    "conversions": MetricSpec("conversions (people who bought)", "count", "higher", "conversions"),
    "visit_rate": MetricSpec("engagement: share of the segment who visited", "share", "higher", "visit rate"),
    "sessions_per_visitor": MetricSpec("engagement: visits per visitor", "ratio", "higher", "visits per visitor"),
    "repeat_visitor_share": MetricSpec("engagement: share of visitors who came back", "share", "higher", "repeat visitors"),
    "views_per_session": MetricSpec("engagement: product views per visit", "ratio", "higher", "views per visit"),
    "minutes_per_session": MetricSpec("engagement: minutes per visit", "ratio", "higher", "minutes per visit"),
    "purchase_session_share": MetricSpec("engagement: share of visits ending in a purchase", "share", "higher", "visits with a purchase"),
}

#: The six panels of the default dashboard.
DEFAULT_PANELS: tuple[str, ...] = ("reach", "ctr", "conversion_rate", "cpa", "roas", "visit_rate")


def format_metric(metric: str, value: float) -> str:
    """Format one value the way the dashboard labels it.

    >>> format_metric("ctr", 0.0234), format_metric("cpa", 412.5), format_metric("roas", 4.0)
    ('2.3%', 'Rs 412', '4.00')
    """
    spec = _spec(metric)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if spec.kind == "share":
        return f"{value:.1%}"
    if spec.kind == "money":
        return f"Rs {value:,.0f}"
    if spec.kind == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _spec(metric: Any) -> MetricSpec:
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a metric name (str), got {type(metric).__name__}.")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}.")
    return METRICS[metric]


# --------------------------------------------------------------------------- tables


def segment_engagement(
    events: pd.DataFrame,
    customers: pd.DataFrame,
    segments: Mapping[str, Any],
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Engagement quality per segment from the web/app clickstream.

    Parameters
    ----------
    events : DataFrame
        ``customer_id``, ``session_id``, ``timestamp``, ``event``
        (:func:`course_lib.market.datasets.load_events`).
    customers : DataFrame
        The table the segment rules select from (with ``customer_id``).
    segments : dict
        Segment name -> rule (query string, dict, or ``None`` for everyone).
    start, end : date-like, optional
        Keep events with ``start <= timestamp < end + 1 day`` (both days
        included), e.g. the flight dates of a campaign.

    Returns
    -------
    DataFrame
        Indexed by segment: ``members``, ``visitors`` (members with at least
        one visit), ``visit_rate`` (visitors / members), ``sessions_per_visitor``,
        ``repeat_visitor_share`` (visitors with two or more visits),
        ``views_per_session`` (product views), ``minutes_per_session`` (first to
        last event of a visit) and ``purchase_session_share``. Rates are NaN for a
        segment nobody visited (0 for ``visit_rate``).

    Notes
    -----
    This measures how engaged the *people of a segment* were in the window,
    whatever brought them. Without tagged links the clickstream cannot say
    which visits the campaign caused.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "session_id": ["S1", "S1", "S2", "S3"],
    ...     "timestamp": pd.to_datetime(["2025-10-01 10:00", "2025-10-01 10:04", "2025-10-02 09:00",
    ...                                  "2025-10-03 12:00"]),
    ...     "event": ["page_view", "product_view", "page_view", "page_view"]})
    >>> people = pd.DataFrame({"customer_id": ["a", "b", "c"], "age": [20, 30, 40]})
    >>> segment_engagement(ev, people, {"under 35": "age < 35", "all": None})[["visitors", "visit_rate"]]
              visitors  visit_rate
    segment                       
    under 35         2    1.000000
    all              2    0.666667
    """
    require_dataframe(events, "events")
    require_columns(events, ["customer_id", "session_id", "timestamp", "event"], "events")
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    if not isinstance(segments, Mapping) or not segments:
        raise TypeError("segments must be a non-empty dict of segment name -> rule.")
    stamps = require_datetime(events, "timestamp", "events")
    keep = np.ones(len(events), dtype=bool)
    if start is not None:
        keep &= (stamps >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (stamps < pd.Timestamp(end) + pd.Timedelta(days=1)).to_numpy()
    window = events.loc[keep, ["customer_id", "session_id", "event"]].assign(timestamp=stamps[keep])
    event = window["event"].astype(str)
    window = window.assign(view=(event == "product_view").to_numpy(), bought=(event == "purchase").to_numpy())
    sessions = window.groupby("session_id", observed=True, sort=False).agg(
        customer_id=("customer_id", "first"), first=("timestamp", "min"), last=("timestamp", "max"),
        views=("view", "sum"), bought=("bought", "any"))
    sessions["minutes"] = (sessions["last"] - sessions["first"]).dt.total_seconds() / 60
    sessions["customer_id"] = sessions["customer_id"].astype(str)
    ids = customers["customer_id"].astype(str)
    rows = {}
    for name, rule in segments.items():
        mask = rule_mask(customers, rule, f"rule of segment {name!r}").to_numpy(dtype=bool)
        members = set(ids[mask])
        own = sessions[sessions["customer_id"].isin(members)]
        per_visitor = own.groupby("customer_id").size()
        visitors = len(per_visitor)
        n = len(own)
        rows[name] = {
            "members": int(mask.sum()),
            "visitors": visitors,
            "visit_rate": visitors / mask.sum() if mask.sum() else np.nan,
            "sessions_per_visitor": n / visitors if visitors else np.nan,
            "repeat_visitor_share": float((per_visitor >= 2).mean()) if visitors else np.nan,
            "views_per_session": float(own["views"].mean()) if n else np.nan,
            "minutes_per_session": float(own["minutes"].mean()) if n else np.nan,
            "purchase_session_share": float(own["bought"].mean()) if n else np.nan,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


def response_table(
    data: pd.DataFrame,
    by: str | Sequence[str] = "segment",
    engagement: pd.DataFrame | None = None,
    audience: str | None = "audience_size",
) -> pd.DataFrame:
    """Campaign metrics per segment (one row per group), ready for the dashboard.

    Parameters
    ----------
    data : DataFrame
        Campaign rows with ``impressions``, ``clicks``, ``conversions``,
        ``spend``, ``revenue`` and ``reach`` (the campaign log has them).
    by : str or list of str
        Grouping columns; the row label joins their values with ``" / "``
        (e.g. ``"All customers / sms"`` for ``["segment", "channel"]``).
        ``[]`` gives one row labelled ``"total"`` (a benchmark).
    engagement : DataFrame, optional
        From :func:`segment_engagement`, joined on the ``segment`` column.
    audience : str or None
        Column with the segment size; adds ``reach_rate`` = reach / size.
        A group of several rows uses the largest size (the rows share one
        audience); reach summed over rows counts people reached by two rows
        twice, and the ``note`` column says so.

    Returns
    -------
    DataFrame
        The columns of :func:`course_lib.analysis.metrics.campaign_report`, plus
        ``reach_rate``, ``lines`` (rows pooled) and the engagement columns.

    Examples
    --------
    See the module docstring.
    """
    require_dataframe(data, "data")
    groups = [by] if isinstance(by, str) else list(by)
    report = campaign_report(data, by=groups, reach="reach")
    label_of = (report[groups].astype(str).agg(" / ".join, axis=1) if groups
                else pd.Series(["total"], index=report.index))
    lines = data.groupby(groups, observed=True, sort=True).size().to_numpy() if groups else np.array([len(data)])
    report.insert(len(groups), "lines", lines)
    if audience is not None:
        require_columns(data, [audience], "data")
        size = (data.groupby(groups, observed=True, sort=True)[audience].max().to_numpy() if groups
                else np.array([data[audience].max()]))
        report.insert(report.columns.get_loc("reach") + 1, "reach_rate", reach_rate(report["reach"], size))
        twice = report["lines"] > 1
        extra = np.where(twice, "reach summed over lines (people reached by two lines counted twice)", "")
        report["note"] = [("; ".join(x for x in (a, b) if x)) for a, b in zip(report["note"], extra, strict=True)]
    if engagement is not None:
        if "segment" not in groups:
            raise ValueError("engagement is joined on the segment: include 'segment' in by.")
        require_dataframe(engagement, "engagement")
        missing = sorted(set(report["segment"].astype(str)) - set(engagement.index.astype(str)))
        if missing:
            raise ValueError(f"engagement has no row for the segment(s) {missing}.")
        eng = engagement.copy()
        eng.index = eng.index.astype(str)
        cols = [c for c in eng.columns if c not in report.columns]
        joined = eng.loc[report["segment"].astype(str), cols].reset_index(drop=True)
        report = pd.concat([report.drop(columns="note"), joined, report[["note"]]], axis=1)
    report.index = pd.Index(label_of.to_numpy(), name="segment" if groups == ["segment"] else "line")
    return report.drop(columns=groups)


# --------------------------------------------------------------------------- figures


def _check_table(table: Any, metrics: Sequence[str]) -> pd.DataFrame:
    require_dataframe(table, "table")
    for m in metrics:
        _spec(m)
    require_columns(table, list(metrics), "table")
    return table


def _panel(ax: Any, table: pd.DataFrame, metric: str, benchmark: Any, highlight: Sequence[str]) -> None:
    spec = METRICS[metric]
    values = table[metric].astype(float)
    labels = [str(i) for i in table.index]
    colours = ["tab:orange" if lab in highlight else "tab:blue" for lab in labels]
    y = np.arange(len(labels))
    ax.barh(y, values.fillna(0).to_numpy(), color=colours)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    top = np.nanmax(values.to_numpy()) if values.notna().any() else 1.0
    for yi, v in zip(y, values, strict=True):
        ax.text((0 if np.isnan(v) else v) + 0.01 * top, yi, format_metric(metric, v), va="center", fontsize=8)
    if spec.kind == "count":
        benchmark = None  # a pooled count is a total, not comparable with one segment
    if benchmark is not None and not np.isnan(benchmark):
        ax.axvline(benchmark, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.25 * max(top, benchmark if benchmark is not None and not np.isnan(benchmark) else 0))
    ax.set_xlabel(spec.label, fontsize=8)
    ax.set_title(f"{spec.short or metric} ({spec.better} is better)", fontsize=10)
    if spec.kind == "share":
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.tick_params(labelsize=8)


def plot_dashboard(
    table: pd.DataFrame,
    metrics: Sequence[str] = DEFAULT_PANELS,
    benchmark: Mapping[str, float] | pd.Series | None = None,
    highlight: Sequence[str] = (),
    title: str | None = None,
    ncols: int = 3,
) -> Any:
    """A small multi-panel dashboard: one horizontal bar chart per metric, one bar per row of ``table``.

    Parameters
    ----------
    table : DataFrame
        From :func:`response_table` (one row per segment or line).
    metrics : list of str
        Names in :data:`METRICS` (default :data:`DEFAULT_PANELS`).
    benchmark : dict or Series, optional
        Metric -> value drawn as a dashed line (e.g. the pooled total). Count
        metrics (reach, conversions) get no line: a total is not comparable
        with one segment.
    highlight : list of str
        Row labels drawn in orange.
    title : str, optional
        Figure title.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"ctr": [0.02, 0.03], "roas": [2.0, 5.0]}, index=["a", "b"])
    >>> fig = plot_dashboard(t, metrics=["ctr", "roas"], benchmark={"roas": 3.0})
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    metrics = list(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric.")
    _check_table(table, metrics)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a whole number >= 1, got {ncols!r}.")
    bench = dict(benchmark) if benchmark is not None else {}
    ncols = min(ncols, len(metrics))
    nrows = int(np.ceil(len(metrics) / ncols))
    height = 0.35 * len(table) + 1.3
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, height * nrows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        value = bench.get(metric)
        _panel(ax, table, metric, None if value is None else float(value), [str(h) for h in highlight])
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    for i, ax in enumerate(axes.flat):
        if i % ncols:
            ax.set_yticklabels([])
    if title:
        fig.suptitle(title + ("   (dashed line = benchmark)" if bench else ""))
    fig.tight_layout()
    return fig


class DashboardExplorer:
    """Pick a metric and the segments; the chart and a one-line reading update.

    Build it with :func:`dashboard_explorer`. :meth:`figure` and
    :meth:`reading` work without widgets; :attr:`widget` is the ipywidgets box.
    """

    def __init__(self, table: pd.DataFrame, metrics: Sequence[str] | None = None,
                 benchmark: Mapping[str, float] | pd.Series | None = None, metric: str = "roas") -> None:
        self.metrics = [m for m in (metrics or METRICS) if m in table.columns]
        if not self.metrics:
            raise ValueError("table has none of the dashboard metrics; build it with response_table().")
        self.table = _check_table(table, self.metrics)
        self.benchmark = dict(benchmark) if benchmark is not None else {}
        _spec(metric)
        if metric not in self.metrics:
            raise ValueError(f"metric {metric!r} is not in the table; choose from {', '.join(self.metrics)}.")
        self.metric = metric
        self.segments = [str(i) for i in table.index]
        self._widget: Any = None

    def _rows(self, segments: Sequence[str] | None) -> pd.DataFrame:
        chosen = self.segments if segments is None else [str(s) for s in segments]
        unknown = [s for s in chosen if s not in self.segments]
        if unknown:
            raise ValueError(f"unknown segment(s) {unknown}; choose from {self.segments}.")
        if not chosen:
            raise ValueError("choose at least one segment.")
        return self.table.loc[[i for i in self.table.index if str(i) in chosen]]

    def reading(self, metric: str | None = None, segments: Sequence[str] | None = None) -> str:
        """A sentence naming the best and worst of the chosen segments on the metric."""
        metric = metric or self.metric
        spec = _spec(metric)
        values = self._rows(segments)[metric].astype(float).dropna()
        if values.empty:
            return f"No segment has a defined {metric}."
        best = values.idxmin() if spec.better == "lower" else values.idxmax()
        worst = values.idxmax() if spec.better == "lower" else values.idxmin()
        text = (f"Best on {metric}: {best} ({format_metric(metric, values[best])}); "
                f"worst: {worst} ({format_metric(metric, values[worst])}).")
        bench = self.benchmark.get(metric)
        if bench is not None and not np.isnan(bench):
            text += f" Benchmark: {format_metric(metric, float(bench))}."
        return text

    def figure(self, metric: str | None = None, segments: Sequence[str] | None = None) -> Any:
        """The one-panel chart for a metric and a choice of segments."""
        import matplotlib.pyplot as plt  # noqa: PLC0415

        metric = metric or self.metric
        _spec(metric)
        if metric not in self.metrics:
            raise ValueError(f"metric {metric!r} is not in the table; choose from {', '.join(self.metrics)}.")
        rows = self._rows(segments)
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(rows) + 1.5))
        bench = self.benchmark.get(metric)
        _panel(ax, rows, metric, None if bench is None else float(bench), [])
        fig.tight_layout()
        return fig

    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w  # noqa: PLC0415
        import matplotlib.pyplot as plt  # noqa: PLC0415

        metric = w.Dropdown(options=self.metrics, value=self.metric, description="metric")
        chosen = w.SelectMultiple(options=self.segments, value=tuple(self.segments), description="segments",
                                  rows=min(len(self.segments), 8), layout=w.Layout(width="420px"))
        out = w.Output()

        def redraw(_: Any = None) -> None:
            self.metric = metric.value
            with out:
                out.clear_output(wait=True)
                if not chosen.value:
                    print("Choose at least one segment (Ctrl/Cmd-click to select several).")
                    return
                print(self.reading(metric.value, chosen.value))
                self.figure(metric.value, chosen.value)
                plt.show()

        metric.observe(redraw, names="value")
        chosen.observe(redraw, names="value")
        redraw()
        return w.VBox([w.HBox([metric, chosen]), out])

    def _ipython_display_(self) -> None:
        from IPython.display import display  # noqa: PLC0415

        display(self.widget)


def dashboard_explorer(table: pd.DataFrame, benchmark: Mapping[str, float] | pd.Series | None = None,
                       metric: str = "roas", metrics: Sequence[str] | None = None) -> DashboardExplorer:
    """An interactive response dashboard: choose the metric and the segments to compare.

    Parameters
    ----------
    table : DataFrame
        From :func:`response_table`.
    benchmark : dict or Series, optional
        Metric -> value drawn as a dashed line.
    metric : str
        The metric shown first.
    metrics : list of str, optional
        The metrics offered (default: every column of ``table`` in :data:`METRICS`).

    Returns
    -------
    DashboardExplorer
        Shows the widget when it is the last line of a notebook cell.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cpa": [300.0, 150.0]}, index=["a", "b"])
    >>> dashboard_explorer(t, metric="cpa").reading()
    'Best on cpa: b (Rs 150); worst: a (Rs 300).'
    """
    return DashboardExplorer(table, metrics=metrics, benchmark=benchmark, metric=metric)
