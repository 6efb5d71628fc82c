"""Benchmark: the per-segment campaign report on 1,000,000 campaign rows.

Run from the repository root::

    .venv/bin/python benchmarks/bench_metrics.py

Goal (issue 4): ``campaign_report`` under 1 s. The baseline, run in the same
process, is a bare pandas groupby-sum of the same columns (no validation, no
ratios, no notes); the script prints the median of several runs and the ratio.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from course_lib.analysis.metrics import campaign_report

N_ROWS = 1_000_000
REPEATS = 5
VALUES = ["impressions", "clicks", "conversions", "spend", "revenue", "reach", "engagements"]


def make_rows(seed: int = 0) -> pd.DataFrame:
    """Seeded synthetic campaign rows (some with zero impressions, clicks or spend)."""
    rng = np.random.default_rng(seed)
    impressions = rng.integers(0, 5_000, N_ROWS)
    clicks = rng.binomial(impressions, 0.02)
    conversions = rng.binomial(clicks, 0.08)
    reach = (impressions * rng.uniform(0.3, 0.9, N_ROWS)).astype(np.int64)
    return pd.DataFrame({
        "campaign": rng.choice([f"c{i}" for i in range(20)], N_ROWS),
        "segment": rng.choice([f"segment {i}" for i in range(40)], N_ROWS),
        "creative": rng.choice(["video", "static", "carousel", "story"], N_ROWS),
        "channel": rng.choice(["social", "search", "email", "sms", "display"], N_ROWS),
        "impressions": impressions,
        "clicks": clicks,
        "conversions": conversions,
        "spend": np.round(impressions * rng.uniform(0.05, 0.4, N_ROWS) / 1000 * 100, 2),
        "revenue": np.round(conversions * rng.uniform(200, 1500, N_ROWS), 2),
        "reach": reach,
        "engagements": rng.binomial(reach, 0.03),
    })


def median_time(func, *args, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    rows = make_rows()
    print(f"campaign_report benchmark: {len(rows):,} rows, median of {REPEATS} runs")
    for by in (["segment"], ["segment", "creative", "channel"]):
        t_base, base = median_time(lambda b=by: rows.groupby(b, sort=True, observed=True)[VALUES].sum())
        t_rep, report = median_time(campaign_report, rows, by=by)
        assert len(report) == len(base)
        np.testing.assert_array_equal(report["spend"].to_numpy(), base["spend"].to_numpy())
        ratio = t_rep / t_base
        print(f"  by={by}: {len(report)} groups")
        print(f"    bare groupby-sum (baseline)   {t_base:7.3f} s")
        print(f"    campaign_report               {t_rep:7.3f} s   ratio {ratio:.2f}x baseline "
              f"(goal < 1 s) -> {'OK' if t_rep < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
