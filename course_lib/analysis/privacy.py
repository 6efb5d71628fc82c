"""Privacy in practice: the law at course level, minimisation, fairness, retention, a plan check.

Micro-targeting runs on personal data, so every campaign carries four
duties besides consent (see :mod:`course_lib.analysis.consent`) and the plan audit
(see :mod:`course_lib.analysis.ethics`). This module gives each a small tool:

* :func:`load_privacy_laws` -- GDPR, CCPA/CPRA and India's DPDP Act 2023
  side by side, aspect by aspect, from ``data/content/privacy_laws.yaml``
  (a teaching summary, **not legal advice**; :func:`privacy_law_notes` has
  the disclaimer and the full names);
* :func:`reidentification_risk` and :func:`minimise` -- how many people a
  combination of ordinary columns singles out, and a copy of the data with
  sensitive columns dropped and precise ones coarsened;
* :func:`reach_by_group` and :func:`disparity_ratio` -- who a rule reaches
  in each group (income band, gender, ...), to spot a rule that excludes a
  group through a *proxy* such as a pin code;
* :func:`apply_retention` -- a retention policy: rows older than N months or
  belonging to people who withdrew consent are removed, with counts;
* :func:`check_plan` and :func:`plan_builder` -- one segment on one channel:
  the audit's findings and the compliant reach, and a widget to explore it.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.privacy import reach_by_group
>>> people = pd.DataFrame({"pin": ["A", "A", "B", "B"], "income": ["high", "low", "low", "low"]})
>>> reach_by_group(people, "pin == 'A'", "income", min_group=1)[["customers", "selected", "selection_rate"]]
        customers  selected  selection_rate
income                                     
high            1         1        1.000000
low             3         1        0.333333
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.segmentation import Rule, rule_mask
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_datetime,
    require_number,
    require_positive_int,
    require_probability,
)

__all__ = [
    "PRIVACY_LAWS_FILE",
    "PLAN_OPTIONS_FILE",
    "load_privacy_laws",
    "privacy_law_notes",
    "reidentification_risk",
    "Minimised",
    "minimise",
    "reach_by_group",
    "disparity_ratio",
    "Retention",
    "apply_retention",
    "load_plan_options",
    "PlanCheck",
    "check_plan",
    "check_plans",
    "plan_builder",
]

#: The law comparison table.
PRIVACY_LAWS_FILE: Path = paths.DATA_DIR / "content" / "privacy_laws.yaml"
#: Ready-made segments (some deliberately problematic) for the plan builder.
PLAN_OPTIONS_FILE: Path = paths.DATA_DIR / "ethics" / "plan_options.yaml"


# --------------------------------------------------------------------------- the law table


@lru_cache(maxsize=4)
def _read_laws(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh)
    except FileNotFoundError:
        raise ValueError(f"the privacy-law file {path} does not exist.") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("laws"), dict) or not isinstance(spec.get("aspects"), list):
        raise ValueError(f"{path} must contain a 'laws' mapping and an 'aspects' list.")
    for key in ("title", "disclaimer"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise ValueError(f"{path} needs a non-empty {key!r}.")
    laws = spec["laws"]
    for key, law in laws.items():
        if not isinstance(law, dict) or not {"name", "full_name"} <= set(law):
            raise ValueError(f"{path}: law {key!r} needs a name and a full_name.")
    for i, row in enumerate(spec["aspects"]):
        if not isinstance(row, dict) or not isinstance(row.get("aspect"), str):
            raise ValueError(f"{path}: aspect #{i + 1} needs an 'aspect' name.")
        missing = [k for k in laws if not isinstance(row.get(k), str) or not row[k].strip()]
        if missing:
            raise ValueError(f"{path}: aspect {row['aspect']!r} has no text for {missing}.")
    return spec


def load_privacy_laws(*, path: str | Path | None = None) -> pd.DataFrame:
    """GDPR, CCPA/CPRA and the DPDP Act side by side (a teaching summary, not legal advice).

    Returns
    -------
    DataFrame
        Index ``aspect`` (lawful basis and consent, notice, rights, children's
        data, penalties, ...), one column per law (its short name).

    Examples
    --------
    >>> laws = load_privacy_laws()
    >>> laws.columns.tolist()
    ['GDPR (EU)', 'CCPA/CPRA (California)', 'DPDP Act 2023 (India)']
    >>> "Children's data" in laws.index
    True
    """
    spec = _read_laws(str(path or PRIVACY_LAWS_FILE))
    laws = spec["laws"]
    rows = [{"aspect": r["aspect"], **{laws[k]["name"]: r[k].strip() for k in laws}} for r in spec["aspects"]]
    return pd.DataFrame(rows).set_index("aspect")


def privacy_law_notes(*, path: str | Path | None = None) -> dict[str, Any]:
    """Title, disclaimer, date checked and full names of the laws in the table.

    Examples
    --------
    >>> "not legal advice" in privacy_law_notes()["disclaimer"]
    True
    """
    spec = _read_laws(str(path or PRIVACY_LAWS_FILE))
    return {"title": spec["title"], "disclaimer": " ".join(spec["disclaimer"].split()),
            "checked": str(spec.get("checked", "")),
            "full_names": {law["name"]: law["full_name"] for law in spec["laws"].values()}}


# --------------------------------------------------------------------------- minimisation


def _column_sets(columns: Sequence[str] | Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    if isinstance(columns, Mapping):
        sets = {str(k): list(v) for k, v in columns.items()}
    elif isinstance(columns, Sequence) and not isinstance(columns, str):
        sets = {" + ".join(map(str, columns)): list(columns)}
    else:
        raise TypeError("columns must be a list of column names or a dict of name -> list of column names.")
    if not sets or any(not cols for cols in sets.values()):
        raise ValueError("columns must name at least one column (in every combination).")
    return sets


def reidentification_risk(
    data: pd.DataFrame, columns: Sequence[str] | Mapping[str, Sequence[str]], k: int = 10
) -> pd.DataFrame:
    """How many people a combination of columns singles out (quasi-identifiers).

    People who share every value of the columns form a group; a person in a
    group of one is *unique*, so anyone who knows those few facts about them
    can find their record, even without a name. Groups smaller than ``k``
    break k-anonymity.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    columns : list of str, or dict of name -> list of str
        One combination, or several to compare (one output row each).
    k : int
        The k-anonymity threshold.

    Returns
    -------
    DataFrame
        Index = combination; ``people``, ``groups``, ``unique`` (people alone
        in their group), ``below_k`` (people in groups smaller than ``k``),
        ``share_unique``, ``share_below_k``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [30, 30, 41], "pin": ["1", "1", "1"]})
    >>> reidentification_risk(df, ["age", "pin"], k=2)[["unique", "below_k"]]
               unique  below_k
    age + pin       1        1
    """
    require_dataframe(data, "data")
    k = require_positive_int(k, "k")
    rows = []
    for name, cols in _column_sets(columns).items():
        require_columns(data, cols, "data")
        keyed = data[cols].assign(_one=1)
        sizes = keyed.groupby(cols, dropna=False, observed=True)["_one"].transform("size")
        n = len(data)
        unique = int((sizes == 1).sum())
        below = int((sizes < k).sum())
        groups = int(keyed.groupby(cols, dropna=False, observed=True).ngroups)
        rows.append({"combination": name, "people": n, "groups": groups, "unique": unique, "below_k": below,
                     "share_unique": unique / n, "share_below_k": below / n})
    return pd.DataFrame(rows).set_index("combination").rename_axis(None)


@dataclass(frozen=True)
class Minimised:
    """Result of :func:`minimise`: the reduced ``data`` and a ``log`` of what was done to each column."""

    data: pd.DataFrame
    log: pd.DataFrame


def _band_labels(edges: Sequence[float]) -> list[str]:
    return [f"{lo:g}-{hi - 1:g}" if float(hi).is_integer() and float(lo).is_integer() else f"{lo:g}-{hi:g}"
            for lo, hi in zip(edges[:-1], edges[1:])]


def minimise(
    data: pd.DataFrame,
    *,
    drop: Sequence[str] = (),
    bins: Mapping[str, Sequence[float]] | None = None,
    decimals: Mapping[str, int] | None = None,
) -> Minimised:
    """A copy of ``data`` with columns dropped or coarsened (data minimisation).

    Parameters
    ----------
    data : DataFrame
        The data to share or analyse; not modified.
    drop : list of str
        Columns the purpose does not need.
    bins : dict of column -> edges
        Numeric columns replaced by bands, e.g. ``{"age": [0, 18, 25, 35]}``
        gives ``"0-17"``, ``"18-24"``, ``"25-34"`` (left edge included; values
        outside the edges become missing).
    decimals : dict of column -> int
        Numeric columns rounded, e.g. latitude and longitude to 2 decimals
        (about 1 km) instead of 5 (about 1 m).

    Returns
    -------
    Minimised
        ``.data`` (the reduced copy) and ``.log`` (``column``, ``action``,
        ``detail``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [17, 30], "gender": ["f", "m"], "lat": [21.14523, 21.09871]})
    >>> out = minimise(df, drop=["gender"], bins={"age": [0, 18, 100]}, decimals={"lat": 2})
    >>> out.data.to_dict("list")
    {'age': ['0-17', '18-99'], 'lat': [21.15, 21.1]}
    """
    require_dataframe(data, "data", allow_empty=True)
    if isinstance(drop, str):
        drop = [drop]
    bins = dict(bins or {})
    decimals = dict(decimals or {})
    require_columns(data, [*drop, *bins, *decimals], "data")
    overlap = set(drop) & (set(bins) | set(decimals)) or set(bins) & set(decimals)
    if overlap:
        raise ValueError(f"each column can be dropped, binned or rounded, not two of these: {sorted(overlap)}.")
    out = data.drop(columns=list(drop))
    log = [{"column": c, "action": "dropped", "detail": "not needed for the purpose"} for c in drop]
    for col, edges in bins.items():
        if pd.api.types.is_bool_dtype(out[col]) or not pd.api.types.is_numeric_dtype(out[col]):
            raise TypeError(f"bins need a numeric column, but {col!r} has dtype {out[col].dtype}.")
        edges = [require_number(e, f"bins[{col!r}]") for e in edges]
        if len(edges) < 2 or any(b <= a for a, b in zip(edges[:-1], edges[1:])):
            raise ValueError(f"bins[{col!r}] must be at least two increasing edges, got {edges}.")
        labels = _band_labels(edges)
        out[col] = pd.cut(out[col], edges, right=False, labels=labels)
        log.append({"column": col, "action": "banded", "detail": ", ".join(labels)})
    for col, places in decimals.items():
        require_positive_int(places, f"decimals[{col!r}]", minimum=0)
        if pd.api.types.is_bool_dtype(out[col]) or not pd.api.types.is_numeric_dtype(out[col]):
            raise TypeError(f"decimals need a numeric column, but {col!r} has dtype {out[col].dtype}.")
        out[col] = out[col].round(places)
        log.append({"column": col, "action": "rounded", "detail": f"{places} decimal(s)"})
    return Minimised(out, pd.DataFrame(log, columns=["column", "action", "detail"]))


# --------------------------------------------------------------------------- fairness


def reach_by_group(
    data: pd.DataFrame, rule: Rule, by: str, *, min_group: int = 10, threshold: float = 0.8
) -> pd.DataFrame:
    """Who a rule selects in each group, and which groups it leaves behind.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    rule : str, dict or None
        The audience rule (as in :func:`course_lib.analysis.segmentation.rule_mask`).
    by : str
        The group column (e.g. ``"income_band"``, ``"gender"``).
    min_group : int
        Groups with fewer people are shown but not compared (``ratio`` missing).
    threshold : float
        A group is ``flagged`` when its selection rate is below ``threshold``
        times the highest rate (0.8 = the "four-fifths" rule of thumb).

    Returns
    -------
    DataFrame
        Index = group; ``customers``, ``selected``, ``selection_rate``,
        ``ratio_to_highest`` and ``flagged``.

    Examples
    --------
    See the module docstring.
    """
    require_dataframe(data, "data")
    require_columns(data, [by], "data")
    min_group = require_positive_int(min_group, "min_group")
    threshold = require_probability(threshold, "threshold")
    mask = rule_mask(data, rule, "rule").to_numpy(dtype=bool)
    groups = data[by]
    table = (pd.DataFrame({"customers": 1, "selected": mask.astype(int)}, index=data.index)
             .groupby(groups.to_numpy(), sort=True).sum())
    table.index.name = by
    if isinstance(groups.dtype, pd.CategoricalDtype):
        order = [c for c in groups.cat.categories if c in table.index]
        table = table.loc[order]
    table["selection_rate"] = table["selected"] / table["customers"]
    big = table["customers"] >= min_group
    top = table.loc[big, "selection_rate"].max() if big.any() else np.nan
    ratio = table["selection_rate"] / top if top and top > 0 else pd.Series(np.nan, index=table.index)
    table["ratio_to_highest"] = ratio.where(big)
    table["flagged"] = (table["ratio_to_highest"] < threshold).fillna(False).astype(bool)
    return table


def disparity_ratio(data: pd.DataFrame, rule: Rule, by: str, *, min_group: int = 10) -> float:
    """Lowest group selection rate divided by the highest (1 = equal reach, 0 = a group left out).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "x": [1, 1, 0, 0, 1, 0, 0, 0]})
    >>> disparity_ratio(people, "x == 1", "g", min_group=1)
    0.5
    """
    table = reach_by_group(data, rule, by, min_group=min_group)
    rates = table.loc[table["customers"] >= min_group, "selection_rate"]
    if len(rates) < 2 or rates.max() == 0:
        raise ValueError(f"need at least two groups of {by!r} with {min_group}+ people and someone selected.")
    return float(rates.min() / rates.max())


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class Retention:
    """Result of :func:`apply_retention`.

    Attributes
    ----------
    kept : DataFrame
        The rows the policy keeps.
    removed : DataFrame
        The rows it deletes, with a ``reason`` column.
    summary : DataFrame
        Rows per outcome: ``older than N months``, ``withdrawn consent``,
        ``both``, ``kept`` and ``total``.
    cutoff : pandas.Timestamp
        Rows dated before this day are too old.
    """

    kept: pd.DataFrame
    removed: pd.DataFrame
    summary: pd.DataFrame
    cutoff: pd.Timestamp


def apply_retention(
    data: pd.DataFrame,
    *,
    date: str,
    as_of: Any,
    months: int,
    withdrawn: Any = None,
    id_col: str = "customer_id",
) -> Retention:
    """Apply a retention policy: delete rows older than ``months`` and rows of people who withdrew consent.

    Parameters
    ----------
    data : DataFrame
        The records (e.g. purchases in the marketing database); not modified.
    date : str
        The date column.
    as_of : date-like
        The day the policy runs. Rows dated before ``as_of`` minus ``months``
        calendar months are too old; a row on the cut-off day is kept.
    months : int
        How long records are kept.
    withdrawn : list-like of ids, or None
        People whose consent was withdrawn: all their rows go (matched on
        ``id_col``).
    id_col : str
        The id column used with ``withdrawn``.

    Returns
    -------
    Retention
        ``kept``, ``removed`` (with ``reason``), ``summary`` (counts) and ``cutoff``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b"],
    ...                    "date": pd.to_datetime(["2024-01-15", "2025-03-01", "2025-06-30"])})
    >>> res = apply_retention(tx, date="date", as_of="2025-06-30", months=12, withdrawn=["b"])
    >>> res.summary["rows"].to_dict()
    {'older than 12 months': 1, 'withdrawn consent': 2, 'both': 0, 'kept': 0, 'total': 3}
    """
    require_dataframe(data, "data", allow_empty=True)
    dates = require_datetime(data, date, "data")
    months = require_positive_int(months, "months")
    try:
        as_of = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise ValueError(f"as_of must be a date such as '2025-12-31', got {as_of!r}.") from None
    if pd.isna(as_of):
        raise ValueError("as_of must be a date, got a missing value.")
    cutoff = as_of.normalize() - pd.DateOffset(months=months)
    old = (dates < cutoff).to_numpy(dtype=bool, na_value=False)
    if withdrawn is None:
        gone = np.zeros(len(data), dtype=bool)
    else:
        if isinstance(withdrawn, (str, bytes)) or not hasattr(withdrawn, "__iter__"):
            raise TypeError("withdrawn must be a list-like of ids (or None).")
        require_columns(data, [id_col], "data")
        gone = data[id_col].isin(list(withdrawn)).to_numpy(dtype=bool)
    drop = old | gone
    reason = np.select([old & gone, old, gone], ["both", f"older than {months} months", "withdrawn consent"], "")
    removed = data.loc[drop].assign(reason=reason[drop])
    counts = {f"older than {months} months": int((old & ~gone).sum()), "withdrawn consent": int((gone & ~old).sum()),
              "both": int((old & gone).sum()), "kept": int((~drop).sum()), "total": len(data)}
    summary = pd.DataFrame({"rows": counts})
    summary["share"] = summary["rows"] / len(data) if len(data) else 0.0
    return Retention(kept=data.loc[~drop], removed=removed, summary=summary, cutoff=cutoff)


# --------------------------------------------------------------------------- plan check and builder


def load_plan_options(*, path: str | Path | None = None) -> pd.DataFrame:
    """Ready-made segments for :func:`plan_builder` (``name``, ``rule``, ``note``).

    Examples
    --------
    >>> "Everyone (mass)" in set(load_plan_options()["name"])
    True
    """
    path = Path(path or PLAN_OPTIONS_FILE)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"the plan-options file {path} does not exist.") from None
    rows = spec.get("segments") if isinstance(spec, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{path} must contain a non-empty 'segments' list.")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str) or "rule" not in row:
            raise ValueError(f"{path}: segment #{i + 1} needs a name and a rule (empty = everyone).")
    frame = pd.DataFrame([{"name": r["name"], "rule": r["rule"] or "", "note": r.get("note", "")} for r in rows])
    if frame["name"].duplicated().any():
        raise ValueError(f"{path}: segment names must be unique.")
    return frame


@dataclass(frozen=True)
class PlanCheck:
    """Result of :func:`check_plan`.

    Attributes
    ----------
    findings : DataFrame
        The audit's findings (see :func:`course_lib.analysis.ethics.audit_targeting_plan`).
    audience : int
        People the rule selects.
    contactable : int
        Of those, people who may be contacted on the channel.
    compliant_reach : int
        ``contactable`` if no high-severity problem other than consent is
        left, else 0: consent is fixed by contacting only the contactable,
        but a sensitive attribute or a segment that singles people out must be
        fixed in the rule itself.
    verdict : str
        ``"fix first"`` (a high-severity problem other than consent),
        ``"review"`` (medium findings), ``"contact consenting only"`` (only the
        consent finding) or ``"ok"``.
    """

    findings: pd.DataFrame
    audience: int
    contactable: int
    compliant_reach: int
    verdict: str

    def summary(self) -> str:
        """One line: audience, contactable, compliant reach and verdict."""
        return (f"audience {self.audience:,}; contactable on the channel {self.contactable:,}; "
                f"compliant reach {self.compliant_reach:,}; verdict: {self.verdict}")


def check_plan(
    customers: pd.DataFrame,
    rule: Rule,
    channel: str,
    *,
    k: int = 10,
    groups: Mapping[str, Any] | None = None,
    segment: str = "segment",
) -> PlanCheck:
    """Audit one segment on one channel and work out how many people may really be contacted.

    Parameters
    ----------
    customers : DataFrame
        The customer table with consent flags.
    rule : str, dict or None
        The segment rule ("" or None = everyone).
    channel : str
        A simulator channel (``email``, ``sms``, ``whatsapp``, ``app_push``,
        ``social_ads``, ``display_ads``, ``search_ads``).
    k : int
        Minimum segment size for the audit.
    groups : dict, optional
        Groups for the audit's disparity check (default: the data file's).
    segment : str
        Name used in the findings.

    Returns
    -------
    PlanCheck

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"visits": range(20, 60), "consent_email": [True, False] * 20})
    >>> check_plan(people, "visits >= 30", "email", k=5, groups={}).summary()
    'audience 30; contactable on the channel 15; compliant reach 15; verdict: contact consenting only'
    """
    from course_lib.analysis.consent import contactable as _contactable  # noqa: PLC0415 (consent imports simulate)
    from course_lib.analysis.ethics import audit_targeting_plan  # noqa: PLC0415

    require_dataframe(customers, "customers")
    if isinstance(rule, str) and not rule.strip():
        rule = None
    mask = rule_mask(customers, rule, "rule").to_numpy(dtype=bool)
    reachable = _contactable(customers, channel).to_numpy(dtype=bool)
    findings = audit_targeting_plan([{"segment": segment, "rule": rule, "channel": channel}], customers, k=k,
                                    groups=groups)
    high = findings["severity"].eq("high")
    blocking = high & findings["check"].ne("consent")
    consent_high = high & findings["check"].eq("consent")
    contactable_n = int((mask & reachable).sum())
    if blocking.any():
        verdict = "fix first"
    elif findings["severity"].eq("medium").any():
        verdict = "review"
    elif consent_high.any():
        verdict = "contact consenting only"
    else:
        verdict = "ok"
    return PlanCheck(findings=findings, audience=int(mask.sum()), contactable=contactable_n,
                     compliant_reach=0 if blocking.any() else contactable_n, verdict=verdict)


def check_plans(customers: pd.DataFrame, plan: pd.DataFrame, *, k: int = 10) -> pd.DataFrame:
    """Run :func:`check_plan` on every line of a campaign plan.

    Parameters
    ----------
    customers : DataFrame
        The customer table with consent flags.
    plan : DataFrame
        One row per line with columns ``segment``, ``rule`` and ``channel``
        (the format :func:`course_lib.analysis.ethics.audit_targeting_plan` takes); a
        missing rule means everyone.
    k : int
        Minimum segment size for the audit.

    Returns
    -------
    DataFrame
        Indexed by segment: ``audience``, ``contactable``, ``compliant_reach`` and ``verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"visits": range(20, 60), "consent_email": [True, False] * 20})
    >>> plan = pd.DataFrame([{"segment": "regulars", "rule": "visits >= 30", "channel": "email"}])
    >>> check_plans(people, plan, k=5).to_dict("records")
    [{'audience': 30, 'contactable': 15, 'compliant_reach': 15, 'verdict': 'contact consenting only'}]
    """
    require_dataframe(plan, "plan")
    require_columns(plan, ["segment", "rule", "channel"], "plan")
    rows = {}
    for line in plan.itertuples(index=False):
        rule = None if not isinstance(line.rule, (str, dict)) and pd.isna(line.rule) else line.rule  # blank = everyone
        result = check_plan(customers, rule, line.channel, k=k, segment=line.segment)
        rows[line.segment] = {"audience": result.audience, "contactable": result.contactable,
                              "compliant_reach": result.compliant_reach, "verdict": result.verdict}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("segment")


def plan_builder(
    customers: pd.DataFrame,
    *,
    options: pd.DataFrame | None = None,
    channels: Sequence[str] | None = None,
    groups: Mapping[str, Any] | None = None,
    k: int = 10,
) -> Any:
    """A widget: choose a segment and a channel, see the audit findings and the compliant reach.

    Parameters
    ----------
    customers : DataFrame
        The customer table.
    options : DataFrame, optional
        Segments to choose from (``name``, ``rule``); default :func:`load_plan_options`.
    channels : list of str, optional
        Channels to offer; default every channel of :func:`course_lib.analysis.consent.channel_requirements`.
    groups : dict, optional
        Groups compared by the disparity check.
    k : int
        Starting value of the k-anonymity slider.

    Returns
    -------
    ipywidgets.VBox
        Controls on top, the result below (drawn into an ``Output`` widget:
        a cell showing it needs the ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    from course_lib.analysis.consent import channel_requirements  # noqa: PLC0415

    require_dataframe(customers, "customers")
    options = load_plan_options() if options is None else options
    require_dataframe(options, "options")
    require_columns(options, ["name", "rule"], "options")
    channels = list(channel_requirements()) if channels is None else list(channels)
    k = require_positive_int(k, "k")
    rules = dict(zip(options["name"], options["rule"]))
    segment = widgets.Dropdown(options=list(rules), description="segment", layout=widgets.Layout(width="420px"))
    channel = widgets.Dropdown(options=channels, description="channel")
    consenting = widgets.Checkbox(value=False, description="only people who may be contacted", indent=False)
    k_slider = widgets.IntSlider(value=k, min=2, max=50, step=1, description="k (min size)", continuous_update=False)
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        from course_lib.analysis.consent import consented_rule  # noqa: PLC0415

        rule = rules[segment.value] or None
        if consenting.value:
            rule = consented_rule(rule, channel.value)
        result = check_plan(customers, rule, channel.value, k=k_slider.value, groups=groups, segment=segment.value)
        out.clear_output(wait=True)
        with out:
            print(f"rule: {rule or '(everyone)'}")
            print(result.summary())
            table = result.findings.drop(columns="segment") if len(result.findings) else \
                pd.DataFrame({"message": ["no findings: the plan passes every check"]})
            with pd.option_context("display.max_colwidth", None, "display.width", 250):
                display(table)

    for control in (segment, channel, consenting, k_slider):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([segment, channel]), widgets.HBox([consenting, k_slider]), out])
