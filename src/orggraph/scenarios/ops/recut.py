"""增设社区、增设网格: a community carved out of another, a grid added inside a community (孝南, seed 002)."""

from __future__ import annotations

import pandas as pd

from ...errors import ScenarioError
from .._edit import Edit, ids_list
from ._registry import Outcome, operation
from .boundaries import _move

__all__ = ["carve_community", "add_grid"]


@operation
def carve_community(
    edit: Edit,
    source: str,
    id: str,
    name: str,
    territories,
    claims=(),
    kind: str | None = None,
    **attrs,
) -> Outcome:
    """Add a community carved out of ``source``, which keeps its id and the rest (增设社区, 孝南).

    Seed 002: 调整优化43个社区、251个网格管辖区域, 增设2个社区、91个网格. Unlike
    :func:`split_community`, ``source`` is not dissolved.

    * A community ``id`` is set up in ``source``'s street (same kind unless ``kind``)
      and ``territories`` (grids and areas directly or indirectly inside ``source``)
      move into it with their households and population (as :func:`move_areas`).
    * ``claims``: ids of bodies (party organisations, units) covering ``source``,
      reporters (双报到) reporting to it and cadres liaising with it that go to the
      new community: their ``COVERS`` / ``REPORTS_TO`` / ``LIAISES`` edge to
      ``source`` now points at ``id``. Everything else stays with ``source``.

    Parameters
    ----------
    source : str
        The community the new one is carved out of.
    id, name : str
        The new community.
    territories : str or list of str
        Grids and areas of ``source`` that the new community takes.
    claims : list of str
        Bodies, reporters and liaising cadres of ``source`` that move to the new community.
    kind : str, optional
        Community kind (default: ``source``'s).
    **attrs
        Further columns of the new community (``established`` …).

    Raises
    ------
    ScenarioError
        An unknown or taken id, a territory not inside ``source``, a claim with no
        edge to ``source``.
    """
    edit.require(source, "Community", "source")
    if edit.exists(id):
        raise ScenarioError(f"id already in the graph: {id!r}")
    items = ids_list(territories, "territories")
    edit.require(items, ("Grid", "Area"), "territories")
    inside = set(edit.subtree([source])) - {source}
    outside = [t for t in items if t not in inside]
    if outside:
        raise ScenarioError(f"territories: {outside[:5]} not inside community {source!r}")
    claimed = ids_list(claims, "claims") if claims else []
    row = edit.node_row("Community", source)
    street = edit.primary_parent([source], ("Street",)).iloc[0]
    rec = {**attrs, "id": id, "name": name, "kind": kind or row.get("kind"), "households": 0, "population": 0}
    if isinstance(street, str):
        rec["street_id"] = street
    edit.add_nodes("Community", [rec])
    moved = _move(edit, items, id)
    moved_edges = {}
    hit_any: set[str] = set()
    for type in ("COVERS", "REPORTS_TO", "LIAISES"):
        e = edit.edges(type)
        hit = (e["target"] == source) & e["source"].isin(claimed)
        moved_edges[type] = int(hit.sum())
        if hit.any():
            hit_any |= set(e.loc[hit, "source"])
            e = e.copy()
            e.loc[hit, "target"] = id
            edit.put_edges(type, e)
    stray = [c for c in claimed if c not in hit_any]
    if stray:
        raise ScenarioError(f"claims: {stray[:5]} neither cover, report to nor liaise with {source!r}")
    return Outcome({"community": id, "source": source, "moved": len(moved), "bodies": moved_edges["COVERS"],
                    "reports": moved_edges["REPORTS_TO"], "liaisons": moved_edges["LIAISES"]})


@operation
def add_grid(edit: Edit, id: str, name: str, community: str, areas=(), share: int = 0, share_of: str | None = None,
             **attrs) -> Outcome:
    """Add a grid to a community (增设网格, 孝南); ``areas`` move into it with their households.

    Each area leaves the grid (or community) holding it now, as :func:`move_areas`;
    the new grid's households are the sum of its areas', plus ``share`` households taken
    off grid ``share_of`` (a large compound hanging directly in the community and
    overlaid by several grids, each with its share: the new grid takes part of it).

    Parameters
    ----------
    id, name : str
        The new grid.
    community : str
        The community it belongs to.
    areas : list of str
        Areas (compounds, buildings, boundary zones) inside ``community`` it takes.
    share : int
        Households of an overlaid compound the new grid takes over from ``share_of``.
    share_of : str, optional
        A grid of ``community`` giving up ``share`` households (it keeps at least 0).
    **attrs
        Further columns of the new grid (``established``, ``compound_area`` …).

    Raises
    ------
    ScenarioError
        An unknown or taken id, ``community`` not a community, an area not inside it,
        a ``share`` without ``share_of``, negative, or more than ``share_of`` holds.
    """
    edit.require(community, "Community", "community")
    share = int(share or 0)
    if share < 0 or (share and share_of is None):
        raise ScenarioError(f"share: {share} households need a grid to take them from (share_of) and must be >= 0")
    if share_of is not None:
        edit.require(share_of, "Grid", "share_of")
        if community not in edit.containing(share_of, "Community"):
            raise ScenarioError(f"share_of: grid {share_of!r} is not in community {community!r}")
        held = edit.node_row("Grid", share_of)["households"]
        held = 0 if pd.isna(held) else int(held)
        if share > held:
            raise ScenarioError(f"share: {share} households, but grid {share_of!r} holds {held}")
    if edit.exists(id):
        raise ScenarioError(f"id already in the graph: {id!r}")
    items = ids_list(areas, "areas") if areas else []
    if items:
        edit.require(items, "Area", "areas")
        inside = set(edit.subtree([community]))
        outside = [a for a in items if a not in inside]
        if outside:
            raise ScenarioError(f"areas: {outside[:5]} not inside community {community!r}")
    edit.add_nodes("Grid", [{**attrs, "id": id, "name": name, "community_id": community, "households": 0}])
    moved = _move(edit, items, id) if items else []
    if share:
        hh = edit.nodes("Grid").set_index("id")["households"]
        edit.set_attrs("Grid", [share_of, id], households=pd.Series({share_of: int(hh[share_of]) - share,
                                                                     id: int(hh[id]) + share}))
    return Outcome({"grid": id, "community": community, "moved": len(moved), "share": share})
