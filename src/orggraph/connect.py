"""Connect to a Neo4j database: :func:`connect` returns an :class:`~orggraph.OrgGraph` on the Neo4j backend."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .errors import BackendError, QueryNotSupportedError
from .graph import OrgGraph, extension

__all__ = ["connect", "Neo4jGraph"]

_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jGraph(OrgGraph):
    """An :class:`~orggraph.OrgGraph` whose graph lives in a Neo4j database.

    Every query of :mod:`orggraph.queries` runs in the database. On top of the
    common API: :meth:`load` (write a graph or ledger into the database),
    :meth:`within` (one territory as an in-memory graph, e.g. to run a
    scenario on it), :meth:`to_memory` (pull the graph or one territory into
    memory) and :meth:`close` (also a context manager).
    """

    def load(
        self, graph_or_ledger, batch_size: int = 10_000, *, progress: bool | None = None, sync: bool = False
    ):
        """Load an in-memory graph, or a ledger (folder of CSV files or .xlsx), into the database.

        Idempotent (loading the same data twice leaves the same counts) and
        all-or-nothing (a failed load leaves the database as it was before it);
        see ``docs/neo4j.md``. Returns a :class:`~orggraph.backends.neo4j.LoadReport`.
        A progress bar shows on a terminal or notebook for loads of more than one batch
        (``progress=False`` hides it, ``True`` forces it).

        ``sync=False`` (default) merges: nodes and edges already in the database
        and not in the graph stay. ``sync=True`` (同步) makes the database hold
        exactly the graph: the nodes, edges and node properties the graph no
        longer has are removed in the same all-or-nothing commit (e.g. a post
        whose ``end`` was set since the last load is replaced, not kept beside
        the new one); the report counts them (``nodes_removed``,
        ``edges_removed``, ``properties_removed``).
        """
        graph = graph_or_ledger
        if isinstance(graph, (str, Path)):
            from .ledger import read_ledger

            graph = read_ledger(graph)
        if not isinstance(graph, OrgGraph):
            raise TypeError(f"load() takes an OrgGraph or the path of a ledger, not {type(graph).__name__}")
        if isinstance(graph, Neo4jGraph):
            graph = graph.to_memory()
        return self.backend.load(graph, batch_size=batch_size, progress=progress, sync=sync)

    def to_memory(self, within: str | None = None) -> OrgGraph:
        """The whole graph, or the sub-graph of territory ``within`` (same rule as :meth:`OrgGraph.within`), as an
        in-memory :class:`OrgGraph` (for scenarios, ``copy``, ``pseudonymize`` and editing)."""
        return OrgGraph(self.backend.to_memory(within))

    def to_networkx(self, within: str | None = None) -> OrgGraph:
        """Deprecated name of :meth:`to_memory` (it returns an :class:`OrgGraph`, not a networkx graph;
        for that, use ``.nx`` on the in-memory graph)."""
        warnings.warn(
            "Neo4jGraph.to_networkx() is renamed to_memory(); it returns an OrgGraph (use .nx for a networkx graph)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.to_memory(within)

    def within(self, territory_id: str) -> OrgGraph:
        """The sub-graph of a territory (街道, 社区 …) as an **in-memory** :class:`~orggraph.OrgGraph`.

        Same contents as :meth:`OrgGraph.within` on the in-memory graph (same
        rule), fetched with scoped queries: only that territory's nodes and
        edges leave the database. The result is an ordinary in-memory graph:
        run a scenario on it, and write the scenario's graph back with
        ``to_neo4j(..., database=...)`` or :meth:`load` (``sync=True``).
        """
        return OrgGraph(self.backend.to_memory(territory_id))

    def scenario(self, name: str, date=None, description: str = ""):
        """Not on a database-held graph: a scenario works on an in-memory graph.

        Raises :class:`~orggraph.QueryNotSupportedError` saying to call
        :meth:`within` first (``g.within("s1").scenario(...)``), or
        :meth:`to_memory` for the whole graph.
        """
        raise QueryNotSupportedError(
            "情景推演需要内存中的图 / a scenario needs an in-memory graph: on the neo4j backend call "
            ".within(territory_id) first (e.g. g.within('<street id>').scenario(...)), or .to_memory() "
            "for the whole graph"
        )

    def close(self) -> None:
        """Close the driver."""
        self.backend.close()

    def __enter__(self) -> "Neo4jGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@extension("to_neo4j")
def _to_neo4j(g: OrgGraph, uri: str | None = None, auth=None, database: str | None = None, batch_size: int = 10_000,
              *, sync: bool = False):
    """``OrgGraph.to_neo4j``: load ``g`` into a database, then close the connection."""
    with connect(uri, auth=auth, database=database) as target:
        return target.load(g, batch_size=batch_size, sync=sync)


def connect(uri: str | None = None, auth=None, database: str | None = None) -> Neo4jGraph:
    """Connect to a Neo4j database and return the graph in it (an :class:`OrgGraph` on the ``neo4j`` backend).

    Parameters
    ----------
    uri : str, optional
        ``bolt://``, ``neo4j://`` or their TLS forms (``+s``, ``+ssc``); default
        the environment variable ``ORGGRAPH_NEO4J_URI``.
    auth : tuple (user, password) or a neo4j auth object, optional
        Default ``(ORGGRAPH_NEO4J_USER or "neo4j", ORGGRAPH_NEO4J_PASSWORD)``.
        The password never appears in a repr, a log line or an error.
    database : str, optional
        Default ``ORGGRAPH_NEO4J_DATABASE``, else the server's home database.
        Every statement names its database explicitly.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.connect("bolt://localhost:7687", auth=("neo4j", "secret"))  # doctest: +SKIP
    >>> g.load(og.load_sample("qixia"))  # doctest: +SKIP
    >>> g.cross_appointment_rate(by="street")  # doctest: +SKIP
    """
    try:
        import neo4j
    except ImportError as exc:  # pragma: no cover - neo4j is an extra
        raise ImportError("the Neo4j backend needs the driver: pip install 'orggraph[neo4j]'") from exc
    from .backends.neo4j import Neo4jBackend, Runner

    env = os.environ
    uri = uri or (env.get("ORGGRAPH_NEO4J_URI") or "").strip()
    if not uri:
        raise BackendError("no Neo4j URI: pass uri= or set ORGGRAPH_NEO4J_URI (e.g. neo4j://localhost:7687)")
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in _SCHEMES:
        raise BackendError(f"unsupported URI scheme {scheme!r}: use one of {', '.join(s + '://' for s in _SCHEMES)}")
    if auth is None:
        auth = (env.get("ORGGRAPH_NEO4J_USER") or "neo4j", env.get("ORGGRAPH_NEO4J_PASSWORD") or "")
    if database is None:
        database = (env.get("ORGGRAPH_NEO4J_DATABASE") or "").strip() or None
    safe_uri = _without_userinfo(uri)
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth)
    except Exception as exc:
        raise BackendError(f"could not create a driver for {safe_uri}: {type(exc).__name__}") from None
    return Neo4jGraph(Neo4jBackend(Runner(driver, database), uri=safe_uri))


def _without_userinfo(uri: str) -> str:
    """``bolt://user:pw@host`` → ``bolt://host`` (nothing secret is kept for display)."""
    scheme, _, rest = uri.partition("://")
    host = rest.rsplit("@", 1)[-1]
    return f"{scheme}://{host}"
