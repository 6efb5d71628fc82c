"""Exercises for the workbook ``06-kmeans-personas``.

The workbook works on the same data as the chapter: the behaviour features
of :func:`course_lib.analysis.features.customer_features` for a seeded sample of
:data:`SAMPLE_SIZE` customers with at least :data:`MIN_ORDERS` purchases.

* ``q1``: the share of each customer's purchases made with a discount, as a
  Series ``discount_share`` (building a feature by hand);
* ``q2``: the number of clusters with the best silhouette score in the
  ``choose_k`` table, as ``best_k``;
* ``q3``: how many of the 20 clusters of a k = 20 model are smaller than the
  minimum practical size, as ``n_too_small`` (over-segmentation).

Every expected value is computed from the course data when the check runs
(and kept for the rest of the session, because clustering takes a moment).

Examples
--------
>>> from course_lib.chapters.workbooks.kmeans_personas import q2
>>> q2.evaluate(None).status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from course_lib.market import datasets
from course_lib.analysis.clustering import choose_k, fit_kmeans
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_series
from course_lib.analysis.features import customer_features, feature_columns
from course_lib.analysis.segmentation import size_guard

__all__ = [
    "NOTEBOOK",
    "EXERCISES",
    "SAMPLE_SIZE",
    "MIN_ORDERS",
    "SEED",
    "K_VALUES",
    "SILHOUETTE_SAMPLE",
    "MIN_SHARE",
    "load_sample",
    "clustering_features",
    "min_size",
    "q1",
    "q2",
    "q3",
]

#: The workbook these exercises belong to.
NOTEBOOK = "06-kmeans-personas"
#: Customers in the seeded sample the chapter and the workbook cluster.
SAMPLE_SIZE = 5_000
#: Customers need at least this many purchases for their buying mix to mean something.
MIN_ORDERS = 3
#: The seed of the sample and of every k-means fit.
SEED = 0
#: The numbers of clusters compared with ``choose_k``.
K_VALUES = range(2, 11)
#: Rows used for the silhouette score in ``choose_k``.
SILHOUETTE_SAMPLE = 2_000
#: The smallest practical segment, as a share of the sample.
MIN_SHARE = 0.03


def _transactions() -> pd.DataFrame:
    """The purchase log (a separate function so tests can swap in other data)."""
    return datasets.load_transactions()


@functools.cache
def _features() -> pd.DataFrame:
    return customer_features(_transactions())


@functools.cache
def _sample() -> pd.DataFrame:
    features = _features()
    active = features[features["orders"] >= MIN_ORDERS]
    return active.sample(min(SAMPLE_SIZE, len(active)), random_state=SEED)


def _clear_caches() -> None:
    """Forget the computed data and answers (used by the tests after swapping the data)."""
    for cached in (_features, _sample, _discount_answers, _k_table, _guard_k20):
        cached.cache_clear()


def load_sample() -> pd.DataFrame:
    """The chapter's seeded sample: behaviour features of customers with 3+ purchases.

    Returns
    -------
    pandas.DataFrame
        One row per customer (index ``customer_id``), the columns of
        :func:`course_lib.analysis.features.customer_features`. A new copy on every
        call, so editing it cannot break the checks.

    Examples
    --------
    >>> sample = load_sample()
    >>> len(sample), int(sample["orders"].min())
    (5000, 3)
    """
    return _sample().copy()


def clustering_features(sample: pd.DataFrame) -> list[str]:
    """The features the chapter clusters on: orders, order value, discounts, channels, categories.

    ``total_spend`` (orders x order value, so volume twice) and
    ``recency_days`` (a lifecycle question, see RFM) are left out.

    Examples
    --------
    >>> clustering_features(load_sample())[:4]
    ['orders', 'avg_order_value', 'discount_share', 'channel_store']
    """
    return ["orders", "avg_order_value", *feature_columns(sample, ["discount", "channel", "category"])]


def min_size(sample: pd.DataFrame) -> int:
    """The smallest practical segment for a sample: :data:`MIN_SHARE` of its customers.

    Examples
    --------
    >>> min_size(load_sample())
    150
    """
    return int(MIN_SHARE * len(sample))


# --------------------------------------------------------------------------- q1: discount share


@functools.cache
def _discount_answers() -> dict[str, Any]:
    """The right answer and the typical wrong ones, computed once from the purchase log."""
    tx = _transactions()
    expected = _features()["discount_share"]
    with_discount = tx["amount"].where(tx["discount_used"], 0.0)
    by_customer = tx.groupby("customer_id")
    return {
        "expected": expected,
        "overall": float(tx["discount_used"].mean()),
        "counts": by_customer["discount_used"].sum().astype(float),
        "spend_share": with_discount.groupby(tx["customer_id"]).sum() / by_customer["amount"].sum(),
    }


def _check_discount_share(value: Any) -> str:
    answers = _discount_answers()
    expected = answers["expected"]
    if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
        if abs(float(value) - answers["overall"]) < 1e-9:
            raise Mismatch(
                "`discount_share` is one number: the discount share of all purchases together. The question asks "
                "for one share per customer: group by `customer_id` first."
            )
    mistakes = [
        (100 * expected, "`discount_share` looks like a percentage (100 times too big). Keep it as a fraction "
                         "between 0 and 1, like the other shares."),
        (answers["counts"], "`discount_share` counts the purchases with a discount. Divide by each customer's "
                            "number of purchases to get a share (the mean of a True/False column does both "
                            "at once)."),
        (1 - expected, "`discount_share` is the share of purchases *without* a discount; flip it."),
        (answers["spend_share"], "`discount_share` is the share of *spend* made with a discount. The question "
                                 "asks for the share of *purchases* (each purchase counts once, whatever it "
                                 "cost)."),
    ]
    expect_series(value, expected, name="discount_share", what="customer", mistakes=mistakes)
    always = int((expected == 1).sum())
    return (f"{always:,} of {len(expected):,} customers used a discount on every purchase: "
            "candidates for a price-sensitive persona.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="discount_share",
    topic="clustering",
    title="Build a feature: discount share",
    checker=_check_discount_share,
    hints=[
        "For each customer: purchases with a discount / all their purchases. Start with "
        "`transactions.groupby(\"customer_id\")`.",
        "`discount_used` is True/False, and the mean of True/False values is the share of True: "
        "`transactions.groupby(\"customer_id\")[\"discount_used\"].mean()`.",
    ],
)


# --------------------------------------------------------------------------- q2: best k


@functools.cache
def _k_table() -> pd.DataFrame:
    sample = _sample()
    with threadpool_limits(1):  # one thread: several times faster on a busy or shared machine
        return choose_k(sample, clustering_features(sample), k_values=K_VALUES, seed=SEED,
                        silhouette_sample=SILHOUETTE_SAMPLE)


def _check_best_k(value: Any) -> str:
    table = _k_table()
    best = table.loc[table["silhouette"].idxmax()]
    expected = int(best["k"])
    if isinstance(value, (pd.Series, pd.DataFrame)) and np.size(value) > 1:
        raise Mismatch("`best_k` is a whole column or table. The question asks for one number: the k of the row "
                       "with the highest silhouette.")
    if isinstance(value, (float, np.floating)) and 0 < float(value) < 1:
        if abs(float(value) - float(best["silhouette"])) < 1e-9:
            raise Mismatch("`best_k` is the best silhouette score itself. Give the number of clusters k of that row.")
        raise Mismatch("`best_k` is between 0 and 1, which looks like a score. Give a number of clusters k.")
    worst = int(table.loc[table["silhouette"].idxmin(), "k"])
    mistakes = [
        (float(table["silhouette"].idxmax()), "`best_k` is the row label of the best row, not its k (the table "
                                              "starts at k = 2). Read the `k` column of that row."),
        (float(table.loc[table["inertia"].idxmin(), "k"]), "that k has the lowest inertia, but inertia always "
                                                            "falls as k grows, so its minimum is simply the largest "
                                                            "k tried. Use the silhouette."),
        (float(worst), "that k has the *lowest* silhouette. A higher silhouette means better separated clusters."),
    ]
    mistakes = [(k, msg) for k, msg in mistakes if k != expected]
    expect_number(value, expected, name="best_k", mistakes=mistakes)
    runner_up = table.drop(index=table["silhouette"].idxmax()).sort_values("silhouette").iloc[-1]
    return (f"k = {expected} scores {best['silhouette']:.3f}; the runner-up, k = {int(runner_up['k'])}, scores "
            f"{runner_up['silhouette']:.3f}. Gaps this small mean business sense must help decide.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="best_k",
    topic="clustering",
    title="Choose k with the silhouette score",
    checker=_check_best_k,
    hints=[
        "Find the row of `k_table` with the highest value in the `silhouette` column, then read its `k`.",
        "`k_table[\"silhouette\"].idxmax()` gives the row label of the best row; "
        "`k_table.loc[row, \"k\"]` reads k from that row.",
    ],
)


# --------------------------------------------------------------------------- q3: too-small segments


@functools.cache
def _guard_k20() -> pd.DataFrame:
    sample = _sample()
    with threadpool_limits(1):
        labels = fit_kmeans(sample, clustering_features(sample), k=20, seed=SEED).labels
    return size_guard(sample.assign(segment=labels), min_size=min_size(sample))


def _check_n_too_small(value: Any) -> str:
    guard = _guard_k20()
    expected = int(guard["too_small"].sum())
    if isinstance(value, (pd.Series, pd.DataFrame)) and np.size(value) > 1:
        raise Mismatch("`n_too_small` is a whole column or table. Count the True values of `too_small` "
                       "(`.sum()` adds them up) to get one number.")
    if isinstance(value, (bool, np.bool_)):
        raise Mismatch("`n_too_small` is True/False. The question asks for a count: `guard[\"too_small\"].sum()`.")
    sizes_default = guard["size"] < 50  # size_guard's default minimum
    mistakes = [
        (float(len(guard) - expected), "that is the number of segments that are big enough. Count the ones "
                                       "flagged `too_small` instead."),
        (float(guard.loc[guard["too_small"], "size"].sum()), "that is the number of *customers* in the small "
                                                             "segments. The question asks how many *segments*."),
        (float(sizes_default.sum()), "that is the count with `size_guard`'s default minimum of 50. Pass "
                                     "`min_size=MIN_SIZE` (3% of the sample)."),
        (float(guard["too_small"].mean()), "that is the *share* of segments that are too small. Give the count."),
    ]
    mistakes = [(v, msg) for v, msg in mistakes if v != expected]
    expect_number(value, expected, name="n_too_small", mistakes=mistakes)
    smallest = guard.iloc[0]
    return (f"The smallest of the 20 segments has only {int(smallest['size'])} customers "
            f"({smallest['share']:.1%} of the sample): too small to justify its own campaign.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="n_too_small",
    topic="clustering",
    title="Over-segmentation: count the too-small segments",
    checker=_check_n_too_small,
    hints=[
        "Fit k-means with k=20 and seed=0, put its labels in a `segment` column with `sample.assign(...)`, and "
        "pass that to `size_guard` with `min_size=MIN_SIZE`.",
        "`guard = size_guard(sample.assign(segment=k20.labels), min_size=MIN_SIZE)`, then "
        "`guard[\"too_small\"].sum()` counts the flagged segments.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
