"""The OrgGraph API on the in-memory backend: building, reading, sub-graphs, copies, networkx."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orggraph as og

pytestmark = pytest.mark.quick  # in the quick subset (docs/testing.md)


@pytest.fixture
def g():
    g = og.OrgGraph()
    g.add_node("District", "d1", name="东港区")
    g.add_node("Street", "s1", name="石臼街道", district_id="d1")
    g.add_node("Street", "s2", name="秦楼街道", district_id="d1")
    g.add_nodes("Community", pd.DataFrame([
        {"id": "c1", "name": "振兴社区", "kind": "村改居", "street_id": "s1", "households": "１,２００"},
        {"id": "c2", "name": "碧海社区", "kind": "urban", "street_id": "s1"},
        {"id": "c3", "name": "幸福社区", "kind": "urban", "street_id": "s2"},
    ]))
    g.add_node("Grid", "g1", name="一网格", community_id="c1", households=300)
    g.add_node("Area", "a1", name="御景小区", kind="compound", parent_id="g1", households=520)
    g.add_node("Area", "a2", name="1号楼", kind="building", parent_id="a1")
    g.add_node("PartyOrg", "po1", name="振兴社区党委", level="党委", territory_id="c1")
    g.add_node("Unit", "u1", name="振兴居委会", kind="居委会", territory_id="c1")
    g.add_node("Unit", "u3", name="幸福居委会", kind="residents_committee", territory_id="c3")
    g.add_node("Cadre", "p1", name="王一", party_member=True)
    g.add_node("Cadre", "p3", name="赵三")
    g.add_edge("HOLDS_POST", "p1", "po1", role="secretary", start="2021-12-05")
    g.add_edge("HOLDS_POST", "p1", "u1", role="director", start="2021-12-05")
    g.add_edge("HOLDS_POST", "p3", "u3", role="director")
    return g


def test_nodes_and_edges_as_frames(g):
    c = g.nodes("Community")
    assert list(c.columns) == ["id", "name", "kind", "households", "population", "registered_population", "geometry",
                              "crs", "start", "end", "street_id"]
    assert list(c["id"]) == ["c1", "c2", "c3"]
    assert list(c["kind"]) == ["converted", "urban", "urban"]
    assert c.loc[0, "households"] == 1200 and pd.isna(c.loc[1, "households"])
    assert list(c["street_id"]) == ["s1", "s1", "s2"]
    posts = g.edges("HOLDS_POST")
    assert list(posts.columns[:6]) == ["source", "target", "role", "start", "end", "part_time"]
    assert posts.loc[0, "start"] == pd.Timestamp("2021-12-05")
    assert set(g.nodes()["label"]) == {"District", "Street", "Community", "Grid", "Area", "PartyOrg", "Unit", "Cadre"}
    assert len(g) == 14  # d1, s1, s2, c1-c3, g1, a1, a2, po1, u1, u3, p1, p3


def test_summary_counts(g):
    s = g.summary().set_index(["section", "item"])["count"]
    assert s[("nodes", "Community")] == 3
    assert s[("Area.kind", "compound")] == 1 and s[("Area.kind", "building")] == 1
    assert s[("PartyOrg.level", "committee")] == 1
    assert s[("Unit.kind", "residents_committee")] == 2
    # CONTAINS: d1→s1, d1→s2, s1→c1, s1→c2, s2→c3, c1→g1, g1→a1, a1→a2
    assert s[("edges", "CONTAINS")] == 8
    assert s[("edges", "COVERS")] == 3 and s[("edges", "HOLDS_POST")] == 3


def test_within_street_keeps_its_bodies_and_people(g):
    w = g.within("s1")
    assert set(w.nodes()["id"]) == {"s1", "c1", "c2", "g1", "a1", "a2", "po1", "u1", "p1"}
    assert len(w.edges("HOLDS_POST")) == 2
    assert "c3" in g  # the original is unchanged


def test_within_rejects_non_territories(g):
    with pytest.raises(og.SchemaError):
        g.within("p1")
    with pytest.raises(og.NodeNotFound):
        g.within("nope")


def test_copy_is_independent(g):
    h = g.copy()
    h.add_node("Community", "c9", name="新社区", street_id="s2")
    assert "c9" in h and "c9" not in g
    assert g.equals(g.copy()) and not g.equals(h)


def test_networkx_view_is_cached_until_a_change(g):
    first = g.nx
    assert isinstance(first, nx.MultiDiGraph)
    assert g.nx is first
    assert first.nodes["c1"]["label"] == "Community" and first.nodes["c1"]["kind"] == "converted"
    assert first.has_edge("p1", "po1", key="HOLDS_POST:0")
    g.add_node("Cadre", "p9", name="新人")
    assert g.nx is not first and "p9" in g.nx


def test_networkx_keeps_every_edge_keyed_by_its_row(g):
    # a second post of p1 in the same body: two rows of HOLDS_POST between p1 and po1, two edges
    g.add_edge("HOLDS_POST", "p1", "po1", role="member", start="2018-01-01", end="2021-12-05")
    G = g.nx
    assert G.number_of_edges("p1", "po1") == 2
    # keys name the row of g.edges(type): the posts were added in this order
    assert G.edges["p1", "po1", "HOLDS_POST:0"]["role"] == "secretary"
    last = G.edges["p1", "po1", "HOLDS_POST:3"]
    assert last == {"type": "HOLDS_POST", "role": "member", "start": pd.Timestamp("2018-01-01"),
                    "end": pd.Timestamp("2021-12-05")}
    assert G.edges["p3", "u3", "HOLDS_POST:2"] == {"type": "HOLDS_POST", "role": "director"}  # missing values left out
    # one multigraph edge per table row, for every type
    per_type = pd.Series([d["type"] for _, _, d in G.edges(data=True)]).value_counts()
    for t in og.schema.EDGE_TYPES:
        assert per_type.get(t, 0) == len(g.edges(t)), t
    assert per_type["HOLDS_POST"] == 4
    # the reference columns: d1→s1, d1→s2, s1→c1, s1→c2, s2→c3, c1→g1, g1→a1, a1→a2
    assert per_type["CONTAINS"] == 8
    assert G.number_of_nodes() == len(g)


def test_networkx_node_attributes(g):
    G = g.nx
    assert G.nodes["g1"] == {"label": "Grid", "name": "一网格", "households": 300}
    assert G.nodes["p1"] == {"label": "Cadre", "name": "王一", "party_member": True}
    assert type(G.nodes["c1"]["households"]) is int and G.nodes["c1"]["households"] == 1200


@given(st.lists(st.tuples(st.sampled_from(["p1", "p3"]), st.sampled_from(["po1", "u1", "u3"]),
                          st.sampled_from(["secretary", "director", "member"])), max_size=12))
@settings(max_examples=30, deadline=None)
def test_networkx_edge_count_per_type_matches_the_tables(posts):
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="社区")
    g.add_node("PartyOrg", "po1", name="党委", level="committee", territory_id="c1")
    g.add_node("Unit", "u1", name="居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "u3", name="工作站", kind="workstation", territory_id="c1")
    g.add_node("Cadre", "p1", name="甲")
    g.add_node("Cadre", "p3", name="乙")
    for person, body, role in posts:
        g.add_edge("HOLDS_POST", person, body, role=role)
    G = g.nx
    got = sorted((u, v, d["role"]) for u, v, d in G.edges(data=True) if d["type"] == "HOLDS_POST")
    assert got == sorted(posts)
    assert sum(1 for *_, d in G.edges(data=True) if d["type"] == "COVERS") == 3
    assert sorted(k for *_, k in G.edges(keys=True)) == sorted(
        [f"HOLDS_POST:{i}" for i in range(len(posts))] + [f"COVERS:{i}" for i in range(3)])


def test_invalid_additions_raise_and_change_nothing(g):
    before = len(g)
    with pytest.raises(og.SchemaError):
        g.add_node("Community", "c1", name="dup")
    with pytest.raises(og.SchemaError):
        g.add_node("Community", "c8", name="x", kind="not-a-kind")
    with pytest.raises(og.NodeNotFound):
        g.add_edge("HOLDS_POST", "p1", "nowhere", role="member")
    with pytest.raises(og.SchemaError):
        g.add_edge("HOLDS_POST", "p1", "c1", role="member")  # a community is not a body
    assert len(g) == before and len(g.edges("HOLDS_POST")) == 3


def test_node_lookup(g):
    assert g.node("p1")["label"] == "Cadre"
    assert g.kind_of("a1") == "Area"
    with pytest.raises(og.NodeNotFound):
        g.node("zz")
    assert "OrgGraph on memory: 14 nodes" in repr(g)
