"""Plots (作图) of orggraph graphs and reports, with matplotlib.

Every function returns the :class:`matplotlib.axes.Axes` it drew on (or a
:class:`~matplotlib.figure.Figure` for multi-panel plots) and takes ``ax=`` to
draw into your own axes. Chinese names render with an installed CJK font
(:mod:`orggraph.plot.fonts`); without one, labels fall back to ids. Bodies and
territories are labelled by name; people never appear in a plot.

==============================  =============================================================
function                        what it draws
==============================  =============================================================
:func:`hierarchy`               a street's or community's territories (区域层级) or party chain
                                (党组织链条) as a tree
:func:`cross_appointment`       交叉任职率 per community, sorted bars, overall rate and norm
:func:`coverage`                组建率 / 覆盖率 per community (or street), sorted bars, norm 100%
:func:`headline`                the rate indicators of an audit
:func:`interlocks`              the cross-appointment network (交叉任职网络), bodies coloured by kind
:func:`scenario`                a scenario's indicator changes (before → after)
:func:`trend`                   one indicator of ``g.audit_series`` over its dates, a line per group
:func:`areas`                   communities and areas on a map from WKT geometry, 治理真空带 and
                                交界争议 areas highlighted
:func:`choropleth`              a coverage indicator per community or grid on their polygons (专题地图)
==============================  =============================================================

>>> import orggraph as og, orggraph.plot
>>> ax = og.plot.hierarchy(og.load_sample("qixia"), "qx-c01")
"""

from __future__ import annotations

from ._common import KIND_COLOURS, STATUS_COLOURS, label_overlaps, labels_outside
from .fonts import CJKFont, CJKFontWarning, cjk_font, find_cjk_font, use_cjk_font
from .hierarchy import hierarchy
from .maps import areas
from .choropleth import choropleth
from .network import interlocks
from .rates import COMMUNITY_LEVEL_INDICATORS, coverage, coverage_rates, cross_appointment, headline, rate_bars
from .scenario import scenario
from .trend import trend

__all__ = [
    "hierarchy",
    "cross_appointment",
    "coverage",
    "coverage_rates",
    "headline",
    "rate_bars",
    "interlocks",
    "scenario",
    "trend",
    "areas",
    "choropleth",
    "use_cjk_font",
    "find_cjk_font",
    "cjk_font",
    "CJKFont",
    "CJKFontWarning",
    "label_overlaps",
    "labels_outside",
    "KIND_COLOURS",
    "STATUS_COLOURS",
    "COMMUNITY_LEVEL_INDICATORS",
]
