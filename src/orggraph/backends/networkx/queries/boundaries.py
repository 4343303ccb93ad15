"""In-memory implementations of :mod:`orggraph.queries.boundaries` (治理真空带, 交界区域管辖主体).

Vectorised over the edge tables: claimants come from the cached
``territory → community`` closure, streets from a ``territory → street``
closure built the same way, and ``inherited`` from an upward walk over the
``CONTAINS`` edges between grids and areas, one merge per level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _common as c
from ....scope import descendants

_SEP = "\x1f"  # joins sorted claimant ids into a comparable key


# --------------------------------------------------------------------------- closures (shared with chains)


def reach_pairs(store, key: str, roots) -> pd.DataFrame:
    """Pairs ``territory, root``: each root with itself and every territory it contains (``CONTAINS*``).

    Cached on the store under ``("boundaries", key)`` until the graph changes;
    ``roots`` is only evaluated when the cache is cold.
    """

    def build():
        return c.decoded_pairs(store, reach_codes(store, key, roots), ("territory", "root"))

    return store.cached(("boundaries", key), build)


def reach_codes(store, key: str, roots) -> tuple[np.ndarray, np.ndarray]:
    """:func:`reach_pairs` as store code pairs ``(territory, root)`` (cached)."""

    def build():
        codes = store.codes()[0].get_indexer(np.asarray(roots(), dtype=object))
        return c.contains_closure(store, codes[codes >= 0])

    return store.cached(("boundaries", "codes", key), build)


def territory_street(store) -> pd.DataFrame:
    """Pairs ``territory, street``: each street with itself and every territory it contains."""
    pairs = reach_pairs(store, "street", lambda: store.node_frame("Street")["id"].to_numpy())
    return pairs.rename(columns={"root": "street"})


def _compounds(store):
    a = store.node_frame("Area")
    return a.loc[a["kind"] == "compound", "id"].to_numpy()


def territory_compound(store) -> pd.DataFrame:
    """Pairs ``territory, compound``: the territories a compound contains (``CONTAINS+``, not itself)."""
    pairs = reach_pairs(store, "compound", lambda: _compounds(store)).rename(columns={"root": "compound"})
    return pairs[pairs["territory"] != pairs["compound"]]


def _id_order(store) -> tuple[pd.Index, np.ndarray]:
    """Every node id sorted, and the rank in that order of each store code (:meth:`TableStore.codes`), cached."""

    def build():
        ids = store.codes()[0].to_numpy(dtype=object)
        order = np.argsort(ids, kind="stable")
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids), dtype=np.int64)
        return pd.Index(ids[order], dtype=object), rank

    return store.cached(("boundaries", "id_order"), build)


def id_codes(store) -> pd.Index:
    """Every node id, sorted (cached): positions in it are integer codes that sort like the ids."""
    return _id_order(store)[0]


def id_rank(store, codes: np.ndarray) -> np.ndarray:
    """Store codes (-1 for unknown) → positions in :func:`id_codes` (-1 for unknown)."""
    rank = _id_order(store)[1]
    return np.append(rank, -1)[codes]


def coded_pairs(store, name: str) -> pd.DataFrame:
    """A closure as int64 codes (see :func:`id_codes`), cached: ``territory`` and ``street``,
    ``community`` or ``compound`` for ``name`` in street / community / compound."""

    def build():
        if name == "community":
            territory, root = c.community_closure(store)
        elif name == "street":
            territory, root = reach_codes(store, "street", lambda: store.node_frame("Street")["id"].to_numpy())
        else:
            territory, root = reach_codes(store, "compound", lambda: _compounds(store))
            keep = territory != root
            territory, root = territory[keep], root[keep]
        return pd.DataFrame({"territory": id_rank(store, territory), name: id_rank(store, root)})

    return store.cached(("boundaries", "coded", name), build)


def smallest(pairs: pd.DataFrame, key: str, value: str) -> pd.Series:
    """key → the smallest ``value`` paired with it (sort + first: a groupby ``min`` on text is a Python loop)."""
    first = pairs[[key, value]].dropna().sort_values([key, value]).drop_duplicates(key)
    return pd.Series(first[value].to_numpy(dtype=object), index=pd.Index(first[key].to_numpy(dtype=object)), dtype=object)


def id_lists(pairs: pd.DataFrame, key: str, value: str, index: pd.Index) -> list:
    """For each id of ``index``: the sorted list of distinct ``value`` paired with it (``[]`` when none).

    One sort and one split of the value array, not a groupby with a Python aggregation.
    """
    f = pairs[[key, value]].dropna().drop_duplicates()
    f = f[f[key].isin(index)].sort_values([key, value])
    keys = f[key].to_numpy(dtype=object)
    values = f[value].to_numpy(dtype=object).tolist()
    if not len(keys):
        return [[] for _ in range(len(index))]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    groups = dict(zip(keys[starts].tolist(), (values[a:b] for a, b in zip(starts, ends))))
    return [groups.get(k, []) for k in index.tolist()]


def _selected(store, ids) -> np.ndarray:
    """Mask over the pairs of :func:`community_closure` whose territory is one of ``ids``."""
    codes = store.codes()[0].get_indexer(np.asarray(ids, dtype=object))
    want = np.zeros(len(store.codes()[0]) + 1, dtype=bool)
    want[codes] = True
    want[-1] = False  # code -1: an id not in the graph
    return want[c.community_closure(store)[0]]


def claims_of(store, ids: pd.Index) -> pd.DataFrame:
    """Pairs ``territory, community`` for the territories in ``ids`` (their claimant communities).

    Filtered on codes (the closure's pairs are distinct), in the closure's order.
    """
    territory, community = c.community_closure(store)
    sel = _selected(store, ids)
    return c.decoded_pairs(store, (territory[sel], community[sel]), ("territory", "community"))


def _claim_counts(store, ids: pd.Index) -> np.ndarray:
    """Number of claimant communities of each of ``ids`` (0 for an id not in the graph)."""
    territory, _ = c.community_closure(store)
    n = len(store.codes()[0])
    counts = np.append(np.bincount(territory, minlength=n), 0)
    return counts[store.codes()[0].get_indexer(np.asarray(ids, dtype=object))]


def street_of(store, ids: pd.Index, community: pd.Series) -> pd.Series:
    """Street of each territory: the street of ``community`` (id → community id or missing),
    else the smallest street containing the territory, else missing."""
    via_comm = c.ref(store, "Community", "street_id").reindex(community.reindex(ids).to_numpy())
    ts = territory_street(store)
    direct = smallest(ts[ts["territory"].isin(ids)], "territory", "street").reindex(ids)
    out = pd.Series(via_comm.to_numpy(), index=ids, dtype=object)
    out = out.where(out.notna(), direct.to_numpy())
    return out.astype(object).where(out.notna(), None)


# --------------------------------------------------------------------------- the report rows


def as_text(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Text columns as ``object`` with None for missing (pandas 3 would infer ``str`` with NaN)."""
    for col in columns:
        s = pd.Series(frame[col].to_numpy(dtype=object), index=frame.index, dtype=object)
        frame[col] = s.where(s.notna(), None)
    return frame


def _scope(store, within) -> pd.Index | None:
    return None if within is None else descendants(store, [within])


def _in_scope(frame: pd.DataFrame, inside) -> pd.DataFrame:
    return frame if inside is None else frame[frame["id"].isin(inside)]


def status_of(store, ids: pd.Index) -> tuple[np.ndarray, pd.DataFrame]:
    """``status`` of each id (unassigned / assigned / contested) and the ``territory, community`` claims."""
    status = _status(_claim_counts(store, ids))
    return status, claims_of(store, ids)


def _status(n: np.ndarray) -> np.ndarray:
    return np.where(n == 0, "unassigned", np.where(n == 1, "assigned", "contested")).astype(object)


def _describe(store, frame: pd.DataFrame, status: np.ndarray, claims: pd.DataFrame) -> pd.DataFrame:
    """Add ``status, claimants, street_id, adjacent_communities, governing_bodies`` to ``frame`` (column ``id``)."""
    ids = pd.Index(frame["id"], dtype=object)
    claims = claims[claims["territory"].isin(ids)]
    out = frame.copy()
    out["status"] = status
    out["claimants"] = id_lists(claims, "territory", "community", ids)
    out["street_id"] = street_of(store, ids, smallest(claims, "territory", "community")).to_numpy()
    adj = store.edge_frame("ADJACENT")
    both = pd.DataFrame(
        {
            "territory": np.concatenate([adj["source"].to_numpy(), adj["target"].to_numpy()]),
            "other": np.concatenate([adj["target"].to_numpy(), adj["source"].to_numpy()]),
        }
    )
    comms = store.node_frame("Community")["id"]
    both = both[both["territory"].isin(ids) & both["other"].isin(comms)]
    out["adjacent_communities"] = id_lists(both, "territory", "other", ids)
    cov = store.edge_frame("COVERS")
    cov = pd.DataFrame({"territory": cov["target"].to_numpy(), "body": cov["source"].to_numpy()})
    out["governing_bodies"] = id_lists(cov, "territory", "body", ids)
    return out


def _claim_keys(store, ids: pd.Index) -> pd.Series:
    """id → its sorted claimant ids joined into one string (``""`` when unassigned)."""
    lists = id_lists(claims_of(store, ids), "territory", "community", ids)
    return pd.Series([_SEP.join(x) for x in lists], index=ids, dtype=object)


def _inherited(store, problems: pd.DataFrame) -> np.ndarray:
    """For each problem row: a grid or area containing it (CONTAINS+) has the same claimants."""
    if not len(problems):
        return np.zeros(0, dtype=bool)
    kinds = store.id_index()
    e = store.edge_frame("CONTAINS")
    up = pd.DataFrame({"cur": e["target"].to_numpy(), "anc": e["source"].to_numpy()})
    up = up[kinds.reindex(up["anc"]).isin(["Grid", "Area"]).to_numpy()]
    start = pd.DataFrame({"node": problems["id"].to_numpy(), "cur": problems["id"].to_numpy()})
    parts, seen, frontier = [], start.rename(columns={"cur": "anc"}), start
    while len(frontier):
        step = frontier.merge(up, on="cur")[["node", "anc"]].drop_duplicates()
        step = step.merge(seen, how="left", indicator=True)
        step = step[step["_merge"] == "left_only"].drop(columns="_merge")
        if not len(step):
            break
        parts.append(step)
        seen = pd.concat([seen, step], ignore_index=True)
        frontier = step.rename(columns={"anc": "cur"})
    if not parts:
        return np.zeros(len(problems), dtype=bool)
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs[pairs["node"] != pairs["anc"]]
    keys = _claim_keys(store, pd.Index(pd.unique(pd.concat([pairs["node"], pairs["anc"]])), dtype=object))
    same = keys.reindex(pairs["node"]).to_numpy() == keys.reindex(pairs["anc"]).to_numpy()
    return problems["id"].isin(pairs.loc[same, "node"]).to_numpy()


def _grids_and_areas(store, inside) -> pd.DataFrame:
    grids = _in_scope(store.node_frame("Grid"), inside)
    areas = _in_scope(store.node_frame("Area"), inside)
    hh = "Int64"
    parts = [
        pd.DataFrame(
            {
                "id": grids["id"].to_numpy(dtype=object),
                "label": "Grid",
                "name": grids["name"].to_numpy(dtype=object),
                "kind": pd.Series([None] * len(grids), dtype=object).to_numpy(),
                "households": pd.array(grids["households"], dtype=hh),
            }
        ),
        pd.DataFrame(
            {
                "id": areas["id"].to_numpy(dtype=object),
                "label": "Area",
                "name": areas["name"].to_numpy(dtype=object),
                "kind": areas["kind"].to_numpy(dtype=object),
                "households": pd.array(areas["households"], dtype=hh),
            }
        ),
    ]
    out = pd.concat(parts, ignore_index=True)
    out["label"] = out["label"].astype(object)
    out["households"] = out["households"].astype(hh)
    return out


class BoundariesMixin:
    def unassigned_areas(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        frame = _grids_and_areas(store, _scope(store, within))
        ids = pd.Index(frame["id"], dtype=object)
        status = _status(_claim_counts(store, ids))
        problem = status != "assigned"
        # claims only of the problem rows: the assigned ones are not reported
        out = _describe(store, frame[problem].reset_index(drop=True), status[problem], claims_of(store, ids[problem]))
        out["inherited"] = _inherited(store, out)
        out = as_text(out, ["id", "label", "name", "kind", "status", "street_id"])
        return out.sort_values(["status", "id"]).reset_index(drop=True)

    def boundary_zones(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        areas = _in_scope(store.node_frame("Area"), _scope(store, within))
        zones = areas[areas["kind"] == "boundary_zone"]
        frame = pd.DataFrame(
            {
                "id": zones["id"].to_numpy(dtype=object),
                "name": zones["name"].to_numpy(dtype=object),
                "households": pd.array(zones["households"], dtype="Int64"),
            }
        )
        status, claims = status_of(store, pd.Index(frame["id"], dtype=object))
        out = as_text(_describe(store, frame, status, claims), ["id", "name", "status", "street_id"])
        return out.sort_values("id").reset_index(drop=True)
