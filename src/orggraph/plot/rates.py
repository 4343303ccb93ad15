"""Rates per community as sorted bar charts (交叉任职率, 组建率, 覆盖率), with the norm drawn in.

One horizontal bar per community (or street), sorted from the lowest rate at
the top, each bar annotated with its rate and its ``numerator/denominator``;
a dashed line marks the norm and a dotted one the overall rate (computed from
the summed counts, never by averaging rates). The figure grows with the number
of rows (0.24 inch each), so the 43 communities of 孝南 stay readable and no
label overlaps another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ..queries.coverage import COVERAGE_INDICATORS
from ..scope import closure
from ._common import new_axes
from .fonts import bilingual, display_name

__all__ = ["rate_bars", "cross_appointment", "coverage", "coverage_rates", "headline", "COMMUNITY_LEVEL_INDICATORS"]

#: inches per bar row
ROW_HEIGHT = 0.24

_BELOW = "#de2d26"
_OK = "#3182bd"
_NONE = "#bdbdbd"

_ZH = {ind: zh for _, (ind, zh, _) in COVERAGE_INDICATORS.items()}
_MEASURE = {ind: m for _, (ind, _, m) in COVERAGE_INDICATORS.items()}

#: coverage indicators whose entities are communities themselves (per community they are 0 or 1)
COMMUNITY_LEVEL_INDICATORS = ("part_time_member_rate", "community_report_rate")


# --------------------------------------------------------------------------- the generic chart


def _fraction(v) -> str:
    return "–" if v != v else f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 0.05 else f"{v:.1%}"


def rate_bars(
    frame: pd.DataFrame,
    *,
    rate: str = "rate",
    label: str | None = None,
    id_column: str | None = None,
    numerator: str | None = None,
    denominator: str | None = None,
    norm: float | None = None,
    norm_label: str = "norm",
    overall: float | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    max_bars: int | None = 60,
    ax=None,
):
    """Draw one horizontal bar per row of ``frame``, sorted by ``rate`` (lowest at the top).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar.
    rate : str
        Column with the rate (0–1); NaN (no denominator) draws no bar, marked "–",
        at the bottom.
    label, id_column : str, optional
        Columns with the bar's name and id; the id is shown when the name
        cannot be rendered (no CJK font). Default: the first column ending in
        ``_name`` and the first ending in ``_id``.
    numerator, denominator : str, optional
        Columns annotated after each bar as ``62% (156/251)``.
    norm : float, optional
        Draw the norm as a dashed vertical line; bars below it are red.
    norm_label : str
        Legend text of the norm line.
    overall : float, optional
        Draw the overall rate as a dotted vertical line.
    title, xlabel : str, optional
    max_bars : int or None
        Draw at most this many bars, the lowest rates (default 60: a district
        of hundreds of communities shows its weakest 60, and the title says
        "lowest 60 of 860"); None draws every row.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; by default a new figure sized to the rows.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if rate not in frame.columns:
        raise ValueError(f"rate_bars: no column {rate!r} in the frame (columns: {', '.join(map(str, frame.columns))})")
    label = label or next((c for c in frame.columns if str(c).endswith("_name")), None)
    id_column = id_column or next((c for c in frame.columns if str(c).endswith("_id")), None)
    f = frame.copy()
    f["_rate"] = pd.to_numeric(f[rate], errors="coerce").astype(float)
    f["_key"] = f[id_column].astype(str) if id_column else pd.Series(range(len(f)), index=f.index).astype(str)
    f = f.sort_values(["_rate", "_key"], na_position="last", kind="stable").reset_index(drop=True)
    total = len(f)
    if max_bars is not None and total > max_bars:
        f = f.head(max(int(max_bars), 1))
        title = f"{title or ''} ({bilingual(f'lowest {len(f)} of {total}', f'最低 {len(f)} 个')})".strip()
    n = len(f)
    fig, ax = new_axes(ax, figsize=(8, 1.3 + ROW_HEIGHT * max(n, 1)))
    values = f["_rate"].to_numpy()
    colours = [
        _NONE if v != v else (_BELOW if norm is not None and v < norm - 1e-12 else _OK) for v in values
    ]
    y = np.arange(n)
    ax.barh(y, np.nan_to_num(values, nan=0.0), height=0.7, color=colours)
    names = [
        display_name(nm if label else None, i)
        for nm, i in zip(f[label] if label else [None] * n, f[id_column] if id_column else f["_key"])
    ]
    ax.set_yticks(y, names)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, labelsize=9)
    for yi, (_, row) in zip(y, f.iterrows()):
        v = row["_rate"]
        text = _fraction(v)
        if numerator and denominator:
            num, den = row[numerator], row[denominator]
            if den == den and num == num:
                text += f" ({int(num)}/{int(den)})"
        ax.text((0 if v != v else v) + 0.01, yi, text, va="center", ha="left", fontsize=8, color="#404040",
                bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.8))
    ax.set_xlim(0, 1.3)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.spines[["top", "right"]].set_visible(False)
    handles = []
    if norm is not None:
        handles.append(ax.axvline(norm, color=_BELOW, linestyle="--", linewidth=1.2, label=f"{norm_label} {_fraction(norm)}"))
    if overall is not None and overall == overall:
        handles.append(ax.axvline(overall, color="#252525", linestyle=":", linewidth=1.2,
                                  label=f"{bilingual('overall', '总体')} {_fraction(overall)}"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    return ax


def _overall(frame: pd.DataFrame, num: str, den: str) -> float:
    n, d = float(frame[num].sum()), float(frame[den].sum())
    return n / d if d else float("nan")


# --------------------------------------------------------------------------- cross-appointment


def cross_appointment(
    source,
    bodies=rules.TWO_COMMITTEES,
    *,
    by: str = "community",
    within: str | None = None,
    as_of=None,
    norm: float | None = None,
    ax=None,
):
    """Plot the cross-appointment rate (交叉任职率) per community as sorted bars.

    Parameters
    ----------
    source : OrgGraph or pandas.DataFrame
        A graph (the rates are computed with
        :func:`~orggraph.queries.appointments.cross_appointment_rate`), or that
        query's result (also the ``cross_appointment`` table of an audit).
    bodies, by, within, as_of
        Passed to ``cross_appointment_rate`` when ``source`` is a graph.
        ``bodies=("committee", "residents_committee", "owners_committee")``
        gives the three-body form (三委).
    norm : float, optional
        A target rate to draw (the sources give none: "两委交叉任职率达xx%");
        communities below it are red. The overall rate (people cross-appointed
        ÷ people, summed over the rows) is always drawn.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> ax = og.plot.cross_appointment(og.load_sample("qixia"), as_of="2020-06-30")
    >>> len(ax.patches)
    12
    """
    if isinstance(source, pd.DataFrame):
        frame = source
        by = next((c[: -len("_id")] for c in frame.columns if c.endswith("_id")), by)
    else:
        frame = source.cross_appointment_rate(bodies, by=by, within=within, as_of=as_of)
    three = bodies is not None and "owners_committee" in tuple(bodies)
    en, zh = ("Three-committee cross-appointment", "三委交叉任职率") if three else ("Cross-appointment", "两委交叉任职率")
    return rate_bars(
        frame,
        label=f"{by}_name",
        id_column=f"{by}_id",
        numerator="cross_appointed",
        denominator="members",
        norm=norm,
        overall=_overall(frame, "cross_appointed", "members"),
        title=f"{bilingual(f'{en} rate', zh)} per {by}",
        xlabel=bilingual("people in two or more bodies ÷ people", "交叉任职人数 ÷ 班子成员"),
        ax=ax,
    )


# --------------------------------------------------------------------------- coverage per community


def _check_indicator(indicator: str) -> str:
    if indicator not in _ZH:
        raise ValueError(f"unknown coverage indicator {indicator!r}; use one of {', '.join(_ZH)}")
    return indicator


def _contained_pairs(contains: pd.DataFrame, groups) -> pd.DataFrame:
    """Pairs ``group, territory``: each group with itself and every territory it contains (CONTAINS*)."""
    start = pd.DataFrame({"group": list(groups), "territory": list(groups)}, dtype=object)
    edges = pd.DataFrame({"territory": contains["source"].astype(object), "child": contains["target"].astype(object)})
    parts, frontier, seen = [start], start, start
    while len(frontier):
        step = frontier.merge(edges, on="territory")[["group", "child"]].rename(columns={"child": "territory"})
        step = step.drop_duplicates().merge(seen, how="left", indicator=True)
        step = step[step["_merge"] == "left_only"].drop(columns="_merge")
        if not len(step):
            break
        parts.append(step)
        seen = pd.concat([seen, step], ignore_index=True)
        frontier = step
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def coverage_rates(
    g,
    indicator: str | None = None,
    *,
    by: str = "community",
    within: str | None = None,
    as_of=None,
    large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS,
) -> pd.DataFrame:
    """Coverage and formation rates (覆盖率, 组建率) per community or per street.

    For each community (or street) ``c``, the rates of
    :func:`~orggraph.queries.coverage.coverage_gaps` as ``coverage_gaps(within=c)``
    computes them — the entities in ``c``'s scope (territories ``c`` contains,
    bodies covering one of them) and the gaps among them — computed from one
    ``coverage_gaps`` call over the whole scope instead of one call per
    community. An entity in two communities (a contested compound) counts in
    both, as with ``within=``.

    Parameters
    ----------
    g : OrgGraph
    indicator : str, optional
        One indicator of ``coverage_gaps(...).rates`` (``compound_org_coverage_rate``,
        ``grid_worker_rate`` …); all seven when None.
    by : {"community", "street", "grid"}
        ``"grid"``: each grid with the territories it contains (its compounds), as for the maps.
    within, as_of, large_compound
        As for ``coverage_gaps``; ``within`` limits the entities counted.

    Returns
    -------
    pandas.DataFrame
        ``indicator, zh, measure, <by>_id, <by>_name, numerator, denominator,
        rate``; rows with no entity (denominator 0) are left out. Sorted by
        indicator (in the order of ``coverage_gaps``) then id.
    """
    if by not in ("community", "street", "grid"):
        raise ValueError(f"by={by!r}: use 'community', 'street' or 'grid'")
    indicators = list(_ZH) if indicator is None else [_check_indicator(indicator)]
    g = g.at(as_of)  # the graph as it stood that day (dated structure): its groups, containment and coverage
    report = g.coverage_gaps(within=within, as_of=as_of, large_compound=large_compound)
    kind = {"community": "Community", "street": "Street", "grid": "Grid"}[by]
    groups = g.nodes(kind)[["id", "name"]]
    contains = g.edges("CONTAINS")[["source", "target"]]
    pairs = _contained_pairs(contains, groups["id"])
    if within is not None:
        scope = set(closure(contains, [within]))
        pairs = pairs[pairs["territory"].isin(scope)]
    covers = g.edges("COVERS")[["source", "target"]].rename(columns={"source": "body", "target": "territory"})
    # each indicator's universe (its denominator) from the one definition, rules.COVERAGE_UNIVERSES
    tables = {label: g.nodes(label) for label in {u.label for u in rules.COVERAGE_UNIVERSES.values()}}
    entities = {}
    for table, u in rules.COVERAGE_UNIVERSES.items():
        nodes = tables[u.label]
        entities[COVERAGE_INDICATORS[table][0]] = (u.side, nodes.loc[rules.universe_mask(u, nodes, large_compound), "id"])
    body_pairs = pairs.merge(covers, on="territory")[["group", "body"]].drop_duplicates()
    rows = []
    for table, (ind, zh, measure) in COVERAGE_INDICATORS.items():
        if ind not in indicators:
            continue
        side, ids = entities[ind]
        ids = set(ids)
        p = pairs if side == "territory" else body_pairs
        p = p[p[side].isin(ids)].drop_duplicates(["group", side])
        gap_ids = set(report[table].iloc[:, 0].dropna())
        den = p.groupby("group").size()
        num = p[~p[side].isin(gap_ids)].groupby("group").size().reindex(den.index, fill_value=0)
        out = pd.DataFrame({f"{by}_id": den.index.astype(object), "numerator": num.to_numpy(), "denominator": den.to_numpy()})
        out.insert(0, "measure", measure)
        out.insert(0, "zh", zh)
        out.insert(0, "indicator", ind)
        rows.append(out.sort_values(f"{by}_id", kind="stable"))
    cols = ["indicator", "zh", "measure", f"{by}_id", "numerator", "denominator"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    names = dict(zip(groups["id"], groups["name"]))
    out.insert(4, f"{by}_name", out[f"{by}_id"].map(names).astype(object))
    out["numerator"] = out["numerator"].astype("int64")
    out["denominator"] = out["denominator"].astype("int64")
    out["rate"] = (out["numerator"] / out["denominator"]).astype("float64")
    return out.reset_index(drop=True)


def coverage(
    source,
    indicator: str = "compound_org_coverage_rate",
    *,
    by: str = "community",
    within: str | None = None,
    as_of=None,
    norm: float | None = 1.0,
    large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS,
    ax=None,
):
    """Plot a coverage or formation rate (覆盖率 / 组建率) per community as sorted bars.

    Parameters
    ----------
    source : OrgGraph or pandas.DataFrame
        A graph (rates from :func:`coverage_rates`) or the result of
        :func:`coverage_rates` (rows of other indicators are ignored).
    indicator : str
        ``compound_org_coverage_rate`` (小区党组织组建率, default),
        ``property_company_branch_rate``, ``grid_worker_rate``,
        ``part_time_member_rate``, ``unit_report_coverage_rate``,
        ``community_report_rate`` or ``large_compound_committee_rate``. The two
        community-level ones are 0 or 1 per community: plot them ``by="street"``.
    by, within, as_of, large_compound
        As for :func:`coverage_rates`.
    norm : float or None
        The norm line, default 1.0: every entity should have its organisation
        (each one missing is a gap in ``coverage_gaps``); bars below are red.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import orggraph as og, orggraph.plot
    >>> ax = og.plot.coverage(og.load_sample("qixia"), "compound_org_coverage_rate", as_of="2020-06-30")
    >>> len(ax.patches)
    12
    """
    _check_indicator(indicator)
    if isinstance(source, pd.DataFrame):
        frame = source[source["indicator"] == indicator] if "indicator" in source.columns else source
        by = next((c[: -len("_id")] for c in frame.columns if c.endswith("_id")), by)
    else:
        frame = coverage_rates(source, indicator, by=by, within=within, as_of=as_of, large_compound=large_compound)
    return rate_bars(
        frame,
        label=f"{by}_name",
        id_column=f"{by}_id",
        numerator="numerator",
        denominator="denominator",
        norm=norm,
        norm_label=bilingual("norm", "目标"),
        overall=_overall(frame, "numerator", "denominator"),
        title=f"{bilingual(indicator.replace('_', ' '), _ZH[indicator])} per {by}",
        ax=ax,
    )


# --------------------------------------------------------------------------- headline


def headline(report, *, ax=None):
    """Plot the rate indicators of an audit's headline (主要指标) as bars, lowest first.

    Parameters
    ----------
    report : AuditReport or pandas.DataFrame
        :func:`~orggraph.queries.audit.audit`'s report or its ``headline``
        frame; count indicators (measure ``数量``) and figures that do not
        apply (``applicable`` false: 不适用, e.g. village figures of a city
        sample) are left out.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = report if isinstance(report, pd.DataFrame) else report.headline
    rates = frame[frame["measure"] != "数量"]
    if "applicable" in rates.columns:  # a figure that does not apply here (不适用) has no bar to draw
        rates = rates[rates["applicable"].astype(bool)]
    rates = rates.copy()
    # the Chinese name of the indicator; its English id without a CJK font
    rates["label"] = [display_name(z, i) for i, z in zip(rates["indicator"], rates["zh"])]
    return rate_bars(
        rates,
        rate="value",
        label="label",
        id_column="indicator",
        numerator="numerator",
        denominator="denominator",
        title=bilingual("Headline rates", "主要指标"),
        ax=ax,
    )
