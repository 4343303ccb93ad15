"""GCJ-02 / BD-09 conversions against published reference pairs, and their inverses as properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orggraph.geo import china

# googollee/eviltransform, go/transform_test.go: (wgsLat, wgsLng, gcjLat, gcjLng) — Shanghai, Shenzhen, Beijing
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]
# the coord_transform Rust crate's documented example: gcj2bd((118.0, 32.0))
BD09 = ((118.0, 32.0), (118.00653128313961, 32.00581846664105))


def test_wgs84_to_gcj02_matches_eviltransform():
    wlat, wlon, glat, glon = map(np.array, zip(*EVILTRANSFORM))
    lon, lat = china.wgs84_to_gcj02(wlon, wlat)
    np.testing.assert_allclose(lon, glon, rtol=0, atol=1e-9)
    np.testing.assert_allclose(lat, glat, rtol=0, atol=1e-9)


def test_gcj02_to_wgs84_is_exact_on_the_reference_pairs():
    # eviltransform's own exact inverse is held to 0.5 m; ours is iterated to 1e-9 degree (0.1 mm)
    wlat, wlon, glat, glon = map(np.array, zip(*EVILTRANSFORM))
    lon, lat = china.gcj02_to_wgs84(glon, glat)
    np.testing.assert_allclose(lon, wlon, rtol=0, atol=1e-8)
    np.testing.assert_allclose(lat, wlat, rtol=0, atol=1e-8)


def test_gcj02_to_bd09_reference_and_inverse():
    (x, y), (bx, by) = BD09
    lon, lat = china.gcj02_to_bd09(x, y)
    assert abs(float(lon) - bx) < 1e-12 and abs(float(lat) - by) < 1e-12
    back = china.bd09_to_gcj02(bx, by)
    assert abs(float(back[0]) - x) < 1e-9 and abs(float(back[1]) - y) < 1e-9


def test_no_offset_outside_china():
    lon, lat = china.wgs84_to_gcj02([2.35, -74.0], [48.85, 40.7])  # Paris, New York
    assert lon.tolist() == [2.35, -74.0] and lat.tolist() == [48.85, 40.7]


@settings(max_examples=200, deadline=None)
@given(st.floats(73.7, 134.9), st.floats(18.2, 53.4))
def test_round_trips_inside_china(lon, lat):
    glon, glat = china.wgs84_to_gcj02(lon, lat)
    # the offset is a few hundred metres at most
    assert abs(glon - lon) < 0.01 and abs(glat - lat) < 0.01
    wlon, wlat = china.gcj02_to_wgs84(glon, glat)
    assert abs(wlon - lon) < 1e-8 and abs(wlat - lat) < 1e-8
    blon, blat = china.wgs84_to_bd09(lon, lat)
    wlon, wlat = china.bd09_to_wgs84(blon, blat)
    assert abs(wlon - lon) < 1e-8 and abs(wlat - lat) < 1e-8


def test_datum_names():
    assert china.datum_name("GCJ-02") == "gcj02" and china.datum_name("bd09") == "bd09"
    assert china.datum_name("EPSG:4326") is None and china.datum_name(4490) is None
