"""The cross-appointment network (交叉任职网络) and 一人多职.

Definitions shared by both backends
-----------------------------------
*Current post.* A ``HOLDS_POST`` edge is current at ``as_of`` when its ``start``
is missing or on/before ``as_of`` and its ``end`` is missing or after
``as_of`` (half-open).

*Bodies.* The nodes a post can be held in: party organisations (``PartyOrg``),
units (``Unit``) and grids (``Grid``: 网格长/网格员 posts). A body's ``kind`` is
its party level for a party organisation, its unit kind for a unit, and
``"grid"`` for a grid.

*Scope.* With ``within=None`` every body of the graph is in scope (also a
district unit 区直单位 that covers no territory). With ``within=T`` (a
territory id), let ``S`` be ``T`` and every territory ``T`` contains
(``CONTAINS*``). A party organisation or unit is in scope when it ``COVERS`` a
territory of ``S``; a grid is in scope when it is in ``S``. For a community
this is exactly the community's bodies (a body covering the community or a
territory inside it, e.g. a branch of a contested boundary zone belongs to
both communities); for a street or district it adds the bodies covering the
street or district itself (街道党工委/大工委) or a territory directly under it.
In Cypher, the territories are ``MATCH (t {id: $within})-[:CONTAINS*0..]->(s)``;
the bodies are the distinct ``(b:PartyOrg|Unit)-[:COVERS]->(s)`` plus ``s``
itself when ``s:Grid`` (see ``docs/queries/interlocks.md``).

*Held bodies.* The pairs (person, body) such that the person holds at least
one current post in the body and the body is in scope (and of a selected
kind, with ``bodies=``); several posts of one person in one body count once.
``people(b)`` is the set of people holding a body ``b``; ``k(p)`` the number of
bodies person ``p`` holds.

*Interlock.* Two distinct bodies are linked when ``people(a) ∩ people(b)``
is not empty: the bipartite projection of the held pairs onto bodies.

Only :func:`interlocks` and :func:`connectors` are dispatched to the backend.
:func:`interlock_metrics` and :func:`interlock_network` post-process the rows of
:func:`interlocks` with networkx on the client, so a backend (Neo4j) needs to
implement only the first two.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..schema import ENUMS
from ._base import check_within, conform, dispatch, normalize_as_of, register

if TYPE_CHECKING:  # networkx loads with the first network built, not with orggraph
    import networkx as nx

__all__ = ["interlocks", "connectors", "interlock_metrics", "interlock_network", "WEIGHTINGS", "INTERLOCK_BODY_SELECTORS"]

#: decimal places of ``weight`` (rounded in the query layer so that every backend gives the same number)
WEIGHT_DECIMALS = 12

#: accepted values of ``weighting=`` (``None``: the number of shared people)
WEIGHTINGS = ("jaccard", "cosine", "newman")

#: body selectors accepted by ``bodies=``: party levels, unit kinds, ``committee`` and ``grid``
INTERLOCK_BODY_SELECTORS = tuple(ENUMS["party_level"].values) + tuple(ENUMS["unit_kind"].values) + ("grid",)

_GRID_SPELLINGS = {"grid": "grid", "网格": "grid", "Grid": "grid", "GRID": "grid"}

_INTERLOCK_COLUMNS = [
    "body_a",
    "body_a_name",
    "body_a_label",
    "body_a_kind",
    "body_b",
    "body_b_name",
    "body_b_label",
    "body_b_kind",
    "shared",
    "people",
    "weight",
]
_CONNECTOR_COLUMNS = ["cadre_id", "name", "posts", "bodies", "body_ids", "roles"]
_METRIC_COLUMNS = [
    "body_id",
    "name",
    "label",
    "kind",
    "degree",
    "weighted_degree",
    "betweenness",
    "component",
    "core_number",
]


# --------------------------------------------------------------------------- argument checks


def _check_weighting(weighting):
    if weighting is None:
        return None
    if isinstance(weighting, str) and weighting.lower() in WEIGHTINGS:
        return weighting.lower()
    raise ValueError(f"weighting={weighting!r}: use None (shared people) or one of {', '.join(WEIGHTINGS)}")


def _check_selectors(bodies) -> tuple[str, ...] | None:
    """Canonical body selectors (sorted, unique); ``None`` means every body kind."""
    if bodies is None:
        return None
    if isinstance(bodies, str):
        bodies = (bodies,)
    bodies = tuple(bodies)
    if not bodies:
        raise ValueError("bodies=() selects nothing; use None for every body kind")
    party = ENUMS["party_level"].lookup()
    unit = ENUMS["unit_kind"].lookup()
    out = set()
    for b in bodies:
        key = str(b).strip()
        canonical = _GRID_SPELLINGS.get(key) or party.get(key) or party.get(key.lower()) or unit.get(key) or unit.get(key.lower())
        if canonical is None:
            raise ValueError(
                f"unknown body kind {b!r}; use a party level, a unit kind or 'grid': {', '.join(INTERLOCK_BODY_SELECTORS)}"
            )
        out.add(canonical)
    return tuple(sorted(out))


def _check_count(value, name: str, *, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name}={value!r}: use an integer ≥ 1" + (" or None" if allow_none else ""))
    return int(value)


# --------------------------------------------------------------------------- dispatched queries


@register(_INTERLOCK_COLUMNS, zh="交叉任职网络")
def interlocks(
    g,
    weighting: str | None = None,
    *,
    bodies=None,
    min_shared: int = 1,
    within: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """List the cross-appointment network (交叉任职网络): pairs of bodies sharing people.

    Two bodies (party organisations, units or grids) in scope are linked when
    at least one person holds a current post in both at ``as_of``: the bipartite
    projection of current ``HOLDS_POST`` edges onto bodies. One row per linked
    pair, with the people who make the link.

    With ``people(b)`` the distinct people holding a current post in body ``b``
    (among the bodies in scope), and ``k(p)`` the number of bodies in scope in
    which person ``p`` holds a current post:

    * ``shared = |people(a) ∩ people(b)|`` (≥ 1);
    * ``weighting=None``: ``weight = shared``;
    * ``"jaccard"``: ``weight = shared / |people(a) ∪ people(b)|``
      (denominator ``|people(a)| + |people(b)| − shared``);
    * ``"cosine"``: ``weight = shared / sqrt(|people(a)| · |people(b)|)``, which
      keeps a 大党委 with dozens of part-time members (兼职委员) from swamping
      the picture;
    * ``"newman"``: ``weight = Σ_{p ∈ people(a) ∩ people(b)} 1 / (k(p) − 1)``
      (Newman's collaboration weighting: a person holding ``k`` bodies spreads
      a total weight of ``k / 2`` over the ``k(k−1)/2`` pairs they link).

    Parameters
    ----------
    g : OrgGraph
    weighting : {None, "jaccard", "cosine", "newman"}
        How ``weight`` is computed (see above). Any other value raises
        ``ValueError``.
    bodies : str or sequence of str, optional
        Keep only bodies of these kinds (before anything is counted, so
        ``people(b)`` and ``k(p)`` count only selected bodies): party levels,
        unit kinds (English or Chinese), ``"committee"`` (a community's party
        organisation: level committee or general_branch, not inside a unit —
        as in :func:`cross_appointment_rate`) and ``"grid"`` (网格). Default:
        every party organisation, unit and grid.
    min_shared : int
        Keep only pairs with ``shared ≥ min_shared`` (default 1: every link).
        Applied after the weights are computed; it does not change them.
    within : str, optional
        Territory id. The bodies in scope are those that ``COVERS`` ``within``
        or a territory it contains (``CONTAINS*``), and the grids that are
        ``within`` or inside it. For a community these are its bodies (a body
        of a contested area belongs to both communities); for a street or
        district they include the 街道党工委 covering the street itself. With
        None, every body of the graph (also units that cover nothing).
    as_of : date or str, optional
        The date at which posts must be current (``start ≤ as_of < end``, a
        missing date being open); default today.

    Returns
    -------
    pandas.DataFrame
        ``body_a, body_a_name, body_a_label, body_a_kind, body_b, body_b_name,
        body_b_label, body_b_kind, shared, people, weight``: ``body_a < body_b``
        (string order of ids); ``*_label`` is ``PartyOrg``, ``Unit`` or
        ``Grid``; ``*_kind`` the party level, unit kind or ``"grid"``;
        ``shared`` int64; ``people`` the sorted list of the cadre ids of the
        shared people; ``weight`` float64. Sorted by ``body_a, body_b``.

    Notes
    -----
    A person holding posts in ``n`` bodies creates ``n(n−1)/2`` pairs; the
    output has at most ``Σ_p k(p)(k(p)−1)/2`` rows.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="安宁社区")
    >>> g.add_node("PartyOrg", "p1", name="安宁社区党委", level="committee", territory_id="c1")
    >>> g.add_node("Unit", "r1", name="安宁社区居委会", kind="residents_committee", territory_id="c1")
    >>> g.add_node("Cadre", "k1", name="张三")
    >>> g.add_edge("HOLDS_POST", "k1", "p1", role="secretary")
    >>> g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    >>> g.interlocks(within="c1")[["body_a", "body_b", "shared", "people", "weight"]]
      body_a body_b  shared people  weight
    0     p1     r1       1   [k1]     1.0
    """
    result = dispatch(
        g,
        "interlocks",
        weighting=_check_weighting(weighting),
        bodies=_check_selectors(bodies),
        min_shared=_check_count(min_shared, "min_shared"),
        within=check_within(g, within),
        as_of=normalize_as_of(as_of),
    )
    result = conform(result, _INTERLOCK_COLUMNS, "interlocks")
    # a sum of 1/(k-1) depends in its last bits on the order it is added in, which differs between
    # engines: weights are given to WEIGHT_DECIMALS places, the same on every backend
    result["weight"] = result["weight"].round(WEIGHT_DECIMALS)
    return result


@register(_CONNECTOR_COLUMNS, zh="一人多职")
def connectors(
    g,
    top: int | None = 20,
    *,
    min_posts: int = 2,
    within: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """List the people holding the most concurrent posts in distinct bodies (一人多职).

    Over the current posts (at ``as_of``) in the bodies in scope (party
    organisations, units and grids; scope as in :func:`interlocks`), per person:
    ``posts`` the number of current posts (``HOLDS_POST`` edges; two roles in
    one body are two posts), ``bodies`` the number of distinct bodies they are
    held in.

    Parameters
    ----------
    g : OrgGraph
    top : int or None
        Return the first ``top`` rows (default 20); None returns every row.
    min_posts : int
        Keep only people with ``bodies ≥ min_posts`` (default 2: people who
        hold posts in at least two bodies, i.e. who make an interlock). The
        threshold is on distinct bodies, not on posts.
    within : str, optional
        Territory id limiting the bodies (see :func:`interlocks`); posts in
        bodies outside the scope are not counted.
    as_of : date or str, optional
        The date at which posts must be current; default today.

    Returns
    -------
    pandas.DataFrame
        ``cadre_id, name, posts, bodies, body_ids, roles``: ``posts`` and
        ``bodies`` int64, ``body_ids`` the sorted list of the bodies' ids,
        ``roles`` the sorted list of the distinct roles held. Sorted by
        ``bodies`` descending, ``posts`` descending, then ``cadre_id``;
        truncated to ``top`` rows after sorting.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Unit", "r1", name="居委会", kind="residents_committee")
    >>> g.add_node("Unit", "w1", name="工作站", kind="workstation")
    >>> g.add_node("Cadre", "k1", name="张三")
    >>> g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    >>> g.add_edge("HOLDS_POST", "k1", "w1", role="station_chief")
    >>> g.connectors()[["cadre_id", "posts", "bodies", "body_ids"]]
      cadre_id  posts  bodies  body_ids
    0       k1      2       2  [r1, w1]
    """
    result = dispatch(
        g,
        "connectors",
        top=_check_count(top, "top", allow_none=True),
        min_posts=_check_count(min_posts, "min_posts"),
        within=check_within(g, within),
        as_of=normalize_as_of(as_of),
    )
    return conform(result, _CONNECTOR_COLUMNS, "connectors")


# --------------------------------------------------------------------------- client-side post-processing


def interlock_network(g, weighting: str | None = None, *, within: str | None = None, as_of=None) -> nx.Graph:
    """Build the cross-appointment network (交叉任职网络) as a :class:`networkx.Graph`.

    Nodes are the bodies that appear in at least one row of
    :func:`interlocks` (bodies with no link are left out), with the attributes
    ``name``, ``label`` (PartyOrg, Unit or Grid) and ``kind`` (party level, unit
    kind or ``"grid"``); edges carry ``shared``, ``people`` and ``weight`` as
    :func:`interlocks` computes them with the same ``weighting``, ``within``
    and ``as_of``.

    Not dispatched to the backend: this calls :func:`interlocks` and builds the
    graph on the client, so it works on any backend that implements
    :func:`interlocks`.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Unit", "r1", name="居委会", kind="residents_committee")
    >>> g.add_node("Unit", "w1", name="工作站", kind="workstation")
    >>> g.add_node("Cadre", "k1", name="张三")
    >>> g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    >>> g.add_edge("HOLDS_POST", "k1", "w1", role="station_chief")
    >>> net = g.interlock_network()
    >>> net.edges["r1", "w1"]["people"]
    ['k1']
    """
    rows = interlocks(g, weighting, within=within, as_of=as_of)
    return _network(rows)


def _network(rows: pd.DataFrame) -> nx.Graph:
    import networkx as nx

    net = nx.Graph()
    for side in ("a", "b"):
        ids = rows[f"body_{side}"].tolist()
        attrs = zip(rows[f"body_{side}_name"].tolist(), rows[f"body_{side}_label"].tolist(), rows[f"body_{side}_kind"].tolist())
        net.add_nodes_from((i, {"name": _plain(n), "label": lab, "kind": _plain(k)}) for i, (n, lab, k) in zip(ids, attrs))
    net.add_edges_from(
        (a, b, {"shared": int(s), "people": list(p), "weight": float(w)})
        for a, b, s, p, w in zip(rows["body_a"], rows["body_b"], rows["shared"], rows["people"], rows["weight"])
    )
    return net


def _plain(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v


def interlock_metrics(g, weighting: str | None = None, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Measure each body's place in the cross-appointment network (交叉任职网络中心性).

    Builds the network of :func:`interlock_network` (nodes: the bodies with at
    least one link; edges: the rows of :func:`interlocks` with ``weighting``)
    and reports, per body:

    * ``degree``: the number of bodies it is linked to (int64);
    * ``weighted_degree``: the sum of ``weight`` over its links (float64; with
      ``weighting=None`` the total of ``shared``);
    * ``betweenness``: :func:`networkx.betweenness_centrality`, normalised
      (by ``2 / ((n−1)(n−2))``, ``n`` the number of nodes of the whole network)
      and **unweighted** (hop counts, whatever ``weighting`` is), float64;
    * ``component``: the id of its connected component (int64): components are
      numbered 0, 1, … by size (number of bodies) descending, ties broken by
      their smallest body id;
    * ``core_number``: its k-core number (:func:`networkx.core_number`, int64),
      the largest ``k`` such that it belongs to a subgraph in which every body
      has at least ``k`` links.

    Not dispatched to the backend: it post-processes :func:`interlocks` on the
    client with networkx (betweenness costs O(n·m), so on a very large network
    narrow it with ``within``).

    Parameters
    ----------
    g : OrgGraph
    weighting : {None, "jaccard", "cosine", "newman"}
        Passed to :func:`interlocks`; affects ``weighted_degree`` only.
    within, as_of
        As for :func:`interlocks`.

    Returns
    -------
    pandas.DataFrame
        ``body_id, name, label, kind, degree, weighted_degree, betweenness,
        component, core_number``, one row per body with at least one link,
        sorted by ``body_id``.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Unit", "r1", name="居委会", kind="residents_committee")
    >>> g.add_node("Unit", "w1", name="工作站", kind="workstation")
    >>> g.add_node("Cadre", "k1", name="张三")
    >>> g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    >>> g.add_edge("HOLDS_POST", "k1", "w1", role="station_chief")
    >>> g.interlock_metrics()[["body_id", "degree", "component", "core_number"]]
      body_id  degree  component  core_number
    0      r1       1          0            1
    1      w1       1          0            1
    """
    import networkx as nx

    net = interlock_network(g, weighting, within=within, as_of=as_of)
    nodes = sorted(net.nodes)
    if not nodes:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in ("body_id", "name", "label", "kind")})
        for c, dt in (("degree", "int64"), ("weighted_degree", "float64"), ("betweenness", "float64"), ("component", "int64"), ("core_number", "int64")):
            out[c] = pd.Series(dtype=dt)
        return out[_METRIC_COLUMNS]
    comps = sorted((sorted(c) for c in nx.connected_components(net)), key=lambda c: (-len(c), c[0]))
    component = {b: i for i, c in enumerate(comps) for b in c}
    betweenness = nx.betweenness_centrality(net, normalized=True)
    core = nx.core_number(net)
    wdeg = dict(net.degree(weight="weight"))
    out = pd.DataFrame(
        {
            "body_id": pd.Series(nodes, dtype=object),
            "name": pd.Series([net.nodes[b]["name"] for b in nodes], dtype=object),
            "label": pd.Series([net.nodes[b]["label"] for b in nodes], dtype=object),
            "kind": pd.Series([net.nodes[b]["kind"] for b in nodes], dtype=object),
            "degree": np.array([net.degree(b) for b in nodes], dtype="int64"),
            "weighted_degree": np.array([wdeg[b] for b in nodes], dtype="float64"),
            "betweenness": np.array([betweenness[b] for b in nodes], dtype="float64"),
            "component": np.array([component[b] for b in nodes], dtype="int64"),
            "core_number": np.array([core[b] for b in nodes], dtype="int64"),
        }
    )
    return out[_METRIC_COLUMNS]
