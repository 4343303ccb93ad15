"""Reads about one node or a count, and the scope test, on both backends (issue 19, item 7).

The answers are worked out by hand on a small graph; on neo4j the statements
sent are recorded (the real runner, on the real server, with a list of what
went through it) to check that ``node``, ``summary``, ``kind_of`` and ``in``
send one targeted statement each, that ``boundary_geometry(within=…)`` reads
no ``CONTAINS`` table, and that no statement of an unscoped query carries a
scope test (``$within``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import orggraph as og
from orggraph.backends.neo4j import cypher, cypher_people
from orggraph.schema import NODE_KINDS

SQUARE = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))"


def build_small() -> og.OrgGraph:
    """District d1 ⊃ street s1 (a 0..10 square) ⊃ communities c1 (0..5 × 0..10) and c2 (6..10 × 0..10,
    founded 2020-03-20); compound a1 (300 households) in c1; 社区党委 po1 covering c1; 居委会 u1 of c1;
    street s2 in d1 with c3 (a 20..22 square overlapping c4, 21..23)."""
    g = og.OrgGraph()
    g.add_node("District", "d1", name="某区")
    g.add_node("Street", "s1", name="东城街道", district_id="d1", geometry=SQUARE.format(0, 0, 10, 10))
    g.add_node("Street", "s2", name="西城街道", district_id="d1")
    g.add_node("Community", "c1", name="甲", street_id="s1", households=1200, geometry=SQUARE.format(0, 0, 5, 10))
    g.add_node("Community", "c2", name="乙", street_id="s1", start="2020-03-20", geometry=SQUARE.format(6, 0, 10, 10))
    g.add_node("Community", "c3", name="丙", street_id="s2", geometry=SQUARE.format(20, 0, 22, 2))
    g.add_node("Community", "c4", name="丁", street_id="s2", geometry=SQUARE.format(21, 0, 23, 2))
    g.add_node("Area", "a1", name="一号小区", kind="compound", households=300, parent_id="c1")
    g.add_node("PartyOrg", "po1", name="甲社区党委", level="committee", territory_id="c1")
    g.add_node("Unit", "u1", name="甲社区居委会", kind="residents_committee", territory_id="c1")
    return g


def _graph(on_backend):
    return on_backend("targeted_reads", build_small)


def test_node(on_backend, backend):
    g = _graph(on_backend)
    c2 = g.node("c2")
    spec = NODE_KINDS["Community"]
    assert set(c2) == {"label", *(a.name for a in spec.attrs), *(r.column for r in spec.refs)}
    assert (c2["label"], c2["id"], c2["name"], c2["street_id"]) == ("Community", "c2", "乙", "s1")
    assert pd.Timestamp(c2["start"]).date() == dt.date(2020, 3, 20) and pd.isna(c2["end"]) and pd.isna(c2["households"])
    a1 = g.node("a1")
    assert (a1["label"], a1["kind"], int(a1["households"]), a1["parent_id"]) == ("Area", "compound", 300, "c1")
    po1 = g.node("po1")
    assert (po1["level"], po1["territory_id"], po1["parent_id"]) == ("committee", "c1", None)
    with pytest.raises(og.NodeNotFound):
        g.node("nobody")
    assert g.kind_of("u1") == "Unit" and "u1" in g and "nobody" not in g


def test_summary(on_backend, backend):
    s = _graph(on_backend).summary().set_index(["section", "item"])["count"]
    assert s[("nodes", "Community")] == 4 and s[("nodes", "Street")] == 2 and s[("nodes", "Cadre")] == 0
    assert s[("Area.kind", "compound")] == 1 and s[("Area.kind", "building")] == 0
    assert s[("PartyOrg.level", "committee")] == 1 and s[("Unit.kind", "residents_committee")] == 1
    # CONTAINS: d1→s1, d1→s2, s1→c1, s1→c2, s2→c3, s2→c4, c1→a1; COVERS: po1→c1, u1→c1
    assert s[("edges", "CONTAINS")] == 7 and s[("edges", "COVERS")] == 2


def test_boundary_geometry_within(on_backend, backend):
    g = _graph(on_backend)
    # s2: c3 and c4 overlap on 21..22 × 0..2 = 2; s1: the 5..6 strip between c1 and c2 is a gap of 10
    assert g.boundary_geometry(within="s2")[["problem", "communities", "area"]].values.tolist() == [
        ["overlap", ["c3", "c4"], 2.0]]
    assert g.boundary_geometry(within="c1")[["problem", "communities", "area"]].values.tolist() == [
        ["gap", ["c1", "c2"], 10.0]]
    assert g.boundary_geometry(within="d1")["street_id"].tolist() == ["s1", "s2"]


class Recording:
    """The backend's own runner, with the statements sent through it noted (nothing is replaced)."""

    def __init__(self, runner):
        self._runner = runner
        self.sent: list = []

    def records(self, stmt, **params):
        self.sent.append(stmt)
        return self._runner.records(stmt, **params)

    def frame(self, stmt, columns=None, **params):
        self.sent.append(stmt)
        return self._runner.frame(stmt, columns, **params)

    def __getattr__(self, name):
        return getattr(self._runner, name)


#: the statements are the database backend's: these tests run on neo4j only
ON_NEO4J = pytest.mark.parametrize("backend", [pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)


@pytest.fixture
def recorded(on_backend, backend, monkeypatch):
    g = _graph(on_backend)
    rec = Recording(g.backend.runner)
    monkeypatch.setattr(g.backend, "runner", rec)
    return g, rec


@ON_NEO4J
def test_one_statement_per_node_or_count(recorded):
    g, rec = recorded
    for call in (lambda: g.node("a1"), g.summary, lambda: g.kind_of("c1"), lambda: "c1" in g):
        rec.sent.clear()
        call()
        assert len(rec.sent) == 1, [s.name for s in rec.sent]
    rec.sent.clear()
    g.boundary_geometry(within="c1")
    assert not [s.name for s in rec.sent if s.name.startswith("read.edges")]


@ON_NEO4J
def test_unscoped_queries_send_no_scope_test(recorded):
    g, rec = recorded
    g.audit(as_of="2024-06-30")
    queries = [s for s in rec.sent if s.name.split(".")[0] in ("appointments", "coverage", "norms", "interlocks",
                                                                "boundaries", "chains", "people")]
    assert len({s.name for s in queries}) >= 10
    assert not [s.name for s in queries if "$within" in s.text]
    rec.sent.clear()
    g.coverage_gaps(within="s1", as_of="2024-06-30")
    assert rec.sent and all("$within" in s.text for s in rec.sent if s.name.startswith("coverage."))


def test_scoped_statements_come_in_two_variants():
    scoped = [s for s in vars(cypher).values() if isinstance(s, cypher.Scoped)]
    scoped += [s for s in cypher.COVERAGE_GAPS.values()] + [s for s in cypher_people.STATEMENTS]
    assert len(scoped) >= 20
    for s in scoped:
        assert "$within" not in s.plain.text and "$within" in s.scoped.text, s.name
        assert s.pick(None) is s.plain and s.pick("s1") is s.scoped
        assert set(s.scoped.params) - set(s.plain.params) == {"within"}, s.name
