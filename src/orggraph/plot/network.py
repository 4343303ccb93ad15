"""The cross-appointment network (交叉任职网络) as a node-link drawing.

Bodies (party organisations, units, grids) are the nodes, coloured by kind
(party levels in reds, units in blues and greens, grids in grey) and sized by
their number of links; two bodies are linked when somebody holds posts in both
(:func:`~orggraph.queries.interlocks.interlock_network`), the line's width
growing with the weight. Only the best-connected bodies are labelled, and a
label that would overlap a more important one is left out. People are never
drawn or named.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from ._common import KIND_COLOURS, drop_overlapping, kind_label, masked_body_names, new_axes
from .fonts import bilingual, display_name

__all__ = ["interlocks"]


def _packed_layout(net: nx.Graph, seed: int) -> dict:
    """Spring layout per connected component, components packed in rows (largest first).

    One spring layout of a network with dozens of components puts the small
    ones on a ring around the large ones; packing gives each component room
    in proportion to its size (its box side grows with √nodes).
    """
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(net)), key=lambda c: (-len(c), str(c[0])))
    boxes = []
    for comp in comps:
        if len(comp) <= 2:
            local = {v: np.array([(i - (len(comp) - 1) / 2) * 0.5, 0.0]) for i, v in enumerate(comp)}
        else:
            sub = net.subgraph(comp)
            local = nx.spring_layout(sub, seed=seed, k=1.5 / math.sqrt(len(comp)), iterations=100)
        xy = np.array([local[v] for v in comp], dtype=float)
        span = np.ptp(xy, axis=0).max() if len(comp) > 1 else 1.0
        xy = (xy - xy.mean(axis=0)) / (span or 1.0)
        side = math.sqrt(len(comp))
        boxes.append((comp, xy * side, side))
    total = sum(side**2 for _, _, side in boxes)
    width = max(math.sqrt(total) * 1.3, boxes[0][2]) if boxes else 1.0
    pos, x, y, row_h, gap = {}, 0.0, 0.0, 0.0, 1.0
    for comp, xy, side in boxes:
        if x > 0 and x + side > width:
            x, y, row_h = 0.0, y - row_h - gap, 0.0
        centre = np.array([x + side / 2, y - side / 2])
        for v, p in zip(comp, xy):
            pos[v] = p + centre
        x += side + gap
        row_h = max(row_h, side)
    return pos


def interlocks(source, weighting: str | None = None, *, within: str | None = None, as_of=None,
               label_top: int = 20, seed: int = 0, show_people: bool = False, ax=None):
    """Draw the cross-appointment network (交叉任职网络), bodies coloured by kind.

    Parameters
    ----------
    source : OrgGraph or networkx.Graph
        A graph (the network is built with
        :func:`~orggraph.queries.interlocks.interlock_network`) or such a
        network (nodes with ``name`` and ``kind``, edges with ``weight``).
    weighting, within, as_of
        Passed to ``interlock_network`` when ``source`` is an OrgGraph.
    label_top : int
        Label at most this many bodies, the most linked first (ties by id);
        labels that would overlap a more important one are dropped.
    seed : int
        Seed of the spring layout (the same drawing every time).
    show_people : bool
        With an OrgGraph ``source``, a body named after a person
        (党员中心户(张三)) is labelled with the person's id unless this is
        True. A networkx ``source`` is labelled with its ``name`` attributes
        as they are.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> ax = og.plot.interlocks(og.load_sample("jiaohe"), as_of="2021-06-30")
    """
    if isinstance(source, nx.Graph):
        net, masked = source, {}
    else:
        net = source.interlock_network(weighting, within=within, as_of=as_of)
        masked = masked_body_names(source, show_people)
    fig, ax = new_axes(ax, figsize=(9, 7))
    ax.set_axis_off()
    n, m = net.number_of_nodes(), net.number_of_edges()
    title = f"{bilingual('Cross-appointment network', '交叉任职网络')}: {n} bodies, {m} links"
    ax.set_title(title, fontsize=11, loc="left")
    if n == 0:
        ax.text(0.5, 0.5, bilingual("no body shares a person with another", "无交叉任职"), ha="center", va="center",
                transform=ax.transAxes, color="#636363")
        return ax
    nodes = sorted(net.nodes)
    pos = _packed_layout(net, seed)
    xy = np.array([pos[v] for v in nodes])
    degree = dict(net.degree())
    weights = np.array([float(d.get("weight", 1.0)) for _, _, d in net.edges(data=True)])
    if m:
        from matplotlib.collections import LineCollection

        wmax = weights.max() if weights.max() > 0 else 1.0
        segs = [(pos[a], pos[b]) for a, b in net.edges()]
        ax.add_collection(LineCollection(segs, colors="#9e9e9e", linewidths=0.4 + 2.0 * weights / wmax, alpha=0.6, zorder=1))
    kinds = [net.nodes[v].get("kind") or "other" for v in nodes]
    colours = [KIND_COLOURS.get(k, "#525252") for k in kinds]
    sizes = np.array([18 + 14 * min(degree[v], 20) for v in nodes])
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, edgecolors="white", linewidths=0.6, zorder=2)
    # the same data limits whatever is labelled, with room for labels
    pad = 0.08 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    from matplotlib.lines import Line2D

    present = sorted(set(kinds), key=lambda k: list(KIND_COLOURS).index(k) if k in KIND_COLOURS else 99)
    handles = [Line2D([], [], marker="o", linestyle="none", color=KIND_COLOURS.get(k, "#525252"), label=kind_label(k))
               for k in present]
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
                       title=bilingual("kind", "类型"), title_fontsize=8)
    order = sorted(range(n), key=lambda i: (-degree[nodes[i]], str(nodes[i])))[: max(int(label_top), 0)]
    texts = [
        ax.annotate(display_name(masked.get(nodes[i], net.nodes[nodes[i]].get("name")), nodes[i]), xy[i], xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8, zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
        for i in order
    ]
    drop_overlapping(texts, pad=1.0, fixed=[ax.title, legend])
    return ax
