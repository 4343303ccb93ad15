"""Vectorised building blocks of the in-memory query implementations.

Most work on the store's integer node codes (:meth:`TableStore.codes`): a set
of nodes is a boolean look-up array over the codes (:func:`flags`), joins are
on int64 arrays, and ids are decoded only for the rows returned. A few return
small DataFrames of id pairs for callers outside the queries. The expensive
ones are cached on the store until the graph changes.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .... import rules
from ....schema import ENUMS, NODE_KINDS

#: position of each node kind in :data:`NODE_KINDS` (the values of ``store.codes()[1]``)
KIND = {name: i for i, name in enumerate(NODE_KINDS)}


# --------------------------------------------------------------------------- codes


def size(store) -> int:
    """Number of codes (size look-up arrays over codes by this, not by a node count)."""
    return len(store.codes()[0])


def kinds(store) -> np.ndarray:
    """Kind position of each code (``store.codes()[1]``) with -1 appended, so code -1 has kind -1 (cached)."""
    return store.cached("kinds", lambda: np.append(store.codes()[1], np.int8(-1)))


def flags(store, codes) -> np.ndarray:
    """Boolean look-up array over the codes, True at ``codes``.

    It has one slot more than there are codes, always False, so that looking up
    code -1 (an id that is not a node) gives False.
    """
    out = np.zeros(size(store) + 1, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    out[codes[codes >= 0]] = True
    return out


def kind_flags(store, kind: str) -> np.ndarray:
    """:func:`flags` of the nodes of ``kind``."""
    return kinds(store) == KIND[kind]


def node_rows(store, kind: str, codes: np.ndarray) -> np.ndarray:
    """Row in ``node_frame(kind)`` of each of ``codes`` (-1 for a code that is not a node of that kind).

    When the kind's codes run one by one in table order (as the store numbers
    them today) this is a subtraction; otherwise a look-up array over all codes.
    """

    def build():
        own = store.node_codes(kind)
        if len(own) and own[0] >= 0 and (np.diff(own) == 1).all():
            return int(own[0]), len(own), None
        out = np.full(size(store) + 1, -1, dtype=np.int64)
        ok = own >= 0
        out[own[ok]] = np.flatnonzero(ok)
        return 0, 0, out

    first, count, lookup_rows = store.cached(("node_rows", kind), build)
    codes = np.asarray(codes, dtype=np.int64)
    if lookup_rows is not None:
        return lookup_rows[codes]
    rows = codes - first
    rows[(rows < 0) | (rows >= count)] = -1
    return rows


def take(values: np.ndarray, rows: np.ndarray, missing=None) -> np.ndarray:
    """``values[rows]`` as an object array, ``missing`` where ``rows`` is -1."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(values):
        return np.full(len(rows), missing, dtype=object)
    out = values[np.maximum(rows, 0)]
    out[rows < 0] = missing
    return out


def decode(store, codes: np.ndarray, missing=None) -> np.ndarray:
    """Ids of ``codes`` as an object array, ``missing`` for code -1."""
    return take(store.codes()[0].to_numpy(dtype=object), codes, missing)


def distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct int64 values (by sorting: numpy 2's hash-based ``np.unique`` is slow on int64 keys)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def lookup(keys: np.ndarray, values: np.ndarray, codes: np.ndarray, missing=-1) -> np.ndarray:
    """``values`` of ``codes`` by the sorted distinct ``keys`` they are paired with; ``missing`` for others."""
    if not len(keys):
        return np.full(len(codes), missing, dtype=values.dtype)
    pos = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    return np.where(keys[pos] == codes, values[pos], missing)


def ref_codes(store, kind: str, column: str, codes: np.ndarray) -> np.ndarray:
    """Code behind reference column ``column`` (e.g. a community's ``street_id``) for each of ``codes`` (-1: none).

    As :meth:`TableStore.primary_ref_codes`: the first edge of the right type to a
    node of a right kind, in table order; only the edges of ``codes`` are read.
    """
    r = next(r for r in NODE_KINDS[kind].refs if r.column == column)
    src, dst = store.edge_codes(r.edge)
    mine, other = (dst, src) if r.incoming else (src, dst)
    k = kinds(store)
    target = np.zeros(len(NODE_KINDS) + 1, dtype=bool)  # by kind position; the last slot is kind -1
    target[[KIND[t] for t in r.targets]] = True
    at = np.flatnonzero(flags(store, codes)[mine])
    at = at[(k[mine[at]] == KIND[kind]) & target[k[other[at]]]]
    found, first = np.unique(mine[at], return_index=True)  # first edge of each node, in table order
    return lookup(found, other[at[first]], codes)


def selector_rows(store, selector: str) -> tuple[str, np.ndarray]:
    """The bodies a selector names (a party level, a unit kind, or ``committee``): their node kind and a mask
    over that kind's table rows.

    ``committee`` (:data:`orggraph.rules.COMMUNITY_PARTY_SELECTOR`) is a community's party organisation
    (:func:`orggraph.rules.is_community_party_org`: level committee or general_branch, not inside a
    unit; a cooperative's 党总支 is not a 两委 body). Any other party level selects every party
    organisation of that level.
    """
    party = store.node_frame("PartyOrg")
    if selector == rules.COMMUNITY_PARTY_SELECTOR:
        return "PartyOrg", rules.is_community_party_org(party["level"], party["unit_id"])
    if selector in ENUMS["party_level"].values:
        return "PartyOrg", party["level"].isin([selector]).to_numpy(dtype=bool)
    return "Unit", store.node_frame("Unit")["kind"].isin([selector]).to_numpy(dtype=bool)


def selector_flags(store, selector: str) -> np.ndarray:
    """:func:`flags` of the bodies a selector names ."""
    kind, ok = selector_rows(store, selector)
    return flags(store, store.node_codes(kind)[ok])


def scope_flags(store, within: str | None) -> np.ndarray | None:
    """:func:`flags` of ``within`` and every territory it contains (``CONTAINS*``), as
    :func:`orggraph.scope.descendants`; None when ``within`` is None (everything).

    Breadth-first on codes: each level reads the ``CONTAINS`` edges leaving the frontier.
    """
    if within is None:
        return None
    src, dst = store.edge_codes("CONTAINS")
    inside = flags(store, store.code_of([within]))
    frontier = inside.copy()
    while True:
        step = dst[frontier[src]]
        step = step[step >= 0]
        step = distinct(step[~inside[step]])
        if not len(step):
            return inside
        inside[step] = True
        frontier = flags(store, step)


def covering_flags(store, territories: np.ndarray) -> np.ndarray:
    """:func:`flags` of the bodies that ``COVERS`` a territory of the flags ``territories``."""
    src, dst = store.edge_codes("COVERS")
    return flags(store, src[territories[dst]])


def order_by_id(store, row: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Order of the code pairs ``(row, value)`` by row, then by the id of ``value``."""
    ids = store.codes()[0].to_numpy(dtype=object)[value]
    order = np.argsort(ids, kind="stable")
    return order[np.argsort(row[order], kind="stable")]


def id_lists(store, row: np.ndarray, value: np.ndarray, rows: int) -> list:
    """For each of ``rows`` positions: the sorted ids of the distinct codes ``value`` paired with it (``[]`` when none)."""
    n = size(store)
    keys = distinct(row * n + value)
    row, value = keys // n, keys % n
    order = order_by_id(store, row, value)
    ids = store.codes()[0].to_numpy(dtype=object)[value[order]].tolist()
    bounds = np.searchsorted(row[order], np.arange(rows + 1))
    return [ids[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]


# --------------------------------------------------------------------------- dates and posts


def ts(as_of: _dt.date) -> pd.Timestamp:
    """``as_of`` as a :class:`pandas.Timestamp`."""
    return pd.Timestamp(as_of)


def current_post_rows(store, as_of: _dt.date, bodies: np.ndarray | None = None) -> np.ndarray:
    """Rows of the ``HOLDS_POST`` table current at ``as_of`` (:func:`orggraph.rules.current_mask`).

    With ``bodies`` (:func:`flags`) only the posts held in one of them: that
    filter runs first, on codes, so dates are read only for its rows.
    """
    e = store.edge_frame("HOLDS_POST")
    if bodies is None:
        return np.flatnonzero(rules.current_mask(e["start"], e["end"], as_of))
    rows = np.flatnonzero(bodies[store.edge_codes("HOLDS_POST")[1]])
    return rows[rules.current_mask(e["start"].take(rows), e["end"].take(rows), as_of)]


# --------------------------------------------------------------------------- containment closures


def kind_codes(store, kind: str) -> np.ndarray:
    """Codes (:meth:`TableStore.codes`) of the nodes of ``kind``, in table order."""
    return np.flatnonzero(store.codes()[1] == KIND[kind]).astype(np.int64)


def _levels(keys: np.ndarray, expand) -> list[np.ndarray]:
    """Breadth-first search on int64 keys: ``keys`` (distinct), then level by level the distinct keys
    ``expand(last level)`` gives that were not found at an earlier level (so cycles end).

    Returns the levels: ``keys`` as given, then each later level sorted.
    """
    seen = [np.sort(keys)]  # sorted arrays of the keys found so far, one per level
    parts = [keys]
    while len(keys):
        step = np.sort(expand(keys))
        if not len(step):
            break
        fresh = np.r_[True, step[1:] != step[:-1]]
        for known in seen:  # drop keys found at an earlier level (several paths, cycles)
            if len(known):
                pos = np.minimum(np.searchsorted(known, step), len(known) - 1)
                fresh &= known[pos] != step
        step = step[fresh]
        if not len(step):
            break
        parts.append(step)
        seen.append(step)
        keys = step
    return parts


def contains_closure(store, roots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct code pairs ``(territory, root)``: each root with itself and every territory it contains (``CONTAINS*``).

    Breadth-first on integer codes (:func:`_levels`), one vectorised step per
    level over the ``CONTAINS`` edges sorted by source. Level by level: the roots first.
    """
    n = max(size(store), 1)
    src, dst = store.edge_codes("CONTAINS")
    ok = (src >= 0) & (dst >= 0)
    order = np.argsort(src[ok], kind="stable")
    src, dst = src[ok][order], dst[ok][order]

    def expand(keys):
        node, root = keys // n, keys % n
        lo, hi = np.searchsorted(src, node, "left"), np.searchsorted(src, node, "right")
        count = hi - lo
        at = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        return dst[at] * n + np.repeat(root, count)

    roots = np.asarray(roots, dtype=np.int64)
    keys = np.concatenate(_levels(pd.unique(roots * n + roots), expand))
    return keys // n, keys % n


def ancestor_pairs(store, entity: np.ndarray, start: np.ndarray, *, via: np.ndarray | None = None,
                   strict: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct code pairs ``(entity, ancestor)``: ``ancestor`` is ``start`` or contains it (``CONTAINS*``).

    With ``strict`` only the containers (``CONTAINS+``): the start pairs are not
    returned. With ``via`` (:func:`flags`) only edges from such containers are
    followed. Walks up from the given pairs (:func:`_levels`), reading only the
    ``CONTAINS`` edges into the current frontier, so the cost follows the
    entities asked about rather than the whole containment closure.
    """
    n = size(store)
    src, dst = store.edge_codes("CONTAINS")
    follow = via if via is not None else np.r_[np.ones(n, dtype=bool), False]  # containers whose edges count

    def expand(keys):
        node = keys % n
        at = np.flatnonzero(flags(store, node)[dst])
        at = at[follow[src[at]]]
        i, j = join_codes(node, dst[at])
        return keys[i] // n * n + src[at][j]

    ok = (entity >= 0) & (start >= 0)
    levels = _levels(distinct(entity[ok] * n + start[ok]), expand)[1 if strict else 0 :]
    keys = np.concatenate(levels) if levels else np.zeros(0, dtype=np.int64)
    return keys // n, keys % n


# --------------------------------------------------------------------------- id pairs and bodies


def community_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, community)``: each community with itself and every territory it contains (cached).

    A territory contained by two communities (contested) appears twice.
    """
    return store.cached("community_closure", lambda: contains_closure(store, kind_codes(store, "Community")))


def join_codes(left_key: np.ndarray, right_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inner join on integer keys: positions ``(i, j)`` with ``left_key[i] == right_key[j]`` (left order kept)."""
    order = np.argsort(right_key, kind="stable")
    sorted_key = right_key[order]
    lo, hi = np.searchsorted(sorted_key, left_key, "left"), np.searchsorted(sorted_key, left_key, "right")
    count = hi - lo
    total = int(count.sum())
    i = np.repeat(np.arange(len(left_key)), count)
    j = order[np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)]
    return i, j
