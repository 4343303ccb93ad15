"""Areas on a map from WKT geometry: statuses coloured, polygon overlaps hatched, labels, errors."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pytest

import orggraph as og
from orggraph import plot
from orggraph.plot import STATUS_COLOURS


def build() -> og.OrgGraph:
    """Street s1 (0–10 × 0–6); communities c1 (x 0–5) and c2 (x 4.5–9) overlap on x 4.5–5; x 9–10 is in neither.

    Compound a1 in c1; compound a2 claimed by c1 and c2 (contested); boundary zone z1 (x 9–10) in no community.
    """
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城街道", geometry="POLYGON((0 0,10 0,10 6,0 6,0 0))")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1", geometry="POLYGON((0 0,5 0,5 6,0 6,0 0))")
    g.add_node("Community", "c2", name="春华社区", street_id="s1", geometry="POLYGON((4.5 0,9 0,9 6,4.5 6,4.5 0))")
    g.add_node("Area", "a1", name="阳光小区", kind="compound", parent_id="c1", geometry="POLYGON((1 1,3 1,3 3,1 3,1 1))")
    g.add_node("Area", "a2", name="交界小区", kind="compound", parent_id="c1", geometry="POLYGON((4 2,6 2,6 4,4 4,4 2))")
    g.add_edge("CONTAINS", "c2", "a2")
    g.add_node("Area", "z1", name="东侧交界区域", kind="boundary_zone", parent_id="s1",
               geometry="POLYGON((9 0,10 0,10 6,9 6,9 0))")
    return g


def _fills(ax) -> list[str]:
    return [mcolors.to_hex(p.get_facecolor()) for p in ax.patches if p.get_fill() and p.get_facecolor()[3] > 0]


def test_statuses_are_coloured_and_the_overlap_hatched():
    ax = plot.areas(build())
    fills = _fills(ax)
    assert fills.count(STATUS_COLOURS["contested"]) == 1  # a2
    assert fills.count(STATUS_COLOURS["unassigned"]) == 1  # z1
    assert fills.count(STATUS_COLOURS["assigned"]) == 1  # a1
    hatched = {mcolors.to_hex(p.get_edgecolor()): p.get_path().get_extents() for p in ax.patches if p.get_hatch()}
    # the overlap c1 ∩ c2 (x 4.5–5) in red; the strip x 9–10 that no community polygon covers (z1 lies there) in orange
    assert set(hatched) == {STATUS_COLOURS["contested"], STATUS_COLOURS["unassigned"]}
    overlap, gap = hatched[STATUS_COLOURS["contested"]], hatched[STATUS_COLOURS["unassigned"]]
    assert (overlap.x0, overlap.x1, overlap.y0, overlap.y1) == pytest.approx((4.5, 5, 0, 6))
    assert (gap.x0, gap.x1) == pytest.approx((9, 10))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "polygon overlap 边界重叠" in legend and "contested 争议(交界区域)" in legend
    labels = {t.get_text() for t in ax.texts if t.get_visible()}
    assert {"安宁社区", "春华社区", "交界小区", "东侧交界区域"} <= labels
    assert ax.get_aspect() == 1.0
    assert plot.label_overlaps(ax.figure) == [] and plot.labels_outside(ax.figure) == []


def test_within_a_community_and_without_geometry():
    ax = plot.areas(build(), within="c2", labels=False)
    assert _fills(ax).count(STATUS_COLOURS["contested"]) == 1 and not ax.texts
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="安宁社区")
    with pytest.raises(ValueError, match="no WKT geometry"):
        plot.areas(g)
    bad = build()
    bad.add_node("Area", "a9", name="坏", kind="compound", parent_id="c1", geometry="POLYGON((0 0, 1")
    with pytest.raises(ValueError, match="not valid WKT"):
        plot.areas(bad)
