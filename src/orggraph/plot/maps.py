"""Communities and areas on a map (地图), from WKT geometry in the ledger.

The ledger's optional ``geometry`` columns (WKT polygons, in planar
coordinates or in the graph's CRS, see ``docs/maps.md``: degrees are drawn
with the x axis stretched by 1/cos(latitude)) of the ``streets``,
``communities`` and ``areas`` tables are drawn: streets as thick outlines, communities as labelled outlines with a
light fill, areas filled by their status — red for a contested area
(交界争议: two or more communities claim it), orange for an unassigned one
(治理真空带: no community governs it), pale otherwise (see
:func:`~orggraph.queries.boundaries.unassigned_areas`). Where community
polygons overlap or leave a hole inside their street
(:func:`~orggraph.queries.boundaries.boundary_geometry`), the overlap or gap
is hatched. Needs shapely (``pip install 'orggraph[geo]'``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scope import closure
from ._common import STATUS_COLOURS, drop_overlapping, kind_label, new_axes
from .fonts import bilingual, display_name

__all__ = ["areas"]


def _shapely():
    try:
        import shapely
        import shapely.wkt  # noqa: F401
    except ImportError as exc:  # pragma: no cover - shapely is a dev dependency
        raise ImportError("maps need shapely: pip install 'orggraph[geo]'") from exc
    return shapely


def _geometries(frame: pd.DataFrame, keep=None) -> pd.DataFrame:
    """``id, name, geom`` of the rows with a WKT geometry (invalid polygons repaired)."""
    shapely = _shapely()
    if "geometry" not in frame.columns:
        return pd.DataFrame({"id": [], "name": [], "geom": []})
    f = frame[frame["geometry"].notna() & frame["geometry"].astype(str).str.strip().ne("")]
    if keep is not None:
        f = f[f["id"].isin(keep)]
    geoms = []
    for i, text in zip(f["id"], f["geometry"]):
        try:
            geom = shapely.from_wkt(str(text))
        except Exception as exc:  # shapely raises its own GEOSException
            raise ValueError(f"the geometry of {i!r} is not valid WKT: {exc}") from None
        geoms.append(shapely.make_valid(geom) if not geom.is_valid else geom)
    return pd.DataFrame({"id": f["id"].to_numpy(dtype=object), "name": f["name"].to_numpy(dtype=object),
                         "geom": pd.Series(geoms, dtype=object).to_numpy()})


def _path(geom):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path

    verts, codes = [], []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type not in ("Polygon", "MultiPolygon"):
            if hasattr(poly, "geoms"):
                sub = _path(poly)
                if sub is not None:
                    verts.append(sub.vertices)
                    codes.append(sub.codes)
            continue
        if poly.geom_type == "MultiPolygon":
            sub = _path(poly)
            verts.append(sub.vertices)
            codes.append(sub.codes)
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _patch(ax, geom, **kw):
    from matplotlib.patches import PathPatch

    path = _path(geom)
    if path is None:
        return None
    patch = PathPatch(path, **kw)
    ax.add_patch(patch)
    return patch


def _aspect(g, y0: float, y1: float) -> float:
    """1 for planar or projected coordinates; 1/cos(latitude) for degrees (CGCS2000, WGS 84), so shapes stay true."""
    try:
        from ..geo.crs import as_crs, graph_crs

        crs = graph_crs(g)
        if crs is not None and as_crs(crs).is_geographic:
            return float(1.0 / np.cos(np.radians((y0 + y1) / 2.0)))
    except ImportError:  # pragma: no cover - pyproj is in the geo extra with shapely
        pass
    return 1.0


def areas(g, *, within: str | None = None, as_of=None, labels: bool = True, ax=None):
    """Draw communities and areas on a map, contested and unassigned areas highlighted.

    Parameters
    ----------
    g : OrgGraph
    within : str, optional
        A territory id: draw only what it contains (``CONTAINS*``) — a street
        includes the unassigned areas it holds directly.
    as_of : date or str, optional
        Passed to the queries (containment carries no dates).
    labels : bool
        Write community names (and the names of contested and unassigned
        areas); a name that would overlap another is left out.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When no street, community or area in scope has a WKT ``geometry``, or
        a geometry is not valid WKT.

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="东城街道")
    >>> g.add_node("Community", "c1", name="安宁社区", street_id="s1", geometry="POLYGON((0 0,2 0,2 2,0 2,0 0))")
    >>> g.add_node("Area", "a1", name="交界区域", kind="boundary_zone", parent_id="s1",
    ...            geometry="POLYGON((2 0,3 0,3 2,2 2,2 0))")
    >>> ax = og.plot.areas(g)
    """
    keep = None
    if within is not None:
        keep = set(closure(g.edges("CONTAINS")[["source", "target"]], [within]))
    streets = _geometries(g.nodes("Street"), keep)
    comms = _geometries(g.nodes("Community"), keep)
    area_nodes = g.nodes("Area")
    area_geo = _geometries(area_nodes, keep)
    if not (len(streets) or len(comms) or len(area_geo)):
        raise ValueError("no WKT geometry to draw: add a 'geometry' column (WKT polygons) to the communities or areas table")
    allgeo = [geom for geom in (*streets["geom"], *comms["geom"], *area_geo["geom"]) if not geom.is_empty]
    bounds = np.array([geom.bounds for geom in allgeo])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    aspect = (y1 - y0) / (x1 - x0) if x1 > x0 else 1.0
    fig, ax = new_axes(ax, figsize=(9, min(max(6.5 * aspect, 3.0), 10.0) + 0.6))
    status = g.unassigned_areas(within=within, as_of=as_of)
    status_of = dict(zip(status["id"], status["status"]))
    kind_of = dict(zip(area_nodes["id"], area_nodes["kind"]))
    for geom in streets["geom"]:
        _patch(ax, geom, facecolor="none", edgecolor="#252525", linewidth=2.0, zorder=4)
    for geom in comms["geom"]:
        _patch(ax, geom, facecolor="#f7fbff", edgecolor="#08519c", linewidth=1.2, zorder=1)
    # areas: assigned ones pale, contested and unassigned ones in their colours, on top
    area_geo["status"] = [status_of.get(i, "assigned") for i in area_geo["id"]]
    area_geo["rank"] = area_geo["status"].map({"assigned": 0, "unassigned": 1, "contested": 2})
    for rec in area_geo.sort_values("rank", kind="stable").itertuples(index=False):
        colour = STATUS_COLOURS[rec.status]
        building = kind_of.get(rec.id) == "building"
        _patch(ax, rec.geom, facecolor=colour, edgecolor="#6baed6" if rec.status == "assigned" else colour,
               linewidth=0.4 if building else 0.8, alpha=0.9 if rec.status != "assigned" else 0.6, zorder=2 + rec.rank / 10)
    problems = pd.DataFrame()
    if len(comms):
        problems = g.boundary_geometry(within=within, as_of=as_of)
        shapely = _shapely()
        for rec in problems.itertuples(index=False):
            colour = STATUS_COLOURS["contested" if rec.problem == "overlap" else "unassigned"]
            _patch(ax, shapely.from_wkt(rec.wkt), facecolor="none", edgecolor=colour, hatch="////", linewidth=0.8, zorder=3)
    pad = 0.03 * max(x1 - x0, y1 - y0, 1e-9)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect(_aspect(g, y0, y1))
    ax.set_xticks([])
    ax.set_yticks([])
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="#f7fbff", edgecolor="#08519c", label=bilingual("community", "社区"))]
    for st in ("assigned", "unassigned", "contested"):
        if (area_geo["status"] == st).any():
            handles.append(Patch(facecolor=STATUS_COLOURS[st], label=kind_label(st) if st != "assigned" else bilingual("area", "区域")))
    if len(problems):
        for prob, st in (("overlap", "contested"), ("gap", "unassigned")):
            if (problems["problem"] == prob).any():
                handles.append(Patch(facecolor="none", edgecolor=STATUS_COLOURS[st], hatch="////",
                                     label=bilingual(f"polygon {prob}", "边界重叠" if prob == "overlap" else "边界缝隙")))
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(bilingual("Communities and areas", "社区与区域"), fontsize=11, loc="left")
    if labels:
        texts = []
        # contested and unassigned areas first (what the map is for), then communities by size
        flagged = area_geo[area_geo["status"] != "assigned"].sort_values(["rank", "id"], ascending=[False, True])
        for rec in flagged.itertuples(index=False):
            p = rec.geom.representative_point()
            texts.append(ax.text(p.x, p.y, display_name(rec.name, rec.id), fontsize=7, ha="center", va="center",
                                 color="#67000d", zorder=6))
        order = sorted(range(len(comms)), key=lambda i: (-comms["geom"].iloc[i].area, str(comms["id"].iloc[i])))
        for i in order:
            p = comms["geom"].iloc[i].representative_point()
            texts.append(ax.text(p.x, p.y, display_name(comms["name"].iloc[i], comms["id"].iloc[i]), fontsize=8,
                                 ha="center", va="center", color="#08306b", zorder=5,
                                 bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6)))
        drop_overlapping(texts, pad=1.0, fixed=[ax.title, legend])
    return ax
