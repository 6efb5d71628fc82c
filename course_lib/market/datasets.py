"""Load the course data as typed DataFrames, checking every file against its checksum.

Paths are relative to ``course_lib.base.paths.DATA_DIR``; each file's SHA-256 is
compared with ``data/MANIFEST.json`` and a missing or altered file raises an error
naming the file and the command that restores it (``make data``).

>>> from course_lib.market.datasets import load_case
>>> sorted(load_case("grocery"))
['complexes', 'orders', 'store']
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.base.content import read_yaml
from course_lib.market import synthetic as market_spec
from course_lib.base.paths import DATA_DIR

__all__ = [
    "DataFileError", "MissingDataFileError", "CorruptDataFileError", "Case", "CASE_NAMES",
    "REGENERATE_COMMAND", "load_manifest", "verify_file", "load_customers", "load_transactions", "load_events",
    "load_campaigns", "load_latent_segments", "load_case", "load_cdnow",
]

#: How to rebuild the generated files.
REGENERATE_COMMAND = "`make data` (or `python -m course_lib data`)"
#: The worked cases, in the order the course meets them.
CASE_NAMES: tuple[str, ...] = ("coaching", "grocery", "bank", "clothing", "fitness", "b2b", "edtech")
MANIFEST_NAME = "MANIFEST.json"

#: Files nobody here generates: restoring them means git, not `make data`.
_SOURCE_HINT = {
    "cdnow/CDNOW_master.txt": "restore it with `git checkout -- data/cdnow/CDNOW_master.txt` "
                              "(provenance: data/cdnow/PROVENANCE.md)",
    "market/market.yaml": "restore it with `git checkout -- data/market/market.yaml`, then run " + REGENERATE_COMMAND,
    "cases/cases.yaml": "restore it with `git checkout -- data/cases/cases.yaml`, then run " + REGENERATE_COMMAND,
}


class DataFileError(Exception):
    """A course data file is missing or does not match its checksum."""


class MissingDataFileError(DataFileError, FileNotFoundError):
    """A course data file (or the manifest) does not exist."""


class CorruptDataFileError(DataFileError, ValueError):
    """A course data file's contents differ from the committed checksum."""


def _hint(relpath: str) -> str:
    return _SOURCE_HINT.get(relpath, f"run {REGENERATE_COMMAND} to regenerate it")


def _data_dir(data_dir: Path | str | None) -> Path:
    if data_dir is None:
        return DATA_DIR
    if not isinstance(data_dir, (str, Path)):
        raise TypeError(f"data_dir must be a folder path, got {type(data_dir).__name__}.")
    return Path(data_dir)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_manifest(data_dir: Path | str | None = None) -> dict[str, Any]:
    """Read ``MANIFEST.json``: ``{"files": {relpath: {"sha256", "bytes", "rows", "kind"}}, ...}``.

    >>> "market/customers.csv.gz" in load_manifest()["files"]
    True
    """
    path = _data_dir(data_dir) / MANIFEST_NAME
    if not path.is_file():
        raise MissingDataFileError(f"data file {path} is missing; run {REGENERATE_COMMAND} to regenerate it.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptDataFileError(
            f"data file {path} is unreadable ({exc}); run {REGENERATE_COMMAND} to regenerate it."
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise CorruptDataFileError(f"data file {path} has no 'files' table; run {REGENERATE_COMMAND}.")
    return manifest


@functools.lru_cache(maxsize=64)
def _verified(path_str: str, size: int, mtime_ns: int, expected: str) -> bool:
    return _sha256(Path(path_str)) == expected


def verify_file(relpath: str, data_dir: Path | str | None = None) -> Path:
    """Check one data file (path inside ``data/``) against the manifest; return its absolute path.

    Raises ``MissingDataFileError`` when the file or manifest is missing,
    ``CorruptDataFileError`` when its SHA-256 differs or it is not listed.

    >>> verify_file("cdnow/CDNOW_master.txt").name
    'CDNOW_master.txt'
    """
    if not isinstance(relpath, str):
        raise TypeError(f"relpath must be a string, got {type(relpath).__name__}.")
    folder = _data_dir(data_dir)
    path = folder / relpath
    if not path.is_file():
        raise MissingDataFileError(f"data file {path} is missing; {_hint(relpath)}.")
    entry = load_manifest(folder)["files"].get(relpath)
    if entry is None:
        raise CorruptDataFileError(
            f"data file {path} is not listed in {folder / MANIFEST_NAME}; run {REGENERATE_COMMAND}."
        )
    stat = path.stat()
    if not _verified(str(path.resolve()), stat.st_size, stat.st_mtime_ns, entry["sha256"]):
        raise CorruptDataFileError(
            f"data file {path} is corrupted or was edited (its SHA-256 does not match "
            f"{MANIFEST_NAME}); {_hint(relpath)}."
        )
    return path


@functools.lru_cache(maxsize=32)
def _read_cached(path_str: str, size: int, mtime_ns: int, reader: str) -> pd.DataFrame:
    return _READERS[reader](Path(path_str))


def _load(relpath: str, reader: str, data_dir: Path | str | None) -> pd.DataFrame:
    path = verify_file(relpath, data_dir)
    stat = path.stat()
    # a copy, so a caller changing their frame never changes the next caller's
    return _read_cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns, reader).copy()


def _cat(values: pd.Series, categories: list[str] | None = None, ordered: bool = False) -> pd.Series:
    if categories is None:
        categories = sorted(values.dropna().unique().tolist())
    return values.astype(pd.CategoricalDtype(categories, ordered=ordered))


def _read_customers(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"pin_code": str, "customer_id": str})
    df["gender"] = _cat(df["gender"], market_spec.GENDERS)
    df["income_band"] = _cat(df["income_band"], market_spec.INCOME_BANDS, ordered=True)
    df["education"] = _cat(df["education"], market_spec.EDUCATION_LEVELS, ordered=True)
    df["occupation"] = _cat(df["occupation"], market_spec.OCCUPATIONS)
    df["family_status"] = _cat(df["family_status"], market_spec.FAMILY_STATUSES)
    df["life_event"] = _cat(df["life_event"], market_spec.LIFE_EVENTS)
    df["preferred_channel"] = _cat(df["preferred_channel"], market_spec.PREFERRED_CHANNELS)
    df["stream"] = _cat(df["stream"], ["engineering", "arts", "commerce", "science"])
    for col in ("job_title", "college", "neighbourhood", "pin_code", "apartment_complex"):
        df[col] = _cat(df[col])
    bools = ["is_student", "app_user", "consent_email", "consent_sms", "consent_ads", "consent_whatsapp"]
    bools += [f"interest_{i}" for i in market_spec.INTERESTS]
    for col in bools:
        df[col] = df[col].astype(bool)
    df["age"] = df["age"].astype("int64")
    df["acquired_on"] = pd.to_datetime(df["acquired_on"], format="%Y-%m-%d")
    return df


def _read_transactions(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"customer_id": str, "amount": "float64"})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    df["category"] = _cat(df["category"], market_spec.CATEGORIES)
    df["channel"] = _cat(df["channel"], market_spec.TRANSACTION_CHANNELS)
    df["discount_used"] = df["discount_used"].astype(bool)
    return df


def _read_events(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"customer_id": str, "session_id": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="%Y-%m-%d %H:%M:%S")
    df["event"] = _cat(df["event"], market_spec.EVENT_TYPES)
    df["page"] = _cat(df["page"], market_spec.PAGES)
    df["product_category"] = _cat(df["product_category"], market_spec.CATEGORIES)
    df["device"] = _cat(df["device"], market_spec.DEVICES)
    return df


def _read_campaigns(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path)
    for col in ("start_date", "end_date"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
    for col in ("campaign", "segment", "creative", "channel"):
        df[col] = _cat(df[col])
    df["audience_rule"] = df["audience_rule"].fillna("").astype(str)
    return df


def _read_latent(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"customer_id": str})
    df["latent_segment"] = _cat(df["latent_segment"], market_spec.SEGMENT_NAMES)
    return df


def _read_cdnow(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str, "number_of_cds": "int64",
                                                "dollar_value": "float64"})
    return pd.DataFrame({
        "customer_id": raw["customer_id"].astype(str),
        "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "quantity": raw["number_of_cds"].astype("int64"),
        "amount": raw["dollar_value"].astype("float64"),
    })


_DATE_COLUMN_HINTS = ("date", "_on", "_at", "month", "week_start")


def _read_case_table(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=True)
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            continue
        if col == "date" or col.endswith(_DATE_COLUMN_HINTS):
            df[col] = pd.to_datetime(series, format="ISO8601", errors="coerce")
        elif col.endswith("_id") or col in {"name", "company", "address"}:
            df[col] = series.astype("string")
        elif series.nunique(dropna=True) <= max(60, len(series) // 20):
            df[col] = _cat(series)
        else:
            df[col] = series.astype("string")
    return df


_READERS = {
    "customers": _read_customers,
    "transactions": _read_transactions,
    "events": _read_events,
    "campaigns": _read_campaigns,
    "latent": _read_latent,
    "cdnow": _read_cdnow,
    "case": _read_case_table,
}


def load_customers(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The synthetic market's customers, one row each, typed (see ``data/README.md``).

    >>> load_customers()["customer_id"].is_unique
    True
    """
    return _load("market/customers.csv.gz", "customers", data_dir)


def load_transactions(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Purchases 2024-01-01 to 2025-12-31: customer_id, date, category, amount, discount_used, channel.

    >>> int(load_transactions()["date"].dt.year.min())
    2024
    """
    return _load("market/transactions.csv.gz", "transactions", data_dir)


def load_events(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Web and app clickstream for 2025-10-01 to 2025-12-31, one row per event.

    >>> "cart_abandoned" in load_events()["event"].cat.categories
    True
    """
    return _load("market/events.csv.gz", "events", data_dir)


def load_campaigns(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The log of past campaigns: one row per (campaign, segment, creative, channel).

    >>> bool((load_campaigns()["spend"] <= load_campaigns()["budget"]).all())
    True
    """
    return _load("market/campaigns.csv", "campaigns", data_dir)


def load_latent_segments(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """For instructors and the simulator: each customer's hidden segment and responsiveness.

    >>> load_latent_segments()["latent_segment"].nunique()
    8
    """
    return _load("instructor/latent_segments.csv.gz", "latent", data_dir)


def load_cdnow(*, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Real CDNOW purchases (Jan 1997 to Jun 1998), as shipped with ``lifetimes`` (see PROVENANCE.md).

    Columns: ``customer_id`` (str), ``date``, ``quantity`` (CDs), ``amount`` (US dollars).

    >>> cd = load_cdnow()
    >>> len(cd), cd["customer_id"].nunique()
    (69659, 23570)
    """
    return _load("cdnow/CDNOW_master.txt", "cdnow", data_dir)


class Case(Mapping[str, pd.DataFrame]):
    """One worked case: tables by key or attribute (``case.orders``), plus ``params``, ``title``,
    ``story`` and ``data_issues`` from ``data/cases/cases.yaml``.

    >>> len(load_case("b2b").accounts.drop_duplicates("account_id")) >= 200
    True
    """

    def __init__(self, name: str, title: str, story: str, params: dict[str, Any],
                 tables: dict[str, pd.DataFrame], data_issues: list[str] | None = None) -> None:
        self.name = name
        self.title = title
        self.story = story
        self.params = params
        self.data_issues = list(data_issues or [])
        self._tables = dict(tables)

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._tables:
            raise KeyError(f"case {self.name!r} has no table {key!r}; it has {sorted(self._tables)}.")
        return self._tables[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __getattr__(self, key: str) -> pd.DataFrame:
        tables = self.__dict__.get("_tables", {})
        if key in tables:
            return tables[key]
        raise AttributeError(f"case {self.__dict__.get('name')!r} has no table or attribute {key!r}; "
                             f"tables: {sorted(tables)}.")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._tables))

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k} {v.shape[0]}x{v.shape[1]}" for k, v in self._tables.items())
        return f"Case({self.name!r}: {shapes})"


def load_case(name: str, *, data_dir: Path | str | None = None) -> Case:
    """Load one worked case (a name in ``CASE_NAMES``): its typed tables and its parameters.

    >>> load_case("grocery").params["radius_km"]
    3.0
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a case name (a string), got {type(name).__name__}.")
    if name not in CASE_NAMES:
        raise ValueError(f"unknown case {name!r}; valid cases are: {', '.join(CASE_NAMES)}.")
    folder = _data_dir(data_dir)
    cfg_path = verify_file("cases/cases.yaml", folder)
    cfg = read_yaml(cfg_path, what="case parameters")[name]
    prefix = f"cases/{name}/"
    rels = sorted(r for r in load_manifest(folder)["files"] if r.startswith(prefix) and r.endswith(".csv"))
    if not rels:
        raise MissingDataFileError(f"no tables for case {name!r} in {folder / MANIFEST_NAME}; "
                                   f"run {REGENERATE_COMMAND} to regenerate them.")
    order = list(cfg.get("tables", []))
    rels.sort(key=lambda r: (order.index(Path(r).stem) if Path(r).stem in order else len(order), r))
    tables = {Path(r).stem: _load(r, "case", folder) for r in rels}
    return Case(name=name, title=cfg.get("title", name), story=cfg.get("story", ""),
                params=dict(cfg.get("params", {})), tables=tables, data_issues=cfg.get("data_issues", []))

