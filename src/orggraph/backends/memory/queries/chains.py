"""In-memory implementation of :mod:`orggraph.queries.chains` (组织链条).

Everything runs on the store's integer codes (:meth:`TableStore.codes`) with
numpy: no join, group or sort on id strings, and ids are looked up only for
the rows returned. The areas in scope get positions ``0 … n-1`` in id order
(the order of the report); ``pos[code]`` takes an area's code to its position.

One pass per level of the chain, over all areas at once. The *hits* of a level
are the triples ``(area, org, territory)`` where ``org``, an organisation of
the level, ``COVERS`` ``territory``, one of the area's territories of the
level: the area's candidates (from the ``CONTAINS*`` closures) joined with the
level's ``COVERS`` edges. Below the first level a hit is kept when its
organisation is ``SUBORDINATE_TO`` one reached at the level above *for the
same area*, found among the previous level's ``(area, org)`` pairs.

Each pair carries the street and the community of the best path through it,
packed into one integer *rank key*: ``community rank × (streets + 1) + street
rank``, ranks in id order and a missing one ranking last, so "the smallest
community, then street" is the smallest key. Only the smallest key of each
``(area, org)`` pair is kept: the levels below extend a path according to its
``(area, org)`` alone and only fill in a street or community still missing, so
the best path through a pair starts with the pair's best one.

Joins go through a dense array over the codes holding one row per code, and
treat the few repeated codes (an organisation covering two territories, an
area claimed twice) apart, so no step sorts or searches the hundreds of
thousands of rows of a level. The dense arrays are few and reused: allocating
a fresh one (8 MB at a million nodes) costs more than most of the steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from ....queries.chains import LEVEL_TERRITORY, chain_columns
from ....schema import NODE_KINDS
from ....scope import descendants
from . import _common as c

# --------------------------------------------------------------------------- integer building blocks


def _blank(size: int) -> np.ndarray:
    """A dense array over the codes (and -1, its last cell), every cell -1."""
    return np.full(size + 1, -1, dtype=np.int64)


class _Index:
    """The rows of an array of codes ``keys``, by code, for inner joins on codes.

    One row per code sits in ``buffer`` (a :func:`_blank` array, lent until
    :meth:`release`); the rows of a repeated code beyond that one (rare here)
    are joined through :func:`_common.join_codes` with the few rows they
    concern. A code below 0 (an unknown id) matches nothing.
    """

    def __init__(self, keys: np.ndarray, buffer: np.ndarray):
        rows = np.arange(len(keys), dtype=np.int64)
        self.keys, self.at = keys, buffer
        buffer[keys] = rows
        buffer[-1] = -1
        self.extra = np.flatnonzero((buffer[keys] != rows) & (keys >= 0))

    def join(self, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every ``(i, j)`` with ``left[i] == keys[j]``, in no set order."""
        j = self.at[left]
        i = np.flatnonzero(j >= 0)
        j = j[i]
        if len(self.extra):
            repeated = np.zeros(len(self.at), dtype=bool)
            repeated[self.keys[self.extra]] = True
            concerned = np.flatnonzero(repeated[left])
            ii, jj = c.join_codes(left[concerned], self.keys[self.extra])
            i, j = np.concatenate([i, concerned[ii]]), np.concatenate([j, self.extra[jj]])
        return i, j

    def release(self) -> None:
        """Give the buffer back as it was lent (every cell -1)."""
        self.at[self.keys] = -1


def _positions(codes: np.ndarray, size: int) -> np.ndarray:
    """``at[code]``: the position of ``code`` in ``codes`` (its first), -1 when absent; ``at[-1]`` is -1."""
    at = _blank(size)
    every = np.arange(len(codes), dtype=np.int64)
    at[codes] = every
    if (at[codes] != every).any():  # a repeated id (a store built without validation)
        at[codes] = len(codes)
        np.minimum.at(at, codes, every)
    at[-1] = -1
    return at


def _smallest(group: np.ndarray, value: np.ndarray, size: int, none: int) -> np.ndarray:
    """For each group ``0 … size-1``: its smallest ``value`` (values in ``[0, none)``), else ``none``."""
    out = np.full(size, none, dtype=np.int64)
    np.minimum.at(out, group, value)
    return out


def _ascending(ids: np.ndarray) -> bool:
    """Whether the ids are already in order (then they need no sort)."""
    try:
        return bool((ids[1:] >= ids[:-1]).all())
    except TypeError:  # not all comparable
        return False


def _by_id(store, kind: str) -> np.ndarray:
    """Codes of the nodes of ``kind``, in id order."""
    ids = store.node_frame(kind)["id"].to_numpy(dtype=object)
    codes = store.node_codes(kind)
    return codes if _ascending(ids) else codes[np.argsort(ids, kind="stable")]


class _Pairs:
    """The ``(area, org)`` pairs reached at a level, each with the smallest rank key of its paths, for look-ups.

    An area reached through one organisation (nearly all) has its pair in dense
    arrays over the areas, ``org[a]`` and ``key[a]``; the pairs of the others
    (``org[a]`` is -2) are in a small table sorted by ``area × size + org``.
    """

    def __init__(self, area: np.ndarray, org: np.ndarray, key: np.ndarray, n: int, size: int):
        self.size = size
        count = np.bincount(area, minlength=n)
        one = count[area] == 1
        single = np.flatnonzero(one)
        self.org = np.where(count > 1, -2, -1)
        self.org[area[single]] = org[single]
        self.key = np.empty(n, dtype=np.int64)
        self.key[area[single]] = key[single]
        some = np.flatnonzero(~one)
        pair = area[some] * size + org[some]
        order = np.argsort(pair)
        pair, key = pair[order], key[some][order]
        heads = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else order
        self.pairs = pair[heads]
        self.pair_key = np.minimum.reduceat(key, heads) if len(pair) else key

    def find(self, area: np.ndarray, org: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, key)``: the rows ``i`` where the pair ``(area[i], org[i])`` was reached, and its key."""
        known = self.org[area]
        i = np.flatnonzero(known == org)
        key = self.key[area[i]]
        more = np.flatnonzero(known == -2)
        if len(more):
            wanted = area[more] * self.size + org[more]
            at = np.minimum(np.searchsorted(self.pairs, wanted), len(self.pairs) - 1)
            found = np.flatnonzero(self.pairs[at] == wanted)
            i, key = np.r_[i, more[found]], np.r_[key, self.pair_key[at[found]]]
        return i, key


# --------------------------------------------------------------------------- territories and organisations


def _in_scope(pairs: tuple[np.ndarray, np.ndarray], pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closure pairs ``(territory, root)`` whose territory is an area in scope, as ``(position, root)``."""
    territory, root = pairs
    at = pos[territory]
    keep = np.flatnonzero(at >= 0)
    return at[keep], root[keep]


def _street_reach(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, street)``: the territories a street reaches through ``CONTAINS`` edges without
    passing *through* a community (a community is reached, not gone beyond), cached.

    Breadth-first from the streets; a pair found once is not followed again
    (cycles end). Below the streets nearly every edge leaves a community, so
    this is a few thousand pairs where the whole street closure has one per
    territory.
    """

    def build():
        size = len(store.codes()[0])
        kinds = np.append(store.codes()[1], -1)
        src, dst = store.edge_codes("CONTAINS")
        ok = (src >= 0) & (dst >= 0) & (kinds[src] != list(NODE_KINDS).index("Community"))
        src, dst = src[ok], dst[ok]
        roots = c.kind_codes(store, "Street")
        keys = roots * size + roots
        seen, parts = np.sort(keys), [keys]
        while len(keys):
            node, root = keys // size, keys % size
            frontier = np.zeros(size + 1, dtype=bool)
            frontier[node] = True
            edges = np.flatnonzero(frontier[src])
            i, j = c.join_codes(node, src[edges])
            step = np.sort(dst[edges[j]] * size + root[i])
            fresh = np.r_[True, step[1:] != step[:-1]] if len(step) else step.astype(bool)
            at = np.minimum(np.searchsorted(seen, step), len(seen) - 1)
            keys = step[fresh & (seen[at] != step)]
            seen = np.sort(np.r_[seen, keys])
            parts.append(keys)
        keys = np.concatenate(parts)
        return keys // size, keys % size

    return store.cached(("chains", "street_reach"), build)


def _streets_of(store, pos: np.ndarray, claims: tuple[np.ndarray, np.ndarray], buffer: np.ndarray):
    """Pairs ``(area position, street)``: the streets containing each area in scope (``CONTAINS*``), given
    its claimant communities ``claims`` (pairs ``(area position, community)``). A pair may repeat.

    A path from a street down to an area either meets no community, or meets a
    first one, which then contains the area: so the streets of an area are those
    of :func:`_street_reach` for the area itself and for its claimants; the
    community closure (shared with other queries) does the rest of the walk.
    """
    reach, street = _street_reach(store)
    direct = _in_scope((reach, street), pos)
    index = _Index(reach, buffer)
    i, j = index.join(claims[1])
    index.release()
    return np.r_[direct[0], claims[0][i]], np.r_[direct[1], street[j]]


def _compound_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, compound)``: the territories a compound contains (``CONTAINS+``), cached."""

    def build():
        areas = store.node_frame("Area")
        roots = store.node_codes("Area")[(areas["kind"] == rules.COMPOUND).to_numpy(dtype=bool)]
        territory, compound = c.contains_closure(store, roots)
        keep = territory != compound
        return territory[keep], compound[keep]

    return store.cached(("chains", "compound_closure"), build)


def _grid_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, grid)``: the territories a grid contains (``CONTAINS+``), cached (网格党支部)."""

    def build():
        territory, grid = c.contains_closure(store, store.node_codes("Grid"))
        keep = territory != grid
        return territory[keep], grid[keep]

    return store.cached(("chains", "grid_closure"), build)


def _primary_street(store, rank: np.ndarray, communities: int, none: int) -> np.ndarray:
    """By community rank: the rank of the community's street (``street_id``: its first
    ``Street -CONTAINS-> Community`` edge, as :meth:`TableStore.primary_ref_codes`), else ``none``."""
    kinds = np.append(store.codes()[1], -1)
    src, dst = store.edge_codes("CONTAINS")
    kind = list(NODE_KINDS)
    ok = np.flatnonzero((kinds[dst] == kind.index("Community")) & (kinds[src] == kind.index("Street")))
    community, first = np.unique(dst[ok], return_index=True)  # the first edge of each community
    out = np.full(communities + 1, none, dtype=np.int64)
    out[rank[community]] = rank[src[ok[first]]]
    return out


def _cover_levels(store, chain, buffer: np.ndarray) -> list[np.ndarray]:
    """For each position ``k`` of ``chain``: the mask of the ``COVERS`` edges whose source is a territorial party
    organisation (no ``unit_id``) of a level that holds the link (:func:`orggraph.rules.chain_level_orgs`:
    ``committee`` includes ``general_branch``, ``branch`` every compound-level organisation)."""
    party = store.node_frame("PartyOrg")
    levels = party["level"]
    territorial = party["unit_id"].isna().to_numpy(dtype=bool)
    codes = store.node_codes("PartyOrg")
    source = store.edge_codes("COVERS")[0]
    out = []
    for level in chain:
        buffer[codes] = (levels.isin(list(rules.chain_level_orgs(level))).to_numpy(dtype=bool) & territorial)
        out.append(buffer[source] == 1)
        buffer[codes] = -1
    return out


# --------------------------------------------------------------------------- the query


class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        store = self.store
        size = len(store.codes()[0])
        buffer = _blank(size)  # lent to one join at a time

        # the compounds and buildings in scope, in id order
        areas = store.node_frame("Area")
        code = store.node_codes("Area")
        kinds = areas["kind"].to_numpy(dtype=object)
        # compounds and villages hold the compound-level link themselves; buildings (and villages) the building's
        is_compound = pd.Series(kinds, dtype=object).isin(list(rules.CHAIN_COMPOUND_LEVEL_KINDS)).to_numpy(dtype=bool)
        is_building = np.zeros(len(kinds), dtype=bool)
        other = np.flatnonzero(~is_compound)
        is_building[other] = kinds[other] == rules.BUILDING
        keep = is_compound | is_building  # the kinds of rules.CHAIN_AREA_KINDS
        if within is not None:
            inside = np.zeros(size + 1, dtype=bool)
            inside[store.code_of(descendants(store, [within]))] = True
            inside[-1] = False
            keep &= inside[code]
        rows = np.flatnonzero(keep)
        area_ids = areas["id"].to_numpy(dtype=object)[rows]
        if not _ascending(area_ids):
            rows = rows[np.argsort(area_ids, kind="stable")]
            area_ids = areas["id"].to_numpy(dtype=object)[rows]
        code, is_compound, is_building = code[rows], is_compound[rows], is_building[rows]
        at_building = is_building | (kinds[rows] == rules.VILLAGE)  # a village's 村党小组 covers the village
        n = len(rows)
        pos = _positions(code, size)

        # rank keys: community rank × (streets + 1) + street rank, a missing one ranking last;
        # rank[code] is the rank of a street or of a community (the two never share a code)
        streets, communities = _by_id(store, "Street"), _by_id(store, "Community")
        no_street, no_community = len(streets), len(communities)
        rank = _blank(size)
        rank[streets] = np.arange(no_street)
        rank[communities] = np.arange(no_community)
        base = no_street + 1
        none = no_community * base + no_street

        found = {}  # territory type → pairs (area position, territory code) for the areas in scope

        def candidates(territory: str) -> tuple[np.ndarray, np.ndarray]:
            """The territories of type ``territory`` of each area."""
            if territory not in found:
                if territory == "street":
                    found[territory] = _streets_of(store, pos, candidates("community"), buffer)
                elif territory == "community":
                    found[territory] = _in_scope(c.community_closure(store), pos)
                elif territory == "compound":
                    # a compound or village itself; for a building, the compounds containing it; for any area,
                    # the grids containing it (网格党支部)
                    own = np.flatnonzero(is_compound)
                    found[territory] = own, code[own]
                    if is_building.any():
                        at, compound = _in_scope(_compound_closure(store), pos)
                        inside = np.flatnonzero(is_building[at])
                        found[territory] = np.r_[own, at[inside]], np.r_[code[own], compound[inside]]
                    if rules.CHAIN_BRANCH_IN_GRIDS:
                        at, grid = _in_scope(_grid_closure(store), pos)
                        found[territory] = np.r_[found[territory][0], at], np.r_[found[territory][1], grid]
                else:  # a building itself (a village itself: its 村党小组)
                    own = np.flatnonzero(at_building)
                    found[territory] = own, code[own]
            return found[territory]

        cov_org, cov_territory = store.edge_codes("COVERS")
        cov_level = _cover_levels(store, chain, buffer)
        sub_child, sub_parent = store.edge_codes("SUBORDINATE_TO")
        answers = _Index(sub_child, _blank(size))  # an organisation → its SUBORDINATE_TO edges
        depth = np.zeros(n, dtype=np.int64)
        best = np.full(n, none, dtype=np.int64)
        pairs = None  # the (area, org) pairs reached at the level above
        for k, level in enumerate(chain):
            territory = LEVEL_TERRITORY[level]
            area, terr = candidates(territory)
            lead = np.flatnonzero(cov_level[k])
            index = _Index(cov_territory[lead], buffer)
            i, j = index.join(terr)
            index.release()
            area, terr, org = area[i], terr[i], cov_org[lead[j]]
            if k == 0:
                key = np.full(len(area), none, dtype=np.int64)
            else:  # keep a hit whose organisation answers to one reached for the same area
                i, j = answers.join(org)
                at, key = pairs.find(area[i], sub_parent[j])
                i = i[at]
                area, terr, org = area[i], terr[i], org[i]
            if not len(area):
                break
            if territory == "street":
                key = key - key % base + rank[terr]
            elif territory == "community":
                key = rank[terr] * base + key % base
            # the deepest level so far, and the smallest key there (every key is at most ``none``)
            depth[area] = k + 1
            best[area] = none
            np.minimum.at(best, area, key)
            if k + 1 < len(chain):
                pairs = _Pairs(area, org, key, n, size)

        # the community on the deepest path, else the smallest claimant
        community = best // base
        unknown = community == no_community
        if unknown.any():
            at, claimant = candidates("community")
            community = np.where(unknown, _smallest(at, rank[claimant], n, no_community), community)
        # the street on the deepest path, else the street of the community, else the smallest containing one
        street = best % base
        unknown = np.flatnonzero(street == no_street)
        if len(unknown):
            street[unknown] = _primary_street(store, rank, no_community, no_street)[community[unknown]]
            if (street == no_street).any():
                at, root = candidates("street")
                street = np.where(street < no_street, street, _smallest(at, rank[root], n, no_street))

        ids = store.codes()[0].to_numpy(dtype=object)

        def decode(ranks: np.ndarray, nodes: np.ndarray) -> np.ndarray:
            """Ids of the nodes of ``ranks`` (None for the missing rank), through a table of the few nodes."""
            return np.append(ids[nodes], None)[ranks]

        derived = chain_columns(kinds[rows], depth, chain)
        columns = {
            "area_id": area_ids,
            "area_name": areas["name"].to_numpy(dtype=object)[rows],
            "kind": kinds[rows],
            "community_id": decode(community, communities),
            "street_id": decode(street, streets),
            **derived,
        }
        # fresh arrays, one block each: no copy, no consolidation (object, not inferred str, for text)
        return pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in columns.items()}, copy=False)
