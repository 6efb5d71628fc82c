"""Benchmark: rfm_table on 1,000,000 transactions of 100,000 customers.

Run from the repository root::

    .venv/bin/python benchmarks/bench_rfm.py
    .venv/bin/python benchmarks/bench_rfm.py --lifetimes-python /tmp/ltvenv/bin/python

Goals (issue 4): ``rfm_table`` under 1.5 s, within 1.5x of a bare pandas
groupby doing the same aggregation in the same process, peak memory under
1 GB. The script prints the median of several runs, the ratio to the
baseline and the memory figures.

Peer: lifetimes' ``summary_data_from_transaction_data`` on the same table.
It is timed in this process when ``lifetimes`` can be imported; otherwise
pass ``--lifetimes-python`` with an interpreter that has it (lifetimes needs
an older pandas, so it usually lives in a throwaway virtualenv, see
tools/make_lifetimes_reference.py); the table is handed over as raw numpy
arrays and only the function call is timed there. Without either, the peer
is skipped with a note.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import textwrap
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from course_lib.analysis.rfm import rfm_table

N_ROWS = 1_000_000
N_CUSTOMERS = 100_000
AS_OF = pd.Timestamp("2025-12-31")
REPEATS = 5


def make_transactions(seed: int = 0) -> pd.DataFrame:
    """Seeded synthetic log: every customer buys at least once, dates over two years."""
    rng = np.random.default_rng(seed)
    customers = np.concatenate([np.arange(N_CUSTOMERS), rng.integers(0, N_CUSTOMERS, N_ROWS - N_CUSTOMERS)])
    rng.shuffle(customers)
    seconds = rng.integers(0, 730 * 86_400, N_ROWS)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s")
    amounts = np.round(rng.lognormal(6.0, 1.0, N_ROWS), 2)
    return pd.DataFrame({"customer_id": customers, "date": dates, "amount": amounts})


def baseline(tx: pd.DataFrame) -> pd.DataFrame:
    """The same aggregation as rfm_table(convention="standard"), written directly in pandas."""
    g = tx.groupby("customer_id")
    last = g["date"].max().dt.normalize()
    return pd.DataFrame({
        "recency": (AS_OF - last).dt.days,
        "frequency": g.size(),
        "monetary": g["amount"].sum(),
    })


def timed(func, *args, **kwargs) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


PEER_SCRIPT = textwrap.dedent(
    """
    import sys, time, numpy as np, pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data
    data = np.load(sys.argv[1])
    tx = pd.DataFrame({"customer_id": data["customer_id"], "date": data["date"].astype("datetime64[ns]"),
                       "amount": data["amount"]})
    start = time.perf_counter()
    out = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount",
                                             observation_period_end=sys.argv[2], freq="D")
    print(time.perf_counter() - start, len(out))
    """
)


def run_peer(tx: pd.DataFrame, python: str | None) -> str:
    try:
        from lifetimes.utils import summary_data_from_transaction_data  # noqa: PLC0415
    except Exception:  # noqa: BLE001 - lifetimes breaks on new setuptools/pandas in several ways
        summary_data_from_transaction_data = None
    if summary_data_from_transaction_data is not None:
        start = time.perf_counter()
        summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount",
                                           observation_period_end=AS_OF, freq="D")
        return f"{time.perf_counter() - start:.3f} s (in this process, one run)"
    if python is None:
        return "skipped: lifetimes is not installed here (pass --lifetimes-python PATH to time it elsewhere)"
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "tx.npz"
        np.savez(npz, customer_id=tx["customer_id"].to_numpy(), date=tx["date"].to_numpy().astype("int64"),
                 amount=tx["amount"].to_numpy())
        script = Path(tmp) / "peer.py"
        script.write_text(PEER_SCRIPT)
        proc = subprocess.run([python, str(script), str(npz), str(AS_OF.date())], capture_output=True, text=True,
                              check=False)
    if proc.returncode != 0:
        return f"skipped: the peer failed ({proc.stderr.strip().splitlines()[-1] if proc.stderr else 'no output'})"
    seconds, rows = proc.stdout.split()
    return f"{float(seconds):.3f} s ({python}, one run, {rows} customers)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetimes-python", help="interpreter with lifetimes installed, for the peer timing")
    args = parser.parse_args()

    tx = make_transactions()
    print(f"rfm_table benchmark: {len(tx):,} transactions, {tx['customer_id'].nunique():,} customers, "
          f"median of {REPEATS} runs")

    t_base, expected = timed(baseline, tx)
    t_std, got = timed(rfm_table, tx, as_of=AS_OF)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False)  # same answer
    t_lt, _ = timed(rfm_table, tx, as_of=AS_OF, convention="lifetimes")

    tracemalloc.start()
    rfm_table(tx, as_of=AS_OF)
    _, peak_std = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    rfm_table(tx, as_of=AS_OF, convention="lifetimes")
    _, peak_lt = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux

    ratio = t_std / t_base
    print(f"  bare pandas groupby (baseline)      {t_base:7.3f} s")
    print(f"  rfm_table convention='standard'     {t_std:7.3f} s   ratio {ratio:.2f}x baseline "
          f"(goal < 1.5 s and <= 1.5x) -> {'OK' if t_std < 1.5 and ratio <= 1.5 else 'MISSED'}")
    print(f"  rfm_table convention='lifetimes'    {t_lt:7.3f} s   ratio {t_lt / t_base:.2f}x baseline")
    print(f"  peak memory allocated by one call   standard {peak_std / 2**20:.0f} MiB, "
          f"lifetimes {peak_lt / 2**20:.0f} MiB")
    print(f"  process peak RSS (data included)    {max_rss:.0f} MiB (goal < 1024) -> "
          f"{'OK' if max_rss < 1024 else 'MISSED'}")
    print(f"  peer lifetimes.summary_data_from_transaction_data: {run_peer(tx, args.lifetimes_python)}")


if __name__ == "__main__":
    main()
