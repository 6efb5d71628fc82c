"""k-means on customer features: the steps chapter 06 shows with scikit-learn, in one call.

:func:`fit_kmeans` standardises the features (``StandardScaler``), fits
``KMeans`` with a fixed seed and gives labels, centres in the features' own
units, inertia and silhouette. :func:`choose_k` does that for several k.
Both run scikit-learn on one thread: on a busy 2-core machine (a class lab,
CI) two threads made k-means 13-15 times slower.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"age": [21, 22, 23, 61, 62, 63], "spend": [10, 12, 11, 90, 95, 92]})
>>> fit_kmeans(df, ["age", "spend"], k=2).labels.tolist()
[1, 1, 1, 0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from course_lib.base.validation import require_dataframe, require_no_missing, require_numeric, require_positive_int

__all__ = ["KMeansResult", "fit_kmeans", "choose_k"]


@dataclass(frozen=True)
class KMeansResult:
    """What :func:`fit_kmeans` found: ``labels`` (Series, same index as the data), ``centers`` (original
    units, one row per cluster), ``inertia`` (scaled units), ``silhouette`` (-1..1), the fitted ``model``
    and ``scaler`` (None without scaling) and the ``features`` used."""

    labels: pd.Series
    centers: pd.DataFrame
    inertia: float
    silhouette: float
    model: KMeans
    scaler: StandardScaler | None
    features: tuple[str, ...]


def _matrix(data: pd.DataFrame, features: Sequence[str], scale: bool) -> tuple[np.ndarray, StandardScaler | None]:
    """The feature matrix, standardised when ``scale``, after checking the input."""
    require_dataframe(data, "data")
    if isinstance(features, str) or not isinstance(features, Sequence) or not features:
        raise TypeError("features must be a non-empty list of column names.")
    require_numeric(data, features, "data")
    require_no_missing(data, features, "data")
    if not isinstance(scale, bool):
        raise TypeError(f"scale must be True or False, got {type(scale).__name__} ({scale!r}).")
    x = data[list(features)].to_numpy(dtype=float)
    scaler = StandardScaler() if scale else None
    return (scaler.fit_transform(x) if scaler else x), scaler


def _k(k: int, arg: str, n_rows: int) -> int:
    k = require_positive_int(k, arg, minimum=2)
    if k >= n_rows:
        raise ValueError(f"{arg} must be smaller than the number of rows ({n_rows}), got {k}.")
    return k


def fit_kmeans(data: pd.DataFrame, features: Sequence[str], k: int, seed: int = 0, n_init: int = 10,
               scale: bool = True) -> KMeansResult:
    """Fit k-means on ``features`` (standardised unless ``scale=False``) with a fixed ``seed``.

    Same seed, same clusters. ``k`` must be between 2 and the number of rows - 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [21, 22, 23, 61, 62, 63]})
    >>> fit_kmeans(df, ["age"], k=2).centers["age"].tolist()
    [62.0, 22.0]
    """
    x, scaler = _matrix(data, features, scale)
    k = _k(k, "k", len(data))
    seed = require_positive_int(seed, "seed", minimum=0)
    n_init = require_positive_int(n_init, "n_init")
    with threadpool_limits(1):
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
        sil = float(silhouette_score(x, model.labels_)) if len(np.unique(model.labels_)) > 1 else float("nan")
    centers = model.cluster_centers_ if scaler is None else scaler.inverse_transform(model.cluster_centers_)
    return KMeansResult(
        labels=pd.Series(model.labels_.astype(np.int64), index=data.index, name="cluster"),
        centers=pd.DataFrame(centers, columns=list(features), index=pd.RangeIndex(k, name="cluster")),
        inertia=float(model.inertia_), silhouette=sil, model=model, scaler=scaler, features=tuple(features),
    )


def choose_k(data: pd.DataFrame, features: Sequence[str], k_values: Sequence[int] = range(2, 9), seed: int = 0,
             n_init: int = 10, silhouette_sample: int | None = 5000) -> pd.DataFrame:
    """Inertia (for the elbow) and silhouette score of k-means on the standardised features, for each k.

    ``silhouette_sample`` rows (seeded; None: all rows) are used for the silhouette.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [0, 0.1, 0.2, 5, 5.1, 5.2, 10, 10.1, 10.2]})
    >>> table = choose_k(df, ["x"], k_values=[2, 3, 4])
    >>> int(table.loc[table["silhouette"].idxmax(), "k"])
    3
    """
    x, _ = _matrix(data, features, True)
    seed = require_positive_int(seed, "seed", minimum=0)
    n_init = require_positive_int(n_init, "n_init")
    if isinstance(k_values, (str, int)) or not isinstance(k_values, Sequence) or len(k_values) == 0:
        raise TypeError("k_values must be a non-empty list of whole numbers, e.g. range(2, 9).")
    ks = [_k(k, "k_values", len(data)) for k in k_values]
    if silhouette_sample is not None:
        silhouette_sample = require_positive_int(silhouette_sample, "silhouette_sample", minimum=2)
    size = silhouette_sample if silhouette_sample and silhouette_sample < len(x) else None
    rows = []
    with threadpool_limits(1):
        for k in ks:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
            sil = (float(silhouette_score(x, model.labels_, sample_size=size, random_state=seed))
                   if len(np.unique(model.labels_)) > 1 else float("nan"))
            rows.append({"k": k, "inertia": float(model.inertia_), "silhouette": sil})
    return pd.DataFrame(rows)
