"""Data audit and cleaning: find the dirt before it reaches a campaign.

Micro-segments are small, so a handful of bad rows (a customer entered twice,
a board spelt four ways, an age of 0) can move a segment's size or response
rate a lot. The usual routine is *audit, then clean, then audit again*:

* :func:`audit_table` -- one row per column: missing values, distinct labels,
  labels that differ only in case, spaces or punctuation, and values that
  break a validity rule; plus the number of duplicated rows and keys.
* :func:`find_duplicates` / :func:`dedupe` -- rows that repeat an earlier row
  on every column except the ones you ignore (usually the record id, which a
  second entry of the same person gets afresh).
* :func:`normalise_label`, :func:`standardise_labels`, :func:`label_changes`
  -- map label variants ("cbse", "C.B.S.E.", typos) onto one spelling and show
  what was changed.
* :func:`invalid_mask`, :func:`mask_invalid` -- find impossible values and
  turn them into missing values (never guess a replacement).

A validity rule for a column is, as in :mod:`course_lib.analysis.segmentation`, a list
or set of allowed values, a tuple ``(lo, hi)`` (an inclusive range; ``None``
for an open end) or a function returning True for the valid values. Missing
values are never "invalid": they are counted separately.

Every function returns a new object; the caller's frame is never modified.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.cleaning import audit_table, standardise_labels
>>> df = pd.DataFrame({"id": ["a", "b", "c", "d"], "board": ["CBSE", "cbse", "ICSE", None],
...                    "age": [16, 0, 17, 16]})
>>> audit = audit_table(df, rules={"board": ["CBSE", "ICSE"], "age": (10, 25)}, ignore=["id"])
>>> audit.report.loc["board", ["missing", "invalid", "label_variants"]].tolist()
[1, 1, 2]
>>> audit.report.loc["age", ["missing", "invalid", "label_variants"]].tolist()
[0, 1, 0]
>>> standardise_labels(df["board"], ["CBSE", "ICSE"]).tolist()
['CBSE', 'CBSE', 'ICSE', nan]
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe

__all__ = [
    "job_title_spec",
    "standardise_titles",
    "title_roles",
    "company_key",
    "Rule",
    "DataAudit",
    "audit_table",
    "missing_mask",
    "invalid_mask",
    "mask_invalid",
    "find_duplicates",
    "dedupe",
    "normalise_label",
    "standardise_labels",
    "label_changes",
]

#: A validity rule: allowed values, an inclusive (lo, hi) range, or a function.
Rule = Sequence[Any] | set[Any] | frozenset[Any] | tuple[Any, Any] | Callable[[pd.Series], Any]

_NON_WORD = re.compile(r"[^0-9a-z]+")
_REPORT_COLUMNS = ["dtype", "missing", "missing_pct", "distinct", "label_variants", "invalid", "invalid_pct",
                   "examples"]


# --------------------------------------------------------------------------- helpers


def _is_text(values: pd.Series) -> bool:
    return (isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values)
            or pd.api.types.is_object_dtype(values))


def _column_list(data: pd.DataFrame, columns: Any, arg: str) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        columns = [columns]
    if not isinstance(columns, Iterable):
        raise TypeError(f"{arg} must be a column name or a list of column names, got {type(columns).__name__}.")
    columns = list(columns)
    require_columns(data, columns, "data")
    return columns


def _subset(data: pd.DataFrame, subset: Any, ignore: Any) -> list[str]:
    if subset is not None and ignore is not None:
        raise ValueError("give either subset (the columns to compare) or ignore (the columns to leave out), not both.")
    if subset is not None:
        cols = _column_list(data, subset, "subset")
        if not cols:
            raise ValueError("subset must name at least one column.")
        return cols
    left_out = set(_column_list(data, ignore, "ignore"))
    cols = [c for c in data.columns if c not in left_out]
    if not cols:
        raise ValueError("ignore leaves no column to compare; keep at least one column.")
    return cols


def missing_mask(values: pd.Series) -> pd.Series:
    """True where a value is missing: NaN/None/NaT/NA, or text that is empty or only spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> missing_mask(pd.Series(["a", "", "  ", None])).tolist()
    [False, True, True, True]
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}.")
    mask = values.isna().to_numpy(dtype=bool)
    if _is_text(values):
        text = values.astype("object")
        blank = np.array([isinstance(v, str) and not v.strip() for v in text], dtype=bool)
        mask = mask | blank
    return pd.Series(mask, index=values.index, name=values.name)


def _check_rule(column: str, rule: Any, values: pd.Series) -> None:
    if callable(rule):
        return
    if isinstance(rule, tuple):
        if len(rule) != 2:
            raise ValueError(f"the rule for {column!r} is a tuple, so it must be a range (lo, hi); got {rule!r}.")
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)) or \
                pd.api.types.is_bool_dtype(values):
            raise TypeError(f"the range rule for {column!r} needs a numeric or date column, "
                            f"but {column!r} has dtype {values.dtype}.")
        return
    if isinstance(rule, (str, bytes)) or not isinstance(rule, (list, set, frozenset, pd.Index, np.ndarray)):
        raise TypeError(f"the rule for {column!r} must be a list of allowed values, a (lo, hi) range or a "
                        f"function, got {type(rule).__name__} {rule!r}.")


def invalid_mask(data: pd.DataFrame, column: str, rule: Rule) -> pd.Series:
    """True where ``data[column]`` is present but breaks ``rule``.

    Parameters
    ----------
    data : pandas.DataFrame
    column : str
        The column to check.
    rule : list, set, tuple or callable
        Allowed values (list/set), an inclusive range ``(lo, hi)`` with
        ``None`` for an open end, or a function taking the column and
        returning True for valid values.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``data``; missing values are never flagged (see
        :func:`missing_mask`).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [16, 0, 99, None]})
    >>> invalid_mask(df, "age", (10, 30)).tolist()
    [False, True, True, False]
    """
    require_dataframe(data, "data", allow_empty=True)
    if not isinstance(column, str):
        raise TypeError(f"column must be a column name (str), got {type(column).__name__}.")
    require_columns(data, [column], "data")
    values = data[column]
    _check_rule(column, rule, values)
    present = ~missing_mask(values).to_numpy()
    if callable(rule):
        try:
            ok = rule(values)
        except Exception as exc:  # noqa: BLE001 - any failure of the student's function is reported by name
            raise ValueError(f"the rule function for {column!r} failed: {type(exc).__name__}: {exc}") from None
        ok = np.asarray(ok)
        if ok.shape != (len(values),):
            raise ValueError(f"the rule function for {column!r} must return one True/False per row "
                             f"({len(values)}), got shape {ok.shape}.")
        ok = pd.Series(ok).fillna(False).to_numpy(dtype=bool)
    elif isinstance(rule, tuple):
        lo, hi = rule
        ok = np.ones(len(values), dtype=bool)
        if lo is not None:
            ok &= (values >= lo).to_numpy(dtype=bool, na_value=False)
        if hi is not None:
            ok &= (values <= hi).to_numpy(dtype=bool, na_value=False)
    else:
        ok = values.astype("object").isin(list(rule)).to_numpy(dtype=bool)
    return pd.Series(present & ~ok, index=data.index, name=column)


def _examples(values: pd.Series, limit: int = 4) -> str:
    if values.empty:
        return ""
    counts = values.astype("object").value_counts()
    parts = [f"{v!r} ({n})" for v, n in counts.head(limit).items()]
    if len(counts) > limit:
        parts.append(f"... {len(counts) - limit} more")
    return ", ".join(parts)


def normalise_label(text: Any) -> Any:
    """A label's comparison key: lower case, accents, spaces and punctuation removed.

    Non-text values (numbers, missing values) are returned unchanged.

    Examples
    --------
    >>> normalise_label("  C.B.S.E. ")
    'cbse'
    >>> normalise_label("State  Board") == normalise_label("state-board")
    True
    """
    if not isinstance(text, str):
        return text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub("", ascii_text.casefold())


def _label_variants(values: pd.Series) -> tuple[int, str]:
    labels = pd.Series(values.dropna().astype("object").unique())
    labels = labels[labels.map(lambda v: isinstance(v, str))]
    if labels.empty:
        return 0, ""
    keys = labels.map(normalise_label)
    clash = keys.duplicated(keep=False).to_numpy()
    if not clash.any():  # the common case for id columns: no grouping needed
        return 0, ""
    labels, keys = labels[clash], keys[clash]
    groups = labels.groupby(keys.to_numpy()).agg(list)
    groups = groups[groups.map(len) > 1]
    n = int(groups.map(len).sum())
    shown = "; ".join(" / ".join(repr(x) for x in sorted(g)) for g in groups.head(3))
    return n, shown


# --------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class DataAudit:
    """The result of :func:`audit_table`.

    Attributes
    ----------
    report : pandas.DataFrame
        One row per column (index ``column``): ``dtype``; ``missing`` and
        ``missing_pct`` (percent of rows); ``distinct`` labels; ``label_variants``
        (text labels that equal another label apart from case, spaces or
        punctuation, e.g. 'CBSE' and 'cbse'); ``invalid`` and ``invalid_pct``
        (present values that break the column's rule; missing when the column
        has no rule); ``examples`` (the most common invalid values, or the
        label variants).
    n_rows : int
        Rows in the table.
    duplicate_rows : int
        Rows that repeat an earlier row on the compared columns.
    duplicate_keys : int or None
        Rows whose ``key`` repeats an earlier row's key (``None`` without a key).
    compared : list of str
        The columns compared when looking for duplicate rows.
    variant_groups : dict
        Column -> the groups of label variants found, as text.
    """

    report: pd.DataFrame
    n_rows: int
    duplicate_rows: int
    duplicate_keys: int | None
    compared: list[str]
    variant_groups: dict[str, str]

    def issues(self) -> pd.DataFrame:
        """A to-do list: one row per problem found (check, column, rows, share, detail).

        Examples
        --------
        >>> import pandas as pd
        >>> audit_table(pd.DataFrame({"x": [1, 2, None]})).issues()[["check", "column", "rows"]]
                check column  rows
        0  duplicates  (row)     0
        1     missing      x     1
        """
        rows: list[dict[str, Any]] = []

        def add(check: str, column: str, n: int, detail: str) -> None:
            rows.append({"check": check, "column": column, "rows": int(n),
                         "share": n / self.n_rows if self.n_rows else 0.0, "detail": detail})

        compared = "every column" if len(self.compared) > 3 else ", ".join(self.compared)
        add("duplicates", "(row)", self.duplicate_rows, f"rows repeating an earlier row on {compared}")
        if self.duplicate_keys:
            add("duplicate keys", "(key)", self.duplicate_keys, "rows whose key repeats an earlier key")
        for col, r in self.report.iterrows():
            if r["missing"]:
                add("missing", str(col), r["missing"], "empty cells")
            if r["label_variants"]:
                add("label variants", str(col), r["label_variants"],
                    f"labels: {self.variant_groups.get(str(col), '')}")
            if pd.notna(r["invalid"]) and r["invalid"]:
                add("invalid", str(col), r["invalid"], f"values: {r['examples']}")
        out = pd.DataFrame(rows, columns=["check", "column", "rows", "share", "detail"])
        return out[(out["rows"] > 0) | (out["check"] == "duplicates")].reset_index(drop=True)

    def __repr__(self) -> str:
        key = "" if self.duplicate_keys is None else f", {self.duplicate_keys} duplicate keys"
        return (f"DataAudit: {self.n_rows} rows, {self.duplicate_rows} duplicate rows{key}\n"
                f"{self.report.to_string()}")

    def _repr_html_(self) -> str:
        key = "" if self.duplicate_keys is None else f", <b>{self.duplicate_keys}</b> duplicate keys"
        head = (f"<p><b>Data audit</b>: {self.n_rows:,} rows, <b>{self.duplicate_rows}</b> duplicate rows"
                f"{key}</p>")
        return head + self.report.to_html(na_rep="")


def audit_table(
    data: pd.DataFrame,
    *,
    rules: Mapping[str, Rule] | None = None,
    ignore: str | Sequence[str] | None = None,
    key: str | Sequence[str] | None = None,
) -> DataAudit:
    """Audit a table: missing values, label variants, invalid values and duplicates.

    Parameters
    ----------
    data : pandas.DataFrame
        The table to audit (not modified).
    rules : dict, optional
        Column -> validity rule (allowed values, ``(lo, hi)`` range or a
        function; see :func:`invalid_mask`). Columns without a rule get no
        validity count (shown as missing).
    ignore : str or list of str, optional
        Columns left out when looking for duplicate rows, typically the
        record id that a repeated entry gets afresh.
    key : str or list of str, optional
        Column(s) that should identify a row; repeated keys are counted.

    Returns
    -------
    DataAudit
        ``.report`` (one row per column), ``.duplicate_rows``,
        ``.duplicate_keys``, ``.issues()``.

    Raises
    ------
    TypeError, ValueError
        When ``data`` is not a DataFrame, a named column does not exist, or
        a rule does not fit its column.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3], "town": ["Kota", "kota ", "Pune"]})
    >>> audit = audit_table(df, ignore="id", key="id")
    >>> audit.duplicate_rows, audit.duplicate_keys
    (0, 0)
    >>> int(audit.report.loc["town", "label_variants"])
    2
    """
    require_dataframe(data, "data")
    rules = {} if rules is None else rules
    if not isinstance(rules, Mapping):
        raise TypeError(f"rules must be a dict of column -> rule, got {type(rules).__name__}.")
    require_columns(data, list(rules), "data")
    compared = _subset(data, None, ignore)
    keys = _column_list(data, key, "key")
    n = len(data)
    records = []
    groups: dict[str, str] = {}
    for col in data.columns:
        values = data[col]
        miss = missing_mask(values)
        n_variants, variants = _label_variants(values) if _is_text(values) else (0, "")
        invalid: float = np.nan
        examples = variants
        if variants:
            groups[str(col)] = variants
        if col in rules:
            bad = invalid_mask(data, col, rules[col])
            invalid = int(bad.sum())
            if invalid:
                examples = _examples(values[bad])
        records.append({
            "column": col,
            "dtype": str(values.dtype),
            "missing": int(miss.sum()),
            "missing_pct": round(100 * miss.sum() / n, 1),
            "distinct": int(values[~miss].nunique()),
            "label_variants": n_variants,
            "invalid": invalid,
            "invalid_pct": round(100 * invalid / n, 1) if not np.isnan(invalid) else np.nan,
            "examples": examples,
        })
    report = pd.DataFrame(records).set_index("column")[_REPORT_COLUMNS]
    report["invalid"] = report["invalid"].astype("Int64")
    dup_rows = int(data.duplicated(subset=compared).sum())
    dup_keys = int(data.duplicated(subset=keys).sum()) if keys else None
    return DataAudit(report=report, n_rows=n, duplicate_rows=dup_rows, duplicate_keys=dup_keys, compared=compared,
                     variant_groups=groups)


# --------------------------------------------------------------------------- invalid values


def mask_invalid(data: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.DataFrame:
    """Return a copy of ``data`` with values that break a rule set to missing.

    An impossible value (an age of 0, a negative amount) is not a fact about
    the customer, so it is removed rather than guessed. Integer columns
    become nullable integers (``Int64``) so they can hold missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> mask_invalid(pd.DataFrame({"age": [16, 0, 99]}), {"age": (10, 30)})["age"].tolist()
    [16, <NA>, <NA>]
    """
    require_dataframe(data, "data", allow_empty=True)
    if not isinstance(rules, Mapping) or not rules:
        raise TypeError("rules must be a non-empty dict of column -> rule, e.g. {'age': (13, 30)}.")
    out = data.copy()
    for col, rule in rules.items():
        bad = invalid_mask(data, col, rule)
        if not bad.any():
            continue
        values = out[col]
        if pd.api.types.is_integer_dtype(values) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            values = values.astype("Int64")
        elif pd.api.types.is_bool_dtype(values) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            values = values.astype("boolean")
        out[col] = values.mask(bad.to_numpy())
    return out


# --------------------------------------------------------------------------- duplicates


def find_duplicates(
    data: pd.DataFrame, *, subset: str | Sequence[str] | None = None, ignore: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """All rows that belong to a group of duplicates, grouped for inspection.

    Parameters
    ----------
    data : pandas.DataFrame
    subset : str or list of str, optional
        Compare only these columns.
    ignore : str or list of str, optional
        Compare every column except these (e.g. the record id). Give
        ``subset`` or ``ignore``, not both; neither compares every column.

    Returns
    -------
    pandas.DataFrame
        The duplicated rows (original index kept) with a ``dup_group``
        column numbering each group, sorted by group then original order;
        the first row of each group is the one :func:`dedupe` keeps.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3], "name": ["Asha", "Ravi", "Asha"]})
    >>> find_duplicates(df, ignore="id")
       id  name  dup_group
    0   1  Asha          1
    2   3  Asha          1
    """
    require_dataframe(data, "data", allow_empty=True)
    cols = _subset(data, subset, ignore)
    dup = data.duplicated(subset=cols, keep=False)
    rows = data[dup.to_numpy()]
    if rows.empty:
        return rows.assign(dup_group=pd.Series(dtype="int64"))
    group = rows.groupby(cols, sort=False, dropna=False, observed=True).ngroup() + 1
    out = rows.assign(dup_group=group.to_numpy())
    order = np.lexsort((np.arange(len(out)), out["dup_group"].to_numpy()))
    return out.iloc[order]


def dedupe(
    data: pd.DataFrame,
    *,
    subset: str | Sequence[str] | None = None,
    ignore: str | Sequence[str] | None = None,
    keep: str = "first",
) -> pd.DataFrame:
    """Drop rows that repeat an earlier row, comparing ``subset`` (or all but ``ignore``).

    Unlike ``DataFrame.drop_duplicates()`` with its defaults, it makes you
    say which columns identify a repeat: a second entry of the same person
    usually has a fresh record id, so comparing every column finds nothing.

    Parameters
    ----------
    data : pandas.DataFrame
    subset, ignore : str or list of str, optional
        As in :func:`find_duplicates`.
    keep : {"first", "last"}
        Which copy to keep.

    Returns
    -------
    pandas.DataFrame
        A new frame; the original index labels of the kept rows are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3], "name": ["Asha", "Ravi", "Asha"]})
    >>> dedupe(df, ignore="id")["id"].tolist()
    [1, 2]
    """
    require_dataframe(data, "data", allow_empty=True)
    if keep not in ("first", "last"):
        raise ValueError(f"keep must be 'first' or 'last', got {keep!r}.")
    cols = _subset(data, subset, ignore)
    return data[~data.duplicated(subset=cols, keep=keep).to_numpy()].copy()


# --------------------------------------------------------------------------- labels


def standardise_labels(
    values: pd.Series,
    valid: Sequence[str],
    *,
    mapping: Mapping[str, str] | None = None,
    unknown: str = "keep",
) -> pd.Series:
    """Map label variants onto one spelling per label.

    Each value is matched, in order, (1) exactly against ``valid``, (2) after
    :func:`normalise_label` (so 'cbse', ' CBSE', 'C.B.S.E.' all become
    'CBSE'), (3) through ``mapping`` for typos and synonyms that no rule can
    guess (e.g. 'CBSC' -> 'CBSE'); ``mapping`` keys are normalised too.

    Parameters
    ----------
    values : pandas.Series
        The labels to clean (not modified).
    valid : sequence of str
        The allowed spellings.
    mapping : dict, optional
        Variant -> allowed label, for what normalisation cannot fix.
    unknown : {"keep", "missing", "raise"}
        What to do with a value that matches nothing: keep it as it is (so
        an audit still shows it), make it missing, or raise ``ValueError``.

    Returns
    -------
    pandas.Series
        Categorical with the ``valid`` labels as categories (plus any kept
        unknown labels), same index and name as ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["CBSE", "cbse", "C.B.S.E.", "CBSC", "SSC"])
    >>> standardise_labels(s, ["CBSE", "ICSE", "State Board"],
    ...                    mapping={"CBSC": "CBSE", "SSC": "State Board"}).tolist()
    ['CBSE', 'CBSE', 'CBSE', 'CBSE', 'State Board']
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series (one column), got {type(values).__name__}.")
    if isinstance(valid, str) or not isinstance(valid, Iterable):
        raise TypeError("valid must be a list of allowed labels, e.g. ['CBSE', 'ICSE', 'State Board'].")
    valid = list(valid)
    if not valid or not all(isinstance(v, str) and v for v in valid):
        raise ValueError("valid must be a non-empty list of non-empty text labels.")
    lookup: dict[str, str] = {}
    for v in valid:
        k = normalise_label(v)
        if k in lookup and lookup[k] != v:
            raise ValueError(f"valid labels {lookup[k]!r} and {v!r} differ only in case or punctuation.")
        lookup[k] = v
    if mapping is not None:
        if not isinstance(mapping, Mapping):
            raise TypeError(f"mapping must be a dict of variant -> label, got {type(mapping).__name__}.")
        for src, dst in mapping.items():
            if dst not in valid:
                raise ValueError(f"mapping sends {src!r} to {dst!r}, which is not one of the valid labels {valid}.")
            if not isinstance(src, str):
                raise TypeError(f"mapping keys must be text, got {src!r}.")
            lookup.setdefault(normalise_label(src), dst)
    if unknown not in ("keep", "missing", "raise"):
        raise ValueError(f"unknown must be 'keep', 'missing' or 'raise', got {unknown!r}.")

    def fix(v: Any) -> Any:
        if not isinstance(v, str):
            return v
        if v in valid:
            return v
        return lookup.get(normalise_label(v), v if unknown != "missing" else np.nan)

    raw = values.astype("object")
    fixed = raw.map(fix)
    leftover = [v for v in fixed.dropna().unique() if v not in valid]
    if leftover and unknown == "raise":
        raise ValueError(f"{len(leftover)} label(s) match no valid label: {_labels(leftover)}; "
                         "add them to mapping or use unknown='keep'.")
    cats = valid + sorted(map(str, leftover))
    return pd.Series(pd.Categorical(fixed, categories=cats), index=values.index, name=values.name)


def _labels(items: Sequence[Any], limit: int = 6) -> str:
    shown = ", ".join(repr(x) for x in list(items)[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def label_changes(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Which labels were changed into which, and in how many rows.

    Examples
    --------
    >>> import pandas as pd
    >>> before = pd.Series(["CBSE", "cbse", "cbse", "ICSE"])
    >>> label_changes(before, before.str.upper())
       from    to  rows
    0  cbse  CBSE     2
    """
    for name, s in (("before", before), ("after", after)):
        if not isinstance(s, pd.Series):
            raise TypeError(f"{name} must be a pandas Series, got {type(s).__name__}.")
    if not before.index.equals(after.index):
        raise ValueError("before and after must have the same index (the same rows).")
    a = before.astype("object")
    b = after.astype("object")
    changed = ~((a == b).to_numpy(dtype=bool, na_value=False) | (a.isna() & b.isna()).to_numpy())
    pairs = pd.DataFrame({"from": a[changed].to_numpy(), "to": b[changed].to_numpy()})
    if pairs.empty:
        return pd.DataFrame({"from": pd.Series(dtype="object"), "to": pd.Series(dtype="object"),
                             "rows": pd.Series(dtype="int64")})
    out = pairs.groupby(["from", "to"], dropna=False).size().rename("rows").reset_index()
    return out.sort_values(["rows", "from"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- job titles and companies


def job_title_spec(path: str | Path | None = None) -> dict[str, Any]:
    """The canonical job titles of the B2B case, their variant spellings and role groups.

    Examples
    --------
    >>> spec = job_title_spec()
    >>> spec["variants"]["CTO"]
    'Chief Technology Officer'
    >>> spec["roles"]["finance"]
    ['Finance Manager']
    """
    data = read_yaml(content_path("types") if path is None else path, what="types")
    spec = data.get("job_titles")
    if not isinstance(spec, dict) or not all(k in spec for k in ("canonical", "variants", "roles")):
        raise ValueError("the types file must have job_titles with canonical, variants and roles.")
    canonical = list(spec["canonical"])
    for variant, target in spec["variants"].items():
        if target not in canonical:
            raise ValueError(f"job_titles: variant {variant!r} maps to {target!r}, which is not a canonical title.")
    for role, titles in spec["roles"].items():
        unknown = [t for t in titles if t not in canonical]
        if unknown:
            raise ValueError(f"job_titles: role {role!r} lists unknown title(s) {unknown}.")
    return {"canonical": canonical, "variants": dict(spec["variants"]),
            "roles": {r: list(t) for r, t in spec["roles"].items()}}


def standardise_titles(titles: pd.Series, path: str | Path | None = None) -> pd.Series:
    """Map job-title spellings ('CTO', 'C.T.O.', 'COO', ...) onto one spelling each.

    Parameters
    ----------
    titles : Series
        Job titles as typed (not modified).
    path : path-like, optional
        Another types file.

    Returns
    -------
    Series
        Plain text (object dtype), same index and name; titles that match
        nothing are kept as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> standardise_titles(pd.Series(["CTO", "C.T.O.", "Vice President - Operations", "Analyst"])).tolist()
    ['Chief Technology Officer', 'Chief Technology Officer', 'VP Operations', 'Analyst']
    """
    if not isinstance(titles, pd.Series):
        raise TypeError(f"titles must be a pandas Series (e.g. contacts['job_title']), got {type(titles).__name__}.")
    spec = job_title_spec(path)
    out = standardise_labels(titles, spec["canonical"], mapping=spec["variants"], unknown="keep")
    return out.astype(object)


def title_roles(titles: pd.Series, path: str | Path | None = None) -> pd.Series:
    """The role group of each (standardised) job title, ``"other"`` when it has none.

    Examples
    --------
    >>> import pandas as pd
    >>> title_roles(pd.Series(["COO", "Finance Manager", "Analyst"])).tolist()
    ['operations', 'finance', 'other']
    """
    clean = standardise_titles(titles, path)
    lookup = {t: role for role, ts in job_title_spec(path)["roles"].items() for t in ts}
    return clean.map(lambda t: lookup.get(t, "other")).rename("role")


_LEGAL = re.compile(r"(privatelimited|pvtltd|limited|ltd)$")


def company_key(names: pd.Series) -> pd.Series:
    """A key that is equal for spellings of the same company ('Pvt Ltd' vs 'Private Limited', case, dots).

    Examples
    --------
    >>> import pandas as pd
    >>> company_key(pd.Series(["Satpura Logistics Pvt Ltd", "Satpura Logistics pvt. ltd.",
    ...                        "SATPURA LOGISTICS PRIVATE LIMITED"])).nunique()
    1
    """
    if not isinstance(names, pd.Series):
        raise TypeError(f"names must be a pandas Series of company names, got {type(names).__name__}.")
    return names.map(lambda n: _LEGAL.sub("", str(normalise_label(n)).replace(" ", "")) if pd.notna(n) else n)
