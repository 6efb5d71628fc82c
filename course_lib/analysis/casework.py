"""Reusable steps of a worked case: audit, response by segment, creative tests, budget shifts, write-up.

Every case notebook follows the same step-by-step method (objective, data
audit, micro-segments, value propositions, creatives, audiences, a test with a
limited budget, adjusting, moving spend, documenting the learnings). The steps
that are the same in every case live here, so each case notebook stays thin:

* :func:`method_steps` -- the method itself, as a table (from
  ``data/content/casework.yaml``);
* :func:`load_case_plan` -- a case's objective, segment rules, value
  propositions, creatives, audiences and exam-answer outline (same file);
* :func:`audit_summary` -- audit before and after cleaning, side by side
  (built on :func:`course_lib.analysis.cleaning.audit_table`);
* :func:`response_by_segment` -- every campaign metric per segment, including
  the intermediate funnel steps (built on
  :func:`course_lib.analysis.metrics.campaign_report`);
* :func:`compare_creatives` -- tailored vs generic (or any two variants) per
  segment, with lift and a two-proportion z-test;
* :func:`project_budget_shift`, :func:`budget_shift_curve`,
  :func:`plot_budget_shift`, :func:`budget_shift_explorer` -- what moving a
  share of the budget to the best segment would buy, with an optional
  saturation (elasticity) assumption;
* :func:`exam_answer` -- the outline of a 10-mark answer, filled with the
  numbers a notebook computed.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.casework import response_by_segment
>>> ads = pd.DataFrame({"segment": ["a", "b"], "impressions": [1000, 1000], "clicks": [20, 10],
...                     "conversions": [4, 1], "spend": [100.0, 100.0], "revenue": [400.0, 100.0]})
>>> response_by_segment(ads)[["segment", "ctr", "cpa"]]
  segment   ctr    cpa
0       a  0.02   25.0
1       b  0.01  100.0
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.cleaning import Rule, audit_table
from course_lib.analysis.experiments import lift, two_proportion_ztest
from course_lib.analysis.metrics import campaign_report
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_non_negative,
    require_number,
    require_probability,
)

__all__ = [
    "CASEWORK_PATH",
    "CasePlan",
    "method_steps",
    "load_case_plan",
    "audit_summary",
    "response_by_segment",
    "compare_creatives",
    "project_budget_shift",
    "budget_shift_curve",
    "plot_budget_shift",
    "budget_shift_explorer",
    "exam_answer",
]

#: The content file with the method, the case plans and the exam-answer outlines.
CASEWORK_PATH: Path = paths.DATA_DIR / "content" / "casework.yaml"

_SEGMENT_FIELDS = ("key", "label", "rule", "who", "value_proposition", "benefit_message", "success_story", "offer",
                   "audience", "assumed_audience_size")


# --------------------------------------------------------------------------- content


def _read(path: Path | str | None) -> dict[str, Any]:
    path = CASEWORK_PATH if path is None else path
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}.")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"the casework file {path} does not exist.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("method"), list) or not isinstance(
            data.get("cases"), dict):
        raise ValueError(f"{path.name} must hold a 'method' list and a 'cases' mapping.")
    return data


def method_steps(*, path: Path | str | None = None) -> pd.DataFrame:
    """The step-by-step micro-targeting method, one row per step.

    Returns
    -------
    pandas.DataFrame
        Index ``step_no`` (1, 2, ...); columns ``key``, ``step`` and
        ``question`` (what the step answers).

    Examples
    --------
    >>> method_steps()["key"].tolist()[:3]
    ['objective', 'audit', 'segments']
    """
    rows = _read(path)["method"]
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or set(row) != {"key", "step", "question"}:
            raise ValueError(f"method step {i} must have exactly key, step and question, got {row!r}.")
    out = pd.DataFrame(rows, columns=["key", "step", "question"])
    out.index = pd.RangeIndex(1, len(out) + 1, name="step_no")
    return out


@dataclass(frozen=True)
class CasePlan:
    """A case's marketing plan, read by :func:`load_case_plan`.

    Attributes
    ----------
    name : str
        Case name (as for :func:`course_lib.market.datasets.load_case`).
    objective, kpi : str
        What the campaign should achieve and how it is measured.
    segments : pandas.DataFrame
        One row per segment (index ``segment``, the keys): ``label``, ``rule`` (a pandas
        query on the cleaned table; missing for the default segment),
        ``who``, ``value_proposition``, ``benefit_message``,
        ``success_story``, ``offer``, ``audience`` and
        ``assumed_audience_size`` (a planning assumption, not data).
    default_segment : str
        The segment of rows that match no rule.
    exam_answer : dict
        ``question`` and ``sections`` (heading, marks, text with
        ``{placeholders}``) of the 10-mark answer outline.
    """

    name: str
    objective: str
    kpi: str
    segments: pd.DataFrame
    default_segment: str
    exam_answer: dict[str, Any]

    @property
    def rules(self) -> dict[str, str]:
        """Segment key -> query rule, in priority order, without the default segment.

        Pass it to :func:`course_lib.analysis.segmentation.assign_segments` with
        ``default=plan.default_segment``.
        """
        has_rule = self.segments["rule"].notna()
        return {str(k): str(r) for k, r in self.segments.loc[has_rule, "rule"].items()}


def load_case_plan(case: str, *, path: Path | str | None = None) -> CasePlan:
    """Read one case's plan (segments, propositions, creatives, audiences, exam outline).

    Parameters
    ----------
    case : str
        Case name, e.g. ``"coaching"``.
    path : path-like, optional
        Another casework file (for tests).

    Returns
    -------
    CasePlan

    Raises
    ------
    ValueError
        When the case is not in the file or an entry is malformed.

    Examples
    --------
    >>> plan = load_case_plan("coaching")
    >>> plan.segments.index.tolist()
    ['class_11_science', 'drop_year', 'commerce_switch', 'other']
    >>> plan.rules["drop_year"]
    "class_level == 'drop_year'"
    """
    if not isinstance(case, str):
        raise TypeError(f"case must be a case name (str), got {type(case).__name__}.")
    cases = _read(path)["cases"]
    if case not in cases:
        raise ValueError(f"there is no plan for the case {case!r}; available: {', '.join(sorted(cases))}.")
    raw = cases[case]
    where = f"casework case {case!r}"
    for field in ("objective", "kpi", "default_segment", "segments", "exam_answer"):
        if field not in raw:
            raise ValueError(f"{where} is missing {field!r}.")
    segments = raw["segments"]
    if not isinstance(segments, list) or not segments:
        raise ValueError(f"{where}: segments must be a non-empty list.")
    for seg in segments:
        missing = [f for f in _SEGMENT_FIELDS if f not in seg]
        if missing:
            raise ValueError(f"{where}: segment {seg.get('key')!r} is missing {', '.join(missing)}.")
    table = pd.DataFrame(segments, columns=list(_SEGMENT_FIELDS)).set_index("key").rename_axis("segment")
    if table.index.has_duplicates:
        raise ValueError(f"{where}: segment keys must be unique.")
    default = raw["default_segment"]
    if default not in table.index:
        raise ValueError(f"{where}: default_segment {default!r} is not one of the segments.")
    no_rule = table.index[table["rule"].isna()].tolist()
    if no_rule not in ([], [default]):
        raise ValueError(f"{where}: only the default segment may have no rule; these have none: {no_rule}.")
    answer = raw["exam_answer"]
    if not isinstance(answer, dict) or "question" not in answer or not isinstance(answer.get("sections"), list):
        raise ValueError(f"{where}: exam_answer needs a question and a list of sections.")
    return CasePlan(name=case, objective=str(raw["objective"]).strip(), kpi=str(raw["kpi"]).strip(),
                    segments=table, default_segment=default, exam_answer=answer)


# --------------------------------------------------------------------------- audit


def audit_summary(
    raw: pd.DataFrame,
    clean: pd.DataFrame,
    *,
    rules: Mapping[str, Rule] | None = None,
    ignore: str | Sequence[str] | None = None,
    key: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Audit a table before and after cleaning and show the problems side by side.

    Runs :func:`course_lib.analysis.cleaning.audit_table` on both frames with the same
    rules and lists every problem found in either, with the number of rows
    affected before and after. "Audit, clean, audit again" in one table.

    Parameters
    ----------
    raw, clean : pandas.DataFrame
        The table as loaded and after cleaning (same columns).
    rules, ignore, key :
        As in :func:`course_lib.analysis.cleaning.audit_table` (validity rules,
        columns left out when looking for duplicate rows, record key).

    Returns
    -------
    pandas.DataFrame
        Columns ``check``, ``column``, ``before``, ``after`` (rows
        affected), ``fixed`` (``before - after``; negative when cleaning
        created the problem, e.g. an impossible age turned into a missing
        one) and ``detail`` (what the audit found, before cleaning when it
        found anything then).

    Examples
    --------
    >>> import pandas as pd
    >>> from course_lib.analysis.cleaning import mask_invalid
    >>> raw = pd.DataFrame({"id": [1, 2, 3], "board": ["CBSE", "cbse", "CBSE"], "age": [16, 0, 17]})
    >>> clean = mask_invalid(raw.assign(board="CBSE"), {"age": (10, 30)})
    >>> audit_summary(raw, clean, rules={"age": (10, 30)}, ignore="id")[["check", "column", "before", "after"]]
                check column  before  after
    0      duplicates  (row)       0      0
    1  label variants  board       2      0
    2         invalid    age       1      0
    3         missing    age       0      1
    """
    require_dataframe(raw, "raw")
    require_dataframe(clean, "clean", allow_empty=True)
    missing = [c for c in raw.columns if c not in clean.columns]
    if missing:
        raise ValueError(f"clean is missing the column(s) {missing} that raw has; audit the same table twice.")
    before = audit_table(raw, rules=rules, ignore=ignore, key=key).issues()
    if clean.empty:
        after = before.iloc[0:0]
    else:
        after = audit_table(clean[list(raw.columns)], rules=rules, ignore=ignore, key=key).issues()
    merged = before.merge(after, on=["check", "column"], how="outer", suffixes=("_before", "_after"), sort=False)
    order = {k: i for i, k in enumerate(zip(before["check"], before["column"], strict=True))}
    merged["_order"] = [order.get(k, len(order) + i) for i, k in
                        enumerate(zip(merged["check"], merged["column"], strict=True))]
    merged = merged.sort_values("_order", kind="stable")
    out = pd.DataFrame({
        "check": merged["check"].to_numpy(),
        "column": merged["column"].to_numpy(),
        "before": merged["rows_before"].fillna(0).astype("int64").to_numpy(),
        "after": merged["rows_after"].fillna(0).astype("int64").to_numpy(),
    })
    out["fixed"] = out["before"] - out["after"]
    detail_before = merged["detail_before"].where(merged["rows_before"].fillna(0) > 0)
    out["detail"] = detail_before.fillna(merged["detail_after"]).fillna("").to_numpy()
    return out


# --------------------------------------------------------------------------- response


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _safe_ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    n = num.to_numpy(dtype="float64")
    d = den.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, n / np.where(d > 0, d, 1.0), np.nan)


def response_by_segment(
    data: pd.DataFrame,
    by: str | Sequence[str] = "segment",
    *,
    impressions: str = "impressions",
    clicks: str = "clicks",
    steps: Sequence[str] = (),
    conversions: str = "conversions",
    spend: str = "spend",
    revenue: str = "revenue",
) -> pd.DataFrame:
    """Every campaign metric per segment, including intermediate funnel steps.

    Sums the rows per group with :func:`course_lib.analysis.metrics.campaign_report`
    (CTR, conversion rate, CPA, ROAS, CPM) and adds, for a funnel
    ``clicks -> steps... -> conversions`` (e.g. clicks -> enquiries ->
    enrolments), the rate from each step to the next, the cost per result
    of every intermediate step, and each group's share of the spend and of
    the conversions.

    Parameters
    ----------
    data : pandas.DataFrame
        Campaign rows (one per ad line).
    by : str or list of str
        Grouping column(s), e.g. ``"segment"`` or ``["segment", "creative_type"]``.
    impressions, clicks, conversions, spend, revenue : str
        Column names. ``conversions`` is the final result (enrolments,
        accounts opened, orders...).
    steps : list of str
        Columns of the steps between clicks and conversions, in funnel order.

    Returns
    -------
    pandas.DataFrame
        One row per group: the summed counts, ``ctr``, ``conversion_rate``
        (conversions per click), ``cpa`` (cost per conversion), ``roas``,
        ``cpm``, then ``<a>_to_<b>`` for each step pair after the click,
        ``cost_per_<step>`` for each intermediate step, ``share_of_spend``,
        ``share_of_<conversions>`` and ``note`` (why a metric is undefined).

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({"segment": ["a", "b"], "impressions": [1000, 1000], "clicks": [20, 10],
    ...                     "enquiries": [5, 2], "enrolments": [2, 0], "spend": [100.0, 100.0],
    ...                     "revenue": [200.0, 0.0]})
    >>> r = response_by_segment(ads, steps=["enquiries"], conversions="enrolments")
    >>> r[["segment", "clicks_to_enquiries", "enquiries_to_enrolments", "cost_per_enquiry", "cpa"]]
      segment  clicks_to_enquiries  enquiries_to_enrolments  cost_per_enquiry   cpa
    0       a                 0.25                      0.4              20.0  50.0
    1       b                 0.20                      0.0              50.0   NaN
    """
    require_dataframe(data, "data")
    if isinstance(steps, str) or not isinstance(steps, Sequence):
        raise TypeError(f"steps must be a list of column names, got {type(steps).__name__}.")
    steps = list(steps)
    require_columns(data, steps, "data")
    require_no_missing(data, steps, "data")
    require_non_negative(data, steps, "data")
    report = campaign_report(data, by=by, impressions=impressions, clicks=clicks, conversions=conversions,
                             spend=spend, revenue=revenue, reach=None, engagements=None)
    group_cols = [by] if isinstance(by, str) else list(by)
    if steps:
        sums = data.groupby(group_cols, sort=True, observed=True)[steps].sum().reset_index() if group_cols else \
            data[steps].sum().to_frame().T
        report = report.merge(sums, on=group_cols, how="left") if group_cols else pd.concat([report, sums], axis=1)
        counts = group_cols + [impressions, clicks, *steps, conversions, spend, revenue]
        report = report[counts + [c for c in report.columns if c not in counts]]
    note = report.pop("note")
    funnel = [clicks, *steps, conversions]
    if steps:  # without steps, conversion_rate already is clicks -> conversions
        for a, b in zip(funnel[:-1], funnel[1:], strict=True):
            report[f"{a}_to_{b}"] = _safe_ratio(report[b], report[a])
    for step in steps:
        report[f"cost_per_{_singular(step)}"] = _safe_ratio(report[spend], report[step])
    total_spend = float(report[spend].sum())
    total_conv = float(report[conversions].sum())
    report["share_of_spend"] = report[spend] / total_spend if total_spend > 0 else np.nan
    report[f"share_of_{conversions}"] = report[conversions] / total_conv if total_conv > 0 else np.nan
    report["note"] = note
    return report


def compare_creatives(
    data: pd.DataFrame,
    *,
    segment: str = "segment",
    variant: str = "creative_type",
    treatment: str = "tailored",
    control: str = "generic",
    successes: str = "clicks",
    trials: str = "impressions",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Tailored vs generic (or any two variants) per segment: rates, lift and a z-test.

    Parameters
    ----------
    data : pandas.DataFrame
        Campaign rows with a segment column and a variant column; rows of
        the same segment and variant are summed.
    segment, variant : str
        Column names.
    treatment, control : str
        The two values of ``variant`` to compare (treatment vs control).
    successes, trials : str
        The response and the exposure, e.g. clicks out of impressions, or
        enrolments out of impressions.
    alpha : float
        Significance level of the two-sided two-proportion z-test.

    Returns
    -------
    pandas.DataFrame
        One row per segment (index ``segment``): ``<successes>_<control>``,
        ``<successes>_<treatment>``, ``rate_<control>``,
        ``rate_<treatment>``, ``lift`` (relative), ``p_value`` and
        ``significant``.

    Raises
    ------
    ValueError
        When a segment lacks one of the two variants or trials are 0.

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({"segment": ["a", "a"], "creative_type": ["tailored", "generic"],
    ...                     "impressions": [10000, 10000], "clicks": [150, 100]})
    >>> res = compare_creatives(ads)
    >>> round(float(res.loc["a", "lift"]), 2), bool(res.loc["a", "significant"])
    (0.5, True)
    """
    require_dataframe(data, "data")
    require_columns(data, [segment, variant, successes, trials], "data")
    require_no_missing(data, [segment, variant, successes, trials], "data")
    require_non_negative(data, [successes, trials], "data")
    alpha = require_probability(alpha, "alpha", open_interval=True)
    if treatment == control:
        raise ValueError("treatment and control must be two different variants.")
    present = set(data[variant].astype("object"))
    for name, value in (("treatment", treatment), ("control", control)):
        if value not in present:
            raise ValueError(f"{name} {value!r} is not a value of the column {variant!r} "
                             f"(it has: {', '.join(sorted(map(str, present)))}).")
    sums = data.groupby([segment, variant], observed=True)[[successes, trials]].sum()
    rows = []
    for seg in data[segment].astype("object").drop_duplicates():
        try:
            t, c = sums.loc[(seg, treatment)], sums.loc[(seg, control)]
        except KeyError:
            raise ValueError(f"segment {seg!r} needs both a {treatment!r} and a {control!r} row to compare.") from None
        if t[trials] <= 0 or c[trials] <= 0:
            raise ValueError(f"segment {seg!r} has no {trials!r} in one of the variants; nothing to compare.")
        test = two_proportion_ztest(int(c[successes]), int(c[trials]), int(t[successes]), int(t[trials]),
                                    alpha=alpha)
        rows.append({segment: seg, f"{successes}_{control}": int(c[successes]),
                     f"{successes}_{treatment}": int(t[successes]), f"rate_{control}": test.rate_a,
                     f"rate_{treatment}": test.rate_b, "lift": float(lift(test.rate_b, test.rate_a)),
                     "p_value": test.p_value, "significant": test.significant})
    return pd.DataFrame(rows).set_index(segment)


# --------------------------------------------------------------------------- budget shift


def _shift_inputs(results: pd.DataFrame, segment: str, spend: str, outcomes: Sequence[str],
                  elasticity: float) -> tuple[pd.DataFrame, list[str], float]:
    require_dataframe(results, "results")
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("outcomes must name at least one result column, e.g. ['enrolments'].")
    require_columns(results, [segment, spend, *outcomes], "results")
    require_no_missing(results, [segment, spend, *outcomes], "results")
    require_non_negative(results, [spend, *outcomes], "results")
    elasticity = require_number(elasticity, "elasticity", minimum=0, maximum=1, inclusive=True)
    if elasticity == 0:
        raise ValueError("elasticity must be above 0 (0 would mean budget buys nothing); use 1 for no saturation.")
    sums = results.groupby(segment, sort=False, observed=True)[[spend, *outcomes]].sum()
    if (sums[spend] <= 0).any():
        bad = sums.index[sums[spend] <= 0].tolist()
        raise ValueError(f"segment(s) {bad} have no {spend!r}: their response per rupee is unknown.")
    return sums, outcomes, elasticity


def _best(sums: pd.DataFrame, spend: str, outcome: str, best: str | None) -> str:
    if best is None:
        return str((sums[outcome] / sums[spend]).idxmax())
    if best not in sums.index:
        raise ValueError(f"best {best!r} is not one of the segments: {', '.join(map(str, sums.index))}.")
    return best


def project_budget_shift(
    results: pd.DataFrame,
    share_moved: float,
    *,
    segment: str = "segment",
    spend: str = "spend",
    outcomes: str | Sequence[str] = ("conversions",),
    best: str | None = None,
    elasticity: float = 1.0,
    total_budget: float | None = None,
) -> pd.DataFrame:
    """Project what moving a share of every other segment's budget to the best one would buy.

    Each segment starts with its test budget (or ``total_budget`` split in
    the same proportions). ``share_moved`` of every other segment's budget
    goes to the ``best`` segment. A segment's results scale with its
    budget as ``result * (new_budget / spend) ** elasticity``: with
    ``elasticity=1`` every extra rupee works as well as the tested ones (no
    saturation); below 1 extra budget buys less and less, as when the same
    small audience sees the ad again and again.

    Parameters
    ----------
    results : pandas.DataFrame
        Test results, one or more rows per segment (summed).
    share_moved : float
        Between 0 (keep the split) and 1 (everything to the best segment).
    segment, spend : str
        Column names.
    outcomes : str or list of str
        Result columns to project (e.g. ``["enquiries", "enrolments"]``);
        the last one decides the best segment and the cost per result.
    best : str, optional
        The segment that receives the budget; by default the one with the
        most of the last outcome per rupee.
    elasticity : float
        In (0, 1]; 1 = constant returns.
    total_budget : float, optional
        Budget of the next flight; by default the test's total spend.

    Returns
    -------
    pandas.DataFrame
        One row per segment (index ``segment``): ``budget`` (before the
        move), ``new_budget``, ``is_best``, then for each outcome
        ``<o>_before`` and ``<o>_after`` (projected), and
        ``cost_per_<last outcome>_after``.

    Examples
    --------
    >>> import pandas as pd
    >>> res = pd.DataFrame({"segment": ["a", "b"], "spend": [100.0, 100.0], "conversions": [10, 2]})
    >>> project_budget_shift(res, 0.5)[["new_budget", "conversions_after"]].to_dict("index")
    {'a': {'new_budget': 150.0, 'conversions_after': 15.0}, 'b': {'new_budget': 50.0, 'conversions_after': 1.0}}
    """
    sums, outcomes, elasticity = _shift_inputs(results, segment, spend, outcomes, elasticity)
    share_moved = require_probability(share_moved, "share_moved")
    best = _best(sums, spend, outcomes[-1], best)
    if total_budget is not None:
        total_budget = require_number(total_budget, "total_budget", minimum=0, inclusive=False)
    return _project(sums, spend, outcomes, best, share_moved, elasticity, total_budget)


def _project(sums: pd.DataFrame, spend: str, outcomes: list[str], best: str, share_moved: float,
             elasticity: float, total_budget: float | None) -> pd.DataFrame:
    """The projection itself, on per-segment sums that were already validated."""
    tested = sums[spend].to_numpy(dtype="float64")
    budget = tested * (total_budget / tested.sum() if total_budget is not None else 1.0)
    is_best = (sums.index == best)
    new_budget = np.where(is_best, budget + share_moved * budget[~is_best].sum(), budget * (1 - share_moved))
    out = pd.DataFrame({"budget": budget, "new_budget": new_budget, "is_best": is_best},
                       index=pd.Index(sums.index, name="segment"))
    for o in outcomes:
        per = sums[o].to_numpy(dtype="float64")
        out[f"{o}_before"] = per * (budget / tested) ** elasticity
        out[f"{o}_after"] = per * (new_budget / tested) ** elasticity
    last = outcomes[-1]
    out[f"cost_per_{_singular(last)}_after"] = _safe_ratio(out["new_budget"], out[f"{last}_after"])
    return out


def budget_shift_curve(
    results: pd.DataFrame,
    shares: Sequence[float] | np.ndarray | None = None,
    *,
    segment: str = "segment",
    spend: str = "spend",
    outcomes: str | Sequence[str] = ("conversions",),
    best: str | None = None,
    elasticity: float = 1.0,
    total_budget: float | None = None,
) -> pd.DataFrame:
    """Totals of :func:`project_budget_shift` for a range of shares moved.

    Returns
    -------
    pandas.DataFrame
        One row per share: ``share_moved``, ``budget`` (total, unchanged),
        the projected total of each outcome and ``cost_per_<last outcome>``.

    Examples
    --------
    >>> import pandas as pd
    >>> res = pd.DataFrame({"segment": ["a", "b"], "spend": [100.0, 100.0], "conversions": [10, 2]})
    >>> budget_shift_curve(res, [0, 1])["conversions"].tolist()
    [12.0, 20.0]
    """
    if shares is None:
        shares = np.linspace(0, 1, 21)
    shares = list(np.asarray(shares, dtype=float).ravel())
    if not shares:
        raise ValueError("shares must hold at least one share between 0 and 1.")
    sums, outs, elasticity = _shift_inputs(results, segment, spend, outcomes, elasticity)
    best = _best(sums, spend, outs[-1], best)
    if total_budget is not None:
        total_budget = require_number(total_budget, "total_budget", minimum=0, inclusive=False)
    rows = []
    for s in shares:
        p = _project(sums, spend, outs, best, require_probability(float(s), "shares"), elasticity, total_budget)
        row = {"share_moved": float(s), "budget": float(p["new_budget"].sum())}
        for o in outs:
            row[o] = float(p[f"{o}_after"].sum())
        row[f"cost_per_{_singular(outs[-1])}"] = row["budget"] / row[outs[-1]] if row[outs[-1]] > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def plot_budget_shift(
    projection: pd.DataFrame,
    curve: pd.DataFrame,
    share_moved: float,
    *,
    outcome: str = "conversions",
    currency: str = "₹",
    title: str | None = None,
) -> Any:
    """Two panels: budget per segment before/after the move, and the projected total vs share moved.

    Parameters
    ----------
    projection : pandas.DataFrame
        From :func:`project_budget_shift`.
    curve : pandas.DataFrame
        From :func:`budget_shift_curve` (same settings).
    share_moved : float
        The share shown in ``projection`` (marked on the curve).
    outcome : str
        The outcome to draw on the curve.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(projection, "projection")
    require_columns(projection, ["budget", "new_budget", f"{outcome}_after"], "projection")
    require_columns(curve, ["share_moved", outcome], "curve")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    pos = np.arange(len(projection))
    ax1.bar(pos - 0.2, projection["budget"], width=0.4, label="before", color="#bdbdbd")
    ax1.bar(pos + 0.2, projection["new_budget"], width=0.4, label="after the move", color="#3182bd")
    ax1.set_xticks(pos, [str(s).replace("_", " ") for s in projection.index], rotation=0)
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    ax1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax1.set_ylabel(f"budget ({currency})")
    ax1.set_xlabel("segment")
    ax1.set_title(f"Budget per segment, {share_moved:.0%} moved to the best")
    ax1.legend()
    ax2.plot(100 * curve["share_moved"], curve[outcome], color="#3182bd")
    now = float(projection[f"{outcome}_after"].sum())
    ax2.scatter([100 * share_moved], [now], color="#e6550d", zorder=3, label=f"{now:.0f} {outcome.replace('_', ' ')}")
    ax2.set_xlabel("share of the other segments' budget moved to the best (%)")
    ax2.set_ylabel(f"projected {outcome.replace('_', ' ')}")
    ax2.set_title("Projected total for the same budget")
    ax2.legend()
    if title:
        fig.suptitle(title)
    # fixed margins: tight_layout would lay the figure out a second time (slow on every slider move)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.82 if title else 0.9, wspace=0.25)
    return fig


def budget_shift_explorer(
    results: pd.DataFrame,
    *,
    segment: str = "segment",
    spend: str = "spend",
    outcomes: str | Sequence[str] = ("conversions",),
    best: str | None = None,
    share_moved: float = 0.5,
    elasticity: float = 1.0,
    currency: str = "₹",
) -> Any:
    """A small widget: slide the share of budget moved to the best segment and see the projection redraw.

    The sliders are labelled "Share moved to best segment" and "Response
    elasticity" (1 = no saturation).

    Returns
    -------
    ipywidgets.VBox
        The sliders, a one-line summary and the chart of
        :func:`plot_budget_shift`, drawn into an ``Output`` widget (a cell
        showing it should carry the ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    outs = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    sums, outs, elasticity = _shift_inputs(results, segment, spend, outs, elasticity)
    share_moved = require_probability(share_moved, "share_moved")
    best = _best(sums, spend, outs[-1], best)
    last = outs[-1]
    style = {"description_width": "initial"}
    share = widgets.FloatSlider(value=share_moved, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                                description="Share moved to best segment", continuous_update=False, style=style,
                                layout=widgets.Layout(width="460px"))
    elastic = widgets.FloatSlider(value=elasticity, min=0.3, max=1.0, step=0.05, readout_format=".2f",
                                  description="Response elasticity (1 = no saturation)", continuous_update=False,
                                  style=style, layout=widgets.Layout(width="460px"))
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        kwargs = dict(segment=segment, spend=spend, outcomes=outs, best=best, elasticity=elastic.value)
        proj = project_budget_shift(results, share.value, **kwargs)
        curve = budget_shift_curve(results, **kwargs)
        total = float(proj[f"{last}_after"].sum())
        before = float(proj[f"{last}_before"].sum())
        cost = float(proj["new_budget"].sum()) / total if total > 0 else float("nan")
        parts = [f"{o.replace('_', ' ')}: {proj[f'{o}_after'].sum():.0f}" for o in outs]
        with out:
            out.clear_output(wait=True)
            print(f"Moving {share.value:.0%} to {best}: " + ", ".join(parts) +
                  f" (before: {before:.0f} {last}); cost per {_singular(last)}: {currency}{cost:,.0f}")
            plot_budget_shift(proj, curve, share.value, outcome=last, currency=currency)
            plt.show()

    share.observe(redraw, names="value")
    elastic.observe(redraw, names="value")
    redraw()
    return widgets.VBox([share, elastic, out])


# --------------------------------------------------------------------------- write-up


def exam_answer(case: str, values: Mapping[str, Any], *, path: Path | str | None = None) -> str:
    """The outline of a 10-mark exam answer for a case, filled with computed numbers.

    Parameters
    ----------
    case : str
        Case name (see :func:`load_case_plan`).
    values : dict
        Placeholder name -> value, for every ``{placeholder}`` in the
        outline (numbers the notebook computed).
    path : path-like, optional
        Another casework file.

    Returns
    -------
    str
        Markdown: the question, then one paragraph per section with its
        marks.

    Raises
    ------
    ValueError
        When a placeholder has no value (all missing names are listed), or
        the marks do not add up to 10.

    Examples
    --------
    >>> text = exam_answer("coaching", {})  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ValueError: values is missing ...
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a dict of placeholder -> value, got {type(values).__name__}.")
    plan = load_case_plan(case, path=path)
    sections = plan.exam_answer["sections"]
    needed: list[str] = []
    for sec in sections:
        for _, field, _, _ in string.Formatter().parse(str(sec.get("text", ""))):
            if field and field not in needed:
                needed.append(field)
    missing = [f for f in needed if f not in values]
    if missing:
        raise ValueError(f"values is missing {len(missing)} placeholder(s): {', '.join(missing)}.")
    marks = sum(int(sec.get("marks", 0)) for sec in sections)
    if marks != 10:
        raise ValueError(f"the sections of the {case!r} answer add up to {marks} marks, not 10.")
    lines = [f"**Question.** {str(plan.exam_answer['question']).strip()}", ""]
    for i, sec in enumerate(sections, 1):
        body = " ".join(str(sec["text"]).split()).format(**values)
        mark = "mark" if int(sec["marks"]) == 1 else "marks"
        lines += [f"**{i}. {sec['heading']} ({sec['marks']} {mark}).** {body}", ""]
    return "\n".join(lines).rstrip() + "\n"
