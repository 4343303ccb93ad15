"""The in-memory backend (``"memory"``): typed tables, vectorised queries, networkx on demand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ...schema import EDGE_TYPES, NODE_KINDS
from ..base import Backend
from .store import TableStore

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

        return self.store.cached(("nodes_by_id", kind), build).copy()

    def edges(self, type: str) -> pd.DataFrame:
        return self.store.edges(type)

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

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a :class:`networkx.MultiDiGraph` (cached until the next change).

        Nodes carry ``label`` (the node kind) and their attributes; edges are keyed by their type and
        carry ``type`` and their attributes. Missing values are left out.
        """
        return self.store.cached("nx", self._build_nx)

    def _build_nx(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        for kind in NODE_KINDS:
            f = self.store.node_frame(kind)
            if not len(f):
                continue
            recs = f.to_dict("records")
            g.add_nodes_from(
                (r["id"], {"label": kind, **{k: v for k, v in r.items() if k != "id" and not _missing(v)}})
                for r in recs
            )
        for etype in EDGE_TYPES:
            f = self.store.edge_frame(etype)
            if not len(f):
                continue
            recs = f.to_dict("records")
            g.add_edges_from(
                (
                    r["source"],
                    r["target"],
                    etype,
                    {"type": etype, **{k: v for k, v in r.items() if k not in ("source", "target") and not _missing(v)}},
                )
                for r in recs
            )
        return g


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


class MemoryBackend(_query_mixins(), _Core):
    """In-memory backend: the graph as typed tables; queries vectorised with pandas and numpy."""

    name = "memory"
