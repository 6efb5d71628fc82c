"""Chapter 06 (k-means personas): the chapter's customer sample and the answers its workbook checks.

The chapter clusters the behaviour features of a seeded sample of
:data:`SAMPLE_SIZE` customers with at least :data:`MIN_ORDERS` purchases; the
workbook works on the same sample. The checks are declared in
``data/exercises/06-kmeans-personas.yaml``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.clustering import choose_k, fit_kmeans
from course_lib.analysis.features import customer_features, feature_columns
from course_lib.analysis.segmentation import size_guard
from course_lib.base.validation import require_dataframe
from course_lib.learning.exercises import Mismatch, expect_number
from course_lib.market.datasets import load_transactions

__all__ = ["SAMPLE_SIZE", "MIN_ORDERS", "SEED", "MIN_SHARE", "load_sample", "clustering_features", "min_size",
           "answers", "wrong_answers", "check_best_k"]

#: Customers in the seeded sample the chapter and the workbook cluster.
SAMPLE_SIZE = 5_000
#: Customers need at least this many purchases for their buying mix to mean something.
MIN_ORDERS = 3
#: The seed of the sample and of every k-means fit.
SEED = 0
#: The smallest practical segment, as a share of the sample.
MIN_SHARE = 0.03


@functools.cache
def _features() -> pd.DataFrame:
    return customer_features(load_transactions())


@functools.cache
def _sample() -> pd.DataFrame:
    features = _features()
    active = features[features["orders"] >= MIN_ORDERS]
    return active.sample(min(SAMPLE_SIZE, len(active)), random_state=SEED)


def load_sample() -> pd.DataFrame:
    """The chapter's seeded sample: behaviour features of customers with 3+ purchases (a new copy each call).

    Examples
    --------
    >>> sample = load_sample()
    >>> len(sample), int(sample["orders"].min())
    (5000, 3)
    """
    return _sample().copy()


def clustering_features(sample: pd.DataFrame) -> list[str]:
    """The features the chapter clusters on: orders, order value, discounts, channels, categories.

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
    return int(MIN_SHARE * len(require_dataframe(sample, "sample")))


@functools.cache
def _k_table_and_guard() -> tuple[pd.DataFrame, pd.DataFrame]:
    sample = _sample()
    features = clustering_features(sample)
    k_table = choose_k(sample, features, k_values=range(2, 11), seed=SEED, silhouette_sample=2_000)
    k20 = fit_kmeans(sample, features, k=20, seed=SEED)
    return k_table, size_guard(sample.assign(segment=k20.labels), min_size=min_size(sample))


def answers() -> dict[str, Any]:
    """The right answers (q1 ``discount_share``, q2 ``best_k``, q3 ``n_too_small``) and facts for the messages."""
    discount_share = _features()["discount_share"]
    k_table, guard = _k_table_and_guard()
    ranked = k_table.sort_values("silhouette", ascending=False, kind="stable")
    return {
        "discount_share": discount_share, "always_discount": int((discount_share == 1).sum()),
        "n_customers": len(discount_share),
        "best_k": int(ranked["k"].iloc[0]), "best_silhouette": ranked["silhouette"].iloc[0],
        "runner_up_k": int(ranked["k"].iloc[1]), "runner_up_silhouette": ranked["silhouette"].iloc[1],
        "n_too_small": int(guard["too_small"].sum()), "n_segments": len(guard),
        "smallest_size": int(guard["size"].min()), "smallest_share": guard["share"].min(),
    }


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    tx = load_transactions()
    share = _features()["discount_share"]
    k_table, guard = _k_table_and_guard()
    by_customer = tx.groupby("customer_id")
    return {
        "overall_discount_share": tx["discount_used"].mean(), "discount_percent": 100 * share,
        "discount_counts": by_customer["discount_used"].sum().astype(float), "no_discount_share": 1 - share,
        "discount_spend_share": tx["amount"].where(tx["discount_used"], 0.0).groupby(tx["customer_id"]).sum()
        / by_customer["amount"].sum(),
        "best_row_label": k_table["silhouette"].idxmax(),
        "lowest_inertia_k": k_table.loc[k_table["inertia"].idxmin(), "k"],
        "worst_k": k_table.loc[k_table["silhouette"].idxmin(), "k"],
        "n_big_enough": int((~guard["too_small"]).sum()),
        "n_customers_small": guard.loc[guard["too_small"], "size"].sum(),
        "n_below_50": int((guard["size"] < 50).sum()), "share_too_small": guard["too_small"].mean(),
    }


def check_best_k(value: Any, facts: dict[str, Any]) -> None:
    """q2: one number of clusters; a whole table or a silhouette score (between 0 and 1) get their own message.

    Examples
    --------
    >>> check_best_k(8, {"best_k": 8, "best_silhouette": 0.16})
    >>> check_best_k(0.5, {"best_k": 8, "best_silhouette": 0.16})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    course_lib.learning.exercises.Mismatch: `best_k` is between 0 and 1, which looks like a score. ...
    """
    if isinstance(value, (pd.Series, pd.DataFrame)) and np.size(value) > 1:
        raise Mismatch("`best_k` is a whole column or table. The question asks for one number: the k of the row "
                       "with the highest silhouette.")
    if isinstance(value, (float, np.floating)) and 0 < float(value) < 1:
        if abs(float(value) - float(facts["best_silhouette"])) < 1e-9:
            raise Mismatch("`best_k` is the best silhouette score itself. Give the number of clusters k of that row.")
        raise Mismatch("`best_k` is between 0 and 1, which looks like a score. Give a number of clusters k.")
    expect_number(value, facts["best_k"], name="best_k")
