"""Tests for course_lib.analysis.geo, against geographiclib and published distances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.analysis.geo import EARTH_RADIUS_KM, density_by, haversine_km, within_radius

# A sphere cannot match the WGS84 ellipsoid everywhere: a short north-south hop at the equator
# uses the meridional radius of curvature (6335.4 km), 0.56 % below the mean radius. 0.6 % is
# therefore the honest bound for arbitrary pairs.
SPHERE_TOLERANCE = 0.006


def _geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    return np.array([Geodesic.WGS84.Inverse(*p)["s12"] / 1000 for p in zip(lat1, lon1, lat2, lon2)])


def test_against_geographiclib_worldwide() -> None:
    rng = np.random.default_rng(42)
    lat1, lat2 = rng.uniform(-89, 89, (2, 800))
    lon1, lon2 = rng.uniform(-179, 179, (2, 800))
    got = haversine_km(lat1, lon1, lat2, lon2)
    ref = _geodesic_km(lat1, lon1, lat2, lon2)
    np.testing.assert_allclose(got, ref, rtol=SPHERE_TOLERANCE)


def test_against_geographiclib_hyperlocal_india() -> None:
    # neighbourhood-scale distances (a few hundred metres to a few km) in Indian cities
    rng = np.random.default_rng(7)
    lat1 = rng.uniform(8, 35, 500)
    lon1 = rng.uniform(68, 97, 500)
    lat2 = lat1 + rng.normal(0, 0.03, 500)
    lon2 = lon1 + rng.normal(0, 0.03, 500)
    got = haversine_km(lat1, lon1, lat2, lon2)
    ref = _geodesic_km(lat1, lon1, lat2, lon2)
    np.testing.assert_allclose(got, ref, rtol=SPHERE_TOLERANCE)
    assert np.abs(got - ref).max() < 0.05  # under 50 m on these distances


def test_published_distances() -> None:
    # Rosetta Code "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40) is
    # 2887.2599506071106 km with R = 6372.8 km; rescale to our radius.
    assert haversine_km(36.12, -86.67, 33.94, -118.40) == pytest.approx(
        2887.2599506071106 * EARTH_RADIUS_KM / 6372.8, rel=1e-12)
    # quarter meridian and antipodes on the mean sphere
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-12)
    # the WGS84 quarter meridian is 10001.966 km (the basis of the metre); sphere within 0.06 %
    assert haversine_km(0, 0, 90, 0) == pytest.approx(10001.966, rel=6e-4)


def test_scalar_and_array_outputs() -> None:
    assert isinstance(haversine_km(12.97, 77.59, 12.98, 77.60), float)
    out = haversine_km([12.97, 13.0], [77.59, 77.6], 12.97, 77.59)
    assert isinstance(out, np.ndarray) and out.shape == (2,) and out[0] == 0.0
    assert haversine_km(pd.Series([1.0]), pd.Series([2.0]), 1.0, 2.0).tolist() == [0.0]


@pytest.mark.parametrize(
    ("args", "exc", "words"),
    [
        ((91, 0, 0, 0), ValueError, "lat1"),
        ((0, 0, 0, -181), ValueError, "lon2"),
        ((np.nan, 0, 0, 0), ValueError, "lat1"),
        (("12.9", 0, 0, 0), TypeError, "lat1"),
        ((0, None, 0, 0), TypeError, "lon1"),
        (([1, 2, 3], [1, 2], 0, 0), ValueError, "compatible"),
    ],
)
def test_haversine_bad_input(args, exc, words) -> None:
    with pytest.raises(exc, match=words):
        haversine_km(*args)


lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


@given(lats, lons, lats, lons, lats, lons)
@settings(max_examples=300, deadline=None)
def test_metric_properties(la1, lo1, la2, lo2, la3, lo3) -> None:
    d12 = haversine_km(la1, lo1, la2, lo2)
    assert d12 == pytest.approx(haversine_km(la2, lo2, la1, lo1), abs=1e-6)
    assert 0.0 <= d12 <= math.pi * EARTH_RADIUS_KM + 1e-9
    assert haversine_km(la1, lo1, la1, lo1) == pytest.approx(0.0, abs=1e-6)
    d13 = haversine_km(la1, lo1, la3, lo3)
    d23 = haversine_km(la2, lo2, la3, lo3)
    assert d13 <= d12 + d23 + 1e-6


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5],
        "lat": [12.9716, 12.9800, 12.9352, 13.0358, 12.9716],
        "lon": [77.5946, 77.6000, 77.6245, 77.5970, 77.6400],
        "pin_code": ["560001", "560001", "560034", "560024", "560001"],
        "apartment_complex": ["A", "A", "B", "C", "A"],
    })


def test_within_radius(customers: pd.DataFrame) -> None:
    before = customers.copy()
    near = within_radius(customers, 12.9716, 77.5946, 2.0)
    pd.testing.assert_frame_equal(customers, before)
    ref = _geodesic_km(customers["lat"], customers["lon"], [12.9716] * 5, [77.5946] * 5)
    assert sorted(near["customer_id"]) == sorted(customers["customer_id"][ref <= 2.0])
    assert near["customer_id"].tolist() == [1, 2]
    assert near["distance_km"].is_monotonic_increasing
    assert within_radius(customers, 12.9716, 77.5946, 0)["customer_id"].tolist() == [1]
    assert within_radius(customers, 0, 0, 1).empty


def test_within_radius_checks_the_points(customers: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="'lat'.*missing"):
        within_radius(customers.assign(lat=[np.nan, 1, 2, 3, 4]), 12.9, 77.6, 1)
    with pytest.raises(TypeError, match="'lon'"):
        within_radius(customers.assign(lon="77.6"), 12.9, 77.6, 1)
    with pytest.raises(ValueError, match="latitudes"):
        within_radius(customers.assign(lat=95.0), 12.9, 77.6, 1)


def test_within_radius_bad_input(customers: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="radius_km"):
        within_radius(customers, 12.9, 77.6, -1)
    with pytest.raises(ValueError, match="center_lat"):
        within_radius(customers, 120, 77.6, 1)
    with pytest.raises(ValueError, match="'latitude'"):
        within_radius(customers, 12.9, 77.6, 1, lat="latitude")
    with pytest.raises(TypeError, match="data"):
        within_radius(customers.to_numpy(), 12.9, 77.6, 1)


def test_density_by(customers: pd.DataFrame) -> None:
    counts = density_by(customers, by="pin_code")
    assert counts["pin_code"].tolist() == ["560001", "560024", "560034"]
    assert counts["customers"].tolist() == [3, 1, 1]
    assert counts["share"].sum() == pytest.approx(1.0)
    per_building = density_by(customers, by="apartment_complex", areas={"A": 0.5, "B": 0.25})
    by = per_building.set_index("apartment_complex")
    assert by.loc["A", "per_km2"] == 6.0 and by.loc["B", "per_km2"] == 4.0
    assert math.isnan(by.loc["C", "per_km2"])
    with pytest.raises(ValueError, match="'ward'"):
        density_by(customers, by="ward")
    with pytest.raises(ValueError, match="positive"):
        density_by(customers, areas={"560001": 0.0})
    with pytest.raises(TypeError, match="areas"):
        density_by(customers, areas=[1, 2])
    with pytest.raises(ValueError, match="missing"):
        density_by(customers.assign(pin_code=[None, "1", "2", "3", "4"]))


# --------------------------------------------------------------------------- circle_points, plot_radius_map


def test_circle_points_lie_on_the_radius_against_geographiclib() -> None:
    from course_lib.analysis.geo import circle_points

    ring = circle_points(21.083, 79.073, 3.0, n=73)
    assert list(ring.columns) == ["lat", "lon"] and len(ring) == 73
    np.testing.assert_allclose(haversine_km(ring["lat"], ring["lon"], 21.083, 79.073), 3.0, rtol=1e-9)
    ref = _geodesic_km(ring["lat"], ring["lon"], [21.083] * 73, [79.073] * 73)
    np.testing.assert_allclose(ref, 3.0, rtol=SPHERE_TOLERANCE)
    # closed, starts due north, and agrees with within_radius (points just inside / outside)
    assert ring.iloc[0].tolist() == pytest.approx(ring.iloc[-1].tolist())
    assert ring["lat"].iloc[0] > 21.083 and ring["lon"].iloc[0] == pytest.approx(79.073)
    inner = circle_points(21.083, 79.073, 2.999, n=9).assign(id=range(9))
    outer = circle_points(21.083, 79.073, 3.001, n=9).assign(id=range(9))
    assert len(within_radius(inner, 21.083, 79.073, 3.0)) == 9
    assert within_radius(outer, 21.083, 79.073, 3.0).empty


def test_circle_points_wrap_the_date_line_and_validate() -> None:
    from course_lib.analysis.geo import circle_points

    ring = circle_points(0.0, 179.99, 5.0)
    assert ring["lon"].between(-180, 180).all()
    np.testing.assert_allclose(haversine_km(ring["lat"], ring["lon"], 0.0, 179.99), 5.0, rtol=1e-9)
    with pytest.raises(ValueError, match="radius_km"):
        circle_points(0, 0, 0)
    with pytest.raises(ValueError, match="n must"):
        circle_points(0, 0, 1, n=3)
    with pytest.raises(TypeError, match="center_lat"):
        circle_points("21", 0, 1)


def test_plot_radius_map_draws_store_circle_and_points() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib.analysis.geo import plot_radius_map

    pts = pd.DataFrame({"lat": [21.09, 21.05, 21.11], "lon": [79.07, 79.10, 79.04], "households": [300, 120, 0],
                        "response": [0.1, 0.5, -0.2], "name": ["A", "B", "C"]})
    ax = plot_radius_map(pts, 21.083, 79.073, 3.0, size="households", hue="response", label="name", title="t")
    assert ax.get_title() == "t" and "longitude" in ax.get_xlabel() and "latitude" in ax.get_ylabel()
    ring = ax.lines[0].get_xydata()
    np.testing.assert_allclose(haversine_km(ring[:, 1], ring[:, 0], 21.083, 79.073), 3.0, rtol=1e-9)
    sizes = ax.collections[0].get_sizes()
    assert sizes.argmax() == 0 and sizes.min() > 0  # largest complex has the largest marker, empty ones still show
    assert [t.get_text() for t in ax.texts] == ["A", "B", "C"]
    assert ax.collections[0].get_clim() == (-0.2, 0.5)
    centred = plot_radius_map(pts, 21.083, 79.073, 3.0, hue="response", hue_limits=(-1, 1))
    assert centred.collections[0].get_clim() == (-1.0, 1.0)
    with pytest.raises(ValueError, match="hue_limits"):
        plot_radius_map(pts, 21.083, 79.073, 3.0, hue="response", hue_limits=(1, -1))
    assert pts.columns.tolist() == ["lat", "lon", "households", "response", "name"]  # caller's frame untouched
    plt.close("all")
    plain = plot_radius_map(pts[["lat", "lon"]], 21.083, 79.073, 1.0)
    assert len(plain.collections) == 2
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        ({"size": "missing"}, ValueError, "missing"),
        ({"hue": "name"}, TypeError, "name"),
        ({"size": "neg"}, ValueError, "negative"),
    ],
)
def test_plot_radius_map_bad_input(kwargs, exc, words) -> None:
    from course_lib.analysis.geo import plot_radius_map

    pts = pd.DataFrame({"lat": [21.09], "lon": [79.07], "name": ["A"], "neg": [-1]})
    with pytest.raises(exc, match=words):
        plot_radius_map(pts, 21.083, 79.073, 3.0, **kwargs)
    with pytest.raises(TypeError, match="DataFrame"):
        plot_radius_map([1, 2], 21.083, 79.073, 3.0)


def test_plot_radius_map_highlight_and_a_figure_outside_pyplot() -> None:
    """An explorer draws on a matplotlib Figure that pyplot does not know: the colour bar must land on it."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from course_lib.analysis.geo import plot_radius_map

    pts = pd.DataFrame({"lat": [21.09, 21.05, 21.11], "lon": [79.07, 79.10, 79.04], "households": [300, 120, 50],
                        "inside": [True, False, True], "response": [0.1, 0.5, -0.2]})
    fig = Figure()
    ax = plot_radius_map(pts, 21.083, 79.073, 3.0, size="households", highlight="inside", highlight_label="within",
                         ax=fig.subplots())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "within" in labels and "the others" in labels and "store" in labels
    greens = [c for c in ax.collections if c.get_label() == "within"]
    assert len(greens) == 1 and len(greens[0].get_offsets()) == 2
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 9
    fig2 = Figure()
    plot_radius_map(pts, 21.083, 79.073, 3.0, hue="response", ax=fig2.subplots())
    assert len(fig2.axes) == 2 and plt.get_fignums() == []  # colour bar on fig2, nothing on pyplot's stack
    with pytest.raises(ValueError, match="either hue"):
        plot_radius_map(pts, 21.083, 79.073, 3.0, hue="response", highlight="inside")
