"""In-memory implementations of :mod:`orggraph.queries.appointments`.

Computed on the store's integer codes (:meth:`TableStore.codes`): the bodies of
each selector are a boolean mask over codes, posts are filtered on their body
code before any text column is read, and people are counted per community by
sorting integer keys. Ids are decoded only for the rows returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....queries._base import rate, rollup
from ....schema import NODE_KINDS
from . import _common as c


# --------------------------------------------------------------------------- code-based building blocks


def _kind(name: str) -> int:
    """Position of node kind ``name`` in :data:`NODE_KINDS` (the value of ``store.codes()[1]``)."""
    return list(NODE_KINDS).index(name)


def _size(store) -> int:
    return len(store.codes()[0])


def _mask(store, codes: np.ndarray) -> np.ndarray:
    """Boolean look-up over codes, one longer than the codes: ``mask[-1]`` (code -1, not a node) is False."""
    out = np.zeros(_size(store) + 1, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    out[codes[codes >= 0]] = True
    return out


def _kind_mask(store, kind: str) -> np.ndarray:
    """:func:`_mask` of the nodes of ``kind``."""
    return np.append(store.codes()[1] == _kind(kind), False)


def _body_mask(store, selector: str) -> np.ndarray:
    """:func:`_mask` of the bodies a selector names (the codes of :func:`_common.bodies_of`)."""
    party = store.node_frame("PartyOrg")
    if selector == "committee":
        ok = party["level"].isin(c.COMMUNITY_PARTY_LEVELS) & party["unit_id"].isna()
        return _mask(store, store.node_codes("PartyOrg")[ok.to_numpy(dtype=bool)])
    if selector in ("working_committee", "general_branch", "branch", "group", "household"):
        return _mask(store, store.node_codes("PartyOrg")[party["level"].isin([selector]).to_numpy(dtype=bool)])
    units = store.node_frame("Unit")
    return _mask(store, store.node_codes("Unit")[units["kind"].isin([selector]).to_numpy(dtype=bool)])


def _selector_pairs(store, selector: str) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(body, community)`` of :func:`_common.selector_community` (not deduplicated, any order).

    The 两委 selectors: COVERS edges from a body of the selector to a community.
    Any other: a body of the selector covering a territory of the community
    closure (:func:`_common.community_closure`): the community or one it contains.
    """
    bodies = _body_mask(store, selector)
    body, territory = store.edge_codes("COVERS")
    sel = bodies[body]
    body, territory = body[sel], territory[sel]
    if selector in c.COMMUNITY_LEVEL_SELECTORS:
        ok = _kind_mask(store, "Community")[territory]
        return body[ok], territory[ok]
    t, comm = c.community_closure(store)
    near = _mask(store, territory)[t]  # closure pairs of covered territories only, then the join is small
    i, j = c.join_codes(territory, t[near])
    return body[i], comm[near][j]


def _current_posts(store, as_of, roles, bodies: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current posts held in a body of the mask ``bodies``: code arrays ``(cadre, body)`` and the role of each.

    The same rows as :func:`_common.current_posts` restricted to those bodies; the
    body filter runs first on codes, so dates and roles are read only for its rows.
    """
    cadre, body = store.edge_codes("HOLDS_POST")
    rows = np.flatnonzero(bodies[body])
    e = store.edge_frame("HOLDS_POST")
    ok = c.current_mask(e["start"].take(rows), e["end"].take(rows), as_of)
    role = e["role"].to_numpy()[rows]
    if roles is not None:
        ok &= pd.Series(role, dtype=object).isin(list(roles)).to_numpy(dtype=bool)
    rows = rows[ok]
    return cadre[rows], body[rows], role[ok]


def _ref_codes(store, kind: str, column: str) -> np.ndarray:
    """Reference column ``column`` of ``kind`` (e.g. a community's ``street_id``) as codes, cached.

    An array over codes, one longer than them: the code the node's reference
    points at, -1 where it has none (and at index -1). The same first edge in
    table order as :meth:`TableStore.primary_refs`.
    """

    def build():
        spec = NODE_KINDS[kind]
        r = next(r for r in spec.refs if r.column == column)
        src, dst = store.edge_codes(r.edge)
        mine, other = (dst, src) if r.incoming else (src, dst)
        targets = np.zeros(len(NODE_KINDS) + 1, dtype=bool)
        targets[[_kind(t) for t in r.targets]] = True
        known = np.append(store.codes()[1], -1)
        ok = (known[mine] == _kind(kind)) & targets[known[other]]
        mine, other = mine[ok], other[ok]
        order = np.argsort(mine, kind="stable")
        mine, other = mine[order], other[order]
        first = np.r_[True, mine[1:] != mine[:-1]] if len(mine) else np.zeros(0, dtype=bool)
        out = np.full(_size(store) + 1, -1, dtype=np.int64)
        out[mine[first]] = other[first]
        return out

    return store.cached(("appointments", "ref_codes", kind, column), build)


def _decode(store, codes: np.ndarray) -> np.ndarray:
    """Ids of ``codes`` as an object array, NaN for -1 (as a reindex of a missing id gives)."""
    out = np.full(len(codes), np.nan, dtype=object)
    ok = codes >= 0
    out[ok] = store.codes()[0].to_numpy(dtype=object)[codes[ok]]
    return out


def _rows(store, kind: str) -> np.ndarray:
    """Code → row of :meth:`TableStore.node_frame` of ``kind`` (-1 for another kind and at index -1), cached."""

    def build():
        out = np.full(_size(store) + 1, -1, dtype=np.int64)
        own = store.node_codes(kind)
        out[own[own >= 0]] = np.flatnonzero(own >= 0)
        return out

    return store.cached(("appointments", "rows", kind), build)


def _names(store, kind: str, codes: np.ndarray) -> np.ndarray:
    """The ``name`` of each node of ``kind`` in ``codes`` (NaN for -1 or a node of another kind)."""
    row = _rows(store, kind)[codes]
    out = np.full(len(row), np.nan, dtype=object)
    ok = row >= 0
    out[ok] = store.node_frame(kind)["name"].to_numpy(dtype=object)[row[ok]]
    return out


def _scope_codes(store, within: str | None, kind: str) -> np.ndarray:
    """Codes of the nodes of ``kind`` inside ``within`` (all when None), in table order (:func:`_common.scope_ids`)."""
    codes = store.node_codes(kind)
    if within is None:
        return codes
    start = store.code_of([within])
    inside = _mask(store, c.contains_closure(store, start[start >= 0])[0])
    return codes[inside[codes]]


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy 2's hash-based ``np.unique`` is slow on int64 keys)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _rollup(store, per: pd.DataFrame, comms: np.ndarray, by: str, sums, out: str, num: str, den: str) -> pd.DataFrame:
    """The street or district of each community (codes ``comms``, the rows of ``per``), then the shared roll-up."""
    street = _ref_codes(store, "Community", "street_id")[comms]
    group, kind = (street, "Street") if by == "street" else (_ref_codes(store, "Street", "district_id")[street], "District")
    f = per.assign(group=_decode(store, group), group_name=_names(store, kind, group))
    return rollup(f, by, list(sums), out, num, den)


# --------------------------------------------------------------------------- the queries


class AppointmentsMixin:
    def cross_appointment_rate(self, *, bodies, by, roles, within, as_of) -> pd.DataFrame:
        store = self.store
        n = _size(store)
        comms = _scope_codes(store, within, "Community")
        pairs = [_selector_pairs(store, k) for k in bodies]
        any_body = _mask(store, np.concatenate([b for b, _ in pairs]))
        cadre, body, _ = _current_posts(store, as_of, roles, any_body)
        pair_body = np.concatenate([b for b, _ in pairs])
        pair_comm = np.concatenate([m for _, m in pairs])
        pair_kind = np.concatenate([np.full(len(b), k, dtype=np.int64) for k, (b, _) in enumerate(pairs)])
        i, j = c.join_codes(body, pair_body)
        # distinct (community, person, body kind), sorted: one run per (community, person)
        keys = _distinct((pair_comm[j] * n + cadre[i]) * len(bodies) + pair_kind[j])
        person = keys // len(bodies)
        start = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        kinds = np.diff(np.r_[start, len(keys)])
        community = person[start] // n
        members = np.bincount(community, minlength=n + 1)
        cross = np.bincount(community, weights=kinds >= 2, minlength=n + 1).astype(np.int64)
        per = pd.DataFrame({"community_id": _decode(store, comms)})
        per["community_name"] = _names(store, "Community", comms)
        per["street_id"] = _decode(store, _ref_codes(store, "Community", "street_id")[comms])
        per["members"] = members[comms].astype("int64")
        per["cross_appointed"] = cross[comms]
        per["rate"] = rate(per["cross_appointed"], per["members"])
        if by == "community":
            return per.sort_values("community_id").reset_index(drop=True)
        return _rollup(store, per, comms, by, ["members", "cross_appointed"], "rate", "cross_appointed", "members")

    def one_shoulder(self, *, by, within, as_of) -> pd.DataFrame:
        store = self.store
        n = _size(store)
        comms = _scope_codes(store, within, "Community")
        position = np.full(n + 1, -1, dtype=np.int64)
        position[comms] = np.arange(len(comms))
        committee = _selector_pairs(store, "committee")
        rc = _selector_pairs(store, "residents_committee")
        cadre, body, role = _current_posts(store, as_of, ("secretary", "director"), _mask(store, np.r_[committee[0], rc[0]]))
        lists, keys = [], []
        for (pb, pc), wanted in ((committee, "secretary"), (rc, "director")):
            sel = role == wanted
            i, j = c.join_codes(body[sel], pb)
            pos = position[pc[j]]
            key = _distinct(pos[pos >= 0] * n + cadre[sel][i][pos >= 0])  # distinct (community, person) in scope
            keys.append(key)
            lists.append(_sorted_lists(store, key // n, key % n, len(comms)))
        both = np.intersect1d(keys[0], keys[1], assume_unique=True) // n
        per = pd.DataFrame({"community_id": _decode(store, comms)})
        per["community_name"] = _names(store, "Community", comms)
        per["street_id"] = _decode(store, _ref_codes(store, "Community", "street_id")[comms])
        per["secretaries"] = lists[0]
        per["directors"] = lists[1]
        shoulder = np.zeros(len(comms), dtype=bool)
        shoulder[both] = True
        per["one_shoulder"] = shoulder
        order = np.argsort(per["community_id"].to_numpy(dtype=object), kind="stable")
        per = per.iloc[order].reset_index(drop=True)
        if by == "community":
            return per
        counts = per.assign(one_shoulder=per["one_shoulder"].astype("int64"))
        return _rollup(store, counts, comms[order], by, ["one_shoulder"], "share", "one_shoulder", "communities")


def _sorted_lists(store, row: np.ndarray, value: np.ndarray, rows: int) -> pd.Series:
    """For each of ``rows`` positions: the ids of the codes ``value`` paired with it, sorted by id (``[]`` when none).

    ``(row, value)`` pairs are distinct; one sort by id then by row, one split.
    """
    ids = store.codes()[0].to_numpy(dtype=object)[value]
    order = np.argsort(ids, kind="stable")
    order = order[np.argsort(row[order], kind="stable")]
    ids = ids[order].tolist()
    bounds = np.searchsorted(row[order], np.arange(rows + 1))
    return pd.Series([ids[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())], dtype=object)
