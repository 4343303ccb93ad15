"""Every Cypher statement the Neo4j backend can send, in one place.

Statements are constants built at import time from library constants only:
labels and relationship types come from :mod:`orggraph.schema` (never from
user data), and every value travels as a ``$parameter``. Statements whose
label or type slot is filled from the schema are *templates*; they are
expanded here into one concrete statement per label, type or allowed
(source, type, target) triple, so that :func:`all_statements` lists every text
the backend can send (the lint test feeds them all to Neo4j's own Cypher
front end).

Names are ``<area>.<what>`` with the schema slot in brackets:
``load.node_stage[Community]``, ``load.edge_stage[CONTAINS:Street>Community]``.

Conventions (see ``docs/neo4j.md`` and ``docs/arcadedb-notes.md``)
------------------------------------------------------------------
* Nodes are identified by their ``id`` property, never by ``elementId``/``id()``.
* Internal properties start with ``_orggraph_``: ``_orggraph_key`` (the
  deterministic key an edge is MERGEd on), ``_orggraph_loaded`` and
  ``_orggraph_seq`` (load time and position: the order of the edges, which
  decides a node's primary reference such as a community's ``street_id``),
  ``_orggraph_load`` (the id of the load that staged an element, removed when
  the load finishes). Readers drop them.
* A post is current at ``$as_of`` when ``(r.start IS NULL OR r.start <= $as_of)
  AND (r.end IS NULL OR r.end > $as_of)``; dates are Cypher ``date`` values.
* The domain rules come from :mod:`orggraph.rules`: those a user may change
  (which levels make a community's party organisation, the roles of 一肩挑 …)
  are ``$parameters`` filled from :func:`orggraph.rules.cypher_params` when a
  statement runs; the fixed vocabulary (area and unit kinds, the operators of
  the current-post rule) is spliced in from the same constants here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ... import rules
from ...schema import EDGE_TYPES, NODE_KINDS, TERRITORY_KINDS

__all__ = ["Statement", "all_statements", "get", "INTERNAL_PROPERTIES"]

#: properties the backend keeps for itself; never part of the graph
INTERNAL_PROPERTIES = ("_orggraph_key", "_orggraph_load", "_orggraph_loaded", "_orggraph_seq")

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Statement:
    """A named Cypher statement and the names of its parameters (found in the text)."""

    name: str
    text: str

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(sorted(set(_PARAM.findall(self.text))))


# --------------------------------------------------------------------------- schema slots

_LABEL = re.compile(r"^[A-Z][A-Za-z]*$")
_TYPE = re.compile(r"^[A-Z][A-Z_]*$")


def _label(name: str) -> str:
    if name not in NODE_KINDS or not _LABEL.match(name):
        raise ValueError(f"not a node kind of the schema: {name!r}")
    return name


def _rtype(name: str) -> str:
    if name not in EDGE_TYPES or not _TYPE.match(name):
        raise ValueError(f"not an edge type of the schema: {name!r}")
    return name


def _labels(names) -> str:
    """``A|B|C`` label expression from schema kinds."""
    return "|".join(_label(n) for n in names)


TERRITORY = _labels(TERRITORY_KINDS)
BODY = _labels(("PartyOrg", "Unit"))
HOLDER = _labels(("PartyOrg", "Unit", "Grid"))

# --------------------------------------------------------------------------- fragments


_WORD = re.compile(r"^[a-z][a-z_]*$")
_OPERATORS = ("<=", "<", ">", ">=")


def _lit(value: str) -> str:
    """A Cypher string literal of a rule constant (a lower-case word of :mod:`orggraph.rules`, never user data)."""
    if not _WORD.match(value):
        raise ValueError(f"not a rule word: {value!r}")
    return f"'{value}'"


def _op(op: str) -> str:
    if op not in _OPERATORS:
        raise ValueError(f"not a comparison operator: {op!r}")
    return op


def _current(r: str) -> str:
    """Post ``r`` is current at ``$as_of`` (:func:`orggraph.rules.current_mask`: start <= as_of < end)."""
    return (
        f"({r}.start IS NULL OR {r}.start {_op(rules.CURRENT_START_OP)} $as_of) "
        f"AND ({r}.end IS NULL OR {r}.end {_op(rules.CURRENT_END_OP)} $as_of)"
    )


def _exists(x: str) -> str:
    """Dated node or structural edge ``x`` exists at ``$as_of`` (:func:`orggraph.rules.exists_mask`)."""
    return (
        f"({x}.start IS NULL OR {x}.start {_op(rules.EXISTS_START_OP)} $as_of) "
        f"AND ({x}.end IS NULL OR {x}.end {_op(rules.EXISTS_END_OP)} $as_of)"
    )


def _absent_structure() -> Statement:
    """How many dated nodes and structural edges do not exist at ``$as_of`` (0: the graph is as it stood then)."""
    parts = [f"MATCH (n:{_label(L)}) WHERE NOT ({_exists('n')}) RETURN count(n) AS n" for L in rules.DATED_NODE_KINDS]
    parts += [f"MATCH ()-[r:{_rtype(T)}]->() WHERE NOT ({_exists('r')}) RETURN count(r) AS n" for T in rules.DATED_EDGE_TYPES]
    return Statement("read.absent_structure", "\nUNION ALL\n".join(parts))


def _reported(r: str) -> str:
    """Report ``r`` counts at ``$as_of`` (:func:`orggraph.rules.reported_mask`)."""
    return f"({r}.date IS NULL OR {r}.date {_op(rules.REPORT_DATE_OP)} $as_of)"


def _community_party_org(b: str) -> str:
    """``b`` is a community's own party organisation (:func:`orggraph.rules.is_community_party_org`)."""
    return f"{b}:PartyOrg AND {b}.level IN $community_levels AND {b}.unit_id IS NULL"


def _edge_order(e: str) -> str:
    return f"{e}._orggraph_loaded, {e}._orggraph_seq"


def _ex(*xs: str) -> str:
    """Every node or structural edge of ``xs`` exists at ``$as_of`` (:func:`_exists`; true for one without dates)."""
    return " AND ".join(f"({_exists(x)})" for x in xs)


def _path_ex(p: str) -> str:
    """Every node and relationship of path ``p`` exists at ``$as_of``: a containment or coverage that
    did not hold that day, or passes through a territory or body that did not exist, does not count."""
    return f"all(z IN nodes({p}) WHERE {_exists('z')}) AND all(z IN relationships({p}) WHERE {_exists('z')})"


def _territory_by_id(out: str, key: str, carry: str = "") -> str:
    """``OPTIONAL MATCH`` the territory whose id is ``key`` as ``out`` (null when there is none), one lookup through
    each territory label's unique index: a label disjunction ``(t:District|Street|… {id: …})`` is a scan of every
    territory on ArcadeDB, once per row. Ids are unique across labels (schema ``id``), so at most one matches.
    ``carry``: the variables to keep (``"p, "``)."""
    parts = [f"{out}_{i}" for i in range(len(TERRITORY_KINDS))]
    matches = "".join(
        f"OPTIONAL MATCH ({v}:{_label(L)} {{id: {key}}})\n" for v, L in zip(parts, TERRITORY_KINDS)
    )
    return f"{matches}WITH {carry}coalesce({', '.join(parts)}) AS {out}\n"


def _and(*conds: str) -> str:
    """The conjunction of the non-empty conditions (``true`` when there is none)."""
    return " AND ".join(c for c in conds if c) or "true"


class _Scope:
    """The scope test of a query statement: the ``$within`` subtree, or nothing at all (``on`` false).

    A statement built without scope has no ``$within`` in its text, so the
    database never evaluates a scope test when there is no scope.
    """

    def __init__(self, on: bool):
        self.on = on

    def territory(self, x: str, path: str = "wp") -> str:
        """Territory ``x`` is ``$within`` or inside it, along containments that hold at ``$as_of``."""
        if not self.on:
            return ""
        return (
            f"EXISTS {{ MATCH {path} = ({x})<-[:CONTAINS*0..]-(w:{TERRITORY} {{id: $within}}) "
            f"WHERE {_path_ex(path)} }}"
        )

    def body(self, x: str, path: str = "wp") -> str:
        """Body ``x`` covers (at ``$as_of``) a territory in scope."""
        if not self.on:
            return ""
        return (
            f"EXISTS {{ MATCH {path} = ({x})-[:COVERS]->(:{TERRITORY})<-[:CONTAINS*0..]-(w:{TERRITORY} {{id: $within}}) "
            f"WHERE {_path_ex(path)} }}"
        )

    def flag(self, cond: str) -> str:
        """A boolean column: ``cond`` when scoped, else ``true``."""
        return cond if self.on else "true"


@dataclass(frozen=True)
class Scoped:
    """One query statement built twice: ``plain`` (no scope test, for ``within=None``) and ``scoped``."""

    plain: Statement
    scoped: Statement

    @property
    def name(self) -> str:
        return self.plain.name

    @property
    def params(self) -> tuple[str, ...]:
        """The parameters of the scoped variant (the plain one takes the same without ``within``)."""
        return self.scoped.params

    @property
    def variants(self) -> tuple[Statement, Statement]:
        return (self.plain, self.scoped)

    def pick(self, within) -> Statement:
        """The variant to run for ``within`` (None: the plain one)."""
        return self.plain if within is None else self.scoped


def _scoped(name: str, build) -> Scoped:
    """``build(scope)`` → text, once without scope (``name``) and once with (``name[within]``)."""
    return Scoped(Statement(name, build(_Scope(False))), Statement(f"{name}[within]", build(_Scope(True))))


def _primary_street(c: str, out: str) -> str:
    """Subquery: the community's primary street (its ledger ``street_id``, of the links holding at ``$as_of``) as ``out``."""
    return (
        f"CALL ({c}) {{ OPTIONAL MATCH ({c})<-[pe:CONTAINS]-(ps:Street) WHERE {_ex('pe', 'ps')} "
        f"RETURN ps AS {out} ORDER BY {_edge_order('pe')} LIMIT 1 }}"
    )


def _locate(x: str, body: bool) -> str:
    """Subquery: ``community_id, community_name, street_id, street_name`` of territory or body ``x``.

    The smallest community that is or contains it (for a body: a territory it covers);
    the street is that community's street, else the smallest street containing it;
    only along links and through territories that exist at ``$as_of``.
    """
    hop = "-[:COVERS]->(:" + TERRITORY + ")<-[:CONTAINS*0..]-" if body else "<-[:CONTAINS*0..]-"
    return (
        f"CALL ({x}) {{\n"
        f"  OPTIONAL MATCH lp = ({x}){hop}(lc:Community) WHERE {_path_ex('lp')}\n"
        f"  WITH {x}, lc ORDER BY lc.id LIMIT 1\n"
        f"  {_primary_street('lc', 'lcs')}\n"
        f"  CALL ({x}) {{ OPTIONAL MATCH sp = ({x}){hop}(ls:Street) WHERE {_path_ex('sp')} RETURN ls ORDER BY ls.id LIMIT 1 }}\n"
        f"  WITH lc, CASE WHEN lc IS NULL THEN ls ELSE lcs END AS lst\n"
        f"  RETURN lc.id AS community_id, lc.name AS community_name, lst.id AS street_id, lst.name AS street_name\n"
        f"}}"
    )


# --------------------------------------------------------------------------- templates (schema slots)


def constraint(label: str) -> Statement:
    L = _label(label)
    return Statement(
        f"schema.constraint[{L}]", f"CREATE CONSTRAINT orggraph_{L}_id IF NOT EXISTS FOR (n:{L}) REQUIRE n.id IS UNIQUE"
    )


def edge_key_index(rtype: str) -> Statement:
    T = _rtype(rtype)
    return Statement(
        f"schema.edge_key_index[{T}]",
        f"CREATE INDEX orggraph_{T}_key IF NOT EXISTS FOR ()-[r:{T}]-() ON (r._orggraph_key)",
    )


def unit_id_index() -> Statement:
    return Statement(
        "schema.unit_id_index[PartyOrg]", "CREATE INDEX orggraph_PartyOrg_unit_id IF NOT EXISTS FOR (n:PartyOrg) ON (n.unit_id)"
    )


def node_stage(label: str) -> Statement:
    """Create the missing nodes (tagged with the load); return the pre-existing ones whose properties differ."""
    L = _label(label)
    return Statement(
        f"load.node_stage[{L}]",
        f"UNWIND $rows AS row\n"
        f"MERGE (n:{L} {{id: row.id}})\n"
        f"ON CREATE SET n = row.props, n._orggraph_load = $load\n"
        f"WITH n, row\n"
        f"WHERE coalesce(n._orggraph_load, '') <> $load AND properties(n) <> row.props\n"
        f"RETURN row.id AS id",
    )


def node_update(label: str) -> Statement:
    """The final step of a load: pre-existing nodes take their new properties (``SET n =``: the
    properties the loaded row lacks go); returns how many graph properties were removed."""
    L = _label(label)
    return Statement(
        f"load.node_update[{L}]",
        f"UNWIND $rows AS row\nMATCH (n:{L} {{id: row.id}})\n"
        f"WITH n, row, size([k IN keys(n) WHERE NOT k IN keys(row.props) AND NOT k STARTS WITH '_orggraph_']) AS gone\n"
        f"SET n = row.props\nRETURN count(n) AS n, sum(gone) AS removed",
    )


def node_ids(label: str) -> Statement:
    """Sync: the ids of every node of a label (the client works out which the graph no longer has)."""
    L = _label(label)
    return Statement(f"sync.node_ids[{L}]", f"MATCH (n:{L})\nRETURN n.id AS id")


def edge_keys(rtype: str) -> Statement:
    """Sync: the key of every relationship of a type (null for one not written by orggraph), with its order
    (``loaded``, ``seq``: when and at which position it was written)."""
    T = _rtype(rtype)
    return Statement(f"sync.edge_keys[{T}]", f"MATCH ()-[r:{T}]->()\n"
                     f"RETURN r._orggraph_key AS key, r._orggraph_loaded AS loaded, r._orggraph_seq AS seq")


def edge_reorder(rtype: str) -> Statement:
    """Sync commit: give relationships kept from earlier loads this load's order (rows ``[key, seq]``), found by key
    through the key index, so the type reads back in the graph's order (the first ``COVERS`` of a unit is its
    ``territory_id``)."""
    T = _rtype(rtype)
    return Statement(
        f"sync.edge_reorder[{T}]",
        f"UNWIND $rows AS row\nMATCH ()-[r:{T} {{_orggraph_key: row[0]}}]->()\n"
        f"SET r._orggraph_loaded = $loaded, r._orggraph_seq = row[1]\nRETURN count(*) AS n",
    )


def node_remove(label: str) -> Statement:
    """Sync commit: delete nodes the graph no longer has (their relationships went before, as stale edges)."""
    L = _label(label)
    return Statement(
        f"sync.node_remove[{L}]", f"UNWIND $ids AS id\nMATCH (n:{L} {{id: id}})\nDETACH DELETE n\nRETURN count(*) AS n"
    )


def edge_remove(rtype: str) -> Statement:
    """Sync commit: delete relationships by key (found through the key index)."""
    T = _rtype(rtype)
    return Statement(
        f"sync.edge_remove[{T}]",
        f"UNWIND $keys AS key\nMATCH ()-[r:{T} {{_orggraph_key: key}}]->()\nDELETE r\nRETURN count(*) AS n",
    )


def edge_remove_unkeyed(rtype: str) -> Statement:
    """Sync commit: delete relationships without a key (not written by orggraph, so not in the graph)."""
    T = _rtype(rtype)
    return Statement(
        f"sync.edge_remove_unkeyed[{T}]",
        f"MATCH ()-[r:{T}]->()\nWHERE r._orggraph_key IS NULL\nDELETE r\nRETURN count(*) AS n",
    )


def node_untag_all(label: str) -> Statement:
    """After a sync: remove a batch of load tags left by any earlier (crashed) load."""
    L = _label(label)
    return Statement(
        f"sync.node_untag_all[{L}]",
        f"MATCH (n:{L})\nWHERE n._orggraph_load IS NOT NULL\nWITH n LIMIT $limit\nREMOVE n._orggraph_load\nRETURN count(*) AS n",
    )


def edge_untag_all(rtype: str) -> Statement:
    """After a sync: remove a batch of load tags left on relationships by any earlier (crashed) load."""
    T = _rtype(rtype)
    return Statement(
        f"sync.edge_untag_all[{T}]",
        f"MATCH ()-[r:{T}]->()\nWHERE r._orggraph_load IS NOT NULL\nWITH r LIMIT $limit\nREMOVE r._orggraph_load\n"
        f"RETURN count(*) AS n",
    )


def edge_stage(rtype: str, source: str, target: str) -> Statement:
    """Create the edges whose key is not in the database yet, between nodes identified by id; return how many
    rows found both ends, and the sources of the edges tagged with the load.

    A row is a list ``[source id, target id, key, seq, properties]`` (a list, not a
    map: the driver then packs no key names, a third less to encode per edge).
    A new edge is tagged with the load only when both its ends existed before
    the load: an edge that touches a node staged by this load (tagged with it)
    goes with that node (``DETACH DELETE``) if the load is undone, so it needs no
    tag of its own, nor untagging afterwards.

    The existing edge is looked up by its key through the key index, forced by a
    hint (``USING INDEX SEEK``), and the edge is created only when none was found:
    a ``MERGE`` of the pattern leaves that lookup to the planner, and Neo4j, planning
    the statement while the type still has no relationships (the first batch of a
    load into an empty database) may cache a plan that scans the whole key index
    once per row, which makes a batch quadratic in its size (4 s and 11 s for the
    2,000-row batches of xiaonan's reports). The key is unique per edge and a load
    runs alone (docs/neo4j.md), so a row finds its edge or creates it exactly
    once, and a batch sent again creates nothing twice.
    """
    T, S, U = _rtype(rtype), _label(source), _label(target)
    staged = "coalesce(a._orggraph_load, '') = $load OR coalesce(b._orggraph_load, '') = $load"
    return Statement(
        f"load.edge_stage[{T}:{S}>{U}]",
        f"UNWIND $rows AS row\n"
        f"WITH row[0] AS source, row[1] AS target, row[2] AS key, row[3] AS seq, row[4] AS props\n"
        f"MATCH (a:{S} {{id: source}})\n"
        f"MATCH (b:{U} {{id: target}})\n"
        f"OPTIONAL MATCH (a)-[old:{T} {{_orggraph_key: key}}]->(b) USING INDEX SEEK old:{T}(_orggraph_key)\n"
        f"WITH a, b, source, key, seq, props, old, CASE WHEN old IS NULL AND NOT ({staged}) THEN $load END AS tag\n"
        f"FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |\n"
        f"  CREATE (a)-[r:{T} {{_orggraph_key: key}}]->(b)\n"
        f"  SET r += props, r._orggraph_loaded = $loaded, r._orggraph_seq = seq, r._orggraph_load = tag)\n"
        f"RETURN count(*) AS n, collect(CASE WHEN coalesce(old._orggraph_load, tag) = $load THEN source END) AS tagged",
    )


def node_unstage(label: str) -> Statement:
    L = _label(label)
    return Statement(
        f"load.node_unstage[{L}]",
        f"UNWIND $ids AS id\nMATCH (n:{L} {{id: id}})\nWHERE n._orggraph_load = $load\nREMOVE n._orggraph_load\nRETURN count(n) AS n",
    )


def edge_unstage(rtype: str, source: str, target: str) -> Statement:
    """Remove the load tag from the staged edges leaving the given source nodes (found by their indexed id)."""
    T, S, U = _rtype(rtype), _label(source), _label(target)
    return Statement(
        f"load.edge_unstage[{T}:{S}>{U}]",
        f"UNWIND $ids AS id\nMATCH (:{S} {{id: id}})-[r:{T}]->(:{U})\n"
        f"WHERE r._orggraph_load = $load\nREMOVE r._orggraph_load\nRETURN count(r) AS n",
    )


def node_discard(label: str) -> Statement:
    L = _label(label)
    return Statement(
        f"load.node_discard[{L}]",
        f"UNWIND $ids AS id\nMATCH (n:{L} {{id: id}})\nWHERE n._orggraph_load = $load\nDETACH DELETE n\nRETURN count(*) AS n",
    )


def edge_discard(rtype: str, source: str, target: str) -> Statement:
    """Delete the staged edges leaving the given source nodes (a failed load's clean-up)."""
    T, S, U = _rtype(rtype), _label(source), _label(target)
    return Statement(
        f"load.edge_discard[{T}:{S}>{U}]",
        f"UNWIND $ids AS id\nMATCH (:{S} {{id: id}})-[r:{T}]->(:{U})\n"
        f"WHERE r._orggraph_load = $load\nDELETE r\nRETURN count(*) AS n",
    )


def node_discard_all(label: str) -> Statement:
    """Recovery: delete a batch of the nodes a load left behind (``Neo4jBackend.discard_load``)."""
    L = _label(label)
    return Statement(
        f"load.node_discard_all[{L}]",
        f"MATCH (n:{L})\nWHERE n._orggraph_load = $load\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*) AS n",
    )


def node_discard_edges_all(label: str) -> Statement:
    """Recovery: delete a batch of the relationships of the nodes a load left behind (counted before the nodes go)."""
    L = _label(label)
    return Statement(
        f"load.node_discard_edges_all[{L}]",
        f"MATCH (n:{L})-[r]-()\nWHERE n._orggraph_load = $load\nWITH DISTINCT r LIMIT $limit\nDELETE r\nRETURN count(*) AS n",
    )


def edge_discard_all(rtype: str) -> Statement:
    T = _rtype(rtype)
    return Statement(
        f"load.edge_discard_all[{T}]",
        f"MATCH ()-[r:{T}]->()\nWHERE r._orggraph_load = $load\nWITH r LIMIT $limit\nDELETE r\nRETURN count(*) AS n",
    )


#: rows per record of a whole-table read (:func:`_chunked`)
READ_CHUNK = 5000


def _chunked(body: str, row: str) -> str:
    """A whole-table read returning its rows ``row`` (a list or map per element, in the order ``body`` sorts them)
    in records of :data:`READ_CHUNK` rows, as lists: the driver then decodes one Bolt message per chunk instead of
    one per row, which is most of the client's time on a table of thousands of rows
    (:meth:`.runner.Runner.rows` flattens them)."""
    return (
        f"{body}\nWITH collect({row}) AS rows\n"
        f"UNWIND range(0, size(rows) - 1, {READ_CHUNK}) AS i\nRETURN rows[i..i + {READ_CHUNK}] AS chunk"
    )


def read_nodes(label: str, dated: bool = False) -> Statement:
    """Every node of ``label`` (its properties, by id; in chunks, :func:`_chunked`); ``dated``: only those existing
    at ``$as_of`` (:func:`orggraph.rules.exists_mask`)."""
    L = _label(label)
    if dated:
        return Statement(
            f"read.nodes_at[{L}]", _chunked(f"MATCH (n:{L})\nWHERE {_exists('n')}\nWITH n ORDER BY n.id", "properties(n)")
        )
    return Statement(f"read.nodes[{L}]", _chunked(f"MATCH (n:{L})\nWITH n ORDER BY n.id", "properties(n)"))


def read_nodes_by_id(label: str) -> Statement:
    L = _label(label)
    return Statement(
        f"read.nodes_by_id[{L}]", f"UNWIND $ids AS id\nMATCH (n:{L} {{id: id}})\nRETURN properties(n) AS props\nORDER BY n.id"
    )


def read_refs(label: str, column: str, dated: bool = False) -> Statement:
    """Every ``[node id, referenced node id]`` pair behind a reference column, in edge order (the first one is the
    column; in chunks, :func:`_chunked`); ``dated``: only links whose nodes (and, for a structural link, the link
    itself) exist at ``$as_of``."""
    spec = NODE_KINDS[_label(label)]
    ref = next(r for r in spec.refs if r.column == column)
    T, other = _rtype(ref.edge), _labels(ref.targets)
    pattern = f"(n:{spec.name})<-[e:{T}]-(m:{other})" if ref.incoming else f"(n:{spec.name})-[e:{T}]->(m:{other})"
    if dated:
        return Statement(
            f"read.refs_at[{spec.name}.{column}]",
            _chunked(f"MATCH {pattern}\nWHERE {_ex(*_dated_parts(T, 'e', 'n', 'm'))}\nWITH n, m ORDER BY {_edge_order('e')}",
                     "[n.id, m.id]"),
        )
    return Statement(
        f"read.refs[{spec.name}.{column}]",
        _chunked(f"MATCH {pattern}\nWITH n, m ORDER BY {_edge_order('e')}", "[n.id, m.id]"),
    )


def _dated_parts(rtype: str, r: str, a: str, b: str) -> tuple[str, ...]:
    """What must exist for link ``r`` of type ``rtype`` between ``a`` and ``b`` to hold at ``$as_of``: both nodes
    (a node of a kind without dates always does), and the link itself when its type is structural (dated)."""
    return (r, a, b) if rtype in rules.DATED_EDGE_TYPES else (a, b)


def read_edges(rtype: str, dated: bool = False) -> Statement:
    """Every edge of ``rtype`` as ``[source id, target id, properties]`` in edge order (in chunks, :func:`_chunked`);
    ``dated``: those holding at ``$as_of`` (:func:`_dated_parts`)."""
    T = _rtype(rtype)
    if dated:
        return Statement(
            f"read.edges_at[{T}]",
            _chunked(f"MATCH (a)-[r:{T}]->(b)\nWHERE {_ex(*_dated_parts(T, 'r', 'a', 'b'))}\n"
                     f"WITH a, b, r ORDER BY {_edge_order('r')}", "[a.id, b.id, properties(r)]"),
        )
    return Statement(
        f"read.edges[{T}]",
        _chunked(f"MATCH (a)-[r:{T}]->(b)\nWITH a, b, r ORDER BY {_edge_order('r')}", "[a.id, b.id, properties(r)]"),
    )


def read_edges_from(rtype: str, source: str, target: str) -> Statement:
    """The edges leaving the given nodes (found by id), with their order keys; the caller keeps those it needs."""
    T, S, U = _rtype(rtype), _label(source), _label(target)
    return Statement(
        f"read.edges_from[{T}:{S}>{U}]",
        f"UNWIND $ids AS id\nMATCH (a:{S} {{id: id}})-[r:{T}]->(b:{U})\n"
        f"RETURN a.id AS source, b.id AS target, properties(r) AS props, r._orggraph_loaded AS loaded, r._orggraph_seq AS seq",
    )


def _counts() -> Statement:
    parts = [f"MATCH (n:{L}) RETURN '{L}' AS name, count(n) AS n" for L in NODE_KINDS]
    parts += [f"MATCH ()-[r:{_rtype(T)}]->() RETURN '{T}' AS name, count(r) AS n" for T in EDGE_TYPES]
    return Statement("read.counts", "\nUNION ALL\n".join(parts))


def _node() -> Statement:
    """One node by id (through each label's unique index): its kind, properties and reference columns
    (the first referenced node in edge order, as :func:`read_refs`), as a map."""
    parts = []
    for L, spec in NODE_KINDS.items():
        calls, refs = "", []
        for i, ref in enumerate(spec.refs):
            T, other = _rtype(ref.edge), _labels(ref.targets)
            hop = f"(n)<-[e:{T}]-(m:{other})" if ref.incoming else f"(n)-[e:{T}]->(m:{other})"
            calls += f"CALL (n) {{ OPTIONAL MATCH {hop} RETURN m.id AS r{i} ORDER BY {_edge_order('e')} LIMIT 1 }}\n"
            refs.append(f"{ref.column}: r{i}")
        parts.append(
            f"MATCH (n:{_label(L)} {{id: $id}})\n{calls}"
            f"RETURN '{L}' AS kind, properties(n) AS props, {{{', '.join(refs)}}} AS refs"
        )
    return Statement("read.node", "\nUNION ALL\n".join(parts))


def _tallies() -> Statement:
    """The counts of :func:`_counts` (value null) and the value counts of the summary's columns, in one statement."""
    from ..base import Backend

    parts = [f"MATCH (n:{L}) RETURN '{L}' AS name, null AS value, count(n) AS n" for L in NODE_KINDS]
    parts += [f"MATCH ()-[r:{_rtype(T)}]->() RETURN '{T}' AS name, null AS value, count(r) AS n" for T in EDGE_TYPES]
    for L, col in Backend.SUMMARY_COLUMNS:
        if not _WORD.match(col):
            raise ValueError(f"not a column name: {col!r}")
        parts.append(f"MATCH (n:{_label(L)}) WHERE n.{col} IS NOT NULL RETURN '{L}.{col}' AS name, n.{col} AS value, count(n) AS n")
    return Statement("read.tallies", "\nUNION ALL\n".join(parts))


def _kinds_of() -> Statement:
    parts = [f"UNWIND $ids AS id MATCH (n:{_label(L)} {{id: id}}) RETURN id, '{L}' AS kind" for L in NODE_KINDS]
    return Statement("read.kinds_of", "\nUNION ALL\n".join(parts))


# --------------------------------------------------------------------------- the sub-graph of a territory (OrgGraph.within)

def _per_label(template: str, labels, union: str = "UNION") -> str:
    """``template`` (with a ``{L}`` slot) once per label, joined by UNION: each branch looks its node up by id
    through that label's unique index (a label disjunction ``(x:A|B {id: …})`` is a scan on ArcadeDB)."""
    return f"\n{union}\n".join(template.format(L=_label(L)) for L in labels)


SCOPE_TERRITORIES = Statement(
    "scope.territories",
    _per_label("MATCH (w:{L} {{id: $within}})-[:CONTAINS*0..]->(t) RETURN t.id AS id", TERRITORY_KINDS),
)

#: the territories $within contains (side 'below') and those containing it ('above'), itself in both
SCOPE_CONTAINMENT = Statement(
    "scope.containment",
    _per_label("MATCH (w:{L} {{id: $within}})-[:CONTAINS*0..]->(t) RETURN t.id AS id, 'below' AS side", TERRITORY_KINDS,
               "UNION ALL")
    + "\nUNION ALL\n"
    + _per_label("MATCH (w:{L} {{id: $within}})<-[:CONTAINS*0..]-(t) RETURN t.id AS id, 'above' AS side", TERRITORY_KINDS,
                 "UNION ALL"),
)

SCOPE_COVERING_BODIES = Statement(
    "scope.covering_bodies",
    _per_label("UNWIND $ids AS id MATCH (t:{L} {{id: id}})<-[:COVERS]-(b) RETURN b.id AS id", TERRITORY_KINDS),
)

SCOPE_EXPAND_BODIES = Statement(
    "scope.expand_bodies",
    _per_label("UNWIND $ids AS id MATCH (b:{L} {{id: id}})<-[:SUBORDINATE_TO]-(x) RETURN x.id AS id", ("PartyOrg", "Unit"))
    + "\nUNION\nUNWIND $ids AS id MATCH (x:PartyOrg {unit_id: id}) RETURN x.id AS id",
)

SCOPE_PEOPLE = Statement(
    "scope.people",
    _per_label("UNWIND $holders AS id MATCH (x:{L} {{id: id}})<-[:HOLDS_POST]-(p) RETURN p.id AS id", ("PartyOrg", "Unit", *TERRITORY_KINDS))
    + "\nUNION\n"
    + _per_label("UNWIND $territories AS id MATCH (x:{L} {{id: id}})<-[:REPORTS_TO|LIAISES]-(p) RETURN p.id AS id", TERRITORY_KINDS)
    # party members of included organisations (组织关系) and members looking after included territories (联系户/责任区)
    + "\nUNION\n"
    + _per_label("UNWIND $holders AS id MATCH (x:{L} {{id: id}})<-[:MEMBER_OF]-(p) RETURN p.id AS id", ("PartyOrg",))
    + "\nUNION\n"
    + _per_label("UNWIND $territories AS id MATCH (x:{L} {{id: id}})<-[:RESPONSIBLE_FOR]-(p) RETURN p.id AS id",
                 ("Area", "Community", "Grid")),
)

# --------------------------------------------------------------------------- appointments (交叉任职率, 一肩挑)
#
# Every query statement below leaves out what did not exist at $as_of (rules.exists_mask): each dated
# node (territory, body) and structural edge (CONTAINS, COVERS, SUBORDINATE_TO) it matches is tested
# with _ex / _path_ex, and a post, report or membership counts only with its body or territory existing.


def _community_place(sc: _Scope) -> str:
    """The communities existing at ``$as_of`` in scope, with their primary street and that street's district."""
    return (
        f"MATCH (c:Community)\nWHERE {_and(_ex('c'), sc.territory('c'))}\n"
        f"{_primary_street('c', 'cs')}\n"
        f"CALL (cs) {{ OPTIONAL MATCH (cs)<-[de:CONTAINS]-(pd:District) WHERE {_ex('de', 'pd')} "
        f"RETURN pd AS cd ORDER BY {_edge_order('de')} LIMIT 1 }}\n"
    )


_COMMUNITY_COLUMNS = (
    "c.id AS community_id, c.name AS community_name, cs.id AS street_id, cs.name AS street_name, "
    "cd.id AS district_id, cd.name AS district_name"
)

# a body b, reached from community c through territory t, is of selector sel
_SELECTED = (
    f"((sel = $committee_selector AND t = c AND {_community_party_org('b')})\n"
    "   OR (sel = $residents_committee AND t = c AND b:Unit AND b.kind = $residents_committee)\n"
    "   OR (NOT sel IN [$committee_selector, $residents_committee]\n"
    "       AND ((b:PartyOrg AND b.level = sel) OR (b:Unit AND b.kind = sel))))"
)

# the territories t of community c (itself and those it contains at $as_of), then the bodies b covering
# one of them and the people p holding a current post of $roles in b
_COMMUNITY_POSTS = (
    f"MATCH tp = (c)-[:CONTAINS*0..]->(t:{TERRITORY})\n"
    f"WHERE {_path_ex('tp')}\n"
    "WITH DISTINCT c, t\n"
    f"MATCH (t)<-[cv:COVERS]-(b:{BODY})<-[r:HOLDS_POST]-(p{{label}})\n"
    f"WHERE {_ex('cv', 'b')} AND {_current('r')} AND ($roles IS NULL OR r.role IN $roles)\n"
    "WITH DISTINCT c, t, b, p\n"
    "UNWIND $bodies AS sel\n"
    "WITH c, t, b, p, sel\n"
    f"WHERE {_SELECTED}\n"
)


def _community_posts(label: str = "") -> str:
    return _COMMUNITY_POSTS.replace("{label}", label)


CROSS_APPOINTMENT_RATE = _scoped(
    "appointments.cross_appointment_rate",
    lambda sc: _community_place(sc)
    + "CALL (c) {\n"
    + "".join("  " + line + "\n" for line in _community_posts().splitlines())
    + "  WITH p, count(DISTINCT sel) AS kinds\n"
    "  RETURN count(p) AS members, sum(CASE WHEN kinds >= 2 THEN 1 ELSE 0 END) AS cross_appointed\n"
    "}\n"
    f"RETURN {_COMMUNITY_COLUMNS}, members, cross_appointed\nORDER BY community_id",
)

ONE_SHOULDER = _scoped(
    "appointments.one_shoulder",
    lambda sc: _community_place(sc)
    + "CALL (c) {\n"
    "  OPTIONAL MATCH (c)<-[cv:COVERS]-(b:PartyOrg)<-[r:HOLDS_POST]-(p)\n"
    f"  WHERE {_community_party_org('b')} AND {_ex('cv', 'b')} AND r.role = $secretary AND {_current('r')}\n"
    "  RETURN collect(DISTINCT p.id) AS secretaries\n"
    "}\n"
    "CALL (c) {\n"
    "  OPTIONAL MATCH (c)<-[cv:COVERS]-(b:Unit)<-[r:HOLDS_POST]-(p)\n"
    f"  WHERE b.kind = $residents_committee AND {_ex('cv', 'b')} AND r.role = $director AND {_current('r')}\n"
    "  RETURN collect(DISTINCT p.id) AS directors\n"
    "}\n"
    f"RETURN {_COMMUNITY_COLUMNS}, secretaries, directors,\n"
    "  any(x IN secretaries WHERE x IN directors) AS one_shoulder\nORDER BY community_id",
)

# --------------------------------------------------------------------------- coverage (覆盖空白)

def _universe(name: str, sc: _Scope) -> str:
    """``MATCH (x:…) WHERE …``: the entities in scope of a coverage indicator (:data:`orggraph.rules.COVERAGE_UNIVERSES`)
    existing at ``$as_of``."""
    u = rules.COVERAGE_UNIVERSES[name]
    cond = [f"x.{u.column} = {_lit(u.value)}"] if u.column is not None else []
    if u.large:
        cond.append("x.households >= $large_compound")
    cond.append(_ex("x"))
    cond.append(sc.body("x") if u.side == "body" else sc.territory("x"))
    return f"MATCH (x:{_label(u.label)})\nWHERE " + _and(*cond)


# a compound's own party organisation of any level of rules.COMPOUND_ORG_LEVELS (小区党支部, 党总支, 小区党委)
_HAS_ORG = (
    "EXISTS { MATCH (x)<-[cv:COVERS]-(br:PartyOrg) "
    f"WHERE br.level IN $compound_org_levels AND br.unit_id IS NULL AND {_ex('cv', 'br')} }}"
)
_HAS_RC = f"EXISTS {{ MATCH (x)<-[cv:COVERS]-(rc:Unit) WHERE rc.kind = $residents_committee AND {_ex('cv', 'rc')} }}"
# a current full-time (专职: part_time missing or false, rules.full_time_mask) grid worker on the grid itself
_GRID_WORKED = (
    "EXISTS { MATCH (x)<-[r:HOLDS_POST]-() WHERE r.role = $grid_worker AND (r.part_time IS NULL OR r.part_time = false) "
    f"AND {_current('r')} }}"
)
_UNIT_REPORTS = (
    f"(EXISTS {{ MATCH (x)-[rep:REPORTS_TO]->(rt) WHERE {_reported('rep')} AND {_ex('rt')} }}"
    f" OR EXISTS {{ MATCH (po:PartyOrg {{unit_id: x.id}})-[rep:REPORTS_TO]->(rt) WHERE {_reported('rep')} "
    f"AND {_ex('po', 'rt')} }})"
)
_COMMUNITY_REPORTED = (
    f"EXISTS {{ MATCH (x)<-[rep:REPORTS_TO]-(rb:{BODY}) WHERE {_reported('rep')} AND {_ex('rb')} }}"
)
_RESIDENT_UNIT = _lit(rules.RESIDENT_UNIT)
# people holding a current part-time-member post in the community's own party organisation
_PART_TIMERS = (
    f"CALL (x) {{\n"
    f"  OPTIONAL MATCH (x)<-[cv:COVERS]-(po:PartyOrg)<-[r:HOLDS_POST]-(p)\n"
    f"  WHERE {_community_party_org('po')} AND {_ex('cv', 'po')} AND r.role = $part_time_member AND {_current('r')}\n"
    f"  WITH DISTINCT p\n"
    f"  RETURN count(p) AS part_time_members,\n"
    f"    count(CASE WHEN EXISTS {{ MATCH (p)-[r2:HOLDS_POST]->(u:{BODY}) WHERE {_current('r2')} AND {_ex('u')}\n"
    f"      AND ((u:Unit AND u.kind = {_RESIDENT_UNIT}) OR EXISTS {{ MATCH (ru:Unit {{id: u.unit_id}}) "
    f"WHERE ru.kind = {_RESIDENT_UNIT} AND {_ex('ru')} }}) }}\n"
    f"      THEN p END) AS qualifying\n"
    f"}}\n"
)

#: one count per gap table of the entities in scope (the denominators), named after the table
COVERAGE_DENOMINATORS = _scoped(
    "coverage.denominators",
    lambda sc: "".join(f"CALL () {{ {_universe(name, sc)} RETURN count(x) AS {name} }}\n" for name in rules.COVERAGE_UNIVERSES)
    + "RETURN " + ", ".join(rules.COVERAGE_UNIVERSES),
)

COVERAGE_GAPS = {
    "compounds_without_org": _scoped(
        "coverage.compounds_without_org",
        lambda sc: f"{_universe('compounds_without_org', sc)} AND NOT {_HAS_ORG}\n{_locate('x', False)}\n"
        "RETURN x.id AS area_id, x.name AS area_name, x.households AS households,\n"
        "  community_id, community_name, street_id, street_name",
    ),
    "property_companies_without_branch": _scoped(
        "coverage.property_companies_without_branch",
        lambda sc: f"{_universe('property_companies_without_branch', sc)}\n"
        f"  AND NOT EXISTS {{ MATCH (po:PartyOrg {{unit_id: x.id}}) WHERE {_ex('po')} }}\n"
        f"{_locate('x', True)}\n"
        "RETURN x.id AS unit_id, x.name AS unit_name,\n"
        f"  COUNT {{ MATCH (x)-[cv:COVERS]->(a:Area) WHERE a.kind = {_lit(rules.COMPOUND)} AND {_ex('cv', 'a')} "
        "RETURN DISTINCT a } AS compounds,\n"
        "  community_id, community_name, street_id, street_name",
    ),
    "grids_without_worker": _scoped(
        "coverage.grids_without_worker",
        lambda sc: f"{_universe('grids_without_worker', sc)} AND NOT {_GRID_WORKED}\n{_locate('x', False)}\n"
        "RETURN x.id AS grid_id, x.name AS grid_name, x.households AS households,\n"
        "  community_id, community_name, street_id, street_name",
    ),
    "communities_without_part_time_member": _scoped(
        "coverage.communities_without_part_time_member",
        lambda sc: f"{_universe('communities_without_part_time_member', sc)}\n{_PART_TIMERS}"
        f"WITH x, part_time_members WHERE qualifying = 0\n{_locate('x', False)}\n"
        "RETURN community_id, community_name, street_id, street_name, part_time_members",
    ),
    "units_not_reporting": _scoped(
        "coverage.units_not_reporting",
        lambda sc: f"{_universe('units_not_reporting', sc)} AND NOT {_UNIT_REPORTS}\n"
        f"CALL (x) {{ OPTIONAL MATCH (x)-[te:COVERS]->(tt:{TERRITORY}) WHERE {_ex('te', 'tt')} RETURN tt.id AS territory_id "
        f"ORDER BY {_edge_order('te')} LIMIT 1 }}\n"
        f"{_locate('x', True)}\n"
        "RETURN x.id AS unit_id, x.name AS unit_name, territory_id,\n"
        "  community_id, community_name, street_id, street_name",
    ),
    "communities_without_reports": _scoped(
        "coverage.communities_without_reports",
        lambda sc: f"{_universe('communities_without_reports', sc)} AND NOT {_COMMUNITY_REPORTED}\n{_locate('x', False)}\n"
        "RETURN community_id, community_name, street_id, street_name,\n"
        f"  COUNT {{ MATCH (x)<-[rep:REPORTS_TO]-(m:Cadre) WHERE {_reported('rep')} RETURN DISTINCT m }} AS member_reports",
    ),
    "large_compounds_without_committee": _scoped(
        "coverage.large_compounds_without_committee",
        lambda sc: f"{_universe('large_compounds_without_committee', sc)} AND NOT {_HAS_RC}\n{_locate('x', False)}\n"
        "RETURN x.id AS area_id, x.name AS area_name, x.households AS households,\n"
        "  community_id, community_name, street_id, street_name",
    ),
}

# --------------------------------------------------------------------------- norms (配置标准)

NORMS_GRIDS = _scoped(
    "norms.grids",
    lambda sc: f"MATCH (x:Grid)\nWHERE {_and(_ex('x'), sc.territory('x'))}\n"
    "CALL (x) {\n"
    "  OPTIONAL MATCH (x)<-[r:HOLDS_POST]-(p)\n"
    f"  WHERE r.role = $grid_worker AND {_current('r')}\n"
    "  RETURN count(DISTINCT p) AS workers\n"
    "}\n"
    "WITH x, workers\n"
    "WHERE (x.households IS NOT NULL AND (x.households < $households_min OR x.households > $households_max))\n"
    "   OR workers < $workers_min OR ($workers_max IS NOT NULL AND workers > $workers_max)\n"
    f"{_locate('x', False)}\n"
    "RETURN x.id AS entity_id, x.name AS entity_name, x.households AS households, workers,\n"
    "  community_id, street_id",
)

NORMS_STATIONS = _scoped(
    "norms.stations",
    lambda sc: f"MATCH (x:Unit)\nWHERE {_and(f'x.kind = {_lit(rules.WORKSTATION)}', _ex('x'), sc.body('x'))}\n"
    "CALL (x) {\n"
    f"  OPTIONAL MATCH sp = (x)-[:COVERS]->(:{TERRITORY})<-[:CONTAINS*0..]-(sc:Community)\n"
    f"  WHERE {_path_ex('sp')}\n"
    "  WITH DISTINCT sc\n"
    "  RETURN count(sc) AS communities, sum(sc.households) AS households, count(sc.households) AS with_households,\n"
    "    sum(sc.population) AS population, count(sc.population) AS with_population\n"
    "}\n"
    "CALL (x) {\n"
    "  OPTIONAL MATCH (x)<-[r:HOLDS_POST]-(p)\n"
    f"  WHERE {_current('r')}\n"
    "  RETURN count(DISTINCT p) AS staff, count(DISTINCT CASE WHEN r.role = $zone_manager THEN p END) AS managers\n"
    "}\n"
    f"{_locate('x', True)}\n"
    "RETURN x.id AS entity_id, x.name AS entity_name, communities, households, with_households,\n"
    "  population, with_population, staff, managers, community_id, street_id",
)

# --------------------------------------------------------------------------- interlocks (交叉任职网络, 一人多职)


def _held(sc: _Scope) -> str:
    """Current posts ``r`` of people ``p`` in bodies ``b`` existing at ``$as_of``, in scope (a grid in it, or a
    body covering a territory in it) and selected by ``$bodies``."""
    scope = ""
    if sc.on:
        scope = (
            f"  AND ((b:Grid AND {sc.territory('b', 'gp')})\n"
            f"       OR {sc.body('b', 'bp')})\n"
        )
    return (
        f"MATCH (p)-[r:HOLDS_POST]->(b:{HOLDER})\n"
        f"WHERE {_current('r')} AND {_ex('b')}\n"
        + scope
        + "  AND ($bodies IS NULL\n"
        "       OR (b:Grid AND 'grid' IN $bodies)\n"
        "       OR (b:PartyOrg AND b.level <> $committee_selector AND b.level IN $bodies)\n"
        f"       OR ($committee_selector IN $bodies AND {_community_party_org('b')})\n"
        "       OR (b:Unit AND b.kind IN $bodies))\n"
    )


def _body_side(b: str, side: str) -> str:
    return (
        f"{b}.id AS body_{side}, {b}.name AS body_{side}_name,\n"
        f"  CASE WHEN {b}:PartyOrg THEN 'PartyOrg' WHEN {b}:Unit THEN 'Unit' ELSE 'Grid' END AS body_{side}_label,\n"
        f"  CASE WHEN {b}:PartyOrg THEN {b}.level WHEN {b}:Unit THEN {b}.kind ELSE 'grid' END AS body_{side}_kind"
    )


INTERLOCKS = _scoped(
    "interlocks.interlocks",
    lambda sc: _held(sc)
    + "WITH DISTINCT p, b\n"
    "WITH p, collect(b) AS held\n"
    "WITH p, held, size(held) AS k\n"
    "WHERE k >= 2\n"
    "UNWIND held AS a\n"
    "UNWIND held AS b\n"
    "WITH p, k, a, b\n"
    "WHERE a.id < b.id\n"
    "WITH a, b, collect(p.id) AS people, sum(1.0 / (k - 1)) AS newman\n"
    "WITH a, b, people, newman, size(people) AS shared\n"
    "WHERE shared >= $min_shared\n"
    f"CALL (a) {{ MATCH (qa)-[ra:HOLDS_POST]->(a) WHERE {_current('ra')} RETURN count(DISTINCT qa) AS na }}\n"
    f"CALL (b) {{ MATCH (qb)-[rb:HOLDS_POST]->(b) WHERE {_current('rb')} RETURN count(DISTINCT qb) AS nb }}\n"
    f"RETURN {_body_side('a', 'a')},\n  {_body_side('b', 'b')},\n"
    "  shared, people,\n"
    "  CASE $weighting\n"
    "    WHEN 'jaccard' THEN toFloat(shared) / (na + nb - shared)\n"
    "    WHEN 'cosine' THEN toFloat(shared) / sqrt(toFloat(na) * nb)\n"
    "    WHEN 'newman' THEN newman\n"
    "    ELSE toFloat(shared)\n"
    "  END AS weight\n"
    "ORDER BY body_a, body_b",
)


def _connectors(sc: _Scope) -> str:
    return (
        _held(sc)
        + "WITH p, count(r) AS posts, count(DISTINCT b) AS bodies, collect(DISTINCT b.id) AS body_ids,\n"
        "  collect(DISTINCT r.role) AS roles\n"
        "WHERE bodies >= $min_posts\n"
        "RETURN p.id AS cadre_id, p.name AS name, posts, bodies, body_ids, roles\n"
        "ORDER BY bodies DESC, posts DESC, cadre_id"
    )


CONNECTORS = _scoped("interlocks.connectors", _connectors)
CONNECTORS_TOP = _scoped("interlocks.connectors_top", lambda sc: _connectors(sc) + "\nLIMIT $top")

# --------------------------------------------------------------------------- boundaries (治理真空带, 交界区域管辖主体)

_CLAIMS = (
    f"CALL (x) {{ OPTIONAL MATCH cp = (x)<-[:CONTAINS*]-(cc:Community) WHERE {_path_ex('cp')} "
    "RETURN collect(DISTINCT cc.id) AS claimants }\n"
    f"CALL (x) {{ OPTIONAL MATCH fp = (x)<-[:CONTAINS*]-(fc:Community) WHERE {_path_ex('fp')} "
    "RETURN fc AS first_claimant ORDER BY fc.id LIMIT 1 }\n"
)
_DESCRIBE = (
    f"{_primary_street('first_claimant', 'fcs')}\n"
    f"CALL (x) {{ OPTIONAL MATCH sp = (x)<-[:CONTAINS*]-(xs:Street) WHERE {_path_ex('sp')} "
    "RETURN xs ORDER BY xs.id LIMIT 1 }\n"
    "WITH x, claimants, coalesce(fcs.id, xs.id) AS street_id,\n"
    "  CASE size(claimants) WHEN 0 THEN 'unassigned' WHEN 1 THEN 'assigned' ELSE 'contested' END AS status\n"
)
_NEIGHBOURS = (
    f"  COLLECT {{ MATCH (x)-[:ADJACENT]-(ac:Community) WHERE {_ex('ac')} RETURN DISTINCT ac.id }} AS adjacent_communities,\n"
    f"  COLLECT {{ MATCH (x)<-[cv:COVERS]-(gb) WHERE {_ex('cv', 'gb')} RETURN DISTINCT gb.id }} AS governing_bodies"
)

UNASSIGNED_AREAS = _scoped(
    "boundaries.unassigned_areas",
    lambda sc: f"MATCH (x:Grid|Area)\nWHERE {_and(_ex('x'), sc.territory('x'))}\n{_CLAIMS}"
    "WITH x, claimants, first_claimant WHERE size(claimants) <> 1\n"
    f"{_DESCRIBE}"
    "RETURN x.id AS id, CASE WHEN x:Grid THEN 'Grid' ELSE 'Area' END AS label, x.name AS name,\n"
    "  CASE WHEN x:Area THEN x.kind END AS kind, x.households AS households, status, claimants, street_id,\n"
    f"{_NEIGHBOURS},\n"
    "  EXISTS {\n"
    "    MATCH path = (x)<-[:CONTAINS*]-(a:Grid|Area)\n"
    f"    WHERE a <> x AND all(n IN nodes(path) WHERE n:Grid OR n:Area) AND {_path_ex('path')}\n"
    f"      AND COUNT {{ MATCH ip = (a)<-[:CONTAINS*]-(ca:Community) WHERE ca.id IN claimants AND {_path_ex('ip')} "
    "RETURN DISTINCT ca } = size(claimants)\n"
    f"      AND COUNT {{ MATCH ip = (a)<-[:CONTAINS*]-(ca:Community) WHERE {_path_ex('ip')} "
    "RETURN DISTINCT ca } = size(claimants)\n"
    "  } AS inherited\n"
    "ORDER BY status, id",
)

BOUNDARY_ZONES = _scoped(
    "boundaries.boundary_zones",
    lambda sc: f"MATCH (x:Area)\nWHERE {_and(f'x.kind = {_lit(rules.BOUNDARY_ZONE)}', _ex('x'), sc.territory('x'))}\n"
    f"{_CLAIMS}{_DESCRIBE}"
    "RETURN x.id AS id, x.name AS name, x.households AS households, street_id, status, claimants,\n"
    f"{_NEIGHBOURS}\n"
    "ORDER BY id",
)


# --------------------------------------------------------------------------- chains (组织链条)

_COMPOUND, _BUILDING, _VILLAGE = _lit(rules.COMPOUND), _lit(rules.BUILDING), _lit(rules.VILLAGE)
_CHAIN_AREAS = ", ".join(_lit(k) for k in rules.CHAIN_AREA_KINDS)
_AT_COMPOUND = ", ".join(_lit(k) for k in rules.CHAIN_COMPOUND_LEVEL_KINDS)

#: the chain has at most this many levels (street, community, compound, building: five party levels)
CHAIN_MAX = 5


def _chain_level(i: int) -> str:
    """Paths reached at level ``i``: organisations of ``$levels[i]`` (no unit_id) covering a territory of
    the area's kind ``$territories[i]`` and, below the top, SUBORDINATE_TO an organisation of the paths above;
    organisations and links that did not exist at ``$as_of`` are left out."""
    cand = (
        f"CASE $territories[{i}] WHEN 'street' THEN streets WHEN 'community' THEN communities "
        f"WHEN {_COMPOUND} THEN compounds WHEN {_BUILDING} THEN buildings ELSE [] END"
    )
    street = f"CASE WHEN $territories[{i}] = 'street' THEN t.id ELSE pp.street END"
    community = f"CASE WHEN $territories[{i}] = 'community' THEN t.id ELSE pp.community END"
    org = f"o.unit_id IS NULL AND o.level IN $levels[{i}] AND {_exists('o')} AND {_exists('cov')}"
    if i == 0:
        return (
            f"CALL (x, streets, communities, compounds, buildings) {{\n"
            f"  UNWIND {cand} AS t\n"
            f"  MATCH (t)<-[cov:COVERS]-(o:PartyOrg)\n"
            f"  WHERE {org}\n"
            f"  WITH t, o, {{street: null, community: null}} AS pp\n"
            f"  RETURN collect(DISTINCT {{org: o.id, street: {street}, community: {community}}}) AS p0\n"
            f"}}\n"
        )
    return (
        f"CALL (x, streets, communities, compounds, buildings, p{i - 1}) {{\n"
        f"  UNWIND p{i - 1} AS pp\n"
        f"  UNWIND {cand} AS t\n"
        f"  MATCH (t)<-[cov:COVERS]-(o:PartyOrg)-[sub:SUBORDINATE_TO]->(above:PartyOrg {{id: pp.org}})\n"
        f"  WHERE {org} AND {_exists('sub')}\n"
        f"  RETURN collect(DISTINCT {{org: o.id, street: {street}, community: {community}}}) AS p{i}\n"
        f"}}\n"
    )


# the territories containing x (CONTAINS+) through containments and territories existing at $as_of
_CHAIN_ANCESTORS = (
    "CALL (x) { OPTIONAL MATCH path = (x)<-[:CONTAINS*]-(anc)\n"
    f"  WHERE {_path_ex('path')}\n"
    "  RETURN collect(DISTINCT anc) AS ancestors }\n"
)

CHAIN_BREAKS = _scoped(
    "chains.chain_breaks",
    lambda sc: f"MATCH (x:Area)\nWHERE x.kind IN [{_CHAIN_AREAS}] AND {_exists('x')}"
    + (f" AND {sc.territory('x')}" if sc.on else "") + "\n"
    + _CHAIN_ANCESTORS
    + "WITH x, [a IN ancestors WHERE a:Street] AS streets, [a IN ancestors WHERE a:Community] AS communities,\n"
    # the compound-level territories: a compound or village itself, a building's compounds; the grids containing it
    f"  CASE WHEN x.kind IN [{_AT_COMPOUND}] THEN [x]\n"
    f"    ELSE [a IN ancestors WHERE a:Area AND a.kind = {_COMPOUND} AND a <> x] END\n"
    "    + CASE WHEN $branch_in_grids THEN [a IN ancestors WHERE a:Grid] ELSE [] END AS compounds,\n"
    f"  CASE WHEN x.kind IN [{_BUILDING}, {_VILLAGE}] THEN [x] ELSE [] END AS buildings\n"
    + "".join(_chain_level(i) for i in range(CHAIN_MAX))
    + f"WITH x, streets, communities, [{', '.join(f'p{i}' for i in range(CHAIN_MAX))}] AS paths\n"
    "WITH x, streets, communities, size([p IN paths WHERE size(p) > 0]) AS depth, paths\n"
    "WITH x, streets, communities, depth, CASE WHEN depth = 0 THEN [] ELSE paths[depth - 1] END AS deepest\n"
    "CALL (deepest) {\n"
    "  UNWIND CASE WHEN size(deepest) = 0 THEN [null] ELSE deepest END AS d\n"
    "  RETURN d.community AS best_community, d.street AS best_street\n"
    "  ORDER BY d.community IS NULL, d.community, d.street IS NULL, d.street LIMIT 1\n"
    "}\n"
    "WITH x, streets, communities, depth, best_street,\n"
    "  coalesce(best_community, reduce(m = null, c IN communities | CASE WHEN m IS NULL OR c.id < m THEN c.id ELSE m END))\n"
    "    AS community_id,\n"
    "  reduce(m = null, s IN streets | CASE WHEN m IS NULL OR s.id < m THEN s.id ELSE m END) AS area_street\n"
    "WITH x, depth, best_street, community_id, area_street, [c IN communities WHERE c.id = community_id][0] AS community\n"
    "CALL (community) { OPTIONAL MATCH (community)<-[e:CONTAINS]-(cs:Street)\n"
    f"  WHERE {_exists('e')} AND {_exists('cs')}\n"
    f"  RETURN cs.id AS community_street ORDER BY {_edge_order('e')} LIMIT 1 }}\n"
    "RETURN x.id AS area_id, x.name AS area_name, x.kind AS kind, community_id,\n"
    "  coalesce(best_street, community_street, area_street) AS street_id, depth\n"
    "ORDER BY area_id",
)


# --------------------------------------------------------------------------- the whole set


def _variants(*stmts) -> list[Statement]:
    """The statements, a :class:`Scoped` one as both its variants."""
    return [v for s in stmts for v in (s.variants if isinstance(s, Scoped) else (s,))]


def _fixed() -> list[Statement]:
    from .cypher_people import STATEMENTS as people  # the people queries keep their statements apart

    return [
        *_variants(*people),
        _counts(),
        _kinds_of(),
        _node(),
        _tallies(),
        _absent_structure(),
        SCOPE_CONTAINMENT,
        unit_id_index(),
        SCOPE_TERRITORIES,
        SCOPE_COVERING_BODIES,
        SCOPE_EXPAND_BODIES,
        SCOPE_PEOPLE,
        *_variants(
            CROSS_APPOINTMENT_RATE, ONE_SHOULDER, COVERAGE_DENOMINATORS, *COVERAGE_GAPS.values(), NORMS_GRIDS,
            NORMS_STATIONS, INTERLOCKS, CONNECTORS, CONNECTORS_TOP, UNASSIGNED_AREAS, BOUNDARY_ZONES, CHAIN_BREAKS,
        ),
    ]


@lru_cache(maxsize=1)
def _registry() -> dict[str, Statement]:
    out: dict[str, Statement] = {}

    def add(s: Statement) -> None:
        if s.name in out and out[s.name].text != s.text:
            raise AssertionError(f"two statements named {s.name}")
        out[s.name] = s

    for s in _fixed():
        add(s)
    for L, spec in NODE_KINDS.items():
        for make in (
            constraint, node_stage, node_update, node_unstage, node_discard, node_discard_all, node_discard_edges_all,
            read_nodes, read_nodes_by_id, node_ids, node_remove, node_untag_all,
        ):
            add(make(L))
        add(read_nodes(L, dated=True))
        for ref in spec.refs:
            add(read_refs(L, ref.column))
            add(read_refs(L, ref.column, dated=True))
    for T, spec in EDGE_TYPES.items():
        for make in (edge_key_index, edge_discard_all, read_edges, edge_keys, edge_reorder, edge_remove, edge_remove_unkeyed,
                     edge_untag_all):
            add(make(T))
        add(read_edges(T, dated=True))
        for s, t in sorted(spec.triples):
            for make in (edge_stage, edge_unstage, edge_discard, read_edges_from):
                add(make(T, s, t))
    return out


def get(name: str) -> Statement:
    """The statement called ``name``."""
    return _registry()[name]


def all_statements() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every concrete statement the backend can send: ``{name: (text, parameter names)}``."""
    return {name: (s.text, s.params) for name, s in sorted(_registry().items())}
