"""spatial_coverage: hand-drawn rectangles with hand-computed shares, the samples' boundary cases, synthetic layouts."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

import orggraph as og
from orggraph.geo import COVERAGE_COLUMNS
from orggraph.synthetic import generate

SQ = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))"


def box(x0, y0, x1, y1) -> str:
    return SQ.format(x0, y0, x1, y1)


@pytest.fixture
def plane():
    """Planar units, no CRS. c1 = [0,4]×[0,2], c2 = [4,8]×[0,2]; grids g1 = [0,2], g2 = [1,3] (overlapping g1 on
    [1,2], area 2 of 4), g3 = [4,8] (all × [0,2]); g4 a 二级网格 inside g1; a1 in g3 drawn on [3,5]×[0,1] (half in no
    grid, half outside c2); a2 recorded in g1 but drawn inside g3 on [5,6]×[0,1]."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="甲社区", street_id="s1", geometry=box(0, 0, 4, 2))
    g.add_node("Community", "c2", name="乙社区", street_id="s1", geometry=box(4, 0, 8, 2))
    g.add_node("Grid", "g1", name="甲1", community_id="c1", geometry=box(0, 0, 2, 2))
    g.add_node("Grid", "g2", name="甲2", community_id="c1", geometry=box(1, 0, 3, 2))
    g.add_node("Grid", "g3", name="乙1", community_id="c2", geometry=box(4, 0, 8, 2))
    g.add_node("Grid", "g4", name="甲1-1", community_id="c1", parent_grid_id="g1", geometry=box(0, 0, 1, 1))
    g.add_node("Area", "a1", name="半边小区", kind="compound", parent_id="g3", geometry=box(3, 0, 5, 1))
    g.add_node("Area", "a2", name="错格小区", kind="compound", parent_id="g1", geometry=box(5, 0, 6, 1))
    g.add_node("Area", "b1", name="1号楼", kind="building", parent_id="a1", geometry=box(3, 0, 3.5, 0.5))
    return g


def test_the_four_checks_on_hand_drawn_rectangles(plane):
    r = plane.spatial_coverage()
    assert list(r.columns) == COVERAGE_COLUMNS
    got = r[["check", "id", "other_id", "share", "area_m2", "graph", "spatial"]].astype(object).where(r.notna(), None)
    assert got.values.tolist() == [
        ["area_not_covered", "a1", None, 0.5, 1.0, "g3", "g3"],
        ["area_grid_mismatch", "a2", None, 1.0, 1.0, "g1", "g3"],
        ["grid_overlap", "g1", "g2", 0.5, 2.0, "", "g1;g2"],
        ["outside_community", "a1", "c2", 0.5, 1.0, "c2", "c1;c2"],
        # the building b1 lies in c1 on [3,3.5]: recorded (through a1 and g3) in c2, wholly outside it
        ["outside_community", "a2", "c1", 1.0, 1.0, "c1", "c2"],
        ["outside_community", "b1", "c2", 1.0, 0.25, "c2", "c1"],
    ]


def test_within_limits_the_check(plane):
    r = plane.spatial_coverage(within="c2")
    assert r[["check", "id", "share"]].values.tolist() == [
        ["area_not_covered", "a1", 0.5], ["outside_community", "a1", 0.5], ["outside_community", "b1", 1.0]]
    assert plane.spatial_coverage(within="g4").empty


def test_tolerance_hides_small_shares(plane):
    assert "grid_overlap" not in set(plane.spatial_coverage(tolerance=0.6)["check"])


def test_no_geometry_no_rows():
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="甲社区")
    r = g.spatial_coverage()
    assert r.empty and list(r.columns) == COVERAGE_COLUMNS


def _qixia_metric():
    g = og.load_sample("qixia")
    comms = g.to_geodataframe("Community").to_crs("EPSG:4549").set_index("id")
    grids = g.to_geodataframe("Grid").to_crs("EPSG:4549")
    return g, comms, grids


def test_a_compound_half_outside_every_grid_is_reported_with_its_share():
    """An 80 m × 60 m compound straddling 霞光社区's east edge: 40 m inside its grids, 40 m in the street beyond.

    Drawn in EPSG:4549 square to the edge (the edge's two vertices), so half of it is inside by construction.
    """
    g, comms, grids = _qixia_metric()
    ring = np.asarray(comms.loc["qx-c01", "geometry"].exterior.coords)[:-1]
    p, q = ring[np.argsort(ring[:, 0])[-2:]]  # the east edge
    t_ = (q - p) / np.hypot(*(q - p))  # along the edge
    n_ = np.array([t_[1], -t_[0]])
    if n_[0] < 0:
        n_ = -n_  # outwards (east)
    m = (p + q) / 2 + 17.0 * t_
    corners = [m - 40 * n_ - 30 * t_, m + 40 * n_ - 30 * t_, m + 40 * n_ + 30 * t_, m - 40 * n_ + 30 * t_]
    rect = shapely.Polygon(corners)
    west = shapely.Polygon([corners[0], m - 30 * t_, m + 30 * t_, corners[3]])
    east = shapely.Polygon([m - 30 * t_, corners[1], corners[2], m + 30 * t_])
    assert not shapely.intersects(grids.geometry.to_numpy(), east.buffer(-0.01)).any()  # the street: no grid there
    home = grids.loc[shapely.covers(grids.geometry.to_numpy(), west.buffer(-0.01)), "id"]
    assert len(home) == 1
    t = Transformer.from_crs("EPSG:4549", "EPSG:4490", always_xy=True)
    wkt = shapely.to_wkt(shapely.transform(rect, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))),
                         rounding_precision=10)
    g.add_node("Area", "qx-test", name="跨界小区", kind="compound", parent_id=home.iloc[0], households=80,
               geometry=wkt, crs="EPSG:4490")
    r = g.spatial_coverage().set_index(["check", "id"])
    row = r.loc[("area_not_covered", "qx-test")]
    assert row["share"] == pytest.approx(0.5, abs=1e-3)  # 40 of 80 m
    assert row["area_m2"] == pytest.approx(40.0 * 60.0, rel=1e-3)
    assert row["graph"] == home.iloc[0] and row["spatial"] == home.iloc[0]
    assert r.loc[("outside_community", "qx-test"), "share"] == pytest.approx(0.5, abs=1e-3)


def test_the_samples_boundary_cases_are_where_the_polygons_say():
    for name, unassigned, contested, pair in (("qixia", "qx-a0808", "qx-a0809", {"qx-c09", "qx-c10"}),
                                              ("jiaohe", "jh-a0087", "jh-a0088", {"jh-c01", "jh-c04"})):
        g = og.load_sample(name)
        r = g.spatial_coverage()
        # the ledger: the unassigned zone is in no community, the contested one in two, neither in a grid
        status = g.unassigned_areas().set_index("id")["status"]
        assert status[unassigned] == "unassigned" and status[contested] == "contested"
        nc = r[r["check"] == "area_not_covered"].set_index("id")
        assert set(nc.index) == {unassigned, contested}
        assert (nc["share"] > 0.999).all() and (nc["graph"] == "").all() and (nc["spatial"] == "").all()
        # the polygons: the unassigned zone in no community, the contested one across both claimants' border
        comms = g.to_geodataframe("Community")
        zones = g.to_geodataframe("Area").set_index("id")
        assert not comms.intersects(zones.loc[unassigned, "geometry"]).any()
        assert set(comms.loc[comms.intersects(zones.loc[contested, "geometry"]), "id"]) == pair
        out = r[r["check"] == "outside_community"]
        assert set(out["id"]) == {contested} and set(out["other_id"]) == pair
        # nothing else: compounds inside their grids, grids inside their communities, no overlaps
        assert set(r["check"]) == {"area_not_covered", "outside_community"}


def test_synthetic_geometry_puts_unassigned_compounds_outside_the_grids():
    g = generate(streets=3, seed=4, geometry=True, unassigned=0.05, contested=0.05)
    areas = g.nodes("Area")
    kinds = g.backend.kinds_of(areas["parent_id"])
    unassigned = set(areas.loc[(kinds == "Street").to_numpy(), "id"])
    claims = g.edges("CONTAINS")
    claims = claims[claims["target"].isin(areas["id"]) & g.backend.kinds_of(claims["source"]).eq("Community").to_numpy()]
    contested = set(claims["target"])  # a second claim: the primary parent is the grid
    assert unassigned and contested
    r = g.spatial_coverage()
    # a grid whose compounds are all unassigned keeps its whole cell (covered, recorded in none: a mismatch)
    covered_anyway = set(r.loc[r["check"] == "area_grid_mismatch", "id"])
    assert set(r.loc[r["check"] == "area_not_covered", "id"]) | covered_anyway == unassigned
    assert (r.loc[r["check"] == "area_not_covered", "share"] > 0.999).all()
    assert set(r.loc[r["check"] == "outside_community", "id"]) == contested
    assert "grid_overlap" not in set(r["check"])
    # same graph as without geometry, but for the polygons
    plain = generate(streets=3, seed=4, unassigned=0.05, contested=0.05)
    cols = [c for c in plain.nodes("Area").columns if c not in ("geometry", "crs")]
    assert plain.nodes("Area")[cols].equals(areas[cols])
    grids = g.to_geodataframe("Grid")
    assert str(grids.crs) == "EPSG:4490"
    full = grids[grids["area_m2"] > 0.99 * 300 * 300]
    np.testing.assert_allclose(full["area_m2"], 300.0 * 300.0, rtol=1e-3)
