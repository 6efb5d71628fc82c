"""Hyperlocal geography: distances, radius filters, density per area, radius maps.

Distances use the haversine formula on a sphere with the mean earth radius
(6371.0088 km): within about 0.5 % of the exact distance on the WGS84
ellipsoid, far less than the uncertainty of a geocoded address.

Examples
--------
>>> round(haversine_km(19.0760, 72.8777, 18.5204, 73.8567), 1)  # Mumbai to Pune
120.2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.validation import require_columns, require_dataframe, require_no_missing, require_number, \
    require_numeric

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "within_radius", "density_by", "circle_points", "plot_radius_map"]

#: Mean earth radius (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088


def _degrees(value: Any, arg: str, limit: float) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{arg} must be a number or an array of numbers (degrees), got {type(value).__name__}.")
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{arg} must be numeric degrees, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any() or (np.abs(arr) > limit).any():
        raise ValueError(f"{arg} must hold degrees between -{limit:g} and {limit:g} (no missing values).")
    return np.radians(arr)


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km between points given in decimal degrees.

    Arrays broadcast against each other (one store against many customers
    works); a float is returned when all inputs are scalars.

    Examples
    --------
    >>> round(haversine_km(0, 0, 0, 1), 3)  # one degree along the equator
    111.195
    >>> haversine_km([12.97, 12.98], [77.59, 77.60], 12.97, 77.59).round(3).tolist()
    [0.0, 1.553]
    """
    p1, l1 = _degrees(lat1, "lat1", 90), _degrees(lon1, "lon1", 180)
    p2, l2 = _degrees(lat2, "lat2", 90), _degrees(lon2, "lon2", 180)
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
    if (data[lat].abs() > 90).any() or (data[lon].abs() > 180).any():
        raise ValueError(f"columns {lat!r}/{lon!r} of {arg} must hold latitudes (-90..90) / longitudes (-180..180).")


def _centre(center_lat: float, center_lon: float) -> tuple[float, float]:
    return (require_number(center_lat, "center_lat", minimum=-90, maximum=90),
            require_number(center_lon, "center_lon", minimum=-180, maximum=180))


def within_radius(data: pd.DataFrame, center_lat: float, center_lon: float, radius_km: float,
                  lat: str = "lat", lon: str = "lon") -> pd.DataFrame:
    """Rows within ``radius_km`` of a point (e.g. a store), nearest first, with a ``distance_km`` column.

    Points exactly on the circle are included; ties keep their original order.

    Examples
    --------
    >>> pts = pd.DataFrame({"customer_id": [1, 2], "lat": [12.97, 13.10], "lon": [77.59, 77.59]})
    >>> within_radius(pts, 12.97, 77.59, 5)["customer_id"].tolist()
    [1]
    """
    center_lat, center_lon = _centre(center_lat, center_lon)
    radius_km = require_number(radius_km, "radius_km", minimum=0)
    _check_points(data, lat, lon, "data")
    dist = haversine_km(data[lat].to_numpy(), data[lon].to_numpy(), center_lat, center_lon)
    return data.assign(distance_km=dist).loc[dist <= radius_km].sort_values("distance_km", kind="stable")


def density_by(data: pd.DataFrame, by: str = "pin_code",
               areas: Mapping[Any, float] | pd.Series | None = None) -> pd.DataFrame:
    """Customers per pin code (or any area column), largest first, with their ``share``.

    With ``areas`` (km² per area) a ``per_km2`` density column is added.

    Examples
    --------
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
    out = data.groupby(by, sort=True, observed=True).size().rename("customers").reset_index()
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
    """``n`` points (``lat``, ``lon``) exactly ``radius_km`` from a centre, clockwise from north, closed.

    Uses the destination-point formula on the same sphere as :func:`haversine_km`,
    so a drawn circle agrees with :func:`within_radius`.

    Examples
    --------
    >>> ring = circle_points(21.083, 79.073, 3.0, n=5)
    >>> haversine_km(ring["lat"], ring["lon"], 21.083, 79.073).round(6).tolist()
    [3.0, 3.0, 3.0, 3.0, 3.0]
    """
    center_lat, center_lon = _centre(center_lat, center_lon)
    radius_km = require_number(radius_km, "radius_km", minimum=0, maximum=np.pi * EARTH_RADIUS_KM / 2,
                               inclusive=False)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise ValueError(f"n must be a whole number of points >= 4, got {n!r}.")
    bearing = np.linspace(0.0, 2 * np.pi, int(n))
    delta = radius_km / EARTH_RADIUS_KM
    p1, l1 = np.radians(center_lat), np.radians(center_lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(delta) + np.cos(p1) * np.sin(delta) * np.cos(bearing))
    l2 = l1 + np.arctan2(np.sin(bearing) * np.sin(delta) * np.cos(p1), np.cos(delta) - np.sin(p1) * np.sin(p2))
    return pd.DataFrame({"lat": np.degrees(p2), "lon": (np.degrees(l2) + 540.0) % 360.0 - 180.0})


def plot_radius_map(data: pd.DataFrame, center_lat: float, center_lon: float, radius_km: float, *,
                    lat: str = "lat", lon: str = "lon", size: str | None = None, hue: str | None = None,
                    label: str | None = None, hue_label: str | None = None,
                    hue_limits: tuple[float, float] | None = None, cmap: str = "RdYlGn", ax: Any = None,
                    title: str | None = None, highlight: str | None = None,
                    highlight_label: str = "selected") -> Any:
    """A map-like scatter: the store (a star), its radius circle and the points around it.

    One km east and one km north have the same length on screen. Points can
    be sized by ``size`` (e.g. households), coloured by ``hue`` (with a colour
    bar; ``hue_limits`` fixes its ends) or split by a True/False column
    ``highlight`` (green = True, named ``highlight_label`` in the legend; grey
    = the rest), and annotated with ``label``. Draws on ``ax`` (its own
    figure gets the colour bar) or on a new pyplot figure.

    Examples
    --------
    >>> pts = pd.DataFrame({"lat": [21.09, 21.05], "lon": [79.07, 79.10], "households": [300, 120]})
    >>> ax = plot_radius_map(pts, 21.083, 79.073, 3.0, size="households")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    center_lat, center_lon = _centre(center_lat, center_lon)
    radius_km = require_number(radius_km, "radius_km", minimum=0, inclusive=False)
    _check_points(data, lat, lon, "data")
    require_columns(data, [c for c in (size, hue, label, highlight) if c is not None], "data")
    if hue is not None and highlight is not None:
        raise ValueError("give either hue (a colour scale) or highlight (True/False), not both.")
    sizes = np.full(len(data), 60.0)
    if size is not None:
        require_numeric(data, [size], "data")
        if (data[size] < 0).any() or data[size].isna().any():
            raise ValueError(f"column {size!r} of data gives the marker sizes and must not be negative or missing.")
        if float(data[size].max()) > 0:
            sizes = 20 + 380 * data[size].to_numpy(float) / float(data[size].max())
    if hue is not None:
        require_numeric(data, [hue], "data")
    vmin = vmax = None
    if hue_limits is not None:
        if not isinstance(hue_limits, (tuple, list)) or len(hue_limits) != 2:
            raise TypeError("hue_limits must be a (low, high) pair of numbers, e.g. (-0.5, 0.5).")
        vmin = require_number(hue_limits[0], "hue_limits[0]")
        vmax = require_number(hue_limits[1], "hue_limits[1]", minimum=vmin, inclusive=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 7))
    ring = circle_points(center_lat, center_lon, radius_km)
    ax.plot(ring["lon"], ring["lat"], ls="--", color="#444444", lw=1.2, label=f"{radius_km:g} km radius")
    style = {"s": sizes, "edgecolor": "#333333", "linewidth": 0.5, "alpha": 0.85, "zorder": 3}
    if hue is not None:
        points = ax.scatter(data[lon], data[lat], c=data[hue], cmap=cmap, vmin=vmin, vmax=vmax, **style)
        ax.figure.colorbar(points, ax=ax, shrink=0.75, label=hue_label or hue)
    elif highlight is not None:
        on = data[highlight].fillna(False).to_numpy(bool)
        for mask, colour, name in ((~on, "#bdbdbd", "the others"), (on, "#1a9850", highlight_label)):
            ax.scatter(data[lon][mask], data[lat][mask], color=colour, label=name,
                       **{**style, "s": sizes[mask]})
    else:
        ax.scatter(data[lon], data[lat], color="#6baed6", label="points", **style)
    ax.scatter([center_lon], [center_lat], marker="*", s=320, color="#d62728", edgecolor="black", zorder=4,
               label="store")
    for x, y, text in zip(data[lon], data[lat], data[label] if label else [], strict=False):
        ax.annotate(str(text), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=9, zorder=5)
    ax.set_aspect(1.0 / np.cos(np.radians(center_lat)))
    ax.set(xlabel="longitude (degrees east)", ylabel="latitude (degrees north)", title=title or "")
    legend = ax.legend(loc="upper left", fontsize=9)
    for handle in getattr(legend, "legend_handles", getattr(legend, "legendHandles", [])):
        if hasattr(handle, "set_sizes"):  # one marker size in the legend, whatever the first point's size
            handle.set_sizes([200 if handle.get_label() == "store" else 80])
    return ax
