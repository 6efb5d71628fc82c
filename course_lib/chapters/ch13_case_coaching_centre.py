"""Chapter 13 (coaching-centre case): the budget-shift chart and explorer, and the workbook's answers.

The workbook's checks are declared in ``data/exercises/13-case-coaching-centre.yaml``.

Examples
--------
>>> answers()["n_unique"]
2397
>>> answers()["cost_per_enrolment"].idxmin()
'drop_year'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.casework import load_case_plan, project_budget_shift
from course_lib.analysis.cleaning import dedupe
from course_lib.analysis.segmentation import assign_segments
from course_lib.base.validation import require_probability
from course_lib.learning.explorer import Explorer
from course_lib.market.datasets import load_case

__all__ = ["plot_budget_shift", "budget_shift_explorer", "answers", "wrong_answers"]


def _totals(results: pd.DataFrame, share: float, outcomes: list[str], elasticity: float) -> dict[str, float]:
    """Projected totals of every outcome, and the budget, after moving ``share`` to the best segment."""
    p = project_budget_shift(results, share, outcomes=outcomes, elasticity=elasticity)
    return {"budget": float(p["new_budget"].sum()), **{o: float(p[f"{o}_after"].sum()) for o in outcomes}}


def plot_budget_shift(results: pd.DataFrame, share_moved: float, *, outcomes: Sequence[str] = ("conversions",),
                      elasticity: float = 1.0, title: str | None = None, fig: Any = None) -> Any:
    """Two panels: budget per segment before and after moving ``share_moved`` to the best segment, and the
    projected total of the last outcome for every share moved (0% to 100%), with ``share_moved`` marked.

    ``results`` has one row per segment with ``segment``, ``spend`` and the ``outcomes`` columns, as for
    :func:`course_lib.analysis.casework.project_budget_shift`. Draws on ``fig`` (a new
    :class:`matplotlib.figure.Figure` when None, never pyplot's global state) and returns it.
    """
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    last = outcomes[-1]
    shift = project_budget_shift(results, share_moved, outcomes=outcomes, elasticity=elasticity)
    shares = np.linspace(0, 1, 21)
    curve = [_totals(results, s, outcomes, elasticity)[last] for s in shares]
    fig = Figure(figsize=(11, 4.2), layout="constrained") if fig is None else fig
    ax1, ax2 = fig.subplots(1, 2)
    pos = np.arange(len(shift))
    ax1.bar(pos - 0.2, shift["budget"], width=0.4, label="before", color="#bdbdbd")
    ax1.bar(pos + 0.2, shift["new_budget"], width=0.4, label="after the move", color="#3182bd")
    ax1.set_xticks(pos, [str(s).replace("_", " ").replace(" ", "\n", 1) for s in shift.index], fontsize=10)
    ax1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"₹{v:,.0f}"))
    ax1.set(ylabel="budget (₹)", xlabel="micro-segment", title=f"Budget per segment, {share_moved:.0%} moved to the best")
    ax1.legend(fontsize=9)
    now = float(shift[f"{last}_after"].sum())
    word = last.replace("_", " ")
    ax2.plot(100 * shares, curve, color="#3182bd")
    ax2.scatter([100 * share_moved], [now], color="#e6550d", zorder=3, label=f"now: {now:.0f} {word}")
    ax2.set_ylim(0, 1.1 * max(curve))
    ax2.set(xlabel="share of the other segments' budget moved (%)", ylabel=f"projected {word}",
            title="Projected total for the same budget")
    ax2.legend(fontsize=9, loc="lower right")
    for ax in (ax1, ax2):
        ax.tick_params(labelsize=9)
    if title:
        fig.suptitle(title)
    return fig


def budget_shift_explorer(results: pd.DataFrame, *, outcomes: Sequence[str] = ("conversions",),
                          share_moved: float = 0.5, elasticity: float = 1.0) -> Explorer:
    """An :class:`~course_lib.learning.explorer.Explorer` with sliders "Share moved to best segment" and
    "Response elasticity" that redraws :func:`plot_budget_shift` and a one-line summary on every change.

    Examples
    --------
    >>> res = pd.DataFrame({"segment": ["a", "b"], "spend": [100.0, 100.0], "conversions": [10, 2]})
    >>> budget_shift_explorer(res, share_moved=0.5).result
    'Moving 50% to a: conversions: 16 (before: 12); cost per conversion: ₹12'
    """
    import ipywidgets as widgets  # noqa: PLC0415

    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    last = outcomes[-1]
    first = project_budget_shift(results, require_probability(share_moved, "share_moved"), outcomes=outcomes,
                                 elasticity=elasticity)  # validates the inputs once, up front
    best = str(first.index[first["is_best"]][0])
    style, layout = {"description_width": "initial"}, widgets.Layout(width="480px")
    share = widgets.FloatSlider(value=share_moved, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                                description="Share moved to best segment", continuous_update=False, style=style,
                                layout=layout)
    elastic = widgets.FloatSlider(value=elasticity, min=0.3, max=1.0, step=0.05, readout_format=".2f",
                                  description="Response elasticity (1 = no saturation)", continuous_update=False,
                                  style=style, layout=layout)

    def draw(fig: Any, share: float, elasticity: float) -> str:
        after = _totals(results, share, outcomes, elasticity)
        before = _totals(results, 0.0, outcomes, elasticity)[last]
        cost = f"₹{after['budget'] / after[last]:,.0f}" if after[last] > 0 else "n/a"
        parts = ", ".join(f"{o.replace('_', ' ')}: {after[o]:.0f}" for o in outcomes)
        plot_budget_shift(results, share, outcomes=outcomes, elasticity=elasticity, fig=fig)
        return (f"Moving {share:.0%} to {best.replace('_', '-')}: {parts} (before: {before:.0f}); "
                f"cost per {_singular(last.replace('_', ' '))}: {cost}")

    return Explorer({"share": share, "elasticity": elastic}, draw, title="Budget-shift explorer",
                    figsize=(11.0, 4.2))


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


# --------------------------------------------------------------------------- workbook answers


def _data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Any]:
    case = load_case("coaching")
    raw = case.enquiries
    return raw, dedupe(raw, ignore="enquiry_id"), case.ad_results, load_case_plan("coaching")


def _segments(frame: pd.DataFrame, plan: Any) -> Any:
    return assign_segments(frame, plan.rules, default=plan.default_segment).groupby("segment")["enrolled"]


def answers() -> dict[str, Any]:
    """The right answers (q1 ``n_unique``, q2 ``enrol_rate``, q3 ``cost_per_enrolment``) and the facts the
    success messages quote."""
    raw, clean, ads, plan = _data()
    rate = _segments(clean, plan).mean()
    tailored = ads[ads["creative_type"] == "tailored"].set_index("segment")
    cpe = tailored["spend"] / tailored["enrolments"]
    return {
        "n_unique": len(clean), "n_dups": len(raw) - len(clean),
        "enrol_rate": rate, "best_rate_label": rate.idxmax().replace("_", " "), "best_rate": rate.max(),
        "rate_ratio": rate.max() / rate.min(), "worst_rate_segment": rate.idxmin(),
        "cost_per_enrolment": cpe, "cheapest_label": cpe.idxmin().replace("_", " "), "cpe_min": cpe.min(),
        "dearest_segment": cpe.idxmax(), "cpe_max": cpe.max(),
    }


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    raw, clean, ads, plan = _data()
    segmented = _segments(clean, plan)
    tailored = ads[ads["creative_type"] == "tailored"].set_index("segment")
    generic = ads[ads["creative_type"] == "generic"].set_index("segment")
    both = ads.groupby("segment")[["spend", "enrolments"]].sum()
    return {
        "n_raw": len(raw),
        "n_keep_none": int((~raw.drop(columns="enquiry_id").duplicated(keep=False)).sum()),
        "n_dropna": len(clean.dropna()), "n_dropna_raw": len(raw.dropna()),
        "n_bad_age_dropped": len(clean[clean["age"].between(13, 30)]),
        "rate_count": segmented.sum().astype(float), "rate_size": segmented.size().astype(float),
        "rate_percent": 100 * segmented.mean(), "rate_raw": _segments(raw, plan).mean(),
        "rate_dropna": _segments(clean.dropna(), plan).mean(),
        "cpe_enquiry": tailored["spend"] / tailored["enquiries"], "cpe_inverse": tailored["enrolments"] / tailored["spend"],
        "cpe_generic": generic["spend"] / generic["enrolments"], "cpe_both": both["spend"] / both["enrolments"],
        "cpe_roas": tailored["revenue"] / tailored["spend"],
    }
