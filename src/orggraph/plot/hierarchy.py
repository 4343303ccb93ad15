"""A street's or community's hierarchy as a tree (区域层级 / 党组织链条).

Two trees of one territory:

* ``tree="territory"``: the territory and what it contains (``CONTAINS``):
  street → communities → grids and compounds → buildings. A filled marker
  means a party organisation covers that territory itself (it has its own
  党组织); a hollow one, none — a compound drawn hollow is a compound without
  a party branch.
* ``tree="party"``: the party chain (党组织链条) that leads the territory:
  the party organisations covering it and those answering to them
  (``SUBORDINATE_TO``), 街道党工委 → 社区党委 → 小区党支部 → 楼栋党小组 →
  党员中心户.

The tree is drawn left to right with one row per leaf, and the columns are as
wide as their longest label, so no label overlaps another. When there are more
than ``max_labels`` leaves, the largest subtrees of the deepest level are
folded into one summary row ("8 grids · 20 compounds"), then the upper levels,
and finally the root's children beyond the limit are summarised as "… N more".
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..errors import NodeNotFound
from ..schema import ENUMS
from ._common import KIND_COLOURS, kind_label, masked_body_names
from .fonts import bilingual, cjk_font, display_name

__all__ = ["hierarchy"]

#: points per row at the default font size
ROW = 14.0
FONT = 8.5

_TERRITORY_ORDER = {"Street": 0, "Community": 1, "Grid": 2, "compound": 3, "village": 4, "boundary_zone": 5, "building": 6}
_PARTY_ORDER = {lvl: i for i, lvl in enumerate(ENUMS["party_level"].values)}
_PLURAL = {
    "Street": ("streets", "街道"), "Community": ("communities", "社区"), "Grid": ("grids", "网格"),
    "compound": ("compounds", "小区"), "building": ("buildings", "楼栋"), "village": ("villages", "自然村"),
    "boundary_zone": ("boundary zones", "交界区域"), "District": ("districts", "区县"),
    **{lvl: (lvl.replace("_", " ") + ("es" if lvl.endswith("branch") else "s"), zh[0])
       for lvl, zh in ENUMS["party_level"].values.items()},
}


class _Node:
    __slots__ = ("id", "label", "kind", "children", "summary", "filled", "y", "depth", "counts")

    def __init__(self, id, label, kind, filled=True):
        self.id, self.label, self.kind, self.filled = id, label, kind, filled
        self.children: list[_Node] = []
        self.summary = False
        self.counts: Counter = Counter()  # what a summary row stands for
        self.y = 0.0
        self.depth = 0

    def leaves(self) -> int:
        return 1 if not self.children else sum(c.leaves() for c in self.children)

    def descendants(self):
        for c in self.children:
            yield c
            yield from c.descendants()


def _summary_text(counts: Counter, more: bool = False) -> str:
    zh = cjk_font() is not None
    parts = []
    for kind, n in sorted(counts.items(), key=lambda kv: (_TERRITORY_ORDER.get(kv[0], _PARTY_ORDER.get(kv[0], 9)), kv[0])):
        en, cn = _PLURAL.get(kind, (kind, kind))
        parts.append(f"{n} {cn}" if zh else f"{n} {en if n != 1 else en.rstrip('s')}")
    text = " · ".join(parts)
    return f"… {text} more" if more and not zh else (f"… 另有 {text}" if more else text)


def _fold(node: _Node) -> None:
    """Replace ``node``'s subtree by one summary row counting what it holds."""
    counts = Counter()
    for d in node.descendants():
        if d.summary:
            counts.update(d.counts)  # what an earlier fold stood for
        else:
            counts[d.kind] += 1
    s = _Node(None, _summary_text(counts), "summary")
    s.summary, s.counts = True, counts
    node.children = [s]


def _limit(root: _Node, max_labels: int) -> None:
    """Fold subtrees (deepest and largest first) until at most ``max_labels`` leaves remain."""
    if root.leaves() <= max_labels:
        return
    by_depth: dict[int, list[_Node]] = {}
    stack = [(root, 0)]
    while stack:
        n, d = stack.pop()
        n.depth = d
        if n.children:
            by_depth.setdefault(d, []).append(n)
            stack += [(c, d + 1) for c in n.children]
    total = root.leaves()
    for depth in sorted((d for d in by_depth if d > 0), reverse=True):
        for n in sorted(by_depth[depth], key=lambda n: (-n.leaves(), str(n.id))):
            if total <= max_labels:
                return
            before = n.leaves()
            if before <= 1:
                continue
            _fold(n)
            total -= before - 1
    if total > max_labels:  # the root alone has too many children: keep the first ones, summarise the rest
        keep = max_labels - 1
        rest = root.children[keep:]
        counts = Counter(k.kind for k in rest if not k.summary)
        s = _Node(None, _summary_text(counts, more=True), "summary")
        s.summary, s.counts = True, counts
        root.children = root.children[:keep] + [s]


# --------------------------------------------------------------------------- building the trees


def _territory_tree(g, root: str, depth: int) -> _Node:
    contains = g.edges("CONTAINS")[["source", "target"]]
    children: dict[str, list[str]] = {}
    for s, t in zip(contains["source"], contains["target"]):
        children.setdefault(s, []).append(t)
    info: dict[str, tuple[str, str]] = {}
    for kind in ("District", "Street", "Community", "Grid", "Area"):
        f = g.nodes(kind)
        kinds = f["kind"] if kind == "Area" else pd.Series(kind, index=f.index)
        for i, name, k in zip(f["id"], f["name"], kinds):
            info[i] = (name, k if isinstance(k, str) else kind)
    if root not in info:
        raise NodeNotFound(f"no territory with id {root!r}")
    covered = set(g.edges("COVERS").merge(g.nodes("PartyOrg")[["id"]], left_on="source", right_on="id")["target"])

    def build(i: str, d: int, path: frozenset) -> _Node:
        name, kind = info[i]
        node = _Node(i, display_name(name, i), kind, filled=i in covered)
        if d < depth:
            kids = [k for k in children.get(i, ()) if k in info and k not in path]
            kids.sort(key=lambda k: (_TERRITORY_ORDER.get(info[k][1], 9), k))
            node.children = [build(k, d + 1, path | {k}) for k in kids]
        return node

    return build(root, 0, frozenset([root]))


def _party_tree(g, root: str, depth: int, show_people: bool) -> _Node:
    party = g.nodes("PartyOrg")
    masked = masked_body_names(g, show_people)
    info = {i: (masked.get(i, n), lvl) for i, n, lvl in zip(party["id"], party["name"], party["level"])}
    sub = g.edges("SUBORDINATE_TO")[["source", "target"]]
    children: dict[str, list[str]] = {}
    for s, t in zip(sub["source"], sub["target"]):
        if s in info:
            children.setdefault(t, []).append(s)
    if root in info:
        tops = [root]
    else:
        if root not in g:
            raise NodeNotFound(f"no node with id {root!r}")
        cov = g.edges("COVERS")
        tops = sorted(set(cov.loc[(cov["target"] == root) & cov["source"].isin(list(info)), "source"]),
                      key=lambda i: (_PARTY_ORDER.get(info[i][1], 9), i))
        if not tops:
            raise ValueError(f"no party organisation covers {root!r}: nothing to draw (try tree='territory')")

    def build(i: str, d: int, path: frozenset) -> _Node:
        name, level = info[i]
        node = _Node(i, display_name(name, i), level)
        if d < depth:
            kids = [k for k in children.get(i, ()) if k not in path]
            kids.sort(key=lambda k: (_PARTY_ORDER.get(info[k][1], 9), k))
            node.children = [build(k, d + 1, path | {k}) for k in kids]
        return node

    if len(tops) == 1:
        return build(tops[0], 0, frozenset(tops))
    node = g.node(root)
    top = _Node(root, display_name(node.get("name"), root), "Territory")
    top.children = [build(t, 1, frozenset([t])) for t in tops]
    return top


# --------------------------------------------------------------------------- drawing


def _layout(root: _Node) -> tuple[list[_Node], int]:
    nodes: list[_Node] = []
    row = [0]

    def walk(n: _Node, d: int):
        n.depth = d
        nodes.append(n)
        if not n.children:
            n.y = row[0]
            row[0] += 1
            return
        for c in n.children:
            walk(c, d + 1)
        n.y = (n.children[0].y + n.children[-1].y) / 2

    walk(root, 0)
    return nodes, row[0]


def hierarchy(g, root: str, *, tree: str = "territory", depth: int | None = None, max_labels: int = 40,
              show_people: bool = False, ax=None):
    """Draw the territory hierarchy (区域层级) or the party chain (党组织链条) of a territory as a tree.

    Parameters
    ----------
    g : OrgGraph
    root : str
        A territory id (a street, a community …); for ``tree="party"`` also a
        party organisation id.
    tree : {"territory", "party"}
        ``"territory"``: what ``root`` contains (``CONTAINS``), a filled marker
        for a territory with its own party organisation, hollow without.
        ``"party"``: the party organisations covering ``root`` and those
        answering to them (``SUBORDINATE_TO``), coloured by level.
    depth : int, optional
        Levels below the root; default 2 for a territory tree (community →
        grids and compounds → buildings; street → communities → grids and
        compounds) and 4 for a party tree (党工委 down to 党员中心户).
    max_labels : int
        At most this many rows (leaves); larger subtrees are folded into
        summary rows (see the module notes). Default 40.
    show_people : bool
        Party organisations named after a person (党员中心户(张三)) show that
        person's id instead of the name unless this is True (see
        :func:`~orggraph.plot._common.masked_body_names`).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes (the font shrinks to fit them); by default a new
        figure sized to the tree.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> g = og.load_sample("qixia")
    >>> ax = og.plot.hierarchy(g, "qx-c01")                   # 霞光社区: grids, compounds, buildings
    >>> ax = og.plot.hierarchy(g, "qx-s1", tree="party")      # 翠屏街道党工委 and its chain
    """
    if tree not in ("territory", "party"):
        raise ValueError(f"tree={tree!r}: use 'territory' or 'party'")
    if max_labels < 1:
        raise ValueError(f"max_labels={max_labels!r}: use an integer ≥ 1")
    cjk_font()
    depth = (2 if tree == "territory" else 4) if depth is None else int(depth)
    top = _territory_tree(g, root, depth) if tree == "territory" else _party_tree(g, root, depth, show_people)
    _limit(top, max_labels)
    nodes, rows = _layout(top)
    kinds = [k for k in dict.fromkeys(n.kind for n in nodes) if k in KIND_COLOURS]
    title = (bilingual("Territories", "区域层级") if tree == "territory" else bilingual("Party chain", "党组织链条")) + f": {top.label}"
    return _draw(nodes, rows, kinds, title, tree, ax)


def _draw(nodes, rows, kinds, title, tree, ax):
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    fig0 = ax.figure if ax is not None else plt.figure()
    renderer = fig0.canvas.get_renderer()

    def width(text, size, weight="normal") -> float:  # in points
        prop = FontProperties(size=size, weight=weight)
        w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
        return w * 72.0 / fig0.dpi

    legend_labels = [kind_label(k) for k in kinds]
    if tree == "territory":
        legend_labels += [bilingual("own party organisation", "有党组织"), bilingual("no party organisation", "无党组织")]
    legend_entries = len(legend_labels)

    def extents(size):
        row = ROW * size / FONT
        max_depth = max(n.depth for n in nodes)
        col = [0.0] * (max_depth + 1)
        for n in nodes:
            col[n.depth] = max(col[n.depth], width(n.label, size, "bold" if n.depth == 0 else "normal"))
        xs = [12.0]
        for d in range(max_depth):
            xs.append(xs[-1] + 8 + col[d] + 22)
        tree_w = xs[-1] + 8 + col[max_depth] + 12
        top_band = 2.2 * row
        tree_h = top_band + max(rows, 1) * row + row
        return row, xs, tree_w, top_band, tree_h

    size = FONT
    row, xs, tree_w, top_band, tree_h = extents(size)
    legend_w = 10 + max(width(t, size) for t in legend_labels) + 40 if legend_labels else 0
    title_w = width(title, size + 2) + 24
    if ax is None:
        plt.close(fig0)
        total_w = max(tree_w + legend_w, title_w)
        total_h = max(tree_h, top_band + (legend_entries + 1) * row * 1.25)
        fig = plt.figure(figsize=(total_w / 72.0, total_h / 72.0))
        ax = fig.add_axes((0, 0, 1, 1))
        legend_in_axes = True
    else:
        fig = ax.figure
        bbox = ax.get_window_extent(renderer)
        avail_w, avail_h = bbox.width * 72.0 / fig.dpi, bbox.height * 72.0 / fig.dpi
        scale = min(1.0, avail_w / tree_w, avail_h / tree_h)
        if scale < 1.0:
            size = max(FONT * scale, 3.0)
            row, xs, tree_w, top_band, tree_h = extents(size)
        total_w, total_h = max(avail_w, tree_w), max(avail_h, tree_h)
        legend_in_axes = False
    ax.set_xlim(0, total_w)
    ax.set_ylim(total_h, 0)
    ax.set_axis_off()
    ax.text(12, row, title, fontsize=size + 2, va="center", ha="left", fontweight="bold")

    def y_of(n):
        return top_band + (n.y + 0.5) * row

    segments = []
    for n in nodes:
        if not n.children:
            continue
        x_end = xs[n.depth] + 8 + width(n.label, size, "bold" if n.depth == 0 else "normal") + 3
        xv = xs[n.depth + 1] - 10
        ys = [y_of(c) for c in n.children]
        segments.append([(x_end, y_of(n)), (xv, y_of(n))])
        segments.append([(xv, min(ys)), (xv, max(ys))])
        segments += [[(xv, yc), (xs[n.depth + 1] - 4, yc)] for yc in ys]
    ax.add_collection(LineCollection(segments, colors="#969696", linewidths=0.8))
    for n in nodes:
        x, y = xs[n.depth], y_of(n)
        if n.summary:
            ax.text(x - 4, y, n.label, fontsize=size, va="center", ha="left", color="#636363", fontstyle="italic")
            continue
        colour = KIND_COLOURS.get(n.kind, "#525252")
        ax.plot([x], [y], marker="o", markersize=size * 0.7, color=colour,
                markerfacecolor=colour if n.filled else "white", markeredgewidth=1.2, linestyle="none")
        ax.text(x + 8, y, n.label, fontsize=size, va="center", ha="left",
                fontweight="bold" if n.depth == 0 else "normal")
    handles = [Line2D([], [], marker="o", linestyle="none", color=KIND_COLOURS[k], label=t) for k, t in zip(kinds, legend_labels)]
    if tree == "territory":
        handles += [
            Line2D([], [], marker="o", linestyle="none", color="#525252", label=legend_labels[-2]),
            Line2D([], [], marker="o", linestyle="none", color="#525252", markerfacecolor="white", label=legend_labels[-1]),
        ]
    if handles:
        if legend_in_axes:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(tree_w / total_w, 1 - top_band / total_h),
                      fontsize=size, frameon=False, borderaxespad=0)
        else:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=size, frameon=False)
    return ax
