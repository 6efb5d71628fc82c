"""Regenerate every generated file in ``data/`` (what ``make data`` runs).

Fixed seeds and deterministic writing (gzip with ``mtime=0``, ``\\n`` line endings,
rounded floats) make two runs byte-identical; ``data/MANIFEST.json`` records each file's
SHA-256, size and row count for :mod:`course_lib.market.datasets`. Hand-written inputs
(``SOURCE_FILES``) are read, never written; questions and flashcards are left alone.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     manifest = generate_all(Path(tmp), n_customers=300)
>>> manifest["files"]["market/customers.csv.gz"]["rows"]
300
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.market.synthetic import DEFAULT_N_CUSTOMERS, DEFAULT_SEED, Market, generate_market, load_market_config

#: The city of the committed data.
DEFAULT_CITY: str = "nagpur"
from course_lib.base.files import ArgumentParser, atomic_write, check_writable, number_in, staged_folder
from course_lib.base.paths import DATA_DIR
from course_lib.base.validation import require_positive_int

__all__ = ["SOURCE_FILES", "generate_all", "write_table", "main"]

#: Hand-written or real inputs (read from ``source_dir``, listed in the manifest).
SOURCE_FILES: tuple[str, ...] = ("market/market.yaml", "market/segments.yaml", "cases/cases.yaml", "cdnow/CDNOW_master.txt")
MANIFEST_NAME = "MANIFEST.json"


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data, keep_mode=False)  # readable by others as the umask says


def _csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            times = out[col].dropna()
            has_time = bool(((times - times.dt.normalize()) != pd.Timedelta(0)).any())
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_table(df: pd.DataFrame, path: Path) -> bytes:
    """Write ``df`` as CSV (gzip if the name ends in ``.gz``) deterministically and atomically; return the bytes.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a = write_table(pd.DataFrame({"x": [1.5]}), Path(tmp) / "t.csv.gz")
    ...     b = write_table(pd.DataFrame({"x": [1.5]}), Path(tmp) / "t.csv.gz")
    >>> a == b
    True
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    if not isinstance(path, Path):
        raise TypeError(f"path must be a pathlib.Path, got {type(path).__name__}.")
    data = _csv_bytes(df)
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    _atomic_write(path, data)
    return data


def _campaign_log(market: Market, plans: list[dict[str, Any]], seed: int) -> pd.DataFrame:
    from course_lib.market.simulator import simulate

    rows = []
    for i, plan in enumerate(plans):
        res = simulate(plan.get("audience") or None, plan["creative"], plan["channel"], float(plan["budget"]),
                       seed=seed + i, market=market)
        row = {"campaign": plan["campaign"], "start_date": plan["start"], "end_date": plan["end"],
               "segment": plan["segment"], "audience_rule": plan.get("audience") or "", "creative": res.creative,
               "channel": res.channel, "budget": float(plan["budget"])}
        row.update({k: getattr(res, k) for k in ("audience_size", "reachable", "impressions", "reach", "clicks",
                                                 "conversions", "spend", "revenue")})
        rows.append(row)
    return pd.DataFrame(rows)


def _count_rows(relpath: str, data: bytes) -> int | None:
    if relpath.endswith(".txt"):
        return data.count(b"\n") - 1  # header line
    return None


def generate_all(out_dir: Path, *, source_dir: Path | None = None, n_customers: int = DEFAULT_N_CUSTOMERS,
                 seed: int = DEFAULT_SEED, city: str = DEFAULT_CITY) -> dict[str, Any]:
    """Generate the market, the campaign log and the cases into ``out_dir``, plus ``MANIFEST.json``.

    Hand-written inputs are read from ``source_dir`` (default ``data/``) and copied when it
    differs from ``out_dir``. ``seed`` seeds the market and campaign log (cases have their own
    seeds); ``city`` is one under ``cities:`` in market.yaml, recorded when not the default.
    Everything is written into a staging folder next to ``out_dir`` that then replaces it, so an
    error half-way leaves the old ``out_dir`` as it was. Returns the manifest (example in the module docstring).
    """
    from course_lib.market.cases import generate_cases, load_cases_config

    if not isinstance(out_dir, (str, Path)):
        raise TypeError(f"out_dir must be a folder path, got {type(out_dir).__name__}.")
    out_dir = Path(out_dir)
    source_dir = DATA_DIR if source_dir is None else Path(source_dir)
    n_customers = require_positive_int(n_customers, "n_customers", minimum=100)
    seed = require_positive_int(seed, "seed", minimum=0)
    for rel in SOURCE_FILES:
        if not (source_dir / rel).is_file():
            raise FileNotFoundError(f"input file {source_dir / rel} is missing; restore it with "
                                    f"`git checkout -- data/{rel}`.")
    check_writable(out_dir, "out_dir")

    config = load_market_config(source_dir / "market" / "market.yaml")
    market = generate_market(n_customers, seed, city, config=config)
    tables: dict[str, pd.DataFrame] = {
        "market/customers.csv.gz": market.customers,
        "market/transactions.csv.gz": market.transactions,
        "market/events.csv.gz": market.events,
        "market/campaigns.csv": _campaign_log(market, config["campaign_plans"], seed),
        "instructor/latent_segments.csv.gz": market.latent,
    }
    cases_cfg = load_cases_config(source_dir / "cases" / "cases.yaml")
    for name, case_tables in generate_cases(cases_cfg).items():
        for table, df in case_tables.items():
            tables[f"cases/{name}/{table}.csv"] = df

    with staged_folder(out_dir) as stage:
        return _write_all(stage, source_dir, tables, seed=seed, n_customers=n_customers, city=city,
                          same_source=out_dir.resolve() == source_dir.resolve())


def _write_all(out_dir: Path, source_dir: Path, tables: dict[str, pd.DataFrame], *, seed: int, n_customers: int,
               city: str, same_source: bool) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    for rel, df in tables.items():
        data = write_table(df, out_dir / rel)
        files[rel] = {"kind": "generated", "rows": int(len(df)), "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()}
    for rel in SOURCE_FILES:
        data = (source_dir / rel).read_bytes()
        if not same_source:
            _atomic_write(out_dir / rel, data)
        files[rel] = {"kind": "source", "rows": _count_rows(rel, data), "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {
        "comment": "SHA-256 of every data file; regenerate with `make data` (python -m course_lib data).",
        "seed": seed,
        "n_customers": n_customers,
        **({"city": city} if city != DEFAULT_CITY else {}),
        "files": dict(sorted(files.items())),
    }
    _atomic_write(out_dir / MANIFEST_NAME, (json.dumps(manifest, indent=2, sort_keys=False) + "\n").encode())
    return manifest


def load_manifest_settings(data_dir: Path | None = None) -> dict[str, Any]:
    """The ``seed``, ``n_customers`` and ``city`` that ``data/`` was generated with (from its manifest).

    >>> sorted(load_manifest_settings())
    ['city', 'n_customers', 'seed']
    """
    manifest = json.loads(((data_dir or DATA_DIR) / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {"n_customers": int(manifest["n_customers"]), "seed": int(manifest["seed"]),
            "city": manifest.get("city", DEFAULT_CITY)}


def main(argv: list[str]) -> int:
    """Command line: ``python -m course_lib data [--out DIR] [--check] [--seed N] [--customers N] [--city NAME]``."""
    parser = ArgumentParser(prog="python -m course_lib data",
                                     description="Regenerate every generated file in data/.")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the repository's data/)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary folder and report files that differ from data/")
    parser.add_argument("--seed", type=number_in(0, 2**32 - 1), default=DEFAULT_SEED,
                        help=f"master seed of the market (default: {DEFAULT_SEED}); a new seed gives a new cohort "
                             "its own data, so answers from another cohort do not carry over")
    parser.add_argument("--customers", type=number_in(100, 1_000_000), default=DEFAULT_N_CUSTOMERS,
                        help=f"number of customers (default: {DEFAULT_N_CUSTOMERS})")
    parser.add_argument("--city", default=DEFAULT_CITY,
                        help=f"a city under 'cities:' in data/market/market.yaml (default: {DEFAULT_CITY})")
    args = parser.parse_args(argv)
    custom = (args.seed, args.customers, args.city) != (DEFAULT_SEED, DEFAULT_N_CUSTOMERS, DEFAULT_CITY)
    if args.check and custom:
        print("error: --check regenerates with the settings recorded in data/MANIFEST.json; "
              "leave out --seed, --customers and --city.", file=sys.stderr)
        return 2
    if args.check:
        recorded = load_manifest_settings()
        with tempfile.TemporaryDirectory() as tmp:
            manifest = generate_all(Path(tmp), **recorded)
            changed = []
            for rel in manifest["files"]:
                committed = DATA_DIR / rel
                if not committed.is_file() or committed.read_bytes() != (Path(tmp) / rel).read_bytes():
                    changed.append(rel)
            if (DATA_DIR / MANIFEST_NAME).read_bytes() != (Path(tmp) / MANIFEST_NAME).read_bytes():
                changed.append(MANIFEST_NAME)
        if changed:
            print("differs from a fresh regeneration: " + ", ".join(changed), file=sys.stderr)
            return 1
        print(f"data/ is up to date ({len(manifest['files'])} files).")
        return 0
    out = args.out if args.out is not None else DATA_DIR
    try:
        check_writable(out, "--out")
        manifest = generate_all(out, n_customers=args.customers, seed=args.seed, city=args.city)
    except (ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} files ({total / 1e6:.1f} MB) and {MANIFEST_NAME} to {out}")
    return 0
