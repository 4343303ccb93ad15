"""GCJ-02 (火星坐标, 高德/腾讯) and BD-09 (百度坐标) to and from WGS 84, vectorised over numpy arrays.

GCJ-02 is the obfuscated datum every map published in China must use (高德,
腾讯 and Google's China maps); BD-09 is Baidu's further offset of it. Neither is
an EPSG coordinate system, so pyproj cannot convert them: these functions do.

The forward transforms are the published formulas (the algorithm leaked in
2013, reproduced by every open implementation, e.g. ``googollee/eviltransform``
and the ``coordTransform`` package on PyPI). The inverses have no closed form:
the usual one-step inverse is off by 1–2 m, so :func:`gcj02_to_wgs84` and
:func:`bd09_to_gcj02` solve the forward transform by fixed-point iteration to
below 1e-9 degree (about 0.1 mm).

Why not a PyPI package: the maintained one (``coordTransform`` 0.2.1) inverts
with the one-step approximation and converts point by point in Python, while
boundaries need every vertex of every polygon at once
(:func:`shapely.transform` hands all coordinates as one array). Checked against
the reference pairs of ``googollee/eviltransform``'s test suite
(``tests/unit/geo/test_china.py``).

Examples
--------
>>> from orggraph.geo.china import wgs84_to_gcj02
>>> lon, lat = wgs84_to_gcj02(121.5272106, 31.1774276)   # Shanghai, eviltransform's first test pair
>>> round(float(lon), 6), round(float(lat), 6)
(121.531542, 31.175304)
"""

from __future__ import annotations

import numpy as np

__all__ = ["wgs84_to_gcj02", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "bd09_to_wgs84",
           "wgs84_to_bd09", "out_of_china", "CHINESE_DATUMS", "to_wgs84"]

_A = 6378245.0  # semi-major axis of Krasovsky 1940, used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

#: names accepted for the two datums (lower case, without "-" or "_")
CHINESE_DATUMS = {"gcj02": "gcj02", "gcj": "gcj02", "mars": "gcj02", "高德": "gcj02", "火星坐标": "gcj02",
                  "bd09": "bd09", "bd09ll": "bd09", "baidu": "bd09", "百度": "bd09", "百度坐标": "bd09"}


def _arrays(lon, lat):
    return np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")


def out_of_china(lon, lat) -> np.ndarray:
    """True where a point is outside the rough box of China, where GCJ-02 applies no offset."""
    lon, lat = _arrays(lon, lat)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset ``(dlon, dlat)`` in degrees at WGS 84 ``lon, lat`` (zero outside China)."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 longitude/latitude to GCJ-02 (火星坐标)."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward, lon, lat, iterations: int = 30, tol: float = 1e-10):
    """Solve ``forward(x) == (lon, lat)`` for ``x`` by fixed-point iteration (the offsets vary slowly)."""
    lon, lat = _arrays(lon, lat)
    x, y = lon.copy(), lat.copy()
    for _ in range(iterations):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < tol) and np.all(np.abs(ey) < tol):
            break
    return x, y


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 longitude/latitude to WGS 84, exact to about 1e-9 degree (iterated inverse)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to BD-09 (百度坐标)."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to GCJ-02 (iterated inverse of :func:`gcj02_to_bd09`)."""
    return _invert(gcj02_to_bd09, lon, lat)


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to WGS 84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def datum_name(crs) -> str | None:
    """``"gcj02"`` or ``"bd09"`` when ``crs`` names one of the Chinese map datums, else None."""
    if not isinstance(crs, str):
        return None
    key = crs.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    return CHINESE_DATUMS.get(key)


def to_wgs84(geoms, datum: str):
    """Shapely geometries (an array) with every vertex moved from ``datum`` (gcj02 or bd09) to WGS 84."""
    import shapely

    inverse = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}[datum]

    def move(xy: np.ndarray) -> np.ndarray:
        lon, lat = inverse(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, move)
