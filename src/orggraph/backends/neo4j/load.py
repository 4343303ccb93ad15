"""Bulk loading of an in-memory graph into Neo4j: batched, idempotent, all-or-nothing.

How a load works (documented for users in ``docs/neo4j.md``)
-----------------------------------------------------------
0. **Schema.** A uniqueness constraint on ``id`` for every node label and an
   index on the edge key of every relationship type are created if missing
   (``IF NOT EXISTS``), before any data is written.
1. **Stage nodes.** ``UNWIND $rows`` batches, each in its own managed write
   transaction (the driver retries transient errors): ``MERGE`` on
   ``(:Label {id})``; a node that did not exist is created with its properties
   and tagged ``_orggraph_load = <load id>``. A node that already existed is
   **not touched**: the statement only reports it when its properties differ
   from the loaded ones.
2. **Stage edges.** Every edge gets a deterministic key (a hash of its type,
   source, target, attributes and occurrence number among identical edges) and
   is ``MERGE``d on it, so loading the same data twice creates nothing new. New
   edges carry the load time and their position (the edge order, which decides
   a node's primary reference column). A new edge between two nodes that
   existed before the load is tagged with the load id; one that touches a node
   staged by this load is not: deleting that node (``DETACH DELETE``) deletes it.
3. **Commit.** One transaction sets the new properties of the pre-existing
   nodes reported in step 1. This is the first and only change to data that
   existed before the load.
4. **Untag.** The load id is removed from the staged nodes and tagged edges.

If anything fails in steps 0–3 (a value the server rejects, a lost connection,
Ctrl-C), the elements tagged with this load id are deleted (edges first, then
nodes with their relationships) and the error is raised again: the database is
as it was before the load. A failure in step 4 leaves harmless tags (readers
ignore internal ``_orggraph_*`` properties; the next load of the same data
rewrites them).

``sync=True``: the database ends holding exactly the graph
------------------------------------------------------------
Steps 0–2 are the same. Before step 3 the client reads the ids of every node
and the key of every relationship of the schema's labels and types, and works
out what the graph no longer has: relationships whose key it lacks (a changed
edge attribute gives a new key, so the old edge goes and the new one was
staged) and nodes whose id it lacks. Step 3's one transaction then also
deletes those, in batches (relationships first, then nodes), and where the
relationships of a type that stay are not in the graph's order (the same edges
in another order are another graph: a unit's first ``COVERS`` is its
``territory_id``), gives those kept from earlier loads the graph's order; a node that stays
loses the properties the graph no longer has (``SET n = props``, as in every
load). So the change is all or nothing: until that transaction commits the
database reads as before (plus nothing: staged elements are tagged and undone
on failure). Step 4 then also removes load tags left by any earlier crashed
load, since everything in the database now belongs to the graph. The counts go
to :class:`LoadReport` (``nodes_removed``, ``edges_removed``,
``properties_removed``). A sync assumes no other load writes the database at
the same time.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

from ...errors import BackendError
from ...schema import EDGE_TYPES, NODE_KINDS
from . import cypher

__all__ = ["LoadReport", "load_graph", "discard_load", "ensure_schema", "to_property"]

_MISSING = object()


@dataclass
class LoadReport:
    """What a load did."""

    load_id: str
    nodes: int = 0
    edges: int = 0
    updated: int = 0
    #: ``load(sync=True)``: the nodes and relationships the graph no longer had, removed
    nodes_removed: int = 0
    edges_removed: int = 0
    #: node properties the graph no longer has, removed from nodes that stay
    properties_removed: int = 0
    sync: bool = False
    batches: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


def to_property(value):
    """A Python/pandas value as a Neo4j property value, or ``_MISSING`` (the property is left out)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return _MISSING
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _MISSING if math.isnan(value) else float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        if value.tz is None and value == value.normalize():
            return value.date()
        return value.isoformat()
    if isinstance(value, _dt.datetime):
        return value.date() if value.time() == _dt.time() and value.tzinfo is None else value.isoformat()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_property(v) for v in value]
    return value  # anything else goes to the server as is (a map is rejected there, as it should be)


def _key_value(v):
    if isinstance(v, _dt.date):
        return ["date", v.isoformat()]
    return v


#: the JSON form of an edge key's payload (one encoder for every edge: ``json.dumps`` would build one per call)
_KEY_JSON = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":")).encode


def _edge_key(rtype: str, source: str, target: str, props: dict, occurrence: int) -> str:
    payload = [rtype, source, target, sorted((k, _key_value(v)) for k, v in props.items()), occurrence]
    return hashlib.sha1(_KEY_JSON(payload).encode("utf-8")).hexdigest()


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _weighted_chunks(weights: dict, size: int) -> Iterator[list]:
    """The keys of ``weights`` in order, in chunks whose weights add up to at most ``size`` (at least one key each)."""
    chunk, total = [], 0
    for key, weight in weights.items():
        if chunk and total + weight > size:
            yield chunk
            chunk, total = [], 0
        chunk.append(key)
        total += weight
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- planning


def _property_value(v):
    """:func:`to_property` with the common cases (str, int, bool, float) decided by exact type first."""
    t = type(v)
    if t is str or t is int or t is bool:
        return v
    if t is float:
        return _MISSING if v != v else v
    return to_property(v)


def _property_column(column: pd.Series) -> list:
    """The column's values as :func:`to_property` makes them (``_MISSING`` for a missing value).

    A tz-naive datetime column is converted as a whole (a value at midnight is a
    ``date``, any other one its ISO text); every other column value by value.
    """
    if pd.api.types.is_datetime64_dtype(column.dtype):
        stamps = column.to_numpy()
        days = stamps.astype("datetime64[D]")
        missing = np.isnat(stamps)
        at_midnight = (days == stamps) & ~missing
        dates = days.astype(object)
        return [
            _MISSING if gone else (day if midnight else to_property(column.iloc[i]))
            for i, (day, gone, midnight) in enumerate(zip(dates, missing.tolist(), at_midnight.tolist()))
        ]
    return [_property_value(v) for v in column.to_numpy(dtype=object)]


def _property_maps(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """One property map per row of ``frame`` over ``columns``: :func:`to_property` of each value, missing ones left out."""
    values = [_property_column(frame[c]) for c in columns]
    if not values:
        return [{} for _ in range(len(frame))]
    return [{k: v for k, v in zip(columns, row) if v is not _MISSING} for row in zip(*values)]


def _node_rows(store) -> dict[str, list[dict]]:
    """Rows per node kind: ``{"id": id, "props": properties}`` (the row format of ``load.node_stage``)."""
    out = {}
    for kind in NODE_KINDS:
        frame = store.node_frame(kind)
        if len(frame):
            ids = [str(v) for v in frame["id"].to_numpy(dtype=object)]
            props = _property_maps(frame, list(frame.columns))
            out[kind] = [{"id": i, "props": p} for i, p in zip(ids, props)]
    return out


def _edge_rows(store) -> tuple[dict[tuple[str, str, str], list[list]], int]:
    """Rows per (type, source kind, target kind): ``[source, target, key, seq, props]`` (see ``load.edge_stage``)."""
    kinds = store.id_index()
    out: dict[tuple[str, str, str], list[list]] = {}
    total = 0
    for rtype in EDGE_TYPES:
        frame = store.edge_frame(rtype)
        if not len(frame):
            continue
        sk = kinds.reindex(frame["source"]).to_numpy(dtype=object)
        tk = kinds.reindex(frame["target"]).to_numpy(dtype=object)
        sources = [str(v) for v in frame["source"].to_numpy(dtype=object)]
        targets = [str(v) for v in frame["target"].to_numpy(dtype=object)]
        props = _property_maps(frame, [c for c in frame.columns if c not in ("source", "target")])
        seen: dict[str, int] = {}
        for seq, (source, target, p, s, t) in enumerate(zip(sources, targets, props, sk, tk)):
            base = _edge_key(rtype, source, target, p, 0)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            key = base if occurrence == 0 else _edge_key(rtype, source, target, p, occurrence)
            out.setdefault((rtype, s, t), []).append([source, target, key, seq, p])
            total += 1
    return out, total


# --------------------------------------------------------------------------- progress


def _interactive() -> bool:
    try:
        from IPython import get_ipython  # type: ignore

        if get_ipython() is not None and "IPKernelApp" in get_ipython().config:
            return True
    except Exception:
        pass
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class _Progress:
    """A rich progress bar over batches, shown only for a multi-batch load on a terminal or notebook."""

    def __init__(self, total: int, enabled: bool | None):
        show = (total > 1 and _interactive()) if enabled is None else (enabled and total > 1)
        self._bar = None
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]orggraph load[/] {task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), transient=True,
            )
            self._task = self._bar.add_task("", total=total)
            self._bar.start()

    def step(self, what: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=what)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# --------------------------------------------------------------------------- the load


def ensure_schema(runner) -> None:
    """Constraints and indexes, created if missing (before any data is written)."""
    for kind in NODE_KINDS:
        runner.write(cypher.constraint(kind))
    for rtype in EDGE_TYPES:
        runner.write(cypher.edge_key_index(rtype))
    runner.write(cypher.unit_id_index())


def _stale(runner, nodes: dict[str, list[dict]], edges: dict[tuple[str, str, str], list[list]], loaded: int):
    """What the database holds and the graph does not: ``({label: [ids]}, {type: [keys]}, {types with unkeyed
    edges}, {type: [[key, seq]]})``; the last are the edges kept from earlier loads of a type whose order in the
    database (``loaded``, ``seq``) is not the graph's: they get the graph's order (this load's ``loaded`` and
    their position in the graph)."""
    wanted_ids = {kind: {r["id"] for r in rows} for kind, rows in nodes.items()}
    wanted_seq: dict[str, dict[str, int]] = {}
    for (rtype, _, _), rows in edges.items():
        wanted_seq.setdefault(rtype, {}).update((row[2], row[3]) for row in rows)
    stale_nodes, stale_edges, unkeyed, reorder = {}, {}, set(), {}
    for kind in NODE_KINDS:
        keep = wanted_ids.get(kind, set())
        gone = sorted({r["id"] for r in runner.records(cypher.node_ids(kind))} - keep, key=str)
        if gone:
            stale_nodes[kind] = gone
    for rtype in EDGE_TYPES:
        seq = wanted_seq.get(rtype, {})
        found = [(r["key"], r["loaded"], r["seq"]) for r in runner.records(cypher.edge_keys(rtype))]
        if any(k is None for k, _, _ in found):
            unkeyed.add(rtype)
        gone = sorted({k for k, _, _ in found if k is not None} - seq.keys())
        if gone:
            stale_edges[rtype] = gone
        # the kept edges as the database orders them (earlier loads first; this load's are in the graph's
        # order already): the graph's order is the same when their positions in the graph increase
        kept = sorted(((lo if lo is not None else -1, sq if sq is not None else -1), k) for k, lo, sq in found
                      if k in seq)
        positions = [seq[k] for _, k in kept]
        if any(b < a for a, b in zip(positions, positions[1:])):
            reorder[rtype] = [[k, seq[k]] for (lo, _), k in kept if lo != loaded]
    return stale_nodes, stale_edges, unkeyed, reorder


def load_graph(
    runner, graph, *, batch_size: int = 10_000, progress: bool | None = None, sync: bool = False
) -> LoadReport:
    """Load the in-memory ``graph`` (an OrgGraph on the memory backend) through ``runner``.

    ``sync=True``: afterwards the database holds exactly ``graph`` (see the module docstring)."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r}: use an integer ≥ 1")
    store = graph.store
    started = time.perf_counter()
    load_id = uuid.uuid4().hex
    loaded = time.time_ns() // 1000  # microseconds: orders the edges of successive loads
    nodes = _node_rows(store)
    edges, n_edges = _edge_rows(store)
    total = sum(math.ceil(len(r) / batch_size) for r in nodes.values()) + sum(
        math.ceil(len(r) / batch_size) for r in edges.values()
    )
    report = LoadReport(load_id, nodes=sum(len(r) for r in nodes.values()), edges=n_edges, batches=total, sync=sync)
    staged_nodes: dict[str, list[str]] = {}
    # per (type, source kind, target kind): source id → number of edges sent from it (a failed load's
    # tagged edges are deleted by source), and the same for the edges the server tagged (untagged by source)
    staged_edges: dict[tuple[str, str, str], dict[str, int]] = {}
    tagged_edges: dict[tuple[str, str, str], dict[str, int]] = {}
    bar = _Progress(total, progress)
    try:
        ensure_schema(runner)
        updates: dict[str, list[dict]] = {}
        for kind, rows in nodes.items():
            stmt = cypher.node_stage(kind)
            by_id = None
            for batch in _chunks(rows, batch_size):
                staged_nodes.setdefault(kind, []).extend(r["id"] for r in batch)
                changed = runner.write(stmt, rows=batch, load=load_id)
                if changed:
                    by_id = by_id or {r["id"]: r for r in rows}
                    updates.setdefault(kind, []).extend(by_id[c["id"]] for c in changed)
                bar.step(kind)
        for (rtype, s, t), rows in edges.items():
            stmt = cypher.edge_stage(rtype, s, t)
            sources = staged_edges.setdefault((rtype, s, t), {})
            for batch in _chunks(rows, batch_size):
                for row in batch:
                    sources[row[0]] = sources.get(row[0], 0) + 1
                done = runner.write(stmt, rows=batch, load=load_id, loaded=loaded)[0]
                if done["n"] != len(batch):
                    raise BackendError(
                        f"{rtype} {s}→{t}: {len(batch) - done['n']} edge(s) of a batch found no endpoint in the database"
                    )
                if done["tagged"]:
                    tagged = tagged_edges.setdefault((rtype, s, t), {})
                    for source in done["tagged"]:
                        tagged[source] = tagged.get(source, 0) + 1
                bar.step(rtype)

        stale_nodes, stale_edges, unkeyed, reorder = _stale(runner, nodes, edges, loaded) if sync else ({}, {}, set(), {})

        def commit(tx):
            removed = {"nodes": 0, "edges": 0, "properties": 0}
            for rtype, keys in stale_edges.items():
                for batch in _chunks(keys, batch_size):
                    removed["edges"] += tx.run(cypher.edge_remove(rtype), keys=batch)[0]["n"]
            for rtype in sorted(unkeyed):
                removed["edges"] += tx.run(cypher.edge_remove_unkeyed(rtype))[0]["n"]
            for kind, ids in stale_nodes.items():
                for batch in _chunks(ids, batch_size):
                    removed["nodes"] += tx.run(cypher.node_remove(kind), ids=batch)[0]["n"]
            for kind, rows in updates.items():
                for batch in _chunks(rows, batch_size):
                    removed["properties"] += tx.run(cypher.node_update(kind), rows=batch)[0]["removed"] or 0
            for rtype, rows in reorder.items():  # kept edges in the graph's order (same transaction)
                for batch in _chunks(rows, batch_size):
                    tx.run(cypher.edge_reorder(rtype), rows=batch, loaded=loaded)
            return removed

        if updates or stale_nodes or stale_edges or unkeyed or reorder:
            removed = runner.transaction(commit)
            report.nodes_removed, report.edges_removed = removed["nodes"], removed["edges"]
            report.properties_removed = removed["properties"]
        report.updated = sum(len(r) for r in updates.values())
    except BaseException as exc:
        bar.close()
        try:
            _discard(runner, load_id, staged_nodes, staged_edges, batch_size)
        except Exception as cleanup:  # pragma: no cover - the server went away
            exc.add_note(
                f"orggraph: the failed load {load_id} could not be cleaned up ({type(cleanup).__name__}); "
                f"run Neo4jBackend.discard_load({load_id!r})"
            )
        raise
    bar.close()
    try:
        for kind, ids in staged_nodes.items():
            for batch in _chunks(ids, batch_size):
                runner.write(cypher.node_unstage(kind), ids=batch, load=load_id)
        for triple, sources in tagged_edges.items():
            for batch in _weighted_chunks(sources, batch_size):
                runner.write(cypher.edge_unstage(*triple), ids=batch, load=load_id)
        if sync:  # everything in the database is the graph now: tags of earlier crashed loads go too
            for stmt in [*map(cypher.node_untag_all, NODE_KINDS), *map(cypher.edge_untag_all, EDGE_TYPES)]:
                while runner.write(stmt, limit=batch_size)[0]["n"]:
                    pass
    except Exception as exc:  # pragma: no cover - the data is loaded; only internal tags remain
        warnings.warn(f"orggraph: load {load_id} succeeded but its staging tags were not all removed: {type(exc).__name__}")
    report.seconds = time.perf_counter() - started
    return report


def _discard(runner, load_id: str, staged_nodes, staged_edges, batch_size: int) -> None:
    """Delete what a failed load staged: tagged edges first, then tagged nodes with their relationships."""
    for triple, sources in staged_edges.items():
        for batch in _weighted_chunks(sources, batch_size):
            runner.write(cypher.edge_discard(*triple), ids=batch, load=load_id)
    for kind, ids in staged_nodes.items():
        for batch in _chunks(ids, batch_size):
            runner.write(cypher.node_discard(kind), ids=batch, load=load_id)


def discard_load(runner, load_id: str, batch_size: int = 10_000) -> int:
    """Delete every element still tagged with ``load_id``, and the relationships of its tagged nodes (recovery
    after a crashed loader); the number of nodes and relationships deleted."""
    deleted = 0
    for rtype in EDGE_TYPES:
        while n := runner.write(cypher.edge_discard_all(rtype), load=load_id, limit=batch_size)[0]["n"]:
            deleted += n
    for kind in NODE_KINDS:
        for stmt in (cypher.node_discard_edges_all(kind), cypher.node_discard_all(kind)):
            while n := runner.write(stmt, load=load_id, limit=batch_size)[0]["n"]:
                deleted += n
    return deleted
