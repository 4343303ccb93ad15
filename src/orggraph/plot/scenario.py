"""A scenario's indicator changes (情景推演: 指标变化) as a dumbbell chart.

Input: a DataFrame with one row per indicator and the columns

==============  ===========================================================
``indicator``   the indicator's English id (``compound_org_coverage_rate`` …)
``zh``          its Chinese name (小区党组织组建率 …), used as the row label
``before``      its value before the scenario (a rate 0–1, or a count)
``after``       its value after
``change``      ``after − before``
``measure``     optional: the audit's measure (``数量`` for a count, anything
                else for a rate); see below
==============  ===========================================================

— the shape of an indicator diff between two audits (the headline of
:func:`~orggraph.queries.audit.audit` before and after a restructuring).

Rates and counts do not share an axis: rates go to one panel (0–100%, changes
in percentage points), counts to another. A row is a count when its
``measure`` is ``数量``; without a ``measure`` column, when the indicator is
one of the audit's counts (:data:`COUNT_INDICATORS`), else when ``before`` or
``after`` lies outside 0–1.

Each row is drawn as a line from a hollow marker (before) to a filled one
(after), green when the change is an improvement, red when it is a
deterioration (rates: higher is better; counts of gaps, vacuums and
violations: lower is better), grey otherwise, with the change written at the
right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fonts import bilingual, cjk_font, display_name

__all__ = ["scenario", "COUNT_INDICATORS", "LOWER_IS_BETTER"]

#: the audit's count indicators (measure 数量)
COUNT_INDICATORS = ("unassigned_areas", "contested_areas", "norm_violations", "multi_post_people")
#: count indicators for which a decrease is an improvement
LOWER_IS_BETTER = ("unassigned_areas", "contested_areas", "norm_violations")

_BETTER, _WORSE, _SAME = "#31a354", "#de2d26", "#969696"
ROW_HEIGHT = 0.32

REQUIRED = ("indicator", "zh", "before", "after", "change")


def _is_count(frame: pd.DataFrame) -> pd.Series:
    if "measure" in frame.columns:
        return frame["measure"].astype(str).eq("数量")
    outside = ~(frame["before"].between(0, 1) & frame["after"].between(0, 1))
    return frame["indicator"].isin(COUNT_INDICATORS) | outside.fillna(False)


def _direction(indicator: str, change: float, count: bool) -> str:
    if change != change or abs(change) < 1e-12:
        return _SAME
    if count:
        if indicator not in LOWER_IS_BETTER:
            return _SAME
        return _BETTER if change < 0 else _WORSE
    return _BETTER if change > 0 else _WORSE


def _panel(ax, rows: pd.DataFrame, count: bool) -> None:
    n = len(rows)
    y = np.arange(n)
    for yi, rec in zip(y, rows.itertuples(index=False)):
        colour = _direction(rec.indicator, rec.change, count)
        ax.plot([rec.before, rec.after], [yi, yi], color=colour, linewidth=2, zorder=1, clip_on=False)
        ax.plot([rec.before], [yi], marker="o", markersize=6, markerfacecolor="white", color=colour, zorder=2, clip_on=False)
        ax.plot([rec.after], [yi], marker="o", markersize=6, color=colour, zorder=2, clip_on=False)
    labels = [display_name(z, i) for i, z in zip(rows["indicator"], rows["zh"])]
    ax.set_yticks(y, labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, labelsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    if count:
        hi = float(np.nanmax(rows[["before", "after"]].to_numpy(dtype=float))) if n else 1.0
        hi = max(hi, 1.0)
        ax.set_xlim(-0.02 * hi, hi * 1.05)
        ax.set_xlabel(bilingual("count", "数量"), fontsize=9)
    else:
        ax.set_xlim(-0.02, 1.02)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel(bilingual("rate", "比率"), fontsize=9)
    # the change, in a column right of the axes (never over a marker)
    for yi, rec in zip(y, rows.itertuples(index=False)):
        c = rec.change
        text = "–" if c != c else (f"{c:+,.0f}" if count else f"{c * 100:+.1f} pp")
        ax.annotate(text, (1.0, yi), xycoords=("axes fraction", "data"), xytext=(6, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8, color=_direction(rec.indicator, c, count))


def scenario(diff: pd.DataFrame, *, title: str | None = None):
    """Plot a scenario's indicator changes (指标变化), before → after, one row per indicator.

    Parameters
    ----------
    diff : pandas.DataFrame
        Columns ``indicator, zh, before, after, change`` (and optionally
        ``measure``), one row per indicator; see the module notes. The row
        order is kept; a row whose ``before`` and ``after`` are both missing (the
        figure applies in neither state: 不适用) is not drawn.
    title : str, optional
        Default "Scenario: indicator changes 情景推演指标变化".

    Returns
    -------
    matplotlib.figure.Figure
        One panel for the rates and one for the counts (only those present).

    Examples
    --------
    >>> import pandas as pd, orggraph.plot
    >>> diff = pd.DataFrame({"indicator": ["compound_org_coverage_rate", "unassigned_areas"],
    ...                      "zh": ["小区党组织组建率", "治理真空带(无主区域)"],
    ...                      "before": [0.16, 3.0], "after": [0.45, 1.0]})
    >>> diff["change"] = diff["after"] - diff["before"]
    >>> fig = orggraph.plot.scenario(diff)
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    missing = [c for c in REQUIRED if c not in diff.columns]
    if missing:
        raise ValueError(f"scenario: the frame lacks the columns {', '.join(missing)} (needs {', '.join(REQUIRED)})")
    cjk_font()
    frame = diff.copy()
    for c in ("before", "after", "change"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    # a figure that applies in neither state (不适用 before and after, e.g. village figures of a city) is not drawn
    frame = frame[frame["before"].notna() | frame["after"].notna()]
    counts = _is_count(frame).to_numpy(dtype=bool)
    parts = [(False, frame[~counts]), (True, frame[counts])]
    parts = [(c, p) for c, p in parts if len(p)]
    if not parts:
        raise ValueError("scenario: the frame has no rows")
    heights = [max(len(p), 1) for _, p in parts]
    fig, axes = plt.subplots(len(parts), 1, figsize=(8, 1.4 + 0.9 * len(parts) + ROW_HEIGHT * sum(heights)),
                             gridspec_kw={"height_ratios": heights}, layout="constrained", squeeze=False)
    for ax, (count, rows) in zip(axes[:, 0], parts):
        _panel(ax, rows.reset_index(drop=True), count)
    fig.suptitle(title or bilingual("Scenario: indicator changes", "情景推演指标变化"), x=0.02, ha="left", fontsize=11)
    return fig
