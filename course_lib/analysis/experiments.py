"""Test and learn: A/B tests, sample sizes, lift and budget reallocation.

* :func:`two_proportion_ztest` -- is variant B's conversion rate different
  from A's? (z-test with a confidence interval for the difference);
* :func:`sample_size_per_group` -- how many people per group to detect a
  given difference;
* :func:`lift` -- relative improvement of a treatment over a control;
* :func:`reallocate_budget` -- move budget toward segments with higher ROAS;
* :func:`thompson_sampling` -- simulate a seeded multi-armed bandit that
  learns which arm converts best while spending, round by round;
* :func:`assign_groups` -- a seeded random split of customers into test
  groups (A, B, a holdout, ...) of exact sizes;
* :func:`plan_test` and :func:`sample_size_table` -- the people and money an
  A/B test needs for a baseline rate and a minimum detectable lift;
  :func:`plot_sample_size` and :func:`sample_size_explorer` show it;
* :func:`peeking_false_positives` -- how often an A/A test (no real
  difference) looks "significant" when you check the result again and again.

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

from course_lib.base.validation import (
    require_choice,
    require_columns,
    require_dataframe,
    require_no_missing,
    require_non_negative,
    require_number,
    require_positive_int,
    require_probability,
)

__all__ = [
    "ZTestResult",
    "two_proportion_ztest",
    "sample_size_per_group",
    "lift",
    "reallocate_budget",
    "thompson_sampling",
    "assign_groups",
    "SampleSizePlan",
    "plan_test",
    "sample_size_table",
    "plot_sample_size",
    "sample_size_explorer",
    "peeking_false_positives",
]

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

    Attributes
    ----------
    rate_a, rate_b : float
        Observed conversion rates.
    difference : float
        ``rate_b - rate_a``.
    ci_low, ci_high : float
        Confidence interval for the difference (Wald, unpooled standard error).
    lift : float
        Relative lift ``(rate_b - rate_a) / rate_a`` (NaN when ``rate_a`` is 0).
    z : float
        Test statistic (pooled standard error, as in most textbooks and
        ``statsmodels.stats.proportion.proportions_ztest``).
    p_value : float
        p-value for ``alternative``.
    alpha : float
        Significance level; the interval has confidence ``1 - alpha``.
    alternative : str
        ``"two-sided"``, ``"larger"`` (B > A) or ``"smaller"`` (B < A).
    significant : bool
        ``p_value < alpha``.
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
    return require_positive_int(value, arg, minimum=0)


def two_proportion_ztest(
    conversions_a: int,
    n_a: int,
    conversions_b: int,
    n_b: int,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ZTestResult:
    """Two-proportion z-test comparing conversion rates of A and B.

    Parameters
    ----------
    conversions_a, n_a : int
        Conversions and people exposed in group A (the control).
    conversions_b, n_b : int
        The same for group B (the variant).
    alpha : float
        Significance level (0 < alpha < 1).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"`` tests whether B converts better than A.

    Returns
    -------
    ZTestResult
        Rates, difference with a ``1 - alpha`` confidence interval, lift,
        z, p-value and whether it is significant. When both groups have a
        rate of 0 or both of 1 there is no variation: z is 0 and the
        p-value 1.

    Examples
    --------
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
    return ZTestResult(
        rate_a=pa,
        rate_b=pb,
        difference=diff,
        ci_low=diff - zc * se,
        ci_high=diff + zc * se,
        lift=diff / pa if pa > 0 else float("nan"),
        z=float(z),
        p_value=p_value,
        alpha=alpha,
        alternative=alternative,
        significant=bool(p_value < alpha),
    )


def sample_size_per_group(
    p1: float,
    p2: float,
    alpha: float = 0.05,
    power: float = 0.8,
    method: str = "pooled",
) -> int:
    """People needed in each of two equal groups to detect ``p1`` vs ``p2`` (two-sided).

    Parameters
    ----------
    p1, p2 : float
        Expected conversion rates of control and variant (0 < p < 1, different).
    alpha : float
        Significance level (two-sided).
    power : float
        Chance of detecting the difference if it is real.
    method : {"pooled", "arcsine"}
        ``"pooled"`` (default) is the classic normal-approximation formula
        found in most textbooks::

            n = (z_{1-alpha/2} * sqrt(2 * pbar * (1 - pbar))
                 + z_{power} * sqrt(p1 (1 - p1) + p2 (1 - p2)))**2 / (p1 - p2)**2

        with ``pbar = (p1 + p2) / 2``; it equals statsmodels'
        ``samplesize_proportions_2indep_onetail(p2 - p1, p1, power, alpha=alpha)``.
        ``"arcsine"`` uses Cohen's effect size ``h = 2 asin(sqrt(p2)) - 2
        asin(sqrt(p1))`` and solves the two-sided normal power equation,
        which equals statsmodels'
        ``NormalIndPower().solve_power(proportion_effectsize(p2, p1), alpha=alpha, power=power)``.
        The two usually differ by a few percent.

    Returns
    -------
    int
        Sample size per group, rounded up.

    Examples
    --------
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

    Examples
    --------
    >>> round(lift(0.06, 0.05), 6)
    0.2
    >>> lift(0.02, 0.0)
    nan
    """
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


def reallocate_budget(
    data: pd.DataFrame,
    total_budget: float,
    segment: str = "segment",
    spend: str = "spend",
    revenue: str = "revenue",
    min_share: float = 0.0,
) -> pd.DataFrame:
    """Split a budget across segments in proportion to their ROAS.

    Parameters
    ----------
    data : DataFrame
        Past campaign rows; summed per segment.
    total_budget : float
        Budget to split (> 0).
    segment, spend, revenue : str
        Column names.
    min_share : float
        Every segment with spend keeps at least this share of the budget
        (to keep learning about it); the rest follows ROAS. Must satisfy
        ``min_share * number_of_segments <= 1``.

    Returns
    -------
    DataFrame
        ``segment``, ``spend``, ``revenue``, ``roas``, ``old_share``,
        ``new_share``, ``new_budget``, ``change`` (new budget minus the
        old share of the same total) and ``note``. Segments with no past
        spend have an undefined ROAS and get no budget (see ``note``).

    Examples
    --------
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


def thompson_sampling(
    true_rates: Mapping[str, float] | pd.Series,
    rounds: int = 20,
    impressions_per_round: int = 1000,
    seed: int = 0,
    prior: tuple[float, float] = (1.0, 1.0),
    draws: int = 2000,
) -> pd.DataFrame:
    """Simulate batched Thompson sampling over several rounds (seeded).

    Each round the budget of ``impressions_per_round`` is split across arms
    in proportion to the posterior probability that each arm is the best
    (estimated from ``draws`` samples of each arm's Beta posterior);
    conversions are then simulated from the true rates and the posteriors
    updated. The true rates are what the simulation hides from the
    algorithm.

    Parameters
    ----------
    true_rates : mapping or Series
        Arm name (segment, creative...) to its true conversion rate in [0, 1].
    rounds : int
        Number of rounds.
    impressions_per_round : int
        Impressions shared among the arms each round.
    seed : int
        Random seed (same seed, same table).
    prior : (float, float)
        Beta prior ``(alpha, beta)`` for every arm; (1, 1) is uniform.
    draws : int
        Posterior samples used to estimate each arm's chance of being best.

    Returns
    -------
    DataFrame
        One row per round and arm: ``round`` (1-based), ``arm``, ``share``,
        ``impressions``, ``conversions``, ``cumulative_impressions``,
        ``cumulative_conversions``, ``posterior_mean`` and ``prob_best``
        (the probability used for the allocation).

    Examples
    --------
    >>> sim = thompson_sampling({"A": 0.02, "B": 0.05}, rounds=10, seed=1)
    >>> sim[sim["round"] == 10].set_index("arm")["share"].idxmax()
    'B'
    """
    if isinstance(true_rates, pd.Series):
        true_rates = true_rates.to_dict()
    if not isinstance(true_rates, Mapping) or not true_rates:
        raise TypeError("true_rates must be a non-empty mapping (or Series) of arm name to conversion rate.")
    arms = [str(a) for a in true_rates]
    rates = np.array([require_probability(v, f"true_rates[{a!r}]") for a, v in true_rates.items()])
    rounds = require_positive_int(rounds, "rounds")
    impressions_per_round = require_positive_int(impressions_per_round, "impressions_per_round")
    seed = require_positive_int(seed, "seed", minimum=0)
    draws = require_positive_int(draws, "draws")
    if not isinstance(prior, (tuple, list)) or len(prior) != 2:
        raise TypeError("prior must be a pair (alpha, beta) of positive numbers.")
    a0 = require_number(prior[0], "prior alpha", minimum=0, inclusive=False)
    b0 = require_number(prior[1], "prior beta", minimum=0, inclusive=False)

    rng = np.random.default_rng(seed)
    k = len(arms)
    succ = np.zeros(k)
    fail = np.zeros(k)
    cum_n = np.zeros(k, dtype=np.int64)
    cum_c = np.zeros(k, dtype=np.int64)
    records = []
    for rnd in range(1, rounds + 1):
        samples = rng.beta(a0 + succ, b0 + fail, size=(draws, k))
        best = np.bincount(samples.argmax(axis=1), minlength=k)
        prob_best = best / draws
        n = rng.multinomial(impressions_per_round, prob_best)
        conv = rng.binomial(n, rates)
        succ += conv
        fail += n - conv
        cum_n += n
        cum_c += conv
        post_mean = (a0 + succ) / (a0 + b0 + succ + fail)
        for i, arm in enumerate(arms):
            records.append(
                (rnd, arm, n[i] / impressions_per_round, int(n[i]), int(conv[i]), int(cum_n[i]), int(cum_c[i]),
                 float(post_mean[i]), float(prob_best[i]))
            )
    return pd.DataFrame.from_records(
        records,
        columns=[
            "round", "arm", "share", "impressions", "conversions", "cumulative_impressions",
            "cumulative_conversions", "posterior_mean", "prob_best",
        ],
    )


# --------------------------------------------------------------------------- random split


def assign_groups(units: Any, shares: Mapping[str, float], seed: int = 0, name: str = "group") -> pd.Series:
    """Randomly split customers into groups of exact sizes (seeded).

    Parameters
    ----------
    units : int, DataFrame, Series, Index or sequence
        Who is split: ``n`` (rows ``0 .. n-1``), a DataFrame or Series (its
        index labels the result) or a list / Index of customer ids.
    shares : mapping of str to float
        Group name -> share of the units, e.g. ``{"A": 0.45, "B": 0.45,
        "holdout": 0.10}``. Shares must be positive and add up to 1.
        Sizes are the shares times the number of units, rounded so that they
        add up exactly (largest remainders get the extra units).
    seed : int
        Random seed: the same seed gives the same split.
    name : str
        Name of the returned Series.

    Returns
    -------
    Series
        One group label per unit (a categorical in the order of ``shares``),
        with the units' index.

    Examples
    --------
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


# --------------------------------------------------------------------------- planning a test


@dataclass(frozen=True)
class SampleSizePlan:
    """What an A/B test needs (see :func:`plan_test`).

    Attributes
    ----------
    baseline_rate, target_rate : float
        The control's expected rate and the rate the variant must reach.
    relative_lift : float
        ``target_rate / baseline_rate - 1``: the minimum detectable lift.
    alpha, power : float
        Significance level (two-sided) and power.
    n_per_group : int
        People needed in each group.
    groups : int
        Number of groups (2 for A/B).
    total_people : int
        ``n_per_group * groups``.
    cost_per_person : float
        Media cost of reaching one person (rupees).
    cost : float
        ``total_people * cost_per_person``.
    available : int or None
        People you can actually reach, if given.
    feasible : bool or None
        Whether ``total_people <= available`` (None when ``available`` is None).
    """

    baseline_rate: float
    target_rate: float
    relative_lift: float
    alpha: float
    power: float
    n_per_group: int
    groups: int
    total_people: int
    cost_per_person: float
    cost: float
    available: int | None
    feasible: bool | None

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame of the plan."""
        from dataclasses import asdict  # noqa: PLC0415

        return pd.DataFrame([asdict(self)])


def plan_test(
    baseline_rate: float,
    relative_lift: float,
    alpha: float = 0.05,
    power: float = 0.8,
    cost_per_person: float = 0.0,
    groups: int = 2,
    available: int | None = None,
) -> SampleSizePlan:
    """People and money an A/B test needs to detect a given relative lift.

    Parameters
    ----------
    baseline_rate : float
        Expected rate of the control (click, sign-up or purchase rate), in (0, 1).
    relative_lift : float
        Smallest lift worth detecting, as a fraction: 0.2 means the variant's
        rate is 20% higher (``baseline_rate * 1.2``). Must be > 0 and keep the
        target rate below 1.
    alpha, power : float
        As in :func:`sample_size_per_group` (two-sided, pooled formula).
    cost_per_person : float
        Rupees to reach one person (e.g. 2 email impressions at ₹150 per
        1,000 = ₹0.30). 0 ignores the cost.
    groups : int
        Groups of equal size (2 for A/B; 3 for A/B/C).
    available : int, optional
        People you can reach; the plan says whether the test fits.

    Returns
    -------
    SampleSizePlan

    Examples
    --------
    >>> plan = plan_test(0.10, 0.2, cost_per_person=0.3)
    >>> plan.n_per_group, plan.total_people, round(plan.cost)
    (3841, 7682, 2305)
    """
    baseline_rate = require_probability(baseline_rate, "baseline_rate", open_interval=True)
    relative_lift = require_number(relative_lift, "relative_lift", minimum=0.0, inclusive=False)
    target = baseline_rate * (1 + relative_lift)
    if target >= 1:
        raise ValueError(f"baseline_rate x (1 + relative_lift) = {target:g} must stay below 1; "
                         "give the lift as a fraction (0.2 for +20%).")
    cost_per_person = require_number(cost_per_person, "cost_per_person", minimum=0.0)
    groups = require_positive_int(groups, "groups", minimum=2)
    if available is not None:
        available = require_positive_int(available, "available", minimum=0)
    n = sample_size_per_group(baseline_rate, target, alpha=alpha, power=power)
    total = n * groups
    return SampleSizePlan(
        baseline_rate=baseline_rate, target_rate=target, relative_lift=relative_lift, alpha=float(alpha),
        power=float(power), n_per_group=n, groups=groups, total_people=total, cost_per_person=cost_per_person,
        cost=total * cost_per_person, available=available,
        feasible=None if available is None else bool(total <= available),
    )


def sample_size_table(
    baseline_rate: float,
    lifts: Any = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0),
    alpha: float = 0.05,
    power: float = 0.8,
    cost_per_person: float = 0.0,
    groups: int = 2,
    available: int | None = None,
) -> pd.DataFrame:
    """:func:`plan_test` for several minimum detectable lifts, one row each.

    Returns
    -------
    DataFrame
        Indexed by ``relative_lift``: ``target_rate``, ``n_per_group``,
        ``total_people``, ``cost`` and (if ``available`` is given) ``feasible``.

    Examples
    --------
    >>> sample_size_table(0.10, [0.2, 0.5])["n_per_group"].tolist()
    [3841, 686]
    """
    values = np.atleast_1d(np.asarray(lifts, dtype=float)) if not isinstance(lifts, str) else None
    if values is None or values.ndim != 1 or len(values) == 0:
        raise TypeError("lifts must be a non-empty list of relative lifts, e.g. [0.1, 0.2, 0.5].")
    rows = [plan_test(baseline_rate, float(v), alpha, power, cost_per_person, groups, available) for v in values]
    cols = ["relative_lift", "target_rate", "n_per_group", "total_people", "cost"]
    if available is not None:
        cols.append("feasible")
    out = pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows]).set_index("relative_lift")
    return out


def plot_sample_size(
    baseline_rate: float,
    lifts: Any = None,
    highlight: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    available: int | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Line chart: people needed per group against the minimum detectable lift.

    Parameters
    ----------
    baseline_rate : float
        The control's expected rate.
    lifts : sequence of float, optional
        Relative lifts to draw (default 5% to 100%).
    highlight : float, optional
        A lift to mark with a dot and a label.
    alpha, power : float
        As in :func:`plan_test`.
    available : int, optional
        Draws a horizontal line at ``available / 2`` (the most people per
        group an A/B test on that audience can have).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if lifts is None:
        lifts = np.round(np.linspace(0.05, 1.0, 39), 4)
    table = sample_size_table(baseline_rate, lifts, alpha=alpha, power=power)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(100 * table.index, table["n_per_group"], color="tab:blue", lw=2, label="people needed per group")
    if available is not None:
        ax.axhline(available / 2, color="tab:red", ls="--", lw=1.2, label="most per group this audience allows")
    if highlight is not None:
        plan = plan_test(baseline_rate, highlight, alpha=alpha, power=power)
        ax.scatter([100 * highlight], [plan.n_per_group], color="black", zorder=3)
        ax.annotate(f"{plan.n_per_group:,} per group", (100 * highlight, plan.n_per_group), xytext=(8, 8),
                    textcoords="offset points")
    ax.set_yscale("log")
    ax.set(xlabel="minimum detectable lift (%)", ylabel="people per group (log scale)",
           title=title or f"Sample size for a baseline rate of {baseline_rate:.2%}")
    ax.legend(fontsize=8)
    return ax


def sample_size_explorer(
    baseline_rate: float = 0.03,
    relative_lift: float = 0.2,
    cost_per_thousand: float = 150.0,
    impressions_per_person: int = 2,
    available: int | None = None,
) -> Any:
    """Sliders for the baseline rate and minimum detectable lift -> sample size and cost of the test.

    Parameters
    ----------
    baseline_rate, relative_lift : float
        Starting values of the sliders.
    cost_per_thousand : float
        Starting CPM in rupees (price of 1,000 impressions).
    impressions_per_person : int
        Impressions each test participant receives (the frequency).
    available : int, optional
        People the audience offers; the chart marks the most per group.

    Returns
    -------
    ipywidgets.VBox
        Sliders on top, the plan and chart below (drawn into an ``Output``
        widget, so a notebook cell showing it needs the
        ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    plan_test(baseline_rate, relative_lift)  # validates the starting values
    require_number(cost_per_thousand, "cost_per_thousand", minimum=0.0)
    require_positive_int(impressions_per_person, "impressions_per_person")
    style = {"description_width": "initial"}
    base = widgets.FloatLogSlider(value=baseline_rate, base=10, min=-3, max=np.log10(0.5), step=0.05,
                                  description="baseline rate", readout_format=".2%", continuous_update=False,
                                  style=style)
    lift_w = widgets.FloatSlider(value=relative_lift, min=0.05, max=1.0, step=0.05, description="lift to detect",
                                 readout_format=".0%", continuous_update=False, style=style)
    power_w = widgets.FloatSlider(value=0.8, min=0.5, max=0.95, step=0.05, description="power",
                                  readout_format=".0%", continuous_update=False, style=style)
    cpm_w = widgets.FloatSlider(value=cost_per_thousand, min=0.0, max=1000.0, step=10.0,
                                description="cost per 1,000 impressions (₹)", continuous_update=False, style=style)
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            if base.value * (1 + lift_w.value) >= 1:
                print("The target rate would reach 100%: lower the baseline or the lift.")
                return
            cost_pp = cpm_w.value / 1000 * impressions_per_person
            plan = plan_test(base.value, lift_w.value, power=power_w.value, cost_per_person=cost_pp,
                             available=available)
            line = (f"Detect {plan.baseline_rate:.2%} -> {plan.target_rate:.2%}: {plan.n_per_group:,} people per "
                    f"group, {plan.total_people:,} in all, media cost ₹{plan.cost:,.0f}")
            if plan.feasible is not None:
                line += f"; audience of {available:,}: " + ("fits." if plan.feasible else "TOO SMALL.")
            print(line)
            plot_sample_size(base.value, highlight=lift_w.value, power=power_w.value, available=available)
            plt.show()

    for w in (base, lift_w, power_w, cpm_w):
        w.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([base, lift_w]), widgets.HBox([power_w, cpm_w]), out])


# --------------------------------------------------------------------------- peeking


def peeking_false_positives(
    rate: float,
    n_per_group: int,
    looks: Any = (1, 2, 5, 10, 20),
    runs: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """How often an A/A test looks significant when you peek at it several times.

    Both groups have the same true ``rate`` (there is nothing to find). Each
    simulated test collects ``n_per_group`` people per group; with ``k``
    looks the z-test of :func:`two_proportion_ztest` is run after every
    ``n_per_group / k`` people, and the test is "stopped as a winner" at the
    first look with ``p < alpha``. With one look the false-positive rate is
    about ``alpha``; every extra look adds another chance to be fooled.

    Parameters
    ----------
    rate : float
        True rate of both groups, in (0, 1).
    n_per_group : int
        People per group by the end of the test.
    looks : sequence of int
        Numbers of equally spaced looks to compare; their least common
        multiple must be at most 1,000 and at most ``n_per_group``.
    runs : int
        Simulated A/A tests (seeded).
    alpha : float
        Significance level of each look (two-sided).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        One row per number of looks: ``looks``, ``people_per_look`` (per
        group, between looks) and ``false_positive_rate`` (share of the A/A
        tests declared significant at some look).

    Examples
    --------
    >>> t = peeking_false_positives(0.05, 2000, looks=(1, 10), runs=500, seed=1)
    >>> bool(t.loc[1, "false_positive_rate"] > t.loc[0, "false_positive_rate"])
    True
    """
    rate = require_probability(rate, "rate", open_interval=True)
    n_per_group = require_positive_int(n_per_group, "n_per_group")
    runs = require_positive_int(runs, "runs")
    alpha = require_probability(alpha, "alpha", open_interval=True)
    seed = require_positive_int(seed, "seed", minimum=0)
    if isinstance(looks, (int, np.integer)) and not isinstance(looks, bool):
        looks = [looks]
    if not isinstance(looks, (list, tuple, np.ndarray, pd.Series)) or len(looks) == 0:
        raise TypeError("looks must be a non-empty list of whole numbers, e.g. [1, 5, 10].")
    looks = [require_positive_int(k, "looks") for k in looks]
    batches = math.lcm(*looks)
    if batches > 1000:
        raise ValueError(f"the least common multiple of looks ({batches}) must be at most 1,000.")
    if batches > n_per_group:
        raise ValueError(f"n_per_group ({n_per_group}) must be at least {batches} to split into the looks {looks}.")
    edges = np.linspace(0, n_per_group, batches + 1).round().astype(np.int64)
    sizes = np.diff(edges)
    rng = np.random.default_rng(seed)
    conv_a = rng.binomial(sizes, rate, size=(runs, batches)).cumsum(axis=1)
    conv_b = rng.binomial(sizes, rate, size=(runs, batches)).cumsum(axis=1)
    n = edges[1:].astype(float)
    pooled = (conv_a + conv_b) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * (2 / n))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (conv_b - conv_a) / n / np.where(se > 0, se, 1.0), 0.0)
    significant = np.abs(z) > _norm_ppf(1 - alpha / 2)
    rows = []
    for k in looks:
        at = np.arange(1, k + 1) * (batches // k) - 1
        rows.append({"looks": k, "people_per_look": n_per_group / k,
                     "false_positive_rate": float(significant[:, at].any(axis=1).mean())})
    return pd.DataFrame(rows)
