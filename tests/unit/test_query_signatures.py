"""Every dispatched query is implemented by both backends with the same keyword parameters."""

from __future__ import annotations

import inspect

import pytest

from orggraph.backends.memory import MemoryBackend
from orggraph.queries import QUERIES

pytestmark = pytest.mark.quick  # in the quick subset (docs/testing.md)

DISPATCHED = sorted(name for name, q in QUERIES.items() if not getattr(q.func, "backend_neutral", False))


def _params(method) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(method).parameters.values() if p.name != "self"]


@pytest.mark.parametrize("query", DISPATCHED)
def test_both_backends_implement_the_query_alike(query):
    pytest.importorskip("neo4j")
    from orggraph.backends.neo4j import Neo4jBackend

    nx_method = getattr(MemoryBackend, query, None)
    neo_method = getattr(Neo4jBackend, query, None)
    assert nx_method is not None, f"memory backend lacks {query}"
    assert neo_method is not None, f"neo4j backend lacks {query}"
    assert _params(neo_method) == _params(nx_method)
    assert all(kind == inspect.Parameter.KEYWORD_ONLY for _, kind in _params(neo_method))


def test_the_backends_implement_the_base_contract():
    pytest.importorskip("neo4j")
    from orggraph.backends.base import Backend
    from orggraph.backends.neo4j import Neo4jBackend

    abstract = {n for n, v in vars(Backend).items() if getattr(v, "__isabstractmethod__", False)}
    for name in abstract:
        assert _params(getattr(Neo4jBackend, name)) == _params(getattr(MemoryBackend, name)), name
