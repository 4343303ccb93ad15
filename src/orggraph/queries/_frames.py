"""Engine-free building blocks over the backend's node and edge tables.

The definitions of :mod:`orggraph.queries` that turn a backend's primitives
into final figures (which communities have which body, which compounds are
eligible, which units are obliged, where a community rolls up to) read the
graph through :meth:`Backend.nodes` and :meth:`Backend.edges` only, so they mean
the same on every backend. Nothing here counts posts or reports: the backends
do that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ..errors import SchemaError
from ..schema import EDGE_TYPES

__all__ = ["adjacency", "reach", "descendants", "in_scope", "bodies_in_scope", "community_bodies", "community_places",
           "truthy", "has_memberships", "full_members_per_compound", "communities_served", "community_of", "ancestors", "ancestor_codes", "marks", "places"]


def adjacency(g, type: str = "CONTAINS", reverse: bool = False) -> dict:
    """``source → [targets]`` of the edges of ``type`` (``target → [sources]`` when ``reverse``)."""
    edges = g.backend.edges(type)
    a, b = edges["source"].to_numpy(dtype=object), edges["target"].to_numpy(dtype=object)
    out: dict = {}
    for s, t in (zip(b, a) if reverse else zip(a, b)):
        out.setdefault(s, []).append(t)
    return out


def reach(step: dict, roots) -> set:
    """The nodes ``roots`` and every node reached from them along ``step`` (an :func:`adjacency`)."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        for t in step.get(stack.pop(), ()):
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return seen


def ancestors(g, starts) -> tuple[np.ndarray, np.ndarray]:
    """Every territory each of ``starts`` is or lies in (``CONTAINS*``, itself included), as pairs.

    Returns ``(row, ancestor)``: ``row`` the position in ``starts``, ``ancestor`` an id (object array),
    one pair per distinct (start, ancestor). Walked level by level over all starts at once on integer
    codes (a graph of depth d costs d vectorised steps, not a Python walk per start); cycles end.
    """
    row, code, ids = ancestor_codes(g, starts)
    return row, ids.to_numpy(dtype=object)[code]


def ancestor_codes(g, starts) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """:func:`ancestors` as ``(row, code, ids)``: the ancestor of each pair is ``ids[code]``.

    ``ids`` (an object Index) holds each id once, so a test on ids ("is it a community?", :func:`marks`) is
    made once per id and read per pair through ``code``. On a backend that keeps integer node codes (the
    in-memory store's ``code_of``/``edge_codes``) the walk runs on those and hashes no id strings; otherwise
    (or when an edge end or a start is not a node) the ids are factorised here.
    """
    starts = np.asarray(starts, dtype=object)
    codes, ids = _store_codes(g, starts)
    k = len(starts)
    if codes is None:
        edges = g.backend.edges("CONTAINS")
        m = len(edges)
        codes, ids = pd.factorize(np.concatenate([starts, edges["source"].to_numpy(dtype=object),
                                                  edges["target"].to_numpy(dtype=object)]))
        codes, ids = codes.astype(np.int64), pd.Index(ids, dtype=object)
    else:
        m = (len(codes) - k) // 2
    parent, child = codes[k:k + m], codes[k + m:]
    order = np.argsort(child, kind="stable")
    parent = parent[order]
    n = max(len(ids), 1)
    # the parents of node c are parent[first[c]:first[c + 1]] (child-sorted edges, offsets by counting)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(child, minlength=n), out=first[1:])
    key = _distinct(np.arange(k, dtype=np.int64) * n + codes[:k])
    found = [key]
    seen = key
    while len(key):
        node = key % n
        lo = first[node]
        cnt = first[node + 1] - lo
        at = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(cnt.sum())
        key = _distinct(np.repeat(key // n, cnt) * n + parent[at])
        if len(key):  # drop the pairs found before (several paths, or a cycle)
            pos = np.minimum(np.searchsorted(seen, key), len(seen) - 1)
            key = key[seen[pos] != key]
        if len(key):
            found.append(key)
            seen = np.sort(np.concatenate([seen, key]))
    pairs = np.concatenate(found)
    return pairs // n, pairs % n, ids


def _store_codes(g, starts: np.ndarray):
    """``(codes of starts, CONTAINS sources, CONTAINS targets; node ids)`` from a backend's integer node codes,
    or ``(None, None)`` when it keeps none or some start or edge end is not a node."""
    store = getattr(g.backend, "store", None)
    if store is None or not all(hasattr(store, f) for f in ("codes", "code_of", "edge_codes")):
        return None, None
    source, target = store.edge_codes("CONTAINS")
    codes = np.concatenate([store.code_of(starts), np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)])
    if len(codes) and codes.min() < 0:
        return None, None
    ids, _ = store.codes()  # the store's own Index when it has one: its hash table is built already
    return codes, ids if isinstance(ids, pd.Index) and ids.dtype == object else pd.Index(ids, dtype=object)


def marks(ids: pd.Index, values) -> np.ndarray:
    """Mask over ``ids`` (distinct): True where the id is one of ``values``."""
    out = np.zeros(len(ids), dtype=bool)
    at = ids.get_indexer(pd.Index(pd.unique(np.asarray(list(values) if isinstance(values, (set, frozenset)) else values, dtype=object)), dtype=object))
    out[at[at >= 0]] = True
    return out


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct int64 values, by sorting (numpy 2's hash-based ``np.unique`` is far slower on int64)."""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


def smallest(rows: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per row ``0 … size-1``: the smallest of its ``values`` (ids, compared as text), None where it has none."""
    out = np.full(size, None, dtype=object)
    if len(rows):
        rank, _ = pd.factorize(np.asarray([str(v) for v in values], dtype=object), sort=True)
        order = np.lexsort((rank, rows))
        rows, values = rows[order], values[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        out[rows[first]] = values[first]
    return out


def _smallest_codes(rows: np.ndarray, codes: np.ndarray, ids: np.ndarray, size: int) -> np.ndarray:
    """Per row ``0 … size-1``: the code of the smallest of its values ``ids[codes]`` (ids compared as text), -1
    where it has none; each distinct id is ranked as text once (not once per pair)."""
    out = np.full(size, -1, dtype=np.int64)
    if len(rows):
        each = _distinct(codes)
        rank, _ = pd.factorize(np.asarray([str(v) for v in ids[each]], dtype=object), sort=True)
        order = np.lexsort((rank[np.searchsorted(each, codes)], rows))
        rows, codes = rows[order], codes[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        out[rows[first]] = codes[first]
    return out


def descendants(g, roots) -> set:
    """The territories that are one of ``roots`` or contained by one of them (``CONTAINS*``)."""
    return reach(adjacency(g), roots)


def in_scope(g, within, ids) -> np.ndarray:
    """Mask of the territory ``ids`` in ``within``'s scope (all when None)."""
    ids = pd.Series(ids, dtype=object)
    if within is None:
        return np.ones(len(ids), dtype=bool)
    return ids.isin(descendants(g, [within])).to_numpy(dtype=bool)


def bodies_in_scope(g, within, ids) -> np.ndarray:
    """Mask of the body ``ids`` that ``COVERS`` a territory in ``within``'s scope (all when None)."""
    ids = pd.Series(ids, dtype=object)
    if within is None:
        return np.ones(len(ids), dtype=bool)
    scope = descendants(g, [within])
    covers = g.backend.edges("COVERS")
    covering = set(covers.loc[covers["target"].isin(scope), "source"])
    return ids.isin(covering).to_numpy(dtype=bool)


def community_bodies(g, cooperative: bool = False) -> pd.DataFrame:
    """Per community id: ``party`` and ``residents_committee``, the number of its own 两委 bodies, and
    with ``cooperative=True`` also ``cooperative``, the number of cooperatives (股份经济合作社) covering it
    or a territory inside it (a walk of ``CONTAINS``, done only when asked).

    A community's own party organisation is one of :func:`orggraph.rules.is_community_party_org`
    (社区党委/党总支, no unit) that ``COVERS`` the community itself; its 居委会 a unit of kind
    :data:`orggraph.rules.RESIDENTS_COMMITTEE` that ``COVERS`` it. Kept by the backend while the graph is
    unchanged (:meth:`~orggraph.backends.base.Backend.memo`): treat it as read-only.
    """
    # keyed by the rules it reads too: a rule changed at run time (as the tests do) builds it anew
    key = ("community_bodies", cooperative, tuple(rules.COMMUNITY_PARTY_LEVELS), rules.RESIDENTS_COMMITTEE,
           rules.COOPERATIVE)
    return g.backend.memo(key, lambda: _community_bodies(g, cooperative))


def _community_bodies(g, cooperative: bool) -> pd.DataFrame:
    comms = g.backend.nodes("Community")["id"]
    covers = g.backend.edges("COVERS")
    party = g.backend.nodes("PartyOrg")
    units = g.backend.nodes("Unit")
    own_party = set(party.loc[rules.is_community_party_org(party["level"], party["unit_id"]), "id"])
    rcs = set(units.loc[(units["kind"] == rules.RESIDENTS_COMMITTEE).fillna(False).to_numpy(dtype=bool), "id"])
    out = pd.DataFrame(index=pd.Index(comms.to_numpy(dtype=object), name="community_id"))
    for col, bodies in (("party", own_party), ("residents_committee", rcs)):
        e = covers[covers["source"].isin(bodies)].drop_duplicates(["source", "target"])
        out[col] = e.groupby("target").size().reindex(out.index, fill_value=0).astype("int64")
    if not cooperative:
        return out
    # cooperatives (集体经济组织) belong to a community when they cover it or a territory inside it (CONTAINS*)
    coops = set(units.loc[(units["kind"] == rules.COOPERATIVE).fillna(False).to_numpy(dtype=bool), "id"])
    e = covers[covers["source"].isin(coops)][["source", "target"]]
    pairs = e.merge(_inside(g, comms), left_on="target", right_on="territory")[["source", "community"]]
    out[rules.COOPERATIVE] = (pairs.drop_duplicates().groupby("community").size()
                              .reindex(out.index, fill_value=0).astype("int64"))
    return out


def _inside(g, comms: pd.Series) -> pd.DataFrame:
    """``territory, community``: each community with itself and every territory it contains (``CONTAINS*``)."""
    contains = g.backend.edges("CONTAINS")[["source", "target"]].drop_duplicates()
    ids = comms.to_numpy(dtype=object)
    found = pd.DataFrame({"territory": ids, "community": ids})
    frontier = found
    while len(frontier):
        step = frontier.merge(contains, left_on="territory", right_on="source")[["target", "community"]]
        step = step.rename(columns={"target": "territory"})
        step = step.merge(found, how="left", indicator=True)
        frontier = step[step["_merge"] == "left_only"][["territory", "community"]].drop_duplicates()
        found = pd.concat([found, frontier], ignore_index=True)
    return found


def community_places(g) -> pd.DataFrame:
    """Per community id: ``street_id, street_name, district_id, district_name`` (its primary street)."""
    comms = g.backend.nodes("Community")[["id", "street_id"]]
    streets = g.backend.nodes("Street")
    districts = g.backend.nodes("District")
    s_name = dict(zip(streets["id"], streets["name"]))
    s_district = dict(zip(streets["id"], streets["district_id"]))
    d_name = dict(zip(districts["id"], districts["name"]))
    out = pd.DataFrame(index=pd.Index(comms["id"].to_numpy(dtype=object), name="community_id"))
    out["street_id"] = comms["street_id"].to_numpy(dtype=object)
    out["street_name"] = out["street_id"].map(s_name)
    out["district_id"] = out["street_id"].map(s_district)
    out["district_name"] = out["district_id"].map(d_name)
    return out.astype(object).where(out.notna(), None)


_TRUE = {"true", "yes", "y", "1", "是", "√", "✓", "t"}


def truthy(values: pd.Series) -> np.ndarray:
    """A ledger yes/no column as a bool mask: True, 1, "true", "是" … count; missing and anything else do not."""
    def one(v):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            return False
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer, float, np.floating)):
            return v != 0
        return str(v).strip().lower() in _TRUE

    return np.fromiter((one(v) for v in values.to_numpy(dtype=object)), dtype=bool, count=len(values))


def has_memberships(g) -> bool:
    """True when the schema has party memberships (``MEMBER_OF``) and the graph holds some."""
    if "MEMBER_OF" not in EDGE_TYPES:
        return False
    return g.backend.counts()["MEMBER_OF"] > 0  # a count (one statement on a database), not the table


def full_members(g) -> set:
    """Ids of the full party members (正式党员): cadres with a ``MEMBER_OF`` whose status is ``full`` or empty
    (the ledger's default)."""
    m = g.backend.edges("MEMBER_OF")
    status = m["status"].astype(object)
    return set(m.loc[(status.isna() | (status == "full")).to_numpy(dtype=bool), "source"].tolist())


def residences_recorded(g) -> bool:
    """Whether the ledger records where its full party members live: ``residence_id`` for at least half of
    them (:data:`orggraph.rules.RESIDENCES_RECORDED_SHARE`). Only then can "3+ full members live there" be
    judged; a ledger that gives residences only for some (e.g. in-service members) cannot say it."""
    if not has_memberships(g):
        return False
    cadres = g.backend.nodes("Cadre")
    if "residence_id" not in cadres.columns:
        return False
    full, home = _full_member_homes(g)
    if not full:
        return False
    return float(home.notna().sum()) / full >= rules.RESIDENCES_RECORDED_SHARE


def _full_member_homes(g) -> tuple[int, pd.Series]:
    """How many full party members there are, and the ``residence_id`` of each (missing where not recorded);
    kept by the backend while the graph is unchanged (:meth:`~orggraph.backends.base.Backend.memo`)."""
    def build():
        full = full_members(g)
        cadres = g.backend.nodes("Cadre")
        return len(full), cadres.loc[cadres["id"].isin(full).to_numpy(dtype=bool), "residence_id"]

    return g.backend.memo(("full_member_homes",), build)


def full_members_per_compound(g, compounds) -> pd.Series:
    """Full party members (正式党员: ``MEMBER_OF`` with status ``full``) living in each compound.

    A member lives in a compound when the cadre's ``residence_id`` is the compound or a territory it
    contains (a building). Needs the memberships of the people ledger.
    """
    if "MEMBER_OF" not in EDGE_TYPES:
        raise SchemaError('eligible_compounds="members>=3" needs memberships (MEMBER_OF edges with a status); '
                          "this ledger schema has none: use \"managed\", \"all\" or a ledger column")
    if not has_memberships(g):
        raise SchemaError('eligible_compounds="members>=3" needs memberships (the memberships table, 党员组织关系); '
                          "this graph records none: use \"managed\", \"all\" or a ledger column")
    cadres = g.backend.nodes("Cadre")
    if "residence_id" not in cadres.columns:
        raise SchemaError('eligible_compounds="members>=3" needs memberships and the cadres\' residence_id')
    home = _full_member_homes(g)[1].dropna()
    _, above = ancestors(g, home.to_numpy(dtype=object))  # each member with every territory their home lies in
    compounds = pd.unique(np.asarray(compounds, dtype=object))  # each once, in order
    return pd.Series(above, dtype=object).value_counts().reindex(compounds, fill_value=0).astype("int64")


def communities_served(g, bodies) -> dict:
    """For each body id: the communities that are or contain a territory it ``COVERS`` (``CONTAINS*``)."""
    parents = adjacency(g, reverse=True)
    comms = set(g.backend.nodes("Community")["id"])
    covered = adjacency(g, "COVERS")
    return {b: reach(parents, covered.get(b, ())) & comms for b in set(bodies)}


def places(g, rows: np.ndarray, codes: np.ndarray, ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row ``0 … size-1`` of ``(rows, ids[codes])`` pairs (an entity and the territories it is or lies in,
    as :func:`ancestor_codes` gives them): the smallest community id above it and that community's street,
    else no community and the smallest street id above it; None where there is none."""
    comms = g.backend.nodes("Community")
    is_comm = marks(ids, comms["id"])[codes]
    is_street = marks(ids, g.backend.nodes("Street")["id"])[codes]
    # each community's street by code: read per row through the community's code, no id is hashed per row
    street_of = np.full(len(ids) + 1, None, dtype=object)  # the last slot: code -1, no community
    at = ids.get_indexer(pd.Index(comms["id"].to_numpy(dtype=object), dtype=object))
    street_of[at[at >= 0]] = comms["street_id"].to_numpy(dtype=object)[at >= 0]
    ids = np.append(ids.to_numpy(dtype=object), None)
    comm_code = _smallest_codes(rows[is_comm], codes[is_comm], ids, size)
    comm = ids[comm_code]
    street = street_of[comm_code]
    no_comm = comm_code < 0
    street[no_comm] = ids[_smallest_codes(rows[is_street], codes[is_street], ids, size)][no_comm]
    street[pd.isna(street)] = None
    return comm, street


def community_of(g, bodies) -> tuple[list, list]:
    """For each body id: the smallest community id that is or contains a territory it ``COVERS``, and that
    community's street (for a body with no community: the smallest street id above it), None when none."""
    bodies = pd.Series(np.asarray(bodies, dtype=object), dtype=object)
    covers = g.backend.edges("COVERS")
    covers = covers[covers["source"].isin(set(bodies)).to_numpy(dtype=bool)]
    row, code, ids = ancestor_codes(g, covers["target"].to_numpy(dtype=object))
    # (body, territory above one it covers) → per body of ``bodies``
    pos = pd.Index(pd.unique(bodies.to_numpy(dtype=object)))
    owner = pos.get_indexer(covers["source"].to_numpy(dtype=object))[row]
    comm, street = places(g, owner, code, ids, len(pos))
    at = pos.get_indexer(bodies.to_numpy(dtype=object))
    comm, street = comm[at], street[at]
    comm[pd.isna(comm)] = None
    street[pd.isna(street)] = None
    return comm.tolist(), street.tolist()
