"""The Neo4j backend (``"neo4j"``): the org graph in a Neo4j database, queried in Cypher.

* :mod:`.cypher` - every statement the backend can send (``all_statements()``).
* :mod:`.runner` - the one class that talks to the driver.
* :mod:`.load` - batched, idempotent, all-or-nothing loading.
* :mod:`.backend` - :class:`Neo4jBackend`, the :class:`~orggraph.backends.base.Backend`.

Connect with :func:`orggraph.connect`; see ``docs/neo4j.md``.
"""

from __future__ import annotations

from .backend import Neo4jBackend
from .load import LoadReport
from .runner import Runner

__all__ = ["Neo4jBackend", "LoadReport", "Runner"]
