"""Coordinate reference systems (坐标系) of a graph's geometry.

A graph has at most one CRS. It is kept in the ``crs`` column of the
``communities``, ``grids`` and ``areas`` tables beside ``geometry`` (the same
value on every row that has a geometry), so that it travels with the ledger
(CSV, Excel), through scenarios and into Neo4j like any other attribute, with
no separate metadata table. No ``crs`` at all means planar coordinates of
unknown unit, as before this module existed.

Areas (面积) are always computed in a metric CRS: for CGCS2000 (EPSG:4490)
the 3-degree Gauss-Krüger zone of the data (EPSG:4534–4554, e.g. EPSG:4549 for
central meridian 120°E), for any other geographic CRS the UTM zone that
:meth:`geopandas.GeoSeries.estimate_utm_crs` picks; a projected CRS is used as
it is. Never square degrees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OrgGraphError

__all__ = ["GEOMETRY_KINDS", "graph_crs", "metric_crs", "CRSMismatch", "as_crs"]

#: node kinds that may carry a ``geometry`` and a ``crs``
GEOMETRY_KINDS = ("Community", "Grid", "Area")

#: CGCS2000, the national standard (国家2000坐标系)
CGCS2000 = "EPSG:4490"


class CRSMismatch(OrgGraphError, ValueError):
    """Geometry in two different coordinate systems in one graph (or a file whose CRS cannot be known)."""


def as_crs(crs):
    """A :class:`pyproj.CRS` from anything pyproj accepts (``"EPSG:4490"``, 4490, WKT, a CRS)."""
    from pyproj import CRS

    return CRS.from_user_input(crs)


def crs_string(crs) -> str:
    """``"EPSG:nnnn"`` where pyproj knows the code, otherwise the CRS's WKT."""
    c = as_crs(crs)
    code = c.to_epsg()
    return f"EPSG:{code}" if code else c.to_wkt()


def _present(frame: pd.DataFrame) -> pd.Series:
    if "geometry" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["geometry"].notna() & frame["geometry"].astype(str).str.strip().ne("")


def graph_crs(g, frames: dict | None = None) -> str | None:
    """The CRS of the graph's geometry (``"EPSG:4490"`` …), or None for planar coordinates.

    Raises
    ------
    CRSMismatch
        When rows name different coordinate systems, or some geometries have a
        CRS and others none.
    """
    seen: set[str] = set()
    bare: list[str] = []
    for kind in GEOMETRY_KINDS:
        f = frames[kind] if frames is not None else g.nodes(kind)
        has = _present(f)
        if not has.any():
            continue
        crs = f["crs"] if "crs" in f.columns else pd.Series(None, index=f.index, dtype=object)
        named = crs.notna() & crs.astype(str).str.strip().ne("")
        seen.update(str(v).strip() for v in crs[has & named])
        if (has & ~named).any():
            bare.append(f"{kind} {f.loc[has & ~named, 'id'].iloc[0]}")
    if len(seen) > 1:
        raise CRSMismatch(f"the graph's geometry is in several coordinate systems: {', '.join(sorted(seen))}")
    if seen and bare:
        raise CRSMismatch(f"geometry without a crs beside geometry in {next(iter(seen))} (first: {bare[0]})")
    return next(iter(seen)) if seen else None


def metric_crs(crs, bounds) -> str:
    """A metric CRS for areas and distances around ``bounds`` (minx, miny, maxx, maxy) given in ``crs``.

    CGCS2000 → its 3-degree Gauss-Krüger zone (EPSG:4534 + k, central meridian
    75° + 3k E); another geographic CRS → the UTM zone of the centre; a
    projected CRS → itself.

    >>> metric_crs("EPSG:4490", (120.70, 37.30, 120.80, 37.36))
    'EPSG:4549'
    >>> metric_crs("EPSG:4326", (120.70, 37.30, 120.80, 37.36))
    'EPSG:32651'
    """
    c = as_crs(crs)
    if c.is_projected:
        return crs_string(c)
    lon = (bounds[0] + bounds[2]) / 2.0
    lat = (bounds[1] + bounds[3]) / 2.0
    if c.to_epsg() == 4490 and 73.5 <= lon <= 136.5:
        k = int(np.clip(np.round((lon - 75.0) / 3.0), 0, 20))
        return f"EPSG:{4534 + k}"
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"
