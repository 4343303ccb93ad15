"""Random org graphs (hypothesis): both backends agree on every query.

Each example is loaded into its own new database of the Bolt test server, so
``max_examples`` is kept small: the load is the cost.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings

import orggraph as og
import orggraph.compare
from orggraph.queries import QUERIES

from fixtures.backends import NOT_IMPLEMENTED, wipe
from fixtures.compare import assert_agree
from fixtures.conformance import calls
from fixtures.strategies import graph_from, ledgers
from orggraph.testing import may_wipe

QUERY_NAMES = [name for name, q in QUERIES.items() if not getattr(q.func, "backend_neutral", False)]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=ledgers(max_communities=3))
def test_backends_agree_on_random_graphs(tables, bolt_server, tmp_path_factory):
    g = graph_from(tables, tmp_path_factory.mktemp("ledger"))
    own = hasattr(bolt_server, "create_database")
    if own:
        database = f"hyp_{uuid.uuid4().hex[:10]}"
        bolt_server.create_database(database)
    else:
        if not may_wipe(bolt_server):
            pytest.skip("wipes the external server: set ORGGRAPH_NEO4J_ALLOW_WIPE=1")
        database = bolt_server.database
        wipe(bolt_server, database)
    try:
        with og.connect(bolt_server.uri, auth=bolt_server.auth, database=database) as db:
            db.load(g, batch_size=500, progress=False)
            assert not og.compare.graph_differences(g, db.to_memory())
            for query, cases in calls(g, full=False).items():
                gap = NOT_IMPLEMENTED.get(("neo4j", query))
                for label, kwargs in cases:
                    want = getattr(g, query)(**kwargs)
                    if gap is not None:
                        with pytest.raises(gap[0]):
                            getattr(db, query)(**kwargs)
                        continue
                    assert_agree(getattr(db, query)(**kwargs), want, f"{query}({label})")
    finally:
        if own:
            bolt_server.drop_database(database)


def test_every_query_is_covered():
    assert {q for q in QUERY_NAMES} <= set(calls(og.load_sample("jiaohe"), full=False))
