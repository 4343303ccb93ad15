"""The :class:`OrgGraph`: one API over the in-memory and the Neo4j backends."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import pandas as pd

from . import queries as _q
from .backends.base import Backend
from .errors import NodeNotFound, QueryNotSupportedError
from .schema import EDGE_TYPES, ENUMS, NODE_KINDS, TERRITORY_KINDS, edge_type, node_kind

if TYPE_CHECKING:  # networkx loads when g.nx is first built, not with orggraph
    import networkx as nx

__all__ = ["OrgGraph", "extension", "provided_by"]

#: implementations of OrgGraph methods that live in higher layers (ledger, scenarios, connect), registered
#: by those packages when they are imported. graph.py imports none of them, so they can import graph
#: without a circle: see docs/architecture.md.
_EXTENSIONS: dict[str, Callable] = {}
#: the module that registers each extension, as the top package (``orggraph/__init__.py``) names it: loaded
#: on the first call of the method, so that ``import orggraph`` need not import the higher layers
_PROVIDERS: dict[str, str] = {}


def extension(name: str):
    """Decorator: register ``func(graph, ...)`` as the implementation of ``OrgGraph.<name>``."""

    def register(func):
        _EXTENSIONS[name] = func
        return func

    return register


def provided_by(name: str, module: str) -> None:
    """Name the module (``"orggraph.scenarios"``) whose import registers ``OrgGraph.<name>``; it is imported
    on the method's first call. ``orggraph/__init__.py`` names them, so graph.py never imports a higher layer."""
    _PROVIDERS[name] = module


def _extension(name: str) -> Callable:
    if name not in _EXTENSIONS and name in _PROVIDERS:
        importlib.import_module(_PROVIDERS[name])
    try:
        return _EXTENSIONS[name]
    except KeyError:
        raise RuntimeError(f"OrgGraph.{name} is provided by a part of orggraph that is not imported; import orggraph") from None


def _query_method(func):
    """Expose a query function of :mod:`orggraph.queries` as a method of :class:`OrgGraph`."""

    import inspect

    dated = "as_of" in inspect.signature(func).parameters and func.__name__ != "audit_series"

    def method(self, *args, **kwargs):
        if dated:  # on the graph as it stood that day (dated structure), also for queries computed client-side
            from .queries._base import on_date

            bound = inspect.signature(func).bind(self, *args, **kwargs)
            as_of = bound.arguments.get("as_of")
            if not isinstance(as_of, (list, tuple)):
                bound.arguments["g"] = on_date(self, as_of) if "g" in bound.arguments else self
                return func(*bound.args, **bound.kwargs)
        return func(self, *args, **kwargs)

    method.__name__ = func.__name__
    method.__qualname__ = f"OrgGraph.{func.__name__}"
    method.__doc__ = func.__doc__
    method.__wrapped__ = func
    return method


class OrgGraph:
    """A grassroots governance organisation (基层治理组织) as a typed graph.

    Nodes are territories (district 区, street 街道, community 社区, grid 网格,
    area 小区/楼栋), bodies (party organisations 党组织, units 单位) and people
    (cadres 干部); edges are containment, posts (任职), coverage, 双报到 reports,
    liaisons (挂点联系) and adjacency. The default backend keeps the graph in
    memory as one table per node kind and per edge type; :func:`orggraph.connect`
    gives the same API over a Neo4j database.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="东城街道")
    >>> g.add_node("Community", "c1", name="安宁社区", kind="urban", street_id="s1")
    >>> g.nodes("Community")[["id", "name", "street_id"]]
       id  name street_id
    0  c1  安宁社区        s1
    """

    def __init__(self, backend: Backend | str | None = None):
        """A new, empty graph in memory; or a graph over ``backend`` (a :class:`~orggraph.backends.base.Backend`).

        ``backend`` may also be the name ``"memory"`` (or ``"networkx"``, its former
        name): an empty in-memory graph. A database graph comes from
        :func:`orggraph.connect`, which needs a URI, so ``"neo4j"`` is refused here.
        """
        if backend is None or isinstance(backend, str):
            from .backends.base import backend_name

            name = "memory" if backend is None else backend_name(backend)
            if name != "memory":
                raise ValueError(f"OrgGraph(backend={backend!r}): connect to a database with orggraph.connect(uri, ...)")
            from .backends.memory import MemoryBackend

            backend = MemoryBackend()
        if not isinstance(backend, Backend):
            raise TypeError(f"backend: give a Backend or a backend name, not {type(backend).__name__}")
        self.backend = backend
        #: a bundled sample's deliberate deviations from its source document (:func:`orggraph.sample_deviations`),
        #: listed and labelled by the audit; None for any other graph
        self.deviations = None

    # ------------------------------------------------------------ queries (defined in orggraph.queries)
    cross_appointment_rate = _query_method(_q.cross_appointment_rate)
    one_shoulder = _query_method(_q.one_shoulder)
    owners_committee_overlap = _query_method(_q.owners_committee_overlap)
    unassigned_areas = _query_method(_q.unassigned_areas)
    boundary_zones = _query_method(_q.boundary_zones)
    boundary_geometry = _query_method(_q.boundary_geometry)
    chain_breaks = _query_method(_q.chain_breaks)
    coverage_gaps = _query_method(_q.coverage_gaps)
    check_norms = _query_method(_q.check_norms)
    interlocks = _query_method(_q.interlocks)
    connectors = _query_method(_q.connectors)
    interlock_network = _query_method(_q.interlock_network)
    interlock_metrics = _query_method(_q.interlock_metrics)
    audit = _query_method(_q.audit)
    audit_series = _query_method(_q.audit_series)
    village_one_shoulder = _query_method(_q.village_one_shoulder)
    village_cross_appointment = _query_method(_q.village_cross_appointment)
    leadership_profile = _query_method(_q.leadership_profile)
    party_membership = _query_method(_q.party_membership)
    member_reports = _query_method(_q.member_reports)
    member_responsibilities = _query_method(_q.member_responsibilities)
    term_expiry = _query_method(_q.term_expiry)

    # ------------------------------------------------------------ backend access
    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def store(self):
        """The in-memory tables (:class:`~orggraph.backends.memory.TableStore`) behind this graph.

        The public way for the library's own editors (ledger, scenarios, privacy,
        synthetic graphs) to reach the tables. Raises
        :class:`~orggraph.errors.QueryNotSupportedError` on a database backend:
        pull the graph into memory first (``g.to_memory()``).
        """
        store = getattr(self.backend, "store", None)
        if store is None:
            raise QueryNotSupportedError(
                f"this operation needs the in-memory graph; on the {self.backend.name} backend "
                "call .to_memory() first"
            )
        return store

    #: the former private name, kept for code written against it
    _store = store

    def __repr__(self) -> str:
        c = self.backend.counts()
        n = sum(c[k] for k in NODE_KINDS)
        m = sum(c[t] for t in EDGE_TYPES)
        return f"<OrgGraph on {self.backend.describe()}: {n:,} nodes, {m:,} edges>"

    # ------------------------------------------------------------ building
    def add_node(self, kind: str, id: str, /, **attrs) -> None:
        """Add one node. Reference columns (``street_id``, ``parent_id`` …) become edges."""
        self.store.add_node(kind, id, **attrs)

    def add_nodes(self, kind: str, data: pd.DataFrame | Iterable[dict]) -> None:
        """Add nodes of one kind from a DataFrame (or records) with ledger columns."""
        self.store.add_nodes(kind, data)

    def add_edge(self, type: str, source: str, target: str, /, **attrs) -> None:
        """Add one edge of ``type`` (``HOLDS_POST``, ``COVERS`` …) from ``source`` to ``target``."""
        self.store.add_edge(type, source, target, **attrs)

    def add_edges(self, type: str, data: pd.DataFrame | Iterable[dict]) -> None:
        """Add edges of one type from a DataFrame with ``source``, ``target`` and attribute columns."""
        self.store.add_edges(type, data)

    # ------------------------------------------------------------ reading
    def nodes(self, kind: str | None = None) -> pd.DataFrame:
        """Nodes of ``kind`` as a DataFrame; with no ``kind``, every node's ``id``, ``label`` (its kind) and ``name``.

        Rows are in id order (within each kind; kinds in the order of :data:`orggraph.schema.NODE_KINDS`), on
        every backend. Reference columns (``street_id`` …) and missing text are ``None``.
        """
        if kind is not None:
            return self.backend.nodes(node_kind(kind).name)
        frames = []
        for k in NODE_KINDS:
            f = self.backend.nodes(k)
            if len(f):
                frames.append(f.assign(label=k)[["id", "label", "name"]])
        if not frames:
            return pd.DataFrame({"id": [], "label": [], "name": []}, dtype=object)
        return pd.concat(frames, ignore_index=True)

    def edges(self, type: str | None = None) -> pd.DataFrame:
        """Edges of ``type`` as a DataFrame (``source``, ``target``, attributes); all types when None."""
        if type is not None:
            return self.backend.edges(edge_type(type).name)
        frames = [self.backend.edges(t).assign(type=t)[["source", "target", "type"]] for t in EDGE_TYPES]
        return pd.concat(frames, ignore_index=True)

    def node(self, id: str) -> dict:
        """One node's attributes as a dict, with its node kind under ``label``."""
        return self.backend.node(id)

    def kind_of(self, id: str) -> str:
        k = self.backend.kinds_of([id]).iloc[0]
        if k is None or k != k:
            raise NodeNotFound(f"no node with id {id!r}")
        return k

    def __contains__(self, id) -> bool:
        k = self.backend.kinds_of([id]).iloc[0]
        return isinstance(k, str)

    def __len__(self) -> int:
        c = self.backend.counts()
        return sum(c[k] for k in NODE_KINDS)

    def summary(self) -> pd.DataFrame:
        """Counts per node kind, per area kind, per party-organisation level, per unit kind and per edge type.

        Columns: ``section`` (nodes, Area.kind, PartyOrg.level, Unit.kind, edges),
        ``item``, ``zh`` (the Chinese term) and ``count``.
        """
        rows = []
        c, tallied = self.backend.tallies()
        for k, spec in NODE_KINDS.items():
            rows.append(("nodes", k, spec.zh, c[k]))
        for kind, col, enum in (("Area", "kind", "area_kind"), ("PartyOrg", "level", "party_level"), ("Unit", "kind", "unit_kind")):
            vc = tallied[(kind, col)]
            for value, aliases in ENUMS[enum].values.items():
                rows.append((f"{kind}.{col}", value, aliases[0], int(vc.get(value, 0))))
        for t, spec in EDGE_TYPES.items():
            rows.append(("edges", t, spec.zh, c[t]))
        return pd.DataFrame(rows, columns=["section", "item", "zh", "count"])

    # ------------------------------------------------------------ whole-graph operations
    def at(self, as_of) -> "OrgGraph":
        """The graph as it stood on ``as_of`` (dated structure, 成立 / 撤销): territories, bodies and structural
        edges that did not exist that day left out; this graph itself when nothing is.

        >>> import orggraph as og
        >>> g = og.load_sample("qixia")
        >>> len(g.at("2019-06-30").nodes("Community")), len(g.at("2020-06-30").nodes("Community"))
        (8, 12)
        """
        from .queries._base import on_date

        return on_date(self, as_of)

    def copy(self) -> "OrgGraph":
        """An independent in-memory copy (:class:`~orggraph.errors.QueryNotSupportedError` on a database graph:
        ``to_memory()`` is its copy)."""
        new = OrgGraph(self.backend.copy())
        new.deviations = self.deviations
        return new

    @property
    def nx(self) -> "nx.MultiDiGraph":
        """The graph as a :class:`networkx.MultiDiGraph`, built on first use and cached until the next change.

        One edge per row of the edge tables, keyed by its edge id ``"<TYPE>:<n>"`` (``n``: the row in
        ``g.edges(TYPE)``), with ``type`` and its attributes; nodes carry ``label`` (their kind) and their
        attributes. Missing values are left out.
        """
        return self.backend.to_networkx()

    def within(self, territory_id: str) -> "OrgGraph":
        """The sub-graph of a territory (a street or community …) with the bodies and people attached to it.

        Included: the territory and every territory it contains; bodies that cover
        one of them, bodies subordinate to those and party organisations inside
        their units; people holding posts in those bodies or grids, liaising with
        those territories or reporting (双报到) to those communities, members of
        those party organisations and members looking after those areas, and the
        units and organisations that report there. Edges between included nodes.
        """
        from .scope import subgraph_ids

        store = self.store
        keep = subgraph_ids(store, territory_id)
        new = self.copy()
        drop = store.id_index().index.difference(keep)
        new.store.remove_nodes(drop)
        return new

    def pseudonymize(self, salt: str | None = None) -> "OrgGraph":
        """A copy with every personal field pseudonymised, salted cadre ids included (see :func:`orggraph.privacy.pseudonymize`).

        ``salt``: keep it to reproduce the pseudonyms; None draws a random one."""
        from .privacy import pseudonymize

        return pseudonymize(self, salt)

    def scenario(self, name: str, date=None, description: str = ""):
        """Branch a what-if scenario (改革推演) from this graph; see :class:`orggraph.Scenario`.

        The scenario shares this graph's tables and never changes them; its
        operations (``merge_communities``, ``split_community``, ``regrid`` …) change
        ``scenario.graph`` only. ``date`` is when the changes take effect (default today).
        """
        return _extension("scenario")(self, name, date=date, description=description)

    def equals(self, other: "OrgGraph") -> bool:
        """True when both graphs hold the same nodes, attributes and edges (order ignored)."""
        from .compare import graph_differences

        return not graph_differences(self, other)

    # ------------------------------------------------------------ maps (orggraph.geo; needs the geo extra)
    def read_boundaries(self, path, kind: str = "Grid", id_column: str = "id", crs=None, **kwargs):
        """Read polygons from a GeoJSON, Shapefile or GeoPackage onto nodes of ``kind``; see :func:`orggraph.geo.read_boundaries`."""
        from .geo import read_boundaries

        return read_boundaries(self, path, kind, id_column, crs, **kwargs)

    def to_geodataframe(self, kind: str = "Grid", **kwargs):
        """The nodes of ``kind`` as a GeoDataFrame with ``area_m2``; see :func:`orggraph.geo.to_geodataframe`."""
        from .geo import to_geodataframe

        return to_geodataframe(self, kind, **kwargs)

    def write_boundaries(self, path, kind: str = "Grid", **kwargs):
        """Write the polygons of ``kind`` to a GIS file; see :func:`orggraph.geo.write_boundaries`."""
        from .geo import write_boundaries

        return write_boundaries(self, path, kind, **kwargs)

    def spatial_coverage(self, within: str | None = None, **kwargs):
        """Grid coverage on the ground (空间覆盖核查); see :func:`orggraph.geo.spatial_coverage`."""
        from .geo import spatial_coverage

        return spatial_coverage(self, within, **kwargs)

    # ------------------------------------------------------------ export
    def write_ledger(self, path: str | Path) -> Path:
        """Write the graph as a ledger: a folder of CSV files, or one .xlsx workbook."""
        return _extension("write_ledger")(self, path)

    def to_graphml(self, path: str | Path) -> Path:
        """Write the graph as GraphML (dates as ISO strings, missing values left out)."""
        import networkx as nx

        path = Path(path)
        nx.write_graphml(_exportable(self.nx), path)
        return path

    def to_neo4j(
        self, uri: str | None = None, auth=None, database: str | None = None, batch_size: int = 10_000,
        *, sync: bool = False,
    ):
        """Load the graph into a Neo4j database (see :func:`orggraph.connect` and ``docs/neo4j.md``).

        Batched, idempotent and all-or-nothing; the connection is closed afterwards.
        ``sync=True``: the database then holds exactly this graph (see ``Neo4jGraph.load``).
        Returns the :class:`~orggraph.backends.neo4j.LoadReport`.
        """
        return _extension("to_neo4j")(self, uri, auth=auth, database=database, batch_size=batch_size, sync=sync)

    def to_json(self, path: str | Path | None = None) -> dict:
        """The graph in networkx's node-link JSON form; also written to ``path`` when given."""
        import networkx as nx

        data = nx.node_link_data(_exportable(self.nx), edges="edges")
        if path is not None:
            Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return data


def _exportable(g: "nx.MultiDiGraph") -> "nx.MultiDiGraph":
    """A copy whose attribute values are plain str/int/float/bool (GraphML and JSON need that)."""
    import networkx as nx

    out = nx.MultiDiGraph()

    def plain(d):
        res = {}
        for k, v in d.items():
            if hasattr(v, "isoformat"):
                v = v.date().isoformat() if hasattr(v, "date") else v.isoformat()
            elif hasattr(v, "item"):
                v = v.item()
            res[k] = v
        return res

    out.add_nodes_from((n, plain(d)) for n, d in g.nodes(data=True))
    out.add_edges_from((u, v, k, plain(d)) for u, v, k, d in g.edges(keys=True, data=True))
    return out
