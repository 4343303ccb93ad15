"""Asked twice, the in-memory backend answers the same: no query changes what the backend keeps between calls.

The in-memory backend keeps node tables with their reference columns, per-date snapshots and derived
frames (``Backend.memo``) until the graph changes, and hands them to the queries without copying; a query
that modified one would change the next answer. The audit runs every public query (the detail tables
built on first access included), so an audit repeated on the same graph, over the whole graph and within
a community, must give identical tables. (This replaces the in-memory leg of the conformance suite, which
compared every call with a second one.)
"""

from __future__ import annotations

import pytest

import orggraph as og

from fixtures.compare import assert_frames_identical
from fixtures.conformance import DATES, SAMPLES, scopes
from fixtures.graphs import GRAPHS


def _tables(report) -> dict:
    return {"headline": report.headline, **{name: report[name] for name in report}}


def _audits(g):
    community = scopes(g)[-1] if len(scopes(g)) > 1 else None
    return [(f"as_of={d}", dict(as_of=d)) for d in DATES] + (
        [(f"within={community}", dict(within=community, as_of=DATES[-1]))] if community else [])


GRAPHS_TO_REPEAT = [(f"{n}/{s}" if s else n, (lambda n=n, s=s: og.load_sample(n, s))) for n, s in SAMPLES] + [
    (name, build) for name, build in GRAPHS.items()]


@pytest.mark.parametrize("graph", GRAPHS_TO_REPEAT, ids=[name for name, _ in GRAPHS_TO_REPEAT])
def test_an_audit_asked_twice_gives_identical_tables(graph):
    name, build = graph
    g = build()
    for label, kwargs in _audits(g):
        first = _tables(g.audit(**kwargs))
        again = _tables(g.audit(**kwargs))
        assert list(first) == list(again), f"{name} {label}"
        for table in first:
            assert_frames_identical(again[table], first[table], f"{name} audit({label}) {table}")
