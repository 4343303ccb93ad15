"""og.plot.choropleth: the indicator's values on the polygons, in classes, with a Chinese legend."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import orggraph as og
import orggraph.plot  # noqa: F401

SQ = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))"


@pytest.fixture
def four_grids():
    """Four grids in a row, planar; grid workers in g1 and g2 only; compounds: g1 has 2 (1 with a branch), g3 has 1."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="甲社区", street_id="s1", geometry=SQ.format(0, 0, 2, 1))
    g.add_node("Community", "c2", name="乙社区", street_id="s1", geometry=SQ.format(2, 0, 4, 1))
    for i, c in enumerate(["c1", "c1", "c2", "c2"]):
        g.add_node("Grid", f"g{i + 1}", name=f"第{i + 1}网格", community_id=c, geometry=SQ.format(i, 0, i + 1, 1))
    for i, grid in enumerate(["g1", "g1", "g3"]):
        g.add_node("Area", f"a{i + 1}", name=f"小区{i + 1}", kind="compound", parent_id=grid)
    g.add_node("PartyOrg", "po1", name="小区1党支部", level="branch", territory_id="a1")
    for p, grid in (("p1", "g1"), ("p2", "g2")):
        g.add_node("Cadre", p, name="网格员")
        g.add_edge("HOLDS_POST", p, grid, role="grid_worker", start="2020-01-01")
    return g


def _faces(ax) -> list[str]:
    return [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches if p.get_zorder() == 2]


def test_grid_level_colours_follow_the_classes(four_grids):
    ax = og.plot.choropleth(four_grids, "网格员配备率", level="grid", as_of="2024-01-01")
    cmap = matplotlib.colormaps["RdYlGn"]
    low, top = (matplotlib.colors.to_hex(cmap(0.1 + 0.8 * i / 3)) for i in (0, 3))
    # g1, g2 have a worker (100 %: the top class), g3, g4 none (0 %: the lowest)
    assert _faces(ax) == [top, top, low, low]
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "网格员配备率 grid_worker_rate"
    assert [t.get_text() for t in legend.get_texts()] == ["≤ 60% (2)", "95% – 100% (2)"]
    assert "50% = 2/4" in ax.get_title(loc="left")


def test_community_level_and_not_applicable(four_grids):
    ax = og.plot.choropleth(four_grids, "compound_org_coverage_rate", level="community", as_of="2024-01-01")
    # c1: 1 of 2 compounds has a branch (50 %), c2: 0 of 1 — both in the lowest class
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["≤ 60% (2)"]
    ax = og.plot.choropleth(four_grids, "compound_org_coverage_rate", level="grid", as_of="2024-01-01")
    # g2 and g4 hold no compound: 不适用, grey
    assert _faces(ax) == [matplotlib.colors.to_hex(matplotlib.colormaps["RdYlGn"](0.1))] * 1 + ["#d9d9d9"] + \
        [matplotlib.colors.to_hex(matplotlib.colormaps["RdYlGn"](0.1))] + ["#d9d9d9"]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "不适用 n/a (2)"


def test_a_mapclassify_scheme(four_grids):
    ax = og.plot.choropleth(four_grids, "grid_worker_rate", level="grid", as_of="2024-01-01", scheme="quantiles", k=2)
    assert len(set(_faces(ax))) == 2


def test_errors(four_grids):
    with pytest.raises(ValueError, match="unknown indicator"):
        og.plot.choropleth(four_grids, "交叉任职")
    with pytest.raises(ValueError, match="level="):
        og.plot.choropleth(four_grids, level="street")
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="甲社区")
    with pytest.raises(ValueError, match="no community in scope has a WKT geometry"):
        og.plot.choropleth(g)


def test_the_samples_grid_map(sample):
    g = sample("qixia")
    ax = og.plot.choropleth(g, "grid_worker_rate", level="grid", as_of="2020-06-30")
    assert len(_faces(ax)) == 97
    assert np.isclose(ax.get_aspect(), 1 / np.cos(np.radians(37.33)), rtol=1e-3)  # degrees drawn true to shape
