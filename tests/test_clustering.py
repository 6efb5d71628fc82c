"""Tests for course_lib.analysis.clustering, and that it equals chapter 06's plain scikit-learn code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from course_lib.analysis.clustering import KMeansResult, choose_k, fit_kmeans
from tests.notebook_code import notebook_namespace

CENTRES = {"students": (21, 15_000, 2), "families": (38, 60_000, 8), "retirees": (68, 35_000, 4)}
FEATURES = ["age", "income", "visits"]


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frames = [
        pd.DataFrame({"age": rng.normal(age, 2.5, 120), "income": rng.normal(income, 3_000, 120),
                      "visits": rng.normal(visits, 0.7, 120), "truth": name})
        for name, (age, income, visits) in CENTRES.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_the_chapter_code_and_fit_kmeans_find_the_same_clusters_on_the_course_data() -> None:
    """Chapter 06 shows StandardScaler + KMeans in a cell tagged open-the-box; fit_kmeans must agree."""
    ns = notebook_namespace("06-kmeans-personas", "open-the-box")
    sample, features, seed = ns["sample"], ns["FEATURES"], ns["SEED"]
    result = fit_kmeans(sample, features, k=8, seed=seed)
    pd.testing.assert_series_equal(result.labels, ns["labels"], check_dtype=False)
    np.testing.assert_allclose(result.centers.to_numpy(), ns["centres"].to_numpy(), rtol=1e-10)
    assert result.silhouette == pytest.approx(silhouette_score(ns["X_scaled"], ns["labels"]))
    assert result.inertia == pytest.approx(ns["kmeans"].inertia_)


def test_choose_k_finds_three_groups_and_matches_scikit_learn(people: pd.DataFrame) -> None:
    table = choose_k(people, FEATURES, k_values=range(2, 7), n_init=4)
    assert table["k"].tolist() == [2, 3, 4, 5, 6]
    assert int(table.loc[table["silhouette"].idxmax(), "k"]) == 3
    assert table["inertia"].is_monotonic_decreasing
    x = StandardScaler().fit_transform(people[FEATURES])
    model = KMeans(n_clusters=3, n_init=4, random_state=0).fit(x)
    row = table.set_index("k").loc[3]
    assert row["silhouette"] == pytest.approx(silhouette_score(x, model.labels_))
    assert row["inertia"] == pytest.approx(model.inertia_)


def test_fit_kmeans_recovers_groups_is_seeded_and_leaves_the_data_alone(people: pd.DataFrame) -> None:
    before = people.copy()
    res = fit_kmeans(people, FEATURES, k=3, seed=5)
    pd.testing.assert_frame_equal(people, before)
    assert isinstance(res, KMeansResult) and res.features == tuple(FEATURES)
    assert adjusted_rand_score(people["truth"], res.labels) == pytest.approx(1.0)
    pd.testing.assert_series_equal(res.labels, fit_kmeans(people, FEATURES, k=3, seed=5).labels)
    assert res.labels.index.equals(people.index) and res.model.n_init == 10
    for age, income, _ in CENTRES.values():  # centres in original units, one near each true centre
        d = ((res.centers["age"] - age) / 10) ** 2 + ((res.centers["income"] - income) / 10_000) ** 2
        assert d.min() < 0.05
    unscaled = fit_kmeans(people, FEATURES, k=3, scale=False)
    assert unscaled.scaler is None
    model = KMeans(n_clusters=3, n_init=10, random_state=0).fit(people[FEATURES].to_numpy())
    assert unscaled.inertia == pytest.approx(model.inertia_)


@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (lambda d: fit_kmeans(d, ["age", "truth"], k=2), TypeError, "'truth'"),
        (lambda d: fit_kmeans(d, ["height"], k=2), ValueError, "'height'"),
        (lambda d: fit_kmeans(d, "age", k=2), TypeError, "features"),
        (lambda d: fit_kmeans(d.assign(age=np.nan), ["age"], k=2), ValueError, "missing"),
        (lambda d: fit_kmeans(d, FEATURES, k=2, scale="standard"), TypeError, "scale"),
        (lambda d: fit_kmeans(d, FEATURES, k=1), ValueError, "k"),
        (lambda d: fit_kmeans(d.head(3), FEATURES, k=3), ValueError, "smaller than the number of rows"),
        (lambda d: fit_kmeans(d, FEATURES, k=3, n_init=0), ValueError, "n_init"),
        (lambda d: fit_kmeans(d.iloc[:0], FEATURES, k=2), ValueError, "empty"),
        (lambda d: choose_k(d, FEATURES, k_values=5), TypeError, "k_values"),
        (lambda d: choose_k(d.head(4), FEATURES, k_values=[2, 4]), ValueError, "smaller"),
        (lambda d: choose_k(d, FEATURES, silhouette_sample=1), ValueError, "silhouette_sample"),
    ],
)
def test_bad_input(people: pd.DataFrame, call, exc, words) -> None:
    with pytest.raises(exc, match=words):
        call(people)
