"""Benchmark: generating the default synthetic market (goal: < 10 s, < 1 GB peak).

Run: ``python benchmarks/bench_market.py``. Prints wall time, peak memory and the
ratio against a baseline measured in the same process: a bare numpy/pandas job of
similar size (draw as many random numbers, build a frame of the same number of
transaction rows, sort it and group it).

Peak memory is the growth of the process's peak resident set size
(``resource.getrusage``), measured in a fresh child process per job, because
tracemalloc slows the vectorised code down many times over.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
job = sys.argv[1]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if job == "market":
    from course_lib.market.synthetic import generate_market
    t0 = time.perf_counter()
    m = generate_market()
    wall = time.perf_counter() - t0
    rows = {"customers": len(m.customers), "transactions": len(m.transactions), "events": len(m.events)}
elif job == "generate_all":
    import tempfile
    from pathlib import Path
    from course_lib.market.build import generate_all
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        man = generate_all(Path(tmp))
        wall = time.perf_counter() - t0
    rows = {"files": len(man["files"])}
else:  # baseline: same volume of bare numpy/pandas work
    n_tx, n_ev = int(sys.argv[2]), int(sys.argv[3])
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"customer": rng.integers(0, 50_000, n_tx), "day": rng.integers(0, 731, n_tx),
                       "cat": rng.integers(0, 10, n_tx), "amount": rng.lognormal(7, 0.6, n_tx).round(2)})
    df = df.sort_values(["day", "customer"])
    agg = df.groupby(["customer", "cat"])["amount"].sum()
    ev = pd.DataFrame({"t": rng.integers(0, 8_000_000, n_ev), "e": rng.integers(0, 8, n_ev)}).sort_values("t")
    wall = time.perf_counter() - t0
    rows = {"rows": n_tx + n_ev}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall": wall, "peak_mb": (after - before) / 1024, "max_rss_mb": after / 1024, "rows": rows}))
"""


def run(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    market = run("market")
    base = run("baseline", str(market["rows"]["transactions"]), str(market["rows"]["events"]))
    full = run("generate_all")
    print("generate_market() default (50,000 customers)")
    print(f"  rows: {market['rows']}")
    print(f"  wall time      {market['wall']:.2f} s   (goal < 10 s)")
    print(f"  peak memory    +{market['peak_mb']:.0f} MB over imports (process max RSS {market['max_rss_mb']:.0f} MB;"
          " goal < 1 GB)")
    print(f"baseline (bare numpy/pandas, {base['rows']['rows']:,} rows: draw, build, sort, group)")
    print(f"  wall time      {base['wall']:.2f} s, peak +{base['peak_mb']:.0f} MB")
    print(f"  ratio market/baseline: {market['wall'] / base['wall']:.1f}x time, "
          f"{market['peak_mb'] / max(base['peak_mb'], 1):.1f}x memory")
    print("generate_all() (market, campaign log, 7 cases, gzip writes, manifest)")
    print(f"  wall time      {full['wall']:.2f} s, peak +{full['peak_mb']:.0f} MB "
          f"(process max RSS {full['max_rss_mb']:.0f} MB)")
    print(f"  ratio generate_all/baseline: {full['wall'] / base['wall']:.1f}x")


if __name__ == "__main__":
    main()
