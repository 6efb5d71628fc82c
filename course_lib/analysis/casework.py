"""Steps shared by the worked cases (chapters 13, 15 and 16).

* :func:`method_steps` reads the course's one step list (``data/content/method.yaml``) and
  :func:`load_case_plan` reads ``data/content/casework.yaml`` (each case's segments,
  propositions, audiences and exam outline);
* :func:`audit_summary` -- the audit before and after cleaning, side by side;
* :func:`response_by_segment` -- every campaign metric per segment, with the funnel steps;
* :func:`compare_creatives` -- tailored vs generic per segment, with lift and a z-test;
* :func:`project_budget_shift` -- what moving budget to the best segment would buy;
* :func:`exam_answer` -- a case's 10-mark answer outline filled with computed numbers.

Examples
--------
>>> import pandas as pd
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

from course_lib.analysis.cleaning import Rule, audit_table
from course_lib.analysis.experiments import lift, two_proportion_ztest
from course_lib.analysis.metrics import campaign_report
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_non_negative,
    require_number,
    require_probability,
)

__all__ = ["CASEWORK_PATH", "CasePlan", "method_steps", "load_case_plan", "audit_summary", "response_by_segment",
           "compare_creatives", "project_budget_shift", "exam_answer", "segment_table"]

#: The content file with the case plans and the exam-answer outlines.
CASEWORK_PATH: Path = content_path("casework")

_SEGMENT_FIELDS = ("key", "label", "rule", "who", "value_proposition", "benefit_message", "success_story", "offer",
                   "audience", "assumed_audience_size")


def _read(path: Path | str | None) -> dict[str, Any]:
    path = CASEWORK_PATH if path is None else path
    data = read_yaml(path, what="casework")
    if not isinstance(data.get("cases"), dict):
        raise ValueError(f"{Path(path).name} must hold a 'cases' mapping.")
    return data


def method_steps(*, path: Path | str | None = None) -> pd.DataFrame:
    """The course's one step list, read from ``data/content/method.yaml`` (not casework.yaml).

    Index ``step_no``, columns ``key``, ``step`` (the step's name) and ``question``.

    Examples
    --------
    >>> method_steps()["key"].tolist()[:3]
    ['objective', 'audit', 'segments']
    """
    rows = read_yaml(content_path("method") if path is None else path, what="method").get("steps")
    if not isinstance(rows, list) or not rows:
        raise ValueError("the method file must hold a non-empty list 'steps'.")
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not {"step", "key", "name", "question"} <= set(row) or row["step"] != i:
            raise ValueError(f"method step {i} must have step (= {i}), key, name and question, got {row!r}.")
    out = pd.DataFrame([{"key": r["key"], "step": r["name"], "question": r["question"]} for r in rows])
    out.index = pd.RangeIndex(1, len(out) + 1, name="step_no")
    return out


@dataclass(frozen=True)
class CasePlan:
    """A case's plan: ``objective``, ``kpi``, ``segments`` (one row per segment key: label, rule, who,
    value_proposition, benefit_message, success_story, offer, audience, assumed_audience_size),
    ``default_segment`` (rows that match no rule) and ``exam_answer`` (question and sections)."""

    name: str
    objective: str
    kpi: str
    segments: pd.DataFrame
    default_segment: str
    exam_answer: dict[str, Any]

    @property
    def rules(self) -> dict[str, str]:
        """Segment key -> query rule, in priority order, without the default segment (for ``assign_segments``)."""
        has_rule = self.segments["rule"].notna()
        return {str(k): str(r) for k, r in self.segments.loc[has_rule, "rule"].items()}


def segment_table(segments: Any, fields: Sequence[str], *, where: str) -> pd.DataFrame:
    """A plan's list of segment entries as a table indexed by ``segment`` (the ``key`` field).

    Every entry must have every name in ``fields`` (which includes ``"key"``); keys must be unique.
    ``where`` names the plan in error messages.

    Examples
    --------
    >>> segment_table([{"key": "a", "label": "A"}], ["key", "label"], where="demo")
            label
    segment      
    a           A
    """
    if not isinstance(segments, list) or not segments:
        raise ValueError(f"{where}: segments must be a non-empty list.")
    for seg in segments:
        missing = [f for f in fields if f not in seg]
        if missing:
            raise ValueError(f"{where}: segment {seg.get('key')!r} is missing {', '.join(missing)}.")
    table = pd.DataFrame(segments, columns=list(fields)).set_index("key").rename_axis("segment")
    if table.index.has_duplicates:
        raise ValueError(f"{where}: segment keys must be unique.")
    return table


def load_case_plan(case: str, *, path: Path | str | None = None) -> CasePlan:
    """Read one case's plan (``"coaching"`` or ``"bank"``); ``path`` reads another casework file (for tests).

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
    raw, where = cases[case], f"casework case {case!r}"
    for field in ("objective", "kpi", "default_segment", "segments", "exam_answer"):
        if field not in raw:
            raise ValueError(f"{where} is missing {field!r}.")
    table = segment_table(raw["segments"], _SEGMENT_FIELDS, where=where)
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


def audit_summary(raw: pd.DataFrame, clean: pd.DataFrame, *, rules: Mapping[str, Rule] | None = None,
                  ignore: str | Sequence[str] | None = None, key: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Audit a table before and after cleaning (``audit_table``, same rules) and list the problems side by side.

    Returns columns ``check``, ``column``, ``before``, ``after`` (rows affected), ``fixed`` (negative when
    cleaning created the problem, e.g. an impossible age made missing) and ``detail``.

    Examples
    --------
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
    after = before.iloc[0:0] if clean.empty else \
        audit_table(clean[list(raw.columns)], rules=rules, ignore=ignore, key=key).issues()
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


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _safe_ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    n, d = num.to_numpy(dtype="float64"), den.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, n / np.where(d > 0, d, 1.0), np.nan)


def response_by_segment(data: pd.DataFrame, by: str | Sequence[str] = "segment", *, impressions: str = "impressions",
                        clicks: str = "clicks", steps: Sequence[str] = (), conversions: str = "conversions",
                        spend: str = "spend", revenue: str = "revenue") -> pd.DataFrame:
    """Every campaign metric per group (``campaign_report``), plus the funnel ``clicks -> steps -> conversions``.

    Adds ``<a>_to_<b>`` for each step pair after the click, ``cost_per_<step>`` for each intermediate step,
    ``share_of_spend`` and ``share_of_<conversions>``; ``note`` says why a metric is undefined.

    Examples
    --------
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
    total_spend, total_conv = float(report[spend].sum()), float(report[conversions].sum())
    report["share_of_spend"] = report[spend] / total_spend if total_spend > 0 else np.nan
    report[f"share_of_{conversions}"] = report[conversions] / total_conv if total_conv > 0 else np.nan
    report["note"] = note
    return report


def compare_creatives(data: pd.DataFrame, *, segment: str = "segment", variant: str = "creative_type",
                      treatment: str = "tailored", control: str = "generic", successes: str = "clicks",
                      trials: str = "impressions", alpha: float = 0.05) -> pd.DataFrame:
    """Treatment vs control variant per segment: summed counts, rates, lift and a two-proportion z-test.

    Returns one row per segment: ``<successes>_<control>``, ``<successes>_<treatment>``, ``rate_<control>``,
    ``rate_<treatment>``, ``lift``, ``p_value`` and ``significant``.

    Examples
    --------
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


def project_budget_shift(results: pd.DataFrame, share_moved: float, *, segment: str = "segment",
                         spend: str = "spend", outcomes: str | Sequence[str] = ("conversions",),
                         best: str | None = None, elasticity: float = 1.0,
                         total_budget: float | None = None) -> pd.DataFrame:
    """Project what moving ``share_moved`` of every other segment's budget to the best one would buy.

    Each segment starts with its test spend (or ``total_budget`` split the same way); its results scale as
    ``result * (new_budget / spend) ** elasticity`` (1 = no saturation, below 1 = each extra rupee buys less).
    ``best`` defaults to the segment with the most of the last outcome per rupee.

    Returns one row per segment: ``budget``, ``new_budget``, ``is_best``, ``<o>_before`` and ``<o>_after`` for
    each outcome, and ``cost_per_<last outcome>_after``.

    Examples
    --------
    >>> res = pd.DataFrame({"segment": ["a", "b"], "spend": [100.0, 100.0], "conversions": [10, 2]})
    >>> project_budget_shift(res, 0.5)[["new_budget", "conversions_after"]].to_dict("index")
    {'a': {'new_budget': 150.0, 'conversions_after': 15.0}, 'b': {'new_budget': 50.0, 'conversions_after': 1.0}}
    """
    require_dataframe(results, "results")
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes:
        raise ValueError("outcomes must name at least one result column, e.g. ['enrolments'].")
    require_columns(results, [segment, spend, *outcomes], "results")
    require_no_missing(results, [segment, spend, *outcomes], "results")
    require_non_negative(results, [spend, *outcomes], "results")
    share_moved = require_probability(share_moved, "share_moved")
    elasticity = require_number(elasticity, "elasticity", minimum=0, maximum=1, inclusive=True)
    if elasticity == 0:
        raise ValueError("elasticity must be above 0 (0 would mean budget buys nothing); use 1 for no saturation.")
    sums = results.groupby(segment, sort=False, observed=True)[[spend, *outcomes]].sum()
    if (sums[spend] <= 0).any():
        bad = sums.index[sums[spend] <= 0].tolist()
        raise ValueError(f"segment(s) {bad} have no {spend!r}: their response per rupee is unknown.")
    last = outcomes[-1]
    if best is None:
        best = str((sums[last] / sums[spend]).idxmax())
    elif best not in sums.index:
        raise ValueError(f"best {best!r} is not one of the segments: {', '.join(map(str, sums.index))}.")
    tested = sums[spend].to_numpy(dtype="float64")
    scale = 1.0
    if total_budget is not None:
        scale = require_number(total_budget, "total_budget", minimum=0, inclusive=False) / tested.sum()
    budget = tested * scale
    is_best = sums.index == best
    new_budget = np.where(is_best, budget + share_moved * budget[~is_best].sum(), budget * (1 - share_moved))
    out = pd.DataFrame({"budget": budget, "new_budget": new_budget, "is_best": is_best},
                       index=pd.Index(sums.index, name="segment"))
    for o in outcomes:
        per = sums[o].to_numpy(dtype="float64")
        out[f"{o}_before"] = per * (budget / tested) ** elasticity
        out[f"{o}_after"] = per * (new_budget / tested) ** elasticity
    out[f"cost_per_{_singular(last)}_after"] = _safe_ratio(out["new_budget"], out[f"{last}_after"])
    return out


def exam_answer(case: str, values: Mapping[str, Any], *, path: Path | str | None = None) -> str:
    """A case's 10-mark answer outline (Markdown) with every ``{placeholder}`` filled from ``values``.

    Raises ValueError naming every missing placeholder, or when the marks do not add up to 10.

    Examples
    --------
    >>> exam_answer("coaching", {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: values is missing ... placeholder(s): n_raw, ...
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a dict of placeholder -> value, got {type(values).__name__}.")
    plan = load_case_plan(case, path=path)
    sections = plan.exam_answer["sections"]
    needed = [f for sec in sections for _, f, _, _ in string.Formatter().parse(str(sec.get("text", ""))) if f]
    missing = [f for f in dict.fromkeys(needed) if f not in values]
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
