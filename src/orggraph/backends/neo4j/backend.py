"""The Neo4j backend (``"neo4j"``): the graph lives in a Neo4j (or Bolt-compatible) database.

Node labels are the node kinds, relationship types the edge types, properties
the ledger attributes (and extra columns); dates are Cypher ``date`` values and
a missing value is an absent property. Every statement comes from
:mod:`.cypher` and runs through :class:`.runner.Runner`; the queries run in the
database and only their (small) results come back.
"""

from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pandas as pd

from ... import _types
from ... import rules
from ...errors import NodeNotFound, SchemaError
from ...schema import EDGE_TYPES, NODE_KINDS, TERRITORY_KINDS, edge_type, node_kind
from ..base import Backend
from . import cypher
from .load import LoadReport, discard_load, load_graph
from .queries import QueryMixin
from .runner import Runner

__all__ = ["Neo4jBackend"]


def _typed_columns(attrs, records: list[dict], leading: list[str]) -> pd.DataFrame:
    """A frame with ``leading`` columns, then the schema ``attrs`` typed as in memory, then extra columns."""
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    names = [a.name for a in attrs]
    out = {}
    for col in leading:
        out[col] = pd.Series(frame[col].to_numpy(dtype=object) if col in frame else [], dtype=object)
    for a in attrs:
        if a.name in leading:
            continue
        if a.name in frame:
            out[a.name] = _types.parse(frame[a.name], a.type)[0].reset_index(drop=True)
        else:
            out[a.name] = _types.empty_column(a.type, pd.RangeIndex(len(frame)))
    extras = sorted(c for c in frame.columns if c not in names and c not in leading)
    for c in extras:
        col = frame[c].astype(object)
        out[c] = col.where(col.notna(), None).reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _clean(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in cypher.INTERNAL_PROPERTIES}


class Neo4jBackend(QueryMixin, Backend):
    """Queries and reads in a Neo4j database through one :class:`Runner`."""

    name = "neo4j"

    def __init__(self, runner: Runner, uri: str = ""):
        self.runner = runner
        self.uri = uri
        self._absent: dict = {}  # as_of -> dated rows not existing then (read.absent_structure); cleared by load

    def describe(self) -> str:
        db = self.runner.database or "<home database>"
        return f"neo4j {self.uri} database {db}"

    def __repr__(self) -> str:
        return f"<Neo4jBackend {self.uri} database={self.runner.database!r}>"

    def close(self) -> None:
        self.runner.close()

    # ------------------------------------------------------------ reading
    #: the day this backend reads the tables on (:meth:`at`); None: the whole, undated graph
    as_of = None

    def nodes(self, kind: str) -> pd.DataFrame:
        spec = node_kind(kind)
        dated = self.as_of is not None
        stmt = cypher.read_nodes(spec.name, dated=dated and spec.name in rules.DATED_NODE_KINDS)
        records = [_clean(props) for props in self.runner.rows(stmt, **self._day(stmt))]
        return self._with_refs(spec, records)

    def _day(self, stmt) -> dict:
        """``{"as_of": …}`` for a statement reading the graph as it stood that day."""
        return {"as_of": self.as_of} if "as_of" in stmt.params else {}

    def _with_refs(self, spec, records: list[dict], refs: dict | None = None) -> pd.DataFrame:
        """The typed frame of ``records`` with the reference columns: read here, or given (``refs``: one node's)."""
        frame = _typed_columns(spec.attrs, records, ["id"])
        attr_names = [a.name for a in spec.attrs]
        extras = [c for c in frame.columns if c not in attr_names]
        out = frame[attr_names]
        for ref in spec.refs:
            if refs is not None:
                ref_ids = np.array([refs.get(ref.column)] * len(out), dtype=object)
            else:
                stmt = cypher.read_refs(spec.name, ref.column, dated=self.as_of is not None)
                pairs = pd.DataFrame(self.runner.rows(stmt, **self._day(stmt)), columns=["id", "ref"], dtype=object)
                first = pairs.drop_duplicates("id", keep="first")
                mapping = pd.Series(first["ref"].to_numpy(dtype=object), index=pd.Index(first["id"], dtype=object), dtype=object)
                ref_ids = mapping.reindex(out["id"]).to_numpy(dtype=object, copy=True)
            ref_ids[pd.isna(ref_ids)] = None
            out = out.assign(**{ref.column: pd.Series(ref_ids, index=out.index, dtype=object)})
        return pd.concat([out, frame[extras]], axis=1)

    def node(self, id: str) -> dict:
        """One node, looked up by id in one statement (``read.node``): its kind, properties and references."""
        found = self.runner.records(cypher.get("read.node"), id=str(id))
        if not found:
            raise NodeNotFound(f"no node with id {id!r}")
        r = found[0]
        spec = node_kind(r["kind"])
        rec = self._with_refs(spec, [_clean(r["props"])], refs=r["refs"]).iloc[0].to_dict()
        return {"label": spec.name, **rec}

    def tallies(self) -> tuple[dict[str, int], dict[tuple[str, str], dict]]:
        """Counts and the summary's value counts in one statement (``read.tallies``)."""
        counts = {name: 0 for name in [*NODE_KINDS, *EDGE_TYPES]}
        values: dict[tuple[str, str], dict] = {key: {} for key in self.SUMMARY_COLUMNS}
        for r in self.runner.records(cypher.get("read.tallies")):
            if r["value"] is None:
                counts[r["name"]] = int(r["n"])
            else:
                kind, col = r["name"].split(".", 1)
                values[(kind, col)][r["value"]] = int(r["n"])
        return counts, values

    def containment(self, territory_id: str) -> tuple[set, set]:
        """The territories ``territory_id`` contains and those containing it, in one statement."""
        below, above = set(), set()
        for r in self.runner.records(cypher.SCOPE_CONTAINMENT, within=str(territory_id)):
            (below if r["side"] == "below" else above).add(r["id"])
        return below, above

    def edges(self, type: str) -> pd.DataFrame:
        spec = edge_type(type)
        stmt = cypher.read_edges(spec.name, dated=self.as_of is not None)
        out = self._edge_frame(spec, self.runner.rows(stmt, **self._day(stmt)))
        if self.as_of is not None and spec.name in rules.DATED_EDGE_TYPES:
            # every link left holds that day: undated, as in the in-memory snapshot (TableStore.at)
            for col in ("start", "end"):
                if col in out.columns:
                    out[col] = pd.Series(pd.NaT, index=out.index, dtype=out[col].dtype)
        return out

    @staticmethod
    def _edge_frame(spec, records: list) -> pd.DataFrame:
        """The typed edge table of ``records``: ``[source, target, properties]`` lists (``read.edges``) or
        ``{"source", "target", "props"}`` maps (``read.edges_from``)."""
        rows = [
            {"source": r["source"], "target": r["target"], **_clean(r["props"])} if isinstance(r, dict)
            else {"source": r[0], "target": r[1], **_clean(r[2])}
            for r in records
        ]
        return _typed_columns(spec.attrs, rows, ["source", "target"])

    def kinds_of(self, ids) -> pd.Series:
        ids = pd.Index(pd.Series(list(ids), dtype=object))
        found = self.runner.records(cypher.get("read.kinds_of"), ids=[str(i) for i in pd.unique(ids.to_numpy())])
        kinds = pd.Series({r["id"]: r["kind"] for r in found}, dtype=object)
        return pd.Series(kinds.reindex(ids).to_numpy(dtype=object), index=ids)

    def counts(self) -> dict[str, int]:
        found = {r["name"]: int(r["n"]) for r in self.runner.records(cypher.get("read.counts"))}
        return {name: found.get(name, 0) for name in [*NODE_KINDS, *EDGE_TYPES]}

    def at(self, as_of) -> "Neo4jBackend":
        """The graph as it stood on ``as_of``. Every query statement leaves out, in the database, the territories,
        bodies and structural links (``start`` / ``end``) that do not exist at its ``$as_of`` (see
        ``docs/neo4j.md``); the table reads (:meth:`nodes`, :meth:`edges`), which the queries computed on the
        client use, do the same on the backend returned here: a view on the same database and connection
        reading on ``as_of``, or this backend itself when nothing dated is absent that day."""
        if as_of is None or not self.absent_structure(as_of):
            return self
        view = copy.copy(self)
        view.as_of = as_of
        return view

    def absent_structure(self, as_of) -> int:
        """How many dated territories, bodies and structural links do not exist at ``as_of`` (one scan per date;
        a load through this backend clears the memo)."""
        n = self._absent.get(as_of)
        if n is None:
            found = self.runner.records(cypher.get("read.absent_structure"), as_of=as_of)
            n = self._absent[as_of] = sum(int(r["n"]) for r in found)
        return n

    # ------------------------------------------------------------ whole graph
    def load(self, graph, *, batch_size: int = 10_000, progress: bool | None = None, sync: bool = False) -> LoadReport:
        """Load an in-memory graph (see :mod:`.load` for how a failed load is undone; ``sync=True``: the
        database then holds exactly ``graph``)."""
        self._absent.clear()
        report = load_graph(self.runner, graph, batch_size=batch_size, progress=progress, sync=sync)
        report.counts = self.counts()
        return report

    def discard_load(self, load_id: str) -> int:
        """Delete what a crashed load (``load_id``) left behind; the number of elements deleted."""
        self._absent.clear()
        return discard_load(self.runner, load_id)

    def within_ids(self, territory_id: str) -> pd.Index:
        """Ids of the nodes ``OrgGraph.within`` keeps (same rule as :func:`orggraph.scope.subgraph_ids`)."""
        kind = self.kinds_of([territory_id]).iloc[0]
        if not isinstance(kind, str):
            raise NodeNotFound(f"no node with id {territory_id!r}")
        if kind not in TERRITORY_KINDS:
            raise SchemaError(f"{territory_id!r} is a {kind}, not a territory ({', '.join(TERRITORY_KINDS)})")

        def ids(stmt, **params) -> set[str]:
            return {r["id"] for r in self.runner.records(stmt, **params)}

        territories = ids(cypher.SCOPE_TERRITORIES, within=territory_id)
        bodies = ids(cypher.SCOPE_COVERING_BODIES, ids=sorted(territories))
        frontier = set(bodies)
        while frontier:
            more = ids(cypher.SCOPE_EXPAND_BODIES, ids=sorted(frontier)) - bodies
            bodies |= more
            frontier = more
        people = ids(cypher.SCOPE_PEOPLE, holders=sorted(bodies | territories), territories=sorted(territories))
        return pd.Index(sorted(territories | bodies | people), dtype=object)

    def to_memory(self, within: str | None = None):
        """The graph (or the sub-graph of territory ``within``) as an in-memory backend
        (:class:`~orggraph.backends.memory.MemoryBackend`; ``Neo4jGraph.to_memory`` wraps it in an OrgGraph)."""
        from ..memory import MemoryBackend

        keep = None if within is None else sorted(self.within_ids(within))
        backend = MemoryBackend()
        store = backend.store
        for kind, spec in NODE_KINDS.items():
            if keep is None:
                props = self.runner.rows(cypher.read_nodes(kind))
            else:
                props = [r["props"] for r in self.runner.records(cypher.read_nodes_by_id(kind), ids=keep)]
            if props:
                frame = _typed_columns(spec.attrs, [_clean(p) for p in props], ["id"])
                store.add_nodes(kind, frame)
        for rtype, spec in EDGE_TYPES.items():
            if keep is None:
                recs = self.runner.rows(cypher.read_edges(rtype))
            else:
                recs = self._edges_between(spec, keep)
            if recs:
                store.add_edges(rtype, self._edge_frame(spec, recs))
        return backend

    def _edges_between(self, spec, keep: list[str]) -> list[dict]:
        """Edges of ``spec`` whose two ends are in ``keep``, in load order (looked up from their sources)."""
        wanted = set(keep)
        recs = []
        for source, target in sorted(spec.triples):
            stmt = cypher.read_edges_from(spec.name, source, target)
            recs += [r for r in self.runner.records(stmt, ids=keep) if r["target"] in wanted]
        big = float("inf")
        recs.sort(key=lambda r: (r["loaded"] if r["loaded"] is not None else big, r["seq"] if r["seq"] is not None else big))
        return recs

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a :class:`networkx.MultiDiGraph` (pulled into memory)."""
        return self.to_memory().to_networkx()
