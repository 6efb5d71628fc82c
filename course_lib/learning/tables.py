"""Course content that is data (``data/content/``): real-world examples, comparison tables, audiences.

Read with :func:`course_lib.base.content.read_yaml`; a malformed entry raises a ``ContentError`` naming it.

Examples
--------
>>> "Netflix" in set(load_examples()["company"])
True
>>> load_comparison("micro-vs-mass").columns.tolist()
['Mass (undifferentiated) marketing', 'Micromarketing', 'source']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.base.content import ContentError, content_path, read_yaml

__all__ = ["EXAMPLES_PATH", "COMPARISONS_PATH", "AUDIENCES_PATH", "ContentError", "load_examples",
           "example_kinds", "comparison_names", "load_comparison", "load_audiences"]

EXAMPLES_PATH: Path = content_path("examples")
COMPARISONS_PATH: Path = content_path("comparisons")
AUDIENCES_PATH: Path = content_path("audiences")

_EXAMPLE_FIELDS = ("company", "initiative", "what_they_did", "kind", "basis", "audience", "source")


def _require_text(entry: Any, fields: tuple[str, ...], where: str, allow_empty: tuple[str, ...] = ()) -> None:
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
        if f in allow_empty and (value is None or isinstance(value, str)):
            continue
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: {f} must be non-empty text, got {value!r}.")


def _one_of(value: str, allowed: Any, what: str, where: str) -> None:
    if value not in allowed:
        raise ContentError(f"{where}: {what} {value!r} is not one of {', '.join(allowed)}.")


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ContentError(f"{where} must have a non-empty list {key!r}.")
    return items


def _examples_file(path: Path | str | None) -> tuple[dict[str, Any], pd.DataFrame]:
    path = EXAMPLES_PATH if path is None else path
    data = read_yaml(path, what="examples")
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
    rows, seen = [], set()
    for i, entry in enumerate(_list(data, "examples", name)):
        _require_text(entry, _EXAMPLE_FIELDS, f"{name}: example {i + 1}")
        where = f"{name}: example {i + 1} ({entry['company']})"
        _one_of(entry["kind"], kinds, "kind", where)
        _one_of(entry["basis"], bases, "basis", where)
        _one_of(entry["source"], sources, "source", where)
        if (entry["company"], entry["initiative"]) in seen:
            raise ContentError(f"{where}: the example {entry['company']} / {entry['initiative']} appears twice.")
        seen.add((entry["company"], entry["initiative"]))
        rows.append(dict(entry))
    return data, pd.DataFrame(rows, columns=list(_EXAMPLE_FIELDS))


def example_kinds(*, path: Path | str | None = None) -> pd.DataFrame:
    """The kinds of micromarketing of the examples table (index ``kind``; ``label``, ``meaning``).

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
    """The real-world micromarketing examples of the course sources, one row per example.

    ``kind`` keeps one kind, by key (``"local"``) or label (any case); ``path`` reads another file.
    Columns: ``company``, ``initiative``, ``what_they_did``, ``kind`` (the label, an ordered
    categorical), ``basis``, ``audience``, ``source`` (a citation).

    Examples
    --------
    >>> load_examples(kind="local")["company"].tolist()
    ['Uber', 'Starbucks']
    """
    data, table = _examples_file(path)
    labels = {key: spec["label"] for key, spec in data["kinds"].items()}
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
    tables = read_yaml(path, what="comparisons").get("comparisons")
    if not isinstance(tables, dict) or not tables:
        raise ContentError(f"{Path(path).name} must have a mapping 'comparisons' (name: table).")
    return tables


def comparison_names(*, path: Path | str | None = None) -> list[str]:
    """Names of the comparison tables, in file order.

    Examples
    --------
    >>> comparison_names()
    ['micro-vs-mass', 'micro-vs-niche', 'micro-vs-macro']
    """
    return list(_comparisons(path))


def load_comparison(name: str, *, path: Path | str | None = None, sources: bool = True) -> pd.DataFrame:
    """One comparison table (e.g. ``"micro-vs-niche"``), indexed by ``aspect``.

    One column per approach compared, then ``source`` (a citation per row,
    dropped with ``sources=False``); ``.attrs["title"]`` holds the title.

    Examples
    --------
    >>> table = load_comparison("micro-vs-niche", sources=False)
    >>> table.columns.tolist(), table.attrs["title"]
    (['Niche marketing', 'Micromarketing'], 'Micromarketing vs niche marketing')
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'micro-vs-mass', got {type(name).__name__}.")
    if not isinstance(sources, bool):
        raise TypeError(f"sources must be True or False, got {sources!r}.")
    tables = _comparisons(path)
    if name not in tables:
        raise ValueError(f"there is no comparison {name!r}; choose one of {', '.join(map(repr, tables))}.")
    spec, where = tables[name], f"comparison {name!r}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("title"), str):
        raise ContentError(f"{where} must be a mapping with a title, columns and rows.")
    columns = spec.get("columns")
    if not (isinstance(columns, list) and len(columns) == 2 and all(isinstance(c, str) and c for c in columns)):
        raise ContentError(f"{where}: columns must name the two approaches compared, got {columns!r}.")
    citations = read_yaml(EXAMPLES_PATH, what="examples").get("sources", {})
    rows = []
    for i, row in enumerate(_list(spec, "rows", where)):
        _require_text(row, ("aspect", "left", "right", "source"), f"{where}, row {i + 1}")
        _one_of(row["source"], citations, "source", f"{where}, row {i + 1}")
        rows.append({"aspect": row["aspect"], columns[0]: row["left"], columns[1]: row["right"],
                     "source": citations[row["source"]]})
    table = pd.DataFrame(rows).set_index("aspect")
    if table.index.has_duplicates:
        raise ContentError(f"{where}: the aspect {table.index[table.index.duplicated()][0]!r} appears twice.")
    table = table if sources else table.drop(columns="source")
    table.attrs["title"] = spec["title"]
    return table


def load_audiences(*, path: Path | str | None = None) -> pd.DataFrame:
    """Ready-made audiences on the customers table, indexed by ``name``.

    ``rule`` is a condition on the customers table (``""`` = everyone) and
    ``suggested_creative`` a creative of :func:`course_lib.market.simulator.creatives`.

    Examples
    --------
    >>> load_audiences().loc["Fitness interest", "rule"]
    'interest_fitness'
    """
    path = AUDIENCES_PATH if path is None else path
    data = read_yaml(path, what="audiences")
    name, rows = Path(path).name, []
    for i, entry in enumerate(_list(data, "audiences", name)):
        _require_text(entry, ("name", "rule", "suggested_creative"), f"{name}: audience {i + 1}", ("rule",))
        rows.append({"name": entry["name"], "rule": entry["rule"] or "", "suggested_creative": entry["suggested_creative"]})
    table = pd.DataFrame(rows).set_index("name")
    if table.index.has_duplicates:
        raise ContentError(f"{name}: the audience {table.index[table.index.duplicated()][0]!r} appears twice.")
    from course_lib.market.simulator import creatives  # lazy: the simulator reads the market config

    known = creatives()
    for creative in table["suggested_creative"]:
        if creative not in known:
            raise ContentError(f"{name}: suggested_creative {creative!r} is not a creative; choose one of "
                               f"{', '.join(map(repr, known))}.")
    return table
