"""unassigned_areas (治理真空带), boundary_zones (交界区域管辖主体) and boundary_geometry on small hand-built graphs.

Expected values are worked out by hand in the comments; a hypothesis property compares the
vectorised implementation with a brute-force reading of the definitions on random graphs.
"""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph.errors import NodeNotFound, SchemaError

from fixtures.graphs import build_boundaries

UNASSIGNED_COLUMNS = [
    "id", "label", "name", "kind", "households", "status", "claimants", "street_id",
    "adjacent_communities", "governing_bodies", "inherited",
]
ZONE_COLUMNS = ["id", "name", "households", "street_id", "status", "claimants", "adjacent_communities", "governing_bodies"]




@pytest.fixture
def graph(on_backend):
    """The graph of :func:`fixtures.graphs.build_boundaries` on the test's backend."""
    return on_backend("boundaries", build_boundaries)


def rows(df: pd.DataFrame) -> dict[str, dict]:
    return {r["id"]: r for r in df.to_dict("records")}


# --------------------------------------------------------------------------- unassigned_areas


def test_unassigned_areas_whole_graph(graph):
    r = graph.unassigned_areas()
    assert list(r.columns) == UNASSIGNED_COLUMNS
    # contested: a2 {c1,c2}, a5 {c1,c4}, b2 {c1,c2} (via a2), b3 {c1,c2,c3}, z3 {c2,c3};
    # unassigned: a9, b9 (inside g9), g9 (s1 only), z1 (s1 only), z4 (nothing), z5 (s2 only).
    # Assigned and so absent: g1, g2, a1, b1, z2, a4. Sorted by status then id.
    assert r["id"].tolist() == ["a2", "a5", "b2", "b3", "z3", "a9", "b9", "g9", "z1", "z4", "z5"]
    assert r["status"].tolist() == ["contested"] * 5 + ["unassigned"] * 6
    by = rows(r)
    assert by["a2"]["claimants"] == ["c1", "c2"]
    assert by["b3"]["claimants"] == ["c1", "c2", "c3"]
    assert by["z3"]["claimants"] == ["c2", "c3"]
    assert by["z1"]["claimants"] == []
    # inherited: b2 has the same claimants as its compound a2; b3 has one more (c3): a root cause.
    # a9 and b9 sit in the unassigned grid g9 (claimants [] = []); g9, z1, z4, z5 have no grid/area above.
    assert {k for k, v in by.items() if v["inherited"]} == {"b2", "a9", "b9"}
    roots = r[~r["inherited"]]["id"].tolist()
    assert roots == ["a2", "a5", "b3", "z3", "g9", "z1", "z4", "z5"]


def test_unassigned_areas_columns(graph):
    by = rows(graph.unassigned_areas())
    assert by["g9"]["label"] == "Grid" and by["g9"]["kind"] is None and by["g9"]["households"] == 280
    assert by["a2"]["label"] == "Area" and by["a2"]["kind"] == "compound" and by["a2"]["households"] == 120
    assert pd.isna(by["b2"]["households"])
    # street: the street of the smallest claimant; a5 is claimed by c1 (s1) and c4 (s2) → s1
    assert by["a5"]["street_id"] == "s1"
    assert by["z3"]["street_id"] == "s1" and by["g9"]["street_id"] == "s1" and by["z5"]["street_id"] == "s2"
    # no claimant and no containing street: None
    assert by["z4"]["street_id"] is None
    # ADJACENT either direction, communities only (g1 left out)
    assert by["z1"]["adjacent_communities"] == ["c1", "c2"]
    assert by["z5"]["adjacent_communities"] == ["c4"]
    assert by["a2"]["adjacent_communities"] == []
    # bodies covering the territory itself
    assert by["z1"]["governing_bodies"] == ["u1"]
    assert by["z3"]["governing_bodies"] == ["p3", "u2"]
    assert by["b9"]["governing_bodies"] == []


def test_unassigned_areas_within_street_finds_areas_the_street_contains_directly(graph):
    r = graph.unassigned_areas(within="s1")
    # descendants of s1: c1..c3 and everything below, g9/a9/b9 and z1 (contained by s1 directly),
    # and a5 (c1 claims it). Not z4 (nowhere) nor z5 (s2).
    assert r["id"].tolist() == ["a2", "a5", "b2", "b3", "z3", "a9", "b9", "g9", "z1"]
    r2 = graph.unassigned_areas(within="s2")
    assert r2["id"].tolist() == ["a5", "z5"]
    assert r2["status"].tolist() == ["contested", "unassigned"]


def test_unassigned_areas_within_community_and_below(graph):
    # c1 contains g1, a1, a2, b1, b2, b3, z2 and a5; of those a2, a5, b2, b3 are contested
    assert graph.unassigned_areas(within="c1")["id"].tolist() == ["a2", "a5", "b2", "b3"]
    # c4: a4 (assigned) and a5 (contested)
    assert graph.unassigned_areas(within="c4")["id"].tolist() == ["a5"]
    # c3 contains only its claims: b3 and z3
    assert graph.unassigned_areas(within="c3")["id"].tolist() == ["b3", "z3"]
    # within one building: its container a2 is out of scope but still decides `inherited`
    r = graph.unassigned_areas(within="b2")
    assert r["id"].tolist() == ["b2"] and bool(r["inherited"].iloc[0])
    # within the unassigned grid: all three rows, g9 is the root cause
    r = graph.unassigned_areas(within="g9")
    assert r["id"].tolist() == ["a9", "b9", "g9"]
    assert r["inherited"].tolist() == [True, True, False]


def test_unassigned_areas_row_values_do_not_depend_on_scope(graph):
    full = rows(graph.unassigned_areas())
    for within in ("d1", "s1", "s2", "c1", "c2", "c3", "c4", "g9", "a2"):
        for rid, row in rows(graph.unassigned_areas(within=within)).items():
            assert row == full[rid], (within, rid)


def _boundaries_and_a_quiet_community() -> og.OrgGraph:
    g = build_boundaries()
    g.add_node("Community", "c5", name="安宁社区", street_id="s2")
    return g


def test_unassigned_areas_empty_scopes(graph):
    assert graph.unassigned_areas(within="a1").empty


def test_unassigned_areas_within_a_quiet_community(on_backend):
    # an assigned community with nothing unusual below it
    g = on_backend("boundaries+c5", _boundaries_and_a_quiet_community)
    r = g.unassigned_areas(within="c5")
    assert list(r.columns) == UNASSIGNED_COLUMNS and len(r) == 0


def test_unassigned_areas_as_of_has_no_effect(graph):
    base = graph.unassigned_areas()
    pd.testing.assert_frame_equal(graph.unassigned_areas(as_of="2001-01-01"), base)
    with pytest.raises(ValueError):
        graph.unassigned_areas(as_of="not a date")


def test_unassigned_areas_bad_within(graph):
    with pytest.raises(NodeNotFound):
        graph.unassigned_areas(within="nope")
    with pytest.raises(SchemaError):
        graph.unassigned_areas(within="u1")  # a unit, not a territory


def test_settling_the_container_settles_the_inherited_rows(on_backend):
    # without c2's claim on a2: a2 and b2 are assigned; b3 stays contested {c1, c3} and is now a root
    g = on_backend("boundaries-c2a2", lambda: build_boundaries(c2_claims_a2=False))
    r = g.unassigned_areas(within="c1")
    assert r["id"].tolist() == ["a5", "b3"]
    assert rows(r)["b3"]["claimants"] == ["c1", "c3"] and not rows(r)["b3"]["inherited"]


# --------------------------------------------------------------------------- boundary_zones


def test_boundary_zones(graph):
    r = graph.boundary_zones()
    assert list(r.columns) == ZONE_COLUMNS
    assert r["id"].tolist() == ["z1", "z2", "z3", "z4", "z5"]
    assert r["status"].tolist() == ["unassigned", "assigned", "contested", "unassigned", "unassigned"]
    by = rows(r)
    assert by["z2"]["claimants"] == ["c1"] and by["z2"]["adjacent_communities"] == ["c1", "c3"]
    assert by["z2"]["street_id"] == "s1" and by["z2"]["governing_bodies"] == []
    assert by["z1"]["households"] == 38 and by["z1"]["governing_bodies"] == ["u1"]
    assert by["z3"]["households"] == 40 and by["z3"]["claimants"] == ["c2", "c3"]
    assert by["z4"]["street_id"] is None


def test_boundary_zones_agree_with_unassigned_areas(graph):
    zones = graph.boundary_zones()
    problems = graph.unassigned_areas()
    problems = problems[problems["kind"] == "boundary_zone"]
    assert sorted(zones.loc[zones["status"] != "assigned", "id"]) == sorted(problems["id"])


def test_boundary_zones_within(graph):
    assert graph.boundary_zones(within="s1")["id"].tolist() == ["z1", "z2", "z3"]
    assert graph.boundary_zones(within="c3")["id"].tolist() == ["z3"]
    # an unassigned zone lies in no community
    assert graph.boundary_zones(within="c4").empty


# --------------------------------------------------------------------------- random graphs against the definitions


@st.composite
def territory_graphs(draw):
    """Streets, communities, grids and areas with random extra CONTAINS claims (contests) and adjacency."""
    nodes: dict[str, list[dict]] = {"Street": [], "Community": [], "Grid": [], "Area": []}
    contains, adjacent = [], []
    streets = [f"s{i}" for i in range(draw(st.integers(1, 2)))]
    nodes["Street"] = [{"id": s, "name": s} for s in streets]
    comms = [f"c{i}" for i in range(draw(st.integers(0, 3)))]
    nodes["Community"] = [{"id": c, "name": c, "street_id": draw(st.sampled_from(streets))} for c in comms]
    grids = []
    for i in range(draw(st.integers(0, 3))):
        grids.append(f"g{i}")
        nodes["Grid"].append({"id": f"g{i}", "name": f"g{i}"})
        contains.append((draw(st.sampled_from(comms + streets)), f"g{i}"))
    areas = []
    for i in range(draw(st.integers(0, 6))):
        aid = f"a{i}"
        kind = draw(st.sampled_from(["compound", "building", "boundary_zone", "village"]))
        nodes["Area"].append({"id": aid, "name": aid, "kind": kind})
        parent = draw(st.sampled_from([None] + streets + comms + grids + areas))
        if parent is not None:
            contains.append((parent, aid))
        areas.append(aid)
    for a in areas:
        for other in draw(st.lists(st.sampled_from(comms + grids + streets), max_size=2, unique=True)):
            contains.append((other, a))  # a second claim; from a street: still unassigned
        for c in draw(st.lists(st.sampled_from(comms), max_size=2, unique=True)) if comms else []:
            adjacent.append((a, c) if draw(st.booleans()) else (c, a))
    g = og.OrgGraph()
    for kind, recs in nodes.items():
        if recs:
            g.add_nodes(kind, pd.DataFrame(recs))
    for etype, pairs in (("CONTAINS", contains), ("ADJACENT", adjacent)):
        if pairs:
            g.add_edges(etype, pd.DataFrame(pairs, columns=["source", "target"]))
    return g


def _ancestors(g: og.OrgGraph) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = {}
    for s, t in zip(g.edges("CONTAINS")["source"], g.edges("CONTAINS")["target"]):
        parents.setdefault(t, set()).add(s)
    out: dict[str, set[str]] = {}

    def walk(x, seen):
        for p in parents.get(x, ()):
            if p not in seen:
                seen.add(p)
                walk(p, seen)
        return seen

    for n in g.nodes()["id"]:
        out[n] = walk(n, set())
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territory_graphs())
def test_unassigned_areas_match_the_definition(g):
    kinds = dict(zip(g.nodes()["id"], g.nodes()["label"]))
    anc = _ancestors(g)
    streets_of_comm = dict(zip(g.nodes("Community")["id"], g.nodes("Community")["street_id"]))

    def claimants(t):
        return sorted(a for a in anc[t] if kinds[a] == "Community")

    expected = {}
    for t, k in kinds.items():
        if k not in ("Grid", "Area"):
            continue
        cl = claimants(t)
        if len(cl) == 1:
            continue
        if cl:
            street = streets_of_comm[cl[0]]
        else:
            ss = sorted(a for a in anc[t] if kinds[a] == "Street")
            street = ss[0] if ss else None
        inherited = any(kinds[a] in ("Grid", "Area") and claimants(a) == cl for a in anc[t])
        expected[t] = ("unassigned" if not cl else "contested", cl, street, inherited)
    r = g.unassigned_areas()
    got = {row["id"]: (row["status"], row["claimants"], row["street_id"], row["inherited"]) for row in r.to_dict("records")}
    assert got == expected
    assert r.sort_values(["status", "id"])["id"].tolist() == r["id"].tolist()
    # boundary_zones: one row per zone, its status by the claimant count
    z = g.boundary_zones()
    zones = sorted(t for t in kinds if kinds[t] == "Area" and t in set(g.nodes("Area").query("kind == 'boundary_zone'")["id"]))
    assert z["id"].tolist() == zones
    for row in z.to_dict("records"):
        n = len(claimants(row["id"]))
        assert row["status"] == ("unassigned" if n == 0 else "assigned" if n == 1 else "contested")
    # a street's rows are the whole graph's rows below that street
    for s in g.nodes("Street")["id"]:
        inside = g.unassigned_areas(within=s)
        assert set(inside["id"]) == {t for t in expected if s in anc[t]}


# --------------------------------------------------------------------------- boundary_geometry

SQUARE = "POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def square(x0, y0, x1, y1) -> str:
    return SQUARE.format(x0=x0, y0=y0, x1=x1, y1=y1)


def build_geo() -> og.OrgGraph:
    """s1 has a polygon (0..10 × 0..10); s2 has none.

    s1: c1 = 0..5 × 0..10, c2 = 6..10 × 0..10 (a 1 × 8 gap strip 5..6 × 0..8 between them),
        c3 = 4..6 × 8..10 (overlaps c1 on 4..5 × 8..10 = 2; touches c2 along x=6; fills the strip's top).
        Gap = 5..6 × 0..8 = 8, touching c1, c2 and c3 (c3 along y=8).
    s2: d1 and d2 two interlocking L shapes around a 1 × 1 hole (21..22 × 1..2), d3 without geometry.
        d1 and d2 share edges exactly: a valid coverage, no overlap.
    """
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城街道", geometry=square(0, 0, 10, 10))
    g.add_node("Street", "s2", name="西城街道")
    g.add_node("Community", "c1", name="甲", street_id="s1", geometry=square(0, 0, 5, 10))
    g.add_node("Community", "c2", name="乙", street_id="s1", geometry=square(6, 0, 10, 10))
    g.add_node("Community", "c3", name="丙", street_id="s1", geometry=square(4, 8, 6, 10))
    g.add_node("Community", "d1", name="丁", street_id="s2",
               geometry="POLYGON((20 0,23 0,23 1,21 1,21 2,23 2,23 3,20 3,20 0))")
    g.add_node("Community", "d2", name="戊", street_id="s2",
               geometry="POLYGON((23 0,24 0,24 3,23 3,23 2,22 2,22 1,23 1,23 0))")
    g.add_node("Community", "d3", name="己", street_id="s2")
    return g


def test_boundary_geometry_gaps_and_overlaps():
    r = build_geo().boundary_geometry()
    assert list(r.columns) == ["street_id", "problem", "communities", "area", "wkt"]
    got = [(x["street_id"], x["problem"], x["communities"], x["area"]) for x in r.to_dict("records")]
    assert got == [
        ("s1", "gap", ["c1", "c2", "c3"], 8.0),
        ("s1", "overlap", ["c1", "c3"], 2.0),
        ("s2", "gap", ["d1", "d2"], 1.0),  # the hole the two L shapes enclose
    ]
    assert r["area"].dtype == "float64"
    import shapely

    assert shapely.from_wkt(r["wkt"].iloc[2]).equals(shapely.from_wkt(square(21, 1, 22, 2)))


def test_boundary_geometry_options_and_scope():
    g = build_geo()
    # min_area drops the 1 × 1 hole and keeps 8 and 2
    assert build_geo().boundary_geometry(min_area=1.5)["area"].tolist() == [8.0, 2.0]
    assert g.boundary_geometry(within="s2")["street_id"].tolist() == ["s2"]
    # within a community: its street's problems that involve it
    assert g.boundary_geometry(within="c2")["problem"].tolist() == ["gap"]
    assert g.boundary_geometry(within="c3")["problem"].tolist() == ["gap", "overlap"]
    assert g.boundary_geometry(within="d3").empty  # d3 has no geometry: no problem names it
    with pytest.raises(ValueError):
        g.boundary_geometry(min_area=-1)


def test_boundary_geometry_without_street_polygon_reports_holes_only():
    g = build_geo()
    g.add_node("Street", "s3", name="南城街道")
    # two squares side by side with a notch between them that opens to the outside: no hole, no gap
    g.add_node("Community", "e1", name="庚", street_id="s3", geometry=square(30, 0, 32, 2))
    g.add_node("Community", "e2", name="辛", street_id="s3", geometry=square(33, 0, 35, 2))
    assert g.boundary_geometry(within="s3").empty


def test_boundary_geometry_no_geometry_and_bad_wkt():
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="x")
    g.add_node("Community", "c1", name="甲", street_id="s1")
    r = g.boundary_geometry()
    assert r.empty and list(r.columns) == ["street_id", "problem", "communities", "area", "wkt"]
    g.add_node("Community", "c2", name="乙", street_id="s1", geometry="POLYGON((0 0, 1 1")
    with pytest.raises(ValueError, match="c2"):
        g.boundary_geometry()


def test_boundary_geometry_repairs_invalid_polygons():
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="x")
    # a bow tie (self-intersecting) is repaired into two triangles of area 1 each
    g.add_node("Community", "c1", name="甲", street_id="s1", geometry="POLYGON((0 0,2 2,2 0,0 2,0 0))")
    g.add_node("Community", "c2", name="乙", street_id="s1", geometry=square(0, 0, 2, 2))
    r = g.boundary_geometry()
    assert r["problem"].tolist() == ["overlap"] and r["area"].tolist() == [2.0]


def test_boundary_geometry_without_shapely(monkeypatch):
    monkeypatch.setitem(sys.modules, "shapely", None)  # `import shapely` now raises ImportError
    with pytest.raises(ImportError, match=r"orggraph\[geo\]"):
        build_geo().boundary_geometry()


def test_registry():
    from orggraph.queries import QUERIES

    assert QUERIES["unassigned_areas"].columns[""] == UNASSIGNED_COLUMNS
    assert QUERIES["boundary_zones"].columns[""] == ZONE_COLUMNS
    assert "boundary_geometry" not in QUERIES  # computed on the client, never dispatched
    for name in ("unassigned_areas", "boundary_zones"):
        assert hasattr(og.OrgGraph().backend, name)
