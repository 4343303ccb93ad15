"""The backend contract: what every engine behind :class:`orggraph.OrgGraph` implements.

A backend stores the typed graph and answers queries. The public query
functions in :mod:`orggraph.queries` own the signatures, docstrings and argument
checks; they hand normalised arguments to the backend method of the same name
and check that the result has the defined columns. Two backends exist:
``"memory"`` (in memory: columnar tables, with a networkx graph built on
demand) and ``"neo4j"`` (Cypher through the official driver).
"""

from __future__ import annotations

import datetime as _dt
import inspect
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from ..errors import QueryNotSupportedError

if TYPE_CHECKING:  # networkx loads when a graph is first built (g.nx), not with orggraph
    import networkx as nx

__all__ = ["Backend", "QUERY_PRIMITIVES", "BACKEND_ALIASES", "backend_name"]

#: names a user may give a backend by, and the backend they mean (``"networkx"``: the in-memory
#: backend's former name; it keeps its tables in pandas and numpy and builds networkx on demand)
BACKEND_ALIASES = {"memory": "memory", "networkx": "memory", "neo4j": "neo4j"}


def backend_name(name: str) -> str:
    """The canonical backend name for ``name`` (``"networkx"`` → ``"memory"``); ValueError for an unknown one."""
    key = str(name).strip().lower()
    if key not in BACKEND_ALIASES:
        raise ValueError(f"unknown backend {name!r}; use one of {', '.join(sorted(BACKEND_ALIASES))}")
    return BACKEND_ALIASES[key]


class Backend(ABC):
    """Abstract engine. Query methods are named after the queries in :mod:`orggraph.queries`.

    One abstract method per query primitive: the public query function in
    :mod:`orggraph.queries` checks and normalises the arguments (``within`` an
    existing territory id or None, ``as_of`` a :class:`datetime.date`, ``bodies``
    canonical selectors …) and calls the method of the same name with keyword
    arguments only. A concrete backend (a subclass that sets ``name``) that
    lacks one of them, or spells a parameter differently, fails when its class
    is defined (at import), not when the query is first called.
    """

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in vars(cls):
            return  # a mixin or an intermediate class
        problems = []
        for method in _ABSTRACT:
            impl = getattr(cls, method, None)
            if impl is None or getattr(impl, "__isabstractmethod__", False):
                problems.append(f"{method}() is not implemented")
                continue
            want, got = _params(getattr(Backend, method)), _params(impl)
            if got != want:
                problems.append(f"{method}{_show(got)} differs from the contract {method}{_show(want)}")
        if problems:
            raise TypeError(f"backend {cls.__name__} ({cls.name!r}) breaks the Backend contract: " + "; ".join(problems))

    # ---------------------------------------------------------------- reading
    @abstractmethod
    def nodes(self, kind: str) -> pd.DataFrame:
        """Nodes of ``kind`` in id order, with their attributes and reference columns."""

    @abstractmethod
    def edges(self, type: str) -> pd.DataFrame:
        """Edges of ``type``: ``source``, ``target`` and the edge attributes."""

    @abstractmethod
    def kinds_of(self, ids) -> pd.Series:
        """The node kind of each id (missing for unknown ids), indexed by id."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of nodes per kind and edges per type."""

    def memo(self, key: tuple, build):
        """``build()``, a value the engine-free queries derive from this graph's tables (``key`` names it), kept
        while the graph is unchanged where the backend can tell; the caller must not modify it.

        The default builds it on every call (a database can change under the client); the in-memory
        backend keeps it until its tables next change, so one audit builds e.g. the communities' 两委
        bodies once for its several queries.
        """
        return build()

    #: the columns whose value counts ``OrgGraph.summary`` reports, per node kind
    SUMMARY_COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (("Area", "kind"), ("PartyOrg", "level"), ("Unit", "kind"))

    def node(self, id: str) -> dict:
        """One node's attributes (as :meth:`nodes` gives them) with its node kind under ``label``.

        :class:`~orggraph.errors.NodeNotFound` when there is no such node. The default reads the
        node's kind, then the table of that kind; a database backend looks the node up by id.
        """
        from ..errors import NodeNotFound

        kind = self.kinds_of([id]).iloc[0]
        if not isinstance(kind, str):
            raise NodeNotFound(f"no node with id {id!r}")
        f = self.nodes(kind)
        return {"label": kind, **f[f["id"] == id].iloc[0].to_dict()}

    def tallies(self) -> tuple[dict[str, int], dict[tuple[str, str], dict]]:
        """:meth:`counts`, and the value counts ``{(kind, column): {value: n}}`` of :attr:`SUMMARY_COLUMNS`."""
        counts = self.counts()
        values = {}
        for kind, col in self.SUMMARY_COLUMNS:
            vc = self.nodes(kind)[col].value_counts() if counts[kind] else pd.Series(dtype="int64")
            values[(kind, col)] = {k: int(v) for k, v in vc.items()}
        return counts, values

    def containment(self, territory_id: str) -> tuple[set, set]:
        """The territories ``territory_id`` contains and those containing it (``CONTAINS*``, itself in both)."""
        from ..scope import closure

        contains = self.edges("CONTAINS")[["source", "target"]]
        return set(closure(contains, [territory_id])), set(closure(contains, [territory_id], forward=False))

    @abstractmethod
    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a :class:`networkx.MultiDiGraph` (``OrgGraph.nx``)."""

    def describe(self) -> str:
        return self.name

    def copy(self) -> "Backend":
        """An independent in-memory copy; :class:`~orggraph.errors.QueryNotSupportedError` where there is none."""
        raise QueryNotSupportedError(
            f"copy() needs the in-memory graph; on the {self.name} backend call .to_memory() first"
        )

    def at(self, as_of) -> "Backend":
        """This backend as the graph stood on ``as_of`` (dated structure, :func:`orggraph.rules.exists_mask`).

        Every dispatched query runs on ``backend.at(as_of)``. The default is the
        backend itself, right for a graph without dated territories, bodies or
        structural edges; a backend that cannot leave dated structure out raises
        :class:`~orggraph.errors.QueryNotSupportedError` when some of it did not exist that day.
        """
        return self

    # ---------------------------------------------------------------- queries (orggraph.queries.*)
    @abstractmethod
    def cross_appointment_rate(self, *, bodies: tuple[str, ...], by: str, roles: tuple[str, ...] | None,
                               within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.appointments.cross_appointment_rate`."""

    @abstractmethod
    def one_shoulder(self, *, by: str, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.appointments.one_shoulder`."""

    @abstractmethod
    def coverage_gaps(self, *, large_compound, within: str | None, as_of: _dt.date) -> dict[str, pd.DataFrame]:
        """:func:`orggraph.queries.coverage.coverage_gaps`: the gap tables and ``rates`` (counts)."""

    @abstractmethod
    def check_norms(self, *, bounds: dict, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.norms.check_norms`."""

    @abstractmethod
    def interlocks(self, *, weighting: str | None, bodies: tuple[str, ...] | None, min_shared: int,
                   within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.interlocks.interlocks`."""

    @abstractmethod
    def connectors(self, *, top: int | None, min_posts: int, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.interlocks.connectors`."""

    @abstractmethod
    def unassigned_areas(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.boundaries.unassigned_areas`."""

    @abstractmethod
    def boundary_zones(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.boundaries.boundary_zones`."""

    @abstractmethod
    def chain_breaks(self, *, chain: tuple[str, ...], within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.chains.chain_breaks`."""

    # people (人员): primitive rows that orggraph.queries.people turns into the final columns
    @abstractmethod
    def leadership_profile(self, *, bodies: tuple[str, ...], roles: tuple[str, ...] | None, within: str | None,
                           as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.people.leadership_profile`: one row per (community, person, body kind)."""

    @abstractmethod
    def party_membership(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.people.party_membership`: member counts per organisation."""

    @abstractmethod
    def supervisory_conflicts(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """The 监委会回避 rule of :func:`orggraph.queries.norms.check_norms`: 两委 members on a 监委会."""

    @abstractmethod
    def member_reports(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.people.member_reports`: in-service members with residence and reports."""

    @abstractmethod
    def term_expiry(self, *, within: str | None, as_of: _dt.date) -> pd.DataFrame:
        """:func:`orggraph.queries.people.term_expiry`: bodies with their term."""

    @abstractmethod
    def member_responsibilities(self, *, within: str | None, as_of: _dt.date) -> dict[str, pd.DataFrame]:
        """:func:`orggraph.queries.people.member_responsibilities`: ``communities``, ``people`` and ``areas`` rows."""


def _params(method) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(method).parameters.values() if p.name != "self"]


def _show(params) -> str:
    star = any(k == inspect.Parameter.KEYWORD_ONLY for _, k in params)
    names = [n for n, k in params if k != inspect.Parameter.KEYWORD_ONLY]
    kw = [n for n, k in params if k == inspect.Parameter.KEYWORD_ONLY]
    return "(" + ", ".join(names + (["*"] if star else []) + kw) + ")"


_ABSTRACT = sorted(n for n, v in vars(Backend).items() if getattr(v, "__isabstractmethod__", False))

#: the query primitives every backend implements: the abstract query methods of :class:`Backend`
QUERY_PRIMITIVES = tuple(n for n in _ABSTRACT if n not in ("nodes", "edges", "kinds_of", "counts", "to_networkx"))
