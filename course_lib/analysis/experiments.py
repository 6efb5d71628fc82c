"""Test and learn: A/B tests, sample sizes, lift and budget reallocation.

* :func:`two_proportion_ztest` -- is variant B's conversion rate different
  from A's? (z-test with a confidence interval for the difference);
* :func:`sample_size_per_group` -- how many people per group to detect a
  given difference;
* :func:`lift` -- relative improvement of a treatment over a control;
* :func:`reallocate_budget` -- move budget toward segments with higher ROAS;
* :func:`assign_groups` -- a seeded random split of customers into test
  groups (A, B, a holdout, ...) of exact sizes.

Chapter 10 works the z statistic and the sample size by hand first; a test
checks that these helpers give the same numbers on the course data.

Examples
--------
>>> from course_lib.analysis.experiments import two_proportion_ztest
>>> res = two_proportion_ztest(200, 5000, 260, 5000)
>>> round(res.p_value, 4), res.significant
(0.0042, True)
"""

from __future__ import annotations

import math
from statistics import NormalDist
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.metrics import require_aligned
from course_lib.base.validation import (require_choice, require_columns, require_dataframe, require_no_missing,
                                        require_non_negative, require_number, require_positive_int,
                                        require_probability)

__all__ = ["ZTestResult", "two_proportion_ztest", "sample_size_per_group", "lift", "reallocate_budget",
           "assign_groups"]

ALTERNATIVES = ("two-sided", "larger", "smaller")
_NORMAL = NormalDist()


def _norm_sf(z: float) -> float:
    """Upper tail of the standard normal, accurate far into the tail (no scipy import needed)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _norm_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _norm_ppf(q: float) -> float:
    return _NORMAL.inv_cdf(q)


@dataclass(frozen=True)
class ZTestResult:
    """Result of :func:`two_proportion_ztest` (B compared with A).

    ``difference`` = ``rate_b - rate_a`` with a ``1 - alpha`` Wald interval
    (``ci_low``, ``ci_high``, unpooled standard error); ``lift`` =
    ``difference / rate_a`` (NaN when ``rate_a`` is 0); ``z`` uses the pooled
    standard error, as textbooks and statsmodels' ``proportions_ztest`` do;
    ``significant`` is ``p_value < alpha``.
    """

    rate_a: float
    rate_b: float
    difference: float
    ci_low: float
    ci_high: float
    lift: float
    z: float
    p_value: float
    alpha: float
    alternative: str
    significant: bool


def _count(value: Any, arg: str) -> int:
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise ValueError(f"{arg} must be a finite whole number, got {value!r}.")
    return require_positive_int(value, arg, minimum=0)


def two_proportion_ztest(conversions_a: int, n_a: int, conversions_b: int, n_b: int, alpha: float = 0.05,
                         alternative: str = "two-sided") -> ZTestResult:
    """Two-proportion z-test comparing conversion rates of A (the control) and B (the variant).

    ``alternative="larger"`` tests whether B converts better than A. When both
    groups have a rate of 0 (or both of 1), z is 0 and the p-value 1.

    >>> res = two_proportion_ztest(50, 1000, 80, 1000)
    >>> round(res.difference, 3), round(res.z, 3), round(res.ci_low, 4), round(res.ci_high, 4)
    (0.03, 2.721, 0.0084, 0.0516)
    """
    conversions_a, n_a = _count(conversions_a, "conversions_a"), _count(n_a, "n_a")
    conversions_b, n_b = _count(conversions_b, "conversions_b"), _count(n_b, "n_b")
    for conv, n, name in ((conversions_a, n_a, "a"), (conversions_b, n_b, "b")):
        if n == 0:
            raise ValueError(f"n_{name} must be at least 1 (nobody was exposed in group {name.upper()}).")
        if conv > n:
            raise ValueError(f"conversions_{name} ({conv}) cannot exceed n_{name} ({n}).")
    alpha = require_probability(alpha, "alpha", open_interval=True)
    require_choice(alternative, "alternative", ALTERNATIVES)
    pa, pb = conversions_a / n_a, conversions_b / n_b
    diff = pb - pa
    pooled = (conversions_a + conversions_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = diff / se_pooled if se_pooled > 0 else 0.0
    if alternative == "two-sided":
        p_value = 2 * _norm_sf(abs(z))
    elif alternative == "larger":
        p_value = _norm_sf(z)
    else:
        p_value = _norm_cdf(z)
    p_value = min(float(p_value), 1.0)
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    zc = _norm_ppf(1 - alpha / 2)
    return ZTestResult(rate_a=pa, rate_b=pb, difference=diff, ci_low=diff - zc * se, ci_high=diff + zc * se,
                       lift=diff / pa if pa > 0 else float("nan"), z=float(z), p_value=p_value, alpha=alpha,
                       alternative=alternative, significant=bool(p_value < alpha))


def sample_size_per_group(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8,
                          method: str = "pooled") -> int:
    """People needed in each of two equal groups to detect ``p1`` vs ``p2`` (two-sided), rounded up.

    ``method="pooled"`` is the textbook formula ``(z_{1-alpha/2} sqrt(2 pbar (1 - pbar))
    + z_power sqrt(p1 (1 - p1) + p2 (1 - p2)))**2 / (p1 - p2)**2`` with ``pbar = (p1 + p2) / 2``
    (statsmodels' ``samplesize_proportions_2indep_onetail``); ``"arcsine"`` solves the
    normal power equation for Cohen's ``h`` (statsmodels' ``NormalIndPower``).

    >>> sample_size_per_group(0.10, 0.12)
    3841
    >>> sample_size_per_group(0.10, 0.12, method="arcsine")
    3835
    """
    p1 = require_probability(p1, "p1", open_interval=True)
    p2 = require_probability(p2, "p2", open_interval=True)
    if p1 == p2:
        raise ValueError("p1 and p2 must differ: no sample size can detect a zero difference.")
    alpha = require_probability(alpha, "alpha", open_interval=True)
    power = require_probability(power, "power", open_interval=True)
    require_choice(method, "method", ("pooled", "arcsine"))
    if power <= alpha / 2:
        raise ValueError(f"power ({power:g}) must be larger than alpha/2 ({alpha / 2:g}).")
    za = _norm_ppf(1 - alpha / 2)
    zb = _norm_ppf(power)
    if method == "pooled":
        pbar = (p1 + p2) / 2
        n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (
            p1 - p2
        ) ** 2
    else:
        h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))

        def power_gap(n: float) -> float:
            shift = h * math.sqrt(n / 2)
            return _norm_sf(za - shift) + _norm_cdf(-za - shift) - power

        upper = 2 * ((za + zb) / h) ** 2 + 10
        from scipy import optimize  # noqa: PLC0415 (only this method needs scipy)

        n = optimize.brentq(power_gap, 1e-9, upper, xtol=1e-10)
    return int(math.ceil(n - 1e-9))


def lift(treatment_rate: Any, control_rate: Any) -> Any:
    """Relative lift of a treatment over a control: ``(t - c) / c``.

    Works on numbers or arrays; NaN where the control rate is 0.

    >>> round(lift(0.06, 0.05), 6)
    0.2
    >>> lift(0.02, 0.0)
    nan
    """
    require_aligned(treatment_rate, control_rate, "treatment_rate", "control_rate")
    t = np.asarray(treatment_rate, dtype=float) if not isinstance(treatment_rate, str) else None
    c = np.asarray(control_rate, dtype=float) if not isinstance(control_rate, str) else None
    if t is None or c is None:
        raise TypeError("treatment_rate and control_rate must be numbers or arrays of numbers.")
    for arr, arg in ((t, "treatment_rate"), (c, "control_rate")):
        if not np.isfinite(arr).all():
            raise ValueError(f"{arg} must be finite numbers (no NaN or inf).")
        if (arr < 0).any():
            raise ValueError(f"{arg} must not be negative.")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(c > 0, (t - c) / np.where(c > 0, c, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def reallocate_budget(data: pd.DataFrame, total_budget: float, segment: str = "segment", spend: str = "spend",
                      revenue: str = "revenue", min_share: float = 0.0) -> pd.DataFrame:
    """Split a budget across segments in proportion to their ROAS (past rows summed per segment).

    Every segment with spend keeps at least ``min_share`` of the budget (to keep
    learning about it); segments without spend get nothing (see ``note``).
    Returns ``segment``, ``spend``, ``revenue``, ``roas``, ``old_share``,
    ``new_share``, ``new_budget``, ``change`` and ``note``.

    >>> import pandas as pd
    >>> past = pd.DataFrame({"segment": ["a", "b"], "spend": [100.0, 100.0], "revenue": [300.0, 100.0]})
    >>> reallocate_budget(past, 1000)[["segment", "roas", "new_budget"]]
      segment  roas  new_budget
    0       a   3.0       750.0
    1       b   1.0       250.0
    """
    require_dataframe(data, "data")
    total_budget = require_number(total_budget, "total_budget", minimum=0, inclusive=False)
    min_share = require_number(min_share, "min_share", minimum=0, maximum=1)
    require_columns(data, [segment, spend, revenue], "data")
    require_no_missing(data, [segment, spend, revenue], "data")
    require_non_negative(data, [spend, revenue], "data")
    sums = data.groupby(segment, sort=True, observed=True)[[spend, revenue]].sum().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(sums[spend] > 0, sums[revenue] / sums[spend].where(sums[spend] > 0, 1.0), np.nan)
    eligible = ~np.isnan(r)
    n_eligible = int(eligible.sum())
    if n_eligible == 0:
        raise ValueError(f"no segment has any {spend!r}; ROAS is undefined everywhere, nothing to reallocate.")
    if min_share * n_eligible > 1 + 1e-12:
        raise ValueError(
            f"min_share ({min_share:g}) times the {n_eligible} segments with spend exceeds 1; lower min_share."
        )
    weights = np.where(eligible, r, 0.0)
    free = 1 - min_share * n_eligible
    if weights.sum() > 0:
        share = np.where(eligible, min_share + free * weights / weights.sum(), 0.0)
    else:  # all ROAS are 0: spread evenly among segments with spend
        share = np.where(eligible, 1 / n_eligible, 0.0)
    out = sums.rename(columns={segment: "segment", spend: "spend", revenue: "revenue"})
    out["roas"] = r
    out["old_share"] = sums[spend] / sums[spend].sum()
    out["new_share"] = share
    out["new_budget"] = share * total_budget
    out["change"] = out["new_budget"] - out["old_share"] * total_budget
    out["note"] = np.where(eligible, "", "ROAS undefined (no past spend): no budget allocated")
    return out


# --------------------------------------------------------------------------- random split


def assign_groups(units: Any, shares: Mapping[str, float], seed: int = 0, name: str = "group") -> pd.Series:
    """Randomly split customers into groups of exact sizes (seeded): one label per unit.

    ``units`` is a count, a DataFrame / Series (its index labels the result) or a
    list of ids; ``shares`` maps group names to positive shares adding up to 1
    (sizes rounded by largest remainder).

    >>> groups = assign_groups(10, {"A": 0.5, "B": 0.3, "holdout": 0.2}, seed=1)
    >>> groups.value_counts().sort_index().to_dict()
    {'A': 5, 'B': 3, 'holdout': 2}
    """
    if isinstance(units, (bool, np.bool_)):
        raise TypeError("units must be a number of units, a DataFrame, a Series or a list of ids, not a bool.")
    if isinstance(units, (int, np.integer)):
        index = pd.RangeIndex(require_positive_int(units, "units"))
    elif isinstance(units, (pd.DataFrame, pd.Series)):
        index = units.index
    elif isinstance(units, (pd.Index, list, tuple, np.ndarray)):
        index = pd.Index(units)
    else:
        raise TypeError(f"units must be a number of units, a DataFrame, a Series or a list of ids, "
                        f"got {type(units).__name__}.")
    if len(index) == 0:
        raise ValueError("units is empty: there is nobody to split.")
    if index.has_duplicates:
        raise ValueError("units has duplicate labels; each customer must appear once to be split.")
    if not isinstance(shares, Mapping) or not shares:
        raise TypeError("shares must be a non-empty mapping of group name to share, e.g. {'A': 0.5, 'B': 0.5}.")
    labels = [str(k) for k in shares]
    if len(set(labels)) != len(labels):
        raise ValueError("shares has two groups with the same name.")
    values = np.array([require_number(v, f"shares[{k!r}]", minimum=0.0, maximum=1.0) for k, v in shares.items()])
    if (values <= 0).any():
        raise ValueError("every share must be positive; drop a group instead of giving it 0.")
    if abs(values.sum() - 1.0) > 1e-9:
        raise ValueError(f"shares must add up to 1, got {values.sum():g}.")
    seed = require_positive_int(seed, "seed", minimum=0)
    n = len(index)
    exact = values * n
    sizes = np.floor(exact).astype(int)
    extra = n - int(sizes.sum())
    if extra:
        order = np.argsort(-(exact - sizes), kind="stable")
        sizes[order[:extra]] += 1
    codes = np.repeat(np.arange(len(labels)), sizes)
    rng = np.random.default_rng(seed)
    out = np.empty(n, dtype=np.int64)
    out[rng.permutation(n)] = codes
    return pd.Series(pd.Categorical.from_codes(out, categories=labels), index=index, name=name)
