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
    """Pairs ``id, anc``: each id with its ``CONTAINS`` ancestors of kind ``want`` (a merge per level)."""
    up = pd.DataFrame({"child": contains["target"].to_numpy(dtype=object), "anc": contains["source"].to_numpy(dtype=object)})
    ids = np.asarray(ids, dtype=object)
    frontier = pd.DataFrame({"id": ids, "child": ids})
    found = []
    for _ in range(32):  # deeper than any territory tree (a ledger with a cycle is refused on reading)
        step = frontier.merge(up, on="child")[["id", "anc"]]
        if not len(step):
            break
        found.append(step)
        frontier = step.rename(columns={"anc": "child"}).drop_duplicates()
    if not found:
        return pd.DataFrame({"id": pd.Series([], dtype=object), "anc": pd.Series([], dtype=object)})
    out = pd.concat(found, ignore_index=True)
    out = out[out["anc"].map(kinds).eq(want).to_numpy()]
    return out.drop_duplicates().reset_index(drop=True)


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
    """Index pairs ``(i, j)`` where ``a[i]`` and ``b[j]`` share interior, and the areas of their intersections.

    Pairs that only touch are dropped; where ``b[j]`` covers ``a[i]`` (the
    usual case: a compound inside its grid) the area is ``a[i]``'s own, and
    the intersection is computed only for the rest.
    """
    import shapely

    if not len(a) or not len(b):
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    i, j = shapely.STRtree(b).query(a, predicate="intersects")
    shapely.prepare(b)
    inside = shapely.covers(b[j], a[i])
    inter = np.empty(len(i))
    inter[inside] = shapely.area(a[i[inside]])
    rest = ~inside
    inter[rest] = shapely.area(shapely.intersection(a[i[rest]], b[j[rest]]))
    keep = inter > 0
    return i[keep], j[keep], inter[keep]


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


def _lookup(keys, mapping: pd.Series) -> np.ndarray:
    """``mapping[k]`` for each key, ``""`` where it has none."""
    d = mapping.to_dict()
    return np.array([d.get(k, "") for k in keys], dtype=object)


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
    parts: list[pd.DataFrame] = []
    A, G, C = areas["geom"].to_numpy(), grids["geom"].to_numpy(), comms["geom"].to_numpy()
    a_area, g_area = shapely.area(A), shapely.area(G)
    aid = areas["id"].to_numpy(dtype=object)
    gid = grids["id"].to_numpy(dtype=object)
    cid = comms["id"].to_numpy(dtype=object)

    # ---- areas against grids
    cov = np.flatnonzero(areas["kind"].isin(COVERED_KINDS).to_numpy())
    if len(cov) and len(G):
        Ac, n = A[cov], len(cov)
        size = np.where(a_area[cov] > 0, a_area[cov], 1.0)
        i, j, inter = _pairs(Ac, G)
        share_out = np.clip(1.0 - _covered_area(Ac, i, j, inter, G, n) / size, 0.0, 1.0)
        rec_pairs = _ancestors(contains, aid[cov], kind_of, "Grid")
        allg = g.nodes("Grid")
        if "compound_area" in allg.columns:  # grids overlaying a large compound recorded under the community
            over = allg.loc[allg["compound_area"].notna(), ["compound_area", "id"]].astype(object)
            over.columns = ["id", "anc"]
            rec_pairs = pd.concat([rec_pairs, over], ignore_index=True).drop_duplicates()
        key = pd.MultiIndex.from_arrays([aid[cov][i], gid[j]])
        rec_ok = key.isin(pd.MultiIndex.from_frame(rec_pairs[["id", "anc"]])) if len(rec_pairs) else np.zeros(len(i), bool)
        out_rec = np.clip(1.0 - _covered_area(Ac, i, j, inter, G, n, subset=np.asarray(rec_ok)) / size, 0.0, 1.0)
        uncovered = share_out > tolerance
        mismatch = ~uncovered & (out_rec > tolerance)
        for check, mask, share in (("area_not_covered", uncovered, share_out), ("area_grid_mismatch", mismatch, out_rec)):
            k = np.flatnonzero(mask)
            if not len(k):
                continue
            ids = aid[cov][k]
            big = np.isin(i, k) & (inter / size[i] > tolerance)
            spatial = pd.Series(gid[j[big]]).groupby(aid[cov][i[big]]).agg(_join)
            graph = rec_pairs[rec_pairs["id"].isin(set(ids))].groupby("id")["anc"].agg(_join)
            parts.append(pd.DataFrame({
                "check": check, "id": ids, "name": areas["name"].to_numpy(dtype=object)[cov][k],
                "kind": areas["kind"].to_numpy(dtype=object)[cov][k], "other_id": None, "share": share[k],
                "area_m2": share[k] * a_area[cov][k],
                "graph": _lookup(ids, graph), "spatial": _lookup(ids, spatial)}))

    # ---- grids against grids
    if len(G) > 1:
        i, j = shapely.STRtree(G).query(G, predicate="intersects")
        sel = i < j
        i, j = i[sel], j[sel]
        sel = ~shapely.touches(G[i], G[j])  # neighbours sharing an edge do not overlap
        i, j = i[sel], j[sel]
        inter = shapely.area(shapely.intersection(G[i], G[j]))
        smaller = np.minimum(g_area[i], g_area[j])
        share = inter / np.where(smaller > 0, smaller, 1.0)
        hit = share > tolerance
        if hit.any():
            nested = pd.MultiIndex.from_arrays([contains["source"].astype(object), contains["target"].astype(object)])
            a, b = gid[i], gid[j]
            hit &= ~pd.MultiIndex.from_arrays([a, b]).isin(nested) & ~pd.MultiIndex.from_arrays([b, a]).isin(nested)
            k = np.flatnonzero(hit)
            parts.append(pd.DataFrame({
                "check": "grid_overlap", "id": a[k], "name": grids["name"].to_numpy(dtype=object)[i[k]], "kind": "grid",
                "other_id": b[k], "share": share[k], "area_m2": inter[k], "graph": "",
                "spatial": [_join(p) for p in zip(a[k], b[k])]}))

    # ---- areas and grids against their recorded community
    if len(C):
        cindex = pd.Index(cid)
        for frame, geoms, sizes, label in ((areas, A, a_area, None), (grids, G, g_area, "grid")):
            if not len(frame):
                continue
            pairs = _ancestors(contains, frame["id"], kind_of, "Community")
            pairs = pairs[pairs["anc"].isin(cindex)]
            if not len(pairs):
                continue
            pos = pd.Index(frame["id"]).get_indexer(pairs["id"])
            cpos = cindex.get_indexer(pairs["anc"])
            size = np.where(sizes[pos] > 0, sizes[pos], 1.0)
            shapely.prepare(C)
            share = np.zeros(len(pos))
            out = ~shapely.covers(C[cpos], geoms[pos])  # only where the community does not cover it
            share[out] = np.clip(1.0 - shapely.area(shapely.intersection(geoms[pos[out]], C[cpos[out]])) / size[out], 0.0, 1.0)
            h = np.flatnonzero(share > tolerance)
            if not len(h):
                continue
            ii, jj, inter = _pairs(geoms[pos[h]], C)
            big = inter / size[h][ii] > tolerance
            spatial = pd.Series(cid[jj[big]]).groupby(ii[big]).agg(_join)
            anc = pairs["anc"].to_numpy(dtype=object)[h]
            parts.append(pd.DataFrame({
                "check": "outside_community", "id": frame["id"].to_numpy(dtype=object)[pos[h]],
                "name": frame["name"].to_numpy(dtype=object)[pos[h]],
                "kind": label or frame["kind"].to_numpy(dtype=object)[pos[h]], "other_id": anc,
                "share": share[h], "area_m2": share[h] * sizes[pos[h]], "graph": anc,
                "spatial": _lookup(np.arange(len(h)), spatial)}))
    rows = [p for p in parts if len(p)]
    if not rows:
        return _empty()
    out = pd.concat(rows, ignore_index=True)[COVERAGE_COLUMNS].astype({"share": "float64", "area_m2": "float64"})
    order = {c: n for n, c in enumerate(CHECKS)}
    out = out.assign(_o=out["check"].map(order)).sort_values(["_o", "id", "other_id"], kind="stable", na_position="first")
    return out.drop(columns="_o").reset_index(drop=True)
