"""A Bolt server killed in the middle of a large load: rerunning the load ends with exactly the right counts.

These tests start a Bolt test server of their own (they kill it), of the session's
kind (Neo4j 5.26 when it can run here, else ArcadeDB), so they do not run against
an external ``ORGGRAPH_NEO4J_URI`` server. The module's tests share that server: each
leaves it running after its restart, and the next one starts on it emptied to the state
of a new server (no data, no constraint, no index).
"""

from __future__ import annotations

import threading
import time

import neo4j
import pytest

import orggraph as og
from orggraph.backends.neo4j import Neo4jBackend, Runner
from orggraph.connect import Neo4jGraph
from orggraph.schema import EDGE_TYPES, NODE_KINDS
from orggraph.testing.bolt_server import BoltTestServer
from orggraph.testing.pytest_plugin import start_test_server

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture(scope="module")
def graph():
    # ~3,500 nodes and ~5,000 edges: 43 batches of 200 rows, long enough to be cut in the middle
    return og.synthetic.generate(streets=3, seed=7)


@pytest.fixture(scope="module")
def crash_server():
    """One server for the module's crash tests: each kills it and starts it again, and a start of a JVM
    costs Neo4j ~8 s of CPU."""
    s = start_test_server()
    yield s
    s.stop()


@pytest.fixture
def server(crash_server):
    """The module's server, running and as new: no node, no relationship, no constraint or index."""
    if not crash_server.is_running():      # a test that failed before its restart left it down
        crash_server.restart()
    _empty(crash_server)
    return crash_server


def _empty(server) -> None:
    """Bring ``server``'s database back to the state of a new server, and check it."""
    if isinstance(server, BoltTestServer):  # ArcadeDB: a new database under the same name
        server.drop_database(server.database)
        server.create_database(server.database)
    else:                                   # Neo4j Community: one database, wiped, its schema dropped
        server.wipe()
        with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as d:
            for rec in d.execute_query("SHOW CONSTRAINTS YIELD name", database_=server.database).records:
                d.execute_query(f"DROP CONSTRAINT `{rec['name']}`", database_=server.database)
            for rec in d.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'",
                                       database_=server.database).records:
                d.execute_query(f"DROP INDEX `{rec['name']}`", database_=server.database)
            assert d.execute_query("SHOW CONSTRAINTS", database_=server.database).records == []
            assert d.execute_query("SHOW INDEXES YIELD type WHERE type <> 'LOOKUP'",
                                   database_=server.database).records == []
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as d:
        assert d.execute_query("MATCH (n) RETURN count(n) AS n", database_=server.database).records[0]["n"] == 0


def _connect(server, retry_seconds: float) -> Neo4jGraph:
    """A graph on ``server`` whose driver gives up retrying after ``retry_seconds``.

    It retries every 0.5 s (±20%) instead of after 1, 2, 4, 8, 16 s: with the default doubling,
    a server back after 9 s was tried again only at 15 s, and one back after 16 s only at 31 s."""
    driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth, max_transaction_retry_time=retry_seconds,
                                        initial_retry_delay=0.5, retry_delay_multiplier=1.0)
    return Neo4jGraph(Neo4jBackend(Runner(driver, server.database), uri=server.uri))


def _counts(server) -> dict[str, int]:
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as d:
        out = {}
        for kind in NODE_KINDS:
            out[kind] = d.execute_query(f"MATCH (n:{kind}) RETURN count(n) AS n", database_=server.database).records[0]["n"]
        for t in EDGE_TYPES:
            out[t] = d.execute_query(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n", database_=server.database).records[0]["n"]
        tagged = d.execute_query("MATCH (n) WHERE n._orggraph_load IS NOT NULL RETURN count(n) AS n",
                                 database_=server.database).records[0]["n"]
        return out | {"tagged": tagged}


def _expected(graph) -> dict[str, int]:
    return graph.backend.counts() | {"tagged": 0}


def _kill_when_loading(server, db_name: str, stop: threading.Event) -> None:
    """Wait until the load has written its first nodes, then kill the server process (SIGKILL)."""
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as d:
        while not stop.is_set():
            try:
                n = d.execute_query("MATCH (n) RETURN count(n) AS n", database_=db_name).records[0]["n"]
            except Exception:
                n = 0
            if n > 0:
                server.kill()
                return
            time.sleep(0.02)


def test_driver_retries_carry_a_load_through_a_server_restart(graph, server):
    """Killed mid-load and back within the driver's retry window: the same load call completes."""
    db = _connect(server, retry_seconds=60)
    stop = threading.Event()
    killer = threading.Thread(target=_kill_when_loading, args=(server, server.database, stop))
    killer.start()
    result = {}

    def load():
        try:
            result["report"] = db.load(graph, batch_size=200, progress=False)
        except Exception as exc:  # noqa: BLE001 - reported below
            result["error"] = exc

    loader = threading.Thread(target=load)
    loader.start()
    killer.join(timeout=60)
    stop.set()
    assert not server.is_running(), "the server was never killed: the load finished too fast to be interrupted"
    server.restart()                       # same root directory and ports: committed batches survive
    loader.join(timeout=180)
    db.close()
    assert "error" not in result, f"the load did not survive the restart: {result.get('error')!r}"
    assert _counts(server) == _expected(graph)


def test_rerunning_a_load_cut_by_a_crash_gives_exact_counts(graph, server):
    """Killed mid-load and down past the retry window: the load fails; after a restart a rerun is exact."""
    db = _connect(server, retry_seconds=1)
    stop = threading.Event()
    killer = threading.Thread(target=_kill_when_loading, args=(server, server.database, stop))
    killer.start()
    with pytest.raises(Exception) as info:
        db.load(graph, batch_size=200, progress=False)
    stop.set()
    killer.join(timeout=10)
    db.close()
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "discard_load" in notes     # the error says how to clean up what the load staged
    server.restart()                       # same root directory and ports
    partial = _counts(server)
    assert 0 < sum(partial[k] for k in NODE_KINDS) <= sum(_expected(graph)[k] for k in NODE_KINDS)
    # rerun the same load: no duplicates, nothing missing
    db = _connect(server, retry_seconds=30)
    db.load(graph, batch_size=200, progress=False)
    counts = _counts(server)
    assert {k: v for k, v in counts.items() if k != "tagged"} == {k: v for k, v in _expected(graph).items() if k != "tagged"}
    # the crashed load's staging tags are the only trace; the documented recovery removes them, and a
    # reload puts back exactly what the graph holds
    load_id = notes.split("discard_load(")[1].split(")")[0].strip("'\"")
    db.backend.discard_load(load_id)
    db.load(graph, batch_size=200, progress=False)
    assert _counts(server) == _expected(graph)
    back = db.to_memory()
    db.close()
    assert back.equals(graph)


def _kill_when_staged(server, db_name: str, stop: threading.Event) -> None:
    """Wait until the load has staged its first new nodes (tagged), then kill the server process (SIGKILL)."""
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as d:
        while not stop.is_set():
            try:
                n = d.execute_query("MATCH (n) WHERE n._orggraph_load IS NOT NULL RETURN count(n) AS n",
                                    database_=db_name).records[0]["n"]
            except Exception:
                n = 0
            if n > 0:
                server.kill()
                return
            time.sleep(0.02)


def test_a_sync_cut_by_a_crash_and_rerun_ends_with_the_exact_graph(graph, server):
    """Sync from an older graph (extra people, fewer nodes) to ``graph``; the server dies mid-sync; after a restart
    the same sync, run again, leaves exactly ``graph``: nothing of the older graph, no staging tag."""
    older = og.synthetic.generate(streets=3, seed=8)  # its ids are a subset of ``graph``'s, its attributes differ
    older.add_nodes("Cadre", [{"id": f"gone{i}", "name": f"旧{i}"} for i in range(20)])
    street = older.nodes("Street")["id"].iloc[0]
    older.add_edges("LIAISES", [{"source": f"gone{i}", "target": street} for i in range(20)])
    db = _connect(server, retry_seconds=30)
    db.load(older, progress=False)
    db.close()
    db = _connect(server, retry_seconds=1)
    stop = threading.Event()
    killer = threading.Thread(target=_kill_when_staged, args=(server, server.database, stop))
    killer.start()
    with pytest.raises(Exception):
        db.load(graph, sync=True, batch_size=100, progress=False)
    stop.set()
    killer.join(timeout=10)
    db.close()
    assert not server.is_running(), "the server was never killed"
    server.restart()
    db = _connect(server, retry_seconds=30)
    report = db.load(graph, sync=True, batch_size=100, progress=False)
    assert report.nodes_removed == 20              # the 20 people only the older graph had
    assert _counts(server) == _expected(graph)     # exact counts, and no staging tag left anywhere
    back = db.to_memory()
    db.close()
    assert back.equals(graph)
