"""Test helpers for orggraph: a throw-away Bolt server, a pytest plugin and a
Cypher lint harness.

* :class:`Neo4jTestServer` - a real Neo4j 5.26 Community server in a child process
  (jars fetched once through Maven).
* :class:`BoltTestServer` - ArcadeDB (Bolt + OpenCypher) in a child process.
* :func:`server_from_env` - settings of an external Neo4j from ORGGRAPH_NEO4J_*.
* ``orggraph.testing.pytest_plugin`` - fixtures ``bolt_server``, ``neo4j_driver``,
  ``fresh_database``.
* ``orggraph.testing.cypher_lint.lint_statements`` - lint Cypher with the Neo4j
  language-support package (needs ``npm ci --prefix tools/cypher-lint``).
"""

from orggraph.testing.bolt_server import (
    BoltSettings,
    BoltTestServer,
    BoltTestServerError,
    may_wipe,
    server_from_env,
)

from orggraph.testing.neo4j_server import Neo4jTestServer, Neo4jTestServerError

__all__ = [
    "BoltSettings",
    "BoltTestServer",
    "BoltTestServerError",
    "Neo4jTestServer",
    "Neo4jTestServerError",
    "may_wipe",
    "server_from_env",
]
