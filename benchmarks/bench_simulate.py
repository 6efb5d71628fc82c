"""Benchmark: one campaign-simulator run on the default market (goal: < 100 ms).

Run: ``python benchmarks/bench_simulate.py``. Loads the committed market once
(not timed), then times repeated runs of a micro and a mass plan, and compares
them with a baseline measured in the same process: evaluating the same audience
rule with pandas and drawing one random number per customer with numpy (the bare
minimum any simulator must do).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np

from course_lib.market.simulator import _default_market, simulate

RUNS = 50
PLANS = {
    "micro (tech under 35, gadget creative, social ads)": ("interest_tech and age < 35", "gadget_launch", "social_ads"),
    "mass (everyone, generic sale, social ads)": (None, "generic_sale", "social_ads"),
    "cpc (everyone, generic sale, search ads)": (None, "generic_sale", "search_ads"),
}


def timed(fn, runs: int = RUNS) -> list[float]:
    out = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    t0 = time.perf_counter()
    market = _default_market()
    simulate(None, "generic_sale", "email", 1000, seed=0)  # warm caches
    print(f"loading the default market (once per session): {time.perf_counter() - t0:.2f} s, "
          f"{len(market.customers):,} customers")
    customers = market.customers
    rng = np.random.default_rng(0)

    def baseline(i: int) -> None:
        mask = customers.eval("interest_tech and age < 35").to_numpy()
        rng.random(len(customers))[mask].sum()

    base = statistics.median(timed(baseline))
    print(f"baseline (pandas eval of the rule + one numpy draw per customer): {base:.2f} ms median")
    for label, (aud, cr, ch) in PLANS.items():
        times = timed(lambda i: simulate(aud, cr, ch, 10_000, seed=i))
        med = statistics.median(times)
        print(f"{label}: median {med:.2f} ms, max {max(times):.2f} ms over {RUNS} runs "
              f"(goal < 100 ms); ratio to baseline {med / base:.1f}x")
    tracemalloc.start()
    simulate(None, "generic_sale", "social_ads", 10_000, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak memory of one mass run (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
