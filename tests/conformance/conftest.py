"""The conformance suite: every test body runs on both backends and must give the in-memory answer.

``backend`` is parametrised over ``"memory"`` and ``"neo4j"``. ``on_backend(name, build)``
returns the graph ``build()`` on that backend: the in-memory graph itself, or the
same graph loaded into a database of the Bolt test server. On ArcadeDB: one
database per graph, loaded once per session and only read afterwards, since a
load costs far more than a query. On Neo4j Community (one user database) and on
an external server set by ``ORGGRAPH_NEO4J_URI`` (only with
``ORGGRAPH_NEO4J_ALLOW_WIPE=1``) the one database is wiped and reloaded when
the graph changes; the tests are ordered graph by graph (``query`` is the inner
parameter of ``test_query_agrees``), so each graph is still loaded once.

A query a backend does not implement is a strict xfail (:data:`NOT_IMPLEMENTED`),
never a silent skip.
"""

from __future__ import annotations

import uuid

import pytest

import orggraph as og

from conformance_helpers import NOT_IMPLEMENTED, wipe
from orggraph.testing.pytest_plugin import may_wipe

BACKENDS = ("memory", "neo4j")

def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        backend = callspec.params.get("backend")
        if backend == "neo4j":  # it needs the Bolt server (requested inside the fixture, so mark it here)
            item.add_marker(pytest.mark.neo4j)
        query = getattr(item.function, "query", None) or callspec.params.get("query")
        if isinstance(query, tuple):
            query = query[0]
        gap = NOT_IMPLEMENTED.get((backend, query))
        if gap is not None:
            exc, reason = gap
            item.add_marker(pytest.mark.xfail(strict=True, raises=exc, reason=reason))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "neo4j":
        request.getfixturevalue("bolt_server")  # marks the test as needing the server
    return request.param


class Neo4jGraphs:
    """Graphs loaded into databases of the Bolt server, keyed by name, kept for the session."""

    def __init__(self, server):
        self.server = server
        self.graphs: dict[str, og.connect.__class__] = {}
        self.databases: list[str] = []
        self.loads = 0
        self.current: str | None = None
        self.load_seconds = 0.0

    @property
    def own_databases(self) -> bool:
        return hasattr(self.server, "create_database")

    def get(self, name: str, build) -> "og.OrgGraph":
        if name in self.graphs and (self.own_databases or self.current == name):
            return self.graphs[name]
        graph = build()
        if self.own_databases:
            database = f"conf_{uuid.uuid4().hex[:10]}"
            self.server.create_database(database)
            self.databases.append(database)
        else:
            if not may_wipe(self.server):
                pytest.skip("the conformance suite on an external server wipes it: set ORGGRAPH_NEO4J_ALLOW_WIPE=1")
            database = self.server.database
            for g in self.graphs.values():
                g.close()
            self.graphs.clear()
            wipe(self.server, database)
        target = og.connect(self.server.uri, auth=self.server.auth, database=database)
        report = target.load(graph, batch_size=2_000, progress=False)
        self.load_seconds += report.seconds
        self.loads += 1
        self.graphs[name] = target
        self.current = name
        return target

    def close(self) -> None:
        for g in self.graphs.values():
            g.close()
        if self.own_databases and self.server.is_running():
            for database in self.databases:
                self.server.drop_database(database)


@pytest.fixture(scope="session")
def neo4j_graphs(request):
    server = request.getfixturevalue("bolt_server")
    graphs = Neo4jGraphs(server)
    yield graphs
    graphs.close()
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None and graphs.loads:
        terminal.write_line(
            f"conformance: {graphs.loads} graph loads into the Bolt server took {graphs.load_seconds:.1f} s"
        )


_MEMORY: dict[str, og.OrgGraph] = {}


@pytest.fixture
def on_backend(backend, request):
    """``on_backend(name, build)``: the graph ``build()`` on the test's backend."""

    def get(name: str, build):
        if name not in _MEMORY:
            _MEMORY[name] = build()
        if backend == "memory":
            return _MEMORY[name]
        return request.getfixturevalue("neo4j_graphs").get(name, lambda: _MEMORY[name])

    return get


