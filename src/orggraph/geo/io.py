"""Boundaries (边界) in and out of GIS files: GeoJSON, Shapefile, GeoPackage.

:func:`read_boundaries` puts the polygons of a file onto the graph's existing
nodes of one kind (by id, or by name within a parent); :func:`to_geodataframe`
and :func:`write_boundaries` give them back as a GeoDataFrame or a file. Files
are read and written with pyogrio (GDAL) through GeoPandas; coordinate systems
are converted with pyproj, and GCJ-02 / BD-09 (高德 / 百度 exports) with
:mod:`orggraph.geo.china`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import LedgerError
from ..schema import node_kind
from . import china
from .crs import CGCS2000, GEOMETRY_KINDS, CRSMismatch, crs_string, graph_crs, metric_crs

__all__ = ["read_boundaries", "write_boundaries", "to_geodataframe", "BoundaryRead", "PARENT_COLUMN"]

#: the reference column that names a node's parent, per kind that carries geometry
PARENT_COLUMN = {"Community": "street_id", "Grid": "community_id", "Area": "parent_id"}

_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile", ".gpkg": "GPKG"}
#: Shapefile field names have at most 10 characters
_SHAPEFILE_NAMES = {"registered_population": "reg_pop", "community_id": "comm_id", "parent_grid_id": "pgrid_id",
                    "street_id": "street_id", "parent_id": "parent_id", "area_m2": "area_m2"}


class BoundaryRead(NamedTuple):
    """What :func:`read_boundaries` did.

    ``unmatched``: the file's rows that match no node (``row``, the row number
    counting the first feature as 1; ``key``, the id or name looked up;
    ``reason``). ``missing``: nodes of the kind still without a polygon
    (``id``, ``name``). ``matched``: polygons written. ``crs``: the graph's CRS now.
    """

    unmatched: pd.DataFrame
    missing: pd.DataFrame
    matched: int
    crs: str


def _gpd():
    try:
        import geopandas as gpd
    except ImportError as exc:  # pragma: no cover - geopandas is in the geo and dev extras
        raise ImportError("GIS files need geopandas, pyogrio and pyproj: pip install 'orggraph[geo]'") from exc
    return gpd


def _kind(kind: str) -> str:
    name = node_kind(kind).name
    if name not in GEOMETRY_KINDS:
        raise ValueError(f"kind={kind!r}: boundaries are kept on {', '.join(GEOMETRY_KINDS)}")
    return name


def _problem(path: Path, row, column, value, problem) -> LedgerError:
    return LedgerError([{"file": path.name, "table": path.stem, "row": row, "column": column, "value": value,
                         "problem": problem, "suggestion": ""}], source=str(path))


def _from_wkt(frame: pd.DataFrame):
    """Shapely geometries of a node table's ``geometry`` column (None where empty)."""
    import shapely

    text = frame["geometry"] if "geometry" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    present = text.notna() & text.astype(str).str.strip().ne("")
    geoms = np.full(len(frame), None, dtype=object)
    if present.any():
        pos = np.flatnonzero(present.to_numpy())
        try:
            geoms[pos] = shapely.from_wkt(text.iloc[pos].astype(str).to_numpy())
        except Exception:  # find the culprit to name it (shapely raises GEOSException)
            for i in pos:
                try:
                    shapely.from_wkt(str(text.iloc[i]))
                except Exception as exc:
                    raise ValueError(f"the geometry of {frame['id'].iloc[i]!r} is not valid WKT: {exc}") from None
        bad = np.flatnonzero(~shapely.is_valid(geoms[pos]))
        if len(bad):
            geoms[pos[bad]] = shapely.make_valid(geoms[pos[bad]])
    return geoms


def to_geodataframe(g, kind: str = "Grid", *, with_area: bool = True):
    """The nodes of ``kind`` (Community, Grid or Area) as a :class:`geopandas.GeoDataFrame`.

    Every node is a row, those without a polygon with an empty geometry. The
    columns are the node table's (``id``, ``name``, the parent reference,
    ``households``, ``population`` …, ``geometry``), with the graph's CRS, and
    ``area_m2`` (面积, square metres, computed in the metric CRS of
    :func:`~orggraph.geo.crs.metric_crs`; NaN without a polygon) when
    ``with_area`` and the graph has a CRS.

    Examples
    --------
    >>> import orggraph as og
    >>> grids = og.load_sample("qixia").at("2020-06-30").to_geodataframe("Grid")
    >>> str(grids.crs), len(grids)
    ('EPSG:4490', 97)
    >>> bool(grids["area_m2"].between(2e4, 5e5).all())
    True
    """
    gpd = _gpd()
    kind = _kind(kind)
    frame = g.nodes(kind)
    crs = graph_crs(g)
    geoms = _from_wkt(frame)
    data = frame.drop(columns=[c for c in ("geometry", "crs") if c in frame.columns])
    out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, index=frame.index), crs=crs)
    if with_area and crs is not None:
        out["area_m2"] = area_m2(out)
    return out


def area_m2(frame) -> np.ndarray:
    """Areas in square metres of a GeoDataFrame/GeoSeries with a CRS (NaN where there is no polygon)."""
    present = frame.geometry.notna() & ~frame.geometry.is_empty
    out = np.full(len(frame), np.nan)
    if present.any():
        part = frame.geometry[present]
        metric = metric_crs(frame.crs, part.total_bounds)
        out[np.flatnonzero(present.to_numpy())] = part.to_crs(metric).area.to_numpy()
    return out


def _read_file(path: Path, layer):
    gpd = _gpd()
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise _problem(path, None, None, None, f"cannot be read as a GIS file (GeoJSON, Shapefile, GeoPackage): {exc}") from None


def _source_geometry(path: Path, gdf, from_crs):
    """The file's geometry in a real CRS (GCJ-02/BD-09 moved to WGS 84); returns ``(GeoSeries, crs)``."""
    geom = gdf.geometry
    datum = china.datum_name(from_crs)
    if datum is not None:
        moved = china.to_wgs84(geom.to_numpy(), datum)
        return geom.__class__(moved, index=geom.index, crs="EPSG:4326"), "EPSG:4326"
    if from_crs is not None:
        return geom.set_crs(from_crs, allow_override=True), crs_string(from_crs)
    if geom.crs is None:
        raise _problem(path, None, "geometry", None,
                       "has no coordinate system (e.g. a Shapefile without .prj): pass from_crs= "
                       "('EPSG:4490', 'EPSG:4326', 'gcj02', 'bd09' …)")
    return geom, crs_string(geom.crs)


def _match(g, kind: str, gdf, path: Path, id_column, name_column, parent_column):
    """Node id per file row (None where no node matches) and the reason of each miss."""
    nodes = g.nodes(kind)
    rows = np.arange(1, len(gdf) + 1)
    if name_column is None:
        if id_column not in gdf.columns:
            raise _problem(path, None, id_column, None,
                           f"no such column (the file has {', '.join(map(str, gdf.columns.drop('geometry')))}); "
                           "pass id_column=, or name_column= and parent_column=")
        keys = gdf[id_column].astype(object).where(gdf[id_column].notna(), None)
        keys = keys.map(lambda v: None if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()))
        known = set(nodes["id"])
        keys = keys.to_numpy(dtype=object)
        ids = np.array([k if k in known else None for k in keys], dtype=object)
        reason = np.array([f"empty {id_column}" if k is None else f"no {kind} with this id" for k in keys], dtype=object)
        return ids, keys, reason, rows
    for col in (name_column, parent_column):
        if col is None or col not in gdf.columns:
            raise _problem(path, None, col, None, "no such column: matching by name needs name_column= and parent_column=")
    parent_ref = PARENT_COLUMN[kind]
    all_nodes = g.nodes()
    parent_name_to_id = {}
    for i, n in zip(all_nodes["id"], all_nodes["name"]):
        parent_name_to_id.setdefault(str(n), []).append(i)
    names = gdf[name_column].astype(str).str.strip()
    parents = gdf[parent_column].astype(str).str.strip()
    lookup = {}
    for i, n, p in zip(nodes["id"], nodes["name"], nodes[parent_ref]):
        lookup.setdefault((str(n), str(p)), []).append(i)
    ids, reason = [], []
    for n, p in zip(names, parents):
        cands = lookup.get((n, p), [])
        if not cands:  # the parent given by name
            cands = [i for pid in parent_name_to_id.get(p, []) for i in lookup.get((n, pid), [])]
        if len(cands) == 1:
            ids.append(cands[0])
            reason.append("")
        else:
            ids.append(None)
            reason.append(f"no {kind} of this name in {p}" if not cands else f"{len(cands)} {kind} nodes of this name in {p}")
    keys = (names + " @ " + parents).to_numpy(dtype=object)
    return np.array(ids, dtype=object), keys, np.array(reason, dtype=object), rows


def read_boundaries(g, path, kind: str = "Grid", id_column: str = "id", crs=None, *, from_crs=None,
                    name_column: str | None = None, parent_column: str | None = None, layer=None) -> BoundaryRead:
    """Read polygons from a GIS file onto the graph's nodes of ``kind`` (读入边界).

    Parameters
    ----------
    g : OrgGraph
        An in-memory graph (the polygons are written into its ``geometry`` and
        ``crs`` columns).
    path : str or Path
        A GeoJSON, Shapefile or GeoPackage file of polygons, one feature per node.
    kind : {"Grid", "Community", "Area"}
    id_column : str
        The file's column holding node ids (default ``"id"``).
    crs : optional
        The CRS to store the polygons in when the graph has none yet (default:
        the file's; WGS 84 for GCJ-02/BD-09 input). When the graph already has
        a CRS the polygons are converted to it, and a different ``crs`` is an error.
    from_crs : optional
        The CRS the file's coordinates are really in, overriding what the file
        says: needed for a Shapefile without ``.prj``, and ``"gcj02"`` /
        ``"bd09"`` for coordinates exported from 高德 / 百度 maps (a GeoJSON
        claims WGS 84 whatever it holds).
    name_column, parent_column : str, optional
        Match by name within a parent instead of by id: the file's columns
        holding the node's name and its parent's id or name (a grid's
        community, an area's parent, a community's street).
    layer : optional
        The layer of a multi-layer file (GeoPackage).

    Returns
    -------
    BoundaryRead
        ``unmatched`` (file rows matching no node), ``missing`` (nodes of
        ``kind`` left without a polygon), ``matched``, ``crs``.

    Raises
    ------
    LedgerError
        Naming the file, the row and the column: a file that cannot be read, a
        missing column, a geometry that is not a polygon, a node given two
        polygons, or no CRS to be known. Nothing is written then.
    CRSMismatch
        When ``crs`` differs from the graph's CRS.

    Notes
    -----
    Invalid polygons (self-intersections) are repaired with
    :func:`shapely.make_valid`. Coordinates are stored as WKT with 7 decimals
    in a geographic CRS (about 1 cm) and 3 in a projected one (1 mm).
    """
    import shapely

    gpd = _gpd()
    path = Path(path)
    kind = _kind(kind)
    store = g.store  # in-memory only: fail before reading on another backend
    gdf = _read_file(path, layer)
    geom, source_crs = _source_geometry(path, gdf, from_crs)
    # geometry: polygons only, none empty
    types = geom.geom_type.to_numpy(dtype=object)
    for i, t in enumerate(types):
        if t is None or t != t:
            raise _problem(path, i + 1, "geometry", None, "has no geometry")
        if t not in ("Polygon", "MultiPolygon"):
            raise _problem(path, i + 1, "geometry", t, "is not a polygon (boundaries must be Polygon or MultiPolygon)")
    ids, keys, reason, rows = _match(g, kind, gdf, path, id_column, name_column, parent_column)
    seen = pd.Series(ids).dropna()
    dup = seen[seen.duplicated(keep=False)]
    if len(dup):
        first = dup.index[1]
        raise _problem(path, int(rows[first]), id_column if name_column is None else name_column, str(dup.iloc[0]),
                       f"gives {kind} {dup.iloc[0]!r} a second polygon (rows {', '.join(str(int(rows[i])) for i in dup.index)})")
    current = graph_crs(g)
    target = current or (crs_string(crs) if crs is not None else source_crs)
    if current is not None and crs is not None and crs_string(crs) != current:
        raise CRSMismatch(f"the graph's geometry is in {current}; crs={crs!r} would mix two coordinate systems")
    if crs_string(target) != crs_string(source_crs):
        geom = geom.to_crs(target)
    values = geom.to_numpy()
    bad = ~shapely.is_valid(values)
    if bad.any():
        values[bad] = shapely.make_valid(values[bad])
    projected = gpd.GeoSeries([], crs=target).crs.is_projected
    wkt = shapely.to_wkt(values, rounding_precision=3 if projected else 7, trim=True)
    hit = np.array([i is not None for i in ids], dtype=bool)
    frame = store.node_frame(kind).copy()
    pos = pd.Index(frame["id"]).get_indexer(ids[hit])
    geometry = frame["geometry"].astype(object).to_numpy(copy=True) if "geometry" in frame.columns else np.full(len(frame), None, dtype=object)
    geometry[pos] = wkt[hit]
    frame["geometry"] = geometry
    crs_col = frame["crs"].astype(object).to_numpy(copy=True) if "crs" in frame.columns else np.full(len(frame), None, dtype=object)
    crs_col[pos] = target
    frame["crs"] = crs_col
    store.replace_nodes(kind, frame, rows=np.arange(len(frame)))
    unmatched = pd.DataFrame({"row": rows[~hit], "key": keys[~hit], "reason": reason[~hit]})
    nodes = g.nodes(kind)
    empty = nodes["geometry"].isna() | nodes["geometry"].astype(str).str.strip().eq("")
    missing = nodes.loc[empty, ["id", "name"]].reset_index(drop=True)
    return BoundaryRead(unmatched.reset_index(drop=True), missing, int(hit.sum()), target)


def write_boundaries(g, path, kind: str = "Grid", *, crs=None, layer: str | None = None) -> Path:
    """Write the polygons of ``kind`` to a GeoJSON (``.geojson``), Shapefile (``.shp``) or GeoPackage (``.gpkg``).

    Only nodes with a polygon are written, with the columns of
    :func:`to_geodataframe` (Shapefile field names shortened to 10
    characters: ``registered_population`` → ``reg_pop``, ``community_id`` →
    ``comm_id``). ``crs`` reprojects (default: the graph's CRS; GeoJSON is
    always written in WGS 84 as RFC 7946 asks).
    """
    path = Path(path)
    driver = _DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise ValueError(f"{path.name}: write .geojson, .shp or .gpkg")
    gdf = to_geodataframe(g, kind)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if gdf.crs is None and driver == "GeoJSON":
        raise CRSMismatch("the graph's geometry has no CRS; GeoJSON needs WGS 84 coordinates")
    if crs is not None:
        gdf = gdf.to_crs(crs)
    if driver == "GeoJSON" and gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    for c in gdf.columns:  # plain types for GDAL: dates as text, nullable ints as floats
        col = gdf[c]
        if c == "geometry":
            continue
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            gdf[c] = col.dt.strftime("%Y-%m-%d")
        elif str(col.dtype) in ("Int64", "boolean"):
            gdf[c] = col.astype("float64") if str(col.dtype) == "Int64" else col.astype(object)
    if driver == "ESRI Shapefile":
        gdf = gdf.rename(columns={c: _SHAPEFILE_NAMES.get(c, c[:10]) for c in gdf.columns if c != "geometry"})
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(path, driver=driver, layer=layer, engine="pyogrio")
    return path


def default_crs() -> str:
    """CGCS2000 (EPSG:4490), the CRS the bundled samples and synthetic geometry use."""
    return CGCS2000
