"""Boundaries: governance vacuums (治理真空带) and who governs boundary zones (交界区域管辖主体).

Definitions shared by both backends
-----------------------------------
*Scope.* ``within`` is a territory id. A grid or area is in scope when it is
``within`` or contained by it (``CONTAINS*``); every grid and area when
``within`` is None. An area that no community governs is written in the ledger
as contained by its street directly (``Street -CONTAINS-> Area``, also allowed
for a grid), so ``within=<street>`` finds it; ``within=<community>`` never
does (it lies in no community).

*Claimants.* The claimants of a grid or area are the communities from which it
is reachable along ``CONTAINS`` paths (``(c:Community)-[:CONTAINS*]->(t)``),
whatever lies on the path (grids, compounds …). Its *status* is
``"unassigned"`` with no claimant, ``"assigned"`` with exactly one and
``"contested"`` with two or more.

*Street.* The street of a territory is the street containing its smallest
claimant community (``Street -CONTAINS-> Community``); with no claimant, the
smallest id among the streets that contain the territory (``CONTAINS*``);
None when there is neither.

*Neighbours and bodies.* ``adjacent_communities`` are the communities linked
to the territory by an ``ADJACENT`` edge in either direction (the communities a
boundary zone lies between); ``governing_bodies`` are the party organisations
and units that ``COVERS`` the territory itself (not its container).

*Dates.* The query runs on the graph as it stood at ``as_of``: dated
territories, bodies and ``CONTAINS`` / ``COVERS`` links that did not exist
that day are left out (:func:`orggraph.rules.exists_mask`, applied in
:func:`orggraph.queries._base.dispatch`). Adjacency carries no dates.
"""

from __future__ import annotations

import pandas as pd

from ._base import check_within, conform, dispatch, normalize_as_of, register

__all__ = ["unassigned_areas", "boundary_zones", "boundary_geometry", "STATUSES"]

#: the values of ``status``
STATUSES = ("assigned", "unassigned", "contested")

_UNASSIGNED_COLUMNS = [
    "id",
    "label",
    "name",
    "kind",
    "households",
    "status",
    "claimants",
    "street_id",
    "adjacent_communities",
    "governing_bodies",
    "inherited",
]


@register(_UNASSIGNED_COLUMNS, zh="治理真空带")
def unassigned_areas(g, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """List the grids and areas that no community governs or that several claim (治理真空带).

    Every grid (网格) and area (小区/楼栋/自然村/交界区域) in scope whose status is
    ``"unassigned"`` (no community reaches it through ``CONTAINS``: a
    governance vacuum, 治理真空带) or ``"contested"`` (two or more communities
    do: a 交界区域 whose 管辖主体 is not settled). Assigned territories are not
    listed; :func:`boundary_zones` lists every boundary zone whatever its status.

    A problem is reported on every territory it affects: a building (楼栋)
    inside a contested compound (小区) is itself contested. Column
    ``inherited`` tells these apart: it is True when some grid or area that
    contains the territory (``CONTAINS+``, in scope or not) has the same
    status **and the same claimants** — the problem is that container's, and
    settling the container settles it. ``df[~df.inherited]`` keeps the root
    causes. A building of a contested compound that a third community also
    claims has other claimants than its compound, so it is a root cause too.

    Parameters
    ----------
    g : OrgGraph
    within : str, optional
        Territory id (district, street, community, grid or area). Grids and
        areas contained by it (``CONTAINS*``) are examined, including those a
        street contains directly (the unassigned ones).
    as_of : date or str, optional
        Accepted for uniformity; containment has no dates, so it does not
        change the result.

    Returns
    -------
    pandas.DataFrame
        One row per unassigned or contested grid or area:

        - ``id``, ``label`` (``"Grid"`` or ``"Area"``), ``name``;
        - ``kind``: the area kind (compound, building, village,
          boundary_zone); None for a grid;
        - ``households``: the ledger value (nullable integer);
        - ``status``: ``"unassigned"`` or ``"contested"``;
        - ``claimants``: sorted list of the claiming community ids (``[]``
          when unassigned);
        - ``street_id``: see the module notes (smallest claimant's street,
          else the smallest containing street, else None);
        - ``adjacent_communities``: sorted list of the communities linked to
          it by ``ADJACENT`` (either direction);
        - ``governing_bodies``: sorted list of the bodies that ``COVERS`` it
          directly;
        - ``inherited``: bool, see above.

        Sorted by ``status`` (``"contested"`` before ``"unassigned"``) then
        ``id``.

    See Also
    --------
    boundary_zones : every boundary zone (交界区域) with its status.
    boundary_geometry : gaps and overlaps between community polygons.

    Notes
    -----
    In Cypher terms: claimants are ``(c:Community)-[:CONTAINS*]->(t)``
    (distinct ``c``); a territory is reported when ``count(DISTINCT c) <> 1``;
    ``inherited`` is ``EXISTS { (a)-[:CONTAINS*]->(t) WHERE (a:Grid OR a:Area)
    AND claimants(a) = claimants(t) }`` with claimants compared as sorted
    lists (both empty for unassigned).

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="石臼街道")
    >>> g.add_node("Community", "c1", name="碧海社区", street_id="s1")
    >>> g.add_node("Community", "c2", name="海丰社区", street_id="s1")
    >>> g.add_node("Area", "z1", name="碧海—海丰交界区域", kind="boundary_zone", parent_id="s1")
    >>> g.add_node("Area", "a1", name="御景小区", kind="compound", parent_id="c1")
    >>> g.add_edge("CONTAINS", "c2", "a1")
    >>> g.unassigned_areas(within="s1")[["id", "status", "claimants", "street_id"]]
       id      status claimants street_id
    0  a1   contested  [c1, c2]        s1
    1  z1  unassigned        []        s1
    """
    result = dispatch(g, "unassigned_areas", within=check_within(g, within), as_of=normalize_as_of(as_of))
    return conform(result, _UNASSIGNED_COLUMNS, "unassigned_areas")


_ZONE_COLUMNS = [
    "id",
    "name",
    "households",
    "street_id",
    "status",
    "claimants",
    "adjacent_communities",
    "governing_bodies",
]


@register(_ZONE_COLUMNS, zh="交界区域管辖主体")
def boundary_zones(g, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """List every boundary zone (交界区域) with the communities and bodies governing it (管辖主体).

    Every area of kind ``boundary_zone`` in scope, whatever its status, so
    that a user sees who governs each zone: ``assigned`` (one claimant
    community), ``unassigned`` (none: a 治理真空带) or ``contested`` (two or
    more).

    Parameters
    ----------
    g : OrgGraph
    within : str, optional
        Territory id; zones contained by it (``CONTAINS*``), including those a
        street contains directly. A zone no community governs lies in no
        community: query its street to see it.
    as_of : date or str, optional
        Accepted for uniformity; does not change the result.

    Returns
    -------
    pandas.DataFrame
        ``id, name, households, street_id, status, claimants,
        adjacent_communities, governing_bodies`` (same definitions as
        :func:`unassigned_areas`), sorted by ``id``.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="石臼街道")
    >>> g.add_node("Community", "c1", name="幸福社区", street_id="s1")
    >>> g.add_node("Community", "c2", name="南岭社区", street_id="s1")
    >>> g.add_node("Area", "z1", name="幸福—南岭交界区域", kind="boundary_zone", parent_id="c1")
    >>> g.add_edge("ADJACENT", "z1", "c2")
    >>> g.boundary_zones()[["id", "status", "claimants", "adjacent_communities"]]
       id    status claimants adjacent_communities
    0  z1  assigned      [c1]                 [c2]
    """
    result = dispatch(g, "boundary_zones", within=check_within(g, within), as_of=normalize_as_of(as_of))
    return conform(result, _ZONE_COLUMNS, "boundary_zones")


_GEOMETRY_COLUMNS = ["street_id", "problem", "communities", "area", "wkt"]


def boundary_geometry(g, *, within: str | None = None, min_area: float = 0.0, as_of=None) -> pd.DataFrame:
    """Find gaps and overlaps between the community polygons of each street (社区边界缝隙与重叠).

    Reads an optional ``geometry`` column of the ``communities`` table (a
    WKT polygon per community, an extra ledger column) and, when present, of
    the ``streets`` table. For each street with at least one community
    polygon:

    - ``overlap``: the intersection of two of its communities' polygons
      (the land both claim); ``communities`` is the pair; one row per pair,
      even when they overlap in several pieces.
    - ``gap``: a piece of land inside the street that none of its
      communities' polygons covers (the geometric 治理真空带). When the
      street has a polygon, the gaps are the street polygon minus the union
      of the communities; otherwise they are the holes enclosed by that
      union (the region inside the outline of the communities, minus the
      communities) — the street's outline is not known, so bays of the outer
      border are not reported. ``communities`` are those whose polygon
      touches the gap.

    A community without a geometry is ignored (its land shows as a gap when
    the street has a polygon); a community without a street is skipped;
    overlaps between communities of different streets are not examined.
    Invalid polygons are repaired with :func:`shapely.make_valid`.

    This query is computed on the client from ``g.nodes("Community")``,
    ``g.nodes("Street")`` and ``g.edges("CONTAINS")``, so it works on any
    backend; it is not dispatched to the backend (a graph database has no
    polygon algebra) and so is not in :data:`orggraph.queries.QUERIES`.

    Parameters
    ----------
    g : OrgGraph
    within : str, optional
        A district or street: the streets in it. A community (or a grid or
        area): the problems of its street that involve its community.
    min_area : float, default 0
        Report only gaps and overlaps whose surface is larger than this (in
        the squared units of the coordinates): floating-point slivers along
        shared borders have a tiny positive area.
    as_of : date or str, optional
        Accepted for uniformity; polygons carry no dates, so it does not change
        the result.

    Returns
    -------
    pandas.DataFrame
        ``street_id, problem ("gap" or "overlap"), communities (sorted list),
        area (float, in the units of the coordinates), wkt`` — one row per
        overlapping pair and per connected gap, sorted by ``street_id``,
        ``problem``, ``communities``, then decreasing ``area``. Empty when no
        community carries a geometry.

    Raises
    ------
    ImportError
        When shapely is not installed (``pip install 'orggraph[geo]'``).
    ValueError
        When a geometry is not valid WKT.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="东城街道")
    >>> g.add_node("Community", "c1", name="甲", street_id="s1", geometry="POLYGON((0 0,2 0,2 2,0 2,0 0))")
    >>> g.add_node("Community", "c2", name="乙", street_id="s1", geometry="POLYGON((1 0,4 0,4 2,1 2,1 0))")
    >>> g.boundary_geometry()[["street_id", "problem", "communities", "area"]]
      street_id  problem communities  area
    0        s1  overlap    [c1, c2]   2.0
    """
    try:
        import shapely  # noqa: F401
    except ImportError as exc:  # pragma: no cover - shapely is a dev dependency
        raise ImportError("boundary_geometry needs shapely: pip install 'orggraph[geo]'") from exc
    within = check_within(g, within)
    normalize_as_of(as_of)  # checked only: polygons carry no dates
    if min_area < 0:
        raise ValueError(f"min_area={min_area!r} must be ≥ 0")
    result = _geometry_problems(g, within, float(min_area))
    return conform(result, _GEOMETRY_COLUMNS, "boundary_geometry", typed=False)



# --------------------------------------------------------------------------- geometry (backend-neutral)


def _empty_geometry() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "street_id": pd.Series([], dtype=object),
            "problem": pd.Series([], dtype=object),
            "communities": pd.Series([], dtype=object),
            "area": pd.Series([], dtype="float64"),
            "wkt": pd.Series([], dtype=object),
        }
    )


def _present(values: pd.Series) -> pd.Series:
    """True where a WKT cell holds text (not missing, not blank)."""
    return values.map(lambda v: isinstance(v, str) and bool(v.strip()))


def _parse_polygons(ids, values, what: str):
    """Polygonal shapely geometries from WKT cells; ValueError naming the ids of unreadable ones."""
    import numpy as np
    import shapely

    geoms = shapely.from_wkt(np.asarray(list(values), dtype=object), on_invalid="ignore")
    bad = [i for i, gm in zip(ids, geoms) if gm is None]
    if bad:
        raise ValueError(f"boundary_geometry: the geometry of {what} {sorted(bad)[:5]} is not valid WKT")
    fixed = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms))
    return np.array([_polygonal(gm) for gm in fixed], dtype=object)


def _polygonal(geom):
    """The polygonal part of a geometry (a repaired polygon can come back as a collection)."""
    import shapely

    polys = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            polys.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            polys.extend(p for p in shapely.get_parts(part) if p.geom_type == "Polygon")
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _pieces(geom, min_area: float) -> list:
    """The polygons a (multi)polygon is made of, larger than ``min_area`` (and than 0)."""
    import shapely

    out = []
    for part in shapely.get_parts(_polygonal(geom)):
        a = float(shapely.area(part))
        if a > 0 and a > min_area:
            out.append(part)
    return out


def _street_problems(street_id, ids, geoms, street_geom, min_area: float) -> list[tuple]:
    import numpy as np
    import shapely

    rows: list[tuple] = []
    tree = shapely.STRtree(geoms)
    # overlaps: a valid coverage (shapely.coverage_is_valid) has none, which skips the pairwise pass
    valid_coverage = False
    if len(geoms) > 1 and hasattr(shapely, "coverage_is_valid"):
        try:
            valid_coverage = bool(shapely.coverage_is_valid(geoms))
        except Exception:  # pragma: no cover - older GEOS
            valid_coverage = False
    if len(geoms) > 1 and not valid_coverage:
        left, right = tree.query(geoms, predicate="intersects")
        keep = left < right
        for i, j in zip(left[keep], right[keep]):
            both = _polygonal(shapely.intersection(geoms[i], geoms[j]))
            area = float(shapely.area(both))
            if area > 0 and area > min_area:  # one row per pair, even when they overlap in several pieces
                rows.append((street_id, "overlap", sorted([ids[i], ids[j]]), area, shapely.to_wkt(both)))
    # gaps: inside the street's polygon, or holes enclosed by the union of its communities
    union = shapely.union_all(geoms)
    if street_geom is not None and not street_geom.is_empty:
        region = street_geom
    else:
        shells = [shapely.Polygon(p.exterior) for p in shapely.get_parts(_polygonal(union))]
        region = shapely.union_all(shells) if shells else shapely.Polygon()
    gaps = _pieces(shapely.difference(region, union), min_area)
    if gaps:
        xmin, ymin, xmax, ymax = shapely.total_bounds(np.concatenate([geoms, [region]]))
        tol = 1e-9 * max(xmax - xmin, ymax - ymin, 1.0)
        for piece in gaps:
            near = tree.query(piece, predicate="dwithin", distance=tol)
            rows.append((street_id, "gap", sorted(ids[k] for k in near), float(shapely.area(piece)), shapely.to_wkt(piece)))
    return rows


def _geometry_problems(g, within: str | None, min_area: float) -> pd.DataFrame:
    import numpy as np

    comms = g.nodes("Community")
    if "geometry" not in comms.columns:
        return _empty_geometry()
    comms = comms[_present(comms["geometry"]) & comms["street_id"].notna()]
    if not len(comms):
        return _empty_geometry()
    only = None  # community ids a row must involve (within below a street)
    if within is not None:
        below, above = g.backend.containment(within)
        if g.kind_of(within) in ("District", "Street"):
            streets_in = set(below)
        else:
            all_comms = g.nodes("Community")
            only = set(all_comms["id"][all_comms["id"].isin(below | above)])
            streets_in = set(all_comms.loc[all_comms["id"].isin(only), "street_id"].dropna())
        comms = comms[comms["street_id"].isin(streets_in)]
    if not len(comms):
        return _empty_geometry()
    comms = comms.sort_values("id")
    geoms = _parse_polygons(comms["id"].tolist(), comms["geometry"], "communities")
    streets = g.nodes("Street")
    street_geom: dict = {}
    if "geometry" in streets.columns:
        st = streets[_present(streets["geometry"]) & streets["id"].isin(comms["street_id"])]
        if len(st):
            street_geom = dict(zip(st["id"], _parse_polygons(st["id"].tolist(), st["geometry"], "streets")))
    rows: list[tuple] = []
    street_of = comms["street_id"].to_numpy()
    ids = comms["id"].to_numpy()
    for sid in sorted(set(street_of)):
        mine = street_of == sid
        rows += _street_problems(sid, ids[mine], geoms[mine], street_geom.get(sid), min_area)
    if not rows:
        return _empty_geometry()
    out = pd.DataFrame(rows, columns=_GEOMETRY_COLUMNS)
    if only is not None:
        out = out[out["communities"].map(lambda cs: bool(only.intersection(cs)))]
    out["area"] = out["area"].astype("float64")
    key = out["communities"].map(lambda cs: "\x1f".join(cs))
    order = out.assign(_key=key, _neg=-out["area"]).sort_values(["street_id", "problem", "_key", "_neg", "wkt"]).index
    out = out.loc[order].reset_index(drop=True)
    return out if len(out) else _empty_geometry()
