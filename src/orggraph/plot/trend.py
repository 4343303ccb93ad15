"""Trend lines (趋势) of :func:`orggraph.queries.trends.audit_series`: one indicator over the dates, a line per group.

A rate is drawn in percent, computed from the summed numerator and
denominator of the rows of one date and group (never an average of rates);
where the denominator is 0 there is no point (不适用), not a 0 %. A count
(``measure`` 数量) is drawn as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import new_axes
from .fonts import bilingual, display_name

__all__ = ["trend"]


def trend(series: pd.DataFrame, indicator: str, *, ax=None):
    """Plot ``indicator`` of an :func:`~orggraph.queries.trends.audit_series` table over its dates.

    Parameters
    ----------
    series : DataFrame
        The answer of ``g.audit_series(as_of=[...], by=...)``.
    indicator : str
        A headline indicator name (``"compound_org_formation_rate"`` …).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> s = og.load_sample("qixia").audit_series(["2019-06-30", "2020-06-30"], by="street")
    >>> ax = og.plot.trend(s, "grid_worker_rate")
    >>> ax.lines[0].get_ydata().round(1).tolist()
    [0.0, 100.0]
    """
    rows = series[series["indicator"] == indicator]
    if not len(rows):
        known = ", ".join(dict.fromkeys(series["indicator"]))
        raise ValueError(f"indicator {indicator!r} is not in the series; known: {known}")
    count = bool((rows["measure"] == "数量").all())
    fig, ax = new_axes(ax)
    key = rows["group_id"].astype(object).where(rows["group_id"].notna(), "")
    for gid, part in rows.assign(_key=key).groupby("_key", sort=True):
        part = part.sort_values("as_of")
        if count:
            y = part["value"].to_numpy(dtype=float)
        else:
            num = part["numerator"].to_numpy(dtype=float)
            den = part["denominator"].to_numpy(dtype=float)
            y = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)
        label = display_name(part["group_name"].iloc[0], gid) if gid else bilingual("all", "全部")
        ax.plot(part["as_of"].to_numpy(), y, marker="o", label=label)
    zh = rows["zh"].iloc[0]
    ax.set_title(bilingual(indicator.replace("_", " "), zh))
    ax.set_ylabel(bilingual("count", "数量") if count else bilingual("%", "百分比"))
    if not count:
        ax.set_ylim(-2, 102)
    ax.legend(loc="best")
    fig.autofmt_xdate()
    return ax
