"""Indicators on the map (专题地图): a coverage rate per community or per grid, drawn on their polygons.

:func:`choropleth` colours each community's (or grid's) polygon by one of the
audit's coverage indicators — the rates of
:func:`~orggraph.queries.coverage.coverage_gaps` (网格员配备率, 小区党组织覆盖率 …),
computed per polygon by :func:`~orggraph.plot.coverage_rates` from the same
counts — in classes chosen with mapclassify. No basemap tiles: the map draws
the polygons only, so it works offline and in the one-file HTML report
(:func:`report_maps` is the report's hook). Needs the ``geo`` extra.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import new_axes
from .fonts import bilingual, display_name
from .maps import _aspect, _patch
from .rates import _ZH, coverage_rates

__all__ = ["choropleth", "report_maps", "DEFAULT_BINS"]

#: class upper bounds for a rate (0 … 1) unless another scheme is asked for: ≤60 %, ≤80 %, ≤95 %, ≤100 %
DEFAULT_BINS = (0.6, 0.8, 0.95, 1.0)

_NA = "#d9d9d9"
_LEVELS = {"community": "Community", "grid": "Grid"}
_LEVEL_ZH = {"community": "社区", "grid": "网格"}


def _indicator(indicator: str) -> str:
    if indicator in _ZH:
        return indicator
    by_zh = {zh: ind for ind, zh in _ZH.items()}
    if indicator in by_zh:
        return by_zh[indicator]
    raise ValueError(f"unknown indicator {indicator!r}; use one of "
                     + ", ".join(f"{i} ({z})" for i, z in _ZH.items()))


def _classes(values: np.ndarray, scheme: str | None, k: int):
    """``(class index per value, upper bounds)`` with mapclassify; the default bins for rates."""
    import mapclassify

    if scheme is None:
        c = mapclassify.UserDefined(values, bins=list(DEFAULT_BINS))
    else:
        distinct = len(np.unique(values))
        c = mapclassify.classify(values, scheme=scheme, k=max(1, min(k, distinct)))
    return np.asarray(c.yb), np.asarray(c.bins, dtype=float)


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def choropleth(g, indicator: str = "grid_worker_rate", *, level: str = "community", within: str | None = None,
               as_of=None, scheme: str | None = None, k: int = 5, cmap: str = "RdYlGn", labels: bool | None = None,
               ax=None):
    """Draw a coverage indicator per community or per grid on their polygons (专题地图).

    Parameters
    ----------
    g : OrgGraph
        A graph whose communities (``level="community"``) or grids
        (``level="grid"``) carry WKT ``geometry``.
    indicator : str
        A coverage indicator by its name or its Chinese name: ``grid_worker_rate``
        (网格员配备率), ``compound_org_coverage_rate`` (小区党组织覆盖率) … (see
        :func:`~orggraph.queries.coverage.coverage_gaps`).
    level : {"community", "grid"}
    within, as_of
        As for every query.
    scheme, k
        A mapclassify scheme (``"quantiles"``, ``"natural_breaks"``,
        ``"equal_interval"`` …) and number of classes; default: the fixed
        classes ≤60 %, ≤80 %, ≤95 %, ≤100 % of :data:`DEFAULT_BINS`.
    cmap : str
        A matplotlib colour map (default red = low, green = high).
    labels : bool, optional
        Write names on the polygons (default: at the community level only).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Polygons without a value (no entity to count: 不适用) are grey; the
        legend is titled with the indicator's Chinese name and gives each
        class with its number of polygons.

    Raises
    ------
    ValueError
        For an unknown indicator or level, or when no polygon of the level is in scope.

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> ax = og.plot.choropleth(og.load_sample("qixia"), "网格员配备率", level="grid", as_of="2020-06-30")
    >>> ax.get_legend().get_title().get_text()
    '网格员配备率 grid_worker_rate'
    """
    import matplotlib
    from matplotlib.patches import Patch

    from ..geo.io import _from_wkt
    from ..scope import closure

    if level not in _LEVELS:
        raise ValueError(f"level={level!r}: use 'community' or 'grid'")
    ind = _indicator(indicator)
    nodes = g.nodes(_LEVELS[level])
    if within is not None:
        nodes = nodes[nodes["id"].isin(set(closure(g.edges("CONTAINS")[["source", "target"]], [within])))]
    nodes = nodes.reset_index(drop=True)
    geoms = _from_wkt(nodes)
    has = np.array([x is not None and not x.is_empty for x in geoms], dtype=bool)
    if not has.any():
        raise ValueError(f"no {level} in scope has a WKT geometry to draw (see docs/maps.md)")
    nodes, geoms = nodes[has].reset_index(drop=True), geoms[has]
    rates = coverage_rates(g, ind, by=level, within=within, as_of=as_of)
    value = nodes["id"].map(dict(zip(rates[f"{level}_id"], rates["rate"]))).astype("float64").to_numpy()
    ok = ~np.isnan(value)
    colours = matplotlib.colormaps[cmap]
    faces = np.full(len(nodes), _NA, dtype=object)
    handles = []
    if ok.any():
        yb, bins = _classes(value[ok], scheme, k)
        n_classes = len(bins)
        shades = [matplotlib.colors.to_hex(colours(0.1 + 0.8 * i / max(1, n_classes - 1))) for i in range(n_classes)]
        faces[np.flatnonzero(ok)] = [shades[c] for c in yb]
        counts = np.bincount(yb, minlength=n_classes)
        lower = float(np.min(value[ok]))
        for i, upper in enumerate(bins):
            lo = lower if i == 0 else bins[i - 1]
            text = f"≤ {_pct(upper)}" if i == 0 else f"{_pct(lo)} – {_pct(upper)}"
            if counts[i]:
                handles.append(Patch(facecolor=shades[i], edgecolor="#555555", label=f"{text} ({counts[i]})"))
    if (~ok).any():
        handles.append(Patch(facecolor=_NA, edgecolor="#555555", label=f"不适用 n/a ({int((~ok).sum())})"))
    bounds = np.array([geom.bounds for geom in geoms])
    x0, y0, x1, y1 = bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()
    aspect = _aspect(g, y0, y1)  # degrees: x stretched by 1/cos(latitude) so the map keeps its shape
    ratio = (y1 - y0) * aspect / (x1 - x0) if x1 > x0 else 1.0
    fig, ax = new_axes(ax, figsize=(9, min(max(6.5 * ratio, 3.5), 10.0) + 0.6))
    edge = "#ffffff" if level == "grid" else "#404040"
    for geom, face in zip(geoms, faces):
        _patch(ax, geom, facecolor=face, edgecolor=edge, linewidth=0.6, zorder=2)
    if level == "grid":  # community outlines on top
        comms = g.nodes("Community")
        comms = comms[comms["id"].isin(nodes["community_id"].dropna())]
        for geom in _from_wkt(comms):
            if geom is not None:
                _patch(ax, geom, facecolor="none", edgecolor="#252525", linewidth=1.2, zorder=3)
    if labels is None:
        labels = level == "community"
    if labels:
        for geom, name, i in zip(geoms, nodes["name"], nodes["id"]):
            p = geom.representative_point()
            ax.text(p.x, p.y, display_name(name, i), fontsize=7, ha="center", va="center", color="#08306b", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
    pad = 0.03 * max(x1 - x0, y1 - y0, 1e-9)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    zh = _ZH[ind]
    ax.legend(handles=handles, title=f"{zh} {ind}", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              title_fontsize=9, frameon=False)
    total = rates[rates[f"{level}_id"].isin(nodes["id"])]
    num, den = int(total["numerator"].sum()), int(total["denominator"].sum())
    overall = f"{_pct(num / den)} = {num}/{den}" if den else "n/a"
    ax.set_title(f"{zh} per {_LEVEL_ZH[level]} · {bilingual(ind.replace('_', ' '))} ({overall})", fontsize=11, loc="left")
    return ax


#: the maps the HTML report draws when polygons are present: (indicator, level)
REPORT_MAPS = (("grid_worker_rate", "grid"), ("compound_org_coverage_rate", "community"))


def report_maps(graph, within=None, as_of=None) -> list[tuple[str, object]]:
    """``(caption, draw)`` of each map for the HTML report (empty without polygons or without the geo extra)."""
    try:
        import mapclassify  # noqa: F401
        import shapely  # noqa: F401
    except ImportError:  # the report still works without the geo extra, just without maps
        return []
    from ..geo.io import _from_wkt
    from ..scope import closure

    keep = None
    if within is not None:
        keep = set(closure(graph.edges("CONTAINS")[["source", "target"]], [within]))
    jobs = []
    for ind, level in REPORT_MAPS:
        nodes = graph.nodes(_LEVELS[level])
        if keep is not None:
            nodes = nodes[nodes["id"].isin(keep)]
        if "geometry" not in nodes.columns or not any(x is not None for x in _from_wkt(nodes)):
            continue
        caption = f"Map: {ind.replace('_', ' ')} per {level} 专题地图: {_ZH[ind]}（按{_LEVEL_ZH[level]}）"
        jobs.append((caption, lambda ind=ind, level=level: choropleth(graph, ind, level=level, within=within,
                                                                       as_of=as_of).figure))
    return jobs
