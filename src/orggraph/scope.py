"""Territory scopes on the in-memory tables: descendants, ancestors and sub-graphs.

Walks are breadth-first over the edge tables, one vectorised step per level
(containment is a few levels deep), never a Python loop per node.
"""

from __future__ import annotations

import pandas as pd

from .errors import NodeNotFound
from .schema import BODY_KINDS, TERRITORY_KINDS

__all__ = ["descendants", "subgraph_ids", "closure"]


def closure(edges: pd.DataFrame, start, *, forward: bool = True, include_start: bool = True) -> pd.Index:
    """Ids reachable from ``start`` along ``edges`` (source → target, or backwards)."""
    src, dst = ("source", "target") if forward else ("target", "source")
    seen = pd.Index(pd.unique(pd.Series(list(start), dtype=object)))
    frontier = seen
    out = seen if include_start else pd.Index([], dtype=object)
    while len(frontier):
        nxt = pd.Index(pd.unique(edges.loc[edges[src].isin(frontier), dst]))
        nxt = nxt.difference(seen)
        seen = seen.union(nxt)
        out = out.union(nxt)
        frontier = nxt
    return out


def descendants(store, territory_ids) -> pd.Index:
    """The territories in ``territory_ids`` and every territory they contain (CONTAINS*)."""
    return closure(store.edge_frame("CONTAINS"), territory_ids)


def _check_territory(store, territory_id: str) -> str:
    kind = store.kinds_of([territory_id]).iloc[0]
    if not isinstance(kind, str):
        raise NodeNotFound(f"no node with id {territory_id!r}")
    if kind not in TERRITORY_KINDS:
        from .errors import SchemaError

        raise SchemaError(f"{territory_id!r} is a {kind}, not a territory ({', '.join(TERRITORY_KINDS)})")
    return kind


def subgraph_ids(store, territory_id: str) -> pd.Index:
    """Ids of the nodes :meth:`OrgGraph.within` keeps for ``territory_id``.

    People are kept when they hold a post in an included body or grid, report to or liaise with an
    included territory, are members of an included party organisation (``MEMBER_OF``) or look after
    an included area (``RESPONSIBLE_FOR``).
    """
    _check_territory(store, territory_id)
    territories = descendants(store, [territory_id])
    covers = store.edge_frame("COVERS")
    bodies = pd.Index(pd.unique(covers.loc[covers["target"].isin(territories), "source"]))
    # bodies answering to included bodies, transitively, and party organisations inside included units
    sub = store.edge_frame("SUBORDINATE_TO")
    party = store.node_frame("PartyOrg")
    while True:
        more = pd.Index(pd.unique(sub.loc[sub["target"].isin(bodies), "source"]))
        more = more.union(pd.Index(party.loc[party["unit_id"].isin(bodies), "id"]))
        more = more.difference(bodies)
        if not len(more):
            break
        bodies = bodies.union(more)
    posts = store.edge_frame("HOLDS_POST")
    reports = store.edge_frame("REPORTS_TO")
    liaisons = store.edge_frame("LIAISES")
    people = pd.Index(pd.unique(posts.loc[posts["target"].isin(bodies.union(territories)), "source"]))
    reporters = pd.Index(pd.unique(reports.loc[reports["target"].isin(territories), "source"]))
    liaising = pd.Index(pd.unique(liaisons.loc[liaisons["target"].isin(territories), "source"]))
    # party members of included organisations (组织关系) and members looking after included areas (联系户/责任区)
    members = store.edge_frame("MEMBER_OF")
    looking = store.edge_frame("RESPONSIBLE_FOR")
    people = people.union(pd.Index(pd.unique(members.loc[members["target"].isin(bodies), "source"])))
    people = people.union(pd.Index(pd.unique(looking.loc[looking["target"].isin(territories), "source"])))
    return territories.union(bodies).union(people).union(reporters).union(liaising)
