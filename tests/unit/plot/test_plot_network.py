"""The interlock network drawing: colours by kind, sizes, labels, masking, no overlaps on the samples."""

from __future__ import annotations

import matplotlib.colors as mcolors
import networkx as nx
import pytest

import orggraph as og
from orggraph import plot
from orggraph.plot import KIND_COLOURS


def build() -> og.OrgGraph:
    """Community c1: party committee p1, residents' committee r1, owners' committee o1, and a household h1.

    k1 holds posts in p1, r1 and o1 (three links); k2 (name 李四) in r1 and 3号楼党员中心户(李四) h1 (one link).
    """
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="安宁社区")
    g.add_node("PartyOrg", "p1", name="安宁社区党委", level="committee", territory_id="c1")
    g.add_node("Unit", "r1", name="安宁社区居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "o1", name="阳光小区业委会", kind="owners_committee", territory_id="c1")
    g.add_node("PartyOrg", "h1", name="3号楼党员中心户(李四)", level="household", territory_id="c1", parent_id="p1")
    g.add_node("Cadre", "k1", name="张三")
    g.add_node("Cadre", "k2", name="李四")
    for body, role in (("p1", "secretary"), ("r1", "director"), ("o1", "member")):
        g.add_edge("HOLDS_POST", "k1", body, role=role)
    g.add_edge("HOLDS_POST", "k2", "r1", role="member")
    g.add_edge("HOLDS_POST", "k2", "h1", role="member")
    return g


def test_bodies_coloured_by_kind_and_sized_by_links():
    ax = plot.interlocks(build())
    points = ax.collections[1]  # [0] the links, [1] the bodies
    colours = [mcolors.to_hex(c) for c in points.get_facecolors()]
    # nodes in id order: h1, o1, p1, r1
    assert colours == [KIND_COLOURS[k] for k in ("household", "owners_committee", "committee", "residents_committee")]
    sizes = list(points.get_sizes())
    assert sizes[3] > sizes[2] > sizes[0]  # r1 has 3 links, p1 2, h1 1
    assert len(ax.collections[0].get_segments()) == 4  # p1-r1, p1-o1, r1-o1, r1-h1
    assert ax.get_title(loc="left") == "Cross-appointment network 交叉任职网络: 4 bodies, 4 links"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["committee 党委", "household 党员中心户", "residents committee 居委会", "owners committee 业委会"]


def test_labels_are_body_names_with_people_as_ids():
    labels = {t.get_text() for t in plot.interlocks(build()).texts if t.get_visible()}
    assert labels == {"安宁社区党委", "安宁社区居委会", "阳光小区业委会", "3号楼党员中心户(k2)"}
    shown = {t.get_text() for t in plot.interlocks(build(), show_people=True).texts}
    assert "3号楼党员中心户(李四)" in shown
    top = [t.get_text() for t in plot.interlocks(build(), label_top=1).texts]
    assert top == ["安宁社区居委会"]  # the most linked body


def test_a_networkx_graph_and_an_empty_network():
    net = nx.Graph()
    net.add_node("a", name="甲", kind="branch")
    net.add_node("b", name="乙", kind="grid")
    net.add_edge("a", "b", weight=2.0)
    ax = plot.interlocks(net)
    assert {t.get_text() for t in ax.texts} == {"甲", "乙"}
    empty = plot.interlocks(nx.Graph())
    assert "0 bodies" in empty.get_title(loc="left")


@pytest.mark.parametrize("name, within", [("qixia", None), ("xiaonan", None), ("dongcheng", "dc-s1"), ("shijiu", None)])
def test_no_overlapping_labels_on_the_samples(sample, name, within):
    ax = plot.interlocks(sample(name), within=within, as_of="2021-06-30")
    visible = [t for t in ax.texts if t.get_visible()]
    assert 5 <= len(visible) <= 20
    assert plot.label_overlaps(ax.figure) == []
    assert plot.labels_outside(ax.figure) == []
