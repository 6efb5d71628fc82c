"""Produce the lifetimes reference fixtures used by tests/test_rfm.py.

The fixtures are the output of the real ``lifetimes`` package (0.11.3),
``lifetimes.utils.summary_data_from_transaction_data(..., freq="D",
monetary_value_col="amount", observation_period_end=AS_OF)``, run on the
real CDNOW master file. ``course_lib.analysis.rfm.rfm_table(..., convention="lifetimes")``
must reproduce them; the test never sees lifetimes itself, only these files.

lifetimes does not install next to the course pins (it needs an older pandas
and ``pkg_resources``), so run this script in a throwaway virtualenv::

    python3 -m venv /tmp/ltvenv
    /tmp/ltvenv/bin/pip install 'setuptools<70' 'numpy<2' 'pandas<2.2' 'scipy<1.13' autograd dill
    /tmp/ltvenv/bin/pip install --no-deps lifetimes==0.11.3
    /tmp/ltvenv/bin/python tools/make_lifetimes_reference.py [path/to/CDNOW_master.txt]

Without a path it reads ``data/cdnow/CDNOW_master.txt`` and falls back to
the copy of CDNOW shipped inside the lifetimes wheel
(``lifetimes/datasets/CDNOW_master.txt``, same data). The file is read
directly (whitespace separated: customer id, YYYYMMDD date, quantity,
amount; an optional header line is skipped) because lifetimes' own loaders
break on current setuptools.

Outputs (in ``tests/reference/``):

* ``cdnow_lifetimes_<AS_OF>.csv.gz`` -- columns customer_id, frequency,
  recency, T, monetary_value (floats written with 17 significant digits);
* ``cdnow_lifetimes_meta.json`` -- versions, as_of values and a fingerprint
  of the input (row count, customers, amount total) so the test can confirm
  it is comparing the same data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "reference"
#: The last day of the CDNOW data, and an earlier cut that truncates later purchases.
AS_OF_VALUES = ("1998-06-30", "1997-09-30")


def read_cdnow(path: Path) -> pd.DataFrame:
    """Read the raw CDNOW master file (header line optional)."""
    first = path.read_text().split(None, 1)[0]
    skip = 0 if first.isdigit() else 1
    df = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        skiprows=skip,
        names=["customer_id", "date", "quantity", "amount"],
        dtype={"customer_id": "int64", "date": "str", "quantity": "int64", "amount": "float64"},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def find_input() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    local = REPO / "data" / "cdnow" / "CDNOW_master.txt"
    if local.exists():
        return local
    import lifetimes  # noqa: PLC0415

    return Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"


def main() -> None:
    import lifetimes  # noqa: PLC0415
    from lifetimes.utils import summary_data_from_transaction_data  # noqa: PLC0415

    path = find_input()
    tx = read_cdnow(path)
    OUT.mkdir(parents=True, exist_ok=True)
    for as_of in AS_OF_VALUES:
        summary = summary_data_from_transaction_data(
            tx,
            "customer_id",
            "date",
            monetary_value_col="amount",
            observation_period_end=as_of,
            freq="D",
        )
        summary.index.name = "customer_id"
        summary.reset_index().to_csv(
            OUT / f"cdnow_lifetimes_{as_of}.csv.gz",
            index=False,
            float_format="%.17g",
            compression={"method": "gzip", "mtime": 0},  # byte-identical on every run
        )
    meta = {
        "tool": "lifetimes.utils.summary_data_from_transaction_data",
        "lifetimes": lifetimes.__version__,
        "pandas": pd.__version__,
        "arguments": {"freq": "D", "monetary_value_col": "amount", "include_first_transaction": False},
        "as_of": list(AS_OF_VALUES),
        "input_file": path.name,
        "input_rows": int(len(tx)),
        "input_customers": int(tx["customer_id"].nunique()),
        "input_amount_total": round(float(tx["amount"].sum()), 2),
    }
    (OUT / "cdnow_lifetimes_meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {len(AS_OF_VALUES)} fixtures from {path} ({len(tx)} rows)")


if __name__ == "__main__":
    main()
