"""The hierarchy tree: what it draws on a hand-built street, folding, personal data, and no overlaps on the samples."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pytest

import orggraph as og
from orggraph import plot
from orggraph.errors import NodeNotFound
from orggraph.plot.hierarchy import ROW


def build() -> og.OrgGraph:
    """Street s1: community c1 (grids g1, g2; compound a1 with buildings b1, b2, b3) and community c2 (grid g3).

    Party chain: 东城街道党工委 wc (covers s1) ← 安宁社区党委 pc1 (covers c1) ← 阳光小区党支部 br1 (covers a1)
    ← 1号楼党小组 gr1 (covers b1) ← 1号楼党员中心户(张三) h1, in which 张三 (k1) holds a post.
    """
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城街道")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    g.add_node("Community", "c2", name="辽河社区", street_id="s1")
    for gid, cid in (("g1", "c1"), ("g2", "c1"), ("g3", "c2")):
        g.add_node("Grid", gid, name=f"网格{gid[1]}", community_id=cid)
    g.add_node("Area", "a1", name="阳光小区", kind="compound", parent_id="c1")
    for i in (1, 2, 3):
        g.add_node("Area", f"b{i}", name=f"阳光小区{i}号楼", kind="building", parent_id="a1")
    g.add_node("PartyOrg", "wc", name="东城街道党工委", level="working_committee", territory_id="s1")
    g.add_node("PartyOrg", "pc1", name="安宁社区党委", level="committee", territory_id="c1", parent_id="wc")
    g.add_node("PartyOrg", "br1", name="阳光小区党支部", level="branch", territory_id="a1", parent_id="pc1")
    g.add_node("PartyOrg", "gr1", name="1号楼党小组", level="group", territory_id="b1", parent_id="br1")
    g.add_node("PartyOrg", "h1", name="1号楼党员中心户(张三)", level="household", parent_id="gr1")
    g.add_node("Cadre", "k1", name="张三")
    g.add_edge("HOLDS_POST", "k1", "h1", role="member")
    return g


def _labels(ax) -> list[str]:
    """The node labels, top to bottom (the first text is the title)."""
    texts = sorted(ax.texts[1:], key=lambda t: (t.get_position()[1], t.get_position()[0]))
    return [t.get_text() for t in texts]


def _filled(ax) -> dict[str, bool]:
    """Label → whether its marker is filled (a party organisation covers the territory itself)."""
    out = {}
    for t in ax.texts[1:]:
        x, y = t.get_position()
        marker = next(ln for ln in ax.get_lines() if ln.get_ydata()[0] == y and abs(ln.get_xdata()[0] - (x - 8)) < 1e-6)
        out[t.get_text()] = mcolors.to_hex(marker.get_markerfacecolor()) != "#ffffff"
    return out


def test_territory_tree_of_a_community():
    ax = plot.hierarchy(build(), "c1")
    assert ax.texts[0].get_text() == "Territories 区域层级: 安宁社区"
    # grids before compounds, one row per leaf; the compound's buildings are its children
    assert _labels(ax) == ["网格1", "网格2", "安宁社区", "阳光小区1号楼", "阳光小区", "阳光小区2号楼", "阳光小区3号楼"]
    assert _filled(ax) == {"安宁社区": True, "网格1": False, "网格2": False, "阳光小区": True,
                           "阳光小区1号楼": True, "阳光小区2号楼": False, "阳光小区3号楼": False}
    assert plot.label_overlaps(ax.figure) == [] and plot.labels_outside(ax.figure) == []


def test_depth_limits_the_levels():
    ax = plot.hierarchy(build(), "s1", depth=1)
    assert sorted(_labels(ax)) == sorted(["东城街道", "安宁社区", "辽河社区"])


def test_large_subtrees_fold_into_summary_rows():
    # street → communities → grids and the compound → buildings: 6 leaves (g1, g2, b1, b2, b3, g3)
    full = plot.hierarchy(build(), "s1", depth=3, max_labels=10)
    assert len(_labels(full)) == 1 + 2 + 3 + 1 + 3  # s1, c1, c2, g1, g2, g3, a1, b1-b3
    # at most 5 rows: the compound's three buildings fold into one row (6 → 4 leaves)
    ax = plot.hierarchy(build(), "s1", depth=3, max_labels=5)
    assert "3 楼栋" in _labels(ax) and "阳光小区1号楼" not in _labels(ax)
    # at most 3 rows: then 安宁社区 folds into "2 网格 · 1 小区 · 3 楼栋"; 辽河社区 keeps its one grid
    ax = plot.hierarchy(build(), "s1", depth=3, max_labels=3)
    labels = _labels(ax)
    assert "2 网格 · 1 小区 · 3 楼栋" in labels and "网格3" in labels and "网格1" not in labels
    # at most 1 row: the root's children themselves are summarised
    ax = plot.hierarchy(build(), "s1", depth=3, max_labels=1)
    assert _labels(ax) == ["东城街道", "… 另有 2 社区"]


def test_party_chain_with_a_person_masked_by_default():
    ax = plot.hierarchy(build(), "s1", tree="party")
    assert _labels(ax) == ["东城街道党工委", "安宁社区党委", "阳光小区党支部", "1号楼党小组", "1号楼党员中心户(k1)"]
    assert ax.texts[0].get_text() == "Party chain 党组织链条: 东城街道党工委"
    shown = plot.hierarchy(build(), "s1", tree="party", show_people=True)
    assert "1号楼党员中心户(张三)" in _labels(shown)
    # a party organisation as the root
    assert _labels(plot.hierarchy(build(), "br1", tree="party"))[0] == "阳光小区党支部"


def test_bad_arguments():
    g = build()
    with pytest.raises(NodeNotFound):
        plot.hierarchy(g, "nowhere")
    with pytest.raises(ValueError, match="no party organisation covers 'c2'"):
        plot.hierarchy(g, "c2", tree="party")
    with pytest.raises(ValueError, match="tree="):
        plot.hierarchy(g, "c1", tree="org")
    with pytest.raises(ValueError, match="max_labels"):
        plot.hierarchy(g, "c1", max_labels=0)


def test_into_given_axes_the_font_shrinks_to_fit(sample):
    fig, ax = plt.subplots(figsize=(3, 1.5))
    out = plot.hierarchy(sample("qixia"), "qx-c01", ax=ax)
    assert out is ax
    assert max(t.get_fontsize() for t in ax.texts[1:]) < 8.5


@pytest.mark.parametrize("name, root, tree", [
    ("qixia", "qx-s1", "territory"),
    ("qixia", "qx-c01", "territory"),
    ("qixia", "qx-s1", "party"),
    ("xiaonan", "xn-s1", "territory"),
    ("xiaonan", "xn-c01", "party"),
    ("dongcheng", "dc-s1", "territory"),
    ("shijiu", "sj-s1", "party"),
    ("jiaohe", "jh-s1", "territory"),
])
def test_no_overlapping_labels_on_the_samples(sample, name, root, tree):
    ax = plot.hierarchy(sample(name), root, tree=tree)
    # at most max_labels=40 rows (plus the title band): the figure stays at notebook size
    assert ax.figure.get_size_inches()[1] <= (40 + 4) * ROW / 72
    assert plot.label_overlaps(ax.figure) == []
    assert plot.labels_outside(ax.figure) == []
