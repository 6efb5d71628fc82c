"""The privacy audit of a targeting plan (chapters 09 and 12).

Micro-targeting is powerful because it is precise, which is also why it can
discriminate, expose individuals or ignore what people agreed to.
:func:`audit_targeting_plan` checks a plan (segments defined by rules, each
with a channel) against the customer table and returns readable findings:

``sensitive attribute``
    a rule uses a sensitive or protected column (the list is in
    ``data/ethics/sensitive_attributes.yaml``);
``k-anonymity``
    a segment has fewer than ``k`` people, so a message could single someone out;
``consent``
    members of a segment lack the flag the channel needs (channel names as in
    the simulator, plus short aliases such as ``push`` and ``ads``);
``exclusion disparity``
    the segment selects one group (a gender, an age band) much less often than
    another: the selection-rate ratio is below ``disparity_threshold`` (0.8 =
    the "four-fifths" rule of thumb).

Examples
--------
>>> import pandas as pd
>>> customers = pd.DataFrame({"customer_id": range(6), "gender": list("FFFMMM"),
...                           "age": [22, 30, 41, 25, 33, 52], "consent_sms": [True] * 5 + [False]})
>>> plan = [{"segment": "young women", "rule": "gender == 'F' and age < 35", "channel": "sms"}]
>>> findings = audit_targeting_plan(plan, customers, k=2)
>>> findings[["severity", "check"]]
  severity                check
0     high  sensitive attribute
1   medium  sensitive attribute
2   medium  exclusion disparity
>>> print(findings.loc[2, "message"])
by gender: selects 0% of M but 67% of F (ratio 0.00 < 0.8); check the exclusion is justified
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.segmentation import rule_columns, rule_mask
from course_lib.base.content import read_yaml
from course_lib.base.paths import DATA_DIR
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_positive_int,
    require_probability,
)

__all__ = ["SENSITIVE_ATTRIBUTES_FILE", "load_sensitive_attributes", "sensitive_columns", "audit_targeting_plan"]

#: The data file listing sensitive attributes, channel consent flags and disparity groups.
SENSITIVE_ATTRIBUTES_FILE: Path = DATA_DIR / "ethics" / "sensitive_attributes.yaml"

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "ok": 3}
FINDING_COLUMNS = ["severity", "check", "segment", "message"]


@lru_cache(maxsize=4)
def _read_spec(path: str) -> dict[str, Any]:
    spec = read_yaml(path, what="sensitive-attributes")
    if not isinstance(spec.get("categories"), list):
        raise ValueError(f"{path} must contain a 'categories' list.")
    for cat in spec["categories"]:
        if not {"name", "severity", "keywords", "why"} <= set(cat) or cat["severity"] not in SEVERITY_ORDER:
            raise ValueError(f"{path}: category {cat!r} needs name, severity (high/medium/low), keywords and why.")
    return spec


def load_sensitive_attributes(path: str | Path | None = None) -> dict[str, Any]:
    """The sensitive-attribute specification (a fresh dict; the file is read once).

    >>> "caste" in [c["name"] for c in load_sensitive_attributes()["categories"]]
    True
    """
    spec = _read_spec(str(path or SENSITIVE_ATTRIBUTES_FILE))
    return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in spec.items()}


def _words(name: str) -> str:
    return "_" + "_".join(w for w in re.split(r"[^a-z0-9]+", name.lower()) if w) + "_"


def sensitive_columns(columns: Sequence[str], spec: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Which of ``columns`` look like sensitive attributes (matched on whole words of the name).

    >>> sensitive_columns(["customer_gender", "income_band", "Religion"])[["column", "category"]]
                column  category
    0  customer_gender    gender
    1         Religion  religion
    """
    spec = spec or load_sensitive_attributes()
    rows = []
    for col in columns:
        words = _words(str(col))
        for cat in spec["categories"]:
            if any(_words(k) in words for k in cat["keywords"]):
                rows.append({"column": col, "category": cat["name"], "severity": cat["severity"], "why": cat["why"]})
                break
    return pd.DataFrame(rows, columns=["column", "category", "severity", "why"])


def _plan_frame(plan: Any) -> pd.DataFrame:
    if isinstance(plan, pd.DataFrame):
        frame = plan
    elif isinstance(plan, Sequence) and not isinstance(plan, str) and all(isinstance(p, Mapping) for p in plan):
        frame = pd.DataFrame(list(plan))
    else:
        raise TypeError("plan must be a DataFrame or a list of dicts with keys 'segment', 'rule' and 'channel'.")
    require_dataframe(frame, "plan")
    require_columns(frame, ["segment", "rule", "channel"], "plan")
    require_no_missing(frame, ["segment", "channel"], "plan")
    names = frame["segment"].astype(str).str.strip().str.casefold()
    if names.duplicated().any():  # findings are reported by name: two lines of one name would merge
        shown = ", ".join(repr(x) for x in frame["segment"][names.duplicated(keep=False)].unique()[:4])
        raise ValueError(f"plan has duplicate segment names ({shown}); give every line a unique name.")
    return frame


def _pct(rate: float) -> str:
    """A share as a percentage; small non-zero shares keep two decimals ("0.02%", not "0%")."""
    return f"{rate:.0%}" if rate == 0 or rate >= 0.01 else f"{rate:.2%}"


def _group_labels(values: pd.Series, bins: Any) -> pd.Series:
    if bins is None or pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return values.astype(object)
    edges = list(bins)
    labels = [f"{int(lo)}-{int(hi) - 1}" for lo, hi in zip(edges[:-1], edges[1:])]
    return pd.cut(values, edges, right=False, labels=labels).astype(object)


def _consent_finding(customers: pd.DataFrame, mask: np.ndarray, channel: str, consent_map: Mapping[str, str],
                     include_passed: bool) -> tuple[str, str] | None:
    """(severity, message) of the consent check of one segment, or None when there is nothing to say."""
    size = int(mask.sum())
    column = consent_map.get(channel.lower())
    if column is None:
        return "medium", f"no consent flag is known for channel {channel!r}; known channels: " \
                         f"{', '.join(sorted(consent_map))}"
    if column not in customers.columns:
        return "high", f"customers has no {column!r} column, so consent for {channel!r} cannot be shown"
    if not size:
        return None
    flags = customers[column]
    if not pd.api.types.is_bool_dtype(flags) and not flags.dropna().isin([True, False]).all():
        raise TypeError(f"column {column!r} of customers must hold True/False consent flags.")
    missing = int((mask & ~flags.eq(True).to_numpy(dtype=bool, na_value=False)).sum())
    if missing:
        # a consent flag is a permission; app_user (push) is a precondition: say which it is
        verb = f"have not consented to {channel}" if column.startswith("consent") else f"cannot be reached on {channel}"
        return "high", (f"{missing:,} of {size:,} people ({missing / size:.0%}) {verb} ({column} is not True); "
                        "remove them before contacting")
    return ("ok", f"everyone selected has {column} = True") if include_passed else None


def audit_targeting_plan(
    plan: pd.DataFrame | Sequence[Mapping[str, Any]],
    customers: pd.DataFrame,
    k: int = 10,
    disparity_threshold: float = 0.8,
    groups: Mapping[str, Any] | None = None,
    channel_consent: Mapping[str, str] | None = None,
    include_passed: bool = False,
) -> pd.DataFrame:
    """Audit a targeting plan for sensitive attributes, re-identification, consent and fairness.

    Parameters
    ----------
    plan : DataFrame or list of dict
        One row per segment: ``segment`` (name), ``rule`` (a rule of
        :func:`course_lib.analysis.segmentation.rule_mask`) and ``channel``.
    customers : DataFrame
        The customer table, with the consent flags and ``app_user``.
    k : int
        Minimum segment size (k-anonymity).
    disparity_threshold : float
        Flag a segment when the lowest group selection rate divided by the highest is below this.
    groups : dict, optional
        Column -> bin edges or None, compared in the disparity check (default:
        the data file's gender and age bands). Groups smaller than ``k`` are ignored.
    channel_consent : dict, optional
        Channel -> consent column (default: the data file's).
    include_passed : bool
        Also list the checks each segment passed (severity ``"ok"``).

    Returns
    -------
    DataFrame
        ``severity``, ``check``, ``segment``, ``message``, worst first; no rows = no problem found.
    """
    frame = _plan_frame(plan)
    require_dataframe(customers, "customers")
    k = require_positive_int(k, "k")
    disparity_threshold = require_probability(disparity_threshold, "disparity_threshold")
    spec = load_sensitive_attributes()
    explicit = groups is not None
    groups = dict(spec.get("disparity_groups") or {}) if groups is None else dict(groups)
    consent_map = dict(spec.get("channel_consent") or {}) if channel_consent is None else dict(channel_consent)
    findings: list[dict[str, Any]] = []

    def add(severity: str, check: str, segment: str, message: str) -> None:
        findings.append({"severity": severity, "check": check, "segment": segment, "message": message})

    # each group column once: integer codes (-1 = missing), the labels and the size of every group
    group_codes = {}
    for col, bins in groups.items():
        if explicit and col not in customers.columns:
            raise ValueError(f"groups names column {col!r}, which is not in customers.")
        if col in customers.columns:
            codes, uniques = pd.factorize(_group_labels(customers[col], bins), sort=True)
            group_codes[col] = (codes, pd.Index(uniques), np.bincount(codes[codes >= 0], minlength=len(uniques)))
    for row in frame.itertuples(index=False):
        seg, rule, channel = str(row.segment), row.rule, str(row.channel)
        if isinstance(rule, float) and np.isnan(rule):
            rule = None
        mask = rule_mask(customers, rule, f"rule of segment {seg!r}").to_numpy()
        size = int(mask.sum())

        used = sensitive_columns(rule_columns(rule), spec)
        for hit in used.itertuples(index=False):
            add(hit.severity, "sensitive attribute", seg, f"the rule uses {hit.column!r} ({hit.category}): {hit.why}")
        if used.empty and include_passed:
            add("ok", "sensitive attribute", seg, "the rule uses no sensitive attribute")

        if size == 0:
            add("medium", "k-anonymity", seg, "the segment is empty: the rule selects nobody")
        elif size < k:
            add("high", "k-anonymity", seg,
                f"only {size:,} people (k = {k}): a message this narrow can single out individuals; merge or widen it")
        elif include_passed:
            add("ok", "k-anonymity", seg, f"{size} people (>= k = {k})")

        consent = _consent_finding(customers, mask, channel, consent_map, include_passed)
        if consent:
            add(consent[0], "consent", seg, consent[1])

        for col, (codes, uniques, sizes) in group_codes.items():
            valid = codes >= 0
            if not valid.all():  # never drop people silently: say how many the comparison leaves out
                add("low", "exclusion disparity", seg,
                    f"by {col}: {int((~valid).sum()):,} people have no {col} group (missing, or outside the bins) "
                    f"and are left out of this check ({int(mask[~valid].sum()):,} of them selected)")
            counts = pd.Series(sizes, index=uniques)
            chosen = pd.Series(np.bincount(codes[valid], weights=mask[valid], minlength=len(uniques)), index=uniques)
            big = counts[counts >= k].index
            if len(big) < 2:
                continue
            rates = (chosen[big] / counts[big]).sort_values(kind="stable")
            hi_rate = rates.iloc[-1]
            if hi_rate == 0:
                continue
            ratio = rates.iloc[0] / hi_rate
            if ratio < disparity_threshold:
                add("medium", "exclusion disparity", seg,
                    f"by {col}: selects {_pct(rates.iloc[0])} of {rates.index[0]} but {_pct(hi_rate)} of "
                    f"{rates.index[-1]} (ratio {ratio:.2f} < {disparity_threshold:g}); check the exclusion is justified")
            elif include_passed:
                add("ok", "exclusion disparity", seg, f"by {col}: selection-rate ratio {ratio:.2f}")

    out = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    if not out.empty:
        out = out.iloc[np.argsort(out["severity"].map(SEVERITY_ORDER).to_numpy(), kind="stable")]
    return out.reset_index(drop=True)
