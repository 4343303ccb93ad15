#!/usr/bin/env python3
"""Cypher compatibility probe: which Neo4j 5 constructs work on the Bolt test server.

Runs a list of checks through the official ``neo4j`` Python driver and compares
each answer with what Neo4j 5 returns.  Each check gets its own fresh database
(ArcadeDB creates one in about 10 ms).  Results: ``yes`` (same as Neo4j 5),
``differs`` (runs but answers differently), ``no`` (error / unsupported),
``info`` (measurement or fact, nothing to compare).

Usage::

    python tools/arcadedb_probe.py                 # starts ArcadeDB itself
    python tools/arcadedb_probe.py --quick         # skip the timings
    python tools/arcadedb_probe.py --json out.json --markdown out.md
    ORGGRAPH_NEO4J_URI=bolt://... python tools/arcadedb_probe.py --allow-wipe
        # against a real Neo4j: one database, wiped (all nodes AND all
        # constraints/indexes dropped) before every check

Needs ``pip install neo4j arcadedb-embedded`` and ``orggraph`` importable
(``pip install -e .`` or ``PYTHONPATH=src``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import neo4j
import neo4j.time
from neo4j import GraphDatabase

try:
    from orggraph.testing.bolt_server import BoltTestServer, server_from_env
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from orggraph.testing.bolt_server import BoltTestServer, server_from_env


# --------------------------------------------------------------------------- #
# Framework
# --------------------------------------------------------------------------- #


@dataclass
class Result:
    construct: str
    status: str  # yes | differs | no | info
    detail: str
    advice: str = ""
    seconds: float = 0.0


class Differs(AssertionError):
    """Raised by a check when the query ran but answered differently."""


class Skip(Exception):
    """Raised by a check that cannot run against this server."""


class Probe:
    def __init__(self, driver: neo4j.Driver, server: BoltTestServer | None, database: str | None,
                 allow_wipe: bool) -> None:
        self.driver = driver
        self.server = server
        self.fixed_database = database
        self.allow_wipe = allow_wipe
        self.db: str | None = None
        self._n = 0

    # A fresh, empty database for each check.
    def fresh(self) -> str | None:
        if self.server is not None:
            if self.db is not None and self.db != self.server.database:
                self.server.drop_database(self.db)
            self._n += 1
            self.db = f"probe{self._n}"
            self.server.create_database(self.db)
        else:
            self.db = self.fixed_database
            self.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
                     autocommit=True)
            for rec in self.run("SHOW CONSTRAINTS YIELD name RETURN name"):
                self.run(f"DROP CONSTRAINT `{rec['name']}` IF EXISTS")
            for rec in self.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
                self.run(f"DROP INDEX `{rec['name']}` IF EXISTS")
        return self.db

    def run(self, query: str, params: dict[str, Any] | None = None, *, autocommit: bool = False,
            database: str | None = None) -> list[dict[str, Any]]:
        """Run in a managed write transaction (or auto-commit) and return records as dicts."""
        db = database or self.db
        with self.driver.session(database=db) as session:
            if autocommit:
                return [r.data() for r in session.run(query, params or {})]
            return session.execute_write(lambda tx: [r.data() for r in tx.run(query, params or {})])

    def summary(self, query: str, params: dict[str, Any] | None = None) -> neo4j.ResultSummary:
        with self.driver.session(database=self.db) as session:
            return session.execute_write(lambda tx: tx.run(query, params or {}).consume())

    def value(self, query: str, params: dict[str, Any] | None = None, key: str | None = None) -> Any:
        rows = self.run(query, params)
        if len(rows) != 1:
            raise Differs(f"expected one row, got {rows!r}")
        row = rows[0]
        return row[key] if key else next(iter(row.values()))

    def error(self, query: str, params: dict[str, Any] | None = None, **kw: Any) -> Exception | None:
        try:
            self.run(query, params, **kw)
        except Exception as exc:  # noqa: BLE001 - any error is the answer
            return exc
        return None


CHECKS: list[tuple[str, str, bool, Callable[[Probe], str | None]]] = []


def check(construct: str, advice: str = "", *, info: bool = False) -> Callable:
    """Register a check.  It raises Differs (or lets a driver error through) on a
    mismatch; it may return a string shown as the note.  ``info=True``: a fact to
    record, not a comparison."""
    def register(fn: Callable[[Probe], str | None]) -> Callable[[Probe], str | None]:
        CHECKS.append((construct, advice, info, fn))
        return fn
    return register


def expect(actual: Any, expected: Any, what: str = "") -> None:
    if actual != expected:
        raise Differs(f"{what + ': ' if what else ''}got {actual!r}, Neo4j 5 gives {expected!r}")


def short_error(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    code = getattr(exc, "code", None)
    msg = " ".join(str(msg).split())
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return f"{type(exc).__name__}{f' [{code}]' if code else ''}: {msg}"


ORG_GRAPH = """
CREATE (r:Org:Root {id:'r', name:'Root'}),
       (a:Org {id:'a', name:'Alpha', score: 3}),
       (b:Org {id:'b', name:'Beta', score: 1}),
       (c:Org {id:'c', name:'Gamma'}),
       (r)-[:CONTAINS {since: 2020}]->(a), (a)-[:CONTAINS {since: 2021}]->(b),
       (r)-[:CONTAINS {since: 2022}]->(c),
       (p1:Person {id:'p1', name:'Li'}), (p2:Person {id:'p2', name:'Wang'}),
       (p3:Person {id:'p3', name:'Zhao'}),
       (p1)-[:MEMBER_OF {role:'secretary', since: 2019}]->(a),
       (p2)-[:MEMBER_OF {role:'member', since: 2021}]->(a),
       (p2)-[:MEMBER_OF {role:'member', since: 2023}]->(b)
"""


def org_graph(p: Probe) -> None:
    p.run(ORG_GRAPH)


# --------------------------------------------------------------------------- #
# Checks
# --------------------------------------------------------------------------- #


@check("server agent / version / Bolt protocol", info=True)
def _agent(p: Probe) -> str:
    info = p.driver.get_server_info()
    comps = p.run("CALL dbms.components() YIELD name, versions, edition RETURN *", database=p.db)
    return f"agent {info.agent!r}, Bolt {'.'.join(map(str, info.protocol_version))}; dbms.components(): {comps}"


@check("UNWIND $rows MERGE (n:L {id: row.id}) SET n += row.props")
def _unwind_merge(p: Probe) -> None:
    q = "UNWIND $rows AS row MERGE (n:Community {id: row.id}) SET n += row.props"
    p.run(q, {"rows": [{"id": "c1", "props": {"name": "A", "level": 1}},
                       {"id": "c2", "props": {"name": "B", "level": 2}}]})
    p.run(q, {"rows": [{"id": "c1", "props": {"name": "A2"}}]})
    rows = p.run("MATCH (n:Community) RETURN n.id AS id, n.name AS name, n.level AS level ORDER BY id")
    expect(rows, [{"id": "c1", "name": "A2", "level": 1}, {"id": "c2", "name": "B", "level": 2}])


@check("MERGE ... ON CREATE SET ... ON MATCH SET; MERGE of a relationship is idempotent")
def _merge_on(p: Probe) -> None:
    q = ("MERGE (n:M {id: 1}) ON CREATE SET n.created = true, n.hits = 0 "
         "ON MATCH SET n.hits = n.hits + 1 RETURN n.hits AS h")
    expect([p.value(q) for _ in range(3)], [0, 1, 2])
    for _ in range(2):
        p.run("MERGE (a:M {id: 1}) MERGE (b:M {id: 2}) MERGE (a)-[:R]->(b)")
    expect(p.value("MATCH (:M)-[r:R]->(:M) RETURN count(r)"), 1)


@check("CREATE with list / map parameters (CREATE (n:L $map), SET n += $map, SET n = $map)")
def _create_params(p: Probe) -> None:
    p.run("CREATE (n:T $props)", {"props": {"id": "x", "tags": ["a", "b"], "n": 1}})
    p.run("MATCH (n:T {id: 'x'}) SET n += $m", {"m": {"extra": 2.5}})
    expect(p.value("MATCH (n:T) RETURN properties(n)"), {"id": "x", "tags": ["a", "b"], "n": 1, "extra": 2.5})
    p.run("MATCH (n:T {id: 'x'}) SET n = $m", {"m": {"id": "x", "only": True}})
    expect(p.value("MATCH (n:T) RETURN properties(n)"), {"id": "x", "only": True}, "SET n = $map")
    p.run("MATCH (n:T) REMOVE n.only")
    expect(p.value("MATCH (n:T) RETURN keys(n)"), ["id"], "REMOVE n.prop")


@check("map value as a property (must be rejected)")
def _map_prop(p: Probe) -> None:
    exc = p.error("CREATE (n:T {x: $m})", {"m": {"a": 1}})
    if exc is None:
        raise Differs("a map was stored as a property value")


PROPS = {
    "i": 42, "neg": -7, "i64max": 2**63 - 1, "i64min": -(2**63), "beyond_2_53": 2**53 + 1,
    "f": 1.5, "tiny": 1e-300, "b": True, "bf": False,
    "s": "it's \"quoted\" `bt` \\ back\nnew line\ttab 中文社区 — ✓",
    "empty": "", "long": "x" * 100_000,
    "li": [1, 2, 3], "lf": [0.5, 1.5], "ls": ["a", "中"], "lb": [True, False],
    "bytes": b"\x00\x01\xff",
}


@check("property round trip: int (incl. 2^63-1), float, bool, str (quotes, backticks, newline, Chinese, 100k chars), lists, bytes")
def _roundtrip(p: Probe) -> None:
    p.run("CREATE (n:P) SET n = $props", {"props": PROPS})
    got = p.value("MATCH (n:P) RETURN properties(n)")
    bad = {k: (got.get(k), v) for k, v in PROPS.items() if got.get(k) != v or type(got.get(k)) is not type(v)}
    if bad:
        raise Differs(f"changed: {bad}")
    expect(p.value("MATCH (n:P) WHERE n.s = $s RETURN count(n)", {"s": PROPS["s"]}), 1, "equality on stored string")


@check("null property: CREATE {x: null} / SET n.x = null removes the key")
def _null_prop(p: Probe) -> None:
    p.run("CREATE (n:N {id: 1, x: null, y: 2})")
    expect(sorted(p.value("MATCH (n:N) RETURN keys(n)")), ["id", "y"])
    p.run("MATCH (n:N) SET n.y = null")
    expect(p.value("MATCH (n:N) RETURN keys(n)"), ["id"])


@check("empty list property []")
def _empty_list(p: Probe) -> None:
    p.run("CREATE (n:E {id: 1, l: []})")
    expect(p.value("MATCH (n:E) RETURN n.l"), [])


@check("heterogeneous / nested list as property (Neo4j rejects)",
       "keep list properties homogeneous; never store nested lists")
def _mixed_list(p: Probe) -> None:
    out = []
    for lit in ("[1, 'a']", "[[1], [2]]"):
        exc = p.error(f"CREATE (n:X {{v: {lit}}})")
        out.append(f"{lit}: {'rejected' if exc else 'stored'}")
    if any("stored" in o for o in out):
        raise Differs("; ".join(out) + " (Neo4j 5 rejects both)")


@check("date('2021-12-05') stored and read back as neo4j.time.Date")
def _date_literal(p: Probe) -> None:
    p.run("CREATE (n:D {d: date('2021-12-05')})")
    v = p.value("MATCH (n:D) RETURN n.d")
    expect((type(v), v), (neo4j.time.Date, neo4j.time.Date(2021, 12, 5)))


@check("date parameters: neo4j.time.Date and datetime.date")
def _date_params(p: Probe) -> None:
    p.run("CREATE (n:D {a: $a, b: $b})", {"a": neo4j.time.Date(2021, 12, 5), "b": dt.date(2021, 12, 5)})
    rows = p.run("MATCH (n:D) RETURN n.a AS a, n.b AS b, n.a = n.b AS eq, n.a = date('2021-12-05') AS lit")
    expect(rows, [{"a": neo4j.time.Date(2021, 12, 5), "b": neo4j.time.Date(2021, 12, 5), "eq": True, "lit": True}])


@check("date(x) <= date($as_of) with ISO strings, Date properties and Date/str parameters; date(null) is null")
def _date_cmp(p: Probe) -> None:
    p.run("UNWIND ['2021-12-01','2021-12-05','2022-01-01'] AS s CREATE (:D {s: s, d: date(s)})")
    q1 = "MATCH (n:D) WHERE date(n.s) <= date($as_of) RETURN count(n) AS c"
    expect(p.value(q1, {"as_of": "2021-12-05"}), 2, "string property, string param")
    expect(p.value(q1, {"as_of": dt.date(2021, 12, 5)}), 2, "string property, date param")
    q2 = "MATCH (n:D) WHERE n.d <= date($as_of) RETURN count(n) AS c"
    expect(p.value(q2, {"as_of": "2021-12-05"}), 2, "Date property")
    expect(p.value("MATCH (n:D) WHERE n.d <= $as_of RETURN count(n) AS c",
                   {"as_of": neo4j.time.Date(2021, 12, 5)}), 2, "Date property vs Date param")
    expect(p.value("RETURN date(null) AS d"), None, "date(null)")
    expect(p.value("RETURN date('2021-12-05') + duration('P1M') AS d"), neo4j.time.Date(2022, 1, 5), "date + duration")
    expect(p.value("RETURN date('2021-12-05').year AS y"), 2021, "date accessor")


@check("datetime with offset (+08:00) and UTC, localdatetime, duration round trip")
def _datetime(p: Probe) -> None:
    cst = dt.timezone(dt.timedelta(hours=8))
    params = {"z8": dt.datetime(2021, 12, 5, 10, 30, tzinfo=cst),
              "utc": dt.datetime(2021, 12, 5, 10, 30, tzinfo=dt.timezone.utc),
              "local": dt.datetime(2021, 12, 5, 10, 30)}
    p.run("CREATE (n:DT {z8: $z8, utc: $utc, local: $local, lit: datetime('2021-12-05T10:30:00+08:00'), "
          "dur: duration('P1M2DT3H')})", params)
    row = p.run("MATCH (n:DT) RETURN n.z8 AS z8, n.utc AS utc, n.local AS local, n.lit AS lit, n.dur AS dur")[0]
    problems = []
    for key in ("z8", "utc", "local"):
        got = row[key]
        want = params[key]
        if got is None or got.to_native() != want or (got.tzinfo is None) != (want.tzinfo is None):
            problems.append(f"{key}: stored {want.isoformat()} read back {got!r}")
    if row["lit"].to_native() != params["z8"]:
        problems.append(f"lit: {row['lit']!r}")
    if row["dur"] != neo4j.time.Duration(months=1, days=2, hours=3):
        problems.append(f"dur: {row['dur']!r}")
    if problems:
        raise Differs("; ".join(problems))


@check("coalesce()")
def _coalesce(p: Probe) -> None:
    p.run("CREATE (:C {a: null, b: 'x'})")
    expect(p.value("MATCH (n:C) RETURN coalesce(n.a, n.missing, n.b, 'z')"), "x")
    expect(p.value("RETURN coalesce(null, null)"), None)


@check("OPTIONAL MATCH (nulls for missing, count() of null = 0)")
def _optional(p: Probe) -> None:
    org_graph(p)
    rows = p.run("MATCH (p:Person) OPTIONAL MATCH (p)-[m:MEMBER_OF]->(o:Org) "
                 "RETURN p.id AS p, o.id AS o, m.role AS role ORDER BY p, o")
    expect(rows, [{"p": "p1", "o": "a", "role": "secretary"}, {"p": "p2", "o": "a", "role": "member"},
                  {"p": "p2", "o": "b", "role": "member"}, {"p": "p3", "o": None, "role": None}])
    rows = p.run("MATCH (o:Org) OPTIONAL MATCH (x:Person)-[:MEMBER_OF]->(o) RETURN o.id AS o, count(x) AS n ORDER BY o")
    expect(rows, [{"o": "a", "n": 2}, {"o": "b", "n": 1}, {"o": "c", "n": 0}, {"o": "r", "n": 0}])


@check("WITH aggregation: count(DISTINCT x), collect(DISTINCT x), size(list), sum/avg/min/max, count(*) vs count(x)")
def _aggregation(p: Probe) -> None:
    org_graph(p)
    rows = p.run("MATCH (p:Person)-[:MEMBER_OF]->(o:Org) WITH o, count(DISTINCT p) AS c, "
                 "collect(DISTINCT p.name) AS names RETURN o.id AS o, c, size(names) AS sz ORDER BY o")
    expect(rows, [{"o": "a", "c": 2, "sz": 2}, {"o": "b", "c": 1, "sz": 1}])
    expect(p.run("MATCH (o:Org) RETURN count(*) AS all, count(o.score) AS scored, sum(o.score) AS s, "
                 "avg(o.score) AS a, min(o.score) AS mn, max(o.score) AS mx, collect(o.score) AS c"),
           [{"all": 4, "scored": 2, "s": 4, "a": 2.0, "mn": 1, "mx": 3, "c": p.run(
               "MATCH (o:Org) WHERE o.score IS NOT NULL RETURN collect(o.score) AS c")[0]["c"]}])
    expect(p.run("MATCH (o:Org) WHERE false RETURN count(o) AS c, sum(o.score) AS s, avg(o.score) AS a, "
                 "collect(o) AS l"), [{"c": 0, "s": 0, "a": None, "l": []}], "aggregates over no rows")
    rows = p.run("MATCH (o:Org)<-[:MEMBER_OF]-(p) WITH o, count(p) AS n WHERE n > 1 RETURN o.id AS o")
    expect(rows, [{"o": "a"}], "WITH ... WHERE on an aggregate")


@check("CASE WHEN (generic and simple)")
def _case(p: Probe) -> None:
    org_graph(p)
    rows = p.run("MATCH (o:Org) RETURN o.id AS id, CASE WHEN o.id = 'r' THEN 'root' WHEN o.id IN ['a','b'] "
                 "THEN 'ab' ELSE 'other' END AS k, CASE o.id WHEN 'c' THEN 1 ELSE 0 END AS s ORDER BY id")
    expect([(r["k"], r["s"]) for r in rows], [("ab", 0), ("ab", 0), ("other", 1), ("root", 0)])


@check("list comprehension, reduce(), any/all/none/single, head/last/tail, range, UNWIND [] and UNWIND null")
def _lists(p: Probe) -> None:
    row = p.run("RETURN [x IN range(1,5) WHERE x % 2 = 1 | x * 10] AS lc, reduce(s = 0, x IN [1,2,3] | s + x) AS r, "
                "any(x IN [1,2] WHERE x > 1) AS an, all(x IN [1,2] WHERE x > 1) AS al, "
                "none(x IN [1,2] WHERE x > 5) AS no, single(x IN [1,2] WHERE x > 1) AS si, "
                "head([1,2]) AS h, last([1,2]) AS l, tail([1,2,3]) AS t, head([]) AS he, [1,2,3][1..] AS sl")[0]
    expect(row, {"lc": [10, 30, 50], "r": 6, "an": True, "al": False, "no": True, "si": True, "h": 1, "l": 2,
                 "t": [2, 3], "he": None, "sl": [2, 3]})
    expect(p.run("UNWIND [] AS x RETURN x"), [], "UNWIND []")
    expect(p.run("UNWIND null AS x RETURN x"), [], "UNWIND null")


@check("pattern comprehension [(a)-[:R]->(b) WHERE ... | b.x]")
def _pattern_comp(p: Probe) -> None:
    org_graph(p)
    rows = p.run("MATCH (o:Org) RETURN o.id AS id, [(x:Person)-[:MEMBER_OF]->(o) | x.name] AS members, "
                 "[(o)-[:CONTAINS]->(k) WHERE k.id <> 'c' | k.id] AS kids ORDER BY id")
    expect([(r["id"], sorted(r["members"]), sorted(r["kids"])) for r in rows],
           [("a", ["Li", "Wang"], ["b"]), ("b", ["Wang"], []), ("c", [], []), ("r", [], ["a"])])


@check("EXISTS { MATCH ... WHERE ... } and NOT EXISTS { ... }")
def _exists(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (o:Org) WHERE EXISTS { MATCH (x:Person)-[:MEMBER_OF]->(o) WHERE x.name = 'Li' } "
                 "RETURN o.id AS id"), [{"id": "a"}])
    expect(p.run("MATCH (o:Org) WHERE NOT EXISTS { MATCH (:Person)-[:MEMBER_OF]->(o) } RETURN o.id AS id ORDER BY id"),
           [{"id": "c"}, {"id": "r"}])
    expect(p.run("MATCH (o:Org) WHERE EXISTS { (o)<-[:MEMBER_OF]-(:Person) } RETURN o.id AS id ORDER BY id"),
           [{"id": "a"}, {"id": "b"}], "EXISTS { pattern }")
    expect(p.run("MATCH (o:Org) RETURN o.id AS id, EXISTS { (o)-[:CONTAINS]->() } AS has ORDER BY id"),
           [{"id": "a", "has": True}, {"id": "b", "has": False}, {"id": "c", "has": False},
            {"id": "r", "has": True}], "EXISTS in RETURN")


@check("pattern predicates: WHERE (a)<-[:R]-() and exists((a)<-[:R]-()) (both valid in Neo4j 5)")
def _exists_fn(p: Probe) -> None:
    org_graph(p)
    want = [{"id": "a"}, {"id": "b"}]
    expect(p.run("MATCH (o:Org) WHERE (o)<-[:MEMBER_OF]-() RETURN o.id AS id ORDER BY id"), want, "WHERE pattern")
    expect(p.run("MATCH (o:Org) WHERE exists((o)<-[:MEMBER_OF]-()) RETURN o.id AS id ORDER BY id"), want,
           "exists(pattern)")


@check("exists(n.prop) (removed in Neo4j 5: a syntax error there)", "write n.prop IS NOT NULL")
def _exists_prop(p: Probe) -> str:
    org_graph(p)
    if p.error("MATCH (o:Org) WHERE exists(o.score) RETURN o.id") is None:
        raise Differs("accepted; Neo4j 5 rejects it")
    return "rejected, like Neo4j 5"


@check("size((a)-->()) pattern in size() (removed in Neo4j 5)", "write COUNT { (a)-->() }")
def _size_pattern(p: Probe) -> str:
    org_graph(p)
    if p.error("MATCH (o:Org) RETURN size((o)-->()) AS n") is None:
        raise Differs("accepted; Neo4j 5 rejects it")
    return "rejected, like Neo4j 5"


@check("COUNT { } subquery")
def _count_sub(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (o:Org) RETURN o.id AS id, COUNT { (o)<-[:MEMBER_OF]-(:Person) } AS c ORDER BY id"),
           [{"id": "a", "c": 2}, {"id": "b", "c": 1}, {"id": "c", "c": 0}, {"id": "r", "c": 0}])
    expect(p.run("MATCH (o:Org) WHERE COUNT { MATCH (o)-[:CONTAINS]->(k) WHERE k.id <> 'zz' } > 1 RETURN o.id AS id"),
           [{"id": "r"}])


@check("CALL { WITH x ... } subquery (importing WITH)")
def _call_with(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (o:Org) CALL { WITH o MATCH (x:Person)-[:MEMBER_OF]->(o) RETURN count(x) AS c } "
                 "RETURN o.id AS id, c ORDER BY id"),
           [{"id": "a", "c": 2}, {"id": "b", "c": 1}, {"id": "c", "c": 0}, {"id": "r", "c": 0}])


@check("CALL (x) { ... } scoped subquery (Neo4j 5.23+)")
def _call_scope(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (o:Org) CALL (o) { MATCH (o)-[:CONTAINS]->(k) RETURN k.id AS kid } "
                 "RETURN o.id AS id, kid ORDER BY id, kid"),
           [{"id": "a", "kid": "b"}, {"id": "r", "kid": "a"}, {"id": "r", "kid": "c"}])
    expect(p.run("MATCH (o:Org) CALL (o) { MATCH (o)-[:CONTAINS]->(k) SET k.t = true } RETURN count(*) AS c"),
           [{"c": 4}], "unit subquery keeps the row count")
    expect(p.run("CALL () { MATCH (o:Org) RETURN o.id AS x UNION MATCH (q:Person) RETURN q.id AS x } "
                 "RETURN count(x) AS c"), [{"c": 7}], "UNION inside CALL")


@check("CALL { ... } IN TRANSACTIONS OF n ROWS (auto-commit only)")
def _in_tx(p: Probe) -> None:
    p.run("UNWIND range(1, 25) AS i CALL (i) { CREATE (:B {i: i}) } IN TRANSACTIONS OF 10 ROWS", autocommit=True)
    expect(p.value("MATCH (n:B) RETURN count(n)"), 25)


@check("variable-length paths -[:R*1..]->, *0.., *, *..1, reverse direction, nodes()/relationships()")
def _varlen(p: Probe) -> None:
    org_graph(p)
    ids = lambda q: [r["id"] for r in p.run(q)]  # noqa: E731
    expect(ids("MATCH (:Org {id:'r'})-[:CONTAINS*1..]->(d) RETURN d.id AS id ORDER BY id"), ["a", "b", "c"], "*1..")
    expect(ids("MATCH (:Org {id:'r'})-[:CONTAINS*0..]->(d) RETURN d.id AS id ORDER BY id"), ["a", "b", "c", "r"], "*0..")
    expect(ids("MATCH (:Org {id:'r'})-[:CONTAINS*]->(d) RETURN d.id AS id ORDER BY id"), ["a", "b", "c"], "*")
    expect(ids("MATCH (:Org {id:'r'})-[:CONTAINS*..1]->(d) RETURN d.id AS id ORDER BY id"), ["a", "c"], "*..1")
    expect(ids("MATCH (:Org {id:'b'})<-[:CONTAINS*0..]-(x) RETURN x.id AS id ORDER BY id"), ["a", "b", "r"], "ancestors")
    row = p.run("MATCH path = (:Org {id:'r'})-[:CONTAINS*1..]->(:Org {id:'b'}) RETURN length(path) AS n, "
                "[x IN nodes(path) | x.id] AS ids, [r IN relationships(path) | r.since] AS s")
    expect(row, [{"n": 2, "ids": ["r", "a", "b"], "s": [2020, 2021]}])


@check("variable-length path on a cycle (relationship-unique, terminates)")
def _varlen_cycle(p: Probe) -> None:
    p.run("CREATE (a:V {id:'a'})-[:R]->(b:V {id:'b'})-[:R]->(a)")
    rows = p.run("MATCH (:V {id:'a'})-[:R*1..]->(x) RETURN x.id AS id ORDER BY id")
    expect([r["id"] for r in rows], ["a", "b"])
    expect(p.value("MATCH (a)-[r1]-(b)-[r2]-(c) WHERE a.id = 'a' AND r1 = r2 RETURN count(*)"), 0,
           "relationship uniqueness in one pattern")


@check("quantified path patterns (-[:R]->+, (()-[:R]->()){1,3})")
def _qpp(p: Probe) -> None:
    org_graph(p)
    expect([r["id"] for r in p.run("MATCH (:Org {id:'r'})-[:CONTAINS]->+(d) RETURN d.id AS id ORDER BY id")],
           ["a", "b", "c"])
    expect([r["id"] for r in p.run("MATCH (:Org {id:'r'}) (()-[:CONTAINS]->()){1,3} (d) RETURN d.id AS id ORDER BY id")],
           ["a", "b", "c"])


@check("shortestPath() / allShortestPaths()")
def _shortest(p: Probe) -> None:
    org_graph(p)
    row = p.run("MATCH (a:Org {id:'b'}), (b:Org {id:'c'}) MATCH path = shortestPath((a)-[:CONTAINS*]-(b)) "
                "RETURN length(path) AS n, [x IN nodes(path) | x.id] AS ids")
    expect(row, [{"n": 3, "ids": ["b", "a", "r", "c"]}])
    expect(p.value("MATCH path = allShortestPaths((:Org {id:'b'})-[*]-(:Org {id:'c'})) RETURN count(path)"), 1)


@check("SHORTEST k (GQL path selector, Neo4j 5.21+)", "use shortestPath()")
def _shortest_k(p: Probe) -> None:
    org_graph(p)
    expect(p.value("MATCH path = SHORTEST 1 (:Org {id:'b'})-[:CONTAINS]-+(:Org {id:'c'}) RETURN length(path)"), 3)


@check("UNION / UNION ALL")
def _union(p: Probe) -> None:
    org_graph(p)
    q = "MATCH (o:Org) RETURN o.id AS x {} MATCH (o:Org) RETURN o.id AS x"
    expect(sorted(r["x"] for r in p.run(q.format("UNION"))), ["a", "b", "c", "r"], "UNION")
    expect(len(p.run(q.format("UNION ALL"))), 8, "UNION ALL")


@check("ORDER BY / SKIP / LIMIT (literal and $param), DISTINCT")
def _order(p: Probe) -> None:
    org_graph(p)
    expect([r["id"] for r in p.run("MATCH (o:Org) RETURN o.id AS id ORDER BY o.name DESC SKIP 1 LIMIT 2")], ["c", "b"])
    expect([r["id"] for r in p.run("MATCH (o:Org) RETURN o.id AS id ORDER BY id SKIP $s LIMIT $l", {"s": 1, "l": 2})],
           ["b", "c"], "$param")
    expect(p.run("MATCH (p:Person)-[:MEMBER_OF]->() RETURN DISTINCT p.id AS id ORDER BY id"),
           [{"id": "p1"}, {"id": "p2"}], "DISTINCT")


@check("ORDER BY with nulls (ASC: nulls last, DESC: nulls first)")
def _order_nulls(p: Probe) -> None:
    org_graph(p)
    asc = [r["id"] for r in p.run("MATCH (o:Org) RETURN o.id AS id ORDER BY o.score, id")]
    desc = [r["id"] for r in p.run("MATCH (o:Org) RETURN o.id AS id ORDER BY o.score DESC, id")]
    expect((asc, desc), (["b", "a", "c", "r"], ["c", "r", "a", "b"]))


@check("toFloat / toInteger / toString / integer division")
def _conv(p: Probe) -> None:
    row = p.run("RETURN toFloat('1.5') AS a, toFloat(2) AS b, toInteger('42') AS c, toInteger(3.9) AS d, "
                "toInteger('x') AS e, toFloat(null) AS f, toString(1) AS g, 7/2 AS h, 7/2.0 AS i, "
                "toInteger(true) AS j, toFloat('x') AS k, toString(true) AS l, -7/2 AS m, 7 % 3 AS n")[0]
    expect(row, {"a": 1.5, "b": 2.0, "c": 42, "d": 3, "e": None, "f": None, "g": "1", "h": 3, "i": 3.5,
                 "j": 1, "k": None, "l": "true", "m": -3, "n": 1})


@check("DETACH DELETE; DELETE of a node that still has relationships must fail")
def _delete(p: Probe) -> None:
    org_graph(p)
    s = p.summary("MATCH (o:Org {id:'a'}) DETACH DELETE o")
    expect((s.counters.nodes_deleted, s.counters.relationships_deleted), (1, 4), "counters")
    expect(p.value("MATCH (n) RETURN count(n)"), 6)
    exc = p.error("MATCH (o:Org {id:'r'}) DELETE o")
    if exc is None:
        left = p.run("MATCH (n {id:'r'}) RETURN count(n) AS n")[0]["n"]
        dangling = p.run("MATCH ()-[r:CONTAINS]->() RETURN count(r) AS n")[0]["n"]
        raise Differs(f"DELETE without DETACH succeeded (node left: {left}, CONTAINS rels left: {dangling})")


@check("MATCH (a)-[r:T]->(b) DELETE r")
def _delete_rel(p: Probe) -> None:
    org_graph(p)
    s = p.summary("MATCH (:Person {id:'p2'})-[r:MEMBER_OF]->(:Org {id:'b'}) DELETE r")
    expect(s.counters.relationships_deleted, 1)
    expect(p.value("MATCH ()-[r:MEMBER_OF]->() RETURN count(r)"), 2)


@check("relationship property filters (inline map and WHERE)")
def _rel_props(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (x)-[:MEMBER_OF {role:'secretary'}]->(o) RETURN x.id AS x, o.id AS o"), [{"x": "p1", "o": "a"}])
    expect(p.value("MATCH ()-[m:MEMBER_OF]->() WHERE m.since >= 2021 AND m.role = 'member' RETURN count(m)"), 2)


@check("multiple labels: CREATE (:A:B), MATCH (:A:B), WHERE n:B, (:A|B), labels(n)")
def _labels(p: Probe) -> None:
    org_graph(p)
    expect(sorted(p.value("MATCH (n:Root) RETURN labels(n)")), ["Org", "Root"])
    expect(p.value("MATCH (n:Org:Root) RETURN n.id"), "r")
    expect(p.value("MATCH (n:Org) WHERE n:Root RETURN n.id"), "r")
    expect(sorted(r["id"] for r in p.run("MATCH (n:Root|Person) RETURN n.id AS id")), ["p1", "p2", "p3", "r"])
    expect(p.value("MATCH (n:Org) RETURN count(n)"), 4, "a multi-label node matches each of its labels")


@check("SET n:Label / REMOVE n:Label keeps elementId (node identity)",
       "never keep elementId/id across a label change: identify nodes by your own id property")
def _label_change(p: Probe) -> None:
    org_graph(p)
    before = p.value("MATCH (n:Org {id:'c'}) RETURN elementId(n)")
    row = p.run("MATCH (n:Org {id:'c'}) SET n:Archived RETURN elementId(n) AS e, labels(n) AS l")[0]
    expect(sorted(row["l"]), ["Archived", "Org"])
    expect(p.value("MATCH (:Org {id:'r'})-[:CONTAINS]->(n:Archived) RETURN n.id"), "c", "relationships kept")
    if row["e"] != before:
        raise Differs(f"elementId changed from {before!r} to {row['e']!r} (label writes rewrite the record)")


@check("type(r), startNode/endNode, properties(r), keys(r)")
def _type(p: Probe) -> None:
    org_graph(p)
    expect(p.run("MATCH (:Org {id:'a'})-[r:CONTAINS]->() RETURN type(r) AS t, startNode(r).id AS s, "
                 "endNode(r).id AS e, properties(r) AS p, keys(r) AS k"),
           [{"t": "CONTAINS", "s": "a", "e": "b", "p": {"since": 2021}, "k": ["since"]}])


@check("elementId(n) vs id(n); lookup by elementId", "treat elementId as an opaque string, valid only within one transaction/label set", info=True)
def _element_id(p: Probe) -> str:
    p.run("CREATE (:I {k: 1})-[:R]->(:I {k: 2})")
    row = p.run("MATCH (n:I {k: 1})-[r]->() RETURN elementId(n) AS e, id(n) AS i, elementId(r) AS er, id(r) AS ir")[0]
    expect(p.value("MATCH (n) WHERE elementId(n) = $e RETURN n.k", {"e": row["e"]}), 1, "lookup by elementId")
    expect(p.value("MATCH (n) WHERE id(n) = $i RETURN n.k", {"i": row["i"]}), 1, "lookup by id")
    return f"node elementId {row['e']!r}, id {row['i']}; rel elementId {row['er']!r}, id {row['ir']} (Neo4j: '4:<uuid>:<n>' and small ints)"


@check("CREATE CONSTRAINT name IF NOT EXISTS FOR (n:L) REQUIRE n.id IS UNIQUE (twice); without IF NOT EXISTS twice fails")
def _constraint(p: Probe) -> None:
    q = "CREATE CONSTRAINT org_id IF NOT EXISTS FOR (n:Org) REQUIRE n.id IS UNIQUE"
    s = p.summary(q)
    expect(s.counters.constraints_added, 1)
    expect(p.summary(q).counters.constraints_added, 0, "second IF NOT EXISTS")
    if p.error(q.replace(" IF NOT EXISTS", "")) is None:
        raise Differs("re-creating without IF NOT EXISTS did not fail")


@check("uniqueness constraint enforced: CREATE duplicate fails, MERGE reuses, SET to a taken value fails, multi-label node covered")
def _unique(p: Probe) -> None:
    p.run("CREATE CONSTRAINT org_id IF NOT EXISTS FOR (n:Org) REQUIRE n.id IS UNIQUE")
    p.run("CREATE (:Org {id:'a'}), (:Org {id:'b'})")
    errs = {
        "CREATE dup": p.error("CREATE (:Org {id:'a'})"),
        "CREATE dup with 2nd label": p.error("CREATE (:Org:Extra {id:'a'})"),
        "SET to taken": p.error("MATCH (n:Org {id:'b'}) SET n.id = 'a'"),
        "dup inside one UNWIND": p.error("UNWIND ['x','x'] AS i CREATE (:Org {id: i})"),
    }
    p.run("MERGE (:Org {id:'a'})")
    expect(p.value("MATCH (n:Org) RETURN count(n)"), 2)
    missing = [k for k, v in errs.items() if v is None]
    if missing:
        raise Differs(f"not rejected: {missing}")
    kinds = {type(v).__name__ for v in errs.values()}
    expect(kinds, {"ConstraintError"}, "exception class")


@check("unique constraint treats 5 and '5' as distinct values", "keep id properties one type (strings)")
def _unique_types(p: Probe) -> None:
    p.run("CREATE CONSTRAINT u IF NOT EXISTS FOR (n:U) REQUIRE n.id IS UNIQUE")
    p.run("CREATE (:U {id: 5})")
    exc = p.error("CREATE (:U {id: '5'})")
    if exc is not None:
        raise Differs(f"'5' rejected as a duplicate of 5: {short_error(exc)}")


@check("CREATE INDEX name IF NOT EXISTS FOR (n:L) ON (n.p); relationship property index; DROP INDEX")
def _index(p: Probe) -> None:
    q = "CREATE INDEX org_name IF NOT EXISTS FOR (n:Org) ON (n.name)"
    expect(p.summary(q).counters.indexes_added, 1)
    expect(p.summary(q).counters.indexes_added, 0, "second time")
    p.run("CREATE INDEX mem_role IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.role)")
    p.run("CREATE INDEX org_multi IF NOT EXISTS FOR (n:Org) ON (n.a, n.b)")
    expect(p.summary("DROP INDEX org_name IF EXISTS").counters.indexes_removed, 1)


@check("creating an index / constraint on a label that already has data keeps property types",
       "create all constraints and indexes on the empty database, before loading data")
def _index_types(p: Probe) -> None:
    p.run("CREATE (:Org {id:'a', name:'Alpha'}), (:Org {id:'b', name:'Beta'})")
    p.run("CREATE INDEX org_name IF NOT EXISTS FOR (n:Org) ON (n.name)")
    p.run("MATCH (n:Org {id:'b'}) SET n.name = 123")
    v = p.value("MATCH (n:Org {id:'b'}) RETURN n.name")
    extra = [r["name"] for r in p.run("SHOW CONSTRAINTS YIELD name RETURN name")]
    if v != 123:
        raise Differs(f"n.name = 123 read back as {v!r}: the index typed the property from the existing data "
                      f"(SHOW CONSTRAINTS now lists {extra})")


@check("SHOW CONSTRAINTS / SHOW INDEXES (and YIELD ... WHERE)", info=True)
def _show(p: Probe) -> str:
    p.run("CREATE CONSTRAINT org_id IF NOT EXISTS FOR (n:Org) REQUIRE n.id IS UNIQUE")
    p.run("CREATE INDEX org_name IF NOT EXISTS FOR (n:Org) ON (n.name)")
    cons = p.run("SHOW CONSTRAINTS")
    idx = p.run("SHOW INDEXES")
    named = p.run("SHOW CONSTRAINTS YIELD name, type WHERE name = 'org_id' RETURN name, type")
    expect([r["name"] for r in named], ["org_id"])
    return (f"SHOW CONSTRAINTS columns {sorted(cons[0])}; rows {[(r['name'], r['type']) for r in cons]}; "
            f"SHOW INDEXES rows {[(r['name'], r['type'], r.get('owningConstraint')) for r in idx]}")


@check("db.constraints() / db.indexes() (removed in Neo4j 5)", "use SHOW CONSTRAINTS / SHOW INDEXES")
def _old_procs(p: Probe) -> str:
    if p.error("CALL db.constraints()") is None:
        return "present (Neo4j 5 removed it)"
    return "absent, like Neo4j 5"


@check("execute_write: Python exception after two writes rolls back everything")
def _tx_py(p: Probe) -> None:
    def work(tx):
        tx.run("CREATE (:Tx {i: 1})").consume()
        tx.run("CREATE (:Tx {i: 2})").consume()
        raise RuntimeError("boom")
    with p.driver.session(database=p.db) as s:
        try:
            s.execute_write(work)
        except RuntimeError:
            pass
    expect(p.value("MATCH (n:Tx) RETURN count(n)"), 0)


@check("execute_write: server error in the 2nd statement rolls back the 1st")
def _tx_srv(p: Probe) -> None:
    def work(tx):
        tx.run("CREATE (:Tx {i: 1})").consume()
        tx.run("RETURN 1/0").consume()
    with p.driver.session(database=p.db) as s:
        try:
            s.execute_write(work)
        except neo4j.exceptions.Neo4jError:
            pass
    expect(p.value("MATCH (n:Tx) RETURN count(n)"), 0)


@check("one statement failing half-way (UNWIND with an error on row 2) is atomic")
def _stmt_atomic(p: Probe) -> None:
    p.error("UNWIND [1, 0] AS i CREATE (:Tx {v: 1/i})")
    expect(p.value("MATCH (n:Tx) RETURN count(n)"), 0)


@check("auto-commit session.run: statement that fails after writing leaves nothing",
       "write only through execute_write / execute_query (managed transactions), never session.run")
def _autocommit_partial(p: Probe) -> None:
    with p.driver.session(database=p.db) as s:
        try:
            list(s.run("CREATE (:Tx) WITH 1 AS x RETURN 1/0 AS y"))
        except neo4j.exceptions.Neo4jError:
            pass
        else:
            raise Differs("no error raised")
    n = p.value("MATCH (n:Tx) RETURN count(n)")
    if n:
        raise Differs(f"the CREATE was committed although the statement failed ({n} node left)")


@check("explicit begin_transaction(): uncommitted writes invisible to others; rollback() discards; commit() keeps")
def _explicit_tx(p: Probe) -> None:
    with p.driver.session(database=p.db) as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:Tx {i: 1})").consume()
        inside = tx.run("MATCH (n:Tx) RETURN count(n) AS c").single()["c"]
        outside = p.value("MATCH (n:Tx) RETURN count(n)")
        tx.rollback()
    expect((inside, outside, p.value("MATCH (n:Tx) RETURN count(n)")), (1, 0, 0))
    with p.driver.session(database=p.db) as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:Tx {i: 2})").consume()
        tx.commit()
    expect(p.value("MATCH (n:Tx) RETURN count(n)"), 1)


@check("concurrent MERGE of the same keys (4 sessions, unique constraint) creates each node once without errors",
       "load with one writer per key range, or catch ConstraintError and retry the batch (MERGE then matches)")
def _concurrent_merge(p: Probe) -> None:
    import threading

    p.run("CREATE CONSTRAINT m_id IF NOT EXISTS FOR (n:M) REQUIRE n.id IS UNIQUE")
    failures: list[str] = []

    def writer(k: int) -> None:
        with p.driver.session(database=p.db) as s:
            for i in range(30):
                try:
                    s.execute_write(lambda tx: tx.run("MERGE (m:M {id: $id}) SET m.by = $k",
                                                      id=f"m{i}", k=k).consume())
                except neo4j.exceptions.Neo4jError as exc:
                    failures.append(type(exc).__name__)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = p.value("MATCH (m:M) RETURN count(m)")
    if n != 30 or failures:
        raise Differs(f"{n} nodes (want 30); {len(failures)} of 120 MERGE transactions failed "
                      f"({', '.join(sorted(set(failures)))}) - a race, the count varies per run; "
                      "Neo4j serialises MERGE on a unique key")


@check("execute_read with a write query is refused (access mode)",
       "route writes through execute_write; a test on ArcadeDB will not catch a write inside execute_read")
def _read_mode(p: Probe) -> None:
    with p.driver.session(database=p.db) as s:
        try:
            s.execute_read(lambda tx: tx.run("CREATE (:W)").consume())
        except neo4j.exceptions.Neo4jError:
            return
    raise Differs(f"the write ran and was committed ({p.value('MATCH (n:W) RETURN count(n)')} node)")


@check("neo4j:// (routing) URI scheme")
def _routing_scheme(p: Probe) -> None:
    if p.server is None:
        raise Skip("needs the ArcadeDB test server")
    with GraphDatabase.driver(p.server.uri.replace("bolt://", "neo4j://"), auth=p.server.auth) as d:
        d.verify_connectivity()
        expect(d.execute_query("RETURN 1 AS x", database_=p.db, routing_=neo4j.RoutingControl.READ).records[0]["x"], 1)


@check("null in comparisons / boolean logic / IN")
def _nulls(p: Probe) -> None:
    row = p.run("RETURN null = null AS a, null <> 1 AS b, 1 < null AS c, null IS NULL AS d, NOT null AS e, "
                "null AND false AS f, null OR true AS g, 1 IN [1, null] AS h, 2 IN [1, null] AS i, "
                "null IN [] AS j, [1, null] = [1, null] AS k, null + 1 AS l, 'a' + null AS m")[0]
    expect(row, {"a": None, "b": None, "c": None, "d": True, "e": None, "f": False, "g": True, "h": True,
                 "i": None, "j": False, "k": None, "l": None, "m": None})
    org_graph(p)
    expect(p.value("MATCH (o:Org) WHERE o.score = null RETURN count(o)"), 0, "= null in WHERE")
    expect(p.value("MATCH (o:Org) WHERE o.missing <> 'x' RETURN count(o)"), 0, "<> on a missing property")


@check("string functions: toLower/toUpper, STARTS WITH/ENDS WITH/CONTAINS, =~, substring, split, trim, replace, size")
def _strings(p: Probe) -> None:
    row = p.run("RETURN toLower('ABC') AS a, toUpper('abc') AS b, 'abcdef' STARTS WITH 'abc' AS c, "
                "'abc' ENDS WITH 'bc' AS d, 'abc' CONTAINS 'b' AS e, 'abc' =~ 'a.*' AS f, "
                "substring('abcdef', 1, 3) AS g, split('a,b', ',') AS h, trim('  x ') AS i, "
                "replace('aXb', 'X', '-') AS j, size('中文') AS k, left('abc', 2) AS l, "
                "null STARTS WITH 'a' AS m, toLower(null) AS n, '中文社区' STARTS WITH '中文' AS o, "
                "'a' + 1 AS p, reverse('abc') AS q")[0]
    expect(row, {"a": "abc", "b": "ABC", "c": True, "d": True, "e": True, "f": True, "g": "bcd", "h": ["a", "b"],
                 "i": "x", "j": "a-b", "k": 2, "l": "ab", "m": None, "n": None, "o": True, "p": "a1", "q": "cba"})


@check("x IN $list / x IN [literal list]")
def _in(p: Probe) -> None:
    org_graph(p)
    expect([r["id"] for r in p.run("MATCH (o:Org) WHERE o.id IN $ids RETURN o.id AS id ORDER BY id",
                                   {"ids": ["a", "b", "zz"]})], ["a", "b"])
    expect(p.value("MATCH (o:Org) WHERE NOT o.id IN ['a','b'] RETURN count(o)"), 2)
    expect(p.value("MATCH (o:Org) WHERE o.id IN [] RETURN count(o)"), 0)


@check("map projection n {.id, .name}, n {.*}, n {.id, extra: expr}; collect(n {.*}); properties(n); keys(n)")
def _mapproj(p: Probe) -> None:
    org_graph(p)
    row = p.run("MATCH (o:Org {id:'a'}) RETURN o {.id, .name, .missing} AS m, o {.*} AS all, "
                "o {.id, extra: 1, kids: [(o)-[:CONTAINS]->(k) | k.id]} AS mix, properties(o) AS p, keys(o) AS k")[0]
    expect(row["m"], {"id": "a", "name": "Alpha", "missing": None}, "n {.id, .name, .missing}")
    expect(row["all"], {"id": "a", "name": "Alpha", "score": 3}, "n {.*}")
    expect(row["mix"], {"id": "a", "extra": 1, "kids": ["b"]}, "mixed projection")
    expect(row["p"], {"id": "a", "name": "Alpha", "score": 3}, "properties()")
    expect(sorted(row["k"]), ["id", "name", "score"], "keys()")
    cs = p.value("MATCH (o:Org) WITH o ORDER BY o.id RETURN collect(o {.*}) AS cs")
    expect([c["id"] for c in cs], ["a", "b", "c", "r"], "collect(n {.*}) keeps WITH ... ORDER BY order")


@check("FOREACH, WITH *, SET n.x = n.x + 1")
def _foreach(p: Probe) -> None:
    p.run("CREATE (:F {id: 1, n: 0})")
    p.run("MATCH (f:F) FOREACH (i IN range(1, 3) | SET f.n = f.n + i)")
    expect(p.value("MATCH (f:F) WITH * RETURN f.n"), 6)


@check("apoc.* procedures / functions", "do not depend on APOC (also absent from a default Neo4j)", info=True)
def _apoc(p: Probe) -> str:
    exc = p.error("RETURN apoc.version() AS v")
    if exc is None:
        return "present"
    return "absent: " + short_error(exc)


@check("dynamic labels CREATE (n:$($label)) (Neo4j 5.26)", "build label names in Python (validated against a whitelist)")
def _dyn_labels(p: Probe) -> None:
    exc = p.error("CREATE (n:$($label) {id: 1})", {"label": "Dyn"})
    if exc is not None:
        raise Differs(short_error(exc))
    labels = p.value("MATCH (n {id: 1}) RETURN labels(n)")
    if labels != ["Dyn"]:
        raise Differs(f"node created with labels {labels!r} instead of ['Dyn'], no error")


@check("unicode / backticked labels and property keys (:社区 {名称: ...}, :`With Space`)")
def _unicode_labels(p: Probe) -> None:
    p.run("CREATE (:社区 {名称: '中'}), (:`With Space` {`key with space`: 1})")
    expect(p.value("MATCH (n:社区) RETURN n.名称"), "中")
    expect(p.value("MATCH (n:`With Space`) RETURN n.`key with space`"), 1)


@check("EXPLAIN / PROFILE", info=True)
def _explain(p: Probe) -> str:
    with p.driver.session(database=p.db) as s:
        summary = s.run("EXPLAIN MATCH (n) RETURN n").consume()
        prof = s.run("PROFILE MATCH (n) RETURN count(n)").consume()
    return f"EXPLAIN plan: {'yes' if summary.plan else 'none'}; PROFILE profile: {'yes' if prof.profile else 'none'}"


@check("session(database=...) routes to the named database; unknown name fails")
def _routing(p: Probe) -> None:
    if p.server is None:
        raise Skip("needs the ArcadeDB test server (creates a database)")
    other = p.db + "b"
    p.server.create_database(other)
    try:
        p.run("CREATE (:Here {x: 1})")
        p.run("CREATE (:There {x: 2}), (:There {x: 3})", database=other)
        expect((p.value("MATCH (n) RETURN count(n)"), p.run("MATCH (n) RETURN count(n) AS c", database=other)[0]["c"]),
               (1, 2))
        exc = p.error("RETURN 1", database="no_such_db")
        if exc is None:
            raise Differs("unknown database accepted")
    finally:
        p.server.drop_database(other)


@check("session() without database= uses the home/default database",
       "always pass database= (driver.session(database=...), execute_query(database_=...))")
def _no_db(p: Probe) -> None:
    if p.server is None:
        raise Skip("needs the ArcadeDB test server")
    default = p.server.database
    # A connection that last served p.db, then a session without database=.
    d = GraphDatabase.driver(p.server.uri, auth=p.server.auth, max_connection_pool_size=1)
    try:
        p.run("CREATE (:Marker {here: true})")
        with d.session(database=p.db) as s:
            s.run("RETURN 1").consume()
        with d.session() as s:
            n = s.run("MATCH (n:Marker) RETURN count(n) AS c").single()["c"]
    finally:
        d.close()
    if n:
        raise Differs(f"the query ran in {p.db!r} (the pooled connection's previous database), not in the "
                      f"default database {default!r}")


@check("result summary counters (nodes/relationships/properties/labels)")
def _counters(p: Probe) -> None:
    s = p.summary("CREATE (a:K:L {x: 1, y: null})-[:R {w: 1}]->(b:K)")
    c = s.counters
    expect((c.nodes_created, c.relationships_created, c.labels_added, c.properties_set), (2, 1, 3, 2))


# --------------------------------------------------------------------------- #
# Timings
# --------------------------------------------------------------------------- #

TIMINGS: list[tuple[str, Callable[[Probe], str]]] = []


def timing(name: str) -> Callable:
    def register(fn: Callable[[Probe], str]) -> Callable[[Probe], str]:
        TIMINGS.append((name, fn))
        return fn
    return register


def _rows(start: int, n: int) -> list[dict[str, Any]]:
    return [{"id": f"n{i}", "name": f"节点 {i}", "level": i % 7} for i in range(start, start + n)]


def _timed_batches(p: Probe, query: str, batches: int, size: int = 10_000, offset: int = 0) -> float:
    t0 = time.perf_counter()
    for b in range(batches):
        p.run(query, {"rows": _rows(offset + b * size, size)})
    return time.perf_counter() - t0


@timing("UNWIND $rows CREATE, 10k-row batches of small maps (10 batches, no index)")
def _t_create(p: Probe) -> str:
    secs = _timed_batches(p, "UNWIND $rows AS row CREATE (n:Perf {id: row.id, name: row.name, level: row.level})", 10)
    return f"{100_000 / secs:,.0f} rows/s ({secs:.2f} s for 100k)"


@timing("UNWIND $rows CREATE (n:L) SET n = row, same with a unique constraint on id")
def _t_create_constraint(p: Probe) -> str:
    p.run("CREATE CONSTRAINT perf_id IF NOT EXISTS FOR (n:Perf) REQUIRE n.id IS UNIQUE")
    secs = _timed_batches(p, "UNWIND $rows AS row CREATE (n:Perf) SET n = row", 10)
    return f"{100_000 / secs:,.0f} rows/s ({secs:.2f} s for 100k)"


@timing("UNWIND $rows MERGE (n:L {id: row.id}) SET n += row, unique constraint, 50k new then 50k existing")
def _t_merge(p: Probe) -> str:
    p.run("CREATE CONSTRAINT perf_id IF NOT EXISTS FOR (n:Perf) REQUIRE n.id IS UNIQUE")
    q = "UNWIND $rows AS row MERGE (n:Perf {id: row.id}) SET n += row"
    new = _timed_batches(p, q, 5)
    again = _timed_batches(p, q, 5)
    return f"new: {50_000 / new:,.0f} rows/s; existing: {50_000 / again:,.0f} rows/s"


@timing("UNWIND $rows MERGE without any index (2k rows onto 2k existing)")
def _t_merge_noindex(p: Probe) -> str:
    p.run("UNWIND $rows AS row CREATE (n:Perf) SET n = row", {"rows": _rows(0, 2_000)})
    t0 = time.perf_counter()
    p.run("UNWIND $rows AS row MERGE (n:Perf {id: row.id}) SET n += row", {"rows": _rows(0, 2_000)})
    secs = time.perf_counter() - t0
    return f"{2_000 / secs:,.0f} rows/s (full scan per row: create the constraint first)"


@timing("UNWIND $rels MATCH (a {id}) MATCH (b {id}) CREATE (a)-[:R]->(b), 10k per batch, with unique constraint")
def _t_rels(p: Probe) -> str:
    p.run("CREATE CONSTRAINT perf_id IF NOT EXISTS FOR (n:Perf) REQUIRE n.id IS UNIQUE")
    _timed_batches(p, "UNWIND $rows AS row CREATE (n:Perf) SET n = row", 3)
    rels = [{"a": f"n{i}", "b": f"n{(i * 7919) % 30_000}"} for i in range(30_000)]
    t0 = time.perf_counter()
    for k in range(0, len(rels), 10_000):
        p.run("UNWIND $rels AS r MATCH (a:Perf {id: r.a}) MATCH (b:Perf {id: r.b}) CREATE (a)-[:R]->(b)",
              {"rels": rels[k:k + 10_000]})
    secs = time.perf_counter() - t0
    return f"{30_000 / secs:,.0f} rels/s"


@timing("MATCH (n) RETURN count(n) / MATCH (n:L) RETURN count(n) / lookup by id, on 100k nodes")
def _t_count(p: Probe) -> str:
    p.run("CREATE CONSTRAINT perf_id IF NOT EXISTS FOR (n:Perf) REQUIRE n.id IS UNIQUE")
    _timed_batches(p, "UNWIND $rows AS row CREATE (n:Perf) SET n = row", 10)
    out = []
    for q in ("MATCH (n) RETURN count(n) AS c", "MATCH (n:Perf) RETURN count(n) AS c",
              "MATCH (n:Perf) WHERE n.level = 3 RETURN count(n) AS c"):
        p.run(q)  # warm up
        t0 = time.perf_counter()
        for _ in range(5):
            c = p.run(q)[0]["c"]
        out.append(f"`{q}` = {c}: {(time.perf_counter() - t0) / 5 * 1000:.1f} ms")
    t0 = time.perf_counter()
    for i in range(200):
        p.run("MATCH (n:Perf {id: $id}) RETURN n.name AS name", {"id": f"n{i * 37}"})
    out.append(f"200 single lookups by id: {(time.perf_counter() - t0) / 200 * 1000:.1f} ms each")
    return "; ".join(out)


@timing("Bolt message size limit: UNWIND of one 100k-row batch")
def _t_big(p: Probe) -> str:
    rows = _rows(0, 100_000)
    size = len(json.dumps(rows, ensure_ascii=False).encode())
    t0 = time.perf_counter()
    try:
        p.run("UNWIND $rows AS row CREATE (n:Perf) SET n = row", {"rows": rows})
    except Exception as exc:  # noqa: BLE001
        return f"failed ({short_error(exc)})"
    return f"ok, ~{size / 1e6:.1f} MB as JSON, {100_000 / (time.perf_counter() - t0):,.0f} rows/s"


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #


def run_all(probe: Probe, quick: bool) -> list[Result]:
    results: list[Result] = []
    for construct, advice, info, fn in CHECKS:
        probe.fresh()
        t0 = time.perf_counter()
        try:
            detail = fn(probe)
            status = "info" if info else "yes"
            detail = detail or ""
        except Differs as exc:
            status, detail = "differs", str(exc)
        except Skip as exc:
            status, detail = "skipped", str(exc)
        except neo4j.exceptions.Neo4jError as exc:
            status, detail = "no", short_error(exc)
        except Exception as exc:  # noqa: BLE001 - probe bug or driver error: report it
            status, detail = "no", short_error(exc) + " | " + traceback.format_exc(limit=1).splitlines()[-1]
        results.append(Result(construct, status, detail, advice, time.perf_counter() - t0))
        print(f"[{status:7}] {construct}" + (f"\n          {detail}" if detail else ""), file=sys.stderr)
    if not quick:
        for name, fn in TIMINGS:
            probe.fresh()
            t0 = time.perf_counter()
            try:
                detail = fn(probe)
            except Exception as exc:  # noqa: BLE001
                detail = "failed: " + short_error(exc)
            results.append(Result(name, "info", detail, "", time.perf_counter() - t0))
            print(f"[timing ] {name}\n          {detail}", file=sys.stderr)
    return results


def markdown(results: list[Result]) -> str:
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| construct | works | notes / workaround |", "| --- | --- | --- |"]
    for r in results:
        note = r.detail
        if r.advice and r.status in ("differs", "no"):
            note = f"{note} **Workaround:** {r.advice}" if note else r.advice
        lines.append(f"| {esc(r.construct)} | {r.status} | {esc(note)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the timings")
    ap.add_argument("--json", type=Path, help="write the results as JSON here")
    ap.add_argument("--markdown", type=Path, help="write the results as a Markdown table here")
    ap.add_argument("--allow-wipe", action="store_true",
                    help="with ORGGRAPH_NEO4J_URI: allow wiping that database before every check")
    ap.add_argument("-k", help="run only checks whose name contains this text")
    args = ap.parse_args(argv)

    if args.k:
        CHECKS[:] = [c for c in CHECKS if args.k.lower() in c[0].lower()]
        TIMINGS[:] = [t for t in TIMINGS if args.k.lower() in t[0].lower()]

    logging.getLogger("neo4j").setLevel(logging.ERROR)  # no "will be retried" chatter
    env = server_from_env()
    server = None
    t0 = time.perf_counter()
    if env is not None:
        if not args.allow_wipe:
            ap.error("ORGGRAPH_NEO4J_URI is set: pass --allow-wipe to let the probe wipe that database")
        uri, auth, database = env.uri, env.auth, env.database
    else:
        server = BoltTestServer().start()
        uri, auth, database = server.uri, server.auth, server.database
        print(f"started {server!r} in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    try:
        with GraphDatabase.driver(uri, auth=auth) as driver:
            results = run_all(Probe(driver, server, database, args.allow_wipe), args.quick)
    finally:
        if server is not None:
            server.stop()
    table = markdown(results)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    counts = {s: sum(r.status == s for r in results) for s in ("yes", "differs", "no", "info", "skipped")}
    print(f"summary: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
