"""Regressions found by the cross-backend differential run (issue 12), each on both backends.

Every expected value is worked out by hand from the definition, on a graph built here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

import orggraph as og

AS_OF = "2024-01-01"


# --------------------------------------------------------------------------- interlocks(bodies=("committee", ...))


def _unit_committee() -> og.OrgGraph:
    """c1 has its 社区党委 p1 and 居委会 r1; a cooperative u1 in c1 has its own 党委 p2 (level committee,
    unit_id u1). k1: secretary of p1 and director of r1; k2: secretary of p2 and member of r1."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="社区", kind="urban", street_id="s1")
    g.add_node("PartyOrg", "p1", name="社区党委", level="committee", territory_id="c1")
    g.add_node("Unit", "r1", name="居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "u1", name="合作社", kind="cooperative", territory_id="c1")
    g.add_node("PartyOrg", "p2", name="合作社党委", level="committee", unit_id="u1", territory_id="c1")
    for k in ("k1", "k2"):
        g.add_node("Cadre", k, name=k)
    g.add_edge("HOLDS_POST", "k1", "p1", role="secretary", start="2020-01-01")
    g.add_edge("HOLDS_POST", "k1", "r1", role="director", start="2020-01-01")
    g.add_edge("HOLDS_POST", "k2", "p2", role="secretary", start="2020-01-01")
    g.add_edge("HOLDS_POST", "k2", "r1", role="member", start="2020-01-01")
    return g


def test_committee_selects_only_the_communitys_own_party_organisation(on_backend):
    """``committee`` is the community's party organisation (no unit_id): p1, not the cooperative's p2."""
    g = on_backend("regress_unit_committee", _unit_committee)
    r = g.interlocks(bodies=("committee", "residents_committee"), as_of=AS_OF)
    assert r[["body_a", "body_b", "shared"]].values.tolist() == [["p1", "r1", 1]]
    assert r["people"].tolist() == [["k1"]]
    # without the selector, the cooperative's 党委 is a body like any other: p2—r1 through k2
    every = g.interlocks(as_of=AS_OF)
    assert every[["body_a", "body_b"]].values.tolist() == [["p1", "r1"], ["p2", "r1"]]


# --------------------------------------------------------------------------- newman weights


def _five_people() -> og.OrgGraph:
    """Bodies A, B, C, D; p1 and p5 hold A, B, C (k = 3), p2, p3, p4 hold A, B, C, D (k = 4)."""
    g = og.OrgGraph()
    for b in "ABCD":
        g.add_node("Unit", b, name=b, kind="social_org")
    for p in ("p1", "p2", "p3", "p4", "p5"):
        g.add_node("Cadre", p, name=p)
        for b in ("ABC" if p in ("p1", "p5") else "ABCD"):
            g.add_edge("HOLDS_POST", p, b, role="member", start="2020-01-01")
    return g


def test_newman_weights_are_the_same_number_on_every_backend(on_backend):
    """weight(A, B) = 1/2 + 1/3 + 1/3 + 1/3 + 1/2 = 2 (summed in some orders, 1.9999999999999998);
    weight(A, D) = 3 · 1/3 = 1."""
    g = on_backend("regress_five_people", _five_people)
    r = g.interlocks("newman", as_of=AS_OF).set_index(["body_a", "body_b"])["weight"]
    assert r[("A", "B")] == 2.0 and r[("A", "C")] == 2.0 and r[("B", "C")] == 2.0
    assert r[("A", "D")] == 1.0 and r[("C", "D")] == 1.0


# --------------------------------------------------------------------------- dtypes, None, empty results


def _bare() -> og.OrgGraph:
    """One street, one community with no bodies, an area nobody claims and that no street contains."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="社区", kind="urban", street_id="s1")
    g.add_node("Area", "a1", name="无主小区", kind="compound")
    return g


TEXT = np.dtype(object)


def test_unassigned_area_without_a_street(on_backend):
    g = on_backend("regress_bare", _bare)
    r = g.unassigned_areas(as_of=AS_OF)
    assert r["id"].tolist() == ["a1"] and r["status"].tolist() == ["unassigned"]
    assert r["street_id"].tolist() == [None]  # None, not NaN
    assert r["claimants"].tolist() == [[]] and r["inherited"].tolist() == [False]
    for c in ("id", "label", "name", "kind", "status", "street_id"):
        assert r[c].dtype == TEXT, c
    assert r["households"].dtype == "Int64" and r["inherited"].dtype == bool


def test_empty_results_have_the_documented_dtypes(on_backend):
    g = on_backend("regress_bare", _bare)
    zones = g.boundary_zones(as_of=AS_OF)
    assert len(zones) == 0
    assert {c: str(zones[c].dtype) for c in zones.columns} == {
        "id": "object", "name": "object", "households": "Int64", "street_id": "object", "status": "object",
        "claimants": "object", "adjacent_communities": "object", "governing_bodies": "object",
    }
    links = g.interlocks(as_of=AS_OF)
    assert len(links) == 0
    assert links["shared"].dtype == "int64" and links["weight"].dtype == "float64" and links["body_a"].dtype == TEXT
    shoulder = g.one_shoulder(within="c1", as_of=AS_OF)
    # a community with neither of its 两委: 一肩挑 does not apply (NA, with the reason), never False
    assert shoulder["secretaries"].tolist() == [[]] and shoulder["one_shoulder"].isna().tolist() == [True]
    assert shoulder["applicable"].tolist() == [False] and shoulder["reason"].str.startswith("不适用").all()
    assert shoulder["community_id"].dtype == TEXT and str(shoulder["one_shoulder"].dtype) == "boolean"
    people = g.connectors(as_of=AS_OF)
    assert len(people) == 0 and people["posts"].dtype == "int64" and people["cadre_id"].dtype == TEXT


# --------------------------------------------------------------------------- nodes() order


def _shuffled() -> og.OrgGraph:
    g = og.OrgGraph()
    for s in ("s3", "s1", "s2"):
        g.add_node("Street", s, name=f"街道{s}")
    g.add_node("Community", "c2", name="乙", kind="urban", street_id="s3")
    g.add_node("Community", "c1", name="甲", kind="urban")
    return g


def test_nodes_come_in_id_order(on_backend):
    g = on_backend("regress_shuffled", _shuffled)
    assert g.nodes("Street")["id"].tolist() == ["s1", "s2", "s3"]
    assert g.nodes()["id"].tolist() == ["s1", "s2", "s3", "c1", "c2"]
    communities = g.nodes("Community")
    assert communities["street_id"].tolist() == [None, "s3"] and communities["street_id"].dtype == TEXT


# --------------------------------------------------------------------------- the API normalises as the ledger reader


def _typed_through_the_api() -> og.OrgGraph:
    """Built with add_node/add_edge from untidy values: full-width ids, a post start with a time of day,
    a community whose households are left out."""
    g = og.OrgGraph()
    g.add_node("Street", "ｓ１", name="街道")  # full-width s1
    g.add_node("Community", "c1", name="甲", kind="urban", street_id="s1", households=1200)
    g.add_node("Community", "ｃ２", name="乙", kind="urban", street_id="ｓ１")  # households left out
    g.add_node("PartyOrg", "p1", name="党委", level="committee", territory_id="c1")
    g.add_node("Cadre", "k1", name="k1")
    g.add_edge("HOLDS_POST", "ｋ１", "p1", role="secretary", start=dt.datetime(2021, 3, 1, 8, 30))
    g.add_edge("HOLDS_POST", "k1", "p1", role="member", start="2021-03-02 14:00")
    return g


def test_ids_are_folded_as_the_ledger_reader_folds_them(on_backend):
    g = on_backend("regress_api_values", _typed_through_the_api)
    assert g.nodes("Street")["id"].tolist() == ["s1"]
    c = g.nodes("Community")
    assert c["id"].tolist() == ["c1", "c2"] and c["street_id"].tolist() == ["s1", "s1"]
    assert g.edges("HOLDS_POST")["source"].tolist() == ["k1", "k1"]
    assert "c2" in g and g.kind_of("c2") == "Community"


def test_integer_columns_stay_integer_when_a_value_is_left_out(on_backend):
    g = on_backend("regress_api_values", _typed_through_the_api)
    hh = g.nodes("Community").set_index("id")["households"]
    assert hh.dtype == "Int64" and hh["c1"] == 1200 and hh["c2"] is pd.NA


def test_a_time_of_day_is_dropped_from_a_post_date(on_backend):
    """The posts start on 2021-03-01 and 2021-03-02 (dates, as the ledger reader reads 2021-03-01 08:30)."""
    g = on_backend("regress_api_values", _typed_through_the_api)
    e = g.edges("HOLDS_POST").sort_values("role")
    assert e["start"].tolist() == [pd.Timestamp("2021-03-02"), pd.Timestamp("2021-03-01")]
    # current on its first day: the secretary post counts as of 2021-03-01
    r = g.one_shoulder(as_of="2021-03-01").set_index("community_id")
    assert r.at["c1", "secretaries"] == ["k1"]


def test_add_nodes_with_a_bad_reference_adds_nothing():
    """A reference to an unknown node, or to one of a wrong kind, is refused before any node is added
    (before, the nodes went in and only their edges failed)."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="甲", kind="urban", street_id="s1")
    for bad in ("nope", "c1"):  # unknown; a community is not a street
        try:
            g.add_nodes("Community", [{"id": "c2", "name": "乙", "street_id": "s1"},
                                      {"id": "c3", "name": "丙", "street_id": bad}])
        except (og.NodeNotFound, og.SchemaError):
            pass
        else:
            raise AssertionError(f"street_id={bad!r} was accepted")
        assert "c2" not in g and "c3" not in g and len(g.edges("CONTAINS")) == 1
    try:
        g.add_node("Community", "c4", name="丁", street_id="nope")
    except og.NodeNotFound:
        pass
    assert "c4" not in g
    # a reference to a node of the same batch is fine (ledger order does not matter)
    g.add_nodes("Area", [{"id": "a1", "name": "楼", "kind": "building", "parent_id": "a2"},
                         {"id": "a2", "name": "小区", "kind": "compound", "parent_id": "c1"}])
    assert g.nodes("Area")[["id", "parent_id"]].values.tolist() == [["a1", "a2"], ["a2", "c1"]]
