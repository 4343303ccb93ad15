"""Vectorised building blocks of the in-memory query implementations.

Each takes the :class:`~orggraph.backends.networkx.store.TableStore` and returns
a small DataFrame of id pairs; the expensive ones are cached on the store until
the graph changes.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ....schema import NODE_KINDS
from ....scope import descendants

COMMUNITY_PARTY_LEVELS = ("committee", "general_branch")


def ts(as_of: _dt.date) -> pd.Timestamp:
    return pd.Timestamp(as_of)


def current_mask(start: pd.Series, end: pd.Series | None, as_of: _dt.date) -> np.ndarray:
    """start ≤ as_of < end, a missing start or end being open."""
    t = ts(as_of)
    ok = (start.isna() | (start <= t)).to_numpy(dtype=bool, copy=True)
    if end is not None:
        ok &= (end.isna() | (end > t)).to_numpy(dtype=bool)
    return ok


def current_posts(store, as_of: _dt.date, roles=None) -> pd.DataFrame:
    """Current posts: ``cadre``, ``body``, ``role``."""
    e = store.edge_frame("HOLDS_POST")
    ok = current_mask(e["start"], e["end"], as_of)
    if roles is not None:
        ok = ok & e["role"].isin(list(roles)).to_numpy(dtype=bool)
    return pd.DataFrame({"cadre": e["source"].to_numpy()[ok], "body": e["target"].to_numpy()[ok], "role": e["role"].to_numpy()[ok]})


def names(store, kind: str) -> pd.Series:
    f = store.node_frame(kind)
    return pd.Series(f["name"].to_numpy(), index=pd.Index(f["id"].to_numpy(), dtype=object), dtype=object)


def attr(store, kind: str, column: str) -> pd.Series:
    f = store.node_frame(kind)
    return pd.Series(f[column].to_numpy(), index=pd.Index(f["id"].to_numpy(), dtype=object))


def ref(store, kind: str, column: str) -> pd.Series:
    """Primary reference column (e.g. a community's ``street_id``) as a Series id → id."""
    spec = NODE_KINDS[kind]
    r = next(r for r in spec.refs if r.column == column)
    return store.cached(("ref", kind, column), lambda: store.primary_refs(kind, r))


def kind_codes(store, kind: str) -> np.ndarray:
    """Codes (:meth:`TableStore.codes`) of the nodes of ``kind``, in table order."""
    _, kinds = store.codes()
    return np.flatnonzero(kinds == list(NODE_KINDS).index(kind)).astype(np.int64)


def contains_closure(store, roots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct code pairs ``(territory, root)``: each root with itself and every territory it contains (``CONTAINS*``).

    Breadth-first on integer codes, one vectorised step per level; a pair already
    found is not followed again (so cycles end). Level by level: the roots first.
    """
    ids, _ = store.codes()
    n = max(len(ids), 1)
    src, dst = store.edge_codes("CONTAINS")
    ok = (src >= 0) & (dst >= 0)
    order = np.argsort(src[ok], kind="stable")
    src, dst = src[ok][order], dst[ok][order]
    roots = np.asarray(roots, dtype=np.int64)
    keys = pd.unique(roots * n + roots)
    seen = [np.sort(keys)]  # sorted arrays of the pairs found so far, one per level
    parts = [keys]
    node, root = keys // n, keys % n
    while len(node):
        lo, hi = np.searchsorted(src, node, "left"), np.searchsorted(src, node, "right")
        count = hi - lo
        total = int(count.sum())
        if not total:
            break
        at = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)
        step = np.sort(dst[at] * n + np.repeat(root, count))
        fresh = np.r_[True, step[1:] != step[:-1]]
        for known in seen:  # drop pairs found at an earlier level (several paths, cycles)
            pos = np.minimum(np.searchsorted(known, step), len(known) - 1)
            fresh &= known[pos] != step
        step = step[fresh]
        if not len(step):
            break
        parts.append(step)
        seen.append(step)
        node, root = step // n, step % n
    keys = np.concatenate(parts)
    return keys // n, keys % n


def decoded_pairs(store, codes: tuple[np.ndarray, np.ndarray], names: tuple[str, str]) -> pd.DataFrame:
    """Code pairs as a frame of ids with columns ``names``."""
    ids = store.codes()[0].to_numpy(dtype=object)
    return pd.DataFrame({names[0]: ids[codes[0]], names[1]: ids[codes[1]]})


def territory_community(store) -> pd.DataFrame:
    """Pairs ``territory, community``: each community with itself and every territory it contains.

    A territory contained by two communities (contested) appears twice.
    """

    def build():
        return decoded_pairs(store, community_closure(store), ("territory", "community"))

    return store.cached("territory_community", build)


def community_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """:func:`territory_community` as code pairs ``(territory, community)`` (cached)."""
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


def body_community(store) -> pd.DataFrame:
    """Pairs ``body, community``: a body covering a community or a territory inside it."""

    def build():
        body, territory = store.edge_codes("COVERS")
        t, comm = community_closure(store)
        i, j = join_codes(territory, t)
        n = max(len(store.codes()[0]), 1)
        keys = pd.unique(body[i] * n + comm[j])  # distinct pairs, in the order the merge gave them
        return decoded_pairs(store, (keys // n, keys % n), ("body", "community"))

    return store.cached("body_community", build)


def bodies_of(store, selector: str) -> pd.Index:
    """Ids of the bodies a selector names: a party level, a unit kind, or ``committee``.

    ``committee`` is a community's party organisation: level committee or
    general_branch, not inside a unit (a cooperative's 党总支 is not a 两委 body).
    """
    party = store.node_frame("PartyOrg")
    if selector == "committee":
        ok = party["level"].isin(COMMUNITY_PARTY_LEVELS) & party["unit_id"].isna()
        return pd.Index(party.loc[ok, "id"])
    if selector in ("working_committee", "general_branch", "branch", "group", "household"):
        return pd.Index(party.loc[party["level"] == selector, "id"])
    units = store.node_frame("Unit")
    return pd.Index(units.loc[units["kind"] == selector, "id"])


#: selectors naming a community's own bodies (两委): they must COVER the community itself
COMMUNITY_LEVEL_SELECTORS = ("committee", "residents_committee")


def community_level_bodies(store, selector: str) -> pd.DataFrame:
    """Pairs ``body, community`` for a community's own bodies of ``selector`` (两委).

    A body of the selector that COVERS the community itself: a 小区大党委 covering
    a compound, a cooperative's 党总支 or a village committee inside a rural
    community is not the community's own party organisation or residents' committee.
    """

    def build():
        cov = store.edge_frame("COVERS")
        comms = pd.Index(store.node_frame("Community")["id"])
        ok = cov["source"].isin(bodies_of(store, selector)) & cov["target"].isin(comms)
        return pd.DataFrame({"body": cov.loc[ok, "source"].to_numpy(), "community": cov.loc[ok, "target"].to_numpy()}).drop_duplicates()

    return store.cached(("community_level_bodies", selector), build)


def community_party_orgs(store) -> pd.DataFrame:
    """Pairs ``body, community``: each community's own party organisation (社区党委/党总支)."""
    return community_level_bodies(store, "committee")


def selector_community(store, selector: str) -> pd.DataFrame:
    """Pairs ``body, community`` for the bodies a selector names.

    ``committee`` and ``residents_committee``: the community's own bodies
    (:func:`community_level_bodies`); any other selector: bodies of that level or
    kind belonging to the community (:func:`body_community`: covering it or a
    territory inside it, e.g. the 业委会 of its compounds).
    """
    if selector in COMMUNITY_LEVEL_SELECTORS:
        return community_level_bodies(store, selector)
    bc = body_community(store)
    return bc[bc["body"].isin(bodies_of(store, selector))]


def scope_ids(store, within: str | None, kind: str) -> pd.Index:
    """Ids of the nodes of territory ``kind`` inside ``within`` (all of them when None).

    For a territory kind above ``within`` (the street of a community) the
    containing one is returned.
    """
    ids = pd.Index(store.node_frame(kind)["id"])
    if within is None:
        return ids
    inside = descendants(store, [within])
    return ids[ids.isin(inside)]


def community_groups(store, communities: pd.Index, by: str) -> pd.DataFrame:
    """``community, group, group_name`` for a roll-up by street or district."""
    street = ref(store, "Community", "street_id").reindex(communities)
    frame = pd.DataFrame({"community": communities, "street": street.to_numpy()})
    if by == "street":
        frame["group"] = frame["street"]
        frame["group_name"] = names(store, "Street").reindex(frame["group"]).to_numpy()
    else:
        district = ref(store, "Street", "district_id")
        frame["group"] = district.reindex(frame["street"]).to_numpy()
        frame["group_name"] = names(store, "District").reindex(frame["group"]).to_numpy()
    return frame


def empty_index() -> pd.Index:
    return pd.Index([], dtype=object)


def sorted_lists(pairs: pd.DataFrame, key: str, value: str, index: pd.Index) -> pd.Series:
    """For each id in ``index``: the sorted list of ``value`` paired with it (``[]`` when none)."""
    # one sort and one split of the value array (a groupby with agg(list) runs Python per group)
    f = pairs[[key, value]].drop_duplicates()
    f = f[f[key].isin(index)].sort_values([key, value])
    keys = f[key].to_numpy(dtype=object)
    values = f[value].to_numpy(dtype=object).tolist()
    groups: dict = {}
    if len(keys):
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        groups = dict(zip(keys[starts].tolist(), (values[a:b] for a, b in zip(starts, ends))))
    return pd.Series([groups.get(k, []) for k in index.tolist()], index=index, dtype=object)
