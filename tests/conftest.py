"""Shared set-up of the test suite.

- the Bolt server fixtures (``bolt_server``, ``neo4j_driver``, ``fresh_database``) of orggraph.testing;
- ``backend``: parametrised over ``"memory"`` and ``"neo4j"`` (the latter marked ``neo4j``);
- ``on_backend(name, build)``: the graph ``build()`` on the test's backend (see fixtures/backends.py);
- strict xfails for queries a backend does not implement (``fixtures.backends.NOT_IMPLEMENTED``), and for
  a test that a backend fails (``@pytest.mark.xfail_on("neo4j", raises=AssertionError, reason="issue N: ...")``);
- the database legs run last, grouped by graph, so a one-database server reloads rarely;
- the ``quick`` marker on the in-memory side of tests/queries (docs/testing.md);
- background work: a test module may define ``prefetch()``; when one of its tests is selected it is called
  once right after collection and the module's tests run last, so the work (the Cypher lint in Node)
  overlaps the rest of the run.

Hand-built fixtures live in the importable package ``tests/fixtures`` (``pythonpath`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.backends import MEMORY, NOT_IMPLEMENTED, Neo4jGraphs, backend_params, group_by_graph

pytest_plugins = ["orggraph.testing.pytest_plugin"]


@pytest.hookimpl(tryfirst=True)  # before -m selects by the markers added here
def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        if _in_quick_subset(item, backend):
            item.add_marker(pytest.mark.quick)
        if callspec is None:
            continue
        query = getattr(item.function, "query", None) or callspec.params.get("query")
        if isinstance(query, tuple):
            query = query[0]
        gap = NOT_IMPLEMENTED.get((backend, query))
        if gap is not None:
            exc, reason = gap
            item.add_marker(pytest.mark.xfail(strict=True, raises=exc, reason=reason))
        for mark in item.iter_markers("xfail_on"):
            if backend in mark.args:
                item.add_marker(pytest.mark.xfail(strict=True, **mark.kwargs))
    group_by_graph(items)
    items.sort(key=lambda item: _prefetch_of(item) is not None)  # stable: the prefetching modules last


def _prefetch_of(item):
    return getattr(getattr(item, "module", None), "prefetch", None)


def pytest_collection_finish(session):
    started = set()
    for item in session.items:
        prefetch = _prefetch_of(item)
        if prefetch is not None and prefetch not in started:
            started.add(prefetch)
            prefetch()


QUERY_TESTS = Path(__file__).resolve().parent / "queries"


def _in_quick_subset(item, backend) -> bool:
    """The quick subset (``pytest -m quick``): the in-memory side of the query tests, and modules marked quick."""
    if item.get_closest_marker("slow") is not None or backend == "neo4j":
        return False
    return QUERY_TESTS in Path(str(item.path)).parents


@pytest.fixture(params=backend_params())
def backend(request) -> str:
    """The backend a test body runs on: ``"memory"`` or ``"neo4j"`` (the Bolt test server)."""
    if request.param == "neo4j":
        request.getfixturevalue("bolt_server")
    return request.param


_LOADED: list[Neo4jGraphs] = []


@pytest.fixture(scope="session")
def neo4j_graphs(request):
    graphs = Neo4jGraphs(request.getfixturevalue("bolt_server"))
    _LOADED.append(graphs)
    yield graphs
    graphs.close()


def pytest_terminal_summary(terminalreporter):
    for graphs in _LOADED:
        terminalreporter.write_line(
            f"graphs loaded into the Bolt server for the tests: {graphs.loads} loads, {graphs.load_seconds:.1f} s")



@pytest.fixture
def on_backend(backend, request):
    """``on_backend(name, build)``: the graph ``build()`` on the test's backend, built (and loaded) once per name.

    ``name`` must identify the graph ``build`` makes: the same name is never built twice.
    """

    def get(name: str, build):
        graph = MEMORY.get(name, build)
        if backend == "memory":
            return graph
        return request.getfixturevalue("neo4j_graphs").get(name, lambda: graph)

    return get
