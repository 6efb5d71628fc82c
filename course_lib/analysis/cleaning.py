"""Data audit and cleaning: audit, clean, audit again (chapters 03 and 13-16).

A validity rule for a column is a list or set of allowed values, an
inclusive range ``(lo, hi)`` (``None`` for an open end) or a function
returning True for the valid values. Missing values are never "invalid":
they are counted separately. Every function returns a new object.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"id": ["a", "b", "c", "d"], "board": ["CBSE", "cbse", "ICSE", None],
...                    "age": [16, 0, 17, 16]})
>>> audit = audit_table(df, rules={"board": ["CBSE", "ICSE"], "age": (10, 25)}, ignore=["id"])
>>> audit.report.loc["board", ["missing", "invalid", "label_variants"]].tolist()
[1, 1, 2]
>>> standardise_labels(df["board"], ["CBSE", "ICSE"]).tolist()
['CBSE', 'CBSE', 'ICSE', nan]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe

__all__ = ["Rule", "DataAudit", "audit_table", "missing_mask", "invalid_mask", "mask_invalid", "find_duplicates",
           "dedupe", "normalise_label", "standardise_labels", "label_changes", "job_title_spec",
           "standardise_titles", "title_roles", "company_key"]

#: A validity rule: allowed values, an inclusive (lo, hi) range, or a function.
Rule = Sequence[Any] | set[Any] | frozenset[Any] | tuple[Any, Any] | Callable[[pd.Series], Any]

_LEGAL = re.compile(r"(privatelimited|pvtltd|limited|ltd)$")
_REPORT_COLUMNS = ["dtype", "missing", "missing_pct", "distinct", "label_variants", "invalid", "invalid_pct",
                   "examples"]


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


def _compared(data: pd.DataFrame, subset: Any, ignore: Any) -> list[str]:
    """The columns that must match for two rows to count as duplicates."""
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

    >>> missing_mask(pd.Series(["a", "", "  ", None])).tolist()
    [False, True, True, True]
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}.")
    mask = values.isna().to_numpy(dtype=bool)
    if _is_text(values):
        mask = mask | np.array([isinstance(v, str) and not v.strip() for v in values.astype("object")], dtype=bool)
    return pd.Series(mask, index=values.index, name=values.name)


def _check_rule(column: str, rule: Any, values: pd.Series) -> None:
    if callable(rule):
        return
    if isinstance(rule, tuple):
        if len(rule) != 2:
            raise ValueError(f"the rule for {column!r} is a tuple, so it must be a range (lo, hi); got {rule!r}.")
        if pd.api.types.is_bool_dtype(values) or not (pd.api.types.is_numeric_dtype(values)
                                                      or pd.api.types.is_datetime64_any_dtype(values)):
            raise TypeError(f"the range rule for {column!r} needs a numeric or date column, "
                            f"but {column!r} has dtype {values.dtype}.")
        return
    if isinstance(rule, (str, bytes)) or not isinstance(rule, (list, set, frozenset, pd.Index, np.ndarray)):
        raise TypeError(f"the rule for {column!r} must be a list of allowed values, a (lo, hi) range or a "
                        f"function, got {type(rule).__name__} {rule!r}.")


def invalid_mask(data: pd.DataFrame, column: str, rule: Rule) -> pd.Series:
    """True where ``data[column]`` is present but breaks ``rule`` (missing values are never flagged).

    >>> invalid_mask(pd.DataFrame({"age": [16, 0, 99, None]}), "age", (10, 30)).tolist()
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
            ok = np.asarray(rule(values))
        except Exception as exc:  # noqa: BLE001 - any failure of the student's function is reported by name
            raise ValueError(f"the rule function for {column!r} failed: {type(exc).__name__}: {exc}") from None
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
    counts = values.astype("object").value_counts()
    parts = [f"{v!r} ({n})" for v, n in counts.head(limit).items()]
    if len(counts) > limit:
        parts.append(f"... {len(counts) - limit} more")
    return ", ".join(parts)


def normalise_label(text: Any) -> Any:
    """A label's comparison key: lower case, accents, spaces and punctuation removed (non-text unchanged).

    Letters of every script are kept, with the vowel signs of Indian scripts
    (only accents on Latin letters go); a label of symbols only keeps itself.

    >>> normalise_label("  C.B.S.E. "), normalise_label("State  Board") == normalise_label("state-board")
    ('cbse', True)
    >>> normalise_label(" सीबीएसई बोर्ड ")
    'सीबीएसईबोर्ड'
    """
    if not isinstance(text, str):
        return text
    kept, after_latin = [], False
    for ch in unicodedata.normalize("NFKD", text):
        kind = unicodedata.category(ch)[0]
        if kind == "M":  # a combining mark: an accent on a Latin letter goes, a matra or virama stays
            if not after_latin:
                kept.append(ch)
            continue
        after_latin = ch.isascii()
        if kind in "LN":
            kept.append(ch)
    key = unicodedata.normalize("NFC", "".join(kept).casefold())
    return key or text.strip()


def _label_variants(values: pd.Series) -> tuple[int, str]:
    """How many text labels equal another one after :func:`normalise_label`, and a few groups as text."""
    labels = pd.Series(values.dropna().astype("object").unique())
    labels = labels[labels.map(lambda v: isinstance(v, str))]
    keys = labels.map(normalise_label)
    clash = keys.duplicated(keep=False).to_numpy()
    if not clash.any():
        return 0, ""
    groups = labels[clash].groupby(keys[clash].to_numpy()).agg(list)
    shown = "; ".join(" / ".join(repr(x) for x in sorted(g)) for g in groups.head(3))
    return int(groups.map(len).sum()), shown


@dataclass(frozen=True)
class DataAudit:
    """The result of :func:`audit_table`.

    ``report`` has one row per column: dtype, missing (and %), distinct labels,
    label_variants (labels equal apart from case, spaces or punctuation),
    invalid (and %; missing when the column has no rule) and examples.
    ``duplicate_rows`` repeat an earlier row on the ``compared`` columns;
    ``duplicate_keys`` repeat a key (None without a key).
    """

    report: pd.DataFrame
    n_rows: int
    duplicate_rows: int
    duplicate_keys: int | None
    compared: list[str]
    variant_groups: dict[str, str]

    def issues(self) -> pd.DataFrame:
        """A to-do list: one row per problem found (check, column, rows, share, detail).

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
        return (f"<p><b>Data audit</b>: {self.n_rows:,} rows, <b>{self.duplicate_rows}</b> duplicate rows{key}</p>"
                + self.report.to_html(na_rep=""))


def audit_table(data: pd.DataFrame, *, rules: Mapping[str, Rule] | None = None,
                ignore: str | Sequence[str] | None = None, key: str | Sequence[str] | None = None) -> DataAudit:
    """Audit a table: missing values, label variants, invalid values and duplicates.

    Parameters
    ----------
    data : DataFrame
        The table to audit (not modified).
    rules : dict, optional
        Column -> validity rule (see the module docstring).
    ignore : str or list of str, optional
        Columns left out when looking for duplicate rows (typically the record id).
    key : str or list of str, optional
        Column(s) that should identify a row; repeated keys are counted.

    Examples
    --------
    >>> df = pd.DataFrame({"id": [1, 2, 3], "town": ["Kota", "kota ", "Pune"]})
    >>> audit = audit_table(df, ignore="id", key="id")
    >>> audit.duplicate_rows, audit.duplicate_keys, int(audit.report.loc["town", "label_variants"])
    (0, 0, 2)
    """
    require_dataframe(data, "data")
    rules = {} if rules is None else rules
    if not isinstance(rules, Mapping):
        raise TypeError(f"rules must be a dict of column -> rule, got {type(rules).__name__}.")
    require_columns(data, list(rules), "data")
    compared = _compared(data, None, ignore)
    keys = _column_list(data, key, "key")
    n = len(data)
    records, groups = [], {}
    for col in data.columns:
        values = data[col]
        miss = missing_mask(values)
        n_variants, examples = _label_variants(values) if _is_text(values) else (0, "")
        if examples:
            groups[str(col)] = examples
        invalid: float = np.nan
        if col in rules:
            bad = invalid_mask(data, col, rules[col])
            invalid = int(bad.sum())
            if invalid:
                examples = _examples(values[bad])
        records.append({"column": col, "dtype": str(values.dtype), "missing": int(miss.sum()),
                        "missing_pct": round(100 * miss.sum() / n, 1), "distinct": int(values[~miss].nunique()),
                        "label_variants": n_variants, "invalid": invalid,
                        "invalid_pct": np.nan if np.isnan(invalid) else round(100 * invalid / n, 1),
                        "examples": examples})
    report = pd.DataFrame(records).set_index("column")[_REPORT_COLUMNS]
    report["invalid"] = report["invalid"].astype("Int64")
    return DataAudit(report=report, n_rows=n, duplicate_rows=int(data.duplicated(subset=compared).sum()),
                     duplicate_keys=int(data.duplicated(subset=keys).sum()) if keys else None, compared=compared,
                     variant_groups=groups)


def mask_invalid(data: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.DataFrame:
    """A copy of ``data`` with the values that break a rule set to missing (never guessed).

    Integer and bool columns become nullable (``Int64``, ``boolean``) so they can hold missing values.

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
        if not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            if pd.api.types.is_bool_dtype(values):
                values = values.astype("boolean")
            elif pd.api.types.is_integer_dtype(values):
                values = values.astype("Int64")
        out[col] = values.mask(bad.to_numpy())
    return out


def find_duplicates(data: pd.DataFrame, *, subset: str | Sequence[str] | None = None,
                    ignore: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Every row of a group of duplicates, with a ``dup_group`` number, grouped for inspection.

    Compare ``subset`` only, or every column except ``ignore`` (not both). The
    first row of each group is the one :func:`dedupe` keeps.

    >>> df = pd.DataFrame({"id": [1, 2, 3], "name": ["Asha", "Ravi", "Asha"]})
    >>> find_duplicates(df, ignore="id")
       id  name  dup_group
    0   1  Asha          1
    2   3  Asha          1
    """
    require_dataframe(data, "data", allow_empty=True)
    cols = _compared(data, subset, ignore)
    rows = data[data.duplicated(subset=cols, keep=False).to_numpy()]
    if rows.empty:
        return rows.assign(dup_group=pd.Series(dtype="int64"))
    out = rows.assign(dup_group=(rows.groupby(cols, sort=False, dropna=False, observed=True).ngroup() + 1).to_numpy())
    return out.iloc[np.lexsort((np.arange(len(out)), out["dup_group"].to_numpy()))]


def dedupe(data: pd.DataFrame, *, subset: str | Sequence[str] | None = None,
           ignore: str | Sequence[str] | None = None, keep: str = "first") -> pd.DataFrame:
    """Drop rows that repeat an earlier row on ``subset`` (or on every column but ``ignore``).

    A second entry of the same person usually has a fresh record id, so say
    which columns identify a repeat. ``keep`` is "first" or "last".

    >>> dedupe(pd.DataFrame({"id": [1, 2, 3], "name": ["Asha", "Ravi", "Asha"]}), ignore="id")["id"].tolist()
    [1, 2]
    """
    require_dataframe(data, "data", allow_empty=True)
    if keep not in ("first", "last"):
        raise ValueError(f"keep must be 'first' or 'last', got {keep!r}.")
    cols = _compared(data, subset, ignore)
    return data[~data.duplicated(subset=cols, keep=keep).to_numpy()].copy()


def _label_lookup(valid: Any, mapping: Any) -> tuple[list[str], dict[str, str]]:
    if isinstance(valid, str) or not isinstance(valid, Iterable):
        raise TypeError("valid must be a list of allowed labels, e.g. ['CBSE', 'ICSE', 'State Board'].")
    valid = list(valid)
    if not valid or not all(isinstance(v, str) and v for v in valid):
        raise ValueError("valid must be a non-empty list of non-empty text labels.")
    lookup: dict[str, str] = {}
    for v in valid:
        if lookup.get(normalise_label(v), v) != v:
            raise ValueError(f"valid labels {lookup[normalise_label(v)]!r} and {v!r} differ only in case or "
                             "punctuation.")
        lookup[normalise_label(v)] = v
    if mapping is not None and not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a dict of variant -> label, got {type(mapping).__name__}.")
    for src, dst in (mapping or {}).items():
        if dst not in valid:
            raise ValueError(f"mapping sends {src!r} to {dst!r}, which is not one of the valid labels {valid}.")
        if not isinstance(src, str):
            raise TypeError(f"mapping keys must be text, got {src!r}.")
        lookup.setdefault(normalise_label(src), dst)
    return valid, lookup


def standardise_labels(values: pd.Series, valid: Sequence[str], *, mapping: Mapping[str, str] | None = None,
                       unknown: str = "keep") -> pd.Series:
    """Map label variants onto one spelling per label.

    Each value is matched exactly against ``valid``, then after
    :func:`normalise_label` ('cbse', 'C.B.S.E.' -> 'CBSE'), then through
    ``mapping`` for typos and synonyms no rule can guess ('CBSC' -> 'CBSE').
    A value that matches nothing is kept (``unknown="keep"``), made missing
    (``"missing"``) or refused (``"raise"``). Returns a categorical Series.

    >>> s = pd.Series(["CBSE", "cbse", "C.B.S.E.", "CBSC", "SSC"])
    >>> standardise_labels(s, ["CBSE", "ICSE", "State Board"],
    ...                    mapping={"CBSC": "CBSE", "SSC": "State Board"}).tolist()
    ['CBSE', 'CBSE', 'CBSE', 'CBSE', 'State Board']
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series (one column), got {type(values).__name__}.")
    valid, lookup = _label_lookup(valid, mapping)
    if unknown not in ("keep", "missing", "raise"):
        raise ValueError(f"unknown must be 'keep', 'missing' or 'raise', got {unknown!r}.")

    def fix(v: Any) -> Any:
        if not isinstance(v, str) or v in valid:
            return v
        return lookup.get(normalise_label(v), v if unknown != "missing" else np.nan)

    fixed = values.astype("object").map(fix)
    leftover = [v for v in fixed.dropna().unique() if v not in valid]
    if leftover and unknown == "raise":
        shown = ", ".join(repr(x) for x in leftover[:6]) + (f" and {len(leftover) - 6} more" if len(leftover) > 6 else "")
        raise ValueError(f"{len(leftover)} label(s) match no valid label: {shown}; "
                         "add them to mapping or use unknown='keep'.")
    cats = valid + sorted(map(str, leftover))
    return pd.Series(pd.Categorical(fixed, categories=cats), index=values.index, name=values.name)


def label_changes(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Which labels were changed into which, and in how many rows.

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
    a, b = before.astype("object"), after.astype("object")
    changed = ~((a == b).to_numpy(dtype=bool, na_value=False) | (a.isna() & b.isna()).to_numpy())
    pairs = pd.DataFrame({"from": a[changed].to_numpy(), "to": b[changed].to_numpy()})
    if pairs.empty:
        return pd.DataFrame({"from": pd.Series(dtype="object"), "to": pd.Series(dtype="object"),
                             "rows": pd.Series(dtype="int64")})
    out = pairs.groupby(["from", "to"], dropna=False).size().rename("rows").reset_index()
    return out.sort_values(["rows", "from"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- job titles and companies (07, 16)


def job_title_spec(path: str | Path | None = None) -> dict[str, Any]:
    """The B2B case's canonical job titles, their variant spellings and role groups (``data/content/types.yaml``).

    >>> spec = job_title_spec()
    >>> spec["variants"]["CTO"], spec["roles"]["finance"]
    ('Chief Technology Officer', ['Finance Manager'])
    """
    spec = read_yaml(content_path("types") if path is None else path, what="types").get("job_titles")
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
    """Map job-title spellings ('CTO', 'C.T.O.', ...) onto one each; unknown titles are kept (object dtype).

    >>> standardise_titles(pd.Series(["CTO", "C.T.O.", "Vice President - Operations", "Analyst"])).tolist()
    ['Chief Technology Officer', 'Chief Technology Officer', 'VP Operations', 'Analyst']
    """
    if not isinstance(titles, pd.Series):
        raise TypeError(f"titles must be a pandas Series (e.g. contacts['job_title']), got {type(titles).__name__}.")
    spec = job_title_spec(path)
    return standardise_labels(titles, spec["canonical"], mapping=spec["variants"], unknown="keep").astype(object)


def title_roles(titles: pd.Series, path: str | Path | None = None) -> pd.Series:
    """The role group of each job title (standardised first), ``"other"`` when it has none.

    >>> title_roles(pd.Series(["COO", "Finance Manager", "Analyst"])).tolist()
    ['operations', 'finance', 'other']
    """
    clean = standardise_titles(titles, path)
    lookup = {t: role for role, ts in job_title_spec(path)["roles"].items() for t in ts}
    return clean.map(lambda t: lookup.get(t, "other")).rename("role")


def company_key(names: pd.Series) -> pd.Series:
    """A key equal for spellings of one company ('Pvt Ltd' vs 'Private Limited', case, dots).

    >>> company_key(pd.Series(["Satpura Logistics Pvt Ltd", "SATPURA LOGISTICS PRIVATE LIMITED"])).nunique()
    1
    """
    if not isinstance(names, pd.Series):
        raise TypeError(f"names must be a pandas Series of company names, got {type(names).__name__}.")
    return names.map(lambda n: _LEGAL.sub("", str(normalise_label(n)).replace(" ", "")) if pd.notna(n) else n)
