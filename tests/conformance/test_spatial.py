"""spatial_coverage on both backends: the geometry columns are fetched and intersected client-side (docs/maps.md)."""

from __future__ import annotations

import orggraph as og

SQ = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))"


def _plane() -> og.OrgGraph:
    """c1 = [0,4]×[0,2], c2 = [4,8]×[0,2]; g1 = [0,2], g2 = [1,3] overlapping g1 by half; g3 = [4,8]; a1 in g3 drawn on
    [3,5]×[0,1]: half in no grid and half outside c2."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="甲社区", street_id="s1", geometry=SQ.format(0, 0, 4, 2))
    g.add_node("Community", "c2", name="乙社区", street_id="s1", geometry=SQ.format(4, 0, 8, 2))
    g.add_node("Grid", "g1", name="甲1", community_id="c1", geometry=SQ.format(0, 0, 2, 2))
    g.add_node("Grid", "g2", name="甲2", community_id="c1", geometry=SQ.format(1, 0, 3, 2))
    g.add_node("Grid", "g3", name="乙1", community_id="c2", geometry=SQ.format(4, 0, 8, 2))
    g.add_node("Area", "a1", name="半边小区", kind="compound", parent_id="g3", geometry=SQ.format(3, 0, 5, 1))
    return g


def test_spatial_coverage_agrees(on_backend):
    g = on_backend("spatial_plane", _plane)
    r = g.spatial_coverage()
    assert r[["check", "id", "other_id", "share", "area_m2", "graph", "spatial"]].astype(object).where(
        r.notna(), None).values.tolist() == [
        ["area_not_covered", "a1", None, 0.5, 1.0, "g3", "g3"],
        ["grid_overlap", "g1", "g2", 0.5, 2.0, "", "g1;g2"],
        ["outside_community", "a1", "c2", 0.5, 1.0, "c2", "c1;c2"],
    ]
