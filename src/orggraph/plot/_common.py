"""Helpers shared by the plots: axes, colours by kind, labels that never overlap."""

from __future__ import annotations

import numpy as np

from ..schema import ENUMS
from .fonts import bilingual, cjk_font

__all__ = ["new_axes", "label_overlaps", "labels_outside", "masked_body_names", "drop_overlapping", "kind_label", "KIND_COLOURS", "STATUS_COLOURS"]

#: colour of each body or territory kind (party levels in reds, units in blues/greens, territories in greys)
KIND_COLOURS = {
    # party organisations: the chain from 党工委 to 党员中心户, dark to light red
    "working_committee": "#7f0000",
    "committee": "#b30000",
    "general_branch": "#d7301f",
    "branch": "#ef6548",
    "group": "#fc8d59",
    "household": "#fdbb84",
    # units
    "residents_committee": "#08519c",
    "workstation": "#3182bd",
    "owners_committee": "#6baed6",
    "property_company": "#9e9ac8",
    "cooperative": "#8c6d31",
    "supervisory_committee": "#2171b5",
    "self_management_committee": "#9ecae1",
    "resident_unit": "#238b45",
    "social_org": "#74c476",
    "service_team": "#a1d99b",
    "grid": "#737373",
    # territories
    "District": "#252525",
    "Street": "#525252",
    "Community": "#08519c",
    "Grid": "#737373",
    "compound": "#6a51a3",
    "building": "#9e9ac8",
    "village": "#8c6d31",
    "boundary_zone": "#e6550d",
}

#: colour of a territory's status (治理真空带 / 交界争议)
STATUS_COLOURS = {"assigned": "#c6dbef", "unassigned": "#fd8d3c", "contested": "#de2d26"}

_ZH = {
    **{k: v[0] for e in ("party_level", "unit_kind", "area_kind") for k, v in ENUMS[e].values.items()},
    "grid": "网格",
    "District": "区县",
    "Street": "街道",
    "Community": "社区",
    "Grid": "网格",
    "assigned": "已明确",
    "unassigned": "无主(治理真空带)",
    "contested": "争议(交界区域)",
}


def kind_label(kind: str) -> str:
    """Legend text of a kind: ``"branch 党支部"`` (English only without a CJK font)."""
    return bilingual(str(kind).replace("_", " "), _ZH.get(kind))


def new_axes(ax=None, figsize=(8, 5)):
    """``(figure, axes)``: the given axes, or a new figure of ``figsize`` inches."""
    import matplotlib.pyplot as plt

    cjk_font()  # Chinese text renders from the first plot on
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _renderer(fig):
    fig.canvas.draw()  # a full draw: the layout (constrained, legends outside) is final before measuring
    return fig.canvas.get_renderer()


def _extents(texts, renderer, pad: float):
    out = []
    for t in texts:
        bb = t.get_window_extent(renderer)
        out.append((bb.x0 - pad, bb.y0 - pad, bb.x1 + pad, bb.y1 + pad))
    return np.array(out, dtype=float).reshape(-1, 4)


def drop_overlapping(texts, pad: float = 1.0, fixed=()) -> list:
    """Hide every text that overlaps an earlier visible one; return the texts kept.

    ``texts`` are in priority order (the most important first): a label is
    kept only when its box (plus ``pad`` pixels) meets no kept label and none
    of the ``fixed`` artists (a title, a legend). Call it once everything else
    is in place: the figure is drawn to measure the labels where they will be.
    """
    texts = [t for t in texts if t.get_visible() and t.get_text()]
    if not texts:
        return []
    fig = texts[0].figure
    renderer = _renderer(fig)
    boxes = _extents(texts, renderer, pad)
    fixed = [a for a in fixed if a is not None and a.get_visible()]
    kept = [_extents([a], renderer, 0)[0] for a in fixed if not hasattr(a, "get_text") or a.get_text()]
    out = []
    for t, b in zip(texts, boxes):
        if kept:
            k = np.array(kept)
            if ((k[:, 0] < b[2]) & (b[0] < k[:, 2]) & (k[:, 1] < b[3]) & (b[1] < k[:, 3])).any():
                t.set_visible(False)
                continue
        kept.append(b)
        out.append(t)
    return out


def _drawn_texts(target) -> list:
    """The visible, non-empty texts matplotlib draws in a figure or axes (tick labels: those in view)."""
    from matplotlib.axis import Tick
    from matplotlib.text import Text

    fig = target if hasattr(target, "canvas") else target.figure
    tick_texts = {id(t) for tick in target.findobj(Tick) for t in (tick.label1, tick.label2)}
    texts = [t for t in target.findobj(Text) if id(t) not in tick_texts]
    for ax in (fig.axes if target is fig else [target]):
        if not ax.axison:
            continue
        for axis in ax._axis_map.values():
            if not axis.get_visible():
                continue
            for tick in axis._update_ticks():  # the ticks matplotlib draws (inside the view)
                texts += [tick.label1, tick.label2]
    return [t for t in texts if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0]


def label_overlaps(target, pad: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of visible text labels of a figure or axes whose boxes intersect (after drawing).

    Every visible, non-empty :class:`matplotlib.text.Text` that matplotlib
    draws: titles, axis labels, annotations, legend entries and the labels of
    the ticks in view. An empty list means no label hides another.
    """
    fig = target if hasattr(target, "canvas") else target.figure
    fig.canvas.draw()
    texts = _drawn_texts(target)
    boxes = _extents(texts, fig.canvas.get_renderer(), -pad)
    out = []
    for i in range(len(texts)):
        b = boxes[i]
        rest = boxes[i + 1 :]
        hit = (rest[:, 0] < b[2]) & (b[0] < rest[:, 2]) & (rest[:, 1] < b[3]) & (b[1] < rest[:, 3])
        for j in np.flatnonzero(hit):
            out.append((texts[i].get_text(), texts[i + 1 + j].get_text()))
    return out


def labels_outside(fig, tolerance: float = 1.0) -> list[str]:
    """Visible text labels of ``fig`` that stick out of the figure (cut off when saved), after drawing."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    out = []
    for t in _drawn_texts(fig):
        bb = t.get_window_extent(renderer)
        if bb.x0 < -tolerance or bb.y0 < -tolerance or bb.x1 > w + tolerance or bb.y1 > h + tolerance:
            out.append(t.get_text())
    return out


def masked_body_names(g, show_people: bool = False) -> dict[str, str]:
    """Body names with the names of the people holding posts in them replaced by the people's ids.

    A 党员中心户 is often named after its household ("3号楼党员中心户(张三)"):
    a cadre's name inside a body's name. Personal data stays out of plots and
    reports by default, so such a name is shown as "3号楼党员中心户(k0042)".
    Only the names of people holding a post (at any date) in that very body
    are replaced, so a compound called 望江新城 keeps its name even if someone
    is called 江新.

    Returns ``{body id: masked name}`` for the bodies whose name changes
    (nothing with ``show_people=True``).
    """
    if show_people:
        return {}
    posts = g.edges("HOLDS_POST")
    if not len(posts):
        return {}
    cadres = g.nodes("Cadre")
    cadre_name = dict(zip(cadres["id"], cadres["name"]))
    body_name = {}
    for kind in ("PartyOrg", "Unit", "Grid"):
        f = g.nodes(kind)
        body_name.update(zip(f["id"], f["name"]))
    pairs = []
    for cadre, body in zip(posts["source"], posts["target"]):
        person, name = cadre_name.get(cadre), body_name.get(body)
        if isinstance(person, str) and isinstance(name, str) and len(person.strip()) >= 2 and person.strip() in name:
            pairs.append((body, cadre, person.strip()))
    out: dict[str, str] = {}
    for body, cadre, person in sorted(pairs, key=lambda p: -len(p[2])):  # longer names first
        out[body] = out.get(body, body_name[body]).replace(person, str(cadre))
    return out
