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

Joins go through dense arrays indexed by code (one row per code) and handle
the few repeated codes (an area claimed twice, an organisation covering two
territories) separately, so no step sorts or searches the hundreds of
thousands of rows of a level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....queries.chains import LEVEL_TERRITORY, LEVEL_ZH
from ....schema import NODE_KINDS
from ....scope import descendants
from . import _common as c
from .boundaries import reach_codes

# territories a compound has; a building has all four
_COMPOUND_TERRITORIES = ("street", "community", "compound")


# --------------------------------------------------------------------------- integer building blocks


def _positions(codes: np.ndarray, size: int) -> np.ndarray:
    """``at[code]``: the position of ``code`` in ``codes`` (its first), -1 when absent; ``at[-1]`` is -1."""
    at = np.full(size + 1, -1, dtype=np.int64)
    every = np.arange(len(codes), dtype=np.int64)
    at[codes] = every
    if (at[codes] != every).any():  # a repeated id (a store built without validation)
        at[codes] = len(codes)
        np.minimum.at(at, codes, every)
    return at


def _join(left: np.ndarray, right: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Inner join on codes: every ``(i, j)`` with ``left[i] == right[j]`` (codes ``< size``), in no set order.

    A code of ``right`` below 0 (an unknown id) matches nothing. One row of
    ``right`` per code goes through a dense array; the rows of repeated codes,
    through :func:`_common.join_codes` with the few ``left`` rows they concern.
    """
    rows = np.arange(len(right), dtype=np.int64)
    at = np.full(size + 1, -1, dtype=np.int64)
    at[right] = rows
    at[-1] = -1
    j = at[left]
    i = np.flatnonzero(j >= 0)
    j = j[i]
    extra = np.flatnonzero((at[right] != rows) & (right >= 0))
    if len(extra):
        repeated = np.zeros(size + 1, dtype=bool)
        repeated[right[extra]] = True
        concerned = np.flatnonzero(repeated[left])
        ii, jj = c.join_codes(left[concerned], right[extra])
        i, j = np.concatenate([i, concerned[ii]]), np.concatenate([j, extra[jj]])
    return i, j


def _smallest(group: np.ndarray, value: np.ndarray, size: int, none: int) -> np.ndarray:
    """For each group ``0 … size-1``: its smallest ``value`` (values in ``[0, none)``), else ``none``."""
    out = np.full(size, none, dtype=np.int64)
    np.minimum.at(out, group, value)
    return out


class _Pairs:
    """Distinct ``(area, org)`` pairs with the smallest rank key of each, the rows of an area together.

    ``start[a]`` and ``count[a]`` give the rows of area position ``a``.
    """

    def __init__(self, area: np.ndarray, org: np.ndarray, key: np.ndarray, n: int, size: int):
        count = np.bincount(area, minlength=n)
        several = count[area] > 1
        if several.any():  # an area reached through several organisations or paths: group and reduce those
            some, one = np.flatnonzero(several), np.flatnonzero(~several)
            pair = area[some] * size + org[some]
            order = np.argsort(pair)
            pair = pair[order]
            heads = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
            least = np.minimum.reduceat(key[some][order], heads)
            area = np.concatenate([area[one], pair[heads] // size])
            org = np.concatenate([org[one], pair[heads] % size])
            key = np.concatenate([key[one], least])
        heads = np.flatnonzero(np.r_[True, area[1:] != area[:-1]]) if len(area) else area
        self.area, self.org, self.key = area, org, key
        self.start = np.zeros(n, dtype=np.int64)
        self.count = np.zeros(n, dtype=np.int64)
        self.start[area[heads]] = heads
        self.count[area[heads]] = np.diff(np.r_[heads, len(area)])
        self.heads = heads

    def find(self, area: np.ndarray, org: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions ``(i, row)`` where pair ``(area[i], org[i])`` is row ``row``."""
        count, start = self.count[area], self.start[area]
        if not len(count) or count.max() <= 1:
            i = np.flatnonzero(count)
            row = start[i]
        else:
            i = np.repeat(np.arange(len(area)), count)
            row = np.repeat(start - np.cumsum(count) + count, count) + np.arange(len(i))
        ok = np.flatnonzero(self.org[row] == org[i])
        return i[ok], row[ok]

    def best(self) -> tuple[np.ndarray, np.ndarray]:
        """The areas reached, and the smallest key of each."""
        return self.area[self.heads], np.minimum.reduceat(self.key, self.heads)


def _ranks(store, kind: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The nodes of ``kind`` in id order: ``(codes, rank)``, ``codes[r]`` the node of rank ``r`` and
    ``rank[code]`` the rank of a node (``len(codes)`` for any other code, and for -1)."""
    ids = store.node_frame(kind)["id"].to_numpy(dtype=object)
    codes = store.node_codes(kind)[np.argsort(ids, kind="stable")]
    rank = _positions(codes, size)
    rank[rank < 0] = len(codes)
    return codes, rank


def _primary_street(store, size: int) -> np.ndarray:
    """``street[code]``: the code of a community's street (its ``street_id``: the first
    ``Street -CONTAINS-> Community`` edge, as :meth:`TableStore.primary_refs`), else -1."""
    _, kinds = store.codes()
    known = np.append(kinds, -1)
    src, dst = store.edge_codes("CONTAINS")
    kind = list(NODE_KINDS)
    ok = np.flatnonzero((known[dst] == kind.index("Community")) & (known[src] == kind.index("Street")))
    community, first = np.unique(dst[ok], return_index=True)  # the first edge of each community
    out = np.full(size + 1, -1, dtype=np.int64)
    out[community] = src[ok[first]]
    return out


def _compound_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, compound)``: the territories a compound contains (``CONTAINS+``), cached."""

    def build():
        areas = store.node_frame("Area")
        roots = store.node_codes("Area")[(areas["kind"] == "compound").to_numpy(dtype=bool)]
        territory, compound = c.contains_closure(store, roots)
        keep = territory != compound
        return territory[keep], compound[keep]

    return store.cached(("chains", "compound_closure"), build)


def _street_closure(store) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(territory, street)`` (``CONTAINS*``): the closure the boundary queries use, cached."""
    return reach_codes(store, "street", lambda: store.node_frame("Street")["id"].to_numpy())


def _in_scope(pairs: tuple[np.ndarray, np.ndarray], pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closure pairs ``(territory, root)`` whose territory is an area in scope, as ``(position, root)``."""
    territory, root = pairs
    at = pos[territory]
    keep = np.flatnonzero(at >= 0)
    return at[keep], root[keep]


def _level_of(store, chain, size: int) -> np.ndarray:
    """``level[code]``: the position in ``chain`` of the level of a territorial party organisation
    (no ``unit_id``), -1 for any other code; ``committee`` includes ``general_branch``."""
    party = store.node_frame("PartyOrg")
    levels = party["level"].to_numpy(dtype=object)
    territorial = party["unit_id"].isna().to_numpy(dtype=bool)
    codes = store.node_codes("PartyOrg")
    out = np.full(size + 1, -1, dtype=np.int64)
    for k, level in enumerate(chain):
        mine = c.COMMUNITY_PARTY_LEVELS if level == "committee" else (level,)
        ok = territorial & np.isin(levels, mine)
        out[codes[ok]] = k
    out[-1] = -1
    return out


# --------------------------------------------------------------------------- the query


class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        store = self.store
        size = len(store.codes()[0])

        # the compounds and buildings in scope, in id order
        areas = store.node_frame("Area")
        code = store.node_codes("Area")
        kinds = areas["kind"].to_numpy(dtype=object)
        is_compound, is_building = kinds == "compound", kinds == "building"
        keep = is_compound | is_building
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
        n = len(rows)
        pos = _positions(code, size)

        # rank keys: community rank × (streets + 1) + street rank, a missing one ranking last
        streets, street_rank = _ranks(store, "Street", size)
        communities, community_rank = _ranks(store, "Community", size)
        no_street, no_community = len(streets), len(communities)
        base = no_street + 1
        none = no_community * base + no_street

        closures = {}  # territory type → (area position, territory code) for the areas in scope

        def candidates(territory: str) -> tuple[np.ndarray, np.ndarray]:
            """The territories of type ``territory`` of each area."""
            if territory not in closures:
                if territory == "street":
                    closures[territory] = _in_scope(_street_closure(store), pos)
                elif territory == "community":
                    closures[territory] = _in_scope(c.community_closure(store), pos)
                elif territory == "compound":  # a compound itself; for a building, the compounds containing it
                    own = np.flatnonzero(is_compound)
                    at, compound = _in_scope(_compound_closure(store), pos) if is_building.any() else (own[:0], own[:0])
                    inside = np.flatnonzero(is_building[at])
                    closures[territory] = np.r_[own, at[inside]], np.r_[code[own], compound[inside]]
                else:  # a building itself
                    own = np.flatnonzero(is_building)
                    closures[territory] = own, code[own]
            return closures[territory]

        cov_org, cov_territory = store.edge_codes("COVERS")
        cov_level = _level_of(store, chain, size)[cov_org]
        sub_child, sub_parent = store.edge_codes("SUBORDINATE_TO")
        depth = np.zeros(n, dtype=np.int64)
        best = np.full(n, none, dtype=np.int64)
        pairs = None  # the (area, org) pairs reached at the level above
        for k, level in enumerate(chain):
            territory = LEVEL_TERRITORY[level]
            area, terr = candidates(territory)
            lead = np.flatnonzero(cov_level == k)
            i, j = _join(terr, cov_territory[lead], size)
            area, terr, org = area[i], terr[i], cov_org[lead[j]]
            if k == 0:
                key = np.full(len(area), none, dtype=np.int64)
            else:  # keep a hit whose organisation answers to one reached for the same area
                i, j = _join(org, sub_child, size)
                at, row = pairs.find(area[i], sub_parent[j])
                i = i[at]
                area, terr, org, key = area[i], terr[i], org[i], pairs.key[row]
            if not len(area):
                break
            if territory == "street":
                key = key - key % base + street_rank[terr]
            elif territory == "community":
                key = community_rank[terr] * base + key % base
            pairs = _Pairs(area, org, key, n, size)
            reached, least = pairs.best()
            depth[reached] = k + 1
            best[reached] = least

        # the community on the deepest path, else the smallest claimant
        community = best // base
        unknown = community == no_community
        if unknown.any():
            at, claimant = candidates("community")
            community = np.where(unknown, _smallest(at, community_rank[claimant], n, no_community), community)
        # the street on the deepest path, else the street of the community, else the smallest containing one
        street = best % base
        unknown = np.flatnonzero(street == no_street)
        if len(unknown):
            known = unknown[community[unknown] < no_community]
            street[known] = street_rank[_primary_street(store, size)[communities[community[known]]]]
            if (street == no_street).any():
                at, root = candidates("street")
                street = np.where(street < no_street, street, _smallest(at, street_rank[root], n, no_street))

        ids = store.codes()[0].to_numpy(dtype=object)

        def decode(rank: np.ndarray, nodes: np.ndarray) -> np.ndarray:
            out = np.full(n, None, dtype=object)
            known = np.flatnonzero(rank < len(nodes))
            out[known] = ids[nodes[rank[known]]]
            return out

        at_compound = sum(LEVEL_TERRITORY[lv] in _COMPOUND_TERRITORIES for lv in chain)
        expected = np.where(is_compound, at_compound, len(chain)).astype(np.int64)
        reached = np.minimum(depth, expected)
        complete = reached == expected
        broken = np.flatnonzero(~complete)
        missing = np.full(n, None, dtype=object)
        missing[broken] = np.array(chain, dtype=object)[reached[broken]]
        missing_zh = np.full(n, None, dtype=object)
        missing_zh[broken] = np.array([LEVEL_ZH[lv] for lv in chain], dtype=object)[reached[broken]]

        columns = {
            "area_id": area_ids,
            "area_name": areas["name"].to_numpy(dtype=object)[rows],
            "kind": kinds[rows],
            "community_id": decode(community, communities),
            "street_id": decode(street, streets),
            "expected": expected,
            "reached": reached,
            "complete": complete,
            "first_missing": missing,
            "missing_zh": missing_zh,
        }
        # fresh arrays, one block each: no copy, no consolidation (object, not inferred str, for text)
        return pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in columns.items()}, copy=False)


def _ascending(ids: np.ndarray) -> bool:
    """Whether the ids are already in order (then the report needs no sort)."""
    try:
        return bool((ids[1:] >= ids[:-1]).all())
    except TypeError:  # not all comparable
        return False
