"""Every query, several parameter combinations, every bundled sample and the hand-built fixtures: both backends agree.

The expected answer is the in-memory backend's, so the test runs on the database backend only: on the
in-memory one it would compare the backend with itself (each call made twice, about two minutes of the
suite, for no information). That the in-memory backend gives the same answer when asked again (no query
changes a table or a kept frame) is checked by ``tests/unit/test_repeated_calls.py``; what the answers
should be, by the hand-worked tests of ``tests/queries`` on every backend.
"""

from __future__ import annotations

import pytest

import orggraph as og
from orggraph.queries import QUERIES

from fixtures.backends import MEMORY, backend_params
from fixtures.compare import assert_agree, assert_identical
from fixtures.conformance import FIXTURES, SAMPLES, calls

QUERY_NAMES = [name for name, q in QUERIES.items() if not getattr(q.func, "backend_neutral", False)]


def _sample_builder(name, state):
    return lambda: og.load_sample(name, state)


GRAPHS = [(f"{n}/{s}" if s else n, _sample_builder(n, s), True) for n, s in SAMPLES] + [
    (name, build, False) for name, build in FIXTURES.items()
]


#: the database backend(s) only: the in-memory answer is the expected one
DATABASES = [p for p in backend_params() if p != "memory"]


@pytest.mark.parametrize("query", QUERY_NAMES)
@pytest.mark.parametrize("graph", GRAPHS, ids=[g[0] for g in GRAPHS])
@pytest.mark.parametrize("backend", DATABASES, indirect=True)
def test_query_agrees(graph, query, on_backend):
    name, build, full = graph
    want_graph = MEMORY.get(name, build)
    g = on_backend(name, lambda: want_graph)
    for label, kwargs in calls(want_graph, full=full).get(query, []):
        want = getattr(want_graph, query)(**kwargs)
        got = getattr(g, query)(**kwargs)
        assert_agree(got, want, f"{name} {query}({label})")
        # and exactly: dtypes (also of empty results), row order, None versus NaN, list order
        assert_identical(got, want, f"{name} {query}({label})")


def test_every_query_is_exercised():
    g = og.load_sample("qixia")
    assert set(calls(g)) == set(QUERY_NAMES)
