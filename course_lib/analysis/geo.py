"""Hyperlocal geography: distances, radius filters, nearest store, density, radius maps.

Distances use the haversine formula on a sphere with the mean earth radius
(6371.0088 km). Compared with the exact distance on the WGS84 ellipsoid the
error is below about 0.5 %, far less than the uncertainty of a customer's
geocoded address, and it needs nothing but numpy.

Examples
--------
>>> from course_lib.analysis.geo import haversine_km
>>> round(haversine_km(19.0760, 72.8777, 18.5204, 73.8567), 1)  # Mumbai to Pune
120.2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_number,
    require_numeric,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "haversine_km",
    "within_radius",
    "nearest_store",
    "density_by",
    "circle_points",
    "plot_radius_map",
]

#: Mean earth radius (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088


def _coords(value: Any, arg: str, limit: float) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{arg} must be a number or an array of numbers (degrees), got {type(value).__name__}.")
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{arg} must be numeric degrees, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"{arg} contains missing values (NaN).")
    if (np.abs(arr) > limit).any():
        raise ValueError(f"{arg} must be between -{limit:g} and {limit:g} degrees.")
    return arr


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km between points given in decimal degrees.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Latitudes (-90..90) and longitudes (-180..180). Arrays broadcast
        against each other (numpy rules), so one store against many
        customers works.

    Returns
    -------
    float or ndarray
        A float when all inputs are scalars, otherwise an array.

    Examples
    --------
    >>> round(haversine_km(0, 0, 0, 1), 3)  # one degree along the equator
    111.195
    >>> haversine_km([12.97, 12.98], [77.59, 77.60], 12.97, 77.59).round(3).tolist()
    [0.0, 1.553]
    """
    p1 = np.radians(_coords(lat1, "lat1", 90))
    l1 = np.radians(_coords(lon1, "lon1", 180))
    p2 = np.radians(_coords(lat2, "lat2", 90))
    l2 = np.radians(_coords(lon2, "lon2", 180))
    try:
        p1, l1, p2, l2 = np.broadcast_arrays(p1, l1, p2, l2)
    except ValueError:
        raise ValueError("lat1, lon1, lat2 and lon2 must have compatible shapes (same length or scalars).") from None
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if d.ndim == 0 else d


def _check_points(data: pd.DataFrame, lat: str, lon: str, arg: str) -> None:
    require_dataframe(data, arg)
    require_numeric(data, [lat, lon], arg)
    require_no_missing(data, [lat, lon], arg)
    if (data[lat].abs() > 90).any():
        raise ValueError(f"column {lat!r} of {arg} must hold latitudes between -90 and 90.")
    if (data[lon].abs() > 180).any():
        raise ValueError(f"column {lon!r} of {arg} must hold longitudes between -180 and 180.")


def within_radius(
    data: pd.DataFrame,
    center_lat: float,
    center_lon: float,
    radius_km: float,
    lat: str = "lat",
    lon: str = "lon",
) -> pd.DataFrame:
    """Rows within ``radius_km`` of a point (e.g. a store), nearest first.

    Parameters
    ----------
    data : DataFrame
        Customers (or any points) with latitude and longitude columns.
    center_lat, center_lon : float
        The centre, in degrees.
    radius_km : float
        Radius in km (>= 0); points exactly on the circle are included.
    lat, lon : str
        Column names.

    Returns
    -------
    DataFrame
        A copy of the matching rows with a ``distance_km`` column, sorted by
        distance (ties keep their original order).

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"customer_id": [1, 2], "lat": [12.97, 13.10], "lon": [77.59, 77.59]})
    >>> within_radius(pts, 12.97, 77.59, 5)["customer_id"].tolist()
    [1]
    """
    center_lat = require_number(center_lat, "center_lat", minimum=-90, maximum=90)
    center_lon = require_number(center_lon, "center_lon", minimum=-180, maximum=180)
    radius_km = require_number(radius_km, "radius_km", minimum=0)
    _check_points(data, lat, lon, "data")
    dist = haversine_km(data[lat].to_numpy(), data[lon].to_numpy(), center_lat, center_lon)
    out = data.assign(distance_km=dist).loc[dist <= radius_km]
    return out.sort_values("distance_km", kind="stable")


def nearest_store(
    customers: pd.DataFrame,
    stores: pd.DataFrame,
    store: str = "store_id",
    lat: str = "lat",
    lon: str = "lon",
    store_lat: str = "lat",
    store_lon: str = "lon",
    chunk_size: int = 20_000,
) -> pd.DataFrame:
    """Assign every customer to the nearest store.

    Parameters
    ----------
    customers, stores : DataFrame
        Points with latitude/longitude columns; ``stores`` also has a store
        id column.
    store : str
        Store id column of ``stores``.
    lat, lon : str
        Coordinate columns of ``customers``.
    store_lat, store_lon : str
        Coordinate columns of ``stores``.
    chunk_size : int
        Customers processed at once (bounds memory for big tables).

    Returns
    -------
    DataFrame
        A copy of ``customers`` with ``nearest_store`` and ``distance_km``.
        A tie goes to the store listed first.

    Examples
    --------
    >>> import pandas as pd
    >>> cust = pd.DataFrame({"lat": [12.90, 13.05], "lon": [77.60, 77.60]})
    >>> shops = pd.DataFrame({"store_id": ["south", "north"], "lat": [12.91, 13.04], "lon": [77.60, 77.60]})
    >>> nearest_store(cust, shops)["nearest_store"].tolist()
    ['south', 'north']
    """
    _check_points(customers, lat, lon, "customers")
    _check_points(stores, store_lat, store_lon, "stores")
    require_columns(stores, [store], "stores")
    require_no_missing(stores, [store], "stores")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive whole number, got {chunk_size!r}.")
    clat, clon = customers[lat].to_numpy(float), customers[lon].to_numpy(float)
    slat, slon = stores[store_lat].to_numpy(float), stores[store_lon].to_numpy(float)
    idx = np.empty(len(clat), dtype=np.int64)
    best = np.empty(len(clat))
    for start in range(0, len(clat), chunk_size):
        sl = slice(start, start + chunk_size)
        d = haversine_km(clat[sl, None], clon[sl, None], slat[None, :], slon[None, :])
        idx[sl] = d.argmin(axis=1)
        best[sl] = d[np.arange(d.shape[0]), idx[sl]]
    return customers.assign(nearest_store=stores[store].to_numpy()[idx], distance_km=best)


def density_by(
    data: pd.DataFrame,
    by: str = "pin_code",
    areas: Mapping[Any, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Count customers per pin code, building or any area column.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    by : str
        Area column, e.g. ``"pin_code"``, ``"neighbourhood"`` or ``"apartment_complex"``.
    areas : mapping or Series, optional
        Size of each area in km² (keys = values of ``by``). When given, a
        ``per_km2`` density column is added (NaN for areas with no size).

    Returns
    -------
    DataFrame
        ``by``, ``customers``, ``share`` (of all customers) and optionally
        ``area_km2`` and ``per_km2``; largest count first.

    Examples
    --------
    >>> import pandas as pd
    >>> cust = pd.DataFrame({"pin_code": ["560001", "560001", "560034"]})
    >>> density_by(cust, areas={"560001": 2.0, "560034": 4.0})
      pin_code  customers     share  area_km2  per_km2
    0   560001          2  0.666667       2.0     1.00
    1   560034          1  0.333333       4.0     0.25
    """
    require_dataframe(data, "data")
    if not isinstance(by, str):
        raise TypeError(f"by must be a column name (str), got {type(by).__name__}.")
    require_columns(data, [by], "data")
    require_no_missing(data, [by], "data")
    counts = data.groupby(by, sort=True, observed=True).size()
    out = counts.rename("customers").reset_index()
    out = out.sort_values("customers", ascending=False, kind="stable").reset_index(drop=True)
    out["share"] = out["customers"] / len(data)
    if areas is not None:
        if isinstance(areas, Mapping):
            areas = pd.Series(dict(areas), dtype="float64")
        if not isinstance(areas, pd.Series):
            raise TypeError("areas must be a mapping or Series of area (km²) per value of by.")
        if not pd.api.types.is_numeric_dtype(areas) or (areas <= 0).any() or areas.isna().any():
            raise ValueError("areas must hold positive numbers (km²).")
        out["area_km2"] = out[by].map(areas).astype("float64")
        out["per_km2"] = out["customers"] / out["area_km2"]
    return out


def circle_points(center_lat: float, center_lon: float, radius_km: float, n: int = 181) -> pd.DataFrame:
    """Points on the circle of ``radius_km`` around a centre (to draw a delivery radius).

    Each point lies exactly ``radius_km`` from the centre along a great circle
    (the "destination point" formula on the same sphere as
    :func:`haversine_km`), so the drawn circle agrees with
    :func:`within_radius`.

    Parameters
    ----------
    center_lat, center_lon : float
        The centre (e.g. a store), in degrees.
    radius_km : float
        Radius in km (> 0 and below a quarter of the earth's circumference).
    n : int
        Number of points (>= 4); the first and last coincide, closing the circle.

    Returns
    -------
    DataFrame
        ``lat`` and ``lon`` of the points, going round clockwise from north.

    Examples
    --------
    >>> ring = circle_points(21.083, 79.073, 3.0, n=5)
    >>> haversine_km(ring["lat"], ring["lon"], 21.083, 79.073).round(6).tolist()
    [3.0, 3.0, 3.0, 3.0, 3.0]
    """
    center_lat = require_number(center_lat, "center_lat", minimum=-90, maximum=90)
    center_lon = require_number(center_lon, "center_lon", minimum=-180, maximum=180)
    radius_km = require_number(radius_km, "radius_km", minimum=0, maximum=np.pi * EARTH_RADIUS_KM / 2,
                               inclusive=False)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise ValueError(f"n must be a whole number of points >= 4, got {n!r}.")
    bearing = np.linspace(0.0, 2 * np.pi, int(n))
    delta = radius_km / EARTH_RADIUS_KM
    p1, l1 = np.radians(center_lat), np.radians(center_lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(delta) + np.cos(p1) * np.sin(delta) * np.cos(bearing))
    l2 = l1 + np.arctan2(np.sin(bearing) * np.sin(delta) * np.cos(p1), np.cos(delta) - np.sin(p1) * np.sin(p2))
    lon = (np.degrees(l2) + 540.0) % 360.0 - 180.0
    return pd.DataFrame({"lat": np.degrees(p2), "lon": lon})


def plot_radius_map(
    data: pd.DataFrame,
    center_lat: float,
    center_lon: float,
    radius_km: float,
    *,
    lat: str = "lat",
    lon: str = "lon",
    size: str | None = None,
    hue: str | None = None,
    label: str | None = None,
    center_label: str = "store",
    hue_label: str | None = None,
    hue_limits: tuple[float, float] | None = None,
    cmap: str = "RdYlGn",
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """A map-like scatter: a centre (store), its radius circle and points around it.

    The axes are longitude (x) and latitude (y) with the aspect ratio set so
    that one km east and one km north have the same length on screen (the
    circle looks round). Points can be sized by one column (e.g.
    households) and coloured by another (e.g. response).

    Parameters
    ----------
    data : DataFrame
        The points (e.g. apartment complexes) with latitude and longitude.
    center_lat, center_lon : float
        The store.
    radius_km : float
        The radius drawn as a dashed circle.
    lat, lon : str
        Coordinate columns of ``data``.
    size : str, optional
        Numeric column for the marker areas (scaled so the largest is about
        400 pt²); equal markers when omitted.
    hue : str, optional
        Numeric column for the marker colours (with a colour bar).
    label : str, optional
        Text column; each point is annotated with it (keep ``data`` small).
    center_label : str
        Legend text for the centre.
    hue_label : str, optional
        Colour-bar label (default: the ``hue`` column name).
    hue_limits : (low, high), optional
        Values mapped to the two ends of the colour map (e.g. ``(-0.5, 0.5)``
        to centre a diverging map on 0); default the data's range.
    cmap : str
        Matplotlib colour map for ``hue``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"lat": [21.09, 21.05], "lon": [79.07, 79.10], "households": [300, 120]})
    >>> ax = plot_radius_map(pts, 21.083, 79.073, 3.0, size="households")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    center_lat = require_number(center_lat, "center_lat", minimum=-90, maximum=90)
    center_lon = require_number(center_lon, "center_lon", minimum=-180, maximum=180)
    radius_km = require_number(radius_km, "radius_km", minimum=0, inclusive=False)
    _check_points(data, lat, lon, "data")
    if size is not None:
        require_numeric(data, [size], "data")
        require_no_missing(data, [size], "data")
        if (data[size] < 0).any():
            raise ValueError(f"column {size!r} of data is used for marker sizes and must not be negative.")
    if hue is not None:
        require_numeric(data, [hue], "data")
    if label is not None:
        require_columns(data, [label], "data")
    vmin = vmax = None
    if hue_limits is not None:
        if not isinstance(hue_limits, (tuple, list)) or len(hue_limits) != 2:
            raise TypeError("hue_limits must be a (low, high) pair of numbers, e.g. (-0.5, 0.5).")
        vmin = require_number(hue_limits[0], "hue_limits[0]")
        vmax = require_number(hue_limits[1], "hue_limits[1]", minimum=vmin, inclusive=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 7))
    if size is not None and float(data[size].max()) > 0:
        sizes = 20 + 380 * data[size].to_numpy(float) / float(data[size].max())
    else:
        sizes = np.full(len(data), 60.0)
    ring = circle_points(center_lat, center_lon, radius_km)
    ax.plot(ring["lon"], ring["lat"], ls="--", color="#444444", lw=1.2, label=f"{radius_km:g} km radius")
    if hue is not None:
        points = ax.scatter(data[lon], data[lat], s=sizes, c=data[hue], cmap=cmap, vmin=vmin, vmax=vmax, edgecolor="#333333",
                            linewidth=0.5, alpha=0.85, zorder=3)
        plt.colorbar(points, ax=ax, shrink=0.75, label=hue_label or hue)
    else:
        ax.scatter(data[lon], data[lat], s=sizes, color="#6baed6", edgecolor="#333333", linewidth=0.5,
                   alpha=0.85, zorder=3, label="points")
    ax.scatter([center_lon], [center_lat], marker="*", s=320, color="#d62728", edgecolor="black", zorder=4,
               label=center_label)
    if label is not None:
        for x, y, text in zip(data[lon], data[lat], data[label], strict=True):
            ax.annotate(str(text), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=5)
    ax.set_aspect(1.0 / np.cos(np.radians(center_lat)))
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    return ax
