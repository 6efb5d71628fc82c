"""Course content that is data: real-world examples, comparison tables, ready-made audiences.

The tables that notebooks show (which brand illustrates which kind of
micromarketing, how micromarketing differs from mass or niche marketing, a
menu of audiences for the plan widgets) live as YAML in ``data/content/``,
not as literals in notebook cells. This module reads them, checks their
structure and returns tidy DataFrames.

* :func:`load_examples` -- the real-world examples from the course sources,
  one row per example, with the kind of micromarketing each shows;
* :func:`example_kinds` -- the kinds used in that table and what they mean;
* :func:`load_comparison` -- a two-column comparison table (e.g.
  ``"micro-vs-mass"``), one row per aspect;
* :func:`load_audiences` -- named audience rules on the synthetic customers
  table, with the creative a marketer would try first.

Examples
--------
>>> from course_lib.learning.tables import load_examples, load_comparison
>>> examples = load_examples()
>>> "Netflix" in set(examples["company"])
True
>>> load_comparison("micro-vs-mass").columns.tolist()
['Mass (macro) marketing', 'Micromarketing', 'source']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.base.content import load_yaml

__all__ = [
    "CONTENT_DIR",
    "EXAMPLES_PATH",
    "COMPARISONS_PATH",
    "AUDIENCES_PATH",
    "ContentError",
    "load_examples",
    "example_kinds",
    "comparison_names",
    "load_comparison",
    "load_audiences",
]

#: Where content files live.
CONTENT_DIR: Path = paths.DATA_DIR / "content"
#: The real-world examples table.
EXAMPLES_PATH: Path = CONTENT_DIR / "examples.yaml"
#: The comparison tables.
COMPARISONS_PATH: Path = CONTENT_DIR / "comparisons.yaml"
#: The ready-made audiences.
AUDIENCES_PATH: Path = CONTENT_DIR / "audiences.yaml"

_EXAMPLE_FIELDS = ("company", "initiative", "what_they_did", "kind", "basis", "audience", "source")
_ROW_FIELDS = ("aspect", "left", "right", "source")
_AUDIENCE_FIELDS = ("name", "rule", "suggested_creative")


class ContentError(ValueError):
    """A content file is missing or malformed; the message names the file and the entry."""


def _read(path: Path | str, what: str) -> dict[str, Any]:
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}.")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"the {what} file {path} does not exist.") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path.name} must hold a mapping at the top level, got {type(data).__name__}.")
    return data


def _require_text(entry: Mapping[str, Any], fields: tuple[str, ...], where: str, *, allow_empty: tuple[str, ...] = ()) -> None:
    if not isinstance(entry, Mapping):
        raise ContentError(f"{where} must be a mapping with {', '.join(fields)}, got {type(entry).__name__}.")
    missing = [f for f in fields if f not in entry]
    if missing:
        raise ContentError(f"{where} is missing {', '.join(missing)}.")
    extra = sorted(set(entry) - set(fields))
    if extra:
        raise ContentError(f"{where} has unknown field(s) {', '.join(extra)}; allowed: {', '.join(fields)}.")
    for f in fields:
        value = entry[f]
        if value is None and f in allow_empty:
            continue
        if not isinstance(value, str) or (not value.strip() and f not in allow_empty):
            raise ContentError(f"{where}: {f} must be non-empty text, got {value!r}.")


def _list(data: Mapping[str, Any], key: str, name: str) -> list[Any]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ContentError(f"{name} must have a non-empty list {key!r}.")
    return items


def _examples_file(path: Path | str | None) -> tuple[dict[str, Any], pd.DataFrame]:
    path = EXAMPLES_PATH if path is None else path
    data = _read(path, "examples")
    name = Path(path).name
    sources, kinds, bases = data.get("sources"), data.get("kinds"), data.get("bases")
    if not isinstance(sources, dict) or not sources:
        raise ContentError(f"{name} must have a mapping 'sources' (key: citation).")
    if not isinstance(kinds, dict) or not kinds:
        raise ContentError(f"{name} must have a mapping 'kinds' (key: {{label, meaning}}).")
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise ContentError(f"{name} must have a list 'bases' of targeting bases.")
    for key, spec in kinds.items():
        _require_text(spec, ("label", "meaning"), f"{name}: kind {key!r}")
    rows = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(_list(data, "examples", name)):
        where = f"{name}: example {i + 1}"
        _require_text(entry, _EXAMPLE_FIELDS, where)
        where = f"{name}: example {i + 1} ({entry['company']})"
        if entry["kind"] not in kinds:
            raise ContentError(f"{where}: kind {entry['kind']!r} is not one of {', '.join(kinds)}.")
        if entry["basis"] not in bases:
            raise ContentError(f"{where}: basis {entry['basis']!r} is not one of {', '.join(bases)}.")
        if entry["source"] not in sources:
            raise ContentError(f"{where}: source {entry['source']!r} is not one of {', '.join(sources)}.")
        key = (entry["company"], entry["initiative"])
        if key in seen:
            raise ContentError(f"{where}: the example {key[0]} / {key[1]} appears twice.")
        seen.add(key)
        rows.append(dict(entry))
    return data, pd.DataFrame(rows, columns=list(_EXAMPLE_FIELDS))


def example_kinds(*, path: Path | str | None = None) -> pd.DataFrame:
    """The kinds of micromarketing used in the examples table, and what each means.

    Parameters
    ----------
    path : path-like, optional
        Another examples file (default ``data/content/examples.yaml``).

    Returns
    -------
    DataFrame
        Indexed by ``kind`` (the key), with ``label`` and ``meaning``, in file order.

    Examples
    --------
    >>> example_kinds().loc["local", "label"]
    'Local (geographic)'
    """
    data, _ = _examples_file(path)
    out = pd.DataFrame.from_dict(data["kinds"], orient="index")[["label", "meaning"]]
    out.index.name = "kind"
    return out


def load_examples(kind: str | None = None, *, path: Path | str | None = None) -> pd.DataFrame:
    """Load the real-world micromarketing examples from the course sources.

    Parameters
    ----------
    kind : str, optional
        Keep only the examples of one kind, given by key (``"local"``) or
        label (``"Local (geographic)"``, case-insensitive).
    path : path-like, optional
        Another examples file (default ``data/content/examples.yaml``).

    Returns
    -------
    DataFrame
        One row per example with ``company``, ``initiative``, ``what_they_did``,
        ``kind`` (the readable label, an ordered categorical in the order the
        kinds are defined), ``basis`` (what the group is defined by),
        ``audience`` (who exactly is targeted) and ``source`` (a citation).
        A new frame on every call.

    Raises
    ------
    ContentError
        The file is missing or malformed (the message names the entry).
    ValueError
        ``kind`` is not one of the kinds.

    Examples
    --------
    >>> load_examples(kind="local")["company"].tolist()
    ['Uber', 'Starbucks']
    """
    data, table = _examples_file(path)
    kinds = data["kinds"]
    labels = {key: spec["label"] for key, spec in kinds.items()}
    if kind is not None:
        if not isinstance(kind, str):
            raise TypeError(f"kind must be a str (a kind key or label), got {type(kind).__name__}.")
        lookup = {k.casefold(): k for k in labels} | {v.casefold(): k for k, v in labels.items()}
        key = lookup.get(kind.strip().casefold())
        if key is None:
            raise ValueError(f"kind {kind!r} is not one of {', '.join(map(repr, labels))}.")
        table = table[table["kind"] == key].reset_index(drop=True)
    table["kind"] = pd.Categorical(table["kind"].map(labels), categories=list(labels.values()), ordered=True)
    table["source"] = table["source"].map(data["sources"])
    return table


def _comparisons(path: Path | str | None) -> dict[str, Any]:
    path = COMPARISONS_PATH if path is None else path
    data = _read(path, "comparisons")
    tables = data.get("comparisons")
    if not isinstance(tables, dict) or not tables:
        raise ContentError(f"{Path(path).name} must have a mapping 'comparisons' (name: table).")
    return tables


def comparison_names(*, path: Path | str | None = None) -> list[str]:
    """Names of the comparison tables, in file order.

    Examples
    --------
    >>> comparison_names()
    ['micro-vs-mass', 'micro-vs-niche']
    """
    return list(_comparisons(path))


def load_comparison(name: str, *, path: Path | str | None = None, sources: bool = True) -> pd.DataFrame:
    """Load one comparison table, e.g. micromarketing vs mass marketing.

    Parameters
    ----------
    name : str
        The table's name (see :func:`comparison_names`), e.g. ``"micro-vs-niche"``.
    path : path-like, optional
        Another comparisons file (default ``data/content/comparisons.yaml``).
    sources : bool, default True
        Include the ``source`` column (a citation per row).

    Returns
    -------
    DataFrame
        Indexed by ``aspect``; one column per approach compared (named after
        it), then ``source``. ``.attrs["title"]`` holds the table's title.

    Examples
    --------
    >>> table = load_comparison("micro-vs-niche", sources=False)
    >>> table.columns.tolist()
    ['Niche marketing', 'Micromarketing']
    >>> table.attrs["title"]
    'Micromarketing vs niche marketing'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'micro-vs-mass', got {type(name).__name__}.")
    if not isinstance(sources, bool):
        raise TypeError(f"sources must be True or False, got {sources!r}.")
    tables = _comparisons(path)
    if name not in tables:
        raise ValueError(f"there is no comparison {name!r}; choose one of {', '.join(map(repr, tables))}.")
    spec = tables[name]
    where = f"comparison {name!r}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("title"), str):
        raise ContentError(f"{where} must be a mapping with a title, columns and rows.")
    columns = spec.get("columns")
    if not (isinstance(columns, list) and len(columns) == 2 and all(isinstance(c, str) and c for c in columns)):
        raise ContentError(f"{where}: columns must name the two approaches compared, got {columns!r}.")
    citations = _read(EXAMPLES_PATH, "examples").get("sources", {})
    rows = []
    for i, row in enumerate(_list(spec, "rows", where)):
        _require_text(row, _ROW_FIELDS, f"{where}, row {i + 1}")
        if row["source"] not in citations:
            raise ContentError(f"{where}, row {i + 1}: source {row['source']!r} is not one of {', '.join(citations)}.")
        rows.append({"aspect": row["aspect"], columns[0]: row["left"], columns[1]: row["right"],
                     "source": citations[row["source"]]})
    table = pd.DataFrame(rows).set_index("aspect")
    if table.index.has_duplicates:
        raise ContentError(f"{where}: the aspect {table.index[table.index.duplicated()][0]!r} appears twice.")
    if not sources:
        table = table.drop(columns="source")
    table.attrs["title"] = spec["title"]
    return table


def load_audiences(*, path: Path | str | None = None) -> pd.DataFrame:
    """Ready-made audiences on the synthetic customers table, for plan widgets.

    Parameters
    ----------
    path : path-like, optional
        Another audiences file (default ``data/content/audiences.yaml``).

    Returns
    -------
    DataFrame
        Indexed by ``name``; ``rule`` is a condition on the customers table
        for :func:`course_lib.market.simulator.simulate` (``""`` = everyone) and
        ``suggested_creative`` a creative name from :func:`course_lib.market.simulator.creatives`.

    Examples
    --------
    >>> audiences = load_audiences()
    >>> audiences.loc["Fitness interest", "rule"]
    'interest_fitness'
    """
    path = AUDIENCES_PATH if path is None else path
    data = _read(path, "audiences")
    name = Path(path).name
    rows = []
    for i, entry in enumerate(_list(data, "audiences", name)):
        _require_text(entry, _AUDIENCE_FIELDS, f"{name}: audience {i + 1}", allow_empty=("rule",))
        rows.append({"name": entry["name"], "rule": entry["rule"] or "",
                     "suggested_creative": entry["suggested_creative"]})
    table = pd.DataFrame(rows).set_index("name")
    if table.index.has_duplicates:
        raise ContentError(f"{name}: the audience {table.index[table.index.duplicated()][0]!r} appears twice.")
    from course_lib.market.simulator import creatives  # lazy: the simulator reads the market config

    known = creatives()
    unknown = sorted(set(table["suggested_creative"]) - set(known))
    if unknown:
        raise ContentError(f"{name}: suggested_creative {unknown[0]!r} is not a creative; choose one of "
                           f"{', '.join(map(repr, known))}.")
    return table
