"""The cross-appointment network (交叉任职网络), 一人多职 and the network metrics.

Every expected value below is worked out by hand from :func:`fixtures.graphs.build_interlock_graph`
(its docstring draws the graph and lists who holds which body on 2024-01-01), on both backends.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph.errors import NodeNotFound, SchemaError
from orggraph.queries import QUERIES

from fixtures.graphs import build_interlock_graph

AS_OF = "2024-01-01"
PAIR_COLUMNS = [
    "body_a", "body_a_name", "body_a_label", "body_a_kind",
    "body_b", "body_b_name", "body_b_label", "body_b_kind",
    "shared", "people", "weight",
]




@pytest.fixture
def g(on_backend):
    """The graph of :func:`fixtures.graphs.build_interlock_graph` on the test's backend."""
    return on_backend("interlock_graph", build_interlock_graph)


def pairs(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, list[str], float]]:
    return {(a, b): (s, p, w) for a, b, s, p, w in frame[["body_a", "body_b", "shared", "people", "weight"]].itertuples(index=False)}


def weights(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(a, b): w for a, b, w in frame[["body_a", "body_b", "weight"]].itertuples(index=False)}


# --------------------------------------------------------------------------- interlocks


def test_registry_holds_only_the_dispatched_queries():
    assert "interlocks" in QUERIES and "connectors" in QUERIES
    assert "interlock_metrics" not in QUERIES and "interlock_network" not in QUERIES


def test_whole_graph_pairs(g):
    r = g.interlocks(as_of=AS_OF)
    assert list(r.columns) == PAIR_COLUMNS
    # x (3 bodies) → 3 pairs; f (3 bodies) → 3 pairs; y, z, h, u → 1 pair each; (P1,R1) shared by x and y.
    # Σ C(k,2) = 3 + 1 + 1 + 3 + 1 + 1 = 10 = Σ shared
    assert pairs(r) == {
        ("B3", "P1"): (1, ["h"], 1.0),
        ("B3", "P2"): (1, ["f"], 1.0),
        ("B3", "R2"): (1, ["f"], 1.0),
        ("G1", "R1"): (1, ["z"], 1.0),
        ("P1", "R1"): (2, ["x", "y"], 2.0),
        ("P1", "W1"): (1, ["x"], 1.0),
        ("P2", "R2"): (1, ["f"], 1.0),
        ("P3", "U1"): (1, ["u"], 1.0),
        ("R1", "W1"): (1, ["x"], 1.0),
    }
    assert r["shared"].sum() == 10
    assert list(zip(r["body_a"], r["body_b"])) == sorted(zip(r["body_a"], r["body_b"]))
    assert (r["body_a"] < r["body_b"]).all()
    assert r["shared"].dtype == "int64" and r["weight"].dtype == "float64"
    # e's ended P1 post and q's future O1 post make no link
    assert not r["people"].map(lambda p: "e" in p or "q" in p).any()
    assert "O1" not in set(r["body_a"]) | set(r["body_b"])


def test_labels_kinds_and_names(g):
    r = g.interlocks(as_of=AS_OF).set_index(["body_a", "body_b"])
    row = r.loc[("G1", "R1")]
    assert (row["body_a_label"], row["body_a_kind"], row["body_a_name"]) == ("Grid", "grid", "安宁一网格")
    assert (row["body_b_label"], row["body_b_kind"]) == ("Unit", "residents_committee")
    row = r.loc[("P1", "W1")]
    assert (row["body_a_label"], row["body_a_kind"]) == ("PartyOrg", "committee")
    assert (row["body_b_label"], row["body_b_kind"], row["body_b_name"]) == ("PartyOrg", "working_committee", "书院街道大工委")


def test_as_of_moves_the_picture(g):
    # 2019-06-01: e's P1 post is current (2015-01-01 ≤ as_of < 2020-01-01); x's posts start in 2021–2022 so x
    # holds nothing; y's member post in P1 has no start → P1 {y, h, e}, R1 {y, z, e, q} → P1∩R1 = {e, y}
    r = g.interlocks(as_of="2019-06-01")
    p = pairs(r)
    assert p[("P1", "R1")][:2] == (2, ["e", "y"])
    assert ("P1", "W1") not in p and ("R1", "W1") not in p
    # the day a post ends it is no longer held (half-open): on 2020-01-01 e is gone, x not yet there
    assert pairs(g.interlocks(as_of="2020-01-01"))[("P1", "R1")][:2] == (1, ["y"])
    # 2021-06-01: x holds P1 and R1 but not yet W1 (2022-05-01) → x has k=2, newman weight 1 each for x, y
    p = pairs(g.interlocks("newman", as_of="2021-06-01"))
    assert p[("P1", "R1")] == (2, ["x", "y"], 2.0) and ("P1", "W1") not in p


def test_jaccard(g):
    w = weights(g.interlocks("jaccard", as_of=AS_OF))
    # shared / (|a| + |b| − shared)
    expected = {
        ("B3", "P1"): 1 / (2 + 3 - 1),  # 1/4
        ("B3", "P2"): 1 / (2 + 2 - 1),  # 1/3
        ("B3", "R2"): 1 / (2 + 1 - 1),  # 1/2
        ("G1", "R1"): 1 / (1 + 5 - 1),  # 1/5
        ("P1", "R1"): 2 / (3 + 5 - 2),  # 1/3
        ("P1", "W1"): 1 / (3 + 1 - 1),  # 1/3
        ("P2", "R2"): 1 / (2 + 1 - 1),  # 1/2
        ("P3", "U1"): 1 / (1 + 1 - 1),  # 1
        ("R1", "W1"): 1 / (5 + 1 - 1),  # 1/5
    }
    assert w == pytest.approx(expected)


def test_cosine(g):
    w = weights(g.interlocks("cosine", as_of=AS_OF))
    # shared / sqrt(|a|·|b|)
    expected = {
        ("B3", "P1"): 1 / math.sqrt(2 * 3),
        ("B3", "P2"): 1 / math.sqrt(2 * 2),  # 0.5
        ("B3", "R2"): 1 / math.sqrt(2 * 1),
        ("G1", "R1"): 1 / math.sqrt(1 * 5),
        ("P1", "R1"): 2 / math.sqrt(3 * 5),
        ("P1", "W1"): 1 / math.sqrt(3 * 1),
        ("P2", "R2"): 1 / math.sqrt(2 * 1),
        ("P3", "U1"): 1.0,
        ("R1", "W1"): 1 / math.sqrt(5 * 1),
    }
    assert w == pytest.approx(expected)


def test_newman(g):
    w = weights(g.interlocks("newman", as_of=AS_OF))
    # 1/(k−1): x (k=3) 1/2, y 1, z 1, f (k=3) 1/2, h 1, u 1
    expected = {
        ("B3", "P1"): 1.0,  # h
        ("B3", "P2"): 0.5,  # f
        ("B3", "R2"): 0.5,  # f
        ("G1", "R1"): 1.0,  # z
        ("P1", "R1"): 0.5 + 1.0,  # x + y
        ("P1", "W1"): 0.5,  # x
        ("P2", "R2"): 0.5,  # f
        ("P3", "U1"): 1.0,  # u
        ("R1", "W1"): 0.5,  # x
    }
    assert w == pytest.approx(expected)
    # each person with k ≥ 2 bodies spreads k/2: x 1.5 + y 1 + z 1 + f 1.5 + h 1 + u 1 = 7
    assert sum(w.values()) == pytest.approx(7.0)


def test_unknown_weighting(g):
    with pytest.raises(ValueError, match="jaccard, cosine, newman"):
        g.interlocks("pearson")
    assert len(g.interlocks("Jaccard", as_of=AS_OF)) == 9  # case-insensitive


def test_within_community_and_contested_branch(g):
    # C1: territories C1, G1, A1, Z → bodies P1, R1, O1, B3 (covers Z) and grid G1; not W1 (covers S1).
    # held: x P1 R1 (k=2), y P1 R1, z R1 G1, e R1, f B3 (k=1), h B3 P1, q R1
    r = g.interlocks("newman", within="C1", as_of=AS_OF)
    # newman: x now has k=2 → 1, y 1 → (P1,R1) = 2
    assert pairs(r) == {("B3", "P1"): (1, ["h"], 1.0), ("G1", "R1"): (1, ["z"], 1.0), ("P1", "R1"): (2, ["x", "y"], 2.0)}
    # C2: territories C2, Z → P2, R2, B3 (the contested zone's branch belongs to both communities)
    r = g.interlocks(within="C2", as_of=AS_OF)
    assert pairs(r) == {("B3", "P2"): (1, ["f"], 1.0), ("B3", "R2"): (1, ["f"], 1.0), ("P2", "R2"): (1, ["f"], 1.0)}


def test_within_street_adds_the_working_committee(g):
    # S1 adds W1 (covers the street itself); S1 holds everything but P3 and U1 → 8 of the 9 pairs
    r = g.interlocks(within="S1", as_of=AS_OF)
    assert set(pairs(r)) == set(pairs(g.interlocks(as_of=AS_OF))) - {("P3", "U1")}
    # D1: same bodies (U1 covers nothing, so it is only in the whole-graph scope)
    assert pairs(g.interlocks(within="D1", as_of=AS_OF)) == pairs(r)


def test_empty_scope(g):
    # S2 / C3: only P3 in scope; u's other body U1 is not → no pair
    for within in ("S2", "C3"):
        r = g.interlocks("cosine", within=within, as_of=AS_OF)
        assert list(r.columns) == PAIR_COLUMNS and len(r) == 0


def test_bodies_filter(g):
    # 两委 only: P1, P2 (community committees) and R1, R2; x now holds 2 bodies (P1, R1), f 2 (P2, R2)
    r = g.interlocks("newman", bodies=("committee", "居委会"), as_of=AS_OF)
    assert pairs(r) == {("P1", "R1"): (2, ["x", "y"], 2.0), ("P2", "R2"): (1, ["f"], 1.0)}
    # jaccard counts people of the selected bodies only: P1 {x,y,h}, R1 {x,y,z,e,q} → 2/6
    assert weights(g.interlocks("jaccard", bodies=("committee", "residents_committee"), as_of=AS_OF))[("P1", "R1")] == pytest.approx(1 / 3)
    r = g.interlocks(bodies=["grid", "residents_committee"], as_of=AS_OF)
    assert pairs(r) == {("G1", "R1"): (1, ["z"], 1.0)}
    # one kind is allowed: committees linked to each other (none here)
    assert len(g.interlocks(bodies="committee", as_of=AS_OF)) == 0
    with pytest.raises(ValueError, match="unknown body kind"):
        g.interlocks(bodies=("committee", "parliament"))
    with pytest.raises(ValueError):
        g.interlocks(bodies=())


def test_min_shared(g):
    r = g.interlocks(min_shared=2, as_of=AS_OF)
    assert pairs(r) == {("P1", "R1"): (2, ["x", "y"], 2.0)}
    assert len(g.interlocks(min_shared=3, as_of=AS_OF)) == 0
    # jaccard is computed before the filter: still 2/6
    assert weights(g.interlocks("jaccard", min_shared=2, as_of=AS_OF)) == pytest.approx({("P1", "R1"): 1 / 3})
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            g.interlocks(min_shared=bad)


def test_within_checks(g):
    with pytest.raises(NodeNotFound):
        g.interlocks(within="nowhere")
    with pytest.raises(SchemaError):
        g.interlocks(within="P1")


# --------------------------------------------------------------------------- connectors


def test_connectors_whole_graph(g):
    r = g.connectors(as_of=AS_OF)
    assert list(r.columns) == ["cadre_id", "name", "posts", "bodies", "body_ids", "roles"]
    # bodies desc, posts desc, id: f (3,3), x (3,3), y (2 bodies, 3 posts), then h, u, z (2,2)
    assert r["cadre_id"].tolist() == ["f", "x", "y", "h", "u", "z"]
    rows = r.set_index("cadre_id")
    assert rows.loc["x", "posts"] == 3 and rows.loc["x", "bodies"] == 3
    assert rows.loc["x", "body_ids"] == ["P1", "R1", "W1"]
    assert rows.loc["x", "roles"] == ["director", "part_time_member", "secretary"]
    assert rows.loc["f", "roles"] == ["director", "secretary"]  # secretary of P2 and of B3
    assert rows.loc["y", "posts"] == 3 and rows.loc["y", "bodies"] == 2
    assert rows.loc["y", "roles"] == ["deputy_director", "deputy_secretary", "member"]
    assert rows.loc["x", "name"] == "干部x"
    assert r["posts"].dtype == "int64" and r["bodies"].dtype == "int64"
    # e (ended P1 post) and q (future O1 post) hold one body each
    assert "e" not in rows.index and "q" not in rows.index


def test_connectors_top_and_threshold(g):
    assert g.connectors(2, as_of=AS_OF)["cadre_id"].tolist() == ["f", "x"]
    assert g.connectors(None, min_posts=3, as_of=AS_OF)["cadre_id"].tolist() == ["f", "x"]
    # min_posts=1: everyone with a current post in scope: + e, q, s (one body each, one post each)
    assert g.connectors(None, min_posts=1, as_of=AS_OF)["cadre_id"].tolist() == ["f", "x", "y", "h", "u", "z", "e", "q", "s"]
    with pytest.raises(ValueError):
        g.connectors(0)
    with pytest.raises(ValueError):
        g.connectors(min_posts=0)


def test_connectors_within(g):
    r = g.connectors(within="C1", as_of=AS_OF)
    # C1 scope: y (P1 ×2, R1 → 2 bodies, 3 posts), h (B3, P1), x (P1, R1; W1 out of scope), z (G1, R1)
    assert r["cadre_id"].tolist() == ["y", "h", "x", "z"]
    assert r.set_index("cadre_id").loc["x", "body_ids"] == ["P1", "R1"]
    assert len(g.connectors(within="C3", as_of=AS_OF)) == 0


# --------------------------------------------------------------------------- network and metrics


def test_interlock_network(g):
    net = g.interlock_network("jaccard", as_of=AS_OF)
    assert isinstance(net, nx.Graph) and not net.is_directed()
    assert sorted(net.nodes) == ["B3", "G1", "P1", "P2", "P3", "R1", "R2", "U1", "W1"]
    assert net.number_of_edges() == 9
    assert net.nodes["G1"] == {"name": "安宁一网格", "label": "Grid", "kind": "grid"}
    e = net.edges["R1", "P1"]
    assert e["shared"] == 2 and e["people"] == ["x", "y"] and e["weight"] == pytest.approx(1 / 3)


def test_interlock_metrics_by_hand(g):
    m = g.interlock_metrics(as_of=AS_OF)
    assert list(m.columns) == ["body_id", "name", "label", "kind", "degree", "weighted_degree", "betweenness", "component", "core_number"]
    assert m["body_id"].tolist() == ["B3", "G1", "P1", "P2", "P3", "R1", "R2", "U1", "W1"]
    rows = m.set_index("body_id")
    # edges: B3-P1, B3-P2, B3-R2, G1-R1, P1-R1 (shared 2), P1-W1, P2-R2, P3-U1, R1-W1
    # two triangles P1-R1-W1 and B3-P2-R2 joined by B3-P1; G1 hangs on R1; P3-U1 apart
    assert rows["degree"].to_dict() == {"B3": 3, "G1": 1, "P1": 3, "P2": 2, "P3": 1, "R1": 3, "R2": 2, "U1": 1, "W1": 2}
    # weighted degree = Σ shared: P1 = 1 (B3) + 2 (R1) + 1 (W1) = 4; R1 = 1 (G1) + 2 (P1) + 1 (W1) = 4
    assert rows["weighted_degree"].to_dict() == {"B3": 3.0, "G1": 1.0, "P1": 4.0, "P2": 2.0, "P3": 1.0, "R1": 4.0, "R2": 2.0, "U1": 1.0, "W1": 2.0}
    # components: {B3,G1,P1,P2,R1,R2,W1} (7 bodies) → 0, {P3,U1} (2) → 1
    assert rows["component"].to_dict() == {"B3": 0, "G1": 0, "P1": 0, "P2": 0, "P3": 1, "R1": 0, "R2": 0, "U1": 1, "W1": 0}
    # k-core: peel degree-1 G1, P3, U1 → the two triangles remain with degree ≥ 2 → core 2; peeling for
    # k=3 removes P2, R2, R1, W1, then B3 and P1 drop to 1 → no 3-core
    assert rows["core_number"].to_dict() == {"B3": 2, "G1": 1, "P1": 2, "P2": 2, "P3": 1, "R1": 2, "R2": 2, "U1": 1, "W1": 2}
    # betweenness (unweighted, normalised by (n−1)(n−2)/2 = 8·7/2 = 28 pairs, n = 9):
    #   R1 lies on every shortest path from G1 to P1, W1, B3, P2, R2 → 5
    #   P1 on every path between {G1, R1, W1} and {B3, P2, R2} → 9
    #   B3 on every path between {G1, R1, W1, P1} and {P2, R2} → 8
    expected = {"B3": 8 / 28, "G1": 0.0, "P1": 9 / 28, "P2": 0.0, "P3": 0.0, "R1": 5 / 28, "R2": 0.0, "U1": 0.0, "W1": 0.0}
    assert rows["betweenness"].to_dict() == pytest.approx(expected)
    assert m["degree"].dtype == "int64" and m["component"].dtype == "int64" and m["core_number"].dtype == "int64"
    assert rows.loc["G1", "label"] == "Grid" and rows.loc["W1", "kind"] == "working_committee"


def test_metrics_weighting_changes_weighted_degree_only(g):
    plain = g.interlock_metrics(as_of=AS_OF).set_index("body_id")
    newman = g.interlock_metrics("newman", as_of=AS_OF).set_index("body_id")
    # newman: P1 = B3-P1 1 + P1-R1 1.5 + P1-W1 0.5 = 3
    assert newman.loc["P1", "weighted_degree"] == pytest.approx(3.0)
    for col in ("degree", "betweenness", "component", "core_number"):
        assert newman[col].tolist() == plain[col].tolist()


def _three_components() -> og.OrgGraph:
    g = og.OrgGraph()
    for u in ("a1", "a2", "a3", "a9", "b1", "b2", "b3"):
        g.add_node("Unit", u, name=u, kind="social_org")
    for p, bodies in {"p1": ("a9", "a1"), "p2": ("a3", "a2"), "p3": ("b1", "b2"), "p4": ("b2", "b3")}.items():
        g.add_node("Cadre", p, name=p)
        for b in bodies:
            g.add_edge("HOLDS_POST", p, b, role="member")
    return g


def test_component_numbering_ties(on_backend):
    # two components of equal size: {a1, a9} and {a2, a3}; the one holding the smallest id (a1) is 0.
    # a third component {b1, b2, b3} (a path) is the largest → 0, the others 1 and 2.
    m = on_backend("three_components", _three_components).interlock_metrics().set_index("body_id")
    assert m["component"].to_dict() == {"a1": 1, "a9": 1, "a2": 2, "a3": 2, "b1": 0, "b2": 0, "b3": 0}
    # path b1-b2-b3: b2 on the one b1–b3 path → 1 pair / ((7−1)(7−2)/2 = 15)
    assert m.loc["b2", "betweenness"] == pytest.approx(1 / 15)
    assert m["core_number"].eq(1).all()


# --------------------------------------------------------------------------- properties


@st.composite
def bipartite(draw):
    """Units u0…u(B−1) in one community; people k0…; random current or ended posts."""
    n_bodies = draw(st.integers(1, 7))
    n_people = draw(st.integers(0, 8))
    posts = draw(
        st.lists(
            st.tuples(st.integers(0, n_people - 1), st.integers(0, n_bodies - 1), st.booleans()),
            max_size=25,
        )
        if n_people
        else st.just([])
    )
    return n_bodies, n_people, posts


def _graph(n_bodies, n_people, posts) -> og.OrgGraph:
    g = og.OrgGraph()
    g.add_node("Community", "c", name="社区")
    g.add_nodes("Unit", pd.DataFrame({"id": [f"u{i}" for i in range(n_bodies)], "name": "单位", "kind": "social_org", "territory_id": "c"}))
    if n_people:
        g.add_nodes("Cadre", pd.DataFrame({"id": [f"k{i}" for i in range(n_people)], "name": "人"}))
    if posts:
        g.add_edges(
            "HOLDS_POST",
            pd.DataFrame(
                {
                    "source": [f"k{p}" for p, _, _ in posts],
                    "target": [f"u{b}" for _, b, _ in posts],
                    "role": "member",
                    "end": [None if current else "2020-01-01" for _, _, current in posts],
                }
            ),
        )
    return g


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bipartite())
def test_matches_networkx_bipartite_projection(data):
    n_bodies, n_people, posts = data
    g = _graph(n_bodies, n_people, posts)
    held = {(f"k{p}", f"u{b}") for p, b, current in posts if current}
    B = nx.Graph()
    B.add_edges_from(held)
    bodies = sorted({b for _, b in held})
    people = {b: {p for p, bb in held if bb == b} for b in bodies}
    k = {p: sum(1 for pp, _ in held if pp == p) for p, _ in held}

    plain = g.interlocks(as_of=AS_OF)
    proj = nx.bipartite.weighted_projected_graph(B, bodies) if bodies else nx.Graph()
    assert {tuple(sorted(e[:2])): e[2]["weight"] for e in proj.edges(data=True)} == {
        (a, b): s for a, b, s in plain[["body_a", "body_b", "shared"]].itertuples(index=False)
    }
    # Σ shared = Σ_p C(k(p), 2)
    assert plain["shared"].sum() == sum(v * (v - 1) // 2 for v in k.values())
    for (a, b), (s, ppl, w) in pairs(plain).items():
        assert ppl == sorted(people[a] & people[b]) and s == len(ppl) == w

    jac = weights(g.interlocks("jaccard", as_of=AS_OF))
    if bodies:
        ref = nx.bipartite.overlap_weighted_projected_graph(B, bodies, jaccard=True)
        assert jac == pytest.approx({tuple(sorted(e[:2])): e[2]["weight"] for e in ref.edges(data=True)})
    cos = weights(g.interlocks("cosine", as_of=AS_OF))
    for (a, b), w in cos.items():
        assert 0 < jac[(a, b)] <= w <= 1  # Jaccard ≤ cosine (|a∪b| ≥ sqrt(|a||b|)) and both in (0, 1]
        assert w == pytest.approx(len(people[a] & people[b]) / math.sqrt(len(people[a]) * len(people[b])))

    new = weights(g.interlocks("newman", as_of=AS_OF))
    if bodies:
        ref = nx.bipartite.collaboration_weighted_projected_graph(B, bodies)
        assert new == pytest.approx({tuple(sorted(e[:2])): e[2]["weight"] for e in ref.edges(data=True)})
    # Newman: each person with k ≥ 2 bodies spreads k/2
    assert sum(new.values()) == pytest.approx(sum(v / 2 for v in k.values() if v >= 2))

    con = g.connectors(None, min_posts=1, as_of=AS_OF).set_index("cadre_id")
    assert con["bodies"].to_dict() == k
    assert (con["posts"] >= con["bodies"]).all()
