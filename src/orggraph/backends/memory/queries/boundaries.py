"""In-memory implementations of :mod:`orggraph.queries.boundaries` (治理真空带, 交界区域管辖主体).

Computed on the store's integer codes (:meth:`TableStore.codes`). Claimant
counts of every grid and area come from one ``bincount`` over the cached
``territory → community`` closure; everything else is computed only for the
rows reported (a few percent of the territories): their claimants, the
fallback street and ``inherited`` by walking ``CONTAINS`` edges *upwards* from
those rows (one boolean look-up over the edge codes per level), neighbours and
governing bodies by selecting edge codes. Ids are decoded for the reported
rows only, and lists are sorted by id there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from . import _common as c


# --------------------------------------------------------------------------- on codes


def _claim_counts(store) -> np.ndarray:
    """Number of claimant communities of each code, one longer than the codes (0 at index -1)."""
    territory, _ = c.community_closure(store)
    return np.bincount(territory, minlength=c.size(store) + 1)


def _upward(store, start: np.ndarray, via: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs ``(i, ancestor)``: a territory containing ``start[i]`` (``CONTAINS+``), not ``start[i]`` itself.

    :func:`_common.ancestor_pairs` from the few territories of ``start``; with
    ``via`` (:func:`_common.flags`) only edges from such containers are followed.
    """
    return c.ancestor_pairs(store, np.arange(len(start), dtype=np.int64), np.asarray(start, dtype=np.int64), via=via, strict=True)


def _smallest_code(store, row: np.ndarray, value: np.ndarray, rows: int) -> np.ndarray:
    """For each of ``rows`` positions: the code with the smallest id among the ``value`` paired with it (-1: none)."""
    out = np.full(rows, -1, dtype=np.int64)
    if len(row):
        order = c.order_by_id(store, row, value)
        row, value = row[order], value[order]
        first = np.r_[True, row[1:] != row[:-1]]
        out[row[first]] = value[first]
    return out


def _street_codes(store, codes: np.ndarray, community: np.ndarray) -> np.ndarray:
    """Street of each territory of ``codes``: the street of ``community`` (codes, -1 for none), else the
    street with the smallest id containing the territory (``CONTAINS*``: itself when a street), else -1."""
    street = c.ref_codes(store, "Community", "street_id", community)
    missing = np.flatnonzero((street < 0) & (codes >= 0))
    if len(missing):
        is_street = c.kind_flags(store, "Street")
        row, anc = _upward(store, codes[missing])
        row, anc = np.r_[np.arange(len(missing)), row], np.r_[codes[missing], anc]
        keep = is_street[anc]
        street[missing] = _smallest_code(store, row[keep], anc[keep], len(missing))
    return street


def _claims(store, codes: np.ndarray, *, walk: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs ``(i, community)``: the claimants of ``codes[i]`` (distinct codes).

    From the cached community closure, or with ``walk`` by walking up from
    ``codes`` (cheaper than building the closure for a few territories).
    """
    if walk:
        row, anc = _upward(store, codes)
        keep = c.kind_flags(store, "Community")[anc]
        return row[keep], anc[keep]
    territory, community = c.community_closure(store)
    pos = np.full(c.size(store) + 1, -1, dtype=np.int64)
    pos[codes] = np.arange(len(codes))
    at = pos[territory]
    sel = np.flatnonzero(at >= 0)
    return at[sel], community[sel]


def _status(n: np.ndarray) -> np.ndarray:
    return np.where(n == 0, "unassigned", np.where(n == 1, "assigned", "contested")).astype(object)


def _describe(store, frame: pd.DataFrame, codes: np.ndarray, claims: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Add ``status, claimants, street_id, adjacent_communities, governing_bodies`` to ``frame``.

    ``codes`` are the territories of the rows (distinct), ``claims`` the pairs
    ``(row, community)`` of their claimants.
    """
    rows = len(frame)
    n = c.size(store)
    pos = np.full(n + 1, -1, dtype=np.int64)
    pos[codes] = np.arange(rows)
    row, comm = claims
    out = frame.copy()
    out["status"] = _status(np.bincount(row, minlength=rows))
    out["claimants"] = c.id_lists(store, row, comm, rows)
    street = _street_codes(store, codes, _smallest_code(store, row, comm, rows))
    out["street_id"] = c.decode(store, street)
    a, b = store.edge_codes("ADJACENT")
    t, other = np.r_[a, b], np.r_[b, a]
    sel = (pos[t] >= 0) & c.kind_flags(store, "Community")[other]
    out["adjacent_communities"] = c.id_lists(store, pos[t[sel]], other[sel], rows)
    body, territory = store.edge_codes("COVERS")
    sel = (pos[territory] >= 0) & (body >= 0)
    out["governing_bodies"] = c.id_lists(store, pos[territory[sel]], body[sel], rows)
    return out


def _inherited(store, codes: np.ndarray) -> np.ndarray:
    """For each territory of ``codes`` (distinct): a grid or area containing it (CONTAINS+) has the same claimants."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    via = c.kind_flags(store, "Grid") | c.kind_flags(store, "Area")
    row, anc = _upward(store, codes, via)
    if not len(row):
        return np.zeros(len(codes), dtype=bool)
    # the claimant sets of every territory involved, sorted by community within each territory
    every = c.distinct(np.r_[codes, anc])
    at = np.full(c.size(store) + 1, -1, dtype=np.int64)
    at[every] = np.arange(len(every))
    t, comm = _claims(store, every)
    order = np.lexsort((comm, t))
    comm = comm[order]
    count = np.bincount(t, minlength=len(every))
    first = np.r_[0, np.cumsum(count)[:-1]]
    a, b = at[codes[row]], at[anc]
    same = count[a] == count[b]
    # compare the sets of the pairs with equal counts element by element
    k = np.where(same, count[a], 0)
    pair = np.repeat(np.arange(len(a)), k)
    step = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    differ = comm[first[a][pair] + step] != comm[first[b][pair] + step]
    same &= np.bincount(pair, weights=differ, minlength=len(a)) == 0
    out = np.zeros(len(codes), dtype=bool)
    out[row[same]] = True
    return out


# --------------------------------------------------------------------------- the report rows


def as_text(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Text columns as ``object`` with None for missing (pandas 3 would infer ``str`` with NaN)."""
    for col in columns:
        s = pd.Series(frame[col].to_numpy(dtype=object), index=frame.index, dtype=object)
        frame[col] = s.where(s.notna(), None)
    return frame


def _rows(store, kind: str, inside, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of :meth:`TableStore.node_frame` of ``kind`` where ``keep`` and in scope, with their codes."""
    codes = store.node_codes(kind)
    if inside is not None:
        keep = keep & inside[codes]
    rows = np.flatnonzero(keep)
    return rows, codes[rows]


def _sorted(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` sorted by the text ``columns`` (the last one unique), by stable argsorts of the object arrays
    (pandas sorts several object columns through a slower factorizing path)."""
    order = np.arange(len(frame))
    for col in reversed(columns):
        order = order[np.argsort(frame[col].to_numpy(dtype=object)[order], kind="stable")]
    return frame.take(order).reset_index(drop=True)


def _households(frame: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(frame["households"].take(rows), dtype="Int64"))


class BoundariesMixin:
    def unassigned_areas(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        inside = c.scope_flags(store, within)
        counts = _claim_counts(store)
        grids, areas = store.node_frame("Grid"), store.node_frame("Area")
        # only the unassigned and contested rows are reported: everything below is computed for them alone
        g, grid_codes = _rows(store, "Grid", inside, counts[store.node_codes("Grid")] != 1)
        a, area_codes = _rows(store, "Area", inside, counts[store.node_codes("Area")] != 1)
        frame = pd.DataFrame(
            {
                "id": np.r_[grids["id"].to_numpy(dtype=object)[g], areas["id"].to_numpy(dtype=object)[a]],
                "label": np.array(["Grid"] * len(g) + ["Area"] * len(a), dtype=object),
                "name": np.r_[grids["name"].to_numpy(dtype=object)[g], areas["name"].to_numpy(dtype=object)[a]],
                "kind": np.r_[np.full(len(g), None, dtype=object), areas["kind"].to_numpy(dtype=object)[a]],
                "households": pd.concat([_households(grids, g), _households(areas, a)], ignore_index=True).astype("Int64"),
            }
        )
        codes = np.r_[grid_codes, area_codes]
        out = _describe(store, frame, codes, _claims(store, codes))
        out["inherited"] = _inherited(store, codes)
        out = as_text(out, ["id", "label", "name", "kind", "status", "street_id"])
        return _sorted(out, "status", "id")

    def boundary_zones(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        areas = store.node_frame("Area")
        zone = areas["kind"].isin([rules.BOUNDARY_ZONE]).to_numpy(dtype=bool)
        rows, codes = _rows(store, "Area", c.scope_flags(store, within), zone)
        frame = pd.DataFrame(
            {
                "id": areas["id"].to_numpy(dtype=object)[rows],
                "name": areas["name"].to_numpy(dtype=object)[rows],
                "households": _households(areas, rows),
            }
        )
        # a few zones: their claimants by walking up from them, without building the closure
        out = _describe(store, frame, codes, _claims(store, codes, walk=True))
        out = as_text(out, ["id", "name", "status", "street_id"])
        return _sorted(out, "id")
