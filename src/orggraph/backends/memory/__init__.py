"""The in-memory backend (``"memory"``): typed tables, vectorised queries, networkx on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...schema import EDGE_TYPES, NODE_KINDS
from ..base import Backend
from .store import DEEP_COPIES, TableStore

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MemoryBackend", "TableStore"]

def _query_mixins():
    from .queries import QueryMixin

    return QueryMixin


class _Core(Backend):
    """Reading, copying and networkx export of the tables; the queries come from the topic mixins."""

    def __init__(self, store: TableStore | None = None):
        self.store = store if store is not None else TableStore()

    def nodes(self, kind: str) -> pd.DataFrame:
        """Nodes of ``kind`` in id order (as the database backend returns them), with reference columns."""

        def build():
            f = self.store.nodes(kind)
            ids = f["id"].to_numpy(dtype=object)
            if len(ids) > 1 and not (ids[1:] >= ids[:-1]).all():
                f = f.iloc[np.argsort(ids.astype(str), kind="stable")]
            return f.reset_index(drop=True)

        return self.store.cached(("nodes_by_id", kind), build).copy(deep=DEEP_COPIES)

    def edges(self, type: str) -> pd.DataFrame:
        return self.store.edge_frame(type).copy(deep=DEEP_COPIES)

    def memo(self, key: tuple, build):
        return self.store.cached(("memo", *key), build)

    def kinds_of(self, ids) -> pd.Series:
        return self.store.kinds_of(ids)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def copy(self) -> "MemoryBackend":
        return MemoryBackend(self.store.copy())

    def at(self, as_of) -> "MemoryBackend":
        """This backend on the graph as it stood on ``as_of`` (:meth:`TableStore.at`); itself when undated."""
        snap = self.store.at(as_of)
        return self if snap is self.store else MemoryBackend(snap)

    def to_networkx(self) -> "nx.MultiDiGraph":
        """The whole graph as a :class:`networkx.MultiDiGraph` (cached until the next change).

        Nodes carry ``label`` (the node kind) and their attributes. Every edge of the
        tables is one multigraph edge (two posts of one person in one body are two
        edges), keyed by its edge id ``"<TYPE>:<n>"``: ``n`` is the edge's row in
        ``g.edges(TYPE)``, so the key is stable for a given graph and names its row.
        Edges carry ``type`` and their attributes. Missing values are left out; dates
        are :class:`pandas.Timestamp`, numbers and booleans plain Python values.
        """
        return self.store.cached("nx", self._build_nx)

    def _build_nx(self) -> "nx.MultiDiGraph":
        import networkx as nx

        g = nx.MultiDiGraph()
        ids, _ = self.store.codes()
        canonical = np.append(ids.to_numpy(dtype=object), None)  # code -1 → None, replaced below
        for kind in NODE_KINDS:
            f = self.store.node_frame(kind)
            if len(f):
                g.add_nodes_from(zip(_endpoints(canonical, self.store.node_codes(kind), f["id"]),
                                     _records(f, ("id",), "label", kind)))
        for etype in EDGE_TYPES:
            f = self.store.edge_frame(etype)
            if not len(f):
                continue
            src, dst = self.store.edge_codes(etype)
            sources, targets = _endpoints(canonical, src, f["source"]), _endpoints(canonical, dst, f["target"])
            _add_edges(g, sources, targets, [f"{etype}:{i}" for i in range(len(f))],
                       _records(f, ("source", "target"), "type", etype))
        return g


def _add_edges(g: "nx.MultiDiGraph", sources: list, targets: list, keys: list, attrs: list) -> None:
    """Add edges with distinct new ``keys`` into ``g``'s adjacency, as ``add_edges_from`` stores them
    (``succ[u][v][key] = pred[v][u][key] = attrs``: the layout networkx documents for subclasses) but without
    its per-edge checks and view look-ups, ~3× faster. ``attrs`` are new dicts, owned by ``g``. An endpoint
    that is not a node yet is added bare, as ``add_edges_from`` does."""
    succ, pred, new_keys = g._succ, g._pred, g.edge_key_dict_factory
    for u, v, key, data in zip(sources, targets, keys, attrs):
        out = succ.get(u)
        if out is None:
            g.add_node(u)
            out = succ[u]
        keydict = out.get(v)
        if keydict is None:
            if v not in pred:
                g.add_node(v)
            keydict = out[v] = pred[v][u] = new_keys()
        keydict[key] = data


def _endpoints(canonical: np.ndarray, codes: np.ndarray, values: pd.Series) -> list:
    """The node ids of ``codes`` as the one id object each node has (an edge's own text where it has no node)."""
    out = canonical[codes]
    loose = codes < 0
    if loose.any():
        out[loose] = values.to_numpy(dtype=object)[loose]
    return out.tolist()


def _records(frame: pd.DataFrame, skip: tuple[str, ...], first: str, value: str):
    """One attribute dict per row, ``{first: value, column: cell …}`` without the missing cells.

    Column by column, not row by row: each column's missing cells are found once, its
    values turned into Python objects once (one :class:`pandas.Timestamp` per distinct
    date, shared), and the rows with the same missing columns share one list of names.
    """
    n = len(frame)
    names, columns, present = [], [], []
    for c in frame.columns:
        if c in skip:
            continue
        s = frame[c]
        if s.dtype.kind == "M":
            codes, uniq = pd.factorize(s)
            missing = codes < 0
            values = np.array([*uniq, None], dtype=object)[codes]
        else:
            missing = s.isna().to_numpy(dtype=bool)
            values = s.to_numpy(dtype=object, copy=True)
            if s.dtype != object:  # numpy / nullable scalars → plain Python int, float, bool
                values[~missing] = s[~missing].tolist()
        if missing.all():
            continue
        names.append(c)
        columns.append(values)
        present.append(~missing)
    if not names:
        return [{first: value} for _ in range(n)]
    if len(names) < 63:
        pattern = np.zeros(n, dtype=np.int64)
        for j, ok in enumerate(present):
            pattern |= ok.astype(np.int64) << j
        _, row0, inverse = np.unique(pattern, return_index=True, return_inverse=True)
    else:
        _, row0, inverse = np.unique(np.packbits(np.stack(present, axis=1), axis=1), axis=0,
                                     return_index=True, return_inverse=True)
    if len(row0) == 1:
        groups = [(row0[0], slice(None))]
    else:
        groups = [(r0, np.flatnonzero(inverse.ravel() == i)) for i, r0 in enumerate(row0)]
    out = np.empty(n, dtype=object)
    for r0, rows in groups:
        keep = [j for j in range(len(names)) if present[j][r0]]
        keys = (first, *(names[j] for j in keep))
        size = n if isinstance(rows, slice) else len(rows)
        out[rows] = [dict(zip(keys, row)) for row in zip([value] * size, *(columns[j][rows].tolist() for j in keep))]
    return out.tolist()


class MemoryBackend(_query_mixins(), _Core):
    """In-memory backend: the graph as typed tables; queries vectorised with pandas and numpy."""

    name = "memory"
