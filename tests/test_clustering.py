"""Tests for course_lib.analysis.clustering."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import adjusted_rand_score, silhouette_score  # noqa: E402

from course_lib.analysis.clustering import (  # noqa: E402
    KMeansResult,
    choose_k,
    describe_personas,
    fit_kmeans,
    plot_k_selection,
    profile_clusters,
    scale_features,
)

CENTRES = {"students": (21, 15_000, 2), "families": (38, 60_000, 8), "retirees": (68, 35_000, 4)}


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frames = []
    for name, (age, income, visits) in CENTRES.items():
        n = 120
        frames.append(pd.DataFrame({
            "age": rng.normal(age, 2.5, n),
            "income": rng.normal(income, 3_000, n),
            "visits": rng.normal(visits, 0.7, n),
            "gender": rng.choice(["F", "M"], n, p=[0.7, 0.3] if name == "families" else [0.4, 0.6]),
            "truth": name,
        }))
    return pd.concat(frames, ignore_index=True)


FEATURES = ["age", "income", "visits"]


def test_scale_features(people: pd.DataFrame) -> None:
    before = people.copy()
    z = scale_features(people, FEATURES)
    pd.testing.assert_frame_equal(people, before)
    np.testing.assert_allclose(z.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(ddof=0), 1)
    mm = scale_features(people, FEATURES, method="minmax")
    assert mm.min().tolist() == [0, 0, 0] and mm.max().tolist() == pytest.approx([1, 1, 1])
    robust = scale_features(people, FEATURES, method="robust")
    np.testing.assert_allclose(robust.median(), 0, atol=1e-12)
    assert z.index.equals(people.index)


def test_choose_k_finds_three_groups(people: pd.DataFrame) -> None:
    table = choose_k(people, FEATURES, k_values=range(2, 7), n_init=4)
    assert table["k"].tolist() == [2, 3, 4, 5, 6]
    assert int(table.loc[table["silhouette"].idxmax(), "k"]) == 3
    assert table["inertia"].is_monotonic_decreasing
    # silhouette agrees with scikit-learn computed directly on the same fit
    x = scale_features(people, FEATURES).to_numpy()
    model = KMeans(n_clusters=3, n_init=4, random_state=0).fit(x)
    assert table.loc[table["k"] == 3, "silhouette"].iloc[0] == pytest.approx(silhouette_score(x, model.labels_))
    assert table.loc[table["k"] == 3, "inertia"].iloc[0] == pytest.approx(model.inertia_)


def test_fit_kmeans_recovers_groups_and_is_seeded(people: pd.DataFrame) -> None:
    res = fit_kmeans(people, FEATURES, k=3, seed=5)
    assert isinstance(res, KMeansResult)
    assert adjusted_rand_score(people["truth"], res.labels) == pytest.approx(1.0)
    again = fit_kmeans(people, FEATURES, k=3, seed=5)
    pd.testing.assert_series_equal(res.labels, again.labels)
    assert res.model.n_init == 10
    # centres are reported in original units: one near each true centre
    for age, income, _ in CENTRES.values():
        d = ((res.centers["age"] - age) / 10) ** 2 + ((res.centers["income"] - income) / 10_000) ** 2
        assert d.min() < 0.05
    assert res.features == tuple(FEATURES)
    unscaled = fit_kmeans(people, FEATURES, k=3, scale=None)
    assert unscaled.scaler is None


def test_profile_clusters(people: pd.DataFrame) -> None:
    res = fit_kmeans(people, FEATURES, k=3)
    prof = profile_clusters(people, res.labels, FEATURES, ["gender"])
    assert prof["size"].sum() == len(people)
    assert prof["share"].sum() == pytest.approx(1.0)
    for c in prof.index:
        members = people[res.labels == c]
        assert prof.loc[c, "mean_income"] == pytest.approx(members["income"].mean())
        top = members["gender"].value_counts(normalize=True)
        assert prof.loc[c, "top_gender"].startswith(f"{top.index[0]} {top.iloc[0]:.0%}")
    by_column = profile_clusters(people.assign(cluster=res.labels), "cluster", ["age"])
    assert by_column["size"].tolist() == prof["size"].tolist()


def test_describe_personas(people: pd.DataFrame) -> None:
    res = fit_kmeans(people, FEATURES, k=3)
    personas = describe_personas(people, res.labels, FEATURES)
    truth = people.groupby(res.labels)["truth"].agg(lambda s: s.mode()[0])
    names = dict(zip(truth.to_numpy(), personas["traits"]))
    assert "low age" in names["students"] and "low income" in names["students"]
    assert "high age" in names["retirees"]
    assert "high visits" in names["families"] and "high income" in names["families"]
    flat = describe_personas(pd.DataFrame({"x": [1.0, 1.0, 1.0, 1.0]}), [0, 0, 1, 1], ["x"])
    assert flat["suggested_name"].tolist() == ["average customers", "average customers"]


def test_plot_k_selection(people: pd.DataFrame) -> None:
    table = choose_k(people, FEATURES, k_values=[2, 3, 4], n_init=2)
    fig, ax = plt.subplots()
    assert plot_k_selection(table, ax=ax) is ax
    assert ax.lines[0].get_ydata().tolist() == table["inertia"].tolist()
    plt.close(fig)
    with pytest.raises(ValueError, match="'silhouette'"):
        plot_k_selection(table.drop(columns="silhouette"))


@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (lambda d: scale_features(d, ["age", "gender"]), TypeError, "'gender'"),
        (lambda d: scale_features(d, ["height"]), ValueError, "'height'"),
        (lambda d: scale_features(d, "age"), TypeError, "features"),
        (lambda d: scale_features(d, ["age"], method="zscore"), ValueError, "method"),
        (lambda d: scale_features(d.assign(age=np.nan), ["age"]), ValueError, "missing"),
        (lambda d: fit_kmeans(d, FEATURES, k=1), ValueError, "k"),
        (lambda d: fit_kmeans(d.head(3), FEATURES, k=3), ValueError, "smaller than the number of rows"),
        (lambda d: fit_kmeans(d, FEATURES, k=3, n_init=0), ValueError, "n_init"),
        (lambda d: choose_k(d, FEATURES, k_values=5), TypeError, "k_values"),
        (lambda d: choose_k(d.head(4), FEATURES, k_values=[2, 4]), ValueError, "smaller"),
        (lambda d: profile_clusters(d, [0, 1], FEATURES), ValueError, "labels"),
        (lambda d: profile_clusters(d, "segment", FEATURES), ValueError, "'segment'"),
        (lambda d: describe_personas(d, np.zeros(len(d)), FEATURES, threshold=-1), ValueError, "threshold"),
        (lambda d: scale_features(d.iloc[:0], FEATURES), ValueError, "empty"),
    ],
)
def test_bad_input(people: pd.DataFrame, call, exc, words) -> None:
    with pytest.raises(exc, match=words):
        call(people)
