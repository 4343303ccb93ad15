"""One class wrapping the Neo4j driver: every statement the backend sends goes through :class:`Runner`.

* The database is always passed (``database_=`` / ``session(database=…)``): on
  ArcadeDB a session without it runs in whatever database the pooled
  connection used last (docs/arcadedb-notes.md, rule 1).
* Reads go through ``driver.execute_query(routing_=READ)``; writes only through
  ``execute_query(routing_=WRITE)`` or ``session.execute_write`` (managed
  transactions, retried by the driver on transient errors), never through an
  auto-commit ``session.run`` (rule 2).
* Only :class:`~orggraph.backends.neo4j.cypher.Statement` objects are accepted,
  so every statement comes from :mod:`orggraph.backends.neo4j.cypher`; the
  parameters sent must be exactly the statement's declared ones.
* Results come back as :class:`pandas.DataFrame` (or lists of records) with
  Neo4j temporal values turned into Python ones (``datetime.date``).
"""

from __future__ import annotations

import time

from typing import Any, Callable, Iterable

import pandas as pd

from ...errors import BackendError
from .cypher import Statement

__all__ = ["Runner", "to_native"]


def to_native(value: Any) -> Any:
    """Neo4j values → Python: ``neo4j.time.Date`` → ``datetime.date`` (recursively in lists and maps)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [to_native(v) for v in value]
    if isinstance(value, dict):
        return {k: to_native(v) for k, v in value.items()}
    native = getattr(value, "to_native", None)
    if native is not None:
        return native()
    return value


def _check_params(stmt: Statement, params: dict) -> None:
    sent = set(params)
    declared = set(stmt.params)
    if sent != declared:
        raise BackendError(
            f"statement {stmt.name}: parameters sent {sorted(sent)} differ from those declared {sorted(declared)}"
        )


class Runner:
    """The driver, the database, and the only ways statements reach the server."""

    def __init__(self, driver, database: str | None, *, owns_driver: bool = True):
        self.driver = driver
        self.database = database
        self._owns_driver = owns_driver

    def __repr__(self) -> str:
        return f"Runner(database={self.database!r})"

    def close(self) -> None:
        if self._owns_driver and self.driver is not None:
            self.driver.close()
        self.driver = None

    # ------------------------------------------------------------------ reading
    def records(self, stmt: Statement, **params) -> list[dict]:
        """Run a read statement; the records as dicts of Python values."""
        from neo4j import RoutingControl

        _check_params(stmt, params)
        records, _, _ = self.driver.execute_query(
            stmt.text, params, database_=self.database, routing_=RoutingControl.READ
        )
        return [{k: to_native(v) for k, v in r.items()} for r in records]

    def rows(self, stmt: Statement, **params) -> list:
        """Run a read statement returning its rows in chunks (one ``chunk`` list per record,
        :func:`.cypher._chunked`); the rows, in order, as Python values."""
        from neo4j import RoutingControl

        _check_params(stmt, params)
        records, _, _ = self.driver.execute_query(
            stmt.text, params, database_=self.database, routing_=RoutingControl.READ
        )
        return [to_native(row) for r in records for row in r[0]]

    def frame(self, stmt: Statement, columns: Iterable[str] | None = None, **params) -> pd.DataFrame:
        """Run a read statement; the result as a DataFrame (``columns`` when it has no rows)."""
        from neo4j import RoutingControl

        _check_params(stmt, params)
        records, _, keys = self.driver.execute_query(
            stmt.text, params, database_=self.database, routing_=RoutingControl.READ
        )
        keys = list(keys) if keys else list(columns or [])
        rows = [[to_native(v) for v in r.values()] for r in records]
        return pd.DataFrame(rows, columns=keys, dtype=object) if rows else pd.DataFrame(
            {k: pd.Series([], dtype=object) for k in (list(columns) if columns is not None else keys)}
        )

    # ------------------------------------------------------------------ writing
    def write(self, stmt: Statement, **params) -> list[dict]:
        """Run one write statement in its own managed transaction (retried on transient errors)."""
        from neo4j import RoutingControl

        _check_params(stmt, params)
        records, _, _ = _resend_incomplete(lambda: self.driver.execute_query(
            stmt.text, params, database_=self.database, routing_=RoutingControl.WRITE
        ))
        return [{k: to_native(v) for k, v in r.items()} for r in records]

    def transaction(self, work: Callable[["Transaction"], Any]) -> Any:
        """Run ``work(tx)`` in one managed write transaction: everything commits, or nothing."""

        def run():
            with self.driver.session(database=self.database) as session:
                return session.execute_write(lambda tx: work(Transaction(tx)))

        return _resend_incomplete(run)


#: pauses (seconds) before sending again a write whose commit outcome was lost (the send itself
#: then waits for the server within the driver's own retry window)
RESEND_PAUSES = (0.5, 1, 2, 4)


def _resend_incomplete(send: Callable[[], Any]) -> Any:
    """Send a write again when the connection dropped during its commit (``IncompleteCommit``).

    The driver retries transient errors by itself but not an incomplete commit,
    since it cannot know whether the commit happened. Every write orggraph
    sends is idempotent (``MERGE`` on ids and edge keys, ``SET`` of whole
    property maps, deletes by load tag), so sending it again is safe: applied
    once or twice, the database ends the same. This is what lets a load ride
    through a server that is killed and restarted mid-load.
    """
    from neo4j.exceptions import IncompleteCommit

    for pause in (*RESEND_PAUSES, None):
        try:
            return send()
        except IncompleteCommit:
            if pause is None:
                raise
            time.sleep(pause)


class Transaction:
    """A managed transaction that accepts only :class:`Statement` objects."""

    def __init__(self, tx):
        self._tx = tx

    def run(self, stmt: Statement, **params) -> list[dict]:
        _check_params(stmt, params)
        result = self._tx.run(stmt.text, params)
        return [{k: to_native(v) for k, v in r.items()} for r in result]


