"""Customer clustering with k-means, from scaling to personas.

The usual workflow:

1. :func:`scale_features` -- put features on one scale (k-means measures
   distance, so a feature in rupees would otherwise swamp one in years);
2. :func:`choose_k` and :func:`plot_k_selection` -- compare k by the elbow
   of the inertia curve and by the silhouette score;
3. :func:`fit_kmeans` -- fit scikit-learn's ``KMeans`` with a fixed seed;
4. :func:`profile_clusters` -- size, share, feature means and top categories;
5. :func:`describe_personas` -- words for what makes each cluster different,
   as a starting point for naming personas.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.clustering import fit_kmeans
>>> df = pd.DataFrame({"age": [21, 22, 23, 61, 62, 63], "spend": [10, 12, 11, 90, 95, 92]})
>>> fit_kmeans(df, ["age", "spend"], k=2).labels.tolist()
[1, 1, 1, 0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from threadpoolctl import threadpool_limits

from course_lib.base.validation import (
    require_choice,
    require_columns,
    require_dataframe,
    require_no_missing,
    require_number,
    require_numeric,
    require_positive_int,
)

__all__ = [
    "KMeansResult",
    "scale_features",
    "choose_k",
    "plot_k_selection",
    "fit_kmeans",
    "profile_clusters",
    "describe_personas",
]

_SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


@dataclass(frozen=True)
class KMeansResult:
    """Result of :func:`fit_kmeans`.

    Attributes
    ----------
    labels : Series
        Cluster of each row (same index as the input), 0..k-1.
    centers : DataFrame
        Cluster centres in the original units of the features.
    inertia : float
        Within-cluster sum of squares (in scaled units).
    silhouette : float
        Mean silhouette score (-1..1, higher = better separated).
    model : sklearn.cluster.KMeans
        The fitted model.
    scaler : object or None
        The fitted scaler (None when ``scale=None``).
    features : tuple of str
        The feature columns used.
    """

    labels: pd.Series
    centers: pd.DataFrame
    inertia: float
    silhouette: float
    model: KMeans
    scaler: Any
    features: tuple[str, ...]


def _features(data: pd.DataFrame, features: Sequence[str]) -> list[str]:
    require_dataframe(data, "data")
    if isinstance(features, str) or not isinstance(features, Sequence) or not features:
        raise TypeError("features must be a non-empty list of column names.")
    features = list(features)
    require_numeric(data, features, "data")
    require_no_missing(data, features, "data")
    return features


def scale_features(data: pd.DataFrame, features: Sequence[str], method: str = "standard") -> pd.DataFrame:
    """Scale numeric features so that each counts equally in distances.

    Parameters
    ----------
    data : DataFrame
        Customers.
    features : list of str
        Numeric columns to scale.
    method : {"standard", "minmax", "robust"}
        z-scores (mean 0, sd 1), range 0..1, or median/IQR (resists outliers).

    Returns
    -------
    DataFrame
        The scaled features only (same index); ``data`` is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> scale_features(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), ["x"])["x"].round(3).tolist()
    [-1.225, 0.0, 1.225]
    """
    features = _features(data, features)
    require_choice(method, "method", _SCALERS)
    scaled = _SCALERS[method]().fit_transform(data[features].to_numpy(dtype=float))
    return pd.DataFrame(scaled, columns=features, index=data.index)


def _matrix(data: pd.DataFrame, features: list[str], scale: str | None) -> tuple[np.ndarray, Any]:
    x = data[features].to_numpy(dtype=float)
    if scale is None:
        return x, None
    require_choice(scale, "scale", _SCALERS)
    scaler = _SCALERS[scale]()
    return scaler.fit_transform(x), scaler


def choose_k(
    data: pd.DataFrame,
    features: Sequence[str],
    k_values: Sequence[int] = range(2, 9),
    seed: int = 0,
    n_init: int = 10,
    scale: str | None = "standard",
    silhouette_sample: int | None = 5000,
) -> pd.DataFrame:
    """Inertia (elbow) and silhouette score for several k.

    Parameters
    ----------
    data : DataFrame
        Customers.
    features : list of str
        Numeric columns to cluster on.
    k_values : sequence of int
        Candidate numbers of clusters (each >= 2 and < number of rows).
    seed : int
        Random seed for k-means (and the silhouette sample).
    n_init : int
        k-means restarts per k.
    scale : {"standard", "minmax", "robust"} or None
        Scaling applied first (None: use features as they are).
    silhouette_sample : int or None
        Rows sampled to compute the silhouette on big data (None: all rows).

    Returns
    -------
    DataFrame
        ``k``, ``inertia``, ``silhouette``; the best silhouette is the usual
        choice, cross-checked with the elbow of the inertia curve.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [0, 0.1, 0.2, 5, 5.1, 5.2, 10, 10.1, 10.2]})
    >>> table = choose_k(df, ["x"], k_values=[2, 3, 4])
    >>> int(table.loc[table["silhouette"].idxmax(), "k"])
    3
    """
    features = _features(data, features)
    seed = require_positive_int(seed, "seed", minimum=0)
    n_init = require_positive_int(n_init, "n_init")
    if isinstance(k_values, (str, int)) or not isinstance(k_values, Sequence) or len(k_values) == 0:
        raise TypeError("k_values must be a non-empty list of whole numbers, e.g. range(2, 9).")
    ks = [require_positive_int(k, "k_values", minimum=2) for k in k_values]
    if max(ks) >= len(data):
        raise ValueError(f"every k must be smaller than the number of rows ({len(data)}); got k={max(ks)}.")
    if silhouette_sample is not None:
        silhouette_sample = require_positive_int(silhouette_sample, "silhouette_sample", minimum=2)
    x, _ = _matrix(data, features, scale)
    rows = []
    # One BLAS/OpenMP thread: on a busy 2-core machine (a class lab, CI) two threads made k-means 13-15x slower.
    with threadpool_limits(1):
        for k in ks:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
            n_labels = len(np.unique(model.labels_))
            if n_labels < 2:
                sil = float("nan")
            else:
                size = silhouette_sample if silhouette_sample and silhouette_sample < len(x) else None
                sil = float(silhouette_score(x, model.labels_, sample_size=size, random_state=seed))
            rows.append({"k": k, "inertia": float(model.inertia_), "silhouette": sil})
    return pd.DataFrame(rows)


def plot_k_selection(table: pd.DataFrame, ax: Any = None) -> Any:
    """Plot the elbow (inertia) and the silhouette score against k.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`choose_k`.
    ax : matplotlib Axes, optional
        Axes for the inertia curve; the silhouette goes on a twin axis.

    Returns
    -------
    matplotlib Axes
        The inertia axes.

    Examples
    --------
    >>> import pandas as pd
    >>> ax = plot_k_selection(pd.DataFrame({"k": [2, 3], "inertia": [10.0, 4.0], "silhouette": [0.5, 0.6]}))
    >>> ax.get_xlabel()
    'number of clusters k'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(table, "table")
    require_numeric(table, ["k", "inertia", "silhouette"], "table")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(table["k"], table["inertia"], "o-", color="tab:blue", label="inertia (elbow)")
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("inertia (lower = tighter)", color="tab:blue")
    ax.set_xticks(table["k"].tolist())
    twin = ax.twinx()
    twin.plot(table["k"], table["silhouette"], "s--", color="tab:orange", label="silhouette")
    twin.set_ylabel("silhouette (higher = better)", color="tab:orange")
    if table["silhouette"].notna().any():
        best = table.loc[table["silhouette"].idxmax()]
        twin.annotate("best silhouette", (best["k"], best["silhouette"]), textcoords="offset points",
                      xytext=(0, 8), ha="center", fontsize=8)
    ax.set_title("Choosing k: elbow and silhouette")
    return ax


def fit_kmeans(
    data: pd.DataFrame,
    features: Sequence[str],
    k: int,
    seed: int = 0,
    n_init: int = 10,
    scale: str | None = "standard",
) -> KMeansResult:
    """Fit k-means with a fixed seed and return labels and centres.

    Parameters
    ----------
    data : DataFrame
        Customers.
    features : list of str
        Numeric columns to cluster on.
    k : int
        Number of clusters (2 <= k < number of rows).
    seed, n_init : int
        Random seed and number of restarts (same seed, same clusters).
    scale : {"standard", "minmax", "robust"} or None
        Scaling applied before clustering.

    Returns
    -------
    KMeansResult

    Examples
    --------
    See the module docstring.
    """
    features = _features(data, features)
    k = require_positive_int(k, "k", minimum=2)
    if k >= len(data):
        raise ValueError(f"k must be smaller than the number of rows ({len(data)}), got {k}.")
    seed = require_positive_int(seed, "seed", minimum=0)
    n_init = require_positive_int(n_init, "n_init")
    x, scaler = _matrix(data, features, scale)
    with threadpool_limits(1):  # see choose_k: one thread is fastest on a busy machine
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
        sil = float(silhouette_score(x, model.labels_)) if len(np.unique(model.labels_)) > 1 else float("nan")
    centers = model.cluster_centers_ if scaler is None else scaler.inverse_transform(model.cluster_centers_)
    labels = pd.Series(model.labels_.astype(np.int64), index=data.index, name="cluster")
    return KMeansResult(
        labels=labels,
        centers=pd.DataFrame(centers, columns=features, index=pd.RangeIndex(k, name="cluster")),
        inertia=float(model.inertia_),
        silhouette=sil,
        model=model,
        scaler=scaler,
        features=tuple(features),
    )


def _labels(data: pd.DataFrame, labels: Any) -> pd.Series:
    if isinstance(labels, str):
        require_columns(data, [labels], "data")
        lab = data[labels]
    else:
        if not isinstance(labels, pd.Series):
            labels = np.asarray(labels)
            if labels.ndim != 1 or len(labels) != len(data):
                raise ValueError(f"labels must have one value per row of data ({len(data)}), got {labels.shape}.")
            labels = pd.Series(labels, index=data.index)
        if not labels.index.equals(data.index):
            raise ValueError("labels must have the same index as data (one label per row).")
        lab = labels
    if lab.isna().any():
        raise ValueError("labels contain missing values.")
    return lab.rename("cluster")


def profile_clusters(
    data: pd.DataFrame,
    labels: Any,
    features: Sequence[str] = (),
    categorical: Sequence[str] = (),
    top_n: int = 2,
) -> pd.DataFrame:
    """Describe each cluster: size, share, feature means and top categories.

    Parameters
    ----------
    data : DataFrame
        Customers.
    labels : str, Series or array
        Cluster labels (a column name of ``data`` or one label per row).
    features : list of str
        Numeric columns whose mean is reported.
    categorical : list of str
        Columns whose most common values are reported, e.g. ``["gender"]``.
    top_n : int
        Number of top categories listed per column.

    Returns
    -------
    DataFrame
        Indexed by cluster: ``size``, ``share``, ``mean_<feature>`` ...,
        ``top_<column>`` (text such as ``"F 62%, M 38%"``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 22, 60], "city": ["A", "A", "B"]})
    >>> profile_clusters(df, [0, 0, 1], ["age"], ["city"])  # doctest: +NORMALIZE_WHITESPACE
             size     share  mean_age top_city
    cluster
    0           2  0.666667      21.0   A 100%
    1           1  0.333333      60.0   B 100%
    """
    require_dataframe(data, "data")
    lab = _labels(data, labels)
    features = list(features)
    if features:
        require_numeric(data, features, "data")
    categorical = list(categorical)
    require_columns(data, categorical, "data")
    top_n = require_positive_int(top_n, "top_n")
    groups = data.groupby(lab, sort=True)
    out = pd.DataFrame({"size": groups.size()})
    out["share"] = out["size"] / len(data)
    for f in features:
        out[f"mean_{f}"] = groups[f].mean()
    for c in categorical:
        tops = {}
        for key, grp in data[c].groupby(lab, sort=True):
            shares = grp.value_counts(normalize=True, dropna=False).head(top_n)
            tops[key] = ", ".join(f"{v} {s:.0%}" for v, s in shares.items())
        out[f"top_{c}"] = pd.Series(tops, dtype=object)
    out.index.name = "cluster"
    return out


def describe_personas(
    data: pd.DataFrame,
    labels: Any,
    features: Sequence[str],
    threshold: float = 0.5,
    max_words: int = 2,
) -> pd.DataFrame:
    """Words for what sets each cluster apart, to help name personas.

    For every feature the cluster mean is compared with the overall mean in
    standard deviations (a z-score). Features beyond ``threshold`` become
    ``"high <feature>"`` / ``"low <feature>"``; the strongest
    ``max_words`` make a suggested persona name. Naming is still the
    analyst's job -- "high income, low age" might become "young professionals".

    Parameters
    ----------
    data : DataFrame
        Customers.
    labels : str, Series or array
        Cluster labels.
    features : list of str
        Numeric features to compare.
    threshold : float
        Minimum absolute z-score for a feature to be mentioned.
    max_words : int
        Descriptors used in the suggested name.

    Returns
    -------
    DataFrame
        Indexed by cluster: ``size``, ``z_<feature>`` ..., ``traits``
        (all notable descriptors, strongest first) and ``suggested_name``
        (``"average customers"`` when nothing stands out).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [22, 24, 60, 62], "income": [30, 32, 90, 95]})
    >>> describe_personas(df, [0, 0, 1, 1], ["age", "income"])["suggested_name"].tolist()
    ['low age, low income', 'high age, high income']
    """
    features = _features(data, features)
    lab = _labels(data, labels)
    threshold = require_number(threshold, "threshold", minimum=0)
    max_words = require_positive_int(max_words, "max_words")
    means = data[features].groupby(lab, sort=True).mean()
    overall = data[features].mean()
    sd = data[features].std(ddof=0).replace(0, np.nan)
    z = (means - overall) / sd
    out = pd.DataFrame({"size": data.groupby(lab, sort=True).size()})
    for f in features:
        out[f"z_{f}"] = z[f]
    traits, names = [], []
    for _, row in z.iterrows():
        notable = row.dropna()
        notable = notable[notable.abs() >= threshold]
        notable = notable.reindex(notable.abs().sort_values(ascending=False, kind="stable").index)
        words = [f"{'high' if v > 0 else 'low'} {f}" for f, v in notable.items()]
        traits.append(", ".join(words) if words else "")
        names.append(", ".join(words[:max_words]) if words else "average customers")
    out["traits"] = traits
    out["suggested_name"] = names
    out.index.name = "cluster"
    return out
