"""pytest fixtures for tests that need a Bolt (Neo4j protocol) server.

Register it from ``tests/conftest.py``::

    pytest_plugins = ["orggraph.testing.pytest_plugin"]

Fixtures
--------
``bolt_server`` (session)
    An object with ``.uri``, ``.auth`` and ``.database``.  When
    ``ORGGRAPH_NEO4J_URI`` is set it is a :class:`~orggraph.testing.bolt_server.BoltSettings`
    for that server.  Otherwise a server started once per session and stopped
    at its end: a real Neo4j 5.26 Community
    (:class:`~orggraph.testing.neo4j_server.Neo4jTestServer`, database ``neo4j``)
    when Java 17+ and Maven (or the cached jars) are there, else ArcadeDB
    (:class:`~orggraph.testing.bolt_server.BoltTestServer`, database
    ``orggraph``).  ``ORGGRAPH_TEST_SERVER=neo4j`` or ``=arcadedb`` picks one
    (``neo4j`` then fails when it cannot start, instead of falling back).
    Only ArcadeDB has ``create_database`` / ``drop_database``; both have
    ``kill`` / ``restart``.
``neo4j_driver`` (function)
    ``neo4j.GraphDatabase.driver`` on ``bolt_server``, closed afterwards.
    Always pass ``database=bolt_server.database`` (see docs/arcadedb-notes.md).
``fresh_database`` (function)
    Name of an empty database for one test: with the ArcadeDB server a new
    database (created in ~10 ms, dropped afterwards); with the Neo4j test
    server (Community Edition: one user database) ``neo4j``, wiped.  With an external
    server the configured database is wiped first, but only if
    ``ORGGRAPH_NEO4J_ALLOW_WIPE=1``; otherwise the test is skipped.

Every test that uses one of these fixtures gets the ``neo4j`` marker, so
``pytest -m "not neo4j"`` runs without any server.

:func:`start_test_server` starts one more server of the session's kind (for
tests that kill their server).
"""

from __future__ import annotations

import itertools
import os
import uuid
from typing import Iterator

import pytest

from orggraph.testing.bolt_server import BoltSettings, BoltTestServer, BoltTestServerError, may_wipe, server_from_env
from orggraph.testing.neo4j_server import Neo4jTestServer, Neo4jTestServerError, neo4j_server_available

_BOLT_FIXTURES = {"bolt_server", "neo4j_driver", "fresh_database"}
_counter = itertools.count(1)
_started: list[BoltTestServer | Neo4jTestServer] = []
_KINDS = ("neo4j", "arcadedb")


def server_kind() -> str:
    """``"neo4j"`` or ``"arcadedb"``: ``$ORGGRAPH_TEST_SERVER`` if set, else Neo4j when it can start here."""
    wanted = os.environ.get("ORGGRAPH_TEST_SERVER", "").strip().lower()
    if wanted:
        if wanted not in _KINDS:
            raise ValueError(f"ORGGRAPH_TEST_SERVER={wanted!r}: use one of {', '.join(_KINDS)}")
        return wanted
    return "neo4j" if neo4j_server_available() is None else "arcadedb"


def start_test_server(**kwargs) -> BoltTestServer | Neo4jTestServer:
    """Start a server of the kind :func:`server_kind` picks (``kwargs`` go to its constructor)."""
    if server_kind() == "neo4j":
        return Neo4jTestServer(**kwargs).start()
    return BoltTestServer(**kwargs).start()




def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _BOLT_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    for server in _started:
        if server.startup_seconds is None:
            continue
        if isinstance(server, Neo4jTestServer):
            terminalreporter.write_line(
                f"Bolt test server (Neo4j Community, agent {server.agent}): last start took "
                f"{server.startup_seconds:.2f} s (fetch/compile before it {server.setup_seconds:.2f} s)"
            )
        else:
            terminalreporter.write_line(f"Bolt test server (ArcadeDB): last start took {server.startup_seconds:.2f} s")


@pytest.fixture(scope="session")
def bolt_server() -> Iterator[BoltTestServer | BoltSettings]:
    env = server_from_env()
    if env is not None:
        yield env
        return
    try:
        # the session's server runs every heavy statement of the suite: both JIT compilers (C1 alone, the
        # default for throw-away servers, made the district sample's interlocks 4× slower in a whole run)
        server = start_test_server(**({"jvm_args": ()} if server_kind() == "neo4j" else {}))
    except (BoltTestServerError, Neo4jTestServerError) as exc:
        pytest.fail(f"could not start the Bolt test server: {exc}", pytrace=False)
    _started.append(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def neo4j_driver(bolt_server: BoltTestServer | BoltSettings):
    neo4j = pytest.importorskip("neo4j", reason="pip install neo4j (the orggraph[neo4j] extra)")
    driver = neo4j.GraphDatabase.driver(bolt_server.uri, auth=bolt_server.auth)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def fresh_database(bolt_server: BoltTestServer | Neo4jTestServer | BoltSettings) -> Iterator[str | None]:
    if isinstance(bolt_server, BoltTestServer):
        name = f"t{next(_counter)}_{uuid.uuid4().hex[:8]}"
        bolt_server.create_database(name)
        try:
            yield name
        finally:
            if bolt_server.is_running():
                bolt_server.drop_database(name)
        return
    if not may_wipe(bolt_server):
        pytest.skip("fresh_database on an external server wipes it: set ORGGRAPH_NEO4J_ALLOW_WIPE=1 to allow")
    import neo4j

    with neo4j.GraphDatabase.driver(bolt_server.uri, auth=bolt_server.auth) as driver:
        with driver.session(database=bolt_server.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    yield bolt_server.database
