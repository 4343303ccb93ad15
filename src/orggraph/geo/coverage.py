"""Coverage on the ground (网格覆盖的空间核查): what the polygons say beside what the graph says.

:func:`spatial_coverage` checks, with the ``geometry`` of grids, communities
and areas:

``area_not_covered``
    A compound (小区), natural village (自然村) or boundary zone (交界区域)
    whose polygon no grid polygon covers, wholly (``share`` = 1) or partly
    (``share`` = the uncovered fraction of its area).
``area_grid_mismatch``
    Such an area fully covered by grid polygons, but not by the grid(s) the
    graph records it in (its ``CONTAINS`` ancestors, or the grids overlaying
    it through ``compound_area``) — or recorded in no grid at all (an area
    the ledger puts under a community or a street only). ``share``: the
    fraction of its area outside the recorded grids.
``grid_overlap``
    Two grids whose polygons overlap (``other_id`` the second grid; ``share``:
    the overlap over the smaller grid's area). A 二级网格 inside its parent
    grid is not an overlap.
``outside_community``
    An area or grid whose polygon lies (partly) outside the community it is
    recorded under (``other_id``; ``share`` = the fraction outside). A
    contested zone, recorded under two communities, is checked against each.

Every row carries ``graph`` (what the graph records: the grids or the
community) and ``spatial`` (what the polygons say: the grids or communities
overlapping the polygon by more than ``tolerance`` of its area), so the two
answers stand side by side; ``area_m2`` is the area of the problem part in
square metres (in the metric CRS of :func:`~orggraph.geo.crs.metric_crs`; in
the coordinates' own unit squared when the graph has no CRS).

The computation is client-side on every backend: the geometry columns are
fetched with ``g.nodes(kind)`` and the ``CONTAINS`` edges with ``g.edges``
(on Neo4j, two node reads and one edge read), then intersected with shapely's
vectorised functions over an STRtree of the grids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..queries._base import check_within
from ..scope import closure
from .crs import graph_crs, metric_crs
from .io import _from_wkt

__all__ = ["spatial_coverage", "COVERAGE_COLUMNS", "CHECKS"]

COVERAGE_COLUMNS = ["check", "id", "name", "kind", "other_id", "share", "area_m2", "graph", "spatial"]

#: check → Chinese name
CHECKS = {
    "area_not_covered": "区域未被网格覆盖",
    "area_grid_mismatch": "区域所在网格与台账不符",
    "grid_overlap": "网格相互重叠",
    "outside_community": "超出所属社区边界",
}

#: area kinds whose coverage by grids is checked
COVERED_KINDS = ("compound", "village", "boundary_zone")


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype=object) for c in COVERAGE_COLUMNS})
    out["share"] = out["share"].astype("float64")
    out["area_m2"] = out["area_m2"].astype("float64")
    return out


def _ancestors(contains: pd.DataFrame, ids, kinds: pd.Series, want: str) -> pd.DataFrame:
    """Pairs ``id, anc``: each id with its ``CONTAINS`` ancestors of kind ``want``."""
    parent = pd.DataFrame({"child": contains["target"].astype(object), "up": contains["source"].astype(object)})
    frontier = pd.DataFrame({"id": list(ids), "child": list(ids)}, dtype=object)
    found, seen = [], set()
    for _ in range(64):
        step = frontier.merge(parent, on="child")[["id", "up"]].drop_duplicates()
        if not len(step):
            break
        key = set(zip(step["id"], step["up"]))
        new = key - seen
        if not new:
            break
        seen |= new
        step = step[[k in new for k in zip(step["id"], step["up"])]]
        found.append(step)
        frontier = step.rename(columns={"up": "child"})
    if not found:
        return pd.DataFrame({"id": [], "anc": []}, dtype=object)
    out = pd.concat(found, ignore_index=True).rename(columns={"up": "anc"})
    return out[out["anc"].map(kinds).eq(want)].drop_duplicates().reset_index(drop=True)


def _frame(g, kind: str, keep: set | None, kinds=None) -> pd.DataFrame:
    f = g.nodes(kind)
    if keep is not None:
        f = f[f["id"].isin(keep)]
    if kinds is not None:
        f = f[f["kind"].isin(kinds)]
    f = f.reset_index(drop=True)
    geoms = _from_wkt(f)
    has = np.array([x is not None and not x.is_empty for x in geoms], dtype=bool)
    out = f.loc[has].reset_index(drop=True)
    out["geom"] = geoms[has]
    return out


def _project(frames: list[pd.DataFrame], crs) -> None:
    """Move every frame's ``geom`` into one metric CRS (in place); planar graphs stay as they are."""
    import geopandas as gpd
    import shapely

    if crs is None:
        return
    allg = np.concatenate([f["geom"].to_numpy() for f in frames if len(f)]) if any(len(f) for f in frames) else None
    if allg is None:
        return
    metric = metric_crs(crs, shapely.total_bounds(allg))
    for f in frames:
        if len(f):
            f["geom"] = gpd.GeoSeries(f["geom"].to_numpy(), crs=crs).to_crs(metric).to_numpy()


def _pairs(a: np.ndarray, b: np.ndarray):
    """Index pairs ``(i, j)`` where ``a[i]`` and ``b[j]`` intersect, and the intersection areas."""
    import shapely

    if not len(a) or not len(b):
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    tree = shapely.STRtree(b)
    i, j = tree.query(a, predicate="intersects")
    inter = shapely.area(shapely.intersection(a[i], b[j]))
    return i, j, inter


def _covered_area(geoms: np.ndarray, i: np.ndarray, j: np.ndarray, inter: np.ndarray, cover: np.ndarray, n: int,
                  subset=None) -> np.ndarray:
    """Area of each ``geoms[k]`` covered by the union of the ``cover`` polygons it meets (optionally only ``subset`` pairs)."""
    import shapely

    if subset is not None:
        i, j, inter = i[subset], j[subset], inter[subset]
    covered = np.bincount(i, weights=inter, minlength=n).astype(float)
    # where two cover polygons meet one geometry they may overlap: take the exact union there
    counts = np.bincount(i, minlength=n)
    for k in np.flatnonzero(counts > 1):
        parts = cover[j[i == k]]
        covered[k] = shapely.area(shapely.intersection(geoms[k], shapely.union_all(parts)))
    return covered


def _join(ids) -> str:
    return ";".join(sorted(str(x) for x in ids))


def spatial_coverage(g, within: str | None = None, *, tolerance: float = 0.01) -> pd.DataFrame:
    """Check grid coverage on the ground (空间覆盖核查): uncovered compounds, overlapping grids, areas outside their community.

    Parameters
    ----------
    g : OrgGraph
        Any backend (the geometry is fetched and intersected client-side).
    within : str, optional
        A territory id: check only what it contains (``CONTAINS*``).
    tolerance : float
        Shares up to this fraction of a polygon's area are not reported
        (default 0.01: 1 %, drawing slop); also the least overlap for a grid or
        community to be named in ``spatial``.

    Returns
    -------
    pandas.DataFrame
        ``check, id, name, kind, other_id, share, area_m2, graph, spatial``,
        one row per finding (see the module notes for the four checks), sorted
        by check then id. Only nodes with a polygon are checked; none at all
        gives an empty frame.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="甲社区", geometry="POLYGON((0 0,4 0,4 2,0 2,0 0))")
    >>> g.add_node("Grid", "g1", name="第1网格", community_id="c1", geometry="POLYGON((0 0,2 0,2 2,0 2,0 0))")
    >>> g.add_node("Area", "a1", name="小区", kind="compound", parent_id="g1",
    ...            geometry="POLYGON((1 0,3 0,3 1,1 1,1 0))")
    >>> r = g.spatial_coverage()
    >>> r[["check", "id", "share", "graph", "spatial"]]
                  check  id  share graph spatial
    0  area_not_covered  a1    0.5    g1      g1
    """
    import shapely

    within = check_within(g, within)
    keep = None
    contains = g.edges("CONTAINS")[["source", "target"]]
    if within is not None:
        keep = set(closure(contains, [within]))
    comms = _frame(g, "Community", keep)
    grids = _frame(g, "Grid", keep)
    areas = _frame(g, "Area", keep)
    if not (len(grids) or len(areas)):
        return _empty()
    crs = graph_crs(g)
    _project([comms, grids, areas], crs)
    ends = pd.unique(pd.concat([contains["source"], contains["target"]]).astype(object))
    kind_of = pd.Series(g.backend.kinds_of(list(ends)).to_numpy(), index=pd.Index(ends, dtype=object))
    rows: list[tuple] = []
    A, G, C = areas["geom"].to_numpy(), grids["geom"].to_numpy(), comms["geom"].to_numpy()
    a_area, g_area = shapely.area(A), shapely.area(G)
    gid = grids["id"].to_numpy(dtype=object)
    cid = comms["id"].to_numpy(dtype=object)

    # ---- areas against grids
    cov = areas[areas["kind"].isin(COVERED_KINDS)].index.to_numpy()
    if len(cov):
        Ac = A[cov]
        n = len(cov)
        i, j, inter = _pairs(Ac, G)
        covered = _covered_area(Ac, i, j, inter, G, n)
        share_out = np.clip(1.0 - covered / np.where(a_area[cov] > 0, a_area[cov], 1.0), 0.0, 1.0)
        rec_pairs = _ancestors(contains, areas["id"].iloc[cov], kind_of, "Grid")
        if "compound_area" in g.nodes("Grid").columns:
            allg = g.nodes("Grid")
            over = allg[allg["compound_area"].notna()][["compound_area", "id"]]
            over.columns = ["id", "anc"]
            rec_pairs = pd.concat([rec_pairs, over.astype(object)], ignore_index=True).drop_duplicates()
        recorded = rec_pairs.groupby("id")["anc"].agg(set).to_dict()
        big = inter / np.where(a_area[cov][i] > 0, a_area[cov][i], 1.0) > tolerance
        spatial = pd.Series(gid[j[big]]).groupby(i[big]).agg(set).to_dict()
        rec_ok = np.array([gid[jj] in recorded.get(areas["id"].iloc[cov[ii]], set()) for ii, jj in zip(i, j)], dtype=bool)
        in_recorded = _covered_area(Ac, i, j, inter, G, n, subset=rec_ok)
        out_recorded = np.clip(1.0 - in_recorded / np.where(a_area[cov] > 0, a_area[cov], 1.0), 0.0, 1.0)
        for k in range(n):
            r = areas.iloc[cov[k]]
            graph = _join(recorded.get(r["id"], ()))
            sp = _join(spatial.get(k, ()))
            if share_out[k] > tolerance:
                rows.append(("area_not_covered", r["id"], r["name"], r["kind"], None, float(share_out[k]),
                             float(share_out[k] * a_area[cov[k]]), graph, sp))
            elif out_recorded[k] > tolerance:  # covered, but not (only) by the grids the graph records
                rows.append(("area_grid_mismatch", r["id"], r["name"], r["kind"], None, float(out_recorded[k]),
                             float(out_recorded[k] * a_area[cov[k]]), graph, sp))

    # ---- grids against grids
    if len(G) > 1:
        tree = shapely.STRtree(G)
        i, j = tree.query(G, predicate="intersects")
        sel = i < j
        i, j = i[sel], j[sel]
        inter = shapely.area(shapely.intersection(G[i], G[j]))
        smaller = np.minimum(g_area[i], g_area[j])
        share = inter / np.where(smaller > 0, smaller, 1.0)
        nested = set(zip(contains["source"], contains["target"]))
        for a, b, s, ar in zip(i, j, share, inter):
            if s <= tolerance or (gid[a], gid[b]) in nested or (gid[b], gid[a]) in nested:
                continue
            r = grids.iloc[a]
            rows.append(("grid_overlap", r["id"], r["name"], "grid", gid[b], float(s), float(ar), "", _join((gid[a], gid[b]))))

    # ---- areas and grids against their recorded community
    if len(C):
        cindex = pd.Index(cid)
        for frame, geoms, areas_of, label in ((areas, A, a_area, None), (grids, G, g_area, "grid")):
            if not len(frame):
                continue
            pairs = _ancestors(contains, frame["id"], kind_of, "Community")
            pairs = pairs[pairs["anc"].isin(cindex)]
            if not len(pairs):
                continue
            pos = pd.Index(frame["id"]).get_indexer(pairs["id"])
            cpos = cindex.get_indexer(pairs["anc"])
            inside = shapely.area(shapely.intersection(geoms[pos], C[cpos]))
            share = np.clip(1.0 - inside / np.where(areas_of[pos] > 0, areas_of[pos], 1.0), 0.0, 1.0)
            hits = np.flatnonzero(share > tolerance)
            if not len(hits):
                continue
            ii, jj, inter = _pairs(geoms[pos[hits]], C)
            big = inter / np.where(areas_of[pos[hits]][ii] > 0, areas_of[pos[hits]][ii], 1.0) > tolerance
            spatial = pd.Series(cid[jj[big]]).groupby(ii[big]).agg(set).to_dict()
            for k, h in enumerate(hits):
                r = frame.iloc[pos[h]]
                rows.append(("outside_community", r["id"], r["name"], label or r["kind"], pairs["anc"].iloc[h],
                             float(share[h]), float(share[h] * areas_of[pos[h]]), pairs["anc"].iloc[h],
                             _join(spatial.get(k, ()))))
    if not rows:
        return _empty()
    out = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    order = {c: n for n, c in enumerate(CHECKS)}
    out = out.assign(_o=out["check"].map(order)).sort_values(["_o", "id", "other_id"], kind="stable", na_position="first")
    return out.drop(columns="_o").reset_index(drop=True)
