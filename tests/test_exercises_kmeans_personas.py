"""The 06-kmeans-personas checks (data/exercises/06-kmeans-personas.yaml): right answers, typical wrong
answers, the placeholder and None.

The right answers are computed here the way a student would (pandas, or the
course_lib calls the workbook shows), never with the chapter module's answers().
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from course_lib.analysis.clustering import choose_k, fit_kmeans
from course_lib.analysis.segmentation import size_guard
from course_lib.chapters import ch06_kmeans_personas as kp
from course_lib.learning.exercises import ____, load_workbook, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV
from course_lib.market.datasets import load_transactions

q1, q2, q3 = load_workbook("06-kmeans-personas")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """k-means on a few thousand rows is much faster on one thread when the CPU is shared."""
    with threadpool_limits(1):
        yield


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return load_transactions()


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return kp.load_sample()


@pytest.fixture(scope="module")
def k_table(sample) -> pd.DataFrame:
    return choose_k(sample, kp.clustering_features(sample), k_values=range(2, 11), seed=0, silhouette_sample=2000)


@pytest.fixture(scope="module")
def guard(sample) -> pd.DataFrame:
    k20 = fit_kmeans(sample, kp.clustering_features(sample), k=20, seed=0)
    return size_guard(sample.assign(segment=k20.labels), min_size=int(0.03 * len(sample)))


def test_the_workbook_lists_its_exercises():
    assert [ex.key for ex in workbook_exercises("06-kmeans-personas")] == [ex.key for ex in (q1, q2, q3)]
    assert all(len(ex.hints) == 2 and ex.topic == "clustering" for ex in (q1, q2, q3))


def test_the_sample_is_seeded_and_active(sample):
    assert len(sample) == 5000 and sample["orders"].min() >= 3
    assert sample.index.equals(kp.load_sample().index)  # same seed, same customers
    sample_copy = kp.load_sample()
    sample_copy["orders"] = 0  # editing the copy cannot change the checks' data
    assert kp.load_sample()["orders"].min() >= 3
    assert kp.min_size(sample) == 150
    assert kp.clustering_features(sample)[:3] == ["orders", "avg_order_value", "discount_share"]
    assert "total_spend" not in kp.clustering_features(sample)


@pytest.mark.parametrize("ex", [q1, q2, q3], ids=lambda ex: ex.id)
def test_placeholder_is_not_attempted_and_none_is_incorrect(ex):
    assert ex.evaluate(____).status == "not_attempted"
    fb = ex.evaluate(None)
    assert fb.status == "incorrect" and "None" in fb.message


# --------------------------------------------------------------------------- q1


def _share(tx):
    return tx.groupby("customer_id")["discount_used"].mean()


def test_q1_right_answer(tx):
    fb = q1.evaluate(_share(tx))
    assert fb.status == "correct", fb.text
    always = int((_share(tx) == 1).sum())
    assert f"{always:,} of" in fb.message


def test_q1_a_hand_made_loop_is_also_right(tx):
    counts = tx.groupby("customer_id").size()
    with_discount = tx[tx["discount_used"]].groupby("customer_id").size().reindex(counts.index, fill_value=0)
    assert q1.evaluate(with_discount / counts).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda t: 100 * _share(t), "percentage"),
        (lambda t: t.groupby("customer_id")["discount_used"].sum(), "counts the purchases"),
        (lambda t: 1 - _share(t), "without"),
        (
            lambda t: t["amount"].where(t["discount_used"], 0).groupby(t["customer_id"]).sum()
            / t.groupby("customer_id")["amount"].sum(),
            "share of *spend*",
        ),
        (lambda t: t["discount_used"].mean(), "one number"),
        (lambda t: t[t["discount_used"]].groupby("customer_id").size(), "missing the customer"),
        (lambda t: _share(t).to_numpy(), "without labels"),
        (lambda t: _share(t).reset_index(drop=True), "labels are not the customers"),
        (lambda t: "0.4", "should be a pandas Series"),
    ],
)
def test_q1_wrong_answers_get_specific_feedback(tx, make, fragment):
    fb = q1.evaluate(make(tx))
    assert fb.status == "incorrect"
    assert fragment in fb.message, fb.message


# --------------------------------------------------------------------------- q2


def test_q2_right_answer(k_table):
    best = k_table.loc[k_table["silhouette"].idxmax(), "k"]
    fb = q2.evaluate(best)
    assert fb.status == "correct", fb.text
    assert f"k = {int(best)} scores {k_table['silhouette'].max():.3f}" in fb.message
    assert q2.evaluate(int(best)).status == "correct"
    assert q2.evaluate(float(best)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda t: t["silhouette"].idxmax(), "row label"),
        (lambda t: t.loc[t["silhouette"].idxmin(), "k"], "*lowest* silhouette"),
        (lambda t: t["silhouette"].max(), "best silhouette score itself"),
        (lambda t: 0.5, "looks like a score"),
        (lambda t: t["k"], "whole column"),
        (lambda t: t, "whole column or table"),
        (lambda t: str(t.loc[t["silhouette"].idxmax(), "k"]), "single number"),
        (lambda t: 99, "should be"),
    ],
)
def test_q2_wrong_answers_get_specific_feedback(k_table, make, fragment):
    fb = q2.evaluate(make(k_table))
    assert fb.status == "incorrect"
    assert fragment in fb.message, fb.message


def test_q2_lowest_inertia_is_explained_when_it_is_not_the_answer(k_table):
    lowest_inertia = k_table.loc[k_table["inertia"].idxmin(), "k"]
    best = k_table.loc[k_table["silhouette"].idxmax(), "k"]
    assert lowest_inertia == k_table["k"].max()  # inertia always falls as k grows
    if lowest_inertia != best:
        assert "lowest inertia" in q2.evaluate(lowest_inertia).message


# --------------------------------------------------------------------------- q3


def test_q3_right_answer(guard):
    expected = guard["too_small"].sum()
    assert expected > 0  # k = 20 over-segments this sample
    fb = q3.evaluate(expected)
    assert fb.status == "correct", fb.text
    assert f"only {guard['size'].min()} customers" in fb.message
    assert q3.evaluate(int(expected)).status == "correct"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda g: (~g["too_small"]).sum(), "big enough"),
        (lambda g: g.loc[g["too_small"], "size"].sum(), "number of *customers*"),
        (lambda g: g["too_small"].mean(), "*share*"),
        (lambda g: g["too_small"], "whole column"),
        (lambda g: g["too_small"].any(), "single number"),
        (lambda g: g.loc[g["too_small"], "size"], "Count the True values"),
        (lambda g: 19, "should be"),
    ],
)
def test_q3_wrong_answers_get_specific_feedback(guard, make, fragment):
    fb = q3.evaluate(make(guard))
    assert fb.status == "incorrect"
    assert fragment in fb.message, fb.message


def test_q3_default_min_size_is_explained(guard):
    default_count = int((guard["size"] < 50).sum())
    if default_count != guard["too_small"].sum():
        assert "default minimum of 50" in q3.evaluate(default_count).message


# --------------------------------------------------------------------------- computed from the data


def _small_market(seed: int) -> pd.DataFrame:
    """A small purchase log with three buying styles (groceries / electronics / sportswear fans)."""
    rng = np.random.default_rng(seed)
    rows = []
    styles = ["groceries", "electronics", "sportswear"]
    for i in range(600):
        style = styles[i % 3]
        for _ in range(int(rng.integers(1, 9))):
            cat = style if rng.random() < 0.8 else str(rng.choice(styles))
            rows.append({
                "customer_id": f"X{i:04d}",
                "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300))),
                "category": cat,
                "amount": float(round(rng.gamma(2, 400 if cat == "electronics" else 150), 2)) + 49,
                "discount_used": bool(rng.random() < (0.7 if style == "sportswear" else 0.2)),
                "channel": str(rng.choice(["store", "app", "website"])),
            })
    df = pd.DataFrame(rows)
    df["category"] = df["category"].astype("category")
    df["channel"] = df["channel"].astype("category")
    return df


def test_checks_compute_expected_values_from_the_data(monkeypatch, tx):
    """Swap in other data: the right answers change with it (nothing hard-coded)."""
    small = _small_market(1)
    caches = (kp._features, kp._sample, kp._k_table_and_guard)
    monkeypatch.setattr(kp, "load_transactions", lambda: small)
    for cached in caches:
        cached.cache_clear()
    try:
        s1, s2, s3 = load_workbook("06-kmeans-personas")  # a new load computes its answers afresh
        sample = kp.load_sample()
        assert len(sample) < 5000 and sample.index.str.startswith("X").all()
        assert s1.evaluate(_share(small)).status == "correct"
        assert s1.evaluate(_share(tx)).status == "incorrect"

        table = choose_k(sample, kp.clustering_features(sample), k_values=range(2, 11), seed=0,
                         silhouette_sample=2000)
        best = table.loc[table["silhouette"].idxmax(), "k"]
        assert s2.evaluate(best).status == "correct"
        other = next(k for k in table["k"] if k != best)
        assert s2.evaluate(other).status == "incorrect"

        k20 = fit_kmeans(sample, kp.clustering_features(sample), k=20, seed=0)
        guard = size_guard(sample.assign(segment=k20.labels), min_size=kp.min_size(sample))
        expected = int(guard["too_small"].sum())
        assert s3.evaluate(expected).status == "correct"
        assert s3.evaluate(expected + 1).status == "incorrect"
    finally:
        for cached in caches:
            cached.cache_clear()
